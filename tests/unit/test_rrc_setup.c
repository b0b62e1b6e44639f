/* DL-CCCH RRCSetup and RRCReject (38.331 6.2.2) with RadioBearerConfig and the CellGroupConfig in
 * masterCellGroup: the builder's RRCSetup carries what srsUE needs (docs/SRSUE.md §4.1) and Wireshark reads every field
 * as encoded, random CellGroupConfigs round-trip and read back in Wireshark, and the decoder refuses bad input. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_group_check.h"
#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "tshark.h"
#include "tests/unit/check_run.h"

#define MCG "masterCellGroup/CellGroupConfig_element/"
#define DED MCG "spCellConfig_element/spCellConfigDedicated_element/"

static void encode_ok(const struct rrc_dl_ccch_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
    int err = rrc_dl_ccch_encode(m, buf, cap, len);
    ck_assert_msg(err == 0, "encode: %d", err);
}

static void check_rrc_setup(const struct tshark_pkt *p, const struct rrc_setup *s)
{
    ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
    EXPECT_NAME(p, "DL_CCCH_Message_element/message/c1", 0, "rrcSetup");
    EXPECT_INT(p, "rrcSetup_element/rrc_TransactionIdentifier", 0, s->transaction_id);
    const struct rrc_radio_bearer_config *rb = &s->radio_bearer_config;
    EXPECT_COUNT(p, "radioBearerConfig_element/srb_ToAddModList/SRB_ToAddMod_element", rb->nof_srb);
    int n_re = 0, n_dis = 0;
    for (int i = 0; i < rb->nof_srb; i++) {
        EXPECT_INT(p, "SRB_ToAddMod_element/srb_Identity", i, rb->srb[i].srb_id);
        n_re += rb->srb[i].reestablish_pdcp;
        n_dis += rb->srb[i].discard_on_pdcp;
    }
    EXPECT_COUNT(p, "SRB_ToAddMod_element/reestablishPDCP", n_re);
    EXPECT_COUNT(p, "SRB_ToAddMod_element/discardOnPDCP", n_dis);
    EXPECT_COUNT(p, "SRB_ToAddMod_element/pdcp_Config_element", 0);
    EXPECT_COUNT(p, "radioBearerConfig_element/srb3_ToRelease", rb->srb3_to_release);
    check_cell_group(p, &s->master_cell_group);
}

/* The builder's RRCSetup for the reference cell has everything srsUE's parser needs (docs/SRSUE.md §4.1), as
 * Wireshark reads it: SRB1 without pdcp-Config, an RLC bearer on LCID 1 with ul-SpecificParameters, one SR
 * configuration without sr-ProhibitTimer, the dynamic HARQ-ACK codebook, and spCellConfigDedicated with a
 * non-interleaved sameAsREG-bundle CORESET, a search space for DCI 0_0/1_0, DMRS type A set up for PDSCH and
 * PUSCH, PUCCH formats 1 and 2 only with format2 set up, an SR resource with period and resource,
 * dl-DataToUL-ACK, semi-static beta offsets, and no CSI. */
/* m encoded and read by Wireshark into pkt, its fields checked as built (check_rrc_setup). */
static void tshark_setup(const struct rrc_dl_ccch_msg *m, struct tshark_pkt *pkt)
{
    uint8_t buf[RRC_CELL_GROUP_MAX_BYTES + 64];
    size_t len;
    encode_ok(m, buf, sizeof buf, &len);
    const uint8_t *pdu = buf;
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.ccch", &pdu, &len, 1, pkt), 1);
    check_rrc_setup(pkt, &m->setup);
}

START_TEST(test_rrc_setup_reference_has_what_srsue_needs)
{
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    static struct rrc_dl_ccch_msg m;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 2, &m), 0);
    struct tshark_pkt pkt;
    tshark_setup(&m, &pkt);
    EXPECT_INT(&pkt, "rrc_TransactionIdentifier", 0, 2);
    EXPECT_INT(&pkt, "SRB_ToAddMod_element/srb_Identity", 0, 1);
    EXPECT_COUNT(&pkt, "pdcp_Config_element", 0);
    EXPECT_INT(&pkt, "RLC_BearerConfig_element/logicalChannelIdentity", 0, 1);
    EXPECT_INT(&pkt, "RLC_BearerConfig_element/servedRadioBearer/srb_Identity", 0, 1);
    EXPECT_COUNT(&pkt, "mac_LogicalChannelConfig_element/ul_SpecificParameters_element", 1);
    EXPECT_COUNT(&pkt, "SchedulingRequestToAddMod_element", 1);
    EXPECT_COUNT(&pkt, "SchedulingRequestToAddMod_element/sr_ProhibitTimer", 0);
    EXPECT_NAME(&pkt, "pdsch_HARQ_ACK_Codebook", 0, "dynamic");
    EXPECT_NAME(&pkt, "ControlResourceSet_element/cce_REG_MappingType", 0, "nonInterleaved");
    EXPECT_NAME(&pkt, "ControlResourceSet_element/precoderGranularity", 0, "sameAsREG-bundle");
    EXPECT_COUNT(&pkt, "searchSpacesToAddModList/SearchSpace_element", 1); /* one USS: 0_1/1_1 only */
    EXPECT_INT(&pkt, "SearchSpace_element/searchSpaceId", 0, 2);
    EXPECT_NAME(&pkt, "ue_Specific_element/dci_Formats", 0, "formats0-1-And-1-1");
    EXPECT_COUNT(&pkt, "pusch_Config/setup_element/txConfig", 0);
    EXPECT_COUNT(&pkt, "pusch_Config/setup_element/frequencyHopping", 0);
    EXPECT_COUNT(&pkt, "pusch_Config/setup_element/transformPrecoder", 0);
    EXPECT_COUNT(&pkt, "pdsch_Config/setup_element/mcs_Table", 0); /* qam64: qam256 only after the capabilities */
    EXPECT_NAME(&pkt, "dmrs_DownlinkForPDSCH_MappingTypeA", 0, "setup");
    EXPECT_NAME(&pkt, "dmrs_UplinkForPUSCH_MappingTypeA", 0, "setup");
    EXPECT_NAME(&pkt, "pucch_Config/setup_element/format2", 0, "setup");
    EXPECT_COUNT(&pkt, "PUCCH_Resource_element/format/format1_element", 3);
    EXPECT_COUNT(&pkt, "PUCCH_Resource_element/format/format2_element", 1);
    EXPECT_COUNT(&pkt, "SchedulingRequestResourceConfig_element/periodicityAndOffset", 1);
    EXPECT_INT(&pkt, "SchedulingRequestResourceConfig_element/resource", 0, 2);
    EXPECT_COUNT(&pkt, "dl_DataToUL_ACK/dl_DataToUL_ACK_item", 8);
    EXPECT_NAME(&pkt, "uci_OnPUSCH/setup_element/betaOffsets", 0, "semiStatic");
    EXPECT_COUNT(&pkt, "csi_MeasConfig", 0);
    EXPECT_INT(&pkt, "pusch_Config/setup_element/pusch_TimeDomainAllocationList/setup/PUSCH_TimeDomainResourceAllocation_element/k2", 0, 4);
    EXPECT_INT(&pkt, DED "tag_Id", 0, 0);
    tshark_pkts_free(&pkt, 1);
}
END_TEST

/* dl_256qam: never an mcs-Table in RRCSetup (qam256 comes later, for the UEs whose capabilities say so); either
 * way the one UE-specific search space SS#2 carries DCI 0_1/1_1 and the UE sizes 1_1 at 52 PRB as 41 bits
 * (test_dci's hand-worked layout), 43 at 106 PRB, 0_1 as 35 / 37. */
START_TEST(test_rrc_setup_256qam_on_off)
{
    static struct rrc_dl_ccch_msg m;
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    ck_assert(d.dl_256qam);
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
    const struct rrc_serving_cell_config *sc = &m.setup.master_cell_group.sp_cell.dedicated;
    ck_assert_int_eq(sc->pdcch.nof_search_spaces, 1);
    ck_assert_int_eq(sc->pdcch.ss[0].id, 2);
    ck_assert(sc->pdcch.ss[0].ue_dci_formats_0_1_and_1_1);
    ck_assert(!sc->pdsch.has_mcs_table && !rrc_serving_cell_qam256(sc));
    struct dci_1_1_config c;
    struct dci_0_1_config u;
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(sc, 52, true, &c), 0);
    ck_assert_int_eq(dci_1_1_size(&c), 41);
    ck_assert_int_eq(c.uss_1_0_size, 0);
    ck_assert_int_eq(c.nof_tdra_rows, 1);
    ck_assert_int_eq(c.nof_dl_data_to_ul_ack, 8);
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(sc, 52, true, &u), 0);
    ck_assert_int_eq(dci_0_1_size(&u), 35);
    ck_assert(u.dynamic_harq_codebook && !u.transform_precoding && !u.dmrs_type2 && !u.dmrs_max_length2);
    ck_assert_int_eq(u.nof_tdra_rows, 1);
    d.nof_prb = 106;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(sc, 106, true, &c), 0);
    ck_assert_int_eq(dci_1_1_size(&c), 43);
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(sc, 106, true, &u), 0);
    ck_assert_int_eq(dci_0_1_size(&u), 37);
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(sc, 106, false, &u), 0); /* semi-static: 1st DAI 1 bit */
    ck_assert_int_eq(dci_0_1_size(&u), 36);
    struct rrc_serving_cell_config bad = *sc;
    bad.pdsch.resource_allocation = 2; /* dynamicSwitch */
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(&bad, 106, true, &c), -ENOTSUP);
    bad = *sc;
    bad.pdsch.has_vrb_to_prb_interleaver = true;
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(&bad, 106, true, &c), -ENOTSUP);
    bad = *sc;
    bad.pusch.has_tx_config = true; /* SRI and precoding fields: not sized */
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(&bad, 106, true, &u), -ENOTSUP);
    bad = *sc;
    bad.pusch.uci_on_pusch.beta_dynamic = true;
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(&bad, 106, true, &u), -ENOTSUP);
    bad = *sc;
    bad.pusch.has_transform_precoder = true; /* enabled: antenna ports 2 bits, no n_SCID */
    bad.pusch.transform_precoder = 0;
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(&bad, 106, true, &u), 0);
    ck_assert_int_eq(dci_0_1_size(&u), 35);
    bad = *sc;
    bad.pdcch.ss[0].ue_dci_formats_0_1_and_1_1 = false; /* no 0_1/1_1 search space */
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(&bad, 106, true, &c), -EINVAL);
    ck_assert_int_eq(rrc_serving_cell_dci_0_1(&bad, 106, true, &u), -EINVAL);
    d.dl_256qam = false; /* DCI 1_1 still, Table 5.1.3.1-1 */
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
    ck_assert_int_eq(sc->pdcch.nof_search_spaces, 1);
    ck_assert(!sc->pdsch.has_mcs_table && !rrc_serving_cell_qam256(sc));
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(sc, 106, true, &c), 0);
    ck_assert_int_eq(dci_1_1_size(&c), 43);
    struct tshark_pkt pkt;
    tshark_setup(&m, &pkt);
    EXPECT_COUNT(&pkt, "searchSpacesToAddModList/SearchSpace_element", 1);
    EXPECT_NAME(&pkt, "ue_Specific_element/dci_Formats", 0, "formats0-1-And-1-1");
    EXPECT_COUNT(&pkt, "pdsch_Config/setup_element/mcs_Table", 0);
    tshark_pkts_free(&pkt, 1);
}
END_TEST

/* A TDD cell's dl-DataToUL-ACK: the k1 list mac/harq_ack.h makes for n78's DDDDDDDSUU (test_harq_ack works it out
 * by hand: {4, 5, 6, 7, 8, 12} padded to 8 entries with 9, 10 so DCI 1_1's field stays 3 bits) reaches the UE in
 * the order built, as Wireshark reads it; the 1_1 and 0_1 sizes do not change with the list. */
START_TEST(test_rrc_setup_tdd_k1_list)
{
    static struct rrc_dl_ccch_msg m;
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    static const int k1[8] = {4, 5, 6, 7, 8, 9, 10, 12};
    memcpy(d.dl_data_to_ul_ack, k1, sizeof k1);
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
    const struct rrc_serving_cell_config *sc = &m.setup.master_cell_group.sp_cell.dedicated;
    ck_assert_int_eq(sc->pucch.nof_dl_data_to_ul_ack, 8);
    for (int i = 0; i < 8; i++) ck_assert_int_eq(sc->pucch.dl_data_to_ul_ack[i], k1[i]);
    struct dci_1_1_config c;
    ck_assert_int_eq(rrc_serving_cell_dci_1_1(sc, 52, true, &c), 0);
    ck_assert_int_eq(dci_1_1_size(&c), 41);
    struct tshark_pkt pkt;
    tshark_setup(&m, &pkt);
    EXPECT_COUNT(&pkt, "dl_DataToUL_ACK/dl_DataToUL_ACK_item", 8);
    EXPECT_INT(&pkt, "dl_DataToUL_ACK/dl_DataToUL_ACK_item", 0, 4);
    EXPECT_INT(&pkt, "dl_DataToUL_ACK/dl_DataToUL_ACK_item", 7, 12);
    tshark_pkts_free(&pkt, 1);
    d.dl_data_to_ul_ack[3] = 16; /* 38.331 PUCCH-Config: INTEGER (0..15) */
    ck_assert_int_lt(rrc_setup_builder_build(&d, 0, &m), 0);
}
END_TEST

/* 38.212 7.3.1.0 DCI size budget of the RRCSetup over carriers (BWP = carrier, CORESET#0 of 24, 48 or 96 RBs):
 * within it (3 sizes with C-RNTI: the common 0_0/1_0, 1_1, 0_1), and over it when an SS#2-like 0_0/1_0
 * UE-specific search space is put back beside the 0_1/1_1 one wherever the BWP's 0_0/1_0 size is not
 * CORESET#0's (106 PRB with a 48-RB CORESET#0: 4 C-RNTI sizes). The configurations gnbd can start with are
 * checked the same way in test_config (rrc_config_dci_budget). */
START_TEST(test_rrc_setup_dci_budget)
{
    static struct rrc_dl_ccch_msg m;
    static const struct { int prb, cs0; } v[] = {{25, 24}, {24, 24}, {52, 48}, {51, 48}, {106, 48}, {106, 96},
                                                  {273, 48}, {273, 96}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct rrc_setup_cell_desc d;
        rrc_setup_builder_defaults(&d);
        d.nof_prb = v[i].prb;
        d.ue.f1_prb = v[i].prb - 1;
        d.ue.f2_prb = v[i].prb - 2;
        ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
        struct rrc_serving_cell_config *sc = &m.setup.master_cell_group.sp_cell.dedicated;
        struct rrc_dci_budget b;
        ck_assert_msg(rrc_dci_budget(sc, v[i].prb, v[i].cs0, true, &b) == 0, "%d PRB", v[i].prb);
        ck_assert_int_eq(b.c_rnti_sizes, 3);
        ck_assert_int_le(b.total_sizes, 4);
        ck_assert_int_eq(b.n, 7);
        /* SS#2 with 0_0/1_0 back (and the 0_1/1_1 one as SS#3) */
        sc->pdcch.ss[1] = sc->pdcch.ss[0];
        sc->pdcch.ss[1].id = 3;
        sc->pdcch.ss[0].ue_dci_formats_0_1_and_1_1 = false;
        sc->pdcch.nof_search_spaces = 2;
        bool same = dci_1_0_size(DCI_RNTI_C, v[i].prb) == dci_1_0_size(DCI_RNTI_C, v[i].cs0);
        int rc = rrc_dci_budget(sc, v[i].prb, v[i].cs0, true, &b);
        ck_assert_msg(rc == (same ? 0 : -E2BIG), "%d PRB, CORESET#0 %d: rc %d", v[i].prb, v[i].cs0, rc);
        ck_assert_int_eq(b.c_rnti_sizes, same ? 3 : 4);
        ck_assert_int_eq(b.n, 9);
    }
    /* the 106-PRB case by hand: CSS 1_0 over 48 RBs 28 + 11 = 39 bits, USS 0_0/1_0 over 106 RBs 28 + 13 = 41,
     * 1_1 43, 0_1 37 */
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    d.nof_prb = 106;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
    struct rrc_serving_cell_config *sc = &m.setup.master_cell_group.sp_cell.dedicated;
    struct rrc_dci_budget b;
    ck_assert_int_eq(rrc_dci_budget(sc, 106, 48, true, &b), 0);
    int want[] = {39, 39, 39, 39, 39, 43, 37};
    for (int k = 0; k < b.n; k++) ck_assert_msg(b.e[k].bits == want[k], "%s: %d bits", b.e[k].what, b.e[k].bits);
    ck_assert_int_eq(rrc_dci_budget(sc, 0, 48, true, &b), -EINVAL);
}
END_TEST

/* Builder over carriers of 25..273 PRB: the UE's PUCCH resources are as described (PRB, cyclic shift, OCC of the
 * three format 1 resources, format 2 PRB and symbol), CORESET#1 covers all whole 6-RB groups, the SR slot is as
 * asked; invalid descriptions are refused. */
START_TEST(test_rrc_setup_builder_over_carriers)
{
    static struct rrc_dl_ccch_msg m;
    struct rrc_setup_cell_desc d;
    static const int prbs[] = {25, 52, 79, 106, 273};
    for (size_t i = 0; i < sizeof prbs / sizeof prbs[0]; i++) {
        rrc_setup_builder_defaults(&d);
        d.nof_prb = prbs[i];
        d.sr_period_slots = 20;
        d.ue = (struct rrc_setup_ue_pucch){.f1_prb = prbs[i] - 3, .f1_cs = 6, .ack_occ = {3, 4}, .sr_occ = 5,
                                           .f2_prb = prbs[i] - 5, .f2_symbol = 8, .sr_offset = 7};
        ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
        const struct rrc_serving_cell_config *sc = &m.setup.master_cell_group.sp_cell.dedicated;
        for (int r = 0; r < 3; r++) {
            ck_assert_int_eq(sc->pucch.res[r].format, RRC_PUCCH_F1);
            ck_assert_int_eq(sc->pucch.res[r].starting_prb, prbs[i] - 3);
            ck_assert_int_eq(sc->pucch.res[r].initial_cyclic_shift, 6);
            ck_assert_int_eq(sc->pucch.res[r].time_domain_occ, 3 + r);
        }
        ck_assert_int_eq(sc->pucch.sr[0].resource, 2);
        ck_assert_int_eq(sc->pucch.res[3].format, RRC_PUCCH_F2);
        ck_assert_int_eq(sc->pucch.res[3].starting_prb, prbs[i] - 5);
        ck_assert_int_eq(sc->pucch.res[3].start_symbol, 8);
        int groups = prbs[i] / 6 > 45 ? 45 : prbs[i] / 6;
        ck_assert_int_eq(__builtin_popcountll(sc->pdcch.coreset[0].frequency_domain_resources), groups);
        /* 38.213 10.1: every aggregation level's candidates fit the CORESET's CCEs (4 at 25 PRB: AL4 x1, AL8 none) */
        int n_cce = groups * sc->pdcch.coreset[0].duration, total = 0;
        for (int al = 0; al < 5; al++) {
            ck_assert_int_le(sc->pdcch.ss[0].nrof_candidates[al] << al, n_cce);
            total += sc->pdcch.ss[0].nrof_candidates[al];
        }
        ck_assert_int_gt(total, 0);
        if (prbs[i] == 25) {
            ck_assert_int_eq(sc->pdcch.ss[0].nrof_candidates[2], 1);
            ck_assert_int_eq(sc->pdcch.ss[0].nrof_candidates[3], 0);
        }
        ck_assert(sc->pdcch.coreset[0].frequency_domain_resources >> 44); /* from the first group */
        ck_assert_int_eq(sc->pucch.sr[0].period, 20);
        ck_assert_int_eq(sc->pucch.sr[0].offset, 7);
        uint8_t buf[RRC_CELL_GROUP_MAX_BYTES + 64];
        size_t len;
        encode_ok(&m, buf, sizeof buf, &len);
    }
    d.ue.sr_offset = 20;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), -EINVAL);
    struct rrc_setup_cell_desc good;
    rrc_setup_builder_defaults(&good);
    ck_assert_int_eq(rrc_setup_builder_build(&good, 0, &m), 0);
    const struct rrc_setup_ue_pucch bad[] = {{.f1_prb = 52, .f2_prb = 1}, {.f1_prb = 1, .f2_prb = -1},
                                             {.f1_cs = 12, .f1_prb = 1, .f2_prb = 1},
                                             {.ack_occ = {7, 0}, .f1_prb = 1, .f2_prb = 1},
                                             {.sr_occ = -1, .f1_prb = 1, .f2_prb = 1},
                                             {.f2_symbol = 13, .f1_prb = 1, .f2_prb = 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = good;
        d.ue = bad[i];
        ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), -EINVAL);
    }
    rrc_setup_builder_defaults(&d);
    ck_assert_int_eq(rrc_setup_builder_build(&d, 4, &m), -EINVAL);
    d.nof_prb = 5;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), -EINVAL);
}
END_TEST

static void random_setup(struct rrc_dl_ccch_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = RRC_DL_CCCH_SETUP;
    m->setup.transaction_id = rnd(0, 3);
    struct rrc_radio_bearer_config *rb = &m->setup.radio_bearer_config;
    rb->nof_srb = rnd(0, 2);
    for (int i = 0; i < rb->nof_srb; i++)
        rb->srb[i] = (struct rrc_srb_to_add_mod){.srb_id = rnd(1, 3), .reestablish_pdcp = coin(), .discard_on_pdcp = coin()};
    rb->srb3_to_release = coin();
    random_cell_group(&m->setup.master_cell_group);
}

/* decode(encode(x)) re-encodes to the same bytes for random RRCSetups (every modelled CellGroupConfig field)
 * and RRCRejects; the CellGroupConfig codec alone round-trips too. */
START_TEST(test_rrc_setup_round_trip_random)
{
    static struct rrc_dl_ccch_msg m, back;
    static uint8_t a[4096], b[4096];
    test_rng_seed(21);
    for (int i = 0; i < 2000; i++) {
        size_t la, lb;
        if (i % 4 == 3) {
            memset(&m, 0, sizeof m);
            m.type = RRC_DL_CCCH_REJECT;
            m.reject.has_wait_time = coin();
            m.reject.wait_time = rnd(1, 16);
        } else {
            random_setup(&m);
        }
        encode_ok(&m, a, sizeof a, &la);
        ck_assert_int_eq(rrc_dl_ccch_decode(a, la, &back), 0);
        ck_assert_int_eq(back.type, m.type);
        encode_ok(&back, b, sizeof b, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_mem_eq(a, b, la);
        if (m.type == RRC_DL_CCCH_REJECT) continue;
        static struct rrc_cell_group_config cg;
        ck_assert_int_eq(rrc_cell_group_config_encode(&m.setup.master_cell_group, a, sizeof a, &la), 0);
        ck_assert_int_eq(rrc_cell_group_config_decode(a, la, &cg), 0);
        ck_assert_int_eq(rrc_cell_group_config_encode(&cg, b, sizeof b, &lb), 0);
        ck_assert_mem_eq(a, b, la);
    }
}
END_TEST

/* Random RRCSetups and RRCRejects through Wireshark: every modelled field reads back as encoded. */
START_TEST(test_rrc_setup_random_decoded_by_tshark)
{
    enum { N = 40 };
    static struct rrc_dl_ccch_msg m[N];
    static uint8_t buf[N][4096];
    const uint8_t *pdus[N];
    size_t lens[N];
    test_rng_seed(22);
    for (int i = 0; i < N; i++) {
        if (i % 8 == 7) {
            memset(&m[i], 0, sizeof m[i]);
            m[i].type = RRC_DL_CCCH_REJECT;
            m[i].reject.has_wait_time = i % 16 == 7;
            m[i].reject.wait_time = rnd(1, 16);
        } else {
            random_setup(&m[i]);
        }
        encode_ok(&m[i], buf[i], sizeof buf[i], &lens[i]);
        pdus[i] = buf[i];
    }
    static struct tshark_pkt pkts[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.ccch", pdus, lens, N, pkts), N);
    for (int i = 0; i < N; i++) {
        if (m[i].type == RRC_DL_CCCH_SETUP) {
            check_rrc_setup(&pkts[i], &m[i].setup);
            continue;
        }
        ck_assert_msg(pkts[i].problems == 0, "tshark: %s", pkts[i].problem);
        EXPECT_NAME(&pkts[i], "DL_CCCH_Message_element/message/c1", 0, "rrcReject");
        EXPECT_COUNT(&pkts[i], "rrcReject_element/waitTime", m[i].reject.has_wait_time);
        if (m[i].reject.has_wait_time) EXPECT_INT(&pkts[i], "rrcReject_element/waitTime", 0, m[i].reject.wait_time);
    }
    tshark_pkts_free(pkts, N);
}
END_TEST

/* Truncated input is refused; corrupted input is decoded or refused without reading out of bounds; a
 * masterCellGroup whose length runs past the message is refused; spare messages are unsupported. */
START_TEST(test_rrc_setup_decoder_refuses_bad_input)
{
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    static struct rrc_dl_ccch_msg m, back;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 1, &m), 0);
    uint8_t buf[4096];
    size_t len;
    encode_ok(&m, buf, sizeof buf, &len);
    for (size_t n = 0; n < len; n++) ck_assert_int_eq(rrc_dl_ccch_decode(buf, n, &back), -EBADMSG);
    test_rng_seed(23);
    int refused = 0;
    for (int i = 0; i < 20000; i++) {
        uint8_t bad[4096];
        memcpy(bad, buf, len);
        for (int f = rnd(1, 3); f > 0; f--) bad[rnd(0, (int)len - 1)] ^= (uint8_t)(1u << rnd(0, 7));
        int err = rrc_dl_ccch_decode(bad, len, &back);
        ck_assert(err == 0 || err == -EBADMSG || err == -ENOTSUP);
        refused += err != 0;
    }
    ck_assert_int_gt(refused, 0);
    const uint8_t spare2[1] = {0x40}, spare1[1] = {0x60}, ext[1] = {0x80}; /* c1 index 2, 3; extension */
    ck_assert_int_eq(rrc_dl_ccch_decode(spare2, 1, &back), -ENOTSUP);
    ck_assert_int_eq(rrc_dl_ccch_decode(spare1, 1, &back), -ENOTSUP);
    ck_assert_int_eq(rrc_dl_ccch_decode(ext, 1, &back), -ENOTSUP);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_setup");
    TCase *tc = tcase_create("rrc_setup");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rrc_setup_reference_has_what_srsue_needs);
    tcase_add_test(tc, test_rrc_setup_builder_over_carriers);
    tcase_add_test(tc, test_rrc_setup_256qam_on_off);
    tcase_add_test(tc, test_rrc_setup_dci_budget);
    tcase_add_test(tc, test_rrc_setup_tdd_k1_list);
    tcase_add_test(tc, test_rrc_setup_round_trip_random);
    tcase_add_test(tc, test_rrc_setup_random_decoded_by_tshark);
    tcase_add_test(tc, test_rrc_setup_decoder_refuses_bad_input);
    suite_add_tcase(s, tc);
    return check_run(s);
}
