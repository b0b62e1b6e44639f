/* PUCCH resources before dedicated configuration: pucch-ResourceCommon (SIB1) and the PRI/CCE rule.
 *
 * Implements 38.213 9.2.1: Table 9.2.1-1 gives, per pucch-ResourceCommon index 0..15, the format, first symbol,
 * number of symbols, PRB offset RB_BWP^offset and the set of N_CS initial cyclic-shift indexes. For the
 * HARQ-ACK of a PDSCH scheduled by DCI 1_0 (Msg4), r_PUCCH = floor(2 n_CCE,0 / N_CCE) + 2 Delta_PRI (0..15) picks
 * the resource; frequency hopping is always on:
 *   r_PUCCH < 8:  first hop PRB RB_offset + floor(r / N_CS), second hop N_BWP - 1 - RB_offset - floor(r / N_CS),
 *                 initial cyclic shift index r mod N_CS;
 *   r_PUCCH >= 8: first hop N_BWP - 1 - RB_offset - floor((r - 8) / N_CS), second hop RB_offset +
 *                 floor((r - 8) / N_CS), initial cyclic shift index (r - 8) mod N_CS.
 * Format 1 uses time-domain OCC index 0; n_ID is hoppingId of PUCCH-ConfigCommon if given, else N_ID^cell.
 *
 * Threading: constant table and pure functions.
 */
#ifndef GNBD_PHY_CH_PUCCH_COMMON_H
#define GNBD_PHY_CH_PUCCH_COMMON_H

#include "phy/ch/pucch.h"

#define PUCCH_COMMON_ROWS 16
#define PUCCH_COMMON_OFFSET_QUARTER (-1)   /* row 15: RB_BWP^offset = floor(N_BWP / 4) */

struct pucch_common_row {
    enum pucch_format format;
    int first_symbol, nof_symbols;
    int prb_offset;          /* RB_BWP^offset, or PUCCH_COMMON_OFFSET_QUARTER */
    int nof_cs;              /* N_CS */
    int cs[4];               /* the set of initial cyclic-shift indexes */
};

/* 38.213 Table 9.2.1-1. */
extern const struct pucch_common_row pucch_common_table[PUCCH_COMMON_ROWS];

/* r_PUCCH = floor(2 n_CCE,0 / N_CCE) + 2 Delta_PRI for the DCI's first CCE n_cce0 in a CORESET of nof_cce CCEs
 * and the 3-bit PUCCH resource indicator. Returns 0..15, or -EINVAL. */
int pucch_common_r(int n_cce0, int nof_cce, int delta_pri);

/* The resource of row index (0..15) for r_pucch (0..15) in a BWP of bwp_size PRBs. Returns 0, or -EINVAL when
 * an argument is out of range or the resource does not fit the BWP. */
int pucch_common_resource(int index, int r_pucch, int bwp_size, struct pucch_resource *res);

#endif
