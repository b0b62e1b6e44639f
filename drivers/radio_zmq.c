/* "zmq" radio: wire-compatible with srsRAN's ZeroMQ radio, so srsUE (or tests/tools/zmq_peer) can be the peer.
 *
 * Wire (docs/SRSUE.md §1): no headers, no timestamps, raw interleaved float32 I/Q ("fc32").
 *  - DL: we bind tx_port. The peer's REQ sends 1-byte requests; each DL block answers one of them.
 *    We use a ROUTER socket (envelope [routing id][...][empty][payload]), which a REQ peer cannot tell from a
 *    REP, because the routing id tells us exactly which peer is asking.
 *  - UL: we connect a REQ to rx_port, keep exactly one 1-byte request (0xFF) outstanding and treat the replies,
 *    of any size, as one byte stream cut into the blocks the cell needs.
 *
 * Several peers (one UE each): each peer has a port pair of its own, tx_port/rx_port (pair 0) and
 * tx_portN/rx_portN (pair N, 1..ZR_MAX_PEERS-1). Time model (docs/ARCHITECTURE.md §1.3, §1.4):
 *  - The cell clock is the sample count of the current epoch. A peer *joins* with its first DL request; its
 *    offset is the cell sample its own sample 0 is (the DL block it is answered with first). Its DL sample k
 *    is cell DL sample offset + k and its UL sample k is cell UL sample offset + k.
 *  - DL: every block goes to every peer present (each answers one of its requests); radio_send() returns
 *    once all of them have it. UL: cell sample t is the sum over the peers present of their UL sample
 *    t - offset (nothing from a peer before its offset); radio_recv() delivers a block once every peer present
 *    has sent its part. So the clock runs in lock-step with the peers present; with none it waits.
 *  - A peer joining an empty cell starts a new epoch at sample 0 (a fresh cell, as with one peer); a peer
 *    joining while others are present joins the running epoch at its offset. A peer leaving never restarts
 *    anything: the others stream on and the cell clock with them.
 *  - A peer leaves when its DL connection closes, when it asks for no DL for ZR_PEER_TIMEOUT_MS, or when its
 *    UL connection closes. While a peer holds a pair, a request from another routing id on it is not answered:
 *    after ZR_REFUSE_GRACE_MS (time for a restarted peer's "disconnected" to arrive) it is logged as refused
 *    and counted (counters.peers_refused); should the pair become free, the waiting peer joins then.
 * radio_send() with n = 0 polls (radio.h): it never answers a request, returns 1 as soon as a peer present
 * has a request pending and 0 when none came within the poll interval; a pipeline with no DL queued calls it
 * so that peers are noticed. UL that arrives on a pair before its peer joined (srsUE sends one block of UL
 * before it reads DL) is held and becomes the first UL of that peer. A UL request is re-sent only after its
 * connection dropped, never on a timeout: a live peer answers the first one eventually, and REQ_CORRELATE
 * would throw that answer away (lost samples) had we sent another.
 *
 * Arguments: tx_port, rx_port (both required), tx_port1, rx_port1, ... (further peers, in pairs, numbered
 * without gaps), base_srate (if given, must equal the cell's rate), id (log tag), trx_timeout_ms (poll
 * interval: recv/send return 0 after at most this long without progress; default 100).
 *
 * Threading: the ROUTER sockets (and their monitors) are touched only inside radio_send() (TX thread), the REQ
 * sockets (and their monitors) only inside radio_recv() (RX thread); the two sides share only atomics
 * (r->epoch, r->state, r->counters, r->stop_requested and struct zr_shared per pair). Both may be called from
 * one thread, alternately.
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

#define ZR_MAX_PEERS 8              /* port pairs */
#define ZR_SAMPLE_BYTES 8           /* fc32: one float32 I and one float32 Q */
#define ZR_MAX_MSG_SAMPLES 3072000u /* the largest reply srsUE accepts (its ZMQ_MAX_BUFFER_SIZE); we do the same */
#define ZR_STEP_MS 10               /* poll step: stop and peer changes are noticed within this */
#define ZR_PEER_TIMEOUT_MS 1000     /* srsUE always keeps a DL request outstanding: this much silence = gone */
#define ZR_REFUSE_GRACE_MS 300      /* a second peer on a held pair waits this long before it is refused */
#define ZR_UL_AHEAD_SLOTS 8         /* UL requests stop while a peer is this many slots ahead of the cell */
#define ZR_ENV_FRAMES 4             /* routing id + REQ_CORRELATE request id + spare */
#define ZR_ENV_FRAME_MAX 256        /* routing ids are at most 255 bytes */
#define ZR_ENDPOINT_MAX 256

/* The envelope of a request: every frame before the empty delimiter, echoed back; fd: its connection. */
struct zr_envelope {
    size_t n;
    size_t len[ZR_ENV_FRAMES];
    unsigned char data[ZR_ENV_FRAMES][ZR_ENV_FRAME_MAX];
    int fd;
};

/* What the TX side tells the RX side about pair i's peer: the n-th peer to join the pair (gen n) has its
 * sample 0 at cell sample `offset` (stored before gen). `left` is the gen of the last peer known to have left
 * (either side stores it). */
struct zr_shared {
    _Atomic uint64_t offset;
    _Atomic uint32_t gen, left;
    _Atomic uint32_t resumed;   /* gen of a silent peer that came back: its UL stream continues, at `offset` */
};

/* One pair's DL side, owned by the TX thread (radio_send). */
struct zr_tx_pair {
    void *sock, *mon;
    struct zr_envelope in;      /* the request being read */
    struct zr_envelope req;     /* the holder's pending request */
    bool pending;
    bool present;               /* a peer holds the pair */
    bool gone;                  /* the last holder is gone for good (its connection closed): requests of its
                                 * still queued are dropped; false after it fell silent, as it may resume */
    uint32_t gen;
    int ignore_disc_fd;         /* the fd of a peer that left before its "disconnected" was read: that event,
                                 * when it comes, is not about whoever holds the fd number by then */
    uint64_t next;              /* next cell DL sample this peer gets */
    uint64_t offset;            /* the cell sample its own sample 0 is */
    int64_t last_heard_ms;      /* last request received or reply sent */
    struct zr_envelope wait;    /* another peer's request while the pair is held (wait.n == 0: none) */
    int64_t wait_since_ms;
    bool wait_refused;          /* logged and counted */
    char port[ZR_ENDPOINT_MAX];
};

/* State owned by the TX thread. */
struct zr_tx {
    uint64_t next_ts;           /* next cell DL sample (every peer present has all before it) */
    int present;                /* peers present */
    cf_t *zeros;                /* samples_per_slot zeros, to fill a timestamp gap */
};

/* One pair's UL side, owned by the RX thread (radio_recv). UL bytes live in buf[head, head + len). The last
 * `held` of them belong to a peer that has not joined yet: they arrived before the pair's first peer, or over
 * a new UL connection after the previous peer's dropped; they become the joining peer's first. */
struct zr_rx_pair {
    void *sock, *mon;
    bool outstanding;           /* a UL request is on the wire */
    bool await_connect;         /* the UL connection dropped: the next request waits for a new one */
    unsigned char *buf;
    size_t cap, head, len, held;
    uint32_t gen;               /* the peer adopted (0: none yet) */
    bool live;                  /* it has not left: the cell waits for its UL */
    uint64_t offset;            /* its sample 0 in cell samples */
    uint64_t next;              /* its sample index of buf[head] */
    bool got_bytes;             /* it has sent UL: a UL connection dropping now is its own */
    bool ul_dropped;            /* its UL connection dropped: later bytes are the next peer's */
    char port[ZR_ENDPOINT_MAX];
    zmq_msg_t msg;
};

/* State owned by the RX thread. */
struct zr_rx {
    uint32_t epoch;             /* epoch last announced with RADIO_NEW_EPOCH */
    uint64_t next_ts;           /* next cell UL sample */
};

struct zmq_radio {
    void *ctx;
    char id[32];
    double rate, base_srate;    /* base_srate 0: not given */
    int poll_ms;
    size_t spp;
    int npairs;
    struct zr_shared shared[ZR_MAX_PEERS];
    struct zr_tx tx;
    struct zr_tx_pair txp[ZR_MAX_PEERS];
    struct zr_rx rx;
    struct zr_rx_pair rxp[ZR_MAX_PEERS];
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

/* Read one monitor event (two frames: 6-byte event/value, then the endpoint). 0: none waiting. *value: the
 * event's value (the connection's fd for accepted / connected / disconnected). */
static int zr_monitor_event(void *mon, int *value)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    int event = 0;
    if (zmq_msg_recv(&m, mon, ZMQ_DONTWAIT) >= 0) {
        uint16_t ev = 0;
        uint32_t v = 0;
        if (zmq_msg_size(&m) >= 6) {
            memcpy(&ev, zmq_msg_data(&m), sizeof ev);
            memcpy(&v, (const char *)zmq_msg_data(&m) + 2, sizeof v);
        }
        event = ev ? ev : -1;
        *value = (int)v;
        while (zmq_msg_more(&m) && zmq_msg_recv(&m, mon, 0) >= 0) {}
    }
    zmq_msg_close(&m);
    return event;
}

/* ---------------------------------------------------------------- TX side: ROUTERs, inside radio_send only */

static bool zr_same_peer(const struct zr_envelope *a, const struct zr_envelope *b)
{
    return a->n > 0 && b->n > 0 && a->len[0] == b->len[0] && memcmp(a->data[0], b->data[0], a->len[0]) == 0;
}

/* Peer of pair i joins with request e: a new epoch when the cell is empty, else at the running cell's next DL
 * sample. Offset before gen: the RX side reads gen first (see zr_rx_adopt). */
static void zr_tx_join(struct radio *r, struct zmq_radio *z, int i, const struct zr_envelope *e)
{
    struct zr_tx_pair *p = &z->txp[i];
    uint32_t epoch = atomic_load(&r->epoch);
    bool fresh = z->tx.present == 0;
    if (fresh) {
        z->tx.next_ts = 0;
        epoch = atomic_fetch_add(&r->epoch, 1) + 1;
        atomic_fetch_add_explicit(&r->counters.epochs, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&r->counters.peer_joins, 1, memory_order_relaxed);
    }
    if (e->fd == p->ignore_disc_fd && zr_same_peer(e, &p->req)) p->ignore_disc_fd = -1; /* it came back */
    p->req = *e;
    p->pending = true;
    p->present = true;
    p->next = p->offset = z->tx.next_ts;
    p->last_heard_ms = zr_now_ms();
    p->gen++;
    z->tx.present++;
    atomic_store(&z->shared[i].offset, p->offset);
    atomic_store(&z->shared[i].gen, p->gen);
    /* Epoch and gen first, state second: radio_recv reads them in the opposite order. */
    zr_set_state(r, ZR_FROM(RADIO_STATE_OPEN) | ZR_FROM(RADIO_STATE_WAITING_FOR_PEER) |
                    ZR_FROM(RADIO_STATE_STREAMING), RADIO_STATE_STREAMING);
    if (fresh)
        log_info(LOG_RADIO, "zmq[%s]: peer connected on %s, epoch %u", z->id, p->port, (unsigned)epoch);
    else
        log_info(LOG_RADIO, "zmq[%s]: peer joined on %s, epoch %u at sample %llu (%d peers)", z->id, p->port,
                 (unsigned)epoch, (unsigned long long)p->next, z->tx.present);
}

/* How a holder left: its "disconnected" event was read; it is gone for good (not merely silent). */
enum { ZR_LEFT_EVENT_READ = 1, ZR_LEFT_FINAL = 2 };

/* The silent holder of pair i asks again. Its own sample count went on where it stopped, so it goes on in the
 * running epoch (never a new one) with the cell samples it missed skipped: its next sample is the cell's next,
 * i.e. its offset grows by what it missed, in both directions. */
static void zr_tx_resume(struct radio *r, struct zmq_radio *z, int i, const struct zr_envelope *e)
{
    struct zr_tx_pair *p = &z->txp[i];
    if (e->fd == p->ignore_disc_fd) p->ignore_disc_fd = -1;
    p->req = *e;
    p->pending = p->present = true;
    p->offset += z->tx.next_ts - p->next;
    p->next = z->tx.next_ts;
    p->last_heard_ms = zr_now_ms();
    p->gen++;
    z->tx.present++;
    atomic_store(&z->shared[i].offset, p->offset);
    atomic_store(&z->shared[i].resumed, p->gen);
    atomic_store(&z->shared[i].gen, p->gen);
    zr_set_state(r, ZR_FROM(RADIO_STATE_WAITING_FOR_PEER) | ZR_FROM(RADIO_STATE_STREAMING), RADIO_STATE_STREAMING);
    log_info(LOG_RADIO, "zmq[%s]: peer resumed on %s, epoch %u at sample %llu (%d peers)", z->id, p->port,
             (unsigned)atomic_load(&r->epoch), (unsigned long long)p->next, z->tx.present);
}

/* The holder of pair i left. A peer waiting on the pair joins in its place. */
static void zr_tx_leave(struct radio *r, struct zmq_radio *z, int i, const char *why, unsigned how)
{
    struct zr_tx_pair *p = &z->txp[i];
    if (!p->present) return;
    if (!(how & ZR_LEFT_EVENT_READ)) p->ignore_disc_fd = p->req.fd;
    p->gone = how & ZR_LEFT_FINAL;
    p->present = false;
    p->pending = false;
    z->tx.present--;
    atomic_store(&z->shared[i].left, p->gen);
    if (z->tx.present == 0) {
        zr_set_state(r, ZR_FROM(RADIO_STATE_STREAMING), RADIO_STATE_WAITING_FOR_PEER);
        log_info(LOG_RADIO, "zmq[%s]: %s on %s; waiting for peer", z->id, why, p->port);
    } else {
        log_info(LOG_RADIO, "zmq[%s]: %s on %s; %d peers stream on, epoch %u", z->id, why, p->port,
                 z->tx.present, (unsigned)atomic_load(&r->epoch));
    }
    if (p->wait.n > 0) {
        struct zr_envelope w = p->wait;
        p->wait.n = 0;
        zr_tx_join(r, z, i, &w);
    }
}

/* Drain pair i's connection events: the holder's or the waiting peer's connection closing. */
static void zr_tx_monitor(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_tx_pair *p = &z->txp[i];
    int ev, fd = -1;
    while ((ev = zr_monitor_event(p->mon, &fd)) != 0) {
        if (ev != ZMQ_EVENT_DISCONNECTED) continue;
        if (fd == p->ignore_disc_fd) {
            p->ignore_disc_fd = -1;
            continue;
        }
        if (p->wait.n > 0 && fd == p->wait.fd) p->wait.n = 0;
        if (p->present && fd == p->req.fd) zr_tx_leave(r, z, i, "peer disconnected", ZR_LEFT_EVENT_READ | ZR_LEFT_FINAL);
    }
}

/* Read a request into p->in if one is waiting. Returns 1 read, 0 none, -EPROTO malformed (dropped, counted). */
static int zr_tx_read_request(struct radio *r, struct zr_tx_pair *p)
{
    struct zr_envelope *e = &p->in;
    zmq_msg_t m;
    zmq_msg_init(&m);
    bool delimited = false, bad = false, first = true;
    e->n = 0;
    for (;;) {
        if (zmq_msg_recv(&m, p->sock, first ? ZMQ_DONTWAIT : 0) < 0) {
            zmq_msg_close(&m);
            return first ? 0 : -EPROTO;
        }
        if (first) e->fd = -1;
        if (e->fd < 0) e->fd = zmq_msg_get(&m, ZMQ_SRCFD); /* the routing id frame may carry none */
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

/* A request arrived on pair i. The holder's replaces its pending one (a REQ peer never has two outstanding).
 * Another routing id (REQ peers that set no ZMQ_ROUTING_ID, like srsUE, get a fresh one per connection) takes
 * a free pair; on a held pair it waits (see the file comment) unless it came over the holder's very
 * connection number: that fd was closed and reused, so the holder is gone and its "disconnected" is late. */
static void zr_tx_on_request(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_tx_pair *p = &z->txp[i];
    const struct zr_envelope *e = &p->in;
    if (p->present && zr_same_peer(e, &p->req)) {
        p->req = *e;
        p->pending = true;
        p->last_heard_ms = zr_now_ms();
        return;
    }
    if (p->present && e->fd >= 0 && e->fd == p->req.fd) zr_tx_leave(r, z, i, "peer replaced", ZR_LEFT_FINAL);
    if (!p->present && zr_same_peer(e, &p->req)) {
        if (!p->gone) zr_tx_resume(r, z, i, e); /* else sent before it left: dropped */
        return;
    }
    if (!p->present) {
        zr_tx_join(r, z, i, e);
        return;
    }
    if (!zr_same_peer(e, &p->wait)) {
        p->wait_since_ms = zr_now_ms();
        p->wait_refused = false;
    }
    p->wait = *e;
}

/* The holder asked for nothing for too long; a waiting peer past its grace is refused (once). */
static void zr_tx_timers(struct radio *r, struct zmq_radio *z, int i, int64_t now)
{
    struct zr_tx_pair *p = &z->txp[i];
    if (p->present && !p->pending && now - p->last_heard_ms > ZR_PEER_TIMEOUT_MS)
        zr_tx_leave(r, z, i, "peer silent", 0);
    if (p->present && atomic_load(&z->shared[i].left) == p->gen) zr_tx_leave(r, z, i, "UL peer disconnected", ZR_LEFT_FINAL);
    if (p->wait.n > 0 && !p->wait_refused && now - p->wait_since_ms > ZR_REFUSE_GRACE_MS) {
        p->wait_refused = true;
        atomic_fetch_add_explicit(&r->counters.peers_refused, 1, memory_order_relaxed);
        log_warn(LOG_RADIO, "zmq[%s]: second peer on %s refused: the pair is held by a peer since epoch %u "
                    "sample %llu (it is not answered while the holder stays)", z->id, p->port,
                    (unsigned)atomic_load(&r->epoch), (unsigned long long)atomic_load(&z->shared[i].offset));
    }
}

/* Read every pair's events and requests. */
static void zr_tx_poll_pairs(struct radio *r, struct zmq_radio *z)
{
    int64_t now = zr_now_ms();
    for (int i = 0; i < z->npairs; i++) {
        zr_tx_monitor(r, z, i);
        while (zr_tx_read_request(r, &z->txp[i]) > 0) zr_tx_on_request(r, z, i);
        zr_tx_timers(r, z, i, now);
    }
}

/* Answer pair p's pending request with `count` samples. */
static int zr_tx_reply(struct radio *r, struct zr_tx_pair *p, const cf_t *samples, size_t count)
{
    const struct zr_envelope *e = &p->req;
    int rc = 0;
    for (size_t i = 0; rc >= 0 && i < e->n; i++) rc = zmq_send(p->sock, e->data[i], e->len[i], ZMQ_SNDMORE);
    if (rc >= 0) rc = zmq_send(p->sock, "", 0, ZMQ_SNDMORE);
    if (rc >= 0) rc = zmq_send(p->sock, samples, count * ZR_SAMPLE_BYTES, 0);
    if (rc < 0) {
        atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
        return -errno;
    }
    p->pending = false;
    p->next += count;
    p->last_heard_ms = zr_now_ms();
    atomic_fetch_add_explicit(&r->counters.tx_samples, count, memory_order_relaxed);
    return 0;
}

/* Give cell DL block [ts, ts + n) to every peer present that has a request pending and lacks it. Returns 1 when
 * every peer present has it (and at least one is present), 0 when some still wait for a request, <0 on error. */
static int zr_tx_block(struct radio *r, struct zmq_radio *z, const cf_t *buf, size_t n, uint64_t ts)
{
    int done = z->tx.present > 0;
    for (int i = 0; i < z->npairs; i++) {
        struct zr_tx_pair *p = &z->txp[i];
        if (!p->present || p->next >= ts + n) continue;
        if (!p->pending) {
            done = 0;
            continue;
        }
        int rc = zr_tx_reply(r, p, buf, n);
        if (rc < 0) return rc;
    }
    if (done) z->tx.next_ts = ts + n;
    return done;
}

static bool zr_tx_any_pending(const struct zmq_radio *z)
{
    for (int i = 0; i < z->npairs; i++)
        if (z->txp[i].present && z->txp[i].pending) return true;
    return false;
}

static int zr_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch)
{
    struct zmq_radio *z = r->priv;
    if (n > z->spp || (n > 0 && !buf)) return -EINVAL;
    int64_t deadline = zr_now_ms() + z->poll_ms;
    for (;;) {
        if (atomic_load(&r->stop_requested)) return -ECANCELED;
        zr_tx_poll_pairs(r, z);
        if (z->tx.present > 0) /* the RX side may have declared the cell empty as a peer joined */
            zr_set_state(r, ZR_FROM(RADIO_STATE_WAITING_FOR_PEER), RADIO_STATE_STREAMING);
        if (n == 0 && zr_tx_any_pending(z)) return 1; /* poll: a peer wants DL (of whatever epoch is current) */
        /* Checked after reading, before answering: the requests stay pending for the new epoch's DL. */
        if (n > 0 && epoch != atomic_load(&r->epoch)) return -ESTALE;
        if (n > 0 && ts < z->tx.next_ts) {
            atomic_fetch_add_explicit(&r->counters.tx_late, 1, memory_order_relaxed);
            return (int)n;
        }
        if (n > 0) {
            /* A gap before ts is zeros on the wire (like srsUE's tx_align), one slot at a time. */
            uint64_t gap = ts - z->tx.next_ts;
            int rc = gap > 0 ? zr_tx_block(r, z, z->tx.zeros, gap < z->spp ? (size_t)gap : z->spp, z->tx.next_ts)
                             : zr_tx_block(r, z, buf, n, ts);
            if (rc < 0) return rc;
            if (rc > 0 && gap == 0) return (int)n;
            if (rc > 0) continue;
        }
        int64_t now = zr_now_ms();
        if (now >= deadline) return 0;
        zmq_pollitem_t items[2 * ZR_MAX_PEERS];
        for (int i = 0; i < z->npairs; i++) {
            items[2 * i] = (zmq_pollitem_t){z->txp[i].mon, 0, ZMQ_POLLIN, 0};
            items[2 * i + 1] = (zmq_pollitem_t){z->txp[i].sock, 0, ZMQ_POLLIN, 0};
        }
        int64_t wait = deadline - now < ZR_STEP_MS ? deadline - now : ZR_STEP_MS;
        if (zmq_poll(items, 2 * z->npairs, (long)wait) < 0 && errno != EINTR) return -errno;
    }
}

/* ---------------------------------------------------------------- RX side: REQs, inside radio_recv only */

/* No peer left in the cell (every pair's last peer has left): WAITING_FOR_PEER at once, so that a TX side that
 * only polls while waiting (radio.h) looks for the next peer. The TX side corrects a race with a join. */
static void zr_rx_check_empty(struct radio *r, struct zmq_radio *z)
{
    for (int i = 0; i < z->npairs; i++) {
        uint32_t g = atomic_load(&z->shared[i].gen);
        if (g != 0 && atomic_load(&z->shared[i].left) != g) return;
    }
    zr_set_state(r, ZR_FROM(RADIO_STATE_STREAMING), RADIO_STATE_WAITING_FOR_PEER);
}

static void zr_rx_monitor(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_rx_pair *x = &z->rxp[i];
    int ev, fd;
    while ((ev = zr_monitor_event(x->mon, &fd)) != 0) {
        if (ev == ZMQ_EVENT_CONNECTED) x->await_connect = false;
        if (ev != ZMQ_EVENT_DISCONNECTED) continue;
        /* The request on the wire died with the connection. ZMQ_IMMEDIATE keeps nothing queued for the next
         * connection, so a new one cannot be a duplicate (a duplicate would make REQ_CORRELATE drop the peer's
         * first answer: lost samples). It waits for "connected": libzmq reports "disconnected" before the
         * socket has let go of the dead pipe, and a request sent in between would vanish with it. */
        x->outstanding = false;
        x->await_connect = true;
        if (x->gen == 0 || atomic_load(&z->shared[i].gen) != x->gen) continue; /* a previous peer's */
        x->ul_dropped = true;
        if (x->live && x->got_bytes) {
            x->live = false;
            atomic_store(&z->shared[i].left, x->gen); /* the TX side logs it */
            zr_rx_check_empty(r, z);
        }
    }
}

/* Adopt pair i's newest peer: bytes held for it are its first, anything else is dropped. Gen before epoch
 * (the TX side stores them in the other order): returns -1, adopting nothing, when the epoch moved on. */
static int zr_rx_adopt(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_rx_pair *x = &z->rxp[i];
    uint32_t g = atomic_load(&z->shared[i].gen);
    if (g == x->gen) {
        if (x->live && atomic_load(&z->shared[i].left) == g) x->live = false;
        return 0;
    }
    if (atomic_load(&r->epoch) != z->rx.epoch) return -1;
    x->gen = g;
    x->offset = atomic_load(&z->shared[i].offset);
    x->live = atomic_load(&z->shared[i].left) != g;
    if (atomic_load(&z->shared[i].resumed) == g && !x->ul_dropped) {
        x->held = 0; /* the same peer's UL goes on: what it sent for the samples it missed is skipped */
        return 0;
    }
    x->head += x->len - x->held;
    x->len = x->held;
    x->held = 0;
    x->next = 0;
    x->got_bytes = x->len > 0;
    x->ul_dropped = false;
    return 0;
}

/* A new epoch: every pair's bytes of the old one are dropped (held bytes stay for a joining peer); the
 * peers are adopted again as they join it. */
static void zr_rx_new_epoch(struct zmq_radio *z, uint32_t e)
{
    z->rx.epoch = e;
    z->rx.next_ts = 0;
    for (int i = 0; i < z->npairs; i++) {
        struct zr_rx_pair *x = &z->rxp[i];
        x->head += x->len - x->held;
        x->len = x->held;
        x->live = false;
    }
}

/* Receive one reply on pair i if there is one. */
static void zr_rx_take_reply(struct radio *r, struct zr_rx_pair *x)
{
    if (zmq_msg_recv(&x->msg, x->sock, ZMQ_DONTWAIT) < 0) return;
    x->outstanding = false;
    size_t size = zmq_msg_size(&x->msg);
    if (x->head > 0) {
        memmove(x->buf, x->buf + x->head, x->len);
        x->head = 0;
    }
    if (size % ZR_SAMPLE_BYTES != 0 || size > (size_t)ZR_MAX_MSG_SAMPLES * ZR_SAMPLE_BYTES ||
        x->len + size > x->cap) {
        atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
        return;
    }
    memcpy(x->buf + x->len, zmq_msg_data(&x->msg), size);
    x->len += size;
    /* A departed peer's last UL still comes over its own connection: held only after that one dropped. */
    if (x->gen == 0 || (!x->live && x->ul_dropped)) x->held += size;
    else x->got_bytes |= size > 0;
}

static void zr_rx_request(struct zmq_radio *z, struct zr_rx_pair *x)
{
    static const unsigned char request = 0xFF; /* srsUE's value; the content is ignored by every peer */
    /* A peer far ahead of the cell (waiting for a slower one) is not asked for more until the cell catches up. */
    if (x->len - x->held > ZR_UL_AHEAD_SLOTS * z->spp * ZR_SAMPLE_BYTES) return;
    /* EAGAIN: no connection yet (ZMQ_IMMEDIATE): tried again next step. */
    if (!x->outstanding && !x->await_connect && zmq_send(x->sock, &request, 1, ZMQ_DONTWAIT) == 1)
        x->outstanding = true;
}

/* The cell sample where live peer x's part of cell block [t, ...) starts: its buffer head, at cell sample
 * offset + next (its sample `next`), once samples of it before t are dropped (it joined or resumed at an offset
 * the cell UL had passed). Before that cell sample the peer sends nothing: it had not joined, or it was silent. */
static uint64_t zr_rx_part_start(struct zr_rx_pair *x, uint64_t t)
{
    uint64_t head = x->offset + x->next;
    if (head < t) {
        size_t avail = (x->len - x->held) / ZR_SAMPLE_BYTES;
        size_t skip = t - head < avail ? (size_t)(t - head) : avail;
        x->head += skip * ZR_SAMPLE_BYTES;
        x->len -= skip * ZR_SAMPLE_BYTES;
        x->next += skip;
        head += skip;
    }
    return head;
}

/* Whether every live peer has its part of cell block [t, t + n): cell samples [start, t + n) with start from
 * zr_rx_part_start(). Returns false when some live peer's part is not all there; *live counts the live peers. */
static bool zr_rx_block_ready(struct zmq_radio *z, uint64_t t, size_t n, int *live)
{
    bool ready = true;
    *live = 0;
    for (int i = 0; i < z->npairs; i++) {
        struct zr_rx_pair *x = &z->rxp[i];
        if (!x->live) continue;
        ++*live;
        uint64_t start = zr_rx_part_start(x, t);
        if (start < t) ready = false; /* still skipping what it sent for samples the cell has passed */
        else if (start < t + n && (x->len - x->held) / ZR_SAMPLE_BYTES < t + n - start) ready = false;
    }
    return ready && *live > 0;
}

/* Sum the live peers' parts of cell block [t, t + n) into out and consume them. */
static void zr_rx_mix(struct zmq_radio *z, cf_t *out, uint64_t t, size_t n)
{
    memset(out, 0, n * sizeof(cf_t));
    for (int i = 0; i < z->npairs; i++) {
        struct zr_rx_pair *x = &z->rxp[i];
        uint64_t start = x->offset + x->next;
        if (!x->live || start >= t + n) continue;
        size_t first = (size_t)(start - t), count = n - first;
        const unsigned char *src = x->buf + x->head;
        for (size_t k = 0; k < count; k++) {
            cf_t s;
            memcpy(&s, src + k * ZR_SAMPLE_BYTES, sizeof s);
            out[first + k] += s;
        }
        x->head += count * ZR_SAMPLE_BYTES;
        x->len -= count * ZR_SAMPLE_BYTES;
        x->next += count;
    }
}

static ssize_t zr_recv(struct radio *r, cf_t *out, size_t n, uint64_t *ts, uint32_t *epoch)
{
    struct zmq_radio *z = r->priv;
    if (n == 0 || n > z->spp || !out) return -EINVAL;
    int64_t deadline = zr_now_ms() + z->poll_ms;
    for (;;) {
        if (atomic_load(&r->stop_requested)) return -ECANCELED;
        for (int i = 0; i < z->npairs; i++) zr_rx_monitor(r, z, i);
        uint32_t e = atomic_load(&r->epoch);
        if (e != z->rx.epoch) {
            zr_rx_new_epoch(z, e);
            *epoch = e;
            return RADIO_NEW_EPOCH;
        }
        bool moved = false;
        for (int i = 0; i < z->npairs && !moved; i++) moved = zr_rx_adopt(r, z, i) < 0;
        if (moved) continue;
        int live;
        if (e != 0 && zr_rx_block_ready(z, z->rx.next_ts, n, &live)) {
            zr_rx_mix(z, out, z->rx.next_ts, n);
            *ts = z->rx.next_ts;
            *epoch = e;
            z->rx.next_ts += n;
            atomic_fetch_add_explicit(&r->counters.rx_samples, n, memory_order_relaxed);
            return (ssize_t)n;
        }
        for (int i = 0; i < z->npairs; i++) zr_rx_request(z, &z->rxp[i]);
        int64_t now = zr_now_ms();
        if (now >= deadline) return 0;
        zmq_pollitem_t items[2 * ZR_MAX_PEERS];
        for (int i = 0; i < z->npairs; i++) {
            struct zr_rx_pair *x = &z->rxp[i];
            /* Bytes held for a joining peer are capped at one slot, which bounds the buffer (see zr_open). */
            bool room = x->held < z->spp * ZR_SAMPLE_BYTES;
            items[2 * i] = (zmq_pollitem_t){x->mon, 0, ZMQ_POLLIN, 0};
            items[2 * i + 1] = (zmq_pollitem_t){x->sock, 0, room ? ZMQ_POLLIN : 0, 0};
        }
        int64_t wait = deadline - now < ZR_STEP_MS ? deadline - now : ZR_STEP_MS;
        if (zmq_poll(items, 2 * z->npairs, (long)wait) < 0 && errno != EINTR) return -errno;
        for (int i = 0; i < z->npairs; i++)
            if (items[2 * i + 1].revents & ZMQ_POLLIN) zr_rx_take_reply(r, &z->rxp[i]);
    }
}

/* ---------------------------------------------------------------- open / close */

#define ZR_ALLOWED "tx_port, rx_port, tx_port1..tx_port7, rx_port1..rx_port7, base_srate, id, trx_timeout_ms"

/* Pair i's ports: "tx_port"/"rx_port" for pair 0, "tx_portN"/"rx_portN" for pair N. Returns 1 when both are
 * given, 0 when neither is (pairs 1..), -EINVAL with a reason otherwise. */
static int zr_parse_pair(struct zmq_radio *z, const char *args, int i, char *err, size_t errlen)
{
    char txk[24], rxk[24];
    snprintf(txk, sizeof txk, i ? "tx_port%d" : "tx_port", i);
    snprintf(rxk, sizeof rxk, i ? "rx_port%d" : "rx_port", i);
    int tx = device_args_get(args, txk, z->txp[i].port, sizeof z->txp[i].port);
    int rx = device_args_get(args, rxk, z->rxp[i].port, sizeof z->rxp[i].port);
    if (i > 0 && tx == -1 && rx == -1) return 0;
    if (tx <= 0 || rx <= 0) {
        snprintf(err, errlen, "zmq radio: %s %s (%s: DL, we bind, e.g. tcp://*:2000; %s: UL, we connect, e.g. "
                 "tcp://localhost:2001; each peer needs both)", tx <= 0 ? txk : rxk,
                 (tx <= 0 ? tx : rx) == -2 ? "is too long" : "is missing", txk, rxk);
        return -EINVAL;
    }
    return 1;
}

/* Parse and check the device arguments into z. */
static int zr_parse_args(struct zmq_radio *z, const struct radio_params *p, char *err, size_t errlen)
{
    static const char *const allowed[] = {"tx_port", "rx_port", "tx_port1", "rx_port1", "tx_port2", "rx_port2",
                                          "tx_port3", "rx_port3", "tx_port4", "rx_port4", "tx_port5", "rx_port5",
                                          "tx_port6", "rx_port6", "tx_port7", "rx_port7", "base_srate", "id",
                                          "trx_timeout_ms", NULL};
    char bad[64], text[64];
    if (!device_args_check(p->args, allowed, bad, sizeof bad)) {
        snprintf(err, errlen, "zmq radio: unknown argument \"%s\" (allowed: " ZR_ALLOWED ")", bad);
        return -EINVAL;
    }
    z->npairs = 0;
    for (int i = 0; i < ZR_MAX_PEERS; i++) {
        int rc = zr_parse_pair(z, p->args, i, err, errlen);
        if (rc < 0) return rc;
        if (rc == 0) {
            for (int j = i + 1; j < ZR_MAX_PEERS; j++) {
                char k1[24], k2[24], v[8];
                snprintf(k1, sizeof k1, "tx_port%d", j);
                snprintf(k2, sizeof k2, "rx_port%d", j);
                if (device_args_get(p->args, k1, v, sizeof v) != -1 || device_args_get(p->args, k2, v, sizeof v) != -1) {
                    snprintf(err, errlen, "zmq radio: %s given without tx_port%d/rx_port%d (peers are numbered "
                             "without gaps: tx_port/rx_port, then tx_port1/rx_port1, ...)", k1, i, i);
                    return -EINVAL;
                }
            }
            break;
        }
        z->npairs = i + 1;
    }
    for (int i = 0; i < z->npairs; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(z->txp[i].port, z->txp[j].port) == 0 || strcmp(z->rxp[i].port, z->rxp[j].port) == 0) {
                snprintf(err, errlen, "zmq radio: peers %d and %d share a port (%s): each peer needs a pair of its "
                         "own", j, i, strcmp(z->txp[i].port, z->txp[j].port) == 0 ? z->txp[i].port : z->rxp[i].port);
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

static int zr_open_pair(struct zmq_radio *z, int i, char *err, size_t errlen)
{
    struct zr_tx_pair *t = &z->txp[i];
    struct zr_rx_pair *x = &z->rxp[i];
    int one = 1, ivl = 100;
    char tx_mon[48], rx_mon[48];
    snprintf(tx_mon, sizeof tx_mon, "inproc://radio-zmq-tx-monitor-%d", i);
    snprintf(rx_mon, sizeof rx_mon, "inproc://radio-zmq-rx-monitor-%d", i);
    t->ignore_disc_fd = -1;
    t->sock = zr_socket(z->ctx, ZMQ_ROUTER, tx_mon, ZMQ_EVENT_DISCONNECTED, &t->mon);
    x->sock = zr_socket(z->ctx, ZMQ_REQ, rx_mon, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED, &x->mon);
    if (!t->sock || !x->sock) {
        snprintf(err, errlen, "zmq radio: cannot create sockets: %s", zmq_strerror(zmq_errno()));
        return -ENOMEM;
    }
    /* A peer that reconnects with the same explicit routing id takes over its old route (and stays itself). */
    zmq_setsockopt(t->sock, ZMQ_ROUTER_HANDOVER, &one, sizeof one);
    zmq_setsockopt(x->sock, ZMQ_REQ_RELAXED, &one, sizeof one);
    zmq_setsockopt(x->sock, ZMQ_REQ_CORRELATE, &one, sizeof one);
    zmq_setsockopt(x->sock, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(x->sock, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    if (zmq_bind(t->sock, t->port) != 0) {
        snprintf(err, errlen, "zmq radio: cannot bind tx_port %s: %s", t->port, zmq_strerror(zmq_errno()));
        return -EADDRINUSE;
    }
    if (zmq_connect(x->sock, x->port) != 0) {
        snprintf(err, errlen, "zmq radio: cannot connect rx_port %s: %s", x->port, zmq_strerror(zmq_errno()));
        return -EINVAL;
    }
    /* UL buffer: under one block not yet delivered + one slot held for a joining peer + what a peer ahead of
     * the cell may have (ZR_UL_AHEAD_SLOTS) + the largest reply. */
    x->cap = ((size_t)ZR_MAX_MSG_SAMPLES + (ZR_UL_AHEAD_SLOTS + 3) * z->spp) * ZR_SAMPLE_BYTES;
    x->buf = malloc(x->cap);
    if (!x->buf) {
        snprintf(err, errlen, "zmq radio: out of memory");
        return -ENOMEM;
    }
    return 0;
}

static void zr_close(struct radio *r)
{
    struct zmq_radio *z = r->priv;
    if (!z) return;
    for (int i = 0; i < ZR_MAX_PEERS; i++) {
        void *socks[] = {z->txp[i].sock, z->txp[i].mon, z->rxp[i].sock, z->rxp[i].mon};
        for (size_t k = 0; k < sizeof socks / sizeof socks[0]; k++)
            if (socks[k]) zmq_close(socks[k]);
        zmq_msg_close(&z->rxp[i].msg);
        free(z->rxp[i].buf);
    }
    if (z->ctx) zmq_ctx_term(z->ctx);
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
    for (int i = 0; i < ZR_MAX_PEERS; i++) zmq_msg_init(&z->rxp[i].msg);
    r->priv = z;
    int rc = zr_parse_args(z, p, err, errlen);
    if (rc < 0) goto fail;
    z->rate = p->sample_rate;
    z->spp = p->samples_per_slot;
    z->tx.zeros = calloc(z->spp, sizeof(cf_t));
    z->ctx = zmq_ctx_new();
    if (!z->tx.zeros || !z->ctx) {
        snprintf(err, errlen, "zmq radio: out of memory");
        rc = -ENOMEM;
        goto fail;
    }
    for (int i = 0; i < z->npairs && rc == 0; i++) rc = zr_open_pair(z, i, err, errlen);
    if (rc < 0) goto fail;
    return 0;
fail:
    zr_close(r);
    return rc;
}

static int zr_start(struct radio *r)
{
    struct zmq_radio *z = r->priv;
    if (zr_set_state(r, ZR_FROM(RADIO_STATE_OPEN), RADIO_STATE_WAITING_FOR_PEER)) {
        for (int i = 0; i < z->npairs; i++)
            log_info(LOG_RADIO, "zmq[%s]: waiting for peer on %s (UL from %s)", z->id, z->txp[i].port,
                     z->rxp[i].port);
    }
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
