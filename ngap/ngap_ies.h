/* NGAP information elements (38.413 9.3, ASN.1 in 9.4.5): one two-way walk per IE type (asn1/per.h), shared by
 * the message tables of ngap/ngap.c. Internal to ngap/.
 *
 * Every extensible SEQUENCE here is coded as: extension bit, presence bits (OPTIONAL fields, then iE-Extensions),
 * root fields, then ngap_ie_extensions() (a received ProtocolExtensionContainer is skipped; we never send one)
 * and per_ext_skip() (a later release's extension additions are skipped).
 */
#ifndef GNBD_NGAP_NGAP_IES_H
#define GNBD_NGAP_NGAP_IES_H

#include "asn1/per.h"
#include "ngap/ngap.h"

/* iE-Extensions ProtocolExtensionContainer (9.4.6): decoding skips it when present; encoding never sends one. */
void ngap_ie_extensions(struct per *p, bool present);

void ngap_walk_plmn(struct per *p, struct ngap_plmn *v);
void ngap_walk_tac(struct per *p, uint32_t *tac);           /* TAC: OCTET STRING (SIZE (3)) */
void ngap_walk_snssai(struct per *p, struct ngap_snssai *v);
/* SliceSupportList: SEQUENCE (SIZE (1..maxnoofSliceItems)) OF SliceSupportItem. */
void ngap_walk_slice_list(struct per *p, int *n, struct ngap_snssai *slices);
void ngap_walk_tai(struct per *p, struct ngap_tai *v);
void ngap_walk_nr_cgi(struct per *p, struct ngap_nr_cgi *v);
void ngap_walk_guami(struct per *p, struct ngap_guami *v);
void ngap_walk_cause(struct per *p, struct ngap_cause *v);
void ngap_walk_amf_name(struct per *p, char *name);          /* AMFName / RANNodeName: buffer of NAME_MAX + 1 */
void ngap_walk_ran_ue_ngap_id(struct per *p, uint32_t *v);  /* INTEGER (0..2^32-1) */
void ngap_walk_amf_ue_ngap_id(struct per *p, uint64_t *v);  /* INTEGER (0..2^40-1) */
void ngap_walk_nas_pdu(struct per *p, uint8_t *nas, size_t *len);
/* UserLocationInformation CHOICE, NR alternative; another alternative decodes as -ENOTSUP. */
void ngap_walk_uli_nr(struct per *p, struct ngap_uli_nr *v);
/* GlobalRANNodeID CHOICE, globalGNB-ID alternative. */
void ngap_walk_global_gnb_id(struct per *p, struct ngap_plmn *plmn, uint32_t *gnb_id, int *bits);
void ngap_walk_supported_ta_list(struct per *p, int *n, struct ngap_supported_ta *tas);
void ngap_walk_served_guami_list(struct per *p, int *n, struct ngap_served_guami *list);
void ngap_walk_plmn_support_list(struct per *p, int *n, struct ngap_plmn_support *list);
void ngap_walk_5g_s_tmsi(struct per *p, struct ngap_5g_s_tmsi *v);
/* UEAggregateMaximumBitRate ::= SEQUENCE { DL BitRate, UL BitRate, iE-Extensions, ... } */
void ngap_walk_ue_ambr(struct per *p, uint64_t *dl, uint64_t *ul);
/* AllowedNSSAI ::= SEQUENCE (SIZE (1..8)) OF AllowedNSSAI-Item { s-NSSAI, iE-Extensions, ... } */
void ngap_walk_allowed_nssai(struct per *p, int *n, struct ngap_snssai *list);
void ngap_walk_ue_security_capabilities(struct per *p, struct ngap_ue_security_capabilities *v);
/* UE-NGAP-IDs ::= CHOICE { uE-NGAP-ID-pair, aMF-UE-NGAP-ID, choice-Extensions } */
void ngap_walk_ue_ngap_ids(struct per *p, bool *pair, uint64_t *amf, uint32_t *ran);
/* UE-associatedLogicalNG-connectionList ::= SEQUENCE (SIZE (1..65536)) OF UE-associatedLogicalNG-connectionItem */
void ngap_walk_ue_connection_list(struct per *p, int *n, struct ngap_ue_connection *list);
/* ResetType ::= CHOICE { nG-Interface ResetAll, partOfNG-Interface UE-associatedLogicalNG-connectionList, ... } */
void ngap_walk_reset_type(struct per *p, bool *all, int *n, struct ngap_ue_connection *list);
/* UPTransportLayerInformation ::= CHOICE { gTPTunnel GTPTunnel, choice-Extensions } */
void ngap_walk_up_tnl(struct per *p, struct ngap_gtp_tunnel *v);
/* QosFlowSetupRequestList ::= SEQUENCE (SIZE (1..64)) OF QosFlowSetupRequestItem */
void ngap_walk_qos_flow_setup_list(struct per *p, int *n, struct ngap_qos_flow *flows);
/* QosFlowPerTNLInformation ::= SEQUENCE { uPTransportLayerInformation, associatedQosFlowList, ... } */
void ngap_walk_qos_flow_per_tnl(struct per *p, struct ngap_gtp_tunnel *tnl, int *n, int *qfis);
/* QosFlowIdentifier ::= INTEGER (0..63, ...) */
void ngap_walk_qfi(struct per *p, int *qfi);

#endif
