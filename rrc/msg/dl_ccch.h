/* DL-CCCH-Message (38.331 6.2.1): RRCSetup (6.2.2: rrc-TransactionIdentifier, RadioBearerConfig,
 * masterCellGroup = an OCTET STRING containing a CellGroupConfig) and RRCReject (waitTime), the SRB0 messages a
 * UE receives in Msg4. Both directions: gnbd encodes them; the decoder reads them back (tests, UE simulator).
 * Non-critical extensions are not modelled (encoded absent; -ENOTSUP when decoded).
 *
 * Threading: pure functions over caller memory; any thread. The encoder uses about 2 KiB of stack for the
 * nested CellGroupConfig.
 */
#ifndef GNBD_RRC_MSG_DL_CCCH_H
#define GNBD_RRC_MSG_DL_CCCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrc/msg/cell_group_config.h"
#include "rrc/msg/radio_bearer_config.h"

enum rrc_dl_ccch_type { RRC_DL_CCCH_REJECT = 0, RRC_DL_CCCH_SETUP = 1 };

struct rrc_setup {
    int transaction_id;          /* RRC-TransactionIdentifier 0..3 */
    struct rrc_radio_bearer_config radio_bearer_config;
    struct rrc_cell_group_config master_cell_group;
};

struct rrc_reject {
    bool has_wait_time;
    int wait_time;               /* RejectWaitTime 1..16 s */
};

struct rrc_dl_ccch_msg {
    enum rrc_dl_ccch_type type;
    struct rrc_setup setup;      /* type RRC_DL_CCCH_SETUP */
    struct rrc_reject reject;    /* type RRC_DL_CCCH_REJECT */
};

/* Encodes into buf[cap]; *len gets the byte count. Returns 0, -EINVAL (a value outside its constraint) or
 * -ENOSPC. */
int rrc_dl_ccch_encode(const struct rrc_dl_ccch_msg *msg, uint8_t *buf, size_t cap, size_t *len);
/* Decodes; 0, -EBADMSG (malformed), -ENOTSUP (spare or extension message, or a field not modelled). */
int rrc_dl_ccch_decode(const uint8_t *buf, size_t len, struct rrc_dl_ccch_msg *msg);

#endif
