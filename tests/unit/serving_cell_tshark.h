/* Test helper (included by cell_group_tshark.h): tshark's decoding of SpCellConfig / ServingCellConfig compared
 * with the struct, in encoding order (see cell_group_tshark.h for the occurrence bookkeeping). */
#ifndef GNBD_TESTS_SERVING_CELL_TSHARK_H
#define GNBD_TESTS_SERVING_CELL_TSHARK_H

static const char *const ra_name[3] = {"resourceAllocationType0", "resourceAllocationType1", "dynamicSwitch"};

static inline void check_tdra_occ(const struct tshark_pkt *p, struct occ *o, const char *list, const char *kname,
                           const struct rrc_tdra_list *l)
{
    char sliv[160], type[160], k[160];
    snprintf(sliv, sizeof sliv, "%s/startSymbolAndLength", list);
    snprintf(type, sizeof type, "%s/mappingType", list);
    snprintf(k, sizeof k, "%s/%s", list, kname);
    XF(k, false);
    for (int i = 0; i < l->n; i++) {
        if (l->e[i].has_k) XI(k, l->e[i].k);
        XN(type, "%s", l->e[i].mapping_type_b ? "typeB" : "typeA");
        XI(sliv, l->e[i].start_symbol_and_length);
    }
}

static inline void check_pdcch_ded(const struct tshark_pkt *p, struct occ *o, const struct rrc_pdcch_config *c)
{
#define CSL "controlResourceSetToAddModList/ControlResourceSet_element/"
#define SSL "searchSpacesToAddModList/SearchSpace_element/"
    XF("pdcch_Config/setup_element/controlResourceSetToAddModList/ControlResourceSet_element", false);
    for (int i = 0; i < c->nof_coresets; i++) {
        XF("pdcch_Config/setup_element/controlResourceSetToAddModList/ControlResourceSet_element", true);
        check_coreset(p, CSL, c->coreset, i);
    }
    check_coreset_counts(p, CSL, c->coreset, c->nof_coresets);
    XF("pdcch_Config/setup_element/searchSpacesToAddModList/SearchSpace_element", false);
    for (int i = 0; i < c->nof_search_spaces; i++) {
        XF("pdcch_Config/setup_element/searchSpacesToAddModList/SearchSpace_element", true);
        check_search_space(p, SSL, c->ss, i);
    }
#undef SSL
#undef CSL
}

static inline void check_pdsch_ded(const struct tshark_pkt *p, struct occ *o, const struct rrc_pdsch_config *c)
{
#define PD "pdsch_Config/setup_element/"
#define DM "dmrs_DownlinkForPDSCH_MappingTypeA/setup_element/"
    XOPT_I(PD "dataScramblingIdentityPDSCH", c->has_data_scrambling_id, c->data_scrambling_id);
    check_sr_state(p, o, PD "dmrs_DownlinkForPDSCH_MappingTypeA", c->dmrs_type_a_sr);
    if (c->dmrs_type_a_sr == PER_SETUP) {
        const struct rrc_dmrs_dl_config *d = &c->dmrs_type_a;
        XF(DM "dmrs_Type", d->type2);
        XF(DM "dmrs_AdditionalPosition", false);
        if (d->has_additional_position) XN(DM "dmrs_AdditionalPosition", "pos%d", d->additional_position);
        XF(DM "maxLength", d->max_length_2);
        XOPT_I(DM "scramblingID0", d->has_scrambling_id0, d->scrambling_id0);
        XOPT_I(DM "scramblingID1", d->has_scrambling_id1, d->scrambling_id1);
    }
#define TC "TCI_State_element/"
    XF(TC "tci_StateId", false);
    XF(TC "qcl_Type1_element/cell", false);
    XF(TC "qcl_Type1_element/bwp_Id", false);
    for (int i = 0; i < c->nof_tci_states; i++) {
        const struct rrc_tci_state *t = &c->tci[i];
        XI(TC "tci_StateId", t->id);
        if (t->has_cell) XI(TC "qcl_Type1_element/cell", t->cell);
        if (t->has_bwp_id) XI(TC "qcl_Type1_element/bwp_Id", t->bwp_id);
        XN(TC "qcl_Type1_element/referenceSignal", "%s", t->ref_csi_rs ? "csi-rs" : "ssb");
        XI(t->ref_csi_rs ? TC "qcl_Type1_element/referenceSignal/csi_rs" : TC "qcl_Type1_element/referenceSignal/ssb",
           t->ref_index);
        XN(TC "qcl_Type1_element/qcl_Type", "type%c", 'A' + t->qcl_type);
    }
#undef TC
    XF(PD "vrb_ToPRB_Interleaver", false);
    if (c->has_vrb_to_prb_interleaver) XN(PD "vrb_ToPRB_Interleaver", "n%d", c->vrb_to_prb_interleaver);
    XN(PD "resourceAllocation", "%s", ra_name[c->resource_allocation]);
    check_sr_state(p, o, PD "pdsch_TimeDomainAllocationList", c->tdra_sr);
    if (c->tdra_sr == PER_SETUP)
        check_tdra_occ(p, o, PD "pdsch_TimeDomainAllocationList/setup/PDSCH_TimeDomainResourceAllocation_element", "k0", &c->tdra);
    XF(PD "pdsch_AggregationFactor", false);
    if (c->has_aggregation_factor) XN(PD "pdsch_AggregationFactor", "n%d", c->aggregation_factor);
    XN(PD "rbg_Size", "config%d", c->rbg_size);
    XF(PD "mcs_Table", false);
    if (c->has_mcs_table) XN(PD "mcs_Table", "%s", c->mcs_table ? "qam64LowSE" : "qam256");
    XF(PD "maxNrofCodeWordsScheduledByDCI", false);
    if (c->has_max_codewords) XN(PD "maxNrofCodeWordsScheduledByDCI", "n%d", c->max_codewords);
    XN(PD "prb_BundlingType", "%s", c->prb_bundling_dynamic ? "dynamicBundling" : "staticBundling");
    static const char *const set1[4] = {"n4", "wideband", "n2-wideband", "n4-wideband"};
    const char *b1 = c->prb_bundling_dynamic ? "dynamicBundling_element/bundleSizeSet1" : "staticBundling_element/bundleSize";
    XF(b1, false);
    if (c->has_bundle_size1) XN(b1, "%s", set1[c->bundle_size1]);
    XF("dynamicBundling_element/bundleSizeSet2", false);
    if (c->prb_bundling_dynamic && c->has_bundle_size2)
        XN("dynamicBundling_element/bundleSizeSet2", "%s", c->bundle_size2 ? "wideband" : "n4");
#undef DM
#undef PD
}

static inline void check_pucch_ded(const struct tshark_pkt *p, struct occ *o, const struct rrc_pucch_config *c)
{
#define PU "pucch_Config/setup_element/"
#define PR "PUCCH_Resource_element/"
    static const char *const fmt[5] = {"format0", "format1", "format2", "format3", "format4"};
    XF("PUCCH_ResourceSet_element/maxPayloadSize", false);
    for (int i = 0; i < c->nof_resource_sets; i++) {
        XI("PUCCH_ResourceSet_element/pucch_ResourceSetId", c->sets[i].id);
        for (int k = 0; k < c->sets[i].nof_resources; k++)
            XI("PUCCH_ResourceSet_element/resourceList/PUCCH_ResourceId", c->sets[i].resources[k]);
        if (c->sets[i].has_max_payload_size) XI("PUCCH_ResourceSet_element/maxPayloadSize", c->sets[i].max_payload_size);
    }
    XF(PR "intraSlotFrequencyHopping", false);
    XF(PR "secondHopPRB", false);
    for (int i = 0; i < c->nof_resources; i++) {
        const struct rrc_pucch_resource *r = &c->res[i];
        char path[96];
        XI(PR "pucch_ResourceId", r->id);
        XI(PR "startingPRB", r->starting_prb);
        if (r->intra_slot_hopping) XF(PR "intraSlotFrequencyHopping", true);
        if (r->has_second_hop_prb) XI(PR "secondHopPRB", r->second_hop_prb);
        XN(PR "format", "%s", fmt[r->format]);
#define F(name) (snprintf(path, sizeof path, PR "format/%s_element/%s", fmt[r->format], name), path)
        if (r->format <= RRC_PUCCH_F1) XI(F("initialCyclicShift"), r->initial_cyclic_shift);
        if (r->format == RRC_PUCCH_F2 || r->format == RRC_PUCCH_F3) XI(F("nrofPRBs"), r->nof_prbs);
        XI(F("nrofSymbols"), r->nof_symbols);
        if (r->format == RRC_PUCCH_F4) {
            XN(F("occ_Length"), "n%d", r->occ_length);
            XN(F("occ_Index"), "n%d", r->occ_index);
        }
        XI(F("startingSymbolIndex"), r->start_symbol);
        if (r->format == RRC_PUCCH_F1) XI(F("timeDomainOCC"), r->time_domain_occ);
#undef F
    }
    for (int f = 0; f < 4; f++) {
        char path[96];
        snprintf(path, sizeof path, PU "format%d", f + 1);
        check_sr_state(p, o, path, c->format_sr[f]);
        if (c->format_sr[f] != PER_SETUP) continue;
        const struct rrc_pucch_format_config *fc = &c->format[f];
        static const char *const rates[7] = {"zeroDot08", "zeroDot15", "zeroDot25", "zeroDot35", "zeroDot45",
                                             "zeroDot60", "zeroDot80"};
        snprintf(path, sizeof path, PU "format%d/setup_element/maxCodeRate", f + 1);
        XF(path, false);
        if (fc->has_max_code_rate) XN(path, "%s", rates[fc->max_code_rate]);
        snprintf(path, sizeof path, PU "format%d/setup_element/nrofSlots", f + 1);
        XF(path, false);
        if (fc->has_nrof_slots) XN(path, "n%d", fc->nrof_slots);
        snprintf(path, sizeof path, PU "format%d/setup_element/pi2BPSK", f + 1);
        XF(path, fc->pi2_bpsk);
    }
#define SR "SchedulingRequestResourceConfig_element/"
    XF(SR "periodicityAndOffset", false);
    XF(SR "resource", false);
    for (int i = 0; i < c->nof_sr_resources; i++) {
        const struct rrc_sr_resource *r = &c->sr[i];
        XI(SR "schedulingRequestResourceId", r->id);
        XI(SR "schedulingRequestID", r->sr_id);
        if (r->has_periodicity) {
            if (r->period < 0)
                XN(SR "periodicityAndOffset", "%s", r->period == RRC_SR_PERIOD_SYM2 ? "sym2" : "sym6or7");
            else
                XN(SR "periodicityAndOffset", "sl%d", r->period);
            char path[96];
            snprintf(path, sizeof path, SR "periodicityAndOffset/sl%d", r->period);
            if (r->period > 1) XI(path, r->offset);
        }
        if (r->has_resource) XI(SR "resource", r->resource);
    }
#undef SR
    XF(PU "dl_DataToUL_ACK/dl_DataToUL_ACK_item", false);
    for (int i = 0; i < c->nof_dl_data_to_ul_ack; i++) XI(PU "dl_DataToUL_ACK/dl_DataToUL_ACK_item", c->dl_data_to_ul_ack[i]);
#undef PR
#undef PU
}

static inline void check_pusch_ded(const struct tshark_pkt *p, struct occ *o, const struct rrc_pusch_config *c)
{
#define PS "pusch_Config/setup_element/"
#define DM "dmrs_UplinkForPUSCH_MappingTypeA/setup_element/"
    static const char *const mcs[2] = {"qam256", "qam64LowSE"};
    static const char *const cbs[3] = {"fullyAndPartialAndNonCoherent", "partialAndNonCoherent", "nonCoherent"};
    XOPT_I(PS "dataScramblingIdentityPUSCH", c->has_data_scrambling_id, c->data_scrambling_id);
    XF(PS "txConfig", false);
    if (c->has_tx_config) XN(PS "txConfig", "%s", c->tx_config ? "nonCodebook" : "codebook");
    check_sr_state(p, o, PS "dmrs_UplinkForPUSCH_MappingTypeA", c->dmrs_type_a_sr);
    if (c->dmrs_type_a_sr == PER_SETUP) {
        const struct rrc_dmrs_ul_config *d = &c->dmrs_type_a;
        XF(DM "dmrs_Type", d->type2);
        XF(DM "dmrs_AdditionalPosition", false);
        if (d->has_additional_position) XN(DM "dmrs_AdditionalPosition", "pos%d", d->additional_position);
        XF(DM "maxLength", d->max_length_2);
        XF(DM "transformPrecodingDisabled_element", d->has_tp_disabled);
        XOPT_I(DM "transformPrecodingDisabled_element/scramblingID0", d->has_scrambling_id0, d->scrambling_id0);
        XOPT_I(DM "transformPrecodingDisabled_element/scramblingID1", d->has_scrambling_id1, d->scrambling_id1);
        XF(DM "transformPrecodingEnabled_element", d->has_tp_enabled);
        XOPT_I(DM "transformPrecodingEnabled_element/nPUSCH_Identity", d->has_npusch_identity, d->npusch_identity);
        XF(DM "transformPrecodingEnabled_element/sequenceGroupHopping", d->sequence_group_hopping_disabled);
        XF(DM "transformPrecodingEnabled_element/sequenceHopping", d->sequence_hopping_enabled);
    }
    XF(PS "frequencyHopping", false);
    if (c->has_frequency_hopping) XN(PS "frequencyHopping", "%s", c->frequency_hopping ? "interSlot" : "intraSlot");
    XN(PS "resourceAllocation", "%s", ra_name[c->resource_allocation]);
    check_sr_state(p, o, PS "pusch_TimeDomainAllocationList", c->tdra_sr);
    if (c->tdra_sr == PER_SETUP)
        check_tdra_occ(p, o, PS "pusch_TimeDomainAllocationList/setup/PUSCH_TimeDomainResourceAllocation_element", "k2", &c->tdra);
    XF(PS "pusch_AggregationFactor", false);
    if (c->has_aggregation_factor) XN(PS "pusch_AggregationFactor", "n%d", c->aggregation_factor);
    XF(PS "mcs_Table", false);
    if (c->has_mcs_table) XN(PS "mcs_Table", "%s", mcs[c->mcs_table]);
    XF(PS "mcs_TableTransformPrecoder", false);
    if (c->has_mcs_table_tp) XN(PS "mcs_TableTransformPrecoder", "%s", mcs[c->mcs_table_tp]);
    XF(PS "transformPrecoder", false);
    if (c->has_transform_precoder) XN(PS "transformPrecoder", "%s", c->transform_precoder ? "disabled" : "enabled");
    XF(PS "codebookSubset", false);
    if (c->has_codebook_subset) XN(PS "codebookSubset", "%s", cbs[c->codebook_subset]);
    XOPT_I(PS "maxRank", c->has_max_rank, c->max_rank);
    XF(PS "rbg_Size", c->rbg_size_config2);
    check_sr_state(p, o, PS "uci_OnPUSCH", c->uci_on_pusch_sr);
    if (c->uci_on_pusch_sr == PER_SETUP) {
        static const char *const beta[7] = {"betaOffsetACK_Index1", "betaOffsetACK_Index2", "betaOffsetACK_Index3",
                                            "betaOffsetCSI_Part1_Index1", "betaOffsetCSI_Part1_Index2",
                                            "betaOffsetCSI_Part2_Index1", "betaOffsetCSI_Part2_Index2"};
        static const char *const scaling[4] = {"f0p5", "f0p65", "f0p8", "f1"};
        const struct rrc_uci_on_pusch *u = &c->uci_on_pusch;
        XF(PS "uci_OnPUSCH/setup_element/betaOffsets", false);
        if (u->has_beta_offsets) {
            XN(PS "uci_OnPUSCH/setup_element/betaOffsets", "%s", u->beta_dynamic ? "dynamic" : "semiStatic");
            for (int i = 0; i < (u->beta_dynamic ? 4 : 1); i++)
                for (int k = 0; k < 7; k++) {
                    char path[96];
                    snprintf(path, sizeof path, "BetaOffsets_element/%s", beta[k]);
                    if (!u->beta_dynamic) snprintf(path, sizeof path, "semiStatic_element/%s", beta[k]);
                    XF(path, false);
                    if (u->beta[i].has[k]) XI(path, u->beta[i].v[k]);
                }
        }
        XN(PS "uci_OnPUSCH/setup_element/scaling", "%s", scaling[u->scaling]);
    }
    XF(PS "tp_pi2BPSK", c->tp_pi2_bpsk);
#undef DM
#undef PS
}

static inline void check_serving_cell_ded(const struct tshark_pkt *p, struct occ *o, const struct rrc_serving_cell_config *c)
{
#define SC "spCellConfigDedicated_element/"
    XF(SC "initialDownlinkBWP_element", c->has_initial_dl_bwp);
    if (c->has_initial_dl_bwp) {
        check_sr_state(p, o, "initialDownlinkBWP_element/pdcch_Config", c->pdcch_sr);
        if (c->pdcch_sr == PER_SETUP) check_pdcch_ded(p, o, &c->pdcch);
        check_sr_state(p, o, "initialDownlinkBWP_element/pdsch_Config", c->pdsch_sr);
        if (c->pdsch_sr == PER_SETUP) check_pdsch_ded(p, o, &c->pdsch);
    }
    XOPT_I(SC "firstActiveDownlinkBWP_Id", c->has_first_active_dl_bwp, c->first_active_dl_bwp);
    XF(SC "uplinkConfig_element", c->has_uplink_config);
    if (c->has_uplink_config) {
        XF(SC "uplinkConfig_element/initialUplinkBWP_element", c->has_initial_ul_bwp);
        if (c->has_initial_ul_bwp) {
            check_sr_state(p, o, "initialUplinkBWP_element/pucch_Config", c->pucch_sr);
            if (c->pucch_sr == PER_SETUP) check_pucch_ded(p, o, &c->pucch);
            check_sr_state(p, o, "initialUplinkBWP_element/pusch_Config", c->pusch_sr);
            if (c->pusch_sr == PER_SETUP) check_pusch_ded(p, o, &c->pusch);
        }
        XOPT_I(SC "uplinkConfig_element/firstActiveUplinkBWP_Id", c->has_first_active_ul_bwp, c->first_active_ul_bwp);
    }
    check_sr_state(p, o, SC "pdsch_ServingCellConfig", c->pdsch_serving_sr);
    if (c->pdsch_serving_sr == PER_SETUP) {
        XF("pdsch_ServingCellConfig/setup_element/xOverhead", false);
        if (c->has_x_overhead) XN("pdsch_ServingCellConfig/setup_element/xOverhead", "xOh%d", c->x_overhead);
        XF("pdsch_ServingCellConfig/setup_element/nrofHARQ_ProcessesForPDSCH", false);
        if (c->has_nrof_harq_processes)
            XN("pdsch_ServingCellConfig/setup_element/nrofHARQ_ProcessesForPDSCH", "n%d", c->nrof_harq_processes);
    }
    XI(SC "tag_Id", c->tag_id);
    XF(SC "csi_MeasConfig", false); /* never sent: srsUE needs no CSI (docs/SRSUE.md §4.1) */
#undef SC
}

static inline void check_sp_cell(const struct tshark_pkt *p, struct occ *o, const struct rrc_sp_cell_config *s)
{
#define SP "spCellConfig_element/"
    XOPT_I(SP "servCellIndex", s->has_serv_cell_index, s->serv_cell_index);
    check_sr_state(p, o, SP "rlf_TimersAndConstants", s->rlf_sr);
    if (s->rlf_sr == PER_SETUP) {
        XN(SP "rlf_TimersAndConstants/setup_element/t310", "ms%d", s->rlf_t310);
        XN(SP "rlf_TimersAndConstants/setup_element/n310", "n%d", s->rlf_n310);
        XN(SP "rlf_TimersAndConstants/setup_element/n311", "n%d", s->rlf_n311);
    }
    XF(SP "rlmInSyncOutOfSyncThreshold", s->rlm_in_sync_out_of_sync_threshold);
    XF(SP "spCellConfigDedicated_element", s->has_dedicated);
    if (s->has_dedicated) check_serving_cell_ded(p, o, &s->dedicated);
#undef SP
}

#endif
