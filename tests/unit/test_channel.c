/* Unit tests of the simulation channel (tests/uesim/channel.h): delay in samples, gain, the CFO's phase ramp, the
 * SNR as measured, the 38.901 Table 7.7.2-1 TDL-A profile (delays scaled by the delay spread, mean power per tap,
 * the Jakes time correlation), piecewise = whole, seeded draws. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "tests/uesim/channel.c"
#include "tests/unit/check_run.h"

#define SRATE 11.52e6

static struct channel_config base(void)
{
    return (struct channel_config){.srate = SRATE, .snr_db = NAN, .seed = 7};
}

START_TEST(identity_and_errors)
{
    struct channel c;
    struct channel_config cfg = base();
    ck_assert_int_eq(channel_init(&c, &cfg), 0);
    ck_assert(channel_is_identity(&c));
    ck_assert_int_eq(c.span, 0);
    cf_t x[64], y[64];
    for (int i = 0; i < 64; i++) x[i] = (float)i - I * 0.5f * (float)i;
    channel_burst(&c, 12345, x, 64, y);
    ck_assert(memcmp(x, y, sizeof x) == 0);
    struct channel_config bad[] = {
        {.srate = 0, .snr_db = NAN},
        {.srate = SRATE, .delay = -1, .snr_db = NAN},
        {.srate = SRATE, .delay = CHANNEL_MAX_DELAY + 1, .snr_db = NAN},
        {.srate = SRATE, .gain_db = NAN, .snr_db = NAN},
        {.srate = SRATE, .snr_db = INFINITY},
        {.srate = SRATE, .snr_db = NAN, .fading = CHANNEL_FADING_TDL_A, .doppler_hz = -1},
        {.srate = SRATE, .snr_db = NAN, .fading = CHANNEL_FADING_TDL_A, .delay_spread_s = 1.0},
        {.srate = SRATE, .snr_db = NAN, .fading = 7},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) ck_assert_int_eq(channel_init(&c, &bad[i]), -EINVAL);
}
END_TEST

/* An impulse comes out D samples later, scaled by the gain, nothing elsewhere. */
START_TEST(delay_and_gain)
{
    struct channel c;
    struct channel_config cfg = base();
    cfg.delay = 37;
    cfg.gain_db = -6;
    ck_assert_int_eq(channel_init(&c, &cfg), 0);
    ck_assert(!channel_is_identity(&c));
    ck_assert_int_eq(c.span, 37);
    cf_t x[100] = {0}, y[137];
    x[5] = 1.0f;
    channel_burst(&c, 0, x, 100, y);
    for (int k = 0; k < 137; k++) {
        if (k == 42)
            ck_assert_float_eq_tol(cabsf(y[k]), (float)pow(10, -6 / 20.0), 1e-6f);
        else
            ck_assert_float_eq_tol(cabsf(y[k]), 0.0f, 1e-9f);
    }
}
END_TEST

/* A constant input comes out as e^{j 2 pi f t / fs} of the absolute sample; pieces agree with the whole. */
START_TEST(cfo_phase_ramp)
{
    struct channel c;
    struct channel_config cfg = base();
    cfg.cfo_hz = -300;
    ck_assert_int_eq(channel_init(&c, &cfg), 0);
    enum { N = 5000 };
    static cf_t x[N], y[N], z[N];
    for (int i = 0; i < N; i++) x[i] = 1.0f;
    int64_t t0 = 987654321;
    channel_burst(&c, t0, x, N, y);
    for (int k = 0; k < N; k += 7) {
        double want = fmod(2 * M_PI * -300.0 * (double)(t0 + k) / SRATE, 2 * M_PI);
        double err = remainder(carg(y[k]) - want, 2 * M_PI);
        ck_assert_msg(fabs(err) < 1e-3, "k=%d phase error %g", k, err);
        ck_assert_float_eq_tol(cabsf(y[k]), 1.0f, 1e-4f);
    }
    /* the same stream in pieces of 1000 with their history */
    for (int p = 0; p < N; p += 1000) channel_apply(&c, t0 + p, x + p, p, 1000, z + p);
    for (int k = 0; k < N; k++) ck_assert_float_eq_tol(cabsf(y[k] - z[k]), 0.0f, 1e-4f);
}
END_TEST

/* The noise power per sample is 10^(-snr/10) (within 3 %), the same seed draws the same noise, another seed
 * other noise; the measured SNR of a unit-power signal is the configured one (within 0.2 dB). */
START_TEST(snr_measured)
{
    enum { N = 200000 };
    static cf_t x[N], y[N], y2[N];
    for (int i = 0; i < N; i++) x[i] = (float)M_SQRT1_2 * ((i & 1 ? 1.0f : -1.0f) + I * (i & 2 ? 1.0f : -1.0f));
    const double snrs[] = {-5, 0, 10, 23.5};
    for (size_t s = 0; s < sizeof snrs / sizeof snrs[0]; s++) {
        struct channel c, c2;
        struct channel_config cfg = base();
        cfg.snr_db = snrs[s];
        ck_assert_int_eq(channel_init(&c, &cfg), 0);
        ck_assert_int_eq(channel_init(&c2, &cfg), 0);
        channel_apply(&c, 0, x, 0, N, y);
        channel_apply(&c2, 0, x, 0, N, y2);
        ck_assert(memcmp(y, y2, sizeof y) == 0);
        double ps = 0, pn = 0;
        for (int i = 0; i < N; i++) {
            ps += crealf(x[i] * conjf(x[i]));
            pn += crealf((y[i] - x[i]) * conjf(y[i] - x[i]));
        }
        double n0 = pn / N, want = pow(10, -snrs[s] / 10);
        ck_assert_msg(fabs(n0 / want - 1) < 0.03, "snr %g: N0 %g, want %g", snrs[s], n0, want);
        ck_assert_msg(fabs(10 * log10(ps / pn) - snrs[s]) < 0.2, "snr %g measured %g", snrs[s], 10 * log10(ps / pn));
        cfg.seed = 8;
        ck_assert_int_eq(channel_init(&c2, &cfg), 0);
        channel_apply(&c2, 0, x, 0, N, y2);
        ck_assert(memcmp(y, y2, sizeof y) != 0);
    }
}
END_TEST

/* The profile as built: 23 rows of Table 7.7.2-1 (spot checks), delays = round(tau_n x DS x fs), powers from the
 * table normalized to a sum of 1; the normalized profile's RMS delay spread is 1 (the table is scaled to it). */
START_TEST(tdl_a_profile)
{
    double d, p;
    ck_assert_int_eq(channel_tdl_a_row(0, &d, &p), 0);
    ck_assert(d == 0.0 && p == -13.4);
    ck_assert_int_eq(channel_tdl_a_row(1, &d, &p), 0);
    ck_assert(d == 0.3819 && p == 0.0);
    ck_assert_int_eq(channel_tdl_a_row(22, &d, &p), 0);
    ck_assert(d == 9.6586 && p == -29.7);
    ck_assert_int_eq(channel_tdl_a_row(23, &d, &p), -EINVAL);
    double lin[CHANNEL_MAX_TAPS], tau[CHANNEL_MAX_TAPS], total = 0, mean = 0, sq = 0;
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) {
        channel_tdl_a_row(l, &tau[l], &p);
        lin[l] = pow(10, p / 10);
        total += lin[l];
    }
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) mean += lin[l] / total * tau[l];
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) sq += lin[l] / total * (tau[l] - mean) * (tau[l] - mean);
    ck_assert_msg(fabs(sqrt(sq) - 1.0) < 0.01, "normalized RMS delay spread %g", sqrt(sq));
    struct channel c;
    struct channel_config cfg = base();
    cfg.fading = CHANNEL_FADING_TDL_A;
    cfg.delay_spread_s = 300e-9;
    cfg.delay = 4;
    ck_assert_int_eq(channel_init(&c, &cfg), 0);
    ck_assert_int_eq(c.n_taps, CHANNEL_MAX_TAPS);
    double sum = 0;
    int longest = 0;
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) {
        ck_assert_int_eq(c.tap[l].delay, (int)lround(tau[l] * 300e-9 * SRATE));
        ck_assert_float_eq_tol(c.tap[l].power, lin[l] / total, 1e-6);
        sum += c.tap[l].power;
        longest = c.tap[l].delay > longest ? c.tap[l].delay : longest;
    }
    ck_assert_float_eq_tol(sum, 1.0, 1e-5);
    ck_assert_int_eq(longest, 33);   /* 9.6586 x 300 ns x 11.52 MHz = 33.4 */
    ck_assert_int_eq(c.span, 4 + longest);
}
END_TEST

/* Over many seeded draws: the mean |h_l|^2 of each tap is its table power (within 12 %, and 3 % for the sum),
 * the impulse response puts the power at the tap delays, and the time correlation of a tap at lag tau is the
 * Jakes J0(2 pi f_D tau) (within 0.08). */
START_TEST(tdl_a_statistics)
{
    enum { DRAWS = 600 };
    double pw[CHANNEL_MAX_TAPS] = {0}, corr = 0, p0 = 0, total = 0;
    double lag_s = 0.04;   /* f_D tau = 0.2 at 5 Hz */
    static double bins[64];
    for (int s = 1; s <= DRAWS; s++) {
        struct channel c;
        struct channel_config cfg = base();
        cfg.fading = CHANNEL_FADING_TDL_A;
        cfg.delay_spread_s = 300e-9;
        cfg.doppler_hz = 5;
        cfg.seed = (unsigned)s;
        ck_assert_int_eq(channel_init(&c, &cfg), 0);
        cf_t h[CHANNEL_MAX_TAPS], h2[CHANNEL_MAX_TAPS];
        int64_t t = (int64_t)s * 1000003;
        channel_taps(&c, t, h);
        channel_taps(&c, t + (int64_t)(lag_s * SRATE), h2);
        for (int l = 0; l < CHANNEL_MAX_TAPS; l++) {
            pw[l] += crealf(h[l] * conjf(h[l]));
            total += crealf(h[l] * conjf(h[l]));
        }
        corr += creal(h[1] * conjf(h2[1]));
        p0 += crealf(h[1] * conjf(h[1]));
        cf_t x[1] = {1.0f}, y[1 + 64];
        ck_assert_int_lt(c.span, 64);
        channel_burst(&c, t, x, 1, y);
        for (int k = 0; k <= c.span; k++) bins[k] += crealf(y[k] * conjf(y[k]));
    }
    struct channel c;
    struct channel_config cfg = base();
    cfg.fading = CHANNEL_FADING_TDL_A;
    cfg.delay_spread_s = 300e-9;
    channel_init(&c, &cfg);
    double want_bins[64] = {0};
    for (int l = 0; l < CHANNEL_MAX_TAPS; l++) {
        double got = pw[l] / DRAWS;
        ck_assert_msg(fabs(got / c.tap[l].power - 1) < 0.12, "tap %d: mean power %g, table %g", l, got,
                      c.tap[l].power);
        want_bins[c.tap[l].delay] += c.tap[l].power;
    }
    ck_assert_msg(fabs(total / DRAWS - 1) < 0.03, "total power %g", total / DRAWS);
    for (int k = 0; k < 64; k++) {
        double got = bins[k] / DRAWS;
        if (want_bins[k] == 0)
            ck_assert_msg(got < 1e-9, "delay %d: power %g where no tap is", k, got);
        else
            ck_assert_msg(fabs(got / want_bins[k] - 1) < 0.15 || fabs(got - want_bins[k]) < 0.005,
                          "delay %d: power %g, profile %g", k, got, want_bins[k]);
    }
    double rho = corr / p0, want = j0(2 * M_PI * 5 * lag_s);
    ck_assert_msg(fabs(rho - want) < 0.08, "correlation %g, J0 %g", rho, want);
}
END_TEST

/* A fading, delayed, offset burst: channel_apply over the stream in pieces gives the burst's samples. */
START_TEST(burst_equals_stream)
{
    struct channel c;
    struct channel_config cfg = base();
    cfg.fading = CHANNEL_FADING_TDL_A;
    cfg.delay_spread_s = 100e-9;
    cfg.doppler_hz = 300;   /* a short hold, so the pieces cross draws */
    cfg.delay = 9;
    cfg.cfo_hz = 150;
    cfg.gain_db = 3;
    ck_assert_int_eq(channel_init(&c, &cfg), 0);
    enum { N = 3000, PAD = 64 };
    static cf_t x[PAD + N + PAD], y[N + PAD], z[N + PAD];
    unsigned rng = 3;
    for (int i = 0; i < N; i++) x[PAD + i] = (float)(uniform(&rng) - 0.5) + I * (float)(uniform(&rng) - 0.5);
    int64_t t = 44444;
    channel_burst(&c, t, x + PAD, N, y);
    for (int p = 0; p < N + c.span; p += 500) {
        int n = N + c.span - p < 500 ? N + c.span - p : 500;
        channel_apply(&c, t + p, x + PAD + p, PAD + p, n, z + p);
    }
    for (int k = 0; k < N + c.span; k++)
        ck_assert_msg(cabsf(y[k] - z[k]) < 1e-4f, "k=%d", k);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("channel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, identity_and_errors);
    tcase_add_test(tc, delay_and_gain);
    tcase_add_test(tc, cfo_phase_ramp);
    tcase_add_test(tc, snr_measured);
    tcase_add_test(tc, tdl_a_profile);
    tcase_add_test(tc, tdl_a_statistics);
    tcase_add_test(tc, burst_equals_stream);
    suite_add_tcase(s, tc);
    return check_run(s);
}
