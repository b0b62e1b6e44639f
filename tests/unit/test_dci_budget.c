/* The DCI size budget of 38.212 7.3.1.0 (at most 3 sizes with C-RNTI, 4 in all; 38.213 10.1) for the RRCSetups of
 * real configurations: 15 kHz FDD at 5/10/20 MHz (25/52/106 PRB, CORESET#0 of 24/48/96 RBs) and 30 kHz TDD n78 at
 * 20/40/100 MHz (51/106/273 PRB, CORESET#0 of 24/48/48 RBs), through gnbd's own path (rrc_config_dci, which gnbd runs at
 * start and refuses to start on -E2BIG). With a UE-specific 0_0/1_0 search space put back beside the 0_1/1_1 one
 * (the old SS#2), the check fails wherever that space's 0_0/1_0 (over the BWP) and the common one (over
 * CORESET#0) differ in size: 4 C-RNTI sizes. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config.h"
#include "gnb/rrc_config.h"
#include "phy/geometry/cell_geometry.h"
#include "tests/unit/check_run.h"

#define TDD "duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"

static const struct {
    const char *cell;
    int prb, cs0_rb;
    bool over_with_ss2; /* 0_0/1_0 over the BWP has another size than over CORESET#0 */
} cases[] = {
    {"band = 3; dl_arfcn = 368500; bandwidth_mhz = 5; coreset0_index = 0;", 25, 24, false},
    {"band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; coreset0_index = 6;", 52, 48, false},
    {"band = 3; dl_arfcn = 368500; bandwidth_mhz = 20; coreset0_index = 6;", 106, 48, true},
    {"band = 3; dl_arfcn = 368500; bandwidth_mhz = 20; coreset0_index = 12;", 106, 96, false},
    {"band = 78; dl_arfcn = 632628; scs_khz = 30; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false; "
     "prach_config_index = 159; " TDD, 51, 24, true},
    {"band = 78; dl_arfcn = 650000; scs_khz = 30; bandwidth_mhz = 40; coreset0_index = 12; srsue_compatible = false; "
     "prach_config_index = 159; " TDD, 106, 48, true},
    {"band = 78; dl_arfcn = 650000; scs_khz = 30; bandwidth_mhz = 100; coreset0_index = 12; srsue_compatible = false; "
     "prach_config_index = 159; " TDD, 273, 48, true},
};

static void load_case(int i, struct gnbd_config *cfg)
{
    char text[1024];
    snprintf(text, sizeof text, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; %s };\n", cases[i].cell);
    ck_assert_msg(config_load_string(cfg, text, "conf/x.conf", stderr) == 0, "case %d does not load", i);
    struct cell_geometry g;
    ck_assert_int_eq(config_cell_geometry(cfg, &g), 0);
    ck_assert_int_eq(g.nof_prb, cases[i].prb);
    ck_assert_msg(g.coreset0.nof_rb == cases[i].cs0_rb, "case %d: CORESET#0 %d RB", i, g.coreset0.nof_rb);
}

/* gnbd's RRCSetup: 3 C-RNTI sizes everywhere (common 0_0/1_0, USS 1_1, USS 0_1), at most 4 in all. */
START_TEST(rrcsetup_within_budget)
{
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        struct gnbd_config cfg;
        load_case(i, &cfg);
        struct dci_1_1_config c11;
        struct dci_0_1_config c01;
        struct rrc_dci_budget b;
        ck_assert_msg(rrc_config_dci(&cfg, &c11, &c01, &b) == 0, "case %d (%d PRB)", i, cases[i].prb);
        ck_assert_int_eq(b.c_rnti_sizes, 3);
        ck_assert_int_le(b.total_sizes, 4);
        ck_assert_int_eq(c11.n_rb_bwp, cases[i].prb);
        ck_assert_int_eq(c01.n_rb_bwp, cases[i].prb);
        printf("%3d PRB, CORESET#0 %2d RB:", cases[i].prb, cases[i].cs0_rb);
        for (int k = 0; k < b.n; k++) printf(" %s %d", b.e[k].what, b.e[k].bits);
        printf(" -> %d C-RNTI sizes, %d in all\n", b.c_rnti_sizes, b.total_sizes);
    }
}
END_TEST

/* The same RRCSetups with the old SS#2 (UE-specific, 0_0/1_0) back: over the budget where the sizes differ. */
START_TEST(ss2_put_back_breaks_budget)
{
    static struct rrc_dl_ccch_msg m;
    int over = 0;
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        struct gnbd_config cfg;
        load_case(i, &cfg);
        struct rrc_setup_cell_desc d;
        ck_assert_int_eq(rrc_config_setup_desc(&cfg, &d), 0);
        d.ue.f1_prb = d.nof_prb - 1;
        d.ue.f2_prb = d.nof_prb - 2;
        ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &m), 0);
        const struct rrc_cell_group_config *cg = &m.setup.master_cell_group;
        struct rrc_serving_cell_config sc = cg->sp_cell.dedicated;
        struct rrc_dci_budget b;
        ck_assert_int_eq(rrc_dci_budget(&sc, cases[i].prb, cases[i].cs0_rb, cg->phy.harq_ack_codebook_dynamic, &b), 0);
        sc.pdcch.ss[1] = sc.pdcch.ss[0]; /* SS#3: 0_1/1_1; SS#2: 0_0/1_0 again */
        sc.pdcch.ss[1].id = 3;
        sc.pdcch.ss[0].ue_dci_formats_0_1_and_1_1 = false;
        sc.pdcch.nof_search_spaces = 2;
        int rc = rrc_dci_budget(&sc, cases[i].prb, cases[i].cs0_rb, cg->phy.harq_ack_codebook_dynamic, &b);
        ck_assert_msg(rc == (cases[i].over_with_ss2 ? -E2BIG : 0), "case %d (%d PRB): %d", i, cases[i].prb, rc);
        ck_assert_int_eq(b.c_rnti_sizes, cases[i].over_with_ss2 ? 4 : 3);
        over += rc == -E2BIG;
    }
    ck_assert_int_eq(over, 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dci_budget");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rrcsetup_within_budget);
    tcase_add_test(tc, ss2_put_back_breaks_budget);
    suite_add_tcase(s, tc);
    return check_run(s);
}
