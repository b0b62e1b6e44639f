/* Unit tests for phy/ch/ssb: every tests/vectors/ssb grid case built exactly and decoded (with the right
 * i_ssb_bar); placement in and out of a slot grid; the 38.213 4.1 burst positions for Cases A, B, C with
 * periodicity, positions-in-burst and half frame; a round trip SSB -> OFDM -> delay + CFO + AWGN (0 and 5 dB
 * per RE) -> OFDM -> PBCH decode; srsRAN's frames frame_08 (clean) and frame_11 (5 dB, 1.5 kHz CFO uncorrected)
 * decoded at their known positions; and rejection of a wrong cell and of noise. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/ssb.h"
#include "phy/geometry/cell_geometry.h"
#include "phy/ofdm/ofdm.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define SSB_DIR "tests/vectors/ssb"

/* One `grid` row of ssb/cases.tsv with its mib24 and grid files. */
struct grid_case {
    int id, pci, sfn, hrf, ssb_idx, l_max, k_ssb;
    uint8_t mib[PBCH_MIB_BITS];
    cf_t grid[SSB_BLOCK_RE];
};

static int load_grid_cases(struct grid_case *cases, int max)
{
    FILE *mf = vector_manifest_open(SSB_DIR);
    ck_assert_msg(mf != NULL, "cannot open " SSB_DIR "/cases.tsv");
    char line[4096], *fld[20];
    int n = 0;
    while (n < max && fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 20) < 11 || strcmp(fld[1], "grid") != 0)
            continue;
        struct grid_case *c = &cases[n++];
        *c = (struct grid_case){ .id = atoi(fld[0]), .pci = atoi(fld[2]), .sfn = atoi(fld[3]), .hrf = atoi(fld[4]),
                                 .ssb_idx = atoi(fld[5]), .l_max = atoi(fld[6]), .k_ssb = atoi(fld[10]) };
        uint8_t *mib = vector_load_case(SSB_DIR, "ssb", c->id, "mib24", PBCH_MIB_BITS);
        cf_t *grid = vector_load_case(SSB_DIR, "ssb", c->id, "grid", sizeof(c->grid));
        ck_assert_msg(mib && grid, "case %d: missing files", c->id);
        memcpy(c->mib, mib, sizeof(c->mib));
        memcpy(c->grid, grid, sizeof(c->grid));
        free(mib);
        free(grid);
    }
    fclose(mf);
    return n;
}

static struct grid_case g_cases[8];
static int g_num_cases;

static void cases_setup(void)
{
    g_num_cases = load_grid_cases(g_cases, 8);
    ck_assert_int_eq(g_num_cases, 8);
}

static void ssb_open(struct ssb *s, int pci, int l_max, int k_ssb)
{
    ck_assert_int_eq(ssb_init(s, &(struct ssb_config){ .pci = pci, .l_max = l_max, .k_ssb = k_ssb }), 0);
}

START_TEST(test_build_matches_every_grid_vector)
{
    for (int i = 0; i < g_num_cases; i++) {
        const struct grid_case *c = &g_cases[i];
        struct ssb s;
        cf_t block[SSB_BLOCK_RE];
        ssb_open(&s, c->pci, c->l_max, c->k_ssb);
        ck_assert_int_eq(ssb_build(&s, c->mib, c->sfn, c->hrf, c->ssb_idx, block), 0);
        float err = 0;
        int worst = 0;
        for (int r = 0; r < SSB_BLOCK_RE; r++)
            if (cabsf(block[r] - c->grid[r]) > err) {
                err = cabsf(block[r] - c->grid[r]);
                worst = r;
            }
        ck_assert_msg(err <= 1e-4f, "case %d: l %d k %d off by %g", c->id, worst / 240, worst % 240, err);
        ssb_free(&s);
    }
}
END_TEST

static int mib_bits(const uint8_t *mib, int first, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v << 1 | mib[first + i];
    return v;
}

START_TEST(test_decode_every_grid_vector)
{
    for (int i = 0; i < g_num_cases; i++) {
        const struct grid_case *c = &g_cases[i];
        struct ssb s;
        struct ssb_rx_result r;
        ssb_open(&s, 0, c->l_max, 0);   /* a receiver: its own pci does not matter */
        ck_assert_int_eq(ssb_decode_pbch(&s, c->grid, c->pci, &r), 0);
        ck_assert_msg(r.crc_ok, "case %d: PBCH did not decode", c->id);
        ck_assert_int_eq(r.i_ssb_bar, dmrs_pbch_i_ssb_bar(c->ssb_idx, c->hrf, c->l_max));
        ck_assert_msg(r.dmrs_metric > 0.99f, "case %d: DM-RS metric %g", c->id, r.dmrs_metric);
        ck_assert_msg(memcmp(r.mib, c->mib, PBCH_MIB_BITS) == 0, "case %d: MIB bits differ", c->id);
        ck_assert_int_eq(r.sfn, c->sfn);
        ck_assert_int_eq(r.hrf, c->hrf);
        ck_assert_int_eq(r.ssb_index, c->ssb_idx);
        if (c->l_max < 64) {
            ck_assert_int_eq(r.k_ssb, c->k_ssb);
            ck_assert_int_eq(r.k_ssb_msb, c->k_ssb >> 4);
        } else {
            ck_assert_int_eq(r.k_ssb, mib_bits(c->mib, 8, 4));
        }
        ck_assert_msg(fabsf(r.timing_offset) < 1e-3f, "case %d: timing %g", c->id, r.timing_offset);
        ssb_free(&s);
    }
}
END_TEST

START_TEST(test_decode_rejects_wrong_cell_and_noise)
{
    const struct grid_case *c = &g_cases[2];
    struct ssb s;
    struct ssb_rx_result r;
    ssb_open(&s, 0, c->l_max, 0);
    ck_assert_int_eq(ssb_decode_pbch(&s, c->grid, c->pci + 4, &r), 0);   /* same nu, other DM-RS and scrambling */
    ck_assert(!r.crc_ok);
    ck_assert_int_eq(ssb_decode_pbch(&s, c->grid, c->pci + 1, &r), 0);
    ck_assert(!r.crc_ok);
    cf_t block[SSB_BLOCK_RE] = { 0 };
    ck_assert_int_eq(ssb_decode_pbch(&s, block, c->pci, &r), 0);
    ck_assert(!r.crc_ok);
    test_rng_seed(77);
    for (int trial = 0; trial < 20; trial++) {
        for (int i = 0; i < SSB_BLOCK_RE; i++)
            block[i] = (float)(test_rng_gauss() * M_SQRT1_2) + I * (float)(test_rng_gauss() * M_SQRT1_2);
        ck_assert_int_eq(ssb_decode_pbch(&s, block, c->pci, &r), 0);
        ck_assert_msg(!r.crc_ok, "noise decoded as a PBCH (trial %d)", trial);
        ck_assert_msg(r.dmrs_metric < 0.4f, "noise DM-RS metric %g", r.dmrs_metric);
    }
    ck_assert_int_eq(ssb_decode_pbch(&s, block, 1008, &r), -EINVAL);
    ssb_free(&s);
}
END_TEST

START_TEST(test_build_rejects_bad_arguments)
{
    const struct grid_case *c = &g_cases[1];   /* sfn 1023, L_max 4 */
    struct ssb s;
    cf_t block[SSB_BLOCK_RE];
    ssb_open(&s, c->pci, c->l_max, c->k_ssb);
    ck_assert_int_eq(ssb_build(&s, c->mib, c->sfn, c->hrf, c->ssb_idx, block), 0);
    ck_assert_int_eq(ssb_build(&s, c->mib, c->sfn - 16, c->hrf, c->ssb_idx, block), -EINVAL);  /* MIB MSBs differ */
    ck_assert_int_eq(ssb_build(&s, c->mib, c->sfn - 1, c->hrf, c->ssb_idx, block), 0);         /* LSBs are free */
    ck_assert_int_eq(ssb_build(&s, c->mib, 1024, c->hrf, c->ssb_idx, block), -EINVAL);
    ck_assert_int_eq(ssb_build(&s, c->mib, c->sfn, 2, c->ssb_idx, block), -EINVAL);
    uint8_t mib[PBCH_MIB_BITS];
    memcpy(mib, c->mib, sizeof(mib));
    mib[11] ^= 1;                                                                               /* k_SSB LSB */
    ck_assert_int_eq(ssb_build(&s, mib, c->sfn, c->hrf, c->ssb_idx, block), -EINVAL);
    ck_assert_int_eq(ssb_build(&s, c->mib, c->sfn, c->hrf, 4, block), -EINVAL);               /* >= L_max */
    ssb_free(&s);
    struct ssb_config bad[] = { { .pci = 1008, .l_max = 4 }, { .pci = -1, .l_max = 4 }, { .pci = 1, .l_max = 5 },
                                { .pci = 1, .l_max = 8, .k_ssb = 32 } };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_int_eq(ssb_init(&s, &bad[i]), -EINVAL);
}
END_TEST

START_TEST(test_map_and_extract_place_block_in_slot)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, 14, 624), 0);
    for (int i = 0; i < 14 * 624; i++)
        g.re[i] = -7.0f;                                 /* sentinel: must survive outside the block */
    cf_t block[SSB_BLOCK_RE], back[SSB_BLOCK_RE];
    for (int i = 0; i < SSB_BLOCK_RE; i++)
        block[i] = (float)i + I * (float)(i % 7);
    ck_assert_int_eq(ssb_map(block, &g, 162, 8), 0);
    for (int l = 0; l < 14; l++)
        for (int k = 0; k < 624; k++) {
            int inside = l >= 8 && l < 12 && k >= 162 && k < 402;
            cf_t want = inside ? block[(l - 8) * 240 + k - 162] : -7.0f;
            ck_assert_msg(grid_symbol(&g, l)[k] == want, "l %d k %d", l, k);
        }
    ck_assert_int_eq(ssb_extract(&g, 162, 8, back), 0);
    ck_assert(memcmp(back, block, sizeof(block)) == 0);
    ck_assert_int_eq(ssb_map(block, &g, 624 - 239, 0), -EINVAL);
    ck_assert_int_eq(ssb_map(block, &g, 0, 11), -EINVAL);
    ck_assert_int_eq(ssb_map(block, &g, -1, 0), -EINVAL);
    ck_assert_int_eq(ssb_extract(&g, 0, -1, back), -EINVAL);
    ck_assert_int_eq(ssb_map(block, &g, 624 - 240, 10), 0);   /* the last position that fits */
    grid_free(&g);
}
END_TEST

/* ---- 38.213 4.1 burst positions ---- */

static void expect_slot(const struct ssb_burst_config *cfg, int sfn, int slot, int n, const int (*want)[3])
{
    struct ssb_occasion occ[SSB_MAX_PER_SLOT];
    int got = ssb_slot_symbols(cfg, sfn, slot, occ);
    ck_assert_msg(got == n, "sfn %d slot %d: %d blocks, want %d", sfn, slot, got, n);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(occ[i].ssb_index == want[i][0] && occ[i].first_symbol == want[i][1] &&
                      occ[i].hrf == want[i][2], "sfn %d slot %d #%d: index %d symbol %d hrf %d", sfn, slot, i,
                      occ[i].ssb_index, occ[i].first_symbol, occ[i].hrf);
    }
}

START_TEST(test_slot_symbols_case_a_15khz)
{
    struct ssb_burst_config a = { .scs_khz = 15, .pattern = SSB_PATTERN_A, .l_max = 4, .positions_in_burst = 0xf,
                                  .period_ms = 5 };
    expect_slot(&a, 0, 0, 2, (const int[][3]){ { 0, 2, 0 }, { 1, 8, 0 } });
    expect_slot(&a, 0, 1, 2, (const int[][3]){ { 2, 2, 0 }, { 3, 8, 0 } });
    for (int slot = 2; slot < 5; slot++)
        expect_slot(&a, 0, slot, 0, NULL);
    expect_slot(&a, 0, 5, 2, (const int[][3]){ { 0, 2, 1 }, { 1, 8, 1 } });   /* 5 ms: both half frames */
    expect_slot(&a, 7, 6, 2, (const int[][3]){ { 2, 2, 1 }, { 3, 8, 1 } });
    a.positions_in_burst = 0x6;                                                 /* blocks 1 and 2 only */
    expect_slot(&a, 0, 0, 1, (const int[][3]){ { 1, 8, 0 } });
    expect_slot(&a, 0, 1, 1, (const int[][3]){ { 2, 2, 0 } });
    a.positions_in_burst = 0x1;
    a.period_ms = 10;                                                           /* what srsUE expects */
    expect_slot(&a, 5, 0, 1, (const int[][3]){ { 0, 2, 0 } });
    expect_slot(&a, 5, 5, 0, NULL);
    a.period_ms = 20;
    expect_slot(&a, 100, 0, 1, (const int[][3]){ { 0, 2, 0 } });
    expect_slot(&a, 101, 0, 0, NULL);
    a.half_frame = 1;
    expect_slot(&a, 100, 0, 0, NULL);
    expect_slot(&a, 100, 5, 1, (const int[][3]){ { 0, 2, 1 } });
    a.l_max = 8;                                                                /* 3-6 GHz Case A: n = 0..3 */
    a.positions_in_burst = 0xc0;
    a.period_ms = 5;
    expect_slot(&a, 0, 3, 2, (const int[][3]){ { 6, 2, 0 }, { 7, 8, 0 } });
}
END_TEST

START_TEST(test_slot_symbols_cases_b_c_30khz)
{
    struct ssb_burst_config c = { .scs_khz = 30, .pattern = SSB_PATTERN_C, .l_max = 8, .positions_in_burst = 0xff,
                                  .period_ms = 5 };
    for (int slot = 0; slot < 4; slot++)
        expect_slot(&c, 0, slot, 2, (const int[][3]){ { 2 * slot, 2, 0 }, { 2 * slot + 1, 8, 0 } });
    for (int slot = 4; slot < 10; slot++)
        expect_slot(&c, 0, slot, 0, NULL);
    expect_slot(&c, 0, 13, 2, (const int[][3]){ { 6, 2, 1 }, { 7, 8, 1 } });
    c.period_ms = 10;
    expect_slot(&c, 0, 13, 0, NULL);
    c.l_max = 4;
    c.positions_in_burst = 0xf;
    expect_slot(&c, 0, 1, 2, (const int[][3]){ { 2, 2, 0 }, { 3, 8, 0 } });
    expect_slot(&c, 0, 2, 0, NULL);
    struct ssb_burst_config b = { .scs_khz = 30, .pattern = SSB_PATTERN_B, .l_max = 8, .positions_in_burst = 0xff,
                                  .period_ms = 5 };
    expect_slot(&b, 0, 0, 2, (const int[][3]){ { 0, 4, 0 }, { 1, 8, 0 } });
    expect_slot(&b, 0, 1, 2, (const int[][3]){ { 2, 2, 0 }, { 3, 6, 0 } });
    expect_slot(&b, 0, 2, 2, (const int[][3]){ { 4, 4, 0 }, { 5, 8, 0 } });
    expect_slot(&b, 0, 3, 2, (const int[][3]){ { 6, 2, 0 }, { 7, 6, 0 } });
}
END_TEST

/* Our candidate table and the cell-geometry module's (written separately) agree. */
START_TEST(test_candidates_agree_with_cell_geometry)
{
    const enum ssb_pattern pats[] = { SSB_PATTERN_A, SSB_PATTERN_B, SSB_PATTERN_C };
    for (int p = 0; p < 3; p++)
        for (int l_max = 4; l_max <= 8; l_max += 4) {
            struct cell_geometry g = { .ssb_pattern = pats[p], .ssb_l_max = l_max };
            for (int i = 0; i < l_max; i++)
                ck_assert_int_eq(ssb_candidate_first_symbol(pats[p], l_max, i),
                                 cell_geometry_ssb_first_symbol(&g, i));
            ck_assert_int_eq(ssb_candidate_first_symbol(pats[p], l_max, l_max), -EINVAL);
        }
}
END_TEST

START_TEST(test_slot_symbols_reject_bad_config)
{
    struct ssb_occasion occ[SSB_MAX_PER_SLOT];
    struct ssb_burst_config ok = { .scs_khz = 15, .pattern = SSB_PATTERN_A, .l_max = 4, .positions_in_burst = 1,
                                   .period_ms = 10 };
    ck_assert_int_eq(ssb_slot_symbols(&ok, 0, 0, occ), 1);
    ck_assert_int_eq(ssb_slot_symbols(&ok, 0, 10, occ), -EINVAL);   /* 10 slots per frame at 15 kHz */
    ck_assert_int_eq(ssb_slot_symbols(&ok, 1024, 0, occ), -EINVAL);
    struct ssb_burst_config bad[] = {
        { .scs_khz = 30, .pattern = SSB_PATTERN_A, .l_max = 4, .period_ms = 10 },
        { .scs_khz = 15, .pattern = SSB_PATTERN_C, .l_max = 4, .period_ms = 10 },
        { .scs_khz = 15, .pattern = SSB_PATTERN_A, .l_max = 64, .period_ms = 10 },
        { .scs_khz = 15, .pattern = SSB_PATTERN_A, .l_max = 4, .period_ms = 15 },
        { .scs_khz = 15, .pattern = SSB_PATTERN_A, .l_max = 4, .period_ms = 10, .half_frame = 2 },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(ssb_slot_symbols(&bad[i], 0, 0, occ) == -EINVAL, "bad config %zu accepted", i);
}
END_TEST

/* ---- over the air: SSB -> OFDM -> channel -> OFDM -> PBCH ---- */

#define LINK_FS 11.52e6
#define LINK_F0 1842.5e6
#define LINK_SC 162          /* the reference cell's block position (offsetToPointA 13, k_SSB 6) */
#define LINK_PCI 321

struct link {
    double snr_db;           /* per RE: the modulator is unitary, so noise variance per sample = 1 / SNR */
    double cfo_hz;           /* not corrected by the receiver */
    int delay;               /* samples, within the CP */
};

struct link_env {
    struct ssb tx_ssb, rx_ssb;
    struct ofdm tx, rx;
    struct grid g;
    cf_t x[11520], y[11520];
};

static void link_open(struct link_env *e)
{
    ssb_open(&e->tx_ssb, LINK_PCI, 4, 17);
    ssb_open(&e->rx_ssb, 0, 4, 0);
    struct ofdm_config oc = { .sample_rate_hz = LINK_FS, .scs_khz = 15, .nof_prb = 52, .f0_hz = LINK_F0 };
    ck_assert_int_eq(ofdm_init(&e->tx, &oc), 0);
    oc.direction = OFDM_DIRECTION_RX;
    ck_assert_int_eq(ofdm_init(&e->rx, &oc), 0);
    ck_assert_int_eq(grid_init(&e->g, 14, 624), 0);
}

static void link_close(struct link_env *e)
{
    ssb_free(&e->tx_ssb);
    ssb_free(&e->rx_ssb);
    ofdm_free(&e->tx);
    ofdm_free(&e->rx);
    grid_free(&e->g);
}

/* Sends SSB 2 of half frame 1 of frame 517 with a random MIB over the link; 1 when everything decoded right. */
static int link_trial(struct link_env *e, const struct link *lk, struct ssb_rx_result *r)
{
    uint8_t mib[PBCH_MIB_BITS];
    int sfn = 517;
    for (int i = 0; i < PBCH_MIB_BITS; i++)
        mib[i] = (uint8_t)(test_rng_next() & 1);
    for (int b = 0; b < 6; b++)
        mib[1 + b] = (uint8_t)((sfn >> (9 - b)) & 1);
    for (int b = 0; b < 4; b++)
        mib[8 + b] = (uint8_t)((17 >> (3 - b)) & 1);   /* ssb-SubcarrierOffset: k_SSB 4 LSBs */
    cf_t block[SSB_BLOCK_RE];
    ck_assert_int_eq(ssb_build(&e->tx_ssb, mib, sfn, 1, 2, block), 0);
    grid_clear(&e->g);
    ck_assert_int_eq(ssb_map(block, &e->g, LINK_SC, 2), 0);
    ck_assert_int_eq(ofdm_modulate_slot(&e->tx, e->g.re, 0, e->x), 11520);
    double sigma = sqrt(pow(10.0, -lk->snr_db / 10.0) / 2.0);
    for (int n = 0; n < 11520; n++) {
        double arg = 2 * M_PI * lk->cfo_hz * n / LINK_FS;
        cf_t s = n >= lk->delay ? e->x[n - lk->delay] : 0;
        e->y[n] = s * ((float)cos(arg) + I * (float)sin(arg)) +
                  (float)(sigma * test_rng_gauss()) + I * (float)(sigma * test_rng_gauss());
    }
    ck_assert_int_eq(ofdm_demodulate_slot(&e->rx, e->y, 0, e->g.re), 11520);
    ck_assert_int_eq(ssb_extract(&e->g, LINK_SC, 2, block), 0);
    ck_assert_int_eq(ssb_decode_pbch(&e->rx_ssb, block, LINK_PCI, r), 0);
    return r->crc_ok && r->sfn == sfn && r->hrf == 1 && r->ssb_index == 2 && r->k_ssb == 17 &&
           memcmp(r->mib, mib, sizeof(mib)) == 0;
}

/* Runs `trials` transmissions; returns the successes and checks the receiver's estimates on average. */
static int link_run(const struct link *lk, int trials)
{
    struct link_env *e = malloc(sizeof(*e));
    link_open(e);
    int ok = 0;
    double snr = 0, timing = 0, phase = 0;
    for (int t = 0; t < trials; t++) {
        struct ssb_rx_result r;
        ok += link_trial(e, lk, &r);
        snr += r.snr_db / trials;
        timing += r.timing_offset * 768.0 / trials;
        phase += r.phase_per_symbol / trials;
    }
    /* A normal-CP symbol lasts 822 samples: the CFO turns the channel by 2 pi cfo 822 / fs per symbol. */
    double want_phase = 2 * M_PI * lk->cfo_hz * 822 / LINK_FS;
    ck_assert_msg(fabs(snr - lk->snr_db) < 1.5, "SNR estimate %.2f dB for %.1f dB", snr, lk->snr_db);
    /* The per-block timing estimate has a spread of about 0.6 samples at 5 dB and 2 at 0 dB. */
    double timing_tol = lk->snr_db >= 5.0 ? 0.5 : 1.5;
    ck_assert_msg(fabs(timing - lk->delay) < timing_tol, "timing estimate %.2f samples for %d", timing, lk->delay);
    ck_assert_msg(fabs(phase - want_phase) < 0.05, "phase/symbol %.3f rad, want %.3f", phase, want_phase);
    link_close(e);
    free(e);
    return ok;
}

START_TEST(test_roundtrip_over_ofdm_awgn_cfo_delay)
{
    test_rng_seed(2024);
    const struct link five = { 5.0, 300.0, 0 }, five_late = { 5.0, -450.0, 7 }, zero = { 0.0, 300.0, 3 };
    ck_assert_int_eq(link_run(&five, 20), 20);
    ck_assert_int_eq(link_run(&five_late, 20), 20);
    int ok = link_run(&zero, 40);
    ck_assert_msg(ok >= 38, "0 dB: %d/40 decoded", ok);
}
END_TEST

/* srsRAN's frames at their documented positions: frame_08 clean, frame_11 delayed by 1234 samples with a
 * 1.5 kHz CFO the receiver does not correct and AWGN at 5 dB per RE. */
static void decode_frame(const char *file, int delay, double cfo_hz)
{
    size_t size = 0;
    cf_t *frame = vector_load(file, &size);
    ck_assert_msg(frame && size == 115200 * sizeof(cf_t), "cannot read %s", file);
    struct link_env *e = malloc(sizeof(*e));
    link_open(e);
    for (int hrf = 0; hrf < 2; hrf++) {
        cf_t block[SSB_BLOCK_RE];
        struct ssb_rx_result r;
        ck_assert_int_eq(ofdm_demodulate_slot(&e->rx, frame + delay + hrf * 57600, 0, e->g.re), 11520);
        ck_assert_int_eq(ssb_extract(&e->g, 144, 2, block), 0);
        ck_assert_int_eq(ssb_decode_pbch(&e->rx_ssb, block, 500, &r), 0);
        ck_assert_msg(r.crc_ok, "%s half frame %d: no PBCH (SNR %.1f dB, metric %.2f)", file, hrf, r.snr_db,
                      r.dmrs_metric);
        ck_assert_int_eq(r.sfn, 100);
        ck_assert_int_eq(r.hrf, hrf);
        ck_assert_int_eq(r.ssb_index, 0);
        ck_assert_int_eq(r.i_ssb_bar, 4 * hrf);
        ck_assert_int_eq(r.mib[0], 0);                   /* BCCH-BCH-Message: mib */
        ck_assert_int_eq(mib_bits(r.mib, 13, 8), 6 * 16); /* pdcch-ConfigSIB1: CORESET#0 6, SS#0 0 */
        ck_assert_int_eq(r.mib[21], 1);                  /* notBarred */
        double want_phase = 2 * M_PI * cfo_hz * 822 / 11.52e6;
        ck_assert_msg(fabs(r.phase_per_symbol - want_phase) < 0.2, "phase/symbol %.3f, want %.3f",
                      r.phase_per_symbol, want_phase);
    }
    link_close(e);
    free(e);
    free(frame);
}

START_TEST(test_frames_decode_at_known_positions)
{
    decode_frame(SSB_DIR "/frame_08_fdd15_pci500_idx0_both_halfframes.cf32", 0, 0.0);
    decode_frame(SSB_DIR "/frame_11_fdd15_pci500_idx0_both_halfframes_awgn.cf32", 1234, 1500.0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ssb");
    TCase *tc = tcase_create("ssb");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, cases_setup, NULL);
    tcase_add_test(tc, test_build_matches_every_grid_vector);
    tcase_add_test(tc, test_decode_every_grid_vector);
    tcase_add_test(tc, test_decode_rejects_wrong_cell_and_noise);
    tcase_add_test(tc, test_build_rejects_bad_arguments);
    tcase_add_test(tc, test_map_and_extract_place_block_in_slot);
    tcase_add_test(tc, test_slot_symbols_case_a_15khz);
    tcase_add_test(tc, test_slot_symbols_cases_b_c_30khz);
    tcase_add_test(tc, test_candidates_agree_with_cell_geometry);
    tcase_add_test(tc, test_slot_symbols_reject_bad_config);
    tcase_add_test(tc, test_roundtrip_over_ofdm_awgn_cfo_delay);
    tcase_add_test(tc, test_frames_decode_at_known_positions);
    suite_add_tcase(s, tc);
    return check_run(s);
}
