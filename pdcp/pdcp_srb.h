/* PDCP entity for a signalling radio bearer (3GPP TS 38.323 Rel-15/16), both directions of one SRB of one UE.
 *
 * PDU (6.2.2.1, Figure 6.2.2.1-1): octet 1 = R R R R SN[11:8], octet 2 = SN[7:0], then the data (the ciphered
 * PDCP SDU) and a 4-byte MAC-I (6.3.4). The MAC-I is always present on SRBs; while integrity protection is not
 * active it is zeros (what srsUE sends in RRCSetupComplete, docs/SRSUE.md §4) and the receiver does not check
 * it. R bits are sent as 0 and ignored on reception (6.3.x). SRBs have no control PDUs and no D/C bit.
 *
 * Procedures, state variables, timers, COUNT limit and security are those of pdcp/pdcp_core.h (12-bit SN,
 * Window_Size 2048). Security inputs (33.501 6.5): BEARER = SRB identity - 1, DIRECTION 0 UL / 1 DL, keys
 * K_RRCint / K_RRCenc. Before pdcp_srb_security_activate() (RRC, around the SecurityModeCommand: see
 * pdcp_core.h) the entity runs NIA0/NEA0: MAC-I zeros and not checked, no ciphering. SRBs default to
 * t-Reordering infinity (38.331 9.2.1): RLC AM delivers in order, so the reception buffer is normally empty.
 * Malformed PDUs (shorter than header + 1 data byte + MAC-I, data beyond max_sdu) are counted and dropped.
 */
#ifndef GNBD_PDCP_PDCP_SRB_H
#define GNBD_PDCP_PDCP_SRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdcp/pdcp_core.h"

#define PDCP_SRB_HDR_BYTES 2
#define PDCP_SN_BITS 12
#define PDCP_SN_MOD (1u << PDCP_SN_BITS)
#define PDCP_WINDOW (1u << (PDCP_SN_BITS - 1))   /* Window_Size, 7.2 */

struct pdcp_srb_config {
    int srb_id;                 /* 1..3 */
    bool gnb;                   /* true: this end transmits DL and receives UL (the UE simulator sets false) */
    int discard_timer_ms;       /* PDCP_TIMER_INFINITY (SRB default) or 0..1500 */
    int t_reordering_ms;        /* PDCP_TIMER_INFINITY (SRB default) or 0..3000 */
    int rx_buffer_sdus;         /* SDUs the reception buffer holds beyond RX_DELIV (1..2048) */
    int tx_timer_sdus;          /* SDUs whose discard timer can run at once (1..2048; unused when infinite) */
    int max_sdu;                /* largest SDU in bytes (1..PDCP_MAX_SDU) */
    uint32_t count_warn;        /* COUNT that triggers PDCP_EV_*_COUNT_NEAR_WRAP (0: PDCP_COUNT_WARN_DEFAULT) */
    pdcp_deliver_fn deliver;
    void *deliver_ctx;
    pdcp_event_fn notify;       /* integrity failures and COUNT wrap to RRC; may be NULL */
    void *notify_ctx;
};

/* Defaults for SRB `srb_id` at the gNB: timers infinity, 16-SDU reception buffer, 64 timers, 9000-byte SDUs. */
void pdcp_srb_config_default(struct pdcp_srb_config *cfg, int srb_id);

struct pdcp_srb {
    struct pdcp_srb_config cfg;
    struct pdcp_core core;      /* state variables (core.tx_next, core.rx_deliv, ...) and core.stats */
};

/* 0, -EINVAL (configuration out of range) or -ENOMEM. */
int pdcp_srb_init(struct pdcp_srb *e, const struct pdcp_srb_config *cfg);
void pdcp_srb_free(struct pdcp_srb *e);

/* Installs security hooks (copied; both directions ciphered when a cipher hook is given); NULL goes back to
 * NIA0/NEA0. */
void pdcp_srb_set_security(struct pdcp_srb *e, const struct pdcp_security *sec);

/* Security with K_RRCint / K_RRCenc and the chosen algorithms (pdcp_core_security_activate). */
int pdcp_srb_security_activate(struct pdcp_srb *e, const struct pdcp_sec_config *sc);
/* Ciphering on or off per direction from the next PDU. */
void pdcp_srb_security_ciphering(struct pdcp_srb *e, bool tx, bool rx);
/* UL deciphering from COUNT `count` on (pdcp_core_security_rx_cipher_from). */
void pdcp_srb_security_rx_cipher_from(struct pdcp_srb *e, uint32_t count);
/* Back to NIA0/NEA0 (a new RRC connection of the UE context); the crypto contexts are freed. */
void pdcp_srb_security_deactivate(struct pdcp_srb *e);

/* 5.1.2 re-establishment for an SRB: stored SDUs and running timers dropped, TX_NEXT = RX_NEXT = RX_DELIV = 0. */
void pdcp_srb_reestablish(struct pdcp_srb *e);

/* Bytes of the PDU for an SDU of `sdu_len` bytes. */
static inline size_t pdcp_srb_pdu_len(size_t sdu_len) { return PDCP_SRB_HDR_BYTES + sdu_len + PDCP_MAC_I_BYTES; }

/* Makes the PDU of one SDU in out[cap] (*out_len bytes), COUNT in *count (may be NULL). Returns 0, -EINVAL
 * (empty SDU), -EMSGSIZE (beyond max_sdu), -ENOSPC (cap), -ENOBUFS (every discard timer slot busy),
 * -EOVERFLOW (COUNT space exhausted) or a security hook's error; nothing changes on error. */
int pdcp_srb_tx(struct pdcp_srb *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                size_t *out_len, uint32_t *count);

/* Discard timers due at now_ms: their COUNTs, oldest first, into out[max]; returns how many (those beyond max
 * stay due for the next call). */
int pdcp_srb_tx_expire(struct pdcp_srb *e, int64_t now_ms, uint32_t *out, int max);

/* Lower layers confirmed the delivery of COUNT: its discard timer stops. */
void pdcp_srb_tx_delivered(struct pdcp_srb *e, uint32_t count);

/* One PDU from RLC. Returns 0 (stored and/or delivered), -EBADMSG (malformed), -EACCES (integrity check
 * failed), -EALREADY (duplicate, below RX_DELIV or beyond COUNT 2^32 - 1), -ENOBUFS (beyond the reception
 * buffer); each is counted. */
int pdcp_srb_rx(struct pdcp_srb *e, const uint8_t *pdu, size_t len, int64_t now_ms);
/* The same without security for this one PDU (pdcp_core_rx_clear: an unprotected SecurityModeFailure). */
int pdcp_srb_rx_clear(struct pdcp_srb *e, const uint8_t *pdu, size_t len, int64_t now_ms);

/* t-Reordering expiry (5.2.2.2) when due at now_ms. */
void pdcp_srb_tick(struct pdcp_srb *e, int64_t now_ms);

/* Header fields, for tests and the UE simulator: SN of a PDU (-EBADMSG when shorter than the header). */
int pdcp_srb_pdu_sn(const uint8_t *pdu, size_t len);

#endif
