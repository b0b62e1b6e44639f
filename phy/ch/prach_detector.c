/* PRACH detector (gNB direction): all preambles of an occasion, one frequency-domain correlation per root. See
 * prach.h for the method. */
#include "phy/ch/prach.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/seq/zc.h"

#define DEFAULT_PFA 1e-4
#define RELATIVE_FLOOR 1e-3f     /* 30 dB: under the Hamming taper's sidelobes of the root's strongest peak */
#define EXCLUDE_LAGS 3           /* noise estimate: lags either side of a peak left out (main lobe: 2 lags) */
#define OVERSAMPLED_CELLS 1.5    /* extra chances of a noise peak in an oversampled correlation (measured) */
#define GHOST_ORDERS 48          /* ghosts looked for at +-1..48 d_u lags (3 / k^2 is near the 30 dB floor) */
#define GHOST_TOLERANCE 1.5      /* lags */
#define GHOST_MARGIN 0.5f        /* a ghost is at least 3 dB under its peak, */
#define GHOST_SCALE 3.0f         /* and one of order k at least 3 / k^2 (measured: cut preambles, CFO, taper) */
#define STATIONARY_RATIO 10.0    /* in-band energy of the N_u part's two halves: at most 10 dB apart */
#define SIC_CANDIDATE 2.5f       /* 4 dB: a cancellation candidate stands this far over its root's floor */
#define SIC_TRIGGER 6.0f         /* 7.8 dB: an undetected peak this far over its floor starts the cancellation
                                  * (a single preamble's cross-correlation ripple in another root stays under) */
#define SIC_MAX_STEPS PRACH_NUM_PREAMBLES
#define SIC_REFINE_STEPS 14      /* golden-section steps of a candidate's lag over +-0.5 correlation bins */
#define SIC_SWEEP_STEPS 9        /* and of a refit over +-0.125 bins */
#define SIC_EXCLUDE_LAGS 1.5     /* a new candidate stands this far from those of its root (main lobe: 2 lags) */
#define SIC_NOISE_MARGIN 1.25f   /* the noise alone is known within about 3 x 1 / sqrt(L_RA) (139 bins): a
                                  * view's noise is never taken under this much of it */
#define FLOOR_BLOCK 8            /* bins per block of the robust floor (the median of the block means) */

static int next_pow2(int n)
{
    int m = 1;
    while (m < n)
        m <<= 1;
    return m;
}

void prach_detector_free(struct prach_detector *d)
{
    if (d->dft)
        fftwf_destroy_plan(d->dft);
    if (d->corr_idft)
        fftwf_destroy_plan(d->corr_idft);
    fftwf_free(d->time);
    fftwf_free(d->freq);
    fftwf_free(d->corr_in);
    fftwf_free(d->corr_out);
    fftwf_free(d->half_time);
    fftwf_free(d->half_freq);
    free(d->root_conj);
    free(d->bins);
    free(d->corr_pow);
    free(d->mask);
    free(d->inv_taper);
    free(d->resid);
    free(d->view);
    memset(d, 0, sizeof(*d));
}

/* conj(y_u(k)) w_k / sqrt(L_RA) for every root searched, w the Hamming taper; and the taper's sums. */
static int roots_init(struct prach_detector *d)
{
    const struct prach_params *p = &d->p;
    int l = p->l_ra, c_v;
    fftwf_complex *x = fftwf_malloc((size_t)l * sizeof(fftwf_complex));
    fftwf_plan plan = x ? fftwf_plan_dft_1d(l, x, x, FFTW_FORWARD, FFTW_ESTIMATE) : NULL;
    if (!plan) {
        fftwf_free(x);
        return -ENOMEM;
    }
    double sum = 0.0, sum2 = 0.0, sum4 = 0.0;
    for (int r = 0; r < d->nof_roots_searched; r++) {
        prach_preamble_root(l, d->cfg.prach.root_sequence_index, p->n_cs, r * p->per_root, &d->root_u[r], &c_v);
        /* d_u (38.211 6.3.3.1): q with q u = 1 mod L_RA, folded to below L_RA / 2. */
        int q = 1;
        while ((q * d->root_u[r]) % l != 1)
            q++;
        d->root_du[r] = q < l / 2 ? q : l - q;
        zc_sequence(l, d->root_u[r], 0, (cf_t *)x);
        fftwf_execute(plan);
        for (int k = 0; k < l; k++) {
            double w = 0.54 - 0.46 * cos(2.0 * M_PI * k / (l - 1));
            if (r == 0) {
                d->inv_taper[k] = (float)(1.0 / w);
                sum += w;
                sum2 += w * w;
                sum4 += w * w * w * w;
            }
            d->root_conj[(size_t)r * l + k] = conjf(((cf_t *)x)[k]) * (float)(w / sqrt((double)l));
        }
    }
    d->taper_sum = (float)sum;
    d->taper_gain = (float)(sum * sum / sum2);
    d->noise_dof = sum2 * sum2 / sum4;
    fftwf_destroy_plan(plan);
    fftwf_free(x);
    return 0;
}

/* Threshold over the noise estimate for the windows searched. Under noise alone a correlation bin's power is
 * exponential, and the noise estimate a mean of about k_eff independent such powers, so
 * P(power > T estimate) = (1 + T / k_eff)^-k_eff per cell; over `cells` cells that is pfa for
 * T = k_eff ((cells / pfa)^(1 / k_eff) - 1) (-> ln(cells / pfa) for a perfect estimate). */
static float threshold_of(const struct prach_detector_cfg *cfg, const struct prach_params *p, int nof_preambles,
                          double k_eff)
{
    if (cfg->threshold_db > 0.0)
        return (float)pow(10.0, cfg->threshold_db / 10.0);
    double pfa = cfg->pfa > 0.0 ? cfg->pfa : DEFAULT_PFA;
    double cells = (double)nof_preambles * (p->n_cs ? p->n_cs : p->l_ra) * OVERSAMPLED_CELLS;
    return (float)(k_eff * expm1(log(cells / pfa) / k_eff));
}

int prach_detector_init(struct prach_detector *d, const struct prach_detector_cfg *cfg)
{
    memset(d, 0, sizeof(*d));
    if (prach_params_init(&d->p, &cfg->prach) < 0 || cfg->nof_preambles < 0 ||
        cfg->nof_preambles > PRACH_NUM_PREAMBLES || !(cfg->max_early_us >= 0.0) || cfg->max_early_us > 1000.0 ||
        !(cfg->threshold_db >= 0.0) || !(cfg->pfa >= 0.0) || cfg->pfa >= 1.0)
        return -EINVAL;
    d->cfg = *cfg;
    if (d->cfg.nof_preambles == 0)
        d->cfg.nof_preambles = PRACH_NUM_PREAMBLES;
    const struct prach_params *p = &d->p;
    int l = p->l_ra, n = p->fft_size;
    d->corr_size = next_pow2(l);
    d->nof_roots_searched = (d->cfg.nof_preambles + p->per_root - 1) / p->per_root;
    /* Window start before zero delay: one lag by default, at most a quarter of the window. */
    double early = cfg->max_early_us > 0.0 ? cfg->max_early_us * 1e-6 * l * p->delta_f_ra_hz : 1.0;
    if (p->n_cs > 0 && early > p->n_cs / 4.0)
        early = p->n_cs / 4.0;
    d->early_lags = early;

    size_t m = (size_t)d->corr_size;
    d->time = fftwf_malloc((size_t)n * sizeof(cf_t));
    d->freq = fftwf_malloc((size_t)n * sizeof(cf_t));
    d->corr_in = fftwf_malloc(m * sizeof(cf_t));
    d->corr_out = fftwf_malloc(m * sizeof(cf_t));
    d->half_time = fftwf_malloc((size_t)n * sizeof(cf_t));
    d->half_freq = fftwf_malloc((size_t)n * sizeof(cf_t));
    d->root_conj = malloc((size_t)d->nof_roots_searched * (size_t)l * sizeof(cf_t));
    d->bins = malloc((size_t)l * sizeof(cf_t));
    d->corr_pow = malloc(m * sizeof(float));
    d->mask = malloc(m);
    d->inv_taper = malloc((size_t)l * sizeof(float));
    d->resid = malloc((size_t)l * sizeof(cf_t));
    d->view = malloc((size_t)l * sizeof(cf_t));
    if (!d->time || !d->freq || !d->corr_in || !d->corr_out || !d->root_conj || !d->bins || !d->corr_pow ||
        !d->mask || !d->half_time || !d->half_freq || !d->inv_taper || !d->resid || !d->view) {
        prach_detector_free(d);
        return -ENOMEM;
    }
    unsigned flags = cfg->fftw_measure ? FFTW_MEASURE : FFTW_ESTIMATE;
    d->dft = fftwf_plan_dft_1d(n, (fftwf_complex *)d->time, (fftwf_complex *)d->freq, FFTW_FORWARD, flags);
    d->corr_idft = fftwf_plan_dft_1d((int)m, (fftwf_complex *)d->corr_in, (fftwf_complex *)d->corr_out,
                                     FFTW_BACKWARD, flags);
    if (!d->dft || !d->corr_idft || roots_init(d) < 0) {
        prach_detector_free(d);
        return -ENOMEM;
    }
    d->threshold = threshold_of(&d->cfg, p, d->cfg.nof_preambles, d->noise_dof);
    /* Bins L_RA .. M - 1 of the correlation input stay zero (FFTW_MEASURE scribbled on them while planning). */
    memset(d->corr_in, 0, m * sizeof(cf_t));
    return 0;
}

int prach_detector_nof_samples(const struct prach_detector *d, const struct prach_time_occasion *occ)
{
    return prach_nof_samples(&d->p, d->cfg.prach.sample_rate_hz, occ);
}

/* A local maximum of the correlation power. */
struct peak {
    int bin;
    float pow;
};

/* Local maxima of pw above `level` (at most max, the strongest kept); returns their number. */
static int local_maxima(const float *pw, int m, float level, struct peak *pk, int max)
{
    int n = 0, weakest = 0;
    for (int b = 0; b < m; b++) {
        float v = pw[b];
        if (v <= level || v < pw[(b + m - 1) % m] || v <= pw[(b + 1) % m])
            continue;
        if (n < max) {
            pk[n++] = (struct peak){ b, v };
        } else if (v > pk[weakest].pow) {
            pk[weakest] = (struct peak){ b, v };
        } else {
            continue;
        }
        if (n == max)
            for (int i = 0; i < n; i++)
                if (pk[i].pow < pk[weakest].pow)
                    weakest = i;
    }
    return n;
}

/* k-th smallest of v[0 .. n) (reordered in place; Hoare's selection). */
static float select_kth(float *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

/* A floor the peaks cannot raise: the median of the means of blocks of FLOOR_BLOCK bins (a peak's main lobe
 * touches one or two blocks; the median holds while fewer than half the blocks have one), over the median of a
 * block mean of exponential powers (Wilson-Hilferty: (1 - 1 / (9 k))^3 of the mean for k bins), so that under
 * noise alone it estimates the mean. Several preambles of one root (up to per_root) would otherwise lift the
 * plain mean until none of them passes. scratch: M / FLOOR_BLOCK floats. */
static float robust_floor(const float *pw, int m, float *scratch)
{
    int nb = m / FLOOR_BLOCK;
    for (int i = 0; i < nb; i++) {
        float acc = 0.0f;
        for (int j = 0; j < FLOOR_BLOCK; j++)
            acc += pw[i * FLOOR_BLOCK + j];
        scratch[i] = acc / FLOOR_BLOCK;
    }
    double c = 1.0 - 1.0 / (9.0 * FLOOR_BLOCK);
    return select_kth(scratch, nb, nb / 2) / (float)(c * c * c);
}

/* Mean power of the correlation away from the peaks: bins within `ex` of each peak are left out. */
static float noise_away_from(const float *pw, unsigned char *mask, int m, const struct peak *pk, int n, int ex,
                             double total)
{
    if (n == 0)
        return (float)(total / m);
    memset(mask, 0, (size_t)m);
    for (int i = 0; i < n; i++)
        for (int b = pk[i].bin - ex; b <= pk[i].bin + ex; b++)
            mask[((b % m) + m) % m] = 1;
    double excluded = 0.0;
    int count = 0;
    for (int b = 0; b < m; b++)
        if (mask[b]) {
            excluded += pw[b];
            count++;
        }
    double rest = total - excluded;
    return count < m && rest > 0.0 ? (float)(rest / (m - count)) : 0.0f;
}

/* Parabolic fit of the magnitude around a peak: fractional bin offset and peak magnitude. */
static float peak_fit(const float *pw, int m, int b, float *amp)
{
    float a = sqrtf(pw[(b + m - 1) % m]), c = sqrtf(pw[(b + 1) % m]), v = sqrtf(pw[b]);
    float den = a - 2.0f * v + c, delta = den < 0.0f ? 0.5f * (a - c) / den : 0.0f;
    delta = fminf(fmaxf(delta, -0.5f), 0.5f);
    *amp = v - 0.25f * (a - c) * delta;
    return delta;
}

/* The preamble slot of a root (0 .. per_root - 1) whose window [-early, N_CS - early) lags holds a peak at lag
 * `lag` (0 .. L_RA), and its delay in lags; -1 in the lags no preamble uses. Slot s peaks at (delay - C_v) mod
 * L_RA, C_v = s N_CS. */
static int slot_of_lag(const struct prach_params *p, double early, double lag, double *delay)
{
    double l = p->l_ra, t = fmod(lag + early, l);
    if (t < 0.0)
        t += l;
    if (p->n_cs == 0 || t < p->n_cs) {
        *delay = t - early;
        return 0;
    }
    int s = (int)ceil((l - t) / p->n_cs);
    double into = t + (double)s * p->n_cs - l;   /* delay + early, 0 .. N_CS */
    if (s >= p->per_root || into < 0.0 || into >= p->n_cs)
        return -1;
    *delay = into - early;
    return s;
}

/* Whether peak i sits where a stronger peak of the same root casts a ghost: at +-k d_u lags (k = 1..48, within
 * GHOST_TOLERANCE) and weaker by the margin a ghost of that order has (amplitude about 1 / (pi k) of the peak or
 * less in theory; with the taper and a deep cut up to power 3 / k^2 of it, never more than half). d_u is the lag
 * shift of a ZC correlation per subcarrier of frequency shift (38.211 6.3.3.1: q u = 1 mod L_RA). A frequency
 * offset, or a preamble cut short in time, spreads the true peak onto these lags: a CFO of a tenth of Delta f_RA
 * to about -19 dB, a third of the preamble missing to -6 dB; far above the noise at high SNR, they would read as
 * other preambles (this is why restricted sets exist for high speed). A real second preamble of the same root at
 * such a lag and that much weaker is lost with them (near-far within one root). */
static bool is_ghost(const struct peak *pk, const double *lag, int np, int i, int l, int du)
{
    for (int j = 0; j < np; j++) {
        if (pk[i].pow >= GHOST_MARGIN * pk[j].pow)
            continue;
        for (int k = 1; k <= GHOST_ORDERS; k++)
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                if (pk[i].pow >= fminf(GHOST_MARGIN, GHOST_SCALE / (float)(k * k)) * pk[j].pow)
                    break;
                double dist = fmod(lag[i] - lag[j] - sgn * k * du + 2.0 * l, (double)l);
                if (dist < GHOST_TOLERANCE || dist > l - GHOST_TOLERANCE)
                    return true;
            }
    }
    return false;
}

/* One root: correlation, noise, peaks -> at most one detection per preamble window, appended to res in
 * increasing preamble order (max_res 0: none). Returns the new count; *noise_out gets the noise estimate
 * (correlation power). d->corr_pow keeps the root's correlation power. robust (the cancellation passes): the
 * noise estimate starts from the lowest of the plain mean, the robust floor and, with known (the root's
 * cancellation candidates), the mean without their lags; else from the plain mean (one pass over the bins for
 * the roots without a peak). */
static int detect_root_known(struct prach_detector *d, int r, const cf_t *bins, double scale,
                             struct prach_detection *res, int nres, int max_res, float *noise_out, bool robust,
                             const struct peak *known, int n_known)
{
    const struct prach_params *p = &d->p;
    int l = p->l_ra, m = d->corr_size;
    const cf_t *rc = d->root_conj + (size_t)r * l;
    /* Written out in real arithmetic: a C complex product would check for NaN/inf and call __mulsc3. */
    const float *x = (const float *)bins, *y = (const float *)rc;
    float *out = (float *)d->corr_in;
    for (int k = 0; k < 2 * l; k += 2) {
        out[k] = x[k] * y[k] - x[k + 1] * y[k + 1];
        out[k + 1] = x[k] * y[k + 1] + x[k + 1] * y[k];
    }
    fftwf_execute(d->corr_idft);
    /* Power, sum and maximum in loops the compiler vectorises (M is a power of two >= 256). */
    float *pw = d->corr_pow, top = 0.0f;
    const float *zc = (const float *)d->corr_out;
    for (int b = 0; b < m; b++)
        pw[b] = zc[2 * b] * zc[2 * b] + zc[2 * b + 1] * zc[2 * b + 1];
    float acc[8] = { 0 }, hi[8] = { 0 };
    for (int b = 0; b < m; b += 8)
        for (int j = 0; j < 8; j++) {
            acc[j] += pw[b + j];
            hi[j] = pw[b + j] > hi[j] ? pw[b + j] : hi[j];
        }
    double total = 0.0;
    for (int j = 0; j < 8; j++) {
        total += acc[j];
        top = hi[j] > top ? hi[j] : top;
    }
    d->root_top = top;
    float noise = (float)(total / m);
    /* Many peaks lift the plain mean: the robust floor (corr_out is free now), the mean without the candidates. */
    if (robust) {
        noise = fminf(noise, robust_floor(pw, m, (float *)d->corr_out));
        if (n_known > 0)
            noise = fminf(noise, noise_away_from(pw, d->mask, m, known, n_known, (EXCLUDE_LAGS * m + l - 1) / l,
                                                 total));
        noise = fmaxf(noise, SIC_NOISE_MARGIN * d->sic_noise);   /* never under the noise alone */
    }
    /* Nothing above threshold x the plain mean: no peak to leave out of it, so no detection (most roots). */
    if (!(top > d->threshold * noise)) {
        *noise_out = noise;
        return nres;
    }
    /* Noise: the mean away from the peaks above threshold, refined twice (a strong peak inflates the first
     * mean and hides weaker peaks). */
    struct peak pk[2 * PRACH_NUM_PREAMBLES];
    int ex = (EXCLUDE_LAGS * m + l - 1) / l, np = 0;
    for (int pass = 0; pass < 3; pass++) {
        np = local_maxima(pw, m, d->threshold * noise, pk, 2 * PRACH_NUM_PREAMBLES);
        if (pass < 2)
            noise = noise_away_from(pw, d->mask, m, pk, np, ex, total);
        if (robust)
            noise = fmaxf(noise, SIC_NOISE_MARGIN * d->sic_noise);
    }
    *noise_out = noise;
    if (!(noise > 0.0f) || np == 0)
        return nres;
    float strongest = 0.0f;
    for (int i = 0; i < np; i++)
        strongest = fmaxf(strongest, pk[i].pow);
    if (robust)   /* a view without the occasion's strongest preamble: 30 dB under that one still */
        strongest = fmaxf(strongest, d->sic_top);
    /* Peaks placed by the fit; ghosts dropped; each remaining peak goes to the window its lag falls in, the
     * strongest one of a window winning. */
    double lag[2 * PRACH_NUM_PREAMBLES];
    float amp[2 * PRACH_NUM_PREAMBLES];
    for (int i = 0; i < np; i++)
        lag[i] = ((double)pk[i].bin + peak_fit(pw, m, pk[i].bin, &amp[i])) * l / m;
    int best[PRACH_NUM_PREAMBLES];
    double best_delay[PRACH_NUM_PREAMBLES];
    for (int s = 0; s < p->per_root && s < PRACH_NUM_PREAMBLES; s++)
        best[s] = -1;
    for (int i = 0; i < np; i++) {
        if (pk[i].pow < RELATIVE_FLOOR * strongest || is_ghost(pk, lag, np, i, l, d->root_du[r]))
            continue;
        double delay;
        int s = slot_of_lag(p, d->early_lags, lag[i], &delay);
        if (s < 0 || r * p->per_root + s >= d->cfg.nof_preambles)
            continue;
        if (best[s] < 0 || pk[i].pow > pk[best[s]].pow) {
            best[s] = i;
            best_delay[s] = delay;
        }
    }
    double taper2 = (double)d->taper_sum * d->taper_sum;
    double nse = (double)noise * d->taper_gain / taper2;   /* per subcarrier of the combined repetitions */
    for (int s = 0; s < p->per_root && s < PRACH_NUM_PREAMBLES && nres < max_res; s++) {
        if (best[s] < 0)
            continue;
        double samples = best_delay[s] * p->fft_size / l;
        double sig = (double)amp[best[s]] * amp[best[s]] / taper2;
        res[nres++] = (struct prach_detection){
            .preamble_index = r * p->per_root + s,
            .delay_samples = (float)samples,
            .ta_us = (float)(samples / d->cfg.prach.sample_rate_hz * 1e6),
            .power = (float)(sig * scale),
            .snr_db = (float)(10.0 * log10(sig / nse)),
        };
    }
    return nres;
}

static int detect_root(struct prach_detector *d, int r, const cf_t *bins, double scale, struct prach_detection *res,
                       int nres, int max_res, float *noise_out)
{
    return detect_root_known(d, r, bins, scale, res, nres, max_res, noise_out, false, NULL, 0);
}

/* The projection of x on candidate (r, lag): (1 / L) sum_k x(k) conj(y_u(k) / sqrt(L)) e^{+j 2 pi k lag / L},
 * y_u(k) / sqrt(L) = conj(root_conj(k)) / w_k (unit modulus). */
static cf_t project(const struct prach_detector *d, int r, const cf_t *x, double lag)
{
    int l = d->p.l_ra;
    const cf_t *rc = d->root_conj + (size_t)r * l;
    double step_re = cos(2.0 * M_PI * lag / l), step_im = sin(2.0 * M_PI * lag / l), e_re = 1.0, e_im = 0.0;
    double acc_re = 0.0, acc_im = 0.0;
    for (int k = 0; k < l; k++) {
        /* x conj(y) e = x rc e / w */
        double a_re = crealf(x[k]) * crealf(rc[k]) - cimagf(x[k]) * cimagf(rc[k]);
        double a_im = crealf(x[k]) * cimagf(rc[k]) + cimagf(x[k]) * crealf(rc[k]);
        acc_re += (a_re * e_re - a_im * e_im) * d->inv_taper[k];
        acc_im += (a_re * e_im + a_im * e_re) * d->inv_taper[k];
        double t = e_re * step_re - e_im * step_im;
        e_im = e_re * step_im + e_im * step_re;
        e_re = t;
    }
    return (float)(acc_re / l) + I * (float)(acc_im / l);
}

/* x += sign g y_u(k) / sqrt(L) e^{-j 2 pi k lag / L} (the candidate's bins). */
static void add_candidate(const struct prach_detector *d, const struct prach_sic_cand *c, cf_t *x, float sign)
{
    int l = d->p.l_ra;
    const cf_t *rc = d->root_conj + (size_t)c->root * l;
    double step_re = cos(2.0 * M_PI * c->lag / l), step_im = -sin(2.0 * M_PI * c->lag / l), e_re = 1.0, e_im = 0.0;
    double g_re = sign * crealf(c->g), g_im = sign * cimagf(c->g);
    for (int k = 0; k < l; k++) {
        double y_re = crealf(rc[k]) * d->inv_taper[k], y_im = -cimagf(rc[k]) * d->inv_taper[k];   /* conj(rc) / w */
        double gy_re = g_re * y_re - g_im * y_im, gy_im = g_re * y_im + g_im * y_re;
        x[k] += (float)(gy_re * e_re - gy_im * e_im) + I * (float)(gy_re * e_im + gy_im * e_re);
        double t = e_re * step_re - e_im * step_im;
        e_im = e_re * step_im + e_im * step_re;
        e_re = t;
    }
}

/* The strongest local maximum of d->corr_pow (root r) over level, 0 when none (*bin_out: its bin); with ex >= 0
 * none within ex bins of a candidate of the same root already taken, with det none whose preamble window is
 * among the root's detections det[0 .. n). */
static float strongest_peak(const struct prach_detector *d, int r, float level, int ex,
                            const struct prach_detection *det, int n, int *bin_out)
{
    const float *pw = d->corr_pow;
    int m = d->corr_size, l = d->p.l_ra;
    float best = 0.0f;
    for (int b = 0; b < m; b++) {
        float v = pw[b];
        if (v <= level || v <= best || v < pw[(b + m - 1) % m] || v <= pw[(b + 1) % m])
            continue;
        bool skip = false;
        for (int i = 0; ex >= 0 && i < d->nof_cand && !skip; i++) {
            double cb = d->cand[i].lag * m / l, dist = fabs(fmod(cb - b + 1.5 * m, (double)m) - 0.5 * m);
            skip = d->cand[i].root == r && dist <= ex;
        }
        double delay;
        int s = det ? slot_of_lag(&d->p, d->early_lags, (double)b * l / m, &delay) : -1;
        for (int i = 0; i < n && s >= 0 && !skip; i++)
            skip = det[i].preamble_index == r * d->p.per_root + s;
        if (skip)
            continue;
        best = v;
        *bin_out = b;
    }
    return best;
}

/* The noise alone per bin (prach.h): the repetitions of the occasion's N_u part with alternating signs, where
 * every preamble cancels (38.211 6.3.3.1: each repetition carries the same sequence) and the noise keeps the
 * plain sum's power; adjacent repetitions pair up, so a CFO leaves little of the signal. -1 without an even
 * number of repetitions or without the samples (prach_detect_bins). One more N-point DFT. */
static double noise_alone(struct prach_detector *d)
{
    const struct prach_params *p = &d->p;
    if (!d->sic_in || p->n_rep < 2 || p->n_rep % 2 != 0)
        return -1.0;
    int nfft = p->fft_size;
    for (int i = 0; i < nfft; i++) {
        cf_t acc = 0.0f;
        for (int r = 0; r < p->n_rep; r += 2)
            acc += d->sic_in[(size_t)r * nfft + i] - d->sic_in[(size_t)(r + 1) * nfft + i];
        d->half_time[i] = acc;
    }
    fftwf_execute_dft(d->dft, (fftwf_complex *)d->half_time, (fftwf_complex *)d->half_freq);
    float scale = (float)(1.0 / (p->n_rep * sqrt((double)nfft)));
    double e = 0.0;
    for (int k = 0; k < p->l_ra; k++) {
        cf_t v = d->half_freq[(p->first_bin + k) % nfft] * scale;
        e += (double)crealf(v) * crealf(v) + (double)cimagf(v) * cimagf(v);
    }
    return e / p->l_ra;
}

/* Candidate level of a root: SIC_CANDIDATE x its floor, threshold x the noise alone (correlation units), and
 * RELATIVE_FLOOR under the strongest peak of the occasion. */
static float candidate_level(const struct prach_detector *d, float floor)
{
    return fmaxf(fmaxf(SIC_CANDIDATE * floor, d->threshold * d->sic_noise), RELATIVE_FLOOR * d->sic_top);
}

/* Candidate c on d->resid (c itself added back first): its lag refined to the maximum of the projection within
 * +-half lags of centre (golden section), its amplitude the projection at that lag; then subtracted again. */
static void fit_candidate(struct prach_detector *d, struct prach_sic_cand *c, double centre, double half, int steps)
{
    int l = d->p.l_ra, r = c->root;
    const double phi = 0.6180339887498949;
    double lo = centre - half, hi = centre + half;
    double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
    float f1 = cabsf(project(d, r, d->resid, x1)), f2 = cabsf(project(d, r, d->resid, x2));
    for (int i = 0; i < steps; i++) {
        if (f1 > f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - phi * (hi - lo);
            f1 = cabsf(project(d, r, d->resid, x1));
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + phi * (hi - lo);
            f2 = cabsf(project(d, r, d->resid, x2));
        }
    }
    c->lag = fmod(0.5 * (lo + hi) + l, (double)l);
    c->g = project(d, r, d->resid, c->lag);
    add_candidate(d, c, d->resid, -1.0f);
}

/* Takes the candidate of root r at correlation bin b (d->corr_pow) off d->resid, then fits every candidate again
 * with the others taken off (two Gauss-Seidel sweeps: the first estimates carried the later candidates'
 * interference). */
static void take_candidate(struct prach_detector *d, int r, int b)
{
    int m = d->corr_size, l = d->p.l_ra;
    float amp;
    double centre = ((double)b + peak_fit(d->corr_pow, m, b, &amp)) * l / m;
    struct prach_sic_cand *c = &d->cand[d->nof_cand++];
    *c = (struct prach_sic_cand){ .root = r, .lag = centre };
    fit_candidate(d, c, centre, 0.5 * l / m, SIC_REFINE_STEPS);
    for (int sweep = 0; sweep < 2 && d->nof_cand > 1; sweep++)
        for (int i = 0; i < d->nof_cand; i++) {
            add_candidate(d, &d->cand[i], d->resid, 1.0f);
            fit_candidate(d, &d->cand[i], d->cand[i].lag, 0.125 * l / m, SIC_SWEEP_STEPS);
        }
}

/* Successive interference cancellation (prach.h): candidates off d->resid one at a time, the strongest of all
 * roots first, until none is left. */
static void cancel_candidates(struct prach_detector *d, double scale)
{
    int m = d->corr_size, l = d->p.l_ra, ex = (int)ceil(SIC_EXCLUDE_LAGS * m / l);
    while (d->nof_cand < SIC_MAX_STEPS) {
        int best_r = -1, best_b = 0;
        float best = 0.0f;
        for (int r = 0; r < d->nof_roots_searched; r++) {
            float floor;
            detect_root_known(d, r, d->resid, scale, NULL, 0, 0, &floor, true, NULL, 0);
            int b = 0;
            float v = strongest_peak(d, r, candidate_level(d, floor), ex, NULL, 0, &b);
            if (v > best) {
                best = v;
                best_r = r;
                best_b = b;
            }
        }
        if (best_r < 0)
            break;
        detect_root_known(d, best_r, d->resid, scale, NULL, 0, 0, &(float){ 0 }, true, NULL, 0);   /* again */
        take_candidate(d, best_r, best_b);
    }
}

/* Detection on d->bins (normalised in place). */
static int detect_in_place(struct prach_detector *d, struct prach_detection *res, int max_res)
{
    int l = d->p.l_ra;
    d->last_noise = 0.0f;
    if (!res || max_res < 0)
        return -EINVAL;
    /* Normalise to unit mean power per bin: detection is scale-free, and saturated or tiny inputs stay finite. */
    double energy = 0.0;
    for (int k = 0; k < l; k++)
        energy += (double)crealf(d->bins[k]) * crealf(d->bins[k]) + (double)cimagf(d->bins[k]) * cimagf(d->bins[k]);
    if (!isfinite(energy))
        return -EINVAL;
    if (energy <= 0.0 || energy / l < 1e-30)
        return 0;
    double mean = energy / l;
    float norm = (float)(1.0 / sqrt(mean));
    for (int k = 0; k < l; k++)
        d->bins[k] *= norm;
    int nres = 0, m = d->corr_size;
    double noise_sum = 0.0;
    float hidden[PRACH_NUM_PREAMBLES], hidden_max = 0.0f;   /* per root: its strongest undetected peak */
    bool sic_possible = d->sic_in && d->p.n_rep >= 2 && d->p.n_rep % 2 == 0 && d->nof_roots_searched > 1;
    d->nof_cand = 0;
    d->sic_steps = 0;
    d->sic_top = 0.0f;
    d->sic_noise = 0.0f;
    for (int r = 0; r < d->nof_roots_searched; r++) {
        float noise = 0.0f;
        int before = nres;
        nres = detect_root(d, r, d->bins, mean, res, nres, max_res, &noise);
        noise_sum += noise;
        d->sic_top = fmaxf(d->sic_top, d->root_top);
        /* a peak well over the floor that is not a detection: a preamble the other roots' preambles may hide */
        int b;
        hidden[r] = sic_possible && d->root_top > SIC_TRIGGER * noise
                        ? strongest_peak(d, r, SIC_TRIGGER * noise, -1, res + before, nres - before, &b) : 0.0f;
        hidden_max = fmaxf(hidden_max, hidden[r]);
    }
    bool unconfirmed = false;
    if (hidden_max > RELATIVE_FLOOR * d->sic_top && (d->noise_bins = noise_alone(d)) >= 0.0) {
        /* the noise alone in correlation power: its mean is noise x sum w^2; a hidden peak must pass it */
        d->sic_noise = (float)fmin(d->noise_bins / mean, 1.0) * d->taper_sum * d->taper_sum / d->taper_gain;
        for (int r = 0; r < d->nof_roots_searched; r++)
            unconfirmed |= hidden[r] > candidate_level(d, 0.0f);
    }
    if (unconfirmed) {
        /* the others' preambles off each root's view: detect again; the first pass's detections stand too */
        struct prach_detection first[PRACH_MAX_DETECTIONS];
        int n_first = nres < PRACH_MAX_DETECTIONS ? nres : PRACH_MAX_DETECTIONS;
        memcpy(first, res, (size_t)n_first * sizeof(first[0]));
        memcpy(d->resid, d->bins, (size_t)l * sizeof(cf_t));
        cancel_candidates(d, mean);
        d->sic_steps = d->nof_cand;
        nres = 0;
        noise_sum = 0.0;
        for (int r = 0; r < d->nof_roots_searched; r++) {
            memcpy(d->view, d->resid, (size_t)l * sizeof(cf_t));
            struct peak known[SIC_MAX_STEPS];
            int n_known = 0;
            for (int i = 0; i < d->nof_cand; i++)
                if (d->cand[i].root == r) {
                    add_candidate(d, &d->cand[i], d->view, 1.0f);
                    known[n_known++] = (struct peak){ (int)lround(d->cand[i].lag * m / l) % m, 0.0f };
                }
            float noise = 0.0f;
            int before = nres;
            nres = detect_root_known(d, r, d->view, mean, res, nres, max_res, &noise, true, known, n_known);
            noise_sum += noise;
            /* a preamble of this root the first pass found and this one did not: kept, in preamble order */
            for (int i = 0; i < n_first && nres < max_res; i++) {
                if (first[i].preamble_index / d->p.per_root != r)
                    continue;
                bool again = false;
                for (int k = before; k < nres; k++)
                    again |= res[k].preamble_index == first[i].preamble_index;
                if (again)
                    continue;
                int at = nres++;
                while (at > before && res[at - 1].preamble_index > first[i].preamble_index) {
                    res[at] = res[at - 1];
                    at--;
                }
                res[at] = first[i];
            }
        }
    }
    d->last_noise = (float)(noise_sum / d->nof_roots_searched * d->taper_gain /
                            ((double)d->taper_sum * d->taper_sum) * d->p.n_rep * mean);
    return nres;
}

int prach_detect_bins(struct prach_detector *d, const cf_t *bins, struct prach_detection *res, int max_res)
{
    if (!bins)
        return -EINVAL;
    d->sic_in = NULL;   /* no repetitions to measure the noise alone from */
    memcpy(d->bins, bins, (size_t)d->p.l_ra * sizeof(cf_t));
    return detect_in_place(d, res, max_res);
}

/* The first half of the N_u part alone (its repetitions summed; one repetition: zero-padded) through the same
 * DFT: by linearity the second half's bins are the whole's minus these. Returns false when the PRACH band's energy
 * of the two halves differs by more than STATIONARY_RATIO: part of the occasion is missing (lost or blanked
 * samples, a preamble cut short), and a cut preamble's correlation has ghost peaks at other cyclic shifts, a few
 * dB under the true one, that would read as other preambles. The outer tenths of the band are left out: the
 * half window's leakage from strong neighbouring channels lands there. */
static bool in_band_stationary(struct prach_detector *d, const cf_t *in)
{
    const struct prach_params *p = &d->p;
    int nfft = p->fft_size, half = p->n_u / 2;
    memset(d->half_time, 0, (size_t)nfft * sizeof(cf_t));
    for (int j = 0; j < half; j++)
        d->half_time[j % nfft] += in[j];
    fftwf_execute_dft(d->dft, (fftwf_complex *)d->half_time, (fftwf_complex *)d->half_freq);
    double e0 = 0.0, e1 = 0.0;
    for (int k = p->l_ra / 10; k < p->l_ra - p->l_ra / 10; k++) {
        int b = (p->first_bin + k) % nfft;
        cf_t x0 = d->half_freq[b], x1 = d->freq[b] - x0;
        e0 += (double)crealf(x0) * crealf(x0) + (double)cimagf(x0) * cimagf(x0);
        e1 += (double)crealf(x1) * crealf(x1) + (double)cimagf(x1) * cimagf(x1);
    }
    return e0 <= STATIONARY_RATIO * e1 && e1 <= STATIONARY_RATIO * e0;
}

int prach_detect(struct prach_detector *d, const cf_t *samples, size_t n, const struct prach_time_occasion *occ,
                 struct prach_detection *res, int max_res)
{
    const struct prach_params *p = &d->p;
    int total = prach_detector_nof_samples(d, occ);
    if (total < 0 || !samples || n < (size_t)total)
        return -EINVAL;
    int cp = total - p->n_u, nfft = p->fft_size;
    const cf_t *in = samples + cp;
    /* The N_u part's repetitions summed: one DFT for all of them (coherent combining). */
    for (int i = 0; i < nfft; i++) {
        cf_t acc = in[i];
        for (int r = 1; r < p->n_rep; r++)
            acc += in[(size_t)r * nfft + i];
        if (!isfinite(crealf(acc)) || !isfinite(cimagf(acc)))
            return -EINVAL;
        d->time[i] = acc;
    }
    fftwf_execute(d->dft);
    if (!in_band_stationary(d, in))
        return -EBADMSG;
    float scale = (float)(1.0 / (p->n_rep * sqrt((double)nfft)));
    for (int k = 0; k < p->l_ra; k++)
        d->bins[k] = d->freq[(p->first_bin + k) % nfft] * scale;
    d->sic_in = in;   /* for noise_alone(), during this call */
    int rc = detect_in_place(d, res, max_res);
    d->sic_in = NULL;
    return rc;
}
