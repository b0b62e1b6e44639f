/* PDCP entity core, 38.323 5.2 / 5.3 / 5.8 / 5.9 / 6.2.2 (see pdcp/pdcp_core.h). */
#include "pdcp/pdcp_core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pdcp/pdcp_sec.h"

#define MACI PDCP_MAC_I_BYTES
#define COUNT_LIMIT (1ull << 32)

static bool timer_ok(int ms, int max) { return ms == PDCP_TIMER_INFINITY || (ms >= 0 && ms <= max); }

static void notify(struct pdcp_core *e, enum pdcp_event ev, uint32_t count)
{
    if (e->p.notify) e->p.notify(e->p.notify_ctx, ev, count);
}

static int params_check(const struct pdcp_core_params *p)
{
    if ((p->sn_bits != 12 && p->sn_bits != 18) || p->clear_tx < 0 || p->clear_tx > 1 || p->clear_rx < 0 ||
        p->clear_rx > 1 || p->bearer < 0 || p->bearer > 31)
        return -EINVAL;
    uint32_t window = 1u << (p->sn_bits - 1);
    if (!timer_ok(p->discard_timer_ms, 1500) || !timer_ok(p->t_reordering_ms, 3000) || p->rx_buffer_sdus < 1 ||
        (uint32_t)p->rx_buffer_sdus > window || p->tx_timer_sdus < 1 || (uint32_t)p->tx_timer_sdus > window ||
        p->max_sdu < 1 || p->max_sdu > PDCP_MAX_SDU)
        return -EINVAL;
    return 0;
}

static void set_params(struct pdcp_core *e, const struct pdcp_core_params *p)
{
    e->p = *p;
    if (!e->p.count_warn) e->p.count_warn = PDCP_COUNT_WARN_DEFAULT;
    e->hdr = p->sn_bits == 18 ? 3 : 2;
    e->sn_mod = 1u << p->sn_bits;
    e->window = 1u << (p->sn_bits - 1);
    e->tx_dir = p->gnb ? PDCP_DIR_DL : PDCP_DIR_UL;
    e->rx_dir = p->gnb ? PDCP_DIR_UL : PDCP_DIR_DL;
}

int pdcp_core_init(struct pdcp_core *e, const struct pdcp_core_params *p)
{
    memset(e, 0, sizeof *e);
    if (params_check(p)) return -EINVAL;
    set_params(e, p);
    size_t n = (size_t)p->rx_buffer_sdus, sdu = (size_t)p->max_sdu;
    e->rx = calloc(n, sizeof *e->rx);
    e->rx_mem = malloc(n * sdu);
    e->scratch = malloc(3 + sdu + MACI); /* the largest header: pdcp_core_reconfigure may change the SN size */
    e->tx_timers = calloc((size_t)p->tx_timer_sdus, sizeof *e->tx_timers);
    if (!e->rx || !e->rx_mem || !e->scratch || !e->tx_timers) {
        pdcp_core_free(e);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) e->rx[i].data = e->rx_mem + i * sdu;
    return 0;
}

void pdcp_core_free(struct pdcp_core *e)
{
    pdcp_core_security_deactivate(e);
    free(e->rx);
    free(e->rx_mem);
    free(e->scratch);
    free(e->tx_timers);
    e->rx = NULL;
    e->rx_mem = e->scratch = NULL;
    e->tx_timers = NULL;
}

int pdcp_core_reconfigure(struct pdcp_core *e, const struct pdcp_core_params *p)
{
    if (params_check(p) || p->rx_buffer_sdus != e->p.rx_buffer_sdus || p->tx_timer_sdus != e->p.tx_timer_sdus ||
        p->max_sdu != e->p.max_sdu)
        return -EINVAL;
    pdcp_core_security_deactivate(e);
    set_params(e, p);
    pdcp_core_reestablish(e);
    return 0;
}

void pdcp_core_reestablish(struct pdcp_core *e)
{
    for (int i = 0; i < e->p.rx_buffer_sdus; i++) e->rx[i].used = false;
    for (int i = 0; i < e->p.tx_timer_sdus; i++) e->tx_timers[i].running = false;
    e->tx_next = e->rx_next = e->rx_deliv = e->rx_reord = 0;
    e->t_reordering_running = false;
    e->tx_warned = e->rx_warned = e->tx_exhausted = false;
}

/* ---- Security ----------------------------------------------------------------------------------------------- */

static void drop_own_sec(struct pdcp_core *e)
{
    if (!e->own_sec) return;
    pdcp_sec_free(e->own_sec);
    free(e->own_sec);
    e->own_sec = NULL;
}

void pdcp_core_set_security(struct pdcp_core *e, const struct pdcp_security *sec)
{
    drop_own_sec(e);
    if (sec)
        e->sec = *sec;
    else
        memset(&e->sec, 0, sizeof e->sec);
    e->tx_cipher = e->rx_cipher = true;
    e->rx_cipher_from = 0;
}

int pdcp_core_security_activate(struct pdcp_core *e, const struct pdcp_sec_config *sc)
{
    if (!sc) return -EINVAL;
    struct pdcp_sec_ctx *c = malloc(sizeof *c);
    if (!c) return -ENOMEM;
    int err = pdcp_sec_init(c, sc->nia, sc->k_int, sc->nea, sc->k_enc);
    if (err) {
        free(c);
        return err;
    }
    struct pdcp_security hooks;
    pdcp_sec_hooks(c, &hooks);
    pdcp_core_set_security(e, &hooks);
    e->own_sec = c;
    pdcp_core_security_ciphering(e, sc->tx_cipher, sc->rx_cipher);
    return 0;
}

void pdcp_core_security_ciphering(struct pdcp_core *e, bool tx, bool rx)
{
    e->tx_cipher = tx;
    e->rx_cipher = rx;
}

void pdcp_core_security_rx_cipher_from(struct pdcp_core *e, uint32_t count)
{
    e->rx_cipher = true;
    e->rx_cipher_from = count;
}

void pdcp_core_security_deactivate(struct pdcp_core *e) { pdcp_core_set_security(e, NULL); }

/* ---- Header ------------------------------------------------------------------------------------------------- */

int pdcp_core_pdu_sn(const struct pdcp_core *e, const uint8_t *pdu, size_t len)
{
    if (!pdu || len < (size_t)e->hdr) return -EBADMSG;
    if (e->hdr == 3) return (pdu[0] & 0x03) << 16 | pdu[1] << 8 | pdu[2];   /* Figure 6.2.2.3-1 */
    return (pdu[0] & 0x0f) << 8 | pdu[1];                                  /* Figures 6.2.2.1-1, 6.2.2.2-1 */
}

static void put_header(const struct pdcp_core *e, uint8_t *out, uint32_t sn)
{
    uint8_t dc = e->p.dc_bit ? 0x80 : 0;   /* R bits 0 */
    if (e->hdr == 3) {
        out[0] = (uint8_t)(dc | sn >> 16);
        out[1] = (uint8_t)(sn >> 8);
        out[2] = (uint8_t)sn;
    } else {
        out[0] = (uint8_t)(dc | sn >> 8);
        out[1] = (uint8_t)sn;
    }
}

/* ---- Transmit ----------------------------------------------------------------------------------------------- */

int pdcp_core_tx(struct pdcp_core *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                 size_t *out_len, uint32_t *count_out)
{
    if (!sdu || len == 0 || !out || !out_len) return -EINVAL;   /* len >= 1 >= clear_tx */
    if (len > (size_t)e->p.max_sdu) return -EMSGSIZE;
    size_t pdu_len = pdcp_core_pdu_len(e, len), hdr = (size_t)e->hdr;
    if (cap < pdu_len) return -ENOSPC;
    if (e->tx_next >= COUNT_LIMIT - 1) {
        if (!e->tx_exhausted) notify(e, PDCP_EV_TX_COUNT_EXHAUSTED, (uint32_t)e->tx_next);
        e->tx_exhausted = true;
        return -EOVERFLOW;
    }
    uint32_t count = (uint32_t)e->tx_next;
    struct pdcp_tx_timer *t = NULL;
    if (e->p.discard_timer_ms != PDCP_TIMER_INFINITY) {
        t = &e->tx_timers[count % (uint32_t)e->p.tx_timer_sdus];
        if (t->running) return -ENOBUFS;
    }
    put_header(e, out, count % e->sn_mod);
    memmove(out + hdr, sdu, len);
    size_t ciphered = len - (size_t)e->p.clear_tx;
    if (e->p.mac_i) {
        uint8_t *mac_i = out + hdr + len;
        memset(mac_i, 0, MACI);
        if (e->sec.protect) {   /* 5.9: over header and data, before ciphering */
            int err = e->sec.protect(e->sec.ctx, count, e->p.bearer, e->tx_dir, out, hdr + len, mac_i);
            if (err) return err;
        }
        ciphered += MACI;
    }
    if (e->sec.cipher && e->tx_cipher) {   /* 5.8: data part (after the SDAP header) and MAC-I */
        int err =
            e->sec.cipher(e->sec.ctx, count, e->p.bearer, e->tx_dir, out + hdr + (size_t)e->p.clear_tx, ciphered);
        if (err) return err;
    }
    if (t) *t = (struct pdcp_tx_timer){.running = true, .count = count, .expiry = now_ms + e->p.discard_timer_ms};
    e->tx_next++;
    e->stats.tx_pdus++;
    if (!e->tx_warned && e->tx_next >= e->p.count_warn) {
        e->tx_warned = true;
        notify(e, PDCP_EV_TX_COUNT_NEAR_WRAP, count);
    }
    *out_len = pdu_len;
    if (count_out) *count_out = count;
    return 0;
}

int pdcp_core_tx_expire(struct pdcp_core *e, int64_t now_ms, uint32_t *out, int max)
{
    if (e->p.discard_timer_ms == PDCP_TIMER_INFINITY) return 0;
    /* Timers start in COUNT order with one duration, so the due ones are the oldest COUNTs still running. */
    int n = 0, slots = e->p.tx_timer_sdus;
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

void pdcp_core_tx_delivered(struct pdcp_core *e, uint32_t count)
{
    if (e->p.discard_timer_ms == PDCP_TIMER_INFINITY) return;
    struct pdcp_tx_timer *t = &e->tx_timers[count % (uint32_t)e->p.tx_timer_sdus];
    if (t->running && t->count == count) t->running = false;
}

/* ---- Receive ------------------------------------------------------------------------------------------------ */

static struct pdcp_rx_slot *slot_of(struct pdcp_core *e, uint64_t count)
{
    return &e->rx[count % (uint64_t)e->p.rx_buffer_sdus];
}

static bool stored(struct pdcp_core *e, uint64_t count)
{
    const struct pdcp_rx_slot *s = slot_of(e, count);
    return s->used && s->count == (uint32_t)count;
}

static void deliver_slot(struct pdcp_core *e, struct pdcp_rx_slot *s)
{
    s->used = false;
    e->stats.rx_delivered++;
    if (e->p.deliver) e->p.deliver(e->p.deliver_ctx, s->count, s->data, s->len);
}

/* Delivers the stored run of consecutive COUNTs from RX_DELIV and moves RX_DELIV past it. */
static void deliver_in_order(struct pdcp_core *e)
{
    while (e->rx_deliv < e->rx_next && stored(e, e->rx_deliv)) {
        deliver_slot(e, slot_of(e, e->rx_deliv));
        e->rx_deliv++;
    }
}

static void start_reordering(struct pdcp_core *e, int64_t now_ms)
{
    if (e->p.t_reordering_ms == PDCP_TIMER_INFINITY) return;   /* never expires: not started */
    e->rx_reord = e->rx_next;
    e->t_reordering_running = true;
    e->t_reordering_expiry = now_ms + e->p.t_reordering_ms;
}

/* RCVD_COUNT from the SN and RX_DELIV (5.2.2.1); -1 when the HFN would be negative (before COUNT 0) and -2 when
 * the COUNT would pass 2^32 - 1. */
static int64_t rcvd_count(const struct pdcp_core *e, uint32_t sn)
{
    int64_t hfn = (int64_t)(e->rx_deliv >> e->p.sn_bits);
    int64_t deliv_sn = (int64_t)(e->rx_deliv % e->sn_mod);
    if ((int64_t)sn < deliv_sn - (int64_t)e->window)
        hfn++;
    else if ((int64_t)sn >= deliv_sn + (int64_t)e->window)
        hfn--;
    if (hfn < 0) return -1;
    if (hfn >= (1ll << (32 - e->p.sn_bits))) return -2;
    return hfn << e->p.sn_bits | sn;
}

int pdcp_core_rx(struct pdcp_core *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    e->stats.rx_pdus++;
    size_t hdr = (size_t)e->hdr, maci = e->p.mac_i ? MACI : 0;
    if (!pdu || len < hdr + 1 + maci || len - hdr - maci > (size_t)e->p.max_sdu) {
        e->stats.rx_malformed++;
        return -EBADMSG;
    }
    size_t data_len = len - hdr - maci;
    uint32_t sn = (uint32_t)pdcp_core_pdu_sn(e, pdu, len);
    int64_t rc = rcvd_count(e, sn);
    if (rc == -2) {
        e->stats.rx_count_invalid++;
        return -EALREADY;
    }
    if (rc < 0) {
        e->stats.rx_duplicate++;   /* a COUNT before 0 is below RX_DELIV */
        return -EALREADY;
    }
    uint32_t count = (uint32_t)rc;
    uint8_t *m = e->scratch;
    memcpy(m, pdu, len);
    int err = 0;
    if (e->sec.cipher && e->rx_cipher && count >= e->rx_cipher_from)
        err = e->sec.cipher(e->sec.ctx, count, e->p.bearer, e->rx_dir, m + hdr + e->p.clear_rx,
                            data_len - (size_t)e->p.clear_rx + maci);
    if (!err && maci && e->sec.verify)
        err = e->sec.verify(e->sec.ctx, count, e->p.bearer, e->rx_dir, m, hdr + data_len, m + hdr + data_len);
    if (err) {
        e->stats.rx_integrity_failed++;
        notify(e, PDCP_EV_INTEGRITY_FAILURE, count);
        return -EACCES;
    }
    if (rc < (int64_t)e->rx_deliv || stored(e, (uint64_t)rc)) {
        e->stats.rx_duplicate++;
        return -EALREADY;
    }
    if ((uint64_t)rc - e->rx_deliv >= (uint64_t)e->p.rx_buffer_sdus) {
        e->stats.rx_buffer_full++;
        return -ENOBUFS;
    }
    struct pdcp_rx_slot *s = slot_of(e, (uint64_t)rc);
    memcpy(s->data, m + hdr, data_len);
    s->len = (uint16_t)data_len;
    s->count = count;
    s->used = true;
    if ((uint64_t)rc >= e->rx_next) e->rx_next = (uint64_t)rc + 1;
    if (!e->rx_warned && e->rx_next >= e->p.count_warn) {
        e->rx_warned = true;
        notify(e, PDCP_EV_RX_COUNT_NEAR_WRAP, count);
    }
    if ((uint64_t)rc == e->rx_deliv) deliver_in_order(e);
    if (e->t_reordering_running && e->rx_deliv >= e->rx_reord) e->t_reordering_running = false;
    if (!e->t_reordering_running && e->rx_deliv < e->rx_next) start_reordering(e, now_ms);
    return 0;
}

void pdcp_core_tick(struct pdcp_core *e, int64_t now_ms)
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

int pdcp_core_rx_clear(struct pdcp_core *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    struct pdcp_security keep = e->sec;
    memset(&e->sec, 0, sizeof e->sec);
    int rc = pdcp_core_rx(e, pdu, len, now_ms);
    e->sec = keep;
    return rc;
}
