/* "soapy" radio: any SDR with a SoapySDR module, through SoapySDR's C API. Wall-clocked (radio_sdr.h does the
 * time bookkeeping): the hardware time is set to 0 at start (at once for time_source "internal", at the next
 * PPS otherwise), RX is activated at a hardware time 100 ms later, which becomes epoch sample 0, and DL is
 * written in timed bursts (SOAPY_SDR_HAS_TIME on a burst's first write, SOAPY_SDR_END_BURST when it ends).
 *
 * args are SoapySDR device args, passed unchanged ("driver=lime,serial=..."). Channel 0, CF32 both ways.
 * Hardware times in ns convert to samples with radio_sdr_ns_to_samples (exact, nearest sample).
 * Asynchronous TX reports come from readStreamStatus, polled with a zero timeout from the send path.
 */
#ifdef HAVE_SOAPY
#include <SoapySDR/Device.h>
#include <SoapySDR/Formats.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/radio.h"
#include "drivers/radio_sdr.h"
#include "gnb/log.h"

#define SOAPY_POLL_US 50000 /* RX/TX call timeout: how often a blocked call notices radio_stop() */
#define SOAPY_MAX_EVENTS 16 /* stream status reports drained per send */

struct soapy_radio {
    struct radio_sdr sdr; /* first: radio_sdr_recv/send use r->priv as a struct radio_sdr * */
    SoapySDRDevice *dev;
    SoapySDRStream *rx, *tx;
    bool pps;              /* time source is a PPS input */
    bool status_supported; /* readStreamStatus works on the TX stream */
    bool streaming;
};

static int soapy_fail(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "SoapySDR %s failed: %s", what, SoapySDRDevice_lastError());
    return -EIO;
}

#define SOAPY_TRY(call, what, err, errlen)                                   \
    do {                                                                     \
        if ((call) != 0) return soapy_fail((what), (err), (errlen));         \
    } while (0)

/* Enumerate first, so that "nothing there" reads as such rather than as a failure to open. */
static int soapy_find(const char *args, char *err, size_t errlen)
{
    size_t n = 0;
    SoapySDRKwargs *found = SoapySDRDevice_enumerateStrArgs(args, &n);
    SoapySDRKwargsList_clear(found, n);
    if (n == 0) {
        snprintf(err, errlen, "no SoapySDR device found for args \"%s\"", args);
        return -ENODEV;
    }
    return 0;
}

/* Select a clock or time source. A device with no such choice runs on its own reference, which is what
 * "internal" asks for; asking it for anything else is an error. */
static int soapy_set_source(struct soapy_radio *s, bool clock, const char *want, char *err, size_t errlen)
{
    size_t n = 0;
    char **list = clock ? SoapySDRDevice_listClockSources(s->dev, &n) : SoapySDRDevice_listTimeSources(s->dev, &n);
    bool listed = false;
    for (size_t i = 0; i < n; i++) listed = listed || strcmp(list[i], want) == 0;
    SoapySDRStrings_clear(&list, n);
    if (!listed && strcmp(want, "internal") == 0) return 0;
    if (!listed) {
        snprintf(err, errlen, "SoapySDR device has no %s source \"%s\"", clock ? "clock" : "time", want);
        return -ENOTSUP;
    }
    if (clock) SOAPY_TRY(SoapySDRDevice_setClockSource(s->dev, want), "setClockSource", err, errlen);
    else SOAPY_TRY(SoapySDRDevice_setTimeSource(s->dev, want), "setTimeSource", err, errlen);
    return 0;
}

static int soapy_apply_rate(struct soapy_radio *s, double hz, char *err, size_t errlen)
{
    for (int dir = SOAPY_SDR_TX; dir <= SOAPY_SDR_RX; dir++) {
        SOAPY_TRY(SoapySDRDevice_setSampleRate(s->dev, dir, 0, hz), "setSampleRate", err, errlen);
        double got = SoapySDRDevice_getSampleRate(s->dev, dir, 0);
        /* Timestamps assume the exact rate; an approximated one would drift off the slot grid. */
        if (fabs(got - hz) > 1e-3) {
            snprintf(err, errlen, "SoapySDR device runs at %.3f Hz instead of %.0f Hz", got, hz);
            return -EINVAL;
        }
    }
    return 0;
}

static int soapy_setup(struct radio *r, const struct radio_params *p, const char *args, char *err, size_t errlen)
{
    struct soapy_radio *s = r->priv;
    s->dev = SoapySDRDevice_makeStrArgs(args);
    if (!s->dev) return soapy_fail("make", err, errlen);
    if (!SoapySDRDevice_hasHardwareTime(s->dev, "")) {
        snprintf(err, errlen, "SoapySDR device \"%s\" has no hardware time: timed TX is impossible", args);
        return -ENOTSUP;
    }
    int rc = soapy_set_source(s, true, radio_sdr_source(p->clock_source), err, errlen);
    if (rc == 0) rc = soapy_set_source(s, false, radio_sdr_source(p->time_source), err, errlen);
    if (rc < 0) return rc;
    s->pps = strcmp(radio_sdr_source(p->time_source), "internal") != 0;
    if (p->master_clock_rate > 0)
        SOAPY_TRY(SoapySDRDevice_setMasterClockRate(s->dev, p->master_clock_rate), "setMasterClockRate", err, errlen);
    rc = soapy_apply_rate(s, p->sample_rate, err, errlen);
    if (rc < 0) return rc;
    SOAPY_TRY(SoapySDRDevice_setFrequency(s->dev, SOAPY_SDR_TX, 0, p->tx_freq_hz, NULL), "setFrequency", err, errlen);
    SOAPY_TRY(SoapySDRDevice_setFrequency(s->dev, SOAPY_SDR_RX, 0, p->rx_freq_hz, NULL), "setFrequency", err, errlen);
    SOAPY_TRY(SoapySDRDevice_setGain(s->dev, SOAPY_SDR_TX, 0, p->tx_gain_db), "setGain", err, errlen);
    SOAPY_TRY(SoapySDRDevice_setGain(s->dev, SOAPY_SDR_RX, 0, p->rx_gain_db), "setGain", err, errlen);
    if (p->tx_antenna && *p->tx_antenna)
        SOAPY_TRY(SoapySDRDevice_setAntenna(s->dev, SOAPY_SDR_TX, 0, p->tx_antenna), "setAntenna", err, errlen);
    if (p->rx_antenna && *p->rx_antenna)
        SOAPY_TRY(SoapySDRDevice_setAntenna(s->dev, SOAPY_SDR_RX, 0, p->rx_antenna), "setAntenna", err, errlen);
    size_t chan = 0;
    s->rx = SoapySDRDevice_setupStream(s->dev, SOAPY_SDR_RX, SOAPY_SDR_CF32, &chan, 1, NULL);
    if (!s->rx) return soapy_fail("setupStream(RX)", err, errlen);
    s->tx = SoapySDRDevice_setupStream(s->dev, SOAPY_SDR_TX, SOAPY_SDR_CF32, &chan, 1, NULL);
    if (!s->tx) return soapy_fail("setupStream(TX)", err, errlen);
    s->status_supported = true;
    return 0;
}

static void soapy_close(struct radio *r)
{
    struct soapy_radio *s = r->priv;
    if (!s) return;
    if (s->streaming) {
        radio_sdr_end_burst(r);
        SoapySDRDevice_deactivateStream(s->dev, s->rx, 0, 0);
        SoapySDRDevice_deactivateStream(s->dev, s->tx, 0, 0);
    }
    if (s->rx) SoapySDRDevice_closeStream(s->dev, s->rx);
    if (s->tx) SoapySDRDevice_closeStream(s->dev, s->tx);
    if (s->dev) SoapySDRDevice_unmake(s->dev);
    radio_sdr_free(r);
}

static int soapy_read(struct radio *r, cf_t *buf, size_t n, uint64_t *dev_ts, bool *has_time)
{
    struct soapy_radio *s = r->priv;
    void *buffs[1] = {buf};
    int flags = 0;
    long long t_ns = 0;
    int k = SoapySDRDevice_readStream(s->dev, s->rx, buffs, n, &flags, &t_ns, SOAPY_POLL_US);
    if (k > 0) {
        *has_time = (flags & SOAPY_SDR_HAS_TIME) != 0;
        *dev_ts = radio_sdr_ns_to_samples(t_ns, s->sdr.rate);
        return k;
    }
    if (k == 0 || k == SOAPY_SDR_TIMEOUT) return 0;
    return k == SOAPY_SDR_OVERFLOW ? -EOVERFLOW : -EIO;
}

static int soapy_write(struct radio *r, const cf_t *buf, size_t n, uint64_t dev_ts, int flags)
{
    struct soapy_radio *s = r->priv;
    const void *buffs[1] = {buf};
    int f = 0;
    long long t_ns = 0;
    if (flags & RADIO_SDR_BURST_START) {
        f |= SOAPY_SDR_HAS_TIME;
        t_ns = radio_sdr_samples_to_ns(dev_ts, s->sdr.rate);
    }
    if (flags & RADIO_SDR_BURST_END) f |= SOAPY_SDR_END_BURST;
    int k = SoapySDRDevice_writeStream(s->dev, s->tx, buffs, n, &f, t_ns, SOAPY_POLL_US);
    if (k >= 0) return k;
    return k == SOAPY_SDR_TIMEOUT ? 0 : -EIO;
}

static void soapy_poll_events(struct radio *r)
{
    struct soapy_radio *s = r->priv;
    for (int i = 0; s->status_supported && i < SOAPY_MAX_EVENTS; i++) {
        size_t mask = 0;
        int flags = 0;
        long long t_ns = 0;
        int rc = SoapySDRDevice_readStreamStatus(s->dev, s->tx, &mask, &flags, &t_ns, 0);
        _Atomic uint64_t *counter = NULL;
        switch (rc) {
        case SOAPY_SDR_TIMEOUT: return; /* nothing pending */
        case SOAPY_SDR_NOT_SUPPORTED: s->status_supported = false; return;
        case 0: break;                  /* a burst acknowledgement */
        case SOAPY_SDR_UNDERFLOW: counter = &r->counters.tx_underflows; break;
        case SOAPY_SDR_TIME_ERROR: counter = &r->counters.tx_late; break;
        default: counter = &r->counters.tx_errors; break;
        }
        if (counter) atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
    }
}

static const struct radio_sdr_driver soapy_driver = {
    .name = "soapy",
    .priv_size = sizeof(struct soapy_radio),
    .find = soapy_find,
    .setup = soapy_setup,
    .close = soapy_close,
    .read = soapy_read,
    .write = soapy_write,
    .poll_events = soapy_poll_events,
};

static int soapy_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    return radio_sdr_open(r, &soapy_driver, p, err, errlen);
}

static int soapy_start(struct radio *r)
{
    struct soapy_radio *s = r->priv;
    uint64_t rate = s->sdr.rate;
    SoapySDRDevice_setHardwareTime(s->dev, 0, s->pps ? "PPS" : "");
    if (s->pps) { /* the time is only valid after the edge */
        struct timespec d = {1, 100000000};
        nanosleep(&d, NULL);
    }
    /* Activate RX 100 ms ahead so that the command reaches the device before its time. */
    uint64_t base = radio_sdr_ns_to_samples(SoapySDRDevice_getHardwareTime(s->dev, ""), rate) + rate / 10;
    int rc = SoapySDRDevice_activateStream(s->dev, s->rx, SOAPY_SDR_HAS_TIME, radio_sdr_samples_to_ns(base, rate), 0);
    if (rc == SOAPY_SDR_NOT_SUPPORTED) /* no timed start: stream now, radio_sdr_recv drops what precedes base */
        rc = SoapySDRDevice_activateStream(s->dev, s->rx, 0, 0, 0);
    if (rc == 0) rc = SoapySDRDevice_activateStream(s->dev, s->tx, 0, 0, 0);
    if (rc != 0) {
        log_error(LOG_RADIO, "soapy: activateStream failed: %s", SoapySDRDevice_lastError());
        atomic_store(&r->state, RADIO_STATE_FAILED);
        return -EIO;
    }
    s->streaming = true;
    radio_sdr_started(r, base);
    return 0;
}

/* Setters: same calls as at open; a failure is logged with SoapySDR's reason. */
static int soapy_logged(int rc, const char *what)
{
    if (rc == 0) return 0;
    log_error(LOG_RADIO, "soapy: %s failed: %s", what, SoapySDRDevice_lastError());
    return -EIO;
}

static int soapy_set_rate(struct radio *r, double hz)
{
    struct soapy_radio *s = r->priv;
    char err[256];
    int rc = radio_sdr_set_rate(&s->sdr, hz);
    if (rc < 0) return rc;
    rc = soapy_apply_rate(s, hz, err, sizeof err);
    if (rc < 0) log_error(LOG_RADIO, "soapy: %s", err);
    return rc;
}

static int soapy_set_freq(struct radio *r, int dir, double hz)
{
    struct soapy_radio *s = r->priv;
    return soapy_logged(SoapySDRDevice_setFrequency(s->dev, dir, 0, hz, NULL), "setFrequency");
}
static int soapy_set_tx_freq(struct radio *r, double hz) { return soapy_set_freq(r, SOAPY_SDR_TX, hz); }
static int soapy_set_rx_freq(struct radio *r, double hz) { return soapy_set_freq(r, SOAPY_SDR_RX, hz); }

static int soapy_set_gain(struct radio *r, int dir, double db)
{
    struct soapy_radio *s = r->priv;
    return soapy_logged(SoapySDRDevice_setGain(s->dev, dir, 0, db), "setGain");
}
static int soapy_set_tx_gain(struct radio *r, double db) { return soapy_set_gain(r, SOAPY_SDR_TX, db); }
static int soapy_set_rx_gain(struct radio *r, double db) { return soapy_set_gain(r, SOAPY_SDR_RX, db); }

const struct radio_ops radio_soapy_ops = {
    .name = "soapy",
    .clocking = RADIO_WALL_CLOCKED,
    .open = soapy_open,
    .start = soapy_start,
    .recv = radio_sdr_recv,
    .send = radio_sdr_send,
    .set_sample_rate = soapy_set_rate,
    .set_tx_freq = soapy_set_tx_freq,
    .set_rx_freq = soapy_set_rx_freq,
    .set_tx_gain = soapy_set_tx_gain,
    .set_rx_gain = soapy_set_rx_gain,
    .close = soapy_close,
};
#endif
