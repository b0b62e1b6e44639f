/* "zmq" radio: wire-compatible with srsRAN's ZeroMQ radio, so srsUE (or tests/tools/zmq_peer) can be the peer.
 *
 * Wire (docs/SRSUE.md §1): no headers, no timestamps, raw interleaved float32 I/Q ("fc32").
 *  - DL: we bind tx_port. The peer's REQ sends 1-byte requests; each DL block answers one of them.
 *    We act as a ROUTER (envelope [...][empty][payload] echoed back), which a REQ peer cannot tell from a
 *    REP, and every connection is a peer of its own (its serial number is what libzmq calls the routing id).
 *  - UL: we connect as a REQ to rx_port, keep exactly one 1-byte request (0xFF) outstanding and treat the
 *    replies, of any size, as one byte stream cut into the blocks the cell needs.
 * The sockets are spoken to directly (drivers/zmtp.h: ZMTP 3.0, tcp:// or ipc://), not through libzmq: libzmq's
 * I/O thread and mailboxes were most of an idle cell's CPU. Each radio thread reads and writes its own sockets;
 * a request costs a read(), a reply a writev(), UL samples are read straight into the UL buffer.
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
 * Threading: the DL sockets (listening and accepted) are touched only inside radio_send() (TX thread), the UL
 * connections only inside radio_recv() (RX thread); the two sides share only atomics
 * (r->epoch, r->state, r->counters, r->stop_requested and struct zr_shared per pair). Both may be called from
 * one thread, alternately. In one-thread mode (radio_set_one_thread, what the pipeline's compact mapping uses)
 * neither waits and zr_wait() polls both sides' sockets at once: a DL request and a UL reply arriving together
 * cost one wake-up, and no hand-off between threads is needed per block.
 */
#include "drivers/radio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "drivers/device_args.h"
#include "drivers/zmtp.h"
#include "gnb/log.h"

#define ZR_MAX_PEERS 8              /* port pairs */
#define ZR_SAMPLE_BYTES 8           /* fc32: one float32 I and one float32 Q */
#define ZR_MAX_MSG_SAMPLES 3072000u /* the largest reply srsUE accepts (its ZMQ_MAX_BUFFER_SIZE); we do the same */
#define ZR_STEP_MS 10               /* poll step: stop and peer changes are noticed within this */
#define ZR_CHORES_MS 10             /* idle connections, waiting peers, timers are looked at this often (zr_chores) */
#define ZR_PEER_TIMEOUT_MS 1000     /* srsUE always keeps a DL request outstanding: this much silence = gone */
#define ZR_REFUSE_GRACE_MS 300      /* a second peer on a held pair waits this long before it is refused */
#define ZR_UL_AHEAD_SLOTS 8         /* UL requests stop while a peer is this many slots ahead of the cell */
#define ZR_ENV_FRAMES 4             /* routing id + REQ_CORRELATE request id + spare */
#define ZR_ENV_FRAME_MAX 256        /* routing ids are at most 255 bytes */
#define ZR_ENDPOINT_MAX 256
#define ZR_CONNS 4                  /* connections a DL port takes at once (a holder, a waiting peer, spares) */
#define ZR_CLOSED_MAX 8             /* closed DL connections remembered until the chores look at them */
#define ZR_RECONNECT_MS 100         /* a UL connection that failed is tried again after this */

/* The envelope of a request: frame 0 names its connection (its serial number, 4 bytes: what a libzmq ROUTER
 * calls the routing id), then every frame before the empty delimiter, echoed back; fd: its connection's serial
 * number (never reused, unlike a file descriptor). */
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

/* A connection to a pair's DL port, a REQ peer's (drivers/zmtp.h; c.phase ZMTP_CLOSED: the slot is free). */
struct zr_dl_conn {
    struct zmtp_conn c;
    uint32_t serial;
    struct zr_envelope msg;     /* the request being read */
    bool delimited, bad;        /* its delimiter was read; a frame did not fit the envelope */
    unsigned char *out;         /* zmtp's output buffer: a reply the socket did not take at once */
};

/* One pair's DL side, owned by the TX thread (radio_send). */
struct zr_tx_pair {
    int lfd;                    /* listening socket */
    struct zmtp_endpoint ep;
    struct zr_dl_conn conns[ZR_CONNS];
    uint32_t closed[ZR_CLOSED_MAX]; /* serials of connections that closed, for zr_tx_monitor */
    int nclosed;
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
    bool lfd_ready;             /* poll() found a connection waiting on the listening socket */
    struct zr_envelope wait;    /* another peer's request while the pair is held (wait.n == 0: none) */
    int64_t wait_since_ms;
    bool wait_refused;          /* logged and counted */
    char port[ZR_ENDPOINT_MAX];
};

/* State owned by the TX thread. */
struct zr_tx {
    int64_t chores_ms;          /* next look at every pair's sockets and timers (zr_chores) */
    uint64_t next_ts;           /* next cell DL sample (every peer present has all before it) */
    int present;                /* peers present */
    uint32_t serial;            /* the last connection's serial number */
    size_t out_cap;             /* a DL connection's output buffer */
    cf_t *zeros;                /* samples_per_slot zeros, to fill a timestamp gap */
    bool ready[ZR_MAX_PEERS];   /* poll() found pair i's DL sockets readable or writable (zr_poll) */
};

/* One pair's UL side, owned by the RX thread (radio_recv). UL bytes live in buf[head, head + len). The last
 * `held` of them belong to a peer that has not joined yet: they arrived before the pair's first peer, or over
 * a new UL connection after the previous peer's dropped; they become the joining peer's first. */
struct zr_rx_pair {
    struct zmtp_conn c;         /* the UL connection, to the peer's REP (ZMTP_CLOSED: another try at reconnect_ms) */
    struct zmtp_endpoint ep;
    int64_t reconnect_ms;
    unsigned char out[ZMTP_OUT_SLACK];
    bool delimited;             /* the reply's delimiter was read: its further frames are samples */
    bool frame_open, frame_ok;  /* a samples frame is being read: into buf (ok), or dropped */
    bool outstanding;           /* a UL request is on the wire */
    unsigned char *buf;
    size_t cap, head, len, held;
    uint32_t gen;               /* the peer adopted (0: none yet) */
    bool live;                  /* it has not left: the cell waits for its UL */
    uint64_t offset;            /* its sample 0 in cell samples */
    uint64_t next;              /* its sample index of buf[head] */
    bool got_bytes;             /* it has sent UL: a UL connection dropping now is its own */
    bool ul_dropped;            /* its UL connection dropped: later bytes are the next peer's */
    bool mix;                   /* it has its part of the block zr_rx_block_ready found ready */
    char port[ZR_ENDPOINT_MAX];
};

/* State owned by the RX thread. */
struct zr_rx {
    int64_t chores_ms;          /* next look at every pair's connection (zr_chores) */
    uint32_t epoch;             /* epoch last announced with RADIO_NEW_EPOCH */
    uint64_t next_ts;           /* next cell UL sample */
    bool ready[ZR_MAX_PEERS];   /* poll() found pair i's UL connection readable or writable (zr_poll) */
};

struct zmq_radio {
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

/* Whether the side's periodic chores are due (then they are next due ZR_CHORES_MS from now). Per block only what
 * the block needs is read (the holder's request, a reply to our request), each socket when poll() says it has
 * something; new connections, a second peer's requests, reconnecting and the timers wait for the chores, so an
 * idle pair costs no system call per block. They react within ZR_CHORES_MS, which is the poll step anyway. */
static bool zr_chores(int64_t *due_ms, int64_t now)
{
    if (now < *due_ms) return false;
    *due_ms = now + ZR_CHORES_MS;
    return true;
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

/* Pair i's closed connections (zr_dl_close): the holder's or the waiting peer's leaving. */
static void zr_tx_monitor(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_tx_pair *p = &z->txp[i];
    for (int k = 0; k < p->nclosed; k++) {
        int fd = (int)p->closed[k];
        if (fd == p->ignore_disc_fd) {
            p->ignore_disc_fd = -1;
            continue;
        }
        if (p->wait.n > 0 && fd == p->wait.fd) p->wait.n = 0;
        if (p->present && fd == p->req.fd) zr_tx_leave(r, z, i, "peer disconnected", ZR_LEFT_EVENT_READ | ZR_LEFT_FINAL);
    }
    p->nclosed = 0;
}

/* A new request starts: its envelope names connection k. */
static void zr_dl_msg_reset(struct zr_dl_conn *k)
{
    k->msg.n = 1;
    k->msg.len[0] = sizeof k->serial;
    memcpy(k->msg.data[0], &k->serial, sizeof k->serial);
    k->msg.fd = (int)k->serial;
    k->delimited = k->bad = false;
}

/* Connection k of pair p failed or closed: remembered for zr_tx_monitor. */
static void zr_dl_close(struct zr_tx_pair *p, struct zr_dl_conn *k)
{
    zmtp_conn_close(&k->c);
    if (p->nclosed < ZR_CLOSED_MAX) p->closed[p->nclosed++] = k->serial;
}

static const char *const zr_dl_peer_types[] = {"REQ", "DEALER", "ROUTER", NULL};
static const char *const zr_ul_peer_types[] = {"REP", "ROUTER", NULL};

/* Take the connections waiting on pair p's port (one beyond ZR_CONNS is closed at once). */
static void zr_tx_accept(struct zmq_radio *z, struct zr_tx_pair *p)
{
    int fd;
    while ((fd = zmtp_accept(p->lfd)) >= 0) {
        struct zr_dl_conn *k = NULL;
        for (int j = 0; j < ZR_CONNS && !k; j++)
            if (p->conns[j].c.phase == ZMTP_CLOSED) k = &p->conns[j];
        if (!k) {
            log_warn(LOG_RADIO, "zmq[%s]: %d connections on %s already: one more closed", z->id, ZR_CONNS, p->port);
            close(fd);
            continue;
        }
        zmtp_conn_init(&k->c, fd, "ROUTER", zr_dl_peer_types, k->out, z->tx.out_cap);
        k->serial = ++z->tx.serial;
        zr_dl_msg_reset(k);
    }
}

/* Read connection k's next whole request into p->in. Returns 1 read, 0 none yet, <0 the connection failed.
 * A malformed request (a frame that does not fit an envelope) is dropped and counted. */
static int zr_dl_read(struct radio *r, struct zr_tx_pair *p, struct zr_dl_conn *k)
{
    for (;;) {
        uint64_t size;
        bool more;
        int rc = zmtp_next_frame(&k->c, &size, &more);
        if (rc <= 0) return rc;
        struct zr_envelope *e = &k->msg;
        unsigned char *dst = NULL;
        if (!k->delimited) {
            if (size == 0) k->delimited = true;
            else if (e->n < ZR_ENV_FRAMES && size <= ZR_ENV_FRAME_MAX) dst = e->data[e->n];
            else k->bad = true;
        }
        if ((rc = zmtp_read_body(&k->c, dst)) <= 0) return rc; /* the request's body: its content is ignored */
        if (dst) e->len[e->n++] = (size_t)size;
        if (more) continue;
        bool ok = k->delimited && !k->bad;
        if (ok) p->in = *e;
        zr_dl_msg_reset(k);
        if (ok) return 1;
        atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
    }
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

/* Whether pair i's port is polled for reading: its holder has no request pending, or nobody holds it (a peer
 * joining is seen at once). Anything else on it (a second peer on a held pair) waits for the chores. */
static bool zr_tx_needs_read(const struct zmq_radio *z, int i)
{
    const struct zr_tx_pair *p = &z->txp[i];
    return p->present ? !p->pending : true;
}

/* Pair i's port: new connections (on a held pair only when the listening socket polled readable, or with the
 * chores: an accept() finding nobody is a system call for nothing), output a busy socket left, requests (each
 * handed to zr_tx_on_request). A connection is read until it has nothing more, or up to a whole request when nothing of
 * its next is read ahead: a REQ peer sends no other before our reply, and a further one is seen by poll(). */
static void zr_tx_service(struct radio *r, struct zmq_radio *z, int i, bool chores)
{
    struct zr_tx_pair *p = &z->txp[i];
    if (chores || p->lfd_ready || !p->present) zr_tx_accept(z, p);
    p->lfd_ready = false;
    for (int j = 0; j < ZR_CONNS; j++) {
        struct zr_dl_conn *k = &p->conns[j];
        if (k->c.phase == ZMTP_CLOSED) continue;
        int rc;
        while ((rc = zr_dl_read(r, p, k)) > 0) {
            zr_tx_on_request(r, z, i);
            if (zmtp_buffered(&k->c) == 0) break;
        }
        if (rc < 0) zr_dl_close(p, k);
    }
}

/* Read the pairs' connections, events and requests: all of them with the chores, else those a poll found
 * ready (z->tx.ready) and the free pairs (a peer joining is seen at once: an accept() that finds nobody per free
 * pair and block; a single-pair cell with its peer has none). */
static void zr_tx_poll_pairs(struct radio *r, struct zmq_radio *z)
{
    int64_t now = zr_now_ms();
    bool chores = zr_chores(&z->tx.chores_ms, now);
    for (int i = 0; i < z->npairs; i++) {
        if (chores || z->tx.ready[i] || !z->txp[i].present) {
            zr_tx_service(r, z, i, chores);
            zr_tx_monitor(r, z, i);
        }
        if (chores) zr_tx_timers(r, z, i, now);
    }
    memset(z->tx.ready, 0, sizeof z->tx.ready);
}

/* ---------------------------------------------------------------- poll(): one set for either side or both */

/* Which pair and side an fd of the set belongs to. */
enum { ZR_PS_DL, ZR_PS_LISTEN, ZR_PS_UL };
struct zr_pollset {
    struct pollfd fds[ZR_MAX_PEERS * (ZR_CONNS + 2)];
    unsigned char pair[ZR_MAX_PEERS * (ZR_CONNS + 2)], side[ZR_MAX_PEERS * (ZR_CONNS + 2)];
    int n;
};

static void zr_ps_add(struct zr_pollset *s, int fd, short ev, int pair, int side)
{
    s->pair[s->n] = (unsigned char)pair;
    s->side[s->n] = (unsigned char)side;
    s->fds[s->n++] = (struct pollfd){.fd = fd, .events = ev};
}

/* The DL side's sockets: what the cell needs read (zr_tx_needs_read), and sockets with output queued. */
static void zr_ps_add_tx(const struct zmq_radio *z, struct zr_pollset *s)
{
    for (int i = 0; i < z->npairs; i++) {
        const struct zr_tx_pair *p = &z->txp[i];
        bool need = zr_tx_needs_read(z, i);
        if (need) zr_ps_add(s, p->lfd, POLLIN, i, ZR_PS_LISTEN);
        for (int j = 0; j < ZR_CONNS; j++) {
            const struct zmtp_conn *c = &p->conns[j].c;
            short ev = (short)((need ? POLLIN : 0) | (zmtp_wants_write(c) ? POLLOUT : 0));
            if (c->phase != ZMTP_CLOSED && ev != 0) zr_ps_add(s, c->fd, ev, i, ZR_PS_DL);
        }
    }
}

static bool zr_rx_room(const struct zmq_radio *z, const struct zr_rx_pair *x);

/* The UL side's connections: a handshake going on, a reply awaited (with room for it), output queued. */
static void zr_ps_add_rx(const struct zmq_radio *z, struct zr_pollset *s)
{
    for (int i = 0; i < z->npairs; i++) {
        const struct zr_rx_pair *x = &z->rxp[i];
        if (x->c.phase == ZMTP_CLOSED) continue;
        bool in = x->c.phase == ZMTP_HANDSHAKE || (x->outstanding && zr_rx_room(z, x));
        short ev = (short)((in ? POLLIN : 0) | (zmtp_wants_write(&x->c) ? POLLOUT : 0));
        if (ev != 0) zr_ps_add(s, x->c.fd, ev, i, ZR_PS_UL);
    }
}

/* Wait up to wait_ms for any socket of the set; marks what had something in z->tx.ready, z->txp[].lfd_ready,
 * z->rx.ready (each side's own only, unless one thread polls both). */
static int zr_poll(struct zmq_radio *z, struct zr_pollset *s, int wait_ms)
{
    int n = poll(s->fds, (nfds_t)s->n, wait_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int k = 0; k < s->n && n > 0; k++) {
        if (!s->fds[k].revents) continue;
        n--;
        int i = s->pair[k];
        if (s->side[k] == ZR_PS_UL) {
            z->rx.ready[i] = true;
        } else {
            z->tx.ready[i] = true;
            if (s->side[k] == ZR_PS_LISTEN) z->txp[i].lfd_ready = true;
        }
    }
    return 0;
}

/* Wait for pair activity the DL side needs (TX thread). */
static int zr_tx_wait(struct zmq_radio *z, int wait_ms)
{
    struct zr_pollset s = {.n = 0};
    zr_ps_add_tx(z, &s);
    return zr_poll(z, &s, wait_ms);
}

/* Answer pair p's pending request with `count` samples. A reply to a connection that is gone is dropped, as a
 * libzmq ROUTER drops one to a routing id it no longer has. */
static int zr_tx_reply(struct radio *r, struct zmq_radio *z, struct zr_tx_pair *p, const cf_t *samples,
                       size_t count)
{
    const struct zr_envelope *e = &p->req;
    struct zr_dl_conn *k = NULL;
    for (int j = 0; j < ZR_CONNS && !k; j++)
        if (p->conns[j].c.phase != ZMTP_CLOSED && (int)p->conns[j].serial == e->fd) k = &p->conns[j];
    if (k) {
        struct iovec f[ZR_ENV_FRAMES + 1];
        int nf = 0;
        for (size_t i = 1; i < e->n; i++) f[nf++] = (struct iovec){(void *)e->data[i], e->len[i]};
        f[nf++] = (struct iovec){(void *)"", 0};
        f[nf++] = (struct iovec){(void *)samples, count * ZR_SAMPLE_BYTES};
        int rc = zmtp_send(&k->c, f, nf);
        if (rc == -ENOBUFS) { /* the peer has not read our last reply yet: it broke the REQ/REP rule */
            atomic_fetch_add_explicit(&r->counters.tx_errors, 1, memory_order_relaxed);
            log_warn(LOG_RADIO, "zmq[%s]: peer on %s asked again before reading a reply: a block dropped", z->id,
                     p->port);
        } else if (rc < 0) {
            zr_dl_close(p, k); /* its leaving is read with the pair's next service */
        }
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
        int rc = zr_tx_reply(r, z, p, buf, n);
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
    int64_t deadline = r->one_thread ? 0 : zr_now_ms() + z->poll_ms; /* one thread: never wait (zr_wait does) */
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
        int64_t wait = deadline - now < ZR_STEP_MS ? deadline - now : ZR_STEP_MS;
        int rc = zr_tx_wait(z, (int)wait);
        if (rc < 0) return rc;
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

/* Pair i's UL connection failed or closed (what a libzmq "disconnected" event said before). The request on
 * the wire died with it; the next one goes over the next connection, tried ZR_RECONNECT_MS from now. */
static void zr_rx_dropped(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_rx_pair *x = &z->rxp[i];
    zmtp_conn_close(&x->c);
    x->reconnect_ms = zr_now_ms() + ZR_RECONNECT_MS;
    x->outstanding = x->delimited = x->frame_open = false;
    if (x->gen == 0 || atomic_load(&z->shared[i].gen) != x->gen) return; /* a previous peer's */
    x->ul_dropped = true;
    if (x->live && x->got_bytes) {
        x->live = false;
        atomic_store(&z->shared[i].left, x->gen); /* the TX side logs it */
        zr_rx_check_empty(r, z);
    }
}

/* Pair i has no UL connection: make one when it is time. */
static void zr_rx_connect(struct zmq_radio *z, int i, int64_t now)
{
    struct zr_rx_pair *x = &z->rxp[i];
    if (x->c.phase != ZMTP_CLOSED || now < x->reconnect_ms) return;
    int fd = zmtp_connect(&x->ep);
    if (fd < 0) {
        x->reconnect_ms = now + ZR_RECONNECT_MS;
        return;
    }
    zmtp_conn_init(&x->c, fd, "REQ", zr_ul_peer_types, x->out, sizeof x->out);
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

/* Bytes held for a joining peer are capped at one slot, which bounds the buffer (see zr_open): no reading past. */
static bool zr_rx_room(const struct zmq_radio *z, const struct zr_rx_pair *x)
{
    return x->held < z->spp * ZR_SAMPLE_BYTES;
}

/* Read what pair i's UL connection has: replies (an envelope ending in the empty delimiter, then frames of
 * samples, straight into the buffer), or its closing. */
static void zr_rx_read(struct radio *r, struct zmq_radio *z, int i)
{
    struct zr_rx_pair *x = &z->rxp[i];
    while (x->c.phase != ZMTP_CLOSED) {
        uint64_t size;
        bool more;
        int rc = zmtp_next_frame(&x->c, &size, &more);
        if (rc == 0) return;
        if (rc > 0 && !x->delimited) {
            rc = zmtp_read_body(&x->c, NULL);
            if (rc == 0) return;
            if (rc > 0 && size == 0) x->delimited = true;
            if (rc > 0 && !more) { /* a reply without samples */
                x->delimited = x->outstanding = false;
                atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
            }
            if (rc > 0) continue;
        }
        if (rc > 0 && !x->frame_open) {
            if (x->head > 0) {
                memmove(x->buf, x->buf + x->head, x->len);
                x->head = 0;
            }
            x->frame_ok = size % ZR_SAMPLE_BYTES == 0 && size <= (uint64_t)ZR_MAX_MSG_SAMPLES * ZR_SAMPLE_BYTES &&
                          x->len + size <= x->cap;
            x->frame_open = true;
        }
        /* At buf + head + len, which mixing and dropping leave where it is (they move head and len together). */
        if (rc > 0) rc = zmtp_read_body(&x->c, x->frame_ok ? x->buf + x->head + x->len : NULL);
        if (rc == 0) return;
        if (rc < 0) {
            zr_rx_dropped(r, z, i);
            return;
        }
        x->frame_open = false;
        if (!more) x->delimited = x->outstanding = false;
        if (!x->frame_ok) {
            atomic_fetch_add_explicit(&r->counters.rx_errors, 1, memory_order_relaxed);
            continue;
        }
        x->len += (size_t)size;
        /* A departed peer's last UL still comes over its own connection: held only after that one dropped. */
        if (x->gen == 0 || (!x->live && x->ul_dropped)) x->held += (size_t)size;
        else x->got_bytes |= size > 0;
        /* A whole reply, nothing of a next read ahead: no other comes before our next request (poll() sees a
         * close then, or the chores do). */
        if (!more && zmtp_buffered(&x->c) == 0) return;
    }
}

static void zr_rx_request(struct radio *r, struct zmq_radio *z, int i)
{
    static const unsigned char request = 0xFF; /* srsUE's value; the content is ignored by every peer */
    struct zr_rx_pair *x = &z->rxp[i];
    /* A peer far ahead of the cell (waiting for a slower one) is not asked for more until the cell catches up. */
    if (x->len - x->held > ZR_UL_AHEAD_SLOTS * z->spp * ZR_SAMPLE_BYTES) return;
    if (x->outstanding || x->c.phase != ZMTP_OPEN) return;
    /* As a REQ socket sends it: the empty delimiter, then the request. */
    struct iovec f[2] = {{(void *)"", 0}, {(void *)&request, 1}};
    int rc = zmtp_send(&x->c, f, 2);
    if (rc == 0) x->outstanding = true;
    else zr_rx_dropped(r, z, i);
}

/* Wait for a reply (or a handshake) on the UL connections (RX thread). */
static int zr_rx_wait(struct zmq_radio *z, int wait_ms)
{
    struct zr_pollset s = {.n = 0};
    zr_ps_add_rx(z, &s);
    return zr_poll(z, &s, wait_ms);
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

/* Whether peer x's part of cell block [t, t + n) is all there: cell samples [start, t + n) with start from
 * zr_rx_part_start(). */
static bool zr_rx_part_ready(struct zr_rx_pair *x, uint64_t t, size_t n)
{
    uint64_t start = zr_rx_part_start(x, t);
    if (start < t) return false; /* still skipping what it sent for samples the cell has passed */
    return start >= t + n || (x->len - x->held) / ZR_SAMPLE_BYTES >= t + n - start;
}

/* Whether cell block [t, t + n) is ready: every live peer has its part of it. When no peer is live any more, the
 * UL the last ones sent before they went (their last replies arrive as they close) is still the cell's: their
 * whole parts are mixed while they last (a part not finished is dropped; with a live peer left, a departed
 * peer's bytes are dropped as before). Sets x->mix for the parts to mix; *live counts the live peers. */
static bool zr_rx_block_ready(struct zmq_radio *z, uint64_t t, size_t n, int *live)
{
    bool ready = true;
    int parts = 0;
    *live = 0;
    for (int i = 0; i < z->npairs; i++) {
        struct zr_rx_pair *x = &z->rxp[i];
        x->mix = false;
        if (!x->live) continue;
        ++*live;
        x->mix = zr_rx_part_ready(x, t, n);
        if (!x->mix) ready = false;
        parts += x->mix;
    }
    if (*live > 0) return ready;
    for (int i = 0; i < z->npairs; i++) {
        struct zr_rx_pair *x = &z->rxp[i];
        if (x->gen == 0 || x->len <= x->held || x->offset + x->next >= t + n) continue;
        x->mix = zr_rx_part_ready(x, t, n);
        parts += x->mix;
    }
    return parts > 0;
}

/* Sum the parts of cell block [t, t + n) marked by zr_rx_block_ready into out and consume them. The first part
 * is copied (zeros before it), the others added: one peer costs one copy, no clearing pass. */
static void zr_rx_mix(struct zmq_radio *z, cf_t *out, uint64_t t, size_t n)
{
    _Static_assert(ZR_SAMPLE_BYTES == sizeof(cf_t), "fc32 on the wire is cf_t in memory");
    bool written = false;
    for (int i = 0; i < z->npairs; i++) {
        struct zr_rx_pair *x = &z->rxp[i];
        uint64_t start = x->offset + x->next;
        if (!x->mix || start >= t + n) continue;
        size_t first = (size_t)(start - t), count = n - first;
        const unsigned char *src = x->buf + x->head;
        if (!written) {
            memset(out, 0, first * sizeof(cf_t));
            memcpy(out + first, src, count * sizeof(cf_t));
            written = true;
        } else {
            for (size_t k = 0; k < count; k++) {
                cf_t s;
                memcpy(&s, src + k * ZR_SAMPLE_BYTES, sizeof s);
                out[first + k] += s;
            }
        }
        x->head += count * ZR_SAMPLE_BYTES;
        x->len -= count * ZR_SAMPLE_BYTES;
        x->next += count;
    }
    if (!written) memset(out, 0, n * sizeof(cf_t));
}

static ssize_t zr_recv(struct radio *r, cf_t *out, size_t n, uint64_t *ts, uint32_t *epoch)
{
    struct zmq_radio *z = r->priv;
    if (n == 0 || n > z->spp || !out) return -EINVAL;
    int64_t deadline = r->one_thread ? 0 : zr_now_ms() + z->poll_ms; /* one thread: never wait (zr_wait does) */
    for (;;) {
        if (atomic_load(&r->stop_requested)) return -ECANCELED;
        int64_t t = zr_now_ms();
        bool chores = zr_chores(&z->rx.chores_ms, t);
        for (int i = 0; i < z->npairs; i++) {
            if (chores) zr_rx_connect(z, i, t);
            if ((chores || z->rx.ready[i]) && zr_rx_room(z, &z->rxp[i])) zr_rx_read(r, z, i);
        }
        memset(z->rx.ready, 0, sizeof z->rx.ready);
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
        for (int i = 0; i < z->npairs; i++) zr_rx_request(r, z, i);
        int64_t now = zr_now_ms();
        if (now >= deadline) return 0;
        int64_t wait = deadline - now < ZR_STEP_MS ? deadline - now : ZR_STEP_MS;
        int rc = zr_rx_wait(z, (int)wait);
        if (rc < 0) return rc;
    }
}

/* One-thread mode (radio_wait): one poll() over both sides' sockets, at most a poll step (the chores). */
static int zr_wait(struct radio *r, int timeout_ms)
{
    struct zmq_radio *z = r->priv;
    struct zr_pollset s = {.n = 0};
    zr_ps_add_tx(z, &s);
    zr_ps_add_rx(z, &s);
    int64_t now = zr_now_ms(), due = z->tx.chores_ms < z->rx.chores_ms ? z->tx.chores_ms : z->rx.chores_ms;
    int64_t wait = due - now < timeout_ms ? due - now : timeout_ms;
    return zr_poll(z, &s, wait < 0 ? 0 : wait > ZR_STEP_MS ? ZR_STEP_MS : (int)wait);
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

static int zr_open_pair(struct zmq_radio *z, int i, char *err, size_t errlen)
{
    struct zr_tx_pair *t = &z->txp[i];
    struct zr_rx_pair *x = &z->rxp[i];
    char why[200];
    t->ignore_disc_fd = -1;
    if (zmtp_endpoint_parse(t->port, true, &t->ep, why, sizeof why) < 0) {
        snprintf(err, errlen, "zmq radio: cannot bind tx_port %s", why);
        return -EINVAL;
    }
    if (zmtp_endpoint_parse(x->port, false, &x->ep, why, sizeof why) < 0) {
        snprintf(err, errlen, "zmq radio: cannot connect rx_port %s", why);
        return -EINVAL;
    }
    for (int j = 0; j < ZR_CONNS; j++)
        if (!(t->conns[j].out = malloc(z->tx.out_cap))) {
            snprintf(err, errlen, "zmq radio: out of memory");
            return -ENOMEM;
        }
    t->lfd = zmtp_listen(&t->ep);
    if (t->lfd < 0) {
        int rc = t->lfd;
        snprintf(err, errlen, "zmq radio: cannot bind tx_port %s: %s", t->port, strerror(-rc));
        return rc == -EADDRINUSE ? rc : -EINVAL;
    }
    /* UL buffer: under one block not yet delivered + one slot held for a joining peer + what a peer ahead of
     * the cell may have (ZR_UL_AHEAD_SLOTS) + the largest reply. */
    x->cap = ((size_t)ZR_MAX_MSG_SAMPLES + (ZR_UL_AHEAD_SLOTS + 3) * z->spp) * ZR_SAMPLE_BYTES;
    x->buf = malloc(x->cap);
    if (!x->buf) {
        snprintf(err, errlen, "zmq radio: out of memory");
        return -ENOMEM;
    }
    zr_rx_connect(z, i, zr_now_ms());
    return 0;
}

static void zr_close(struct radio *r)
{
    struct zmq_radio *z = r->priv;
    if (!z) return;
    for (int i = 0; i < ZR_MAX_PEERS; i++) {
        struct zr_tx_pair *t = &z->txp[i];
        for (int j = 0; j < ZR_CONNS; j++) {
            zmtp_conn_close(&t->conns[j].c);
            free(t->conns[j].out);
        }
        if (t->lfd >= 0) {
            close(t->lfd);
            if (t->ep.addr.ss_family == AF_UNIX) unlink(((const struct sockaddr_un *)&t->ep.addr)->sun_path);
        }
        zmtp_conn_close(&z->rxp[i].c);
        free(z->rxp[i].buf);
    }
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
    for (int i = 0; i < ZR_MAX_PEERS; i++) {
        z->txp[i].lfd = -1;
        for (int j = 0; j < ZR_CONNS; j++) z->txp[i].conns[j].c.fd = -1;
        z->rxp[i].c.fd = -1;
    }
    r->priv = z;
    int rc = zr_parse_args(z, p, err, errlen);
    if (rc < 0) goto fail;
    z->rate = p->sample_rate;
    z->spp = p->samples_per_slot;
    z->tx.zeros = calloc(z->spp, sizeof(cf_t));
    /* a reply: its envelope frames, the delimiter and a block of samples */
    z->tx.out_cap = z->spp * ZR_SAMPLE_BYTES + ZR_ENV_FRAMES * (ZR_ENV_FRAME_MAX + 9) + ZMTP_OUT_SLACK;
    if (!z->tx.zeros) {
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
    .wait = zr_wait,
    .stop = zr_stop,
    .close = zr_close,
};
