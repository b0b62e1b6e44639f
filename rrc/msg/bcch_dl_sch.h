/* BCCH-DL-SCH-Message (38.331 6.2.1) carrying SIB1 (38.331 6.2.2 SIB1): cellSelectionInfo,
 * cellAccessRelatedInfo (PLMN-IdentityInfoList with TAC and cell identity), servingCellConfigCommon
 * (rrc/msg/serving_cell_common.h), ims-EmergencySupport, eCallOverIMS-Support, ue-TimersAndConstants,
 * useFullResumeID. Not modelled (encoded absent; -ENOTSUP when decoded): connEstFailureControl,
 * si-SchedulingInfo, uac-BarringInfo, ranac, the non-critical extensions.
 *
 * rrc_bcch_dl_sch_encode_sib1() produces the UPER bytes a UE receives on the PDSCH scheduled by SI-RNTI (what
 * Wireshark's "nr-rrc.bcch.dl.sch" dissects); rrc_bcch_dl_sch_decode() reads them back (SystemInformation
 * messages give -ENOTSUP). Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_BCCH_DL_SCH_H
#define GNBD_RRC_MSG_BCCH_DL_SCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrc/msg/common_ies.h"
#include "rrc/msg/serving_cell_common.h"

#define RRC_SIB1_MAX_PLMN_INFO 6   /* plmn-IdentityInfoList entries kept (38.331: maxPLMN = 12) */
#define RRC_SIB1_MAX_PLMN 6        /* plmn-IdentityList entries kept per PLMN-IdentityInfo */
#define RRC_SIB1_MAX_BYTES 372     /* 38.331 5.2.1: a SIB1 is at most 2976 bits */

struct rrc_plmn_identity_info {
    int nof_plmn;
    struct rrc_plmn_identity plmn[RRC_SIB1_MAX_PLMN];
    bool has_tac;
    uint32_t tac;                  /* trackingAreaCode, 24 bits */
    uint64_t cell_identity;        /* 36 bits */
    bool cell_reserved_for_operator_use;
};

struct rrc_cell_selection_info {
    int q_rx_lev_min;              /* -70..-22 (x 2 dBm) */
    bool has_q_rx_lev_min_offset;
    int q_rx_lev_min_offset;       /* 1..8 */
    bool has_q_rx_lev_min_sul;
    int q_rx_lev_min_sul;
    bool has_q_qual_min;
    int q_qual_min;                /* -43..-12 dB */
    bool has_q_qual_min_offset;
    int q_qual_min_offset;         /* 1..8 */
};

/* UE-TimersAndConstants, in ms and counts. */
struct rrc_ue_timers {
    int t300, t301;                /* 100, 200, 300, 400, 600, 1000, 1500, 2000 */
    int t310;                      /* 0, 50, 100, 200, 500, 1000, 2000 */
    int n310;                      /* 1, 2, 3, 4, 6, 8, 10, 20 */
    int t311;                      /* 1000, 3000, 5000, 10000, 15000, 20000, 30000 */
    int n311;                      /* 1, 2, 3, 4, 5, 6, 8, 10 */
    int t319;                      /* as t300 */
};

struct rrc_sib1 {
    bool has_cell_selection_info;
    struct rrc_cell_selection_info cell_selection_info;
    int nof_plmn_info;             /* cellAccessRelatedInfo.plmn-IdentityInfoList, 1.. */
    struct rrc_plmn_identity_info plmn_info[RRC_SIB1_MAX_PLMN_INFO];
    bool cell_reserved_for_other_use;
    bool has_serving_cell_config_common;
    struct rrc_serving_cell_config_common_sib serving_cell_config_common;
    bool ims_emergency_support;
    bool ecall_over_ims_support;
    bool has_ue_timers;
    struct rrc_ue_timers ue_timers;
    bool use_full_resume_id;
};

void rrc_sib1_codec(struct per *p, struct rrc_sib1 *v);

/* Encodes a BCCH-DL-SCH-Message with SIB1 into buf[cap]; *len gets the byte count. Returns 0, -EINVAL for a
 * field outside its constraint, -ENOSPC when cap is too small, -EMSGSIZE past RRC_SIB1_MAX_BYTES. */
int rrc_bcch_dl_sch_encode_sib1(const struct rrc_sib1 *sib1, uint8_t *buf, size_t cap, size_t *len);
/* Decodes a BCCH-DL-SCH-Message; 0 and *sib1 filled when it is a SIB1 of the modelled subset, -ENOTSUP for
 * SystemInformation or a field not modelled, -EBADMSG for malformed input. */
int rrc_bcch_dl_sch_decode(const uint8_t *buf, size_t len, struct rrc_sib1 *sib1);

#endif
