/* RLC UM entity: 38.322 5.2.2.1 (transmit), 5.2.2.2 (receive, t-Reassembly), 6.2.2.3 (UMD PDU). */
#include "rlc/rlc_um.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc_pdu.h"

int rlc_um_init(struct rlc_um *e, const struct rlc_um_config *cfg, rlc_deliver_fn deliver, void *ctx)
{
    memset(e, 0, sizeof *e);
    if (!deliver || (cfg->sn_bits != 6 && cfg->sn_bits != 12) || cfg->t_reassembly_ms < 0 ||
        cfg->t_reassembly_ms > 200 || cfg->rx_slots == 0 || cfg->max_sdu_bytes == 0 ||
        cfg->max_sdu_bytes > RLC_MAX_SDU_BYTES)
        return -EINVAL;
    e->cfg = *cfg;
    e->sn_mask = (1u << cfg->sn_bits) - 1;
    e->window = 1u << (cfg->sn_bits - 1);
    e->deliver = deliver;
    e->ctx = ctx;
    int err = rlc_sdu_queue_init(&e->q, cfg->tx_sdus, cfg->tx_bytes);
    if (!err) err = rlc_rx_buf_init(&e->rx, cfg->rx_slots, cfg->max_sdu_bytes);
    if (!err && !(e->rx_done = calloc(((size_t)e->sn_mask + 64) / 64, sizeof *e->rx_done))) err = -ENOMEM;
    if (err) rlc_um_free(e);
    return err;
}

void rlc_um_free(struct rlc_um *e)
{
    rlc_sdu_queue_free(&e->q);
    rlc_rx_buf_free(&e->rx);
    free(e->rx_done);
    e->rx_done = NULL;
}

void rlc_um_reset(struct rlc_um *e)
{
    rlc_sdu_queue_clear(&e->q, 0);
    rlc_rx_buf_clear(&e->rx);
    memset(e->rx_done, 0, ((size_t)e->sn_mask + 64) / 64 * sizeof *e->rx_done);
    e->tx_next = e->tx_so = 0;
    e->rx_next_reassembly = e->rx_timer_trigger = e->rx_next_highest = 0;
    rlc_timer_stop(&e->t_reassembly);
}

int rlc_um_write_sdu(struct rlc_um *e, const uint8_t *sdu, size_t len)
{
    int64_t seq = rlc_sdu_queue_write(&e->q, sdu, len, e->cfg.max_sdu_bytes, &e->cnt);
    return seq < 0 ? (int)seq : 0;
}

int rlc_um_pull_pdu(struct rlc_um *e, uint8_t *buf, size_t max_bytes)
{
    if (rlc_sdu_queue_count(&e->q) == 0) return 0;
    uint32_t seq = e->q.head, len = rlc_sdu_queue_len(&e->q, seq), so = e->tx_so, n = len - so;
    struct rlc_data_hdr h = {.si = RLC_SI_FULL, .sn = e->tx_next, .so = (uint16_t)so};
    if (so > 0 || max_bytes <= len) { /* segment (6.2.2.3: a complete SDU has a 1-byte header) */
        size_t hl = rlc_umd_hdr_len(e->cfg.sn_bits, so ? RLC_SI_MIDDLE : RLC_SI_FIRST);
        if (max_bytes <= hl) return 0;
        if (n > max_bytes - hl) n = (uint32_t)(max_bytes - hl);
        h.si = rlc_si_of(so, n, len);
    }
    int hl = rlc_umd_hdr_write(buf, max_bytes, e->cfg.sn_bits, &h);
    rlc_sdu_queue_copy(&e->q, seq, so, buf + hl, n);
    e->tx_so += n;
    if (e->tx_so == len) {
        rlc_sdu_queue_pop(&e->q);
        e->tx_so = 0;
        if (h.si != RLC_SI_FULL) e->tx_next = (e->tx_next + 1) & e->sn_mask;
    }
    e->cnt.pdus_tx++;
    e->cnt.bytes_tx += (uint64_t)hl + n;
    return hl + (int)n;
}

/* SN relative to the window's lower edge RX_Next_Highest - UM_Window_Size (the modulus base, 5.2.2.2.1). */
static uint32_t rel(const struct rlc_um *e, uint32_t sn)
{
    return (sn - e->rx_next_highest + e->window) & e->sn_mask;
}

static bool gap_in(struct rlc_um *e, uint32_t sn)
{
    struct rlc_rx_sdu *s = rlc_rx_buf_find(&e->rx, sn);
    return s && rlc_rx_sdu_gap_before_high(s);
}

/* Move RX_Next_Reassembly to the first SN at or after `from` not yet delivered, clearing the marks it passes. */
static void advance_rnr(struct rlc_um *e, uint32_t from)
{
    uint32_t sn = e->rx_next_reassembly;
    if (rel(e, from) > rel(e, sn))
        for (; sn != from; sn = (sn + 1) & e->sn_mask) rlc_sn_bit_set(e->rx_done, sn, false);
    for (uint32_t i = 0; i < e->window && sn != e->rx_next_highest && rlc_sn_bit(e->rx_done, sn); i++) {
        rlc_sn_bit_set(e->rx_done, sn, false);
        sn = (sn + 1) & e->sn_mask;
    }
    e->rx_next_reassembly = sn;
}

/* Discard the segments of every SN below RX_Next_Reassembly or outside the window. */
static void discard_below(struct rlc_um *e)
{
    uint32_t lo = rel(e, e->rx_next_reassembly);
    for (uint32_t i = 0; i < e->rx.nslots; i++) {
        struct rlc_rx_sdu *s = &e->rx.slot[i];
        if (s->used && (rel(e, s->sn) < lo || rel(e, s->sn) >= e->window)) {
            rlc_rx_buf_release(&e->rx, s);
            e->cnt.sdus_lost++;
        }
    }
}

static void maybe_start_reassembly(struct rlc_um *e, int64_t now_ms)
{
    uint32_t r = rel(e, e->rx_next_reassembly);
    if (e->window > r + 1 || (e->window == r + 1 && gap_in(e, e->rx_next_reassembly))) {
        rlc_timer_start(&e->t_reassembly, now_ms, e->cfg.t_reassembly_ms);
        e->rx_timer_trigger = e->rx_next_highest;
    }
}

/* 5.2.2.2.4 */
static void reassembly_expired(struct rlc_um *e, int64_t now_ms)
{
    advance_rnr(e, e->rx_timer_trigger);
    discard_below(e);
    maybe_start_reassembly(e, now_ms);
}

void rlc_um_tick(struct rlc_um *e, int64_t now_ms)
{
    if (rlc_timer_expired(&e->t_reassembly, now_ms)) reassembly_expired(e, now_ms);
}

/* 5.2.2.2.2 / 5.2.2.2.3 for a segment of SN x. Returns 0 or -EBADMSG. */
static int rx_segment(struct rlc_um *e, const struct rlc_data_hdr *h, const uint8_t *data, uint32_t dlen,
                      int64_t now_ms)
{
    uint32_t x = h->sn;
    bool last = h->si == RLC_SI_LAST;
    if (rel(e, x) < rel(e, e->rx_next_reassembly) || (rel(e, x) < e->window && rlc_sn_bit(e->rx_done, x))) {
        e->cnt.pdus_discarded++;
        return 0;
    }
    struct rlc_rx_sdu *s = rlc_rx_buf_find(&e->rx, x);
    if (s && rlc_rx_sdu_check(&e->rx, s, h->so, data, dlen, last)) return -EBADMSG;
    if (!s && !(s = rlc_rx_buf_alloc(&e->rx, x))) {
        e->cnt.pdus_dropped_no_buffer++;
        return 0;
    }
    if (rlc_rx_sdu_add(s, h->so, data, dlen, last) == RLC_RX_ADD_DUPLICATE && !s->complete)
        e->cnt.pdus_discarded++;
    if (s->complete) {
        e->cnt.sdus_delivered++;
        e->deliver(e->ctx, s->data, s->len);
        rlc_rx_buf_release(&e->rx, s);
        if (rel(e, x) < e->window) rlc_sn_bit_set(e->rx_done, x, true);
        if (x == e->rx_next_reassembly) advance_rnr(e, (x + 1) & e->sn_mask);
    } else if (rel(e, x) >= e->window) {
        /* the window moves up to x; marks of SNs that leave it go with them */
        uint32_t base = (e->rx_next_highest - e->window) & e->sn_mask, new_base = (x + 1 - e->window) & e->sn_mask;
        for (; base != new_base; base = (base + 1) & e->sn_mask) rlc_sn_bit_set(e->rx_done, base, false);
        e->rx_next_highest = (x + 1) & e->sn_mask;
        if (rel(e, e->rx_next_reassembly) >= e->window) {
            e->rx_next_reassembly = (e->rx_next_highest - e->window) & e->sn_mask;
            advance_rnr(e, e->rx_next_reassembly);
        }
        discard_below(e);
    }
    if (e->t_reassembly.running) {
        uint32_t trig = e->rx_timer_trigger, r = rel(e, e->rx_next_reassembly);
        bool next_only = e->window == r + 1 && !gap_in(e, e->rx_next_reassembly);
        if (rel(e, trig) <= r || (rel(e, trig) > e->window) || next_only) rlc_timer_stop(&e->t_reassembly);
    }
    if (!e->t_reassembly.running) maybe_start_reassembly(e, now_ms);
    return 0;
}

int rlc_um_push_pdu(struct rlc_um *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    rlc_um_tick(e, now_ms);
    e->cnt.pdus_rx++;
    e->cnt.bytes_rx += len;
    struct rlc_data_hdr h;
    bool reserved;
    int hl = rlc_umd_hdr_read(pdu, len, e->cfg.sn_bits, &h, &reserved);
    uint32_t dlen = hl < 0 ? 0 : (uint32_t)(len - (size_t)hl);
    int err = hl < 0 || (uint64_t)h.so + dlen > e->cfg.max_sdu_bytes ? -EBADMSG : 0;
    if (!err && reserved) e->cnt.reserved_bits_set++;
    if (!err && h.si == RLC_SI_FULL) {
        e->cnt.sdus_delivered++;
        e->deliver(e->ctx, pdu + hl, dlen);
    } else if (!err) {
        err = rx_segment(e, &h, pdu + hl, dlen, now_ms);
    }
    if (err) e->cnt.malformed_dropped++;
    rlc_um_tick(e, now_ms);
    return err;
}

size_t rlc_um_tx_pending(const struct rlc_um *e)
{
    size_t hdr = e->cfg.sn_bits == 12 ? 4 : 3;
    return e->q.used_bytes - e->tx_so + hdr * rlc_sdu_queue_count(&e->q);
}
