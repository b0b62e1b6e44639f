/* UCI channel coding for PUCCH formats 2-4 (payload bits to the rate-matched codeword, and back), and the 1-2 bit
 * HARQ-ACK code of UCI on PUSCH (uci_small_encode()).
 *
 * Implements 38.212 6.3.1 for one code block (no segmentation):
 *   6.3.1.2  CRC: none for A <= 11; CRC6 for 12 <= A <= 19; CRC11 for A >= 20 (5.1)
 *   6.3.1.3  A = 3..11: the (32, A) block code of 5.3.3.3, d_i = sum_k a_k M_i,k mod 2 with the basis sequences
 *            of Table 5.3.3.3-1; A >= 12: polar code (5.3.1) with n_max = 10, I_IL = 0, n_PC = 3 for A <= 19
 *            (n_PC^wm = 1 when E - K + 3 > 192), else n_PC = 0
 *   6.3.1.4  rate matching: block code e_k = d_(k mod 32) (5.4.3); polar 5.4.1 with I_BIL = 1
 * A = 1 and 2 (5.3.3.1/5.3.3.2) belong to formats 0/1, which carry them without coding. Segmentation (A >= 360
 * with E >= 1088, or A >= 1013) is not implemented: format 2 carries at most E = 512 bits.
 *
 * Decoding takes E LLRs (LLR = ln P(0)/P(1), positive means 0): the block code by maximum-likelihood correlation
 * over all 2^A codewords (the repeated LLRs are first summed onto the 32 code bits; each codeword's correlation is
 * four table look-ups, 8 bits each); the polar code by the CRC-aided SCL decoder of polar_decoder.h.
 *
 * Threading: uci_encode and uci_rm_* are pure. struct uci_decoder holds the polar decoder workspace from
 * uci_decoder_init(); one per thread; nothing allocates after init.
 */
#ifndef GNBD_PHY_CH_UCI_H
#define GNBD_PHY_CH_UCI_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/fec/polar_decoder.h"

#define UCI_RM_N 32          /* block code length */
#define UCI_RM_MAX_A 11
#define UCI_MIN_A 3
#define UCI_MAX_A 359        /* one code block (38.212 6.3.1.2.1) */
#define UCI_MAX_E 1087

/* HARQ-ACK of A = 1 or 2 bits on PUSCH (38.212 5.3.3.1, 5.3.3.2; 6.3.2.3.1 picks them for A < 3): the coded block
 * d of N bits, N = Q_m (A = 1) or 3 Q_m (A = 2, Q_m = 1: N = 3), with c0 = a0, c1 = a1, c2 = (c0 + c1) mod 2:
 *   A = 1: [c0] (Q_m = 1), [c0 y] (Q_m = 2), [c0 y x .. x] (Q_m - 2 x) for Q_m = 4, 6, 8
 *   A = 2: [c0 c1 c2] (Q_m = 1), [c0 c1 c2 c0 c1 c2] (Q_m = 2), [c0 c1 x..x c2 c0 x..x c1 c2 x..x] (Q_m >= 4)
 * "x" and "y" are the placeholders that PUSCH scrambling (38.211 6.3.1.1) turns into 1 and into a copy of the
 * previous scrambled bit (the symbols land on the constellation's outer corners). Rate matching (5.4.3,
 * 6.3.2.4.1) repeats the block: e_k = d_(k mod N) for k < E = Q'_ACK Q_m. */
#define UCI_BIT_X 2          /* placeholder "x" in d */
#define UCI_BIT_Y 3          /* placeholder "y" in d */
#define UCI_SMALL_MAX_N 24   /* 3 Q_m for 256QAM */

/* d of the A = 1..2 bits a for modulation order qm (1, 2, 4, 6, 8). Returns N, or -EINVAL. */
int uci_small_encode(const uint8_t *a, int A, int qm, uint8_t d[UCI_SMALL_MAX_N]);

/* 38.212 Table 5.3.3.3-1: M_i,n for i = 0..31, n = 0..10. */
extern const uint8_t uci_rm_basis[UCI_RM_N][UCI_RM_MAX_A];

/* CRC length L of 38.212 6.3.1.2.1 for A payload bits: 0 (A <= 11), 6 (A <= 19), 11. */
int uci_crc_length(int A);

/* 38.212 5.3.3.3: d (32 bits) of the A = 1..11 bits a. Returns 0 or -EINVAL. */
int uci_rm_encode(const uint8_t *a, int A, uint8_t d[UCI_RM_N]);

/* The whole chain of 6.3.1.2-6.3.1.4: f = E coded bits of the A payload bits a (A = 3..UCI_MAX_A).
 * Returns 0, or -EINVAL for A or E out of range (E < A + L + n_PC for polar, E < 1 or > UCI_MAX_E). */
int uci_encode(const uint8_t *a, int A, int E, uint8_t *f);

/* Maximum-likelihood decision on the (32, A) code from E LLRs. Writes a (A bits); *corr gets the winning
 * correlation sum_i (1 - 2 d_i) llr_i. Returns 0 or -EINVAL. */
int uci_rm_decode(const float *llr, int E, int A, uint8_t *a, float *corr);

struct uci_decoder {
    struct polar_decoder dec;
    float llr_d[1 << POLAR_N_MAX_LOG2];
    uint8_t c[UCI_MAX_A + 11];
};

/* list_size: SCL list (0 = 8). Returns 0, -EINVAL, -ENOMEM. */
int uci_decoder_init(struct uci_decoder *d, int list_size);
void uci_decoder_free(struct uci_decoder *d);

/* Decodes E LLRs into A bits a. Returns 1 when the payload is trusted (polar: the CRC passed; block code:
 * always, it has no check), 0 when the CRC failed (a still holds the best path), -EINVAL for bad arguments. */
int uci_decode(struct uci_decoder *d, const float *llr, int E, int A, uint8_t *a);

#endif
