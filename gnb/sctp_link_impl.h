/* Private to gnb/sctp_link*.c: the link as both backends see it, and what a backend provides. The kernel's
 * <netinet/sctp.h> and usrsctp.h declare the same structures, so each backend lives in its own file and this
 * header names neither; what they share is in sctp_link.c (address, receive loop, send errors) and, for the code
 * that must be compiled against each backend's SCTP header, in sctp_link_sockopt.h. */
#ifndef GNBD_SCTP_LINK_IMPL_H
#define GNBD_SCTP_LINK_IMPL_H

#include <stdbool.h>
#include <sys/socket.h>

#include "gnb/sctp_link.h"

struct sctp_link_ops;

struct sctp_link {
    enum sctp_link_transport transport;
    const struct sctp_link_ops *ops;
    int fd;          /* kernel: the socket; udp: an eventfd the stack's thread signals (upcall) */
    int up;          /* 1 established, 0 coming up, -ECONNRESET gone */
    int listening;
    uint16_t streams;
    void *so;        /* udp: the usrsctp socket */
};

/* What one read from a backend's socket brought: each backend maps its flags and notifications onto this, and
 * sctp_link_recv() does the rest the same way for both. */
enum sctp_link_event {
    SCTP_LINK_EV_NONE,  /* nothing for the link (an event it does not follow, an interrupted call): read again */
    SCTP_LINK_EV_AGAIN, /* nothing waiting */
    SCTP_LINK_EV_DATA,  /* a message, or a part of one (eor false) */
    SCTP_LINK_EV_UP,    /* the association is up (RFC 6458 6.1.1 SCTP_COMM_UP, SCTP_RESTART) */
    SCTP_LINK_EV_GONE,  /* the association is gone: lost, refused, shut down, or the socket failed or closed */
};

struct sctp_link_chunk {
    size_t len;             /* SCTP_LINK_EV_DATA: octets read */
    bool eor;               /* ... and they end the message */
    struct sctp_link_rx rx; /* ... its stream and PPID (0 when the stack did not say) */
};

/* One backend. The address has been checked and parsed (ss, sslen) before connect/listen; the link's fd is -1
 * and its state 0 until they succeed. send returns 0 or the send call's -errno, which sctp_link_send() maps. */
struct sctp_link_ops {
    int (*connect)(struct sctp_link *l, const struct sctp_link_config *cfg, const struct sockaddr_storage *ss,
                   socklen_t sslen, char *err, size_t errlen);
    int (*listen)(struct sctp_link *l, const struct sctp_link_config *cfg, const struct sockaddr_storage *ss,
                  socklen_t sslen, char *err, size_t errlen);
    int (*accept)(struct sctp_link *listener, struct sctp_link *l); /* 0, -EAGAIN, -errno */
    int (*send)(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len);
    void (*recv_begin)(struct sctp_link *l); /* before a receive loop drains the socket; may be NULL */
    enum sctp_link_event (*read)(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_chunk *c);
    void (*close)(struct sctp_link *l);
};

extern const struct sctp_link_ops sctp_link_kernel_ops;
extern const struct sctp_link_ops sctp_link_udp_ops;

#endif
