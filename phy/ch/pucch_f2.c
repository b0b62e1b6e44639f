/* PUCCH format 2 both directions: 38.211 6.3.2.5 and its DM-RS 6.4.1.3.2, UCI coding of 38.212 6.3.1 (uci.h).
 * See pucch.h. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "phy/ch/pdcch.h"
#include "phy/ch/pucch.h"
#include "phy/ch/pucch_priv.h"
#include "phy/mod/modulation.h"
#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"

#define F2_DMRS_PER_PRB 4          /* k mod 3 = 1: k = 1, 4, 7, 10 */
#define F2_DATA_PER_PRB 8
#define F2_LLR_SNR_CAP 100.0       /* LLR scaling never assumes a better SNR than 20 dB */

/* 38.211 6.4.1.3.2: r_l(m) for the n_prb PRBs of the resource in PUCCH symbol l, m counted from CRB 0. The
 * c_init is that of 38.211 7.4.1.3.1 (PDCCH DM-RS), the same formula. */
static void f2_dmrs(const struct pucch_config *c, int l, cf_t *r)
{
    int crb = c->bwp_start + (pucch_hop_of(&c->res, l) ? c->res.second_hop_prb : c->res.start_prb);
    int n = F2_DMRS_PER_PRB * c->res.nof_prb;
    uint8_t bits[2 * F2_DMRS_PER_PRB * PUCCH_F2_MAX_PRB];
    gold_sequence(pdcch_dmrs_c_init(c->slot, c->res.start_symbol + l, c->n_id_dmrs),
                  (uint32_t)(2 * F2_DMRS_PER_PRB * crb), bits, (size_t)(2 * n));
    modulation_map(MODULATION_QPSK, bits, (size_t)(2 * n), r);
}

static uint32_t f2_c_init(const struct pucch_config *c) { return scrambling_c_init_pusch(c->rnti, c->n_id_data); }

static bool f2_args_ok(const struct pucch_config *cfg, const struct grid *g, int A)
{
    return pucch_check_grid(cfg, g) == 0 && cfg->res.format == PUCCH_FORMAT_2 && A >= UCI_MIN_A &&
           A <= PUCCH_MAX_UCI_BITS;
}

int pucch_f2_encode(const struct pucch_config *cfg, const uint8_t *uci, int A, struct grid *g, uint8_t *cw)
{
    if (!uci || !f2_args_ok(cfg, g, A))
        return -EINVAL;
    int E = pucch_f2_nof_bits(&cfg->res);
    uint8_t f[PUCCH_F2_MAX_E];
    cf_t x[PUCCH_F2_MAX_E / 2], r[F2_DMRS_PER_PRB * PUCCH_F2_MAX_PRB];
    if (uci_encode(uci, A, E, f) < 0)
        return -EINVAL;
    if (cw)
        memcpy(cw, f, (size_t)E);
    scrambling_bits(f, f, (size_t)E, f2_c_init(cfg), 0);
    modulation_map(MODULATION_QPSK, f, (size_t)E, x);
    int i = 0;
    for (int l = 0; l < cfg->res.nof_symbols; l++) {
        cf_t *re = grid_symbol(g, cfg->res.start_symbol + l) + pucch_hop_k0(cfg, pucch_hop_of(&cfg->res, l));
        f2_dmrs(cfg, l, r);
        for (int k = 0; k < PUCCH_SC_PER_PRB * cfg->res.nof_prb; k++)
            re[k] = k % 3 == 1 ? r[k / 3] : x[i++];
    }
    return 0;
}

/* Per PRB group (hop, PRB) of the resource: the DM-RS least-squares mean h and the sums it needs. */
struct f2_est {
    int n_groups, n_dmrs[2 * PUCCH_F2_MAX_PRB];
    double energy, dmrs_resid;
};

static int f2_group(const struct pucch_config *c, int l, int k)
{
    return pucch_hop_of(&c->res, l) * c->res.nof_prb + k / PUCCH_SC_PER_PRB;
}

static void f2_estimate(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *c, struct f2_est *e)
{
    memset(e, 0, sizeof(*e));
    e->n_groups = c->res.nof_prb * (c->res.intra_slot_hopping ? 2 : 1);
    memset(rx->h, 0, sizeof(rx->h));
    cf_t r[2][F2_DMRS_PER_PRB * PUCCH_F2_MAX_PRB];
    for (int l = 0; l < c->res.nof_symbols; l++)
        f2_dmrs(c, l, r[l]);
    for (int pass = 0; pass < 2; pass++) /* 0: means, 1: spread around them */
        for (int l = 0; l < c->res.nof_symbols; l++) {
            const cf_t *y = grid_symbol(g, c->res.start_symbol + l) + pucch_hop_k0(c, pucch_hop_of(&c->res, l));
            for (int k = 1; k < PUCCH_SC_PER_PRB * c->res.nof_prb; k += 3) {
                cf_t ls = y[k] * conjf(r[l][k / 3]);
                int p = f2_group(c, l, k);
                if (pass == 0) {
                    rx->h[p] += ls;
                    e->n_dmrs[p]++;
                } else {
                    cf_t d = ls - rx->h[p];
                    e->dmrs_resid += (double)(crealf(d) * crealf(d) + cimagf(d) * cimagf(d));
                }
            }
            for (int k = 0; pass == 0 && k < PUCCH_SC_PER_PRB * c->res.nof_prb; k++)
                e->energy += (double)(crealf(y[k]) * crealf(y[k]) + cimagf(y[k]) * cimagf(y[k]));
            if (pass == 0 && l == c->res.nof_symbols - 1)
                for (int p = 0; p < e->n_groups; p++)
                    rx->h[p] /= (float)e->n_dmrs[p];
        }
}

/* Data REs in mapping order into rx->sym, with the group of each in grp. */
static void f2_gather(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *c, uint8_t *grp)
{
    int i = 0;
    for (int l = 0; l < c->res.nof_symbols; l++) {
        const cf_t *y = grid_symbol(g, c->res.start_symbol + l) + pucch_hop_k0(c, pucch_hop_of(&c->res, l));
        for (int k = 0; k < PUCCH_SC_PER_PRB * c->res.nof_prb; k++)
            if (k % 3 != 1) {
                grp[i] = (uint8_t)f2_group(c, l, k);
                rx->sym[i++] = y[k];
            }
    }
}

int pucch_f2_decode(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *cfg, int A,
                    struct pucch_rx_result *res)
{
    if (!rx || !res || !f2_args_ok(cfg, g, A))
        return -EINVAL;
    int E = pucch_f2_nof_bits(&cfg->res), n_data = E / 2;
    if (A > UCI_RM_MAX_A && A + uci_crc_length(A) + (A <= 19 ? 3 : 0) > E)
        return -EINVAL;
    memset(res, 0, sizeof(*res));
    res->snr_db = -60.0f;
    struct f2_est est;
    f2_estimate(rx, g, cfg, &est);
    int n_dmrs = n_data / 2, n_re = n_data + n_dmrs;
    if (!(est.energy > 0) || !isfinite(est.energy) || !isfinite(est.dmrs_resid))
        return 0; /* DTX */
    res->epre = (float)(est.energy / n_re);

    /* LLRs with the DM-RS noise estimate (held at most 20 dB under the signal) */
    double floor = est.energy / n_re / F2_LLR_SNR_CAP;
    double nv = n_dmrs > est.n_groups ? est.dmrs_resid / (n_dmrs - est.n_groups) : floor;
    float scale = (float)(2.0 * M_SQRT2 / (nv > floor ? nv : floor));
    uint8_t grp[PUCCH_F2_MAX_E / 2];
    f2_gather(rx, g, cfg, grp);
    for (int i = 0; i < n_data; i++) {
        cf_t v = conjf(rx->h[grp[i]]) * rx->sym[i];
        rx->llr[2 * i] = scale * crealf(v);
        rx->llr[2 * i + 1] = scale * cimagf(v);
    }
    scrambling_llr(rx->llr, (size_t)E, f2_c_init(cfg), 0);
    int ok = uci_decode(&rx->uci, rx->llr, E, A, res->bits);
    if (ok < 0)
        return ok;

    /* noise: what the decoded codeword and the DM-RS leave unexplained */
    cf_t x[PUCCH_F2_MAX_E / 2];
    uci_encode(res->bits, A, E, rx->bits);
    scrambling_bits(rx->bits, rx->bits, (size_t)E, f2_c_init(cfg), 0);
    modulation_map(MODULATION_QPSK, rx->bits, (size_t)E, x);
    double resid = est.dmrs_resid, captured_dmrs = 0;
    for (int i = 0; i < n_data; i++) {
        cf_t d = rx->sym[i] - rx->h[grp[i]] * x[i];
        resid += (double)(crealf(d) * crealf(d) + cimagf(d) * cimagf(d));
    }
    for (int p = 0; p < est.n_groups; p++)
        captured_dmrs += est.n_dmrs[p] * (double)(crealf(rx->h[p]) * crealf(rx->h[p]) +
                                                  cimagf(rx->h[p]) * cimagf(rx->h[p]));
    int dof = n_re - est.n_groups;
    double noise = resid / dof, noise_floor = est.energy / n_re * 1e-6;
    if (!(noise > noise_floor))
        noise = noise_floor;
    double t = captured_dmrs / noise;
    double thr = pucch_rx_threshold(rx, PUCCH_FORMAT_2, 1, est.n_groups, dof);
    double sig = (captured_dmrs - est.n_groups * noise) / n_dmrs;
    res->noise_var = (float)noise;
    res->metric = (float)(t / thr);
    res->snr_db = sig > 0 ? (float)(10.0 * log10(sig / noise)) : -60.0f;
    if (!(t > thr)) {
        memset(res->bits, 0, (size_t)A);
        res->verdict = PUCCH_RX_DTX;
        return 0;
    }
    res->nbits = A;
    res->verdict = ok ? PUCCH_RX_VALID : PUCCH_RX_INVALID;
    return 0;
}
