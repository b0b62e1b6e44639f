/* CellGroupConfig and its RLC/MAC/PHY cell-group IEs (38.331 6.3.2); see cell_group_config.h. */
#include "rrc/msg/cell_group_config.h"

#include <errno.h>

#define SPARE (-1000) /* spare values of an ENUMERATED: never matched by a value we encode */

static const int t_poll_retransmit_values[64] = {
    5,   10,  15,  20,  25,  30,  35,  40,  45,  50,  55,  60,  65,  70,  75,  80,  85,  90,  95,  100, 105, 110,
    115, 120, 125, 130, 135, 140, 145, 150, 155, 160, 165, 170, 175, 180, 185, 190, 195, 200, 205, 210, 215, 220,
    225, 230, 235, 240, 245, 250, 300, 350, 400, 450, 500, 800, 1000, 2000, 4000, 1, 2, 3, 4, SPARE};
static const int poll_pdu_values[32] = {4,     8,     16,    32,    64,    128,   256,   512,   1024,  2048,  4096,
                                        6144,  8192,  12288, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344,
                                        65536, RRC_INFINITY, SPARE - 1, SPARE - 2, SPARE - 3, SPARE - 4, SPARE - 5,
                                        SPARE - 6, SPARE - 7, SPARE - 8};
static const int poll_byte_values[64] = {
    1,     2,     5,     8,     10,    15,    25,    50,    75,    100,   125,   250,   375,   500,   750,   1000,
    1250,  1500,  2000,  3000,  4000,  4500,  5000,  5500,  6000,  6500,  7000,  7500,  8000,  9000,  10000, 11000,
    12000, 13000, 14000, 15000, 16000, 17000, 18000, 20000, 25000, 30000, 40000, RRC_INFINITY, SPARE - 1, SPARE - 2,
    SPARE - 3, SPARE - 4, SPARE - 5, SPARE - 6, SPARE - 7, SPARE - 8, SPARE - 9, SPARE - 10, SPARE - 11, SPARE - 12,
    SPARE - 13, SPARE - 14, SPARE - 15, SPARE - 16, SPARE - 17, SPARE - 18, SPARE - 19, SPARE - 20};
static const int max_retx_values[8] = {1, 2, 3, 4, 6, 8, 16, 32};
static const int t_reassembly_values[32] = {0,   5,   10,  15,  20,  25,  30,  35,  40,  45,  50,
                                            55,  60,  65,  70,  75,  80,  85,  90,  95,  100, 110,
                                            120, 130, 140, 150, 160, 170, 180, 190, 200, SPARE};
static const int t_status_prohibit_values[64] = {
    0,   5,   10,  15,  20,  25,  30,  35,  40,  45,  50,  55,  60,  65,  70,  75,  80,  85,  90,  95,  100, 105,
    110, 115, 120, 125, 130, 135, 140, 145, 150, 155, 160, 165, 170, 175, 180, 185, 190, 195, 200, 205, 210, 215,
    220, 225, 230, 235, 240, 245, 250, 300, 350, 400, 450, 500, 800, 1000, 1200, 1600, 2000, 2400, SPARE, SPARE - 1};
static const int sn_am_values[2] = {12, 18};
static const int sn_um_values[2] = {6, 12};
static const int pbr_values[16] = {0,    8,    16,   32,    64,    128,   256,   512,
                                   1024, 2048, 4096, 8192, 16384, 32768, 65536, RRC_INFINITY};
static const int bsd_values[16] = {5,         10,        20,        50,        100,       150,       300,       500,
                                   1000,      SPARE,     SPARE - 1, SPARE - 2, SPARE - 3, SPARE - 4, SPARE - 5, SPARE - 6};
static const int sr_prohibit_values[8] = {1, 2, 4, 8, 16, 32, 64, 128};
static const int sr_trans_max_values[8] = {4, 8, 16, 32, 64, SPARE, SPARE - 1, SPARE - 2};
static const int periodic_bsr_values[16] = {1,  5,   10,  16,  20,  32,  40,   64,
                                            80, 128, 160, 320, 640, 1280, 2560, RRC_INFINITY};
static const int retx_bsr_values[16] = {10,   20,   40,    80,        160,       320,       640,       1280,
                                        2560, 5120, 10240, SPARE,     SPARE - 1, SPARE - 2, SPARE - 3, SPARE - 4};
static const int sr_delay_values[8] = {20, 40, 64, 128, 512, 1024, 2560, SPARE};
static const int ta_timer_values[8] = {500, 750, 1280, 1920, 2560, 5120, 10240, RRC_INFINITY};
static const int phr_periodic_values[8] = {10, 20, 50, 100, 200, 500, 1000, RRC_INFINITY};
static const int phr_prohibit_values[8] = {0, 10, 20, 50, 100, 200, 500, 1000};
static const int phr_factor_values[4] = {1, 3, 6, RRC_INFINITY};
static const int rlf_t310_values[9] = {0, 50, 100, 200, 500, 1000, 2000, 4000, 6000};
static const int n310_values[8] = {1, 2, 3, 4, 6, 8, 10, 20};
static const int n311_values[8] = {1, 2, 3, 4, 5, 6, 8, 10};

static void rlc_config_codec(struct per *p, struct rrc_rlc_config *v)
{
    int mode = (int)v->mode;
    per_choice(p, &mode, 4, true); /* RLC-Config ::= CHOICE { am, um-Bi-Directional, um-Uni-Directional-UL, -DL, ... } */
    v->mode = (enum rrc_rlc_mode)mode;
    bool am = v->mode == RRC_RLC_AM;
    const int *sn = am ? sn_am_values : sn_um_values;
    if (v->mode != RRC_RLC_UM_UNI_DL) { /* UL-AM-RLC / UL-UM-RLC */
        per_opt(p, &v->ul_has_sn);
        if (v->ul_has_sn) per_enum_value(p, &v->ul_sn_len, sn, 2, false);
        if (am) {
            per_enum_value(p, &v->t_poll_retransmit, t_poll_retransmit_values, 64, false);
            per_enum_value(p, &v->poll_pdu, poll_pdu_values, 32, false);
            per_enum_value(p, &v->poll_byte, poll_byte_values, 64, false);
            per_enum_value(p, &v->max_retx_threshold, max_retx_values, 8, false);
        }
    }
    if (v->mode != RRC_RLC_UM_UNI_UL) { /* DL-AM-RLC / DL-UM-RLC */
        per_opt(p, &v->dl_has_sn);
        if (v->dl_has_sn) per_enum_value(p, &v->dl_sn_len, sn, 2, false);
        per_enum_value(p, &v->t_reassembly, t_reassembly_values, 32, false);
        if (am) per_enum_value(p, &v->t_status_prohibit, t_status_prohibit_values, 64, false);
    }
}

static void logical_channel_config_codec(struct per *p, struct rrc_logical_channel_config *v)
{
    bool ext = false, uext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_ul_specific);
    if (v->has_ul_specific) {
        per_ext(p, &uext);
        for (int i = 0; i < 3; i++) per_opt_none(p); /* allowedServingCells, allowedSCS-List, maxPUSCH-Duration */
        per_opt(p, &v->configured_grant_type1_allowed);
        per_opt(p, &v->has_lcg);
        per_opt(p, &v->has_sr_id);
        per_int(p, &v->priority, 1, 16);
        per_enum_value(p, &v->prioritised_bit_rate, pbr_values, 16, false);
        per_enum_value(p, &v->bucket_size_duration, bsd_values, 16, false);
        if (v->has_lcg) per_int(p, &v->lcg, 0, 7);
        if (v->has_sr_id) per_int(p, &v->sr_id, 0, 7);
        per_bool(p, &v->sr_mask);
        per_bool(p, &v->sr_delay_timer_applied);
        per_ext_skip(p, uext);
    }
    per_ext_skip(p, ext);
}

static void rlc_bearer_codec(struct per *p, struct rrc_rlc_bearer_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_served_radio_bearer);
    per_opt(p, &v->reestablish_rlc);
    per_opt(p, &v->has_rlc_config);
    per_opt(p, &v->has_mac_lc_config);
    per_int(p, &v->lcid, 1, 32);
    if (v->has_served_radio_bearer) {
        int alt = v->served_is_drb; /* CHOICE { srb-Identity (1..3), drb-Identity (1..32) } */
        per_choice(p, &alt, 2, false);
        v->served_is_drb = alt == 1;
        per_int(p, &v->radio_bearer_id, 1, v->served_is_drb ? 32 : 3);
    }
    if (v->has_rlc_config) rlc_config_codec(p, &v->rlc);
    if (v->has_mac_lc_config) logical_channel_config_codec(p, &v->mac_lc);
    per_ext_skip(p, ext);
}

static void sr_config_codec(struct per *p, struct rrc_mac_cell_group_config *v)
{
    bool has_add = v->nof_sr > 0;
    per_opt(p, &has_add);
    per_opt_none(p); /* schedulingRequestToReleaseList */
    if (!has_add) return;
    per_size(p, &v->nof_sr, 1, RRC_MAX_SR_CONFIGS, RRC_MAX_SR_CONFIGS);
    for (int i = 0; i < v->nof_sr; i++) {
        struct rrc_sr_config *s = &v->sr[i];
        per_opt(p, &s->has_prohibit_timer);
        per_int(p, &s->id, 0, 7);
        if (s->has_prohibit_timer) per_enum_value(p, &s->prohibit_timer, sr_prohibit_values, 8, false);
        per_enum_value(p, &s->trans_max, sr_trans_max_values, 8, false);
    }
}

static void bsr_config_codec(struct per *p, struct rrc_mac_cell_group_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_lc_sr_delay_timer);
    per_enum_value(p, &v->periodic_bsr_timer, periodic_bsr_values, 16, false);
    per_enum_value(p, &v->retx_bsr_timer, retx_bsr_values, 16, false);
    if (v->has_lc_sr_delay_timer) per_enum_value(p, &v->lc_sr_delay_timer, sr_delay_values, 8, false);
    per_ext_skip(p, ext);
}

static void tag_config_codec(struct per *p, struct rrc_mac_cell_group_config *v)
{
    bool has_add = v->nof_tags > 0;
    per_opt_none(p); /* tag-ToReleaseList */
    per_opt(p, &has_add);
    if (!has_add) return;
    per_size(p, &v->nof_tags, 1, RRC_MAX_TAGS, RRC_MAX_TAGS);
    for (int i = 0; i < v->nof_tags; i++) {
        bool ext = false;
        per_ext(p, &ext);
        per_int(p, &v->tag[i].id, 0, 3);
        per_enum_value(p, &v->tag[i].ta_timer, ta_timer_values, 8, false);
        per_ext_skip(p, ext);
    }
}

static void phr_config_codec(struct per *p, struct rrc_mac_cell_group_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_enum_value(p, &v->phr_periodic_timer, phr_periodic_values, 8, false);
    per_enum_value(p, &v->phr_prohibit_timer, phr_prohibit_values, 8, false);
    per_enum_value(p, &v->phr_tx_power_factor_change, phr_factor_values, 4, false);
    per_bool(p, &v->phr_multiple);
    per_bool(p, &v->phr_dummy);
    per_bool(p, &v->phr_type2_other_cell);
    int mode = v->phr_mode_other_cg_virtual;
    per_enum(p, &mode, 2, false);
    v->phr_mode_other_cg_virtual = mode == 1;
    per_ext_skip(p, ext);
}

static void mac_cell_group_codec(struct per *p, struct rrc_mac_cell_group_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_none(p); /* drx-Config */
    per_opt(p, &v->has_sr_config);
    per_opt(p, &v->has_bsr);
    per_opt(p, &v->has_tag_config);
    per_opt_sr(p, &v->phr_sr);
    if (v->has_sr_config) sr_config_codec(p, v);
    if (v->has_bsr) bsr_config_codec(p, v);
    if (v->has_tag_config) tag_config_codec(p, v);
    if (per_setup_release(p, &v->phr_sr)) phr_config_codec(p, v);
    per_bool(p, &v->skip_uplink_tx_dynamic);
    per_ext_skip(p, ext);
}

static void physical_cell_group_codec(struct per *p, struct rrc_physical_cell_group_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->harq_ack_spatial_bundling_pucch); /* ENUMERATED {true} OPTIONAL */
    per_opt(p, &v->harq_ack_spatial_bundling_pusch);
    per_opt(p, &v->has_p_nr_fr1);
    per_opt(p, &v->has_tpc_srs_rnti);
    per_opt(p, &v->has_tpc_pucch_rnti);
    per_opt(p, &v->has_tpc_pusch_rnti);
    per_opt(p, &v->has_sp_csi_rnti);
    per_opt_none(p); /* cs-RNTI */
    if (v->has_p_nr_fr1) per_int(p, &v->p_nr_fr1, -30, 33);
    int codebook = v->harq_ack_codebook_dynamic;
    per_enum(p, &codebook, 2, false);
    v->harq_ack_codebook_dynamic = codebook == 1;
    if (v->has_tpc_srs_rnti) per_int(p, &v->tpc_srs_rnti, 0, 65535);
    if (v->has_tpc_pucch_rnti) per_int(p, &v->tpc_pucch_rnti, 0, 65535);
    if (v->has_tpc_pusch_rnti) per_int(p, &v->tpc_pusch_rnti, 0, 65535);
    if (v->has_sp_csi_rnti) per_int(p, &v->sp_csi_rnti, 0, 65535);
    per_ext_skip(p, ext);
}

static void sp_cell_codec(struct per *p, struct rrc_sp_cell_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_serv_cell_index);
    per_opt_none(p); /* reconfigurationWithSync */
    per_opt_sr(p, &v->rlf_sr);
    per_opt(p, &v->rlm_in_sync_out_of_sync_threshold);
    per_opt(p, &v->has_dedicated);
    if (v->has_serv_cell_index) per_int(p, &v->serv_cell_index, 0, 31);
    if (per_setup_release(p, &v->rlf_sr)) { /* RLF-TimersAndConstants (its [[ t311 ]] group not sent) */
        bool rext = false;
        per_ext(p, &rext);
        per_enum_value(p, &v->rlf_t310, rlf_t310_values, 9, false);
        per_enum_value(p, &v->rlf_n310, n310_values, 8, false);
        per_enum_value(p, &v->rlf_n311, n311_values, 8, false);
        per_ext_skip(p, rext);
    }
    if (v->has_dedicated) rrc_serving_cell_config_codec(p, &v->dedicated);
    per_ext_skip(p, ext);
}

void rrc_cell_group_config_codec(struct per *p, struct rrc_cell_group_config *v)
{
    bool ext = false, has_add = v->nof_rlc_bearers > 0, has_rel = v->nof_rlc_release > 0;
    per_ext(p, &ext);
    per_opt(p, &has_add);
    per_opt(p, &has_rel);
    per_opt(p, &v->has_mac);
    per_opt(p, &v->has_phy);
    per_opt(p, &v->has_sp_cell);
    per_opt_none(p); /* sCellToAddModList */
    per_opt_none(p); /* sCellToReleaseList */
    per_int(p, &v->cell_group_id, 0, 3);
    if (has_add) {
        per_size(p, &v->nof_rlc_bearers, 1, 32, RRC_MAX_RLC_BEARERS);
        for (int i = 0; i < v->nof_rlc_bearers; i++) rlc_bearer_codec(p, &v->rlc_bearer[i]);
    }
    if (has_rel) {
        per_size(p, &v->nof_rlc_release, 1, 32, RRC_MAX_RLC_BEARERS);
        for (int i = 0; i < v->nof_rlc_release; i++) per_int(p, &v->rlc_release[i], 1, 32);
    }
    if (v->has_mac) mac_cell_group_codec(p, &v->mac);
    if (v->has_phy) physical_cell_group_codec(p, &v->phy);
    if (v->has_sp_cell) sp_cell_codec(p, &v->sp_cell);
    per_ext_skip(p, ext);
}

static void cell_group_message_codec(struct per *p, void *v) { rrc_cell_group_config_codec(p, v); }

int rrc_cell_group_config_encode(const struct rrc_cell_group_config *cg, uint8_t *buf, size_t cap, size_t *len)
{
    return per_encode_message(cell_group_message_codec, cg, buf, cap, len);
}

int rrc_cell_group_config_decode(const uint8_t *buf, size_t len, struct rrc_cell_group_config *cg)
{
    return per_decode_message(cell_group_message_codec, cg, sizeof *cg, buf, len);
}
