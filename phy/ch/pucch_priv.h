/* Helpers shared by the PUCCH format files (pucch.c, pucch_f0.c, pucch_f1.c, pucch_f2.c); not a public API. */
#ifndef GNBD_PHY_CH_PUCCH_PRIV_H
#define GNBD_PHY_CH_PUCCH_PRIV_H

#include "phy/ch/pucch.h"
#include "phy/seq/low_papr.h"

#define PUCCH_SC_PER_PRB 12

/* pucch_check() with a grid required. */
static inline int pucch_check_grid(const struct pucch_config *c, const struct grid *g)
{
    return g ? pucch_check(c, g) : -EINVAL;
}

/* Symbols in the first hop: floor(N/2) with intra-slot hopping, else all (38.213 9.2.1). */
static inline int pucch_first_hop_symbols(const struct pucch_resource *r)
{
    return r->intra_slot_hopping ? r->nof_symbols / 2 : r->nof_symbols;
}

/* Hop (0/1) of PUCCH symbol l (0 = the resource's first symbol). */
static inline int pucch_hop_of(const struct pucch_resource *r, int l)
{
    return l >= pucch_first_hop_symbols(r) ? 1 : 0;
}

/* Grid subcarrier of the lowest RE of the resource in hop h. */
static inline int pucch_hop_k0(const struct pucch_config *c, int hop)
{
    return PUCCH_SC_PER_PRB * (c->bwp_start + (hop ? c->res.second_hop_prb : c->res.start_prb));
}

/* The 12 REs of PRB-relative subcarrier 0 of PUCCH symbol l (F0/F1). */
static inline cf_t *pucch_re(const struct grid *g, const struct pucch_config *c, int l)
{
    return grid_symbol(g, c->res.start_symbol + l) + pucch_hop_k0(c, pucch_hop_of(&c->res, l));
}

/* Format 1: n_sf[hop][0] DM-RS symbols (even symbols of the PUCCH) and n_sf[hop][1] data symbols (odd ones) of
 * each hop, i.e. N_SF of Tables 6.3.2.4.1-1 and 6.4.1.3.1.1-1 (hop 1 all zero without hopping). */
void pucch_f1_spreading(const struct pucch_resource *r, int n_sf[2][2]);

/* Cyclic shift index (m0 + m_cs + n_cs(n_s,f, l + l')) mod 12 for each symbol l of the resource (38.211
 * 6.3.2.2.2). */
void pucch_cyclic_shifts(const struct pucch_config *c, int m_cs, int cs[PUCCH_MAX_SYMBOLS]);

/* Fills res from the captured energy of the winning hypothesis: the noise variance is the rest of the energy
 * over (n_re - nof_hops) degrees of freedom, T = captured / noise against the threshold for (format f's pfa,
 * nof_candidates, nof_hops). Sets verdict DTX or VALID, metric, snr_db, epre, noise_var. */
void pucch_detect(struct pucch_rx *rx, enum pucch_format f, struct pucch_rx_result *res, double energy,
                  double captured, int n_re, int nof_hops, int nof_candidates);

/* pucch_dtx_threshold() for format f's target false-alarm rate, remembered in rx (solving it costs ~3 us). */
double pucch_rx_threshold(struct pucch_rx *rx, enum pucch_format f, int nof_candidates, int nof_terms, int dof);

#endif
