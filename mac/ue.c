/* Connected UEs: contexts, SRB1 uplink, grants (see ue.h). */
#include "mac/ue.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gnb/log.h"
#include "mac/mac_pdu.h"
#include "phy/ch/dci.h"
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
}

struct mac_ue *mac_ue_find(struct mac_ues *u, uint16_t rnti)
{
    for (int i = 0; i < MAC_MAX_UES; i++)
        if (u->ue[i].active && u->ue[i].crnti == rnti) return &u->ue[i];
    return NULL;
}

struct mac_ue *mac_ue_add(struct mac_ues *u, uint16_t crnti, int ta)
{
    struct mac_ue *ue = mac_ue_find(u, crnti);
    for (int i = 0; !ue && i < MAC_MAX_UES; i++)
        if (!u->ue[i].active) ue = &u->ue[i];
    if (!ue) return NULL;
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
    return ue;
}

int mac_ues_schedule_dl(struct mac_ues *u, uint64_t slot, bool usable, bool pusch_slot_ul, struct dl_slot_request *dl)
{
    if (!usable || !pusch_slot_ul || dl->n_pdcch >= DL_MAX_PDCCH) return 0;
    const struct mac_ue_config *c = &u->cfg;
    for (int i = 0; i < MAC_MAX_UES; i++) {
        struct mac_ue *ue = &u->ue[i];
        if (!ue->active || ue->setup_complete || ue->grant_slot) continue;
        if (ue->last_grant_dci_slot && slot < ue->last_grant_dci_slot + (uint64_t)c->grant_period) continue;
        ue->ndi ^= 1u;
        struct dci_0_0 d = {.frequency_domain_assignment = (uint32_t)dci_riv_encode(c->nof_prb, c->grant_prb_start,
                                                                                     c->grant_nof_prb),
                            .time_domain_assignment = 0, .mcs = (uint32_t)c->grant_mcs, .ndi = ue->ndi, .rv = 0,
                            .harq_process = 0, .tpc = 1};
        struct dl_pdcch *p = &dl->pdcch[dl->n_pdcch];
        *p = (struct dl_pdcch){.coreset = c->coreset0, .rnti = ue->crnti, .n_id = (uint16_t)c->pci, .n_rnti = 0,
                               .al = 4, .first_cce = 0};
        int size = dci_1_0_size(DCI_RNTI_C, c->coreset0.nof_rb);
        p->dci_len = dci_0_0_pack(&d, c->nof_prb, size, p->dci, DL_DCI_MAX_BITS);
        if (p->dci_len < 0) return 0;
        dl->n_pdcch++;
        ue->grant_slot = slot + (uint64_t)c->k2;
        ue->last_grant_dci_slot = slot;
        return 1;
    }
    return 0;
}

int mac_ues_schedule_ul(struct mac_ues *u, uint64_t slot, struct ul_slot_request *ul)
{
    int n = 0;
    for (int i = 0; i < MAC_MAX_UES && ul->n_pusch < UL_MAX_PUSCH; i++) {
        struct mac_ue *ue = &u->ue[i];
        if (!ue->active || ue->grant_slot != slot) continue;
        struct ul_pusch_req *q = &ul->pusch[ul->n_pusch++];
        *q = u->grant;
        q->grant.rnti = ue->crnti;
        q->grant.slot = (int)(slot % (uint64_t)u->slots_per_frame);
        n++;
    }
    return n;
}

void mac_ue_pusch(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const struct ul_pusch_result *r,
                  const uint8_t *tb)
{
    if (ue->grant_slot == slot) ue->grant_slot = 0;
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
            if (mac_bsr_parse(s->lcid, tb + s->offset, s->length, &bsr) == 0) ue->bsr_bytes = 1;
        }
    }
    log_info(LOG_MAC, "PUSCH: c-rnti=0x%04x slot=%d.%d crc=OK snr=%.1f dB ta=%.2f us, MAC PDU%s%s", ue->crnti, sfn,
             sl, (double)r->res.snr_db, (double)r->res.ta_us, what, pdu.padding ? " + padding" : "");
}

int mac_ues_take_dcch(struct mac_ues *u, struct mac_dcch_sdu *out)
{
    if (u->n_out == 0) return 0;
    *out = u->out[0];
    memmove(&u->out[0], &u->out[1], (size_t)(--u->n_out) * sizeof u->out[0]);
    return 1;
}
