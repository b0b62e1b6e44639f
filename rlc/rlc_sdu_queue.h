/* A transmit-side SDU store for the RLC entities: a FIFO of SDUs copied into one preallocated byte ring, each
 * SDU named by a 32-bit sequence number (its arrival count). SDUs leave only from the head, in order, which is
 * all TM and UM need (an SDU leaves once sent) and what AM needs too (an SDU leaves when TX_Next_Ack passes it,
 * 38.322 5.2.3.1.1, while later SDUs may still wait for acknowledgement or transmission).
 *
 * Memory: rlc_sdu_queue_init() allocates max_sdus descriptors and `bytes` bytes; nothing else allocates.
 * Threading: the owning entity's thread only.
 */
#ifndef GNBD_RLC_SDU_QUEUE_H
#define GNBD_RLC_SDU_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct rlc_sdu_desc {
    size_t off;   /* first byte in the ring */
    uint32_t len;
};

struct rlc_sdu_queue {
    uint8_t *bytes;
    size_t cap_bytes, used_bytes, write;
    struct rlc_sdu_desc *desc;
    uint32_t cap;           /* descriptors */
    uint32_t head, tail;    /* sequence numbers: head = oldest held, tail = next to be assigned */
};

/* Returns 0, -EINVAL for zero sizes, -ENOMEM. */
int rlc_sdu_queue_init(struct rlc_sdu_queue *q, uint32_t max_sdus, size_t bytes);
void rlc_sdu_queue_free(struct rlc_sdu_queue *q);
/* Forget every SDU; the next one gets sequence number `next_seq`. */
void rlc_sdu_queue_clear(struct rlc_sdu_queue *q, uint32_t next_seq);

/* Copy an SDU in. Returns its sequence number (>= 0 as int64) or -ENOBUFS when descriptors or bytes run out. */
int64_t rlc_sdu_queue_push(struct rlc_sdu_queue *q, const uint8_t *sdu, size_t len);
/* An entity's SDU entry point: refuses an empty SDU (-EINVAL), one above max_sdu (-EMSGSIZE) or a full queue
 * (-ENOBUFS), counting the last two in cnt->sdus_dropped_full; counts accepted SDUs in cnt->sdus_in. Returns the
 * sequence number or the error. */
struct rlc_counters;
int64_t rlc_sdu_queue_write(struct rlc_sdu_queue *q, const uint8_t *sdu, size_t len, uint32_t max_sdu,
                            struct rlc_counters *cnt);

/* Drop the head SDU (no-op when empty). */
void rlc_sdu_queue_pop(struct rlc_sdu_queue *q);

static inline uint32_t rlc_sdu_queue_count(const struct rlc_sdu_queue *q)
{
    return q->tail - q->head;
}

/* True when an SDU of len bytes would be accepted now. */
static inline int rlc_sdu_queue_fits(const struct rlc_sdu_queue *q, size_t len)
{
    return rlc_sdu_queue_count(q) < q->cap && len <= q->cap_bytes - q->used_bytes;
}

/* True when seq names an SDU held now. */
static inline int rlc_sdu_queue_holds(const struct rlc_sdu_queue *q, uint32_t seq)
{
    return seq - q->head < q->tail - q->head;
}

/* Length of the held SDU seq. */
static inline uint32_t rlc_sdu_queue_len(const struct rlc_sdu_queue *q, uint32_t seq)
{
    return q->desc[seq % q->cap].len;
}

/* Copy bytes [off, off + n) of the held SDU seq to dst (the caller keeps within its length). */
void rlc_sdu_queue_copy(const struct rlc_sdu_queue *q, uint32_t seq, size_t off, uint8_t *dst, size_t n);

#endif
