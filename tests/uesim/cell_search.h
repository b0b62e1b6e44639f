/* Blind NR cell search (UE side of the SS/PBCH block): PSS, SSS, CFO, then PBCH, knowing only what srsUE's
 * config tells srsUE (sample rate, carrier N_RB, DL centre and the SSB centre's offset from it).
 *
 * - PSS (38.211 7.4.2.2, 7.4.3.1): the received samples are matched-filtered with the time-domain PSS of each
 *   N_ID^(2), placed at the SSB centre frequency, by overlap-save FFT correlation; the filter is band-limited to
 *   the 127 PSS subcarriers, so no separate shift/decimation is needed. The metric is the normalised correlation
 *   |<x, p>|^2 / (|x|^2 |p|^2) over one useful symbol (1 for a clean PSS alone in its symbol). The strongest
 *   peaks (one per symbol-long neighbourhood) are kept as candidates.
 * - CFO (fractional, |CFO| < SCS), always measured *within* symbols, where the 38.211 5.4 factor (constant over
 *   a symbol, CP included) cannot bias it: first from the phase between the two halves of the PSS correlation,
 *   then from the two halves of every symbol of the block correlated with all its known REs (PSS, SSS, PBCH
 *   DM-RS and, once decoded, the re-encoded PBCH).
 * - SSS (38.211 7.4.2.3): after CFO correction the PSS and SSS symbols are OFDM-demodulated; the PSS gives the
 *   channel on the 127 subcarriers, and the SSS of each of the 336 N_ID^(1) is correlated coherently with it.
 * - PBCH: the block's 4 symbols are demodulated with phy/ofdm (which undoes the 38.211 5.4 phase term for the
 *   DL centre f0), extracted (phy/ch/ssb) and given to ssb_decode_pbch (38.212 7.1, 38.211 7.3.3, 7.4.1.4).
 *   The inter-symbol phase step it reports, minus what the within-symbol CFO explains, is the coherence
 *   measure: a transmitter that gets the 5.4 term wrong leaves a step between symbols that no CFO explains.
 *
 * Times are sample indices into the caller's buffer. The SSB SCS is the carrier's: 15 kHz (Case A, what srsUE
 * supports) or 30 kHz (Case B or C, 38.213 4.1; the pattern comes from the band, as the UE's config gives it).
 *
 * Threading: one struct cell_search per thread; cell_search_init/free call the FFTW planner (not thread-safe:
 * one planning thread at a time). The search functions allocate nothing.
 */
#ifndef GNBD_UESIM_CELL_SEARCH_H
#define GNBD_UESIM_CELL_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/ssb.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "phy/seq/pss_sss.h"
#include "phy/types.h"

#define CELL_SEARCH_MAX_CANDIDATES 4
#define CELL_SEARCH_NUM_N_ID_2 3         /* 38.211 7.4.2.1 */
#define CELL_SEARCH_NUM_N_ID_1 336

struct cell_search_config {
    double sample_rate_hz;   /* N = rate / SCS must be a multiple of 128 (38.211 5.3.1 sample-exact CPs) */
    int scs_khz;             /* carrier and SSB SCS: 15 or 30 */
    enum ssb_pattern pattern;/* 38.213 4.1: Case A with 15 kHz, Case B or C with 30 kHz */
    int nof_prb;             /* carrier N_RB (the demodulator's grid; the block must fit in it) */
    double f0_hz;            /* DL carrier centre, for undoing the 38.211 5.4 phase term (0: none) */
    int ssb_offset_sc;       /* SS_REF (SSB subcarrier 120) minus the DL centre, in subcarriers */
    int l_max;               /* 38.213 4.1 L_max: 4 (<= 3 GHz) or 8 */
    float pss_threshold;     /* minimum normalised PSS metric of a candidate (0: 0.02) */
    float sss_threshold;     /* minimum normalised SSS metric (0: 0.3) */
};

/* A PSS candidate. */
struct cell_search_peak {
    int64_t pos;             /* first sample of the PSS symbol's useful part */
    int n_id_2;
    float metric;            /* normalised correlation, 0..1 */
    double cfo_hz;           /* from the PSS halves */
};

/* What the SSB read at a given position gave. */
struct cell_search_ssb {
    struct ssb_rx_result pbch;   /* ssb_decode_pbch's result (pbch.crc_ok) */
    double cfo_residual_hz;      /* CFO left after the correction applied (within-symbol measure) */
    float phase_incoherence;     /* rad per symbol: inter-symbol phase step the residual CFO does not explain */
    float timing_error;          /* samples the block arrived later than ssb_start (from the known REs' slope) */
};

struct cell_search_result {
    bool found;              /* PSS, SSS and PBCH (CRC) all detected */
    int pci, n_id_1, n_id_2;
    int64_t ssb_start;       /* first CP sample of the block's first symbol (the PSS) */
    double cfo_hz;
    float pss_metric, sss_metric;
    int candidates_tried;
    struct cell_search_ssb ssb;  /* the PBCH read that confirmed the cell */
};

struct fftwf_plan_s;

struct cell_search {
    struct cell_search_config cfg;
    int fft_size, cp_len, backoff;   /* N, short CP, samples the FFT window starts early (inside the CP) */
    int first_sc;                    /* carrier subcarrier of SSB subcarrier 0 */
    int corr_len;                    /* overlap-save FFT size L */
    cf_t *pss_time[CELL_SEARCH_NUM_N_ID_2];   /* N samples each, unit energy */
    cf_t *pss_freq[CELL_SEARCH_NUM_N_ID_2];   /* conj(FFT_L(zero-padded replica)) / L */
    cf_t *fft_in, *fft_out, *prod, *corr;   /* L-sample work buffers */
    double *energy;                  /* L window energies */
    struct fftwf_plan_s *fwd, *inv;
    float pss[CELL_SEARCH_NUM_N_ID_2][PSS_SSS_LEN];
    struct ofdm ofdm;                /* RX, f0 = DL centre */
    struct grid grid;                /* SSB_NUM_SYMBOLS x 12 N_RB */
    struct ssb ssb;                  /* PBCH receiver */
    struct grid halves;              /* 2 SSB_NUM_SYMBOLS x 12 N_RB: each symbol with one half zeroed */
    cf_t *sym, *half;                /* one CFO-corrected symbol (CP + N), and a copy */
    cf_t block[SSB_BLOCK_RE];        /* received */
    cf_t known[SSB_BLOCK_RE];        /* expected (known REs only) */
};

/* Allocates the replicas, FFT plans, demodulator and PBCH receiver. Returns 0, -EINVAL (bad config, or the
 * block does not fit in the carrier), -ENOMEM. */
int cell_search_init(struct cell_search *cs, const struct cell_search_config *cfg);
void cell_search_free(struct cell_search *cs);

/* Samples one SS/PBCH block spans (4 symbols with their CPs). */
int cell_search_ssb_len(const struct cell_search *cs);

/* PSS search over x[0..n): up to max candidates (<= CELL_SEARCH_MAX_CANDIDATES), strongest first, whose whole
 * block lies in the buffer. Returns their count (0: none above the threshold) or -EINVAL. */
int cell_search_pss(struct cell_search *cs, const cf_t *x, size_t n, struct cell_search_peak *peaks, int max);

/* SSS detection at a PSS candidate: fills res->pci, n_id_1, n_id_2, ssb_start, cfo_hz, pss/sss_metric. Returns
 * 1 when the best N_ID^(1) passes the threshold, 0 when not, -EINVAL. */
int cell_search_sss(struct cell_search *cs, const cf_t *x, size_t n, const struct cell_search_peak *peak,
                    struct cell_search_result *res);

/* Reads the block of cell `pci` whose PSS symbol's CP starts at x[ssb_start]: CFO correction by cfo_hz,
 * demodulation as symbols l_first .. l_first + 3 of the subframe (38.211 5.4 term), PBCH decoding, residual
 * CFO measurement. Returns 0 (out->pbch.crc_ok says whether the PBCH decoded) or -EINVAL (block outside x). */
int cell_search_read_ssb(struct cell_search *cs, const cf_t *x, size_t n, int64_t ssb_start, double cfo_hz,
                         int l_first, int pci, struct cell_search_ssb *out);

/* The whole blind search: PSS candidates, SSS, CFO refinement, PBCH; the first candidate whose PBCH decodes
 * wins. Returns 1 (res->found), 0 (no cell), -EINVAL. */
int cell_search_run(struct cell_search *cs, const cf_t *x, size_t n, struct cell_search_result *res);

/* The first symbol of block ssb_index within its subframe (38.213 4.1), for cell_search_read_ssb; -EINVAL for an
 * index past L_max. */
int cell_search_l_first(const struct cell_search *cs, int ssb_index);

/* Samples from the start of the half frame to the first CP sample of block ssb_index (38.213 4.1 symbol, 38.211
 * 5.3.1 symbol timing); -EINVAL for an index past L_max. */
int64_t cell_search_block_offset(const struct cell_search *cs, int ssb_index);

#endif
