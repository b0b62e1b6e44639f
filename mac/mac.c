/* The per-slot MAC: common channels, PRACH occasions, indications. */
#include "mac/mac.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gnb/log.h"
#include "mac/mac_pdu.h"

static void count(_Atomic uint64_t *c) { atomic_fetch_add_explicit(c, 1, memory_order_relaxed); }

/* One template region of the UL map; an overlap between two standing regions (e.g. a PRACH that starts at PRB 0
 * under the common PUCCH's first hop) is the configuration's, logged once: the first region keeps the PRBs. */
static void map_template(struct mac *m, int prb, int n, uint16_t symbols, enum ul_owner o)
{
    int rc = ul_map_template(&m->ul_map, prb, n, symbols, o);
    if (rc < 0)
        log_warn(LOG_MAC, "UL resource map: %s at PRBs %d..%d overlaps %s (%d): not reserved for it",
                 ul_owner_name(o), prb, prb + n - 1, ul_owner_name(ul_map_owner(&m->ul_map, 0, prb)), rc);
}

/* The regions every UL slot keeps: PRACH PRBs, both hops of the common PUCCH resource Msg4's HARQ-ACK uses, the
 * UEs' dedicated PUCCH region (mac/ue_res.h) and, in test mode, the UL probe's PRBs. Msg3s and PUSCH grants are
 * placed around them, slot by slot. */
static void ul_map_setup(struct mac *m)
{
    const struct mac_config *c = &m->cfg;
    ul_map_init(&m->ul_map, c->nof_prb);
    if (c->prach.enabled && c->prach.prb_last >= c->prach.prb_first)
        map_template(m, c->prach.prb_first, c->prach.prb_last - c->prach.prb_first + 1, UL_MAP_ALL_SYMBOLS,
                     UL_OWNER_PRACH);
    if (c->ra_enabled) {
        const struct pucch_resource *r = &m->ra.msg4_ack.cfg.res;
        int half = r->nof_symbols / 2; /* 38.213 9.2.1: the first hop has floor(N/2) symbols */
        int hop2 = r->intra_slot_hopping ? r->second_hop_prb : r->start_prb;
        map_template(m, r->start_prb, 1, ul_map_symbols(r->start_symbol, half), UL_OWNER_PUCCH_COMMON);
        map_template(m, hop2, 1, ul_map_symbols(r->start_symbol + half, r->nof_symbols - half),
                     UL_OWNER_PUCCH_COMMON);
    }
    if (m->ues_ok) {
        int first, n;
        ue_res_region(&m->ues.layout, &first, &n);
        map_template(m, first, n, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUCCH_DEDICATED);
        m->ues.ul_map = &m->ul_map;
    }
    if (c->ra_enabled) m->ra.ul_map = &m->ul_map;
    const struct ul_probe_config *pr = &c->ul_probe;
    if (pr->enabled && pr->pusch_nof_prb > 0)
        map_template(m, pr->pusch_prb_start, pr->pusch_nof_prb, UL_MAP_ALL_SYMBOLS, UL_OWNER_PROBE);
}

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
    if (cfg->ra_enabled) {
        rc = ra_init(&m->ra, &cfg->ra);
        if (rc < 0) return rc;
        /* UL grants for connected UEs, placed by the UL map: 12 PRBs without a BSR, BSR-sized up to the whole
         * carrier, i.e. the longest run the map leaves free (PRACH, PUCCH regions and Msg3s are reserved first: a
         * Msg3 of PUSCH slot n is decided delta slots before, its retransmission grant earlier in the same slot). */
        struct mac_ue_config uc = {.pci = cfg->pci, .nof_prb = cfg->nof_prb, .scs_khz = cfg->scs_khz,
                                   .dmrs_type_a_position = cfg->dmrs_type_a_position,
                                   .k2 = cfg->ra.msg3_k2, .grant_prb_start = cfg->ra.msg3_prb_start,
                                   .grant_nof_prb = 4 * cfg->ra.msg3_nof_prb, .grant_mcs = 4, .grant_period = 5,
                                   .sr_period = cfg->sr_period, .pattern = cfg->pattern, .css = cfg->ra,
                                   .uss = cfg->uss, .dl_mcs = cfg->ue_dl_mcs,
                                   .la = cfg->la, .uss_non_fallback = cfg->uss_non_fallback,
                                   .dl_256qam = cfg->dl_256qam, .dci_1_1 = cfg->dci_1_1, .dci_0_1 = cfg->dci_0_1};
        uc.grant_max_prb = cfg->nof_prb > uc.grant_nof_prb ? cfg->nof_prb : uc.grant_nof_prb;
        rc = mac_ues_init(&m->ues, &uc);
        if (rc < 0) return rc;
        m->ues_ok = true;
    }
    ul_map_setup(m);
    /* DL TBs: the whole carrier at 64QAM is far more than a RAR or an RRC message needs. */
    rc = tb_pool_init(&m->dl_tbs, MAC_DL_TBS, (size_t)cfg->nof_prb * 12 * 14 * 6 / 8 + 16);
    if (rc < 0) {
        mac_free(m);
        return rc;
    }
    return 0;
}

void mac_free(struct mac *m)
{
    tb_pool_free(&m->dl_tbs);
    if (m->ues_ok) mac_ues_free(&m->ues);
    m->ues_ok = false;
}

void mac_epoch_start(struct mac *m, uint32_t epoch)
{
    /* A new epoch (a peer reached an empty cell, docs/ARCHITECTURE.md §1.4): every random-access procedure and UE
     * context is released. Peers joining or leaving a running epoch do not come here. */
    m->epoch = epoch;
    ra_reset(&m->ra);
    if (m->ues_ok) mac_ues_reset(&m->ues);
    ul_map_reset(&m->ul_map, 0);
    m->n_ccch_out = 0;
}

int mac_take_ul_dcch(struct mac *m, struct mac_dcch_sdu *out)
{
    return m->ues_ok ? mac_ues_take_dcch(&m->ues, out) : 0;
}

int mac_dl_ccch(struct mac *m, uint16_t rnti, const uint8_t *sdu, size_t len, bool is_setup)
{
    int rc = m->cfg.ra_enabled ? ra_dl_ccch(&m->ra, rnti, sdu, len, is_setup) : -ENOENT;
    if (rc < 0) log_warn(LOG_MAC, "DL-CCCH for 0x%04x (%zu bytes) dropped: %d", rnti, len, rc);
    return rc;
}

int mac_dl_dcch(struct mac *m, uint16_t rnti, const uint8_t *sdu, size_t len)
{
    int rc = m->ues_ok ? mac_ue_dl_dcch(&m->ues, rnti, sdu, len) : -ENOENT;
    if (rc < 0) log_warn(LOG_MAC, "DL-DCCH for 0x%04x (%zu bytes) dropped: %d", rnti, len, rc);
    return rc;
}

int mac_ue_srb_security(struct mac *m, uint16_t rnti, const struct pdcp_sec_config *sc, bool ciphering)
{
    int rc = m->ues_ok ? mac_ue_srb_security_set(&m->ues, rnti, sc, ciphering) : -ENOENT;
    if (rc < 0)
        log_warn(LOG_MAC, "0x%04x: SRB1 security (%s) not applied: %d", rnti,
                 !sc ? "off" : ciphering ? "ciphering" : "integrity", rc);
    else
        log_info(LOG_MAC, "0x%04x: SRB1 %s", rnti,
                 !sc ? "security off (NIA0/NEA0)" : ciphering ? "ciphering on" : "integrity on");
    return rc;
}

int mac_release_ue(struct mac *m, uint16_t rnti)
{
    int rc = m->ues_ok ? mac_ue_release(&m->ues, rnti) : -ENOENT;
    if (rc == 0) log_info(LOG_MAC, "0x%04x: UE context released", rnti);
    return rc;
}

int mac_ue_drb_setup(struct mac *m, uint16_t rnti, const struct mac_drb_config *c)
{
    int rc = m->ues_ok ? mac_ues_drb_setup(&m->ues, rnti, c) : -ENOENT;
    if (rc < 0)
        log_warn(LOG_MAC, "DRB %d setup for 0x%04x refused: %s", c ? c->drb_id : -1, rnti,
                 rc == -ENOSPC ? "the UE has MAC_UE_DRBS DRBs already" : rc == -EBUSY ? "DRB or LCID in use" : strerror(-rc));
    return rc;
}

static void sync_ue_stats(struct mac *m);

int mac_ue_dl_table(struct mac *m, uint16_t rnti, bool confirmed)
{
    int rc = m->ues_ok ? mac_ues_dl_table(&m->ues, rnti, confirmed) : -ENOENT;
    if (rc < 0)
        log_warn(LOG_MAC, "MCS table of 0x%04x: %d", rnti, rc);
    else
        log_info(LOG_MAC, "0x%04x: PDSCH MCS table %s", rnti,
                 confirmed ? "qam256 (Table 5.1.3.1-2)" : "qam256 pending: MCS 0 until the UE confirms");
    return rc;
}

int mac_ue_drb_release(struct mac *m, uint16_t rnti, int drb_id)
{
    uint32_t dropped = 0;
    int rc = m->ues_ok ? mac_ues_drb_release(&m->ues, rnti, drb_id, &dropped) : -ENOENT;
    if (rc < 0)
        log_warn(LOG_MAC, "DRB %d release for 0x%04x: no such DRB", drb_id, rnti);
    else
        log_info(LOG_MAC, "DRB: c-rnti=0x%04x drb %d released (%u DL SDUs dropped)", rnti, drb_id, dropped);
    sync_ue_stats(m);
    return rc;
}

int mac_ue_drb_security(struct mac *m, uint16_t rnti, int drb_id, const struct pdcp_sec_config *up)
{
    int rc = m->ues_ok ? mac_ues_drb_security(&m->ues, rnti, drb_id, up) : -ENOENT;
    if (rc < 0) log_warn(LOG_MAC, "DRB security for 0x%04x refused: %d", rnti, rc);
    return rc;
}

int mac_dl_data(struct mac *m, uint16_t rnti, int drb_id, const uint8_t *sdu, size_t len)
{
    return m->ues_ok ? mac_ues_dl_data(&m->ues, rnti, drb_id, sdu, len) : -ENOENT;
}

int mac_take_ul_data(struct mac *m, struct mac_ul_data *out)
{
    return m->ues_ok ? mac_ues_take_ul_data(&m->ues, out) : 0;
}

int mac_take_ue_event(struct mac *m, struct mac_ue_event *ev)
{
    return m->ues_ok ? mac_ues_take_event(&m->ues, ev) : 0;
}

int mac_take_ul_ccch(struct mac *m, struct mac_ccch_sdu *out)
{
    if (m->n_ccch_out == 0) return 0;
    *out = m->ccch_out[0];
    memmove(&m->ccch_out[0], &m->ccch_out[1], (size_t)(--m->n_ccch_out) * sizeof m->ccch_out[0]);
    return 1;
}

/* The MAC stage is the only writer: the sums of ra.c and ue.c are published as they are. */
static void sync_ue_stats(struct mac *m)
{
    const struct mac_ues_stats *u = &m->ues.stats;
    struct { _Atomic uint64_t *to; uint64_t v; } s[] = {
        {&m->stats.ra_msg3_given_up, m->ra.stats.msg3_given_up}, {&m->stats.ra_msg4_failed, m->ra.stats.msg4_failed},
        {&m->stats.ra_backoffs, m->ra.stats.backoffs}, {&m->stats.ra_procs_full, m->ra.stats.procs_full}, {&m->stats.ul_grants, u->ul_tx + u->ul_retx},
        {&m->stats.ul_harq_tx, u->ul_tx}, {&m->stats.ul_harq_retx, u->ul_retx}, {&m->stats.ul_harq_ko, u->ul_ko},
        {&m->stats.dl_harq_tx, u->dl_tx}, {&m->stats.dl_harq_retx, u->dl_retx}, {&m->stats.dl_harq_ko, u->dl_ko},
        {&m->stats.ta_commands, u->ta_commands}, {&m->stats.harq_results_lost, u->results_lost},
        {&m->stats.pucch_dropped, u->pucch_no_room + m->ra.stats.pucch_no_room},
        {&m->stats.harq_ack_multi, u->ack_codebooks_multi}, {&m->stats.harq_ack_f2, u->ack_codebooks_f2},
        {&m->stats.malformed_pdus, m->ues.malformed_pdus}, {&m->stats.dcch_dropped, m->ues.dcch_dropped},
        {&m->stats.drb_dl_sdus, u->drb_dl_sdus}, {&m->stats.drb_dl_bytes, u->drb_dl_bytes},
        {&m->stats.drb_dl_dropped, u->drb_dl_dropped}, {&m->stats.drb_ul_sdus, u->drb_ul_sdus},
        {&m->stats.drb_ul_bytes, u->drb_ul_bytes}, {&m->stats.drb_ul_dropped, u->drb_ul_dropped},
        {&m->stats.drb_releases, m->ues.drb_releases}, {&m->stats.drb_release_dropped, m->ues.drb_release_dropped}};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) atomic_store_explicit(s[i].to, s[i].v, memory_order_relaxed);
}

/* Random access and connected UEs in slot `slot`, in a wholly DL slot. The slot's PDCCH allocator
 * (mac/pdcch_alloc.h) and PDSCH PRB map start with what the common channels took: SIB1's PDCCH and PDSCH, and the
 * SS/PBCH blocks' RBs (no PDSCH shares them in any symbol: srsUE does not rate-match around an SSB, docs/SRSUE.md
 * §3.4; the larger side of the carrier is left). Random access (Msg4, RARs, Msg3 retransmission grants in SS#1)
 * only in a slot with neither; then the UEs (SS#2, round robin, mac/ue.h) in every such slot, beside the SSB and
 * the SIB1. */
static void schedule_ra(struct mac *m, uint64_t slot, struct dl_slot_request *dl, struct ul_slot_request *ul)
{
    if (!m->cfg.ra_enabled) return;
    bool full_dl = slot_pattern_dl_symbols(&m->cfg.pattern, slot) == SLOT_ALL_SYMBOLS;
    bool usable = full_dl && dl->n_ssb == 0 && dl->n_pdcch == 0 && dl->n_pdsch == 0;
    struct pdcch_alloc *a = &m->pdcch;
    pdcch_alloc_begin(a, dl->slot_in_frame);
    for (int i = 0; i < dl->n_pdcch; i++) /* SIB1's */
        pdcch_alloc_mark(a, &dl->pdcch[i].coreset, dl->pdcch[i].first_cce, dl->pdcch[i].al);
    for (int i = 0; i < dl->n_pdsch; i++)
        pdcch_alloc_pdsch_take(a, dl->pdsch[i].grant.crb_start, dl->pdsch[i].grant.nof_rb);
    int ssb_lo, ssb_hi;
    unsigned ssb_symbols;
    sched_common_ssb_rbs(&m->common, dl, m->cfg.nof_prb, &ssb_lo, &ssb_hi, &ssb_symbols);
    if (ssb_symbols) pdcch_alloc_block(a, ssb_symbols, ssb_lo, ssb_hi - ssb_lo + 1);
    uint64_t before = m->ra.stats.rar_missed_window, nobuf = m->ra.stats.no_buffer,
             no_room = m->ra.stats.msg3_no_room, deferred = a->deferred;
    ra_schedule_dl(&m->ra, slot, usable, dl, &m->dl_tbs, a);
    if (m->ra.stats.rar_missed_window != before)
        atomic_fetch_add_explicit(&m->stats.ra_rar_missed, m->ra.stats.rar_missed_window - before,
                                  memory_order_relaxed);
    if (m->ra.stats.no_buffer != nobuf) atomic_fetch_add_explicit(&m->stats.dl_tb_pool_full, 1, memory_order_relaxed);
    if (m->ra.stats.msg3_no_room != no_room)
        atomic_fetch_add_explicit(&m->stats.ra_msg3_no_room, 1, memory_order_relaxed);
    for (int e = 0; e < m->ra.n_ev; e++) {
        const struct ra_sched_event *ev = &m->ra.ev[e];
        const struct dl_pdcch *c = &dl->pdcch[ev->pdcch];
        const struct dl_pdsch *s = ev->pdsch >= 0 ? &dl->pdsch[ev->pdsch] : NULL;
        if (ev->type == RA_EV_MSG4) {
            log_info(LOG_MAC, "Msg4: tc-rnti=0x%04x slot=%d.%d AL%d CCE %d, PDSCH CRB %d+%d TBS %d rv %d, HARQ-ACK in "
                     "slot %llu", s->grant.rnti, dl->sfn, dl->slot_in_frame, c->al, c->first_cce, s->grant.crb_start,
                     s->grant.nof_rb, s->dlsch.tbs, s->dlsch.rv, (unsigned long long)(slot + RA_MSG4_K1));
        } else if (ev->type == RA_EV_MSG3_RETX) {
            count(&m->stats.ra_msg3_retx);
            log_info(LOG_MAC, "Msg3 retransmission: DCI 0_0 tc-rnti=0x%04x slot=%d.%d AL%d CCE %d, Msg3 in slot %llu",
                     c->rnti, dl->sfn, dl->slot_in_frame, c->al, c->first_cce, (unsigned long long)ev->msg3_slot);
        } else {
            atomic_fetch_add_explicit(&m->stats.ra_rars, 1, memory_order_relaxed);
            log_info(LOG_MAC, "RAR: ra-rnti=0x%04x slot=%d.%d AL%d CCE %d preambles=%d PDSCH CRB %d+%d TBS %d, Msg3 in "
                     "slot %llu", s->grant.rnti, dl->sfn, dl->slot_in_frame, c->al, c->first_cce, ev->n,
                     s->grant.crb_start, s->grant.nof_rb, s->dlsch.tbs, (unsigned long long)ev->msg3_slot);
        }
    }
    /* UL grants and SRB1 PDSCHs for connected UEs: the PDCCH candidates and PRBs random access left; their PUSCHs
     * go where the UL map has room (around Msg3s, PRACH and PUCCH regions). */
    uint64_t pusch_slot = slot + (uint64_t)m->cfg.ra.msg3_k2;
    bool pusch_ul = slot_pattern_ul_symbols(&m->cfg.pattern, pusch_slot) == SLOT_ALL_SYMBOLS;
    bool ack_ul = true; /* each PDSCH's HARQ-ACK slot: mac_ues_schedule_dl (mac/harq_ack.h) */
    mac_ues_schedule_dl(&m->ues, slot, full_dl, pusch_ul, ack_ul, dl, &m->dl_tbs, a);
    if (a->deferred != deferred)
        atomic_fetch_add_explicit(&m->stats.pdcch_deferred, a->deferred - deferred, memory_order_relaxed);
    ra_schedule_ul(&m->ra, slot, ul);
    mac_ues_schedule_ul(&m->ues, slot, ul);
    sync_ue_stats(m);
}

int mac_slot(struct mac *m, uint64_t slot, struct dl_slot_request *dl, struct ul_slot_request *ul)
{
    atomic_fetch_add_explicit(&m->stats.slots_scheduled, 1, memory_order_relaxed);
    ul_map_advance(&m->ul_map, slot);
    memset(ul, 0, sizeof *ul);
    ul->slot = slot;
    ul->sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024);
    ul->slot_in_frame = (int)(slot % (uint64_t)m->slots_per_frame);
    ul->ul_symbols = slot_pattern_ul_symbols(&m->cfg.pattern, slot);
    if (m->cfg.prach.enabled) {
        ul->n_prach = sched_prach_slot(&m->prach, slot, ul->prach, UL_MAX_PRACH_OCCASIONS);
        ul->prach_samples = ul->n_prach > 0 || sched_prach_slot_covered(&m->prach, slot);
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
    if (rc == 0) schedule_ra(m, slot, dl, ul);
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
        if (!m->cfg.ra_enabled) continue;
        atomic_fetch_add_explicit(&m->stats.ra_preambles, 1, memory_order_relaxed);
        int tc = ra_preamble(&m->ra, slot, d->preamble_index, d->delay_samples, (uint16_t)r->occasion.ra_rnti);
        if (tc < 0)
            log_warn(LOG_MAC, "RA: preamble %d not answered: %d procedures already open", d->preamble_index,
                     RA_MAX_PROCS);
        else
            log_info(LOG_MAC, "RA: preamble %d -> TC-RNTI 0x%04x, T_A %d", d->preamble_index, tc,
                     ra_timing_advance(&m->ra, d->delay_samples));
    }
}

uint16_t mac_ra_rnti(int s_id, int t_id, int f_id)
{
    return (uint16_t)(1 + s_id + 14 * t_id + 14 * 80 * f_id);
}


/* A UE context (and with it the dedicated PUCCH resources, mac/ue_res.h) for a Msg3's UE: one no connected UE
 * holds and no other procedure has set aside (a procedure's claim ends with it, so nothing leaks). -1: none. */
static int free_ue_index(const struct mac *m)
{
    for (int k = 0; k < m->ues.layout.max_ues; k++) {
        bool taken = m->ues.ue[k].active;
        for (int i = 0; !taken && i < RA_MAX_PROCS; i++)
            taken = m->ra.proc[i].state != RA_FREE && m->ra.proc[i].ue_index == k;
        if (!taken) return k;
    }
    return -1;
}

/* A Msg3 with a C-RNTI MAC CE (38.321 5.1.5, 6.1.3.2): a connected UE redoing random access (its SR went
 * unanswered, or it lost UL sync). Its contention is resolved by a PDCCH to that C-RNTI with a UL grant for new
 * data: the UE context takes the RAR's T_A and gets a grant as for an SR, and the rest of the Msg3 (BSR, SRB1
 * data) is the UE's. Returns true when the Msg3 was this (the procedure is then released). */
static bool msg3_c_rnti(struct mac *m, struct ra_proc *p, uint64_t slot, const struct ul_pusch_result *r,
                        const uint8_t *tb, const struct mac_pdu_rx *pdu)
{
    for (int i = 0; i < pdu->n; i++) {
        const struct mac_subpdu *sp = &pdu->sub[i];
        if (sp->lcid != MAC_LCID_UL_C_RNTI || sp->length != 2) continue;
        uint16_t crnti = (uint16_t)(tb[sp->offset] << 8 | tb[sp->offset + 1]);
        struct mac_ue *ue = m->ues_ok ? mac_ue_find(&m->ues, crnti) : NULL;
        log_info(LOG_MAC, "Msg3: tc-rnti=0x%04x carries C-RNTI 0x%04x: %s", p->tc_rnti, crnti,
                 ue ? "a connected UE redoing random access; resolved by a UL grant to its C-RNTI"
                    : "no such UE (ignored)");
        uint16_t tc = p->tc_rnti;
        int ta = p->ta;
        ra_release(&m->ra, tc);
        if (!ue) return true;
        count(&m->stats.ra_c_rnti_msg3);
        ue->ta = ta;
        ue->sr_pending = true;
        mac_ue_mark(&m->ues, ue);
        mac_ue_pusch(&m->ues, ue, slot, r, tb);
        return true;
    }
    return false;
}

/* Msg3: its MAC PDU, the UL-CCCH SDU (the RRCSetupRequest) logged; Msg4 comes with the RRC setup procedure. */
static void msg3_received(struct mac *m, struct ra_proc *p, uint64_t slot, const struct ul_pusch_result *r,
                          const uint8_t *tb)
{
    int sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024), sl = (int)(slot % (uint64_t)m->slots_per_frame);
    const struct pusch_grant *g = &r->req.grant;
    count(r->res.crc_ok ? &m->stats.ra_msg3_ok : &m->stats.ra_msg3_failed);
    if (!r->res.crc_ok) {
        log_info(LOG_MAC, "Msg3: tc-rnti=0x%04x slot=%d.%d crc=KO snr=%.1f dB, transmission %d of %d%s", g->rnti, sfn,
                 sl, (double)r->res.snr_db, p->msg3_tx, RA_MSG3_MAX_TX,
                 p->state == RA_MSG3_RETX_DUE ? ": retransmission due" : ": procedure released");
        return;
    }
    p->msg3_ta_samples = r->res.ta_samples; /* the timing-advance loop starts from it */
    struct mac_pdu_rx pdu;
    char hex[3 * 64 + 1] = "";
    const char *what = "no CCCH SDU";
    if (mac_pdu_parse(MAC_DIR_UL, tb, (size_t)r->tb_bytes, &pdu, NULL) == 0) {
        if (msg3_c_rnti(m, p, slot, r, tb, &pdu)) return;
        for (int i = 0; i < pdu.n; i++) {
            const struct mac_subpdu *sp = &pdu.sub[i];
            if (sp->lcid != MAC_LCID_UL_CCCH_48 && sp->lcid != MAC_LCID_UL_CCCH_64) continue;
            for (uint32_t k = 0; k < sp->length && k < 64; k++)
                snprintf(hex + 3 * k, 4, "%02x ", tb[sp->offset + k]);
            what = sp->lcid == MAC_LCID_UL_CCCH_48 ? "CCCH (48 bits)" : "CCCH (64 bits)";
            /* 38.321 5.1.5: the contention resolution identity is the SDU's first 48 bits. */
            memcpy(p->con_res_id, tb + sp->offset, 6);
            if (m->n_ccch_out < MAC_CCCH_OUT && sp->length <= MAC_CCCH_MAX) {
                struct mac_ccch_sdu *o = &m->ccch_out[m->n_ccch_out++];
                o->rnti = p->tc_rnti;
                if (p->ue_index < 0 && m->ues_ok) p->ue_index = free_ue_index(m);
                o->ue_index = p->ue_index;
                if (o->ue_index < 0 || mac_ues_res(&m->ues, o->ue_index, &o->res) < 0) o->ue_index = -1;
                o->len = (int)sp->length;
                memcpy(o->data, tb + sp->offset, sp->length);
            }
            break;
        }
    } else {
        what = "malformed MAC PDU";
    }
    if (!hex[0]) ra_release(&m->ra, p->tc_rnti); /* nothing for the RRC: e.g. a C-RNTI MAC CE (not handled) */
    log_info(LOG_MAC, "Msg3: tc-rnti=0x%04x slot=%d.%d crc=OK snr=%.1f dB ta=%.2f us, %s: %s", g->rnti, sfn, sl,
             (double)r->res.snr_db, (double)r->res.ta_us, what, hex);
}

void mac_pusch_indication(struct mac *m, uint64_t slot, const struct ul_pusch_result *r, const uint8_t *tb)
{
    count(&m->stats.pusch_received);
    int sfn = (int)((slot / (uint64_t)m->slots_per_frame) % 1024), sl = (int)(slot % (uint64_t)m->slots_per_frame);
    const struct pusch_grant *g = &r->req.grant;
    if (r->rc < 0) {
        count(&m->stats.pusch_errors);
        log_warn(LOG_MAC, "PUSCH: rnti=0x%04x slot=%d.%d not decoded (%d)", g->rnti, sfn, sl, r->rc);
        if (m->cfg.ra_enabled) ra_msg3_received(&m->ra, slot, g->rnti, false); /* a Msg3: its retransmission */
        struct mac_ue *ue = m->ues_ok ? mac_ue_find(&m->ues, g->rnti) : NULL;
        if (ue) mac_ue_pusch(&m->ues, ue, slot, r, tb); /* a UE's: its HARQ retransmission */
        return;
    }
    count(r->res.crc_ok ? &m->stats.pusch_crc_ok : &m->stats.pusch_crc_failed);
    struct ra_proc *p = m->cfg.ra_enabled ? ra_msg3_received(&m->ra, slot, g->rnti, r->res.crc_ok) : NULL;
    if (p) {
        msg3_received(m, p, slot, r, tb);
        return;
    }
    struct mac_ue *ue = m->ues_ok ? mac_ue_find(&m->ues, g->rnti) : NULL;
    if (ue) {
        mac_ue_pusch(&m->ues, ue, slot, r, tb);
        return;
    }
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
    if (m->cfg.ra_enabled) {
        bool ack = v == PUCCH_RX_VALID && r->res.nbits >= 1 && r->res.bits[0] == 1;
        struct ra_proc *p = ra_msg4_feedback(&m->ra, slot, r->req.cfg.rnti, ack);
        if (p) {
            log_info(LOG_MAC, "Msg4 HARQ-ACK: tc-rnti=0x%04x slot=%d.%d %s (%s, snr %.1f dB)%s", r->req.cfg.rnti,
                     sfn, sl, ack ? "ACK" : "NACK/DTX", verdicts[v <= 2 ? v : 0], (double)r->res.snr_db,
                     p->state == RA_DONE ? ": contention resolved, C-RNTI" : "");
            if (p->state == RA_DONE) {
                struct mac_ue *ue;
                count(&m->stats.ra_msg4_acked);
                if (!p->msg4_is_setup) /* RRCReject: nothing more for this UE */;
                else if ((ue = mac_ue_add(&m->ues, p->tc_rnti, p->ta, p->ue_index)) != NULL) {
                    count(&m->stats.ues_connected);
                    ue->last_rx_slot = slot;
                    mac_ue_ta_report(&m->ues, ue, p->msg3_slot, p->msg3_ta_samples); /* the RAR's T_A vs Msg3 */
                }
                else log_warn(LOG_MAC, "0x%04x: no UE context left (%d in use)", p->tc_rnti, m->ues.n_act);
                p->state = RA_FREE;
            }
            return;
        }
    }
    if (m->ues_ok && mac_ue_pucch(&m->ues, slot, r)) return;
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
