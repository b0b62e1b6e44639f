/* One SCTP association, the transport of NGAP (38.412 7: SCTP, payload protocol identifier 60, the AMF listens
 * on port 38412; non-UE-associated signalling on stream 0, UE-associated on the others).
 *
 * Two transports, chosen by configuration (`ngap.transport`):
 *   SCTP_LINK_KERNEL     the kernel's SCTP (a one-to-one style socket, RFC 6458): the normal case on a lab box.
 *   SCTP_LINK_UDP_ENCAP  SCTP over UDP (RFC 6951) with the userland stack usrsctp, for hosts without an SCTP
 *                        module: SCTP packets travel in UDP datagrams from our local encapsulation port to the
 *                        peer's (e.g. 9900 -> 9899). usrsctp is one stack per process bound to one UDP port,
 *                        so every UDP_ENCAP link of a process uses the same udp_local_port (the first open
 *                        fixes it; another value is refused with -EADDRINUSE).
 *
 * Threads: a link is used by one thread at a time (the NGAP stage's). It is pollable: sctp_link_fd() becomes
 * readable when a message or an association event may be waiting (for usrsctp an eventfd the stack's own thread
 * signals), so a stage waits in poll() with its other inputs and a timeout, never in a busy loop. Not for the
 * slot path: sends and receives are system calls and the stack allocates.
 *
 * Losing the peer: both transports set RTO 200..1000 ms (initial 1000), a heartbeat every SCTP_LINK_HB_MS and
 * SCTP_LINK_MAX_RETX retransmissions per association, so a peer that vanishes without a SHUTDOWN or ABORT (a
 * killed userland stack, a pulled cable) is declared lost within about 10 s rather than the RFC 4960 defaults'
 * minutes; a graceful close is seen at once.
 *
 * Errors are negative errno values; `err` buffers get a sentence an operator can act on (e.g. kernel SCTP
 * missing: "... set ngap.transport = \"udp\""). */
#ifndef GNBD_SCTP_LINK_H
#define GNBD_SCTP_LINK_H

#include <stddef.h>
#include <stdint.h>

enum sctp_link_transport { SCTP_LINK_KERNEL, SCTP_LINK_UDP_ENCAP };

#define SCTP_LINK_NGAP_PPID 60u    /* 38.412 7 */
#define SCTP_LINK_NGAP_PORT 38412u /* 38.412 7 */
#define SCTP_LINK_HB_MS 1000u
#define SCTP_LINK_MAX_RETX 4u

struct sctp_link_config {
    enum sctp_link_transport transport;
    char remote_addr[64];       /* IPv4 or IPv6 literal: the AMF (connect) */
    uint16_t remote_port;       /* SCTP port: 38412 */
    char local_addr[64];        /* "" = any; the address to listen on for sctp_link_listen() */
    uint16_t local_port;        /* 0 = any (connect); the port to listen on */
    uint16_t udp_local_port;    /* SCTP_LINK_UDP_ENCAP: this process's encapsulation port (RFC 6951 5) */
    uint16_t udp_remote_port;   /* SCTP_LINK_UDP_ENCAP: the peer's encapsulation port */
    uint16_t streams;           /* outbound streams asked for (and inbound accepted); 0 = 2 */
};

struct sctp_link; /* opaque */

/* Information that came with a received message. */
struct sctp_link_rx {
    uint16_t stream;
    uint32_t ppid; /* host order */
};

/* Start an association to cfg->remote_addr:remote_port. Returns 0 and *out (the link is up, or coming up: see
 * sctp_link_is_up()), or a negative errno with a sentence in err[errlen]. Does not block. */
int sctp_link_connect(struct sctp_link **out, const struct sctp_link_config *cfg, char *err, size_t errlen);

/* A listening link on cfg->local_addr:local_port (test peers, an AMF stand-in). */
int sctp_link_listen(struct sctp_link **out, const struct sctp_link_config *cfg, char *err, size_t errlen);

/* An association accepted on a listening link: 0 and *out, -EAGAIN when none is waiting. */
int sctp_link_accept(struct sctp_link *listener, struct sctp_link **out);

/* The file descriptor to poll for input (POLLIN). */
int sctp_link_fd(const struct sctp_link *l);

/* 1 while the association is established, 0 while it is being set up, -ECONNRESET once it is gone (lost,
 * refused, shut down: close the link and connect again). Updated by sctp_link_recv(). */
int sctp_link_is_up(const struct sctp_link *l);

/* Send one message on `stream` with payload protocol identifier ppid. 0, -EAGAIN (the send buffer is full or the
 * association not up yet), -ECONNRESET, -EMSGSIZE, -EINVAL (stream out of range). */
int sctp_link_send(struct sctp_link *l, uint16_t stream, uint32_t ppid, const void *buf, size_t len);

/* Receive one whole message (association events are handled inside and change sctp_link_is_up()). Returns its
 * length, -EAGAIN when nothing is waiting, -ECONNRESET when the association is gone, -EMSGSIZE when the message
 * was longer than cap (it is discarded whole), -EINVAL when cap < SCTP_LINK_MIN_RECV (an event must fit). */
#define SCTP_LINK_MIN_RECV 512
int sctp_link_recv(struct sctp_link *l, void *buf, size_t cap, struct sctp_link_rx *info);

/* Wait up to timeout_ms for input on the link (poll on its fd). 1: something may be waiting, 0: timeout. */
int sctp_link_wait(const struct sctp_link *l, int timeout_ms);

/* Shut the association down (gracefully when up) and free the link. NULL is ignored. */
void sctp_link_close(struct sctp_link *l);

const char *sctp_link_transport_name(enum sctp_link_transport t);

#endif
