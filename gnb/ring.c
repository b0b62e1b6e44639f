/* SPSC ring with cached indices and futex wake-ups; the design and the sleep protocol are in gnb/ring.h. */
#include "gnb/ring.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING_CACHE_LINE 64
#define RING_MAX_CAPACITY ((size_t)1 << 30)
#define WAITER_ARMED 1u
#define WAITER_SEQ_STEP 2u /* the sequence lives above the armed bit */

/* Indices count messages since ring_init() and are never wrapped by hand: unsigned arithmetic makes
 * `tail - head` the occupancy even after size_t overflows, because the capacity divides 2^N. */
struct ring_core {
    /* Written by ring_init() only: both cores keep this line shared, it is never invalidated. */
    alignas(RING_CACHE_LINE) unsigned char *slots;
    size_t stride, elem_size, capacity, mask;
    struct ring_waiter *data_waiter; /* what the consumer sleeps on: &own_waiter or a shared waiter */

    /* The producer's line: its published index and its private, possibly stale, copy of the consumer's. */
    alignas(RING_CACHE_LINE) _Atomic size_t tail;
    size_t head_cache;
    size_t high_water_local;

    /* The consumer's line. */
    alignas(RING_CACHE_LINE) _Atomic size_t head;
    size_t tail_cache;

    /* Metrics readers touch only this line, so they never steal the producer's. */
    alignas(RING_CACHE_LINE) _Atomic size_t high_water;

    /* Each sleep word is written only by a side going to sleep (or its waker) but read on every publish by
     * the other side: a line of its own keeps it shared-clean in both caches in the steady state. */
    alignas(RING_CACHE_LINE) struct ring_waiter own_waiter; /* consumer waits for data */
    alignas(RING_CACHE_LINE) struct ring_waiter space_waiter; /* producer waits for space */
};

static long futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *ts, uint32_t val3)
{
    return syscall(SYS_futex, (uint32_t *)word, op | FUTEX_PRIVATE_FLAG, val, ts, NULL, val3);
}

/* An absolute CLOCK_MONOTONIC deadline, the form FUTEX_WAIT_BITSET takes: a wait interrupted by a signal or
 * woken spuriously simply goes back to sleep without stretching the timeout. */
static void deadline_after(struct timespec *d, int timeout_ms)
{
    clock_gettime(CLOCK_MONOTONIC, d);
    d->tv_sec += timeout_ms / 1000;
    d->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (d->tv_nsec >= 1000000000L) {
        d->tv_sec++;
        d->tv_nsec -= 1000000000L;
    }
}

/* Sleep while the word still holds seen_seq. 0 once it differs, -ETIMEDOUT at the deadline (NULL: none). */
static int waiter_sleep(struct ring_waiter *w, uint32_t seen_seq, const struct timespec *deadline)
{
    while (atomic_load(&w->word) == seen_seq) {
        if (futex(&w->word, FUTEX_WAIT_BITSET, seen_seq, deadline, FUTEX_BITSET_MATCH_ANY) == 0) continue;
        if (errno == ETIMEDOUT) return -ETIMEDOUT;
        if (errno != EAGAIN && errno != EINTR) return -errno; /* e.g. no futexes: fail rather than spin */
    }
    return 0;
}

/* Called right after publishing an index (a seq_cst store). The seq_cst load below cannot be ordered before
 * that store, and the sleeper sets the armed bit (seq_cst) before re-reading the index: one of the two sides
 * sees the other, so either the sleeper finds the data or we see the bit and wake it. Unarmed: no syscall. */
static void waiter_notify(struct ring_waiter *w)
{
    uint32_t v = atomic_load(&w->word);
    while (v & WAITER_ARMED) {
        /* +1 clears the bit and carries into the sequence: one waker per announcement makes the syscall. */
        if (atomic_compare_exchange_weak(&w->word, &v, v + 1)) {
            futex(&w->word, FUTEX_WAKE, INT_MAX, NULL, 0);
            return;
        }
    }
}

void ring_waiter_init(struct ring_waiter *w)
{
    atomic_init(&w->word, 0);
    atomic_init(&w->kicks, 0);
}

uint32_t ring_waiter_seq(struct ring_waiter *w)
{
    return atomic_fetch_or(&w->word, WAITER_ARMED) | WAITER_ARMED;
}

int ring_waiter_wait(struct ring_waiter *w, uint32_t seen_seq, int timeout_ms)
{
    if (timeout_ms == 0) return atomic_load(&w->word) == seen_seq ? -ETIMEDOUT : 0;
    struct timespec deadline;
    if (timeout_ms > 0) deadline_after(&deadline, timeout_ms);
    return waiter_sleep(w, seen_seq, timeout_ms > 0 ? &deadline : NULL);
}

void ring_waiter_wake(struct ring_waiter *w)
{
    /* kicks first: a waiter that sees the new sequence must also see the kick (both seq_cst). */
    atomic_fetch_add(&w->kicks, 1);
    atomic_fetch_add(&w->word, WAITER_SEQ_STEP);
    futex(&w->word, FUTEX_WAKE, INT_MAX, NULL, 0);
}

int ring_init(struct ring *r, size_t elem_size, size_t capacity)
{
    r->core = NULL;
    if (elem_size == 0 || capacity == 0 || capacity > RING_MAX_CAPACITY || (capacity & (capacity - 1)))
        return -EINVAL;
    /* Slots aligned for any type, so a message struct can be built in place. */
    size_t stride = (elem_size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    if (stride < elem_size || stride > (SIZE_MAX / 2) / capacity) return -EINVAL;
    /* aligned_alloc (C11) wants a size that is a multiple of the alignment. */
    size_t bytes = (stride * capacity + RING_CACHE_LINE - 1) & ~(size_t)(RING_CACHE_LINE - 1);

    struct ring_core *c = aligned_alloc(RING_CACHE_LINE, sizeof(*c));
    unsigned char *slots = aligned_alloc(RING_CACHE_LINE, bytes);
    if (!c || !slots) {
        free(c);
        free(slots);
        return -ENOMEM;
    }
    memset(c, 0, sizeof(*c));
    memset(slots, 0, bytes);
    c->slots = slots;
    c->stride = stride;
    c->elem_size = elem_size;
    c->capacity = capacity;
    c->mask = capacity - 1;
    atomic_init(&c->tail, 0);
    atomic_init(&c->head, 0);
    atomic_init(&c->high_water, 0);
    ring_waiter_init(&c->own_waiter);
    ring_waiter_init(&c->space_waiter);
    c->data_waiter = &c->own_waiter;
    r->core = c;
    return 0;
}

void ring_free(struct ring *r)
{
    if (!r->core) return;
    free(r->core->slots);
    free(r->core);
    r->core = NULL;
}

void ring_set_waiter(struct ring *r, struct ring_waiter *w)
{
    r->core->data_waiter = w ? w : &r->core->own_waiter;
}

/* Producer side. The cached head is refreshed only when it says full; the refresh is seq_cst because it is
 * also the re-check of ring_wait_nonfull()'s sleep protocol. */
static bool core_has_space(struct ring_core *c)
{
    size_t t = atomic_load_explicit(&c->tail, memory_order_relaxed);
    if (t - c->head_cache < c->capacity) return true;
    c->head_cache = atomic_load(&c->head);
    return t - c->head_cache < c->capacity;
}

/* head_cache only lags, so t - head_cache bounds the occupancy from above; only when that bound could beat
 * the record is the real head worth a cache miss. */
static void core_update_high_water(struct ring_core *c, size_t t)
{
    if (t - c->head_cache <= c->high_water_local) return;
    c->head_cache = atomic_load_explicit(&c->head, memory_order_acquire);
    size_t occupancy = t - c->head_cache;
    if (occupancy > c->high_water_local) {
        c->high_water_local = occupancy;
        atomic_store_explicit(&c->high_water, occupancy, memory_order_relaxed);
    }
}

void *ring_reserve(struct ring *r)
{
    struct ring_core *c = r->core;
    if (!core_has_space(c)) return NULL;
    size_t t = atomic_load_explicit(&c->tail, memory_order_relaxed);
    return c->slots + (t & c->mask) * c->stride;
}

void ring_commit_quiet(struct ring *r)
{
    struct ring_core *c = r->core;
    size_t t = atomic_load_explicit(&c->tail, memory_order_relaxed) + 1;
    /* seq_cst, not just release: it must not pass the armed-bit load in waiter_notify(), nor the load of the
     * consumer's "I wait" flag after ring_commit_quiet(). */
    atomic_store(&c->tail, t);
    core_update_high_water(c, t);
}

void ring_notify(struct ring *r) { waiter_notify(r->core->data_waiter); }

void ring_commit(struct ring *r)
{
    ring_commit_quiet(r);
    waiter_notify(r->core->data_waiter);
}

bool ring_push(struct ring *r, const void *elem)
{
    void *slot = ring_reserve(r);
    if (!slot) return false;
    memcpy(slot, elem, r->core->elem_size);
    ring_commit(r);
    return true;
}

/* Consumer side, the mirror image. */
static bool core_has_data(struct ring_core *c)
{
    size_t h = atomic_load_explicit(&c->head, memory_order_relaxed);
    if (h != c->tail_cache) return true;
    c->tail_cache = atomic_load(&c->tail);
    return h != c->tail_cache;
}

void *ring_peek(struct ring *r)
{
    struct ring_core *c = r->core;
    if (!core_has_data(c)) return NULL;
    size_t h = atomic_load_explicit(&c->head, memory_order_relaxed);
    return c->slots + (h & c->mask) * c->stride;
}

void ring_release(struct ring *r)
{
    struct ring_core *c = r->core;
    size_t h = atomic_load_explicit(&c->head, memory_order_relaxed) + 1;
    atomic_store(&c->head, h);
    waiter_notify(&c->space_waiter);
}

bool ring_pop(struct ring *r, void *elem)
{
    const void *slot = ring_peek(r);
    if (!slot) return false;
    memcpy(elem, slot, r->core->elem_size);
    ring_release(r);
    return true;
}

/* The sleeper's half of the protocol in gnb/ring.h, for one condition of one side. */
static int core_wait(struct ring_core *c, struct ring_waiter *w, bool (*ready)(struct ring_core *),
                     int timeout_ms)
{
    if (ready(c)) return 0;
    if (timeout_ms == 0) return -ETIMEDOUT;
    uint32_t kicks = atomic_load(&w->kicks);
    struct timespec deadline;
    if (timeout_ms > 0) deadline_after(&deadline, timeout_ms);
    for (;;) {
        uint32_t seq = ring_waiter_seq(w);
        if (ready(c)) return 0;
        if (atomic_load(&w->kicks) != kicks) return -EINTR;
        int rc = waiter_sleep(w, seq, timeout_ms > 0 ? &deadline : NULL);
        if (rc < 0) return ready(c) ? 0 : rc;
    }
}

int ring_wait_nonempty(struct ring *r, int timeout_ms)
{
    return core_wait(r->core, r->core->data_waiter, core_has_data, timeout_ms);
}

int ring_wait_nonfull(struct ring *r, int timeout_ms)
{
    return core_wait(r->core, &r->core->space_waiter, core_has_space, timeout_ms);
}

void ring_wake(struct ring *r)
{
    ring_waiter_wake(r->core->data_waiter);
    ring_waiter_wake(&r->core->space_waiter);
}

size_t ring_count(const struct ring *r)
{
    if (!r->core) return 0;
    /* head first: tail read afterwards can only be larger, so the difference never goes negative. */
    size_t h = atomic_load(&r->core->head);
    size_t n = atomic_load(&r->core->tail) - h;
    return n > r->core->capacity ? r->core->capacity : n;
}

size_t ring_capacity(const struct ring *r) { return r->core ? r->core->capacity : 0; }

size_t ring_elem_size(const struct ring *r) { return r->core ? r->core->elem_size : 0; }

size_t ring_high_water(const struct ring *r)
{
    return r->core ? atomic_load_explicit(&r->core->high_water, memory_order_relaxed) : 0;
}
