/* The common-channel part of the per-slot DL scheduler: it fills each DL slot request with what every UE
 * needs, in priority order, each taking the room the ones before it leave:
 *   1. SS/PBCH blocks (38.213 4.1 positions, ssb-PositionsInBurst, ssb-periodicityServingCell) with the frame's
 *      MIB;
 *   2. SIB1 (mac/sched_sib1.h: DCI 1_0 with SI-RNTI in the Type0-PDCCH CSS of CORESET#0, and its PDSCH, every
 *      20 ms, planned once so that it never touches an SSB resource element);
 *   RAR, Msg4, paging and UE data come with their issues.
 *
 * Time: slot numbers count from the start of the stream epoch, and SFN 0 slot 0 is epoch sample 0 (a new epoch
 * = a new peer restarts the frame count, which is what srsUE sees: its first sample is SFN 0).
 * Threading: one object, used by the MAC stage only. No allocation.
 */
#ifndef GNBD_MAC_SCHED_COMMON_H
#define GNBD_MAC_SCHED_COMMON_H

#include <stdbool.h>

#include "mac/sched_sib1.h"
#include "phy/ch/ssb.h"
#include "phy/dl/phy_dl.h"
#include "rrc/mib.h"

struct sched_common_config {
    int scs_khz;                      /* carrier (common) SCS */
    struct ssb_burst_config burst;
    int ssb_first_subcarrier;         /* carrier subcarrier of the blocks' subcarrier 0 (cell geometry), -1: unknown */
    struct mib mib;                   /* the MIB fields; sfn is filled per frame */
    bool sib1;                        /* broadcast SIB1 as sib1_plan says (its codeword: PHY_DL_CW_SIB1) */
    struct sched_sib1_plan sib1_plan;
};

struct sched_common {
    struct sched_common_config cfg;
    int slots_per_frame;
    struct dl_pdcch sib1_pdcch;       /* the SIB1 DCI on its candidate, ready to copy into a request */
};

/* Returns 0, or -EINVAL for an SCS other than 15/30 kHz or a SIB1 plan whose DCI does not fit a request. */
int sched_common_init(struct sched_common *s, const struct sched_common_config *cfg);
/* The CRBs [*lo, *hi] the slot's SS/PBCH blocks occupy (the whole carrier of nof_prb when their place is
 * unknown), and in *symbols (bit l = symbol l) where: 0 when req has no block. */
void sched_common_ssb_rbs(const struct sched_common *s, const struct dl_slot_request *req, int nof_prb, int *lo,
                          int *hi, unsigned *symbols);
/* Fill req for DL slot `slot` of the epoch (SFN, SSB occasions, MIB bits, SIB1 PDCCH + PDSCH when due).
 * Returns 0 or -EINVAL. */
int sched_common_dl_slot(const struct sched_common *s, uint64_t slot, struct dl_slot_request *req);

#endif
