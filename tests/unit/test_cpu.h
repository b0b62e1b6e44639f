/* CPU features as the tests see them: asked of the CPU here, not of the library under test, so that a library that
 * wrongly reports no AVX2/AVX-512/PCLMUL cannot make a test skip its SIMD comparisons and pass. */
#ifndef GNBD_TESTS_UNIT_TEST_CPU_H
#define GNBD_TESTS_UNIT_TEST_CPU_H

#include <stdbool.h>

enum test_cpu_feature {
    TEST_CPU_AVX2,
    TEST_CPU_PCLMUL,  /* with SSSE3 */
    TEST_CPU_AVX512,  /* F and BW, with AVX2: what the LDPC encoder's AVX-512 path needs */
};

static inline bool test_cpu_has(enum test_cpu_feature f)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (f) {
    case TEST_CPU_AVX2: return __builtin_cpu_supports("avx2");
    case TEST_CPU_PCLMUL: return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
    case TEST_CPU_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx2");
    }
#endif
    (void)f;
    return false;
}

static inline bool test_cpu_has_avx2(void) { return test_cpu_has(TEST_CPU_AVX2); }
static inline bool test_cpu_has_pclmul(void) { return test_cpu_has(TEST_CPU_PCLMUL); }
static inline bool test_cpu_has_avx512(void) { return test_cpu_has(TEST_CPU_AVX512); }

#endif
