/* LDPC encoder for the NR shared channels (DL-SCH, UL-SCH).
 *
 * Implements 38.212 5.3.2: the K = 22 Z_c (BG1) or 10 Z_c (BG2) bits c_k of one code block are encoded with the
 * lifted parity-check matrix H of base graph 1 or 2 (ldpc_tables.h) into the codeword whose first 2 Z_c systematic
 * bits are punctured: d_k = c_{k+2Z_c} for k < K - 2 Z_c, followed by the parity bits w, N = 66 Z_c (BG1) or
 * 50 Z_c (BG2) bits in all. <NULL> filler bits (value LDPC_FILLER) count as 0 for the parity and are copied
 * through as LDPC_FILLER, so d is exactly the circular buffer that rate matching (ldpc_rm.h) reads.
 *
 * Bits are unpacked, one per byte. The encoder works on whole Z_c-byte blocks: a cyclic shift by P_ij is a read
 * at offset P_ij of a block stored twice in a row, and each row of H is an XOR of such reads, 32 bytes at a time;
 * the AVX-512 path packs the bits instead at the largest lifting sizes (BG1 Z_c >= 192, BG2 >= 256: a whole block in one
 * register). Three implementations with identical output: portable C (the compiler's generic vectors, SSE2 on
 * x86-64), AVX2 and AVX-512 (F + BW), chosen per encoder at init from the CPU (cpuid), as the decoder does.
 *
 * Decoding (issue 7) takes the soft circular buffer that ldpc_rm_recover() fills; it is not here.
 *
 * Threading: an encoder owns its workspace; one thread at a time per struct ldpc_encoder. ldpc_encode() does no
 * allocation.
 */
#ifndef GNBD_PHY_FEC_LDPC_ENCODER_H
#define GNBD_PHY_FEC_LDPC_ENCODER_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/fec/ldpc_tables.h"

/* Value of a <NULL> filler bit in unpacked bit buffers (c, d, and the code blocks of segmentation.h). */
#define LDPC_FILLER 254

enum ldpc_encoder_impl {
    LDPC_ENCODER_IMPL_AUTO,   /* the widest the CPU has: AVX-512, else AVX2, else C */
    LDPC_ENCODER_IMPL_C,
    LDPC_ENCODER_IMPL_AVX2,   /* init fails with -ENOTSUP on a CPU without AVX2 */
    LDPC_ENCODER_IMPL_AVX512, /* init fails with -ENOTSUP on a CPU without AVX-512 F+BW (and
                               * AVX2); Z_c below 192 (BG2: 256) runs the AVX2 kernels */
};

struct ldpc_encoder_cfg {
    int max_z; /* largest lifting size to be encoded (0 = LDPC_Z_MAX) */
    enum ldpc_encoder_impl impl;
};

/* One step of an encode: the XOR of n reads of the workspace (src[first .. first + n), byte offsets of Z-byte
 * reads into doubled blocks, i.e. cyclic shifts), stored to block d_blk of d and/or to the doubled workspace block
 * ws_blk (-1: none). Internal to ldpc_encoder.c. */
struct ldpc_encoder_op {
    uint16_t first, n;
    int16_t d_blk, ws_blk;
};

struct ldpc_encoder {
    int max_z;
    enum ldpc_encoder_impl impl;    /* resolved: C, AVX2 or AVX512 */
    uint8_t *ws;                    /* Z-blocks, each stored twice in a row: columns, core parity, row sums */
    int prog_bg, prog_z;            /* what src[] and op[] were built for */
    int num_ops;
    uint32_t src[LDPC_BG1_EDGES + 4 * LDPC_CORE_ROWS];
    uint32_t bsrc[LDPC_BG1_EDGES + 4 * LDPC_CORE_ROWS]; /* the same reads in the packed blocks (AVX-512) */
    struct ldpc_encoder_op op[LDPC_BG1_ROWS + LDPC_CORE_ROWS];
};

/* Allocates the workspace (about 28 KiB). 0, -EINVAL for max_z or impl out of range, -ENOTSUP (AVX2 or AVX-512
 * asked for on a CPU without it), -ENOMEM. */
int ldpc_encoder_init(struct ldpc_encoder *enc, const struct ldpc_encoder_cfg *cfg);
void ldpc_encoder_free(struct ldpc_encoder *enc);

/* True when this CPU can run the AVX2 (resp. AVX-512) implementation. */
bool ldpc_encoder_has_avx2(void);
bool ldpc_encoder_has_avx512(void);

/* Encodes the K bits c (values 0, 1 or LDPC_FILLER) into the N bits d described above. 0, or -EINVAL for a bad
 * bg or z (not a lifting size, or above max_z). */
int ldpc_encode(struct ldpc_encoder *enc, int bg, int z, const uint8_t *c, uint8_t *d);

/* As ldpc_encode(), but only d[0 .. n_needed) is guaranteed written (whole parity blocks are computed, the
 * extension rows past n_needed are skipped): rate matching that reads less than the whole buffer, e.g. a high
 * code rate at rv 0, needs no more. n_needed >= N is a full encode. */
int ldpc_encode_partial(struct ldpc_encoder *enc, int bg, int z, const uint8_t *c, uint8_t *d, int n_needed);

#endif
