/* Unit tests for the UE simulator's receiver (tests/uesim/cell_search and ue_sync, compiled in here):
 *  - blind decoding of the foreign reference frames ssb/frame_08 (clean) and frame_11 (delay 1234 samples, CFO
 *    1.5 kHz, 5 dB per-RE SNR): PCI, timing, CFO, SFN, half frame and MIB against the manifest;
 *  - an in-process transmitter built here from phy/ch/ssb + phy/ofdm (SSB-only DL, 38.211 5.4 phase term for
 *    the DL centre, the SSB where cell_geometry puts it for band 3 / DL ARFCN 368500) at 25, 52 and 106 PRB,
 *    clean and with delay + CFO + AWGN, tracked over many frames; with CFOs of +-5 kHz (a third of the 15 kHz
 *    SCS) and, at 30 kHz, Case B (n5) and Case C (n78 TDD, L_max 8) blocks, each with its slot timing;
 *  - negative cases that must fail: a transmitter without the 5.4 phase term (caught by the coherence check,
 *    with the step 2 pi f0 (N + N_CP) / fs predicted), an SFN jump, the SSB searched one sync raster step away,
 *    and noise alone. */
#include <check.h>
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/geometry/cell_geometry.h"
#include "tests/uesim/cell_search.c"
#include "tests/uesim/ue_sync.c"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define SSB_DIR "tests/vectors/ssb"
#define FRAME_FS 11520000.0
#define FRAME_F0 1842500000.0

/* ---------------------------------------------------------------- the reference frames */

/* What the manifest row of a `frame` case says (ssb/cases.tsv). */
struct frame_case {
    char file[128];
    int pci, sfn, coreset0, ss0, dmrs, barred, intra_allowed, nof_prb, f_offset_sc, delay;
    double cfo_hz;
    int64_t first_sample[2];   /* CP start of the half-frame 0 and 1 blocks, before the delay */
};

static const char *kv(const char *list, const char *key)
{
    const char *p = strstr(list, key);
    ck_assert_msg(p != NULL, "manifest lacks %s", key);
    return p + strlen(key);
}

static void load_frame_case(int id, struct frame_case *fc)
{
    FILE *f = vector_manifest_open(SSB_DIR);
    ck_assert_msg(f != NULL, "cannot open %s/cases.tsv", SSB_DIR);
    char line[4096], *col[24];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        int n = vector_tsv_split(line, col, 24);
        if (n < 20 || atoi(col[0]) != id || strcmp(col[1], "frame") != 0)
            continue;
        found = true;
        fc->pci = atoi(col[2]);
        fc->sfn = atoi(col[3]);
        fc->coreset0 = atoi(col[12]);
        fc->ss0 = atoi(col[13]);
        fc->dmrs = atoi(col[14]);
        fc->barred = atoi(col[15]);
        fc->intra_allowed = strcmp(col[16], "allowed") == 0;
        const char *files = col[19];
        sscanf(kv(files, "file="), "%127[^;]", fc->file);
        fc->nof_prb = atoi(kv(files, "nof_prb="));
        fc->f_offset_sc = atoi(kv(files, "f_offset_sc="));
        fc->delay = atoi(kv(files, "delay_samples="));
        fc->cfo_hz = atof(kv(files, "cfo_hz="));
        fc->first_sample[0] = atoll(kv(files, "first_sample="));
        fc->first_sample[1] = atoll(kv(kv(files, "first_sample="), "first_sample="));
    }
    fclose(f);
    ck_assert_msg(found, "frame case %d not in the manifest", id);
}

static cf_t *load_frame(const struct frame_case *fc, size_t *n)
{
    size_t bytes = 0;
    cf_t *x = vector_load_in(SSB_DIR, fc->file, &bytes);
    ck_assert_msg(x != NULL, "cannot read %s/%s", SSB_DIR, fc->file);
    *n = bytes / sizeof(cf_t);
    return x;
}

static struct cell_search_config frame_search_config(const struct frame_case *fc)
{
    return (struct cell_search_config){.sample_rate_hz = FRAME_FS, .scs_khz = 15, .nof_prb = fc->nof_prb,
                                       .f0_hz = FRAME_F0, .ssb_offset_sc = fc->f_offset_sc, .l_max = 4};
}

/* The blind search on a whole frame: the manifest's cell, one of its two blocks, and the MIB. */
static void check_frame_blind(int id, double cfo_tolerance_hz)
{
    struct frame_case fc;
    load_frame_case(id, &fc);
    size_t n;
    cf_t *x = load_frame(&fc, &n);
    struct cell_search cs;
    struct cell_search_config cfg = frame_search_config(&fc);
    ck_assert_int_eq(cell_search_init(&cs, &cfg), 0);
    struct cell_search_result r;
    ck_assert_int_eq(cell_search_run(&cs, x, n, &r), 1);
    const struct ssb_rx_result *p = &r.ssb.pbch;
    printf("frame_%02d: PCI %d at t=%lld (hrf %d), cfo %.1f Hz (true %.1f), pss %.3f sss %.3f snr %.1f dB, "
           "phase step %.3f rad, %d candidate(s)\n", id, r.pci, (long long)r.ssb_start, p->hrf, r.cfo_hz, fc.cfo_hz,
           r.pss_metric, r.sss_metric, p->snr_db, r.ssb.phase_incoherence, r.candidates_tried);
    ck_assert(r.found);
    ck_assert_int_eq(r.pci, fc.pci);
    ck_assert_int_eq(r.n_id_2, fc.pci % 3);
    /* The block found must be the one of the half frame its PBCH names, at its exact first CP sample. */
    ck_assert(p->hrf == 0 || p->hrf == 1);
    ck_assert_int_eq(r.ssb_start, fc.first_sample[p->hrf] + fc.delay);
    ck_assert_int_eq(p->sfn, fc.sfn);
    ck_assert_int_eq(p->ssb_index, 0);
    ck_assert_int_eq(p->k_ssb, 0);
    ck_assert(fabs(r.cfo_hz - fc.cfo_hz) < cfo_tolerance_hz);
    struct mib m;
    ck_assert_int_eq(mib_unpack_bits(p->mib, p->sfn & 15, &m), 0);
    ck_assert_int_eq(m.sfn, fc.sfn);
    ck_assert_int_eq(m.coreset0_index, fc.coreset0);
    ck_assert_int_eq(m.searchspace0_index, fc.ss0);
    ck_assert_int_eq(m.dmrs_type_a_position, fc.dmrs);
    ck_assert_int_eq(m.cell_barred, fc.barred);
    ck_assert_int_eq(m.intra_freq_reselection_allowed, fc.intra_allowed);
    /* The frames keep the 5.4 convention up to a constant (CP-start reference): no step between symbols. */
    ck_assert(fabsf(r.ssb.phase_incoherence) < 0.15f);

    /* The other block of the frame: read where the found one predicts (5 ms away), the other half frame. */
    int64_t other = fc.first_sample[!p->hrf] + fc.delay;
    struct cell_search_ssb s;
    ck_assert_int_eq(cell_search_read_ssb(&cs, x, n, other, r.cfo_hz, 2, r.pci, &s), 0);
    ck_assert(s.pbch.crc_ok);
    ck_assert_int_eq(s.pbch.hrf, !p->hrf);
    ck_assert_int_eq(s.pbch.sfn, fc.sfn);
    cell_search_free(&cs);
    free(x);
}

START_TEST(test_frame_08_blind_decode)
{
    check_frame_blind(8, 20.0);
}
END_TEST

START_TEST(test_frame_11_blind_decode_noisy_delayed_cfo)
{
    check_frame_blind(11, 300.0);
}
END_TEST

/* Events of a ue_sync run, collected. */
struct sync_log {
    int found, no_cell, ssb;
    struct ue_sync_event cell, last;
};

static void sync_log_cb(void *ctx, const struct ue_sync_event *ev)
{
    struct sync_log *l = ctx;
    if (ev->type == UE_SYNC_EVENT_CELL_FOUND) {
        l->found++;
        l->cell = *ev;
    } else if (ev->type == UE_SYNC_EVENT_NO_CELL) {
        l->no_cell++;
    } else {
        l->ssb++;
        l->last = *ev;
    }
}

START_TEST(test_frame_11_tracked_across_half_frames)
{
    struct frame_case fc;
    load_frame_case(11, &fc);
    size_t n;
    cf_t *x = load_frame(&fc, &n);
    /* A 4 ms window holds only the first block; with a 5 ms period the second is tracked as the next one. */
    struct ue_sync_config cfg = {.search = frame_search_config(&fc), .search_ms = 4, .ssb_period_ms = 5};
    struct ue_sync u;
    struct sync_log log = {0};
    ck_assert_int_eq(ue_sync_init(&u, &cfg, sync_log_cb, &log), 0);
    for (size_t k = 0; k < n; k += 11520)
        ue_sync_push(&u, x + k, n - k < 11520 ? n - k : 11520);
    ck_assert_int_eq(log.found, 1);
    ck_assert_int_eq(log.cell.t, fc.first_sample[0] + fc.delay);
    ck_assert_int_eq(log.ssb, 1);
    ck_assert_int_eq(log.last.t, fc.first_sample[1] + fc.delay);
    ck_assert(log.last.ok);
    ck_assert_int_eq(log.last.pbch.hrf, 1);
    ck_assert_int_eq(log.last.expected_hrf, 1);
    ck_assert_int_eq(u.stats.ssb_ok, 1);
    ue_sync_free(&u);
    free(x);
}
END_TEST

/* ---------------------------------------------------------------- the in-process transmitter */

/* An SSB-only gNB downlink: SS/PBCH block index 0 (38.213 4.1: Case A symbols 2..5, Case B 4..7, Case C 2..5 of
 * slot 0) every 10 ms in half frame 0, OFDM-modulated with (or, for the fault test, without) the 38.211 5.4 phase
 * term for the DL centre. */
struct test_tx {
    struct cell_geometry g;
    struct ofdm ofdm;
    struct ssb ssb;
    struct grid grid;
    struct mib mib;
    int pci, sfn0;
    int sfn_jump_at;        /* from this frame on the SFN is one ahead (0: never) */
    size_t spp;             /* samples per slot */
    int slots_per_frame, first_symbol;
    double fs;
};

#define TX_DL_ARFCN 368500  /* band n3, 1842.5 MHz: srsUE's default carrier */

/* The cell of `in` (any band and SCS the geometry knows), sampled as srsUE would: SCS x the smallest FFT size of
 * 128 2^n or 384 2^n above 12 N_RB. */
static void tx_init_cell(struct test_tx *t, const struct cell_geometry_input *in, int pci, int sfn0, bool phase_term)
{
    memset(t, 0, sizeof(*t));
    ck_assert_int_eq(cell_geometry_derive(in, &t->g, NULL), 0);
    static const int sizes[] = {128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096};
    int nof_prb = t->g.nof_prb, n_fft = 0;
    for (int i = 0; n_fft <= 12 * nof_prb && i < (int)(sizeof sizes / sizeof sizes[0]); i++)
        n_fft = sizes[i];
    t->fs = (double)n_fft * t->g.scs_khz * 1000.0;
    t->slots_per_frame = 10 * t->g.scs_khz / 15;
    t->spp = (size_t)llround(t->fs * 10e-3 / t->slots_per_frame);
    t->first_symbol = ssb_candidate_first_symbol(t->g.ssb_pattern, t->g.ssb_l_max, 0);
    t->pci = pci;
    t->sfn0 = sfn0;
    struct ofdm_config oc = {.sample_rate_hz = t->fs, .scs_khz = t->g.scs_khz, .nof_prb = nof_prb,
                             .f0_hz = phase_term ? (double)t->g.dl_freq_hz : 0.0, .direction = OFDM_DIRECTION_TX};
    ck_assert_int_eq(ofdm_init(&t->ofdm, &oc), 0);
    struct ssb_config sc = {.pci = pci, .l_max = t->g.ssb_l_max, .k_ssb = t->g.k_ssb};
    ck_assert_int_eq(ssb_init(&t->ssb, &sc), 0);
    ck_assert_int_eq(grid_init(&t->grid, OFDM_SYMBOLS_PER_SLOT, 12 * nof_prb), 0);
    /* MIB content other than srsUE's defaults, so that a receiver echoing defaults would fail. */
    t->mib = (struct mib){.scs_common_khz = t->g.scs_khz, .ssb_subcarrier_offset = t->g.mib_ssb_subcarrier_offset,
                          .dmrs_type_a_position = 3, .coreset0_index = in->coreset0_index, .searchspace0_index = 5,
                          .cell_barred = false, .intra_freq_reselection_allowed = false};
}

/* Band 3, DL ARFCN 368500, 15 kHz, at srsUE's sample rate for nof_prb. */
static void tx_init(struct test_tx *t, int nof_prb, int pci, int sfn0, bool phase_term)
{
    int coreset0 = nof_prb >= 106 ? 12 : nof_prb >= 52 ? 6 : 0;   /* 38.213 Table 13-1 rows that fit */
    struct cell_geometry_input in = {.band = 3, .dl_arfcn = TX_DL_ARFCN, .scs_khz = 15, .nof_prb = nof_prb,
                                     .coreset0_index = coreset0, .srsue_compatible = true};
    tx_init_cell(t, &in, pci, sfn0, phase_term);
    ck_assert_int_eq((int64_t)t->fs, t->g.srsue_srate_hz);
}

static void tx_free(struct test_tx *t)
{
    ofdm_free(&t->ofdm);
    ssb_free(&t->ssb);
    grid_free(&t->grid);
}

static int tx_sfn(const struct test_tx *t, int64_t frame)
{
    return (int)((t->sfn0 + frame + (t->sfn_jump_at && frame >= t->sfn_jump_at)) % 1024);
}

static void tx_slot(struct test_tx *t, int64_t slot, cf_t *out)
{
    grid_clear(&t->grid);
    if (slot % t->slots_per_frame == 0) {
        uint8_t bits[MIB_BITS];
        cf_t block[SSB_BLOCK_RE];
        t->mib.sfn = tx_sfn(t, slot / t->slots_per_frame);
        ck_assert_int_eq(mib_pack_bits(&t->mib, bits), 0);
        ck_assert_int_eq(ssb_build(&t->ssb, bits, t->mib.sfn, 0, 0, block), 0);
        ck_assert_int_eq(ssb_map(block, &t->grid, t->g.ssb_first_subcarrier, t->first_symbol), 0);
    }
    int per_subframe = t->slots_per_frame / 10;
    ck_assert_int_eq(ofdm_modulate_slot(&t->ofdm, t->grid.re, (int)(slot % per_subframe), out), (int)t->spp);
}

/* What uesim knows: ARFCNs, N_RB, rate. The SSB offset comes from the ARFCNs, as srsUE computes it. */
static struct cell_search_config tx_receiver_config(const struct test_tx *t, int extra_offset_sc)
{
    int64_t off = band_arfcn_to_hz(t->g.ssb_arfcn) - band_arfcn_to_hz(t->g.dl_arfcn), scs_hz = 1000 * t->g.scs_khz;
    ck_assert_int_eq(off % scs_hz, 0);
    return (struct cell_search_config){.sample_rate_hz = t->fs, .scs_khz = t->g.scs_khz,
                                       .pattern = t->g.ssb_pattern, .nof_prb = t->g.nof_prb,
                                       .f0_hz = (double)band_arfcn_to_hz(t->g.dl_arfcn),
                                       .ssb_offset_sc = (int)(off / scs_hz) + extra_offset_sc,
                                       .l_max = t->g.ssb_l_max};
}

struct channel {
    int delay;              /* samples of silence (or noise) before the gNB's sample 0 */
    double cfo_hz;
    double snr_db;          /* per RE (unitary modulator: noise variance 10^(-snr/10) per sample); INFINITY: none */
    bool no_signal;
};

/* Runs `slots` slots of DL (ms at 15 kHz) through the channel into a ue_sync. */
static void run_link(struct test_tx *t, const struct cell_search_config *rx, const struct channel *ch, int slots,
                     struct sync_log *log, struct ue_sync_stats *stats)
{
    struct ue_sync_config cfg = {.search = *rx};
    struct ue_sync u;
    memset(log, 0, sizeof(*log));
    ck_assert_int_eq(ue_sync_init(&u, &cfg, sync_log_cb, log), 0);
    size_t spp = t->spp, carry = (size_t)ch->delay;
    cf_t *line = calloc(spp + carry, sizeof(cf_t));   /* the delay line: `carry` samples, then one slot */
    ck_assert(line != NULL);
    double sigma = isfinite(ch->snr_db) ? sqrt(pow(10.0, -ch->snr_db / 10.0) / 2.0) : 0.0;
    double w = 2.0 * M_PI * ch->cfo_hz / t->fs;
    for (int s = 0; s < slots; s++) {
        tx_slot(t, s, line + carry);
        for (size_t k = 0; k < spp; k++) {
            double n = (double)s * (double)spp + (double)k;
            cf_t v = ch->no_signal ? 0 : line[k] * ((float)cos(w * n) + I * (float)sin(w * n));
            if (sigma > 0)
                v += (float)(sigma * test_rng_gauss()) + I * (float)(sigma * test_rng_gauss());
            line[k] = v;
        }
        ue_sync_push(&u, line, spp);
        memmove(line, line + spp, carry * sizeof(cf_t));
    }
    *stats = u.stats;
    ue_sync_free(&u);
    free(line);
}

/* A noiseless link into a receiver told the SSB is extra_offset_sc subcarriers from where it is. */
static void run_clean(struct test_tx *t, int extra_offset_sc, int slots, struct sync_log *log,
                      struct ue_sync_stats *stats)
{
    struct cell_search_config rx = tx_receiver_config(t, extra_offset_sc);
    struct channel ch = {.snr_db = INFINITY};
    run_link(t, &rx, &ch, slots, log, stats);
}

static void check_tracked_clean(int nof_prb)
{
    struct test_tx t;
    tx_init(&t, nof_prb, 123, 517, true);
    struct sync_log log;
    struct ue_sync_stats st;
    run_clean(&t, 0, 80, &log, &st);
    printf("%d PRB at %.2f MHz (SSB %+lld kHz, k_SSB %d): PCI %d t=%lld sfn %d; %llu ok, %llu failed, max phase "
           "step %.4f rad\n", nof_prb, t.fs / 1e6, (long long)t.g.ssb_offset_from_dc_hz / 1000, t.g.k_ssb,
           log.cell.cell.pci,
           (long long)log.cell.t, log.cell.pbch.sfn, (unsigned long long)st.ssb_ok,
           (unsigned long long)st.ssb_failed, st.max_phase_step);
    ck_assert_int_eq(log.found, 1);
    ck_assert_int_eq(log.cell.cell.pci, 123);
    /* The block found is one of those sent (slot 0 of a frame, symbol 2), carrying that frame's SFN. */
    int64_t frame_len = 10 * (int64_t)t.spp;
    ck_assert_int_eq(log.cell.t % frame_len, t.ofdm.symbol_start[2]);
    ck_assert_int_eq(log.cell.pbch.sfn, tx_sfn(&t, log.cell.t / frame_len));
    ck_assert_int_eq(log.cell.pbch.k_ssb, t.g.k_ssb);
    ck_assert(log.cell.mib_ok);
    ck_assert_int_eq(log.cell.mib.coreset0_index, t.mib.coreset0_index);
    ck_assert_int_eq(log.cell.mib.searchspace0_index, t.mib.searchspace0_index);
    ck_assert_int_eq(log.cell.mib.dmrs_type_a_position, t.mib.dmrs_type_a_position);
    ck_assert_int_eq(log.cell.mib.intra_freq_reselection_allowed, t.mib.intra_freq_reselection_allowed);
    /* Every later block is tracked (the last one or two may lack the margin past their end) and passes. */
    ck_assert_int_ge(st.ssb_ok, 80 / 10 - log.cell.t / frame_len - 2);
    ck_assert_int_eq(st.ssb_failed, 0);
    ck_assert(st.max_phase_step < 0.01f);
    tx_free(&t);
}

/* 25, 52 and 106 PRB (5, 10, 20 MHz) */
START_TEST(test_tracks_clean)
{
    static const int prb[] = {25, 52, 106};
    check_tracked_clean(prb[_i]);
}
END_TEST

START_TEST(test_tracks_through_delay_cfo_noise)
{
    test_rng_seed(11);
    struct test_tx t;
    tx_init(&t, 52, 123, 1020, true);   /* the SFN wraps 1023 -> 0 during the run */
    struct cell_search_config rx = tx_receiver_config(&t, 0);
    struct channel ch = {.delay = 777, .cfo_hz = 2100.0, .snr_db = 3.0};
    struct sync_log log;
    struct ue_sync_stats st;
    run_link(&t, &rx, &ch, 120, &log, &st);
    printf("52 PRB, delay 777, CFO 2100 Hz, 3 dB: t=%lld cfo %.1f Hz (tracked %.1f Hz), %llu ok, %llu failed "
           "(crc %llu, phase %llu), max phase step %.3f rad\n", (long long)log.cell.t, log.cell.cfo_hz,
           log.last.cfo_hz, (unsigned long long)st.ssb_ok, (unsigned long long)st.ssb_failed,
           (unsigned long long)st.crc_failed, (unsigned long long)st.phase_errors, st.max_phase_step);
    ck_assert_int_eq(log.found, 1);
    ck_assert_int_eq(log.cell.cell.pci, 123);
    int64_t frame_len = 10 * (int64_t)t.spp;
    ck_assert_int_eq((log.cell.t - ch.delay) % frame_len, t.ofdm.symbol_start[2]);
    ck_assert(fabs(log.cell.cfo_hz - ch.cfo_hz) < 300.0);
    ck_assert(fabs(log.last.cfo_hz - ch.cfo_hz) < 100.0);
    ck_assert_int_ge(st.ssb_ok, 9);
    ck_assert_int_eq(st.ssb_failed, 0);
    tx_free(&t);
}
END_TEST

/* CFO of +-5 kHz (issue 4's bound; a third of the SCS at 15 kHz) with delay and 5 dB SNR, at 15 kHz (Case A) and
 * at 30 kHz (Case C on n78 TDD with L_max 8, Case B on n5): the block is found at its exact first CP sample in
 * slot 0, the CFO estimated and tracked, every later block decoded in sequence. */
struct cfo_case {
    const char *name;
    int band, dl_arfcn, scs_khz, nof_prb, coreset0;
    double cfo_hz;
    int delay;
};

static const struct cfo_case cfo_cases[] = {
    {"n3 15 kHz Case A", 3, 368500, 15, 52, 6, 5000.0, 555},
    {"n3 15 kHz Case A", 3, 368500, 15, 52, 6, -5000.0, 1234},
    {"n78 30 kHz Case C", 78, 632628, 30, 51, 2, 5000.0, 4321},
    {"n78 30 kHz Case C", 78, 632628, 30, 51, 2, -5000.0, 77},
    {"n5 30 kHz Case B", 5, 176300, 30, 51, 2, -5000.0, 99},
    {"n5 30 kHz Case B", 5, 176300, 30, 24, 0, 5000.0, 2000},
};
#define NOF_CFO_CASES ((int)(sizeof cfo_cases / sizeof cfo_cases[0]))

START_TEST(test_cfo_5khz_round_trips)
{
    const struct cfo_case *c = &cfo_cases[_i];
    test_rng_seed(77 + (uint64_t)_i);
    struct cell_geometry_input in = {.band = c->band, .dl_arfcn = c->dl_arfcn, .scs_khz = c->scs_khz,
                                     .nof_prb = c->nof_prb, .coreset0_index = c->coreset0};
    struct test_tx t;
    int pci = 100 * _i + 7;
    tx_init_cell(&t, &in, pci, 1010, true);
    struct cell_search_config rx = tx_receiver_config(&t, 0);
    struct channel ch = {.delay = c->delay, .cfo_hz = c->cfo_hz, .snr_db = 5.0};
    struct sync_log log;
    struct ue_sync_stats st;
    run_link(&t, &rx, &ch, 8 * t.slots_per_frame, &log, &st);
    int64_t frame_len = (int64_t)t.slots_per_frame * (int64_t)t.spp;
    printf("%s, %d PRB, L_max %d, CFO %+.0f Hz, delay %d, 5 dB: PCI %d t=%lld, cfo %.1f Hz (tracked %.1f Hz), "
           "%llu ok, %llu failed\n", c->name, t.g.nof_prb, t.g.ssb_l_max, c->cfo_hz, c->delay, log.cell.cell.pci,
           (long long)log.cell.t, log.cell.cfo_hz, log.last.cfo_hz, (unsigned long long)st.ssb_ok,
           (unsigned long long)st.ssb_failed);
    ck_assert_int_eq(log.found, 1);
    ck_assert_int_eq(log.cell.cell.pci, pci);
    ck_assert_int_eq((log.cell.t - c->delay) % frame_len, t.ofdm.symbol_start[t.first_symbol]);
    ck_assert_int_eq(log.cell.pbch.ssb_index, 0);
    ck_assert_int_eq(log.cell.pbch.k_ssb, t.g.k_ssb);
    ck_assert_int_eq(log.cell.mib.scs_common_khz, c->scs_khz);
    /* Estimation noise scales with the SCS (the same SNR over symbols half as long): 4 % of it from the one block
     * that found the cell (a 5 kHz error, or a sign error, is far outside), 1 % once tracked. */
    double scs_hz = 1000.0 * c->scs_khz;
    ck_assert(fabs(log.cell.cfo_hz - c->cfo_hz) < 0.04 * scs_hz);
    ck_assert(fabs(log.last.cfo_hz - c->cfo_hz) < 0.01 * scs_hz);
    ck_assert_int_ge(st.ssb_ok, 4);
    ck_assert_int_eq(st.ssb_failed, 0);
    tx_free(&t);
}
END_TEST

/* 38.211 5.4 per-symbol phase exp(-j 2 pi f0 t) advances by 2 pi f0 (N + N_CP) / fs between two short-CP
 * symbols; a transmitter without it leaves that step (wrapped to +-pi) for the receiver that removes it. */
START_TEST(test_missing_phase_term_is_detected)
{
    struct test_tx t;
    tx_init(&t, 52, 123, 0, false);
    struct sync_log log;
    struct ue_sync_stats st;
    run_clean(&t, 0, 60, &log, &st);
    double cycles = fmod((double)t.g.dl_freq_hz * (t.ofdm.fft_size + t.ofdm.cp_len[1]), t.fs) / t.fs;
    double step = fabs(remainder(2.0 * M_PI * cycles, 2.0 * M_PI));
    printf("no 5.4 phase term: predicted step %.4f rad, measured %.4f rad; %llu ok, %llu phase errors\n", step,
           fabsf(log.cell.phase_incoherence), (unsigned long long)st.ssb_ok,
           (unsigned long long)st.phase_errors);
    ck_assert(step > 0.2);   /* large enough at 1842.5 MHz for the check to matter */
    ck_assert_int_eq(log.found, 1);   /* PSS, SSS and the PBCH CRC do not see it ... */
    ck_assert(!log.cell.phase_ok);    /* ... the coherence check does */
    ck_assert(fabs(fabsf(log.cell.phase_incoherence) - step) < 0.01);
    ck_assert_int_ge(st.phase_errors, 4);
    ck_assert_int_eq(st.phase_errors, st.ssb_failed);
    ck_assert_int_eq(st.ssb_ok, 0);
    ck_assert_int_eq(st.crc_failed, 0);
    tx_free(&t);
}
END_TEST

START_TEST(test_sfn_jump_is_detected)
{
    struct test_tx t;
    tx_init(&t, 52, 7, 100, true);
    t.sfn_jump_at = 3;
    struct sync_log log;
    struct ue_sync_stats st;
    run_clean(&t, 0, 80, &log, &st);
    ck_assert_int_eq(log.found, 1);
    int64_t frame_len = 10 * (int64_t)t.spp;
    int first_frame = (int)(log.cell.t / frame_len);
    ck_assert_int_lt(first_frame, 3);
    /* Blocks of frames first+1 .. 2 follow the first; from frame 3 on every SFN is one ahead of the time. */
    ck_assert_int_eq(st.ssb_ok, 2 - first_frame);
    ck_assert_int_ge(st.sfn_errors, 3);
    ck_assert_int_eq(st.sfn_errors, st.ssb_failed);
    ck_assert(!log.last.sfn_ok);
    ck_assert_int_eq(log.last.pbch.sfn, (log.last.expected_sfn + 1) % 1024);
    tx_free(&t);
}
END_TEST

/* Searched one synchronization raster step (38.104 5.4.3.1: 1.2 MHz = 80 subcarriers) away: nothing found. */
START_TEST(test_wrong_ssb_frequency_finds_no_cell)
{
    struct test_tx t;
    tx_init(&t, 52, 123, 0, true);
    struct sync_log log;
    struct ue_sync_stats st;
    run_clean(&t, 80, 110, &log, &st);
    ck_assert_int_eq(log.found, 0);
    ck_assert_int_eq(log.no_cell, 1);
    ck_assert(st.searched >= (int64_t)(0.1 * t.fs));
    tx_free(&t);
}
END_TEST

START_TEST(test_noise_alone_finds_no_cell)
{
    test_rng_seed(5);
    struct test_tx t;
    tx_init(&t, 52, 123, 0, true);
    struct cell_search_config rx = tx_receiver_config(&t, 0);
    struct channel ch = {.snr_db = 0.0, .no_signal = true};
    struct sync_log log;
    struct ue_sync_stats st;
    run_link(&t, &rx, &ch, 110, &log, &st);
    ck_assert_int_eq(log.found, 0);
    ck_assert_int_eq(log.no_cell, 1);
    tx_free(&t);
}
END_TEST

START_TEST(test_bad_configs_are_rejected)
{
    struct cell_search cs;
    struct cell_search_config ok = {.sample_rate_hz = 11.52e6, .scs_khz = 15, .nof_prb = 52, .f0_hz = FRAME_F0,
                                    .ssb_offset_sc = -30, .l_max = 4};
    ck_assert_int_eq(cell_search_init(&cs, &ok), 0);
    struct cell_search_peak peaks[CELL_SEARCH_MAX_CANDIDATES];
    cf_t few[16] = {0};
    ck_assert_int_eq(cell_search_pss(&cs, few, 16, peaks, CELL_SEARCH_MAX_CANDIDATES), 0);
    ck_assert_int_eq(cell_search_pss(&cs, few, 16, peaks, CELL_SEARCH_MAX_CANDIDATES + 1), -EINVAL);
    struct cell_search_ssb s;
    ck_assert_int_eq(cell_search_read_ssb(&cs, few, 16, 0, 0.0, 2, 1, &s), -EINVAL);
    cell_search_free(&cs);
    struct cell_search_config bad = ok;
    bad.ssb_offset_sc = 200;               /* block past the carrier's upper edge */
    ck_assert_int_eq(cell_search_init(&cs, &bad), -EINVAL);
    bad = ok;
    bad.sample_rate_hz = 10e6;             /* not 15 kHz x a multiple of 128 */
    ck_assert_int_eq(cell_search_init(&cs, &bad), -EINVAL);
    bad = ok;
    bad.scs_khz = 30;                      /* 30 kHz with Case A (38.213 4.1: 15 kHz only) */
    ck_assert_int_eq(cell_search_init(&cs, &bad), -EINVAL);
    bad.pattern = SSB_PATTERN_C;           /* ... with Case C it is a receiver (at twice the rate) */
    bad.sample_rate_hz = 23.04e6;
    ck_assert_int_eq(cell_search_init(&cs, &bad), 0);
    cell_search_free(&cs);
    bad = ok;
    bad.pattern = SSB_PATTERN_B;           /* Case B at 15 kHz */
    ck_assert_int_eq(cell_search_init(&cs, &bad), -EINVAL);
}
END_TEST

static Suite *cell_search_suite(void)
{
    Suite *s = suite_create("cell_search");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_frame_08_blind_decode);
    tcase_add_test(tc, test_frame_11_blind_decode_noisy_delayed_cfo);
    tcase_add_test(tc, test_frame_11_tracked_across_half_frames);
    tcase_add_loop_test(tc, test_tracks_clean, 0, 3);
    tcase_add_test(tc, test_tracks_through_delay_cfo_noise);
    tcase_add_loop_test(tc, test_cfo_5khz_round_trips, 0, NOF_CFO_CASES);
    tcase_add_test(tc, test_missing_phase_term_is_detected);
    tcase_add_test(tc, test_sfn_jump_is_detected);
    tcase_add_test(tc, test_wrong_ssb_frequency_finds_no_cell);
    tcase_add_test(tc, test_noise_alone_finds_no_cell);
    tcase_add_test(tc, test_bad_configs_are_rejected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);   /* the figures of a failing test (forked) must not be lost */
    return check_run(cell_search_suite());
}
