/* Benchmarks of the polar chain: encoder + rate matching, and rate recovery + CRC-aided SCL decoding, per
 * codeword for PBCH (K=56, E=864) and DCI (K=60, E=432), at list sizes 1, 4 and 8; then the whole PBCH
 * transmit chain and receiver. The decoder input is a noisy codeword (Ec/N0 = -3 dB) so the list is busy.
 * Prints microseconds per call with the parameters; never passes or fails on time.
 *   bench_polar [iterations]   (default 2000 per figure)
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/pbch.h"
#include "phy/fec/crc.h"
#include "phy/fec/polar.h"
#include "phy/fec/polar_decoder.h"
#include "phy/fec/polar_rm.h"
#include "tests/unit/test_rng.h"

static double elapsed_us(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return 1e6 * (double)(t1.tv_sec - t0->tv_sec) + 1e-3 * (double)(t1.tv_nsec - t0->tv_nsec);
}

static volatile unsigned sink; /* keeps results observable */

static void bench_code(const char *name, int K, int E, int iters)
{
    struct polar_code code;
    struct polar_code_cfg cfg = { .K = K, .E = E, .n_max = 9, .i_il = true };
    if (polar_code_init(&code, &cfg) != 0) {
        fprintf(stderr, "bad code %s\n", name);
        exit(1);
    }
    static uint8_t c[POLAR_N_MAX], d[POLAR_N_MAX], f[POLAR_E_MAX];
    static float llr_f[POLAR_E_MAX], llr_d[POLAR_N_MAX];
    for (int i = 0; i < K - 24; i++)
        c[i] = (uint8_t)(test_rng_next() >> 63);
    crc_attach(CRC_24C, c, (size_t)(K - 24));

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < iters; it++) {
        c[it % (K - 24)] ^= 1;
        polar_encode(&code, c, d);
        polar_rm_match(&code, d, f);
        sink += f[it % E];
    }
    printf("%-5s K=%d E=%d N=%d  encode+rate match        %8.2f us\n", name, K, E, code.N, elapsed_us(&t0) / iters);
    crc_attach(CRC_24C, c, (size_t)(K - 24)); /* the loop above broke the CRC */
    polar_encode(&code, c, d);
    polar_rm_match(&code, d, f);

    double sigma2 = 0.5 * pow(10.0, 0.3); /* Ec/N0 = -3 dB */
    for (int e = 0; e < E; e++)
        llr_f[e] = (float)(2.0 * ((f[e] ? -1.0 : 1.0) + sqrt(sigma2) * test_rng_gauss()) / sigma2);
    static const int lists[] = { 1, 4, 8 };
    for (size_t li = 0; li < sizeof lists / sizeof lists[0]; li++) {
        struct polar_decoder dec;
        struct polar_decoder_cfg dcfg = { .list_size = lists[li], .n_max_log2 = 9 };
        if (polar_decoder_init(&dec, &dcfg) != 0)
            exit(1);
        struct polar_crc_check crc = { .type = CRC_24C };
        struct polar_decoder_result res;
        int ok = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int it = 0; it < iters; it++) {
            polar_rm_recover(&code, llr_f, llr_d);
            polar_decode(&dec, &code, llr_d, &crc, c, &res);
            ok += res.crc_ok;
        }
        printf("%-5s K=%d E=%d N=%d  rate recover+SCL L=%d    %8.2f us  (CRC OK %d/%d)\n", name, K, E, code.N,
               lists[li], elapsed_us(&t0) / iters, ok, iters);
        polar_decoder_free(&dec);
    }
}

static void bench_pbch(int iters)
{
    struct pbch pbch;
    struct pbch_cfg cfg = { .list_size = 8 };
    if (pbch_init(&pbch, &cfg) != 0)
        exit(1);
    struct pbch_msg m = { .sfn = 517, .ssb_idx = 1 };
    cf_t sym[PBCH_NUM_SYMBOLS];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < iters; it++) {
        m.mib[it % PBCH_MIB_BITS] ^= 1;
        pbch_encode(&pbch, &m, 500, 4, sym);
        sink += (unsigned)(crealf(sym[it % PBCH_NUM_SYMBOLS]) > 0);
    }
    printf("PBCH  whole transmit chain (MIB -> 432 QPSK)   %8.2f us\n", elapsed_us(&t0) / iters);

    double n0 = 1.0; /* Es/N0 = 0 dB */
    for (int i = 0; i < PBCH_NUM_SYMBOLS; i++)
        sym[i] += (float)(sqrt(n0 / 2) * test_rng_gauss()) + I * (float)(sqrt(n0 / 2) * test_rng_gauss());
    struct pbch_result res;
    int ok = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < iters; it++) {
        pbch_decode(&pbch, sym, (float)n0, 500, 4, 1, &res);
        ok += res.crc_ok;
    }
    printf("PBCH  receiver, nu known, Es/N0 0 dB, L=8      %8.2f us  (CRC OK %d/%d)\n", elapsed_us(&t0) / iters, ok,
           iters);
    for (int i = 0; i < PBCH_NUM_SYMBOLS; i++) /* noise only: all 4 nu hypotheses fail */
        sym[i] = (float)test_rng_gauss() + I * (float)test_rng_gauss();
    ok = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < iters / 4; it++) {
        pbch_decode(&pbch, sym, 2.0f, 500, 4, -1, &res);
        ok += res.crc_ok;
    }
    printf("PBCH  receiver, blind nu (4 tried), noise only %8.2f us  (CRC OK %d/%d)\n",
           elapsed_us(&t0) / (iters / 4), ok, iters / 4);
    pbch_free(&pbch);
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 2000;
    if (iters < 4)
        iters = 4;
    printf("bench_polar: %d iterations per figure, one thread\n", iters);
    bench_code("PBCH", 56, 864, iters);
    bench_code("DCI", 60, 432, iters);
    bench_pbch(iters);
    return 0;
}
