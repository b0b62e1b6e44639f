/* The NG interface towards one AMF, as the gNB runs it (38.413 8.7.1 NG Setup; 38.412 the SCTP association):
 * when to connect, when to send NGSetupRequest, what an answer or its absence means, and when the cell may
 * admit UEs. Pure state and time: the caller (the NGAP stage in gnb/) owns the association (gnb/sctp_link.h),
 * passes the time in, and does what ng_setup_poll() asks; so every timer is tested without sleeping.
 *
 * States and what moves them:
 *   NG_WAIT       no association; at `due` -> NG_ACT_CONNECT (the caller opens one and calls ng_setup_connecting)
 *   NG_CONNECTING the association is being set up; ng_setup_link_up() -> the NGSetupRequest to send,
 *                 NG_SETUP_SENT; nothing within response_timeout_ms -> NG_ACT_CLOSE, then NG_WAIT after back-off
 *   NG_SETUP_SENT NGSetupResponse -> NG_READY (back-off reset); NGSetupFailure -> NG_HOLD for the Time To Wait
 *                 it carries (8.7.1.3: wait at least that long before trying again; without one, the back-off),
 *                 no answer within response_timeout_ms -> NG_ACT_CLOSE and back-off
 *   NG_HOLD       the association stays up; at `due` -> NG_ACT_SEND_SETUP (the caller sends ng_setup_request())
 *   NG_READY      the AMF accepted us: UEs may be admitted (ng_setup_is_ready())
 *   any state: the association lost (ng_setup_link_down()) -> NG_WAIT after the back-off.
 * The back-off doubles from backoff_min_ms to backoff_max_ms on each failed attempt, so an AMF that is down is
 * asked again every 30 s at most, never in a tight loop; a success resets it. */
#ifndef GNBD_NGAP_NG_SETUP_H
#define GNBD_NGAP_NG_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ngap/ngap.h"

struct ng_setup_config {
    struct ngap_ng_setup_request request; /* what we offer: Global gNB ID, name, TAs with PLMNs and slices */
    int backoff_min_ms;                   /* 0 = 1000 */
    int backoff_max_ms;                   /* 0 = 30000 */
    int response_timeout_ms;              /* association set-up and NGSetupRequest answer; 0 = 5000 */
};

enum ng_state { NG_WAIT, NG_CONNECTING, NG_SETUP_SENT, NG_HOLD, NG_READY };

enum ng_action {
    NG_ACT_NONE,
    NG_ACT_CONNECT,    /* open the association, then ng_setup_connecting() */
    NG_ACT_SEND_SETUP, /* send ng_setup_request() on stream 0 (the association is up) */
    NG_ACT_CLOSE,      /* close the association (an attempt timed out); ng_setup_link_down() was applied */
};

struct ng_setup_stats {
    uint64_t connects, requests, responses, failures, timeouts, links_lost;
};

struct ng_setup {
    struct ng_setup_config cfg;
    enum ng_state state;
    int64_t due_ms;        /* NG_WAIT / NG_HOLD: when to act; NG_CONNECTING / NG_SETUP_SENT: the timeout */
    int backoff_ms;        /* the next back-off */
    struct ngap_ng_setup_response amf; /* the last NGSetupResponse */
    struct ngap_cause last_cause;      /* the last NGSetupFailure's */
    struct ng_setup_stats stats;
};

/* Starts in NG_WAIT due at now_ms (connect at once). -EINVAL for a request the codec refuses to encode or
 * negative timers. */
int ng_setup_init(struct ng_setup *s, const struct ng_setup_config *cfg, int64_t now_ms);

/* What the caller must do at now_ms (call it at ng_setup_next_ms() at the latest, and after every event). */
enum ng_action ng_setup_poll(struct ng_setup *s, int64_t now_ms);

/* When ng_setup_poll() will next have something to do (INT64_MAX: nothing pending, e.g. NG_READY). */
int64_t ng_setup_next_ms(const struct ng_setup *s);

/* The caller started opening the association. */
void ng_setup_connecting(struct ng_setup *s, int64_t now_ms);

/* The association is up: NG Setup starts. Writes the NGSetupRequest into out[cap] (*len octets) to be sent on
 * stream 0. 0 or a negative errno (-ENOSPC). */
int ng_setup_link_up(struct ng_setup *s, int64_t now_ms, uint8_t *out, size_t cap, size_t *len);

/* The NGSetupRequest again (NG_ACT_SEND_SETUP), likewise. */
int ng_setup_request(struct ng_setup *s, int64_t now_ms, uint8_t *out, size_t cap, size_t *len);

/* The association went down (lost, refused, or closed by the caller). */
void ng_setup_link_down(struct ng_setup *s, int64_t now_ms);

/* A PDU received from the AMF. Returns true when NG Setup consumed it (NGSetupResponse / NGSetupFailure),
 * false for anything else (the caller's other procedures). */
bool ng_setup_rx(struct ng_setup *s, int64_t now_ms, const struct ngap_pdu *pdu);

/* The AMF accepted the NG Setup and the association is up: the cell may admit UEs. */
static inline bool ng_setup_is_ready(const struct ng_setup *s) { return s->state == NG_READY; }

/* 9.3.1.56 Time To Wait in milliseconds (v1s .. v60s); -1 for a value outside the enumeration. */
int ng_time_to_wait_ms(int time_to_wait);

const char *ng_state_name(enum ng_state st);

#endif
