/* HARQ-ACK of 1-2 bits multiplexed on PUSCH, both directions: 38.212 6.2.7, 6.3.2.1-6.3.2.4; 38.213 9.3;
 * 38.211 6.3.1.1 placeholders. See pusch.h. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "phy/ch/pusch.h"
#include "phy/ch/pusch_priv.h"
#include "phy/ch/uci.h"
#include "phy/fec/segmentation.h"
#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"

/* 38.213 Table 9.3-1, beta_offset^HARQ-ACK x 8 (every value is a multiple of 1/8, so Q'_ACK is integer arithmetic):
 * 1.000 2.000 2.500 3.125 4.000 5.000 6.250 8.000 10.000 12.625 15.875 20.000 31.000 50.000 80.000 126.000;
 * indices 16-31 are reserved. */
static const int beta_ack_x8[16] = { 8, 16, 20, 25, 32, 40, 50, 64, 80, 101, 127, 160, 248, 400, 640, 1008 };

#define DTX_CAP 0.85 /* threshold cap, x sqrt(terms), when the REs are too few for the design rate */

double pusch_beta_offset_ack(int index)
{
    return index >= 0 && index < 16 ? beta_ack_x8[index] / 8.0 : -1.0;
}

int pusch_uci_check(const struct pusch_uci *u)
{
    if (u->n_ack == 0)
        return 0;
    if (u->n_ack > PUSCH_MAX_ACK_BITS)
        return -ENOTSUP;
    if (u->n_ack < 0 || u->beta_offset_index < 0 || u->beta_offset_index > 15 || !(u->alpha > 0) || u->alpha > 1)
        return -EINVAL;
    return 0;
}

/* 6.3.2.4.1.1 with L_ACK = 0: min(ceil(O beta M / sum K), ceil(alpha M_l0)). */
static int q_prime(int o, const struct pusch_uci *u, const struct pusch_ack_layout *lay)
{
    int64_t num = (int64_t)o * beta_ack_x8[u->beta_offset_index] * lay->m_uci, den = 8 * (int64_t)lay->sum_k;
    int64_t q1 = (num + den - 1) / den;
    /* alpha M_l0 is a whole number or at least 1/20 from one for the four alphas: the tolerance absorbs 0.65's and
     * 0.8's binary rounding */
    int64_t q2 = (int64_t)ceil(u->alpha * lay->m_uci_l0 - 1e-6);
    return (int)(q1 < q2 ? q1 : q2);
}

/* 6.2.7 steps 2 and 5: g bits over the runs in, in order: in a run of m REs (stride s) all m when the bits left
 * fill it, else ceil(left / qm) REs at the distance d = floor(m qm / left). Returns the runs written, or -EINVAL
 * when the bits do not fit. */
static int spread(const struct pusch_re_run *in, int n_in, int g, int qm, struct pusch_re_run *out)
{
    int n = 0, left = g;
    for (int i = 0; i < n_in && left > 0; i++) {
        int m = in[i].count, d = 1, cnt = m;
        if (m == 0)
            continue;
        if (left < m * qm) {
            d = m * qm / left;
            cnt = (left + qm - 1) / qm;
        }
        out[n++] = (struct pusch_re_run){ .l = in[i].l, .re0 = in[i].re0, .stride = in[i].stride * d, .count = cnt };
        left -= cnt * qm;
    }
    return left > 0 ? -EINVAL : n;
}

int pusch_ack_layout(const struct pusch_grant *gr, const struct pusch_tb *tb, struct pusch_ack_layout *lay)
{
    if (!lay)
        return -EINVAL;
    memset(lay, 0, sizeof(*lay));
    int rc = pusch_grant_check(gr);
    if (rc < 0)
        return rc;
    if (!tb || gr->uci.n_ack < 1)
        return -EINVAL;
    struct segmentation seg;
    int bg = tb->r > 0 && tb->r < 1 ? segmentation_select_bg(tb->tbs, tb->r) : -EINVAL;
    if (bg < 0 || segmentation_compute(&seg, tb->tbs, bg) < 0)
        return -EINVAL;
    lay->sum_k = seg.c * seg.k;

    unsigned mask = (unsigned)pusch_dmrs_symbols(gr);
    int full = SCH_RB_SC * gr->nof_rb, end = gr->start_symbol + gr->nof_symbols;
    int per_dmrs = gr->nof_rb * __builtin_popcount(sch_dmrs_data_res(gr->dmrs.config_type,
                                                                      gr->dmrs.cdm_groups_without_data));
    int l0 = __builtin_ctz(mask);
    while (l0 < end && (mask >> l0 & 1u))
        l0++;
    if (l0 >= end)
        return -EINVAL; /* no symbol after the first DM-RS group */
    lay->l0 = l0;

    /* Phi^UCI per symbol from l0 on (empty on DM-RS symbols), each RE's place in the codeword */
    struct pusch_re_run uci[SCH_SYMBOLS_PER_SLOT];
    int n_uci = 0;
    for (int l = gr->start_symbol, re = 0; l < end; l++) {
        bool dmrs = mask >> l & 1u;
        if (!dmrs) {
            lay->m_uci += full;
            if (l >= l0) {
                lay->m_uci_l0 += full;
                uci[n_uci++] = (struct pusch_re_run){ .l = l, .re0 = re, .stride = 1, .count = full };
            }
        }
        re += dmrs ? per_dmrs : full;
    }
    lay->q_rvd = q_prime(2, &gr->uci, lay);
    lay->q_ack = q_prime(gr->uci.n_ack, &gr->uci, lay);
    int qm = modulation_qm(gr->modulation);
    lay->e_ack = lay->q_ack * qm;
    lay->n_rvd_runs = spread(uci, n_uci, lay->q_rvd * qm, qm, lay->rvd);          /* step 2 */
    if (lay->n_rvd_runs < 0 || lay->q_ack < 1)
        return -EINVAL;
    lay->n_ack_runs = spread(lay->rvd, lay->n_rvd_runs, lay->e_ack, qm, lay->ack); /* step 5 */
    return lay->n_ack_runs < 0 ? -EINVAL : 0;
}

/* ---- UE ---- */

static inline unsigned packed_bit(const uint32_t *w, int p) { return w[p >> 5] >> (31 - (p & 31)) & 1u; }

void pusch_ack_mux(uint32_t *packed, const uint8_t *cw, const struct pusch_ack_layout *lay, int qm, const uint8_t *d,
                   int n)
{
    int k = 0;
    for (int i = 0; i < lay->n_ack_runs; i++) {
        const struct pusch_re_run *run = &lay->ack[i];
        for (int j = 0; j < run->count; j++) {
            int p0 = (run->re0 + j * run->stride) * qm;
            for (int p = p0; p < p0 + qm; p++) {
                uint32_t bit = 1u << (31 - (p & 31));
                uint32_t *w = &packed[p >> 5];
                if (d[k] == UCI_BIT_X)
                    *w |= bit;                                     /* 38.211 6.3.1.1: x -> 1 */
                else if (d[k] == UCI_BIT_Y)
                    *w = (*w & ~bit) | (packed_bit(packed, p - 1) ? bit : 0); /* y -> the bit before */
                else if ((cw[p] ^ d[k]) & 1u)
                    *w ^= bit;                                     /* packed holds cw[p] ^ c(p): now d ^ c(p) */
                k = k + 1 == n ? 0 : k + 1;                        /* 5.4.3: e_k = d_(k mod N) */
            }
        }
    }
}

/* ---- gNB ---- */

/* Q^-1(p) for the standard normal tail, by bisection. */
static double q_inverse(double p)
{
    double lo = 0, hi = 40;
    for (int i = 0; i < 100; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(mid / M_SQRT2) > p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

int pusch_ack_thresholds(double pfa, double thr[PUSCH_MAX_ACK_BITS])
{
    if (pfa == 0)
        pfa = 1e-3;
    if (!(pfa > 0 && pfa < 0.5))
        return -EINVAL;
    for (int o = 1; o <= PUSCH_MAX_ACK_BITS; o++)
        thr[o - 1] = q_inverse(pfa / (1 << o)); /* union over the 2^O hypotheses */
    return 0;
}

/* Sequence bits c(p) for increasing p, 32 at a time. */
struct gold_cursor {
    struct gold_gen g;
    int base;
    uint32_t word;
};
static void cursor_start(struct gold_cursor *c, uint32_t c_init, int p)
{
    c->base = p & ~31;
    gold_gen_start(&c->g, c_init, (uint32_t)c->base);
    c->word = gold_gen_next32(&c->g);
}
static unsigned cursor_bit(struct gold_cursor *c, int p)
{
    while (p >= c->base + 32) {
        c->word = gold_gen_next32(&c->g);
        c->base += 32;
    }
    return c->word >> (31 - (p - c->base)) & 1u;
}

enum { CLASS_X = -1, CLASS_Y = 3 }; /* else 0, 1, 2: the coded bit c0, c1, c2 */

int pusch_rx_ack(struct pusch_rx *rx, const struct pusch_grant *gr, const struct pusch_tb *tb,
                 struct pusch_result *res)
{
    if (!rx || !rx->llr || !gr || !res)
        return -EINVAL;
    res->n_ack = 0;
    res->ack[0] = res->ack[1] = 0;
    res->ack_dtx = false;
    res->ack_metric = 0;
    if (gr->uci.n_ack == 0)
        return 0;
    struct pusch_ack_layout lay;
    int rc = pusch_ack_layout(gr, tb, &lay);
    if (rc < 0)
        return rc;
    int o = gr->uci.n_ack, qm = modulation_qm(gr->modulation);
    res->n_ack = o;
    res->ack_dtx = true;

    /* which coded bit each place of d is: from the code itself, with a = 10 and a = 01 */
    uint8_t d10[UCI_SMALL_MAX_N], d01[UCI_SMALL_MAX_N];
    int cls[UCI_SMALL_MAX_N];
    int n = uci_small_encode((const uint8_t[]){ 1, 0 }, o, qm, d10);
    uci_small_encode((const uint8_t[]){ 0, 1 }, o, qm, d01);
    for (int i = 0; i < n; i++)
        cls[i] = d10[i] == UCI_BIT_X ? CLASS_X : d10[i] == UCI_BIT_Y ? CLASS_Y : (int)d10[i] + 2 * d01[i] - 1;

    /* sums of the descrambled LLRs per coded bit; a y bit carries c0 scrambled with the bit before's c */
    double s[3] = { 0, 0, 0 }, energy = 0;
    int terms = 0, k = 0;
    bool need_c = o == 1 && qm >= 2;
    struct gold_cursor gc;
    if (need_c)
        cursor_start(&gc, scrambling_c_init_pusch(gr->rnti, gr->n_id), lay.ack[0].re0 * qm);
    for (int i = 0; i < lay.n_ack_runs; i++) {
        const struct pusch_re_run *run = &lay.ack[i];
        for (int j = 0; j < run->count; j++) {
            int p0 = (run->re0 + j * run->stride) * qm;
            for (int p = p0; p < p0 + qm; p++) {
                float l = rx->llr[p];
                rx->llr[p] = 0; /* punctured: an erasure for the UL-SCH */
                int c = cls[k];
                k = k + 1 == n ? 0 : k + 1;
                if (c == CLASS_X)
                    continue;
                if (c == CLASS_Y) {
                    if (cursor_bit(&gc, p - 1) ^ cursor_bit(&gc, p))
                        l = -l;
                    c = 0;
                }
                s[c] += l;
                energy += (double)l * l;
                terms++;
            }
        }
    }
    if (!rx->valid || !(energy > 0) || !isfinite(energy))
        return 0;

    double best = -INFINITY;
    int best_h = 0;
    for (int h = 0; h < (1 << o); h++) {
        int a0 = h & 1, a1 = h >> 1 & 1;
        double corr = (1 - 2 * a0) * s[0];
        if (o == 2)
            corr += (1 - 2 * a1) * s[1] + (1 - 2 * (a0 ^ a1)) * s[2];
        if (corr > best) {
            best = corr;
            best_h = h;
        }
    }
    double thr = fmin(rx->ack_thr[o - 1], DTX_CAP * sqrt((double)terms));
    double m = best / sqrt(energy);
    res->ack_metric = (float)(m / thr);
    if (m >= thr) {
        res->ack_dtx = false;
        res->ack[0] = (uint8_t)(best_h & 1);
        res->ack[1] = (uint8_t)(o == 2 ? best_h >> 1 & 1 : 0);
    }
    return 0;
}
