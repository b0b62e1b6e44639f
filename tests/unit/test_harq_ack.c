/* mac/harq_ack: k1 per slot and the dl-DataToUL-ACK list for the patterns a lab uses (written out by hand from
 * the patterns, not recomputed by the rule), the counter DAI sequence of a UL slot's codebook (38.213 Table
 * 9.1.3-1) and the UE's placement of each PDSCH's bit, including missed DCIs and the modulo-4 wrap. */
#include <check.h>
#include <errno.h>

#include "mac/harq_ack.h"
#include "tests/unit/check_run.h"

START_TEST(fdd_k1_4_list_1_to_8)
{
    struct slot_pattern p;
    struct harq_ack_timing t;
    slot_pattern_init_fdd(&p);
    ck_assert_int_eq(harq_ack_timing_init(&t, &p), 0);
    for (int i = 0; i < 8; i++) ck_assert_int_eq(t.list[i], i + 1);
    for (uint64_t s = 0; s < 50; s++) {
        uint32_t f = 99;
        ck_assert_int_eq(harq_ack_k1(&t, s, true, &f), 4);
        ck_assert_uint_eq(f, 3);      /* DCI 1_0: k1 - 1 */
        ck_assert_int_eq(harq_ack_k1(&t, s, false, &f), 4);
        ck_assert_uint_eq(f, 3);      /* DCI 1_1: index of 4 in {1..8} */
    }
}
END_TEST

/* n78 DDDDDDDSUU (10 slots at 30 kHz): UL slots 8, 9. Slots 0-4 -> UL slot 8 (k1 8, 7, 6, 5, 4), 5 -> 9 (k1 4),
 * 6 -> 18 (k1 12; no UL slot within 4..11); the special and UL slots get none (no UE PDSCH there). */
START_TEST(n78_every_dl_slot_acknowledged)
{
    struct slot_pattern p;
    struct harq_ack_timing t;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 10, 7, 6, 2, 4), 0);
    ck_assert_int_eq(harq_ack_timing_init(&t, &p), 0);
    static const int k1[7] = {8, 7, 6, 5, 4, 4, 12};
    static const int ack_slot[7] = {8, 8, 8, 8, 8, 9, 18};
    for (int per = 0; per < 3; per++)
        for (int s = 0; s < 7; s++) {
            uint64_t slot = (uint64_t)(10 * per + s);
            ck_assert_int_eq(harq_ack_k1(&t, slot, false, NULL), k1[s]);
            ck_assert_uint_eq(slot + (uint64_t)k1[s], (uint64_t)(10 * per + ack_slot[s]));
        }
    /* the list: {4, 5, 6, 7, 8, 12} in use, padded with 9 and 10 */
    static const int list[8] = {4, 5, 6, 7, 8, 9, 10, 12};
    for (int i = 0; i < 8; i++) ck_assert_int_eq(t.list[i], list[i]);
    for (uint64_t s = 7; s < 10; s++) ck_assert_int_eq(harq_ack_k1(&t, s, false, NULL), 0);
    uint32_t f;
    ck_assert_int_eq(harq_ack_k1(&t, 6, false, &f), 12);
    ck_assert_uint_eq(f, 7);
    ck_assert_int_eq(harq_ack_k1(&t, 0, false, &f), 8);
    ck_assert_uint_eq(f, 4);
    /* DCI 1_0 reaches k1 <= 8 only: slot 6 is out, slot 0 has field 7 */
    ck_assert_int_eq(harq_ack_k1(&t, 6, true, &f), 0);
    ck_assert_int_eq(harq_ack_k1(&t, 0, true, &f), 8);
    ck_assert_uint_eq(f, 7);
}
END_TEST

/* 2.5 ms DDDSU at 30 kHz: UL slot 4 only. Slots 0 -> 4 (k1 4), 1, 2 -> 9 (k1 8, 7). */
START_TEST(dddsu)
{
    struct slot_pattern p;
    struct harq_ack_timing t;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 5, 3, 6, 1, 4), 0);
    ck_assert_int_eq(harq_ack_timing_init(&t, &p), 0);
    ck_assert_int_eq(harq_ack_k1(&t, 0, false, NULL), 4);
    ck_assert_int_eq(harq_ack_k1(&t, 1, false, NULL), 8);
    ck_assert_int_eq(harq_ack_k1(&t, 2, false, NULL), 7);
    ck_assert_int_eq(harq_ack_k1(&t, 7, false, NULL), 7);
}
END_TEST

START_TEST(no_ul_slot_refused)
{
    struct slot_pattern p;
    struct harq_ack_timing t;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 10, 8, 0, 0, 4), 0);   /* UL symbols only in the special slot */
    ck_assert_int_eq(harq_ack_timing_init(&t, &p), -EINVAL);
}
END_TEST

/* Table 9.1.3-1: counter DAI 00, 01, 10, 11, 00, ... for the 1st, 2nd, ... PDSCH of a UL slot. */
START_TEST(counter_dai_sequence)
{
    static const uint32_t expect[10] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1};
    for (int m = 1; m <= 10; m++) ck_assert_uint_eq(harq_ack_dai(m), expect[m - 1]);
}
END_TEST

/* The UE's view: each received DCI's bit position from the DAI (1-based), missed ones leave NACK gaps. */
START_TEST(ue_places_bits_by_dai)
{
    /* all five received: positions 1..5 */
    int n = 0;
    static const uint32_t dai5[5] = {0, 1, 2, 3, 0};
    for (int i = 0; i < 5; i++) {
        n = harq_ack_dai_position(n, dai5[i]);
        ck_assert_int_eq(n, i + 1);
    }
    /* the 2nd and 3rd missed: the 4th (DAI 3) goes to position 4 */
    ck_assert_int_eq(harq_ack_dai_position(1, 3), 4);
    /* after 4 bits, DAI 1 is the 6th (the 5th, DAI 0, missed) */
    ck_assert_int_eq(harq_ack_dai_position(4, 1), 6);
    /* after 6 bits, DAI 2 is the 7th */
    ck_assert_int_eq(harq_ack_dai_position(6, 2), 7);
    /* the set: up to 2 bits set 0, 3 and more set 1 */
    ck_assert_int_eq(harq_ack_pucch_set(1), 0);
    ck_assert_int_eq(harq_ack_pucch_set(2), 0);
    ck_assert_int_eq(harq_ack_pucch_set(3), 1);
    ck_assert_int_eq(harq_ack_pucch_set(8), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("harq_ack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fdd_k1_4_list_1_to_8);
    tcase_add_test(tc, n78_every_dl_slot_acknowledged);
    tcase_add_test(tc, dddsu);
    tcase_add_test(tc, no_ul_slot_refused);
    tcase_add_test(tc, counter_dai_sequence);
    tcase_add_test(tc, ue_places_bits_by_dai);
    suite_add_tcase(s, tc);
    return check_run(s);
}
