/* The uplink PHY processor: sample history, PRACH occasions, UL symbols. */
#include "phy/ul/phy_ul.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/prach.h"

/* One detector per msg1-FDM frequency occasion (38.211 5.3.2: n_RA moves k1 by N_RB^RA PRBs). */
static int init_prach(struct phy_ul *u)
{
    const struct phy_ul_config *c = &u->cfg;
    u->prach = calloc((size_t)c->msg1_fdm, sizeof *u->prach);
    if (!u->prach) return -ENOMEM;
    for (int f = 0; f < c->msg1_fdm; f++) {
        struct prach_detector_cfg dc = {
            .prach = {.sample_rate_hz = c->sample_rate_hz, .nof_prb = c->nof_prb, .scs_khz = c->scs_khz,
                      .format = c->prach_format, .ra_scs_khz = c->prach_ra_scs_khz,
                      .root_sequence_index = c->prach_root_sequence_index,
                      .zero_correlation_zone = c->zero_correlation_zone_config,
                      .msg1_frequency_start = c->msg1_frequency_start, .bwp_start = 0, .fdm_index = f},
            .nof_preambles = c->nof_preambles};
        int rc = prach_detector_init(&u->prach[f], &dc);
        if (rc < 0) {
            for (int g = 0; g < f; g++) prach_detector_free(&u->prach[g]);
            free(u->prach);
            u->prach = NULL;
            return rc;
        }
        u->n_prach_detectors = f + 1;
    }
    return 0;
}

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
    if (cfg->prach_enabled) {
        if (cfg->history_slots < 1 || cfg->history_slots > PHY_UL_MAX_HISTORY_SLOTS || cfg->msg1_fdm < 1 ||
            cfg->msg1_fdm > UL_MAX_PRACH_FDM)
            rc = -EINVAL;
        u->history_slots = cfg->history_slots;
    }
    if (rc == 0) rc = grid_init(&u->grid, OFDM_SYMBOLS_PER_SLOT, 12 * cfg->nof_prb);
    if (rc == 0) {
        u->history = calloc((size_t)u->history_slots * (size_t)u->slot_samples, sizeof(cf_t));
        if (!u->history) rc = -ENOMEM;
    }
    if (rc == 0 && cfg->prach_enabled) rc = init_prach(u);
    if (rc < 0) phy_ul_free(u);
    return rc;
}

void phy_ul_free(struct phy_ul *u)
{
    for (int f = 0; f < u->n_prach_detectors; f++) prach_detector_free(&u->prach[f]);
    free(u->prach);
    u->prach = NULL;
    u->n_prach_detectors = 0;
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

/* One occasion: its samples start start_slot_offset slots back in the history. */
static void detect_prach(struct phy_ul *u, const struct ul_prach_occasion *o, struct ul_prach_result *r)
{
    memset(r, 0, sizeof *r);
    r->occasion = *o;
    u->stats.prach_occasions++;
    if (!u->prach || o->fdm_index < 0 || o->fdm_index >= u->n_prach_detectors || o->start_slot_offset < 0 ||
        o->start_slot_offset >= u->history_slots || o->start_sample < 0 || o->start_sample >= u->slot_samples) {
        r->n_detected = -EINVAL;
        return;
    }
    size_t from = (size_t)(u->history_slots - 1 - o->start_slot_offset) * (size_t)u->slot_samples +
                  (size_t)o->start_sample;
    size_t avail = (size_t)u->history_slots * (size_t)u->slot_samples - from;
    struct prach_detection det[UL_MAX_PRACH_DETECTIONS];
    int n = prach_detect(&u->prach[o->fdm_index], u->history + from, avail, &o->time, det, UL_MAX_PRACH_DETECTIONS);
    if (n < 0) {
        r->n_detected = n;
        return;
    }
    for (int i = 0; i < n; i++)
        r->det[i] = (struct ul_prach_detection){.preamble_index = det[i].preamble_index,
                                                .delay_samples = det[i].delay_samples, .ta_us = det[i].ta_us,
                                                .power = det[i].power, .snr_db = det[i].snr_db};
    r->n_detected = n;
    u->stats.prach_detections += (uint64_t)n;
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
    if (req)
        for (int i = 0; i < req->n_prach; i++) detect_prach(u, &req->prach[i], &res->prach[res->n_prach++]);
    return 0;
}
