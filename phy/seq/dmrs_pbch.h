/* PBCH demodulation reference signal sequence.
 *
 * Implements 38.211 7.4.1.4.1: r(m) = ((1 - 2c(2m)) + j(1 - 2c(2m+1))) / sqrt(2), m = 0..143, with the Gold
 * sequence c of 5.2.1 initialised with
 *   c_init = 2^11 (i_ssb_bar + 1)(floor(N_ID^cell / 4) + 1) + 2^6 (i_ssb_bar + 1) + (N_ID^cell mod 4).
 * The 144 values are mapped (7.4.3.1.3, Table 7.4.3.1-1) in increasing k then l on k = nu, nu+4, ... with
 * nu = N_ID^cell mod 4: symbol 1 all 240 subcarriers, symbol 2 only k < 48 and k >= 192, symbol 3 all. Amplitude
 * scaling (beta_PBCH) and mapping belong to the SSB mapper.
 *
 * Threading: pure functions over caller memory; safe from any thread.
 */
#ifndef GNBD_PHY_SEQ_DMRS_PBCH_H
#define GNBD_PHY_SEQ_DMRS_PBCH_H

#include <stdint.h>

#include "phy/types.h"

#define DMRS_PBCH_LEN 144        /* M: number of PBCH DM-RS symbols in one SS/PBCH block */

/* i_ssb_bar of 38.211 7.4.1.4.1: for L_max = 4, the two LSBs of the SSB index plus 4 n_hf (half-frame bit);
 * for L_max > 4, the three LSBs of the SSB index. Returns it (0..7), or -EINVAL for a negative ssb_idx, an
 * hrf other than 0/1 or an l_max other than 4, 8 or 64. */
int dmrs_pbch_i_ssb_bar(int ssb_idx, int hrf, int l_max);

/* c_init of 38.211 7.4.1.4.1. Arguments must be in range (see dmrs_pbch_sequence). */
uint32_t dmrs_pbch_c_init(int pci, int i_ssb_bar);

/* r(0..143) for N_ID^cell = pci (0..1007) and i_ssb_bar (0..7). Returns 0, or -EINVAL when out of range. */
int dmrs_pbch_sequence(int pci, int i_ssb_bar, cf_t out[DMRS_PBCH_LEN]);

#endif
