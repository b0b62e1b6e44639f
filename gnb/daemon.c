/* The gnbd daemon: start-up order, the main thread's signal loop, control callbacks, shutdown. */
#include "gnb/daemon.h"
#include "gnb/ng_stage.h"
#include "gnb/up_stage.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "drivers/radio.h"
#include "gnb/ctrl_server.h"
#include "gnb/log.h"
#include "gnb/notify.h"
#include "gnb/pipeline.h"
#include "phy/geometry/cell_geometry.h"

struct daemon {
    const struct gnbd_config *cfg;
    struct radio radio;
    struct pipeline pipe;
    struct ctrl_server ctrl;
    struct ng_stage ng;
    struct up_stage up;
    struct watchdog_state wd;
    struct timespec started;
    double sample_rate;
    _Atomic int shutdown_requested;
    int last_status_state;
    char health[96];              /* the watchdog's last verdict, for STATUS= */
    uint64_t last_status_us;
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double uptime_s(const struct daemon *d)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)(ts.tv_sec - d->started.tv_sec) + (double)(ts.tv_nsec - d->started.tv_nsec) * 1e-9;
}

static const char *mapping_name(enum thread_mapping m)
{
    return m == THREADS_SINGLE ? "single" : m == THREADS_COMPACT ? "compact" : "per_layer";
}

/* ---- control callbacks (control thread) ------------------------------------------------------------- */

static int cb_status(cJSON *out, void *ctx)
{
    struct daemon *d = ctx;
    const struct cell_config *c = &d->cfg->cell;
    cJSON_AddStringToObject(out, "version", GNBD_VERSION);
    cJSON_AddNumberToObject(out, "pid", (double)getpid());
    cJSON_AddNumberToObject(out, "uptime_s", uptime_s(d));
    cJSON_AddStringToObject(out, "config", d->cfg->path);
    cJSON *radio = cJSON_AddObjectToObject(out, "radio");
    cJSON_AddStringToObject(radio, "device", d->cfg->radio.device);
    cJSON_AddStringToObject(radio, "state", radio_state_name(radio_state(&d->radio)));
    cJSON_AddNumberToObject(radio, "epoch", (double)atomic_load(&d->radio.epoch));
    cJSON_AddNumberToObject(radio, "sample_rate", d->sample_rate);
    cJSON *cell = cJSON_AddObjectToObject(out, "cell");
    cJSON_AddNumberToObject(cell, "pci", c->pci);
    cJSON_AddNumberToObject(cell, "band", c->band);
    cJSON_AddNumberToObject(cell, "dl_arfcn", c->dl_arfcn);
    cJSON_AddNumberToObject(cell, "scs_khz", c->scs_khz);
    cJSON_AddNumberToObject(cell, "bandwidth_mhz", c->bandwidth_mhz);
    cJSON_AddNumberToObject(cell, "nof_prb", config_nof_prb(c->bandwidth_mhz, c->scs_khz));
    cJSON_AddStringToObject(cell, "duplex", c->duplex == DUPLEX_TDD ? "tdd" : "fdd");
    char plmn[8];
    snprintf(plmn, sizeof plmn, "%s%s", c->mcc, c->mnc);
    cJSON_AddStringToObject(cell, "plmn", plmn);
    cJSON_AddStringToObject(out, "threads", mapping_name(d->cfg->threads.mapping));
    cJSON_AddStringToObject(out, "phy", "DL: SS/PBCH blocks with the MIB, SIB1 (PDCCH + PDSCH); UL: PRACH detection, "
                            "PUSCH/PUCCH receivers (used by the test.ul_probe test mode; no random access yet)");
    return 0;
}

static void add_counter(cJSON *o, const char *name, _Atomic uint64_t *v)
{
    cJSON_AddNumberToObject(o, name, (double)atomic_load_explicit(v, memory_order_relaxed));
}

static int cb_metrics(cJSON *out, void *ctx)
{
    struct daemon *d = ctx;
    struct pipeline *p = &d->pipe;
    cJSON_AddNumberToObject(out, "uptime_s", uptime_s(d));
    cJSON *slots = cJSON_AddObjectToObject(out, "slots");
    add_counter(slots, "ul_processed", &p->stats.ul_slots);
    add_counter(slots, "dl_sent", &p->stats.dl_slots);
    add_counter(slots, "dl_late", &d->radio.counters.tx_late);
    add_counter(slots, "dl_stale", &p->stats.dl_stale);
    add_counter(slots, "ul_dropped", &p->stats.ul_dropped);
    add_counter(slots, "ul_gaps", &p->stats.slot_gaps);
    add_counter(slots, "dl_phy_errors", &p->stats.dl_phy_errors);
    add_counter(slots, "ul_req_missing", &p->stats.ul_req_missing);
    add_counter(slots, "ul_req_stale", &p->stats.ul_req_stale);
    add_counter(slots, "ul_bad_samples", &p->stats.ul_bad_samples);
    add_counter(slots, "ul_ind_stale", &p->stats.ul_ind_stale);
    add_counter(slots, "last_ul_slot", &p->stats.last_ul_slot);
    add_counter(slots, "last_dl_slot", &p->stats.last_dl_slot);
    add_counter(slots, "ul_ring_full", &p->stats.ul_ring_full);
    add_counter(slots, "rx_full_waits", &p->stats.rx_full_waits);
    add_counter(slots, "ul_markers_deferred", &p->stats.ul_markers_deferred);
    add_counter(slots, "rrc_msg_stale", &p->stats.rrc_msg_stale);
    add_counter(slots, "dl_lead_max", &p->stats.dl_lead_max);
    cJSON_AddNumberToObject(slots, "tx_advance", (double)p->tx_advance);
    cJSON *mac = cJSON_AddObjectToObject(out, "mac");
    add_counter(mac, "slots_scheduled", &p->mac.stats.slots_scheduled);
    add_counter(mac, "sched_errors", &p->mac.stats.sched_errors);
    add_counter(mac, "ul_harq_tx", &p->mac.stats.ul_harq_tx);
    add_counter(mac, "ul_harq_retx", &p->mac.stats.ul_harq_retx);
    add_counter(mac, "ul_harq_dropped", &p->mac.stats.ul_harq_ko);
    add_counter(mac, "dl_harq_tx", &p->mac.stats.dl_harq_tx);
    add_counter(mac, "dl_harq_retx", &p->mac.stats.dl_harq_retx);
    add_counter(mac, "dl_harq_dropped", &p->mac.stats.dl_harq_ko);
    add_counter(mac, "harq_results_lost", &p->mac.stats.harq_results_lost);
    add_counter(mac, "pucch_dropped", &p->mac.stats.pucch_dropped);
    add_counter(mac, "harq_ack_multi", &p->mac.stats.harq_ack_multi);
    add_counter(mac, "harq_ack_f2", &p->mac.stats.harq_ack_f2);
    add_counter(mac, "pdcch_deferred", &p->mac.stats.pdcch_deferred);
    add_counter(mac, "malformed_pdus", &p->mac.stats.malformed_pdus);
    add_counter(mac, "dcch_dropped", &p->mac.stats.dcch_dropped);
    add_counter(mac, "ta_commands", &p->mac.stats.ta_commands);
    add_counter(mac, "drb_dl_packets", &p->mac.stats.drb_dl_sdus);
    add_counter(mac, "drb_dl_bytes", &p->mac.stats.drb_dl_bytes);
    add_counter(mac, "drb_dl_dropped", &p->mac.stats.drb_dl_dropped);
    add_counter(mac, "drb_ul_packets", &p->mac.stats.drb_ul_sdus);
    add_counter(mac, "drb_ul_bytes", &p->mac.stats.drb_ul_bytes);
    add_counter(mac, "drb_ul_dropped", &p->mac.stats.drb_ul_dropped);
    add_counter(mac, "drb_releases", &p->mac.stats.drb_releases);
    add_counter(mac, "drb_release_dropped", &p->mac.stats.drb_release_dropped);
    cJSON *prach = cJSON_AddObjectToObject(out, "prach");
    add_counter(prach, "occasions", &p->mac.stats.prach_occasions);
    add_counter(prach, "occasions_reported", &p->mac.stats.prach_results);
    add_counter(prach, "detections_phy", &p->stats.prach_detections);
    add_counter(prach, "detections", &p->mac.stats.prach_detections);
    add_counter(prach, "errors", &p->mac.stats.prach_errors);
    cJSON *ra = cJSON_AddObjectToObject(out, "ra");
    add_counter(ra, "preambles", &p->mac.stats.ra_preambles);
    add_counter(ra, "rars", &p->mac.stats.ra_rars);
    add_counter(ra, "rar_missed_window", &p->mac.stats.ra_rar_missed);
    add_counter(ra, "msg3_ok", &p->mac.stats.ra_msg3_ok);
    add_counter(ra, "msg3_failed", &p->mac.stats.ra_msg3_failed);
    add_counter(ra, "msg3_retx", &p->mac.stats.ra_msg3_retx);
    add_counter(ra, "msg3_given_up", &p->mac.stats.ra_msg3_given_up);
    add_counter(ra, "msg4_acked", &p->mac.stats.ra_msg4_acked);
    add_counter(ra, "msg4_failed", &p->mac.stats.ra_msg4_failed);
    add_counter(ra, "backoffs", &p->mac.stats.ra_backoffs);
    add_counter(ra, "procs_full", &p->mac.stats.ra_procs_full);
    add_counter(ra, "ues_connected", &p->mac.stats.ues_connected);
    add_counter(ra, "ul_grants", &p->mac.stats.ul_grants);
    add_counter(ra, "dl_tb_pool_full", &p->mac.stats.dl_tb_pool_full);
    add_counter(ra, "msg3_no_room", &p->mac.stats.ra_msg3_no_room);
    add_counter(ra, "c_rnti_msg3", &p->mac.stats.ra_c_rnti_msg3);
    cJSON *rrc = cJSON_AddObjectToObject(out, "rrc");
    add_counter(rrc, "setups_complete", &p->rrc_setups_complete);
    add_counter(rrc, "releases", &p->rrc_releases);
    add_counter(rrc, "connected", &p->rrc_connected);
    add_counter(rrc, "setup_requests", &p->rrc_setup_requests);
    add_counter(rrc, "rejects", &p->rrc_rejects);
    add_counter(rrc, "setup_timeouts", &p->rrc_setup_timeouts);
    add_counter(rrc, "lost", &p->rrc_lost);
    add_counter(rrc, "ue_cap_256qam", &p->rrc_cap_256qam);       /* UE-NR-Capabilities with pdsch-256QAM-FR1 */
    add_counter(rrc, "ue_cap_no_256qam", &p->rrc_cap_no_256qam); /* ... without */
    add_counter(rrc, "qam256_ues", &p->rrc_qam256_on);           /* UEs switched to mcs-Table qam256 */
    if (d->ng.enabled) {
        cJSON *ng = cJSON_AddObjectToObject(out, "ngap");
        cJSON_AddStringToObject(ng, "state", ng_state_name((enum ng_state)atomic_load(&d->ng.state)));
        add_counter(ng, "connects", &d->ng.connects);
        add_counter(ng, "setup_requests", &d->ng.requests);
        add_counter(ng, "setup_responses", &d->ng.responses);
        add_counter(ng, "setup_failures", &d->ng.failures);
        add_counter(ng, "timeouts", &d->ng.timeouts);
        add_counter(ng, "links_lost", &d->ng.links_lost);
        add_counter(ng, "pdus_received", &d->ng.pdus_rx);
        add_counter(ng, "pdus_dropped", &d->ng.pdus_bad);
        add_counter(ng, "initial_ue_messages", &d->ng.ues_initial);
        add_counter(ng, "nas_ul", &d->ng.nas_ul);
        add_counter(ng, "nas_dl", &d->ng.nas_dl);
        add_counter(ng, "nas_dropped", &d->ng.nas_dropped);
        add_counter(ng, "ue_releases", &d->ng.ue_releases);
        add_counter(ng, "release_requests", &d->ng.release_requests);
        add_counter(ng, "ics_requests", &d->ng.ics_requests);
        add_counter(ng, "ics_responses", &d->ng.ics_responses);
        add_counter(ng, "ics_failures", &d->ng.ics_failures);
        add_counter(ng, "sessions_requested", &d->ng.sessions_requested);
        add_counter(ng, "sessions_set_up", &d->ng.sessions_set_up);
        add_counter(ng, "sessions_failed", &d->ng.sessions_failed);
        add_counter(ng, "session_release_commands", &d->ng.session_release_commands);
        add_counter(ng, "sessions_released", &d->ng.sessions_released);
        add_counter(ng, "resets_received", &d->ng.resets_rx);
        add_counter(ng, "resets_sent", &d->ng.resets_tx);
        add_counter(ng, "reset_acks", &d->ng.reset_acks);
        add_counter(ng, "error_indications", &d->ng.errors_rx);
        add_counter(ng, "error_releases", &d->ng.error_releases);
        add_counter(ng, "capability_indications", &d->ng.cap_indications);
    }
    if (d->up.enabled) {
        cJSON *up = cJSON_AddObjectToObject(out, "up");
        struct up_stats *u = &d->up.st;
        add_counter(up, "dl_packets", &u->dl_packets);
        add_counter(up, "dl_bytes", &u->dl_bytes);
        add_counter(up, "ul_packets", &u->ul_packets);
        add_counter(up, "ul_bytes", &u->ul_bytes);
        add_counter(up, "unknown_teid", &u->unknown_teid);
        add_counter(up, "error_ind_suppressed", &u->error_ind_suppressed);
        add_counter(up, "echo", &u->echo_requests);
        add_counter(up, "echo_responses", &u->echo_responses);
        add_counter(up, "end_markers", &u->end_markers);
        add_counter(up, "error_indications", &u->error_indications);
        add_counter(up, "dl_bad", &u->dl_bad);
        add_counter(up, "dl_dropped", &u->dl_dropped);
        add_counter(up, "mac_rejected", &u->mac_rejected);
        add_counter(up, "ul_dropped", &u->ul_dropped);
        add_counter(up, "send_errors", &u->send_errors);
        add_counter(up, "tunnels", &u->tunnels);
        add_counter(up, "tunnels_added", &u->tunnels_added);
        add_counter(up, "tunnels_rejected", &u->tunnels_rejected);
        add_counter(up, "tunnels_released", &u->tunnels_released);
        add_counter(up, "commands_dropped", &u->cmd_dropped);
        add_counter(up, "pool_exhausted", &d->up.pool.exhausted);
        cJSON_AddNumberToObject(up, "pool_free", pkt_pool_available(&d->up.pool));
        cJSON_AddNumberToObject(up, "pool_low_water", (double)atomic_load(&d->up.pool.low_water));
    }
    cJSON *pusch = cJSON_AddObjectToObject(out, "pusch");
    add_counter(pusch, "received", &p->mac.stats.pusch_received);
    add_counter(pusch, "crc_ok", &p->mac.stats.pusch_crc_ok);
    add_counter(pusch, "crc_failed", &p->mac.stats.pusch_crc_failed);
    add_counter(pusch, "errors", &p->mac.stats.pusch_errors);
    add_counter(pusch, "payload_errors", &p->mac.stats.pusch_payload_errors);
    add_counter(pusch, "tb_pool_full", &p->stats.ul_tb_pool_full);
    cJSON *pucch = cJSON_AddObjectToObject(out, "pucch");
    add_counter(pucch, "received", &p->mac.stats.pucch_received);
    add_counter(pucch, "valid", &p->mac.stats.pucch_valid);
    add_counter(pucch, "dtx", &p->mac.stats.pucch_dtx);
    add_counter(pucch, "invalid", &p->mac.stats.pucch_invalid);
    add_counter(pucch, "errors", &p->mac.stats.pucch_errors);
    add_counter(pucch, "bit_errors", &p->mac.stats.pucch_bit_errors);
    cJSON *radio = cJSON_AddObjectToObject(out, "radio");
    struct radio_counters *rc = &d->radio.counters;
    cJSON_AddStringToObject(radio, "state", radio_state_name(radio_state(&d->radio)));
    add_counter(radio, "rx_samples", &rc->rx_samples);
    add_counter(radio, "tx_samples", &rc->tx_samples);
    add_counter(radio, "rx_overflows", &rc->rx_overflows);
    add_counter(radio, "tx_underflows", &rc->tx_underflows);
    add_counter(radio, "tx_late", &rc->tx_late);
    add_counter(radio, "tx_clipped", &rc->tx_clipped);
    add_counter(radio, "epochs", &rc->epochs);
    add_counter(radio, "peer_joins", &rc->peer_joins);
    add_counter(radio, "peers_refused", &rc->peers_refused);
    add_counter(radio, "rx_errors", &rc->rx_errors);
    add_counter(radio, "tx_errors", &rc->tx_errors);
    cJSON *rings = cJSON_AddObjectToObject(out, "rings");
    for (int r = 0; r < RING_COUNT; r++) {
        cJSON *o = cJSON_AddObjectToObject(rings, pipe_ring_name((enum pipe_ring)r));
        cJSON_AddNumberToObject(o, "high_water", (double)pipeline_ring_high_water(p, (enum pipe_ring)r));
        cJSON_AddNumberToObject(o, "capacity", (double)ring_capacity(&p->rings[r]));
    }
    cJSON *threads = cJSON_AddObjectToObject(out, "threads_cpu_s");
    for (int i = 0; i < p->n_threads; i++)
        cJSON_AddNumberToObject(threads, p->threads[i].name, pipeline_thread_cpu_seconds(p, i));
    cJSON *hb = cJSON_AddObjectToObject(out, "heartbeats");
    for (int s = 0; s < STAGE_COUNT; s++) add_counter(hb, stage_name((enum stage_id)s), &p->stats.stage[s].heartbeat);
    cJSON *prog = cJSON_AddObjectToObject(out, "progress");
    for (int s = 0; s < STAGE_COUNT; s++) add_counter(prog, stage_name((enum stage_id)s), &p->stats.stage[s].progress);
    cJSON_AddNumberToObject(out, "log_dropped", (double)log_dropped());
    if (p->tap.pcap.open) {
        cJSON *pcap = cJSON_AddObjectToObject(out, "pcap");
        add_counter(pcap, "queued", &p->tap.pcap.stats.queued);
        add_counter(pcap, "dropped", &p->tap.pcap.stats.dropped);
        add_counter(pcap, "written", &p->tap.pcap.stats.written);
        add_counter(pcap, "errors", &p->tap.pcap.stats.errors);
        add_counter(pcap, "reopens", &p->tap.pcap.stats.reopens);
    }
    return 0;
}

/* The UE table the MAC stage publishes (gnb/ue_table.h): a consistent copy, never the MAC's own state. */
static int cb_ues(cJSON *out, void *ctx)
{
    struct daemon *d = ctx;
    static struct ue_table_view v; /* control thread only */
    int rc = ue_table_read(&d->pipe.tap.ues, &v);
    return rc < 0 ? rc : ue_table_to_json(&v, out);
}

static int cb_config(cJSON *out, void *ctx)
{
    struct daemon *d = ctx;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return -ENOMEM;
    config_print(d->cfg, f);
    fclose(f);
    cJSON_AddStringToObject(out, "file", d->cfg->path);
    cJSON_AddStringToObject(out, "config", text ? text : "");
    free(text);
    return 0;
}

static int cb_shutdown(void *ctx)
{
    struct daemon *d = ctx;
    log_info(LOG_CTRL, "shutdown requested over the control socket");
    atomic_store(&d->shutdown_requested, 1);
    return 0;
}

/* Every ~100 ms on the control thread: watchdog and STATUS= lines (never on the slot path). The watchdog counts
 * each stage's progress (messages consumed: the slot clock moving through it), not its loop turns, so a stage
 * that spins without consuming, or waits on a ring nobody drains, stops the pings. */
static void cb_tick(void *ctx)
{
    struct daemon *d = ctx;
    uint64_t beats[STAGE_COUNT];
    for (int s = 0; s < STAGE_COUNT; s++) beats[s] = atomic_load(&d->pipe.stats.stage[s].progress);
    enum radio_state st = radio_state(&d->radio);
    bool waiting = st == RADIO_STATE_WAITING_FOR_PEER;
    const char *why = "";
    uint64_t now = now_us();
    if (watchdog_should_ping(&d->wd, beats, STAGE_COUNT, waiting, now, &why)) notify_watchdog();
    bool verdict_changed = false;
    if (strcmp(why, "not due") != 0) { /* last real verdict; a stall (or its end) is reported at once */
        verdict_changed = (strstr(why, "stalled") != NULL) != (strstr(d->health, "stalled") != NULL);
        snprintf(d->health, sizeof d->health, "%s", why);
    }
    if (verdict_changed && strstr(d->health, "stalled")) log_warn(LOG_GNB, "watchdog: %s: no WATCHDOG=1", d->health);
    else if (verdict_changed) log_info(LOG_GNB, "watchdog: %s again", d->health);
    if (verdict_changed || (int)st != d->last_status_state || now - d->last_status_us > 10u * 1000000u) {
        notify_status("%s; radio %s (%s); epoch %u; %llu UL / %llu DL slots", d->health, d->cfg->radio.device,
                      radio_state_name(st), (unsigned)atomic_load(&d->radio.epoch),
                      (unsigned long long)atomic_load(&d->pipe.stats.ul_slots),
                      (unsigned long long)atomic_load(&d->pipe.stats.dl_slots));
        if ((int)st != d->last_status_state)
            log_info(LOG_GNB, "radio %s: %s", d->cfg->radio.device, radio_state_name(st));
        d->last_status_state = (int)st;
        d->last_status_us = now;
    }
}

/* ---- start-up and the signal loop ------------------------------------------------------------------- */

static void apply_log_config(const struct log_config *lc)
{
    for (int l = 0; l < LOG_LAYER_COUNT; l++) log_set_level((enum log_layer)l, lc->level[l]);
    if (log_open_file(lc->file) < 0) log_error(LOG_GNB, "cannot open log file %s: %s", lc->file, strerror(errno));
}

static void reload(struct daemon *d)
{
    static struct gnbd_config fresh; /* main thread only */
    pcap_writer_reopen(&d->pipe.tap.pcap); /* log.mac_pcap, if set: a new file (rotation); the path stays */
    int errors = config_load(&fresh, d->cfg->path, stderr);
    if (errors != 0) {
        log_error(LOG_GNB, "SIGHUP: %s is invalid now, keeping the running log settings", d->cfg->path);
        log_open_file(d->cfg->log.file); /* still reopen (log rotation) */
        return;
    }
    apply_log_config(&fresh.log);
    log_info(LOG_GNB, "SIGHUP: log file reopened, log levels re-read from %s (other changes need a restart)",
             d->cfg->path);
}

static int open_radio(struct daemon *d)
{
    const struct radio_config *rc = &d->cfg->radio;
    const struct cell_config *cell = &d->cfg->cell;
    struct cell_geometry g;
    if (config_cell_geometry(d->cfg, &g) < 0) {
        log_error(LOG_GNB, "cell geometry cannot be derived from %s (run gnbd --check-config)", d->cfg->path);
        return -EINVAL;
    }
    d->sample_rate = config_sample_rate(d->cfg);
    struct radio_params p = {
        .args = rc->args,
        .sample_rate = d->sample_rate,
        .tx_freq_hz = (double)g.dl_freq_hz,
        .rx_freq_hz = (double)g.ul_freq_hz,
        .tx_gain_db = rc->tx_gain_db,
        .rx_gain_db = rc->rx_gain_db,
        .samples_per_slot = pipeline_samples_per_slot(d->sample_rate, cell->scs_khz),
        .clock_source = rc->clock_source,
        .time_source = rc->time_source,
        .master_clock_rate = rc->master_clock_rate,
        .tx_antenna = rc->tx_antenna,
        .rx_antenna = rc->rx_antenna,
        .dl_backoff_db = rc->dl_backoff_db,
    };
    char err[512] = "";
    int rc_open = radio_open(&d->radio, rc->device, &p, err, sizeof err);
    if (rc_open < 0) {
        log_error(LOG_RADIO, "%s", err);
        return rc_open;
    }
    return 0;
}

static int signal_loop(struct daemon *d, int sfd)
{
    for (;;) {
        struct pollfd pfd = {.fd = sfd, .events = POLLIN};
        int n = poll(&pfd, 1, 100);
        if (atomic_load(&d->shutdown_requested)) return 0;
        if (pipeline_ended(&d->pipe)) {
            log_info(LOG_GNB, "radio stream ended: stopping");
            return 0;
        }
        if (n <= 0) continue;
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si) continue;
        if (si.ssi_signo == SIGHUP) {
            reload(d);
        } else {
            log_info(LOG_GNB, "%s received: stopping", strsignal((int)si.ssi_signo));
            return 0;
        }
    }
}

int gnbd_run(const struct gnbd_config *cfg)
{
    static struct daemon d; /* big (rings, server); one per process */
    memset(&d, 0, sizeof d);
    d.cfg = cfg;
    d.last_status_state = -1;
    clock_gettime(CLOCK_MONOTONIC, &d.started);

    /* Block the signals before any thread exists, so every thread inherits the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd < 0) {
        fprintf(stderr, "gnbd: signalfd: %s\n", strerror(errno));
        return 1;
    }

    apply_log_config(&cfg->log);
    log_start_thread();
    log_info(LOG_GNB, "gnbd %s starting: %s, PCI %d, band n%d, DL ARFCN %d, %d MHz, radio %s", GNBD_VERSION,
             cfg->path, cfg->cell.pci, cfg->cell.band, cfg->cell.dl_arfcn, cfg->cell.bandwidth_mhz,
             cfg->radio.device);

    int status = 1;
    char err[256] = "";
    bool radio_open_ok = false, pipe_ok = false, ctrl_ok = false, pipe_started = false, ng_ok = false, up_ok = false;
    if (ng_stage_init(&d.ng, cfg, err, sizeof err) < 0) {
        log_error(LOG_NGAP, "%s", err);
        goto out;
    }
    ng_ok = true;
    if (up_stage_init(&d.up, cfg, err, sizeof err) < 0) { /* starts only with an AMF configured */
        log_error(LOG_NGAP, "%s", err);
        goto out;
    }
    up_ok = true;
    d.ng.up = &d.up;
    if (open_radio(&d) < 0) goto out;
    radio_open_ok = true;
    if (pipeline_init(&d.pipe, cfg, &d.radio, err, sizeof err) < 0) {
        log_error(LOG_GNB, "%s", err);
        goto out;
    }
    pipe_ok = true;
    d.pipe.ng = &d.ng;
    d.pipe.up = &d.up;
    struct ctrl_handler h = {.status = cb_status, .metrics = cb_metrics, .config = cb_config, .ues = cb_ues,
                             .shutdown = cb_shutdown, .tick = cb_tick, .ctx = &d};
    watchdog_init(&d.wd);
    static const char *progress_names[STAGE_COUNT];
    for (int s = 0; s < STAGE_COUNT; s++) progress_names[s] = stage_name((enum stage_id)s);
    d.wd.stage_names = progress_names;
    if (ctrl_server_start(&d.ctrl, cfg->control.endpoint, &h, err, sizeof err) < 0) {
        log_error(LOG_CTRL, "%s", err);
        goto out;
    }
    ctrl_ok = true;
    if (radio_start(&d.radio) < 0) {
        log_error(LOG_RADIO, "radio %s failed to start", cfg->radio.device);
        goto out;
    }
    if (pipeline_start(&d.pipe) < 0) goto out;
    pipe_started = true;
    if (up_stage_start(&d.up) < 0) {
        log_error(LOG_NGAP, "N3: the user-plane stage's thread did not start");
        goto out;
    }
    if (ng_stage_start(&d.ng) < 0) { /* after the pipeline set its waiter on the DL NAS ring */
        log_error(LOG_NGAP, "NGAP: the stage's thread did not start");
        goto out;
    }
    log_info(LOG_GNB, "running: control on %s, %d pipeline threads (%s)", cfg->control.endpoint, d.pipe.n_threads,
             mapping_name(cfg->threads.mapping));
    notify_ready();
    status = signal_loop(&d, sfd);

out:
    notify_stopping();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* The control thread reads the pipeline's threads (CPU clocks): stop it before they are joined. */
    if (ctrl_ok) ctrl_server_stop(&d.ctrl);
    if (radio_open_ok) radio_stop(&d.radio);
    if (pipe_started) pipeline_stop(&d.pipe);
    if (ng_ok) ng_stage_stop(&d.ng);
    if (up_ok) up_stage_stop(&d.up); /* after the MAC and NG stages, its only other users */
    if (radio_open_ok) radio_close(&d.radio);
    if (pipe_ok) pipeline_free(&d.pipe);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    log_info(LOG_GNB, "stopped in %.0f ms, exit status %d",
             (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6, status);
    log_stop_thread();
    close(sfd);
    return status;
}
