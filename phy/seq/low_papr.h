/* Low-PAPR base sequences of length 12 (one PRB) and the PUCCH sequence and cyclic-shift hopping.
 *
 * Implements 38.211 5.2.2 for M_ZC = 12 (5.2.2.2, Table 5.2.2.2-2): r_u,v^(alpha,delta)(n) = e^{j alpha n}
 * r̄_u,v(n) with r̄_u,v(n) = e^{j phi(n) pi / 4}, n = 0..11, u the sequence group (0..29) and v = 0 (one base
 * sequence per group at this length). Used by PUCCH formats 0 and 1 and their DM-RS (38.211 6.3.2.2,
 * 6.4.1.3.1); the SRS and transform-precoded PUSCH DM-RS of one PRB would use the same table.
 *
 * 38.211 6.3.2.2.1: with pucch-GroupHopping = "neither" (the only mode srsUE supports), f_gh = 0 and
 * f_ss = n_ID mod 30, so u = n_ID mod 30 and v = 0 for every hop.
 * 38.211 6.3.2.2.2: alpha_l = 2 pi / 12 ((m0 + m_cs + n_cs(n_s,f, l + l')) mod 12) with
 * n_cs(n_s,f, l) = sum_{m=0..7} 2^m c(8 N_symb^slot n_s,f + 8 l + m), c the Gold sequence of 5.2.1 with
 * c_init = n_ID (hoppingId, else N_ID^cell), l the symbol within the PUCCH and l' its first symbol in the slot.
 *
 * Threading: pure functions over caller memory and a constant table; safe from any thread.
 */
#ifndef GNBD_PHY_SEQ_LOW_PAPR_H
#define GNBD_PHY_SEQ_LOW_PAPR_H

#include <stdint.h>

#include "phy/types.h"

#define LOW_PAPR_LEN12 12          /* M_ZC = N_sc^RB */
#define LOW_PAPR_NUM_GROUPS 30     /* u = 0..29 */
#define LOW_PAPR_SYMBOLS_PER_SLOT 14

/* 38.211 Table 5.2.2.2-2: phi(n) of group u, values in {-3, -1, 1, 3}. */
extern const int8_t low_papr_phi12[LOW_PAPR_NUM_GROUPS][LOW_PAPR_LEN12];

/* r̄_u,0(n) = e^{j phi(n) pi/4}, n = 0..11. Returns 0, or -EINVAL for u outside 0..29. */
int low_papr_base12(int u, cf_t r[LOW_PAPR_LEN12]);

/* r_u,0^(alpha)(n) = e^{j 2 pi cs n / 12} r̄_u,0(n) for the cyclic shift index cs (alpha = 2 pi cs / 12; any
 * integer, taken mod 12). Returns 0, or -EINVAL for u outside 0..29. */
int low_papr_seq12(int u, int cs, cf_t r[LOW_PAPR_LEN12]);

/* 38.211 6.3.2.2.1 with pucch-GroupHopping "neither": u = n_ID mod 30 (v = 0). */
static inline int low_papr_group_neither(uint16_t n_id) { return n_id % LOW_PAPR_NUM_GROUPS; }

/* 38.211 6.3.2.2.2: n_cs[l] = n_cs(n_s,f, l) for the 14 symbols l = 0..13 of slot n_s,f (0..159), with
 * c_init = n_id. Returns 0, or -EINVAL for a negative slot. */
int low_papr_cs_hopping(uint16_t n_id, int slot, uint8_t n_cs[LOW_PAPR_SYMBOLS_PER_SLOT]);

#endif
