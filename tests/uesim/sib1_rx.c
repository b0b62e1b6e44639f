/* UE-side SIB1 acquisition: CORESET#0 and Type0 occasions from the MIB, SI-RNTI PDCCH, PDSCH, SIB1. See
 * sib1_rx.h. */
#include "tests/uesim/sib1_rx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SIB1_RX_PERIOD_FRAMES 16    /* 38.331 5.2.1: SIB1 is repeated unchanged within 160 ms */

int sib1_rx_init(struct sib1_rx *s, const struct sib1_rx_config *cfg)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->period = -1;
    int rc = pdcch_rx_init(&s->pdcch, &(struct pdcch_rx_cfg){0});
    if (rc < 0)
        return rc;
    rc = dl_rx_init(&s->dl, &(struct dl_rx_config){.max_prb = cfg->nof_prb, .max_tbs = SIB1_RX_MAX_TBS,
                                                    .impl = cfg->impl});
    if (rc < 0)
        pdcch_rx_free(&s->pdcch);
    return rc;
}

void sib1_rx_free(struct sib1_rx *s)
{
    dl_rx_free(&s->dl);
    pdcch_rx_free(&s->pdcch);
    memset(s, 0, sizeof(*s));
}

/* 38.213 13: CORESET#0's lowest RB in the grid, from the block's place and k_SSB. */
static int s1_coreset0_crb(struct sib1_rx *s, const struct sib1_rx_cell *c, char *why, size_t len)
{
    /* k_SSB counts 15 kHz subcarriers (FR1); the common RB below the block starts k_SSB below its subcarrier 0. */
    int k = c->k_ssb * 15 / c->scs_khz, crb_sc = c->ssb_first_sc - k;
    if ((c->k_ssb * 15) % c->scs_khz != 0 || crb_sc < 0 || crb_sc % 12 != 0) {
        snprintf(why, len, "k_SSB %d puts the common RB grid off the receiver's RBs (block at subcarrier %d)",
                 c->k_ssb, c->ssb_first_sc);
        return -EINVAL;
    }
    s->coreset0_crb = crb_sc / 12 - s->row.offset_rb;
    if (s->coreset0_crb < 0 || s->coreset0_crb + s->row.nof_rb > s->cfg.nof_prb) {
        snprintf(why, len, "CORESET#0 index %d (%d RB, offset %d) at RB %d lies outside the %d-RB carrier",
                 c->mib.coreset0_index, s->row.nof_rb, s->row.offset_rb, s->coreset0_crb, s->cfg.nof_prb);
        return -EINVAL;
    }
    return 0;
}

int sib1_rx_set_cell(struct sib1_rx *s, const struct sib1_rx_cell *c, char *why, size_t len)
{
    s->armed = false;
    s->period = -1;
    snprintf(why, len, "ok");
    if (c->scs_khz != c->mib.scs_common_khz) {
        snprintf(why, len, "subCarrierSpacingCommon %d kHz differs from the SSB's %d kHz (one numerology only)",
                 c->mib.scs_common_khz, c->scs_khz);
        return -EINVAL;
    }
    int mu = c->scs_khz == 30 ? 1 : 0;
    if (cell_geometry_coreset0_row(c->scs_khz, c->mib.scs_common_khz, c->tables_40mhz, c->mib.coreset0_index,
                                   &s->row) < 0) {
        snprintf(why, len, "controlResourceSetZero %d is reserved for {%d, %d} kHz", c->mib.coreset0_index,
                 c->scs_khz, c->mib.scs_common_khz);
        return -EINVAL;
    }
    if (s1_coreset0_crb(s, c, why, len) < 0)
        return -EINVAL;
    if (cell_geometry_type0_row(c->mib.searchspace0_index, &s->ss0) < 0 ||
        cell_geometry_type0_occasion_for(&s->ss0, mu, s->row.nof_symb, c->ssb_index, &s->occ) < 0) {
        snprintf(why, len, "searchSpaceZero %d has no occasion for SS/PBCH block %d", c->mib.searchspace0_index,
                 c->ssb_index);
        return -EINVAL;
    }
    if (pdcch_coreset0(&s->cs, s->coreset0_crb, s->row.nof_rb, s->row.nof_symb, s->occ.first_symbol,
                       (uint16_t)c->pci) < 0) {
        snprintf(why, len, "CORESET#0 of %d RB x %d symbols from symbol %d is not a valid CORESET", s->row.nof_rb,
                 s->row.nof_symb, s->occ.first_symbol);
        return -EINVAL;
    }
    s->cell = *c;
    s->slots_per_frame = 10 << mu;
    s->armed = true;
    return 0;
}

bool sib1_rx_monitors(const struct sib1_rx *s, int sfn, int slot)
{
    if (!s->armed)
        return false;
    /* 38.213 13: slots n0 and n0 + 1 of the frames whose SFN parity the row gives; n0 + 1 may be slot 0 of the
     * next frame. */
    int n0 = s->occ.n0, parity = s->occ.sfn_parity;
    if (slot == n0)
        return sfn % 2 == parity;
    if (n0 + 1 < s->slots_per_frame)
        return slot == n0 + 1 && sfn % 2 == parity;
    return slot == 0 && ((sfn + 1023) % 1024) % 2 == parity;
}

int sib1_rx_search(struct sib1_rx *s, const struct grid *g, int slot, struct pdcch_rx_result *res,
                   struct dci_1_0 *d)
{
    if (!s->armed)
        return -EINVAL;
    static const uint16_t si_rnti = SIB1_RX_SI_RNTI;
    /* 38.213 10.1 Table 10.1-1 (Type0-PDCCH CSS): AL 4, 8, 16 with 4, 2, 1 candidates; Y = 0; scrambling
     * n_RNTI = 0, n_ID = N_ID^cell (38.211 7.3.2.3). */
    struct pdcch_search ss = {.slot = slot, .n_id = (uint16_t)s->cell.pci, .n_rnti = 0,
                              .nof_candidates = {0, 0, 4, 2, 1}, .y = 0,
                              .dci_len = dci_1_0_size(DCI_RNTI_SI, s->cs.nof_rb), .rntis = &si_rnti,
                              .nof_rntis = 1};
    int n = pdcch_rx_search(&s->pdcch, g, &s->cs, &ss, res, 1);
    if (n <= 0)
        return n;
    if (dci_1_0_unpack(res->dci, res->dci_len, DCI_RNTI_SI, s->cs.nof_rb, d) < 0)
        return 0;
    return d->system_information_indicator == 0;   /* 38.212 7.3.1.2.1: 0 = SIB1, 1 = other SI messages */
}

int sib1_rx_grant(const struct sib1_rx *s, const struct dci_1_0 *d, int slot, struct pdsch_grant *gr,
                  struct dlsch_cfg *dc)
{
    int rb_start, l_rbs, pos = s->cell.mib.dmrs_type_a_position;
    struct pdsch_time_alloc ta;
    if (!s->armed || dci_riv_decode(s->cs.nof_rb, d->frequency_domain_assignment, &rb_start, &l_rbs) < 0 ||
        pdsch_tdra_default_a((int)d->time_domain_assignment, pos, &ta) < 0 || ta.k0 != 0)
        return -EINVAL;
    uint16_t pci = (uint16_t)s->cell.pci;
    *gr = (struct pdsch_grant){.rnti = SIB1_RX_SI_RNTI, .n_id = pci, .nof_layers = 1,
                               .crb_start = pdsch_vrb_to_crb(rb_start, 0, s->coreset0_crb), .nof_rb = l_rbs,
                               .mapping = ta.mapping, .start_symbol = ta.start_symbol,
                               .nof_symbols = ta.nof_symbols, .slot = slot};
    pdsch_dmrs_dci_1_0(&gr->dmrs, pos, ta.nof_symbols, pci, s->coreset0_crb);
    if (gr->crb_start + gr->nof_rb > s->cfg.nof_prb ||
        dl_rx_grant_mcs(gr, TBS_MCS_TABLE_64QAM, (int)d->mcs, (int)d->rv, 0, dc) < 0)
        return -EINVAL;
    return dc->qm <= 2 ? 0 : -EINVAL;   /* 38.214 5.1.3.1: no Q_m > 2 with SI-RNTI */
}

int sib1_rx_slot(struct sib1_rx *s, const struct grid *g, int sfn, int slot, struct sib1_rx_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->sfn = sfn;
    ev->slot = slot;
    ev->rrc_rc = -ENODATA;
    if (!s->armed)
        return -EINVAL;
    s->occasions++;
    struct pdcch_rx_result res;
    int rc = sib1_rx_search(s, g, slot, &res, &ev->dci);
    if (rc <= 0)
        return rc;
    ev->pdcch_found = true;
    ev->al = res.al;
    ev->first_cce = res.first_cce;
    s->pdcch_found++;
    struct pdsch_grant gr;
    struct dlsch_cfg dc;
    struct dl_rx_result r;
    int period = sfn / SIB1_RX_PERIOD_FRAMES;
    if (sib1_rx_grant(s, &ev->dci, slot, &gr, &dc) < 0 ||
        dl_rx_decode(&s->dl, g, &gr, &dc, period != s->period, &r) < 0) {
        s->crc_failed++;
        return 0;
    }
    s->period = period;
    ev->mcs = (int)ev->dci.mcs;
    ev->rb_start = gr.crb_start - s->coreset0_crb;
    ev->nof_rb = gr.nof_rb;
    ev->tbs = dc.tbs;
    ev->combined = r.combined;
    ev->snr_db = r.snr_db;
    ev->crc_ok = r.crc_ok;
    if (!r.crc_ok) {
        s->crc_failed++;
        return 0;
    }
    s->crc_ok++;
    ev->rrc_rc = rrc_bcch_dl_sch_decode(r.tb, (size_t)dc.tbs / 8, &ev->sib1);
    s->decoded += ev->rrc_rc == 0;
    return 0;
}
