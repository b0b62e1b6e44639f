/* RLC unacknowledged mode entity (3GPP TS 38.322 5.2.2): DRBs without retransmission, 6- or 12-bit SN.
 *
 * Transmit side (5.2.2.1): SDUs wait in a bounded queue (cfg.tx_sdus SDUs, cfg.tx_bytes bytes);
 * rlc_um_pull_pdu() sends an SDU that fits the grant whole as a UMD PDU without SN (SI = 00, 6.2.2.3), and
 * otherwise segments it: every segment carries SN = TX_Next and, after the first, the SO; TX_Next advances
 * after the last segment. An SDU leaves the queue once its last byte is sent.
 * Receive side (5.2.2.2): complete SDUs (SI = 00) are delivered at once; segments go into the reassembly window
 * RX_Next_Highest - UM_Window_Size <= SN < RX_Next_Highest (UM_Window_Size 32 for 6-bit, 2048 for 12-bit SN),
 * those below RX_Next_Reassembly are discarded, a segment beyond the window moves it (SDUs left behind are
 * discarded and counted in sdus_lost), and t-Reassembly (5.2.2.2.3/5.2.2.2.4, RX_Timer_Trigger) gives up on an
 * SDU whose segments do not all arrive. SDUs are delivered as they complete (no reordering in UM).
 *
 * Time, threading, memory, untrusted input, errors: rlc/rlc.h; rlc_um_push_pdu() and rlc_um_tick() expire a due
 * t-Reassembly first.
 */
#ifndef GNBD_RLC_UM_H
#define GNBD_RLC_UM_H

#include "rlc/rlc.h"
#include "rlc/rlc_rx_buf.h"
#include "rlc/rlc_sdu_queue.h"

struct rlc_um_config {
    int sn_bits;               /* 6 or 12 (38.331 SN-FieldLengthUM) */
    int t_reassembly_ms;       /* 0..200 */
    uint32_t tx_sdus;          /* resources (not 3GPP): SDUs and bytes queued for transmission */
    size_t tx_bytes;
    uint32_t rx_slots;         /* SDUs being reassembled at once */
    uint32_t max_sdu_bytes;    /* 1..RLC_MAX_SDU_BYTES */
};

struct rlc_um {
    struct rlc_um_config cfg;
    uint32_t sn_mask, window;
    rlc_deliver_fn deliver;
    void *ctx;
    struct rlc_counters cnt;
    /* transmit side */
    struct rlc_sdu_queue q;
    uint32_t tx_next;          /* TX_Next: SN of the next segmented SDU */
    uint32_t tx_so;            /* bytes of the head SDU already sent */
    /* receive side (5.2.2.2.1) */
    uint32_t rx_next_reassembly, rx_timer_trigger, rx_next_highest;
    uint64_t *rx_done;         /* bit per SN: reassembled and delivered */
    struct rlc_rx_buf rx;
    struct rlc_timer t_reassembly;
};

/* Returns 0, -EINVAL (bad configuration, NULL deliver), -ENOMEM. */
int rlc_um_init(struct rlc_um *e, const struct rlc_um_config *cfg, rlc_deliver_fn deliver, void *ctx);
void rlc_um_free(struct rlc_um *e);
/* Re-establishment (38.322 5.1.2): discard everything, reset state variables, stop t-Reassembly. */
void rlc_um_reset(struct rlc_um *e);

/* Queue an SDU. Returns 0, -EINVAL (empty), -EMSGSIZE, -ENOBUFS. */
int rlc_um_write_sdu(struct rlc_um *e, const uint8_t *sdu, size_t len);
/* Build the next UMD PDU for a grant of max_bytes: its length, or 0 (nothing queued, or not one byte fits). */
int rlc_um_pull_pdu(struct rlc_um *e, uint8_t *buf, size_t max_bytes);
/* A received UMD PDU. Returns 0 or -EBADMSG (counted, dropped). */
int rlc_um_push_pdu(struct rlc_um *e, const uint8_t *pdu, size_t len, int64_t now_ms);
/* Expire t-Reassembly when due. */
void rlc_um_tick(struct rlc_um *e, int64_t now_ms);
/* Bytes queued for transmission, with a header per SDU. */
size_t rlc_um_tx_pending(const struct rlc_um *e);

#endif
