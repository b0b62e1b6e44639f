/* Benchmark of gnb/ring: 64-byte messages between two threads (pinned to two CPUs when the process may use
 * two), once with busy polling and once with the blocking futex waits, plus the single-thread cost of a
 * push+pop pair. Prints figures only; it fails only if a message is lost or reordered.
 *   bench_ring [messages]   (default 10^7 for the two-thread runs)
 */
#include "gnb/ring.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_CAPACITY 1024

struct bench_msg {
    uint64_t seq;
    uint64_t payload[7]; /* 64 bytes: one cache line per message */
};

enum bench_mode { BENCH_BUSY, BENCH_BLOCKING };

struct bench_side {
    struct ring *r;
    uint64_t count;
    enum bench_mode mode;
    int cpu; /* -1: not pinned */
    pthread_barrier_t *go;
    uint64_t waits; /* times this side found the ring full/empty */
    uint64_t sum, errors;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void pin_self(int cpu)
{
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Blocking mode sleeps on the futex; busy mode spins with a pause hint, like a dedicated real-time core. */
static void side_wait(struct bench_side *s, bool producer)
{
    s->waits++;
    if (s->mode == BENCH_BUSY)
        cpu_relax();
    else if (producer)
        ring_wait_nonfull(s->r, -1);
    else
        ring_wait_nonempty(s->r, -1);
}

static void *producer_run(void *arg)
{
    struct bench_side *s = arg;
    pin_self(s->cpu);
    pthread_barrier_wait(s->go);
    for (uint64_t i = 0; i < s->count; i++) {
        struct bench_msg *m;
        while (!(m = ring_reserve(s->r))) side_wait(s, true);
        m->seq = i;
        for (int k = 0; k < 7; k++) m->payload[k] = i + (uint64_t)k;
        s->sum += i;
        ring_commit(s->r);
    }
    return NULL;
}

static void *consumer_run(void *arg)
{
    struct bench_side *s = arg;
    pin_self(s->cpu);
    pthread_barrier_wait(s->go);
    for (uint64_t i = 0; i < s->count; i++) {
        const struct bench_msg *m;
        while (!(m = ring_peek(s->r))) side_wait(s, false);
        s->errors += m->seq != i || m->payload[6] != i + 6;
        s->sum += m->seq;
        ring_release(s->r);
    }
    return NULL;
}

/* The first two CPUs this process may run on, so the two sides really run in parallel. */
static int pick_cpus(int cpus[2])
{
    cpu_set_t set;
    cpus[0] = cpus[1] = -1;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    int n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &set)) cpus[n++] = c;
    if (n < 2) cpus[0] = cpus[1] = -1;
    return n;
}

static int run_two_threads(enum bench_mode mode, uint64_t count, const int cpus[2])
{
    struct ring r;
    if (ring_init(&r, sizeof(struct bench_msg), BENCH_CAPACITY) != 0) return -1;
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, 3);
    struct bench_side p = {.r = &r, .count = count, .mode = mode, .cpu = cpus[0], .go = &go};
    struct bench_side c = {.r = &r, .count = count, .mode = mode, .cpu = cpus[1], .go = &go};
    pthread_t tp, tc;
    pthread_create(&tc, NULL, consumer_run, &c);
    pthread_create(&tp, NULL, producer_run, &p);
    pthread_barrier_wait(&go);
    double t0 = now_s();
    pthread_join(tp, NULL);
    pthread_join(tc, NULL);
    double secs = now_s() - t0;
    int ok = c.errors == 0 && c.sum == p.sum;
    printf("%-26s %10.2f Mmsg/s %8.1f ns/msg  producer waits %10llu  consumer waits %10llu  high water %zu%s\n",
           mode == BENCH_BUSY ? "2 threads, busy polling" : "2 threads, blocking waits", count / secs / 1e6,
           secs * 1e9 / count, (unsigned long long)p.waits, (unsigned long long)c.waits, ring_high_water(&r),
           ok ? "" : "  LOST OR REORDERED");
    pthread_barrier_destroy(&go);
    ring_free(&r);
    return ok ? 0 : -1;
}

/* One thread, push then pop: the bare cost of the two calls (copy, index update, armed-bit check). */
static int run_single_thread(uint64_t count)
{
    struct ring r;
    if (ring_init(&r, sizeof(struct bench_msg), BENCH_CAPACITY) != 0) return -1;
    struct bench_msg in = {0}, out;
    uint64_t errors = 0;
    double t0 = now_s();
    for (uint64_t i = 0; i < count; i++) {
        in.seq = i;
        ring_push(&r, &in);
        errors += !ring_pop(&r, &out) || out.seq != i;
    }
    double secs = now_s() - t0;
    printf("%-26s %10.2f Mpair/s %7.1f ns/push+pop%s\n", "1 thread, push+pop", count / secs / 1e6,
           secs * 1e9 / count, errors ? "  WRONG" : "");
    ring_free(&r);
    return errors ? -1 : 0;
}

int main(int argc, char **argv)
{
    uint64_t count = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000ull;
    if (count == 0) count = 10000000ull;
    int cpus[2];
    int ncpu = pick_cpus(cpus);
    printf("ring: %zu-byte messages, capacity %d, %llu messages per run, ", sizeof(struct bench_msg),
           BENCH_CAPACITY, (unsigned long long)count);
    if (cpus[0] >= 0)
        printf("producer on CPU %d, consumer on CPU %d\n", cpus[0], cpus[1]);
    else
        printf("not pinned (%d CPU available)\n", ncpu);
    int rc = run_single_thread(count);
    rc |= run_two_threads(BENCH_BUSY, count, cpus);
    rc |= run_two_threads(BENCH_BLOCKING, count, cpus);
    return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}
