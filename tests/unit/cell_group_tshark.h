/* Test helper (included by cell_group_check.h): tshark's decoding of a CellGroupConfig compared with the struct
 * that was encoded. Fields are checked in encoding order; each path's n-th check reads its n-th occurrence in
 * tshark's output, and at the end every path checked must occur exactly as often as the struct says (so a field
 * tshark decodes that was never sent fails too). */
#ifndef GNBD_TESTS_CELL_GROUP_TSHARK_H
#define GNBD_TESTS_CELL_GROUP_TSHARK_H

struct occ {
    int used;
    char path[256][160];
    int n[256];
};

/* The next occurrence index of `path`; `present` false only registers the path (expected count unchanged). */
static inline int occ_take(struct occ *o, const char *path, bool present)
{
    int i = 0;
    while (i < o->used && strcmp(o->path[i], path) != 0) i++;
    if (i == o->used) {
        ck_assert_int_lt(o->used, 256);
        snprintf(o->path[o->used++], sizeof o->path[0], "%s", path);
        o->n[i] = 0;
    }
    return present ? o->n[i]++ : -1;
}

static inline void occ_verify(const struct tshark_pkt *p, const struct occ *o)
{
    for (int i = 0; i < o->used; i++) EXPECT_COUNT(p, o->path[i], o->n[i]);
}

#define XI(path, v) EXPECT_INT(p, path, occ_take(o, path, true), v)
#define XN(path, ...) EXPECT_NAME(p, path, occ_take(o, path, true), __VA_ARGS__)
#define XB(path, nbits, v) EXPECT_BITS(p, path, occ_take(o, path, true), nbits, v)
#define XF(path, present) occ_take(o, path, present)
#define XOPT_I(path, has, v)                                                                                 \
    do {                                                                                                     \
        XF(path, false);                                                                                     \
        if (has) XI(path, v);                                                                                \
    } while (0)

static const char *inf_name(int v, const char *unit, char *buf, size_t cap)
{
    if (v == RRC_INFINITY)
        snprintf(buf, cap, "infinity");
    else
        snprintf(buf, cap, "%s%d", unit, v);
    return buf;
}

static inline void check_sr_state(const struct tshark_pkt *p, struct occ *o, const char *path, uint8_t sr)
{
    XF(path, false);
    if (sr != PER_ABSENT) XN(path, "%s", sr == PER_SETUP ? "setup" : "release");
}

static inline void check_rlc(const struct tshark_pkt *p, struct occ *o, const struct rrc_rlc_config *r)
{
    static const char *const modes[4] = {"am", "um-Bi-Directional", "um-Uni-Directional-UL", "um-Uni-Directional-DL"};
    char b[32];
    XN("RLC_BearerConfig_element/rlc_Config", "%s", modes[r->mode]);
    bool am = r->mode == RRC_RLC_AM;
    const char *ul = am ? "ul_AM_RLC_element/sn_FieldLength" : "ul_UM_RLC_element/sn_FieldLength";
    const char *dl = am ? "dl_AM_RLC_element/sn_FieldLength" : "dl_UM_RLC_element/sn_FieldLength";
    if (r->mode != RRC_RLC_UM_UNI_DL) {
        XF(ul, false);
        if (r->ul_has_sn) XN(ul, "size%d", r->ul_sn_len);
    }
    if (am) {
        XN("ul_AM_RLC_element/t_PollRetransmit", "ms%d%s", r->t_poll_retransmit, r->t_poll_retransmit < 5 ? "-v1610" : "");
        XN("ul_AM_RLC_element/pollPDU", "%s", inf_name(r->poll_pdu, "p", b, sizeof b));
        if (r->poll_byte == RRC_INFINITY || r->poll_byte < 8000)
            XN("ul_AM_RLC_element/pollByte", "%s", inf_name(r->poll_byte, "kB", b, sizeof b));
        else
            XN("ul_AM_RLC_element/pollByte", "mB%d", r->poll_byte / 1000);
        XN("ul_AM_RLC_element/maxRetxThreshold", "t%d", r->max_retx_threshold);
    }
    if (r->mode != RRC_RLC_UM_UNI_UL) {
        XF(dl, false);
        if (r->dl_has_sn) XN(dl, "size%d", r->dl_sn_len);
        XN(am ? "dl_AM_RLC_element/t_Reassembly" : "dl_UM_RLC_element/t_Reassembly", "ms%d", r->t_reassembly);
        if (am) XN("dl_AM_RLC_element/t_StatusProhibit", "ms%d", r->t_status_prohibit);
    }
}

static inline void check_bearer(const struct tshark_pkt *p, struct occ *o, const struct rrc_rlc_bearer_config *b)
{
#define RB "RLC_BearerConfig_element/"
    char buf[32];
    XI(RB "logicalChannelIdentity", b->lcid);
    XF(RB "servedRadioBearer", false);
    if (b->has_served_radio_bearer) {
        XN(RB "servedRadioBearer", "%s", b->served_is_drb ? "drb-Identity" : "srb-Identity");
        XI(b->served_is_drb ? RB "servedRadioBearer/drb_Identity" : RB "servedRadioBearer/srb_Identity", b->radio_bearer_id);
    }
    XF(RB "reestablishRLC", b->reestablish_rlc);
    XF(RB "rlc_Config", false);
    if (b->has_rlc_config) check_rlc(p, o, &b->rlc);
    XF(RB "mac_LogicalChannelConfig_element", b->has_mac_lc_config);
    const struct rrc_logical_channel_config *m = &b->mac_lc;
#define UL "ul_SpecificParameters_element/"
    XF(UL "priority", false);
    if (!b->has_mac_lc_config) return;
    XF("mac_LogicalChannelConfig_element/ul_SpecificParameters_element", m->has_ul_specific);
    if (!m->has_ul_specific) return;
    XI(UL "priority", m->priority);
    XN(UL "prioritisedBitRate", "%s", inf_name(m->prioritised_bit_rate, "kBps", buf, sizeof buf));
    XN(UL "bucketSizeDuration", "ms%d", m->bucket_size_duration);
    XF(UL "configuredGrantType1Allowed", m->configured_grant_type1_allowed);
    XOPT_I(UL "logicalChannelGroup", m->has_lcg, m->lcg);
    XOPT_I(UL "schedulingRequestID", m->has_sr_id, m->sr_id);
    XI(UL "logicalChannelSR_Mask", m->sr_mask);
    XI(UL "logicalChannelSR_DelayTimerApplied", m->sr_delay_timer_applied);
#undef UL
#undef RB
}

static inline void check_mac(const struct tshark_pkt *p, struct occ *o, const struct rrc_mac_cell_group_config *m)
{
#define MC "mac_CellGroupConfig_element/"
    char buf[32];
    XF(MC "schedulingRequestConfig_element", m->has_sr_config);
    XF("SchedulingRequestToAddMod_element/schedulingRequestId", false);
    XF("SchedulingRequestToAddMod_element/sr_ProhibitTimer", false);
    for (int i = 0; m->has_sr_config && i < m->nof_sr; i++) {
        XI("SchedulingRequestToAddMod_element/schedulingRequestId", m->sr[i].id);
        if (m->sr[i].has_prohibit_timer) XN("SchedulingRequestToAddMod_element/sr_ProhibitTimer", "ms%d", m->sr[i].prohibit_timer);
        XN("SchedulingRequestToAddMod_element/sr_TransMax", "n%d", m->sr[i].trans_max);
    }
    XF(MC "bsr_Config_element", m->has_bsr);
    XF("bsr_Config_element/logicalChannelSR_DelayTimer", false);
    if (m->has_bsr) {
        XN("bsr_Config_element/periodicBSR_Timer", "%s", inf_name(m->periodic_bsr_timer, "sf", buf, sizeof buf));
        XN("bsr_Config_element/retxBSR_Timer", "sf%d", m->retx_bsr_timer);
        if (m->has_lc_sr_delay_timer) XN("bsr_Config_element/logicalChannelSR_DelayTimer", "sf%d", m->lc_sr_delay_timer);
    }
    XF(MC "tag_Config_element", m->has_tag_config);
    XF("tag_ToAddModList/TAG_element/tag_Id", false);
    for (int i = 0; m->has_tag_config && i < m->nof_tags; i++) {
        XI("tag_ToAddModList/TAG_element/tag_Id", m->tag[i].id);
        XN("tag_ToAddModList/TAG_element/timeAlignmentTimer", "%s", inf_name(m->tag[i].ta_timer, "ms", buf, sizeof buf));
    }
    check_sr_state(p, o, MC "phr_Config", m->phr_sr);
    if (m->phr_sr == PER_SETUP) {
        XN("phr_Config/setup_element/phr_PeriodicTimer", "%s", inf_name(m->phr_periodic_timer, "sf", buf, sizeof buf));
        XN("phr_Config/setup_element/phr_ProhibitTimer", "sf%d", m->phr_prohibit_timer);
        XN("phr_Config/setup_element/phr_Tx_PowerFactorChange", "%s", inf_name(m->phr_tx_power_factor_change, "dB", buf, sizeof buf));
        XI("phr_Config/setup_element/multiplePHR", m->phr_multiple);
        XI("phr_Config/setup_element/pHR_Config.dummy", m->phr_dummy);
        XI("phr_Config/setup_element/phr_Type2OtherCell", m->phr_type2_other_cell);
        XN("phr_Config/setup_element/phr_ModeOtherCG", "%s", m->phr_mode_other_cg_virtual ? "virtual" : "real");
    }
    XI(MC "mAC_CellGroupConfig.skipUplinkTxDynamic", m->skip_uplink_tx_dynamic);
#undef MC
}

static inline void check_phy(const struct tshark_pkt *p, struct occ *o, const struct rrc_physical_cell_group_config *c)
{
#define PH "physicalCellGroupConfig_element/"
    XF(PH "harq_ACK_SpatialBundlingPUCCH", c->harq_ack_spatial_bundling_pucch);
    XF(PH "harq_ACK_SpatialBundlingPUSCH", c->harq_ack_spatial_bundling_pusch);
    XOPT_I(PH "p_NR_FR1", c->has_p_nr_fr1, c->p_nr_fr1);
    XN(PH "pdsch_HARQ_ACK_Codebook", "%s", c->harq_ack_codebook_dynamic ? "dynamic" : "semiStatic");
    XOPT_I(PH "tpc_SRS_RNTI", c->has_tpc_srs_rnti, c->tpc_srs_rnti);
    XOPT_I(PH "tpc_PUCCH_RNTI", c->has_tpc_pucch_rnti, c->tpc_pucch_rnti);
    XOPT_I(PH "tpc_PUSCH_RNTI", c->has_tpc_pusch_rnti, c->tpc_pusch_rnti);
    XOPT_I(PH "sp_CSI_RNTI", c->has_sp_csi_rnti, c->sp_csi_rnti);
#undef PH
}

#include "serving_cell_tshark.h"

static inline void check_cell_group(const struct tshark_pkt *p, const struct rrc_cell_group_config *cg)
{
    static struct occ occ;
    struct occ *o = &occ;
    memset(o, 0, sizeof *o);
    ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
    XF("CellGroupConfig_element", true);
    XI("CellGroupConfig_element/cellGroupId", cg->cell_group_id);
    XF("CellGroupConfig_element/rlc_BearerToAddModList/RLC_BearerConfig_element", false);
    for (int i = 0; i < cg->nof_rlc_bearers; i++) {
        XF("CellGroupConfig_element/rlc_BearerToAddModList/RLC_BearerConfig_element", true);
        check_bearer(p, o, &cg->rlc_bearer[i]);
    }
    XF("rlc_BearerToReleaseList/LogicalChannelIdentity", false);
    for (int i = 0; i < cg->nof_rlc_release; i++) XI("rlc_BearerToReleaseList/LogicalChannelIdentity", cg->rlc_release[i]);
    XF("CellGroupConfig_element/mac_CellGroupConfig_element", cg->has_mac);
    if (cg->has_mac) check_mac(p, o, &cg->mac);
    XF("CellGroupConfig_element/physicalCellGroupConfig_element", cg->has_phy);
    if (cg->has_phy) check_phy(p, o, &cg->phy);
    XF("CellGroupConfig_element/spCellConfig_element", cg->has_sp_cell);
    if (cg->has_sp_cell) check_sp_cell(p, o, &cg->sp_cell);
    occ_verify(p, o);
}

#endif
