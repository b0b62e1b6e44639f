/* SIB1 builder: the SIB1 (38.331 6.2.2) that gnbd broadcasts, from a plain description of the cell.
 *
 * The cell description holds what the configuration and the cell geometry decide (PLMN, TAC, cell identity,
 * band, duplex, SCS, N_RB, offsetToPointA, UL absoluteFrequencyPointA, CORESET#0/searchSpaceZero, SSB period,
 * PRACH configuration index, TDD pattern); sib1_builder_defaults() fills the rest with the values gnbd uses.
 * The builder then sets every other field as srsUE requires (docs/SRSUE.md §3.5) and as 38.331
 * requires for a phone:
 *   - cellSelectionInfo (mandatory in a standalone cell), one PLMN-IdentityInfo with TAC and cell identity;
 *   - FrequencyInfoDL-SIB (band, offsetToPointA, one SCS carrier of N_RB from point A, optionally its DC
 *     subcarrier: the Rel-15 extension txDirectCurrentLocation),
 *     initial DL BWP = the whole carrier, PDCCH-ConfigCommon with controlResourceSetZero/searchSpaceZero from
 *     the MIB, commonSearchSpaceList = SS#1 on CORESET#0 (common, DCI 0_0/1_0, every slot, symbol 0),
 *     searchSpaceSIB1 0, pagingSearchSpace 1, ra-SearchSpace 1 (srsUE: an SS other than 0), PDSCH time domain
 *     list {k0 0, type A, S = CORESET#0 symbols, L = 14 - S};
 *   - FrequencyInfoUL-SIB (FDD: band and absoluteFrequencyPointA), initial UL BWP = the whole carrier,
 *     RACH-ConfigCommon (msg1-FDM one, msg1-FrequencyStart >= 1 and clear of srsUE's LTE PRACH limit,
 *     prach-RootSequenceIndex l839, unrestricted set, no msg3-transformPrecoder), PUSCH time domain list with an
 *     explicit k2 (srsUE takes an absent k2 as 0), PUCCH-ConfigCommon, timeAlignmentTimerCommon;
 *   - n-TimingAdvanceOffset n0 (srsUE: UL aligned with the DL sample grid), ssb-PositionsInBurst with SS/PBCH
 *     block 0 only, ssb-PeriodicityServingCell, TDD-UL-DL-ConfigCommon only for TDD, ue-TimersAndConstants.
 *
 * Threading: pure functions over caller memory; any thread. No allocation.
 */
#ifndef GNBD_RRC_SIB1_BUILDER_H
#define GNBD_RRC_SIB1_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "rrc/msg/bcch_dl_sch.h"

struct sib1_cell_desc {
    /* identity */
    char mcc[4], mnc[4];         /* digit strings: 3 digits, 2 or 3 digits */
    uint32_t tac;                /* 24 bits */
    uint64_t cell_identity;      /* 36 bits */
    /* carrier (from the cell geometry) */
    int band;
    bool tdd;
    int scs_khz;
    int nof_prb;
    int offset_to_point_a;       /* 38.211 4.4.4.2, 15 kHz RBs */
    int ul_point_a_arfcn;        /* absoluteFrequencyPointA of the UL carrier (FDD) */
    int coreset0_index, searchspace0_index;
    int coreset0_nof_symbols;    /* 1..3: the SIB1/RAR/Msg4 PDSCH starts after it */
    int ssb_periodicity_ms;
    struct rrc_tdd_pattern tdd_pattern; /* with tdd */
    /* random access */
    int prach_config_index;
    bool prach_short_format;     /* the index's format is short (L_RA = 139): root index l139, msg1-SCS given */
    int msg1_frequency_start;    /* -1: the lowest start srsUE accepts (docs/SRSUE.md §3.5) */
    int zero_correlation_zone_config;
    int preamble_received_target_power; /* dBm */
    int prach_root_sequence_index;      /* l839 */
    int ra_response_window;      /* slots */
    int ra_contention_resolution_timer; /* subframes */
    int preamble_trans_max;
    int power_ramping_step_db;
    int msg3_k2;                 /* k2 of the PUSCH time domain list (Msg3 at RAR slot + k2 + delta) */
    int pucch_resource_common;   /* 38.213 Table 9.2.1-1 row */
    int ss1_candidates[5];       /* SS#1 PDCCH candidates at aggregation levels 1, 2, 4, 8, 16 */
    int ss_pbch_block_power;     /* dBm */
    bool signal_dl_dc;           /* send txDirectCurrentLocation (the DL DC at the carrier centre) */
    bool srsue_compatible;       /* enforce srsUE's limits (PRACH index 0..15, msg1-FrequencyStart) */
};

/* Sets every field to gnbd's defaults (the reference cell: band 3 FDD, 52 PRB at 15 kHz, PLMN 001/01); the
 * caller then overwrites what its configuration and geometry give. */
void sib1_builder_defaults(struct sib1_cell_desc *d);

/* Builds the SIB1. Returns 0, or -EINVAL when the description cannot make a valid SIB1 (a value outside its
 * range, PRACH outside the carrier, a PRACH index srsUE cannot use with srsue_compatible). */
int sib1_builder_build(const struct sib1_cell_desc *d, struct rrc_sib1 *sib1);

/* The msg1-FrequencyStart the builder uses for -1: 1, or with srsue_compatible the PRBs srsUE's LTE-based
 * PRACH needs ((N_RB - the LTE bandwidth below it) / 2, at least 1). */
int sib1_builder_msg1_frequency_start(const struct sib1_cell_desc *d);

#endif
