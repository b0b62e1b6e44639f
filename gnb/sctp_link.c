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

int sctp_link_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
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

static struct sctp_link *link_new(const struct sctp_link_config *cfg)
{
    struct sctp_link *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->transport = cfg->transport;
    l->fd = -1;
    l->streams = cfg->streams ? cfg->streams : 2;
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

int sctp_link_connect(struct sctp_link **out, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    *out = NULL;
    int rc = check_config(cfg, false, err, errlen);
    if (rc < 0) return rc;
    struct sctp_link *l = link_new(cfg);
    if (!l) return -ENOMEM;
    rc = cfg->transport == SCTP_LINK_KERNEL ? sctp_kernel_connect(l, cfg, err, errlen)
                                            : sctp_udp_connect(l, cfg, err, errlen);
    if (rc < 0) {
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

int sctp_link_listen(struct sctp_link **out, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    *out = NULL;
    int rc = check_config(cfg, true, err, errlen);
    if (rc < 0) return rc;
    struct sctp_link *l = link_new(cfg);
    if (!l) return -ENOMEM;
    l->listening = 1;
    rc = cfg->transport == SCTP_LINK_KERNEL ? sctp_kernel_listen(l, cfg, err, errlen)
                                            : sctp_udp_listen(l, cfg, err, errlen);
    if (rc < 0) {
        free(l);
        return rc;
    }
    *out = l;
    return 0;
}

int sctp_link_accept(struct sctp_link *listener, struct sctp_link **out)
{
    *out = NULL;
    if (!listener || !listener->listening) return -EINVAL;
    struct sctp_link *l = calloc(1, sizeof *l);
    if (!l) return -ENOMEM;
    l->transport = listener->transport;
    l->fd = -1;
    l->streams = listener->streams;
    int rc = l->transport == SCTP_LINK_KERNEL ? sctp_kernel_accept(listener, l) : sctp_udp_accept(listener, l);
    if (rc < 0) {
        free(l);
        return rc;
    }
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
    return l->transport == SCTP_LINK_KERNEL ? sctp_kernel_send(l, stream, ppid, buf, len)
                                            : sctp_udp_send(l, stream, ppid, buf, len);
}

int sctp_link_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info)
{
    if (!l || l->listening || !buf || cap < SCTP_LINK_MIN_RECV) return -EINVAL;
    if (l->up < 0) return -ECONNRESET;
    struct sctp_link_rx dummy;
    return l->transport == SCTP_LINK_KERNEL ? sctp_kernel_recv(l, buf, cap, info ? info : &dummy)
                                            : sctp_udp_recv(l, buf, cap, info ? info : &dummy);
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
    if (l->transport == SCTP_LINK_KERNEL)
        sctp_kernel_close(l);
    else
        sctp_udp_close(l);
    free(l);
}
