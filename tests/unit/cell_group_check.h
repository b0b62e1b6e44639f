/* Test helper for test_rrc_setup.c: random CellGroupConfigs over every modelled field, and the comparison of
 * tshark's decoding of a masterCellGroup with the struct that was encoded, field by field. */
#ifndef GNBD_TESTS_CELL_GROUP_CHECK_H
#define GNBD_TESTS_CELL_GROUP_CHECK_H

#include <stdio.h>
#include <string.h>

#include "common_ies_check.h"
#include "rrc/msg/cell_group_config.h"
#include "rrc_random.h"
#include "test_rng.h"
#include "tshark_check.h"

#define PICK_FROM(a) pick(a, (int)(sizeof(a) / sizeof((a)[0])))
static inline bool often(void) { return rnd(0, 9) > 0; }

/* Every value of the timer and size ENUMERATEDs (38.331 RLC-Config, LogicalChannelConfig, MAC-CellGroupConfig). */
static const int t_poll_all[] = {5,   10,  15,  20,  25,  30,  35,  40,  45,  50,  55,  60,  65,  70,  75,  80,
                                 85,  90,  95,  100, 105, 110, 115, 120, 125, 130, 135, 140, 145, 150, 155, 160,
                                 165, 170, 175, 180, 185, 190, 195, 200, 205, 210, 215, 220, 225, 230, 235, 240,
                                 245, 250, 300, 350, 400, 450, 500, 800, 1000, 2000, 4000, 1, 2, 3, 4};
static const int poll_pdu_all[] = {4,     8,     16,    32,    64,    128,   256,   512,   1024,  2048,  4096,  6144,
                                   8192,  12288, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536, -1};
static const int poll_byte_all[] = {1,    2,    5,    8,    10,   15,   25,   50,   75,   100,   125,   250,
                                    375,  500,  750,  1000, 1250, 1500, 2000, 3000, 4000, 4500,  5000,  5500,
                                    6000, 6500, 7000, 7500, 8000, 9000, 10000, 11000, 12000, 13000, 14000, 15000,
                                    16000, 17000, 18000, 20000, 25000, 30000, 40000, -1};
static const int t_reassembly_all[] = {0,  5,  10, 15, 20,  25,  30,  35,  40,  45,  50,  55,  60,  65,  70,  75,
                                       80, 85, 90, 95, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200};
static const int t_status_all[] = {0,   5,   10,  15,  20,  25,  30,  35,  40,  45,  50,  55,  60,  65,  70,  75,
                                   80,  85,  90,  95,  100, 105, 110, 115, 120, 125, 130, 135, 140, 145, 150, 155,
                                   160, 165, 170, 175, 180, 185, 190, 195, 200, 205, 210, 215, 220, 225, 230, 235,
                                   240, 245, 250, 300, 350, 400, 450, 500, 800, 1000, 1200, 1600, 2000, 2400};
static const int pbr_all[] = {0, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, -1};
static const int bsd_all[] = {5, 10, 20, 50, 100, 150, 300, 500, 1000};
static const int periodic_bsr_all[] = {1, 5, 10, 16, 20, 32, 40, 64, 80, 128, 160, 320, 640, 1280, 2560, -1};
static const int retx_bsr_all[] = {10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240};
static const int sr_delay_all[] = {20, 40, 64, 128, 512, 1024, 2560};
static const int ta_all[] = {500, 750, 1280, 1920, 2560, 5120, 10240, -1};
static const int phr_periodic_all[] = {10, 20, 50, 100, 200, 500, 1000, -1};
static const int phr_prohibit_all[] = {0, 10, 20, 50, 100, 200, 500, 1000};
static const int sr_period_all[] = {RRC_SR_PERIOD_SYM2, RRC_SR_PERIOD_SYM6OR7, 1, 2, 4, 5, 8, 10, 16, 20, 40, 80,
                                    160, 320, 640};

/* ---- random values ---------------------------------------------------------------------------------------- */

static inline void random_rlc(struct rrc_rlc_config *r)
{
    r->mode = (enum rrc_rlc_mode)rnd(0, 3);
    bool am = r->mode == RRC_RLC_AM;
    r->ul_has_sn = coin();
    r->dl_has_sn = coin();
    r->ul_sn_len = am ? PICK(12, 18) : PICK(6, 12);
    r->dl_sn_len = am ? PICK(12, 18) : PICK(6, 12);
    r->t_poll_retransmit = PICK_FROM(t_poll_all);
    r->poll_pdu = PICK_FROM(poll_pdu_all);
    r->poll_byte = PICK_FROM(poll_byte_all);
    r->max_retx_threshold = PICK(1, 2, 3, 4, 6, 8, 16, 32);
    r->t_reassembly = PICK_FROM(t_reassembly_all);
    r->t_status_prohibit = PICK_FROM(t_status_all);
}

static inline void random_bearer(struct rrc_rlc_bearer_config *b)
{
    *b = (struct rrc_rlc_bearer_config){.lcid = rnd(1, 32), .has_served_radio_bearer = often(),
                                        .served_is_drb = coin(), .reestablish_rlc = coin(),
                                        .has_rlc_config = often(), .has_mac_lc_config = often()};
    b->radio_bearer_id = rnd(1, b->served_is_drb ? 32 : 3);
    random_rlc(&b->rlc);
    struct rrc_logical_channel_config *m = &b->mac_lc;
    *m = (struct rrc_logical_channel_config){
        .has_ul_specific = often(), .priority = rnd(1, 16),
        .prioritised_bit_rate = PICK_FROM(pbr_all), .bucket_size_duration = PICK_FROM(bsd_all),
        .configured_grant_type1_allowed = coin(), .has_lcg = coin(), .lcg = rnd(0, 7), .has_sr_id = coin(),
        .sr_id = rnd(0, 7), .sr_mask = coin(), .sr_delay_timer_applied = coin()};
}

static inline void random_mac(struct rrc_mac_cell_group_config *m)
{
    *m = (struct rrc_mac_cell_group_config){
        .has_sr_config = often(), .nof_sr = rnd(0, 3), .has_bsr = often(),
        .periodic_bsr_timer = PICK_FROM(periodic_bsr_all), .retx_bsr_timer = PICK_FROM(retx_bsr_all),
        .has_lc_sr_delay_timer = coin(), .lc_sr_delay_timer = PICK_FROM(sr_delay_all), .has_tag_config = often(),
        .nof_tags = rnd(0, 2), .phr_sr = sr_rand(), .phr_periodic_timer = PICK_FROM(phr_periodic_all),
        .phr_prohibit_timer = PICK_FROM(phr_prohibit_all), .phr_tx_power_factor_change = PICK(1, 3, 6, RRC_INFINITY),
        .phr_multiple = coin(), .phr_dummy = coin(), .phr_type2_other_cell = coin(),
        .phr_mode_other_cg_virtual = coin(), .skip_uplink_tx_dynamic = coin()};
    for (int i = 0; i < m->nof_sr; i++)
        m->sr[i] = (struct rrc_sr_config){.id = rnd(0, 7), .has_prohibit_timer = coin(),
                                          .prohibit_timer = PICK(1, 2, 4, 8, 16, 32, 64, 128),
                                          .trans_max = PICK(4, 8, 16, 32, 64)};
    for (int i = 0; i < m->nof_tags; i++) {
        m->tag[i].id = rnd(0, 3);
        m->tag[i].ta_timer = PICK_FROM(ta_all);
    }
}

static inline void random_pdsch(struct rrc_pdsch_config *p)
{
    *p = (struct rrc_pdsch_config){
        .has_data_scrambling_id = coin(), .data_scrambling_id = rnd(0, 1023), .dmrs_type_a_sr = sr_rand(),
        .dmrs_type_a = {.type2 = coin(), .has_additional_position = coin(), .additional_position = PICK(0, 1, 3),
                        .max_length_2 = coin(), .has_scrambling_id0 = coin(), .has_scrambling_id1 = coin(),
                        .scrambling_id0 = rnd(0, 65535), .scrambling_id1 = rnd(0, 65535)},
        .nof_tci_states = rnd(0, 2), .has_vrb_to_prb_interleaver = coin(), .vrb_to_prb_interleaver = PICK(2, 4),
        .resource_allocation = rnd(0, 2), .tdra_sr = sr_rand(), .has_aggregation_factor = coin(),
        .aggregation_factor = PICK(2, 4, 8), .rbg_size = rnd(1, 2), .has_mcs_table = coin(), .mcs_table = rnd(0, 1),
        .has_max_codewords = coin(), .max_codewords = rnd(1, 2), .prb_bundling_dynamic = coin(),
        .has_bundle_size1 = coin(), .has_bundle_size2 = coin(), .bundle_size2 = rnd(0, 1)};
    p->bundle_size1 = rnd(0, p->prb_bundling_dynamic ? 3 : 1);
    p->has_bundle_size2 = p->has_bundle_size2 && p->prb_bundling_dynamic;
    for (int i = 0; i < p->nof_tci_states; i++) {
        bool csi = coin();
        p->tci[i] = (struct rrc_tci_state){.id = rnd(0, 127), .has_cell = coin(), .cell = rnd(0, 31),
                                           .has_bwp_id = coin(), .bwp_id = rnd(0, 4), .ref_csi_rs = csi,
                                           .ref_index = rnd(0, csi ? 191 : 63), .qcl_type = rnd(0, 3)};
    }
    random_tdra(&p->tdra);
}

static inline void random_pucch_resource(struct rrc_pucch_resource *r, int id)
{
    *r = (struct rrc_pucch_resource){.id = id, .starting_prb = rnd(0, 274), .intra_slot_hopping = coin(),
                                     .has_second_hop_prb = coin(), .second_hop_prb = rnd(0, 274),
                                     .format = (enum rrc_pucch_format)rnd(0, 4)};
    switch (r->format) {
    case RRC_PUCCH_F0: r->initial_cyclic_shift = rnd(0, 11), r->nof_symbols = rnd(1, 2), r->start_symbol = rnd(0, 13); break;
    case RRC_PUCCH_F1:
        r->initial_cyclic_shift = rnd(0, 11), r->nof_symbols = rnd(4, 14), r->start_symbol = rnd(0, 10);
        r->time_domain_occ = rnd(0, 6);
        break;
    case RRC_PUCCH_F2: r->nof_prbs = rnd(1, 16), r->nof_symbols = rnd(1, 2), r->start_symbol = rnd(0, 13); break;
    case RRC_PUCCH_F3: r->nof_prbs = rnd(1, 16), r->nof_symbols = rnd(4, 14), r->start_symbol = rnd(0, 10); break;
    case RRC_PUCCH_F4:
        r->nof_symbols = rnd(4, 14), r->occ_length = PICK(2, 4), r->occ_index = rnd(0, 3), r->start_symbol = rnd(0, 10);
        break;
    }
}

static inline void random_pucch(struct rrc_pucch_config *p)
{
    memset(p, 0, sizeof *p);
    p->nof_resource_sets = rnd(0, 3);
    for (int i = 0; i < p->nof_resource_sets; i++) {
        struct rrc_pucch_resource_set *s = &p->sets[i];
        *s = (struct rrc_pucch_resource_set){.id = rnd(0, 3), .nof_resources = rnd(1, 4),
                                             .has_max_payload_size = coin(), .max_payload_size = rnd(4, 256)};
        for (int k = 0; k < s->nof_resources; k++) s->resources[k] = rnd(0, 127);
    }
    p->nof_resources = rnd(0, 5);
    for (int i = 0; i < p->nof_resources; i++) random_pucch_resource(&p->res[i], rnd(0, 127));
    for (int f = 0; f < 4; f++) {
        p->format_sr[f] = sr_rand();
        p->format[f] = (struct rrc_pucch_format_config){
            .interslot_hopping = coin(), .additional_dmrs = coin(), .pi2_bpsk = coin(),
            .simultaneous_harq_ack_csi = coin(), .has_max_code_rate = coin(), .max_code_rate = rnd(0, 6),
            .has_nrof_slots = coin(), .nrof_slots = PICK(2, 4, 8)};
    }
    p->nof_sr_resources = rnd(0, 2);
    for (int i = 0; i < p->nof_sr_resources; i++) {
        struct rrc_sr_resource *r = &p->sr[i];
        *r = (struct rrc_sr_resource){.id = rnd(1, 8), .sr_id = rnd(0, 7), .has_periodicity = coin(),
                                      .period = PICK_FROM(sr_period_all),
                                      .has_resource = coin(), .resource = rnd(0, 127)};
        r->offset = r->period > 1 ? rnd(0, r->period - 1) : 0;
    }
    p->nof_dl_data_to_ul_ack = rnd(0, 8);
    for (int i = 0; i < p->nof_dl_data_to_ul_ack; i++) p->dl_data_to_ul_ack[i] = rnd(0, 15);
}

static inline void random_pusch(struct rrc_pusch_config *p)
{
    *p = (struct rrc_pusch_config){
        .has_data_scrambling_id = coin(), .data_scrambling_id = rnd(0, 1023), .has_tx_config = coin(),
        .tx_config = rnd(0, 1), .dmrs_type_a_sr = sr_rand(),
        .dmrs_type_a = {.type2 = coin(), .has_additional_position = coin(), .additional_position = PICK(0, 1, 3),
                        .max_length_2 = coin(), .has_tp_disabled = coin(), .has_scrambling_id0 = coin(),
                        .has_scrambling_id1 = coin(), .scrambling_id0 = rnd(0, 65535), .scrambling_id1 = rnd(0, 65535),
                        .has_tp_enabled = coin(), .has_npusch_identity = coin(), .npusch_identity = rnd(0, 1007),
                        .sequence_group_hopping_disabled = coin(), .sequence_hopping_enabled = coin()},
        .has_frequency_hopping = coin(), .frequency_hopping = rnd(0, 1), .resource_allocation = rnd(0, 2),
        .tdra_sr = sr_rand(), .has_aggregation_factor = coin(), .aggregation_factor = PICK(2, 4, 8),
        .has_mcs_table = coin(), .mcs_table = rnd(0, 1), .has_mcs_table_tp = coin(), .mcs_table_tp = rnd(0, 1),
        .has_transform_precoder = coin(), .transform_precoder = rnd(0, 1), .has_codebook_subset = coin(),
        .codebook_subset = rnd(0, 2), .has_max_rank = coin(), .max_rank = rnd(1, 4), .rbg_size_config2 = coin(),
        .uci_on_pusch_sr = sr_rand(), .tp_pi2_bpsk = coin()};
    struct rrc_dmrs_ul_config *d = &p->dmrs_type_a;
    d->has_scrambling_id0 &= d->has_tp_disabled, d->has_scrambling_id1 &= d->has_tp_disabled;
    d->has_npusch_identity &= d->has_tp_enabled, d->sequence_group_hopping_disabled &= d->has_tp_enabled;
    d->sequence_hopping_enabled &= d->has_tp_enabled;
    random_tdra(&p->tdra);
    struct rrc_uci_on_pusch *u = &p->uci_on_pusch;
    *u = (struct rrc_uci_on_pusch){.has_beta_offsets = coin(), .beta_dynamic = coin(), .scaling = rnd(0, 3)};
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 7; k++) u->beta[i].has[k] = coin(), u->beta[i].v[k] = rnd(0, 31);
}

static inline void random_serving_cell(struct rrc_serving_cell_config *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->has_initial_dl_bwp = often();
    sc->pdcch_sr = sr_rand();
    sc->pdcch.nof_coresets = rnd(0, 2);
    for (int i = 0; i < sc->pdcch.nof_coresets; i++) random_coreset(&sc->pdcch.coreset[i]);
    sc->pdcch.nof_search_spaces = rnd(0, 3);
    for (int i = 0; i < sc->pdcch.nof_search_spaces; i++) random_search_space(&sc->pdcch.ss[i]);
    sc->pdsch_sr = sr_rand();
    random_pdsch(&sc->pdsch);
    sc->has_first_active_dl_bwp = coin();
    sc->first_active_dl_bwp = rnd(0, 4);
    sc->has_uplink_config = often();
    sc->has_initial_ul_bwp = often();
    sc->pucch_sr = sr_rand();
    random_pucch(&sc->pucch);
    sc->pusch_sr = sr_rand();
    random_pusch(&sc->pusch);
    sc->has_first_active_ul_bwp = coin();
    sc->first_active_ul_bwp = rnd(0, 4);
    sc->pdsch_serving_sr = sr_rand();
    sc->has_x_overhead = coin();
    sc->x_overhead = PICK(6, 12, 18);
    sc->has_nrof_harq_processes = coin();
    sc->nrof_harq_processes = PICK(2, 4, 6, 10, 12, 16);
    sc->tag_id = rnd(0, 3);
}

static inline void random_cell_group(struct rrc_cell_group_config *cg)
{
    memset(cg, 0, sizeof *cg);
    cg->cell_group_id = rnd(0, 3);
    cg->nof_rlc_bearers = rnd(0, 3);
    for (int i = 0; i < cg->nof_rlc_bearers; i++) random_bearer(&cg->rlc_bearer[i]);
    cg->nof_rlc_release = rnd(0, 2);
    for (int i = 0; i < cg->nof_rlc_release; i++) cg->rlc_release[i] = rnd(1, 32);
    cg->has_mac = often();
    random_mac(&cg->mac);
    cg->has_phy = often();
    cg->phy = (struct rrc_physical_cell_group_config){
        .harq_ack_spatial_bundling_pucch = coin(), .harq_ack_spatial_bundling_pusch = coin(), .has_p_nr_fr1 = coin(),
        .p_nr_fr1 = rnd(-30, 33), .harq_ack_codebook_dynamic = coin(), .has_tpc_srs_rnti = coin(),
        .has_tpc_pucch_rnti = coin(), .has_tpc_pusch_rnti = coin(), .has_sp_csi_rnti = coin(),
        .tpc_srs_rnti = rnd(0, 65535), .tpc_pucch_rnti = rnd(0, 65535), .tpc_pusch_rnti = rnd(0, 65535),
        .sp_csi_rnti = rnd(0, 65535)};
    cg->has_sp_cell = often();
    struct rrc_sp_cell_config *sp = &cg->sp_cell;
    sp->has_serv_cell_index = coin();
    sp->serv_cell_index = rnd(0, 31);
    sp->rlf_sr = sr_rand();
    sp->rlf_t310 = PICK(0, 50, 1000, 6000);
    sp->rlf_n310 = PICK(1, 2, 3, 4, 6, 8, 10, 20);
    sp->rlf_n311 = PICK(1, 2, 3, 4, 5, 6, 8, 10);
    sp->rlm_in_sync_out_of_sync_threshold = coin();
    sp->has_dedicated = often();
    random_serving_cell(&sp->dedicated);
}

#include "cell_group_tshark.h"

#endif
