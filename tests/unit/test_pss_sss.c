/* Unit tests for the SS/PBCH block sequences: phy/seq/pss_sss (38.211 7.4.2.2, 7.4.2.3) and phy/seq/dmrs_pbch
 * (7.4.1.4.1), against the PSS, SSS and DM-RS resource elements of every SSB grid in tests/vectors/ssb, plus
 * correlation and uniqueness properties over all cell identities. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/seq/dmrs_pbch.h"
#include "phy/seq/pss_sss.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define SSB_SC 240
#define SSB_SYMBOLS 4
#define SSB_GRID_CASES 8
#define TOL 1e-4f

typedef void (*ssb_case_fn)(const struct vector_ssb_case *c, const cf_t grid[SSB_SYMBOLS][SSB_SC]);

static int for_each_ssb_grid(ssb_case_fn check_case)
{
    FILE *f = vector_manifest_open("tests/vectors/ssb");
    ck_assert_ptr_nonnull(f);
    struct vector_ssb_case c;
    int rows = 0;
    while (vector_ssb_next(f, &c)) {
        cf_t(*grid)[SSB_SC] = vector_load_case("tests/vectors/ssb", "ssb", c.id, "grid",
                                               sizeof(cf_t) * SSB_SYMBOLS * SSB_SC);
        ck_assert_msg(grid != NULL, "ssb case %d: grid missing", c.id);
        check_case(&c, (const cf_t(*)[SSB_SC])grid);
        free(grid);
        rows++;
    }
    fclose(f);
    return rows;
}

static void check_pss_sss(const struct vector_ssb_case *c, const cf_t grid[SSB_SYMBOLS][SSB_SC])
{
    float pss[PSS_SSS_LEN], sss[PSS_SSS_LEN];
    ck_assert_int_eq(pss_sequence(c->pci % 3, pss), 0);
    ck_assert_int_eq(sss_sequence(c->pci, sss), 0);
    for (int n = 0; n < PSS_SSS_LEN; n++) {
        int k = PSS_SSS_K_FIRST + n;
        ck_assert_msg(cabsf(grid[0][k] - pss[n]) <= TOL, "case %d PSS n=%d", c->id, n);
        ck_assert_msg(cabsf(grid[2][k] - sss[n]) <= TOL, "case %d SSS n=%d", c->id, n);
    }
}

/* DM-RS REs in mapping order (38.211 7.4.3.1.3: k first, then l): k = nu + 4i, symbol 2 only outside 48..191. */
static void check_dmrs(const struct vector_ssb_case *c, const cf_t grid[SSB_SYMBOLS][SSB_SC])
{
    cf_t r[DMRS_PBCH_LEN];
    int i_ssb_bar = dmrs_pbch_i_ssb_bar(c->ssb_idx, c->hrf, c->l_max);
    ck_assert_int_ge(i_ssb_bar, 0);
    ck_assert_int_eq(dmrs_pbch_sequence(c->pci, i_ssb_bar, r), 0);
    int m = 0;
    for (int l = 1; l <= 3; l++) {
        for (int k = c->pci % 4; k < SSB_SC; k += 4) {
            if (l == 2 && k >= 48 && k < 192)
                continue;
            ck_assert_int_lt(m, DMRS_PBCH_LEN);
            ck_assert_msg(cabsf(grid[l][k] - r[m]) <= TOL, "case %d DMRS m=%d (l=%d k=%d)", c->id, m, l, k);
            m++;
        }
    }
    ck_assert_int_eq(m, DMRS_PBCH_LEN);
}

START_TEST(test_pss_sss_match_every_ssb_grid)
{
    ck_assert_int_eq(for_each_ssb_grid(check_pss_sss), SSB_GRID_CASES);
}
END_TEST

START_TEST(test_dmrs_pbch_matches_every_ssb_grid)
{
    ck_assert_int_eq(for_each_ssb_grid(check_dmrs), SSB_GRID_CASES);
}
END_TEST

static float correlate(const float *a, const float *b)
{
    float s = 0;
    for (int n = 0; n < PSS_SSS_LEN; n++)
        s += a[n] * b[n];
    return s;
}

/* The three PSS are cyclic shifts of one m-sequence: each has energy 127 and cross-correlation -1 with the
 * others (|rho| = 1/127), which is what lets a UE tell N_ID^(2) apart. */
START_TEST(test_pss_sequences_are_near_orthogonal)
{
    float pss[3][PSS_SSS_LEN];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pss_sequence(i, pss[i]), 0);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            float rho = correlate(pss[i], pss[j]) / PSS_SSS_LEN;
            if (i == j)
                ck_assert_float_eq_tol(rho, 1.0f, 1e-6f);
            else
                ck_assert_msg(fabsf(rho) < 0.01f, "PSS %d x %d: rho = %f", i, j, rho);
        }
    }
}
END_TEST

/* Every one of the 1008 cell identities has its own SSS, and no two are strongly correlated. */
START_TEST(test_sss_differs_for_all_1008_pcis)
{
    static float sss[PSS_SSS_NUM_PCI][PSS_SSS_LEN];
    for (int p = 0; p < PSS_SSS_NUM_PCI; p++)
        ck_assert_int_eq(sss_sequence(p, sss[p]), 0);
    float worst = 0;
    for (int a = 0; a < PSS_SSS_NUM_PCI; a++) {
        for (int b = a + 1; b < PSS_SSS_NUM_PCI; b++) {
            if (memcmp(sss[a], sss[b], sizeof sss[a]) == 0) /* (no passing ck_assert per pair: they cost I/O) */
                ck_abort_msg("PCI %d and %d share an SSS", a, b);
            worst = fmaxf(worst, fabsf(correlate(sss[a], sss[b])) / PSS_SSS_LEN);
        }
    }
    ck_assert_msg(worst < 0.2f, "max SSS cross-correlation %f", worst);   /* 17/127 for these m-sequences */
}
END_TEST

/* 38.211 7.4.1.4.1 c_init for hand-checked values, and i_ssb_bar per L_max. */
START_TEST(test_dmrs_pbch_c_init_and_i_ssb_bar)
{
    /* pci 500, i_ssb_bar 0: 2^11 * 1 * 126 + 2^6 * 1 + 0 */
    ck_assert_uint_eq(dmrs_pbch_c_init(500, 0), 2048u * 126 + 64);
    /* pci 1007, i_ssb_bar 7: 2^11 * 8 * 252 + 2^6 * 8 + 3 */
    ck_assert_uint_eq(dmrs_pbch_c_init(1007, 7), 2048u * 8 * 252 + 512 + 3);
    ck_assert_int_eq(dmrs_pbch_i_ssb_bar(3, 1, 4), 7);
    ck_assert_int_eq(dmrs_pbch_i_ssb_bar(37, 1, 64), 5);
    ck_assert_int_eq(dmrs_pbch_i_ssb_bar(6, 0, 8), 6);
    ck_assert_int_eq(dmrs_pbch_i_ssb_bar(1, 2, 4), -EINVAL);
    ck_assert_int_eq(dmrs_pbch_i_ssb_bar(1, 0, 16), -EINVAL);
}
END_TEST

START_TEST(test_ssb_sequences_reject_out_of_range_ids)
{
    float d[PSS_SSS_LEN];
    cf_t r[DMRS_PBCH_LEN];
    ck_assert_int_eq(pss_sequence(3, d), -EINVAL);
    ck_assert_int_eq(pss_sequence(-1, d), -EINVAL);
    ck_assert_int_eq(sss_sequence(1008, d), -EINVAL);
    ck_assert_int_eq(sss_sequence(-1, d), -EINVAL);
    ck_assert_int_eq(dmrs_pbch_sequence(1008, 0, r), -EINVAL);
    ck_assert_int_eq(dmrs_pbch_sequence(0, 8, r), -EINVAL);
}
END_TEST

static Suite *ssb_sequences_suite(void)
{
    Suite *s = suite_create("pss_sss");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_pss_sss_match_every_ssb_grid);
    tcase_add_test(tc, test_dmrs_pbch_matches_every_ssb_grid);
    tcase_add_test(tc, test_pss_sequences_are_near_orthogonal);
    tcase_add_test(tc, test_sss_differs_for_all_1008_pcis);
    tcase_add_test(tc, test_dmrs_pbch_c_init_and_i_ssb_bar);
    tcase_add_test(tc, test_ssb_sequences_reject_out_of_range_ids);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ssb_sequences_suite());
}
