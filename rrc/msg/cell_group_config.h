/* CellGroupConfig (38.331 6.3.2): the cell group a UE is given in RRCSetup's masterCellGroup (an OCTET STRING
 * containing it) and later in RRCReconfiguration: RLC bearers (RLC-BearerConfig with RLC-Config AM/UM and the
 * MAC LogicalChannelConfig), MAC-CellGroupConfig (scheduling request, BSR, TAG, PHR), PhysicalCellGroupConfig
 * and SpCellConfig (RLF timers, spCellConfigDedicated = rrc/msg/serving_cell_config.h). SCells, DRX,
 * reconfigurationWithSync and the Rel-16/17 additions are not modelled (encoded absent; -ENOTSUP when decoded).
 *
 * Timer and size enumerations hold their values (ms, subframes, kB, PDUs; -1 = infinity). Threading: pure
 * functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_CELL_GROUP_CONFIG_H
#define GNBD_RRC_MSG_CELL_GROUP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asn1/per.h"
#include "rrc/msg/serving_cell_config.h"

#define RRC_MAX_RLC_BEARERS 8          /* kept here; 38.331 allows maxLC-ID = 32 */
#define RRC_MAX_SR_CONFIGS 8           /* maxNrofSR-ConfigPerCellGroup */
#define RRC_MAX_TAGS 4                 /* maxNrofTAGs */
#define RRC_CELL_GROUP_MAX_BYTES 2048  /* scratch for the nested encoding of a CellGroupConfig */
#define RRC_INFINITY (-1)

enum rrc_rlc_mode { RRC_RLC_AM, RRC_RLC_UM_BI, RRC_RLC_UM_UNI_UL, RRC_RLC_UM_UNI_DL };

struct rrc_rlc_config {
    enum rrc_rlc_mode mode;
    /* AM: UL-AM-RLC and DL-AM-RLC */
    bool ul_has_sn, dl_has_sn;
    int ul_sn_len, dl_sn_len;          /* AM: 12, 18; UM: 6, 12 */
    int t_poll_retransmit;             /* ms: 5..4000 (and 1..4 of Rel-16) */
    int poll_pdu;                      /* PDUs 4..65536 or RRC_INFINITY */
    int poll_byte;                     /* kB 1..40000 or RRC_INFINITY */
    int max_retx_threshold;            /* 1, 2, 3, 4, 6, 8, 16, 32 */
    int t_reassembly;                  /* ms 0..200 (AM and UM DL) */
    int t_status_prohibit;             /* ms 0..2400 */
};

struct rrc_logical_channel_config {
    bool has_ul_specific;
    int priority;                      /* 1..16 */
    int prioritised_bit_rate;          /* kB/s 0..65536 or RRC_INFINITY */
    int bucket_size_duration;          /* ms 5..1000 */
    bool configured_grant_type1_allowed;
    bool has_lcg;
    int lcg;                           /* 0..7 */
    bool has_sr_id;
    int sr_id;                         /* 0..7 */
    bool sr_mask;
    bool sr_delay_timer_applied;
};

struct rrc_rlc_bearer_config {
    int lcid;                          /* logicalChannelIdentity 1..32 */
    bool has_served_radio_bearer;
    bool served_is_drb;
    int radio_bearer_id;               /* srb-Identity 1..3 or drb-Identity 1..32 */
    bool reestablish_rlc;
    bool has_rlc_config;
    struct rrc_rlc_config rlc;
    bool has_mac_lc_config;
    struct rrc_logical_channel_config mac_lc;
};

struct rrc_sr_config {
    int id;                            /* 0..7 */
    bool has_prohibit_timer;
    int prohibit_timer;                /* ms 1..128 */
    int trans_max;                     /* 4, 8, 16, 32, 64 */
};

struct rrc_mac_cell_group_config {
    bool has_sr_config;                /* schedulingRequestConfig */
    int nof_sr;                        /* schedulingRequestToAddModList, 0 = absent */
    struct rrc_sr_config sr[RRC_MAX_SR_CONFIGS];
    bool has_bsr;
    int periodic_bsr_timer;            /* subframes 1..2560 or RRC_INFINITY */
    int retx_bsr_timer;                /* subframes 10..10240 */
    bool has_lc_sr_delay_timer;
    int lc_sr_delay_timer;             /* subframes 20..2560 */
    bool has_tag_config;
    int nof_tags;                      /* tag-ToAddModList, 0 = absent */
    struct { int id; int ta_timer; } tag[RRC_MAX_TAGS]; /* ta_timer: ms or RRC_INFINITY */
    uint8_t phr_sr;                    /* enum per_setup_release */
    int phr_periodic_timer;            /* subframes 10..1000 or RRC_INFINITY */
    int phr_prohibit_timer;            /* subframes 0..1000 */
    int phr_tx_power_factor_change;    /* dB 1, 3, 6 or RRC_INFINITY */
    bool phr_multiple, phr_dummy, phr_type2_other_cell;
    bool phr_mode_other_cg_virtual;
    bool skip_uplink_tx_dynamic;
};

struct rrc_physical_cell_group_config {
    bool harq_ack_spatial_bundling_pucch, harq_ack_spatial_bundling_pusch;
    bool has_p_nr_fr1;
    int p_nr_fr1;                      /* -30..33 dBm */
    bool harq_ack_codebook_dynamic;    /* pdsch-HARQ-ACK-Codebook: false = semiStatic */
    bool has_tpc_srs_rnti, has_tpc_pucch_rnti, has_tpc_pusch_rnti, has_sp_csi_rnti;
    int tpc_srs_rnti, tpc_pucch_rnti, tpc_pusch_rnti, sp_csi_rnti;
};

struct rrc_sp_cell_config {
    bool has_serv_cell_index;
    int serv_cell_index;               /* 0..31 */
    uint8_t rlf_sr;                    /* rlf-TimersAndConstants: enum per_setup_release */
    int rlf_t310;                      /* ms 0..6000 */
    int rlf_n310, rlf_n311;
    bool rlm_in_sync_out_of_sync_threshold; /* ENUMERATED {n1} */
    bool has_dedicated;
    struct rrc_serving_cell_config dedicated;
};

struct rrc_cell_group_config {
    int cell_group_id;                 /* 0..3 */
    int nof_rlc_bearers;               /* rlc-BearerToAddModList, 0 = absent */
    struct rrc_rlc_bearer_config rlc_bearer[RRC_MAX_RLC_BEARERS];
    int nof_rlc_release;               /* rlc-BearerToReleaseList, 0 = absent */
    int rlc_release[RRC_MAX_RLC_BEARERS];
    bool has_mac;
    struct rrc_mac_cell_group_config mac;
    bool has_phy;
    struct rrc_physical_cell_group_config phy;
    bool has_sp_cell;
    struct rrc_sp_cell_config sp_cell;
};

void rrc_cell_group_config_codec(struct per *p, struct rrc_cell_group_config *v);

/* A CellGroupConfig as its own complete encoding (the content of masterCellGroup). */
int rrc_cell_group_config_encode(const struct rrc_cell_group_config *cg, uint8_t *buf, size_t cap, size_t *len);
int rrc_cell_group_config_decode(const uint8_t *buf, size_t len, struct rrc_cell_group_config *cg);

#endif
