/* Benchmarks of the PUCCH chain (phy/ch/pucch.h), microseconds per resource: the UE encoder and the gNB receiver
 * for format 0 (2 symbols, 2 HARQ-ACK bits + SR opportunity), format 1 (14 symbols with hopping, 2 bits) and
 * format 2 (4 PRBs x 2 symbols, E = 128: A = 11 with the (32, A) block code, A = 22 with CRC11 + polar, SCL list
 * 8). Receiver input: the encoded slot plus AWGN at 10 dB per RE (so polar paths do real work). One thread; never
 * passes or fails on time.
 *   bench_pucch [iterations]   (default 20000)
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "phy/ch/pucch.h"
#include "tests/unit/test_rng.h"

#define N_PRB 52

static double elapsed_us(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return 1e6 * (double)(t1.tv_sec - t0->tv_sec) + 1e-3 * (double)(t1.tv_nsec - t0->tv_nsec);
}

static volatile unsigned sink;

static void bench(const char *name, const struct pucch_config *c, int nbits, struct pucch_rx *rx, int iters)
{
    struct grid g;
    grid_init(&g, GRID_SYMBOLS_PER_SLOT, 12 * N_PRB);
    uint8_t bits[64];
    for (int i = 0; i < 64; i++)
        bits[i] = (uint8_t)(test_rng_next() & 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < iters; it++) {
        bits[it % nbits] ^= 1;
        int rc = c->res.format == PUCCH_FORMAT_0 ? pucch_f0_encode(c, bits, nbits, false, &g)
               : c->res.format == PUCCH_FORMAT_1 ? pucch_f1_encode(c, bits, nbits, &g)
                                                 : pucch_f2_encode(c, bits, nbits, &g, NULL);
        sink += (unsigned)rc;
    }
    double enc = elapsed_us(&t0) / iters;
    double s = sqrt(0.1 / 2);
    for (int i = 0; i < g.nof_symbols * g.nof_subcarriers; i++)
        g.re[i] += (float)(s * test_rng_gauss()) + I * (float)(s * test_rng_gauss());
    struct pucch_rx_result r;
    int ok = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < iters; it++) {
        if (c->res.format == PUCCH_FORMAT_0)
            pucch_f0_decode(rx, &g, c, nbits, true, &r);
        else if (c->res.format == PUCCH_FORMAT_1)
            pucch_f1_decode(rx, &g, c, nbits, &r);
        else
            pucch_f2_decode(rx, &g, c, nbits, &r);
        ok += r.verdict == PUCCH_RX_VALID;
    }
    double dec = elapsed_us(&t0) / iters;
    printf("%-40s encode %7.2f us   receive %7.2f us   (valid %d/%d)\n", name, enc, dec, ok, iters);
    grid_free(&g);
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 20000;
    if (iters < 1)
        iters = 1;
    struct pucch_rx rx;
    if (pucch_rx_init(&rx, NULL) != 0)
        return 1;
    test_rng_seed(7);
    struct pucch_config f0 = { .res = { .format = PUCCH_FORMAT_0, .start_prb = 3, .second_hop_prb = 40,
                                        .intra_slot_hopping = true, .start_symbol = 12, .nof_symbols = 2 },
                               .bwp_size = N_PRB, .slot = 3, .n_id = 500 };
    struct pucch_config f1 = { .res = { .format = PUCCH_FORMAT_1, .start_prb = 0, .second_hop_prb = N_PRB - 1,
                                        .intra_slot_hopping = true, .start_symbol = 0, .nof_symbols = 14,
                                        .initial_cs = 3, .time_domain_occ = 1 },
                               .bwp_size = N_PRB, .slot = 7, .n_id = 500 };
    struct pucch_config f2 = { .res = { .format = PUCCH_FORMAT_2, .start_prb = 10, .start_symbol = 12,
                                        .nof_symbols = 2, .nof_prb = 4 },
                               .bwp_size = N_PRB, .slot = 9, .n_id = 500, .n_id_data = 500, .n_id_dmrs = 500,
                               .rnti = 0x4601 };
    printf("PUCCH, %d iterations per figure, receiver input at 10 dB per RE\n", iters);
    bench("F0 2 sym hopping, 2 bits + SR", &f0, 2, &rx, iters);
    bench("F1 14 sym hopping, 2 bits", &f1, 2, &rx, iters);
    bench("F2 4 PRB x 2 sym, A=11 RM (32,11), E=128", &f2, 11, &rx, iters);
    bench("F2 4 PRB x 2 sym, A=22 polar CRC11, E=128", &f2, 22, &rx, iters / 4 ? iters / 4 : 1);
    pucch_rx_free(&rx);
    return 0;
}
