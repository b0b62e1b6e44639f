/* Tests of the "zmq" radio (drivers/radio_zmq.c) against an in-process srsUE-like peer: the core of
 * tests/tools/zmq_peer.c, run in a thread with its own ZeroMQ context (ending it closes its connections the way
 * a killed process would). Endpoints are on 127.0.0.1 with ports derived from the pid (Check forks each test)
 * or ipc:// in /tmp. DL sample k carries the ramp k % 1000003 (the peer checks it), UL sample k the peer's
 * counter ramp (checked here). */
#define ZMQ_PEER_NO_MAIN
#include "tests/tools/zmq_peer.c"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/radio.h"
#include "gnb/log.h"
#include "tests/unit/check_run.h"

#define RATE 11.52e6
#define SPP 1152 /* samples per test block: small, so that a test moves many blocks quickly */

/* Radio and peer endpoints for one test. Block k of a test uses two ports. */
struct eps {
    char args[256];
    char peer_tx[96], peer_rx[96];
};

/* Whether a listener could bind 127.0.0.1:port now (as ZeroMQ binds: with SO_REUSEADDR). */
static bool port_free(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

/* Ports from a pid-derived start, skipping pairs that other programs on this machine hold. */
static void eps_tcp(struct eps *e, int k, const char *extra)
{
    int dl = 30000 + (getpid() % 1000) * 10 + 2 * k;
    while (dl < 65000 && !(port_free(dl) && port_free(dl + 1))) dl += 10000 + 2;
    int ul = dl + 1;
    snprintf(e->args, sizeof e->args, "tx_port=tcp://127.0.0.1:%d,rx_port=tcp://127.0.0.1:%d,id=test%s", dl, ul,
             extra);
    snprintf(e->peer_tx, sizeof e->peer_tx, "tcp://127.0.0.1:%d", ul);
    snprintf(e->peer_rx, sizeof e->peer_rx, "tcp://127.0.0.1:%d", dl);
}

static void eps_ipc(struct eps *e, const char *extra)
{
    snprintf(e->peer_tx, sizeof e->peer_tx, "ipc:///tmp/gnbd-test-zmq-%d-ul", getpid());
    snprintf(e->peer_rx, sizeof e->peer_rx, "ipc:///tmp/gnbd-test-zmq-%d-dl", getpid());
    snprintf(e->args, sizeof e->args, "tx_port=%s,rx_port=%s%s", e->peer_rx, e->peer_tx, extra);
}

static int open_zmq(struct radio *r, const char *args, char *err, size_t errlen)
{
    struct radio_params p = {.args = args, .sample_rate = RATE, .samples_per_slot = SPP};
    return radio_open(r, "zmq", &p, err, errlen);
}

/* Loop tests run twice: _i = 1 puts the radio in one-thread mode (radio_set_one_thread: recv and send never
 * wait, the driver waits in radio_wait for both directions, as the pipeline's compact mapping does). */
static bool one_thread;

static void open_started(struct radio *r, const char *args)
{
    char err[256] = "";
    int rc = open_zmq(r, args, err, sizeof err);
    ck_assert_msg(rc == 0, "open failed: %s", err);
    if (one_thread) ck_assert_int_eq(radio_set_one_thread(r), 0);
    ck_assert_int_eq(radio_start(r), 0);
}

/* ---------------------------------------------------------------- peer thread */

struct peer {
    pthread_t th;
    struct zmq_peer_cfg cfg;
    struct zmq_peer_result res;
    _Atomic int stop;
    int rc;
};

static void *peer_main(void *arg)
{
    struct peer *p = arg;
    p->rc = zmq_peer_run(&p->cfg, &p->res);
    return NULL;
}

static void peer_init(struct peer *p, const struct eps *e, size_t ul_lead)
{
    memset(p, 0, sizeof *p);
    p->cfg = (struct zmq_peer_cfg){.tx = e->peer_tx, .rx = e->peer_rx, .slot = SPP, .ul_lead = ul_lead,
                                   .dl_check = zmq_peer_check_ramp, .idle_timeout_ms = 20000,
                                   .stop = &p->stop};
}

static void peer_go(struct peer *p) { ck_assert_int_eq(pthread_create(&p->th, NULL, peer_main, p), 0); }

static void peer_start(struct peer *p, const struct eps *e, size_t ul_lead)
{
    peer_init(p, e, ul_lead);
    peer_go(p);
}

/* End the peer like a killed process; returns its result code (0: no error seen). */
static int peer_kill(struct peer *p)
{
    atomic_store(&p->stop, 1);
    pthread_join(p->th, NULL);
    return p->rc;
}

/* ---------------------------------------------------------------- a single-threaded pipeline stand-in */

struct drv {
    struct radio *r;
    unsigned k;                /* DL runs this many blocks ahead of UL */
    uint32_t epoch;            /* 0: none yet */
    uint64_t dl_next, ul_next; /* next DL sample to send, next UL sample expected (within the epoch) */
    unsigned new_epochs;
    uint64_t ul_bad;           /* UL samples off the peer's ramp or at the wrong timestamp */
    uint64_t early;            /* UL blocks delivered before their DL samples were sent */
    cf_t dl[SPP], ul[SPP];
};

static _Atomic uint64_t cell_dl_next; /* the last driver's d->dl_next, for check_ramp_from (peer threads) */

static int drv_send_dl(struct drv *d)
{
    for (size_t i = 0; i < SPP; i++) d->dl[i] = zmq_peer_dl_ramp(d->dl_next + i);
    int rc = radio_send(d->r, d->dl, SPP, d->dl_next, d->epoch);
    if (rc == SPP) d->dl_next += SPP;
    atomic_store(&cell_dl_next, d->dl_next);
    return rc;
}

static void drv_check_ul(struct drv *d, uint64_t ts, uint32_t e)
{
    d->ul_bad += ts != d->ul_next || e != d->epoch;
    for (size_t i = 0; i < SPP; i++) d->ul_bad += d->ul[i] != zmq_peer_ul_sample(ts + i);
    d->early += d->dl_next < ts + SPP;
    d->ul_next += SPP;
}

/* Nothing came: an n = 0 radio_send() reads DL requests (notices a new peer); in one-thread mode the driver
 * then waits for either direction (a blocking recv waited already). */
static int drv_idle(struct drv *d)
{
    int rc = radio_send(d->r, NULL, 0, 0, d->epoch);
    if (rc >= 0 && d->r->one_thread) rc = radio_wait(d->r, 20);
    return rc < 0 ? rc : 0;
}

/* One step like the single-threaded pipeline: DL first while it may run ahead, else UL. When UL is idle, an
 * n = 0 radio_send() looks for a new peer (it only reads requests, never answers one). */
static int drv_step(struct drv *d)
{
    if (d->epoch != 0 && d->dl_next < d->ul_next + d->k * SPP) {
        int rc = drv_send_dl(d);
        if (rc == SPP) return 0;
        if (rc < 0 && rc != -ESTALE) return rc;
    }
    uint64_t ts;
    uint32_t e;
    ssize_t got = radio_recv(d->r, d->ul, SPP, &ts, &e);
    if (got == RADIO_NEW_EPOCH) {
        d->epoch = e;
        d->dl_next = d->ul_next = 0;
        d->new_epochs++;
        return 0;
    }
    if (got == 0) return drv_idle(d);
    if (got < 0) return (int)got;
    drv_check_ul(d, ts, e);
    return 0;
}

/* A started radio on this test's TCP endpoints, and a driver keeping DL k blocks ahead of UL. */
static void setup_tcp(struct eps *e, struct radio *r, struct drv *d, const char *extra, unsigned k)
{
    eps_tcp(e, 0, extra);
    open_started(r, e->args);
    *d = (struct drv){.r = r, .k = k};
}

/* Step until `samples` UL samples of epoch `epoch` arrived. */
static int drv_run(struct drv *d, uint32_t epoch, uint64_t samples, int timeout_ms)
{
    int64_t end = zmq_peer_now_ms() + timeout_ms;
    while (!(d->epoch == epoch && d->ul_next >= samples)) {
        int rc = drv_step(d);
        if (rc < 0) return rc;
        if (zmq_peer_now_ms() > end) return -ETIMEDOUT;
    }
    return 0;
}

static int wait_state(struct radio *r, struct drv *d, enum radio_state want, int timeout_ms)
{
    int64_t end = zmq_peer_now_ms() + timeout_ms;
    while (radio_state(r) != want) {
        if (zmq_peer_now_ms() > end) return -ETIMEDOUT;
        int rc = drv_step(d);
        if (rc < 0) return rc;
    }
    return 0;
}

/* Drive epoch `round` with peer p until `samples` UL samples came, end the peer, check it saw its DL intact
 * from sample 0, and wait until the radio notices it is gone. */
static void run_round(struct drv *d, struct peer *p, uint32_t round, uint64_t samples)
{
    ck_assert_int_eq(drv_run(d, round, samples, 30000), 0);
    ck_assert_int_eq(radio_state(d->r), RADIO_STATE_STREAMING);
    ck_assert_int_eq(peer_kill(p), 0);
    ck_assert_msg(p->res.dl_pattern_errors == 0, "round %u: DL broken at sample %llu", round,
                  (unsigned long long)p->res.first_bad_dl);
    ck_assert_uint_eq(d->new_epochs, round);
    ck_assert_uint_eq(atomic_load(&d->r->counters.epochs), round);
    ck_assert_int_eq(wait_state(d->r, d, RADIO_STATE_WAITING_FOR_PEER, 5000), 0);
}

/* ---------------------------------------------------------------- tests */

START_TEST(test_open_rejects_bad_arguments_with_a_reason)
{
    struct radio r;
    char err[256];
    ck_assert_int_eq(open_zmq(&r, "rx_port=tcp://127.0.0.1:1", err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "tx_port is missing"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://127.0.0.1:1", err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "rx_port is missing"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,tx_gain=3", err, sizeof err),
                     -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "\"tx_gain=3\""));
    ck_assert_ptr_nonnull(strstr(err, "allowed: tx_port, rx_port, tx_port1..tx_port7, rx_port1..rx_port7, base_srate, id, trx_timeout_ms"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,base_srate=23.04e6", err,
                              sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "base_srate 23.04e6 differs from the cell's sample rate 11.52e6"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,trx_timeout_ms=0", err,
                              sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "trx_timeout_ms"));
}
END_TEST

START_TEST(test_open_accepts_equal_base_srate_and_refuses_a_busy_port)
{
    struct eps e;
    eps_tcp(&e, 0, ",base_srate=11.52e6,trx_timeout_ms=20");
    struct radio a, b;
    char err[256] = "";
    ck_assert_msg(open_zmq(&a, e.args, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(radio_clocking(&a), RADIO_PEER_CLOCKED);
    ck_assert_int_eq(radio_start(&a), 0);
    ck_assert_int_eq(radio_state(&a), RADIO_STATE_WAITING_FOR_PEER);
    ck_assert_int_eq(open_zmq(&b, e.args, err, sizeof err), -EADDRINUSE);
    ck_assert_ptr_nonnull(strstr(err, "cannot bind tx_port"));
    radio_close(&a);
}
END_TEST

/* DL slots whose samples encode their index reach the peer intact; the UL ramp comes back continuous; no UL
 * block is delivered before the DL samples it answers were sent (the peer is strictly lock-step). */
START_TEST(test_lockstep_dl_and_ul_are_continuous)
{
    one_thread = _i;
    struct eps e;
    struct radio r;
    static struct drv d;
    setup_tcp(&e, &r, &d, "", 3);
    struct peer p;
    peer_start(&p, &e, 0);
    ck_assert_int_eq(drv_run(&d, 1, 2000 * SPP, 30000), 0);
    ck_assert_int_eq(radio_state(&r), RADIO_STATE_STREAMING);
    ck_assert_int_eq(peer_kill(&p), 0);
    ck_assert_msg(p.res.dl_pattern_errors == 0, "DL broken at sample %llu", (unsigned long long)p.res.first_bad_dl);
    ck_assert_uint_ge(p.res.dl_samples, 2000 * SPP);
    ck_assert_uint_eq(d.ul_bad, 0);
    ck_assert_uint_eq(d.early, 0);
    ck_assert_uint_eq(d.new_epochs, 1);
    ck_assert_uint_eq(atomic_load(&r.counters.epochs), 1);
    ck_assert_uint_eq(atomic_load(&r.counters.rx_samples), d.ul_next);
    ck_assert_uint_eq(atomic_load(&r.counters.tx_samples), d.dl_next);
    ck_assert_uint_eq(atomic_load(&r.counters.rx_errors), 0);
    radio_close(&r);
}
END_TEST

/* UL replies of 1000, 7, 12345, 1 and 3333 samples are cut into exact SPP-sample blocks, over ipc://. */
START_TEST(test_odd_ul_reply_sizes_are_reassembled)
{
    one_thread = _i;
    struct eps e;
    eps_ipc(&e, "");
    struct radio r;
    open_started(&r, e.args);
    static const size_t chunks[] = {1000, 7, 12345, 1, 3333};
    struct peer p;
    peer_init(&p, &e, 0);
    p.cfg.n_ul_chunks = sizeof chunks / sizeof chunks[0];
    memcpy(p.cfg.ul_chunks, chunks, sizeof chunks);
    peer_go(&p);
    static struct drv d;
    d = (struct drv){.r = &r, .k = 13}; /* 13 blocks of DL advance let the 12345-sample chunk through */
    ck_assert_int_eq(drv_run(&d, 1, 300 * SPP, 30000), 0);
    ck_assert_int_eq(peer_kill(&p), 0);
    ck_assert_uint_eq(d.ul_bad, 0);
    ck_assert_uint_eq(d.early, 0);
    ck_assert_uint_eq(p.res.ul_min_reply, 1);
    ck_assert_uint_eq(p.res.ul_max_reply, 12345);
    ck_assert_uint_gt(p.res.ul_replies, 50);
    radio_close(&r);
}
END_TEST

/* A reply that is not whole samples, and one larger than 3,072,000 samples, are counted and dropped; the
 * stream goes on with the next replies (2 + SPP ramp samples make one block starting at sample 0). */
START_TEST(test_bad_ul_replies_are_counted_and_dropped)
{
    struct eps e;
    eps_tcp(&e, 0, ",trx_timeout_ms=10");
    struct radio r;
    open_started(&r, e.args);
    void *ctx = zmq_ctx_new(), *rep = zmq_socket(ctx, ZMQ_REP), *req = zmq_socket(ctx, ZMQ_REQ);
    int zero = 0;
    zmq_setsockopt(rep, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(req, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(rep, e.peer_tx), 0);
    ck_assert_int_eq(zmq_connect(req, e.peer_rx), 0);
    ck_assert_int_eq(zmq_send(req, "\xff", 1, 0), 1); /* a DL request: this peer opens epoch 1 */
    size_t big = (3072000 + 1) * sizeof(cf_t);
    cf_t *buf = calloc(big / sizeof(cf_t), sizeof(cf_t));
    ck_assert_ptr_nonnull(buf);
    const size_t sizes[] = {13, big, 2 * sizeof(cf_t), SPP * sizeof(cf_t)};
    uint64_t ramp = 0;
    size_t next = 0;
    static struct drv d;
    d = (struct drv){.r = &r, .k = 0};
    int64_t end = zmq_peer_now_ms() + 10000;
    while (d.ul_next < SPP && zmq_peer_now_ms() < end) {
        ck_assert_int_eq(drv_step(&d), 0);
        char b[8];
        if (next < 4 && zmq_recv(rep, b, sizeof b, ZMQ_DONTWAIT) >= 0) {
            size_t n = next >= 2 ? sizes[next] / sizeof(cf_t) : 0;
            for (size_t i = 0; i < n; i++) buf[i] = zmq_peer_ul_sample(ramp + i);
            ramp += n;
            ck_assert_int_ge(zmq_send(rep, buf, sizes[next++], 0), 0);
        }
    }
    ck_assert_uint_eq(d.ul_next, SPP);
    ck_assert_uint_eq(d.ul_bad, 0);
    ck_assert_uint_eq(atomic_load(&r.counters.rx_errors), 2);
    free(buf);
    zmq_close(rep);
    zmq_close(req);
    zmq_ctx_term(ctx);
    radio_close(&r);
}
END_TEST

/* Three peers one after the other: each gets a new epoch, its DL starts at sample 0 (the peer checks the ramp
 * from 0) and its UL is delivered from timestamp 0. A send for the old epoch is refused with -ESTALE and leaves
 * the new peer's request for the new epoch's first block. Between peers the radio waits for a peer. */
START_TEST(test_each_new_peer_starts_a_new_epoch_from_sample_zero)
{
    one_thread = _i;
    struct eps e;
    struct radio r;
    static struct drv d;
    setup_tcp(&e, &r, &d, ",trx_timeout_ms=20", 2);
    for (uint32_t round = 1; round <= 3; round++) {
        struct peer p;
        peer_start(&p, &e, 0);
        if (round > 1) {
            int rc;
            int64_t end = zmq_peer_now_ms() + 5000;
            while ((rc = radio_send(&r, NULL, 0, 0, d.epoch)) == 0 && zmq_peer_now_ms() < end) {}
            ck_assert_int_eq(rc, 1);                          /* the new peer's request is pending */
            ck_assert_uint_eq(atomic_load(&r.epoch), round);  /* ... and it started a new epoch */
            ck_assert_int_eq(drv_send_dl(&d), -ESTALE);
        }
        run_round(&d, &p, round, 200 * SPP);
    }
    ck_assert_uint_eq(d.ul_bad, 0);
    ck_assert_uint_eq(d.early, 0);
    radio_close(&r);
}
END_TEST

/* UL that arrives before the TX side has seen the peer (srsUE pads one block of UL before it reads DL) belongs
 * to that peer's epoch: for the first peer (before any epoch) and for a later one (while waiting for a peer),
 * the RX side alone runs for 300 ms first, so the UL is there before any send sees the peer's request. */
START_TEST(test_ul_before_the_peer_is_seen_is_kept_for_its_epoch)
{
    struct eps e;
    struct radio r;
    static struct drv d;
    setup_tcp(&e, &r, &d, ",trx_timeout_ms=20", 2);
    for (uint32_t round = 1; round <= 2; round++) {
        struct peer p;
        peer_start(&p, &e, SPP);
        int64_t end = zmq_peer_now_ms() + 300;
        while (zmq_peer_now_ms() < end) {
            uint64_t ts;
            uint32_t ep;
            ssize_t got = radio_recv(&r, d.ul, SPP, &ts, &ep);
            ck_assert_int_ge(got, 0); /* no new epoch without a send seeing the peer... */
            if (got > 0) drv_check_ul(&d, ts, ep); /* ...only what the previous peer sent before it left */
        }
        run_round(&d, &p, round, 50 * SPP);
        ck_assert_uint_eq(d.ul_bad, 0); /* the first block of the epoch is the peer's UL sample 0.. */
    }
    radio_close(&r);
}
END_TEST

/* ---------------------------------------------------------------- the same with RX and TX threads */

struct mt {
    struct radio *r;
    _Atomic uint32_t epoch;     /* published by the RX thread on RADIO_NEW_EPOCH */
    _Atomic uint64_t ul_next;   /* UL samples received in that epoch */
    _Atomic uint64_t ul_bad, ul_first_ok; /* UL errors; epochs whose first block started at UL sample 0 */
    _Atomic int quit, rc;
};

static void *mt_rx(void *arg)
{
    struct mt *m = arg;
    static cf_t ul[SPP];
    while (!atomic_load(&m->quit)) {
        uint64_t ts;
        uint32_t e;
        ssize_t got = radio_recv(m->r, ul, SPP, &ts, &e);
        if (got == RADIO_NEW_EPOCH) {
            atomic_store(&m->ul_next, 0);
            atomic_store(&m->epoch, e);
        } else if (got == SPP) {
            uint64_t bad = ts != atomic_load(&m->ul_next) || e != atomic_load(&m->epoch);
            for (size_t i = 0; i < SPP; i++) bad += ul[i] != zmq_peer_ul_sample(ts + i);
            atomic_fetch_add(&m->ul_bad, bad);
            if (ts == 0 && !bad) atomic_fetch_add(&m->ul_first_ok, 1);
            atomic_fetch_add(&m->ul_next, SPP);
        } else if (got < 0) {
            atomic_store(&m->rc, (int)got);
            break;
        }
    }
    return NULL;
}

/* DL up to 3 blocks ahead of UL; while it may not send (or has no epoch), it looks for a new peer. */
static void *mt_tx(void *arg)
{
    struct mt *m = arg;
    static cf_t dl[SPP];
    uint32_t epoch = 0;
    uint64_t dl_next = 0;
    while (!atomic_load(&m->quit)) {
        uint32_t e = atomic_load(&m->epoch);
        if (e != epoch) {
            epoch = e;
            dl_next = 0;
        }
        int rc;
        if (epoch != 0 && dl_next < atomic_load(&m->ul_next) + 3 * SPP) {
            for (size_t i = 0; i < SPP; i++) dl[i] = zmq_peer_dl_ramp(dl_next + i);
            rc = radio_send(m->r, dl, SPP, dl_next, epoch);
            if (rc == SPP) dl_next += SPP;
        } else if (epoch == 0 || radio_state(m->r) == RADIO_STATE_WAITING_FOR_PEER)
            rc = radio_send(m->r, NULL, 0, 0, epoch);
        else
            rc = usleep(200);
        if (rc == -ESTALE) usleep(1000); /* the RX thread announces the new epoch */
        else if (rc < 0) {
            atomic_store(&m->rc, rc);
            break;
        }
    }
    return NULL;
}

/* With an RX and a TX thread and a peer that, like srsUE, sends one block of UL ahead of the DL it has, three
 * peers in a row: each epoch's UL is delivered from the peer's sample 0 (UL that arrives before the TX side
 * has seen the new peer is kept for its epoch), and each peer's DL is intact from sample 0. */
START_TEST(test_threads_and_ul_ahead_of_dl_across_restarts)
{
    struct eps e;
    eps_tcp(&e, 0, ",trx_timeout_ms=20");
    struct radio r;
    open_started(&r, e.args);
    static struct mt m;
    m = (struct mt){.r = &r};
    pthread_t rx, tx;
    ck_assert_int_eq(pthread_create(&rx, NULL, mt_rx, &m), 0);
    ck_assert_int_eq(pthread_create(&tx, NULL, mt_tx, &m), 0);
    for (uint32_t round = 1; round <= 3; round++) {
        struct peer p;
        peer_start(&p, &e, SPP);
        int64_t end = zmq_peer_now_ms() + 30000;
        while (!(atomic_load(&m.epoch) == round && atomic_load(&m.ul_next) >= 200 * SPP) &&
               zmq_peer_now_ms() < end && atomic_load(&m.rc) == 0)
            usleep(1000);
        ck_assert_int_eq(atomic_load(&m.rc), 0);
        ck_assert_uint_eq(atomic_load(&m.epoch), round);
        ck_assert_uint_ge(atomic_load(&m.ul_next), 200 * SPP);
        ck_assert_int_eq(peer_kill(&p), 0);
        ck_assert_msg(p.res.dl_pattern_errors == 0, "round %u: DL broken at sample %llu", round,
                      (unsigned long long)p.res.first_bad_dl);
    }
    atomic_store(&m.quit, 1);
    pthread_join(rx, NULL);
    pthread_join(tx, NULL);
    ck_assert_uint_eq(atomic_load(&m.ul_bad), 0);
    ck_assert_uint_eq(atomic_load(&m.ul_first_ok), 3);
    ck_assert_uint_eq(atomic_load(&r.counters.epochs), 3);
    radio_close(&r);
}
END_TEST

struct blocked {
    struct radio *r;
    int is_send;
    int64_t rc, ms;
};

static void *blocked_call(void *arg)
{
    struct blocked *b = arg;
    static cf_t buf[SPP];
    uint64_t ts;
    uint32_t e;
    int64_t t0 = zmq_peer_now_ms();
    do
        b->rc = b->is_send ? radio_send(b->r, buf, SPP, 0, 0) : radio_recv(b->r, buf, SPP, &ts, &e);
    while (b->rc == 0);
    b->ms = zmq_peer_now_ms() - t0;
    return NULL;
}

/* With no peer and a 10 s poll interval, radio_stop() from another thread ends a blocked recv and a blocked
 * send with -ECANCELED within a poll step, not at the end of the interval. */
START_TEST(test_stop_unblocks_recv_and_send)
{
    struct eps e;
    eps_tcp(&e, 0, ",trx_timeout_ms=10000");
    struct radio r;
    open_started(&r, e.args);
    struct blocked b[2] = {{.r = &r, .is_send = 0}, {.r = &r, .is_send = 1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) ck_assert_int_eq(pthread_create(&th[i], NULL, blocked_call, &b[i]), 0);
    usleep(200 * 1000);
    radio_stop(&r);
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(b[i].rc, -ECANCELED);
        ck_assert_int_lt(b[i].ms, 1000);
    }
    ck_assert_int_eq(radio_state(&r), RADIO_STATE_STOPPED);
    radio_close(&r);
}
END_TEST

/* A DL block whose timestamp skips one block is preceded by one block of zeros on the wire (the peer sees
 * exactly SPP zeros where the ramp should be, then the ramp again); a block whose timestamp is in the past is
 * dropped and counted late. */
START_TEST(test_dl_gap_is_zero_filled_and_past_block_is_late)
{
    one_thread = _i;
    struct eps e;
    struct radio r;
    static struct drv d;
    setup_tcp(&e, &r, &d, ",trx_timeout_ms=20", 0);
    struct peer p;
    peer_start(&p, &e, 0);
    while (d.epoch == 0) ck_assert_int_eq(drv_step(&d), 0);
    int rc;
    while ((rc = drv_send_dl(&d)) == 0) {}
    ck_assert_int_eq(rc, SPP);
    d.dl_next += SPP; /* skip one block */
    while ((rc = drv_send_dl(&d)) == 0) {}
    ck_assert_int_eq(rc, SPP);
    ck_assert_int_eq(radio_send(&r, d.dl, SPP, SPP, d.epoch), SPP);
    ck_assert_uint_eq(atomic_load(&r.counters.tx_late), 1);
    ck_assert_uint_eq(atomic_load(&r.counters.tx_samples), 3 * SPP);
    ck_assert_int_eq(drv_run(&d, 1, 3 * SPP, 10000), 0); /* the peer's UL, sent once it has all its DL */
    ck_assert_int_eq(peer_kill(&p), -EPROTO); /* the peer reports the gap as a DL continuity error... */
    ck_assert_uint_eq(p.res.dl_samples, 3 * SPP);
    ck_assert_uint_eq(p.res.dl_pattern_errors, SPP); /* ...of exactly the skipped block */
    ck_assert_uint_eq(p.res.first_bad_dl, SPP);
    radio_close(&r);
}
END_TEST

/* ---------------------------------------------------------------- several peers */

/* A joining peer's DL is the cell's from its offset on: its DL sample k is ramp(offset + k). The check learns
 * the offset from the first sample and publishes it for the UL checks: the ramp gives it modulo its modulus, the
 * cell's DL position (cell_dl_next, at most a few blocks past the offset when that sample arrives) the rest (a
 * join on a loaded machine may come after more than a modulus of samples). */
static _Atomic uint64_t join_offset[2] = {UINT64_MAX, UINT64_MAX};
static bool check_ramp_from(int who, uint64_t k, cf_t s)
{
    if (k == 0) {
        uint64_t v = (uint64_t)crealf(s), at = atomic_load(&cell_dl_next);
        uint64_t off = at - (at - v) % ZMQ_PEER_DL_RAMP_MOD; /* the last x <= at with x = v (mod the modulus) */
        atomic_store(&join_offset[who], v <= at ? off : v);
    }
    uint64_t off = atomic_load(&join_offset[who]);
    return off != UINT64_MAX && crealf(s) == crealf(zmq_peer_dl_ramp(off + k));
}
static bool check_ramp_b(uint64_t k, cf_t s) { return check_ramp_from(0, k, s); }
static bool check_ramp_c(uint64_t k, cf_t s) { return check_ramp_from(1, k, s); }

/* UL of the cell with peer A from sample 0 and a peer at `off` (UINT64_MAX: none): their samples summed. */
static cf_t ul_sum(uint64_t t, uint64_t off)
{
    return zmq_peer_ul_sample(t) + (t >= off ? zmq_peer_ul_sample(t - off) : 0);
}

/* Step the driver until `blocks` more UL blocks came, classifying each: A's and the joiner's UL summed at the
 * joiner's offset (*both), A's alone (*alone), or neither (*bad). */
static void run_mixed(struct drv *d, int who, unsigned blocks, unsigned *both, unsigned *alone, unsigned *bad)
{
    uint64_t want = d->ul_next + (uint64_t)blocks * SPP;
    int64_t end = zmq_peer_now_ms() + 30000;
    while (d->ul_next < want) {
        ck_assert_int_lt(zmq_peer_now_ms(), end);
        if (d->dl_next < d->ul_next + d->k * SPP) {
            int rc = drv_send_dl(d);
            ck_assert_int_ge(rc, 0);
            if (rc == SPP) continue;
        }
        uint64_t ts;
        uint32_t e;
        ssize_t got = radio_recv(d->r, d->ul, SPP, &ts, &e);
        ck_assert_int_ne(got, RADIO_NEW_EPOCH); /* nobody restarts the cell */
        ck_assert_int_ge(got, 0);
        if (got == 0) {
            ck_assert_int_eq(drv_idle(d), 0);
            continue;
        }
        ck_assert_uint_eq(ts, d->ul_next);
        uint64_t off = atomic_load(&join_offset[who]);
        bool is_both = true, is_alone = true;
        for (size_t i = 0; i < SPP; i++) {
            is_both &= d->ul[i] == ul_sum(ts + i, off);
            is_alone &= d->ul[i] == zmq_peer_ul_sample(ts + i);
        }
        *both += is_both && !is_alone;
        *alone += is_alone;
        *bad += !is_both && !is_alone;
        d->ul_next += SPP;
    }
}

/* run_mixed() in steps of 10 blocks until the joiner's offset is known (it joins when its thread has connected,
 * however many blocks the cell streamed meanwhile; at most 30 s), then `blocks` more. Returns the blocks run. */
static unsigned run_join(struct drv *d, int who, unsigned blocks, unsigned *both, unsigned *alone, unsigned *bad)
{
    unsigned n = 0;
    int64_t end = zmq_peer_now_ms() + 30000;
    while (atomic_load(&join_offset[who]) == UINT64_MAX && zmq_peer_now_ms() < end) {
        run_mixed(d, who, 10, both, alone, bad);
        n += 10;
    }
    run_mixed(d, who, blocks, both, alone, bad);
    return n + blocks;
}

/* Two port pairs. Peer A streams on pair 0 from sample 0; peer B joins on pair 1 at an offset of the running
 * epoch: its DL is the cell's from there, the cell's UL is A's + B's shifted by the offset. B leaves: A streams on
 * alone, same epoch. C joins on the freed pair at a later offset, the same. D asks for DL on pair 0 while A holds
 * it: refused (counted) and never answered; A's DL stays the unbroken ramp from sample 0 throughout. */
START_TEST(test_peers_join_and_leave_a_running_epoch)
{
    one_thread = _i;
    struct eps e0, e1, e2;
    eps_tcp(&e0, 0, ",trx_timeout_ms=20");
    eps_tcp(&e1, 1, "");
    eps_tcp(&e2, 2, "");
    char args[512];
    snprintf(args, sizeof args, "%s,tx_port1=%s,rx_port1=%s", e0.args, e1.peer_rx, e1.peer_tx);
    struct radio r;
    open_started(&r, args);
    static struct drv d;
    d = (struct drv){.r = &r, .k = 2};
    struct peer a, b, c, x;
    peer_start(&a, &e0, 0);
    ck_assert_int_eq(drv_run(&d, 1, 100 * SPP, 30000), 0);
    ck_assert_uint_eq(d.ul_bad, 0);

    unsigned both = 0, alone = 0, bad = 0;
    peer_init(&b, &e1, 0);
    b.cfg.dl_check = check_ramp_b;
    peer_go(&b);
    uint64_t start = d.ul_next;
    unsigned total = run_join(&d, 0, 300, &both, &alone, &bad);
    ck_assert_uint_ne(atomic_load(&join_offset[0]), UINT64_MAX);
    ck_assert_uint_gt(atomic_load(&join_offset[0]), 0);
    ck_assert_uint_eq(atomic_load(&join_offset[0]) % SPP, 0);
    ck_assert_uint_eq(bad, 0);
    /* A alone before B's offset, A + B in every block from there on */
    uint64_t off = atomic_load(&join_offset[0]), before = off > start ? (off - start) / SPP : 0;
    ck_assert_uint_eq(alone, before);
    ck_assert_uint_eq(both, total - before);
    ck_assert_uint_gt(both, 0);
    ck_assert_uint_eq(atomic_load(&r.counters.peer_joins), 1);
    ck_assert_int_eq(peer_kill(&b), 0);
    ck_assert_msg(b.res.dl_pattern_errors == 0, "B's DL broken at its sample %llu",
                  (unsigned long long)b.res.first_bad_dl);

    both = alone = bad = 0;
    run_mixed(&d, 0, 200, &both, &alone, &bad); /* B gone: its UL stops, A's goes on */
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_ge(alone, 150);
    ck_assert_int_eq(radio_state(&r), RADIO_STATE_STREAMING);

    both = alone = bad = 0;
    peer_init(&c, &e1, 0);
    c.cfg.dl_check = check_ramp_c;
    peer_go(&c);
    start = d.ul_next;
    total = run_join(&d, 1, 300, &both, &alone, &bad);
    off = atomic_load(&join_offset[1]);
    before = off > start ? (off - start) / SPP : 0;
    ck_assert_uint_gt(off, atomic_load(&join_offset[0]));
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(alone, before);
    ck_assert_uint_eq(both, total - before);
    ck_assert_uint_gt(both, 0);
    ck_assert_uint_eq(atomic_load(&r.counters.peer_joins), 2);

    peer_init(&x, &e0, 0);
    x.cfg.tx = e2.peer_tx; /* its own UL port, gnbd's pair 0 DL */
    peer_go(&x);
    both = alone = bad = 0;
    int64_t end = zmq_peer_now_ms() + 10000;
    while (atomic_load(&r.counters.peers_refused) == 0 && zmq_peer_now_ms() < end)
        run_mixed(&d, 1, 10, &both, &alone, &bad);
    ck_assert_uint_eq(atomic_load(&r.counters.peers_refused), 1);
    run_mixed(&d, 1, 100, &both, &alone, &bad);
    ck_assert_uint_eq(bad, 0);
    ck_assert_int_eq(peer_kill(&x), 0);
    ck_assert_uint_eq(x.res.dl_samples, 0); /* never answered */

    ck_assert_int_eq(peer_kill(&c), 0);
    ck_assert_int_eq(c.res.dl_pattern_errors, 0);
    ck_assert_int_eq(peer_kill(&a), 0);
    ck_assert_msg(a.res.dl_pattern_errors == 0, "A's DL broken at sample %llu", (unsigned long long)a.res.first_bad_dl);
    ck_assert_uint_eq(d.new_epochs, 1);
    ck_assert_uint_eq(atomic_load(&r.counters.epochs), 1);
    radio_close(&r);
}
END_TEST

/* Pair arguments: numbered without gaps, both ports of a pair, no port shared between pairs. */
START_TEST(test_peer_pairs_are_checked)
{
    struct radio r;
    char err[256] = "";
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,tx_port2=tcp://*:3,rx_port2=tcp://"
                              "localhost:4", err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "tx_port2 given without tx_port1/rx_port1"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,tx_port1=tcp://*:3", err, sizeof err),
                     -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "rx_port1 is missing"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,tx_port1=tcp://*:1,rx_port1=tcp://"
                              "localhost:4", err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "peers 0 and 1 share a port (tcp://*:1)"));
    ck_assert_int_eq(open_zmq(&r, "tx_port=tcp://*:1,rx_port=tcp://localhost:2,tx_port8=tcp://*:3,rx_port8=tcp://"
                              "localhost:4", err, sizeof err), -EINVAL);
    ck_assert_msg(strstr(err, "unknown argument \"tx_port8") != NULL, "%s", err);
}
END_TEST

static Suite *radio_zmq_suite(void)
{
    Suite *s = suite_create("radio_zmq");
    TCase *tc = tcase_create("zmq");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_open_rejects_bad_arguments_with_a_reason);
    tcase_add_test(tc, test_open_accepts_equal_base_srate_and_refuses_a_busy_port);
    tcase_add_loop_test(tc, test_lockstep_dl_and_ul_are_continuous, 0, 2);
    tcase_add_loop_test(tc, test_odd_ul_reply_sizes_are_reassembled, 0, 2);
    tcase_add_test(tc, test_bad_ul_replies_are_counted_and_dropped);
    tcase_add_loop_test(tc, test_each_new_peer_starts_a_new_epoch_from_sample_zero, 0, 2);
    tcase_add_test(tc, test_ul_before_the_peer_is_seen_is_kept_for_its_epoch);
    tcase_add_test(tc, test_threads_and_ul_ahead_of_dl_across_restarts);
    tcase_add_test(tc, test_stop_unblocks_recv_and_send);
    tcase_add_loop_test(tc, test_dl_gap_is_zero_filled_and_past_block_is_late, 0, 2);
    tcase_add_loop_test(tc, test_peers_join_and_leave_a_running_epoch, 0, 2);
    tcase_add_test(tc, test_peer_pairs_are_checked);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_set_level(LOG_RADIO, getenv("ZLOG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING);
    return check_run(radio_zmq_suite());
}
