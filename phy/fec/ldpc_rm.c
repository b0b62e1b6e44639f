/* LDPC rate matching, 38.212 5.4.2. See ldpc_rm.h.
 *
 * Bit selection and interleaving are done in one pass: 5.4.2.2 writes f_{i + j Qm} = e_{i E/Qm + j}, so output
 * symbol j takes bit j of each of Qm runs of E/Qm selected bits. The Qm runs are read side by side from their own
 * positions in the circular buffer, in stretches over which all of them are contiguous (between the filler range
 * and the wrap point), so there is no per-bit test for <NULL> and the inner loop has a constant Qm.
 */
#include "phy/fec/ldpc_rm.h"

#include <errno.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "phy/cpu.h"
#include "phy/fec/ldpc_tables.h"

/* The interleaving loops below vectorise well once Qm is a constant; clang does so at -O2, gcc only with its -O3
 * cost model, so gcc gets that for these functions (4-10x on rate matching). */
#if defined(__GNUC__) && !defined(__clang__)
#define RM_VECTORISE __attribute__((optimize("O3")))
#else
#define RM_VECTORISE
#endif

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

/* Moves w forward over n selected (non-filler) bits. */
static void walk_skip(struct rm_walk *w, int n)
{
    while (n > 0) {
        int len = walk_run(w, n);
        walk_advance(w, len);
        n -= len;
    }
}

/* The Qm read positions, stream i delivering e_{i E/Qm} .. e_{(i+1) E/Qm - 1}, i.e. f_i, f_{i+Qm}, ..., and the
 * next output symbol j. */
struct rm_streams {
    struct rm_walk w[8];
    int qm, per_row, j;
};

static void streams_start(const struct ldpc_rm_cfg *cfg, struct rm_streams *s)
{
    s->qm = cfg->qm;
    s->per_row = cfg->e / cfg->qm;
    s->j = 0;
    s->w[0] = walk_start(cfg);
    for (int i = 1; i < s->qm; i++) {
        s->w[i] = s->w[i - 1];
        walk_skip(&s->w[i], s->per_row);
    }
}

/* The next stretch over which every stream reads contiguously: its first output symbol *j, the streams'
 * positions pos[0..Qm), and its length as the return value (0 when all E bits are done). */
static int streams_next(struct rm_streams *s, int *pos, int *j)
{
    int len = s->per_row - s->j;
    for (int i = 0; i < s->qm; i++)
        len = walk_run(&s->w[i], len);
    for (int i = 0; i < s->qm; i++) {
        pos[i] = s->w[i].pos;
        walk_advance(&s->w[i], len);
    }
    *j = s->j;
    s->j += len;
    return len;
}

/* f[t qm + i] = d[pos[i] + t] for t < len; qm a constant after inlining, so the loop can be vectorised. */
RM_VECTORISE static inline void interleave_run(uint8_t *f, const uint8_t *d, const int *pos, int len, int qm)
{
    for (int t = 0; t < len; t++)
        for (int i = 0; i < qm; i++)
            f[t * qm + i] = d[pos[i] + t];
}

/* soft[pos[i] + t] += llr[t qm + i] for t < len. */
RM_VECTORISE static inline void deinterleave_run(float *soft, const float *llr, const int *pos, int len, int qm)
{
    for (int i = 0; i < qm; i++)
        for (int t = 0; t < len; t++)
            soft[pos[i] + t] += llr[t * qm + i];
}

#if defined(__x86_64__)
/* Qm = 6 with byte shuffles: the six runs are paired byte-wise (s0 s1, s2 s3, s4 s5: one 16-bit word per output
 * symbol and pair), then the three word streams A, B, C are interleaved A0 B0 C0 A1 B1 C1 ... by pshufb masks
 * (mask[S][v]: where stream S's words land in output chunk v of 16 bytes, -128 = zero). 32 symbols (192 bytes)
 * per step: each 128-bit lane of a 32-byte register carries 8 symbols (the unpacks work within lanes: the low
 * unpack holds symbols 0-7 and 16-23, the high one 8-15 and 24-31), so the six 16-byte chunks of symbols 0-15 are
 * the low lanes and those of symbols 16-31 the high lanes, joined pairwise for 32-byte stores. The generic loop
 * does the rest of a run. Every loop is written out: the compiler keeps the masks and words in registers. */
__attribute__((target("avx2"))) static inline __m256i rm6_chunk(const __m256i w[3], const __m256i m[3][3], int v)
{
    return _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(w[0], m[0][v]), _mm256_shuffle_epi8(w[1], m[1][v])),
                           _mm256_shuffle_epi8(w[2], m[2][v]));
}

__attribute__((target("avx2"))) static void interleave_run6_avx2(uint8_t *f, const uint8_t *d, const int *pos,
                                                                 int len)
{
    static const int8_t mask[3][3][16] = {
        { { 0, 1, -128, -128, -128, -128, 2, 3, -128, -128, -128, -128, 4, 5, -128, -128 },
          { -128, -128, 6, 7, -128, -128, -128, -128, 8, 9, -128, -128, -128, -128, 10, 11 },
          { -128, -128, -128, -128, 12, 13, -128, -128, -128, -128, 14, 15, -128, -128, -128, -128 } },
        { { -128, -128, 0, 1, -128, -128, -128, -128, 2, 3, -128, -128, -128, -128, 4, 5 },
          { -128, -128, -128, -128, 6, 7, -128, -128, -128, -128, 8, 9, -128, -128, -128, -128 },
          { 10, 11, -128, -128, -128, -128, 12, 13, -128, -128, -128, -128, 14, 15, -128, -128 } },
        { { -128, -128, -128, -128, 0, 1, -128, -128, -128, -128, 2, 3, -128, -128, -128, -128 },
          { 4, 5, -128, -128, -128, -128, 6, 7, -128, -128, -128, -128, 8, 9, -128, -128 },
          { -128, -128, 10, 11, -128, -128, -128, -128, 12, 13, -128, -128, -128, -128, 14, 15 } },
    };
    __m256i m[3][3];
    for (int st = 0; st < 3; st++)
        for (int v = 0; v < 3; v++)
            m[st][v] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)mask[st][v]));
    const uint8_t *p0 = d + pos[0], *p1 = d + pos[1], *p2 = d + pos[2], *p3 = d + pos[3], *p4 = d + pos[4],
                  *p5 = d + pos[5];
    int t = 0;
    for (; t + 32 <= len; t += 32) {
        __m256i s0 = _mm256_loadu_si256((const __m256i *)(const void *)(p0 + t));
        __m256i s1 = _mm256_loadu_si256((const __m256i *)(const void *)(p1 + t));
        __m256i s2 = _mm256_loadu_si256((const __m256i *)(const void *)(p2 + t));
        __m256i s3 = _mm256_loadu_si256((const __m256i *)(const void *)(p3 + t));
        __m256i s4 = _mm256_loadu_si256((const __m256i *)(const void *)(p4 + t));
        __m256i s5 = _mm256_loadu_si256((const __m256i *)(const void *)(p5 + t));
        const __m256i lo[3] = { _mm256_unpacklo_epi8(s0, s1), _mm256_unpacklo_epi8(s2, s3),
                                _mm256_unpacklo_epi8(s4, s5) };
        const __m256i hi[3] = { _mm256_unpackhi_epi8(s0, s1), _mm256_unpackhi_epi8(s2, s3),
                                _mm256_unpackhi_epi8(s4, s5) };
        /* Chunks 0-2 of lo are output bytes 0-47 (low lanes) and 96-143 (high), of hi 48-95 and 144-191. */
        __m256i l0 = rm6_chunk(lo, m, 0), l1 = rm6_chunk(lo, m, 1), l2 = rm6_chunk(lo, m, 2);
        __m256i h0 = rm6_chunk(hi, m, 0), h1 = rm6_chunk(hi, m, 1), h2 = rm6_chunk(hi, m, 2);
        __m256i *out = (__m256i *)(void *)(f + (size_t)t * 6);
        _mm256_storeu_si256(out, _mm256_permute2x128_si256(l0, l1, 0x20));
        _mm256_storeu_si256(out + 1, _mm256_permute2x128_si256(l2, h0, 0x20));
        _mm256_storeu_si256(out + 2, _mm256_permute2x128_si256(h1, h2, 0x20));
        _mm256_storeu_si256(out + 3, _mm256_permute2x128_si256(l0, l1, 0x31));
        _mm256_storeu_si256(out + 4, _mm256_permute2x128_si256(l2, h0, 0x31));
        _mm256_storeu_si256(out + 5, _mm256_permute2x128_si256(h1, h2, 0x31));
    }
    /* Clean upper halves before the SSE code that follows (gcc left them dirty on the tail path, and legacy SSE
     * after dirty ymm state ran the next de-rate matching 3x slower). */
    _mm256_zeroupper();
    if (t < len) {
        int rest[6];
        for (int i = 0; i < 6; i++)
            rest[i] = pos[i] + t;
        interleave_run(f + (size_t)t * 6, d, rest, len - t, 6);
    }
}
#endif

RM_VECTORISE static int rm_match(const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f, bool avx2)
{
    struct rm_streams s;
    int pos[8], j, len;
    streams_start(cfg, &s);
    while ((len = streams_next(&s, pos, &j)) > 0) {
        uint8_t *out = f + (size_t)j * s.qm;
        switch (s.qm) {
        case 1: memcpy(out, d + pos[0], (size_t)len); break;
        case 2: interleave_run(out, d, pos, len, 2); break;
        case 4: interleave_run(out, d, pos, len, 4); break;
        case 6:
#if defined(__x86_64__)
            if (avx2) {
                interleave_run6_avx2(out, d, pos, len);
                break;
            }
#endif
            interleave_run(out, d, pos, len, 6);
            break;
        default: interleave_run(out, d, pos, len, 8); break;
        }
    }
    (void)avx2;
    return 0;
}

int ldpc_rm_match(const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f)
{
    if (!d || !f || ldpc_rm_check(cfg) < 0)
        return -EINVAL;
    return rm_match(cfg, d, f, phy_cpu_has_avx2());
}

int ldpc_rm_match_with(enum ldpc_rm_impl impl, const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f)
{
    if (!d || !f || ldpc_rm_check(cfg) < 0 || impl < LDPC_RM_IMPL_AUTO || impl > LDPC_RM_IMPL_AVX2)
        return -EINVAL;
    if (impl == LDPC_RM_IMPL_AVX2 && !phy_cpu_has_avx2())
        return -ENOTSUP;
    bool avx2 = impl == LDPC_RM_IMPL_AVX2 || (impl == LDPC_RM_IMPL_AUTO && phy_cpu_has_avx2());
    return rm_match(cfg, d, f, avx2);
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

RM_VECTORISE int ldpc_rm_recover(const struct ldpc_rm_cfg *cfg, const float *llr_f, float *soft)
{
    if (!llr_f || !soft || ldpc_rm_check(cfg) < 0)
        return -EINVAL;
    struct rm_streams s;
    int pos[8], j, len;
    streams_start(cfg, &s);
    /* Where streams overlap (E > N_cb) a position gets one addition per stream, as in the sequential definition. */
    while ((len = streams_next(&s, pos, &j)) > 0) {
        const float *in = llr_f + (size_t)j * s.qm;
        switch (s.qm) {
        case 1: deinterleave_run(soft, in, pos, len, 1); break;
        case 2: deinterleave_run(soft, in, pos, len, 2); break;
        case 4: deinterleave_run(soft, in, pos, len, 4); break;
        case 6: deinterleave_run(soft, in, pos, len, 6); break;
        default: deinterleave_run(soft, in, pos, len, 8); break;
        }
    }
    return 0;
}
