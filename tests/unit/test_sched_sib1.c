/* Tests of the SIB1 broadcast plan (mac/sched_sib1.c), the common scheduler that sends it (mac/sched_common.c) and
 * the configuration check built on it (gnb/broadcast.c through the geometry hook).
 *
 * The plan is checked against things computed apart from the planner: the SSB REs come from mapping the real
 * SS/PBCH occasions, the PDCCH/PDSCH REs from the real encoders writing into an empty grid, the DCI is unpacked
 * back and read the way a UE reads it (RIV, default table A, MCS table), and the TBS minimality is recomputed.
 * Those readers are gnbd's own functions (dci_1_0_unpack, pdsch_tdra_default_a, the MCS/TBS tables, the SSB
 * mapper), so a wrong table row would agree with itself here; the 3GPP tables are checked row by row in
 * test_spec_tables. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "mac/sched_common.h"
#include "mac/sched_sib1.h"
#include "phy/fec/tbs.h"
#include "tests/unit/check_run.h"

#define TEST_SIB1_LEN 78   /* bytes: the size gnbd's reference cell's SIB1 has today */

static const int bandwidths[] = {5, 10, 20};   /* 25, 52, 106 PRB at 15 kHz */
static const int pcis[] = {0, 1, 500, 1007};

static int derive(int bw, int coreset0, int ss0, int dmrs_pos, bool srsue, struct cell_geometry *g)
{
    struct cell_geometry_input in = {.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = bw,
                                     .coreset0_index = coreset0, .searchspace0_index = ss0,
                                     .dmrs_type_a_position = dmrs_pos, .srsue_compatible = srsue};
    return cell_geometry_derive(&in, g, NULL);
}

static struct sched_sib1_config plan_cfg(const struct cell_geometry *g, int pci, int period_ms, uint8_t positions,
                                         int len)
{
    struct sched_sib1_config c = {.geo = *g, .pci = pci, .sib1_len = len, .mcs = 5, .al = 8};
    c.burst = (struct ssb_burst_config){.scs_khz = 15, .pattern = g->ssb_pattern, .l_max = g->ssb_l_max,
                                        .positions_in_burst = positions, .period_ms = period_ms};
    return c;
}

/* Writes the plan's PDCCH and PDSCH into an empty grid with the real encoders, then checks every RE of every
 * SS/PBCH block that any frame of the 160 ms pattern sends in that slot is still empty. Returns the number of
 * SSB blocks checked. */
static int assert_clear_of_ssb(const struct sched_sib1_config *c, const struct sched_sib1_plan *p, struct pdsch *x)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, 14, 12 * c->geo.nof_prb), 0);
    struct pdcch_msg m = {.dci = p->dci_bits, .dci_len = p->dci_len, .rnti = SCHED_SI_RNTI, .al = p->al,
                          .first_cce = p->first_cce, .n_id = (uint16_t)c->pci};
    ck_assert_int_eq(pdcch_encode(&p->coreset, p->slot, &m, &g), 0);
    uint8_t *cw = malloc((size_t)p->g);
    memset(cw, 1, (size_t)p->g);
    struct pdsch_grant gr = p->grant;
    gr.slot = p->slot;
    ck_assert_int_eq(pdsch_encode(x, &gr, cw, (size_t)p->g, &g), 0);
    free(cw);
    int blocks = 0;
    for (int sfn = 0; sfn < 16; sfn++) {
        if ((sfn & 1) != p->sfn_parity) continue;
        struct ssb_occasion o[SSB_MAX_PER_SLOT];
        int n = ssb_slot_symbols(&c->burst, sfn, p->slot, o);
        for (int i = 0; i < n; i++, blocks++)
            for (int l = 0; l < 4; l++)
                for (int k = 0; k < 240; k++)
                    ck_assert_msg(grid_symbol(&g, o[i].first_symbol + l)[c->geo.ssb_first_subcarrier + k] == 0,
                                  "SSB RE (l %d, k %d) overwritten in slot %d", o[i].first_symbol + l, k, p->slot);
    }
    ck_assert(p->ssb_in_slot == (blocks > 0));
    grid_free(&g);
    return blocks;
}

/* What a UE reads from the DCI must be the plan's PDSCH, and the PDSCH must be the smallest that holds the SIB1. */
static void assert_plan_as_ue_reads_it(const struct sched_sib1_config *c, const struct sched_sib1_plan *p)
{
    const struct cell_geometry *g = &c->geo;
    int n_cs = g->coreset0.nof_rb;
    struct dci_1_0 d;
    ck_assert_int_eq(p->dci_len, dci_1_0_size(DCI_RNTI_SI, n_cs));
    ck_assert_int_eq(dci_1_0_unpack(p->dci_bits, p->dci_len, DCI_RNTI_SI, n_cs, &d), 0);
    int rb_start, l_rbs;
    ck_assert_int_eq(dci_riv_decode(n_cs, d.frequency_domain_assignment, &rb_start, &l_rbs), 0);
    ck_assert_int_eq(g->coreset0_crb_start + rb_start, p->grant.crb_start);   /* 38.214 5.1.2.2.2: from CORESET#0 */
    ck_assert_int_eq(l_rbs, p->grant.nof_rb);
    ck_assert_int_le(p->grant.crb_start + p->grant.nof_rb, g->nof_prb);       /* inside the carrier */
    ck_assert_int_eq(d.system_information_indicator, 0);
    ck_assert_int_eq(d.rv, 0);
    ck_assert_int_le((int)d.mcs, 9);
    struct pdsch_time_alloc ta;
    ck_assert_int_eq(pdsch_tdra_default_a((int)d.time_domain_assignment, g->dmrs_type_a_position, &ta), 0);
    ck_assert_int_eq(ta.mapping, PDSCH_MAPPING_TYPE_A);
    ck_assert_int_eq(ta.start_symbol, p->grant.start_symbol);
    ck_assert_int_eq(ta.nof_symbols, p->grant.nof_symbols);
    ck_assert_int_ge(ta.start_symbol, p->coreset.start_symbol + p->coreset.nof_symbols);   /* after CORESET#0 */
    ck_assert_int_eq(p->grant.dmrs.ref_crb, g->coreset0_crb_start);
    ck_assert_int_eq(p->grant.dmrs.additional_position, 2);
    ck_assert_int_eq(p->grant.rnti, 0xFFFF);
    /* Type0-PDCCH occasion of SSB 0 (38.213 13) and a candidate of SS#0 at AL 4/8. */
    ck_assert(cell_geometry_type0_in_slot(g, 0, p->sfn_parity, p->slot));
    ck_assert(p->al == 4 || p->al == 8);
    int first[PDCCH_MAX_CANDIDATES], n = pdcch_candidates(pdcch_nof_cce(&p->coreset), p->al, p->al == 4 ? 4 : 2, 0, 0,
                                                          first);
    bool is_candidate = false;
    for (int i = 0; i < n; i++) is_candidate |= first[i] == p->first_cce;
    ck_assert(is_candidate);
    /* TBS: holds the SIB1, and one PRB fewer would not (38.214 5.1.3.2 recomputed with the UE's N_DMRS). */
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, (int)d.mcs, &row), 0);
    ck_assert_int_eq(row.qm, 2);
    int ndmrs = __builtin_popcount((unsigned)pdsch_dmrs_symbols(&p->grant)) * 12;   /* 2 CDM groups, type 1 */
    if (ta.nof_symbols == 2) ndmrs /= 2;
    struct tbs_cfg t = {.n_prb = l_rbs, .n_symb_sh = ta.nof_symbols, .n_dmrs_prb = ndmrs, .layers = 1, .qm = 2,
                        .r_x1024 = row.r_x1024};
    ck_assert_int_eq(tbs_compute(&t), p->tbs);
    ck_assert_int_ge(p->tbs, 8 * c->sib1_len);
    if (l_rbs > 1) {
        t.n_prb = l_rbs - 1;
        ck_assert_int_lt(tbs_compute(&t), 8 * c->sib1_len);
    }
    ck_assert_int_eq(p->g, pdsch_nof_bits(&p->grant));
}

/* Every searchSpaceZero row x every CORESET#0 index the geometry accepts at 25/52/106 PRB, srsUE-compatible
 * (pos2) and not (pos2 and pos3), several PCIs and SSB periods: the plan exists exactly when the occasion starts
 * at symbol 0 for srsUE and a type-A row of default table A starts after CORESET#0, and then it is clear of the
 * SSB, inside the carrier and CORESET#0, and holds the SIB1. */
START_TEST(sweep_searchspace0_x_coreset0_plans_are_sound)
{
    struct pdsch x;
    ck_assert_int_eq(pdsch_init(&x, &(struct pdsch_cfg){.max_prb = 275}), 0);
    static const struct { bool srsue; int pos; } modes[] = {{true, 2}, {false, 2}, {false, 3}};
    static const int periods[] = {5, 10, 20, 160}, lens[] = {TEST_SIB1_LEN, SCHED_SIB1_MAX_BYTES};
    int plans = 0, rejected = 0, beside = 0;
    for (size_t b = 0; b < 3; b++)
        for (size_t md = 0; md < 3; md++)
            for (int c0 = 0; c0 < 16; c0++)
                for (int ss0 = 0; ss0 < 16; ss0++) {
                    struct cell_geometry g;
                    if (derive(bandwidths[b], c0, ss0, modes[md].pos, modes[md].srsue, &g) < 0) continue;
                    struct type0_occasion occ;
                    ck_assert_int_eq(cell_geometry_type0_occasion(&g, 0, &occ), 0);
                    int s = occ.first_symbol + g.coreset0.nof_symb;
                    bool expect = !(modes[md].srsue && occ.first_symbol != 0) && s <= (modes[md].pos == 2 ? 2 : 3);
                    int i = (c0 + ss0) % 4;   /* spread PCIs, periods and sizes over the sweep */
                    struct sched_sib1_config c = plan_cfg(&g, pcis[i], periods[i], 1, lens[(c0 + ss0 / 4) % 2]);
                    struct sched_sib1_plan p;
                    const char *key = NULL;
                    char why[320] = "";
                    int rc = sched_sib1_plan(&c, &p, &key, why, sizeof why);
                    ck_assert_msg((rc == 0) == expect, "%d MHz coreset0 %d ss0 %d pos%d srsue %d: rc %d (%s: %s)",
                                  bandwidths[b], c0, ss0, modes[md].pos, modes[md].srsue, rc, key, why);
                    if (rc < 0) {
                        ck_assert_str_eq(key, "searchspace0_index");
                        rejected++;
                        continue;
                    }
                    plans++;
                    beside += assert_clear_of_ssb(&c, &p, &x) > 0;
                    assert_plan_as_ue_reads_it(&c, &p);
                }
    pdsch_free(&x);
    fprintf(stderr, "sweep: %d plans checked, %d rejected as predicted, %d next to an SSB\n", plans, rejected,
            beside);
    ck_assert_int_gt(plans, 100);
    ck_assert_int_gt(rejected, 50);
}
END_TEST

/* With SSBs 0..3 (Case A, L_max 4: slots 0 and 1) and searchSpaceZero 0 both occasion slots carry a block: the
 * PDSCH must go beside it (a 140-byte SIB1 needs 14 of the 48 RBs; the block takes CRB 13..33 of CRB 1..48),
 * still clear of every SSB RE; with a 24-RB CORESET#0 a large SIB1 has no room and is refused rather than
 * overlapped. */
START_TEST(both_occasion_slots_with_ssb_put_pdsch_beside_the_block)
{
    struct pdsch x;
    ck_assert_int_eq(pdsch_init(&x, &(struct pdsch_cfg){.max_prb = 275}), 0);
    struct cell_geometry g;
    ck_assert_int_eq(derive(10, 6, 0, 2, true, &g), 0);
    struct sched_sib1_config c = plan_cfg(&g, 500, 10, 0xF, 140);
    struct sched_sib1_plan p;
    ck_assert_int_eq(sched_sib1_plan(&c, &p, NULL, NULL, 0), 0);
    ck_assert(p.ssb_in_slot);
    ck_assert_int_ge(p.grant.nof_rb, 13);
    ck_assert_int_gt(assert_clear_of_ssb(&c, &p, &x), 0);
    assert_plan_as_ue_reads_it(&c, &p);

    ck_assert_int_eq(derive(5, 0, 0, 2, true, &g), 0);   /* 24 RB, SSB over 20-21 of them */
    c = plan_cfg(&g, 1, 10, 0xF, SCHED_SIB1_MAX_BYTES);
    const char *key = NULL;
    char why[320];
    ck_assert_int_eq(sched_sib1_plan(&c, &p, &key, why, sizeof why), -EINVAL);
    ck_assert_str_eq(key, "sib1");
    pdsch_free(&x);
}
END_TEST

START_TEST(bad_inputs_are_refused_with_the_input_named)
{
    struct cell_geometry g;
    ck_assert_int_eq(derive(10, 6, 0, 2, true, &g), 0);
    struct sched_sib1_plan p;
    const char *key = NULL;
    char why[320];
    struct sched_sib1_config c = plan_cfg(&g, 1, 10, 1, SCHED_SIB1_MAX_BYTES + 1);
    ck_assert_int_eq(sched_sib1_plan(&c, &p, &key, why, sizeof why), -EINVAL);
    ck_assert_str_eq(key, "sib1");
    c = plan_cfg(&g, 1, 10, 1, TEST_SIB1_LEN);
    c.mcs = 10;   /* 16QAM: not for SI-RNTI */
    ck_assert_int_eq(sched_sib1_plan(&c, &p, &key, why, sizeof why), -EINVAL);
    ck_assert_str_eq(key, "mcs");
    c.mcs = 5;
    c.al = 16;    /* srsUE searches no AL16 in SS#0 */
    ck_assert_int_eq(sched_sib1_plan(&c, &p, &key, why, sizeof why), -EINVAL);
    ck_assert_str_eq(key, "al");
    c.al = 4;
    c.tdd_period_slots = 5;
    c.tdd_dl_slots = 1;   /* occasion slots 0 and 1 of a 5-slot period: slot 1 is not DL, slot 0 has the SSB */
    c.burst.positions_in_burst = 0x3;   /* SSBs 0 and 1 at symbols 2 and 8 of slot 0 */
    ck_assert_int_eq(sched_sib1_plan(&c, &p, &key, why, sizeof why), 0);
    ck_assert_int_eq(p.slot, 0);   /* the only DL occasion slot, so beside the SSB */
    ck_assert(p.ssb_in_slot);
    c.tdd_dl_slots = 0;
    ck_assert_int_eq(sched_sib1_plan(&c, &p, &key, why, sizeof why), -EINVAL);
    ck_assert_str_eq(key, "tdd");
    /* The TB: the SIB1 zero-padded to the TBS. */
    c = plan_cfg(&g, 1, 10, 1, TEST_SIB1_LEN);
    ck_assert_int_eq(sched_sib1_plan(&c, &p, NULL, NULL, 0), 0);
    uint8_t msg[TEST_SIB1_LEN], tb[512];
    for (int i = 0; i < TEST_SIB1_LEN; i++) msg[i] = (uint8_t)(0xA5 ^ i);
    memset(tb, 0x77, sizeof tb);
    ck_assert_int_eq(sched_sib1_tb(&p, msg, sizeof msg, tb, sizeof tb), 0);
    ck_assert_mem_eq(tb, msg, sizeof msg);
    for (int i = TEST_SIB1_LEN; i < p.tbs / 8; i++) ck_assert_int_eq(tb[i], 0);
    ck_assert_int_eq(tb[p.tbs / 8], 0x77);
    ck_assert_int_eq(sched_sib1_tb(&p, msg, sizeof msg, tb, (size_t)p.tbs / 8 - 1), -EINVAL);
}
END_TEST

/* The scheduler over a whole SFN cycle: SIB1 once per 20 ms, in the plan's occasion slot, after the SSB in the
 * request, never in a slot whose SSB shares its RBs and symbols. */
START_TEST(sched_common_sends_sib1_every_20ms_clear_of_the_ssb)
{
    struct cell_geometry g;
    ck_assert_int_eq(derive(20, 12, 4, 2, true, &g), 0);   /* O = 5: slots 5 and 6 */
    struct sched_common_config sc = {.scs_khz = 15, .sib1 = true};
    struct sched_sib1_config c = plan_cfg(&g, 1007, 5, 1, TEST_SIB1_LEN);   /* 5 ms: an SSB in slot 5 too */
    sc.burst = c.burst;
    sc.mib = (struct mib){.scs_common_khz = 15, .dmrs_type_a_position = 2, .coreset0_index = 12,
                          .searchspace0_index = 4, .intra_freq_reselection_allowed = true};
    ck_assert_int_eq(sched_sib1_plan(&c, &sc.sib1_plan, NULL, NULL, 0), 0);
    ck_assert_int_eq(sc.sib1_plan.slot, 6);   /* slot 5 holds the second half frame's block */
    struct sched_common s;
    ck_assert_int_eq(sched_common_init(&s, &sc), 0);
    int sib1 = 0, last = -1;
    struct dl_slot_request req;
    for (uint64_t slot = 0; slot < 10240; slot++) {
        ck_assert_int_eq(sched_common_dl_slot(&s, slot, &req), 0);
        ck_assert_int_eq(req.n_pdcch, req.n_pdsch);
        if (!req.n_pdsch) continue;
        sib1++;
        if (last >= 0) ck_assert_int_eq((int)slot - last, 20);
        last = (int)slot;
        ck_assert(cell_geometry_type0_in_slot(&g, 0, req.sfn, req.slot_in_frame));
        ck_assert_int_eq(req.pdsch[0].codeword, PHY_DL_CW_SIB1);
        ck_assert_int_eq(req.pdsch[0].grant.slot, req.slot_in_frame);
        ck_assert_int_eq(req.pdcch[0].rnti, 0xFFFF);
        ck_assert_int_eq(req.pdcch[0].n_rnti, 0);
        ck_assert_mem_eq(req.pdcch[0].dci, sc.sib1_plan.dci_bits, (size_t)sc.sib1_plan.dci_len);
        for (int i = 0; i < req.n_ssb; i++) {
            int l0 = req.ssb[i].first_symbol, s0 = req.pdsch[0].grant.start_symbol;
            bool same_time = l0 < s0 + req.pdsch[0].grant.nof_symbols && s0 < l0 + 4;
            int k0 = 12 * req.pdsch[0].grant.crb_start, k1 = k0 + 12 * req.pdsch[0].grant.nof_rb;
            bool same_freq = g.ssb_first_subcarrier < k1 && k0 < g.ssb_first_subcarrier + 240;
            ck_assert(!(same_time && same_freq));
        }
    }
    ck_assert_int_eq(sib1, 512);
}
END_TEST

/* config_load() result and its error text for a cell line (the geometry hook registered, as in gnbd). */
static int load(const char *cell, char *errors, size_t len)
{
    char text[768];
    snprintf(text, sizeof text, "cell = { pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; mcc = \"001\";"
             " mnc = \"01\"; %s };", cell);
    static struct gnbd_config cfg;
    FILE *f = fmemopen(errors, len, "w");
    int rc = config_load_string(&cfg, text, "x.conf", f);
    fclose(f);
    return rc;
}

/* gnbd --check-config's verdicts: searchSpaceZero rows whose occasion starts after symbol 0 for srsUE, a 3-symbol
 * CORESET#0 for srsUE, and (without srsUE) an occasion that leaves no default-table-A row after CORESET#0. */
START_TEST(check_config_rejects_impossible_sib1_combinations)
{
    config_geometry_register();
    char e[2048];
    for (int ss0 = 0; ss0 < 16; ss0++) {
        char cell[128];
        snprintf(cell, sizeof cell, "coreset0_index = 6; searchspace0_index = %d;", ss0);
        memset(e, 0, sizeof e);
        int rc = load(cell, e, sizeof e);
        ck_assert_msg((rc == 0) == (ss0 <= 9), "ss0 %d: rc %d: %s", ss0, rc, e);
        if (rc) ck_assert_ptr_nonnull(strstr(e, "cell.searchspace0_index: SIB1 cannot be broadcast"));
    }
    memset(e, 0, sizeof e);
    ck_assert_int_gt(load("coreset0_index = 10; searchspace0_index = 0;", e, sizeof e), 0);   /* 48 RB x 3 sym */
    ck_assert_ptr_nonnull(strstr(e, "cell.coreset0_index"));
    ck_assert_ptr_nonnull(strstr(e, "pos3"));
    memset(e, 0, sizeof e);
    /* Row 11 starts at symbol 2; after a 1-symbol CORESET#0 the PDSCH would start at 3: no pos2 row does. */
    ck_assert_int_gt(load("coreset0_index = 6; searchspace0_index = 11; srsue_compatible = false;", e, sizeof e), 0);
    ck_assert_ptr_nonnull(strstr(e, "cell.searchspace0_index"));
    ck_assert_ptr_nonnull(strstr(e, "default table A"));
    memset(e, 0, sizeof e);
    ck_assert_int_eq(load("coreset0_index = 6; searchspace0_index = 10; srsue_compatible = false;", e, sizeof e), 0);
}
END_TEST

static Suite *sched_sib1_suite(void)
{
    Suite *s = suite_create("sched_sib1");
    TCase *t = tcase_create("plan");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, sweep_searchspace0_x_coreset0_plans_are_sound);
    tcase_add_test(t, both_occasion_slots_with_ssb_put_pdsch_beside_the_block);
    tcase_add_test(t, bad_inputs_are_refused_with_the_input_named);
    suite_add_tcase(s, t);
    TCase *sc = tcase_create("scheduler");
    tcase_add_test(sc, sched_common_sends_sib1_every_20ms_clear_of_the_ssb);
    suite_add_tcase(s, sc);
    TCase *cc = tcase_create("check_config");
    tcase_add_test(cc, check_config_rejects_impossible_sib1_combinations);
    suite_add_tcase(s, cc);
    return s;
}

int main(void)
{
    return check_run(sched_sib1_suite());
}
