/* RRCReconfiguration builder for a DRB (see rrc_reconfig_builder.h). */
#include "rrc/msg/rrc_reconfig_builder.h"

#include <errno.h>
#include <string.h>

void rrc_drb_params_defaults(struct rrc_drb_params *p)
{
    *p = (struct rrc_drb_params){
        .drb_id = 1, .lcid = 4, .pdu_session_id = 1, .qfi = 1,
        .rlc = {.sn_bits = 18, .t_poll_retransmit_ms = 45, .poll_pdu = 64, .poll_byte = 25, .max_retx = 8,
                .t_reassembly_ms = 35, .t_status_prohibit_ms = 10},
        .pdcp_sn_bits = 18, .pdcp_discard_timer_ms = RRC_INFINITY, .pdcp_t_reordering_ms = 100,
        .sdap_header_dl = false, .sdap_header_ul = false, .lc_priority = 4, .lcg = 1, .sr_id = 0};
}

static bool in(int v, int lo, int hi) { return v >= lo && v <= hi; }

/* dedicatedNAS-MessageList with one message, when there is one. */
static void put_nas(struct rrc_reconfiguration *r, const uint8_t *nas, size_t nas_len)
{
    if (nas_len == 0) return;
    r->nof_nas = 1;
    r->nas_off[0] = 0;
    r->nas_len[0] = nas_len;
    memcpy(r->nas, nas, nas_len);
}

/* msg cleared to an RRCReconfiguration of transaction_id with a radioBearerConfig and the masterCellGroup (cell
 * group 0), both empty: what every DRB reconfiguration carries. */
static struct rrc_reconfiguration *reconfig_start(struct rrc_dl_dcch_msg *msg, int transaction_id)
{
    memset(msg, 0, sizeof *msg);
    msg->c1 = RRC_DL_DCCH_RECONFIGURATION;
    struct rrc_reconfiguration *r = &msg->reconfiguration;
    r->transaction_id = transaction_id;
    r->has_radio_bearer_config = true;
    r->has_master_cell_group = true;
    r->master_cell_group.cell_group_id = 0;
    return r;
}

int rrc_reconfig_fill_drb(const struct rrc_drb_params *p, const uint8_t *nas, size_t nas_len, int transaction_id,
                          struct rrc_dl_dcch_msg *msg)
{
    /* The integer ranges here; the enumerated timers and sizes by a trial encoding below. */
    if (!in(transaction_id, 0, 3) || !in(p->drb_id, 1, 32) || !in(p->lcid, 4, 32) || !in(p->pdu_session_id, 0, 255) ||
        !in(p->qfi, 0, 63) || !in(p->lc_priority, 1, 16) || !in(p->lcg, 0, 7) || !in(p->sr_id, 0, 7) ||
        nas_len > RRC_DL_NAS_MAX || (nas_len > 0 && !nas))
        return -EINVAL;
    struct rrc_reconfiguration *r = reconfig_start(msg, transaction_id);
    r->radio_bearer_config.nof_drb = 1;
    r->radio_bearer_config.drb[0] = (struct rrc_drb_to_add_mod){
        .drb_id = p->drb_id, .has_cn_association = true, .cn_is_eps_bearer = false,
        .sdap = {.pdu_session = p->pdu_session_id, .header_dl = p->sdap_header_dl, .header_ul = p->sdap_header_ul,
                 .default_drb = true, .nof_qfi_add = 1, .qfi_add = {p->qfi}},
        .has_pdcp_config = true,
        .pdcp = {.has_drb = true, .has_discard_timer = true, .discard_timer = p->pdcp_discard_timer_ms,
                 .has_sn_size_ul = true, .sn_size_ul = p->pdcp_sn_bits, .has_sn_size_dl = true,
                 .sn_size_dl = p->pdcp_sn_bits, .has_t_reordering = true, .t_reordering = p->pdcp_t_reordering_ms}};
    struct rrc_cell_group_config *cg = &r->master_cell_group;
    cg->nof_rlc_bearers = 1;
    cg->rlc_bearer[0] = (struct rrc_rlc_bearer_config){
        .lcid = p->lcid, .has_served_radio_bearer = true, .served_is_drb = true, .radio_bearer_id = p->drb_id,
        .has_rlc_config = true,
        .rlc = {.mode = RRC_RLC_AM, .ul_has_sn = true, .ul_sn_len = p->rlc.sn_bits, .dl_has_sn = true,
                .dl_sn_len = p->rlc.sn_bits, .t_poll_retransmit = p->rlc.t_poll_retransmit_ms,
                .poll_pdu = p->rlc.poll_pdu, .poll_byte = p->rlc.poll_byte, .max_retx_threshold = p->rlc.max_retx,
                .t_reassembly = p->rlc.t_reassembly_ms, .t_status_prohibit = p->rlc.t_status_prohibit_ms},
        .has_mac_lc_config = true,
        .mac_lc = {.has_ul_specific = true, .priority = p->lc_priority, .prioritised_bit_rate = RRC_INFINITY,
                   .bucket_size_duration = 5, .has_lcg = true, .lcg = p->lcg, .has_sr_id = true, .sr_id = p->sr_id,
                   .sr_mask = false, .sr_delay_timer_applied = false}};
    /* Every enumerated value (RLC timers and sizes, PDCP SN size, discard timer, t-Reordering) is one of 38.331's:
     * encode without the NAS message into a small buffer. */
    uint8_t trial[RRC_RECONFIG_DRB_MAX_BYTES];
    size_t len;
    int rc = rrc_dl_dcch_encode(msg, trial, sizeof trial, &len);
    if (rc < 0) return rc == -ENOSPC ? -EINVAL : rc;
    put_nas(r, nas, nas_len);
    return 0;
}

int rrc_reconfig_fill_drb_release(int drb_id, int lcid, const uint8_t *nas, size_t nas_len, int transaction_id,
                                  struct rrc_dl_dcch_msg *msg)
{
    if (!in(transaction_id, 0, 3) || !in(drb_id, 1, 32) || !in(lcid, 4, 32) || nas_len > RRC_DL_NAS_MAX ||
        (nas_len > 0 && !nas))
        return -EINVAL;
    struct rrc_reconfiguration *r = reconfig_start(msg, transaction_id);
    r->radio_bearer_config.nof_drb_release = 1; /* 5.3.5.6.4 */
    r->radio_bearer_config.drb_release[0] = drb_id;
    r->master_cell_group.nof_rlc_release = 1; /* 5.3.5.5.3 */
    r->master_cell_group.rlc_release[0] = lcid;
    put_nas(r, nas, nas_len);
    return 0;
}

int rrc_reconfig_build_drb_release(int drb_id, int lcid, const uint8_t *nas, size_t nas_len, int transaction_id,
                                   uint8_t *out, size_t cap, size_t *out_len)
{
    struct rrc_dl_dcch_msg msg;
    *out_len = 0;
    int rc = rrc_reconfig_fill_drb_release(drb_id, lcid, nas, nas_len, transaction_id, &msg);
    return rc < 0 ? rc : rrc_dl_dcch_encode(&msg, out, cap, out_len);
}

int rrc_reconfig_build_drb_sp_cell(const struct rrc_drb_params *p, const struct rrc_sp_cell_config *sp_cell,
                                   const uint8_t *nas, size_t nas_len, int transaction_id, uint8_t *out, size_t cap,
                                   size_t *out_len)
{
    struct rrc_dl_dcch_msg msg;
    *out_len = 0;
    int rc = rrc_reconfig_fill_drb(p, nas, nas_len, transaction_id, &msg);
    if (rc == 0 && sp_cell) {
        msg.reconfiguration.master_cell_group.has_sp_cell = true;
        msg.reconfiguration.master_cell_group.sp_cell = *sp_cell;
    }
    return rc < 0 ? rc : rrc_dl_dcch_encode(&msg, out, cap, out_len);
}

int rrc_reconfig_build_drb(const struct rrc_drb_params *p, const uint8_t *nas, size_t nas_len, int transaction_id,
                           uint8_t *out, size_t cap, size_t *out_len)
{
    return rrc_reconfig_build_drb_sp_cell(p, NULL, nas, nas_len, transaction_id, out, cap, out_len);
}
