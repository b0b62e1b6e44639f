/* Zadoff-Chu sequences of prime length, as the PRACH preambles use them.
 *
 * Implements 38.211 6.3.3.1: x_u(i) = exp(-j pi u i (i + 1) / L_RA), i = 0 .. L_RA - 1, and the cyclically shifted
 * preamble x_{u,v}(n) = x_u((n + C_v) mod L_RA). The phase is reduced exactly in integers (u i (i + 1) mod 2 L_RA)
 * before the float conversion, so every value is within float rounding of the exact one whatever u and i.
 *
 * Threading: pure functions over caller memory; safe from any thread.
 */
#ifndef GNBD_PHY_SEQ_ZC_H
#define GNBD_PHY_SEQ_ZC_H

#include "phy/types.h"

#define ZC_MAX_LEN 1151      /* the longest L_RA of 38.211 Table 6.3.3.1-2 */

/* out[n] = x_u((n + c_v) mod len), n = 0 .. len - 1. len: 2 .. ZC_MAX_LEN, u: 1 .. len - 1, c_v: 0 .. len - 1.
 * Returns 0, or -EINVAL for a parameter out of range. */
int zc_sequence(int len, int u, int c_v, cf_t *out);

#endif
