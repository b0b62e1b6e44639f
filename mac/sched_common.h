/* The common-channel part of the per-slot DL scheduler: it fills each DL slot request with what every UE
 * needs, in priority order: SS/PBCH blocks (38.213 4.1 positions, ssb-PositionsInBurst, ssb-periodicity) with
 * the frame's MIB; SIB1, RAR, Msg4 and paging come with their issues and take the room the SSB leaves.
 *
 * Time: slot numbers count from the start of the stream epoch, and SFN 0 slot 0 is epoch sample 0 (a new epoch
 * = a new peer restarts the frame count, which is what srsUE sees: its first sample is SFN 0).
 * Threading: one object, used by the MAC stage only. No allocation.
 */
#ifndef GNBD_MAC_SCHED_COMMON_H
#define GNBD_MAC_SCHED_COMMON_H

#include "phy/ch/ssb.h"
#include "phy/dl/phy_dl.h"
#include "rrc/mib.h"

struct sched_common_config {
    int scs_khz;                      /* carrier (common) SCS */
    struct ssb_burst_config burst;
    struct mib mib;                   /* the MIB fields; sfn is filled per frame */
};

struct sched_common {
    struct sched_common_config cfg;
    int slots_per_frame;
};

int sched_common_init(struct sched_common *s, const struct sched_common_config *cfg);
/* Fill req for DL slot `slot` of the epoch (SFN, SSB occasions, MIB bits). Returns 0 or -EINVAL. */
int sched_common_dl_slot(const struct sched_common *s, uint64_t slot, struct dl_slot_request *req);

#endif
