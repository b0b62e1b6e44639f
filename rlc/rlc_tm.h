/* RLC transparent mode entity (3GPP TS 38.322 4.2.1.1, 5.2.1): SRB0 / CCCH (and BCCH, PCCH). An SDU passes
 * through unchanged as one TMD PDU (6.2.2.2: no header), both ways; TM never segments, so a grant smaller than
 * the next SDU carries nothing from this entity (the MAC sizes the grant with rlc_tm_next_sdu_len()).
 *
 * Transmit SDUs wait in a bounded queue (cfg.queue_sdus SDUs, cfg.queue_bytes bytes); a full queue refuses with
 * -ENOBUFS and counts sdus_dropped_full. Received PDUs are delivered at once through the callback; an empty PDU
 * or one above cfg.max_sdu_bytes is malformed (counted, dropped).
 *
 * Threading, memory and time: see rlc/rlc.h (one thread, allocation only in rlc_tm_init(); TM has no timers).
 */
#ifndef GNBD_RLC_TM_H
#define GNBD_RLC_TM_H

#include "rlc/rlc.h"
#include "rlc/rlc_sdu_queue.h"

struct rlc_tm_config {
    uint32_t queue_sdus;     /* SDUs waiting at most */
    size_t queue_bytes;      /* their bytes at most */
    uint32_t max_sdu_bytes;  /* largest SDU either way, 1..RLC_MAX_SDU_BYTES */
};

struct rlc_tm {
    struct rlc_tm_config cfg;
    struct rlc_sdu_queue q;
    rlc_deliver_fn deliver;
    void *ctx;
    struct rlc_counters cnt;
};

/* Returns 0, -EINVAL (bad configuration, NULL deliver), -ENOMEM. */
int rlc_tm_init(struct rlc_tm *e, const struct rlc_tm_config *cfg, rlc_deliver_fn deliver, void *ctx);
void rlc_tm_free(struct rlc_tm *e);

/* Queue an SDU for transmission. Returns 0, -EINVAL (empty), -EMSGSIZE, -ENOBUFS. */
int rlc_tm_write_sdu(struct rlc_tm *e, const uint8_t *sdu, size_t len);

/* Build the next TMD PDU into buf for a grant of max_bytes: returns its length, or 0 when the queue is empty or
 * the next SDU does not fit. */
int rlc_tm_pull_pdu(struct rlc_tm *e, uint8_t *buf, size_t max_bytes);

/* A received TMD PDU: delivered as the SDU. Returns 0 or -EBADMSG. */
int rlc_tm_push_pdu(struct rlc_tm *e, const uint8_t *pdu, size_t len);

/* Size of the next SDU (0 when none) and of everything queued, for the scheduler. */
size_t rlc_tm_next_sdu_len(const struct rlc_tm *e);
size_t rlc_tm_tx_pending(const struct rlc_tm *e);

/* Discard everything queued (re-establishment, 38.322 5.1.2); counters are kept. */
void rlc_tm_reset(struct rlc_tm *e);

#endif
