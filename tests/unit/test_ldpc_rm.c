/* Unit tests for phy/fec/ldpc_rm (38.212 5.4.2): every tests/vectors/ldpc "ratematch" case bit-exact (rv 0-3,
 * Qm 1-8, wrap-around, LBRM rows), agreement with a bit-by-bit transcription of 5.4.2.1/5.4.2.2 over random
 * parameters (k0 inside the filler range, LBRM buffers cutting the fillers), hand-computed k0 / N_cb / E_r, and
 * the receive side: de-rate-matching puts every LLR back where its bit came from and soft-combines repetitions
 * and redundancy versions, never touching fillers. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_rm.h"
#include "phy/fec/ldpc_tables.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_cpu.h"

#define LDPC_DIR "tests/vectors/ldpc"
#define N_MAX (66 * LDPC_Z_MAX)
#define E_MAX 80000

/* ---- spec transcription, one bit at a time ---- */

/* 5.4.2.1 bit selection: idx[k] = circular buffer position of e_k (d holds LDPC_FILLER at <NULL> bits). */
static void reference_select(const struct ldpc_rm_cfg *cfg, const uint8_t *d, int *idx)
{
    int k0 = ldpc_rm_k0(cfg->bg, cfg->z, cfg->n_cb, cfg->rv);
    for (int k = 0, j = 0; k < cfg->e; j++) {
        int pos = (k0 + j) % cfg->n_cb;
        if (d[pos] != LDPC_FILLER)
            idx[k++] = pos;
    }
}

/* 5.4.2.2: f_{i + j Qm} = e_{i E/Qm + j}. */
static void reference_match(const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f)
{
    static int idx[E_MAX];
    reference_select(cfg, d, idx);
    int per = cfg->e / cfg->qm;
    for (int j = 0; j < per; j++)
        for (int i = 0; i < cfg->qm; i++)
            f[i + j * cfg->qm] = d[idx[i * per + j]];
}

/* A circular buffer with fillers where cfg puts them. */
static void random_buffer(const struct ldpc_rm_cfg *cfg, uint8_t *d)
{
    int n = ldpc_n(cfg->bg, cfg->z), k = ldpc_k(cfg->bg, cfg->z);
    for (int i = 0; i < n; i++)
        d[i] = (uint8_t)(test_rng_next() >> 63);
    for (int i = cfg->k_prime - 2 * cfg->z; i < k - 2 * cfg->z; i++)
        d[i] = LDPC_FILLER;
}

/* ---- reference vectors ---- */

START_TEST(test_rate_matching_matches_every_reference_case)
{
    FILE *mf = vector_manifest_open(LDPC_DIR);
    ck_assert_msg(mf != NULL, "cannot open " LDPC_DIR "/cases.tsv");
    static uint8_t f[E_MAX];
    char line[1024], *fld[14];
    int cases = 0, lbrm = 0;
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 14) < 14 || strcmp(fld[1], "ratematch") != 0)
            continue;
        int id = atoi(fld[0]), k = atoi(fld[4]), n = atoi(fld[5]);
        struct ldpc_rm_cfg cfg = { .bg = atoi(fld[2]), .z = atoi(fld[3]), .k_prime = k - atoi(fld[6]),
                                   .n_cb = atoi(fld[7]), .e = atoi(fld[8]), .rv = atoi(fld[9]),
                                   .qm = atoi(fld[10]) };
        lbrm += cfg.n_cb < n;
        size_t dsz = 0, esz = 0;
        uint8_t *d = vector_load_in(LDPC_DIR, fld[11], &dsz), *ref = vector_load_in(LDPC_DIR, fld[12], &esz);
        ck_assert_msg(d && ref && dsz == (size_t)n && esz == (size_t)cfg.e, "case %d: bad files", id);
        ck_assert_int_eq(ldpc_rm_match(&cfg, d, f), 0);
        int diff = 0;
        for (int i = 0; i < cfg.e; i++)
            diff += f[i] != ref[i];
        ck_assert_msg(diff == 0, "case %d (rv %d Qm %d E %d N_cb %d): %d bits differ", id, cfg.rv, cfg.qm, cfg.e,
                      cfg.n_cb, diff);
        free(d);
        free(ref);
        cases++;
    }
    fclose(mf);
    ck_assert_int_eq(cases, 12);
    ck_assert_int_eq(lbrm, 2);
}
END_TEST

/* Random valid parameters: any graph, lifting size, filler count, LBRM buffer, rv, Qm and E. */
static struct ldpc_rm_cfg random_cfg(void)
{
    static const int qms[] = { 1, 2, 4, 6, 8 };
    struct ldpc_rm_cfg cfg = { .bg = 1 + (int)(test_rng_next() % 2) };
    cfg.z = ldpc_lifting_sizes[test_rng_next() % LDPC_NUM_LIFTING_SIZES];
    int k = ldpc_k(cfg.bg, cfg.z), n = ldpc_n(cfg.bg, cfg.z);
    cfg.k_prime = k - (int)(test_rng_next() % (uint64_t)(k / 3));
    cfg.n_cb = test_rng_next() % 3 ? n : n / 4 + (int)(test_rng_next() % (uint64_t)(n - n / 4));
    cfg.rv = (int)(test_rng_next() % 4);
    cfg.qm = qms[test_rng_next() % 5];
    cfg.e = cfg.qm * (1 + (int)(test_rng_next() % (uint64_t)(2 * n / cfg.qm)));
    return cfg;
}

START_TEST(test_rate_matching_equals_the_spec_bit_by_bit)
{
    static uint8_t d[N_MAX], f[E_MAX], ref[E_MAX];
    int filler_starts = 0;
    for (int trial = 0; trial < 400; trial++) {
        struct ldpc_rm_cfg cfg = random_cfg();
        if (trial == 0) /* k0 of rv 1 (1088) inside the filler range [972, 1280): selection starts after it */
            cfg = (struct ldpc_rm_cfg){ .bg = 1, .z = 64, .k_prime = 1100, .n_cb = 4224, .e = 400, .rv = 1, .qm = 2 };
        int k0 = ldpc_rm_k0(cfg.bg, cfg.z, cfg.n_cb, cfg.rv);
        filler_starts += k0 >= cfg.k_prime - 2 * cfg.z && k0 < ldpc_k(cfg.bg, cfg.z) - 2 * cfg.z;
        random_buffer(&cfg, d);
        if (trial % 4 == 1)
            cfg.qm = 6; /* the order with its own AVX2 path */
        cfg.e -= cfg.e % cfg.qm;
        if (cfg.e == 0)
            cfg.e = cfg.qm;
        ck_assert_int_eq(ldpc_rm_match(&cfg, d, f), 0);
        reference_match(&cfg, d, ref);
        ck_assert_msg(memcmp(f, ref, (size_t)cfg.e) == 0, "trial %d: BG%d Z=%d K'=%d N_cb=%d E=%d rv=%d Qm=%d",
                      trial, cfg.bg, cfg.z, cfg.k_prime, cfg.n_cb, cfg.e, cfg.rv, cfg.qm);
        /* every implementation, the AVX2 one required where the CPU has it */
        static const enum ldpc_rm_impl impls[] = { LDPC_RM_IMPL_C, LDPC_RM_IMPL_AVX2 };
        for (int ii = 0; ii < 2; ii++) {
            memset(f, 0x55, (size_t)cfg.e);
            int rc = ldpc_rm_match_with(impls[ii], &cfg, d, f);
            if (impls[ii] == LDPC_RM_IMPL_AVX2 && !test_cpu_has_avx2()) {
                ck_assert_int_eq(rc, -ENOTSUP);
                continue;
            }
            ck_assert_int_eq(rc, 0);
            ck_assert_msg(memcmp(f, ref, (size_t)cfg.e) == 0, "trial %d impl %d Qm=%d E=%d differs", trial,
                          impls[ii], cfg.qm, cfg.e);
        }
        int fillers_sent = 0; /* no filler is ever sent (counted, asserted once: a passing ck_assert costs I/O) */
        for (int i = 0; i < cfg.e; i++)
            fillers_sent += f[i] > 1;
        ck_assert_msg(fillers_sent == 0, "trial %d: %d fillers sent", trial, fillers_sent);
    }
    ck_assert_int_ge(filler_starts, 1);
}
END_TEST

/* ---- parameters ---- */

START_TEST(test_k0_n_cb_and_e_r_by_hand)
{
    /* Table 5.4.2.1-2, BG1 Z=64 N_cb=N=4224: floor(17/66 * 66) = 17 blocks, 33, 56. */
    ck_assert_int_eq(ldpc_rm_k0(1, 64, 4224, 0), 0);
    ck_assert_int_eq(ldpc_rm_k0(1, 64, 4224, 1), 17 * 64);
    ck_assert_int_eq(ldpc_rm_k0(1, 64, 4224, 2), 33 * 64);
    ck_assert_int_eq(ldpc_rm_k0(1, 64, 4224, 3), 56 * 64);
    /* LBRM N_cb=2500: floor(33 * 2500 / 4224) = floor(19.53) = 19. BG2 Z=20 N_cb=700: floor(13 * 700 / 1000) = 9. */
    ck_assert_int_eq(ldpc_rm_k0(1, 64, 2500, 2), 19 * 64);
    ck_assert_int_eq(ldpc_rm_k0(2, 20, 700, 1), 9 * 20);
    ck_assert_int_eq(ldpc_rm_k0(2, 20, 1000, 3), 43 * 20);
    ck_assert_int_eq(ldpc_rm_k0(3, 20, 1000, 0), -EINVAL);
    ck_assert_int_eq(ldpc_rm_k0(1, 20, 1000, 4), -EINVAL);
    /* N_ref = floor(TBS_LBRM / (C 2/3)): 10000 over 2 blocks -> 7500 < N; a large TBS_LBRM leaves N. */
    ck_assert_int_eq(ldpc_rm_n_cb(1, 384, 0, 2), 25344);
    ck_assert_int_eq(ldpc_rm_n_cb(1, 384, 10000, 2), 7500);
    ck_assert_int_eq(ldpc_rm_n_cb(2, 384, 1000000, 2), 19200);
    ck_assert_int_eq(ldpc_rm_n_cb(1, 384, 10000, 0), -EINVAL);
    /* G = 48384, C = 5, Qm = 8: 6048 symbols = 5 * 1209 + 3, so two blocks of 9672 then three of 9680. */
    static const int e_r[5] = { 9672, 9672, 9680, 9680, 9680 };
    for (int r = 0; r < 5; r++)
        ck_assert_int_eq(ldpc_rm_e_r(48384, 5, 8, 1, r), e_r[r]);
    ck_assert_int_eq(ldpc_rm_e_r(48384, 5, 8, 1, 5), -EINVAL);
    ck_assert_int_eq(ldpc_rm_e_r(1001, 1, 2, 1, 0), -EINVAL);
}
END_TEST

START_TEST(test_e_r_splits_g_exactly)
{
    for (int trial = 0; trial < 2000; trial++) {
        int qm = 2 * (1 + (int)(test_rng_next() % 4)), layers = 1 + (int)(test_rng_next() % 4);
        int c = 1 + (int)(test_rng_next() % 40), g = layers * qm * (c + (int)(test_rng_next() % 20000));
        int sum = 0, lo = ldpc_rm_e_r(g, c, qm, layers, 0), bad = -1;
        for (int r = 0; r < c; r++) {
            int e = ldpc_rm_e_r(g, c, qm, layers, r);
            /* whole symbols on every layer, non-decreasing, at most one symbol per layer apart */
            if (bad < 0 && (e % (qm * layers) != 0 || e < lo || e - lo > qm * layers))
                bad = r;
            sum += e;
        }
        ck_assert_msg(bad < 0, "G=%d C=%d Qm=%d layers=%d: E_%d = %d (E_0 = %d)", g, c, qm, layers, bad,
                      bad < 0 ? 0 : ldpc_rm_e_r(g, c, qm, layers, bad), lo);
        ck_assert_int_eq(sum, g);
    }
}
END_TEST

START_TEST(test_bad_configurations_are_rejected)
{
    static uint8_t d[N_MAX], f[E_MAX];
    const struct ldpc_rm_cfg good = { .bg = 1, .z = 64, .k_prime = 1400, .n_cb = 4224, .e = 3000, .rv = 0, .qm = 2 };
    ck_assert_int_eq(ldpc_rm_match(&good, d, f), 0);
    struct ldpc_rm_cfg bad[8];
    for (int i = 0; i < 8; i++)
        bad[i] = good;
    bad[0].bg = 0;
    bad[1].z = 17;
    bad[2].k_prime = 2 * 64; /* no room before the fillers */
    bad[3].n_cb = 4225;
    bad[4].qm = 3;
    bad[5].e = 3001;
    bad[6].rv = 4;
    bad[7].k_prime = 1409;
    for (int i = 0; i < 8; i++)
        ck_assert_msg(ldpc_rm_match(&bad[i], d, f) == -EINVAL, "bad cfg %d accepted", i);
    ck_assert_int_eq(ldpc_rm_match(&good, NULL, f), -EINVAL);
}
END_TEST

/* ---- receive side ---- */

START_TEST(test_recover_puts_each_llr_where_its_bit_came_from)
{
    static uint8_t d[N_MAX], f[E_MAX];
    static float llr[E_MAX], soft[N_MAX];
    static int idx[E_MAX], count[N_MAX];
    for (int trial = 0; trial < 200; trial++) {
        struct ldpc_rm_cfg cfg = random_cfg();
        int n = ldpc_n(cfg.bg, cfg.z), k = ldpc_k(cfg.bg, cfg.z);
        random_buffer(&cfg, d);
        ck_assert_int_eq(ldpc_rm_match(&cfg, d, f), 0);
        for (int i = 0; i < cfg.e; i++)
            llr[i] = f[i] ? -1.0f : 1.0f;
        ck_assert_int_eq(ldpc_rm_soft_reset(&cfg, soft), 0);
        ck_assert_int_eq(ldpc_rm_recover(&cfg, llr, soft), 0);
        /* Expected: each position holds (+-1) x (times it was selected), sign from its bit. */
        memset(count, 0, (size_t)n * sizeof count[0]);
        reference_select(&cfg, d, idx);
        for (int i = 0; i < cfg.e; i++)
            count[idx[i]]++;
        int bad = -1;
        float bad_want = 0;
        for (int p = 0; p < n && bad < 0; p++) {
            float want = (float)count[p] * (d[p] ? -1.0f : 1.0f);
            if (p >= cfg.k_prime - 2 * cfg.z && p < k - 2 * cfg.z)
                want = LDPC_LLR_FILLER;
            if (soft[p] != want) {
                bad = p;
                bad_want = want;
            }
        }
        ck_assert_msg(bad < 0, "trial %d pos %d: %g, want %g", trial, bad, bad < 0 ? 0.0f : soft[bad], bad_want);
    }
}
END_TEST

START_TEST(test_recover_combines_redundancy_versions)
{
    /* BG2 Z=20, K'=188: rv 0 then rv 2 (E = 600 each, N = 1000) adds the two transmissions in one buffer. */
    static uint8_t d[N_MAX], f[E_MAX];
    static float llr[E_MAX], soft[N_MAX];
    struct ldpc_rm_cfg cfg = { .bg = 2, .z = 20, .k_prime = 188, .n_cb = 1000, .e = 600, .rv = 0, .qm = 4 };
    random_buffer(&cfg, d);
    ck_assert_int_eq(ldpc_rm_soft_reset(&cfg, soft), 0);
    for (int rv = 0; rv <= 2; rv += 2) {
        cfg.rv = rv;
        ck_assert_int_eq(ldpc_rm_match(&cfg, d, f), 0);
        for (int i = 0; i < cfg.e; i++)
            llr[i] = f[i] ? -0.5f : 0.5f;
        ck_assert_int_eq(ldpc_rm_recover(&cfg, llr, soft), 0);
    }
    int twice = 0, once = 0, never = 0;
    for (int p = 0; p < 1000; p++) {
        if (d[p] == LDPC_FILLER) {
            ck_assert(soft[p] == LDPC_LLR_FILLER);
            continue;
        }
        float mag = fabsf(soft[p]);
        ck_assert(mag == 0.0f || (soft[p] > 0) == (d[p] == 0));
        twice += mag == 1.0f;
        once += mag == 0.5f;
        never += mag == 0.0f;
    }
    /* rv 0 covers [0, 612) (12 fillers skipped), rv 2 covers [500, 1000) and wraps to [0, 100): overlaps. */
    ck_assert_int_eq(twice + once + never, 988);
    ck_assert_int_eq(once + 2 * twice, 1200);
    ck_assert_int_gt(twice, 0);
}
END_TEST

static Suite *ldpc_rm_suite(void)
{
    Suite *s = suite_create("ldpc_rm");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rate_matching_matches_every_reference_case);
    tcase_add_test(tc, test_rate_matching_equals_the_spec_bit_by_bit);
    tcase_add_test(tc, test_k0_n_cb_and_e_r_by_hand);
    tcase_add_test(tc, test_e_r_splits_g_exactly);
    tcase_add_test(tc, test_bad_configurations_are_rejected);
    tcase_add_test(tc, test_recover_puts_each_llr_where_its_bit_came_from);
    tcase_add_test(tc, test_recover_combines_redundancy_versions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ldpc_rm_suite());
}
