/* PDCP entity for a data radio bearer (3GPP TS 38.323 Rel-15/16), both directions of one DRB of one UE, RLC AM
 * or UM below, SDAP above.
 *
 * Data PDU: 18-bit SN (6.2.2.3, Figure 6.2.2.3-1): octet 1 = D/C R R R R R SN[17:16], octets 2-3 = SN[15:0];
 * 12-bit SN (6.2.2.2, Figure 6.2.2.2-1): octet 1 = D/C R R R SN[11:8], octet 2 = SN[7:0]. D/C = 1, R = 0 sent
 * and ignored on reception. Then the data (the ciphered SDU) and, only when integrity protection is configured
 * for the DRB (38.331 PDCP-Config drb integrityProtection), a 4-byte MAC-I. Control PDUs (D/C = 0: status
 * report, ROHC feedback, 6.2.3) are counted (rx_control) and ignored: no status reports, no ROHC.
 *
 * Procedures, state variables, t-Reordering, the discard timer, the COUNT limit and security are those of
 * pdcp/pdcp_core.h with Window_Size 2^17 (18-bit) or 2^11 (12-bit). Security inputs (33.501 6.6): BEARER =
 * drb-Identity - 1, DIRECTION 0 UL / 1 DL, keys K_UPenc and (with integrity) K_UPint. When an SDAP header is
 * configured in a direction (38.331 SDAP-Config sdap-HeaderDL/UL) its octet is not ciphered (38.323 5.8).
 * Not done: out-of-order delivery, duplication, header compression, data recovery and status reports, UL data
 * split.
 */
#ifndef GNBD_PDCP_PDCP_DRB_H
#define GNBD_PDCP_PDCP_DRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdcp/pdcp_core.h"

struct pdcp_drb_config {
    int drb_id;                 /* 1..32 */
    int sn_bits;                /* 12 or 18 (38.331 pdcp-SN-SizeUL/DL; one size for both here) */
    bool gnb;                   /* true: this end transmits DL and receives UL */
    bool integrity;             /* integrityProtection: MAC-I on every data PDU */
    bool sdap_header_dl, sdap_header_ul;   /* a 1-octet SDAP header leads the SDUs of that direction */
    int discard_timer_ms;       /* PDCP_TIMER_INFINITY or 0..1500 */
    int t_reordering_ms;        /* PDCP_TIMER_INFINITY or 0..3000 */
    int rx_buffer_sdus;         /* SDUs the reception buffer holds beyond RX_DELIV (1..Window_Size) */
    int tx_timer_sdus;          /* SDUs whose discard timer can run at once (1..Window_Size) */
    int max_sdu;                /* 1..PDCP_MAX_SDU */
    uint32_t count_warn;        /* COUNT that triggers PDCP_EV_*_COUNT_NEAR_WRAP (0: PDCP_COUNT_WARN_DEFAULT) */
    pdcp_deliver_fn deliver;
    void *deliver_ctx;
    pdcp_event_fn notify;       /* may be NULL */
    void *notify_ctx;
};

/* Defaults for DRB `drb_id` at the gNB: 18-bit SN, no integrity, no SDAP header, t-Reordering 100 ms, discard
 * timer infinity, 128-SDU reception buffer, 128 timers, 9000-byte SDUs. */
void pdcp_drb_config_default(struct pdcp_drb_config *cfg, int drb_id);

struct pdcp_drb {
    struct pdcp_drb_config cfg;
    struct pdcp_core core;      /* state variables (core.tx_next, core.rx_deliv, ...) and core.stats */
};

/* 0, -EINVAL (configuration out of range) or -ENOMEM. */
int pdcp_drb_init(struct pdcp_drb *e, const struct pdcp_drb_config *cfg);
void pdcp_drb_free(struct pdcp_drb *e);

/* Another configuration for an initialised entity without allocating (pdcp_core_reconfigure: rx_buffer_sdus,
 * tx_timer_sdus and max_sdu as at init); security back to none, state re-established. 0 or -EINVAL. */
int pdcp_drb_reconfigure(struct pdcp_drb *e, const struct pdcp_drb_config *cfg);

/* Security with K_UPint / K_UPenc (pdcp_core_security_activate; nia is ignored without cfg.integrity). */
int pdcp_drb_security_activate(struct pdcp_drb *e, const struct pdcp_sec_config *sc);
void pdcp_drb_set_security(struct pdcp_drb *e, const struct pdcp_security *sec);
void pdcp_drb_security_deactivate(struct pdcp_drb *e);

/* 5.1.2 re-establishment (AM semantics simplified: state variables to 0, buffers and timers dropped). */
void pdcp_drb_reestablish(struct pdcp_drb *e);

static inline size_t pdcp_drb_pdu_len(const struct pdcp_drb *e, size_t sdu_len)
{
    return pdcp_core_pdu_len(&e->core, sdu_len);
}

/* As pdcp_srb_tx() (pdcp/pdcp_srb.h). */
int pdcp_drb_tx(struct pdcp_drb *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                size_t *out_len, uint32_t *count);
int pdcp_drb_tx_expire(struct pdcp_drb *e, int64_t now_ms, uint32_t *out, int max);
void pdcp_drb_tx_delivered(struct pdcp_drb *e, uint32_t count);

/* One PDU from RLC: as pdcp_srb_rx(), and -ENOTSUP for a control PDU (counted in rx_control). */
int pdcp_drb_rx(struct pdcp_drb *e, const uint8_t *pdu, size_t len, int64_t now_ms);
void pdcp_drb_tick(struct pdcp_drb *e, int64_t now_ms);

#endif
