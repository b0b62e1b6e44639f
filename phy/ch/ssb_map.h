/* Resource element positions inside one SS/PBCH block.
 *
 * Implements the PBCH and PBCH DM-RS rows of 38.211 Table 7.4.3.1-1 and the mapping order of 7.4.3.1.2/7.4.3.1.3
 * (increasing k first, then l). The block is 4 OFDM symbols l = 0..3 by 240 subcarriers k = 0..239; a position
 * is returned as the grid index l * 240 + k of a [l][k] array. With nu = N_ID^cell mod 4:
 *   PBCH DM-RS: l = 1 and 3, k = nu + 4m (m = 0..59); l = 2, k = nu + 4m for k < 48 and k >= 192.
 *   PBCH data:  every other k of l = 1 and 3; k = 0..47 and 192..239 of l = 2 (the SSS sits in between).
 *
 * Threading: pure functions; safe from any thread.
 */
#ifndef GNBD_PHY_CH_SSB_MAP_H
#define GNBD_PHY_CH_SSB_MAP_H

#include <stdint.h>

#define SSB_NUM_SYMBOLS 4
#define SSB_NUM_SUBCARRIERS 240
#define SSB_PBCH_NUM_RE 432      /* PBCH data REs: 864 bits as QPSK */
#define SSB_PBCH_DMRS_NUM_RE 144 /* PBCH DM-RS REs */

/* Writes the grid indices of the 432 PBCH data REs, in mapping order, for N_ID^cell = pci (0..1007). Returns
 * SSB_PBCH_NUM_RE, or -EINVAL for a pci out of range. */
int ssb_pbch_re_positions(int pci, uint16_t idx[SSB_PBCH_NUM_RE]);

/* Same for the 144 PBCH DM-RS REs, in the order r(0..143) is mapped. Returns SSB_PBCH_DMRS_NUM_RE or -EINVAL. */
int ssb_pbch_dmrs_re_positions(int pci, uint16_t idx[SSB_PBCH_DMRS_NUM_RE]);

#endif
