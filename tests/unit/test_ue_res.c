/* mac/ue_res: every UE context gets format 1 PUCCH resources no other context shares (PRB, cyclic shift and
 * time-domain OCC; format 2, which the MAC never schedules, is shared only by contexts 7 apart), none in the common PUCCH's PRBs (0 and N-1), SR occasions only in
 * wholly UL slots; checked exhaustively over the contexts rather than against a copy of the layout rule. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>

#include "mac/ue_res.h"
#include "tests/unit/check_run.h"

static void check_distinct(int nof_prb, int max_ues, const struct slot_pattern *pat, int sr_period)
{
    struct ue_res_layout l;
    ck_assert_int_eq(ue_res_layout_init(&l, nof_prb, max_ues, sr_period, pat), 0);
    static bool f1[275][12][7];
    static int f2[275][14];
    for (int p = 0; p < 275; p++)
        for (int c = 0; c < 12; c++)
            for (int o = 0; o < 7; o++) f1[p][c][o] = false;
    for (int p = 0; p < 275; p++)
        for (int s = 0; s < 14; s++) f2[p][s] = -1;
    int first, nof;
    ue_res_region(&l, &first, &nof);
    ck_assert_int_gt(first, 0);
    ck_assert_int_eq(first + nof, nof_prb - 1);
    for (int k = 0; k < max_ues; k++) {
        struct ue_pucch_res r;
        ck_assert_int_eq(ue_res_get(&l, k, &r), 0);
        ck_assert_int_eq(r.index, k);
        int occ[3] = {r.ack_occ[0], r.ack_occ[1], r.sr_occ};
        ck_assert(r.f1_prb >= first && r.f1_prb < first + nof);
        ck_assert(r.f2_prb >= first && r.f2_prb < first + nof);
        ck_assert(r.f1_cs >= 0 && r.f1_cs < 12);
        for (int i = 0; i < 3; i++) {
            ck_assert(occ[i] >= 0 && occ[i] < 7); /* 14 symbols without hopping: N_SF = 7 */
            ck_assert_msg(!f1[r.f1_prb][r.f1_cs][occ[i]], "UE %d format 1 resource %d shared", k, i);
            f1[r.f1_prb][r.f1_cs][occ[i]] = true;
        }
        ck_assert(r.f2_symbol >= 0 && r.f2_symbol <= 12);
        for (int s = r.f2_symbol; s < r.f2_symbol + 2; s++) {
            ck_assert_msg(f2[r.f2_prb][s] < 0 || f2[r.f2_prb][s] % 7 == k % 7, "UE %d format 2 shares PRB %d "
                          "symbol %d with UE %d", k, r.f2_prb, s, f2[r.f2_prb][s]);
            f2[r.f2_prb][s] = k;
        }
        ck_assert_int_eq(r.sr_period, sr_period);
        ck_assert(r.sr_offset >= 0 && r.sr_offset < sr_period);
        for (uint64_t n = (uint64_t)r.sr_offset; n < 400; n += (uint64_t)sr_period)
            ck_assert_msg(slot_pattern_ul_span(pat, n, 0, 14), "UE %d SR in slot %llu, not wholly UL", k,
                          (unsigned long long)n);
    }
    /* format 1 and format 2 PRBs are apart */
    for (int p = 0; p < nof_prb; p++) {
        bool any1 = false, any2 = false;
        for (int c = 0; c < 12; c++)
            for (int o = 0; o < 7; o++) any1 |= f1[p][c][o];
        for (int s = 0; s < 14; s++) any2 |= f2[p][s] >= 0;
        ck_assert_msg(!(any1 && any2), "PRB %d has both formats", p);
    }
    struct ue_pucch_res r;
    ck_assert_int_eq(ue_res_get(&l, max_ues, &r), -EINVAL);
    ck_assert_int_eq(ue_res_get(&l, -1, &r), -EINVAL);
}

START_TEST(fdd_contexts_apart)
{
    struct slot_pattern fdd;
    slot_pattern_init_fdd(&fdd);
    check_distinct(52, 8, &fdd, 10);
    check_distinct(25, 8, &fdd, 10);
    check_distinct(106, 32, &fdd, 20);
    check_distinct(52, 64, &fdd, 10);
    check_distinct(25, 56, &fdd, 10);
    check_distinct(106, 64, &fdd, 20);
    /* capacity: the region (format 1 PRBs + 1) at most a third of the carrier */
    ck_assert_int_eq(ue_res_max_ues(52), 64);
    ck_assert_int_eq(ue_res_max_ues(25), 56);
    ck_assert_int_eq(ue_res_max_ues(11), 16);
    ck_assert_int_eq(ue_res_max_ues(5), 0);
    check_distinct(275, 1, &fdd, 1);
    /* FDD: the UEs' SR offsets spread over the period */
    struct ue_res_layout l;
    ck_assert_int_eq(ue_res_layout_init(&l, 52, 8, 10, &fdd), 0);
    struct ue_pucch_res a, b;
    ue_res_get(&l, 0, &a);
    ue_res_get(&l, 1, &b);
    ck_assert_int_ne(a.sr_offset, b.sr_offset);
    /* the first context is the one a single UE gets: the PRB below the common PUCCH's top PRB */
    ck_assert_int_eq(a.f1_prb, 50);
    ck_assert_int_eq(a.f2_prb, 49);
}
END_TEST

/* n78 DDDDDDDSUU at 30 kHz: only slots 8 and 9 of each 10 are wholly UL. */
START_TEST(tdd_sr_in_ul_slots)
{
    struct slot_pattern p;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 10, 7, 6, 2, 4), 0);
    check_distinct(51, 8, &p, 10);
    check_distinct(51, 8, &p, 20);
    check_distinct(51, 64, &p, 20);
    struct ue_res_layout l;
    ck_assert_int_eq(ue_res_layout_init(&l, 51, 8, 10, &p), 0);
    ck_assert_int_eq(l.n_sr_offsets, 2);
    ck_assert_int_eq(l.sr_offsets[0], 8);
    ck_assert_int_eq(l.sr_offsets[1], 9);
    /* a period that is not a multiple of the pattern's, and one with no wholly UL slot */
    ck_assert_int_eq(ue_res_layout_init(&l, 51, 8, 5, &p), -EINVAL);
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 5, 4, 10, 0, 2), 0);
    ck_assert_int_eq(ue_res_layout_init(&l, 51, 8, 10, &p), -EINVAL);
}
END_TEST

START_TEST(refused)
{
    struct slot_pattern fdd;
    slot_pattern_init_fdd(&fdd);
    struct ue_res_layout l;
    ck_assert_int_eq(ue_res_layout_init(&l, 25, 57, 10, &fdd), -EINVAL);  /* 9 PRBs of 25 */
    ck_assert_int_eq(ue_res_layout_init(&l, 52, 0, 10, &fdd), -EINVAL);
    ck_assert_int_eq(ue_res_layout_init(&l, 52, 65, 10, &fdd), -EINVAL);
    ck_assert_int_eq(ue_res_layout_init(&l, 52, 8, 0, &fdd), -EINVAL);
    ck_assert_int_eq(ue_res_layout_init(&l, 52, 8, 81, &fdd), -EINVAL);
    ck_assert_int_eq(ue_res_layout_init(&l, 52, 8, 10, NULL), -EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ue_res");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fdd_contexts_apart);
    tcase_add_test(tc, tdd_sr_in_ul_slots);
    tcase_add_test(tc, refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
