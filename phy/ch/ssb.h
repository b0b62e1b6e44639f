/* SS/PBCH block: building it (gNB), placing it in a slot, knowing where it goes, and reading it (UE side).
 *
 * Implements 38.211 7.4.3.1 (the 4 x 240 block, Table 7.4.3.1-1: PSS in l = 0 and SSS in l = 2 on
 * k = 56..182, PBCH and its DM-RS in l = 1..3 with the DM-RS on k = nu + 4m, nu = N_ID^cell mod 4; every other RE
 * of the block is set to 0), 7.4.2.2/7.4.2.3 (PSS/SSS), 7.4.1.4 (PBCH DM-RS) and 7.3.3 with 38.212 7.1 (PBCH,
 * through phy/ch/pbch.h), and the candidate positions of 38.213 4.1 (Cases A, B, C; L_max 4 or 8) with
 * ssb-PositionsInBurst and ssb-periodicityServingCell (38.331).
 *
 * Amplitudes: beta_PSS = beta_SSS = beta_PBCH = beta_DMRS = 1 (PSS/SSS +-1, QPSK of unit energy), as in the
 * reference vectors; a caller wanting another EPRE scales the block.
 *
 * Receiver (ssb_decode_pbch), for the UE simulator: for each of the 8 PBCH DM-RS hypotheses i_ssb_bar (7.4.1.4.1)
 * the least-squares channel values of the 144 DM-RS REs are correlated differentially (each DM-RS RE with the next
 * one of the same symbol and side of the SSS), which is blind to a timing offset (a phase slope across k) and to a
 * residual CFO (a phase step between symbols); the strongest hypothesis wins. Its slope is removed, the channel
 * of each PBCH RE is the mean of the de-sloped LS values of the same symbol within +-SSB_RX_WINDOW_SC
 * subcarriers, the noise variance comes from the LS values' spread around those means, and the REs are combined
 * with the conjugate channel (so the demapper's LLRs are exact for that channel and noise). pbch_decode then does
 * the rest for the nu of the chosen i_ssb_bar.
 *
 * Threading: ssb_slot_symbols, ssb_candidate_first_symbol, ssb_map and ssb_extract are pure. struct ssb is built
 * by ssb_init (allocates); ssb_build only reads it (shareable between threads); ssb_decode_pbch writes its
 * scratch (one object per thread). Nothing allocates after ssb_init.
 */
#ifndef GNBD_PHY_CH_SSB_H
#define GNBD_PHY_CH_SSB_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/ch/pbch.h"
#include "phy/ch/ssb_map.h"
#include "phy/geometry/bands.h"
#include "phy/grid/grid.h"
#include "phy/seq/dmrs_pbch.h"
#include "phy/seq/pss_sss.h"
#include "phy/types.h"

#define SSB_BLOCK_RE (SSB_NUM_SYMBOLS * SSB_NUM_SUBCARRIERS)   /* 4 x 240, [l][k] */
#define SSB_NUM_I_SSB_BAR 8                                   /* DM-RS hypotheses, 38.211 7.4.1.4.1 */
#define SSB_RX_WINDOW_SC 24                                   /* channel-averaging half width, subcarriers */
#define SSB_MAX_PER_SLOT 2

struct ssb_config {
    int pci;       /* N_ID^cell of the transmitted blocks, 0..1007 */
    int l_max;     /* 4, 8 or 64 (38.213 4.1) */
    int k_ssb;     /* 38.211 7.4.3.1 k_SSB, 0..31; its MSB goes into the PBCH payload (L_max 4/8) */
};

struct ssb {
    struct ssb_config cfg;
    struct pbch pbch;                       /* polar code (encoder) and decoder workspace */
    float pss[PSS_SSS_LEN], sss[PSS_SSS_LEN];
    uint16_t pbch_re[SSB_PBCH_NUM_RE];      /* grid indices for cfg.pci */
    uint16_t dmrs_re[SSB_PBCH_DMRS_NUM_RE];
    cf_t dmrs[SSB_NUM_I_SSB_BAR][DMRS_PBCH_LEN];   /* r(m) for cfg.pci and every i_ssb_bar */
    /* receiver scratch (the received cell's pci) */
    uint16_t rx_pbch_re[SSB_PBCH_NUM_RE], rx_dmrs_re[SSB_PBCH_DMRS_NUM_RE];
    cf_t rx_dmrs[SSB_NUM_I_SSB_BAR][DMRS_PBCH_LEN];
    cf_t rx_sym[PBCH_NUM_SYMBOLS];
};

/* What ssb_decode_pbch found. */
struct ssb_rx_result {
    bool crc_ok;              /* the fields below the DM-RS ones are meaningful only when true */
    int i_ssb_bar;            /* the DM-RS hypothesis used (0..7) */
    float dmrs_metric;        /* its normalised differential correlation, 0..1 (1: noiseless) */
    float snr_db;             /* per-RE SNR of the DM-RS (signal power over noise variance) */
    float noise_var;          /* complex noise variance per RE */
    float timing_offset;      /* delay of the block in units of the useful symbol time T_u (times N_FFT: samples) */
    float phase_per_symbol;   /* channel phase advance from l = 1 to l = 3, per symbol (rad): residual CFO */
    uint8_t mib[PBCH_MIB_BITS];
    int sfn;                  /* 0..1023 */
    int hrf;                  /* half-frame bit */
    int ssb_index;
    int k_ssb;                /* from mib bits 8..11 and the payload MSB (L_max 4/8) */
    int k_ssb_msb;            /* 38.212 7.1.1 a-bar_(A+5) (L_max 4/8), 0 otherwise */
};

int ssb_init(struct ssb *s, const struct ssb_config *cfg);
void ssb_free(struct ssb *s);

/* The 4 x 240 block [l][k] of SSB `ssb_index` in half frame `hrf` of frame `sfn` carrying the BCH bits mib24
 * (38.212 7.1.1 a-bar_0..23; bits 1..6 must be the 6 MSBs of sfn and bits 8..11 the 4 LSBs of cfg.k_ssb).
 * Returns 0 or -EINVAL. */
int ssb_build(const struct ssb *s, const uint8_t mib24[PBCH_MIB_BITS], int sfn, int hrf, int ssb_index,
              cf_t block[SSB_BLOCK_RE]);

/* Writes the block into slot_grid: block RE (l, k) goes to symbol first_symbol_in_slot + l, subcarrier
 * first_subcarrier + k (carrier subcarrier of block subcarrier 0: 12 N_CRB^SSB + k_SSB counted from point A,
 * in the SSB SCS). The block's zero REs are written too (38.211 7.4.3.1: set to 0). Returns 0, or -EINVAL when
 * the block does not fit. */
int ssb_map(const cf_t block[SSB_BLOCK_RE], struct grid *slot_grid, int first_subcarrier, int first_symbol_in_slot);

/* The inverse: copies the block's 4 x 240 REs out of a (demodulated) grid. Returns 0 or -EINVAL. */
int ssb_extract(const struct grid *slot_grid, int first_subcarrier, int first_symbol_in_slot,
                cf_t block[SSB_BLOCK_RE]);

/* 38.213 4.1: first symbol of candidate block ssb_index, counted from the start of the half frame in symbols of
 * the SSB SCS: Case A {2, 8} + 14n, Case B {4, 8, 16, 20} + 28n, Case C {2, 8} + 14n; L_max 4 or 8. Returns it,
 * or -EINVAL. */
int ssb_candidate_first_symbol(enum ssb_pattern pattern, int l_max, int ssb_index);

/* When and which blocks are sent. */
struct ssb_burst_config {
    int scs_khz;               /* SSB SCS: 15 (Case A) or 30 (Cases B, C) */
    enum ssb_pattern pattern;
    int l_max;                 /* 4 or 8 */
    uint8_t positions_in_burst; /* ssb-PositionsInBurst: bit i (LSB = index 0) set when block i is sent */
    int period_ms;             /* ssb-periodicityServingCell: 5, 10, 20, 40, 80 or 160 */
    int half_frame;            /* 0/1: the half frame that carries the burst when period_ms >= 10 */
};

struct ssb_occasion {
    int ssb_index;
    int first_symbol;          /* in the slot */
    int hrf;                   /* half-frame bit of the block */
};

/* The blocks starting in slot `slot` (0 .. 10 2^mu - 1, numerology of the SSB SCS) of frame `sfn`: with a period
 * of 5 ms in both half frames, otherwise in frames with sfn mod (period / 10) == 0 and in half frame
 * cfg->half_frame only. Fills out[] in ascending symbol order; returns the count (0..2) or -EINVAL. */
int ssb_slot_symbols(const struct ssb_burst_config *cfg, int sfn, int slot, struct ssb_occasion out[SSB_MAX_PER_SLOT]);

/* UE side: detects i_ssb_bar, estimates the channel and noise, equalises and decodes the PBCH of a received
 * block (as ssb_extract gives it) of cell `pci` with the object's cfg.l_max. Returns 0 (res->crc_ok says whether
 * the PBCH decoded) or -EINVAL. */
int ssb_decode_pbch(struct ssb *s, const cf_t block[SSB_BLOCK_RE], int pci, struct ssb_rx_result *res);

#endif
