/* The UE simulator's RRC for connection establishment (see ue_rrc.h). */
#include "tests/uesim/ue_rrc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ul_dcch.h"

static int take_rlc(const struct rrc_rlc_bearer_config *b, struct rlc_am_config *r, char *why, size_t len)
{
    *r = rlc_am_config_srb_default;   /* 38.331 9.2.1: the SRB1 default when rlc-Config is absent */
    if (!b->has_rlc_config) return 0;
    const struct rrc_rlc_config *c = &b->rlc;
    if (c->mode != RRC_RLC_AM || (c->ul_has_sn && c->dl_has_sn && c->ul_sn_len != c->dl_sn_len)) {
        snprintf(why, len, "SRB1 rlc-Config is not AM with one SN length");
        return -EINVAL;
    }
    r->sn_bits = c->ul_has_sn ? c->ul_sn_len : c->dl_has_sn ? c->dl_sn_len : 12;
    r->t_poll_retransmit_ms = c->t_poll_retransmit;
    r->poll_pdu = c->poll_pdu == RRC_INFINITY ? RLC_AM_INFINITY : c->poll_pdu;
    r->poll_byte = c->poll_byte == RRC_INFINITY ? RLC_AM_INFINITY : (int64_t)c->poll_byte * 1000;
    r->max_retx_threshold = c->max_retx_threshold;
    r->t_reassembly_ms = c->t_reassembly;
    r->t_status_prohibit_ms = c->t_status_prohibit;
    if (rlc_am_config_check(r) < 0) {
        snprintf(why, len, "SRB1 rlc-Config out of range");
        return -EINVAL;
    }
    return 0;
}

/* A PUCCH-Resource of format fmt (RRC_PUCCH_F1 or F2) as the PHY sends it (BWP-relative PRBs). */
static int pucch_res(const struct rrc_pucch_config *p, int id, enum rrc_pucch_format fmt, struct pucch_resource *out)
{
    for (int i = 0; i < p->nof_resources && i < RRC_MAX_PUCCH_RESOURCES; i++) {
        const struct rrc_pucch_resource *r = &p->res[i];
        if (r->id != id) continue;
        if (r->format != fmt) return -EINVAL;
        if (fmt == RRC_PUCCH_F2) {
            *out = (struct pucch_resource){.format = PUCCH_FORMAT_2, .start_prb = r->starting_prb,
                                           .intra_slot_hopping = r->intra_slot_hopping,
                                           .second_hop_prb = r->has_second_hop_prb ? r->second_hop_prb
                                                                                   : r->starting_prb,
                                           .start_symbol = r->start_symbol, .nof_symbols = r->nof_symbols,
                                           .nof_prb = r->nof_prbs};
            return pucch_check(&(struct pucch_config){.res = *out, .bwp_size = 275}, NULL);
        }
        *out = (struct pucch_resource){.format = PUCCH_FORMAT_1, .start_prb = r->starting_prb,
                                       .intra_slot_hopping = r->intra_slot_hopping,
                                       .second_hop_prb = r->has_second_hop_prb ? r->second_hop_prb : r->starting_prb,
                                       .start_symbol = r->start_symbol, .nof_symbols = r->nof_symbols,
                                       .nof_prb = 1, .initial_cs = r->initial_cyclic_shift,
                                       .time_domain_occ = r->time_domain_occ};
        return 0;
    }
    return -EINVAL;
}

static int take_pucch(const struct rrc_pucch_config *p, struct ue_rrc_config *c, char *why, size_t len)
{
    const struct rrc_pucch_resource_set *set0 = NULL, *set1 = NULL;
    for (int i = 0; i < p->nof_resource_sets && i < RRC_MAX_PUCCH_SETS; i++) {
        if (p->sets[i].id == 0) set0 = &p->sets[i];
        if (p->sets[i].id == 1) set1 = &p->sets[i];
    }
    if (!set0 || set0->nof_resources < 1) {
        snprintf(why, len, "PUCCH-Config without resource set 0");
        return -EINVAL;
    }
    c->nof_harq_res = 0;
    for (int i = 0; i < set0->nof_resources && i < UE_RRC_MAX_HARQ_RES; i++)
        if (pucch_res(p, set0->resources[i], RRC_PUCCH_F1, &c->harq_res[c->nof_harq_res++]) < 0) {
            snprintf(why, len, "PUCCH resource %d of set 0 is not a format 1 resource", set0->resources[i]);
            return -EINVAL;
        }
    c->nof_harq_res1 = 0; /* set 1: format 2 resources only (3 HARQ-ACK bits or more) */
    for (int i = 0; set1 && i < set1->nof_resources && i < UE_RRC_MAX_HARQ_RES; i++)
        if (pucch_res(p, set1->resources[i], RRC_PUCCH_F2, &c->harq_res1[c->nof_harq_res1++]) < 0) {
            snprintf(why, len, "PUCCH resource %d of set 1 is not a usable format 2 resource", set1->resources[i]);
            return -EINVAL;
        }
    c->has_sr = false;
    if (p->nof_sr_resources > 0) {
        const struct rrc_sr_resource *s = &p->sr[0];
        if (!s->has_periodicity || s->period < 1 || !s->has_resource || pucch_res(p, s->resource, RRC_PUCCH_F1, &c->sr_res) < 0) {
            snprintf(why, len, "SR resource %d: no slot periodicity or no format 1 PUCCH resource", s->id);
            return -EINVAL;
        }
        c->has_sr = true;
        c->sr_period = s->period;
        c->sr_offset = s->offset;
    }
    c->nof_k1 = p->nof_dl_data_to_ul_ack > 8 ? 8 : p->nof_dl_data_to_ul_ack;
    memcpy(c->k1, p->dl_data_to_ul_ack, sizeof c->k1);
    return 0;
}

/* The UE-specific search space of pdcch-Config and its CORESET (see ue_rrc.h). */
static int take_uss(const struct rrc_pdcch_config *p, int pci, struct ue_rrc_config *c, char *why, size_t len)
{
    const struct rrc_search_space *ss = NULL;
    for (int pass = 0; pass < 2 && !ss; pass++) /* 0_0/1_0 first, else 0_1/1_1 */
        for (int i = 0; i < p->nof_search_spaces && i < RRC_MAX_SEARCH_SPACES && !ss; i++)
            if (p->ss[i].has_type && p->ss[i].type == RRC_SS_UE_SPECIFIC && p->ss[i].ue_dci_formats_0_1_and_1_1 == pass)
                ss = &p->ss[i];
    const struct rrc_coreset *cs = NULL;
    for (int i = 0; ss && ss->has_coreset_id && i < p->nof_coresets && i < RRC_MAX_CORESETS; i++)
        if (p->coreset[i].id == ss->coreset_id) cs = &p->coreset[i];
    if (!ss || !cs || cs->interleaved || !ss->has_nrof_candidates) {
        snprintf(why, len, "no UE-specific search space on a non-interleaved CORESET");
        return -EINVAL;
    }
    int first = -1, n = 0; /* frequencyDomainResources: the first (most significant) of 45 bits = RBs 0..5 */
    for (int g = 0; g < 45; g++) {
        if (!(cs->frequency_domain_resources >> (44 - g) & 1)) continue;
        if (first >= 0 && g != first + n) {
            snprintf(why, len, "CORESET#%d is not one run of RB groups", cs->id);
            return -EINVAL;
        }
        if (first < 0) first = g;
        n++;
    }
    int sym = 0;
    while (ss->has_monitoring_symbols && sym < 14 && !(ss->monitoring_symbols >> (13 - sym) & 1)) sym++;
    c->uss_cs = (struct pdcch_coreset){.crb_start = 6 * first, .nof_rb = 6 * n, .nof_symbols = cs->duration,
                                       .start_symbol = sym, .interleaved = false, .reg_bundle_size = 6,
                                       .dmrs_ref_crb = 0, .dmrs_n_id = (uint16_t)pci};
    if (first < 0 || sym == 14 || pdcch_coreset_check(&c->uss_cs) < 0) {
        snprintf(why, len, "CORESET#%d / search space %d not usable", cs->id, ss->id);
        return -EINVAL;
    }
    c->has_uss = true;
    c->uss_fallback = !ss->ue_dci_formats_0_1_and_1_1;
    c->uss_id = ss->id;
    c->uss_coreset_id = cs->id;
    memcpy(c->uss_cand, ss->nrof_candidates, sizeof c->uss_cand);
    c->uss_period = ss->has_monitoring ? ss->monitoring_period_slots : 1;
    c->uss_offset = ss->has_monitoring ? ss->monitoring_offset : 0;
    c->uss_duration = ss->has_duration ? ss->duration : 1;
    return 0;
}

/* DCI 1_1 and 0_1: a UE-specific search space for 0_1/1_1 on the CORESET of uss_* (see ue_rrc.h). */
static void take_dci_1_1(const struct rrc_cell_group_config *cg, int n_rb_bwp, struct ue_rrc_config *c)
{
    const struct rrc_serving_cell_config *sc = &cg->sp_cell.dedicated;
    c->qam256 = rrc_serving_cell_qam256(sc);
    for (int i = 0; i < sc->pdcch.nof_search_spaces && i < RRC_MAX_SEARCH_SPACES; i++) {
        const struct rrc_search_space *ss = &sc->pdcch.ss[i];
        if (!ss->has_type || ss->type != RRC_SS_UE_SPECIFIC || !ss->ue_dci_formats_0_1_and_1_1 ||
            !ss->has_coreset_id || ss->coreset_id != c->uss_coreset_id || !ss->has_nrof_candidates)
            continue;
        bool dyn = cg->has_phy && cg->phy.harq_ack_codebook_dynamic;
        if (rrc_serving_cell_dci_1_1(sc, n_rb_bwp, dyn, &c->dci_1_1) < 0 ||
            rrc_serving_cell_dci_0_1(sc, n_rb_bwp, dyn, &c->dci_0_1) < 0)
            return;
        c->has_dci_1_1 = true;
        c->uss11_id = ss->id;
        memcpy(c->uss11_cand, ss->nrof_candidates, sizeof c->uss11_cand);
        return;
    }
}

int ue_rrc_apply_cell_group(const struct rrc_cell_group_config *cg, int pci, int n_rb_bwp, struct ue_rrc_config *c,
                            char *why, size_t len)
{
    memset(c, 0, sizeof *c);
    const struct rrc_rlc_bearer_config *srb1 = NULL;
    for (int i = 0; i < cg->nof_rlc_bearers && i < RRC_MAX_RLC_BEARERS; i++)
        if (cg->rlc_bearer[i].has_served_radio_bearer && !cg->rlc_bearer[i].served_is_drb &&
            cg->rlc_bearer[i].radio_bearer_id == 1)
            srb1 = &cg->rlc_bearer[i];
    if (!srb1) {
        snprintf(why, len, "no RLC bearer for SRB1");
        return -EINVAL;
    }
    c->srb1_lcid = srb1->lcid;
    if (take_rlc(srb1, &c->rlc, why, len) < 0) return -EINVAL;
    if (!cg->has_sp_cell || !cg->sp_cell.has_dedicated) {
        snprintf(why, len, "no spCellConfigDedicated");
        return -EINVAL;
    }
    const struct rrc_serving_cell_config *sc = &cg->sp_cell.dedicated;
    if (!sc->has_uplink_config || !sc->has_initial_ul_bwp || sc->pucch_sr != PER_SETUP) {
        snprintf(why, len, "no PUCCH-Config in the initial UL BWP");
        return -EINVAL;
    }
    if (take_pucch(&sc->pucch, c, why, len) < 0) return -EINVAL;
    if (sc->pusch_sr == PER_SETUP && sc->pusch.tdra_sr == PER_SETUP) {
        c->has_pusch_tdra = true;
        c->pusch_tdra = sc->pusch.tdra;
    }
    /* 38.213 9.3: HARQ-ACK on PUSCH needs uci-OnPUSCH's semiStatic betaOffsetACK-Index1 (none: -1, the UE then
     * cannot multiplex and a HARQ-ACK due with a PUSCH is not sent) */
    static const double alpha[4] = {0.5, 0.65, 0.8, 1.0};
    const struct rrc_uci_on_pusch *uo = &sc->pusch.uci_on_pusch;
    bool beta = sc->pusch_sr == PER_SETUP && sc->pusch.uci_on_pusch_sr == PER_SETUP && uo->has_beta_offsets &&
                !uo->beta_dynamic && uo->beta[0].has[0] && uo->scaling >= 0 && uo->scaling < 4;
    c->beta_ack_index = beta ? uo->beta[0].v[0] : -1;
    c->uci_alpha = beta ? alpha[uo->scaling] : 0;
    if (!sc->has_initial_dl_bwp || sc->pdcch_sr != PER_SETUP) {
        snprintf(why, len, "no PDCCH-Config in the initial DL BWP");
        return -EINVAL;
    }
    if (take_uss(&sc->pdcch, pci, c, why, len) < 0) return -EINVAL;
    if (sc->pdsch_sr == PER_SETUP && sc->pdsch.tdra_sr == PER_SETUP) {
        c->has_pdsch_tdra = true;
        c->pdsch_tdra = sc->pdsch.tdra;
    }
    take_dci_1_1(cg, n_rb_bwp, c);
    return 0;
}

int ue_rrc_setup_request(uint64_t identity, uint8_t out[6])
{
    struct rrc_setup_request req = {.ue_identity_is_tmsi_part1 = false, .ue_identity = identity & ((1ULL << 39) - 1),
                                    .establishment_cause = RRC_CAUSE_MO_SIGNALLING};
    size_t n = 0;
    int rc = rrc_ul_ccch_encode_setup_request(&req, out, RRC_UL_CCCH_SETUP_REQUEST_BYTES, &n);
    return rc < 0 ? rc : n == RRC_UL_CCCH_SETUP_REQUEST_BYTES ? 0 : -EINVAL;
}

int ue_rrc_setup_complete(int transaction_id, const uint8_t *nas, size_t nas_len, uint8_t *buf, size_t cap,
                          size_t *len)
{
    static struct rrc_setup_complete sc;   /* 9 kB of NAS room: not on the stack (single-threaded uesim) */
    if (nas_len > RRC_DEDICATED_NAS_MAX) return -EINVAL;
    memset(&sc, 0, sizeof sc);
    sc.transaction_id = transaction_id;
    sc.selected_plmn_identity = 1;
    sc.dedicated_nas_len = nas_len;
    memcpy(sc.dedicated_nas, nas, nas_len);
    return rrc_ul_dcch_encode_setup_complete(&sc, buf, cap, len);
}
