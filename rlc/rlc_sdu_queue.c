/* Transmit SDU store: descriptors in a circular array indexed by sequence number, bytes in a ring that is
 * written at `write` and released from the head SDU's offset. An SDU may wrap around the end of the ring. */
#include "rlc/rlc_sdu_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc.h"

int rlc_sdu_queue_init(struct rlc_sdu_queue *q, uint32_t max_sdus, size_t bytes)
{
    memset(q, 0, sizeof *q);
    if (max_sdus == 0 || bytes == 0) return -EINVAL;
    q->bytes = malloc(bytes);
    q->desc = calloc(max_sdus, sizeof *q->desc);
    if (!q->bytes || !q->desc) {
        rlc_sdu_queue_free(q);
        return -ENOMEM;
    }
    q->cap_bytes = bytes;
    q->cap = max_sdus;
    return 0;
}

void rlc_sdu_queue_free(struct rlc_sdu_queue *q)
{
    free(q->bytes);
    free(q->desc);
    memset(q, 0, sizeof *q);
}

void rlc_sdu_queue_clear(struct rlc_sdu_queue *q, uint32_t next_seq)
{
    q->head = q->tail = next_seq;
    q->used_bytes = 0;
    q->write = 0;
}

int64_t rlc_sdu_queue_push(struct rlc_sdu_queue *q, const uint8_t *sdu, size_t len)
{
    if (rlc_sdu_queue_count(q) >= q->cap || len > q->cap_bytes - q->used_bytes) return -ENOBUFS;
    uint32_t seq = q->tail;
    struct rlc_sdu_desc *d = &q->desc[seq % q->cap];
    d->off = q->write;
    d->len = (uint32_t)len;
    size_t first = q->cap_bytes - q->write;
    if (first > len) first = len;
    memcpy(q->bytes + q->write, sdu, first);
    memcpy(q->bytes, sdu + first, len - first);
    q->write = (q->write + len) % q->cap_bytes;
    q->used_bytes += len;
    q->tail++;
    return seq;
}

void rlc_sdu_queue_pop(struct rlc_sdu_queue *q)
{
    if (q->head == q->tail) return;
    q->used_bytes -= q->desc[q->head % q->cap].len;
    q->head++;
    if (q->head == q->tail) q->write = 0, q->used_bytes = 0;
}

void rlc_sdu_queue_copy(const struct rlc_sdu_queue *q, uint32_t seq, size_t off, uint8_t *dst, size_t n)
{
    size_t at = (q->desc[seq % q->cap].off + off) % q->cap_bytes;
    size_t first = q->cap_bytes - at;
    if (first > n) first = n;
    memcpy(dst, q->bytes + at, first);
    memcpy(dst + first, q->bytes, n - first);
}

int64_t rlc_sdu_queue_write(struct rlc_sdu_queue *q, const uint8_t *sdu, size_t len, uint32_t max_sdu,
                            struct rlc_counters *cnt)
{
    if (len == 0) return -EINVAL;
    int64_t seq = len > max_sdu ? -EMSGSIZE : rlc_sdu_queue_push(q, sdu, len);
    if (seq < 0)
        cnt->sdus_dropped_full++;
    else
        cnt->sdus_in++;
    return seq;
}
