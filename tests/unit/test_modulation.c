/* Unit tests for phy/mod/modulation: the 38.211 5.1 mappers against reference data (QPSK of tests/vectors/gold,
 * PBCH QPSK of the ssb grids, 16/64/256QAM of the pdsch grids) and spec points, unit energy, and the max-log
 * soft demapper: its per-axis LLRs equal a brute-force search over the whole constellation, hard decisions
 * invert the mapper, and LLR signs/magnitudes behave at high SNR. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/mod/modulation.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define TOL 1e-4f
#define NUM_SCHEMES 6
#define PDSCH_SC 624
#define PDSCH_SYMBOLS 14

static const enum modulation_scheme schemes[NUM_SCHEMES] = {
    MODULATION_BPSK, MODULATION_PI2_BPSK, MODULATION_QPSK, MODULATION_16QAM, MODULATION_64QAM, MODULATION_256QAM,
};

static void assert_symbols_close(const cf_t *got, const cf_t *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(cabsf(got[i] - want[i]) <= TOL, "%s: symbol %zu is %f%+fj, want %f%+fj", what, i,
                      crealf(got[i]), cimagf(got[i]), crealf(want[i]), cimagf(want[i]));
}

START_TEST(test_qpsk_maps_gold_bits_to_the_reference_sequences)
{
    FILE *f = vector_manifest_open("tests/vectors/gold");
    ck_assert_ptr_nonnull(f);
    char line[512], *fld[6];
    int rows = 0;
    cf_t d[2000];
    while (fgets(line, sizeof line, f)) {
        if (vector_tsv_split(line, fld, 6) != 6)
            continue;
        size_t nc = 0, nq = 0;
        uint8_t *c = vector_load_in("tests/vectors/gold", fld[4], &nc);
        cf_t *want = vector_load_in("tests/vectors/gold", fld[5], &nq);
        ck_assert(c && want && nc == 4000 && nq == sizeof d);
        ck_assert_int_eq(modulation_map(MODULATION_QPSK, c, 4000, d), 0);
        assert_symbols_close(d, want, 2000, fld[5]);
        free(c);
        free(want);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, 8);
}
END_TEST

/* PBCH data REs of an SSB grid in mapping order (38.211 7.4.3.1.3): l = 1..3, k ascending, skipping the DM-RS
 * (k = nu mod 4) and, in symbol 2, the SSS region 48..191. */
START_TEST(test_qpsk_maps_pbch_bits_to_every_ssb_grid)
{
    FILE *f = vector_manifest_open("tests/vectors/ssb");
    ck_assert_ptr_nonnull(f);
    struct vector_ssb_case c;
    int rows = 0;
    cf_t d[432];
    while (vector_ssb_next(f, &c)) {
        uint8_t *b = vector_load_case("tests/vectors/ssb", "ssb", c.id, "b864", 864);
        cf_t(*grid)[240] = vector_load_case("tests/vectors/ssb", "ssb", c.id, "grid", sizeof(cf_t) * 4 * 240);
        ck_assert(b && grid);
        ck_assert_int_eq(modulation_map(MODULATION_QPSK, b, 864, d), 0);
        size_t m = 0;
        for (int l = 1; l <= 3; l++)
            for (int k = 0; k < 240; k++)
                if (k % 4 != c.pci % 4 && !(l == 2 && k >= 48 && k < 192))
                    assert_symbols_close(&d[m++], &grid[l][k], 1, "PBCH");
        ck_assert_uint_eq(m, 432);
        free(b);
        free(grid);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, 8);
}
END_TEST

/* Whether RE (l, k) of a PDSCH allocation carries data: not on a DM-RS symbol, or on one but in a CDM group
 * left for data (38.214 5.1.6.2; port 1000: type 1 group = k mod 2, type 2 group = (k mod 6) / 2). */
static int pdsch_is_data(const struct vector_pdsch_case *c, int l, int k)
{
    if (!(c->dmrs_symbols & (1u << l)))
        return 1;
    int group = c->dmrs_type == 1 ? k % 2 : (k % 6) / 2;
    return group >= c->cdm_groups_without_data;
}

START_TEST(test_qam_maps_scrambled_bits_to_the_pdsch_grids)
{
    FILE *f = vector_manifest_open("tests/vectors/pdsch");
    ck_assert_ptr_nonnull(f);
    struct vector_pdsch_case c;
    unsigned orders_seen = 0;
    while (vector_pdsch_next(f, &c)) {
        uint8_t *scr = vector_load_case("tests/vectors/pdsch", "pdsch", c.id, "scr", (size_t)c.g);
        cf_t(*grid)[PDSCH_SC] = vector_load_case("tests/vectors/pdsch", "pdsch", c.id, "grid",
                                                  sizeof(cf_t) * PDSCH_SYMBOLS * PDSCH_SC);
        if (!scr || !grid) {   /* only some cases are copied */
            free(scr);
            free(grid);
            continue;
        }
        enum modulation_scheme m = c.qm == 2   ? MODULATION_QPSK
                                   : c.qm == 4 ? MODULATION_16QAM
                                   : c.qm == 6 ? MODULATION_64QAM
                                               : MODULATION_256QAM;
        ck_assert_int_eq(modulation_qm(m), c.qm);
        size_t nsym = (size_t)c.g / (size_t)c.qm, i = 0;
        cf_t *d = malloc(nsym * sizeof *d);
        ck_assert_int_eq(modulation_map(m, scr, (size_t)c.g, d), 0);
        for (int l = c.s; l < c.s + c.l; l++)
            for (int k = 12 * c.prb_start; k < 12 * (c.prb_start + c.nof_prb); k++)
                if (pdsch_is_data(&c, l, k)) {
                    ck_assert_uint_lt(i, nsym);
                    assert_symbols_close(&d[i++], &grid[l][k], 1, "PDSCH");
                }
        ck_assert_uint_eq(i, nsym);
        orders_seen |= 1u << c.qm;
        free(d);
        free(scr);
        free(grid);
    }
    fclose(f);
    ck_assert_uint_eq(orders_seen, (1u << 2) | (1u << 4) | (1u << 6) | (1u << 8));
}
END_TEST

/* Points written out from the formulas of 38.211 5.1.2-5.1.7 for a few bit patterns. */
START_TEST(test_mappers_give_the_spec_points)
{
    const float r2 = sqrtf(2), r10 = sqrtf(10), r42 = sqrtf(42), r170 = sqrtf(170);
    static const uint8_t b2[] = { 0, 1 }, q[] = { 0, 1, 1, 0 };
    static const uint8_t b16[] = { 0, 0, 1, 1, 1, 0, 0, 1 }, b64[] = { 0, 1, 1, 0, 1, 1 };
    static const uint8_t b256[] = { 1, 0, 0, 1, 1, 1, 0, 0 };
    cf_t d[2];
    modulation_map(MODULATION_BPSK, b2, 2, d);
    assert_symbols_close(d, (cf_t[]){ (1 + I) / r2, (-1 - I) / r2 }, 2, "BPSK");
    modulation_map(MODULATION_PI2_BPSK, b2, 2, d);   /* odd symbol: times j */
    assert_symbols_close(d, (cf_t[]){ (1 + I) / r2, (1 - I) / r2 }, 2, "pi/2-BPSK");
    modulation_map(MODULATION_QPSK, q, 4, d);
    assert_symbols_close(d, (cf_t[]){ (1 - I) / r2, (-1 + I) / r2 }, 2, "QPSK");
    modulation_map(MODULATION_16QAM, b16, 8, d);     /* 0011 -> 3+3j, 1001 -> -1+3j */
    assert_symbols_close(d, (cf_t[]){ (3 + 3 * I) / r10, (-1 + 3 * I) / r10 }, 2, "16QAM");
    modulation_map(MODULATION_64QAM, b64, 6, d);     /* I: s=+1,-1,-1 -> 4+(2+1)=7; Q: s=-1,+1,-1 -> -(4-3) */
    assert_symbols_close(d, (cf_t[]){ (7 - 1 * I) / r42 }, 1, "64QAM");
    modulation_map(MODULATION_256QAM, b256, 8, d);   /* I: 1,0,1,0 -> -(8-(4+(2-1)))=-3; Q: 0,1,1,0 -> 8+(4+1)=13 */
    assert_symbols_close(d, (cf_t[]){ (-3 + 13 * I) / r170 }, 1, "256QAM");
}
END_TEST

/* All 2^Qm bit patterns of one symbol, in order, as bits (one per byte). */
static void all_patterns(int qm, uint8_t *bits)
{
    for (int v = 0; v < (1 << qm); v++)
        for (int j = 0; j < qm; j++)
            bits[v * qm + j] = (uint8_t)((v >> (qm - 1 - j)) & 1);
}

START_TEST(test_constellations_have_unit_energy_and_distinct_points)
{
    uint8_t bits[256 * 8];
    cf_t d[256];
    for (int s = 0; s < NUM_SCHEMES; s++) {
        int qm = modulation_qm(schemes[s]), n = 1 << qm;
        all_patterns(qm, bits);
        ck_assert_int_eq(modulation_map(schemes[s], bits, (size_t)(n * qm), d), 0);
        double e = 0;
        for (int i = 0; i < n; i++) {
            e += (double)crealf(d[i] * conjf(d[i]));
            for (int j = 0; j < i; j++)
                ck_assert_msg(cabsf(d[i] - d[j]) > 0.05f, "scheme %d: points %d and %d coincide", s, i, j);
        }
        ck_assert_msg(fabs(e / n - 1.0) < 1e-5, "scheme %d: mean energy %f", s, e / n);
    }
}
END_TEST

/* max-log by exhaustive search over the constellation at symbol position pos (pi/2-BPSK depends on its parity). */
static void brute_force_llr(enum modulation_scheme m, size_t pos, cf_t y, float noise_var, float *llr)
{
    int qm = modulation_qm(m);
    float min0[8], min1[8];
    for (int j = 0; j < qm; j++)
        min0[j] = min1[j] = INFINITY;
    for (int v = 0; v < (1 << qm); v++) {
        uint8_t bits[16] = { 0 };
        cf_t d[2];
        for (int j = 0; j < qm; j++)
            bits[(pos & 1) * qm + (size_t)j] = (uint8_t)((v >> (qm - 1 - j)) & 1);
        modulation_map(m, bits, 2 * (size_t)qm, d);
        float dist = crealf((y - d[pos & 1]) * conjf(y - d[pos & 1]));
        for (int j = 0; j < qm; j++) {
            if ((v >> (qm - 1 - j)) & 1)
                min1[j] = fminf(min1[j], dist);
            else
                min0[j] = fminf(min0[j], dist);
        }
    }
    for (int j = 0; j < qm; j++)
        llr[j] = (min1[j] - min0[j]) / noise_var;
}

static float uniform(float a)
{
    return a * (2.0f * (float)rand() / (float)RAND_MAX - 1.0f);
}

START_TEST(test_demapper_equals_full_constellation_max_log)
{
    enum { N = 2000 };
    static cf_t y[N];
    static float llr[N * 8];
    srand(3);
    for (int s = 0; s < NUM_SCHEMES; s++) {
        int qm = modulation_qm(schemes[s]);
        for (int i = 0; i < N; i++)
            y[i] = uniform(1.8f) + uniform(1.8f) * I;   /* beyond the outermost levels too */
        ck_assert_int_eq(modulation_demap(schemes[s], y, N, 0.3f, llr), 0);
        for (size_t i = 0; i < N; i++) {
            float want[8];
            brute_force_llr(schemes[s], i, y[i], 0.3f, want);
            for (int j = 0; j < qm; j++)
                ck_assert_msg(fabsf(llr[i * (size_t)qm + (size_t)j] - want[j]) <= 1e-3f * (1 + fabsf(want[j])),
                              "scheme %d symbol %zu bit %d: %f vs %f", s, i, j, llr[i * (size_t)qm + (size_t)j],
                              want[j]);
        }
    }
}
END_TEST

/* demap(map(bits) + noise) gives back the bits by sign, for every bit pattern, when the noise stays inside the
 * decision region (|noise| per axis < 0.45 of the minimum distance). */
START_TEST(test_hard_decisions_invert_the_mapper)
{
    uint8_t bits[2 * 256 * 8];
    cf_t d[512];
    float llr[2 * 256 * 8];
    srand(5);
    for (int s = 0; s < NUM_SCHEMES; s++) {
        int qm = modulation_qm(schemes[s]), n = 2 << qm;   /* every pattern at an even and an odd position */
        all_patterns(qm, bits);
        all_patterns(qm, bits + (n / 2) * qm);
        modulation_map(schemes[s], bits, (size_t)(n * qm), d);
        /* Level spacing per axis, 2/sqrt(2 (2^Qm - 1) / 3); BPSK's points (+-1 +-j)/sqrt2 are spaced like QPSK's. */
        int qm_axes = qm == 1 ? 2 : qm;
        float dmin = 2.0f / sqrtf(2.0f * (float)((1 << qm_axes) - 1) / 3.0f);
        for (int i = 0; i < n; i++)
            d[i] += uniform(0.45f * dmin) + uniform(0.45f * dmin) * I;
        ck_assert_int_eq(modulation_demap(schemes[s], d, (size_t)n, 0.01f, llr), 0);
        for (int i = 0; i < n * qm; i++)
            ck_assert_msg((llr[i] < 0) == (bits[i] == 1), "scheme %d bit %d", s, i);
    }
}
END_TEST

/* At a noiseless QPSK point every LLR is exactly +-2/noise_var (4 * (1/sqrt2)^2 / noise_var), and all LLRs scale
 * as 1/noise_var: confidence grows with SNR, the sign never changes. */
START_TEST(test_llr_magnitudes_scale_with_snr)
{
    static const uint8_t bits[] = { 0, 1, 1, 1, 1, 0, 0, 0 };
    cf_t d[4];
    float llr[3 * 8], llr_hi[3 * 8];
    modulation_map(MODULATION_QPSK, bits, 8, d);
    modulation_demap(MODULATION_QPSK, d, 4, 0.5f, llr);
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq_tol(llr[i], bits[i] ? -4.0f : 4.0f, 1e-4f);
    for (int s = 0; s < NUM_SCHEMES; s++) {
        cf_t y[3] = { 0.3f - 0.9f * I, -0.05f + 0.2f * I, 1.1f + 0.4f * I };
        modulation_demap(schemes[s], y, 3, 0.1f, llr);
        modulation_demap(schemes[s], y, 3, 0.001f, llr_hi);
        for (int i = 0; i < 3 * modulation_qm(schemes[s]); i++)
            ck_assert_float_eq_tol(llr_hi[i], 100.0f * llr[i], 1e-3f * fabsf(llr_hi[i]) + 1e-3f);
    }
}
END_TEST

START_TEST(test_modulation_rejects_bad_arguments)
{
    uint8_t bits[8] = { 0 };
    cf_t d[8] = { 0 };
    float llr[8];
    ck_assert_int_eq(modulation_qm((enum modulation_scheme)17), -EINVAL);
    ck_assert_int_eq(modulation_map(MODULATION_16QAM, bits, 6, d), -EINVAL);
    ck_assert_int_eq(modulation_map((enum modulation_scheme)17, bits, 8, d), -EINVAL);
    ck_assert_int_eq(modulation_demap(MODULATION_QPSK, d, 1, 0.0f, llr), -EINVAL);
    ck_assert_int_eq(modulation_demap(MODULATION_QPSK, d, 1, -1.0f, llr), -EINVAL);
    ck_assert_int_eq(modulation_demap(MODULATION_QPSK, d, 1, NAN, llr), -EINVAL);
    ck_assert_int_eq(modulation_demap(MODULATION_QPSK, d, 1, INFINITY, llr), -EINVAL);
}
END_TEST

static Suite *modulation_suite(void)
{
    Suite *s = suite_create("modulation");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_qpsk_maps_gold_bits_to_the_reference_sequences);
    tcase_add_test(tc, test_qpsk_maps_pbch_bits_to_every_ssb_grid);
    tcase_add_test(tc, test_qam_maps_scrambled_bits_to_the_pdsch_grids);
    tcase_add_test(tc, test_mappers_give_the_spec_points);
    tcase_add_test(tc, test_constellations_have_unit_energy_and_distinct_points);
    tcase_add_test(tc, test_demapper_equals_full_constellation_max_log);
    tcase_add_test(tc, test_hard_decisions_invert_the_mapper);
    tcase_add_test(tc, test_llr_magnitudes_scale_with_snr);
    tcase_add_test(tc, test_modulation_rejects_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(modulation_suite());
}
