/* libFuzzer target: RLC UM PDUs from a UE. The input is a sequence of PDUs, each a length byte then that many
 * bytes; the first byte picks the SN length (6 or 12 bits). Time advances between PDUs so t-Reassembly fires.
 * Nothing may crash or leak, every push answers 0 or -EBADMSG, and every delivered SDU fits the configured
 * maximum. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "rlc/rlc_um.h"

#include "tests/fuzz/rlc_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    struct rlc_um_config c = {.sn_bits = data[0] & 1 ? 12 : 6, .t_reassembly_ms = data[0] >> 3,
                              .tx_sdus = 4, .tx_bytes = 1024, .rx_slots = 4, .max_sdu_bytes = 500};
    rlc_fuzz_max_sdu = c.max_sdu_bytes;
    struct rlc_um e;
    if (rlc_um_init(&e, &c, rlc_fuzz_deliver, NULL) != 0) abort();
    int64_t t = 0;
    size_t pos = 1;
    size_t len;
    for (const uint8_t *pdu; (pdu = rlc_fuzz_next(data, size, &pos, &len));) {
        int err = rlc_um_push_pdu(&e, pdu, len, t);
        if (err != 0 && err != -EBADMSG) abort();
        t += len % 16;
    }
    rlc_um_tick(&e, t + 1000);
    rlc_um_free(&e);
    return 0;
}
