/* DL-DCCH-Message with RRCRelease (38.331 6.2.1, 6.2.2); see dl_dcch.h. */
#include "rrc/msg/dl_dcch.h"

#include <errno.h>

#include "asn1/per.h"

/* RRCRelease-IEs ::= SEQUENCE { redirectedCarrierInfo OPTIONAL, cellReselectionPriorities OPTIONAL,
 * suspendConfig OPTIONAL, deprioritisationReq SEQUENCE { deprioritisationType ENUMERATED {frequency, nr},
 * deprioritisationTimer ENUMERATED {min5, min10, min15, min30} } OPTIONAL, lateNonCriticalExtension OCTET
 * STRING OPTIONAL, nonCriticalExtension RRCRelease-v1540-IEs OPTIONAL } (not extensible) */
static void release_ies_codec(struct per *p, struct rrc_release *v)
{
    static const int timers[] = {5, 10, 15, 30};
    bool v1540 = v->has_wait_time;
    per_opt_none(p); /* redirectedCarrierInfo */
    per_opt_none(p); /* cellReselectionPriorities */
    per_opt_none(p); /* suspendConfig */
    per_opt(p, &v->has_deprioritisation);
    per_opt_none(p); /* lateNonCriticalExtension */
    per_opt(p, &v1540);
    if (v->has_deprioritisation) {
        int type = (int)v->deprioritisation_type;
        per_enum(p, &type, 2, false);
        v->deprioritisation_type = (enum rrc_deprioritisation_type)type;
        per_enum_value(p, &v->deprioritisation_timer_min, timers, 4, false);
    }
    if (!v1540) return;
    /* RRCRelease-v1540-IEs ::= SEQUENCE { waitTime RejectWaitTime OPTIONAL, nonCriticalExtension
     * RRCRelease-v1610-IEs OPTIONAL }; present only to carry waitTime, so waitTime must be there. */
    per_opt(p, &v->has_wait_time);
    per_opt_none(p);
    if (!per_error(p) && !v->has_wait_time) per_fail(p, -ENOTSUP);
    if (v->has_wait_time) per_int(p, &v->wait_time, 1, 16);
}

/* DLInformationTransfer ::= SEQUENCE { rrc-TransactionIdentifier, criticalExtensions CHOICE {
 * dlInformationTransfer DLInformationTransfer-IEs, criticalExtensionsFuture SEQUENCE {} } };
 * DLInformationTransfer-IEs ::= SEQUENCE { dedicatedNAS-Message OPTIONAL, lateNonCriticalExtension OCTET STRING
 * OPTIONAL, nonCriticalExtension DLInformationTransfer-v1610-IEs OPTIONAL } (38.331 6.2.2) */
static void dl_information_transfer_codec(struct per *p, struct rrc_dl_information_transfer *v)
{
    if (!rrc_message_head(p, &v->transaction_id)) return;
    bool late = false, v1610 = false;
    per_opt(p, &v->has_dedicated_nas);
    per_opt(p, &late);
    per_opt(p, &v1610);
    if (!per_error(p) && (late || v1610)) {
        per_fail(p, -ENOTSUP);
        return;
    }
    if (v->has_dedicated_nas) per_octets(p, v->dedicated_nas, &v->dedicated_nas_len, sizeof v->dedicated_nas);
}

/* SecurityModeCommand ::= SEQUENCE { rrc-TransactionIdentifier, criticalExtensions CHOICE { securityModeCommand
 * SecurityModeCommand-IEs, criticalExtensionsFuture SEQUENCE {} } }; SecurityModeCommand-IEs ::= SEQUENCE {
 * securityConfigSMC SecurityConfigSMC, lateNonCriticalExtension OCTET STRING OPTIONAL, nonCriticalExtension
 * SEQUENCE {} OPTIONAL }; SecurityConfigSMC ::= SEQUENCE { securityAlgorithmConfig, ... };
 * SecurityAlgorithmConfig ::= SEQUENCE { cipheringAlgorithm, integrityProtAlgorithm OPTIONAL, ... }; both
 * algorithm ENUMERATEDs have 8 root values and an extension marker (38.331 6.2.2, 6.3.2). */
static void security_mode_command_codec(struct per *p, struct rrc_security_mode_command *v)
{
    per_int(p, &v->transaction_id, 0, 3);
    int crit = 0;
    per_choice(p, &crit, 2, false);
    bool late = false, nce = false, smc_ext = false, alg_ext = false;
    per_opt(p, &late);
    per_opt(p, &nce);
    per_ext(p, &smc_ext);
    per_ext(p, &alg_ext);
    per_opt(p, &v->has_integrity);
    if (!per_error(p) && (crit != 0 || late || nce || smc_ext || alg_ext)) {
        per_fail(p, -ENOTSUP);
        return;
    }
    per_enum(p, &v->ciphering, 8, true);
    if (v->has_integrity) per_enum(p, &v->integrity, 8, true);
    if (!per_error(p) && (v->ciphering > 3 || (v->has_integrity && v->integrity > 3)))
        per_fail(p, per_decoding(p) ? -ENOTSUP : -EINVAL); /* spare values */
}

/* UECapabilityEnquiry ::= SEQUENCE { rrc-TransactionIdentifier, criticalExtensions CHOICE { ueCapabilityEnquiry
 * UECapabilityEnquiry-IEs, criticalExtensionsFuture SEQUENCE {} } }; UECapabilityEnquiry-IEs ::= SEQUENCE {
 * ue-CapabilityRAT-RequestList, lateNonCriticalExtension OCTET STRING OPTIONAL, ue-CapabilityEnquiryExt OCTET
 * STRING (CONTAINING UECapabilityEnquiry-v1560-IEs) OPTIONAL }; UE-CapabilityRAT-RequestList ::= SEQUENCE (SIZE
 * (1..maxRAT-CapabilityContainers)) OF UE-CapabilityRAT-Request; UE-CapabilityRAT-Request ::= SEQUENCE { rat-Type
 * RAT-Type, capabilityRequestFilter OCTET STRING OPTIONAL, ... }; RAT-Type ::= ENUMERATED {nr, eutra-nr, eutra,
 * spare1, ...} (38.331 6.2.2, 6.3.3) */
static void ue_capability_enquiry_codec(struct per *p, struct rrc_ue_capability_enquiry *v)
{
    if (!rrc_message_head(p, &v->transaction_id)) return;
    per_opt_none(p); /* lateNonCriticalExtension */
    per_opt_none(p); /* ue-CapabilityEnquiryExt */
    per_size(p, &v->nof_requests, 1, RRC_MAX_RAT_CONTAINERS, RRC_MAX_RAT_CONTAINERS);
    for (int i = 0; i < v->nof_requests && !per_error(p); i++) {
        struct rrc_ue_cap_rat_request *q = &v->request[i];
        bool ext = false;
        per_ext(p, &ext);
        per_opt(p, &q->has_filter);
        rrc_rat_type_codec(p, &q->rat_type);
        if (q->has_filter) per_octets(p, q->filter, &q->filter_len, sizeof q->filter);
        per_ext_skip(p, ext);
    }
}

/* RRCReconfiguration-v1530-IEs ::= SEQUENCE { masterCellGroup OCTET STRING (CONTAINING CellGroupConfig) OPTIONAL,
 * fullConfig ENUMERATED {true} OPTIONAL, dedicatedNAS-MessageList SEQUENCE (SIZE (1..maxDRB)) OF
 * DedicatedNAS-Message OPTIONAL, masterKeyUpdate OPTIONAL, dedicatedSIB1-Delivery OPTIONAL,
 * dedicatedSystemInformationDelivery OPTIONAL, otherConfig OPTIONAL, nonCriticalExtension
 * RRCReconfiguration-v1540-IEs OPTIONAL } */
static void reconfiguration_v1530_codec(struct per *p, struct rrc_reconfiguration *v)
{
    bool has_nas = v->nof_nas > 0;
    per_opt(p, &v->has_master_cell_group);
    per_opt(p, &v->full_config);
    per_opt(p, &has_nas);
    for (int i = 0; i < 5; i++) per_opt_none(p); /* masterKeyUpdate .. nonCriticalExtension */
    if (v->has_master_cell_group) {
        uint8_t scratch[RRC_CELL_GROUP_MAX_BYTES];
        struct per_nested n;
        struct per *cg = per_nested_begin(p, &n, scratch, sizeof scratch);
        rrc_cell_group_config_codec(cg, &v->master_cell_group);
        per_nested_end(p, &n);
    }
    if (!has_nas) return;
    per_size(p, &v->nof_nas, 1, 29, RRC_RECONF_MAX_NAS);
    size_t used = 0;
    for (int i = 0; i < v->nof_nas && !per_error(p); i++) {
        if (per_decoding(p)) {
            v->nas_off[i] = used;
        } else if (v->nas_off[i] > sizeof v->nas || v->nas_len[i] > sizeof v->nas - v->nas_off[i]) {
            per_fail(p, -EINVAL);
            return;
        }
        per_octets(p, v->nas + v->nas_off[i], &v->nas_len[i], sizeof v->nas - v->nas_off[i]);
        used = v->nas_off[i] + v->nas_len[i];
    }
}

/* RRCReconfiguration ::= SEQUENCE { rrc-TransactionIdentifier, criticalExtensions CHOICE { rrcReconfiguration
 * RRCReconfiguration-IEs, criticalExtensionsFuture SEQUENCE {} } }; RRCReconfiguration-IEs ::= SEQUENCE {
 * radioBearerConfig OPTIONAL, secondaryCellGroup OCTET STRING (CONTAINING CellGroupConfig) OPTIONAL, measConfig
 * OPTIONAL, lateNonCriticalExtension OCTET STRING OPTIONAL, nonCriticalExtension RRCReconfiguration-v1530-IEs
 * OPTIONAL } (38.331 6.2.2) */
static void reconfiguration_codec(struct per *p, struct rrc_reconfiguration *v)
{
    if (!rrc_message_head(p, &v->transaction_id)) return;
    bool v1530 = v->has_master_cell_group || v->full_config || v->nof_nas > 0;
    per_opt(p, &v->has_radio_bearer_config);
    per_opt_none(p); /* secondaryCellGroup */
    per_opt_none(p); /* measConfig */
    per_opt_none(p); /* lateNonCriticalExtension */
    per_opt(p, &v1530);
    if (v->has_radio_bearer_config) rrc_radio_bearer_config_codec(p, &v->radio_bearer_config);
    if (v1530) reconfiguration_v1530_codec(p, v);
}

/* DL-DCCH-Message ::= SEQUENCE { message CHOICE { c1 CHOICE { rrcReconfiguration, rrcResume, rrcRelease, ...
 * 16 ... }, messageClassExtension SEQUENCE {} } } ; RRCRelease ::= SEQUENCE { rrc-TransactionIdentifier,
 * criticalExtensions CHOICE { rrcRelease RRCRelease-IEs, criticalExtensionsFuture SEQUENCE {} } } */
static void dl_dcch_codec(struct per *p, void *msg)
{
    struct rrc_dl_dcch_msg *v = msg;
    int message = 0, c1 = (int)v->c1;
    per_choice(p, &message, 2, false);
    if (message != 0) {
        per_fail(p, -ENOTSUP);
        return;
    }
    per_choice(p, &c1, 16, false);
    if (per_error(p)) return;
    v->c1 = (enum rrc_dl_dcch_c1)c1;
    if (v->c1 == RRC_DL_DCCH_SECURITY_MODE_COMMAND) {
        security_mode_command_codec(p, &v->security_mode_command);
        return;
    }
    if (v->c1 == RRC_DL_DCCH_RECONFIGURATION) {
        reconfiguration_codec(p, &v->reconfiguration);
        return;
    }
    if (v->c1 == RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY) {
        ue_capability_enquiry_codec(p, &v->ue_capability_enquiry);
        return;
    }
    if (v->c1 == RRC_DL_DCCH_DL_INFORMATION_TRANSFER) {
        dl_information_transfer_codec(p, &v->dl_information_transfer);
        return;
    }
    if (v->c1 != RRC_DL_DCCH_RELEASE) {
        per_fail(p, per_decoding(p) ? -ENOTSUP : -EINVAL);
        return;
    }
    if (!rrc_message_head(p, &v->release.transaction_id)) return;
    release_ies_codec(p, &v->release);
}

int rrc_dl_dcch_encode(const struct rrc_dl_dcch_msg *msg, uint8_t *buf, size_t cap, size_t *len)
{
    return per_encode_message(dl_dcch_codec, msg, buf, cap, len);
}

int rrc_dl_dcch_decode(const uint8_t *buf, size_t len, struct rrc_dl_dcch_msg *msg)
{
    return per_decode_message(dl_dcch_codec, msg, sizeof *msg, buf, len);
}

int rrc_dl_dcch_encode_release(int transaction_id, uint8_t *buf, size_t cap, size_t *len)
{
    struct rrc_dl_dcch_msg m = {.c1 = RRC_DL_DCCH_RELEASE, .release = {.transaction_id = transaction_id}};
    return rrc_dl_dcch_encode(&m, buf, cap, len);
}

int rrc_dl_dcch_encode_ue_capability_enquiry(int transaction_id, uint8_t *buf, size_t cap, size_t *len)
{
    struct rrc_dl_dcch_msg m = {.c1 = RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY,
                                .ue_capability_enquiry = {.transaction_id = transaction_id, .nof_requests = 1,
                                                          .request = {{.rat_type = RRC_RAT_NR}}}};
    return rrc_dl_dcch_encode(&m, buf, cap, len);
}
