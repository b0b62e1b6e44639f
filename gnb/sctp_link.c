/* One SCTP association (see sctp_link.h): what both transports share, and the dispatch. */
#include "gnb/sctp_link_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *sctp_link_transport_name(enum sctp_link_transport t)
{
    return t == SCTP_LINK_KERNEL ? "kernel" : t == SCTP_LINK_UDP_ENCAP ? "udp" : "?";
}

/* An IPv4/IPv6 literal and port into *ss (sockaddr_in or sockaddr_in6); "" = any. Its length, or -EINVAL. */
static int sctp_link_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (!addr || !addr[0]) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        v4->sin_addr.s_addr = htonl(INADDR_ANY);
        return (int)sizeof *v4;
    }
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return (int)sizeof *v4;
    }
    if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return (int)sizeof *v6;
    }
    return -EINVAL;
}

static struct sctp_link *link_new(enum sctp_link_transport t, uint16_t streams)
{
    struct sctp_link *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->transport = t;
    l->ops = t == SCTP_LINK_KERNEL ? &sctp_link_kernel_ops : &sctp_link_udp_ops;
    l->fd = -1;
    l->streams = streams ? streams : 2;
    return l;
}

/* A listener learns each peer's encapsulation port from its packets (RFC 6951 5.1); a connecting side needs it. */
static int check_config(const struct sctp_link_config *cfg, bool listener, char *err, size_t errlen)
{
    if (cfg->transport != SCTP_LINK_KERNEL && cfg->transport != SCTP_LINK_UDP_ENCAP) {
        snprintf(err, errlen, "unknown SCTP transport %d (kernel or udp)", (int)cfg->transport);
        return -EINVAL;
    }
    if (cfg->transport == SCTP_LINK_UDP_ENCAP && (cfg->udp_local_port == 0 || (!listener && cfg->udp_remote_port == 0))) {
        snprintf(err, errlen, "SCTP over UDP needs a local and a remote UDP encapsulation port (RFC 6951)");
        return -EINVAL;
    }
    return 0;
}

/* Connect to cfg's remote address, or listen on its local one: the new link (state 0 coming up, 1 listening). */
static int link_open(struct sctp_link **out, const struct sctp_link_config *cfg, bool listener, char *err,
                     size_t errlen)
{
    *out = NULL;
    int rc = check_config(cfg, listener, err, errlen);
    if (rc < 0) return rc;
    const char *addr = listener ? cfg->local_addr : cfg->remote_addr;
    struct sockaddr_storage ss;
    int sslen = sctp_link_sockaddr(addr, listener ? cfg->local_port : cfg->remote_port, &ss);
    if (sslen < 0) {
        snprintf(err, errlen, "SCTP address \"%s\" is not an IPv4 or IPv6 literal", addr);
        return -EINVAL;
    }
    struct sctp_link *l = link_new(cfg->transport, cfg->streams);
    if (!l) return -ENOMEM;
    l->listening = listener;
    rc = listener ? l->ops->listen(l, cfg, &ss, (socklen_t)sslen, err, errlen)
                  : l->ops->connect(l, cfg, &ss, (socklen_t)sslen, err, errlen);
    if (rc < 0) {
        free(l);
        return rc;
    }
    l->up = listener; /* a connecting link is up at SCTP_COMM_UP, or at its first message */
    *out = l;
    return 0;
}

int sctp_link_connect(struct sctp_link **out, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    return link_open(out, cfg, false, err, errlen);
}

int sctp_link_listen(struct sctp_link **out, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    return link_open(out, cfg, true, err, errlen);
}

int sctp_link_accept(struct sctp_link *listener, struct sctp_link **out)
{
    *out = NULL;
    if (!listener || !listener->listening) return -EINVAL;
    struct sctp_link *l = link_new(listener->transport, listener->streams);
    if (!l) return -ENOMEM;
    int rc = l->ops->accept(listener, l);
    if (rc < 0) {
        free(l);
        return rc;
    }
    l->up = 1;
    *out = l;
    return 0;
}

int sctp_link_fd(const struct sctp_link *l) { return l ? l->fd : -1; }

int sctp_link_is_up(const struct sctp_link *l) { return l ? l->up : -ECONNRESET; }

int sctp_link_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len)
{
    if (!l || l->listening || (!buf && len)) return -EINVAL;
    if (stream >= l->streams) return -EINVAL;
    if (l->up < 0) return -ECONNRESET;
    int rc = l->ops->send(l, stream, ppid, buf, len);
    if (rc == 0) return 0;
    if (rc == -EWOULDBLOCK || rc == -EAGAIN || rc == -ENOTCONN) return -EAGAIN; /* full, or not up yet */
    if (rc == -EMSGSIZE) return -EMSGSIZE;
    l->up = -ECONNRESET;
    return -ECONNRESET;
}

int sctp_link_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info)
{
    if (!l || l->listening || !buf || cap < SCTP_LINK_MIN_RECV) return -EINVAL;
    if (l->up < 0) return -ECONNRESET;
    if (l->ops->recv_begin) l->ops->recv_begin(l);
    bool truncated = false;
    for (;;) {
        struct sctp_link_chunk c = {0};
        switch (l->ops->read(l, buf, cap, &c)) {
        case SCTP_LINK_EV_NONE:
            continue;
        case SCTP_LINK_EV_AGAIN: /* (truncated: the rest of an over-long message has not come yet) */
            return truncated ? -EMSGSIZE : -EAGAIN;
        case SCTP_LINK_EV_UP:
            l->up = 1;
            continue;
        case SCTP_LINK_EV_GONE:
            l->up = -ECONNRESET;
            return -ECONNRESET;
        case SCTP_LINK_EV_DATA:
            if (!c.eor) { /* longer than cap: discard it whole */
                truncated = true;
                continue;
            }
            if (truncated) return -EMSGSIZE;
            if (info) *info = c.rx;
            if (l->up == 0) l->up = 1;
            return (int)c.len;
        }
        return -EIO; /* not reached: a backend returned no event */
    }
}

int sctp_link_wait(const struct sctp_link *l, int timeout_ms)
{
    if (!l || l->fd < 0) return -EINVAL;
    struct pollfd p = {.fd = l->fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    return n > 0;
}

void sctp_link_close(struct sctp_link *l)
{
    if (!l) return;
    l->ops->close(l);
    free(l);
}
