/* What the PDCP entities of SRBs (pdcp/pdcp_srb.h) and DRBs (pdcp/pdcp_drb.h) share (3GPP TS 38.323 Rel-15/16):
 * the state variables, transmit (5.2.1) and receive (5.2.2) procedures, t-Reordering (5.2.2.2), the discard timer
 * (5.3), ciphering (5.8) and integrity (5.9) through hooks, and the COUNT limit. The SRB and DRB files only
 * validate their configuration and give the header layout; this core does the rest.
 *
 * State (7.1): TX_NEXT (COUNT of the next SDU to send), RX_NEXT (COUNT after the highest received), RX_DELIV
 * (first COUNT not yet delivered), RX_REORD (COUNT that started t-Reordering). COUNT = HFN || SN with an SN of
 * sn_bits (12 or 18), Window_Size = 2^(sn_bits - 1).
 *   Transmit (5.2.1): COUNT = TX_NEXT, SN = TX_NEXT mod 2^sn_bits, header, integrity over header + data (MAC-I
 *     appended when the bearer carries one), ciphering of data (minus `clear_tx` leading octets: the SDAP
 *     header, 5.8) and MAC-I, TX_NEXT + 1; the discard timer (5.3), if configured, starts per SDU;
 *     pdcp_core_tx_expire() hands back the COUNTs whose timer ran out so that the caller can tell the lower
 *     layer to discard them; pdcp_core_tx_delivered() stops a timer.
 *   COUNT wrap (33.501 6.4.x / 38.323 5.1: a COUNT is never reused under one key): when TX_NEXT or RX_NEXT
 *     reaches count_warn the entity reports PDCP_EV_*_COUNT_NEAR_WRAP once, so that RRC refreshes the keys (a
 *     reconfiguration with sync); at TX COUNT 2^32 - 1 it refuses to send (-EOVERFLOW, PDCP_EV_TX_COUNT_EXHAUSTED
 *     once); a received SN whose COUNT would be 2^32 or more is dropped (rx_count_invalid).
 *   Receive (5.2.2.1): RCVD_HFN from the SN against RX_DELIV's, deciphering and integrity verification with
 *     RCVD_COUNT (failure: counted, dropped, PDCP_EV_INTEGRITY_FAILURE to upper layers, 5.9), then a COUNT
 *     below RX_DELIV or already received is a duplicate (counted, dropped); the SDU is stored, RX_NEXT
 *     advanced, in-order SDUs from RX_DELIV delivered in ascending COUNT, t-Reordering started/stopped; its
 *     expiry (pdcp_core_tick) delivers what is stored below RX_REORD and the run from RX_REORD.
 *
 * Security: hooks (struct pdcp_security) that a test may fill with anything, or pdcp_core_security_activate()
 * which derives nothing but takes the keys and algorithms RRC chose (pdcp/pdcp_sec.h) and allocates their
 * contexts. Ciphering can be switched per direction (38.331 5.3.4: the SecurityModeCommand goes out integrity
 * protected but unciphered and its Complete comes back so; ciphering starts after). Nothing is ciphered or
 * checked while no hooks are set (NIA0/NEA0 before security activation).
 *
 * Time: milliseconds from any monotonic origin, passed in by the caller (never decreasing); timers expire at
 * start + duration exactly. Memory: pdcp_core_init() allocates the reception buffer, the discard-timer table and
 * a scratch PDU; security activation allocates the crypto contexts; nothing else allocates. Threading: an
 * entity belongs to one thread; callbacks run inside the entity's calls and must not call back into it.
 * Nothing prints or reads a clock. Errors: 0 or a negative errno code.
 */
#ifndef GNBD_PDCP_PDCP_CORE_H
#define GNBD_PDCP_PDCP_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PDCP_MAC_I_BYTES 4
#define PDCP_MAX_SDU 9000                          /* 38.323 4.3.1 */
#define PDCP_TIMER_INFINITY (-1)
#define PDCP_COUNT_WARN_DEFAULT 0xffff0000u       /* 2^16 COUNTs before exhaustion */

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

/* What RRC hands PDCP after choosing algorithms (SecurityModeCommand) and deriving keys (pdcp_sec.h): K_RRCint
 * and K_RRCenc for SRBs, K_UPint and K_UPenc for DRBs. */
struct pdcp_sec_config {
    int nia, nea;                  /* 0 or 2 (pdcp_sec_alg_supported) */
    uint8_t k_int[16], k_enc[16];
    bool tx_cipher, rx_cipher;     /* start ciphering now in each direction (see pdcp_core_security_ciphering) */
};

/* SDU delivery to the upper layer, in ascending COUNT. */
typedef void (*pdcp_deliver_fn)(void *ctx, uint32_t count, const uint8_t *sdu, size_t len);

/* Indications to RRC (38.323 5.9, 5.1): COUNT is the one concerned. */
enum pdcp_event {
    PDCP_EV_INTEGRITY_FAILURE,
    PDCP_EV_TX_COUNT_NEAR_WRAP,
    PDCP_EV_RX_COUNT_NEAR_WRAP,
    PDCP_EV_TX_COUNT_EXHAUSTED,
};
typedef void (*pdcp_event_fn)(void *ctx, enum pdcp_event ev, uint32_t count);

struct pdcp_stats {
    uint64_t tx_pdus, tx_discarded;
    uint64_t rx_pdus, rx_delivered;
    uint64_t rx_malformed, rx_integrity_failed, rx_duplicate, rx_buffer_full, rx_count_invalid, rx_control;
    uint64_t t_reordering_expired;
};

struct pdcp_rx_slot {           /* one stored SDU of the reception buffer */
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

/* Layout and behaviour an entity is built with (filled by pdcp_srb.c / pdcp_drb.c from their configs). */
struct pdcp_core_params {
    int sn_bits;                /* 12 or 18 */
    bool dc_bit;                /* DRB: octet 1 starts with D/C (1 = data) */
    bool mac_i;                 /* the PDU ends with a MAC-I (always on SRBs; DRBs with integrity) */
    int clear_tx, clear_rx;     /* leading data octets never ciphered (SDAP header, 5.8): 0 or 1 each way */
    int bearer;                 /* BEARER input of the algorithms: RB identity - 1 */
    bool gnb;                   /* true: transmits DL and receives UL */
    int discard_timer_ms, t_reordering_ms, rx_buffer_sdus, tx_timer_sdus, max_sdu;
    uint32_t count_warn;        /* 0: PDCP_COUNT_WARN_DEFAULT */
    pdcp_deliver_fn deliver;
    void *deliver_ctx;
    pdcp_event_fn notify;       /* may be NULL */
    void *notify_ctx;
};

struct pdcp_sec_ctx;

struct pdcp_core {
    struct pdcp_core_params p;
    int hdr;                    /* header octets: 2 (12-bit SN) or 3 (18-bit SN) */
    uint32_t sn_mod, window;
    int tx_dir, rx_dir;
    struct pdcp_security sec;
    bool tx_cipher, rx_cipher;
    uint64_t rx_cipher_from;    /* with rx_cipher: only COUNTs from this one are deciphered */
    struct pdcp_sec_ctx *own_sec;   /* contexts made by pdcp_core_security_activate (freed by the entity) */
    uint64_t tx_next;           /* 64-bit so that 2^32 (COUNT exhausted) is representable */
    uint64_t rx_next, rx_deliv, rx_reord;
    bool t_reordering_running;
    int64_t t_reordering_expiry;
    bool tx_warned, rx_warned, tx_exhausted;
    struct pdcp_rx_slot *rx;    /* rx_buffer_sdus slots, indexed COUNT mod rx_buffer_sdus */
    uint8_t *rx_mem;
    uint8_t *scratch;           /* the PDU being received */
    struct pdcp_tx_timer *tx_timers;   /* tx_timer_sdus entries, indexed COUNT mod tx_timer_sdus */
    struct pdcp_stats stats;
};

/* 0, -EINVAL (parameters out of range) or -ENOMEM. */
int pdcp_core_init(struct pdcp_core *e, const struct pdcp_core_params *p);
void pdcp_core_free(struct pdcp_core *e);
/* New parameters for an allocated entity, without allocating: rx_buffer_sdus, tx_timer_sdus and max_sdu must
 * equal those of pdcp_core_init; the rest (SN size, MAC-I, clear octets, bearer, timers, callbacks) is taken.
 * Security goes back to NIA0/NEA0 and the entity is re-established. 0 or -EINVAL (nothing changed). */
int pdcp_core_reconfigure(struct pdcp_core *e, const struct pdcp_core_params *p);
/* 5.1.2 re-establishment: stored SDUs and running timers dropped, TX_NEXT = RX_NEXT = RX_DELIV = 0; security
 * stays (new keys come with pdcp_core_security_activate). */
void pdcp_core_reestablish(struct pdcp_core *e);

/* Hooks (copied; NULL = NIA0/NEA0, both directions ciphered when a cipher hook is given). */
void pdcp_core_set_security(struct pdcp_core *e, const struct pdcp_security *sec);
/* Integrity with sc's algorithm and key from now on in both directions, ciphering per sc->tx_cipher/rx_cipher.
 * 0, -EINVAL, -ENOTSUP (algorithm not implemented), -ENOMEM or -EIO; on error the previous state stays. */
int pdcp_core_security_activate(struct pdcp_core *e, const struct pdcp_sec_config *sc);
void pdcp_core_security_ciphering(struct pdcp_core *e, bool tx, bool rx);
/* Deciphering on for received PDUs whose COUNT is `count` or later; earlier COUNTs (a late PDU sent before the
 * peer started ciphering) stay clear. 38.331 5.3.4.3: the UE ciphers everything after its SecurityModeComplete,
 * so the gNB deciphers from that message's COUNT + 1, whenever it learns it. pdcp_core_security_ciphering()
 * keeps this limit; activation or new hooks clear it. */
void pdcp_core_security_rx_cipher_from(struct pdcp_core *e, uint32_t count);
/* One PDU received as if no security were active (no deciphering, MAC-I not checked), security kept for the
 * next: for the one message 38.331 5.3.4.3 has a UE send unprotected after integrity started on the network side
 * (SecurityModeFailure, when the SecurityModeCommand failed the UE's integrity check). Same returns as
 * pdcp_core_rx. */
int pdcp_core_rx_clear(struct pdcp_core *e, const uint8_t *pdu, size_t len, int64_t now_ms);
/* Back to NIA0/NEA0 (a new RRC connection), contexts freed. */
void pdcp_core_security_deactivate(struct pdcp_core *e);

static inline size_t pdcp_core_pdu_len(const struct pdcp_core *e, size_t sdu_len)
{
    return (size_t)e->hdr + sdu_len + (e->p.mac_i ? PDCP_MAC_I_BYTES : 0);
}

/* Data PDU of one SDU into out[cap]: 0, -EINVAL, -EMSGSIZE (beyond max_sdu), -ENOSPC (cap), -ENOBUFS (every
 * discard timer slot busy), -EOVERFLOW (COUNT space exhausted) or a security hook's error; nothing changes on
 * error. */
int pdcp_core_tx(struct pdcp_core *e, const uint8_t *sdu, size_t len, int64_t now_ms, uint8_t *out, size_t cap,
                 size_t *out_len, uint32_t *count);
int pdcp_core_tx_expire(struct pdcp_core *e, int64_t now_ms, uint32_t *out, int max);
void pdcp_core_tx_delivered(struct pdcp_core *e, uint32_t count);

/* One data PDU (header already known to be a data PDU of this layout). 0, -EBADMSG (malformed), -EACCES
 * (integrity verification failed), -EALREADY (duplicate or outside the COUNT space), -ENOBUFS (beyond the
 * reception buffer); each counted. */
int pdcp_core_rx(struct pdcp_core *e, const uint8_t *pdu, size_t len, int64_t now_ms);
void pdcp_core_tick(struct pdcp_core *e, int64_t now_ms);

/* SN of a data PDU with this layout; -EBADMSG when shorter than the header. */
int pdcp_core_pdu_sn(const struct pdcp_core *e, const uint8_t *pdu, size_t len);

#endif
