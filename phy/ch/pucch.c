/* PUCCH: resource checks, cyclic shifts, the DTX decision and the receiver object. See pucch.h. */
#include "phy/ch/pucch.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "phy/ch/pucch_priv.h"

#define PUCCH_MAX_SLOT 640        /* 10 2^mu slots per frame, mu <= 6 */
#define PUCCH_DEFAULT_PFA 1e-3
#define PUCCH_SNR_CAP_DB 60.0f    /* noiseless input: the noise floor is taken 60 dB under the signal */

static bool prb_ok(int prb, int n, int bwp_size) { return prb >= 0 && n >= 1 && prb + n <= bwp_size; }

int pucch_check(const struct pucch_config *cfg, const struct grid *g)
{
    if (!cfg)
        return -EINVAL;
    const struct pucch_resource *r = &cfg->res;
    int n_prb = r->format == PUCCH_FORMAT_2 ? r->nof_prb : 1;
    int min_sym = r->format == PUCCH_FORMAT_1 ? 4 : 1, max_sym = r->format == PUCCH_FORMAT_1 ? 14 : 2;
    if ((r->format != PUCCH_FORMAT_0 && r->format != PUCCH_FORMAT_1 && r->format != PUCCH_FORMAT_2) ||
        r->nof_symbols < min_sym || r->nof_symbols > max_sym || r->start_symbol < 0 ||
        r->start_symbol + r->nof_symbols > PUCCH_MAX_SYMBOLS || n_prb > PUCCH_F2_MAX_PRB)
        return -EINVAL;
    if (r->intra_slot_hopping && r->nof_symbols < 2)
        return -EINVAL;
    if (cfg->bwp_start < 0 || cfg->bwp_size < 1 || !prb_ok(r->start_prb, n_prb, cfg->bwp_size) ||
        (r->intra_slot_hopping && !prb_ok(r->second_hop_prb, n_prb, cfg->bwp_size)))
        return -EINVAL;
    if (r->format != PUCCH_FORMAT_2 && (r->initial_cs < 0 || r->initial_cs > 11 || cfg->n_id > 1023))
        return -EINVAL;
    if (r->format == PUCCH_FORMAT_1) {
        /* i must index a row of Table 6.3.2.4.1-2 for every N_SF of the resource */
        int n_sf[2][2];
        pucch_f1_spreading(r, n_sf);
        int min_sf = n_sf[0][0] < n_sf[0][1] ? n_sf[0][0] : n_sf[0][1];
        for (int k = 0; r->intra_slot_hopping && k < 2; k++)
            min_sf = n_sf[1][k] < min_sf ? n_sf[1][k] : min_sf;
        if (r->time_domain_occ < 0 || r->time_domain_occ >= min_sf)
            return -EINVAL;
    }
    if (cfg->slot < 0 || cfg->slot >= PUCCH_MAX_SLOT)
        return -EINVAL;
    if (g) {
        int top = r->intra_slot_hopping && r->second_hop_prb > r->start_prb ? r->second_hop_prb : r->start_prb;
        if (!g->re || g->nof_symbols < r->start_symbol + r->nof_symbols ||
            g->nof_subcarriers < PUCCH_SC_PER_PRB * (cfg->bwp_start + top + n_prb))
            return -EINVAL;
    }
    return 0;
}

int pucch_f2_nof_bits(const struct pucch_resource *res)
{
    if (!res || res->format != PUCCH_FORMAT_2)
        return -EINVAL;
    return 16 * res->nof_prb * res->nof_symbols;
}

void pucch_f1_spreading(const struct pucch_resource *r, int n_sf[2][2])
{
    memset(n_sf, 0, 4 * sizeof(int));
    for (int l = 0; l < r->nof_symbols; l++)
        n_sf[pucch_hop_of(r, l)][l % 2]++;
}

void pucch_cyclic_shifts(const struct pucch_config *c, int m_cs, int cs[PUCCH_MAX_SYMBOLS])
{
    uint8_t n_cs[LOW_PAPR_SYMBOLS_PER_SLOT];
    low_papr_cs_hopping(c->n_id, c->slot, n_cs);
    for (int l = 0; l < c->res.nof_symbols; l++)
        cs[l] = (c->res.initial_cs + m_cs + n_cs[c->res.start_symbol + l]) % 12;
}

/* P(X / (Y / dof) > t), X ~ Gamma(terms), Y ~ Gamma(dof); with dof <= 0, P(X > t). The sum over j < terms of
 * E[e^{-sY} (sY)^j / j!] = C(dof + j - 1, j) s^j (1 + s)^{-(dof + j)} with s = t / dof. */
static double stat_tail(double t, int terms, int dof)
{
    double sum = 0, term;
    if (dof <= 0) {
        term = exp(-t);
        for (int j = 0; j < terms; j++) {
            sum += term;
            term *= t / (j + 1);
        }
        return sum;
    }
    double s = t / dof;
    term = pow(1.0 + s, -dof);
    for (int j = 0; j < terms; j++) {
        sum += term;
        term *= (double)(dof + j) / (j + 1) * s / (1.0 + s);
    }
    return sum;
}

double pucch_dtx_threshold(double pfa, int nof_candidates, int nof_terms, int dof)
{
    if (!(pfa > 0 && pfa < 1) || nof_candidates < 1 || nof_terms < 1 || nof_terms > 64)
        return NAN;
    double lo = 0, hi = 1e4, target = pfa / nof_candidates;
    for (int it = 0; it < 60; it++) {
        double mid = 0.5 * (lo + hi);
        if (stat_tail(mid, nof_terms, dof) > target)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

double pucch_rx_threshold(struct pucch_rx *rx, enum pucch_format f, int nof_candidates, int nof_terms, int dof)
{
    for (int i = 0; i < rx->thr_cached; i++)
        if (rx->thr_cache[i].format == (int)f && rx->thr_cache[i].cand == nof_candidates &&
            rx->thr_cache[i].terms == nof_terms && rx->thr_cache[i].dof == dof)
            return rx->thr_cache[i].thr;
    double thr = pucch_dtx_threshold(rx->pfa[f], nof_candidates, nof_terms, dof);
    int i = rx->thr_next;
    rx->thr_cache[i].format = (int)f;
    rx->thr_cache[i].cand = nof_candidates;
    rx->thr_cache[i].terms = nof_terms;
    rx->thr_cache[i].dof = dof;
    rx->thr_cache[i].thr = thr;
    rx->thr_next = (i + 1) % PUCCH_THR_CACHE;
    if (rx->thr_cached < PUCCH_THR_CACHE)
        rx->thr_cached++;
    return thr;
}

void pucch_detect(struct pucch_rx *rx, enum pucch_format f, struct pucch_rx_result *res, double energy,
                  double captured, int n_re, int nof_hops, int nof_candidates)
{
    memset(res, 0, sizeof(*res));
    res->snr_db = -PUCCH_SNR_CAP_DB;
    if (!(energy > 0) || !isfinite(energy) || !isfinite(captured))
        return; /* zero or broken input: DTX */
    int dof = n_re - nof_hops;
    double floor = energy / n_re * pow(10.0, -PUCCH_SNR_CAP_DB / 10.0);
    double noise = dof > 0 ? (energy - captured) / dof : 0;
    if (!(noise > floor))
        noise = floor;
    double t = captured / noise;
    double thr = pucch_rx_threshold(rx, f, nof_candidates, nof_hops, dof);
    double sig = (captured - nof_hops * noise) / n_re;
    res->epre = (float)(energy / n_re);
    res->noise_var = (float)noise;
    res->metric = (float)(t / thr);
    res->snr_db = sig > 0 ? (float)(10.0 * log10(sig / noise)) : -PUCCH_SNR_CAP_DB;
    res->verdict = t > thr ? PUCCH_RX_VALID : PUCCH_RX_DTX;
}

int pucch_rx_init(struct pucch_rx *rx, const struct pucch_rx_cfg *cfg)
{
    if (!rx)
        return -EINVAL;
    memset(rx, 0, sizeof(*rx));
    double p[3] = { cfg ? cfg->pfa_f0 : 0, cfg ? cfg->pfa_f1 : 0, cfg ? cfg->pfa_f2 : 0 };
    for (int i = 0; i < 3; i++) {
        if (p[i] < 0 || p[i] >= 1 || p[i] != p[i])
            return -EINVAL;
        rx->pfa[i] = p[i] > 0 ? p[i] : PUCCH_DEFAULT_PFA;
    }
    return uci_decoder_init(&rx->uci, cfg ? cfg->list_size : 0);
}

void pucch_rx_free(struct pucch_rx *rx)
{
    if (rx)
        uci_decoder_free(&rx->uci);
}
