/* libFuzzer target: PDCP PDUs on SRB1 (pdcp/pdcp_srb.h) come from the UE through RLC. The input is a script for
 * a fresh gNB-side entity: byte 0 picks t-Reordering (infinite, 0, 5 or 40 ms) and whether a toy integrity
 * check runs; then records of [time step 0..255 ms][length][PDU bytes], each given to pdcp_srb_rx() and followed
 * by pdcp_srb_tick(). Every call must answer one of its documented codes without reading past the PDU; SDUs
 * must go up in strictly ascending COUNT, each at most the configured size; RX_DELIV <= RX_NEXT; and the
 * counters must account for every PDU. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdcp/pdcp_srb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t last_count;
static uint64_t delivered;

static void on_sdu(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    (void)ctx;
    if ((int64_t)count <= last_count || len == 0 || len > 512) abort();
    volatile uint8_t touch = sdu[0] ^ sdu[len - 1];
    (void)touch;
    last_count = count;
    delivered++;
}

/* a toy MAC-I: the XOR of the message bytes with the low COUNT byte, repeated */
static int toy_verify(void *ctx, uint32_t count, int bearer, int dir, const uint8_t *m, size_t len,
                      const uint8_t mac[4])
{
    (void)ctx;
    (void)bearer;
    (void)dir;
    uint8_t x = (uint8_t)count;
    for (size_t i = 0; i < len; i++) x ^= m[i];
    return mac[0] == x ? 0 : -EBADMSG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const int t_reordering[4] = {PDCP_TIMER_INFINITY, 0, 5, 40};
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 1);
    cfg.t_reordering_ms = t_reordering[data[0] & 3];
    cfg.max_sdu = 512;
    cfg.rx_buffer_sdus = 8;
    cfg.deliver = on_sdu;
    struct pdcp_srb e;
    if (pdcp_srb_init(&e, &cfg) != 0) abort();
    if (data[0] & 4) pdcp_srb_set_security(&e, &(struct pdcp_security){.verify = toy_verify});
    last_count = -1;
    delivered = 0;
    int64_t now = 0;
    uint64_t pdus = 0, ok = 0;
    size_t pos = 1;
    while (pos + 2 <= size) {
        now += data[pos];
        size_t len = data[pos + 1];
        pos += 2;
        if (len > size - pos) len = size - pos;
        /* a private copy of exactly len bytes, so that ASan sees any read past the PDU */
        uint8_t *pdu = malloc(len ? len : 1);
        if (!pdu) abort();
        memcpy(pdu, data + pos, len);
        int r = pdcp_srb_rx(&e, pdu, len, now);
        free(pdu);
        pos += len;
        pdus++;
        if (r == 0)
            ok++;
        else if (r != -EBADMSG && r != -EACCES && r != -EALREADY && r != -ENOBUFS)
            abort();
        pdcp_srb_tick(&e, now);
        if (e.core.rx_deliv > e.core.rx_next) abort();
    }
    const struct pdcp_stats *s = &e.core.stats;
    if (s->rx_pdus != pdus || s->rx_delivered != delivered || delivered > ok ||
        s->rx_pdus != ok + s->rx_malformed + s->rx_integrity_failed + s->rx_duplicate + s->rx_buffer_full +
                           s->rx_count_invalid)
        abort();
    pdcp_srb_free(&e);
    return 0;
}
