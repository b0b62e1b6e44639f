/* zmtp: a minimal ZMTP 3.0 NULL-mechanism peer over non-blocking sockets (see zmtp.h). */
#include "drivers/zmtp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define ZMTP_FLAG_MORE 0x01
#define ZMTP_FLAG_LONG 0x02
#define ZMTP_FLAG_COMMAND 0x04

int zmtp_endpoint_parse(const char *ep, bool for_bind, struct zmtp_endpoint *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (strncmp(ep, "ipc://", 6) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)&out->addr;
        const char *path = ep + 6;
        if (*path == '\0' || strlen(path) >= sizeof un->sun_path) {
            snprintf(err, errlen, "%s: the ipc path must be 1..%zu characters", ep, sizeof un->sun_path - 1);
            return -EINVAL;
        }
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, path, strlen(path) + 1);
        out->len = (socklen_t)sizeof *un;
        return 0;
    }
    if (strncmp(ep, "tcp://", 6) != 0) {
        snprintf(err, errlen, "%s: the endpoint must be tcp://host:port or ipc://path", ep);
        return -EINVAL;
    }
    char host[256];
    const char *hp = ep + 6, *colon = strrchr(hp, ':');
    size_t hl = colon ? (size_t)(colon - hp) : 0;
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || hl == 0 || hl >= sizeof host || !end || *end != '\0' || end == colon + 1 || port < 1 ||
        port > 65535) {
        snprintf(err, errlen, "%s: tcp endpoints are tcp://host:port (port 1..65535)", ep);
        return -EINVAL;
    }
    if (hp[0] == '[' && hl >= 2 && hp[hl - 1] == ']') { /* [IPv6 address] */
        hp++;
        hl -= 2;
    }
    memcpy(host, hp, hl);
    host[hl] = '\0';
    if (strcmp(host, "*") == 0) {
        if (!for_bind) {
            snprintf(err, errlen, "%s: \"*\" (every address) is for binding, not connecting", ep);
            return -EINVAL;
        }
        struct sockaddr_in *in = (struct sockaddr_in *)&out->addr;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_ANY);
        in->sin_port = htons((uint16_t)port);
        out->len = (socklen_t)sizeof *in;
        return 0;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &ai);
    if (rc != 0 || !ai) {
        snprintf(err, errlen, "%s: cannot resolve %s: %s", ep, host, gai_strerror(rc));
        return -EINVAL;
    }
    /* IPv4 first, like libzmq without ZMQ_IPV6 */
    struct addrinfo *pick = ai;
    for (struct addrinfo *a = ai; a; a = a->ai_next)
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
    memcpy(&out->addr, pick->ai_addr, pick->ai_addrlen);
    out->len = pick->ai_addrlen;
    if (out->addr.ss_family == AF_INET) ((struct sockaddr_in *)&out->addr)->sin_port = htons((uint16_t)port);
    else ((struct sockaddr_in6 *)&out->addr)->sin6_port = htons((uint16_t)port);
    freeaddrinfo(ai);
    return 0;
}

static int zmtp_socket(const struct zmtp_endpoint *e)
{
    int fd = socket(e->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (e->addr.ss_family != AF_UNIX) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

int zmtp_listen(const struct zmtp_endpoint *e)
{
    int fd = zmtp_socket(e);
    if (fd < 0) return fd;
    if (e->addr.ss_family == AF_UNIX) {
        /* A socket file nobody listens on (left by a process that died) is replaced, as libzmq does. */
        const char *path = ((const struct sockaddr_un *)&e->addr)->sun_path;
        struct stat st;
        if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(path);
    } else {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    if (bind(fd, (const struct sockaddr *)&e->addr, e->len) != 0 || listen(fd, 16) != 0) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

int zmtp_accept(int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family != AF_UNIX) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

int zmtp_connect(const struct zmtp_endpoint *e)
{
    int fd = zmtp_socket(e);
    if (fd < 0) return fd;
    if (connect(fd, (const struct sockaddr *)&e->addr, e->len) != 0 && errno != EINPROGRESS) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

/* Queue bytes behind what is queued (the caller checked the room). */
static void zmtp_queue(struct zmtp_conn *c, const void *p, size_t n)
{
    if (c->out_head > 0 && c->out_head + c->out_len + n > c->out_cap) {
        memmove(c->out, c->out + c->out_head, c->out_len);
        c->out_head = 0;
    }
    memcpy(c->out + c->out_head + c->out_len, p, n);
    c->out_len += n;
}

void zmtp_conn_init(struct zmtp_conn *c, int fd, const char *my_type, const char *const *accept_types,
                    unsigned char *out, size_t out_cap)
{
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->accept_types = accept_types;
    c->out = out;
    c->out_cap = out_cap;
    c->phase = ZMTP_HANDSHAKE;
    unsigned char g[ZMTP_GREETING_BYTES] = {0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 3, 0, 'N', 'U', 'L', 'L'};
    zmtp_queue(c, g, sizeof g);
    /* READY: its name, then the property Socket-Type (1-byte name length, 4-byte value length). */
    size_t tl = strnlen(my_type, 15);
    unsigned char r[2 + 6 + 12 + 4 + 15];
    size_t n = 2;
    r[n++] = 5;
    memcpy(r + n, "READY", 5);
    n += 5;
    r[n++] = 11;
    memcpy(r + n, "Socket-Type", 11);
    n += 11;
    r[n++] = 0, r[n++] = 0, r[n++] = 0, r[n++] = (unsigned char)tl;
    memcpy(r + n, my_type, tl);
    n += tl;
    r[0] = ZMTP_FLAG_COMMAND;
    r[1] = (unsigned char)(n - 2);
    zmtp_queue(c, r, n);
    zmtp_flush(c); /* a connection still being made takes it later */
}

void zmtp_conn_close(struct zmtp_conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    c->out_len = c->out_head = 0;
    c->in_len = c->in_head = 0;
    c->in_body = false;
    c->phase = ZMTP_CLOSED;
}

int zmtp_flush(struct zmtp_conn *c)
{
    while (c->out_len > 0) {
        ssize_t w = send(c->fd, c->out + c->out_head, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -errno;
        }
        c->out_head += (size_t)w;
        c->out_len -= (size_t)w;
    }
    c->out_head = 0;
    return 0;
}

int zmtp_send(struct zmtp_conn *c, const struct iovec *frames, int n)
{
    if (c->phase == ZMTP_CLOSED) return -ENOTCONN;
    enum { MAXF = 8 };
    if (n < 1 || n > MAXF) return -EINVAL;
    unsigned char hdr[MAXF][9];
    struct iovec iov[2 * MAXF];
    size_t total = 0;
    for (int k = 0; k < n; k++) {
        uint64_t sz = frames[k].iov_len;
        unsigned char more = k + 1 < n ? ZMTP_FLAG_MORE : 0;
        size_t hl;
        if (sz <= 255) {
            hdr[k][0] = more;
            hdr[k][1] = (unsigned char)sz;
            hl = 2;
        } else {
            hdr[k][0] = more | ZMTP_FLAG_LONG;
            for (int b = 0; b < 8; b++) hdr[k][1 + b] = (unsigned char)(sz >> (56 - 8 * b));
            hl = 9;
        }
        iov[2 * k] = (struct iovec){hdr[k], hl};
        iov[2 * k + 1] = frames[k];
        total += hl + sz;
    }
    if (c->out_len + total > c->out_cap) return -ENOBUFS;
    size_t done = 0;
    if (c->out_len == 0 && c->phase == ZMTP_OPEN) {
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)(2 * n)};
        ssize_t w;
        do
            w = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
        while (w < 0 && errno == EINTR);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        done = w > 0 ? (size_t)w : 0;
    }
    /* The rest is queued, from where the write stopped. */
    for (int k = 0; k < 2 * n; k++) {
        size_t len = iov[k].iov_len;
        if (done >= len) {
            done -= len;
            continue;
        }
        zmtp_queue(c, (const unsigned char *)iov[k].iov_base + done, len - done);
        done = 0;
    }
    int rc = c->out_len > 0 && c->phase == ZMTP_OPEN ? zmtp_flush(c) : 0;
    return rc < 0 ? rc : 0;
}

/* Make at least `want` bytes readable in c->in (want <= ZMTP_IN_BYTES). 1: there, 0: not yet, <0 error. */
static int zmtp_fill(struct zmtp_conn *c, size_t want)
{
    if (c->in_len >= want) return 1;
    if (c->in_head > 0) {
        memmove(c->in, c->in + c->in_head, c->in_len);
        c->in_head = 0;
    }
    for (;;) {
        ssize_t r = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
        if (r == 0) return -ECONNRESET;
        if (r < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        }
        c->in_len += (size_t)r;
        if (c->in_len >= want) return 1;
        /* A short read drained the socket: another recv() now would only say EAGAIN; poll() says when more came. */
        if ((size_t)r < sizeof c->in - (c->in_len - (size_t)r)) return 0;
    }
}

/* Take n bytes out of c->in (they are there). */
static const unsigned char *zmtp_take(struct zmtp_conn *c, size_t n)
{
    const unsigned char *p = c->in + c->in_head;
    c->in_head += n;
    c->in_len -= n;
    if (c->in_len == 0) c->in_head = 0;
    return p;
}

/* The peer's greeting: ZMTP 3.x, mechanism NULL. */
static int zmtp_read_greeting(struct zmtp_conn *c)
{
    int rc = zmtp_fill(c, ZMTP_GREETING_BYTES);
    if (rc <= 0) return rc;
    memcpy(c->greeting, zmtp_take(c, ZMTP_GREETING_BYTES), ZMTP_GREETING_BYTES);
    c->greeting_got = ZMTP_GREETING_BYTES;
    const unsigned char *g = c->greeting;
    if (g[0] != 0xFF || (g[9] & 1) != 1 || g[10] < 3 || memcmp(g + 12, "NULL", 5) != 0) return -EPROTO;
    return 1;
}

/* The peer's READY: its Socket-Type must be one this side accepts. */
static int zmtp_on_ready(struct zmtp_conn *c, size_t len)
{
    const unsigned char *p = c->cmd, *end = c->cmd + len;
    if (len < 6 || p[0] != 5 || memcmp(p + 1, "READY", 5) != 0) return -EPROTO;
    p += 6;
    while (p < end) {
        size_t nl = *p++;
        if ((size_t)(end - p) < nl + 4) return -EPROTO;
        const unsigned char *name = p;
        p += nl;
        uint32_t vl = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        p += 4;
        if ((size_t)(end - p) < vl) return -EPROTO;
        if (nl == 11 && strncasecmp((const char *)name, "Socket-Type", 11) == 0 && vl < sizeof c->peer_type) {
            memcpy(c->peer_type, p, vl);
            c->peer_type[vl] = '\0';
        }
        p += vl;
    }
    for (const char *const *t = c->accept_types; t && *t; t++)
        if (strcmp(*t, c->peer_type) == 0) return 1;
    return -EPROTO;
}

int zmtp_next_frame(struct zmtp_conn *c, uint64_t *size, bool *more)
{
    if (c->phase == ZMTP_CLOSED) return -ENOTCONN;
    if (c->out_len > 0) {
        int rc = zmtp_flush(c); /* the greeting and READY, or a reply the socket did not take at once */
        if (rc < 0) return rc;
    }
    if (c->greeting_got < ZMTP_GREETING_BYTES) {
        int rc = zmtp_read_greeting(c);
        if (rc <= 0) return rc;
    }
    for (;;) {
        if (c->in_body) {
            if (!(c->flags & ZMTP_FLAG_COMMAND)) {
                *size = c->size;
                *more = c->flags & ZMTP_FLAG_MORE;
                return 1;
            }
            /* A command: kept when short (READY is acted on), else skipped. */
            unsigned char *dst = c->size <= sizeof c->cmd ? c->cmd : NULL;
            int rc = zmtp_read_body(c, dst);
            if (rc <= 0) return rc;
            if (c->phase == ZMTP_HANDSHAKE) {
                if (!dst) return -EPROTO;
                rc = zmtp_on_ready(c, (size_t)c->size);
                if (rc < 0) return rc;
                c->phase = ZMTP_OPEN;
                if (c->out_len > 0 && (rc = zmtp_flush(c)) < 0) return rc;
            }
            continue;
        }
        int rc = zmtp_fill(c, 2);
        if (rc <= 0) return rc;
        unsigned char f = c->in[c->in_head];
        size_t hl = f & ZMTP_FLAG_LONG ? 9 : 2;
        if ((rc = zmtp_fill(c, hl)) <= 0) return rc;
        const unsigned char *h = zmtp_take(c, hl);
        if (f & ~(ZMTP_FLAG_MORE | ZMTP_FLAG_LONG | ZMTP_FLAG_COMMAND)) return -EPROTO;
        uint64_t sz = 0;
        for (size_t b = 1; b < hl; b++) sz = sz << 8 | h[b];
        /* Until the peer's READY, only commands. */
        if (c->phase == ZMTP_HANDSHAKE && !(f & ZMTP_FLAG_COMMAND)) return -EPROTO;
        c->flags = f;
        c->size = sz;
        c->body_got = 0;
        c->in_body = true;
    }
}

int zmtp_read_body(struct zmtp_conn *c, unsigned char *dst)
{
    if (!c->in_body) return -EINVAL;
    while (c->body_got < c->size) {
        uint64_t left = c->size - c->body_got;
        if (c->in_len > 0) { /* read ahead first */
            size_t n = c->in_len < left ? c->in_len : (size_t)left;
            const unsigned char *p = zmtp_take(c, n);
            if (dst) memcpy(dst + c->body_got, p, n);
            c->body_got += n;
            continue;
        }
        ssize_t r;
        if (dst) /* straight into the destination: only this frame's bytes */
            r = recv(c->fd, dst + c->body_got, (size_t)left, MSG_DONTWAIT);
        else {
            r = recv(c->fd, c->in, sizeof c->in, MSG_DONTWAIT);
            if (r > 0) c->in_len = (size_t)r, c->in_head = 0;
            if (r > 0) continue;
        }
        if (r == 0) return -ECONNRESET;
        if (r < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
        }
        c->body_got += (uint64_t)r;
        if ((uint64_t)r < left) return 0; /* a short read drained the socket (see zmtp_fill) */
    }
    c->in_body = false;
    return 1;
}
