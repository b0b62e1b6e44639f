/* RLC AM transmit side: new AMD PDUs and segments (38.322 5.2.3.1), retransmission (5.3.2), polling (5.3.3),
 * STATUS PDU reception. SDUs are named by 32-bit sequence numbers (rlc_am.h); q.head is TX_Next_Ack. */
#include <errno.h>
#include <string.h>

#include "rlc/rlc_am_int.h"
#include "rlc/rlc_pdu.h"

/* One past the highest sequence number submitted to the lower layer (an SDU partly sent counts). */
static uint32_t sent_end(const struct rlc_am *e)
{
    return e->tx_next + (e->tx_next_so > 0);
}

/* Bytes of SDU seq that have been submitted at least once. */
static uint32_t sent_bytes(const struct rlc_am *e, uint32_t seq)
{
    return seq == e->tx_next ? e->tx_next_so : rlc_sdu_queue_len(&e->q, seq);
}

static bool retx_entry_live(const struct rlc_am *e, uint32_t seq)
{
    const struct rlc_am_tx_sdu *s = rlc_am_txs(e, seq);
    return rlc_sdu_queue_holds(&e->q, seq) && s->in_retx && !s->acked;
}

/* Queue seq for retransmission; the queue holds at most one live entry per held SDU, so dropping stale entries
 * (acknowledged or released SDUs) always makes room. */
static void retxq_push(struct rlc_am *e, uint32_t seq)
{
    uint32_t cap = e->q.cap;
    if (e->retxq_count == cap) {
        uint32_t kept = 0;
        for (uint32_t i = 0; i < e->retxq_count; i++) {
            uint32_t s = e->retxq[(e->retxq_head + i) % cap];
            if (retx_entry_live(e, s)) e->retxq[(e->retxq_head + kept++) % cap] = s;
        }
        e->retxq_count = kept;
    }
    e->retxq[(e->retxq_head + e->retxq_count) % cap] = seq;
    e->retxq_count++;
}

static void retxq_pop(struct rlc_am *e)
{
    e->retxq_head = (e->retxq_head + 1) % e->q.cap;
    e->retxq_count--;
}

/* 38.322 5.3.2: consider bytes [a, b) of SDU seq for retransmission during event e->retx_event. */
static void consider_retx(struct rlc_am *e, uint32_t seq, uint32_t a, uint32_t b)
{
    struct rlc_am_tx_sdu *s = rlc_am_txs(e, seq);
    if (s->acked || a >= b) return;
    if (s->retx_count < 0) {
        s->retx_count = 0;
        s->retx_event = e->retx_event;
    } else if (!s->in_retx && s->retx_event != e->retx_event) {
        s->retx_count++;
        s->retx_event = e->retx_event;
        if (s->retx_count >= e->cfg.max_retx_threshold) e->max_retx_reached = true;
    }
    if (!s->in_retx) {
        s->in_retx = true;
        s->retx_start = a;
        s->retx_end = b;
        retxq_push(e, seq);
    } else {
        if (a < s->retx_start) s->retx_start = a;
        if (b > s->retx_end) s->retx_end = b;
    }
}

/* Whether nothing is left to send after this PDU (5.3.3.2): both buffers empty, or the window stalls. */
static bool nothing_more_to_send(const struct rlc_am *e)
{
    bool no_new = e->tx_next == e->q.tail;
    bool stalled = !no_new && e->tx_next - e->q.head >= e->window;
    bool no_retx = true;
    for (uint32_t i = 0; i < e->retxq_count && no_retx; i++)
        no_retx = !retx_entry_live(e, e->retxq[(e->retxq_head + i) % e->q.cap]);
    return (no_new && no_retx) || stalled;
}

/* 38.322 5.3.3.2: decide and set the poll bit of the AMD PDU just built in buf; data_len new bytes if is_new. */
static void finish_data_pdu(struct rlc_am *e, uint8_t *buf, bool is_new, size_t data_len, int64_t now_ms)
{
    bool poll = e->poll_forced;
    if (is_new) {
        e->pdu_without_poll++;
        e->byte_without_poll += data_len;
        if (e->cfg.poll_pdu != RLC_AM_INFINITY && e->pdu_without_poll >= (uint32_t)e->cfg.poll_pdu) poll = true;
        if (e->cfg.poll_byte != RLC_AM_INFINITY && e->byte_without_poll >= (uint64_t)e->cfg.poll_byte)
            poll = true;
    }
    if (nothing_more_to_send(e)) poll = true;
    if (!poll) return;
    buf[0] |= 0x40;
    e->pdu_without_poll = 0;
    e->byte_without_poll = 0;
    e->poll_forced = false;
    e->poll_sn = sent_end(e) - 1;
    rlc_timer_start(&e->t_poll_retransmit, now_ms, e->cfg.t_poll_retransmit_ms);
    e->cnt.polls_tx++;
}

/* Write the AMD PDU carrying bytes [so, so + n) of SDU seq; returns its length. */
static int write_amd(struct rlc_am *e, uint8_t *buf, uint32_t seq, uint32_t so, uint32_t n)
{
    struct rlc_data_hdr h = {
        .si = rlc_si_of(so, n, rlc_sdu_queue_len(&e->q, seq)),
        .sn = rlc_am_sn(e, seq),
        .so = (uint16_t)so,
    };
    int hl = rlc_amd_hdr_write(buf, rlc_amd_hdr_len(e->cfg.sn_bits, h.si), e->cfg.sn_bits, &h);
    rlc_sdu_queue_copy(&e->q, seq, so, buf + hl, n);
    return hl + (int)n;
}

/* Payload room for a segment starting at `so` in a grant of max_bytes (0: not even one byte fits). */
static uint32_t room(const struct rlc_am *e, uint32_t so, size_t max_bytes)
{
    size_t hl = rlc_amd_hdr_len(e->cfg.sn_bits, so ? RLC_SI_MIDDLE : RLC_SI_FIRST);
    return max_bytes > hl ? (uint32_t)(max_bytes - hl > UINT32_MAX ? UINT32_MAX : max_bytes - hl) : 0;
}

int rlc_am_tx_retx(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms)
{
    while (e->retxq_count) {
        uint32_t seq = e->retxq[e->retxq_head];
        if (!retx_entry_live(e, seq)) {
            retxq_pop(e);
            continue;
        }
        struct rlc_am_tx_sdu *s = rlc_am_txs(e, seq);
        uint32_t fit = room(e, s->retx_start, max_bytes);
        if (fit == 0) return 0;
        uint32_t n = s->retx_end - s->retx_start;
        if (n > fit) n = fit;
        int len = write_amd(e, buf, seq, s->retx_start, n);
        s->retx_start += n;
        if (s->retx_start >= s->retx_end) {
            s->in_retx = false;
            retxq_pop(e);
        }
        e->cnt.retx_pdus++;
        finish_data_pdu(e, buf, false, n, now_ms);
        return len;
    }
    return 0;
}

int rlc_am_tx_new(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms)
{
    if (e->tx_next == e->q.tail || e->tx_next - e->q.head >= e->window) return 0;
    uint32_t seq = e->tx_next, so = e->tx_next_so;
    uint32_t fit = room(e, so, max_bytes);
    if (fit == 0) return 0;
    uint32_t n = rlc_sdu_queue_len(&e->q, seq) - so;
    if (n > fit) n = fit;
    int len = write_amd(e, buf, seq, so, n);
    e->tx_next_so += n;
    if (e->tx_next_so == rlc_sdu_queue_len(&e->q, seq)) {
        e->tx_next++;
        e->tx_next_so = 0;
    }
    finish_data_pdu(e, buf, true, n, now_ms);
    return len;
}

/* 5.3.3.4: t-PollRetransmit expired. */
void rlc_am_poll_retransmit_expired(struct rlc_am *e)
{
    e->retx_event++;
    if (nothing_more_to_send(e) && sent_end(e) != e->q.head) {
        uint32_t seq = sent_end(e) - 1; /* the SDU with SN = TX_Next - 1, or else any unacknowledged one */
        if (rlc_am_txs(e, seq)->acked)
            for (seq = e->q.head; rlc_am_txs(e, seq)->acked && seq != sent_end(e) - 1; seq++) {}
        consider_retx(e, seq, 0, sent_bytes(e, seq));
    }
    e->poll_forced = true;
}

/* The sequence number of a STATUS SN in the transmit window [TX_Next_Ack, TX_Next_Ack + 2^sn_bits). */
static uint32_t seq_of(const struct rlc_am *e, uint32_t sn)
{
    return e->q.head + ((sn - e->q.head) & e->sn_mask);
}

/* Offset of seq from TX_Next_Ack; negative for an SN already acknowledged and released. */
static int64_t off(const struct rlc_am *e, uint32_t seq)
{
    return (int32_t)(seq - e->q.head);
}

/* Byte range [*a, *b) of SDU seq a NACK entry names (nack covers seq first .. last). */
static void nack_bytes(const struct rlc_am *e, const struct rlc_status_nack *n, uint32_t seq, uint32_t first,
                       uint32_t last, uint32_t *a, uint32_t *b)
{
    uint32_t len = rlc_sdu_queue_len(&e->q, seq);
    *a = n->has_so && seq == first ? n->so_start : 0;
    *b = n->has_so && seq == last && n->so_end != RLC_SO_END_LAST ? (uint32_t)n->so_end + 1 : len;
}

/* Where a STATUS PDU's NACK list has got to while it is checked. */
struct nack_check {
    uint32_t ack_sn, ack_seq;
    bool any;
    uint32_t prev_last;        /* seq of the previous entry's last SN */
    int32_t prev_so_end;       /* its SOend, -1 when it ran to the SDU's end or had no SO */
    bool partial_nacked;       /* the SDU being segmented (TX_Next, partly sent) is NACKed */
};

/* The seq of NACK entry n's first SN: a NACK_SN lies below ACK_SN, at most a window below (6.2.3.9). */
static int nack_first(const struct rlc_am *e, const struct nack_check *c, const struct rlc_status_nack *n,
                      uint32_t *first)
{
    uint32_t d = (c->ack_sn - n->sn) & e->sn_mask, cnt = n->range ? n->range : 1;
    if (d == 0 || d > e->window || cnt > d) return -EBADMSG;
    *first = c->ack_seq - d;
    return 0;
}

/* Check one NACK entry: below ACK_SN, after the previous one, SO inside the SDU. NACKs for SNs already
 * acknowledged (a STATUS PDU overtaken by a later one) are well-formed; they are ignored when applied (5.3.2
 * considers only TX_Next_Ack <= SN). Returns 0 or -EBADMSG. */
static int check_nack(const struct rlc_am *e, const struct rlc_status_nack *n, struct nack_check *c)
{
    uint32_t first, cnt = n->range ? n->range : 1;
    if (nack_first(e, c, n, &first)) return -EBADMSG;
    uint32_t last = first + cnt - 1;
    bool same = c->any && first == c->prev_last;
    if (c->any && !same && (int32_t)(first - c->prev_last) <= 0) return -EBADMSG;
    if (same && (!n->has_so || c->prev_so_end < 0 || n->so_start <= c->prev_so_end)) return -EBADMSG;
    if (n->has_so) {
        if (cnt == 1 && n->so_end < n->so_start) return -EBADMSG;
        if (off(e, first) >= 0 && n->so_start >= rlc_sdu_queue_len(&e->q, first)) return -EBADMSG;
        if (off(e, last) >= 0 && n->so_end != RLC_SO_END_LAST && n->so_end >= rlc_sdu_queue_len(&e->q, last))
            return -EBADMSG;
    }
    c->any = true;
    c->prev_last = last;
    c->prev_so_end = n->has_so && n->so_end != RLC_SO_END_LAST ? n->so_end : -1;
    if (e->tx_next_so > 0 && off(e, last) >= off(e, e->tx_next)) c->partial_nacked = true;
    return 0;
}

static void mark_acked(struct rlc_am *e, uint32_t from, uint32_t to)
{
    for (uint32_t seq = from; off(e, seq) < off(e, to); seq++) {
        struct rlc_am_tx_sdu *s = rlc_am_txs(e, seq);
        s->acked = true;
        s->in_retx = false;
    }
}

/* STATUS PDU reception (5.2.3.1.1, 5.3.2, 5.3.3.3). Checked completely before anything changes. */
int rlc_am_rx_status(struct rlc_am *e, const uint8_t *pdu, size_t len)
{
    struct rlc_status_reader r;
    struct rlc_status_nack n;
    struct nack_check c = {0};
    if (rlc_status_read_begin(&r, pdu, len, e->cfg.sn_bits, &c.ack_sn)) return -EBADMSG;
    uint32_t head = e->q.head;
    c.ack_seq = seq_of(e, c.ack_sn);
    /* ACK_SN beyond what was sent: a STATUS for another time (overtaken, or a confused peer); not trusted */
    bool stale = off(e, c.ack_seq) > off(e, sent_end(e));
    int got;
    while ((got = rlc_status_read_next(&r, &n)) == 1)
        if (check_nack(e, &n, &c)) return -EBADMSG;
    if (got < 0) return -EBADMSG;
    if (r.reserved) e->cnt.reserved_bits_set++;
    if (stale) {
        e->cnt.status_ignored++;
        return 0;
    }
    /* an SDU only partly sent cannot have been received whole */
    if (e->tx_next_so > 0 && c.ack_seq == sent_end(e) && !c.partial_nacked) return -EBADMSG;

    e->retx_event++;
    e->cnt.status_rx++;
    rlc_status_read_begin(&r, pdu, len, e->cfg.sn_bits, &c.ack_sn);
    uint32_t next = head; /* SDUs from here to the next NACK are acknowledged */
    while (rlc_status_read_next(&r, &n) == 1) {
        uint32_t first = 0;
        nack_first(e, &c, &n, &first);
        uint32_t last = first + (n.range ? n.range : 1) - 1;
        mark_acked(e, next, first);
        for (uint32_t seq = first; off(e, seq) <= off(e, last); seq++) {
            if (off(e, seq) < 0) continue; /* already acknowledged: 5.3.2 ignores it */
            uint32_t a, b, sent = sent_bytes(e, seq);
            nack_bytes(e, &n, seq, first, last, &a, &b);
            consider_retx(e, seq, a, b < sent ? b : sent);
        }
        if (off(e, last + 1) > off(e, next)) next = last + 1;
    }
    mark_acked(e, next, c.ack_seq);

    /* 5.3.3.3: a STATUS covering POLL_SN (ACKed or NACKed: below ACK_SN) stops t-PollRetransmit */
    if (off(e, e->poll_sn) < off(e, c.ack_seq)) rlc_timer_stop(&e->t_poll_retransmit);
    /* TX_Next_Ack: the first SN not positively acknowledged */
    while (e->q.head != e->tx_next && rlc_am_txs(e, e->q.head)->acked) rlc_sdu_queue_pop(&e->q);
    return 0;
}
