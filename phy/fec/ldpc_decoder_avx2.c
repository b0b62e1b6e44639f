/* LDPC decoder, AVX2 kernels: the layer update, parity check, and quantisation of ldpc_decoder.c, 32
 * int8 lanes (check nodes) at a time, with the same arithmetic lane by lane. Compiled per function with
 * target("avx2"); ldpc_decoder.c calls them only when the CPU has AVX2.
 *
 * Column buffers (ldpc_decoder.h): position x in [0, Z + 32) holds variable x mod Z, so the 32 lanes m*32 .. m*32+31
 * of an edge with shift P are one unaligned load at s = (P + 32 m) mod Z. Lanes past Z (when 32 does not divide Z)
 * read the periodic extension: they carry exact copies of lanes k - Z (same posteriors, messages started at 0
 * for all), so they compute the same values and may be stored like the others. A store of 32 lanes at s
 * therefore writes correct values wherever it lands; to keep every position x < Z + 32 current, it is repeated
 * at s - Z when s > Z - 32 and at s + Z when s < 32 (this also covers Z < 32, where the block repeats inside
 * one vector). The slot's slack absorbs what falls outside [0, Z + 32). Chunk positions and mirror flags come
 * precomputed per (base graph, Z) in job->chunk_pos.
 */
#include "phy/fec/ldpc_decoder.h"

#if defined(__x86_64__)

#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define MAX_CHUNKS (LDPC_Z_MAX / LDPC_DECODER_LANES)

/* n(m) = max(0, ((13 m + 8) >> 4) - offset) on unsigned bytes, in 16-bit halves (unpack and pack both work per
 * 128-bit lane, so the byte order comes back as it was). */
AVX2 static inline __m256i norm8(__m256i m, __m256i offset)
{
    const __m256i zero = _mm256_setzero_si256(), alpha = _mm256_set1_epi16(LDPC_DECODER_ALPHA_X16);
    const __m256i round = _mm256_set1_epi16(8);
    __m256i lo = _mm256_unpacklo_epi8(m, zero), hi = _mm256_unpackhi_epi8(m, zero);
    lo = _mm256_srli_epi16(_mm256_add_epi16(_mm256_mullo_epi16(lo, alpha), round), 4);
    hi = _mm256_srli_epi16(_mm256_add_epi16(_mm256_mullo_epi16(hi, alpha), round), 4);
    return _mm256_subs_epu8(_mm256_packus_epi16(lo, hi), offset);
}

/* Row i's entry in job->chunk_pos: chunk m of its d-th edge at [m deg + d]. */
static const int32_t *row_chunks(const struct ldpc_decoder_job *job, int i, int *deg)
{
    int e0 = job->g->row_start[i];
    *deg = job->g->row_start[i + 1] - e0;
    return job->chunk_pos + (size_t)e0 * (size_t)(job->zpad / LDPC_DECODER_LANES);
}

AVX2 static void row_avx2(const struct ldpc_decoder_job *job, int i)
{
    int deg, z = job->z, zpad = job->zpad, chunks = zpad / LDPC_DECODER_LANES;
    const int32_t *pos = row_chunks(job, i, &deg);
    int8_t *app = job->app, *msg = job->msg + (size_t)job->g->row_start[i] * (size_t)zpad;
    const __m256i inf = _mm256_set1_epi8(127), neg_inf = _mm256_set1_epi8(-127);
    __m256i min1s[MAX_CHUNKS], min2s[MAX_CHUNKS], sgns[MAX_CHUNKS];

    /* Pass 1, reads only: Q = app - R into the message slots, and the row's minima and sign. */
    for (int m = 0; m < chunks; m++) {
        __m256i min1 = _mm256_set1_epi8(-1), min2 = min1, sgn = _mm256_setzero_si256();
        const int32_t *pm = pos + m * deg;
        int8_t *r = msg + m * LDPC_DECODER_LANES;
        for (int d = 0; d < deg; d++, r += zpad) {
            __m256i a = _mm256_loadu_si256((const __m256i *)(app + (pm[d] >> 2)));
            __m256i q = _mm256_max_epi8(_mm256_subs_epi8(a, _mm256_load_si256((const __m256i *)r)), neg_inf);
            q = _mm256_blendv_epi8(q, a, _mm256_cmpeq_epi8(_mm256_abs_epi8(a), inf));
            _mm256_store_si256((__m256i *)r, q);
            __m256i mag = _mm256_abs_epi8(q);
            min2 = _mm256_min_epu8(_mm256_max_epu8(min1, mag), min2);
            min1 = _mm256_min_epu8(min1, mag);
            sgn = _mm256_xor_si256(sgn, q);
        }
        min1s[m] = min1;
        min2s[m] = min2;
        sgns[m] = sgn;
    }

    /* Pass 2: new messages and posteriors, stored with their mirrors. */
    const __m256i one = _mm256_set1_epi8(1), offset = _mm256_set1_epi8((char)job->offset);
    for (int m = 0; m < chunks; m++) {
        __m256i min1 = min1s[m], n1 = norm8(min1, offset), n2 = norm8(min2s[m], offset), sgn = sgns[m];
        const int32_t *pm = pos + m * deg;
        int8_t *r = msg + m * LDPC_DECODER_LANES;
        for (int d = 0; d < deg; d++, r += zpad) {
            __m256i q = _mm256_load_si256((const __m256i *)r), a = _mm256_abs_epi8(q);
            __m256i mag = _mm256_blendv_epi8(n1, n2, _mm256_cmpeq_epi8(a, min1));
            __m256i rn = _mm256_sign_epi8(mag, _mm256_or_si256(_mm256_xor_si256(sgn, q), one));
            _mm256_store_si256((__m256i *)r, rn);
            __m256i v = _mm256_max_epi8(_mm256_adds_epi8(q, rn), neg_inf);
            v = _mm256_blendv_epi8(v, q, _mm256_cmpeq_epi8(a, inf));
            int32_t ps = pm[d];
            int8_t *p = app + (ps >> 2);
            _mm256_storeu_si256((__m256i *)p, v);
            if (ps & LDPC_DECODER_MIRROR_BELOW)
                _mm256_storeu_si256((__m256i *)(p - z), v);
            if (ps & LDPC_DECODER_MIRROR_ABOVE)
                _mm256_storeu_si256((__m256i *)(p + z), v);
        }
    }
}

AVX2 void ldpc_decoder_iterate_avx2(const struct ldpc_decoder_job *job)
{
    for (int i = 0; i < job->rows; i++)
        row_avx2(job, i);
}

AVX2 bool ldpc_decoder_parity_ok_avx2(const struct ldpc_decoder_job *job)
{
    int chunks = job->zpad / LDPC_DECODER_LANES;
    for (int i = 0; i < job->rows; i++) {
        int deg;
        const int32_t *pm = row_chunks(job, i, &deg);
        for (int m = 0; m < chunks; m++, pm += deg) {
            __m256i x = _mm256_setzero_si256();
            for (int d = 0; d < deg; d++)
                x = _mm256_xor_si256(x, _mm256_loadu_si256((const __m256i *)(job->app + (pm[d] >> 2))));
            if (_mm256_movemask_epi8(x))
                return false;
        }
    }
    return true;
}

/* 8 floats -> 8 int32 as ldpc_decoder_quantize_c() rounds them. */
AVX2 static inline __m256i quantize8(const float *llr, __m256 scale)
{
    const __m256 lo = _mm256_set1_ps(-127.0f), hi = _mm256_set1_ps(127.0f);
    /* max(v, lo) returns lo for a NaN v, as fmaxf does; cvtps2dq rounds as rintf does. */
    __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(llr), scale), lo), hi);
    return _mm256_cvtps_epi32(v);
}

AVX2 bool ldpc_decoder_quantize_avx2(const float *llr, int n, float scale, int8_t *q)
{
    const __m256 s = _mm256_set1_ps(scale);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i any = _mm256_setzero_si256();
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a = _mm256_packs_epi32(quantize8(llr + i, s), quantize8(llr + i + 8, s));
        __m256i b = _mm256_packs_epi32(quantize8(llr + i + 16, s), quantize8(llr + i + 24, s));
        /* packs works per 128-bit half: restore the order of the 8 dwords. */
        __m256i v = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(a, b), order);
        _mm256_storeu_si256((__m256i *)(q + i), v);
        any = _mm256_or_si256(any, v);
    }
    bool tail = ldpc_decoder_quantize_c(llr + i, n - i, scale, q + i);
    return tail || !_mm256_testz_si256(any, any);
}

#endif
