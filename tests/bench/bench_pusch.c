/* Benchmark of the PUSCH receiver per slot, one port, one layer, rv 0, one thread: microseconds per stage -
 * channel estimation (LS, timing, noise, interpolation), equalisation, demapping + descrambling, UL-SCH decoding
 * (rate recovery into a fresh soft buffer, LDPC, CRCs) - and the whole pusch_decode(), as medians over the slots.
 * Allocation: S = 0, L = 14, DM-RS type 1 at symbols 2 and 11 (typeA pos 2, one additional position), 2 CDM
 * groups without data.
 *   (a) srsRAN Project's pusch_processor_benchmark conditions: the grid filled with random complex Gaussian values,
 *       LDPC at most 2 iterations (early stop on, which never happens on noise), 64QAM at R = 873/1024 (64QAM
 *       table MCS 26) and 256QAM at R = 948/1024 (256QAM table MCS 27), 52 and 106 PRB. Its medians on this
 *       machine type (from the issue): 344 us (52 PRB 64QAM), 753 us (106 PRB 64QAM), 848 us (106 PRB 256QAM).
 *   (b) a valid codeword at 20 dB SNR per RE with up to 6 iterations and early stop (256QAM at R = 948/1024
 *       needs about 23 dB: it is also run at 26 dB).
 * Also the soft demapper alone in Msym/s (AVX2 and portable C), and pusch_rx_ack() (HARQ-ACK on PUSCH: decision
 * and puncturing) per slot for 1 and 2 bits at a small and the largest beta_offset. Prints; never passes or fails
 * on time.
 *   bench_pusch [slots per case]   (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pusch.h"
#include "phy/fec/tbs.h"
#include "tests/unit/test_rng.h"

#define NOF_GRIDS 4

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e6 * (double)ts.tv_sec + 1e-3 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

enum { ST_EST, ST_EQ, ST_DEMAP, ST_DEC, ST_TOTAL, NUM_ST };

struct bench_case {
    const char *name;
    int nof_prb;
    enum tbs_mcs_table table;
    int mcs;
    double srsran_us; /* 0: no figure */
};

static void fail(const char *what)
{
    fprintf(stderr, "bench_pusch: %s failed\n", what);
    exit(1);
}

static void run_case(const struct bench_case *bc, bool valid_codeword, double snr_db, int slots)
{
    struct tbs_mcs row;
    if (tbs_mcs_lookup(bc->table, bc->mcs, &row) < 0)
        fail("MCS");
    static const enum modulation_scheme by_qm[9] = { [2] = MODULATION_QPSK, [4] = MODULATION_16QAM,
                                                     [6] = MODULATION_64QAM, [8] = MODULATION_256QAM };
    struct pusch_grant gr = {
        .rnti = 0x4601, .n_id = 500, .modulation = by_qm[row.qm], .crb_start = 0, .nof_rb = bc->nof_prb,
        .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14, .slot = 3,
        .dmrs = { .config_type = 1, .type_a_position = 2, .additional_position = 1, .cdm_groups_without_data = 2,
                  .n_id = 500 },
    };
    struct tbs_cfg tc = { .n_prb = bc->nof_prb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(&gr), .layers = 1,
                          .qm = row.qm, .r_x1024 = row.r_x1024 };
    struct pusch_tb tb = { .tbs = tbs_compute(&tc), .r = row.r_x1024 / 1024.0, .new_data = true,
                           .max_iterations = valid_codeword ? 6 : 2 };
    int g_bits = pusch_nof_bits(&gr), soft_n = pusch_soft_size(&gr, &tb);
    struct pusch_rx rx;
    struct pusch_tx tx;
    struct dlsch enc;
    if (tb.tbs <= 0 || soft_n <= 0 ||
        pusch_rx_init(&rx, &(struct pusch_rx_cfg){ .max_prb = bc->nof_prb, .sample_rate_hz = 30.72e6,
                                                  .scs_khz = 15 }) < 0 ||
        pusch_tx_init(&tx, bc->nof_prb) < 0 || dlsch_init(&enc, NULL) < 0)
        fail("init");
    float *soft = malloc(sizeof(float) * (size_t)soft_n);
    uint8_t *tb_bits = malloc((size_t)tb.tbs / 8), *out = malloc((size_t)tb.tbs / 8), *cw = malloc((size_t)g_bits);
    struct grid g[NOF_GRIDS];
    if (!soft || !tb_bits || !out || !cw)
        fail("malloc");
    double noise = valid_codeword ? sqrt(0.5 * pow(10.0, -snr_db / 10)) : sqrt(0.5);
    for (int i = 0; i < NOF_GRIDS; i++) {
        if (grid_init(&g[i], GRID_SYMBOLS_PER_SLOT, 12 * bc->nof_prb) < 0)
            fail("grid");
        if (valid_codeword) {
            for (int j = 0; j < tb.tbs / 8; j++)
                tb_bits[j] = (uint8_t)(test_rng_next() >> 56);
            struct dlsch_cfg dc = { .tbs = tb.tbs, .r = tb.r, .qm = row.qm, .n_layers = 1, .g = g_bits };
            if (dlsch_encode(&enc, &dc, tb_bits, cw) < 0 || pusch_encode(&tx, &gr, cw, (size_t)g_bits, &g[i]) < 0)
                fail("encode");
        }
        size_t n = (size_t)g[i].nof_symbols * (size_t)g[i].nof_subcarriers;
        for (size_t j = 0; j < n; j++)
            g[i].re[j] += (float)(noise * test_rng_gauss()) + I * (float)(noise * test_rng_gauss());
    }
    double *t[NUM_ST];
    for (int s = 0; s < NUM_ST; s++)
        t[s] = malloc(sizeof(double) * (size_t)slots);
    int crc_ok = 0, iters = 0;
    for (int i = 0; i < slots; i++) {
        const struct grid *gi = &g[i % NOF_GRIDS];
        struct pusch_result res;
        double t0 = now_us();
        if (pusch_rx_estimate(&rx, gi, &gr) < 0)
            fail("estimate");
        double t1 = now_us();
        pusch_rx_equalise(&rx, gi, &gr);
        double t2 = now_us();
        pusch_rx_demap(&rx, &gr);
        double t3 = now_us();
        if (pusch_rx_ulsch(&rx, &gr, &tb, soft, out, &res) < 0)
            fail("ulsch");
        double t4 = now_us();
        if (pusch_decode(&rx, gi, &gr, &tb, soft, out, &res) < 0)
            fail("decode");
        double t5 = now_us();
        t[ST_EST][i] = t1 - t0;
        t[ST_EQ][i] = t2 - t1;
        t[ST_DEMAP][i] = t3 - t2;
        t[ST_DEC][i] = t4 - t3;
        t[ST_TOTAL][i] = t5 - t4;
        crc_ok += res.crc_ok;
        iters += res.ldpc_iterations;
    }
    double m[NUM_ST];
    for (int s = 0; s < NUM_ST; s++)
        m[s] = median(t[s], slots);
    printf("  %-3s %3d PRB %-6s R=%5.1f/1024 TBS %6d G %6d | est %6.1f  eq %6.1f  demap %6.1f  decode %7.1f | "
           "total %7.1f us",
           valid_codeword ? "(b)" : "(a)", bc->nof_prb, row.qm == 6 ? "64QAM" : "256QAM", row.r_x1024, tb.tbs,
           g_bits, m[ST_EST], m[ST_EQ], m[ST_DEMAP], m[ST_DEC], m[ST_TOTAL]);
    if (!valid_codeword && bc->srsran_us > 0)
        printf(" | srsRAN %5.0f us: x%.2f", bc->srsran_us, bc->srsran_us / m[ST_TOTAL]);
    if (valid_codeword)
        printf(" | %.0f dB: CRC ok %d/%d, mean %.1f iterations", snr_db, crc_ok, slots, (double)iters / slots);
    printf("\n");
    for (int s = 0; s < NUM_ST; s++)
        free(t[s]);
    for (int i = 0; i < NOF_GRIDS; i++)
        grid_free(&g[i]);
    free(soft);
    free(tb_bits);
    free(out);
    free(cw);
    dlsch_free(&enc);
    pusch_tx_free(&tx);
    pusch_rx_free(&rx);
}

static void bench_demapper(void)
{
    enum { N = 16384, ROUNDS = 50 };
    cf_t *y = malloc(sizeof(cf_t) * N);
    float *gain = malloc(sizeof(float) * N), *llr = malloc(sizeof(float) * N * 8);
    if (!y || !gain || !llr)
        fail("malloc");
    for (int i = 0; i < N; i++) {
        y[i] = (float)(0.7 * test_rng_gauss()) + I * (float)(0.7 * test_rng_gauss());
        gain[i] = (float)(1 + test_rng_uniform());
    }
    static const struct { enum modulation_scheme m; const char *name; } mods[] = {
        { MODULATION_16QAM, "16QAM" }, { MODULATION_64QAM, "64QAM" }, { MODULATION_256QAM, "256QAM" } };
    for (int k = 0; k < 3; k++) {
        double best = 1e30, best_c = 1e30;
        const struct modulation_pwl *t = modulation_pwl_table(modulation_qm(mods[k].m));
        for (int r = 0; r < ROUNDS; r++) {
            double t0 = now_us();
            modulation_demap_gain(mods[k].m, y, gain, N, llr);
            double t1 = now_us();
            modulation_demap_pwl_c(t, y, gain, 0, N, llr);
            double t2 = now_us();
            best = t1 - t0 < best ? t1 - t0 : best;
            best_c = t2 - t1 < best_c ? t2 - t1 : best_c;
        }
        printf("  demapper %-6s per-RE gain: %7.1f Msym/s (dispatched), %7.1f Msym/s (portable C)\n", mods[k].name,
               N / best, N / best_c);
    }
    free(y);
    free(gain);
    free(llr);
}

/* HARQ-ACK on PUSCH: pusch_rx_ack() alone (layout, LLR correlation over the repetitions, decision, zeroing the
 * punctured LLRs) per slot, after the stages before it, on a valid codeword at 20 dB carrying the HARQ-ACK. */
static void bench_ack(int nof_prb, int mcs, int n_ack, int beta_index, int slots)
{
    struct tbs_mcs row;
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, mcs, &row) < 0)
        fail("MCS");
    static const enum modulation_scheme by_qm[9] = { [2] = MODULATION_QPSK, [4] = MODULATION_16QAM,
                                                     [6] = MODULATION_64QAM };
    struct pusch_grant gr = {
        .rnti = 0x4601, .n_id = 500, .modulation = by_qm[row.qm], .crb_start = 0, .nof_rb = nof_prb,
        .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14, .slot = 3,
        .dmrs = { .config_type = 1, .type_a_position = 2, .additional_position = 1, .cdm_groups_without_data = 2,
                  .n_id = 500 },
        .uci = { .n_ack = n_ack, .beta_offset_index = beta_index, .alpha = 1 },
    };
    struct tbs_cfg tc = { .n_prb = nof_prb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(&gr), .layers = 1,
                          .qm = row.qm, .r_x1024 = row.r_x1024 };
    struct pusch_tb tb = { .tbs = tbs_compute(&tc), .r = row.r_x1024 / 1024.0, .new_data = true };
    int g_bits = pusch_nof_bits(&gr);
    struct pusch_ack_layout lay;
    struct pusch_rx rx;
    struct pusch_tx tx;
    struct dlsch enc;
    struct grid g;
    if (tb.tbs <= 0 || pusch_ack_layout(&gr, &tb, &lay) < 0 ||
        pusch_rx_init(&rx, &(struct pusch_rx_cfg){ .max_prb = nof_prb, .sample_rate_hz = 30.72e6, .scs_khz = 15 }) <
            0 ||
        pusch_tx_init(&tx, nof_prb) < 0 || dlsch_init(&enc, NULL) < 0 ||
        grid_init(&g, GRID_SYMBOLS_PER_SLOT, 12 * nof_prb) < 0)
        fail("ack init");
    uint8_t *tb_bits = calloc((size_t)tb.tbs / 8, 1), *cw = malloc((size_t)g_bits);
    const uint8_t ack[2] = { 1, 0 };
    struct dlsch_cfg dc = { .tbs = tb.tbs, .r = tb.r, .qm = row.qm, .n_layers = 1, .g = g_bits };
    if (!tb_bits || !cw || dlsch_encode(&enc, &dc, tb_bits, cw) < 0 ||
        pusch_encode_uci(&tx, &gr, &tb, cw, (size_t)g_bits, ack, &g) < 0)
        fail("ack encode");
    double noise = sqrt(0.5 * pow(10.0, -20.0 / 10));
    for (size_t j = 0; j < (size_t)g.nof_symbols * (size_t)g.nof_subcarriers; j++)
        g.re[j] += (float)(noise * test_rng_gauss()) + I * (float)(noise * test_rng_gauss());
    double *t = malloc(sizeof(double) * (size_t)slots);
    int found = 0;
    if (pusch_rx_estimate(&rx, &g, &gr) < 0 || pusch_rx_equalise(&rx, &g, &gr) < 0)
        fail("ack estimate");
    for (int i = 0; i < slots; i++) {
        struct pusch_result res;
        pusch_rx_demap(&rx, &gr); /* pusch_rx_ack() zeroes what it read: fresh LLRs each time */
        double t0 = now_us();
        if (pusch_rx_ack(&rx, &gr, &tb, &res) < 0)
            fail("ack");
        t[i] = now_us() - t0;
        found += !res.ack_dtx && res.ack[0] == 1 && (n_ack == 1 || res.ack[1] == 0);
    }
    printf("  HARQ-ACK %d bit(s) %3d PRB %-5s beta %7.3f: Q'_ACK %5d (E %6d) | pusch_rx_ack %6.2f us | found %d/%d\n",
           n_ack, nof_prb, row.qm == 2 ? "QPSK" : row.qm == 4 ? "16QAM" : "64QAM", pusch_beta_offset_ack(beta_index),
           lay.q_ack, lay.e_ack, median(t, slots), found, slots);
    free(t);
    free(tb_bits);
    free(cw);
    grid_free(&g);
    dlsch_free(&enc);
    pusch_tx_free(&tx);
    pusch_rx_free(&rx);
}

int main(int argc, char **argv)
{
    int slots = argc > 1 ? atoi(argv[1]) : 200;
    if (slots < 5)
        slots = 5;
    printf("bench_pusch: medians over %d slots, one thread, LDPC %s; 'total' is pusch_decode() in one call\n", slots,
           ldpc_decoder_has_avx2() ? "AVX2" : "C");
    static const struct bench_case cases[] = {
        { "52 PRB 64QAM", 52, TBS_MCS_TABLE_64QAM, 26, 344 },
        { "106 PRB 64QAM", 106, TBS_MCS_TABLE_64QAM, 26, 753 },
        { "52 PRB 256QAM", 52, TBS_MCS_TABLE_256QAM, 27, 0 },
        { "106 PRB 256QAM", 106, TBS_MCS_TABLE_256QAM, 27, 848 },
    };
    for (int mode = 0; mode < 2; mode++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            run_case(&cases[i], mode == 1, 20.0, slots);
    run_case(&cases[2], true, 26.0, slots);
    run_case(&cases[3], true, 26.0, slots);
    bench_demapper();
    bench_ack(106, 26, 1, 9, slots);
    bench_ack(106, 26, 2, 9, slots);
    bench_ack(106, 9, 1, 15, slots);
    bench_ack(106, 9, 2, 15, slots);
    return 0;
}
