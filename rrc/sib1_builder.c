/* SIB1 builder (see sib1_builder.h). */
#include "rrc/sib1_builder.h"

#include <errno.h>
#include <string.h>

void sib1_builder_defaults(struct sib1_cell_desc *d)
{
    *d = (struct sib1_cell_desc){
        .mcc = "001", .mnc = "01", .tac = 1, .cell_identity = 1,
        .band = 3, .tdd = false, .scs_khz = 15, .nof_prb = 52,
        /* the reference cell: DL centre 368500, UL centre 349500 (band 3: 95 MHz below), N_RB 52 */
        .offset_to_point_a = 13, .ul_point_a_arfcn = 349500 - 52 * 6 * 3,
        .coreset0_index = 6, .searchspace0_index = 0, .coreset0_nof_symbols = 1,
        .ssb_periodicity_ms = 10,
        .prach_config_index = 0,
        .msg1_frequency_start = -1,
        /* N_CS = 13 (38.211 Table 6.3.3.1-5): all 64 preambles are cyclic shifts of one root sequence. */
        .zero_correlation_zone_config = 1,
        .preamble_received_target_power = -100,
        .prach_root_sequence_index = 1,
        .ra_response_window = 10,
        .ra_contention_resolution_timer = 64,
        .preamble_trans_max = 7,
        .power_ramping_step_db = 4,
        .msg3_k2 = 4,
        .pucch_resource_common = 11,
        .ss1_candidates = {0, 0, 1, 0, 0},
        .ss_pbch_block_power = -16,
        .signal_dl_dc = true,
        .srsue_compatible = true,
    };
}

int sib1_builder_msg1_frequency_start(const struct sib1_cell_desc *d)
{
    static const int lte_prb[] = {100, 75, 50, 25, 15, 6};
    if (!d->srsue_compatible) return 1;
    /* srsUE generates PRACH with its LTE code on the LTE grid of the largest LTE bandwidth inside the carrier,
     * centred: it needs msg1-FrequencyStart >= (N_RB - N_RB,LTE) / 2, and never accepts 0 (docs/SRSUE.md §3.5, §4). */
    for (size_t i = 0; i < sizeof lte_prb / sizeof lte_prb[0]; i++)
        if (lte_prb[i] <= d->nof_prb) {
            int start = (d->nof_prb - lte_prb[i]) / 2;
            return start < 1 ? 1 : start;
        }
    return 1;
}

static int parse_digits(const char *s, uint8_t *out, int min, int max)
{
    int n = (int)strlen(s);
    if (n < min || n > max) return -EINVAL;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -EINVAL;
        out[i] = (uint8_t)(s[i] - '0');
    }
    return n;
}

static int build_identity(const struct sib1_cell_desc *d, struct rrc_sib1 *s)
{
    struct rrc_plmn_identity_info *pi = &s->plmn_info[0];
    s->nof_plmn_info = 1;
    pi->nof_plmn = 1;
    pi->plmn[0].has_mcc = true;
    if (parse_digits(d->mcc, pi->plmn[0].mcc, 3, 3) < 0) return -EINVAL;
    pi->plmn[0].mnc_len = parse_digits(d->mnc, pi->plmn[0].mnc, 2, 3);
    if (pi->plmn[0].mnc_len < 0 || d->tac > 0xffffff || d->cell_identity >> 36) return -EINVAL;
    pi->has_tac = true;
    pi->tac = d->tac;
    pi->cell_identity = d->cell_identity;
    pi->cell_reserved_for_operator_use = false;
    /* Cond Standalone: cellSelectionInfo is mandatory when the cell is standalone; -70 (-140 dBm) admits any
     * UE that can decode it. */
    s->has_cell_selection_info = true;
    s->cell_selection_info.q_rx_lev_min = -70;
    return 0;
}

/* SS#1: the common search space for RAR, Msg4 and paging, on CORESET#0, every slot from symbol 0. */
static void build_ss1(const struct sib1_cell_desc *d, struct rrc_search_space *ss)
{
    *ss = (struct rrc_search_space){
        .id = 1, .has_coreset_id = true, .coreset_id = 0,
        .has_monitoring = true, .monitoring_period_slots = 1, .monitoring_offset = 0,
        .has_monitoring_symbols = true, .monitoring_symbols = 1u << 13,
        .has_nrof_candidates = true,
        .has_type = true, .type = RRC_SS_COMMON, .common_dci_0_0_and_1_0 = true,
    };
    memcpy(ss->nrof_candidates, d->ss1_candidates, sizeof ss->nrof_candidates);
}

static void build_dl(const struct sib1_cell_desc *d, struct rrc_dl_config_common_sib *dl)
{
    dl->bands = (struct rrc_band_list){.n = 1, .band = {d->band}};
    dl->offset_to_point_a = d->offset_to_point_a;
    dl->nof_scs = 1;
    /* The carrier starts at point A (offsetToCarrier 0, all srsUE supports); its DC is the centre subcarrier
     * 6 N_RB (38.211 5.3.1), where gnbd's local oscillator sits: no DC null. */
    dl->scs[0] = (struct rrc_scs_carrier){.offset_to_carrier = 0, .scs_khz = d->scs_khz,
                                          .carrier_bandwidth = d->nof_prb, .has_tx_dc_location = d->signal_dl_dc,
                                          .tx_dc_location = 6 * d->nof_prb};
    struct rrc_bwp_dl_common *bwp = &dl->initial_bwp;
    bwp->generic = (struct rrc_bwp){.location_and_bandwidth = rrc_riv(RRC_MAX_NROF_PRB, 0, d->nof_prb),
                                    .scs_khz = d->scs_khz};
    bwp->pdcch_sr = PER_SETUP;
    struct rrc_pdcch_config_common *pdcch = &bwp->pdcch;
    pdcch->has_coreset_zero = true;
    pdcch->coreset_zero = d->coreset0_index;
    pdcch->has_ss_zero = true;
    pdcch->ss_zero = d->searchspace0_index;
    pdcch->nof_common_ss = 1;
    build_ss1(d, &pdcch->common_ss[0]);
    pdcch->has_ss_sib1 = true;
    pdcch->ss_sib1 = 0;
    pdcch->has_paging_ss = true;
    pdcch->paging_ss = 1;
    pdcch->has_ra_ss = true;
    pdcch->ra_ss = 1;
    bwp->pdsch_sr = PER_SETUP;
    bwp->pdsch_has_tdra = true;
    int start = d->coreset0_nof_symbols;
    bwp->pdsch_tdra = (struct rrc_tdra_list){
        .n = 1, .e = {{.has_k = false, .mapping_type_b = false, .start_symbol_and_length = rrc_sliv(start, 14 - start)}}};
    dl->modification_period_coeff = 4;
    dl->default_paging_cycle = 128;
    dl->paging_n_div = 1;
    dl->paging_frame_offset = 0;
    dl->paging_ns = 1;
}

static void build_rach(const struct sib1_cell_desc *d, struct rrc_rach_config_common *rach)
{
    rach->generic = (struct rrc_rach_config_generic){
        .prach_config_index = d->prach_config_index,
        .msg1_fdm = 1,
        .msg1_frequency_start = d->msg1_frequency_start >= 0 ? d->msg1_frequency_start
                                                             : sib1_builder_msg1_frequency_start(d),
        .zero_correlation_zone_config = d->zero_correlation_zone_config,
        .preamble_received_target_power = d->preamble_received_target_power,
        .preamble_trans_max = d->preamble_trans_max,
        .power_ramping_step_db = d->power_ramping_step_db,
        .ra_response_window = d->ra_response_window,
    };
    /* One SS/PBCH block per RACH occasion. totalNumberOfRA-Preambles must be present: a UE that does not find it
     * may always pick preamble 0 (srsUE does), and a detector that always answered 0 would look right. 63 (its
     * maximum) with 60 of them contention based leaves 60..62 for contention-free access later. */
    rach->has_total_preambles = true;
    rach->total_preambles = 63;
    rach->has_ssb_per_ro = true;
    rach->ssb_per_ro = RRC_SSB_PER_RO_1;
    rach->cb_preambles_per_ssb = 60;
    rach->ra_contention_resolution_timer = d->ra_contention_resolution_timer;
    /* 38.331 prach-RootSequenceIndex: l139 for the short preamble formats; their subcarrier spacing is the
     * carrier's, said explicitly (msg1-SubcarrierSpacing) rather than left to each UE's reading of the tables. */
    rach->prach_root_l139 = d->prach_short_format;
    rach->has_msg1_scs = d->prach_short_format;
    rach->msg1_scs_khz = d->scs_khz;
    rach->prach_root_sequence_index = d->prach_root_sequence_index;
    rach->restricted_set = 0;
}

static void build_ul(const struct sib1_cell_desc *d, struct rrc_ul_config_common_sib *ul)
{
    /* Cond FDD-OrSUL: the band and point A are given for a paired (FDD) UL carrier only. */
    ul->has_bands = !d->tdd;
    ul->bands = (struct rrc_band_list){.n = 1, .band = {d->band}};
    ul->has_point_a = !d->tdd;
    ul->absolute_frequency_point_a = d->ul_point_a_arfcn;
    ul->nof_scs = 1;
    ul->scs[0] = (struct rrc_scs_carrier){.offset_to_carrier = 0, .scs_khz = d->scs_khz,
                                          .carrier_bandwidth = d->nof_prb};
    struct rrc_bwp_ul_common *bwp = &ul->initial_bwp;
    bwp->generic = (struct rrc_bwp){.location_and_bandwidth = rrc_riv(RRC_MAX_NROF_PRB, 0, d->nof_prb),
                                    .scs_khz = d->scs_khz};
    bwp->rach_sr = PER_SETUP;
    build_rach(d, &bwp->rach);
    bwp->pusch_sr = PER_SETUP;
    bwp->pusch.has_tdra = true;
    bwp->pusch.tdra = (struct rrc_tdra_list){
        .n = 1, .e = {{.has_k = true, .k = d->msg3_k2, .mapping_type_b = false, .start_symbol_and_length = rrc_sliv(0, 14)}}};
    bwp->pusch.has_p0_nominal_with_grant = true;
    bwp->pusch.p0_nominal_with_grant = -76;
    bwp->pucch_sr = PER_SETUP;
    bwp->pucch = (struct rrc_pucch_config_common){.has_resource_common = true,
                                                  .resource_common = d->pucch_resource_common,
                                                  .group_hopping = 0, .has_p0_nominal = true, .p0_nominal = -90};
    ul->time_alignment_timer = -1;
}

static int check_desc(const struct sib1_cell_desc *d)
{
    if (d->nof_prb < 1 || d->nof_prb > RRC_MAX_NROF_PRB || d->coreset0_nof_symbols < 1 ||
        d->coreset0_nof_symbols > 3 || d->prach_config_index < 0 || d->prach_config_index > 255)
        return -EINVAL;
    if (d->srsue_compatible && d->prach_config_index > 15) return -EINVAL; /* docs/SRSUE.md §2.2: format 0 FDD rows */
    int start = d->msg1_frequency_start >= 0 ? d->msg1_frequency_start : sib1_builder_msg1_frequency_start(d);
    if (start + 6 > d->nof_prb) return -EINVAL; /* a 1.25 kHz L839 preamble spans 6 PRBs of 15 kHz */
    if (d->srsue_compatible && start < sib1_builder_msg1_frequency_start(d)) return -EINVAL;
    return 0;
}

int sib1_builder_build(const struct sib1_cell_desc *d, struct rrc_sib1 *s)
{
    memset(s, 0, sizeof *s);
    if (check_desc(d) < 0 || build_identity(d, s) < 0) return -EINVAL;
    s->has_serving_cell_config_common = true;
    struct rrc_serving_cell_config_common_sib *sc = &s->serving_cell_config_common;
    build_dl(d, &sc->dl);
    sc->has_ul = true;
    build_ul(d, &sc->ul);
    sc->has_n_ta_offset = true; /* n0: srsUE's PHY has no TA offset (docs/SRSUE.md §3.5) */
    sc->n_ta_offset = 0;
    sc->ssb_in_one_group = 0x80; /* SS/PBCH block 0 only */
    sc->ssb_periodicity_ms = d->ssb_periodicity_ms;
    sc->has_tdd = d->tdd;
    if (d->tdd) {
        sc->tdd.ref_scs_khz = d->scs_khz;
        sc->tdd.pattern1 = d->tdd_pattern;
    }
    sc->ss_pbch_block_power = d->ss_pbch_block_power;
    s->has_ue_timers = true;
    s->ue_timers = (struct rrc_ue_timers){.t300 = 1000, .t301 = 1000, .t310 = 1000, .n310 = 1,
                                          .t311 = 3000, .n311 = 1, .t319 = 1000};
    return 0;
}
