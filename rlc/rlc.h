/* RLC (3GPP TS 38.322 Rel-15/16): what the TM, UM and AM entities share - the PDU vocabulary, the counters every
 * entity keeps, the delivery callback, the timer type, and the error convention.
 *
 * The entities (rlc/rlc_tm.h, rlc/rlc_um.h, rlc/rlc_am.h) are structs of state plus functions, modelled on the
 * shape of an entity with injected time: the caller passes the current time in milliseconds (any monotonic
 * origin, never decreasing) to every call that may start or expire a timer, and calls *_tick() whenever it
 * likes (once per slot is plenty); nothing inside reads a clock, sleeps, creates a thread or takes a lock.
 * Timers expire at "start + duration" exactly: a 45 ms t-PollRetransmit started at t fires at a call with
 * now_ms >= t + 45, never earlier.
 *
 * Memory: *_init() allocates everything (SDU queues, reassembly buffers) from its configuration; no other
 * function allocates. Nothing prints: results are return codes and the counters below.
 *
 * Untrusted input: PDUs given to *_push_pdu() come from the peer (a UE in radio range). A PDU that cannot be
 * parsed, or that describes something impossible (truncated header, no data, SO past the SDU size limit or
 * past an SDU's known end, a reserved CPT value, a STATUS PDU with NACKs out of order, not below ACK_SN, with an
 * empty range or SO outside the SDU) is counted in malformed_dropped and ignored, with no state change. Reserved R bits are
 * ignored, as 38.322 6.2.3.x tells the receiver to, and counted in reserved_bits_set.
 *
 * Threading: an entity belongs to one thread (in gnbd the MAC stage); no function may be called on the same
 * entity from two threads. The delivery callback runs inside *_push_pdu() (or *_tick() for t-Reassembly) on
 * that thread; it must not call back into the same entity.
 *
 * Errors: 0 or a positive byte count on success, a negative errno code otherwise: -EINVAL (bad argument or
 * configuration), -ENOMEM (init), -EMSGSIZE (SDU larger than the configured maximum), -ENOBUFS (queue full),
 * -EBADMSG (malformed PDU).
 */
#ifndef GNBD_RLC_H
#define GNBD_RLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rlc_mode { RLC_MODE_TM, RLC_MODE_UM, RLC_MODE_AM };

/* 38.322 6.2.3.4: Segmentation Info, what part of an SDU the data field carries. */
enum rlc_si {
    RLC_SI_FULL = 0,   /* 00: all bytes of an SDU */
    RLC_SI_FIRST = 1,  /* 01: first segment */
    RLC_SI_LAST = 2,   /* 10: last segment */
    RLC_SI_MIDDLE = 3, /* 11: neither first nor last */
};

/* 38.322 6.2.3.8: Control PDU Type; every other value is reserved (the PDU is discarded, 5.5). */
#define RLC_CPT_STATUS 0

/* 38.322 6.2.3.x: SOend value meaning "to the last byte of the SDU". */
#define RLC_SO_END_LAST 0xFFFFu

/* Largest SDU an entity may be configured for: the SO field is 16 bits (38.322 6.2.3.5). */
#define RLC_MAX_SDU_BYTES 65535u

/* Per-entity counters, monotonic since *_init() (a re-establishment keeps them). */
struct rlc_counters {
    uint64_t sdus_in;                /* SDUs accepted from the upper layer */
    uint64_t sdus_dropped_full;      /* SDUs refused: queue full (-ENOBUFS) or too large (-EMSGSIZE) */
    uint64_t sdus_delivered;         /* SDUs delivered to the upper layer */
    uint64_t pdus_tx, bytes_tx;      /* every PDU built by *_pull_pdu(), data and control, headers included */
    uint64_t pdus_rx, bytes_rx;      /* every PDU given to *_push_pdu(), malformed ones included */
    uint64_t retx_pdus;              /* AM: AMD PDUs (or segments) sent again */
    uint64_t polls_tx;               /* AM: AMD PDUs sent with P = 1 */
    uint64_t status_tx, status_rx;   /* AM: STATUS PDUs built / accepted */
    uint64_t status_ignored;         /* AM: well-formed STATUS PDUs whose ACK_SN lies outside the TX window */
    uint64_t malformed_dropped;      /* PDUs that failed to parse or made no sense; dropped */
    uint64_t reserved_bits_set;      /* PDUs with a non-zero R bit (ignored per 38.322, counted) */
    uint64_t pdus_discarded;         /* UM/AM: outside the receive window or wholly duplicate (5.2.x.2.2) */
    uint64_t pdus_dropped_no_buffer; /* UM/AM: no reassembly buffer free for a new SN */
    uint64_t sdus_lost;              /* UM: incomplete SDUs discarded (t-Reassembly, window moved) */
};

/* Upper-layer delivery: one complete SDU, valid only during the call. */
typedef void (*rlc_deliver_fn)(void *ctx, const uint8_t *sdu, size_t len);

/* A timer started at `start` for `duration` ms: running while now < expiry. A 0 ms timer never runs (38.322's
 * ms0 values: t-StatusProhibit ms0 means no prohibition, t-Reassembly ms0 expires at once). */
struct rlc_timer {
    int64_t expiry;
    bool running;
};

static inline void rlc_timer_start(struct rlc_timer *t, int64_t now_ms, int duration_ms)
{
    t->expiry = now_ms + duration_ms;
    t->running = true;
}

static inline void rlc_timer_stop(struct rlc_timer *t)
{
    t->running = false;
}

/* True once (and stops the timer) when a running timer has reached its expiry at now_ms. */
static inline bool rlc_timer_expired(struct rlc_timer *t, int64_t now_ms)
{
    if (!t->running || now_ms < t->expiry) return false;
    t->running = false;
    return true;
}

static inline bool rlc_timer_running(const struct rlc_timer *t, int64_t now_ms)
{
    return t->running && now_ms < t->expiry;
}

#endif
