/* The NG interface towards one AMF (see ng_setup.h). */
#include "ngap/ng_setup.h"

#include <errno.h>
#include <string.h>

const char *ng_state_name(enum ng_state st)
{
    static const char *const n[] = {"wait", "connecting", "setup-sent", "hold", "ready"};
    return (unsigned)st < sizeof n / sizeof n[0] ? n[st] : "?";
}

int ng_time_to_wait_ms(int ttw)
{
    static const int ms[] = {1000, 2000, 5000, 10000, 20000, 60000}; /* v1s v2s v5s v10s v20s v60s */
    return ttw >= 0 && ttw < (int)(sizeof ms / sizeof ms[0]) ? ms[ttw] : -1;
}

static int encode_request(const struct ng_setup *s, uint8_t *out, size_t cap, size_t *len)
{
    struct ngap_pdu pdu; /* ~10 KB: the NGAP stage's thread is not the slot path */
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_NG_SETUP_REQUEST;
    pdu.u.ng_setup_request = s->cfg.request;
    return ngap_encode(&pdu, out, cap, len);
}

int ng_setup_init(struct ng_setup *s, const struct ng_setup_config *cfg, int64_t now_ms)
{
    if (cfg->backoff_min_ms < 0 || cfg->backoff_max_ms < 0 || cfg->response_timeout_ms < 0) return -EINVAL;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    if (!s->cfg.backoff_min_ms) s->cfg.backoff_min_ms = 1000;
    if (!s->cfg.backoff_max_ms) s->cfg.backoff_max_ms = 30000;
    if (s->cfg.backoff_max_ms < s->cfg.backoff_min_ms) s->cfg.backoff_max_ms = s->cfg.backoff_min_ms;
    if (!s->cfg.response_timeout_ms) s->cfg.response_timeout_ms = 5000;
    uint8_t probe[NGAP_MAX_PDU_BYTES];
    size_t len;
    if (encode_request(s, probe, sizeof probe, &len) < 0) return -EINVAL;
    s->state = NG_WAIT;
    s->due_ms = now_ms;
    s->backoff_ms = s->cfg.backoff_min_ms;
    return 0;
}

/* A failed attempt: wait the back-off (at least `at_least_ms`), then double it. */
static void back_off(struct ng_setup *s, int64_t now_ms, enum ng_state st, int at_least_ms)
{
    int wait = s->backoff_ms > at_least_ms ? s->backoff_ms : at_least_ms;
    s->state = st;
    s->due_ms = now_ms + wait;
    s->backoff_ms = s->backoff_ms >= s->cfg.backoff_max_ms / 2 ? s->cfg.backoff_max_ms : s->backoff_ms * 2;
}

enum ng_action ng_setup_poll(struct ng_setup *s, int64_t now_ms)
{
    if (now_ms < s->due_ms) return NG_ACT_NONE;
    switch (s->state) {
    case NG_WAIT: return NG_ACT_CONNECT;
    case NG_HOLD: return NG_ACT_SEND_SETUP;
    case NG_CONNECTING:
    case NG_SETUP_SENT:
        s->stats.timeouts++;
        back_off(s, now_ms, NG_WAIT, 0);
        return NG_ACT_CLOSE;
    case NG_READY: return NG_ACT_NONE;
    }
    return NG_ACT_NONE;
}

int64_t ng_setup_next_ms(const struct ng_setup *s) { return s->state == NG_READY ? INT64_MAX : s->due_ms; }

void ng_setup_connecting(struct ng_setup *s, int64_t now_ms)
{
    s->stats.connects++;
    s->state = NG_CONNECTING;
    s->due_ms = now_ms + s->cfg.response_timeout_ms;
}

int ng_setup_request(struct ng_setup *s, int64_t now_ms, uint8_t *out, size_t cap, size_t *len)
{
    int rc = encode_request(s, out, cap, len);
    if (rc < 0) return rc;
    s->stats.requests++;
    s->state = NG_SETUP_SENT;
    s->due_ms = now_ms + s->cfg.response_timeout_ms;
    return 0;
}

int ng_setup_link_up(struct ng_setup *s, int64_t now_ms, uint8_t *out, size_t cap, size_t *len)
{
    return ng_setup_request(s, now_ms, out, cap, len);
}

void ng_setup_link_down(struct ng_setup *s, int64_t now_ms)
{
    if (s->state == NG_WAIT) return; /* already counted (a timeout closed it) */
    s->stats.links_lost++;
    back_off(s, now_ms, NG_WAIT, 0);
}

bool ng_setup_rx(struct ng_setup *s, int64_t now_ms, const struct ngap_pdu *pdu)
{
    if (pdu->msg == NGAP_MSG_NG_SETUP_RESPONSE) {
        if (s->state != NG_SETUP_SENT) return true; /* not asked for (38.413 10.4 would call it unexpected) */
        s->stats.responses++;
        s->amf = pdu->u.ng_setup_response;
        s->state = NG_READY;
        s->backoff_ms = s->cfg.backoff_min_ms;
        return true;
    }
    if (pdu->msg == NGAP_MSG_NG_SETUP_FAILURE) {
        if (s->state != NG_SETUP_SENT) return true;
        s->stats.failures++;
        s->last_cause = pdu->u.ng_setup_failure.cause;
        int ttw = pdu->u.ng_setup_failure.has_time_to_wait
                      ? ng_time_to_wait_ms(pdu->u.ng_setup_failure.time_to_wait) : 0;
        back_off(s, now_ms, NG_HOLD, ttw > 0 ? ttw : 0);
        return true;
    }
    return false;
}
