/* UL-CCCH-Message (38.331 6.2.1) with RRCSetupRequest (6.2.2: ue-Identity = ng-5G-S-TMSI-Part1 or a 39-bit
 * randomValue, establishmentCause, one spare bit): the 48-bit SRB0 message a UE sends in Msg3. Its first 6
 * bytes are also the UE contention resolution identity that Msg4 echoes (38.321 5.1.5).
 *
 * rrc_ul_ccch_decode() parses bytes from the air: every read is bounds-checked, malformed or truncated input
 * gives -EBADMSG, the other UL-CCCH messages (RRCResumeRequest, RRCReestablishmentRequest,
 * RRCSystemInfoRequest) give -ENOTSUP with msg->type telling which it was. The encoder serves tests and the UE
 * simulator. Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_UL_CCCH_H
#define GNBD_RRC_MSG_UL_CCCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RRC_UL_CCCH_SETUP_REQUEST_BYTES 6

enum rrc_ul_ccch_type {
    RRC_UL_CCCH_SETUP_REQUEST,
    RRC_UL_CCCH_RESUME_REQUEST,
    RRC_UL_CCCH_REESTABLISHMENT_REQUEST,
    RRC_UL_CCCH_SYSTEM_INFO_REQUEST,
    RRC_UL_CCCH_CLASS_EXTENSION, /* messageClassExtension */
};

/* EstablishmentCause (values 10..15 are spare). */
enum rrc_establishment_cause {
    RRC_CAUSE_EMERGENCY, RRC_CAUSE_HIGH_PRIORITY_ACCESS, RRC_CAUSE_MT_ACCESS, RRC_CAUSE_MO_SIGNALLING,
    RRC_CAUSE_MO_DATA, RRC_CAUSE_MO_VOICE_CALL, RRC_CAUSE_MO_VIDEO_CALL, RRC_CAUSE_MO_SMS,
    RRC_CAUSE_MPS_PRIORITY_ACCESS, RRC_CAUSE_MCS_PRIORITY_ACCESS
};

struct rrc_setup_request {
    bool ue_identity_is_tmsi_part1; /* ng-5G-S-TMSI-Part1 (the 39 rightmost bits of 5G-S-TMSI), else randomValue */
    uint64_t ue_identity;           /* 39 bits */
    int establishment_cause;        /* enum rrc_establishment_cause, 0..15 */
    int spare;                      /* the spare bit as received (0 when sent) */
};

struct rrc_ul_ccch_msg {
    enum rrc_ul_ccch_type type;
    struct rrc_setup_request setup_request;
};

int rrc_ul_ccch_decode(const uint8_t *buf, size_t len, struct rrc_ul_ccch_msg *msg);
/* Encodes an UL-CCCH-Message with RRCSetupRequest (6 bytes). Returns 0, -EINVAL or -ENOSPC. */
int rrc_ul_ccch_encode_setup_request(const struct rrc_setup_request *req, uint8_t *buf, size_t cap, size_t *len);

#endif
