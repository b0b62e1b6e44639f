/* Unit tests for phy/fec/tbs (38.214 5.1.3.1, 5.1.3.2): MCS table rows checked against the spec and the PDSCH
 * reference manifest, Table 5.1.3.2-1's shape, hand-computed TBS values through every branch of 5.1.3.2 (table
 * lookup, R <= 1/4 with C from 3816, N' > 8424 with C from 8424, one code block, TB scaling, two layers), the TBS
 * of every tests/vectors/pdsch case, and rejection of impossible inputs. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/tbs.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define PDSCH_DIR "tests/vectors/pdsch"

START_TEST(test_mcs_rows_from_the_spec)
{
    static const struct {
        enum tbs_mcs_table t;
        int mcs, qm;
        double r;
    } rows[] = {
        { TBS_MCS_TABLE_64QAM, 0, 2, 120 },      { TBS_MCS_TABLE_64QAM, 9, 2, 679 },
        { TBS_MCS_TABLE_64QAM, 10, 4, 340 },     { TBS_MCS_TABLE_64QAM, 17, 6, 438 },
        { TBS_MCS_TABLE_64QAM, 28, 6, 948 },     { TBS_MCS_TABLE_256QAM, 20, 8, 682.5 },
        { TBS_MCS_TABLE_256QAM, 26, 8, 916.5 },  { TBS_MCS_TABLE_256QAM, 27, 8, 948 },
        { TBS_MCS_TABLE_256QAM, 5, 4, 378 },     { TBS_MCS_TABLE_64QAM_LOW, 0, 2, 30 },
        { TBS_MCS_TABLE_64QAM_LOW, 15, 4, 340 }, { TBS_MCS_TABLE_64QAM_LOW, 28, 6, 772 },
    };
    struct tbs_mcs m;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ck_assert_int_eq(tbs_mcs_lookup(rows[i].t, rows[i].mcs, &m), 0);
        ck_assert_msg(m.qm == rows[i].qm && m.r_x1024 == rows[i].r && !m.reserved, "table %d mcs %d", rows[i].t,
                      rows[i].mcs);
    }
    /* Reserved rows: 29-31 (64QAM tables) and 28-31 (256QAM) carry Q_m only. */
    for (int mcs = 28; mcs < 32; mcs++) {
        ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_256QAM, mcs, &m), 0);
        ck_assert(m.reserved && m.qm == 2 * (mcs - 27));
        ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, mcs, &m), 0);
        ck_assert(m.reserved == (mcs >= 29));
    }
    /* Within each table Q_m never decreases, and R rises while Q_m stays. */
    for (int t = 0; t < 3; t++) {
        struct tbs_mcs prev = { 0 };
        for (int mcs = 0; mcs < 32; mcs++) {
            ck_assert_int_eq(tbs_mcs_lookup((enum tbs_mcs_table)t, mcs, &m), 0);
            if (m.reserved)
                break;
            ck_assert_int_ge(m.qm, prev.qm);
            if (m.qm == prev.qm)
                ck_assert(m.r_x1024 > prev.r_x1024);
            prev = m;
        }
    }
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, 32, &m), -EINVAL);
    ck_assert_int_eq(tbs_mcs_lookup((enum tbs_mcs_table)3, 0, &m), -EINVAL);
}
END_TEST

START_TEST(test_small_tbs_table_shape)
{
    ck_assert_int_eq(tbs_table_small[0], 24);
    ck_assert_int_eq(tbs_table_small[TBS_TABLE_SIZE - 1], 3824);
    for (int i = 0; i < TBS_TABLE_SIZE; i++) {
        ck_assert_int_eq(tbs_table_small[i] % 8, 0);
        if (i)
            ck_assert_int_gt(tbs_table_small[i], tbs_table_small[i - 1]);
    }
}
END_TEST

static int tbs_of(int n_prb, int n_symb, int n_dmrs, int layers, int qm, double r, int scaling)
{
    struct tbs_cfg cfg = { .n_prb = n_prb, .n_symb_sh = n_symb, .n_dmrs_prb = n_dmrs, .layers = layers, .qm = qm,
                           .r_x1024 = r, .tb_scaling = scaling };
    return tbs_compute(&cfg);
}

START_TEST(test_tbs_by_hand_through_every_branch)
{
    /* 4 PRB x (144 - 36) REs, QPSK R 120: N_info = 101.25 -> n = 3 -> N' = 96 -> table 96. */
    ck_assert_int_eq(tbs_of(4, 12, 36, 1, 2, 120, 0), 96);
    /* Same with TB scaling S = 0.5: N_info = 50.6 -> N' = 48 -> 48. And S = 0.25: 25.3 -> 24 -> 24. */
    ck_assert_int_eq(tbs_of(4, 12, 36, 1, 2, 120, 1), 48);
    ck_assert_int_eq(tbs_of(4, 12, 36, 1, 2, 120, 2), 24);
    /* 6 PRB x 132, QPSK 308: N_info = 476.4 -> n = 3 -> N' = 472 -> next table entry 480. */
    ck_assert_int_eq(tbs_of(6, 13, 24, 1, 2, 308, 0), 480);
    /* R <= 1/4 past 3824: 273 PRB x 156, QPSK 120: N_info = 9981.6 -> n = 8 -> N' = 256 x 39 = 9984,
     * C = ceil(10008 / 3816) = 3 -> 24 ceil(10008 / 24) - 24 = 9984. */
    ck_assert_int_eq(tbs_of(273, 14, 12, 1, 2, 120, 0), 9984);
    /* N' > 8424: 42 PRB x 150, 64QAM 567, 2 layers: N_info = 41860.5 -> n = 10 -> N' = 41984,
     * C = ceil(42008 / 8424) = 5 -> 40 ceil(42008 / 40) - 24 = 42016. */
    ck_assert_int_eq(tbs_of(42, 13, 6, 2, 6, 567, 0), 42016);
    /* One code block: 25 PRB x 120, 16QAM 490: N_info = 5742.2 -> n = 7 -> N' = 5760 -> 8 ceil(5784 / 8) - 24. */
    ck_assert_int_eq(tbs_of(25, 12, 24, 1, 4, 490, 0), 5760);
    /* N_RE is capped at 156 per PRB: 14 symbols without DM-RS count as 13. */
    ck_assert_int_eq(tbs_of(10, 14, 0, 1, 2, 449, 0), tbs_of(10, 13, 0, 1, 2, 449, 0));
}
END_TEST

START_TEST(test_tbs_of_every_pdsch_reference_case)
{
    FILE *mf = vector_manifest_open(PDSCH_DIR);
    ck_assert_msg(mf != NULL, "cannot open " PDSCH_DIR "/cases.tsv");
    char line[4096], *fld[26];
    int cases = 0;
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 26) != 26)
            continue;
        enum tbs_mcs_table t = strcmp(fld[10], "256qam") == 0 ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM;
        struct tbs_mcs m;
        ck_assert_int_eq(tbs_mcs_lookup(t, atoi(fld[11]), &m), 0);
        ck_assert_int_eq(m.qm, atoi(fld[12]));
        ck_assert_msg(fabs(m.r_x1024 / 1024 - atof(fld[13])) < 1e-4, "case %s: R %g", fld[0], m.r_x1024 / 1024);
        /* N_DMRS^PRB: DM-RS symbols x CDM groups without data x REs per group (type 1: 6, type 2: 4). */
        int n_dmrs_sym = 1;
        for (const char *p = fld[20]; *p; p++)
            n_dmrs_sym += *p == ',';
        int per_group = atoi(fld[17]) == 1 ? 6 : 4;
        struct tbs_cfg cfg = { .n_prb = atoi(fld[7]), .n_symb_sh = atoi(fld[9]),
                               .n_dmrs_prb = n_dmrs_sym * atoi(fld[21]) * per_group, .layers = 1, .qm = m.qm,
                               .r_x1024 = m.r_x1024 };
        ck_assert_msg(tbs_compute(&cfg) == atoi(fld[14]), "case %s (%s): TBS %d, manifest %s", fld[0], fld[1],
                      tbs_compute(&cfg), fld[14]);
        cases++;
    }
    fclose(mf);
    ck_assert_int_eq(cases, 7);
}
END_TEST

START_TEST(test_impossible_allocations_are_rejected)
{
    ck_assert_int_eq(tbs_of(0, 12, 12, 1, 2, 120, 0), -EINVAL);
    ck_assert_int_eq(tbs_of(10, 15, 12, 1, 2, 120, 0), -EINVAL);
    ck_assert_int_eq(tbs_of(10, 1, 12, 1, 2, 120, 0), -EINVAL); /* DM-RS takes every RE */
    ck_assert_int_eq(tbs_of(10, 12, 12, 0, 2, 120, 0), -EINVAL);
    ck_assert_int_eq(tbs_of(10, 12, 12, 1, 2, 0, 0), -EINVAL);  /* a reserved MCS row has no R */
    ck_assert_int_eq(tbs_of(10, 12, 12, 1, 2, 120, 3), -EINVAL);
}
END_TEST

static Suite *tbs_suite(void)
{
    Suite *s = suite_create("tbs");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_mcs_rows_from_the_spec);
    tcase_add_test(tc, test_small_tbs_table_shape);
    tcase_add_test(tc, test_tbs_by_hand_through_every_branch);
    tcase_add_test(tc, test_tbs_of_every_pdsch_reference_case);
    tcase_add_test(tc, test_impossible_allocations_are_rejected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(tbs_suite());
}
