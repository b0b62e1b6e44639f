/* PDCP for DRBs, 38.323 6.2.2.2 / 6.2.2.3 on the shared core (pdcp/pdcp_core.c). */
#include "pdcp/pdcp_drb.h"

#include <errno.h>
#include <string.h>

void pdcp_drb_config_default(struct pdcp_drb_config *cfg, int drb_id)
{
    *cfg = (struct pdcp_drb_config){.drb_id = drb_id, .sn_bits = 18, .gnb = true,
                                    .discard_timer_ms = PDCP_TIMER_INFINITY, .t_reordering_ms = 100,
                                    .rx_buffer_sdus = 128, .tx_timer_sdus = 128, .max_sdu = PDCP_MAX_SDU};
}

static int core_params(const struct pdcp_drb_config *cfg, struct pdcp_core_params *p)
{
    if (cfg->drb_id < 1 || cfg->drb_id > 32) return -EINVAL;
    bool hdr_tx = cfg->gnb ? cfg->sdap_header_dl : cfg->sdap_header_ul;
    bool hdr_rx = cfg->gnb ? cfg->sdap_header_ul : cfg->sdap_header_dl;
    *p = (struct pdcp_core_params){.sn_bits = cfg->sn_bits, .dc_bit = true, .mac_i = cfg->integrity,
                                   .clear_tx = hdr_tx, .clear_rx = hdr_rx, .bearer = cfg->drb_id - 1,
                                   .gnb = cfg->gnb, .discard_timer_ms = cfg->discard_timer_ms,
                                   .t_reordering_ms = cfg->t_reordering_ms, .rx_buffer_sdus = cfg->rx_buffer_sdus,
                                   .tx_timer_sdus = cfg->tx_timer_sdus, .max_sdu = cfg->max_sdu,
                                   .count_warn = cfg->count_warn, .deliver = cfg->deliver,
                                   .deliver_ctx = cfg->deliver_ctx, .notify = cfg->notify,
                                   .notify_ctx = cfg->notify_ctx};
    return 0;
}

int pdcp_drb_init(struct pdcp_drb *e, const struct pdcp_drb_config *cfg)
{
    memset(e, 0, sizeof *e);
    struct pdcp_core_params p;
    if (core_params(cfg, &p) < 0) return -EINVAL;
    e->cfg = *cfg;
    return pdcp_core_init(&e->core, &p);
}

int pdcp_drb_reconfigure(struct pdcp_drb *e, const struct pdcp_drb_config *cfg)
{
    struct pdcp_core_params p;
    if (core_params(cfg, &p) < 0 || pdcp_core_reconfigure(&e->core, &p) < 0) return -EINVAL;
    e->cfg = *cfg;
    return 0;
}

void pdcp_drb_free(struct pdcp_drb *e) { pdcp_core_free(&e->core); }

int pdcp_drb_security_activate(struct pdcp_drb *e, const struct pdcp_sec_config *sc)
{
    if (!sc) return -EINVAL;
    struct pdcp_sec_config c = *sc;
    if (!e->cfg.integrity) c.nia = 0;   /* UP integrity only when configured */
    return pdcp_core_security_activate(&e->core, &c);
}

void pdcp_drb_set_security(struct pdcp_drb *e, const struct pdcp_security *sec)
{
    pdcp_core_set_security(&e->core, sec);
}

void pdcp_drb_security_deactivate(struct pdcp_drb *e) { pdcp_core_security_deactivate(&e->core); }

void pdcp_drb_reestablish(struct pdcp_drb *e) { pdcp_core_reestablish(&e->core); }

int pdcp_drb_tx(struct pdcp_drb *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                size_t *out_len, uint32_t *count)
{
    return pdcp_core_tx(&e->core, sdu, len, now_ms, out, cap, out_len, count);
}

int pdcp_drb_tx_expire(struct pdcp_drb *e, int64_t now_ms, uint32_t *out, int max)
{
    return pdcp_core_tx_expire(&e->core, now_ms, out, max);
}

void pdcp_drb_tx_delivered(struct pdcp_drb *e, uint32_t count) { pdcp_core_tx_delivered(&e->core, count); }

int pdcp_drb_rx(struct pdcp_drb *e, const uint8_t *pdu, size_t len, int64_t now_ms)
{
    if (pdu && len >= 1 && !(pdu[0] & 0x80)) {   /* D/C = 0: control PDU */
        e->core.stats.rx_pdus++;
        e->core.stats.rx_control++;
        return -ENOTSUP;
    }
    return pdcp_core_rx(&e->core, pdu, len, now_ms);
}

void pdcp_drb_tick(struct pdcp_drb *e, int64_t now_ms) { pdcp_core_tick(&e->core, now_ms); }
