/* RRC connection establishment, the cell side (see rrc_cell.h). */
#include "rrc/rrc_cell.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int rrc_cell_init(struct rrc_cell *c, const struct rrc_cell_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    if (cfg->max_ues < 0 || cfg->reject_wait_time_s < 1 || cfg->reject_wait_time_s > 16) return -EINVAL;
    c->dl = calloc(1, sizeof *c->dl);
    if (!c->dl) return -ENOMEM;
    /* The RRCSetup must build for this cell before anything runs (the UE's own part comes per UE: any valid
     * one here, PRB 0). */
    struct rrc_setup_cell_desc d = cfg->setup;
    d.ue = (struct rrc_setup_ue_pucch){.ack_occ = {0, 1}, .sr_occ = 2};
    if (rrc_setup_builder_build(&d, 0, c->dl) < 0) {
        rrc_cell_free(c);
        return -EINVAL;
    }
    return 0;
}

void rrc_cell_free(struct rrc_cell *c)
{
    free(c->dl);
    c->dl = NULL;
}

enum rrc_cell_event rrc_cell_ul_ccch(struct rrc_cell *c, uint16_t rnti, const uint8_t *sdu, size_t len,
                                     const struct rrc_setup_ue_pucch *res, uint8_t *out, size_t cap, size_t *out_len,
                                     const struct rrc_ul_ccch_msg **ul)
{
    (void)rnti;
    *out_len = 0;
    *ul = NULL;
    if (rrc_ul_ccch_decode(sdu, len, &c->ul) < 0) {
        c->stats.bad_messages++;
        return RRC_EV_BAD_MESSAGE;
    }
    *ul = &c->ul;
    if (c->ul.type != RRC_UL_CCCH_SETUP_REQUEST) {
        c->stats.unsupported++;
        return RRC_EV_UNSUPPORTED;
    }
    c->stats.setup_requests++;
    enum rrc_cell_event ev;
    if (c->nof_ues >= c->cfg.max_ues || !res) {
        /* 38.331 5.3.15: RRCReject with waitTime. */
        memset(c->dl, 0, sizeof *c->dl);
        c->dl->type = RRC_DL_CCCH_REJECT;
        c->dl->reject.has_wait_time = true;
        c->dl->reject.wait_time = c->cfg.reject_wait_time_s;
        ev = RRC_EV_REJECT;
        c->stats.rejects++;
    } else {
        struct rrc_setup_cell_desc d = c->cfg.setup;
        d.ue = *res;
        if (rrc_setup_builder_build(&d, 0, c->dl) < 0) return RRC_EV_BAD_MESSAGE;
        ev = RRC_EV_SETUP;
        c->stats.setups++;
        c->nof_ues++;
    }
    if (rrc_dl_ccch_encode(c->dl, out, cap, out_len) < 0) {
        *out_len = 0;
        return RRC_EV_BAD_MESSAGE;
    }
    return ev;
}
