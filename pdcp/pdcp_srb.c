/* PDCP for SRBs, 38.323 6.2.2.1 on the shared core (pdcp/pdcp_core.c). */
#include "pdcp/pdcp_srb.h"

#include <errno.h>
#include <string.h>

void pdcp_srb_config_default(struct pdcp_srb_config *cfg, int srb_id)
{
    *cfg = (struct pdcp_srb_config){.srb_id = srb_id, .gnb = true, .discard_timer_ms = PDCP_TIMER_INFINITY,
                                    .t_reordering_ms = PDCP_TIMER_INFINITY, .rx_buffer_sdus = 16,
                                    .tx_timer_sdus = 64, .max_sdu = PDCP_MAX_SDU};
}

int pdcp_srb_init(struct pdcp_srb *e, const struct pdcp_srb_config *cfg)
{
    memset(e, 0, sizeof *e);
    if (cfg->srb_id < 1 || cfg->srb_id > 3) return -EINVAL;
    e->cfg = *cfg;
    struct pdcp_core_params p = {.sn_bits = PDCP_SN_BITS, .dc_bit = false, .mac_i = true,
                                 .bearer = cfg->srb_id - 1, .gnb = cfg->gnb,
                                 .discard_timer_ms = cfg->discard_timer_ms, .t_reordering_ms = cfg->t_reordering_ms,
                                 .rx_buffer_sdus = cfg->rx_buffer_sdus, .tx_timer_sdus = cfg->tx_timer_sdus,
                                 .max_sdu = cfg->max_sdu, .count_warn = cfg->count_warn, .deliver = cfg->deliver,
                                 .deliver_ctx = cfg->deliver_ctx, .notify = cfg->notify,
                                 .notify_ctx = cfg->notify_ctx};
    return pdcp_core_init(&e->core, &p);
}

void pdcp_srb_free(struct pdcp_srb *e) { pdcp_core_free(&e->core); }

void pdcp_srb_set_security(struct pdcp_srb *e, const struct pdcp_security *sec)
{
    pdcp_core_set_security(&e->core, sec);
}

int pdcp_srb_security_activate(struct pdcp_srb *e, const struct pdcp_sec_config *sc)
{
    return pdcp_core_security_activate(&e->core, sc);
}

void pdcp_srb_security_ciphering(struct pdcp_srb *e, bool tx, bool rx)
{
    pdcp_core_security_ciphering(&e->core, tx, rx);
}

void pdcp_srb_security_rx_cipher_from(struct pdcp_srb *e, uint32_t count)
{
    pdcp_core_security_rx_cipher_from(&e->core, count);
}

void pdcp_srb_security_deactivate(struct pdcp_srb *e) { pdcp_core_security_deactivate(&e->core); }

void pdcp_srb_reestablish(struct pdcp_srb *e) { pdcp_core_reestablish(&e->core); }

int pdcp_srb_pdu_sn(const uint8_t *pdu, size_t len)
{
    if (!pdu || len < PDCP_SRB_HDR_BYTES) return -EBADMSG;
    return (pdu[0] & 0x0f) << 8 | pdu[1];
}

int pdcp_srb_tx(struct pdcp_srb *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                size_t *out_len, uint32_t *count)
{
    return pdcp_core_tx(&e->core, sdu, len, now_ms, out, cap, out_len, count);
}

int pdcp_srb_tx_expire(struct pdcp_srb *e, int64_t now_ms, uint32_t *out, int max)
{
    return pdcp_core_tx_expire(&e->core, now_ms, out, max);
}

void pdcp_srb_tx_delivered(struct pdcp_srb *e, uint32_t count) { pdcp_core_tx_delivered(&e->core, count); }

int pdcp_srb_rx(struct pdcp_srb *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    return pdcp_core_rx(&e->core, pdu, len, now_ms);
}

int pdcp_srb_rx_clear(struct pdcp_srb *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    return pdcp_core_rx_clear(&e->core, pdu, len, now_ms);
}

void pdcp_srb_tick(struct pdcp_srb *e, int64_t now_ms) { pdcp_core_tick(&e->core, now_ms); }
