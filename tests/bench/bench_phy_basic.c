/* Benchmarks of the basic PHY blocks: Gold sequence, CRC24A, QPSK/64QAM mapping and max-log demapping.
 * Prints throughput figures with the parameters used; never passes or fails on time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "phy/fec/crc.h"
#include "phy/mod/modulation.h"
#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"

#define REPEAT_SECONDS 0.3

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile uint32_t sink;   /* keeps results observable so the loops are not optimised away */

/* Runs fn(arg) repeatedly for about REPEAT_SECONDS; returns the seconds per call. */
static double time_per_call(void (*fn)(void *), void *arg)
{
    fn(arg);   /* warm-up */
    long n = 0;
    double t0 = now_s(), t;
    do {
        fn(arg);
        n++;
    } while ((t = now_s()) - t0 < REPEAT_SECONDS);
    return (t - t0) / (double)n;
}

enum { NBITS = 64 * 1024, NSYM = 8192 };

struct bench_buf {
    uint8_t bits[NBITS + 24];
    uint8_t packed[NBITS / 8];
    uint32_t words[NBITS / 32];
    cf_t sym[NSYM];
    float llr[NSYM * 6];
    enum modulation_scheme scheme;
};

static void run_gold(void *p)
{
    struct bench_buf *b = p;
    gold_sequence(0x12345, 0, b->bits, NBITS);
    sink ^= b->bits[NBITS - 1];
}

static void run_gold_packed(void *p)
{
    struct bench_buf *b = p;
    gold_sequence_packed(0x12345, 0, b->words, NBITS);
    sink ^= b->words[NBITS / 32 - 1];
}

static void run_scrambling_llr(void *p)
{
    struct bench_buf *b = p;
    scrambling_llr(b->llr, NSYM * 6, 0x12345, 0);
    sink ^= (uint32_t)b->llr[7];
}

static void run_crc_unpacked(void *p)
{
    struct bench_buf *b = p;
    sink ^= crc_compute(CRC_24A, b->bits, NBITS);
}

static void run_crc_packed(void *p)
{
    struct bench_buf *b = p;
    sink ^= crc_compute_packed(CRC_24A, b->packed, NBITS);
}

static void run_map(void *p)
{
    struct bench_buf *b = p;
    modulation_map(b->scheme, b->bits, (size_t)NSYM * (size_t)modulation_qm(b->scheme), b->sym);
    sink ^= (uint32_t)(crealf(b->sym[NSYM - 1]) * 100);
}

static void run_demap(void *p)
{
    struct bench_buf *b = p;
    modulation_demap(b->scheme, b->sym, NSYM, 0.1f, b->llr);
    sink ^= (uint32_t)b->llr[NSYM - 1];
}

int main(void)
{
    struct bench_buf *b = calloc(1, sizeof *b);
    if (!b)
        return 1;
    srand(1);
    for (int i = 0; i < NBITS; i++) {
        b->bits[i] = (uint8_t)(rand() & 1);
        b->packed[i / 8] |= (uint8_t)(b->bits[i] << (7 - i % 8));
    }
    printf("bench_phy_basic: blocks of %d bits / %d symbols, each timed for %.1f s\n", NBITS, NSYM,
           REPEAT_SECONDS);
    printf("  gold_sequence (1 bit/byte)     %8.1f Mbit/s\n", NBITS / time_per_call(run_gold, b) / 1e6);
    printf("  gold_sequence_packed           %8.1f Mbit/s\n", NBITS / time_per_call(run_gold_packed, b) / 1e6);
    printf("  crc_compute CRC24A (bit-wise)  %8.1f Mbit/s\n", NBITS / time_per_call(run_crc_unpacked, b) / 1e6);
    printf("  crc_compute_packed CRC24A      %8.1f Mbit/s\n", NBITS / time_per_call(run_crc_packed, b) / 1e6);
    static const struct { enum modulation_scheme m; const char *name; } mods[] = {
        { MODULATION_QPSK, "QPSK" }, { MODULATION_64QAM, "64QAM" },
    };
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        b->scheme = mods[i].m;
        printf("  modulation_map   %-6s        %8.1f Msym/s\n", mods[i].name, NSYM / time_per_call(run_map, b) / 1e6);
        printf("  modulation_demap %-6s        %8.1f Msym/s\n", mods[i].name,
               NSYM / time_per_call(run_demap, b) / 1e6);
    }
    printf("  scrambling_llr                 %8.1f Mllr/s\n", NSYM * 6 / time_per_call(run_scrambling_llr, b) / 1e6);
    free(b);
    return 0;
}
