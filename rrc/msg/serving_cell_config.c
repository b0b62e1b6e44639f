/* ServingCellConfig and its BWP-dedicated IEs (38.331 6.3.2); see serving_cell_config.h. */
#include "rrc/msg/serving_cell_config.h"

#include <errno.h>
#include <string.h>

static const int add_pos_values[3] = {0, 1, 3};
static const int x2_4_values[2] = {2, 4};
static const int aggregation_values[3] = {2, 4, 8};
static const int x_overhead_values[3] = {6, 12, 18};
static const int harq_processes_values[6] = {2, 4, 6, 10, 12, 16};
static const int sr_period_values[15] = {RRC_SR_PERIOD_SYM2, RRC_SR_PERIOD_SYM6OR7, 1, 2, 4, 5, 8, 10, 16, 20,
                                         40, 80, 160, 320, 640};

/* ENUMERATED {x} OPTIONAL and friends: a one-value enumeration carries no bits, its presence is the value. */
static void enum_flag(struct per *p, bool *flag) { per_opt(p, flag); }

static void pdcch_config_codec(struct per *p, struct rrc_pdcch_config *v)
{
    bool ext = false, has_cs = v->nof_coresets > 0, has_ss = v->nof_search_spaces > 0;
    per_ext(p, &ext);
    per_opt(p, &has_cs);
    per_opt_none(p); /* controlResourceSetToReleaseList */
    per_opt(p, &has_ss);
    for (int i = 0; i < 5; i++) per_opt_none(p); /* searchSpacesToReleaseList, downlinkPreemption, tpc-PUSCH/PUCCH/SRS */
    if (has_cs) {
        per_size(p, &v->nof_coresets, 1, RRC_MAX_CORESETS, RRC_MAX_CORESETS);
        for (int i = 0; i < v->nof_coresets; i++) rrc_coreset_codec(p, &v->coreset[i]);
    }
    if (has_ss) {
        per_size(p, &v->nof_search_spaces, 1, RRC_MAX_SEARCH_SPACES, RRC_MAX_SEARCH_SPACES);
        for (int i = 0; i < v->nof_search_spaces; i++) rrc_search_space_codec(p, &v->ss[i]);
    }
    per_ext_skip(p, ext);
}

static void dmrs_dl_codec(struct per *p, struct rrc_dmrs_dl_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    enum_flag(p, &v->type2);
    per_opt(p, &v->has_additional_position);
    enum_flag(p, &v->max_length_2);
    per_opt(p, &v->has_scrambling_id0);
    per_opt(p, &v->has_scrambling_id1);
    per_opt_none(p); /* phaseTrackingRS */
    if (v->has_additional_position) per_enum_value(p, &v->additional_position, add_pos_values, 3, false);
    if (v->has_scrambling_id0) per_int(p, &v->scrambling_id0, 0, 65535);
    if (v->has_scrambling_id1) per_int(p, &v->scrambling_id1, 0, 65535);
    per_ext_skip(p, ext);
}

static void tci_state_codec(struct per *p, struct rrc_tci_state *v)
{
    bool ext = false, qext = false;
    per_ext(p, &ext);
    per_opt_none(p); /* qcl-Type2 */
    per_int(p, &v->id, 0, 127);
    per_ext(p, &qext); /* QCL-Info */
    per_opt(p, &v->has_cell);
    per_opt(p, &v->has_bwp_id);
    if (v->has_cell) per_int(p, &v->cell, 0, 31);
    if (v->has_bwp_id) per_int(p, &v->bwp_id, 0, 4);
    int alt = v->ref_csi_rs ? 0 : 1; /* referenceSignal CHOICE { csi-rs, ssb } */
    per_choice(p, &alt, 2, false);
    v->ref_csi_rs = alt == 0;
    per_int(p, &v->ref_index, 0, v->ref_csi_rs ? 191 : 63);
    per_enum(p, &v->qcl_type, 4, false);
    per_ext_skip(p, qext);
    per_ext_skip(p, ext);
}

static void prb_bundling_codec(struct per *p, struct rrc_pdsch_config *v)
{
    int alt = v->prb_bundling_dynamic;
    per_choice(p, &alt, 2, false);
    v->prb_bundling_dynamic = alt == 1;
    per_opt(p, &v->has_bundle_size1);
    if (v->prb_bundling_dynamic) per_opt(p, &v->has_bundle_size2);
    if (v->has_bundle_size1) per_enum(p, &v->bundle_size1, v->prb_bundling_dynamic ? 4 : 2, false);
    if (v->prb_bundling_dynamic && v->has_bundle_size2) per_enum(p, &v->bundle_size2, 2, false);
}

void rrc_pdsch_config_codec(struct per *p, struct rrc_pdsch_config *v)
{
    bool ext = false, has_tci = v->nof_tci_states > 0;
    per_ext(p, &ext);
    per_opt(p, &v->has_data_scrambling_id);
    per_opt_sr(p, &v->dmrs_type_a_sr);
    per_opt_none(p); /* dmrs-DownlinkForPDSCH-MappingTypeB */
    per_opt(p, &has_tci);
    per_opt_none(p); /* tci-StatesToReleaseList */
    per_opt(p, &v->has_vrb_to_prb_interleaver);
    per_opt_sr(p, &v->tdra_sr);
    per_opt(p, &v->has_aggregation_factor);
    for (int i = 0; i < 4; i++) per_opt_none(p); /* rateMatchPattern lists and groups */
    per_opt(p, &v->has_mcs_table);
    per_opt(p, &v->has_max_codewords);
    for (int i = 0; i < 7; i++) per_opt_none(p); /* ZP CSI-RS resources and sets, p-ZP-CSI-RS-ResourceSet */
    if (v->has_data_scrambling_id) per_int(p, &v->data_scrambling_id, 0, 1023);
    if (per_setup_release(p, &v->dmrs_type_a_sr)) dmrs_dl_codec(p, &v->dmrs_type_a);
    if (has_tci) {
        per_size(p, &v->nof_tci_states, 1, 128, RRC_MAX_TCI_STATES);
        for (int i = 0; i < v->nof_tci_states; i++) tci_state_codec(p, &v->tci[i]);
    }
    if (v->has_vrb_to_prb_interleaver) per_enum_value(p, &v->vrb_to_prb_interleaver, x2_4_values, 2, false);
    per_enum(p, &v->resource_allocation, 3, false);
    if (per_setup_release(p, &v->tdra_sr)) rrc_tdra_list_codec(p, &v->tdra);
    if (v->has_aggregation_factor) per_enum_value(p, &v->aggregation_factor, aggregation_values, 3, false);
    int rbg = v->rbg_size - 1;
    per_enum(p, &rbg, 2, false);
    v->rbg_size = rbg + 1;
    if (v->has_mcs_table) per_enum(p, &v->mcs_table, 2, false);
    if (v->has_max_codewords) {
        int cw = v->max_codewords - 1;
        per_enum(p, &cw, 2, false);
        v->max_codewords = cw + 1;
    }
    prb_bundling_codec(p, v);
    per_ext_skip(p, ext);
}

static void dmrs_ul_codec(struct per *p, struct rrc_dmrs_ul_config *v)
{
    bool ext = false, x = false;
    per_ext(p, &ext);
    enum_flag(p, &v->type2);
    per_opt(p, &v->has_additional_position);
    per_opt_none(p); /* phaseTrackingRS */
    enum_flag(p, &v->max_length_2);
    per_opt(p, &v->has_tp_disabled);
    per_opt(p, &v->has_tp_enabled);
    if (v->has_additional_position) per_enum_value(p, &v->additional_position, add_pos_values, 3, false);
    if (v->has_tp_disabled) {
        per_ext(p, &x);
        per_opt(p, &v->has_scrambling_id0);
        per_opt(p, &v->has_scrambling_id1);
        if (v->has_scrambling_id0) per_int(p, &v->scrambling_id0, 0, 65535);
        if (v->has_scrambling_id1) per_int(p, &v->scrambling_id1, 0, 65535);
        per_ext_skip(p, x);
    }
    if (v->has_tp_enabled) {
        x = false;
        per_ext(p, &x);
        per_opt(p, &v->has_npusch_identity);
        enum_flag(p, &v->sequence_group_hopping_disabled);
        enum_flag(p, &v->sequence_hopping_enabled);
        if (v->has_npusch_identity) per_int(p, &v->npusch_identity, 0, 1007);
        per_ext_skip(p, x);
    }
    per_ext_skip(p, ext);
}

static void beta_offsets_codec(struct per *p, struct rrc_beta_offsets *v)
{
    for (int i = 0; i < 7; i++) per_opt(p, &v->has[i]);
    for (int i = 0; i < 7; i++)
        if (v->has[i]) per_int(p, &v->v[i], 0, 31);
}

static void uci_on_pusch_codec(struct per *p, struct rrc_uci_on_pusch *v)
{
    per_opt(p, &v->has_beta_offsets);
    if (v->has_beta_offsets) {
        int alt = v->beta_dynamic ? 0 : 1; /* CHOICE { dynamic SEQUENCE (SIZE (4)) OF, semiStatic } */
        per_choice(p, &alt, 2, false);
        v->beta_dynamic = alt == 0;
        for (int i = 0; i < (v->beta_dynamic ? 4 : 1); i++) beta_offsets_codec(p, &v->beta[i]);
    }
    per_enum(p, &v->scaling, 4, false);
}

void rrc_pusch_config_codec(struct per *p, struct rrc_pusch_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_data_scrambling_id);
    per_opt(p, &v->has_tx_config);
    per_opt_sr(p, &v->dmrs_type_a_sr);
    per_opt_none(p); /* dmrs-UplinkForPUSCH-MappingTypeB */
    per_opt_none(p); /* pusch-PowerControl */
    per_opt(p, &v->has_frequency_hopping);
    per_opt_none(p); /* frequencyHoppingOffsetLists */
    per_opt_sr(p, &v->tdra_sr);
    per_opt(p, &v->has_aggregation_factor);
    per_opt(p, &v->has_mcs_table);
    per_opt(p, &v->has_mcs_table_tp);
    per_opt(p, &v->has_transform_precoder);
    per_opt(p, &v->has_codebook_subset);
    per_opt(p, &v->has_max_rank);
    enum_flag(p, &v->rbg_size_config2);
    per_opt_sr(p, &v->uci_on_pusch_sr);
    enum_flag(p, &v->tp_pi2_bpsk);
    if (v->has_data_scrambling_id) per_int(p, &v->data_scrambling_id, 0, 1023);
    if (v->has_tx_config) per_enum(p, &v->tx_config, 2, false);
    if (per_setup_release(p, &v->dmrs_type_a_sr)) dmrs_ul_codec(p, &v->dmrs_type_a);
    if (v->has_frequency_hopping) per_enum(p, &v->frequency_hopping, 2, false);
    per_enum(p, &v->resource_allocation, 3, false);
    if (per_setup_release(p, &v->tdra_sr)) rrc_tdra_list_codec(p, &v->tdra);
    if (v->has_aggregation_factor) per_enum_value(p, &v->aggregation_factor, aggregation_values, 3, false);
    if (v->has_mcs_table) per_enum(p, &v->mcs_table, 2, false);
    if (v->has_mcs_table_tp) per_enum(p, &v->mcs_table_tp, 2, false);
    if (v->has_transform_precoder) per_enum(p, &v->transform_precoder, 2, false);
    if (v->has_codebook_subset) per_enum(p, &v->codebook_subset, 3, false);
    if (v->has_max_rank) per_int(p, &v->max_rank, 1, 4);
    if (per_setup_release(p, &v->uci_on_pusch_sr)) uci_on_pusch_codec(p, &v->uci_on_pusch);
    per_ext_skip(p, ext);
}

static void bwp_dl_dedicated_codec(struct per *p, struct rrc_serving_cell_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_sr(p, &v->pdcch_sr);
    per_opt_sr(p, &v->pdsch_sr);
    per_opt_none(p); /* sps-Config */
    per_opt_none(p); /* radioLinkMonitoringConfig */
    if (per_setup_release(p, &v->pdcch_sr)) pdcch_config_codec(p, &v->pdcch);
    if (per_setup_release(p, &v->pdsch_sr)) rrc_pdsch_config_codec(p, &v->pdsch);
    per_ext_skip(p, ext);
}

static void uplink_config_codec(struct per *p, struct rrc_serving_cell_config *v)
{
    bool ext = false, bext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_initial_ul_bwp);
    per_opt_none(p); /* uplinkBWP-ToReleaseList */
    per_opt_none(p); /* uplinkBWP-ToAddModList */
    per_opt(p, &v->has_first_active_ul_bwp);
    per_opt_none(p); /* pusch-ServingCellConfig */
    per_opt_none(p); /* carrierSwitching */
    if (v->has_initial_ul_bwp) { /* BWP-UplinkDedicated */
        per_ext(p, &bext);
        per_opt_sr(p, &v->pucch_sr);
        per_opt_sr(p, &v->pusch_sr);
        for (int i = 0; i < 3; i++) per_opt_none(p); /* configuredGrantConfig, srs-Config, beamFailureRecoveryConfig */
        if (per_setup_release(p, &v->pucch_sr)) rrc_pucch_config_codec(p, &v->pucch);
        if (per_setup_release(p, &v->pusch_sr)) rrc_pusch_config_codec(p, &v->pusch);
        per_ext_skip(p, bext);
    }
    if (v->has_first_active_ul_bwp) per_int(p, &v->first_active_ul_bwp, 0, 4);
    per_ext_skip(p, ext);
}

static void pdsch_serving_cell_codec(struct per *p, struct rrc_serving_cell_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_none(p); /* codeBlockGroupTransmission */
    per_opt(p, &v->has_x_overhead);
    per_opt(p, &v->has_nrof_harq_processes);
    per_opt_none(p); /* pucch-Cell */
    if (v->has_x_overhead) per_enum_value(p, &v->x_overhead, x_overhead_values, 3, false);
    if (v->has_nrof_harq_processes) per_enum_value(p, &v->nrof_harq_processes, harq_processes_values, 6, false);
    per_ext_skip(p, ext);
}

void rrc_serving_cell_config_codec(struct per *p, struct rrc_serving_cell_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt_none(p); /* tdd-UL-DL-ConfigurationDedicated */
    per_opt(p, &v->has_initial_dl_bwp);
    per_opt_none(p); /* downlinkBWP-ToReleaseList */
    per_opt_none(p); /* downlinkBWP-ToAddModList */
    per_opt(p, &v->has_first_active_dl_bwp);
    per_opt_none(p); /* bwp-InactivityTimer */
    per_opt_none(p); /* defaultDownlinkBWP-Id */
    per_opt(p, &v->has_uplink_config);
    per_opt_none(p); /* supplementaryUplink */
    per_opt_none(p); /* pdcch-ServingCellConfig */
    per_opt_sr(p, &v->pdsch_serving_sr);
    for (int i = 0; i < 3; i++) per_opt_none(p); /* csi-MeasConfig, sCellDeactivationTimer, crossCarrierScheduling */
    for (int i = 0; i < 3; i++) per_opt_none(p); /* dummy1, pathlossReferenceLinking, servingCellMO */
    if (v->has_initial_dl_bwp) bwp_dl_dedicated_codec(p, v);
    if (v->has_first_active_dl_bwp) per_int(p, &v->first_active_dl_bwp, 0, 4);
    if (v->has_uplink_config) uplink_config_codec(p, v);
    if (per_setup_release(p, &v->pdsch_serving_sr)) pdsch_serving_cell_codec(p, v);
    per_int(p, &v->tag_id, 0, 3);
    per_ext_skip(p, ext);
}

/* ---- PUCCH-Config -------------------------------------------------------------------------------------- */

static void pucch_resource_set_codec(struct per *p, struct rrc_pucch_resource_set *v)
{
    per_opt(p, &v->has_max_payload_size);
    per_int(p, &v->id, 0, 3);
    per_size(p, &v->nof_resources, 1, 32, RRC_MAX_PUCCH_SET_RESOURCES);
    for (int i = 0; i < v->nof_resources; i++) per_int(p, &v->resources[i], 0, 127);
    if (v->has_max_payload_size) per_int(p, &v->max_payload_size, 4, 256);
}

static void pucch_format_codec(struct per *p, struct rrc_pucch_resource *v)
{
    int f = (int)v->format;
    per_choice(p, &f, 5, false);
    v->format = (enum rrc_pucch_format)f;
    switch (v->format) {
    case RRC_PUCCH_F0:
        per_int(p, &v->initial_cyclic_shift, 0, 11);
        per_int(p, &v->nof_symbols, 1, 2);
        per_int(p, &v->start_symbol, 0, 13);
        break;
    case RRC_PUCCH_F1:
        per_int(p, &v->initial_cyclic_shift, 0, 11);
        per_int(p, &v->nof_symbols, 4, 14);
        per_int(p, &v->start_symbol, 0, 10);
        per_int(p, &v->time_domain_occ, 0, 6);
        break;
    case RRC_PUCCH_F2:
    case RRC_PUCCH_F3:
        per_int(p, &v->nof_prbs, 1, 16);
        per_int(p, &v->nof_symbols, v->format == RRC_PUCCH_F2 ? 1 : 4, v->format == RRC_PUCCH_F2 ? 2 : 14);
        per_int(p, &v->start_symbol, 0, v->format == RRC_PUCCH_F2 ? 13 : 10);
        break;
    case RRC_PUCCH_F4:
        per_int(p, &v->nof_symbols, 4, 14);
        per_enum_value(p, &v->occ_length, x2_4_values, 2, false);
        per_enum(p, &v->occ_index, 4, false);
        per_int(p, &v->start_symbol, 0, 10);
        break;
    }
}

static void pucch_resource_codec(struct per *p, struct rrc_pucch_resource *v)
{
    enum_flag(p, &v->intra_slot_hopping);
    per_opt(p, &v->has_second_hop_prb);
    per_int(p, &v->id, 0, 127);
    per_int(p, &v->starting_prb, 0, RRC_MAX_NROF_PRB - 1);
    if (v->has_second_hop_prb) per_int(p, &v->second_hop_prb, 0, RRC_MAX_NROF_PRB - 1);
    pucch_format_codec(p, v);
}

static void pucch_format_config_codec(struct per *p, struct rrc_pucch_format_config *v)
{
    static const int slots_values[3] = {2, 4, 8};
    enum_flag(p, &v->interslot_hopping);
    enum_flag(p, &v->additional_dmrs);
    per_opt(p, &v->has_max_code_rate);
    per_opt(p, &v->has_nrof_slots);
    enum_flag(p, &v->pi2_bpsk);
    enum_flag(p, &v->simultaneous_harq_ack_csi);
    if (v->has_max_code_rate) per_enum(p, &v->max_code_rate, 7, false);
    if (v->has_nrof_slots) per_enum_value(p, &v->nrof_slots, slots_values, 3, false);
}

static void sr_resource_codec(struct per *p, struct rrc_sr_resource *v)
{
    per_opt(p, &v->has_periodicity);
    per_opt(p, &v->has_resource);
    per_int(p, &v->id, 1, 8);
    per_int(p, &v->sr_id, 0, 7);
    if (v->has_periodicity) {
        int alt = 0; /* periodicityAndOffset: sym2, sym6or7, sl1 NULL; sl2 INTEGER (0..1) .. sl640 (0..639) */
        while (!per_decoding(p) && alt < 15 && sr_period_values[alt] != v->period) alt++;
        if (alt == 15) per_fail(p, -EINVAL);
        per_choice(p, &alt, 15, false);
        if (!per_error(p)) {
            v->period = sr_period_values[alt];
            if (alt >= 3)
                per_int(p, &v->offset, 0, v->period - 1);
            else
                v->offset = 0;
        }
    }
    if (v->has_resource) per_int(p, &v->resource, 0, 127);
}

void rrc_pucch_config_codec(struct per *p, struct rrc_pucch_config *v)
{
    bool ext = false, has_sets = v->nof_resource_sets > 0, has_res = v->nof_resources > 0;
    bool has_sr = v->nof_sr_resources > 0, has_k1 = v->nof_dl_data_to_ul_ack > 0;
    per_ext(p, &ext);
    per_opt(p, &has_sets);
    per_opt_none(p); /* resourceSetToReleaseList */
    per_opt(p, &has_res);
    per_opt_none(p); /* resourceToReleaseList */
    for (int f = 0; f < 4; f++) per_opt_sr(p, &v->format_sr[f]);
    per_opt(p, &has_sr);
    per_opt_none(p); /* schedulingRequestResourceToReleaseList */
    per_opt_none(p); /* multi-CSI-PUCCH-ResourceList */
    per_opt(p, &has_k1);
    for (int i = 0; i < 3; i++) per_opt_none(p); /* spatialRelationInfo lists, pucch-PowerControl */
    if (has_sets) {
        per_size(p, &v->nof_resource_sets, 1, RRC_MAX_PUCCH_SETS, RRC_MAX_PUCCH_SETS);
        for (int i = 0; i < v->nof_resource_sets; i++) pucch_resource_set_codec(p, &v->sets[i]);
    }
    if (has_res) {
        per_size(p, &v->nof_resources, 1, 128, RRC_MAX_PUCCH_RESOURCES);
        for (int i = 0; i < v->nof_resources; i++) pucch_resource_codec(p, &v->res[i]);
    }
    for (int f = 0; f < 4; f++)
        if (per_setup_release(p, &v->format_sr[f])) pucch_format_config_codec(p, &v->format[f]);
    if (has_sr) {
        per_size(p, &v->nof_sr_resources, 1, RRC_MAX_SR_RESOURCES, RRC_MAX_SR_RESOURCES);
        for (int i = 0; i < v->nof_sr_resources; i++) sr_resource_codec(p, &v->sr[i]);
    }
    if (has_k1) {
        per_size(p, &v->nof_dl_data_to_ul_ack, 1, 8, 8);
        for (int i = 0; i < v->nof_dl_data_to_ul_ack; i++) per_int(p, &v->dl_data_to_ul_ack[i], 0, 15);
    }
    per_ext_skip(p, ext);
}

bool rrc_serving_cell_qam256(const struct rrc_serving_cell_config *sc)
{
    return sc->pdsch_sr == PER_SETUP && sc->pdsch.has_mcs_table && sc->pdsch.mcs_table == 0;
}

/* Whether sc's UE-specific search spaces carry DCI 0_1/1_1 (*has_11) and 0_0/1_0 (*has_10). */
static void uss_formats(const struct rrc_serving_cell_config *sc, bool *has_11, bool *has_10)
{
    *has_11 = *has_10 = false;
    for (int i = 0; sc->pdcch_sr == PER_SETUP && i < sc->pdcch.nof_search_spaces && i < RRC_MAX_SEARCH_SPACES; i++) {
        const struct rrc_search_space *s = &sc->pdcch.ss[i];
        if (s->has_type && s->type == RRC_SS_UE_SPECIFIC) {
            *has_11 |= s->ue_dci_formats_0_1_and_1_1;
            *has_10 |= !s->ue_dci_formats_0_1_and_1_1;
        }
    }
}

/* 7.3.1.0 step 1: the size of 0_0 and 1_0 aligned in a UE-specific search space over n_rb_bwp (the larger). */
static int uss_0_0_size(int n_rb_bwp)
{
    int s10 = dci_1_0_size(DCI_RNTI_C, n_rb_bwp), s00 = dci_0_0_size(n_rb_bwp);
    return s10 < 0 ? s10 : s10 > s00 ? s10 : s00;
}

int rrc_serving_cell_dci_1_1(const struct rrc_serving_cell_config *sc, int n_rb_bwp, bool dynamic_codebook,
                             struct dci_1_1_config *c)
{
    const struct rrc_pdsch_config *p = &sc->pdsch;
    bool has_11, has_10;
    uss_formats(sc, &has_11, &has_10);
    if (sc->pdsch_sr != PER_SETUP || sc->pucch_sr != PER_SETUP || sc->pdcch_sr != PER_SETUP || !has_11)
        return -EINVAL;
    if (p->tdra_sr != PER_SETUP || p->resource_allocation != 1 || p->has_vrb_to_prb_interleaver || p->prb_bundling_dynamic ||
        (p->has_max_codewords && p->max_codewords == 2))
        return -ENOTSUP;
    int s10 = uss_0_0_size(n_rb_bwp);
    if (s10 < 0) return -EINVAL;
    *c = (struct dci_1_1_config){
        .n_rb_bwp = n_rb_bwp, .nof_tdra_rows = p->tdra.n,
        .dynamic_harq_codebook = dynamic_codebook, .nof_dl_data_to_ul_ack = sc->pucch.nof_dl_data_to_ul_ack,
        .dmrs_type2 = p->dmrs_type_a_sr == PER_SETUP && p->dmrs_type_a.type2,
        .dmrs_max_length2 = p->dmrs_type_a_sr == PER_SETUP && p->dmrs_type_a.max_length_2,
        .uss_1_0_size = has_10 ? s10 : 0};
    return dci_1_1_size(c) < 0 ? -EINVAL : 0;
}

int rrc_serving_cell_dci_0_1(const struct rrc_serving_cell_config *sc, int n_rb_bwp, bool dynamic_codebook,
                             struct dci_0_1_config *c)
{
    const struct rrc_pusch_config *p = &sc->pusch;
    bool has_11, has_10;
    uss_formats(sc, &has_11, &has_10);
    if (sc->pusch_sr != PER_SETUP || !has_11) return -EINVAL;
    if (p->tdra_sr != PER_SETUP || p->resource_allocation != 1 || p->has_frequency_hopping || p->has_tx_config ||
        (p->uci_on_pusch_sr == PER_SETUP && p->uci_on_pusch.has_beta_offsets && p->uci_on_pusch.beta_dynamic))
        return -ENOTSUP;
    int s00 = uss_0_0_size(n_rb_bwp);
    if (s00 < 0) return -EINVAL;
    bool dmrs = p->dmrs_type_a_sr == PER_SETUP;
    *c = (struct dci_0_1_config){
        .n_rb_bwp = n_rb_bwp, .nof_tdra_rows = p->tdra.n, .dynamic_harq_codebook = dynamic_codebook,
        .transform_precoding = p->has_transform_precoder && p->transform_precoder == 0,
        .dmrs_type2 = dmrs && p->dmrs_type_a.type2, .dmrs_max_length2 = dmrs && p->dmrs_type_a.max_length_2,
        .uss_0_0_size = has_10 ? s00 : 0};
    return dci_0_1_size(c) < 0 ? -EINVAL : 0;
}

static void budget_add(struct rrc_dci_budget *b, const char *what, bool c_rnti, int bits)
{
    if (b->n < RRC_DCI_MAX_SIZES) b->e[b->n++] = (struct rrc_dci_size){.what = what, .c_rnti = c_rnti, .bits = bits};
}

/* Distinct sizes among b's entries, those with C-RNTI only or all. */
static int budget_distinct(const struct rrc_dci_budget *b, bool c_rnti_only)
{
    int n = 0;
    for (int i = 0; i < b->n; i++) {
        if (c_rnti_only && !b->e[i].c_rnti) continue;
        bool seen = false;
        for (int j = 0; j < i; j++) seen |= (!c_rnti_only || b->e[j].c_rnti) && b->e[j].bits == b->e[i].bits;
        n += !seen;
    }
    return n;
}

int rrc_dci_budget(const struct rrc_serving_cell_config *sc, int n_rb_bwp, int n_rb_coreset0, bool dynamic_codebook,
                   struct rrc_dci_budget *b)
{
    memset(b, 0, sizeof *b);
    int css = dci_1_0_size(DCI_RNTI_C, n_rb_coreset0), uss = uss_0_0_size(n_rb_bwp);
    if (css < 0 || uss < 0) return -EINVAL;
    /* common search spaces: 0_0 padded or cut to 1_0's size over CORESET#0 (7.3.1.0 step 0) */
    budget_add(b, "1_0 CSS", true, css);
    budget_add(b, "0_0 CSS", true, css);
    budget_add(b, "1_0 CSS TC-RNTI", false, dci_1_0_size(DCI_RNTI_TC, n_rb_coreset0));
    budget_add(b, "1_0 CSS RA-RNTI", false, dci_1_0_size(DCI_RNTI_RA, n_rb_coreset0));
    budget_add(b, "1_0 CSS SI-RNTI", false, dci_1_0_size(DCI_RNTI_SI, n_rb_coreset0));
    bool has_11, has_10;
    uss_formats(sc, &has_11, &has_10);
    if (has_10) {
        budget_add(b, "1_0 USS", true, uss);
        budget_add(b, "0_0 USS", true, uss);
    }
    if (has_11) {
        struct dci_1_1_config c11;
        struct dci_0_1_config c01;
        int rc = rrc_serving_cell_dci_1_1(sc, n_rb_bwp, dynamic_codebook, &c11);
        if (rc == 0) rc = rrc_serving_cell_dci_0_1(sc, n_rb_bwp, dynamic_codebook, &c01);
        if (rc < 0) return rc;
        budget_add(b, "1_1 USS", true, dci_1_1_size(&c11));
        budget_add(b, "0_1 USS", true, dci_0_1_size(&c01));
    }
    b->c_rnti_sizes = budget_distinct(b, true);
    b->total_sizes = budget_distinct(b, false);
    return b->c_rnti_sizes > 3 || b->total_sizes > 4 ? -E2BIG : 0;
}
