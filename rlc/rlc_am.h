/* RLC acknowledged mode entity (3GPP TS 38.322 5.2.3, 5.3): SRB1/SRB2 and AM DRBs, 12- or 18-bit SN.
 *
 * Transmit side (5.2.3.1, 5.3.2, 5.3.3):
 *   rlc_am_write_sdu() copies an SDU into a bounded queue (cfg.tx_sdus SDUs and cfg.tx_bytes bytes, shared with
 *   the retransmission buffer: an SDU stays until it is positively acknowledged and TX_Next_Ack passes it).
 *   rlc_am_pull_pdu() builds one PDU for a grant of max_bytes, in this order (5.2.3.1.1, 5.3.4): a STATUS PDU when
 *   one is triggered and t-StatusProhibit is not running; then a retransmission (AMD PDU or segment, re-segmented
 *   to fit, 5.3.2); then new data (segmenting the SDU with SI and SO when it does not fit, 5.2.3.1.2), unless the
 *   window TX_Next_Ack <= SN < TX_Next_Ack + AM_Window_Size is full. Polling per 5.3.3.2: pollPDU, pollByte, the
 *   last PDU before both buffers are empty, window stall, and a poll after t-PollRetransmit expiry (5.3.3.4);
 *   POLL_SN, t-PollRetransmit (re)started with each poll and stopped by a STATUS PDU covering POLL_SN (5.3.3.3).
 *   STATUS PDUs received (5.3.2): ACK_SN acknowledges every SN below it that is not NACKed; NACKs (with SO
 *   ranges and NACK_range) queue retransmissions; RETX_COUNT per SDU, once per STATUS PDU; reaching
 *   maxRetxThreshold sets max_retx_reached (38.322 5.3.2: "indicate to upper layers"; RRC treats it as radio
 *   link failure, 38.331 5.3.10.3) - it stays set until rlc_am_reset(). A NACK below TX_Next_Ack (a STATUS
 *   PDU overtaken by a later one) is ignored as 5.3.2 says; a STATUS whose ACK_SN lies beyond what was sent is
 *   ignored whole (status_ignored).
 * Receive side (5.2.3.2, 5.3.4):
 *   rlc_am_push_pdu() takes an AMD PDU into the receive window RX_Next <= SN < RX_Next + AM_Window_Size
 *   (RX_Next, RX_Next_Highest, RX_Next_Status_Trigger, RX_Highest_Status as in 5.2.3.2.1), drops PDUs outside
 *   it and wholly duplicate segments, reassembles segments by SO and delivers each complete SDU once through the
 *   callback; t-Reassembly per 5.2.3.2.3/5.2.3.2.4; a STATUS report is triggered by a poll (delayed while the
 *   polled SN >= RX_Highest_Status, 5.3.4) and by t-Reassembly expiry, and built with NACK_SN, SOstart/SOend and
 *   NACK_range to fit the grant, ACK_SN = the next SN not reported missing.
 *   Delivery order: 38.322 delivers an SDU as soon as it is complete (PDCP reorders). With
 *   cfg.in_order_delivery, complete SDUs are instead held until every earlier SN has been delivered, so the
 *   upper layer sees SN order (a reassembly slot is then always kept free for RX_Next, so the hold cannot
 *   starve the SDU everything waits for).
 *
 * Time: now_ms in every call that may start or expire a timer; rlc_am_tick() expires timers alone. pull and
 * push also expire due timers first, so a caller may skip tick. Timers: t-PollRetransmit, t-Reassembly,
 * t-StatusProhibit (38.331 RLC-Config), each firing at start + value exactly.
 * Threading, memory, untrusted input, errors: rlc/rlc.h.
 *
 * Not done: RLC SDU discard (5.4) and the transmit-side "successful delivery" indication to PDCP (only counted
 * through the TX window moving).
 */
#ifndef GNBD_RLC_AM_H
#define GNBD_RLC_AM_H

#include "rlc/rlc.h"
#include "rlc/rlc_rx_buf.h"
#include "rlc/rlc_sdu_queue.h"

#define RLC_AM_INFINITY (-1)   /* pollPDU / pollByte "infinity" */

struct rlc_am_config {
    /* 38.331 RLC-Config (UL-AM-RLC / DL-AM-RLC), values in ms, PDUs, bytes */
    int sn_bits;                /* 12 or 18 */
    int t_poll_retransmit_ms;   /* 5..4000 */
    int poll_pdu;               /* 4..65536 or RLC_AM_INFINITY */
    int64_t poll_byte;          /* 1024..(kB) or RLC_AM_INFINITY */
    int max_retx_threshold;     /* 1, 2, 3, 4, 6, 8, 16, 32 */
    int t_reassembly_ms;        /* 0..200 */
    int t_status_prohibit_ms;   /* 0..2400 */
    /* resources (not 3GPP) */
    uint32_t tx_sdus;           /* SDUs held on the transmit side (queued + awaiting acknowledgement) */
    size_t tx_bytes;            /* their bytes */
    uint32_t rx_slots;          /* SDUs being reassembled (or held for in-order delivery) at once */
    uint32_t max_sdu_bytes;     /* largest SDU either way, 1..RLC_MAX_SDU_BYTES */
    bool in_order_delivery;     /* see above; false = 38.322 behaviour */
};

/* 38.331 9.2.1 default SRB configuration: t-PollRetransmit ms45, pollPDU infinity, pollByte infinity,
 * maxRetxThreshold t8, t-Reassembly ms35, t-StatusProhibit ms0, 12-bit SN; resources for RRC signalling
 * (32 SDUs / 64 KiB each way, 8 reassembly slots, SDUs up to 9000 + PDCP header and MAC-I bytes). */
extern const struct rlc_am_config rlc_am_config_srb_default;

/* Validate a configuration: 0 or -EINVAL. */
int rlc_am_config_check(const struct rlc_am_config *cfg);

/* Transmit-side record per held SDU. */
struct rlc_am_tx_sdu {
    int retx_count;             /* RETX_COUNT; -1 before the SDU is first considered for retransmission */
    uint32_t retx_event;        /* the STATUS PDU / expiry that last counted it */
    uint32_t retx_start, retx_end; /* byte range [start, end) waiting for retransmission when in_retx */
    bool in_retx;
    bool acked;
};

struct rlc_am {
    struct rlc_am_config cfg;
    uint32_t sn_mask, window;   /* 2^sn_bits - 1, AM_Window_Size = 2^(sn_bits - 1) */
    int sn_bits_alloc;          /* the SN size rx_done was allocated for (rlc_am_reconfigure may go down to 12) */
    rlc_deliver_fn deliver;
    void *ctx;
    struct rlc_counters cnt;
    bool max_retx_reached;

    /* transmit side: SDUs by 32-bit sequence number, SN = seq & sn_mask; q.head is TX_Next_Ack */
    struct rlc_sdu_queue q;
    struct rlc_am_tx_sdu *txs;  /* indexed like q's descriptors */
    uint32_t tx_next;           /* TX_Next (seq) */
    uint32_t tx_next_so;        /* bytes of SDU tx_next already sent as segments */
    uint32_t *retxq;            /* FIFO of seqs waiting for retransmission */
    uint32_t retxq_head, retxq_count;
    uint32_t retx_event;
    uint32_t pdu_without_poll;  /* PDU_WITHOUT_POLL */
    uint64_t byte_without_poll; /* BYTE_WITHOUT_POLL */
    uint32_t poll_sn;           /* POLL_SN (seq) */
    bool poll_forced;           /* t-PollRetransmit expired: poll in the next AMD PDU */
    struct rlc_timer t_poll_retransmit;

    /* receive side, in SNs (38.322 5.2.3.2.1) */
    uint32_t rx_next, rx_next_status_trigger, rx_next_highest, rx_highest_status;
    uint64_t *rx_done;          /* bit per SN: every byte received */
    struct rlc_rx_buf rx;
    struct rlc_timer t_reassembly, t_status_prohibit;
    bool status_triggered;
    bool poll_delayed;          /* polls waiting for RX_Highest_Status to pass them (5.3.4) */
    uint32_t poll_lo, poll_hi;  /* lowest and highest such polled SN */
};

/* Returns 0, -EINVAL (bad configuration, NULL deliver), -ENOMEM. */
int rlc_am_init(struct rlc_am *e, const struct rlc_am_config *cfg, rlc_deliver_fn deliver, void *ctx);
void rlc_am_free(struct rlc_am *e);

/* A new 38.331 RLC-Config for an allocated entity, without allocating (an RRC reconfiguration on a thread
 * that must not allocate): the protocol fields of cfg (SN size, timers, polling, maxRetxThreshold, in-order
 * delivery) replace the entity's, the resources (tx_sdus, tx_bytes, rx_slots, max_sdu_bytes) must equal those it
 * was built with and the SN size may not exceed that of rlc_am_init; then the entity is re-established
 * (rlc_am_reset). 0 or -EINVAL (nothing changed). */
int rlc_am_reconfigure(struct rlc_am *e, const struct rlc_am_config *cfg);

/* Re-establishment (38.322 5.1.2): discard every SDU, segment and PDU, reset state variables and timers, clear
 * max_retx_reached. Counters are kept. */
void rlc_am_reset(struct rlc_am *e);

/* Queue an SDU. Returns 0, -EINVAL (empty), -EMSGSIZE (> max_sdu_bytes), -ENOBUFS (queue full). */
int rlc_am_write_sdu(struct rlc_am *e, const uint8_t *sdu, size_t len);

/* Build the next PDU (status, retransmission or new data) into buf for a grant of max_bytes. Returns its
 * length, or 0 when there is nothing to send or nothing fits. */
int rlc_am_pull_pdu(struct rlc_am *e, uint8_t *buf, size_t max_bytes, int64_t now_ms);

/* A PDU from the peer (data or STATUS). Returns 0, or -EBADMSG for a malformed PDU (counted, dropped).
 * Complete SDUs are delivered through the callback during the call. */
int rlc_am_push_pdu(struct rlc_am *e, const uint8_t *pdu, size_t len, int64_t now_ms);

/* Expire due timers (t-PollRetransmit, t-Reassembly, t-StatusProhibit). */
void rlc_am_tick(struct rlc_am *e, int64_t now_ms);

/* Bytes the entity would send given room (STATUS estimate + retransmissions + new data, headers included),
 * for the scheduler and buffer status reports. */
size_t rlc_am_tx_pending(const struct rlc_am *e);

/* True when a STATUS PDU is due and allowed now. */
bool rlc_am_status_pending(const struct rlc_am *e, int64_t now_ms);

#endif
