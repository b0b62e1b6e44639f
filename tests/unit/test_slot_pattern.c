/* mac/slot_pattern: DL/UL symbols per slot from a TDD pattern (38.213 11.1), written out by hand for the patterns
 * a lab uses (n78 "DDDDDDDSUU" at 30 kHz, the 2.5 ms "DDDSU", FDD) rather than recomputed from the rule. */
#include <check.h>
#include <errno.h>

#include "mac/slot_pattern.h"
#include "tests/unit/check_run.h"

START_TEST(fdd_every_symbol_both_ways)
{
    struct slot_pattern p;
    slot_pattern_init_fdd(&p);
    for (uint64_t s = 0; s < 100; s++) {
        ck_assert_uint_eq(slot_pattern_dl_symbols(&p, s), 0x3fff);
        ck_assert_uint_eq(slot_pattern_ul_symbols(&p, s), 0x3fff);
    }
    ck_assert(slot_pattern_ul_span(&p, 7, 0, 14));
}
END_TEST

/* 5 ms at 30 kHz = 10 slots: 7 DL slots, a special slot with 6 DL and 4 UL symbols (4 guard), 2 UL slots. */
START_TEST(n78_dddddddsuu)
{
    struct slot_pattern p;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 10, 7, 6, 2, 4), 0);
    static const char *const expect[10] = {"DDDDDDDDDDDDDD", "DDDDDDDDDDDDDD", "DDDDDDDDDDDDDD", "DDDDDDDDDDDDDD",
                                           "DDDDDDDDDDDDDD", "DDDDDDDDDDDDDD", "DDDDDDDDDDDDDD", "DDDDDD----UUUU",
                                           "UUUUUUUUUUUUUU", "UUUUUUUUUUUUUU"};
    for (uint64_t s = 0; s < 40; s++) {
        uint16_t dl = slot_pattern_dl_symbols(&p, s), ul = slot_pattern_ul_symbols(&p, s);
        ck_assert_uint_eq(dl & ul, 0);
        for (int l = 0; l < 14; l++) {
            char c = expect[s % 10][l];
            ck_assert_msg(((dl >> l) & 1) == (c == 'D'), "slot %llu symbol %d DL", (unsigned long long)s, l);
            ck_assert_msg(((ul >> l) & 1) == (c == 'U'), "slot %llu symbol %d UL", (unsigned long long)s, l);
        }
    }
    ck_assert(slot_pattern_ul_span(&p, 8, 0, 14));
    ck_assert(slot_pattern_ul_span(&p, 7, 10, 4));
    ck_assert(!slot_pattern_ul_span(&p, 7, 9, 4));
    ck_assert(!slot_pattern_ul_span(&p, 6, 0, 1));
}
END_TEST

/* 2.5 ms at 30 kHz: DDDSU with a special slot of 10 DL, 2 UL symbols; and no special slot at all. */
START_TEST(short_periods)
{
    struct slot_pattern p;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 5, 3, 10, 1, 2), 0);
    ck_assert_uint_eq(slot_pattern_dl_symbols(&p, 3), 0x03ff);
    ck_assert_uint_eq(slot_pattern_ul_symbols(&p, 3), 0x3000);
    ck_assert_uint_eq(slot_pattern_ul_symbols(&p, 4), 0x3fff);
    ck_assert_uint_eq(slot_pattern_dl_symbols(&p, 5 + 2), 0x3fff);
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 4, 2, 0, 2, 0), 0);
    ck_assert_uint_eq(slot_pattern_dl_symbols(&p, 1), 0x3fff);
    ck_assert_uint_eq(slot_pattern_ul_symbols(&p, 1), 0);
    ck_assert_uint_eq(slot_pattern_ul_symbols(&p, 2), 0x3fff);
}
END_TEST

START_TEST(bad_patterns_refused)
{
    struct slot_pattern p;
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 10, 8, 6, 2, 4), -EINVAL);   /* 8 + 2 + special > 10 */
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 3, 1, 10, 1, 6), -EINVAL);   /* 16 symbols in one special slot */
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 0, 0, 0, 0, 0), -EINVAL);
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 10, 7, 14, 2, 0), -EINVAL);
    ck_assert_int_eq(slot_pattern_init_tdd(&p, 81, 7, 0, 2, 0), -EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("slot_pattern");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fdd_every_symbol_both_ways);
    tcase_add_test(tc, n78_dddddddsuu);
    tcase_add_test(tc, short_periods);
    tcase_add_test(tc, bad_patterns_refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
