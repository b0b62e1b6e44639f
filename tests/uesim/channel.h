/* A radio channel for simulations: one link (one transmitter, one receive antenna), applied to complex baseband
 * samples. Used by uesim for each UE's UL and DL (tests/uesim/ue_attach.h) and meant for any test that needs a
 * link between a transmitter and a receiver (PRACH, PUSCH, PUCCH simulations).
 *
 *   y(t) = g e^{j 2 pi f t / fs} sum_l h_l(t) x(t - D - d_l) + w(t)
 *
 * t is the absolute sample index of the received sample (the caller's stream count), so the channel is a pure
 * function of (config, seed, t): a signal cut into pieces and passed piece by piece (channel_apply with the
 * history before each piece, or channel_burst for transmissions that start and end) gives the same samples.
 *   - D: a delay in whole samples (propagation, a timing error the receiver must absorb).
 *   - g: amplitude 10^(gain_db / 20) (relative received power).
 *   - f: a frequency offset (Hz): the phase runs with the absolute sample index.
 *   - w: complex white Gaussian noise of variance N0 = 10^(-snr_db / 10) per sample (none when snr_db is NAN).
 *     With unitary OFDM (phy/ofdm/ofdm.h) a unit-energy resource element then sees N0 per subcarrier: snr_db is
 *     the SNR per unit-energy RE (or PRACH subcarrier) before g (g = 1: as given).
 *   - h_l, d_l: the fading profile. CHANNEL_FADING_NONE: one tap h_0 = 1, d_0 = 0. CHANNEL_FADING_TDL_A: the 23
 *     taps of 38.901 Table 7.7.2-1 (TDL-A, NLOS, every tap Rayleigh): normalized delays scaled by the wanted RMS
 *     delay spread (38.901 7.7.3: tau = tau_n x DS) and rounded to whole samples; tap powers from the table,
 *     normalized so that sum_l E|h_l|^2 = 1 (the average received power is g^2). Each tap is an independent
 *     complex Gaussian process with the classical (Jakes) Doppler spectrum of maximum Doppler f_D (38.901 7.7.2:
 *     "Doppler spectrum for each tap is characterized by a classical (Jakes) spectrum shape"), drawn as a sum of
 *     CHANNEL_SINUSOIDS complex sinusoids with random arrival angles a_m and phases p_m (a Monte-Carlo
 *     sum-of-sinusoids):
 *         h_l(t) = sqrt(P_l / M) sum_m exp(j (2 pi f_D cos(a_m) t / fs + p_m)),
 *     evaluated at the start of each block of hold samples (t / hold, hold such that 2 pi f_D hold / fs <=
 *     0.01 rad) and held over the block: a low Doppler (a few Hz) is what the model is meant for.
 * Random numbers come from the seed only (a linear congruential generator in the struct; no global state).
 *
 * Threading: one struct channel per thread for channel_apply's noise; channel_taps and channel_burst only read
 * the struct. Nothing allocates.
 */
#ifndef GNBD_TESTS_UESIM_CHANNEL_H
#define GNBD_TESTS_UESIM_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/types.h"

#define CHANNEL_MAX_TAPS 23
#define CHANNEL_SINUSOIDS 16
#define CHANNEL_MAX_DELAY 100000        /* samples, D plus the longest tap delay */

enum channel_fading { CHANNEL_FADING_NONE, CHANNEL_FADING_TDL_A };

struct channel_config {
    double srate;                       /* Hz, > 0 */
    int delay;                          /* D, samples (0..CHANNEL_MAX_DELAY) */
    double gain_db;                     /* relative amplitude in dB (0: unchanged) */
    double cfo_hz;                      /* frequency offset */
    double snr_db;                      /* AWGN per unit-energy RE; NAN: none */
    enum channel_fading fading;
    double delay_spread_s;              /* TDL: RMS delay spread (38.901 Table 7.7.3-1/-2, e.g. 30e-9..300e-9) */
    double doppler_hz;                  /* TDL: maximum Doppler f_D (0: a static draw) */
    unsigned seed;                      /* fading draw and noise (0: 1) */
};

/* One tap of the profile as built (38.901 Table 7.7.2-1 scaled): its delay in samples and mean power. */
struct channel_tap {
    int delay;                          /* d_l, samples after D */
    float power;                        /* E|h_l|^2 (the taps sum to 1) */
    float cos_a[CHANNEL_SINUSOIDS];     /* cos of the arrival angles */
    float phase[CHANNEL_SINUSOIDS];     /* initial phases, rad */
};

struct channel {
    struct channel_config cfg;
    float amp;                          /* g */
    float sigma;                        /* noise standard deviation per real component (0: none) */
    double w_cfo;                       /* rad per sample */
    double w_dop;                       /* 2 pi f_D / fs */
    int hold;                           /* samples a fading draw is held (>= 1) */
    int n_taps;
    int span;                           /* D + the longest d_l: samples a burst's output outlasts its input */
    struct channel_tap tap[CHANNEL_MAX_TAPS];
    unsigned rng;                       /* noise generator state */
};

/* The 38.901 Table 7.7.2-1 TDL-A row l (0..22): normalized delay and power (dB). Returns 0 or -EINVAL. */
int channel_tdl_a_row(int l, double *norm_delay, double *power_db);

/* Builds the channel from cfg. Returns 0, or -EINVAL (srate not positive, delay or delay spread out of range, a
 * negative Doppler, a gain or SNR that is not a number ... NAN snr_db is allowed). */
int channel_init(struct channel *c, const struct channel_config *cfg);

/* Whether the channel leaves a signal as it is (no delay, gain, CFO, noise or fading). */
bool channel_is_identity(const struct channel *c);

/* The taps' complex gains h_l at absolute sample t (n_taps values, without g and the CFO). */
void channel_taps(const struct channel *c, int64_t t, cf_t *h);

/* A transmission x[0 .. n) whose first sample goes out at absolute sample t, nothing before or after it: writes
 * the n + span received samples at [t, t + n + span) into out (no noise: a receiver adds its own once). */
void channel_burst(const struct channel *c, int64_t t, const cf_t *x, int n, cf_t *out);

/* A stream: x points at absolute sample t, and x[-hist .. -1] are the samples before it (older ones count as
 * zero). Writes the n received samples at [t, t + n) into out, noise included. out must not overlap x. */
void channel_apply(struct channel *c, int64_t t, const cf_t *x, int hist, int n, cf_t *out);

/* Adds complex white Gaussian noise of standard deviation sigma per real component to x[0 .. n), from *rng. */
void channel_awgn(unsigned *rng, float sigma, cf_t *x, int n);

#endif
