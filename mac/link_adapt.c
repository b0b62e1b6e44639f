/* Link adaptation (outer loop on HARQ outcomes over a PUSCH SNR estimate). See link_adapt.h. */
#include "mac/link_adapt.h"

#include <errno.h>
#include <math.h>

#define SNR_FILTER 0.25f   /* weight of a new PUSCH SNR measurement */
#define SHANNON_EFF 0.75   /* bandwidth-efficiency factor of the required-SNR formula */

/* 38.214 5.1.3.1: the last row carrying data (the rows after it are reserved for retransmissions). */
static int last_data_row(enum tbs_mcs_table t)
{
    return t == TBS_MCS_TABLE_256QAM ? 27 : t == TBS_MCS_TABLE_64QAM ? 28 : -1;
}

void link_adapt_config_default(struct link_adapt_config *c)
{
    *c = (struct link_adapt_config){.dl_table = TBS_MCS_TABLE_64QAM, .dl_mcs_max = 28, .ul_mcs_max = 28,
                                    .fixed_dl_mcs = -1, .fixed_ul_mcs = -1, .dl_mcs_start = 2, .ul_mcs_start = 4,
                                    .target_bler = 0.1f, .step_db = 1.0f, .dl_start_offset_db = -3.0f,
                                    .offset_min_db = -20.0f, .offset_max_db = 10.0f};
}

float link_adapt_required_snr_db(enum tbs_mcs_table t, int mcs)
{
    struct tbs_mcs row;
    if (tbs_mcs_lookup(t, mcs, &row) < 0 || row.reserved) return INFINITY;
    double se = row.qm * row.r_x1024 / 1024.0; /* bits per RE */
    return (float)(10.0 * log10(pow(2.0, se / SHANNON_EFF) - 1.0));
}

static bool mcs_ok(enum tbs_mcs_table t, int mcs, bool allow_none)
{
    return (allow_none && mcs == -1) || (mcs >= 0 && mcs <= last_data_row(t));
}

int link_adapt_init(struct link_adapt *la, const struct link_adapt_config *c)
{
    const enum tbs_mcs_table ul = TBS_MCS_TABLE_64QAM;
    if (last_data_row(c->dl_table) < 0 || !mcs_ok(c->dl_table, c->dl_mcs_max, false) ||
        !mcs_ok(ul, c->ul_mcs_max, false) || !mcs_ok(c->dl_table, c->fixed_dl_mcs, true) ||
        !mcs_ok(ul, c->fixed_ul_mcs, true) || !mcs_ok(c->dl_table, c->dl_mcs_start, false) ||
        !mcs_ok(ul, c->ul_mcs_start, false) || !(c->target_bler >= 0.01f && c->target_bler <= 0.5f) ||
        !(c->step_db > 0 && c->step_db <= 10) || !(c->offset_min_db <= 0 && c->offset_max_db >= 0) ||
        !(c->dl_start_offset_db >= c->offset_min_db && c->dl_start_offset_db <= c->offset_max_db))
        return -EINVAL;
    la->cfg = *c;
    la->up_db = c->step_db * c->target_bler / (1.0f - c->target_bler);
    for (int m = 0; m < LINK_ADAPT_ROWS; m++) {
        la->snr_req[0][m] = link_adapt_required_snr_db(TBS_MCS_TABLE_64QAM, m);
        la->snr_req[1][m] = link_adapt_required_snr_db(TBS_MCS_TABLE_256QAM, m);
    }
    return 0;
}

int link_adapt_mcs_for_snr(const struct link_adapt *la, enum tbs_mcs_table t, float snr_db, int mcs_max)
{
    const float *req = la->snr_req[t == TBS_MCS_TABLE_256QAM];
    int best = 0;
    if (mcs_max > last_data_row(t)) mcs_max = last_data_row(t);
    for (int m = 0; m <= mcs_max; m++) /* (rows 16/17 of Table 5.1.3.1-1 are not in SE order: the highest wins) */
        if (req[m] <= snr_db + 1e-3f) best = m;
    return best;
}

void link_adapt_ue_reset(const struct link_adapt *la, struct link_adapt_ue *s)
{
    *s = (struct link_adapt_ue){.dl_table = la->cfg.dl_table, .dl = {.offset_db = la->cfg.dl_start_offset_db, .last_mcs = -1},
                                .ul = {.offset_db = 0, .last_mcs = -1}};
}

void link_adapt_ul_snr(struct link_adapt_ue *s, float snr_db)
{
    if (!isfinite(snr_db)) return;
    if (snr_db < LINK_ADAPT_SNR_MIN_DB) snr_db = LINK_ADAPT_SNR_MIN_DB;
    if (snr_db > LINK_ADAPT_SNR_MAX_DB) snr_db = LINK_ADAPT_SNR_MAX_DB;
    s->snr_db = s->snr_valid ? s->snr_db + SNR_FILTER * (snr_db - s->snr_db) : snr_db;
    s->snr_valid = true;
}

/* OLLA: down by step_db on a failure, up by up_db on a success, within the bounds. */
static void olla(const struct link_adapt *la, struct link_adapt_dir *d, bool ok)
{
    d->offset_db += ok ? la->up_db : -la->cfg.step_db;
    if (d->offset_db < la->cfg.offset_min_db) d->offset_db = la->cfg.offset_min_db;
    if (d->offset_db > la->cfg.offset_max_db) d->offset_db = la->cfg.offset_max_db;
    if (ok) d->ok++;
    else d->ko++;
}

void link_adapt_dl_result(const struct link_adapt *la, struct link_adapt_ue *s, bool ack) { olla(la, &s->dl, ack); }
void link_adapt_ul_result(const struct link_adapt *la, struct link_adapt_ue *s, bool ok) { olla(la, &s->ul, ok); }

/* Before any SNR: the start row's required SNR moved by what the loop did since its start value. */
static int choose(const struct link_adapt *la, const struct link_adapt_ue *s, struct link_adapt_dir *d,
                  enum tbs_mcs_table t, enum tbs_mcs_table start_t, int fixed, int start, float start_offset, int max)
{
    int last = last_data_row(t);
    if (fixed >= 0) return d->last_mcs = fixed < last ? fixed : last;
    if (max > last) max = last;
    float eff = s->snr_valid ? s->snr_db + d->offset_db
                             : la->snr_req[start_t == TBS_MCS_TABLE_256QAM][start] + d->offset_db - start_offset;
    return d->last_mcs = link_adapt_mcs_for_snr(la, t, eff, max);
}

int link_adapt_dl_mcs(const struct link_adapt *la, struct link_adapt_ue *s)
{
    const struct link_adapt_config *c = &la->cfg;
    return choose(la, s, &s->dl, s->dl_table, c->dl_table, c->fixed_dl_mcs, c->dl_mcs_start, c->dl_start_offset_db,
                  c->dl_mcs_max);
}

int link_adapt_ul_mcs(const struct link_adapt *la, struct link_adapt_ue *s)
{
    const struct link_adapt_config *c = &la->cfg;
    return choose(la, s, &s->ul, TBS_MCS_TABLE_64QAM, TBS_MCS_TABLE_64QAM, c->fixed_ul_mcs, c->ul_mcs_start, 0,
                  c->ul_mcs_max);
}
