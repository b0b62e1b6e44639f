/* UL-DCCH-Message with RRCSetupComplete (38.331 6.2.1, 6.2.2); see ul_dcch.h. */
#include "rrc/msg/ul_dcch.h"

#include <errno.h>
#include <string.h>

#include "asn1/per.h"
#include "rrc/msg/ue_nr_capability.h"

static void registered_amf_codec(struct per *p, struct rrc_setup_complete *v)
{
    per_opt(p, &v->registered_amf_has_plmn);
    if (v->registered_amf_has_plmn) rrc_plmn_identity_codec(p, &v->registered_amf_plmn);
    uint64_t amf = v->amf_identifier;
    per_bits(p, &amf, 24);
    v->amf_identifier = (uint32_t)amf;
}

static void s_nssai_codec(struct per *p, struct rrc_s_nssai *v)
{
    int alt = v->has_sd; /* S-NSSAI ::= CHOICE { sst BIT STRING (SIZE (8)), sst-SD BIT STRING (SIZE (32)) } */
    per_choice(p, &alt, 2, false);
    v->has_sd = alt == 1;
    uint64_t bits = ((uint64_t)v->sst << 24) | v->sd;
    if (!v->has_sd) bits = v->sst;
    per_bits(p, &bits, v->has_sd ? 32 : 8);
    v->sst = (uint8_t)(v->has_sd ? bits >> 24 : bits);
    v->sd = v->has_sd ? (uint32_t)(bits & 0xffffff) : 0;
}

/* RRCSetupComplete-v1610-IEs and its own chain (v1690, v1700). */
static void v1610_codec(struct per *p, struct rrc_setup_complete *v)
{
    per_opt(p, &v->iab_node_indication);
    per_opt(p, &v->idle_meas_available);
    per_opt(p, &v->has_ue_meas_available);
    per_opt(p, &v->mobility_history_avail);
    per_opt(p, &v->has_mobility_state);
    per_opt(p, &v->has_v1690);
    if (v->has_ue_meas_available) { /* UE-MeasurementsAvailable-r16: five ENUMERATED {true}, extensible */
        bool ext = false;
        per_ext(p, &ext);
        per_opt(p, &v->log_meas_available);
        per_opt(p, &v->log_meas_available_bt);
        per_opt(p, &v->log_meas_available_wlan);
        per_opt(p, &v->conn_est_fail_info_available);
        per_opt(p, &v->rlf_info_available);
        per_ext_skip(p, ext);
    }
    if (v->has_mobility_state) per_enum(p, &v->mobility_state, 4, false);
    if (!v->has_v1690) return;
    per_opt(p, &v->ul_rrc_segmentation);
    per_opt(p, &v->has_v1700);
    if (!v->has_v1700) return;
    bool later = false; /* nonCriticalExtension SEQUENCE {}: a later release's IEs, at the end of the message */
    per_opt(p, &v->onboarding_request);
    per_opt(p, &later);
}

static void setup_complete_ies_codec(struct per *p, struct rrc_setup_complete *v)
{
    bool has_nssai = v->nof_s_nssai > 0;
    per_opt(p, &v->has_registered_amf);
    per_opt(p, &v->has_guami_type);
    per_opt(p, &has_nssai);
    per_opt(p, &v->has_ng_5g_s_tmsi);
    per_opt(p, &v->has_late_nce);
    per_opt(p, &v->has_v1610);
    per_int(p, &v->selected_plmn_identity, 1, 12);
    if (v->has_registered_amf) registered_amf_codec(p, v);
    if (v->has_guami_type) {
        int t = v->guami_mapped;
        per_enum(p, &t, 2, false);
        v->guami_mapped = t == 1;
    }
    if (has_nssai) {
        per_size(p, &v->nof_s_nssai, 1, RRC_MAX_S_NSSAI, RRC_MAX_S_NSSAI);
        for (int i = 0; i < v->nof_s_nssai; i++) s_nssai_codec(p, &v->s_nssai[i]);
    }
    per_octets(p, v->dedicated_nas, &v->dedicated_nas_len, sizeof v->dedicated_nas);
    if (v->has_ng_5g_s_tmsi) {
        int alt = v->ng_5g_s_tmsi_is_part2;
        per_choice(p, &alt, 2, false);
        v->ng_5g_s_tmsi_is_part2 = alt == 1;
        per_bits(p, &v->ng_5g_s_tmsi, v->ng_5g_s_tmsi_is_part2 ? 9 : 48);
    }
    if (v->has_late_nce) { /* OCTET STRING: its content is a later release's, nothing gnbd acts on */
        if (per_decoding(p))
            per_skip_octets(p);
        else
            per_octets(p, v->late_nce, &v->late_nce_len, sizeof v->late_nce);
    }
    if (v->has_v1610) v1610_codec(p, v);
}

/* What the message codec walks: the message header fields and the body it carries (a view, so that the
 * encoder need not copy a ~9 KiB RRCSetupComplete into a message struct). */
struct ul_dcch_view {
    enum rrc_ul_dcch_type *type;
    enum rrc_ul_dcch_c1 *c1;
    struct rrc_setup_complete *setup_complete;
    struct rrc_ul_information_transfer *ul_info;
    struct rrc_security_mode_result *smc;
    struct rrc_ue_capability_information *cap_info;
    struct rrc_reconfiguration_complete *reconf_complete;
};

/* SecurityModeComplete/-Failure and RRCReconfigurationComplete ::= SEQUENCE { rrc-TransactionIdentifier,
 * criticalExtensions CHOICE { <message>-IEs, criticalExtensionsFuture SEQUENCE {} } }; the IEs are two OPTIONAL
 * extensions, lateNonCriticalExtension OCTET STRING and nonCriticalExtension (SEQUENCE {} for the security mode
 * answers, RRCReconfigurationComplete-v1530-IEs for the other, ignored: it ends the message) (38.331 6.2.2). */
static void transaction_only_codec(struct per *p, int *transaction_id)
{
    if (!rrc_message_head(p, transaction_id)) return;
    bool late = false, nce = false;
    per_opt(p, &late);
    per_opt(p, &nce);
    if (late) per_skip_octets(p);
}

/* UECapabilityInformation ::= SEQUENCE { rrc-TransactionIdentifier, criticalExtensions CHOICE {
 * ueCapabilityInformation UECapabilityInformation-IEs, criticalExtensionsFuture SEQUENCE {} } };
 * UECapabilityInformation-IEs ::= SEQUENCE { ue-CapabilityRAT-ContainerList OPTIONAL, lateNonCriticalExtension OCTET
 * STRING OPTIONAL, nonCriticalExtension SEQUENCE {} OPTIONAL }; UE-CapabilityRAT-ContainerList ::= SEQUENCE (SIZE
 * (0..maxRAT-CapabilityContainers)) OF UE-CapabilityRAT-Container; UE-CapabilityRAT-Container ::= SEQUENCE {
 * rat-Type RAT-Type, ue-CapabilityRAT-Container OCTET STRING } (38.331 6.2.2, 6.3.3) */
static void container_list_codec(struct per *p, struct rrc_ue_capability_information *v)
{
    per_size(p, &v->nof_containers, 0, RRC_MAX_RAT_CONTAINERS, RRC_MAX_RAT_CONTAINERS);
    size_t used = 0;
    for (int i = 0; i < v->nof_containers && !per_error(p); i++) {
        struct rrc_ue_cap_rat_container *c = &v->container[i];
        rrc_rat_type_codec(p, &c->rat_type);
        if (per_decoding(p)) {
            c->off = used;
        } else if (c->off > sizeof v->bytes || c->len > sizeof v->bytes - c->off) {
            per_fail(p, -EINVAL);
            return;
        }
        per_octets(p, v->bytes + c->off, &c->len, sizeof v->bytes - c->off);
        used = c->off + c->len;
    }
}

static void ue_capability_information_codec(struct per *p, struct rrc_ue_capability_information *v)
{
    if (!rrc_message_head(p, &v->transaction_id)) return;
    bool late = false, nce = false;
    per_opt(p, &v->has_container_list);
    per_opt(p, &late);
    per_opt(p, &nce);
    if (v->has_container_list) container_list_codec(p, v);
    if (late) per_skip_octets(p);
    /* nonCriticalExtension SEQUENCE {}: nothing follows. */
}

/* ULInformationTransfer ::= SEQUENCE { criticalExtensions CHOICE { ulInformationTransfer
 * ULInformationTransfer-IEs, criticalExtensionsFuture SEQUENCE {} } }; ULInformationTransfer-IEs ::= SEQUENCE {
 * dedicatedNAS-Message OPTIONAL, lateNonCriticalExtension OCTET STRING OPTIONAL, nonCriticalExtension
 * ULInformationTransfer-v1700-IEs OPTIONAL } (38.331 6.2.2) */
static void ul_information_transfer_codec(struct per *p, struct rrc_ul_information_transfer *v)
{
    if (!rrc_message_head(p, NULL)) return;
    bool late = false, v1700 = false;
    per_opt(p, &v->has_dedicated_nas);
    per_opt(p, &late);
    per_opt(p, &v1700);
    if (v->has_dedicated_nas) per_octets(p, v->dedicated_nas, &v->dedicated_nas_len, sizeof v->dedicated_nas);
    if (late) per_skip_octets(p);
    /* v1700 (dedicatedInfoF1c): nothing gnbd relays; it ends the message. */
}

/* UL-DCCH-Message ::= SEQUENCE { message CHOICE { c1 CHOICE { ... 16 ... }, messageClassExtension CHOICE {
 * c2 CHOICE { ... }, messageClassExtensionFuture-r16 SEQUENCE {} } } } */
static void ul_dcch_codec(struct per *p, void *view)
{
    struct ul_dcch_view *v = view;
    int message = *v->type == RRC_UL_DCCH_CLASS_EXTENSION, c1 = (int)*v->c1;
    per_choice(p, &message, 2, false);
    if (message == 0) per_choice(p, &c1, 16, false);
    if (per_error(p)) return;
    *v->type = message ? RRC_UL_DCCH_CLASS_EXTENSION : RRC_UL_DCCH_C1;
    *v->c1 = (enum rrc_ul_dcch_c1)c1;
    if (*v->type == RRC_UL_DCCH_C1 &&
        (*v->c1 == RRC_UL_DCCH_SECURITY_MODE_COMPLETE || *v->c1 == RRC_UL_DCCH_SECURITY_MODE_FAILURE)) {
        transaction_only_codec(p, &v->smc->transaction_id);
        return;
    }
    if (*v->type == RRC_UL_DCCH_C1 && *v->c1 == RRC_UL_DCCH_RECONFIGURATION_COMPLETE) {
        transaction_only_codec(p, &v->reconf_complete->transaction_id);
        return;
    }
    if (*v->type == RRC_UL_DCCH_C1 && *v->c1 == RRC_UL_DCCH_UE_CAPABILITY_INFORMATION) {
        ue_capability_information_codec(p, v->cap_info);
        return;
    }
    if (*v->type == RRC_UL_DCCH_C1 && *v->c1 == RRC_UL_DCCH_UL_INFORMATION_TRANSFER) {
        ul_information_transfer_codec(p, v->ul_info);
        return;
    }
    if (*v->type != RRC_UL_DCCH_C1 || *v->c1 != RRC_UL_DCCH_SETUP_COMPLETE) {
        per_fail(p, -ENOTSUP);
        return;
    }
    struct rrc_setup_complete *sc = v->setup_complete;
    if (!rrc_message_head(p, &sc->transaction_id)) return;
    setup_complete_ies_codec(p, sc);
}

int rrc_ul_dcch_decode(const uint8_t *buf, size_t len, struct rrc_ul_dcch_msg *msg)
{
    struct uper_reader r;
    memset(msg, 0, sizeof *msg);
    uper_reader_init(&r, buf, len * 8);
    struct per p = {.r = &r};
    struct ul_dcch_view v = {&msg->type,
                             &msg->c1,
                             &msg->setup_complete,
                             &msg->ul_information_transfer,
                             &msg->security_mode,
                             &msg->ue_capability_information,
                             &msg->reconfiguration_complete};
    ul_dcch_codec(&p, &v);
    return r.err;
}

int rrc_ul_dcch_encode_setup_complete(const struct rrc_setup_complete *sc, uint8_t *buf, size_t cap, size_t *len)
{
    enum rrc_ul_dcch_type type = RRC_UL_DCCH_C1;
    enum rrc_ul_dcch_c1 c1 = RRC_UL_DCCH_SETUP_COMPLETE;
    struct ul_dcch_view v = {&type, &c1, .setup_complete = (struct rrc_setup_complete *)sc}; /* encoding only reads it */
    return per_encode_message(ul_dcch_codec, &v, buf, cap, len);
}

int rrc_ul_dcch_encode_ul_information_transfer(const struct rrc_ul_information_transfer *t, uint8_t *buf, size_t cap,
                                               size_t *len)
{
    enum rrc_ul_dcch_type type = RRC_UL_DCCH_C1;
    enum rrc_ul_dcch_c1 c1 = RRC_UL_DCCH_UL_INFORMATION_TRANSFER;
    struct ul_dcch_view v = {&type, &c1, .ul_info = (struct rrc_ul_information_transfer *)t};
    return per_encode_message(ul_dcch_codec, &v, buf, cap, len);
}

int rrc_ul_dcch_encode_security_mode_result(int transaction_id, bool failure, uint8_t *buf, size_t cap, size_t *len)
{
    enum rrc_ul_dcch_type type = RRC_UL_DCCH_C1;
    enum rrc_ul_dcch_c1 c1 = failure ? RRC_UL_DCCH_SECURITY_MODE_FAILURE : RRC_UL_DCCH_SECURITY_MODE_COMPLETE;
    struct rrc_security_mode_result r = {.transaction_id = transaction_id};
    struct ul_dcch_view v = {&type, &c1, .smc = &r};
    return per_encode_message(ul_dcch_codec, &v, buf, cap, len);
}

int rrc_ul_dcch_encode_ue_capability_information(const struct rrc_ue_capability_information *ci, uint8_t *buf,
                                                 size_t cap, size_t *len)
{
    enum rrc_ul_dcch_type type = RRC_UL_DCCH_C1;
    enum rrc_ul_dcch_c1 c1 = RRC_UL_DCCH_UE_CAPABILITY_INFORMATION;
    struct ul_dcch_view v = {&type, &c1, .cap_info = (struct rrc_ue_capability_information *)ci};
    return per_encode_message(ul_dcch_codec, &v, buf, cap, len);
}

int rrc_ul_dcch_encode_reconfiguration_complete(int transaction_id, uint8_t *buf, size_t cap, size_t *len)
{
    enum rrc_ul_dcch_type type = RRC_UL_DCCH_C1;
    enum rrc_ul_dcch_c1 c1 = RRC_UL_DCCH_RECONFIGURATION_COMPLETE;
    struct rrc_reconfiguration_complete r = {.transaction_id = transaction_id};
    struct ul_dcch_view v = {&type, &c1, .reconf_complete = &r};
    return per_encode_message(ul_dcch_codec, &v, buf, cap, len);
}

/* The encoder of ue_nr_capability.c with no 256QAM. */
int rrc_ue_nr_capability_encode_minimal(int band, uint8_t *buf, size_t cap, size_t *len)
{
    return rrc_ue_nr_capability_encode(band, &(struct rrc_ue_nr_caps){0}, buf, cap, len);
}

/* UERadioAccessCapabilityInformation ::= SEQUENCE { criticalExtensions CHOICE { c1 CHOICE {
 * ueRadioAccessCapabilityInformation UERadioAccessCapabilityInformation-IEs, spare7 .. spare1 NULL },
 * criticalExtensionsFuture SEQUENCE {} } }; UERadioAccessCapabilityInformation-IEs ::= SEQUENCE {
 * ue-RadioAccessCapabilityInfo OCTET STRING (CONTAINING UE-CapabilityRAT-ContainerList), nonCriticalExtension
 * SEQUENCE {} OPTIONAL } (38.331 6.2.2, 6.3.3) */
static void radio_access_cap_info_codec(struct per *p, void *view)
{
    struct rrc_ue_capability_information *v = view;
    int crit = 0, c1 = 0;
    bool nce = false;
    per_choice(p, &crit, 2, false);
    if (!per_error(p) && crit == 0) per_choice(p, &c1, 8, false);
    if (!per_error(p) && (crit != 0 || c1 != 0)) { /* criticalExtensionsFuture, a spare */
        per_fail(p, -ENOTSUP);
        return;
    }
    per_opt(p, &nce);
    uint8_t scratch[RRC_UE_CAP_BYTES_MAX + 64];
    struct per_nested n;
    container_list_codec(per_nested_begin(p, &n, scratch, sizeof scratch), v);
    per_nested_end(p, &n);
    if (per_decoding(p)) v->has_container_list = true;
}

int rrc_ue_radio_access_cap_info_encode(const struct rrc_ue_capability_information *ci, uint8_t *buf, size_t cap,
                                        size_t *len)
{
    return per_encode_message(radio_access_cap_info_codec, ci, buf, cap, len);
}

int rrc_ue_radio_access_cap_info_decode(const uint8_t *buf, size_t len, struct rrc_ue_capability_information *ci)
{
    return per_decode_message(radio_access_cap_info_codec, ci, sizeof *ci, buf, len);
}
