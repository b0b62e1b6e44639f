/* BLER simulation of the PDSCH coding chain over AWGN (`make sim`, not part of `make check`).
 *
 * For MCS 0, 4, 9, 16, 20 and 27 of the 64QAM table (38.214 Table 5.1.3.1-1) on a fixed allocation (N_PRB PRBs,
 * 12 PDSCH symbols, one DM-RS symbol: 132 data REs per PRB; TBS from 38.214 5.1.3.2 via phy/fec/tbs.h), each
 * transport block goes TB -> dlsch_encode() (38.212 7.2, rv 0) -> modulation_map() -> AWGN -> max-log
 * modulation_demap() -> dlsch_rx_combine() -> decoder -> dlsch_rx_tb() (CB and TB CRCs; the TB must also match).
 * Scrambling is left out: over AWGN it does not change the error statistics.
 *
 * The SNR (Es/N0 per RE) at 10% BLER is found by bisection, per MCS and decoder: the int8 layered min-sum decoder
 * (phy/fec/ldpc_decoder.h) at 50 and at 10 iterations, and the floating-point sum-product reference
 * (tests/ldpc_ref) at 50 iterations. Beside these LDPC-only figures (ideal channel knowledge), the full PUSCH
 * chain at the same TBS and G: TB -> dlsch_encode() -> pusch_encode() (scrambling, mapping, DM-RS type 1 at
 * symbol 2, S = 0, L = 12, 2 CDM groups without data: the same 132 data REs per PRB) -> AWGN on every RE of the
 * grid -> pusch_decode() (DM-RS channel and noise estimation, equalisation, demapping, descrambling, min-sum at 10
 * iterations, CRCs); its gap to min-sum 10 is the cost of estimating the channel. Every SNR point uses the same TBs and the same unit noise samples (seeded by
 * the TB's index, scaled by the SNR), so each TB has its own threshold and the bisection converges on the 10%
 * quantile of those rather than wandering with fresh noise. The run checks the min-sum decoder at 50 iterations
 * is within MAX_GAP_DB of the reference at every MCS (exit status 1 otherwise), prints a table, and writes
 * bler_sim.dat / bler_sim.gp / bler_sim.png (the PNG when gnuplot is installed) into the output folder.
 *   bler_sim [-n TBs per SNR point (default 200)] [-j threads (default 2)] [-o output folder (default .)] [-p]
 * -p: only the PUSCH chain and min-sum 10 beside it (no sum-product reference, so no gap check): a few minutes.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pusch.h"
#include "phy/fec/ldpc_decoder.h"
#include "phy/fec/tbs.h"
#include "phy/mod/modulation.h"

#include "tests/ldpc_ref/ldpc_sum_product.c"

#define N_PRB 52
#define N_SYMB_SH 12
#define N_DMRS_PRB 12
#define RE_PER_PRB (12 * N_SYMB_SH - N_DMRS_PRB)
#define BLER_TARGET 0.1
#define BISECTION_STEPS 8
#define MAX_GAP_DB 0.5
#define MAX_THREADS 8

static const int mcs_list[] = { 0, 4, 9, 16, 20, 27 };
#define NUM_MCS (int)(sizeof mcs_list / sizeof mcs_list[0])

enum decoder_kind { DEC_SP50, DEC_MS50, DEC_MS10, DEC_PUSCH10, NUM_DECODERS };
static const char *const decoder_names[NUM_DECODERS] = { "sum-product 50", "min-sum 50", "min-sum 10",
                                                         "PUSCH chain 10" };
static const int decoder_iterations[NUM_DECODERS] = { 50, 50, 10, 10 };

struct mcs_case {
    int mcs;
    struct tbs_mcs row;
    struct dlsch_cfg cfg;
    struct dlsch_params p;
    enum modulation_scheme scheme;
    struct pusch_grant gr;
    int n_sym;
    double snr[NUM_DECODERS];
};

static struct mcs_case cases[NUM_MCS];
static int tbs_per_point = 200;
static bool pusch_only;

/* ---- random numbers: xorshift64* and Box-Muller, one state per TB ---- */

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static double rng_gauss(uint64_t *s)
{
    double u1 = ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
    double u2 = ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ---- one worker's state ---- */

struct worker {
    struct dlsch enc;
    struct ldpc_decoder dec;
    struct ldpc_sp sp;
    struct pusch_tx ptx;
    struct pusch_rx prx;
    struct grid grid;
    uint8_t *tb, *tb_rx, *g, *cbs;
    cf_t *sym, *rx;
    float *llr, *soft;
};

static int worker_init(struct worker *w, size_t g_max, size_t soft_max, size_t cbs_max, size_t tb_max)
{
    memset(w, 0, sizeof *w);
    if (dlsch_init(&w->enc, NULL) < 0 || ldpc_decoder_init(&w->dec, NULL) < 0 || ldpc_sp_init(&w->sp, LDPC_Z_MAX) < 0 ||
        pusch_tx_init(&w->ptx, N_PRB) < 0 || grid_init(&w->grid, GRID_SYMBOLS_PER_SLOT, 12 * N_PRB) < 0 ||
        pusch_rx_init(&w->prx, &(struct pusch_rx_cfg){ .max_prb = N_PRB, .sample_rate_hz = 11.52e6,
                                                      .scs_khz = 15 }) < 0)
        return -ENOMEM;
    w->tb = malloc(tb_max);
    w->tb_rx = malloc(tb_max);
    w->g = malloc(g_max);
    w->cbs = malloc(cbs_max);
    w->sym = malloc(g_max * sizeof(cf_t));
    w->rx = malloc(g_max * sizeof(cf_t));
    w->llr = malloc(g_max * sizeof(float));
    w->soft = malloc(soft_max * sizeof(float));
    return w->tb && w->tb_rx && w->g && w->cbs && w->sym && w->rx && w->llr && w->soft ? 0 : -ENOMEM;
}

static void worker_free(struct worker *w)
{
    dlsch_free(&w->enc);
    ldpc_decoder_free(&w->dec);
    ldpc_sp_free(&w->sp);
    pusch_tx_free(&w->ptx);
    pusch_rx_free(&w->prx);
    grid_free(&w->grid);
    free(w->tb);
    free(w->tb_rx);
    free(w->g);
    free(w->cbs);
    free(w->sym);
    free(w->rx);
    free(w->llr);
    free(w->soft);
}

/* The sum-product reference in place of dlsch_rx_decode(). */
static int decode_sp(struct worker *w, const struct dlsch_params *p, struct segmentation_rx_result *res)
{
    for (int r = 0; r < p->seg.c; r++) {
        struct ldpc_sp_result sr;
        int rc = ldpc_sp_decode(&w->sp, p->seg.bg, p->seg.z, w->soft + (size_t)r * p->n, p->n,
                                decoder_iterations[DEC_SP50], w->cbs + (size_t)r * p->seg.k, &sr);
        if (rc < 0)
            return rc;
    }
    return dlsch_rx_tb(p, w->cbs, w->tb_rx, res);
}

/* The PUSCH chain for the coded bits in w->g: grid, AWGN of variance n0 on every RE, the gNB receiver. */
static bool pusch_trial(struct worker *w, const struct mcs_case *mc, double n0, uint64_t *s)
{
    struct pusch_tb tb = { .tbs = mc->cfg.tbs, .r = mc->cfg.r, .new_data = true,
                           .max_iterations = decoder_iterations[DEC_PUSCH10] };
    struct pusch_result res;
    grid_clear(&w->grid);
    if (pusch_encode(&w->ptx, &mc->gr, w->g, (size_t)mc->cfg.g, &w->grid) < 0)
        return false;
    double a = sqrt(n0 / 2);
    size_t n = (size_t)w->grid.nof_symbols * (size_t)w->grid.nof_subcarriers;
    for (size_t i = 0; i < n; i++) {
        double re = rng_gauss(s), im = rng_gauss(s);
        w->grid.re[i] += (float)(a * re) + (float)(a * im) * I;
    }
    return pusch_decode(&w->prx, &w->grid, &mc->gr, &tb, w->soft, w->tb_rx, &res) == 0 && res.crc_ok &&
           memcmp(w->tb, w->tb_rx, (size_t)mc->cfg.tbs / 8) == 0;
}

/* TB number index of case mc through the chain at snr_db; true when it arrives intact. */
static bool tb_trial(struct worker *w, const struct mcs_case *mc, enum decoder_kind kind, double snr_db, int index)
{
    const struct dlsch_params *p = &mc->p;
    uint64_t s = 0x9e3779b97f4a7c15ull * (uint64_t)(index + 1) + (uint64_t)mc->mcs * 0x632be59bd9b4e019ull;
    int tb_bytes = p->seg.tbs / 8;
    for (int i = 0; i < tb_bytes; i++)
        w->tb[i] = (uint8_t)(rng_next(&s) >> 56);
    struct segmentation_rx_result res = { 0 };
    double n0 = pow(10.0, -snr_db / 10.0), a = sqrt(n0 / 2);
    if (dlsch_encode(&w->enc, &mc->cfg, w->tb, w->g) < 0)
        return false;
    if (kind == DEC_PUSCH10)
        return pusch_trial(w, mc, n0, &s);
    if (modulation_map(mc->scheme, w->g, (size_t)mc->cfg.g, w->sym) < 0)
        return false;
    for (int i = 0; i < mc->n_sym; i++) {
        double re = rng_gauss(&s), im = rng_gauss(&s);
        w->rx[i] = w->sym[i] + (float)(a * re) + (float)(a * im) * I;
    }
    if (modulation_demap(mc->scheme, w->rx, (size_t)mc->n_sym, (float)n0, w->llr) < 0 ||
        dlsch_rx_soft_reset(p, w->soft) < 0 || dlsch_rx_combine(p, w->llr, w->soft) < 0)
        return false;
    int rc = kind == DEC_SP50 ? decode_sp(w, p, &res)
                              : dlsch_rx_decode(p, &w->dec, decoder_iterations[kind], w->soft, w->cbs, w->tb_rx, &res);
    return rc == 0 && res.tb_crc_ok && res.cb_crc_failed == 0 && memcmp(w->tb, w->tb_rx, (size_t)tb_bytes) == 0;
}

/* Whether the BLER at snr_db is above BLER_TARGET, stopping as soon as the count decides it. */
static bool bler_above(struct worker *w, const struct mcs_case *mc, enum decoder_kind kind, double snr_db)
{
    int allowed = (int)(BLER_TARGET * tbs_per_point), failed = 0;
    for (int i = 0; i < tbs_per_point; i++) {
        failed += !tb_trial(w, mc, kind, snr_db, i);
        if (failed > allowed)
            return true;
        if (failed + (tbs_per_point - 1 - i) <= allowed)
            return false;
    }
    return false;
}

/* SNR at BLER_TARGET: a bracket around the Shannon limit of the spectral efficiency, widened until it holds,
 * then bisection. */
static double snr_at_target(struct worker *w, const struct mcs_case *mc, enum decoder_kind kind)
{
    double se = mc->row.qm * mc->row.r_x1024 / 1024.0, shannon = 10 * log10(pow(2.0, se) - 1);
    double lo = shannon - 1, hi = shannon + 7;
    while (!bler_above(w, mc, kind, lo))
        lo -= 4;
    while (bler_above(w, mc, kind, hi))
        hi += 4;
    for (int step = 0; step < BISECTION_STEPS; step++) {
        double mid = 0.5 * (lo + hi);
        if (bler_above(w, mc, kind, mid))
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* ---- jobs over threads ---- */

static atomic_int next_job;
#define NUM_JOBS (NUM_MCS * NUM_DECODERS)

struct thread_arg {
    size_t g_max, soft_max, cbs_max, tb_max;
    int rc;
};

static void *worker_main(void *arg)
{
    struct thread_arg *ta = arg;
    struct worker w;
    ta->rc = worker_init(&w, ta->g_max, ta->soft_max, ta->cbs_max, ta->tb_max);
    /* Sum-product jobs first, highest MCS (most code blocks) first: the slowest start earliest. */
    for (int j; ta->rc == 0 && (j = atomic_fetch_add(&next_job, 1)) < NUM_JOBS;) {
        enum decoder_kind kind = (enum decoder_kind)(j / NUM_MCS);
        struct mcs_case *mc = &cases[NUM_MCS - 1 - j % NUM_MCS];
        if (pusch_only && kind != DEC_MS10 && kind != DEC_PUSCH10) {
            mc->snr[kind] = NAN;
            continue;
        }
        mc->snr[kind] = snr_at_target(&w, mc, kind);
        fprintf(stderr, "  MCS %2d  %-15s %6.2f dB\n", mc->mcs, decoder_names[kind], mc->snr[kind]);
    }
    worker_free(&w);
    return NULL;
}

static int setup_cases(struct thread_arg *ta)
{
    static const enum modulation_scheme by_qm[9] = { [2] = MODULATION_QPSK, [4] = MODULATION_16QAM,
                                                     [6] = MODULATION_64QAM };
    *ta = (struct thread_arg){ 0 };
    for (int m = 0; m < NUM_MCS; m++) {
        struct mcs_case *mc = &cases[m];
        mc->mcs = mcs_list[m];
        if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, mc->mcs, &mc->row) < 0)
            return -EINVAL;
        struct tbs_cfg tc = { .n_prb = N_PRB, .n_symb_sh = N_SYMB_SH, .n_dmrs_prb = N_DMRS_PRB, .layers = 1,
                              .qm = mc->row.qm, .r_x1024 = mc->row.r_x1024 };
        int tbs = tbs_compute(&tc);
        mc->n_sym = N_PRB * RE_PER_PRB;
        mc->cfg = (struct dlsch_cfg){ .tbs = tbs, .r = mc->row.r_x1024 / 1024.0, .qm = mc->row.qm, .n_layers = 1,
                                      .g = mc->n_sym * mc->row.qm };
        mc->scheme = by_qm[mc->row.qm];
        mc->gr = (struct pusch_grant){ .rnti = 0x4601, .n_id = 500, .modulation = mc->scheme, .nof_rb = N_PRB,
                                       .mapping = PUSCH_MAPPING_TYPE_A, .nof_symbols = N_SYMB_SH, .slot = 1,
                                       .dmrs = { .config_type = 1, .type_a_position = 2,
                                                 .cdm_groups_without_data = 2, .n_id = 500 } };
        if (pusch_nof_bits(&mc->gr) != mc->cfg.g)
            return -EINVAL;
        if (tbs < 0 || dlsch_params_init(&mc->p, &mc->cfg) < 0)
            return -EINVAL;
        size_t soft = (size_t)mc->p.seg.c * (size_t)mc->p.n, cbs = (size_t)mc->p.seg.c * (size_t)mc->p.seg.k;
        ta->g_max = (size_t)mc->cfg.g > ta->g_max ? (size_t)mc->cfg.g : ta->g_max;
        ta->soft_max = soft > ta->soft_max ? soft : ta->soft_max;
        ta->cbs_max = cbs > ta->cbs_max ? cbs : ta->cbs_max;
        ta->tb_max = (size_t)tbs / 8 > ta->tb_max ? (size_t)tbs / 8 : ta->tb_max;
    }
    return 0;
}

/* ---- output ---- */

static bool print_table(void)
{
    bool all_ok = true;
    printf("\nSNR (Es/N0 per RE, dB) at %.0f%% BLER over AWGN; %d PRB x %d data REs, 1 layer, rv 0; %d TBs per point\n",
           100 * BLER_TARGET, N_PRB, RE_PER_PRB, tbs_per_point);
    printf("MCS Qm  R x1024   TBS   C BG  Zc  | Shannon | sum-prod 50 | min-sum 50 (gap) | min-sum 10 (gap) | "
           "within %.1f dB | PUSCH chain 10 (vs min-sum 10)\n", MAX_GAP_DB);
    for (int m = 0; m < NUM_MCS; m++) {
        const struct mcs_case *mc = &cases[m];
        double se = mc->row.qm * mc->row.r_x1024 / 1024.0, shannon = 10 * log10(pow(2.0, se) - 1);
        double gap50 = mc->snr[DEC_MS50] - mc->snr[DEC_SP50], gap10 = mc->snr[DEC_MS10] - mc->snr[DEC_SP50];
        bool ok = pusch_only || gap50 <= MAX_GAP_DB;
        all_ok = all_ok && ok;
        printf("%3d  %d  %6.1f  %6d  %2d  %d %3d  | %7.2f | %11.2f | %10.2f (%+.2f) | %10.2f (%+.2f) | %-13s | "
               "%8.2f (%+.2f)\n",
               mc->mcs, mc->row.qm, mc->row.r_x1024, mc->p.seg.tbs, mc->p.seg.c, mc->p.seg.bg, mc->p.seg.z, shannon,
               mc->snr[DEC_SP50], mc->snr[DEC_MS50], gap50, mc->snr[DEC_MS10], gap10, ok ? "yes" : "NO",
               mc->snr[DEC_PUSCH10], mc->snr[DEC_PUSCH10] - mc->snr[DEC_MS10]);
    }
    return all_ok;
}

static void write_plot(const char *dir)
{
    char dat[512], gp[512], png[512];
    snprintf(dat, sizeof dat, "%s/bler_sim.dat", dir);
    snprintf(gp, sizeof gp, "%s/bler_sim.gp", dir);
    snprintf(png, sizeof png, "%s/bler_sim.png", dir);
    FILE *f = fopen(dat, "w"), *g = fopen(gp, "w");
    if (!f || !g) {
        fprintf(stderr, "cannot write %s or %s\n", dat, gp);
        if (f)
            fclose(f);
        if (g)
            fclose(g);
        return;
    }
    fprintf(f, "# mcs spectral_efficiency sum_product_50 min_sum_50 min_sum_10 (SNR dB at %.0f%% BLER)\n",
            100 * BLER_TARGET);
    for (int m = 0; m < NUM_MCS; m++) {
        const struct mcs_case *mc = &cases[m];
        fprintf(f, "%d %.4f %.3f %.3f %.3f\n", mc->mcs, mc->row.qm * mc->row.r_x1024 / 1024.0, mc->snr[DEC_SP50],
                mc->snr[DEC_MS50], mc->snr[DEC_MS10]);
    }
    fclose(f);
    fprintf(g, "set terminal png size 900,600\nset output '%s'\nset grid\nset key top left\n"
               "set title 'PDSCH over AWGN: SNR at %.0f%% BLER (%d PRB, 64QAM MCS table)'\n"
               "set xlabel 'SNR, Es/N0 per RE (dB)'\nset ylabel 'spectral efficiency Qm R (bit/RE)'\n"
               "plot [-10:25] '%s' u 3:2 w lp t 'sum-product, 50 it', '' u 4:2 w lp t 'layered min-sum int8, 50 it', "
               "'' u 5:2 w lp t 'layered min-sum int8, 10 it', log(1 + 10**(x/10))/log(2) t 'Shannon' dt 2\n",
            png, 100 * BLER_TARGET, N_PRB, dat);
    fclose(g);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "command -v gnuplot >/dev/null 2>&1 && gnuplot '%s'", gp);
    if (system(cmd) == 0)
        printf("plot: %s\n", png);
    else
        printf("gnuplot not installed (or failed): no plot; data in %s, script %s\n", dat, gp);
}

int main(int argc, char **argv)
{
    int threads = 2, opt;
    const char *dir = ".";
    while ((opt = getopt(argc, argv, "n:j:o:p")) != -1) {
        if (opt == 'n')
            tbs_per_point = atoi(optarg);
        else if (opt == 'j')
            threads = atoi(optarg);
        else if (opt == 'o')
            dir = optarg;
        else if (opt == 'p')
            pusch_only = true;
        else {
            fprintf(stderr, "usage: %s [-n TBs per point] [-j threads] [-o output folder] [-p]\n", argv[0]);
            return 2;
        }
    }
    if (tbs_per_point < 10 || threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "need -n >= 10 and 1 <= -j <= %d\n", MAX_THREADS);
        return 2;
    }
    struct thread_arg ta[MAX_THREADS];
    if (setup_cases(&ta[0]) < 0) {
        fprintf(stderr, "bad MCS / TBS set-up\n");
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t tid[MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        ta[t] = ta[0];
        if (pthread_create(&tid[t], NULL, worker_main, &ta[t]) != 0)
            return 1;
    }
    int rc = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        rc |= ta[t].rc;
    }
    if (rc < 0) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    bool ok = print_table();
    printf("(%.0f s on %d threads)\n", (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec),
           threads);
    write_plot(dir);
    return ok ? 0 : 1;
}
