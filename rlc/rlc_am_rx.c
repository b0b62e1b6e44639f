/* RLC AM receive side: AMD PDU reception and reassembly (38.322 5.2.3.2), t-Reassembly, STATUS reporting
 * (5.3.4). SNs are compared relative to RX_Next, the modulus base of the receiving side. */
#include <errno.h>
#include <string.h>

#include "rlc/rlc_am_int.h"
#include "rlc/rlc_pdu.h"

static bool done(const struct rlc_am *e, uint32_t sn)
{
    return rlc_sn_bit(e->rx_done, sn);
}

static void set_done(struct rlc_am *e, uint32_t sn, bool v)
{
    rlc_sn_bit_set(e->rx_done, sn, v);
}

/* The first SN at or after sn that is not wholly received (at most RX_Next_Highest). */
static uint32_t first_missing(const struct rlc_am *e, uint32_t sn)
{
    for (uint32_t i = 0; i < e->window && sn != e->rx_next_highest && done(e, sn); i++) sn = (sn + 1) & e->sn_mask;
    return sn;
}

/* A byte missing before the last received byte of SDU sn (no bytes received: none missing). */
static bool gap_in(struct rlc_am *e, uint32_t sn)
{
    struct rlc_rx_sdu *s = rlc_rx_buf_find(&e->rx, sn);
    return s && rlc_rx_sdu_gap_before_high(s);
}

static void deliver(struct rlc_am *e, struct rlc_rx_sdu *s)
{
    e->cnt.sdus_delivered++;
    e->deliver(e->ctx, s->data, s->len);
    rlc_rx_buf_release(&e->rx, s);
}

/* 5.3.4: polls delayed until RX_Highest_Status passes them trigger now if it has. */
static void check_delayed_polls(struct rlc_am *e)
{
    if (!e->poll_delayed) return;
    uint32_t hs = rlc_am_rx_rel(e, e->rx_highest_status);
    if (rlc_am_rx_rel(e, e->poll_lo) < hs || rlc_am_rx_rel(e, e->poll_lo) >= e->window) {
        e->status_triggered = true;
        e->poll_lo = e->poll_hi;
        e->poll_delayed = rlc_am_rx_rel(e, e->poll_hi) >= hs && rlc_am_rx_rel(e, e->poll_hi) < e->window;
    }
}

static void poll_received(struct rlc_am *e, uint32_t x)
{
    uint32_t rel = rlc_am_rx_rel(e, x);
    if (rel < rlc_am_rx_rel(e, e->rx_highest_status) || rel >= e->window) {
        e->status_triggered = true;
    } else if (!e->poll_delayed) {
        e->poll_delayed = true;
        e->poll_lo = e->poll_hi = x;
    } else {
        if (rel < rlc_am_rx_rel(e, e->poll_lo)) e->poll_lo = x;
        if (rel > rlc_am_rx_rel(e, e->poll_hi)) e->poll_hi = x;
    }
}

/* 5.2.3.2.2: find or make room for SN x; NULL when no slot may be used. */
static struct rlc_rx_sdu *slot_for(struct rlc_am *e, uint32_t x)
{
    struct rlc_rx_sdu *s = rlc_rx_buf_find(&e->rx, x);
    if (s) return s;
    /* with in-order delivery the last free slot is kept for RX_Next, which every held SDU waits for */
    if (e->cfg.in_order_delivery && x != e->rx_next && rlc_rx_buf_free_slots(&e->rx) < 2) return NULL;
    return rlc_rx_buf_alloc(&e->rx, x);
}

/* 5.2.3.2.3: SDU x is complete. */
static void sdu_complete(struct rlc_am *e, struct rlc_rx_sdu *s, uint32_t x)
{
    set_done(e, x, true);
    if (!e->cfg.in_order_delivery) deliver(e, s);
    if (x == e->rx_highest_status) e->rx_highest_status = first_missing(e, (x + 1) & e->sn_mask);
    if (x != e->rx_next) return;
    while (e->rx_next != e->rx_next_highest && done(e, e->rx_next)) {
        set_done(e, e->rx_next, false);
        if (e->cfg.in_order_delivery) {
            struct rlc_rx_sdu *h = rlc_rx_buf_find(&e->rx, e->rx_next);
            if (h) deliver(e, h);
        }
        e->rx_next = (e->rx_next + 1) & e->sn_mask;
    }
}

/* 5.2.3.2.3, t-Reassembly part. */
static void reassembly_timer(struct rlc_am *e, int64_t now_ms)
{
    uint32_t next1 = (e->rx_next + 1) & e->sn_mask;
    if (e->t_reassembly.running) {
        uint32_t trig = e->rx_next_status_trigger;
        if (trig == e->rx_next || (trig == next1 && !gap_in(e, e->rx_next)) || rlc_am_rx_rel(e, trig) > e->window)
            rlc_timer_stop(&e->t_reassembly);
    }
    if (!e->t_reassembly.running) {
        uint32_t hi = rlc_am_rx_rel(e, e->rx_next_highest);
        if (hi > 1 || (hi == 1 && gap_in(e, e->rx_next))) {
            rlc_timer_start(&e->t_reassembly, now_ms, e->cfg.t_reassembly_ms);
            e->rx_next_status_trigger = e->rx_next_highest;
        }
    }
}

int rlc_am_rx_data(struct rlc_am *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    struct rlc_data_hdr h;
    bool reserved;
    int hl = rlc_amd_hdr_read(pdu, len, e->cfg.sn_bits, &h, &reserved);
    if (hl < 0) return -EBADMSG;
    const uint8_t *data = pdu + hl;
    uint32_t dlen = (uint32_t)(len - (size_t)hl), x = h.sn;
    bool last = h.si == RLC_SI_FULL || h.si == RLC_SI_LAST;
    if ((uint64_t)h.so + dlen > e->cfg.max_sdu_bytes) return -EBADMSG;
    if (reserved) e->cnt.reserved_bits_set++;

    /* 5.2.3.2.2: outside the window, or every byte already received: discard */
    struct rlc_rx_sdu *s = NULL;
    bool discard = rlc_am_rx_rel(e, x) >= e->window || done(e, x);
    if (!discard) {
        s = rlc_rx_buf_find(&e->rx, x);
        if (s && rlc_rx_sdu_check(&e->rx, s, h.so, data, dlen, last)) return -EBADMSG;
        if (!s) s = slot_for(e, x);
        if (!s) {
            e->cnt.pdus_dropped_no_buffer++;
            if (h.poll) e->status_triggered = true;
            return 0;
        }
        /* a wholly duplicate segment that still tells where the SDU ends may complete it */
        discard = rlc_rx_sdu_add(s, h.so, data, dlen, last) == RLC_RX_ADD_DUPLICATE && !s->complete;
    }
    if (discard) {
        e->cnt.pdus_discarded++;
        if (h.poll) e->status_triggered = true; /* 5.3.4: a poll in a discarded PDU triggers at once */
        return 0;
    }

    /* 5.2.3.2.3 */
    if (rlc_am_rx_rel(e, x) >= rlc_am_rx_rel(e, e->rx_next_highest)) e->rx_next_highest = (x + 1) & e->sn_mask;
    if (s->complete) sdu_complete(e, s, x);
    reassembly_timer(e, now_ms);
    if (h.poll) poll_received(e, x);
    check_delayed_polls(e);
    return 0;
}

/* 5.2.3.2.4 */
void rlc_am_reassembly_expired(struct rlc_am *e, int64_t now_ms)
{
    e->rx_highest_status = first_missing(e, e->rx_next_status_trigger);
    uint32_t hi = rlc_am_rx_rel(e, e->rx_next_highest), hs = rlc_am_rx_rel(e, e->rx_highest_status);
    if (hi > hs + 1 || (hi == hs + 1 && gap_in(e, e->rx_highest_status))) {
        rlc_timer_start(&e->t_reassembly, now_ms, e->cfg.t_reassembly_ms);
        e->rx_next_status_trigger = e->rx_next_highest;
    }
    e->status_triggered = true; /* 5.3.4: reception failure detected */
    check_delayed_polls(e);
}

/* NACK entries for SDU sn, all or none (returns false when they do not all fit). */
static bool write_sdu_nacks(struct rlc_am *e, struct rlc_status_writer *w, uint32_t sn)
{
    struct rlc_status_writer saved = *w;
    uint8_t saved_byte = w->buf[w->last_e1];
    struct rlc_rx_sdu *s = rlc_rx_buf_find(&e->rx, sn);
    uint32_t from = 0, a, b;
    while (rlc_rx_sdu_next_gap(s, from, &a, &b)) {
        struct rlc_status_nack n = {.sn = sn, .has_so = true, .so_start = (uint16_t)a, .so_end = (uint16_t)b};
        if (rlc_status_write_nack(w, &n)) {
            *w = saved;
            w->buf[w->last_e1] = saved_byte;
            return false;
        }
        if (b == RLC_SO_END_LAST) break;
        from = b + 1;
    }
    return true;
}

/* 5.3.4: STATUS PDU for RX_Next <= SN < RX_Highest_Status, cut to max_bytes. Returns its length (0: no room). */
int rlc_am_build_status(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms)
{
    struct rlc_status_writer w;
    if (rlc_status_write_begin(&w, buf, max_bytes, e->cfg.sn_bits)) return 0;
    uint32_t sn = e->rx_next, ack = e->rx_highest_status;
    while (sn != e->rx_highest_status) {
        if (done(e, sn)) {
            sn = (sn + 1) & e->sn_mask;
            continue;
        }
        if (rlc_rx_buf_find(&e->rx, sn)) {
            if (!write_sdu_nacks(e, &w, sn)) {
                ack = sn;
                break;
            }
            sn = (sn + 1) & e->sn_mask;
            continue;
        }
        /* a run of SDUs with no byte received: one NACK_SN, with NACK_range when longer than one */
        uint32_t run = 1, t = (sn + 1) & e->sn_mask;
        while (run < 255 && t != e->rx_highest_status && !done(e, t) && !rlc_rx_buf_find(&e->rx, t)) {
            run++;
            t = (t + 1) & e->sn_mask;
        }
        struct rlc_status_nack n = {.sn = sn, .range = (uint8_t)(run > 1 ? run : 0)};
        if (rlc_status_write_nack(&w, &n)) {
            ack = sn;
            break;
        }
        sn = t;
    }
    size_t len = rlc_status_write_end(&w, ack);
    e->status_triggered = false;
    rlc_timer_start(&e->t_status_prohibit, now_ms, e->cfg.t_status_prohibit_ms);
    e->cnt.status_tx++;
    return (int)len;
}

size_t rlc_am_status_estimate(const struct rlc_am *e)
{
    size_t n = 3, per = e->cfg.sn_bits == 18 ? 8 : 7;
    for (uint32_t sn = e->rx_next; sn != e->rx_highest_status; sn = (sn + 1) & e->sn_mask)
        if (!done(e, sn)) n += per;
    return n;
}
