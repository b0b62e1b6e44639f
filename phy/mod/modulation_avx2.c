/* Soft demapper, AVX2 kernel: the piecewise-linear max-log of modulation.c for 16QAM, 64QAM and 256QAM, four
 * symbols (eight axis values) per step, with the same arithmetic per value as modulation_demap_pwl_c() (multiply
 * then add, no FMA), so both give identical LLRs. Compiled per function with target("avx2"); modulation.c calls it
 * only when the CPU has AVX2.
 *
 * The eight floats of four symbols stay interleaved (Re, Im, Re, Im, ...): the tables are the same for both axes,
 * so bit j of every value is one permute-indexed slope and intercept. P_j then holds, as 64-bit pairs, the
 * (Re, Im) LLRs of bit pair j of the four symbols, and the output order (symbol after symbol, pairs 0 .. nb-1 in
 * each) is a transpose of those pairs.
 */
#include "phy/mod/modulation.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256d pd(__m256 v) { return _mm256_castps_pd(v); }

/* Writes the pairs P[0 .. nb-1] of four symbols: symbol s gets P[0][s], P[1][s], ... */
AVX2 static inline void store_pairs(int nb, const __m256 *P, float *out)
{
    double *o = (double *)(void *)out;
    if (nb == 2) {
        __m256d lo = _mm256_unpacklo_pd(pd(P[0]), pd(P[1])), hi = _mm256_unpackhi_pd(pd(P[0]), pd(P[1]));
        _mm256_storeu_pd(o, _mm256_permute2f128_pd(lo, hi, 0x20));
        _mm256_storeu_pd(o + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
    } else if (nb == 3) {
        __m256d p0 = pd(P[0]), p1 = pd(P[1]), p2 = pd(P[2]);
        /* [P0.0 P1.0 P2.0 P0.1] [P1.1 P2.1 P0.2 P1.2] [P2.2 P0.3 P1.3 P2.3] */
        __m256d a = _mm256_blend_pd(_mm256_permute4x64_pd(p0, 0x40), _mm256_permute4x64_pd(p1, 0x00), 0x2);
        a = _mm256_blend_pd(a, _mm256_permute4x64_pd(p2, 0x00), 0x4);
        __m256d b = _mm256_blend_pd(_mm256_permute4x64_pd(p1, 0x81), _mm256_permute4x64_pd(p2, 0x04), 0x2);
        b = _mm256_blend_pd(b, _mm256_permute4x64_pd(p0, 0x20), 0x4);
        __m256d c = _mm256_blend_pd(_mm256_permute4x64_pd(p2, 0xc2), _mm256_permute4x64_pd(p0, 0x0c), 0x2);
        c = _mm256_blend_pd(c, _mm256_permute4x64_pd(p1, 0x30), 0x4);
        _mm256_storeu_pd(o, a);
        _mm256_storeu_pd(o + 4, b);
        _mm256_storeu_pd(o + 8, c);
    } else {
        __m256d t0 = _mm256_unpacklo_pd(pd(P[0]), pd(P[1])), t1 = _mm256_unpackhi_pd(pd(P[0]), pd(P[1]));
        __m256d t2 = _mm256_unpacklo_pd(pd(P[2]), pd(P[3])), t3 = _mm256_unpackhi_pd(pd(P[2]), pd(P[3]));
        _mm256_storeu_pd(o, _mm256_permute2f128_pd(t0, t2, 0x20));
        _mm256_storeu_pd(o + 4, _mm256_permute2f128_pd(t1, t3, 0x20));
        _mm256_storeu_pd(o + 8, _mm256_permute2f128_pd(t0, t2, 0x31));
        _mm256_storeu_pd(o + 12, _mm256_permute2f128_pd(t1, t3, 0x31));
    }
}

AVX2 static inline void demap_run(const struct modulation_pwl *t, int nb, const cf_t *y, const float *gain,
                                  float gain_c, size_t n4, float *llr)
{
    const __m256 sign = _mm256_set1_ps(-0.0f), hiu = _mm256_set1_ps(t->half_inv_unit);
    const __m256 imax = _mm256_set1_ps(t->max_interval);
    const __m256i dup = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    __m256 S[MODULATION_MAX_NB], C[MODULATION_MAX_NB], P[MODULATION_MAX_NB];
    for (int j = 0; j < nb; j++) {
        S[j] = _mm256_loadu_ps(t->slope[j]);
        C[j] = _mm256_loadu_ps(t->icpt[j]);
    }
    __m256 g = _mm256_set1_ps(gain_c);
    for (size_t i = 0; i < n4; i += 4, llr += 8 * nb) {
        __m256 x = _mm256_loadu_ps((const float *)(y + i)), a = _mm256_andnot_ps(sign, x);
        /* min_ps returns its second operand when the first is NaN: NaN takes the last interval, as in C */
        __m256i p = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_mul_ps(a, hiu), imax));
        if (gain)
            g = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(gain + i)), dup);
        for (int j = 0; j < nb; j++) {
            __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_permutevar8x32_ps(S[j], p), a),
                                     _mm256_permutevar8x32_ps(C[j], p));
            P[j] = _mm256_mul_ps(g, v);
        }
        P[0] = _mm256_xor_ps(P[0], _mm256_and_ps(x, sign));
        store_pairs(nb, P, llr);
    }
}

AVX2 void modulation_demap_pwl_avx2(const struct modulation_pwl *t, const cf_t *y, const float *gain, float gain_c,
                                    size_t n, float *llr)
{
    size_t n4 = n & ~(size_t)3;
    /* one instance per order, so that the bit loops unroll */
    if (t->nb == 2)
        demap_run(t, 2, y, gain, gain_c, n4, llr);
    else if (t->nb == 3)
        demap_run(t, 3, y, gain, gain_c, n4, llr);
    else
        demap_run(t, 4, y, gain, gain_c, n4, llr);
    modulation_demap_pwl_c(t, y + n4, gain ? gain + n4 : NULL, gain_c, n - n4, llr + n4 * 2 * (size_t)t->nb);
}

#endif
