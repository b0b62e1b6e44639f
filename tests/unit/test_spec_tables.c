/* gnbd's 3GPP tables against the same tables typed in again as test data (tests/vectors/spec_tables/, loaded with
 * tests/unit/spec_tables.h; where each file comes from is in tests/vectors/README.md). The UE simulator and the
 * downlink round trips read gnbd's own tables on both sides, so a wrong row would pass them; these tests compare
 * every row the code has, through its public functions, with the typed rows.
 *
 * Covered: 38.213 Tables 13-1..13-6 (cell_geometry_coreset0_row), 13-11 (cell_geometry_type0_row, and the
 * occasions of cell_geometry_type0_occasion_for against the 38.213 13 formula over the typed O and M), 38.214
 * Table 5.1.2.1.1-2 (pdsch_tdra_default_a) and Table 5.1.2.1.1-1's row for SI-RNTI in the Type0 CSS (the SIB1
 * plan's DCI row read in the typed table A gives the plan's PDSCH).
 * Not covered, because gnbd has no code for them yet: the FR2 tables 13-7..13-10 and 13-12..13-15 (the test
 * checks the code still refuses them, and compares them too once it stops refusing), 38.214 Tables 5.1.2.1.1-3
 * (extended CP), -4 (B), -5 (C) and the other rows of 5.1.2.1.1-1, and the uplink tables (38.211 6.3.3.1-3/-4/
 * -5/-7, 6.3.3.2-2/-3, 38.213 9.2.1-1, 38.214 6.1.2.1.1-2/-4/-5), which are only loaded and checked for shape
 * here until the PRACH/PUCCH/PUSCH code lands. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mac/sched_sib1.h"
#include "phy/ch/pdsch.h"
#include "phy/geometry/cell_geometry.h"
#include "tests/unit/check_run.h"
#include "tests/unit/spec_tables.h"

static void load(struct spec_table *t, const char *file, int nrows)
{
    int rc = spec_table_load(t, file);
    ck_assert_msg(rc == 0, "%s: load failed (%d)", file, rc);
    ck_assert_msg(t->nrows == nrows, "%s: %d rows, expected %d", file, t->nrows, nrows);
}

/* An integer field that must be present. */
static int num(const struct spec_table *t, int row, const char *col)
{
    int v = 0, rc = spec_table_int(t, row, col, &v);
    ck_assert_msg(rc == 0, "row %d column %s: '%s' is not a number", row, col, spec_table_str(t, row, col));
    return v;
}

/* "1/2", "1", "2" -> 2M. */
static int twice_m(const char *s)
{
    if (strcmp(s, "1/2") == 0)
        return 1;
    return 2 * atoi(s);
}

/* ---- 38.213 Tables 13-1 .. 13-10 ---- */

START_TEST(coreset0_tables_13_1_to_13_10)
{
    struct spec_table t;
    load(&t, "38213_tables_13_1_to_13_10_coreset0.tsv", 160);
    int checked = 0, fr2_refused = 0;
    for (int r = 0; r < t.nrows; r++) {
        const char *table = spec_table_str(&t, r, "table");
        int ssb = num(&t, r, "ssb_scs_khz"), pdcch = num(&t, r, "pdcch_scs_khz"), index = num(&t, r, "index");
        int pattern = num(&t, r, "pattern"), min_bw = 0;
        bool fr1 = ssb <= 30;
        spec_table_int(&t, r, "min_bw_mhz", &min_bw);
        struct coreset0_row got;
        int rc = cell_geometry_coreset0_row(ssb, pdcch, min_bw == 40, index, &got);
        if (pattern == 0) {
            ck_assert_msg(rc == -EINVAL, "Table %s index %d is Reserved, the code gives a row", table, index);
            continue;
        }
        if (!fr1 && rc == -EINVAL) {   /* FR2: no code yet */
            fr2_refused++;
            continue;
        }
        ck_assert_msg(rc == 0, "Table %s index %d: the code refuses a row the spec has", table, index);
        int off0 = num(&t, r, "offset_kssb0"), off1 = num(&t, r, "offset_kssb_pos");
        ck_assert_msg(off0 == off1, "Table %s index %d: k_SSB dependent offset, not expected in FR1", table, index);
        ck_assert_msg(got.mux_pattern == pattern && got.nof_rb == num(&t, r, "n_rb") &&
                      got.nof_symb == num(&t, r, "n_symb") && got.offset_rb == off0,
                      "Table %s index %d: code {%d, %d, %d, %d}, spec {%d, %d, %d, %d}", table, index,
                      got.mux_pattern, got.nof_rb, got.nof_symb, got.offset_rb, pattern, num(&t, r, "n_rb"),
                      num(&t, r, "n_symb"), off0);
        checked++;
    }
    /* 13-1: 15 rows, 13-2: 14, 13-3: 9, 13-4: 16, 13-5: 9, 13-6: 10 */
    ck_assert_int_eq(checked, 73);
    printf("coreset0: %d FR1 rows equal to 38.213 Tables 13-1..13-6, reserved rows refused; %d FR2 rows (13-7..13-10)"
           " not implemented\n", checked, fr2_refused);
    spec_table_free(&t);
}
END_TEST

/* ---- 38.213 Tables 13-11 .. 13-15 ---- */

START_TEST(type0_table_13_11)
{
    struct spec_table t;
    load(&t, "38213_tables_13_11_13_12_type0_pattern1.tsv", 32);
    int rows = 0, occasions = 0;
    for (int r = spec_table_find(&t, 0, "table", "13-11"); r >= 0; r = spec_table_find(&t, r + 1, "table", "13-11")) {
        int index = num(&t, r, "index");
        const char *o_text = spec_table_str(&t, r, "O"), *m_text = spec_table_str(&t, r, "M");
        const char *odd = spec_table_str(&t, r, "first_symbol_odd");
        int o = num(&t, r, "O"), m2 = twice_m(m_text), even = num(&t, r, "first_symbol_even");
        struct type0_ss_row got;
        ck_assert_int_eq(cell_geometry_type0_row(index, &got), 0);
        int want_first = strcmp(odd, "N") == 0 ? -1 : even;   /* the code's -1: 0 / N_symb^CORESET by i */
        if (strcmp(odd, "N") != 0)
            ck_assert_int_eq(num(&t, r, "first_symbol_odd"), even);
        ck_assert_msg(got.o == o && got.sets_per_slot == num(&t, r, "sets_per_slot") && got.m2 == m2 &&
                      got.first_symbol == want_first,
                      "Table 13-11 index %d: code {O %d, sets %d, 2M %d, first %d}, spec {O %s, sets %d, M %s, %d/%s}",
                      index, got.o, got.sets_per_slot, got.m2, got.first_symbol, o_text,
                      num(&t, r, "sets_per_slot"), m_text, even, odd);
        rows++;
        /* 38.213 13: n0 = (O 2^mu + floor(i M)) mod N_slot^frame,mu; SFN parity from the quotient; first symbol 0
         * for even i, the odd column (N = N_symb^CORESET) for odd i. */
        for (int mu = 0; mu <= 1; mu++)
            for (int nsymb = 1; nsymb <= 3; nsymb++)
                for (int i = 0; i < 8; i++) {
                    struct type0_occasion occ;
                    ck_assert_int_eq(cell_geometry_type0_occasion_for(&got, mu, nsymb, i, &occ), 0);
                    int v = (o << mu) + i * m2 / 2, slots = 10 << mu;
                    int sym = i % 2 == 0 ? even : (strcmp(odd, "N") == 0 ? nsymb : num(&t, r, "first_symbol_odd"));
                    ck_assert_msg(occ.n0 == v % slots && occ.sfn_parity == (v / slots) % 2 &&
                                  occ.first_symbol == sym && occ.nof_symbols == nsymb,
                                  "Table 13-11 index %d mu %d N_symb %d i %d: n0 %d parity %d symbol %d", index, mu,
                                  nsymb, i, occ.n0, occ.sfn_parity, occ.first_symbol);
                    occasions++;
                }
    }
    ck_assert_int_eq(rows, 16);
    /* FR2 (Table 13-12, mu 3): not implemented; the code must refuse rather than give FR1 occasions. */
    struct type0_ss_row any;
    struct type0_occasion occ;
    ck_assert_int_eq(cell_geometry_type0_row(0, &any), 0);
    ck_assert_int_eq(cell_geometry_type0_occasion_for(&any, 3, 2, 0, &occ), -EINVAL);
    ck_assert_int_eq(cell_geometry_type0_row(16, &any), -EINVAL);
    printf("type0: %d rows equal to 38.213 Table 13-11, %d occasions equal to the 38.213 13 formula\n", rows,
           occasions);
    spec_table_free(&t);
}
END_TEST

/* ---- 38.214 Tables 5.1.2.1.1-2 and 5.1.2.1.1-1 ---- */

START_TEST(pdsch_default_table_a)
{
    struct spec_table t;
    load(&t, "38214_tables_5_1_2_1_1_2_to_5_pdsch_tdra_default.tsv", 128);
    int checked = 0;
    for (int r = spec_table_find(&t, 0, "table", "A"); r >= 0; r = spec_table_find(&t, r + 1, "table", "A")) {
        int row = num(&t, r, "row"), pos = num(&t, r, "dmrs_pos");
        const char *map = spec_table_str(&t, r, "mapping");
        struct pdsch_time_alloc ta;
        ck_assert_int_eq(pdsch_tdra_default_a(row - 1, pos, &ta), 0);
        enum pdsch_mapping_type want = strcmp(map, "A") == 0 ? PDSCH_MAPPING_TYPE_A : PDSCH_MAPPING_TYPE_B;
        ck_assert_msg(ta.mapping == want && ta.k0 == num(&t, r, "k0") && ta.start_symbol == num(&t, r, "S") &&
                      ta.nof_symbols == num(&t, r, "L"),
                      "Table 5.1.2.1.1-2 row %d pos %d: code {%s, K0 %d, S %d, L %d}, spec {%s, %d, %d, %d}", row, pos,
                      ta.mapping == PDSCH_MAPPING_TYPE_A ? "A" : "B", ta.k0, ta.start_symbol, ta.nof_symbols, map,
                      num(&t, r, "k0"), num(&t, r, "S"), num(&t, r, "L"));
        checked++;
    }
    ck_assert_int_eq(checked, 32);
    struct pdsch_time_alloc ta;
    ck_assert_int_eq(pdsch_tdra_default_a(16, 2, &ta), -EINVAL);
    ck_assert_int_eq(pdsch_tdra_default_a(-1, 2, &ta), -EINVAL);
    ck_assert_int_eq(pdsch_tdra_default_a(0, 1, &ta), -EINVAL);
    printf("pdsch: %d (row, dmrs-TypeA-Position) entries equal to 38.214 Table 5.1.2.1.1-2\n", checked);
    spec_table_free(&t);
}
END_TEST

/* The table 38.214 Table 5.1.2.1.1-1 names for SI-RNTI in the Type0 CSS with multiplexing pattern 1. */
static const char *applicable_table_sib1(void)
{
    struct spec_table t;
    static char name[16];
    load(&t, "38214_table_5_1_2_1_1_1_pdsch_tdra_applicable.tsv", 18);
    name[0] = '\0';
    for (int r = 0; r < t.nrows; r++)
        if (strstr(spec_table_str(&t, r, "rnti"), "SI-RNTI") &&
            strcmp(spec_table_str(&t, r, "search_space"), "Type0") == 0 &&
            strcmp(spec_table_str(&t, r, "pattern"), "1") == 0)
            snprintf(name, sizeof(name), "%s", spec_table_str(&t, r, "table"));
    spec_table_free(&t);
    return name;
}

/* The SIB1 plan's DCI row, read the way 38.214 5.1.2.1.1 says (Table 5.1.2.1.1-1 -> the typed default table, row
 * m + 1 for the UE's dmrs-TypeA-Position) must be the plan's PDSCH; over CORESET#0 rows of 1, 2 and 3 symbols and
 * both positions. */
START_TEST(sib1_pdsch_row_as_the_spec_reads_it)
{
    const char *which = applicable_table_sib1();
    ck_assert_str_eq(which, "A");
    struct spec_table t;
    load(&t, "38214_tables_5_1_2_1_1_2_to_5_pdsch_tdra_default.tsv", 128);
    /* band n3, 20 MHz, 15 kHz: controlResourceSetZero 6 (48 RB, 1 symbol), 0 (24 RB, 2), 10 (48 RB, 3) */
    static const struct { int coreset0, pos; } cells[] = {{6, 2}, {0, 2}, {6, 3}, {0, 3}, {10, 3}};
    for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
        struct cell_geometry_input in = {.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = 20,
                                         .coreset0_index = cells[k].coreset0, .searchspace0_index = 0,
                                         .dmrs_type_a_position = cells[k].pos};
        struct sched_sib1_config c = {.pci = 1, .sib1_len = 78, .mcs = 5, .al = 8};
        ck_assert_int_eq(cell_geometry_derive(&in, &c.geo, NULL), 0);
        c.burst = (struct ssb_burst_config){.scs_khz = 15, .pattern = c.geo.ssb_pattern, .l_max = c.geo.ssb_l_max,
                                            .positions_in_burst = 1, .period_ms = 20};
        struct sched_sib1_plan p;
        const char *key = NULL;
        char why[256];
        ck_assert_msg(sched_sib1_plan(&c, &p, &key, why, sizeof(why)) == 0, "CORESET#0 %d: %s", cells[k].coreset0,
                      why);
        char row[8], pos[8];
        snprintf(row, sizeof(row), "%u", p.dci.time_domain_assignment + 1);
        snprintf(pos, sizeof(pos), "%d", cells[k].pos);
        int r = -1;
        for (int i = spec_table_find(&t, 0, "table", which); i >= 0 && r < 0;
             i = spec_table_find(&t, i + 1, "table", which))
            if (strcmp(spec_table_str(&t, i, "row"), row) == 0 && strcmp(spec_table_str(&t, i, "dmrs_pos"), pos) == 0)
                r = i;
        ck_assert_msg(r >= 0, "DCI row %s is not in table %s", row, which);
        ck_assert_int_eq(p.tdra_row + 1, num(&t, r, "row"));
        ck_assert_str_eq(spec_table_str(&t, r, "mapping"), "A");   /* the plan only sends type A (pdsch.h) */
        ck_assert_int_eq(num(&t, r, "k0"), 0);                      /* the PDSCH is in the PDCCH's slot */
        ck_assert_int_eq(num(&t, r, "si_type0_excluded"), 0);
        ck_assert_int_eq(p.grant.mapping, PDSCH_MAPPING_TYPE_A);
        ck_assert_int_eq(p.grant.start_symbol, num(&t, r, "S"));
        ck_assert_int_eq(p.grant.nof_symbols, num(&t, r, "L"));
        ck_assert_int_ge(p.grant.start_symbol, c.geo.coreset0.nof_symb);   /* after CORESET#0 */
    }
    spec_table_free(&t);
}
END_TEST

/* ---- tables loaded for code that does not exist yet: shape and ranges only ---- */

/* Rows index 0..n-1 in column `col`, each a permutation entry of 1..n with u and L - u side by side. */
static void check_root_table(const char *file, int n)
{
    struct spec_table t;
    load(&t, file, n);
    char *seen = calloc((size_t)n + 1, 1);
    for (int r = 0; r < n; r++) {
        int u = num(&t, r, "u");
        ck_assert_int_eq(num(&t, r, "i"), r);
        ck_assert(u >= 1 && u <= n && !seen[u]);
        seen[u] = 1;
        if (r % 2 == 1)
            ck_assert_int_eq(u + num(&t, r - 1, "u"), n + 1);
    }
    free(seen);
    spec_table_free(&t);
}

static void check_increasing(const struct spec_table *t, const char *col, int expect_values, int max)
{
    int prev = -1, n = 0, v;
    for (int r = 0; r < t->nrows; r++) {
        if (spec_table_int(t, r, col, &v) == -ENOENT)
            continue;
        v = num(t, r, col);
        ck_assert_msg(v > prev && v <= max, "%s row %d: %d", col, r, v);
        prev = v;
        n++;
    }
    ck_assert_int_eq(n, expect_values);
}

static void check_prach_configs(const char *file)
{
    static const char *const formats[] = {"0", "1", "2", "3", "A1", "A2", "A3", "B1", "B4", "C0", "C2",
                                          "A1/B1", "A2/B2", "A3/B3"};
    struct spec_table t;
    load(&t, file, 256);
    for (int r = 0; r < 256; r++) {
        const char *f = spec_table_str(&t, r, "format");
        bool known = false, long_fmt = strlen(f) == 1;
        for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++)
            known |= strcmp(f, formats[k]) == 0;
        ck_assert_msg(known, "%s index %d: format %s", file, r, f);
        ck_assert_int_eq(num(&t, r, "index"), r);
        int x = num(&t, r, "x"), ys[4], sf[10];
        ck_assert(x == 1 || x == 2 || x == 4 || x == 8 || x == 16);
        int ny = spec_table_list(&t, r, "y", ys, 4), nsf = spec_table_list(&t, r, "subframes", sf, 10);
        ck_assert(ny >= 1 && nsf >= 1);
        for (int k = 0; k < ny; k++)
            ck_assert(ys[k] >= 0 && ys[k] < x);
        for (int k = 0; k < nsf; k++)
            ck_assert(sf[k] >= 0 && sf[k] <= 9 && (k == 0 || sf[k] > sf[k - 1]));
        int start = num(&t, r, "start_symbol"), dur = num(&t, r, "duration"), slots, occ;
        ck_assert(start >= 0 && start <= 13);
        if (long_fmt) {
            ck_assert_int_eq(dur, 0);
            ck_assert_int_eq(spec_table_int(&t, r, "slots_per_subframe", &slots), -ENOENT);
            ck_assert_int_eq(spec_table_int(&t, r, "occasions_per_slot", &occ), -ENOENT);
        } else {
            slots = num(&t, r, "slots_per_subframe");
            occ = num(&t, r, "occasions_per_slot");
            ck_assert(slots == 1 || slots == 2);
            ck_assert(dur == 2 || dur == 4 || dur == 6 || dur == 12);
            ck_assert_msg(start + occ * dur <= 14, "%s index %d: occasions beyond the slot", file, r);
        }
    }
    spec_table_free(&t);
}

START_TEST(tables_without_code_load)
{
    struct spec_table t;
    check_root_table("38211_table_6_3_3_1_3_root_l839.tsv", 838);
    check_root_table("38211_table_6_3_3_1_4_root_l139.tsv", 138);
    load(&t, "38211_table_6_3_3_1_5_ncs_1p25khz.tsv", 16);
    check_increasing(&t, "unrestricted", 16, 419);
    check_increasing(&t, "restricted_a", 15, 237);
    check_increasing(&t, "restricted_b", 13, 137);
    ck_assert_int_eq(num(&t, 0, "unrestricted"), 0);
    spec_table_free(&t);
    load(&t, "38211_table_6_3_3_1_7_ncs_l139.tsv", 16);
    check_increasing(&t, "ncs", 16, 69);
    spec_table_free(&t);
    check_prach_configs("38211_table_6_3_3_2_2_prach_fr1_paired.tsv");
    check_prach_configs("38211_table_6_3_3_2_3_prach_fr1_unpaired.tsv");

    load(&t, "38213_table_9_2_1_1_pucch_common.tsv", 16);
    for (int r = 0; r < 16; r++) {
        int cs[4], n = spec_table_list(&t, r, "initial_cs", cs, 4), off = 0;
        ck_assert_int_eq(num(&t, r, "index"), r);
        ck_assert(num(&t, r, "format") == (r < 3 ? 0 : 1));
        ck_assert_int_eq(num(&t, r, "first_symbol") + num(&t, r, "nof_symbols"), 14);
        ck_assert(n >= 2 && n <= 4);
        for (int k = 0; k < n; k++)
            ck_assert(cs[k] >= 0 && cs[k] < 12);
        ck_assert(r == 15 ? spec_table_int(&t, r, "prb_offset", &off) == -EINVAL : num(&t, r, "prb_offset") <= 4);
    }
    spec_table_free(&t);

    load(&t, "38214_table_6_1_2_1_1_2_pusch_tdra_default_a.tsv", 16);
    for (int r = 0; r < 16; r++) {
        int s = num(&t, r, "S"), l = num(&t, r, "L"), k = num(&t, r, "k2_minus_j");
        ck_assert_int_eq(num(&t, r, "row"), r + 1);
        ck_assert(s >= 0 && l >= 4 && s + l <= 14 && k >= 0 && k <= 3);
        ck_assert(strcmp(spec_table_str(&t, r, "mapping"), s == 0 ? "A" : "B") == 0);
    }
    spec_table_free(&t);
    load(&t, "38214_tables_6_1_2_1_1_4_5_pusch_j_delta.tsv", 4);
    for (int r = 0; r < 4; r++)
        ck_assert(num(&t, r, "mu") == r && num(&t, r, "j") >= 1 && num(&t, r, "delta") > num(&t, r, "j"));
    spec_table_free(&t);

    /* The DL tables not used by the code yet (extended CP, B, C; FR2 Type0 occasions). */
    load(&t, "38214_tables_5_1_2_1_1_2_to_5_pdsch_tdra_default.tsv", 128);
    for (int r = 0; r < t.nrows; r++) {
        int s = 0, l;
        if (spec_table_int(&t, r, "S", &s) == -ENOENT)
            continue;
        l = num(&t, r, "L");
        ck_assert(s + l <= (strcmp(spec_table_str(&t, r, "table"), "A_ext") == 0 ? 12 : 14));
    }
    spec_table_free(&t);
    load(&t, "38213_tables_13_13_to_13_15_type0_pattern2_3.tsv", 16);
    spec_table_free(&t);

    ck_assert_int_eq(spec_table_load(&t, "no_such_table.tsv"), -ENOENT);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("spec_tables");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, coreset0_tables_13_1_to_13_10);
    tcase_add_test(tc, type0_table_13_11);
    tcase_add_test(tc, pdsch_default_table_a);
    tcase_add_test(tc, sib1_pdsch_row_as_the_spec_reads_it);
    tcase_add_test(tc, tables_without_code_load);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
