/* Unit tests for HARQ-ACK of 1-2 bits multiplexed on PUSCH (phy/ch/pusch_uci.c, uci_small_encode()):
 * - 38.213 Table 9.3-1 and the 5.3.3.1/5.3.3.2 coded blocks typed in from the specification;
 * - Q'_ACK, the reserved REs and the HARQ-ACK REs of 38.212 6.2.7 against examples worked by hand (below);
 * - the UE's grid bit-exact against a reference built here from byte-wise scrambling (38.211 6.3.1.1 with x -> 1,
 *   y -> previous bit) and modulation_map(), and equal to the grid without UCI everywhere else (puncturing);
 * - round trips over AWGN, 1 and 2 bits x QPSK/16QAM/64QAM: the HARQ-ACK and the TB both come back;
 * - DTX: the gNB expects HARQ-ACK but the UE sent a PUSCH without it, or nothing at all: DTX in >= 99 % of 1000
 *   trials (design false-alarm rate 1e-3), and an ACK that was sent is found in >= 99 % of 1000 trials;
 *   the TB still decodes when the gNB punctures REs the UE did not use;
 * - bad grants and arguments are refused. */
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
#include "phy/ch/uci.h"
#include "phy/fec/segmentation.h"
#include "phy/fec/tbs.h"
#include "phy/grid/grid.h"
#include "phy/mod/modulation.h"
#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"
#include "tests/unit/check_run.h"
#include "tests/unit/pusch_link.h"
#include "tests/unit/test_rng.h"

#define NOF_PRB 52
#define GRID_SC (12 * NOF_PRB)
#define GRID_RES (GRID_SYMBOLS_PER_SLOT * GRID_SC)
#define X UCI_BIT_X
#define Y UCI_BIT_Y

static struct pusch_tx tx;
static struct pusch_rx rx;

static void setup(void)
{
    ck_assert_int_eq(pusch_tx_init(&tx, NOF_PRB), 0);
    ck_assert_int_eq(pusch_rx_init(&rx, &(struct pusch_rx_cfg){ .max_prb = NOF_PRB, .sample_rate_hz = 11.52e6,
                                                               .scs_khz = 15 }), 0);
}
static void teardown(void)
{
    pusch_tx_free(&tx);
    pusch_rx_free(&rx);
}

/* The hand-worked grant: 10 PRB from CRB 0, mapping type A, S = 0, L = 14, DM-RS type 1 at symbols 2 and 11
 * (dmrs-TypeA-Position 2, one additional position), 2 CDM groups without data (no data on DM-RS symbols). */
static const struct pusch_grant grant_hand = {
    .rnti = 0x4601, .n_id = 500, .modulation = MODULATION_QPSK, .crb_start = 0, .nof_rb = 10,
    .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14, .slot = 3,
    .dmrs = { .config_type = 1, .type_a_position = 2, .additional_position = 1, .cdm_groups_without_data = 2,
              .n_id = 500 },
    .uci = { .n_ack = 1, .beta_offset_index = 9, .alpha = 1.0 },
};

START_TEST(test_beta_offset_table)
{
    /* 38.213 Table 9.3-1 */
    static const double want[16] = { 1.000,  2.000,  2.500,  3.125,  4.000,  5.000,  6.250,  8.000,
                                     10.000, 12.625, 15.875, 20.000, 31.000, 50.000, 80.000, 126.000 };
    for (int i = 0; i < 16; i++)
        ck_assert_double_eq(pusch_beta_offset_ack(i), want[i]);
    ck_assert(pusch_beta_offset_ack(16) < 0); /* 16..31 reserved */
    ck_assert(pusch_beta_offset_ack(-1) < 0);
}
END_TEST

START_TEST(test_small_code_tables)
{
    /* 38.212 Table 5.3.3.1-1 (one bit c0) and 5.3.3.2-1 (c0 c1, c2 = c0 + c1), per Q_m */
    static const struct {
        int A, qm, n;
        uint8_t d[24];
    } want[] = {
        { 1, 1, 1, { 1 } },
        { 1, 2, 2, { 1, Y } },
        { 1, 4, 4, { 1, Y, X, X } },
        { 1, 6, 6, { 1, Y, X, X, X, X } },
        { 1, 8, 8, { 1, Y, X, X, X, X, X, X } },
        { 2, 1, 3, { 1, 0, 1 } },
        { 2, 2, 6, { 1, 0, 1, 1, 0, 1 } },
        { 2, 4, 12, { 1, 0, X, X, 1, 1, X, X, 0, 1, X, X } },
        { 2, 6, 18, { 1, 0, X, X, X, X, 1, 1, X, X, X, X, 0, 1, X, X, X, X } },
        { 2, 8, 24, { 1, 0, X, X, X, X, X, X, 1, 1, X, X, X, X, X, X, 0, 1, X, X, X, X, X, X } },
    };
    const uint8_t a[2] = { 1, 0 }; /* c0 = 1, c1 = 0, c2 = 1 */
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint8_t d[UCI_SMALL_MAX_N];
        ck_assert_int_eq(uci_small_encode(a, want[i].A, want[i].qm, d), want[i].n);
        ck_assert_msg(memcmp(d, want[i].d, (size_t)want[i].n) == 0, "A %d qm %d", want[i].A, want[i].qm);
    }
    uint8_t d[UCI_SMALL_MAX_N];
    ck_assert_int_eq(uci_small_encode((const uint8_t[]){ 1, 1 }, 2, 2, d), 6);
    ck_assert(d[2] == 0 && d[5] == 0); /* c2 = 1 + 1 mod 2 */
    ck_assert_int_eq(uci_small_encode(a, 3, 2, d), -EINVAL);
    ck_assert_int_eq(uci_small_encode(a, 1, 3, d), -EINVAL);
    ck_assert_int_eq(uci_small_encode(NULL, 1, 2, d), -EINVAL);
}
END_TEST

static void assert_run(const struct pusch_re_run *r, int l, int re0, int stride, int count)
{
    ck_assert_msg(r->l == l && r->re0 == re0 && r->stride == stride && r->count == count,
                  "run l %d re0 %d stride %d count %d, want %d %d %d %d", r->l, r->re0, r->stride, r->count, l, re0,
                  stride, count);
}

/* Worked by hand (38.214 5.1.3.2 for the TBS, 38.212 5.2.2 for K, 6.3.2.4.1.1 for Q'_ACK, 6.2.7 for the REs).
 * Grant: grant_hand. Per PRB: 12 x 14 - 2 DM-RS symbols x 12 (2 CDM groups) = 144 data REs; N_RE = 1440.
 * M_sc^UCI(l) = 120 on the 12 symbols without DM-RS, 0 on symbols 2 and 11: sum_l = 1440. l0 = l^(1) = 3 (first
 * symbol after the DM-RS at 2); symbols 3..10, 12, 13 from there: sum_{l >= 3} = 10 x 120 = 1200. The codeword
 * counts symbols 0 and 1 (240 REs) before symbol 3, so symbol 3's REs are 240..359, symbol 4's 360..479.
 *
 * (a) MCS 9 (64QAM table: QPSK, R = 679/1024): N_info = 1440 x 0.6631 x 2 = 1909.7, n = max(3, 10 - 6) = 4,
 *     N'_info = 16 floor(1909.7 / 16) = 1904 -> TBS 1928 (Table 5.1.3.2-1). A = 1928 <= 3824, R <= 0.67: BG2;
 *     TB CRC 16 (A <= 3824): B = 1944 <= 3840: C = 1; K_b = 10 (B > 640), Z = 208 (10 Z >= 1944) -> K = 10 Z =
 *     2080 = sum K_r.
 *     beta index 9 = 12.625, alpha = 1.
 *     1 bit:  Q'_ACK = min(ceil(1 x 12.625 x 1440 / 2080) = ceil(8.74) = 9, ceil(1200)) = 9; E_ACK = 18.
 *     rvd:    Q'(2 bits) = ceil(2 x 12.625 x 1440 / 2080) = ceil(17.48) = 18; G_rvd = 36 bits.
 *             step 2, symbol 3: 36 < 120 x 2 -> d = floor(240 / 36) = 6, 18 REs: k = 0, 6, .., 102.
 *     step 5: 18 < 18 x 2 -> d = floor(36 / 18) = 2 over the reserved REs -> k = 0, 12, .., 96 (9 REs): REs 240 + 12 j.
 *     2 bits: E_ACK = 36, not < 36 -> d = 1: all 18 reserved REs, k = 0, 6, .., 102.
 * (b) the same with beta index 15 = 126:
 *     rvd:    ceil(2 x 126 x 1440 / 2080) = ceil(174.46) = 175 REs, 350 bits: symbol 3 all 120 (350 >= 240),
 *             110 left in symbol 4: d = floor(240 / 110) = 2, 55 REs: k = 0, 2, .., 108 (REs 360 + 2 j).
 *     1 bit:  ceil(126 x 1440 / 2080) = ceil(87.23) = 88 REs, 176 bits < 120 x 2: d = floor(240 / 176) = 1,
 *             88 REs: k = 0..87 of symbol 3.
 *     2 bits: = the reserved REs (d = 1 in both symbols).
 * (c) MCS 0 (QPSK, R = 120/1024): N_info = 337.5, n = 3, N'_info = 8 x 42 = 336 -> TBS 336; BG2 (R <= 0.67);
 *     B = 336 + 16 = 352, K_b = 8 (192 < B <= 560), Z = 44 (8 Z >= 352) -> K = 10 Z = 440. beta index 15, 2 bits:
 *     ceil(2 x 126 x 1440 / 440) = ceil(824.7) = 825; alpha 0.5: ceil(600) = 600 wins; 0.65: 780 wins (exactly
 *     780 - 0.65 is not exact in binary); 0.8 (960) and 1 (1200): 825. */
START_TEST(test_layout_hand_examples)
{
    struct pusch_grant gr = grant_hand;
    struct pusch_tb tb = link_tb(&gr, 9);
    ck_assert_int_eq(tb.tbs, 1928);
    struct pusch_ack_layout lay;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), 0);
    ck_assert_int_eq(lay.sum_k, 2080);
    ck_assert_int_eq(lay.m_uci, 1440);
    ck_assert_int_eq(lay.m_uci_l0, 1200);
    ck_assert_int_eq(lay.l0, 3);
    ck_assert_int_eq(lay.q_ack, 9);
    ck_assert_int_eq(lay.e_ack, 18);
    ck_assert_int_eq(lay.q_rvd, 18);
    ck_assert_int_eq(lay.n_rvd_runs, 1);
    assert_run(&lay.rvd[0], 3, 240, 6, 18);
    ck_assert_int_eq(lay.n_ack_runs, 1);
    assert_run(&lay.ack[0], 3, 240, 12, 9);
    gr.uci.n_ack = 2;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), 0);
    ck_assert_int_eq(lay.q_ack, 18);
    ck_assert_int_eq(lay.e_ack, 36);
    assert_run(&lay.ack[0], 3, 240, 6, 18);

    /* (b) */
    gr.uci.beta_offset_index = 15;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), 0);
    ck_assert_int_eq(lay.q_rvd, 175);
    ck_assert_int_eq(lay.n_rvd_runs, 2);
    assert_run(&lay.rvd[0], 3, 240, 1, 120);
    assert_run(&lay.rvd[1], 4, 360, 2, 55);
    ck_assert_int_eq(lay.n_ack_runs, 2);
    assert_run(&lay.ack[0], 3, 240, 1, 120);
    assert_run(&lay.ack[1], 4, 360, 2, 55);
    gr.uci.n_ack = 1;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), 0);
    ck_assert_int_eq(lay.q_ack, 88);
    ck_assert_int_eq(lay.n_ack_runs, 1);
    assert_run(&lay.ack[0], 3, 240, 1, 88);

    /* (c) */
    tb = link_tb(&gr, 0);
    ck_assert_int_eq(tb.tbs, 336);
    gr.uci.n_ack = 2;
    static const struct { double alpha; int q; } cap[] = { { 0.5, 600 }, { 0.65, 780 }, { 0.8, 825 }, { 1, 825 } };
    for (int i = 0; i < 4; i++) {
        gr.uci.alpha = cap[i].alpha;
        ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), 0);
        ck_assert_int_eq(lay.sum_k, 440);
        ck_assert_msg(lay.q_ack == cap[i].q, "alpha %g: Q' %d, want %d", cap[i].alpha, lay.q_ack, cap[i].q);
    }
}
END_TEST

/* The REs the layout names, in order, as indices into the codeword's REs. */
static int ack_res(const struct pusch_ack_layout *lay, int *res)
{
    int n = 0;
    for (int i = 0; i < lay->n_ack_runs; i++)
        for (int j = 0; j < lay->ack[i].count; j++)
            res[n++] = lay->ack[i].re0 + j * lay->ack[i].stride;
    return n;
}

/* Grid position (l, subcarrier) of codeword RE r of gr, by walking the allocation as 38.211 6.3.1.6 does. */
static void re_position(const struct pusch_grant *gr, int r, int *l_out, int *k_out)
{
    unsigned mask = (unsigned)pusch_dmrs_symbols(gr);
    unsigned data = sch_dmrs_data_res(gr->dmrs.config_type, gr->dmrs.cdm_groups_without_data);
    for (int l = gr->start_symbol; l < gr->start_symbol + gr->nof_symbols; l++)
        for (int k = 0; k < 12 * gr->nof_rb; k++) {
            if ((mask >> l & 1u) && !(data >> (k % 12) & 1u))
                continue;
            if (r-- == 0) {
                *l_out = l;
                *k_out = 12 * gr->crb_start + k;
                return;
            }
        }
    ck_abort_msg("RE outside the allocation");
}

/* The UE's grid against a reference made here: the codeword bits with the HARQ-ACK written over them, scrambled
 * bit by bit (x -> 1, y -> the previous scrambled bit), modulated; every other RE as without UCI. */
static void check_ue_grid(struct pusch_grant gr, int mcs, const uint8_t *ack)
{
    struct pusch_tb tb = link_tb(&gr, mcs);
    int g = pusch_nof_bits(&gr), qm = modulation_qm(gr.modulation);
    uint8_t *cw = malloc((size_t)g), *c = malloc((size_t)g), *b = malloc((size_t)g);
    for (int i = 0; i < g; i++)
        cw[i] = (uint8_t)(test_rng_next() >> 63);
    struct grid with, without;
    ck_assert_int_eq(grid_init(&with, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    ck_assert_int_eq(grid_init(&without, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    ck_assert_int_eq(pusch_encode_uci(&tx, &gr, &tb, cw, (size_t)g, ack, &with), 0);
    struct pusch_grant plain = gr;
    plain.uci = (struct pusch_uci){ 0 };
    ck_assert_int_eq(pusch_encode(&tx, &plain, cw, (size_t)g, &without), 0);

    struct pusch_ack_layout lay;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), 0);
    int *res = malloc(sizeof(int) * (size_t)lay.q_ack);
    ck_assert_int_eq(ack_res(&lay, res), lay.q_ack);
    uint8_t d[UCI_SMALL_MAX_N];
    int n = uci_small_encode(ack, gr.uci.n_ack, qm, d);
    gold_sequence(scrambling_c_init_pusch(gr.rnti, gr.n_id), 0, c, (size_t)g);
    for (int i = 0; i < g; i++)
        b[i] = cw[i] ^ c[i];
    bool *is_ack = calloc((size_t)GRID_RES, sizeof(bool));
    for (int q = 0, e = 0; q < lay.q_ack; q++) {
        for (int v = 0; v < qm; v++, e++) {
            int p = res[q] * qm + v;
            uint8_t x = d[e % n];
            b[p] = x == X ? 1 : x == Y ? b[p - 1] : (uint8_t)(x ^ c[p]);
        }
        cf_t want;
        modulation_map(gr.modulation, b + res[q] * qm, (size_t)qm, &want);
        int l, k;
        re_position(&gr, res[q], &l, &k);
        is_ack[l * GRID_SC + k] = true;
        ck_assert_msg(cabsf(grid_symbol(&with, l)[k] - want) < 1e-6f, "RE %d (l %d k %d)", res[q], l, k);
    }
    for (int i = 0; i < GRID_RES; i++)
        if (!is_ack[i])
            ck_assert_msg(with.re[i] == without.re[i], "RE %d changed outside the HARQ-ACK", i);
    free(is_ack);
    free(res);
    free(cw);
    free(c);
    free(b);
    grid_free(&with);
    grid_free(&without);
}

START_TEST(test_ue_grid_bit_exact)
{
    test_rng_seed(3);
    struct pusch_grant gr = grant_hand;
    check_ue_grid(gr, 9, (const uint8_t[]){ 1, 0 });                /* the REs 240 + 12 j of the example */
    check_ue_grid(gr, 9, (const uint8_t[]){ 0, 0 });
    gr.uci.n_ack = 2;
    check_ue_grid(gr, 9, (const uint8_t[]){ 0, 1 });
    gr.uci.beta_offset_index = 15;                                  /* two symbols */
    check_ue_grid(gr, 9, (const uint8_t[]){ 1, 1 });
    gr.modulation = MODULATION_16QAM;
    gr.dmrs.cdm_groups_without_data = 1;                           /* data on the DM-RS symbols */
    gr.crb_start = 7;
    check_ue_grid(gr, 14, (const uint8_t[]){ 1, 0 });
    gr.uci.n_ack = 1;
    gr.modulation = MODULATION_64QAM;
    check_ue_grid(gr, 20, (const uint8_t[]){ 1, 0 });
    gr.modulation = MODULATION_256QAM;
    gr.mapping = PUSCH_MAPPING_TYPE_B;
    gr.start_symbol = 2;
    gr.nof_symbols = 10;
    check_ue_grid(gr, 22, (const uint8_t[]){ 0, 0 });
}
END_TEST

/* ---- over the air ---- */

/* The UE sends a new TB with n_ack_tx HARQ-ACK bits ack (0: none; -1: nothing at all) at snr_db per RE; the
 * grid holds it plus noise. */
static void link_send(struct link *k, int n_ack_tx, const uint8_t *ack, double snr_db)
{
    grid_clear(&k->grid);
    if (n_ack_tx >= 0) {
        for (int i = 0; i < k->tb.tbs / 8; i++)
            k->tb_bits[i] = (uint8_t)(test_rng_next() >> 56);
        struct dlsch_cfg dc = { .tbs = k->tb.tbs, .r = k->tb.r, .qm = modulation_qm(k->gr.modulation),
                                .n_layers = 1, .g = k->g };
        ck_assert_int_eq(dlsch_encode(&k->enc, &dc, k->tb_bits, k->cw), 0);
        struct pusch_grant ue = k->gr;
        ue.uci.n_ack = n_ack_tx;
        ck_assert_int_eq(pusch_encode_uci(&tx, &ue, &k->tb, k->cw, (size_t)k->g, ack, &k->grid), 0);
    }
    double a = sqrt(pow(10.0, -snr_db / 10) / 2);
    for (int i = 0; i < GRID_RES; i++)
        k->grid.re[i] += (float)(a * test_rng_gauss()) + I * (float)(a * test_rng_gauss());
}

/* The gNB's whole reception (n_ack_rx bits expected); the TB compared when the CRC holds. */
static struct pusch_result link_decode(struct link *k, int n_ack_rx)
{
    struct pusch_grant gnb = k->gr;
    gnb.uci.n_ack = n_ack_rx;
    struct pusch_result res;
    ck_assert_int_eq(pusch_decode(&rx, &k->grid, &gnb, &k->tb, k->soft, k->out, &res), 0);
    if (res.crc_ok)
        ck_assert(memcmp(k->out, k->tb_bits, (size_t)k->tb.tbs / 8) == 0);
    ck_assert_int_eq(res.n_ack, n_ack_rx);
    return res;
}

/* Stages 1-3 and the HARQ-ACK only (no LDPC), for the many-trial tests. */
static struct pusch_result link_ack_only(struct link *k, int n_ack_rx)
{
    struct pusch_grant gnb = k->gr;
    gnb.uci.n_ack = n_ack_rx;
    struct pusch_result res;
    ck_assert_int_eq(pusch_rx_estimate(&rx, &k->grid, &gnb), 0);
    ck_assert_int_eq(pusch_rx_equalise(&rx, &k->grid, &gnb), 0);
    ck_assert_int_eq(pusch_rx_demap(&rx, &gnb), 0);
    ck_assert_int_eq(pusch_rx_ack(&rx, &gnb, &k->tb, &res), 0);
    return res;
}

static const struct pusch_grant grant_rt = {
    .rnti = 0x1234, .n_id = 321, .crb_start = 5, .nof_rb = 20, .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0,
    .nof_symbols = 14, .slot = 7,
    .dmrs = { .config_type = 1, .type_a_position = 2, .additional_position = 1, .cdm_groups_without_data = 2,
              .n_id = 321 },
    .uci = { .n_ack = 1, .beta_offset_index = 9, .alpha = 1.0 },
};

START_TEST(test_round_trips)
{
    static const struct { enum modulation_scheme m; int mcs; double snr; } mods[] = {
        { MODULATION_QPSK, 9, 8.0 }, { MODULATION_16QAM, 16, 14.0 }, { MODULATION_64QAM, 20, 18.0 } };
    test_rng_seed(21);
    for (int mi = 0; mi < 3; mi++)
        for (int o = 1; o <= 2; o++) {
            struct pusch_grant gr = grant_rt;
            gr.modulation = mods[mi].m;
            gr.uci.n_ack = o;
            struct link k;
            link_init(&k, &gr, mods[mi].mcs);
            struct pusch_ack_layout lay;
            ck_assert_int_eq(pusch_ack_layout(&gr, &k.tb, &lay), 0);
            for (int t = 0; t < 8; t++) {
                uint8_t ack[2] = { (uint8_t)(t & 1), (uint8_t)(t >> 1 & 1) };
                link_send(&k, o, ack, mods[mi].snr);
                struct pusch_result r = link_decode(&k, o);
                ck_assert_msg(r.crc_ok, "qm %d, %d bits, trial %d: TB CRC failed", modulation_qm(gr.modulation),
                              o, t);
                ck_assert_msg(!r.ack_dtx && r.ack[0] == ack[0] && (o == 1 || r.ack[1] == ack[1]),
                              "qm %d, %d bits, trial %d: ack %d%d dtx %d metric %.2f, sent %d%d",
                              modulation_qm(gr.modulation), o, t, r.ack[0], r.ack[1], r.ack_dtx, r.ack_metric,
                              ack[0], ack[1]);
            }
            fprintf(stderr, "  qm %d, %d bit(s): Q'_ACK %d, TB and HARQ-ACK back in 8 of 8 at %.0f dB\n",
                    modulation_qm(gr.modulation), o, lay.q_ack, mods[mi].snr);
            link_free(&k);
        }
}
END_TEST

/* The gNB expects HARQ-ACK the UE did not send (beta 126: 94 of 2880 REs): it erases REs that carry UL-SCH, and the
 * TB still decodes. (The reverse - HARQ-ACK the gNB does not expect - leaves confident wrong LLRs: with beta 9,
 * 16QAM MCS 16, about 20 of them fail the LDPC decoder even at 40 dB, so it is not tested as passing.) */
START_TEST(test_tb_survives_puncturing)
{
    test_rng_seed(8);
    struct pusch_grant gr = grant_rt;
    gr.modulation = MODULATION_16QAM;
    gr.uci.n_ack = 2;
    gr.uci.beta_offset_index = 15;
    struct link k;
    link_init(&k, &gr, 16);
    for (int t = 0; t < 4; t++) {
        link_send(&k, 0, NULL, 14.0);
        struct pusch_result r = link_decode(&k, 2);
        ck_assert_msg(r.crc_ok && r.ack_dtx, "trial %d: UE without HARQ-ACK: crc %d dtx %d", t, r.crc_ok, r.ack_dtx);
    }
    link_free(&k);
}
END_TEST

/* 1000 trials each at the round-trip SNR: a sent HARQ-ACK is found (and right), a PUSCH without it or no PUSCH at
 * all gives DTX, each in >= 99 % (the design false-alarm rate is 1e-3). The hand grant has Q'_ACK = 9 (18 terms
 * for one bit: the threshold is capped there), grant_rt with 20 PRB more. */
static void dtx_trials(const struct pusch_grant *gr, int mcs, double snr)
{
    struct link k;
    link_init(&k, gr, mcs);
    int o = gr->uci.n_ack, found = 0, wrong = 0, fa_data = 0, fa_noise = 0, trials = 1000;
    for (int t = 0; t < trials; t++) {
        uint8_t ack[2] = { (uint8_t)(test_rng_next() >> 63), (uint8_t)(test_rng_next() >> 63) };
        link_send(&k, o, ack, snr);
        struct pusch_result r = link_ack_only(&k, o);
        if (!r.ack_dtx) {
            found++;
            wrong += r.ack[0] != ack[0] || (o == 2 && r.ack[1] != ack[1]);
        }
        link_send(&k, 0, NULL, snr);
        fa_data += !link_ack_only(&k, o).ack_dtx;
        link_send(&k, -1, NULL, snr);
        fa_noise += !link_ack_only(&k, o).ack_dtx;
    }
    fprintf(stderr, "  %d PRB qm %d, %d bit(s) at %.0f dB: found %d/%d (%d wrong), DTX->ACK %d (UL-SCH only), %d "
            "(noise only)\n", gr->nof_rb, modulation_qm(gr->modulation), o, snr, found, trials, wrong, fa_data,
            fa_noise);
    ck_assert_int_ge(found, 990);
    ck_assert_int_eq(wrong, 0);
    ck_assert_int_le(fa_data, 10);
    ck_assert_int_le(fa_noise, 10);
    link_free(&k);
}

START_TEST(test_dtx_and_detection)
{
    test_rng_seed(99);
    struct pusch_grant gr = grant_hand;
    dtx_trials(&gr, 9, 8.0);
    gr.uci.n_ack = 2;
    dtx_trials(&gr, 9, 8.0);
    gr = grant_rt;
    gr.modulation = MODULATION_16QAM;
    dtx_trials(&gr, 16, 14.0);
    gr.uci.n_ack = 2;
    gr.modulation = MODULATION_64QAM;
    dtx_trials(&gr, 20, 18.0);
}
END_TEST

START_TEST(test_bad_input)
{
    struct pusch_grant gr = grant_hand;
    struct pusch_tb tb = link_tb(&gr, 9);
    struct pusch_ack_layout lay;
    gr.uci.n_ack = 3;
    ck_assert_int_eq(pusch_grant_check(&gr), -ENOTSUP);
    gr.uci.n_ack = -1;
    ck_assert_int_eq(pusch_grant_check(&gr), -EINVAL);
    gr = grant_hand;
    gr.uci.beta_offset_index = 16;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), -EINVAL);
    gr = grant_hand;
    gr.uci.alpha = 0;
    ck_assert_int_eq(pusch_grant_check(&gr), -EINVAL);
    gr.uci.alpha = 1.5;
    ck_assert_int_eq(pusch_grant_check(&gr), -EINVAL);
    gr = grant_hand;
    ck_assert_int_eq(pusch_ack_layout(&gr, NULL, &lay), -EINVAL);
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, NULL), -EINVAL);
    struct pusch_tb bad = tb;
    bad.tbs = 7;
    ck_assert_int_eq(pusch_ack_layout(&gr, &bad, &lay), -EINVAL);
    /* mapping type B over one DM-RS symbol and nothing after it */
    gr.mapping = PUSCH_MAPPING_TYPE_B;
    gr.start_symbol = 12;
    gr.nof_symbols = 1;
    gr.dmrs.cdm_groups_without_data = 1;
    ck_assert_int_eq(pusch_ack_layout(&gr, &tb, &lay), -EINVAL);

    gr = grant_hand;
    int g = pusch_nof_bits(&gr);
    uint8_t *cw = calloc((size_t)g, 1);
    struct grid grid;
    ck_assert_int_eq(grid_init(&grid, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    ck_assert_int_eq(pusch_encode(&tx, &gr, cw, (size_t)g, &grid), -EINVAL);               /* UCI: the _uci call */
    ck_assert_int_eq(pusch_encode_uci(&tx, &gr, &tb, cw, (size_t)g, NULL, &grid), -EINVAL); /* no bits */
    ck_assert_int_eq(pusch_encode_uci(&tx, &gr, NULL, cw, (size_t)g, (const uint8_t[]){ 1 }, &grid), -EINVAL);
    ck_assert_int_eq(pusch_encode_uci(&tx, &gr, &tb, cw, (size_t)g - 2, (const uint8_t[]){ 1 }, &grid), -EINVAL);
    /* a zero grid: no valid input, DTX, and the CRC fails */
    grid_clear(&grid);
    float *soft = malloc(sizeof(float) * (size_t)pusch_soft_size(&gr, &tb));
    uint8_t *out = malloc((size_t)tb.tbs / 8);
    struct pusch_result res;
    ck_assert_int_eq(pusch_decode(&rx, &grid, &gr, &tb, soft, out, &res), 0);
    ck_assert(!res.crc_ok && res.ack_dtx && res.n_ack == 1);
    ck_assert_int_eq(pusch_rx_ack(&rx, &gr, NULL, &res), -EINVAL);
    /* a bad design rate */
    struct pusch_rx r2;
    ck_assert_int_eq(pusch_rx_init(&r2, &(struct pusch_rx_cfg){ .max_prb = 10, .sample_rate_hz = 11.52e6,
                                                               .scs_khz = 15, .ack_pfa = 0.7 }), -EINVAL);
    free(soft);
    free(out);
    free(cw);
    grid_free(&grid);
}
END_TEST

static Suite *pusch_uci_suite(void)
{
    Suite *s = suite_create("pusch_uci");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_beta_offset_table);
    tcase_add_test(tc, test_small_code_tables);
    tcase_add_test(tc, test_layout_hand_examples);
    tcase_add_test(tc, test_ue_grid_bit_exact);
    tcase_add_test(tc, test_round_trips);
    tcase_add_test(tc, test_tb_survives_puncturing);
    tcase_add_test(tc, test_dtx_and_detection);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(pusch_uci_suite());
}
