/* Each UE's dedicated uplink control resources (ue_res.h). */
#include "mac/ue_res.h"

#include <errno.h>

int ue_res_layout_init(struct ue_res_layout *l, int nof_prb, int max_ues, int sr_period,
                       const struct slot_pattern *pattern)
{
    if (max_ues < 1 || max_ues > UE_RES_MAX_UES || sr_period < 1 || sr_period > UE_RES_MAX_SR_PERIOD || !pattern)
        return -EINVAL;
    *l = (struct ue_res_layout){.nof_prb = nof_prb, .max_ues = max_ues, .sr_period = sr_period,
                                .n_f1_prbs = (max_ues + UE_RES_F1_PER_PRB - 1) / UE_RES_F1_PER_PRB,
                                .n_f2_prbs = 1};
    int region = l->n_f1_prbs + l->n_f2_prbs;
    if (nof_prb < 6 || 3 * region > nof_prb) return -EINVAL;
    /* A TDD pattern repeats every period_slots: an SR offset is UL in every SR period only when the SR period
     * is a multiple of it (38.213 9.2.4 counts SR occasions on the slot number alone). */
    if (pattern->tdd && sr_period % pattern->period_slots != 0) return -EINVAL;
    for (int s = 0; s < sr_period; s++)
        if (slot_pattern_ul_span(pattern, (uint64_t)s, 0, 14)) l->sr_offsets[l->n_sr_offsets++] = s;
    return l->n_sr_offsets > 0 ? 0 : -EINVAL;
}

int ue_res_max_ues(int nof_prb)
{
    int n = (nof_prb / 3 - 1) * UE_RES_F1_PER_PRB; /* region = f1 PRBs + the format 2 PRB <= nof_prb / 3 */
    if (nof_prb < 6 || n < 1) return 0;
    return n < UE_RES_MAX_UES ? n : UE_RES_MAX_UES;
}

int ue_res_get(const struct ue_res_layout *l, int k, struct ue_pucch_res *r)
{
    if (k < 0 || k >= l->max_ues) return -EINVAL;
    int top = l->nof_prb - 2; /* PRB N-1 carries the common PUCCH's second hop */
    int j = k % UE_RES_F1_PER_PRB;
    int occ0 = (j % 2) * 3;
    *r = (struct ue_pucch_res){.index = k, .f1_prb = top - k / UE_RES_F1_PER_PRB, .f1_cs = (j / 2) * 3,
                               .ack_occ = {occ0, occ0 + 1}, .sr_occ = occ0 + 2, .f2_prb = top - l->n_f1_prbs,
                               .f2_symbol = 12 - 2 * (k % UE_RES_F2_PAIRS), .sr_period = l->sr_period,
                               .sr_offset = l->sr_offsets[k % l->n_sr_offsets]};
    return 0;
}

void ue_res_region(const struct ue_res_layout *l, int *first, int *nof)
{
    *nof = l->n_f1_prbs + l->n_f2_prbs;
    *first = l->nof_prb - 1 - *nof;
}
