/* SIB1 broadcast planning (see sched_sib1.h). */
#include "mac/sched_sib1.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "phy/fec/tbs.h"

#define SSB_PATTERN_FRAMES 16   /* 160 ms: the longest ssb-periodicityServingCell, so the pattern repeats */

/* 38.213 Table 10.1-1: candidates of the Type0-PDCCH CSS per aggregation level (AL16 left out: srsUE). */
static int ss0_candidates(int al) { return al == 4 ? 4 : al == 8 ? 2 : 0; }

__attribute__((format(printf, 5, 6)))
static int fail(const char **key, const char *k, char *why, size_t len, const char *fmt, ...)
{
    if (key) *key = k;
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

unsigned sched_sib1_ssb_symbols(const struct ssb_burst_config *burst, int sfn_parity, int slot)
{
    unsigned mask = 0;
    for (int sfn = sfn_parity & 1; sfn < SSB_PATTERN_FRAMES; sfn += 2) {
        struct ssb_occasion o[SSB_MAX_PER_SLOT];
        int n = ssb_slot_symbols(burst, sfn, slot, o);
        for (int i = 0; i < n; i++) mask |= 0xFu << o[i].first_symbol;   /* 4 symbols per block */
    }
    return mask & 0x3FFFu;
}

static unsigned symbol_span(int first, int count) { return ((1u << count) - 1u) << first; }

void sched_ssb_crbs(int first_sc, int *lo, int *hi)
{
    *lo = first_sc / 12;
    *hi = (first_sc + SSB_NUM_SUBCARRIERS - 1) / 12;
}

/* The longest type-A row of default table A (38.214 Table 5.1.2.1.1-2) that starts after CORESET#0 (the earliest
 * start among equally long ones). */
static int pick_tdra(int first_free_symbol, int dmrs_pos, struct pdsch_time_alloc *best)
{
    int row = -1;
    for (int m = 0; m < 16; m++) {
        struct pdsch_time_alloc ta;
        if (pdsch_tdra_default_a(m, dmrs_pos, &ta) < 0 || ta.mapping != PDSCH_MAPPING_TYPE_A) continue;
        if (ta.start_symbol < first_free_symbol) continue;
        if (row < 0 || ta.nof_symbols > best->nof_symbols ||
            (ta.nof_symbols == best->nof_symbols && ta.start_symbol < best->start_symbol)) {
            row = m;
            *best = ta;
        }
    }
    return row;
}

/* The first SS#0 candidate at the plan's AL whose CCEs stay clear of the SSB REs of the slot. */
static int pick_cce(const struct sched_sib1_config *cfg, struct sched_sib1_plan *p, unsigned ssb_syms)
{
    const struct pdcch_coreset *cs = &p->coreset;
    int first[PDCCH_MAX_CANDIDATES], lo, hi;
    int n = pdcch_candidates(pdcch_nof_cce(cs), p->al, ss0_candidates(p->al), 0, 0, first);
    bool same_time = (ssb_syms & symbol_span(cs->start_symbol, cs->nof_symbols)) != 0;
    sched_ssb_crbs(cfg->geo.ssb_first_subcarrier, &lo, &hi);
    for (int c = 0; c < n; c++) {
        uint8_t used[PDCCH_MAX_RB];
        if (pdcch_cce_rbs(cs, first[c], p->al, used) < 0) continue;
        bool hit = false;
        for (int rb = 0; same_time && rb < cs->nof_rb && !hit; rb++)
            hit = used[rb] && cs->crb_start + rb >= lo && cs->crb_start + rb <= hi;
        if (!hit) return first[c];
    }
    return -1;
}

/* The widest run of CORESET#0 RBs (counted from its lowest RB) the PDSCH may use: all of them, or those on one
 * side of the SS/PBCH block when it shares the PDSCH's symbols. */
static void free_rbs(const struct sched_sib1_config *cfg, const struct sched_sib1_plan *p, unsigned ssb_syms,
                     int *start, int *len)
{
    const struct pdcch_coreset *cs = &p->coreset;
    *start = 0;
    *len = cs->nof_rb;
    if (!(ssb_syms & symbol_span(p->grant.start_symbol, p->grant.nof_symbols))) return;
    int lo, hi;
    sched_ssb_crbs(cfg->geo.ssb_first_subcarrier, &lo, &hi);
    int below = lo - cs->crb_start, above = cs->crb_start + cs->nof_rb - 1 - hi;
    below = below < 0 ? 0 : below > cs->nof_rb ? cs->nof_rb : below;
    above = above < 0 ? 0 : above > cs->nof_rb ? cs->nof_rb : above;
    if (below >= above) {
        *len = below;
    } else {
        *start = cs->nof_rb - above;
        *len = above;
    }
}

/* The smallest PRB count (within max_rb) whose TBS holds the SIB1, from the preferred MCS up to 9. */
static int size_pdsch(const struct sched_sib1_config *cfg, struct sched_sib1_plan *p, int max_rb)
{
    p->grant.nof_rb = 1;
    int n_dmrs_prb = pdsch_n_dmrs_prb(&p->grant);
    if (n_dmrs_prb < 0) return n_dmrs_prb;
    for (int mcs = cfg->mcs; mcs <= SCHED_SIB1_MAX_MCS; mcs++) {
        struct tbs_mcs row;
        if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, mcs, &row) < 0 || row.qm > 2) return -EINVAL;
        for (int n = 1; n <= max_rb; n++) {
            struct tbs_cfg t = {.n_prb = n, .n_symb_sh = p->grant.nof_symbols, .n_dmrs_prb = n_dmrs_prb,
                                .layers = 1, .qm = row.qm, .r_x1024 = row.r_x1024};
            int tbs = tbs_compute(&t);
            if (tbs >= 8 * cfg->sib1_len) {
                p->mcs = mcs;
                p->tbs = tbs;
                p->grant.nof_rb = n;
                p->dlsch = (struct dlsch_cfg){.tbs = tbs, .r = row.r_x1024 / 1024.0, .qm = row.qm, .n_layers = 1};
                return 0;
            }
        }
    }
    return -ENOSPC;
}

/* Everything but the slot-dependent checks: CORESET#0 at the occasion, the time allocation, the grant skeleton. */
static int plan_common(const struct sched_sib1_config *cfg, const struct type0_occasion *occ,
                       struct sched_sib1_plan *p, const char **key, char *why, size_t len)
{
    const struct cell_geometry *g = &cfg->geo;
    if (pdcch_coreset0(&p->coreset, g->coreset0_crb_start, g->coreset0.nof_rb, g->coreset0.nof_symb,
                       occ->first_symbol, (uint16_t)cfg->pci) < 0)
        return fail(key, "searchspace0_index", why, len, "CORESET#0 (%d RB x %d symbols) cannot start at symbol %d",
                    g->coreset0.nof_rb, g->coreset0.nof_symb, occ->first_symbol);
    int s = occ->first_symbol + g->coreset0.nof_symb;
    struct pdsch_time_alloc ta;
    p->tdra_row = pick_tdra(s, g->dmrs_type_a_position, &ta);
    if (p->tdra_row < 0)
        return fail(key, "searchspace0_index", why, len, "CORESET#0 takes symbols %d..%d and no mapping type A row"
                    " of default table A (38.214 Table 5.1.2.1.1-2) starts at symbol %d or later with"
                    " dmrs-TypeA-Position pos%d, so the SIB1 PDSCH has no place", occ->first_symbol, s - 1, s,
                    g->dmrs_type_a_position);
    p->grant = (struct pdsch_grant){.rnti = SCHED_SI_RNTI, .n_id = (uint16_t)cfg->pci, .modulation = MODULATION_QPSK,
                                    .nof_layers = 1, .mapping = PDSCH_MAPPING_TYPE_A,
                                    .start_symbol = ta.start_symbol, .nof_symbols = ta.nof_symbols};
    pdsch_dmrs_dci_1_0(&p->grant.dmrs, g->dmrs_type_a_position, ta.nof_symbols, (uint16_t)cfg->pci,
                       g->coreset0_crb_start);
    return 0;
}

/* Places PDCCH and PDSCH in one occasion slot. 0, -EBUSY (the SSB leaves no PDCCH candidate), -ENOSPC, or
 * -EAGAIN (not a full DL slot of the TDD pattern). */
static int plan_slot(const struct sched_sib1_config *cfg, struct sched_sib1_plan *p, int parity, int slot)
{
    if (cfg->tdd_period_slots > 0 && slot % cfg->tdd_period_slots >= cfg->tdd_dl_slots) return -EAGAIN;
    unsigned ssb = sched_sib1_ssb_symbols(&cfg->burst, parity, slot);
    p->sfn_parity = parity;
    p->slot = slot;
    p->ssb_in_slot = ssb != 0;
    p->first_cce = pick_cce(cfg, p, ssb);
    if (p->first_cce < 0) return -EBUSY;
    int start, len;
    free_rbs(cfg, p, ssb, &start, &len);
    p->grant.crb_start = p->coreset.crb_start + start;
    return len > 0 ? size_pdsch(cfg, p, len) : -ENOSPC;
}

static int fill_dci(struct sched_sib1_plan *p)
{
    int n = p->coreset.nof_rb;
    int riv = dci_riv_encode(n, p->grant.crb_start - p->coreset.crb_start, p->grant.nof_rb);
    if (riv < 0) return riv;
    p->dci = (struct dci_1_0){.rnti_type = DCI_RNTI_SI, .frequency_domain_assignment = (uint32_t)riv,
                              .time_domain_assignment = (uint32_t)p->tdra_row, .vrb_to_prb_mapping = 0,
                              .mcs = (uint32_t)p->mcs, .rv = 0, .system_information_indicator = 0};
    p->dci_len = dci_1_0_pack(&p->dci, n, p->dci_bits, DCI_1_0_MAX_BITS);
    if (p->dci_len < 0) return p->dci_len;
    p->g = pdsch_nof_bits(&p->grant);
    if (p->g <= 0) return -EINVAL;
    p->dlsch.g = p->g;
    p->dlsch.rv = 0;
    return 0;
}

static int check_input(const struct sched_sib1_config *cfg, const char **key, char *why, size_t len)
{
    if (cfg->sib1_len < 1 || cfg->sib1_len > SCHED_SIB1_MAX_BYTES)
        return fail(key, "sib1", why, len, "a SIB1 of %d bytes (allowed: 1..%d, 38.331 5.2.1)", cfg->sib1_len,
                    SCHED_SIB1_MAX_BYTES);
    if (cfg->mcs < 0 || cfg->mcs > SCHED_SIB1_MAX_MCS)
        return fail(key, "mcs", why, len, "SIB1 MCS %d (allowed: 0..9, QPSK rows for SI-RNTI)", cfg->mcs);
    if (cfg->al != 4 && cfg->al != 8)
        return fail(key, "al", why, len, "aggregation level %d (allowed: 4, 8 in SS#0)", cfg->al);
    if (cfg->geo.ssb_first_subcarrier < 0 || cfg->geo.coreset0_crb_start < 0 || cfg->burst.scs_khz != cfg->geo.scs_khz)
        return fail(key, "scs_khz", why, len, "SIB1 scheduling needs the SS/PBCH block on the carrier's SCS");
    if (cfg->tdd_period_slots < 0 || (cfg->tdd_period_slots > 0 && ((10 << cfg->geo.mu) % cfg->tdd_period_slots ||
                                                                     cfg->tdd_dl_slots < 1)))
        return fail(key, "tdd", why, len, "a TDD period of %d slots with %d DL slots", cfg->tdd_period_slots,
                    cfg->tdd_dl_slots);
    if (!cfg->burst.positions_in_burst)
        return fail(key, "ssb", why, len, "no SS/PBCH block is sent, so there is no Type0-PDCCH occasion");
    return 0;
}

int sched_sib1_plan(const struct sched_sib1_config *cfg, struct sched_sib1_plan *plan, const char **key, char *why,
                    size_t why_len)
{
    int rc = check_input(cfg, key, why, why_len);
    if (rc < 0) return rc;
    const struct cell_geometry *g = &cfg->geo;
    struct type0_occasion occ;
    int ssb_index = __builtin_ctz(cfg->burst.positions_in_burst);
    if (cell_geometry_type0_occasion(g, ssb_index, &occ) < 0)
        return fail(key, "searchspace0_index", why, why_len, "no Type0-PDCCH occasion for SS/PBCH block %d",
                    ssb_index);
    if (g->srsue_compatible && occ.first_symbol != 0)
        return fail(key, "searchspace0_index", why, why_len, "%d puts the Type0-PDCCH occasion at symbol %d; srsUE"
                    " monitors CORESET#0 from symbol 0 only (allowed with srsue_compatible: 0..9)",
                    g->searchspace0_index, occ.first_symbol);
    memset(plan, 0, sizeof *plan);
    plan->al = cfg->al;
    rc = plan_common(cfg, &occ, plan, key, why, why_len);
    if (rc < 0) return rc;
    /* The two occasion slots n0 and n0 + 1 (which may be slot 0 of the next frame), SSB-free ones first. */
    int slots = 10 << g->mu, at[2], order[2] = {0, 1};
    for (int i = 0; i < 2; i++) at[i] = (occ.sfn_parity * slots + occ.n0 + i) % (2 * slots);
    if (sched_sib1_ssb_symbols(&cfg->burst, at[0] / slots, at[0] % slots) &&
        !sched_sib1_ssb_symbols(&cfg->burst, at[1] / slots, at[1] % slots)) {
        order[0] = 1;
        order[1] = 0;
    }
    int last = -ENOSPC;
    for (int i = 0; i < 2; i++) {
        struct sched_sib1_plan p = *plan;
        last = plan_slot(cfg, &p, at[order[i]] / slots, at[order[i]] % slots);
        if (last == 0) {
            *plan = p;
            return fill_dci(plan) < 0 ? fail(key, "sib1", why, why_len, "the SIB1 DCI cannot be packed") : 0;
        }
    }
    if (last == -EAGAIN)
        return fail(key, "searchspace0_index", why, why_len, "%d: neither Type0-PDCCH slot (%d, %d) is a full DL slot"
                    " of the TDD pattern", g->searchspace0_index, at[0] % slots, at[1] % slots);
    if (last == -EBUSY)
        return fail(key, "coreset0_index", why, why_len, "every AL%d candidate of SS#0 overlaps the SS/PBCH block in"
                    " both Type0-PDCCH slots", cfg->al);
    return fail(key, "sib1", why, why_len, "a SIB1 of %d bytes does not fit in CORESET#0's %d RB clear of the SS/PBCH"
                " block at MCS %d..9 with %d PDSCH symbols", cfg->sib1_len, g->coreset0.nof_rb, cfg->mcs,
                plan->grant.nof_symbols);
}

int sched_sib1_tb(const struct sched_sib1_plan *plan, const uint8_t *sib1, size_t sib1_len, uint8_t *tb,
                  size_t tb_cap)
{
    size_t n = (size_t)plan->tbs / 8;
    if (sib1_len > n || tb_cap < n) return -EINVAL;
    memcpy(tb, sib1, sib1_len);
    memset(tb + sib1_len, 0, n - sib1_len);
    return 0;
}

bool sched_sib1_due(const struct sched_sib1_plan *plan, int sfn, int slot)
{
    return (sfn & 1) == plan->sfn_parity && slot == plan->slot;
}
