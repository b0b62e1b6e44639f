/* UL-DCCH-Message (38.331 6.2.1) with RRCSetupComplete (6.2.2): rrc-TransactionIdentifier,
 * selectedPLMN-Identity, registeredAMF (optional PLMN-Identity and AMF-Identifier), guami-Type, s-NSSAI-List,
 * dedicatedNAS-Message (kept as bytes), ng-5G-S-TMSI-Value (full 48 bits or Part2), and the non-critical
 * extensions v1610 (IAB node, idle measurements, UE measurements available, mobility history and state),
 * v1690 (UL RRC segmentation) and v1700 (onboarding request); ULInformationTransfer (the NAS relay);
 * SecurityModeComplete/Failure; UECapabilityInformation (the containers kept as opaque bytes with their RAT type)
 * and RRCReconfigurationComplete. The other UL-DCCH messages (measurement report, ...) will be added here as their
 * issues come.
 *
 * rrc_ul_dcch_decode() parses bytes from the air (after PDCP): every read is bounds-checked, malformed or
 * truncated input gives -EBADMSG, a dedicated NAS message longer than RRC_DEDICATED_NAS_MAX -EMSGSIZE, other
 * UL-DCCH messages -ENOTSUP with msg->type/c1 telling which. Extension additions of later releases are
 * skipped by their open-type lengths; a non-critical extension beyond v1700 ends the message and is ignored.
 * The encoder serves tests and the UE simulator. Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_UL_DCCH_H
#define GNBD_RRC_MSG_UL_DCCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrc/msg/common_ies.h"

#define RRC_DEDICATED_NAS_MAX 9000 /* 38.323 4.3.1: the largest PDCP SDU */
#define RRC_MAX_S_NSSAI 8          /* maxNrofS-NSSAI */
#define RRC_LATE_NCE_MAX 64        /* lateNonCriticalExtension octets kept (the encoder's; decoders skip it) */

enum rrc_ul_dcch_type {
    RRC_UL_DCCH_C1,                /* msg->c1 holds the c1 alternative */
    RRC_UL_DCCH_CLASS_EXTENSION,   /* messageClassExtension (c2 and later): not decoded */
};

/* c1 alternatives of UL-DCCH-MessageType. */
enum rrc_ul_dcch_c1 {
    RRC_UL_DCCH_MEASUREMENT_REPORT, RRC_UL_DCCH_RECONFIGURATION_COMPLETE, RRC_UL_DCCH_SETUP_COMPLETE,
    RRC_UL_DCCH_REESTABLISHMENT_COMPLETE, RRC_UL_DCCH_RESUME_COMPLETE, RRC_UL_DCCH_SECURITY_MODE_COMPLETE,
    RRC_UL_DCCH_SECURITY_MODE_FAILURE, RRC_UL_DCCH_UL_INFORMATION_TRANSFER,
    RRC_UL_DCCH_LOCATION_MEASUREMENT_INDICATION, RRC_UL_DCCH_UE_CAPABILITY_INFORMATION,
    RRC_UL_DCCH_COUNTER_CHECK_RESPONSE, RRC_UL_DCCH_UE_ASSISTANCE_INFORMATION, RRC_UL_DCCH_FAILURE_INFORMATION,
    RRC_UL_DCCH_UL_INFORMATION_TRANSFER_MRDC, RRC_UL_DCCH_SCG_FAILURE_INFORMATION,
    RRC_UL_DCCH_SCG_FAILURE_INFORMATION_EUTRA
};

struct rrc_s_nssai {
    bool has_sd;                   /* sst-SD (32 bits) rather than sst (8 bits) */
    uint8_t sst;
    uint32_t sd;                   /* 24 bits */
};

struct rrc_setup_complete {
    int transaction_id;            /* 0..3 */
    int selected_plmn_identity;    /* 1..12: index into SIB1's PLMN list */
    bool has_registered_amf;
    bool registered_amf_has_plmn;
    struct rrc_plmn_identity registered_amf_plmn;
    uint32_t amf_identifier;       /* 24 bits: AMF Region ID, Set ID, Pointer */
    bool has_guami_type;
    bool guami_mapped;             /* guami-Type: false = native */
    int nof_s_nssai;               /* s-NSSAI-List, 0 = absent */
    struct rrc_s_nssai s_nssai[RRC_MAX_S_NSSAI];
    size_t dedicated_nas_len;
    uint8_t dedicated_nas[RRC_DEDICATED_NAS_MAX];
    bool has_ng_5g_s_tmsi;
    bool ng_5g_s_tmsi_is_part2;    /* ng-5G-S-TMSI-Part2 (9 bits) rather than the whole 48-bit ng-5G-S-TMSI */
    uint64_t ng_5g_s_tmsi;
    bool has_late_nce;             /* lateNonCriticalExtension (decoding: skipped, only its presence kept) */
    size_t late_nce_len;           /* encoding: the octets to send */
    uint8_t late_nce[RRC_LATE_NCE_MAX];
    bool has_v1610;                /* nonCriticalExtension RRCSetupComplete-v1610-IEs */
    bool iab_node_indication, idle_meas_available, mobility_history_avail;
    bool has_ue_meas_available;
    bool log_meas_available, log_meas_available_bt, log_meas_available_wlan, conn_est_fail_info_available,
        rlf_info_available;
    bool has_mobility_state;
    int mobility_state;            /* 0 normal, 1 medium, 2 high, 3 spare */
    bool has_v1690;
    bool ul_rrc_segmentation;
    bool has_v1700;
    bool onboarding_request;
};

/* 38.331 6.2.2 ULInformationTransfer: a NAS message from the UE once it is connected (no transaction id).
 * The IEs' lateNonCriticalExtension and v1700 extension are skipped when decoded and never encoded. */
struct rrc_ul_information_transfer {
    bool has_dedicated_nas;
    size_t dedicated_nas_len;
    uint8_t dedicated_nas[RRC_DEDICATED_NAS_MAX];
};

/* 38.331 6.2.2 SecurityModeComplete and SecurityModeFailure (the same shape: a transaction identifier and two
 * optional extensions, skipped when decoded). */
struct rrc_security_mode_result {
    int transaction_id;
};

/* 38.331 6.2.2 UECapabilityInformation: ue-CapabilityRAT-ContainerList (OPTIONAL, SIZE (0..8)), each container a
 * RAT-Type and an OCTET STRING (for nr a UE-NR-Capability, kept undecoded: gnbd passes it on as it is). The
 * containers' octets share one buffer: container i is bytes[container[i].off .. + container[i].len). The IEs'
 * lateNonCriticalExtension and nonCriticalExtension are skipped when decoded and never encoded. */
#define RRC_UE_CAP_BYTES_MAX 9000
struct rrc_ue_capability_information {
    int transaction_id;              /* 0..3 */
    bool has_container_list;
    int nof_containers;              /* 0..RRC_MAX_RAT_CONTAINERS */
    struct rrc_ue_cap_rat_container {
        enum rrc_rat_type rat_type;
        size_t off, len;             /* within bytes[] */
    } container[RRC_MAX_RAT_CONTAINERS];
    uint8_t bytes[RRC_UE_CAP_BYTES_MAX];
};

/* 38.331 6.2.2 RRCReconfigurationComplete: the transaction identifier; lateNonCriticalExtension is skipped and
 * nonCriticalExtension (v1530 uplinkTxDirectCurrentList and later) ignored when decoded, never encoded. */
struct rrc_reconfiguration_complete {
    int transaction_id;
};

struct rrc_ul_dcch_msg {
    enum rrc_ul_dcch_type type;
    enum rrc_ul_dcch_c1 c1;
    union {
        struct rrc_security_mode_result security_mode; /* c1 RRC_UL_DCCH_SECURITY_MODE_COMPLETE / _FAILURE */
        struct rrc_setup_complete setup_complete;              /* c1 RRC_UL_DCCH_SETUP_COMPLETE */
        struct rrc_ul_information_transfer ul_information_transfer; /* c1 RRC_UL_DCCH_UL_INFORMATION_TRANSFER */
        struct rrc_ue_capability_information ue_capability_information; /* c1 RRC_UL_DCCH_UE_CAPABILITY_INFORMATION */
        struct rrc_reconfiguration_complete reconfiguration_complete; /* c1 RRC_UL_DCCH_RECONFIGURATION_COMPLETE */
    };
};

int rrc_ul_dcch_decode(const uint8_t *buf, size_t len, struct rrc_ul_dcch_msg *msg);
/* Encodes an UL-DCCH-Message with RRCSetupComplete. Returns 0, -EINVAL or -ENOSPC. */
int rrc_ul_dcch_encode_setup_complete(const struct rrc_setup_complete *sc, uint8_t *buf, size_t cap, size_t *len);
/* Encodes an UL-DCCH-Message with SecurityModeComplete (failure false) or SecurityModeFailure (tests, uesim). */
int rrc_ul_dcch_encode_security_mode_result(int transaction_id, bool failure, uint8_t *buf, size_t cap, size_t *len);
/* Encodes an UL-DCCH-Message with ULInformationTransfer (the UE simulator's, and tests'). */
int rrc_ul_dcch_encode_ul_information_transfer(const struct rrc_ul_information_transfer *t, uint8_t *buf, size_t cap,
                                               size_t *len);
/* Encodes an UL-DCCH-Message with UECapabilityInformation (-EINVAL: a container outside bytes[], spare RAT type). */
int rrc_ul_dcch_encode_ue_capability_information(const struct rrc_ue_capability_information *ci, uint8_t *buf,
                                                 size_t cap, size_t *len);
/* A minimal UE-NR-Capability (38.331 6.3.3) for the UE simulator's UECapabilityInformation: accessStratumRelease
 * rel15, PDCP-Parameters without ROHC (maxNumberROHC-ContextSessions cs2), no phy-Parameters, rf-Parameters with
 * supportedBandListNR = {band} (1..1024) and nothing optional. 10 octets. Returns 0, -EINVAL or -ENOSPC. */
int rrc_ue_nr_capability_encode_minimal(int band, uint8_t *buf, size_t cap, size_t *len);
/* 38.331 UERadioAccessCapabilityInformation (the message the NGAP UE Radio Capability IE carries, 38.413
 * 9.3.1.74): ue-RadioAccessCapabilityInfo holds the UE-CapabilityRAT-ContainerList of ci (the UE's
 * UECapabilityInformation, its containers as received), nonCriticalExtension absent. 0, -EINVAL, -ENOSPC.
 * Decoding fills ci's container list (has_container_list true, transaction_id 0): 0, -EBADMSG, -ENOTSUP
 * (criticalExtensionsFuture, a spare), -EMSGSIZE. */
int rrc_ue_radio_access_cap_info_encode(const struct rrc_ue_capability_information *ci, uint8_t *buf, size_t cap,
                                        size_t *len);
int rrc_ue_radio_access_cap_info_decode(const uint8_t *buf, size_t len, struct rrc_ue_capability_information *ci);
/* Encodes an UL-DCCH-Message with RRCReconfigurationComplete. */
int rrc_ul_dcch_encode_reconfiguration_complete(int transaction_id, uint8_t *buf, size_t cap, size_t *len);

#endif
