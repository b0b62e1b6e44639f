/* OFDM modulator and demodulator for one carrier, normal cyclic prefix.
 *
 * Implements 38.211 5.3.1 (OFDM baseband signal: FFT size N = sample_rate / SCS, CP lengths, symbol positions)
 * and 5.4 (modulation and upconversion phase term), for SCS 15, 30 and 60 kHz (mu = 0..2).
 *
 * - Frequency mapping (5.3.1 with k_0 = 0, the carrier starting at point A): carrier subcarrier k = 0..12 N_RB - 1
 *   is sent at baseband frequency (k - 6 N_RB) SCS, i.e. FFT bin (k - 6 N_RB) mod N. Baseband DC is the carrier
 *   centre: the lower edge of PRB N_RB / 2 for even N_RB, the middle subcarrier of PRB floor(N_RB / 2) for odd.
 *   No DC null, no 7.5 kHz shift.
 * - Cyclic prefix (5.3.1): N_CP,l = 144 kappa 2^-mu Tc, plus 16 kappa Tc for l = 0 and l = 7 2^mu of each
 *   subframe (the first symbol of each 0.5 ms), with N_u = 2048 kappa 2^-mu Tc = N samples. In samples:
 *   144 N / 2048, plus 16 2^mu N / 2048 (note the 2^mu: the extra is 16 kappa at every SCS, so the 0.5 ms
 *   boundaries fall on whole samples). N must be a multiple of 128 so that every length is a whole sample.
 * - Phase term (5.4): symbol l of the subframe is multiplied, CP included, by exp(-j 2 pi f0 (t_start,l +
 *   N_CP,l Tc)), t_start,l counted from the start of the subframe: the reference is the start of the useful part.
 *   f0 is the carrier centre of the link (DL centre on the gNB TX, UL centre on the gNB RX; a UE uses the DL
 *   centre to receive). This is what srsUE removes / applies. The receiver multiplies by the conjugate. The 14 2^mu
 *   factors are computed once in double precision.
 * - Scaling: unitary. The IDFT and DFT are scaled by 1/sqrt(N), so modulate -> demodulate returns the grid and
 *   REs of unit energy give a mean power of 12 N_RB / N per sample (1 / N per RE, as the srsRAN SSB signal).
 *
 * A slot of samples is ofdm_slot_nof_samples() long and starts at its first CP sample. The slot index within the
 * subframe (0 .. 2^mu - 1) selects the symbols' CP lengths and phase factors.
 *
 * Threading: ofdm_init() and ofdm_free() call the FFTW planner, which is not thread-safe: make every plan on one
 * thread at start (ofdm_init must not run concurrently with any other FFTW planning or ofdm_init/ofdm_free).
 * After init, one object is used by one thread at a time (it has its own FFT buffers); distinct objects may run
 * in parallel. Nothing allocates after ofdm_init().
 */
#ifndef GNBD_PHY_OFDM_OFDM_H
#define GNBD_PHY_OFDM_OFDM_H

#include <stdbool.h>

#include "phy/types.h"

#define OFDM_SYMBOLS_PER_SLOT 14                              /* normal CP, 38.211 Table 4.3.2-1 */
#define OFDM_MAX_MU 2
#define OFDM_MAX_SYMBOLS_PER_SUBFRAME (OFDM_SYMBOLS_PER_SLOT << OFDM_MAX_MU)

enum ofdm_direction {
    OFDM_DIRECTION_TX,   /* modulate: grid -> samples */
    OFDM_DIRECTION_RX,   /* demodulate: samples -> grid */
};

struct ofdm_config {
    double sample_rate_hz;          /* N = sample_rate_hz / (scs_khz 1000) must be a whole multiple of 128 */
    int scs_khz;                    /* 15, 30 or 60 */
    int nof_prb;                    /* N_RB of the carrier, 1..275; 12 N_RB <= N */
    double f0_hz;                   /* 38.211 5.4 f0: the link's carrier centre (0: no phase term) */
    enum ofdm_direction direction;
    bool fftw_measure;              /* plan with FFTW_MEASURE (slower start, maybe faster FFT) */
};

struct fftwf_plan_s;

struct ofdm {
    struct ofdm_config cfg;
    int mu;                         /* numerology, SCS = 15 2^mu kHz */
    int fft_size;                   /* N */
    int nof_sc;                     /* 12 N_RB */
    int symbols_per_subframe;       /* 14 2^mu */
    int cp_len[OFDM_MAX_SYMBOLS_PER_SUBFRAME];       /* N_CP,l in samples, l counted in the subframe */
    int symbol_start[OFDM_MAX_SYMBOLS_PER_SUBFRAME]; /* first CP sample of symbol l, from the subframe start */
    cf_t factor[OFDM_MAX_SYMBOLS_PER_SUBFRAME];      /* phase term (TX) or its conjugate (RX), times 1/sqrt(N) */
    cf_t *freq;                     /* N FFT bins (fftwf_malloc) */
    cf_t *time;                     /* N useful-part samples (fftwf_malloc) */
    struct fftwf_plan_s *plan;      /* backward (TX) or forward (RX) N-point DFT, freq <-> time */
};

/* Validates cfg, computes the CP lengths and phase factors, makes the FFTW plan. Returns 0, -EINVAL for a bad
 * config (the object is then unusable), -ENOMEM. */
int ofdm_init(struct ofdm *o, const struct ofdm_config *cfg);
void ofdm_free(struct ofdm *o);

/* Samples in slot slot_in_subframe (0 .. 2^mu - 1) or in symbol l (0 .. 14 2^mu - 1) of the subframe, CP
 * included; -EINVAL out of range. */
int ofdm_slot_nof_samples(const struct ofdm *o, int slot_in_subframe);
int ofdm_symbol_nof_samples(const struct ofdm *o, int l_in_subframe);

/* TX: one symbol: re (12 N_RB subcarriers) -> CP + N samples in out. Returns the number of samples written, or
 * -EINVAL (bad l, or an RX object). */
int ofdm_modulate_symbol(struct ofdm *o, const cf_t *re, int l_in_subframe, cf_t *out);

/* TX: one slot: grid (14 x 12 N_RB, [symbol][subcarrier]) -> ofdm_slot_nof_samples() samples in out. Returns
 * that count, or -EINVAL. */
int ofdm_modulate_slot(struct ofdm *o, const cf_t *grid, int slot_in_subframe, cf_t *out);
/* The same for the symbols whose bit (1 << l, l = 0..13 in the slot) is set in `symbols`; every other symbol is
 * written as CP + N zeros without a transform (an empty or silent symbol: the IFFT of zeros is zeros, so the
 * result is the same as ofdm_modulate_slot() on a grid with those symbols zero). */
int ofdm_modulate_slot_symbols(struct ofdm *o, const cf_t *grid, int slot_in_subframe, unsigned symbols,
                               cf_t *out);

/* RX: one symbol: CP + N samples (from its first CP sample) -> the carrier's 12 N_RB subcarriers in re, with the
 * CP dropped and the phase term undone. Returns the number of samples read, or -EINVAL (bad l, or a TX object). */
int ofdm_demodulate_symbol(struct ofdm *o, const cf_t *in, int l_in_subframe, cf_t *re);

/* RX: one slot of samples -> grid (14 x 12 N_RB). Returns the number of samples read, or -EINVAL. */
int ofdm_demodulate_slot(struct ofdm *o, const cf_t *in, int slot_in_subframe, cf_t *grid);

#endif
