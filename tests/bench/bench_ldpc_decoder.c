/* Benchmark of the LDPC decoder on one core: Mbit/s of information bits (K per code block) at 6 iterations with
 * no early stop, for the four shapes srsRAN Project's decoder benchmark prints (Z = 384; BG1 at R = 22/24 and
 * 22/66, BG2 at R = 10/12 and 10/50, R = K / LLRs given), for each implementation this CPU runs, next to the
 * figures of srsRAN's AVX2 decoder on this machine type (from the issue) and their ratio. The timed call is the
 * whole ldpc_decode() from float LLRs, quantisation included. Each figure is the fastest of ROUNDS rounds (the
 * machine is shared). Prints; never passes or fails on time.
 *   bench_ldpc_decoder [blocks per round]   (default 300)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "phy/fec/ldpc_decoder.h"
#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_tables.h"
#include "tests/unit/test_rng.h"

#define ROUNDS 7
#define ITERATIONS 6

struct shape {
    int bg, z, cols; /* cols: transmitted columns (LLRs = cols Z) */
    const char *rate;
    double srsran_mbps;
};

static const struct shape shapes[] = {
    { 1, 384, 24, "0.917", 128.5 },
    { 1, 384, 66, "1/3", 24.6 },
    { 2, 384, 12, "0.833", 113.0 },
    { 2, 384, 50, "0.2", 16.4 },
};

static uint8_t c[22 * LDPC_Z_MAX], d[66 * LDPC_Z_MAX], out[22 * LDPC_Z_MAX];
static float llr[66 * LDPC_Z_MAX];
static volatile unsigned sink;

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* A codeword over BPSK + AWGN at Es/N0 = 3 dB: realistic LLRs, decodable at every shape. */
static void make_llrs(struct ldpc_encoder *enc, const struct shape *s)
{
    int k = ldpc_k(s->bg, s->z), n = s->cols * s->z;
    for (int i = 0; i < k; i++)
        c[i] = (uint8_t)(test_rng_next() >> 63);
    ldpc_encode(enc, s->bg, s->z, c, d);
    double sigma = 0.5;
    for (int i = 0; i < n; i++)
        llr[i] = (float)(2.0 * ((d[i] ? -1.0 : 1.0) + sigma * test_rng_gauss()) / (sigma * sigma));
}

/* Information Mbit/s of the fastest round. */
static double run(struct ldpc_decoder *dec, const struct shape *s, int blocks)
{
    struct ldpc_decode_cfg cfg = { .bg = s->bg, .z = s->z, .max_iterations = ITERATIONS, .no_early_stop = true };
    struct ldpc_decode_result res;
    double best = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int b = 0; b < blocks; b++) {
            ldpc_decode(dec, &cfg, llr, s->cols * s->z, out, &res);
            sink += out[b % 64] + (unsigned)res.ok;
        }
        double t = elapsed_s(&t0);
        best = t < best ? t : best;
    }
    return (double)ldpc_k(s->bg, s->z) * blocks / best / 1e6;
}

int main(int argc, char **argv)
{
    int blocks = argc > 1 ? atoi(argv[1]) : 300;
    if (blocks < 1)
        blocks = 1;
    struct ldpc_encoder enc;
    if (ldpc_encoder_init(&enc, NULL) < 0)
        return 1;
    printf("LDPC decoder: layered min-sum, int8, %d iterations, no early stop; info Mbit/s per core, best of %d "
           "rounds x %d blocks\n", ITERATIONS, ROUNDS, blocks);
    enum ldpc_decoder_impl impls[] = { LDPC_DECODER_IMPL_AVX2, LDPC_DECODER_IMPL_C };
    const char *names[] = { "AVX2", "C" };
    for (int t = 0; t < 2; t++) {
        struct ldpc_decoder dec;
        struct ldpc_decoder_cfg cfg = { .impl = impls[t] };
        if (ldpc_decoder_init(&dec, &cfg) < 0) {
            printf("  %s: not available on this CPU\n", names[t]);
            continue;
        }
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
            const struct shape *s = &shapes[i];
            make_llrs(&enc, s);
            /* The C path is slower: fewer blocks keep the run short. */
            double mbps = run(&dec, s, t == 0 ? blocks : blocks / 10 + 1);
            printf("  %-4s BG%d Z=%d R=%-5s K=%-4d LLRs=%-5d  %8.1f Mbit/s   srsRAN AVX2 %6.1f   ratio %5.2f\n",
                   names[t], s->bg, s->z, s->rate, ldpc_k(s->bg, s->z), s->cols * s->z, mbps, s->srsran_mbps,
                   mbps / s->srsran_mbps);
        }
        ldpc_decoder_free(&dec);
    }
    ldpc_encoder_free(&enc);
    return 0;
}
