/* Modulation mapper and soft demapper.
 *
 * Implements the mappers of 38.211 5.1.2 (pi/2-BPSK), 5.1.3 (BPSK), 5.1.4 (QPSK), 5.1.5 (16QAM), 5.1.6 (64QAM)
 * and 5.1.7 (256QAM): Q_m bits b(i Q_m) .. b(i Q_m + Q_m - 1), one per byte (0/1), give one complex symbol d(i)
 * of unit average energy. The demapper is the inverse: it turns received symbols into one LLR per bit,
 *   LLR = log P(b = 0 | y) / P(b = 1 | y)   (positive means 0),
 * with the max-log approximation min|y - s|^2 over each hypothesis, divided by the complex noise variance
 * noise_var = E|n|^2. For the Gray-coded square QAMs the even bits depend only on Re(y) and the odd bits only on
 * Im(y), so the max-log metric is computed exactly per axis over the 2^(Q_m/2) amplitude levels: for 16QAM,
 * 64QAM and 256QAM as a piecewise-linear function of |Re y| and |Im y| with its breakpoints at the decision
 * boundaries (a slope and an intercept per interval and bit from a table built once), 8 bits x 4 symbols at a time
 * with AVX2 when the CPU has it (chosen at run time), else portable C; both give the same values.
 * For pi/2-BPSK the symbol index i counts from the first symbol passed in each call.
 *
 * Threading: pure functions over caller memory, no allocation; safe from any thread (the tables are built once,
 * under pthread_once, on the first QAM demapping).
 */
#ifndef GNBD_PHY_MOD_MODULATION_H
#define GNBD_PHY_MOD_MODULATION_H

#include <stddef.h>
#include <stdint.h>

#include "phy/types.h"

enum modulation_scheme {
    MODULATION_BPSK,
    MODULATION_PI2_BPSK,
    MODULATION_QPSK,
    MODULATION_16QAM,
    MODULATION_64QAM,
    MODULATION_256QAM,
};

/* Q_m, the number of bits per symbol (1, 1, 2, 4, 6, 8); -EINVAL for an unknown scheme. */
int modulation_qm(enum modulation_scheme m);

/* Maps nbits bits (a multiple of Q_m) to nbits / Q_m symbols. Only bit 0 of each byte is used. Returns 0, or
 * -EINVAL for an unknown scheme or nbits not a multiple of Q_m. */
int modulation_map(enum modulation_scheme m, const uint8_t *bits, size_t nbits, cf_t *symbols);

/* Writes nsymbols * Q_m LLRs for nsymbols received symbols, in the bit order of the mapper. Returns 0, or
 * -EINVAL for an unknown scheme or a noise_var that is not a positive finite number. */
int modulation_demap(enum modulation_scheme m, const cf_t *symbols, size_t nsymbols, float noise_var,
                     float *llr);

/* As modulation_demap() for QPSK .. 256QAM, with one gain per symbol in place of 1 / noise_var: llr = gain[i] x
 * (min over b = 1 - min over b = 0 of |y - s|^2). After equalising y = h x + n to y / h, gain[i] = |h_i|^2 /
 * noise_var (the post-equalisation SNR of that RE). Returns 0, or -EINVAL for another scheme or gain NULL. */
int modulation_demap_gain(enum modulation_scheme m, const cf_t *symbols, const float *gain, size_t nsymbols,
                          float *llr);

/* ---- Internal: shared by modulation.c and modulation_avx2.c, not for callers. ---- */
#define MODULATION_MAX_NB 4 /* bits per axis of 256QAM */
struct modulation_pwl {
    int nb;                /* bits per axis */
    float half_inv_unit;   /* 1 / (2 unit): |y| x this = interval index before clamping */
    float max_interval;    /* 2^(nb-1) - 1 */
    float slope[MODULATION_MAX_NB][8], icpt[MODULATION_MAX_NB][8];   /* per bit j and interval i */
};
/* The table of a square QAM order (qm 4, 6, 8), else NULL. */
const struct modulation_pwl *modulation_pwl_table(int qm);
/* n symbols -> 2 nb n LLRs, with gain[i] per symbol or gain_c for all when gain is NULL. */
void modulation_demap_pwl_c(const struct modulation_pwl *t, const cf_t *y, const float *gain, float gain_c, size_t n,
                            float *llr);
#if defined(__x86_64__)
void modulation_demap_pwl_avx2(const struct modulation_pwl *t, const cf_t *y, const float *gain, float gain_c,
                               size_t n, float *llr);
#endif

#endif
