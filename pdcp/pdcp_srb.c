/* PDCP for SRBs, 38.323 5.2 / 5.3 / 5.8 / 5.9 / 6.2.2.1. */
#include "pdcp/pdcp_srb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HDR PDCP_SRB_HDR_BYTES
#define MACI PDCP_MAC_I_BYTES
#define COUNT_LIMIT (1ull << 32)

void pdcp_srb_config_default(struct pdcp_srb_config *cfg, int srb_id)
{
    *cfg = (struct pdcp_srb_config){.srb_id = srb_id, .gnb = true, .discard_timer_ms = PDCP_TIMER_INFINITY,
                                    .t_reordering_ms = PDCP_TIMER_INFINITY, .rx_buffer_sdus = 16,
                                    .tx_timer_sdus = 64, .max_sdu = PDCP_MAX_SDU};
}

static bool timer_ok(int ms, int max) { return ms == PDCP_TIMER_INFINITY || (ms >= 0 && ms <= max); }

int pdcp_srb_init(struct pdcp_srb *e, const struct pdcp_srb_config *cfg)
{
    memset(e, 0, sizeof *e);
    if (cfg->srb_id < 1 || cfg->srb_id > 3 || !timer_ok(cfg->discard_timer_ms, 1500) ||
        !timer_ok(cfg->t_reordering_ms, 3000) || cfg->rx_buffer_sdus < 1 || cfg->rx_buffer_sdus > (int)PDCP_WINDOW ||
        cfg->tx_timer_sdus < 1 || cfg->tx_timer_sdus > (int)PDCP_WINDOW || cfg->max_sdu < 1 ||
        cfg->max_sdu > PDCP_MAX_SDU)
        return -EINVAL;
    e->cfg = *cfg;
    e->bearer = cfg->srb_id - 1;
    e->tx_dir = cfg->gnb ? PDCP_DIR_DL : PDCP_DIR_UL;
    e->rx_dir = cfg->gnb ? PDCP_DIR_UL : PDCP_DIR_DL;
    size_t n = (size_t)cfg->rx_buffer_sdus, sdu = (size_t)cfg->max_sdu;
    e->rx = calloc(n, sizeof *e->rx);
    e->rx_mem = malloc(n * sdu);
    e->scratch = malloc(HDR + sdu + MACI);
    e->tx_timers = calloc((size_t)cfg->tx_timer_sdus, sizeof *e->tx_timers);
    if (!e->rx || !e->rx_mem || !e->scratch || !e->tx_timers) {
        pdcp_srb_free(e);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) e->rx[i].data = e->rx_mem + i * sdu;
    return 0;
}

void pdcp_srb_free(struct pdcp_srb *e)
{
    free(e->rx);
    free(e->rx_mem);
    free(e->scratch);
    free(e->tx_timers);
    e->rx = NULL;
    e->rx_mem = e->scratch = NULL;
    e->tx_timers = NULL;
}

void pdcp_srb_set_security(struct pdcp_srb *e, const struct pdcp_security *sec)
{
    if (sec)
        e->sec = *sec;
    else
        memset(&e->sec, 0, sizeof e->sec);
}

void pdcp_srb_reestablish(struct pdcp_srb *e)
{
    for (int i = 0; i < e->cfg.rx_buffer_sdus; i++) e->rx[i].used = false;
    for (int i = 0; i < e->cfg.tx_timer_sdus; i++) e->tx_timers[i].running = false;
    e->tx_next = e->rx_next = e->rx_deliv = e->rx_reord = 0;
    e->t_reordering_running = false;
}

int pdcp_srb_pdu_sn(const uint8_t *pdu, size_t len)
{
    if (!pdu || len < HDR) return -EBADMSG;
    return (pdu[0] & 0x0f) << 8 | pdu[1];
}

/* ---- Transmit ------------------------------------------------------------------------------------------ */

int pdcp_srb_tx(struct pdcp_srb *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                size_t *out_len, uint32_t *count_out)
{
    if (!sdu || len == 0 || !out) return -EINVAL;
    if (len > (size_t)e->cfg.max_sdu) return -EMSGSIZE;
    if (cap < pdcp_srb_pdu_len(len)) return -ENOSPC;
    if (e->tx_next >= COUNT_LIMIT - 1) return -EOVERFLOW;
    uint32_t count = (uint32_t)e->tx_next;
    struct pdcp_tx_timer *t = NULL;
    if (e->cfg.discard_timer_ms != PDCP_TIMER_INFINITY) {
        t = &e->tx_timers[count % (uint32_t)e->cfg.tx_timer_sdus];
        if (t->running) return -ENOBUFS;
    }
    uint32_t sn = count % PDCP_SN_MOD;
    out[0] = (uint8_t)(sn >> 8);          /* R R R R = 0 */
    out[1] = (uint8_t)sn;
    memmove(out + HDR, sdu, len);
    uint8_t *mac_i = out + HDR + len;
    memset(mac_i, 0, MACI);
    if (e->sec.protect) {
        int err = e->sec.protect(e->sec.ctx, count, e->bearer, e->tx_dir, out, HDR + len, mac_i);
        if (err) return err;
    }
    if (e->sec.cipher) {
        int err = e->sec.cipher(e->sec.ctx, count, e->bearer, e->tx_dir, out + HDR, len + MACI);
        if (err) return err;
    }
    if (t) *t = (struct pdcp_tx_timer){.running = true, .count = count, .expiry = now_ms + e->cfg.discard_timer_ms};
    e->tx_next++;
    e->stats.tx_pdus++;
    *out_len = pdcp_srb_pdu_len(len);
    if (count_out) *count_out = count;
    return 0;
}

int pdcp_srb_tx_expire(struct pdcp_srb *e, int64_t now_ms, uint32_t *out, int max)
{
    if (e->cfg.discard_timer_ms == PDCP_TIMER_INFINITY) return 0;
    /* Timers start in COUNT order with one duration, so the due ones are the oldest COUNTs still running. */
    int n = 0, slots = e->cfg.tx_timer_sdus;
    uint64_t first = e->tx_next > (uint64_t)slots ? e->tx_next - (uint64_t)slots : 0;
    for (uint64_t c = first; c < e->tx_next && n < max; c++) {
        struct pdcp_tx_timer *t = &e->tx_timers[c % (uint64_t)slots];
        if (!t->running || t->count != (uint32_t)c) continue;
        if (now_ms < t->expiry) break;
        t->running = false;
        out[n++] = (uint32_t)c;
        e->stats.tx_discarded++;
    }
    return n;
}

void pdcp_srb_tx_delivered(struct pdcp_srb *e, uint32_t count)
{
    if (e->cfg.discard_timer_ms == PDCP_TIMER_INFINITY) return;
    struct pdcp_tx_timer *t = &e->tx_timers[count % (uint32_t)e->cfg.tx_timer_sdus];
    if (t->running && t->count == count) t->running = false;
}

/* ---- Receive ------------------------------------------------------------------------------------------- */

static struct pdcp_srb_slot *slot_of(struct pdcp_srb *e, uint64_t count)
{
    return &e->rx[count % (uint64_t)e->cfg.rx_buffer_sdus];
}

static bool stored(struct pdcp_srb *e, uint64_t count)
{
    const struct pdcp_srb_slot *s = slot_of(e, count);
    return s->used && s->count == (uint32_t)count;
}

static void deliver_slot(struct pdcp_srb *e, struct pdcp_srb_slot *s)
{
    s->used = false;
    e->stats.rx_delivered++;
    if (e->cfg.deliver) e->cfg.deliver(e->cfg.deliver_ctx, s->count, s->data, s->len);
}

/* Delivers the stored run of consecutive COUNTs from RX_DELIV and moves RX_DELIV past it. */
static void deliver_in_order(struct pdcp_srb *e)
{
    while (e->rx_deliv < e->rx_next && stored(e, e->rx_deliv)) {
        deliver_slot(e, slot_of(e, e->rx_deliv));
        e->rx_deliv++;
    }
}

static void start_reordering(struct pdcp_srb *e, int64_t now_ms)
{
    if (e->cfg.t_reordering_ms == PDCP_TIMER_INFINITY) return;   /* never expires: not started */
    e->rx_reord = e->rx_next;
    e->t_reordering_running = true;
    e->t_reordering_expiry = now_ms + e->cfg.t_reordering_ms;
}

/* RCVD_COUNT from the SN and RX_DELIV (5.2.2.1); -1 when the HFN would be negative (before COUNT 0). */
static int64_t rcvd_count(const struct pdcp_srb *e, uint32_t sn)
{
    int64_t hfn = (int64_t)(e->rx_deliv >> PDCP_SN_BITS);
    int64_t deliv_sn = (int64_t)(e->rx_deliv % PDCP_SN_MOD);
    if ((int64_t)sn < deliv_sn - (int64_t)PDCP_WINDOW)
        hfn++;
    else if ((int64_t)sn >= deliv_sn + (int64_t)PDCP_WINDOW)
        hfn--;
    if (hfn < 0 || hfn >= (1 << (32 - PDCP_SN_BITS))) return -1;
    return hfn << PDCP_SN_BITS | sn;
}

int pdcp_srb_rx(struct pdcp_srb *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    e->stats.rx_pdus++;
    if (!pdu || len < HDR + 1 + MACI || len - HDR - MACI > (size_t)e->cfg.max_sdu) {
        e->stats.rx_malformed++;
        return -EBADMSG;
    }
    size_t data_len = len - HDR - MACI;
    uint32_t sn = (uint32_t)pdcp_srb_pdu_sn(pdu, len);
    int64_t rc = rcvd_count(e, sn);
    if (rc < 0) {
        e->stats.rx_duplicate++;   /* a COUNT before 0 is below RX_DELIV */
        return -EALREADY;
    }
    uint64_t count = (uint64_t)rc;
    uint8_t *m = e->scratch;
    memcpy(m, pdu, len);
    if (e->sec.cipher && e->sec.cipher(e->sec.ctx, (uint32_t)count, e->bearer, e->rx_dir, m + HDR, data_len + MACI)) {
        e->stats.rx_integrity_failed++;
        return -EACCES;
    }
    if (e->sec.verify &&
        e->sec.verify(e->sec.ctx, (uint32_t)count, e->bearer, e->rx_dir, m, HDR + data_len, m + HDR + data_len)) {
        e->stats.rx_integrity_failed++;
        return -EACCES;
    }
    if (count < e->rx_deliv || stored(e, count)) {
        e->stats.rx_duplicate++;
        return -EALREADY;
    }
    if (count - e->rx_deliv >= (uint64_t)e->cfg.rx_buffer_sdus) {
        e->stats.rx_buffer_full++;
        return -ENOBUFS;
    }
    struct pdcp_srb_slot *s = slot_of(e, count);
    memcpy(s->data, m + HDR, data_len);
    s->len = (uint16_t)data_len;
    s->count = (uint32_t)count;
    s->used = true;
    if (count >= e->rx_next) e->rx_next = count + 1;
    if (count == e->rx_deliv) deliver_in_order(e);
    if (e->t_reordering_running && e->rx_deliv >= e->rx_reord) e->t_reordering_running = false;
    if (!e->t_reordering_running && e->rx_deliv < e->rx_next) start_reordering(e, now_ms);
    return 0;
}

void pdcp_srb_tick(struct pdcp_srb *e, int64_t now_ms)
{
    if (!e->t_reordering_running || now_ms < e->t_reordering_expiry) return;
    e->t_reordering_running = false;
    e->stats.t_reordering_expired++;
    /* stored SDUs below RX_REORD, ascending (gaps skipped), then the consecutive run from RX_REORD */
    for (uint64_t c = e->rx_deliv; c < e->rx_reord; c++)
        if (stored(e, c)) deliver_slot(e, slot_of(e, c));
    e->rx_deliv = e->rx_reord;
    deliver_in_order(e);
    if (e->rx_deliv < e->rx_next) start_reordering(e, now_ms);
}
