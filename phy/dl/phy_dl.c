/* Downlink PHY processor: grid -> SSB, PDCCH, PDSCH mapping -> OFDM. */
#include "phy/dl/phy_dl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int phy_dl_init(struct phy_dl *d, const struct phy_dl_config *cfg)
{
    memset(d, 0, sizeof *d);
    d->cfg = *cfg;
    d->slots_per_subframe = cfg->scs_khz / 15;
    struct ofdm_config oc = {.sample_rate_hz = cfg->sample_rate_hz, .scs_khz = cfg->scs_khz,
                             .nof_prb = cfg->nof_prb, .f0_hz = cfg->f0_hz, .direction = OFDM_DIRECTION_TX};
    int rc = ofdm_init(&d->ofdm, &oc);
    if (rc < 0) return rc;
    struct ssb_config sc = {.pci = cfg->pci, .l_max = cfg->ssb_l_max, .k_ssb = cfg->k_ssb};
    rc = ssb_init(&d->ssb, &sc);
    if (rc < 0) {
        ofdm_free(&d->ofdm);
        return rc;
    }
    if (cfg->fault_pbch_scrambling) {
        struct ssb_config fc = sc;
        fc.pci = (cfg->pci + 4) % 1008;
        rc = ssb_init(&d->ssb_fault, &fc);
        if (rc < 0) {
            phy_dl_free(d);
            return rc;
        }
    }
    rc = grid_init(&d->grid, 14, 12 * cfg->nof_prb);
    if (rc == 0) rc = pdsch_init(&d->pdsch, &(struct pdsch_cfg){.max_prb = cfg->nof_prb});
    if (rc == 0) rc = dlsch_init(&d->enc, &(struct dlsch_init_cfg){0});
    if (rc == 0) {
        d->enc_ok = true;
        d->cw_slot_max = 14 * 12 * cfg->nof_prb * 8; /* every RE of the carrier at 256QAM */
        d->cw_slot = malloc((size_t)d->cw_slot_max);
        d->repeat = malloc(sizeof(cf_t) * (size_t)phy_dl_slot_samples(d));
        if (!d->cw_slot || !d->repeat) rc = -ENOMEM;
    }
    if (rc < 0) {
        phy_dl_free(d);
        return rc;
    }
    return 0;
}

void phy_dl_free(struct phy_dl *d)
{
    for (int i = 0; i < PHY_DL_MAX_CODEWORDS; i++) {
        free(d->cw[i]);
        d->cw[i] = NULL;
        d->cw_bits[i] = 0;
    }
    if (d->enc_ok) dlsch_free(&d->enc);
    d->enc_ok = false;
    free(d->cw_slot);
    d->cw_slot = NULL;
    free(d->repeat);
    d->repeat = NULL;
    d->repeat_valid = false;
    pdsch_free(&d->pdsch);
    grid_free(&d->grid);
    if (d->cfg.fault_pbch_scrambling) ssb_free(&d->ssb_fault);
    ssb_free(&d->ssb);
    ofdm_free(&d->ofdm);
}

/* Replace the block's PBCH data REs with those scrambled for another cell ID (fault injection). */
static int corrupt_pbch_scrambling(const struct phy_dl *d, const uint8_t *mib, int sfn, const struct ssb_occasion *o,
                                   cf_t block[SSB_BLOCK_RE])
{
    cf_t wrong[SSB_BLOCK_RE];
    int rc = ssb_build(&d->ssb_fault, mib, sfn, o->hrf, o->ssb_index, wrong);
    if (rc < 0) return rc;
    for (int i = 0; i < SSB_PBCH_NUM_RE; i++) block[d->ssb.pbch_re[i]] = wrong[d->ssb.pbch_re[i]];
    return 0;
}

int phy_dl_set_codeword(struct phy_dl *d, int id, const struct dlsch_cfg *cfg, const uint8_t *tb)
{
    if (id < 0 || id >= PHY_DL_MAX_CODEWORDS || cfg->g <= 0) return -EINVAL;
    uint8_t *bits = malloc((size_t)cfg->g);
    if (!bits) return -ENOMEM;
    struct dlsch enc;
    int rc = dlsch_init(&enc, &(struct dlsch_init_cfg){0});
    if (rc == 0) {
        rc = dlsch_encode(&enc, cfg, tb, bits);
        dlsch_free(&enc);
    }
    if (rc < 0) {
        free(bits);
        return rc;
    }
    free(d->cw[id]);
    d->cw[id] = bits;
    d->repeat_valid = false; /* its samples may carry the codeword replaced */
    d->cw_bits[id] = cfg->g;
    return 0;
}

int phy_dl_slot_samples(const struct phy_dl *d) { return ofdm_slot_nof_samples(&d->ofdm, 0); }

static int map_ssbs(struct phy_dl *d, const struct dl_slot_request *req)
{
    for (int i = 0; i < req->n_ssb && i < SSB_MAX_PER_SLOT; i++) {
        cf_t block[SSB_BLOCK_RE];
        const struct ssb_occasion *o = &req->ssb[i];
        int rc = ssb_build(&d->ssb, req->mib, req->sfn, o->hrf, o->ssb_index, block);
        if (rc == 0 && d->cfg.fault_pbch_scrambling) rc = corrupt_pbch_scrambling(d, req->mib, req->sfn, o, block);
        if (rc < 0) return rc;
        rc = ssb_map(block, &d->grid, d->cfg.ssb_first_subcarrier, o->first_symbol);
        if (rc < 0) return rc;
    }
    return 0;
}

static int map_pdcchs(struct phy_dl *d, const struct dl_slot_request *req)
{
    for (int i = 0; i < req->n_pdcch && i < DL_MAX_PDCCH; i++) {
        const struct dl_pdcch *c = &req->pdcch[i];
        if (c->dci_len < 1 || c->dci_len > DL_DCI_MAX_BITS) return -EINVAL;
        struct pdcch_msg m = {.dci = c->dci, .dci_len = c->dci_len, .rnti = c->rnti, .al = c->al,
                              .first_cce = c->first_cce, .n_id = c->n_id, .n_rnti = c->n_rnti};
        int rc = pdcch_encode(&c->coreset, req->slot_in_frame, &m, &d->grid);
        if (rc < 0) return rc;
    }
    return 0;
}

static int map_pdschs(struct phy_dl *d, const struct dl_slot_request *req)
{
    for (int i = 0; i < req->n_pdsch && i < DL_MAX_PDSCH; i++) {
        const struct dl_pdsch *s = &req->pdsch[i];
        const uint8_t *cw;
        size_t nbits;
        if (s->codeword == PHY_DL_CW_TB) {
            if (!s->tb || s->dlsch.g <= 0 || s->dlsch.g > d->cw_slot_max) return -EINVAL;
            int rc = dlsch_encode(&d->enc, &s->dlsch, s->tb, d->cw_slot);
            if (rc < 0) return rc;
            cw = d->cw_slot;
            nbits = (size_t)s->dlsch.g;
        } else {
            if (s->codeword < 0 || s->codeword >= PHY_DL_MAX_CODEWORDS || !d->cw[s->codeword]) return -EINVAL;
            cw = d->cw[s->codeword];
            nbits = (size_t)d->cw_bits[s->codeword];
        }
        /* pdsch_encode refuses a codeword whose length is not the grant's G. */
        struct pdsch_grant gr = s->grant;
        if (d->cfg.fault_pdsch_scrambling) gr.n_id = (uint16_t)((gr.n_id + 1) % 1024); /* fault injection */
        int rc = pdsch_encode(&d->pdsch, &gr, cw, nbits, &d->grid);
        if (rc < 0) return rc;
    }
    return 0;
}

static unsigned symbol_span(int first, int n)
{
    if (first < 0 || n < 0 || first + n > OFDM_SYMBOLS_PER_SLOT) return (1u << OFDM_SYMBOLS_PER_SLOT) - 1;
    return ((1u << n) - 1) << first;
}

/* The symbols the request's channels occupy (SSB: 4 symbols, 38.211 7.4.3.1; a PDCCH: its CORESET's; a PDSCH:
 * its allocation, DM-RS included): every RE the mappers may write lies in them. */
static unsigned symbols_used(const struct dl_slot_request *req)
{
    unsigned m = 0;
    for (int i = 0; i < req->n_ssb && i < SSB_MAX_PER_SLOT; i++) m |= symbol_span(req->ssb[i].first_symbol, 4);
    for (int i = 0; i < req->n_pdcch && i < DL_MAX_PDCCH; i++)
        m |= symbol_span(req->pdcch[i].coreset.start_symbol, req->pdcch[i].coreset.nof_symbols);
    for (int i = 0; i < req->n_pdsch && i < DL_MAX_PDSCH; i++)
        m |= symbol_span(req->pdsch[i].grant.start_symbol, req->pdsch[i].grant.nof_symbols);
    return m;
}

bool phy_dl_slot_empty(const struct dl_slot_request *req)
{
    return req->n_ssb <= 0 && req->n_pdcch <= 0 && req->n_pdsch <= 0;
}

/* A slot whose samples follow from the request alone, with no SFN in them: no SS/PBCH block (its PBCH carries the
 * SFN, 38.212 7.1.1), every PDSCH a stored codeword (a TB changes). */
static bool repeatable(const struct dl_slot_request *r)
{
    if (r->n_ssb != 0 || r->n_pdsch <= 0 || r->n_pdsch > DL_MAX_PDSCH || r->n_pdcch < 0 || r->n_pdcch > DL_MAX_PDCCH)
        return false;
    for (int i = 0; i < r->n_pdsch; i++)
        if (r->pdsch[i].codeword < 0) return false;
    return true;
}

/* Same samples: the same slot in the frame (DM-RS and PDCCH/PDSCH scrambling follow n_s,f, 38.211 7.4.1.1.1,
 * 7.4.1.3.1; the 5.4 phase term the slot in the subframe), the same silenced symbols and byte-identical PDCCHs
 * and PDSCHs (a difference in padding only costs a rebuild). */
static bool same_slot(const struct dl_slot_request *a, const struct dl_slot_request *b)
{
    return a->slot_in_frame == b->slot_in_frame && a->silent_symbols == b->silent_symbols &&
           a->n_pdcch == b->n_pdcch && a->n_pdsch == b->n_pdsch &&
           memcmp(a->pdcch, b->pdcch, (size_t)a->n_pdcch * sizeof a->pdcch[0]) == 0 &&
           memcmp(a->pdsch, b->pdsch, (size_t)a->n_pdsch * sizeof a->pdsch[0]) == 0;
}

int phy_dl_process(struct phy_dl *d, const struct dl_slot_request *req, cf_t *out)
{
    bool repeat = repeatable(req);
    int slot_in_subframe = req->slot_in_frame % d->slots_per_subframe;
    size_t bytes = sizeof(cf_t) * (size_t)ofdm_slot_nof_samples(&d->ofdm, slot_in_subframe);
    if (repeat && d->repeat_valid && same_slot(req, &d->repeat_req)) {
        memcpy(out, d->repeat, bytes); /* the grid keeps the last slot built, cleared as usual next time */
        d->repeats++;
        return 0;
    }
    /* Only the symbols the last slot wrote are cleared, and only the symbols holding REs now are transformed:
     * an idle slot costs two SSB or CORESET symbols, not 14 IFFTs (the empty ones are zeros either way). */
    int nsc = d->grid.nof_subcarriers;
    for (int l = 0; l < OFDM_SYMBOLS_PER_SLOT; l++)
        if (d->dirty & (1u << l)) memset(grid_symbol(&d->grid, l), 0, (size_t)nsc * sizeof(cf_t));
    unsigned used = symbols_used(req);
    d->dirty = used;
    int rc = map_ssbs(d, req);
    if (rc == 0) rc = map_pdcchs(d, req);
    if (rc == 0) rc = map_pdschs(d, req);
    if (rc < 0) return rc;
    /* TDD: the UL and flexible symbols carry nothing from the gNB (their CP included). */
    rc = ofdm_modulate_slot_symbols(&d->ofdm, d->grid.re, slot_in_subframe, used & ~(unsigned)req->silent_symbols,
                                    out);
    if (rc < 0) return rc;
    if (repeat) {
        memcpy(d->repeat, out, bytes);
        d->repeat_req = *req;
        d->repeat_valid = true;
    }
    return 0;
}
