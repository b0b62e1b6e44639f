/* libFuzzer target: PDCP PDUs on a DRB (pdcp/pdcp_drb.h) come from the UE through RLC. The input is a script for
 * a fresh gNB-side entity: byte 0 picks the SN size (12/18), UP integrity (128-NIA2), ciphering (128-NEA2, fixed
 * keys), an UL SDAP header, t-Reordering (infinite, 0, 5 or 40 ms) and the DRB identity; then records of [time
 * step 0..255 ms][length][PDU bytes], each given to pdcp_drb_rx() and followed by pdcp_drb_tick(), with the
 * checks of tests/fuzz/pdcp_fuzz.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdcp/pdcp_drb.h"
#include "tests/fuzz/pdcp_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rx(void *e, const uint8_t *pdu, size_t len, int64_t now) { return pdcp_drb_rx(e, pdu, len, now); }
static void tick(void *e, int64_t now) { pdcp_drb_tick(e, now); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const int t_reordering[4] = {PDCP_TIMER_INFINITY, 0, 5, 40};
    struct pdcp_drb_config cfg;
    pdcp_drb_config_default(&cfg, 1 + (data[0] >> 6));
    cfg.sn_bits = data[0] & 1 ? 18 : 12;
    cfg.integrity = data[0] & 2;
    cfg.sdap_header_ul = data[0] & 8;
    cfg.t_reordering_ms = t_reordering[data[0] >> 4 & 3];
    cfg.max_sdu = PDCP_FUZZ_MAX_SDU;
    cfg.rx_buffer_sdus = 8;
    cfg.deliver = pdcp_fuzz_deliver;
    struct pdcp_drb e;
    if (pdcp_drb_init(&e, &cfg) != 0) abort();
    struct pdcp_sec_config sc = {.nia = 2, .nea = data[0] & 4 ? 2 : 0, .tx_cipher = true, .rx_cipher = true};
    memset(sc.k_int, 0x11, sizeof sc.k_int);
    memset(sc.k_enc, 0x22, sizeof sc.k_enc);
    if ((cfg.integrity || sc.nea) && pdcp_drb_security_activate(&e, &sc) != 0) abort();
    pdcp_fuzz_run(data, size, &e, &e.core, rx, tick);
    pdcp_drb_free(&e);
    return 0;
}
