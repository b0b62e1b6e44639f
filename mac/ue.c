/* Connected UEs: contexts, SRB1 both ways, UL grants and HARQ, DL HARQ, timing advance (see ue.h). */
#include "mac/ue.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/log.h"
#include "mac/mac_pdu.h"
#include "phy/ch/dci.h"
#include "phy/ch/pdsch.h"
#include "phy/fec/tbs.h"
#include "rlc/rlc_sdu_queue.h"

static int64_t slot_ms(const struct mac_ues *u, uint64_t slot)
{
    return (int64_t)(slot * 15 / (uint64_t)u->cfg.scs_khz);
}

/* PDCP delivers an UL-DCCH SDU: queue it for the RRC. */
static void pdcp_delivered(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct mac_ues *u = ctx;
    struct mac_ue *ue = u->delivering;
    if (ue && ue->smc_pending && len > 0 && (sdu[0] & 0xf8) == 0x28) { /* SecurityModeComplete: 38.331 5.3.4.3 */
        ue->smc_pending = false;
        ue->ul_cipher_due = true;
        ue->ul_cipher_count = count + 1;
    }
    if (!ue || u->n_out >= MAC_DCCH_OUT || len > MAC_DCCH_MAX) {
        u->dcch_dropped++;
        log_warn(LOG_MAC, "UL-DCCH SDU of %zu bytes from 0x%04x dropped: %s", len, ue ? ue->crnti : 0,
                 !ue ? "no UE" : len > MAC_DCCH_MAX ? "larger than a PDCP SDU may be" : "RRC queue full");
        return;
    }
    struct mac_dcch_sdu *o = &u->out[u->n_out++];
    o->rnti = ue->crnti;
    o->len = (int)len;
    memcpy(o->data, sdu, len);
    ue->dcch_sdus++;
    ue->setup_complete = true;
}

/* RLC AM delivers a PDCP PDU. */
static void rlc_delivered(void *ctx, const uint8_t *sdu, size_t len)
{
    struct mac_ues *u = ctx;
    struct mac_ue *ue = u->delivering;
    if (!ue) return;
    int rc = pdcp_srb_rx(&ue->pdcp1, sdu, len, 0);
    /* 38.331 5.3.4.3: a UE whose integrity check of the SecurityModeCommand failed answers SecurityModeFailure
     * unprotected (the PDU's data is in clear: no ciphering yet) */
    if (rc == -EACCES && ue->smc_pending && len > PDCP_SRB_HDR_BYTES && (sdu[PDCP_SRB_HDR_BYTES] & 0xf8) == 0x30 &&
        pdcp_srb_rx_clear(&ue->pdcp1, sdu, len, 0) == 0) {
        ue->smc_pending = false;
        log_info(LOG_MAC, "0x%04x: unprotected SecurityModeFailure taken (38.331 5.3.4.3)", ue->crnti);
    }
    if (ue->ul_cipher_due) { /* applied after the call: PDCP callbacks must not reenter the entity */
        pdcp_srb_security_rx_cipher_from(&ue->pdcp1, ue->ul_cipher_count);
        ue->ul_cipher_due = false;
    }
}

/* The DRBs' time: ms of the slot, never going back (PUSCH indications come for slots before the DL slot being
 * scheduled; RLC and PDCP timers want a monotonic clock). */
static int64_t drb_ms(const struct mac_ues *u, uint64_t slot)
{
    int64_t ms = slot_ms(u, slot);
    return ms > u->drb_ms ? ms : u->drb_ms;
}

/* PDCP of a DRB delivers an SDAP PDU: the IP packet (37.324 6.2.2.3: UL header D/C | R | QFI, D/C = 0 an
 * end-marker control PDU with nothing for the core) is queued for mac_take_ul_data. */
static void drb_pdcp_delivered(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct mac_ues *u = ctx;
    struct mac_ue *ue = u->delivering;
    struct mac_drb *d = u->delivering_drb;
    (void)count;
    if (!ue || !d) return;
    if (d->sdap_ul) {
        if (len >= 1 && !(sdu[0] & 0x80)) return; /* end-marker */
        sdu++;
        len = len > 0 ? len - 1 : 0;
    }
    if (len == 0 || len > MAC_DRB_MAX_SDU || u->n_ul_out >= MAC_UL_DATA_OUT) {
        d->ul_dropped++;
        u->ul_data_dropped++;
        u->stats.drb_ul_dropped++;
        return;
    }
    struct mac_ul_data *o = &u->ul_out[(u->ul_out_head + u->n_ul_out++) % MAC_UL_DATA_OUT];
    o->rnti = ue->crnti;
    o->drb_id = d->drb_id;
    o->len = (int)len;
    memcpy(o->data, sdu, len);
    d->ul_sdus++;
    d->ul_bytes += len;
    u->stats.drb_ul_sdus++;
    u->stats.drb_ul_bytes += len;
}

/* RLC AM of a DRB delivers a PDCP PDU. */
static void drb_rlc_delivered(void *ctx, const uint8_t *sdu, size_t len)
{
    struct mac_ues *u = ctx;
    struct mac_drb *d = u->delivering_drb;
    if (u->delivering && d && d->active) pdcp_drb_rx(&d->pdcp, sdu, len, u->drb_ms);
}

/* The DRB entities' configuration at init (18-bit SNs, no SDAP header); mac_ue_drb_setup changes only what
 * 38.331 configures. */
static const struct rlc_am_config drb_rlc_alloc = {
    .sn_bits = 18, .t_poll_retransmit_ms = 45, .poll_pdu = 64, .poll_byte = 25 * 1024, .max_retx_threshold = 8,
    .t_reassembly_ms = 35, .t_status_prohibit_ms = 10, .tx_sdus = MAC_DRB_TX_SDUS, .tx_bytes = MAC_DRB_TX_BYTES,
    .rx_slots = MAC_DRB_RX_SLOTS, .max_sdu_bytes = MAC_DRB_MAX_SDU + 1 + 3 + 4, /* SDAP, PDCP header, MAC-I */
};

static void drb_pdcp_config(struct mac_ues *u, int drb_id, struct pdcp_drb_config *pc)
{
    pdcp_drb_config_default(pc, drb_id);
    pc->rx_buffer_sdus = MAC_DRB_PDCP_RX;
    pc->tx_timer_sdus = 1; /* discard timer infinity: none runs */
    pc->max_sdu = MAC_DRB_MAX_SDU + 1;
    pc->deliver = drb_pdcp_delivered;
    pc->deliver_ctx = u;
}

/* The DRB goes (UE released or its context reused): queues, state and keys dropped, counters zeroed. */
static void drb_release(struct mac_drb *d)
{
    d->active = false;
    rlc_am_reset(&d->rlc);
    pdcp_drb_reestablish(&d->pdcp);
    pdcp_drb_security_deactivate(&d->pdcp);
    d->dl_sdus = d->dl_bytes = d->dl_dropped = d->ul_sdus = d->ul_bytes = d->ul_dropped = 0;
}

/* The entities of every DRB slot of a context, at init (pc: the PDCP configuration at init). */
static int drbs_init(struct mac_ues *u, struct mac_ue *ue, const struct pdcp_drb_config *pc)
{
    for (int k = 0; k < MAC_UE_DRBS; k++)
        if (rlc_am_init(&ue->drb[k].rlc, &u->drb_alloc, drb_rlc_delivered, u) < 0 ||
            pdcp_drb_init(&ue->drb[k].pdcp, pc) < 0)
            return -ENOMEM;
    return 0;
}

static bool ue_has_drb(const struct mac_ue *ue)
{
    for (int k = 0; k < MAC_UE_DRBS; k++)
        if (ue->drb[k].active) return true;
    return false;
}

/* ue's active DRB on LCID lcid, NULL when none. */
static struct mac_drb *drb_by_lcid(struct mac_ue *ue, int lcid)
{
    for (int k = 0; k < MAC_UE_DRBS; k++)
        if (ue->drb[k].active && ue->drb[k].lcid == lcid) return &ue->drb[k];
    return NULL;
}

void mac_ues_default_uss(int pci, int nof_prb, struct pdcch_alloc_ss *ss)
{
    /* as rrc_setup_builder_defaults() and its build: CORESET#1 over the carrier's 6-RB groups from CRB 0 (at most
     * 45), 1 symbol, non-interleaved, DM-RS N_ID = PCI from CRB 0; SS#2 AL2/4/8 = 2/2/1 fitted to its CCEs */
    int groups = nof_prb / 6 > 45 ? 45 : nof_prb / 6;
    static const int want[PDCCH_NUM_AL] = {0, 2, 2, 1, 0};
    *ss = (struct pdcch_alloc_ss){.id = 2, .ue_specific = true, .coreset_id = 1,
                                  .cs = {.crb_start = 0, .nof_rb = 6 * groups, .nof_symbols = 1, .start_symbol = 0,
                                         .interleaved = false, .reg_bundle_size = 6, .dmrs_ref_crb = 0,
                                         .dmrs_n_id = (uint16_t)pci}};
    pdcch_alloc_fit_candidates(groups, want, ss->nof_candidates);
}

static enum modulation_scheme qm_modulation(int qm)
{
    return qm == 2 ? MODULATION_QPSK : qm == 4 ? MODULATION_16QAM : qm == 6 ? MODULATION_64QAM : MODULATION_256QAM;
}

int mac_ues_init(struct mac_ues *u, const struct mac_ue_config *cfg)
{
    memset(u, 0, sizeof *u);
    u->cfg = *cfg;
    u->slots_per_frame = 10 * cfg->scs_khz / 15;
    struct tbs_mcs row;
    if (u->cfg.dl_mcs == 0) u->cfg.dl_mcs = MAC_UE_DL_MCS_DEFAULT;
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, u->cfg.dl_mcs, &row) < 0 || row.reserved) return -EINVAL;
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, cfg->grant_mcs, &row) < 0 || row.reserved) return -EINVAL;
    struct ul_pusch_req *q = &u->grant;
    q->grant = (struct pusch_grant){.n_id = (uint16_t)cfg->pci,
                                    .modulation = qm_modulation(row.qm),
                                    .crb_start = cfg->grant_prb_start, .nof_rb = cfg->grant_nof_prb,
                                    .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14,
                                    .dmrs = {.config_type = 1, .type_a_position = cfg->dmrs_type_a_position,
                                             .additional_position = 2, .cdm_groups_without_data = 2,
                                             .n_id = (uint16_t)cfg->pci}};
    if (pusch_grant_check(&q->grant) < 0 || cfg->grant_prb_start + cfg->grant_nof_prb > cfg->nof_prb) return -EINVAL;
    int max_prb = cfg->grant_max_prb > 0 ? cfg->grant_max_prb : cfg->grant_nof_prb;
    if (max_prb < cfg->grant_nof_prb || max_prb > cfg->nof_prb) return -EINVAL;
    u->cfg.grant_max_prb = max_prb;
    for (int m = 0; m < MAC_UE_MCS_ROWS; m++) {
        struct tbs_mcs rm;
        tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, m, &rm);
        for (int n = 1; n <= max_prb; n++) { /* 38.214 6.1.4.2 */
            struct tbs_cfg t = {.n_prb = n, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(&q->grant),
                                .layers = 1, .qm = rm.qm, .r_x1024 = rm.r_x1024};
            u->grant_tbs[m][n] = tbs_compute(&t);
            if (u->grant_tbs[m][n] <= 0) return -EINVAL;
        }
    }
    q->tb = (struct pusch_tb){.tbs = u->grant_tbs[cfg->grant_mcs][cfg->grant_nof_prb], .r = row.r_x1024 / 1024.0,
                              .new_data = true, .max_iterations = 10};
    /* link adaptation: DCI 1_0 and 0_0 read Table 5.1.3.1-1 (38.214 5.1.3.1, 6.1.4.1), DCI 1_1 with mcs-Table
     * qam256 Table 5.1.3.1-2 */
    struct link_adapt_config lc = cfg->la;
    if (lc.target_bler == 0) {
        link_adapt_config_default(&lc);
        lc.fixed_dl_mcs = cfg->css.rar_mcs;
        lc.fixed_ul_mcs = cfg->grant_mcs;
    }
    lc.dl_table = cfg->dl_256qam ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM; /* what RRCSetup configured */
    if (cfg->dl_256qam && lc.dl_mcs_max > 27) lc.dl_mcs_max = 27;   /* the last data row of Table 5.1.3.1-2 */
    if (cfg->dl_256qam && !cfg->uss_non_fallback) return -EINVAL; /* Table 5.1.3.1-2 needs DCI 1_1 */
    if (cfg->uss_non_fallback && (cfg->dci_1_1.n_rb_bwp != cfg->nof_prb || dci_1_1_size(&cfg->dci_1_1) < 0 ||
                                  cfg->dci_0_1.n_rb_bwp != cfg->nof_prb || dci_0_1_size(&cfg->dci_0_1) < 0))
        return -EINVAL;
    if (link_adapt_init(&u->la, &lc) < 0) return -EINVAL;
    u->ta_step_samples = (float)(cfg->css.sample_rate_hz * ra_ta_step_s(cfg->scs_khz)); /* 38.213 4.2 */
    bool any = false;
    for (int i = 0; i < PDCCH_NUM_AL; i++) any |= cfg->uss.nof_candidates[i] != 0;
    if (!any) mac_ues_default_uss(cfg->pci, cfg->nof_prb, &u->cfg.uss);
    if (pdcch_alloc_ss_check(&u->cfg.uss) < 0 || !u->cfg.uss.ue_specific ||
        u->cfg.uss.cs.crb_start + u->cfg.uss.cs.nof_rb > cfg->nof_prb)
        return -EINVAL;
    /* as many contexts as the carrier's dedicated PUCCH region holds (mac/ue_res.h), MAC_MAX_UES at most */
    int n_ctx = ue_res_max_ues(cfg->nof_prb) < MAC_MAX_UES ? ue_res_max_ues(cfg->nof_prb) : MAC_MAX_UES;
    if (n_ctx < 1 || ue_res_layout_init(&u->layout, cfg->nof_prb, n_ctx, cfg->sr_period, &cfg->pattern) < 0 ||
        harq_ack_timing_init(&u->ack_timing, &cfg->pattern) < 0)
        return -EINVAL;
    /* each DL HARQ process's buffer: the carrier's largest TB (64QAM or 256QAM, every RE), MAC_UE_DL_TB_MAX at most */
    size_t whole = (size_t)cfg->nof_prb * 12 * 14 * (cfg->dl_256qam ? 8 : 6) / 8 + 16;
    u->n_ctx = n_ctx;
    u->tb_cap = whole < MAC_UE_DL_TB_MAX ? whole : MAC_UE_DL_TB_MAX;
    u->tb_mem = malloc((size_t)n_ctx * MAC_UE_DL_HARQ * u->tb_cap);
    if (!u->tb_mem) return -ENOMEM;
    u->drb_alloc = drb_rlc_alloc;
    size_t queue = (size_t)MAC_DRB_TX_SLOTS * u->tb_cap;
    u->drb_alloc.tx_bytes = queue > MAC_DRB_TX_BYTES ? queue : MAC_DRB_TX_BYTES;
    u->drb_alloc.tx_sdus = (uint32_t)(u->drb_alloc.tx_bytes / MAC_DRB_TX_SDU_BYTES);
    if (u->drb_alloc.tx_sdus < MAC_DRB_TX_SDUS) u->drb_alloc.tx_sdus = MAC_DRB_TX_SDUS;
    for (int i = 0; i < MAC_MAX_UES; i++) {
        struct mac_ue *ue = &u->ue[i];
        struct pdcp_srb_config pc;
        pdcp_srb_config_default(&pc, 1);
        pc.deliver = pdcp_delivered;
        pc.deliver_ctx = u;
        struct pdcp_drb_config dc;
        drb_pdcp_config(u, 1, &dc);
        if (rlc_am_init(&ue->srb1, &rlc_am_config_srb_default, rlc_delivered, u) < 0 ||
            pdcp_srb_init(&ue->pdcp1, &pc) < 0 ||
            (i < n_ctx && drbs_init(u, ue, &dc) < 0)) {
            mac_ues_free(u);
            return -ENOMEM;
        }
        for (int h = 0; i < n_ctx && h < MAC_UE_DL_HARQ; h++)
            ue->dl_harq[h].tb = u->tb_mem + ((size_t)i * MAC_UE_DL_HARQ + (size_t)h) * u->tb_cap;
    }
    return 0;
}

void mac_ues_free(struct mac_ues *u)
{
    for (int i = 0; i < MAC_MAX_UES; i++) {
        rlc_am_free(&u->ue[i].srb1);
        pdcp_srb_free(&u->ue[i].pdcp1);
        for (int k = 0; k < MAC_UE_DRBS; k++) {
            rlc_am_free(&u->ue[i].drb[k].rlc);
            pdcp_drb_free(&u->ue[i].drb[k].pdcp);
        }
        for (int h = 0; h < MAC_UE_DL_HARQ; h++) u->ue[i].dl_harq[h].tb = NULL;
    }
    free(u->tb_mem);
    u->tb_mem = NULL;
}

void mac_ues_reset(struct mac_ues *u)
{
    for (int i = 0; i < MAC_MAX_UES; i++) {
        u->ue[i].active = false;
        for (int k = 0; k < MAC_UE_DRBS; k++) u->ue[i].drb[k].active = false;
    }
    u->n_act = 0;
    u->n_ul_out = u->ul_out_head = 0;
    u->drb_ms = 0;
    u->pending = 0;
    u->rr_next = 0;
    memset(u->sr_at, 0, sizeof u->sr_at);
    u->n_out = 0;
    u->n_ev = 0;
}

struct mac_ue *mac_ue_find(struct mac_ues *u, uint16_t rnti)
{
    for (int j = 0; j < u->n_act; j++)
        if (u->ue[u->act[j]].crnti == rnti) return &u->ue[u->act[j]];
    return NULL;
}

int mac_ues_res(const struct mac_ues *u, int index, struct ue_pucch_res *r)
{
    return ue_res_get(&u->layout, index, r);
}

struct mac_ue *mac_ue_add(struct mac_ues *u, uint16_t crnti, int ta, int index)
{
    struct ue_pucch_res res;
    if (mac_ues_res(u, index, &res) < 0) return NULL;
    struct mac_ue *ue = &u->ue[index];
    if (ue->active && ue->crnti != crnti) return NULL;
    struct rlc_am keep_rlc = ue->srb1;
    struct pdcp_srb keep_pdcp = ue->pdcp1;
    struct mac_drb keep_drb[MAC_UE_DRBS];
    memcpy(keep_drb, ue->drb, sizeof keep_drb);
    uint8_t *keep_tb[MAC_UE_DL_HARQ];
    for (int h = 0; h < MAC_UE_DL_HARQ; h++) keep_tb[h] = ue->dl_harq[h].tb;
    memset(ue, 0, sizeof *ue);
    ue->srb1 = keep_rlc;
    ue->pdcp1 = keep_pdcp;
    memcpy(ue->drb, keep_drb, sizeof keep_drb);
    for (int h = 0; h < MAC_UE_DL_HARQ; h++) ue->dl_harq[h].tb = keep_tb[h];
    ue->ul_dci_at = -1; /* no DCI 0_1 yet */
    for (int k = 0; k < MAC_UE_DRBS; k++) drb_release(&ue->drb[k]);
    rlc_am_reset(&ue->srb1);
    pdcp_srb_reestablish(&ue->pdcp1);
    pdcp_srb_security_deactivate(&ue->pdcp1);   /* a new connection starts at NIA0/NEA0 */
    bool listed = false;
    for (int j = 0; j < u->n_act && !listed; j++) listed = u->act[j] == index;
    if (!listed) u->act[u->n_act++] = index;
    ue->active = true;
    link_adapt_ue_reset(&u->la, &ue->la);
    ue->la.dl_table = TBS_MCS_TABLE_64QAM; /* RRCSetup has no mcs-Table: Table 5.1.3.1-1 until mac_ues_dl_table */
    ue->dl_table_pending = false;
    ue->crnti = crnti;
    ue->phr_ph = ue->phr_pcmax = -1;
    ue->ta = ta;
    ue->res = res;
    ue->ta_last_cmd = MAC_UE_TA_NONE;
    if (res.sr_period > 0 && res.sr_period <= UE_RES_MAX_SR_PERIOD && res.sr_offset >= 0 &&
        res.sr_offset < res.sr_period)
        u->sr_at[res.sr_offset] |= 1ull << index;
    mac_ue_mark(u, ue);
    return ue;
}

void mac_ue_mark(struct mac_ues *u, const struct mac_ue *ue)
{
    u->pending |= 1ull << (ue - u->ue);
}

static const int rv_order[4] = {0, 2, 3, 1}; /* rv of transmission n (mod 4), 38.214 5.1.2.1 / 6.1.4 */

static int slots_per_ms(const struct mac_ues *u) { return u->cfg.scs_khz / 15; }

int mac_ue_ta_command(const struct mac_ues *u, const struct mac_ue *ue, uint64_t slot)
{
    if (ue->ta_n < MAC_UE_TA_MIN_MEAS || slot < ue->ta_hold || u->ta_step_samples <= 0) return MAC_UE_TA_NONE;
    long steps = lroundf(ue->ta_est / u->ta_step_samples); /* late > 0: transmit earlier, N_TA grows */
    long cmd = MAC_UE_TA_NONE + steps;
    return cmd < 0 ? 0 : cmd > 63 ? 63 : (int)cmd;
}

void mac_ue_ta_report(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, float ta_samples)
{
    if (slot < ue->ta_hold || !isfinite(ta_samples)) return;
    mac_ue_mark(u, ue); /* a TA command may be due */
    ue->ta_est = ue->ta_n == 0 ? ta_samples : ue->ta_est + 0.5f * (ta_samples - ue->ta_est);
    ue->ta_n++;
}

/* ue's PDCCH in SS#2 (UE-specific, CORESET#1 as RRCSetup configured it): a free candidate of the slot, AL4
 * wanted; n_ID = PCI, n_RNTI = 0 (no pdcch-DMRS-ScramblingID, 38.211 7.3.2.3). -ENOSPC: none free. */
static int uss_pdcch(struct mac_ues *u, struct pdcch_alloc *a, uint16_t rnti, struct dl_pdcch *p)
{
    int al, cce;
    int rc = pdcch_alloc_place(a, &u->cfg.uss, rnti, 4, 0, &al, &cce);
    if (rc < 0) return rc;
    *p = (struct dl_pdcch){.coreset = u->cfg.uss.cs, .rnti = rnti, .n_id = (uint16_t)u->cfg.pci, .n_rnti = 0,
                           .al = al, .first_cce = cce};
    return 0;
}

/* The process of ue whose PUSCH is granted for UL slot s, -1 when none. */
static int ul_harq_at(const struct mac_ue *ue, uint64_t s)
{
    for (int hid = 0; hid < MAC_UE_UL_HARQ; hid++) {
        const struct mac_ul_harq *h = &ue->ul_harq[hid];
        if (h->busy && !h->retx_due && h->pusch_slot == s) return hid;
    }
    return -1;
}

/* The DL processes of ue whose HARQ-ACK is due in UL slot s (the bits of its codebook there): their count, and
 * when hids is not NULL each one's process at its bit position. */
static int dl_acks_at(const struct mac_ue *ue, uint64_t s, int *hids)
{
    int n = 0;
    for (int hid = 0; hid < MAC_UE_DL_HARQ; hid++) {
        const struct mac_dl_harq *h = &ue->dl_harq[hid];
        if (!h->busy || h->ack_slot != s) continue;
        if (hids && h->ack_pos >= 0 && h->ack_pos < MAC_UE_DL_HARQ) hids[h->ack_pos] = hid;
        n++;
    }
    return n;
}

/* Whether one more PDSCH of ue may be acknowledged in UL slot s: up to 2 bits go on a PUSCH granted there (38.213
 * 9.3; more are not multiplexed on PUSCH, so a UE with a PUSCH there gets no third, and no grant for a slot with
 * more, serve_ul); on PUCCH 3 bits or more take format 2, whose resource the contexts UE_RES_F2_PAIRS apart share
 * (mac/ue_res.h): only one of them may use it in a slot. */
static bool ack_room(const struct mac_ues *u, const struct mac_ue *ue, uint64_t s)
{
    int n = dl_acks_at(ue, s, NULL);
    if (n >= MAC_UE_DL_HARQ) return false;
    if (n < HARQ_ACK_SET0_MAX_BITS) return true;
    if (ul_harq_at(ue, s) >= 0) return false;
    if (n > HARQ_ACK_SET0_MAX_BITS) return true; /* format 2 is its own in s already */
    for (int k = ue->res.index % UE_RES_F2_PAIRS; k < u->n_ctx; k += UE_RES_F2_PAIRS) {
        const struct mac_ue *o = &u->ue[k];
        if (o != ue && o->active && dl_acks_at(o, s, NULL) > HARQ_ACK_SET0_MAX_BITS) return false;
    }
    return true;
}

/* The bits of UE DL assignment d (C-RNTI, UE-specific search space): DCI 1_0 as it is, or with
 * cfg.uss_non_fallback DCI 1_1 (38.212 7.3.1.2.2) with the same fields, k1 index 3 of dl-DataToUL-ACK {1..8} (k1 4, as the 1_0's 3
 * gives), DAI as in 1_0, antenna ports row 3 (port 1000, two CDM groups without data: the DM-RS of a 1_0, 38.212
 * Table 7.3.1.2.2-1), no SRS request, n_SCID 0. Returns the size or -EINVAL. */
static int ue_dl_dci(const struct mac_ue_config *c, const struct dci_1_0 *d, uint8_t *bits)
{
    if (!c->uss_non_fallback) return dci_1_0_pack(d, c->nof_prb, bits, DL_DCI_MAX_BITS);
    struct dci_1_1 e = {.frequency_domain_assignment = d->frequency_domain_assignment,
                        .time_domain_assignment = d->time_domain_assignment, .mcs = d->mcs, .ndi = d->ndi,
                        .rv = d->rv, .harq_process = d->harq_process, .dai = d->dai, .tpc = d->tpc,
                        .pucch_resource = d->pucch_resource, .harq_feedback_timing = d->harq_feedback_timing,
                        .antenna_ports = 3};
    return dci_1_1_pack(&e, &c->dci_1_1, bits, DL_DCI_MAX_BITS);
}

static void ul_dci_dai(const struct mac_ues *u, struct mac_ue *ue, uint64_t slot, struct dl_slot_request *dl);

/* The reserved row of table t (38.214 5.1.3.1: for retransmissions, Q_m only) with modulation order qm; 0 if
 * none (Q_m 8 in Table 5.1.3.1-1: never asked, a UE does not go back to qam64). */
static int reserved_mcs(enum tbs_mcs_table t, int qm)
{
    struct tbs_mcs row;
    for (int m = LINK_ADAPT_ROWS - 1; m >= 0 && tbs_mcs_lookup(t, m, &row) == 0 && row.reserved; m--)
        if (row.qm == qm) return m;
    return 0;
}

/* The PDSCH of the TB of ue's DL HARQ process hid (new or again) in this slot: DCI 1_0 C-RNTI in SS#2 (1_1 with
 * cfg.uss_non_fallback; its PDCCH p placed already when placed, else here) + PDSCH on the lowest free run of h->n_rb PRBs
 * of the carrier (RIV over the BWP from its start, 38.214 5.1.2.2.2: the DCI is in a UE-specific search space), HARQ process hid with its
 * NDI, the next rv, HARQ-ACK k1 slots later (mac/harq_ack.h: FDD 4; TDD the slot's own) as the next bit of that
 * slot's codebook (counter DAI); the TB is copied into a pool buffer for PHY DL. 0 (buffer given back) when it
 * does not fit the slot. */
static int send_dl_tb(struct mac_ues *u, struct mac_ue *ue, int hid, uint64_t slot, struct dl_slot_request *dl,
                      uint8_t *buf, int index, struct tb_pool *pool, struct pdcch_alloc *a, bool placed)
{
    const struct mac_ue_config *c = &u->cfg;
    struct mac_dl_harq *h = &ue->dl_harq[hid];
    struct pdsch_grant gr;
    struct tbs_mcs row;
    struct dl_pdcch *p = &dl->pdcch[dl->n_pdcch];
    int crb = pdcch_alloc_pdsch_find(a, 0, c->nof_prb, h->n_rb);
    if (crb < 0 || (!placed && uss_pdcch(u, a, ue->crnti, p) < 0)) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    int rv = rv_order[h->tx % 4];
    uint32_t k1_field = 0;
    int k1 = harq_ack_k1(&u->ack_timing, slot, !c->uss_non_fallback, &k1_field);
    int m = dl_acks_at(ue, slot + (uint64_t)k1, NULL) + 1; /* 38.213 9.1.3.1: this PDSCH's place in the codebook */
    struct dci_1_0 d = {.rnti_type = DCI_RNTI_C,
                        .frequency_domain_assignment = (uint32_t)dci_riv_encode(c->nof_prb, crb, h->n_rb),
                        .time_domain_assignment = 0, .mcs = (uint32_t)h->mcs, .ndi = h->ndi,
                        .rv = (uint32_t)rv, .harq_process = (uint32_t)hid, .dai = harq_ack_dai(m), .tpc = 1,
                        .pucch_resource = 0, .harq_feedback_timing = k1_field};
    if (ra_pdsch_at_table(&c->css, h->table, crb, h->n_rb, h->mcs, &gr, &row) != h->tbs) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    /* a TB of the other table, retransmitted once the UE switched: the reserved row of its modulation order
     * (38.214 5.1.3.2: the TBS of the TB's earlier DCI). During the switch the UE may read either table: a TB
     * from before it keeps its row (the UE most likely had not applied the reconfiguration then). */
    if (h->table != ue->la.dl_table && h->mcs != 0 && !ue->dl_table_pending)
        d.mcs = (uint32_t)reserved_mcs(ue->la.dl_table, row.qm);
    p->dci_len = ue_dl_dci(c, &d, p->dci);
    if (p->dci_len < 0) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    pdcch_alloc_pdsch_take(a, crb, h->n_rb);
    memcpy(buf, h->tb, (size_t)h->len);
    dl->n_pdcch++;
    struct dl_pdsch *s = &dl->pdsch[dl->n_pdsch++];
    s->grant = gr;
    s->grant.rnti = ue->crnti;
    s->grant.slot = (int)(slot % (uint64_t)u->slots_per_frame);
    s->codeword = PHY_DL_CW_TB;
    s->dlsch = (struct dlsch_cfg){.tbs = h->tbs, .r = row.r_x1024 / 1024.0, .qm = row.qm, .n_layers = 1, .rv = rv,
                                  .g = pdsch_nof_bits(&gr)};
    s->tb = buf;
    s->tb_index = index;
    h->tx++;
    h->busy = true;
    h->retx_due = false;
    h->ack_slot = slot + (uint64_t)k1;
    h->ack_pos = m - 1;
    ue->last_dl_dci_slot = slot;
    ul_dci_dai(u, ue, slot, dl); /* its HARQ-ACK may go on the PUSCH granted in this slot */
    if (h->with_ta) ue->ta_hold = slot + (uint64_t)(MAC_UE_TA_HOLD_MS * slots_per_ms(u));
    if (h->tx > 1) {
        ue->dl_retx++;
        u->stats.dl_retx++;
    } else {
        ue->dl_pdus++;
        u->stats.dl_tx++;
    }
    return 1;
}

/* The TBS of a PDSCH of n_rb PRBs at mcs of ue's table (38.214 5.1.3.2; the same on any PRBs). */
static int dl_tbs(const struct mac_ues *u, const struct mac_ue *ue, int n_rb, int mcs)
{
    struct pdsch_grant gr;
    struct tbs_mcs row;
    return ra_pdsch_at_table(&u->cfg.css, ue->la.dl_table, 0, n_rb, mcs, &gr, &row);
}

/* The MCS of ue's next new DL TB (a row of la.cfg.dl_table): the one place it is chosen. With cfg.la set (gnbd), link
 * adaptation (mac/link_adapt.h); without (cfg.la all zero), fixed: SRB1 alone at the RAR's robust MCS, a UE with a
 * DRB at cfg.dl_mcs. */
static int ue_dl_mcs(const struct mac_ues *u, struct mac_ue *ue)
{
    if (ue->dl_table_pending) return ue->la.dl.last_mcs = 0; /* the row both tables share (mac_ues_dl_table) */
    if (u->cfg.la.target_bler > 0) return link_adapt_dl_mcs(&u->la, &ue->la);
    return ue->la.dl.last_mcs = ue_has_drb(ue) ? u->cfg.dl_mcs : u->cfg.css.rar_mcs;
}

/* Whether DRB d has something for the DL now (RLC AM data, retransmissions or a STATUS PDU). */
static bool drb_wants(const struct mac_ues *u, const struct mac_drb *d, uint64_t slot)
{
    return d->active && (rlc_am_status_pending(&d->rlc, drb_ms(u, slot)) || rlc_am_tx_pending(&d->rlc) > 0);
}

/* Whether any of ue's DRBs has something for the DL now. */
static bool drb_dl_wants(const struct mac_ues *u, const struct mac_ue *ue, uint64_t slot)
{
    for (int k = 0; k < MAC_UE_DRBS; k++)
        if (drb_wants(u, &ue->drb[k], slot)) return true;
    return false;
}

#define MAC_UE_DL_PARTS 32 /* RLC PDUs in one DL TB */
struct dl_part {           /* one of them, in mac_ues.dl_scratch */
    int lcid;
    size_t off, len;
};

/* A new TB for ue in this slot: [TA command] + [one SRB1 RLC PDU] + [DRB RLC PDUs] + padding, at ue_dl_mcs(), kept
 * in its free DL HARQ process hid (NDI toggled). The PDCCH and the PRBs are found before RLC gives PDUs (a PDU pulled is sent): the
 * longest free run of PRBs of the slot (all of them when free), at most the HARQ buffer's bytes; SRB1 first, the
 * DRBs fill what is left (round robin from drb_rr, one PDU each per turn); then the fewest PRBs that hold it all. */
static int new_dl_tb(struct mac_ues *u, struct mac_ue *ue, int hid, uint64_t slot, struct dl_slot_request *dl,
                     struct tb_pool *pool, struct pdcch_alloc *a)
{
    const struct mac_ue_config *c = &u->cfg;
    struct mac_dl_harq *h = &ue->dl_harq[hid];
    int mcs = ue_dl_mcs(u, ue);
    size_t cap = u->tb_cap < pool->size ? u->tb_cap : pool->size;
    int start, run = pdcch_alloc_pdsch_longest(a, 0, c->nof_prb, &start);
    int room_tbs = run > 0 ? dl_tbs(u, ue, run, mcs) : -1;
    while (run > 1 && room_tbs > 8 * (int)cap) room_tbs = dl_tbs(u, ue, --run, mcs);
    if (room_tbs < 8 * 4 || room_tbs > 8 * (int)cap || dl->n_pdcch >= DL_MAX_PDCCH || dl->n_pdsch >= DL_MAX_PDSCH)
        return 0;
    int index;
    uint8_t *buf = tb_pool_take(pool, &index);
    if (!buf) return 0;
    if (uss_pdcch(u, a, ue->crnti, &dl->pdcch[dl->n_pdcch]) < 0) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    int ta = mac_ue_ta_command(u, ue, slot);
    size_t need = ta != MAC_UE_TA_NONE ? 2 : 0;  /* TA command CE */
    size_t room = (size_t)room_tbs / 8 - need;    /* for subPDUs of RLC PDUs: subheader (<= 3 bytes) + PDU */
    struct dl_part part[MAC_UE_DL_PARTS];
    int np = 0;
    size_t used = 0;
    const uint8_t *srb1_pdu = NULL;
    if (room > 3 && (rlc_am_status_pending(&ue->srb1, slot_ms(u, slot)) || rlc_am_tx_pending(&ue->srb1) > 0)) {
        int n = rlc_am_pull_pdu(&ue->srb1, u->dl_scratch, room - 3, slot_ms(u, slot));
        if (n > 0) {
            srb1_pdu = u->dl_scratch;
            part[np++] = (struct dl_part){MAC_LCID_SRB1, 0, (size_t)n};
        }
    }
    int turn = ue->drb_rr, idle = 0; /* DRB slot whose turn it is; turns in a row that gave nothing */
    bool first_drb = true;
    for (int counted = 0;;) {
        for (; counted < np; counted++) { /* the parts added so far take their room */
            size_t n = part[counted].len, sub = n + mac_pdu_subheader_len(n);
            used = part[counted].off + n;
            room -= sub;
            need += sub;
        }
        /* the smallest useful DRB PDU: an AMD PDU header with SO (5 bytes, 18-bit SN) and a byte */
        if (np >= MAC_UE_DL_PARTS || room < 3 + 6 || idle >= MAC_UE_DRBS) break;
        struct mac_drb *d = &ue->drb[turn];
        turn = (turn + 1) % MAC_UE_DRBS;
        int n = drb_wants(u, d, slot) ? rlc_am_pull_pdu(&d->rlc, u->dl_scratch + used, room - 3, drb_ms(u, slot)) : 0;
        if (n <= 0) {
            idle++;
            continue;
        }
        idle = 0;
        if (first_drb) ue->drb_rr = turn; /* the next TB opens with the DRB after this one */
        first_drb = false;
        part[np++] = (struct dl_part){d->lcid, used, (size_t)n};
    }
    int tbs = -1, n_rb;
    for (n_rb = 1; need > 0 && n_rb <= run; n_rb++) {
        tbs = dl_tbs(u, ue, n_rb, mcs);
        if (tbs >= 8 * (int)need) break;
    }
    if (need == 0 || tbs < 8 * (int)need || (size_t)tbs / 8 > cap) {
        tb_pool_give_back(pool, index); /* nothing to send (a PDU is never left out: it was sized to fit) */
        return 0;
    }
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, h->tb, (size_t)tbs / 8);
    /* 38.321 6.1.2: DL MAC CEs before the SDUs */
    bool bad = ta != MAC_UE_TA_NONE && mac_pdu_add_ta_command(&b, 0, ta) < 0;
    for (int k = 0; k < np && !bad; k++)
        bad = mac_pdu_add_sdu(&b, part[k].lcid, u->dl_scratch + part[k].off, part[k].len) < 0;
    if (bad) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    mac_pdu_finish(&b);
    h->busy = h->retx_due = false;
    h->with_ta = ta != MAC_UE_TA_NONE;
    /* An AMD PDU (D/C = 1, 38.322 6.2.2.4) after which nothing new is left: its ACK delivers the DCCH SDUs once no
     * other TB with SRB1 data is in flight (dl_outcome). */
    h->srb1 = srb1_pdu && (srb1_pdu[0] & 0x80);
    h->dcch_last = h->srb1 && ue->dcch_unacked && rlc_am_tx_pending(&ue->srb1) == 0;
    h->dcch_seq = ue->dcch_seq;
    h->tx = 0;
    h->n_rb = n_rb;
    h->mcs = mcs;
    h->table = ue->la.dl_table;
    h->tbs = tbs;
    h->len = tbs / 8;
    h->ndi ^= 1u;
    ue->dl_harq_next = (hid + 1) % MAC_UE_DL_HARQ;
    if (ta != MAC_UE_TA_NONE) {
        ue->ta_commands++;
        u->stats.ta_commands++;
        ue->ta_last_cmd = ta;
        ue->ta += ta - MAC_UE_TA_NONE;
        if (ue->ta < 0) ue->ta = 0;
        ue->ta_n = 0;
        ue->ta_est = 0;
        log_info(LOG_MAC, "TA: c-rnti=0x%04x slot=%llu command T_A=%d (%+d steps of %.1f samples), N_TA %d", ue->crnti,
                 (unsigned long long)slot, ta, ta - MAC_UE_TA_NONE, (double)u->ta_step_samples, ue->ta);
    }
    return send_dl_tb(u, ue, hid, slot, dl, buf, index, pool, a, true);
}

/* Where nof_prb PRBs of a PUSCH in pusch_slot go: at prefer when the UL map has them free there, else its lowest
 * free run of that many (with shrink: the longest free run, fewer PRBs, written back); without a map at prefer.
 * -ENOSPC: no room. */
static int place_pusch(const struct mac_ues *u, uint64_t pusch_slot, int prefer, int *nof_prb, bool shrink)
{
    if (!u->ul_map) return prefer + *nof_prb <= u->cfg.nof_prb ? prefer : -ENOSPC;
    if (ul_map_pusch_count(u->ul_map, pusch_slot) >= UL_MAX_PUSCH) return -ENOSPC; /* PHY UL's receptions */
    if (ul_map_is_free(u->ul_map, pusch_slot, prefer, *nof_prb, UL_MAP_ALL_SYMBOLS)) return prefer;
    int prb = ul_map_find(u->ul_map, pusch_slot, 0, u->cfg.nof_prb, *nof_prb, UL_MAP_ALL_SYMBOLS);
    if (prb >= 0 || !shrink) return prb < 0 ? -ENOSPC : prb;
    prb = ul_map_find_longest(u->ul_map, pusch_slot, 0, u->cfg.nof_prb, *nof_prb, UL_MAP_ALL_SYMBOLS, nof_prb);
    return prb < 0 ? -ENOSPC : prb;
}

/* 38.213 9.1.3.2 (dynamic codebook): the 1st DAI of ue's DCI 0_1 of this slot is V_T-DAI,UL, the DL DCIs whose
 * HARQ-ACK its PUSCH carries, (n - 1) mod 4 (3 = 4 for none: with no DL DCI detected the UE then multiplexes no
 * HARQ-ACK); 9.1.2.2 (semi-static, 1 bit): 1 when there is HARQ-ACK. Packed again into its PDCCH entry. */
static void ul_dci_dai(const struct mac_ues *u, struct mac_ue *ue, uint64_t slot, struct dl_slot_request *dl)
{
    const struct mac_ue_config *c = &u->cfg;
    if (!c->uss_non_fallback || ue->last_ul_dci_slot != slot || ue->ul_dci_at < 0 || ue->ul_dci_at >= dl->n_pdcch)
        return;
    int n = dl_acks_at(ue, ue->ul_dci_pusch_slot, NULL);
    ue->ul_dci.dai1 = c->dci_0_1.dynamic_harq_codebook ? (uint32_t)(n + 3) % 4 : n > 0;
    struct dl_pdcch *p = &dl->pdcch[ue->ul_dci_at];
    p->dci_len = dci_0_1_pack(&ue->ul_dci, &c->dci_0_1, p->dci, DL_DCI_MAX_BITS);
}

/* The bits of UL grant d (C-RNTI, UE-specific search space) into p: DCI 0_0 sized like DCI 1_0 there (38.212
 * 7.3.1.0: both over the BWP, 0_0 padded), or with cfg.uss_non_fallback DCI 0_1 with the same fields (antenna
 * ports row 2 of Table 7.3.1.1.2-8, UL-SCH, 1st DAI by ul_dci_dai) kept in ue for ul_dci_dai. */
static int ue_ul_dci(struct mac_ue *ue, const struct mac_ue_config *c, const struct dci_0_0 *d, struct dl_pdcch *p)
{
    if (!c->uss_non_fallback)
        return dci_0_0_pack(d, c->nof_prb, dci_1_0_size(DCI_RNTI_C, c->nof_prb), p->dci, DL_DCI_MAX_BITS);
    ue->ul_dci = (struct dci_0_1){.frequency_domain_assignment = d->frequency_domain_assignment,
                                  .time_domain_assignment = d->time_domain_assignment, .mcs = d->mcs, .ndi = d->ndi,
                                  .rv = d->rv, .harq_process = d->harq_process, .dai1 = 3, .tpc = d->tpc,
                                  .antenna_ports = 2, .ulsch_indicator = 1};
    return dci_0_1_pack(&ue->ul_dci, &c->dci_0_1, p->dci, DL_DCI_MAX_BITS);
}

/* The UL DCI (0_1, or 0_0: ue_ul_dci) of ue's UL HARQ process hid (new TB or retransmission) in this slot, in
 * SS#2, its PUSCH k2 slots later on h->nof_prb PRBs placed by place_pusch (a retransmission keeps its PRB count:
 * the TBS stays). 0: no room (PUSCH PRBs or PDCCH). */
static int send_ul_grant(struct mac_ues *u, struct mac_ue *ue, int hid, uint64_t slot, struct dl_slot_request *dl,
                         struct pdcch_alloc *a)
{
    const struct mac_ue_config *c = &u->cfg;
    struct mac_ul_harq *h = &ue->ul_harq[hid];
    uint64_t pusch_slot = slot + (uint64_t)c->k2;
    int prb = place_pusch(u, pusch_slot, h->prb_start, &h->nof_prb, false);
    if (prb < 0) return 0;
    h->prb_start = prb;
    struct dci_0_0 d = {.frequency_domain_assignment = (uint32_t)dci_riv_encode(c->nof_prb, h->prb_start,
                                                                                 h->nof_prb),
                        .time_domain_assignment = 0, .mcs = (uint32_t)h->mcs, .ndi = h->ndi,
                        .rv = (uint32_t)rv_order[h->tx % 4], .harq_process = (uint32_t)hid, .tpc = 1};
    struct dl_pdcch *p = &dl->pdcch[dl->n_pdcch];
    if (dl->n_pdcch >= DL_MAX_PDCCH || uss_pdcch(u, a, ue->crnti, p) < 0) return 0;
    p->dci_len = ue_ul_dci(ue, c, &d, p);
    if (p->dci_len < 0) return 0;
    ue->ul_dci_at = dl->n_pdcch++;
    ue->ul_dci_pusch_slot = pusch_slot;
    if (u->ul_map) ul_map_reserve(u->ul_map, pusch_slot, prb, h->nof_prb, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH);
    h->tx++;
    h->busy = true;
    h->retx_due = false;
    h->pusch_slot = pusch_slot;
    ue->last_ul_dci_slot = slot;
    ul_dci_dai(u, ue, slot, dl); /* the HARQ-ACKs of PDSCHs sent already */
    ue->ul_grants++;
    if (h->tx > 1) {
        ue->ul_retx++;
        u->stats.ul_retx++;
    } else {
        ue->ul_tx++;
        u->stats.ul_tx++;
        ue->last_grant_dci_slot = slot;
    }
    return 1;
}

/* PRBs of a new grant at MCS mcs: from the BSR (what it reports beyond what earlier grants carried), else the
 * default. */
static int grant_prbs(const struct mac_ues *u, const struct mac_ue *ue, int mcs)
{
    const struct mac_ue_config *c = &u->cfg;
    if (ue->bsr_bytes <= ue->grant_bytes) return c->grant_nof_prb;
    uint64_t bits = 8 * (ue->bsr_bytes - ue->grant_bytes + MAC_UE_UL_OVERHEAD);
    for (int n = 1; n <= c->grant_max_prb; n++)
        if ((uint64_t)u->grant_tbs[mcs][n] >= bits) return n;
    return c->grant_max_prb;
}

/* A new UL TB for ue: the next free HARQ process, NDI toggled, sized by grant_prbs(). */
static int new_ul_grant(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, struct dl_slot_request *dl,
                        struct pdcch_alloc *a)
{
    for (int k = 0; k < MAC_UE_UL_HARQ; k++) {
        int hid = (ue->ul_harq_next + k) % MAC_UE_UL_HARQ;
        struct mac_ul_harq *h = &ue->ul_harq[hid];
        if (h->busy) continue;
        int mcs = link_adapt_ul_mcs(&u->la, &ue->la); /* the UL MCS: link adaptation (mac/link_adapt.h) */
        int n = grant_prbs(u, ue, mcs);
        int prb = place_pusch(u, slot + (uint64_t)u->cfg.k2, u->cfg.grant_prb_start, &n, true);
        if (prb < 0) return 0;
        uint32_t ndi = h->ndi ^ 1u;
        *h = (struct mac_ul_harq){.ndi = ndi, .prb_start = prb, .nof_prb = n, .tbs = u->grant_tbs[mcs][n],
                                  .mcs = mcs};
        if (!send_ul_grant(u, ue, hid, slot, dl, a)) {
            h->ndi ^= 1u; /* not sent: the process keeps its NDI */
            return 0;
        }
        ue->ul_harq_next = (hid + 1) % MAC_UE_UL_HARQ;
        ue->sr_pending = false;
        if (ue->bsr_bytes > ue->grant_bytes) ue->grant_bytes += (uint64_t)h->tbs / 8;
        return 1;
    }
    return 0;
}

/* A HARQ process after the outcome of its transmission number tx: done (ok), retransmission due, or dropped after
 * max_tx transmissions (returns true). */
static bool harq_outcome(bool *busy, bool *retx_due, int tx, int max_tx, bool ok)
{
    *busy = !ok && tx < max_tx;
    *retx_due = *busy;
    return !ok && tx >= max_tx;
}

/* The outcome of ue's PUSCH of HARQ process hid in `slot` (CRC OK, or failed / never received). */
static void ul_outcome(struct mac_ues *u, struct mac_ue *ue, int hid, uint64_t slot, bool ok)
{
    struct mac_ul_harq *h = &ue->ul_harq[hid];
    if (!h->busy || h->retx_due || h->pusch_slot != slot) return;
    if (h->tx == 1) link_adapt_ul_result(&u->la, &ue->la, ok);
    if (harq_outcome(&h->busy, &h->retx_due, h->tx, MAC_UE_UL_MAX_TX, ok)) {
        ue->ul_ko++;
        u->stats.ul_ko++;
    }
}

static void srb1_delivered(struct mac_ues *u, struct mac_ue *ue);

/* The HARQ-ACK of the TB of ue's DL process hid (ACK, or NACK / DTX / never received). SRB1's DL-DCCH SDUs are
 * delivered when the TB with the last of them is ACKed and no other TB with SRB1 data is still in flight (one
 * dropped leaves it to RLC AM's STATUS). */
static void dl_outcome(struct mac_ues *u, struct mac_ue *ue, int hid, bool ack)
{
    struct mac_dl_harq *h = &ue->dl_harq[hid];
    h->ack_slot = 0;
    if (!h->busy) return;
    if (h->tx == 1) link_adapt_dl_result(&u->la, &ue->la, ack);
    if (harq_outcome(&h->busy, &h->retx_due, h->tx, MAC_UE_DL_MAX_TX, ack)) {
        ue->dl_ko++;
        u->stats.dl_ko++;
        if (h->srb1) ue->dcch_last_acked = false;
    }
    if (ack && h->dcch_last && h->dcch_seq == ue->dcch_seq) ue->dcch_last_acked = true;
    if (!ue->dcch_last_acked || !ue->dcch_unacked) return;
    for (int k = 0; k < MAC_UE_DL_HARQ; k++)
        if (ue->dl_harq[k].busy && ue->dl_harq[k].srb1) return;
    srb1_delivered(u, ue);
}

/* Results that never came (a request PHY UL dropped, an indication lost) count as failures. */
static void expire_results(struct mac_ues *u, struct mac_ue *ue, uint64_t slot)
{
    for (int hid = 0; hid < MAC_UE_UL_HARQ; hid++) {
        struct mac_ul_harq *h = &ue->ul_harq[hid];
        if (!h->busy || h->retx_due || slot <= h->pusch_slot + MAC_UE_RESULT_WAIT) continue;
        u->stats.results_lost++;
        ue->pusch_ko++;
        if (harq_outcome(&h->busy, &h->retx_due, h->tx, MAC_UE_UL_MAX_TX, false)) {
            ue->ul_ko++;
            u->stats.ul_ko++;
        }
    }
    for (int hid = 0; hid < MAC_UE_DL_HARQ; hid++) {
        const struct mac_dl_harq *h = &ue->dl_harq[hid];
        if (!h->busy || !h->ack_slot || slot <= h->ack_slot + MAC_UE_RESULT_WAIT) continue;
        u->stats.results_lost++;
        ue->dl_nacks++;
        dl_outcome(u, ue, hid, false);
    }
}

static bool rlc_idle(const struct rlc_am *r)
{
    return rlc_sdu_queue_count(&r->q) == 0 && rlc_am_tx_pending(r) == 0 && !r->status_triggered &&
           !r->poll_delayed && !r->t_poll_retransmit.running && !r->t_reassembly.running &&
           !r->t_status_prohibit.running;
}

/* Whether ue has nothing the slot walk could act on or wait for: no HARQ process busy, no grant or HARQ-ACK
 * outstanding, nothing asked for (SR, BSR not covered, RRCSetupComplete not in yet), no TA command due or held,
 * SRB1's RLC AM empty with no timer running. Such a UE leaves the pending set until an event brings it back. */
static bool ue_idle(const struct mac_ues *u, const struct mac_ue *ue, uint64_t slot)
{
    if (!ue->active) return true;
    if (ue->sr_pending || !ue->setup_complete ||
        ue->bsr_bytes > ue->grant_bytes || ue->dcch_unacked || slot < ue->ta_hold ||
        mac_ue_ta_command(u, ue, slot) != MAC_UE_TA_NONE)
        return false;
    for (int hid = 0; hid < MAC_UE_UL_HARQ; hid++)
        if (ue->ul_harq[hid].busy) return false;
    for (int hid = 0; hid < MAC_UE_DL_HARQ; hid++)
        if (ue->dl_harq[hid].busy) return false;
    if (!rlc_idle(&ue->srb1)) return false;
    for (int k = 0; k < MAC_UE_DRBS; k++) {
        const struct mac_drb *d = &ue->drb[k];
        if (d->active && (!rlc_idle(&d->rlc) || d->pdcp.core.t_reordering_running)) return false;
    }
    return true;
}

/* ue's downlink this slot: pass 0 a retransmission due (the first process from dl_harq_next on), pass 1 a new TB
 * (RLC data or STATUS, a TA command) in a free process. At most one PDSCH per UE and slot, and only when the slot
 * has a k1 for the UE's DCI format and its HARQ-ACK slot room for one more bit (ack_room). */
static int serve_dl(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, int pass, struct dl_slot_request *dl,
                    struct tb_pool *pool, struct pdcch_alloc *a)
{
    if (ue->last_dl_dci_slot == slot || dl->n_pdcch >= DL_MAX_PDCCH || dl->n_pdsch >= DL_MAX_PDSCH) return 0;
    int k1 = harq_ack_k1(&u->ack_timing, slot, !u->cfg.uss_non_fallback, NULL);
    if (k1 <= 0 || !ack_room(u, ue, slot + (uint64_t)k1)) return 0;
    int hid = -1;
    for (int k = 0; k < MAC_UE_DL_HARQ; k++) {
        int i = (ue->dl_harq_next + k) % MAC_UE_DL_HARQ;
        const struct mac_dl_harq *h = &ue->dl_harq[i];
        if (pass == 0 ? h->retx_due : !h->busy) {
            hid = i;
            break;
        }
    }
    if (hid < 0) return 0;
    if (pass == 0) {
        int index;
        uint8_t *buf = tb_pool_take(pool, &index);
        return buf ? send_dl_tb(u, ue, hid, slot, dl, buf, index, pool, a, false) : 0;
    }
    bool wants = rlc_am_status_pending(&ue->srb1, slot_ms(u, slot)) || rlc_am_tx_pending(&ue->srb1) > 0 ||
                 drb_dl_wants(u, ue, slot) || mac_ue_ta_command(u, ue, slot) != MAC_UE_TA_NONE;
    return wants ? new_dl_tb(u, ue, hid, slot, dl, pool, a) : 0;
}

/* ue's UL grant this slot: pass 0 a retransmission due, pass 1 a new TB (SR, BSR not covered, or every
 * grant_period slots before RRCSetupComplete) in a free process. At most one grant per UE and slot (one PUSCH per
 * UL slot); as many PUSCHs in flight as processes are free. */
static int serve_ul(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, int pass, struct dl_slot_request *dl,
                    struct pdcch_alloc *a)
{
    if (ue->last_ul_dci_slot == slot || dl->n_pdcch >= DL_MAX_PDCCH) return 0;
    /* a PUSCH carries at most 2 HARQ-ACK bits (ack_room): none where the UE's codebook has more */
    if (dl_acks_at(ue, slot + (uint64_t)u->cfg.k2, NULL) > HARQ_ACK_SET0_MAX_BITS) return 0;
    if (pass == 0) {
        for (int hid = 0; hid < MAC_UE_UL_HARQ; hid++)
            if (ue->ul_harq[hid].retx_due && send_ul_grant(u, ue, hid, slot, dl, a)) return 1;
        return 0;
    }
    /* a BSR not covered yet: a grant every UL slot; an SR, or before RRCSetupComplete every grant_period slots:
     * one while no new TB's PUSCH is in flight (its BSR will say what is left; so an SR sent before a grant came
     * gets none of its own) */
    bool idle = true;
    for (int hid = 0; hid < MAC_UE_UL_HARQ; hid++) idle &= !ue->ul_harq[hid].busy || ue->ul_harq[hid].tx > 1;
    bool polled = !ue->setup_complete &&
                  (!ue->last_grant_dci_slot || slot >= ue->last_grant_dci_slot + (uint64_t)u->cfg.grant_period);
    bool asked = ue->bsr_bytes > ue->grant_bytes || (idle && (ue->sr_pending || polled));
    return asked ? new_ul_grant(u, ue, slot, dl, a) : 0;
}

int mac_ues_schedule_dl(struct mac_ues *u, uint64_t slot, bool usable, bool pusch_slot_ul, bool ack_slot_ul,
                        struct dl_slot_request *dl, struct tb_pool *pool, struct pdcch_alloc *a)
{
    u->now_slot = slot;
    u->drb_ms = drb_ms(u, slot);
    /* the pending contexts only, in round-robin order: from rr_next upwards, wrapping */
    int order[MAC_MAX_UES], n = 0;
    uint64_t upper = u->rr_next < 64 ? u->pending & (~0ull << u->rr_next) : 0;
    for (uint64_t b = upper; b; b &= b - 1) order[n++] = __builtin_ctzll(b);
    for (uint64_t b = u->pending & ~upper; b; b &= b - 1) order[n++] = __builtin_ctzll(b);
    u->stats.pending_visits += (uint64_t)n;
    int kept = 0;
    for (int j = 0; j < n; j++) {
        struct mac_ue *ue = &u->ue[order[j]];
        if (ue->active) expire_results(u, ue, slot);
        for (int k = 0; ue->active && k < MAC_UE_DRBS; k++) { /* the DRBs' timers (SRB1's run in its pull and
                                                                * push calls) */
            struct mac_drb *d = &ue->drb[k];
            if (!d->active) continue;
            u->delivering = ue;
            u->delivering_drb = d;
            rlc_am_tick(&d->rlc, u->drb_ms);
            pdcp_drb_tick(&d->pdcp, u->drb_ms);
            u->delivering = NULL;
            u->delivering_drb = NULL;
        }
        if (ue_idle(u, ue, slot)) u->pending &= ~(1ull << order[j]);
        else order[kept++] = order[j];
    }
    if (!usable) return 0;
    /* pass 0: HARQ retransmissions (DL, UL) of every pending UE; pass 1: new data. Each UE at most one DL and one
     * UL DCI a slot (a PDSCH whose HARQ-ACK slot is that of the UE's PUSCH has its HARQ-ACK on the PUSCH,
     * mac_ues_schedule_ul); what finds no PDCCH candidate, PRBs or request entry waits for the next slot, and
     * the walk there starts after the last UE given new data here. */
    int added = 0, last_new = -1;
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < kept; j++) {
            struct mac_ue *ue = &u->ue[order[j]];
            int got = (ack_slot_ul ? serve_dl(u, ue, slot, pass, dl, pool, a) : 0) +
                      (pusch_slot_ul ? serve_ul(u, ue, slot, pass, dl, a) : 0);
            added += got;
            if (got && pass == 1) last_new = order[j];
        }
    if (last_new >= 0) u->rr_next = (last_new + 1) % MAC_MAX_UES;
    return added;
}

/* A PUCCH of the UE's (mac/ue_res.h) to hear: format 1 (14 symbols) resource 0 (HARQ-ACK, set 0) or 2 (SR) with
 * nbits 1..2, or format 2 (set 1: 1 PRB x 2 symbols) with an nbits payload (HARQ-ACK, then SR). */
static void add_pucch(struct mac_ues *u, const struct mac_ue *ue, uint64_t slot, bool sr, bool f2, int nbits,
                      struct ul_slot_request *ul)
{
    const struct mac_ue_config *c = &u->cfg;
    const struct ue_pucch_res *res = &ue->res;
    if (ul->n_pucch >= UL_MAX_PUCCH) { /* not heard: an SR waits for the next occasion, a HARQ-ACK expires */
        u->stats.pucch_no_room++;
        return;
    }
    struct ul_pucch_req *q = &ul->pucch[ul->n_pucch++];
    struct pucch_resource r = {.format = PUCCH_FORMAT_1, .start_prb = res->f1_prb, .start_symbol = 0,
                               .nof_symbols = 14, .initial_cs = res->f1_cs,
                               .time_domain_occ = sr ? res->sr_occ : res->ack_occ[0]};
    if (f2)
        r = (struct pucch_resource){.format = PUCCH_FORMAT_2, .start_prb = res->f2_prb,
                                    .start_symbol = res->f2_symbol, .nof_symbols = 2, .nof_prb = 1};
    *q = (struct ul_pucch_req){
        .cfg = {.res = r, .bwp_size = c->nof_prb, .slot = (int)(slot % (uint64_t)u->slots_per_frame),
                .n_id = (uint16_t)c->pci, .n_id_data = (uint16_t)c->pci, .n_id_dmrs = (uint16_t)c->pci,
                .rnti = ue->crnti},
        .purpose = sr ? UL_PUCCH_SR : UL_PUCCH_HARQ_ACK, .nof_bits = nbits};
}

/* The HARQ-ACK bits ue sends on PUCCH in UL slot s (0: none there, or they go on its PUSCH). */
static int pucch_acks_at(const struct mac_ue *ue, uint64_t s)
{
    return ul_harq_at(ue, s) < 0 ? dl_acks_at(ue, s, NULL) : 0;
}

int mac_ues_schedule_ul(struct mac_ues *u, uint64_t slot, struct ul_slot_request *ul)
{
    int n = 0;
    /* SR occasions: the contexts whose offset is this slot's (sr_at), idle or not. 38.213 9.2.5.1: with a
     * positive SR in a HARQ-ACK slot, a format 1 UE sends the HARQ-ACK (1-2 bits) on the SR resource; so both are
     * heard then, every SR resource before any HARQ-ACK one (mac_ue_pucch reads the SR's bits as the ACKs). With
     * format 2 (3 bits or more) the SR is a bit after the HARQ-ACK (9.2.5.2) and the SR resource is not heard. */
    int period = u->layout.sr_period;
    uint64_t sr = period > 0 ? u->sr_at[slot % (uint64_t)period] : 0;
    for (uint64_t b = sr; b; b &= b - 1) {
        const struct mac_ue *ue = &u->ue[__builtin_ctzll(b)];
        int acks = ue->active ? pucch_acks_at(ue, slot) : 0;
        if (ue->active && acks <= HARQ_ACK_SET0_MAX_BITS) add_pucch(u, ue, slot, true, false, acks > 1 ? acks : 1, ul);
    }
    /* HARQ-ACKs and PUSCHs: only pending UEs have them outstanding; the HARQ-ACKs due in the slot of the UE's PUSCH
     * go on that PUSCH (38.213 9.3) */
    for (uint64_t b = u->pending; b; b &= b - 1) {
        int k = __builtin_ctzll(b);
        const struct mac_ue *ue = &u->ue[k];
        int acks = ue->active ? pucch_acks_at(ue, slot) : 0;
        bool f2 = acks > HARQ_ACK_SET0_MAX_BITS;
        if (acks > 0) add_pucch(u, ue, slot, false, f2, acks + (f2 && (sr >> k & 1)), ul);
    }
    for (uint64_t b = u->pending; b && ul->n_pusch < UL_MAX_PUSCH; b &= b - 1) {
        const struct mac_ue *ue = &u->ue[__builtin_ctzll(b)];
        int hid = ue->active ? ul_harq_at(ue, slot) : -1;
        if (hid < 0) continue;
        const struct mac_ul_harq *h = &ue->ul_harq[hid];
        struct ul_pusch_req *q = &ul->pusch[ul->n_pusch++];
        *q = u->grant;
        q->grant.rnti = ue->crnti;
        q->grant.slot = (int)(slot % (uint64_t)u->slots_per_frame);
        q->grant.crb_start = h->prb_start;
        q->grant.nof_rb = h->nof_prb;
        q->tb.tbs = h->tbs;
        struct tbs_mcs row;
        if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, h->mcs, &row) == 0) {
            q->grant.modulation = qm_modulation(row.qm);
            q->tb.r = row.r_x1024 / 1024.0;
        }
        q->tb.rv = rv_order[(h->tx > 0 ? h->tx - 1 : 0) % 4];
        q->tb.new_data = h->tx <= 1;
        q->harq_id = hid;
        int acks = dl_acks_at(ue, slot, NULL); /* 1-2 (ack_room, serve_ul) */
        if (acks > 0) /* UCI-OnPUSCH as RRCSetup configures it: betaOffsetACK-Index1, scaling */
            q->grant.uci = (struct pusch_uci){.n_ack = acks, .beta_offset_index = MAC_UE_BETA_ACK_INDEX,
                                              .alpha = MAC_UE_UCI_SCALING};
        n++;
    }
    return n;
}

static void ue_event(struct mac_ues *u, enum mac_ue_event_type type, uint16_t rnti)
{
    if (u->n_ev >= MAC_UE_EVENTS) {
        u->events_dropped++;
        return;
    }
    u->ev[u->n_ev++] = (struct mac_ue_event){.type = type, .rnti = rnti};
}

static void srb1_delivered(struct mac_ues *u, struct mac_ue *ue)
{
    ue->dcch_unacked = false;
    ue->dcch_last_acked = false;
    ue_event(u, MAC_UE_DELIVERED, ue->crnti);
}

/* After the UE's SRB1 PDUs of a PUSCH: a STATUS that acknowledged every DL SDU, or RLC AM giving up. */
static void check_srb1(struct mac_ues *u, struct mac_ue *ue)
{
    if (ue->dcch_unacked && rlc_sdu_queue_count(&ue->srb1.q) == 0) srb1_delivered(u, ue);
    if (ue->srb1.max_retx_reached && !ue->lost_reported) {
        ue->lost_reported = true;
        ue_event(u, MAC_UE_LOST, ue->crnti);
    }
}

uint64_t mac_bsr_bytes(const struct mac_bsr *b)
{
    uint64_t sum = 0;
    bool eight = b->format == MAC_BSR_LONG || b->format == MAC_BSR_LONG_TRUNC;
    for (int i = 0; i < b->n && i < 8; i++) {
        uint32_t lo, hi;
        if (b->bs[i] && mac_bsr_range(b->bs[i], eight, &lo, &hi) == 0) sum += hi == UINT32_MAX ? lo : hi;
    }
    return sum;
}

/* The HARQ-ACK of one of ue's DL TBs, heard on a PUCCH or on a PUSCH: bit pos of an n-bit codebook. */
static void harq_ack_heard(struct mac_ues *u, struct mac_ue *ue, int hid, uint64_t slot, bool ack, const char *on,
                           int pos, int n)
{
    if (ack) ue->dl_acks++;
    else ue->dl_nacks++;
    dl_outcome(u, ue, hid, ack);
    const struct mac_dl_harq *h = &ue->dl_harq[hid];
    char bit[48] = "";
    if (n > 1) snprintf(bit, sizeof bit, " (bit %d of %d)", pos, n);
    log_info(LOG_MAC, "HARQ-ACK: c-rnti=0x%04x slot=%llu %s%s%s, HARQ %d tx %d%s", ue->crnti,
             (unsigned long long)slot, ack ? "ACK" : "NACK/DTX", on, bit, hid, h->tx,
             ack ? "" : h->retx_due ? ": retransmission due" : ": dropped");
}

/* The codebook of ue's UL slot `slot` heard: bit i (of nbits received; NULL: nothing decoded, all DTX) for the
 * process at position i. */
static void acks_heard(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const uint8_t *bits, int nbits,
                       const char *on)
{
    int hids[MAC_UE_DL_HARQ];
    int n = dl_acks_at(ue, slot, hids);
    if (n > 1) u->stats.ack_codebooks_multi++;
    for (int i = 0; i < n; i++)
        harq_ack_heard(u, ue, hids[i], slot, bits && i < nbits && bits[i] == 1, on, i, n);
}

/* 38.213 9.3: the HARQ-ACK bits the PUSCH of `slot` carried (the receiver's DTX test failing, or no result:
 * DTX). */
static void pusch_harq_ack(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const struct ul_pusch_result *r)
{
    bool got = r->rc >= 0 && !r->res.ack_dtx;
    acks_heard(u, ue, slot, got ? r->res.ack : NULL, got ? r->res.n_ack : 0, " on PUSCH");
}

void mac_ue_pusch(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const struct ul_pusch_result *r,
                  const uint8_t *tb)
{
    int sfn = (int)((slot / (uint64_t)u->slots_per_frame) % 1024), sl = (int)(slot % (uint64_t)u->slots_per_frame);
    bool ok = r->rc >= 0 && r->res.crc_ok;
    /* its HARQ process: the request's (a Msg3 with a C-RNTI MAC CE, under its TC-RNTI, is no process of ours) */
    int hid = r->req.harq_id >= 0 && r->req.harq_id < MAC_UE_UL_HARQ ? r->req.harq_id : 0;
    int tx = ue->ul_harq[hid].tx;
    mac_ue_mark(u, ue); /* a retransmission, a BSR, RLC data or STATUS to answer */
    if (r->req.grant.rnti == ue->crnti && r->req.grant.uci.n_ack > 0) pusch_harq_ack(u, ue, slot, r);
    if (r->req.grant.rnti == ue->crnti) ul_outcome(u, ue, hid, slot, ok);
    if (r->rc >= 0) {
        ue->last_rx_slot = slot;
        ue->pusch_snr_db = r->res.snr_db;
        link_adapt_ul_snr(&ue->la, r->res.snr_db);
        ue->pusch_ta_us = r->res.ta_us;
    }
    if (!ok) {
        ue->pusch_ko++;
        const struct mac_ul_harq *h = &ue->ul_harq[hid];
        log_info(LOG_MAC, "PUSCH: c-rnti=0x%04x slot=%d.%d crc=KO snr=%.1f dB, HARQ %d tx %d: %s", ue->crnti, sfn, sl,
                 (double)r->res.snr_db, hid, tx, h->retx_due ? "retransmission due" : h->busy ? "-" : "dropped");
        return;
    }
    ue->pusch_ok++;
    mac_ue_ta_report(u, ue, slot, r->res.ta_samples);
    struct mac_pdu_rx pdu;
    if (mac_pdu_parse(MAC_DIR_UL, tb, (size_t)r->tb_bytes, &pdu, NULL) < 0) {
        u->malformed_pdus++;
        log_warn(LOG_MAC, "PUSCH: c-rnti=0x%04x slot=%d.%d: malformed MAC PDU dropped", ue->crnti, sfn, sl);
        return;
    }
    char what[160];
    int w = 0;
    for (int i = 0; i < pdu.n && w < (int)sizeof what - 24; i++) {
        const struct mac_subpdu *s = &pdu.sub[i];
        w += snprintf(what + w, sizeof what - (size_t)w, " lcid%u:%u", s->lcid, s->length);
        if (s->lcid == MAC_LCID_SRB1) {
            ue->rlc_pdus++;
            u->delivering = ue;
            rlc_am_push_pdu(&ue->srb1, tb + s->offset, s->length, slot_ms(u, slot));
            u->delivering = NULL;
        } else if (s->lcid > MAC_LCID_SRB3 && drb_by_lcid(ue, s->lcid)) {
            struct mac_drb *d = drb_by_lcid(ue, s->lcid);
            u->drb_ms = drb_ms(u, slot);
            u->delivering = ue;
            u->delivering_drb = d;
            rlc_am_push_pdu(&d->rlc, tb + s->offset, s->length, u->drb_ms);
            u->delivering = NULL;
            u->delivering_drb = NULL;
        } else if (s->lcid == MAC_LCID_UL_SHORT_BSR || s->lcid == MAC_LCID_UL_SHORT_TRUNC_BSR ||
                   s->lcid == MAC_LCID_UL_LONG_BSR || s->lcid == MAC_LCID_UL_LONG_TRUNC_BSR) {
            struct mac_bsr bsr;
            if (mac_bsr_parse(s->lcid, tb + s->offset, s->length, &bsr) == 0) {
                /* the BSR counts what the UE had after building this PDU: the new TBs of later PUSCHs, granted
                 * already, carry part of it */
                ue->bsr_bytes = mac_bsr_bytes(&bsr);
                ue->grant_bytes = 0;
                for (int k = 0; k < MAC_UE_UL_HARQ; k++) {
                    const struct mac_ul_harq *h = &ue->ul_harq[k];
                    if (h->busy && !h->retx_due && h->tx == 1 && h->pusch_slot > slot)
                        ue->grant_bytes += (uint64_t)h->tbs / 8;
                }
            }
        } else if (s->lcid == MAC_LCID_UL_SINGLE_PHR) {
            /* 38.321 6.1.3.8; the levels are 38.133 10.1.17 (PH) and 10.1.18 (P_CMAX,f,c) */
            struct mac_phr phr;
            if (mac_phr_parse(tb + s->offset, s->length, &phr) == 0 &&
                (phr.ph != ue->phr_ph || phr.pcmax != ue->phr_pcmax)) {
                ue->phr_ph = phr.ph;
                ue->phr_pcmax = phr.pcmax;
                log_info(LOG_MAC, "PHR: c-rnti=0x%04x PH index %d, P_CMAX,f,c index %d", ue->crnti, phr.ph,
                         phr.pcmax);
            }
        }
    }
    check_srb1(u, ue);
    log_info(LOG_MAC, "PUSCH: c-rnti=0x%04x slot=%d.%d crc=OK snr=%.1f dB ta=%.2f us HARQ %d tx %d prb %d+%d, "
             "MAC PDU%s%s", ue->crnti, sfn, sl, (double)r->res.snr_db, (double)r->res.ta_us, hid, tx, r->req.grant.crb_start,
             r->req.grant.nof_rb, what, pdu.padding ? " + padding" : "");
}

bool mac_ue_pucch(struct mac_ues *u, uint64_t slot, const struct ul_pucch_result *r)
{
    struct mac_ue *ue = mac_ue_find(u, r->req.cfg.rnti);
    if (!ue || r->rc < 0) return ue != NULL;
    mac_ue_mark(u, ue);
    bool found = r->res.verdict == PUCCH_RX_VALID;
    int n = pucch_acks_at(ue, slot); /* 0: none, or they go on the PUSCH (mac_ue_pusch) */
    bool ack_due = n > 0, f2 = r->req.cfg.res.format == PUCCH_FORMAT_2;
    if (found) ue->last_rx_slot = slot;
    if (r->req.purpose == UL_PUCCH_SR) {
        if (!found) return true;
        ue->sr_pending = true;
        ue->srs++;
        log_info(LOG_MAC, "SR: c-rnti=0x%04x slot=%llu (snr %.1f dB)%s", ue->crnti, (unsigned long long)slot,
                 (double)r->res.snr_db, ack_due ? ", with the HARQ-ACK" : "");
        if (!ack_due) return true;
        ue->ack_on_sr_slot = slot; /* 38.213 9.2.5.1: the HARQ-ACK bits ride on the SR resource */
    } else if (ue->ack_on_sr_slot == slot || !ack_due) {
        return true; /* read from the SR resource already, or not the slot of our PDSCHs' HARQ-ACK */
    }
    if (f2) {
        u->stats.ack_codebooks_f2++;
        if (found && r->req.nof_bits > n && r->res.nbits > n && r->res.bits[n] == 1) { /* 38.213 9.2.5.2 */
            ue->sr_pending = true;
            ue->srs++;
            log_info(LOG_MAC, "SR: c-rnti=0x%04x slot=%llu (snr %.1f dB), with the HARQ-ACK on PUCCH F2", ue->crnti,
                     (unsigned long long)slot, (double)r->res.snr_db);
        }
    }
    acks_heard(u, ue, slot, found ? r->res.bits : NULL, found ? r->res.nbits : 0, f2 ? " on PUCCH F2" : "");
    return true;
}

int mac_ues_take_dcch(struct mac_ues *u, struct mac_dcch_sdu *out)
{
    if (u->n_out == 0) return 0;
    *out = u->out[0];
    memmove(&u->out[0], &u->out[1], (size_t)(--u->n_out) * sizeof u->out[0]);
    return 1;
}

int mac_ue_dl_dcch(struct mac_ues *u, uint16_t rnti, const uint8_t *sdu, size_t len)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (!ue) return -ENOENT;
    uint8_t pdu[MAC_DCCH_MAX + PDCP_SRB_HDR_BYTES + PDCP_MAC_I_BYTES];
    size_t n;
    int rc = pdcp_srb_tx(&ue->pdcp1, sdu, len, slot_ms(u, u->now_slot), pdu, sizeof pdu, &n, NULL);
    if (rc == 0) rc = rlc_am_write_sdu(&ue->srb1, pdu, n);
    if (rc == 0) {
        ue->dcch_unacked = true;
        ue->dcch_seq++;
        ue->dcch_last_acked = false; /* the TB that carried the last SDU so far does not carry this one */
    }
    mac_ue_mark(u, ue);
    return rc;
}

int mac_ue_srb_security_set(struct mac_ues *u, uint16_t rnti, const struct pdcp_sec_config *sc, bool ciphering)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (!ue) return -ENOENT;
    if (!sc) {
        pdcp_srb_security_deactivate(&ue->pdcp1);
        ue->smc_pending = false;
        return 0;
    }
    if (ciphering) {
        pdcp_srb_security_ciphering(&ue->pdcp1, true, true);   /* the UL limit found above stays */
        ue->smc_pending = false;
        return 0;
    }
    struct pdcp_sec_config c = *sc;
    c.tx_cipher = c.rx_cipher = false;
    int rc = pdcp_srb_security_activate(&ue->pdcp1, &c);
    if (rc == 0) ue->smc_pending = true;
    return rc;
}

int mac_ues_dl_table(struct mac_ues *u, uint16_t rnti, bool confirmed)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (!ue) return -ENOENT;
    if (!u->cfg.dl_256qam) return -EINVAL;
    ue->dl_table_pending = !confirmed;
    if (confirmed) ue->la.dl_table = TBS_MCS_TABLE_256QAM;
    return 0;
}

int mac_ue_release(struct mac_ues *u, uint16_t rnti)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (!ue) return -ENOENT;
    ue->active = false;
    for (int k = 0; k < MAC_UE_DRBS; k++) drb_release(&ue->drb[k]);
    int k = (int)(ue - u->ue);
    u->pending &= ~(1ull << k);
    for (int s = 0; s < UE_RES_MAX_SR_PERIOD; s++) u->sr_at[s] &= ~(1ull << k);
    for (int j = 0; j < u->n_act; j++)
        if (&u->ue[u->act[j]] == ue) { /* keep the others' order (the grant loops serve them in it) */
            memmove(&u->act[j], &u->act[j + 1], (size_t)(u->n_act - j - 1) * sizeof u->act[0]);
            u->n_act--;
            break;
        }
    u->released++;
    return 0;
}

int mac_ues_take_event(struct mac_ues *u, struct mac_ue_event *ev)
{
    if (u->n_ev == 0) return 0;
    *ev = u->ev[0];
    memmove(&u->ev[0], &u->ev[1], (size_t)(--u->n_ev) * sizeof u->ev[0]);
    return 1;
}

int mac_ues_drb_setup(struct mac_ues *u, uint16_t rnti, const struct mac_drb_config *c)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (!ue) return -ENOENT;
    if (!c || c->drb_id < 1 || c->drb_id > 32 || c->lcid <= MAC_LCID_SRB3 || c->lcid > MAC_LCID_MAX_LCH ||
        (c->pdcp_sn_bits != 12 && c->pdcp_sn_bits != 18) || c->qfi < 0 || c->qfi > 63)
        return -EINVAL;
    struct mac_drb *d = NULL, *free_d = NULL;
    for (int k = 0; k < MAC_UE_DRBS; k++) {
        struct mac_drb *x = &ue->drb[k];
        if (!x->active) {
            if (!free_d) free_d = x;
        } else if (x->drb_id == c->drb_id && x->lcid == c->lcid) {
            d = x; /* set up again */
        } else if (x->drb_id == c->drb_id || x->lcid == c->lcid) {
            return -EBUSY;
        }
    }
    if (!d) d = free_d;
    if (!d) return -ENOSPC;
    struct rlc_am_config rc = c->rlc; /* 38.331's fields; the resources are the MAC's */
    rc.tx_sdus = u->drb_alloc.tx_sdus;
    rc.tx_bytes = u->drb_alloc.tx_bytes;
    rc.rx_slots = u->drb_alloc.rx_slots;
    rc.max_sdu_bytes = u->drb_alloc.max_sdu_bytes;
    struct pdcp_drb_config pc;
    drb_pdcp_config(u, c->drb_id, &pc);
    pc.sn_bits = c->pdcp_sn_bits;
    pc.sdap_header_dl = c->sdap_header_dl;
    pc.sdap_header_ul = c->sdap_header_ul;
    if (rlc_am_config_check(&rc) < 0) return -EINVAL;
    if (rlc_am_reconfigure(&d->rlc, &rc) < 0 || pdcp_drb_reconfigure(&d->pdcp, &pc) < 0) {
        drb_release(d);
        return -EINVAL;
    }
    d->active = true;
    d->drb_id = c->drb_id;
    d->lcid = c->lcid;
    d->qfi = c->qfi;
    d->sdap_dl = c->sdap_header_dl;
    d->sdap_ul = c->sdap_header_ul;
    mac_ue_mark(u, ue);
    log_info(LOG_MAC, "DRB: c-rnti=0x%04x drb %d on LCID %d, RLC AM %d-bit SN, PDCP %d-bit SN, SDAP header DL %s "
             "UL %s, QFI %d", rnti, c->drb_id, c->lcid, rc.sn_bits, c->pdcp_sn_bits, c->sdap_header_dl ? "on" : "off",
             c->sdap_header_ul ? "on" : "off", c->qfi);
    return 0;
}

/* The UE's active DRB drb_id, NULL when none (or no such UE). */
static struct mac_drb *ue_drb(struct mac_ues *u, uint16_t rnti, int drb_id, struct mac_ue **uep)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (uep) *uep = ue;
    for (int k = 0; ue && k < MAC_UE_DRBS; k++)
        if (ue->drb[k].active && ue->drb[k].drb_id == drb_id) return &ue->drb[k];
    return NULL;
}

int mac_ues_drb_count(struct mac_ues *u, uint16_t rnti)
{
    const struct mac_ue *ue = mac_ue_find(u, rnti);
    int n = 0;
    for (int k = 0; ue && k < MAC_UE_DRBS; k++) n += ue->drb[k].active;
    return n;
}

int mac_ues_drb_release(struct mac_ues *u, uint16_t rnti, int drb_id, uint32_t *dropped)
{
    struct mac_drb *d = ue_drb(u, rnti, drb_id, NULL);
    if (!d) return -ENOENT;
    const struct rlc_sdu_queue *q = &d->rlc.q;
    uint32_t n = q->tail - q->head; /* SDUs queued or awaiting their acknowledgement */
    drb_release(d);
    u->drb_releases++;
    u->drb_release_dropped += n;
    if (dropped) *dropped = n;
    return 0;
}

int mac_ues_drb_security(struct mac_ues *u, uint16_t rnti, int drb_id, const struct pdcp_sec_config *up)
{
    struct mac_drb *d = ue_drb(u, rnti, drb_id, NULL);
    return d ? pdcp_drb_security_activate(&d->pdcp, up) : -ENOENT;
}

int mac_ues_dl_data(struct mac_ues *u, uint16_t rnti, int drb_id, const uint8_t *sdu, size_t len)
{
    struct mac_ue *ue;
    struct mac_drb *d = ue_drb(u, rnti, drb_id, &ue);
    if (!d) return -ENOENT;
    if (!sdu || len == 0 || len > MAC_DRB_MAX_SDU) {
        d->dl_dropped++;
        u->stats.drb_dl_dropped++;
        return -EMSGSIZE;
    }
    /* SDAP (37.324 6.2.2.2: DL header RDI 0 | RQI 0 | QFI) + PDCP header (+ MAC-I): refused before PDCP takes a
     * COUNT when RLC has no room, so a full queue never leaves a hole in the UE's PDCP */
    size_t hdr = d->sdap_dl ? 1 : 0, pdu_len = pdcp_drb_pdu_len(&d->pdcp, hdr + len);
    if (!rlc_sdu_queue_fits(&d->rlc.q, pdu_len)) {
        d->dl_dropped++;
        u->stats.drb_dl_dropped++;
        return -ENOBUFS;
    }
    uint8_t *sd = u->drb_pdu, *pdu = u->dl_scratch;
    if (hdr) sd[0] = (uint8_t)(d->qfi & 0x3f);
    memcpy(sd + hdr, sdu, len);
    size_t n;
    int rc = pdcp_drb_tx(&d->pdcp, sd, hdr + len, drb_ms(u, u->now_slot), pdu, sizeof u->dl_scratch, &n, NULL);
    if (rc == 0) rc = rlc_am_write_sdu(&d->rlc, pdu, n);
    if (rc < 0) {
        d->dl_dropped++;
        u->stats.drb_dl_dropped++;
        return rc;
    }
    d->dl_sdus++;
    d->dl_bytes += len;
    u->stats.drb_dl_sdus++;
    u->stats.drb_dl_bytes += len;
    mac_ue_mark(u, ue);
    return 0;
}

int mac_ues_take_ul_data(struct mac_ues *u, struct mac_ul_data *out)
{
    if (u->n_ul_out == 0) return 0;
    const struct mac_ul_data *o = &u->ul_out[u->ul_out_head];
    out->rnti = o->rnti;
    out->drb_id = o->drb_id;
    out->len = o->len;
    memcpy(out->data, o->data, (size_t)o->len);
    u->ul_out_head = (u->ul_out_head + 1) % MAC_UL_DATA_OUT;
    u->n_ul_out--;
    return 1;
}
