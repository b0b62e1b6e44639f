/* Blind cell search: PSS by FFT correlation, CFO, SSS, PBCH. See cell_search.h. */
#include "tests/uesim/cell_search.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CS_DEFAULT_PSS_THRESHOLD 0.02f
#define CS_DEFAULT_SSS_THRESHOLD 0.3f

/* 38.211 7.4.3.1: PSS/SSS on SSB subcarriers 56..182; SS_REF is SSB subcarrier 120 (38.211 7.4.3.1, 38.104
 * 5.4.3.2), so PSS index m sits m - 64 subcarriers from the SSB centre. */
#define CS_SSB_CENTRE_SC 120
#define CS_PSS_FROM_CENTRE (PSS_SSS_K_FIRST - CS_SSB_CENTRE_SC)

static cf_t cs_phasor(double rad) { return (float)cos(rad) + I * (float)sin(rad); }

static float cs_norm2(cf_t z) { return crealf(z) * crealf(z) + cimagf(z) * cimagf(z); }

int cell_search_ssb_len(const struct cell_search *cs)
{
    return SSB_NUM_SYMBOLS * (cs->fft_size + cs->cp_len);
}

int cell_search_l_first(const struct cell_search *cs, int ssb_index)
{
    int l = ssb_candidate_first_symbol(cs->cfg.pattern, cs->cfg.l_max, ssb_index);
    return l < 0 ? l : l % cs->ofdm.symbols_per_subframe;
}

int64_t cell_search_block_offset(const struct cell_search *cs, int ssb_index)
{
    int l = ssb_candidate_first_symbol(cs->cfg.pattern, cs->cfg.l_max, ssb_index);
    if (l < 0)
        return l;
    /* Every subframe lasts 1 ms, whole samples at the rates accepted (N a multiple of 128). */
    int64_t subframe = (int64_t)llround(cs->cfg.sample_rate_hz / 1000.0);
    int sps = cs->ofdm.symbols_per_subframe;
    return (l / sps) * subframe + cs->ofdm.symbol_start[l % sps];
}

/* Time-domain PSS of each N_ID^(2) at the SSB centre, unit energy over its N samples:
 * p(n) = sum_m d(m) e^(j 2 pi b(m) n / N) / sqrt(127 N) with b(m) = m - 64 + offset (exact integer phases). */
static int cs_make_replicas(struct cell_search *cs)
{
    int n_fft = cs->fft_size;
    cf_t *twiddle = malloc(sizeof(cf_t) * (size_t)n_fft);
    if (!twiddle)
        return -ENOMEM;
    for (int k = 0; k < n_fft; k++)
        twiddle[k] = cs_phasor(2.0 * M_PI * k / n_fft);
    float scale = 1.0f / sqrtf((float)PSS_SSS_LEN * (float)n_fft);
    for (int i = 0; i < CELL_SEARCH_NUM_N_ID_2; i++) {
        pss_sequence(i, cs->pss[i]);
        for (int n = 0; n < n_fft; n++) {
            cf_t acc = 0;
            for (int m = 0; m < PSS_SSS_LEN; m++) {
                int bin = m + CS_PSS_FROM_CENTRE + cs->cfg.ssb_offset_sc;
                long idx = ((long)bin * n) % n_fft;
                acc += cs->pss[i][m] * twiddle[idx < 0 ? idx + n_fft : idx];
            }
            cs->pss_time[i][n] = acc * scale;
        }
        /* conj(FFT_L(p zero-padded)) / L: one multiply per bin gives the correlation after the inverse FFT. */
        memset(cs->fft_in, 0, sizeof(cf_t) * (size_t)cs->corr_len);
        memcpy(cs->fft_in, cs->pss_time[i], sizeof(cf_t) * (size_t)n_fft);
        fftwf_execute((fftwf_plan)cs->fwd);
        for (int k = 0; k < cs->corr_len; k++)
            cs->pss_freq[i][k] = conjf(cs->fft_out[k]) / (float)cs->corr_len;
    }
    free(twiddle);
    return 0;
}

static int cs_check_config(const struct cell_search_config *cfg)
{
    bool case_ok = cfg->scs_khz == 15 ? cfg->pattern == SSB_PATTERN_A
                   : cfg->scs_khz == 30 && (cfg->pattern == SSB_PATTERN_B || cfg->pattern == SSB_PATTERN_C);
    if (!case_ok || (cfg->l_max != 4 && cfg->l_max != 8))
        return -EINVAL;
    if (cfg->nof_prb < 1 || cfg->ssb_offset_sc < -100000 || cfg->ssb_offset_sc > 100000)
        return -EINVAL;
    return 0;
}

static int cs_alloc(struct cell_search *cs)
{
    size_t l = (size_t)cs->corr_len, n = (size_t)cs->fft_size;
    for (int i = 0; i < CELL_SEARCH_NUM_N_ID_2; i++) {
        cs->pss_time[i] = fftwf_malloc(sizeof(cf_t) * n);
        cs->pss_freq[i] = fftwf_malloc(sizeof(cf_t) * l);
        if (!cs->pss_time[i] || !cs->pss_freq[i])
            return -ENOMEM;
    }
    cs->fft_in = fftwf_malloc(sizeof(cf_t) * l);
    cs->fft_out = fftwf_malloc(sizeof(cf_t) * l);
    cs->prod = fftwf_malloc(sizeof(cf_t) * l);
    cs->corr = fftwf_malloc(sizeof(cf_t) * l);
    cs->sym = fftwf_malloc(sizeof(cf_t) * (n + (size_t)cs->ofdm.cp_len[0]));
    cs->half = fftwf_malloc(sizeof(cf_t) * (n + (size_t)cs->ofdm.cp_len[0]));
    cs->energy = malloc(sizeof(double) * l);
    if (!cs->fft_in || !cs->fft_out || !cs->prod || !cs->corr || !cs->sym || !cs->half || !cs->energy)
        return -ENOMEM;
    cs->fwd = (struct fftwf_plan_s *)fftwf_plan_dft_1d(cs->corr_len, (fftwf_complex *)cs->fft_in,
                                                        (fftwf_complex *)cs->fft_out, FFTW_FORWARD, FFTW_ESTIMATE);
    cs->inv = (struct fftwf_plan_s *)fftwf_plan_dft_1d(cs->corr_len, (fftwf_complex *)cs->prod,
                                                        (fftwf_complex *)cs->corr, FFTW_BACKWARD, FFTW_ESTIMATE);
    return cs->fwd && cs->inv ? 0 : -ENOMEM;
}

int cell_search_init(struct cell_search *cs, const struct cell_search_config *cfg)
{
    memset(cs, 0, sizeof(*cs));
    if (cs_check_config(cfg) < 0)
        return -EINVAL;
    cs->cfg = *cfg;
    if (cs->cfg.pss_threshold <= 0.0f)
        cs->cfg.pss_threshold = CS_DEFAULT_PSS_THRESHOLD;
    if (cs->cfg.sss_threshold <= 0.0f)
        cs->cfg.sss_threshold = CS_DEFAULT_SSS_THRESHOLD;
    struct ofdm_config oc = {.sample_rate_hz = cfg->sample_rate_hz, .scs_khz = cfg->scs_khz,
                             .nof_prb = cfg->nof_prb, .f0_hz = cfg->f0_hz, .direction = OFDM_DIRECTION_RX};
    if (ofdm_init(&cs->ofdm, &oc) < 0)
        return -EINVAL;
    cs->fft_size = cs->ofdm.fft_size;
    cs->cp_len = cs->ofdm.cp_len[1];                 /* 38.211 5.3.1: SSB symbols never carry the long CP */
    cs->backoff = cs->cp_len / 8 > 0 ? cs->cp_len / 8 : 1;
    cs->first_sc = 6 * cfg->nof_prb + cfg->ssb_offset_sc - CS_SSB_CENTRE_SC;
    cs->corr_len = 4 * cs->fft_size;
    int lowest = CS_PSS_FROM_CENTRE + cfg->ssb_offset_sc, highest = lowest + PSS_SSS_LEN - 1;
    bool fits = cs->first_sc >= 0 && cs->first_sc + SSB_NUM_SUBCARRIERS <= 12 * cfg->nof_prb &&
                lowest > -cs->fft_size / 2 && highest < cs->fft_size / 2;
    int rc = fits ? 0 : -EINVAL;
    struct ssb_config sc = {.pci = 0, .l_max = cfg->l_max, .k_ssb = 0};
    if (rc == 0)
        rc = cs_alloc(cs);
    if (rc == 0)
        rc = grid_init(&cs->grid, SSB_NUM_SYMBOLS, 12 * cfg->nof_prb);
    if (rc == 0)
        rc = grid_init(&cs->halves, 2 * SSB_NUM_SYMBOLS, 12 * cfg->nof_prb);
    if (rc == 0)
        rc = ssb_init(&cs->ssb, &sc) < 0 ? -ENOMEM : 0;
    if (rc == 0)
        rc = cs_make_replicas(cs);
    if (rc < 0)
        cell_search_free(cs);
    return rc;
}

void cell_search_free(struct cell_search *cs)
{
    if (cs->fwd)
        fftwf_destroy_plan((fftwf_plan)cs->fwd);
    if (cs->inv)
        fftwf_destroy_plan((fftwf_plan)cs->inv);
    for (int i = 0; i < CELL_SEARCH_NUM_N_ID_2; i++) {
        fftwf_free(cs->pss_time[i]);
        fftwf_free(cs->pss_freq[i]);
    }
    fftwf_free(cs->fft_in);
    fftwf_free(cs->fft_out);
    fftwf_free(cs->prod);
    fftwf_free(cs->corr);
    fftwf_free(cs->sym);
    fftwf_free(cs->half);
    free(cs->energy);
    ssb_free(&cs->ssb);
    grid_free(&cs->grid);
    grid_free(&cs->halves);
    ofdm_free(&cs->ofdm);
    memset(cs, 0, sizeof(*cs));
}

/* ---------------------------------------------------------------- PSS */

/* The strongest peaks, one per neighbourhood of `sep` samples, in cs_peak_before order. */
struct cs_top {
    struct cell_search_peak p[CELL_SEARCH_MAX_CANDIDATES];
    int n, max;
    int64_t sep;
};

/* Strongest first; peaks within 1 % of each other (the same cell's blocks) earliest first. */
static bool cs_peak_before(const struct cell_search_peak *a, const struct cell_search_peak *b)
{
    if (a->metric > b->metric * 1.01f || b->metric > a->metric * 1.01f)
        return a->metric > b->metric;
    return a->pos < b->pos;
}

static void cs_top_sort(struct cs_top *t)
{
    for (int i = 1; i < t->n; i++)
        for (int j = i; j > 0 && cs_peak_before(&t->p[j], &t->p[j - 1]); j--) {
            struct cell_search_peak tmp = t->p[j];
            t->p[j] = t->p[j - 1];
            t->p[j - 1] = tmp;
        }
}

static void cs_top_offer(struct cs_top *t, int64_t pos, int n_id_2, float metric)
{
    int weakest = 0;
    for (int i = 1; i < t->n; i++)
        if (t->p[i].metric < t->p[weakest].metric)
            weakest = i;
    if (t->n == t->max && metric <= t->p[weakest].metric)
        return;
    int near = -1;
    for (int i = 0; i < t->n; i++)
        if (llabs(t->p[i].pos - pos) < t->sep && (near < 0 || t->p[i].metric > t->p[near].metric))
            near = i;
    if (near >= 0 && metric <= t->p[near].metric)
        return;
    int slot = near >= 0 ? near : (t->n < t->max ? t->n++ : weakest);
    t->p[slot] = (struct cell_search_peak){.pos = pos, .n_id_2 = n_id_2, .metric = metric};
    /* The moved peak may now neighbour another, weaker one: keep only the stronger. */
    for (int i = 0; i < t->n; i++)
        if (i != slot && llabs(t->p[i].pos - pos) < t->sep && t->p[i].metric < metric) {
            t->p[i] = t->p[--t->n];
            if (slot == t->n)
                slot = i;
            i--;
        }
    cs_top_sort(t);
}

/* CFO from the phase advance between the two halves of the PSS correlation: N / 2 samples apart. */
static double cs_pss_halves_cfo(const struct cell_search *cs, const cf_t *u, int n_id_2)
{
    int half = cs->fft_size / 2;
    const cf_t *p = cs->pss_time[n_id_2];
    cf_t c1 = 0, c2 = 0;
    for (int k = 0; k < half; k++) {
        c1 += u[k] * conjf(p[k]);
        c2 += u[k + half] * conjf(p[k + half]);
    }
    return (double)cargf(c2 * conjf(c1)) * cs->cfg.sample_rate_hz / (M_PI * cs->fft_size);
}

/* Energy of the N-sample windows starting at b + tau, tau = 0..count-1 (a running sum, restarted per block). */
static void cs_window_energy(const cf_t *x, int64_t b, int count, int n_fft, double *energy)
{
    double e = 0;
    for (int k = 0; k < n_fft; k++)
        e += cs_norm2(x[b + k]);
    for (int tau = 0; tau < count; tau++) {
        energy[tau] = e;
        e += cs_norm2(x[b + tau + n_fft]) - cs_norm2(x[b + tau]);
    }
}

/* One overlap-save block: correlations for start positions b .. b + count - 1 offered to the top list. */
static void cs_pss_block(struct cell_search *cs, const cf_t *x, size_t n, int64_t b, int count, double floor,
                         struct cs_top *top)
{
    int l = cs->corr_len;
    size_t avail = n - (size_t)b < (size_t)l ? n - (size_t)b : (size_t)l;
    memcpy(cs->fft_in, x + b, avail * sizeof(cf_t));
    memset(cs->fft_in + avail, 0, ((size_t)l - avail) * sizeof(cf_t));
    fftwf_execute((fftwf_plan)cs->fwd);
    cs_window_energy(x, b, count, cs->fft_size, cs->energy);
    for (int i = 0; i < CELL_SEARCH_NUM_N_ID_2; i++) {
        for (int k = 0; k < l; k++)
            cs->prod[k] = cs->fft_out[k] * cs->pss_freq[i][k];
        fftwf_execute((fftwf_plan)cs->inv);
        for (int tau = 0; tau < count; tau++) {
            if (cs->energy[tau] <= floor)
                continue;
            float metric = (float)(cs_norm2(cs->corr[tau]) / cs->energy[tau]);
            if (metric >= cs->cfg.pss_threshold)
                cs_top_offer(top, b + tau, i, metric);
        }
    }
}

int cell_search_pss(struct cell_search *cs, const cf_t *x, size_t n, struct cell_search_peak *peaks, int max)
{
    if (!x || !peaks || max < 1 || max > CELL_SEARCH_MAX_CANDIDATES)
        return -EINVAL;
    /* Useful-part starts whose whole block (CP back-off included) lies in x. */
    int64_t first = cs->cp_len + cs->backoff, last = (int64_t)n - cell_search_ssb_len(cs) + cs->cp_len;
    if (last < first)
        return 0;
    double total = 0;
    for (size_t k = 0; k < n; k++)
        total += cs_norm2(x[k]);
    if (!(total > 0) || !isfinite(total))
        return 0;
    /* Windows far below the mean power hold only rounding residue: no metric there. */
    double floor = 1e-9 * total / (double)n * cs->fft_size;
    struct cs_top top = {.n = 0, .max = max, .sep = cs->fft_size};
    int step = cs->corr_len - cs->fft_size;
    for (int64_t b = first; b <= last; b += step) {
        int count = (int)(last - b + 1 < step ? last - b + 1 : step);
        cs_pss_block(cs, x, n, b, count, floor, &top);
    }
    for (int i = 0; i < top.n; i++) {
        peaks[i] = top.p[i];
        peaks[i].cfo_hz = cs_pss_halves_cfo(cs, x + peaks[i].pos, peaks[i].n_id_2);
    }
    return top.n;
}

/* ---------------------------------------------------------------- SSS, PBCH */

/* Demodulates symbol l (in the subframe) whose CP starts at x[t] into row, after removing a CFO of cfo_hz
 * (phase referenced to sample t_ref). The FFT window starts `backoff` samples early, inside the CP. Leaves the
 * corrected CP + N samples in cs->sym, from the window start. */
static void cs_demod(struct cell_search *cs, const cf_t *x, int64_t t, double cfo_hz, int64_t t_ref, int l,
                     cf_t *row)
{
    int len = cs->ofdm.cp_len[l] + cs->fft_size;
    int64_t t0 = t - cs->backoff;
    double w = -2.0 * M_PI * cfo_hz / cs->cfg.sample_rate_hz;
    for (int k = 0; k < len; k++)
        cs->sym[k] = x[t0 + k] * cs_phasor(w * (double)(t0 + k - t_ref));
    ofdm_demodulate_symbol(&cs->ofdm, cs->sym, l, row);
}

/* Samples from the CP start of symbol l_first to the end of symbol l_first + 3. */
static int cs_block_len(const struct cell_search *cs, int l_first)
{
    int len = 0;
    for (int j = 0; j < SSB_NUM_SYMBOLS; j++)
        len += cs->ofdm.cp_len[l_first + j] + cs->fft_size;
    return len;
}

static bool cs_block_inside(const struct cell_search *cs, size_t n, int64_t start, int l_first)
{
    return start - cs->backoff >= 0 && start + cs_block_len(cs, l_first) <= (int64_t)n;
}

int cell_search_sss(struct cell_search *cs, const cf_t *x, size_t n, const struct cell_search_peak *peak,
                    struct cell_search_result *res)
{
    int l0 = cell_search_l_first(cs, 0);
    int64_t start = peak->pos - cs->ofdm.cp_len[l0];
    if (!x || peak->n_id_2 < 0 || peak->n_id_2 >= CELL_SEARCH_NUM_N_ID_2 || !cs_block_inside(cs, n, start, l0))
        return -EINVAL;
    cf_t *row0 = grid_symbol(&cs->grid, 0), *row2 = grid_symbol(&cs->grid, 2);
    int64_t t2 = start + cs->ofdm.cp_len[l0] + cs->ofdm.cp_len[l0 + 1] + 2 * cs->fft_size;
    cs_demod(cs, x, start, peak->cfo_hz, start, l0, row0);
    cs_demod(cs, x, t2, peak->cfo_hz, start, l0 + 2, row2);
    const cf_t *y0 = row0 + cs->first_sc + PSS_SSS_K_FIRST, *y2 = row2 + cs->first_sc + PSS_SSS_K_FIRST;
    /* Channel on the 127 subcarriers from the PSS (38.211 7.4.2.2: d_PSS = +-1), then each SSS coherently. */
    cf_t h[PSS_SSS_LEN];
    float eh = 0, ey = 0;
    for (int m = 0; m < PSS_SSS_LEN; m++) {
        h[m] = y0[m] * cs->pss[peak->n_id_2][m];
        eh += cs_norm2(h[m]);
        ey += cs_norm2(y2[m]);
    }
    float best = -1.0f;
    int best_n1 = 0;
    for (int n1 = 0; n1 < CELL_SEARCH_NUM_N_ID_1; n1++) {
        float d[PSS_SSS_LEN];
        sss_sequence(3 * n1 + peak->n_id_2, d);
        cf_t acc = 0;
        for (int m = 0; m < PSS_SSS_LEN; m++)
            acc += y2[m] * conjf(h[m]) * d[m];
        if (cabsf(acc) > best) {
            best = cabsf(acc);
            best_n1 = n1;
        }
    }
    res->n_id_1 = best_n1;
    res->n_id_2 = peak->n_id_2;
    res->pci = 3 * best_n1 + peak->n_id_2;   /* 38.211 7.4.2.1 */
    res->ssb_start = start;
    res->cfo_hz = peak->cfo_hz;
    res->pss_metric = peak->metric;
    res->sss_metric = eh > 0 && ey > 0 ? best / sqrtf(eh * ey) : 0.0f;
    return res->sss_metric >= cs->cfg.sss_threshold ? 1 : 0;
}

/* Demodulates the corrected symbol in cs->sym twice more, once with each half of its useful part zeroed, into
 * rows h1 and h2: correlated with the expected REs they give the phase advance across half a symbol. */
static void cs_demod_halves(struct cell_search *cs, int l, cf_t *h1, cf_t *h2)
{
    int cp = cs->ofdm.cp_len[l], len = cp + cs->fft_size, half = cs->fft_size / 2;
    for (int pass = 0; pass < 2; pass++) {
        memcpy(cs->half, cs->sym, (size_t)len * sizeof(cf_t));
        memset(cs->half + cp + (pass == 0 ? half : 0), 0, (size_t)half * sizeof(cf_t));
        ofdm_demodulate_symbol(&cs->ofdm, cs->half, l, pass == 0 ? h1 : h2);
    }
}

/* The block as sent, as far as it is known: PSS, SSS and the PBCH DM-RS of the detected i_ssb_bar (38.211
 * 7.4.3.1), and the PBCH itself re-encoded (38.212 7.1, 38.211 7.3.3) when it decoded. */
static void cs_known_block(struct cell_search *cs, int pci, const struct ssb_rx_result *r)
{
    cf_t *b = cs->known, seq[DMRS_PBCH_LEN], pbch[PBCH_NUM_SYMBOLS];
    float sss[PSS_SSS_LEN];
    memset(b, 0, sizeof(cs->known));
    sss_sequence(pci, sss);
    for (int m = 0; m < PSS_SSS_LEN; m++) {
        b[PSS_SSS_K_FIRST + m] = cs->pss[pci % 3][m];
        b[2 * SSB_NUM_SUBCARRIERS + PSS_SSS_K_FIRST + m] = sss[m];
    }
    uint16_t pos[SSB_PBCH_NUM_RE];
    if (dmrs_pbch_sequence(pci, r->i_ssb_bar, seq) == 0 && ssb_pbch_dmrs_re_positions(pci, pos) > 0)
        for (int i = 0; i < DMRS_PBCH_LEN; i++)
            b[pos[i]] = seq[i];
    struct pbch_msg msg = {.sfn = (uint16_t)r->sfn, .hrf = (uint8_t)r->hrf, .ssb_idx = (uint8_t)r->ssb_index,
                           .k_ssb = (uint8_t)r->k_ssb};
    memcpy(msg.mib, r->mib, PBCH_MIB_BITS);
    if (r->crc_ok && pbch_encode(&cs->ssb.pbch, &msg, (uint16_t)pci, cs->cfg.l_max, pbch) == 0 &&
        ssb_pbch_re_positions(pci, pos) > 0)
        for (int i = 0; i < PBCH_NUM_SYMBOLS; i++)
            b[pos[i]] = pbch[i];
}

/* Sum over the known REs of z(k + lag) conj(z(k)), z = received x conj(expected), within each symbol. */
static cf_t cs_lag_corr(const struct cell_search *cs, int lag)
{
    cf_t acc = 0;
    for (int l = 0; l < SSB_NUM_SYMBOLS; l++) {
        const cf_t *y = cs->block + l * SSB_NUM_SUBCARRIERS, *ref = cs->known + l * SSB_NUM_SUBCARRIERS;
        for (int k = 0; k + lag < SSB_NUM_SUBCARRIERS; k++)
            if (ref[k] != 0 && ref[k + lag] != 0)
                acc += y[k + lag] * conjf(ref[k + lag]) * conjf(y[k] * conjf(ref[k]));
    }
    return acc;
}

/* Phase advance per subcarrier of the channel (a delay), from the known REs: neighbours give an unambiguous
 * coarse value, lags of 8 and 64 subcarriers refine it (each resolving the next one's ambiguity). Our own
 * estimate: the CFO reference below needs it precise, and it uses every known RE, not only the DM-RS. */
static float cs_known_slope(const struct cell_search *cs)
{
    float slope = cargf(cs_lag_corr(cs, 1));
    for (int lag = 8; lag <= 64; lag *= 8)
        slope += cargf(cs_lag_corr(cs, lag) * cs_phasor(-(double)slope * lag)) / (float)lag;
    return slope;
}

/* Residual CFO from the phase advance between the half-symbol correlations with the known REs, each RE given
 * the block's delay slope (so the reference is the received signal without CFO, up to one gain per symbol,
 * which cancels). Unambiguous over +-SCS. */
static double cs_halves_cfo(const struct cell_search *cs, float slope)
{
    cf_t acc = 0;
    for (int l = 0; l < SSB_NUM_SYMBOLS; l++) {
        const cf_t *h1 = grid_symbol(&cs->halves, 2 * l) + cs->first_sc;
        const cf_t *h2 = grid_symbol(&cs->halves, 2 * l + 1) + cs->first_sc;
        const cf_t *ref = cs->known + l * SSB_NUM_SUBCARRIERS;
        cf_t a1 = 0, a2 = 0;
        for (int k = 0; k < SSB_NUM_SUBCARRIERS; k++) {
            if (ref[k] == 0)
                continue;
            cf_t r = conjf(ref[k]) * cs_phasor(-(double)slope * k);
            a1 += h1[k] * r;
            a2 += h2[k] * r;
        }
        acc += a2 * conjf(a1);
    }
    return (double)cargf(acc) * cs->cfg.sample_rate_hz / (M_PI * cs->fft_size);
}

int cell_search_read_ssb(struct cell_search *cs, const cf_t *x, size_t n, int64_t ssb_start, double cfo_hz,
                         int l_first, int pci, struct cell_search_ssb *out)
{
    memset(out, 0, sizeof(*out));
    if (!x || pci < 0 || pci >= PSS_SSS_NUM_PCI || l_first < 0 ||
        l_first + SSB_NUM_SYMBOLS > cs->ofdm.symbols_per_subframe || !cs_block_inside(cs, n, ssb_start, l_first))
        return -EINVAL;
    int64_t t = ssb_start;
    for (int j = 0; j < SSB_NUM_SYMBOLS; j++) {
        int l = l_first + j;
        cs_demod(cs, x, t, cfo_hz, ssb_start, l, grid_symbol(&cs->grid, j));
        cs_demod_halves(cs, l, grid_symbol(&cs->halves, 2 * j), grid_symbol(&cs->halves, 2 * j + 1));
        t += cs->ofdm.cp_len[l] + cs->fft_size;
    }
    if (ssb_extract(&cs->grid, cs->first_sc, 0, cs->block) < 0)
        return -EINVAL;
    int rc = ssb_decode_pbch(&cs->ssb, cs->block, pci, &out->pbch);
    if (rc < 0)
        return rc;
    cs_known_block(cs, pci, &out->pbch);
    float slope = cs_known_slope(cs);
    /* A delay of d samples turns subcarrier k by -2 pi k d / N; the window opened `backoff` samples early. */
    out->timing_error = -slope * (float)cs->fft_size / (2.0f * (float)M_PI) - (float)cs->backoff;
    out->cfo_residual_hz = cs_halves_cfo(cs, slope);
    /* What a residual CFO turns into between consecutive (short-CP) symbols; the rest of the measured step
     * (its ambiguity is pi: ssb_decode_pbch halves a two-symbol angle) is not a CFO. */
    double cfo_step = 2.0 * M_PI * out->cfo_residual_hz * (cs->fft_size + cs->cp_len) / cs->cfg.sample_rate_hz;
    out->phase_incoherence = (float)remainder((double)out->pbch.phase_per_symbol - cfo_step, M_PI);
    return 0;
}

int cell_search_run(struct cell_search *cs, const cf_t *x, size_t n, struct cell_search_result *res)
{
    memset(res, 0, sizeof(*res));
    struct cell_search_peak peaks[CELL_SEARCH_MAX_CANDIDATES];
    int np = cell_search_pss(cs, x, n, peaks, CELL_SEARCH_MAX_CANDIDATES);
    if (np < 0)
        return np;
    int l0 = cell_search_l_first(cs, 0);
    for (int i = 0; i < np; i++) {
        res->candidates_tried = i + 1;
        if (cell_search_sss(cs, x, n, &peaks[i], res) <= 0)
            continue;
        /* Two passes: the PSS-halves CFO first, then refined with the whole known block. */
        double cfo = res->cfo_hz;
        struct cell_search_ssb s = {0};
        for (int pass = 0; pass < 2; pass++) {
            if (cell_search_read_ssb(cs, x, n, res->ssb_start, cfo, l0, res->pci, &s) < 0)
                break;
            if (pass == 0)
                cfo += s.cfo_residual_hz;
        }
        if (s.pbch.crc_ok) {
            res->found = true;
            res->cfo_hz = cfo + s.cfo_residual_hz;
            res->ssb = s;
            return 1;
        }
    }
    return 0;
}
