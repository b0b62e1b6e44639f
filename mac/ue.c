/* Connected UEs: contexts, SRB1 uplink, grants (see ue.h). */
#include "mac/ue.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gnb/log.h"
#include "mac/mac_pdu.h"
#include "phy/ch/dci.h"
#include "phy/ch/pdsch.h"
#include "phy/fec/tbs.h"

static int64_t slot_ms(const struct mac_ues *u, uint64_t slot)
{
    return (int64_t)(slot * 15 / (uint64_t)u->cfg.scs_khz);
}

/* PDCP delivers an UL-DCCH SDU: queue it for the RRC. */
static void pdcp_delivered(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct mac_ues *u = ctx;
    struct mac_ue *ue = u->delivering;
    (void)count;
    if (!ue || u->n_out >= MAC_DCCH_OUT || len > MAC_DCCH_MAX) {
        u->dcch_dropped++;
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
    if (ue) pdcp_srb_rx(&ue->pdcp1, sdu, len, 0);
}

int mac_ues_init(struct mac_ues *u, const struct mac_ue_config *cfg)
{
    memset(u, 0, sizeof *u);
    u->cfg = *cfg;
    u->slots_per_frame = 10 * cfg->scs_khz / 15;
    struct tbs_mcs row;
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, cfg->grant_mcs, &row) < 0 || row.reserved) return -EINVAL;
    struct ul_pusch_req *q = &u->grant;
    q->grant = (struct pusch_grant){.n_id = (uint16_t)cfg->pci,
                                    .modulation = row.qm == 2 ? MODULATION_QPSK : row.qm == 4 ? MODULATION_16QAM
                                                                                            : MODULATION_64QAM,
                                    .crb_start = cfg->grant_prb_start, .nof_rb = cfg->grant_nof_prb,
                                    .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14,
                                    .dmrs = {.config_type = 1, .type_a_position = cfg->dmrs_type_a_position,
                                             .additional_position = 2, .cdm_groups_without_data = 2,
                                             .n_id = (uint16_t)cfg->pci}};
    if (pusch_grant_check(&q->grant) < 0 || cfg->grant_prb_start + cfg->grant_nof_prb > cfg->nof_prb) return -EINVAL;
    struct tbs_cfg t = {.n_prb = cfg->grant_nof_prb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(&q->grant),
                        .layers = 1, .qm = row.qm, .r_x1024 = row.r_x1024};
    int tbs = tbs_compute(&t);
    if (tbs <= 0) return -EINVAL;
    q->tb = (struct pusch_tb){.tbs = tbs, .r = row.r_x1024 / 1024.0, .new_data = true, .max_iterations = 10};
    if (ue_res_layout_init(&u->layout, cfg->nof_prb, MAC_MAX_UES, cfg->sr_period, &cfg->pattern) < 0) return -EINVAL;
    for (int i = 0; i < MAC_MAX_UES; i++) {
        struct mac_ue *ue = &u->ue[i];
        struct pdcp_srb_config pc;
        pdcp_srb_config_default(&pc, 1);
        pc.deliver = pdcp_delivered;
        pc.deliver_ctx = u;
        if (rlc_am_init(&ue->srb1, &rlc_am_config_srb_default, rlc_delivered, u) < 0 ||
            pdcp_srb_init(&ue->pdcp1, &pc) < 0) {
            mac_ues_free(u);
            return -ENOMEM;
        }
    }
    return 0;
}

void mac_ues_free(struct mac_ues *u)
{
    for (int i = 0; i < MAC_MAX_UES; i++) {
        rlc_am_free(&u->ue[i].srb1);
        pdcp_srb_free(&u->ue[i].pdcp1);
    }
}

void mac_ues_reset(struct mac_ues *u)
{
    for (int i = 0; i < MAC_MAX_UES; i++) u->ue[i].active = false;
    u->n_out = 0;
    u->n_ev = 0;
}

struct mac_ue *mac_ue_find(struct mac_ues *u, uint16_t rnti)
{
    for (int i = 0; i < MAC_MAX_UES; i++)
        if (u->ue[i].active && u->ue[i].crnti == rnti) return &u->ue[i];
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
    memset(ue, 0, sizeof *ue);
    ue->srb1 = keep_rlc;
    ue->pdcp1 = keep_pdcp;
    rlc_am_reset(&ue->srb1);
    pdcp_srb_reestablish(&ue->pdcp1);
    ue->active = true;
    ue->crnti = crnti;
    ue->ta = ta;
    ue->res = res;
    return ue;
}

/* SRB1 downlink for ue in this slot: DCI 1_0 C-RNTI + PDSCH with one RLC PDU. */
static int schedule_srb1_dl(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, struct dl_slot_request *dl,
                            struct tb_pool *pool)
{
    const struct mac_ue_config *c = &u->cfg;
    uint8_t pdu[256];
    int n = rlc_am_pull_pdu(&ue->srb1, pdu, sizeof pdu, slot_ms(u, slot));
    if (n <= 0) return 0;
    struct pdsch_grant gr;
    struct tbs_mcs row;
    int tbs = -1, n_rb;
    for (n_rb = 1; n_rb <= c->css.coreset0.nof_rb; n_rb++) {
        tbs = ra_css_pdsch(&c->css, n_rb, &gr, &row);
        if (tbs >= 8 * (n + 3)) break;
    }
    int index;
    uint8_t *tb = tbs >= 8 * (n + 3) ? tb_pool_take(pool, &index) : NULL;
    if (!tb) return 0; /* RLC AM sends it again (retransmission / status on the next poll) */
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, tb, (size_t)tbs / 8);
    if (mac_pdu_add_sdu(&b, MAC_LCID_SRB1, pdu, (size_t)n) < 0) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    mac_pdu_finish(&b);
    ue->dl_ndi ^= 1u;
    struct dci_1_0 d = {.rnti_type = DCI_RNTI_C,
                        .frequency_domain_assignment = (uint32_t)dci_riv_encode(c->css.coreset0.nof_rb, 0, n_rb),
                        .time_domain_assignment = 0, .mcs = (uint32_t)c->css.rar_mcs, .ndi = ue->dl_ndi, .rv = 0,
                        .harq_process = 1, .tpc = 1, .pucch_resource = 0, .harq_feedback_timing = 3};
    struct dl_pdcch *p = &dl->pdcch[dl->n_pdcch];
    ra_ss1_pdcch(&c->css, ue->crnti, p);
    p->dci_len = dci_1_0_pack(&d, c->css.coreset0.nof_rb, p->dci, DL_DCI_MAX_BITS);
    if (p->dci_len < 0) {
        tb_pool_give_back(pool, index);
        return 0;
    }
    dl->n_pdcch++;
    struct dl_pdsch *s = &dl->pdsch[dl->n_pdsch++];
    s->grant = gr;
    s->grant.rnti = ue->crnti;
    s->grant.slot = (int)(slot % (uint64_t)u->slots_per_frame);
    s->codeword = PHY_DL_CW_TB;
    s->dlsch = (struct dlsch_cfg){.tbs = tbs, .r = row.r_x1024 / 1024.0, .qm = row.qm, .n_layers = 1, .rv = 0,
                                  .g = pdsch_nof_bits(&gr)};
    s->tb = tb;
    s->tb_index = index;
    /* An AMD PDU (D/C = 1, 38.322 6.2.2.4) after which nothing new is left: its HARQ-ACK delivers the DCCH SDU. */
    ue->dcch_last_sent = ue->dcch_unacked && (pdu[0] & 0x80) && rlc_am_tx_pending(&ue->srb1) == 0;
    ue->dl_pdus++;
    ue->ack_slot = slot + 4;
    return 1;
}

int mac_ues_schedule_dl(struct mac_ues *u, uint64_t slot, bool usable, bool pusch_slot_ul, bool ack_slot_ul,
                        struct dl_slot_request *dl, struct tb_pool *pool)
{
    u->now_slot = slot;
    if (!usable || dl->n_pdcch >= DL_MAX_PDCCH) return 0;
    const struct mac_ue_config *c = &u->cfg;
    /* SRB1 downlink first (a STATUS the UE polled for), then UL grants. */
    for (int i = 0; ack_slot_ul && dl->n_pdsch < DL_MAX_PDSCH && i < MAC_MAX_UES; i++) {
        struct mac_ue *ue = &u->ue[i];
        if (!ue->active || ue->ack_slot >= slot) continue;
        if ((rlc_am_status_pending(&ue->srb1, slot_ms(u, slot)) || rlc_am_tx_pending(&ue->srb1) > 0) &&
            schedule_srb1_dl(u, ue, slot, dl, pool))
            return 1;
    }
    if (!pusch_slot_ul) return 0;
    for (int i = 0; i < MAC_MAX_UES; i++) {
        struct mac_ue *ue = &u->ue[i];
        bool wants = !ue->setup_complete || ue->sr_pending || ue->bsr_bytes > 0;
        if (!ue->active || !wants || ue->grant_slot) continue;
        if (!ue->sr_pending && ue->last_grant_dci_slot &&
            slot < ue->last_grant_dci_slot + (uint64_t)c->grant_period)
            continue;
        int prb = c->grant_prb_start;
        uint64_t pusch_slot = slot + (uint64_t)c->k2;
        if (u->ul_map) { /* where the UL map has room in the PUSCH's slot */
            prb = ul_map_find(u->ul_map, pusch_slot, 0, c->nof_prb, c->grant_nof_prb, UL_MAP_ALL_SYMBOLS);
            if (prb < 0) return 0;
        }
        ue->sr_pending = false;
        ue->ndi ^= 1u;
        struct dci_0_0 d = {.frequency_domain_assignment = (uint32_t)dci_riv_encode(c->nof_prb, prb,
                                                                                     c->grant_nof_prb),
                            .time_domain_assignment = 0, .mcs = (uint32_t)c->grant_mcs, .ndi = ue->ndi, .rv = 0,
                            .harq_process = 0, .tpc = 1};
        struct dl_pdcch *p = &dl->pdcch[dl->n_pdcch];
        ra_ss1_pdcch(&c->css, ue->crnti, p);
        int size = dci_1_0_size(DCI_RNTI_C, c->css.coreset0.nof_rb);
        p->dci_len = dci_0_0_pack(&d, c->nof_prb, size, p->dci, DL_DCI_MAX_BITS);
        if (p->dci_len < 0) return 0;
        dl->n_pdcch++;
        if (u->ul_map) ul_map_reserve(u->ul_map, pusch_slot, prb, c->grant_nof_prb, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH);
        ue->grant_prb = prb;
        ue->grant_slot = pusch_slot;
        ue->last_grant_dci_slot = slot;
        ue->ul_grants++;
        return 1;
    }
    return 0;
}

int mac_ues_schedule_ul(struct mac_ues *u, uint64_t slot, struct ul_slot_request *ul)
{
    int n = 0;
    const struct mac_ue_config *c = &u->cfg;
    for (int i = 0; i < MAC_MAX_UES && ul->n_pucch < UL_MAX_PUCCH; i++) {
        struct mac_ue *ue = &u->ue[i];
        if (!ue->active) continue;
        /* The UE's PUCCH resources (mac/ue_res.h): 0/1 = HARQ-ACK set 0, 2 = SR; format 1, 14 symbols. */
        const struct ue_pucch_res *res = &ue->res;
        bool sr_occasion = slot % (uint64_t)res->sr_period == (uint64_t)res->sr_offset;
        bool ack = ue->ack_slot == slot;
        /* 38.213 9.2.5.1: with a positive SR in a HARQ-ACK slot, a format 1 UE sends the HARQ-ACK on the SR
         * resource; so both are heard then, the SR resource first (mac_ue_pucch reads its bit as the ACK). */
        for (int which = 0; which < 2 && ul->n_pucch < UL_MAX_PUCCH; which++) {
            bool sr = which == 0;
            if (sr ? !sr_occasion : !ack) continue;
            struct ul_pucch_req *q = &ul->pucch[ul->n_pucch++];
            *q = (struct ul_pucch_req){
                .cfg = {.res = {.format = PUCCH_FORMAT_1, .start_prb = res->f1_prb, .start_symbol = 0,
                                .nof_symbols = 14, .initial_cs = res->f1_cs,
                                .time_domain_occ = sr ? res->sr_occ : res->ack_occ[0]},
                        .bwp_size = c->nof_prb, .slot = (int)(slot % (uint64_t)u->slots_per_frame),
                        .n_id = (uint16_t)c->pci, .n_id_data = (uint16_t)c->pci, .n_id_dmrs = (uint16_t)c->pci,
                        .rnti = ue->crnti},
                .purpose = sr ? UL_PUCCH_SR : UL_PUCCH_HARQ_ACK, .nof_bits = 1};
        }
    }
    for (int i = 0; i < MAC_MAX_UES && ul->n_pusch < UL_MAX_PUSCH; i++) {
        struct mac_ue *ue = &u->ue[i];
        if (!ue->active || ue->grant_slot != slot) continue;
        struct ul_pusch_req *q = &ul->pusch[ul->n_pusch++];
        *q = u->grant;
        q->grant.rnti = ue->crnti;
        q->grant.crb_start = ue->grant_prb;
        q->grant.slot = (int)(slot % (uint64_t)u->slots_per_frame);
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
    ue->dcch_last_sent = false;
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

/* The bytes a BSR reports (upper end of each level, 38.321 Tables 6.1.3.1-1/-2). */
static uint64_t bsr_total(const struct mac_bsr *b)
{
    uint64_t sum = 0;
    bool eight = b->format == MAC_BSR_LONG || b->format == MAC_BSR_LONG_TRUNC;
    for (int i = 0; i < b->n && i < 8; i++) {
        uint32_t lo, hi;
        if (b->bs[i] && mac_bsr_range(b->bs[i], eight, &lo, &hi) == 0) sum += hi;
    }
    return sum;
}

void mac_ue_pusch(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const struct ul_pusch_result *r,
                  const uint8_t *tb)
{
    if (ue->grant_slot == slot) ue->grant_slot = 0;
    ue->last_rx_slot = slot;
    ue->pusch_snr_db = r->res.snr_db;
    ue->pusch_ta_us = r->res.ta_us;
    int sfn = (int)((slot / (uint64_t)u->slots_per_frame) % 1024), sl = (int)(slot % (uint64_t)u->slots_per_frame);
    if (r->rc < 0 || !r->res.crc_ok) {
        ue->pusch_ko++;
        log_info(LOG_MAC, "PUSCH: c-rnti=0x%04x slot=%d.%d crc=KO snr=%.1f dB", ue->crnti, sfn, sl,
                 (double)r->res.snr_db);
        return;
    }
    ue->pusch_ok++;
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
        } else if (s->lcid == MAC_LCID_UL_SHORT_BSR || s->lcid == MAC_LCID_UL_SHORT_TRUNC_BSR ||
                   s->lcid == MAC_LCID_UL_LONG_BSR || s->lcid == MAC_LCID_UL_LONG_TRUNC_BSR) {
            struct mac_bsr bsr;
            if (mac_bsr_parse(s->lcid, tb + s->offset, s->length, &bsr) == 0) ue->bsr_bytes = bsr_total(&bsr);
        }
    }
    check_srb1(u, ue);
    log_info(LOG_MAC, "PUSCH: c-rnti=0x%04x slot=%d.%d crc=OK snr=%.1f dB ta=%.2f us, MAC PDU%s%s", ue->crnti, sfn,
             sl, (double)r->res.snr_db, (double)r->res.ta_us, what, pdu.padding ? " + padding" : "");
}

bool mac_ue_pucch(struct mac_ues *u, uint64_t slot, const struct ul_pucch_result *r)
{
    struct mac_ue *ue = mac_ue_find(u, r->req.cfg.rnti);
    if (!ue || r->rc < 0) return ue != NULL;
    bool found = r->res.verdict == PUCCH_RX_VALID;
    bool ack_due = ue->ack_slot == slot;
    if (found) ue->last_rx_slot = slot;
    if (r->req.purpose == UL_PUCCH_SR) {
        if (!found) return true;
        ue->sr_pending = true;
        ue->srs++;
        log_info(LOG_MAC, "SR: c-rnti=0x%04x slot=%llu (snr %.1f dB)%s", ue->crnti, (unsigned long long)slot,
                 (double)r->res.snr_db, ack_due ? ", with the HARQ-ACK" : "");
        if (!ack_due) return true;
        ue->ack_on_sr_slot = slot; /* 38.213 9.2.5.1: the HARQ-ACK bit rides on the SR resource */
    } else if (ue->ack_on_sr_slot == slot) {
        return true; /* read from the SR resource already */
    }
    bool ack = found && r->res.nbits >= 1 && r->res.bits[0] == 1;
    if (ack) ue->dl_acks++;
    else ue->dl_nacks++;
    if (ack && ue->dcch_last_sent) srb1_delivered(u, ue);
    ue->dcch_last_sent = false;
    log_info(LOG_MAC, "HARQ-ACK: c-rnti=0x%04x slot=%llu %s", ue->crnti, (unsigned long long)slot,
             ack ? "ACK" : "NACK/DTX");
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
    if (rc == 0) ue->dcch_unacked = true;
    return rc;
}

int mac_ue_release(struct mac_ues *u, uint16_t rnti)
{
    struct mac_ue *ue = mac_ue_find(u, rnti);
    if (!ue) return -ENOENT;
    ue->active = false;
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
