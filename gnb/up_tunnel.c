/* TEID table and N3 datagram handling (see up_tunnel.h). */
#include "gnb/up_tunnel.h"

#include <errno.h>
#include <string.h>

#include "gtpu/gtpu.h"

static uint32_t slot_of(uint32_t key) { return (key * 2654435761u) >> 23; } /* 9 bits: UP_HASH_SIZE */

_Static_assert(UP_HASH_SIZE == 512, "slot_of() takes 9 bits");

static uint32_t ue_key(uint16_t rnti, uint8_t drb_id) { return (uint32_t)rnti << 8 | drb_id; }

static void hash_put(uint16_t *h, uint32_t key, int idx)
{
    uint32_t s = slot_of(key);
    while (h[s]) s = (s + 1) & (UP_HASH_SIZE - 1);
    h[s] = (uint16_t)(idx + 1);
}

static void rebuild(struct up_tunnel_table *tb)
{
    memset(tb->by_dl_teid, 0, sizeof tb->by_dl_teid);
    memset(tb->by_ue_drb, 0, sizeof tb->by_ue_drb);
    for (int i = 0; i < UP_MAX_TUNNELS; i++) {
        if (!tb->used[i]) continue;
        hash_put(tb->by_dl_teid, tb->t[i].dl_teid, i);
        hash_put(tb->by_ue_drb, ue_key(tb->t[i].rnti, tb->t[i].drb_id), i);
    }
}

void up_tunnels_init(struct up_tunnel_table *tb) { memset(tb, 0, sizeof *tb); }

const struct up_tunnel *up_tunnels_find_dl(const struct up_tunnel_table *tb, uint32_t dl_teid)
{
    for (uint32_t s = slot_of(dl_teid); tb->by_dl_teid[s]; s = (s + 1) & (UP_HASH_SIZE - 1)) {
        const struct up_tunnel *t = &tb->t[tb->by_dl_teid[s] - 1];
        if (t->dl_teid == dl_teid) return t;
    }
    return NULL;
}

const struct up_tunnel *up_tunnels_find_ul(const struct up_tunnel_table *tb, uint16_t rnti, uint8_t drb_id)
{
    uint32_t key = ue_key(rnti, drb_id);
    for (uint32_t s = slot_of(key); tb->by_ue_drb[s]; s = (s + 1) & (UP_HASH_SIZE - 1)) {
        const struct up_tunnel *t = &tb->t[tb->by_ue_drb[s] - 1];
        if (t->rnti == rnti && t->drb_id == drb_id) return t;
    }
    return NULL;
}

int up_tunnels_add(struct up_tunnel_table *tb, const struct up_tunnel *t)
{
    if (t->dl_teid == 0 || t->drb_id == 0 || t->drb_id > 32 || t->qfi > 63 ||
        (t->upf_addr_len != 4 && t->upf_addr_len != 16))
        return -EINVAL;
    if (up_tunnels_find_dl(tb, t->dl_teid) || up_tunnels_find_ul(tb, t->rnti, t->drb_id)) return -EEXIST;
    if (tb->n >= UP_MAX_TUNNELS) return -ENOSPC;
    int i = 0;
    while (tb->used[i]) i++;
    tb->t[i] = *t;
    tb->used[i] = true;
    tb->n++;
    hash_put(tb->by_dl_teid, t->dl_teid, i);
    hash_put(tb->by_ue_drb, ue_key(t->rnti, t->drb_id), i);
    return 0;
}

/* Remove the UE's tunnels of PDU session pdu_session_id (< 0: all of them); returns how many. */
static int remove_tunnels(struct up_tunnel_table *tb, uint16_t rnti, int pdu_session_id)
{
    int n = 0;
    for (int i = 0; i < UP_MAX_TUNNELS; i++)
        if (tb->used[i] && tb->t[i].rnti == rnti && (pdu_session_id < 0 || tb->t[i].pdu_session_id == pdu_session_id)) {
            tb->used[i] = false;
            n++;
        }
    if (n) {
        tb->n -= n;
        rebuild(tb);
    }
    return n;
}

int up_tunnels_remove_ue(struct up_tunnel_table *tb, uint16_t rnti) { return remove_tunnels(tb, rnti, -1); }

int up_tunnels_remove_session(struct up_tunnel_table *tb, uint16_t rnti, int pdu_session_id)
{
    return pdu_session_id < 0 ? 0 : remove_tunnels(tb, rnti, pdu_session_id);
}

void up_rate_init(struct up_rate *r, int rate_per_s)
{
    *r = (struct up_rate){.rate = rate_per_s > 0 ? rate_per_s : 0};
    r->burst = r->rate / 10 > 0 ? r->rate / 10 : 1;
    r->tokens_milli = (int64_t)r->burst * 1000;
}

bool up_rate_take(struct up_rate *r, int64_t now_ms)
{
    if (r->rate == 0) return true;
    if (r->started && now_ms > r->last_ms) {
        int64_t add = (now_ms - r->last_ms) * r->rate; /* ms x tokens/s = tokens x 1000 */
        int64_t cap = (int64_t)r->burst * 1000;
        r->tokens_milli = r->tokens_milli + add > cap ? cap : r->tokens_milli + add;
    }
    if (!r->started || now_ms > r->last_ms) r->last_ms = now_ms;
    r->started = true;
    if (r->tokens_milli < 1000) return false;
    r->tokens_milli -= 1000;
    return true;
}

enum up_dl_verdict up_dl_handle(const struct up_tunnel_table *tb, const uint8_t *dgram, size_t len,
                                const uint8_t *our_addr, size_t our_addr_len, uint16_t seq, uint8_t *reply,
                                size_t reply_cap, struct up_dl_result *r)
{
    memset(r, 0, sizeof *r);
    struct gtpu_msg m;
    int rc = gtpu_parse(dgram, len, &m);
    r->type = m.type;
    r->teid = m.teid;
    if (rc < 0) return r->verdict = UP_DL_BAD;
    switch (m.type) {
    case GTPU_GPDU:
        r->t = up_tunnels_find_dl(tb, m.teid);
        if (!r->t) { /* 29.281 7.3.1 */
            rc = gtpu_error_indication(reply, reply_cap, seq, m.teid, our_addr, our_addr_len);
            r->reply_len = rc > 0 ? (size_t)rc : 0;
            return r->verdict = UP_DL_UNKNOWN_TEID;
        }
        if (m.payload_len == 0) return r->verdict = UP_DL_EMPTY;
        r->off = (size_t)(m.payload - dgram);
        r->len = m.payload_len;
        return r->verdict = UP_DL_DELIVER;
    case GTPU_ECHO_REQUEST: /* 7.2.2: the response carries the request's sequence number */
        rc = gtpu_echo_response(reply, reply_cap, m.seq);
        r->reply_len = rc > 0 ? (size_t)rc : 0;
        return r->verdict = UP_DL_ECHO;
    case GTPU_ECHO_RESPONSE: return r->verdict = UP_DL_ECHO_RESPONSE;
    case GTPU_END_MARKER: /* 7.3.2: nothing to forward; the tunnel (r->t, if any) stays */
        r->t = up_tunnels_find_dl(tb, m.teid);
        return r->verdict = UP_DL_END_MARKER;
    case GTPU_ERROR_INDICATION:
        r->teid = m.teid_data;
        return r->verdict = UP_DL_ERROR_IND;
    default: return r->verdict = UP_DL_OTHER;
    }
}

int up_ul_encap(const struct up_tunnel *t, uint8_t *buf, size_t off, size_t len)
{
    struct gtpu_pdu_session ps = {.pdu_type = 1, .qfi = t->qfi}; /* 38.415 5.5.2.2 UL PDU SESSION INFORMATION */
    size_t h = gtpu_gpdu_header_len(&ps);
    if (off < h) return -ENOSPC;
    int rc = gtpu_gpdu_header(buf + off - h, t->ul_teid, &ps, len);
    return rc < 0 ? rc : (int)(off - h);
}
