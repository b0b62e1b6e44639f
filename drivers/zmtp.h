/* zmtp: just enough of ZMTP 3.0 (the ZeroMQ Message Transport Protocol, rfc.zeromq.org/spec/23, NULL
 * security mechanism) to speak to libzmq REQ/REP/ROUTER sockets over tcp:// or ipc:// without libzmq.
 *
 * Why: libzmq moves every message through an I/O thread of its own and wakes the caller's thread through a
 * mailbox (eventfd + poll + getpid per wake-up); for the ZeroMQ radio, which exchanges a request and a block of
 * samples each way per slot, that machinery was most of an idle cell's CPU (docs/ARCHITECTURE.md §1.5). Here the
 * caller's own thread reads and writes the socket: a request is one read(), a reply one writev(), a block of
 * samples is read straight into the caller's buffer.
 *
 * Wire (23/ZMTP 3.0): each side sends a 64-byte greeting (signature FF 00..00 7F, version 3.0, mechanism "NULL",
 * as-server 0, filler), then a READY command carrying its Socket-Type; then frames: a flags byte (bit 0 MORE,
 * bit 1 LONG: 8-byte size, else 1-byte; bit 2 COMMAND), the size (network order) and the body. A message is its
 * frames up to one without MORE. Commands after the handshake are skipped (a ZMTP 3.0 peer sends none unless it
 * speaks a newer version with heartbeats, which it does not to a 3.0 peer).
 *
 * Non-blocking throughout: every call does what the socket allows now and says whether it is done. Nothing
 * here allocates after zmtp_conn_init(). Errors are negative errno: -ECONNRESET when the peer closed,
 * -EPROTO for a peer that is not a ZMTP 3 NULL peer of a compatible socket type.
 */
#ifndef GNBD_DRIVERS_ZMTP_H
#define GNBD_DRIVERS_ZMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define ZMTP_GREETING_BYTES 64
#define ZMTP_IN_BYTES 4096   /* read-ahead for frame headers and small frames */
#define ZMTP_CMD_MAX 512     /* longest command body kept (READY); longer ones are skipped */

/* An endpoint, "tcp://host:port" (host "*" binds every address) or "ipc://path", resolved once. */
struct zmtp_endpoint {
    struct sockaddr_storage addr;
    socklen_t len;
};

/* Parse and resolve ep. for_bind: "*" allowed as host. Returns 0 or -EINVAL with a reason in err. */
int zmtp_endpoint_parse(const char *ep, bool for_bind, struct zmtp_endpoint *out, char *err, size_t errlen);
/* A non-blocking listening socket bound to e (SO_REUSEADDR; an ipc path left by a dead process is replaced).
 * Returns the fd or -errno (-EADDRINUSE: taken). */
int zmtp_listen(const struct zmtp_endpoint *e);
/* Accept one connection: the fd (non-blocking, TCP_NODELAY) or -EAGAIN when none is waiting, -errno. */
int zmtp_accept(int lfd);
/* Start a non-blocking connection to e: the fd (the connection completes when it is writable; the first
 * zmtp_conn_* call on it reports a refused one) or -errno. */
int zmtp_connect(const struct zmtp_endpoint *e);

enum zmtp_phase { ZMTP_CLOSED, ZMTP_HANDSHAKE, ZMTP_OPEN };

/* One connection. The reader keeps where it is in the current frame, so a frame may arrive over many calls. */
struct zmtp_conn {
    int fd;
    enum zmtp_phase phase;
    char peer_type[16];                    /* the peer's Socket-Type, once its READY arrived */
    const char *const *accept_types;       /* Socket-Types this side works with (NULL-terminated) */
    size_t greeting_got;
    unsigned char greeting[ZMTP_GREETING_BYTES];
    unsigned char in[ZMTP_IN_BYTES];       /* read ahead: in[in_head, in_head + in_len) */
    size_t in_head, in_len;
    /* The frame being read: header (flags + size), then body_got of size bytes. */
    unsigned char hdr[9];
    size_t hdr_got;
    bool in_body;
    unsigned char flags;
    uint64_t size, body_got;
    unsigned char cmd[ZMTP_CMD_MAX];
    /* Output not yet written: out[out_head, out_head + out_len). */
    unsigned char *out;
    size_t out_cap, out_head, out_len;
};

/* Bytes of out buffer needed beyond the bodies of the largest message sent: frame headers, greeting, READY. */
#define ZMTP_OUT_SLACK 256

/* Take over fd (connected or connecting) as a connection of socket type my_type ("ROUTER", "REQ", ...) that
 * accepts peers of accept_types; queue the greeting and READY. out/out_cap: the caller's buffer for bytes a busy
 * socket leaves unwritten, at least the largest message's bodies + ZMTP_OUT_SLACK (1 frame) + 9 per further
 * frame. A refused or failed connection shows at the first zmtp_next_frame(). */
void zmtp_conn_init(struct zmtp_conn *c, int fd, const char *my_type, const char *const *accept_types,
                    unsigned char *out, size_t out_cap);
/* Close the socket (c->phase ZMTP_CLOSED, c->fd -1; safe to call twice). */
void zmtp_conn_close(struct zmtp_conn *c);

/* The next data frame's header: 1 with *size and *more (its body is read by zmtp_read_body; until it is, this
 * returns the same frame), 0 when none has arrived yet (or the handshake is still going on), <0 on error (the
 * connection is unusable: close it). */
int zmtp_next_frame(struct zmtp_conn *c, uint64_t *size, bool *more);
/* Read the current frame's body into dst (its size bytes; NULL: discard). Called again with the same dst until
 * it returns 1 (complete); 0: more to come (poll for POLLIN: a read that came short is not retried, the
 * socket had no more); <0 on error. */
int zmtp_read_body(struct zmtp_conn *c, unsigned char *dst);

/* Send a message of n frames (frames[k].iov_len bytes each). Written now as far as the socket takes it, the
 * rest queued (zmtp_flush). Returns 0, -ENOBUFS when it does not fit beside what is queued, <0 on error. */
int zmtp_send(struct zmtp_conn *c, const struct iovec *frames, int n);
/* Write what is queued: 0 all written, 1 some left (wait for POLLOUT), <0 on error. */
int zmtp_flush(struct zmtp_conn *c);
/* Bytes already read from the socket and not yet taken: while there are none, poll() tells when more arrive
 * (a reader may stop after a whole message then; with some, it must read on, as poll() will not tell). */
static inline size_t zmtp_buffered(const struct zmtp_conn *c) { return c->in_len; }
/* Whether bytes wait to be written (poll for POLLOUT). */
static inline bool zmtp_wants_write(const struct zmtp_conn *c) { return c->out_len > 0; }

#endif
