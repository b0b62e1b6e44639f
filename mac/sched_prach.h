/* PRACH occasions: which UL slots hold a PRACH occasion the UE may use, and where its samples are.
 *
 * From the cell's prach-ConfigurationIndex (38.211 Tables 6.3.3.2-2 paired / 6.3.3.2-3 unpaired, through
 * phy/ch/prach_config.h): the subframes of frames with n_f mod x = y, and in them the occasions' t_start^RA and
 * lengths (38.211 5.3.2). Each occasion is given to PHY UL in the slot that holds its last sample (PHY UL keeps
 * the samples of the slots before), with the slot and sample where it starts.
 * TDD (38.213 8.1, a UE given tdd-UL-DL-ConfigurationCommon): an occasion is valid when every carrier symbol it
 * touches is UL, or when it touches no DL symbol, starts at least N_gap symbols after the slot's last DL symbol
 * (N_gap = 0 for L_RA = 839 and for 1.25/5 kHz, 2 for the short formats; 38.213 Table 8.1-2) and no DL symbol
 * follows it in the slot (no SS/PBCH block after it). Invalid occasions are never requested: the UE does not
 * use them either.
 * RA-RNTI per 38.321 5.1.3 with s_id / t_id in the PRACH numerology (mu = 0 for the long formats).
 *
 * Threading: plain data after sched_prach_init; used by the MAC stage only.
 */
#ifndef GNBD_MAC_SCHED_PRACH_H
#define GNBD_MAC_SCHED_PRACH_H

#include <stdbool.h>
#include <stdint.h>

#include "mac/slot_pattern.h"
#include "phy/ul/phy_ul.h"

struct sched_prach_config {
    int config_index;          /* prach-ConfigurationIndex */
    bool unpaired;             /* Table 6.3.3.2-3 */
    int scs_khz;               /* carrier (UL BWP) SCS: 15 or 30 */
    int ra_scs_khz;            /* short formats: msg1-SubcarrierSpacing (15 or 30); ignored for long formats */
    int msg1_fdm;              /* 1, 2, 4, 8 frequency occasions */
    double sample_rate_hz;
};

struct sched_prach {
    struct sched_prach_config cfg;
    struct slot_pattern pattern;
    int mu;                    /* carrier numerology */
    int slot_kappa;            /* slot length in kappa units (30720 >> mu) */
    int max_span_subframes;    /* how many subframes back an occasion ending in a slot may have started */
    int n_gap;                 /* 38.213 Table 8.1-2, in symbols */
};

/* Returns 0, or -EINVAL for an unknown index or SCS, an occasion that is not a whole number of samples at the
 * sample rate, or (TDD) a configuration none of whose occasions is valid in the pattern over 16 frames. */
int sched_prach_init(struct sched_prach *s, const struct sched_prach_config *cfg, const struct slot_pattern *pattern);

/* The occasions whose last sample is in slot `slot` of the stream (slot 0 = SFN 0 slot 0): writes up to max
 * (one per time occasion and msg1-FDM index) and returns their number. */
int sched_prach_slot(const struct sched_prach *s, uint64_t slot, struct ul_prach_occasion *out, int max);

/* Whether any valid occasion has samples in slot `slot` (ending there or in a later slot): PHY UL must keep that
 * slot's samples (struct ul_slot_request.prach_samples); other slots it need not read. */
bool sched_prach_slot_covered(const struct sched_prach *s, uint64_t slot);

/* Samples PHY UL must keep to cover the longest occasion of the configuration, in slots (>= 1). */
int sched_prach_history_slots(const struct sched_prach *s);

#endif
