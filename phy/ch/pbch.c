/* PBCH transmit and receive chains: 38.212 7.1, 38.211 7.3.3. See pbch.h. */
#include "phy/ch/pbch.h"

#include <errno.h>
#include <string.h>

#include "phy/fec/crc.h"
#include "phy/fec/polar_rm.h"
#include "phy/mod/modulation.h"
#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"

/* 38.212 Table 7.1.1-1: PBCH payload interleaver pattern G(j). */
static const uint8_t pbch_g[PBCH_PAYLOAD_BITS] = {
    16, 23, 18, 17, 8, 30, 10, 6, 24, 7, 0, 5, 3, 2, 1, 4,
    9, 11, 12, 13, 14, 15, 19, 20, 21, 22, 25, 26, 27, 28, 29, 31,
};

/* 38.212 7.1.1 payload layout before interleaving (A-bar = 24). */
enum {
    PBCH_BIT_SFN_MSB_FIRST = 1, /* a-bar_1..6: SFN bits 9..4 (inside the BCH bits) */
    PBCH_BIT_SFN_LSB_FIRST = 24, /* a-bar_24..27: SFN bits 3..0 */
    PBCH_BIT_HRF = 28,
    PBCH_BIT_SSB_FIRST = 29,     /* a-bar_29..31: SSB index bits 5..3, or k_SSB bit 4 and two reserved bits */
    PBCH_MIB_K_SSB_FIRST = 8,    /* ssb-SubcarrierOffset, 4 bits, MSB first */
};

static int is_sfn_bit(int i)
{
    return (i >= PBCH_BIT_SFN_MSB_FIRST && i < PBCH_BIT_SFN_MSB_FIRST + 6) ||
           (i >= PBCH_BIT_SFN_LSB_FIRST && i < PBCH_BIT_SFN_LSB_FIRST + 4);
}

/* pos[i]: where a-bar_i lands in a (38.212 7.1.1 interleaving with j_SFN = 0, j_HRF = 10, j_SSB = 11,
 * j_other = 14). */
static int payload_position(int i)
{
    int j_sfn = 0, j_ssb = 11, j_other = 14;
    for (int m = 0; m < i; m++) {
        if (is_sfn_bit(m))
            j_sfn++;
        else if (m >= PBCH_BIT_SSB_FIRST)
            j_ssb++;
        else if (m != PBCH_BIT_HRF)
            j_other++;
    }
    if (is_sfn_bit(i))
        return pbch_g[j_sfn];
    if (i == PBCH_BIT_HRF)
        return pbch_g[10];
    return i >= PBCH_BIT_SSB_FIRST ? pbch_g[j_ssb] : pbch_g[j_other];
}

static int l_max_ok(int l_max) { return l_max == 4 || l_max == 8 || l_max == 64; }

int pbch_payload_generate(const struct pbch_msg *msg, int l_max, uint8_t a[PBCH_PAYLOAD_BITS])
{
    if (!l_max_ok(l_max) || msg->sfn > 1023 || msg->hrf > 1 || msg->ssb_idx >= l_max || msg->k_ssb > 31)
        return -EINVAL;
    if (l_max == 64 && msg->k_ssb > 15) /* FR2: no payload bit for a k_SSB MSB (38.213 4.1) */
        return -EINVAL;
    uint8_t abar[PBCH_PAYLOAD_BITS];
    for (int i = 0; i < PBCH_MIB_BITS; i++)
        abar[i] = msg->mib[i] & 1u;
    for (int i = 0; i < 4; i++)
        abar[PBCH_BIT_SFN_LSB_FIRST + i] = (uint8_t)((msg->sfn >> (3 - i)) & 1u); /* 4th, 3rd, 2nd, 1st LSB */
    abar[PBCH_BIT_HRF] = msg->hrf;
    for (int i = 0; i < 3; i++) {
        if (l_max == 64)
            abar[PBCH_BIT_SSB_FIRST + i] = (uint8_t)((msg->ssb_idx >> (5 - i)) & 1u); /* 6th, 5th, 4th bits */
        else
            abar[PBCH_BIT_SSB_FIRST + i] = i == 0 ? (uint8_t)((msg->k_ssb >> 4) & 1u) : 0;
    }
    for (int i = 0; i < PBCH_PAYLOAD_BITS; i++)
        a[payload_position(i)] = abar[i];
    return 0;
}

/* 38.212 7.1.2: s_i = 0 on the half-frame bit, the SFN 3rd and 2nd LSBs and, for L_max = 64, the SSB index
 * bits (which the UE needs before it can descramble); the other bits take c(j + v M) in turn. */
static void payload_scramble_v(uint8_t a[PBCH_PAYLOAD_BITS], int l_max, uint16_t n_id, int v)
{
    uint8_t skip[PBCH_PAYLOAD_BITS] = { 0 };
    skip[payload_position(PBCH_BIT_HRF)] = 1;
    skip[payload_position(PBCH_BIT_SFN_LSB_FIRST + 1)] = 1; /* 3rd LSB */
    skip[payload_position(PBCH_BIT_SFN_LSB_FIRST + 2)] = 1; /* 2nd LSB */
    if (l_max == 64)
        for (int i = 0; i < 3; i++)
            skip[payload_position(PBCH_BIT_SSB_FIRST + i)] = 1;
    int M = PBCH_PAYLOAD_BITS - (l_max == 64 ? 6 : 3);
    uint8_t c[PBCH_PAYLOAD_BITS];
    gold_sequence(n_id, (uint32_t)(v * M), c, (size_t)M);
    for (int i = 0, j = 0; i < PBCH_PAYLOAD_BITS; i++)
        if (!skip[i])
            a[i] ^= c[j++];
}

int pbch_payload_scramble(uint8_t a[PBCH_PAYLOAD_BITS], int l_max, uint16_t n_id, uint16_t sfn)
{
    if (!l_max_ok(l_max) || n_id > 1007)
        return -EINVAL;
    payload_scramble_v(a, l_max, n_id, (sfn >> 1) & 3); /* v = 2 (3rd LSB) + (2nd LSB) */
    return 0;
}

int pbch_payload_descramble(uint8_t a[PBCH_PAYLOAD_BITS], int l_max, uint16_t n_id)
{
    if (!l_max_ok(l_max) || n_id > 1007)
        return -EINVAL;
    int v = 2 * a[payload_position(PBCH_BIT_SFN_LSB_FIRST + 1)] + a[payload_position(PBCH_BIT_SFN_LSB_FIRST + 2)];
    payload_scramble_v(a, l_max, n_id, v);
    return 0;
}

static unsigned bits_msb_first(const uint8_t *b, int n)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 1) | (b[i] & 1u);
    return v;
}

int pbch_payload_parse(const uint8_t a[PBCH_PAYLOAD_BITS], int l_max, struct pbch_msg *msg)
{
    if (!l_max_ok(l_max))
        return -EINVAL;
    uint8_t abar[PBCH_PAYLOAD_BITS];
    for (int i = 0; i < PBCH_PAYLOAD_BITS; i++)
        abar[i] = a[payload_position(i)] & 1u;
    memset(msg, 0, sizeof(*msg));
    memcpy(msg->mib, abar, PBCH_MIB_BITS);
    msg->sfn = (uint16_t)(bits_msb_first(abar + PBCH_BIT_SFN_MSB_FIRST, 6) << 4 |
                          bits_msb_first(abar + PBCH_BIT_SFN_LSB_FIRST, 4));
    msg->hrf = abar[PBCH_BIT_HRF];
    unsigned k_lsb = bits_msb_first(abar + PBCH_MIB_K_SSB_FIRST, 4);
    if (l_max == 64) {
        msg->ssb_idx = (uint8_t)(bits_msb_first(abar + PBCH_BIT_SSB_FIRST, 3) << 3);
        msg->k_ssb = (uint8_t)k_lsb;
    } else {
        msg->k_ssb = (uint8_t)(abar[PBCH_BIT_SSB_FIRST] << 4 | k_lsb); /* 38.213 4.1: MSB from the payload */
    }
    return 0;
}

void pbch_crc_attach(const uint8_t a_prime[PBCH_PAYLOAD_BITS], uint8_t c[PBCH_K])
{
    memcpy(c, a_prime, PBCH_PAYLOAD_BITS);
    crc_attach(CRC_24C, c, PBCH_PAYLOAD_BITS);
}

int pbch_channel_encode(const struct pbch *pbch, const uint8_t c[PBCH_K], uint8_t f[PBCH_E])
{
    uint8_t d[512];
    int rc = polar_encode(&pbch->code, c, d);
    return rc < 0 ? rc : polar_rm_match(&pbch->code, d, f);
}

int pbch_nu(int ssb_idx, int l_max)
{
    if (!l_max_ok(l_max) || ssb_idx < 0)
        return -EINVAL;
    return l_max == 4 ? ssb_idx & 3 : ssb_idx & 7;
}

void pbch_scramble(const uint8_t f[PBCH_E], uint16_t n_id, int nu, uint8_t b[PBCH_E])
{
    scrambling_bits(f, b, PBCH_E, n_id, (uint32_t)(nu * PBCH_E));
}

int pbch_init(struct pbch *pbch, const struct pbch_cfg *cfg)
{
    memset(pbch, 0, sizeof(*pbch));
    /* 38.212 7.1.4/7.1.5: n_max = 9, I_IL = 1, no parity-check bits, no coded-bit interleaver. */
    struct polar_code_cfg pc = { .K = PBCH_K, .E = PBCH_E, .n_max = 9, .i_il = true };
    int rc = polar_code_init(&pbch->code, &pc);
    if (rc < 0)
        return rc;
    struct polar_decoder_cfg dc = { .list_size = cfg && cfg->list_size ? cfg->list_size : 8, .n_max_log2 = 9 };
    return polar_decoder_init(&pbch->dec, &dc);
}

void pbch_free(struct pbch *pbch) { polar_decoder_free(&pbch->dec); }

int pbch_encode(const struct pbch *pbch, const struct pbch_msg *msg, uint16_t n_id, int l_max,
                cf_t symbols[PBCH_NUM_SYMBOLS])
{
    uint8_t a[PBCH_PAYLOAD_BITS], c[PBCH_K], bits[PBCH_E];
    int rc = pbch_payload_generate(msg, l_max, a);
    if (rc == 0)
        rc = pbch_payload_scramble(a, l_max, n_id, msg->sfn);
    if (rc < 0)
        return rc;
    pbch_crc_attach(a, c);
    rc = pbch_channel_encode(pbch, c, bits);
    if (rc < 0)
        return rc;
    pbch_scramble(bits, n_id, pbch_nu(msg->ssb_idx, l_max), bits);
    return modulation_map(MODULATION_QPSK, bits, PBCH_E, symbols);
}

/* One nu hypothesis on the LLRs in pbch->llr: descramble, rate-recover, decode; fills res on a CRC pass. */
static int decode_nu(struct pbch *pbch, uint16_t n_id, int l_max, int nu, struct pbch_result *res)
{
    memcpy(pbch->llr_hyp, pbch->llr, sizeof(pbch->llr_hyp));
    scrambling_llr(pbch->llr_hyp, PBCH_E, n_id, (uint32_t)(nu * PBCH_E));
    polar_rm_recover(&pbch->code, pbch->llr_hyp, pbch->llr_d);
    uint8_t c[PBCH_K];
    struct polar_crc_check crc = { .type = CRC_24C };
    struct polar_decoder_result dr;
    int rc = polar_decode(&pbch->dec, &pbch->code, pbch->llr_d, &crc, c, &dr);
    if (rc < 0 || !dr.crc_ok)
        return rc;
    pbch_payload_descramble(c, l_max, n_id);
    pbch_payload_parse(c, l_max, &res->msg);
    res->msg.ssb_idx = (uint8_t)(res->msg.ssb_idx | nu);
    res->nu = nu;
    res->path_metric = dr.path_metric;
    res->crc_ok = true;
    return 0;
}

int pbch_decode(struct pbch *pbch, const cf_t symbols[PBCH_NUM_SYMBOLS], float noise_var, uint16_t n_id,
                int l_max, int i_ssb_bar, struct pbch_result *res)
{
    memset(res, 0, sizeof(*res));
    if (!l_max_ok(l_max) || n_id > 1007 || i_ssb_bar < -1 || i_ssb_bar > 7)
        return -EINVAL;
    int rc = modulation_demap(MODULATION_QPSK, symbols, PBCH_NUM_SYMBOLS, noise_var, pbch->llr);
    if (rc < 0)
        return rc;
    int n_nu = l_max == 4 ? 4 : 8;
    if (i_ssb_bar >= 0)
        return decode_nu(pbch, n_id, l_max, pbch_nu(i_ssb_bar, l_max), res);
    for (int nu = 0; nu < n_nu && !res->crc_ok; nu++) {
        rc = decode_nu(pbch, n_id, l_max, nu, res);
        if (rc < 0)
            return rc;
    }
    return 0;
}
