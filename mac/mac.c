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
    rc = ul_probe_init(&m->probe, &cfg->ul_probe, cfg->pci, cfg->nof_prb, cfg->dmrs_type_a_position, cfg->scs_khz);
    if (rc < 0) return rc;
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
    ul_probe_slot(&m->probe, slot, ul);
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

static void count(_Atomic uint64_t *c) { atomic_fetch_add_explicit(c, 1, memory_order_relaxed); }

void mac_pusch_indication(struct mac *m, uint64_t slot, const struct ul_pusch_result *r, const uint8_t *tb)
{
    count(&m->stats.pusch_received);
    int sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024), sl = (int)(slot % (uint64_t)m->slots_per_frame);
    const struct pusch_grant *g = &r->req.grant;
    if (r->rc < 0) {
        count(&m->stats.pusch_errors);
        log_warn(LOG_MAC, "PUSCH: rnti=0x%04x slot=%d.%d not decoded (%d)", g->rnti, sfn, sl, r->rc);
        return;
    }
    count(r->res.crc_ok ? &m->stats.pusch_crc_ok : &m->stats.pusch_crc_failed);
    const char *payload = "-";
    if (r->res.crc_ok && m->cfg.ul_probe.enabled && g->rnti == m->cfg.ul_probe.rnti) {
        bool ok = ul_probe_payload_ok(&m->probe, slot, tb, r->tb_bytes);
        if (!ok) count(&m->stats.pusch_payload_errors);
        payload = ok ? "ok" : "BAD";
    }
    log_info(LOG_MAC, "PUSCH: rnti=0x%04x slot=%d.%d prb=%d+%d tbs=%d crc=%s payload=%s snr=%.1f dB ta=%.2f us "
             "(%.1f samples) iter=%d", g->rnti, sfn, sl, g->crb_start, g->nof_rb, r->req.tb.tbs,
             r->res.crc_ok ? "OK" : "KO", payload, (double)r->res.snr_db, (double)r->res.ta_us,
             (double)r->res.ta_samples, r->res.ldpc_iterations);
}

void mac_pucch_indication(struct mac *m, uint64_t slot, const struct ul_pucch_result *r)
{
    count(&m->stats.pucch_received);
    int sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024), sl = (int)(slot % (uint64_t)m->slots_per_frame);
    if (r->rc < 0) {
        count(&m->stats.pucch_errors);
        log_warn(LOG_MAC, "PUCCH: rnti=0x%04x slot=%d.%d not decoded (%d)", r->req.cfg.rnti, sfn, sl, r->rc);
        return;
    }
    static const char *const verdicts[] = {"dtx", "valid", "invalid"};
    enum pucch_rx_verdict v = r->res.verdict;
    count(v == PUCCH_RX_VALID ? &m->stats.pucch_valid : v == PUCCH_RX_DTX ? &m->stats.pucch_dtx
                                                                           : &m->stats.pucch_invalid);
    char bits[PUCCH_MAX_UCI_BITS + 1];
    int nb = v == PUCCH_RX_VALID ? r->res.nbits : 0;
    for (int j = 0; j < nb && j < PUCCH_MAX_UCI_BITS; j++) bits[j] = (char)('0' + (r->res.bits[j] & 1));
    bits[nb < PUCCH_MAX_UCI_BITS ? nb : PUCCH_MAX_UCI_BITS] = '\0';
    if (v == PUCCH_RX_VALID && m->cfg.ul_probe.enabled && r->req.cfg.rnti == m->cfg.ul_probe.rnti &&
        !ul_probe_uci_ok(&m->probe, slot, r->res.bits, r->res.nbits))
        count(&m->stats.pucch_bit_errors);
    log_info(LOG_MAC, "PUCCH: rnti=0x%04x slot=%d.%d format=%d bits=%s verdict=%s snr=%.1f dB", r->req.cfg.rnti,
             sfn, sl, (int)r->req.cfg.res.format, nb ? bits : "-", verdicts[v <= 2 ? v : 0], (double)r->res.snr_db);
}
