/* PRACH parameters and the preamble generator (UE direction). See prach.h; the detector is in prach_detector.c. */
#include "phy/ch/prach.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "phy/seq/zc.h"

#define PRACH_MAX_PRB 275
#define PRACH_MAX_FFT (1 << 17)     /* format 0 at 122.88 Msps needs 98304 */

/* Whole number of samples of a kappa length, or -EINVAL. */
static int samples_of(int32_t kappa, double fs) { return prach_kappa_to_samples(kappa, fs); }

/* Delta f_RA and the numerology of the PRACH's N_u / N_CP (short formats scale by 2^-mu). */
static int ra_spacing(const struct prach_cfg *cfg, const struct prach_format_params *f, int *mu)
{
    if (f->l_ra == PRACH_L_LONG) {
        *mu = 0;
        return f->delta_f_ra_hz;
    }
    if (cfg->ra_scs_khz != 15 && cfg->ra_scs_khz != 30)
        return -EINVAL;
    *mu = cfg->ra_scs_khz == 30 ? 1 : 0;
    return cfg->ra_scs_khz * 1000;
}

static int freq_placement(struct prach_params *p, const struct prach_cfg *cfg)
{
    int n_rb_ra = 0;
    int kbar = prach_kbar(p->l_ra, p->delta_f_ra_hz, cfg->scs_khz, &n_rb_ra);
    if (kbar < 0 || cfg->bwp_start < 0 || cfg->msg1_frequency_start < 0 || cfg->fdm_index < 0 ||
        cfg->fdm_index > 7)
        return -EINVAL;
    int first_prb = cfg->bwp_start + cfg->msg1_frequency_start + cfg->fdm_index * n_rb_ra;
    if (first_prb + n_rb_ra > cfg->nof_prb)
        return -EINVAL;
    /* 38.211 5.3.2: k1 in subcarriers of Delta f (one numerology: k_0^mu = 0), then K k1 in Delta f_RA. */
    long k1 = 12L * first_prb - 6L * cfg->nof_prb;
    long scs_hz = cfg->scs_khz * 1000L;
    if ((k1 * scs_hz) % p->delta_f_ra_hz != 0)
        return -EINVAL;
    p->freq_offset = (int)(k1 * scs_hz / p->delta_f_ra_hz) + kbar;
    /* The PRACH subcarriers must lie inside the N-point DFT's band. */
    if (p->freq_offset < -p->fft_size / 2 || p->freq_offset + p->l_ra > p->fft_size / 2)
        return -EINVAL;
    p->first_bin = (p->freq_offset % p->fft_size + p->fft_size) % p->fft_size;
    return 0;
}

int prach_params_init(struct prach_params *p, const struct prach_cfg *cfg)
{
    memset(p, 0, sizeof(*p));
    const struct prach_format_params *f = prach_format_params(cfg->format);
    double fs = cfg->sample_rate_hz;
    if (!f || !isfinite(fs) || fs <= 0.0 || cfg->nof_prb < 1 || cfg->nof_prb > PRACH_MAX_PRB ||
        (cfg->scs_khz != 15 && cfg->scs_khz != 30))
        return -EINVAL;
    int mu = 0;
    p->l_ra = f->l_ra;
    p->delta_f_ra_hz = ra_spacing(cfg, f, &mu);
    if (p->delta_f_ra_hz < 0)
        return -EINVAL;
    double n = fs / p->delta_f_ra_hz;
    if (n > PRACH_MAX_FFT || fabs(n - nearbyint(n)) > 1e-6 || nearbyint(n) < 2 * p->l_ra)
        return -EINVAL;
    p->fft_size = (int)nearbyint(n);
    p->n_u = samples_of(f->n_u_kappa >> mu, fs);
    p->n_cp = samples_of(f->n_cp_kappa >> mu, fs);
    if (p->n_u < 0 || p->n_cp < 0 || p->n_u % p->fft_size != 0)
        return -EINVAL;
    p->n_rep = p->n_u / p->fft_size;
    p->n_cs = prach_n_cs(cfg->format, PRACH_SET_UNRESTRICTED, cfg->zero_correlation_zone);
    if (p->n_cs < 0 || cfg->root_sequence_index < 0 || cfg->root_sequence_index >= p->l_ra - 1)
        return -EINVAL;
    p->per_root = prach_preambles_per_root(p->l_ra, p->n_cs);
    p->nof_roots = prach_nof_roots(p->l_ra, p->n_cs);
    return freq_placement(p, cfg);
}

int prach_nof_samples(const struct prach_params *p, double sample_rate_hz, const struct prach_time_occasion *occ)
{
    int cp = occ ? samples_of(occ->cp_kappa, sample_rate_hz) : p->n_cp;
    /* An occasion adds 16 kappa per half-subframe start it spans (at most two); more means another format. */
    if (cp < p->n_cp || cp > p->n_cp + samples_of(32, sample_rate_hz))
        return -EINVAL;
    return cp + p->n_u;
}

void prach_generator_free(struct prach_generator *g)
{
    if (g->dft)
        fftwf_destroy_plan(g->dft);
    if (g->idft)
        fftwf_destroy_plan(g->idft);
    fftwf_free(g->seq);
    fftwf_free(g->freq);
    fftwf_free(g->time);
    memset(g, 0, sizeof(*g));
}

int prach_generator_init(struct prach_generator *g, const struct prach_cfg *cfg)
{
    memset(g, 0, sizeof(*g));
    if (prach_params_init(&g->p, cfg) < 0)
        return -EINVAL;
    g->cfg = *cfg;
    int l = g->p.l_ra, n = g->p.fft_size;
    g->seq = fftwf_malloc((size_t)l * sizeof(cf_t));
    g->freq = fftwf_malloc((size_t)n * sizeof(cf_t));
    g->time = fftwf_malloc((size_t)n * sizeof(cf_t));
    if (!g->seq || !g->freq || !g->time) {
        prach_generator_free(g);
        return -ENOMEM;
    }
    g->dft = fftwf_plan_dft_1d(l, (fftwf_complex *)g->seq, (fftwf_complex *)g->seq, FFTW_FORWARD, FFTW_ESTIMATE);
    g->idft = fftwf_plan_dft_1d(n, (fftwf_complex *)g->freq, (fftwf_complex *)g->time, FFTW_BACKWARD,
                                FFTW_ESTIMATE);
    if (!g->dft || !g->idft) {
        prach_generator_free(g);
        return -ENOMEM;
    }
    memset(g->freq, 0, (size_t)n * sizeof(cf_t));
    return 0;
}

int prach_generate(struct prach_generator *g, int preamble_index, const struct prach_time_occasion *occ,
                   cf_t *out)
{
    const struct prach_params *p = &g->p;
    int total = prach_nof_samples(p, g->cfg.sample_rate_hz, occ);
    int u, c_v;
    if (total < 0 || prach_preamble_root(p->l_ra, g->cfg.root_sequence_index, p->n_cs, preamble_index, &u, &c_v))
        return -EINVAL;
    int l = p->l_ra, n = p->fft_size, cp = total - p->n_u;
    /* 38.211 6.3.3.1: y_{u,v} = DFT of x_{u,v}; unit energy per subcarrier, and the 1 / sqrt(N) IDFT. */
    zc_sequence(l, u, c_v, g->seq);
    fftwf_execute(g->dft);
    float scale = (float)(1.0 / sqrt((double)l * (double)n));
    for (int k = 0; k < l; k++)
        g->freq[(p->first_bin + k) % n] = g->seq[k] * scale;
    fftwf_execute(g->idft);
    for (int k = 0; k < l; k++)
        g->freq[(p->first_bin + k) % n] = 0.0f;
    /* 5.3.2: time is counted from the end of the CP, so CP sample i is the periodic signal at i - N_CP. */
    for (int i = 0; i < cp; i++)
        out[i] = g->time[((i - cp) % n + n) % n];
    for (int r = 0; r < p->n_rep; r++)
        memcpy(out + cp + (size_t)r * n, g->time, (size_t)n * sizeof(cf_t));
    return total;
}
