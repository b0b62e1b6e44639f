/* PRACH: the UE's preamble generator and the gNB's detector, one occasion at a time.
 *
 * Implements 38.211 6.3.3.1 (preamble x_{u,v}(n) = x_u((n + C_v) mod L_RA) and its L_RA-point DFT y_{u,v}),
 * 6.3.3.2 (mapping a_k = beta y_{u,v}(k), k = 0 .. L_RA - 1) and 5.3.2 (baseband signal: subcarrier k at
 * (k + K k1 + k-bar) Delta f_RA from the carrier centre, K = Delta f / Delta f_RA, N_CP,l^RA then N_u). Tables
 * and occasions: prach_config.h. Formats: long 0..3 (L_RA = 839 at 1.25/5 kHz; format 0 is what srsUE sends) and
 * the short formats A1..C2 (L_RA = 139 at 15 or 30 kHz). Unrestricted sets only.
 *
 * Conventions shared by both directions:
 * - Samples at the cell's sample rate fs, baseband centred on the UL carrier centre, as phy/ofdm/ofdm.h: carrier
 *   subcarrier k at (k - 6 N_RB) SCS. An occasion's samples start at t_start^RA (first CP sample); its length
 *   is prach_nof_samples(). N = fs / Delta f_RA must be a whole number (the DFT size; 9216 for format 0 at
 *   11.52 Msps), and N_CP and N_u whole samples.
 * - Scaling: unitary, like ofdm.h. The generator maps y_{u,v}(k) / sqrt(L_RA) (unit energy per subcarrier, beta =
 *   1) through an N-point IDFT scaled by 1 / sqrt(N); the detector's DFT of the N_u part is scaled the same way
 *   (averaged over the N_u / N repetitions), so a preamble received as sent has power 1 per subcarrier.
 * - No 38.211 5.4 up-conversion phase: a constant phase per occasion, which a non-coherent detector ignores.
 *
 * Detector (gNB): the N_u part is taken at N_CP (its repetitions summed), one N-point DFT gives the L_RA PRACH
 * bins, and for each root sequence of the occasion one correlation in the frequency domain (bins times the
 * conjugate of the root's y_u, Hamming-tapered to keep the sidelobes of a strong peak out of the neighbouring
 * cyclic-shift windows, then an M-point IDFT, M >= L_RA) gives every preamble of that root at once: preamble v of
 * the root peaks at lag (delay - C_v) mod L_RA. The local maxima of the correlation power above threshold x noise
 * (noise: the mean power away from the peaks; threshold: from the target false-alarm probability over all windows
 * searched and the noise estimate's own scatter) and within 30 dB of the root's strongest peak are placed by a
 * parabolic fit, and each goes to the window its lag falls in, [C_v - early, C_v + N_CS - early) in delay
 * (N_CS = 0: the whole root), the strongest per window: one detection per preamble. A peak near a window edge
 * therefore counts for the window its interpolated position is in. Power and SINR per subcarrier follow from the
 * peak and the noise.
 *
 * Many preambles at once (successive interference cancellation): the preambles of other roots are not noise-like
 * in a root's correlation but raise its floor, so that 16 equal preambles of a short format (L_RA = 139, 8 roots)
 * leave each peak only about 8 dB over the floor, under the noise threshold. Where the occasion has an even
 * number of repetitions (prach_detect), the noise alone is measured apart: the repetitions summed with
 * alternating signs cancel every preamble (38.211 6.3.3.1: the N_u part repeats the same sequence) and leave the
 * noise of the plain sum. When some root then has a candidate peak (over SIC_CANDIDATE x its floor and over
 * threshold x that noise) that did not pass as a detection, the strongest candidate of all roots is taken at a
 * time: its delay refined to the fraction of a lag that maximises the projection of the bins on that preamble
 * (y_u(k) e^{-j 2 pi k tau / L_RA}), its complex amplitude the projection, and it is subtracted from the bins;
 * until no candidate is left. Each root is then detected as above on the bins less the candidates of the other
 * roots: its own preambles (and its own false candidates, added back) stand against the noise, not against the
 * others. Noise alone and one-root occasions take the first pass only (the same decisions as without it).
 *
 * Threading: prach_generator_init/free and prach_detector_init/free call the FFTW planner, which is not
 * thread-safe: make every plan on one thread at start (not concurrently with any other FFTW planning, ofdm_init
 * included). After init an object is used by one thread at a time (its buffers are its own); distinct objects may
 * run in parallel. Nothing allocates after init.
 */
#ifndef GNBD_PHY_CH_PRACH_H
#define GNBD_PHY_CH_PRACH_H

#include <stdbool.h>
#include <stddef.h>

#include "phy/ch/prach_config.h"
#include "phy/types.h"

/* One cell's PRACH, as RACH-ConfigCommon and the UL carrier give it. */
struct prach_cfg {
    double sample_rate_hz;      /* fs of the UL samples */
    int nof_prb;                /* N_grid^size of the UL carrier (1..275) */
    int scs_khz;                /* Delta f of the UL BWP (PUSCH): 15 or 30 */
    enum prach_format format;   /* 0..3, A1..C2 (a combined table format resolved per occasion) */
    int ra_scs_khz;             /* short formats: msg1-SubcarrierSpacing, 15 or 30 (ignored for long ones) */
    int root_sequence_index;    /* prach-RootSequenceIndex: 0..837 (L_RA 839) or 0..137 (139) */
    int zero_correlation_zone;  /* zeroCorrelationZoneConfig 0..15 */
    int msg1_frequency_start;   /* n_RA^start: PRBs from the BWP start to the lowest PRACH occasion */
    int bwp_start;              /* N_BWP^start: PRBs from the carrier's lowest PRB to the UL BWP */
    int fdm_index;              /* n_RA: the frequency occasion (0 .. msg1-FDM - 1) */
};

/* What follows from a prach_cfg (prach_params_init). */
struct prach_params {
    int l_ra;                   /* 839 or 139 */
    int delta_f_ra_hz;
    int n_cs;                   /* N_CS; 0: one preamble per root */
    int per_root;               /* preambles per root */
    int nof_roots;              /* roots for the 64 preambles */
    int fft_size;               /* N = fs / Delta f_RA */
    int n_rep;                  /* N_u / N: 1 (formats 0, C0), 2, 4, 6 or 12 */
    int n_u;                    /* samples */
    int n_cp;                   /* N_CP^RA in samples (without the 16 kappa of prach_time_occasion.cp_kappa) */
    int freq_offset;            /* K k1 + k-bar: PRACH subcarrier 0 from the carrier centre, in Delta f_RA */
    int first_bin;              /* freq_offset mod N: the DFT bin of PRACH subcarrier 0 */
};

/* Validates cfg and derives its parameters. -EINVAL for a bad or unsupported configuration (the PRACH must fit
 * in the carrier, N = fs / Delta f_RA and the CP/N_u lengths must be whole samples). */
int prach_params_init(struct prach_params *p, const struct prach_cfg *cfg);

/* Samples of an occasion: N_CP,l^RA + N_u (occ: the occasion's CP, NULL for the format's N_CP^RA). -EINVAL when
 * occ's CP is not a whole number of samples. */
int prach_nof_samples(const struct prach_params *p, double sample_rate_hz, const struct prach_time_occasion *occ);

/* ---- UE direction ---- */

struct fftwf_plan_s;

struct prach_generator {
    struct prach_cfg cfg;
    struct prach_params p;
    cf_t *seq;                  /* L_RA: x_{u,v}, then y_{u,v} (fftwf_malloc) */
    cf_t *freq;                 /* N IDFT input bins (fftwf_malloc) */
    cf_t *time;                 /* N IDFT output samples (fftwf_malloc) */
    struct fftwf_plan_s *dft;   /* L_RA-point forward DFT, seq in place */
    struct fftwf_plan_s *idft;  /* N-point backward DFT, freq -> time */
};

/* Validates cfg, makes the FFTW plans. 0, -EINVAL (bad cfg), -ENOMEM. */
int prach_generator_init(struct prach_generator *g, const struct prach_cfg *cfg);
void prach_generator_free(struct prach_generator *g);

/* Preamble v (0..63) of the configured roots -> prach_nof_samples(occ) samples in out: CP (N_CP,l^RA of occ,
 * or N_CP^RA for occ NULL) then N_u. Returns the number written, or -EINVAL (bad v or occ). */
int prach_generate(struct prach_generator *g, int preamble_index, const struct prach_time_occasion *occ,
                   cf_t *out);

/* ---- gNB direction ---- */

#define PRACH_MAX_DETECTIONS PRACH_NUM_PREAMBLES

struct prach_detector_cfg {
    struct prach_cfg prach;
    int nof_preambles;          /* preambles searched: 0 .. nof_preambles - 1 (totalNumberOfRA-Preambles; 0: 64) */
    double pfa;                 /* target false-alarm probability per occasion over all windows (0: 1e-4) */
    double max_early_us;        /* window start before zero delay (0: one correlation lag; at most N_CS / 4) */
    double threshold_db;        /* detection threshold over the noise, if > 0 (overrides pfa) */
    bool fftw_measure;          /* plan with FFTW_MEASURE */
};

/* One detected preamble. */
struct prach_detection {
    int preamble_index;         /* v, 0..63 */
    float delay_samples;        /* timing estimate at fs: the preamble's start after t_start^RA (negative: early) */
    float ta_us;                /* the same in microseconds */
    float power;                /* received power per PRACH subcarrier (1 = as generated, unit scaling) */
    float snr_db;               /* SINR per PRACH subcarrier after combining the N_u / N repetitions: other
                                 * roots' preambles count as noise; white noise alone: the in-band SNR (format 0:
                                 * over the 839 subcarriers) + 10 log10(N_u / N) */
};

struct prach_detector {
    struct prach_detector_cfg cfg;
    struct prach_params p;
    int corr_size;              /* M: the correlation IDFT size */
    int nof_roots_searched;
    double early_lags;          /* window start before zero delay, in correlation lags (1 / (L_RA Delta f_RA)) */
    double noise_dof;           /* independent samples in the noise estimate (the taper's (sum w^2)^2 / sum w^4) */
    float threshold;            /* linear, over the noise mean */
    float taper_gain;           /* (sum w)^2 / sum w^2: the taper's coherent gain over noise */
    float taper_sum;            /* sum w */
    int root_u[PRACH_NUM_PREAMBLES];
    int root_du[PRACH_NUM_PREAMBLES];   /* d_u of each root: where a CFO or a cut preamble casts ghost peaks */
    cf_t *root_conj;            /* nof_roots x L_RA: conj(y_u(k)) w_k / sqrt(L_RA) */
    cf_t *time;                 /* N: the summed N_u repetitions (fftwf_malloc) */
    cf_t *freq;                 /* N: their DFT (fftwf_malloc) */
    cf_t *half_time;            /* N: the first half of the N_u part alone (fftwf_malloc) */
    cf_t *half_freq;            /* N: its DFT (fftwf_malloc) */
    cf_t *bins;                 /* L_RA: the PRACH bins */
    cf_t *corr_in;              /* M (fftwf_malloc) */
    cf_t *corr_out;             /* M (fftwf_malloc) */
    float *corr_pow;            /* M: |correlation|^2 of one root */
    unsigned char *mask;        /* M: bins left out of the noise estimate */
    struct fftwf_plan_s *dft;   /* N-point forward, time -> freq */
    struct fftwf_plan_s *corr_idft;   /* M-point backward, corr_in -> corr_out */
    float last_noise;           /* noise (+ interference) power per subcarrier and repetition of the last
                                 * prach_detect* call, input units (metrics) */
    /* successive interference cancellation (see above) */
    float *inv_taper;           /* L_RA: 1 / w_k */
    cf_t *resid;                /* L_RA: the bins less the candidates */
    cf_t *view;                 /* L_RA: resid plus one root's own candidates */
    double noise_bins;          /* the noise alone per bin (prach_detect, even repetitions), -1: unknown */
    const cf_t *sic_in;         /* prach_detect's N_u part during the call (the noise alone is measured on it) */
    float root_top;             /* the strongest correlation power of the last root correlated */
    int nof_cand;
    struct prach_sic_cand {
        int root;
        double lag;             /* fractional correlation lag, 0 .. L_RA */
        cf_t g;                 /* complex amplitude: the candidate is g y_u(k) / sqrt(L_RA) e^{-j 2 pi k lag / L} */
    } cand[PRACH_NUM_PREAMBLES];
    int sic_steps;              /* candidates cancelled in the last call (tests, benchmarks) */
    float sic_noise;            /* the noise alone as a correlation power (0: unknown) */
    float sic_top;              /* the strongest correlation power of the occasion */
};

/* Validates cfg, precomputes the roots' conjugate DFTs, makes the FFTW plans. 0, -EINVAL, -ENOMEM. */
int prach_detector_init(struct prach_detector *d, const struct prach_detector_cfg *cfg);
void prach_detector_free(struct prach_detector *d);

/* Samples prach_detect() reads from the occasion's first sample (occ as for prach_nof_samples). */
int prach_detector_nof_samples(const struct prach_detector *d, const struct prach_time_occasion *occ);

/* Detects every preamble of one occasion: samples from t_start^RA (CP included), n >= prach_detector_nof_samples.
 * Writes up to max_res detections in increasing preamble order and returns their number (0: none, also for
 * all-zero input), -EINVAL for n too short, a bad occ, or non-finite or overflowing samples, or -EBADMSG when the
 * energy in the PRACH band differs by more than 10 dB between the two halves of the N_u part (samples lost or
 * blanked, a preamble cut short: its correlation has ghost peaks at other cyclic shifts only a few dB under the
 * true one, which would read as other preambles). That check costs one more N-point DFT. */
int prach_detect(struct prach_detector *d, const cf_t *samples, size_t n, const struct prach_time_occasion *occ,
                 struct prach_detection *res, int max_res);

/* The frequency-domain half of prach_detect(): the L_RA PRACH bins of an occasion (already extracted, unit
 * scaling) -> detections. For a PHY that demodulates PRACH elsewhere; the same returns. */
int prach_detect_bins(struct prach_detector *d, const cf_t *bins, struct prach_detection *res, int max_res);

#endif
