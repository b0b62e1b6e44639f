/* SCTP over UDP encapsulation (RFC 6951) with usrsctp, for hosts without kernel SCTP (see sctp_link.h).
 *
 * usrsctp is one SCTP stack per process, created by usrsctp_init() with the UDP port it encapsulates on; links
 * count their users of it (a process-wide count under a mutex: not the slot path). The stack runs its own
 * threads; a socket's upcall (data, a connection to accept, writable) bumps the link's eventfd, which the owner
 * polls. Reads clear the eventfd before draining the socket, so an upcall that races the drain leaves it set. */
#include "gnb/sctp_link_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <usrsctp.h>

static pthread_mutex_t stack_lock = PTHREAD_MUTEX_INITIALIZER;
static int stack_users;
static uint16_t stack_udp_port;

static int stack_get(uint16_t udp_port, char *err, size_t errlen)
{
    int rc = 0;
    pthread_mutex_lock(&stack_lock);
    if (stack_users == 0) {
        usrsctp_init(udp_port, NULL, NULL);
        usrsctp_sysctl_set_sctp_blackhole(2); /* no ABORT for stray packets to closed ports */
        stack_udp_port = udp_port;
    } else if (udp_port != stack_udp_port) {
        snprintf(err, errlen, "SCTP over UDP: this process encapsulates on UDP port %u already; one port per "
                 "process (asked for %u)", stack_udp_port, udp_port);
        rc = -EADDRINUSE;
    }
    if (rc == 0) stack_users++;
    pthread_mutex_unlock(&stack_lock);
    return rc;
}

static void stack_put(void)
{
    pthread_mutex_lock(&stack_lock);
    if (--stack_users == 0) {
        /* usrsctp_finish() refuses while associations are still shutting down: give them up to 2 s. */
        for (int i = 0; i < 200 && usrsctp_finish() != 0; i++) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    pthread_mutex_unlock(&stack_lock);
}

#define SCTP_LINK_SOCK struct socket *
static int sctp_link_setopt(struct socket *so, int option, const void *value, socklen_t len)
{
    return usrsctp_setsockopt(so, IPPROTO_SCTP, option, value, len) < 0 ? -errno : 0;
}
#include "gnb/sctp_link_sockopt.h"

static void upcall(struct socket *so, void *arg, int flags)
{
    (void)so;
    (void)flags;
    struct sctp_link *l = arg;
    uint64_t one = 1;
    ssize_t n = write(l->fd, &one, sizeof one);
    (void)n; /* the counter cannot overflow in practice; a failed bump leaves it readable anyway */
}

static int socket_options(struct socket *so, uint16_t streams, uint16_t udp_remote_port)
{
    int rc = sctp_link_socket_options(so, streams);
    if (rc < 0) return rc;
    if (udp_remote_port) { /* RFC 6951 5: the peer's encapsulation port, for every association of the socket */
        struct sctp_udpencaps enc;
        memset(&enc, 0, sizeof enc);
        enc.sue_address.ss_family = AF_INET6; /* unspecified address: the socket-wide default */
        enc.sue_port = htons(udp_remote_port);
        rc = sctp_link_setopt(so, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc);
    }
    return rc;
}

/* An eventfd for l, the upcall on `so`, non-blocking I/O. */
static int attach(struct sctp_link *l, struct socket *so)
{
    l->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->fd < 0) return -errno;
    l->so = so;
    if (usrsctp_set_non_blocking(so, 1) < 0) return -errno;
    usrsctp_set_upcall(so, upcall, l);
    return 0;
}

static int open_socket(struct sctp_link *l, const struct sctp_link_config *cfg, int family, char *err, size_t errlen)
{
    int rc = stack_get(cfg->udp_local_port, err, errlen);
    if (rc < 0) return rc;
    struct socket *so = usrsctp_socket(family, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    if (!so) {
        rc = -errno;
        snprintf(err, errlen, "SCTP over UDP: no socket: %s", strerror(errno));
        stack_put();
        return rc;
    }
    rc = socket_options(so, l->streams, cfg->udp_remote_port);
    if (rc == 0) rc = attach(l, so);
    if (rc < 0) {
        snprintf(err, errlen, "SCTP over UDP: socket options: %s", strerror(-rc));
        if (l->fd >= 0) close(l->fd);
        l->fd = -1;
        usrsctp_close(so);
        stack_put();
    }
    return rc;
}

static void udp_close(struct sctp_link *l);

static int udp_connect(struct sctp_link *l, const struct sctp_link_config *cfg, const struct sockaddr_storage *ss,
                       socklen_t sslen, char *err, size_t errlen)
{
    int rc = open_socket(l, cfg, ss->ss_family, err, errlen);
    if (rc < 0) return rc;
    if (usrsctp_connect(l->so, (struct sockaddr *)ss, sslen) < 0 && errno != EINPROGRESS) {
        rc = -errno;
        snprintf(err, errlen, "SCTP over UDP: connect to %s:%u: %s", cfg->remote_addr, cfg->remote_port,
                 strerror(errno));
        udp_close(l);
        return rc;
    }
    return 0; /* SCTP_COMM_UP arrives as a notification */
}

static int udp_listen(struct sctp_link *l, const struct sctp_link_config *cfg, const struct sockaddr_storage *ss,
                      socklen_t sslen, char *err, size_t errlen)
{
    int rc = open_socket(l, cfg, ss->ss_family, err, errlen);
    if (rc < 0) return rc;
    if (usrsctp_bind(l->so, (struct sockaddr *)ss, sslen) < 0 || usrsctp_listen(l->so, 4) < 0) {
        rc = -errno;
        snprintf(err, errlen, "SCTP over UDP: listen on %s:%u: %s", cfg->local_addr[0] ? cfg->local_addr : "*",
                 cfg->local_port, strerror(errno));
        udp_close(l);
        return rc;
    }
    return 0;
}

/* Clear the eventfd before draining the socket: an upcall after this sets it again. */
static void udp_recv_begin(struct sctp_link *l)
{
    uint64_t v;
    ssize_t n = read(l->fd, &v, sizeof v);
    (void)n;
}

static int udp_accept(struct sctp_link *listener, struct sctp_link *l)
{
    udp_recv_begin(listener);
    struct socket *so = usrsctp_accept(listener->so, NULL, NULL);
    if (!so) return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
    int rc = stack_get(stack_udp_port, NULL, 0); /* the accepted socket is a user of the stack too */
    if (rc == 0) rc = attach(l, so);
    if (rc < 0) {
        if (l->fd >= 0) close(l->fd);
        l->fd = -1;
        usrsctp_close(so);
        return rc;
    }
    uint64_t one = 1; /* data may have come with the association: let the owner look */
    ssize_t n = write(l->fd, &one, sizeof one);
    (void)n;
    return 0;
}

static int udp_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len)
{
    struct sctp_sndinfo si = {.snd_sid = stream, .snd_ppid = htonl(ppid)};
    return usrsctp_sendv(l->so, buf, len, NULL, 0, &si, sizeof si, SCTP_SENDV_SNDINFO, 0) < 0 ? -errno : 0;
}

static enum sctp_link_event udp_read(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_chunk *out)
{
    struct sctp_rcvinfo rcv;
    socklen_t infolen = sizeof rcv, fromlen = sizeof(struct sockaddr_storage);
    struct sockaddr_storage from;
    unsigned int infotype = 0;
    int flags = 0;
    memset(&rcv, 0, sizeof rcv);
    ssize_t n = usrsctp_recvv(l->so, buf, cap, (struct sockaddr *)&from, &fromlen, &rcv, &infolen, &infotype, &flags);
    if (n < 0) return errno == EWOULDBLOCK || errno == EAGAIN ? SCTP_LINK_EV_AGAIN : SCTP_LINK_EV_GONE;
    if (n == 0) return SCTP_LINK_EV_GONE; /* the peer closed the association */
    if (flags & MSG_NOTIFICATION) return sctp_link_notification(buf, (size_t)n);
    out->len = (size_t)n;
    out->eor = (flags & MSG_EOR) != 0;
    if (infotype == SCTP_RECVV_RCVINFO) {
        out->rx.stream = rcv.rcv_sid;
        out->rx.ppid = ntohl(rcv.rcv_ppid);
    }
    return SCTP_LINK_EV_DATA;
}

static void udp_close(struct sctp_link *l)
{
    if (l->so) {
        usrsctp_set_upcall(l->so, NULL, NULL);
        usrsctp_close(l->so);
        l->so = NULL;
        stack_put();
    }
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
}

const struct sctp_link_ops sctp_link_udp_ops = {
    .connect = udp_connect,
    .listen = udp_listen,
    .accept = udp_accept,
    .send = udp_send,
    .recv_begin = udp_recv_begin,
    .read = udp_read,
    .close = udp_close,
};
