/* Rate matching for polar codes, both directions.
 *
 * Implements 38.212 5.4.1: the sub-block interleaver (5.4.1.1), bit selection by repetition, puncturing or
 * shortening (5.4.1.2) and the triangular coded-bit interleaver (5.4.1.3, when i_bil). polar_rm_recover() is
 * the receiver's inverse on LLRs: it maps E channel LLRs back onto the N coded bits d, adding repeated copies,
 * leaving punctured bits at LLR 0 (unknown) and setting shortened bits, which are known zeros, to
 * POLAR_LLR_KNOWN_ZERO.
 *
 * LLR convention everywhere in phy/fec: LLR = ln(P(bit = 0) / P(bit = 1)), positive means 0.
 *
 * Threading: pure functions over caller memory, no allocation, no shared state.
 */
#ifndef GNBD_PHY_FEC_POLAR_RM_H
#define GNBD_PHY_FEC_POLAR_RM_H

#include <stdint.h>

#include "phy/fec/polar.h"

/* LLR given to shortened coded bits: they are known to be 0, so this must outweigh any channel LLR. */
#define POLAR_LLR_KNOWN_ZERO 1e7f

/* d (N coded bits) -> f (E rate-matched bits, after the coded-bit interleaver when i_bil). Returns 0. */
int polar_rm_match(const struct polar_code *code, const uint8_t *d, uint8_t *f);

/* llr_f (E LLRs in transmission order) -> llr_d (N LLRs of the coded bits d). Returns 0. */
int polar_rm_recover(const struct polar_code *code, const float *llr_f, float *llr_d);

#endif
