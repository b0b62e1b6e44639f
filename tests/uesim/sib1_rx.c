/* UE-side SIB1 acquisition (see sib1_rx.h). */
#include "tests/uesim/sib1_rx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dci.h"
#include "phy/ch/dlsch.h"
#include "phy/fec/tbs.h"

#define SIB1_RX_MAX_CB 4       /* a SIB1 (at most 2976 bytes) fits in 4 code blocks of BG1/BG2 */
#define SIB1_RX_LDPC_ITER 10
#define SI_RNTI 0xFFFF

int sib1_rx_init(struct sib1_rx *s, const struct sib1_rx_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->spp = (size_t)llround(cfg->sample_rate_hz / 1000.0);
    struct ofdm_config oc = {.sample_rate_hz = cfg->sample_rate_hz, .scs_khz = 15, .nof_prb = cfg->nof_prb,
                             .f0_hz = (double)band_arfcn_to_hz((uint32_t)cfg->dl_arfcn),
                             .direction = OFDM_DIRECTION_RX};
    s->max_g = (size_t)cfg->nof_prb * 12 * 14 * 2;   /* QPSK (SI-RNTI: Qm <= 2) over the whole slot */
    if (ofdm_init(&s->ofdm, &oc) < 0 || grid_init(&s->grid, 14, 12 * cfg->nof_prb) < 0 ||
        pdcch_rx_init(&s->pdcch, &(struct pdcch_rx_cfg){0}) < 0 ||
        pdsch_init(&s->pdsch, &(struct pdsch_cfg){.max_prb = cfg->nof_prb}) < 0 ||
        ldpc_decoder_init(&s->dec, &(struct ldpc_decoder_cfg){0}) < 0)
        return -EINVAL;
    s->buf = calloc(2 * s->spp, sizeof(cf_t));
    s->llr = calloc(s->max_g, sizeof(float));
    s->soft = calloc((size_t)SIB1_RX_MAX_CB * 66 * 384, sizeof(float));
    s->cbs = calloc((size_t)SIB1_RX_MAX_CB * 22 * 384, 1);
    s->tb = calloc(SIB1_RX_MAX_CB * 22 * 384 / 8 + 8, 1);
    return s->buf && s->llr && s->soft && s->cbs && s->tb ? 0 : -ENOMEM;
}

void sib1_rx_free(struct sib1_rx *s)
{
    free(s->buf);
    free(s->llr);
    free(s->soft);
    free(s->cbs);
    free(s->tb);
    ldpc_decoder_free(&s->dec);
    pdsch_free(&s->pdsch);
    pdcch_rx_free(&s->pdcch);
    grid_free(&s->grid);
    ofdm_free(&s->ofdm);
}

int sib1_rx_arm(struct sib1_rx *s, int pci, const struct mib *mib, int k_ssb, int ssb_index, int l_first, int sfn,
                int hrf, int64_t t_ssb)
{
    /* What srsUE knows (its config) plus what the MIB said: the geometry module applies 38.213 13. */
    struct cell_geometry_input in = {.band = s->cfg.band, .dl_arfcn = s->cfg.dl_arfcn, .ssb_arfcn = s->cfg.ssb_arfcn,
                                     .scs_khz = 15, .nof_prb = s->cfg.nof_prb,
                                     .coreset0_index = mib->coreset0_index,
                                     .searchspace0_index = mib->searchspace0_index,
                                     .dmrs_type_a_position = mib->dmrs_type_a_position};
    if (cell_geometry_derive(&in, &s->g, NULL) < 0 || s->g.k_ssb != k_ssb) return -EINVAL;
    s->mib = *mib;
    s->pci = pci;
    s->ssb_index = ssb_index;
    /* Frame timing from the block: its first symbol l_first counts from the half frame (15 kHz: 14 per 1 ms). */
    int64_t off = (int64_t)(l_first / 14) * (int64_t)s->spp;
    for (int l = 0; l < l_first % 14; l++) off += ofdm_symbol_nof_samples(&s->ofdm, l);
    s->frame_t = t_ssb - off - (int64_t)hrf * 5 * (int64_t)s->spp;
    s->frame_sfn = sfn;
    s->next_slot_t = s->frame_t;
    if (pdcch_coreset0(&s->cs, s->g.coreset0_crb_start, s->g.coreset0.nof_rb, s->g.coreset0.nof_symb, 0,
                       (uint16_t)pci) < 0)
        return -EINVAL;
    s->armed = true;
    return 0;
}

/* Blind SS#0 search for the SI-RNTI, as srsUE does it (AL4: 4, AL8: 2 candidates; Y = 0, n_RNTI = 0). */
static int search_si(struct sib1_rx *s, int slot, struct pdcch_rx_result *res)
{
    static const uint16_t si_rnti = SI_RNTI;
    struct pdcch_search ss = {.slot = slot, .n_id = (uint16_t)s->pci, .n_rnti = 0, .nof_candidates = {0, 0, 4, 2, 0},
                              .y = 0, .dci_len = dci_1_0_size(DCI_RNTI_SI, s->cs.nof_rb), .rntis = &si_rnti,
                              .nof_rntis = 1};
    return pdcch_rx_search(&s->pdcch, &s->grid, &s->cs, &ss, res, 1);
}

/* The PDSCH the DCI schedules, decoded to a TB. */
static void receive_pdsch(struct sib1_rx *s, int slot, const struct dci_1_0 *d, struct sib1_rx_event *ev)
{
    int rb_start, l_rbs;
    struct pdsch_time_alloc ta;
    if (dci_riv_decode(s->cs.nof_rb, d->frequency_domain_assignment, &rb_start, &l_rbs) < 0 ||
        pdsch_tdra_default_a((int)d->time_domain_assignment, s->mib.dmrs_type_a_position, &ta) < 0)
        return;
    struct pdsch_grant gr = {.rnti = SI_RNTI, .n_id = (uint16_t)s->pci, .modulation = MODULATION_QPSK,
                             .nof_layers = 1, .crb_start = pdsch_vrb_to_crb(rb_start, 0, s->g.coreset0_crb_start),
                             .nof_rb = l_rbs, .mapping = ta.mapping, .start_symbol = ta.start_symbol,
                             .nof_symbols = ta.nof_symbols, .slot = slot};
    pdsch_dmrs_dci_1_0(&gr.dmrs, s->mib.dmrs_type_a_position, ta.nof_symbols, (uint16_t)s->pci,
                       s->g.coreset0_crb_start);
    int g = pdsch_nof_bits(&gr);
    struct tbs_mcs row;
    if (g <= 0 || (size_t)g > s->max_g || tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, (int)d->mcs, &row) < 0 || row.qm > 2)
        return;
    ev->mcs = (int)d->mcs;
    ev->rb_start = rb_start;
    ev->nof_rb = l_rbs;
    int dmrs_syms = __builtin_popcount((unsigned)pdsch_dmrs_symbols(&gr));
    struct tbs_cfg tc = {.n_prb = l_rbs, .n_symb_sh = ta.nof_symbols,
                         .n_dmrs_prb = dmrs_syms * 6 * gr.dmrs.cdm_groups_without_data, .layers = 1,
                         .qm = row.qm, .r_x1024 = row.r_x1024};
    ev->tbs = tbs_compute(&tc);
    struct dlsch_cfg dc = {.tbs = ev->tbs, .r = row.r_x1024 / 1024.0, .qm = row.qm, .n_layers = 1,
                           .rv = (int)d->rv, .g = g};
    struct dlsch_params p;
    if (ev->tbs <= 0 || dlsch_params_init(&p, &dc) < 0 || p.seg.c > SIB1_RX_MAX_CB) return;
    if (pdsch_decode(&s->pdsch, &s->grid, &gr, s->llr, (size_t)g, NULL) < 0) return;
    struct segmentation_rx_result rr = {0};
    dlsch_rx_soft_reset(&p, s->soft);
    dlsch_rx_combine(&p, s->llr, s->soft);
    if (dlsch_rx_decode(&p, &s->dec, SIB1_RX_LDPC_ITER, s->soft, s->cbs, s->tb, &rr) < 0) return;
    ev->crc_ok = rr.tb_crc_ok;
    if (ev->crc_ok) ev->rrc_rc = rrc_bcch_dl_sch_decode(s->tb, (size_t)ev->tbs / 8, &ev->sib1);
}

static void look_at_slot(struct sib1_rx *s, const cf_t *x, int sfn, int slot, struct sib1_rx_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->sfn = sfn;
    ev->slot = slot;
    ev->rrc_rc = -ENODATA;
    s->occasions++;
    if (ofdm_demodulate_slot(&s->ofdm, x, 0, s->grid.re) < 0) return; /* 15 kHz: one slot per subframe */
    struct pdcch_rx_result res;
    if (search_si(s, slot, &res) <= 0) return;
    struct dci_1_0 d;
    if (dci_1_0_unpack(res.dci, res.dci_len, DCI_RNTI_SI, s->cs.nof_rb, &d) < 0 || d.system_information_indicator)
        return;
    ev->pdcch_found = true;
    ev->al = res.al;
    s->pdcch_found++;
    receive_pdsch(s, slot, &d, ev);
    if (ev->crc_ok) s->crc_ok++;
    else s->crc_failed++;
    if (ev->crc_ok && ev->rrc_rc == 0) s->decoded++;
}

int sib1_rx_push(struct sib1_rx *s, const cf_t *x, size_t n, int64_t t, struct sib1_rx_event *ev, int max_ev)
{
    if (!s->armed || n > s->spp) return 0;
    /* Keep the last two blocks: a slot may straddle two of them. */
    if (s->len + n > 2 * s->spp) {
        size_t drop = s->len + n - 2 * s->spp;
        memmove(s->buf, s->buf + drop, (s->len - drop) * sizeof(cf_t));
        s->len -= drop;
        s->buf_t += (int64_t)drop;
    }
    if (s->len == 0) s->buf_t = t;
    memcpy(s->buf + s->len, x, n * sizeof(cf_t));
    s->len += n;
    int nev = 0;
    int64_t spp = (int64_t)s->spp;
    while (nev < max_ev && s->next_slot_t + spp <= s->buf_t + (int64_t)s->len) {
        int64_t b = s->next_slot_t;
        s->next_slot_t += spp;
        if (b < s->buf_t) continue;   /* before what we kept (the search took it) */
        int64_t k = (b - s->frame_t) / spp;
        int sfn = (int)((s->frame_sfn + k / 10) % 1024), slot = (int)(k % 10);
        if (!cell_geometry_type0_in_slot(&s->g, s->ssb_index, sfn, slot)) continue;
        look_at_slot(s, s->buf + (b - s->buf_t), sfn, slot, &ev[nev++]);
    }
    return nev;
}
