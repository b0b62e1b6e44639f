/* libFuzzer target: RLC AM PDUs (data and STATUS) come from any UE in radio range. The input is a sequence of
 * PDUs, each a length byte then that many bytes; the first byte picks the configuration (12/18-bit SN, in-order
 * delivery). Before the PDUs the entity has sent a few SDUs (some segmented) so STATUS PDUs meet a real
 * transmit window; between PDUs time advances and the entity is asked for PDUs with small and large grants.
 * Nothing may crash or leak, every push answers 0 or -EBADMSG, every pulled PDU fits its grant, and every
 * delivered SDU fits the configured maximum. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc_am.h"

#include "tests/fuzz/rlc_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    struct rlc_am_config c = rlc_am_config_srb_default;
    c.sn_bits = data[0] & 1 ? 18 : 12;
    c.in_order_delivery = data[0] & 2;
    c.max_sdu_bytes = 600;
    c.rx_slots = 4;
    rlc_fuzz_max_sdu = c.max_sdu_bytes;
    struct rlc_am e;
    if (rlc_am_init(&e, &c, rlc_fuzz_deliver, NULL) != 0) abort();
    uint8_t sdu[100], out[700];
    for (int i = 0; i < 6; i++) {
        memset(sdu, i, sizeof sdu);
        rlc_am_write_sdu(&e, sdu, 20 + (size_t)i * 15);
        if (rlc_am_pull_pdu(&e, out, 40, 0) > 40) abort();
    }
    int64_t t = 0;
    size_t pos = 1;
    size_t len;
    for (const uint8_t *pdu; (pdu = rlc_fuzz_next(data, size, &pos, &len));) {
        int err = rlc_am_push_pdu(&e, pdu, len, t);
        if (err != 0 && err != -EBADMSG) abort();
        t += len % 50;
        size_t grant = 3 + len * 2; /* at most 513 bytes: within out */
        int n = rlc_am_pull_pdu(&e, out, grant, t);
        if (n < 0 || (size_t)n > grant) abort();
    }
    rlc_am_tick(&e, t + 5000);
    while (rlc_am_pull_pdu(&e, out, sizeof out, t + 5000) > 0) {}
    rlc_am_free(&e);
    return 0;
}
