/* uesim main: geometry from the srsUE-like arguments, the lock-step ZeroMQ loop, milestones, verdict. See
 * uesim.h, ue_sync.h and sib1_rx.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/radio.h"
#include "gnb/log.h"
#include "phy/geometry/bands.h"
#include "tests/uesim/prach_tx.h"
#include "tests/uesim/sib1_rx.h"
#include "tests/uesim/ue_attach.h"
#include "tests/uesim/ue_sync.h"
#include "tests/uesim/ul_probe_tx.h"
#include "tests/uesim/ul_tx.h"
#include "tests/uesim/uesim.h"

/* 38.213 4.1: L_max 4 up to 3 GHz (Case C in unpaired spectrum: 1.88 GHz), 8 above (FR1). */
#define UESIM_SSB_L_MAX_4_LIMIT_HZ 3000000000LL
#define UESIM_SSB_L_MAX_4_LIMIT_C_TDD_HZ 1880000000LL

struct uesim {
    struct uesim_options o;
    struct ue_sync sync;
    struct sib1_rx sib1;
    bool sib1_ready;              /* sib1 initialised */
    bool tables_40mhz;            /* the band's CORESET#0 tables (38.213 13-5 / 13-6) */
    struct grid grid;             /* one demodulated slot */
    uint64_t sib1_rrc_errors;
    struct sib1_rx_event sib1_first;   /* the first SIB1 decoded */
    struct ul_tx ul;              /* the UL stream every transmitter adds into */
    struct prach_tx prach;        /* random-access preambles (--prach) */
    struct ul_probe_tx probe;     /* gnbd's UL probe schedule (--ul-probe) */
    struct ue_attach att;         /* random access and RRC setup (--attach) */
    uint64_t att_end;             /* slot count at which the run ends once every UE has its outcome, 0: not yet */
    bool unpaired;                /* the band is TDD: PRACH Table 6.3.3.2-3 */
    FILE *out;                    /* milestone lines: stdout, or stderr with --json */
    bool found, found_phase_ok;
    struct ue_sync_event cell;    /* the CELL_FOUND event */
    int64_t ssb_offset_hz;
    uint64_t slots;
    char fail[256];               /* first reason the run fails, "" while none */
    /* the UEs' own DL receivers (ue_attach_config.dl_grid) */
    const struct ue_sync_event *slot_ev;   /* the SLOT event being handled, NULL outside */
    double re_energy;             /* mean energy of an occupied DL RE, from the first slots (0: not yet) */
    int re_slots;                 /* slots it was measured on */
    cf_t *dl_in, *dl_out;         /* a slot (after UESIM_DL_HIST samples of history), and it through a channel */
};

#define UESIM_DL_HIST 4096        /* samples of history a UE's DL channel may read (its longest tap) */
#define UESIM_RE_SLOTS 8          /* slots the DL RE energy is averaged over */

static void uesim_fail(struct uesim *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void uesim_fail(struct uesim *u, const char *fmt, ...)
{
    if (u->fail[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->fail, sizeof u->fail, fmt, ap);
    va_end(ap);
}

static void print_mib(struct uesim *u, const struct ue_sync_event *ev)
{
    const struct mib *m = &ev->mib;
    fprintf(u->out, "uesim: MIB: sfn=%d hrf=%d ssb_idx=%d scs=%d k_ssb=%d dmrs_typeA=pos%d coreset0=%d ss0=%d "
            "barred=%s intra_freq=%s\n", ev->pbch.sfn, ev->pbch.hrf, ev->pbch.ssb_index, m->scs_common_khz,
            ev->pbch.k_ssb, m->dmrs_type_a_position, m->coreset0_index, m->searchspace0_index,
            m->cell_barred ? "yes" : "no", m->intra_freq_reselection_allowed ? "allowed" : "notAllowed");
}

/* What the MIB says about SIB1, placed with the block found (sib1_rx.h). */
static void arm_sib1(struct uesim *u, const struct ue_sync_event *ev)
{
    char why[200];
    struct sib1_rx_cell c = {.pci = ev->cell.pci, .scs_khz = u->o.scs_khz, .ssb_first_sc = u->sync.cs.first_sc,
                             .ssb_index = ev->pbch.ssb_index, .k_ssb = ev->pbch.k_ssb,
                             .tables_40mhz = u->tables_40mhz, .mib = ev->mib};
    if (!u->sib1_ready || sib1_rx_set_cell(&u->sib1, &c, why, sizeof why) == 0)
        return;
    fprintf(u->out, "uesim: SIB1: cannot be received: %s\n", why);
    if (u->o.sib1)
        uesim_fail(u, "SIB1: %s", why);
}

static void on_cell_found(struct uesim *u, const struct ue_sync_event *ev)
{
    u->found = true;
    u->cell = *ev;
    u->found_phase_ok = ev->phase_ok;
    fprintf(u->out, "uesim: cell found: PCI=%d N_ID1=%d N_ID2=%d t=%" PRId64 " cfo=%.1fHz snr=%.1fdB pss=%.2f "
            "sss=%.2f phase_step=%.3frad (at %.2f ms)\n", ev->cell.pci, ev->cell.n_id_1, ev->cell.n_id_2,
            ev->t, ev->cfo_hz, ev->pbch.snr_db, ev->cell.pss_metric, ev->cell.sss_metric,
            ev->phase_incoherence, ev->t * 1e3 / u->o.srate);
    if (!ev->mib_ok) {
        fprintf(u->out, "uesim: MIB: undecodable BCH bits (messageClassExtension or invalid)\n");
        uesim_fail(u, "MIB not decodable");
        return;
    }
    print_mib(u, ev);
    arm_sib1(u, ev);
    char why[128];
    if (u->o.expect_pci >= 0 && ev->cell.pci != u->o.expect_pci)
        uesim_fail(u, "PCI %d found, expected %d", ev->cell.pci, u->o.expect_pci);
    if (u->o.has_expect_mib && !uesim_mib_matches(&u->o.expect_mib, &ev->mib, ev->pbch.k_ssb, why, sizeof why))
        uesim_fail(u, "%s", why);
    if (!ev->phase_ok)
        uesim_fail(u, "first block: inter-symbol phase step %.3f rad not explained by CFO (38.211 5.4 phase "
                   "term mismatch?)", ev->phase_incoherence);
}

static void on_ssb(struct uesim *u, const struct ue_sync_event *ev)
{
    if (ev->ok && !u->o.verbose)
        return;
    const char *why = !ev->pbch.crc_ok ? "PBCH CRC failed" : !ev->sfn_ok ? "SFN/half-frame out of sequence"
                      : !ev->mib_same ? "MIB changed" : !ev->phase_ok ? "inter-symbol phase step" : "ok";
    fprintf(u->out, "uesim: PBCH t=%" PRId64 ": %s: sfn=%d hrf=%d (expected %d/%d) phase_step=%.3frad "
            "cfo=%.1fHz snr=%.1fdB\n", ev->t, why, ev->pbch.sfn, ev->pbch.hrf, ev->expected_sfn, ev->expected_hrf,
            ev->phase_incoherence, ev->cfo_hz, ev->pbch.snr_db);
    if (!ev->ok)
        uesim_fail(u, "PBCH at t=%" PRId64 ": %s", ev->t, why);
}

static void print_sib1_fields(struct uesim *u, const struct sib1_rx_event *e)
{
    struct uesim_field f[UESIM_SIB1_MAX_FIELDS];
    int n = uesim_sib1_fields(&e->sib1, f, UESIM_SIB1_MAX_FIELDS);
    fprintf(u->out, "uesim: SIB1: sfn=%d slot=%d PDCCH AL%d CCE %d, PDSCH RB %d+%d MCS %d TBS %d snr=%.1fdB (%d "
            "transmission%s) CRC=OK;", e->sfn, e->slot, e->al, e->first_cce, e->rb_start, e->nof_rb, e->mcs, e->tbs,
            e->snr_db, e->combined, e->combined == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        fprintf(u->out, " %s=%s", f[i].name, f[i].value);
    fputc('\n', u->out);
}

/* The UL probe (--ul-probe) from the cell found and its first SIB1. */
static void arm_probe(struct uesim *u, const struct rrc_sib1 *sib1)
{
    char why[200];
    struct ul_probe_cell c;
    if (!u->o.ul_probe)
        return;
    double dl_hz = (double)band_arfcn_to_hz((uint32_t)u->o.dl_arfcn);
    if (ul_probe_cell_from_sib1(&c, sib1, u->unpaired, u->cell.cell.pci, u->o.scs_khz, u->o.nof_prb,
                                u->cell.mib.dmrs_type_a_position, dl_hz, why, sizeof why) < 0 ||
        ul_probe_tx_arm(&u->probe, &c, why, sizeof why) < 0) {
        fprintf(u->out, "uesim: UL probe: cannot send: %s\n", why);
        uesim_fail(u, "UL probe: %s", why);
        return;
    }
    const struct ul_probe_params *p = &u->o.probe;
    fprintf(u->out, "uesim: UL probe: rnti=0x%04x period=%d offset=%d UL f0=%.3f MHz%s, PUSCH PRB %d+%d MCS %d TBS %d, "
            "PUCCH %s, delay %d samples\n", p->rnti, p->period, p->offset, c.f0_hz / 1e6, c.tdd ? " (TDD)" : "",
            p->pusch_prb, p->pusch_nprb, p->mcs, u->probe.tbs,
            p->pucch == 0 ? "F0" : p->pucch == 1 ? "F1" : p->pucch == 2 ? "F2" : "none", u->o.ul_delay);
}

/* The attach procedure (--attach) from the cell found and its first SIB1. */
static void arm_attach(struct uesim *u, const struct rrc_sib1 *sib1)
{
    char why[200];
    struct ue_attach_cell c = {.pci = u->cell.cell.pci, .dmrs_type_a_position = u->cell.mib.dmrs_type_a_position,
                               .coreset0_crb = u->sib1.coreset0_crb, .coreset0_nof_rb = u->sib1.row.nof_rb,
                               .coreset0_nof_symb = u->sib1.row.nof_symb,
                               .dl_hz = (double)band_arfcn_to_hz((uint32_t)u->o.dl_arfcn), .unpaired = u->unpaired,
                               .t_found = u->cell.t};
    if (u->o.attach_count > 0 && ue_attach_arm(&u->att, &c, sib1, why, sizeof why) < 0) {
        fprintf(u->out, "uesim: attach: cannot start: %s\n", why);
        uesim_fail(u, "attach: %s", why);
    }
}

/* One Type0-PDCCH occasion's outcome: milestones, and what the verdict needs. */
static void on_sib1(struct uesim *u, const struct sib1_rx_event *e)
{
    if (!e->pdcch_found) {
        if (u->o.verbose)
            fprintf(u->out, "uesim: SIB1 occasion sfn=%d slot=%d: no SI-RNTI PDCCH\n", e->sfn, e->slot);
        return;
    }
    if (!e->crc_ok) {
        fprintf(u->out, "uesim: SIB1 sfn=%d slot=%d: PDCCH AL%d, PDSCH RB %d+%d MCS %d TBS %d (%d transmission%s): "
                "CRC failed\n", e->sfn, e->slot, e->al, e->rb_start, e->nof_rb, e->mcs, e->tbs, e->combined,
                e->combined == 1 ? "" : "s");
        if (u->o.sib1)
            uesim_fail(u, "SIB1 PDSCH CRC failed (sfn %d slot %d)", e->sfn, e->slot);
        return;
    }
    if (e->rrc_rc != 0) {
        u->sib1_rrc_errors++;
        fprintf(u->out, "uesim: SIB1 sfn=%d slot=%d: CRC OK but not a decodable SIB1 (%s)\n", e->sfn, e->slot,
                strerror(-e->rrc_rc));
        if (u->o.sib1)
            uesim_fail(u, "SIB1 not decodable");
        return;
    }
    char why[160];
    if (u->o.has_expect_sib1 && !uesim_sib1_matches(&u->o.expect_sib1, &e->sib1, why, sizeof why))
        uesim_fail(u, "%s", why);
    if (u->sib1.decoded == 1) {
        u->sib1_first = *e;
        if (prach_tx_arm(&u->prach, &e->sib1, u->unpaired, why, sizeof why) < 0)
            uesim_fail(u, "PRACH: %s", why);
        arm_probe(u, &e->sib1);
        arm_attach(u, &e->sib1);
    } else if (!u->o.verbose)
        return;   /* the first one in full */
    print_sib1_fields(u, e);
}

/* The DL RE energy the UEs' DL SNRs refer to: the mean |RE|^2 of the occupied REs of a demodulated slot (those
 * above 1 % of its strongest), averaged over the first UESIM_RE_SLOTS slots that have any. */
static void measure_re_energy(struct uesim *u, const struct grid *g)
{
    size_t n = (size_t)g->nof_symbols * (size_t)g->nof_subcarriers;
    float peak = 0;
    for (size_t k = 0; k < n; k++) peak = fmaxf(peak, crealf(g->re[k] * conjf(g->re[k])));
    double sum = 0;
    size_t used = 0;
    for (size_t k = 0; k < n; k++) {
        float e = crealf(g->re[k] * conjf(g->re[k]));
        if (e > 0.01f * peak) {
            sum += e;
            used++;
        }
    }
    if (!(peak > 0) || used == 0) return;
    u->re_energy = (u->re_energy * u->re_slots + sum / (double)used) / (u->re_slots + 1);
    u->re_slots++;
}

/* ue_attach_config.dl_grid: the slot being handled as a UE gets it: normalized to unit RE energy, through the
 * UE's DL channel (its fading, its noise), the tracked CFO removed, demodulated. */
static int ue_dl_grid(void *ctx, struct channel *ch, struct grid *g)
{
    struct uesim *u = ctx;
    const cf_t *x;
    int hist, n = (int)u->sync.slot_len;
    if (!u->slot_ev || !(u->re_energy > 0) || ue_sync_slot_samples(&u->sync, u->slot_ev, &x, &hist) < 0)
        return -EINVAL;
    if (!u->dl_in) {
        u->dl_in = malloc((size_t)(UESIM_DL_HIST + n) * sizeof(cf_t));
        u->dl_out = malloc((size_t)n * sizeof(cf_t));
        if (!u->dl_in || !u->dl_out) return -ENOMEM;
    }
    hist = hist < UESIM_DL_HIST ? hist : UESIM_DL_HIST;
    float scale = (float)(1.0 / sqrt(u->re_energy));
    cf_t *in = u->dl_in + UESIM_DL_HIST;
    for (int k = -hist; k < n; k++) in[k] = x[k] * scale;
    channel_apply(ch, u->slot_ev->t, in, hist, n, u->dl_out);
    return ue_sync_demod_samples(&u->sync, u->slot_ev, u->dl_out, g);
}

/* A slot of the tracked cell: the Type0-PDCCH occasions go to the SIB1 receiver. */
static void on_slot(struct uesim *u, const struct ue_sync_event *ev)
{
    static struct sib1_rx_event e;   /* holds a whole SIB1: not on the stack */
    prach_tx_on_slot(&u->prach, ev->sfn, ev->slot, ev->t, u->out);
    ul_probe_tx_on_slot(&u->probe, ev->sfn, ev->slot, ev->t);
    bool att = ue_attach_wants_slot(&u->att, ev->sfn, ev->slot, ev->t);
    bool sib1 = u->sib1_ready && sib1_rx_monitors(&u->sib1, ev->sfn, ev->slot);
    bool grid = (att || sib1) && ue_sync_demod_slot(&u->sync, ev, &u->grid) == 0;
    if (sib1 && grid && sib1_rx_slot(&u->sib1, &u->grid, ev->sfn, ev->slot, &e) == 0)
        on_sib1(u, &e);
    if (grid && u->re_slots < UESIM_RE_SLOTS) measure_re_energy(u, &u->grid);
    u->slot_ev = ev;
    ue_attach_on_slot(&u->att, ev->sfn, ev->slot, ev->t, att && grid ? &u->grid : NULL, u->out);
    u->slot_ev = NULL;
}

static void on_event(void *ctx, const struct ue_sync_event *ev)
{
    struct uesim *u = ctx;
    if (ev->type == UE_SYNC_EVENT_CELL_FOUND)
        on_cell_found(u, ev);
    else if (ev->type == UE_SYNC_EVENT_SSB)
        on_ssb(u, ev);
    else if (ev->type == UE_SYNC_EVENT_SLOT)
        on_slot(u, ev);
    else
        fprintf(u->out, "uesim: cell search: no cell found in %.0f ms of DL (SSB %+.1f kHz from the DL centre)\n",
                u->sync.stats.searched * 1e3 / u->o.srate, u->ssb_offset_hz / 1e3);
}

/* 38.213 4.1: the SSB pattern for the SCS (from --ssb-pattern, else the band's, 38.101-1 Table 5.4.3.3-1) and
 * L_max for its frequency. Returns 0, or -EINVAL after printing why. */
static int ssb_case(struct uesim *u, int64_t ssb_hz, enum ssb_pattern *pattern, int *l_max)
{
    const struct uesim_options *o = &u->o;
    const struct band_info *b = band_find(o->band);
    int p = o->ssb_pattern >= 0 ? o->ssb_pattern : b ? band_ssb_pattern_for_scs(b, o->scs_khz) : -EINVAL;
    bool ok = o->scs_khz == 15 ? p == SSB_PATTERN_A : o->scs_khz == 30 && (p == SSB_PATTERN_B || p == SSB_PATTERN_C);
    if (!ok) {
        fprintf(stderr, "uesim: --scs %d with %s: no SSB pattern (15 kHz: Case A, 30 kHz: Case B or C; band n%d "
                "%s)\n", o->scs_khz, o->ssb_pattern >= 0 ? "--ssb-pattern" : "the band", o->band,
                b ? "has no SSB of that SCS" : "unknown");
        return -EINVAL;
    }
    *pattern = (enum ssb_pattern)p;
    u->tables_40mhz = b && b->coreset0_tables_40mhz;
    bool c_tdd = p == SSB_PATTERN_C && b && b->duplex == BAND_DUPLEX_TDD;
    *l_max = ssb_hz <= (c_tdd ? UESIM_SSB_L_MAX_4_LIMIT_C_TDD_HZ : UESIM_SSB_L_MAX_4_LIMIT_HZ) ? 4 : 8;
    return 0;
}

/* The receivers from the srsUE-like facts. Returns 0, or -EINVAL after printing why (a usage error). */
static int setup_sync(struct uesim *u)
{
    const struct uesim_options *o = &u->o;
    int64_t dl_hz = band_arfcn_to_hz((uint32_t)o->dl_arfcn), ssb_hz = band_arfcn_to_hz((uint32_t)o->ssb_arfcn);
    int64_t scs_hz = (int64_t)o->scs_khz * 1000;
    enum ssb_pattern pattern;
    int l_max;
    if (ssb_case(u, ssb_hz, &pattern, &l_max) < 0)
        return -EINVAL;
    u->ssb_offset_hz = ssb_hz - dl_hz;
    /* docs/SRSUE.md §2.4: the SSB must sit a whole number of subcarriers from the DL centre (baseband DC). */
    if (dl_hz < 0 || ssb_hz < 0 || u->ssb_offset_hz % scs_hz != 0) {
        fprintf(stderr, "uesim: SSB at %+.1f kHz from the DL centre: not a whole number of %d kHz subcarriers\n",
                u->ssb_offset_hz / 1e3, o->scs_khz);
        return -EINVAL;
    }
    struct ue_sync_config c = {
        .search = {.sample_rate_hz = o->srate, .scs_khz = o->scs_khz, .pattern = pattern, .nof_prb = o->nof_prb,
                   .f0_hz = (double)dl_hz, .ssb_offset_sc = (int)(u->ssb_offset_hz / scs_hz), .l_max = l_max},
        .ssb_period_ms = o->ssb_period_ms,
        .max_phase_step = o->max_phase_step,
        .slots = true,
    };
    int rc = ue_sync_init(&u->sync, &c, on_event, u);
    if (rc < 0) {
        fprintf(stderr, "uesim: cannot receive %d PRB at %.6g Hz with the SSB %+.1f kHz from DC (the sample "
                "rate must be %d kHz x a multiple of 128 and the block must fit in the carrier)\n", o->nof_prb,
                o->srate, u->ssb_offset_hz / 1e3, o->scs_khz);
        return rc;
    }
    u->sib1_ready = grid_init(&u->grid, OFDM_SYMBOLS_PER_SLOT, 12 * o->nof_prb) == 0 &&
                    sib1_rx_init(&u->sib1, &(struct sib1_rx_config){.nof_prb = o->nof_prb}) == 0;
    return 0;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* Sends the UL samples for DL slot ts (preambles and probe slots due, noise; else zeros): the peer-clocked radio
 * blocks until gnbd asks for it. */
static int send_ul(struct uesim *u, struct radio *r, cf_t *ul, size_t spp, uint64_t ts, uint32_t epoch)
{
    ul_tx_fill(&u->ul, (int64_t)ts, ul, (int)spp);
    ul_probe_tx_report(&u->probe, u->out);
    ue_attach_report(&u->att, u->out);
    double deadline = now_s() + u->o.timeout_s;
    for (;;) {
        int rc = radio_send(r, ul, spp, ts, epoch);
        if (rc == (int)spp)
            return 0;
        if (rc < 0) {
            uesim_fail(u, "UL send failed: %s", strerror(-rc));
            return rc;
        }
        if (now_s() > deadline) {
            uesim_fail(u, "gnbd did not ask for UL for %.0f s", u->o.timeout_s);
            return -ETIMEDOUT;
        }
    }
}

/* The lock-step loop: DL slot in, pushed to the receiver, one UL slot out. */
static int run_stream(struct uesim *u, struct radio *r, size_t spp, uint64_t max_slots)
{
    cf_t *dl = malloc(spp * sizeof(cf_t)), *ul = calloc(spp, sizeof(cf_t));
    uint32_t epoch = 0;
    double last_dl = now_s();
    int rc = dl && ul ? 0 : -ENOMEM;
    while (rc == 0 && u->slots < max_slots && u->sync.state != UE_SYNC_NO_CELL &&
           (u->att_end == 0 || u->slots < u->att_end)) {
        if (u->o.attach_count > 0 && u->att_end == 0 && ue_attach_done(&u->att))
            u->att_end = u->slots + 20;   /* the last HARQ-ACK leaves, gnbd processes it */
        uint64_t ts = 0;
        uint32_t ep = 0;
        if (epoch == 0)
            radio_send(r, NULL, 0, 0, 0);   /* lets the TX side see gnbd's first UL request: the epoch */
        ssize_t got = radio_recv(r, dl, spp, &ts, &ep);
        if (got == RADIO_NEW_EPOCH) {
            if (epoch != 0) {
                uesim_fail(u, "gnbd restarted the stream");
                rc = -ECONNRESET;
            }
            epoch = ep;
        } else if (got == 0) {
            if (now_s() - last_dl > u->o.timeout_s) {
                uesim_fail(u, "no DL from gnbd for %.0f s", u->o.timeout_s);
                rc = -ETIMEDOUT;
            }
        } else if (got < 0) {
            uesim_fail(u, "DL receive failed: %s", strerror((int)-got));
            rc = (int)got;
        } else {
            last_dl = now_s();
            ue_sync_push(&u->sync, dl, spp);
            rc = send_ul(u, r, ul, spp, ts, epoch);
            u->slots++;
        }
    }
    free(dl);
    free(ul);
    return rc;
}

static int run_radio(struct uesim *u)
{
    size_t spp = (size_t)llround(u->o.srate / 1000.0);   /* 1 ms slot at 15 kHz */
    char args[768], err[256];
    snprintf(args, sizeof args, "tx_port=%s,rx_port=%s,base_srate=%.10g,id=ue", u->o.tx, u->o.rx, u->o.srate);
    struct radio_params p = {.args = args, .sample_rate = u->o.srate, .samples_per_slot = spp,
                             .clock_source = "internal", .time_source = "internal", .tx_antenna = "",
                             .rx_antenna = ""};
    struct radio r;
    if (radio_open(&r, "zmq", &p, err, sizeof err) < 0) {
        uesim_fail(u, "radio: %s", err);
        return -EIO;
    }
    radio_start(&r);
    uint64_t max_slots = u->o.max_slots > 0 ? (uint64_t)u->o.max_slots : (uint64_t)llround(u->o.seconds * 1000.0);
    /* the gNB processes a UL slot some slots after it arrived: the probe's last slot leaves a frame of UL after it */
    ul_probe_tx_set_end(&u->probe, (int64_t)(max_slots * spp) - (int64_t)llround(u->o.srate * 0.010));
    int rc = run_stream(u, &r, spp, max_slots);
    radio_stop(&r);
    radio_close(&r);
    return rc;
}

/* A JSON string literal of text (quotes, backslashes and control characters escaped). */
static void print_json_string(const char *text)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static void print_json(const struct uesim *u, bool pass)
{
    const struct ue_sync_stats *s = &u->sync.stats;
    const struct ue_sync_event *c = &u->cell;
    printf("{\"pass\":%s,\"cell_found\":%s,\"slots\":%" PRIu64, pass ? "true" : "false", u->found ? "true" : "false",
           u->slots);
    if (u->found)
        printf(",\"pci\":%d,\"t\":%" PRId64 ",\"cfo_hz\":%.1f,\"snr_db\":%.1f,\"ssb_index\":%d,\"sfn\":%d,"
               "\"mib\":{\"scs\":%d,\"k_ssb\":%d,\"dmrs_typeA\":%d,\"coreset0\":%d,\"ss0\":%d,\"barred\":%s,"
               "\"intra_freq_allowed\":%s}", c->cell.pci, c->t, c->cfo_hz, c->pbch.snr_db, c->pbch.ssb_index,
               c->pbch.sfn, c->mib.scs_common_khz, c->pbch.k_ssb, c->mib.dmrs_type_a_position,
               c->mib.coreset0_index, c->mib.searchspace0_index, c->mib.cell_barred ? "true" : "false",
               c->mib.intra_freq_reselection_allowed ? "true" : "false");
    printf(",\"pbch_ok\":%" PRIu64 ",\"pbch_failed\":%" PRIu64 ",\"crc_failed\":%" PRIu64 ",\"sfn_errors\":%" PRIu64
           ",\"mib_changes\":%" PRIu64 ",\"phase_errors\":%" PRIu64 ",\"max_phase_step\":%.4f",
           s->ssb_ok, s->ssb_failed, s->crc_failed, s->sfn_errors, s->mib_changes, s->phase_errors,
           s->max_phase_step);
    const struct sib1_rx *r = &u->sib1;
    printf(",\"sib1\":{\"occasions\":%" PRIu64 ",\"pdcch\":%" PRIu64 ",\"crc_ok\":%" PRIu64 ",\"crc_failed\":%" PRIu64
           ",\"decoded\":%" PRIu64 "", r->occasions, r->pdcch_found, r->crc_ok, r->crc_failed, r->decoded);
    struct uesim_field f[UESIM_SIB1_MAX_FIELDS];
    int n = r->decoded ? uesim_sib1_fields(&u->sib1_first.sib1, f, UESIM_SIB1_MAX_FIELDS) : 0;
    for (int i = 0; i < n; i++) {
        printf(",\"%s\":", f[i].name);
        print_json_string(f[i].value);
    }
    printf("},\"error\":");
    print_json_string(u->fail);
    printf("}\n");
}

/* Every UE ended as --expect-attach says. */
static void attach_verdict(struct uesim *u)
{
    const struct ue_attach *a = &u->att;
    int good = 0;
    const struct uesim_options *o = &u->o;
    bool chan = o->n_ue_cfo || o->n_ue_snr || o->n_ue_start || o->n_ue_fading || o->fading || o->start_spread_ms > 0;
    for (int i = 0; i < a->cfg.count; i++) {
        bool ok = a->outcome[i] == a->cfg.expect[i];
        good += ok;
        char ch[160] = "";
        if (chan)   /* the UE's channel and start (ue_attach_config) */
            snprintf(ch, sizeof ch, " [start %.1f ms, delay %d, gain %.1f dB, cfo %+.0f Hz, dl snr %.1f dB%s]",
                     a->cfg.start_ms[i], a->cfg.delay[i], a->cfg.gain_db[i], a->cfg.cfo_hz[i],
                     isnan(a->cfg.dl_snr_db[i]) ? INFINITY : a->cfg.dl_snr_db[i], a->cfg.fading[i] ? ", TDL-A" : "");
        fprintf(u->out, "uesim: attach: ue=%d %s, expected %s%s%s%s\n", i + 1, ue_attach_outcome_name(a->outcome[i]),
                ue_attach_outcome_name(a->cfg.expect[i]), a->why[i][0] ? ": " : "", a->why[i], ch);
        if (!ok)
            uesim_fail(u, "UE %d: %s, expected %s", i + 1, ue_attach_outcome_name(a->outcome[i]),
                       ue_attach_outcome_name(a->cfg.expect[i]));
    }
    fprintf(u->out, "uesim: attach: %d of %d UEs as expected\n", good, a->cfg.count);
    int connected = 0;
    for (int i = 0; i < a->cfg.count; i++) connected += a->outcome[i] == UE_ATTACH_OK;
    fprintf(u->out, "uesim: %d/%d UEs RRC connected\n", connected, a->cfg.count);
}

/* --expect-attach: one outcome per UE, the last repeated. Returns 0 or -EINVAL after printing why. */
static int attach_config(struct uesim *u, const struct uesim_options *o, struct ue_attach_config *c)
{
    *c = (struct ue_attach_config){.count = o->attach_count, .concurrent = o->concurrent, .nof_prb = o->nof_prb,
                                   .scs_khz = o->scs_khz, .srate = o->srate, .prach_delay = o->prach_delay,
                                   .preamble = o->prach_preamble, .same_preamble = o->same_preamble,
                                   .nas_bytes = o->nas_bytes, .echo_dl_nas = o->echo_dl_nas, .has_kgnb = o->has_kgnb, .band = o->band,
                                   .echo_dl_data = o->echo_dl_data,
                                   .seed = o->seed,
                                   .until_release_ms = 1000 * o->until_release_s,
                                   .fading_ds_s = o->fading_ds_ns * 1e-9, .fading_doppler_hz = o->fading_doppler_hz,
                                   .dl_grid = ue_dl_grid, .dl_ctx = u};
    memcpy(c->kgnb, o->kgnb, sizeof c->kgnb);
    for (int i = 0; i < UE_ATTACH_MAX_UES && i < UESIM_MAX_UES; i++) {
        c->delay[i] = i < o->n_ue_delay ? (int)o->ue_delay[i] : o->ul_delay;
        c->gain_db[i] = i < o->n_ue_gain ? o->ue_gain_db[i] : 0.0;
        c->drop_msg3[i] = i < o->n_drop_msg3 ? (int)o->drop_msg3[i] : 0;
        c->drop_pusch[i] = i < o->n_drop_pusch ? (int)o->drop_pusch[i] : 0;
        c->nack_pdsch[i] = i < o->n_nack_pdsch ? (int)o->nack_pdsch[i] : 0;
        c->no_256qam[i] = i < o->n_ue_256qam && o->ue_256qam[i] == 0;
        /* --ue-snr: the UL amplitude relative to the noise reference (uesim_parse_args set --ul-snr to it) */
        if (i < o->n_ue_snr) c->gain_db[i] = o->ue_snr[i] - o->ul_snr_db;
        c->dl_snr_db[i] = i < o->n_ue_snr ? o->ue_snr[i] : NAN;
        c->cfo_hz[i] = i < o->n_ue_cfo ? o->ue_cfo[i] : 0.0;
        c->fading[i] = i < o->n_ue_fading ? o->ue_fading[i] : o->fading;
        c->start_ms[i] = i < o->n_ue_start ? o->ue_start_ms[i]
                         : o->attach_count > 0 ? o->start_spread_ms * i / o->attach_count : 0.0;
    }
    enum ue_attach_outcome last = UE_ATTACH_OK;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", o->expect_attach ? o->expect_attach : "ok");
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (int i = 0; i < UE_ATTACH_MAX_UES; i++) {
        if (tok && ue_attach_parse_outcome(tok, &last) < 0) {
            fprintf(stderr, "uesim: --expect-attach: '%s' is not ok, reject, conres-fail or failed\n", tok);
            return -EINVAL;
        }
        c->expect[i] = last;
        tok = tok ? strtok_r(NULL, ",", &save) : NULL;
    }
    return 0;
}

static int verdict(struct uesim *u)
{
    const struct ue_sync_stats *s = &u->sync.stats;
    if (!u->found)
        uesim_fail(u, "no cell found");
    else if (s->ssb_ok == 0 && s->ssb_failed == 0)
        uesim_fail(u, "the run ended before a second SS/PBCH block");
    if (u->sib1_ready && u->found) {
        const struct sib1_rx *r = &u->sib1;
        fprintf(u->out, "uesim: SIB1: %" PRIu64 " decoded; %" PRIu64 " Type0 occasions, %" PRIu64 " SI-RNTI PDCCH, %"
                PRIu64 " PDSCH CRC OK, %" PRIu64 " CRC failed\n", r->decoded, r->occasions, r->pdcch_found, r->crc_ok,
                r->crc_failed);
    }
    if (u->o.prach_count > 0)
        fprintf(u->out, "uesim: PRACH: %d of %d preambles sent\n", u->prach.sent, u->o.prach_count);
    if (u->o.prach_count > 0 && u->prach.sent < u->o.prach_count)
        uesim_fail(u, "only %d of %d preambles sent", u->prach.sent, u->o.prach_count);
    if (u->o.ul_probe)
        fprintf(u->out, "uesim: UL probe: %d slots sent (at least %d needed)\n", u->probe.sent, u->o.ul_probe_count);
    if (u->o.ul_probe && u->probe.sent < u->o.ul_probe_count)
        uesim_fail(u, "only %d of %d UL probe slots sent", u->probe.sent, u->o.ul_probe_count);
    if (u->o.attach_count > 0)
        attach_verdict(u);
    if (u->o.sib1 && u->found && (!u->sib1_ready || u->sib1.decoded == 0))
        uesim_fail(u, "no SIB1 decoded (%" PRIu64 " Type0 occasions, %" PRIu64 " SI-RNTI PDCCH found)",
                   u->sib1.occasions, u->sib1.pdcch_found);
    fprintf(u->out, "uesim: PBCH: %" PRIu64 " ok, %" PRIu64 " failed over %" PRIu64 " frames (CRC %" PRIu64
            ", SFN %" PRIu64 ", MIB %" PRIu64 ", phase %" PRIu64 "; max phase step %.3f rad, cfo %.1f Hz, %" PRIu64
            " timing moves, %" PRIu64 " slots)\n", s->ssb_ok, s->ssb_failed, s->ssb_ok + s->ssb_failed,
            s->crc_failed, s->sfn_errors, s->mib_changes, s->phase_errors, s->max_phase_step, u->sync.cfo_hz,
            s->timing_adjustments, u->slots);
    bool pass = u->fail[0] == '\0';
    fprintf(u->out, "uesim: result: %s%s\n", pass ? "PASS" : "FAIL: ", u->fail);
    if (u->o.json)
        print_json(u, pass);
    return pass ? UESIM_EXIT_OK : UESIM_EXIT_FAIL;
}

int main(int argc, char **argv)
{
    static struct uesim u;   /* large (FFT buffers are separate, but struct ssb is big): not on the stack */
    int prc = uesim_parse_args(argc, argv, &u.o);
    if (prc != 0)
        return prc > 0 ? UESIM_EXIT_OK : UESIM_EXIT_USAGE;
    u.out = u.o.json ? stderr : stdout;
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The zmq backend logs through gnbd's logger: keep its connection chatter out unless asked. */
    log_set_level(LOG_RADIO, u.o.verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING);
    if (setup_sync(&u) < 0)
        return UESIM_EXIT_USAGE;
    const struct band_info *bi = band_find(u.o.band);
    u.unpaired = bi && bi->duplex == BAND_DUPLEX_TDD;
    struct ul_tx_config tc = {.srate = u.o.srate, .snr_db = u.o.ul_snr_db, .cfo_hz = u.o.ul_cfo_hz, .seed = u.o.seed};
    struct prach_tx_config pc = {.nof_prb = u.o.nof_prb, .scs_khz = u.o.scs_khz, .srate = u.o.srate,
                                 .count = u.o.prach_count, .preamble = u.o.prach_preamble,
                                 .delay_samples = u.o.prach_delay >= 0 ? u.o.prach_delay : u.o.ul_delay,
                                 .seed = u.o.seed, .on_demand = u.o.attach_count > 0};
    static struct ue_attach_config ac;
    if (attach_config(&u, &u.o, &ac) < 0)
        return UESIM_EXIT_USAGE;
    if (ul_tx_init(&u.ul, &tc) < 0 || prach_tx_init(&u.prach, &pc, &u.ul) < 0 ||
        ul_probe_tx_init(&u.probe, &u.o.probe, u.o.srate, u.o.ul_delay, &u.ul) < 0 ||
        ue_attach_init(&u.att, &ac, &u.ul, &u.prach) < 0)
        return UESIM_EXIT_FAIL;
    fprintf(u.out, "uesim: DL %d (%.3f MHz), SSB %d (%+.1f kHz from DC), %d PRB, %.6g Hz, %s; DL from %s, UL on %s\n",
            u.o.dl_arfcn, band_arfcn_to_hz((uint32_t)u.o.dl_arfcn) / 1e6, u.o.ssb_arfcn, u.ssb_offset_hz / 1e3,
            u.o.nof_prb, u.o.srate, u.o.max_slots ? "slot limit" : "stream-time limit", u.o.rx, u.o.tx);
    run_radio(&u);
    int rc = verdict(&u);
    ue_sync_free(&u.sync);
    sib1_rx_free(&u.sib1);
    grid_free(&u.grid);
    prach_tx_free(&u.prach);
    ul_probe_tx_free(&u.probe);
    ue_attach_free(&u.att);
    ul_tx_free(&u.ul);
    free(u.dl_in);
    free(u.dl_out);
    return rc;
}
