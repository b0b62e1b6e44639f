/* RadioBearerConfig (38.331 6.3.2): the radio bearers a UE is given in RRCSetup (SRB1) and in RRCReconfiguration
 * (a DRB). Modelled: srb-ToAddModList (SRB-ToAddMod without pdcp-Config: srsUE accepts only the default SRB
 * configuration, docs/SRSUE.md §4.1), srb3-ToRelease, drb-ToAddModList (DRB-ToAddMod with cnAssociation
 * eps-BearerIdentity or SDAP-Config, reestablishPDCP, recoverPDCP, and the drb and t-Reordering parts of
 * PDCP-Config with headerCompression notUsed) and drb-ToReleaseList. Not modelled (encoded absent, -ENOTSUP when
 * decoded): securityConfig, ROHC, PDCP-Config moreThanOneRLC; the extension additions of DRB-ToAddMod,
 * SDAP-Config and PDCP-Config (cipheringDisabled, Rel-16 and later) are skipped when decoded.
 *
 * Timer enumerations hold their values in ms (RRC_INFINITY = -1, rrc/msg/cell_group_config.h).
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_RADIO_BEARER_CONFIG_H
#define GNBD_RRC_MSG_RADIO_BEARER_CONFIG_H

#include <stdbool.h>

#include "asn1/per.h"

struct rrc_srb_to_add_mod {
    int srb_id;                  /* SRB-Identity 1..3 */
    bool reestablish_pdcp;       /* ENUMERATED {true} OPTIONAL */
    bool discard_on_pdcp;
};

#define RRC_MAX_DRBS 4           /* DRBs kept here; 38.331 allows maxDRB = 29 */
#define RRC_MAX_QFIS 8           /* QoS flows per DRB kept here; maxNrofQFIs = 64 */

/* SDAP-Config (38.331 6.3.2; 37.324): the PDU session and QoS flows a DRB carries. */
struct rrc_sdap_config {
    int pdu_session;             /* PDU-SessionID 0..255 */
    bool header_dl, header_ul;   /* sdap-HeaderDL/UL: true = present */
    bool default_drb;
    int nof_qfi_add;             /* mappedQoS-FlowsToAdd SIZE (1..64), 0 = absent */
    int qfi_add[RRC_MAX_QFIS];   /* QFI 0..63 */
    int nof_qfi_release;         /* mappedQoS-FlowsToRelease, 0 = absent */
    int qfi_release[RRC_MAX_QFIS];
};

/* PDCP-Config (38.331 6.3.2; 38.323): the drb part and t-Reordering. */
struct rrc_pdcp_config {
    bool has_drb;
    bool has_discard_timer;
    int discard_timer;           /* ms 10..1500 or RRC_INFINITY */
    bool has_sn_size_ul, has_sn_size_dl;
    int sn_size_ul, sn_size_dl;  /* 12 or 18 bits */
    bool integrity_protection;   /* ENUMERATED {enabled} OPTIONAL */
    bool status_report_required; /* ENUMERATED {true} OPTIONAL */
    bool out_of_order_delivery;  /* ENUMERATED {true} OPTIONAL */
    bool has_t_reordering;
    int t_reordering;            /* ms 0..3000 */
};

struct rrc_drb_to_add_mod {
    int drb_id;                  /* DRB-Identity 1..32 */
    bool has_cn_association;
    bool cn_is_eps_bearer;       /* cnAssociation eps-BearerIdentity (EN-DC) rather than sdap-Config */
    int eps_bearer_id;           /* 0..15 */
    struct rrc_sdap_config sdap;
    bool reestablish_pdcp, recover_pdcp;
    bool has_pdcp_config;
    struct rrc_pdcp_config pdcp;
};

struct rrc_radio_bearer_config {
    int nof_srb;                 /* srb-ToAddModList SIZE (1..2), 0 = absent */
    struct rrc_srb_to_add_mod srb[2];
    bool srb3_to_release;
    int nof_drb;                 /* drb-ToAddModList SIZE (1..29), 0 = absent */
    struct rrc_drb_to_add_mod drb[RRC_MAX_DRBS];
    int nof_drb_release;         /* drb-ToReleaseList SIZE (1..29), 0 = absent */
    int drb_release[RRC_MAX_DRBS];
};

/* The PDCP-Config codec on its own (for the SRB-ToAddMod and DRB-ToAddMod pdcp-Config fields). */
void rrc_pdcp_config_codec(struct per *p, struct rrc_pdcp_config *v);

void rrc_radio_bearer_config_codec(struct per *p, struct rrc_radio_bearer_config *v);

#endif
