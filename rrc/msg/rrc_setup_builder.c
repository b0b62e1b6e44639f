/* RRCSetup builder (see rrc_setup_builder.h). */
#include "rrc/msg/rrc_setup_builder.h"

#include <errno.h>
#include <string.h>

void rrc_setup_builder_defaults(struct rrc_setup_cell_desc *d)
{
    *d = (struct rrc_setup_cell_desc){.nof_prb = 52, .pdsch_start_symbol = 1, .coreset1_duration = 1,
                                      .ss2_candidates = {0, 2, 2, 1, 0}, .sr_period_slots = 10, .sr_trans_max = 64,
                                      .pusch_k2 = 4, .dl_256qam = true,
                                      .ue = {.f1_prb = 50, .f1_cs = 0, .ack_occ = {0, 1}, .sr_occ = 2, .f2_prb = 48,
                                             .f2_symbol = 12, .sr_offset = 0}};
}

/* SRB1 on LCID 1 with the RLC and logical channel values of 38.331 9.2.1 (default SRB configurations). */
static void build_srb1_bearer(struct rrc_rlc_bearer_config *b)
{
    *b = (struct rrc_rlc_bearer_config){
        .lcid = 1, .has_served_radio_bearer = true, .served_is_drb = false, .radio_bearer_id = 1,
        .has_rlc_config = true,
        .rlc = {.mode = RRC_RLC_AM, .ul_has_sn = true, .ul_sn_len = 12, .t_poll_retransmit = 45,
                .poll_pdu = RRC_INFINITY, .poll_byte = RRC_INFINITY, .max_retx_threshold = 8, .dl_has_sn = true,
                .dl_sn_len = 12, .t_reassembly = 35, .t_status_prohibit = 0},
        .has_mac_lc_config = true,
        .mac_lc = {.has_ul_specific = true, .priority = 1, .prioritised_bit_rate = RRC_INFINITY,
                   .bucket_size_duration = 5, .has_lcg = true, .lcg = 0, .has_sr_id = true, .sr_id = 0,
                   .sr_mask = false, .sr_delay_timer_applied = false}};
}

static void build_mac(const struct rrc_setup_cell_desc *d, struct rrc_mac_cell_group_config *m)
{
    /* One SR configuration and no sr-ProhibitTimer: srsUE rejects the SR configuration otherwise. */
    *m = (struct rrc_mac_cell_group_config){
        .has_sr_config = true, .nof_sr = 1, .sr = {{.id = 0, .trans_max = d->sr_trans_max}},
        .has_bsr = true, .periodic_bsr_timer = 20, .retx_bsr_timer = 320,
        .has_tag_config = true, .nof_tags = 1, .tag = {{.id = 0, .ta_timer = RRC_INFINITY}},
        .phr_sr = PER_SETUP, .phr_periodic_timer = 500, .phr_prohibit_timer = 200, .phr_tx_power_factor_change = 3,
        .skip_uplink_tx_dynamic = false};
}

void rrc_setup_builder_pdcch(const struct rrc_setup_cell_desc *d, struct rrc_pdcch_config *c)
{
    int groups = d->nof_prb / 6 > 45 ? 45 : d->nof_prb / 6; /* 6-RB groups from CRB 0 (38.211 7.3.2.2) */
    c->nof_coresets = 1;
    c->coreset[0] = (struct rrc_coreset){
        .id = 1, .frequency_domain_resources = ((1ull << groups) - 1) << (45 - groups),
        .duration = d->coreset1_duration, .interleaved = false, .precoder_all_contiguous_rbs = false};
    c->nof_search_spaces = 1;
    c->ss[0] = (struct rrc_search_space){
        .id = 2, .has_coreset_id = true, .coreset_id = 1, .has_monitoring = true, .monitoring_period_slots = 1,
        .has_monitoring_symbols = true, .monitoring_symbols = 1u << 13, .has_nrof_candidates = true,
        .has_type = true, .type = RRC_SS_UE_SPECIFIC, .ue_dci_formats_0_1_and_1_1 = true};
    memcpy(c->ss[0].nrof_candidates, d->ss2_candidates, sizeof c->ss[0].nrof_candidates);
    /* 38.213 10.1: M_L candidates of aggregation level L need M_L L distinct CCEs of the CORESET (a 6-RB group over
     * `duration` symbols is `duration` CCEs): on a small carrier the higher levels get fewer or none. srsUE fails
     * every C-RNTI PDCCH search of a slot whose search space asks for more (a 25-PRB CORESET#1 has 4 CCEs). */
    int n_cce = groups * d->coreset1_duration;
    for (int i = 0; i < 5; i++)
        if (c->ss[0].nrof_candidates[i] > n_cce >> i) c->ss[0].nrof_candidates[i] = n_cce >> i == 7 ? 6 : n_cce >> i;
    /* One UE-specific search space, DCI 0_1/1_1 only: with the common 0_0/1_0 (CORESET#0) that is 3 DCI sizes
     * with C-RNTI on any carrier (38.212 7.3.1.0; a second one with 0_0/1_0 sized on the BWP would be a 4th
     * whenever the BWP and CORESET#0 differ in size, rrc_dci_budget()). */
}

static void build_pdsch(const struct rrc_setup_cell_desc *d, struct rrc_pdsch_config *p)
{
    *p = (struct rrc_pdsch_config){
        .dmrs_type_a_sr = PER_SETUP, /* DMRS type 1, additional position pos2 (absent), as srsUE assumes */
        .nof_tci_states = 1, .tci = {{.id = 0, .ref_csi_rs = false, .ref_index = 0, .qcl_type = 3}},
        .resource_allocation = 1, .tdra_sr = PER_SETUP,
        .tdra = {.n = 1, .e = {{.start_symbol_and_length = rrc_sliv(d->pdsch_start_symbol, 14 - d->pdsch_start_symbol)}}},
        .rbg_size = 1, .prb_bundling_dynamic = false, .has_bundle_size1 = true, .bundle_size1 = 1 /* wideband */};
    /* no mcs-Table (Table 5.1.3.1-1): qam256 only for a UE whose capabilities say so (rrc/rrc_cell.h) */
}

static void build_pucch(const struct rrc_setup_cell_desc *d, struct rrc_pucch_config *p)
{
    const struct rrc_setup_ue_pucch *u = &d->ue;
    memset(p, 0, sizeof *p);
    const int occ[3] = {u->ack_occ[0], u->ack_occ[1], u->sr_occ};
    for (int i = 0; i < 3; i++) /* format 1, whole slot, one PRB, told apart by their time-domain OCC */
        p->res[i] = (struct rrc_pucch_resource){.id = i, .starting_prb = u->f1_prb, .format = RRC_PUCCH_F1,
                                                .initial_cyclic_shift = u->f1_cs, .nof_symbols = 14,
                                                .start_symbol = 0, .time_domain_occ = occ[i]};
    p->res[3] = (struct rrc_pucch_resource){.id = 3, .starting_prb = u->f2_prb, .format = RRC_PUCCH_F2,
                                            .nof_prbs = 1, .nof_symbols = 2, .start_symbol = u->f2_symbol};
    p->nof_resources = 4;
    p->nof_resource_sets = 2;
    p->sets[0] = (struct rrc_pucch_resource_set){.id = 0, .nof_resources = 2, .resources = {0, 1}};
    p->sets[1] = (struct rrc_pucch_resource_set){.id = 1, .nof_resources = 1, .resources = {3}};
    p->format_sr[0] = PER_SETUP; /* format1 */
    p->format_sr[1] = PER_SETUP; /* format2: srsUE requires it */
    p->format[1] = (struct rrc_pucch_format_config){.has_max_code_rate = true, .max_code_rate = 2 /* 0.25 */};
    p->nof_sr_resources = 1;
    p->sr[0] = (struct rrc_sr_resource){.id = 1, .sr_id = 0, .has_periodicity = true, .period = d->sr_period_slots,
                                        .offset = d->ue.sr_offset, .has_resource = true, .resource = 2};
    bool given = false;
    for (int i = 0; i < 8; i++) given |= d->dl_data_to_ul_ack[i] != 0;
    p->nof_dl_data_to_ul_ack = 8;
    for (int i = 0; i < 8; i++) p->dl_data_to_ul_ack[i] = given ? d->dl_data_to_ul_ack[i] : i + 1;
}

static void build_pusch(const struct rrc_setup_cell_desc *d, struct rrc_pusch_config *p)
{
    *p = (struct rrc_pusch_config){
        .dmrs_type_a_sr = PER_SETUP,
        .resource_allocation = 1,
        .tdra_sr = PER_SETUP,
        .tdra = {.n = 1, .e = {{.has_k = true, .k = d->pusch_k2, .start_symbol_and_length = rrc_sliv(0, 14)}}},
        .uci_on_pusch_sr = PER_SETUP,
        .uci_on_pusch = {.has_beta_offsets = true, .beta_dynamic = false, .scaling = 3 /* f1 */,
                         .beta = {{.has = {true, true, true, true, true, true, true}, .v = {9, 9, 9, 6, 6, 6, 6}}}}};
}

static bool ue_pucch_ok(const struct rrc_setup_cell_desc *d)
{
    const struct rrc_setup_ue_pucch *u = &d->ue;
    bool occ_ok = true;
    for (int i = 0; i < 3; i++) {
        int o = i < 2 ? u->ack_occ[i] : u->sr_occ;
        occ_ok = occ_ok && o >= 0 && o <= 6;
    }
    return occ_ok && u->f1_prb >= 0 && u->f1_prb < d->nof_prb && u->f1_cs >= 0 && u->f1_cs <= 11 &&
           u->f2_prb >= 0 && u->f2_prb < d->nof_prb && u->f2_symbol >= 0 && u->f2_symbol <= 12 &&
           u->sr_offset >= 0 && u->sr_offset < d->sr_period_slots;
}

int rrc_setup_builder_build(const struct rrc_setup_cell_desc *d, int transaction_id, struct rrc_dl_ccch_msg *msg)
{
    if (d->nof_prb < 6 || d->nof_prb > RRC_MAX_NROF_PRB || transaction_id < 0 || transaction_id > 3 ||
        d->pdsch_start_symbol < 1 || d->pdsch_start_symbol > 3 || !ue_pucch_ok(d) || d->pusch_k2 < 0 ||
        d->pusch_k2 > 32)
        return -EINVAL;
    for (int i = 0; i < 8; i++)
        if (d->dl_data_to_ul_ack[i] < 0 || d->dl_data_to_ul_ack[i] > 15) return -EINVAL;
    memset(msg, 0, sizeof *msg);
    msg->type = RRC_DL_CCCH_SETUP;
    struct rrc_setup *s = &msg->setup;
    s->transaction_id = transaction_id;
    s->radio_bearer_config.nof_srb = 1;
    s->radio_bearer_config.srb[0].srb_id = 1;
    struct rrc_cell_group_config *cg = &s->master_cell_group;
    cg->cell_group_id = 0;
    cg->nof_rlc_bearers = 1;
    build_srb1_bearer(&cg->rlc_bearer[0]);
    cg->has_mac = true;
    build_mac(d, &cg->mac);
    cg->has_phy = true;
    cg->phy.harq_ack_codebook_dynamic = true; /* srsUE implements only the dynamic codebook */
    cg->has_sp_cell = true;
    cg->sp_cell.has_dedicated = true;
    struct rrc_serving_cell_config *sc = &cg->sp_cell.dedicated;
    sc->has_initial_dl_bwp = true;
    sc->pdcch_sr = PER_SETUP;
    rrc_setup_builder_pdcch(d, &sc->pdcch);
    sc->pdsch_sr = PER_SETUP;
    build_pdsch(d, &sc->pdsch);
    sc->has_first_active_dl_bwp = true;
    sc->first_active_dl_bwp = 0;
    sc->has_uplink_config = true;
    sc->has_initial_ul_bwp = true;
    sc->pucch_sr = PER_SETUP;
    build_pucch(d, &sc->pucch);
    sc->pusch_sr = PER_SETUP;
    build_pusch(d, &sc->pusch);
    sc->has_first_active_ul_bwp = true;
    sc->first_active_ul_bwp = 0;
    sc->tag_id = 0;
    return 0;
}
