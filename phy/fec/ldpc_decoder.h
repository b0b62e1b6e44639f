/* LDPC decoder for the NR shared channels (DL-SCH, UL-SCH): soft circular buffer -> the K hard bits of one code
 * block.
 *
 * Decodes the codes of 38.212 5.3.2 (base graphs 1 and 2, all 51 lifting sizes Z_c of Table 5.3.2-1) by layered
 * normalised offset min-sum: one layer per base graph row, rows in order; check-to-variable magnitudes are
 * 13/16 of the min-sum value less an offset of LDPC_DECODER_OFFSET LLR units (chosen by simulation against the
 * sum-product reference in tests/ldpc_ref: 0.1-0.35 dB from it at 50 iterations, `make sim`).
 * Input is the soft circular buffer that ldpc_rm_recover() fills (38.212 5.4.2.1 positions: the 2 Z_c punctured
 * systematic bits are not in it and start at LLR 0; <NULL> fillers hold LDPC_LLR_FILLER, a known 0), with
 * LLR = ln P(0)/P(1). Output is c_0 .. c_{K-1} of 5.3.2 (K = 22 Z_c or 10 Z_c), fillers included (decoded as 0).
 *
 * Fixed point: LLRs, posteriors and messages are int8 in [-127, 127], +-127 meaning certain (ldpc_decoder.c).
 * LLRs are quantised at LDPC_DECODER_LLR_SCALE levels per unit (+-127 is |LLR| ~ 16, an error probability
 * below 1e-7), or the caller's scale. The decoder expects calibrated LLRs (true log ratios, as the soft demapper
 * gives them with the right noise variance): the offset is in LLR units, and the fixed scale keeps the resolution
 * where decisions are made at every SNR. (A per-block scale from the mean |LLR| was tried first: it cost up to
 * 0.5 dB with 64QAM, whose reliable bits inflate the mean and leave the weak ones a level or two.)
 *
 * Rows whose extension parity column (base graph column kb + i, degree 1) received no LLR carry no information
 * and are skipped: the decoder uses rows 0 .. i_max, i_max from the last column with a non-zero LLR (at least the
 * 4 core rows). Iterations stop early when every used row's parity check holds (H c = 0 on the hard decisions);
 * an optional CRC callback (the CB CRC24B of 38.212 5.2.2) then confirms the block.
 *
 * Two implementations with bit-identical results (same int8 arithmetic lane by lane): portable C, and AVX2,
 * chosen at init from the CPU (__builtin_cpu_supports) unless the caller asks for one. Build flags stay generic:
 * the AVX2 code is compiled per function with __attribute__((target("avx2"))).
 *
 * Threading: a decoder owns its workspace; one thread at a time per struct ldpc_decoder. ldpc_decode() does no
 * allocation (the workspace is sized at init for max_z).
 */
#ifndef GNBD_PHY_FEC_LDPC_DECODER_H
#define GNBD_PHY_FEC_LDPC_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/fec/ldpc_tables.h"

#define LDPC_DECODER_LLR_SCALE 8.0f      /* int8 levels per LLR unit */
#define LDPC_DECODER_ALPHA_X16 13        /* normalisation 13/16 */
#define LDPC_DECODER_OFFSET 0.25f        /* offset, LLR units */
#define LDPC_DECODER_MAX_ITERATIONS 100  /* upper bound of ldpc_decode_cfg.max_iterations */

enum ldpc_decoder_impl {
    LDPC_DECODER_IMPL_AUTO, /* AVX2 when the CPU has it, else C */
    LDPC_DECODER_IMPL_C,
    LDPC_DECODER_IMPL_AVX2, /* init fails with -ENOTSUP on a CPU without AVX2 */
};

struct ldpc_decoder_cfg {
    int max_z;                   /* largest lifting size to decode (0 = LDPC_Z_MAX) */
    enum ldpc_decoder_impl impl;
};

/* Optional CRC check of a decoded block: c holds its K hard bits. Returns true when the CRC holds. */
typedef bool (*ldpc_decoder_crc_fn)(const uint8_t *c, void *arg);

/* One decode. */
struct ldpc_decode_cfg {
    int bg, z;               /* base graph 1 or 2, lifting size Z_c */
    int max_iterations;      /* 1 .. LDPC_DECODER_MAX_ITERATIONS */
    bool no_early_stop;      /* run all max_iterations (benchmarks); parity still reported */
    float llr_scale;         /* int8 = round(LLR x llr_scale); 0 = LDPC_DECODER_LLR_SCALE */
    ldpc_decoder_crc_fn crc; /* NULL, or called on the hard bits as described at ldpc_decode() */
    void *crc_arg;
};

struct ldpc_decode_result {
    bool ok;        /* the CRC callback's verdict when there is one, else parity_ok */
    bool parity_ok; /* every used row's parity check holds */
    bool crc_ok;    /* the callback's verdict (false when there is none) */
    int iterations; /* iterations run */
    int rows;       /* base graph rows used */
};

struct ldpc_decoder {
    int max_z;
    enum ldpc_decoder_impl impl; /* resolved: C or AVX2 */
    size_t col_stride;           /* bytes per column buffer in app */
    int8_t *app;                 /* posterior LLR per variable node: LDPC_MAX_COLS column buffers */
    int8_t *msg;                 /* check-to-variable message per edge, Z_pad lanes each */
    int shift_bg, shift_z;       /* what shift[] and chunk_pos hold */
    uint16_t shift[LDPC_BG1_EDGES];
    int32_t *chunk_pos;          /* per edge and 32-lane chunk, for the AVX2 kernel (see job) */
};

/* Allocates the workspace (about 170 KiB at Z_c = 384). 0, -EINVAL (bad cfg), -ENOTSUP (AVX2 asked for on a
 * CPU without it), -ENOMEM. */
int ldpc_decoder_init(struct ldpc_decoder *dec, const struct ldpc_decoder_cfg *cfg);
void ldpc_decoder_free(struct ldpc_decoder *dec);

/* True when this CPU can run the AVX2 implementation. */
bool ldpc_decoder_has_avx2(void);

/* Decodes n_llr LLRs, soft[0 .. n_llr) = circular buffer positions 0 .. n_llr - 1 (N = ldpc_n(bg, z) for a whole
 * soft buffer; positions from n_llr on count as 0), into the K hard bits c (0/1, one per byte). Early stop: after
 * each iteration when the parity checks hold (the CRC callback, if any, is then called once); if they never hold,
 * the callback is called after the last iteration and decides res->ok alone. 0, or -EINVAL for bad arguments
 * (bg, z not a lifting size or above max_z, n_llr outside 0 .. N, iterations out of range, NULL pointers). */
int ldpc_decode(struct ldpc_decoder *dec, const struct ldpc_decode_cfg *cfg, const float *soft, int n_llr,
                uint8_t *c, struct ldpc_decode_result *res);

/* ---- Internal: shared by ldpc_decoder.c and ldpc_decoder_avx2.c, not for callers. ----
 *
 * Column j's buffer starts LDPC_DECODER_COL_FRONT bytes into its col_stride slot; position x in [0, Z + 32) holds
 * the posterior of variable (j, x mod Z) (the main block plus a periodic 32-byte extension, so a 32-lane read at
 * any offset below Z needs no wrap-around); the slot has 32 bytes of slack before and Z + 64 - (Z + 32) after, for
 * the AVX2 mirror stores. Edge e's messages are msg + e Z_pad, lane k for check node k of its row. */
#define LDPC_DECODER_LANES 32
#define LDPC_DECODER_COL_FRONT 32

struct ldpc_decoder_job {
    const struct ldpc_base_graph *g;
    const uint16_t *shift; /* P_ij per edge */
    int z, zpad;           /* Z_c and Z_c rounded up to LDPC_DECODER_LANES */
    int rows;              /* rows used */
    int offset;            /* min-sum offset, int8 units */
    int8_t *app;           /* column 0's main block; column j at app + j col_stride */
    size_t col_stride;
    int8_t *msg;
    /* Chunk m (lanes 32 m ..) of row i's d-th edge, at [(row_start[i] chunks + m deg + d]: the offset from app
     * of its first posterior, s = (P + 32 m) mod Z into column j, times 4, plus the mirror flags. */
    const int32_t *chunk_pos;
};
#define LDPC_DECODER_MIRROR_BELOW 1 /* also store at s - Z: s > Z - 32 */
#define LDPC_DECODER_MIRROR_ABOVE 2 /* also store at s + Z: s < 32 */

/* One layered iteration over rows 0 .. job->rows - 1, and the parity check of those rows. */
void ldpc_decoder_iterate_c(const struct ldpc_decoder_job *job);
bool ldpc_decoder_parity_ok_c(const struct ldpc_decoder_job *job);
/* n LLRs x scale -> int8: clamped to [-127, 127] (NaN to -127), then rounded to nearest (ties to even, the
 * default rounding mode). Returns whether any of them is non-zero. */
bool ldpc_decoder_quantize_c(const float *llr, int n, float scale, int8_t *q);
#if defined(__x86_64__)
void ldpc_decoder_iterate_avx2(const struct ldpc_decoder_job *job);
bool ldpc_decoder_parity_ok_avx2(const struct ldpc_decoder_job *job);
bool ldpc_decoder_quantize_avx2(const float *llr, int n, float scale, int8_t *q);
#endif

#endif
