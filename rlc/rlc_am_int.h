/* Internal to the AM entity (rlc_am.c, rlc_am_tx.c, rlc_am_rx.c): the pieces each half calls in the other. */
#ifndef GNBD_RLC_AM_INT_H
#define GNBD_RLC_AM_INT_H

#include "rlc/rlc_am.h"

/* transmit side (rlc_am_tx.c) */
int rlc_am_tx_retx(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms);
int rlc_am_tx_new(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms);
int rlc_am_rx_status(struct rlc_am *e, const uint8_t *pdu, size_t len);
void rlc_am_poll_retransmit_expired(struct rlc_am *e);

/* receive side (rlc_am_rx.c) */
int rlc_am_rx_data(struct rlc_am *e, const uint8_t *pdu, size_t len, int64_t now_ms);
int rlc_am_build_status(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms);
void rlc_am_reassembly_expired(struct rlc_am *e, int64_t now_ms);
size_t rlc_am_status_estimate(const struct rlc_am *e);

/* SN arithmetic: SN of a transmit sequence number, and a receive SN relative to RX_Next (the modulus base). */
static inline uint32_t rlc_am_sn(const struct rlc_am *e, uint32_t seq)
{
    return seq & e->sn_mask;
}

static inline uint32_t rlc_am_rx_rel(const struct rlc_am *e, uint32_t sn)
{
    return (sn - e->rx_next) & e->sn_mask;
}

static inline struct rlc_am_tx_sdu *rlc_am_txs(const struct rlc_am *e, uint32_t seq)
{
    return &e->txs[seq % e->q.cap];
}

#endif
