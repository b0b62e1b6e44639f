/* NGAP-PDU codec (38.413 9.4): the PDU and IE-container walks and one IE table per message (see ngap.h). */
#include "ngap/ngap.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "asn1/per.h"
#include "ngap/ngap_ies.h"

/* One IE of a message (the message's NGAP-PROTOCOL-IES set, 9.4.4): id, criticality, where its presence flag
 * is (has = offset of a bool in the message struct, or NO_FLAG when mandatory) and its two-way walk. */
#define NO_FLAG SIZE_MAX
struct ie_spec {
    uint16_t id;
    uint8_t criticality;
    size_t has;
    void (*walk)(struct per *p, void *msg);
};

struct msg_spec {
    const char *name;
    uint8_t type, procedure_code, criticality;
    const struct ie_spec *ies;
    int n_ies;
};

#define IES(a) (a), (int)(sizeof(a) / sizeof((a)[0]))

/* A ProtocolIE-Container (the message's, or a transfer's inside an OCTET STRING): IEs not in ies[] are skipped
 * (and listed in pdu->skipped[] when pdu is given). */
static void ie_container(struct per *p, void *msg, const struct ie_spec *ies, int n_ies, struct ngap_pdu *pdu);

/* PDUSessionResourceSetupListSUReq / ListCxtReq: the same items (PDU Session Resource Setup Request 9.2.1.1,
 * Initial Context Setup Request 9.2.2.1). */
static void setup_list(struct per *p, int *n, struct ngap_pdu_session_setup_item *items);

/* --- IE walks over message structs ----------------------------------------------------------------------- */

/* NG Setup Request (9.2.6.1). */
#define M struct ngap_ng_setup_request
static void w_sreq_gnb(struct per *p, void *m)
{
    M *v = m;
    ngap_walk_global_gnb_id(p, &v->plmn, &v->gnb_id, &v->gnb_id_bits);
}
static void w_sreq_name(struct per *p, void *m) { ngap_walk_amf_name(p, ((M *)m)->ran_node_name); }
static void w_sreq_tas(struct per *p, void *m) { ngap_walk_supported_ta_list(p, &((M *)m)->n_tas, ((M *)m)->tas); }
static void w_sreq_drx(struct per *p, void *m) { per_enum(p, &((M *)m)->default_paging_drx, 4, true); }
static const struct ie_spec ng_setup_request_ies[] = {
    {NGAP_IE_GLOBAL_RAN_NODE_ID, NGAP_REJECT, NO_FLAG, w_sreq_gnb},
    {NGAP_IE_RAN_NODE_NAME, NGAP_IGNORE, offsetof(M, has_ran_node_name), w_sreq_name},
    {NGAP_IE_SUPPORTED_TA_LIST, NGAP_REJECT, NO_FLAG, w_sreq_tas},
    {NGAP_IE_DEFAULT_PAGING_DRX, NGAP_IGNORE, NO_FLAG, w_sreq_drx},
};
#undef M

/* NG Setup Response (9.2.6.2). */
#define M struct ngap_ng_setup_response
static void w_sresp_name(struct per *p, void *m) { ngap_walk_amf_name(p, ((M *)m)->amf_name); }
static void w_sresp_guamis(struct per *p, void *m)
{
    ngap_walk_served_guami_list(p, &((M *)m)->n_guamis, ((M *)m)->guamis);
}
static void w_sresp_cap(struct per *p, void *m) { per_int(p, &((M *)m)->relative_amf_capacity, 0, 255); }
static void w_sresp_plmns(struct per *p, void *m)
{
    ngap_walk_plmn_support_list(p, &((M *)m)->n_plmns, ((M *)m)->plmns);
}
static const struct ie_spec ng_setup_response_ies[] = {
    {NGAP_IE_AMF_NAME, NGAP_REJECT, NO_FLAG, w_sresp_name},
    {NGAP_IE_SERVED_GUAMI_LIST, NGAP_REJECT, NO_FLAG, w_sresp_guamis},
    {NGAP_IE_RELATIVE_AMF_CAPACITY, NGAP_IGNORE, NO_FLAG, w_sresp_cap},
    {NGAP_IE_PLMN_SUPPORT_LIST, NGAP_REJECT, NO_FLAG, w_sresp_plmns},
};
#undef M

/* NG Setup Failure (9.2.6.3). */
#define M struct ngap_ng_setup_failure
static void w_sfail_cause(struct per *p, void *m) { ngap_walk_cause(p, &((M *)m)->cause); }
static void w_sfail_ttw(struct per *p, void *m) { per_enum(p, &((M *)m)->time_to_wait, 6, true); }
static const struct ie_spec ng_setup_failure_ies[] = {
    {NGAP_IE_CAUSE, NGAP_IGNORE, NO_FLAG, w_sfail_cause},
    {NGAP_IE_TIME_TO_WAIT, NGAP_IGNORE, offsetof(M, has_time_to_wait), w_sfail_ttw},
};
#undef M

/* Initial UE Message (9.2.5.1). */
#define M struct ngap_initial_ue_message
static void w_iue_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_iue_nas(struct per *p, void *m) { ngap_walk_nas_pdu(p, ((M *)m)->nas, &((M *)m)->nas_len); }
static void w_iue_uli(struct per *p, void *m) { ngap_walk_uli_nr(p, &((M *)m)->uli); }
static void w_iue_cause(struct per *p, void *m) { per_enum_ext(p, &((M *)m)->rrc_establishment_cause, 10, 2); }
static void w_iue_tmsi(struct per *p, void *m) { ngap_walk_5g_s_tmsi(p, &((M *)m)->s_tmsi); }
static void w_iue_ctx(struct per *p, void *m)
{
    int requested = 0; /* UEContextRequest ::= ENUMERATED { requested, ... } */
    per_enum(p, &requested, 1, true);
}
static const struct ie_spec initial_ue_message_ies[] = {
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_iue_ran},
    {NGAP_IE_NAS_PDU, NGAP_REJECT, NO_FLAG, w_iue_nas},
    {NGAP_IE_USER_LOCATION_INFORMATION, NGAP_REJECT, NO_FLAG, w_iue_uli},
    {NGAP_IE_RRC_ESTABLISHMENT_CAUSE, NGAP_IGNORE, NO_FLAG, w_iue_cause},
    {NGAP_IE_FIVEG_S_TMSI, NGAP_REJECT, offsetof(M, has_5g_s_tmsi), w_iue_tmsi},
    {NGAP_IE_UE_CONTEXT_REQUEST, NGAP_IGNORE, offsetof(M, ue_context_requested), w_iue_ctx},
};
#undef M

/* Downlink NAS Transport (9.2.5.2). */
#define M struct ngap_downlink_nas_transport
static void w_dl_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_dl_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_dl_old(struct per *p, void *m) { ngap_walk_amf_name(p, ((M *)m)->old_amf); }
static void w_dl_prio(struct per *p, void *m) { per_int(p, &((M *)m)->ran_paging_priority, 1, 256); }
static void w_dl_nas(struct per *p, void *m) { ngap_walk_nas_pdu(p, ((M *)m)->nas, &((M *)m)->nas_len); }
static const struct ie_spec downlink_nas_transport_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_dl_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_dl_ran},
    {NGAP_IE_OLD_AMF, NGAP_REJECT, offsetof(M, has_old_amf), w_dl_old},
    {NGAP_IE_RAN_PAGING_PRIORITY, NGAP_IGNORE, offsetof(M, has_ran_paging_priority), w_dl_prio},
    {NGAP_IE_NAS_PDU, NGAP_REJECT, NO_FLAG, w_dl_nas},
};
#undef M

/* Uplink NAS Transport (9.2.5.3). */
#define M struct ngap_uplink_nas_transport
static void w_ul_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_ul_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_ul_nas(struct per *p, void *m) { ngap_walk_nas_pdu(p, ((M *)m)->nas, &((M *)m)->nas_len); }
static void w_ul_uli(struct per *p, void *m) { ngap_walk_uli_nr(p, &((M *)m)->uli); }
static const struct ie_spec uplink_nas_transport_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_ul_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_ul_ran},
    {NGAP_IE_NAS_PDU, NGAP_REJECT, NO_FLAG, w_ul_nas},
    {NGAP_IE_USER_LOCATION_INFORMATION, NGAP_IGNORE, NO_FLAG, w_ul_uli},
};
#undef M

/* Initial Context Setup Request (9.2.2.1): the IEs modelled, in 9.4.4's order. */
#define M struct ngap_initial_context_setup_request
static void w_ics_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_ics_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_ics_ambr(struct per *p, void *m) { ngap_walk_ue_ambr(p, &((M *)m)->ue_ambr_dl, &((M *)m)->ue_ambr_ul); }
static void w_ics_guami(struct per *p, void *m) { ngap_walk_guami(p, &((M *)m)->guami); }
static void w_ics_sessions(struct per *p, void *m) { setup_list(p, &((M *)m)->n_sessions, ((M *)m)->sessions); }
static void w_ics_nssai(struct per *p, void *m)
{
    ngap_walk_allowed_nssai(p, &((M *)m)->n_allowed_nssai, ((M *)m)->allowed_nssai);
}
static void w_ics_sec(struct per *p, void *m) { ngap_walk_ue_security_capabilities(p, &((M *)m)->security_capabilities); }
static void w_ics_key(struct per *p, void *m)
{
    per_fixed_octets(p, ((M *)m)->security_key, 32); /* BIT STRING (SIZE (256)): the same layout (16.10, 17.7) */
}
static void w_ics_radio_cap(struct per *p, void *m)
{
    per_octets(p, ((M *)m)->ue_radio_capability, &((M *)m)->ue_radio_capability_len, NGAP_MAX_UE_RADIO_CAP);
}
static void w_ics_imeisv(struct per *p, void *m) { per_bits(p, &((M *)m)->masked_imeisv, 64); }
static void w_ics_nas(struct per *p, void *m) { ngap_walk_nas_pdu(p, ((M *)m)->nas, &((M *)m)->nas_len); }
static const struct ie_spec initial_context_setup_request_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_ics_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_ics_ran},
    {NGAP_IE_UE_AGGREGATE_MAXIMUM_BIT_RATE, NGAP_REJECT, offsetof(M, has_ue_ambr), w_ics_ambr},
    {NGAP_IE_GUAMI, NGAP_REJECT, NO_FLAG, w_ics_guami},
    {NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_CXT_REQ, NGAP_REJECT, offsetof(M, has_sessions), w_ics_sessions},
    {NGAP_IE_ALLOWED_NSSAI, NGAP_REJECT, NO_FLAG, w_ics_nssai},
    {NGAP_IE_UE_SECURITY_CAPABILITIES, NGAP_REJECT, NO_FLAG, w_ics_sec},
    {NGAP_IE_SECURITY_KEY, NGAP_REJECT, NO_FLAG, w_ics_key},
    {NGAP_IE_UE_RADIO_CAPABILITY, NGAP_IGNORE, offsetof(M, has_ue_radio_capability), w_ics_radio_cap},
    {NGAP_IE_MASKED_IMEISV, NGAP_IGNORE, offsetof(M, has_masked_imeisv), w_ics_imeisv},
    {NGAP_IE_NAS_PDU, NGAP_IGNORE, offsetof(M, has_nas_pdu), w_ics_nas},
};
#undef M

/* The UE-associated answers and requests that are two ids and a cause (9.2.2.3-4). */
#define M struct ngap_ue_ids_cause
static void w_ids_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_ids_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_ids_cause(struct per *p, void *m) { ngap_walk_cause(p, &((M *)m)->cause); }
static const struct ie_spec initial_context_setup_failure_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_ids_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_ids_ran},
    {NGAP_IE_CAUSE, NGAP_IGNORE, NO_FLAG, w_ids_cause},
};
static const struct ie_spec ue_context_release_request_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_ids_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_ids_ran},
    {NGAP_IE_CAUSE, NGAP_IGNORE, NO_FLAG, w_ids_cause},
};
#undef M

/* UE Context Release Command (9.2.2.5). */
#define M struct ngap_ue_context_release_command
static void w_rcmd_ids(struct per *p, void *m)
{
    M *v = m;
    ngap_walk_ue_ngap_ids(p, &v->has_ran_ue_ngap_id, &v->amf_ue_ngap_id, &v->ran_ue_ngap_id);
}
static void w_rcmd_cause(struct per *p, void *m) { ngap_walk_cause(p, &((M *)m)->cause); }
static const struct ie_spec ue_context_release_command_ies[] = {
    {NGAP_IE_UE_NGAP_IDS, NGAP_REJECT, NO_FLAG, w_rcmd_ids},
    {NGAP_IE_CAUSE, NGAP_IGNORE, NO_FLAG, w_rcmd_cause},
};
#undef M

/* UE Context Release Complete (9.2.2.6). */
#define M struct ngap_ue_context_release_complete
static void w_rcpl_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_rcpl_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_rcpl_uli(struct per *p, void *m) { ngap_walk_uli_nr(p, &((M *)m)->uli); }
static const struct ie_spec ue_context_release_complete_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_rcpl_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_rcpl_ran},
    {NGAP_IE_USER_LOCATION_INFORMATION, NGAP_IGNORE, offsetof(M, has_uli), w_rcpl_uli},
};
#undef M

/* NG Reset (9.2.6.11) and NG Reset Acknowledge (9.2.6.12). */
#define M struct ngap_ng_reset
static void w_reset_cause(struct per *p, void *m) { ngap_walk_cause(p, &((M *)m)->cause); }
static void w_reset_type(struct per *p, void *m)
{
    M *v = m;
    ngap_walk_reset_type(p, &v->reset_all, &v->n_ues, v->ues);
}
static const struct ie_spec ng_reset_ies[] = {
    {NGAP_IE_CAUSE, NGAP_IGNORE, NO_FLAG, w_reset_cause},
    {NGAP_IE_RESET_TYPE, NGAP_REJECT, NO_FLAG, w_reset_type},
};
#undef M
#define M struct ngap_ng_reset_acknowledge
static void w_rack_ues(struct per *p, void *m) { ngap_walk_ue_connection_list(p, &((M *)m)->n_ues, ((M *)m)->ues); }
static const struct ie_spec ng_reset_acknowledge_ies[] = {
    {NGAP_IE_UE_ASSOCIATED_LOGICAL_NG_CONNECTION_LIST, NGAP_IGNORE, offsetof(M, has_ues), w_rack_ues},
};
#undef M

/* Error Indication (9.2.7.1). */
#define M struct ngap_error_indication
static void w_err_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_err_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_err_cause(struct per *p, void *m) { ngap_walk_cause(p, &((M *)m)->cause); }
static const struct ie_spec error_indication_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_IGNORE, offsetof(M, has_amf_ue_ngap_id), w_err_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_IGNORE, offsetof(M, has_ran_ue_ngap_id), w_err_ran},
    {NGAP_IE_CAUSE, NGAP_IGNORE, offsetof(M, has_cause), w_err_cause},
};
#undef M

/* PDU Session Resource Setup Request (9.2.1.1). Each list item carries a PDUSessionResourceSetupRequestTransfer,
 * an OCTET STRING (CONTAINING) of its own ProtocolIE-Container (9.3.4.1). */
#define M struct ngap_pdu_session_setup_item
static void w_tr_ambr(struct per *p, void *m) { ngap_walk_ue_ambr(p, &((M *)m)->session_ambr_dl, &((M *)m)->session_ambr_ul); }
static void w_tr_ul(struct per *p, void *m) { ngap_walk_up_tnl(p, &((M *)m)->ul_tunnel); }
static void w_tr_type(struct per *p, void *m) { per_enum(p, &((M *)m)->pdu_session_type, 5, true); }
static void w_tr_flows(struct per *p, void *m) { ngap_walk_qos_flow_setup_list(p, &((M *)m)->n_qos_flows, ((M *)m)->qos_flows); }
static const struct ie_spec setup_request_transfer_ies[] = {
    {NGAP_IE_PDU_SESSION_AGGREGATE_MAXIMUM_BIT_RATE, NGAP_REJECT, offsetof(M, has_session_ambr), w_tr_ambr},
    {NGAP_IE_UL_NGU_UP_TNL_INFORMATION, NGAP_REJECT, NO_FLAG, w_tr_ul},
    {NGAP_IE_PDU_SESSION_TYPE, NGAP_REJECT, NO_FLAG, w_tr_type},
    {NGAP_IE_QOS_FLOW_SETUP_REQUEST_LIST, NGAP_REJECT, NO_FLAG, w_tr_flows},
};

/* An OCTET STRING (CONTAINING X): X's complete encoding with a general length, as an open type. */
static void containing(struct per *p, void *v, void (*walk)(struct per *, void *))
{
    uint8_t scratch[1024];
    struct per_nested n;
    walk(per_nested_begin(p, &n, scratch, sizeof scratch), v);
    per_nested_end(p, &n);
}

static void setup_request_transfer(struct per *p, void *m)
{
    ie_container(p, m, IES(setup_request_transfer_ies), NULL);
}

/* PDUSessionResourceSetupItemSUReq and ItemCxtReq ::= SEQUENCE { pDUSessionID INTEGER (0..255), pDUSessionNAS-PDU NAS-PDU
 *     OPTIONAL, s-NSSAI, pDUSessionResourceSetupRequestTransfer, iE-Extensions OPTIONAL, ... } */
static void setup_item(struct per *p, M *v)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_nas_pdu);
    per_opt(p, &iex);
    per_int(p, &v->pdu_session_id, 0, 255);
    if (v->has_nas_pdu) per_octets(p, v->nas, &v->nas_len, sizeof v->nas);
    ngap_walk_snssai(p, &v->snssai);
    containing(p, v, setup_request_transfer);
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}
#undef M

/* struct ngap_session_msg_head, the first member of both messages (so the message pointer is the head's). */
#define H struct ngap_session_msg_head
static void w_head_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((H *)m)->amf_ue_ngap_id); }
static void w_head_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((H *)m)->ran_ue_ngap_id); }
static void w_head_prio(struct per *p, void *m) { per_int(p, &((H *)m)->ran_paging_priority, 1, 256); }
static void w_head_nas(struct per *p, void *m) { per_octets(p, ((H *)m)->nas, &((H *)m)->nas_len, sizeof ((H *)m)->nas); }
#undef H

/* PDUSessionResourceSetupListSUReq / CxtReq ::= SEQUENCE (SIZE (1..maxnoofPDUSessions)) OF ... */
static void setup_list(struct per *p, int *n, struct ngap_pdu_session_setup_item *items)
{
    per_size(p, n, 1, 256, NGAP_MAX_PDU_SESSIONS);
    for (int i = 0; i < *n && !per_error(p); i++) setup_item(p, &items[i]);
}

#define M struct ngap_pdu_session_resource_setup_request
static void w_psr_list(struct per *p, void *m) { setup_list(p, &((M *)m)->n_sessions, ((M *)m)->sessions); }
static void w_psr_ambr(struct per *p, void *m) { ngap_walk_ue_ambr(p, &((M *)m)->ue_ambr_dl, &((M *)m)->ue_ambr_ul); }
static const struct ie_spec pdu_session_resource_setup_request_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_head_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_head_ran},
    {NGAP_IE_RAN_PAGING_PRIORITY, NGAP_IGNORE, offsetof(M, head.has_ran_paging_priority), w_head_prio},
    {NGAP_IE_NAS_PDU, NGAP_REJECT, offsetof(M, head.has_nas_pdu), w_head_nas},
    {NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_SU_REQ, NGAP_REJECT, NO_FLAG, w_psr_list},
    {NGAP_IE_UE_AGGREGATE_MAXIMUM_BIT_RATE, NGAP_IGNORE, offsetof(M, has_ue_ambr), w_psr_ambr},
};
#undef M

/* PDU Session Resource Setup Response (9.2.1.2). */
#define M struct ngap_pdu_session_setup_result
/* PDUSessionResourceSetupResponseTransfer ::= SEQUENCE { dLQosFlowPerTNLInformation,
 *     additionalDLQosFlowPerTNLInformation OPTIONAL, securityResult OPTIONAL, qosFlowFailedToSetupList OPTIONAL,
 *     iE-Extensions OPTIONAL, ... } */
static void setup_response_transfer(struct per *p, void *m)
{
    M *v = m;
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt_none(p);
    per_opt_none(p);
    per_opt_none(p);
    per_opt(p, &iex);
    ngap_walk_qos_flow_per_tnl(p, &v->dl_tunnel, &v->n_qos_flows, v->qfis);
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}
#undef M
/* PDUSessionResourceSetupUnsuccessfulTransfer ::= SEQUENCE { cause, criticalityDiagnostics OPTIONAL,
 *     iE-Extensions OPTIONAL, ... } */
static void setup_unsuccessful_transfer(struct per *p, void *m)
{
    struct ngap_pdu_session_setup_failed *v = m;
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt_none(p);
    per_opt(p, &iex);
    ngap_walk_cause(p, &v->cause);
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}

/* PDUSessionResourceSetupItemSURes / CxtRes, FailedToSetupItemSURes / CxtRes ::= SEQUENCE { pDUSessionID, the transfer,
 *     iE-Extensions OPTIONAL, ... }: the same shape with a different transfer. */
static void session_item(struct per *p, int *id, void *v, void (*transfer)(struct per *, void *))
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    per_int(p, id, 0, 255);
    containing(p, v, transfer);
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}

#define M struct ngap_pdu_session_resource_setup_response
static void w_psp_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_psp_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_psp_setup(struct per *p, void *m)
{
    M *v = m;
    per_size(p, &v->n_setup, 1, 256, NGAP_MAX_PDU_SESSIONS);
    for (int i = 0; i < v->n_setup && !per_error(p); i++)
        session_item(p, &v->setup[i].pdu_session_id, &v->setup[i], setup_response_transfer);
}
static void w_psp_failed(struct per *p, void *m)
{
    M *v = m;
    per_size(p, &v->n_failed, 1, 256, NGAP_MAX_PDU_SESSIONS);
    for (int i = 0; i < v->n_failed && !per_error(p); i++)
        session_item(p, &v->failed[i].pdu_session_id, &v->failed[i], setup_unsuccessful_transfer);
}
static const struct ie_spec pdu_session_resource_setup_response_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_psp_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_psp_ran},
    {NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_SU_RES, NGAP_IGNORE, offsetof(M, has_setup), w_psp_setup},
    {NGAP_IE_PDU_SESSION_RESOURCE_FAILED_TO_SETUP_LIST_SU_RES, NGAP_IGNORE, offsetof(M, has_failed), w_psp_failed},
};
/* Initial Context Setup Response (9.2.2.2): the same struct, the Cxt Res lists. */
static const struct ie_spec initial_context_setup_response_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_psp_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_psp_ran},
    {NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_CXT_RES, NGAP_IGNORE, offsetof(M, has_setup), w_psp_setup},
    {NGAP_IE_PDU_SESSION_RESOURCE_FAILED_TO_SETUP_LIST_CXT_RES, NGAP_IGNORE, offsetof(M, has_failed), w_psp_failed},
};
#undef M

/* PDU Session Resource Release Command (9.2.1.3) and Response (9.2.1.4). */
/* PDUSessionResourceReleaseCommandTransfer ::= SEQUENCE { cause, iE-Extensions OPTIONAL, ... } */
static void release_command_transfer(struct per *p, void *m)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_cause(p, m);
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}
/* PDUSessionResourceReleaseResponseTransfer ::= SEQUENCE { iE-Extensions OPTIONAL, ... } */
static void release_response_transfer(struct per *p, void *m)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}

#define M struct ngap_pdu_session_release_command
static void w_prc_list(struct per *p, void *m)
{
    M *v = m; /* PDUSessionResourceToReleaseListRelCmd: items { pDUSessionID, the command transfer, ... } */
    per_size(p, &v->n_sessions, 1, 256, NGAP_MAX_PDU_SESSIONS);
    for (int i = 0; i < v->n_sessions && !per_error(p); i++)
        session_item(p, &v->pdu_session_ids[i], &v->causes[i], release_command_transfer);
}
static const struct ie_spec pdu_session_resource_release_command_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_head_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_head_ran},
    {NGAP_IE_RAN_PAGING_PRIORITY, NGAP_IGNORE, offsetof(M, head.has_ran_paging_priority), w_head_prio},
    {NGAP_IE_NAS_PDU, NGAP_IGNORE, offsetof(M, head.has_nas_pdu), w_head_nas},
    {NGAP_IE_PDU_SESSION_RESOURCE_TO_RELEASE_LIST_REL_CMD, NGAP_REJECT, NO_FLAG, w_prc_list},
};
#undef M

#define M struct ngap_pdu_session_release_response
static void w_prr_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_prr_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_prr_list(struct per *p, void *m)
{
    M *v = m; /* PDUSessionResourceReleasedListRelRes: items { pDUSessionID, the response transfer, ... } */
    per_size(p, &v->n_sessions, 1, 256, NGAP_MAX_PDU_SESSIONS);
    for (int i = 0; i < v->n_sessions && !per_error(p); i++)
        session_item(p, &v->pdu_session_ids[i], NULL, release_response_transfer);
}
static void w_prr_uli(struct per *p, void *m) { ngap_walk_uli_nr(p, &((M *)m)->uli); }
static const struct ie_spec pdu_session_resource_release_response_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_prr_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_IGNORE, NO_FLAG, w_prr_ran},
    {NGAP_IE_PDU_SESSION_RESOURCE_RELEASED_LIST_REL_RES, NGAP_IGNORE, NO_FLAG, w_prr_list},
    {NGAP_IE_USER_LOCATION_INFORMATION, NGAP_IGNORE, offsetof(M, has_uli), w_prr_uli},
};
#undef M

/* UE Radio Capability Info Indication (9.2.8.1). */
#define M struct ngap_ue_radio_capability_info_indication
static void w_cap_amf(struct per *p, void *m) { ngap_walk_amf_ue_ngap_id(p, &((M *)m)->amf_ue_ngap_id); }
static void w_cap_ran(struct per *p, void *m) { ngap_walk_ran_ue_ngap_id(p, &((M *)m)->ran_ue_ngap_id); }
static void w_cap_cap(struct per *p, void *m) { per_octets(p, ((M *)m)->cap, &((M *)m)->cap_len, NGAP_MAX_UE_RADIO_CAP); }
static const struct ie_spec ue_radio_capability_info_indication_ies[] = {
    {NGAP_IE_AMF_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_cap_amf},
    {NGAP_IE_RAN_UE_NGAP_ID, NGAP_REJECT, NO_FLAG, w_cap_ran},
    {NGAP_IE_UE_RADIO_CAPABILITY, NGAP_IGNORE, NO_FLAG, w_cap_cap},
};
#undef M

/* The procedure's criticality is that of 9.4.4's NGAP-ELEMENTARY-PROCEDURE objects (NGSetup reject, the
 * class-2 NAS transports ignore). */
static const struct msg_spec msgs[NGAP_MSG_COUNT] = {
    [NGAP_MSG_NG_SETUP_REQUEST] = {"NGSetupRequest", NGAP_INITIATING, NGAP_PROC_NG_SETUP, NGAP_REJECT,
                                   IES(ng_setup_request_ies)},
    [NGAP_MSG_NG_SETUP_RESPONSE] = {"NGSetupResponse", NGAP_SUCCESSFUL, NGAP_PROC_NG_SETUP, NGAP_REJECT,
                                    IES(ng_setup_response_ies)},
    [NGAP_MSG_NG_SETUP_FAILURE] = {"NGSetupFailure", NGAP_UNSUCCESSFUL, NGAP_PROC_NG_SETUP, NGAP_REJECT,
                                   IES(ng_setup_failure_ies)},
    [NGAP_MSG_INITIAL_UE_MESSAGE] = {"InitialUEMessage", NGAP_INITIATING, NGAP_PROC_INITIAL_UE_MESSAGE,
                                     NGAP_IGNORE, IES(initial_ue_message_ies)},
    [NGAP_MSG_DOWNLINK_NAS_TRANSPORT] = {"DownlinkNASTransport", NGAP_INITIATING,
                                         NGAP_PROC_DOWNLINK_NAS_TRANSPORT, NGAP_IGNORE,
                                         IES(downlink_nas_transport_ies)},
    [NGAP_MSG_UPLINK_NAS_TRANSPORT] = {"UplinkNASTransport", NGAP_INITIATING, NGAP_PROC_UPLINK_NAS_TRANSPORT,
                                       NGAP_IGNORE, IES(uplink_nas_transport_ies)},
    [NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST] = {"InitialContextSetupRequest", NGAP_INITIATING,
                                                NGAP_PROC_INITIAL_CONTEXT_SETUP, NGAP_REJECT,
                                                IES(initial_context_setup_request_ies)},
    [NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE] = {"InitialContextSetupResponse", NGAP_SUCCESSFUL,
                                                 NGAP_PROC_INITIAL_CONTEXT_SETUP, NGAP_REJECT,
                                                 IES(initial_context_setup_response_ies)},
    [NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE] = {"InitialContextSetupFailure", NGAP_UNSUCCESSFUL,
                                                NGAP_PROC_INITIAL_CONTEXT_SETUP, NGAP_REJECT,
                                                IES(initial_context_setup_failure_ies)},
    [NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST] = {"UEContextReleaseRequest", NGAP_INITIATING,
                                             NGAP_PROC_UE_CONTEXT_RELEASE_REQUEST, NGAP_IGNORE,
                                             IES(ue_context_release_request_ies)},
    [NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND] = {"UEContextReleaseCommand", NGAP_INITIATING,
                                             NGAP_PROC_UE_CONTEXT_RELEASE, NGAP_REJECT,
                                             IES(ue_context_release_command_ies)},
    [NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE] = {"UEContextReleaseComplete", NGAP_SUCCESSFUL,
                                              NGAP_PROC_UE_CONTEXT_RELEASE, NGAP_REJECT,
                                              IES(ue_context_release_complete_ies)},
    [NGAP_MSG_NG_RESET] = {"NGReset", NGAP_INITIATING, NGAP_PROC_NG_RESET, NGAP_REJECT, IES(ng_reset_ies)},
    [NGAP_MSG_NG_RESET_ACKNOWLEDGE] = {"NGResetAcknowledge", NGAP_SUCCESSFUL, NGAP_PROC_NG_RESET, NGAP_REJECT,
                                       IES(ng_reset_acknowledge_ies)},
    [NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST] = {"PDUSessionResourceSetupRequest", NGAP_INITIATING,
                                                    NGAP_PROC_PDU_SESSION_RESOURCE_SETUP, NGAP_REJECT,
                                                    IES(pdu_session_resource_setup_request_ies)},
    [NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE] = {"PDUSessionResourceSetupResponse", NGAP_SUCCESSFUL,
                                                     NGAP_PROC_PDU_SESSION_RESOURCE_SETUP, NGAP_REJECT,
                                                     IES(pdu_session_resource_setup_response_ies)},
    [NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND] = {"PDUSessionResourceReleaseCommand", NGAP_INITIATING,
                                                      NGAP_PROC_PDU_SESSION_RESOURCE_RELEASE, NGAP_REJECT,
                                                      IES(pdu_session_resource_release_command_ies)},
    [NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE] = {"PDUSessionResourceReleaseResponse", NGAP_SUCCESSFUL,
                                                       NGAP_PROC_PDU_SESSION_RESOURCE_RELEASE, NGAP_REJECT,
                                                       IES(pdu_session_resource_release_response_ies)},
    [NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION] = {"UERadioCapabilityInfoIndication", NGAP_INITIATING,
                                                     NGAP_PROC_UE_RADIO_CAPABILITY_INFO_INDICATION, NGAP_IGNORE,
                                                     IES(ue_radio_capability_info_indication_ies)},
    [NGAP_MSG_ERROR_INDICATION] = {"ErrorIndication", NGAP_INITIATING, NGAP_PROC_ERROR_INDICATION, NGAP_IGNORE,
                                   IES(error_indication_ies)},
};

const char *ngap_msg_name(enum ngap_msg msg)
{
    return msg > NGAP_MSG_NONE && msg < NGAP_MSG_COUNT ? msgs[msg].name : "?";
}

/* --- containers ---------------------------------------------------------------------------------------- */

struct walk_ctx {
    struct ngap_pdu *pdu;
    const struct msg_spec *ms;
};

static bool *flag_of(void *msg, const struct ie_spec *ie) { return (bool *)((char *)msg + ie->has); }

static bool ie_present(void *msg, const struct ie_spec *ie) { return ie->has == NO_FLAG || *flag_of(msg, ie); }

static void note_skipped(struct ngap_pdu *pdu, int id, int crit)
{
    if (pdu->n_skipped < NGAP_MAX_SKIPPED)
        pdu->skipped[pdu->n_skipped] = (struct ngap_skipped_ie){(uint16_t)id, (uint8_t)crit};
    pdu->n_skipped++;
}

/* One IE's value (ProtocolIE-Field.value, an open type holding the IE's complete encoding). */
static void ie_value(struct per *p, void *msg, const struct ie_spec *ie)
{
    uint8_t scratch[NGAP_MAX_NAS_PDU + 64];
    struct per_nested n;
    ie->walk(per_nested_begin(p, &n, scratch, sizeof scratch), msg);
    per_nested_end(p, &n);
}

/* The message: SEQUENCE { protocolIEs ProtocolIE-Container, ... }, the container a SEQUENCE (SIZE
 * (0..maxProtocolIEs)) OF ProtocolIE-Field { id (0..65535), criticality, value }. */
static void ie_container(struct per *p, void *msg, const struct ie_spec *ies, int n_ies, struct ngap_pdu *pdu)
{
    bool ext = false;
    int count = 0;
    per_ext(p, &ext);
    if (!per_decoding(p)) {
        for (int i = 0; i < n_ies; i++) count += ie_present(msg, &ies[i]);
        per_int(p, &count, 0, 65535);
        for (int i = 0; i < n_ies; i++) {
            const struct ie_spec *ie = &ies[i];
            if (!ie_present(msg, ie)) continue;
            int id = ie->id, crit = ie->criticality;
            per_int(p, &id, 0, 65535);
            per_enum(p, &crit, 3, false);
            ie_value(p, msg, ie);
        }
        per_ext_skip(p, ext);
        return;
    }
    uint64_t seen = 0;
    per_int(p, &count, 0, 65535);
    for (int k = 0; k < count && !per_error(p); k++) {
        int id = 0, crit = 0, i = 0;
        per_int(p, &id, 0, 65535);
        per_enum(p, &crit, 3, false);
        while (i < n_ies && ies[i].id != id) i++;
        if (per_error(p)) break;
        if (i == n_ies) { /* not modelled: skip its value */
            if (pdu) note_skipped(pdu, id, crit);
            per_skip_octets(p);
            continue;
        }
        if (seen >> i & 1u) { /* 38.413 10.3.6: an IE appearing more than once */
            per_fail(p, -EBADMSG);
            break;
        }
        seen |= 1ull << i;
        if (ies[i].has != NO_FLAG) *flag_of(msg, &ies[i]) = true;
        ie_value(p, msg, &ies[i]);
    }
    for (int i = 0; i < n_ies && !per_error(p); i++) /* 10.3.5: a missing mandatory IE */
        if (ies[i].has == NO_FLAG && !(seen >> i & 1u)) per_fail(p, -EBADMSG);
    per_ext_skip(p, ext);
}

static void msg_walk(struct per *p, struct walk_ctx *c)
{
    ie_container(p, &c->pdu->u, c->ms->ies, c->ms->n_ies, c->pdu);
}

/* NGAP-PDU ::= CHOICE { initiatingMessage, successfulOutcome, unsuccessfulOutcome, ... }, each a SEQUENCE
 * { procedureCode (0..255), criticality, value (the message, an open type) }. */
static void pdu_walk(struct per *p, void *v)
{
    uint8_t scratch[NGAP_MAX_PDU_BYTES];
    struct walk_ctx *c = v;
    struct ngap_pdu *pdu = c->pdu;
    int type = c->ms ? c->ms->type : 0, code = c->ms ? c->ms->procedure_code : 0;
    int crit = c->ms ? c->ms->criticality : 0;
    per_choice(p, &type, 3, true);
    per_int(p, &code, 0, 255);
    per_enum(p, &crit, 3, false);
    if (per_error(p)) return;
    if (per_decoding(p)) {
        pdu->type = (uint8_t)type;
        pdu->procedure_code = (uint8_t)code;
        pdu->criticality = (uint8_t)crit;
        for (int m = NGAP_MSG_NONE + 1; m < NGAP_MSG_COUNT && !c->ms; m++)
            if (msgs[m].type == type && msgs[m].procedure_code == code) {
                c->ms = &msgs[m];
                pdu->msg = (enum ngap_msg)m;
            }
        if (!c->ms) {
            per_skip_octets(p);
            if (!per_error(p)) per_fail(p, -ENOTSUP);
            return;
        }
    }
    struct per_nested n;
    msg_walk(per_nested_begin(p, &n, scratch, sizeof scratch), c);
    per_nested_end(p, &n);
}

int ngap_encode(const struct ngap_pdu *pdu, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (pdu->msg <= NGAP_MSG_NONE || pdu->msg >= NGAP_MSG_COUNT) return -EINVAL;
    struct walk_ctx c = {(struct ngap_pdu *)pdu, &msgs[pdu->msg]}; /* encoding only reads the message */
    return per_encode_message_aligned(pdu_walk, &c, buf, cap, len);
}

int ngap_decode(const uint8_t *buf, size_t len, struct ngap_pdu *pdu)
{
    memset(pdu, 0, sizeof *pdu);
    struct walk_ctx c = {pdu, NULL};
    return per_decode_message_aligned(pdu_walk, &c, 0, buf, len);
}

/* --- PLMN identity (9.3.3.5, TBCD as 23.003 2.2 digits) ------------------------------------------------- */

int ngap_plmn_from_mcc_mnc(struct ngap_plmn *plmn, int mcc, int mnc, int mnc_digits)
{
    if (mcc < 0 || mcc > 999 || mnc < 0 || (mnc_digits != 2 && mnc_digits != 3) ||
        mnc > (mnc_digits == 2 ? 99 : 999))
        return -EINVAL;
    int m1 = mcc / 100, m2 = mcc / 10 % 10, m3 = mcc % 10;
    int n1 = mnc_digits == 3 ? mnc / 100 : mnc / 10, n2 = mnc_digits == 3 ? mnc / 10 % 10 : mnc % 10;
    int n3 = mnc_digits == 3 ? mnc % 10 : 0xf;
    plmn->b[0] = (uint8_t)(m2 << 4 | m1);
    plmn->b[1] = (uint8_t)(n3 << 4 | m3);
    plmn->b[2] = (uint8_t)(n2 << 4 | n1);
    return 0;
}

int ngap_plmn_to_mcc_mnc(const struct ngap_plmn *plmn, int *mcc, int *mnc, int *mnc_digits)
{
    int m1 = plmn->b[0] & 15, m2 = plmn->b[0] >> 4, m3 = plmn->b[1] & 15, n3 = plmn->b[1] >> 4;
    int n1 = plmn->b[2] & 15, n2 = plmn->b[2] >> 4;
    if (m1 > 9 || m2 > 9 || m3 > 9 || n1 > 9 || n2 > 9 || (n3 > 9 && n3 != 0xf)) return -EBADMSG;
    *mcc = m1 * 100 + m2 * 10 + m3;
    *mnc_digits = n3 == 0xf ? 2 : 3;
    *mnc = n3 == 0xf ? n1 * 10 + n2 : n1 * 100 + n2 * 10 + n3;
    return 0;
}
