/* Radio interface: one small vtable over every sample source/sink gnbd can use.
 *
 * Backends (selected by name at run time): "null" (zeros paced by the wall clock, TX discarded), "zmq"
 * (wire-compatible with srsRAN's ZeroMQ radio: srsUE can be the peer), "uhd" (USRP via UHD's C API), "soapy"
 * (SoapySDR C API), "file" (replay RX from an fc32 file, write TX to one). A backend whose library was absent at
 * build time is compiled out; opening it fails with a message that says so.
 *
 * Time is the sample count at the radio's rate. Two kinds of radio (see docs/ARCHITECTURE.md §1.3):
 *  - peer-clocked (zmq, file): lock-step; radio_send() waits until the peer wants the samples, nothing is ever
 *    substituted, dropped or inserted;
 *  - wall-clocked (uhd, soapy, null): radio_send() transmits at a timestamp; a timestamp already in the past is
 *    dropped and counted "late".
 * A stream *epoch* is one continuous run of the cell clock. A new epoch restarts both directions at sample 0
 * (a ZeroMQ peer reaching a cell no peer is in; peers joining a running cell keep its epoch and get their own
 * sample offset); wall-clocked radios have one epoch for the whole run. radio_recv() reports the start of a
 * new epoch (RADIO_NEW_EPOCH) before delivering its first samples, so the pipeline can drop queued DL and
 * re-prime its TX advance. radio_send() refuses samples of an old epoch with -ESTALE.
 *
 * Threading: radio_recv() is called by one thread (radio RX) and radio_send() by one thread (radio TX), which
 * may be the same thread. A radio with a wait op may be put in one-thread mode (radio_set_one_thread()): recv and
 * send then never wait, and radio_wait() waits for either direction in one call, so one thread serves both. radio_state() and radio_counters() may be read from any thread (atomics).
 * Setters (rate, frequency, gain) are for the thread that opened the radio, before radio_start().
 * Neither recv nor send allocates memory.
 */
#ifndef GNBD_DRIVERS_RADIO_H
#define GNBD_DRIVERS_RADIO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "phy/types.h"

enum radio_state { RADIO_STATE_CLOSED, RADIO_STATE_OPEN, RADIO_STATE_WAITING_FOR_PEER, RADIO_STATE_STREAMING,
                   RADIO_STATE_STOPPED, RADIO_STATE_FAILED };
enum radio_clocking { RADIO_PEER_CLOCKED, RADIO_WALL_CLOCKED };

/* Everything a backend needs, as plain data (filled from struct radio_config and the cell geometry). */
struct radio_params {
    const char *args;            /* backend arguments, "key=value,key=value" (srsRAN device_args syntax) */
    double sample_rate;          /* Hz */
    double tx_freq_hz, rx_freq_hz;
    double tx_gain_db, rx_gain_db;
    size_t samples_per_slot;     /* largest recv/send size the pipeline uses */
    const char *clock_source, *time_source; /* "internal" | "external" | "gpsdo" */
    double master_clock_rate;    /* 0 = driver default */
    const char *tx_antenna, *rx_antenna;    /* "" = driver default */
    double dl_backoff_db;        /* wall-clocked SDRs: scale DL to this RMS below full scale */
};

/* Counters, updated with relaxed atomics by the radio threads, read by the control thread. */
struct radio_counters {
    _Atomic uint64_t rx_samples, tx_samples;
    _Atomic uint64_t rx_overflows;   /* samples lost on receive (driver-reported) */
    _Atomic uint64_t tx_underflows;  /* driver-reported TX underflow events */
    _Atomic uint64_t tx_late;        /* DL sent after its deadline (dropped, zeros on air) */
    _Atomic uint64_t tx_clipped;     /* DL samples clipped at full scale */
    _Atomic uint64_t epochs;         /* stream epochs started (a peer reaching an empty cell) */
    _Atomic uint64_t peer_joins;     /* peers that joined a running epoch (zmq, several peers) */
    _Atomic uint64_t peers_refused;  /* second peers refused on a port pair a peer holds (zmq) */
    _Atomic uint64_t rx_errors, tx_errors;
};

struct radio;

struct radio_ops {
    const char *name;
    enum radio_clocking clocking;
    /* No device behind it (null): recv only waits for the slot's time and delivers zeros (given buf NULL it writes
     * nothing), send only counts. The pipeline then skips the samples and runs the radio stages on its slot
     * thread (docs/ARCHITECTURE.md §1.2): there is nothing to block on but the clock. */
    bool no_device;
    /* Fill r->priv. Writes a one-line reason to err on failure. */
    int (*open)(struct radio *r, const struct radio_params *p, char *err, size_t errlen);
    int (*start)(struct radio *r);
    ssize_t (*recv)(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch);
    int (*send)(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch);
    int (*set_sample_rate)(struct radio *r, double hz);
    int (*set_tx_freq)(struct radio *r, double hz);
    int (*set_rx_freq)(struct radio *r, double hz);
    int (*set_tx_gain)(struct radio *r, double db);
    int (*set_rx_gain)(struct radio *r, double db);
    /* Optional (one-thread mode): wait up to timeout_ms until recv or send may make progress. */
    int (*wait)(struct radio *r, int timeout_ms);
    void (*stop)(struct radio *r);
    void (*close)(struct radio *r);
};

struct radio {
    const struct radio_ops *ops;
    void *priv;
    struct radio_counters counters;
    _Atomic int state;              /* enum radio_state */
    _Atomic uint32_t epoch;         /* current stream epoch, 0 = none yet */
    _Atomic int stop_requested;     /* set by radio_stop(): blocking calls return -ECANCELED soon after */
    bool one_thread;                /* radio_set_one_thread(): recv and send never wait, radio_wait() does */
};

/* Special return value of radio_recv(): a new epoch started; *epoch holds it, nothing was read. */
#define RADIO_NEW_EPOCH (-10000)

/* Open backend `device` ("null", "zmq", ...). -ENOENT: unknown name; -ENOTSUP: compiled out; err says which
 * backends exist. Other negative values: the backend failed (err says why). */
int radio_open(struct radio *r, const char *device, const struct radio_params *p, char *err, size_t errlen);
int radio_start(struct radio *r);

/* Receive exactly n samples into buf (NULL only for a radio_no_device() radio: the samples are zeros, not written). On success returns n, *ts = sample index (within the epoch) of buf[0],
 * *epoch = the epoch they belong to. Returns 0 when nothing arrived within the backend's poll interval (call
 * again; check radio_state()), RADIO_NEW_EPOCH at the start of an epoch, -ECANCELED after radio_stop(),
 * -EPIPE at the end of a finite stream (file replay), other negative errno values on failure. */
ssize_t radio_recv(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch);

/* Send n samples whose first is sample `ts` of epoch `epoch`.
 * n == 0 (buf may be NULL) polls instead: it returns 1 when the radio is ready for samples now (a peer-clocked
 * radio holds a pending request from its peer; a wall-clocked radio always is), 0 when not within the poll
 * interval; a peer-clocked radio notices a new peer (new epoch) here, so the TX stage polls while it has no DL. Peer-clocked: blocks until the peer takes them
 * (returns 0 if it did not within the poll interval: call again with the same samples). Wall-clocked: queues
 * them for transmission at ts. Returns n when sent, -ESTALE if `epoch` is not the current epoch (samples
 * dropped), -ECANCELED after radio_stop(), other negative errno values on failure. */
int radio_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch);

/* One-thread mode, before radio_start(): one thread calls both radio_recv() and radio_send(), which then never
 * wait (they return 0 at once when they cannot progress now), and radio_wait() when neither could. -ENOTSUP: the
 * backend has no wait op (its calls keep blocking up to the poll interval). */
int radio_set_one_thread(struct radio *r);
/* One-thread mode: wait up to timeout_ms (the backend may return sooner: call again) until radio_recv() or
 * radio_send() may progress: samples or a peer's request arrived, a socket took queued output, a timer of the
 * backend is due. Returns 0, -ECANCELED after radio_stop(), other negative errno values on failure. */
int radio_wait(struct radio *r, int timeout_ms);

int radio_set_sample_rate(struct radio *r, double hz);
int radio_set_tx_freq(struct radio *r, double hz);
int radio_set_rx_freq(struct radio *r, double hz);
int radio_set_tx_gain(struct radio *r, double db);
int radio_set_rx_gain(struct radio *r, double db);
void radio_stop(struct radio *r);   /* any thread: makes blocking calls return -ECANCELED */
void radio_close(struct radio *r);

static inline enum radio_state radio_state(const struct radio *r) { return (enum radio_state)atomic_load(&r->state); }
enum radio_clocking radio_clocking(const struct radio *r);
bool radio_no_device(const struct radio *r); /* struct radio_ops.no_device */
const char *radio_state_name(enum radio_state s);

/* Comma-separated names of the backends compiled in, e.g. "null,zmq,file,uhd,soapy". */
const char *radio_backends(void);
/* Whether `name` names a backend (compiled in or not), and whether it is compiled in. */
int radio_backend_known(const char *name);
int radio_backend_available(const char *name);

#endif
