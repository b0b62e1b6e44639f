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

#define SCTP_LINK_SOCK int
static int sctp_link_setopt(int fd, int option, const void *value, socklen_t len)
{
    return setsockopt(fd, IPPROTO_SCTP, option, value, len) < 0 ? -errno : 0;
}
#include "gnb/sctp_link_sockopt.h"

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
    int rc = sctp_link_socket_options(fd, streams);
    if (rc < 0) {
        snprintf(err, errlen, "SCTP socket options: %s", strerror(-rc));
        close(fd);
        return rc;
    }
    return fd;
}

static int kernel_connect(struct sctp_link *l, const struct sctp_link_config *cfg, const struct sockaddr_storage *ss,
                          socklen_t sslen, char *err, size_t errlen)
{
    int fd = kernel_socket(ss->ss_family, l->streams, err, errlen);
    if (fd < 0) return fd;
    if (connect(fd, (const struct sockaddr *)ss, sslen) < 0 && errno != EINPROGRESS) {
        int e = errno;
        snprintf(err, errlen, "SCTP connect to %s:%u: %s", cfg->remote_addr, cfg->remote_port, strerror(e));
        close(fd);
        return -e;
    }
    l->fd = fd;
    return 0;
}

static int kernel_listen(struct sctp_link *l, const struct sctp_link_config *cfg, const struct sockaddr_storage *ss,
                         socklen_t sslen, char *err, size_t errlen)
{
    int fd = kernel_socket(ss->ss_family, l->streams, err, errlen);
    if (fd < 0) return fd;
    if (bind(fd, (const struct sockaddr *)ss, sslen) < 0 || listen(fd, 4) < 0) {
        int e = errno;
        snprintf(err, errlen, "SCTP listen on port %u: %s", cfg->local_port, strerror(e));
        close(fd);
        return -e;
    }
    l->fd = fd;
    return 0;
}

static int kernel_accept(struct sctp_link *listener, struct sctp_link *l)
{
    int fd = accept4(listener->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return errno == EWOULDBLOCK || errno == EAGAIN ? -EAGAIN : -errno;
    l->fd = fd;
    return 0;
}

static int kernel_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len)
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
    return sendmsg(l->fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static enum sctp_link_event kernel_read(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_chunk *out)
{
    char cbuf[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
    struct iovec iov = {.iov_base = buf, .iov_len = cap};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(l->fd, &mh, 0);
    if (n < 0) {
        if (errno == EWOULDBLOCK || errno == EAGAIN) return SCTP_LINK_EV_AGAIN;
        return errno == EINTR ? SCTP_LINK_EV_NONE : SCTP_LINK_EV_GONE;
    }
    if (n == 0) return SCTP_LINK_EV_GONE; /* the peer closed the association */
    if (mh.msg_flags & MSG_NOTIFICATION) return sctp_link_notification(buf, (size_t)n);
    out->len = (size_t)n;
    out->eor = (mh.msg_flags & MSG_EOR) != 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
            struct sctp_rcvinfo ri;
            memcpy(&ri, CMSG_DATA(c), sizeof ri);
            out->rx.stream = ri.rcv_sid;
            out->rx.ppid = ntohl(ri.rcv_ppid);
        }
    return SCTP_LINK_EV_DATA;
}

static void kernel_close(struct sctp_link *l)
{
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
}

const struct sctp_link_ops sctp_link_kernel_ops = {
    .connect = kernel_connect,
    .listen = kernel_listen,
    .accept = kernel_accept,
    .send = kernel_send,
    .read = kernel_read,
    .close = kernel_close,
};
