/* LDPC encoder, 38.212 5.3.2. See ldpc_encoder.h.
 *
 * Parity is found block-wise, the usual way for the NR double-diagonal core:
 *   1. lambda_i = sum over the systematic entries of row i of the shifted blocks, for the core rows i = 0..3;
 *   2. summing core rows 0..3 cancels core columns kb+1..kb+3 (each appears twice with shift 0) and leaves one
 *      shifted copy of p_0 (column kb appears three times, two shifts equal): p_0 = that sum shifted back;
 *   3. core row i = 0..2 then has one unknown, the shift-0 entry of column kb+i+1 at its end: p_{i+1} is the sum
 *      of the row's other entries;
 *   4. every extension row i >= 4 ends with the identity at column kb+i: its parity block is likewise the sum
 *      of the row's other entries.
 * The shape assumed in 2-4 is checked for both graphs at every lifting size by test_ldpc_encoder (H c = 0).
 */
#include "phy/fec/ldpc_encoder.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "phy/cpu.h"

#define VEC 32
/* Bytes per stored block: a Z-block twice in a row, plus the slack that whole-vector reads at offset < Z need. */
#define BLOCK_STRIDE (2 * LDPC_Z_MAX + 2 * VEC)
/* Blocks: kb + 4 columns (BG1: 26), lambda_0..3, the core sum. */
#define NUM_BLOCKS (22 + LDPC_CORE_ROWS + LDPC_CORE_ROWS + 1)
#define MAX_ROW_DEGREE 32

typedef uint8_t ldpc_vec __attribute__((vector_size(VEC)));

bool ldpc_encoder_has_avx2(void)
{
    return phy_cpu_has_avx2();
}

int ldpc_encoder_init(struct ldpc_encoder *enc, const struct ldpc_encoder_cfg *cfg)
{
    int max_z = cfg && cfg->max_z ? cfg->max_z : LDPC_Z_MAX;
    enum ldpc_encoder_impl impl = cfg ? cfg->impl : LDPC_ENCODER_IMPL_AUTO;
    if (max_z < 2 || max_z > LDPC_Z_MAX || impl < LDPC_ENCODER_IMPL_AUTO || impl > LDPC_ENCODER_IMPL_AVX2)
        return -EINVAL;
    if (impl == LDPC_ENCODER_IMPL_AVX2 && !ldpc_encoder_has_avx2())
        return -ENOTSUP;
    if (impl == LDPC_ENCODER_IMPL_AUTO)
        impl = ldpc_encoder_has_avx2() ? LDPC_ENCODER_IMPL_AVX2 : LDPC_ENCODER_IMPL_C;
    enc->impl = impl;
    enc->max_z = max_z;
    enc->shift_bg = enc->shift_z = 0;
    /* Zeroed so that the slack past each block, read but never used, is defined. */
    enc->ws = calloc(NUM_BLOCKS, BLOCK_STRIDE);
    return enc->ws ? 0 : -ENOMEM;
}

void ldpc_encoder_free(struct ldpc_encoder *enc)
{
    free(enc->ws);
    enc->ws = NULL;
}

/* out[0..z) = XOR of src[e][0..z), e < n (n >= 1). Every src must stay readable VEC - 1 bytes past z. Four
 * vectors are summed side by side so that four independent XOR chains hide the latency of each. Written once with
 * the compiler's generic vectors and instantiated twice below: the portable build (SSE2 on x86-64, two 16-byte
 * halves per vector) and the AVX2 one (one 32-byte register per vector), picked per encoder at init. */
static inline __attribute__((always_inline)) void xor_blocks_body(uint8_t *out, const uint8_t *const *src, int n,
                                                                  int z)
{
    int k = 0;
    /* Six vectors at a time where they fit (Z = 384 in two passes, 192 in one): fewer passes over the pointers. */
    for (; k + 6 * VEC <= z; k += 6 * VEC) {
        ldpc_vec a[6], t;
#pragma GCC unroll 6
        for (int w = 0; w < 6; w++)
            memcpy(&a[w], src[0] + k + w * VEC, VEC);
        for (int e = 1; e < n; e++)
#pragma GCC unroll 6
            for (int w = 0; w < 6; w++) {
                memcpy(&t, src[e] + k + w * VEC, VEC);
                a[w] ^= t;
            }
#pragma GCC unroll 6
        for (int w = 0; w < 6; w++)
            memcpy(out + k + w * VEC, &a[w], VEC);
    }
    for (; k + 4 * VEC <= z; k += 4 * VEC) {
        ldpc_vec a0, a1, a2, a3, t0, t1, t2, t3;
        memcpy(&a0, src[0] + k, VEC);
        memcpy(&a1, src[0] + k + VEC, VEC);
        memcpy(&a2, src[0] + k + 2 * VEC, VEC);
        memcpy(&a3, src[0] + k + 3 * VEC, VEC);
        for (int e = 1; e < n; e++) {
            memcpy(&t0, src[e] + k, VEC);
            memcpy(&t1, src[e] + k + VEC, VEC);
            memcpy(&t2, src[e] + k + 2 * VEC, VEC);
            memcpy(&t3, src[e] + k + 3 * VEC, VEC);
            a0 ^= t0;
            a1 ^= t1;
            a2 ^= t2;
            a3 ^= t3;
        }
        memcpy(out + k, &a0, VEC);
        memcpy(out + k + VEC, &a1, VEC);
        memcpy(out + k + 2 * VEC, &a2, VEC);
        memcpy(out + k + 3 * VEC, &a3, VEC);
    }
    for (; k < z; k += VEC) {
        ldpc_vec a, t;
        memcpy(&a, src[0] + k, VEC);
        for (int e = 1; e < n; e++) {
            memcpy(&t, src[e] + k, VEC);
            a ^= t;
        }
        memcpy(out + k, &a, (size_t)(z - k < VEC ? z - k : VEC));
    }
}

/* Stores z bits as a doubled block: blk[k] = blk[z + k] = bits[k] & 1 (a filler, 254, becomes 0). */
static inline __attribute__((always_inline)) void load_block(uint8_t *blk, const uint8_t *bits, int z)
{
    int k = 0;
    const ldpc_vec one = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                           1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    for (; k + VEC <= z; k += VEC) {
        ldpc_vec v;
        memcpy(&v, bits + k, VEC);
        v &= one;
        memcpy(blk + k, &v, VEC);
    }
    for (; k < z; k++)
        blk[k] = bits[k] & 1;
    memcpy(blk + z, blk, (size_t)z);
}

/* The kb systematic columns of c into their doubled blocks. */
static inline __attribute__((always_inline)) void load_blocks_body(uint8_t *const *col, const uint8_t *c, int kb,
                                                                   int z)
{
    for (int j = 0; j < kb; j++)
        load_block(col[j], c + (size_t)j * z, z);
}

/* The two instantiations of each kernel. */
struct enc_kernels {
    void (*xor_blocks)(uint8_t *out, const uint8_t *const *src, int n, int z);
    void (*load_blocks)(uint8_t *const *col, const uint8_t *c, int kb, int z);
};

static void xor_blocks_c(uint8_t *out, const uint8_t *const *src, int n, int z) { xor_blocks_body(out, src, n, z); }
static void load_blocks_c(uint8_t *const *col, const uint8_t *c, int kb, int z) { load_blocks_body(col, c, kb, z); }
static const struct enc_kernels kernels_c = { xor_blocks_c, load_blocks_c };

#if defined(__x86_64__)
#define ENC_AVX2 __attribute__((target("avx2")))
ENC_AVX2 static void xor_blocks_avx2(uint8_t *out, const uint8_t *const *src, int n, int z)
{
    xor_blocks_body(out, src, n, z);
}
ENC_AVX2 static void load_blocks_avx2(uint8_t *const *col, const uint8_t *c, int kb, int z)
{
    load_blocks_body(col, c, kb, z);
}
static const struct enc_kernels kernels_avx2 = { xor_blocks_avx2, load_blocks_avx2 };
#endif

/* A block that parity rows read with shifts: its bits followed by a copy. */
static void double_block(uint8_t *blk, int z)
{
    memcpy(blk + z, blk, (size_t)z);
}

struct enc_ctx {
    const struct enc_kernels *kern;
    const struct ldpc_base_graph *g;
    int z;
    const uint16_t *shift; /* P_ij of every entry, in graph order */
    uint8_t *col[LDPC_MAX_COLS]; /* doubled blocks of columns 0..kb+3 */
};

/* Sum over entries [e0, e1) of the graph, each a read of its column's doubled block at shift P, plus extra
 * (a plain block, or NULL), into out. */
static void row_sum(const struct enc_ctx *x, int e0, int e1, const uint8_t *extra, uint8_t *out)
{
    const uint8_t *src[MAX_ROW_DEGREE];
    int n = 0;
    if (extra)
        src[n++] = extra;
    for (int e = e0; e < e1; e++)
        src[n++] = x->col[x->g->edges[e].j] + x->shift[e];
    x->kern->xor_blocks(out, src, n, x->z);
}

/* First entry of row i in a parity column (entries are sorted by column). */
static int first_parity_edge(const struct ldpc_base_graph *g, int i)
{
    int e = g->row_start[i];
    while (e < g->row_start[i + 1] && g->edges[e].j < g->kb)
        e++;
    return e;
}

/* Shift x of p_0 in the sum of core rows 0..3: column kb appears three times there and two shifts cancel. */
static int core_shift(const struct enc_ctx *x)
{
    int s[3], n = 0;
    for (int e = 0; e < x->g->row_start[LDPC_CORE_ROWS]; e++)
        if (x->g->edges[e].j == x->g->kb && n < 3)
            s[n++] = x->shift[e];
    if (n != 3)
        return -EINVAL;
    return s[0] == s[1] ? s[2] : s[0] == s[2] ? s[1] : s[1] == s[2] ? s[0] : -EINVAL;
}

/* Steps 1-3 of the header comment: the four core parity blocks into col[kb..kb+3]. */
static int encode_core(struct enc_ctx *x, uint8_t *ws)
{
    const struct ldpc_base_graph *g = x->g;
    int z = x->z, kb = g->kb;
    uint8_t *lambda[LDPC_CORE_ROWS], *sum = ws + (size_t)(kb + 2 * LDPC_CORE_ROWS) * BLOCK_STRIDE;
    for (int i = 0; i < LDPC_CORE_ROWS; i++) {
        lambda[i] = ws + (size_t)(kb + LDPC_CORE_ROWS + i) * BLOCK_STRIDE;
        row_sum(x, g->row_start[i], first_parity_edge(g, i), NULL, lambda[i]);
    }
    int shift = core_shift(x);
    if (shift < 0)
        return shift;
    const uint8_t *four[LDPC_CORE_ROWS] = { lambda[0], lambda[1], lambda[2], lambda[3] };
    x->kern->xor_blocks(sum, four, LDPC_CORE_ROWS, z);
    double_block(sum, z);
    /* sum = p_0 shifted by x, i.e. sum[k] = p_0[(k + x) mod z]: p_0[k] = sum[(k - x) mod z]. */
    memcpy(x->col[kb], sum + (z - shift) % z, (size_t)z);
    double_block(x->col[kb], z);
    for (int i = 0; i < LDPC_CORE_ROWS - 1; i++) {
        int e1 = g->row_start[i + 1] - 1; /* the row's last entry: column kb+i+1, shift 0 */
        row_sum(x, first_parity_edge(g, i), e1, lambda[i], x->col[kb + i + 1]);
        double_block(x->col[kb + i + 1], z);
    }
    return 0;
}

int ldpc_encode_partial(struct ldpc_encoder *enc, int bg, int z, const uint8_t *c, uint8_t *d, int n_needed)
{
    const struct ldpc_base_graph *g = ldpc_base_graph_get(bg);
    int i_ls = ldpc_lifting_set_index(z);
    if (!g || i_ls < 0 || z > enc->max_z || !c || !d)
        return -EINVAL;
    /* The lifted shifts of the last (bg, z), kept: the code blocks of a TB share them, and the modulo per
     * entry is a noticeable part of one encode. */
    if (enc->shift_bg != bg || enc->shift_z != z) {
        for (int e = 0; e < g->num_edges; e++)
            enc->shift[e] = (uint16_t)ldpc_shift(&g->edges[e], i_ls, z);
        enc->shift_bg = bg;
        enc->shift_z = z;
    }
    struct enc_ctx x = { .kern = &kernels_c, .g = g, .z = z, .shift = enc->shift };
#if defined(__x86_64__)
    if (enc->impl == LDPC_ENCODER_IMPL_AVX2)
        x.kern = &kernels_avx2;
#endif
    int kb = g->kb;
    for (int j = 0; j < kb + LDPC_CORE_ROWS; j++)
        x.col[j] = enc->ws + (size_t)j * BLOCK_STRIDE;
    x.kern->load_blocks(x.col, c, kb, z);
    int rc = encode_core(&x, enc->ws);
    if (rc < 0)
        return rc;

    /* d: systematic bits from c_{2Z} on (fillers kept as LDPC_FILLER), then parity column kb+i at block kb-2+i. */
    memcpy(d, c + 2 * z, (size_t)(kb - 2) * z);
    for (int i = 0; i < LDPC_CORE_ROWS; i++)
        memcpy(d + (size_t)(kb - 2 + i) * z, x.col[kb + i], (size_t)z);
    for (int i = LDPC_CORE_ROWS; i < g->rows && (kb - 2 + i) * z < n_needed; i++)
        row_sum(&x, g->row_start[i], g->row_start[i + 1] - 1, NULL, d + (size_t)(kb - 2 + i) * z);
    return 0;
}

int ldpc_encode(struct ldpc_encoder *enc, int bg, int z, const uint8_t *c, uint8_t *d)
{
    return ldpc_encode_partial(enc, bg, z, c, d, ldpc_n(bg, z));
}
