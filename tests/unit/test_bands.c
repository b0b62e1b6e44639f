/* Tests of the band table and frequency rasters (phy/geometry/bands.c): NR-ARFCN <-> frequency over the three
 * ranges of 38.104 Table 5.4.2.1-1, GSCN <-> SS_REF (38.104 Table 5.4.3.1-1) with values worked by hand from the
 * GSCN ranges of 38.101-1 Table 5.4.3.3-1, the band rows against their own frequency ranges (Table 5.2-1 vs
 * Tables 5.4.2.3-1 and 5.4.3.3-1) and N_RB (Table 5.3.2-1). */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "phy/geometry/bands.h"
#include "tests/unit/check_run.h"

START_TEST(arfcn_round_trip_over_the_three_ranges)
{
    int64_t prev = -1;
    uint32_t bad = 0, first_bad = 0;
    for (uint32_t n = 0; n <= BAND_ARFCN_MAX; n++) {   /* every NR-ARFCN; one assert at the end (speed) */
        int64_t hz = band_arfcn_to_hz(n);
        uint32_t back = UINT32_MAX;
        if (hz <= prev || band_hz_to_arfcn(hz, &back) != 0 || back != n) {
            first_bad = bad++ ? first_bad : n;
        }
        prev = hz;
    }
    ck_assert_msg(bad == 0, "%u NR-ARFCNs do not round-trip, first %u", bad, first_bad);
    /* 38.104 Table 5.4.2.1-1 range ends: 5 kHz to 3 GHz, 15 kHz from 3 GHz, 60 kHz from 24250.08 MHz */
    ck_assert_int_eq(band_arfcn_to_hz(599999), 2999995000LL);
    ck_assert_int_eq(band_arfcn_to_hz(600000), 3000000000LL);
    ck_assert_int_eq(band_arfcn_to_hz(2016666), 24249990000LL);
    ck_assert_int_eq(band_arfcn_to_hz(2016667), 24250080000LL);
    ck_assert_int_eq(band_arfcn_to_hz(BAND_ARFCN_MAX), 99999960000LL);
    ck_assert_int_eq(band_arfcn_to_hz(368500), 1842500000LL);
    ck_assert_int_eq(band_arfcn_to_hz(BAND_ARFCN_MAX + 1), -EINVAL);
    uint32_t a;
    ck_assert_int_eq(band_hz_to_arfcn(1842502000LL, &a), -EINVAL);   /* not a multiple of 5 kHz */
    ck_assert_int_eq(band_hz_to_arfcn(3000005000LL, &a), -EINVAL);   /* not on the 15 kHz grid */
    ck_assert_int_eq(band_hz_to_arfcn(24250000000LL, &a), -EINVAL);  /* between the 15 and 60 kHz ranges */
    ck_assert_int_eq(band_hz_to_arfcn(24250020000LL, &a), -EINVAL);
}
END_TEST

START_TEST(gscn_examples_and_round_trip)
{
    static const struct { int gscn; int64_t hz; } ex[] = {
        {4517, 1807250000LL},  /* n3 first: N 1506, M 1 */
        {4693, 1877050000LL},  /* n3 last: N 1564, M 5 */
        {4604, 1842050000LL},  /* srsUE's default SSB */
        {7711, 3305280000LL},  /* n78 first: 3000 + 212 x 1.44 MHz */
        {8051, 3794880000LL},  /* n78 last */
        {2, 1250000LL},        /* first GSCN: N 1, M 1 */
        {7498, 2999050000LL},  /* N 2499, M 5 */
        {7499, 3000000000LL},
        {22256, 24250080000LL},
    };
    for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
        ck_assert_int_eq(band_gscn_to_hz(ex[i].gscn), ex[i].hz);
        ck_assert_int_eq(band_hz_to_gscn(ex[i].hz), ex[i].gscn);
    }
    for (int g = 2; g <= BAND_GSCN_MAX; g++)
        ck_assert_int_eq(band_hz_to_gscn(band_gscn_to_hz(g)), g);
    ck_assert_int_eq(band_gscn_to_hz(1), -EINVAL);
    ck_assert_int_eq(band_gscn_to_hz(BAND_GSCN_MAX + 1), -EINVAL);
    ck_assert_int_eq(band_hz_to_gscn(1842000000LL), -EINVAL);   /* M = 0: not an SS raster point */
    ck_assert_int_eq(band_hz_to_gscn(1842100000LL), -EINVAL);   /* M = 2 */
    ck_assert_int_eq(band_hz_to_gscn(3000720000LL), -EINVAL);   /* half a 1.44 MHz step */
}
END_TEST

/* Each band's NR-ARFCN range and SS raster lie inside its frequency range (the three tables agree). */
START_TEST(band_table_rasters_lie_inside_the_bands)
{
    int bands[64], n = band_list(bands, 64);
    ck_assert_int_ge(n, 21);
    for (int i = 0; i < n; i++) {
        const struct band_info *b = band_find(bands[i]);
        ck_assert_ptr_nonnull(b);
        for (int r = 0; r < b->nof_raster; r++) {
            const struct band_raster *ra = &b->raster[r];
            int64_t step_hz = band_arfcn_to_hz(ra->dl_first + ra->step) - band_arfcn_to_hz(ra->dl_first);
            int64_t lo = b->dl_low_khz * 1000LL, hi = b->dl_high_khz * 1000LL;
            ck_assert_int_ge(band_arfcn_to_hz(ra->dl_first), lo);
            ck_assert_int_lt(band_arfcn_to_hz(ra->dl_first) - lo, step_hz);
            ck_assert_int_le(band_arfcn_to_hz(ra->dl_last), hi);
            ck_assert_int_lt(hi - band_arfcn_to_hz(ra->dl_last), step_hz);
            ck_assert_int_ge(band_arfcn_to_hz(ra->ul_first), b->ul_low_khz * 1000LL);
            ck_assert_int_le(band_arfcn_to_hz(ra->ul_last), b->ul_high_khz * 1000LL);
            ck_assert_int_eq((ra->dl_last - ra->dl_first) % ra->step, 0);
        }
        for (int s = 0; s < b->nof_ssb; s++) {
            int scs = b->ssb[s].scs_khz, first = band_gscn_next(b, scs, -1), last = first;
            for (int g = first; g >= 0; g = band_gscn_next(b, scs, g))
                last = g;
            ck_assert_int_ge(band_gscn_to_hz(first), b->dl_low_khz * 1000LL);
            ck_assert_int_le(band_gscn_to_hz(last), b->dl_high_khz * 1000LL);
        }
    }
    ck_assert_ptr_null(band_find(99));
}
END_TEST

/* Every defined N_RB leaves a guard band: 12 * N_RB * SCS is below the channel bandwidth yet uses 75% or more of
 * it (38.101-1 5.3.3); the srsUE sizes (docs/SRSUE.md §2.1) are rows of the table; absent cells are absent. */
START_TEST(nof_prb_table_examples)
{
    static const int scs[3] = {15, 30, 60};
    int bw[32];
    for (int k = 0; k < 3; k++) {
        int n = band_bandwidths(scs[k], bw, 32);
        ck_assert_int_ge(n, 10);
        for (int i = 0; i < n; i++) {
            int nrb = band_nof_prb(bw[i], scs[k]);
            ck_assert_int_gt(nrb, 0);
            ck_assert_int_lt(12 * nrb * scs[k], bw[i] * 1000);
            ck_assert_int_ge(12 * nrb * scs[k] * 4, bw[i] * 1000 * 3);
        }
    }
    ck_assert_int_eq(band_nof_prb(5, 15) + band_nof_prb(10, 15) + band_nof_prb(15, 15), 25 + 52 + 79);
    ck_assert_int_eq(band_nof_prb(20, 15), 106);
    ck_assert_int_eq(band_nof_prb(60, 15), -EINVAL);
    ck_assert_int_eq(band_nof_prb(5, 60), -EINVAL);
    ck_assert_int_eq(band_nof_prb(10, 120), -EINVAL);
}
END_TEST

static Suite *bands_suite(void)
{
    Suite *s = suite_create("bands");
    TCase *tc = tcase_create("rasters");
    tcase_add_test(tc, arfcn_round_trip_over_the_three_ranges);
    tcase_add_test(tc, gscn_examples_and_round_trip);
    tcase_add_test(tc, band_table_rasters_lie_inside_the_bands);
    tcase_add_test(tc, nof_prb_table_examples);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(bands_suite());
}
