/* ServingCellConfigCommonSIB and the common (cell-wide) configuration IEs inside it (38.331 6.3.2):
 * DownlinkConfigCommonSIB (FrequencyInfoDL-SIB, BWP-DownlinkCommon with PDCCH-ConfigCommon and
 * PDSCH-ConfigCommon, BCCH-Config, PCCH-Config), UplinkConfigCommonSIB (FrequencyInfoUL-SIB, BWP-UplinkCommon
 * with RACH-ConfigCommon, PUSCH-ConfigCommon, PUCCH-ConfigCommon, timeAlignmentTimerCommon),
 * TDD-UL-DL-ConfigCommon, ssb-PositionsInBurst, ssb-PeriodicityServingCell, ss-PBCH-BlockPower.
 *
 * Plain structs with numbers in natural units (dBm, dB, slots, subframes, ms); SetupRelease fields hold an
 * enum per_setup_release. One two-way codec per IE (asn1/per.h); fields gnbd never sends are encoded
 * absent and rejected with -ENOTSUP when decoding. Threading: pure functions; any thread.
 */
#ifndef GNBD_RRC_MSG_SERVING_CELL_COMMON_H
#define GNBD_RRC_MSG_SERVING_CELL_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "asn1/per.h"
#include "rrc/msg/common_ies.h"

#define RRC_MAX_MULTI_BANDS 8  /* maxNrofMultiBands */
#define RRC_MAX_SCS 5          /* maxSCSs */
#define RRC_MAX_COMMON_SS 4    /* commonSearchSpaceList SIZE (1..4) */

/* PDCCH-ConfigCommon. */
struct rrc_pdcch_config_common {
    bool has_coreset_zero;
    int coreset_zero;            /* controlResourceSetZero 0..15 */
    bool has_common_coreset;
    struct rrc_coreset common_coreset;
    bool has_ss_zero;
    int ss_zero;                 /* searchSpaceZero 0..15 */
    int nof_common_ss;           /* commonSearchSpaceList, 0 = absent */
    struct rrc_search_space common_ss[RRC_MAX_COMMON_SS];
    bool has_ss_sib1, has_ss_other_si, has_paging_ss, has_ra_ss;
    int ss_sib1, ss_other_si, paging_ss, ra_ss; /* SearchSpaceId 0..39 */
};

/* BWP-DownlinkCommon. */
struct rrc_bwp_dl_common {
    struct rrc_bwp generic;
    uint8_t pdcch_sr;            /* enum per_setup_release */
    struct rrc_pdcch_config_common pdcch;
    uint8_t pdsch_sr;
    bool pdsch_has_tdra;         /* PDSCH-ConfigCommon.pdsch-TimeDomainAllocationList */
    struct rrc_tdra_list pdsch_tdra;
};

/* RACH-ConfigGeneric. */
struct rrc_rach_config_generic {
    int prach_config_index;      /* 0..255 (38.211 Tables 6.3.3.2-2..4) */
    int msg1_fdm;                /* 1, 2, 4, 8 */
    int msg1_frequency_start;    /* 0..274 PRBs from the BWP start */
    int zero_correlation_zone_config; /* 0..15 */
    int preamble_received_target_power; /* -202..-60 dBm */
    int preamble_trans_max;      /* 3, 4, 5, 6, 7, 8, 10, 20, 50, 100, 200 */
    int power_ramping_step_db;   /* 0, 2, 4, 6 */
    int ra_response_window;      /* slots: 1, 2, 4, 8, 10, 20, 40, 80 */
};

/* ssb-perRACH-Occasion: oneEighth .. sixteen */
enum rrc_ssb_per_ro {
    RRC_SSB_PER_RO_1_8, RRC_SSB_PER_RO_1_4, RRC_SSB_PER_RO_1_2, RRC_SSB_PER_RO_1,
    RRC_SSB_PER_RO_2, RRC_SSB_PER_RO_4, RRC_SSB_PER_RO_8, RRC_SSB_PER_RO_16
};

/* RACH-ConfigCommon (groupBconfigured, rsrp-ThresholdSSB-SUL and the Rel-16/17 additions not modelled). */
struct rrc_rach_config_common {
    struct rrc_rach_config_generic generic;
    bool has_total_preambles;
    int total_preambles;         /* totalNumberOfRA-Preambles 1..63 */
    bool has_ssb_per_ro;
    enum rrc_ssb_per_ro ssb_per_ro;
    int cb_preambles_per_ssb;    /* 4..64 in steps of 4 (up to 32 for two); 1..16, 1..8, 1..4 for four..sixteen */
    int ra_contention_resolution_timer; /* subframes: 8, 16, .. 64 */
    bool has_rsrp_threshold_ssb;
    int rsrp_threshold_ssb;      /* RSRP-Range 0..127 */
    bool prach_root_l139;        /* prach-RootSequenceIndex: false = l839 */
    int prach_root_sequence_index; /* 0..837 (l839) or 0..137 (l139) */
    bool has_msg1_scs;
    int msg1_scs_khz;
    int restricted_set;          /* 0 unrestrictedSet, 1 restrictedSetTypeA, 2 restrictedSetTypeB */
    bool msg3_transform_precoder;
};

/* PUSCH-ConfigCommon. */
struct rrc_pusch_config_common {
    bool group_hopping_enabled_transform_precoding;
    bool has_tdra;
    struct rrc_tdra_list tdra;
    bool has_msg3_delta_preamble;
    int msg3_delta_preamble;     /* -1..6 */
    bool has_p0_nominal_with_grant;
    int p0_nominal_with_grant;   /* -202..24 dBm */
};

/* PUCCH-ConfigCommon. */
struct rrc_pucch_config_common {
    bool has_resource_common;
    int resource_common;         /* pucch-ResourceCommon 0..15 (38.213 Table 9.2.1-1 row) */
    int group_hopping;           /* 0 neither, 1 enable, 2 disable */
    bool has_hopping_id;
    int hopping_id;              /* 0..1023 */
    bool has_p0_nominal;
    int p0_nominal;              /* -202..24 dBm */
};

/* BWP-UplinkCommon. */
struct rrc_bwp_ul_common {
    struct rrc_bwp generic;
    uint8_t rach_sr, pusch_sr, pucch_sr; /* enum per_setup_release */
    struct rrc_rach_config_common rach;
    struct rrc_pusch_config_common pusch;
    struct rrc_pucch_config_common pucch;
};

/* MultiFrequencyBandListNR-SIB: bands (freqBandIndicatorNR; 0 = absent); nr-NS-PmaxList not modelled. */
struct rrc_band_list {
    int n;
    int band[RRC_MAX_MULTI_BANDS];
};

struct rrc_dl_config_common_sib {
    struct rrc_band_list bands;  /* FrequencyInfoDL-SIB */
    int offset_to_point_a;       /* 0..2199 (15 kHz RBs, 38.211 4.4.4.2) */
    int nof_scs;
    struct rrc_scs_carrier scs[RRC_MAX_SCS];
    struct rrc_bwp_dl_common initial_bwp;
    int modification_period_coeff; /* BCCH-Config: 2, 4, 8, 16 */
    int default_paging_cycle;    /* PCCH-Config: radio frames 32, 64, 128, 256 */
    int paging_n_div;            /* nAndPagingFrameOffset: N = T / paging_n_div (1 oneT .. 16 oneSixteenthT) */
    int paging_frame_offset;     /* 0..paging_n_div - 1 */
    int paging_ns;               /* 4, 2, 1 */
};

struct rrc_ul_config_common_sib {
    bool has_bands;              /* FrequencyInfoUL-SIB */
    struct rrc_band_list bands;
    bool has_point_a;
    int absolute_frequency_point_a; /* ARFCN-ValueNR */
    int nof_scs;
    struct rrc_scs_carrier scs[RRC_MAX_SCS];
    bool has_p_max;
    int p_max;                   /* -30..33 dBm */
    bool frequency_shift_7p5khz;
    struct rrc_bwp_ul_common initial_bwp;
    int time_alignment_timer;    /* ms: 500, 750, 1280, 1920, 2560, 5120, 10240; -1 = infinity */
};

/* TDD-UL-DL-Pattern (the Rel-15 extension for 3 and 4 ms not modelled). */
struct rrc_tdd_pattern {
    int period_us;               /* 500, 625, 1000, 1250, 2000, 2500, 5000, 10000 */
    int dl_slots, dl_symbols, ul_slots, ul_symbols;
};

struct rrc_tdd_config_common {
    int ref_scs_khz;
    struct rrc_tdd_pattern pattern1;
    bool has_pattern2;
    struct rrc_tdd_pattern pattern2;
};

struct rrc_serving_cell_config_common_sib {
    struct rrc_dl_config_common_sib dl;
    bool has_ul;
    struct rrc_ul_config_common_sib ul;
    bool has_n_ta_offset;
    int n_ta_offset;             /* n-TimingAdvanceOffset: 0, 25600, 39936 (Tc) */
    uint8_t ssb_in_one_group;    /* ssb-PositionsInBurst.inOneGroup: MSB = SS/PBCH block 0 */
    bool has_group_presence;
    uint8_t group_presence;
    int ssb_periodicity_ms;      /* 5, 10, 20, 40, 80, 160 */
    bool has_tdd;
    struct rrc_tdd_config_common tdd;
    int ss_pbch_block_power;     /* -60..50 dBm */
};

void rrc_pdcch_config_common_codec(struct per *p, struct rrc_pdcch_config_common *v);
void rrc_rach_config_common_codec(struct per *p, struct rrc_rach_config_common *v);
void rrc_pusch_config_common_codec(struct per *p, struct rrc_pusch_config_common *v);
void rrc_pucch_config_common_codec(struct per *p, struct rrc_pucch_config_common *v);
void rrc_tdd_config_common_codec(struct per *p, struct rrc_tdd_config_common *v);
void rrc_serving_cell_config_common_sib_codec(struct per *p, struct rrc_serving_cell_config_common_sib *v);

#endif
