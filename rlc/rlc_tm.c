/* RLC TM entity: 38.322 5.2.1 (TM data transfer), 6.2.2.2 (TMD PDU = the SDU). */
#include "rlc/rlc_tm.h"

#include <errno.h>
#include <string.h>

int rlc_tm_init(struct rlc_tm *e, const struct rlc_tm_config *cfg, rlc_deliver_fn deliver, void *ctx)
{
    memset(e, 0, sizeof *e);
    if (!deliver || cfg->max_sdu_bytes == 0 || cfg->max_sdu_bytes > RLC_MAX_SDU_BYTES) return -EINVAL;
    int err = rlc_sdu_queue_init(&e->q, cfg->queue_sdus, cfg->queue_bytes);
    if (err) return err;
    e->cfg = *cfg;
    e->deliver = deliver;
    e->ctx = ctx;
    return 0;
}

void rlc_tm_free(struct rlc_tm *e)
{
    rlc_sdu_queue_free(&e->q);
}

int rlc_tm_write_sdu(struct rlc_tm *e, const uint8_t *sdu, size_t len)
{
    int64_t seq = rlc_sdu_queue_write(&e->q, sdu, len, e->cfg.max_sdu_bytes, &e->cnt);
    return seq < 0 ? (int)seq : 0;
}

int rlc_tm_pull_pdu(struct rlc_tm *e, uint8_t *buf, size_t max_bytes)
{
    size_t len = rlc_tm_next_sdu_len(e);
    if (len == 0 || len > max_bytes) return 0;
    rlc_sdu_queue_copy(&e->q, e->q.head, 0, buf, len);
    rlc_sdu_queue_pop(&e->q);
    e->cnt.pdus_tx++;
    e->cnt.bytes_tx += len;
    return (int)len;
}

int rlc_tm_push_pdu(struct rlc_tm *e, const uint8_t *pdu, size_t len)
{
    e->cnt.pdus_rx++;
    e->cnt.bytes_rx += len;
    if (len == 0 || len > e->cfg.max_sdu_bytes) {
        e->cnt.malformed_dropped++;
        return -EBADMSG;
    }
    e->cnt.sdus_delivered++;
    e->deliver(e->ctx, pdu, len);
    return 0;
}

size_t rlc_tm_next_sdu_len(const struct rlc_tm *e)
{
    return rlc_sdu_queue_count(&e->q) ? rlc_sdu_queue_len(&e->q, e->q.head) : 0;
}

size_t rlc_tm_tx_pending(const struct rlc_tm *e)
{
    return e->q.used_bytes;
}

void rlc_tm_reset(struct rlc_tm *e)
{
    rlc_sdu_queue_clear(&e->q, 0);
}
