/* ServingCellConfigCommonSIB and its common configuration IEs (38.331 6.3.2); see serving_cell_common.h. */
#include "rrc/msg/serving_cell_common.h"

#include <errno.h>

static const int msg1_fdm_values[4] = {1, 2, 4, 8};
static const int trans_max_values[11] = {3, 4, 5, 6, 7, 8, 10, 20, 50, 100, 200};
static const int ramping_values[4] = {0, 2, 4, 6};
static const int ra_window_values[8] = {1, 2, 4, 8, 10, 20, 40, 80};
static const int contention_values[8] = {8, 16, 24, 32, 40, 48, 56, 64};
static const int ta_timer_values[8] = {500, 750, 1280, 1920, 2560, 5120, 10240, -1};
static const int n_ta_offset_values[3] = {0, 25600, 39936};
static const int ssb_period_values[6] = {5, 10, 20, 40, 80, 160};
static const int tdd_period_values[8] = {500, 625, 1000, 1250, 2000, 2500, 5000, 10000};
static const int mod_coeff_values[4] = {2, 4, 8, 16};
static const int paging_cycle_values[4] = {32, 64, 128, 256};
static const int paging_ns_values[3] = {4, 2, 1};

void rrc_pdcch_config_common_codec(struct per *p, struct rrc_pdcch_config_common *v)
{
    bool ext = false, has_css = v->nof_common_ss > 0;
    per_ext(p, &ext);
    per_opt(p, &v->has_coreset_zero);
    per_opt(p, &v->has_common_coreset);
    per_opt(p, &v->has_ss_zero);
    per_opt(p, &has_css);
    per_opt(p, &v->has_ss_sib1);
    per_opt(p, &v->has_ss_other_si);
    per_opt(p, &v->has_paging_ss);
    per_opt(p, &v->has_ra_ss);
    if (v->has_coreset_zero) per_int(p, &v->coreset_zero, 0, 15);
    if (v->has_common_coreset) rrc_coreset_codec(p, &v->common_coreset);
    if (v->has_ss_zero) per_int(p, &v->ss_zero, 0, 15);
    if (has_css) {
        per_size(p, &v->nof_common_ss, 1, RRC_MAX_COMMON_SS, RRC_MAX_COMMON_SS);
        for (int i = 0; i < v->nof_common_ss; i++) rrc_search_space_codec(p, &v->common_ss[i]);
    }
    if (v->has_ss_sib1) per_int(p, &v->ss_sib1, 0, 39);
    if (v->has_ss_other_si) per_int(p, &v->ss_other_si, 0, 39);
    if (v->has_paging_ss) per_int(p, &v->paging_ss, 0, 39);
    if (v->has_ra_ss) per_int(p, &v->ra_ss, 0, 39);
    per_ext_skip(p, ext);
}

static void bwp_dl_common_codec(struct per *p, struct rrc_bwp_dl_common *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_sr(p, &v->pdcch_sr);
    per_opt_sr(p, &v->pdsch_sr);
    rrc_bwp_codec(p, &v->generic);
    if (per_setup_release(p, &v->pdcch_sr)) rrc_pdcch_config_common_codec(p, &v->pdcch);
    if (per_setup_release(p, &v->pdsch_sr)) { /* PDSCH-ConfigCommon */
        bool pext = false;
        per_ext(p, &pext);
        per_opt(p, &v->pdsch_has_tdra);
        if (v->pdsch_has_tdra) rrc_tdra_list_codec(p, &v->pdsch_tdra);
        per_ext_skip(p, pext);
    }
    per_ext_skip(p, ext);
}

static void rach_config_generic_codec(struct per *p, struct rrc_rach_config_generic *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_int(p, &v->prach_config_index, 0, 255);
    per_enum_value(p, &v->msg1_fdm, msg1_fdm_values, 4, false);
    per_int(p, &v->msg1_frequency_start, 0, RRC_MAX_NROF_PRB - 1);
    per_int(p, &v->zero_correlation_zone_config, 0, 15);
    per_int(p, &v->preamble_received_target_power, -202, -60);
    per_enum_value(p, &v->preamble_trans_max, trans_max_values, 11, false);
    per_enum_value(p, &v->power_ramping_step_db, ramping_values, 4, false);
    per_enum_value(p, &v->ra_response_window, ra_window_values, 8, false);
    per_ext_skip(p, ext);
}

/* ssb-perRACH-OccasionAndCB-PreamblesPerSSB: CHOICE over the SSBs per RACH occasion, each with its own
 * constraint on the contention-based preambles per SSB. */
static void ssb_per_ro_codec(struct per *p, struct rrc_rach_config_common *v)
{
    static const int n4_to_n64[16] = {4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64};
    int alt = (int)v->ssb_per_ro;
    per_choice(p, &alt, 8, false);
    if (per_error(p)) return;
    v->ssb_per_ro = (enum rrc_ssb_per_ro)alt;
    if (alt <= RRC_SSB_PER_RO_1)
        per_enum_value(p, &v->cb_preambles_per_ssb, n4_to_n64, 16, false);
    else if (alt == RRC_SSB_PER_RO_2)
        per_enum_value(p, &v->cb_preambles_per_ssb, n4_to_n64, 8, false);
    else
        per_int(p, &v->cb_preambles_per_ssb, 1, 16 >> (alt - RRC_SSB_PER_RO_4)); /* four 1..16 .. sixteen 1..4 */
}

void rrc_rach_config_common_codec(struct per *p, struct rrc_rach_config_common *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_total_preambles);
    per_opt(p, &v->has_ssb_per_ro);
    per_opt_none(p); /* groupBconfigured */
    per_opt(p, &v->has_rsrp_threshold_ssb);
    per_opt_none(p); /* rsrp-ThresholdSSB-SUL */
    per_opt(p, &v->has_msg1_scs);
    per_opt(p, &v->msg3_transform_precoder);
    rach_config_generic_codec(p, &v->generic);
    if (v->has_total_preambles) per_int(p, &v->total_preambles, 1, 63);
    if (v->has_ssb_per_ro) ssb_per_ro_codec(p, v);
    per_enum_value(p, &v->ra_contention_resolution_timer, contention_values, 8, false);
    if (v->has_rsrp_threshold_ssb) per_int(p, &v->rsrp_threshold_ssb, 0, 127);
    int root = v->prach_root_l139;
    per_choice(p, &root, 2, false);
    v->prach_root_l139 = root == 1;
    per_int(p, &v->prach_root_sequence_index, 0, v->prach_root_l139 ? 137 : 837);
    if (v->has_msg1_scs) rrc_scs_codec(p, &v->msg1_scs_khz);
    per_enum(p, &v->restricted_set, 3, false);
    per_ext_skip(p, ext);
}

void rrc_pusch_config_common_codec(struct per *p, struct rrc_pusch_config_common *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->group_hopping_enabled_transform_precoding);
    per_opt(p, &v->has_tdra);
    per_opt(p, &v->has_msg3_delta_preamble);
    per_opt(p, &v->has_p0_nominal_with_grant);
    if (v->has_tdra) rrc_tdra_list_codec(p, &v->tdra);
    if (v->has_msg3_delta_preamble) per_int(p, &v->msg3_delta_preamble, -1, 6);
    if (v->has_p0_nominal_with_grant) per_int(p, &v->p0_nominal_with_grant, -202, 24);
    per_ext_skip(p, ext);
}

void rrc_pucch_config_common_codec(struct per *p, struct rrc_pucch_config_common *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_resource_common);
    per_opt(p, &v->has_hopping_id);
    per_opt(p, &v->has_p0_nominal);
    if (v->has_resource_common) per_int(p, &v->resource_common, 0, 15);
    per_enum(p, &v->group_hopping, 3, false);
    if (v->has_hopping_id) per_int(p, &v->hopping_id, 0, 1023);
    if (v->has_p0_nominal) per_int(p, &v->p0_nominal, -202, 24);
    per_ext_skip(p, ext);
}

static void bwp_ul_common_codec(struct per *p, struct rrc_bwp_ul_common *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_sr(p, &v->rach_sr);
    per_opt_sr(p, &v->pusch_sr);
    per_opt_sr(p, &v->pucch_sr);
    rrc_bwp_codec(p, &v->generic);
    if (per_setup_release(p, &v->rach_sr)) rrc_rach_config_common_codec(p, &v->rach);
    if (per_setup_release(p, &v->pusch_sr)) rrc_pusch_config_common_codec(p, &v->pusch);
    if (per_setup_release(p, &v->pucch_sr)) rrc_pucch_config_common_codec(p, &v->pucch);
    per_ext_skip(p, ext);
}

/* MultiFrequencyBandListNR-SIB ::= SEQUENCE (SIZE (1..maxNrofMultiBands)) OF NR-MultiBandInfo */
static void band_list_codec(struct per *p, struct rrc_band_list *v)
{
    per_size(p, &v->n, 1, RRC_MAX_MULTI_BANDS, RRC_MAX_MULTI_BANDS);
    for (int i = 0; i < v->n; i++) {
        bool has_band = v->band[i] != 0;
        per_opt(p, &has_band);
        per_opt_none(p); /* nr-NS-PmaxList */
        if (has_band) per_int(p, &v->band[i], 1, 1024);
    }
}

static void scs_list_codec(struct per *p, int *n, struct rrc_scs_carrier *scs)
{
    per_size(p, n, 1, RRC_MAX_SCS, RRC_MAX_SCS);
    for (int i = 0; i < *n; i++) rrc_scs_carrier_codec(p, &scs[i]);
}

static void pcch_config_codec(struct per *p, struct rrc_dl_config_common_sib *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_none(p); /* firstPDCCH-MonitoringOccasionOfPO */
    per_enum_value(p, &v->default_paging_cycle, paging_cycle_values, 4, false);
    int alt = 0; /* nAndPagingFrameOffset: oneT NULL, halfT INTEGER (0..1), .. oneSixteenthT INTEGER (0..15) */
    while (!per_decoding(p) && alt < 5 && (1 << alt) != v->paging_n_div) alt++;
    per_choice(p, &alt, 5, false);
    if (per_error(p)) return;
    v->paging_n_div = 1 << alt;
    if (alt > 0)
        per_int(p, &v->paging_frame_offset, 0, v->paging_n_div - 1);
    else
        v->paging_frame_offset = 0;
    per_enum_value(p, &v->paging_ns, paging_ns_values, 3, false);
    per_ext_skip(p, ext);
}

static void dl_config_common_sib_codec(struct per *p, struct rrc_dl_config_common_sib *v)
{
    bool ext = false, bcch_ext = false;
    per_ext(p, &ext);
    band_list_codec(p, &v->bands); /* FrequencyInfoDL-SIB (not extensible) */
    per_int(p, &v->offset_to_point_a, 0, 2199);
    scs_list_codec(p, &v->nof_scs, v->scs);
    bwp_dl_common_codec(p, &v->initial_bwp);
    per_ext(p, &bcch_ext); /* BCCH-Config */
    per_enum_value(p, &v->modification_period_coeff, mod_coeff_values, 4, false);
    per_ext_skip(p, bcch_ext);
    pcch_config_codec(p, v);
    per_ext_skip(p, ext);
}

static void ul_config_common_sib_codec(struct per *p, struct rrc_ul_config_common_sib *v)
{
    bool ext = false;
    per_ext(p, &ext); /* FrequencyInfoUL-SIB */
    per_opt(p, &v->has_bands);
    per_opt(p, &v->has_point_a);
    per_opt(p, &v->has_p_max);
    per_opt(p, &v->frequency_shift_7p5khz);
    if (v->has_bands) band_list_codec(p, &v->bands);
    if (v->has_point_a) per_int(p, &v->absolute_frequency_point_a, 0, 3279165);
    scs_list_codec(p, &v->nof_scs, v->scs);
    if (v->has_p_max) per_int(p, &v->p_max, -30, 33);
    per_ext_skip(p, ext);
    bwp_ul_common_codec(p, &v->initial_bwp);
    per_enum_value(p, &v->time_alignment_timer, ta_timer_values, 8, false);
}

static void tdd_pattern_codec(struct per *p, struct rrc_tdd_pattern *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_enum_value(p, &v->period_us, tdd_period_values, 8, false);
    per_int(p, &v->dl_slots, 0, 320);
    per_int(p, &v->dl_symbols, 0, 13);
    per_int(p, &v->ul_slots, 0, 320);
    per_int(p, &v->ul_symbols, 0, 13);
    per_ext_skip(p, ext);
}

void rrc_tdd_config_common_codec(struct per *p, struct rrc_tdd_config_common *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_pattern2);
    rrc_scs_codec(p, &v->ref_scs_khz);
    tdd_pattern_codec(p, &v->pattern1);
    if (v->has_pattern2) tdd_pattern_codec(p, &v->pattern2);
    per_ext_skip(p, ext);
}

void rrc_serving_cell_config_common_sib_codec(struct per *p, struct rrc_serving_cell_config_common_sib *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_ul);
    per_opt_none(p); /* supplementaryUplink */
    per_opt(p, &v->has_n_ta_offset);
    per_opt(p, &v->has_tdd);
    dl_config_common_sib_codec(p, &v->dl);
    if (v->has_ul) ul_config_common_sib_codec(p, &v->ul);
    if (v->has_n_ta_offset) per_enum_value(p, &v->n_ta_offset, n_ta_offset_values, 3, false);
    uint64_t bits = v->ssb_in_one_group; /* ssb-PositionsInBurst */
    per_opt(p, &v->has_group_presence);
    per_bits(p, &bits, 8);
    v->ssb_in_one_group = (uint8_t)bits;
    if (v->has_group_presence) {
        bits = v->group_presence;
        per_bits(p, &bits, 8);
        v->group_presence = (uint8_t)bits;
    }
    per_enum_value(p, &v->ssb_periodicity_ms, ssb_period_values, 6, false);
    if (v->has_tdd) rrc_tdd_config_common_codec(p, &v->tdd);
    per_int(p, &v->ss_pbch_block_power, -60, 50);
    per_ext_skip(p, ext);
}
