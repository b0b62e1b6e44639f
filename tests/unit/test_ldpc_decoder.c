/* Unit tests for phy/fec/ldpc_decoder (38.212 5.3.2 codes, layered int8 min-sum) and the sum-product reference in
 * tests/ldpc_ref: every tests/vectors/ldpc encode case decodes exactly from noise-free LLRs; every tb_chain case
 * goes G LLRs -> soft buffers -> dlsch_rx_decode() -> TB with good CRCs (rv 1-3 with an rv 0
 * companion when not self-decodable); random codewords over AWGN at a comfortable SNR
 * decode without error at all 51 lifting sizes of both base graphs; early stop and the CRC callback behave as
 * documented; the C and AVX2 implementations give bit-identical hard bits, posteriors and messages; bad
 * arguments are refused. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dlsch.h"
#include "phy/fec/ldpc_decoder.h"
#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_rm.h"
#include "phy/fec/ldpc_tables.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"

#include "tests/ldpc_ref/ldpc_sum_product.c"
#include "tests/unit/check_run.h"
#include "tests/unit/test_cpu.h"

#define LDPC_DIR "tests/vectors/ldpc"
#define N_MAX (66 * LDPC_Z_MAX)
#define K_MAX (22 * LDPC_Z_MAX)

static const enum ldpc_decoder_impl all_impls[] = { LDPC_DECODER_IMPL_C, LDPC_DECODER_IMPL_AVX2 };
static const char *const impl_names[] = { "auto", "C", "AVX2" };

/* True when the AVX2 path must be tested: the CPU has AVX2, and then the decoder must say so (the test fails
 * otherwise). Without AVX2 it says, in the test output, that `test` skipped its AVX2 part. */
static bool avx2_must_run(const char *test)
{
    bool cpu = test_cpu_has_avx2();
    ck_assert_msg(ldpc_decoder_has_avx2() == cpu, "%s: the CPU %s AVX2 but ldpc_decoder_has_avx2() says %s", test,
                  cpu ? "has" : "has no", cpu ? "no" : "yes");
    if (!cpu)
        printf("%s: SKIPPED the AVX2 part: this CPU has no AVX2 (only the portable C decoder was tested)\n", test);
    return cpu;
}

/* The implementations this CPU runs. */
static int num_impls(void) { return test_cpu_has_avx2() ? 2 : 1; }

static void decoder_init(struct ldpc_decoder *dec, enum ldpc_decoder_impl impl)
{
    struct ldpc_decoder_cfg cfg = { .impl = impl };
    ck_assert_int_eq(ldpc_decoder_init(dec, &cfg), 0);
}

static struct ldpc_decode_cfg decode_cfg(int bg, int z, int iters)
{
    return (struct ldpc_decode_cfg){ .bg = bg, .z = z, .max_iterations = iters };
}

/* K random information bits, the last f of them fillers, encoded into d (N bits). */
static void random_codeword(struct ldpc_encoder *enc, int bg, int z, int f, uint8_t *c, uint8_t *d)
{
    int k = ldpc_k(bg, z);
    for (int i = 0; i < k; i++)
        c[i] = i >= k - f ? LDPC_FILLER : (uint8_t)(test_rng_next() >> 63);
    ck_assert_int_eq(ldpc_encode(enc, bg, z, c, d), 0);
}

/* BPSK over AWGN of standard deviation sigma per real dimension (Es/N0 = 1 / (2 sigma^2); 0: noise-free, LLR
 * +-4), as true LLRs 2 y / sigma^2; fillers get LDPC_LLR_FILLER. */
static void bpsk_llrs(const uint8_t *d, int n, double sigma, float *llr)
{
    for (int i = 0; i < n; i++) {
        if (d[i] == LDPC_FILLER) {
            llr[i] = LDPC_LLR_FILLER;
            continue;
        }
        double x = d[i] ? -1.0 : 1.0;
        llr[i] = sigma > 0 ? (float)(2.0 * (x + sigma * test_rng_gauss()) / (sigma * sigma)) : (float)(4.0 * x);
    }
}

/* Bits of c that differ from the reference (fillers must decode as 0). */
static int bit_errors(const uint8_t *ref, const uint8_t *c, int k)
{
    int n = 0;
    for (int i = 0; i < k; i++)
        n += c[i] != (ref[i] == LDPC_FILLER ? 0 : ref[i]);
    return n;
}

/* ---- reference vectors ---- */

START_TEST(test_every_encode_vector_decodes_exactly_from_noise_free_llrs)
{
    FILE *mf = vector_manifest_open(LDPC_DIR);
    ck_assert(mf != NULL);
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t d[N_MAX], c[K_MAX + 1];
    static float llr[N_MAX];
    char line[1024], *fld[14];
    int cases = 0;
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 14) < 13 || strcmp(fld[1], "encode") != 0)
            continue;
        int bg = atoi(fld[2]), z = atoi(fld[3]), k = atoi(fld[4]), n = atoi(fld[5]);
        size_t sk = 0, sn = 0;
        uint8_t *msg = vector_load_in(LDPC_DIR, fld[11], &sk), *cw = vector_load_in(LDPC_DIR, fld[12], &sn);
        ck_assert(msg && cw && sk == (size_t)k && sn == (size_t)n);
        /* Our encoder reproduces the reference codeword, which is what gets transmitted. */
        ck_assert_int_eq(ldpc_encode(&enc, bg, z, msg, d), 0);
        ck_assert(memcmp(d, cw, (size_t)n) == 0);
        bpsk_llrs(d, n, 0, llr);
        for (int t = 0; t < num_impls(); t++) {
            struct ldpc_decoder dec;
            decoder_init(&dec, all_impls[t]);
            struct ldpc_decode_cfg cfg = decode_cfg(bg, z, 10);
            struct ldpc_decode_result res;
            memset(c, 0xAA, sizeof c);
            ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, c, &res), 0);
            ck_assert_msg(res.ok && bit_errors(msg, c, k) == 0, "case %s (%s): %d errors", fld[0],
                          impl_names[all_impls[t]], bit_errors(msg, c, k));
            ck_assert_int_eq(c[k], 0xAA); /* nothing past K */
            ldpc_decoder_free(&dec);
        }
        free(msg);
        free(cw);
        cases++;
    }
    fclose(mf);
    ldpc_encoder_free(&enc);
    ck_assert_int_eq(cases, 12);
}
END_TEST

static int field_int(const char *extra, const char *key)
{
    const char *p = strstr(extra, key);
    return p ? atoi(p + strlen(key)) : -1;
}

/* Soft buffers (already combined) -> dlsch_rx_decode() -> TB; true when every CRC checks and the TB matches the
 * reference. */
static bool decode_tb(const struct dlsch_params *p, enum ldpc_decoder_impl impl, const float *soft,
                      const uint8_t *tb_ref)
{
    static uint8_t cbs[8 * K_MAX], tb[8192];
    struct ldpc_decoder dec;
    decoder_init(&dec, impl);
    struct segmentation_rx_result rx;
    ck_assert_int_eq(dlsch_rx_decode(p, &dec, 20, soft, cbs, tb, &rx), 0);
    ldpc_decoder_free(&dec);
    return rx.tb_crc_ok && rx.cb_crc_failed == 0 && memcmp(tb, tb_ref, (size_t)p->seg.tbs / 8) == 0;
}

/* One tb_chain case and, for rv > 0, a companion rv 0 transmission of the same TB that carries only systematic
 * bits, fewer than K' per block: hopeless alone, it completes an rv that is not self-decodable (rv 1 and 2 start
 * past most systematic bits, 38.212 Table 5.4.2.1-2). */
struct tb_case {
    struct dlsch_params p, p0;
    uint8_t *tb, *g, g0[65536];
};

static void make_companion(struct tb_case *tc)
{
    const struct dlsch_cfg *cfg = &tc->p.cfg;
    const struct ldpc_base_graph *bg = ldpc_base_graph_get(tc->p.seg.bg);
    int e0 = (bg->kb - 2) * tc->p.seg.z / cfg->qm * cfg->qm;
    struct dlsch_cfg cfg0 = *cfg;
    cfg0.rv = 0;
    cfg0.g = e0 * tc->p.seg.c;
    ck_assert_int_eq(dlsch_params_init(&tc->p0, &cfg0), 0);
    ck_assert_int_lt(e0, tc->p.seg.k_prime);
    struct dlsch x;
    ck_assert_int_eq(dlsch_init(&x, NULL), 0);
    ck_assert_int_eq(dlsch_encode(&x, &cfg0, tc->tb, tc->g0), 0);
    dlsch_free(&x);
}

/* Receives the case (sigma as in bpsk_llrs()), with the companion when with0. */
static bool receive_case(struct tb_case *tc, enum ldpc_decoder_impl impl, double sigma, bool with_vector,
                         bool with0)
{
    static float llr[65536], soft[8 * N_MAX];
    ck_assert_int_eq(dlsch_rx_soft_reset(&tc->p, soft), 0);
    if (with_vector) {
        bpsk_llrs(tc->g, tc->p.cfg.g, sigma, llr);
        ck_assert_int_eq(dlsch_rx_combine(&tc->p, llr, soft), 0);
    }
    if (with0) {
        bpsk_llrs(tc->g0, tc->p0.cfg.g, sigma, llr);
        ck_assert_int_eq(dlsch_rx_combine(&tc->p0, llr, soft), 0);
    }
    return decode_tb(&tc->p, impl, soft, tc->tb);
}

START_TEST(test_every_tb_chain_vector_decodes_to_its_tb_with_good_crcs)
{
    FILE *mf = vector_manifest_open(LDPC_DIR);
    ck_assert(mf != NULL);
    static struct tb_case tc;
    char line[1024], *fld[14];
    int cases = 0, self_decodable = 0;
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 14) < 14 || strcmp(fld[1], "tb_chain") != 0)
            continue;
        const char *x = fld[13];
        struct dlsch_cfg cfg = { .tbs = field_int(x, "TBS="), .r = atof(strstr(x, "R=") + 2), .qm = atoi(fld[10]),
                                 .n_layers = 1, .rv = atoi(fld[9]), .g = atoi(fld[8]) };
        ck_assert_int_eq(dlsch_params_init(&tc.p, &cfg), 0);
        size_t stb = 0, sg = 0;
        tc.tb = vector_load_in(LDPC_DIR, fld[11], &stb);
        tc.g = vector_load_in(LDPC_DIR, fld[12], &sg);
        ck_assert(tc.tb && tc.g && sg == (size_t)cfg.g && (int)sg <= 65536);
        bool rv0 = cfg.rv == 0;
        if (!rv0)
            make_companion(&tc);
        for (int t = 0; t < num_impls(); t++) {
            enum ldpc_decoder_impl impl = all_impls[t];
            /* Noise-free, then BPSK at Es/N0 = 5 dB (sigma 0.4), enough for every case's rate (R <= 0.85). */
            for (int noisy = 0; noisy < 2; noisy++) {
                double sigma = noisy ? 0.4 : 0;
                bool alone = receive_case(&tc, impl, sigma, true, false);
                ck_assert_msg(alone || !rv0, "case %s (%s, sigma %g)", fld[0], impl_names[impl], sigma);
                self_decodable += alone && !rv0 && t == 0 && !noisy;
                if (!rv0) {
                    ck_assert_msg(!receive_case(&tc, impl, sigma, false, true), "case %s: companion alone", fld[0]);
                    ck_assert_msg(receive_case(&tc, impl, sigma, true, true), "case %s (%s, sigma %g, with rv 0)",
                                  fld[0], impl_names[impl], sigma);
                }
            }
            /* Garbage must not pass: no LLR at all decodes to the zero codeword, whose TB CRC fails. */
            ck_assert(!receive_case(&tc, impl, 0, false, false));
        }
        free(tc.tb);
        free(tc.g);
        cases++;
    }
    fclose(mf);
    ck_assert_int_eq(cases, 8);
    printf("tb_chain: %d of the 3 cases with rv > 0 decode alone\n", self_decodable);
}
END_TEST

/* ---- random codewords ---- */

/* n_llr for a code rate of about r (K / n_llr), at least the core rows, at most N. */
static int n_llr_for_rate(int bg, int z, double r)
{
    int n = (int)(ldpc_k(bg, z) / r), min = (bg == 1 ? 24 : 12) * z;
    return n < min ? min : n > ldpc_n(bg, z) ? ldpc_n(bg, z) : n;
}

START_TEST(test_random_codewords_over_awgn_decode_without_error_at_every_lifting_size)
{
    /* Per rate, an Es/N0 well above the short-block waterfall: (rate, sigma), Es/N0 -2.1, 0.5, 1.4, 6.1 dB. */
    static const double shapes[][2] = { { 0.2, 0.9 }, { 1.0 / 3, 0.75 }, { 0.5, 0.6 }, { 0.9, 0.35 } };
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t c[K_MAX], d[N_MAX], out[K_MAX];
    static float llr[N_MAX];
    test_rng_seed(7);
    for (int t = 0; t < num_impls(); t++) {
        struct ldpc_decoder dec;
        decoder_init(&dec, all_impls[t]);
        long iterations = 0, decodes = 0;
        for (int bg = 1; bg <= 2; bg++)
            for (int zi = 0; zi < LDPC_NUM_LIFTING_SIZES; zi++)
                for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
                    int z = ldpc_lifting_sizes[zi], n = n_llr_for_rate(bg, z, shapes[s][0]);
                    random_codeword(&enc, bg, z, (int)(test_rng_next() % 3) * z / 4, c, d);
                    bpsk_llrs(d, n, shapes[s][1], llr);
                    struct ldpc_decode_cfg cfg = decode_cfg(bg, z, 20);
                    struct ldpc_decode_result res;
                    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
                    ck_assert_msg(res.ok && bit_errors(c, out, ldpc_k(bg, z)) == 0,
                                  "%s BG%d Z=%d n_llr=%d: %d errors after %d iterations", impl_names[all_impls[t]],
                                  bg, z, n, bit_errors(c, out, ldpc_k(bg, z)), res.iterations);
                    iterations += res.iterations;
                    decodes++;
                }
        /* Noise made it work: with early stop, not one iteration each. */
        ck_assert_int_gt(iterations, decodes);
        ldpc_decoder_free(&dec);
    }
    ldpc_encoder_free(&enc);
}
END_TEST

START_TEST(test_high_rate_blocks_use_only_the_rows_their_llrs_reach)
{
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t c[K_MAX], d[N_MAX], out[K_MAX];
    static float llr[N_MAX];
    struct ldpc_decoder dec;
    decoder_init(&dec, LDPC_DECODER_IMPL_AUTO);
    for (int bg = 1; bg <= 2; bg++) {
        const struct ldpc_base_graph *g = ldpc_base_graph_get(bg);
        int z = 64;
        random_codeword(&enc, bg, z, 0, c, d);
        bpsk_llrs(d, ldpc_n(bg, z), 0, llr);
        struct ldpc_decode_cfg cfg = decode_cfg(bg, z, 10);
        struct ldpc_decode_result res;
        /* kb + 2 transmitted columns: systematic and core parity only. */
        int n = (g->kb + 2) * z;
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
        ck_assert(res.ok && res.rows == 4 && bit_errors(c, out, ldpc_k(bg, z)) == 0);
        /* One LLR into extension column kb + 10 (buffer position (kb + 8) Z): rows up to 10. */
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n + 6 * z + 1, out, &res), 0);
        ck_assert(res.ok && res.rows == 11);
        /* Trailing zeros count as not received. */
        memset(llr + n + 3 * z, 0, sizeof(float) * (size_t)(ldpc_n(bg, z) - n - 3 * z));
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, ldpc_n(bg, z), out, &res), 0);
        ck_assert(res.ok && res.rows == 7);
        bpsk_llrs(d, ldpc_n(bg, z), 0, llr);
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, ldpc_n(bg, z), out, &res), 0);
        ck_assert(res.ok && res.rows == g->rows);
    }
    ldpc_decoder_free(&dec);
    ldpc_encoder_free(&enc);
}
END_TEST

/* ---- early stop and CRC ---- */

static int crc_calls;
static bool crc_verdict;
static bool counting_crc(const uint8_t *c, void *arg)
{
    (void)c;
    (void)arg;
    crc_calls++;
    return crc_verdict;
}

START_TEST(test_early_stop_counts_iterations_and_consults_the_crc)
{
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t c[K_MAX], d[N_MAX], out[K_MAX];
    static float llr[N_MAX];
    test_rng_seed(11);
    for (int t = 0; t < num_impls(); t++) {
        struct ldpc_decoder dec;
        decoder_init(&dec, all_impls[t]);
        int bg = 1, z = 384, n = ldpc_n(bg, z);
        random_codeword(&enc, bg, z, 0, c, d);
        struct ldpc_decode_cfg cfg = decode_cfg(bg, z, 30);
        struct ldpc_decode_result res;
        /* Noise-free: the parity checks hold after one pass over the rows. */
        bpsk_llrs(d, n, 0, llr);
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
        ck_assert(res.ok && res.parity_ok && !res.crc_ok && res.iterations == 1);
        /* Without early stop the decoder runs every iteration and still reports the parity. */
        cfg.no_early_stop = true;
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
        ck_assert(res.ok && res.iterations == 30 && bit_errors(c, out, ldpc_k(bg, z)) == 0);
        cfg.no_early_stop = false;
        /* Near the waterfall (R = 1/3, Es/N0 = -3.5 dB, Eb/N0 = 1.3 dB) it takes several iterations, fewer
         * than the maximum. */
        bpsk_llrs(d, n, 1.06, llr);
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
        ck_assert_msg(res.ok && res.iterations > 2 && res.iterations < 30, "%d iterations", res.iterations);
        /* Pure noise is no codeword: every iteration runs and the block is not ok. */
        for (int i = 0; i < n; i++)
            llr[i] = (float)test_rng_gauss();
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
        ck_assert(!res.ok && !res.parity_ok && res.iterations == 30);
        /* The CRC callback: called once at the stop, and its verdict decides ok either way. */
        cfg.crc = counting_crc;
        bpsk_llrs(d, n, 0, llr);
        for (int verdict = 0; verdict < 2; verdict++) {
            crc_calls = 0;
            crc_verdict = verdict;
            ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
            ck_assert(crc_calls == 1 && res.parity_ok && res.crc_ok == (bool)verdict && res.ok == (bool)verdict);
        }
        ldpc_decoder_free(&dec);
    }
    ldpc_encoder_free(&enc);
}
END_TEST

/* ---- C == AVX2 ---- */

/* Decodes the same input with both implementations; everything observable, including the posteriors and
 * messages left in the workspace, must be identical. Returns whether the block decoded. */
static bool decode_both_and_compare(struct ldpc_decoder dec[2], const struct ldpc_decode_cfg *cfg,
                                    const float *llr, int n)
{
    static uint8_t out[2][K_MAX];
    struct ldpc_decode_result res[2];
    for (int t = 0; t < 2; t++)
        ck_assert_int_eq(ldpc_decode(&dec[t], cfg, llr, n, out[t], &res[t]), 0);
    int k = ldpc_k(cfg->bg, cfg->z), z = cfg->z, zpad = (z + 31) / 32 * 32;
    const struct ldpc_base_graph *g = ldpc_base_graph_get(cfg->bg);
    ck_assert_msg(memcmp(out[0], out[1], (size_t)k) == 0, "BG%d Z=%d: hard bits differ", cfg->bg, z);
    ck_assert(res[0].ok == res[1].ok && res[0].iterations == res[1].iterations && res[0].rows == res[1].rows &&
              res[0].parity_ok == res[1].parity_ok);
    for (int j = 0; j < g->kb + res[0].rows; j++) {
        size_t off = (size_t)j * dec[0].col_stride + LDPC_DECODER_COL_FRONT;
        if (memcmp(dec[0].app + off, dec[1].app + off, (size_t)z) != 0)
            ck_abort_msg("BG%d Z=%d col %d", cfg->bg, z, j);
    }
    for (int e = 0; e < g->row_start[res[0].rows]; e++) /* (ck_abort on a difference only: cheaper than ck_assert) */
        if (memcmp(dec[0].msg + (size_t)e * zpad, dec[1].msg + (size_t)e * zpad, (size_t)z) != 0)
            ck_abort_msg("BG%d Z=%d edge %d", cfg->bg, z, e);
    return res[0].ok;
}

START_TEST(test_c_and_avx2_are_bit_identical_at_every_lifting_size)
{
    if (!avx2_must_run("test_c_and_avx2_are_bit_identical_at_every_lifting_size"))
        return;
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    struct ldpc_decoder dec[2];
    decoder_init(&dec[0], LDPC_DECODER_IMPL_C);
    decoder_init(&dec[1], LDPC_DECODER_IMPL_AVX2);
    ck_assert(dec[0].impl == LDPC_DECODER_IMPL_C && dec[1].impl == LDPC_DECODER_IMPL_AVX2);
    struct ldpc_decoder autodec;   /* on this CPU "auto" must pick AVX2 */
    decoder_init(&autodec, LDPC_DECODER_IMPL_AUTO);
    ck_assert_int_eq(autodec.impl, LDPC_DECODER_IMPL_AVX2);
    ldpc_decoder_free(&autodec);
    static uint8_t c[K_MAX], d[N_MAX];
    static float llr[N_MAX];
    test_rng_seed(2024);
    int decoded = 0, failed = 0;
    for (int bg = 1; bg <= 2; bg++)
        for (int zi = 0; zi < LDPC_NUM_LIFTING_SIZES; zi++)
            for (int trial = 0; trial < 6; trial++) {
                int z = ldpc_lifting_sizes[zi];
                random_codeword(&enc, bg, z, trial % 2 ? z / 3 : 0, c, d);
                /* Rates from 0.9 down to the mother code, around the waterfall so blocks iterate and some
                 * fail; a larger scale sometimes, so saturation is exercised too. */
                double r = 0.9 - 0.14 * trial, sigma = r > 0.6 ? 0.6 : r > 0.3 ? 0.95 : 1.3;
                int n = n_llr_for_rate(bg, z, r);
                bpsk_llrs(d, n, sigma, llr);
                struct ldpc_decode_cfg cfg = decode_cfg(bg, z, 1 + trial * 3);
                cfg.no_early_stop = trial == 2;
                cfg.llr_scale = trial == 3 ? 20.0f : 0;
                if (decode_both_and_compare(dec, &cfg, llr, n))
                    decoded++;
                else
                    failed++;
            }
    /* The inputs did exercise both outcomes. */
    ck_assert_int_gt(decoded, 100);
    ck_assert_int_gt(failed, 20);
    ldpc_decoder_free(&dec[0]);
    ldpc_decoder_free(&dec[1]);
    ldpc_encoder_free(&enc);
}
END_TEST

START_TEST(test_quantisation_is_identical_in_c_and_avx2_including_odd_values)
{
    enum { N = 1003 };
    static float llr[N];
    static int8_t q[2][N];
    static const float odd[] = { 0.5f, -0.5f, 1.5f, -2.5f, 0.49999997f, -0.0f, 0.0f, 126.5f, -126.5f, 127.4f, 1e7f,
                                 -1e7f, INFINITY, -INFINITY, NAN, 3e38f, 1e-40f };
    test_rng_seed(5);
    for (int i = 0; i < N; i++)
        llr[i] = i < (int)(sizeof odd / sizeof odd[0]) ? odd[i] : (float)(40.0 * test_rng_gauss());
    bool avx2 = avx2_must_run("test_quantisation_is_identical_in_c_and_avx2_including_odd_values");
#if defined(__x86_64__)
    for (int s = 0; avx2 && s < 3; s++) {
        float scale = s == 0 ? 1.0f : s == 1 ? 0.37f : 3.0f;
        ck_assert(ldpc_decoder_quantize_c(llr, N, scale, q[0]) && ldpc_decoder_quantize_avx2(llr, N, scale, q[1]));
        ck_assert(memcmp(q[0], q[1], N) == 0);
        /* The non-zero flag: all small values quantise to 0, a single one in the vector part or the tail does
         * not. */
        static float tiny[70];
        for (int at = -1; at < 70; at += 35) {
            for (int i = 0; i < 70; i++)
                tiny[i] = i == at ? 10.0f : 0.01f;
            ck_assert(ldpc_decoder_quantize_c(tiny, 70, scale, q[0]) == (at >= 0));
            ck_assert(ldpc_decoder_quantize_avx2(tiny, 70, scale, q[1]) == (at >= 0));
        }
    }
#else
    (void)avx2;
#endif
    /* Spot values of the rule (nearest, ties to even; clamp to +-127; NaN to -127). */
    ldpc_decoder_quantize_c(llr, 17, 1.0f, q[0]);
    static const int8_t want[] = { 0, 0, 2, -2, 0, 0, 0, 126, -126, 127, 127, -127, 127, -127, -127, 127, 0 };
    ck_assert(memcmp(q[0], want, sizeof want) == 0);
}
END_TEST

/* ---- the sum-product reference ---- */

START_TEST(test_sum_product_reference_decodes_and_beats_min_sum_near_the_waterfall)
{
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    struct ldpc_sp sp;
    ck_assert_int_eq(ldpc_sp_init(&sp, 104), 0);
    struct ldpc_decoder dec;
    decoder_init(&dec, LDPC_DECODER_IMPL_AUTO);
    static uint8_t c[K_MAX], d[N_MAX], out[K_MAX];
    static float llr[N_MAX];
    test_rng_seed(99);
    int sp_ok = 0, ms_ok = 0, trials = 40;
    for (int t = 0; t < trials; t++) {
        int bg = 1 + t % 2, z = 104, n = ldpc_n(bg, z);
        random_codeword(&enc, bg, z, 16, c, d);
        /* Comfortable SNR: the reference decodes exactly. */
        bpsk_llrs(d, n, 0.8, llr);
        struct ldpc_sp_result sr;
        ck_assert_int_eq(ldpc_sp_decode(&sp, bg, z, llr, n, 50, out, &sr), 0);
        ck_assert(sr.parity_ok && bit_errors(c, out, ldpc_k(bg, z)) == 0);
        /* Near the waterfall (Es/N0 -4.5 dB at R = 1/3, -7.05 dB at R = 1/5, between the two decoders' 10%
         * BLER points): sum-product decodes at least as many blocks as min-sum. */
        bpsk_llrs(d, n, bg == 1 ? 1.188 : 1.59, llr);
        ck_assert_int_eq(ldpc_sp_decode(&sp, bg, z, llr, n, 50, out, &sr), 0);
        sp_ok += sr.parity_ok && bit_errors(c, out, ldpc_k(bg, z)) == 0;
        struct ldpc_decode_cfg cfg = decode_cfg(bg, z, 50);
        struct ldpc_decode_result res;
        ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, n, out, &res), 0);
        ms_ok += res.ok && bit_errors(c, out, ldpc_k(bg, z)) == 0;
    }
    printf("near the waterfall: sum-product %d/%d, min-sum %d/%d blocks\n", sp_ok, trials, ms_ok, trials);
    ck_assert_int_ge(sp_ok, ms_ok);
    ck_assert(sp_ok > 0 && ms_ok < trials); /* it is the waterfall */
    ldpc_decoder_free(&dec);
    ldpc_sp_free(&sp);
    ldpc_encoder_free(&enc);
}
END_TEST

/* ---- arguments ---- */

START_TEST(test_bad_arguments_are_refused)
{
    struct ldpc_decoder dec;
    struct ldpc_decoder_cfg bad_z = { .max_z = 385 }, small = { .max_z = 64 }, bad_impl = { .impl = 7 };
    ck_assert_int_eq(ldpc_decoder_init(&dec, &bad_z), -EINVAL);
    ck_assert_int_eq(ldpc_decoder_init(&dec, &bad_impl), -EINVAL);
    if (!test_cpu_has_avx2()) {
        struct ldpc_decoder_cfg avx2 = { .impl = LDPC_DECODER_IMPL_AVX2 };
        ck_assert_int_eq(ldpc_decoder_init(&dec, &avx2), -ENOTSUP);
    }
    ck_assert_int_eq(ldpc_decoder_init(&dec, &small), 0);
    static float llr[N_MAX];
    static uint8_t c[K_MAX];
    struct ldpc_decode_result res;
    struct ldpc_decode_cfg cfg = decode_cfg(1, 64, 5);
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, ldpc_n(1, 64), c, &res), 0);
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, ldpc_n(1, 64) + 1, c, &res), -EINVAL);
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, -1, c, &res), -EINVAL);
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, NULL, 10, c, &res), -EINVAL);
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, 10, NULL, &res), -EINVAL);
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, 10, c, NULL), -EINVAL);
    ck_assert_int_eq(ldpc_decode(&dec, NULL, llr, 10, c, &res), -EINVAL);
    struct ldpc_decode_cfg wrong[] = { decode_cfg(3, 64, 5), decode_cfg(1, 65, 5), decode_cfg(1, 128, 5),
                                       decode_cfg(1, 64, 0), decode_cfg(1, 64, LDPC_DECODER_MAX_ITERATIONS + 1) };
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
        ck_assert_int_eq(ldpc_decode(&dec, &wrong[i], llr, 10, c, &res), -EINVAL);
    cfg.llr_scale = -1;
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, 10, c, &res), -EINVAL);
    cfg.llr_scale = NAN;
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, llr, 10, c, &res), -EINVAL);
    /* No LLR at all is the all-zero codeword, not an error. */
    cfg.llr_scale = 0;
    ck_assert_int_eq(ldpc_decode(&dec, &cfg, NULL, 0, c, &res), 0);
    ck_assert(res.ok && res.rows == 4);
    struct segmentation_rx_result rx;
    ck_assert_int_eq(dlsch_rx_decode(NULL, &dec, 5, llr, c, c, &rx), -EINVAL);
    ldpc_decoder_free(&dec);
    ldpc_decoder_free(&dec); /* twice is harmless */
}
END_TEST

static Suite *ldpc_decoder_suite(void)
{
    Suite *s = suite_create("ldpc_decoder");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_every_encode_vector_decodes_exactly_from_noise_free_llrs);
    tcase_add_test(tc, test_every_tb_chain_vector_decodes_to_its_tb_with_good_crcs);
    tcase_add_test(tc, test_random_codewords_over_awgn_decode_without_error_at_every_lifting_size);
    tcase_add_test(tc, test_high_rate_blocks_use_only_the_rows_their_llrs_reach);
    tcase_add_test(tc, test_early_stop_counts_iterations_and_consults_the_crc);
    tcase_add_test(tc, test_c_and_avx2_are_bit_identical_at_every_lifting_size);
    tcase_add_test(tc, test_quantisation_is_identical_in_c_and_avx2_including_odd_values);
    tcase_add_test(tc, test_sum_product_reference_decodes_and_beats_min_sum_near_the_waterfall);
    tcase_add_test(tc, test_bad_arguments_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ldpc_decoder_suite());
}
