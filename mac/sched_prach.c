/* PRACH occasions per UL slot (38.211 5.3.2 through phy/ch/prach_config.h; validity per 38.213 8.1). */
#include "mac/sched_prach.h"

#include <errno.h>
#include <string.h>

#include "mac/mac.h"

#define SUBFRAME_KAPPA 30720   /* 1 ms in kappa units (1 / 30.72 MHz) */

/* Start of carrier symbol l (0 .. 14 2^mu) of a subframe, in kappa: 2192 kappa 2^-mu per symbol plus 16 kappa
 * in the CP of the first symbol of each half subframe (38.211 5.3.1). */
static int symbol_start_kappa(int mu, int l)
{
    return l * (2192 >> mu) + 16 * ((l > 0) + (l > (7 << mu)));
}

/* Carrier symbols of slot `slot_in_subframe` that overlap [from, to] (kappa from the subframe start). */
static uint16_t covered_symbols(int mu, int slot_in_subframe, int64_t from, int64_t to)
{
    uint16_t mask = 0;
    for (int i = 0; i < 14; i++) {
        int l = slot_in_subframe * 14 + i;
        int64_t a = symbol_start_kappa(mu, l), b = symbol_start_kappa(mu, l + 1) - 1;
        if (a <= to && b >= from) mask |= (uint16_t)(1u << i);
    }
    return mask;
}

/* 38.213 8.1 for one slot the occasion touches. */
static bool valid_in_slot(const struct sched_prach *s, uint64_t slot, uint16_t covered)
{
    uint16_t ul = slot_pattern_ul_symbols(&s->pattern, slot), dl = slot_pattern_dl_symbols(&s->pattern, slot);
    if ((covered & ul) == covered) return true;
    if (covered & dl) return false;
    int first = __builtin_ctz(covered), last = 31 - __builtin_clz(covered);
    uint16_t dl_before = (uint16_t)(dl & ((1u << first) - 1));
    if (dl_before && first < (31 - __builtin_clz(dl_before)) + 1 + s->n_gap) return false;
    return (dl >> (last + 1)) == 0; /* nothing of ours (SS/PBCH block) after it in the slot */
}

static bool occasion_valid(const struct sched_prach *s, int64_t abs_start, int64_t abs_end)
{
    if (!s->pattern.tdd) return true;
    int per_sf = 1 << s->mu;
    for (int64_t k = abs_start / s->slot_kappa; k <= abs_end / s->slot_kappa; k++) {
        int64_t sf_start = (k / per_sf) * SUBFRAME_KAPPA;
        uint16_t cov = covered_symbols(s->mu, (int)(k % per_sf), abs_start - sf_start, abs_end - sf_start);
        if (cov && !valid_in_slot(s, (uint64_t)k, cov)) return false;
    }
    return true;
}

/* 38.321 5.1.3: s_id and t_id in the PRACH's numerology (mu = 0 for the long formats, 38.211 5.3.2). */
static uint16_t occasion_ra_rnti(const struct sched_prach *s, int subframe, const struct prach_time_occasion *o,
                                 int f_id)
{
    int mu_ra = prach_format_is_long(o->format) ? 0 : (s->cfg.ra_scs_khz == 30 ? 1 : 0);
    int t_id = subframe * (1 << mu_ra) + o->start_symbol / 14;
    return mac_ra_rnti(o->start_symbol % 14, t_id, f_id);
}

typedef void (*occasion_fn)(void *ctx, int64_t abs_start, int64_t abs_end, int subframe,
                            const struct prach_time_occasion *o);

/* Every occasion of absolute subframe sf_abs (counted from SFN 0 subframe 0 of the stream). */
static int for_each_occasion(const struct sched_prach *s, int64_t sf_abs, occasion_fn fn, void *ctx)
{
    struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS];
    int sfn = (int)((sf_abs / 10) % 1024), sf = (int)(sf_abs % 10);
    int n = prach_time_occasions(s->cfg.unpaired, s->cfg.config_index, s->cfg.ra_scs_khz, sfn, sf, occ);
    if (n < 0) return n;
    for (int i = 0; i < n; i++) {
        int64_t a = sf_abs * SUBFRAME_KAPPA + occ[i].t_start_kappa;
        fn(ctx, a, a + occ[i].len_kappa - 1, sf, &occ[i]);
    }
    return n;
}

struct scan_ctx {
    const struct sched_prach *s;
    int max_span, valid, bad_timing;
};

static void scan_one(void *arg, int64_t a, int64_t b, int subframe, const struct prach_time_occasion *o)
{
    struct scan_ctx *c = arg;
    int span = (int)(b / c->s->slot_kappa - a / c->s->slot_kappa) + 1;
    if (span > c->max_span) c->max_span = span;
    if (occasion_valid(c->s, a, b)) c->valid++;
    if (prach_kappa_to_samples(a % c->s->slot_kappa, c->s->cfg.sample_rate_hz) < 0) c->bad_timing++;
}

int sched_prach_init(struct sched_prach *s, const struct sched_prach_config *cfg, const struct slot_pattern *pattern)
{
    memset(s, 0, sizeof *s);
    if (cfg->scs_khz != 15 && cfg->scs_khz != 30) return -EINVAL;
    if (cfg->msg1_fdm != 1 && cfg->msg1_fdm != 2 && cfg->msg1_fdm != 4 && cfg->msg1_fdm != 8) return -EINVAL;
    const struct prach_config_row *row = prach_config_row(cfg->unpaired, cfg->config_index);
    if (!row) return -EINVAL;
    s->cfg = *cfg;
    s->pattern = *pattern;
    s->mu = cfg->scs_khz == 30 ? 1 : 0;
    s->slot_kappa = SUBFRAME_KAPPA >> s->mu;
    s->n_gap = prach_format_is_long((enum prach_format)row->format) ? 0 : 2;
    /* 16 frames cover every n_f mod x = y condition of the tables (x <= 16). */
    struct scan_ctx c = {.s = s};
    for (int64_t sf = 0; sf < 160; sf++) {
        int rc = for_each_occasion(s, sf, scan_one, &c);
        if (rc < 0) return rc;
    }
    if (c.valid == 0 || c.bad_timing) return -EINVAL;
    s->max_span_subframes = (c.max_span + (1 << s->mu) - 1) / (1 << s->mu) + 1;
    return 0;
}

int sched_prach_history_slots(const struct sched_prach *s)
{
    return s->max_span_subframes * (1 << s->mu);
}

struct slot_ctx {
    const struct sched_prach *s;
    uint64_t slot;
    struct ul_prach_occasion *out;
    int max, n;
};

static void slot_one(void *arg, int64_t a, int64_t b, int subframe, const struct prach_time_occasion *o)
{
    struct slot_ctx *c = arg;
    const struct sched_prach *s = c->s;
    if ((uint64_t)(b / s->slot_kappa) != c->slot || !occasion_valid(s, a, b)) return;
    int64_t start_slot = a / s->slot_kappa;
    int start_sample = prach_kappa_to_samples(a - start_slot * s->slot_kappa, s->cfg.sample_rate_hz);
    if (start_sample < 0) return; /* init checked every occasion's timing against the rate */
    for (int f = 0; f < s->cfg.msg1_fdm && c->n < c->max; f++)
        c->out[c->n++] = (struct ul_prach_occasion){.start_slot_offset = (int)((int64_t)c->slot - start_slot),
                                                    .start_sample = start_sample, .fdm_index = f,
                                                    .ra_rnti = occasion_ra_rnti(s, subframe, o, f), .time = *o};
}

int sched_prach_slot(const struct sched_prach *s, uint64_t slot, struct ul_prach_occasion *out, int max)
{
    struct slot_ctx c = {.s = s, .slot = slot, .out = out, .max = max};
    int64_t sf_now = (int64_t)(slot >> s->mu);
    for (int64_t sf = sf_now - s->max_span_subframes; sf <= sf_now; sf++)
        if (sf >= 0) for_each_occasion(s, sf, slot_one, &c);
    return c.n;
}

struct cover_ctx {
    const struct sched_prach *s;
    uint64_t slot;
    bool covered;
};

static void cover_one(void *arg, int64_t a, int64_t b, int subframe, const struct prach_time_occasion *o)
{
    struct cover_ctx *c = arg;
    (void)subframe;
    (void)o;
    int64_t k = (int64_t)c->slot;
    if (!c->covered && a / c->s->slot_kappa <= k && k <= b / c->s->slot_kappa && occasion_valid(c->s, a, b))
        c->covered = true;
}

bool sched_prach_slot_covered(const struct sched_prach *s, uint64_t slot)
{
    struct cover_ctx c = {.s = s, .slot = slot};
    int64_t sf_now = (int64_t)(slot >> s->mu);
    /* An occasion starts in its subframe or later and spans at most max_span_subframes. */
    for (int64_t sf = sf_now - s->max_span_subframes; sf <= sf_now && !c.covered; sf++)
        if (sf >= 0) for_each_occasion(s, sf, cover_one, &c);
    return c.covered;
}
