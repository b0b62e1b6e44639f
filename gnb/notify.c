/* systemd notification through libsystemd, and the pure watchdog decision. */
#include "gnb/notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <systemd/sd-daemon.h>

int notify_ready(void) { return sd_notify(0, "READY=1"); }

int notify_stopping(void) { return sd_notify(0, "STOPPING=1"); }

int notify_watchdog(void) { return sd_notify(0, "WATCHDOG=1"); }

int notify_status(const char *fmt, ...)
{
    char msg[sizeof "STATUS=" + NOTIFY_STATUS_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg + 7, sizeof msg - 7, fmt, ap);
    va_end(ap);
    if (n < 0) return -EINVAL;
    memcpy(msg, "STATUS=", 7);
    /* A newline would start a new assignment in the notify protocol (sd_notify(3)): keep STATUS= one line. */
    for (char *p = msg + 7; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return sd_notify(0, msg);
}

uint64_t notify_watchdog_interval_us(void)
{
    uint64_t usec = 0;
    /* sd_watchdog_enabled() also checks WATCHDOG_PID against our pid (sd_watchdog_enabled(3)). */
    if (sd_watchdog_enabled(0, &usec) <= 0) return 0;
    return usec / 2;
}

void watchdog_init(struct watchdog_state *w)
{
    memset(w, 0, sizeof *w);
    w->interval_us = notify_watchdog_interval_us();
}

static void record_ping(struct watchdog_state *w, const uint64_t *heartbeats, int n, uint64_t now_us)
{
    w->pinged = true;
    w->last_ping_us = now_us;
    w->n = n;
    if (n > 0) memcpy(w->last_beats, heartbeats, (size_t)n * sizeof *heartbeats);
}

/* Index of the first stage whose heartbeat did not move since the last ping, or -1 when all moved. */
static int first_stalled(const struct watchdog_state *w, const uint64_t *heartbeats, int n)
{
    for (int i = 0; i < n; i++)
        if (heartbeats[i] == w->last_beats[i]) return i;
    return -1;
}

bool watchdog_should_ping(struct watchdog_state *w, const uint64_t *heartbeats, int n, bool waiting_for_peer,
                          uint64_t now_us, const char **why)
{
    bool ping = false;
    if (why) *why = w->why;
    if (w->interval_us == 0) {
        snprintf(w->why, sizeof w->why, "watchdog off");
    } else if (n < 0 || n > WATCHDOG_MAX_STAGES || (n > 0 && !heartbeats)) {
        snprintf(w->why, sizeof w->why, "invalid stage count %d (limit %d)", n, WATCHDOG_MAX_STAGES);
    } else if (w->pinged && now_us - w->last_ping_us < w->interval_us) {
        snprintf(w->why, sizeof w->why, "not due");
    } else if (waiting_for_peer) {
        snprintf(w->why, sizeof w->why, "radio waiting for peer");
        ping = true;
    } else if (w->pinged && n != w->n) {
        /* Heartbeats of a different stage set cannot be compared: take them as the new baseline. */
        snprintf(w->why, sizeof w->why, "stage count changed from %d to %d", w->n, n);
        w->n = n;
        if (n > 0) memcpy(w->last_beats, heartbeats, (size_t)n * sizeof *heartbeats);
    } else {
        int stalled = first_stalled(w, heartbeats, n);
        if (stalled < 0) {
            snprintf(w->why, sizeof w->why, "all %d stages advancing", n);
            ping = true;
        } else if (w->stage_names) {
            snprintf(w->why, sizeof w->why, "stage %s stalled at heartbeat %llu", w->stage_names[stalled],
                     (unsigned long long)heartbeats[stalled]);
        } else {
            snprintf(w->why, sizeof w->why, "stage %d stalled at heartbeat %llu", stalled,
                     (unsigned long long)heartbeats[stalled]);
        }
    }
    if (ping) record_ping(w, heartbeats, n, now_us);
    return ping;
}
