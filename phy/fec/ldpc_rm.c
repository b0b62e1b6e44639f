/* LDPC rate matching, 38.212 5.4.2. See ldpc_rm.h.
 *
 * Bit selection and interleaving are done in one pass: 5.4.2.2 writes f_{i + j Qm} = e_{i E/Qm + j}, so the i-th
 * run of E/Qm selected bits goes to every Qm-th output from position i. Each run is read from the circular buffer
 * as contiguous stretches between the filler range and the wrap point, so there is no per-bit test for <NULL>.
 */
#include "phy/fec/ldpc_rm.h"

#include <errno.h>
#include <string.h>

#include "phy/fec/ldpc_tables.h"

int ldpc_rm_k0(int bg, int z, int n_cb, int rv)
{
    /* Table 5.4.2.1-2: k0 = floor(num_rv N_cb / (den Z_c)) Z_c, den = 66 (BG1) or 50 (BG2). */
    static const int num[2][4] = { { 0, 17, 33, 56 }, { 0, 13, 25, 43 } };
    if ((bg != 1 && bg != 2) || rv < 0 || rv > 3 || z <= 0 || n_cb < 0)
        return -EINVAL;
    long den = (bg == 1 ? 66L : 50L) * z;
    return (int)((long)num[bg - 1][rv] * n_cb / den) * z;
}

int ldpc_rm_n_cb(int bg, int z, int tbs_lbrm, int c)
{
    int n = ldpc_n(bg, z);
    if (n < 0 || tbs_lbrm < 0 || c <= 0)
        return -EINVAL;
    if (tbs_lbrm == 0)
        return n;
    long n_ref = 3L * tbs_lbrm / (2L * c); /* floor(TBS_LBRM / (C 2/3)) */
    return n_ref < n ? (int)n_ref : n;
}

int ldpc_rm_e_r(int g, int c, int qm, int n_layers, int r)
{
    if (g <= 0 || c <= 0 || qm <= 0 || n_layers <= 0 || r < 0 || r >= c || g % (n_layers * qm) != 0)
        return -EINVAL;
    int symbols = g / (n_layers * qm); /* G / (N_L Q_m) */
    int q = symbols / c;
    /* The first C' - mod(G / (N_L Q_m), C') blocks get the floor, the rest the ceiling. */
    return n_layers * qm * (r <= c - symbols % c - 1 ? q : q + 1);
}

int ldpc_rm_check(const struct ldpc_rm_cfg *cfg)
{
    int n = ldpc_n(cfg->bg, cfg->z), k = ldpc_k(cfg->bg, cfg->z);
    if (n < 0 || ldpc_lifting_set_index(cfg->z) < 0)
        return -EINVAL;
    if (cfg->k_prime <= 2 * cfg->z || cfg->k_prime > k || cfg->n_cb <= 0 || cfg->n_cb > n)
        return -EINVAL;
    if (cfg->qm != 1 && cfg->qm != 2 && cfg->qm != 4 && cfg->qm != 6 && cfg->qm != 8)
        return -EINVAL;
    if (cfg->e <= 0 || cfg->e % cfg->qm != 0 || cfg->rv < 0 || cfg->rv > 3)
        return -EINVAL;
    /* k_prime > 2 Z_c above also guarantees that the buffer starts with non-filler bits, so a walk never
     * loops without finding one. */
    return 0;
}

/* A read position in the circular buffer [0, n_cb) that steps over the filler range [f0, f1). */
struct rm_walk {
    int pos, n_cb, f0, f1;
};

static void walk_settle(struct rm_walk *w)
{
    if (w->pos >= w->f0 && w->pos < w->f1)
        w->pos = w->f1;
    if (w->pos >= w->n_cb)
        w->pos = 0;
}

static struct rm_walk walk_start(const struct ldpc_rm_cfg *cfg)
{
    int n_cb = cfg->n_cb, k = ldpc_k(cfg->bg, cfg->z);
    int f0 = cfg->k_prime - 2 * cfg->z, f1 = k - 2 * cfg->z;
    struct rm_walk w = { .pos = ldpc_rm_k0(cfg->bg, cfg->z, n_cb, cfg->rv), .n_cb = n_cb,
                         .f0 = f0 < n_cb ? f0 : n_cb, .f1 = f1 < n_cb ? f1 : n_cb };
    walk_settle(&w);
    return w;
}

/* Length of the contiguous stretch from the current position, at most want. */
static int walk_run(const struct rm_walk *w, int want)
{
    int end = w->pos < w->f0 ? w->f0 : w->n_cb;
    return end - w->pos < want ? end - w->pos : want;
}

static void walk_advance(struct rm_walk *w, int n)
{
    w->pos += n;
    walk_settle(w);
}

int ldpc_rm_match(const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f)
{
    if (!d || !f || ldpc_rm_check(cfg) < 0)
        return -EINVAL;
    struct rm_walk w = walk_start(cfg);
    int qm = cfg->qm, per_row = cfg->e / qm;
    if (qm == 1) { /* no interleaving: stretches are copied as they are */
        for (int j = 0; j < per_row;) {
            int len = walk_run(&w, per_row - j);
            memcpy(f + j, d + w.pos, (size_t)len);
            j += len;
            walk_advance(&w, len);
        }
        return 0;
    }
    for (int i = 0; i < qm; i++) {
        for (int j = 0; j < per_row;) {
            int len = walk_run(&w, per_row - j);
            const uint8_t *src = d + w.pos;
            uint8_t *dst = f + i + (size_t)j * qm;
            for (int t = 0; t < len; t++)
                dst[(size_t)t * qm] = src[t];
            j += len;
            walk_advance(&w, len);
        }
    }
    return 0;
}

int ldpc_rm_soft_reset(const struct ldpc_rm_cfg *cfg, float *soft)
{
    if (!soft || ldpc_rm_check(cfg) < 0)
        return -EINVAL;
    int n = ldpc_n(cfg->bg, cfg->z), k = ldpc_k(cfg->bg, cfg->z);
    memset(soft, 0, (size_t)n * sizeof *soft);
    for (int i = cfg->k_prime - 2 * cfg->z; i < k - 2 * cfg->z; i++)
        soft[i] = LDPC_LLR_FILLER;
    return 0;
}

int ldpc_rm_recover(const struct ldpc_rm_cfg *cfg, const float *llr_f, float *soft)
{
    if (!llr_f || !soft || ldpc_rm_check(cfg) < 0)
        return -EINVAL;
    struct rm_walk w = walk_start(cfg);
    int qm = cfg->qm, per_row = cfg->e / qm;
    for (int i = 0; i < qm; i++) {
        for (int j = 0; j < per_row;) {
            int len = walk_run(&w, per_row - j);
            float *dst = soft + w.pos;
            const float *src = llr_f + i + (size_t)j * qm;
            for (int t = 0; t < len; t++)
                dst[t] += src[(size_t)t * qm];
            j += len;
            walk_advance(&w, len);
        }
    }
    return 0;
}
