/* Deterministic random numbers for unit tests: xorshift64* and Box-Muller Gaussian samples. Each test program
 * gets its own state (seeded here, reseedable), so runs are reproducible. */
#ifndef GNBD_TESTS_TEST_RNG_H
#define GNBD_TESTS_TEST_RNG_H

#include <math.h>
#include <stdint.h>

static uint64_t test_rng_state = 0x9e3779b97f4a7c15ull;

static inline void test_rng_seed(uint64_t seed) { test_rng_state = seed ? seed : 0x9e3779b97f4a7c15ull; }

static inline uint64_t test_rng_next(void)
{
    test_rng_state ^= test_rng_state >> 12;
    test_rng_state ^= test_rng_state << 25;
    test_rng_state ^= test_rng_state >> 27;
    return test_rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform in (0, 1). */
static inline double test_rng_uniform(void) { return ((double)(test_rng_next() >> 11) + 0.5) / 9007199254740992.0; }

/* Standard normal. */
static inline double test_rng_gauss(void)
{
    return sqrt(-2.0 * log(test_rng_uniform())) * cos(6.283185307179586 * test_rng_uniform());
}

#endif
