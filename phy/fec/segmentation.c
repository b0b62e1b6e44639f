/* Transport block CRC and code block segmentation, 38.212 7.2.1, 7.2.2 and 5.2.2. See segmentation.h. */
#include "phy/fec/segmentation.h"

#include <errno.h>
#include <string.h>

#include "phy/fec/crc.h"
#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_tables.h"
#include "phy/mod/bitpack.h"

#define CB_BITS_MAX (22 * LDPC_Z_MAX)

int segmentation_select_bg(int tbs, double r)
{
    if (tbs <= 292 || (tbs <= 3824 && r <= 0.67) || r <= 0.25)
        return LDPC_BG2;
    return LDPC_BG1;
}

/* 5.2.2: K_b from B (BG2 only shrinks it for small blocks). */
static int k_b_of(int bg, int b)
{
    if (bg == LDPC_BG1)
        return 22;
    return b > 640 ? 10 : b > 560 ? 9 : b > 192 ? 8 : 6;
}

int segmentation_compute(struct segmentation *s, int tbs, int bg)
{
    if (tbs <= 0 || tbs % 8 != 0 || tbs > SEGMENTATION_TBS_MAX || (bg != LDPC_BG1 && bg != LDPC_BG2))
        return -EINVAL;
    struct segmentation t = { .tbs = tbs, .bg = bg };
    t.l_tb = tbs > 3824 ? 24 : 16; /* 7.2.1 */
    t.b = tbs + t.l_tb;
    int k_cb = bg == LDPC_BG1 ? 8448 : 3840;
    if (t.b <= k_cb) {
        t.c = 1;
        t.l_cb = 0;
    } else {
        t.l_cb = 24;
        t.c = (t.b + (k_cb - t.l_cb) - 1) / (k_cb - t.l_cb);
    }
    int b_prime = t.b + t.c * t.l_cb;
    if (b_prime % t.c != 0) /* a legal TBS always splits evenly; anything else has no K' */
        return -EINVAL;
    t.k_prime = b_prime / t.c;
    t.k_b = k_b_of(bg, t.b);
    t.z = 0;
    for (int i = 0; i < LDPC_NUM_LIFTING_SIZES && !t.z; i++)
        if (t.k_b * ldpc_lifting_sizes[i] >= t.k_prime)
            t.z = ldpc_lifting_sizes[i];
    if (!t.z)
        return -EINVAL;
    t.k = ldpc_k(bg, t.z);
    t.f = t.k - t.k_prime;
    *s = t;
    return 0;
}

uint32_t segmentation_tb_crc(const struct segmentation *s, const uint8_t *tb)
{
    return crc_compute_packed(s->l_tb == 24 ? CRC_24A : CRC_16, tb, (size_t)s->tbs);
}

/* CRC of n unpacked bits, computed 8 bits at a time. */
static uint32_t crc_of_bits(enum crc_type t, const uint8_t *bits, int n)
{
    uint8_t packed[CB_BITS_MAX / 8 + 1];
    bitpack_pack(bits, (size_t)n, packed);
    return crc_compute_packed(t, packed, (size_t)n);
}

/* CRC24B of the n_data bits of b from s0 (the first from_tb of them from the TB, the rest from its CRC). On byte
 * boundaries (the usual case: 38.214 5.1.3.2 makes TBS + 24 a multiple of 8 C for the LDPC-segmented sizes) it
 * is read from the packed TB, the last block's TB CRC bytes appended in a copy; otherwise from the unpacked cb. */
static uint32_t cb_data_crc(const struct segmentation *s, const uint8_t *tb, uint32_t tb_crc, int s0, int n_data,
                            int from_tb, const uint8_t *cb)
{
    if (s0 % 8 != 0 || from_tb % 8 != 0 || n_data % 8 != 0)
        return crc_of_bits(CRC_24B, cb, n_data);
    if (from_tb == n_data)
        return crc_compute_packed(CRC_24B, tb + s0 / 8, (size_t)n_data);
    uint8_t packed[CB_BITS_MAX / 8 + 1];
    memcpy(packed, tb + s0 / 8, (size_t)from_tb / 8);
    /* The CRC bits p_(s0 + from_tb - tbs) .. on, MSB first, a whole number of bytes. */
    for (int i = from_tb, p = s0 + from_tb - s->tbs; i < n_data; i += 8, p += 8)
        packed[i / 8] = (uint8_t)(tb_crc >> (s->l_tb - 8 - p));
    return crc_compute_packed(CRC_24B, packed, (size_t)n_data);
}

int segmentation_cb(const struct segmentation *s, const uint8_t *tb, uint32_t tb_crc, int r, uint8_t *cb)
{
    if (r < 0 || r >= s->c || !tb || !cb)
        return -EINVAL;
    int n_data = s->k_prime - s->l_cb, s0 = r * n_data;
    /* Bits s0 .. s0 + n_data - 1 of b = a (the TB) followed by its CRC p. */
    int from_tb = s->tbs - s0 < n_data ? s->tbs - s0 : n_data;
    if (from_tb > 0)
        bitpack_unpack(tb, (size_t)s0, (size_t)from_tb, cb);
    else
        from_tb = 0;
    for (int i = from_tb; i < n_data; i++) {
        int p = s0 + i - s->tbs; /* index into p_0 .. p_{L-1}, p_0 the MSB */
        cb[i] = (uint8_t)((tb_crc >> (s->l_tb - 1 - p)) & 1);
    }
    if (s->l_cb) {
        uint32_t crc = cb_data_crc(s, tb, tb_crc, s0, n_data, from_tb, cb);
        for (int i = 0; i < s->l_cb; i++)
            cb[n_data + i] = (uint8_t)((crc >> (s->l_cb - 1 - i)) & 1);
    }
    memset(cb + s->k_prime, LDPC_FILLER, (size_t)s->f);
    return 0;
}

bool segmentation_cb_crc_ok(const struct segmentation *s, const uint8_t *cb)
{
    /* A CRC without inversion over data followed by its parity leaves remainder 0. */
    return s->l_cb == 0 || crc_of_bits(CRC_24B, cb, s->k_prime) == 0;
}

int segmentation_desegment(const struct segmentation *s, const uint8_t *cbs, uint8_t *tb,
                           struct segmentation_rx_result *res)
{
    if (!cbs || !tb || !res || s->c <= 0)
        return -EINVAL;
    int n_data = s->k_prime - s->l_cb;
    uint32_t rx_crc = 0;
    res->cb_crc_failed = 0;
    memset(tb, 0, (size_t)s->tbs / 8);
    for (int r = 0; r < s->c; r++) {
        const uint8_t *cb = cbs + (size_t)r * s->k;
        res->cb_crc_failed += !segmentation_cb_crc_ok(s, cb);
        int s0 = r * n_data, from_tb = s->tbs - s0 < n_data ? s->tbs - s0 : n_data, i = 0;
        if (from_tb > 0 && s0 % 8 == 0) {
            bitpack_pack(cb, (size_t)from_tb / 8 * 8, tb + s0 / 8);
            i = from_tb / 8 * 8;
        }
        for (; i < from_tb; i++)
            tb[(s0 + i) / 8] |= (uint8_t)((cb[i] & 1) << (7 - (s0 + i) % 8));
        for (i = from_tb > 0 ? from_tb : 0; i < n_data; i++)
            rx_crc = (rx_crc << 1) | (cb[i] & 1u);
    }
    res->tb_crc_ok = segmentation_tb_crc(s, tb) == rx_crc;
    return 0;
}
