/* uesim main: geometry from the srsUE-like arguments, the lock-step ZeroMQ loop, milestones, verdict. See
 * uesim.h and ue_sync.h. */
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
#include "tests/uesim/sib1_rx.h"
#include "tests/uesim/ue_sync.h"
#include "tests/uesim/uesim.h"

#define UESIM_SSB_L_MAX_4_LIMIT_HZ 3000000000LL   /* 38.213 4.1: L_max 4 up to 3 GHz (Case A), else 8 */

struct uesim {
    struct uesim_options o;
    struct ue_sync sync;
    struct sib1_rx sib1;
    bool sib1_ready;              /* sib1 initialised */
    uint64_t sib1_rrc_errors;
    FILE *out;                    /* milestone lines: stdout, or stderr with --json */
    bool found, found_phase_ok;
    struct ue_sync_event cell;    /* the CELL_FOUND event */
    int64_t ssb_offset_hz;
    uint64_t slots;
    char fail[256];               /* first reason the run fails, "" while none */
};

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
    if (u->sib1_ready &&
        sib1_rx_arm(&u->sib1, ev->cell.pci, &ev->mib, ev->pbch.k_ssb, ev->pbch.ssb_index,
                    cell_search_l_first(&u->sync.cs, ev->pbch.ssb_index), ev->pbch.sfn, ev->pbch.hrf, ev->t) < 0)
        fprintf(u->out, "uesim: SIB1: CORESET#0 %d / searchSpaceZero %d from the MIB do not fit the carrier\n",
                ev->mib.coreset0_index, ev->mib.searchspace0_index);
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

static void on_event(void *ctx, const struct ue_sync_event *ev)
{
    struct uesim *u = ctx;
    if (ev->type == UE_SYNC_EVENT_CELL_FOUND)
        on_cell_found(u, ev);
    else if (ev->type == UE_SYNC_EVENT_SSB)
        on_ssb(u, ev);
    else
        fprintf(u->out, "uesim: cell search: no cell found in %.0f ms of DL (SSB %+.1f kHz from the DL centre)\n",
                u->sync.stats.searched * 1e3 / u->o.srate, u->ssb_offset_hz / 1e3);
}

static void print_sib1(struct uesim *u, const struct sib1_rx_event *e)
{
    if (!e->pdcch_found) {
        if (u->o.verbose) fprintf(u->out, "uesim: SIB1 occasion sfn=%d slot=%d: no SI-RNTI PDCCH\n", e->sfn, e->slot);
        return;
    }
    if (!e->crc_ok) {
        fprintf(u->out, "uesim: SIB1 sfn=%d slot=%d: PDCCH AL%d, PDSCH RB %d+%d MCS %d TBS %d: CRC failed\n", e->sfn,
                e->slot, e->al, e->rb_start, e->nof_rb, e->mcs, e->tbs);
        uesim_fail(u, "SIB1 PDSCH CRC failed (sfn %d slot %d)", e->sfn, e->slot);
        return;
    }
    if (e->rrc_rc != 0) {
        u->sib1_rrc_errors++;
        fprintf(u->out, "uesim: SIB1 sfn=%d slot=%d: CRC OK but not a decodable SIB1 (%s)\n", e->sfn, e->slot,
                strerror(-e->rrc_rc));
        uesim_fail(u, "SIB1 not decodable");
        return;
    }
    if (u->sib1.decoded > 1 && !u->o.verbose) return;   /* print the first one in full */
    const struct rrc_sib1 *s = &e->sib1;
    const struct rrc_plmn_identity_info *pi = &s->plmn_info[0];
    const struct rrc_plmn_identity *pl = &pi->plmn[0];
    char plmn[8] = "?";   /* MCC-MNC as digits, e.g. 001-01 */
    if (s->nof_plmn_info > 0 && pi->nof_plmn > 0 && pl->has_mcc) {
        int n = 0;
        for (int d = 0; d < 3; d++) plmn[n++] = (char)('0' + pl->mcc[d] % 10);
        plmn[n++] = '-';
        for (int d = 0; d < pl->mnc_len && d < 3; d++) plmn[n++] = (char)('0' + pl->mnc[d] % 10);
        plmn[n] = '\0';
    }
    const struct rrc_serving_cell_config_common_sib *sc = &s->serving_cell_config_common;
    fprintf(u->out, "uesim: SIB1: sfn=%d slot=%d PDCCH AL%d, PDSCH RB %d+%d MCS %d TBS %d CRC=OK; plmn=%s tac=%u "
            "cell_id=%llu prach_config_index=%d\n", e->sfn, e->slot, e->al, e->rb_start, e->nof_rb, e->mcs, e->tbs,
            plmn, pi->has_tac ? pi->tac : 0, (unsigned long long)pi->cell_identity,
            s->has_serving_cell_config_common && sc->has_ul ? sc->ul.initial_bwp.rach.generic.prach_config_index : -1);
}

/* The receiver from the srsUE-like facts. Returns 0, or -EINVAL after printing why (a usage error). */
static int setup_sync(struct uesim *u)
{
    const struct uesim_options *o = &u->o;
    int64_t dl_hz = band_arfcn_to_hz((uint32_t)o->dl_arfcn), ssb_hz = band_arfcn_to_hz((uint32_t)o->ssb_arfcn);
    int64_t scs_hz = (int64_t)o->scs_khz * 1000;
    if (o->scs_khz != 15) {
        fprintf(stderr, "uesim: --scs %d: only 15 kHz (SSB Case A) is supported, as by srsUE\n", o->scs_khz);
        return -EINVAL;
    }
    u->ssb_offset_hz = ssb_hz - dl_hz;
    /* SRSUE.md 2.4: the SSB must sit a whole number of subcarriers from the DL centre (baseband DC). */
    if (dl_hz < 0 || ssb_hz < 0 || u->ssb_offset_hz % scs_hz != 0) {
        fprintf(stderr, "uesim: SSB at %+.1f kHz from the DL centre: not a whole number of %d kHz subcarriers\n",
                u->ssb_offset_hz / 1e3, o->scs_khz);
        return -EINVAL;
    }
    struct ue_sync_config c = {
        .search = {.sample_rate_hz = o->srate, .scs_khz = o->scs_khz, .nof_prb = o->nof_prb,
                   .f0_hz = (double)dl_hz, .ssb_offset_sc = (int)(u->ssb_offset_hz / scs_hz),
                   .l_max = ssb_hz <= UESIM_SSB_L_MAX_4_LIMIT_HZ ? 4 : 8},
        .ssb_period_ms = o->ssb_period_ms,
        .max_phase_step = o->max_phase_step,
    };
    int rc = ue_sync_init(&u->sync, &c, on_event, u);
    struct sib1_rx_config sc = {.sample_rate_hz = o->srate, .nof_prb = o->nof_prb, .band = o->band,
                                .dl_arfcn = o->dl_arfcn, .ssb_arfcn = o->ssb_arfcn};
    if (rc == 0) u->sib1_ready = sib1_rx_init(&u->sib1, &sc) == 0;
    if (rc < 0)
        fprintf(stderr, "uesim: cannot receive %d PRB at %.6g Hz with the SSB %+.1f kHz from DC (the sample "
                "rate must be 15 kHz x a multiple of 128 and the block must fit in the carrier)\n", o->nof_prb,
                o->srate, u->ssb_offset_hz / 1e3);
    return rc;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* Sends one UL slot of zeros for DL slot ts: the peer-clocked radio blocks until gnbd asks for it. */
static int send_ul(struct uesim *u, struct radio *r, const cf_t *zeros, size_t spp, uint64_t ts, uint32_t epoch)
{
    double deadline = now_s() + u->o.timeout_s;
    for (;;) {
        int rc = radio_send(r, zeros, spp, ts, epoch);
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

/* The lock-step loop: DL slot in, pushed to the receiver, one UL slot of zeros out. */
static int run_stream(struct uesim *u, struct radio *r, size_t spp, uint64_t max_slots)
{
    cf_t *dl = malloc(spp * sizeof(cf_t)), *zeros = calloc(spp, sizeof(cf_t));
    uint32_t epoch = 0;
    double last_dl = now_s();
    int rc = dl && zeros ? 0 : -ENOMEM;
    while (rc == 0 && u->slots < max_slots && u->sync.state != UE_SYNC_NO_CELL) {
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
            if (u->sib1_ready) {
                struct sib1_rx_event ev[2];
                int nev = sib1_rx_push(&u->sib1, dl, spp, (int64_t)(u->slots * spp), ev, 2);
                for (int i = 0; i < nev; i++) print_sib1(u, &ev[i]);
            }
            rc = send_ul(u, r, zeros, spp, ts, epoch);
            u->slots++;
        }
    }
    free(dl);
    free(zeros);
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
           ",\"mib_changes\":%" PRIu64 ",\"phase_errors\":%" PRIu64 ",\"max_phase_step\":%.4f,\"error\":",
           s->ssb_ok, s->ssb_failed, s->crc_failed, s->sfn_errors, s->mib_changes, s->phase_errors,
           s->max_phase_step);
    print_json_string(u->fail);
    printf("}\n");
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
        if (u->o.expect_sib1 && r->decoded == 0)
            uesim_fail(u, "no SIB1 decoded (%" PRIu64 " SI-RNTI PDCCH found)", r->pdcch_found);
    }
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
    fprintf(u.out, "uesim: DL %d (%.3f MHz), SSB %d (%+.1f kHz from DC), %d PRB, %.6g Hz, %s; DL from %s, UL on %s\n",
            u.o.dl_arfcn, band_arfcn_to_hz((uint32_t)u.o.dl_arfcn) / 1e6, u.o.ssb_arfcn, u.ssb_offset_hz / 1e3,
            u.o.nof_prb, u.o.srate, u.o.max_slots ? "slot limit" : "stream-time limit", u.o.rx, u.o.tx);
    run_radio(&u);
    int rc = verdict(&u);
    ue_sync_free(&u.sync);
    if (u.sib1_ready) sib1_rx_free(&u.sib1);
    return rc;
}
