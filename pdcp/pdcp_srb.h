/* PDCP entity for a signalling radio bearer (3GPP TS 38.323 Rel-15/16), both directions of one SRB of one UE.
 *
 * PDU (6.2.2.1, Figure 6.2.2.1-1): octet 1 = R R R R SN[11:8], octet 2 = SN[7:0], then the data (the ciphered
 * PDCP SDU) and a 4-byte MAC-I (6.3.4). The MAC-I is always present on SRBs; while integrity protection is not
 * active it is zeros (what srsUE sends in RRCSetupComplete, docs/SRSUE.md §4) and the receiver does not check
 * it. R bits are sent as 0 and ignored on reception (6.3.x). SRBs have no control PDUs and no D/C bit.
 *
 * Security (5.8, 5.9) plugs in through struct pdcp_security: integrity covers header + data before ciphering;
 * ciphering covers data + MAC-I. Inputs per 33.501: COUNT, BEARER = SRB identity - 1, DIRECTION (0 UL, 1 DL).
 * With no hooks set the entity runs NIA0/NEA0 (MAC-I zeros and not checked, no ciphering): the state before the
 * security mode procedure. A later security module sets the hooks with pdcp_srb_set_security().
 *
 * State (7.1): TX_NEXT (COUNT of the next SDU to send), RX_NEXT (COUNT after the highest received),
 * RX_DELIV (first COUNT not yet delivered), RX_REORD (COUNT that started t-Reordering). COUNT = HFN | SN, 12-bit
 * SN, Window_Size = 2048.
 *   Transmit (5.2.1): COUNT = TX_NEXT, SN = TX_NEXT mod 4096, TX_NEXT + 1; the discard timer (5.3), if
 *     configured, starts per SDU; pdcp_srb_tx_expire() hands back the COUNTs whose timer ran out so that the
 *     caller can tell RLC to discard them; pdcp_srb_tx_delivered() (RLC confirmed the delivery) stops a timer.
 *     A COUNT may never be reused under one key (33.501 6.4): at COUNT 2^32 - 1 the entity refuses (-EOVERFLOW).
 *   Receive (5.2.2.1): RCVD_HFN from the SN against RX_DELIV's, deciphering and integrity check with
 *     RCVD_COUNT (failure: counted, dropped), then a COUNT below RX_DELIV or already received is a duplicate
 *     (counted, dropped); the SDU is stored, RX_NEXT advanced, in-order SDUs from RX_DELIV delivered in
 *     ascending COUNT, t-Reordering (5.2.2.2) started/stopped; its expiry (pdcp_srb_tick) delivers what is
 *     stored below RX_REORD and the run from RX_REORD. SRBs default to t-Reordering infinity (38.331 9.2.1):
 *     RLC AM delivers in order, so the reception buffer is normally empty.
 * Malformed PDUs (shorter than header + 1 data byte + MAC-I, data beyond max_sdu) are counted and dropped.
 *
 * Time: milliseconds from any monotonic origin, passed in by the caller (never decreasing); timers expire at
 * start + duration exactly. Memory: pdcp_srb_init() allocates the reception buffer and discard-timer table;
 * nothing else allocates. Threading: an entity belongs to one thread; the delivery callback runs inside
 * pdcp_srb_rx()/pdcp_srb_tick() and must not call back into the entity. Nothing prints or reads a clock.
 * Errors: 0 or a negative errno code.
 */
#ifndef GNBD_PDCP_PDCP_SRB_H
#define GNBD_PDCP_PDCP_SRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PDCP_SRB_HDR_BYTES 2
#define PDCP_MAC_I_BYTES 4
#define PDCP_SN_BITS 12
#define PDCP_SN_MOD (1u << PDCP_SN_BITS)
#define PDCP_WINDOW (1u << (PDCP_SN_BITS - 1))   /* Window_Size, 7.2 */
#define PDCP_MAX_SDU 9000                          /* 38.323 4.3.1 */
#define PDCP_TIMER_INFINITY (-1)

enum pdcp_direction { PDCP_DIR_UL = 0, PDCP_DIR_DL = 1 };

/* Security hooks (NIA/NEA algorithms with their keys behind ctx). Each returns 0 or a negative errno; a NULL
 * function is the null algorithm. verify returns -EBADMSG when the MAC-I does not match. */
struct pdcp_security {
    void *ctx;
    int (*protect)(void *ctx, uint32_t count, int bearer, int direction, const uint8_t *msg, size_t len,
                   uint8_t mac_i[PDCP_MAC_I_BYTES]);
    int (*verify)(void *ctx, uint32_t count, int bearer, int direction, const uint8_t *msg, size_t len,
                  const uint8_t mac_i[PDCP_MAC_I_BYTES]);
    /* keystream applied in place (encrypts on TX, decrypts on RX) */
    int (*cipher)(void *ctx, uint32_t count, int bearer, int direction, uint8_t *data, size_t len);
};

/* SDU delivery to RRC, in ascending COUNT. */
typedef void (*pdcp_deliver_fn)(void *ctx, uint32_t count, const uint8_t *sdu, size_t len);

struct pdcp_srb_config {
    int srb_id;                 /* 1..3 */
    bool gnb;                   /* true: this end transmits DL and receives UL (the UE simulator sets false) */
    int discard_timer_ms;       /* PDCP_TIMER_INFINITY (SRB default) or 0..1500 */
    int t_reordering_ms;        /* PDCP_TIMER_INFINITY (SRB default) or 0..3000 */
    int rx_buffer_sdus;         /* SDUs the reception buffer holds beyond RX_DELIV (1..2048) */
    int tx_timer_sdus;          /* SDUs whose discard timer can run at once (1..2048; unused when infinite) */
    int max_sdu;                /* largest SDU in bytes (1..PDCP_MAX_SDU) */
    pdcp_deliver_fn deliver;
    void *deliver_ctx;
};

/* Defaults for SRB `srb_id` at the gNB: timers infinity, 16-SDU reception buffer, 64 timers, 9000-byte SDUs. */
void pdcp_srb_config_default(struct pdcp_srb_config *cfg, int srb_id);

struct pdcp_srb_stats {
    uint64_t tx_pdus, tx_discarded;
    uint64_t rx_pdus, rx_delivered;
    uint64_t rx_malformed, rx_integrity_failed, rx_duplicate, rx_buffer_full;
    uint64_t t_reordering_expired;
};

struct pdcp_srb_slot {          /* one stored SDU of the reception buffer */
    bool used;
    uint32_t count;
    uint16_t len;
    uint8_t *data;
};

struct pdcp_tx_timer {
    bool running;
    uint32_t count;
    int64_t expiry;
};

struct pdcp_srb {
    struct pdcp_srb_config cfg;
    struct pdcp_security sec;
    int bearer, tx_dir, rx_dir;
    uint64_t tx_next;           /* 64-bit so that 2^32 (COUNT exhausted) is representable */
    uint64_t rx_next, rx_deliv, rx_reord;
    bool t_reordering_running;
    int64_t t_reordering_expiry;
    struct pdcp_srb_slot *rx;   /* rx_buffer_sdus slots, indexed COUNT mod rx_buffer_sdus */
    uint8_t *rx_mem;
    uint8_t *scratch;           /* header + data + MAC-I of the PDU being received */
    struct pdcp_tx_timer *tx_timers;   /* tx_timer_sdus entries, indexed COUNT mod tx_timer_sdus */
    struct pdcp_srb_stats stats;
};

/* 0, -EINVAL (configuration out of range) or -ENOMEM. */
int pdcp_srb_init(struct pdcp_srb *e, const struct pdcp_srb_config *cfg);
void pdcp_srb_free(struct pdcp_srb *e);

/* Installs security hooks (copied); NULL goes back to NIA0/NEA0. */
void pdcp_srb_set_security(struct pdcp_srb *e, const struct pdcp_security *sec);

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
 * failed), -EALREADY (duplicate or below RX_DELIV), -ENOBUFS (beyond the reception buffer); each is counted. */
int pdcp_srb_rx(struct pdcp_srb *e, const uint8_t *pdu, size_t len, int64_t now_ms);

/* t-Reordering expiry (5.2.2.2) when due at now_ms. */
void pdcp_srb_tick(struct pdcp_srb *e, int64_t now_ms);

/* Header fields, for tests and the UE simulator: SN of a PDU (-EBADMSG when shorter than the header). */
int pdcp_srb_pdu_sn(const uint8_t *pdu, size_t len);

#endif
