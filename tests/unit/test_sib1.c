/* SIB1 (38.331 6.2.2) in a BCCH-DL-SCH-Message: the builder's values for srsUE and phones, Wireshark's NR RRC
 * dissector reading every encoded field back, round trips of randomised SIB1s, and decoder robustness. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "gnb/rrc_config.h"
#include "rrc/msg/bcch_dl_sch.h"
#include "rrc/sib1_builder.h"
#include "rrc_random.h"
#include "test_rng.h"
#include "sib1_check.h"
#include "tshark.h"
#include "tests/unit/check_run.h"

static void random_scs_list(int *n, struct rrc_scs_carrier *scs)
{
    *n = rnd(1, 2);
    for (int i = 0; i < *n; i++)
        scs[i] = (struct rrc_scs_carrier){.offset_to_carrier = rnd(0, 2199), .scs_khz = PICK(15, 30, 60, 120, 240),
                                          .carrier_bandwidth = rnd(1, 275), .has_tx_dc_location = coin(),
                                          .tx_dc_location = rnd(0, 4095)};
}

static void random_bands(struct rrc_band_list *b)
{
    b->n = rnd(1, 3);
    for (int i = 0; i < b->n; i++) b->band[i] = coin() ? rnd(1, 1024) : 0;
}

static void random_dl(struct rrc_dl_config_common_sib *dl)
{
    random_bands(&dl->bands);
    dl->offset_to_point_a = rnd(0, 2199);
    random_scs_list(&dl->nof_scs, dl->scs);
    struct rrc_bwp_dl_common *b = &dl->initial_bwp;
    b->generic = (struct rrc_bwp){.location_and_bandwidth = rnd(0, 37949), .scs_khz = PICK(15, 30),
                                  .extended_cp = coin()};
    b->pdcch_sr = sr_rand();
    struct rrc_pdcch_config_common *c = &b->pdcch;
    *c = (struct rrc_pdcch_config_common){.has_coreset_zero = coin(), .coreset_zero = rnd(0, 15),
                                          .has_common_coreset = coin(), .has_ss_zero = coin(), .ss_zero = rnd(0, 15),
                                          .nof_common_ss = rnd(0, 3), .has_ss_sib1 = coin(), .ss_sib1 = rnd(0, 39),
                                          .has_ss_other_si = coin(), .ss_other_si = rnd(0, 39),
                                          .has_paging_ss = coin(), .paging_ss = rnd(0, 39), .has_ra_ss = coin(),
                                          .ra_ss = rnd(0, 39)};
    random_coreset(&c->common_coreset);
    for (int i = 0; i < c->nof_common_ss; i++) random_search_space(&c->common_ss[i]);
    b->pdsch_sr = sr_rand();
    b->pdsch_has_tdra = coin();
    random_tdra(&b->pdsch_tdra);
    dl->modification_period_coeff = PICK(2, 4, 8, 16);
    dl->default_paging_cycle = PICK(32, 64, 128, 256);
    dl->paging_n_div = PICK(1, 2, 4, 8, 16);
    dl->paging_frame_offset = rnd(0, dl->paging_n_div - 1);
    dl->paging_ns = PICK(1, 2, 4);
}

static void random_rach(struct rrc_rach_config_common *r)
{
    r->generic = (struct rrc_rach_config_generic){
        .prach_config_index = rnd(0, 255), .msg1_fdm = PICK(1, 2, 4, 8), .msg1_frequency_start = rnd(0, 274),
        .zero_correlation_zone_config = rnd(0, 15), .preamble_received_target_power = rnd(-202, -60),
        .preamble_trans_max = PICK(3, 4, 5, 6, 7, 8, 10, 20, 50, 100, 200), .power_ramping_step_db = PICK(0, 2, 4, 6),
        .ra_response_window = PICK(1, 2, 4, 8, 10, 20, 40, 80)};
    r->has_total_preambles = coin();
    r->total_preambles = rnd(1, 63);
    r->has_ssb_per_ro = coin();
    r->ssb_per_ro = (enum rrc_ssb_per_ro)rnd(0, 7);
    static const int ub[8] = {64, 64, 64, 64, 32, 16, 8, 4};
    r->cb_preambles_per_ssb = r->ssb_per_ro <= RRC_SSB_PER_RO_2 ? 4 * rnd(1, ub[r->ssb_per_ro] / 4)
                                                                 : rnd(1, ub[r->ssb_per_ro]);
    r->ra_contention_resolution_timer = 8 * rnd(1, 8);
    r->has_rsrp_threshold_ssb = coin();
    r->rsrp_threshold_ssb = rnd(0, 127);
    r->prach_root_l139 = coin();
    r->prach_root_sequence_index = rnd(0, r->prach_root_l139 ? 137 : 837);
    r->has_msg1_scs = coin();
    r->msg1_scs_khz = PICK(15, 30, 60, 120);
    r->restricted_set = rnd(0, 2);
    r->msg3_transform_precoder = coin();
}

static void random_ul(struct rrc_ul_config_common_sib *ul)
{
    ul->has_bands = coin();
    random_bands(&ul->bands);
    ul->has_point_a = coin();
    ul->absolute_frequency_point_a = rnd(0, 3279165);
    random_scs_list(&ul->nof_scs, ul->scs);
    ul->has_p_max = coin();
    ul->p_max = rnd(-30, 33);
    ul->frequency_shift_7p5khz = coin();
    struct rrc_bwp_ul_common *b = &ul->initial_bwp;
    b->generic = (struct rrc_bwp){.location_and_bandwidth = rnd(0, 37949), .scs_khz = PICK(15, 30)};
    b->rach_sr = sr_rand();
    random_rach(&b->rach);
    b->pusch_sr = sr_rand();
    b->pusch = (struct rrc_pusch_config_common){
        .group_hopping_enabled_transform_precoding = coin(), .has_tdra = coin(), .has_msg3_delta_preamble = coin(),
        .msg3_delta_preamble = rnd(-1, 6), .has_p0_nominal_with_grant = coin(), .p0_nominal_with_grant = rnd(-202, 24)};
    random_tdra(&b->pusch.tdra);
    b->pucch_sr = sr_rand();
    b->pucch = (struct rrc_pucch_config_common){.has_resource_common = coin(), .resource_common = rnd(0, 15),
                                                .group_hopping = rnd(0, 2), .has_hopping_id = coin(),
                                                .hopping_id = rnd(0, 1023), .has_p0_nominal = coin(),
                                                .p0_nominal = rnd(-202, 24)};
    ul->time_alignment_timer = PICK(500, 750, 1280, 1920, 2560, 5120, 10240, -1);
}

static void random_tdd_pattern(struct rrc_tdd_pattern *t)
{
    *t = (struct rrc_tdd_pattern){.period_us = PICK(500, 625, 1000, 1250, 2000, 2500, 5000, 10000),
                                  .dl_slots = rnd(0, 320), .dl_symbols = rnd(0, 13), .ul_slots = rnd(0, 320),
                                  .ul_symbols = rnd(0, 13)};
}

static void random_sib1(struct rrc_sib1 *s)
{
    memset(s, 0, sizeof *s);
    s->has_cell_selection_info = coin();
    s->cell_selection_info = (struct rrc_cell_selection_info){
        .q_rx_lev_min = rnd(-70, -22), .has_q_rx_lev_min_offset = coin(), .q_rx_lev_min_offset = rnd(1, 8),
        .has_q_rx_lev_min_sul = coin(), .q_rx_lev_min_sul = rnd(-70, -22), .has_q_qual_min = coin(),
        .q_qual_min = rnd(-43, -12), .has_q_qual_min_offset = coin(), .q_qual_min_offset = rnd(1, 8)};
    s->nof_plmn_info = rnd(1, 2);
    for (int i = 0; i < s->nof_plmn_info; i++) {
        struct rrc_plmn_identity_info *pi = &s->plmn_info[i];
        pi->nof_plmn = rnd(1, 2);
        for (int k = 0; k < pi->nof_plmn; k++) {
            struct rrc_plmn_identity *id = &pi->plmn[k];
            id->has_mcc = k == 0 || coin();
            for (int d = 0; d < 3; d++) id->mcc[d] = (uint8_t)rnd(0, 9), id->mnc[d] = (uint8_t)rnd(0, 9);
            id->mnc_len = rnd(2, 3);
        }
        pi->has_tac = coin();
        pi->tac = (uint32_t)rnd(0, 0xffffff);
        pi->cell_identity = test_rng_next() >> 28;
        pi->cell_reserved_for_operator_use = coin();
    }
    s->cell_reserved_for_other_use = coin();
    s->has_serving_cell_config_common = rnd(0, 9) > 0;
    struct rrc_serving_cell_config_common_sib *sc = &s->serving_cell_config_common;
    random_dl(&sc->dl);
    sc->has_ul = coin();
    random_ul(&sc->ul);
    sc->has_n_ta_offset = coin();
    sc->n_ta_offset = PICK(0, 25600, 39936);
    sc->ssb_in_one_group = (uint8_t)rnd(0, 255);
    sc->has_group_presence = coin();
    sc->group_presence = (uint8_t)rnd(0, 255);
    sc->ssb_periodicity_ms = PICK(5, 10, 20, 40, 80, 160);
    sc->has_tdd = coin();
    sc->tdd.ref_scs_khz = PICK(15, 30, 60, 120);
    random_tdd_pattern(&sc->tdd.pattern1);
    sc->tdd.has_pattern2 = coin();
    random_tdd_pattern(&sc->tdd.pattern2);
    sc->ss_pbch_block_power = rnd(-60, 50);
    s->ims_emergency_support = coin();
    s->ecall_over_ims_support = coin();
    s->has_ue_timers = coin();
    s->ue_timers = (struct rrc_ue_timers){.t300 = PICK(100, 200, 300, 400, 600, 1000, 1500, 2000),
                                          .t301 = PICK(100, 200, 300, 400, 600, 1000, 1500, 2000),
                                          .t310 = PICK(0, 50, 100, 200, 500, 1000, 2000),
                                          .n310 = PICK(1, 2, 3, 4, 6, 8, 10, 20),
                                          .t311 = PICK(1000, 3000, 5000, 10000, 15000, 20000, 30000),
                                          .n311 = PICK(1, 2, 3, 4, 5, 6, 8, 10),
                                          .t319 = PICK(100, 200, 300, 400, 600, 1000, 1500, 2000)};
    s->use_full_resume_id = coin();
}

/* A random SIB1 that fits the 2976-bit limit, encoded. */
static void random_encoded_sib1(struct rrc_sib1 *s, uint8_t *buf, size_t cap, size_t *len)
{
    int err;
    do {
        random_sib1(s);
        err = rrc_bcch_dl_sch_encode_sib1(s, buf, cap, len);
    } while (err == -EMSGSIZE);
    ck_assert_int_eq(err, 0);
}


/* ---- tests ----------------------------------------------------------------------------------------------- */

static void encode_ok(const struct rrc_sib1 *s, uint8_t *buf, size_t cap, size_t *len)
{
    int err = rrc_bcch_dl_sch_encode_sib1(s, buf, cap, len);
    ck_assert_msg(err == 0, "encode: %d", err);
}

/* The reference cell (conf/gnbd.conf: band n3, 52 PRB, PLMN 001/01) carries every value srsUE needs
 * (docs/SRSUE.md §3.5), and Wireshark reads each of them back as configured. */
START_TEST(test_sib1_reference_cell_has_what_srsue_needs)
{
    struct sib1_cell_desc d;
    sib1_builder_defaults(&d);
    d.tac = 7;
    struct rrc_sib1 s;
    ck_assert_int_eq(sib1_builder_build(&d, &s), 0);
    uint8_t buf[RRC_SIB1_MAX_BYTES];
    size_t len;
    encode_ok(&s, buf, sizeof buf, &len);
    const uint8_t *pdu = buf;
    struct tshark_pkt pkt;
    ck_assert_msg(tshark_pdml("nr-rrc.bcch.dl.sch", &pdu, &len, 1, &pkt) == 1, "tshark did not run");
    check_sib1(&pkt, &s);
    /* The same values written out, as docs/SRSUE.md §2.4 / §3.5 and the configuration state them. */
    EXPECT_INT(&pkt, "PLMN_Identity_element/mcc/MCC_MNC_Digit", 2, 1);
    EXPECT_INT(&pkt, "PLMN_Identity_element/mnc/MCC_MNC_Digit", 1, 1);
    EXPECT_BITS(&pkt, "trackingAreaCode", 0, 24, 7);
    EXPECT_INT(&pkt, "frequencyInfoDL_element/offsetToPointA", 0, 13);
    EXPECT_INT(&pkt, "frequencyInfoDL_element/scs_SpecificCarrierList/SCS_SpecificCarrier_element/carrierBandwidth", 0, 52);
    EXPECT_INT(&pkt, "frequencyInfoUL_element/scs_SpecificCarrierList/SCS_SpecificCarrier_element/carrierBandwidth", 0, 52);
    EXPECT_INT(&pkt, "frequencyInfoUL_element/absoluteFrequencyPointA", 0, 348564); /* 1837.82 MHz - 95 MHz */
    EXPECT_INT(&pkt, "controlResourceSetZero", 0, 6);
    EXPECT_INT(&pkt, "ra_SearchSpace", 0, 1);
    EXPECT_INT(&pkt, "commonSearchSpaceList/SearchSpace_element/searchSpaceId", 0, 1); /* ra-SearchSpace is listed */
    EXPECT_INT(&pkt, "commonSearchSpaceList/SearchSpace_element/controlResourceSetId", 0, 0);
    EXPECT_COUNT(&pkt, "common_element/dci_Format0_0_AndFormat1_0_element", 1);
    EXPECT_INT(&pkt, "searchSpaceSIB1", 0, 0);
    EXPECT_INT(&pkt, "PDSCH_TimeDomainResourceAllocation_element/startSymbolAndLength", 0, 40); /* S 1, L 13 */
    EXPECT_INT(&pkt, "rach_ConfigGeneric_element/prach_ConfigurationIndex", 0, 0);
    EXPECT_NAME(&pkt, "rach_ConfigGeneric_element/msg1_FDM", 0, "one");
    EXPECT_INT(&pkt, "rach_ConfigGeneric_element/msg1_FrequencyStart", 0, 1);
    EXPECT_NAME(&pkt, "rach_ConfigGeneric_element/ra_ResponseWindow", 0, "sl10");
    EXPECT_NAME(&pkt, "ra_ContentionResolutionTimer", 0, "sf64");
    EXPECT_NAME(&pkt, "rach_ConfigGeneric_element/preambleTransMax", 0, "n7");
    EXPECT_NAME(&pkt, "prach_RootSequenceIndex", 0, "l839");
    EXPECT_NAME(&pkt, "restrictedSetConfig", 0, "unrestrictedSet");
    EXPECT_COUNT(&pkt, "msg3_transformPrecoder", 0);
    EXPECT_INT(&pkt, "PUSCH_TimeDomainResourceAllocation_element/k2", 0, 4);
    EXPECT_INT(&pkt, "PUSCH_TimeDomainResourceAllocation_element/startSymbolAndLength", 0, 27); /* S 0, L 14 */
    EXPECT_COUNT(&pkt, "pucch_ConfigCommon/setup_element/pucch_ResourceCommon", 1);
    EXPECT_NAME(&pkt, "n_TimingAdvanceOffset", 0, "n0");
    EXPECT_BITS(&pkt, "ssb_PositionsInBurst_element/inOneGroup", 0, 8, 0x80);
    EXPECT_NAME(&pkt, "ssb_PeriodicityServingCell", 0, "ms10");
    EXPECT_COUNT(&pkt, "tdd_UL_DL_ConfigurationCommon_element", 0);
    EXPECT_COUNT(&pkt, "ue_TimersAndConstants_element", 1);
    tshark_pkts_free(&pkt, 1);
}
END_TEST

/* The builder over the carriers srsUE supports (25/52/79/106 PRB) and a TDD 30 kHz cell: msg1-FrequencyStart
 * clears srsUE's LTE PRACH grid ((N_RB - N_RB,LTE) / 2, at least 1), PDSCH starts after CORESET#0, a TDD cell
 * has its pattern and no UL band/point A; Wireshark decodes them all without complaint. */
START_TEST(test_sib1_builder_over_cells)
{
    static const struct { int prb, prach, cs0_symb, expect_start; bool tdd; } cells[] = {
        {25, 0, 2, 1, false}, {52, 1, 1, 1, false}, {79, 12, 3, 2, false}, {106, 15, 1, 3, false}, {106, 16, 2, 1, true}};
    enum { N = sizeof cells / sizeof cells[0] };
    struct rrc_sib1 s[N];
    uint8_t buf[N][RRC_SIB1_MAX_BYTES];
    const uint8_t *pdus[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        struct sib1_cell_desc d;
        sib1_builder_defaults(&d);
        d.nof_prb = cells[i].prb;
        d.prach_config_index = cells[i].prach;
        d.coreset0_nof_symbols = cells[i].cs0_symb;
        if (cells[i].tdd) {
            d.srsue_compatible = false;
            d.tdd = true;
            d.band = 78;
            d.scs_khz = 30;
            d.tdd_pattern = (struct rrc_tdd_pattern){.period_us = 5000, .dl_slots = 7, .dl_symbols = 6, .ul_slots = 2, .ul_symbols = 4};
        }
        ck_assert_int_eq(sib1_builder_build(&d, &s[i]), 0);
        const struct rrc_serving_cell_config_common_sib *sc = &s[i].serving_cell_config_common;
        ck_assert_int_eq(sc->ul.initial_bwp.rach.generic.msg1_frequency_start, cells[i].expect_start);
        ck_assert_int_eq(sc->dl.initial_bwp.pdsch_tdra.e[0].start_symbol_and_length,
                         14 * (cells[i].cs0_symb + 1) + 13 - cells[i].cs0_symb); /* L - 1 > 7: 14(14-L+1)+(13-S) */
        ck_assert_int_eq(sc->has_tdd, cells[i].tdd);
        ck_assert_int_eq(sc->ul.has_point_a, !cells[i].tdd);
        ck_assert_int_eq(sc->dl.scs[0].tx_dc_location, 6 * cells[i].prb); /* the carrier's centre subcarrier */
        encode_ok(&s[i], buf[i], sizeof buf[i], &lens[i]);
        pdus[i] = buf[i];
    }
    struct tshark_pkt pkts[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.bcch.dl.sch", pdus, lens, N, pkts), N);
    for (int i = 0; i < N; i++) {
        check_sib1(&pkts[i], &s[i]);
        EXPECT_INT(&pkts[i], "rach_ConfigGeneric_element/msg1_FrequencyStart", 0, cells[i].expect_start);
        EXPECT_INT(&pkts[i], "initialDownlinkBWP_element/genericParameters_element/locationAndBandwidth", 0,
                   275 * (cells[i].prb - 1)); /* RIV of RBs 0..N_RB-1 in 275 (N_RB - 1 <= 137) */
    }
    tshark_pkts_free(pkts, N);
}
END_TEST

START_TEST(test_sib1_builder_rejects_what_cannot_work)
{
    struct sib1_cell_desc d;
    struct rrc_sib1 s;
    sib1_builder_defaults(&d);
    ck_assert_int_eq(sib1_builder_build(&d, &s), 0);
    d.prach_config_index = 16; /* srsUE: format 0 FDD rows 0..15 only */
    ck_assert_int_eq(sib1_builder_build(&d, &s), -EINVAL);
    d.srsue_compatible = false;
    ck_assert_int_eq(sib1_builder_build(&d, &s), 0);
    sib1_builder_defaults(&d);
    d.nof_prb = 106;
    d.msg1_frequency_start = 2; /* srsUE needs 3 at 106 PRB */
    ck_assert_int_eq(sib1_builder_build(&d, &s), -EINVAL);
    d.msg1_frequency_start = 101; /* PRBs 101..106: past the carrier */
    ck_assert_int_eq(sib1_builder_build(&d, &s), -EINVAL);
    sib1_builder_defaults(&d);
    snprintf(d.mcc, sizeof d.mcc, "0a1");
    ck_assert_int_eq(sib1_builder_build(&d, &s), -EINVAL);
    sib1_builder_defaults(&d);
    d.tac = 1u << 24;
    ck_assert_int_eq(sib1_builder_build(&d, &s), -EINVAL);
    sib1_builder_defaults(&d);
    d.coreset0_nof_symbols = 4;
    ck_assert_int_eq(sib1_builder_build(&d, &s), -EINVAL);
    sib1_builder_defaults(&d);
    d.signal_dl_dc = false; /* the txDirectCurrentLocation extension can be left out */
    ck_assert_int_eq(sib1_builder_build(&d, &s), 0);
    ck_assert(!s.serving_cell_config_common.dl.scs[0].has_tx_dc_location);
}
END_TEST

/* decode(encode(x)) re-encodes to the same bytes, for random values of every modelled field. */
START_TEST(test_sib1_round_trip_random)
{
    test_rng_seed(11);
    for (int i = 0; i < 3000; i++) {
        struct rrc_sib1 s, back;
        uint8_t a[RRC_SIB1_MAX_BYTES], b[RRC_SIB1_MAX_BYTES];
        size_t la, lb;
        random_encoded_sib1(&s, a, sizeof a, &la);
        ck_assert_int_eq(rrc_bcch_dl_sch_decode(a, la, &back), 0);
        encode_ok(&back, b, sizeof b, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_mem_eq(a, b, la);
        ck_assert_int_eq(back.nof_plmn_info, s.nof_plmn_info);
        ck_assert_uint_eq(back.plmn_info[0].cell_identity, s.plmn_info[0].cell_identity);
        ck_assert_int_eq(back.serving_cell_config_common.ss_pbch_block_power,
                         s.has_serving_cell_config_common ? s.serving_cell_config_common.ss_pbch_block_power : 0);
    }
}
END_TEST

/* Random SIB1s through Wireshark: every modelled field reads back as encoded. */
START_TEST(test_sib1_random_decoded_by_tshark)
{
    enum { N = 40 };
    test_rng_seed(12);
    static struct rrc_sib1 s[N];
    static uint8_t buf[N][RRC_SIB1_MAX_BYTES];
    const uint8_t *pdus[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        random_encoded_sib1(&s[i], buf[i], sizeof buf[i], &lens[i]);
        pdus[i] = buf[i];
    }
    struct tshark_pkt pkts[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.bcch.dl.sch", pdus, lens, N, pkts), N);
    for (int i = 0; i < N; i++) check_sib1(&pkts[i], &s[i]);
    tshark_pkts_free(pkts, N);
}
END_TEST

/* Truncated input is refused; corrupted input is decoded or refused, never read out of bounds (ASan); other
 * BCCH-DL-SCH messages are reported as unsupported. */
START_TEST(test_sib1_decoder_refuses_bad_input)
{
    struct sib1_cell_desc d;
    struct rrc_sib1 s, back;
    sib1_builder_defaults(&d);
    ck_assert_int_eq(sib1_builder_build(&d, &s), 0);
    uint8_t buf[RRC_SIB1_MAX_BYTES];
    size_t len;
    encode_ok(&s, buf, sizeof buf, &len);
    for (size_t n = 0; n < len; n++) ck_assert_int_eq(rrc_bcch_dl_sch_decode(buf, n, &back), -EBADMSG);
    test_rng_seed(13);
    int refused = 0;
    for (int i = 0; i < 20000; i++) {
        uint8_t bad[RRC_SIB1_MAX_BYTES];
        memcpy(bad, buf, len);
        for (int f = rnd(1, 4); f > 0; f--) bad[rnd(0, (int)len - 1)] ^= (uint8_t)(1u << rnd(0, 7));
        int err = rrc_bcch_dl_sch_decode(bad, len, &back);
        ck_assert(err == 0 || err == -EBADMSG || err == -ENOTSUP);
        refused += err != 0;
    }
    ck_assert_int_gt(refused, 0);
    const uint8_t si[2] = {0x00, 0x00}, ext[1] = {0x80};
    ck_assert_int_eq(rrc_bcch_dl_sch_decode(si, sizeof si, &back), -ENOTSUP);
    ck_assert_int_eq(rrc_bcch_dl_sch_decode(ext, sizeof ext, &back), -ENOTSUP);
}
END_TEST

/* 38.331 5.2.1: a SIB1 over 2976 bits is refused rather than sent; a value outside its constraint too. */
START_TEST(test_sib1_encoder_refuses_oversize_and_bad_values)
{
    struct sib1_cell_desc d;
    struct rrc_sib1 s;
    sib1_builder_defaults(&d);
    ck_assert_int_eq(sib1_builder_build(&d, &s), 0);
    uint8_t buf[1024];
    size_t len;
    struct rrc_sib1 big = s;
    big.nof_plmn_info = RRC_SIB1_MAX_PLMN_INFO;
    for (int i = 0; i < RRC_SIB1_MAX_PLMN_INFO; i++) {
        big.plmn_info[i] = s.plmn_info[0];
        big.plmn_info[i].nof_plmn = RRC_SIB1_MAX_PLMN;
        for (int k = 0; k < RRC_SIB1_MAX_PLMN; k++) big.plmn_info[i].plmn[k] = s.plmn_info[0].plmn[0];
        for (int k = 0; k < RRC_SIB1_MAX_PLMN; k++) big.plmn_info[i].plmn[k].mnc_len = 3;
    }
    struct rrc_bwp_dl_common *dl = &big.serving_cell_config_common.dl.initial_bwp;
    dl->pdcch.nof_common_ss = RRC_MAX_COMMON_SS;
    for (int i = 0; i < RRC_MAX_COMMON_SS; i++) dl->pdcch.common_ss[i] = dl->pdcch.common_ss[0];
    dl->pdsch_tdra.n = RRC_MAX_TDRA;
    for (int i = 0; i < RRC_MAX_TDRA; i++) dl->pdsch_tdra.e[i] = dl->pdsch_tdra.e[0];
    big.serving_cell_config_common.ul.initial_bwp.pusch.tdra = dl->pdsch_tdra;
    struct rrc_dl_config_common_sib *fdl = &big.serving_cell_config_common.dl;
    fdl->nof_scs = RRC_MAX_SCS;
    fdl->bands.n = RRC_MAX_MULTI_BANDS;
    for (int i = 0; i < RRC_MAX_SCS; i++) fdl->scs[i] = fdl->scs[0];
    for (int i = 0; i < RRC_MAX_MULTI_BANDS; i++) fdl->bands.band[i] = 1000;
    struct rrc_ul_config_common_sib *ful = &big.serving_cell_config_common.ul;
    ful->nof_scs = RRC_MAX_SCS;
    ful->bands = fdl->bands;
    for (int i = 0; i < RRC_MAX_SCS; i++) ful->scs[i] = fdl->scs[0];
    for (int i = 0; i < RRC_MAX_COMMON_SS; i++) {
        dl->pdcch.common_ss[i].has_duration = true;
        dl->pdcch.common_ss[i].duration = 2000;
        dl->pdcch.common_ss[i].monitoring_period_slots = 2560;
    }
    int err = rrc_bcch_dl_sch_encode_sib1(&big, buf, sizeof buf, &len);
    ck_assert_msg(err == -EMSGSIZE, "%d: %zu bytes", err, len);
    big.nof_plmn_info = 1; /* the same SIB1 without 35 of its PLMNs fits */
    ck_assert_int_eq(rrc_bcch_dl_sch_encode_sib1(&big, buf, sizeof buf, &len), 0);
    ck_assert_int_eq(rrc_bcch_dl_sch_encode_sib1(&s, buf, 20, &len), -ENOSPC);
    struct rrc_sib1 bad = s;
    bad.serving_cell_config_common.ul.initial_bwp.rach.generic.ra_response_window = 11; /* not an sl value */
    ck_assert_int_eq(rrc_bcch_dl_sch_encode_sib1(&bad, buf, sizeof buf, &len), -EINVAL);
    bad = s;
    bad.serving_cell_config_common.dl.offset_to_point_a = 2200;
    ck_assert_int_eq(rrc_bcch_dl_sch_encode_sib1(&bad, buf, sizeof buf, &len), -EINVAL);
}
END_TEST

/* The shipped configuration (conf/gnbd.conf) through gnb/rrc_config.c: the SIB1 carries its PLMN, TAC, cell
 * identity and PRACH index and the geometry's offsetToPointA and UL point A; --check-config's printout shows
 * those values and hex that is the encoding itself. */
START_TEST(test_sib1_from_shipped_config)
{
    static struct gnbd_config cfg;
    config_geometry_register();
    ck_assert_int_eq(config_load(&cfg, "conf/gnbd.conf", stderr), 0);
    struct rrc_sib1 s;
    uint8_t buf[RRC_SIB1_MAX_BYTES];
    size_t len;
    ck_assert_int_eq(rrc_config_sib1(&cfg, &s, buf, sizeof buf, &len), 0);
    const struct rrc_plmn_identity_info *pi = &s.plmn_info[0];
    ck_assert_uint_eq(pi->tac, (unsigned)cfg.cell.tac);
    ck_assert_uint_eq(pi->cell_identity, (uint64_t)cfg.cell.cell_id);
    ck_assert_int_eq(pi->plmn[0].mnc_len, (int)strlen(cfg.cell.mnc));
    const struct rrc_serving_cell_config_common_sib *sc = &s.serving_cell_config_common;
    ck_assert_int_eq(sc->dl.offset_to_point_a, 13);          /* docs/SRSUE.md §2.4 for 52 PRB */
    ck_assert_int_eq(sc->ul.absolute_frequency_point_a, 348564);
    ck_assert_int_eq(sc->ul.initial_bwp.rach.generic.prach_config_index, cfg.cell.prach_config_index);
    ck_assert_int_eq(sc->dl.initial_bwp.pdcch.coreset_zero, cfg.cell.coreset0_index);
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    rrc_config_print_sib1(&cfg, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "PLMN 001-01, TAC 7"));
    ck_assert_ptr_nonnull(strstr(text, "msg1-FrequencyStart 1,"));
    size_t n = 0;
    for (const char *h = strstr(text, "hex:"); h; h = strstr(h, "hex:")) {
        h += 4;
        unsigned v;
        int used;
        while (sscanf(h, " %2x%n", &v, &used) == 1 && n < len) {
            ck_assert_uint_eq(v, buf[n++]);
            h += used;
        }
    }
    ck_assert_uint_eq(n, len);
    for (const char *l = text; *l; l = strchr(l, '\n') + 1) ck_assert_int_eq(*l, '#'); /* comments only */
    free(text);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("sib1");
    TCase *tc = tcase_create("sib1");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_sib1_reference_cell_has_what_srsue_needs);
    tcase_add_test(tc, test_sib1_builder_over_cells);
    tcase_add_test(tc, test_sib1_builder_rejects_what_cannot_work);
    tcase_add_test(tc, test_sib1_round_trip_random);
    tcase_add_test(tc, test_sib1_random_decoded_by_tshark);
    tcase_add_test(tc, test_sib1_decoder_refuses_bad_input);
    tcase_add_test(tc, test_sib1_encoder_refuses_oversize_and_bad_values);
    tcase_add_test(tc, test_sib1_from_shipped_config);
    suite_add_tcase(su, tc);
    return check_run(su);
}
