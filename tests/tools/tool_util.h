/* tool_util.h: what the test tools (tests/tools/) share — a stop flag raised by SIGTERM/SIGINT, line-buffered
 * stdout, and a monotonic clock in seconds. Header-only (static functions) because the Makefile makes every
 * tests/tools/ file a program of its own; each tool includes it once. */
#ifndef GNBD_TESTS_TOOL_UTIL_H
#define GNBD_TESTS_TOOL_UTIL_H

#include <signal.h>
#include <stdio.h>
#include <time.h>

/* Set to 1 by SIGTERM or SIGINT once tool_init() ran; the tools' loops end when they see it. */
static volatile sig_atomic_t tool_stop;

static inline void tool_on_signal(int s)
{
    (void)s;
    tool_stop = 1;
}

/* SIGTERM and SIGINT raise tool_stop; stdout is line-buffered so a test script reading it sees every line at once. */
static inline void tool_init(void)
{
    signal(SIGTERM, tool_on_signal);
    signal(SIGINT, tool_on_signal);
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* CLOCK_MONOTONIC in seconds. */
static inline double tool_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
