/* SS/PBCH block build, placement, candidate positions and PBCH reception. See ssb.h. */
#include "phy/ch/ssb.h"

#include <complex.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#define SSB_DMRS_PER_SYMBOL 60   /* k = nu + 4m, m = 0..59 */

static int l_max_ok(int l_max) { return l_max == 4 || l_max == 8 || l_max == 64; }

int ssb_init(struct ssb *s, const struct ssb_config *cfg)
{
    memset(s, 0, sizeof(*s));
    if (cfg->pci < 0 || cfg->pci >= PSS_SSS_NUM_PCI || !l_max_ok(cfg->l_max) || cfg->k_ssb < 0 || cfg->k_ssb > 31)
        return -EINVAL;
    s->cfg = *cfg;
    if (pss_sequence(cfg->pci % 3, s->pss) < 0 || sss_sequence(cfg->pci, s->sss) < 0 ||
        ssb_pbch_re_positions(cfg->pci, s->pbch_re) < 0 || ssb_pbch_dmrs_re_positions(cfg->pci, s->dmrs_re) < 0)
        return -EINVAL;
    for (int i = 0; i < SSB_NUM_I_SSB_BAR; i++)
        if (dmrs_pbch_sequence(cfg->pci, i, s->dmrs[i]) < 0)
            return -EINVAL;
    return pbch_init(&s->pbch, &(struct pbch_cfg){ 0 });
}

void ssb_free(struct ssb *s) { pbch_free(&s->pbch); }

int ssb_build(const struct ssb *s, const uint8_t mib24[PBCH_MIB_BITS], int sfn, int hrf, int ssb_index,
              cf_t block[SSB_BLOCK_RE])
{
    int l_max = s->cfg.l_max;
    if (sfn < 0 || sfn > 1023 || hrf < 0 || hrf > 1 || ssb_index < 0 || ssb_index >= l_max)
        return -EINVAL;
    /* The SFN and k_SSB are split between the MIB (SFN 6 MSBs in a-bar_1..6, k_SSB 4 LSBs in ssb-SubcarrierOffset,
     * a-bar_8..11) and the payload (SFN 4 LSBs, k_SSB MSB): both halves must describe the same values. */
    for (int b = 0; b < 6; b++)
        if ((mib24[1 + b] & 1) != ((sfn >> (9 - b)) & 1))
            return -EINVAL;
    for (int b = 0; b < 4; b++)
        if ((mib24[8 + b] & 1) != ((s->cfg.k_ssb >> (3 - b)) & 1))
            return -EINVAL;
    struct pbch_msg msg = { .sfn = (uint16_t)sfn, .hrf = (uint8_t)hrf, .ssb_idx = (uint8_t)ssb_index,
                            .k_ssb = (uint8_t)s->cfg.k_ssb };
    memcpy(msg.mib, mib24, PBCH_MIB_BITS);
    cf_t pbch[PBCH_NUM_SYMBOLS];
    int rc = pbch_encode(&s->pbch, &msg, (uint16_t)s->cfg.pci, l_max, pbch);
    if (rc < 0)
        return rc;

    memset(block, 0, SSB_BLOCK_RE * sizeof(cf_t));
    for (int n = 0; n < PSS_SSS_LEN; n++) {   /* 38.211 Table 7.4.3.1-1, beta_PSS = beta_SSS = 1 */
        block[PSS_SSS_K_FIRST + n] = s->pss[n];
        block[2 * SSB_NUM_SUBCARRIERS + PSS_SSS_K_FIRST + n] = s->sss[n];
    }
    for (int i = 0; i < PBCH_NUM_SYMBOLS; i++)   /* 7.4.3.1.2 */
        block[s->pbch_re[i]] = pbch[i];
    int i_ssb_bar = dmrs_pbch_i_ssb_bar(ssb_index, hrf, l_max);   /* 7.4.1.4.1, mapped per 7.4.3.1.3 */
    for (int m = 0; m < DMRS_PBCH_LEN; m++)
        block[s->dmrs_re[m]] = s->dmrs[i_ssb_bar][m];
    return 0;
}

static int block_fits(const struct grid *g, int first_subcarrier, int first_symbol)
{
    return g->re && first_subcarrier >= 0 && first_symbol >= 0 &&
           first_subcarrier + SSB_NUM_SUBCARRIERS <= g->nof_subcarriers &&
           first_symbol + SSB_NUM_SYMBOLS <= g->nof_symbols;
}

int ssb_map(const cf_t block[SSB_BLOCK_RE], struct grid *slot_grid, int first_subcarrier, int first_symbol_in_slot)
{
    if (!block_fits(slot_grid, first_subcarrier, first_symbol_in_slot))
        return -EINVAL;
    for (int l = 0; l < SSB_NUM_SYMBOLS; l++)
        memcpy(grid_symbol(slot_grid, first_symbol_in_slot + l) + first_subcarrier,
               block + l * SSB_NUM_SUBCARRIERS, SSB_NUM_SUBCARRIERS * sizeof(cf_t));
    return 0;
}

int ssb_extract(const struct grid *slot_grid, int first_subcarrier, int first_symbol_in_slot,
                cf_t block[SSB_BLOCK_RE])
{
    if (!block_fits(slot_grid, first_subcarrier, first_symbol_in_slot))
        return -EINVAL;
    for (int l = 0; l < SSB_NUM_SYMBOLS; l++)
        memcpy(block + l * SSB_NUM_SUBCARRIERS, grid_symbol(slot_grid, first_symbol_in_slot + l) + first_subcarrier,
               SSB_NUM_SUBCARRIERS * sizeof(cf_t));
    return 0;
}

/* ---- time-domain positions, 38.213 4.1 ---- */

int ssb_candidate_first_symbol(enum ssb_pattern pattern, int l_max, int ssb_index)
{
    static const int case_b[4] = { 4, 8, 16, 20 };
    if ((l_max != 4 && l_max != 8) || ssb_index < 0 || ssb_index >= l_max)
        return -EINVAL;
    switch (pattern) {
    case SSB_PATTERN_A:
    case SSB_PATTERN_C:
        return (ssb_index % 2 ? 8 : 2) + 14 * (ssb_index / 2);
    case SSB_PATTERN_B:
        return case_b[ssb_index % 4] + 28 * (ssb_index / 4);
    }
    return -EINVAL;
}

static int burst_config_ok(const struct ssb_burst_config *c)
{
    int scs_ok = c->pattern == SSB_PATTERN_A ? c->scs_khz == 15
               : (c->pattern == SSB_PATTERN_B || c->pattern == SSB_PATTERN_C) && c->scs_khz == 30;
    int p = c->period_ms;
    int period_ok = p == 5 || p == 10 || p == 20 || p == 40 || p == 80 || p == 160;
    return scs_ok && period_ok && (c->l_max == 4 || c->l_max == 8) && (c->half_frame == 0 || c->half_frame == 1);
}

int ssb_slot_symbols(const struct ssb_burst_config *cfg, int sfn, int slot, struct ssb_occasion out[SSB_MAX_PER_SLOT])
{
    if (!burst_config_ok(cfg) || sfn < 0 || sfn > 1023)
        return -EINVAL;
    int slots_per_half_frame = 5 * cfg->scs_khz / 15;
    if (slot < 0 || slot >= 2 * slots_per_half_frame)
        return -EINVAL;
    int hf = slot / slots_per_half_frame, slot_in_hf = slot % slots_per_half_frame;
    /* 38.213 4.1: a burst lies in one half frame; with a period of 10 ms or more, in the frames whose SFN is a
     * multiple of period / 10 and in the configured half frame. */
    if (cfg->period_ms >= 10 && (sfn % (cfg->period_ms / 10) != 0 || hf != cfg->half_frame))
        return 0;
    int n = 0;
    for (int i = 0; i < cfg->l_max && n < SSB_MAX_PER_SLOT; i++) {
        if (!(cfg->positions_in_burst >> i & 1))
            continue;
        int first = ssb_candidate_first_symbol(cfg->pattern, cfg->l_max, i);
        if (first / GRID_SYMBOLS_PER_SLOT == slot_in_hf)
            out[n++] = (struct ssb_occasion){ .ssb_index = i, .first_symbol = first % GRID_SYMBOLS_PER_SLOT,
                                              .hrf = hf };
    }
    return n;
}

/* ---- receiver ---- */

/* De-sloped least-squares channel values on the DM-RS lattice of one block: row l - 1 for symbol l = 1..3,
 * column m for subcarrier k = nu + 4m, as prefix sums so that any window mean costs two lookups. */
struct ssb_chest {
    cf_t psum[3][SSB_DMRS_PER_SYMBOL + 1];
    int pcnt[3][SSB_DMRS_PER_SYMBOL + 1];
    float slope;    /* channel phase advance per subcarrier (rad) */
    int nu;
};

static int floor_div4(int a) { return a >= 0 ? a / 4 : -((3 - a) / 4); }

/* Mean of the lattice values of symbol l within +-SSB_RX_WINDOW_SC subcarriers of k; *count gets how many. */
static cf_t chest_mean(const struct ssb_chest *c, int l, int k, int *count)
{
    int lo = -floor_div4(c->nu - (k - SSB_RX_WINDOW_SC)), hi = floor_div4(k + SSB_RX_WINDOW_SC - c->nu);
    lo = lo < 0 ? 0 : lo;
    hi = hi >= SSB_DMRS_PER_SYMBOL ? SSB_DMRS_PER_SYMBOL - 1 : hi;
    *count = 0;
    if (hi < lo)
        return 0;
    *count = c->pcnt[l - 1][hi + 1] - c->pcnt[l - 1][lo];
    return *count ? (c->psum[l - 1][hi + 1] - c->psum[l - 1][lo]) / (float)*count : 0;
}

static cf_t unit_phasor(float rad) { return cosf(rad) + I * sinf(rad); }

/* LS values y conj(r) of the DM-RS REs for one hypothesis. */
static void dmrs_ls(const cf_t *block, const uint16_t *pos, const cf_t *r, cf_t ls[DMRS_PBCH_LEN])
{
    for (int i = 0; i < DMRS_PBCH_LEN; i++)
        ls[i] = block[pos[i]] * conjf(r[i]);
}

/* Sum of ls(next) conj(ls) over neighbouring DM-RS REs (4 subcarriers apart in one symbol): its magnitude
 * measures how well the hypothesis fits whatever the delay and CFO, its angle is 4x the per-subcarrier slope. */
static cf_t dmrs_diff_corr(const uint16_t *pos, const cf_t *ls, float *norm)
{
    cf_t d = 0;
    *norm = 0;
    for (int i = 0; i + 1 < DMRS_PBCH_LEN; i++) {
        if (pos[i + 1] != pos[i] + 4)
            continue;
        d += ls[i + 1] * conjf(ls[i]);
        *norm += cabsf(ls[i + 1]) * cabsf(ls[i]);
    }
    return d;
}

static void chest_build(struct ssb_chest *c, const uint16_t *pos, const cf_t *ls, float slope, int nu)
{
    cf_t lattice[3][SSB_DMRS_PER_SYMBOL] = { { 0 } };
    int present[3][SSB_DMRS_PER_SYMBOL] = { { 0 } };
    for (int i = 0; i < DMRS_PBCH_LEN; i++) {
        int l = pos[i] / SSB_NUM_SUBCARRIERS, k = pos[i] % SSB_NUM_SUBCARRIERS;
        lattice[l - 1][(k - nu) / 4] = ls[i] * unit_phasor(-slope * (float)k);
        present[l - 1][(k - nu) / 4] = 1;
    }
    c->slope = slope;
    c->nu = nu;
    for (int r = 0; r < 3; r++) {
        c->psum[r][0] = 0;
        c->pcnt[r][0] = 0;
        for (int m = 0; m < SSB_DMRS_PER_SYMBOL; m++) {
            c->psum[r][m + 1] = c->psum[r][m] + lattice[r][m];
            c->pcnt[r][m + 1] = c->pcnt[r][m] + present[r][m];
        }
    }
}

/* Noise variance from the spread of the de-sloped LS values around their window means (a mean over n values
 * that include the value itself leaves (1 - 1/n) of the noise); *signal gets the mean channel power. */
static float chest_noise(const struct ssb_chest *c, const uint16_t *pos, const cf_t *ls, float *signal)
{
    double spread = 0, dof = 0, power = 0;
    for (int i = 0; i < DMRS_PBCH_LEN; i++) {
        int l = pos[i] / SSB_NUM_SUBCARRIERS, k = pos[i] % SSB_NUM_SUBCARRIERS, n;
        cf_t mean = chest_mean(c, l, k, &n);
        cf_t g = ls[i] * unit_phasor(-c->slope * (float)k);
        spread += (double)(crealf(g - mean) * crealf(g - mean) + cimagf(g - mean) * cimagf(g - mean));
        dof += n > 1 ? 1.0 - 1.0 / n : 0.0;
        power += (double)(crealf(mean) * crealf(mean) + cimagf(mean) * cimagf(mean));
    }
    *signal = (float)(power / DMRS_PBCH_LEN);
    return dof > 0 ? (float)(spread / dof) : 0.0f;
}

/* Picks the i_ssb_bar whose DM-RS correlates best; fills ls with its LS values. */
static int detect_i_ssb_bar(struct ssb *s, const cf_t *block, cf_t ls[DMRS_PBCH_LEN], cf_t *corr, float *metric)
{
    int best = 0;
    float best_mag = -1.0f;
    for (int h = 0; h < SSB_NUM_I_SSB_BAR; h++) {
        cf_t tmp[DMRS_PBCH_LEN];
        float norm;
        dmrs_ls(block, s->rx_dmrs_re, s->rx_dmrs[h], tmp);
        cf_t d = dmrs_diff_corr(s->rx_dmrs_re, tmp, &norm);
        if (cabsf(d) > best_mag) {
            best_mag = cabsf(d);
            best = h;
            *corr = d;
            *metric = norm > 0 ? best_mag / norm : 0.0f;
            memcpy(ls, tmp, sizeof(tmp));
        }
    }
    return best;
}

/* Residual CFO: the phase advance of the (de-sloped) channel from symbol 1 to symbol 3, per symbol. */
static float chest_phase_per_symbol(const struct ssb_chest *c)
{
    cf_t s1 = c->psum[0][SSB_DMRS_PER_SYMBOL], s3 = c->psum[2][SSB_DMRS_PER_SYMBOL];
    return cargf(s3 * conjf(s1)) / 2.0f;
}

int ssb_decode_pbch(struct ssb *s, const cf_t block[SSB_BLOCK_RE], int pci, struct ssb_rx_result *res)
{
    memset(res, 0, sizeof(*res));
    if (pci < 0 || pci >= PSS_SSS_NUM_PCI)
        return -EINVAL;
    if (ssb_pbch_re_positions(pci, s->rx_pbch_re) < 0 || ssb_pbch_dmrs_re_positions(pci, s->rx_dmrs_re) < 0)
        return -EINVAL;
    for (int h = 0; h < SSB_NUM_I_SSB_BAR; h++)
        dmrs_pbch_sequence(pci, h, s->rx_dmrs[h]);

    cf_t ls[DMRS_PBCH_LEN], corr = 0;
    res->i_ssb_bar = detect_i_ssb_bar(s, block, ls, &corr, &res->dmrs_metric);
    struct ssb_chest c;
    float slope = cargf(corr) / 4.0f, signal;
    chest_build(&c, s->rx_dmrs_re, ls, slope, pci % 4);
    float noise = chest_noise(&c, s->rx_dmrs_re, ls, &signal);
    if (!(signal > 0.0f) || !isfinite(signal))
        return 0;   /* nothing received */
    /* A noiseless block (vectors) would give noise 0: floor the SNR at 40 dB so the LLRs stay finite. */
    if (!(noise > signal * 1e-4f))
        noise = signal * 1e-4f;
    res->noise_var = noise;
    res->snr_db = 10.0f * log10f(signal / noise);
    res->timing_offset = -slope / (2.0f * (float)M_PI);
    res->phase_per_symbol = chest_phase_per_symbol(&c);

    /* y conj(h) / P with noise variance N0 / P gives the demapper exactly the LLRs of y = h x + n. */
    for (int j = 0; j < PBCH_NUM_SYMBOLS; j++) {
        int l = s->rx_pbch_re[j] / SSB_NUM_SUBCARRIERS, k = s->rx_pbch_re[j] % SSB_NUM_SUBCARRIERS, n;
        cf_t h = chest_mean(&c, l, k, &n) * unit_phasor(slope * (float)k);
        s->rx_sym[j] = block[s->rx_pbch_re[j]] * conjf(h) / signal;
    }
    struct pbch_result pr;
    int rc = pbch_decode(&s->pbch, s->rx_sym, noise / signal, (uint16_t)pci, s->cfg.l_max, res->i_ssb_bar, &pr);
    if (rc < 0 || !pr.crc_ok)
        return rc < 0 ? rc : 0;
    res->crc_ok = true;
    memcpy(res->mib, pr.msg.mib, PBCH_MIB_BITS);
    res->sfn = pr.msg.sfn;
    res->hrf = pr.msg.hrf;
    res->ssb_index = pr.msg.ssb_idx;
    res->k_ssb = pr.msg.k_ssb;
    res->k_ssb_msb = s->cfg.l_max == 64 ? 0 : (pr.msg.k_ssb >> 4) & 1;
    return 0;
}
