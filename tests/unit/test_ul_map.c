/* mac/ul_map: reservations that overlap are refused whole, the template is in every slot, the window moves and
 * forgets, free room is found lowest first. Regions are written out by hand for a 52-PRB carrier. */
#include <check.h>
#include <errno.h>

#include "mac/ul_map.h"
#include "tests/unit/check_run.h"

static struct ul_map m;

START_TEST(symbol_masks)
{
    ck_assert_uint_eq(ul_map_symbols(0, 14), 0x3fff);
    ck_assert_uint_eq(ul_map_symbols(12, 2), 0x3000);
    ck_assert_uint_eq(ul_map_symbols(0, 7), 0x007f);
    ck_assert_uint_eq(ul_map_symbols(7, 7), 0x3f80);
    ck_assert_uint_eq(ul_map_symbols(14, 1), 0);
    ck_assert_uint_eq(ul_map_symbols(3, 0), 0);
}
END_TEST

START_TEST(overlaps_refused_whole)
{
    ck_assert_int_eq(ul_map_init(&m, 52), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 5, 10, 4, ul_map_symbols(0, 14), UL_OWNER_MSG3), 0);
    /* one PRB of overlap: refused, and PRBs 14..16 stay free */
    ck_assert_int_eq(ul_map_reserve(&m, 5, 13, 4, ul_map_symbols(0, 14), UL_OWNER_PUSCH), -EBUSY);
    ck_assert(ul_map_is_free(&m, 5, 14, 3, UL_MAP_ALL_SYMBOLS));
    ck_assert_int_eq(ul_map_owner(&m, 5, 13), UL_OWNER_MSG3);
    ck_assert_int_eq(ul_map_owner(&m, 5, 14), UL_OWNER_FREE);
    /* the same PRBs in other symbols (a 2-symbol PUCCH beside a shortened PUSCH) */
    ck_assert_int_eq(ul_map_reserve(&m, 6, 20, 1, ul_map_symbols(0, 12), UL_OWNER_PUSCH), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 6, 20, 1, ul_map_symbols(12, 2), UL_OWNER_PUCCH_DEDICATED), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 6, 20, 1, ul_map_symbols(11, 1), UL_OWNER_PUSCH), -EBUSY);
    /* another slot is untouched */
    ck_assert(ul_map_is_free(&m, 7, 0, 52, UL_MAP_ALL_SYMBOLS));
    ck_assert_uint_eq(m.stats.reserved, 3);
    ck_assert_uint_eq(m.stats.refused, 2);
}
END_TEST

START_TEST(bad_regions)
{
    ck_assert_int_eq(ul_map_init(&m, 0), -EINVAL);
    ck_assert_int_eq(ul_map_init(&m, 276), -EINVAL);
    ck_assert_int_eq(ul_map_init(&m, 25), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 1, 24, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), -EINVAL);
    ck_assert_int_eq(ul_map_reserve(&m, 1, -1, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), -EINVAL);
    ck_assert_int_eq(ul_map_reserve(&m, 1, 0, 0, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), -EINVAL);
    ck_assert_int_eq(ul_map_reserve(&m, 1, 0, 1, 0, UL_OWNER_PUSCH), -EINVAL);
    ck_assert_int_eq(ul_map_reserve(&m, 1, 0, 1, 0x4000, UL_OWNER_PUSCH), -EINVAL);
    ck_assert_int_eq(ul_map_find(&m, 1, 5, 5, 1, UL_MAP_ALL_SYMBOLS), -EINVAL);
    ck_assert_int_eq(ul_map_find(&m, 1, 0, 26, 1, UL_MAP_ALL_SYMBOLS), -EINVAL);
}
END_TEST

/* The common PUCCH's two hops (PRB 0 in symbols 0..6, PRB 51 in 7..13: 38.213 9.2.1, row 11, r_PUCCH 0) and a
 * dedicated region at PRBs 47..50, in every slot; the window moves past where it started. */
START_TEST(template_in_every_slot)
{
    ck_assert_int_eq(ul_map_init(&m, 52), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 3, 30, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    ck_assert_int_eq(ul_map_template(&m, 0, 1, ul_map_symbols(0, 7), UL_OWNER_PUCCH_COMMON), 0);
    ck_assert_int_eq(ul_map_template(&m, 51, 1, ul_map_symbols(7, 7), UL_OWNER_PUCCH_COMMON), 0);
    ck_assert_int_eq(ul_map_template(&m, 47, 4, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUCCH_DEDICATED), 0);
    ck_assert_int_eq(ul_map_template(&m, 50, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUCCH_DEDICATED), -EBUSY);
    for (uint64_t s = 0; s < 300; s += 7) {
        ul_map_advance(&m, s);
        ck_assert(!ul_map_is_free(&m, s + 10, 0, 1, ul_map_symbols(6, 1)));
        ck_assert(ul_map_is_free(&m, s + 10, 0, 1, ul_map_symbols(7, 7)));
        ck_assert(!ul_map_is_free(&m, s + 10, 51, 1, ul_map_symbols(7, 1)));
        ck_assert(ul_map_is_free(&m, s + 10, 51, 1, ul_map_symbols(0, 7)));
        ck_assert_int_eq(ul_map_owner(&m, s + 63, 48), UL_OWNER_PUCCH_DEDICATED);
        /* a whole-slot PUSCH fits between the edges only */
        ck_assert_int_eq(ul_map_find(&m, s + 2, 0, 52, 46, UL_MAP_ALL_SYMBOLS), 1);
        ck_assert_int_eq(ul_map_find(&m, s + 2, 0, 52, 47, UL_MAP_ALL_SYMBOLS), -ENOSPC);
    }
    /* slot 3's PUSCH went with the window; slot 299's reservation is new */
    ck_assert(!ul_map_in_window(&m, 3));
    ck_assert_int_eq(ul_map_reserve(&m, 3, 30, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), -ERANGE);
    ck_assert_int_eq(ul_map_reserve(&m, 294 + UL_MAP_SLOTS, 30, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), -ERANGE);
    ck_assert_int_eq(ul_map_reserve(&m, 294 + UL_MAP_SLOTS - 1, 30, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    ck_assert_uint_eq(m.stats.out_of_window, 2);
}
END_TEST

/* A reservation made ahead survives the window moving up to its slot, and disappears after. */
START_TEST(window_keeps_future)
{
    ck_assert_int_eq(ul_map_init(&m, 52), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 40, 5, 3, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3), 0);
    for (uint64_t s = 1; s <= 40; s++) {
        ul_map_advance(&m, s);
        ck_assert_int_eq(ul_map_owner(&m, 40, 6), UL_OWNER_MSG3);
    }
    ul_map_advance(&m, 41);
    ck_assert_int_eq(ul_map_owner(&m, 40, 6), UL_OWNER_FREE);
    ul_map_advance(&m, 40); /* going back is ignored */
    ck_assert(!ul_map_in_window(&m, 40));
    /* a jump of more than the window refills every row */
    ck_assert_int_eq(ul_map_reserve(&m, 100, 5, 3, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3), 0);
    ul_map_advance(&m, 100 + 2 * UL_MAP_SLOTS);
    for (uint64_t s = 100 + 2 * UL_MAP_SLOTS; s < 100 + 3 * UL_MAP_SLOTS; s++)
        ck_assert(ul_map_is_free(&m, s, 0, 52, UL_MAP_ALL_SYMBOLS));
    ul_map_reset(&m, 7);
    ck_assert(ul_map_in_window(&m, 7));
    ck_assert(!ul_map_in_window(&m, 6));
}
END_TEST

START_TEST(find_lowest_and_longest)
{
    ck_assert_int_eq(ul_map_init(&m, 52), 0);
    /* taken: 0..3, 10..11, 20..39 */
    ck_assert_int_eq(ul_map_reserve(&m, 2, 0, 4, UL_MAP_ALL_SYMBOLS, UL_OWNER_PRACH), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 2, 10, 2, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 2, 20, 20, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 6, UL_MAP_ALL_SYMBOLS), 4);
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 7, UL_MAP_ALL_SYMBOLS), 12);
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 9, UL_MAP_ALL_SYMBOLS), 40);
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 8, UL_MAP_ALL_SYMBOLS), 12);
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 12, UL_MAP_ALL_SYMBOLS), 40);
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 13, UL_MAP_ALL_SYMBOLS), -ENOSPC);
    ck_assert_int_eq(ul_map_find(&m, 2, 5, 10, 5, UL_MAP_ALL_SYMBOLS), 5);
    int len = 0;
    ck_assert_int_eq(ul_map_find_longest(&m, 2, 0, 52, 100, UL_MAP_ALL_SYMBOLS, &len), 40);
    ck_assert_int_eq(len, 12);
    ck_assert_int_eq(ul_map_find_longest(&m, 2, 0, 52, 3, UL_MAP_ALL_SYMBOLS, &len), 4);
    ck_assert_int_eq(len, 3);
    ck_assert_int_eq(ul_map_find_longest(&m, 2, 0, 40, 100, UL_MAP_ALL_SYMBOLS, &len), 12);
    ck_assert_int_eq(len, 8);
    /* only the last two symbols wanted: the Msg3's PRBs are taken there too, nothing else changes */
    ck_assert_int_eq(ul_map_find(&m, 2, 0, 52, 8, ul_map_symbols(12, 2)), 12);
    ck_assert_int_eq(ul_map_reserve(&m, 2, 0, 52, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), -EBUSY);
    ck_assert_int_eq(ul_map_reserve(&m, 2, 4, 6, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 2, 12, 8, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    ck_assert_int_eq(ul_map_reserve(&m, 2, 40, 12, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    ck_assert_int_eq(ul_map_find_longest(&m, 2, 0, 52, 4, UL_MAP_ALL_SYMBOLS, &len), -ENOSPC);
    ck_assert_int_eq(len, 0);
    ck_assert_int_eq(ul_map_find(&m, 99, 0, 52, 1, UL_MAP_ALL_SYMBOLS), -ERANGE);
    ck_assert_str_eq(ul_owner_name(UL_OWNER_MSG3), "msg3");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ul_map");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, symbol_masks);
    tcase_add_test(tc, overlaps_refused_whole);
    tcase_add_test(tc, bad_regions);
    tcase_add_test(tc, template_in_every_slot);
    tcase_add_test(tc, window_keeps_future);
    tcase_add_test(tc, find_lowest_and_longest);
    suite_add_tcase(s, tc);
    return check_run(s);
}
