/* Tests for gnb/ring: SPSC semantics, the futex sleep/wake protocol, the shared waiter, and a 2-thread stress
 * run (10^7 messages; 10^6 with GNBD_TEST_QUICK set or under a sanitizer). */
#include "gnb/ring.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/unit/check_run.h"

/* Under a sanitizer the stress run is shortened to 10^6 messages: the plain build's `make check` runs 10^7, and
 * what ASan/TSan look for (a bad access, a race) shows in the first million as well as in ten. */
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define RING_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define RING_TEST_SANITIZED 1
#endif
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, fn, arg), 0);
    return t;
}

/* ---- single-thread semantics ---- */

START_TEST(test_init_rejects_bad_geometry)
{
    struct ring r;
    const size_t bad_caps[] = {0, 3, 6, 100, (size_t)1 << 31};
    for (size_t i = 0; i < sizeof(bad_caps) / sizeof(bad_caps[0]); i++) {
        ck_assert_int_eq(ring_init(&r, 16, bad_caps[i]), -EINVAL);
        ck_assert_ptr_null(r.core);
    }
    ck_assert_int_eq(ring_init(&r, 0, 8), -EINVAL);
    ck_assert_int_eq(ring_init(&r, SIZE_MAX / 4, 8), -EINVAL); /* stride * capacity overflows */
    ck_assert_int_eq(ring_init(&r, 24, 8), 0);
    ck_assert_uint_eq(ring_capacity(&r), 8);
    ck_assert_uint_eq(ring_elem_size(&r), 24);
    ring_free(&r);
    ring_free(&r); /* idempotent */
    ck_assert_uint_eq(ring_count(&r), 0);
}
END_TEST

START_TEST(test_new_ring_is_empty)
{
    struct ring r;
    uint32_t v = 7;
    ck_assert_int_eq(ring_init(&r, sizeof(v), 4), 0);
    ck_assert_ptr_null(ring_peek(&r));
    ck_assert(!ring_pop(&r, &v));
    ck_assert_uint_eq(v, 7); /* a failed pop leaves the destination alone */
    ck_assert_uint_eq(ring_count(&r), 0);
    ck_assert_uint_eq(ring_high_water(&r), 0);
    ring_free(&r);
}
END_TEST

START_TEST(test_full_ring_refuses_until_one_is_popped)
{
    struct ring r;
    ck_assert_int_eq(ring_init(&r, sizeof(uint32_t), 8), 0);
    for (uint32_t i = 0; i < 8; i++) ck_assert(ring_push(&r, &i));
    uint32_t extra = 8, out;
    ck_assert(!ring_push(&r, &extra));
    ck_assert_ptr_null(ring_reserve(&r));
    ck_assert_uint_eq(ring_count(&r), 8);
    ck_assert(ring_pop(&r, &out));
    ck_assert_uint_eq(out, 0);
    ck_assert(ring_push(&r, &extra));
    for (uint32_t i = 1; i <= 8; i++) {
        ck_assert(ring_pop(&r, &out));
        ck_assert_uint_eq(out, i);
    }
    ck_assert(!ring_pop(&r, &out));
    ring_free(&r);
}
END_TEST

START_TEST(test_wraps_around_in_fifo_order)
{
    struct ring r;
    ck_assert_int_eq(ring_init(&r, sizeof(uint32_t), 4), 0);
    uint32_t next_in = 0, next_out = 0;
    for (int round = 0; round < 1000; round++) {
        int burst = 1 + round % 4; /* varying bursts put the indices at every offset of the buffer */
        for (int k = 0; k < burst; k++) {
            ck_assert(ring_push(&r, &next_in));
            next_in++;
        }
        ck_assert_uint_eq(ring_count(&r), (size_t)burst);
        for (int k = 0; k < burst; k++) {
            uint32_t out;
            ck_assert(ring_pop(&r, &out));
            ck_assert_uint_eq(out, next_out++);
        }
    }
    ck_assert_uint_eq(next_out, 2500);
    ring_free(&r);
}
END_TEST

START_TEST(test_slots_cycle_through_the_buffer_aligned)
{
    struct ring r;
    ck_assert_int_eq(ring_init(&r, 3, 4), 0); /* odd size: the stride must still keep slots aligned */
    void *seen[8];
    for (int i = 0; i < 8; i++) {
        seen[i] = ring_reserve(&r);
        ck_assert_ptr_nonnull(seen[i]);
        ck_assert_uint_eq((uintptr_t)seen[i] % alignof(max_align_t), 0);
        ring_commit(&r);
        ck_assert_ptr_eq(ring_peek(&r), seen[i]); /* zero-copy: the consumer sees the producer's slot */
        ring_release(&r);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_ptr_eq(seen[i], seen[i + 4]);
        ck_assert_ptr_ne(seen[i], seen[(i + 1) % 4]);
    }
    ring_free(&r);
}
END_TEST

START_TEST(test_reserved_slot_is_invisible_until_commit)
{
    struct ring r;
    ck_assert_int_eq(ring_init(&r, sizeof(uint64_t), 4), 0);
    uint64_t *a = ring_reserve(&r);
    ck_assert_ptr_nonnull(a);
    *a = 111;
    ck_assert_ptr_eq(ring_reserve(&r), a); /* reserving again without commit hands out the same slot */
    ck_assert_ptr_null(ring_peek(&r));
    ck_assert_uint_eq(ring_count(&r), 0);
    ring_commit(&r);
    uint64_t *b = ring_reserve(&r);
    ck_assert_ptr_ne(b, a);
    *b = 222;
    ck_assert_ptr_eq(ring_peek(&r), a);
    ck_assert_ptr_eq(ring_peek(&r), a); /* peek does not consume */
    ck_assert_uint_eq(*(uint64_t *)ring_peek(&r), 111);
    ring_release(&r);
    ck_assert_ptr_null(ring_peek(&r)); /* b is still reserved, not committed */
    ring_commit(&r);
    ck_assert_ptr_eq(ring_peek(&r), b);
    ck_assert_uint_eq(*b, 222);
    ring_release(&r);
    ck_assert_uint_eq(ring_count(&r), 0);
    ring_free(&r);
}
END_TEST

START_TEST(test_high_water_is_the_exact_maximum_occupancy)
{
    struct ring r;
    uint32_t v = 0;
    ck_assert_int_eq(ring_init(&r, sizeof(v), 16), 0);
    for (int i = 0; i < 4; i++) ck_assert(ring_push(&r, &v));
    ck_assert_uint_eq(ring_high_water(&r), 4);
    for (int i = 0; i < 4; i++) ck_assert(ring_pop(&r, &v));
    /* The producer's cached head is now stale by 4: counting against it would report 4 + 3. */
    for (int i = 0; i < 3; i++) ck_assert(ring_push(&r, &v));
    ck_assert_uint_eq(ring_high_water(&r), 4);
    for (int i = 0; i < 3; i++) ck_assert(ring_push(&r, &v));
    ck_assert_uint_eq(ring_high_water(&r), 6);
    while (ring_pop(&r, &v)) {
    }
    ck_assert(ring_push(&r, &v));
    ck_assert_uint_eq(ring_high_water(&r), 6); /* a maximum, not the current count */
    ring_free(&r);
}
END_TEST

/* ---- blocking waits ---- */

START_TEST(test_waits_time_out_with_etimedout)
{
    struct ring r;
    uint32_t v = 1;
    ck_assert_int_eq(ring_init(&r, sizeof(v), 2), 0);
    double t0 = now_ms();
    ck_assert_int_eq(ring_wait_nonempty(&r, 60), -ETIMEDOUT);
    double slept = now_ms() - t0;
    ck_assert_msg(slept >= 59 && slept < 2000, "slept %.1f ms for a 60 ms timeout", slept);
    ck_assert_int_eq(ring_wait_nonempty(&r, 0), -ETIMEDOUT);
    ck_assert_int_eq(ring_wait_nonfull(&r, 0), 0);
    ck_assert(ring_push(&r, &v) && ring_push(&r, &v));
    ck_assert_int_eq(ring_wait_nonempty(&r, 1000), 0);
    t0 = now_ms();
    ck_assert_int_eq(ring_wait_nonfull(&r, 40), -ETIMEDOUT);
    slept = now_ms() - t0;
    ck_assert_msg(slept >= 39 && slept < 2000, "slept %.1f ms for a 40 ms timeout", slept);
    struct ring_waiter w;
    ring_waiter_init(&w);
    t0 = now_ms();
    ck_assert_int_eq(ring_waiter_wait(&w, ring_waiter_seq(&w), 30), -ETIMEDOUT);
    ck_assert(now_ms() - t0 >= 29);
    ring_free(&r);
}
END_TEST

struct waiting_side {
    struct ring *r;
    int timeout_ms;
    int rc;
    double waited_ms;
    uint32_t value;
};

static void *consumer_waits(void *arg)
{
    struct waiting_side *s = arg;
    double t0 = now_ms();
    s->rc = ring_wait_nonempty(s->r, s->timeout_ms);
    s->waited_ms = now_ms() - t0;
    if (s->rc == 0 && !ring_pop(s->r, &s->value)) s->rc = -ENODATA;
    return NULL;
}

static void *producer_waits(void *arg)
{
    struct waiting_side *s = arg;
    double t0 = now_ms();
    s->rc = ring_wait_nonfull(s->r, s->timeout_ms);
    s->waited_ms = now_ms() - t0;
    if (s->rc == 0 && !ring_push(s->r, &s->value)) s->rc = -ENOSPC;
    return NULL;
}

START_TEST(test_commit_wakes_a_sleeping_consumer)
{
    struct ring r;
    ck_assert_int_eq(ring_init(&r, sizeof(uint32_t), 4), 0);
    struct waiting_side s = {.r = &r, .timeout_ms = 10000};
    pthread_t t = start(consumer_waits, &s);
    sleep_ms(100); /* long enough for the consumer to be asleep in the futex */
    uint32_t v = 42;
    ck_assert(ring_push(&r, &v));
    pthread_join(t, NULL);
    ck_assert_int_eq(s.rc, 0);
    ck_assert_uint_eq(s.value, 42);
    ck_assert_msg(s.waited_ms >= 90 && s.waited_ms < 5000, "woke after %.1f ms", s.waited_ms);
    ring_free(&r);
}
END_TEST

START_TEST(test_release_wakes_a_sleeping_producer)
{
    struct ring r;
    uint32_t v = 5;
    ck_assert_int_eq(ring_init(&r, sizeof(v), 1), 0);
    ck_assert(ring_push(&r, &v));
    struct waiting_side s = {.r = &r, .timeout_ms = 10000, .value = 6};
    pthread_t t = start(producer_waits, &s);
    sleep_ms(100);
    ck_assert(ring_pop(&r, &v));
    pthread_join(t, NULL);
    ck_assert_int_eq(s.rc, 0);
    ck_assert_msg(s.waited_ms >= 90 && s.waited_ms < 5000, "woke after %.1f ms", s.waited_ms);
    ck_assert(ring_pop(&r, &v));
    ck_assert_uint_eq(v, 6);
    ring_free(&r);
}
END_TEST

START_TEST(test_ring_wake_interrupts_both_waits)
{
    struct ring in, full;
    uint32_t v = 0;
    ck_assert_int_eq(ring_init(&in, sizeof(v), 2), 0);
    ck_assert_int_eq(ring_init(&full, sizeof(v), 1), 0);
    ck_assert(ring_push(&full, &v));
    struct waiting_side c = {.r = &in, .timeout_ms = -1}, p = {.r = &full, .timeout_ms = -1};
    pthread_t tc = start(consumer_waits, &c), tp = start(producer_waits, &p);
    sleep_ms(50);
    ring_wake(&in);
    ring_wake(&full);
    pthread_join(tc, NULL);
    pthread_join(tp, NULL);
    ck_assert_int_eq(c.rc, -EINTR);
    ck_assert_int_eq(p.rc, -EINTR);
    ring_free(&in);
    ring_free(&full);
}
END_TEST

/* ---- the shared waiter ---- */

START_TEST(test_commit_after_announcement_is_not_lost)
{
    struct ring r;
    struct ring_waiter w;
    uint32_t v = 3;
    ring_waiter_init(&w);
    ck_assert_int_eq(ring_init(&r, sizeof(v), 4), 0);
    ring_set_waiter(&r, &w);
    uint32_t seq = ring_waiter_seq(&w); /* the consumer found nothing and announced ... */
    ck_assert(ring_push(&r, &v));       /* ... then data arrived before it slept */
    double t0 = now_ms();
    ck_assert_int_eq(ring_waiter_wait(&w, seq, 5000), 0);
    ck_assert_msg(now_ms() - t0 < 1000, "slept through a commit");
    ring_free(&r);
}
END_TEST

START_TEST(test_commits_bump_the_waiter_once_per_announcement)
{
    struct ring r;
    struct ring_waiter w;
    uint32_t v = 0;
    ring_waiter_init(&w);
    ck_assert_int_eq(ring_init(&r, sizeof(v), 256), 0);
    ring_set_waiter(&r, &w);
    /* Each bump of the sequence is one FUTEX_WAKE syscall: a busy ring must not make one per message. */
    uint32_t s1 = ring_waiter_seq(&w);
    for (int i = 0; i < 101; i++) ck_assert(ring_push(&r, &v));
    uint32_t s2 = ring_waiter_seq(&w);
    ck_assert_uint_eq(s2 - s1, 2); /* exactly one new sequence value */
    for (int i = 0; i < 101; i++) ck_assert(ring_pop(&r, &v)); /* releases go to the producer's waiter */
    ck_assert_uint_eq(ring_waiter_seq(&w), s2);
    ring_set_waiter(&r, NULL); /* back to the ring's own waiter: w no longer hears commits */
    ck_assert(ring_push(&r, &v));
    ck_assert_uint_eq(ring_waiter_seq(&w), s2);
    ring_free(&r);
}
END_TEST

#define WAITER_RINGS 3
#define WAITER_ROUNDS 4

struct multi_consumer {
    struct ring rings[WAITER_RINGS];
    struct ring_waiter w;
    _Atomic int stop;
    int got_ring[WAITER_RINGS * WAITER_ROUNDS];
    uint32_t got_value[WAITER_RINGS * WAITER_ROUNDS];
    _Atomic int received; /* polled by the main thread */
    int sleeps, timeouts;
};

/* Polls the rings in a fixed order, one message per turn: returns true if it found one. */
static bool multi_poll(struct multi_consumer *m)
{
    for (int i = 0; i < WAITER_RINGS; i++) {
        uint32_t v;
        if (ring_pop(&m->rings[i], &v)) {
            if (m->received < WAITER_RINGS * WAITER_ROUNDS) {
                m->got_ring[m->received] = i;
                m->got_value[m->received] = v;
            }
            m->received++;
            return true;
        }
    }
    return false;
}

static void *multi_consumer_run(void *arg)
{
    struct multi_consumer *m = arg;
    for (;;) { /* the protocol documented in gnb/ring.h */
        if (multi_poll(m)) continue;
        uint32_t seq = ring_waiter_seq(&m->w);
        if (atomic_load(&m->stop)) break;
        if (multi_poll(m)) continue;
        m->sleeps++;
        if (ring_waiter_wait(&m->w, seq, 5000) == -ETIMEDOUT) m->timeouts++;
    }
    return NULL;
}

static void multi_init(struct multi_consumer *m)
{
    memset(m, 0, sizeof(*m));
    ring_waiter_init(&m->w);
    for (int i = 0; i < WAITER_RINGS; i++) {
        ck_assert_int_eq(ring_init(&m->rings[i], sizeof(uint32_t), 4), 0);
        ring_set_waiter(&m->rings[i], &m->w);
    }
}

static void multi_free(struct multi_consumer *m)
{
    for (int i = 0; i < WAITER_RINGS; i++) ring_free(&m->rings[i]);
}

/* A quiet commit publishes without touching the waiter (an armed sleeper stays asleep, its sequence unchanged);
 * ring_notify() then wakes it, once. */
START_TEST(test_quiet_commit_does_not_wake_until_notified)
{
    struct ring r;
    struct ring_waiter w;
    uint32_t v = 9;
    ring_waiter_init(&w);
    ck_assert_int_eq(ring_init(&r, sizeof(v), 4), 0);
    ring_set_waiter(&r, &w);
    uint32_t seq = ring_waiter_seq(&w);
    uint32_t *slot = ring_reserve(&r);
    ck_assert_ptr_nonnull(slot);
    *slot = v;
    ring_commit_quiet(&r);
    ck_assert_uint_eq(ring_count(&r), 1); /* published ... */
    ck_assert_int_eq(ring_waiter_wait(&w, seq, 50), -ETIMEDOUT); /* ... but nobody was woken */
    ring_notify(&r);
    ck_assert_int_eq(ring_waiter_wait(&w, seq, 0), 0); /* now the word moved */
    uint32_t s2 = ring_waiter_seq(&w);
    ck_assert_uint_eq(s2 - seq, 2);
    ring_notify(&r); /* armed again by ring_waiter_seq(): one more bump; unarmed: none */
    ring_notify(&r);
    ck_assert_uint_eq(atomic_load(&w.word), s2 + 1);
    ck_assert(ring_pop(&r, &v));
    ck_assert_uint_eq(v, 9);
    ring_free(&r);
}
END_TEST

START_TEST(test_waiter_wakes_on_data_in_any_of_three_rings)
{
    static struct multi_consumer m;
    multi_init(&m);
    pthread_t t = start(multi_consumer_run, &m);
    static const int order[WAITER_RINGS * WAITER_ROUNDS] = {2, 0, 1, 1, 2, 0, 0, 0, 2, 1, 2, 1};
    for (int k = 0; k < WAITER_RINGS * WAITER_ROUNDS; k++) {
        sleep_ms(20); /* the consumer is asleep again before each message */
        uint32_t v = 1000 + (uint32_t)k;
        ck_assert(ring_push(&m.rings[order[k]], &v));
    }
    double t0 = now_ms();
    while (m.received < WAITER_RINGS * WAITER_ROUNDS && now_ms() - t0 < 5000) sleep_ms(1);
    atomic_store(&m.stop, 1);
    ring_waiter_wake(&m.w);
    pthread_join(t, NULL);
    ck_assert_int_eq(m.received, WAITER_RINGS * WAITER_ROUNDS);
    for (int k = 0; k < WAITER_RINGS * WAITER_ROUNDS; k++) {
        ck_assert_int_eq(m.got_ring[k], order[k]);
        ck_assert_uint_eq(m.got_value[k], 1000 + (uint32_t)k);
    }
    ck_assert_int_eq(m.timeouts, 0); /* every wake-up came from a commit, none from the 5 s timeout */
    ck_assert_int_ge(m.sleeps, WAITER_RINGS * WAITER_ROUNDS);
    multi_free(&m);
}
END_TEST

START_TEST(test_waiter_wake_rouses_an_idle_consumer)
{
    static struct multi_consumer m;
    multi_init(&m);
    pthread_t t = start(multi_consumer_run, &m);
    sleep_ms(50);
    double t0 = now_ms();
    atomic_store(&m.stop, 1);
    ring_waiter_wake(&m.w);
    pthread_join(t, NULL);
    ck_assert_msg(now_ms() - t0 < 1000, "shutdown took %.1f ms", now_ms() - t0);
    ck_assert_int_eq(m.timeouts, 0);
    ck_assert_int_ge(m.sleeps, 1);
    multi_free(&m);
}
END_TEST

/* ---- 2-thread stress ---- */

struct stress_msg {
    uint64_t seq;
    uint64_t payload[7]; /* 64 bytes in all, like a small pipeline message */
};

struct stress {
    struct ring r;
    uint64_t count;
    /* Each side's own counters, on its own cache line. */
    alignas(64) uint64_t sent_sum, producer_timeouts, producer_errors;
    alignas(64) uint64_t recv_sum, next_expected, out_of_order, consumer_timeouts, consumer_errors;
};

static uint64_t mix64(uint64_t x) /* splitmix64 finaliser: payloads that differ in every bit */
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Alternates the zero-copy and the copying API, and sleeps whenever the ring is full. A 1 s timeout while
 * the consumer is running can only mean a lost wake-up. */
static void *stress_producer(void *arg)
{
    struct stress *s = arg;
    for (uint64_t i = 0; i < s->count; i++) {
        struct stress_msg m = {.seq = i}, *slot;
        for (int k = 0; k < 7; k++) {
            m.payload[k] = mix64(i * 7 + (uint64_t)k);
            s->sent_sum += m.payload[k];
        }
        while (!(slot = ring_reserve(&s->r)))
            if (ring_wait_nonfull(&s->r, 1000) == -ETIMEDOUT) s->producer_timeouts++;
        if (i & 1) {
            *slot = m;
            ring_commit(&s->r);
        } else {
            s->producer_errors += !ring_push(&s->r, &m); /* no ck_assert off the test's thread */
        }
    }
    return NULL;
}

static void stress_consume(struct stress *s, const struct stress_msg *m)
{
    if (m->seq != s->next_expected) s->out_of_order++;
    s->next_expected = m->seq + 1;
    for (int k = 0; k < 7; k++) s->recv_sum += m->payload[k];
}

static void *stress_consumer(void *arg)
{
    struct stress *s = arg;
    for (uint64_t i = 0; i < s->count; i++) {
        const struct stress_msg *slot;
        while (!(slot = ring_peek(&s->r)))
            if (ring_wait_nonempty(&s->r, 1000) == -ETIMEDOUT) s->consumer_timeouts++;
        if (i & 1) {
            stress_consume(s, slot);
            ring_release(&s->r);
        } else {
            struct stress_msg m;
            s->consumer_errors += !ring_pop(&s->r, &m);
            stress_consume(s, &m);
        }
    }
    return NULL;
}

static uint64_t stress_count(void)
{
#ifdef RING_TEST_SANITIZED
    return 1000000;
#else
    const char *quick = getenv("GNBD_TEST_QUICK");
    return quick && *quick ? 1000000 : 10000000;
#endif
}

START_TEST(test_two_threads_pass_every_message_in_order)
{
    static struct stress s;
    memset(&s, 0, sizeof(s));
    s.count = stress_count();
    ck_assert_int_eq(ring_init(&s.r, sizeof(struct stress_msg), 256), 0);
    pthread_t c = start(stress_consumer, &s);
    pthread_t p = start(stress_producer, &s);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    ck_assert_uint_eq(s.next_expected, s.count);
    ck_assert_uint_eq(s.out_of_order, 0);
    ck_assert_uint_eq(s.recv_sum, s.sent_sum);
    ck_assert_uint_eq(s.producer_timeouts + s.consumer_timeouts, 0);
    ck_assert_uint_eq(s.producer_errors + s.consumer_errors, 0);
    ck_assert_uint_eq(ring_count(&s.r), 0);
    ck_assert_uint_ge(ring_high_water(&s.r), 1);
    ck_assert_uint_le(ring_high_water(&s.r), 256);
    ring_free(&s.r);
}
END_TEST

static Suite *ring_suite(void)
{
    Suite *s = suite_create("ring");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_init_rejects_bad_geometry);
    tcase_add_test(basic, test_new_ring_is_empty);
    tcase_add_test(basic, test_full_ring_refuses_until_one_is_popped);
    tcase_add_test(basic, test_wraps_around_in_fifo_order);
    tcase_add_test(basic, test_slots_cycle_through_the_buffer_aligned);
    tcase_add_test(basic, test_reserved_slot_is_invisible_until_commit);
    tcase_add_test(basic, test_high_water_is_the_exact_maximum_occupancy);
    suite_add_tcase(s, basic);

    TCase *wait = tcase_create("wait");
    tcase_set_timeout(wait, 30);
    tcase_add_test(wait, test_waits_time_out_with_etimedout);
    tcase_add_test(wait, test_commit_wakes_a_sleeping_consumer);
    tcase_add_test(wait, test_release_wakes_a_sleeping_producer);
    tcase_add_test(wait, test_ring_wake_interrupts_both_waits);
    tcase_add_test(wait, test_commit_after_announcement_is_not_lost);
    tcase_add_test(wait, test_commits_bump_the_waiter_once_per_announcement);
    tcase_add_test(wait, test_waiter_wakes_on_data_in_any_of_three_rings);
    tcase_add_test(wait, test_quiet_commit_does_not_wake_until_notified);
    tcase_add_test(wait, test_waiter_wake_rouses_an_idle_consumer);
    suite_add_tcase(s, wait);

    TCase *stress = tcase_create("stress");
    tcase_set_timeout(stress, 120);
    tcase_add_test(stress, test_two_threads_pass_every_message_in_order);
    suite_add_tcase(s, stress);
    return s;
}

int main(void)
{
    return check_run(ring_suite());
}
