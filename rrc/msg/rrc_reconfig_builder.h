/* RRCReconfiguration builder for a data radio bearer (38.331 5.3.5, 6.2.2): what gnbd sends when the AMF sets up a
 * PDU session (issue 15: DRB 1 on LCID 4 + the NAS PDU Session Establishment Accept). The message carries
 *   - radioBearerConfig: drb-ToAddModList with one DRB-ToAddMod: cnAssociation sdap-Config (pdu-Session,
 *     sdap-HeaderDL/UL, defaultDRB true, mappedQoS-FlowsToAdd {qfi}), drb-Identity, pdcp-Config drb (discardTimer,
 *     pdcp-SN-SizeUL = pdcp-SN-SizeDL, headerCompression notUsed) and t-Reordering; no srb-ToAddModList, no
 *     securityConfig (the UE keeps the SMC's algorithms and derives K_UPenc from the same K_gNB, 38.331 5.3.5.6.5);
 *   - masterCellGroup: a CellGroupConfig (cellGroupId 0, the conventions of rrc_setup_builder.c) whose
 *     rlc-BearerToAddModList holds the DRB's RLC bearer: logicalChannelIdentity lcid, servedRadioBearer
 *     drb-Identity, rlc-Config am (UL and DL SN length the same), mac-LogicalChannelConfig with ul-SpecificParameters
 *     (priority, prioritisedBitRate infinity, bucketSizeDuration 5 ms, logicalChannelGroup, schedulingRequestID,
 *     logicalChannelSR-Mask false, logicalChannelSR-DelayTimerApplied false); nothing else (mac-, physical-,
 *     spCellConfig absent: Need M, the UE keeps RRCSetup's);
 *   - dedicatedNAS-MessageList with the NAS message (when one is given).
 *
 * What srsUE (srsRAN 4G rrc_nr.cc, rrc_nr_procedures.cc, rrc_nr_utils.cc) requires of it and rejects:
 *   - it applies masterCellGroup before radioBearerConfig and finds the DRB's LCID from the RLC bearer, so the
 *     rlc-BearerToAddModList entry with servedRadioBearer drb-Identity is required; an RLC bearer without
 *     servedRadioBearer, without rlc-Config (for a DRB) or without mac-LogicalChannelConfig with
 *     ul-SpecificParameters is rejected;
 *   - rlc-Config am or um-Bi-Directional only (um-Uni-Directional refused); UL and DL SN lengths must match;
 *     it takes t-PollRetransmit, pollPDU, pollByte, maxRetxThreshold from ul-AM-RLC and t-Reassembly,
 *     t-StatusProhibit from dl-AM-RLC;
 *   - DRB-ToAddMod needs pdcp-Config with its drb part and a cnAssociation; with sdap-Config it rejects
 *     sdap-HeaderDL present, defaultDRB false and any number of mappedQoS-FlowsToAdd but one (sdap-HeaderUL
 *     present is supported); it uses pdcp-SN-SizeDL for both directions (it warns when UL differs);
 *   - it refuses the DRB when security is not yet activated (SecurityModeCommand first), then enables ciphering
 *     (and integrity only with integrityProtection, which this builder leaves absent) on it;
 *   - it sends RRCReconfigurationComplete, then hands each dedicatedNAS-MessageList entry to its NAS.
 * So the builder always sends one QFI, defaultDRB true and equal UL/DL SN sizes; sdap_header_dl is sent as asked
 * (38.331 allows it) and gnbd's defaults keep it false.
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_RRC_RECONFIG_BUILDER_H
#define GNBD_RRC_MSG_RRC_RECONFIG_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrc/msg/dl_dcch.h"

/* The DRB as gnbd sets it up (mirrors struct mac_drb_config, mac/mac.h, so that the MAC and the UE are told the
 * same thing). Units are RRC's: ms, PDUs, kB (poll_byte), RRC_INFINITY (-1) where 38.331 has infinity. */
struct rrc_drb_params {
    int drb_id;                      /* DRB-Identity 1..32 */
    int lcid;                        /* logicalChannelIdentity 4..32 (1..3 are the SRBs') */
    int pdu_session_id;              /* PDU-SessionID 0..255 */
    int qfi;                         /* QFI 0..63 */
    struct {
        int sn_bits;                 /* SN-FieldLengthAM: 12 or 18, both directions */
        int t_poll_retransmit_ms;    /* T-PollRetransmit: 5..250 in 5s, 300..500 in 50s, 800, 1000, 2000, 4000 (1..4 Rel-16) */
        int poll_pdu;                /* PollPDU: 4, 8, 16, ..., 65536 or RRC_INFINITY */
        int poll_byte;               /* PollByte in kB: 1..40000 (38.331 list) or RRC_INFINITY */
        int max_retx;                /* maxRetxThreshold: 1, 2, 3, 4, 6, 8, 16, 32 */
        int t_reassembly_ms;         /* T-Reassembly: 0..100 in 5s, 110..200 in 10s */
        int t_status_prohibit_ms;    /* T-StatusProhibit: 0..250 in 5s, 300..500 in 50s, 800..2400 */
    } rlc;
    int pdcp_sn_bits;                /* pdcp-SN-SizeUL = pdcp-SN-SizeDL: 12 or 18 */
    int pdcp_discard_timer_ms;       /* discardTimer: 10..1500 (38.331 list) or RRC_INFINITY */
    int pdcp_t_reordering_ms;        /* t-Reordering: 0..3000 (38.331 list) */
    bool sdap_header_dl, sdap_header_ul; /* srsUE: DL must be false */
    int lc_priority;                 /* 1..16 */
    int lcg;                         /* logicalChannelGroup 0..7 */
    int sr_id;                       /* SchedulingRequestId 0..7 (RRCSetup configures id 0) */
};

/* The encoded RRCReconfiguration of rrc_reconfig_build_drb without its NAS message is at most this long. */
#define RRC_RECONFIG_DRB_MAX_BYTES 64

/* gnbd's DRB 1 (the MAC's DRB entities are allocated with the same RLC values, mac/ue.c): LCID 4, PDU session 1,
 * QFI 1; RLC AM 18-bit SN, t-PollRetransmit 45 ms, pollPDU 64, pollByte 25 kB, maxRetxThreshold 8, t-Reassembly
 * 35 ms, t-StatusProhibit 10 ms; PDCP 18-bit SN, discardTimer infinity, t-Reordering 100 ms; no SDAP headers;
 * priority 4, LCG 1, SR 0. */
void rrc_drb_params_defaults(struct rrc_drb_params *p);

/* Fills msg with the RRCReconfiguration (c1 RRC_DL_DCCH_RECONFIGURATION). nas may be NULL when nas_len is 0 (no
 * dedicatedNAS-MessageList). Returns 0 or -EINVAL (a value outside 38.331's ranges, nas_len > RRC_DL_NAS_MAX). */
int rrc_reconfig_fill_drb(const struct rrc_drb_params *p, const uint8_t *nas, size_t nas_len, int transaction_id,
                          struct rrc_dl_dcch_msg *msg);

/* The same, encoded as a DL-DCCH-Message into out[cap] (*out_len bytes; uses ~25 KiB of stack). Returns 0,
 * -EINVAL or -ENOSPC. */
int rrc_reconfig_build_drb(const struct rrc_drb_params *p, const uint8_t *nas, size_t nas_len, int transaction_id,
                           uint8_t *out, size_t cap, size_t *out_len);
/* The same with masterCellGroup's spCellConfig = *sp_cell when sp_cell is not NULL: the UE's RRCSetup
 * spCellConfig with PDSCH-Config mcs-Table qam256 (rrc/rrc_cell.h, enum rrc_qam256). */
int rrc_reconfig_build_drb_sp_cell(const struct rrc_drb_params *p, const struct rrc_sp_cell_config *sp_cell,
                                   const uint8_t *nas, size_t nas_len, int transaction_id, uint8_t *out, size_t cap,
                                   size_t *out_len);

/* The RRCReconfiguration that releases a DRB (38.331 5.3.5.6.4 DRB release, 5.3.5.5.3 RLC bearer release): the
 * core's PDU Session Resource Release (38.413 8.2.2). It carries
 *   - radioBearerConfig with drb-ToReleaseList {drb_id} (nothing else);
 *   - masterCellGroup: a CellGroupConfig (cellGroupId 0) with rlc-BearerToReleaseList {lcid}, the DRB's RLC bearer;
 *   - dedicatedNAS-MessageList with the NAS message (the PDU Session Release Command), when one is given.
 * srsUE releases the DRB's PDCP entity and the RLC bearer's logical channel on it (rrc_nr.cc apply_drb_release,
 * apply_cell_group_cfg). Fills msg / encodes into out[cap] like the builders above: 0, -EINVAL (drb_id outside
 * 1..32, lcid outside 4..32, transaction_id outside 0..3, nas_len > RRC_DL_NAS_MAX), -ENOSPC. */
int rrc_reconfig_fill_drb_release(int drb_id, int lcid, const uint8_t *nas, size_t nas_len, int transaction_id,
                                  struct rrc_dl_dcch_msg *msg);
int rrc_reconfig_build_drb_release(int drb_id, int lcid, const uint8_t *nas, size_t nas_len, int transaction_id,
                                   uint8_t *out, size_t cap, size_t *out_len);

#endif
