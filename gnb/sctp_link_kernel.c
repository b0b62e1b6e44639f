/* The kernel's SCTP (RFC 6458 one-to-one style sockets; see sctp_link.h). */
#include "gnb/sctp_link_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Loss detection in seconds, not minutes (sctp_link.h). */
static int liveness_options(int fd)
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
    if (setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto) < 0) return -errno;
    if (setsockopt(fd, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof ap) < 0) return -errno;
    if (setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp) < 0) return -errno;
    return 0;
}

static int kernel_socket(int family, uint16_t streams, char *err, size_t errlen)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
    if (fd < 0) {
        int e = errno;
        if (e == EPROTONOSUPPORT || e == ESOCKTNOSUPPORT || e == EAFNOSUPPORT)
            snprintf(err, errlen, "this kernel has no SCTP (socket: %s); load the sctp module or set "
                     "ngap.transport = \"udp\" (SCTP over UDP, RFC 6951)", strerror(e));
        else
            snprintf(err, errlen, "SCTP socket: %s", strerror(e));
        return -e;
    }
    const int on = 1;
    struct sctp_initmsg im = {.sinit_num_ostreams = streams, .sinit_max_instreams = streams};
    struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_on = 1};
    int rc = setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im);
    if (rc == 0) rc = setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on);
    if (rc == 0) rc = setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
    ev.se_type = SCTP_ASSOC_CHANGE;
    if (rc == 0) rc = setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
    ev.se_type = SCTP_SHUTDOWN_EVENT;
    if (rc == 0) rc = setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
    if (rc == 0 && liveness_options(fd) < 0) rc = -1;
    if (rc < 0) {
        int e = errno;
        snprintf(err, errlen, "SCTP socket options: %s", strerror(e));
        close(fd);
        return -e;
    }
    return fd;
}

int sctp_kernel_connect(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    int sslen = sctp_link_sockaddr(cfg->remote_addr, cfg->remote_port, &ss);
    if (sslen < 0) {
        snprintf(err, errlen, "SCTP address \"%s\" is not an IPv4 or IPv6 literal", cfg->remote_addr);
        return -EINVAL;
    }
    int fd = kernel_socket(ss.ss_family, l->streams, err, errlen);
    if (fd < 0) return fd;
    if (connect(fd, (struct sockaddr *)&ss, (socklen_t)sslen) < 0 && errno != EINPROGRESS) {
        int e = errno;
        snprintf(err, errlen, "SCTP connect to %s:%u: %s", cfg->remote_addr, cfg->remote_port, strerror(e));
        close(fd);
        return -e;
    }
    l->fd = fd;
    l->up = 0;
    return 0;
}

int sctp_kernel_listen(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    int sslen = sctp_link_sockaddr(cfg->local_addr, cfg->local_port, &ss);
    if (sslen < 0) {
        snprintf(err, errlen, "SCTP address \"%s\" is not an IPv4 or IPv6 literal", cfg->local_addr);
        return -EINVAL;
    }
    int fd = kernel_socket(ss.ss_family, l->streams, err, errlen);
    if (fd < 0) return fd;
    if (bind(fd, (struct sockaddr *)&ss, (socklen_t)sslen) < 0 || listen(fd, 4) < 0) {
        int e = errno;
        snprintf(err, errlen, "SCTP listen on port %u: %s", cfg->local_port, strerror(e));
        close(fd);
        return -e;
    }
    l->fd = fd;
    l->up = 1;
    return 0;
}

int sctp_kernel_accept(struct sctp_link *listener, struct sctp_link *l)
{
    int fd = accept4(listener->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
    l->fd = fd;
    l->up = 1;
    return 0;
}

int sctp_kernel_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len)
{
    char cbuf[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = IPPROTO_SCTP;
    c->cmsg_type = SCTP_SNDINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndinfo));
    struct sctp_sndinfo si = {.snd_sid = stream, .snd_ppid = htonl(ppid)};
    memcpy(CMSG_DATA(c), &si, sizeof si);
    if (sendmsg(l->fd, &mh, MSG_NOSIGNAL) < 0) {
        if (errno == EWOULDBLOCK || errno == EAGAIN || errno == ENOTCONN) return -EAGAIN;
        if (errno == EMSGSIZE) return -EMSGSIZE;
        l->up = -ECONNRESET;
        return -ECONNRESET;
    }
    return 0;
}

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

int sctp_kernel_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info)
{
    bool truncated = false;
    for (;;) {
        char cbuf[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
        struct iovec iov = {.iov_base = buf, .iov_len = cap};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        ssize_t n = recvmsg(l->fd, &mh, 0);
        if (n < 0) {
            if (errno == EWOULDBLOCK || errno == EAGAIN) return truncated ? -EMSGSIZE : -EAGAIN;
            if (errno == EINTR) continue;
            l->up = -ECONNRESET;
            return -ECONNRESET;
        }
        if (n == 0) {
            l->up = -ECONNRESET;
            return -ECONNRESET;
        }
        if (mh.msg_flags & MSG_NOTIFICATION) {
            notification(l, buf, (size_t)n);
            if (l->up < 0) return -ECONNRESET;
            continue;
        }
        if (!(mh.msg_flags & MSG_EOR)) {
            truncated = true;
            continue;
        }
        if (truncated) return -EMSGSIZE;
        info->stream = 0;
        info->ppid = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
            if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
                struct sctp_rcvinfo ri;
                memcpy(&ri, CMSG_DATA(c), sizeof ri);
                info->stream = ri.rcv_sid;
                info->ppid = ntohl(ri.rcv_ppid);
            }
        if (l->up == 0) l->up = 1;
        return (int)n;
    }
}

void sctp_kernel_close(struct sctp_link *l)
{
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
}
