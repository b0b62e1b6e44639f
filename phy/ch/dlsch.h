/* DL-SCH transport channel coding: one transport block to the G bits of one codeword, and back to code blocks.
 *
 * Implements the 38.212 7.2 chain for one TB: TB CRC (7.2.1), base graph selection (7.2.2), code block
 * segmentation and CB CRC (7.2.3 / 5.2.2), LDPC encoding (7.2.4 / 5.3.2), rate matching with the E_r split over
 * the TB's layers (7.2.5 / 5.4.2) and code block concatenation (7.2.6 / 5.5). The output is g_0 .. g_{G-1},
 * ready for PDSCH scrambling (38.211 7.3.1.1). The same coding serves UL-SCH (38.212 6.2) for the UE side.
 *
 * Receive side, up to the decoder: dlsch_rx_combine() takes the G descrambled LLRs and adds each code block's
 * share into that block's soft circular buffer (HARQ soft combining across retransmissions and rvs); the LDPC
 * decoder (phy/fec/ldpc_decoder.h) turns soft buffer r into the K hard bits of code block r; dlsch_rx_tb() checks
 * every CB CRC and the TB CRC and rebuilds the TB; dlsch_rx_decode() does these two steps in one call.
 * dlsch_rx_rm_cfg() gives the per-block parameters.
 *
 * One codeword over n_layers layers (N_L of 5.4.2.1); only the E_r split depends on the layer count.
 *
 * Threading: a struct dlsch owns the encoder workspace; one thread at a time per struct dlsch. The rx functions
 * are pure over caller memory. Nothing here allocates after dlsch_init().
 */
#ifndef GNBD_PHY_CH_DLSCH_H
#define GNBD_PHY_CH_DLSCH_H

#include <stdint.h>

#include "phy/fec/ldpc_decoder.h"
#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_rm.h"
#include "phy/fec/segmentation.h"

/* The coding of one transport block in one slot. */
struct dlsch_cfg {
    int tbs;      /* A: TB bits, a multiple of 8 (from tbs_compute()) */
    double r;     /* target code rate R of the MCS row (R x 1024 / 1024), for base graph selection */
    int qm;       /* modulation order 1, 2, 4, 6 or 8 */
    int n_layers; /* layers the codeword is mapped to, 1..4 */
    int rv;       /* redundancy version 0..3 */
    int g;        /* G: coded bits the allocation carries, a multiple of qm * n_layers */
    int tbs_lbrm; /* TBS_LBRM of 5.4.2.1 for limited-buffer rate matching; 0 = off (N_cb = N, as srsUE) */
};

/* What follows from a dlsch_cfg. */
struct dlsch_params {
    struct segmentation seg;
    int n;    /* N: circular buffer (soft buffer) length per code block */
    int n_cb; /* N_cb */
    struct dlsch_cfg cfg;
};

struct dlsch_init_cfg {
    int max_z; /* largest lifting size to encode (0 = LDPC_Z_MAX) */
};

struct dlsch {
    struct ldpc_encoder enc;
    uint8_t *cb; /* one code block, K bits */
    uint8_t *d;  /* its circular buffer, N bits */
};

/* Validates cfg and derives the segmentation and buffer sizes. 0 or -EINVAL. */
int dlsch_params_init(struct dlsch_params *p, const struct dlsch_cfg *cfg);

/* Rate-matching parameters of code block r (E_r included). 0 or -EINVAL. */
int dlsch_rx_rm_cfg(const struct dlsch_params *p, int r, struct ldpc_rm_cfg *out);

int dlsch_init(struct dlsch *x, const struct dlsch_init_cfg *cfg);
void dlsch_free(struct dlsch *x);

/* TB (tbs / 8 bytes, MSB first) -> g (G bits, one per byte, before scrambling). 0 or -EINVAL (bad cfg, or a
 * lifting size above the init's max_z). */
int dlsch_encode(struct dlsch *x, const struct dlsch_cfg *cfg, const uint8_t *tb, uint8_t *g);

/* Starts the C soft buffers (C x N floats, block r at soft + r N) for a new TB (new data indicator toggled). */
int dlsch_rx_soft_reset(const struct dlsch_params *p, float *soft);

/* G descrambled LLRs (LLR = ln P(0)/P(1)) of one transmission (any rv) -> added into the C soft buffers. */
int dlsch_rx_combine(const struct dlsch_params *p, const float *llr_g, float *soft);

/* C decoded code blocks (C x K hard bits) -> the TB (tbs / 8 bytes), CB CRC24B and TB CRC checked into res. */
int dlsch_rx_tb(const struct dlsch_params *p, const uint8_t *cbs, uint8_t *tb, struct segmentation_rx_result *res);

/* The decoder step and dlsch_rx_tb() in one call: the C soft buffers (after dlsch_rx_combine()) are decoded with
 * dec (at most max_iterations each; with C > 1 the CB CRC24B confirms each block, 38.212 5.2.2) into cbs
 * (C x K bytes, the caller's), then the TB is rebuilt with every CRC checked into res. A block whose parity checks
 * fail and whose hard decisions are all 0 counts as a failed CB CRC (and fails the TB): that is what erased input
 * decodes to, and the all-zero block passes 38.212's CRCs. 0 or -EINVAL. */
int dlsch_rx_decode(const struct dlsch_params *p, struct ldpc_decoder *dec, int max_iterations, const float *soft,
                    uint8_t *cbs, uint8_t *tb, struct segmentation_rx_result *res);

/* dlsch_rx_decode() that also reports the largest iteration count over the code blocks in *iterations. */
int dlsch_rx_decode_stats(const struct dlsch_params *p, struct ldpc_decoder *dec, int max_iterations,
                          const float *soft, uint8_t *cbs, uint8_t *tb, struct segmentation_rx_result *res,
                          int *iterations);

#endif
