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
 * The shape assumed in 2-4 is checked when the program below is built and, for both graphs at every lifting
 * size, by test_ldpc_encoder (H c = 0).
 *
 * Each step is one XOR of shifted reads. For a (bg, Z_c) the steps are compiled once into a program: per step
 * the byte offsets of its reads in the workspace and where its result goes (a block of d, the doubled workspace
 * block later steps read, or both), so an encode is a load pass over c and one pass per step, no per-entry
 * modulo or pointer setup. A step keeps its whole Z_c-byte result in registers across its reads (AVX2: up to
 * 12 x 32 bytes, Z_c = 384 in one pass; portable C: up to 6 vectors per pass; AVX-512 from Z_c = 256 on: packed
 * bits, see its kernels) and stores it straight to each destination; a Z_c that is not a multiple of 32 ends with a vector at Z_c - 32 overlapping the one before, so
 * no store leaves its block. Z_c < 32 reads whole vectors into the block slack and stores Z_c bytes.
 */
#include "phy/fec/ldpc_encoder.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "phy/cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define VEC 32
/* Bytes per stored block: a Z-block twice in a row, plus the slack that whole-vector reads at Z < VEC need. */
#define BLOCK_STRIDE (2 * LDPC_Z_MAX + 2 * VEC)
/* Blocks: columns 0..kb+3 (BG1: 26; BG2 uses the first 14), then lambda_0..3. */
#define LAMBDA_BLOCK (22 + LDPC_CORE_ROWS)
#define NUM_BLOCKS (LAMBDA_BLOCK + LDPC_CORE_ROWS)
/* The AVX-512 path's packed blocks, after the byte blocks: Z_c / 8 bytes twice in a row, then the slack its
 * 64-byte reads at byte offsets up to Z_c / 8 - 1 and its 64-byte store of the second copy need (48 + 64 < 128). */
#define PACKED_STRIDE 128
#define PACKED_OFFSET ((size_t)NUM_BLOCKS * BLOCK_STRIDE)
#define WS_BYTES (PACKED_OFFSET + (size_t)NUM_BLOCKS * PACKED_STRIDE)
#define MAX_VECS (LDPC_Z_MAX / VEC)

typedef uint8_t ldpc_vec __attribute__((vector_size(VEC)));
/* The kernels are specialised per vector count nv = ceil(Z_c / VEC), Z_c >= VEC: X(nv) for each. */
#define FOR_EACH_NV(X) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12)
_Static_assert(MAX_VECS == 12, "FOR_EACH_NV and the unroll pragmas cover Z_c up to 12 vectors");

bool ldpc_encoder_has_avx2(void)
{
    return phy_cpu_has_avx2();
}

bool ldpc_encoder_has_avx512(void)
{
    return phy_cpu_has_avx512();
}

int ldpc_encoder_init(struct ldpc_encoder *enc, const struct ldpc_encoder_cfg *cfg)
{
    int max_z = cfg && cfg->max_z ? cfg->max_z : LDPC_Z_MAX;
    enum ldpc_encoder_impl impl = cfg ? cfg->impl : LDPC_ENCODER_IMPL_AUTO;
    if (max_z < 2 || max_z > LDPC_Z_MAX || impl < LDPC_ENCODER_IMPL_AUTO || impl > LDPC_ENCODER_IMPL_AVX512)
        return -EINVAL;
    if ((impl == LDPC_ENCODER_IMPL_AVX2 && !ldpc_encoder_has_avx2()) ||
        (impl == LDPC_ENCODER_IMPL_AVX512 && !ldpc_encoder_has_avx512()))
        return -ENOTSUP;
    if (impl == LDPC_ENCODER_IMPL_AUTO)
        impl = ldpc_encoder_has_avx512() ? LDPC_ENCODER_IMPL_AVX512
               : ldpc_encoder_has_avx2() ? LDPC_ENCODER_IMPL_AVX2
                                         : LDPC_ENCODER_IMPL_C;
    enc->impl = impl;
    enc->max_z = max_z;
    enc->prog_bg = enc->prog_z = 0;
    enc->num_ops = 0;
    /* Cache-line aligned; zeroed so that the slack past each block, read but never used, is defined. */
    enc->ws = aligned_alloc(64, WS_BYTES);
    if (!enc->ws)
        return -ENOMEM;
    memset(enc->ws, 0, WS_BYTES);
    return 0;
}

void ldpc_encoder_free(struct ldpc_encoder *enc)
{
    free(enc->ws);
    enc->ws = NULL;
}

/* ---- program: the steps of one (bg, Z_c) ---- */

static uint32_t block_at(int blk, int shift)
{
    return (uint32_t)(blk * BLOCK_STRIDE + shift);
}

/* First entry of row i in a parity column (entries are sorted by column). */
static int first_parity_edge(const struct ldpc_base_graph *g, int i)
{
    int e = g->row_start[i];
    while (e < g->row_start[i + 1] && g->edges[e].j < g->kb)
        e++;
    return e;
}

/* Shift of p_0 in the sum of core rows 0..3: column kb appears three times there and two shifts cancel. */
static int core_shift(const struct ldpc_base_graph *g, int i_ls, int z)
{
    int s[3], n = 0;
    for (int e = 0; e < g->row_start[LDPC_CORE_ROWS]; e++)
        if (g->edges[e].j == g->kb && n < 3)
            s[n++] = ldpc_shift(&g->edges[e], i_ls, z);
    if (n != 3)
        return -EINVAL;
    return s[0] == s[1] ? s[2] : s[0] == s[2] ? s[1] : s[1] == s[2] ? s[0] : -EINVAL;
}

struct prog_builder {
    struct ldpc_encoder *enc;
    const struct ldpc_base_graph *g;
    int i_ls, z, nsrc;
};

/* One read of a step: block blk cyclically shifted by shift, in both workspace forms (src: byte offset into the
 * unpacked blocks; bsrc: byte offset into the packed blocks | bit shift 0..7 << 24). */
static void add_src(struct prog_builder *b, int blk, int shift)
{
    b->enc->bsrc[b->nsrc] = (uint32_t)(blk * PACKED_STRIDE + shift / 8) | (uint32_t)(shift % 8) << 24;
    b->enc->src[b->nsrc++] = block_at(blk, shift);
}

/* A step reading block extra_blk at shift extra_shift (if extra_blk >= 0), then entries [e0, e1) of the graph. */
static void add_step(struct prog_builder *b, int extra_blk, int extra_shift, int e0, int e1, int d_blk, int ws_blk)
{
    struct ldpc_encoder_op *op = &b->enc->op[b->enc->num_ops++];
    op->first = (uint16_t)b->nsrc;
    if (extra_blk >= 0)
        add_src(b, extra_blk, extra_shift);
    for (int e = e0; e < e1; e++)
        add_src(b, b->g->edges[e].j, ldpc_shift(&b->g->edges[e], b->i_ls, b->z));
    op->n = (uint16_t)(b->nsrc - op->first);
    op->d_blk = (int16_t)d_blk;
    op->ws_blk = (int16_t)ws_blk;
}

/* The last entry of row i is the identity at parity column col. */
static bool ends_with_identity(const struct ldpc_base_graph *g, int i, int col)
{
    const struct ldpc_bg_edge *last = &g->edges[g->row_start[i + 1] - 1];
    for (int s = 0; s < LDPC_NUM_SETS; s++)
        if (last->v[s] != 0)
            return false;
    return last->j == col;
}

static int build_program(struct ldpc_encoder *enc, const struct ldpc_base_graph *g, int i_ls, int z)
{
    struct prog_builder b = { .enc = enc, .g = g, .i_ls = i_ls, .z = z };
    int kb = g->kb, x = core_shift(g, i_ls, z);
    if (x < 0)
        return x;
    enc->num_ops = 0;
    /* 1: lambda_i, doubled (step 2 reads them shifted). */
    for (int i = 0; i < LDPC_CORE_ROWS; i++)
        add_step(&b, -1, 0, g->row_start[i], first_parity_edge(g, i), -1, LAMBDA_BLOCK + i);
    /* 2: the lambda sum is p_0 shifted by x (sum[k] = p_0[(k + x) mod z]): p_0[k] = sum[(k - x) mod z]. */
    struct ldpc_encoder_op *p0 = &enc->op[enc->num_ops++];
    p0->first = (uint16_t)b.nsrc;
    for (int i = 0; i < LDPC_CORE_ROWS; i++)
        add_src(&b, LAMBDA_BLOCK + i, (z - x) % z);
    p0->n = LDPC_CORE_ROWS;
    p0->d_blk = (int16_t)(kb - 2);
    p0->ws_blk = (int16_t)kb;
    /* 3: p_{i+1} = lambda_i + the row's parity entries before its last. */
    for (int i = 0; i < LDPC_CORE_ROWS - 1; i++) {
        if (!ends_with_identity(g, i, kb + i + 1))
            return -EINVAL;
        add_step(&b, LAMBDA_BLOCK + i, 0, first_parity_edge(g, i), g->row_start[i + 1] - 1, kb - 2 + i + 1,
                 kb + i + 1);
    }
    /* 4: extension rows, straight into d. */
    for (int i = LDPC_CORE_ROWS; i < g->rows; i++) {
        if (!ends_with_identity(g, i, kb + i))
            return -EINVAL;
        add_step(&b, -1, 0, g->row_start[i], g->row_start[i + 1] - 1, kb - 2 + i, -1);
    }
    return 0;
}

/* ---- kernels, written once with the compiler's generic vectors ---- */

/* Byte offset of vector w of a pass starting at k0; the last vector of the block's final pass sits at z - VEC. */
#define VPOS(w) (last && (w) == nv - 1 ? z - VEC : k0 + (w) * VEC)

/* nv vectors from k0 of one step: XOR of its n reads, stored to o1 (a block of d) and/or o2 (a doubled block). */
static inline __attribute__((always_inline)) void step_pass(const uint8_t *ws, const uint32_t *src, int n,
                                                            uint8_t *o1, uint8_t *o2, int z, int k0, const int nv,
                                                            const bool last)
{
    ldpc_vec a[MAX_VECS], t;
    const uint8_t *p = ws + src[0];
#pragma GCC unroll 12
    for (int w = 0; w < nv; w++)
        memcpy(&a[w], p + VPOS(w), VEC);
    for (int e = 1; e < n; e++) {
        p = ws + src[e];
#pragma GCC unroll 12
        for (int w = 0; w < nv; w++) {
            memcpy(&t, p + VPOS(w), VEC);
            a[w] ^= t;
        }
    }
    if (o1)
#pragma GCC unroll 12
        for (int w = 0; w < nv; w++)
            memcpy(o1 + VPOS(w), &a[w], VEC);
    if (o2)
#pragma GCC unroll 12
        for (int w = 0; w < nv; w++) {
            memcpy(o2 + VPOS(w), &a[w], VEC);
            memcpy(o2 + z + VPOS(w), &a[w], VEC);
        }
}

/* A whole step over nv_total vectors (z >= VEC), in passes of at most max_pass vectors (registers). */
static inline __attribute__((always_inline)) void step_body(const uint8_t *ws, const uint32_t *src, int n,
                                                            uint8_t *o1, uint8_t *o2, int z, const int nv_total,
                                                            const int max_pass)
{
    if (nv_total > max_pass) {
        step_pass(ws, src, n, o1, o2, z, 0, max_pass, false);
        step_pass(ws, src, n, o1, o2, z, max_pass * VEC, nv_total - max_pass, true);
    } else {
        step_pass(ws, src, n, o1, o2, z, 0, nv_total, true);
    }
}

/* z < VEC: one vector per read (the block slack keeps them inside the workspace), z bytes stored. */
static inline __attribute__((always_inline)) void step_small(const uint8_t *ws, const uint32_t *src, int n,
                                                             uint8_t *o1, uint8_t *o2, int z)
{
    ldpc_vec a, t;
    memcpy(&a, ws + src[0], VEC);
    for (int e = 1; e < n; e++) {
        memcpy(&t, ws + src[e], VEC);
        a ^= t;
    }
    uint8_t buf[VEC];
    memcpy(buf, &a, VEC);
    if (o1)
        memcpy(o1, buf, (size_t)z);
    if (o2) {
        memcpy(o2, buf, (size_t)z);
        memcpy(o2 + z, buf, (size_t)z);
    }
}

#define STEP_ARGS ws, enc->src + op->first, op->n, op->d_blk >= 0 ? d + (size_t)op->d_blk * z : NULL, \
                  op->ws_blk >= 0 ? ws + (size_t)op->ws_blk * BLOCK_STRIDE : NULL, z
#define STEP_CASE(nv)                                                                                            \
    case nv:                                                                                                     \
        for (const struct ldpc_encoder_op *op = enc->op; op < enc->op + num_ops; op++)                           \
            step_body(STEP_ARGS, nv, max_pass);                                                                  \
        break;

/* Steps 0 .. num_ops of the program, d as the destination. */
static inline __attribute__((always_inline)) void run_body(const struct ldpc_encoder *enc, int num_ops, uint8_t *d,
                                                           int z, const int max_pass)
{
    uint8_t *ws = enc->ws;
    if (z < VEC) {
        for (const struct ldpc_encoder_op *op = enc->op; op < enc->op + num_ops; op++)
            step_small(STEP_ARGS);
        return;
    }
    switch ((z + VEC - 1) / VEC) {
    FOR_EACH_NV(STEP_CASE)
    default:
        break;
    }
}

/* Systematic column loads: nv vectors of one column (the last at z - VEC) into its doubled block and, for the
 * columns from 2 on, into d. */
static inline __attribute__((always_inline)) void load_columns(uint8_t *ws, const uint8_t *c, uint8_t *d, int kb,
                                                               int z, const int nv)
{
    const ldpc_vec one = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                           1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const int k0 = 0;
    const bool last = true;
    for (int j = 0; j < kb; j++) {
        uint8_t *blk = ws + (size_t)j * BLOCK_STRIDE;
        const uint8_t *cj = c + (size_t)j * z;
        ldpc_vec v[MAX_VECS];
#pragma GCC unroll 12
        for (int w = 0; w < nv; w++)
            memcpy(&v[w], cj + VPOS(w), VEC);
        if (j >= 2)
#pragma GCC unroll 12
            for (int w = 0; w < nv; w++)
                memcpy(d + (size_t)(j - 2) * z + VPOS(w), &v[w], VEC);
#pragma GCC unroll 12
        for (int w = 0; w < nv; w++) {
            v[w] &= one;
            memcpy(blk + VPOS(w), &v[w], VEC);
            memcpy(blk + z + VPOS(w), &v[w], VEC);
        }
    }
}

#define LOAD_CASE(nv)                                                                                            \
    case nv:                                                                                                     \
        load_columns(ws, c, d, kb, z, nv);                                                                       \
        break;

/* The kb systematic columns of c into their doubled blocks (bit & 1: a filler, 254, becomes 0), and c_{2Z} on
 * into d unchanged (fillers kept). */
static inline __attribute__((always_inline)) void load_body(uint8_t *ws, const uint8_t *c, uint8_t *d, int kb,
                                                            int z)
{
    if (z < VEC) {
        for (int j = 0; j < kb; j++) {
            uint8_t *blk = ws + (size_t)j * BLOCK_STRIDE;
            for (int k = 0; k < z; k++)
                blk[k] = blk[z + k] = c[j * z + k] & 1;
        }
        memcpy(d, c + 2 * z, (size_t)(kb - 2) * z);
        return;
    }
    switch ((z + VEC - 1) / VEC) {
    FOR_EACH_NV(LOAD_CASE)
    default:
        break;
    }
}

/* The two instantiations: portable (SSE2 on x86-64: a vector is two 16-byte halves, 6 per pass fill the 16
 * registers) and AVX2 (12 vectors, a whole Z_c = 384 block, per pass). */
struct enc_kernels {
    void (*load)(uint8_t *ws, const uint8_t *c, uint8_t *d, int kb, int z);
    void (*run)(const struct ldpc_encoder *enc, int num_ops, uint8_t *d, int z);
};

static void load_c(uint8_t *ws, const uint8_t *c, uint8_t *d, int kb, int z) { load_body(ws, c, d, kb, z); }
static void run_c(const struct ldpc_encoder *enc, int num_ops, uint8_t *d, int z) { run_body(enc, num_ops, d, z, 6); }
static const struct enc_kernels kernels_c = { load_c, run_c };

#if defined(__x86_64__)
#define ENC_AVX2 __attribute__((target("avx2")))
ENC_AVX2 static void load_avx2(uint8_t *ws, const uint8_t *c, uint8_t *d, int kb, int z)
{
    load_body(ws, c, d, kb, z);
}
ENC_AVX2 static void run_avx2(const struct ldpc_encoder *enc, int num_ops, uint8_t *d, int z)
{
    run_body(enc, num_ops, d, z, MAX_VECS);
}
static const struct enc_kernels kernels_avx2 = { load_avx2, run_avx2 };

/* AVX-512 (F + BW) for Z_c >= packed_min_z (the AVX2 kernels below): the steps run on packed bits, a Z_c-bit
 * block (at most 48 bytes) in one register, so a read costs one load where the byte kernels take 12. The load
 * pass packs each systematic column (a mask of its bytes' bit 0) into its doubled packed block; a shift by P is
 * a 64-byte read at byte offset P / 8 whose 64-bit lanes are shifted right by P mod 8 and take the low bits of
 * the next lane; a step XORs its reads, unpacks its result into d (each 64 bits broadcast, byte m picking bit m)
 * and/or stores it doubled, packed, for the steps that read it. Per step and block this costs more than the
 * byte kernels, per read less: on a Zen 5 EPYC (paired rounds) BG1 was 1.1-1.3x the AVX2 kernels at Z_c = 192
 * to 240, 1.2-1.7x from 256 on (Z_c = 384: 1.6x), about even at 160, 0.85x at 128; BG2 0.9-1.07x at 192 to
 * 224, 1.05-1.3x from 256 on. Z_c must be a multiple of 16 (all lifting sizes from 128 up are). No masked loads or stores: the masked stores were
 * slower here than whole-vector stores that overlap and 16/32-byte tails. */
/* Smallest Z_c the packed kernels run at, BG1 and BG2 (BG2 has fewer reads per step to spread its cost on). */
static const int packed_min_z[2] = { 192, 256 };
#define ENC_AVX512 __attribute__((target("avx512f,avx512bw")))

/* The last rem = Z_c mod 64 bytes of a block (16, 32 or 48: Z_c is a multiple of 16), zero-extended, and stored
 * back, in 32- and 16-byte pieces (not masked: slower). */
ENC_AVX512 static inline __m512i load_tail(const uint8_t *p, int rem)
{
    if (rem == 16)
        return _mm512_zextsi128_si512(_mm_loadu_si128((const __m128i *)p));
    __m512i x = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)p));
    return rem == 32 ? x : _mm512_inserti32x4(x, _mm_loadu_si128((const __m128i *)(p + 32)), 2);
}

ENC_AVX512 static inline void store_tail(uint8_t *p, __m512i x, int rem)
{
    if (rem == 16) {
        _mm_storeu_si128((__m128i *)p, _mm512_castsi512_si128(x));
        return;
    }
    _mm256_storeu_si256((__m256i *)p, _mm512_castsi512_si256(x));
    if (rem == 48)
        _mm_storeu_si128((__m128i *)(p + 32), _mm512_extracti32x4_epi32(x, 2));
}

ENC_AVX512 static void load_avx512(uint8_t *ws, const uint8_t *c, uint8_t *d, int kb, int z)
{
    const __m512i one = _mm512_set1_epi8(1);
    const int nb = z / 8;
    for (int j = 0; j < kb; j++) {
        const uint8_t *cj = c + (size_t)j * z;
        uint8_t *dj = j >= 2 ? d + (size_t)(j - 2) * z : NULL;
        __m512i v = _mm512_setzero_si512(); /* 64 bits per chunk of 64 bytes, in lane order */
        int k = 0, w = 0;
        for (; k + 64 <= z; k += 64, w++) {
            __m512i x = _mm512_loadu_si512(cj + k);
            if (dj)
                _mm512_storeu_si512(dj + k, x);
            /* Lane w alone, then ORed: no chain of merges from one chunk to the next. */
            long long bits = (long long)_mm512_test_epi8_mask(x, one);
            v = _mm512_or_si512(v, _mm512_maskz_set1_epi64((__mmask8)(1u << w), bits));
        }
        if (k < z) {
            __m512i x = load_tail(cj + k, z - k);
            if (dj)
                store_tail(dj + k, x, z - k);
            v = _mm512_mask_set1_epi64(v, (__mmask8)(1u << w), (long long)_mm512_test_epi8_mask(x, one));
        }
        /* Two copies: the first one's tail (zero past Z_c bits) is overwritten by the second's head. */
        uint8_t *blk = ws + PACKED_OFFSET + (size_t)j * PACKED_STRIDE;
        _mm512_storeu_si512(blk, v);
        _mm512_storeu_si512(blk + nb, v);
    }
}

/* Read r of a step (bsrc word): the packed block at its byte offset, shifted right by its bit shift: each
 * 64-bit lane with the low bits of the next (Z_c <= 384: lanes 0..5 are used, their next lanes in the same
 * 64-byte load). */
ENC_AVX512 static inline __m512i packed_read(const uint8_t *pws, uint32_t r)
{
    int sh = (int)(r >> 24);
    __m512i x = _mm512_loadu_si512(pws + (r & 0xFFFFFF));
    __m512i lo = _mm512_srl_epi64(x, _mm_cvtsi32_si128(sh));
    __m512i hi = _mm512_sll_epi64(_mm512_alignr_epi64(x, x, 1), _mm_cvtsi32_si128(64 - sh));
    return _mm512_or_si512(lo, hi);
}

ENC_AVX512 static void run_avx512(const struct ldpc_encoder *enc, int num_ops, uint8_t *d, int z)
{
    const __m512i one = _mm512_set1_epi8(1);
    /* Per 16-byte lane L, byte t: byte 2 L + t / 8 of the word (each lane holds it twice), bit t mod 8. */
    const __m512i pick = _mm512_set_epi64(0x0707070707070707, 0x0606060606060606, 0x0505050505050505,
                                          0x0404040404040404, 0x0303030303030303, 0x0202020202020202,
                                          0x0101010101010101, 0x0000000000000000);
    const __m512i bit = _mm512_set1_epi64((long long)0x8040201008040201ULL);
    const uint8_t *pws = enc->ws + PACKED_OFFSET;
    const int nb = z / 8;
    for (const struct ldpc_encoder_op *op = enc->op; op < enc->op + num_ops; op++) {
        const uint32_t *src = enc->bsrc + op->first;
        __m512i acc = packed_read(pws, src[0]);
        for (int e = 1; e < op->n; e++)
            acc = _mm512_xor_si512(acc, packed_read(pws, src[e])); /* OR and XOR: one ternary-logic op */
        if (op->ws_blk >= 0) { /* the first copy's tail (bits from Z_c on) is overwritten by the second's head */
            uint8_t *blk = enc->ws + PACKED_OFFSET + (size_t)op->ws_blk * PACKED_STRIDE;
            _mm512_storeu_si512(blk, acc);
            _mm512_storeu_si512(blk + nb, acc);
        }
        if (op->d_blk >= 0) {
            /* 64 bits -> 64 bytes: the word broadcast, byte m of the output picking byte m / 8 of it, then bit
             * m mod 8 of that as 0/1. */
            uint8_t *out = d + (size_t)op->d_blk * z;
            __m512i word = _mm512_setzero_si512(); /* lane index of the next 64 bits, in every lane */
            for (int k = 0; k < z; k += 64) {
                __m512i b = _mm512_permutexvar_epi64(word, acc);
                word = _mm512_add_epi64(word, _mm512_set1_epi64(1));
                b = _mm512_min_epu8(_mm512_and_si512(_mm512_shuffle_epi8(b, pick), bit), one);
                if (k + 64 <= z)
                    _mm512_storeu_si512(out + k, b);
                else
                    store_tail(out + k, b, z - k);
            }
        }
    }
}
static const struct enc_kernels kernels_avx512 = { load_avx512, run_avx512 };
#endif

int ldpc_encode_partial(struct ldpc_encoder *enc, int bg, int z, const uint8_t *c, uint8_t *d, int n_needed)
{
    const struct ldpc_base_graph *g = ldpc_base_graph_get(bg);
    int i_ls = ldpc_lifting_set_index(z);
    if (!g || i_ls < 0 || z > enc->max_z || !c || !d)
        return -EINVAL;
    /* The program of the last (bg, z), kept: the code blocks of a TB share it. */
    if (enc->prog_bg != bg || enc->prog_z != z) {
        enc->prog_bg = enc->prog_z = 0;
        int rc = build_program(enc, g, i_ls, z);
        if (rc < 0)
            return rc;
        enc->prog_bg = bg;
        enc->prog_z = z;
    }
    const struct enc_kernels *kern = &kernels_c;
#if defined(__x86_64__)
    if (enc->impl == LDPC_ENCODER_IMPL_AVX512 && z >= packed_min_z[bg - 1] && z % 16 == 0)
        kern = &kernels_avx512;
    else if (enc->impl != LDPC_ENCODER_IMPL_C)
        kern = &kernels_avx2;
#endif
    /* d: systematic bits from c_{2Z} on, then parity column kb+i at block kb-2+i. The core steps always run;
     * extension row i only while its block starts below n_needed. */
    int num_ops = 2 * LDPC_CORE_ROWS, kb = g->kb;
    while (num_ops < enc->num_ops && (kb - 2 + num_ops - LDPC_CORE_ROWS) * z < n_needed)
        num_ops++;
    kern->load(enc->ws, c, d, kb, z);
    kern->run(enc, num_ops, d, z);
    return 0;
}

int ldpc_encode(struct ldpc_encoder *enc, int bg, int z, const uint8_t *c, uint8_t *d)
{
    return ldpc_encode_partial(enc, bg, z, c, d, ldpc_n(bg, z));
}
