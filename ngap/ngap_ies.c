/* NGAP information elements (38.413 9.3 / 9.4.5), two-way (see ngap_ies.h). */
#include "ngap/ngap_ies.h"

#include <errno.h>

#include "asn1/uper.h"

/* 9.4.5 maxima of the lists. */
enum {
    MAX_NOOF_TACS = 256,
    MAX_NOOF_BPLMNS = 12,
    MAX_NOOF_SLICE_ITEMS = 1024,
    MAX_NOOF_SERVED_GUAMIS = 256,
    MAX_NOOF_PLMNS = 12,
    MAX_NOOF_ALLOWED_SNSSAIS = 8,
    MAX_NOOF_NG_CONNECTIONS_TO_RESET = 65536,
    MAX_NOOF_QOS_FLOWS = 64,
    MAX_PROTOCOL_EXTENSIONS = 65535,
};

void ngap_ie_extensions(struct per *p, bool present)
{
    if (!present) return;
    if (!per_decoding(p)) { /* we never send extension IEs */
        per_fail(p, -EINVAL);
        return;
    }
    /* ProtocolExtensionContainer: SEQUENCE (SIZE (1..maxProtocolExtensions)) OF { id, criticality, value }. */
    int n = 0, id = 0, crit = 0;
    per_int(p, &n, 1, MAX_PROTOCOL_EXTENSIONS);
    for (int i = 0; i < n && !per_error(p); i++) {
        per_int(p, &id, 0, 65535);
        per_enum(p, &crit, 3, false);
        per_skip_octets(p); /* the extension value: an open type */
    }
}

/* An extensible SEQUENCE's preamble is per_ext + presence bits; its end is this. */
static void seq_end(struct per *p, bool ext, bool iex)
{
    ngap_ie_extensions(p, iex);
    per_ext_skip(p, ext);
}

void ngap_walk_plmn(struct per *p, struct ngap_plmn *v) { per_fixed_octets(p, v->b, 3); }

/* A 24-bit number as OCTET STRING (SIZE (3)), most significant octet first. */
static void walk_u24(struct per *p, uint32_t *v)
{
    uint8_t b[3] = {(uint8_t)(*v >> 16), (uint8_t)(*v >> 8), (uint8_t)*v};
    if (!per_decoding(p) && *v > 0xffffff) {
        per_fail(p, -EINVAL);
        return;
    }
    per_fixed_octets(p, b, 3);
    if (per_decoding(p)) *v = (uint32_t)b[0] << 16 | (uint32_t)b[1] << 8 | b[2];
}

void ngap_walk_tac(struct per *p, uint32_t *tac) { walk_u24(p, tac); }

/* S-NSSAI ::= SEQUENCE { sST OCTET STRING (SIZE (1)), sD OCTET STRING (SIZE (3)) OPTIONAL, iE-Extensions, ... } */
void ngap_walk_snssai(struct per *p, struct ngap_snssai *v)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_sd);
    per_opt(p, &iex);
    per_fixed_octets(p, &v->sst, 1);
    if (v->has_sd) walk_u24(p, &v->sd);
    seq_end(p, ext, iex);
}

/* SEQUENCE (SIZE (1..max)) OF SEQUENCE { s-NSSAI, iE-Extensions OPTIONAL, ... }: SliceSupportList and
 * AllowedNSSAI have this shape. */
static void snssai_items(struct per *p, int *n, struct ngap_snssai *list, int max, int cap)
{
    per_size(p, n, 1, max, cap);
    for (int i = 0; i < *n && !per_error(p); i++) {
        bool ext = false, iex = false;
        per_ext(p, &ext);
        per_opt(p, &iex);
        ngap_walk_snssai(p, &list[i]);
        seq_end(p, ext, iex);
    }
}

void ngap_walk_slice_list(struct per *p, int *n, struct ngap_snssai *slices)
{
    snssai_items(p, n, slices, MAX_NOOF_SLICE_ITEMS, NGAP_MAX_SLICES);
}

/* TAI ::= SEQUENCE { pLMNIdentity, tAC, iE-Extensions OPTIONAL, ... } */
void ngap_walk_tai(struct per *p, struct ngap_tai *v)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_plmn(p, &v->plmn);
    ngap_walk_tac(p, &v->tac);
    seq_end(p, ext, iex);
}

/* NR-CGI ::= SEQUENCE { pLMNIdentity, nRCellIdentity BIT STRING (SIZE (36)), iE-Extensions OPTIONAL, ... } */
void ngap_walk_nr_cgi(struct per *p, struct ngap_nr_cgi *v)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_plmn(p, &v->plmn);
    per_bits(p, &v->cell_id, 36);
    seq_end(p, ext, iex);
}

/* GUAMI ::= SEQUENCE { pLMNIdentity, aMFRegionID BIT STRING (SIZE (8)), aMFSetID BIT STRING (SIZE (10)),
 *                      aMFPointer BIT STRING (SIZE (6)), iE-Extensions OPTIONAL, ... } */
void ngap_walk_guami(struct per *p, struct ngap_guami *v)
{
    bool ext = false, iex = false;
    uint64_t region = v->region_id, set = v->set_id, ptr = v->pointer;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_plmn(p, &v->plmn);
    per_bits(p, &region, 8);
    per_bits(p, &set, 10);
    per_bits(p, &ptr, 6);
    seq_end(p, ext, iex);
    if (per_decoding(p)) {
        v->region_id = (uint8_t)region;
        v->set_id = (uint16_t)set;
        v->pointer = (uint8_t)ptr;
    }
}

/* Cause ::= CHOICE { radioNetwork, transport, nas, protocol, misc, choice-Extensions } (no extension marker):
 * each group an extensible ENUMERATED with these root counts (9.4.5, 38.413 v16). */
void ngap_walk_cause(struct per *p, struct ngap_cause *v)
{
    static const int root[5] = {45, 2, 4, 7, 6};
    int group = v->group, value = v->value;
    per_choice(p, &group, 6, false);
    if (per_error(p)) return;
    if (group > NGAP_CAUSE_MISC) { /* choice-Extensions: no extension is defined that we could read */
        per_fail(p, per_decoding(p) ? -ENOTSUP : -EINVAL);
        return;
    }
    per_enum_ext(p, &value, root[group], 255 - root[group]);
    if (per_decoding(p)) {
        v->group = (uint8_t)group;
        v->value = (uint8_t)value;
    }
}

/* AMFName / RANNodeName ::= PrintableString (SIZE (1..150, ...)) */
void ngap_walk_amf_name(struct per *p, char *name) { per_printable(p, name, NGAP_NAME_MAX + 1, 1, 150, true); }

void ngap_walk_ran_ue_ngap_id(struct per *p, uint32_t *v)
{
    int64_t x = *v;
    per_int64(p, &x, 0, 4294967295LL);
    if (per_decoding(p)) *v = (uint32_t)x;
}

void ngap_walk_amf_ue_ngap_id(struct per *p, uint64_t *v)
{
    if (!per_decoding(p) && *v > 1099511627775ull) {
        per_fail(p, -EINVAL);
        return;
    }
    int64_t x = (int64_t)*v;
    per_int64(p, &x, 0, 1099511627775LL);
    if (per_decoding(p)) *v = (uint64_t)x;
}

void ngap_walk_nas_pdu(struct per *p, uint8_t *nas, size_t *len) { per_octets(p, nas, len, NGAP_MAX_NAS_PDU); }

/* UserLocationInformation ::= CHOICE { userLocationInformationEUTRA, userLocationInformationNR,
 *     userLocationInformationN3IWF, choice-Extensions }
 * UserLocationInformationNR ::= SEQUENCE { nR-CGI, tAI, timeStamp TimeStamp OPTIONAL, iE-Extensions, ... } */
void ngap_walk_uli_nr(struct per *p, struct ngap_uli_nr *v)
{
    int alt = 1;
    per_choice(p, &alt, 4, false);
    if (!per_error(p) && alt != 1) {
        per_fail(p, -ENOTSUP);
        return;
    }
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_timestamp);
    per_opt(p, &iex);
    ngap_walk_nr_cgi(p, &v->cgi);
    ngap_walk_tai(p, &v->tai);
    if (v->has_timestamp) per_fixed_octets(p, v->timestamp, 4);
    seq_end(p, ext, iex);
}

/* GlobalRANNodeID ::= CHOICE { globalGNB-ID, globalNgENB-ID, globalN3IWF-ID, choice-Extensions }
 * GlobalGNB-ID ::= SEQUENCE { pLMNIdentity, gNB-ID GNB-ID, iE-Extensions OPTIONAL, ... }
 * GNB-ID ::= CHOICE { gNB-ID BIT STRING (SIZE (22..32)), choice-Extensions } */
void ngap_walk_global_gnb_id(struct per *p, struct ngap_plmn *plmn, uint32_t *gnb_id, int *bits)
{
    int alt = 0, id_alt = 0;
    per_choice(p, &alt, 4, false);
    if (!per_error(p) && alt != 0) {
        per_fail(p, -ENOTSUP);
        return;
    }
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_plmn(p, plmn);
    per_choice(p, &id_alt, 2, false);
    if (!per_error(p) && id_alt != 0) {
        per_fail(p, -ENOTSUP);
        return;
    }
    uint64_t id = *gnb_id;
    per_bitstring(p, &id, bits, 22, 32);
    if (per_decoding(p)) *gnb_id = (uint32_t)id;
    seq_end(p, ext, iex);
}

/* SupportedTAItem ::= SEQUENCE { tAC, broadcastPLMNList, iE-Extensions OPTIONAL, ... }
 * BroadcastPLMNItem ::= SEQUENCE { pLMNIdentity, tAISliceSupportList SliceSupportList, iE-Extensions, ... } */
void ngap_walk_supported_ta_list(struct per *p, int *n, struct ngap_supported_ta *tas)
{
    per_size(p, n, 1, MAX_NOOF_TACS, NGAP_MAX_TAS);
    for (int i = 0; i < *n && !per_error(p); i++) {
        struct ngap_supported_ta *ta = &tas[i];
        bool ext = false, iex = false;
        per_ext(p, &ext);
        per_opt(p, &iex);
        ngap_walk_tac(p, &ta->tac);
        per_size(p, &ta->n_plmns, 1, MAX_NOOF_BPLMNS, NGAP_MAX_BPLMNS);
        for (int k = 0; k < ta->n_plmns && !per_error(p); k++) {
            bool ext2 = false, iex2 = false;
            per_ext(p, &ext2);
            per_opt(p, &iex2);
            ngap_walk_plmn(p, &ta->plmns[k].plmn);
            ngap_walk_slice_list(p, &ta->plmns[k].n_slices, ta->plmns[k].slices);
            seq_end(p, ext2, iex2);
        }
        seq_end(p, ext, iex);
    }
}

/* ServedGUAMIItem ::= SEQUENCE { gUAMI, backupAMFName AMFName OPTIONAL, iE-Extensions OPTIONAL, ... } */
void ngap_walk_served_guami_list(struct per *p, int *n, struct ngap_served_guami *list)
{
    per_size(p, n, 1, MAX_NOOF_SERVED_GUAMIS, NGAP_MAX_GUAMIS);
    for (int i = 0; i < *n && !per_error(p); i++) {
        bool ext = false, iex = false;
        per_ext(p, &ext);
        per_opt(p, &list[i].has_backup_amf_name);
        per_opt(p, &iex);
        ngap_walk_guami(p, &list[i].guami);
        if (list[i].has_backup_amf_name) ngap_walk_amf_name(p, list[i].backup_amf_name);
        seq_end(p, ext, iex);
    }
}

/* PLMNSupportItem ::= SEQUENCE { pLMNIdentity, sliceSupportList, iE-Extensions OPTIONAL, ... } */
void ngap_walk_plmn_support_list(struct per *p, int *n, struct ngap_plmn_support *list)
{
    per_size(p, n, 1, MAX_NOOF_PLMNS, NGAP_MAX_PLMNS);
    for (int i = 0; i < *n && !per_error(p); i++) {
        bool ext = false, iex = false;
        per_ext(p, &ext);
        per_opt(p, &iex);
        ngap_walk_plmn(p, &list[i].plmn);
        ngap_walk_slice_list(p, &list[i].n_slices, list[i].slices);
        seq_end(p, ext, iex);
    }
}

/* FiveG-S-TMSI ::= SEQUENCE { aMFSetID, aMFPointer, fiveG-TMSI OCTET STRING (SIZE (4)), iE-Extensions, ... } */
void ngap_walk_5g_s_tmsi(struct per *p, struct ngap_5g_s_tmsi *v)
{
    bool ext = false, iex = false;
    uint64_t set = v->amf_set_id, ptr = v->amf_pointer;
    uint8_t t[4] = {(uint8_t)(v->tmsi >> 24), (uint8_t)(v->tmsi >> 16), (uint8_t)(v->tmsi >> 8), (uint8_t)v->tmsi};
    per_ext(p, &ext);
    per_opt(p, &iex);
    per_bits(p, &set, 10);
    per_bits(p, &ptr, 6);
    per_fixed_octets(p, t, 4);
    seq_end(p, ext, iex);
    if (per_decoding(p)) {
        v->amf_set_id = (uint16_t)set;
        v->amf_pointer = (uint8_t)ptr;
        v->tmsi = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    }
}

/* BitRate ::= INTEGER (0..4000000000000, ...): the extension bit, then the root value (indefinite-length case:
 * 1..5 octets). A value beyond the root decodes as -ENOTSUP. */
static void walk_bit_rate(struct per *p, uint64_t *v)
{
    bool ext = false;
    if (!per_decoding(p) && *v > 4000000000000ull) {
        per_fail(p, -EINVAL);
        return;
    }
    per_bool(p, &ext);
    if (ext) {
        per_fail(p, -ENOTSUP);
        return;
    }
    int64_t x = (int64_t)*v;
    per_int64(p, &x, 0, 4000000000000LL);
    if (per_decoding(p)) *v = (uint64_t)x;
}

void ngap_walk_ue_ambr(struct per *p, uint64_t *dl, uint64_t *ul)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    walk_bit_rate(p, dl);
    walk_bit_rate(p, ul);
    seq_end(p, ext, iex);
}

void ngap_walk_allowed_nssai(struct per *p, int *n, struct ngap_snssai *list)
{
    snssai_items(p, n, list, MAX_NOOF_ALLOWED_SNSSAIS, NGAP_MAX_ALLOWED_NSSAI);
}

/* NRencryptionAlgorithms etc. ::= BIT STRING (SIZE (16, ...)): an extension bit, then 16 bits (not aligned). */
static void walk_algorithms(struct per *p, uint16_t *v)
{
    bool ext = false;
    uint64_t bits = *v;
    per_bool(p, &ext);
    if (ext) {
        per_fail(p, -ENOTSUP);
        return;
    }
    per_bits(p, &bits, 16);
    if (per_decoding(p)) *v = (uint16_t)bits;
}

/* UESecurityCapabilities ::= SEQUENCE { nRencryptionAlgorithms, nRintegrityProtectionAlgorithms,
 *     eUTRAencryptionAlgorithms, eUTRAintegrityProtectionAlgorithms, iE-Extensions OPTIONAL, ... } */
void ngap_walk_ue_security_capabilities(struct per *p, struct ngap_ue_security_capabilities *v)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    walk_algorithms(p, &v->nr_encryption);
    walk_algorithms(p, &v->nr_integrity);
    walk_algorithms(p, &v->eutra_encryption);
    walk_algorithms(p, &v->eutra_integrity);
    seq_end(p, ext, iex);
}

void ngap_walk_ue_ngap_ids(struct per *p, bool *pair, uint64_t *amf, uint32_t *ran)
{
    int alt = *pair ? 0 : 1;
    per_choice(p, &alt, 3, false);
    if (per_error(p)) return;
    if (alt == 2) { /* choice-Extensions */
        per_fail(p, -ENOTSUP);
        return;
    }
    *pair = alt == 0;
    if (!*pair) {
        ngap_walk_amf_ue_ngap_id(p, amf);
        return;
    }
    bool ext = false, iex = false; /* UE-NGAP-ID-pair ::= SEQUENCE { aMF-UE-NGAP-ID, rAN-UE-NGAP-ID, ... } */
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_amf_ue_ngap_id(p, amf);
    ngap_walk_ran_ue_ngap_id(p, ran);
    seq_end(p, ext, iex);
}

/* UE-associatedLogicalNG-connectionItem ::= SEQUENCE { aMF-UE-NGAP-ID OPTIONAL, rAN-UE-NGAP-ID OPTIONAL,
 *     iE-Extensions OPTIONAL, ... }. The list's size has ub = 64K: its count is a general length (11.9.4.2). */
void ngap_walk_ue_connection_list(struct per *p, int *n, struct ngap_ue_connection *list)
{
    per_size(p, n, 1, MAX_NOOF_NG_CONNECTIONS_TO_RESET, NGAP_MAX_RESET_UES);
    for (int i = 0; i < *n && !per_error(p); i++) {
        struct ngap_ue_connection *c = &list[i];
        bool ext = false, iex = false;
        per_ext(p, &ext);
        per_opt(p, &c->has_amf_ue_ngap_id);
        per_opt(p, &c->has_ran_ue_ngap_id);
        per_opt(p, &iex);
        if (c->has_amf_ue_ngap_id) ngap_walk_amf_ue_ngap_id(p, &c->amf_ue_ngap_id);
        if (c->has_ran_ue_ngap_id) ngap_walk_ran_ue_ngap_id(p, &c->ran_ue_ngap_id);
        seq_end(p, ext, iex);
    }
}

void ngap_walk_reset_type(struct per *p, bool *all, int *n, struct ngap_ue_connection *list)
{
    int alt = *all ? 0 : 1;
    per_choice(p, &alt, 3, false);
    if (per_error(p)) return;
    if (alt == 2) { /* choice-Extensions */
        per_fail(p, -ENOTSUP);
        return;
    }
    *all = alt == 0;
    if (*all) {
        int reset_all = 0; /* ResetAll ::= ENUMERATED { reset-all, ... } */
        per_enum(p, &reset_all, 1, true);
    } else {
        ngap_walk_ue_connection_list(p, n, list);
    }
}

/* An INTEGER (lb..ub, ...) whose value we only take from the root. */
static void walk_ext_int(struct per *p, int *v, int lb, int ub)
{
    bool ext = false;
    per_bool(p, &ext);
    if (ext) {
        per_fail(p, -ENOTSUP);
        return;
    }
    per_int(p, v, lb, ub);
}

void ngap_walk_qfi(struct per *p, int *qfi) { walk_ext_int(p, qfi, 0, 63); }

/* GTPTunnel ::= SEQUENCE { transportLayerAddress BIT STRING (SIZE (1..160, ...)), gTP-TEID OCTET STRING (SIZE (4)),
 *     iE-Extensions OPTIONAL, ... } */
void ngap_walk_up_tnl(struct per *p, struct ngap_gtp_tunnel *v)
{
    int alt = 0;
    per_choice(p, &alt, 2, false);
    if (!per_error(p) && alt != 0) {
        per_fail(p, -ENOTSUP);
        return;
    }
    bool ext = false, iex = false;
    uint8_t teid[4] = {(uint8_t)(v->teid >> 24), (uint8_t)(v->teid >> 16), (uint8_t)(v->teid >> 8), (uint8_t)v->teid};
    per_ext(p, &ext);
    per_opt(p, &iex);
    per_bitstring_octets(p, v->addr, sizeof v->addr, &v->addr_bits, 1, 160, true);
    per_fixed_octets(p, teid, 4);
    seq_end(p, ext, iex);
    if (per_decoding(p)) v->teid = (uint32_t)teid[0] << 24 | (uint32_t)teid[1] << 16 | (uint32_t)teid[2] << 8 | teid[3];
}

/* QosFlowSetupRequestItem ::= SEQUENCE { qosFlowIdentifier, qosFlowLevelQosParameters, e-RAB-ID OPTIONAL,
 *     iE-Extensions OPTIONAL, ... }
 * QosFlowLevelQosParameters ::= SEQUENCE { qosCharacteristics, allocationAndRetentionPriority,
 *     gBR-QosInformation OPTIONAL, reflectiveQosAttribute OPTIONAL, additionalQosFlowInformation OPTIONAL,
 *     iE-Extensions OPTIONAL, ... }
 * QosCharacteristics ::= CHOICE { nonDynamic5QI, dynamic5QI, choice-Extensions }
 * NonDynamic5QIDescriptor ::= SEQUENCE { fiveQI INTEGER (0..255, ...), priorityLevelQos OPTIONAL,
 *     averagingWindow OPTIONAL, maximumDataBurstVolume OPTIONAL, iE-Extensions OPTIONAL, ... }
 * AllocationAndRetentionPriority ::= SEQUENCE { priorityLevelARP INTEGER (1..15), pre-emptionCapability
 *     ENUMERATED {shall-not-trigger-pre-emption, may-trigger-pre-emption, ...}, pre-emptionVulnerability
 *     ENUMERATED {not-pre-emptable, pre-emptable, ...}, iE-Extensions OPTIONAL, ... }
 * Optional fields we do not model (E-RAB ID, GBR, reflective QoS, ...) decode as -ENOTSUP. */
static void walk_qos_flow(struct per *p, struct ngap_qos_flow *f)
{
    bool ext = false, iex = false, ext2 = false, iex2 = false, ext3 = false, iex3 = false, ext4 = false, iex4 = false;
    int alt = 0;
    per_ext(p, &ext);
    per_opt_none(p); /* e-RAB-ID */
    per_opt(p, &iex);
    ngap_walk_qfi(p, &f->qfi);
    per_ext(p, &ext2);
    per_opt_none(p); /* gBR-QosInformation */
    per_opt_none(p); /* reflectiveQosAttribute */
    per_opt_none(p); /* additionalQosFlowInformation */
    per_opt(p, &iex2);
    per_choice(p, &alt, 3, false);
    if (!per_error(p) && alt != 0) { /* dynamic 5QI: not yet */
        per_fail(p, -ENOTSUP);
        return;
    }
    per_ext(p, &ext3);
    per_opt_none(p); /* priorityLevelQos */
    per_opt_none(p); /* averagingWindow */
    per_opt_none(p); /* maximumDataBurstVolume */
    per_opt(p, &iex3);
    walk_ext_int(p, &f->five_qi, 0, 255);
    seq_end(p, ext3, iex3);
    per_ext(p, &ext4);
    per_opt(p, &iex4);
    per_int(p, &f->arp_priority, 1, 15);
    per_enum(p, &f->arp_may_preempt, 2, true);
    per_enum(p, &f->arp_preemptable, 2, true);
    seq_end(p, ext4, iex4);
    seq_end(p, ext2, iex2);
    seq_end(p, ext, iex);
}

void ngap_walk_qos_flow_setup_list(struct per *p, int *n, struct ngap_qos_flow *flows)
{
    per_size(p, n, 1, MAX_NOOF_QOS_FLOWS, NGAP_MAX_QOS_FLOWS);
    for (int i = 0; i < *n && !per_error(p); i++) walk_qos_flow(p, &flows[i]);
}

/* AssociatedQosFlowItem ::= SEQUENCE { qosFlowIdentifier, qosFlowMappingIndication ENUMERATED {ul, dl, ...}
 *     OPTIONAL, iE-Extensions OPTIONAL, ... } */
void ngap_walk_qos_flow_per_tnl(struct per *p, struct ngap_gtp_tunnel *tnl, int *n, int *qfis)
{
    bool ext = false, iex = false;
    per_ext(p, &ext);
    per_opt(p, &iex);
    ngap_walk_up_tnl(p, tnl);
    per_size(p, n, 1, MAX_NOOF_QOS_FLOWS, NGAP_MAX_QOS_FLOWS);
    for (int i = 0; i < *n && !per_error(p); i++) {
        bool ext2 = false, iex2 = false;
        per_ext(p, &ext2);
        per_opt_none(p); /* qosFlowMappingIndication */
        per_opt(p, &iex2);
        ngap_walk_qfi(p, &qfis[i]);
        seq_end(p, ext2, iex2);
    }
    seq_end(p, ext, iex);
}
