/* Benchmark of the PDSCH: first the whole transmit slot as srsRAN Project's pdsch_processor_benchmark measures it
 * (106 PRB, 64QAM, R = 873/1024, one layer, rv 0, one thread: TB CRC, segmentation and CB CRC, LDPC encoding,
 * rate matching, scrambling, modulation, RE mapping and DM-RS), printed beside srsRAN's figure on this machine
 * type (median 105 us) with the ratio; then the physical channel alone (after channel coding): PDSCH encode and
 * decode (DM-RS channel estimate, equalisation, soft demapping, descrambling) in microseconds per slot at 52 and
 * 106 PRB; PDCCH encode (CRC, polar, scrambling, mapping, DM-RS) and the UE's blind search over SS#0. Never
 * passes or fails on time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pdcch.h"
#include "phy/ch/pdsch.h"
#include "phy/fec/tbs.h"
#include "phy/grid/grid.h"
#include "tests/unit/test_rng.h"

#define REPEAT_SECONDS 0.5
#define ROUNDS 10

/* CPU time of this thread: on a shared machine the wall clock also counts the time other processes hold the
 * core, which can be most of it; on an idle machine the two agree. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs fn(arg) in ROUNDS rounds of about REPEAT_SECONDS / ROUNDS each; returns the microseconds per call of the
 * fastest round (the machine is shared, so the slower rounds measure other load), and the median round's in
 * *median if not NULL. */
static double us_per_call_median(int (*fn)(void *), void *arg, double *median)
{
    if (fn(arg) < 0) {
        fprintf(stderr, "bench_pdsch: call failed\n");
        exit(1);
    }
    double us[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        long n = 0;
        double t0 = now_s(), t;
        do {
            fn(arg);
            n++;
        } while ((t = now_s()) - t0 < REPEAT_SECONDS / ROUNDS);
        us[round] = 1e6 * (t - t0) / (double)n;
    }
    qsort(us, ROUNDS, sizeof us[0], cmp_double);
    if (median)
        *median = 0.5 * (us[(ROUNDS - 1) / 2] + us[ROUNDS / 2]);
    return us[0];
}

static double us_per_call(int (*fn)(void *), void *arg)
{
    return us_per_call_median(fn, arg, NULL);
}

#define NOF_GRIDS 4 /* the decoder cycles through slots of different data, as a receiver sees them */

struct pdsch_run {
    struct pdsch p;
    struct pdsch_grant gr;
    struct grid g[NOF_GRIDS];
    uint8_t *cw;
    float *llr;
    int nbits, next;
};

static int run_encode(void *arg)
{
    struct pdsch_run *r = arg;
    return pdsch_encode(&r->p, &r->gr, r->cw, (size_t)r->nbits, &r->g[0]);
}

static int run_decode(void *arg)
{
    struct pdsch_run *r = arg;
    r->next = (r->next + 1) % NOF_GRIDS;
    return pdsch_decode(&r->p, &r->g[r->next], &r->gr, r->llr, (size_t)r->nbits, NULL);
}

static void bench_pdsch(int nof_prb, enum modulation_scheme mod, const char *name)
{
    struct pdsch_run r = { 0 };
    if (pdsch_init(&r.p, &(struct pdsch_cfg){ .max_prb = nof_prb }) < 0)
        exit(1);
    for (int i = 0; i < NOF_GRIDS; i++)
        if (grid_init(&r.g[i], GRID_SYMBOLS_PER_SLOT, 12 * nof_prb) < 0)
            exit(1);
    /* A full slot after a 1-symbol CORESET: S = 1, L = 13, DM-RS at 2 and 11 with data beside it. */
    r.gr = (struct pdsch_grant){ .rnti = 0x4601, .n_id = 500, .modulation = mod, .nof_layers = 1, .crb_start = 0,
                                 .nof_rb = nof_prb, .mapping = PDSCH_MAPPING_TYPE_A, .start_symbol = 1,
                                 .nof_symbols = 13, .slot = 3 };
    r.gr.dmrs = (struct pdsch_dmrs_cfg){ .config_type = 1, .type_a_position = 2, .additional_position = 1,
                                         .cdm_groups_without_data = 1, .n_id = 500 };
    r.nbits = pdsch_nof_bits(&r.gr);
    r.cw = malloc((size_t)r.nbits);
    r.llr = malloc((size_t)r.nbits * sizeof(float));
    if (!r.cw || !r.llr)
        exit(1);
    for (int i = NOF_GRIDS - 1; i >= 0; i--) {
        for (int j = 0; j < r.nbits; j++)
            r.cw[j] = (uint8_t)(test_rng_next() >> 63);
        if (pdsch_encode(&r.p, &r.gr, r.cw, (size_t)r.nbits, &r.g[i]) < 0)
            exit(1);
    }
    double enc = us_per_call(run_encode, &r), dec = us_per_call(run_decode, &r);
    printf("  PDSCH %3d PRB %-6s G=%6d  encode %7.1f us/slot   decode to LLRs %7.1f us/slot\n", nof_prb, name,
           r.nbits, enc, dec);
    free(r.cw);
    free(r.llr);
    for (int i = 0; i < NOF_GRIDS; i++)
        grid_free(&r.g[i]);
    pdsch_free(&r.p);
}

/* srsRAN Project's pdsch_processor_benchmark, same shape, same machine type (median of its runs). */
#define SRSRAN_PDSCH_SLOT_US 105.0

struct slot_run {
    struct dlsch x;
    struct dlsch_cfg dc;
    struct pdsch p;
    struct pdsch_grant gr;
    struct grid g;
    uint8_t *tb, *cw;
    int it;
};

static int run_slot(void *arg)
{
    struct slot_run *r = arg;
    r->tb[r->it++ % (r->dc.tbs / 8)] ^= 1; /* new data every slot */
    int rc = dlsch_encode(&r->x, &r->dc, r->tb, r->cw);
    return rc < 0 ? rc : pdsch_encode(&r->p, &r->gr, r->cw, (size_t)r->dc.g, &r->g);
}

/* The full transmit slot: TB bytes in, resource grid out. */
static void bench_slot(void)
{
    static struct slot_run r;
    const int nof_prb = 106;
    if (dlsch_init(&r.x, NULL) < 0 || pdsch_init(&r.p, &(struct pdsch_cfg){ .max_prb = nof_prb }) < 0 ||
        grid_init(&r.g, GRID_SYMBOLS_PER_SLOT, 12 * nof_prb) < 0)
        exit(1);
    r.gr = (struct pdsch_grant){ .rnti = 0x4601, .n_id = 500, .modulation = MODULATION_64QAM, .nof_layers = 1,
                                 .crb_start = 0, .nof_rb = nof_prb, .mapping = PDSCH_MAPPING_TYPE_A,
                                 .start_symbol = 1, .nof_symbols = 13, .slot = 3 };
    r.gr.dmrs = (struct pdsch_dmrs_cfg){ .config_type = 1, .type_a_position = 2, .additional_position = 1,
                                         .cdm_groups_without_data = 1, .n_id = 500 };
    struct tbs_cfg t = { .n_prb = nof_prb, .n_symb_sh = 13, .n_dmrs_prb = 12, .layers = 1, .qm = 6,
                         .r_x1024 = 873 };
    r.dc = (struct dlsch_cfg){ .tbs = tbs_compute(&t), .r = 873 / 1024.0, .qm = 6, .n_layers = 1, .rv = 0,
                               .g = pdsch_nof_bits(&r.gr) };
    r.tb = malloc((size_t)r.dc.tbs / 8);
    r.cw = malloc((size_t)r.dc.g);
    if (!r.tb || !r.cw || r.dc.tbs <= 0)
        exit(1);
    for (int i = 0; i < r.dc.tbs / 8; i++)
        r.tb[i] = (uint8_t)test_rng_next();
    double median, best = us_per_call_median(run_slot, &r, &median);
    printf("  PDSCH slot TB->grid 106 PRB 64QAM R=873/1024 1 layer rv 0 TBS=%d G=%d  %7.1f us/slot median, best %.1f\n",
           r.dc.tbs, r.dc.g, median, best);
    printf("pdsch_slot 106 PRB 64QAM: %.1f us median (best %.1f), srsRAN %.0f, ratio %.2f (srsRAN / gnbd median, > 1 = "
           "gnbd faster)\n",
           median, best, SRSRAN_PDSCH_SLOT_US, SRSRAN_PDSCH_SLOT_US / median);
    free(r.tb);
    free(r.cw);
    grid_free(&r.g);
    pdsch_free(&r.p);
    dlsch_free(&r.x);
}

struct pdcch_run {
    struct pdcch_coreset cs;
    struct pdcch_msg msg;
    struct pdcch_search ss;
    struct pdcch_rx rx;
    struct grid g;
    uint8_t dci[39];
};

static int run_pdcch_encode(void *arg)
{
    struct pdcch_run *r = arg;
    return pdcch_encode(&r->cs, 0, &r->msg, &r->g);
}

static int run_pdcch_search(void *arg)
{
    struct pdcch_run *r = arg;
    struct pdcch_rx_result res;
    return pdcch_rx_search(&r->rx, &r->g, &r->cs, &r->ss, &res, 1);
}

static void bench_pdcch(int al)
{
    static const uint16_t si_rnti = 0xFFFF;
    struct pdcch_run *r = calloc(1, sizeof *r);
    if (!r || pdcch_coreset0(&r->cs, 0, 48, 1, 0, 500) < 0 || pdcch_rx_init(&r->rx, NULL) < 0 ||
        grid_init(&r->g, GRID_SYMBOLS_PER_SLOT, 12 * 52) < 0)
        exit(1);
    for (int i = 0; i < 39; i++)
        r->dci[i] = (uint8_t)(test_rng_next() >> 63);
    /* the last candidate of its AL in SS#0, so the search tries the larger ALs first */
    r->msg = (struct pdcch_msg){ .dci = r->dci, .dci_len = 39, .rnti = si_rnti, .al = al, .first_cce = 8 - al,
                                 .n_id = 500 };
    r->ss = (struct pdcch_search){ .slot = 0, .n_id = 500, .nof_candidates = { 0, 0, 4, 2, 1 }, .dci_len = 39,
                                   .rntis = &si_rnti, .nof_rntis = 1 };
    double enc = us_per_call(run_pdcch_encode, r), search = us_per_call(run_pdcch_search, r);
    printf("  PDCCH CORESET#0 48x1, DCI 1_0 39 bits, AL %d   encode %6.1f us   SS#0 blind search (SCL L=8) %7.1f us\n",
           al, enc, search);
    grid_free(&r->g);
    pdcch_rx_free(&r->rx);
    free(r);
}

int main(int argc, char **argv)
{
    printf("bench_pdsch: one layer, 15 kHz slot of 14 symbols; %d rounds over %.1f s of thread CPU time per figure: the "
           "slot's median and best, the others the fastest\n",
           ROUNDS, REPEAT_SECONDS);
    bench_slot();
    if (argc > 1 && strcmp(argv[1], "--slot") == 0)
        return 0;
    static const struct { enum modulation_scheme m; const char *name; } mods[] = {
        { MODULATION_QPSK, "QPSK" }, { MODULATION_64QAM, "64QAM" }, { MODULATION_256QAM, "256QAM" },
    };
    static const int prbs[] = { 52, 106 };
    for (int p = 0; p < 2; p++)
        for (int m = 0; m < 3; m++)
            bench_pdsch(prbs[p], mods[m].m, mods[m].name);
    bench_pdcch(4);
    bench_pdcch(8);
    return 0;
}
