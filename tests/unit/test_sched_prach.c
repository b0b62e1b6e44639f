/* mac/sched_prach: which UL slots carry a PRACH occasion, where its samples start, its RA-RNTI, and TDD validity.
 * Expected values are worked by hand from 38.211 Tables 6.3.3.2-2/-3 and 5.3.2 and 38.321 5.1.3, and two of them
 * are what srsUE itself prints for the same configuration ("ra-rnti=0xf" for index 0, 0x39 for index 1). */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "mac/sched_prach.h"
#include "tests/unit/check_run.h"

static struct sched_prach make(int index, bool unpaired, int scs, const struct slot_pattern *pat, double rate)
{
    struct sched_prach s;
    struct sched_prach_config c = {.config_index = index, .unpaired = unpaired, .scs_khz = scs, .ra_scs_khz = scs,
                                   .msg1_fdm = 1, .sample_rate_hz = rate};
    ck_assert_int_eq(sched_prach_init(&s, &c, pat), 0);
    return s;
}

/* Index 0, paired: format 0 in frames with SFN mod 16 = 1, subframe 1 (slot 1 at 15 kHz); RA-RNTI 1 + 14 * 1. */
START_TEST(paired_index_0_and_1_at_15khz)
{
    struct slot_pattern fdd;
    slot_pattern_init_fdd(&fdd);
    static const int index[2] = {0, 1}, subframe[2] = {1, 4}, rnti[2] = {0x0f, 0x39};
    for (int k = 0; k < 2; k++) {
        struct sched_prach s = make(index[k], false, 15, &fdd, 11.52e6);
        ck_assert_int_eq(sched_prach_history_slots(&s) >= 1, 1);
        int found = 0;
        for (uint64_t slot = 0; slot < 10240 * 2; slot++) {
            struct ul_prach_occasion o[4];
            int n = sched_prach_slot(&s, slot, o, 4);
            int sfn = (int)((slot / 10) % 1024), sl = (int)(slot % 10);
            bool want = sfn % 16 == 1 && sl == subframe[k];
            ck_assert_msg(n == (want ? 1 : 0), "index %d slot %llu: %d occasions", index[k],
                          (unsigned long long)slot, n);
            if (!n) continue;
            found++;
            ck_assert_int_eq(o[0].start_slot_offset, 0);
            ck_assert_int_eq(o[0].start_sample, 0);
            ck_assert_int_eq(o[0].ra_rnti, rnti[k]);
            ck_assert_int_eq(o[0].time.format, PRACH_FORMAT_0);
            ck_assert_int_eq(o[0].time.len_kappa, 3168 + 24576); /* N_CP + N_u of format 0 */
        }
        ck_assert_int_eq(found, 2 * 1024 / 16);
    }
}
END_TEST

/* At 30 kHz format 0 (0.9 ms) starts in the first slot of its subframe and ends in the second: it is handed to
 * PHY UL in the second, one slot back. */
START_TEST(format0_spans_two_slots_at_30khz)
{
    struct slot_pattern fdd;
    slot_pattern_init_fdd(&fdd);
    struct sched_prach s = make(0, false, 30, &fdd, 23.04e6);
    ck_assert_int_ge(sched_prach_history_slots(&s), 2);
    struct ul_prach_occasion o[4];
    ck_assert_int_eq(sched_prach_slot(&s, 20 + 2, o, 4), 0);     /* SFN 1 slot 2: starts here, ends later */
    ck_assert_int_eq(sched_prach_slot(&s, 20 + 3, o, 4), 1);     /* SFN 1 slot 3 */
    ck_assert_int_eq(o[0].start_slot_offset, 1);
    ck_assert_int_eq(o[0].start_sample, 0);
    ck_assert_int_eq(o[0].ra_rnti, 0x0f);                        /* long format: t_id in 15 kHz subframes */
}
END_TEST

/* Unpaired index 159: B4 every frame, subframe 9, one PRACH slot per subframe at 30 kHz (n_slot = 1: the
 * subframe's second slot, slot 19), symbols 0..11; RA-RNTI 1 + 0 + 14 * (2 * 9 + 1) = 267. The n78 pattern
 * DDDDDDDSUU has slot 19 all UL. */
START_TEST(unpaired_b4_in_the_ul_slot)
{
    struct slot_pattern tdd;
    ck_assert_int_eq(slot_pattern_init_tdd(&tdd, 10, 7, 6, 2, 4), 0);
    struct sched_prach s = make(159, true, 30, &tdd, 46.08e6);
    for (uint64_t slot = 0; slot < 200; slot++) {
        struct ul_prach_occasion o[4];
        int n = sched_prach_slot(&s, slot, o, 4);
        ck_assert_int_eq(n, slot % 20 == 19 ? 1 : 0);
        if (!n) continue;
        ck_assert_int_eq(o[0].time.format, PRACH_FORMAT_B4);
        ck_assert_int_eq(o[0].start_slot_offset, 0);
        ck_assert_int_eq(o[0].start_sample, 0);
        ck_assert_int_eq(o[0].ra_rnti, 267);
    }
}
END_TEST

/* 38.213 8.1: unpaired index 12 (format 0, subframe 4 of every frame = slots 8 and 9 at 30 kHz) is valid with
 * DDDDDDDSUU (slots 8, 9 UL) and has no valid occasion with DDDSU (slot 8 is the special slot with DL symbols). */
START_TEST(tdd_validity)
{
    struct slot_pattern tdd;
    ck_assert_int_eq(slot_pattern_init_tdd(&tdd, 10, 7, 6, 2, 4), 0);
    struct sched_prach s = make(12, true, 30, &tdd, 46.08e6);
    struct ul_prach_occasion o[4];
    ck_assert_int_eq(sched_prach_slot(&s, 9, o, 4), 1);
    ck_assert_int_eq(o[0].start_slot_offset, 1);
    ck_assert_int_eq(slot_pattern_init_tdd(&tdd, 5, 3, 10, 1, 2), 0);
    struct sched_prach bad;
    struct sched_prach_config c = {.config_index = 12, .unpaired = true, .scs_khz = 30, .ra_scs_khz = 30,
                                   .msg1_fdm = 1, .sample_rate_hz = 46.08e6};
    ck_assert_int_eq(sched_prach_init(&bad, &c, &tdd), -EINVAL);
}
END_TEST

/* sched_prach_slot_covered() (which slots PHY UL keeps) is exactly the union of every occasion's slots as
 * sched_prach_slot() hands them out: [slot - start_slot_offset, slot]. Paired index 0 at 15 and 30 kHz (one and two
 * slots), index 28 (format 1, 3 ms: several slots back), unpaired 159 (B4) and 12 (format 0, TDD). */
START_TEST(covered_slots_are_the_occasions_slots)
{
    struct slot_pattern fdd, tdd;
    slot_pattern_init_fdd(&fdd);
    ck_assert_int_eq(slot_pattern_init_tdd(&tdd, 10, 7, 6, 2, 4), 0);
    static const struct { int index; bool unpaired; int scs; double rate; } cfgs[] = {
        {0, false, 15, 11.52e6}, {0, false, 30, 23.04e6}, {28, false, 15, 11.52e6}, {159, true, 30, 46.08e6},
        {12, true, 30, 46.08e6}};
    enum { SLOTS = 2 * 16 * 20 };
    for (size_t k = 0; k < sizeof cfgs / sizeof cfgs[0]; k++) {
        struct sched_prach s = make(cfgs[k].index, cfgs[k].unpaired, cfgs[k].scs, cfgs[k].unpaired ? &tdd : &fdd,
                                    cfgs[k].rate);
        static bool want[SLOTS + 64];
        memset(want, 0, sizeof want);
        int longest = 0;
        for (uint64_t slot = 0; slot < SLOTS + 64; slot++) {
            struct ul_prach_occasion o[4];
            int n = sched_prach_slot(&s, slot, o, 4);
            for (int i = 0; i < n; i++) {
                ck_assert_int_le(o[i].start_slot_offset, (int)slot);
                if (o[i].start_slot_offset > longest) longest = o[i].start_slot_offset;
                for (int b = 0; b <= o[i].start_slot_offset; b++) want[slot - (uint64_t)b] = true;
            }
        }
        ck_assert_int_lt(longest, sched_prach_history_slots(&s));
        int covered = 0;
        for (uint64_t slot = 0; slot < SLOTS; slot++) {
            bool got = sched_prach_slot_covered(&s, slot);
            ck_assert_msg(got == want[slot], "index %d slot %llu: covered %d, occasions say %d", cfgs[k].index,
                          (unsigned long long)slot, got, want[slot]);
            covered += got;
        }
        ck_assert_int_gt(covered, 0);
        ck_assert_int_lt(covered, SLOTS / 2); /* most slots are not PRACH's */
        if (k == 2) ck_assert_int_ge(longest, 2); /* format 1 really reaches back */
    }
}
END_TEST

START_TEST(msg1_fdm_and_bad_configs)
{
    struct slot_pattern fdd;
    slot_pattern_init_fdd(&fdd);
    struct sched_prach s;
    struct sched_prach_config c = {.config_index = 27, .unpaired = false, .scs_khz = 15, .ra_scs_khz = 15,
                                   .msg1_fdm = 4, .sample_rate_hz = 11.52e6};
    ck_assert_int_eq(sched_prach_init(&s, &c, &fdd), 0);
    struct ul_prach_occasion o[8];
    ck_assert_int_eq(sched_prach_slot(&s, 5, o, 8), 4);   /* index 27: every subframe */
    for (int f = 0; f < 4; f++) {
        ck_assert_int_eq(o[f].fdm_index, f);
        ck_assert_int_eq(o[f].ra_rnti, 1 + 14 * 5 + 14 * 80 * f);
    }
    ck_assert_int_eq(sched_prach_slot(&s, 5, o, 2), 2);   /* bounded by max */
    c.msg1_fdm = 3;
    ck_assert_int_eq(sched_prach_init(&s, &c, &fdd), -EINVAL);
    c.msg1_fdm = 1;
    c.config_index = 256;
    ck_assert_int_eq(sched_prach_init(&s, &c, &fdd), -EINVAL);
    c.config_index = 0;
    c.scs_khz = 60;
    ck_assert_int_eq(sched_prach_init(&s, &c, &fdd), -EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sched_prach");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, paired_index_0_and_1_at_15khz);
    tcase_add_test(tc, format0_spans_two_slots_at_30khz);
    tcase_add_test(tc, unpaired_b4_in_the_ul_slot);
    tcase_add_test(tc, tdd_validity);
    tcase_add_test(tc, msg1_fdm_and_bad_configs);
    tcase_add_test(tc, covered_slots_are_the_occasions_slots);
    suite_add_tcase(s, tc);
    return check_run(s);
}
