/* Cross-checks of the UL probe and of the PRACH occasions against the cell (see ul_probe_config.h). */
#include "gnb/ul_probe_config.h"

#include <errno.h>
#include <stdbool.h>

#include "gnb/rrc_config.h"
#include "mac/sched_prach.h"
#include "phy/ch/prach_config.h"

static bool prach_prbs(const struct gnbd_config *cfg, const struct cell_geometry *g, int *first, int *last);

int config_slot_pattern(const struct gnbd_config *cfg, const struct cell_geometry *g, struct slot_pattern *sp)
{
    if (g->duplex != BAND_DUPLEX_TDD) {
        slot_pattern_init_fdd(sp);
        return 0;
    }
    const struct tdd_pattern_config *t = &cfg->cell.tdd;
    int period = (int)(t->period_ms * (1 << g->mu) + 0.5);
    if (!t->configured) return -EINVAL;
    return slot_pattern_init_tdd(sp, period, t->dl_slots, t->dl_symbols, t->ul_slots, t->ul_symbols);
}

int ul_probe_pucch_prb(const struct ul_probe_config *p, int nof_prb)
{
    return p->pucch_prb < 0 ? nof_prb - 1 : p->pucch_prb;
}

int config_prach_prbs(const struct gnbd_config *cfg, const struct cell_geometry *g, int *first, int *last)
{
    return prach_prbs(cfg, g, first, last) ? 0 : -EINVAL;
}

/* The PRBs the PRACH occupies (msg1-FrequencyStart .. + N_RB^RA msg1-FDM - 1), from the SIB1 description. */
static bool prach_prbs(const struct gnbd_config *cfg, const struct cell_geometry *g, int *first, int *last)
{
    struct sib1_cell_desc d;
    if (rrc_config_sib1_desc(cfg, &d) < 0) return false;
    const struct prach_config_row *row = prach_config_row(g->duplex == BAND_DUPLEX_TDD, cfg->cell.prach_config_index);
    if (!row) return false;
    enum prach_format f = prach_format_a((enum prach_format)row->format);
    const struct prach_format_params *fp = prach_format_params(f);
    int n_rb_ra = 0;
    if (!fp || prach_kbar(fp->l_ra, fp->delta_f_ra_hz ? fp->delta_f_ra_hz : g->scs_khz * 1000, g->scs_khz,
                          &n_rb_ra) < 0)
        return false;
    *first = sib1_builder_msg1_frequency_start(&d);
    *last = *first + n_rb_ra - 1; /* msg1-FDM one */
    return true;
}

static int check_prach_occasions(const struct gnbd_config *cfg, const struct cell_geometry *g,
                                 const struct slot_pattern *sp, FILE *err)
{
    struct sched_prach s;
    struct sched_prach_config pc = {.config_index = cfg->cell.prach_config_index,
                                    .unpaired = g->duplex == BAND_DUPLEX_TDD, .scs_khz = g->scs_khz,
                                    .ra_scs_khz = g->scs_khz, .msg1_fdm = 1,
                                    .sample_rate_hz = config_sample_rate(cfg)};
    if (sched_prach_init(&s, &pc, sp) == 0) return 0;
    config_report(err, cfg->path, 0, "cell.prach_config_index", NULL,
                  "configuration index %d has no PRACH occasion a UE may use in this cell (38.211 Table 6.3.3.2-%d; "
                  "in TDD the occasion must fall in UL symbols, 38.213 8.1), or its timing is not whole samples at "
                  "%.0f Hz", cfg->cell.prach_config_index, g->duplex == BAND_DUPLEX_TDD ? 3 : 2,
                  config_sample_rate(cfg));
    return 1;
}

static bool overlap(int a0, int a1, int b0, int b1) { return a0 <= b1 && b0 <= a1; }

int ul_probe_config_check(const struct gnbd_config *cfg, const struct cell_geometry *g, FILE *err)
{
    struct slot_pattern sp;
    if (config_slot_pattern(cfg, g, &sp) < 0) return 0; /* the TDD pattern check reports it */
    int n = check_prach_occasions(cfg, g, &sp, err);
    const struct ul_probe_config *p = &cfg->test.ul_probe;
    if (!p->enabled) return n;
    const char *f = cfg->path;
    if (p->offset >= p->period) {
        config_report(err, f, 0, "test.ul_probe.offset", NULL, "offset %d must be below the period %d", p->offset,
                      p->period);
        n++;
    }
    int n_rb = g->nof_prb;
    int u0 = p->pusch_prb_start, u1 = p->pusch_prb_start + p->pusch_nof_prb - 1;
    if (p->pusch_nof_prb > 0 && u1 >= n_rb) {
        config_report(err, f, 0, "test.ul_probe.pusch_nof_prb", NULL, "PRBs %d..%d are outside the %d-PRB carrier",
                      u0, u1, n_rb);
        n++;
    }
    int c1 = ul_probe_pucch_prb(p, n_rb);
    int c0 = p->pucch_format == UL_PROBE_PUCCH_F2 ? (c1 == n_rb - 1 ? c1 - 1 : c1) : c1;
    if (p->pucch_format == UL_PROBE_PUCCH_F2 && c0 != c1 - 1) c1 = c0 + 1;
    if (p->pucch_format != UL_PROBE_PUCCH_NONE && (c0 < 0 || c1 >= n_rb)) {
        config_report(err, f, 0, "test.ul_probe.pucch_prb", NULL, "PUCCH PRBs %d..%d are outside the carrier", c0,
                      c1);
        n++;
    }
    if (p->pucch_format != UL_PROBE_PUCCH_NONE && p->pusch_nof_prb > 0 && overlap(u0, u1, c0, c1)) {
        config_report(err, f, 0, "test.ul_probe.pucch_prb", NULL, "PUCCH PRBs %d..%d overlap the PUSCH's %d..%d",
                      c0, c1, u0, u1);
        n++;
    }
    int r0, r1;
    if (prach_prbs(cfg, g, &r0, &r1)) {
        if (p->pusch_nof_prb > 0 && overlap(u0, u1, r0, r1)) {
            config_report(err, f, 0, "test.ul_probe.pusch_prb_start", NULL,
                          "PUSCH PRBs %d..%d overlap the PRACH's %d..%d", u0, u1, r0, r1);
            n++;
        }
        if (p->pucch_format != UL_PROBE_PUCCH_NONE && overlap(c0, c1, r0, r1)) {
            config_report(err, f, 0, "test.ul_probe.pucch_prb", NULL, "PUCCH PRBs %d..%d overlap the PRACH's %d..%d",
                          c0, c1, r0, r1);
            n++;
        }
    }
    if (sp.tdd) {
        int cycle = 10240 << g->mu;
        for (int s = p->offset; s < cycle; s += p->period)
            if (slot_pattern_ul_symbols(&sp, (uint64_t)s) != SLOT_ALL_SYMBOLS) {
                config_report(err, f, 0, "test.ul_probe.offset", NULL,
                              "probe slot %d (slot %d of the TDD period) is not wholly UL", s, s % sp.period_slots);
                n++;
                break;
            }
    }
    return n;
}
