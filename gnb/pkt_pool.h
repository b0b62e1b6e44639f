/* A pool of fixed-size packet buffers for the user plane (gnb/up_stage.h): allocated once at init, handed between
 * the user-plane thread and the MAC stage by index (a 32-bit number in a ring message), so no packet is ever
 * malloc'ed or copied through a ring. No 3GPP clause applies.
 *
 * Free list: a lock-free LIFO (Treiber stack) of buffer indices. The head is one 64-bit atomic word holding
 * (tag << 32) | (index + 1), 0 in the low half meaning empty; every successful push or pop bumps the tag, so a
 * pop that read head A and A's successor, was overtaken by pop A / pop B / push A, fails its compare-and-swap
 * instead of installing B (the ABA problem). The successor links live in an array of atomics beside the buffers
 * (never inside a buffer, so a buffer in use can be scribbled on freely). Chosen over per-direction SPSC rings of
 * free indices because both threads take and give back buffers (the UP thread takes for DL receptions and gives
 * back sent UL packets, the MAC stage the other way round): one shared stack needs no rebalancing between
 * directions. Any number of threads may get and put; both are wait-free in the absence of contention and
 * lock-free with it (a failed CAS means another thread made progress).
 *
 * Ordering: a put publishes with release, a get reads the head with acquire, so the link written by the put is
 * seen by the get. The buffer's bytes travel with the index through a ring (gnb/ring.h: release/acquire), not
 * through the pool.
 *
 * Exhaustion: pkt_pool_get() returns -ENOBUFS and counts it (`exhausted`); the caller drops the packet. */
#ifndef GNBD_PKT_POOL_H
#define GNBD_PKT_POOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct pkt_pool {
    uint8_t *mem;                   /* count x buf_size octets, page-touched at init */
    _Atomic uint32_t *next;         /* next[i]: the free buffer below i on the stack, + 1 (0: none) */
    uint32_t count, buf_size;
    _Alignas(64) _Atomic uint64_t head; /* tag << 32 | (top index + 1); a cache line of its own */
    _Alignas(64) _Atomic uint64_t exhausted; /* gets that found the pool empty */
    _Atomic uint64_t low_water;     /* fewest free buffers seen (approximate: updated on get) */
    _Atomic int64_t free_count;     /* free buffers now (approximate while threads run) */
};

/* count 1 .. 2^24, buf_size 64 .. 65536. Returns 0, -EINVAL or -ENOMEM. */
int pkt_pool_init(struct pkt_pool *p, uint32_t count, uint32_t buf_size);
void pkt_pool_free(struct pkt_pool *p); /* safe on a zeroed or freed pool */

/* A free buffer's index (>= 0), or -ENOBUFS (counted). Any thread. */
int32_t pkt_pool_get(struct pkt_pool *p);
/* Give buffer idx back. Giving back a buffer twice, or one never taken, corrupts the list: a caller bug (an index
 * out of range is ignored). Any thread. */
void pkt_pool_put(struct pkt_pool *p, uint32_t idx);

static inline uint8_t *pkt_pool_buf(const struct pkt_pool *p, uint32_t idx)
{
    return p->mem + (size_t)idx * p->buf_size;
}

/* Snapshots for metrics. */
uint32_t pkt_pool_available(const struct pkt_pool *p);
uint64_t pkt_pool_exhausted(const struct pkt_pool *p);

#endif
