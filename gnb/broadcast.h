/* The cell's broadcast channels from the validated configuration: which SS/PBCH blocks are sent and when
 * (38.213 4.1, 38.331 ssb-PositionsInBurst / ssb-periodicityServingCell), the MIB fields (38.331 6.2.2), and the
 * SIB1: its bytes from the RRC encoder (gnb/rrc_config.h) and its PDCCH/PDSCH plan (mac/sched_sib1.h). The
 * pipeline builds its scheduler and PHY DL from these; `gnbd --check-config` runs the same planning, so that a
 * configuration whose SIB1 cannot be sent (e.g. a searchSpaceZero row srsUE cannot monitor) is rejected before
 * anything starts, and prints where the SIB1 goes.
 *
 * Threading: main thread at start (config time); the results are plain data.
 */
#ifndef GNBD_BROADCAST_H
#define GNBD_BROADCAST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gnb/config.h"
#include "mac/sched_sib1.h"
#include "phy/ch/ssb.h"
#include "phy/geometry/cell_geometry.h"
#include "rrc/mib.h"

#define BROADCAST_SIB1_MCS 5   /* preferred SIB1 MCS (raised up to 9 only when needed) */
#define BROADCAST_SIB1_AL 8    /* SIB1 PDCCH aggregation level */
#define BROADCAST_TB_MAX 512   /* bytes: a SIB1 of at most 372 bytes plus one PRB's worth of padding */

struct broadcast_sib1 {
    uint8_t msg[SCHED_SIB1_MAX_BYTES];   /* the BCCH-DL-SCH message (SIB1) */
    size_t len;
    struct sched_sib1_plan plan;
    uint8_t tb[BROADCAST_TB_MAX];        /* msg zero-padded to plan.tbs / 8 bytes */
};

/* SS/PBCH block 0 only (the one srsUE searches) every cell.ssb_periodicity_ms, first half frame. */
void broadcast_ssb_burst(const struct gnbd_config *cfg, const struct cell_geometry *g, struct ssb_burst_config *b);

/* The MIB fields (sfn left 0: the scheduler fills it per frame). */
void broadcast_mib(const struct gnbd_config *cfg, const struct cell_geometry *g, struct mib *m);

/* Encodes the SIB1 of cfg and plans its broadcast. Returns 0, or -EINVAL with a one-line reason in err. */
int broadcast_sib1(const struct gnbd_config *cfg, const struct cell_geometry *g, struct broadcast_sib1 *out,
                   char *err, size_t errlen);

/* Config cross-check (run by the geometry hook once the geometry is valid): reports to err why the SIB1 cannot
 * be broadcast, as config_report() lines; returns the number of errors (0 or 1). */
int broadcast_check(const struct gnbd_config *cfg, const struct cell_geometry *g, FILE *err);

/* "# " comment lines for --check-config: the SIB1's size and where and how it is sent. */
void broadcast_print(const struct gnbd_config *cfg, const struct cell_geometry *g, FILE *out);

#endif
