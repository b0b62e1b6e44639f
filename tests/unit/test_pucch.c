/* Unit tests for phy/seq/low_papr, phy/ch/uci, phy/ch/pucch and phy/ch/pucch_common: every tests/vectors/pucch
 * case (formats 1 and 2 from srsUE's encoder) encoded RE-exact from its UCI bits (format 2 also its coded bits
 * exactly) and decoded back from its grid, the two noisy ones included; the format-0 grids of an independent
 * script (tests/vectors/pucch/f0_ref.py) encoded and decoded; round trips over AWGN for every format; DTX on
 * noise-only grids; the Table 9.2.1-1 rule against case 20's resource; the (32, A) code against a codeword worked
 * out by hand; bad resources and broken grids. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/pucch.h"
#include "phy/ch/pucch_common.h"
#include "phy/ch/uci.h"
#include "phy/grid/grid.h"
#include "phy/seq/low_papr.h"
#include "tests/unit/check_run.h"
#include "tests/unit/spec_tables.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"

#define PUCCH_DIR "tests/vectors/pucch"
#define NOF_PRB 52
#define GRID_SC (12 * NOF_PRB)
#define GRID_RES (GRID_SYMBOLS_PER_SLOT * GRID_SC)
#define GRID_BYTES (GRID_RES * sizeof(cf_t))
#define MANIFEST_FIELDS 35
#define MAX_CASES 40
#define TOL 1e-4f

struct pucch_case {
    int id, format, A, E;
    double snr_db;              /* INFINITY for a clean case */
    char cs_per_symbol[64];
    int u;
    struct pucch_config cfg;
    uint8_t uci[64];
};

static struct pucch_case cases[MAX_CASES];
static int nof_cases;
static struct pucch_rx rx;
static struct grid g;

static void load_manifest(void)
{
    FILE *f = vector_manifest_open(PUCCH_DIR);
    ck_assert_ptr_nonnull(f);
    char line[4096], *fld[MANIFEST_FIELDS];
    nof_cases = 0;
    while (fgets(line, sizeof line, f) && nof_cases < MAX_CASES) {
        if (vector_tsv_split(line, fld, MANIFEST_FIELDS) != MANIFEST_FIELDS)
            continue;
        struct pucch_case *c = &cases[nof_cases++];
        memset(c, 0, sizeof(*c));
        c->id = atoi(fld[0]);
        c->format = atoi(fld[2]);
        int pci = atoi(fld[3]);
        struct pucch_resource r = {
            .format = c->format == 1 ? PUCCH_FORMAT_1 : PUCCH_FORMAT_2, .start_prb = atoi(fld[8]),
            .intra_slot_hopping = atoi(fld[9]) != 0, .second_hop_prb = atoi(fld[10]),
            .start_symbol = atoi(fld[11]), .nof_symbols = atoi(fld[12]), .nof_prb = atoi(fld[13]),
            .initial_cs = atoi(fld[14]), .time_domain_occ = atoi(fld[15]) };
        c->cfg = (struct pucch_config){ .res = r, .bwp_start = 0, .bwp_size = NOF_PRB, .slot = atoi(fld[5]),
                                        .n_id = (uint16_t)atoi(fld[4]), .n_id_data = (uint16_t)pci,
                                        .n_id_dmrs = (uint16_t)pci, .rnti = (uint16_t)strtol(fld[6], NULL, 16) };
        c->u = atoi(fld[16]);
        snprintf(c->cs_per_symbol, sizeof c->cs_per_symbol, "%s", fld[18]);
        c->A = atoi(fld[24]);
        c->E = atoi(fld[27]);
        c->snr_db = strncmp(fld[32], "inf", 3) == 0 ? INFINITY : atof(fld[32]);
        size_t n = 0;
        uint8_t *uci = vector_load_case(PUCCH_DIR, "pucch", c->id, "uci", (size_t)c->A);
        ck_assert_msg(uci != NULL, "case %d: uci file", c->id);
        memcpy(c->uci, uci, (size_t)c->A);
        free(uci);
        (void)n;
    }
    fclose(f);
    ck_assert_int_eq(nof_cases, 36);
}

static void setup(void)
{
    load_manifest();
    ck_assert_int_eq(pucch_rx_init(&rx, NULL), 0);
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
}

static void teardown(void)
{
    pucch_rx_free(&rx);
    grid_free(&g);
}

static cf_t *load_grid(const char *set, int id)
{
    cf_t *v = vector_load_case(PUCCH_DIR, set, id, "grid", GRID_BYTES);
    ck_assert_msg(v != NULL, "%s %d: grid file", set, id);
    return v;
}

static float max_diff(const cf_t *a, const cf_t *b, int n)
{
    float m = 0;
    for (int i = 0; i < n; i++)
        m = fmaxf(m, cabsf(a[i] - b[i]));
    return m;
}

static void encode_case(const struct pucch_case *c, uint8_t *cw)
{
    grid_clear(&g);
    int rc = c->format == 1 ? pucch_f1_encode(&c->cfg, c->uci, c->A, &g)
                            : pucch_f2_encode(&c->cfg, c->uci, c->A, &g, cw);
    ck_assert_msg(rc == 0, "case %d: encode %d", c->id, rc);
}

static void decode_case(const struct pucch_case *c, const struct grid *gr, struct pucch_rx_result *res)
{
    int rc = c->format == 1 ? pucch_f1_decode(&rx, gr, &c->cfg, c->A, res)
                            : pucch_f2_decode(&rx, gr, &c->cfg, c->A, res);
    ck_assert_msg(rc == 0, "case %d: decode %d", c->id, rc);
}

START_TEST(test_sequence_group_and_cyclic_shifts_match_manifest)
{
    int checked = 0;
    for (int i = 0; i < nof_cases; i++) {
        const struct pucch_case *c = &cases[i];
        if (c->format != 1)
            continue;
        ck_assert_int_eq(low_papr_group_neither(c->cfg.n_id), c->u);
        uint8_t n_cs[LOW_PAPR_SYMBOLS_PER_SLOT];
        ck_assert_int_eq(low_papr_cs_hopping(c->cfg.n_id, c->cfg.slot, n_cs), 0);
        char s[64] = "";
        for (int l = 0; l < c->cfg.res.nof_symbols; l++)
            snprintf(s + strlen(s), sizeof s - strlen(s), "%s%d", l ? "," : "",
                     (c->cfg.res.initial_cs + n_cs[c->cfg.res.start_symbol + l]) % 12);
        ck_assert_msg(strcmp(s, c->cs_per_symbol) == 0, "case %d: %s vs %s", c->id, s, c->cs_per_symbol);
        checked++;
    }
    ck_assert_int_eq(checked, 22);
    /* base sequences are unit modulus and the table has only +-1, +-3 */
    cf_t r[12];
    ck_assert_int_eq(low_papr_base12(30, r), -EINVAL);
    for (int u = 0; u < LOW_PAPR_NUM_GROUPS; u++) {
        ck_assert_int_eq(low_papr_base12(u, r), 0);
        for (int n = 0; n < 12; n++) {
            ck_assert(fabsf(cabsf(r[n]) - 1.0f) < 1e-6f);
            int p = low_papr_phi12[u][n];
            ck_assert(p == -3 || p == -1 || p == 1 || p == 3);
        }
    }
}
END_TEST

START_TEST(test_encoder_reproduces_every_clean_grid)
{
    int checked = 0;
    for (int i = 0; i < nof_cases; i++) {
        const struct pucch_case *c = &cases[i];
        if (!isinf(c->snr_db))
            continue;
        uint8_t cw[PUCCH_F2_MAX_E];
        encode_case(c, cw);
        cf_t *v = load_grid("pucch", c->id);
        float d = max_diff(g.re, v, GRID_RES);
        ck_assert_msg(d <= TOL, "case %d: grid max diff %g", c->id, d);
        free(v);
        if (c->format == 2) {
            ck_assert_int_eq(pucch_f2_nof_bits(&c->cfg.res), c->E);
            uint8_t *ref = vector_load_case(PUCCH_DIR, "pucch", c->id, "cw", (size_t)c->E);
            ck_assert_ptr_nonnull(ref);
            ck_assert_msg(memcmp(cw, ref, (size_t)c->E) == 0, "case %d: coded bits differ", c->id);
            free(ref);
        }
        checked++;
    }
    ck_assert_int_eq(checked, 34);
}
END_TEST

START_TEST(test_receiver_decodes_every_grid)
{
    for (int i = 0; i < nof_cases; i++) {
        const struct pucch_case *c = &cases[i];
        cf_t *v = load_grid("pucch", c->id);
        memcpy(g.re, v, GRID_BYTES);
        free(v);
        struct pucch_rx_result res;
        decode_case(c, &g, &res);
        ck_assert_msg(res.verdict == PUCCH_RX_VALID, "case %d: verdict %d metric %g", c->id, res.verdict,
                      res.metric);
        ck_assert_int_eq(res.nbits, c->A);
        ck_assert_msg(memcmp(res.bits, c->uci, (size_t)c->A) == 0, "case %d: bits differ", c->id);
        if (isinf(c->snr_db))
            ck_assert_msg(res.snr_db > 40, "case %d: clean snr %g", c->id, res.snr_db);
        else
            ck_assert_msg(fabsf(res.snr_db - (float)c->snr_db) < 2.5f, "case %d: snr %g vs %g", c->id,
                          res.snr_db, c->snr_db);
    }
}
END_TEST

START_TEST(test_common_table_rule_gives_case_20)
{
    const struct pucch_case *c = &cases[20];
    ck_assert_int_eq(c->id, 20);
    struct pucch_resource r;
    ck_assert_int_eq(pucch_common_resource(11, 0, NOF_PRB, &r), 0);
    ck_assert_int_eq(r.format, PUCCH_FORMAT_1);
    ck_assert_int_eq(r.start_prb, c->cfg.res.start_prb);
    ck_assert_int_eq(r.second_hop_prb, c->cfg.res.second_hop_prb);
    ck_assert(r.intra_slot_hopping == c->cfg.res.intra_slot_hopping);
    ck_assert_int_eq(r.start_symbol, c->cfg.res.start_symbol);
    ck_assert_int_eq(r.nof_symbols, c->cfg.res.nof_symbols);
    ck_assert_int_eq(r.initial_cs, c->cfg.res.initial_cs);
    ck_assert_int_eq(r.time_domain_occ, c->cfg.res.time_domain_occ);
    /* the rest of the rule, worked by hand from 38.213 9.2.1 for N_BWP = 52 */
    ck_assert_int_eq(pucch_common_resource(11, 3, NOF_PRB, &r), 0);      /* N_CS 2: floor(3/2) = 1, 3 mod 2 */
    ck_assert(r.start_prb == 1 && r.second_hop_prb == 50 && r.initial_cs == 6);
    ck_assert_int_eq(pucch_common_resource(15, 9, NOF_PRB, &r), 0);      /* offset 13, N_CS 4: r-8 = 1 */
    ck_assert(r.start_prb == 52 - 1 - 13 && r.second_hop_prb == 13 && r.initial_cs == 3);
    ck_assert_int_eq(pucch_common_resource(2, 14, NOF_PRB, &r), 0);      /* F0, offset 3, {0,4,8}: 6 -> 2, 0 */
    ck_assert(r.format == PUCCH_FORMAT_0 && r.start_symbol == 12 && r.nof_symbols == 2);
    ck_assert(r.start_prb == 52 - 1 - 3 - 2 && r.second_hop_prb == 5 && r.initial_cs == 0);
    ck_assert_int_eq(pucch_common_resource(16, 0, NOF_PRB, &r), -EINVAL);
    ck_assert_int_eq(pucch_common_resource(0, 16, NOF_PRB, &r), -EINVAL);
    ck_assert_int_eq(pucch_common_r(0, 8, 0), 0);
    ck_assert_int_eq(pucch_common_r(4, 8, 3), 7);
    ck_assert_int_eq(pucch_common_r(8, 8, 0), -EINVAL);
}
END_TEST

START_TEST(test_common_table_equals_typed_in_table)
{
    struct spec_table t;
    ck_assert_int_eq(spec_table_load(&t, "38213_table_9_2_1_1_pucch_common.tsv"), 0);
    ck_assert_int_eq(t.nrows, PUCCH_COMMON_ROWS);
    for (int i = 0; i < t.nrows; i++) {
        const struct pucch_common_row *row = &pucch_common_table[i];
        int v, cs[4];
        ck_assert(spec_table_int(&t, i, "index", &v) == 0 && v == i);
        ck_assert(spec_table_int(&t, i, "format", &v) == 0 && v == (int)row->format);
        ck_assert(spec_table_int(&t, i, "first_symbol", &v) == 0 && v == row->first_symbol);
        ck_assert(spec_table_int(&t, i, "nof_symbols", &v) == 0 && v == row->nof_symbols);
        if (strcmp(spec_table_str(&t, i, "prb_offset"), "N_BWP/4") == 0)
            ck_assert_int_eq(row->prb_offset, PUCCH_COMMON_OFFSET_QUARTER);
        else
            ck_assert(spec_table_int(&t, i, "prb_offset", &v) == 0 && v == row->prb_offset);
        ck_assert_int_eq(spec_table_list(&t, i, "initial_cs", cs, 4), row->nof_cs);
        for (int k = 0; k < row->nof_cs; k++)
            ck_assert_int_eq(cs[k], row->cs[k]);
    }
    spec_table_free(&t);
}
END_TEST

/* f0_cases.tsv of tests/vectors/pucch/f0_ref.py */
struct f0_case {
    int id, nof_ack, m_cs;
    bool sr;
    uint8_t ack[2];
    struct pucch_config cfg;
};

static int load_f0_cases(struct f0_case *fc, int max)
{
    char path[256], line[1024], *fld[13];
    snprintf(path, sizeof path, "%s/f0_cases.tsv", PUCCH_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        if (vector_tsv_split(line, fld, 13) != 13 || strcmp(fld[0], "case_id") == 0)
            continue;
        struct f0_case *c = &fc[n++];
        memset(c, 0, sizeof(*c));
        c->id = atoi(fld[0]);
        c->nof_ack = strcmp(fld[9], "-") == 0 ? 0 : (int)strlen(fld[9]);
        for (int i = 0; i < c->nof_ack; i++)
            c->ack[i] = (uint8_t)(fld[9][i] - '0');
        c->sr = atoi(fld[10]) != 0;
        c->m_cs = atoi(fld[11]);
        c->cfg = (struct pucch_config){
            .res = { .format = PUCCH_FORMAT_0, .start_prb = atoi(fld[3]), .intra_slot_hopping = atoi(fld[4]) != 0,
                     .second_hop_prb = atoi(fld[5]), .start_symbol = atoi(fld[6]), .nof_symbols = atoi(fld[7]),
                     .nof_prb = 1, .initial_cs = atoi(fld[8]) },
            .bwp_size = NOF_PRB, .slot = atoi(fld[2]), .n_id = (uint16_t)atoi(fld[1]) };
    }
    fclose(f);
    return n;
}

START_TEST(test_format0_matches_independent_script)
{
    struct f0_case fc[8];
    int n = load_f0_cases(fc, 8);
    ck_assert_int_eq(n, 5);
    for (int i = 0; i < n; i++) {
        struct f0_case *c = &fc[i];
        ck_assert_int_eq(pucch_f0_m_cs(c->ack, c->nof_ack, c->sr), c->m_cs);
        grid_clear(&g);
        ck_assert_int_eq(pucch_f0_encode(&c->cfg, c->ack, c->nof_ack, c->sr, &g), 0);
        cf_t *v = load_grid("f0", c->id);
        float d = max_diff(g.re, v, GRID_RES);
        ck_assert_msg(d <= TOL, "f0 case %d: max diff %g", c->id, d);
        memcpy(g.re, v, GRID_BYTES);
        free(v);
        struct pucch_rx_result res;
        ck_assert_int_eq(pucch_f0_decode(&rx, &g, &c->cfg, c->nof_ack, true, &res), 0);
        ck_assert_msg(res.verdict == PUCCH_RX_VALID, "f0 case %d: verdict %d", c->id, res.verdict);
        ck_assert_int_eq(res.nbits, c->nof_ack);
        ck_assert(memcmp(res.bits, c->ack, (size_t)c->nof_ack) == 0);
        ck_assert(res.sr == c->sr);
    }
}
END_TEST

static void add_noise(struct grid *gr, double snr_db)
{
    double sigma = sqrt(pow(10.0, -snr_db / 10.0) / 2.0);
    for (int i = 0; i < gr->nof_symbols * gr->nof_subcarriers; i++)
        gr->re[i] += (float)(sigma * test_rng_gauss()) + I * (float)(sigma * test_rng_gauss());
}

static struct pucch_config random_config(enum pucch_format f)
{
    struct pucch_config c = { .bwp_start = (int)(test_rng_next() % 5), .bwp_size = 40,
                              .slot = (int)(test_rng_next() % 20), .n_id = (uint16_t)(test_rng_next() % 1024),
                              .n_id_data = (uint16_t)(test_rng_next() % 1024),
                              .n_id_dmrs = (uint16_t)(test_rng_next() % 1024),
                              .rnti = (uint16_t)(1 + test_rng_next() % 65519) };
    struct pucch_resource *r = &c.res;
    r->format = f;
    r->nof_prb = f == PUCCH_FORMAT_2 ? 1 + (int)(test_rng_next() % 16) : 1;
    r->nof_symbols = f == PUCCH_FORMAT_1 ? 4 + (int)(test_rng_next() % 11) : 1 + (int)(test_rng_next() % 2);
    r->start_symbol = (int)(test_rng_next() % (uint64_t)(15 - r->nof_symbols));
    r->intra_slot_hopping = r->nof_symbols > 1 && (test_rng_next() & 1);
    r->start_prb = (int)(test_rng_next() % (uint64_t)(c.bwp_size - r->nof_prb + 1));
    r->second_hop_prb = (int)(test_rng_next() % (uint64_t)(c.bwp_size - r->nof_prb + 1));
    r->initial_cs = (int)(test_rng_next() % 12);
    r->time_domain_occ = 0;
    for (int i = 6; i > 0 && f == PUCCH_FORMAT_1; i--) {
        r->time_domain_occ = (int)(test_rng_next() % (uint64_t)(i + 1));
        if (pucch_check(&c, NULL) == 0)
            break;
        r->time_domain_occ = 0;
    }
    ck_assert_int_eq(pucch_check(&c, NULL), 0);
    return c;
}

START_TEST(test_round_trips_over_awgn)
{
    test_rng_seed(11);
    for (int t = 0; t < 300; t++) {
        enum pucch_format f = (enum pucch_format)(t % 3);
        struct pucch_config c = random_config(f);
        uint8_t bits[64];
        for (int i = 0; i < 64; i++)
            bits[i] = (uint8_t)(test_rng_next() & 1);
        int n = f == PUCCH_FORMAT_2 ? 3 + (int)(test_rng_next() % 30) : 1 + (int)(test_rng_next() % 2);
        if (f == PUCCH_FORMAT_2 && n + 11 > pucch_f2_nof_bits(&c.res) / 2)
            n = 3 + (int)(test_rng_next() % 9);   /* keep the code rate below 1/2 */
        bool sr = f == PUCCH_FORMAT_0 && (test_rng_next() & 1);
        if (f == PUCCH_FORMAT_0)
            n = (int)(test_rng_next() % 3), sr = sr || n == 0;
        grid_clear(&g);
        struct pucch_rx_result res;
        if (f == PUCCH_FORMAT_0) {
            ck_assert_int_eq(pucch_f0_encode(&c, bits, n, sr, &g), 0);
            add_noise(&g, 10.0);
            ck_assert_int_eq(pucch_f0_decode(&rx, &g, &c, n, true, &res), 0);
            ck_assert(res.sr == sr);
        } else if (f == PUCCH_FORMAT_1) {
            ck_assert_int_eq(pucch_f1_encode(&c, bits, n, &g), 0);
            add_noise(&g, 0.0);
            ck_assert_int_eq(pucch_f1_decode(&rx, &g, &c, n, &res), 0);
        } else {
            ck_assert_int_eq(pucch_f2_encode(&c, bits, n, &g, NULL), 0);
            /* detection rests on the DM-RS (4 REs per PRB and symbol): small resources need more SNR */
            add_noise(&g, c.res.nof_prb * c.res.nof_symbols >= 3 ? 6.0 : 10.0);
            ck_assert_int_eq(pucch_f2_decode(&rx, &g, &c, n, &res), 0);
        }
        ck_assert_msg(res.verdict == PUCCH_RX_VALID, "trial %d format %d: verdict %d metric %g", t, f,
                      res.verdict, res.metric);
        ck_assert_int_eq(res.nbits, n);
        ck_assert_msg(memcmp(res.bits, bits, (size_t)n) == 0, "trial %d format %d: bits", t, f);
    }
}
END_TEST

START_TEST(test_noise_alone_is_dtx)
{
    test_rng_seed(5);
    int detected[3] = { 0, 0, 0 }, trials = 300;
    for (int t = 0; t < trials; t++)
        for (int f = 0; f < 3; f++) {
            struct pucch_config c = random_config((enum pucch_format)f);
            grid_clear(&g);
            add_noise(&g, 0.0);
            struct pucch_rx_result res;
            int rc = f == 0 ? pucch_f0_decode(&rx, &g, &c, 2, true, &res)
                   : f == 1 ? pucch_f1_decode(&rx, &g, &c, 1 + t % 2, &res)
                            : pucch_f2_decode(&rx, &g, &c, 3 + t % 9, &res);
            ck_assert_int_eq(rc, 0);
            if (res.verdict != PUCCH_RX_DTX)
                detected[f]++;
            ck_assert_int_eq(res.verdict == PUCCH_RX_DTX ? res.nbits : 0, 0);
        }
    /* target false-alarm rate 1e-3: 0.3 expected per format */
    for (int f = 0; f < 3; f++)
        ck_assert_msg(detected[f] <= 3, "format %d: %d of %d noise grids detected", f, detected[f], trials);
}
END_TEST

START_TEST(test_rm_code_against_hand_worked_codeword)
{
    /* a = 1,0,1,1: d_i = M_i,0 + M_i,2 + M_i,3 mod 2, row by row from 38.212 Table 5.3.3.3-1 */
    static const char *hand = "10011100010000110001001011110111";
    uint8_t a[4] = { 1, 0, 1, 1 }, d[32];
    ck_assert_int_eq(uci_rm_encode(a, 4, d), 0);
    for (int i = 0; i < 32; i++)
        ck_assert_msg(d[i] == hand[i] - '0', "d_%d", i);
    /* decode: every word of A = 6 from clean LLRs, with E = 20 (only part of the code sent) and E = 70 */
    for (int E = 20; E <= 70; E += 50)
        for (unsigned w = 0; w < 64; w++) {
            uint8_t b[6], f[70], out[6];
            float llr[70];
            for (int k = 0; k < 6; k++)
                b[k] = (uint8_t)((w >> k) & 1);
            ck_assert_int_eq(uci_encode(b, 6, E, f), 0);
            for (int k = 0; k < E; k++)
                llr[k] = f[k] ? -1.0f : 1.0f;
            ck_assert_int_eq(uci_rm_decode(llr, E, 6, out, NULL), 0);
            if (E == 70)
                ck_assert(memcmp(out, b, 6) == 0);
        }
    ck_assert_int_eq(uci_crc_length(11), 0);
    ck_assert_int_eq(uci_crc_length(12), 6);
    ck_assert_int_eq(uci_crc_length(20), 11);
    ck_assert_int_eq(uci_encode(a, 2, 32, d), -EINVAL);
    ck_assert_int_eq(uci_encode(a, 12, 10, d), -EINVAL);   /* polar: E below K + n_PC */
}
END_TEST

START_TEST(test_format0_all_hypotheses_and_sr)
{
    struct pucch_config c = { .res = { .format = PUCCH_FORMAT_0, .start_prb = 7, .second_hop_prb = 30,
                                       .start_symbol = 12, .nof_symbols = 2, .intra_slot_hopping = true,
                                       .initial_cs = 2 },
                              .bwp_size = NOF_PRB, .slot = 5, .n_id = 123 };
    test_rng_seed(3);
    for (int nof_ack = 0; nof_ack <= 2; nof_ack++)
        for (int v = 0; v < (1 << nof_ack); v++)
            for (int sr = 0; sr <= 1; sr++) {
                if (nof_ack == 0 && !sr)
                    continue;
                uint8_t ack[2] = { (uint8_t)(nof_ack == 2 ? v >> 1 : v), (uint8_t)(v & 1) };
                grid_clear(&g);
                ck_assert_int_eq(pucch_f0_encode(&c, ack, nof_ack, sr, &g), 0);
                add_noise(&g, 6.0);
                struct pucch_rx_result res;
                ck_assert_int_eq(pucch_f0_decode(&rx, &g, &c, nof_ack, true, &res), 0);
                ck_assert(res.verdict == PUCCH_RX_VALID && res.sr == (sr != 0));
                ck_assert(memcmp(res.bits, ack, (size_t)nof_ack) == 0);
            }
    ck_assert_int_eq(pucch_f0_encode(&c, NULL, 0, false, &g), -EINVAL);  /* nothing to send */
    ck_assert_int_eq(pucch_f0_m_cs((uint8_t[]){ 1, 0 }, 2, false), 9);
    ck_assert_int_eq(pucch_f0_m_cs((uint8_t[]){ 1, 1 }, 2, true), 7);
}
END_TEST

START_TEST(test_bad_resources_and_broken_grids)
{
    struct pucch_rx_result res;
    const struct pucch_case *f1 = &cases[0], *f2 = &cases[30];
    ck_assert_int_eq(f2->format, 2);
    uint8_t bits[64] = { 0 };
    struct pucch_config c = f1->cfg;
    c.res.start_prb = NOF_PRB;                       /* outside the BWP */
    ck_assert_int_eq(pucch_f1_encode(&c, bits, 1, &g), -EINVAL);
    ck_assert_int_eq(pucch_f1_decode(&rx, &g, &c, 1, &res), -EINVAL);
    c = f1->cfg;
    c.bwp_start = 10;                                /* BWP fits, grid does not */
    c.res.start_prb = 45;
    ck_assert_int_eq(pucch_check(&c, NULL), 0);
    ck_assert_int_eq(pucch_f1_decode(&rx, &g, &c, 1, &res), -EINVAL);
    c = f1->cfg;
    c.res.nof_symbols = 3;
    ck_assert_int_eq(pucch_f1_encode(&c, bits, 1, &g), -EINVAL);
    c = f1->cfg;
    c.res.time_domain_occ = 7;
    ck_assert_int_eq(pucch_check(&c, &g), -EINVAL);
    c = cases[13].cfg;                               /* N = 4 with hopping: one symbol per kind and hop */
    c.res.time_domain_occ = 1;
    ck_assert_int_eq(pucch_check(&c, &g), -EINVAL);
    c = f2->cfg;
    c.res.nof_prb = 17;
    ck_assert_int_eq(pucch_f2_encode(&c, bits, 5, &g, NULL), -EINVAL);
    c = f2->cfg;
    c.res.second_hop_prb = 51;
    c.res.intra_slot_hopping = true;
    ck_assert_int_eq(pucch_f2_decode(&rx, &g, &c, 5, &res), -EINVAL);
    ck_assert_int_eq(pucch_f2_encode(&f2->cfg, bits, 2, &g, NULL), -EINVAL);
    ck_assert_int_eq(pucch_f2_encode(&f2->cfg, bits, 60, &g, NULL), -EINVAL);   /* A + CRC > E = 64 */
    ck_assert_int_eq(pucch_f1_decode(&rx, NULL, &f1->cfg, 1, &res), -EINVAL);
    ck_assert_int_eq(pucch_f1_decode(&rx, &g, &f1->cfg, 3, &res), -EINVAL);

    /* all-zero, NaN and infinite grids: DTX, no bits */
    struct pucch_config f0 = { .res = { .format = PUCCH_FORMAT_0, .start_prb = 3, .start_symbol = 13,
                                        .nof_symbols = 1 },
                               .bwp_size = NOF_PRB, .n_id = 1 };
    for (int kind = 0; kind < 3; kind++) {
        float v = kind == 0 ? 0.0f : kind == 1 ? NAN : INFINITY;
        for (int i = 0; i < GRID_RES; i++)
            g.re[i] = v + I * v;
        ck_assert_int_eq(pucch_f0_decode(&rx, &g, &f0, 1, true, &res), 0);
        ck_assert(res.verdict == PUCCH_RX_DTX && res.nbits == 0);
        ck_assert_int_eq(pucch_f1_decode(&rx, &g, &f1->cfg, 2, &res), 0);
        ck_assert(res.verdict == PUCCH_RX_DTX && res.nbits == 0);
        for (int A = 5; A <= 19; A += 14) {
            ck_assert_int_eq(pucch_f2_decode(&rx, &g, &f2->cfg, A, &res), 0);
            ck_assert(res.verdict == PUCCH_RX_DTX && res.nbits == 0);
        }
    }
    struct pucch_rx r2;
    ck_assert_int_eq(pucch_rx_init(&r2, &(struct pucch_rx_cfg){ .pfa_f1 = 1.5 }), -EINVAL);
}
END_TEST

static Suite *pucch_suite(void)
{
    Suite *s = suite_create("pucch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sequence_group_and_cyclic_shifts_match_manifest);
    tcase_add_test(tc, test_encoder_reproduces_every_clean_grid);
    tcase_add_test(tc, test_receiver_decodes_every_grid);
    tcase_add_test(tc, test_common_table_rule_gives_case_20);
    tcase_add_test(tc, test_common_table_equals_typed_in_table);
    tcase_add_test(tc, test_format0_matches_independent_script);
    tcase_add_test(tc, test_format0_all_hypotheses_and_sr);
    tcase_add_test(tc, test_round_trips_over_awgn);
    tcase_add_test(tc, test_noise_alone_is_dtx);
    tcase_add_test(tc, test_rm_code_against_hand_worked_codeword);
    tcase_add_test(tc, test_bad_resources_and_broken_grids);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(pucch_suite());
}
