/* The per-slot MAC: common channels, PRACH occasions, indications. */
#include "mac/mac.h"

#include <errno.h>
#include <string.h>

#include "gnb/log.h"

int mac_init(struct mac *m, const struct mac_config *cfg)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    if (cfg->scs_khz != 15 && cfg->scs_khz != 30) return -EINVAL;
    m->slots_per_frame = 10 * cfg->scs_khz / 15;
    int rc = sched_common_init(&m->common, &cfg->common);
    if (rc < 0) return rc;
    if (cfg->prach.enabled) {
        struct sched_prach_config pc = {.config_index = cfg->prach.config_index, .unpaired = cfg->prach.unpaired,
                                        .scs_khz = cfg->scs_khz, .ra_scs_khz = cfg->prach.ra_scs_khz,
                                        .msg1_fdm = cfg->prach.msg1_fdm, .sample_rate_hz = cfg->sample_rate_hz};
        rc = sched_prach_init(&m->prach, &pc, &cfg->pattern);
        if (rc < 0) return rc;
    }
    return 0;
}

void mac_epoch_start(struct mac *m, uint32_t epoch)
{
    /* Nothing per UE exists yet; random access and UE contexts will be released here. */
    m->epoch = epoch;
}

int mac_slot(struct mac *m, uint64_t slot, struct dl_slot_request *dl, struct ul_slot_request *ul)
{
    atomic_fetch_add_explicit(&m->stats.slots_scheduled, 1, memory_order_relaxed);
    memset(ul, 0, sizeof *ul);
    ul->slot = slot;
    ul->sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024);
    ul->slot_in_frame = (int)(slot % (uint64_t)m->slots_per_frame);
    ul->ul_symbols = slot_pattern_ul_symbols(&m->cfg.pattern, slot);
    if (m->cfg.prach.enabled) {
        ul->n_prach = sched_prach_slot(&m->prach, slot, ul->prach, UL_MAX_PRACH_OCCASIONS);
        atomic_fetch_add_explicit(&m->stats.prach_occasions, (uint64_t)ul->n_prach, memory_order_relaxed);
    }
    int rc = sched_common_dl_slot(&m->common, slot, dl);
    if (rc < 0) {
        memset(dl, 0, sizeof *dl);
        dl->slot = slot;
        dl->sfn = ul->sfn;
        dl->slot_in_frame = ul->slot_in_frame;
        atomic_fetch_add_explicit(&m->stats.sched_errors, 1, memory_order_relaxed);
    }
    dl->silent_symbols = (uint16_t)(SLOT_ALL_SYMBOLS & ~slot_pattern_dl_symbols(&m->cfg.pattern, slot));
    return rc;
}

void mac_prach_indication(struct mac *m, uint64_t slot, const struct ul_prach_result *r)
{
    atomic_fetch_add_explicit(&m->stats.prach_results, 1, memory_order_relaxed);
    int sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024);
    int sl = (int)(slot % (uint64_t)m->slots_per_frame);
    if (r->n_detected < 0) atomic_fetch_add_explicit(&m->stats.prach_errors, 1, memory_order_relaxed);
    for (int i = 0; i < r->n_detected; i++) {
        const struct ul_prach_detection *d = &r->det[i];
        atomic_fetch_add_explicit(&m->stats.prach_detections, 1, memory_order_relaxed);
        log_info(LOG_MAC, "PRACH: preamble=%d ta=%.2f us (%.1f samples) snr=%.1f dB ra-rnti=0x%x slot=%d.%d",
                 d->preamble_index, (double)d->ta_us, (double)d->delay_samples, (double)d->snr_db,
                 r->occasion.ra_rnti, sfn, sl);
    }
}

uint16_t mac_ra_rnti(int s_id, int t_id, int f_id)
{
    return (uint16_t)(1 + s_id + 14 * t_id + 14 * 80 * f_id);
}
