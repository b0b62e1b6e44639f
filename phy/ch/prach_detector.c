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
    if (!d->time || !d->freq || !d->corr_in || !d->corr_out || !d->root_conj || !d->bins || !d->corr_pow ||
        !d->mask || !d->half_time || !d->half_freq) {
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
 * increasing preamble order. Returns the new count; *noise_out gets the noise estimate (correlation power). */
static int detect_root(struct prach_detector *d, int r, double scale, struct prach_detection *res, int nres,
                       int max_res, float *noise_out)
{
    const struct prach_params *p = &d->p;
    int l = p->l_ra, m = d->corr_size;
    const cf_t *rc = d->root_conj + (size_t)r * l;
    /* Written out in real arithmetic: a C complex product would check for NaN/inf and call __mulsc3. */
    const float *x = (const float *)d->bins, *y = (const float *)rc;
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
    float noise = (float)(total / m);
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
    }
    *noise_out = noise;
    if (!(noise > 0.0f) || np == 0)
        return nres;
    float strongest = 0.0f;
    for (int i = 0; i < np; i++)
        strongest = fmaxf(strongest, pk[i].pow);
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
    int nres = 0;
    double noise_sum = 0.0;
    for (int r = 0; r < d->nof_roots_searched; r++) {
        float noise = 0.0f;
        nres = detect_root(d, r, mean, res, nres, max_res, &noise);
        noise_sum += noise;
    }
    d->last_noise = (float)(noise_sum / d->nof_roots_searched * d->taper_gain /
                            ((double)d->taper_sum * d->taper_sum) * d->p.n_rep * mean);
    return nres;
}

int prach_detect_bins(struct prach_detector *d, const cf_t *bins, struct prach_detection *res, int max_res)
{
    if (!bins)
        return -EINVAL;
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
    return detect_in_place(d, res, max_res);
}
