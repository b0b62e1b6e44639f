/* Benchmarks of the DL-SCH coding chain on one core: the LDPC encoder (BG1 and BG2 at Z = 384, Mbit/s of
 * information bits K, plus a few smaller lifting sizes), the rate matcher both ways (Mbit/s of rate-matched bits
 * E) and the whole TB -> g chain for a few transport blocks (us per TB). Encoder figures are the median of
 * ENC_ROUNDS rounds, with the best beside it; the others the fastest of ROUNDS rounds (the machine is shared).
 * The encoder encodes whole codewords (N = 66 Z_c), as srsRAN Project's ldpc_encoder_benchmark does at its
 * longest cb_len. Prints figures with their parameters; never passes or fails on time.
 *   bench_ldpc_encoder [iterations]   (default 5000 per round)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/dlsch.h"
#include "phy/fec/crc.h"
#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_rm.h"
#include "phy/fec/ldpc_tables.h"
#include "phy/fec/tbs.h"
#include "tests/unit/test_rng.h"

/* Timing is by this thread's CPU clock: on a shared machine the wall clock also counts the time other processes
 * hold the core; on an idle machine the two agree. */
#define BENCH_CLOCK CLOCK_THREAD_CPUTIME_ID

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(BENCH_CLOCK, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

#define ROUNDS 5

static volatile unsigned sink; /* keeps results observable */
static uint8_t c[22 * LDPC_Z_MAX], d[66 * LDPC_Z_MAX], f[4 * 66 * LDPC_Z_MAX];
static float llr[4 * 66 * LDPC_Z_MAX], soft[66 * LDPC_Z_MAX];

/* srsRAN Project's LDPC encoder, BG1 Z=384, whole codeword, on this machine type (Mbit/s of K). */
#define SRSRAN_ENCODER_MBPS 3940.0

static const char *const impl_names[] = { "auto", "C", "AVX2", "AVX-512" };

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Encoder throughput over ENC_ROUNDS rounds: the median (what the summary compares) and the best. */
#define ENC_ROUNDS 11
struct enc_figure {
    double median_mbps, best_mbps;
};

static struct enc_figure bench_encoder(struct ldpc_encoder *enc, int bg, int z, int iters)
{
    int k = ldpc_k(bg, z);
    for (int i = 0; i < k; i++)
        c[i] = (uint8_t)(test_rng_next() >> 63);
    double t[ENC_ROUNDS];
    for (int round = 0; round < ENC_ROUNDS; round++) {
        struct timespec t0;
        clock_gettime(BENCH_CLOCK, &t0);
        for (int it = 0; it < iters; it++) {
            c[it % k] ^= 1;
            ldpc_encode(enc, bg, z, c, d);
            sink += d[it % ldpc_n(bg, z)];
        }
        t[round] = elapsed_s(&t0);
    }
    qsort(t, ENC_ROUNDS, sizeof t[0], cmp_double);
    struct enc_figure fig = { (double)k * iters / t[ENC_ROUNDS / 2] / 1e6, (double)k * iters / t[0] / 1e6 };
    printf("LDPC encode  BG%d Z=%-3d K=%-4d N=%-5d %-4s %8.2f us/block  %8.0f Mbit/s (K) median, best %.0f\n", bg, z, k,
           ldpc_n(bg, z), impl_names[enc->impl], 1e6 * t[ENC_ROUNDS / 2] / iters, fig.median_mbps, fig.best_mbps);
    return fig;
}

/* CRC24A over a large TB (12 000 bytes), packed, with an implementation; Gbit/s. */
static double bench_crc(enum crc_impl impl, int iters)
{
    static uint8_t tb[12000];
    for (size_t i = 0; i < sizeof tb; i++)
        tb[i] = (uint8_t)test_rng_next();
    double s = 1e9;
    uint32_t crc = 0;
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec t0;
        clock_gettime(BENCH_CLOCK, &t0);
        for (int it = 0; it < iters; it++) {
            tb[it % sizeof tb] ^= 1;
            crc_compute_packed_with(impl, CRC_24A, tb, 8 * sizeof tb, &crc);
            sink += crc;
        }
        double t = elapsed_s(&t0);
        s = t < s ? t : s;
    }
    return 8.0 * sizeof tb * iters / s / 1e9;
}

static void bench_rate_matching(int bg, int z, int e, int qm, int rv, int iters)
{
    struct ldpc_rm_cfg cfg = { .bg = bg, .z = z, .k_prime = ldpc_k(bg, z) - 40, .n_cb = ldpc_n(bg, z), .e = e,
                               .rv = rv, .qm = qm };
    for (int i = 0; i < ldpc_n(bg, z); i++)
        d[i] = (uint8_t)(test_rng_next() >> 63);
    double s = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec t0;
        clock_gettime(BENCH_CLOCK, &t0);
        for (int it = 0; it < iters; it++) {
            ldpc_rm_match(&cfg, d, f);
            sink += f[it % e];
        }
        double t = elapsed_s(&t0);
        s = t < s ? t : s;
    }
    printf("rate match   BG%d Z=%-3d E=%-6d Qm=%d rv=%d     %8.2f us/block  %8.0f Mbit/s (E)\n", bg, z, e, qm, rv,
           1e6 * s / iters, (double)e * iters / s / 1e6);
    for (int i = 0; i < e; i++)
        llr[i] = f[i] ? -1.0f : 1.0f;
    ldpc_rm_soft_reset(&cfg, soft);
    s = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec t0;
        clock_gettime(BENCH_CLOCK, &t0);
        for (int it = 0; it < iters; it++)
            ldpc_rm_recover(&cfg, llr, soft);
        double t = elapsed_s(&t0);
        s = t < s ? t : s;
    }
    sink += soft[0] > 0;
    printf("de-rate match BG%d Z=%-3d E=%-6d Qm=%d rv=%d    %8.2f us/block  %8.0f Mbit/s (E)\n", bg, z, e, qm, rv,
           1e6 * s / iters, (double)e * iters / s / 1e6);
}

static void bench_chain(struct dlsch *x, const char *what, const struct dlsch_cfg *cfg, int iters)
{
    static uint8_t tb[1 << 16], g[1 << 18];
    struct dlsch_params p;
    if (dlsch_params_init(&p, cfg) != 0 || cfg->g > (int)sizeof g) {
        fprintf(stderr, "bad chain config %s\n", what);
        exit(1);
    }
    for (int i = 0; i < cfg->tbs / 8; i++)
        tb[i] = (uint8_t)test_rng_next();
    double s = 1e9;
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec t0;
        clock_gettime(BENCH_CLOCK, &t0);
        for (int it = 0; it < iters; it++) {
            tb[it % (cfg->tbs / 8)] ^= 1;
            dlsch_encode(x, cfg, tb, g);
            sink += g[it % cfg->g];
        }
        double t = elapsed_s(&t0);
        s = t < s ? t : s;
    }
    printf("DL-SCH TB->g %-28s TBS=%-6d C=%d BG%d Z=%-3d G=%-6d %8.2f us/TB  %6.0f Mbit/s (TBS)\n", what, cfg->tbs,
           p.seg.c, p.seg.bg, p.seg.z, cfg->g, 1e6 * s / iters, (double)cfg->tbs * iters / s / 1e6);
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 5000;
    if (iters < 10)
        iters = 10;
    printf("bench_ldpc_encoder: %d iterations per round; encoder: median (and best) of %d rounds, others best of %d; "
           "one thread\n", iters, ENC_ROUNDS, ROUNDS);
    struct ldpc_encoder enc;
    if (ldpc_encoder_init(&enc, NULL) != 0)
        return 1;
    struct enc_figure best = bench_encoder(&enc, 1, 384, iters);
    /* The other implementations at BG1 Z = 384: AVX2 (srsRAN's encoder is AVX2 at best) unless that is the one
     * just measured, and the portable C path. */
    struct enc_figure avx2 = { 0, 0 }, c_only;
    struct ldpc_encoder other;
    if (enc.impl != LDPC_ENCODER_IMPL_AVX2 &&
        ldpc_encoder_init(&other, &(struct ldpc_encoder_cfg){ .impl = LDPC_ENCODER_IMPL_AVX2 }) == 0) {
        avx2 = bench_encoder(&other, 1, 384, iters);
        ldpc_encoder_free(&other);
    } else if (enc.impl == LDPC_ENCODER_IMPL_AVX2) {
        avx2 = best;
    }
    if (ldpc_encoder_init(&other, &(struct ldpc_encoder_cfg){ .impl = LDPC_ENCODER_IMPL_C }) != 0)
        return 1;
    c_only = bench_encoder(&other, 1, 384, iters);
    ldpc_encoder_free(&other);
    bench_encoder(&enc, 2, 384, iters);
    bench_encoder(&enc, 1, 208, iters);
    bench_encoder(&enc, 2, 104, iters);
    bench_encoder(&enc, 1, 15, iters);
    ldpc_encoder_free(&enc);

    bench_rate_matching(1, 384, 12000, 2, 0, iters);
    bench_rate_matching(1, 384, 12000, 6, 2, iters);
    bench_rate_matching(1, 384, 40000, 8, 0, iters / 4);
    bench_rate_matching(2, 384, 4800, 4, 0, iters);

    struct dlsch x;
    if (dlsch_init(&x, NULL) != 0)
        return 1;
    /* 52 PRB, 12 data symbols: SIB1-like QPSK, and 64QAM / 256QAM near the top of their tables. */
    const struct dlsch_cfg sib1 = { .tbs = 1160, .r = 449 / 1024.0, .qm = 2, .n_layers = 1, .g = 2592 };
    const struct dlsch_cfg qam64 = { .tbs = 21000, .r = 567 / 1024.0, .qm = 6, .n_layers = 1, .g = 37800 };
    const struct dlsch_cfg qam256 = { .tbs = 44040, .r = 841 / 1024.0, .qm = 8, .n_layers = 1, .g = 53248 };
    /* 106 PRB x 132 data REs (12 symbols, one DM-RS symbol), 256QAM R 873/1024: TBS from 38.214 5.1.3.2. */
    struct tbs_cfg tcfg = { .n_prb = 106, .n_symb_sh = 12, .n_dmrs_prb = 12, .layers = 1, .qm = 8, .r_x1024 = 873 };
    const struct dlsch_cfg big = { .tbs = tbs_compute(&tcfg), .r = 873 / 1024.0, .qm = 8, .n_layers = 1,
                                   .g = tbs_n_re(&tcfg) * 8 };
    bench_chain(&x, "SIB1 12 PRB QPSK", &sib1, iters);
    bench_chain(&x, "42 PRB 64QAM", &qam64, iters / 4);
    bench_chain(&x, "52 PRB 256QAM", &qam256, iters / 8);
    bench_chain(&x, "106 PRB 256QAM", &big, iters / 16);
    dlsch_free(&x);
    double crc_table = bench_crc(CRC_IMPL_TABLE, iters / 10);
    double crc_fast = crc_has_pclmul() ? bench_crc(CRC_IMPL_PCLMUL, iters / 10) : crc_table;
    printf("crc24a packed 96000 bits: %.1f Gbit/s (%s), table %.1f Gbit/s, %.1fx\n", crc_fast,
           crc_has_pclmul() ? "PCLMUL" : "table", crc_table, crc_fast / crc_table);
    printf("ldpc_encoder BG1 Z=384 full codeword: %.0f Mbit/s median (best %.0f; %s; C %.0f, %.2fx), srsRAN %.0f, "
           "ratio %.2f (gnbd / srsRAN)\n",
           best.median_mbps, best.best_mbps, impl_names[enc.impl], c_only.median_mbps,
           best.median_mbps / c_only.median_mbps, SRSRAN_ENCODER_MBPS, best.median_mbps / SRSRAN_ENCODER_MBPS);
    if (avx2.median_mbps > 0 && enc.impl != LDPC_ENCODER_IMPL_AVX2)
        printf("ldpc_encoder BG1 Z=384 full codeword, AVX2 path (srsRAN's): %.0f Mbit/s median (best %.0f), ratio %.2f\n",
               avx2.median_mbps, avx2.best_mbps, avx2.median_mbps / SRSRAN_ENCODER_MBPS);
    return 0;
}
