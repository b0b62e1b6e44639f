/* CPU features the PHY kernels dispatch on at run time (cpuid via the compiler's builtins). Each kernel with an
 * x86 SIMD path keeps a portable one and asks here which to run; its own *_has_* function reports the answer so
 * that tests can insist the fast path is used where the CPU has it.
 *
 * Threading: reads the CPU model the runtime filled at load; safe from any thread.
 */
#ifndef GNBD_PHY_CPU_H
#define GNBD_PHY_CPU_H

#include <stdbool.h>

static inline bool phy_cpu_has_avx2(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

/* AVX-512 Foundation with the byte/word extension (BW), and AVX2; the OS saves the state (the compiler's cpuid
 * check includes XCR0). */
static inline bool phy_cpu_has_avx512(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

/* PCLMULQDQ and SSSE3 (the byte shuffle the CRC folding uses). */
static inline bool phy_cpu_has_pclmul(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
#else
    return false;
#endif
}

#endif
