/* zmq_peer: a stand-in for srsUE's ZeroMQ radio, to test gnbd's "zmq" radio without srsUE.
 *
 * Like srsUE (docs/SRSUE.md §1.1): binds a REP socket for its TX (our UL, default port 2001 on all
 * interfaces) and connects a REQ socket to gnbd's TX (DL, default tcp://localhost:2000), keeping one DL request
 * outstanding. It answers gnbd's UL requests only with samples it is allowed to have produced: UL sample k
 * once DL sample k - ul_lead was received (ul_lead 0 = strict lock-step; srsUE pads its UL one receive block
 * ahead). UL sample k is a counter ramp (zmq_peer_ul_sample) so the gNB side can check continuity; DL can be
 * checked against a pattern ("ramp": DL sample k has re == (float)(k % 1000003)).
 *
 * Usage: zmq_peer [--tx EP] [--rx EP] [--rate HZ] [--seconds S | --samples N] [--slot N] [--ul-lead N]
 *                 [--ul-chunks A,B,...] [--expect-dl-pattern ramp] [--idle-timeout MS]
 * (--ul-chunks: UL replies of exactly these sizes, cycled; each waits until DL allows all of it.)
 * Prints a summary; exits 0 only when the run completed with no error.
 *
 * The core (zmq_peer_run) is also compiled into tests/unit/test_radio_zmq.c, which includes this file with
 * ZMQ_PEER_NO_MAIN defined and runs the peer in a thread. Single-threaded; one context per run, so ending a
 * run closes its connections the way a killed process would.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "phy/types.h"

#define ZMQ_PEER_DL_RAMP_MOD 1000003u
#define ZMQ_PEER_MAX_REPLY 65536u  /* UL samples per reply at most */
#define ZMQ_PEER_MAX_CHUNKS 16

struct zmq_peer_cfg {
    const char *tx, *rx;        /* our UL (bind REP), gNB's DL (connect REQ) */
    uint64_t samples;           /* stop once this many DL samples were received and UL samples sent; 0 = on stop */
    size_t slot;                /* UL in whole slots of this size (0: any size) */
    size_t ul_lead;             /* UL may run this far ahead of DL */
    size_t ul_chunks[ZMQ_PEER_MAX_CHUNKS]; /* if n_ul_chunks: UL reply sizes, cycled, instead of whole slots */
    size_t n_ul_chunks;
    /* DL check: whether s is right for DL sample k (NULL: no check). --expect-dl-pattern NAME picks one of
     * zmq_peer_dl_checks[]; a test can plug in its own. */
    bool (*dl_check)(uint64_t k, cf_t s);
    int idle_timeout_ms;        /* give up after this long without any progress */
    _Atomic int *stop;          /* another thread sets *stop to end the run (NULL: none) */
};

struct zmq_peer_result {
    uint64_t dl_samples, ul_samples, dl_replies, ul_replies;
    uint64_t dl_pattern_errors;  /* DL samples that broke the expected pattern */
    uint64_t first_bad_dl;       /* index of the first of them */
    uint64_t bad_replies;        /* DL replies whose size is not whole samples */
    size_t ul_min_reply, ul_max_reply;
    char error[160];             /* set when the run failed (setup, timeout) */
};

/* UL sample k: re = k mod 2^20, im = -(k div 2^20): exact in float32, unique over 2^44 samples. */
static inline cf_t zmq_peer_ul_sample(uint64_t k)
{
    return (float)(k & 0xFFFFFu) - I * (float)(k >> 20);
}

/* The DL pattern of gnbd's pipeline tests: DL sample k has re == (float)(k % 1000003). */
static inline cf_t zmq_peer_dl_ramp(uint64_t k) { return (float)(k % ZMQ_PEER_DL_RAMP_MOD); }

static bool zmq_peer_check_ramp(uint64_t k, cf_t s) { return crealf(s) == crealf(zmq_peer_dl_ramp(k)); }

static int64_t zmq_peer_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct zmq_peer {
    const struct zmq_peer_cfg *cfg;
    struct zmq_peer_result *res;
    void *ctx, *rep, *req;
    size_t chunk_index;
    cf_t ul[ZMQ_PEER_MAX_REPLY];
};

static void zmq_peer_check_dl(struct zmq_peer *p, const cf_t *s, size_t n)
{
    struct zmq_peer_result *res = p->res;
    if (!p->cfg->dl_check) return;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = res->dl_samples + i;
        if (p->cfg->dl_check(k, s[i])) continue;
        if (res->dl_pattern_errors++ == 0) res->first_bad_dl = k;
    }
}

/* A DL reply arrived: check it and ask for the next one (unless all wanted DL is in). */
static int zmq_peer_on_dl(struct zmq_peer *p)
{
    zmq_msg_t m;
    zmq_msg_init(&m);
    int rc = zmq_msg_recv(&m, p->req, ZMQ_DONTWAIT);
    if (rc >= 0) {
        size_t bytes = zmq_msg_size(&m);
        if (bytes % sizeof(cf_t))
            p->res->bad_replies++;
        else {
            zmq_peer_check_dl(p, zmq_msg_data(&m), bytes / sizeof(cf_t));
            p->res->dl_samples += bytes / sizeof(cf_t);
        }
        p->res->dl_replies++;
        if (!p->cfg->samples || p->res->dl_samples < p->cfg->samples) rc = zmq_send(p->req, "\xff", 1, 0);
    }
    zmq_msg_close(&m);
    return rc < 0 && errno != EAGAIN ? -errno : 0;
}

/* Size of the next UL reply: what DL allows, in whole slots or as the next chunk size. 0: not yet. */
static size_t zmq_peer_ul_size(struct zmq_peer *p)
{
    const struct zmq_peer_cfg *c = p->cfg;
    const struct zmq_peer_result *res = p->res;
    uint64_t limit = res->dl_samples + c->ul_lead;
    if (c->samples && limit > c->samples) limit = c->samples;
    uint64_t avail = limit > res->ul_samples ? limit - res->ul_samples : 0;
    if (avail > ZMQ_PEER_MAX_REPLY) avail = ZMQ_PEER_MAX_REPLY;
    if (c->n_ul_chunks) {
        /* Exact sizes: wait until DL allows the whole chunk (the last one may be cut by `samples`). */
        size_t want = c->ul_chunks[p->chunk_index % c->n_ul_chunks];
        bool last = c->samples && limit == c->samples;
        if (avail == 0 || (avail < want && !last)) return 0;
        p->chunk_index++;
        return want < avail ? want : (size_t)avail;
    }
    return c->slot ? (size_t)(avail / c->slot * c->slot) : (size_t)avail;
}

static int zmq_peer_send_ul(struct zmq_peer *p, size_t n)
{
    struct zmq_peer_result *res = p->res;
    for (size_t i = 0; i < n; i++) p->ul[i] = zmq_peer_ul_sample(res->ul_samples + i);
    if (zmq_send(p->rep, p->ul, n * sizeof(cf_t), 0) < 0) return -errno;
    res->ul_samples += n;
    res->ul_replies++;
    if (res->ul_min_reply == 0 || n < res->ul_min_reply) res->ul_min_reply = n;
    if (n > res->ul_max_reply) res->ul_max_reply = n;
    return 0;
}

static int zmq_peer_open(struct zmq_peer *p)
{
    int zero = 0;
    p->ctx = zmq_ctx_new();
    p->rep = p->ctx ? zmq_socket(p->ctx, ZMQ_REP) : NULL;
    p->req = p->ctx ? zmq_socket(p->ctx, ZMQ_REQ) : NULL;
    if (!p->rep || !p->req) return -ENOMEM;
    zmq_setsockopt(p->rep, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(p->req, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind(p->rep, p->cfg->tx) != 0) return -errno;
    if (zmq_connect(p->req, p->cfg->rx) != 0) return -errno;
    return zmq_send(p->req, "\xff", 1, 0) == 1 ? 0 : -errno;
}

/* `flush`: a finished run lets its last replies reach the wire; a stopped one ends like a killed process. */
static void zmq_peer_close(struct zmq_peer *p, bool flush)
{
    int linger = flush ? 2000 : 0;
    if (p->rep) zmq_setsockopt(p->rep, ZMQ_LINGER, &linger, sizeof linger);
    if (p->rep) zmq_close(p->rep);
    if (p->req) zmq_close(p->req);
    if (p->ctx) zmq_ctx_term(p->ctx);
}

static int zmq_peer_loop(struct zmq_peer *p)
{
    const struct zmq_peer_cfg *c = p->cfg;
    struct zmq_peer_result *res = p->res;
    int ul_request = 0, rc = 0;
    int64_t last = zmq_peer_now_ms();
    while (rc == 0 && !(c->stop && atomic_load(c->stop))) {
        if (c->samples && res->dl_samples >= c->samples && res->ul_samples >= c->samples) break;
        uint64_t before = res->dl_samples + res->ul_samples + res->dl_replies;
        zmq_pollitem_t items[2] = {{p->req, 0, ZMQ_POLLIN, 0}, {p->rep, 0, ul_request ? 0 : ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, 10) < 0 && errno != EINTR) return -errno;
        if (items[0].revents & ZMQ_POLLIN) rc = zmq_peer_on_dl(p);
        if (items[1].revents & ZMQ_POLLIN) {
            char b[16];
            ul_request = zmq_recv(p->rep, b, sizeof b, 0) >= 0;
        }
        size_t n = ul_request && rc == 0 ? zmq_peer_ul_size(p) : 0;
        if (n > 0) {
            rc = zmq_peer_send_ul(p, n);
            ul_request = 0;
        }
        if (res->dl_samples + res->ul_samples + res->dl_replies != before)
            last = zmq_peer_now_ms();
        else if (c->idle_timeout_ms > 0 && zmq_peer_now_ms() - last > c->idle_timeout_ms) {
            snprintf(res->error, sizeof res->error, "no progress for %d ms", c->idle_timeout_ms);
            return -ETIMEDOUT;
        }
    }
    return rc;
}

/* Run one peer session: returns 0 when it ran to the end (or to *stop) without error. */
static int zmq_peer_run(const struct zmq_peer_cfg *cfg, struct zmq_peer_result *res)
{
    struct zmq_peer *p = calloc(1, sizeof *p);
    memset(res, 0, sizeof *res);
    if (!p) return -ENOMEM;
    p->cfg = cfg;
    p->res = res;
    int rc = zmq_peer_open(p);
    if (rc < 0)
        snprintf(res->error, sizeof res->error, "cannot open sockets (%s, %s): %s", cfg->tx, cfg->rx,
                 strerror(-rc));
    else
        rc = zmq_peer_loop(p);
    if (rc < 0 && !res->error[0]) snprintf(res->error, sizeof res->error, "%s", strerror(-rc));
    zmq_peer_close(p, rc == 0 && !(cfg->stop && atomic_load(cfg->stop)));
    free(p);
    if (rc == 0 && (res->dl_pattern_errors || res->bad_replies)) rc = -EPROTO;
    return rc;
}

#ifndef ZMQ_PEER_NO_MAIN
#include <signal.h>

static _Atomic int zmq_peer_stop_flag;

static void zmq_peer_on_signal(int sig)
{
    (void)sig;
    atomic_store(&zmq_peer_stop_flag, 1);
}

static int parse_chunks(struct zmq_peer_cfg *c, const char *list)
{
    for (const char *s = list; *s && c->n_ul_chunks < ZMQ_PEER_MAX_CHUNKS;) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v == 0 || v > ZMQ_PEER_MAX_REPLY) return -1;
        c->ul_chunks[c->n_ul_chunks++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') return -1;
    }
    return c->n_ul_chunks ? 0 : -1;
}

static const struct {
    const char *name;
    bool (*check)(uint64_t k, cf_t s);
} dl_checks[] = {{"ramp", zmq_peer_check_ramp}};

static int parse_args(int argc, char **argv, struct zmq_peer_cfg *c)
{
    double rate = 11.52e6, seconds = 0;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = v != NULL;
        if (ok && strcmp(a, "--tx") == 0) c->tx = v;
        else if (ok && strcmp(a, "--rx") == 0) c->rx = v;
        else if (ok && strcmp(a, "--rate") == 0) rate = atof(v);
        else if (ok && strcmp(a, "--seconds") == 0) seconds = atof(v);
        else if (ok && strcmp(a, "--samples") == 0) c->samples = strtoull(v, NULL, 10);
        else if (ok && strcmp(a, "--slot") == 0) c->slot = strtoul(v, NULL, 10);
        else if (ok && strcmp(a, "--ul-lead") == 0) c->ul_lead = strtoul(v, NULL, 10);
        else if (ok && strcmp(a, "--idle-timeout") == 0) c->idle_timeout_ms = atoi(v);
        else if (ok && strcmp(a, "--ul-chunks") == 0) ok = parse_chunks(c, v) == 0;
        else if (ok && strcmp(a, "--expect-dl-pattern") == 0) {
            c->dl_check = NULL;
            for (size_t k = 0; k < sizeof dl_checks / sizeof dl_checks[0]; k++)
                if (strcmp(v, dl_checks[k].name) == 0) c->dl_check = dl_checks[k].check;
            ok = c->dl_check != NULL;
        }
        else ok = 0;
        if (!ok) {
            fprintf(stderr, "zmq_peer: bad option %s %s\n", a, v ? v : "");
            return -1;
        }
    }
    if (seconds > 0) c->samples = (uint64_t)(seconds * rate);
    return rate > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct zmq_peer_cfg cfg = {.tx = "tcp://*:2001", .rx = "tcp://localhost:2000", .slot = 11520,
                               .idle_timeout_ms = 10000, .stop = &zmq_peer_stop_flag};
    if (parse_args(argc, argv, &cfg) < 0) {
        fprintf(stderr, "usage: zmq_peer [--tx EP] [--rx EP] [--rate HZ] [--seconds S | --samples N] [--slot N]\n"
                        "                [--ul-lead N] [--ul-chunks A,B,..] [--expect-dl-pattern ramp] "
                        "[--idle-timeout MS]\n");
        return 2;
    }
    signal(SIGINT, zmq_peer_on_signal);
    signal(SIGTERM, zmq_peer_on_signal);
    struct zmq_peer_result res;
    int rc = zmq_peer_run(&cfg, &res);
    printf("zmq_peer: DL %llu samples in %llu replies, UL %llu samples in %llu replies\n",
           (unsigned long long)res.dl_samples, (unsigned long long)res.dl_replies,
           (unsigned long long)res.ul_samples, (unsigned long long)res.ul_replies);
    if (res.dl_pattern_errors)
        printf("zmq_peer: DL continuity error: %llu samples off the pattern, first at sample %llu\n",
               (unsigned long long)res.dl_pattern_errors, (unsigned long long)res.first_bad_dl);
    if (res.bad_replies) printf("zmq_peer: %llu DL replies of partial samples\n", (unsigned long long)res.bad_replies);
    if (res.error[0]) printf("zmq_peer: error: %s\n", res.error);
    if (rc == 0 && cfg.samples && (res.dl_samples < cfg.samples || res.ul_samples < cfg.samples)) {
        printf("zmq_peer: stopped before %llu samples\n", (unsigned long long)cfg.samples);
        rc = -EINTR;
    }
    printf("zmq_peer: %s\n", rc == 0 ? "ok" : "FAILED");
    return rc == 0 ? 0 : 1;
}
#endif
