/* libFuzzer target: PDCP PDUs on SRB1 (pdcp/pdcp_srb.h) come from the UE through RLC. The input is a script for
 * a fresh gNB-side entity: byte 0 picks t-Reordering (infinite, 0, 5 or 40 ms) and whether a toy integrity
 * check runs; then records of [time step 0..255 ms][length][PDU bytes], each given to pdcp_srb_rx() and followed
 * by pdcp_srb_tick(), with the checks of tests/fuzz/pdcp_fuzz.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "pdcp/pdcp_srb.h"
#include "tests/fuzz/pdcp_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static int rx(void *e, const uint8_t *pdu, size_t len, int64_t now) { return pdcp_srb_rx(e, pdu, len, now); }
static void tick(void *e, int64_t now) { pdcp_srb_tick(e, now); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const int t_reordering[4] = {PDCP_TIMER_INFINITY, 0, 5, 40};
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 1);
    cfg.t_reordering_ms = t_reordering[data[0] & 3];
    cfg.max_sdu = PDCP_FUZZ_MAX_SDU;
    cfg.rx_buffer_sdus = 8;
    cfg.deliver = pdcp_fuzz_deliver;
    struct pdcp_srb e;
    if (pdcp_srb_init(&e, &cfg) != 0) abort();
    if (data[0] & 4) pdcp_srb_set_security(&e, &(struct pdcp_security){.verify = toy_verify});
    pdcp_fuzz_run(data, size, &e, &e.core, rx, tick);
    pdcp_srb_free(&e);
    return 0;
}
