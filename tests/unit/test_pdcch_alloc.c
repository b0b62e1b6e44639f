/* mac/pdcch_alloc: PDCCH candidates (38.213 10.1) and their placement in one slot, against values worked by hand.
 *
 * UE-specific search space, C-RNTI 0x4601 = 17921, CORESET p = 1: A_1 = 39829, D = 65537, Y_1,-1 = 17921;
 *   slot 0: Y = 39829 x 17921 mod 65537 = 713775509 mod 65537 = 713775509 - 10891 x 65537 = 12042;
 *   slot 1: Y = 39829 x 12042 mod 65537 = 21052;  slot 2: Y = 39829 x 21052 mod 65537 = 65267.
 * CORESET#1 of a 52-PRB carrier in RRCSetup: 8 groups of 6 RBs from CRB 0, 1 symbol: N_CCE = 8; SS#2 candidates
 * AL2/4/8 = 2/2/1. Candidate m of level L: L ((Y + floor(m N_CCE / (L M))) mod floor(N_CCE / L)):
 *   slot 0, L 2 (4 positions): m 0: 2 (12042 mod 4 = 2) = 4; m 1: 2 ((12042 + floor(8 / 4) = 12044) mod 4 = 0) = 0;
 *           L 4 (2 positions): m 0: 4 (12042 mod 2 = 0) = 0; m 1: 4 ((12042 + 1) mod 2 = 1) = 4;  L 8: 0;
 *   slot 2, L 2: 2 (65267 mod 4 = 3) = 6; 2 ((65267 + 2) mod 4 = 1) = 2.
 * 106 PRB (17 groups, N_CCE 17), slot 0, L 4 (floor(17 / 4) = 4 positions, floor(1 x 17 / 8) = 2):
 *   4 (12042 mod 4 = 2) = 8; 4 ((12042 + 2) mod 4 = 0) = 0.
 * Common search space (Y = 0), N_CCE 16, AL4 M 4: 4 (floor(m 16 / 16) mod 4) = 0, 4, 8, 12; N_CCE 8, AL4 M 4:
 *   4 (floor(m 8 / 16) mod 2) = 0, 0, 4, 4 -> the distinct 0, 4.
 * CORESET#0 (48 RBs from CRB 1, 1 symbol, interleaved: L = 6, R = 2, n_shift = PCI 1; 8 bundles, C = 4): CCE j is
 *   bundle f(j) = (r C + c + 1) mod 8 with c = j / 2, r = j mod 2: CCEs 0..3 -> bundles 1, 5, 2, 6 -> CRBs 7-18 and
 *   31-42. CORESET#1's CCE k is CRBs 6k .. 6k + 5: only CCEs 0 (0-5) and 4 (24-29) stay clear of them. */
#include <check.h>
#include <errno.h>

#include "mac/pdcch_alloc.h"
#include "tests/unit/check_run.h"

static struct pdcch_alloc_ss uss(int groups)
{
    struct pdcch_alloc_ss ss = {.id = 2, .ue_specific = true, .coreset_id = 1,
                                .cs = {.crb_start = 0, .nof_rb = 6 * groups, .nof_symbols = 1, .start_symbol = 0,
                                       .interleaved = false, .reg_bundle_size = 6, .dmrs_ref_crb = 0,
                                       .dmrs_n_id = 1},
                                .nof_candidates = {0, 2, 2, 1, 0}};
    return ss;
}

static struct pdcch_alloc_ss css0(int nof_symbols)
{
    struct pdcch_alloc_ss ss = {.id = 1, .ue_specific = false, .coreset_id = 0, .nof_candidates = {0, 0, 4, 2, 1}};
    ck_assert_int_eq(pdcch_coreset0(&ss.cs, 1, 48, nof_symbols, 0, 1), 0);
    return ss;
}

START_TEST(uss_candidates_by_hand)
{
    struct pdcch_alloc_ss ss = uss(8);
    int f[PDCCH_MAX_CANDIDATES];
    ck_assert_int_eq(pdcch_uss_y(0x4601, 1, 0), 12042);
    ck_assert_int_eq(pdcch_uss_y(0x4601, 1, 1), 21052);
    ck_assert_int_eq(pdcch_uss_y(0x4601, 1, 2), 65267);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 2, 0x4601, 0, f), 2);
    ck_assert_int_eq(f[0], 4);
    ck_assert_int_eq(f[1], 0);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 4, 0x4601, 0, f), 2);
    ck_assert_int_eq(f[0], 0);
    ck_assert_int_eq(f[1], 4);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 8, 0x4601, 0, f), 1);
    ck_assert_int_eq(f[0], 0);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 2, 0x4601, 2, f), 2);
    ck_assert_int_eq(f[0], 6);
    ck_assert_int_eq(f[1], 2);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 1, 0x4601, 0, f), 0);   /* no AL1 candidates configured */
    struct pdcch_alloc_ss big = uss(17);
    ck_assert_int_eq(pdcch_alloc_candidates(&big, 4, 0x4601, 0, f), 2);
    ck_assert_int_eq(f[0], 8);
    ck_assert_int_eq(f[1], 0);
}
END_TEST

START_TEST(css_candidates_by_hand)
{
    int f[PDCCH_MAX_CANDIDATES];
    struct pdcch_alloc_ss two = css0(2);   /* 16 CCEs */
    ck_assert_int_eq(pdcch_alloc_candidates(&two, 4, 0x4601, 7, f), 4);
    ck_assert_int_eq(f[0], 0);
    ck_assert_int_eq(f[1], 4);
    ck_assert_int_eq(f[2], 8);
    ck_assert_int_eq(f[3], 12);
    struct pdcch_alloc_ss one = css0(1);   /* 8 CCEs: the formula repeats candidates; tried once each */
    ck_assert_int_eq(pdcch_alloc_candidates(&one, 4, 0x0f, 3, f), 2);
    ck_assert_int_eq(f[0], 0);
    ck_assert_int_eq(f[1], 4);
    ck_assert_int_eq(pdcch_alloc_candidates(&one, 16, 0x0f, 3, f), 0);   /* AL16 does not fit 8 CCEs */
}
END_TEST

/* Collision -> the next candidate -> another level -> deferred. */
START_TEST(collision_other_candidate_then_defer)
{
    struct pdcch_alloc a = {0};
    struct pdcch_alloc_ss ss = uss(8);
    int al, cce;
    pdcch_alloc_begin(&a, 0);
    ck_assert_int_eq(pdcch_alloc_place(&a, &ss, 0x4601, 4, 0, &al, &cce), 0);
    ck_assert_int_eq(al, 4);
    ck_assert_int_eq(cce, 0);   /* m = 0 */
    ck_assert_int_eq(pdcch_alloc_place(&a, &ss, 0x4601, 4, 0, &al, &cce), 0);
    ck_assert_int_eq(al, 4);
    ck_assert_int_eq(cce, 4);   /* m = 0 taken: m = 1 */
    /* AL4 both taken, AL8 (CCE 0) taken, AL2 (4, 0) taken: no room this slot */
    ck_assert_int_eq(pdcch_alloc_place(&a, &ss, 0x4601, 4, 0, &al, &cce), -ENOSPC);
    ck_assert_uint_eq(a.deferred, 1);
    ck_assert_int_eq(a.n_placed, 2);
    /* the next slot starts empty; slot 2's AL2 candidates are 6 and 2 */
    pdcch_alloc_begin(&a, 2);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &ss.cs, 6, 2), 0);
    ck_assert_int_eq(pdcch_alloc_place(&a, &ss, 0x4601, 2, 0, &al, &cce), 0);
    ck_assert_int_eq(cce, 2);
    ck_assert_int_eq(al, 2);
    /* the wanted level full: a higher one before a lower one. 106 PRB (N_CCE 17), slot 0: AL2 candidates
     * 2 (12042 mod 8) = 4 and 2 ((12042 + floor(17 / 4)) mod 8) = 12; AL4: 8, 0 */
    struct pdcch_alloc_ss big = uss(17);
    pdcch_alloc_begin(&a, 0);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &big.cs, 4, 2), 0);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &big.cs, 12, 2), 0);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &big.cs, 12, 1), -EBUSY);   /* marking over a PDCCH says so */
    ck_assert_int_eq(pdcch_alloc_place(&a, &big, 0x4601, 2, 0, &al, &cce), 0);
    ck_assert_int_eq(al, 4);
    ck_assert_int_eq(cce, 8);
}
END_TEST

/* CORESET#0 and CORESET#1 overlap in symbol 0: a PDCCH in one blocks the RBs of the other. */
START_TEST(across_coresets)
{
    struct pdcch_alloc a = {0};
    struct pdcch_alloc_ss c0 = css0(1), c1 = uss(8);
    pdcch_alloc_begin(&a, 5);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &c0.cs, 0, 4), 0);
    static const bool free_expect[8] = {true, false, false, false, true, false, false, false};
    for (int k = 0; k < 8; k++) ck_assert_int_eq(pdcch_alloc_is_free(&a, &c1.cs, k, 1), free_expect[k]);
    /* a common space on CORESET#1 with every AL1 candidate: the first free is CCE 0, then 4, then none */
    struct pdcch_alloc_ss all = c1;
    all.ue_specific = false;
    all.nof_candidates[0] = 8;
    all.nof_candidates[1] = all.nof_candidates[2] = all.nof_candidates[3] = 0;
    int al, cce;
    ck_assert_int_eq(pdcch_alloc_place(&a, &all, 0x4601, 1, 0, &al, &cce), 0);
    ck_assert_int_eq(cce, 0);
    ck_assert_int_eq(pdcch_alloc_place(&a, &all, 0x4602, 1, 0, &al, &cce), 0);
    ck_assert_int_eq(cce, 4);
    ck_assert_int_eq(pdcch_alloc_place(&a, &all, 0x4603, 1, 0, &al, &cce), -ENOSPC);
    /* and back: CORESET#0's AL4 CCE 4 (bundles 3, 7, 4, 0 -> CRBs 19-24, 43-48, 25-30, 1-6) meets CORESET#1's
     * CCE 0 (CRBs 0-5) and CCE 4 (24-29) */
    ck_assert(!pdcch_alloc_is_free(&a, &c0.cs, 4, 4));
    pdcch_alloc_begin(&a, 5);
    ck_assert(pdcch_alloc_is_free(&a, &c0.cs, 4, 4));
}
END_TEST

/* An SS/PBCH block on CRBs 14..33 in symbols 2..5: no PDSCH on its CRBs (the longest free run is the larger side,
 * 34..51), PDCCHs of a symbol-0 CORESET untouched; in symbol 0 (were a block there) the CCEs on its RBs are taken. */
START_TEST(block_ssb_rbs)
{
    struct pdcch_alloc a = {0};
    struct pdcch_alloc_ss c1 = uss(8);
    pdcch_alloc_begin(&a, 0);
    ck_assert_int_eq(pdcch_alloc_block(&a, 0xFu << 2, 14, 20), 0);
    int start;
    ck_assert_int_eq(pdcch_alloc_pdsch_longest(&a, 0, 52, &start), 18);
    ck_assert_int_eq(start, 34);
    ck_assert_int_eq(pdcch_alloc_pdsch_find(&a, 0, 52, 15), 34);
    ck_assert_int_eq(pdcch_alloc_pdsch_find(&a, 0, 34, 15), -ENOSPC);
    for (int k = 0; k < 8; k++) ck_assert(pdcch_alloc_is_free(&a, &c1.cs, k, 1));
    pdcch_alloc_begin(&a, 0);
    ck_assert_int_eq(pdcch_alloc_block(&a, 0x1u, 14, 20), 0);
    static const bool free_expect[8] = {true, true, false, false, false, false, true, true}; /* CRBs 12..35 */
    for (int k = 0; k < 8; k++) ck_assert_int_eq(pdcch_alloc_is_free(&a, &c1.cs, k, 1), free_expect[k]);
    ck_assert_int_eq(pdcch_alloc_block(&a, 0, 14, 20), -EINVAL);
    ck_assert_int_eq(pdcch_alloc_block(&a, 0x4, 270, 20), -EINVAL);
}
END_TEST

START_TEST(cce_limit_for_msg4)
{
    struct pdcch_alloc a = {0};
    struct pdcch_alloc_ss c0 = css0(1);
    int al, cce;
    pdcch_alloc_begin(&a, 1);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &c0.cs, 0, 4), 0);
    /* r_PUCCH 0 needs n_CCE,0 < N_CCE / 2 = 4: CCE 4 is refused, AL8 at 0 overlaps */
    ck_assert_int_eq(pdcch_alloc_place(&a, &c0, 0x4601, 4, 4, &al, &cce), -ENOSPC);
    ck_assert_int_eq(pdcch_alloc_place(&a, &c0, 0x4601, 4, 0, &al, &cce), 0);
    ck_assert_int_eq(cce, 4);
}
END_TEST

START_TEST(fit_candidates)
{
    int out[PDCCH_NUM_AL];
    const int want[PDCCH_NUM_AL] = {0, 2, 2, 1, 0}, many[PDCCH_NUM_AL] = {8, 8, 4, 2, 1};
    pdcch_alloc_fit_candidates(4, want, out);   /* a 25-PRB CORESET#1: 4 CCEs */
    ck_assert_int_eq(out[0], 0);
    ck_assert_int_eq(out[1], 2);
    ck_assert_int_eq(out[2], 1);
    ck_assert_int_eq(out[3], 0);
    pdcch_alloc_fit_candidates(7, many, out);
    ck_assert_int_eq(out[0], 6);   /* 7 is not a value of nrofCandidates */
    ck_assert_int_eq(out[1], 3);
    ck_assert_int_eq(out[2], 1);
    ck_assert_int_eq(out[3], 0);
    ck_assert_int_eq(out[4], 0);
    pdcch_alloc_fit_candidates(16, many, out);
    ck_assert_int_eq(out[2], 4);
    ck_assert_int_eq(out[3], 2);
    ck_assert_int_eq(out[4], 1);
}
END_TEST

START_TEST(bad_input)
{
    struct pdcch_alloc a = {0};
    struct pdcch_alloc_ss ss = uss(8);
    int f[PDCCH_MAX_CANDIDATES], al, cce;
    pdcch_alloc_begin(&a, 0);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 3, 1, 0, f), -EINVAL);
    ck_assert_int_eq(pdcch_alloc_candidates(&ss, 4, 1, 160, f), -EINVAL);
    ck_assert_int_eq(pdcch_alloc_place(&a, &ss, 1, 5, 0, &al, &cce), -EINVAL);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &ss.cs, 7, 2), -EINVAL);   /* past the CORESET's 8 CCEs */
    struct pdcch_alloc_ss none = ss;
    for (int i = 0; i < PDCCH_NUM_AL; i++) none.nof_candidates[i] = 0;
    ck_assert_int_eq(pdcch_alloc_ss_check(&none), -EINVAL);
    ss.cs.start_symbol = 3;   /* a CORESET past the symbols the map keeps */
    ss.cs.nof_symbols = 2;
    ck_assert_int_eq(pdcch_alloc_ss_check(&ss), -EINVAL);
    ck_assert_int_eq(a.n_placed, 0);
    ck_assert_int_eq(pdcch_alloc_al_index(16), 4);
    ck_assert_int_eq(pdcch_alloc_al_index(0), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pdcch_alloc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, uss_candidates_by_hand);
    tcase_add_test(tc, css_candidates_by_hand);
    tcase_add_test(tc, collision_other_candidate_then_defer);
    tcase_add_test(tc, across_coresets);
    tcase_add_test(tc, cce_limit_for_msg4);
    tcase_add_test(tc, block_ssb_rbs);
    tcase_add_test(tc, fit_candidates);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return check_run(s);
}
