/* Rate matching for LDPC-coded shared channels (DL-SCH, UL-SCH), both directions.
 *
 * Implements 38.212 5.4.2: bit selection from the circular buffer (5.4.2.1: N_cb with or without limited-buffer
 * rate matching, starting position k0 per redundancy version from Table 5.4.2.1-2, <NULL> filler bits skipped,
 * wrap-around when E exceeds the buffer) and bit interleaving (5.4.2.2), plus the E_r rule of 5.4.2.1 that splits
 * G over the code blocks. ldpc_rm_recover() is the receiver's inverse on LLRs: it de-interleaves E channel LLRs
 * and adds them into the code block's soft circular buffer (N values aligned with the encoder's d, see
 * ldpc_encoder.h), so repetitions and HARQ retransmissions with any rv combine there (chase/IR soft combining).
 * That soft buffer is what the LDPC decoder reads.
 *
 * Soft buffer convention: LLR = ln(P(0)/P(1)); ldpc_rm_soft_reset() starts a new transport block (zeros, and the
 * filler positions [K' - 2 Z_c, K - 2 Z_c) set to LDPC_LLR_FILLER, known zeros); positions never transmitted stay 0.
 *
 * Threading: pure functions over caller memory, no allocation, no shared state.
 */
#ifndef GNBD_PHY_FEC_LDPC_RM_H
#define GNBD_PHY_FEC_LDPC_RM_H

#include <stdint.h>

/* LLR of a filler bit in a soft buffer: a known 0, stronger than any channel LLR. */
#define LDPC_LLR_FILLER 1e7f

/* Everything that defines the rate matching of one code block. */
struct ldpc_rm_cfg {
    int bg;      /* base graph, 1 or 2 */
    int z;       /* lifting size Z_c */
    int k_prime; /* K': code block bits before the fillers (K - F) */
    int n_cb;    /* circular buffer length: N without LBRM, else ldpc_rm_n_cb() */
    int e;       /* E_r: rate-matched bits of this code block, a multiple of qm */
    int rv;      /* redundancy version 0..3 */
    int qm;      /* modulation order 1, 2, 4, 6 or 8 (1: no interleaving) */
};

/* 38.212 Table 5.4.2.1-2: starting position k0; -EINVAL for a bad bg or rv. */
int ldpc_rm_k0(int bg, int z, int n_cb, int rv);

/* 38.212 5.4.2.1: N_cb = N when tbs_lbrm is 0 (LBRM off), else min(N, floor(TBS_LBRM / (C R_LBRM))) with
 * R_LBRM = 2/3; -EINVAL for bad arguments. */
int ldpc_rm_n_cb(int bg, int z, int tbs_lbrm, int c);

/* 38.212 5.4.2.1: E_r of the r-th of c code blocks sharing g bits over n_layers layers of order qm (all code
 * blocks scheduled, C' = C); -EINVAL for bad arguments (including g not a multiple of n_layers * qm). */
int ldpc_rm_e_r(int g, int c, int qm, int n_layers, int r);

/* 0 when cfg describes a valid rate matching, else -EINVAL. */
int ldpc_rm_check(const struct ldpc_rm_cfg *cfg);

/* d (the N-bit circular buffer from ldpc_encode(), fillers included) -> f (E bits, interleaved). 0 or -EINVAL. */
int ldpc_rm_match(const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f);

/* Implementations of ldpc_rm_match(), identical output: portable C, and AVX2 byte shuffles for Qm = 6 (the other
 * orders vectorise well in C), chosen at run time from the CPU. */
enum ldpc_rm_impl {
    LDPC_RM_IMPL_AUTO, /* AVX2 when the CPU has it */
    LDPC_RM_IMPL_C,
    LDPC_RM_IMPL_AVX2, /* -ENOTSUP on a CPU without AVX2 */
};

/* ldpc_rm_match() with a chosen implementation. 0, -EINVAL, -ENOTSUP. */
int ldpc_rm_match_with(enum ldpc_rm_impl impl, const struct ldpc_rm_cfg *cfg, const uint8_t *d, uint8_t *f);

/* Starts a soft buffer of N = ldpc_n(bg, z) values for a new transport block. 0 or -EINVAL. */
int ldpc_rm_soft_reset(const struct ldpc_rm_cfg *cfg, float *soft);

/* llr_f (E LLRs in transmission order) -> added into soft (N values) at the circular-buffer positions they were
 * sent from. 0 or -EINVAL. */
int ldpc_rm_recover(const struct ldpc_rm_cfg *cfg, const float *llr_f, float *soft);

#endif
