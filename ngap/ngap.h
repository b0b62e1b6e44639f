/* NGAP (3GPP TS 38.413) codec: NGAP-PDUs between gnbd and an AMF, in the X.691 ALIGNED variant (APER).
 *
 * An NGAP-PDU (38.413 9.4.2) is a CHOICE of initiatingMessage / successfulOutcome / unsuccessfulOutcome, each a
 * procedure code (9.4.7), the procedure's criticality and the message as an open type. Every message is a
 * SEQUENCE holding a ProtocolIE-Container: a count and, per IE, its id, criticality and value (again an open
 * type). This codec writes a message from a C struct and reads one back into it with the same walk
 * (asn1/per.h): each message is a table of its IEs (id, criticality, presence, the IE's two-way walk).
 *
 * Messages modelled: NG Setup Request/Response/Failure (9.2.6.1-3), Initial UE Message (9.2.5.1), Downlink and
 * Uplink NAS Transport (9.2.5.2-3), Initial Context Setup Request/Response/Failure (9.2.2.1-3, with the PDU
 * sessions of the request and the set-up / failed lists of the response), UE Context Release Request/Command/Complete (9.2.2.4-6), NG Reset and NG Reset Acknowledge
 * (9.2.6.11-12), Error Indication (9.2.7.1), PDU Session Resource Setup Request/Response (9.2.1.1-2, with their
 * transfers decoded: tunnels, session type, QoS flows with non-dynamic 5QI and ARP), PDU Session Resource Release
 * Command/Response (9.2.1.3-4), UE Radio Capability Info Indication (9.2.8.1). The struct of a message holds
 * the IEs gnbd uses; for each optional IE a has_* flag. Decoding:
 *   - IEs may come in any order; a repeated IE or a missing mandatory one gives -EBADMSG;
 *   - an IE this codec does not model (a later release's, or one gnbd does not use such as
 *     CriticalityDiagnostics) is skipped by its length and listed in pdu->skipped[] with its criticality, so
 *     the caller can apply 38.413 10.3.4 (reject / ignore and notify / ignore);
 *   - a procedure this codec does not model gives -ENOTSUP with pdu->type, procedure_code and criticality
 *     filled in (the caller may answer with an Error Indication);
 *   - truncated or malformed input gives -EBADMSG, a value beyond what the struct holds (more list items than
 *     its arrays, a NAS-PDU longer than NGAP_MAX_NAS_PDU) -ENOTSUP or -EMSGSIZE. Never a crash: fuzzed
 *     (tests/fuzz/fuzz_ngap.c).
 * Encoding: the caller fills pdu->msg and the message; type, procedure code and criticality come from the
 * message table (the pdu's own fields are not read). A value outside its constraint gives -EINVAL, a full buffer -ENOSPC.
 *
 * Threading: pure functions over caller memory; about 20 KB of stack per call; no allocation, no global state.
 */
#ifndef GNBD_NGAP_NGAP_H
#define GNBD_NGAP_NGAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Our array sizes (the ASN.1 maxima are larger: maxnoofTACs 256, maxnoofBPLMNs 12, maxnoofSliceItems 1024,
 * maxnoofServedGUAMIs 256, maxnoofPLMNs 12). A decoded list longer than ours gives -ENOTSUP. */
#define NGAP_MAX_TAS 4
#define NGAP_MAX_BPLMNS 4
#define NGAP_MAX_SLICES 8
#define NGAP_MAX_GUAMIS 8
#define NGAP_MAX_PLMNS 4
#define NGAP_MAX_NAS_PDU 4096   /* NAS-PDU octets kept (9.3.3.4 leaves it unbounded) */
#define NGAP_NAME_MAX 150       /* AMFName / RANNodeName: PrintableString (SIZE (1..150, ...)) */
#define NGAP_MAX_SKIPPED 8
#define NGAP_MAX_ALLOWED_NSSAI 8 /* maxnoofAllowedS-NSSAIs */
#define NGAP_MAX_RESET_UES 64    /* of maxnoofNGConnectionsToReset = 65536 */
#define NGAP_MAX_PDU_SESSIONS 4  /* of maxnoofPDUSessions = 256 */
#define NGAP_MAX_QOS_FLOWS 4     /* of maxnoofQosFlows = 64 */
#define NGAP_MAX_SESSION_NAS 1024 /* a PDU session's own NAS-PDU (e.g. PDU Session Establishment Accept) */
#define NGAP_MAX_PDU_BYTES 8192 /* the largest message encoded */
#define NGAP_MAX_UE_RADIO_CAP 4096 /* UE Radio Capability octets kept (9.3.1.74 leaves it unbounded) */

/* 9.4.2 NGAP-PDU alternatives. */
enum ngap_pdu_type { NGAP_INITIATING = 0, NGAP_SUCCESSFUL = 1, NGAP_UNSUCCESSFUL = 2 };

/* 9.4.3 Criticality. */
enum ngap_criticality { NGAP_REJECT = 0, NGAP_IGNORE = 1, NGAP_NOTIFY = 2 };

/* 9.4.7 procedure codes (the ones gnbd takes part in). */
enum ngap_procedure {
    NGAP_PROC_DOWNLINK_NAS_TRANSPORT = 4,
    NGAP_PROC_ERROR_INDICATION = 9,
    NGAP_PROC_INITIAL_CONTEXT_SETUP = 14,
    NGAP_PROC_INITIAL_UE_MESSAGE = 15,
    NGAP_PROC_NG_RESET = 20,
    NGAP_PROC_NG_SETUP = 21,
    NGAP_PROC_PDU_SESSION_RESOURCE_RELEASE = 28,
    NGAP_PROC_PDU_SESSION_RESOURCE_SETUP = 29,
    NGAP_PROC_UE_CONTEXT_RELEASE = 41,
    NGAP_PROC_UE_CONTEXT_RELEASE_REQUEST = 42,
    NGAP_PROC_UE_RADIO_CAPABILITY_INFO_INDICATION = 44,
    NGAP_PROC_UPLINK_NAS_TRANSPORT = 46,
};

/* 9.4.7 protocol IE ids used here. */
enum ngap_ie_id {
    NGAP_IE_ALLOWED_NSSAI = 0,
    NGAP_IE_AMF_NAME = 1,
    NGAP_IE_AMF_UE_NGAP_ID = 10,
    NGAP_IE_CAUSE = 15,
    NGAP_IE_CRITICALITY_DIAGNOSTICS = 19,
    NGAP_IE_DEFAULT_PAGING_DRX = 21,
    NGAP_IE_FIVEG_S_TMSI = 26,
    NGAP_IE_GLOBAL_RAN_NODE_ID = 27,
    NGAP_IE_GUAMI = 28,
    NGAP_IE_MASKED_IMEISV = 34,
    NGAP_IE_NAS_PDU = 38,
    NGAP_IE_OLD_AMF = 48,
    NGAP_IE_PDU_SESSION_RESOURCE_FAILED_TO_SETUP_LIST_CXT_RES = 55,
    NGAP_IE_PDU_SESSION_RESOURCE_FAILED_TO_SETUP_LIST_SU_RES = 58,
    NGAP_IE_PDU_SESSION_RESOURCE_RELEASED_LIST_REL_RES = 70,
    NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_CXT_REQ = 71,
    NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_CXT_RES = 72,
    NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_SU_REQ = 74,
    NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_SU_RES = 75,
    NGAP_IE_PDU_SESSION_RESOURCE_TO_RELEASE_LIST_REL_CMD = 79,
    NGAP_IE_PLMN_SUPPORT_LIST = 80,
    NGAP_IE_RAN_NODE_NAME = 82,
    NGAP_IE_RAN_PAGING_PRIORITY = 83,
    NGAP_IE_RAN_UE_NGAP_ID = 85,
    NGAP_IE_RELATIVE_AMF_CAPACITY = 86,
    NGAP_IE_RESET_TYPE = 88,
    NGAP_IE_RRC_ESTABLISHMENT_CAUSE = 90,
    NGAP_IE_SECURITY_KEY = 94,
    NGAP_IE_SERVED_GUAMI_LIST = 96,
    NGAP_IE_SUPPORTED_TA_LIST = 102,
    NGAP_IE_TIME_TO_WAIT = 107,
    NGAP_IE_UE_AGGREGATE_MAXIMUM_BIT_RATE = 110,
    NGAP_IE_UE_ASSOCIATED_LOGICAL_NG_CONNECTION_LIST = 111,
    NGAP_IE_UE_CONTEXT_REQUEST = 112,
    NGAP_IE_UE_NGAP_IDS = 114,
    NGAP_IE_UE_RADIO_CAPABILITY = 117,
    NGAP_IE_UE_SECURITY_CAPABILITIES = 119,
    NGAP_IE_USER_LOCATION_INFORMATION = 121,
    /* inside PDUSessionResourceSetupRequestTransfer */
    NGAP_IE_PDU_SESSION_AGGREGATE_MAXIMUM_BIT_RATE = 130,
    NGAP_IE_PDU_SESSION_TYPE = 134,
    NGAP_IE_QOS_FLOW_SETUP_REQUEST_LIST = 136,
    NGAP_IE_UL_NGU_UP_TNL_INFORMATION = 139,
};

/* The messages this codec models. */
enum ngap_msg {
    NGAP_MSG_NONE = 0,
    NGAP_MSG_NG_SETUP_REQUEST,
    NGAP_MSG_NG_SETUP_RESPONSE,
    NGAP_MSG_NG_SETUP_FAILURE,
    NGAP_MSG_INITIAL_UE_MESSAGE,
    NGAP_MSG_DOWNLINK_NAS_TRANSPORT,
    NGAP_MSG_UPLINK_NAS_TRANSPORT,
    NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST,
    NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE,
    NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE,
    NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST,
    NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND,
    NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE,
    NGAP_MSG_NG_RESET,
    NGAP_MSG_NG_RESET_ACKNOWLEDGE,
    NGAP_MSG_ERROR_INDICATION,
    NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST,
    NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE,
    NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND,
    NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE,
    NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION,
    NGAP_MSG_COUNT
};

/* 9.3.3.5 PLMN Identity: 3 octets, TBCD digits as on the air (MCC2 MCC1 | MNC3-or-F MCC3 | MNC2 MNC1). */
struct ngap_plmn {
    uint8_t b[3];
};

/* 9.3.1.24 S-NSSAI: SST and an optional 24-bit SD. */
struct ngap_snssai {
    uint8_t sst;
    bool has_sd;
    uint32_t sd;
};

/* 9.3.3.10 TAI and 9.3.1.7 NR CGI. */
struct ngap_tai {
    struct ngap_plmn plmn;
    uint32_t tac; /* 24 bits */
};
struct ngap_nr_cgi {
    struct ngap_plmn plmn;
    uint64_t cell_id; /* NR Cell Identity, 36 bits */
};

/* 9.3.1.16 User Location Information, NR alternative (the only one a gNB sends). */
struct ngap_uli_nr {
    struct ngap_nr_cgi cgi;
    struct ngap_tai tai;
    bool has_timestamp;
    uint8_t timestamp[4]; /* NTP seconds of the last time the UE was known in the cell */
};

/* 9.3.3.3 GUAMI. */
struct ngap_guami {
    struct ngap_plmn plmn;
    uint8_t region_id;  /* AMF Region ID, 8 bits */
    uint16_t set_id;    /* AMF Set ID, 10 bits */
    uint8_t pointer;    /* AMF Pointer, 6 bits */
};

/* 9.3.1.2 Cause: a group and its value's index in that group's ENUMERATED (values past the root count on:
 * root count + k is the k-th extension value). */
enum ngap_cause_group {
    NGAP_CAUSE_RADIO_NETWORK = 0,
    NGAP_CAUSE_TRANSPORT = 1,
    NGAP_CAUSE_NAS = 2,
    NGAP_CAUSE_PROTOCOL = 3,
    NGAP_CAUSE_MISC = 4,
};
struct ngap_cause {
    uint8_t group;
    uint8_t value;
};
/* A few values gnbd uses (index in the group's ENUMERATED). */
#define NGAP_CAUSE_RADIO_USER_INACTIVITY 20
#define NGAP_CAUSE_RADIO_CONNECTION_WITH_UE_LOST 21
#define NGAP_CAUSE_RADIO_UNKNOWN_LOCAL_UE_NGAP_ID 14
#define NGAP_CAUSE_RADIO_INCONSISTENT_REMOTE_UE_NGAP_ID 15
#define NGAP_CAUSE_RADIO_UNSPECIFIED 0
#define NGAP_CAUSE_RADIO_RESOURCES_NOT_AVAILABLE 22
#define NGAP_CAUSE_RADIO_FAILURE_IN_RADIO_INTERFACE 24
#define NGAP_CAUSE_RADIO_MULTIPLE_PDU_SESSION_ID 28
#define NGAP_CAUSE_RADIO_INTERACTION_WITH_OTHER_PROCEDURE 25
#define NGAP_CAUSE_RADIO_NOT_SUPPORTED_5QI 34 /* not-supported-5QI-value */
#define NGAP_CAUSE_RADIO_ALGORITHMS_NOT_SUPPORTED 30 /* encryption-and/or-integrity-protection-algorithms-... */
#define NGAP_CAUSE_PROTOCOL_SEMANTIC_ERROR 4
#define NGAP_CAUSE_PROTOCOL_UNSPECIFIED 6
#define NGAP_CAUSE_MISC_UNKNOWN_PLMN 4
#define NGAP_CAUSE_MISC_UNSPECIFIED 5

/* 9.3.1.90 PagingDRX (DefaultPagingDRX): v32, v64, v128, v256 radio frames, as the index 0..3. */
enum ngap_paging_drx { NGAP_DRX_32 = 0, NGAP_DRX_64 = 1, NGAP_DRX_128 = 2, NGAP_DRX_256 = 3 };

/* 9.3.1.111 RRC Establishment Cause: the index (10 root values; 10 = notAvailable, 11 = mo-ExceptionData). */
enum ngap_rrc_cause {
    NGAP_RRC_EMERGENCY = 0,
    NGAP_RRC_HIGH_PRIORITY_ACCESS,
    NGAP_RRC_MT_ACCESS,
    NGAP_RRC_MO_SIGNALLING,
    NGAP_RRC_MO_DATA,
    NGAP_RRC_MO_VOICE_CALL,
    NGAP_RRC_MO_VIDEO_CALL,
    NGAP_RRC_MO_SMS,
    NGAP_RRC_MPS_PRIORITY_ACCESS,
    NGAP_RRC_MCS_PRIORITY_ACCESS,
    NGAP_RRC_NOT_AVAILABLE,
    NGAP_RRC_MO_EXCEPTION_DATA,
};

/* 9.3.1.78 TimeToWait: v1s, v2s, v5s, v10s, v20s, v60s as the index 0..5. */
enum ngap_time_to_wait { NGAP_TTW_1S = 0, NGAP_TTW_2S, NGAP_TTW_5S, NGAP_TTW_10S, NGAP_TTW_20S, NGAP_TTW_60S };

/* --- messages ---------------------------------------------------------------------------------------------- */

struct ngap_broadcast_plmn {
    struct ngap_plmn plmn;
    int n_slices; /* TAI Slice Support List: 1.. */
    struct ngap_snssai slices[NGAP_MAX_SLICES];
};
struct ngap_supported_ta {
    uint32_t tac; /* 24 bits */
    int n_plmns;  /* 1.. */
    struct ngap_broadcast_plmn plmns[NGAP_MAX_BPLMNS];
};

/* 9.2.6.1 NG SETUP REQUEST (gNB -> AMF). */
struct ngap_ng_setup_request {
    struct ngap_plmn plmn; /* Global RAN Node ID: the Global gNB ID's PLMN */
    uint32_t gnb_id;       /* gNB ID, gnb_id_bits (22..32) bits */
    int gnb_id_bits;
    bool has_ran_node_name;
    char ran_node_name[NGAP_NAME_MAX + 1];
    int n_tas; /* Supported TA List: 1.. */
    struct ngap_supported_ta tas[NGAP_MAX_TAS];
    int default_paging_drx; /* enum ngap_paging_drx */
};

struct ngap_served_guami {
    struct ngap_guami guami;
    bool has_backup_amf_name;
    char backup_amf_name[NGAP_NAME_MAX + 1];
};
struct ngap_plmn_support {
    struct ngap_plmn plmn;
    int n_slices;
    struct ngap_snssai slices[NGAP_MAX_SLICES];
};

/* 9.2.6.2 NG SETUP RESPONSE (AMF -> gNB). */
struct ngap_ng_setup_response {
    char amf_name[NGAP_NAME_MAX + 1];
    int n_guamis; /* Served GUAMI List: 1.. */
    struct ngap_served_guami guamis[NGAP_MAX_GUAMIS];
    int relative_amf_capacity; /* 0..255 */
    int n_plmns; /* PLMN Support List: 1.. */
    struct ngap_plmn_support plmns[NGAP_MAX_PLMNS];
};

/* 9.2.6.3 NG SETUP FAILURE (AMF -> gNB). */
struct ngap_ng_setup_failure {
    struct ngap_cause cause;
    bool has_time_to_wait;
    int time_to_wait; /* enum ngap_time_to_wait */
};

/* 9.3.3.20 5G-S-TMSI. */
struct ngap_5g_s_tmsi {
    uint16_t amf_set_id; /* 10 bits */
    uint8_t amf_pointer; /* 6 bits */
    uint32_t tmsi;       /* 5G-TMSI, 4 octets */
};

/* 9.2.5.1 INITIAL UE MESSAGE (gNB -> AMF). */
struct ngap_initial_ue_message {
    uint32_t ran_ue_ngap_id;
    size_t nas_len;
    uint8_t nas[NGAP_MAX_NAS_PDU];
    struct ngap_uli_nr uli;
    int rrc_establishment_cause; /* enum ngap_rrc_cause */
    bool has_5g_s_tmsi;
    struct ngap_5g_s_tmsi s_tmsi;
    bool ue_context_requested; /* UE Context Request IE (requested) present */
};

/* 9.2.5.2 DOWNLINK NAS TRANSPORT (AMF -> gNB). */
struct ngap_downlink_nas_transport {
    uint64_t amf_ue_ngap_id; /* 0..2^40-1 */
    uint32_t ran_ue_ngap_id;
    bool has_old_amf;
    char old_amf[NGAP_NAME_MAX + 1];
    bool has_ran_paging_priority;
    int ran_paging_priority; /* 1..256 */
    size_t nas_len;
    uint8_t nas[NGAP_MAX_NAS_PDU];
};

/* 9.2.5.3 UPLINK NAS TRANSPORT (gNB -> AMF). */
struct ngap_uplink_nas_transport {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    size_t nas_len;
    uint8_t nas[NGAP_MAX_NAS_PDU];
    struct ngap_uli_nr uli;
};

/* 9.3.1.86 UE Security Capabilities: the four 16-bit algorithm bitmaps (first bit = algorithm 1: NEA1/NIA1...). */
struct ngap_ue_security_capabilities {
    uint16_t nr_encryption, nr_integrity, eutra_encryption, eutra_integrity;
};


/* 9.2.2.3 INITIAL CONTEXT SETUP FAILURE, 9.2.2.4 UE CONTEXT RELEASE REQUEST (gNB -> AMF). */
struct ngap_ue_ids_cause {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    struct ngap_cause cause;
};

/* 9.2.2.5 UE CONTEXT RELEASE COMMAND (AMF -> gNB): UE NGAP IDs (the pair, or the AMF's alone) and a cause. */
struct ngap_ue_context_release_command {
    bool has_ran_ue_ngap_id; /* the pair; else AMF-UE-NGAP-ID alone */
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    struct ngap_cause cause;
};

/* 9.2.2.6 UE CONTEXT RELEASE COMPLETE (gNB -> AMF). */
struct ngap_ue_context_release_complete {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    bool has_uli;
    struct ngap_uli_nr uli;
};

/* 9.2.7.1 ERROR INDICATION (either way): every IE optional. */
struct ngap_error_indication {
    bool has_amf_ue_ngap_id;
    uint64_t amf_ue_ngap_id;
    bool has_ran_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    bool has_cause;
    struct ngap_cause cause;
};

/* UE-associatedLogicalNG-connectionItem: either id or both. */
struct ngap_ue_connection {
    bool has_amf_ue_ngap_id;
    uint64_t amf_ue_ngap_id;
    bool has_ran_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
};

/* 9.2.6.11 NG RESET (either way): the whole interface, or the listed UE-associated connections. */
struct ngap_ng_reset {
    struct ngap_cause cause;
    bool reset_all;
    int n_ues; /* 1.. when !reset_all */
    struct ngap_ue_connection ues[NGAP_MAX_RESET_UES];
};

/* 9.2.6.12 NG RESET ACKNOWLEDGE: the connections reset, when the NG Reset listed them. */
struct ngap_ng_reset_acknowledge {
    bool has_ues;
    int n_ues;
    struct ngap_ue_connection ues[NGAP_MAX_RESET_UES];
};

/* 9.3.2.2 UP Transport Layer Information, GTP tunnel alternative: the transport layer address (9.3.2.4: an
 * IPv4 address in 32 bits, IPv6 in 128, both in 160; whole octets only) and the GTP-TEID. */
struct ngap_gtp_tunnel {
    int addr_bits; /* 32, 128 or 160 */
    uint8_t addr[20];
    uint32_t teid;
};

/* 9.3.1.12 QoS Flow Level QoS Parameters, non-dynamic 5QI alternative (no GBR information yet). */
struct ngap_qos_flow {
    int qfi;               /* QoS Flow Identifier 0..63 */
    int five_qi;           /* 0..255 */
    int arp_priority;      /* 1..15 */
    int arp_may_preempt;   /* pre-emptionCapability: 0 shall-not-trigger, 1 may-trigger */
    int arp_preemptable;   /* pre-emptionVulnerability: 0 not-pre-emptable, 1 pre-emptable */
};

/* PDU session types (9.3.1.52). */
enum ngap_pdu_session_type { NGAP_PDU_IPV4 = 0, NGAP_PDU_IPV6, NGAP_PDU_IPV4V6, NGAP_PDU_ETHERNET, NGAP_PDU_UNSTRUCTURED };

/* One item of the PDU Session Resource Setup List SU Req, with its PDUSessionResourceSetupRequestTransfer
 * (9.3.4.1) decoded. */
struct ngap_pdu_session_setup_item {
    int pdu_session_id; /* 0..255 */
    bool has_nas_pdu;
    size_t nas_len;
    uint8_t nas[NGAP_MAX_SESSION_NAS];
    struct ngap_snssai snssai;
    bool has_session_ambr;
    uint64_t session_ambr_dl, session_ambr_ul;
    struct ngap_gtp_tunnel ul_tunnel; /* UL NG-U UP TNL Information: the UPF's end */
    int pdu_session_type;             /* enum ngap_pdu_session_type */
    int n_qos_flows;                  /* 1.. */
    struct ngap_qos_flow qos_flows[NGAP_MAX_QOS_FLOWS];
};

/* The IEs PDU Session Resource Setup Request and Release Command open with. */
struct ngap_session_msg_head {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    bool has_ran_paging_priority;
    int ran_paging_priority; /* 1..256 */
    bool has_nas_pdu;
    size_t nas_len;
    uint8_t nas[NGAP_MAX_SESSION_NAS];
};

/* 9.2.1.1 PDU SESSION RESOURCE SETUP REQUEST (AMF -> gNB). */
struct ngap_pdu_session_resource_setup_request {
    struct ngap_session_msg_head head;
    int n_sessions; /* 1.. */
    struct ngap_pdu_session_setup_item sessions[NGAP_MAX_PDU_SESSIONS];
    bool has_ue_ambr;
    uint64_t ue_ambr_dl, ue_ambr_ul;
};

/* A session set up: its PDUSessionResourceSetupResponseTransfer (9.3.4.2): our DL tunnel and the QoS flows
 * associated with it. */
struct ngap_pdu_session_setup_result {
    int pdu_session_id;
    struct ngap_gtp_tunnel dl_tunnel;
    int n_qos_flows;
    int qfis[NGAP_MAX_QOS_FLOWS];
};
struct ngap_pdu_session_setup_failed {
    int pdu_session_id;
    struct ngap_cause cause; /* PDUSessionResourceSetupUnsuccessfulTransfer */
};

/* 9.2.1.2 PDU SESSION RESOURCE SETUP RESPONSE (gNB -> AMF). */
struct ngap_pdu_session_resource_setup_response {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    bool has_setup;
    int n_setup;
    struct ngap_pdu_session_setup_result setup[NGAP_MAX_PDU_SESSIONS];
    bool has_failed;
    int n_failed;
    struct ngap_pdu_session_setup_failed failed[NGAP_MAX_PDU_SESSIONS];
};

/* 9.2.2.1 INITIAL CONTEXT SETUP REQUEST (AMF -> gNB). The PDU Session Resource Setup List Cxt Req (e.g. after a
 * Service Request from idle) has the items of the PDU Session Resource Setup Request's list, transfers decoded;
 * the other optional IEs (Old AMF, Trace Activation, Mobility Restriction List, ...) are skipped and listed. */
struct ngap_initial_context_setup_request {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    bool has_ue_ambr;
    uint64_t ue_ambr_dl, ue_ambr_ul; /* UE Aggregate Maximum Bit Rate, bit/s (0..4e12) */
    struct ngap_guami guami;
    bool has_sessions;
    int n_sessions; /* 1.. */
    struct ngap_pdu_session_setup_item sessions[NGAP_MAX_PDU_SESSIONS];
    int n_allowed_nssai; /* 1..8 */
    struct ngap_snssai allowed_nssai[NGAP_MAX_ALLOWED_NSSAI];
    struct ngap_ue_security_capabilities security_capabilities;
    uint8_t security_key[32]; /* K_gNB, 256 bits (33.501) */
    bool has_ue_radio_capability; /* 9.3.1.74: what the AMF kept from an earlier indication (opaque here) */
    size_t ue_radio_capability_len;
    uint8_t ue_radio_capability[NGAP_MAX_UE_RADIO_CAP];
    bool has_masked_imeisv;
    uint64_t masked_imeisv;
    bool has_nas_pdu;
    size_t nas_len;
    uint8_t nas[NGAP_MAX_NAS_PDU];
};

/* 9.2.2.2 INITIAL CONTEXT SETUP RESPONSE (gNB -> AMF) is struct ngap_pdu_session_resource_setup_response: the two
 * ids, the PDU Session Resource Setup List Cxt Res and Failed To Setup List Cxt Res (the same items and transfers
 * as 9.2.1.2's SU Res lists). */

/* 9.2.1.3 PDU SESSION RESOURCE RELEASE COMMAND (AMF -> gNB): the sessions to release, each with the cause of its
 * PDUSessionResourceReleaseCommandTransfer. */
struct ngap_pdu_session_release_command {
    struct ngap_session_msg_head head;
    int n_sessions;
    int pdu_session_ids[NGAP_MAX_PDU_SESSIONS];
    struct ngap_cause causes[NGAP_MAX_PDU_SESSIONS];
};

/* 9.2.1.4 PDU SESSION RESOURCE RELEASE RESPONSE (gNB -> AMF). */
struct ngap_pdu_session_release_response {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    int n_sessions;
    int pdu_session_ids[NGAP_MAX_PDU_SESSIONS];
    bool has_uli;
    struct ngap_uli_nr uli;
};

/* 9.2.8.1 UE RADIO CAPABILITY INFO INDICATION (gNB -> AMF): the UE Radio Capability (9.3.1.74: an OCTET STRING
 * holding 38.331's UERadioAccessCapabilityInformation, UPER, whose ue-RadioAccessCapabilityInfo contains the UE's
 * UE-CapabilityRAT-ContainerList; built by rrc_ue_radio_access_cap_info_encode()). UERadioCapabilityForPaging and
 * later IEs are not modelled. */
struct ngap_ue_radio_capability_info_indication {
    uint64_t amf_ue_ngap_id;
    uint32_t ran_ue_ngap_id;
    size_t cap_len;
    uint8_t cap[NGAP_MAX_UE_RADIO_CAP];
};

struct ngap_skipped_ie {
    uint16_t id;
    uint8_t criticality;
};

struct ngap_pdu {
    enum ngap_msg msg;
    /* Filled by ngap_decode (and by ngap_encode from the message table). */
    uint8_t type;           /* enum ngap_pdu_type */
    uint8_t procedure_code; /* enum ngap_procedure */
    uint8_t criticality;    /* enum ngap_criticality */
    int n_skipped;          /* IEs decoded past (up to NGAP_MAX_SKIPPED listed; the count goes on) */
    struct ngap_skipped_ie skipped[NGAP_MAX_SKIPPED];
    union {
        struct ngap_ng_setup_request ng_setup_request;
        struct ngap_ng_setup_response ng_setup_response;
        struct ngap_ng_setup_failure ng_setup_failure;
        struct ngap_initial_ue_message initial_ue_message;
        struct ngap_downlink_nas_transport downlink_nas_transport;
        struct ngap_uplink_nas_transport uplink_nas_transport;
        struct ngap_initial_context_setup_request initial_context_setup_request;
        struct ngap_pdu_session_resource_setup_response initial_context_setup_response;
        struct ngap_ue_ids_cause initial_context_setup_failure;
        struct ngap_ue_ids_cause ue_context_release_request;
        struct ngap_ue_context_release_command ue_context_release_command;
        struct ngap_ue_context_release_complete ue_context_release_complete;
        struct ngap_ng_reset ng_reset;
        struct ngap_ng_reset_acknowledge ng_reset_acknowledge;
        struct ngap_error_indication error_indication;
        struct ngap_pdu_session_resource_setup_request pdu_session_resource_setup_request;
        struct ngap_pdu_session_resource_setup_response pdu_session_resource_setup_response;
        struct ngap_pdu_session_release_command pdu_session_resource_release_command;
        struct ngap_pdu_session_release_response pdu_session_resource_release_response;
        struct ngap_ue_radio_capability_info_indication ue_radio_capability_info_indication;
    } u;
};

/* Encodes pdu (pdu->msg selects the message) into buf[cap]: 0 with *len octets, or a negative errno. */
int ngap_encode(const struct ngap_pdu *pdu, uint8_t *buf, size_t cap, size_t *len);
/* Decodes one NGAP-PDU from buf[len] into *pdu (zeroed first): 0, or a negative errno (see above). */
int ngap_decode(const uint8_t *buf, size_t len, struct ngap_pdu *pdu);

/* The message's name as 38.413 spells it ("NGSetupRequest"), "?" for none. */
const char *ngap_msg_name(enum ngap_msg msg);

/* 9.3.3.5: PLMN identity from MCC and MNC (2 or 3 digits): -EINVAL outside 0..999 / mnc_digits not 2 or 3. */
int ngap_plmn_from_mcc_mnc(struct ngap_plmn *plmn, int mcc, int mnc, int mnc_digits);
/* And back: 0, or -EBADMSG when a digit is not BCD. *mnc_digits is 2 when the filler F is there. */
int ngap_plmn_to_mcc_mnc(const struct ngap_plmn *plmn, int *mcc, int *mnc, int *mnc_digits);

#endif
