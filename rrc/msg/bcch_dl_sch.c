/* BCCH-DL-SCH-Message with SIB1 (38.331 6.2.1, 6.2.2); see bcch_dl_sch.h. */
#include "rrc/msg/bcch_dl_sch.h"

#include <errno.h>

static const int t300_values[8] = {100, 200, 300, 400, 600, 1000, 1500, 2000};
static const int t310_values[7] = {0, 50, 100, 200, 500, 1000, 2000};
static const int n310_values[8] = {1, 2, 3, 4, 6, 8, 10, 20};
static const int t311_values[7] = {1000, 3000, 5000, 10000, 15000, 20000, 30000};
static const int n311_values[8] = {1, 2, 3, 4, 5, 6, 8, 10};

static void cell_selection_info_codec(struct per *p, struct rrc_cell_selection_info *v)
{
    per_opt(p, &v->has_q_rx_lev_min_offset);
    per_opt(p, &v->has_q_rx_lev_min_sul);
    per_opt(p, &v->has_q_qual_min);
    per_opt(p, &v->has_q_qual_min_offset);
    per_int(p, &v->q_rx_lev_min, -70, -22);
    if (v->has_q_rx_lev_min_offset) per_int(p, &v->q_rx_lev_min_offset, 1, 8);
    if (v->has_q_rx_lev_min_sul) per_int(p, &v->q_rx_lev_min_sul, -70, -22);
    if (v->has_q_qual_min) per_int(p, &v->q_qual_min, -43, -12);
    if (v->has_q_qual_min_offset) per_int(p, &v->q_qual_min_offset, 1, 8);
}

static void plmn_identity_info_codec(struct per *p, struct rrc_plmn_identity_info *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->has_tac);
    per_opt_none(p); /* ranac */
    per_size(p, &v->nof_plmn, 1, 12, RRC_SIB1_MAX_PLMN);
    for (int i = 0; i < v->nof_plmn; i++) rrc_plmn_identity_codec(p, &v->plmn[i]);
    if (v->has_tac) {
        uint64_t tac = v->tac;
        per_bits(p, &tac, 24);
        v->tac = (uint32_t)tac;
    }
    per_bits(p, &v->cell_identity, 36);
    int reserved = v->cell_reserved_for_operator_use ? 0 : 1; /* ENUMERATED {reserved, notReserved} */
    per_enum(p, &reserved, 2, false);
    v->cell_reserved_for_operator_use = reserved == 0;
    per_ext_skip(p, ext);
}

static void cell_access_related_info_codec(struct per *p, struct rrc_sib1 *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_opt(p, &v->cell_reserved_for_other_use);
    per_size(p, &v->nof_plmn_info, 1, 12, RRC_SIB1_MAX_PLMN_INFO);
    for (int i = 0; i < v->nof_plmn_info; i++) plmn_identity_info_codec(p, &v->plmn_info[i]);
    per_ext_skip(p, ext);
}

static void ue_timers_codec(struct per *p, struct rrc_ue_timers *v)
{
    bool ext = false;
    per_ext(p, &ext);
    per_enum_value(p, &v->t300, t300_values, 8, false);
    per_enum_value(p, &v->t301, t300_values, 8, false);
    per_enum_value(p, &v->t310, t310_values, 7, false);
    per_enum_value(p, &v->n310, n310_values, 8, false);
    per_enum_value(p, &v->t311, t311_values, 7, false);
    per_enum_value(p, &v->n311, n311_values, 8, false);
    per_enum_value(p, &v->t319, t300_values, 8, false);
    per_ext_skip(p, ext);
}

void rrc_sib1_codec(struct per *p, struct rrc_sib1 *v)
{
    per_opt(p, &v->has_cell_selection_info);
    per_opt_none(p); /* connEstFailureControl */
    per_opt_none(p); /* si-SchedulingInfo */
    per_opt(p, &v->has_serving_cell_config_common);
    per_opt(p, &v->ims_emergency_support);
    per_opt(p, &v->ecall_over_ims_support);
    per_opt(p, &v->has_ue_timers);
    per_opt_none(p); /* uac-BarringInfo */
    per_opt(p, &v->use_full_resume_id);
    per_opt_none(p); /* lateNonCriticalExtension */
    per_opt_none(p); /* nonCriticalExtension */
    if (v->has_cell_selection_info) cell_selection_info_codec(p, &v->cell_selection_info);
    cell_access_related_info_codec(p, v);
    if (v->has_serving_cell_config_common) rrc_serving_cell_config_common_sib_codec(p, &v->serving_cell_config_common);
    if (v->has_ue_timers) ue_timers_codec(p, &v->ue_timers);
}

/* BCCH-DL-SCH-Message ::= SEQUENCE { message CHOICE { c1 CHOICE { systemInformation, systemInformationBlockType1 },
 * messageClassExtension } } */
static void bcch_dl_sch_codec(struct per *p, void *v)
{
    int message = 0, c1 = 1;
    per_choice(p, &message, 2, false);
    if (message != 0) {
        per_fail(p, -ENOTSUP);
        return;
    }
    per_choice(p, &c1, 2, false);
    if (c1 != 1) {
        per_fail(p, -ENOTSUP);
        return;
    }
    rrc_sib1_codec(p, v);
}

int rrc_bcch_dl_sch_encode_sib1(const struct rrc_sib1 *sib1, uint8_t *buf, size_t cap, size_t *len)
{
    int err = per_encode_message(bcch_dl_sch_codec, sib1, buf, cap, len);
    if (!err && *len > RRC_SIB1_MAX_BYTES) err = -EMSGSIZE;
    return err;
}

int rrc_bcch_dl_sch_decode(const uint8_t *buf, size_t len, struct rrc_sib1 *sib1)
{
    return per_decode_message(bcch_dl_sch_codec, sib1, sizeof *sib1, buf, len);
}
