/* DL-DCCH-Message (38.331 6.2.1) with DLInformationTransfer (the NAS relay) and RRCRelease (6.2.2), the SRB1 message that sends a connected UE to
 * RRC_IDLE (38.331 5.3.8): rrc-TransactionIdentifier and criticalExtensions rrcRelease with the RRCRelease-IEs
 * gnbd can send: deprioritisationReq (type and timer) and, in the v1540 extension, waitTime. The IEs gnbd never
 * sends (redirectedCarrierInfo, cellReselectionPriorities, suspendConfig, lateNonCriticalExtension, the v1610
 * and later extensions) are encoded absent and refused with -ENOTSUP when decoded. The other DL-DCCH messages
 * (reconfiguration, security mode command, ...) will be added here as they are built; decoding one gives
 * -ENOTSUP with msg->c1 telling which.
 *
 * Encoding for gnbd; decoding for tests and the UE simulator. Threading: pure functions over caller memory.
 */
#ifndef GNBD_RRC_MSG_DL_DCCH_H
#define GNBD_RRC_MSG_DL_DCCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* c1 alternatives of DL-DCCH-MessageType (16, the last three spare). */
enum rrc_dl_dcch_c1 {
    RRC_DL_DCCH_RECONFIGURATION, RRC_DL_DCCH_RESUME, RRC_DL_DCCH_RELEASE, RRC_DL_DCCH_REESTABLISHMENT,
    RRC_DL_DCCH_SECURITY_MODE_COMMAND, RRC_DL_DCCH_DL_INFORMATION_TRANSFER, RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY,
    RRC_DL_DCCH_COUNTER_CHECK, RRC_DL_DCCH_MOBILITY_FROM_NR_COMMAND, RRC_DL_DCCH_DL_DEDICATED_MESSAGE_SEGMENT,
    RRC_DL_DCCH_UE_INFORMATION_REQUEST, RRC_DL_DCCH_DL_INFORMATION_TRANSFER_MRDC,
    RRC_DL_DCCH_LOGGED_MEASUREMENT_CONFIGURATION, RRC_DL_DCCH_SPARE3, RRC_DL_DCCH_SPARE2, RRC_DL_DCCH_SPARE1
};

enum rrc_deprioritisation_type { RRC_DEPRIO_FREQUENCY = 0, RRC_DEPRIO_NR = 1 };

struct rrc_release {
    int transaction_id;              /* RRC-TransactionIdentifier 0..3 */
    bool has_deprioritisation;       /* deprioritisationReq */
    enum rrc_deprioritisation_type deprioritisation_type;
    int deprioritisation_timer_min;  /* 5, 10, 15 or 30 minutes */
    bool has_wait_time;              /* RRCRelease-v1540-IEs waitTime */
    int wait_time;                   /* RejectWaitTime 1..16 s */
};

/* 38.331 6.2.2 DLInformationTransfer: a NAS message for a connected UE. lateNonCriticalExtension and the
 * v1610 extension are never encoded and refused (-ENOTSUP) when decoded. */
#define RRC_DL_NAS_MAX 9000
struct rrc_dl_information_transfer {
    int transaction_id;              /* 0..3 */
    bool has_dedicated_nas;
    size_t dedicated_nas_len;
    uint8_t dedicated_nas[RRC_DL_NAS_MAX];
};

/* 38.331 6.2.2 SecurityModeCommand: the AS algorithms (6.3.2 SecurityAlgorithmConfig; CipheringAlgorithm and
 * IntegrityProtAlgorithm index 0..3 = nea0..nea3 / nia0..nia3). integrityProtAlgorithm absent means the UE keeps
 * what it has (Need R); gnbd always sends it. */
struct rrc_security_mode_command {
    int transaction_id;              /* 0..3 */
    int ciphering;                   /* 0..3: nea0..nea3 */
    bool has_integrity;
    int integrity;                   /* 0..3: nia0..nia3 */
};

struct rrc_dl_dcch_msg {
    enum rrc_dl_dcch_c1 c1;
    union {
        struct rrc_security_mode_command security_mode_command; /* c1 RRC_DL_DCCH_SECURITY_MODE_COMMAND */
        struct rrc_release release;                              /* c1 RRC_DL_DCCH_RELEASE */
        struct rrc_dl_information_transfer dl_information_transfer; /* c1 RRC_DL_DCCH_DL_INFORMATION_TRANSFER */
    };
};

/* The largest RRCRelease this module encodes, in bytes (a DLInformationTransfer is its NAS message + 4). */
#define RRC_DL_DCCH_MAX_BYTES 8

/* Encodes msg (c1 RRC_DL_DCCH_RELEASE, _DL_INFORMATION_TRANSFER or _SECURITY_MODE_COMMAND) into buf[cap]; *len gets the byte count. Returns 0, -EINVAL (a
 * value outside its constraint, another message) or -ENOSPC. */
int rrc_dl_dcch_encode(const struct rrc_dl_dcch_msg *msg, uint8_t *buf, size_t cap, size_t *len);
/* Decodes; 0, -EBADMSG (malformed or truncated), -ENOTSUP (another message, an extension class, an IE not
 * modelled). */
int rrc_dl_dcch_decode(const uint8_t *buf, size_t len, struct rrc_dl_dcch_msg *msg);

/* A DL-DCCH-Message with a minimal RRCRelease (no redirection, no suspension, nothing optional). */
int rrc_dl_dcch_encode_release(int transaction_id, uint8_t *buf, size_t cap, size_t *len);

#endif
