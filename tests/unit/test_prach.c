/* Unit tests for phy/ch/prach: the 38.211 PRACH tables against the typed-in spec tables; the Zadoff-Chu preambles,
 * the generator and the detector against srsRAN's format-0 vectors (tests/vectors/prach/prach_*); the generator
 * against independently computed short-format preambles (tests/vectors/prach/short_formats.py); round trips
 * generator -> detector for format 0 and A1, A2, A3, B4, C0, C2 (every preamble of an occasion at a random delay
 * inside its window, several preambles at once in noise; 8 and 16 UEs' preambles in one B4 occasion); noise alone
 * and bad input give no detection. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/prach.h"
#include "phy/seq/zc.h"
#include "tests/unit/check_run.h"
#include "tests/unit/spec_tables.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"

#define VEC_DIR "tests/vectors/prach"
#define VEC_FS 11.52e6
#define VEC_NPRB 52
#define VEC_LEN (1188 + 9216)
#define VEC_RX_LEN 10752          /* samples kept of each 3 ms rx file: the occasion plus the largest delay */
#define TIMING_TOL_SAMPLES 12.0   /* +-1.04 us at 11.52 Msps */

/* ---- the tables against tests/vectors/spec_tables ---- */

START_TEST(test_root_tables_match_spec)
{
    static const struct { const char *file; int l_ra; } tabs[] = {
        { "38211_table_6_3_3_1_3_root_l839.tsv", PRACH_L_LONG },
        { "38211_table_6_3_3_1_4_root_l139.tsv", PRACH_L_SHORT },
    };
    for (int t = 0; t < 2; t++) {
        struct spec_table st;
        ck_assert_int_eq(spec_table_load(&st, tabs[t].file), 0);
        ck_assert_int_eq(st.nrows, tabs[t].l_ra - 1);
        for (int r = 0; r < st.nrows; r++) {
            int i, u;
            ck_assert_int_eq(spec_table_int(&st, r, "i", &i), 0);
            ck_assert_int_eq(spec_table_int(&st, r, "u", &u), 0);
            ck_assert_msg(prach_root_u(tabs[t].l_ra, i) == u, "L %d i %d: %d, spec %d", tabs[t].l_ra, i,
                          prach_root_u(tabs[t].l_ra, i), u);
        }
        ck_assert_int_eq(prach_root_u(tabs[t].l_ra, tabs[t].l_ra - 1), -EINVAL);
        ck_assert_int_eq(prach_root_u(tabs[t].l_ra, -1), -EINVAL);
        spec_table_free(&st);
    }
}
END_TEST

START_TEST(test_ncs_tables_match_spec)
{
    struct spec_table st;
    ck_assert_int_eq(spec_table_load(&st, "38211_table_6_3_3_1_5_ncs_1p25khz.tsv"), 0);
    ck_assert_int_eq(st.nrows, PRACH_NUM_ZCZ);
    for (int r = 0; r < st.nrows; r++) {
        int zcz, ncs;
        ck_assert_int_eq(spec_table_int(&st, r, "zczc", &zcz), 0);
        ck_assert_int_eq(spec_table_int(&st, r, "unrestricted", &ncs), 0);
        for (enum prach_format f = PRACH_FORMAT_0; f <= PRACH_FORMAT_2; f++)
            ck_assert_int_eq(prach_n_cs(f, PRACH_SET_UNRESTRICTED, zcz), ncs);
        ck_assert_int_eq(prach_n_cs(PRACH_FORMAT_0, PRACH_SET_RESTRICTED_A, zcz), -ENOTSUP);
        ck_assert_int_eq(prach_n_cs(PRACH_FORMAT_0, PRACH_SET_RESTRICTED_B, zcz), -ENOTSUP);
    }
    spec_table_free(&st);
    ck_assert_int_eq(spec_table_load(&st, "38211_table_6_3_3_1_7_ncs_l139.tsv"), 0);
    ck_assert_int_eq(st.nrows, PRACH_NUM_ZCZ);
    for (int r = 0; r < st.nrows; r++) {
        int zcz, ncs;
        ck_assert_int_eq(spec_table_int(&st, r, "zczc", &zcz), 0);
        ck_assert_int_eq(spec_table_int(&st, r, "ncs", &ncs), 0);
        for (enum prach_format f = PRACH_FORMAT_A1; f <= PRACH_FORMAT_C2; f++)
            ck_assert_int_eq(prach_n_cs(f, PRACH_SET_UNRESTRICTED, zcz), ncs);
    }
    spec_table_free(&st);
    ck_assert_int_eq(prach_n_cs(PRACH_FORMAT_0, PRACH_SET_UNRESTRICTED, 16), -EINVAL);
    ck_assert_int_eq(prach_n_cs(PRACH_FORMAT_A1_B1, PRACH_SET_UNRESTRICTED, 1), -EINVAL);
}
END_TEST

/* An integer column that may be "-" (0 in our rows). */
static int int_or_dash(const struct spec_table *st, int r, const char *col)
{
    int v = -1;
    int rc = spec_table_int(st, r, col, &v);
    ck_assert_msg(rc == 0 || rc == -ENOENT, "row %d column %s unreadable", r, col);
    return rc == -ENOENT ? 0 : v;
}

START_TEST(test_config_tables_match_spec)
{
    static const char *const files[2] = { "38211_table_6_3_3_2_2_prach_fr1_paired.tsv",
                                          "38211_table_6_3_3_2_3_prach_fr1_unpaired.tsv" };
    for (int unpaired = 0; unpaired < 2; unpaired++) {
        struct spec_table st;
        ck_assert_int_eq(spec_table_load(&st, files[unpaired]), 0);
        ck_assert_int_ge(st.nrows, 256);
        for (int r = 0; r < st.nrows; r++) {
            int index, x, y[4], sf[10];
            ck_assert_int_eq(spec_table_int(&st, r, "index", &index), 0);
            const struct prach_config_row *row = prach_config_row(unpaired, index);
            ck_assert_ptr_nonnull(row);
            ck_assert_msg(row->format == prach_format_parse(spec_table_str(&st, r, "format")),
                          "%s index %d: format %d, spec %s", unpaired ? "unpaired" : "paired", index, row->format,
                          spec_table_str(&st, r, "format"));
            ck_assert_int_eq(spec_table_int(&st, r, "x", &x), 0);
            ck_assert_int_eq(spec_table_list(&st, r, "y", y, 4), 1);
            ck_assert_int_eq(row->x, x);
            ck_assert_int_eq(row->y, y[0]);
            int nsf = spec_table_list(&st, r, "subframes", sf, 10);
            ck_assert_int_gt(nsf, 0);
            unsigned mask = 0;
            for (int i = 0; i < nsf; i++)
                mask |= 1u << sf[i];
            ck_assert_msg(row->subframes == mask, "index %d subframes", index);
            ck_assert_int_eq(row->start_symbol, int_or_dash(&st, r, "start_symbol"));
            ck_assert_int_eq(row->slots_per_subframe, int_or_dash(&st, r, "slots_per_subframe"));
            ck_assert_int_eq(row->n_t_slot, int_or_dash(&st, r, "occasions_per_slot"));
            ck_assert_int_eq(row->n_dur, int_or_dash(&st, r, "duration"));
        }
        spec_table_free(&st);
    }
    ck_assert_ptr_null(prach_config_row(false, 256));
    ck_assert_ptr_null(prach_config_row(true, 263));
    ck_assert_ptr_null(prach_config_row(true, -1));
}
END_TEST

START_TEST(test_formats_and_kbar)
{
    /* Tables 6.3.3.1-1/-2 and 6.3.3.2-1, checked by hand against the text. */
    const struct prach_format_params *f0 = prach_format_params(PRACH_FORMAT_0);
    ck_assert_int_eq(f0->l_ra, 839);
    ck_assert_int_eq(f0->delta_f_ra_hz, 1250);
    ck_assert_int_eq(f0->n_u_kappa, 24576);
    ck_assert_int_eq(f0->n_cp_kappa, 3168);
    const struct prach_format_params *b4 = prach_format_params(PRACH_FORMAT_B4);
    ck_assert_int_eq(b4->l_ra, 139);
    ck_assert_int_eq(b4->n_u_kappa, 12 * 2048);
    ck_assert_int_eq(b4->n_cp_kappa, 936);
    ck_assert_int_eq(prach_format_params(PRACH_FORMAT_C0)->n_cp_kappa, 1240);
    ck_assert_ptr_null(prach_format_params(PRACH_FORMAT_A1_B1));
    ck_assert_int_eq(prach_format_parse("C2"), PRACH_FORMAT_C2);
    ck_assert_int_eq(prach_format_parse("A2/B2"), PRACH_FORMAT_A2_B2);
    ck_assert_int_eq(prach_format_parse("D1"), -EINVAL);
    int nrb = 0;
    ck_assert_int_eq(prach_kbar(839, 1250, 15, &nrb), 7);
    ck_assert_int_eq(nrb, 6);
    ck_assert_int_eq(prach_kbar(839, 1250, 30, &nrb), 1);
    ck_assert_int_eq(nrb, 3);
    ck_assert_int_eq(prach_kbar(839, 5000, 15, &nrb), 12);
    ck_assert_int_eq(prach_kbar(139, 30000, 30, &nrb), 2);
    ck_assert_int_eq(nrb, 12);
    ck_assert_int_eq(prach_kbar(139, 15000, 30, &nrb), 2);
    ck_assert_int_eq(nrb, 6);
    ck_assert_int_eq(prach_kbar(139, 1250, 15, NULL), -EINVAL);
}
END_TEST

START_TEST(test_time_occasions)
{
    struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS];
    /* Paired index 0: format 0, SFN mod 16 = 1, subframe 1, from the subframe start. */
    ck_assert_int_eq(prach_time_occasions(false, 0, 0, 1, 1, occ), 1);
    ck_assert_int_eq(occ[0].format, PRACH_FORMAT_0);
    ck_assert_int_eq(occ[0].t_start_kappa, 0);
    ck_assert_int_eq(occ[0].cp_kappa, 3168);
    ck_assert_int_eq(occ[0].len_kappa, 3168 + 24576);
    ck_assert_int_eq(prach_time_occasions(false, 0, 0, 17, 1, occ), 1);
    ck_assert_int_eq(prach_time_occasions(false, 0, 0, 0, 1, occ), 0);
    ck_assert_int_eq(prach_time_occasions(false, 0, 0, 1, 2, occ), 0);
    /* Unpaired index 16: format 0 from symbol 7 (0.5 ms = 7 x 2192 + 16 kappa), subframes 1 and 6 of every frame. */
    ck_assert_int_eq(prach_time_occasions(true, 16, 0, 5, 6, occ), 1);
    ck_assert_int_eq(occ[0].t_start_kappa, 15360);
    /* Unpaired index 159: B4, SFN any, subframe 9, one 30 kHz PRACH slot -> the second slot (n_slot 1), symbol
     * 14 of the subframe (0.5 ms), which starts a half subframe: N_CP = 936/2 + 16. */
    ck_assert_int_eq(prach_time_occasions(true, 159, 30, 3, 9, occ), 1);
    ck_assert_int_eq(occ[0].format, PRACH_FORMAT_B4);
    ck_assert_int_eq(occ[0].slot, 1);
    ck_assert_int_eq(occ[0].start_symbol, 14);
    ck_assert_int_eq(occ[0].t_start_kappa, 15360);
    ck_assert_int_eq(occ[0].cp_kappa, 468 + 16);
    ck_assert_int_eq(occ[0].len_kappa, 468 + 16 + 12288);
    /* The same at 15 kHz: slot 0, symbol 0. */
    ck_assert_int_eq(prach_time_occasions(true, 159, 15, 3, 9, occ), 1);
    ck_assert_int_eq(occ[0].start_symbol, 0);
    ck_assert_int_eq(occ[0].cp_kappa, 936 + 32);   /* symbols 0 .. 11 span symbols 0 and 7 */
    /* Unpaired index 67: A1, SFN mod 16 = 1, subframe 9, l0 0, 6 occasions of 2 symbols at 15 kHz. Those at
     * symbols 0 and 6 span a half-subframe start (+16 kappa), and each fills its 2 OFDM symbols exactly. */
    int n = prach_time_occasions(true, 67, 15, 1, 9, occ);
    ck_assert_int_eq(n, 6);
    for (int i = 0; i < n; i++) {
        int l = 2 * i;
        ck_assert_int_eq(occ[i].start_symbol, l);
        ck_assert_int_eq(occ[i].cp_kappa, 288 + (l == 0 || l == 6 ? 16 : 0));
        int sym = 2192 * 2 + (l == 0 || l == 6 ? 16 : 0);
        ck_assert_int_eq(occ[i].len_kappa, sym);
        ck_assert_int_eq(occ[i].t_start_kappa, 2192 * l + (l > 0 ? 16 : 0) + (l > 7 ? 16 : 0));
    }
    /* Unpaired index 211: A1/B1 at 30 kHz: slot 1, symbols 16, 18, .. 26; the last occasion is B1. */
    n = prach_time_occasions(true, 211, 30, 1, 9, occ);
    ck_assert_int_eq(n, 6);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(occ[i].start_symbol, 16 + 2 * i);
        ck_assert_int_eq(occ[i].format, i == 5 ? PRACH_FORMAT_B1 : PRACH_FORMAT_A1);
    }
    ck_assert_int_eq(occ[5].cp_kappa, 108);
    /* Every row: occasions only where the SFN and subframe match, as many as slots x N_t. */
    for (int unpaired = 0; unpaired < 2; unpaired++)
        for (int i = 0; i < (unpaired ? PRACH_CONFIG_ROWS_UNPAIRED : PRACH_CONFIG_ROWS_PAIRED); i++) {
            const struct prach_config_row *row = prach_config_row(unpaired, i);
            for (int sf = 0; sf < 10; sf++) {
                int got = prach_time_occasions(unpaired, i, 30, row->y, sf, occ);
                int want = !(row->subframes & (1u << sf)) ? 0
                           : row->format <= PRACH_FORMAT_3 ? 1
                           : row->n_t_slot * (row->slots_per_subframe == 2 ? 2 : 1);
                ck_assert_msg(got == want, "index %d sf %d: %d occasions, want %d", i, sf, got, want);
                if (row->x > 1)
                    ck_assert_int_eq(prach_time_occasions(unpaired, i, 30, row->y + 1, sf, occ), 0);
            }
        }
    ck_assert_int_eq(prach_time_occasions(true, 67, 60, 1, 9, occ), -EINVAL);
    ck_assert_int_eq(prach_time_occasions(true, 263, 30, 1, 9, occ), -EINVAL);
    ck_assert_int_eq(prach_kappa_to_samples(3168, 11.52e6), 1188);
    ck_assert_int_eq(prach_kappa_to_samples(16, 11.52e6), 6);
    ck_assert_int_eq(prach_kappa_to_samples(1, 11.52e6), -EINVAL);
}
END_TEST

/* ---- srsRAN's format-0 vectors ---- */

struct vec_case {
    int id, root, zcz, n_cs, v, u, c_v, freq_offset_prb, delay;
    double snr_db;
};

static int vec_next(FILE *f, struct vec_case *c)
{
    char line[4096], *fld[20];
    while (fgets(line, sizeof line, f)) {
        if (vector_tsv_split(line, fld, 20) < 19)
            continue;
        *c = (struct vec_case){ .id = atoi(fld[0]), .root = atoi(fld[3]), .zcz = atoi(fld[4]),
                                .n_cs = atoi(fld[5]), .v = atoi(fld[6]), .u = atoi(fld[7]), .c_v = atoi(fld[8]),
                                .freq_offset_prb = atoi(fld[9]), .delay = atoi(fld[15]),
                                .snr_db = strcmp(fld[16], "inf") == 0 ? INFINITY : atof(fld[16]) };
        return 1;
    }
    return 0;
}

static cf_t *vec_load(int id, const char *kind, size_t want_samples)
{
    char name[64];
    size_t size = 0;
    snprintf(name, sizeof name, "prach_%02d_%s.cf32", id, kind);
    cf_t *x = vector_load_in(VEC_DIR, name, &size);
    if (x && size != want_samples * sizeof(cf_t)) {
        free(x);
        x = NULL;
    }
    return x;
}

/* srsRAN 4G places the PRACH for msg1-FrequencyStart F as if the carrier had the LTE size of its FFT (50 PRB for
 * 768 points), i.e. one PRB higher on a 52-PRB carrier: the vector's position is 38.211's for F + 1. (srsUE
 * itself subtracts that (52 - 50) / 2 before calling the library, so on air it sends 38.211's position for F.) */
static struct prach_cfg vec_cfg(const struct vec_case *c)
{
    return (struct prach_cfg){ .sample_rate_hz = VEC_FS, .nof_prb = VEC_NPRB, .scs_khz = 15,
                               .format = PRACH_FORMAT_0, .root_sequence_index = c->root,
                               .zero_correlation_zone = c->zcz, .msg1_frequency_start = c->freq_offset_prb + 1 };
}

static double max_err_rel_rms(const cf_t *a, const cf_t *ref, size_t n)
{
    double power = 0.0, err = 0.0;
    for (size_t i = 0; i < n; i++) {
        power += (double)crealf(ref[i]) * crealf(ref[i]) + (double)cimagf(ref[i]) * cimagf(ref[i]);
        err = fmax(err, (double)cabsf(a[i] - ref[i]));
    }
    return err / sqrt(power / (double)n);
}

START_TEST(test_vectors_zc_and_roots)
{
    FILE *f = vector_manifest_open(VEC_DIR);
    ck_assert_ptr_nonnull(f);
    struct vec_case c;
    int cases = 0;
    cf_t zc[PRACH_L_LONG];
    while (vec_next(f, &c)) {
        int u, c_v;
        ck_assert_int_eq(prach_n_cs(PRACH_FORMAT_0, PRACH_SET_UNRESTRICTED, c.zcz), c.n_cs);
        ck_assert_int_eq(prach_preamble_root(PRACH_L_LONG, c.root, c.n_cs, c.v, &u, &c_v), 0);
        ck_assert_msg(u == c.u && c_v == c.c_v, "case %d: u %d C_v %d, vector %d %d", c.id, u, c_v, c.u, c.c_v);
        cf_t *ref = vec_load(c.id, "zc", PRACH_L_LONG);
        ck_assert_ptr_nonnull(ref);
        ck_assert_int_eq(zc_sequence(PRACH_L_LONG, u, c_v, zc), 0);
        for (int n = 0; n < PRACH_L_LONG; n++)
            ck_assert_msg(cabsf(zc[n] - ref[n]) < 1e-4f, "case %d n %d", c.id, n);
        free(ref);
        cases++;
    }
    fclose(f);
    ck_assert_int_eq(cases, 7);
}
END_TEST

START_TEST(test_vectors_generator)
{
    FILE *f = vector_manifest_open(VEC_DIR);
    ck_assert_ptr_nonnull(f);
    struct vec_case c;
    cf_t *out = malloc(VEC_LEN * sizeof(cf_t));
    int cases = 0;
    while (vec_next(f, &c)) {
        struct prach_cfg cfg = vec_cfg(&c);
        struct prach_generator g;
        ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
        ck_assert_int_eq(prach_generate(&g, c.v, NULL, out), VEC_LEN);
        cf_t *ref = vec_load(c.id, "preamble", VEC_LEN);
        ck_assert_ptr_nonnull(ref);
        double e = max_err_rel_rms(out, ref, VEC_LEN);
        ck_assert_msg(e < 1e-3, "case %d: max error %g x RMS", c.id, e);
        /* The same generator one PRB off must not match (the comparison can fail). */
        cfg.msg1_frequency_start++;
        prach_generator_free(&g);
        ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
        prach_generate(&g, c.v, NULL, out);
        ck_assert_double_gt(max_err_rel_rms(out, ref, VEC_LEN), 0.5);
        prach_generator_free(&g);
        free(ref);
        cases++;
    }
    fclose(f);
    free(out);
    ck_assert_int_eq(cases, 7);
}
END_TEST

START_TEST(test_vectors_detector)
{
    FILE *f = vector_manifest_open(VEC_DIR);
    ck_assert_ptr_nonnull(f);
    struct vec_case c;
    int cases = 0;
    while (vec_next(f, &c)) {
        bool has_rx = c.delay >= 0;
        cf_t *x = has_rx ? vec_load(c.id, "rx", VEC_RX_LEN) : vec_load(c.id, "preamble", VEC_LEN);
        ck_assert_ptr_nonnull(x);
        struct prach_detector_cfg dcfg = { .prach = vec_cfg(&c) };
        struct prach_detector d;
        ck_assert_int_eq(prach_detector_init(&d, &dcfg), 0);
        struct prach_detection res[PRACH_MAX_DETECTIONS];
        int n = prach_detect(&d, x, has_rx ? VEC_RX_LEN : VEC_LEN, NULL, res, PRACH_MAX_DETECTIONS);
        double want = has_rx ? c.delay : 0.0;
        ck_assert_msg(n == 1, "case %d: %d detections", c.id, n);
        ck_assert_int_eq(res[0].preamble_index, c.v);
        ck_assert_msg(fabs(res[0].delay_samples - want) <= TIMING_TOL_SAMPLES, "case %d: delay %.2f, true %.0f",
                      c.id, res[0].delay_samples, want);
        ck_assert_float_eq_tol(res[0].ta_us, res[0].delay_samples / VEC_FS * 1e6, 1e-3);
        /* The vector's SNR is over the whole sampled band (signal and noise power per sample); per PRACH
         * subcarrier that is 10 log10(N / L_RA) = 10.4 dB more. */
        double snr_sc = c.snr_db + 10.0 * log10(9216.0 / PRACH_L_LONG);
        if (isfinite(c.snr_db))
            ck_assert_msg(fabs(res[0].snr_db - snr_sc) < 2.0, "case %d: SNR %.1f dB, vector %.1f dB per subcarrier",
                          c.id, res[0].snr_db, snr_sc);
        prach_detector_free(&d);
        free(x);
        cases++;
    }
    fclose(f);
    ck_assert_int_eq(cases, 7);
}
END_TEST

/* ---- the independent short-format preambles ---- */

START_TEST(test_short_formats_independent)
{
    FILE *f = fopen(VEC_DIR "/short_cases.tsv", "r");
    ck_assert_ptr_nonnull(f);
    char line[1024], *fld[16];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_int_eq(vector_tsv_split(line, fld, 16), 14);
        struct prach_cfg cfg = { .format = prach_format_parse(fld[1]), .ra_scs_khz = atoi(fld[2]),
                                 .scs_khz = atoi(fld[3]), .nof_prb = atoi(fld[4]), .sample_rate_hz = atof(fld[5]),
                                 .root_sequence_index = atoi(fld[6]), .zero_correlation_zone = atoi(fld[7]),
                                 .msg1_frequency_start = atoi(fld[11]) };
        int v = atoi(fld[8]), u, c_v;
        int n_cs = prach_n_cs(cfg.format, PRACH_SET_UNRESTRICTED, cfg.zero_correlation_zone);
        ck_assert_int_eq(prach_preamble_root(PRACH_L_SHORT, cfg.root_sequence_index, n_cs, v, &u, &c_v), 0);
        ck_assert_int_eq(u, atoi(fld[9]));
        ck_assert_int_eq(c_v, atoi(fld[10]));
        struct prach_time_occasion occ = { .format = cfg.format, .cp_kappa = atoi(fld[12]) };
        struct prach_generator g;
        ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
        int len = prach_nof_samples(&g.p, cfg.sample_rate_hz, &occ);
        ck_assert_int_gt(len, 0);
        size_t size = 0;
        cf_t *ref = vector_load_in(VEC_DIR, fld[13], &size);
        ck_assert_ptr_nonnull(ref);
        ck_assert_uint_eq(size, (size_t)len * sizeof(cf_t));
        cf_t *out = malloc((size_t)len * sizeof(cf_t));
        ck_assert_int_eq(prach_generate(&g, v, &occ, out), len);
        double e = max_err_rel_rms(out, ref, (size_t)len);
        ck_assert_msg(e < 1e-3, "short case %s: max error %g x RMS", fld[0], e);
        /* Another preamble differs. */
        prach_generate(&g, (v + 1) % 64, &occ, out);
        ck_assert_double_gt(max_err_rel_rms(out, ref, (size_t)len), 0.5);
        free(out);
        free(ref);
        prach_generator_free(&g);
        cases++;
    }
    fclose(f);
    ck_assert_int_eq(cases, 3);
}
END_TEST

/* ---- round trips ---- */

/* Seeds are fixed; PRACH_SEED shifts them all (to run the random cases over other draws by hand). */
static uint64_t seed_of(uint64_t base)
{
    const char *e = getenv("PRACH_SEED");
    return base + (e ? strtoull(e, NULL, 10) * 100000u : 0u);
}

struct rt_case {
    const char *name;
    enum prach_format format;
    int ra_scs_khz, scs_khz, nof_prb;
    double fs;
    int root, zcz, msg1;
};

static const struct rt_case rt_cases[] = {
    { "0 zcz 1", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 22, 1, 4 },
    { "0 zcz 0 (64 roots)", PRACH_FORMAT_0, 0, 15, 52, 11.52e6, 700, 0, 0 },
    { "0 zcz 12 at 30 kHz", PRACH_FORMAT_0, 0, 30, 51, 23.04e6, 137, 12, 10 },
    { "A1 30 kHz", PRACH_FORMAT_A1, 30, 30, 51, 23.04e6, 5, 6, 2 },
    { "A2 30 kHz", PRACH_FORMAT_A2, 30, 30, 51, 23.04e6, 60, 8, 30 },
    { "A3 30 kHz", PRACH_FORMAT_A3, 30, 30, 106, 46.08e6, 100, 10, 0 },
    { "B4 30 kHz", PRACH_FORMAT_B4, 30, 30, 51, 23.04e6, 1, 14, 12 },
    { "C0 30 kHz", PRACH_FORMAT_C0, 30, 30, 51, 23.04e6, 137, 12, 39 },
    { "C2 30 kHz", PRACH_FORMAT_C2, 30, 30, 51, 23.04e6, 17, 3, 20 },
    { "B4 15 kHz", PRACH_FORMAT_B4, 15, 15, 52, 11.52e6, 80, 13, 7 },
    { "A1 15 kHz", PRACH_FORMAT_A1, 15, 15, 25, 7.68e6, 0, 0, 13 },
};
#define NUM_RT ((int)(sizeof rt_cases / sizeof rt_cases[0]))

static struct prach_cfg rt_cfg(const struct rt_case *c)
{
    return (struct prach_cfg){ .sample_rate_hz = c->fs, .nof_prb = c->nof_prb, .scs_khz = c->scs_khz,
                               .format = c->format, .ra_scs_khz = c->ra_scs_khz, .root_sequence_index = c->root,
                               .zero_correlation_zone = c->zcz, .msg1_frequency_start = c->msg1 };
}

/* Adds `pre` (len samples) to rx starting at `delay` (negative: started before rx[0]) with amplitude a. */
static void add_delayed(cf_t *rx, size_t rx_len, const cf_t *pre, int len, int delay, float a)
{
    for (int i = 0; i < len; i++) {
        long j = (long)i + delay;
        if (j >= 0 && (size_t)j < rx_len)
            rx[j] += a * pre[i];
    }
}

static void add_noise(cf_t *x, size_t n, double variance)
{
    float s = (float)sqrt(variance / 2.0);
    for (size_t i = 0; i < n; i++)
        x[i] += s * ((float)test_rng_gauss() + I * (float)test_rng_gauss());
}

/* Largest delay inside a window, in samples: (N_CS - early) lags, N_CS = 0: the CP. */
static int max_delay_samples(const struct prach_detector *d)
{
    const struct prach_params *p = &d->p;
    if (p->n_cs == 0)
        return p->n_cp - 1;
    double lag = (double)p->fft_size / p->l_ra;
    double early = d->early_lags;
    return (int)floor((p->n_cs - early - 0.5) * lag);
}

/* A generator and a default detector for one round-trip case. */
static void open_pair(const struct rt_case *c, struct prach_generator *g, struct prach_detector *d)
{
    struct prach_cfg cfg = rt_cfg(c);
    struct prach_detector_cfg dcfg = { .prach = cfg };
    ck_assert_int_eq(prach_generator_init(g, &cfg), 0);
    ck_assert_int_eq(prach_detector_init(d, &dcfg), 0);
}

START_TEST(test_roundtrip_every_preamble)
{
    const struct rt_case *c = &rt_cases[_i];
    struct prach_generator g;
    struct prach_detector d;
    open_pair(c, &g, &d);
    int len = prach_nof_samples(&g.p, c->fs, NULL);
    ck_assert_int_eq(prach_detector_nof_samples(&d, NULL), len);
    int max_delay = max_delay_samples(&d);
    double lag = (double)g.p.fft_size / g.p.l_ra;
    int max_early = (int)floor(d.early_lags * lag * 0.8);
    size_t rx_len = (size_t)len;
    cf_t *pre = malloc((size_t)len * sizeof(cf_t)), *rx = malloc(rx_len * sizeof(cf_t));
    double worst = 0.0;
    test_rng_seed(seed_of(1000 + (uint64_t)_i));
    for (int v = 0; v < PRACH_NUM_PREAMBLES; v++) {
        ck_assert_int_eq(prach_generate(&g, v, NULL, pre), len);
        /* A random delay inside the window; every fourth preamble slightly early. */
        int delay = v % 4 == 3 ? -(int)(test_rng_next() % (uint64_t)(max_early + 1))
                               : (int)(test_rng_next() % (uint64_t)(max_delay + 1));
        memset(rx, 0, rx_len * sizeof(cf_t));
        add_delayed(rx, rx_len, pre, len, delay, 1.0f);
        struct prach_detection res[PRACH_MAX_DETECTIONS];
        int n = prach_detect(&d, rx, rx_len, NULL, res, PRACH_MAX_DETECTIONS);
        ck_assert_msg(n == 1, "%s v %d delay %d: %d detections (first %d)", c->name, v, delay, n,
                      n > 0 ? res[0].preamble_index : -1);
        ck_assert_int_eq(res[0].preamble_index, v);
        double err = fabs(res[0].delay_samples - delay);
        worst = fmax(worst, err / lag);
        /* Timing within a fifth of a correlation lag (format 0: 2.2 samples at 11.52 Msps, 0.19 us). */
        ck_assert_msg(err <= 0.2 * lag, "%s v %d: delay %.2f, true %d (lag %.2f samples)", c->name, v,
                      res[0].delay_samples, delay, lag);
        ck_assert_msg(fabs(10.0 * log10(res[0].power)) < 1.0, "%s v %d: power %g", c->name, v, res[0].power);
        ck_assert_float_gt(res[0].snr_db, 15.0f);   /* no noise: the taper's sidelobes set the floor */
    }
    free(pre);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
}
END_TEST

/* `count` distinct preambles. L_RA 839: the first two share a root, the last two another (or the same) one.
 * L_RA 139: all in one root when it has several (other roots' preambles are strong interference over only 139
 * subcarriers, see below), else from distinct roots. */
static void pick_preambles(const struct prach_params *p, int count, int *v)
{
    bool one_root = p->l_ra == PRACH_L_SHORT && p->per_root > 1;
    for (int i = 0; i < count; i++) {
        bool dup;
        int tries = 0;
        do {
            bool same_root = i > 0 && p->per_root > 1 && (one_root || i % 2 == 1) && tries++ < 20;
            /* One root for all: one whose every cyclic shift is a preamble (all roots but maybe the last). */
            int roots = one_root ? PRACH_NUM_PREAMBLES / p->per_root : p->nof_roots;
            int root = same_root ? v[i - 1] / p->per_root : (int)(test_rng_next() % (uint64_t)roots);
            int slot = (int)(test_rng_next() % (uint64_t)p->per_root);
            v[i] = root * p->per_root + slot;
            dup = v[i] >= PRACH_NUM_PREAMBLES;
            for (int j = 0; j < i; j++)
                dup |= v[j] == v[i];
        } while (dup);
    }
}

/* Bound on the power estimate's error in dB at a given SINR: the peak's magnitude scatters by 1 / sqrt(2 rho)
 * relative, rho = the correlation's peak-to-noise ratio = SINR x L_RA x the taper's gain; 4 sigma plus 0.5 dB. */
static double power_tolerance_db(const struct prach_detector *d, double sinr)
{
    double rho = sinr * d->taper_gain, sigma = 1.0 / sqrt(2.0 * rho);
    return 0.5 - 20.0 * log10(1.0 - fmin(0.8, 4.0 * sigma));
}

/* Whether preamble i of those sent lies where a stronger one of its root casts ghosts (prach_detector.c: +-k d_u
 * lags and weaker than 3 / k^2, half at most; with margins for the scatter of the measured powers and lags): the
 * detector drops such a preamble by design. */
static bool in_ghost_of_stronger(const struct prach_detector *d, const int *v, const int *delay,
                                 const double *power, int count, int i)
{
    const struct prach_params *p = &d->p;
    double lag_per_sample = (double)p->l_ra / p->fft_size;
    for (int j = 0; j < count; j++) {
        if (j == i || v[j] / p->per_root != v[i] / p->per_root || power[i] >= 0.8 * power[j])
            continue;
        /* Correlation lags of both peaks: delay - C_v. */
        double li = delay[i] * lag_per_sample - (v[i] % p->per_root) * p->n_cs;
        double lj = delay[j] * lag_per_sample - (v[j] % p->per_root) * p->n_cs;
        int du = d->root_du[v[i] / p->per_root];
        for (int k = 1; k <= 48; k++)
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                double dist = fmod(li - lj - sgn * k * du + 4.0 * p->l_ra, (double)p->l_ra);
                if ((dist < 2.5 || dist > p->l_ra - 2.5) && power[i] < fmin(0.8, 4.0 / (k * k)) * power[j])
                    return true;
            }
    }
    return false;
}

START_TEST(test_roundtrip_several_preambles_in_noise)
{
    const struct rt_case *c = &rt_cases[_i];
    struct prach_generator g;
    struct prach_detector d;
    open_pair(c, &g, &d);
    int len = prach_nof_samples(&g.p, c->fs, NULL), max_delay = max_delay_samples(&d);
    double lag = (double)g.p.fft_size / g.p.l_ra;
    cf_t *pre = malloc((size_t)len * sizeof(cf_t)), *rx = malloc((size_t)len * sizeof(cf_t));
    test_rng_seed(seed_of(2000 + (uint64_t)_i));
    /* L_RA 839: four preambles at 0 / -2 / -4 / -6 dB. L_RA 139: up to four at 0 dB in one root, or two of distinct
     * roots (one preamble per root). Noise 10 dB under 0 dB per subcarrier. */
    bool is_long = g.p.l_ra == PRACH_L_LONG;
    int count = is_long ? 4 : g.p.per_root > 1 ? (g.p.per_root < 4 ? g.p.per_root : 4) : 2;
    double power[4], noise = 0.1;
    for (int i = 0; i < 4; i++)
        power[i] = is_long ? pow(10.0, -0.2 * i) : 1.0;
    for (int trial = 0; trial < 4; trial++) {
        int v[4], delay[4];
        pick_preambles(&g.p, count, v);
        memset(rx, 0, (size_t)len * sizeof(cf_t));
        for (int i = 0; i < count; i++) {
            delay[i] = (int)(test_rng_next() % (uint64_t)(max_delay + 1));
            prach_generate(&g, v[i], NULL, pre);
            add_delayed(rx, (size_t)len, pre, len, delay[i], (float)sqrt(power[i]));
        }
        add_noise(rx, (size_t)len, noise);
        struct prach_detection res[PRACH_MAX_DETECTIONS];
        int n = prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
        int shadowed = 0;
        for (int i = 0; i < count; i++)
            shadowed += in_ghost_of_stronger(&d, v, delay, power, count, i);
        ck_assert_msg(n <= count && n >= count - shadowed, "%s trial %d: %d detections, %d sent", c->name, trial, n,
                      count);
        for (int i = 0; i < count; i++) {
            int k = 0;
            while (k < n && res[k].preamble_index != v[i])
                k++;
            if (k == n && in_ghost_of_stronger(&d, v, delay, power, count, i))
                continue;
            ck_assert_msg(k < n, "%s trial %d: preamble %d missed", c->name, trial, v[i]);
            ck_assert_msg(fabs(res[k].delay_samples - delay[i]) <= 0.35 * lag, "%s: v %d delay %.1f true %d",
                          c->name, v[i], res[k].delay_samples, delay[i]);
            /* The SNR is a SINR after combining the repetitions: preambles of other roots correlate like noise
             * with this root (unless the detector cancelled them, prach.h); white noise is averaged down by the
             * repetitions, the preambles are not. */
            double interference = noise / g.p.n_rep;
            for (int j = 0; j < count && d.sic_steps == 0; j++)
                if (v[j] / g.p.per_root != v[i] / g.p.per_root)
                    interference += power[j];
            double sinr = power[i] / interference, tol = power_tolerance_db(&d, sinr);
            ck_assert_msg(fabs(10.0 * log10(res[k].power / power[i])) < tol, "%s: v %d power %g want %g (+-%.1f dB)",
                          c->name, v[i], res[k].power, power[i], tol);
            /* The noise estimate adds its own scatter (about 0.1 dB over 839, 0.4 dB over 139 subcarriers) and
             * over 139 the other same-root peaks' sidelobes show at high SINR. */
            double tol_snr = tol + (is_long ? 1.0 : 2.0);
            ck_assert_msg(fabs(res[k].snr_db - 10.0 * log10(sinr)) < tol_snr, "%s: v %d SNR %.1f want %.1f",
                          c->name, v[i], res[k].snr_db, 10.0 * log10(sinr));
        }
    }
    free(pre);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
}
END_TEST

/* Many UEs in one occasion (issue 14): 8 and 16 distinct preambles at equal power, each at a random delay inside its
 * window, in TDD 30 kHz format B4 with zeroCorrelationZoneConfig 8 (N_CS 15: 9 preambles per root, 8 roots, as
 * gnbd configures short formats), noise 10 dB under a preamble per subcarrier. Without cancellation the other
 * roots' preambles leave each peak about 8 dB over the floor and 1 of 16 was found. Every one must be found at its
 * delay, nothing else reported. Two preambles of one root whose peaks fall within 2.5 lags of each other (a delay
 * at the end of one window, the next preamble's near 0) cannot be told apart by any correlator: redrawn. */
START_TEST(test_many_preambles_one_occasion)
{
    static const int counts[] = { 8, 16 };
    struct prach_cfg cfg = { .sample_rate_hz = 23.04e6, .nof_prb = 51, .scs_khz = 30, .format = PRACH_FORMAT_B4,
                             .ra_scs_khz = 30, .root_sequence_index = 1, .zero_correlation_zone = 8,
                             .msg1_frequency_start = 2 };
    struct prach_detector_cfg dcfg = { .prach = cfg };
    struct prach_generator g;
    struct prach_detector d;
    ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), 0);
    ck_assert_int_eq(d.p.n_cs, 15);
    ck_assert_int_eq(d.p.per_root, 9);
    int len = prach_nof_samples(&g.p, cfg.sample_rate_hz, NULL), max_delay = max_delay_samples(&d);
    double lag = (double)g.p.fft_size / g.p.l_ra;
    cf_t *pre = malloc((size_t)len * sizeof(cf_t)), *rx = malloc((size_t)len * sizeof(cf_t));
    test_rng_seed(seed_of(4000));
    for (int c = 0; c < 2; c++) {
        int count = counts[c], cancelled = 0;
        for (int trial = 0; trial < 12; trial++) {
            int v[PRACH_NUM_PREAMBLES], delay[PRACH_NUM_PREAMBLES];
            memset(rx, 0, (size_t)len * sizeof(cf_t));
            for (int i = 0; i < count; i++) {
                bool clash;
                do {
                    v[i] = (int)(test_rng_next() % PRACH_NUM_PREAMBLES);
                    delay[i] = (int)(test_rng_next() % (uint64_t)(max_delay + 1));
                    clash = false;
                    for (int j = 0; j < i; j++) {
                        double pi = delay[i] / lag - (v[i] % 9) * 15.0, pj = delay[j] / lag - (v[j] % 9) * 15.0;
                        double dist = fabs(remainder(pi - pj, 139.0));
                        clash |= v[j] == v[i] || (v[j] / 9 == v[i] / 9 && dist < 2.5);
                    }
                } while (clash);
                prach_generate(&g, v[i], NULL, pre);
                float phase = (float)(2.0 * M_PI * (double)(test_rng_next() % 1000) / 1000.0);
                for (int k = 0; k + delay[i] < len; k++)
                    rx[k + delay[i]] += pre[k] * (cosf(phase) + I * sinf(phase));
            }
            add_noise(rx, (size_t)len, 0.1);
            struct prach_detection res[PRACH_MAX_DETECTIONS];
            int n = prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
            cancelled += d.sic_steps;
            ck_assert_msg(n == count, "%d preambles, trial %d: %d detections", count, trial, n);
            for (int i = 0; i < count; i++) {
                int k = 0;
                while (k < n && res[k].preamble_index != v[i])
                    k++;
                ck_assert_msg(k < n, "%d preambles, trial %d: preamble %d (delay %d) missed", count, trial, v[i],
                              delay[i]);
                ck_assert_msg(fabs(res[k].delay_samples - delay[i]) <= 0.5 * lag, "v %d delay %.1f true %d", v[i],
                              res[k].delay_samples, delay[i]);
            }
        }
        ck_assert_msg(cancelled >= 12 * count, "%d preambles: %d cancelled over 12 occasions", count, cancelled);
    }
    free(pre);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
}
END_TEST

START_TEST(test_noise_alone_detects_nothing)
{
    const struct rt_case *c = &rt_cases[_i];
    struct prach_detector d;
    struct prach_detector_cfg dcfg = { .prach = rt_cfg(c) };
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), 0);
    int len = prach_detector_nof_samples(&d, NULL);
    cf_t *rx = malloc((size_t)len * sizeof(cf_t));
    test_rng_seed(seed_of(3000 + (uint64_t)_i));
    int false_alarms = 0;
    double noise_sum = 0.0;
    for (int trial = 0; trial < 100; trial++) {
        memset(rx, 0, (size_t)len * sizeof(cf_t));
        add_noise(rx, (size_t)len, 1.0);
        struct prach_detection res[PRACH_MAX_DETECTIONS];
        int n = prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
        ck_assert_int_ge(n, 0);
        false_alarms += n;
        noise_sum += d.last_noise;
    }
    /* Unit noise per sample is unit noise per subcarrier (unitary DFT, averaged repetitions undone). */
    ck_assert_msg(fabs(noise_sum / 100 - 1.0) < 0.05, "%s: mean noise estimate %g", c->name, noise_sum / 100);
    ck_assert_msg(false_alarms == 0, "%s: %d false alarms in 100 noise-only occasions", c->name, false_alarms);
    free(rx);
    prach_detector_free(&d);
}
END_TEST

START_TEST(test_bad_input_gives_no_detection)
{
    struct prach_cfg cfg = rt_cfg(&rt_cases[0]);
    struct prach_detector d;
    struct prach_detector_cfg dcfg = { .prach = cfg };
    struct prach_generator g;
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), 0);
    ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
    int len = prach_detector_nof_samples(&d, NULL);
    cf_t *rx = malloc((size_t)len * sizeof(cf_t));
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    /* All zero. */
    memset(rx, 0, (size_t)len * sizeof(cf_t));
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 0);
    /* A preamble with one NaN, or one infinity, in the part the detector reads. */
    prach_generate(&g, 5, NULL, rx);
    rx[len - 100] = NAN;
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), -EINVAL);
    rx[len - 100] = INFINITY * I;
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), -EINVAL);
    /* Saturated: every sample at +-FLT_MAX (the DFT overflows), or a constant full-scale value (DC). */
    for (int i = 0; i < len; i++)
        rx[i] = (test_rng_next() & 1 ? FLT_MAX : -FLT_MAX) + I * (test_rng_next() & 1 ? FLT_MAX : -FLT_MAX);
    ck_assert_int_le(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 0);
    for (int i = 0; i < len; i++)
        rx[i] = 32767.0f + 32767.0f * I;
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 0);
    /* +-1 clipped noise. */
    for (int i = 0; i < len; i++)
        rx[i] = (test_rng_next() & 1 ? 1.0f : -1.0f) + I * (test_rng_next() & 1 ? 1.0f : -1.0f);
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 0);
    /* A preamble cut short (zeros over its first 30 %, 50 % or 70 %), under weak noise: its correlation has ghosts at
     * other cyclic shifts a few dB under the true peak; never read as other preambles (refused, or just 42). */
    for (int cut = 3; cut <= 7; cut += 2) {
        prach_generate(&g, 42, NULL, rx);
        memset(rx, 0, (size_t)(len * cut / 10) * sizeof(cf_t));
        add_noise(rx, (size_t)len, 1e-3);
        int n = prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS);
        ck_assert_msg(n == -EBADMSG || (n == 1 && res[0].preamble_index == 42), "cut %d0 %%: %d detections", cut, n);
        if (cut == 7)
            ck_assert_int_eq(n, -EBADMSG);
    }
    /* A frequency offset of a tenth of the subcarrier spacing (125 Hz): ghosts at +-d_u, 19 dB under. */
    prach_generate(&g, 42, NULL, rx);
    for (int i = 0; i < len; i++)
        rx[i] *= cexpf(I * (float)(2.0 * M_PI * 125.0 * i / 11.52e6));
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 1);
    ck_assert_int_eq(res[0].preamble_index, 42);
    /* Its last tenth lost: still one detection, the right one. */
    prach_generate(&g, 42, NULL, rx);
    memset(rx + len - len / 10, 0, (size_t)(len / 10) * sizeof(cf_t));
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 1);
    ck_assert_int_eq(res[0].preamble_index, 42);
    /* Too short, no buffer, a bad occasion CP. */
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len - 1, NULL, res, PRACH_MAX_DETECTIONS), -EINVAL);
    ck_assert_int_eq(prach_detect(&d, NULL, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), -EINVAL);
    struct prach_time_occasion occ = { .cp_kappa = 100 };
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, &occ, res, PRACH_MAX_DETECTIONS), -EINVAL);
    ck_assert_int_eq(prach_generate(&g, 64, NULL, rx), -EINVAL);
    ck_assert_int_eq(prach_generate(&g, -1, NULL, rx), -EINVAL);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
}
END_TEST

START_TEST(test_init_rejects_bad_config)
{
    struct prach_cfg good = rt_cfg(&rt_cases[0]), cfg;
    struct prach_generator g;
    struct prach_detector d;
    struct prach_detector_cfg dcfg = { .prach = good };
    ck_assert_int_eq(prach_generator_init(&g, &good), 0);
    prach_generator_free(&g);
    cfg = good;
    cfg.msg1_frequency_start = 47;       /* 47 + 6 > 52 PRB */
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    cfg = good;
    cfg.sample_rate_hz = 11.52e6 + 1000; /* fs / 1.25 kHz not whole */
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    cfg = good;
    cfg.root_sequence_index = 838;
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    cfg = good;
    cfg.zero_correlation_zone = 16;
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    cfg = good;
    cfg.format = PRACH_FORMAT_A1_B1;
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    cfg = rt_cfg(&rt_cases[3]);
    cfg.ra_scs_khz = 60;
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    cfg = rt_cfg(&rt_cases[3]);
    cfg.root_sequence_index = 138;
    ck_assert_int_eq(prach_generator_init(&g, &cfg), -EINVAL);
    dcfg.nof_preambles = 65;
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), -EINVAL);
    dcfg.nof_preambles = 0;
    dcfg.pfa = 1.5;
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), -EINVAL);
    dcfg.pfa = NAN;
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), -EINVAL);
}
END_TEST

START_TEST(test_nof_preambles_limits_search)
{
    /* totalNumberOfRA-Preambles 10: preamble 40 sent -> nothing; preamble 9 -> found. */
    struct prach_cfg cfg = rt_cfg(&rt_cases[0]);
    struct prach_generator g;
    struct prach_detector d;
    struct prach_detector_cfg dcfg = { .prach = cfg, .nof_preambles = 10 };
    ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), 0);
    ck_assert_int_eq(d.nof_roots_searched, 1);
    int len = prach_detector_nof_samples(&d, NULL);
    cf_t *rx = malloc((size_t)len * sizeof(cf_t));
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    prach_generate(&g, 40, NULL, rx);
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 0);
    prach_generate(&g, 9, NULL, rx);
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, NULL, res, PRACH_MAX_DETECTIONS), 1);
    ck_assert_int_eq(res[0].preamble_index, 9);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
}
END_TEST

START_TEST(test_occasion_cp_extension)
{
    /* A short-format occasion that starts a half subframe has 16 kappa more CP: generator and detector agree on
     * it through the occasion, and the detector reports the delay from the occasion's first sample. */
    struct prach_cfg cfg = rt_cfg(&rt_cases[6]);   /* B4 30 kHz at 23.04 Msps */
    struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS];
    ck_assert_int_eq(prach_time_occasions(true, 159, 30, 0, 9, occ), 1);
    struct prach_generator g;
    struct prach_detector d;
    struct prach_detector_cfg dcfg = { .prach = cfg };
    ck_assert_int_eq(prach_generator_init(&g, &cfg), 0);
    ck_assert_int_eq(prach_detector_init(&d, &dcfg), 0);
    int len = prach_nof_samples(&g.p, cfg.sample_rate_hz, &occ[0]);
    ck_assert_int_eq(len, prach_nof_samples(&g.p, cfg.sample_rate_hz, NULL) + 12);  /* 16 kappa = 12 samples */
    cf_t *pre = malloc((size_t)len * sizeof(cf_t)), *rx = calloc((size_t)len, sizeof(cf_t));
    ck_assert_int_eq(prach_generate(&g, 33, &occ[0], pre), len);
    add_delayed(rx, (size_t)len, pre, len, 20, 1.0f);
    struct prach_detection res[PRACH_MAX_DETECTIONS];
    ck_assert_int_eq(prach_detect(&d, rx, (size_t)len, &occ[0], res, PRACH_MAX_DETECTIONS), 1);
    ck_assert_int_eq(res[0].preamble_index, 33);
    ck_assert_float_eq_tol(res[0].delay_samples, 20.0f, 1.0f);
    free(pre);
    free(rx);
    prach_generator_free(&g);
    prach_detector_free(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("prach");
    TCase *tc = tcase_create("prach");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_root_tables_match_spec);
    tcase_add_test(tc, test_ncs_tables_match_spec);
    tcase_add_test(tc, test_config_tables_match_spec);
    tcase_add_test(tc, test_formats_and_kbar);
    tcase_add_test(tc, test_time_occasions);
    tcase_add_test(tc, test_vectors_zc_and_roots);
    tcase_add_test(tc, test_vectors_generator);
    tcase_add_test(tc, test_vectors_detector);
    tcase_add_test(tc, test_short_formats_independent);
    tcase_add_loop_test(tc, test_roundtrip_every_preamble, 0, NUM_RT);
    tcase_add_loop_test(tc, test_roundtrip_several_preambles_in_noise, 0, NUM_RT);
    tcase_add_loop_test(tc, test_noise_alone_detects_nothing, 0, NUM_RT);
    tcase_add_test(tc, test_many_preambles_one_occasion);
    tcase_add_test(tc, test_bad_input_gives_no_detection);
    tcase_add_test(tc, test_init_rejects_bad_config);
    tcase_add_test(tc, test_nof_preambles_limits_search);
    tcase_add_test(tc, test_occasion_cp_extension);
    suite_add_tcase(s, tc);
    return check_run(s);
}
