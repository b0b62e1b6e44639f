/* CPU features as the tests see them: asked of the CPU here, not of the library under test, so that a library that
 * wrongly reports no AVX2/PCLMUL cannot make a test skip its SIMD comparisons and pass. */
#ifndef GNBD_TESTS_UNIT_TEST_CPU_H
#define GNBD_TESTS_UNIT_TEST_CPU_H

#include <stdbool.h>

static inline bool test_cpu_has(bool avx2)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return avx2 ? __builtin_cpu_supports("avx2")
                : __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
#else
    (void)avx2;
    return false;
#endif
}

static inline bool test_cpu_has_avx2(void) { return test_cpu_has(true); }
static inline bool test_cpu_has_pclmul(void) { return test_cpu_has(false); }

#endif
