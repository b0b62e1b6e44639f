/* Test helper for test_sib1.c: compares tshark's decoding of a BCCH-DL-SCH SIB1 (tshark_pdml) with the
 * struct that was encoded, every modelled field, using Check assertions. */
#ifndef GNBD_TESTS_SIB1_CHECK_H
#define GNBD_TESTS_SIB1_CHECK_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "rrc/msg/bcch_dl_sch.h"
#include "common_ies_check.h"
#include "tshark_check.h"

static inline void check_setup_release(const struct tshark_pkt *p, const char *path, uint8_t sr)
{
    EXPECT_COUNT(p, path, sr != PER_ABSENT);
    if (sr != PER_ABSENT) EXPECT_NAME(p, path, 0, "%s", sr == PER_SETUP ? "setup" : "release");
}

static inline void check_tdra(const struct tshark_pkt *p, const char *list, const char *kname, const struct rrc_tdra_list *l)
{
    char path[256];
    int nk = 0;
    snprintf(path, sizeof path, "%s/startSymbolAndLength", list);
    EXPECT_COUNT(p, path, l->n);
    for (int i = 0; i < l->n; i++) {
        const struct rrc_tdra *e = &l->e[i];
        snprintf(path, sizeof path, "%s/startSymbolAndLength", list);
        EXPECT_INT(p, path, i, e->start_symbol_and_length);
        snprintf(path, sizeof path, "%s/mappingType", list);
        EXPECT_NAME(p, path, i, "%s", e->mapping_type_b ? "typeB" : "typeA");
        snprintf(path, sizeof path, "%s/%s", list, kname);
        if (e->has_k) EXPECT_INT(p, path, nk++, e->k);
    }
    snprintf(path, sizeof path, "%s/%s", list, kname);
    EXPECT_COUNT(p, path, nk);
}

static inline void check_pdcch_common(const struct tshark_pkt *p, const struct rrc_pdcch_config_common *c)
{
#define PC "pdcch_ConfigCommon/setup_element/"
    EXPECT_COUNT(p, PC "controlResourceSetZero", c->has_coreset_zero);
    if (c->has_coreset_zero) EXPECT_INT(p, PC "controlResourceSetZero", 0, c->coreset_zero);
    EXPECT_COUNT(p, PC "searchSpaceZero", c->has_ss_zero);
    if (c->has_ss_zero) EXPECT_INT(p, PC "searchSpaceZero", 0, c->ss_zero);
    EXPECT_COUNT(p, PC "commonControlResourceSet_element", c->has_common_coreset);
    if (c->has_common_coreset) check_coreset(p, PC "commonControlResourceSet_element/", &c->common_coreset, 0);
    check_coreset_counts(p, PC "commonControlResourceSet_element/", &c->common_coreset, c->has_common_coreset);
    EXPECT_COUNT(p, "commonSearchSpaceList/SearchSpace_element", c->nof_common_ss);
    for (int i = 0; i < c->nof_common_ss; i++) check_search_space(p, "commonSearchSpaceList/SearchSpace_element/", c->common_ss, i);
    int n_dci = 0;
    for (int i = 0; i < c->nof_common_ss; i++) n_dci += c->common_ss[i].has_type && c->common_ss[i].type == RRC_SS_COMMON && c->common_ss[i].common_dci_0_0_and_1_0;
    EXPECT_COUNT(p, "common_element/dci_Format0_0_AndFormat1_0_element", n_dci);
    const struct { bool has; int v; const char *name; } ids[4] = {
        {c->has_ss_sib1, c->ss_sib1, PC "searchSpaceSIB1"},
        {c->has_ss_other_si, c->ss_other_si, PC "searchSpaceOtherSystemInformation"},
        {c->has_paging_ss, c->paging_ss, PC "pagingSearchSpace"},
        {c->has_ra_ss, c->ra_ss, PC "ra_SearchSpace"}};
    for (int i = 0; i < 4; i++) {
        EXPECT_COUNT(p, ids[i].name, ids[i].has);
        if (ids[i].has) EXPECT_INT(p, ids[i].name, 0, ids[i].v);
    }
#undef PC
}

static inline void check_scs_list(const struct tshark_pkt *p, const char *dir, int n, const struct rrc_scs_carrier *scs)
{
    char path[256];
    int dc = 0;
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/scs_SpecificCarrierList/SCS_SpecificCarrier_element/offsetToCarrier", dir);
        EXPECT_INT(p, path, i, scs[i].offset_to_carrier);
        snprintf(path, sizeof path, "%s/scs_SpecificCarrierList/SCS_SpecificCarrier_element/subcarrierSpacing", dir);
        EXPECT_NAME(p, path, i, "kHz%d", scs[i].scs_khz);
        snprintf(path, sizeof path, "%s/scs_SpecificCarrierList/SCS_SpecificCarrier_element/carrierBandwidth", dir);
        EXPECT_INT(p, path, i, scs[i].carrier_bandwidth);
        snprintf(path, sizeof path, "%s/scs_SpecificCarrierList/SCS_SpecificCarrier_element/txDirectCurrentLocation", dir);
        if (scs[i].has_tx_dc_location) EXPECT_INT(p, path, dc++, scs[i].tx_dc_location);
    }
    snprintf(path, sizeof path, "%s/scs_SpecificCarrierList/SCS_SpecificCarrier_element/txDirectCurrentLocation", dir);
    EXPECT_COUNT(p, path, dc);
}

static inline void check_bands(const struct tshark_pkt *p, const char *dir, const struct rrc_band_list *b)
{
    char path[256];
    snprintf(path, sizeof path, "%s/frequencyBandList/NR_MultiBandInfo_element", dir);
    EXPECT_COUNT(p, path, b->n);
    snprintf(path, sizeof path, "%s/frequencyBandList/NR_MultiBandInfo_element/freqBandIndicatorNR", dir);
    int k = 0;
    for (int i = 0; i < b->n; i++)
        if (b->band[i]) EXPECT_INT(p, path, k++, b->band[i]);
    EXPECT_COUNT(p, path, k);
}

static inline void check_dl(const struct tshark_pkt *p, const struct rrc_dl_config_common_sib *dl)
{
    static const char *const nandpf[5] = {"oneT", "halfT", "quarterT", "oneEighthT", "oneSixteenthT"};
    static const char *const ns[5] = {"", "one", "two", "", "four"};
    check_bands(p, "frequencyInfoDL_element", &dl->bands);
    EXPECT_INT(p, "frequencyInfoDL_element/offsetToPointA", 0, dl->offset_to_point_a);
    check_scs_list(p, "frequencyInfoDL_element", dl->nof_scs, dl->scs);
    const struct rrc_bwp_dl_common *b = &dl->initial_bwp;
    EXPECT_INT(p, "initialDownlinkBWP_element/genericParameters_element/locationAndBandwidth", 0,
               b->generic.location_and_bandwidth);
    EXPECT_NAME(p, "initialDownlinkBWP_element/genericParameters_element/subcarrierSpacing", 0, "kHz%d", b->generic.scs_khz);
    EXPECT_COUNT(p, "initialDownlinkBWP_element/genericParameters_element/cyclicPrefix", b->generic.extended_cp);
    check_setup_release(p, "initialDownlinkBWP_element/pdcch_ConfigCommon", b->pdcch_sr);
    if (b->pdcch_sr == PER_SETUP) check_pdcch_common(p, &b->pdcch);
    check_setup_release(p, "initialDownlinkBWP_element/pdsch_ConfigCommon", b->pdsch_sr);
    if (b->pdsch_sr == PER_SETUP) {
        EXPECT_COUNT(p, "pdsch_ConfigCommon/setup_element/pdsch_TimeDomainAllocationList", b->pdsch_has_tdra);
        if (b->pdsch_has_tdra)
            check_tdra(p, "pdsch_TimeDomainAllocationList/PDSCH_TimeDomainResourceAllocation_element", "k0", &b->pdsch_tdra);
    }
    EXPECT_NAME(p, "bcch_Config_element/modificationPeriodCoeff", 0, "n%d", dl->modification_period_coeff);
    EXPECT_NAME(p, "pcch_Config_element/defaultPagingCycle", 0, "rf%d", dl->default_paging_cycle);
    int alt = 0;
    while ((1 << alt) != dl->paging_n_div) alt++;
    EXPECT_NAME(p, "pcch_Config_element/nAndPagingFrameOffset", 0, "%s", nandpf[alt]);
    if (alt) {
        char path[128];
        snprintf(path, sizeof path, "pcch_Config_element/nAndPagingFrameOffset/%s", nandpf[alt]);
        EXPECT_INT(p, path, 0, dl->paging_frame_offset);
    }
    EXPECT_NAME(p, "pcch_Config_element/ns", 0, "%s", ns[dl->paging_ns]);
}

static inline void check_rach(const struct tshark_pkt *p, const struct rrc_rach_config_common *r)
{
#define RC "rach_ConfigCommon/setup_element/"
#define RG RC "rach_ConfigGeneric_element/"
    static const char *const ro[8] = {"oneEighth", "oneFourth", "oneHalf", "one", "two", "four", "eight", "sixteen"};
    const struct rrc_rach_config_generic *g = &r->generic;
    EXPECT_INT(p, RG "prach_ConfigurationIndex", 0, g->prach_config_index);
    EXPECT_NAME(p, RG "msg1_FDM", 0, "%s", g->msg1_fdm == 1 ? "one" : g->msg1_fdm == 2 ? "two" : g->msg1_fdm == 4 ? "four" : "eight");
    EXPECT_INT(p, RG "msg1_FrequencyStart", 0, g->msg1_frequency_start);
    EXPECT_INT(p, RG "zeroCorrelationZoneConfig", 0, g->zero_correlation_zone_config);
    EXPECT_INT(p, RG "preambleReceivedTargetPower", 0, g->preamble_received_target_power);
    EXPECT_NAME(p, RG "preambleTransMax", 0, "n%d", g->preamble_trans_max);
    EXPECT_NAME(p, RG "powerRampingStep", 0, "dB%d", g->power_ramping_step_db);
    EXPECT_NAME(p, RG "ra_ResponseWindow", 0, "sl%d", g->ra_response_window);
    EXPECT_COUNT(p, RC "totalNumberOfRA_Preambles", r->has_total_preambles);
    if (r->has_total_preambles) EXPECT_INT(p, RC "totalNumberOfRA_Preambles", 0, r->total_preambles);
    EXPECT_COUNT(p, RC "ssb_perRACH_OccasionAndCB_PreamblesPerSSB", r->has_ssb_per_ro);
    if (r->has_ssb_per_ro) {
        char path[128];
        EXPECT_NAME(p, RC "ssb_perRACH_OccasionAndCB_PreamblesPerSSB", 0, "%s", ro[r->ssb_per_ro]);
        snprintf(path, sizeof path, RC "ssb_perRACH_OccasionAndCB_PreamblesPerSSB/%s", ro[r->ssb_per_ro]);
        if (r->ssb_per_ro <= RRC_SSB_PER_RO_2)
            EXPECT_NAME(p, path, 0, "n%d", r->cb_preambles_per_ssb);
        else
            EXPECT_INT(p, path, 0, r->cb_preambles_per_ssb);
    }
    EXPECT_NAME(p, RC "ra_ContentionResolutionTimer", 0, "sf%d", r->ra_contention_resolution_timer);
    EXPECT_COUNT(p, RC "rsrp_ThresholdSSB", r->has_rsrp_threshold_ssb);
    if (r->has_rsrp_threshold_ssb) EXPECT_INT(p, RC "rsrp_ThresholdSSB", 0, r->rsrp_threshold_ssb);
    EXPECT_INT(p, r->prach_root_l139 ? RC "prach_RootSequenceIndex/l139" : RC "prach_RootSequenceIndex/l839", 0,
               r->prach_root_sequence_index);
    EXPECT_COUNT(p, RC "msg1_SubcarrierSpacing", r->has_msg1_scs);
    if (r->has_msg1_scs) EXPECT_NAME(p, RC "msg1_SubcarrierSpacing", 0, "kHz%d", r->msg1_scs_khz);
    EXPECT_INT(p, RC "restrictedSetConfig", 0, r->restricted_set);
    EXPECT_COUNT(p, RC "msg3_transformPrecoder", r->msg3_transform_precoder);
#undef RG
#undef RC
}

static inline void check_ul(const struct tshark_pkt *p, const struct rrc_ul_config_common_sib *ul)
{
    if (ul->has_bands) check_bands(p, "frequencyInfoUL_element", &ul->bands);
    EXPECT_COUNT(p, "frequencyInfoUL_element/frequencyBandList", ul->has_bands);
    EXPECT_COUNT(p, "frequencyInfoUL_element/absoluteFrequencyPointA", ul->has_point_a);
    if (ul->has_point_a) EXPECT_INT(p, "frequencyInfoUL_element/absoluteFrequencyPointA", 0, ul->absolute_frequency_point_a);
    check_scs_list(p, "frequencyInfoUL_element", ul->nof_scs, ul->scs);
    EXPECT_COUNT(p, "frequencyInfoUL_element/p_Max", ul->has_p_max);
    if (ul->has_p_max) EXPECT_INT(p, "frequencyInfoUL_element/p_Max", 0, ul->p_max);
    EXPECT_COUNT(p, "frequencyInfoUL_element/frequencyShift7p5khz", ul->frequency_shift_7p5khz);
    const struct rrc_bwp_ul_common *b = &ul->initial_bwp;
    EXPECT_INT(p, "initialUplinkBWP_element/genericParameters_element/locationAndBandwidth", 0,
               b->generic.location_and_bandwidth);
    EXPECT_NAME(p, "initialUplinkBWP_element/genericParameters_element/subcarrierSpacing", 0, "kHz%d", b->generic.scs_khz);
    check_setup_release(p, "initialUplinkBWP_element/rach_ConfigCommon", b->rach_sr);
    if (b->rach_sr == PER_SETUP) check_rach(p, &b->rach);
    check_setup_release(p, "initialUplinkBWP_element/pusch_ConfigCommon", b->pusch_sr);
    if (b->pusch_sr == PER_SETUP) {
#define PU "pusch_ConfigCommon/setup_element/"
        const struct rrc_pusch_config_common *c = &b->pusch;
        EXPECT_COUNT(p, PU "groupHoppingEnabledTransformPrecoding", c->group_hopping_enabled_transform_precoding);
        EXPECT_COUNT(p, PU "pusch_TimeDomainAllocationList", c->has_tdra);
        if (c->has_tdra) check_tdra(p, "pusch_TimeDomainAllocationList/PUSCH_TimeDomainResourceAllocation_element", "k2", &c->tdra);
        EXPECT_COUNT(p, PU "msg3_DeltaPreamble", c->has_msg3_delta_preamble);
        if (c->has_msg3_delta_preamble) EXPECT_INT(p, PU "msg3_DeltaPreamble", 0, c->msg3_delta_preamble);
        EXPECT_COUNT(p, PU "p0_NominalWithGrant", c->has_p0_nominal_with_grant);
        if (c->has_p0_nominal_with_grant) EXPECT_INT(p, PU "p0_NominalWithGrant", 0, c->p0_nominal_with_grant);
#undef PU
    }
    check_setup_release(p, "initialUplinkBWP_element/pucch_ConfigCommon", b->pucch_sr);
    if (b->pucch_sr == PER_SETUP) {
#define PC "pucch_ConfigCommon/setup_element/"
        const struct rrc_pucch_config_common *c = &b->pucch;
        EXPECT_COUNT(p, PC "pucch_ResourceCommon", c->has_resource_common);
        if (c->has_resource_common) EXPECT_INT(p, PC "pucch_ResourceCommon", 0, c->resource_common);
        EXPECT_INT(p, PC "pucch_GroupHopping", 0, c->group_hopping);
        EXPECT_COUNT(p, PC "hoppingId", c->has_hopping_id);
        if (c->has_hopping_id) EXPECT_INT(p, PC "hoppingId", 0, c->hopping_id);
        EXPECT_COUNT(p, PC "p0_nominal", c->has_p0_nominal);
        if (c->has_p0_nominal) EXPECT_INT(p, PC "p0_nominal", 0, c->p0_nominal);
#undef PC
    }
    if (ul->time_alignment_timer < 0)
        EXPECT_NAME(p, "uplinkConfigCommon_element/timeAlignmentTimerCommon", 0, "infinity");
    else
        EXPECT_NAME(p, "uplinkConfigCommon_element/timeAlignmentTimerCommon", 0, "ms%d", ul->time_alignment_timer);
}

static const char *tdd_period_name(int us)
{
    static const int v[8] = {500, 625, 1000, 1250, 2000, 2500, 5000, 10000};
    static const char *const n[8] = {"ms0p5", "ms0p625", "ms1", "ms1p25", "ms2", "ms2p5", "ms5", "ms10"};
    for (int i = 0; i < 8; i++)
        if (v[i] == us) return n[i];
    return "?";
}

static inline void check_tdd_pattern(const struct tshark_pkt *p, const char *name, const struct rrc_tdd_pattern *t)
{
    char path[128];
    snprintf(path, sizeof path, "%s_element/dl_UL_TransmissionPeriodicity", name);
    EXPECT_NAME(p, path, 0, "%s", tdd_period_name(t->period_us));
    snprintf(path, sizeof path, "%s_element/nrofDownlinkSlots", name);
    EXPECT_INT(p, path, 0, t->dl_slots);
    snprintf(path, sizeof path, "%s_element/nrofDownlinkSymbols", name);
    EXPECT_INT(p, path, 0, t->dl_symbols);
    snprintf(path, sizeof path, "%s_element/nrofUplinkSlots", name);
    EXPECT_INT(p, path, 0, t->ul_slots);
    snprintf(path, sizeof path, "%s_element/nrofUplinkSymbols", name);
    EXPECT_INT(p, path, 0, t->ul_symbols);
}

static inline void check_serving_cell(const struct tshark_pkt *p, const struct rrc_serving_cell_config_common_sib *sc)
{
#define SC "servingCellConfigCommon_element/"
    check_dl(p, &sc->dl);
    EXPECT_COUNT(p, SC "uplinkConfigCommon_element", sc->has_ul);
    if (sc->has_ul) check_ul(p, &sc->ul);
    EXPECT_COUNT(p, SC "n_TimingAdvanceOffset", sc->has_n_ta_offset);
    if (sc->has_n_ta_offset) EXPECT_NAME(p, SC "n_TimingAdvanceOffset", 0, "n%d", sc->n_ta_offset);
    EXPECT_BITS(p, SC "ssb_PositionsInBurst_element/inOneGroup", 0, 8, sc->ssb_in_one_group);
    EXPECT_COUNT(p, SC "ssb_PositionsInBurst_element/groupPresence", sc->has_group_presence);
    if (sc->has_group_presence) EXPECT_BITS(p, SC "ssb_PositionsInBurst_element/groupPresence", 0, 8, sc->group_presence);
    EXPECT_NAME(p, SC "ssb_PeriodicityServingCell", 0, "ms%d", sc->ssb_periodicity_ms);
    EXPECT_COUNT(p, SC "tdd_UL_DL_ConfigurationCommon_element", sc->has_tdd);
    if (sc->has_tdd) {
        EXPECT_NAME(p, "tdd_UL_DL_ConfigurationCommon_element/referenceSubcarrierSpacing", 0, "kHz%d", sc->tdd.ref_scs_khz);
        check_tdd_pattern(p, "tdd_UL_DL_ConfigurationCommon_element/pattern1", &sc->tdd.pattern1);
        EXPECT_COUNT(p, "tdd_UL_DL_ConfigurationCommon_element/pattern2_element", sc->tdd.has_pattern2);
        if (sc->tdd.has_pattern2) check_tdd_pattern(p, "tdd_UL_DL_ConfigurationCommon_element/pattern2", &sc->tdd.pattern2);
    }
    EXPECT_INT(p, SC "ss_PBCH_BlockPower", 0, sc->ss_pbch_block_power);
#undef SC
}

static inline void check_identity(const struct tshark_pkt *p, const struct rrc_sib1 *s)
{
#define PI "plmn_IdentityInfoList/PLMN_IdentityInfo_element/"
    int n_mcc = 0, n_mnc = 0, n_tac = 0, n_plmn = 0;
    EXPECT_COUNT(p, "plmn_IdentityInfoList/PLMN_IdentityInfo_element", s->nof_plmn_info);
    for (int i = 0; i < s->nof_plmn_info; i++) {
        const struct rrc_plmn_identity_info *pi = &s->plmn_info[i];
        for (int k = 0; k < pi->nof_plmn; k++, n_plmn++) {
            const struct rrc_plmn_identity *id = &pi->plmn[k];
            for (int d = 0; id->has_mcc && d < 3; d++) EXPECT_INT(p, "PLMN_Identity_element/mcc/MCC_MNC_Digit", n_mcc++, id->mcc[d]);
            for (int d = 0; d < id->mnc_len; d++) EXPECT_INT(p, "PLMN_Identity_element/mnc/MCC_MNC_Digit", n_mnc++, id->mnc[d]);
        }
        if (pi->has_tac) EXPECT_BITS(p, PI "trackingAreaCode", n_tac++, 24, pi->tac);
        EXPECT_BITS(p, PI "cellIdentity", i, 36, pi->cell_identity);
        EXPECT_NAME(p, PI "cellReservedForOperatorUse", i, "%s", pi->cell_reserved_for_operator_use ? "reserved" : "notReserved");
    }
    EXPECT_COUNT(p, "PLMN_Identity_element", n_plmn);
    EXPECT_COUNT(p, "PLMN_Identity_element/mcc/MCC_MNC_Digit", n_mcc);
    EXPECT_COUNT(p, PI "trackingAreaCode", n_tac);
    EXPECT_COUNT(p, "cellAccessRelatedInfo_element/cellReservedForOtherUse", s->cell_reserved_for_other_use);
#undef PI
}

/* Every modelled SIB1 field of `s` against tshark's decoding of it. */
static void check_sib1(const struct tshark_pkt *p, const struct rrc_sib1 *s)
{
    ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
    EXPECT_COUNT(p, "systemInformationBlockType1_element", 1);
    EXPECT_COUNT(p, "cellSelectionInfo_element", s->has_cell_selection_info);
    if (s->has_cell_selection_info) {
        const struct rrc_cell_selection_info *c = &s->cell_selection_info;
        EXPECT_INT(p, "cellSelectionInfo_element/q_RxLevMin", 0, c->q_rx_lev_min);
        EXPECT_COUNT(p, "cellSelectionInfo_element/q_RxLevMinOffset", c->has_q_rx_lev_min_offset);
        if (c->has_q_rx_lev_min_offset) EXPECT_INT(p, "cellSelectionInfo_element/q_RxLevMinOffset", 0, c->q_rx_lev_min_offset);
        EXPECT_COUNT(p, "cellSelectionInfo_element/q_RxLevMinSUL", c->has_q_rx_lev_min_sul);
        if (c->has_q_rx_lev_min_sul) EXPECT_INT(p, "cellSelectionInfo_element/q_RxLevMinSUL", 0, c->q_rx_lev_min_sul);
        EXPECT_COUNT(p, "cellSelectionInfo_element/q_QualMin", c->has_q_qual_min);
        if (c->has_q_qual_min) EXPECT_INT(p, "cellSelectionInfo_element/q_QualMin", 0, c->q_qual_min);
        EXPECT_COUNT(p, "cellSelectionInfo_element/q_QualMinOffset", c->has_q_qual_min_offset);
        if (c->has_q_qual_min_offset) EXPECT_INT(p, "cellSelectionInfo_element/q_QualMinOffset", 0, c->q_qual_min_offset);
    }
    check_identity(p, s);
    EXPECT_COUNT(p, "servingCellConfigCommon_element", s->has_serving_cell_config_common);
    if (s->has_serving_cell_config_common) check_serving_cell(p, &s->serving_cell_config_common);
    EXPECT_COUNT(p, "systemInformationBlockType1_element/ims_EmergencySupport", s->ims_emergency_support);
    EXPECT_COUNT(p, "systemInformationBlockType1_element/eCallOverIMS_Support", s->ecall_over_ims_support);
    EXPECT_COUNT(p, "systemInformationBlockType1_element/useFullResumeID", s->use_full_resume_id);
    EXPECT_COUNT(p, "ue_TimersAndConstants_element", s->has_ue_timers);
    if (s->has_ue_timers) {
        const struct rrc_ue_timers *t = &s->ue_timers;
        EXPECT_NAME(p, "ue_TimersAndConstants_element/t300", 0, "ms%d", t->t300);
        EXPECT_NAME(p, "ue_TimersAndConstants_element/t301", 0, "ms%d", t->t301);
        EXPECT_NAME(p, "ue_TimersAndConstants_element/t310", 0, "ms%d", t->t310);
        EXPECT_NAME(p, "ue_TimersAndConstants_element/n310", 0, "n%d", t->n310);
        EXPECT_NAME(p, "ue_TimersAndConstants_element/t311", 0, "ms%d", t->t311);
        EXPECT_NAME(p, "ue_TimersAndConstants_element/n311", 0, "n%d", t->n311);
        EXPECT_NAME(p, "ue_TimersAndConstants_element/t319", 0, "ms%d", t->t319);
    }
}

#endif
