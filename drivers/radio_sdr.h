/* Wall-clocked SDR plumbing shared by the "uhd" and "soapy" radio backends.
 *
 * A backend supplies its device calls (struct radio_sdr_driver: find, set up, read a chunk with its hardware
 * time, write a chunk in a timed burst, poll asynchronous TX events); this module turns them into the radio.h
 * contract:
 *  - Time. The backend picks a device time `base` (in samples) at which RX streaming starts; epoch sample t is
 *    device sample base + t. There is one epoch (1) for the whole run, reported once by radio_recv().
 *  - RX. radio_sdr_recv() returns exactly n contiguous samples. A hole in the device's timestamps (overflow)
 *    restarts the block; samples up to the next multiple of n are dropped so that a caller reading fixed-size
 *    blocks (slots) stays aligned on them. Overflow events are counted in rx_overflows (events, not samples).
 *  - TX. radio_sdr_send() scales DL by 10^(-dl_backoff_db/20), clips I and Q at +-1.0 (counting clipped
 *    samples in tx_clipped) and transmits at device time base + ts. A send that continues the previous one
 *    (ts == previous ts + n) stays in the open burst, so a device-reported underflow means a real gap; any
 *    other ts closes the burst and starts a new timed one. A ts that RX has already passed (the last received
 *    sample is our lower bound on device "now") is dropped and counted in tx_late; the device's own late and
 *    underflow reports are counted through poll_events.
 *
 * Threading: radio_sdr_recv() on the radio RX thread, radio_sdr_send() on the radio TX thread (may be the same).
 * The only state they share is rx_end (atomic). Everything else is set up before radio_start().
 * Neither call allocates; the TX scaling buffer is allocated by radio_sdr_init().
 */
#ifndef GNBD_DRIVERS_RADIO_SDR_H
#define GNBD_DRIVERS_RADIO_SDR_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/radio.h"

/* Flags of radio_sdr_driver.write. */
enum radio_sdr_burst { RADIO_SDR_BURST_START = 1, RADIO_SDR_BURST_END = 2 };

/* What a backend supplies. */
struct radio_sdr_driver {
    const char *name;          /* "uhd", "soapy": prefixes parameter errors */
    size_t priv_size;          /* the backend's private struct, which starts with a struct radio_sdr */
    /* Is there a device for args? 0 or a negative errno with the reason in err ("no ... device found ..."). */
    int (*find)(const char *args, char *err, size_t errlen);
    /* Make and configure the device (r->priv is allocated and zeroed); on failure close() cleans up. */
    int (*setup)(struct radio *r, const struct radio_params *p, const char *args, char *err, size_t errlen);
    void (*close)(struct radio *r);
    /* Read up to n samples. Returns the count (>0) with *dev_ts = device sample time of buf[0] and *has_time
     * set when the device gave a timestamp; 0 when nothing came within the poll interval (~50 ms);
     * -EOVERFLOW when the device reports lost samples; another negative errno on failure. */
    int (*read)(struct radio *r, cf_t *buf, size_t n, uint64_t *dev_ts, bool *has_time);
    /* Write up to n samples (n may be 0 with RADIO_SDR_BURST_END). RADIO_SDR_BURST_START: first samples of a
     * burst, to go out at device time dev_ts; otherwise they continue the open burst. Returns the count
     * written (0 = poll interval elapsed, call again with the rest) or a negative errno. */
    int (*write)(struct radio *r, const cf_t *buf, size_t n, uint64_t dev_ts, int flags);
    /* Drain pending asynchronous TX reports without blocking; count them in r->counters. */
    void (*poll_events)(struct radio *r);
};

/* Must be the FIRST member of a backend's private struct: r->priv is used as a struct radio_sdr *. */
struct radio_sdr {
    const struct radio_sdr_driver *drv;
    uint64_t rate;             /* samples per second, a whole number so that time conversions are exact */
    float dl_gain;             /* 10^(-dl_backoff_db/20) */
    cf_t *tx_buf;              /* scaled DL, tx_cap samples */
    size_t tx_cap;
    int started, epoch_reported;
    uint64_t base;             /* device sample time of epoch sample 0 */
    uint64_t rx_next;          /* device time the next RX sample should carry */
    _Atomic uint64_t rx_end;   /* epoch sample after the last one delivered: device "now" is at least this */
    bool burst_open;
    uint64_t tx_next;          /* epoch sample that would continue the open burst */
};

/* Checks the parts of radio_params every SDR backend relies on; `backend` names it in the message. */
int radio_sdr_check_params(const struct radio_params *p, const char *backend, char *err, size_t errlen);
/* "internal" for NULL or "", else s. */
const char *radio_sdr_source(const char *s);

/* struct radio_ops open for both backends: checks p, finds the device, allocates r->priv, sets it up. */
int radio_sdr_open(struct radio *r, const struct radio_sdr_driver *drv, const struct radio_params *p, char *err,
                   size_t errlen);
/* Frees what radio_sdr_open allocated for the shared part, and r->priv itself (the end of close()). */
void radio_sdr_free(struct radio *r);
/* Before radio_start() only (-EBUSY after); hz must be a positive whole number (-EINVAL). */
int radio_sdr_set_rate(struct radio_sdr *s, double hz);
/* Called by the backend's start once RX streaming is scheduled to begin at device time `base`. */
void radio_sdr_started(struct radio *r, uint64_t base);
/* Closes an open TX burst (from close(), after the radio threads have stopped). */
void radio_sdr_end_burst(struct radio *r);

/* struct radio_ops recv and send for both backends. */
ssize_t radio_sdr_recv(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch);
int radio_sdr_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch);

/* out = in * gain with I and Q clipped at +-1.0; returns how many samples had a component clipped. */
size_t radio_sdr_scale_dl(cf_t *out, const cf_t *in, size_t n, float gain);

/* Exact conversions between nanoseconds and samples at a whole-number rate (<= 1e9), rounding to the nearest
 * (halves up). Integer math in 64 bits without overflow for any time below 2^63 ns. Because one sample is at
 * least one nanosecond, samples -> ns -> samples is the identity. Negative ns convert to sample 0. */
int64_t radio_sdr_samples_to_ns(uint64_t samples, uint64_t rate);
uint64_t radio_sdr_ns_to_samples(int64_t ns, uint64_t rate);
/* The same for UHD's time_spec (whole seconds + fraction of a second); the fraction is rounded to the
 * nearest sample. Negative times convert to sample 0. */
uint64_t radio_sdr_secs_to_samples(int64_t full_secs, double frac_secs, uint64_t rate);
void radio_sdr_samples_to_secs(uint64_t samples, uint64_t rate, int64_t *full_secs, double *frac_secs);

#endif
