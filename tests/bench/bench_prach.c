/* Benchmark of phy/ch/prach: microseconds per PRACH occasion, one receive port, all 64 preambles searched, input
 * one preamble at 0 dB per subcarrier in AWGN. Two figures per configuration: prach_detect_bins() (the
 * frequency-domain detector alone: from the L_RA PRACH bins, what srsRAN Project's prach_detector takes) and
 * prach_detect() (from time samples: the N-point DFT of the N_u part first), plus prach_generate(). FFTW plans made
 * with FFTW_MEASURE. Times are the thread's CPU time (the build machines are shared, wall time wanders with the
 * load). Prints figures only; never passes or fails on time.
 *   bench_prach [minimum seconds per figure (default 0.3)] */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/prach.h"
#include "tests/unit/test_rng.h"

struct bench_case {
    const char *name;
    enum prach_format format;
    int ra_scs_khz, scs_khz, nof_prb;
    double fs;
    int zcz;
};

static const struct bench_case cases[] = {
    { "format 0, zcz 1 (1 root), 52 PRB 11.52 Msps", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 1 },
    { "format 0, zcz 0 (64 roots), 52 PRB 11.52 Msps", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 0 },
    { "format 0, zcz 1 (1 root), 106 PRB 23.04 Msps", PRACH_FORMAT_0, 0, 15, 106, 23.04e6, 1 },
    { "format B4 30 kHz, zcz 14 (22 roots), 106 PRB 46.08 Msps", PRACH_FORMAT_B4, 30, 30, 106, 46.08e6, 14 },
    { "format C2 30 kHz, zcz 8 (8 roots), 106 PRB 46.08 Msps", PRACH_FORMAT_C2, 30, 30, 106, 46.08e6, 8 },
};

/* Thread CPU time in seconds. */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum what { WHAT_BINS, WHAT_SAMPLES, WHAT_GENERATE };

/* Mean microseconds per call over at least min_s seconds. */
static double us_per_call(enum what w, struct prach_detector *d, struct prach_generator *g, const cf_t *rx,
                          const cf_t *bins, cf_t *out, int len, double min_s, int *found)
{
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    long calls = 0;
    double t0 = seconds(), t;
    do {
        for (int i = 0; i < 16; i++, calls++) {
            if (w == WHAT_BINS)
                *found = prach_detect_bins(d, bins, res, PRACH_MAX_DETECTIONS);
            else if (w == WHAT_SAMPLES)
                *found = prach_detect(d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
            else
                prach_generate(g, (int)(calls % PRACH_NUM_PREAMBLES), NULL, out);
        }
    } while ((t = seconds()) - t0 < min_s);
    return 1e6 * (t - t0) / (double)calls;
}

static int bench_one(const struct bench_case *c, double min_s)
{
    struct prach_cfg cfg = { .sample_rate_hz = c->fs, .nof_prb = c->nof_prb, .scs_khz = c->scs_khz,
                             .format = c->format, .ra_scs_khz = c->ra_scs_khz, .root_sequence_index = 1,
                             .zero_correlation_zone = c->zcz, .msg1_frequency_start = 2 };
    struct prach_detector_cfg dcfg = { .prach = cfg, .fftw_measure = true };
    struct prach_generator g;
    struct prach_detector d;
    if (prach_generator_init(&g, &cfg) < 0)
        return -1;
    if (prach_detector_init(&d, &dcfg) < 0) {
        prach_generator_free(&g);
        return -1;
    }
    int len = prach_detector_nof_samples(&d, NULL), l = d.p.l_ra, n = d.p.fft_size;
    cf_t *rx = malloc((size_t)len * sizeof(cf_t)), *out = malloc((size_t)len * sizeof(cf_t));
    cf_t *bins = malloc((size_t)l * sizeof(cf_t));
    prach_generate(&g, 37, NULL, rx);
    for (int i = 0; i < len; i++)
        rx[i] += (float)(M_SQRT1_2 * test_rng_gauss()) + I * (float)(M_SQRT1_2 * test_rng_gauss());
    /* The bins as prach_detect() leaves them (normalised to unit mean power: detection is scale-free). */
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
    memcpy(bins, d.bins, (size_t)l * sizeof(cf_t));
    int found_bins = 0, found_samples = 0;
    double t_bins = us_per_call(WHAT_BINS, &d, &g, rx, bins, out, len, min_s, &found_bins);
    double t_samples = us_per_call(WHAT_SAMPLES, &d, &g, rx, bins, out, len, min_s, &found_samples);
    double t_gen = us_per_call(WHAT_GENERATE, &d, &g, rx, bins, out, len, min_s, &found_bins);
    printf("%-58s %3d roots, N %5d, M %4d: detect from bins %7.1f us, from samples %7.1f us (%d found), "
           "generate %6.1f us\n", c->name, d.nof_roots_searched, n, d.corr_size, t_bins, t_samples, found_samples,
           t_gen);
    free(rx);
    free(out);
    free(bins);
    prach_generator_free(&g);
    prach_detector_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    double min_s = argc > 1 ? atof(argv[1]) : 0.3;
    if (!(min_s > 0.0))
        min_s = 0.3;
    test_rng_seed(11);
    printf("PRACH per occasion, 1 port, 64 preambles searched, one preamble at 0 dB per subcarrier, FFTW_MEASURE\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (bench_one(&cases[i], min_s) < 0)
            printf("%s: configuration refused\n", cases[i].name);
    return 0;
}
