/* "uhd" radio: a USRP through UHD's C API (uhd.h). Wall-clocked (radio_sdr.h does the time bookkeeping):
 * the device clock is set to 0 at start (at once for time_source "internal", at a PPS edge otherwise), RX
 * streams continuously from a device time 100 ms later, which becomes epoch sample 0, and DL goes out in timed
 * bursts at device time base + ts.
 *
 * args are passed to UHD unchanged as device args ("type=b200,serial=XYZ"); clock and time source, master
 * clock rate, rate, frequencies, gains and antennas come from struct radio_params. Channel 0 only.
 * Asynchronous TX reports (underflow, late, sequence errors) are drained from the send path with a zero timeout.
 */
#ifdef HAVE_UHD
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uhd.h>

#include "drivers/radio.h"
#include "drivers/radio_sdr.h"
#include "gnb/log.h"

#define UHD_POLL_S 0.05     /* RX/TX call timeout: how often a blocked call notices radio_stop() */
#define UHD_MAX_EVENTS 16   /* async reports drained per send */

struct uhd_radio {
    struct radio_sdr sdr; /* first: radio_sdr_recv/send use r->priv as a struct radio_sdr * */
    uhd_usrp_handle usrp;
    uhd_rx_streamer_handle rx;
    uhd_tx_streamer_handle tx;
    uhd_rx_metadata_handle rx_md;
    uhd_tx_metadata_handle md_start, md_cont, md_end;
    uhd_async_metadata_handle async_md;
    bool pps;       /* time source is a PPS input: set the time at an edge */
    bool streaming;
};

/* UHD's last error as one line. */
static int uhd_fail(const char *what, char *err, size_t errlen)
{
    char msg[256] = "";
    uhd_get_last_error(msg, sizeof msg);
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r') *c = ' ';
    snprintf(err, errlen, "UHD %s failed: %s", what, msg);
    return -EIO;
}

#define UHD_TRY(call, what, err, errlen)                                             \
    do {                                                                             \
        if ((call) != UHD_ERROR_NONE) return uhd_fail((what), (err), (errlen));      \
    } while (0)

/* uhd_usrp_find with the user's args: a clear "no device" instead of UHD's multi-line lookup error. */
static int uhd_find(const char *args, char *err, size_t errlen)
{
    uhd_string_vector_handle found = NULL;
    size_t n = 0;
    if (uhd_string_vector_make(&found) != UHD_ERROR_NONE) return -ENOMEM;
    uhd_error e = uhd_usrp_find(args, &found);
    if (e == UHD_ERROR_NONE) uhd_string_vector_size(found, &n);
    uhd_string_vector_free(&found);
    if (e != UHD_ERROR_NONE) return uhd_fail("device search", err, errlen);
    if (n == 0) {
        snprintf(err, errlen, "no UHD device found for args \"%s\"", args);
        return -ENODEV;
    }
    return 0;
}

static int uhd_apply_rate(struct uhd_radio *u, double hz, char *err, size_t errlen)
{
    double rx = 0, tx = 0;
    UHD_TRY(uhd_usrp_set_rx_rate(u->usrp, hz, 0), "set_rx_rate", err, errlen);
    UHD_TRY(uhd_usrp_set_tx_rate(u->usrp, hz, 0), "set_tx_rate", err, errlen);
    UHD_TRY(uhd_usrp_get_rx_rate(u->usrp, 0, &rx), "get_rx_rate", err, errlen);
    UHD_TRY(uhd_usrp_get_tx_rate(u->usrp, 0, &tx), "get_tx_rate", err, errlen);
    /* Timestamps assume the exact rate; a USRP that can only approximate it would drift off the slot grid. */
    if (fabs(rx - hz) > 1e-3 || fabs(tx - hz) > 1e-3) {
        snprintf(err, errlen, "USRP runs at %.3f/%.3f Hz (RX/TX) instead of %.0f Hz: set master_clock_rate", rx, tx,
                 hz);
        return -EINVAL;
    }
    return 0;
}

static int uhd_tune(struct uhd_radio *u, bool tx, double hz, char *err, size_t errlen)
{
    char no_args[] = "";
    uhd_tune_request_t req = {.target_freq = hz,
                              .rf_freq_policy = UHD_TUNE_REQUEST_POLICY_AUTO,
                              .dsp_freq_policy = UHD_TUNE_REQUEST_POLICY_AUTO,
                              .args = no_args};
    uhd_tune_result_t res;
    if (tx) UHD_TRY(uhd_usrp_set_tx_freq(u->usrp, &req, 0, &res), "set_tx_freq", err, errlen);
    else UHD_TRY(uhd_usrp_set_rx_freq(u->usrp, &req, 0, &res), "set_rx_freq", err, errlen);
    return 0;
}

static int uhd_make_streams(struct uhd_radio *u, char *err, size_t errlen)
{
    char cpu[] = "fc32", otw[] = "sc16", no_args[] = "";
    size_t chan = 0;
    uhd_stream_args_t sa = {.cpu_format = cpu, .otw_format = otw, .args = no_args, .channel_list = &chan,
                            .n_channels = 1};
    UHD_TRY(uhd_rx_streamer_make(&u->rx), "rx_streamer_make", err, errlen);
    UHD_TRY(uhd_usrp_get_rx_stream(u->usrp, &sa, u->rx), "get_rx_stream", err, errlen);
    UHD_TRY(uhd_tx_streamer_make(&u->tx), "tx_streamer_make", err, errlen);
    UHD_TRY(uhd_usrp_get_tx_stream(u->usrp, &sa, u->tx), "get_tx_stream", err, errlen);
    /* Metadata handles are made once; only a burst start needs a fresh one (see uhd_write). */
    UHD_TRY(uhd_rx_metadata_make(&u->rx_md), "rx_metadata_make", err, errlen);
    UHD_TRY(uhd_tx_metadata_make(&u->md_cont, false, 0, 0.0, false, false), "tx_metadata_make", err, errlen);
    UHD_TRY(uhd_tx_metadata_make(&u->md_end, false, 0, 0.0, false, true), "tx_metadata_make", err, errlen);
    UHD_TRY(uhd_async_metadata_make(&u->async_md), "async_metadata_make", err, errlen);
    return 0;
}

static int uhd_setup(struct radio *r, const struct radio_params *p, const char *args, char *err, size_t errlen)
{
    struct uhd_radio *u = r->priv;
    UHD_TRY(uhd_usrp_make(&u->usrp, args), "usrp_make", err, errlen);
    /* Reference first: rates and tuning depend on it. */
    UHD_TRY(uhd_usrp_set_clock_source(u->usrp, radio_sdr_source(p->clock_source), 0), "set_clock_source", err,
            errlen);
    UHD_TRY(uhd_usrp_set_time_source(u->usrp, radio_sdr_source(p->time_source), 0), "set_time_source", err, errlen);
    u->pps = strcmp(radio_sdr_source(p->time_source), "internal") != 0;
    if (p->master_clock_rate > 0)
        UHD_TRY(uhd_usrp_set_master_clock_rate(u->usrp, p->master_clock_rate, 0), "set_master_clock_rate", err,
                errlen);
    int rc = uhd_apply_rate(u, p->sample_rate, err, errlen);
    if (rc == 0) rc = uhd_tune(u, true, p->tx_freq_hz, err, errlen);
    if (rc == 0) rc = uhd_tune(u, false, p->rx_freq_hz, err, errlen);
    if (rc < 0) return rc;
    UHD_TRY(uhd_usrp_set_tx_gain(u->usrp, p->tx_gain_db, 0, ""), "set_tx_gain", err, errlen);
    UHD_TRY(uhd_usrp_set_rx_gain(u->usrp, p->rx_gain_db, 0, ""), "set_rx_gain", err, errlen);
    if (p->tx_antenna && *p->tx_antenna)
        UHD_TRY(uhd_usrp_set_tx_antenna(u->usrp, p->tx_antenna, 0), "set_tx_antenna", err, errlen);
    if (p->rx_antenna && *p->rx_antenna)
        UHD_TRY(uhd_usrp_set_rx_antenna(u->usrp, p->rx_antenna, 0), "set_rx_antenna", err, errlen);
    return uhd_make_streams(u, err, errlen);
}

static void uhd_close(struct radio *r)
{
    struct uhd_radio *u = r->priv;
    if (!u) return;
    if (u->streaming) {
        uhd_stream_cmd_t stop = {.stream_mode = UHD_STREAM_MODE_STOP_CONTINUOUS, .stream_now = true};
        uhd_rx_streamer_issue_stream_cmd(u->rx, &stop);
        radio_sdr_end_burst(r);
    }
    if (u->md_start) uhd_tx_metadata_free(&u->md_start);
    if (u->md_cont) uhd_tx_metadata_free(&u->md_cont);
    if (u->md_end) uhd_tx_metadata_free(&u->md_end);
    if (u->async_md) uhd_async_metadata_free(&u->async_md);
    if (u->rx_md) uhd_rx_metadata_free(&u->rx_md);
    if (u->tx) uhd_tx_streamer_free(&u->tx);
    if (u->rx) uhd_rx_streamer_free(&u->rx);
    if (u->usrp) uhd_usrp_free(&u->usrp);
    radio_sdr_free(r);
}

static int uhd_read(struct radio *r, cf_t *buf, size_t n, uint64_t *dev_ts, bool *has_time)
{
    struct uhd_radio *u = r->priv;
    void *buffs[1] = {buf};
    size_t got = 0;
    uhd_rx_metadata_error_code_t code = UHD_RX_METADATA_ERROR_CODE_NONE;
    if (uhd_rx_streamer_recv(u->rx, buffs, n, &u->rx_md, UHD_POLL_S, false, &got) != UHD_ERROR_NONE ||
        uhd_rx_metadata_error_code(u->rx_md, &code) != UHD_ERROR_NONE)
        return -EIO;
    switch (code) {
    case UHD_RX_METADATA_ERROR_CODE_NONE: break;
    case UHD_RX_METADATA_ERROR_CODE_TIMEOUT: return 0;
    case UHD_RX_METADATA_ERROR_CODE_OVERFLOW: return -EOVERFLOW; /* also UHD's "sequence error": samples lost */
    case UHD_RX_METADATA_ERROR_CODE_BAD_PACKET:                  /* one packet lost; the stream goes on */
        atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
        return 0;
    default: return -EIO; /* late stream command, broken chain, alignment: the stream is not running */
    }
    if (got == 0) return 0;
    bool ht = false;
    int64_t full = 0;
    double frac = 0;
    if (uhd_rx_metadata_has_time_spec(u->rx_md, &ht) == UHD_ERROR_NONE && ht &&
        uhd_rx_metadata_time_spec(u->rx_md, &full, &frac) == UHD_ERROR_NONE)
        *dev_ts = radio_sdr_secs_to_samples(full, frac, u->sdr.rate);
    else
        ht = false;
    *has_time = ht;
    return (int)got;
}

static int uhd_write(struct radio *r, const cf_t *buf, size_t n, uint64_t dev_ts, int flags)
{
    struct uhd_radio *u = r->priv;
    uhd_tx_metadata_handle *md = &u->md_cont;
    if (flags & RADIO_SDR_BURST_END) {
        md = &u->md_end;
    } else if (flags & RADIO_SDR_BURST_START) {
        /* UHD's C API cannot change a metadata handle's time, so each burst start makes one. Bursts start at
         * radio start and after a gap (late DL), never in the steady state. */
        int64_t full;
        double frac;
        radio_sdr_samples_to_secs(dev_ts, u->sdr.rate, &full, &frac);
        if (u->md_start) uhd_tx_metadata_free(&u->md_start);
        if (uhd_tx_metadata_make(&u->md_start, true, full, frac, true, false) != UHD_ERROR_NONE) return -ENOMEM;
        md = &u->md_start;
    }
    const void *buffs[1] = {buf};
    size_t sent = 0;
    if (uhd_tx_streamer_send(u->tx, buffs, n, md, UHD_POLL_S, &sent) != UHD_ERROR_NONE) return -EIO;
    return (int)sent;
}

static void uhd_poll_events(struct radio *r)
{
    struct uhd_radio *u = r->priv;
    for (int i = 0; i < UHD_MAX_EVENTS; i++) {
        bool valid = false;
        uhd_async_metadata_event_code_t code;
        if (uhd_tx_streamer_recv_async_msg(u->tx, &u->async_md, 0.0, &valid) != UHD_ERROR_NONE || !valid) return;
        if (uhd_async_metadata_event_code(u->async_md, &code) != UHD_ERROR_NONE) return;
        _Atomic uint64_t *counter = NULL;
        switch (code) {
        case UHD_ASYNC_METADATA_EVENT_CODE_UNDERFLOW:
        case UHD_ASYNC_METADATA_EVENT_CODE_UNDERFLOW_IN_PACKET: counter = &r->counters.tx_underflows; break;
        case UHD_ASYNC_METADATA_EVENT_CODE_TIME_ERROR: counter = &r->counters.tx_late; break;
        case UHD_ASYNC_METADATA_EVENT_CODE_SEQ_ERROR:
        case UHD_ASYNC_METADATA_EVENT_CODE_SEQ_ERROR_IN_BURST: counter = &r->counters.tx_errors; break;
        default: break; /* burst ACK, user payload */
        }
        if (counter) atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
    }
}

static const struct radio_sdr_driver uhd_driver = {
    .name = "uhd",
    .priv_size = sizeof(struct uhd_radio),
    .find = uhd_find,
    .setup = uhd_setup,
    .close = uhd_close,
    .read = uhd_read,
    .write = uhd_write,
    .poll_events = uhd_poll_events,
};

static int uhd_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    return radio_sdr_open(r, &uhd_driver, p, err, errlen);
}

static int uhd_start(struct radio *r)
{
    struct uhd_radio *u = r->priv;
    char err[256];
    int64_t full = 0;
    double frac = 0;
    /* set_time_unknown_pps waits for a PPS edge and sets the time at the next one (up to ~2 s). */
    uhd_error e = u->pps ? uhd_usrp_set_time_unknown_pps(u->usrp, 0, 0.0) : uhd_usrp_set_time_now(u->usrp, 0, 0.0, 0);
    if (e == UHD_ERROR_NONE) e = uhd_usrp_get_time_now(u->usrp, 0, &full, &frac);
    /* Stream from 100 ms ahead so that the command reaches the device before its time. */
    uint64_t base = radio_sdr_secs_to_samples(full, frac, u->sdr.rate) + u->sdr.rate / 10;
    uhd_stream_cmd_t cmd = {.stream_mode = UHD_STREAM_MODE_START_CONTINUOUS, .stream_now = false};
    radio_sdr_samples_to_secs(base, u->sdr.rate, &cmd.time_spec_full_secs, &cmd.time_spec_frac_secs);
    if (e == UHD_ERROR_NONE) e = uhd_rx_streamer_issue_stream_cmd(u->rx, &cmd);
    if (e != UHD_ERROR_NONE) {
        uhd_fail("start", err, sizeof err);
        log_error(LOG_RADIO, "uhd: %s", err);
        atomic_store(&r->state, RADIO_STATE_FAILED);
        return -EIO;
    }
    u->streaming = true;
    radio_sdr_started(r, base);
    return 0;
}

/* Setters: same calls as at open; a failure is logged with UHD's reason and returned as -EIO/-EINVAL. */
static int uhd_logged(int rc, const char *err)
{
    if (rc < 0) log_error(LOG_RADIO, "uhd: %s", err);
    return rc;
}

static int uhd_set_rate(struct radio *r, double hz)
{
    struct uhd_radio *u = r->priv;
    char err[256];
    int rc = radio_sdr_set_rate(&u->sdr, hz);
    return rc < 0 ? rc : uhd_logged(uhd_apply_rate(u, hz, err, sizeof err), err);
}

static int uhd_set_freq(struct radio *r, bool tx, double hz)
{
    char err[256];
    return uhd_logged(uhd_tune(r->priv, tx, hz, err, sizeof err), err);
}
static int uhd_set_tx_freq(struct radio *r, double hz) { return uhd_set_freq(r, true, hz); }
static int uhd_set_rx_freq(struct radio *r, double hz) { return uhd_set_freq(r, false, hz); }

static int uhd_set_gain(struct radio *r, bool tx, double db)
{
    struct uhd_radio *u = r->priv;
    char err[256];
    uhd_error e = tx ? uhd_usrp_set_tx_gain(u->usrp, db, 0, "") : uhd_usrp_set_rx_gain(u->usrp, db, 0, "");
    return e == UHD_ERROR_NONE ? 0 : uhd_logged(uhd_fail("set gain", err, sizeof err), err);
}
static int uhd_set_tx_gain(struct radio *r, double db) { return uhd_set_gain(r, true, db); }
static int uhd_set_rx_gain(struct radio *r, double db) { return uhd_set_gain(r, false, db); }

const struct radio_ops radio_uhd_ops = {
    .name = "uhd",
    .clocking = RADIO_WALL_CLOCKED,
    .open = uhd_open,
    .start = uhd_start,
    .recv = radio_sdr_recv,
    .send = radio_sdr_send,
    .set_sample_rate = uhd_set_rate,
    .set_tx_freq = uhd_set_tx_freq,
    .set_rx_freq = uhd_set_rx_freq,
    .set_tx_gain = uhd_set_tx_gain,
    .set_rx_gain = uhd_set_rx_gain,
    .close = uhd_close,
};
#endif
