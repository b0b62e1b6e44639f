/* Wall-clocked SDR plumbing shared by the uhd and soapy backends: time bookkeeping, block assembly on RX,
 * DL back-off and timed bursts on TX. See radio_sdr.h for the contract. */
#include "drivers/radio_sdr.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/log.h"

#define NS_PER_S 1000000000ull
/* Poll intervals (~50 ms each) without progress inside a block before the device counts as dead. */
#define RADIO_SDR_MAX_IDLE 20

static bool source_valid(const char *s)
{
    static const char *const names[] = {"internal", "external", "gpsdo"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0) return true;
    return false;
}

const char *radio_sdr_source(const char *s) { return s && *s ? s : "internal"; }

int radio_sdr_check_params(const struct radio_params *p, const char *backend, char *err, size_t errlen)
{
    const char *clock = radio_sdr_source(p->clock_source), *time = radio_sdr_source(p->time_source);
    if (!source_valid(clock)) {
        snprintf(err, errlen, "%s: unknown clock source \"%s\" (allowed: internal, external, gpsdo)", backend, clock);
        return -EINVAL;
    }
    if (!source_valid(time)) {
        snprintf(err, errlen, "%s: unknown time source \"%s\" (allowed: internal, external, gpsdo)", backend, time);
        return -EINVAL;
    }
    /* A whole number of Hz keeps sample <-> device time conversions exact (radio_sdr_ns_to_samples). */
    if (!(p->sample_rate > 0 && p->sample_rate <= 1e9) || p->sample_rate != floor(p->sample_rate)) {
        snprintf(err, errlen, "%s: sample rate %.3f Hz must be a whole number of Hz in (0, 1e9]", backend,
                 p->sample_rate);
        return -EINVAL;
    }
    if (p->samples_per_slot == 0 || p->samples_per_slot > INT_MAX / 2) {
        snprintf(err, errlen, "%s: samples_per_slot %zu out of range", backend, p->samples_per_slot);
        return -EINVAL;
    }
    if (!(p->dl_backoff_db >= 0 && p->dl_backoff_db <= 100)) {
        snprintf(err, errlen, "%s: dl_backoff_db %.1f out of range [0, 100]", backend, p->dl_backoff_db);
        return -EINVAL;
    }
    if (!(p->master_clock_rate >= 0 && p->master_clock_rate < 1e10)) {
        snprintf(err, errlen, "%s: master_clock_rate %.0f out of range", backend, p->master_clock_rate);
        return -EINVAL;
    }
    return 0;
}

int radio_sdr_open(struct radio *r, const struct radio_sdr_driver *drv, const struct radio_params *p, char *err,
                   size_t errlen)
{
    int rc = radio_sdr_check_params(p, drv->name, err, errlen);
    if (rc < 0) return rc;
    const char *args = p->args ? p->args : "";
    rc = drv->find(args, err, errlen);
    if (rc < 0) return rc;
    struct radio_sdr *s = calloc(1, drv->priv_size);
    if (!s) return -ENOMEM;
    r->priv = s;
    s->drv = drv;
    s->rate = (uint64_t)p->sample_rate;
    s->dl_gain = (float)pow(10.0, -p->dl_backoff_db / 20.0);
    s->tx_cap = p->samples_per_slot;
    s->tx_buf = calloc(s->tx_cap, sizeof *s->tx_buf);
    rc = s->tx_buf ? drv->setup(r, p, args, err, errlen) : -ENOMEM;
    if (rc < 0) {
        drv->close(r);
        return rc;
    }
    log_info(LOG_RADIO, "%s: opened \"%s\" at %.0f Hz, clock %s, time %s", drv->name, args, p->sample_rate,
             radio_sdr_source(p->clock_source), radio_sdr_source(p->time_source));
    return 0;
}

void radio_sdr_free(struct radio *r)
{
    struct radio_sdr *s = r->priv;
    if (!s) return;
    free(s->tx_buf);
    free(s);
    r->priv = NULL;
}

int radio_sdr_set_rate(struct radio_sdr *s, double hz)
{
    if (s->started) return -EBUSY;
    if (!(hz > 0 && hz <= 1e9) || hz != floor(hz)) return -EINVAL;
    s->rate = (uint64_t)hz;
    return 0;
}

void radio_sdr_started(struct radio *r, uint64_t base)
{
    struct radio_sdr *s = r->priv;
    s->base = base;
    s->rx_next = base;
    s->started = 1;
    atomic_store(&r->epoch, 1);
    atomic_fetch_add(&r->counters.epochs, 1);
    atomic_store(&r->state, RADIO_STATE_STREAMING);
}

int64_t radio_sdr_samples_to_ns(uint64_t samples, uint64_t rate)
{
    /* Split into whole seconds and a remainder below `rate` so that no product exceeds 1e18. */
    uint64_t q = samples / rate, m = samples % rate;
    return (int64_t)(q * NS_PER_S + (m * NS_PER_S + rate / 2) / rate);
}

uint64_t radio_sdr_ns_to_samples(int64_t ns, uint64_t rate)
{
    if (ns <= 0) return 0;
    uint64_t q = (uint64_t)ns / NS_PER_S, m = (uint64_t)ns % NS_PER_S;
    return q * rate + (m * rate + NS_PER_S / 2) / NS_PER_S;
}

uint64_t radio_sdr_secs_to_samples(int64_t full_secs, double frac_secs, uint64_t rate)
{
    if (full_secs < 0 || (full_secs == 0 && frac_secs < 0)) return 0;
    /* The whole seconds stay integer; only the fraction (< 1 s, so < rate samples) goes through a double. */
    int64_t frac = llround(frac_secs * (double)rate);
    return (uint64_t)((int64_t)((uint64_t)full_secs * rate) + frac);
}

void radio_sdr_samples_to_secs(uint64_t samples, uint64_t rate, int64_t *full_secs, double *frac_secs)
{
    *full_secs = (int64_t)(samples / rate);
    *frac_secs = (double)(samples % rate) / (double)rate;
}

size_t radio_sdr_scale_dl(cf_t *out, const cf_t *in, size_t n, float gain)
{
    size_t clipped = 0;
    for (size_t i = 0; i < n; i++) {
        float re = crealf(in[i]) * gain, im = cimagf(in[i]) * gain;
        bool clip = fabsf(re) > 1.0f || fabsf(im) > 1.0f;
        if (clip) {
            re = fmaxf(-1.0f, fminf(1.0f, re));
            im = fmaxf(-1.0f, fminf(1.0f, im));
        }
        clipped += clip;
        out[i] = re + im * I;
    }
    return clipped;
}

/* How many leading samples of a block that would start at device time t must go so that it starts on an
 * epoch sample that is >= 0 and a multiple of n (blocks stay slot-aligned after a gap). */
static uint64_t lead_to_drop(const struct radio_sdr *s, uint64_t t, size_t n)
{
    if (t < s->base) return s->base - t;
    return (n - (t - s->base) % n) % n;
}

ssize_t radio_sdr_recv(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch)
{
    struct radio_sdr *s = r->priv;
    if (!s->started || n == 0 || n > INT_MAX) return -EINVAL;
    if (!s->epoch_reported) {
        s->epoch_reported = 1;
        *epoch = 1;
        return RADIO_NEW_EPOCH;
    }
    size_t got = 0;
    uint64_t first = s->rx_next; /* device time of buf[0] */
    int idle = 0;
    while (got < n) {
        if (atomic_load_explicit(&r->stop_requested, memory_order_relaxed)) return -ECANCELED;
        uint64_t t = 0;
        bool has_time = false;
        int k = s->drv->read(r, buf + got, n - got, &t, &has_time);
        if (k == 0) {
            if (got == 0) return 0; /* nothing lost: the caller may simply call again */
            if (++idle < RADIO_SDR_MAX_IDLE) continue;
            atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
            return -ETIMEDOUT;
        }
        if (k == -EOVERFLOW) {
            /* The samples are gone; the next chunk's timestamp shows how many. */
            atomic_fetch_add_explicit(&r->counters.rx_overflows, 1, memory_order_relaxed);
            continue;
        }
        if (k < 0) {
            atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
            return k;
        }
        idle = 0;
        if (!has_time) t = s->rx_next; /* some devices time-stamp only the first packet of a stream */
        if (got > 0 && t != s->rx_next) { /* a hole: restart the block with this chunk */
            memmove(buf, buf + got, (size_t)k * sizeof *buf);
            got = 0;
        }
        s->rx_next = t + (uint64_t)k;
        if (got > 0) {
            got += (size_t)k;
            continue;
        }
        uint64_t drop = lead_to_drop(s, t, n);
        if (drop >= (uint64_t)k) continue;
        memmove(buf, buf + drop, ((size_t)k - drop) * sizeof *buf);
        got = (size_t)k - drop;
        first = t + drop;
    }
    *ts = first - s->base;
    *epoch = 1;
    atomic_store_explicit(&s->rx_end, *ts + n, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->counters.rx_samples, n, memory_order_relaxed);
    return (ssize_t)n;
}

/* Write s->tx_buf[0..m) at device time dev_ts, opening a burst if none is open. */
static int write_all(struct radio *r, struct radio_sdr *s, size_t m, uint64_t dev_ts)
{
    size_t done = 0;
    int idle = 0;
    while (done < m) {
        if (atomic_load_explicit(&r->stop_requested, memory_order_relaxed)) return -ECANCELED;
        int flags = s->burst_open ? 0 : RADIO_SDR_BURST_START;
        int k = s->drv->write(r, s->tx_buf + done, m - done, dev_ts + done, flags);
        if (k < 0) return k;
        if (k == 0) {
            if (++idle >= RADIO_SDR_MAX_IDLE) return -ETIMEDOUT;
            continue;
        }
        idle = 0;
        s->burst_open = true;
        done += (size_t)k;
    }
    return 0;
}

void radio_sdr_end_burst(struct radio *r)
{
    struct radio_sdr *s = r->priv;
    if (!s->burst_open) return;
    s->burst_open = false;
    if (s->drv->write(r, s->tx_buf, 0, 0, RADIO_SDR_BURST_END) < 0)
        atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
}

int radio_sdr_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch)
{
    struct radio_sdr *s = r->priv;
    if (!s->started || n > INT_MAX) return -EINVAL;
    if (epoch != 1) return -ESTALE;
    s->drv->poll_events(r);
    if (n == 0) return 1; /* a poll: a wall-clocked radio is always ready */
    if (ts < atomic_load_explicit(&s->rx_end, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&r->counters.tx_late, 1, memory_order_relaxed);
        return (int)n;
    }
    if (s->burst_open && ts != s->tx_next) radio_sdr_end_burst(r);
    for (size_t off = 0; off < n;) {
        size_t m = n - off < s->tx_cap ? n - off : s->tx_cap;
        size_t clipped = radio_sdr_scale_dl(s->tx_buf, buf + off, m, s->dl_gain);
        atomic_fetch_add_explicit(&r->counters.tx_clipped, clipped, memory_order_relaxed);
        int rc = write_all(r, s, m, s->base + ts + off);
        if (rc < 0) {
            if (rc != -ECANCELED) atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
            s->burst_open = false; /* the device may have dropped it; the next send starts afresh */
            return rc;
        }
        off += m;
    }
    s->tx_next = ts + n;
    atomic_fetch_add_explicit(&r->counters.tx_samples, n, memory_order_relaxed);
    return (int)n;
}
