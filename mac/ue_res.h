/* Each UE's dedicated uplink control resources: the PUCCH resources its RRCSetup gives it and the MAC listens
 * to, different for every UE context so that UEs connected at the same time never collide, and clear of the
 * common PUCCH, the PRACH and the PUSCH PRBs (mac/ul_map.h reserves the region in every slot).
 *
 * Layout (38.211 6.3.2.4, 6.3.2.5; 38.213 9.2.1; 38.331 PUCCH-Config), for UE context k of max_ues:
 *   - format 1, 14 symbols from symbol 0, no intra-slot hopping: the sequence hops by group only, and 14
 *     symbols give N_SF = 7 orthogonal time-domain codes (38.211 Table 6.3.2.4.1-1) per cyclic shift. A UE takes
 *     three of them (resources 0 and 1: HARQ-ACK set 0 for PRI 0/1; resource 2: SR); two UEs share a cyclic
 *     shift (codes 0-2 and 3-5) and four cyclic shifts 3 apart (0, 3, 6, 9: a quarter symbol, far more than a
 *     timing-advanced UE's residual delay) share a PRB: eight UEs per PRB, in the PRBs just below the common
 *     PUCCH's top PRB (N-2, N-3, ...);
 *   - format 2 resource 3 (set 1, which srsUE requires to exist), 1 PRB x 2 symbols in symbol pairs 12-13,
 *     10-11, ..., 0-1 of the one PRB below the format 1 region: context k takes pair k mod 7, so contexts 7 apart
 *     share it: the MAC (mac/ue.c ack_room) lets only one of them use format 2 in a UL slot (TDD codebooks of 3
 *     bits or more; FDD never needs it: 1 HARQ-ACK bit and SR go on format 1);
 *   - SR: period sr_period, offset = the (k mod n)-th of the n slots of the period that are wholly UL (FDD: all):
 *     an SR occasion in a DL slot would never be heard.
 * The common PUCCH resource (pucch-ResourceCommon, rows with RB offset 0, r_PUCCH 0 as Msg4 uses it) sits in PRB 0
 * for its first hop and PRB N-1 for its second, hence the region starts below N-1.
 *
 * Threading: pure functions over caller memory.
 */
#ifndef GNBD_MAC_UE_RES_H
#define GNBD_MAC_UE_RES_H

#include "mac/slot_pattern.h"

#define UE_RES_MAX_UES 64
#define UE_RES_F1_PER_PRB 8
#define UE_RES_F2_PAIRS 7        /* format 2 symbol pairs of the shared PRB */
#define UE_RES_MAX_SR_PERIOD 80

/* One UE's resources (PRB indices within the UL BWP = carrier). */
struct ue_pucch_res {
    int index;                       /* the UE context k */
    int f1_prb, f1_cs;               /* format 1: PRB, initialCyclicShift */
    int ack_occ[2], sr_occ;          /* timeDomainOCC of resources 0, 1 (HARQ-ACK) and 2 (SR) */
    int f2_prb, f2_symbol;           /* format 2: PRB, first of its 2 symbols */
    int sr_period, sr_offset;        /* slots */
};

struct ue_res_layout {
    int nof_prb, max_ues, sr_period;
    int n_f1_prbs, n_f2_prbs;
    int n_sr_offsets;
    int sr_offsets[UE_RES_MAX_SR_PERIOD];
};

/* The layout for max_ues contexts on an nof_prb carrier with SR period sr_period slots (1..80); in TDD the
 * period must be a multiple of the pattern's (so each offset is UL in every period). Returns 0, or -EINVAL (a
 * region that would reach PRB 1 or more than a third of the carrier, no UL slot in the period, bad values). */
int ue_res_layout_init(struct ue_res_layout *l, int nof_prb, int max_ues, int sr_period,
                       const struct slot_pattern *pattern);

/* The most contexts whose region fits an nof_prb carrier (at most a third of it, UE_RES_MAX_UES at most);
 * 0 when none does. */
int ue_res_max_ues(int nof_prb);

/* UE context k's resources. Returns 0 or -EINVAL (k outside 0..max_ues-1). */
int ue_res_get(const struct ue_res_layout *l, int k, struct ue_pucch_res *r);

/* The PRBs of the dedicated region: [*first, *first + *nof). */
void ue_res_region(const struct ue_res_layout *l, int *first, int *nof);

#endif
