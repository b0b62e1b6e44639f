/* Random access: preamble -> RAR -> Msg3 (see ra.h). */
#include "mac/ra.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "mac/mac_rar.h"
#include "phy/ch/pucch_common.h"
#include "phy/ch/dci.h"
#include "phy/fec/tbs.h"

#define RA_RAR_PER_PDU 4   /* preambles one RAR PDU answers (the PDSCH is sized for them) */
#define RA_MIN_MSG3_BITS 56 /* srsUE's Msg3: CCCH subheader + 6-byte RRCSetupRequest */

static enum modulation_scheme qm_modulation(int qm)
{
    return qm == 2 ? MODULATION_QPSK : qm == 4 ? MODULATION_16QAM : qm == 6 ? MODULATION_64QAM : MODULATION_256QAM;
}

int ra_pdsch_at(const struct ra_config *c, int crb_start, int n_rb, int mcs, struct pdsch_grant *gr,
                struct tbs_mcs *row)
{
    return ra_pdsch_at_table(c, TBS_MCS_TABLE_64QAM, crb_start, n_rb, mcs, gr, row);
}

int ra_pdsch_at_table(const struct ra_config *c, enum tbs_mcs_table t, int crb_start, int n_rb, int mcs,
                      struct pdsch_grant *gr, struct tbs_mcs *row)
{
    if (tbs_mcs_lookup(t, mcs, row) < 0 || row->reserved) return -EINVAL;
    *gr = (struct pdsch_grant){.n_id = (uint16_t)c->pci, .modulation = qm_modulation(row->qm), .nof_layers = 1,
                               .crb_start = crb_start, .nof_rb = n_rb,
                               .mapping = PDSCH_MAPPING_TYPE_A, .start_symbol = c->pdsch_start_symbol,
                               .nof_symbols = c->pdsch_nof_symbols};
    pdsch_dmrs_dci_1_0(&gr->dmrs, c->dmrs_type_a_position, c->pdsch_nof_symbols, (uint16_t)c->pci, 0);
    if (crb_start < 0 || crb_start + n_rb > c->nof_prb || pdsch_grant_check(gr) < 0) return -EINVAL;
    struct tbs_cfg tc = {.n_prb = n_rb, .n_symb_sh = c->pdsch_nof_symbols,
                         .n_dmrs_prb = pdsch_n_dmrs_prb(gr),
                         .layers = 1, .qm = row->qm, .r_x1024 = row->r_x1024};
    return tbs_compute(&tc);
}

int ra_css_pdsch(const struct ra_config *c, int n_rb, struct pdsch_grant *gr, struct tbs_mcs *row)
{
    return ra_pdsch_at(c, c->coreset0.crb_start, n_rb, c->rar_mcs, gr, row);
}

/* A CSS PDSCH of n_rb RBs inside CORESET#0's RBs where the slot has them free: its first CRB, or -ENOSPC. */
static int css_pdsch_prb(const struct ra *ra, const struct pdcch_alloc *a, int n_rb)
{
    const struct pdcch_coreset *c0 = &ra->cfg.coreset0;
    return pdcch_alloc_pdsch_find(a, c0->crb_start, c0->crb_start + c0->nof_rb, n_rb);
}

int ra_init(struct ra *ra, const struct ra_config *cfg)
{
    memset(ra, 0, sizeof *ra);
    ra->cfg = *cfg;
    if (cfg->scs_khz != 15 && cfg->scs_khz != 30) return -EINVAL;
    ra->slots_per_frame = 10 * cfg->scs_khz / 15;
    ra->delta = cfg->scs_khz == 15 ? 2 : 3; /* 38.214 Table 6.1.2.1.1-5 */
    ra->next_tc_rnti = RA_FIRST_TC_RNTI;
    /* SS#1 (ra-SearchSpace) on CORESET#0, common: Y = 0 (38.213 10.1) */
    ra->ss1 = (struct pdcch_alloc_ss){.id = 1, .ue_specific = false, .coreset_id = 0, .cs = cfg->coreset0};
    memcpy(ra->ss1.nof_candidates, cfg->ss1_candidates, sizeof ra->ss1.nof_candidates);
    bool any = false;
    for (int i = 0; i < PDCCH_NUM_AL; i++) any |= cfg->ss1_candidates[i] != 0;
    if (!any) ra->ss1.nof_candidates[2] = 1; /* AL4, one candidate: CCE 0 */
    if (pdcch_alloc_ss_check(&ra->ss1) < 0) return -EINVAL;
    /* The RAR: the fewest CORESET#0 RBs whose TBS holds RA_RAR_PER_PDU answers. */
    struct pdsch_grant gr;
    struct tbs_mcs row;
    ra->rar_nof_rb = 0;
    for (int n = 1; n <= cfg->coreset0.nof_rb && !ra->rar_nof_rb; n++) {
        int tbs = ra_css_pdsch(cfg, n, &gr, &row);
        if (tbs >= (int)(8 * mac_rar_pdu_len(true, RA_RAR_PER_PDU))) {
            ra->rar_nof_rb = n;
            ra->rar_tbs = tbs;
        }
    }
    if (!ra->rar_nof_rb) return -EINVAL;
    /* Msg3 (RAR grant, DCI 0_0 defaults: type 1, pos2, 2 CDM groups without data). */
    struct tbs_mcs m;
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, cfg->msg3_mcs, &m) < 0 || m.reserved || cfg->msg3_mcs > 15) return -EINVAL;
    struct ul_pusch_req *q = &ra->msg3;
    q->grant = (struct pusch_grant){.n_id = (uint16_t)cfg->pci, .modulation = qm_modulation(m.qm),
                                    .crb_start = cfg->msg3_prb_start, .nof_rb = cfg->msg3_nof_prb,
                                    .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14,
                                    .dmrs = {.config_type = 1, .type_a_position = cfg->dmrs_type_a_position,
                                             .additional_position = 2, .cdm_groups_without_data = 2,
                                             .n_id = (uint16_t)cfg->pci}};
    if (pusch_grant_check(&q->grant) < 0 || cfg->msg3_prb_start < 0 || cfg->msg3_nof_prb < 1 ||
        cfg->msg3_prb_start + RA_RAR_PER_PDU * cfg->msg3_nof_prb > cfg->nof_prb)
        return -EINVAL;
    struct tbs_cfg t = {.n_prb = cfg->msg3_nof_prb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(&q->grant),
                        .layers = 1, .qm = m.qm, .r_x1024 = m.r_x1024};
    int tbs = tbs_compute(&t);
    if (tbs < RA_MIN_MSG3_BITS) return -EINVAL;
    q->tb = (struct pusch_tb){.tbs = tbs, .r = m.r_x1024 / 1024.0, .rv = 0, .new_data = true, .max_iterations = 10};
    uint32_t grant;
    if (ra_ul_grant(cfg->nof_prb, cfg->msg3_prb_start, cfg->msg3_nof_prb, 0, cfg->msg3_mcs, &grant) < 0)
        return -EINVAL;
    /* Msg4's HARQ-ACK: r_PUCCH of CCE 0 with PRI 0 (38.213 9.2.1). */
    struct ul_pucch_req *a = &ra->msg4_ack;
    int r = pucch_common_r(0, cfg->coreset0.nof_rb * cfg->coreset0.nof_symbols / 6, 0);
    if (r < 0 || pucch_common_resource(cfg->pucch_resource_common, r, cfg->nof_prb, &a->cfg.res) < 0) return -EINVAL;
    a->cfg.bwp_start = 0;
    a->cfg.bwp_size = cfg->nof_prb;
    a->cfg.n_id = a->cfg.n_id_data = a->cfg.n_id_dmrs = (uint16_t)cfg->pci;
    a->nof_bits = 1;
    return 0;
}

void ra_reset(struct ra *ra)
{
    for (int i = 0; i < RA_MAX_PROCS; i++) ra->proc[i].state = RA_FREE;
    ra->next_tc_rnti = RA_FIRST_TC_RNTI;
    ra->congested = false;
}

int ra_timing_advance(const struct ra *ra, float delay_samples)
{
    /* 38.213 4.2: N_TA = T_A steps of ra_ta_step_s(); the delay is a round trip. */
    double ta = (double)delay_samples / ra->cfg.sample_rate_hz / ra_ta_step_s(ra->cfg.scs_khz);
    long v = lround(ta);
    return v < 0 ? 0 : v > MAC_RAR_TA_MAX ? MAC_RAR_TA_MAX : (int)v;
}

int ra_ul_grant(int n_rb_bwp, int prb_start, int nof_prb, int tdra_row, int mcs, uint32_t *grant)
{
    int riv = dci_riv_encode(n_rb_bwp, prb_start, nof_prb);
    /* 38.213 8.3: N <= 180 keeps the RIV in the 14 bits' LSBs; above, the extra MSBs are 0, i.e. RIV < 2^14. */
    if (riv < 0 || riv >= (1 << 14) || tdra_row < 0 || tdra_row > 15 || mcs < 0 || mcs > 15) return -EINVAL;
    const uint32_t hopping = 0, tpc = 3 /* 0 dB, Table 8.2-2 */, csi = 0;
    *grant = hopping << 26 | (uint32_t)riv << 12 | (uint32_t)tdra_row << 8 | (uint32_t)mcs << 4 | tpc << 1 | csi;
    return 0;
}

uint64_t ra_msg3_slot(const struct ra *ra, uint64_t rar_slot)
{
    return rar_slot + (uint64_t)ra->cfg.msg3_k2 + (uint64_t)ra->delta;
}

int ra_preamble(struct ra *ra, uint64_t slot, int preamble, float delay_samples, uint16_t ra_rnti)
{
    ra->stats.preambles++;
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_FREE) continue;
        *p = (struct ra_proc){.state = RA_RAR_DUE, .preamble = preamble, .ra_rnti = ra_rnti,
                              .tc_rnti = ra->next_tc_rnti, .ta = ra_timing_advance(ra, delay_samples),
                              .delay_samples = delay_samples, .prach_slot = slot, .ue_index = -1,
                              .window_end = slot + 3 + (uint64_t)ra->cfg.ra_response_window - 1};
        /* C-RNTIs 0x0001..0xFFEF (38.321 Table 7.1-1); skip the RA-RNTI range of the first 16 slots' occasions. */
        ra->next_tc_rnti = ra->next_tc_rnti >= 0xFFEF ? RA_FIRST_TC_RNTI : (uint16_t)(ra->next_tc_rnti + 1);
        return p->tc_rnti;
    }
    ra->stats.procs_full++;
    ra->congested = true; /* the next RAR tells the others to back off */
    return -ENOSPC;
}

int ra_ss1_pdcch(const struct ra *ra, struct pdcch_alloc *a, uint16_t rnti, int cce_limit, struct dl_pdcch *p)
{
    int al, cce;
    int rc = pdcch_alloc_place(a, &ra->ss1, rnti, 4, cce_limit, &al, &cce);
    if (rc < 0) return rc;
    *p = (struct dl_pdcch){.coreset = ra->cfg.coreset0, .rnti = rnti, .n_id = (uint16_t)ra->cfg.pci, .n_rnti = 0,
                           .al = al, .first_cce = cce};
    return 0;
}

/* The MAC PDU of Msg4 in the pool buffer: contention resolution identity, the DL-CCCH SDU, padding. */
static int msg4_pdu(const struct ra_proc *p, bool fault, uint8_t *buf, size_t tb_bytes)
{
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, buf, tb_bytes);
    uint8_t id[MAC_CON_RES_ID_BYTES];
    memcpy(id, p->con_res_id, sizeof id);
    id[5] ^= fault ? 0x01 : 0x00;   /* test.msg4_con_res_fault */
    if (mac_pdu_add_con_res_id(&b, id) < 0 ||
        mac_pdu_add_sdu(&b, MAC_LCID_CCCH, p->msg4, (size_t)p->msg4_len) < 0)
        return -ENOSPC;
    mac_pdu_finish(&b);
    return 0;
}

static bool room_for(const struct dl_slot_request *dl, bool pdsch)
{
    return dl->n_pdcch < DL_MAX_PDCCH && (!pdsch || dl->n_pdsch < DL_MAX_PDSCH);
}

static void add_event(struct ra *ra, enum ra_event_type t, const struct dl_slot_request *dl, bool pdsch, int n,
                      uint64_t msg3_slot)
{
    if (ra->n_ev < RA_MAX_EVENTS)
        ra->ev[ra->n_ev++] = (struct ra_sched_event){.type = t, .pdcch = dl->n_pdcch - 1,
                                                     .pdsch = pdsch ? dl->n_pdsch - 1 : -1, .n = n,
                                                     .msg3_slot = msg3_slot};
}

/* A PDSCH of a DCI 1_0 in SS#1 into dl: grant gr (its RBs taken in a), the TB in pool buffer index. */
static void add_css_pdsch(struct ra *ra, struct dl_slot_request *dl, struct pdcch_alloc *a, uint64_t slot,
                          const struct pdsch_grant *gr, const struct tbs_mcs *row, uint16_t rnti, int tbs, int rv,
                          uint8_t *tb, int index)
{
    struct dl_pdsch *s = &dl->pdsch[dl->n_pdsch++];
    s->grant = *gr;
    s->grant.rnti = rnti;
    s->grant.slot = (int)(slot % (uint64_t)ra->slots_per_frame);
    s->codeword = PHY_DL_CW_TB;
    s->dlsch = (struct dlsch_cfg){.tbs = tbs, .r = row->r_x1024 / 1024.0, .qm = row->qm, .n_layers = 1, .rv = rv,
                                  .g = pdsch_nof_bits(gr)};
    s->tb = tb;
    s->tb_index = index;
    pdcch_alloc_pdsch_take(a, gr->crb_start, gr->nof_rb);
}

/* Msg4 for p in this slot (free DL slot, its HARQ-ACK slot UL): DCI 1_0 TC-RNTI in SS#1 + PDSCH. The PDCCH's
 * first CCE stays below N_CCE / 2: with PRI 0, r_PUCCH = floor(2 n_CCE,0 / N_CCE) = 0 (38.213 9.2.1). */
static int schedule_msg4(struct ra *ra, struct ra_proc *p, uint64_t slot, struct dl_slot_request *dl,
                         struct tb_pool *pool, struct pdcch_alloc *a)
{
    const struct ra_config *cfg = &ra->cfg;
    size_t need_bits = 8 * (7 + 2 + 1 + (size_t)p->msg4_len + 2); /* CE + subheaders + SDU, a little spare */
    struct pdsch_grant gr;
    struct tbs_mcs row;
    int tbs = -1, n_rb = 0, mcs;
    for (mcs = 2; mcs <= 16 && tbs < (int)need_bits; mcs += 2)
        for (n_rb = 1; n_rb <= cfg->coreset0.nof_rb; n_rb++) {
            tbs = ra_pdsch_at(cfg, cfg->coreset0.crb_start, n_rb, mcs, &gr, &row);
            if (tbs >= (int)need_bits) break;
        }
    mcs -= 2;
    if (tbs < (int)need_bits || (size_t)tbs / 8 > pool->size) return -EMSGSIZE;
    int crb = css_pdsch_prb(ra, a, n_rb);
    if (crb < 0) return crb;
    struct dl_pdcch *pc = &dl->pdcch[dl->n_pdcch];
    int rc = ra_ss1_pdcch(ra, a, p->tc_rnti, (pdcch_nof_cce(&cfg->coreset0) + 1) / 2, pc);
    if (rc < 0) return rc;
    int index;
    uint8_t *tb = tb_pool_take(pool, &index);
    if (!tb) {
        ra->stats.no_buffer++;
        return -ENOBUFS;
    }
    if (msg4_pdu(p, cfg->con_res_fault, tb, (size_t)tbs / 8) < 0) {
        tb_pool_give_back(pool, index);
        return -EMSGSIZE;
    }
    static const int rv_order[4] = {0, 2, 3, 1};
    int riv = dci_riv_encode(cfg->coreset0.nof_rb, crb - cfg->coreset0.crb_start, n_rb);
    struct dci_1_0 d = {.rnti_type = DCI_RNTI_TC, .frequency_domain_assignment = (uint32_t)riv,
                        .time_domain_assignment = 0, .mcs = (uint32_t)mcs, .ndi = 0,
                        .rv = (uint32_t)rv_order[p->msg4_tx % 4], .harq_process = 0, .tpc = 1,
                        .pucch_resource = 0, .harq_feedback_timing = RA_MSG4_K1 - 1};
    pc->dci_len = dci_1_0_pack(&d, cfg->coreset0.nof_rb, pc->dci, DL_DCI_MAX_BITS);
    if (pc->dci_len < 0 || ra_pdsch_at(cfg, crb, n_rb, mcs, &gr, &row) != tbs) {
        tb_pool_give_back(pool, index);
        return -EINVAL;
    }
    dl->n_pdcch++;
    add_css_pdsch(ra, dl, a, slot, &gr, &row, p->tc_rnti, tbs, rv_order[p->msg4_tx % 4], tb, index);
    p->msg4_tx++;
    p->msg4_slot = slot;
    p->ack_slot = slot + RA_MSG4_K1;
    p->state = RA_MSG4_ACK_DUE;
    ra->stats.msg4_tx++;
    add_event(ra, RA_EV_MSG4, dl, true, 1, 0);
    return 0;
}

static bool ul_slot(const struct ra *ra, uint64_t slot)
{
    return slot_pattern_ul_symbols(&ra->cfg.pattern, slot) == SLOT_ALL_SYMBOLS;
}

/* Whether the UL map lets one more PUSCH (Msg3) into slot: PHY UL receives at most UL_MAX_PUSCH a slot. */
static bool pusch_room(const struct ra *ra, uint64_t slot)
{
    return !ra->ul_map || ul_map_pusch_count(ra->ul_map, slot) < UL_MAX_PUSCH;
}

static const int msg3_rv[4] = {0, 2, 3, 1}; /* 38.321 5.4.2.2 / 38.214 6.1.4: rv of transmission n, mod 4 */

/* PRBs for a Msg3 retransmission of p in `slot`: its first transmission's when free there, else the lowest free
 * run of as many; without a UL map, the same PRBs when no other Msg3 is due in that slot. -ENOSPC: none. */
static int msg3_retx_prb(const struct ra *ra, const struct ra_proc *p, uint64_t slot)
{
    int n = ra->cfg.msg3_nof_prb;
    if (ra->ul_map) {
        if (!pusch_room(ra, slot)) return -ENOSPC;
        if (ul_map_is_free(ra->ul_map, slot, p->msg3_prb, n, UL_MAP_ALL_SYMBOLS)) return p->msg3_prb;
        int prb = ul_map_find(ra->ul_map, slot, 0, ra->cfg.nof_prb, n, UL_MAP_ALL_SYMBOLS);
        return prb < 0 ? -ENOSPC : prb;
    }
    for (int i = 0; i < RA_MAX_PROCS; i++)
        if (ra->proc[i].state == RA_MSG3_DUE && ra->proc[i].msg3_slot == slot) return -ENOSPC;
    return p->msg3_prb;
}

/* The Msg3 retransmission grant for p in this slot: DCI 0_0 with CRC scrambled by the TC-RNTI in SS#1 (38.213
 * 8.3), PUSCH k2 slots later (38.214 6.1.2.1), as many PRBs and the same MCS, HARQ process 0, next rv. */
static int schedule_msg3_retx(struct ra *ra, struct ra_proc *p, uint64_t slot, struct dl_slot_request *dl,
                              struct pdcch_alloc *a)
{
    const struct ra_config *cfg = &ra->cfg;
    uint64_t pusch = slot + (uint64_t)cfg->msg3_k2;
    int prb = msg3_retx_prb(ra, p, pusch);
    if (prb < 0) return prb;
    int riv = dci_riv_encode(cfg->nof_prb, prb, cfg->msg3_nof_prb);
    struct dci_0_0 d = {.frequency_domain_assignment = (uint32_t)riv, .time_domain_assignment = 0,
                        .frequency_hopping = 0, .mcs = (uint32_t)cfg->msg3_mcs, .ndi = 0,
                        .rv = (uint32_t)msg3_rv[p->msg3_tx % 4], .harq_process = 0, .tpc = 1};
    struct dl_pdcch *pc = &dl->pdcch[dl->n_pdcch];
    if (riv < 0) return -EINVAL;
    int rc = ra_ss1_pdcch(ra, a, p->tc_rnti, 0, pc);
    if (rc < 0) return rc;
    pc->dci_len = dci_0_0_pack(&d, cfg->nof_prb, dci_1_0_size(DCI_RNTI_TC, cfg->coreset0.nof_rb), pc->dci,
                               DL_DCI_MAX_BITS);
    if (pc->dci_len < 0) return -EINVAL;
    if (ra->ul_map) ul_map_reserve(ra->ul_map, pusch, prb, cfg->msg3_nof_prb, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3);
    dl->n_pdcch++;
    p->msg3_tx++;
    p->msg3_slot = pusch;
    p->msg3_prb = prb;
    p->state = RA_MSG3_DUE;
    ra->stats.msg3_retx++;
    add_event(ra, RA_EV_MSG3_RETX, dl, false, 1, pusch);
    return 0;
}

/* Msg3 retransmissions due: every procedure whose PUSCH slot (DCI + k2) is wholly UL and has room, while the
 * slot has PDCCH candidates. */
static int msg3_retx_dl(struct ra *ra, uint64_t slot, bool usable, struct dl_slot_request *dl,
                        struct pdcch_alloc *a)
{
    bool room = usable && ul_slot(ra, slot + (uint64_t)ra->cfg.msg3_k2);
    int added = 0;
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_MSG3_RETX_DUE) continue;
        if (slot > p->msg3_slot + RA_MSG3_RETX_WAIT) { /* the UE's contention resolution has run out */
            p->state = RA_FREE;
            ra->stats.msg3_given_up++;
            continue;
        }
        if (room && room_for(dl, false) && schedule_msg3_retx(ra, p, slot, dl, a) == 0) added++;
    }
    return added;
}

/* One RAR in this slot for the due preambles of one RA-RNTI (up to RA_RAR_PER_PDU); 1 when sent, 0 when none
 * was due, a negative code when it did not fit (the preambles wait). */
static int schedule_rar(struct ra *ra, uint64_t slot, uint16_t skip[], int n_skip, struct dl_slot_request *dl,
                        struct tb_pool *pool, struct pdcch_alloc *a, uint16_t *rnti_out)
{
    struct ra_proc *due[RA_RAR_PER_PDU];
    int n = 0;
    uint16_t rnti = 0;
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_RAR_DUE || slot < p->prach_slot + 3 || n == RA_RAR_PER_PDU || (n && p->ra_rnti != rnti))
            continue;
        bool skipped = false;
        for (int k = 0; k < n_skip; k++) skipped |= skip[k] == p->ra_rnti;
        if (skipped) continue;
        rnti = p->ra_rnti;
        due[n++] = p;
    }
    *rnti_out = rnti;
    if (!n) return 0;
    int crb = css_pdsch_prb(ra, a, ra->rar_nof_rb);
    if (crb < 0) return crb;
    uint64_t msg3 = ra_msg3_slot(ra, slot);
    /* The Msg3s' PRBs where the UL map has room in their slot; the preambles without room wait (their RAR may
     * still come inside the window). Only looked for here, reserved once the PDCCH is placed. */
    int msg3_prb[RA_RAR_PER_PDU];
    int in_slot = ra->ul_map ? ul_map_pusch_count(ra->ul_map, msg3) : 0;
    for (int i = 0; i < n; i++) {
        msg3_prb[i] = ra->cfg.msg3_prb_start + i * ra->cfg.msg3_nof_prb;
        if (!ra->ul_map) continue;
        int prb = in_slot + i < UL_MAX_PUSCH ? ul_map_find(ra->ul_map, msg3, 0, ra->cfg.nof_prb,
                                                           ra->cfg.msg3_nof_prb, UL_MAP_ALL_SYMBOLS) : -ENOSPC;
        for (int k = 0; prb >= 0 && k < i; k++) /* not the PRBs of the ones before (not reserved yet) */
            if (prb < msg3_prb[k] + ra->cfg.msg3_nof_prb && msg3_prb[k] < prb + ra->cfg.msg3_nof_prb)
                prb = ul_map_find(ra->ul_map, msg3, msg3_prb[k] + ra->cfg.msg3_nof_prb, ra->cfg.nof_prb,
                                  ra->cfg.msg3_nof_prb, UL_MAP_ALL_SYMBOLS), k = -1;
        if (prb < 0) {
            ra->stats.msg3_no_room++;
            ra->congested = true;
            n = i;
            break;
        }
        msg3_prb[i] = prb;
    }
    if (!n) return -ENOSPC;
    struct dl_pdcch c;
    int rc = ra_ss1_pdcch(ra, a, rnti, 0, &c);
    if (rc < 0) return rc;
    int index;
    uint8_t *tb = tb_pool_take(pool, &index);
    if (!tb || (size_t)ra->rar_tbs / 8 > pool->size) {
        if (tb) tb_pool_give_back(pool, index);
        ra->stats.no_buffer++;
        return -ENOBUFS;
    }
    /* 38.321 5.1.4, 6.1.5: a Backoff Indicator when preambles went unanswered since the last RAR (no procedure
     * free, no room for a Msg3): UEs whose attempt fails wait a random 0..60 ms before the next preamble. */
    struct mac_rar_pdu pdu = {.has_bi = ra->congested, .bi = RA_BACKOFF_INDEX, .n = n};
    for (int i = 0; i < n; i++) {
        uint32_t grant = 0;
        ra_ul_grant(ra->cfg.nof_prb, msg3_prb[i], ra->cfg.msg3_nof_prb, 0, ra->cfg.msg3_mcs, &grant);
        pdu.rar[i] = (struct mac_rar){.rapid = (uint8_t)due[i]->preamble, .ta = (uint16_t)due[i]->ta,
                                      .ul_grant = grant, .tc_rnti = due[i]->tc_rnti};
    }
    const struct ra_config *cfg = &ra->cfg;
    int riv = dci_riv_encode(cfg->coreset0.nof_rb, crb - cfg->coreset0.crb_start, ra->rar_nof_rb);
    struct dci_1_0 d = {.rnti_type = DCI_RNTI_RA, .frequency_domain_assignment = (uint32_t)riv,
                        .time_domain_assignment = 0, .vrb_to_prb_mapping = 0, .mcs = (uint32_t)cfg->rar_mcs,
                        .tb_scaling = 0};
    c.dci_len = dci_1_0_pack(&d, cfg->coreset0.nof_rb, c.dci, DL_DCI_MAX_BITS);
    struct pdsch_grant gr;
    struct tbs_mcs row;
    if (c.dci_len < 0 || mac_rar_build(&pdu, tb, (size_t)ra->rar_tbs / 8) < 0 ||
        ra_pdsch_at(cfg, crb, ra->rar_nof_rb, cfg->rar_mcs, &gr, &row) != ra->rar_tbs) {
        tb_pool_give_back(pool, index);
        return -EINVAL;
    }
    if (ra->congested) ra->stats.backoffs++;
    ra->congested = false;
    dl->pdcch[dl->n_pdcch++] = c;
    add_css_pdsch(ra, dl, a, slot, &gr, &row, rnti, ra->rar_tbs, 0, tb, index);
    for (int i = 0; i < n; i++) {
        if (ra->ul_map)
            ul_map_reserve(ra->ul_map, msg3, msg3_prb[i], ra->cfg.msg3_nof_prb, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3);
        due[i]->state = RA_MSG3_DUE;
        due[i]->rar_slot = slot;
        due[i]->msg3_slot = msg3;
        due[i]->msg3_prb = msg3_prb[i];
        due[i]->msg3_tx = 1;
    }
    ra->stats.rars++;
    add_event(ra, RA_EV_RAR, dl, true, n, msg3);
    return 1;
}

int ra_schedule_dl(struct ra *ra, uint64_t slot, bool usable, struct dl_slot_request *dl, struct tb_pool *pool,
                   struct pdcch_alloc *a)
{
    int before = dl->n_pdcch;
    ra->n_ev = 0;
    /* Msg4 first: a UE waiting for contention resolution has come furthest. One a slot: every Msg4's HARQ-ACK
     * comes on the same common PUCCH resource 4 slots later. */
    if (usable && ul_slot(ra, slot + RA_MSG4_K1) && room_for(dl, true))
        for (int i = 0; i < RA_MAX_PROCS; i++)
            if (ra->proc[i].state == RA_MSG4_DUE) {
                schedule_msg4(ra, &ra->proc[i], slot, dl, pool, a);
                break;
            }
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state == RA_MSG3_DONE && slot > p->msg3_slot + RA_RRC_WAIT_SLOTS) {
            p->state = RA_FREE; /* the RRC never answered */
            ra->stats.rrc_timeouts++;
        } else if (p->state == RA_RAR_DUE && slot > p->window_end) {
            p->state = RA_FREE; /* the UE has given up on this response: it will send another preamble */
            ra->stats.rar_missed_window++;
        }
    }
    /* RARs, one per RA-RNTI with preambles due, while they fit */
    if (usable && ul_slot(ra, ra_msg3_slot(ra, slot))) {
        uint16_t tried[RA_MAX_PROCS];
        int n_tried = 0;
        while (n_tried < RA_MAX_PROCS && room_for(dl, true)) {
            uint16_t rnti;
            int rc = schedule_rar(ra, slot, tried, n_tried, dl, pool, a, &rnti);
            if (rc == 0 || rc == -ENOBUFS) break;
            tried[n_tried++] = rnti;
        }
    }
    msg3_retx_dl(ra, slot, usable, dl, a);
    return dl->n_pdcch - before;
}

int ra_schedule_ul(struct ra *ra, uint64_t slot, struct ul_slot_request *ul)
{
    int added = 0;
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_MSG4_ACK_DUE || p->ack_slot != slot) continue;
        if (ul->n_pucch >= UL_MAX_PUCCH) { /* not heard: the Msg4 HARQ-ACK's result never comes (DTX) */
            ra->stats.pucch_no_room++;
            continue;
        }
        struct ul_pucch_req *q = &ul->pucch[ul->n_pucch++];
        *q = ra->msg4_ack;
        q->cfg.rnti = p->tc_rnti;
        q->cfg.slot = (int)(slot % (uint64_t)ra->slots_per_frame);
        added++;
    }
    for (int i = 0; i < RA_MAX_PROCS && ul->n_pusch < UL_MAX_PUSCH; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_MSG3_DUE || p->msg3_slot != slot) continue;
        struct ul_pusch_req *q = &ul->pusch[ul->n_pusch++];
        *q = ra->msg3;
        q->grant.rnti = p->tc_rnti;
        q->grant.crb_start = p->msg3_prb;
        q->grant.slot = (int)(slot % (uint64_t)ra->slots_per_frame);
        q->harq_id = 0; /* 38.321 5.4.2.1: Msg3 uses HARQ process 0 */
        q->tb.new_data = p->msg3_tx <= 1;
        q->tb.rv = msg3_rv[(p->msg3_tx > 0 ? p->msg3_tx - 1 : 0) % 4];
        added++;
    }
    return added;
}

void ra_release(struct ra *ra, uint16_t rnti)
{
    for (int i = 0; i < RA_MAX_PROCS; i++)
        if (ra->proc[i].state != RA_FREE && ra->proc[i].tc_rnti == rnti) ra->proc[i].state = RA_FREE;
}

int ra_dl_ccch(struct ra *ra, uint16_t rnti, const uint8_t *sdu, size_t len, bool is_setup)
{
    if (len > RA_MSG4_MAX_BYTES) return -EMSGSIZE;
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_MSG3_DONE || p->tc_rnti != rnti) continue;
        memcpy(p->msg4, sdu, len);
        p->msg4_len = (int)len;
        p->msg4_tx = 0;
        p->msg4_is_setup = is_setup;
        p->state = RA_MSG4_DUE;
        return 0;
    }
    return -ENOENT;
}

struct ra_proc *ra_msg4_feedback(struct ra *ra, uint64_t slot, uint16_t rnti, bool ack)
{
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_MSG4_ACK_DUE || p->tc_rnti != rnti || p->ack_slot != slot) continue;
        if (ack) {
            p->state = RA_DONE;
            ra->stats.msg4_acked++;
        } else if (p->msg4_tx >= RA_MSG4_MAX_TX) {
            p->state = RA_FREE;
            ra->stats.msg4_failed++;
        } else {
            p->state = RA_MSG4_DUE; /* again, next rv */
        }
        return p;
    }
    return NULL;
}

struct ra_proc *ra_msg3_received(struct ra *ra, uint64_t slot, uint16_t rnti, bool crc_ok)
{
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        struct ra_proc *p = &ra->proc[i];
        if (p->state != RA_MSG3_DUE || p->tc_rnti != rnti || p->msg3_slot != slot) continue;
        if (crc_ok) {
            p->state = RA_MSG3_DONE;
            ra->stats.msg3_ok++;
        } else if (p->msg3_tx < RA_MSG3_MAX_TX) {
            p->state = RA_MSG3_RETX_DUE; /* DCI 0_0 on the TC-RNTI, next rv */
            ra->stats.msg3_failed++;
        } else {
            p->state = RA_FREE;
            ra->stats.msg3_failed++;
            ra->stats.msg3_given_up++;
        }
        return p;
    }
    return NULL;
}
