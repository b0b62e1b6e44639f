/* The cell's broadcast channels from the configuration (see broadcast.h). */
#include "gnb/broadcast.h"

#include <errno.h>
#include <string.h>

#include "gnb/rrc_config.h"

void broadcast_ssb_burst(const struct gnbd_config *cfg, const struct cell_geometry *g, struct ssb_burst_config *b)
{
    *b = (struct ssb_burst_config){.scs_khz = g->ssb_scs_khz, .pattern = g->ssb_pattern, .l_max = g->ssb_l_max,
                                   .positions_in_burst = 1, /* SSB index 0 only: what srsUE searches */
                                   .period_ms = cfg->cell.ssb_periodicity_ms, .half_frame = 0};
}

void broadcast_mib(const struct gnbd_config *cfg, const struct cell_geometry *g, struct mib *m)
{
    *m = (struct mib){.scs_common_khz = g->scs_khz, .ssb_subcarrier_offset = g->mib_ssb_subcarrier_offset,
                      .dmrs_type_a_position = cfg->cell.dmrs_type_a_position, .coreset0_index = g->coreset0_index,
                      .searchspace0_index = g->searchspace0_index, .cell_barred = false,
                      .intra_freq_reselection_allowed = true};
}

/* The planner's input for this cell (TDD: full DL slots of the pattern; gnbd's SCS divides every period). */
static void plan_input(const struct gnbd_config *cfg, const struct cell_geometry *g, size_t sib1_len,
                       struct sched_sib1_config *in)
{
    memset(in, 0, sizeof *in);
    in->geo = *g;
    in->pci = cfg->cell.pci;
    broadcast_ssb_burst(cfg, g, &in->burst);
    in->sib1_len = (int)sib1_len;
    in->mcs = BROADCAST_SIB1_MCS;
    in->al = BROADCAST_SIB1_AL;
    if (cfg->cell.duplex == DUPLEX_TDD && cfg->cell.tdd.configured) {
        in->tdd_period_slots = (int)(cfg->cell.tdd.period_ms * (1 << g->mu) + 0.5);
        in->tdd_dl_slots = cfg->cell.tdd.dl_slots;
    }
}

int broadcast_sib1(const struct gnbd_config *cfg, const struct cell_geometry *g, struct broadcast_sib1 *out,
                   char *err, size_t errlen)
{
    struct rrc_sib1 sib1;
    memset(out, 0, sizeof *out);
    int rc = rrc_config_sib1(cfg, &sib1, out->msg, sizeof out->msg, &out->len);
    if (rc < 0) {
        snprintf(err, errlen, "the SIB1 cannot be built from this configuration (%s)", strerror(-rc));
        return -EINVAL;
    }
    struct sched_sib1_config in;
    plan_input(cfg, g, out->len, &in);
    const char *key = "";
    char why[320];
    if (sched_sib1_plan(&in, &out->plan, &key, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", key, why);
        return -EINVAL;
    }
    if (sched_sib1_tb(&out->plan, out->msg, out->len, out->tb, sizeof out->tb) < 0) {
        snprintf(err, errlen, "sib1: a TBS of %d bits is more than %zu bytes", out->plan.tbs, sizeof out->tb);
        return -EINVAL;
    }
    return 0;
}

int broadcast_check(const struct gnbd_config *cfg, const struct cell_geometry *g, FILE *err)
{
    struct broadcast_sib1 b;
    char why[400];
    if (broadcast_sib1(cfg, g, &b, why, sizeof why) == 0) return 0;
    /* "<planner input>: <reason>": the planner's inputs that are config keys are reported under them. */
    static const char *const keys[] = {"searchspace0_index", "coreset0_index", "scs_khz", "tdd"};
    char key[48] = "cell";
    const char *msg = why;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t n = strlen(keys[i]);
        if (strncmp(why, keys[i], n) == 0 && why[n] == ':') {
            snprintf(key, sizeof key, "cell.%s", keys[i]);
            msg = why + n + 2;
        }
    }
    config_report(err, cfg->path, 0, key, NULL, "SIB1 cannot be broadcast: %s", msg);
    return 1;
}

void broadcast_print(const struct gnbd_config *cfg, const struct cell_geometry *g, FILE *out)
{
    struct broadcast_sib1 b;
    char why[400];
    if (broadcast_sib1(cfg, g, &b, why, sizeof why) < 0) {
        fprintf(out, "#   SIB1: not sent (%s)\n", why);
        return;
    }
    const struct sched_sib1_plan *p = &b.plan;
    fprintf(out, "#   SIB1: %zu bytes every 20 ms in slot %d of %s frames%s; PDCCH DCI 1_0 SI-RNTI AL%d CCE %d;"
            " PDSCH CRB %d..%d, symbols %d..%d (TDRA row %d), MCS %d, TBS %d bits\n", b.len, p->slot,
            p->sfn_parity ? "odd" : "even", p->ssb_in_slot ? " (beside the SS/PBCH block)" : "", p->al,
            p->first_cce, p->grant.crb_start, p->grant.crb_start + p->grant.nof_rb - 1, p->grant.start_symbol,
            p->grant.start_symbol + p->grant.nof_symbols - 1, p->tdra_row, p->mcs, p->tbs);
}
