/* Benchmark of phy/ofdm: microseconds to modulate and to demodulate one slot (14 symbols, phase term included)
 * at 52 and 106 PRB (15 kHz) and 273 PRB (30 kHz), with FFTW_ESTIMATE and FFTW_MEASURE plans, and the share of
 * the slot's real-time duration that is. Prints figures only; never passes or fails on time. */
#include <complex.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "phy/ofdm/ofdm.h"

#define MIN_SECONDS 0.3

struct bench_case {
    const char *name;
    int scs_khz, nof_prb;
    double fs;
};

static const struct bench_case cases[] = {
    { "52 PRB 15 kHz", 15, 52, 11.52e6 },
    { "106 PRB 15 kHz", 15, 106, 23.04e6 },
    { "273 PRB 30 kHz", 30, 273, 122.88e6 },
};

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Mean microseconds per slot of modulating (tx) or demodulating (rx), over at least MIN_SECONDS. */
static double us_per_slot(struct ofdm *o, cf_t *grid, cf_t *samples)
{
    int slots = 1 << o->mu, done = 0;
    double t0 = seconds(), t;
    do {
        for (int s = 0; s < slots; s++, done++) {
            if (o->cfg.direction == OFDM_DIRECTION_TX)
                ofdm_modulate_slot(o, grid, s, samples);
            else
                ofdm_demodulate_slot(o, samples, s, grid);
        }
    } while ((t = seconds()) - t0 < MIN_SECONDS);
    return 1e6 * (t - t0) / done;
}

static int bench_one(const struct bench_case *c, int measure)
{
    struct ofdm tx, rx;
    struct ofdm_config cfg = { .sample_rate_hz = c->fs, .scs_khz = c->scs_khz, .nof_prb = c->nof_prb,
                               .f0_hz = 3.5e9, .direction = OFDM_DIRECTION_TX, .fftw_measure = measure };
    double t0 = seconds();
    if (ofdm_init(&tx, &cfg) < 0)
        return -1;
    cfg.direction = OFDM_DIRECTION_RX;
    if (ofdm_init(&rx, &cfg) < 0) {
        ofdm_free(&tx);
        return -1;
    }
    double init_ms = 1e3 * (seconds() - t0) / 2;
    size_t nre = (size_t)OFDM_SYMBOLS_PER_SLOT * (size_t)(12 * c->nof_prb);
    cf_t *grid = malloc(nre * sizeof(cf_t)), *samples = malloc((size_t)c->fs / 1000 * sizeof(cf_t));
    for (size_t i = 0; i < nre; i++)
        grid[i] = (i & 1 ? 0.7071f : -0.7071f) + I * (i & 2 ? 0.7071f : -0.7071f);
    double mod = us_per_slot(&tx, grid, samples), demod = us_per_slot(&rx, grid, samples);
    double slot_us = 1000.0 / (1 << tx.mu);
    printf("%-15s N_FFT %4d %-8s init %7.2f ms  modulate %7.1f us/slot (%4.1f %%)  demodulate %7.1f us/slot "
           "(%4.1f %%)\n", c->name, tx.fft_size, measure ? "MEASURE" : "ESTIMATE", init_ms, mod,
           100 * mod / slot_us, demod, 100 * demod / slot_us);
    free(grid);
    free(samples);
    ofdm_free(&tx);
    ofdm_free(&rx);
    return 0;
}

int main(void)
{
    printf("OFDM slot (14 symbols, normal CP, 38.211 5.4 phase term); %% = share of the slot duration, one core\n");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (int measure = 0; measure < 2; measure++)
            if (bench_one(&cases[i], measure) < 0) {
                fprintf(stderr, "%s: ofdm_init failed\n", cases[i].name);
                return 1;
            }
    return 0;
}
