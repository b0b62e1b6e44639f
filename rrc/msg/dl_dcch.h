/* DL-DCCH-Message (38.331 6.2.1) with DLInformationTransfer (the NAS relay), SecurityModeCommand,
 * UECapabilityEnquiry, RRCReconfiguration and RRCRelease (6.2.2), the SRB1 message that sends a connected UE to
 * RRC_IDLE (38.331 5.3.8): rrc-TransactionIdentifier and criticalExtensions rrcRelease with the RRCRelease-IEs
 * gnbd can send: deprioritisationReq (type and timer) and, in the v1540 extension, waitTime. The IEs gnbd never
 * sends (redirectedCarrierInfo, cellReselectionPriorities, suspendConfig, lateNonCriticalExtension, the v1610
 * and later extensions) are encoded absent and refused with -ENOTSUP when decoded. The other DL-DCCH messages
 * (resume, reestablishment, counter check, ...) will be added here as they are built; decoding one gives
 * -ENOTSUP with msg->c1 telling which.
 *
 * Encoding for gnbd; decoding for tests and the UE simulator. Threading: pure functions over caller memory.
 */
#ifndef GNBD_RRC_MSG_DL_DCCH_H
#define GNBD_RRC_MSG_DL_DCCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrc/msg/cell_group_config.h"
#include "rrc/msg/common_ies.h"
#include "rrc/msg/radio_bearer_config.h"

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

/* 38.331 6.2.2 UECapabilityEnquiry / 6.3.3 UE-CapabilityRAT-RequestList: the RATs whose capabilities the UE is
 * asked for (gnbd asks for nr only). capabilityRequestFilter (an OCTET STRING containing UE-CapabilityRequestFilterNR)
 * is kept as opaque bytes; lateNonCriticalExtension and ue-CapabilityEnquiryExt are encoded absent and refused
 * (-ENOTSUP) when decoded. */
#define RRC_CAP_FILTER_MAX 64         /* capabilityRequestFilter octets kept */

struct rrc_ue_capability_enquiry {
    int transaction_id;              /* 0..3 */
    int nof_requests;                /* ue-CapabilityRAT-RequestList SIZE (1..8) */
    struct rrc_ue_cap_rat_request {
        enum rrc_rat_type rat_type;
        bool has_filter;             /* capabilityRequestFilter */
        size_t filter_len;
        uint8_t filter[RRC_CAP_FILTER_MAX];
    } request[RRC_MAX_RAT_CONTAINERS];
};

/* 38.331 6.2.2 RRCReconfiguration (5.3.5): RRCReconfiguration-IEs radioBearerConfig, and in the v1530 extension
 * masterCellGroup (an OCTET STRING containing a CellGroupConfig, rrc/msg/cell_group_config.h), fullConfig and
 * dedicatedNAS-MessageList. secondaryCellGroup, measConfig, lateNonCriticalExtension, masterKeyUpdate,
 * dedicatedSIB1-Delivery, dedicatedSystemInformationDelivery, otherConfig and the v1540 and later extensions are
 * encoded absent and refused (-ENOTSUP) when decoded. The NAS messages share one buffer: message i is
 * nas[nas_off[i] .. + nas_len[i]). Builder for a DRB: rrc/msg/rrc_reconfig_builder.h. */
#define RRC_RECONF_MAX_NAS 4          /* dedicatedNAS-MessageList entries kept; maxDRB = 29 */
struct rrc_reconfiguration {
    int transaction_id;              /* 0..3 */
    bool has_radio_bearer_config;
    struct rrc_radio_bearer_config radio_bearer_config;
    bool has_master_cell_group;
    struct rrc_cell_group_config master_cell_group;
    bool full_config;                /* fullConfig ENUMERATED {true} */
    int nof_nas;                     /* dedicatedNAS-MessageList SIZE (1..maxDRB), 0 = absent */
    size_t nas_off[RRC_RECONF_MAX_NAS], nas_len[RRC_RECONF_MAX_NAS];
    uint8_t nas[RRC_DL_NAS_MAX];
};

struct rrc_dl_dcch_msg {
    enum rrc_dl_dcch_c1 c1;
    union {
        struct rrc_security_mode_command security_mode_command; /* c1 RRC_DL_DCCH_SECURITY_MODE_COMMAND */
        struct rrc_release release;                              /* c1 RRC_DL_DCCH_RELEASE */
        struct rrc_dl_information_transfer dl_information_transfer; /* c1 RRC_DL_DCCH_DL_INFORMATION_TRANSFER */
        struct rrc_ue_capability_enquiry ue_capability_enquiry;     /* c1 RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY */
        struct rrc_reconfiguration reconfiguration;                 /* c1 RRC_DL_DCCH_RECONFIGURATION */
    };
};

/* The largest RRCRelease this module encodes, in bytes (a DLInformationTransfer is its NAS message + 4; an
 * RRCReconfiguration for a DRB, rrc/msg/rrc_reconfig_builder.h, RRC_RECONFIG_DRB_MAX_BYTES + its NAS message). */
#define RRC_DL_DCCH_MAX_BYTES 8

/* Encodes msg (c1 RRC_DL_DCCH_RELEASE, _DL_INFORMATION_TRANSFER, _SECURITY_MODE_COMMAND, _UE_CAPABILITY_ENQUIRY or
 * _RECONFIGURATION) into buf[cap]; *len gets the byte count. Returns 0, -EINVAL (a value outside its constraint,
 * another message) or -ENOSPC. */
int rrc_dl_dcch_encode(const struct rrc_dl_dcch_msg *msg, uint8_t *buf, size_t cap, size_t *len);
/* Decodes; 0, -EBADMSG (malformed or truncated), -ENOTSUP (another message, an extension class, an IE not
 * modelled). */
int rrc_dl_dcch_decode(const uint8_t *buf, size_t len, struct rrc_dl_dcch_msg *msg);

/* A DL-DCCH-Message with a minimal RRCRelease (no redirection, no suspension, nothing optional). */
int rrc_dl_dcch_encode_release(int transaction_id, uint8_t *buf, size_t cap, size_t *len);
/* A DL-DCCH-Message with a UECapabilityEnquiry asking for the nr capabilities only, without a filter: what gnbd
 * sends after SecurityModeComplete (38.331 5.6.1). */
int rrc_dl_dcch_encode_ue_capability_enquiry(int transaction_id, uint8_t *buf, size_t cap, size_t *len);

#endif
