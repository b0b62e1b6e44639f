/* PUSCH both directions: 38.211 6.3.1, 6.4.1.1; 38.212 6.2 (receive side); 38.214 6.1.2.1. See pusch.h. HARQ-ACK on
 * PUSCH: pusch_uci.c. */
#include "phy/ch/pusch.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/pusch_priv.h"
#include "phy/ch/uci.h"
#include "phy/mod/scrambling.h"

#define PUSCH_MAX_SLOTS_PER_FRAME 160 /* mu = 4 */
#define PUSCH_DEFAULT_ITERATIONS 10

#define B(l) (1u << (l))
/* 38.211 Table 6.4.1.1.3-3, single-symbol DM-RS, mapping type B: DM-RS symbols relative to S (l0 = 0) for
 * l_d = L = 0..14 and dmrs-AdditionalPosition 0..3. (Type A is the PDSCH table: sch_dmrs_type_a_symbols().) */
static const uint16_t dmrs_type_b[15][4] = {
    [0] = { B(0), B(0), B(0), B(0) },
    [1] = { B(0), B(0), B(0), B(0) },
    [2] = { B(0), B(0), B(0), B(0) },
    [3] = { B(0), B(0), B(0), B(0) },
    [4] = { B(0), B(0), B(0), B(0) },
    [5] = { B(0), B(0) | B(4), B(0) | B(4), B(0) | B(4) },
    [6] = { B(0), B(0) | B(4), B(0) | B(4), B(0) | B(4) },
    [7] = { B(0), B(0) | B(4), B(0) | B(4), B(0) | B(4) },
    [8] = { B(0), B(0) | B(6), B(0) | B(3) | B(6), B(0) | B(3) | B(6) },
    [9] = { B(0), B(0) | B(6), B(0) | B(3) | B(6), B(0) | B(3) | B(6) },
    [10] = { B(0), B(0) | B(8), B(0) | B(4) | B(8), B(0) | B(3) | B(6) | B(9) },
    [11] = { B(0), B(0) | B(8), B(0) | B(4) | B(8), B(0) | B(3) | B(6) | B(9) },
    [12] = { B(0), B(0) | B(10), B(0) | B(5) | B(10), B(0) | B(3) | B(6) | B(9) },
    [13] = { B(0), B(0) | B(10), B(0) | B(5) | B(10), B(0) | B(3) | B(6) | B(9) },
    [14] = { B(0), B(0) | B(10), B(0) | B(5) | B(10), B(0) | B(3) | B(6) | B(9) },
};
#undef B

/* Complex products in real arithmetic: no NaN/inf fix-up calls, so the loops stay simple. */
static inline cf_t cmul(cf_t a, cf_t b)
{
    return CMPLXF(crealf(a) * crealf(b) - cimagf(a) * cimagf(b), crealf(a) * cimagf(b) + cimagf(a) * crealf(b));
}
static inline cf_t cmul_conj(cf_t a, cf_t b) /* a conj(b) */
{
    return CMPLXF(crealf(a) * crealf(b) + cimagf(a) * cimagf(b), cimagf(a) * crealf(b) - crealf(a) * cimagf(b));
}
static inline float cabs2(cf_t a) { return crealf(a) * crealf(a) + cimagf(a) * cimagf(a); }

int pusch_grant_check(const struct pusch_grant *gr)
{
    if (!gr)
        return -EINVAL;
    const struct pusch_dmrs_cfg *d = &gr->dmrs;
    int qm = modulation_qm(gr->modulation), s = gr->start_symbol, l = gr->nof_symbols;
    if (qm == 1)
        return -ENOTSUP; /* pi/2-BPSK: transform precoding only */
    if (qm < 2 || gr->n_id > 1023 || gr->crb_start < 0 || gr->nof_rb < 1 || gr->nof_rb > PUSCH_MAX_PRB ||
        gr->crb_start + gr->nof_rb > PUSCH_MAX_PRB || gr->slot < 0 || gr->slot >= PUSCH_MAX_SLOTS_PER_FRAME)
        return -EINVAL;
    if (gr->mapping == PUSCH_MAPPING_TYPE_A) {
        if (s != 0 || l < 4 || l > SCH_SYMBOLS_PER_SLOT || (d->type_a_position != 2 && d->type_a_position != 3) ||
            (d->additional_position == 3 && d->type_a_position != 2))
            return -EINVAL;
    } else if (gr->mapping != PUSCH_MAPPING_TYPE_B || s < 0 || l < 1 || s + l > SCH_SYMBOLS_PER_SLOT) {
        return -EINVAL;
    }
    if ((d->config_type != 1 && d->config_type != 2) || d->additional_position < 0 || d->additional_position > 3 ||
        d->cdm_groups_without_data < 1 || d->cdm_groups_without_data > (d->config_type == 1 ? 2 : 3) ||
        (d->n_scid != 0 && d->n_scid != 1))
        return -EINVAL;
    return pusch_uci_check(&gr->uci);
}

int pusch_dmrs_symbols(const struct pusch_grant *gr)
{
    int rc = pusch_grant_check(gr);
    if (rc < 0)
        return rc;
    if (gr->mapping == PUSCH_MAPPING_TYPE_A)
        return (int)sch_dmrs_type_a_symbols(gr->dmrs.type_a_position, gr->nof_symbols,
                                            gr->dmrs.additional_position);
    return (int)((unsigned)dmrs_type_b[gr->nof_symbols][gr->dmrs.additional_position] << gr->start_symbol);
}

int pusch_nof_re(const struct pusch_grant *gr)
{
    int mask = pusch_dmrs_symbols(gr);
    if (mask < 0)
        return mask;
    int n_dmrs = __builtin_popcount((unsigned)mask);
    int per_dmrs = __builtin_popcount(sch_dmrs_data_res(gr->dmrs.config_type, gr->dmrs.cdm_groups_without_data));
    int n = gr->nof_rb * (SCH_RB_SC * (gr->nof_symbols - n_dmrs) + per_dmrs * n_dmrs);
    return n > 0 ? n : -EINVAL;
}

int pusch_nof_bits(const struct pusch_grant *gr)
{
    int n = pusch_nof_re(gr);
    return n < 0 ? n : n * modulation_qm(gr->modulation);
}

int pusch_n_dmrs_prb(const struct pusch_grant *gr)
{
    int mask = pusch_dmrs_symbols(gr);
    if (mask < 0)
        return mask;
    int per_dmrs = SCH_RB_SC - __builtin_popcount(sch_dmrs_data_res(gr->dmrs.config_type,
                                                                     gr->dmrs.cdm_groups_without_data));
    return per_dmrs * __builtin_popcount((unsigned)mask);
}

/* The checks both directions share; G or a negative code. */
static int io_check(int max_prb, const struct pusch_grant *gr, const struct grid *g)
{
    int nb = pusch_nof_bits(gr);
    if (nb < 0)
        return nb;
    if (gr->nof_rb > max_prb || !g || !g->re || g->nof_symbols < SCH_SYMBOLS_PER_SLOT ||
        g->nof_subcarriers < SCH_RB_SC * (gr->crb_start + gr->nof_rb))
        return -EINVAL;
    return nb;
}

/* ---- UE side ---- */

int pusch_tx_init(struct pusch_tx *tx, int max_prb)
{
    memset(tx, 0, sizeof(*tx));
    if (max_prb < 1 || max_prb > PUSCH_MAX_PRB)
        return -EINVAL;
    tx->max_prb = max_prb;
    size_t max_re = (size_t)max_prb * SCH_RB_SC * SCH_SYMBOLS_PER_SLOT;
    tx->packed = malloc((max_re * 8 / 32 + 1) * sizeof(uint32_t));
    tx->sym = malloc((size_t)max_prb * SCH_RB_SC * sizeof(cf_t));
    tx->dmrs_bits = malloc((size_t)max_prb * 2 * SCH_MAX_DMRS_PER_RB);
    tx->dmrs = malloc((size_t)max_prb * SCH_MAX_DMRS_PER_RB * sizeof(cf_t));
    if (!tx->packed || !tx->sym || !tx->dmrs_bits || !tx->dmrs) {
        pusch_tx_free(tx);
        return -ENOMEM;
    }
    sch_mod_table_init(&tx->mod);
    return 0;
}

void pusch_tx_free(struct pusch_tx *tx)
{
    free(tx->packed);
    free(tx->sym);
    free(tx->dmrs_bits);
    free(tx->dmrs);
    memset(tx, 0, sizeof(*tx));
}

/* The UE's chain; lay and ack (the HARQ-ACK bits) NULL without UCI. */
static int encode(struct pusch_tx *tx, const struct pusch_grant *gr, const uint8_t *cw, size_t nbits,
                  const struct pusch_ack_layout *lay, const uint8_t *ack, struct grid *g)
{
    if (!tx || !tx->packed || !cw)
        return -EINVAL;
    int nb = io_check(tx->max_prb, gr, g);
    if (nb < 0 || nbits != (size_t)nb)
        return nb < 0 ? nb : -EINVAL;
    struct sch_map_cfg mc = { .crb_start = gr->crb_start, .nof_rb = gr->nof_rb, .start_symbol = gr->start_symbol,
                              .nof_symbols = gr->nof_symbols, .dmrs_mask = (unsigned)pusch_dmrs_symbols(gr),
                              .config_type = gr->dmrs.config_type,
                              .cdm_groups_without_data = gr->dmrs.cdm_groups_without_data,
                              .dmrs_n_id = gr->dmrs.n_id, .n_scid = gr->dmrs.n_scid, .slot = gr->slot,
                              .dmrs_rb_offset = gr->crb_start, .qm = modulation_qm(gr->modulation),
                              .c_init = scrambling_c_init_pusch(gr->rnti, gr->n_id) };
    struct sch_map_ws ws = { .mod = &tx->mod, .packed = tx->packed, .sym = tx->sym, .dmrs_bits = tx->dmrs_bits,
                             .dmrs = tx->dmrs };
    sch_scramble_pack(cw, nbits, mc.c_init, tx->packed);
    if (lay) {
        uint8_t d[UCI_SMALL_MAX_N];
        int n = uci_small_encode(ack, gr->uci.n_ack, mc.qm, d);
        if (n < 0)
            return n;
        pusch_ack_mux(tx->packed, cw, lay, mc.qm, d, n);
    }
    sch_map_packed(&ws, &mc, g);
    return 0;
}

int pusch_encode(struct pusch_tx *tx, const struct pusch_grant *gr, const uint8_t *cw, size_t nbits, struct grid *g)
{
    if (gr && gr->uci.n_ack != 0)
        return -EINVAL;
    return encode(tx, gr, cw, nbits, NULL, NULL, g);
}

int pusch_encode_uci(struct pusch_tx *tx, const struct pusch_grant *gr, const struct pusch_tb *tb, const uint8_t *cw,
                     size_t nbits, const uint8_t *ack, struct grid *g)
{
    if (!gr || (gr->uci.n_ack != 0 && !ack))
        return -EINVAL;
    if (gr->uci.n_ack == 0)
        return encode(tx, gr, cw, nbits, NULL, NULL, g);
    struct pusch_ack_layout lay;
    int rc = pusch_ack_layout(gr, tb, &lay);
    return rc < 0 ? rc : encode(tx, gr, cw, nbits, &lay, ack, g);
}

/* ---- gNB side ---- */

int pusch_rx_init(struct pusch_rx *rx, const struct pusch_rx_cfg *cfg)
{
    memset(rx, 0, sizeof(*rx));
    if (!cfg || cfg->max_prb < 1 || cfg->max_prb > PUSCH_MAX_PRB || !(cfg->sample_rate_hz > 0) ||
        (cfg->scs_khz != 15 && cfg->scs_khz != 30 && cfg->scs_khz != 60 && cfg->scs_khz != 120))
        return -EINVAL;
    rx->cfg = *cfg;
    if (pusch_ack_thresholds(cfg->ack_pfa, rx->ack_thr) < 0) {
        memset(rx, 0, sizeof(*rx));
        return -EINVAL;
    }
    int rc = ldpc_decoder_init(&rx->dec, &(struct ldpc_decoder_cfg){ .impl = cfg->ldpc_impl });
    if (rc < 0) {
        memset(rx, 0, sizeof(*rx));
        return rc;
    }
    size_t nsc = (size_t)cfg->max_prb * SCH_RB_SC, pilots = (size_t)cfg->max_prb * SCH_MAX_DMRS_PER_RB;
    rx->llr_max = nsc * SCH_SYMBOLS_PER_SLOT * 8;
    /* C K <= (C + 1) 8448 with C <= (G + 24) / 8424 + 1, as TBS < G */
    rx->cbs_max = (rx->llr_max / 8424 + 2) * 8448;
    rx->dmrs_bits = malloc(2 * pilots);
    rx->dmrs = malloc(pilots * sizeof(cf_t));
    rx->z = malloc(pilots * PUSCH_MAX_DMRS_SYMBOLS * sizeof(cf_t));
    rx->h = malloc(nsc * PUSCH_MAX_DMRS_SYMBOLS * sizeof(cf_t));
    rx->hrb = malloc((size_t)cfg->max_prb * PUSCH_MAX_DMRS_SYMBOLS * sizeof(cf_t));
    rx->ramp = malloc(nsc * sizeof(cf_t));
    rx->sym = malloc(nsc * SCH_SYMBOLS_PER_SLOT * sizeof(cf_t));
    rx->gain = malloc(nsc * SCH_SYMBOLS_PER_SLOT * sizeof(float));
    rx->llr = malloc(rx->llr_max * sizeof(float));
    rx->cbs = malloc(rx->cbs_max);
    if (!rx->dmrs_bits || !rx->dmrs || !rx->z || !rx->h || !rx->hrb || !rx->ramp || !rx->sym || !rx->gain ||
        !rx->llr || !rx->cbs) {
        pusch_rx_free(rx);
        return -ENOMEM;
    }
    return 0;
}

void pusch_rx_free(struct pusch_rx *rx)
{
    if (rx->dmrs_bits || rx->llr || rx->cbs || rx->dec.app)
        ldpc_decoder_free(&rx->dec);
    free(rx->dmrs_bits);
    free(rx->dmrs);
    free(rx->z);
    free(rx->h);
    free(rx->hrb);
    free(rx->ramp);
    free(rx->sym);
    free(rx->gain);
    free(rx->llr);
    free(rx->cbs);
    memset(rx, 0, sizeof(*rx));
}

/* Subcarrier of pilot p within the allocation: CDM group 0 of type 1 (k = 4n + 2k') or type 2 (k = 6n + k'). */
static inline int pilot_k(int config_type, int p) { return config_type == 1 ? 2 * p : 6 * (p >> 1) + (p & 1); }

/* e^{j theta k} for the allocation's subcarriers, from one sine/cosine per RB. */
static void make_ramp(cf_t *ramp, int nof_rb, double theta)
{
    cf_t inner[SCH_RB_SC];
    for (int k = 0; k < SCH_RB_SC; k++)
        inner[k] = CMPLXF((float)cos(theta * k), (float)sin(theta * k));
    for (int rb = 0; rb < nof_rb; rb++) {
        double a = theta * SCH_RB_SC * rb;
        cf_t base = CMPLXF((float)cos(a), (float)sin(a));
        for (int k = 0; k < SCH_RB_SC; k++)
            ramp[rb * SCH_RB_SC + k] = cmul(base, inner[k]);
    }
}

/* LS values of every DM-RS symbol into rx->z; returns the DM-RS energy and adds the timing correlation. */
static double ls_values(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr, cf_t *corr)
{
    int ct = gr->dmrs.config_type, npil = sch_dmrs_per_rb(ct) * gr->nof_rb, step = ct == 1 ? 1 : 2;
    double energy = 0, cr = 0, ci = 0;
    for (int j = 0; j < rx->n_dmrs; j++) {
        int l = rx->dmrs_l[j];
        sch_dmrs_sequence(sch_dmrs_c_init(gr->slot, l, gr->dmrs.n_id, gr->dmrs.n_scid), ct, gr->crb_start,
                          gr->nof_rb, 1.0f, rx->dmrs_bits, rx->dmrs);
        const cf_t *re = grid_symbol(g, l) + SCH_RB_SC * gr->crb_start;
        cf_t *z = rx->z + (size_t)j * (size_t)npil;
        float e = 0;
        for (int p = 0; p < npil; p++) {
            cf_t y = re[pilot_k(ct, p)];
            z[p] = cmul_conj(y, rx->dmrs[p]);
            e += cabs2(y);
        }
        energy += e;
        /* z_{p+step} z_p^*: the phase turns by theta per subcarrier, over 2 (type 1) or 6 (type 2) of them */
        float sr = 0, si = 0;
        for (int p = 0; p + step < npil; p++) {
            cf_t c = cmul_conj(z[p + step], z[p]);
            sr += crealf(c);
            si += cimagf(c);
        }
        cr += sr;
        ci += si;
    }
    *corr = CMPLXF((float)cr, (float)ci);
    return energy;
}

int pusch_rx_estimate(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr)
{
    if (!rx || !rx->llr)
        return -EINVAL;
    rx->valid = false;
    int rc = io_check(rx->cfg.max_prb, gr, g);
    if (rc < 0)
        return rc;
    unsigned mask = (unsigned)pusch_dmrs_symbols(gr);
    rx->n_dmrs = 0;
    for (int l = 0; l < SCH_SYMBOLS_PER_SLOT; l++)
        if (mask >> l & 1u)
            rx->dmrs_l[rx->n_dmrs++] = l;
    int ct = gr->dmrs.config_type, per_rb = sch_dmrs_per_rb(ct), npil = per_rb * gr->nof_rb;
    int nsc = SCH_RB_SC * gr->nof_rb;
    float beta = sqrtf((float)gr->dmrs.cdm_groups_without_data);
    cf_t corr;
    double energy = ls_values(rx, g, gr, &corr);
    rx->epre = (float)(energy / (rx->n_dmrs * npil) / (beta * beta));
    rx->noise_var = 0;
    rx->snr_db = -INFINITY;
    rx->ta_samples = rx->ta_us = 0;
    if (!(rx->epre > 0) || !isfinite(rx->epre) || !isfinite(crealf(corr)) || !isfinite(cimagf(corr)))
        return 0; /* no usable DM-RS: rx->valid stays false */

    /* Timing: a delay of d samples turns subcarrier k by e^{-j 2 pi k d / N}, N = fs / SCS. */
    double dk = ct == 1 ? 2.0 : 6.0, theta = atan2(cimagf(corr), crealf(corr)) / dk;
    double n_fft = rx->cfg.sample_rate_hz / (1e3 * rx->cfg.scs_khz);
    rx->ta_samples = (float)(-theta * n_fft / (2 * M_PI));
    rx->ta_us = (float)(rx->ta_samples / rx->cfg.sample_rate_hz * 1e6);
    make_ramp(rx->ramp, gr->nof_rb, theta);

    /* Slope removed, mean per RB; the spread around it is noise (n - 1 degrees of freedom per RB). */
    double resid = 0, hp = 0;
    for (int j = 0; j < rx->n_dmrs; j++) {
        const cf_t *z = rx->z + (size_t)j * (size_t)npil;
        cf_t *hrb = rx->hrb + (size_t)j * (size_t)gr->nof_rb;
        for (int rb = 0; rb < gr->nof_rb; rb++) {
            float ar = 0, ai = 0, e = 0;
            for (int q = 0; q < per_rb; q++) {
                int p = rb * per_rb + q;
                cf_t v = cmul_conj(z[p], rx->ramp[pilot_k(ct, p)]);
                ar += crealf(v);
                ai += cimagf(v);
                e += cabs2(v);
            }
            resid += e - (ar * ar + ai * ai) / (float)per_rb; /* noise of z = y r*: s^2 per RE */
            hrb[rb] = CMPLXF(ar, ai) / ((float)per_rb * beta);
            hp += cabs2(hrb[rb]);
        }
    }
    int n_est = rx->n_dmrs * gr->nof_rb;
    float nv = (float)(fmax(resid, 0.0) / (n_est * (per_rb - 1)));
    rx->noise_var = fmaxf(nv, 1e-6f * rx->epre);
    float h_pow = (float)(hp / n_est);
    rx->snr_db = h_pow > 0 ? 10.0f * log10f(h_pow / rx->noise_var) : -INFINITY;

    /* Per subcarrier: linear between RB centres (held beyond the outer ones), slope put back. */
    for (int j = 0; j < rx->n_dmrs; j++) {
        const cf_t *hrb = rx->hrb + (size_t)j * (size_t)gr->nof_rb;
        cf_t *h = rx->h + (size_t)j * (size_t)nsc;
        for (int rb = 0; rb < gr->nof_rb; rb++)
            for (int k = 0; k < SCH_RB_SC; k++) {
                float u = ((float)k - 5.5f) / SCH_RB_SC;
                int nb = u < 0 ? rb - 1 : rb + 1;
                cf_t m = hrb[rb];
                if (nb >= 0 && nb < gr->nof_rb)
                    m += fabsf(u) * (hrb[nb] - hrb[rb]);
                h[rb * SCH_RB_SC + k] = cmul(m, rx->ramp[rb * SCH_RB_SC + k]);
            }
    }
    rx->valid = true;
    return 0;
}

/* y / h and |h|^2 / noise_var over n subcarriers, h = w0 a + w1 b (time interpolation); data REs of mask only
 * (all when mask is SCH_RB_ALL). Returns the REs written. */
static int equalise_symbol(const cf_t *restrict y, const cf_t *restrict a, const cf_t *restrict b, float w1, int nsc,
                           unsigned mask, float inv_nv, cf_t *restrict x, float *restrict gain)
{
    float w0 = 1.0f - w1;
    const float *yf = (const float *)y, *af = (const float *)a, *bf = (const float *)b;
    float *xf = (float *)x;
    if (mask == SCH_RB_ALL) {
        for (int k = 0; k < nsc; k++) {
            float hr = w0 * af[2 * k] + w1 * bf[2 * k], hi = w0 * af[2 * k + 1] + w1 * bf[2 * k + 1];
            float yr = yf[2 * k], yi = yf[2 * k + 1], hh = hr * hr + hi * hi;
            float inv = hh > 0 ? 1.0f / hh : 0.0f;
            xf[2 * k] = (yr * hr + yi * hi) * inv;
            xf[2 * k + 1] = (yi * hr - yr * hi) * inv;
            gain[k] = hh * inv_nv;
        }
        return nsc;
    }
    int n = 0;
    for (int k = 0; k < nsc; k++) {
        if (!(mask >> (k % SCH_RB_SC) & 1u))
            continue;
        cf_t h = w0 * a[k] + w1 * b[k];
        float hh = cabs2(h), inv = hh > 0 ? 1.0f / hh : 0.0f;
        x[n] = cmul_conj(y[k], h) * inv;
        gain[n++] = hh * inv_nv;
    }
    return n;
}

int pusch_rx_equalise(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr)
{
    int rc = io_check(rx->cfg.max_prb, gr, g);
    if (rc < 0)
        return rc;
    rx->n_sym = 0;
    if (!rx->valid)
        return 0;
    unsigned mask = (unsigned)pusch_dmrs_symbols(gr);
    unsigned data_res = sch_dmrs_data_res(gr->dmrs.config_type, gr->dmrs.cdm_groups_without_data);
    int nsc = SCH_RB_SC * gr->nof_rb, n = 0, last = rx->n_dmrs - 1;
    float inv_nv = 1.0f / rx->noise_var;
    for (int l = gr->start_symbol; l < gr->start_symbol + gr->nof_symbols; l++) {
        unsigned res = mask >> l & 1u ? data_res : SCH_RB_ALL;
        if (!res)
            continue;
        int j0 = 0, j1 = 0;
        float w = 0;
        if (l >= rx->dmrs_l[last]) {
            j0 = j1 = last;
        } else if (l > rx->dmrs_l[0]) {
            while (l > rx->dmrs_l[j0 + 1])
                j0++;
            j1 = j0 + 1;
            w = (float)(l - rx->dmrs_l[j0]) / (float)(rx->dmrs_l[j1] - rx->dmrs_l[j0]);
        }
        n += equalise_symbol(grid_symbol(g, l) + SCH_RB_SC * gr->crb_start, rx->h + (size_t)j0 * (size_t)nsc,
                             rx->h + (size_t)j1 * (size_t)nsc, w, nsc, res, inv_nv, rx->sym + n, rx->gain + n);
    }
    rx->n_sym = n;
    return 0;
}

int pusch_rx_demap(struct pusch_rx *rx, const struct pusch_grant *gr)
{
    int nb = pusch_nof_bits(gr);
    if (nb < 0 || (size_t)nb > rx->llr_max)
        return nb < 0 ? nb : -EINVAL;
    if (!rx->valid || rx->n_sym * modulation_qm(gr->modulation) != nb) {
        memset(rx->llr, 0, (size_t)nb * sizeof(float));
        return 0;
    }
    int rc = modulation_demap_gain(gr->modulation, rx->sym, rx->gain, (size_t)rx->n_sym, rx->llr);
    if (rc < 0)
        return rc;
    scrambling_llr(rx->llr, (size_t)nb, scrambling_c_init_pusch(gr->rnti, gr->n_id), 0);
    return 0;
}

static int ulsch_params(const struct pusch_grant *gr, const struct pusch_tb *tb, struct dlsch_params *p)
{
    int nb = pusch_nof_bits(gr);
    if (nb < 0 || !tb)
        return -EINVAL;
    struct dlsch_cfg dc = { .tbs = tb->tbs, .r = tb->r, .qm = modulation_qm(gr->modulation), .n_layers = 1,
                            .rv = tb->rv, .g = nb, .tbs_lbrm = tb->tbs_lbrm };
    return dlsch_params_init(p, &dc);
}

int pusch_soft_size(const struct pusch_grant *gr, const struct pusch_tb *tb)
{
    struct dlsch_params p;
    int rc = ulsch_params(gr, tb, &p);
    return rc < 0 ? rc : p.seg.c * p.n;
}

int pusch_rx_ulsch(struct pusch_rx *rx, const struct pusch_grant *gr, const struct pusch_tb *tb, float *soft,
                   uint8_t *tb_out, struct pusch_result *res)
{
    struct dlsch_params p;
    int rc = ulsch_params(gr, tb, &p);
    if (rc < 0 || !soft || !tb_out || !res || (size_t)p.seg.c * (size_t)p.seg.k > rx->cbs_max ||
        tb->max_iterations < 0 || tb->max_iterations > LDPC_DECODER_MAX_ITERATIONS)
        return rc < 0 ? rc : -EINVAL;
    res->crc_ok = false;
    res->cb_crc_failed = p.seg.c;
    res->ldpc_iterations = 0;
    if (tb->new_data && (rc = dlsch_rx_soft_reset(&p, soft)) < 0)
        return rc;
    if (!rx->valid)
        return 0; /* nothing received: not decoded, the soft buffer keeps what earlier rvs gave */
    if ((rc = dlsch_rx_combine(&p, rx->llr, soft)) < 0)
        return rc;
    struct segmentation_rx_result sr;
    int it = tb->max_iterations ? tb->max_iterations : PUSCH_DEFAULT_ITERATIONS;
    rc = dlsch_rx_decode_stats(&p, &rx->dec, it, soft, rx->cbs, tb_out, &sr, &res->ldpc_iterations);
    if (rc < 0)
        return rc;
    res->crc_ok = sr.tb_crc_ok && sr.cb_crc_failed == 0;
    res->cb_crc_failed = sr.cb_crc_failed;
    return 0;
}

int pusch_decode(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr, const struct pusch_tb *tb,
                 float *soft, uint8_t *tb_out, struct pusch_result *res)
{
    if (!res)
        return -EINVAL;
    *res = (struct pusch_result){ .snr_db = -INFINITY };
    int rc = pusch_rx_estimate(rx, g, gr);
    if (rc == 0)
        rc = pusch_rx_equalise(rx, g, gr);
    if (rc == 0)
        rc = pusch_rx_demap(rx, gr);
    if (rc == 0)
        rc = pusch_rx_ack(rx, gr, tb, res);
    if (rc == 0)
        rc = pusch_rx_ulsch(rx, gr, tb, soft, tb_out, res);
    if (rc < 0) {
        res->crc_ok = false;
        return rc;
    }
    res->valid_input = rx->valid;
    res->noise_var = rx->noise_var;
    res->epre = rx->epre;
    res->snr_db = rx->snr_db;
    res->ta_samples = rx->ta_samples;
    res->ta_us = rx->ta_us;
    return 0;
}
