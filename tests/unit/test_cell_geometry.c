/* Tests of the cell geometry (phy/geometry/cell_geometry.c; the rasters themselves: test_bands.c) and its adapter
 * (gnb/config_geometry.c).
 *
 * Expected values come from outside the code under test: docs/SRSUE.md §2.4 (hand-computed srsUE cells), the
 * reference test frequencies of 38.508-1 4.3.1.1.1.1 (n1) and 4.3.1.1.1.48 (n48), the GSCN ranges of 38.104
 * Table 5.4.3.3-1, and values worked out by hand in the comments. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config_geometry.h"
#include "phy/geometry/bands.h"
#include "phy/geometry/cell_geometry.h"
#include "tests/unit/check_run.h"

/* A band-3 FDD cell at DL 368500 (1842.5 MHz), 15 kHz, as srsUE's defaults expect. */
static struct cell_geometry_input n3_cell(int bandwidth_mhz, int coreset0_index)
{
    return (struct cell_geometry_input){.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = bandwidth_mhz,
                                        .coreset0_index = coreset0_index, .dmrs_type_a_position = 2,
                                        .srsue_compatible = true};
}

static int derive(const struct cell_geometry_input *in, struct cell_geometry *g, struct cell_geometry_errors *e)
{
    memset(e, 0, sizeof(*e));
    return cell_geometry_derive(in, g, e);
}

/* True when one of the reported errors names `key`. */
static bool has_error(const struct cell_geometry_errors *e, const char *key)
{
    for (int i = 0; i < e->count && i < CELL_GEOMETRY_MAX_ERRORS; i++)
        if (strcmp(e->e[i].key, key) == 0 && e->e[i].msg[0])
            return true;
    return false;
}

/* The geometric invariants every derived cell must satisfy, recomputed from first principles. */
static void assert_consistent(const struct cell_geometry *g)
{
    int64_t scs = g->scs_khz * 1000LL, ssb_scs = g->ssb_scs_khz * 1000LL;
    int64_t sc0 = g->ssb_freq_hz - 120 * ssb_scs;   /* SS_REF is subcarrier 120 (38.104 Table 5.4.3.2-1) */
    ck_assert_int_eq(g->dl_freq_hz - g->dl_point_a_hz, 6LL * g->nof_prb * scs);
    ck_assert_int_eq(band_arfcn_to_hz(g->dl_point_a_arfcn), g->dl_point_a_hz);
    ck_assert_int_eq(band_arfcn_to_hz(g->ssb_arfcn), g->ssb_freq_hz);
    ck_assert(band_gscn_allowed(g->band_info, g->ssb_scs_khz, band_hz_to_gscn(g->ssb_freq_hz)));
    /* offsetToPointA and k_SSB together give the block's subcarrier 0 in 15 kHz steps from point A */
    ck_assert_int_eq(sc0 - g->dl_point_a_hz, (12LL * g->offset_to_point_a + g->k_ssb) * 15000);
    ck_assert_int_eq(g->ssb_offset_from_dc_hz % 15000, 0);   /* srsUE finds it relative to DC (docs/SRSUE.md §2.4) */
    ck_assert_int_ge(g->k_ssb, 0);
    ck_assert_int_lt(g->k_ssb, 12 * g->scs_khz / 15);
    if (g->ssb_scs_khz == g->scs_khz) {   /* same SCS: the block's subcarriers are carrier subcarriers */
        ck_assert_int_eq((sc0 - g->dl_point_a_hz) % scs, 0);
        ck_assert_int_eq(g->ssb_first_subcarrier * scs, sc0 - g->dl_point_a_hz);
    }
    ck_assert_int_ge(sc0, g->dl_point_a_hz);                                     /* block inside the carrier */
    ck_assert_int_le(sc0 + 239 * ssb_scs, g->dl_point_a_hz + (12LL * g->nof_prb - 1) * scs);
    ck_assert_int_eq(g->coreset0_crb_start, g->ssb_crb - g->coreset0.offset_rb); /* 38.213 13 offset */
    ck_assert_int_ge(g->coreset0_crb_start, 0);
    ck_assert_int_le(g->coreset0_crb_start + g->coreset0.nof_rb, g->nof_prb);
}

START_TEST(srsue_52prb_default_cell_matches_srsue_md)
{
    struct cell_geometry_input in = n3_cell(10, 6);
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.nof_prb, 52);
    ck_assert_int_eq(g.dl_point_a_hz, 1837820000);          /* docs/SRSUE.md §2.4: pointA 1837.82 MHz */
    ck_assert_int_eq(g.offset_to_point_a, 13);
    ck_assert_int_eq(g.k_ssb, 6);
    ck_assert_uint_eq(g.ssb_arfcn, 368410);                 /* srsUE's default ssb_nr_arfcn */
    ck_assert_int_eq(g.gscn, 4604);
    ck_assert_int_eq(g.ssb_offset_from_dc_hz, -450000);     /* -30 subcarriers from DC */
    ck_assert_int_eq(g.coreset0_crb_start, 1);              /* CORESET#0 index 6 at CRB 1..48 */
    ck_assert_int_eq(g.coreset0.nof_rb, 48);
    ck_assert_uint_eq(g.ul_arfcn, 349500);                  /* 1842.5 - 95 MHz duplex distance of n3 */
    ck_assert_int_eq(g.srsue_srate_hz, 11520000);
    ck_assert_int_eq(g.ssb_l_max, 4);
    assert_consistent(&g);
}
END_TEST

START_TEST(srsue_106prb_cell_matches_srsue_md)
{
    struct cell_geometry_input in = n3_cell(20, 12);
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.nof_prb, 106);
    ck_assert_int_eq(g.dl_point_a_hz, 1832960000);          /* pointA 1832.96 MHz */
    ck_assert_int_eq(g.offset_to_point_a, 40);
    ck_assert_int_eq(g.k_ssb, 6);
    ck_assert_uint_eq(g.ssb_arfcn, 368410);
    ck_assert_int_eq(g.coreset0_crb_start, 2);              /* CORESET#0 index 12 at CRB 2..97 */
    ck_assert_int_eq(g.coreset0_crb_start + g.coreset0.nof_rb - 1, 97);
    ck_assert_int_eq(g.srsue_srate_hz, 23040000);
    assert_consistent(&g);
}
END_TEST

/* 25 PRB at 368500: only a 24-RB CORESET#0 fits. Hand check: pointA = 1842.5 - 25 * 90 kHz = 1840.25 MHz; the
 * lowest raster point with the block inside is 1842.05 MHz, whose subcarrier 0 (-1.8 MHz) is pointA itself. */
START_TEST(srsue_25prb_cell_is_self_consistent)
{
    struct cell_geometry_input in = n3_cell(5, 0);
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    printf("25 PRB at 368500, CORESET#0 0: pointA %u, SSB %u (GSCN %d), offsetToPointA %d, k_SSB %d, "
           "CORESET#0 CRB %d..%d, srate %lld\n", g.dl_point_a_arfcn, g.ssb_arfcn, g.gscn, g.offset_to_point_a,
           g.k_ssb, g.coreset0_crb_start, g.coreset0_crb_start + g.coreset0.nof_rb - 1, (long long)g.srsue_srate_hz);
    ck_assert_int_eq(g.nof_prb, 25);
    ck_assert_int_eq(g.dl_point_a_hz, 1840250000);
    ck_assert_uint_eq(g.ssb_arfcn, 368410);
    ck_assert_int_eq(g.offset_to_point_a, 0);
    ck_assert_int_eq(g.k_ssb, 0);
    ck_assert_int_eq(g.ssb_offset_from_dc_hz % 15000, 0);
    ck_assert_int_eq(g.srsue_srate_hz, 5760000);
    assert_consistent(&g);
    /* the 48-RB rows cannot fit 25 PRB: rejected, naming CORESET#0 */
    in.coreset0_index = 6;
    ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
    ck_assert(has_error(&e, "coreset0_index"));
}
END_TEST

/* 38.508-1 Tables 4.3.1.1.1.1-1 (n1, SCS 15, "Low" rows) and 4.3.1.1.1.48-1 (n48, SCS 15, SSB 30 kHz). */
static const struct ref_row {
    int band, bw, dl_arfcn, coreset0;
    unsigned point_a, ssb_arfcn;
    int gscn, k_ssb, coreset0_start, offset_to_point_a;
} ref_rows[] = {
    {1, 5, 422500, 0, 422050, 422410, 5279, 0, 0, 0},
    {1, 10, 423000, 0, 422064, 422430, 5280, 2, 0, 0},
    {1, 15, 423500, 0, 422078, 422450, 5281, 4, 0, 0},   /* odd N_RB (79): centre mid-RB */
    {48, 10, 637000, 0, 636688, 636960, 7884, 8, 0, 2},  /* {30, 15} kHz: Table 13-3 */
    {48, 20, 637334, 1, 636698, 637056, 7885, 10, 3, 9},
};

START_TEST(reference_frequencies_of_38_508_1)
{
    const struct ref_row *r = &ref_rows[_i];
    struct cell_geometry_input in = {.band = r->band, .dl_arfcn = r->dl_arfcn, .scs_khz = 15,
                                     .bandwidth_mhz = r->bw, .coreset0_index = r->coreset0};
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_uint_eq(g.dl_point_a_arfcn, r->point_a);
    ck_assert_uint_eq(g.ssb_arfcn, r->ssb_arfcn);
    ck_assert_int_eq(g.gscn, r->gscn);
    ck_assert_int_eq(g.k_ssb, r->k_ssb);
    ck_assert_int_eq(g.coreset0_crb_start, r->coreset0_start);
    ck_assert_int_eq(g.offset_to_point_a, r->offset_to_point_a);
    assert_consistent(&g);
}
END_TEST

/* n78, 40 MHz at 30 kHz (106 PRB), SSB given at the carrier centre 641280 (3619.2 MHz, GSCN 7929). By hand:
 * pointA = 3619.2 - 106 * 6 * 0.03 = 3600.12 MHz = ARFCN 640008; block subcarrier 0 at 3615.6 MHz, 15.48 MHz =
 * 1032 x 15 kHz above pointA -> 30 kHz CRB 43, offsetToPointA 86, k_SSB 0; Table 13-4 row 12 (48 RB, offset
 * 16) -> CRB 27..74. */
START_TEST(n78_tdd_30khz_cell_by_hand)
{
    struct cell_geometry_input in = {.band = 78, .dl_arfcn = 641280, .ssb_arfcn = 641280, .scs_khz = 30,
                                     .bandwidth_mhz = 40, .coreset0_index = 12};
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.duplex, BAND_DUPLEX_TDD);
    ck_assert_uint_eq(g.ul_arfcn, 641280);
    ck_assert_uint_eq(g.dl_point_a_arfcn, 640008);
    ck_assert_int_eq(g.gscn, 7929);
    ck_assert_int_eq(g.ssb_crb, 43);
    ck_assert_int_eq(g.offset_to_point_a, 86);
    ck_assert_int_eq(g.k_ssb, 0);
    ck_assert_int_eq(g.coreset0_crb_start, 27);
    ck_assert_int_eq(g.ssb_pattern, SSB_PATTERN_C);
    ck_assert_int_eq(g.ssb_l_max, 8);
    ck_assert_int_eq(g.ssb_first_subcarrier, 1032 / 2);
    assert_consistent(&g);
}
END_TEST

/* n40 (100 kHz raster) with a 30 kHz carrier and 30 kHz Case C block: SS_REF steps of 50 kHz are not all on the
 * carrier's 30 kHz grid. By hand: pointA = 2350 - 51 x 0.18 = 2340.82 MHz, so SS_REF >= 2340.82 + 3.6 MHz; the
 * candidates 2344.85 (GSCN 5861) and 2344.95 MHz (5862) put subcarrier 0 430 and 530 kHz above pointA (not
 * multiples of 30 kHz); 2345.05 MHz (5863) puts it 630 kHz = 42 x 15 kHz above: 30 kHz CRB 1, offsetToPointA 2,
 * k_SSB 42 - 24 = 18. */
START_TEST(n40_ssb_stays_on_the_30khz_grid)
{
    struct cell_geometry_input in = {.band = 40, .dl_arfcn = 470000, .scs_khz = 30, .bandwidth_mhz = 20,
                                     .coreset0_index = 0};
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.nof_prb, 51);
    ck_assert_int_eq(g.gscn, 5863);
    ck_assert_int_eq(g.ssb_crb, 1);
    ck_assert_int_eq(g.offset_to_point_a, 2);
    ck_assert_int_eq(g.k_ssb, 18);
    assert_consistent(&g);
}
END_TEST

/* Every CORESET#0 index for 52 and 106 PRB at 368500 (SSB derived, pos3 DMRS so that 3 symbols are allowed) is
 * either placed inside the carrier or rejected naming coreset0_index. By hand: the 96-RB rows (12..14) cannot
 * fit 52 PRB, row 15 is reserved; every other row finds a raster point (offset-16 rows at 1843.25 MHz). */
START_TEST(coreset0_every_index_placed_or_rejected)
{
    static const int prb_bw[2][2] = {{52, 10}, {106, 20}};
    static const unsigned expect_placed[2] = {0x0fff, 0x7fff};   /* bit i: index i placed */
    for (int c = 0; c < 2; c++) {
        unsigned placed = 0;
        for (int idx = 0; idx < 16; idx++) {
            struct cell_geometry_input in = n3_cell(prb_bw[c][1], idx);
            in.srsue_compatible = false;
            in.dmrs_type_a_position = 3;
            struct cell_geometry g;
            struct cell_geometry_errors e;
            if (derive(&in, &g, &e) == 0) {
                ck_assert_int_eq(g.nof_prb, prb_bw[c][0]);
                assert_consistent(&g);
                placed |= 1u << idx;
            } else {
                ck_assert_int_eq(e.count, 1);
                ck_assert_str_eq(e.e[0].key, "coreset0_index");
            }
        }
        ck_assert_uint_eq(placed, expect_placed[c]);
    }
}
END_TEST

/* With the SSB fixed at 368410 (CRB 13 of 52 PRB), row i fits when 13 - offset >= 0 and 13 - offset + N_RB <= 52:
 * rows 0..6, 8 and 10 (offsets 0/2/4/12); offset 16 (7, 9, 11) falls below CRB 0; 96 RB never fits. */
START_TEST(coreset0_with_fixed_ssb_reports_the_rows_that_fit)
{
    unsigned placed = 0;
    for (int idx = 0; idx < 16; idx++) {
        struct cell_geometry_input in = n3_cell(10, idx);
        in.ssb_arfcn = 368410;
        in.srsue_compatible = false;
        in.dmrs_type_a_position = 3;
        struct cell_geometry g;
        struct cell_geometry_errors e;
        if (derive(&in, &g, &e) == 0) {
            ck_assert_int_eq(g.coreset0_crb_start, 13 - g.coreset0.offset_rb);
            placed |= 1u << idx;
        } else {
            ck_assert(has_error(&e, "coreset0_index"));
        }
    }
    ck_assert_uint_eq(placed, 0x057f);
    struct cell_geometry_input in = n3_cell(10, 7);
    in.ssb_arfcn = 368410;
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
    ck_assert_str_eq(e.e[0].allowed, "0, 1, 2, 6, 8 with this SSB");   /* srsUE: no 3-symbol rows */
}
END_TEST

START_TEST(three_symbol_coreset0_needs_dmrs_pos3)
{
    struct cell_geometry_input in = n3_cell(10, 3);   /* Table 13-1 row 3: 24 RB x 3 symbols */
    in.srsue_compatible = false;
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
    ck_assert(has_error(&e, "coreset0_index"));
    in.dmrs_type_a_position = 3;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.coreset0.nof_symb, 3);
    in.srsue_compatible = true;                     /* srsUE cannot receive pos3 nor a 3-symbol CORESET#0 */
    ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
    ck_assert(has_error(&e, "coreset0_index"));
    ck_assert(has_error(&e, "dmrs_type_a_position"));
}
END_TEST

/* 38.213 13 Table 13-11, worked by hand: n0 = (O * 2^mu + floor(i * M)) mod (10 * 2^mu), SFN parity from the
 * quotient. */
START_TEST(type0_occasions_worked_examples)
{
    static const struct { int row, mu, nsymb, i, n0, parity, sym; } ex[] = {
        {0, 0, 1, 0, 0, 0, 0},    /* O 0 */
        {4, 1, 1, 1, 11, 0, 0},   /* O 5 at 30 kHz: 10 + 1 */
        {7, 0, 2, 7, 0, 1, 2},    /* O 7, M 1/2: 7 + 3 = 10 -> slot 0 of an odd frame; odd i: symbol N_symb */
        {9, 0, 1, 3, 1, 1, 0},    /* O 5, M 2: 5 + 6 = 11 */
        {3, 0, 3, 5, 4, 0, 3},    /* O 2, M 1/2: 2 + 2 */
        {8, 1, 1, 7, 14, 0, 0},   /* O 0, M 2 at 30 kHz: 14 */
        {15, 1, 2, 0, 10, 0, 2},  /* O 5 at 30 kHz, first symbol 2 */
        {6, 1, 1, 7, 1, 1, 0},    /* O 7 at 30 kHz: 14 + 7 = 21 -> slot 1 of an odd frame */
    };
    for (size_t k = 0; k < sizeof(ex) / sizeof(ex[0]); k++) {
        struct type0_ss_row row;
        struct type0_occasion occ;
        ck_assert_int_eq(cell_geometry_type0_row(ex[k].row, &row), 0);
        ck_assert_int_eq(cell_geometry_type0_occasion_for(&row, ex[k].mu, ex[k].nsymb, ex[k].i, &occ), 0);
        ck_assert_int_eq(occ.n0, ex[k].n0);
        ck_assert_int_eq(occ.sfn_parity, ex[k].parity);
        ck_assert_int_eq(occ.first_symbol, ex[k].sym);
    }
}
END_TEST

/* Every searchSpaceZero row, both numerologies, every SSB index: a slot of the frame, a CORESET inside the slot's
 * first symbols, occasions never earlier for a later SSB, and the slot pair seen by type0_in_slot. */
START_TEST(type0_occasions_every_row)
{
    struct cell_geometry_input in = n3_cell(10, 6);
    struct cell_geometry g;
    struct cell_geometry_errors e;
    for (int row = 0; row < 16; row++) {
        for (int mu = 0; mu < 2; mu++) {
            int slots = 10 << mu, prev = -1;
            for (int i = 0; i < 8; i++) {
                struct type0_ss_row r;
                struct type0_occasion occ;
                ck_assert_int_eq(cell_geometry_type0_row(row, &r), 0);
                ck_assert_int_eq(cell_geometry_type0_occasion_for(&r, mu, 3, i, &occ), 0);
                ck_assert(occ.n0 >= 0 && occ.n0 < slots);
                ck_assert(occ.sfn_parity == 0 || occ.sfn_parity == 1);
                ck_assert_int_le(occ.first_symbol + occ.nof_symbols, 14);
                int at = occ.sfn_parity * slots + occ.n0;   /* O <= 7 and i * M <= 14 stay within 2 frames */
                ck_assert_int_ge(at, prev);
                ck_assert_int_eq(at, ((r.o << mu) + i * r.m2 / 2) % (2 * slots));
                prev = at;
            }
        }
        in.searchspace0_index = row;
        ck_assert_int_eq(derive(&in, &g, &e), 0);
        struct type0_occasion occ;
        ck_assert_int_eq(cell_geometry_type0_occasion(&g, 0, &occ), 0);
        int count = 0;
        for (int sfn = 0; sfn < 2; sfn++)
            for (int slot = 0; slot < 10; slot++)
                count += cell_geometry_type0_in_slot(&g, 0, sfn, slot);
        ck_assert_int_eq(count, 2);
        ck_assert(cell_geometry_type0_in_slot(&g, 0, occ.sfn_parity + 2, occ.n0));
        ck_assert_int_eq(cell_geometry_type0_occasion(&g, g.ssb_l_max, &occ), -EINVAL);
    }
    in.searchspace0_index = 16;
    ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
    ck_assert(has_error(&e, "searchspace0_index"));
}
END_TEST

/* Row 9 (O 5, M 2) at 15 kHz, SSB 7 of an 8-block cell: 5 + 14 = 19 -> slot 9 of odd frames, and slot n0 + 1 is
 * slot 0 of the following (even) frame. */
START_TEST(type0_second_slot_wraps_into_the_next_frame)
{
    struct cell_geometry_input in = {.band = 78, .dl_arfcn = 632629, .scs_khz = 15, .bandwidth_mhz = 40,
                                     .coreset0_index = 0, .searchspace0_index = 9};
    struct cell_geometry g;
    struct cell_geometry_errors e;
    struct type0_occasion occ;
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.ssb_l_max, 8);
    ck_assert_int_eq(cell_geometry_type0_occasion(&g, 7, &occ), 0);
    ck_assert_int_eq(occ.n0, 9);
    ck_assert_int_eq(occ.sfn_parity, 1);
    ck_assert(cell_geometry_type0_in_slot(&g, 7, 101, 9));
    ck_assert(cell_geometry_type0_in_slot(&g, 7, 102, 0));
    ck_assert(!cell_geometry_type0_in_slot(&g, 7, 101, 0));
    ck_assert(!cell_geometry_type0_in_slot(&g, 7, 102, 9));
}
END_TEST

START_TEST(ssb_first_symbols_per_case)
{
    struct cell_geometry_input in = n3_cell(10, 6);
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), 0);             /* Case A, L_max 4: {2, 8} + 14n */
    ck_assert_int_eq(cell_geometry_ssb_first_symbol(&g, 0), 2);
    ck_assert_int_eq(cell_geometry_ssb_first_symbol(&g, 1), 8);
    ck_assert_int_eq(cell_geometry_ssb_first_symbol(&g, 3), 22);
    ck_assert_int_eq(cell_geometry_ssb_first_symbol(&g, 4), -EINVAL);
    in = (struct cell_geometry_input){.band = 5, .dl_arfcn = 176300, .scs_khz = 30, .bandwidth_mhz = 10,
                                      .coreset0_index = 0};
    /* n5, 24 PRB at 30 kHz around 881.5 MHz: pointA 877.18 MHz; Table 13-4 row 0 (24 RB, offset 0) needs the
     * block in CRB 0 on the 30 kHz grid: of 880.85/880.95/881.05 MHz only 881.05 is 270 kHz = 9 x 30 kHz above
     * pointA -> GSCN 2203, k_SSB 18 (so the PBCH carries its MSB). Case B {4, 8, 16, 20} + 28n. */
    ck_assert_int_eq(derive(&in, &g, &e), 0);
    ck_assert_int_eq(g.gscn, 2203);
    ck_assert_int_eq(g.k_ssb, 18);
    ck_assert_int_eq(g.pbch_k_ssb_msb, 1);
    ck_assert_int_eq(g.mib_ssb_subcarrier_offset, 2);
    ck_assert_int_eq(g.ssb_pattern, SSB_PATTERN_B);
    ck_assert_int_eq(cell_geometry_ssb_first_symbol(&g, 2), 16);
    ck_assert_int_eq(cell_geometry_ssb_first_symbol(&g, 3), 20);
    assert_consistent(&g);
}
END_TEST

START_TEST(off_raster_and_out_of_band_values_are_rejected)
{
    static const struct { int band, dl, ssb, scs, bw; const char *key; } bad[] = {
        {3, 368501, 0, 15, 10, "dl_arfcn"},     /* not on the 100 kHz raster */
        {3, 380000, 0, 15, 10, "dl_arfcn"},     /* above n3's DL range */
        {3, 361000, 0, 15, 10, "dl_arfcn"},     /* 1805 MHz centre: lower edge at 1800 MHz */
        {66, 438000, 0, 15, 10, "dl_arfcn"},    /* 2190 MHz: no paired UL (1790 > 1780 MHz) */
        {78, 632629, 0, 30, 40, "dl_arfcn"},    /* odd: not on the 30 kHz raster */
        {3, 368500, 368400, 15, 10, "ssb_arfcn"}, /* 1842.0 MHz: not a GSCN */
        {3, 368500, 368430, 15, 10, "ssb_arfcn"}, /* GSCN 4605, but 2530 kHz from pointA: off the grid */
        {3, 375000, 375610, 15, 10, "ssb_arfcn"}, /* GSCN 4694: past n3's 4517..4693 */
        {3, 368500, 369130, 15, 10, "ssb_arfcn"}, /* 1845.65 MHz (GSCN 4613): top subcarrier past 1847.165 */
        {99, 368500, 0, 15, 10, "band"},
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        struct cell_geometry_input in = {.band = bad[k].band, .dl_arfcn = bad[k].dl, .ssb_arfcn = bad[k].ssb,
                                         .scs_khz = bad[k].scs, .bandwidth_mhz = bad[k].bw, .coreset0_index = 0};
        struct cell_geometry g;
        struct cell_geometry_errors e;
        ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
        ck_assert_msg(has_error(&e, bad[k].key), "case %zu: no %s error (first: %s: %s)", k, bad[k].key,
                      e.count ? e.e[0].key : "-", e.count ? e.e[0].msg : "-");
        ck_assert(e.e[0].allowed[0]);
    }
    /* the allowed range is rounded onto the channel raster: n41, 15 kHz raster 499200-<3>-537999, 10 MHz:
     * centre >= 2501 MHz = 500200 -> 500202; <= 2685 MHz = 537000 (on the raster) */
    struct cell_geometry_input edge = {.band = 41, .dl_arfcn = 499200, .scs_khz = 15, .bandwidth_mhz = 10};
    struct cell_geometry ge;
    struct cell_geometry_errors ee;
    ck_assert_int_eq(derive(&edge, &ge, &ee), -EINVAL);
    ck_assert_str_eq(ee.e[0].key, "dl_arfcn");
    ck_assert_str_eq(ee.e[0].allowed, "500202..537000 in steps of 3 for this bandwidth");
    /* the same n78 carrier on the 15 kHz raster is fine */
    struct cell_geometry_input ok = {.band = 78, .dl_arfcn = 632629, .scs_khz = 15, .bandwidth_mhz = 40,
                                     .coreset0_index = 0};
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&ok, &g, &e), 0);
    assert_consistent(&g);
}
END_TEST

START_TEST(srsue_compatible_rejects_what_srsue_cannot_receive)
{
    static const struct { int band, dl, scs, bw, coreset0; const char *key; } bad[] = {
        {3, 368500, 30, 10, 0, "scs_khz"},
        {78, 641280, 30, 40, 12, "band"},
        {3, 368500, 15, 25, 6, "bandwidth_mhz"},
        {3, 368500, 15, 10, 10, "coreset0_index"},   /* 48 RB x 3 symbols */
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        struct cell_geometry_input in = {.band = bad[k].band, .dl_arfcn = bad[k].dl, .scs_khz = bad[k].scs,
                                         .bandwidth_mhz = bad[k].bw, .coreset0_index = bad[k].coreset0,
                                         .dmrs_type_a_position = 2, .srsue_compatible = true};
        struct cell_geometry g;
        struct cell_geometry_errors e;
        ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
        ck_assert_msg(has_error(&e, bad[k].key), "case %zu: no %s error", k, bad[k].key);
        in.srsue_compatible = false;
        in.dmrs_type_a_position = 3;
        ck_assert_msg(derive(&in, &g, &e) == 0, "case %zu without srsUE: %s: %s", k, e.e[0].key, e.e[0].msg);
    }
}
END_TEST

START_TEST(independent_errors_are_all_reported)
{
    struct cell_geometry_input in = n3_cell(10, 15);
    in.searchspace0_index = 16;
    in.dmrs_type_a_position = 4;
    struct cell_geometry g;
    struct cell_geometry_errors e;
    ck_assert_int_eq(derive(&in, &g, &e), -EINVAL);
    ck_assert_int_eq(e.count, 3);
    ck_assert(has_error(&e, "coreset0_index"));
    ck_assert(has_error(&e, "searchspace0_index"));
    ck_assert(has_error(&e, "dmrs_type_a_position"));
    ck_assert_int_eq(cell_geometry_derive(&in, &g, NULL), -EINVAL);   /* errs is optional */
}
END_TEST

/* ---- the config adapter ---- */

#define CELL_REQ "pci = 1; band = 3; dl_arfcn = 368500; mcc = \"001\"; mnc = \"01\";"
static char out_buf[16384];

static int load_cell(struct gnbd_config *cfg, const char *extra)
{
    char text[1024];
    snprintf(text, sizeof(text), "cell = { " CELL_REQ " %s };\n", extra);
    memset(out_buf, 0, sizeof(out_buf));
    FILE *err = fmemopen(out_buf, sizeof(out_buf), "w");
    ck_assert_ptr_nonnull(err);
    config_geometry_register();
    int rc = config_load_string(cfg, text, "conf/x.conf", err);
    fclose(err);
    return rc;
}

static int count_lines_with(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

START_TEST(config_valid_cell_prints_derived_values_that_reload)
{
    struct gnbd_config cfg, again;
    ck_assert_int_eq(load_cell(&cfg, ""), 0);
    ck_assert_str_eq(out_buf, "");
    memset(out_buf, 0, sizeof(out_buf));
    FILE *out = fmemopen(out_buf, sizeof(out_buf), "w");
    config_print(&cfg, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(out_buf, "# derived cell geometry"));
    ck_assert_ptr_nonnull(strstr(out_buf, "offsetToPointA 13, k_SSB 6"));
    ck_assert_ptr_nonnull(strstr(out_buf, "ssb_nr_arfcn = 368410, nof_prb = 52"));
    ck_assert_ptr_nonnull(strstr(out_buf, "srate = 11.52e6"));
    char *copy = strdup(out_buf);
    FILE *err = fopen("/dev/null", "w");
    ck_assert_int_eq(config_load_string(&again, copy, "printed", err), 0);   /* comments only: still loads */
    fclose(err);
    free(copy);
}
END_TEST

START_TEST(config_reports_geometry_errors_once_per_key)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "ssb_arfcn = 368400;"), 1);
    ck_assert_int_eq(count_lines_with(out_buf, "\n"), 1);
    ck_assert_ptr_nonnull(strstr(out_buf, "conf/x.conf: cell.ssb_arfcn: 368400 is not on the synchronization raster"));
    ck_assert_ptr_nonnull(strstr(out_buf, "(allowed: 0 = derive, or the NR-ARFCN of GSCN 4517-<1>-4693, e.g. 368410)"));
    ck_assert_int_eq(load_cell(&cfg, "ssb_arfcn = 368410; coreset0_index = 7;"), 1);
    ck_assert_ptr_nonnull(strstr(out_buf, "conf/x.conf: cell.coreset0_index: 7 (48 RB, offset 16 RB)"));
    /* srsUE's bandwidth limit is reported by the config checks; the geometry does not repeat it */
    int rc = load_cell(&cfg, "bandwidth_mhz = 25;");
    ck_assert_int_ge(rc, 1);
    ck_assert_int_eq(count_lines_with(out_buf, "cell.bandwidth_mhz"), 1);
    ck_assert_int_eq(count_lines_with(out_buf, "\n"), rc);
}
END_TEST

/* A TDD cell with srsue_compatible: the config checks name cell.duplex and cell.scs_khz; the geometry's own
 * srsUE verdicts on the same facts (keys band, scs_khz) are not printed a second time. */
START_TEST(config_does_not_repeat_srsue_errors)
{
    static const char text[] =
        "cell = { pci = 1; band = 78; dl_arfcn = 641280; scs_khz = 30; bandwidth_mhz = 40; duplex = \"tdd\";"
        " coreset0_index = 12; mcc = \"001\"; mnc = \"01\"; srsue_compatible = true;"
        " tdd = { period_ms = 5.0; dl_slots = 7; ul_slots = 2; }; };\n";
    struct gnbd_config cfg;
    memset(out_buf, 0, sizeof(out_buf));
    FILE *err = fmemopen(out_buf, sizeof(out_buf), "w");
    config_geometry_register();
    int rc = config_load_string(&cfg, text, "conf/x.conf", err);
    fclose(err);
    ck_assert_int_ge(rc, 2);
    ck_assert_int_eq(count_lines_with(out_buf, "\n"), rc);
    ck_assert_int_eq(count_lines_with(out_buf, "cell.duplex"), 1);
    ck_assert_int_eq(count_lines_with(out_buf, "cell.scs_khz"), 1);
    ck_assert_int_eq(count_lines_with(out_buf, "cell.band:"), 0);
}
END_TEST

static Suite *cell_geometry_suite(void)
{
    Suite *s = suite_create("cell_geometry");
    TCase *srsue = tcase_create("srsue_cells");
    tcase_add_test(srsue, srsue_52prb_default_cell_matches_srsue_md);
    tcase_add_test(srsue, srsue_106prb_cell_matches_srsue_md);
    tcase_add_test(srsue, srsue_25prb_cell_is_self_consistent);
    tcase_add_test(srsue, srsue_compatible_rejects_what_srsue_cannot_receive);
    suite_add_tcase(s, srsue);
    TCase *ref = tcase_create("reference_cells");
    tcase_add_loop_test(ref, reference_frequencies_of_38_508_1, 0, (int)(sizeof(ref_rows) / sizeof(ref_rows[0])));
    tcase_add_test(ref, n78_tdd_30khz_cell_by_hand);
    tcase_add_test(ref, n40_ssb_stays_on_the_30khz_grid);
    suite_add_tcase(s, ref);
    TCase *raster = tcase_create("rasters");
    tcase_add_test(raster, off_raster_and_out_of_band_values_are_rejected);
    suite_add_tcase(s, raster);
    TCase *pdcch = tcase_create("coreset0_type0");
    tcase_add_test(pdcch, coreset0_every_index_placed_or_rejected);
    tcase_add_test(pdcch, coreset0_with_fixed_ssb_reports_the_rows_that_fit);
    tcase_add_test(pdcch, three_symbol_coreset0_needs_dmrs_pos3);
    tcase_add_test(pdcch, type0_occasions_worked_examples);
    tcase_add_test(pdcch, type0_occasions_every_row);
    tcase_add_test(pdcch, type0_second_slot_wraps_into_the_next_frame);
    tcase_add_test(pdcch, ssb_first_symbols_per_case);
    tcase_add_test(pdcch, independent_errors_are_all_reported);
    suite_add_tcase(s, pdcch);
    TCase *cfg = tcase_create("config_adapter");
    tcase_add_test(cfg, config_valid_cell_prints_derived_values_that_reload);
    tcase_add_test(cfg, config_reports_geometry_errors_once_per_key);
    tcase_add_test(cfg, config_does_not_repeat_srsue_errors);
    suite_add_tcase(s, cfg);
    return s;
}

int main(void)
{
    return check_run(cell_geometry_suite());
}
