/* PDSCH both directions: 38.211 7.3.1, 7.4.1.1; 38.214 5.1.2.1.1, 5.1.6.2. See pdsch.h. */
#include "phy/ch/pdsch.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "phy/mod/scrambling.h"

#define PDSCH_RB_SC SCH_RB_SC
#define PDSCH_SYMBOLS_PER_SLOT SCH_SYMBOLS_PER_SLOT
#define PDSCH_RB_ALL SCH_RB_ALL
#define PDSCH_MAX_DMRS_PER_RB SCH_MAX_DMRS_PER_RB
#define PDSCH_MAX_SLOTS_PER_FRAME 160    /* mu = 4 */

/* 38.214 Table 5.1.2.1.1-2: mapping type and (S, L) for dmrs-TypeA-Position 2 and 3; K0 = 0 in every row. */
static const struct {
    enum pdsch_mapping_type mapping;
    uint8_t s2, l2, s3, l3;
} tdra_default_a[16] = {
    { PDSCH_MAPPING_TYPE_A, 2, 12, 3, 11 }, { PDSCH_MAPPING_TYPE_A, 2, 10, 3, 9 },
    { PDSCH_MAPPING_TYPE_A, 2, 9, 3, 8 },   { PDSCH_MAPPING_TYPE_A, 2, 7, 3, 6 },
    { PDSCH_MAPPING_TYPE_A, 2, 5, 3, 4 },   { PDSCH_MAPPING_TYPE_B, 9, 4, 10, 4 },
    { PDSCH_MAPPING_TYPE_B, 4, 4, 6, 4 },   { PDSCH_MAPPING_TYPE_B, 5, 7, 5, 7 },
    { PDSCH_MAPPING_TYPE_B, 5, 2, 5, 2 },   { PDSCH_MAPPING_TYPE_B, 9, 2, 9, 2 },
    { PDSCH_MAPPING_TYPE_B, 12, 2, 12, 2 }, { PDSCH_MAPPING_TYPE_A, 1, 13, 1, 13 },
    { PDSCH_MAPPING_TYPE_A, 1, 6, 1, 6 },   { PDSCH_MAPPING_TYPE_A, 2, 4, 2, 4 },
    { PDSCH_MAPPING_TYPE_B, 4, 7, 4, 7 },   { PDSCH_MAPPING_TYPE_B, 8, 4, 8, 4 },
};

int pdsch_tdra_default_a(int row, int dmrs_type_a_position, struct pdsch_time_alloc *out)
{
    if (row < 0 || row > 15 || (dmrs_type_a_position != 2 && dmrs_type_a_position != 3))
        return -EINVAL;
    bool pos2 = dmrs_type_a_position == 2;
    *out = (struct pdsch_time_alloc){ .k0 = 0, .mapping = tdra_default_a[row].mapping,
                                      .start_symbol = pos2 ? tdra_default_a[row].s2 : tdra_default_a[row].s3,
                                      .nof_symbols = pos2 ? tdra_default_a[row].l2 : tdra_default_a[row].l3 };
    return 0;
}

void pdsch_dmrs_dci_1_0(struct pdsch_dmrs_cfg *d, int type_a_position, int nof_symbols, uint16_t n_id, int ref_crb)
{
    *d = (struct pdsch_dmrs_cfg){ .config_type = 1, .type_a_position = type_a_position, .additional_position = 2,
                                  .cdm_groups_without_data = nof_symbols == 2 ? 1 : 2, .n_id = n_id, .n_scid = 0,
                                  .ref_crb = ref_crb };
}

int pdsch_vrb_to_crb(int vrb, int bwp_start_crb, int coreset_start_crb)
{
    return (coreset_start_crb >= 0 ? coreset_start_crb : bwp_start_crb) + vrb;
}

static int dmrs_check(const struct pdsch_dmrs_cfg *d, const struct pdsch_grant *gr)
{
    int l0 = d->type_a_position;
    if ((d->config_type != 1 && d->config_type != 2) || (l0 != 2 && l0 != 3) || d->additional_position < 0 ||
        d->additional_position > 3 || (d->additional_position == 3 && l0 != 2) ||
        d->cdm_groups_without_data < 1 || d->cdm_groups_without_data > (d->config_type == 1 ? 2 : 3) ||
        (d->n_scid != 0 && d->n_scid != 1) || d->ref_crb < 0 || d->ref_crb > gr->crb_start)
        return -EINVAL;
    /* The front-loaded DM-RS must be inside the PDSCH (38.214 5.1.2.1: S <= l0 for type A). */
    return l0 >= gr->start_symbol && l0 < gr->start_symbol + gr->nof_symbols ? 0 : -EINVAL;
}

int pdsch_grant_check(const struct pdsch_grant *gr)
{
    if (!gr)
        return -EINVAL;
    if (gr->mapping == PDSCH_MAPPING_TYPE_B)
        return -ENOTSUP;
    if (gr->mapping != PDSCH_MAPPING_TYPE_A || gr->nof_layers < 1 || gr->nof_layers > PDSCH_MAX_LAYERS)
        return -EINVAL;
    if (gr->nof_layers != 1)
        return -ENOTSUP;
    int qm = modulation_qm(gr->modulation);
    int s = gr->start_symbol, l = gr->nof_symbols;
    if (qm < 2 || gr->n_id > 1023 || gr->crb_start < 0 || gr->nof_rb < 1 || gr->nof_rb > PDSCH_MAX_PRB ||
        s < 0 || s > 3 || l < 3 || s + l > PDSCH_SYMBOLS_PER_SLOT || gr->slot < 0 ||
        gr->slot >= PDSCH_MAX_SLOTS_PER_FRAME)
        return -EINVAL;
    return dmrs_check(&gr->dmrs, gr);
}

int pdsch_dmrs_symbols(const struct pdsch_grant *gr)
{
    int rc = pdsch_grant_check(gr);
    if (rc < 0)
        return rc;
    int l_d = gr->start_symbol + gr->nof_symbols; /* type A: from the slot start to the PDSCH's last symbol */
    return (int)sch_dmrs_type_a_symbols(gr->dmrs.type_a_position, l_d, gr->dmrs.additional_position);
}

int pdsch_nof_re(const struct pdsch_grant *gr)
{
    int mask = pdsch_dmrs_symbols(gr);
    if (mask < 0)
        return mask;
    int n_dmrs = __builtin_popcount((unsigned)mask);
    int per_dmrs = __builtin_popcount(sch_dmrs_data_res(gr->dmrs.config_type, gr->dmrs.cdm_groups_without_data));
    return gr->nof_rb * (PDSCH_RB_SC * (gr->nof_symbols - n_dmrs) + per_dmrs * n_dmrs);
}

int pdsch_n_dmrs_prb(const struct pdsch_grant *gr)
{
    int mask = pdsch_dmrs_symbols(gr);
    if (mask < 0)
        return mask;
    int per_dmrs = __builtin_popcount(sch_dmrs_data_res(gr->dmrs.config_type, gr->dmrs.cdm_groups_without_data));
    return (PDSCH_RB_SC - per_dmrs) * __builtin_popcount((unsigned)mask);
}

int pdsch_nof_bits(const struct pdsch_grant *gr)
{
    int n = pdsch_nof_re(gr);
    return n < 0 ? n : n * modulation_qm(gr->modulation) * gr->nof_layers;
}

uint32_t pdsch_dmrs_c_init(int slot, int l, uint16_t n_id, int n_scid)
{
    return sch_dmrs_c_init(slot, l, n_id, n_scid);
}

int pdsch_layer_map(const cf_t *d, int nof_symbols, int nof_layers, cf_t *x[PDSCH_MAX_LAYERS])
{
    if (!d || nof_layers < 1 || nof_layers > PDSCH_MAX_LAYERS || nof_symbols < 0 || nof_symbols % nof_layers)
        return -EINVAL;
    for (int i = 0; i < nof_symbols / nof_layers; i++)
        for (int v = 0; v < nof_layers; v++)
            x[v][i] = d[nof_layers * i + v];
    return 0;
}

int pdsch_init(struct pdsch *p, const struct pdsch_cfg *cfg)
{
    memset(p, 0, sizeof(*p));
    if (!cfg || cfg->max_prb < 1 || cfg->max_prb > PDSCH_MAX_PRB)
        return -EINVAL;
    p->max_prb = cfg->max_prb;
    size_t max_re = (size_t)cfg->max_prb * PDSCH_RB_SC * PDSCH_SYMBOLS_PER_SLOT;
    size_t max_dmrs = (size_t)cfg->max_prb * PDSCH_MAX_DMRS_PER_RB;
    p->packed = malloc((max_re * 8 / 32 + 1) * sizeof(uint32_t)); /* 256QAM */
    p->sym = malloc(max_re * sizeof(cf_t));
    p->gain = malloc(max_re * sizeof(float));
    p->h = malloc((size_t)cfg->max_prb * PDSCH_MAX_DMRS_SYMBOLS * sizeof(cf_t));
    p->dmrs_bits = malloc(2 * max_dmrs);
    p->dmrs = malloc(max_dmrs * sizeof(cf_t));
    if (!p->packed || !p->sym || !p->gain || !p->h || !p->dmrs_bits || !p->dmrs) {
        pdsch_free(p);
        return -ENOMEM;
    }
    sch_mod_table_init(&p->mod);
    return 0;
}

void pdsch_free(struct pdsch *p)
{
    free(p->packed);
    free(p->sym);
    free(p->gain);
    free(p->h);
    free(p->dmrs_bits);
    free(p->dmrs);
    memset(p, 0, sizeof(*p));
}

/* The checks shared by both directions; returns G or a negative code. */
static int io_check(const struct pdsch *p, const struct pdsch_grant *gr, size_t nbits, const struct grid *g)
{
    int nb = pdsch_nof_bits(gr);
    if (nb < 0)
        return nb;
    if (!p || !p->packed || gr->nof_rb > p->max_prb || nbits != (size_t)nb || !g ||
        g->nof_symbols < PDSCH_SYMBOLS_PER_SLOT || g->nof_subcarriers < PDSCH_RB_SC * (gr->crb_start + gr->nof_rb))
        return -EINVAL;
    return nb;
}

/* r(m) of symbol l over the allocation into p->dmrs (38.211 7.4.1.1.1): QPSK of the Gold bits c(2m), c(2m+1),
 * m counted from the reference CRB, times amp. */
static void dmrs_sequence(struct pdsch *p, const struct pdsch_grant *gr, int l, float amp)
{
    sch_dmrs_sequence(pdsch_dmrs_c_init(gr->slot, l, gr->dmrs.n_id, gr->dmrs.n_scid), gr->dmrs.config_type,
                      gr->crb_start - gr->dmrs.ref_crb, gr->nof_rb, amp, p->dmrs_bits, p->dmrs);
}

/* beta_DMRS: the DM-RS takes the power of every CDM group without data (38.214 Table 4.1-1). */
static float dmrs_beta(const struct pdsch_grant *gr) { return sqrtf((float)gr->dmrs.cdm_groups_without_data); }

int pdsch_encode(struct pdsch *p, const struct pdsch_grant *gr, const uint8_t *cw, size_t nbits, struct grid *g)
{
    int rc = io_check(p, gr, nbits, g);
    if (rc < 0 || !cw)
        return rc < 0 ? rc : -EINVAL;
    struct sch_map_cfg mc = { .crb_start = gr->crb_start, .nof_rb = gr->nof_rb, .start_symbol = gr->start_symbol,
                              .nof_symbols = gr->nof_symbols, .dmrs_mask = (unsigned)pdsch_dmrs_symbols(gr),
                              .config_type = gr->dmrs.config_type,
                              .cdm_groups_without_data = gr->dmrs.cdm_groups_without_data,
                              .dmrs_n_id = gr->dmrs.n_id, .n_scid = gr->dmrs.n_scid, .slot = gr->slot,
                              .dmrs_rb_offset = gr->crb_start - gr->dmrs.ref_crb,
                              .qm = modulation_qm(gr->modulation),
                              .c_init = scrambling_c_init_pdsch(gr->rnti, 0, gr->n_id) };
    struct sch_map_ws ws = { .mod = &p->mod, .packed = p->packed, .sym = p->sym, .dmrs_bits = p->dmrs_bits,
                             .dmrs = p->dmrs };
    sch_map(&ws, &mc, cw, nbits, g);
    return 0;
}

/* Per-RB least-squares channel of each DM-RS symbol into p->h ([j][rb]); returns the noise variance per RE and
 * writes the DM-RS EPRE / beta^2 and mean |h|^2. */
static float estimate_channel(struct pdsch *p, const struct grid *g, const struct pdsch_grant *gr,
                              unsigned dmrs_mask, float *epre, float *h_pow)
{
    unsigned port_res = sch_dmrs_cdm_group_res(gr->dmrs.config_type, 0);
    int per_rb = sch_dmrs_per_rb(gr->dmrs.config_type), j = 0;
    float beta = dmrs_beta(gr);
    double energy = 0, resid = 0, hp = 0;
    for (int l = 0; l < PDSCH_SYMBOLS_PER_SLOT; l++) {
        if (!(dmrs_mask >> l & 1u))
            continue;
        dmrs_sequence(p, gr, l, 1.0f);
        const cf_t *re = grid_symbol(g, l) + PDSCH_RB_SC * gr->crb_start, *r = p->dmrs;
        for (int rb = 0; rb < gr->nof_rb; rb++, re += PDSCH_RB_SC) {
            cf_t acc = 0;
            float e = 0;
            for (int k = 0; k < PDSCH_RB_SC; k++)
                if (port_res >> k & 1u) {
                    acc += re[k] * conjf(*r++);
                    e += crealf(re[k] * conjf(re[k]));
                }
            cf_t h = acc / ((float)per_rb * beta);
            p->h[j * gr->nof_rb + rb] = h;
            /* sum |y r* / beta - h|^2 = (sum |y|^2 - |sum y r*|^2 / n) / beta^2, as h is their mean */
            resid += (e - crealf(acc * conjf(acc)) / (float)per_rb) / (beta * beta);
            energy += e;
            hp += crealf(h * conjf(h));
        }
        j++;
    }
    int n_est = j * gr->nof_rb;
    *epre = (float)(energy / (n_est * per_rb) / (beta * beta));
    *h_pow = (float)(hp / n_est);
    /* The LS values carry noise_var / beta^2; their spread has n - 1 degrees of freedom per RB. */
    float nv = (float)(fmax(resid, 0.0) / (n_est * (per_rb - 1)) * beta * beta);
    return fmaxf(nv, 1e-6f * *epre);
}

/* Channel of RB rb in symbol l: linear between the DM-RS symbols around l, the nearest one outside them. */
static cf_t channel_at(const struct pdsch *p, const struct pdsch_grant *gr, const int *dmrs_l, int n_dmrs, int l,
                       int rb)
{
    const cf_t *h = p->h;
    int n = gr->nof_rb;
    if (l <= dmrs_l[0])
        return h[rb];
    for (int j = 0; j + 1 < n_dmrs; j++)
        if (l <= dmrs_l[j + 1]) {
            float w = (float)(l - dmrs_l[j]) / (float)(dmrs_l[j + 1] - dmrs_l[j]);
            return (1.0f - w) * h[j * n + rb] + w * h[(j + 1) * n + rb];
        }
    return h[(n_dmrs - 1) * n + rb];
}

int pdsch_decode(struct pdsch *p, const struct grid *g, const struct pdsch_grant *gr, float *llr, size_t nbits,
                 struct pdsch_rx_result *res)
{
    int rc = io_check(p, gr, nbits, g);
    if (rc < 0 || !llr)
        return rc < 0 ? rc : -EINVAL;
    unsigned dmrs_mask = (unsigned)pdsch_dmrs_symbols(gr);
    int dmrs_l[PDSCH_MAX_DMRS_SYMBOLS], n_dmrs = 0;
    for (int l = 0; l < PDSCH_SYMBOLS_PER_SLOT; l++)
        if (dmrs_mask >> l & 1u)
            dmrs_l[n_dmrs++] = l;
    float epre, h_pow;
    float nv = estimate_channel(p, g, gr, dmrs_mask, &epre, &h_pow);
    if (res)
        *res = (struct pdsch_rx_result){ .noise_var = nv, .epre = epre,
                                         .snr_db = h_pow > 0 ? 10.0f * log10f(h_pow / nv) : -INFINITY };
    if (!(epre > 0)) {
        memset(llr, 0, nbits * sizeof(float));
        return 0;
    }
    unsigned data_res = sch_dmrs_data_res(gr->dmrs.config_type, gr->dmrs.cdm_groups_without_data);
    int n = 0;
    for (int l = gr->start_symbol; l < gr->start_symbol + gr->nof_symbols; l++) {
        unsigned mask = dmrs_mask >> l & 1u ? data_res : PDSCH_RB_ALL;
        const cf_t *re = grid_symbol(g, l) + PDSCH_RB_SC * gr->crb_start;
        for (int rb = 0; rb < gr->nof_rb; rb++, re += PDSCH_RB_SC) {
            cf_t h = channel_at(p, gr, dmrs_l, n_dmrs, l, rb);
            float hh = crealf(h * conjf(h));
            cf_t inv = hh > 0 ? conjf(h) / hh : 0;
            for (int k = 0; k < PDSCH_RB_SC; k++)
                if (mask >> k & 1u) {
                    p->sym[n] = re[k] * inv;
                    p->gain[n++] = hh / nv; /* max-log LLRs scale with the equalised SNR */
                }
        }
    }
    int qm = modulation_qm(gr->modulation);
    modulation_demap(gr->modulation, p->sym, (size_t)n, 1.0f, llr);
    for (int i = 0; i < n; i++)
        for (int b = 0; b < qm; b++)
            llr[i * qm + b] *= p->gain[i];
    scrambling_llr(llr, nbits, scrambling_c_init_pdsch(gr->rnti, 0, gr->n_id), 0);
    return 0;
}
