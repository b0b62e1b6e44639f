/* PRACH detection over AWGN, one receive antenna (`make sim`, not part of `make check`).
 *
 * Measured, not asserted: per configuration, `occasions` occasions each carrying one random preamble (0..63) at a
 * random delay inside its cyclic-shift window (0 .. the window's end, in whole samples), then `noise_occasions`
 * occasions of noise alone, all through prach_generate() -> delay -> AWGN -> prach_detect() with the default
 * detector (target false-alarm rate 1e-4 per occasion, prach.h). SNR is per PRACH subcarrier of one repetition
 * (format 0: over the 839 subcarriers; the preamble has unit energy per subcarrier, the noise variance per sample is
 * 10^(-SNR/10), so per unitary-DFT bin too). Counted:
 *   detected: the preamble sent found with |timing error| <= 1.04 us (issue 11; 38.104 8.4: Pd >= 99 %)
 *   late/early: found but the timing off by more; wrong: another preamble reported beside or instead of it
 *   false alarm: any detection in a noise-only occasion (38.104 8.4: <= 0.1 %)
 *   prach_sim [-n occasions (default 2000)] [-f noise-only occasions (default 10000)]
 * Then many UEs in one occasion (issue 14): K = 8 and 16 distinct preambles at equal power, each at a random delay
 * in its window and a random phase, in gnbd's short-format configuration (B4 30 kHz, zeroCorrelationZoneConfig 8:
 * 8 roots of 9 preambles), occasions/10 occasions per row: how many were found (and with all K found), how many
 * detections named a preamble not sent, and how often the cancellation (prach.h) ran.
 * Prints tables; exit status 1 when a format-0 row at -10 dB misses 99 % or 0.1 %.
 */
#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/prach.h"
#include "tests/unit/test_rng.h"

#define TIMING_TOL_US 1.04

struct sim_case {
    const char *name;
    enum prach_format format;
    int ra_scs_khz, scs_khz, nof_prb;
    double fs;
    int zcz;
    double snr_db;
    bool target;          /* the issue's -10 dB format-0 targets apply */
};

static const struct sim_case sim_cases[] = {
    { "0, zcz 1 (1 root)", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 1, -10.0, true },
    { "0, zcz 0 (64 roots)", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 0, -10.0, true },
    { "0, zcz 12 (10 roots)", PRACH_FORMAT_0, 0, 15, 106, 23.04e6, 12, -10.0, true },
    { "0, zcz 1 (1 root)", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 1, -14.0, false },
    { "B4 30k, zcz 14 (22 roots)", PRACH_FORMAT_B4, 30, 30, 51, 23.04e6, 14, -10.0, false },
    { "B4 30k, zcz 8 (8 roots)", PRACH_FORMAT_B4, 30, 30, 51, 23.04e6, 8, -10.0, false },
    { "C2 30k, zcz 8 (8 roots)", PRACH_FORMAT_C2, 30, 30, 51, 23.04e6, 8, -6.0, false },
    { "A1 30k, zcz 8 (8 roots)", PRACH_FORMAT_A1, 30, 30, 51, 23.04e6, 8, -3.0, false },
};
#define NUM_CASES ((int)(sizeof sim_cases / sizeof sim_cases[0]))

struct counts {
    long sent, detected, bad_timing, wrong, noise_occasions, false_alarms;
    double err_sum_us, err_max_us;
};

/* Complex AWGN of variance nv onto x. */
static void add_noise(cf_t *x, int n, double nv)
{
    float s = (float)sqrt(nv / 2.0);
    for (int i = 0; i < n; i++)
        x[i] += s * (float)test_rng_gauss() + I * (s * (float)test_rng_gauss());
}

/* A generator and a default detector for cfg. Returns 0 or -1. */
static int open_pair(const struct prach_cfg *cfg, struct prach_generator *g, struct prach_detector *d)
{
    struct prach_detector_cfg dcfg = { .prach = *cfg };
    if (prach_generator_init(g, cfg) < 0)
        return -1;
    if (prach_detector_init(d, &dcfg) < 0) {
        prach_generator_free(g);
        return -1;
    }
    return 0;
}

/* Delays inside the window: N_CS lags less the early part (N_CS = 0: within the CP). */
static int max_delay_of(const struct prach_detector *d)
{
    double lag = (double)d->p.fft_size / d->p.l_ra;
    return d->p.n_cs ? (int)floor((d->p.n_cs - d->early_lags - 0.5) * lag) : d->p.n_cp - 1;
}

static int run_case(const struct sim_case *c, long occasions, long noise_occasions, struct counts *k)
{
    struct prach_cfg cfg = { .sample_rate_hz = c->fs, .nof_prb = c->nof_prb, .scs_khz = c->scs_khz,
                             .format = c->format, .ra_scs_khz = c->ra_scs_khz, .root_sequence_index = 1,
                             .zero_correlation_zone = c->zcz, .msg1_frequency_start = 2 };
    struct prach_generator g;
    struct prach_detector d;
    if (open_pair(&cfg, &g, &d) < 0)
        return -1;
    int len = prach_detector_nof_samples(&d, NULL), max_delay = max_delay_of(&d);
    cf_t *pre = malloc((size_t)len * sizeof(cf_t)), *rx = malloc((size_t)len * sizeof(cf_t));
    double nv = pow(10.0, -c->snr_db / 10.0), tol_samples = TIMING_TOL_US * 1e-6 * c->fs;
    memset(k, 0, sizeof(*k));
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    for (long o = 0; o < occasions + noise_occasions; o++) {
        bool signal = o < occasions;
        memset(rx, 0, (size_t)len * sizeof(cf_t));
        int v = -1, delay = 0;
        if (signal) {
            v = (int)(test_rng_next() % PRACH_NUM_PREAMBLES);
            delay = (int)(test_rng_next() % (uint64_t)(max_delay + 1));
            prach_generate(&g, v, NULL, pre);
            memcpy(rx + delay, pre, (size_t)(len - delay) * sizeof(cf_t));
        }
        add_noise(rx, len, nv);
        int n = prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
        if (!signal) {
            k->noise_occasions++;
            k->false_alarms += n > 0;
            continue;
        }
        k->sent++;
        bool found = false;
        for (int i = 0; i < n; i++) {
            if (res[i].preamble_index != v) {
                k->wrong++;
                continue;
            }
            double err = fabs(res[i].delay_samples - delay);
            if (err > tol_samples) {
                k->bad_timing++;
                continue;
            }
            found = true;
            double err_us = err / c->fs * 1e6;
            k->err_sum_us += err_us;
            k->err_max_us = fmax(k->err_max_us, err_us);
        }
        k->detected += found;
    }
    free(pre);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
    return 0;
}

/* K distinct preambles at unit power per subcarrier, random delays and phases, AWGN at snr_db: per occasion
 * found, wrong (not sent) and whether the cancellation ran. */
static int run_many(int count, double snr_db, long occasions, long *found, long *all, long *wrong, long *cancelled)
{
    struct prach_cfg cfg = { .sample_rate_hz = 23.04e6, .nof_prb = 51, .scs_khz = 30, .format = PRACH_FORMAT_B4,
                             .ra_scs_khz = 30, .root_sequence_index = 1, .zero_correlation_zone = 8,
                             .msg1_frequency_start = 2 };
    struct prach_generator g;
    struct prach_detector d;
    if (open_pair(&cfg, &g, &d) < 0)
        return -1;
    int len = prach_detector_nof_samples(&d, NULL), max_delay = max_delay_of(&d);
    cf_t *pre = malloc((size_t)len * sizeof(cf_t)), *rx = malloc((size_t)len * sizeof(cf_t));
    *found = *all = *wrong = *cancelled = 0;
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    for (long o = 0; o < occasions; o++) {
        bool sent[PRACH_NUM_PREAMBLES] = { false };
        memset(rx, 0, (size_t)len * sizeof(cf_t));
        for (int k = 0; k < count; k++) {
            int v;
            do
                v = (int)(test_rng_next() % PRACH_NUM_PREAMBLES);
            while (sent[v]);
            sent[v] = true;
            int delay = (int)(test_rng_next() % (uint64_t)(max_delay + 1));
            double ph = 2.0 * M_PI * (double)(test_rng_next() % 4096) / 4096.0;
            cf_t rot = (float)cos(ph) + I * (float)sin(ph);
            prach_generate(&g, v, NULL, pre);
            for (int i = 0; i + delay < len; i++)
                rx[i + delay] += pre[i] * rot;
        }
        add_noise(rx, len, pow(10.0, -snr_db / 10.0));
        int n = prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), got = 0;
        for (int i = 0; i < n; i++) {
            got += sent[res[i].preamble_index];
            *wrong += !sent[res[i].preamble_index];
        }
        *found += got;
        *all += got == count;
        *cancelled += d.sic_steps > 0;
    }
    free(pre);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    long occasions = 2000, noise_occasions = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            occasions = atol(argv[i + 1]);
        else if (strcmp(argv[i], "-f") == 0)
            noise_occasions = atol(argv[i + 1]);
    }
    if (occasions < 1 || noise_occasions < 0) {
        fprintf(stderr, "usage: prach_sim [-n occasions] [-f noise-only occasions]\n");
        return 2;
    }
    printf("PRACH over AWGN, 1 RX antenna; SNR per PRACH subcarrier (one repetition); random preamble and delay inside"
           " N_CS;\ndetected = right preamble with |timing error| <= %.2f us; false alarm = any detection on noise"
           " alone\n\n", TIMING_TOL_US);
    printf("%-26s %7s %6s %9s %8s %7s %6s %13s %8s %9s %8s\n", "format, config", "SNR dB", "sent", "detected", "Pd",
           "timing", "wrong", "err mean/max", "noise", "false al.", "Pfa");
    int fail = 0;
    test_rng_seed(20261206);
    for (int i = 0; i < NUM_CASES; i++) {
        const struct sim_case *c = &sim_cases[i];
        struct counts k;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (run_case(c, occasions, noise_occasions, &k) < 0) {
            printf("%-26s: configuration refused\n", c->name);
            fail = 1;
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double pd = (double)k.detected / (double)k.sent;
        double pfa = k.noise_occasions ? (double)k.false_alarms / (double)k.noise_occasions : 0.0;
        printf("%-26s %7.1f %6ld %9ld %7.2f%% %7ld %6ld %6.2f/%-5.2fus %8ld %9ld %7.3f%%   (%.0f s)\n", c->name,
               c->snr_db, k.sent, k.detected, 100.0 * pd, k.bad_timing, k.wrong,
               k.detected ? k.err_sum_us / (double)k.detected : 0.0, k.err_max_us, k.noise_occasions,
               k.false_alarms, 100.0 * pfa,
               (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
        fflush(stdout);
        if (c->target && (pd < 0.99 || pfa > 0.001))
            fail = 1;
    }
    printf("\nTargets (issue 11, format 0 at -10 dB): Pd >= 99 %%, Pfa <= 0.1 %%: %s\n", fail ? "MISSED" : "met");
    long many = occasions / 10 > 0 ? occasions / 10 : 1;
    printf("\nMany UEs in one occasion: B4 30 kHz, zcz 8 (8 roots x 9), K preambles at equal power, %ld occasions"
           "\n%-4s %7s %9s %9s %8s %7s %10s\n", many, "K", "SNR dB", "sent", "found", "all K", "wrong",
           "cancelled");
    static const int ks[] = { 8, 16 };
    static const double snrs[] = { 10.0, 0.0 };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            long found, all, wrong, cancelled;
            if (run_many(ks[i], snrs[j], many, &found, &all, &wrong, &cancelled) < 0)
                return 1;
            printf("%-4d %7.1f %9ld %8.2f%% %7.1f%% %7ld %9.1f%%\n", ks[i], snrs[j], many * ks[i],
                   100.0 * (double)found / (double)(many * ks[i]), 100.0 * (double)all / (double)many, wrong,
                   100.0 * (double)cancelled / (double)many);
            fflush(stdout);
        }
    return fail;
}
