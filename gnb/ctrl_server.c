/* Control socket: ZeroMQ REP loop on its own thread; the answers come from ctrl_handle(). */
#include "gnb/ctrl_server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "gnb/log.h"

#define CTRL_LOG_TEXT_MAX 120 /* request bytes shown in a debug line */

static const char multipart_reply[] = "{\"ok\":false,\"error\":\"multipart requests are not supported\"}";

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A printable, bounded copy of a request for the log (requests are operator input, possibly binary). */
static const char *printable(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++) dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '.';
    dst[n] = '\0';
    return dst;
}

/* libzmq unlinks an existing ipc:// path when binding, which would silently steal the socket of a daemon
 * already running there. Refuse when something accepts connections on that path. */
static int ipc_in_use(const char *endpoint)
{
    const char *path = endpoint + strlen("ipc://");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strncmp(endpoint, "ipc://", 6) != 0 || path[0] == '@' || strlen(path) >= sizeof sa.sun_path) return 0;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    int in_use = connect(fd, (const struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return in_use;
}

static int open_socket(struct ctrl_server *s, char *err, size_t errlen)
{
    const int64_t max_msg = CTRL_SERVER_MAX_MSG;
    const int linger = 0;
    if (ipc_in_use(s->endpoint)) {
        snprintf(err, errlen, "cannot bind control socket to %s: Address already in use", s->endpoint);
        return -EADDRINUSE;
    }
    s->zmq_ctx = zmq_ctx_new();
    if (s->zmq_ctx) s->sock = zmq_socket(s->zmq_ctx, ZMQ_REP);
    if (!s->sock || zmq_setsockopt(s->sock, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg) ||
        zmq_setsockopt(s->sock, ZMQ_LINGER, &linger, sizeof linger)) {
        int e = errno ? errno : ENOMEM;
        snprintf(err, errlen, "control socket %s: %s", s->endpoint, zmq_strerror(e));
        return -e;
    }
    if (zmq_bind(s->sock, s->endpoint) != 0) {
        int e = errno;
        snprintf(err, errlen, "cannot bind control socket to %s: %s", s->endpoint, zmq_strerror(e));
        return -e;
    }
    return 0;
}

static void close_socket(struct ctrl_server *s)
{
    if (s->sock) {
        const int linger = CTRL_SERVER_CLOSE_LINGER_MS;
        zmq_setsockopt(s->sock, ZMQ_LINGER, &linger, sizeof linger);
        zmq_close(s->sock);
        s->sock = NULL;
    }
    if (s->zmq_ctx) {
        zmq_ctx_term(s->zmq_ctx); /* waits at most the linger above for an unsent reply */
        s->zmq_ctx = NULL;
    }
}

/* Receive one request (all its frames, as REP requires) and send exactly one reply. */
static void serve_one(struct ctrl_server *s)
{
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_msg_recv(&msg, s->sock, ZMQ_DONTWAIT) < 0) {
        if (errno != EAGAIN) log_warn(LOG_CTRL, "receive on %s: %s", s->endpoint, zmq_strerror(errno));
        zmq_msg_close(&msg);
        return;
    }
    bool multipart = false;
    while (zmq_msg_more(&msg)) {
        multipart = true;
        zmq_msg_t part;
        zmq_msg_init(&part);
        int rc = zmq_msg_recv(&part, s->sock, 0);
        zmq_msg_close(&part);
        if (rc < 0) break;
    }
    const char *req = zmq_msg_data(&msg);
    size_t len = zmq_msg_size(&msg);
    char shown[CTRL_LOG_TEXT_MAX + 1];
    log_debug(LOG_CTRL, "request (%zu bytes): %s", len, printable(shown, sizeof shown, req, len));

    const char *reply = multipart_reply;
    int n = (int)(sizeof multipart_reply - 1);
    if (!multipart) {
        n = ctrl_handle(&s->handler, req, len, s->reply, CTRL_SERVER_MAX_MSG);
        reply = s->reply;
    }
    zmq_msg_close(&msg);
    if (n < 0) { /* cannot happen with our buffer; still answer, REP must */
        reply = "{\"ok\":false,\"error\":\"internal error\"}";
        n = (int)strlen(reply);
    }
    atomic_fetch_add_explicit(&s->requests, 1, memory_order_relaxed);
    if (strncmp(reply, "{\"ok\":false", 11) == 0) {
        atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
        log_info(LOG_CTRL, "request refused: %s", printable(shown, sizeof shown, reply, (size_t)n));
    }
    if (zmq_send(s->sock, reply, (size_t)n, 0) < 0)
        log_warn(LOG_CTRL, "reply on %s: %s", s->endpoint, zmq_strerror(errno));
}

static void *server_main(void *arg)
{
    struct ctrl_server *s = arg;
    uint64_t next_tick = monotonic_ms() + CTRL_SERVER_TICK_MS;
    while (!atomic_load(&s->stop)) {
        uint64_t now = monotonic_ms();
        if (now >= next_tick) {
            if (s->handler.tick) s->handler.tick(s->handler.ctx);
            atomic_fetch_add_explicit(&s->ticks, 1, memory_order_relaxed);
            next_tick += CTRL_SERVER_TICK_MS;
            if (next_tick <= now) next_tick = now + CTRL_SERVER_TICK_MS; /* after a slow callback: no burst */
            continue;
        }
        zmq_pollitem_t item = {.socket = s->sock, .events = ZMQ_POLLIN};
        int rc = zmq_poll(&item, 1, (long)(next_tick - now));
        if (rc > 0) {
            serve_one(s);
        } else if (rc < 0 && errno != EINTR) {
            int e = errno;
            log_error(LOG_CTRL, "poll on %s: %s", s->endpoint, zmq_strerror(e));
            if (e == ETERM) break;
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL); /* never spin on a persistent error */
        }
    }
    return NULL;
}

int ctrl_server_start(struct ctrl_server *s, const char *endpoint, const struct ctrl_handler *h, char *err,
                      size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (!endpoint || !h) {
        snprintf(err, errlen, "control socket: no endpoint or handler");
        return -EINVAL;
    }
    if ((size_t)snprintf(s->endpoint, sizeof s->endpoint, "%s", endpoint) >= sizeof s->endpoint) {
        snprintf(err, errlen, "control socket endpoint too long (limit %zu bytes)", sizeof s->endpoint - 1);
        return -ENAMETOOLONG;
    }
    s->handler = *h;
    s->reply = malloc(CTRL_SERVER_MAX_MSG);
    if (!s->reply) {
        snprintf(err, errlen, "control socket %s: out of memory", endpoint);
        return -ENOMEM;
    }
    /* Threads inherit the signal mask: ZeroMQ's I/O thread (made with the socket) and ours get none. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = open_socket(s, err, errlen);
    if (rc == 0) {
        rc = -pthread_create(&s->thread, NULL, server_main, s);
        if (rc) snprintf(err, errlen, "control socket %s: thread: %s", endpoint, strerror(-rc));
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        close_socket(s);
        free(s->reply);
        s->reply = NULL;
        return rc;
    }
    s->running = true;
    log_info(LOG_CTRL, "control socket listening on %s", endpoint);
    return 0;
}

void ctrl_server_stop(struct ctrl_server *s)
{
    if (!s->running) return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close_socket(s);
    /* libzmq leaves the socket file behind; a later bind would remove it anyway, but do not litter. */
    if (strncmp(s->endpoint, "ipc://", 6) == 0 && s->endpoint[6] != '@' && s->endpoint[6] != '\0')
        unlink(s->endpoint + 6);
    free(s->reply);
    s->reply = NULL;
    s->running = false;
    log_info(LOG_CTRL, "control socket %s closed after %llu requests", s->endpoint,
             (unsigned long long)atomic_load(&s->requests));
}
