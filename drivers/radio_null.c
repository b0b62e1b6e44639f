/* "null" radio: zeros paced by the wall clock, TX discarded (no_device: the pipeline may pass buf NULL). Lets the daemon run end to end with no radio.
 * Wall-clocked: recv sleeps until the requested samples would have arrived; send counts samples whose
 * timestamp is already past as late. One epoch for the whole run. */
#include "drivers/radio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/device_args.h"

struct null_radio {
    double rate;
    uint64_t next_rx;          /* sample index of the next RX sample */
    struct timespec t0;        /* wall time of sample 0 */
    int started;
    int epoch_reported;        /* RADIO_NEW_EPOCH returned once, before the first samples */
};

static int null_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    static const char *const allowed[] = {NULL};
    char bad[64];
    if (!device_args_check(p->args, allowed, bad, sizeof bad)) {
        snprintf(err, errlen, "null radio takes no arguments, got \"%s\"", bad);
        return -EINVAL;
    }
    if (!(p->sample_rate > 0)) {
        snprintf(err, errlen, "null radio needs a positive sample rate");
        return -EINVAL;
    }
    struct null_radio *n = calloc(1, sizeof *n);
    if (!n) return -ENOMEM;
    n->rate = p->sample_rate;
    r->priv = n;
    return 0;
}

static int null_start(struct radio *r)
{
    struct null_radio *n = r->priv;
    clock_gettime(CLOCK_MONOTONIC, &n->t0);
    n->started = 1;
    atomic_store(&r->epoch, 1);
    atomic_fetch_add(&r->counters.epochs, 1);
    atomic_store(&r->state, RADIO_STATE_STREAMING);
    return 0;
}

static double elapsed_samples(const struct null_radio *n)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double s = (double)(now.tv_sec - n->t0.tv_sec) + (double)(now.tv_nsec - n->t0.tv_nsec) * 1e-9;
    return s * n->rate;
}

static ssize_t null_recv(struct radio *r, cf_t *buf, size_t len, uint64_t *ts, uint32_t *epoch)
{
    struct null_radio *n = r->priv;
    if (!n->started) return -EINVAL;
    if (!n->epoch_reported) {
        n->epoch_reported = 1;
        *epoch = 1;
        return RADIO_NEW_EPOCH;
    }
    /* The last sample of this block "arrives" at (next_rx + len) / rate. Sleep in short steps so that
     * radio_stop() is noticed quickly. */
    for (;;) {
        if (atomic_load(&r->stop_requested)) return -ECANCELED;
        double ahead = (double)(n->next_rx + len) - elapsed_samples(n);
        if (ahead <= 0) break;
        double sec = ahead / n->rate;
        if (sec > 0.05) sec = 0.05;
        struct timespec d = {0, (long)(sec * 1e9)};
        nanosleep(&d, NULL);
    }
    if (buf) memset(buf, 0, len * sizeof *buf); /* NULL: the caller knows they are zeros (no_device) */
    *ts = n->next_rx;
    *epoch = 1;
    n->next_rx += len;
    atomic_fetch_add_explicit(&r->counters.rx_samples, len, memory_order_relaxed);
    return (ssize_t)len;
}

static int null_send(struct radio *r, const cf_t *buf, size_t len, uint64_t ts, uint32_t epoch)
{
    struct null_radio *n = r->priv;
    (void)buf;
    if (epoch != 1) return -ESTALE;
    if ((double)ts < elapsed_samples(n)) atomic_fetch_add_explicit(&r->counters.tx_late, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->counters.tx_samples, len, memory_order_relaxed);
    return (int)len;
}

static int null_set_rate(struct radio *r, double hz)
{
    struct null_radio *n = r->priv;
    if (n->started || !(hz > 0)) return -EINVAL;
    n->rate = hz;
    return 0;
}

static int null_set_ignored(struct radio *r, double v)
{
    (void)r;
    (void)v;
    return 0; /* a null radio has no frequency or gain: accepted, nothing to tune */
}

static void null_close(struct radio *r) { free(r->priv); }

const struct radio_ops radio_null_ops = {
    .name = "null",
    .clocking = RADIO_WALL_CLOCKED,
    .no_device = true,
    .open = null_open,
    .start = null_start,
    .recv = null_recv,
    .send = null_send,
    .set_sample_rate = null_set_rate,
    .set_tx_freq = null_set_ignored,
    .set_rx_freq = null_set_ignored,
    .set_tx_gain = null_set_ignored,
    .set_rx_gain = null_set_ignored,
    .close = null_close,
};
