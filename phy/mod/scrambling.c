/* Scrambling and descrambling with the Gold sequence, 38.211 5.2.1 / 6.3.1.1 / 7.3.1.1. See scrambling.h. */
#include "phy/mod/scrambling.h"

#include "phy/seq/gold.h"

void scrambling_bits(const uint8_t *in, uint8_t *out, size_t len, uint32_t c_init, uint32_t offset)
{
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    for (size_t i = 0; i < len; i += 32) {
        uint32_t c = gold_gen_next32(&g);
        size_t n = len - i < 32 ? len - i : 32;
        for (size_t j = 0; j < n; j++, c <<= 1)
            out[i + j] = (uint8_t)((in[i + j] & 1u) ^ (c >> 31));
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* 32 LLRs per sequence word: lane j of vector q flips its sign with bit 31 - (8 q + j) of the word. Returns how
 * many LLRs it did (a multiple of 32). */
__attribute__((target("avx2"))) static size_t scrambling_llr_avx2(float *llr, size_t len, struct gold_gen *g)
{
    const __m256i sign = _mm256_set1_epi32((int)0x80000000u), lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        __m256i c = _mm256_set1_epi32((int)gold_gen_next32(g));
        for (int q = 0; q < 4; q++) {
            __m256i m = _mm256_and_si256(_mm256_sllv_epi32(c, _mm256_add_epi32(lane, _mm256_set1_epi32(8 * q))),
                                         sign);
            __m256 v = _mm256_loadu_ps(llr + i + 8 * q);
            _mm256_storeu_ps(llr + i + 8 * q, _mm256_xor_ps(v, _mm256_castsi256_ps(m)));
        }
    }
    return i;
}
#endif

void scrambling_llr(float *llr, size_t len, uint32_t c_init, uint32_t offset)
{
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    size_t done = 0;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2"))
        done = scrambling_llr_avx2(llr, len, &g);
    llr += done;
    len -= done;
#endif
    for (size_t i = 0; i < len; i += 32) {
        uint32_t c = gold_gen_next32(&g);
        size_t n = len - i < 32 ? len - i : 32;
        /* The sign flip is done on the IEEE sign bit: it is branch-free and exact, also for 0 and inf. */
        for (size_t j = 0; j < n; j++, c <<= 1) {
            union { float f; uint32_t u; } v = { .f = llr[i + j] };
            v.u ^= c & 0x80000000u;
            llr[i + j] = v.f;
        }
    }
}

uint32_t scrambling_c_init_pdsch(uint16_t n_rnti, unsigned q, uint16_t n_id)
{
    return ((uint32_t)n_rnti << 15) + ((q & 1u) << 14) + n_id;
}

uint32_t scrambling_c_init_pusch(uint16_t n_rnti, uint16_t n_id)
{
    return ((uint32_t)n_rnti << 15) + n_id;
}

uint32_t scrambling_c_init_pdcch(uint16_t n_rnti, uint16_t n_id)
{
    return (((uint32_t)n_rnti << 16) + n_id) & 0x7fffffffu;
}
