/* Unit tests for phy/ch/pdsch: every tests/vectors/pdsch case (SIB1 x 2, RAR, Msg4, 64QAM with data on the DM-RS
 * symbol, 256QAM with DM-RS type 2 and 4 DM-RS symbols, 16QAM) encoded from its codeword RE-exact against the
 * grid (DM-RS positions and G from the module equal the manifest's), and decoded from the grid with LLR signs
 * equal to the codeword; default TDRA table A, the DM-RS position table, the DCI 1_0 DM-RS rule, AWGN and a
 * frequency-selective, time-varying channel, layer mapping, and rejection of what the module cannot send. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pdsch.h"
#include "phy/fec/ldpc_decoder.h"
#include "phy/grid/grid.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define PDSCH_DIR "tests/vectors/pdsch"
#define NOF_PRB 52
#define GRID_SC (12 * NOF_PRB)
#define GRID_RES (GRID_SYMBOLS_PER_SLOT * GRID_SC)
#define MANIFEST_FIELDS 26

static struct pdsch pdsch;

static void setup(void) { ck_assert_int_eq(pdsch_init(&pdsch, &(struct pdsch_cfg){ .max_prb = 106 }), 0); }
static void teardown(void) { pdsch_free(&pdsch); }

struct pdsch_case {
    int id, g, tbs, rv, qm;
    double r;
    unsigned dmrs_symbols;
    double beta;
    struct pdsch_grant gr;
    uint8_t *cw;
    cf_t *grid;
};

static enum modulation_scheme modulation_of(int qm)
{
    return qm == 2 ? MODULATION_QPSK : qm == 4 ? MODULATION_16QAM : qm == 6 ? MODULATION_64QAM : MODULATION_256QAM;
}

/* Parses one manifest row (cases.tsv columns, see the vector README) into c; 0 for a header or short line. */
static int parse_row(char *line, struct pdsch_case *c)
{
    char *f[MANIFEST_FIELDS];
    if (vector_tsv_split(line, f, MANIFEST_FIELDS) != MANIFEST_FIELDS || strcmp(f[0], "case_id") == 0)
        return 0;
    memset(c, 0, sizeof(*c));
    c->id = atoi(f[0]);
    c->g = atoi(f[15]);
    c->qm = atoi(f[12]);
    c->r = atof(f[13]);
    c->tbs = atoi(f[14]);
    c->rv = atoi(f[16]);
    for (char *p = f[20]; *p; p += strspn(p, ","))
        c->dmrs_symbols |= 1u << strtoul(p, &p, 10);
    c->beta = atof(f[22]);
    struct pdsch_grant *gr = &c->gr;
    gr->rnti = (uint16_t)strtol(f[2], NULL, 16);
    gr->n_id = (uint16_t)atoi(f[4]);
    gr->slot = atoi(f[5]);
    gr->crb_start = atoi(f[6]); /* the carrier starts at CRB 0, so PRB = CRB */
    gr->nof_rb = atoi(f[7]);
    gr->start_symbol = atoi(f[8]);
    gr->nof_symbols = atoi(f[9]);
    gr->modulation = modulation_of(atoi(f[12]));
    gr->nof_layers = 1;
    gr->mapping = PDSCH_MAPPING_TYPE_A;
    gr->dmrs = (struct pdsch_dmrs_cfg){ .config_type = atoi(f[17]), .type_a_position = atoi(f[18]),
                                        .additional_position = atoi(f[19]),
                                        .cdm_groups_without_data = atoi(f[21]), .n_id = gr->n_id,
                                        .ref_crb = atoi(f[23]) };
    ck_assert_uint_eq(strtoul(f[24], NULL, 10), (unsigned long)gr->rnti * 32768ul + gr->n_id);
    return 1;
}

/* Calls fn on every case with its files; returns how many. */
static int for_each_case(void (*fn)(struct pdsch_case *c))
{
    FILE *mf = fopen(PDSCH_DIR "/cases.tsv", "r");
    ck_assert_msg(mf != NULL, "cannot open " PDSCH_DIR "/cases.tsv");
    char line[4096];
    int rows = 0;
    struct pdsch_case c;
    while (fgets(line, sizeof line, mf)) {
        if (!parse_row(line, &c))
            continue;
        c.cw = vector_load_case(PDSCH_DIR, "pdsch", c.id, "cw", (size_t)c.g);
        c.grid = vector_load_case(PDSCH_DIR, "pdsch", c.id, "grid", GRID_RES * sizeof(cf_t));
        ck_assert_msg(c.cw && c.grid, "case %d: files missing", c.id);
        fn(&c);
        free(c.cw);
        free(c.grid);
        rows++;
    }
    fclose(mf);
    return rows;
}

static void check_tx(struct pdsch_case *c)
{
    ck_assert_int_eq(pdsch_dmrs_symbols(&c->gr), (int)c->dmrs_symbols);
    ck_assert_int_eq(pdsch_nof_bits(&c->gr), c->g);
    ck_assert_msg(fabs(sqrt((double)c->gr.dmrs.cdm_groups_without_data) - c->beta) < 1e-6, "case %d beta", c->id);
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    ck_assert_int_eq(pdsch_encode(&pdsch, &c->gr, c->cw, (size_t)c->g, &g), 0);
    vector_grid_expect(g.re, c->grid, GRID_RES, GRID_SC, c->id);
    grid_free(&g);
}

START_TEST(test_tx_matches_every_vector)
{
    ck_assert_int_eq(for_each_case(check_tx), 7);
}
END_TEST

/* The receiver chain a UE runs on every vector grid: PDSCH equalisation and demapping, HARQ soft buffer, LDPC
 * decoding, CB/TB CRC -> the vector's transport block (tests/vectors/pdsch/pdsch_XX_tb.bin) with CRC OK. */
static void check_rx_tb(struct pdsch_case *c)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    memcpy(g.re, c->grid, GRID_RES * sizeof(cf_t));
    float *llr = malloc(sizeof(float) * (size_t)c->g);
    ck_assert_int_eq(pdsch_decode(&pdsch, &g, &c->gr, llr, (size_t)c->g, NULL), 0);
    struct dlsch_cfg dc = {.tbs = c->tbs, .r = c->r, .qm = c->qm, .n_layers = 1, .rv = c->rv, .g = c->g};
    struct dlsch_params p;
    ck_assert_int_eq(dlsch_params_init(&p, &dc), 0);
    float *soft = malloc(sizeof(float) * (size_t)p.seg.c * (size_t)p.n);
    uint8_t *cbs = malloc((size_t)p.seg.c * (size_t)p.seg.k), *tb = calloc((size_t)c->tbs / 8 + 8, 1);
    struct ldpc_decoder dec;
    ck_assert_int_eq(ldpc_decoder_init(&dec, &(struct ldpc_decoder_cfg){0}), 0);
    ck_assert_int_eq(dlsch_rx_soft_reset(&p, soft), 0);
    ck_assert_int_eq(dlsch_rx_combine(&p, llr, soft), 0);
    struct segmentation_rx_result rr;
    ck_assert_int_eq(dlsch_rx_decode(&p, &dec, 10, soft, cbs, tb, &rr), 0);
    ck_assert_msg(rr.tb_crc_ok, "case %d: TB CRC failed", c->id);
    uint8_t *want = vector_load_case(PDSCH_DIR, "pdsch", c->id, "tb", (size_t)c->tbs / 8);
    ck_assert_msg(want != NULL, "case %d: tb file missing", c->id);
    ck_assert_msg(memcmp(tb, want, (size_t)c->tbs / 8) == 0, "case %d: TB differs", c->id);
    free(want);
    ldpc_decoder_free(&dec);
    free(soft);
    free(cbs);
    free(tb);
    free(llr);
    grid_free(&g);
}

START_TEST(test_rx_recovers_every_vector_tb)
{
    ck_assert_int_eq(for_each_case(check_rx_tb), 7);
}
END_TEST

static void check_rx(struct pdsch_case *c)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    memcpy(g.re, c->grid, GRID_RES * sizeof(cf_t));
    float *llr = malloc((size_t)c->g * sizeof(float));
    struct pdsch_rx_result res;
    ck_assert_int_eq(pdsch_decode(&pdsch, &g, &c->gr, llr, (size_t)c->g, &res), 0);
    for (int i = 0; i < c->g; i++)
        ck_assert_msg(llr[i] != 0 && (llr[i] < 0) == (c->cw[i] == 1), "case %d: LLR %d is %g, bit %d", c->id, i,
                      llr[i], c->cw[i]);
    ck_assert_msg(res.noise_var < 1e-5f && fabsf(res.epre - 1) < 1e-4f, "case %d: noise %g epre %g", c->id,
                  res.noise_var, res.epre);
    free(llr);
    grid_free(&g);
}

START_TEST(test_rx_llr_signs_equal_every_codeword)
{
    ck_assert_int_eq(for_each_case(check_rx), 7);
}
END_TEST

START_TEST(test_tdra_default_table_a)
{
    /* 38.214 Table 5.1.2.1.1-2 rows 1, 12, 13, 14 and 5 (type A), rows 6 and 9 (type B) */
    static const struct { int row, pos, mapping, s, l; } want[] = {
        { 0, 2, PDSCH_MAPPING_TYPE_A, 2, 12 }, { 0, 3, PDSCH_MAPPING_TYPE_A, 3, 11 },
        { 4, 2, PDSCH_MAPPING_TYPE_A, 2, 5 },  { 4, 3, PDSCH_MAPPING_TYPE_A, 3, 4 },
        { 11, 2, PDSCH_MAPPING_TYPE_A, 1, 13 }, { 12, 3, PDSCH_MAPPING_TYPE_A, 1, 6 },
        { 13, 2, PDSCH_MAPPING_TYPE_A, 2, 4 }, { 5, 3, PDSCH_MAPPING_TYPE_B, 10, 4 },
        { 8, 2, PDSCH_MAPPING_TYPE_B, 5, 2 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct pdsch_time_alloc ta;
        ck_assert_int_eq(pdsch_tdra_default_a(want[i].row, want[i].pos, &ta), 0);
        ck_assert_msg(ta.k0 == 0 && (int)ta.mapping == want[i].mapping && ta.start_symbol == want[i].s &&
                      ta.nof_symbols == want[i].l, "row %d pos %d: %d S %d L %d", want[i].row + 1, want[i].pos,
                      ta.mapping, ta.start_symbol, ta.nof_symbols);
    }
    /* Every row: type A rows (m = 0-4, 11-13) make a grant this module sends with the DCI 1_0 DM-RS; type B rows
     * are refused as not supported. */
    int type_a = 0;
    for (int row = 0; row < 16; row++)
        for (int pos = 2; pos <= 3; pos++) {
            struct pdsch_time_alloc ta;
            ck_assert_int_eq(pdsch_tdra_default_a(row, pos, &ta), 0);
            struct pdsch_grant gr = { .modulation = MODULATION_QPSK, .nof_layers = 1, .crb_start = 0, .nof_rb = 4,
                                      .mapping = ta.mapping, .start_symbol = ta.start_symbol,
                                      .nof_symbols = ta.nof_symbols };
            pdsch_dmrs_dci_1_0(&gr.dmrs, pos, ta.nof_symbols, 1, 0);
            int rc = pdsch_grant_check(&gr);
            ck_assert_msg(ta.mapping == PDSCH_MAPPING_TYPE_A ? rc == 0 : rc == -ENOTSUP, "row %d pos %d: %d", row,
                          pos, rc);
            type_a += ta.mapping == PDSCH_MAPPING_TYPE_A;
        }
    ck_assert_int_eq(type_a, 16);
    struct pdsch_time_alloc ta;
    ck_assert_int_eq(pdsch_tdra_default_a(16, 2, &ta), -EINVAL);
    ck_assert_int_eq(pdsch_tdra_default_a(0, 1, &ta), -EINVAL);
}
END_TEST

static int dmrs_mask_for(int s, int l, int l0, int add)
{
    struct pdsch_grant gr = { .modulation = MODULATION_QPSK, .nof_layers = 1, .nof_rb = 1,
                              .mapping = PDSCH_MAPPING_TYPE_A, .start_symbol = s, .nof_symbols = l };
    gr.dmrs = (struct pdsch_dmrs_cfg){ .config_type = 1, .type_a_position = l0, .additional_position = add,
                                       .cdm_groups_without_data = 2 };
    return pdsch_dmrs_symbols(&gr);
}

#define M(a) (1 << (a))
START_TEST(test_dmrs_positions_table)
{
    /* 38.211 Table 7.4.1.1.2-3, type A, l_d = S + L */
    ck_assert_int_eq(dmrs_mask_for(2, 12, 2, 2), M(2) | M(7) | M(11));
    ck_assert_int_eq(dmrs_mask_for(2, 12, 2, 3), M(2) | M(5) | M(8) | M(11));
    ck_assert_int_eq(dmrs_mask_for(2, 12, 2, 1), M(2) | M(11));
    ck_assert_int_eq(dmrs_mask_for(2, 12, 2, 0), M(2));
    ck_assert_int_eq(dmrs_mask_for(2, 10, 2, 2), M(2) | M(6) | M(9));   /* l_d 12 */
    ck_assert_int_eq(dmrs_mask_for(2, 10, 2, 3), M(2) | M(5) | M(8) | M(11));
    ck_assert_int_eq(dmrs_mask_for(2, 9, 2, 2), M(2) | M(6) | M(9));    /* l_d 11 */
    ck_assert_int_eq(dmrs_mask_for(2, 9, 2, 1), M(2) | M(9));
    ck_assert_int_eq(dmrs_mask_for(3, 6, 3, 2), M(3) | M(7));           /* l_d 9 */
    ck_assert_int_eq(dmrs_mask_for(2, 5, 2, 2), M(2));                  /* l_d 7 */
    ck_assert_int_eq(dmrs_mask_for(1, 13, 3, 1), M(3) | M(11));
    ck_assert_int_eq(dmrs_mask_for(0, 14, 3, 3), -EINVAL);              /* pos3 needs l0 = 2 */
    ck_assert_int_eq(dmrs_mask_for(3, 11, 2, 2), -EINVAL);              /* l0 before the PDSCH */
}
END_TEST
#undef M

START_TEST(test_dci_1_0_dmrs_and_vrb_rules)
{
    struct pdsch_dmrs_cfg d;
    pdsch_dmrs_dci_1_0(&d, 2, 12, 500, 10);
    ck_assert_int_eq(d.config_type, 1);
    ck_assert_int_eq(d.additional_position, 2);
    ck_assert_int_eq(d.cdm_groups_without_data, 2);
    ck_assert_int_eq(d.n_scid, 0);
    ck_assert_int_eq(d.ref_crb, 10);
    pdsch_dmrs_dci_1_0(&d, 2, 2, 500, 0);
    ck_assert_int_eq(d.cdm_groups_without_data, 1);
    /* 38.211 7.3.1.6: DCI 1_0 in a CSS counts VRBs from the CORESET, otherwise from the BWP. */
    ck_assert_int_eq(pdsch_vrb_to_crb(3, 0, 10), 13);
    ck_assert_int_eq(pdsch_vrb_to_crb(3, 4, -1), 7);
    /* SIB1 of 12 PRB, S 2 L 12, pos2: 9 data symbols x 144 REs x 2 bits */
    struct pdsch_grant gr = { .modulation = MODULATION_QPSK, .nof_layers = 1, .nof_rb = 12,
                              .mapping = PDSCH_MAPPING_TYPE_A, .start_symbol = 2, .nof_symbols = 12 };
    pdsch_dmrs_dci_1_0(&gr.dmrs, 2, 12, 500, 0);
    ck_assert_int_eq(pdsch_nof_re(&gr), 9 * 144);
    ck_assert_int_eq(pdsch_nof_bits(&gr), 2592);
}
END_TEST

static uint8_t *random_cw(int n)
{
    uint8_t *b = malloc((size_t)n);
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(test_rng_next() >> 63);
    return b;
}

/* Encodes a random codeword on 106 PRB, applies h(rb, l) = a_rb e^{j(phi_rb + w l)} (a different gain and phase per
 * RB, a phase drift over the slot that the time interpolation follows), adds AWGN of variance nv, decodes; returns
 * the number of LLR sign errors and the noise estimate. */
static int channel_run(enum modulation_scheme mod, int add_pos, float nv, float drift, float *nv_est)
{
    struct pdsch_grant gr = { .rnti = 0x4601, .n_id = 77, .modulation = mod, .nof_layers = 1, .crb_start = 0,
                              .nof_rb = 106, .mapping = PDSCH_MAPPING_TYPE_A, .start_symbol = 1, .nof_symbols = 13,
                              .slot = 5 };
    gr.dmrs = (struct pdsch_dmrs_cfg){ .config_type = 1, .type_a_position = 2, .additional_position = add_pos,
                                       .cdm_groups_without_data = 1, .n_id = 77 };
    int nb = pdsch_nof_bits(&gr);
    ck_assert_int_gt(nb, 0);
    uint8_t *cw = random_cw(nb);
    float *llr = malloc((size_t)nb * sizeof(float));
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, 12 * 106), 0);
    ck_assert_int_eq(pdsch_encode(&pdsch, &gr, cw, (size_t)nb, &g), 0);
    float s = sqrtf(nv / 2);
    for (int l = 0; l < GRID_SYMBOLS_PER_SLOT; l++)
        for (int k = 0; k < 12 * 106; k++) {
            int rb = k / 12;
            cf_t h = (0.5f + 0.01f * (float)(rb % 50)) * cexpf(I * (0.05f * (float)rb + drift * (float)l));
            cf_t *re = &grid_symbol(&g, l)[k];
            *re = *re * h + s * (float)test_rng_gauss() + s * (float)test_rng_gauss() * I;
        }
    struct pdsch_rx_result res;
    ck_assert_int_eq(pdsch_decode(&pdsch, &g, &gr, llr, (size_t)nb, &res), 0);
    int errors = 0;
    for (int i = 0; i < nb; i++)
        errors += (llr[i] < 0) != (cw[i] == 1);
    *nv_est = res.noise_var;
    free(cw);
    free(llr);
    grid_free(&g);
    return errors;
}

START_TEST(test_noisy_selective_channel)
{
    float est;
    /* 64QAM at 30 dB below the weakest RB's gain (0.25 power): no errors, with a drift of 0.02 rad per symbol
     * between two DM-RS symbols (2 and 11). */
    ck_assert_int_eq(channel_run(MODULATION_64QAM, 1, 1e-4f, 0.02f, &est), 0);
    ck_assert_msg(fabsf(est / 1e-4f - 1) < 0.1f, "noise estimate %g", est);
    /* QPSK at 0.25 / 0.02 (~11 dB on the weakest RB): essentially error-free; the noise estimate holds. */
    int e = channel_run(MODULATION_QPSK, 2, 0.02f, 0.01f, &est);
    ck_assert_msg(e < 10, "%d QPSK errors", e);
    ck_assert_msg(fabsf(est / 0.02f - 1) < 0.1f, "noise estimate %g", est);
    /* The same 64QAM slot with the drift but one DM-RS symbol: the time interpolation is what saved it. */
    e = channel_run(MODULATION_64QAM, 0, 1e-4f, 0.02f, &est);
    ck_assert_msg(e > 100, "only %d errors without interpolation", e);
}
END_TEST

/* A grant as DCI 1_0 gives it (type A, DM-RS at 2 + pos2, N_ID 1, reference CRB 0), with a random codeword of its
 * size and an empty 52-PRB grid. */
static struct pdsch_grant dci_1_0_grant(enum modulation_scheme mod, int crb_start, int nof_rb, int s, int l,
                                        uint8_t **cw, struct grid *g)
{
    struct pdsch_grant gr = { .rnti = 1, .n_id = 1, .modulation = mod, .nof_layers = 1, .crb_start = crb_start,
                              .nof_rb = nof_rb, .mapping = PDSCH_MAPPING_TYPE_A, .start_symbol = s,
                              .nof_symbols = l };
    pdsch_dmrs_dci_1_0(&gr.dmrs, 2, l, 1, 0);
    *cw = random_cw(pdsch_nof_bits(&gr));
    ck_assert_int_eq(grid_init(g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    return gr;
}

START_TEST(test_encode_touches_only_its_allocation)
{
    uint8_t *cw;
    struct grid g;
    struct pdsch_grant gr = dci_1_0_grant(MODULATION_16QAM, 10, 5, 2, 10, &cw, &g);
    int nb = pdsch_nof_bits(&gr);
    for (int i = 0; i < GRID_RES; i++)
        g.re[i] = 7.0f;
    ck_assert_int_eq(pdsch_encode(&pdsch, &gr, cw, (size_t)nb, &g), 0);
    for (int l = 0; l < GRID_SYMBOLS_PER_SLOT; l++)
        for (int k = 0; k < GRID_SC; k++) {
            bool inside = l >= 2 && l < 12 && k >= 120 && k < 180;
            ck_assert_msg((grid_symbol(&g, l)[k] == 7.0f) != inside, "l %d k %d", l, k);
        }
    free(cw);
    grid_free(&g);
}
END_TEST

START_TEST(test_layer_mapping)
{
    cf_t d[12], x0[6], x1[6], x2[3], x3[3];
    for (int i = 0; i < 12; i++)
        d[i] = (float)i;
    cf_t *x[PDSCH_MAX_LAYERS] = { x0, x1, x2, x3 };
    ck_assert_int_eq(pdsch_layer_map(d, 12, 2, x), 0);
    for (int i = 0; i < 6; i++)
        ck_assert(x0[i] == (float)(2 * i) && x1[i] == (float)(2 * i + 1));
    ck_assert_int_eq(pdsch_layer_map(d, 12, 4, x), 0);
    for (int i = 0; i < 3; i++)
        ck_assert(x0[i] == (float)(4 * i) && x3[i] == (float)(4 * i + 3) && x2[i] == (float)(4 * i + 2));
    ck_assert_int_eq(pdsch_layer_map(d, 10, 4, x), -EINVAL);
    ck_assert_int_eq(pdsch_layer_map(d, 12, 5, x), -EINVAL);
}
END_TEST

START_TEST(test_bad_grants_rejected)
{
    uint8_t *cw;
    struct grid g;
    struct pdsch_grant gr = dci_1_0_grant(MODULATION_QPSK, 0, 10, 2, 12, &cw, &g);
    int nb = pdsch_nof_bits(&gr);
    ck_assert_int_eq(pdsch_encode(&pdsch, &gr, cw, (size_t)nb - 2, &g), -EINVAL);
    struct pdsch_grant bad = gr;
    bad.mapping = PDSCH_MAPPING_TYPE_B;
    ck_assert_int_eq(pdsch_encode(&pdsch, &bad, cw, (size_t)nb, &g), -ENOTSUP);
    bad = gr;
    bad.nof_layers = 2;
    ck_assert_int_eq(pdsch_grant_check(&bad), -ENOTSUP);
    bad = gr;
    bad.modulation = MODULATION_PI2_BPSK;
    ck_assert_int_eq(pdsch_grant_check(&bad), -EINVAL);
    bad = gr;
    bad.dmrs.ref_crb = 1; /* reference above the allocation */
    ck_assert_int_eq(pdsch_grant_check(&bad), -EINVAL);
    bad = gr;
    bad.dmrs.cdm_groups_without_data = 3; /* type 1 has two CDM groups */
    ck_assert_int_eq(pdsch_grant_check(&bad), -EINVAL);
    bad = gr;
    bad.crb_start = 45; /* past the 52-PRB grid */
    ck_assert_int_eq(pdsch_encode(&pdsch, &bad, cw, (size_t)nb, &g), -EINVAL);
    bad = gr;
    bad.nof_rb = 107; /* more than pdsch_init's max_prb */
    ck_assert_int_eq(pdsch_encode(&pdsch, &bad, cw, (size_t)pdsch_nof_bits(&bad), &g), -EINVAL);
    struct pdsch p2;
    ck_assert_int_eq(pdsch_init(&p2, &(struct pdsch_cfg){ .max_prb = 276 }), -EINVAL);
    free(cw);
    grid_free(&g);
}
END_TEST

static Suite *pdsch_suite(void)
{
    Suite *s = suite_create("pdsch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tx_matches_every_vector);
    tcase_add_test(tc, test_rx_recovers_every_vector_tb);
    tcase_add_test(tc, test_rx_llr_signs_equal_every_codeword);
    tcase_add_test(tc, test_tdra_default_table_a);
    tcase_add_test(tc, test_dmrs_positions_table);
    tcase_add_test(tc, test_dci_1_0_dmrs_and_vrb_rules);
    tcase_add_test(tc, test_noisy_selective_channel);
    tcase_add_test(tc, test_encode_touches_only_its_allocation);
    tcase_add_test(tc, test_layer_mapping);
    tcase_add_test(tc, test_bad_grants_rejected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(pdsch_suite());
}
