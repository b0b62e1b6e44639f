/* Polar code construction and encoding for NR control channels (PBCH, PDCCH, UCI).
 *
 * Implements 38.212 5.3.1: the mother code length N (5.3.1), the input bit interleaver (5.3.1.1, Table
 * 5.3.1.1-1), the reliability sequence Q_0^{Nmax-1} (Table 5.3.1.2-1), the information / frozen / parity-check
 * bit sets (5.3.1.2, including the frozen bits forced by puncturing and shortening in 5.4.1.1) and the encoder
 * d = u G_N with the parity-check bit rule of 5.3.1.2. Rate matching is in polar_rm.h, decoding in
 * polar_decoder.h; both take the struct polar_code built here.
 *
 * Bits are unpacked: one bit per byte, value 0 or 1.
 *
 * Threading: a struct polar_code is plain data, built once by polar_code_init() (no allocation) and read-only
 * afterwards; any number of threads may encode/decode with the same code concurrently.
 */
#ifndef GNBD_PHY_FEC_POLAR_H
#define GNBD_PHY_FEC_POLAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLAR_N_MAX_LOG2 10
#define POLAR_N_MAX (1 << POLAR_N_MAX_LOG2) /* largest mother code (n_max = 10, UCI) */
#define POLAR_K_IL_MAX 164                 /* 38.212 5.3.1.1: K_IL^max */
#define POLAR_E_MAX 8192                   /* 38.212 5.3.1: E <= 8192 */

/* What one position u_n of the polar transform input carries. */
enum polar_bit_type { POLAR_BIT_FROZEN = 0, POLAR_BIT_INFO = 1, POLAR_BIT_PC = 2 };

/* 38.212 5.4.1.2 bit selection mode, which follows from (K, E, N). */
enum polar_rm_mode { POLAR_RM_REPETITION, POLAR_RM_PUNCTURING, POLAR_RM_SHORTENING };

/* Everything that defines one polar code and its rate matching, as plain data. */
struct polar_code_cfg {
    int K;       /* bits to encode, CRC included (A + L) */
    int E;       /* rate-matching output length */
    int n_max;   /* 9 for PBCH/PDCCH, 10 for UCI */
    bool i_il;   /* input bit interleaver (PBCH/PDCCH: 1) */
    bool i_bil;  /* coded bit interleaver of 5.4.1.3 (UCI: 1) */
    int n_pc;    /* parity-check bits (UCI with 12 <= A <= 19: 3, else 0) */
    int n_wm_pc; /* of which placed at minimum row weight (6.3.1.3.1: 1 when E - K + 3 > 192) */
};

struct polar_code {
    int K, E, N, n;                  /* N = 2^n */
    bool i_il, i_bil;
    int n_pc, n_wm_pc;
    enum polar_rm_mode rm_mode;
    uint8_t bit_type[POLAR_N_MAX];   /* enum polar_bit_type of u_0..u_{N-1} */
    uint16_t il[POLAR_K_IL_MAX];     /* 5.3.1.1 Pi(k): c'_k = c_{Pi(k)} (when i_il) */
};

/* 38.212 Table 5.3.1.2-1: Q_0^{1023}, bit indices in ascending reliability. */
extern const uint16_t polar_reliability_q[POLAR_N_MAX];
/* 38.212 Table 5.3.1.1-1: Pi_IL^max(m), m = 0..163. */
extern const uint8_t polar_il_pattern_max[POLAR_K_IL_MAX];

/* 38.212 Table 5.4.1.1-1: sub-block interleaver pattern P(i), i = 0..31. */
extern const uint8_t polar_subblock_p[32];

/* 38.212 5.4.1.1: J(n) = P(floor(32 n / N)) N/32 + n mod N/32, so that y_n = d_{J(n)}. */
static inline int polar_subblock_j(int N, int n)
{
    int shift = __builtin_ctz((unsigned)N) - 5; /* N is a power of two >= 32: N/32 = 2^shift */
    return (polar_subblock_p[n >> shift] << shift) + (n & ((1 << shift) - 1));
}

/* Mother code length exponent n of 38.212 5.3.1 (N = 2^n); -EINVAL for K or E out of range. */
int polar_code_length_log2(int K, int E, int n_max);

/* Builds the code for cfg (no allocation). -EINVAL when the parameters are outside what 38.212 allows
 * (K < 1, E < K + n_pc, E > 8192, n_max not 9/10, i_il with K > 164, n_pc > 3, n_wm_pc > n_pc, or fewer
 * non-frozen positions than K + n_pc). */
int polar_code_init(struct polar_code *code, const struct polar_code_cfg *cfg);

/* 5.3.1.1 + 5.3.1.2: encodes the K bits c (CRC attached, before input interleaving) into the N bits d. */
int polar_encode(const struct polar_code *code, const uint8_t *c, uint8_t *d);

/* In-place x = x G_N (N a power of two); its own inverse. */
void polar_transform(uint8_t *x, int N);

/* Writes the interleaved sequence c'_k = c_{Pi(k)} (or a copy when !i_il). */
void polar_interleave_input(const struct polar_code *code, const uint8_t *c, uint8_t *c_il);

/* The inverse: c_{Pi(k)} = c'_k. */
void polar_deinterleave_input(const struct polar_code *code, const uint8_t *c_il, uint8_t *c);

#endif
