/* UCI channel coding on PUCCH: 38.212 6.3.1, 5.3.3.3, 5.4.3; 1-2 bit HARQ-ACK on PUSCH: 5.3.3.1-2. See uci.h. */
#include "phy/ch/uci.h"

#include <errno.h>
#include <string.h>

#include "phy/fec/crc.h"
#include "phy/fec/polar.h"
#include "phy/fec/polar_rm.h"

/* 38.212 Table 5.3.3.3-1: basis sequences for the (32, O) code, M_i,0 .. M_i,10 per row i. */
const uint8_t uci_rm_basis[UCI_RM_N][UCI_RM_MAX_A] = {
    { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, { 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1 }, { 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1 },
    { 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 1 }, { 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1 }, { 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1 },
    { 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1 }, { 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1 }, { 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1 },
    { 1, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1 }, { 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1 }, { 1, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1 },
    { 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1 }, { 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1 }, { 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1 },
    { 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1 }, { 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0 }, { 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0 },
    { 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0 }, { 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0 }, { 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 },
    { 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1 }, { 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 1 }, { 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1 },
    { 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0 }, { 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1 }, { 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0 },
    { 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0 }, { 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0 }, { 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0 },
    { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

int uci_small_encode(const uint8_t *a, int A, int qm, uint8_t d[UCI_SMALL_MAX_N])
{
    if (!a || !d || A < 1 || A > 2 || (qm != 1 && qm != 2 && qm != 4 && qm != 6 && qm != 8))
        return -EINVAL;
    uint8_t c[3] = { (uint8_t)(a[0] & 1u), 0, 0 };
    if (A == 1) { /* 5.3.3.1 */
        d[0] = c[0];
        for (int i = 1; i < qm; i++)
            d[i] = i == 1 ? UCI_BIT_Y : UCI_BIT_X;
        return qm;
    }
    c[1] = (uint8_t)(a[1] & 1u); /* 5.3.3.2 */
    c[2] = c[0] ^ c[1];
    if (qm == 1) {
        memcpy(d, c, 3);
        return 3;
    }
    /* three groups of Q_m bits: two of c0 c1 c2 c0 c1 c2 each, then Q_m - 2 x */
    for (int grp = 0; grp < 3; grp++)
        for (int i = 0; i < qm; i++)
            d[grp * qm + i] = i < 2 ? c[(2 * grp + i) % 3] : UCI_BIT_X;
    return 3 * qm;
}

int uci_crc_length(int A) { return A <= UCI_RM_MAX_A ? 0 : A <= 19 ? 6 : 11; }

/* Column n of the basis as a 32-bit mask, bit i = M_i,n. */
static uint32_t rm_column(int n)
{
    uint32_t m = 0;
    for (int i = 0; i < UCI_RM_N; i++)
        m |= (uint32_t)uci_rm_basis[i][n] << i;
    return m;
}

int uci_rm_encode(const uint8_t *a, int A, uint8_t d[UCI_RM_N])
{
    if (!a || !d || A < 1 || A > UCI_RM_MAX_A)
        return -EINVAL;
    uint32_t cw = 0;
    for (int n = 0; n < A; n++)
        if (a[n] & 1)
            cw ^= rm_column(n);
    for (int i = 0; i < UCI_RM_N; i++)
        d[i] = (uint8_t)((cw >> i) & 1u);
    return 0;
}

/* 38.212 6.3.1.3.1 / 6.3.1.4.1: the polar code of A payload bits rate matched to E. */
static int uci_polar_code(struct polar_code *code, int A, int E)
{
    int L = uci_crc_length(A);
    int K = A + L;
    int n_pc = A <= 19 ? 3 : 0;
    struct polar_code_cfg cfg = { .K = K, .E = E, .n_max = POLAR_N_MAX_LOG2, .i_il = false, .i_bil = true,
                                  .n_pc = n_pc, .n_wm_pc = (n_pc && E - K + 3 > 192) ? 1 : 0 };
    return polar_code_init(code, &cfg);
}

static bool args_ok(int A, int E) { return A >= UCI_MIN_A && A <= UCI_MAX_A && E >= 1 && E <= UCI_MAX_E; }

int uci_encode(const uint8_t *a, int A, int E, uint8_t *f)
{
    if (!a || !f || !args_ok(A, E))
        return -EINVAL;
    if (A <= UCI_RM_MAX_A) {
        uint8_t d[UCI_RM_N];
        uci_rm_encode(a, A, d);
        for (int k = 0; k < E; k++)
            f[k] = d[k % UCI_RM_N]; /* 5.4.3 */
        return 0;
    }
    struct polar_code code;
    int rc = uci_polar_code(&code, A, E);
    if (rc < 0)
        return rc;
    uint8_t c[UCI_MAX_A + 11], d[POLAR_N_MAX];
    for (int k = 0; k < A; k++)
        c[k] = a[k] & 1;
    crc_attach(uci_crc_length(A) == 6 ? CRC_6 : CRC_11, c, (size_t)A);
    rc = polar_encode(&code, c, d);
    return rc < 0 ? rc : polar_rm_match(&code, d, f);
}

int uci_rm_decode(const float *llr, int E, int A, uint8_t *a, float *corr)
{
    if (!llr || !a || A < 1 || A > UCI_RM_MAX_A || E < 1 || E > UCI_MAX_E)
        return -EINVAL;
    float s[UCI_RM_N] = { 0 };
    for (int k = 0; k < E; k++)
        s[k % UCI_RM_N] += llr[k];
    float total = 0;
    for (int i = 0; i < UCI_RM_N; i++)
        total += s[i];
    /* byte tables: t[b][v] = sum of s[8 b + j] over the set bits j of v */
    float t[4][256];
    for (int b = 0; b < 4; b++) {
        t[b][0] = 0;
        for (int v = 1; v < 256; v++)
            t[b][v] = t[b][v & (v - 1)] + s[8 * b + __builtin_ctz((unsigned)v)];
    }
    uint32_t col[UCI_RM_MAX_A];
    for (int n = 0; n < A; n++)
        col[n] = rm_column(n);
    /* Gray-code walk: word g(w) = w ^ (w >> 1) changes one bit per step, so its codeword one column. */
    uint32_t cw = 0, best_word = 0;
    float best = -1e30f;
    for (uint32_t w = 0; w < (1u << A); w++) {
        if (w)
            cw ^= col[__builtin_ctz(w)];
        float c = total - 2.0f * (t[0][cw & 0xff] + t[1][(cw >> 8) & 0xff] + t[2][(cw >> 16) & 0xff] + t[3][cw >> 24]);
        if (c > best) {
            best = c;
            best_word = w ^ (w >> 1);
        }
    }
    for (int n = 0; n < A; n++)
        a[n] = (uint8_t)((best_word >> n) & 1u);
    if (corr)
        *corr = best;
    return 0;
}

int uci_decoder_init(struct uci_decoder *d, int list_size)
{
    if (!d)
        return -EINVAL;
    memset(d, 0, sizeof(*d));
    struct polar_decoder_cfg cfg = { .list_size = list_size ? list_size : 8, .n_max_log2 = POLAR_N_MAX_LOG2 };
    return polar_decoder_init(&d->dec, &cfg);
}

void uci_decoder_free(struct uci_decoder *d)
{
    if (d)
        polar_decoder_free(&d->dec);
}

int uci_decode(struct uci_decoder *d, const float *llr, int E, int A, uint8_t *a)
{
    if (!d || !llr || !a || !args_ok(A, E))
        return -EINVAL;
    if (A <= UCI_RM_MAX_A)
        return uci_rm_decode(llr, E, A, a, NULL) < 0 ? -EINVAL : 1;
    struct polar_code code;
    int rc = uci_polar_code(&code, A, E);
    if (rc < 0)
        return rc;
    polar_rm_recover(&code, llr, d->llr_d);
    struct polar_crc_check crc = { .type = uci_crc_length(A) == 6 ? CRC_6 : CRC_11 };
    struct polar_decoder_result res;
    rc = polar_decode(&d->dec, &code, d->llr_d, &crc, d->c, &res);
    if (rc < 0)
        return rc;
    memcpy(a, d->c, (size_t)A);
    return res.crc_ok ? 1 : 0;
}
