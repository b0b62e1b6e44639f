/* systemd notification (Type=notify) and the watchdog decision.
 *
 * notify_*() send the sd_notify(3) assignments READY=1, STATUS=..., STOPPING=1 and WATCHDOG=1 through
 * libsystemd; without systemd (no NOTIFY_SOCKET) they do nothing, so gnbd runs the same from a shell.
 * The watchdog decision is pure (no clock, no I/O): the control thread calls watchdog_should_ping() on each
 * tick with the stages' heartbeat counters and pings only when every stage advanced since the last ping, or
 * when the radio waits for a peer (a ZeroMQ cell with nobody attached is idle, not stalled). A stalled stage
 * is never covered up: systemd then restarts gnbd after WATCHDOG_USEC. See docs/ARCHITECTURE.md §1.8.
 * No 3GPP clause applies.
 *
 * Threading: notify_*() open a socket per call: main or control thread only, never the slot path.
 * A struct watchdog_state belongs to one thread (the control thread).
 */
#ifndef GNBD_NOTIFY_H
#define GNBD_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#define WATCHDOG_MAX_STAGES 16
#define NOTIFY_STATUS_MAX   256  /* longer STATUS= texts are cut */

/* Each returns what sd_notify() does: > 0 sent, 0 not started by systemd (no NOTIFY_SOCKET), < 0 -errno. */
int notify_ready(void);
int notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int notify_stopping(void);
int notify_watchdog(void);

/* The ping interval systemd asks for: WATCHDOG_USEC / 2 in microseconds, or 0 when the watchdog is off (no
 * WATCHDOG_USEC, or WATCHDOG_PID names another process). */
uint64_t notify_watchdog_interval_us(void);

struct watchdog_state {
    uint64_t interval_us;                      /* 0: never ping (watchdog_init: notify_watchdog_interval_us()) */
    const char *const *stage_names;            /* NULL ("stage N" in texts), or n names that outlive w */
    bool pinged;                               /* false until the first ping: the first check is due at once */
    uint64_t last_ping_us;
    int n;                                     /* number of stages in last_beats */
    uint64_t last_beats[WATCHDOG_MAX_STAGES];  /* heartbeats at the last ping */
    char why[96];
};

/* Interval from the environment systemd set (notify_watchdog_interval_us()), no stage names. Both are plain
 * fields: a caller (or a test) may set them after init. */
void watchdog_init(struct watchdog_state *w);

/* Decide whether to send WATCHDOG=1 now. heartbeats[0..n) are the stages' counters (n <= WATCHDOG_MAX_STAGES);
 * now_us is a monotonic clock. Returns true, and records the ping, when a ping is due and every heartbeat
 * differs from the last ping's, or waiting_for_peer is set. *why (if why is not NULL) always gets a short text
 * for STATUS=: "all 5 stages advancing", "radio waiting for peer", "stage mac stalled at heartbeat 1234",
 * "not due", "watchdog off"; it points into w and stays valid until the next call. */
bool watchdog_should_ping(struct watchdog_state *w, const uint64_t *heartbeats, int n, bool waiting_for_peer,
                          uint64_t now_us, const char **why);

#endif
