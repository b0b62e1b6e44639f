/* Private to gnb/sctp_link*.c: the link as both backends see it. The kernel's <netinet/sctp.h> and usrsctp.h
 * declare the same structures, so each backend lives in its own file and this header names neither. */
#ifndef GNBD_SCTP_LINK_IMPL_H
#define GNBD_SCTP_LINK_IMPL_H

#include "gnb/sctp_link.h"

struct sctp_link {
    enum sctp_link_transport transport;
    int fd;          /* kernel: the socket; udp: an eventfd the stack's thread signals (upcall) */
    int up;          /* 1 established, 0 coming up, -ECONNRESET gone */
    int listening;
    uint16_t streams;
    void *so;        /* udp: the usrsctp socket */
};

int sctp_kernel_connect(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen);
int sctp_kernel_listen(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen);
int sctp_kernel_accept(struct sctp_link *listener, struct sctp_link *l);
int sctp_kernel_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len);
int sctp_kernel_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info);
void sctp_kernel_close(struct sctp_link *l);

int sctp_udp_connect(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen);
int sctp_udp_listen(struct sctp_link *l, const struct sctp_link_config *cfg, char *err, size_t errlen);
int sctp_udp_accept(struct sctp_link *listener, struct sctp_link *l);
int sctp_udp_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len);
int sctp_udp_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info);
void sctp_udp_close(struct sctp_link *l);

/* An IPv4/IPv6 literal and port into *ss (sockaddr_in or sockaddr_in6); "" = any. Its length, or -EINVAL. */
struct sockaddr_storage;
int sctp_link_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss);

#endif
