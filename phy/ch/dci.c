/* DCI formats 1_0, 1_1, 0_0 and 0_1 packing and unpacking, 38.212 7.3.1.2.1, 7.3.1.2.2, 7.3.1.1.1 and 7.3.1.1.2; RIV, 38.214 5.1.2.2.2. See dci.h. */
#include "phy/ch/dci.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define DCI_MAX_FIELDS 16

/* One field of a layout: where its value lives, or NULL for a bit string of constant content (reserved bits:
 * 0, the DL identifier: 1), and its width. */
struct dci_field {
    uint32_t *value;
    int nbits;
    uint32_t constant;
};

/* ceil(log2(n)) for n >= 1. */
static int ceil_log2(int n)
{
    int b = 0;
    while ((1 << b) < n)
        b++;
    return b;
}

int dci_fdra_bits(int n_rb_bwp)
{
    if (n_rb_bwp < 1 || n_rb_bwp > DCI_MAX_BWP_RB)
        return -EINVAL;
    /* ceil(log2(N (N + 1) / 2)): the number of RIVs; N = 1 has one RIV and needs no bit. */
    return ceil_log2(n_rb_bwp * (n_rb_bwp + 1) / 2);
}

/* Fills f with the fields of layout d->rnti_type in transmission order (38.212 7.3.1.2.1); returns how many, or
 * -EINVAL for an unknown type or N. */
static int dci_1_0_layout(struct dci_1_0 *d, int n_rb_bwp, struct dci_field f[DCI_MAX_FIELDS])
{
    int fdra = dci_fdra_bits(n_rb_bwp);
    if (fdra < 0)
        return fdra;
    int n = 0;
    bool ue_layout = d->rnti_type == DCI_RNTI_C || d->rnti_type == DCI_RNTI_TC;
    if (ue_layout)
        f[n++] = (struct dci_field){ .nbits = 1, .constant = 1 }; /* identifier for DCI formats: 1 = DL */
    else if (d->rnti_type != DCI_RNTI_SI && d->rnti_type != DCI_RNTI_RA)
        return -EINVAL;
    f[n++] = (struct dci_field){ .value = &d->frequency_domain_assignment, .nbits = fdra };
    f[n++] = (struct dci_field){ .value = &d->time_domain_assignment, .nbits = 4 };
    f[n++] = (struct dci_field){ .value = &d->vrb_to_prb_mapping, .nbits = 1 };
    f[n++] = (struct dci_field){ .value = &d->mcs, .nbits = 5 };
    switch (d->rnti_type) {
    case DCI_RNTI_C:
    case DCI_RNTI_TC:
        f[n++] = (struct dci_field){ .value = &d->ndi, .nbits = 1 };
        f[n++] = (struct dci_field){ .value = &d->rv, .nbits = 2 };
        f[n++] = (struct dci_field){ .value = &d->harq_process, .nbits = 4 };
        /* TC-RNTI: "Downlink assignment index - 2 bits, reserved" */
        f[n++] = (struct dci_field){ .value = d->rnti_type == DCI_RNTI_C ? &d->dai : NULL, .nbits = 2 };
        f[n++] = (struct dci_field){ .value = &d->tpc, .nbits = 2 };
        f[n++] = (struct dci_field){ .value = &d->pucch_resource, .nbits = 3 };
        f[n++] = (struct dci_field){ .value = &d->harq_feedback_timing, .nbits = 3 };
        break;
    case DCI_RNTI_SI:
        f[n++] = (struct dci_field){ .value = &d->rv, .nbits = 2 };
        f[n++] = (struct dci_field){ .value = &d->system_information_indicator, .nbits = 1 };
        f[n++] = (struct dci_field){ .value = NULL, .nbits = 15 }; /* Rel-15: 15 reserved bits */
        break;
    case DCI_RNTI_RA:
        f[n++] = (struct dci_field){ .value = &d->tb_scaling, .nbits = 2 };
        f[n++] = (struct dci_field){ .value = NULL, .nbits = 16 }; /* 16 reserved bits */
        break;
    }
    return n;
}

static int layout_bits(const struct dci_field *f, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += f[i].nbits;
    return total;
}

/* Reads the fields of a layout from bits (one per byte, MSB first per field). */
static void read_fields(const uint8_t *bits, const struct dci_field *f, int n)
{
    int pos = 0;
    for (int i = 0; i < n; i++) {
        uint32_t v = 0;
        for (int b = 0; b < f[i].nbits; b++)
            v = (v << 1) | (bits[pos++] & 1u);
        if (f[i].value)
            *f[i].value = v;
    }
}

/* Writes the fields of a layout to bits (one per byte, MSB first per field): the bits written, or -EINVAL when a
 * value does not fit its field. */
static int write_fields(uint8_t *bits, const struct dci_field *f, int n)
{
    int pos = 0;
    for (int i = 0; i < n; i++) {
        uint32_t v = f[i].value ? *f[i].value : f[i].constant;
        if (f[i].nbits < 32 && (v >> f[i].nbits) != 0)
            return -EINVAL;
        for (int b = f[i].nbits - 1; b >= 0; b--)
            bits[pos++] = (uint8_t)((v >> b) & 1u);
    }
    return pos;
}

/* Writes a layout of n fields (a configured format's) into bits[max_bits]: its size, or -EINVAL (n < 0 passed
 * on, too many bits, a value too wide). */
static int pack_layout(const struct dci_field *f, int n, uint8_t *bits, int max_bits)
{
    if (n < 0)
        return n;
    int size = layout_bits(f, n);
    if (size > max_bits)
        return -EINVAL;
    int pos = write_fields(bits, f, n);
    return pos < 0 ? pos : size;
}

/* Reads a layout of n fields from nbits bits whose first is the format identifier (0 UL, 1 DL): 0, -EINVAL (n < 0,
 * another size), -EBADMSG (the other direction's identifier). */
static int unpack_layout(const uint8_t *bits, int nbits, const struct dci_field *f, int n, unsigned identifier)
{
    if (n < 0 || nbits != layout_bits(f, n))
        return -EINVAL;
    if ((bits[0] & 1u) != identifier)
        return -EBADMSG;
    read_fields(bits, f, n);
    return 0;
}

int dci_1_0_size(enum dci_rnti_type t, int n_rb_bwp)
{
    struct dci_1_0 d = { .rnti_type = t };
    struct dci_field f[DCI_MAX_FIELDS];
    int n = dci_1_0_layout(&d, n_rb_bwp, f);
    return n < 0 ? n : layout_bits(f, n);
}

int dci_1_0_pack(const struct dci_1_0 *d, int n_rb_bwp, uint8_t *bits, int max_bits)
{
    struct dci_1_0 copy = *d;
    struct dci_field f[DCI_MAX_FIELDS];
    int n = dci_1_0_layout(&copy, n_rb_bwp, f);
    if (n < 0)
        return n;
    int size = layout_bits(f, n);
    if (!bits || size > max_bits)
        return -EINVAL;
    int pos = write_fields(bits, f, n);
    return pos < 0 ? pos : size;
}

/* The fields of format 1_1 (38.212 7.3.1.2.2) in transmission order for c, the 7.3.1.0 padding bit included;
 * returns how many, or -EINVAL for a configuration outside struct dci_1_1_config's ranges. Fields of 0 bits for
 * gnbd's configuration are listed by name in dci.h and left out here. */
static int dci_1_1_layout(struct dci_1_1 *d, const struct dci_1_1_config *c, struct dci_field f[DCI_MAX_FIELDS])
{
    int fdra = dci_fdra_bits(c->n_rb_bwp);
    if (fdra < 0 || c->nof_tdra_rows < 0 || c->nof_tdra_rows > 16 || c->nof_dl_data_to_ul_ack < 1 ||
        c->nof_dl_data_to_ul_ack > 8 || c->uss_1_0_size < 0)
        return -EINVAL;
    int n = 0;
    f[n++] = (struct dci_field){ .nbits = 1, .constant = 1 };                        /* identifier: 1 = DL */
    /* carrier indicator 0, bandwidth part indicator 0 */
    f[n++] = (struct dci_field){ .value = &d->frequency_domain_assignment, .nbits = fdra }; /* type 1 */
    /* I rows of pdsch-TimeDomainAllocationList, else the 16 of default table A (38.214 5.1.2.1.1) */
    f[n++] = (struct dci_field){ .value = &d->time_domain_assignment,
                                 .nbits = ceil_log2(c->nof_tdra_rows ? c->nof_tdra_rows : 16) };
    /* VRB-to-PRB 0, PRB bundling size indicator 0, rate matching indicator 0, ZP CSI-RS trigger 0 */
    f[n++] = (struct dci_field){ .value = &d->mcs, .nbits = 5 };                   /* transport block 1 */
    f[n++] = (struct dci_field){ .value = &d->ndi, .nbits = 1 };
    f[n++] = (struct dci_field){ .value = &d->rv, .nbits = 2 };
    /* transport block 2 absent */
    f[n++] = (struct dci_field){ .value = &d->harq_process, .nbits = 4 };
    if (c->dynamic_harq_codebook)  /* 2 bits: one serving cell, counter DAI only */
        f[n++] = (struct dci_field){ .value = &d->dai, .nbits = 2 };
    f[n++] = (struct dci_field){ .value = &d->tpc, .nbits = 2 };
    f[n++] = (struct dci_field){ .value = &d->pucch_resource, .nbits = 3 };
    f[n++] = (struct dci_field){ .value = &d->harq_feedback_timing, .nbits = ceil_log2(c->nof_dl_data_to_ul_ack) };
    /* antenna ports: 4 bits for dmrs-Type 1 maxLength 1 (Table 7.3.1.2.2-1), +1 for type 2, +1 for len2 */
    f[n++] = (struct dci_field){ .value = &d->antenna_ports, .nbits = 4 + c->dmrs_type2 + c->dmrs_max_length2 };
    /* TCI 0 */
    f[n++] = (struct dci_field){ .value = &d->srs_request, .nbits = 2 };          /* no SUL */
    /* CBGTI 0, CBGFI 0 */
    f[n++] = (struct dci_field){ .value = &d->dmrs_seq_init, .nbits = 1 };
    /* 7.3.1.0: a 1_1 the size of a 0_0/1_0 of another UE-specific search space gets one zero bit */
    if (layout_bits(f, n) == c->uss_1_0_size)
        f[n++] = (struct dci_field){ .nbits = 1, .constant = 0 };
    return n;
}

int dci_1_1_size(const struct dci_1_1_config *c)
{
    struct dci_1_1 d = { 0 };
    struct dci_field f[DCI_MAX_FIELDS];
    int n = c ? dci_1_1_layout(&d, c, f) : -EINVAL;
    return n < 0 ? n : layout_bits(f, n);
}

int dci_1_1_pack(const struct dci_1_1 *d, const struct dci_1_1_config *c, uint8_t *bits, int max_bits)
{
    if (!d || !c || !bits)
        return -EINVAL;
    struct dci_1_1 copy = *d;
    struct dci_field f[DCI_MAX_FIELDS];
    return pack_layout(f, dci_1_1_layout(&copy, c, f), bits, max_bits);
}

int dci_1_1_unpack(const uint8_t *bits, int nbits, const struct dci_1_1_config *c, struct dci_1_1 *d)
{
    if (!d || !c || !bits)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    struct dci_field f[DCI_MAX_FIELDS];
    return unpack_layout(bits, nbits, f, dci_1_1_layout(d, c, f), 1u); /* identifier 0: an UL format (0_1) */
}

/* The fields of format 0_1 (38.212 7.3.1.1.2) in transmission order for c, the 7.3.1.0 padding bit included;
 * returns how many, or -EINVAL for a configuration outside struct dci_0_1_config's ranges. Fields of 0 bits for
 * gnbd's configuration are listed by name in dci.h and left out here. */
static int dci_0_1_layout(struct dci_0_1 *d, const struct dci_0_1_config *c, struct dci_field f[DCI_MAX_FIELDS])
{
    int fdra = dci_fdra_bits(c->n_rb_bwp);
    if (fdra < 0 || c->nof_tdra_rows < 0 || c->nof_tdra_rows > 16 || c->uss_0_0_size < 0 ||
        (c->transform_precoding && c->dmrs_type2))
        return -EINVAL;
    int n = 0;
    f[n++] = (struct dci_field){ .nbits = 1, .constant = 0 };                        /* identifier: 0 = UL */
    /* carrier indicator 0, UL/SUL indicator 0, bandwidth part indicator 0 */
    f[n++] = (struct dci_field){ .value = &d->frequency_domain_assignment, .nbits = fdra }; /* type 1 */
    /* I rows of pusch-TimeDomainAllocationList, else the 16 of default table A (38.214 6.1.2.1.1) */
    f[n++] = (struct dci_field){ .value = &d->time_domain_assignment,
                                 .nbits = ceil_log2(c->nof_tdra_rows ? c->nof_tdra_rows : 16) };
    /* frequency hopping flag 0 (no frequencyHopping) */
    f[n++] = (struct dci_field){ .value = &d->mcs, .nbits = 5 };
    f[n++] = (struct dci_field){ .value = &d->ndi, .nbits = 1 };
    f[n++] = (struct dci_field){ .value = &d->rv, .nbits = 2 };
    f[n++] = (struct dci_field){ .value = &d->harq_process, .nbits = 4 };
    /* 1st DAI: 1 bit semi-static codebook, 2 bits dynamic (one serving cell); 2nd DAI 0 */
    f[n++] = (struct dci_field){ .value = &d->dai1, .nbits = c->dynamic_harq_codebook ? 2 : 1 };
    f[n++] = (struct dci_field){ .value = &d->tpc, .nbits = 2 };
    /* SRS resource indicator 0, precoding information and number of layers 0 (no txConfig: one port) */
    /* antenna ports: transform precoding Table 7.3.1.1.2-6 (2 bits) / -7 (4, len2); without it type 1 len 1
     * Tables 7.3.1.1.2-8..11 (3 bits), type 1 len 2 or type 2 len 1: 4 bits, type 2 len 2: 5 bits */
    int ports = c->transform_precoding ? (c->dmrs_max_length2 ? 4 : 2)
                                       : 3 + (c->dmrs_type2 || c->dmrs_max_length2) + (c->dmrs_type2 && c->dmrs_max_length2);
    f[n++] = (struct dci_field){ .value = &d->antenna_ports, .nbits = ports };
    f[n++] = (struct dci_field){ .value = &d->srs_request, .nbits = 2 };          /* no SUL */
    /* CSI request 0, CBG transmission information 0, PTRS-DMRS association 0, beta_offset indicator 0 */
    if (!c->transform_precoding)
        f[n++] = (struct dci_field){ .value = &d->dmrs_seq_init, .nbits = 1 };
    f[n++] = (struct dci_field){ .value = &d->ulsch_indicator, .nbits = 1 };
    /* 7.3.1.0: a 0_1 the size of a 0_0/1_0 of another UE-specific search space gets one zero bit */
    if (layout_bits(f, n) == c->uss_0_0_size)
        f[n++] = (struct dci_field){ .nbits = 1, .constant = 0 };
    return n;
}

int dci_0_1_size(const struct dci_0_1_config *c)
{
    struct dci_0_1 d = { 0 };
    struct dci_field f[DCI_MAX_FIELDS];
    int n = c ? dci_0_1_layout(&d, c, f) : -EINVAL;
    return n < 0 ? n : layout_bits(f, n);
}

int dci_0_1_pack(const struct dci_0_1 *d, const struct dci_0_1_config *c, uint8_t *bits, int max_bits)
{
    if (!d || !c || !bits)
        return -EINVAL;
    struct dci_0_1 copy = *d;
    struct dci_field f[DCI_MAX_FIELDS];
    return pack_layout(f, dci_0_1_layout(&copy, c, f), bits, max_bits);
}

int dci_0_1_unpack(const uint8_t *bits, int nbits, const struct dci_0_1_config *c, struct dci_0_1 *d)
{
    if (!d || !c || !bits)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    struct dci_field f[DCI_MAX_FIELDS];
    return unpack_layout(bits, nbits, f, dci_0_1_layout(d, c, f), 0u); /* identifier 1: a DL format (1_1) */
}

int dci_0_0_size(int n_rb_ul)
{
    int fdra = dci_fdra_bits(n_rb_ul);
    /* identifier 1, FDRA, TDRA 4, hopping 1, MCS 5, NDI 1, RV 2, HARQ 4, TPC 2 */
    return fdra < 0 ? fdra : 1 + fdra + 4 + 1 + 5 + 1 + 2 + 4 + 2;
}

/* The fields of format 0_0 (38.212 7.3.1.1.1) in transmission order, the FDRA cut to fdra_sent bits (7.3.1.0). */
static int dci_0_0_layout(struct dci_0_0 *d, int fdra_sent, struct dci_field f[DCI_MAX_FIELDS])
{
    int n = 0;
    f[n++] = (struct dci_field){ .nbits = 1, .constant = 0 }; /* identifier for DCI formats: 0 = UL */
    f[n++] = (struct dci_field){ .value = &d->frequency_domain_assignment, .nbits = fdra_sent };
    f[n++] = (struct dci_field){ .value = &d->time_domain_assignment, .nbits = 4 };
    f[n++] = (struct dci_field){ .value = &d->frequency_hopping, .nbits = 1 };
    f[n++] = (struct dci_field){ .value = &d->mcs, .nbits = 5 };
    f[n++] = (struct dci_field){ .value = &d->ndi, .nbits = 1 };
    f[n++] = (struct dci_field){ .value = &d->rv, .nbits = 2 };
    f[n++] = (struct dci_field){ .value = &d->harq_process, .nbits = 4 };
    f[n++] = (struct dci_field){ .value = &d->tpc, .nbits = 2 };
    return n;
}

/* FDRA bits format 0_0 keeps when aligned to `size` (7.3.1.0: a larger 0_0 loses FDRA MSBs), or -EINVAL. */
static int dci_0_0_fdra_sent(int n_rb_ul, int size)
{
    int fdra = dci_fdra_bits(n_rb_ul), natural = dci_0_0_size(n_rb_ul);
    if (fdra < 0 || size < 1)
        return -EINVAL;
    int sent = natural > size ? fdra - (natural - size) : fdra;
    return sent < 0 ? -EINVAL : sent;
}

int dci_0_0_pack(const struct dci_0_0 *d, int n_rb_ul, int size, uint8_t *bits, int max_bits)
{
    int fdra_sent = dci_0_0_fdra_sent(n_rb_ul, size);
    if (fdra_sent < 0 || !bits || size > max_bits)
        return -EINVAL;
    if (fdra_sent < 32 && (d->frequency_domain_assignment >> fdra_sent) != 0)
        return -EINVAL;
    struct dci_0_0 copy = *d;
    struct dci_field f[DCI_MAX_FIELDS];
    int n = dci_0_0_layout(&copy, fdra_sent, f);
    int pos = write_fields(bits, f, n);
    if (pos < 0)
        return pos;
    while (pos < size)
        bits[pos++] = 0; /* padding up to the 1_0 size */
    return size;
}

int dci_0_0_unpack(const uint8_t *bits, int nbits, int n_rb_ul, struct dci_0_0 *d)
{
    memset(d, 0, sizeof(*d));
    int fdra_sent = dci_0_0_fdra_sent(n_rb_ul, nbits);
    if (fdra_sent < 0 || !bits)
        return -EINVAL;
    struct dci_field f[DCI_MAX_FIELDS];
    int n = dci_0_0_layout(d, fdra_sent, f);
    if (layout_bits(f, n) > nbits)
        return -EINVAL;
    if ((bits[0] & 1u) != 0u)
        return -EBADMSG; /* identifier 1: format 1_0 */
    read_fields(bits, f, n);
    return 0;
}

int dci_1_0_unpack(const uint8_t *bits, int nbits, enum dci_rnti_type t, int n_rb_bwp, struct dci_1_0 *d)
{
    memset(d, 0, sizeof(*d));
    d->rnti_type = t;
    struct dci_field f[DCI_MAX_FIELDS];
    int n = dci_1_0_layout(d, n_rb_bwp, f);
    if (n < 0)
        return n;
    if (!bits || nbits != layout_bits(f, n))
        return -EINVAL;
    /* 38.212 7.3.1.1.1 / 7.3.1.2.1: the identifier is 0 for an UL format (0_0 of the same size). */
    if ((t == DCI_RNTI_C || t == DCI_RNTI_TC) && (bits[0] & 1u) != 1u)
        return -EBADMSG;
    read_fields(bits, f, n);
    return 0;
}

int dci_riv_encode(int n_rb_bwp, int rb_start, int l_rbs)
{
    if (n_rb_bwp < 1 || n_rb_bwp > DCI_MAX_BWP_RB || l_rbs < 1 || rb_start < 0 || rb_start + l_rbs > n_rb_bwp)
        return -EINVAL;
    if (l_rbs - 1 <= n_rb_bwp / 2)
        return n_rb_bwp * (l_rbs - 1) + rb_start;
    return n_rb_bwp * (n_rb_bwp - l_rbs + 1) + (n_rb_bwp - 1 - rb_start);
}

int dci_riv_decode(int n_rb_bwp, uint32_t riv, int *rb_start, int *l_rbs)
{
    if (n_rb_bwp < 1 || n_rb_bwp > DCI_MAX_BWP_RB)
        return -EINVAL;
    uint32_t n = (uint32_t)n_rb_bwp;
    if (riv >= n * (n + 1) / 2)
        return -EINVAL;
    /* RIV = N a + b: the first branch of the encoder has a = L - 1, b = RB_start with a + b < N; the second
     * a = N - L + 1, b = N - 1 - RB_start with a + b >= N. */
    int a = (int)(riv / n), b = (int)(riv % n);
    if (a + b < n_rb_bwp) {
        *l_rbs = a + 1;
        *rb_start = b;
    } else {
        *l_rbs = n_rb_bwp - a + 1;
        *rb_start = n_rb_bwp - 1 - b;
    }
    return 0;
}
