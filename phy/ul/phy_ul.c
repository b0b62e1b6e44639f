/* The uplink PHY processor: sample history, PRACH occasions, UL symbols. */
#include "phy/ul/phy_ul.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int phy_ul_init(struct phy_ul *u, const struct phy_ul_config *cfg)
{
    memset(u, 0, sizeof *u);
    u->cfg = *cfg;
    struct ofdm_config oc = {.sample_rate_hz = cfg->sample_rate_hz, .scs_khz = cfg->scs_khz,
                             .nof_prb = cfg->nof_prb, .f0_hz = cfg->f0_hz, .direction = OFDM_DIRECTION_RX};
    int rc = ofdm_init(&u->ofdm, &oc);
    if (rc < 0) return rc;
    u->slot_samples = ofdm_slot_nof_samples(&u->ofdm, 0);
    u->history_slots = 1;
    rc = grid_init(&u->grid, OFDM_SYMBOLS_PER_SLOT, 12 * cfg->nof_prb);
    if (rc == 0) {
        u->history = calloc((size_t)u->history_slots * (size_t)u->slot_samples, sizeof(cf_t));
        if (!u->history) rc = -ENOMEM;
    }
    if (rc < 0) phy_ul_free(u);
    return rc;
}

void phy_ul_free(struct phy_ul *u)
{
    free(u->history);
    u->history = NULL;
    grid_free(&u->grid);
    ofdm_free(&u->ofdm);
}

int phy_ul_slot_samples(const struct phy_ul *u) { return u->slot_samples; }

void phy_ul_reset(struct phy_ul *u)
{
    memset(u->history, 0, (size_t)u->history_slots * (size_t)u->slot_samples * sizeof(cf_t));
}

/* Samples from the air are untrusted: one NaN or infinity would poison every correlation it enters. */
static bool samples_finite(const cf_t *x, int n)
{
    const float *f = (const float *)x;
    for (int i = 0; i < 2 * n; i++)
        if (!isfinite(f[i])) return false;
    return true;
}

int phy_ul_process(struct phy_ul *u, const struct ul_slot_request *req, const cf_t *samples,
                   struct phy_ul_result *res)
{
    memset(res, 0, sizeof *res);
    if (req && (req->n_prach < 0 || req->n_prach > UL_MAX_PRACH_OCCASIONS)) return -EINVAL;
    res->slot = req ? req->slot : 0;
    u->stats.slots++;
    size_t slot_bytes = (size_t)u->slot_samples * sizeof(cf_t);
    if (u->history_slots > 1)
        memmove(u->history, u->history + u->slot_samples, (size_t)(u->history_slots - 1) * slot_bytes);
    cf_t *newest = u->history + (size_t)(u->history_slots - 1) * (size_t)u->slot_samples;
    if (!samples_finite(samples, u->slot_samples)) {
        /* Keep the history clean: the slot enters it as silence. */
        memset(newest, 0, slot_bytes);
        res->bad_samples = true;
        u->stats.bad_slots++;
        return 0;
    }
    memcpy(newest, samples, slot_bytes);
    return 0;
}
