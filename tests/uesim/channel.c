/* A radio channel for simulations (see channel.h). */
#include "tests/uesim/channel.h"

#include <complex.h>
#include <errno.h>
#include <math.h>
#include <string.h>

/* 38.901 Table 7.7.2-1: TDL-A, normalized delays and powers (dB); all taps Rayleigh. */
static const struct {
    double delay, power_db;
} tdl_a[CHANNEL_MAX_TAPS] = {
    {0.0000, -13.4}, {0.3819, 0.0},   {0.4025, -2.2},  {0.5868, -4.0},  {0.4610, -6.0},  {0.5375, -8.2},
    {0.6708, -9.9},  {0.5750, -10.5}, {0.7618, -7.5},  {1.5375, -15.9}, {1.8978, -6.6},  {2.2242, -16.7},
    {2.1718, -12.4}, {2.4942, -15.2}, {2.5119, -10.8}, {3.0582, -11.3}, {4.0810, -12.7}, {4.4579, -16.2},
    {4.5695, -18.3}, {4.7966, -18.9}, {5.0066, -16.6}, {5.3043, -19.9}, {9.6586, -29.7},
};

#define CHANNEL_MAX_HOLD (1 << 20)      /* samples: also a static (f_D = 0) draw is re-evaluated this often */
#define CHANNEL_HOLD_PHASE 0.01         /* rad a sinusoid may turn while a draw is held */
#define CHANNEL_CFO_ANCHOR 1024         /* samples between exact CFO phases (a rotator in between) */

int channel_tdl_a_row(int l, double *norm_delay, double *power_db)
{
    if (l < 0 || l >= CHANNEL_MAX_TAPS) return -EINVAL;
    *norm_delay = tdl_a[l].delay;
    *power_db = tdl_a[l].power_db;
    return 0;
}

static unsigned next_rand(unsigned *rng)
{
    *rng = *rng * 1103515245u + 12345u;
    return (*rng >> 8) & 0xffffff;
}

static double uniform(unsigned *rng)
{
    return next_rand(rng) / 16777216.0;
}

void channel_awgn(unsigned *rng, float sigma, cf_t *x, int n)
{
    for (int i = 0; i < n; i++) {
        double u1 = (next_rand(rng) + 1.0) / 16777217.0, u2 = uniform(rng);
        double r = sqrt(-2.0 * log(u1)) * sigma;
        x[i] += (float)(r * cos(2 * M_PI * u2)) + I * (float)(r * sin(2 * M_PI * u2));
    }
}

int channel_init(struct channel *c, const struct channel_config *cfg)
{
    memset(c, 0, sizeof *c);
    if (!(cfg->srate > 0) || cfg->delay < 0 || cfg->delay > CHANNEL_MAX_DELAY || !isfinite(cfg->gain_db) ||
        !isfinite(cfg->cfo_hz) || isinf(cfg->snr_db) || !(cfg->doppler_hz >= 0) || !(cfg->delay_spread_s >= 0) ||
        (cfg->fading != CHANNEL_FADING_NONE && cfg->fading != CHANNEL_FADING_TDL_A))
        return -EINVAL;
    c->cfg = *cfg;
    c->amp = (float)pow(10.0, cfg->gain_db / 20.0);
    c->sigma = isnan(cfg->snr_db) ? 0.0f : (float)sqrt(pow(10.0, -cfg->snr_db / 10.0) / 2.0);
    c->w_cfo = 2 * M_PI * cfg->cfo_hz / cfg->srate;
    c->w_dop = 2 * M_PI * cfg->doppler_hz / cfg->srate;
    c->hold = c->w_dop > 0 ? (int)fmin(CHANNEL_MAX_HOLD, fmax(1.0, floor(CHANNEL_HOLD_PHASE / c->w_dop)))
                           : CHANNEL_MAX_HOLD;
    c->rng = cfg->seed ? cfg->seed : 1;
    if (cfg->fading == CHANNEL_FADING_NONE) {
        c->n_taps = 1;
        c->tap[0].power = 1.0f;
        c->span = cfg->delay;
        return 0;
    }
    unsigned rng = c->rng * 2654435761u + 1u;   /* the fading draw: apart from the noise's sequence */
    double total = 0;
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) total += pow(10.0, tdl_a[l].power_db / 10.0);
    int longest = 0;
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) {
        struct channel_tap *tp = &c->tap[l];
        double d = round(tdl_a[l].delay * cfg->delay_spread_s * cfg->srate);   /* 38.901 7.7.3 */
        if (d > CHANNEL_MAX_DELAY - cfg->delay) return -EINVAL;
        tp->delay = (int)d;
        tp->power = (float)(pow(10.0, tdl_a[l].power_db / 10.0) / total);
        for (int m = 0; m < CHANNEL_SINUSOIDS; m++) {
            tp->cos_a[m] = (float)cos(2 * M_PI * uniform(&rng));
            tp->phase[m] = (float)(2 * M_PI * uniform(&rng));
        }
        longest = tp->delay > longest ? tp->delay : longest;
    }
    c->n_taps = CHANNEL_MAX_TAPS;
    c->span = cfg->delay + longest;
    return 0;
}

bool channel_is_identity(const struct channel *c)
{
    return c->cfg.fading == CHANNEL_FADING_NONE && c->cfg.delay == 0 && c->amp == 1.0f && c->w_cfo == 0 &&
           c->sigma == 0;
}

/* The draw held over the block that holds sample t. */
static void taps_at(const struct channel *c, int64_t t, cf_t *h)
{
    if (c->cfg.fading == CHANNEL_FADING_NONE) {
        h[0] = 1.0f;
        return;
    }
    int64_t t0 = (t >= 0 ? t / c->hold : (t - c->hold + 1) / c->hold) * c->hold;
    for (int l = 0; l < c->n_taps; l++) {
        const struct channel_tap *tp = &c->tap[l];
        double re = 0, im = 0;
        for (int m = 0; m < CHANNEL_SINUSOIDS; m++) {
            double ph = fmod(c->w_dop * tp->cos_a[m] * (double)t0, 2 * M_PI) + tp->phase[m];
            re += cos(ph);
            im += sin(ph);
        }
        double s = sqrt(tp->power / CHANNEL_SINUSOIDS);
        h[l] = (float)(re * s) + I * (float)(im * s);
    }
}

void channel_taps(const struct channel *c, int64_t t, cf_t *h)
{
    taps_at(c, t, h);
}

/* out[k] for absolute samples t + k, k in [0, n_out), from x[i] at t + i for i in [lo, hi) (zero elsewhere). */
static void run(const struct channel *c, int64_t t, const cf_t *x, int lo, int hi, int n_out, cf_t *out)
{
    cf_t h[CHANNEL_MAX_TAPS];
    int k = 0;
    if (c->cfg.fading == CHANNEL_FADING_NONE) {   /* one tap: a shift and a scale */
        for (; k < n_out; k++) {
            int i = k - c->cfg.delay;
            out[k] = i >= lo && i < hi ? (c->amp == 1.0f ? x[i] : x[i] * c->amp) : 0;
        }
    }
    while (k < n_out) {
        int64_t now = t + k;
        int64_t block_end = (now >= 0 ? now / c->hold + 1 : (now + 1) / c->hold) * c->hold;
        int end = block_end - t < n_out ? (int)(block_end - t) : n_out;
        taps_at(c, now, h);
        for (int l = 0; l < c->n_taps; l++) h[l] *= c->amp;
        for (; k < end; k++) {
            cf_t acc = 0;
            for (int l = 0; l < c->n_taps; l++) {
                int i = k - c->cfg.delay - c->tap[l].delay;
                if (i >= lo && i < hi) acc += h[l] * x[i];
            }
            out[k] = acc;
        }
    }
    if (c->w_cfo == 0) return;
    cf_t rot = 0, step = (float)cos(c->w_cfo) + I * (float)sin(c->w_cfo);
    for (k = 0; k < n_out; k++) {
        if (k % CHANNEL_CFO_ANCHOR == 0) {
            double ph = fmod(c->w_cfo * (double)(t + k), 2 * M_PI);
            rot = (float)cos(ph) + I * (float)sin(ph);
        }
        out[k] *= rot;
        rot *= step;
    }
}

void channel_burst(const struct channel *c, int64_t t, const cf_t *x, int n, cf_t *out)
{
    run(c, t, x, 0, n, n + c->span, out);
}

void channel_apply(struct channel *c, int64_t t, const cf_t *x, int hist, int n, cf_t *out)
{
    run(c, t, x, -hist, n, n, out);
    if (c->sigma > 0) channel_awgn(&c->rng, c->sigma, out, n);
}
