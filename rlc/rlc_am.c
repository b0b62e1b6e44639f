/* RLC AM entity: configuration, life cycle, timers and the pull/push entry points (38.322 5.2.3, 5.3). The
 * transmit half is in rlc_am_tx.c, the receive half in rlc_am_rx.c. */
#include "rlc/rlc_am.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc_am_int.h"
#include "rlc/rlc_pdu.h"

const struct rlc_am_config rlc_am_config_srb_default = {
    .sn_bits = 12,
    .t_poll_retransmit_ms = 45,
    .poll_pdu = RLC_AM_INFINITY,
    .poll_byte = RLC_AM_INFINITY,
    .max_retx_threshold = 8,
    .t_reassembly_ms = 35,
    .t_status_prohibit_ms = 0,
    .tx_sdus = 32,
    .tx_bytes = 65536,
    .rx_slots = 8,
    .max_sdu_bytes = 9000 + 3 + 4, /* PDCP SDU limit (38.323 4.3.1) + largest SRB/DRB header + MAC-I */
    .in_order_delivery = false,
};

int rlc_am_config_check(const struct rlc_am_config *c)
{
    static const int retx[] = {1, 2, 3, 4, 6, 8, 16, 32};
    bool retx_ok = false;
    for (size_t i = 0; i < sizeof retx / sizeof retx[0]; i++) retx_ok |= c->max_retx_threshold == retx[i];
    if ((c->sn_bits != 12 && c->sn_bits != 18) || !retx_ok) return -EINVAL;
    if (c->t_poll_retransmit_ms < 5 || c->t_poll_retransmit_ms > 4000) return -EINVAL;
    if (c->t_reassembly_ms < 0 || c->t_reassembly_ms > 200) return -EINVAL;
    if (c->t_status_prohibit_ms < 0 || c->t_status_prohibit_ms > 2400) return -EINVAL;
    if (c->poll_pdu != RLC_AM_INFINITY && c->poll_pdu < 1) return -EINVAL;
    if (c->poll_byte != RLC_AM_INFINITY && c->poll_byte < 1) return -EINVAL;
    if (c->tx_sdus == 0 || c->tx_bytes == 0 || c->rx_slots == 0) return -EINVAL;
    if (c->in_order_delivery && c->rx_slots < 2) return -EINVAL;
    if (c->max_sdu_bytes == 0 || c->max_sdu_bytes > RLC_MAX_SDU_BYTES) return -EINVAL;
    return 0;
}

int rlc_am_init(struct rlc_am *e, const struct rlc_am_config *cfg, rlc_deliver_fn deliver, void *ctx)
{
    memset(e, 0, sizeof *e);
    if (!deliver || rlc_am_config_check(cfg)) return -EINVAL;
    e->cfg = *cfg;
    e->sn_mask = (1u << cfg->sn_bits) - 1;
    e->window = 1u << (cfg->sn_bits - 1);
    e->sn_bits_alloc = cfg->sn_bits;
    e->deliver = deliver;
    e->ctx = ctx;
    int err = rlc_sdu_queue_init(&e->q, cfg->tx_sdus, cfg->tx_bytes);
    if (!err) err = rlc_rx_buf_init(&e->rx, cfg->rx_slots, cfg->max_sdu_bytes);
    if (!err) {
        e->txs = calloc(cfg->tx_sdus, sizeof *e->txs);
        e->retxq = calloc(cfg->tx_sdus, sizeof *e->retxq);
        e->rx_done = calloc(((size_t)e->sn_mask + 1) / 64, sizeof *e->rx_done);
        if (!e->txs || !e->retxq || !e->rx_done) err = -ENOMEM;
    }
    if (err) {
        rlc_am_free(e);
        return err;
    }
    return 0;
}

void rlc_am_free(struct rlc_am *e)
{
    rlc_sdu_queue_free(&e->q);
    rlc_rx_buf_free(&e->rx);
    free(e->txs);
    free(e->retxq);
    free(e->rx_done);
    e->txs = NULL;
    e->retxq = NULL;
    e->rx_done = NULL;
}

int rlc_am_reconfigure(struct rlc_am *e, const struct rlc_am_config *cfg)
{
    if (rlc_am_config_check(cfg) || cfg->sn_bits > e->sn_bits_alloc || cfg->tx_sdus != e->cfg.tx_sdus ||
        cfg->tx_bytes != e->cfg.tx_bytes || cfg->rx_slots != e->cfg.rx_slots ||
        cfg->max_sdu_bytes != e->cfg.max_sdu_bytes)
        return -EINVAL;
    rlc_am_reset(e); /* clears rx_done for the old SN size, which is the larger of the two when it shrinks */
    if (cfg->sn_bits > e->cfg.sn_bits) memset(e->rx_done, 0, ((size_t)1 << cfg->sn_bits) / 8);
    e->cfg = *cfg;
    e->sn_mask = (1u << cfg->sn_bits) - 1;
    e->window = 1u << (cfg->sn_bits - 1);
    return 0;
}

void rlc_am_reset(struct rlc_am *e)
{
    rlc_sdu_queue_clear(&e->q, 0);
    rlc_rx_buf_clear(&e->rx);
    memset(e->rx_done, 0, ((size_t)e->sn_mask + 1) / 8);
    e->tx_next = e->tx_next_so = 0;
    e->retxq_head = e->retxq_count = 0;
    e->pdu_without_poll = 0;
    e->byte_without_poll = 0;
    e->poll_sn = 0;
    e->poll_forced = false;
    e->rx_next = e->rx_next_status_trigger = e->rx_next_highest = e->rx_highest_status = 0;
    e->status_triggered = e->poll_delayed = false;
    e->max_retx_reached = false;
    rlc_timer_stop(&e->t_poll_retransmit);
    rlc_timer_stop(&e->t_reassembly);
    rlc_timer_stop(&e->t_status_prohibit);
}

int rlc_am_write_sdu(struct rlc_am *e, const uint8_t *sdu, size_t len)
{
    int64_t seq = rlc_sdu_queue_write(&e->q, sdu, len, e->cfg.max_sdu_bytes, &e->cnt);
    if (seq < 0) return (int)seq;
    struct rlc_am_tx_sdu *s = rlc_am_txs(e, (uint32_t)seq);
    memset(s, 0, sizeof *s);
    s->retx_count = -1;
    return 0;
}

void rlc_am_tick(struct rlc_am *e, int64_t now_ms)
{
    if (rlc_timer_expired(&e->t_status_prohibit, now_ms)) { /* a triggered STATUS may now go out */ }
    if (rlc_timer_expired(&e->t_reassembly, now_ms)) rlc_am_reassembly_expired(e, now_ms);
    if (rlc_timer_expired(&e->t_poll_retransmit, now_ms)) rlc_am_poll_retransmit_expired(e);
}

bool rlc_am_status_pending(const struct rlc_am *e, int64_t now_ms)
{
    return e->status_triggered && !rlc_timer_running(&e->t_status_prohibit, now_ms);
}

int rlc_am_pull_pdu(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms)
{
    rlc_am_tick(e, now_ms);
    int n = 0;
    if (rlc_am_status_pending(e, now_ms)) n = rlc_am_build_status(e, buf, max_bytes, now_ms);
    if (n == 0) n = rlc_am_tx_retx(e, buf, max_bytes, now_ms);
    if (n == 0 && e->retxq_count == 0) n = rlc_am_tx_new(e, buf, max_bytes, now_ms);
    if (n > 0) {
        e->cnt.pdus_tx++;
        e->cnt.bytes_tx += (uint64_t)n;
    }
    return n;
}

int rlc_am_push_pdu(struct rlc_am *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    rlc_am_tick(e, now_ms);
    e->cnt.pdus_rx++;
    e->cnt.bytes_rx += len;
    int err;
    if (len == 0)
        err = -EBADMSG;
    else if (rlc_am_is_data(pdu, len))
        err = rlc_am_rx_data(e, pdu, len, now_ms);
    else
        err = rlc_am_rx_status(e, pdu, len);
    if (err == -EBADMSG) e->cnt.malformed_dropped++;
    rlc_am_tick(e, now_ms); /* a 0 ms t-Reassembly started just now expires now */
    return err;
}

size_t rlc_am_tx_pending(const struct rlc_am *e)
{
    size_t n = e->status_triggered ? rlc_am_status_estimate(e) : 0;
    size_t hdr = e->cfg.sn_bits == 18 ? 5 : 4; /* header with SO */
    for (uint32_t i = 0; i < e->retxq_count; i++) {
        uint32_t seq = e->retxq[(e->retxq_head + i) % e->q.cap];
        const struct rlc_am_tx_sdu *s = rlc_am_txs(e, seq);
        if (rlc_sdu_queue_holds(&e->q, seq) && s->in_retx && !s->acked) n += hdr + s->retx_end - s->retx_start;
    }
    for (uint32_t seq = e->tx_next; seq != e->q.tail; seq++)
        n += hdr + rlc_sdu_queue_len(&e->q, seq) - (seq == e->tx_next ? e->tx_next_so : 0);
    return n;
}
