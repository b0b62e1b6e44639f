/* Unit tests for phy/ch/pusch: every tests/vectors/pusch case (Msg3 7 bytes on 1 PRB, 16QAM on 20 PRB, 64QAM MCS 24
 * on 52 PRB; clean and noisy) - the UE encoder gives the vector's scrambled bits and grid RE-exact; the gNB receiver
 * decodes every grid and every time-domain slot (through the OFDM demodulator at the UL carrier centre) to the
 * vector's TB with CRC OK; the timing estimate on a grid delayed by a few samples; HARQ combining of rv 0 and rv 2
 * where rv 0 alone fails; a wrong RNTI fails the CRC; NaN, zero, saturated grids and grants outside the carrier
 * are refused or fail the CRC; the fast demapper equals a brute-force max-log search in both implementations;
 * DM-RS type 2, mapping type B and data beside the DM-RS round trip through a delayed noisy channel. */
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
#include "phy/ch/pusch.h"
#include "phy/fec/tbs.h"
#include "phy/grid/grid.h"
#include "phy/mod/scrambling.h"
#include "phy/ofdm/ofdm.h"
#include "tests/unit/check_run.h"
#include "tests/unit/pusch_link.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"

#define PUSCH_DIR "tests/vectors/pusch"
#define NOF_PRB 52
#define GRID_SC (12 * NOF_PRB)
#define GRID_RES (GRID_SYMBOLS_PER_SLOT * GRID_SC)
#define MANIFEST_FIELDS 29
#define FS_HZ 11.52e6
#define N_FFT 768
#define SLOT_SAMPLES 11520

static struct pusch_tx tx;
static struct pusch_rx rx;

static void setup(void)
{
    ck_assert_int_eq(pusch_tx_init(&tx, 106), 0);
    ck_assert_int_eq(pusch_rx_init(&rx, &(struct pusch_rx_cfg){ .max_prb = 106, .sample_rate_hz = FS_HZ,
                                                               .scs_khz = 15 }), 0);
}
static void teardown(void)
{
    pusch_tx_free(&tx);
    pusch_rx_free(&rx);
}

struct pusch_case {
    int id, g, tbs, mcs;
    double r, td_scale, f0;
    unsigned dmrs_symbols;
    uint32_t c_init;
    bool noisy;
    struct pusch_grant gr;
    uint8_t *cw, *scr, *tb;
    cf_t *grid;
};

static const enum modulation_scheme scheme_of_qm[9] = { [2] = MODULATION_QPSK, [4] = MODULATION_16QAM,
                                                       [6] = MODULATION_64QAM, [8] = MODULATION_256QAM };

/* One manifest row (columns in tests/vectors/README.md); 0 for the header or a short line. */
static int parse_row(char *line, struct pusch_case *c)
{
    char *f[MANIFEST_FIELDS];
    if (vector_tsv_split(line, f, MANIFEST_FIELDS) != MANIFEST_FIELDS || strcmp(f[0], "case_id") == 0)
        return 0;
    memset(c, 0, sizeof(*c));
    c->id = atoi(f[0]);
    c->mcs = atoi(f[10]);
    c->tbs = atoi(f[13]);
    c->g = atoi(f[14]);
    for (char *p = f[18]; *p; p += strspn(p, ","))
        c->dmrs_symbols |= 1u << strtoul(p, &p, 10);
    c->c_init = (uint32_t)strtoul(f[21], NULL, 10);
    ck_assert_double_eq_tol(atof(f[22]), FS_HZ, 1);
    ck_assert_int_eq(atoi(f[23]), N_FFT);
    c->f0 = atof(f[24]);
    c->td_scale = atof(f[25]);
    c->noisy = strcmp(f[26], "inf") != 0;
    ck_assert_str_eq(f[9], "64qam");
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, c->mcs, &row), 0);
    ck_assert_int_eq(row.qm, atoi(f[11]));
    c->r = row.r_x1024 / 1024.0;
    ck_assert_double_eq_tol(c->r, atof(f[12]), 1e-4);
    struct pusch_grant *gr = &c->gr;
    gr->rnti = (uint16_t)strtol(f[2], NULL, 16);
    gr->n_id = (uint16_t)atoi(f[3]);
    gr->slot = atoi(f[4]);
    gr->crb_start = atoi(f[5]);
    gr->nof_rb = atoi(f[6]);
    gr->start_symbol = atoi(f[7]);
    gr->nof_symbols = atoi(f[8]);
    gr->modulation = scheme_of_qm[row.qm];
    gr->mapping = PUSCH_MAPPING_TYPE_A;
    gr->dmrs = (struct pusch_dmrs_cfg){ .config_type = atoi(f[15]), .type_a_position = atoi(f[16]),
                                        .additional_position = atoi(f[17]), .cdm_groups_without_data = atoi(f[19]),
                                        .n_id = gr->n_id };
    ck_assert_double_eq_tol(sqrt((double)gr->dmrs.cdm_groups_without_data), atof(f[20]), 1e-5);
    return 1;
}

static int for_each_case(void (*fn)(struct pusch_case *c))
{
    FILE *mf = vector_manifest_open(PUSCH_DIR);
    ck_assert_msg(mf != NULL, "cannot open " PUSCH_DIR "/cases.tsv");
    char line[4096];
    int rows = 0;
    struct pusch_case c;
    while (fgets(line, sizeof line, mf)) {
        if (!parse_row(line, &c))
            continue;
        c.cw = vector_load_case(PUSCH_DIR, "pusch", c.id, "cw", (size_t)c.g);
        c.scr = vector_load_case(PUSCH_DIR, "pusch", c.id, "scr", (size_t)c.g);
        c.tb = vector_load_case(PUSCH_DIR, "pusch", c.id, "tb", (size_t)c.tbs / 8);
        c.grid = vector_load_case(PUSCH_DIR, "pusch", c.id, "grid", GRID_RES * sizeof(cf_t));
        ck_assert_msg(c.cw && c.scr && c.tb && c.grid, "case %d: files missing", c.id);
        fn(&c);
        free(c.cw);
        free(c.scr);
        free(c.tb);
        free(c.grid);
        rows++;
    }
    fclose(mf);
    return rows;
}

static struct pusch_tb tb_of(const struct pusch_case *c, int rv, bool new_data)
{
    return (struct pusch_tb){ .tbs = c->tbs, .r = c->r, .rv = rv, .new_data = new_data, .max_iterations = 10 };
}

/* Decodes grid g for case c into a fresh soft buffer; returns the result, TB compared when want_tb. */
static struct pusch_result decode_grid(const struct pusch_case *c, const struct grid *g, const struct pusch_grant *gr)
{
    struct pusch_tb tb = tb_of(c, 0, true);
    int n = pusch_soft_size(gr, &tb);
    ck_assert_int_gt(n, 0);
    float *soft = malloc(sizeof(float) * (size_t)n);
    uint8_t *out = calloc((size_t)c->tbs / 8, 1);
    struct pusch_result res;
    ck_assert_int_eq(pusch_decode(&rx, g, gr, &tb, soft, out, &res), 0);
    if (res.crc_ok)
        ck_assert_msg(memcmp(out, c->tb, (size_t)c->tbs / 8) == 0, "case %d: CRC OK but TB differs", c->id);
    free(soft);
    free(out);
    return res;
}

static void grid_from(struct grid *g, const cf_t *re)
{
    ck_assert_int_eq(grid_init(g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    memcpy(g->re, re, GRID_RES * sizeof(cf_t));
}

static void check_tx(struct pusch_case *c)
{
    ck_assert_int_eq(pusch_dmrs_symbols(&c->gr), (int)c->dmrs_symbols);
    ck_assert_int_eq(pusch_nof_bits(&c->gr), c->g);
    ck_assert_uint_eq(scrambling_c_init_pusch(c->gr.rnti, c->gr.n_id), c->c_init);
    /* TBS from 38.214 6.1.4.2 with the module's N_DMRS^PRB equals the vector's */
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, c->mcs, &row), 0);
    struct tbs_cfg tc = { .n_prb = c->gr.nof_rb, .n_symb_sh = c->gr.nof_symbols,
                          .n_dmrs_prb = pusch_n_dmrs_prb(&c->gr), .layers = 1, .qm = row.qm,
                          .r_x1024 = row.r_x1024 };
    ck_assert_int_eq(tbs_compute(&tc), c->tbs);
    uint8_t *scr = malloc((size_t)c->g);
    scrambling_bits(c->cw, scr, (size_t)c->g, c->c_init, 0);
    ck_assert_msg(memcmp(scr, c->scr, (size_t)c->g) == 0, "case %d: scrambled bits differ", c->id);
    free(scr);
    if (c->noisy)
        return; /* the noisy grids carry the same REs plus noise */
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    ck_assert_int_eq(pusch_encode(&tx, &c->gr, c->cw, (size_t)c->g, &g), 0);
    vector_grid_expect(g.re, c->grid, GRID_RES, GRID_SC, c->id);
    grid_free(&g);
}

START_TEST(test_tx_matches_every_vector)
{
    ck_assert_int_eq(for_each_case(check_tx), 6);
}
END_TEST

static void check_rx_grid(struct pusch_case *c)
{
    struct grid g;
    grid_from(&g, c->grid);
    struct pusch_result res = decode_grid(c, &g, &c->gr);
    ck_assert_msg(res.crc_ok && res.valid_input, "case %d: CRC failed (snr %.1f dB)", c->id, res.snr_db);
    ck_assert_msg(fabsf(res.ta_samples) < 0.05f, "case %d: timing %g samples", c->id, res.ta_samples);
    /* the noisy cases' grids are the clean ones (their noise is in the time-domain slot only) */
    ck_assert_msg(fabsf(res.epre - 1) < 1e-4f, "case %d: EPRE %g", c->id, res.epre);
    ck_assert_msg(res.snr_db > 50, "case %d: clean SNR %g dB", c->id, res.snr_db);
    fprintf(stderr, "  case %d: CRC ok, SNR %.1f dB, noise var %.4f, %d LDPC iterations\n", c->id, res.snr_db,
            res.noise_var, res.ldpc_iterations);
    grid_free(&g);
}

START_TEST(test_rx_decodes_every_grid)
{
    ck_assert_int_eq(for_each_case(check_rx_grid), 6);
}
END_TEST

/* srsUE's time-domain slot: OFDM demodulation (38.211 5.4 phase term at the UL carrier centre) gives the vector
 * grid times td_scale sqrt(N) (the vector's IDFT is unnormalised, ours unitary); decoded to the TB. */
static void check_rx_slot(struct pusch_case *c)
{
    char name[64];
    size_t size = 0;
    snprintf(name, sizeof name, "pusch_%02d_slot.cf32", c->id);
    cf_t *slot = vector_load_in(PUSCH_DIR, name, &size);
    ck_assert_msg(slot && size == SLOT_SAMPLES * sizeof(cf_t), "case %d: slot file", c->id);
    struct ofdm o;
    ck_assert_int_eq(ofdm_init(&o, &(struct ofdm_config){ .sample_rate_hz = FS_HZ, .scs_khz = 15,
                                                         .nof_prb = NOF_PRB, .f0_hz = c->f0,
                                                         .direction = OFDM_DIRECTION_RX }), 0);
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    ck_assert_int_eq(ofdm_demodulate_slot(&o, slot, 0, g.re), SLOT_SAMPLES);
    if (!c->noisy) {
        float scale = (float)(c->td_scale * sqrt((double)N_FFT));
        for (int i = 0; i < GRID_RES; i++)
            ck_assert_msg(cabsf(g.re[i] / scale - c->grid[i]) < 1e-3f, "case %d: RE %d after OFDM", c->id, i);
    }
    struct pusch_result res = decode_grid(c, &g, &c->gr);
    ck_assert_msg(res.crc_ok, "case %d: CRC failed from the slot (snr %.1f dB)", c->id, res.snr_db);
    /* one PRB spans 12 subcarriers: a sample of delay turns them by 0.1 rad, so noise moves that estimate most */
    float ta_tol = !c->noisy ? 0.05f : c->gr.nof_rb == 1 ? 3.0f : 0.3f;
    ck_assert_msg(fabsf(res.ta_samples) < ta_tol, "case %d: timing %g samples", c->id, res.ta_samples);
    if (c->noisy) {
        /* the noisy slots' per-RE SNR (manifest: 13.1, 20.1, 25.9 dB) as the receiver measures it; on 1 PRB the
         * noise estimate has 10 complex degrees of freedom (+-1.4 dB for one sigma) */
        static const float per_re[6] = { 0, 13.1f, 0, 20.1f, 0, 25.9f };
        float snr_tol = c->gr.nof_rb == 1 ? 5.0f : 1.0f;
        ck_assert_msg(fabsf(res.snr_db - per_re[c->id]) < snr_tol, "case %d: SNR %.2f dB, vector %.1f dB", c->id,
                      res.snr_db, per_re[c->id]);
    }
    fprintf(stderr, "  slot %d: CRC ok, SNR %.1f dB, timing %.3f samples\n", c->id, res.snr_db, res.ta_samples);
    grid_free(&g);
    ofdm_free(&o);
    free(slot);
}

START_TEST(test_rx_decodes_every_time_domain_slot)
{
    ck_assert_int_eq(for_each_case(check_rx_slot), 6);
}
END_TEST

/* A delay of d samples: RE k turns by e^{-j 2 pi k d / N}. */
static void delay_grid(struct grid *g, double d)
{
    for (int l = 0; l < GRID_SYMBOLS_PER_SLOT; l++)
        for (int k = 0; k < g->nof_subcarriers; k++)
            grid_symbol(g, l)[k] *= cexp(-I * 2 * M_PI * k * d / N_FFT);
}

static void check_timing(struct pusch_case *c)
{
    static const double delays[] = { 3.0, -2.5, 7.25, 0.4 };
    for (size_t i = 0; i < sizeof delays / sizeof delays[0]; i++) {
        struct grid g;
        grid_from(&g, c->grid);
        delay_grid(&g, delays[i]);
        struct pusch_result res = decode_grid(c, &g, &c->gr);
        double tol = 0.01;
        ck_assert_msg(fabs(res.ta_samples - delays[i]) < tol, "case %d: delay %g estimated %g", c->id, delays[i],
                      res.ta_samples);
        ck_assert_msg(fabs(res.ta_us - delays[i] / FS_HZ * 1e6) < tol / FS_HZ * 1e6, "case %d: %g us", c->id,
                      res.ta_us);
        ck_assert_msg(res.crc_ok, "case %d: CRC failed with a delay of %g samples", c->id, delays[i]);
        grid_free(&g);
    }
}

START_TEST(test_timing_estimate_of_delayed_grids)
{
    ck_assert_int_eq(for_each_case(check_timing), 6);
}
END_TEST

static void check_wrong_rnti(struct pusch_case *c)
{
    struct grid g;
    grid_from(&g, c->grid);
    struct pusch_grant gr = c->gr;
    gr.rnti ^= 0x0001;
    struct pusch_result res = decode_grid(c, &g, &gr);
    ck_assert_msg(!res.crc_ok, "case %d: CRC OK with the wrong RNTI", c->id);
    grid_free(&g);
}

START_TEST(test_wrong_rnti_fails_crc)
{
    ck_assert_int_eq(for_each_case(check_wrong_rnti), 6);
}
END_TEST

/* ---- round trips through encoder, a channel and the receiver ---- */

/* One transmission of rv over AWGN at snr_db per RE (unit-power data REs) with a delay; returns the result. */
static struct pusch_result link_run(struct link *k, int rv, bool new_data, double snr_db, double delay)
{
    struct dlsch_cfg dc = { .tbs = k->tb.tbs, .r = k->tb.r, .qm = modulation_qm(k->gr.modulation), .n_layers = 1,
                            .rv = rv, .g = k->g };
    ck_assert_int_eq(dlsch_encode(&k->enc, &dc, k->tb_bits, k->cw), 0);
    grid_clear(&k->grid);
    ck_assert_int_eq(pusch_encode(&tx, &k->gr, k->cw, (size_t)k->g, &k->grid), 0);
    delay_grid(&k->grid, delay);
    double a = sqrt(pow(10.0, -snr_db / 10) / 2);
    for (int i = 0; i < GRID_RES; i++)
        k->grid.re[i] += (float)(a * test_rng_gauss()) + I * (float)(a * test_rng_gauss());
    k->tb.rv = rv;
    k->tb.new_data = new_data;
    struct pusch_result res;
    ck_assert_int_eq(pusch_decode(&rx, &k->grid, &k->gr, &k->tb, k->soft, k->out, &res), 0);
    if (res.crc_ok)
        ck_assert_msg(memcmp(k->out, k->tb_bits, (size_t)k->tb.tbs / 8) == 0, "rv %d: CRC OK, TB differs (%d B)", rv,
                      k->tb.tbs / 8);
    return res;
}

static const struct pusch_grant grant_64qam = {
    .rnti = 0x4321, .n_id = 77, .modulation = MODULATION_64QAM, .crb_start = 3, .nof_rb = 40,
    .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14, .slot = 5,
    .dmrs = { .config_type = 1, .type_a_position = 2, .additional_position = 1, .cdm_groups_without_data = 2,
              .n_id = 77 },
};

START_TEST(test_harq_rv2_completes_failed_rv0)
{
    struct link k;
    test_rng_seed(11);
    link_init(&k, &grant_64qam, 24); /* R = 772/1024: about 16.5 dB for 10 % BLER */
    struct pusch_result r0 = link_run(&k, 0, true, 13.0, 1.0);
    ck_assert_msg(!r0.crc_ok, "rv 0 alone decoded at 13 dB");
    struct pusch_result r2 = link_run(&k, 2, false, 13.0, 1.0);
    ck_assert_msg(r2.crc_ok, "rv 0 + rv 2 combined failed (%d CBs)", r2.cb_crc_failed);
    /* the same rv 2 in a fresh buffer fails: the combination did it */
    struct pusch_result r2_alone = link_run(&k, 2, true, 13.0, 1.0);
    ck_assert(!r2_alone.crc_ok);
    link_free(&k);
}
END_TEST

/* DM-RS type 2 with 3 additional positions, mapping type B with an additional position, data beside the DM-RS
 * (1 CDM group without data), 256QAM, QPSK: each decodes at 25 dB through a 2.5-sample delay. */
START_TEST(test_round_trip_dmrs_variants)
{
    struct variant {
        struct pusch_grant gr;
        int mcs;
    } v[5];
    for (int i = 0; i < 5; i++)
        v[i] = (struct variant){ grant_64qam, 20 };
    v[0].gr.dmrs.config_type = 2;
    v[0].gr.dmrs.additional_position = 3;
    v[0].gr.dmrs.cdm_groups_without_data = 3;
    v[1].gr.mapping = PUSCH_MAPPING_TYPE_B;
    v[1].gr.start_symbol = 4;
    v[1].gr.nof_symbols = 8;
    v[2].gr.dmrs.cdm_groups_without_data = 1;
    v[2].gr.dmrs.type_a_position = 3;
    v[2].gr.dmrs.additional_position = 2;
    v[3].gr.modulation = MODULATION_QPSK;
    v[3].mcs = 5;
    v[3].gr.dmrs.config_type = 2;
    v[3].gr.dmrs.cdm_groups_without_data = 1;
    v[4].gr.modulation = MODULATION_16QAM;
    v[4].mcs = 12;
    v[4].gr.mapping = PUSCH_MAPPING_TYPE_B;
    v[4].gr.start_symbol = 10;
    v[4].gr.nof_symbols = 4;
    test_rng_seed(5);
    for (int i = 0; i < 5; i++) {
        struct link k;
        link_init(&k, &v[i].gr, v[i].mcs);
        struct pusch_result r = link_run(&k, 0, true, 25.0, 2.5);
        ck_assert_msg(r.crc_ok, "variant %d: CRC failed (snr %.1f)", i, r.snr_db);
        ck_assert_msg(fabsf(r.ta_samples - 2.5f) < 0.3f, "variant %d: timing %g", i, r.ta_samples);
        ck_assert_msg(fabsf(r.snr_db - 25) < 2, "variant %d: SNR %g", i, r.snr_db);
        link_free(&k);
    }
}
END_TEST

START_TEST(test_dmrs_positions_table)
{
    struct pusch_grant gr = grant_64qam;
    /* 38.211 Table 6.4.1.1.3-3, type A (l_d = L from symbol 0) */
    gr.nof_symbols = 12;
    gr.dmrs.additional_position = 1;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), (1 << 2) | (1 << 9));
    gr.nof_symbols = 14;
    gr.dmrs.additional_position = 2;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), (1 << 2) | (1 << 7) | (1 << 11));
    gr.dmrs.additional_position = 3;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), (1 << 2) | (1 << 5) | (1 << 8) | (1 << 11));
    gr.nof_symbols = 7;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), 1 << 2);
    /* type B: positions relative to S */
    gr.mapping = PUSCH_MAPPING_TYPE_B;
    gr.start_symbol = 2;
    gr.nof_symbols = 5;
    gr.dmrs.additional_position = 1;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), (1 << 2) | (1 << 6));
    gr.start_symbol = 0;
    gr.nof_symbols = 14;
    gr.dmrs.additional_position = 2;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), (1 << 0) | (1 << 5) | (1 << 10));
    gr.nof_symbols = 10;
    gr.dmrs.additional_position = 3;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), (1 << 0) | (1 << 3) | (1 << 6) | (1 << 9));
    gr.nof_symbols = 3;
    ck_assert_int_eq(pusch_dmrs_symbols(&gr), 1);
    /* N_DMRS^PRB: 2 CDM groups x 6 x DM-RS symbols */
    ck_assert_int_eq(pusch_n_dmrs_prb(&grant_64qam), 24);
}
END_TEST

START_TEST(test_bad_grants_and_inputs)
{
    struct pusch_grant gr = grant_64qam;
    ck_assert_int_eq(pusch_grant_check(&gr), 0);
    gr.start_symbol = 1; /* type A starts at 0 */
    ck_assert_int_eq(pusch_grant_check(&gr), -EINVAL);
    gr = grant_64qam;
    gr.modulation = MODULATION_PI2_BPSK;
    ck_assert_int_eq(pusch_grant_check(&gr), -ENOTSUP);
    gr = grant_64qam;
    gr.dmrs.type_a_position = 3;
    gr.dmrs.additional_position = 3;
    ck_assert_int_eq(pusch_grant_check(&gr), -EINVAL);
    gr = grant_64qam;
    gr.mapping = PUSCH_MAPPING_TYPE_B;
    gr.start_symbol = 13;
    gr.nof_symbols = 1; /* only DM-RS, no data RE */
    ck_assert_int_eq(pusch_nof_bits(&gr), -EINVAL);
    ck_assert_int_eq(pusch_grant_check(NULL), -EINVAL);

    struct link k;
    test_rng_seed(3);
    link_init(&k, &grant_64qam, 20);
    struct pusch_result res;
    /* a grant larger than the carrier grid */
    struct pusch_grant big = grant_64qam;
    big.nof_rb = 60;
    ck_assert_int_eq(pusch_decode(&rx, &k.grid, &big, &k.tb, k.soft, k.out, &res), -EINVAL);
    ck_assert(!res.crc_ok);
    ck_assert_int_eq(pusch_encode(&tx, &big, k.cw, (size_t)pusch_nof_bits(&big), &k.grid), -EINVAL);
    big.nof_rb = 107; /* above the receiver's max_prb */
    ck_assert_int_eq(pusch_decode(&rx, &k.grid, &big, &k.tb, k.soft, k.out, &res), -EINVAL);
    /* all-zero, NaN, infinite and saturated grids: decoded to a failed CRC or not decoded, no crash */
    static const float fill[] = { 0.0f, NAN, INFINITY, 3e38f, 1.0f };
    for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++) {
        for (int j = 0; j < GRID_RES; j++)
            k.grid.re[j] = fill[i] + I * fill[i];
        k.tb.new_data = true;
        ck_assert_int_eq(pusch_decode(&rx, &k.grid, &grant_64qam, &k.tb, k.soft, k.out, &res), 0);
        ck_assert_msg(!res.crc_ok, "fill %g: CRC OK", fill[i]);
    }
    /* NaN in a few data REs of a good slot: the CRC may fail, nothing crashes */
    link_run(&k, 0, true, 30, 0);
    k.grid.re[5 * GRID_SC + 100] = NAN;
    k.grid.re[6 * GRID_SC + 100] = INFINITY;
    ck_assert_int_eq(pusch_decode(&rx, &k.grid, &grant_64qam, &k.tb, k.soft, k.out, &res), 0);
    link_free(&k);
}
END_TEST

/* The fast demapper (both implementations, per-symbol gains) against a brute-force max-log over the constellation. */
START_TEST(test_fast_demapper_equals_brute_force)
{
    enum { N = 37 };
    static const enum modulation_scheme schemes[3] = { MODULATION_16QAM, MODULATION_64QAM, MODULATION_256QAM };
    test_rng_seed(9);
    for (int s = 0; s < 3; s++) {
        int qm = modulation_qm(schemes[s]);
        cf_t y[N], pts[256];
        float gain[N], llr[N * 8], llr_c[N * 8];
        for (int i = 0; i < N; i++) {
            y[i] = (float)(1.5 * (test_rng_uniform() - 0.5) * 2) + I * (float)(1.5 * (test_rng_uniform() - 0.5) * 2);
            gain[i] = (float)(0.5 + 10 * test_rng_uniform());
        }
        for (int v = 0; v < (1 << qm); v++) {
            uint8_t b[8];
            for (int j = 0; j < qm; j++)
                b[j] = (uint8_t)(v >> (qm - 1 - j) & 1);
            modulation_map(schemes[s], b, (size_t)qm, &pts[v]);
        }
        ck_assert_int_eq(modulation_demap_gain(schemes[s], y, gain, N, llr), 0);
        modulation_demap_pwl_c(modulation_pwl_table(qm), y, gain, 0, N, llr_c);
        ck_assert(memcmp(llr, llr_c, sizeof(float) * N * (size_t)qm) == 0);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < qm; j++) {
                double best[2] = { 1e30, 1e30 };
                for (int v = 0; v < (1 << qm); v++) {
                    double d = cabs(y[i] - pts[v]) * cabs(y[i] - pts[v]);
                    int b = v >> (qm - 1 - j) & 1;
                    best[b] = d < best[b] ? d : best[b];
                }
                double want = gain[i] * (best[1] - best[0]);
                ck_assert_msg(fabs(llr[i * qm + j] - want) < 1e-4 * (1 + fabs(want)), "qm %d sym %d bit %d: %g vs %g",
                              qm, i, j, llr[i * qm + j], want);
            }
    }
}
END_TEST

static Suite *pusch_suite(void)
{
    Suite *s = suite_create("pusch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tx_matches_every_vector);
    tcase_add_test(tc, test_rx_decodes_every_grid);
    tcase_add_test(tc, test_rx_decodes_every_time_domain_slot);
    tcase_add_test(tc, test_timing_estimate_of_delayed_grids);
    tcase_add_test(tc, test_wrong_rnti_fails_crc);
    tcase_add_test(tc, test_harq_rv2_completes_failed_rv0);
    tcase_add_test(tc, test_round_trip_dmrs_variants);
    tcase_add_test(tc, test_dmrs_positions_table);
    tcase_add_test(tc, test_bad_grants_and_inputs);
    tcase_add_test(tc, test_fast_demapper_equals_brute_force);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(pusch_suite());
}
