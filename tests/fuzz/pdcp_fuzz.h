/* Shared by the PDCP fuzz targets: the delivery check and the script runner (records of [time step][length]
 * [PDU bytes] after one configuration byte), with the invariants every entity keeps (pdcp/pdcp_core.h). */
#ifndef GNBD_TESTS_PDCP_FUZZ_H
#define GNBD_TESTS_PDCP_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdcp/pdcp_core.h"

#define PDCP_FUZZ_MAX_SDU 512

static int64_t pdcp_fuzz_last_count;
static uint64_t pdcp_fuzz_delivered;

/* SDUs go up in strictly ascending COUNT, each non-empty, within the configured size and readable end to end. */
static void pdcp_fuzz_deliver(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    (void)ctx;
    if ((int64_t)count <= pdcp_fuzz_last_count || len == 0 || len > PDCP_FUZZ_MAX_SDU) abort();
    volatile uint8_t touch = sdu[0] ^ sdu[len - 1];
    (void)touch;
    pdcp_fuzz_last_count = count;
    pdcp_fuzz_delivered++;
}

/* Runs the records of data[1..size) through rx/tick on entity e whose core is c: every call answers one of the
 * documented codes, RX_DELIV <= RX_NEXT, and the counters account for every PDU. */
static void pdcp_fuzz_run(const uint8_t *data, size_t size, void *e, struct pdcp_core *c,
                          int (*rx)(void *e, const uint8_t *pdu, size_t len, int64_t now),
                          void (*tick)(void *e, int64_t now))
{
    pdcp_fuzz_last_count = -1;
    pdcp_fuzz_delivered = 0;
    int64_t now = 0;
    uint64_t pdus = 0, ok = 0;
    size_t pos = 1;
    while (pos + 2 <= size) {
        now += data[pos];
        size_t len = data[pos + 1];
        pos += 2;
        if (len > size - pos) len = size - pos;
        uint8_t *pdu = malloc(len ? len : 1);   /* exactly len bytes, so that ASan sees any read past the PDU */
        if (!pdu) abort();
        memcpy(pdu, data + pos, len);
        int r = rx(e, pdu, len, now);
        free(pdu);
        pos += len;
        pdus++;
        if (r == 0)
            ok++;
        else if (r != -EBADMSG && r != -EACCES && r != -EALREADY && r != -ENOBUFS && r != -ENOTSUP)
            abort();
        tick(e, now);
        if (c->rx_deliv > c->rx_next) abort();
    }
    const struct pdcp_stats *s = &c->stats;
    if (s->rx_pdus != pdus || s->rx_delivered != pdcp_fuzz_delivered || pdcp_fuzz_delivered > ok ||
        s->rx_pdus != ok + s->rx_malformed + s->rx_integrity_failed + s->rx_duplicate + s->rx_buffer_full +
                          s->rx_count_invalid + s->rx_control)
        abort();
}

#endif
