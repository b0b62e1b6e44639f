/* "zmq" radio: wire-compatible with srsRAN's ZeroMQ radio, so srsUE (or tests/tools/zmq_peer) can be the peer.
 *
 * Wire (docs/SRSUE.md §1): no headers, no timestamps, raw interleaved float32 I/Q ("fc32").
 *  - DL: we bind tx_port. The peer's REQ sends 1-byte requests; each radio_send() answers one with one slot.
 *    We use a ROUTER socket (envelope [routing id][...][empty][payload]), which a REQ peer cannot tell from a
 *    REP, because the routing id tells us exactly when a different peer starts asking: a new stream epoch.
 *  - UL: we connect a REQ to rx_port, keep exactly one 1-byte request (0xFF) outstanding and treat the replies,
 *    of any size, as one byte stream cut into the blocks radio_recv() asks for.
 * Peer-clocked: time is the sample count; DL sample k and UL sample k are the peer's RX and TX sample k.
 *
 * Arguments: tx_port, rx_port (both required), base_srate (if given, must equal the cell's rate), id (log tag),
 * trx_timeout_ms (poll interval: recv/send return 0 after at most this long without progress; default 100).
 *
 * Epochs and peers: the first request from a new routing id starts epoch e+1 (state STREAMING); radio_send()
 * for an older epoch returns -ESTALE and leaves that request for the new epoch's first block. radio_send() with
 * n = 0 polls (radio.h): it never answers a request, returns 1 as soon as a request is pending (the peer wants
 * DL now) and 0 when none came within the poll interval; a pipeline with no DL queued calls it so that a new
 * or restarted peer is noticed. The peer is gone (state WAITING_FOR_PEER) when its connections close
 * or it sends no request for a second. UL that arrives before its peer's first DL request was read (srsUE
 * sends one block of UL before it reads DL) is held and becomes the first UL of that peer's epoch.
 * A UL request is re-sent only after its connection dropped, never on a timeout: a live peer answers the
 * first one eventually, and REQ_CORRELATE would throw that answer away (lost samples) had we sent another.
 *
 * Threading: the ROUTER socket (and its monitor) is touched only inside radio_send() (TX thread), the REQ socket
 * (and its monitor) only inside radio_recv() (RX thread); the two sides share only atomics (r->epoch, r->state,
 * r->counters, r->stop_requested). Both may be called from one thread, alternately.
 */
#include "drivers/radio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "drivers/device_args.h"
#include "gnb/log.h"

#define ZR_SAMPLE_BYTES 8           /* fc32: one float32 I and one float32 Q */
#define ZR_MAX_MSG_SAMPLES 3072000u /* the largest reply srsUE accepts (its ZMQ_MAX_BUFFER_SIZE); we do the same */
#define ZR_STEP_MS 10               /* poll step: stop and epoch changes are noticed within this */
#define ZR_PEER_TIMEOUT_MS 1000     /* srsUE always keeps a DL request outstanding: this much silence = gone */
#define ZR_ENV_FRAMES 4             /* routing id + REQ_CORRELATE request id + spare */
#define ZR_ENV_FRAME_MAX 256        /* routing ids are at most 255 bytes */
#define ZR_ENDPOINT_MAX 256

/* The envelope of the request being answered: every frame before the empty delimiter, echoed back. */
struct zr_envelope {
    size_t n;
    size_t len[ZR_ENV_FRAMES];
    unsigned char data[ZR_ENV_FRAMES][ZR_ENV_FRAME_MAX];
};

/* State owned by the TX thread (radio_send). */
struct zr_tx {
    void *sock, *mon;
    struct zr_envelope req;     /* the pending request */
    struct zr_envelope in;      /* the request being read */
    bool pending;
    unsigned char peer[ZR_ENV_FRAME_MAX]; /* routing id of the current peer */
    size_t peer_len;
    bool have_peer;
    int conns;                  /* open connections on the ROUTER, from its monitor */
    uint64_t next_ts;           /* next DL sample index of the current epoch */
    int64_t last_heard_ms;      /* last request received or reply sent */
    cf_t *zeros;                /* samples_per_slot zeros, to fill a timestamp gap */
};

/* State owned by the RX thread (radio_recv). UL bytes live in buf[head, head + len). The last `held` of them
 * may be a new peer's: they arrived before the first epoch, or over a new UL connection while waiting for a
 * peer. They belong to the next epoch if one starts, or to the current one if its peer resumes; they are not
 * delivered until then. */
struct zr_rx {
    void *sock, *mon;
    bool outstanding;           /* a UL request is on the wire */
    bool await_connect;         /* the UL connection dropped: the next request waits for a new one */
    unsigned char *buf;
    size_t cap, head, len, held;
    uint32_t epoch;             /* epoch last announced with RADIO_NEW_EPOCH */
    uint64_t next_ts;           /* UL sample index of buf[head] within the epoch */
    bool got_bytes;             /* the current epoch has received UL bytes */
    bool ul_dropped;            /* a UL connection dropped in this epoch: later bytes may be a new peer's */
    zmq_msg_t msg;
};

struct zmq_radio {
    void *ctx;
    char tx_port[ZR_ENDPOINT_MAX], rx_port[ZR_ENDPOINT_MAX], id[32];
    double rate, base_srate;    /* base_srate 0: not given */
    int poll_ms;
    size_t spp;
    struct zr_tx tx;
    struct zr_rx rx;
};

static int64_t zr_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Move between OPEN / WAITING_FOR_PEER / STREAMING only: STOPPED, FAILED and CLOSED belong to radio.c. */
static bool zr_set_state(struct radio *r, int from_mask, enum radio_state to)
{
    int cur = atomic_load(&r->state);
    while (from_mask & (1 << cur))
        if (atomic_compare_exchange_weak(&r->state, &cur, (int)to)) return true;
    return false;
}
#define ZR_FROM(s) (1 << (s))

static void zr_peer_gone(struct radio *r, struct zmq_radio *z, const char *why)
{
    if (zr_set_state(r, ZR_FROM(RADIO_STATE_STREAMING), RADIO_STATE_WAITING_FOR_PEER))
        log_info(LOG_RADIO, "zmq[%s]: %s; waiting for peer on %s", z->id, why, z->tx_port);
}

/* Read one monitor event (two frames: 6-byte event/value, then the endpoint). 0: none waiting. */
static int zr_monitor_event(void *mon)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    int event = 0;
    if (zmq_msg_recv(&m, mon, ZMQ_DONTWAIT) >= 0) {
        uint16_t ev = 0;
        if (zmq_msg_size(&m) >= 6) memcpy(&ev, zmq_msg_data(&m), sizeof ev);
        event = ev ? ev : -1;
        while (zmq_msg_more(&m) && zmq_msg_recv(&m, mon, 0) >= 0) {}
    }
    zmq_msg_close(&m);
    return event;
}

/* ---------------------------------------------------------------- TX side: ROUTER, inside radio_send only */

/* Drain the ROUTER's connection events. Only the net count after a whole batch matters: a restarted peer's
 * old "disconnected" and new "accepted" may be read together, possibly after its first request. A connection
 * is "accepted" before it can carry a request, so with no connection left the pending request (if any) is a
 * dead peer's: dropped, so that the next peer's request can be read. */
static void zr_tx_monitor(struct radio *r, struct zmq_radio *z)
{
    struct zr_tx *t = &z->tx;
    bool lost = false;
    int ev;
    while ((ev = zr_monitor_event(t->mon)) != 0) {
        if (ev == ZMQ_EVENT_ACCEPTED) t->conns++;
        if (ev == ZMQ_EVENT_DISCONNECTED && t->conns > 0) {
            t->conns--;
            lost = true;
        }
    }
    if (lost && t->conns == 0) {
        t->pending = false;
        zr_peer_gone(r, z, "peer disconnected");
    }
}

/* Read a request into t->in if one is waiting. Returns 1 read, 0 none, -EPROTO malformed (dropped, counted). */
static int zr_tx_read_request(struct radio *r, struct zr_tx *t)
{
    struct zr_envelope *e = &t->in;
    zmq_msg_t m;
    zmq_msg_init(&m);
    bool delimited = false, bad = false, first = true;
    e->n = 0;
    for (;;) {
        if (zmq_msg_recv(&m, t->sock, first ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&m);
            return first ? 0 : -EPROTO;
        }
        first = false;
        size_t sz = zmq_msg_size(&m);
        if (!delimited) {
            if (sz == 0 && e->n > 0)
                delimited = true;
            else if (e->n < ZR_ENV_FRAMES && sz <= ZR_ENV_FRAME_MAX) {
                memcpy(e->data[e->n], zmq_msg_data(&m), sz);
                e->len[e->n++] = sz;
            } else
                bad = true;
        }
        if (!zmq_msg_more(&m)) break;
    }
    zmq_msg_close(&m);
    if (delimited && !bad) return 1;
    atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
    return -EPROTO;
}

/* A request arrived. It replaces a pending one: a REQ peer never has two outstanding, so the older is a
 * resent request's or a departed peer's. One from a routing id other than the current peer's starts a new
 * epoch (REQ peers that set no ZMQ_ROUTING_ID, like srsUE, get a fresh id per connection). */
static void zr_tx_on_request(struct radio *r, struct zmq_radio *z)
{
    struct zr_tx *t = &z->tx;
    const struct zr_envelope *e = &t->req;
    t->req = t->in;
    t->pending = true;
    t->last_heard_ms = zr_now_ms();
    bool same = t->have_peer && t->peer_len == e->len[0] && memcmp(t->peer, e->data[0], e->len[0]) == 0;
    if (same) {
        /* With no connection open this is a departed peer's request that was still queued: no resumption. */
        if (t->conns > 0 && zr_set_state(r, ZR_FROM(RADIO_STATE_WAITING_FOR_PEER), RADIO_STATE_STREAMING))
            log_info(LOG_RADIO, "zmq[%s]: peer resumed, epoch %u", z->id, (unsigned)atomic_load(&r->epoch));
        return;
    }
    memcpy(t->peer, e->data[0], e->len[0]);
    t->peer_len = e->len[0];
    t->have_peer = true;
    t->next_ts = 0;
    /* Epoch first, state second: radio_recv reads them in the opposite order (see zr_rx_take_reply). */
    uint32_t epoch = atomic_fetch_add(&r->epoch, 1) + 1;
    atomic_fetch_add_explicit(&r->counters.epochs, 1, memory_order_relaxed);
    zr_set_state(r, ZR_FROM(RADIO_STATE_OPEN) | ZR_FROM(RADIO_STATE_WAITING_FOR_PEER) |
                    ZR_FROM(RADIO_STATE_STREAMING), RADIO_STATE_STREAMING);
    log_info(LOG_RADIO, "zmq[%s]: peer connected, epoch %u", z->id, (unsigned)epoch);
}

/* Answer the pending request with `count` samples. */
static int zr_tx_reply(struct radio *r, struct zr_tx *t, const cf_t *samples, size_t count)
{
    const struct zr_envelope *e = &t->req;
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < e->n; i++) rc = zmq_send(t->sock, e->data[i], e->len[i], ZMQ_SNDMORE);
    if (rc >= 0) rc = zmq_send(t->sock, "", 0, ZMQ_SNDMORE);
    if (rc >= 0) rc = zmq_send(t->sock, samples, count * ZR_SAMPLE_BYTES, 0);
    if (rc < 0) {
        atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
        return -errno;
    }
    t->pending = false;
    t->next_ts += count;
    t->last_heard_ms = zr_now_ms();
    atomic_fetch_add_explicit(&r->counters.tx_samples, count, memory_order_relaxed);
    return 0;
}

/* With a request pending: send the samples (n), or first zeros up to ts (0: call again), like srsUE's
 * tx_align. A block that starts in the past was already covered on the wire: dropped and counted late. */
static int zr_tx_deliver(struct radio *r, struct zr_tx *t, const cf_t *buf, size_t n, uint64_t ts, size_t spp)
{
    if (ts > t->next_ts) {
        uint64_t gap = ts - t->next_ts;
        int rc = zr_tx_reply(r, t, t->zeros, gap < spp ? (size_t)gap : spp);
        return rc < 0 ? rc : 0;
    }
    int rc = zr_tx_reply(r, t, buf, n);
    return rc < 0 ? rc : (int)n;
}

static int zr_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch)
{
    struct zmq_radio *z = r->priv;
    struct zr_tx *t = &z->tx;
    if (n > z->spp || (n > 0 && !buf)) return -EINVAL;
    int64_t deadline = zr_now_ms() + z->poll_ms;
    for (;;) {
        if (atomic_load(&r->stop_requested)) return -ECANCELED;
        zr_tx_monitor(r, z);
        while (zr_tx_read_request(r, t) > 0) zr_tx_on_request(r, z);
        if (n == 0 && t->pending) return 1; /* poll: the peer is waiting for DL (of whatever epoch is current) */
        /* Checked after reading, before answering: the request stays pending for the new epoch's DL. */
        if (n > 0 && epoch != atomic_load(&r->epoch)) return -ESTALE;
        if (n > 0 && ts < t->next_ts) {
            atomic_fetch_add_explicit(&r->counters.tx_late, 1, memory_order_relaxed);
            return (int)n;
        }
        if (t->pending && n > 0) {
            int rc = zr_tx_deliver(r, t, buf, n, ts, z->spp);
            if (rc != 0) return rc;
            continue;
        }
        int64_t now = zr_now_ms();
        if (!t->pending && t->have_peer && now - t->last_heard_ms > ZR_PEER_TIMEOUT_MS)
            zr_peer_gone(r, z, "peer silent");
        if (now >= deadline) return 0;
        zmq_pollitem_t items[2] = {{t->mon, 0, ZMQ_POLLIN, 0}, {t->sock, 0, ZMQ_POLLIN, 0}};
        int64_t wait = deadline - now < ZR_STEP_MS ? deadline - now : ZR_STEP_MS;
        if (zmq_poll(items, 2, (long)wait) < 0 && errno != EINTR) return -errno;
    }
}

/* ---------------------------------------------------------------- RX side: REQ, inside radio_recv only */

static void zr_rx_monitor(struct radio *r, struct zmq_radio *z)
{
    struct zr_rx *x = &z->rx;
    int ev;
    while ((ev = zr_monitor_event(x->mon)) != 0) {
        if (ev == ZMQ_EVENT_CONNECTED) x->await_connect = false;
        if (ev != ZMQ_EVENT_DISCONNECTED) continue;
        /* The request on the wire died with the connection. ZMQ_IMMEDIATE keeps nothing queued for the next
         * connection, so a new one cannot be a duplicate (a duplicate would make REQ_CORRELATE drop the peer's
         * first answer: lost samples). It waits for "connected": libzmq reports "disconnected" before the
         * socket has let go of the dead pipe, and a request sent in between would vanish with it. */
        x->outstanding = false;
        x->await_connect = true;
        /* If a newer epoch has begun, this was the previous peer's connection. */
        if (atomic_load(&r->epoch) != x->epoch) continue;
        x->ul_dropped = true;
        if (x->got_bytes) zr_peer_gone(r, z, "UL peer disconnected");
    }
}

/* Start epoch e: UL bytes of the old epoch are dropped; bytes held for a coming epoch are its first. */
static void zr_rx_new_epoch(struct zr_rx *x, uint32_t e)
{
    x->head += x->len - x->held;
    x->len = x->held;
    x->held = 0;
    x->epoch = e;
    x->next_ts = 0;
    x->got_bytes = x->len > 0;
    x->ul_dropped = false;
}

/* Receive one reply if there is one. Returns 1 when an epoch change was found (the reply's bytes, if any,
 * are already placed in the new epoch), 0 otherwise. */
static int zr_rx_take_reply(struct radio *r, struct zr_rx *x)
{
    if (zmq_msg_recv(&x->msg, x->sock, ZMQ_DONTWAIT) < 0) return 0;
    x->outstanding = false;
    size_t size = zmq_msg_size(&x->msg);
    if (size % ZR_SAMPLE_BYTES != 0 || size > (size_t)ZR_MAX_MSG_SAMPLES * ZR_SAMPLE_BYTES ||
        x->len + size > x->cap) {
        atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
        return 0;
    }
    /* State before epoch: the TX side stores epoch before state, so a STREAMING read here implies the epoch
     * read next is at least that peer's. */
    int state = atomic_load(&r->state);
    uint32_t e = atomic_load(&r->epoch);
    int changed = e != x->epoch;
    if (changed) zr_rx_new_epoch(x, e);
    memmove(x->buf, x->buf + x->head, x->len);
    x->head = 0;
    memcpy(x->buf + x->len, zmq_msg_data(&x->msg), size);
    x->len += size;
    /* A departed peer's last UL still comes over its own connection: held only after that one dropped. */
    if (e == 0 || (x->ul_dropped && state == RADIO_STATE_WAITING_FOR_PEER))
        x->held += size;
    else {
        x->held = 0;
        x->got_bytes |= size > 0;
    }
    return changed;
}

static void zr_rx_request(struct zr_rx *x)
{
    static const unsigned char request = 0xFF; /* srsUE's value; the content is ignored by every peer */
    /* EAGAIN: no connection yet (ZMQ_IMMEDIATE): tried again next step. */
    if (!x->outstanding && !x->await_connect && zmq_send(x->sock, &request, 1, ZMQ_DONTWAIT) == 1)
        x->outstanding = true;
}

static ssize_t zr_recv(struct radio *r, cf_t *out, size_t n, uint64_t *ts, uint32_t *epoch)
{
    struct zmq_radio *z = r->priv;
    struct zr_rx *x = &z->rx;
    if (n == 0 || n > z->spp || !out) return -EINVAL;
    size_t need = n * ZR_SAMPLE_BYTES;
    int64_t deadline = zr_now_ms() + z->poll_ms;
    for (;;) {
        if (atomic_load(&r->stop_requested)) return -ECANCELED;
        zr_rx_monitor(r, z);
        int state = atomic_load(&r->state);
        uint32_t e = atomic_load(&r->epoch);
        if (e != x->epoch) {
            zr_rx_new_epoch(x, e);
            *epoch = e;
            return RADIO_NEW_EPOCH;
        }
        if (x->held > 0 && e != 0 && state != RADIO_STATE_WAITING_FOR_PEER) x->held = 0; /* peer resumed */
        if (e != 0 && x->len - x->held >= need) {
            memcpy(out, x->buf + x->head, need);
            x->head += need;
            x->len -= need;
            *ts = x->next_ts;
            *epoch = e;
            x->next_ts += n;
            atomic_fetch_add_explicit(&r->counters.rx_samples, n, memory_order_relaxed);
            return (ssize_t)n;
        }
        zr_rx_request(x);
        int64_t now = zr_now_ms();
        if (now >= deadline) return 0;
        /* Bytes held for a coming epoch are capped at one slot, which bounds the buffer (see zr_open). */
        bool room = x->held < z->spp * ZR_SAMPLE_BYTES;
        zmq_pollitem_t items[2] = {{x->mon, 0, ZMQ_POLLIN, 0}, {x->sock, 0, room ? ZMQ_POLLIN : 0, 0}};
        int64_t wait = deadline - now < ZR_STEP_MS ? deadline - now : ZR_STEP_MS;
        if (zmq_poll(items, 2, (long)wait) < 0 && errno != EINTR) return -errno;
        if ((items[1].revents & ZMQ_POLLIN) && zr_rx_take_reply(r, x)) {
            *epoch = x->epoch;
            return RADIO_NEW_EPOCH;
        }
    }
}

/* ---------------------------------------------------------------- open / close */

/* Parse and check the device arguments into z. */
static int zr_parse_args(struct zmq_radio *z, const struct radio_params *p, char *err, size_t errlen)
{
    static const char *const allowed[] = {"tx_port", "rx_port", "base_srate", "id", "trx_timeout_ms", NULL};
    char bad[64], text[64];
    if (!device_args_check(p->args, allowed, bad, sizeof bad)) {
        snprintf(err, errlen, "zmq radio: unknown argument \"%s\" (allowed: tx_port, rx_port, base_srate, id, "
                 "trx_timeout_ms)", bad);
        return -EINVAL;
    }
    int tx = device_args_get(p->args, "tx_port", z->tx_port, sizeof z->tx_port);
    int rx = device_args_get(p->args, "rx_port", z->rx_port, sizeof z->rx_port);
    if (tx <= 0 || rx <= 0) {
        snprintf(err, errlen, "zmq radio: %s %s (tx_port: DL, we bind, e.g. tcp://*:2000; rx_port: UL, we "
                 "connect, e.g. tcp://localhost:2001)", tx <= 0 ? "tx_port" : "rx_port",
                 (tx <= 0 ? tx : rx) == -2 ? "is too long" : "is missing");
        return -EINVAL;
    }
    int id = device_args_get(p->args, "id", z->id, sizeof z->id);
    if (id == -2) {
        snprintf(err, errlen, "zmq radio: id is longer than %zu characters", sizeof z->id - 1);
        return -EINVAL;
    }
    if (id <= 0) snprintf(z->id, sizeof z->id, "gnb");
    double v;
    int rc = device_args_get_double(p->args, "trx_timeout_ms", &v);
    if (rc == -2 || (rc == 0 && !(v >= 1 && v <= 60000))) {
        snprintf(err, errlen, "zmq radio: trx_timeout_ms must be a number of milliseconds, 1..60000");
        return -EINVAL;
    }
    z->poll_ms = rc == 0 ? (int)v : 100;
    rc = device_args_get_double(p->args, "base_srate", &z->base_srate);
    if (rc == -2 || (rc == 0 && z->base_srate != p->sample_rate)) {
        device_args_get(p->args, "base_srate", text, sizeof text);
        snprintf(err, errlen, "zmq radio: base_srate %s differs from the cell's sample rate %.10ge6 (srsUE's "
                 "base_srate must equal it)", text, p->sample_rate / 1e6);
        return -EINVAL;
    }
    if (rc != 0) z->base_srate = 0;
    return 0;
}

/* A socket with linger 0 (close never blocks) and its event monitor, a PAIR read by the same thread. */
static void *zr_socket(void *ctx, int type, const char *mon_ep, int events, void **mon)
{
    void *s = zmq_socket(ctx, type);
    if (!s) return NULL;
    int zero = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    *mon = NULL;
    if (zmq_socket_monitor(s, mon_ep, events) == 0 && (*mon = zmq_socket(ctx, ZMQ_PAIR)) != NULL &&
        zmq_connect(*mon, mon_ep) == 0)
        return s;
    if (*mon) zmq_close(*mon);
    *mon = NULL;
    zmq_close(s);
    return NULL;
}

static int zr_open_sockets(struct zmq_radio *z, char *err, size_t errlen)
{
    int one = 1, ivl = 100;
    z->tx.sock = zr_socket(z->ctx, ZMQ_ROUTER, "inproc://radio-zmq-tx-monitor",
                           ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED, &z->tx.mon);
    z->rx.sock = zr_socket(z->ctx, ZMQ_REQ, "inproc://radio-zmq-rx-monitor",
                           ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED, &z->rx.mon);
    if (!z->tx.sock || !z->rx.sock) {
        snprintf(err, errlen, "zmq radio: cannot create sockets: %s", zmq_strerror(zmq_errno()));
        return -ENOMEM;
    }
    /* A peer that reconnects with the same explicit routing id takes over its old route. */
    zmq_setsockopt(z->tx.sock, ZMQ_ROUTER_HANDOVER, &one, sizeof one);
    zmq_setsockopt(z->rx.sock, ZMQ_REQ_RELAXED, &one, sizeof one);
    zmq_setsockopt(z->rx.sock, ZMQ_REQ_CORRELATE, &one, sizeof one);
    zmq_setsockopt(z->rx.sock, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(z->rx.sock, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    if (zmq_bind(z->tx.sock, z->tx_port) != 0) {
        snprintf(err, errlen, "zmq radio: cannot bind tx_port %s: %s", z->tx_port, zmq_strerror(zmq_errno()));
        return -EADDRINUSE;
    }
    if (zmq_connect(z->rx.sock, z->rx_port) != 0) {
        snprintf(err, errlen, "zmq radio: cannot connect rx_port %s: %s", z->rx_port, zmq_strerror(zmq_errno()));
        return -EINVAL;
    }
    return 0;
}

static void zr_close(struct radio *r)
{
    struct zmq_radio *z = r->priv;
    if (!z) return;
    void *socks[] = {z->tx.sock, z->tx.mon, z->rx.sock, z->rx.mon};
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
        if (socks[i]) zmq_close(socks[i]);
    zmq_msg_close(&z->rx.msg);
    if (z->ctx) zmq_ctx_term(z->ctx);
    free(z->rx.buf);
    free(z->tx.zeros);
    free(z);
    r->priv = NULL;
}

static int zr_open(struct radio *r, const struct radio_params *p, char *err, size_t errlen)
{
    if (!(p->sample_rate > 0) || p->samples_per_slot == 0 || p->samples_per_slot > ZR_MAX_MSG_SAMPLES) {
        snprintf(err, errlen, "zmq radio needs a positive sample rate and 1..%u samples per slot",
                 ZR_MAX_MSG_SAMPLES);
        return -EINVAL;
    }
    struct zmq_radio *z = calloc(1, sizeof *z);
    if (!z) return -ENOMEM;
    zmq_msg_init(&z->rx.msg);
    r->priv = z;
    int rc = zr_parse_args(z, p, err, errlen);
    if (rc < 0) goto fail;
    z->rate = p->sample_rate;
    z->spp = p->samples_per_slot;
    /* UL buffer: under one block not yet delivered + one slot held for a coming epoch + the largest reply. */
    z->rx.cap = ((size_t)ZR_MAX_MSG_SAMPLES + 2 * z->spp) * ZR_SAMPLE_BYTES;
    z->rx.buf = malloc(z->rx.cap);
    z->tx.zeros = calloc(z->spp, sizeof(cf_t));
    z->ctx = zmq_ctx_new();
    if (!z->rx.buf || !z->tx.zeros || !z->ctx) {
        snprintf(err, errlen, "zmq radio: out of memory");
        rc = -ENOMEM;
        goto fail;
    }
    rc = zr_open_sockets(z, err, errlen);
    if (rc < 0) goto fail;
    return 0;
fail:
    zr_close(r);
    return rc;
}

static int zr_start(struct radio *r)
{
    struct zmq_radio *z = r->priv;
    if (zr_set_state(r, ZR_FROM(RADIO_STATE_OPEN), RADIO_STATE_WAITING_FOR_PEER))
        log_info(LOG_RADIO, "zmq[%s]: waiting for peer on %s (UL from %s)", z->id, z->tx_port, z->rx_port);
    return 0;
}

static int zr_set_rate(struct radio *r, double hz)
{
    struct zmq_radio *z = r->priv;
    if (!(hz > 0) || (z->base_srate != 0 && hz != z->base_srate)) return -EINVAL;
    z->rate = hz;
    return 0;
}

static int zr_set_ignored(struct radio *r, double v)
{
    (void)r;
    (void)v;
    return 0; /* no RF: frequency and gain have no meaning on the wire */
}

static void zr_stop(struct radio *r)
{
    (void)r; /* r->stop_requested is enough: both sides look at it every poll step */
}

const struct radio_ops radio_zmq_ops = {
    .name = "zmq",
    .clocking = RADIO_PEER_CLOCKED,
    .open = zr_open,
    .start = zr_start,
    .recv = zr_recv,
    .send = zr_send,
    .set_sample_rate = zr_set_rate,
    .set_tx_freq = zr_set_ignored,
    .set_rx_freq = zr_set_ignored,
    .set_tx_gain = zr_set_ignored,
    .set_rx_gain = zr_set_ignored,
    .stop = zr_stop,
    .close = zr_close,
};
