/* Tests for gnb/pkt_pool: init limits, get until exhausted (counted), give back and get again, every index
 * handed out once, and a two-thread stress in which each thread takes buffers, owns them exclusively (an owner
 * word claimed with a CAS: a buffer handed to both threads at once fails the test), scribbles on them and gives
 * them back, 2 x 10^6 gets (2 x 10^5 under ThreadSanitizer or with GNBD_TEST_QUICK). */
#include "gnb/pkt_pool.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/check_run.h"

#if defined(__SANITIZE_THREAD__)
#define POOL_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define POOL_TEST_TSAN 1
#endif
#endif

START_TEST(test_init_limits)
{
    struct pkt_pool p;
    ck_assert_int_eq(pkt_pool_init(&p, 0, 2048), -EINVAL);
    ck_assert_int_eq(pkt_pool_init(&p, 16, 32), -EINVAL);
    ck_assert_int_eq(pkt_pool_init(&p, (1u << 24) + 1, 2048), -EINVAL);
    ck_assert_int_eq(pkt_pool_init(&p, 16, 2048), 0);
    ck_assert_uint_eq(pkt_pool_available(&p), 16);
    ck_assert_ptr_eq(pkt_pool_buf(&p, 3), pkt_pool_buf(&p, 0) + 3 * 2048);
    pkt_pool_free(&p);
    pkt_pool_free(&p); /* twice is harmless */
}
END_TEST

START_TEST(test_every_buffer_once_then_exhausted)
{
    struct pkt_pool p;
    enum { N = 100 };
    ck_assert_int_eq(pkt_pool_init(&p, N, 256), 0);
    bool seen[N] = {false};
    for (int i = 0; i < N; i++) {
        int32_t b = pkt_pool_get(&p);
        ck_assert_int_ge(b, 0);
        ck_assert_int_lt(b, N);
        ck_assert_msg(!seen[b], "buffer %d handed out twice", b);
        seen[b] = true;
        memset(pkt_pool_buf(&p, (uint32_t)b), b, 256); /* the whole buffer is ours */
    }
    ck_assert_uint_eq(pkt_pool_available(&p), 0);
    ck_assert_uint_eq(pkt_pool_exhausted(&p), 0);
    ck_assert_int_eq(pkt_pool_get(&p), -ENOBUFS);
    ck_assert_int_eq(pkt_pool_get(&p), -ENOBUFS);
    ck_assert_uint_eq(pkt_pool_exhausted(&p), 2);
    for (int i = 0; i < N; i++) ck_assert_uint_eq(pkt_pool_buf(&p, (uint32_t)i)[255], (uint8_t)i);
    /* LIFO: the last given back is the next taken (warm in cache). */
    pkt_pool_put(&p, 42);
    pkt_pool_put(&p, 7);
    ck_assert_int_eq(pkt_pool_get(&p), 7);
    ck_assert_int_eq(pkt_pool_get(&p), 42);
    ck_assert_int_eq(pkt_pool_get(&p), -ENOBUFS);
    pkt_pool_put(&p, N + 5); /* out of range: ignored */
    ck_assert_int_eq(pkt_pool_get(&p), -ENOBUFS);
    ck_assert_uint_eq(atomic_load(&p.low_water), 0);
    for (int i = 0; i < N; i++) pkt_pool_put(&p, (uint32_t)i);
    ck_assert_uint_eq(pkt_pool_available(&p), N);
    pkt_pool_free(&p);
}
END_TEST

/* ---- two threads ---- */

enum { STRESS_BUFS = 64, HOLD = 8 };
struct stress {
    struct pkt_pool pool;
    _Atomic int owner[STRESS_BUFS];
    _Atomic int errors;
    long gets;
};
struct worker {
    struct stress *st;
    int id;
    long got, empty;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct stress *st = w->st;
    int32_t held[HOLD];
    unsigned seed = (unsigned)w->id * 7919u;
    while (w->got < st->gets) {
        int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % HOLD;
        int k = 0;
        for (; k < n; k++) {
            held[k] = pkt_pool_get(&st->pool);
            if (held[k] < 0) {
                w->empty++;
                break;
            }
            int expected = 0;
            if (!atomic_compare_exchange_strong(&st->owner[held[k]], &expected, w->id)) atomic_fetch_add(&st->errors, 1);
            memset(pkt_pool_buf(&st->pool, (uint32_t)held[k]), w->id, 64);
            w->got++;
        }
        for (int i = 0; i < k; i++) {
            uint8_t *b = pkt_pool_buf(&st->pool, (uint32_t)held[i]);
            if (b[0] != w->id || b[63] != w->id) atomic_fetch_add(&st->errors, 1); /* someone else wrote it */
            atomic_store(&st->owner[held[i]], 0);
            pkt_pool_put(&st->pool, (uint32_t)held[i]);
        }
    }
    return NULL;
}

START_TEST(test_two_threads_never_share_a_buffer)
{
    static struct stress st;
    memset(&st, 0, sizeof st);
#ifdef POOL_TEST_TSAN
    st.gets = 200000;
#else
    st.gets = getenv("GNBD_TEST_QUICK") ? 200000 : 1000000;
#endif
    /* Fewer buffers than the two threads may hold at once: exhaustion and the ABA window both happen. */
    ck_assert_int_eq(pkt_pool_init(&st.pool, 12, 64), 0);
    struct worker w[2] = {{.st = &st, .id = 1}, {.st = &st, .id = 2}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    ck_assert_int_eq(atomic_load(&st.errors), 0);
    ck_assert_int_ge(w[0].got + w[1].got, 2 * st.gets);
    /* Every buffer is back, exactly once. */
    ck_assert_uint_eq(pkt_pool_available(&st.pool), 12);
    bool seen[12] = {false};
    for (int i = 0; i < 12; i++) {
        int32_t b = pkt_pool_get(&st.pool);
        ck_assert_int_ge(b, 0);
        ck_assert(!seen[b]);
        seen[b] = true;
    }
    ck_assert_int_eq(pkt_pool_get(&st.pool), -ENOBUFS);
    pkt_pool_free(&st.pool);
}
END_TEST

static Suite *pool_suite(void)
{
    Suite *s = suite_create("pkt_pool");
    TCase *basic = tcase_create("basic");
    tcase_add_test(basic, test_init_limits);
    tcase_add_test(basic, test_every_buffer_once_then_exhausted);
    suite_add_tcase(s, basic);
    TCase *stress = tcase_create("stress");
    tcase_set_timeout(stress, 120);
    tcase_add_test(stress, test_two_threads_never_share_a_buffer);
    suite_add_tcase(s, stress);
    return s;
}

int main(void) { return check_run(pool_suite()); }
