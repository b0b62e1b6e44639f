/* Lock-free single-producer single-consumer ring of fixed-size slots: the only way pipeline stages talk
 * (docs/ARCHITECTURE.md §1.1). No 3GPP clause applies; the design is the classic SPSC ring (Lamport) with cached
 * indices and an "eventcount" style futex wake-up.
 *
 * Memory: ring_init() allocates once (a cache-line aligned block holding the slots and the indices); nothing
 * else ever allocates. Slots are `elem_size` bytes, aligned for any C type; the producer writes a message in
 * place (ring_reserve/ring_commit) and the consumer reads it in place (ring_peek/ring_release), or both copy
 * (ring_push/ring_pop). The producer's index and the consumer's index live on separate cache lines, and each
 * side keeps a private cached copy of the other's index, re-reading the real one only when its copy says
 * full/empty, so a busy ring does not bounce one cache line between the two cores on every message.
 *
 * Sleeping: an idle side sleeps on a futex word (a struct ring_waiter) instead of spinning. A side announces
 * that it is about to sleep (ring_waiter_seq(), which sets an "armed" bit), re-checks the ring, then sleeps
 * only if the word has not changed. The other side, after publishing an index, reads that word and makes the
 * wake-up syscall only when the bit is set, clearing it; so the steady-state path makes no syscall and no
 * read-modify-write on shared lines, and an armed sleeper costs at most one wake-up syscall. Both the publish
 * and the armed check are seq_cst, so a sleeper cannot miss data published just before it slept.
 *
 * Waiting on several rings: every ring wakes one consumer-side ring_waiter, its own unless ring_set_waiter()
 * gave it a shared one. A stage with several input rings gives them the same waiter and runs:
 *
 *     for (;;) {
 *         if (poll_inputs(stage))                  // fast path: rings polled in a fixed order, no syscall
 *             continue;
 *         uint32_t seq = ring_waiter_seq(&w);     // announce: "I am about to sleep"
 *         if (stop_requested(stage)) break;
 *         if (poll_inputs(stage))                  // re-check: data committed before the announcement
 *             continue;
 *         ring_waiter_wait(&w, seq, timeout_ms);  // sleeps only if nothing was committed since the announcement
 *     }
 *
 * A commit after ring_waiter_seq() changes the word, so ring_waiter_wait() returns at once (no lost wake-up);
 * a commit before it is seen by the re-check. Calling ring_waiter_seq() on every loop turn is also correct,
 * but then a busy stage costs its producers one wake-up syscall per turn: poll first, announce when idle.
 *
 * Threading: exactly one producer thread and one consumer thread per ring (they may be the same thread).
 * Producer only: ring_reserve, ring_commit, ring_commit_quiet, ring_notify, ring_push, ring_wait_nonfull. Consumer only: ring_peek,
 * ring_release, ring_pop, ring_wait_nonempty. Any thread: ring_count, ring_high_water, ring_capacity,
 * ring_elem_size, ring_wake, ring_waiter_wake. ring_init, ring_set_waiter and ring_free run while no other
 * thread uses the ring (before the stage threads start, after they are joined). A ring_waiter is waited on by
 * one consumer thread. Futexes are process-private: a ring is not shared between processes.
 */
#ifndef GNBD_RING_H
#define GNBD_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A futex word that one consumer thread sleeps on, shared by any number of rings (see the protocol above).
 * Zero-initialised or ring_waiter_init() before use; it must outlive the rings pointing at it. Keep it apart
 * from data written on the hot path: producers read it on every commit. */
struct ring_waiter {
    _Atomic uint32_t word;  /* bit 0: a sleeper is armed; bits 31..1: wake-up sequence (the futex word) */
    _Atomic uint32_t kicks; /* ring_waiter_wake() count, so blocking waits can report -EINTR */
};

struct ring_core; /* private: slots, indices (one cache line each), waiters */

/* The ring handle: embed it anywhere, it needs no special alignment (the cache-line aligned parts are
 * allocated by ring_init()). Copies of a handle name the same ring; ring_free() it once. */
struct ring {
    struct ring_core *core;
};

/* Capacity must be a power of two (1 ... 2^30); elem_size > 0. Returns 0, -EINVAL or -ENOMEM. The slots are
 * zeroed (and so touched once: no page faults later on the slot path). */
int ring_init(struct ring *r, size_t elem_size, size_t capacity);
void ring_free(struct ring *r); /* safe on a zeroed or already freed ring */

/* Producer. ring_reserve() returns the next free slot (NULL when full) without publishing it; ring_commit()
 * publishes the slot returned by the last successful ring_reserve() and wakes the consumer if it sleeps.
 * Calling ring_commit() without a successful ring_reserve() is a caller bug. */
void *ring_reserve(struct ring *r);
void ring_commit(struct ring *r);
bool ring_push(struct ring *r, const void *elem); /* copies elem_size bytes; false when full */
/* ring_commit() without the wake-up: for a consumer that only needs the message when something else wakes it
 * anyway. A producer that learns the consumer does wait for it (a flag the consumer sets, seq_cst, before it
 * re-checks the ring) calls ring_notify(), which wakes the consumer's waiter if it is armed. */
void ring_commit_quiet(struct ring *r);
void ring_notify(struct ring *r);

/* Consumer. ring_peek() returns the oldest message (NULL when empty) and keeps it in the ring; it stays valid
 * until ring_release(), which frees it for the producer and wakes the producer if it sleeps. */
void *ring_peek(struct ring *r);
void ring_release(struct ring *r);
bool ring_pop(struct ring *r, void *elem); /* copies elem_size bytes out; false when empty */

/* Blocking waits, for when polling found nothing to do. timeout_ms < 0 waits for ever, 0 does not sleep.
 * Return 0 as soon as the condition holds, -ETIMEDOUT when it still does not at the deadline, -EINTR when
 * ring_wake() (or ring_waiter_wake() on this ring's waiter, for ring_wait_nonempty) was called during the
 * wait: set your stop flag first, then wake. Neither spins: they sleep on a futex. */
int ring_wait_nonempty(struct ring *r, int timeout_ms); /* consumer */
int ring_wait_nonfull(struct ring *r, int timeout_ms);  /* producer */
void ring_wake(struct ring *r);                         /* any thread: interrupts both sides' waits */

/* Any thread; a snapshot that may be stale by the time it returns. */
size_t ring_count(const struct ring *r);
size_t ring_capacity(const struct ring *r);
size_t ring_elem_size(const struct ring *r);
/* Most messages the ring has held at once since ring_init() (for metrics): updated by the producer at commit
 * time. It is exact: the producer re-reads the consumer's index whenever its cached copy would allow a new
 * maximum, which on a ring that stays nearly empty means one extra cache-line read per commit. */
size_t ring_high_water(const struct ring *r);

/* Make `w` the consumer-side waiter of `r` (NULL: the ring's own). Several rings may share one waiter. */
void ring_set_waiter(struct ring *r, struct ring_waiter *w);

void ring_waiter_init(struct ring_waiter *w);
/* Announce that the caller is about to sleep and return the value to pass to ring_waiter_wait(). Read it
 * BEFORE the last check of the rings (protocol above). */
uint32_t ring_waiter_seq(struct ring_waiter *w);
/* Sleep until the waiter's word differs from seen_seq (a commit on any ring using the waiter, or
 * ring_waiter_wake()). Returns 0 (at once if it already differs) or -ETIMEDOUT; timeout_ms as above. */
int ring_waiter_wait(struct ring_waiter *w, uint32_t seen_seq, int timeout_ms);
/* Any thread (e.g. shutdown): wake the sleeper, if any, and make a later ring_waiter_wait() with an older
 * seen_seq return at once. */
void ring_waiter_wake(struct ring_waiter *w);

#endif
