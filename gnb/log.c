/* Logging: per-layer levels, a bounded lock-free MPSC queue (Vyukov's design) drained by one thread. */
#include "gnb/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_TEXT_MAX 240
#define LOG_QUEUE_SIZE 4096 /* power of two */

struct log_record {
    _Atomic uint64_t seq;
    uint8_t layer, level;
    struct timespec when;
    char text[LOG_TEXT_MAX];
};

static const char *const layer_names[LOG_LAYER_COUNT] = {"radio", "phy", "mac", "rrc", "ctrl", "gnb", "ngap"};
static const char *const level_names[LOG_LEVEL_COUNT] = {"none", "error", "warning", "info", "debug"};
static const char level_letter[LOG_LEVEL_COUNT] = {'-', 'E', 'W', 'I', 'D'};
static const int syslog_prio[LOG_LEVEL_COUNT] = {7, 3, 4, 6, 7};

/* Process-wide logger state: the one place gnbd keeps global mutable state for logging. */
static _Atomic int levels[LOG_LAYER_COUNT] = {LOG_LEVEL_INFO, LOG_LEVEL_INFO, LOG_LEVEL_INFO,
                                              LOG_LEVEL_INFO, LOG_LEVEL_INFO, LOG_LEVEL_INFO};
static struct log_record queue[LOG_QUEUE_SIZE];
static _Atomic uint64_t enqueue_pos;
static uint64_t dequeue_pos;
static _Atomic uint64_t dropped;
static _Atomic bool async_on;
static _Atomic bool stop_req;
static pthread_t logger;
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER; /* logger thread vs log_open_file only */
static FILE *log_file;

const char *log_layer_name(enum log_layer layer)
{
    return (unsigned)layer < LOG_LAYER_COUNT ? layer_names[layer] : "?";
}

const char *log_level_name(enum log_level level)
{
    return (unsigned)level < LOG_LEVEL_COUNT ? level_names[level] : "?";
}

int log_layer_from_name(const char *name)
{
    for (int i = 0; name && i < LOG_LAYER_COUNT; i++)
        if (strcmp(name, layer_names[i]) == 0) return i;
    return -1;
}

int log_level_from_name(const char *name)
{
    for (int i = 0; name && i < LOG_LEVEL_COUNT; i++)
        if (strcmp(name, level_names[i]) == 0) return i;
    if (name && strcmp(name, "warn") == 0) return LOG_LEVEL_WARNING;
    return -1;
}

void log_set_level(enum log_layer layer, enum log_level level)
{
    if ((unsigned)layer < LOG_LAYER_COUNT && (unsigned)level < LOG_LEVEL_COUNT)
        atomic_store_explicit(&levels[layer], (int)level, memory_order_relaxed);
}

enum log_level log_get_level(enum log_layer layer)
{
    if ((unsigned)layer >= LOG_LAYER_COUNT) return LOG_LEVEL_NONE;
    return (enum log_level)atomic_load_explicit(&levels[layer], memory_order_relaxed);
}

uint64_t log_dropped(void) { return atomic_load(&dropped); }

static void emit(const struct log_record *r)
{
    /* systemd sets JOURNAL_STREAM for a service's stderr: then a "<prio>" prefix is all journald needs. */
    static int journal = -1;
    if (journal < 0) journal = getenv("JOURNAL_STREAM") != NULL;
    struct tm tm;
    gmtime_r(&r->when.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    if (journal)
        fprintf(stderr, "<%d>[%s] %s\n", syslog_prio[r->level], layer_names[r->layer], r->text);
    else
        fprintf(stderr, "%s.%03ldZ %c [%-5s] %s\n", stamp, r->when.tv_nsec / 1000000, level_letter[r->level],
                layer_names[r->layer], r->text);
    pthread_mutex_lock(&file_lock);
    if (log_file) {
        fprintf(log_file, "%s.%06ldZ %c [%-5s] %s\n", stamp, r->when.tv_nsec / 1000, level_letter[r->level],
                layer_names[r->layer], r->text);
        fflush(log_file);
    }
    pthread_mutex_unlock(&file_lock);
}

int log_open_file(const char *path)
{
    FILE *f = NULL;
    if (path && *path) {
        f = fopen(path, "a");
        if (!f) return -errno;
    }
    pthread_mutex_lock(&file_lock);
    if (log_file) fclose(log_file);
    log_file = f;
    pthread_mutex_unlock(&file_lock);
    return 0;
}

/* Pop one record if the consumer's next cell is complete. Single consumer (the logger thread). */
static bool dequeue_one(void)
{
    struct log_record *r = &queue[dequeue_pos & (LOG_QUEUE_SIZE - 1)];
    if (atomic_load_explicit(&r->seq, memory_order_acquire) != dequeue_pos + 1) return false;
    emit(r);
    atomic_store_explicit(&r->seq, dequeue_pos + LOG_QUEUE_SIZE, memory_order_release);
    dequeue_pos++;
    return true;
}

static void *logger_main(void *arg)
{
    (void)arg;
    unsigned idle = 0;
    for (;;) {
        bool any = false;
        while (dequeue_one()) any = true;
        idle = any ? 0 : idle + 1;
        if (!any) {
            if (atomic_load(&stop_req)) break;
            /* Producers never wake us (that would cost them a syscall): poll at 100 Hz, at 20 Hz after a second
             * with nothing to write (an idle cell; 50 ms fill a 4096-record queue only at 80000 records a second). */
            struct timespec ts = {0, (idle > 100 ? 50 : 10) * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

int log_start_thread(void)
{
    if (atomic_load(&async_on)) return 0;
    for (uint64_t i = 0; i < LOG_QUEUE_SIZE; i++) atomic_store(&queue[i].seq, i);
    atomic_store(&enqueue_pos, 0);
    dequeue_pos = 0;
    atomic_store(&stop_req, false);
    int rc = pthread_create(&logger, NULL, logger_main, NULL);
    if (rc) return -rc;
    atomic_store(&async_on, true);
    return 0;
}

void log_stop_thread(void)
{
    if (!atomic_load(&async_on)) return;
    atomic_store(&stop_req, true);
    pthread_join(logger, NULL);
    atomic_store(&async_on, false);
}

void log_write(enum log_layer layer, enum log_level level, const char *fmt, ...)
{
    if ((unsigned)layer >= LOG_LAYER_COUNT || level == LOG_LEVEL_NONE || !log_enabled(layer, level)) return;
    va_list ap;
    if (!atomic_load_explicit(&async_on, memory_order_acquire)) {
        struct log_record r = {.layer = (uint8_t)layer, .level = (uint8_t)level};
        clock_gettime(CLOCK_REALTIME, &r.when);
        va_start(ap, fmt);
        vsnprintf(r.text, sizeof r.text, fmt, ap);
        va_end(ap);
        emit(&r);
        return;
    }
    uint64_t pos = atomic_load_explicit(&enqueue_pos, memory_order_relaxed);
    struct log_record *r;
    for (;;) {
        r = &queue[pos & (LOG_QUEUE_SIZE - 1)];
        uint64_t seq = atomic_load_explicit(&r->seq, memory_order_acquire);
        int64_t diff = (int64_t)(seq - pos);
        if (diff == 0) {
            if (atomic_compare_exchange_weak_explicit(&enqueue_pos, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
            return;
        } else {
            pos = atomic_load_explicit(&enqueue_pos, memory_order_relaxed);
        }
    }
    r->layer = (uint8_t)layer;
    r->level = (uint8_t)level;
    clock_gettime(CLOCK_REALTIME, &r->when); /* vDSO: no syscall */
    va_start(ap, fmt);
    vsnprintf(r->text, sizeof r->text, fmt, ap);
    va_end(ap);
    atomic_store_explicit(&r->seq, pos + 1, memory_order_release);
}
