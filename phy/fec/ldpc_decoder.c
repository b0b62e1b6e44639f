/* LDPC decoder, layered normalised min-sum over 38.212 5.3.2 base graphs. See ldpc_decoder.h.
 *
 * This file holds what both implementations share (argument checks, quantisation into the column buffers, the
 * iteration loop with early stop, hard decisions) and the portable C row kernel. The arithmetic of one layer
 * (row i of the base graph, Z check nodes side by side; lane k is check node k, which meets column j's variable
 * (k + P_ij) mod Z, 38.212 5.3.2), on int8 values in [-127, 127] where +-127 means "infinite" (certain):
 *   Q = app if |app| = 127, else clamp(app - R)      variable-to-check; R = the row's previous message on the edge
 *   min1, min2 = two smallest |Q| over the row, sgn = XOR of the Q sign bits
 *   R' = sign(sgn ^ Q) (|Q| == min1 ? n(min2) : n(min1)),  n(m) = max(0, ((13 m + 8) >> 4) - offset)
 *   app' = Q if |Q| = 127, else clamp(Q + R')
 * "|Q| == min1" picks min2 for the minimum's own edge; on a tie min2 == min1, so no index is needed.
 * Infinity is absorbing because a saturated posterior no longer equals channel LLR + sum of messages: taking a
 * message back out of it would underestimate it, and over a few rows it can change sign (it did, in testing,
 * for every bit of a noise-free block). Fillers (LDPC_LLR_FILLER) quantise to +127: known zeros for good.
 * Every row reads all its posteriors before it writes any, so the order of lanes and edges within a row does
 * not change the result: that is what lets the AVX2 kernel, which works 32 lanes at a time, match this one.
 */
#include "phy/fec/ldpc_decoder.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/cpu.h"

static int round_up(int x, int m) { return (x + m - 1) / m * m; }

bool ldpc_decoder_has_avx2(void)
{
    return phy_cpu_has_avx2();
}

int ldpc_decoder_init(struct ldpc_decoder *dec, const struct ldpc_decoder_cfg *cfg)
{
    int max_z = cfg && cfg->max_z ? cfg->max_z : LDPC_Z_MAX;
    enum ldpc_decoder_impl impl = cfg ? cfg->impl : LDPC_DECODER_IMPL_AUTO;
    if (max_z < 2 || max_z > LDPC_Z_MAX || impl < LDPC_DECODER_IMPL_AUTO || impl > LDPC_DECODER_IMPL_AVX2)
        return -EINVAL;
    if (impl == LDPC_DECODER_IMPL_AVX2 && !ldpc_decoder_has_avx2())
        return -ENOTSUP;
    if (impl == LDPC_DECODER_IMPL_AUTO)
        impl = ldpc_decoder_has_avx2() ? LDPC_DECODER_IMPL_AVX2 : LDPC_DECODER_IMPL_C;
    *dec = (struct ldpc_decoder){ .max_z = max_z, .impl = impl };
    int zpad = round_up(max_z, LDPC_DECODER_LANES);
    /* Slot: 32 bytes of slack, the main block and its 32-byte extension, and room for the mirror stores up to
     * Z + 64 (ldpc_decoder.h). */
    dec->col_stride = (size_t)(LDPC_DECODER_COL_FRONT + zpad + 64);
    size_t app_size = dec->col_stride * LDPC_MAX_COLS, msg_size = (size_t)zpad * LDPC_BG1_EDGES;
    dec->app = aligned_alloc(64, app_size);
    dec->msg = aligned_alloc(64, msg_size);
    dec->chunk_pos = malloc(sizeof(int32_t) * LDPC_BG1_EDGES * (size_t)(zpad / LDPC_DECODER_LANES));
    if (!dec->app || !dec->msg || !dec->chunk_pos) {
        ldpc_decoder_free(dec);
        return -ENOMEM;
    }
    /* Zeroed once so that slack bytes, read by whole-vector loads but never used, are defined. */
    memset(dec->app, 0, app_size);
    memset(dec->msg, 0, msg_size);
    return 0;
}

void ldpc_decoder_free(struct ldpc_decoder *dec)
{
    free(dec->app);
    free(dec->msg);
    free(dec->chunk_pos);
    dec->app = dec->msg = NULL;
    dec->chunk_pos = NULL;
}

/* ---- portable C kernel ---- */

#define LLR_INF 127

static inline int8_t sat8(int v) { return (int8_t)(v > LLR_INF ? LLR_INF : v < -LLR_INF ? -LLR_INF : v); }
static inline uint8_t mag8(int8_t q) { return (uint8_t)(q < 0 ? -q : q); }
/* Normalised offset min-sum: about 13/16 m, minus the offset (ldpc_decoder.h). */
static inline uint8_t norm8(uint8_t m, int offset)
{
    int v = ((LDPC_DECODER_ALPHA_X16 * m + 8) >> 4) - offset;
    return (uint8_t)(v < 0 ? 0 : v);
}

static inline int8_t *job_col(const struct ldpc_decoder_job *job, int j)
{
    return job->app + (size_t)j * job->col_stride;
}

/* The 32-byte periodic extension after column v's main block: position x holds variable x mod z. */
static void fill_extension(int8_t *v, int z)
{
    for (int x = z; x < z + LDPC_DECODER_LANES; x++)
        v[x] = v[x - z];
}

/* t[k] = v[(k + p) mod z] and back. */
static void rotate_in(int8_t *t, const int8_t *v, int p, int z)
{
    memcpy(t, v + p, (size_t)(z - p));
    memcpy(t + z - p, v, (size_t)p);
}

static void rotate_out(int8_t *v, const int8_t *t, int p, int z)
{
    memcpy(v + p, t, (size_t)(z - p));
    memcpy(v, t + z - p, (size_t)p);
    fill_extension(v, z);
}

static void row_c(const struct ldpc_decoder_job *job, int i)
{
    const struct ldpc_base_graph *g = job->g;
    int z = job->z, e0 = g->row_start[i], e1 = g->row_start[i + 1];
    uint8_t min1[LDPC_Z_MAX], min2[LDPC_Z_MAX], sgn[LDPC_Z_MAX], n1[LDPC_Z_MAX], n2[LDPC_Z_MAX];
    int8_t t[LDPC_Z_MAX];
    memset(min1, 0xff, (size_t)z);
    memset(min2, 0xff, (size_t)z);
    memset(sgn, 0, (size_t)z);
    for (int e = e0; e < e1; e++) {
        int8_t *r = job->msg + (size_t)e * job->zpad;
        rotate_in(t, job_col(job, g->edges[e].j), job->shift[e], z);
        for (int k = 0; k < z; k++) {
            int8_t q = mag8(t[k]) == LLR_INF ? t[k] : sat8(t[k] - r[k]);
            uint8_t a = mag8(q), lo = min1[k] > a ? min1[k] : a;
            r[k] = q;
            min2[k] = lo < min2[k] ? lo : min2[k];
            min1[k] = a < min1[k] ? a : min1[k];
            sgn[k] ^= (uint8_t)q;
        }
    }
    for (int k = 0; k < z; k++) {
        n1[k] = norm8(min1[k], job->offset);
        n2[k] = norm8(min2[k], job->offset);
    }
    for (int e = e0; e < e1; e++) {
        int8_t *r = job->msg + (size_t)e * job->zpad;
        for (int k = 0; k < z; k++) {
            int8_t q = r[k];
            uint8_t a = mag8(q);
            int m = a == min1[k] ? n2[k] : n1[k];
            int8_t rn = (int8_t)((sgn[k] ^ (uint8_t)q) & 0x80 ? -m : m);
            r[k] = rn;
            t[k] = a == LLR_INF ? q : sat8(q + rn);
        }
        rotate_out(job_col(job, g->edges[e].j), t, job->shift[e], z);
    }
}

void ldpc_decoder_iterate_c(const struct ldpc_decoder_job *job)
{
    for (int i = 0; i < job->rows; i++)
        row_c(job, i);
}

bool ldpc_decoder_parity_ok_c(const struct ldpc_decoder_job *job)
{
    const struct ldpc_base_graph *g = job->g;
    int z = job->z;
    for (int i = 0; i < job->rows; i++) {
        uint8_t x[LDPC_Z_MAX] = { 0 };
        for (int e = g->row_start[i]; e < g->row_start[i + 1]; e++) {
            const int8_t *v = job_col(job, g->edges[e].j);
            int p = job->shift[e];
            for (int k = 0; k < z - p; k++)
                x[k] ^= (uint8_t)v[k + p];
            for (int k = z - p; k < z; k++)
                x[k] ^= (uint8_t)v[k + p - z];
        }
        uint8_t any = 0;
        for (int k = 0; k < z; k++)
            any |= x[k];
        if (any & 0x80)
            return false;
    }
    return true;
}

bool ldpc_decoder_quantize_c(const float *llr, int n, float scale, int8_t *q)
{
    int8_t any = 0;
    for (int i = 0; i < n; i++) {
        /* fmaxf() drops a NaN; rintf() rounds to nearest even, as cvtps2dq does. */
        q[i] = (int8_t)rintf(fminf(fmaxf(llr[i] * scale, -127.0f), 127.0f));
        any |= q[i];
    }
    return any != 0;
}

/* ---- shared driver ---- */

struct impl_ops {
    void (*iterate)(const struct ldpc_decoder_job *job);
    bool (*parity_ok)(const struct ldpc_decoder_job *job);
    bool (*quantize)(const float *llr, int n, float scale, int8_t *q);
};

static const struct impl_ops ops_c = { ldpc_decoder_iterate_c, ldpc_decoder_parity_ok_c, ldpc_decoder_quantize_c };
#if defined(__x86_64__)
static const struct impl_ops ops_avx2 = { ldpc_decoder_iterate_avx2, ldpc_decoder_parity_ok_avx2,
                                          ldpc_decoder_quantize_avx2 };
#endif

static const struct impl_ops *impl_of(const struct ldpc_decoder *dec)
{
#if defined(__x86_64__)
    if (dec->impl == LDPC_DECODER_IMPL_AVX2)
        return &ops_avx2;
#endif
    return &ops_c;
}

/* Columns 0 .. 1 (punctured) and the columns n_llr reaches, quantised; returns the last column holding a
 * non-zero value (1 when none) and sets *loaded to the first column not written. */
static int load_columns(const struct ldpc_decoder_job *job, const struct impl_ops *ops, const float *soft,
                        int n_llr, float scale, int *loaded)
{
    int z = job->z, last = 1, j = 2;
    for (int p = 0; p < 2; p++) {
        memset(job_col(job, p), 0, (size_t)(z + LDPC_DECODER_LANES));
    }
    for (; j < job->g->cols && (j - 2) * z < n_llr; j++) {
        int8_t *v = job_col(job, j);
        int off = (j - 2) * z, cnt = n_llr - off < z ? n_llr - off : z;
        if (ops->quantize(soft + off, cnt, scale, v))
            last = j;
        memset(v + cnt, 0, (size_t)(z - cnt));
        fill_extension(v, z);
    }
    *loaded = j;
    return last;
}

/* c = sign bits of the kb systematic columns, eight at a time (bit 7 of each byte moved to bit 0). */
static void hard_decisions(const struct ldpc_decoder_job *job, uint8_t *c)
{
    int z = job->z;
    for (int j = 0; j < job->g->kb; j++) {
        const int8_t *v = job_col(job, j);
        uint8_t *out = c + (size_t)j * z;
        int k = 0;
        for (; k + 8 <= z; k += 8) {
            uint64_t w;
            memcpy(&w, v + k, 8);
            w = (w >> 7) & 0x0101010101010101ull;
            memcpy(out + k, &w, 8);
        }
        for (; k < z; k++)
            out[k] = (uint8_t)v[k] >> 7;
    }
}

/* Lifted shifts for (bg, z) and the AVX2 chunk positions, cached: the code blocks of a transport block share
 * them. */
static void cache_tables(struct ldpc_decoder *dec, const struct ldpc_base_graph *g, int i_ls, int z)
{
    if (dec->shift_bg == g->bg && dec->shift_z == z)
        return;
    for (int e = 0; e < g->num_edges; e++)
        dec->shift[e] = (uint16_t)ldpc_shift(&g->edges[e], i_ls, z);
    int chunks = round_up(z, LDPC_DECODER_LANES) / LDPC_DECODER_LANES;
    for (int i = 0; i < g->rows; i++) {
        int e0 = g->row_start[i], deg = g->row_start[i + 1] - e0;
        int32_t *pos = dec->chunk_pos + (size_t)e0 * (size_t)chunks;
        for (int d = 0; d < deg; d++)
            for (int m = 0, s = dec->shift[e0 + d]; m < chunks; m++) {
                int at = (int)(g->edges[e0 + d].j * dec->col_stride) + s;
                pos[m * deg + d] = at * 4 | (s > z - LDPC_DECODER_LANES ? LDPC_DECODER_MIRROR_BELOW : 0) |
                                   (s < LDPC_DECODER_LANES ? LDPC_DECODER_MIRROR_ABOVE : 0);
                s = s + LDPC_DECODER_LANES >= z ? s + LDPC_DECODER_LANES - z : s + LDPC_DECODER_LANES;
            }
    }
    dec->shift_bg = g->bg;
    dec->shift_z = z;
}

static int check_args(const struct ldpc_decoder *dec, const struct ldpc_decode_cfg *cfg, const float *soft,
                      int n_llr, const uint8_t *c, const struct ldpc_decode_result *res)
{
    if (!dec || !dec->app || !cfg || !c || !res || (n_llr > 0 && !soft))
        return -EINVAL;
    int n = ldpc_n(cfg->bg, cfg->z);
    if (n < 0 || ldpc_lifting_set_index(cfg->z) < 0 || cfg->z > dec->max_z || n_llr < 0 || n_llr > n)
        return -EINVAL;
    if (cfg->max_iterations < 1 || cfg->max_iterations > LDPC_DECODER_MAX_ITERATIONS || !(cfg->llr_scale >= 0))
        return -EINVAL;
    return 0;
}

int ldpc_decode(struct ldpc_decoder *dec, const struct ldpc_decode_cfg *cfg, const float *soft, int n_llr,
                uint8_t *c, struct ldpc_decode_result *res)
{
    int rc = check_args(dec, cfg, soft, n_llr, c, res);
    if (rc < 0)
        return rc;
    const struct ldpc_base_graph *g = ldpc_base_graph_get(cfg->bg);
    cache_tables(dec, g, ldpc_lifting_set_index(cfg->z), cfg->z);
    const struct impl_ops *ops = impl_of(dec);
    struct ldpc_decoder_job job = { .g = g, .shift = dec->shift, .z = cfg->z,
                                    .zpad = round_up(cfg->z, LDPC_DECODER_LANES),
                                    .app = dec->app + LDPC_DECODER_COL_FRONT, .col_stride = dec->col_stride,
                                    .msg = dec->msg, .chunk_pos = dec->chunk_pos };
    float scale = cfg->llr_scale > 0 ? cfg->llr_scale : LDPC_DECODER_LLR_SCALE;
    job.offset = (int)lrintf(fminf(LDPC_DECODER_OFFSET * scale, 127.0f));
    int loaded, last = load_columns(&job, ops, soft, n_llr, scale, &loaded);
    /* Row i >= 4 brings in column kb + i and nothing else new; its degree-1 column is all the row adds. */
    job.rows = last - g->kb + 1;
    job.rows = job.rows < LDPC_CORE_ROWS ? LDPC_CORE_ROWS : job.rows > g->rows ? g->rows : job.rows;
    for (int j = loaded; j < g->kb + job.rows; j++)
        memset(job_col(&job, j), 0, (size_t)(job.z + LDPC_DECODER_LANES));
    memset(job.msg, 0, (size_t)g->row_start[job.rows] * (size_t)job.zpad);

    *res = (struct ldpc_decode_result){ .rows = job.rows };
    while (res->iterations < cfg->max_iterations) {
        ops->iterate(&job);
        res->iterations++;
        if (!cfg->no_early_stop && ops->parity_ok(&job)) {
            res->parity_ok = true;
            break;
        }
    }
    if (cfg->no_early_stop)
        res->parity_ok = ops->parity_ok(&job);
    hard_decisions(&job, c);
    if (cfg->crc)
        res->crc_ok = cfg->crc(c, cfg->crc_arg);
    res->ok = cfg->crc ? res->crc_ok : res->parity_ok;
    return 0;
}
