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

static void upcall(struct socket *so, void *arg, int flags)
{
    (void)so;
    (void)flags;
    struct sctp_link *l = arg;
    uint64_t one = 1;
    ssize_t n = write(l->fd, &one, sizeof one);
    (void)n; /* the counter cannot overflow in practice; a failed bump leaves it readable anyway */
}

/* Loss detection in seconds, not minutes (sctp_link.h). */
static int liveness_options(struct socket *so)
{
    struct sctp_rtoinfo rto = {.srto_assoc_id = SCTP_FUTURE_ASSOC, .srto_initial = 1000, .srto_max = 1000,
                               .srto_min = 200};
    struct sctp_assocparams ap = {.sasoc_assoc_id = SCTP_FUTURE_ASSOC, .sasoc_asocmaxrxt = SCTP_LINK_MAX_RETX};
    struct sctp_paddrparams pp;
    memset(&pp, 0, sizeof pp);
    pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
    pp.spp_hbinterval = SCTP_LINK_HB_MS;
    pp.spp_pathmaxrxt = SCTP_LINK_MAX_RETX;
    pp.spp_flags = SPP_HB_ENABLE;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto) < 0) return -errno;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof ap) < 0) return -errno;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp) < 0) return -errno;
    return 0;
}

static int socket_options(struct socket *so, uint16_t streams, uint16_t udp_remote_port)
{
    const int on = 1;
    struct sctp_initmsg im = {.sinit_num_ostreams = streams, .sinit_max_instreams = streams};
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im) < 0) return -errno;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on) < 0) return -errno;
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on) < 0) return -errno;
    const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT};
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = events[i], .se_on = 1};
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev) < 0) return -errno;
    }
    int rc = liveness_options(so);
    if (rc < 0) return rc;
    if (udp_remote_port) { /* RFC 6951 5: the peer's encapsulation port, for every association of the socket */
        struct sctp_udpencaps enc;
        memset(&enc, 0, sizeof enc);
        enc.sue_address.ss_family = AF_INET6; /* unspecified address: the socket-wide default */
        enc.sue_port = htons(udp_remote_port);
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc) < 0) return -errno;
    }
    return 0;
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

static int open_socket(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen,
                       struct sockaddr_storage *ss, int *sslen, bool local)
{
    *sslen = local ? sctp_link_sockaddr(cfg->local_addr, cfg->local_port, ss)
                   : sctp_link_sockaddr(cfg->remote_addr, cfg->remote_port, ss);
    if (*sslen < 0) {
        snprintf(err, errlen, "SCTP address \"%s\" is not an IPv4 or IPv6 literal",
                 local ? cfg->local_addr : cfg->remote_addr);
        return -EINVAL;
    }
    int rc = stack_get(cfg->udp_local_port, err, errlen);
    if (rc < 0) return rc;
    struct socket *so = usrsctp_socket(ss->ss_family, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
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

int sctp_udp_connect(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    int sslen, rc = open_socket(l, cfg, err, errlen, &ss, &sslen, false);
    if (rc < 0) return rc;
    if (usrsctp_connect(l->so, (struct sockaddr *)&ss, (socklen_t)sslen) < 0 && errno != EINPROGRESS) {
        rc = -errno;
        snprintf(err, errlen, "SCTP over UDP: connect to %s:%u: %s", cfg->remote_addr, cfg->remote_port,
                 strerror(errno));
        sctp_udp_close(l);
        return rc;
    }
    l->up = 0; /* SCTP_COMM_UP arrives as a notification */
    return 0;
}

int sctp_udp_listen(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    int sslen, rc = open_socket(l, cfg, err, errlen, &ss, &sslen, true);
    if (rc < 0) return rc;
    if (usrsctp_bind(l->so, (struct sockaddr *)&ss, (socklen_t)sslen) < 0 || usrsctp_listen(l->so, 4) < 0) {
        rc = -errno;
        snprintf(err, errlen, "SCTP over UDP: listen on %s:%u: %s", cfg->local_addr[0] ? cfg->local_addr : "*",
                 cfg->local_port, strerror(errno));
        sctp_udp_close(l);
        return rc;
    }
    l->up = 1;
    return 0;
}

int sctp_udp_accept(struct sctp_link *listener, struct sctp_link *l)
{
    uint64_t v;
    ssize_t n = read(listener->fd, &v, sizeof v);
    (void)n;
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
    n = write(l->fd, &one, sizeof one);
    l->up = 1;
    return 0;
}

int sctp_udp_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len)
{
    struct sctp_sndinfo si = {.snd_sid = stream, .snd_ppid = htonl(ppid)};
    ssize_t n = usrsctp_sendv(l->so, buf, len, NULL, 0, &si, sizeof si, SCTP_SENDV_SNDINFO, 0);
    if (n < 0) {
        if (errno == EWOULDBLOCK || errno == EAGAIN || errno == ENOTCONN) return -EAGAIN;
        if (errno == EMSGSIZE) return -EMSGSIZE;
        l->up = -ECONNRESET;
        return -ECONNRESET;
    }
    return 0;
}

/* An association event: up, or gone. */
static void notification(struct sctp_link *l, const void *buf, size_t len)
{
    const union sctp_notification *n = buf;
    if (len < sizeof n->sn_header) return;
    if (n->sn_header.sn_type == SCTP_ASSOC_CHANGE && len >= sizeof n->sn_assoc_change) {
        uint16_t st = n->sn_assoc_change.sac_state;
        if (st == SCTP_COMM_UP || st == SCTP_RESTART)
            l->up = 1;
        else if (st == SCTP_COMM_LOST || st == SCTP_SHUTDOWN_COMP || st == SCTP_CANT_STR_ASSOC)
            l->up = -ECONNRESET;
    } else if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
        l->up = -ECONNRESET;
    }
}

int sctp_udp_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info)
{
    uint64_t v;
    ssize_t n = read(l->fd, &v, sizeof v); /* clear first: an upcall after this sets it again */
    (void)n;
    bool truncated = false;
    for (;;) {
        struct sctp_rcvinfo rcv;
        socklen_t infolen = sizeof rcv, fromlen = sizeof(struct sockaddr_storage);
        struct sockaddr_storage from;
        unsigned int infotype = 0;
        int flags = 0;
        memset(&rcv, 0, sizeof rcv);
        n = usrsctp_recvv(l->so, buf, cap, (struct sockaddr *)&from, &fromlen, &rcv, &infolen, &infotype, &flags);
        if (n < 0) {
            if (errno == EWOULDBLOCK || errno == EAGAIN) {
                if (truncated) return -EMSGSIZE; /* the rest of an over-long message has not come yet */
                return -EAGAIN;
            }
            l->up = -ECONNRESET;
            return -ECONNRESET;
        }
        if (n == 0) { /* the peer closed the association */
            l->up = -ECONNRESET;
            return -ECONNRESET;
        }
        if (flags & MSG_NOTIFICATION) {
            notification(l, buf, (size_t)n);
            if (l->up < 0) return -ECONNRESET;
            continue;
        }
        if (!(flags & MSG_EOR)) { /* longer than cap: discard it whole */
            truncated = true;
            continue;
        }
        if (truncated) return -EMSGSIZE;
        info->stream = infotype == SCTP_RECVV_RCVINFO ? rcv.rcv_sid : 0;
        info->ppid = infotype == SCTP_RECVV_RCVINFO ? ntohl(rcv.rcv_ppid) : 0;
        if (l->up == 0) l->up = 1;
        return (int)n;
    }
}

void sctp_udp_close(struct sctp_link *l)
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
