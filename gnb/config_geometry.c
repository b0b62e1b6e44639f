/* Cell-geometry adapter for the configuration (see config_geometry.h). */
#include "gnb/config_geometry.h"
#include "gnb/ul_probe_config.h"

#include <string.h>

#include "gnb/broadcast.h"

void config_geometry_input(const struct cell_config *c, struct cell_geometry_input *in)
{
    *in = (struct cell_geometry_input){
        .band = c->band,
        .dl_arfcn = c->dl_arfcn,
        .ssb_arfcn = c->ssb_arfcn,
        .scs_khz = c->scs_khz,
        .ssb_scs_khz = 0,   /* no key: the band's SSB SCS matching the carrier, else its lowest */
        .bandwidth_mhz = c->bandwidth_mhz,
        .nof_prb = config_nof_prb(c->bandwidth_mhz, c->scs_khz),
        .coreset0_index = c->coreset0_index,
        .searchspace0_index = c->searchspace0_index,
        .dmrs_type_a_position = c->dmrs_type_a_position,
        .srsue_compatible = c->srsue_compatible,
    };
}

/* Errors that config_cross_check() reports itself (gnb/config_table.c: key ranges, N_RB per bandwidth, duplex
 * vs band, srsUE's SCS / duplex / bandwidth / DMRS limits): repeating them would print each problem twice. A
 * band unknown to the geometry table is still reported here, since nothing else would say so. */
static bool reported_by_config(const struct cell_geometry_error *e, const struct gnbd_config *cfg)
{
    static const char *const keys[] = {"scs_khz", "bandwidth_mhz", "nof_prb", "dmrs_type_a_position"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(e->key, keys[i]) == 0)
            return true;
    return strcmp(e->key, "band") == 0 && band_find(cfg->cell.band) != NULL;
}

int config_geometry_check(const struct gnbd_config *cfg, FILE *err)
{
    struct cell_geometry_input in;
    struct cell_geometry g;
    struct cell_geometry_errors errs;
    config_geometry_input(&cfg->cell, &in);
    if (cell_geometry_derive(&in, &g, &errs) == 0) {
        int n = broadcast_check(cfg, &g, err);   /* SIB1 scheduling (gnb/broadcast.h) */
        return n ? n : ul_probe_config_check(cfg, &g, err); /* PRACH occasions, the UL probe */
    }
    int n = 0, stored = errs.count < CELL_GEOMETRY_MAX_ERRORS ? errs.count : CELL_GEOMETRY_MAX_ERRORS;
    for (int i = 0; i < stored; i++) {
        const struct cell_geometry_error *e = &errs.e[i];
        if (reported_by_config(e, cfg))
            continue;
        char key[64];
        snprintf(key, sizeof(key), "cell.%s", e->key);
        config_report(err, cfg->path, 0, key, e->allowed[0] ? e->allowed : NULL, "%s", e->msg);
        n++;
    }
    if (errs.count > stored) {
        config_report(err, cfg->path, 0, "cell", NULL, "%d more cell geometry errors", errs.count - stored);
        n += errs.count - stored;
    }
    return n;
}

static void print_ssb(FILE *out, const struct cell_geometry *g)
{
    struct type0_occasion occ;
    fprintf(out, "#   SS/PBCH block: NR-ARFCN %u (%s), GSCN %d, SS_REF %.3f MHz (%+.1f kHz from the DL centre),"
            " %d kHz Case %s, L_max %d\n", g->ssb_arfcn, g->ssb_derived ? "derived" : "configured", g->gscn,
            g->ssb_freq_hz / 1e6, g->ssb_offset_from_dc_hz / 1e3, g->ssb_scs_khz,
            band_ssb_pattern_name(g->ssb_pattern), g->ssb_l_max);
    fprintf(out, "#   offsetToPointA %d, k_SSB %d (MIB ssb-SubcarrierOffset %d, PBCH MSB %d)\n",
            g->offset_to_point_a, g->k_ssb, g->mib_ssb_subcarrier_offset, g->pbch_k_ssb_msb);
    fprintf(out, "#   CORESET#0: index %d = %d RB x %d symbol(s), offset %d RB -> CRB %d..%d\n", g->coreset0_index,
            g->coreset0.nof_rb, g->coreset0.nof_symb, g->coreset0.offset_rb, g->coreset0_crb_start,
            g->coreset0_crb_start + g->coreset0.nof_rb - 1);
    if (cell_geometry_type0_occasion(g, 0, &occ) == 0)
        fprintf(out, "#   searchSpaceZero: index %d; SS/PBCH block 0 -> slots %d and %d of %s frames, first symbol %d"
                " (MIB pdcch-ConfigSIB1 %d)\n", g->searchspace0_index, occ.n0, occ.n0 + 1,
                occ.sfn_parity ? "odd" : "even", occ.first_symbol, g->mib_pdcch_config_sib1);
}

void config_geometry_print(const struct gnbd_config *cfg, FILE *out)
{
    struct cell_geometry_input in;
    struct cell_geometry g;
    config_geometry_input(&cfg->cell, &in);
    if (cell_geometry_derive(&in, &g, NULL) < 0) {
        fprintf(out, "# derived cell geometry: none, the cell is invalid (see gnbd --check-config)\n");
        return;
    }
    fprintf(out, "# derived cell geometry (computed from the keys above; not keys themselves)\n");
    fprintf(out, "#   carrier: %d PRB at %d kHz, %s, DL %.3f MHz (NR-ARFCN %u), UL %.3f MHz (NR-ARFCN %u)\n",
            g.nof_prb, g.scs_khz, g.duplex == BAND_DUPLEX_FDD ? "FDD" : "TDD", g.dl_freq_hz / 1e6, g.dl_arfcn,
            g.ul_freq_hz / 1e6, g.ul_arfcn);
    fprintf(out, "#   point A: DL %.3f MHz (absoluteFrequencyPointA %u), UL %.3f MHz (%u)\n", g.dl_point_a_hz / 1e6,
            g.dl_point_a_arfcn, g.ul_point_a_hz / 1e6, g.ul_point_a_arfcn);
    print_ssb(out, &g);
    broadcast_print(cfg, &g, out);
    /* The settings srsUE (or the UE simulator, which takes the same facts) needs to search this cell; printed for
     * every cell srsUE can search (15 kHz FDD, <= 106 PRB) even when other srsUE limits were switched off. */
    if (g.srsue_srate_hz <= 0 || g.scs_khz != 15 || g.duplex != BAND_DUPLEX_FDD)
        return;
    double rate = config_sample_rate(cfg);
    fprintf(out, "#   srsUE: [rat.nr] dl_nr_arfcn = %u, ssb_nr_arfcn = %u, nof_prb = %d, max_nof_prb = %d;"
            " [rf] srate = %ge6, device_args base_srate=%ge6%s\n", g.dl_arfcn, g.ssb_arfcn, g.nof_prb, g.nof_prb,
            g.srsue_srate_hz / 1e6, rate / 1e6,
            g.srsue_compatible ? "" : " (srsue_compatible = false: srsUE may find the cell but not attach)");
}

static const struct config_geometry_hook geometry_hook = {config_geometry_check, config_geometry_print};

void config_geometry_register(void) { config_set_geometry_hook(&geometry_hook); }
