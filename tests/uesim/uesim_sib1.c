/* uesim: a decoded SIB1's fields as printed, and the --expect-sib1 checks. See uesim.h. */
#include "tests/uesim/uesim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The names uesim_sib1_fields() gives, in its order (38.331 SIB1 fields, shortened). */
static const char *const sib1_names[] = {
    "plmn", "tac", "cell_id", "prach_config_index", "q_rx_lev_min", "band", "offset_to_point_a", "scs",
    "carrier_prb", "coreset0", "ss0", "ssb_period", "ss_pbch_power", "msg1_fdm", "msg1_freq_start", "zczc",
    "preamble_power", "ra_window", "tdd",
};
#define SIB1_NAMES ((int)(sizeof sib1_names / sizeof sib1_names[0]))

/* MCC-MNC as digits (e.g. 001-01), or "none". */
static void sib1_plmn(const struct rrc_sib1 *s, char *out, size_t len)
{
    snprintf(out, len, "none");
    if (s->nof_plmn_info < 1 || s->plmn_info[0].nof_plmn < 1 || !s->plmn_info[0].plmn[0].has_mcc)
        return;
    const struct rrc_plmn_identity *p = &s->plmn_info[0].plmn[0];
    char mnc[4] = "";
    for (int d = 0; d < p->mnc_len && d < 3; d++)
        mnc[d] = (char)('0' + p->mnc[d] % 10);
    snprintf(out, len, "%d%d%d-%s", p->mcc[0] % 10, p->mcc[1] % 10, p->mcc[2] % 10, mnc);
}

/* TDD-UL-DL-ConfigCommon pattern1 as period/DL slots/DL symbols/UL slots/UL symbols, or "none". */
static void sib1_tdd(const struct rrc_serving_cell_config_common_sib *sc, char *out, size_t len)
{
    const struct rrc_tdd_pattern *t = &sc->tdd.pattern1;
    if (!sc->has_tdd)
        snprintf(out, len, "none");
    else
        snprintf(out, len, "%dus/%d/%d/%d/%d", t->period_us, t->dl_slots, t->dl_symbols, t->ul_slots,
                 t->ul_symbols);
}

int uesim_sib1_fields(const struct rrc_sib1 *s, struct uesim_field *f, int max)
{
    const struct rrc_serving_cell_config_common_sib *sc = &s->serving_cell_config_common;
    const struct rrc_dl_config_common_sib *dl = &sc->dl;
    const struct rrc_pdcch_config_common *pd = &dl->initial_bwp.pdcch;
    const struct rrc_rach_config_common *ra = &sc->ul.initial_bwp.rach;
    const struct rrc_plmn_identity_info *pi = &s->plmn_info[0];
    bool has_sc = s->has_serving_cell_config_common, has_ra = has_sc && sc->has_ul;
    long long v[SIB1_NAMES] = {
        0, pi->has_tac ? (long long)pi->tac : -1, (long long)pi->cell_identity,
        has_ra ? ra->generic.prach_config_index : -1,
        s->has_cell_selection_info ? s->cell_selection_info.q_rx_lev_min : 0,
        has_sc && dl->bands.n > 0 ? dl->bands.band[0] : -1, has_sc ? dl->offset_to_point_a : -1,
        has_sc && dl->nof_scs > 0 ? dl->scs[0].scs_khz : -1,
        has_sc && dl->nof_scs > 0 ? dl->scs[0].carrier_bandwidth : -1,
        has_sc && pd->has_coreset_zero ? pd->coreset_zero : -1, has_sc && pd->has_ss_zero ? pd->ss_zero : -1,
        has_sc ? sc->ssb_periodicity_ms : -1,
        has_sc ? sc->ss_pbch_block_power : 0, has_ra ? ra->generic.msg1_fdm : -1,
        has_ra ? ra->generic.msg1_frequency_start : -1, has_ra ? ra->generic.zero_correlation_zone_config : -1,
        has_ra ? ra->generic.preamble_received_target_power : 0, has_ra ? ra->generic.ra_response_window : -1, 0,
    };
    int n = 0;
    for (int i = 0; i < SIB1_NAMES && n < max; i++, n++) {
        f[n].name = sib1_names[i];
        if (i == 0)
            sib1_plmn(s, f[n].value, sizeof f[n].value);
        else if (i == SIB1_NAMES - 1)
            sib1_tdd(sc, f[n].value, sizeof f[n].value);
        else
            snprintf(f[n].value, sizeof f[n].value, "%lld", v[i]);
    }
    return n;
}

static int expect_sib1_pair(void *ctx, const char *key, const char *val)
{
    struct uesim_expect_sib1 *e = ctx;
    int k = 0;
    while (k < SIB1_NAMES && strcmp(sib1_names[k], key) != 0)
        k++;
    if (k == SIB1_NAMES || e->n == UESIM_SIB1_MAX_FIELDS || strlen(val) >= sizeof e->f[0].value)
        return -EINVAL;
    e->f[e->n].name = sib1_names[k];
    snprintf(e->f[e->n].value, sizeof e->f[0].value, "%s", val);
    e->n++;
    return 0;
}

int uesim_parse_expect_sib1(const char *text, struct uesim_expect_sib1 *e)
{
    memset(e, 0, sizeof(*e));
    return uesim_parse_pairs(text, expect_sib1_pair, e);
}

bool uesim_sib1_matches(const struct uesim_expect_sib1 *e, const struct rrc_sib1 *s, char *why, int len)
{
    struct uesim_field f[UESIM_SIB1_MAX_FIELDS];
    int n = uesim_sib1_fields(s, f, UESIM_SIB1_MAX_FIELDS);
    for (int i = 0; i < e->n; i++)
        for (int k = 0; k < n; k++)
            if (strcmp(f[k].name, e->f[i].name) == 0 && strcmp(f[k].value, e->f[i].value) != 0) {
                snprintf(why, (size_t)len, "SIB1 %s is %s, expected %s", f[k].name, f[k].value, e->f[i].value);
                return false;
            }
    return true;
}
