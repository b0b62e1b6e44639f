/* PUCCH format 0 both directions: 38.211 6.3.2.3, 38.213 9.2.3 / 9.2.4 / 9.2.5.1. See pucch.h. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "phy/ch/pucch.h"
#include "phy/ch/pucch_priv.h"

#define F0_MAX_CANDIDATES 8

int pucch_f0_m_cs(const uint8_t *ack, int nof_ack, bool sr)
{
    if (nof_ack < 0 || nof_ack > 2 || (nof_ack > 0 && !ack))
        return -EINVAL;
    if (nof_ack == 0)
        return sr ? 0 : -EINVAL;                          /* 9.2.4: positive SR alone */
    if (nof_ack == 1)
        return ((ack[0] & 1) ? 6 : 0) + (sr ? 3 : 0);     /* Tables 9.2.3-3, 9.2.5-1 */
    static const int two_bits[4] = { 0, 3, 9, 6 };        /* Table 9.2.3-4, indexed 2 b0 + b1 */
    return two_bits[2 * (ack[0] & 1) + (ack[1] & 1)] + (sr ? 1 : 0);   /* Table 9.2.5-2: one more */
}

int pucch_f0_encode(const struct pucch_config *cfg, const uint8_t *ack, int nof_ack, bool sr, struct grid *g)
{
    int m_cs = pucch_f0_m_cs(ack, nof_ack, sr);
    if (m_cs < 0 || pucch_check_grid(cfg, g) < 0 || cfg->res.format != PUCCH_FORMAT_0)
        return -EINVAL;
    int cs[PUCCH_MAX_SYMBOLS], u = low_papr_group_neither(cfg->n_id);
    pucch_cyclic_shifts(cfg, m_cs, cs);
    for (int l = 0; l < cfg->res.nof_symbols; l++)
        low_papr_seq12(u, cs[l], pucch_re(g, cfg, l));
    return 0;
}

/* One hypothesis of what the UE sent. */
struct f0_candidate {
    int m_cs;
    uint8_t ack[2];
    bool sr;
};

static int f0_candidates(int nof_ack, bool sr_opportunity, struct f0_candidate *c)
{
    int n = 0;
    for (int sr = 0; sr <= (sr_opportunity ? 1 : 0); sr++)
        for (int v = 0; v < (1 << nof_ack); v++) {
            if (nof_ack == 0 && !sr)
                continue;
            struct f0_candidate *k = &c[n++];
            k->ack[0] = (uint8_t)(nof_ack == 2 ? v >> 1 : v & 1);
            k->ack[1] = (uint8_t)(v & 1);
            k->sr = sr;
            k->m_cs = pucch_f0_m_cs(k->ack, nof_ack, sr);
        }
    return n;
}

int pucch_f0_decode(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *cfg, int nof_ack,
                    bool sr_opportunity, struct pucch_rx_result *res)
{
    if (!rx || !res || pucch_check_grid(cfg, g) < 0 || cfg->res.format != PUCCH_FORMAT_0 || nof_ack < 0 ||
        nof_ack > 2 || (nof_ack == 0 && !sr_opportunity))
        return -EINVAL;
    memset(res, 0, sizeof(*res));
    struct f0_candidate cand[F0_MAX_CANDIDATES];
    int n_cand = f0_candidates(nof_ack, sr_opportunity, cand);

    /* Z[hop][m]: the symbols of a hop correlated with the base sequence at cyclic shift m0 + n_cs + m */
    int cs[PUCCH_MAX_SYMBOLS], u = low_papr_group_neither(cfg->n_id), n_sym = cfg->res.nof_symbols;
    pucch_cyclic_shifts(cfg, 0, cs);
    cf_t tw[PUCCH_SC_PER_PRB]; /* e^{j 2 pi k / 12}: the sequence at cyclic shift 1 over the base one */
    for (int k = 0; k < PUCCH_SC_PER_PRB; k++)
        tw[k] = cosf((float)(2.0 * M_PI * k / 12)) + I * sinf((float)(2.0 * M_PI * k / 12));
    cf_t zh[2][PUCCH_SC_PER_PRB] = { { 0 } };
    int n_re_hop[2] = { 0, 0 };
    double energy = 0;
    for (int l = 0; l < n_sym; l++) {
        cf_t r[PUCCH_SC_PER_PRB], z[PUCCH_SC_PER_PRB];
        const cf_t *y = pucch_re(g, cfg, l);
        low_papr_seq12(u, cs[l], r);
        for (int n = 0; n < PUCCH_SC_PER_PRB; n++) {
            z[n] = y[n] * conjf(r[n]);
            energy += (double)(crealf(y[n]) * crealf(y[n]) + cimagf(y[n]) * cimagf(y[n]));
        }
        int h = pucch_hop_of(&cfg->res, l);
        n_re_hop[h] += PUCCH_SC_PER_PRB;
        for (int m = 0; m < PUCCH_SC_PER_PRB; m++) {
            cf_t acc = 0;
            for (int n = 0; n < PUCCH_SC_PER_PRB; n++)
                acc += z[n] * conjf(tw[(m * n) % PUCCH_SC_PER_PRB]);
            zh[h][m] += acc;
        }
    }
    int best = 0, nof_hops = cfg->res.intra_slot_hopping ? 2 : 1;
    double best_metric = -1;
    for (int i = 0; i < n_cand; i++) {
        double metric = 0;
        for (int h = 0; h < nof_hops; h++) {
            cf_t v = zh[h][cand[i].m_cs];
            metric += (double)(crealf(v) * crealf(v) + cimagf(v) * cimagf(v)) / n_re_hop[h];
        }
        if (metric > best_metric) {
            best_metric = metric;
            best = i;
        }
    }
    pucch_detect(rx, PUCCH_FORMAT_0, res, energy, best_metric, PUCCH_SC_PER_PRB * n_sym, nof_hops, n_cand);
    if (res->verdict == PUCCH_RX_VALID) {
        res->nbits = nof_ack;
        memcpy(res->bits, cand[best].ack, (size_t)nof_ack);
        res->sr = cand[best].sr;
    }
    return 0;
}
