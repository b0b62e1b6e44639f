/* OFDM modulation and demodulation with the 38.211 5.4 phase term. See ofdm.h. */
#include "phy/ofdm/ofdm.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <string.h>

#define OFDM_MAX_PRB 275     /* 38.101-1 Table 5.3.2-1 */
#define OFDM_MAX_FFT 65536   /* far above any FR1 carrier; bounds the sample-rate arithmetic */

static int mu_of_scs(int scs_khz)
{
    for (int mu = 0; mu <= OFDM_MAX_MU; mu++)
        if (scs_khz == 15 << mu)
            return mu;
    return -1;
}

/* N = fs / SCS, or -EINVAL unless it is a whole multiple of 128 holding the carrier. */
static int fft_size_of(const struct ofdm_config *cfg)
{
    double fs = cfg->sample_rate_hz, scs = cfg->scs_khz * 1000.0;
    if (!isfinite(fs) || fs <= 0.0 || fs > scs * OFDM_MAX_FFT)
        return -EINVAL;
    double n = nearbyint(fs / scs);
    if (fabs(n * scs - fs) > 1e-3)
        return -EINVAL;
    int fft = (int)n;
    /* 144 N / 2048 and 16 2^mu N / 2048 samples must be whole: N a multiple of 128. */
    if (fft % 128 != 0 || fft < 12 * cfg->nof_prb)
        return -EINVAL;
    return fft;
}

static int config_check(const struct ofdm_config *cfg)
{
    if (mu_of_scs(cfg->scs_khz) < 0 || cfg->nof_prb < 1 || cfg->nof_prb > OFDM_MAX_PRB)
        return -EINVAL;
    if (!isfinite(cfg->f0_hz) || fabs(cfg->f0_hz) > 1e11)
        return -EINVAL;
    if (cfg->direction != OFDM_DIRECTION_TX && cfg->direction != OFDM_DIRECTION_RX)
        return -EINVAL;
    return fft_size_of(cfg) < 0 ? -EINVAL : 0;
}

/* 38.211 5.3.1 CP lengths and symbol starts, and the 5.4 phase factor of every symbol of the subframe. */
static void timing_init(struct ofdm *o)
{
    int n = o->fft_size;
    int cp = 144 * n / 2048, extra = (16 << o->mu) * n / 2048;
    int start = 0;
    double fs = o->cfg.sample_rate_hz, f0 = o->cfg.f0_hz, scale = 1.0 / sqrt((double)n);
    for (int l = 0; l < o->symbols_per_subframe; l++) {
        o->cp_len[l] = cp + (l % (7 << o->mu) == 0 ? extra : 0);
        o->symbol_start[l] = start;
        /* t_start,l + N_CP,l Tc = (start + cp_len) / fs exactly. f0 (start + cp_len) stays below 2^53 for any
         * integer f0, so the fmod leaves the phase exact to double rounding, whatever the magnitude of f0 t. */
        double useful = (double)(start + o->cp_len[l]);
        double cycles = fmod(f0 * useful, fs) / fs;
        double arg = -2.0 * M_PI * cycles;
        if (o->cfg.direction == OFDM_DIRECTION_RX)
            arg = -arg;
        o->factor[l] = (float)(scale * cos(arg)) + I * (float)(scale * sin(arg));
        start += o->cp_len[l] + n;
    }
}

int ofdm_init(struct ofdm *o, const struct ofdm_config *cfg)
{
    memset(o, 0, sizeof(*o));
    if (config_check(cfg) < 0)
        return -EINVAL;
    o->cfg = *cfg;
    o->mu = mu_of_scs(cfg->scs_khz);
    o->fft_size = fft_size_of(cfg);
    o->nof_sc = 12 * cfg->nof_prb;
    o->symbols_per_subframe = OFDM_SYMBOLS_PER_SLOT << o->mu;
    timing_init(o);

    size_t bytes = (size_t)o->fft_size * sizeof(cf_t);
    o->freq = fftwf_malloc(bytes);
    o->time = fftwf_malloc(bytes);
    if (!o->freq || !o->time) {
        ofdm_free(o);
        return -ENOMEM;
    }
    unsigned flags = cfg->fftw_measure ? FFTW_MEASURE : FFTW_ESTIMATE;
    if (cfg->direction == OFDM_DIRECTION_TX)
        o->plan = fftwf_plan_dft_1d(o->fft_size, (fftwf_complex *)o->freq, (fftwf_complex *)o->time,
                                    FFTW_BACKWARD, flags);
    else
        o->plan = fftwf_plan_dft_1d(o->fft_size, (fftwf_complex *)o->time, (fftwf_complex *)o->freq,
                                    FFTW_FORWARD, flags);
    if (!o->plan) {
        ofdm_free(o);
        return -ENOMEM;
    }
    /* FFTW_MEASURE scribbles on the arrays while planning. */
    memset(o->freq, 0, bytes);
    memset(o->time, 0, bytes);
    return 0;
}

void ofdm_free(struct ofdm *o)
{
    if (o->plan)
        fftwf_destroy_plan(o->plan);
    fftwf_free(o->freq);
    fftwf_free(o->time);
    memset(o, 0, sizeof(*o));
}

int ofdm_symbol_nof_samples(const struct ofdm *o, int l_in_subframe)
{
    if (l_in_subframe < 0 || l_in_subframe >= o->symbols_per_subframe)
        return -EINVAL;
    return o->cp_len[l_in_subframe] + o->fft_size;
}

int ofdm_slot_nof_samples(const struct ofdm *o, int slot_in_subframe)
{
    if (slot_in_subframe < 0 || slot_in_subframe >= 1 << o->mu)
        return -EINVAL;
    int first = slot_in_subframe * OFDM_SYMBOLS_PER_SLOT, total = 0;
    for (int l = first; l < first + OFDM_SYMBOLS_PER_SLOT; l++)
        total += o->cp_len[l] + o->fft_size;
    return total;
}

int ofdm_modulate_symbol(struct ofdm *o, const cf_t *re, int l_in_subframe, cf_t *out)
{
    if (o->cfg.direction != OFDM_DIRECTION_TX || l_in_subframe < 0 || l_in_subframe >= o->symbols_per_subframe)
        return -EINVAL;
    int n = o->fft_size, half = o->nof_sc / 2, cp = o->cp_len[l_in_subframe];
    cf_t w = o->factor[l_in_subframe];
    /* The phase term is constant over the symbol, so it is applied to the REs (12 N_RB products) rather than to
     * the N + CP samples. Subcarriers below the centre go to the top bins (negative frequencies). */
    for (int k = 0; k < half; k++)
        o->freq[n - half + k] = re[k] * w;
    for (int k = half; k < o->nof_sc; k++)
        o->freq[k - half] = re[k] * w;
    memset(o->freq + (o->nof_sc - half), 0, (size_t)(n - o->nof_sc) * sizeof(cf_t));
    fftwf_execute(o->plan);
    memcpy(out, o->time + n - cp, (size_t)cp * sizeof(cf_t));
    memcpy(out + cp, o->time, (size_t)n * sizeof(cf_t));
    return cp + n;
}

int ofdm_demodulate_symbol(struct ofdm *o, const cf_t *in, int l_in_subframe, cf_t *re)
{
    if (o->cfg.direction != OFDM_DIRECTION_RX || l_in_subframe < 0 || l_in_subframe >= o->symbols_per_subframe)
        return -EINVAL;
    int n = o->fft_size, half = o->nof_sc / 2, cp = o->cp_len[l_in_subframe];
    cf_t w = o->factor[l_in_subframe];
    memcpy(o->time, in + cp, (size_t)n * sizeof(cf_t));
    fftwf_execute(o->plan);
    for (int k = 0; k < half; k++)
        re[k] = o->freq[n - half + k] * w;
    for (int k = half; k < o->nof_sc; k++)
        re[k] = o->freq[k - half] * w;
    return cp + n;
}

int ofdm_modulate_slot_symbols(struct ofdm *o, const cf_t *grid, int slot_in_subframe, unsigned symbols,
                               cf_t *out)
{
    if (o->cfg.direction != OFDM_DIRECTION_TX || ofdm_slot_nof_samples(o, slot_in_subframe) < 0)
        return -EINVAL;
    int first = slot_in_subframe * OFDM_SYMBOLS_PER_SLOT, pos = 0;
    for (int i = 0; i < OFDM_SYMBOLS_PER_SLOT; i++) {
        int rc;
        if (symbols & (1u << i)) {
            rc = ofdm_modulate_symbol(o, grid + (size_t)i * (size_t)o->nof_sc, first + i, out + pos);
            if (rc < 0)
                return rc;
        } else {
            rc = o->cp_len[first + i] + o->fft_size;
            memset(out + pos, 0, (size_t)rc * sizeof(cf_t));
        }
        pos += rc;
    }
    return pos;
}

int ofdm_modulate_slot(struct ofdm *o, const cf_t *grid, int slot_in_subframe, cf_t *out)
{
    return ofdm_modulate_slot_symbols(o, grid, slot_in_subframe, (1u << OFDM_SYMBOLS_PER_SLOT) - 1, out);
}

int ofdm_demodulate_slot(struct ofdm *o, const cf_t *in, int slot_in_subframe, cf_t *grid)
{
    if (ofdm_slot_nof_samples(o, slot_in_subframe) < 0)
        return -EINVAL;
    int first = slot_in_subframe * OFDM_SYMBOLS_PER_SLOT, pos = 0;
    for (int i = 0; i < OFDM_SYMBOLS_PER_SLOT; i++) {
        int rc = ofdm_demodulate_symbol(o, in + pos, first + i, grid + (size_t)i * (size_t)o->nof_sc);
        if (rc < 0)
            return rc;
        pos += rc;
    }
    return pos;
}
