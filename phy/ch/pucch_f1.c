/* PUCCH format 1 both directions: 38.211 6.3.2.4 and its DM-RS 6.4.1.3.1. See pucch.h. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "phy/ch/pucch.h"
#include "phy/ch/pucch_priv.h"
#include "phy/mod/modulation.h"

/* 38.211 Table 6.3.2.4.1-2: phi(m) of w_i(m) = e^{j 2 pi phi(m) / N_SF}, [N_SF - 1][i][m]. Rows are the DFT
 * rows i m mod N_SF, except N_SF = 4, which uses the Walsh rows. */
static const uint8_t occ_phi[7][7][7] = {
    { { 0 } },
    { { 0, 0 }, { 0, 1 } },
    { { 0, 0, 0 }, { 0, 1, 2 }, { 0, 2, 1 } },
    { { 0, 0, 0, 0 }, { 0, 2, 0, 2 }, { 0, 0, 2, 2 }, { 0, 2, 2, 0 } },
    { { 0, 0, 0, 0, 0 }, { 0, 1, 2, 3, 4 }, { 0, 2, 4, 1, 3 }, { 0, 3, 1, 4, 2 }, { 0, 4, 3, 2, 1 } },
    { { 0, 0, 0, 0, 0, 0 }, { 0, 1, 2, 3, 4, 5 }, { 0, 2, 4, 0, 2, 4 }, { 0, 3, 0, 3, 0, 3 },
      { 0, 4, 2, 0, 4, 2 }, { 0, 5, 4, 3, 2, 1 } },
    { { 0, 0, 0, 0, 0, 0, 0 }, { 0, 1, 2, 3, 4, 5, 6 }, { 0, 2, 4, 6, 1, 3, 5 }, { 0, 3, 6, 2, 5, 1, 4 },
      { 0, 4, 1, 5, 2, 6, 3 }, { 0, 5, 3, 1, 6, 4, 2 }, { 0, 6, 5, 4, 3, 2, 1 } },
};

/* w[l] = w_i(m) for every symbol l of the resource: m counts the symbols of the same kind (DM-RS on even l,
 * data on odd l) before l in its hop, and N_SF is their number in the hop. */
static void f1_cover(const struct pucch_resource *r, cf_t w[PUCCH_MAX_SYMBOLS])
{
    int n_sf[2][2], m[2][2] = { { 0, 0 }, { 0, 0 } };
    pucch_f1_spreading(r, n_sf);
    for (int l = 0; l < r->nof_symbols; l++) {
        int h = pucch_hop_of(r, l), kind = l % 2, sf = n_sf[h][kind];
        double a = 2.0 * M_PI * occ_phi[sf - 1][r->time_domain_occ][m[h][kind]++] / sf;
        w[l] = (float)cos(a) + I * (float)sin(a);
    }
}

static enum modulation_scheme f1_modulation(int nbits) { return nbits == 1 ? MODULATION_BPSK : MODULATION_QPSK; }

int pucch_f1_encode(const struct pucch_config *cfg, const uint8_t *b, int nbits, struct grid *g)
{
    if (!b || nbits < 1 || nbits > 2 || pucch_check_grid(cfg, g) < 0 || cfg->res.format != PUCCH_FORMAT_1)
        return -EINVAL;
    cf_t d, w[PUCCH_MAX_SYMBOLS];
    modulation_map(f1_modulation(nbits), b, (size_t)nbits, &d);
    f1_cover(&cfg->res, w);
    int cs[PUCCH_MAX_SYMBOLS], u = low_papr_group_neither(cfg->n_id);
    pucch_cyclic_shifts(cfg, 0, cs);
    for (int l = 0; l < cfg->res.nof_symbols; l++) {
        cf_t *re = pucch_re(g, cfg, l);
        cf_t a = (l % 2 ? d : 1.0f) * w[l];
        low_papr_seq12(u, cs[l], re);
        for (int n = 0; n < PUCCH_SC_PER_PRB; n++)
            re[n] *= a;
    }
    return 0;
}

int pucch_f1_decode(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *cfg, int nbits,
                    struct pucch_rx_result *res)
{
    if (!rx || !res || nbits < 1 || nbits > 2 || pucch_check_grid(cfg, g) < 0 || cfg->res.format != PUCCH_FORMAT_1)
        return -EINVAL;
    cf_t w[PUCCH_MAX_SYMBOLS];
    f1_cover(&cfg->res, w);
    int cs[PUCCH_MAX_SYMBOLS], u = low_papr_group_neither(cfg->n_id), n_sym = cfg->res.nof_symbols;
    pucch_cyclic_shifts(cfg, 0, cs);

    /* acc[hop][kind]: sum over the kind's symbols of w_i(m)* sum_n y(n) r(n)*; n_re[hop]: REs of the hop */
    cf_t acc[2][2] = { { 0, 0 }, { 0, 0 } };
    int n_re[2] = { 0, 0 };
    double energy = 0;
    for (int l = 0; l < n_sym; l++) {
        cf_t r[PUCCH_SC_PER_PRB], s = 0;
        const cf_t *y = pucch_re(g, cfg, l);
        low_papr_seq12(u, cs[l], r);
        for (int n = 0; n < PUCCH_SC_PER_PRB; n++) {
            s += y[n] * conjf(r[n]);
            energy += (double)(crealf(y[n]) * crealf(y[n]) + cimagf(y[n]) * cimagf(y[n]));
        }
        int h = pucch_hop_of(&cfg->res, l);
        acc[h][l % 2] += s * conjf(w[l]);
        n_re[h] += PUCCH_SC_PER_PRB;
    }

    /* every d of the constellation: the energy of the hops once d is known */
    int nof_hops = cfg->res.intra_slot_hopping ? 2 : 1, n_cand = 1 << nbits, best = 0;
    double best_metric = -1;
    for (int v = 0; v < n_cand; v++) {
        uint8_t b[2] = { (uint8_t)(nbits == 2 ? v >> 1 : v), (uint8_t)(v & 1) };
        cf_t d;
        modulation_map(f1_modulation(nbits), b, (size_t)nbits, &d);
        double metric = 0;
        for (int h = 0; h < nof_hops; h++) {
            cf_t c = acc[h][0] + conjf(d) * acc[h][1];
            metric += (double)(crealf(c) * crealf(c) + cimagf(c) * cimagf(c)) / n_re[h];
        }
        if (metric > best_metric) {
            best_metric = metric;
            best = v;
        }
    }
    pucch_detect(rx, PUCCH_FORMAT_1, res, energy, best_metric, n_re[0] + n_re[1], nof_hops, n_cand);
    if (res->verdict == PUCCH_RX_VALID) {
        res->nbits = nbits;
        res->bits[0] = (uint8_t)(nbits == 2 ? best >> 1 : best);
        if (nbits == 2)
            res->bits[1] = (uint8_t)(best & 1);
    }
    return 0;
}
