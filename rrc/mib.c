/* MIB encoding and decoding (38.331 6.2.2), UPER. */
#include "rrc/mib.h"

#include <errno.h>

#include "asn1/uper.h"

int mib_pack_bytes(const struct mib *m, uint8_t bytes[3])
{
    if (m->sfn < 0 || m->sfn > 1023 || (m->scs_common_khz != 15 && m->scs_common_khz != 30) ||
        (m->dmrs_type_a_position != 2 && m->dmrs_type_a_position != 3))
        return -EINVAL;
    struct uper_writer w;
    uper_writer_init(&w, bytes, 3);
    uper_put_bits(&w, 0, 1);                                  /* CHOICE: mib */
    uper_put_bits(&w, (uint64_t)(m->sfn >> 4), 6);            /* systemFrameNumber BIT STRING (SIZE (6)) */
    uper_put_enum(&w, m->scs_common_khz == 15 ? 0 : 1, 2, false);
    uper_put_constrained(&w, m->ssb_subcarrier_offset, 0, 15);
    uper_put_enum(&w, m->dmrs_type_a_position - 2, 2, false);
    uper_put_constrained(&w, m->coreset0_index, 0, 15);       /* ControlResourceSetZero */
    uper_put_constrained(&w, m->searchspace0_index, 0, 15);   /* SearchSpaceZero */
    uper_put_enum(&w, m->cell_barred ? 0 : 1, 2, false);      /* ENUMERATED {barred, notBarred} */
    uper_put_enum(&w, m->intra_freq_reselection_allowed ? 0 : 1, 2, false); /* {allowed, notAllowed} */
    uper_put_bits(&w, (uint64_t)(m->spare & 1), 1);           /* spare BIT STRING (SIZE (1)) */
    return w.err ? -EINVAL : 0;
}

int mib_pack_bits(const struct mib *m, uint8_t bits[MIB_BITS])
{
    uint8_t bytes[3];
    int rc = mib_pack_bytes(m, bytes);
    if (rc) return rc;
    for (int i = 0; i < MIB_BITS; i++) bits[i] = (bytes[i / 8] >> (7 - i % 8)) & 1u;
    return 0;
}

int mib_unpack_bytes(const uint8_t bytes[3], int sfn_lsb4, struct mib *m)
{
    struct uper_reader r;
    uper_reader_init(&r, bytes, MIB_BITS);
    if (uper_get_bits(&r, 1) != 0) return -EBADMSG; /* messageClassExtension: nothing we can use */
    m->sfn = (int)(uper_get_bits(&r, 6) << 4) | (sfn_lsb4 & 15);
    m->scs_common_khz = uper_get_enum(&r, 2, false) ? 30 : 15;
    m->ssb_subcarrier_offset = (int)uper_get_constrained(&r, 0, 15);
    m->dmrs_type_a_position = 2 + uper_get_enum(&r, 2, false);
    m->coreset0_index = (int)uper_get_constrained(&r, 0, 15);
    m->searchspace0_index = (int)uper_get_constrained(&r, 0, 15);
    m->cell_barred = uper_get_enum(&r, 2, false) == 0;
    m->intra_freq_reselection_allowed = uper_get_enum(&r, 2, false) == 0;
    m->spare = (int)uper_get_bits(&r, 1);
    return r.err ? -EBADMSG : 0;
}

int mib_unpack_bits(const uint8_t bits[MIB_BITS], int sfn_lsb4, struct mib *m)
{
    uint8_t bytes[3] = {0, 0, 0};
    for (int i = 0; i < MIB_BITS; i++) bytes[i / 8] |= (uint8_t)((bits[i] & 1u) << (7 - i % 8));
    return mib_unpack_bytes(bytes, sfn_lsb4, m);
}
