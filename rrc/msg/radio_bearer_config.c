/* RadioBearerConfig (38.331 6.3.2); see radio_bearer_config.h. */
#include "rrc/msg/radio_bearer_config.h"

#include <errno.h>

#include "rrc/msg/cell_group_config.h"

#define SPARE (-1000) /* spare values of an ENUMERATED: never matched by a value we encode */

static const int discard_timer_values[16] = {10,  20,  30,  40,  50,  60,  75,   100,
                                             150, 200, 250, 300, 500, 750, 1500, RRC_INFINITY};
static const int pdcp_sn_values[2] = {12, 18};
/* t-Reordering: 36 values, then spare28..spare1. */
static const int t_reordering_values[64] = {
    0,    1,    2,    4,    5,    8,    10,   15,   20,   30,   40,   50,   60,   80,   100,  120,
    140,  160,  180,  200,  220,  240,  260,  280,  300,  500,  750,  1000, 1250, 1500, 1750, 2000,
    2250, 2500, 2750, 3000, SPARE, SPARE - 1, SPARE - 2, SPARE - 3, SPARE - 4, SPARE - 5, SPARE - 6, SPARE - 7,
    SPARE - 8, SPARE - 9, SPARE - 10, SPARE - 11, SPARE - 12, SPARE - 13, SPARE - 14, SPARE - 15, SPARE - 16,
    SPARE - 17, SPARE - 18, SPARE - 19, SPARE - 20, SPARE - 21, SPARE - 22, SPARE - 23, SPARE - 24, SPARE - 25,
    SPARE - 26, SPARE - 27};

static void qfi_list_codec(struct per *p, int *n, int *qfi)
{
    per_size(p, n, 1, 64, RRC_MAX_QFIS);
    for (int i = 0; i < *n && !per_error(p); i++) per_int(p, &qfi[i], 0, 63);
}

/* SDAP-Config ::= SEQUENCE { pdu-Session PDU-SessionID, sdap-HeaderDL ENUMERATED {present, absent}, sdap-HeaderUL
 * ENUMERATED {present, absent}, defaultDRB BOOLEAN, mappedQoS-FlowsToAdd SEQUENCE (SIZE (1..maxNrofQFIs)) OF QFI
 * OPTIONAL, mappedQoS-FlowsToRelease (the same) OPTIONAL, ... } */
static void sdap_config_codec(struct per *p, struct rrc_sdap_config *v)
{
    bool ext = false, add = v->nof_qfi_add > 0, rel = v->nof_qfi_release > 0;
    per_ext(p, &ext);
    per_opt(p, &add);
    per_opt(p, &rel);
    per_int(p, &v->pdu_session, 0, 255);
    int dl = !v->header_dl, ul = !v->header_ul; /* index 0 = present */
    per_enum(p, &dl, 2, false);
    per_enum(p, &ul, 2, false);
    v->header_dl = dl == 0;
    v->header_ul = ul == 0;
    per_bool(p, &v->default_drb);
    if (add) qfi_list_codec(p, &v->nof_qfi_add, v->qfi_add);
    if (rel) qfi_list_codec(p, &v->nof_qfi_release, v->qfi_release);
    per_ext_skip(p, ext);
}

/* PDCP-Config ::= SEQUENCE { drb SEQUENCE { discardTimer ENUMERATED {ms10..ms1500, infinity} OPTIONAL,
 * pdcp-SN-SizeUL ENUMERATED {len12bits, len18bits} OPTIONAL, pdcp-SN-SizeDL (the same) OPTIONAL,
 * headerCompression CHOICE { notUsed NULL, rohc SEQUENCE {...}, uplinkOnlyROHC SEQUENCE {...}, ... },
 * integrityProtection ENUMERATED {enabled} OPTIONAL, statusReportRequired ENUMERATED {true} OPTIONAL,
 * outOfOrderDelivery ENUMERATED {true} OPTIONAL } OPTIONAL, moreThanOneRLC SEQUENCE {...} OPTIONAL, t-Reordering
 * ENUMERATED {ms0, ..., ms3000, spare28..spare1} OPTIONAL, ..., [[ cipheringDisabled ]], ... } */
void rrc_pdcp_config_codec(struct per *p, struct rrc_pdcp_config *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_drb);
    per_opt_none(p); /* moreThanOneRLC */
    per_opt(p, &v->has_t_reordering);
    if (v->has_drb) {
        per_opt(p, &v->has_discard_timer);
        per_opt(p, &v->has_sn_size_ul);
        per_opt(p, &v->has_sn_size_dl);
        per_opt(p, &v->integrity_protection);
        per_opt(p, &v->status_report_required);
        per_opt(p, &v->out_of_order_delivery);
        if (v->has_discard_timer) per_enum_value(p, &v->discard_timer, discard_timer_values, 16, false);
        if (v->has_sn_size_ul) per_enum_value(p, &v->sn_size_ul, pdcp_sn_values, 2, false);
        if (v->has_sn_size_dl) per_enum_value(p, &v->sn_size_dl, pdcp_sn_values, 2, false);
        int hc = 0; /* headerCompression notUsed: ROHC is not modelled */
        per_choice(p, &hc, 3, true);
        if (!per_error(p) && hc != 0) per_fail(p, -ENOTSUP);
    }
    if (v->has_t_reordering) {
        per_enum_value(p, &v->t_reordering, t_reordering_values, 64, false);
        if (!per_error(p) && v->t_reordering <= SPARE) per_fail(p, per_decoding(p) ? -ENOTSUP : -EINVAL);
    }
    per_ext_skip(p, ext);
}

/* DRB-ToAddMod ::= SEQUENCE { cnAssociation CHOICE { eps-BearerIdentity INTEGER (0..15), sdap-Config SDAP-Config }
 * OPTIONAL, drb-Identity DRB-Identity, reestablishPDCP ENUMERATED {true} OPTIONAL, recoverPDCP ENUMERATED {true}
 * OPTIONAL, pdcp-Config PDCP-Config OPTIONAL, ... } */
static void drb_to_add_mod_codec(struct per *p, struct rrc_drb_to_add_mod *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_cn_association);
    per_opt(p, &v->reestablish_pdcp);
    per_opt(p, &v->recover_pdcp);
    per_opt(p, &v->has_pdcp_config);
    if (v->has_cn_association) {
        int alt = v->cn_is_eps_bearer ? 0 : 1;
        per_choice(p, &alt, 2, false);
        v->cn_is_eps_bearer = alt == 0;
        if (v->cn_is_eps_bearer)
            per_int(p, &v->eps_bearer_id, 0, 15);
        else
            sdap_config_codec(p, &v->sdap);
    }
    per_int(p, &v->drb_id, 1, 32);
    if (v->has_pdcp_config) rrc_pdcp_config_codec(p, &v->pdcp);
    per_ext_skip(p, ext);
}

/* RadioBearerConfig ::= SEQUENCE { srb-ToAddModList SEQUENCE (SIZE (1..2)) OF SRB-ToAddMod OPTIONAL, srb3-ToRelease
 * ENUMERATED {true} OPTIONAL, drb-ToAddModList SEQUENCE (SIZE (1..maxDRB)) OF DRB-ToAddMod OPTIONAL,
 * drb-ToReleaseList SEQUENCE (SIZE (1..maxDRB)) OF DRB-Identity OPTIONAL, securityConfig OPTIONAL, ... } */
void rrc_radio_bearer_config_codec(struct per *p, struct rrc_radio_bearer_config *v)
{
    bool ext = false, has_srb = v->nof_srb > 0, has_drb = v->nof_drb > 0, has_rel = v->nof_drb_release > 0;
    per_ext(p, &ext);
    per_opt(p, &has_srb);
    per_opt(p, &v->srb3_to_release);
    per_opt(p, &has_drb);
    per_opt(p, &has_rel);
    per_opt_none(p); /* securityConfig */
    if (has_srb) {
        per_size(p, &v->nof_srb, 1, 2, 2);
        for (int i = 0; i < v->nof_srb; i++) {
            struct rrc_srb_to_add_mod *s = &v->srb[i];
            bool sext = false;
            per_ext(p, &sext);
            per_opt(p, &s->reestablish_pdcp);
            per_opt(p, &s->discard_on_pdcp);
            per_opt_none(p); /* pdcp-Config */
            per_int(p, &s->srb_id, 1, 3);
            per_ext_skip(p, sext);
        }
    }
    if (has_drb) {
        per_size(p, &v->nof_drb, 1, 29, RRC_MAX_DRBS);
        for (int i = 0; i < v->nof_drb && !per_error(p); i++) drb_to_add_mod_codec(p, &v->drb[i]);
    }
    if (has_rel) {
        per_size(p, &v->nof_drb_release, 1, 29, RRC_MAX_DRBS);
        for (int i = 0; i < v->nof_drb_release && !per_error(p); i++) per_int(p, &v->drb_release[i], 1, 32);
    }
    per_ext_skip(p, ext);
}
