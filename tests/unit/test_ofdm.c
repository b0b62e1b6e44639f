/* Unit tests for phy/ofdm: modulate -> demodulate returns the grid (15/30/60 kHz, 25..273 PRB); the modulator is
 * unitary; every output sample of a subframe equals the 38.211 5.3.1 / 5.4 signal computed here independently
 * in long double (CP lengths, symbol starts, subcarrier frequencies, phase term); the demodulator undoes the
 * phase term with its own f0; frame_08 (srsRAN, CP-start phase reference) demodulates to the SS/PBCH block
 * built by phy/ch/ssb after the documented constant phase, and our modulator reproduces its samples. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/ssb.h"
#include "phy/ofdm/ofdm.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define F0_N3_DL 1842.5e6          /* the reference cell's DL centre (band n3) */
#define F0_N78 3500.0e6

struct carrier {
    int scs_khz, nof_prb;
    double fs;
};

/* Every carrier size the round trip covers: each at the smallest usual sample rate holding it. */
static const struct carrier carriers[] = {
    { 15, 25, 7.68e6 },   { 15, 52, 11.52e6 },  { 15, 106, 23.04e6 },  { 15, 273, 61.44e6 },
    { 30, 25, 15.36e6 },  { 30, 51, 23.04e6 },  { 30, 106, 46.08e6 },  { 30, 273, 122.88e6 },
    { 60, 24, 30.72e6 },  { 60, 135, 122.88e6 },
};
#define NUM_CARRIERS ((int)(sizeof(carriers) / sizeof(carriers[0])))

static void ofdm_open(struct ofdm *o, const struct carrier *c, double f0, enum ofdm_direction dir)
{
    struct ofdm_config cfg = { .sample_rate_hz = c->fs, .scs_khz = c->scs_khz, .nof_prb = c->nof_prb,
                               .f0_hz = f0, .direction = dir };
    ck_assert_int_eq(ofdm_init(o, &cfg), 0);
}

static void fill_qpsk(cf_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_rng_next();
        x[i] = (float)M_SQRT1_2 * ((r & 1 ? -1.0f : 1.0f) + I * (r & 2 ? -1.0f : 1.0f));
    }
}

START_TEST(test_roundtrip_recovers_grid)
{
    const struct carrier *c = &carriers[_i];
    struct ofdm tx, rx;
    double f0 = c->scs_khz == 15 ? F0_N3_DL : F0_N78;
    ofdm_open(&tx, c, f0, OFDM_DIRECTION_TX);
    ofdm_open(&rx, c, f0, OFDM_DIRECTION_RX);
    size_t nre = (size_t)OFDM_SYMBOLS_PER_SLOT * (size_t)(12 * c->nof_prb);
    cf_t *grid = malloc(nre * sizeof(cf_t)), *back = malloc(nre * sizeof(cf_t));
    cf_t *samples = malloc((size_t)c->fs / 1000 * sizeof(cf_t));
    int subframe = 0;
    for (int slot = 0; slot < c->scs_khz / 15; slot++) {
        fill_qpsk(grid, nre);
        int n = ofdm_modulate_slot(&tx, grid, slot, samples);
        ck_assert_int_eq(n, ofdm_slot_nof_samples(&tx, slot));
        ck_assert_int_eq(ofdm_demodulate_slot(&rx, samples, slot, back), n);
        float err = 0;
        for (size_t i = 0; i < nre; i++)
            err = fmaxf(err, cabsf(back[i] - grid[i]));
        ck_assert_msg(err < 1e-5f, "%d kHz %d PRB slot %d: max error %g", c->scs_khz, c->nof_prb, slot, err);
        subframe += n;
    }
    /* 38.211 4.3.1: the slots of a subframe fill exactly 1 ms. */
    ck_assert_int_eq(subframe, (int)lround(c->fs / 1000));
    free(grid); free(back); free(samples);
    ofdm_free(&tx);
    ofdm_free(&rx);
}
END_TEST

/* Parseval with the 1/sqrt(N) IDFT: the useful part of a symbol carries sum |X_k|^2, i.e. 12 N_RB / N per
 * sample for unit-energy REs. */
START_TEST(test_modulator_is_unitary)
{
    const struct carrier *c = &carriers[1];
    struct ofdm tx;
    ofdm_open(&tx, c, F0_N3_DL, OFDM_DIRECTION_TX);
    int nsc = 12 * c->nof_prb, n = tx.fft_size;
    cf_t re[624], out[768 + 60];
    fill_qpsk(re, (size_t)nsc);
    int cp = ofdm_modulate_symbol(&tx, re, 3, out) - n;
    ck_assert_int_eq(cp, 54);
    double energy = 0;
    for (int i = cp; i < cp + n; i++)
        energy += (double)(crealf(out[i]) * crealf(out[i]) + cimagf(out[i]) * cimagf(out[i]));
    ck_assert_msg(fabs(energy / n - (double)nsc / n) < 1e-5, "power per sample %g, want %g", energy / n,
                  (double)nsc / n);
    ofdm_free(&tx);
}
END_TEST

/* The spec's time axis: basic unit Tc = 1 / (480 kHz 4096), kappa = 64 (38.211 4.1). */
#define TC (1.0L / (480000.0L * 4096.0L))
#define KAPPA 64

/* 38.211 5.3.1: N_CP,l in Tc for normal CP. */
static long cp_tc(int mu, int l)
{
    return 144L * KAPPA / (1L << mu) + ((l == 0 || l == 7 * (1 << mu)) ? 16L * KAPPA : 0);
}

/* Checks every sample of one modulated subframe carrying a single tone at carrier subcarrier k (value 1 in every
 * symbol) against 38.211 5.3.1/5.4: in symbol l, for t_start,l <= t < t_start,l+1,
 *   x(t) = exp(j 2 pi (k - 6 N_RB) SCS (t - t_start,l - N_CP,l Tc)) exp(-j 2 pi f0 (t_start,l + N_CP,l Tc)) / sqrt(N)
 * with t_start,l = sum over l' < l of (N_u + N_CP,l') Tc counted from the subframe start. */
static void check_tone_subframe(const struct carrier *c, double f0, int k)
{
    struct ofdm tx;
    ofdm_open(&tx, c, f0, OFDM_DIRECTION_TX);
    int mu = tx.mu, nsc = 12 * c->nof_prb, n_fft = tx.fft_size, len = (int)lround(c->fs / 1000);
    cf_t *grid = calloc((size_t)OFDM_SYMBOLS_PER_SLOT * (size_t)nsc, sizeof(cf_t));
    cf_t *x = malloc((size_t)len * sizeof(cf_t));
    for (int l = 0; l < OFDM_SYMBOLS_PER_SLOT; l++)
        grid[l * nsc + k] = 1.0f;
    for (int slot = 0, pos = 0; slot < 1 << mu; slot++)
        pos += ofdm_modulate_slot(&tx, grid, slot, x + pos);

    long double scs = 15000.0L * (1 << mu), fs = c->fs, nu_tc = 2048.0L * KAPPA / (1 << mu);
    long double t_start = 0;
    int l = 0, worst_n = -1;
    float worst = 0;
    for (int n = 0; n < len; n++) {
        long double t = n / fs;
        while ((t - t_start) / TC >= nu_tc + cp_tc(mu, l) - 1e-6L) {
            t_start += (nu_tc + cp_tc(mu, l)) * TC;
            l++;
        }
        long double t_useful = t_start + cp_tc(mu, l) * TC;
        long double cyc_tone = (long double)(k - 6 * c->nof_prb) * scs * (t - t_useful);
        long double cyc_f0 = (long double)f0 * t_useful;
        long double arg = 2.0L * M_PI * ((cyc_tone - floorl(cyc_tone)) - (cyc_f0 - floorl(cyc_f0)));
        cf_t want = (float)(cosl(arg) / sqrtl(n_fft)) + I * (float)(sinl(arg) / sqrtl(n_fft));
        float err = cabsf(x[n] - want) * sqrtf((float)n_fft);
        if (err > worst) {
            worst = err;
            worst_n = n;
        }
    }
    ck_assert_int_eq(l, OFDM_SYMBOLS_PER_SLOT * (1 << mu) - 1);
    ck_assert_msg(worst < 2e-4f, "%d kHz f0 %.1f k %d: sample %d off by %g (relative)", c->scs_khz, f0, k,
                  worst_n, worst);
    free(grid); free(x);
    ofdm_free(&tx);
}

START_TEST(test_every_sample_follows_38211_phase_and_timing)
{
    check_tone_subframe(&carriers[1], F0_N3_DL, 6 * 52 + 7);      /* 15 kHz, above the centre */
    check_tone_subframe(&carriers[1], F0_N3_DL, 6 * 52 - 13);     /* below */
    check_tone_subframe(&carriers[0], 1747.5e6 + 2.5, 6 * 25);    /* odd N_RB, DC subcarrier, f0 not on 5 kHz */
    check_tone_subframe(&carriers[5], F0_N78, 6 * 51 + 100);      /* 30 kHz: two slots, long CP on both */
    check_tone_subframe(&carriers[8], 3.7e9, 6 * 24 - 1);         /* 60 kHz: slots of unequal length */
    check_tone_subframe(&carriers[1], 0.0, 6 * 52 + 1);           /* f0 = 0: no phase term at all */
}
END_TEST

/* The receiver multiplies symbol l by exp(+j 2 pi f0_rx t_l): after a transmitter with another f0 the grid is
 * left rotated by exp(-j 2 pi (f0_tx - f0_rx) t_l), t_l the start of the useful part from the subframe start. */
START_TEST(test_rx_undoes_phase_with_its_own_f0)
{
    const struct carrier *c = &carriers[5];
    double f0_tx = 3500.0e6, f0_rx = 3500.0e6 - 123456.0;
    struct ofdm tx, rx;
    ofdm_open(&tx, c, f0_tx, OFDM_DIRECTION_TX);
    ofdm_open(&rx, c, f0_rx, OFDM_DIRECTION_RX);
    int nsc = 12 * c->nof_prb;
    size_t nre = (size_t)OFDM_SYMBOLS_PER_SLOT * (size_t)nsc;
    cf_t *grid = malloc(nre * sizeof(cf_t)), *back = malloc(nre * sizeof(cf_t));
    cf_t *x = malloc((size_t)ofdm_slot_nof_samples(&tx, 1) * sizeof(cf_t));
    fill_qpsk(grid, nre);
    ofdm_modulate_slot(&tx, grid, 1, x);
    ofdm_demodulate_slot(&rx, x, 1, back);
    long double t_useful = 0;
    for (int l = 0; l < 28; l++) {
        t_useful += cp_tc(1, l) * TC;
        if (l >= 14) {
            long double cyc = (long double)(f0_tx - f0_rx) * t_useful;
            long double arg = -2.0L * M_PI * (cyc - floorl(cyc));
            cf_t rot = (float)cosl(arg) + I * (float)sinl(arg);
            for (int k = 0; k < nsc; k += 37) {
                cf_t want = grid[(l - 14) * nsc + k] * rot, got = back[(l - 14) * nsc + k];
                ck_assert_msg(cabsf(got - want) < 1e-4f, "symbol %d k %d", l, k);
            }
        }
        t_useful += 1024.0L * KAPPA * TC;
    }
    free(grid); free(back); free(x);
    ofdm_free(&tx);
    ofdm_free(&rx);
}
END_TEST

START_TEST(test_init_rejects_bad_config)
{
    struct ofdm o;
    struct ofdm_config good = { .sample_rate_hz = 11.52e6, .scs_khz = 15, .nof_prb = 52, .f0_hz = F0_N3_DL };
    ck_assert_int_eq(ofdm_init(&o, &good), 0);
    ofdm_free(&o);
    struct ofdm_config bad[] = {
        { .sample_rate_hz = 11.52e6, .scs_khz = 20, .nof_prb = 52 },             /* no such SCS */
        { .sample_rate_hz = 11.50e6, .scs_khz = 15, .nof_prb = 52 },             /* fs / SCS not whole */
        { .sample_rate_hz = 7.68e6, .scs_khz = 15, .nof_prb = 52 },              /* N = 512 < 624 */
        { .sample_rate_hz = 15e6, .scs_khz = 15, .nof_prb = 52 },                /* N = 1000, not a multiple of 128 */
        { .sample_rate_hz = 11.52e6, .scs_khz = 15, .nof_prb = 0 },
        { .sample_rate_hz = 11.52e6, .scs_khz = 15, .nof_prb = 52, .f0_hz = NAN },
        { .sample_rate_hz = -11.52e6, .scs_khz = 15, .nof_prb = 52 },
        { .sample_rate_hz = 11.52e6, .scs_khz = 15, .nof_prb = 52, .direction = (enum ofdm_direction)7 },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(ofdm_init(&o, &bad[i]) == -EINVAL, "bad config %zu accepted", i);
}
END_TEST

START_TEST(test_calls_reject_bad_arguments)
{
    struct ofdm tx, rx;
    ofdm_open(&tx, &carriers[1], F0_N3_DL, OFDM_DIRECTION_TX);
    ofdm_open(&rx, &carriers[1], F0_N3_DL, OFDM_DIRECTION_RX);
    static cf_t grid[14 * 624], x[11520];
    ck_assert_int_eq(ofdm_modulate_slot(&tx, grid, 1, x), -EINVAL);      /* 15 kHz: one slot per subframe */
    ck_assert_int_eq(ofdm_modulate_slot(&tx, grid, -1, x), -EINVAL);
    ck_assert_int_eq(ofdm_modulate_slot(&rx, grid, 0, x), -EINVAL);      /* wrong direction */
    ck_assert_int_eq(ofdm_demodulate_slot(&tx, x, 0, grid), -EINVAL);
    ck_assert_int_eq(ofdm_demodulate_symbol(&rx, x, 14, grid), -EINVAL);
    ck_assert_int_eq(ofdm_symbol_nof_samples(&tx, 0), 768 + 60);
    ck_assert_int_eq(ofdm_symbol_nof_samples(&tx, 7), 768 + 60);
    ck_assert_int_eq(ofdm_symbol_nof_samples(&tx, 8), 768 + 54);
    ck_assert_int_eq(ofdm_slot_nof_samples(&tx, 0), 11520);
    ofdm_free(&tx);
    ofdm_free(&rx);
}
END_TEST

/* ---- frame_08: srsRAN's SSB frame, phase reference at the CP start (tests/vectors/README, ssb/ 1a) ---- */

#define FRAME08 "tests/vectors/ssb/frame_08_fdd15_pci500_idx0_both_halfframes.cf32"
#define FRAME_FS 11.52e6
#define FRAME_LEN 115200
#define FRAME_SSB_SC 144          /* SSB centre f_c - 720 kHz: block subcarriers at carrier 144..383 */
#define FRAME_SSB_SYMBOL 2        /* Case A, SSB index 0 */
#define FRAME_NCP 54

/* The frame's BCH bits, from its manifest row: mib choice 0, SFN 100 (6 MSBs 000110), scs15or60, k_SSB 0,
 * dmrs pos2, pdcch-ConfigSIB1 = 6 * 16 + 0, notBarred, intraFreqReselection allowed, spare 0. */
static const uint8_t frame08_mib[24] = { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0,
                                          0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0 };

static void frame08_block(int hrf, cf_t block[SSB_BLOCK_RE])
{
    struct ssb s;
    ck_assert_int_eq(ssb_init(&s, &(struct ssb_config){ .pci = 500, .l_max = 4, .k_ssb = 0 }), 0);
    ck_assert_int_eq(ssb_build(&s, frame08_mib, 100, hrf, 0, block), 0);
    ssb_free(&s);
}

/* exp(-j 2 pi f0 N_CP / fs): the frame's phase reference (CP start) relative to the spec's (useful start). */
static cf_t frame_phase_correction(void)
{
    double cyc = fmod(F0_N3_DL * FRAME_NCP, FRAME_FS) / FRAME_FS;
    return (float)cos(-2 * M_PI * cyc) + I * (float)sin(-2 * M_PI * cyc);
}

/* Loads frame_08 and opens its carrier (52 PRB at 11.52 Msps) and a slot grid. */
static cf_t *frame08_open(struct ofdm *o, enum ofdm_direction dir, struct grid *g)
{
    size_t size = 0;
    cf_t *frame = vector_load(FRAME08, &size);
    ck_assert_msg(frame && size == FRAME_LEN * sizeof(cf_t), "cannot read " FRAME08);
    ofdm_open(o, &carriers[1], F0_N3_DL, dir);
    ck_assert_int_eq(grid_init(g, 14, 624), 0);
    return frame;
}

START_TEST(test_frame08_demodulates_to_ssb_grid)
{
    struct ofdm rx;
    struct grid g;
    cf_t *frame = frame08_open(&rx, OFDM_DIRECTION_RX, &g);
    cf_t corr = frame_phase_correction();
    ck_assert_msg(cabsf(corr - 1.0f) > 0.5f, "the correction must matter for the test to mean anything");
    for (int hrf = 0; hrf < 2; hrf++) {
        cf_t want[SSB_BLOCK_RE], got[SSB_BLOCK_RE];
        frame08_block(hrf, want);
        ck_assert_int_eq(ofdm_demodulate_slot(&rx, frame + hrf * FRAME_LEN / 2, 0, g.re), 11520);
        ck_assert_int_eq(ssb_extract(&g, FRAME_SSB_SC, FRAME_SSB_SYMBOL, got), 0);
        float err = 0;
        for (int i = 0; i < SSB_BLOCK_RE; i++)
            err = fmaxf(err, cabsf(got[i] * corr - want[i]));
        ck_assert_msg(err <= 1e-4f, "half frame %d: max |delta| %g", hrf, err);
        /* Nothing else in the slot: the other symbols and subcarriers demodulate to 0. */
        float other = 0;
        for (int l = 0; l < 14; l++)
            for (int k = 0; k < 624; k++)
                if (l < FRAME_SSB_SYMBOL || l >= FRAME_SSB_SYMBOL + 4 || k < FRAME_SSB_SC || k >= FRAME_SSB_SC + 240)
                    other = fmaxf(other, cabsf(grid_symbol(&g, l)[k]));
        ck_assert_msg(other < 1e-4f, "half frame %d: energy outside the block (%g)", hrf, other);
    }
    grid_free(&g);
    ofdm_free(&rx);
    free(frame);
}
END_TEST

/* Our (spec-exact) modulator's slot times exp(+j 2 pi f0 N_CP / fs) is frame_08's slot, to 1e-3 of its RMS. */
START_TEST(test_modulator_reproduces_frame08)
{
    struct ofdm tx;
    struct grid g;
    cf_t *frame = frame08_open(&tx, OFDM_DIRECTION_TX, &g);
    cf_t *x = malloc(11520 * sizeof(cf_t)), undo = conjf(frame_phase_correction());
    for (int hrf = 0; hrf < 2; hrf++) {
        cf_t block[SSB_BLOCK_RE];
        frame08_block(hrf, block);
        grid_clear(&g);
        ck_assert_int_eq(ssb_map(block, &g, FRAME_SSB_SC, FRAME_SSB_SYMBOL), 0);
        ck_assert_int_eq(ofdm_modulate_slot(&tx, g.re, 0, x), 11520);
        const cf_t *ref = frame + hrf * FRAME_LEN / 2;
        double power = 0, err = 0;
        for (int n = 0; n < 11520; n++) {
            cf_t d = x[n] * undo - ref[n];
            power += (double)(crealf(ref[n]) * crealf(ref[n]) + cimagf(ref[n]) * cimagf(ref[n]));
            err = fmax(err, (double)cabsf(d));
        }
        double rms = sqrt(power / 11520);
        ck_assert_msg(rms > 0.01, "half frame %d of the vector is empty", hrf);
        ck_assert_msg(err < 1e-3 * rms, "half frame %d: max error %g, RMS %g", hrf, err, rms);
    }
    free(x);
    grid_free(&g);
    ofdm_free(&tx);
    free(frame);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ofdm");
    TCase *tc = tcase_create("ofdm");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_roundtrip_recovers_grid, 0, NUM_CARRIERS);
    tcase_add_test(tc, test_modulator_is_unitary);
    tcase_add_test(tc, test_every_sample_follows_38211_phase_and_timing);
    tcase_add_test(tc, test_rx_undoes_phase_with_its_own_f0);
    tcase_add_test(tc, test_init_rejects_bad_config);
    tcase_add_test(tc, test_calls_reject_bad_arguments);
    tcase_add_test(tc, test_frame08_demodulates_to_ssb_grid);
    tcase_add_test(tc, test_modulator_reproduces_frame08);
    suite_add_tcase(s, tc);
    return check_run(s);
}
