/* libFuzzer target: UL-CCCH messages (Msg3, rrc/msg/ul_ccch.h) come from any UE in radio range. The decoder must
 * never read past the input or crash, must answer 0, -EBADMSG or -ENOTSUP, and a decoded RRCSetupRequest must
 * re-encode to exactly the 48 bits it was read from. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rrc/msg/ul_ccch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rrc_ul_ccch_msg msg;
    int err = rrc_ul_ccch_decode(data, size, &msg);
    if (err != 0 && err != -EBADMSG && err != -ENOTSUP) abort();
    if (err != 0) return 0;
    if (msg.type != RRC_UL_CCCH_SETUP_REQUEST || size < RRC_UL_CCCH_SETUP_REQUEST_BYTES) abort();
    uint8_t again[RRC_UL_CCCH_SETUP_REQUEST_BYTES];
    size_t len;
    if (rrc_ul_ccch_encode_setup_request(&msg.setup_request, again, sizeof again, &len) != 0 ||
        len != RRC_UL_CCCH_SETUP_REQUEST_BYTES || memcmp(again, data, len) != 0)
        abort();
    return 0;
}
