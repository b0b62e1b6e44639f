/* CRC-aided successive-cancellation list (SCL) decoder for the NR polar codes of polar.h.
 *
 * Decodes the N coded-bit LLRs d (from polar_rm_recover(), LLR > 0 meaning 0) into the K bits c of 38.212
 * 5.3.1, undoing the input interleaver of 5.3.1.1 and following the parity-check bits of 5.3.1.2 on every path.
 * Each path carries its own LLR tree (min-sum f, exact g) and a path metric (the LLR-domain approximation:
 * a decision against the sign of its LLR costs |LLR|). At each information bit every path forks and the L
 * best survive. Subtrees whose bits are all frozen (rate-0 nodes) are decided in one step with the same metric
 * the bit-by-bit walk would give. At the end the paths are tried best metric first and the first that passes the CRC is
 * returned, so L = 8 with a 24-bit CRC keeps the false-alarm rate near 8 * 2^-24 per decode.
 *
 * The CRC check covers the three NR uses: plain (PBCH, UCI), and the DCI form of 38.212 7.3.2 (CRC over 24
 * ones followed by the payload, its last 16 parity bits XORed with the RNTI).
 *
 * Threading: polar_decoder_init() allocates the workspace for a list size and largest code; polar_decode()
 * never allocates and may run on the slot path. One decoder object per thread; the struct polar_code may be
 * shared.
 */
#ifndef GNBD_PHY_FEC_POLAR_DECODER_H
#define GNBD_PHY_FEC_POLAR_DECODER_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/fec/crc.h"
#include "phy/fec/polar.h"

#define POLAR_LIST_MAX 32
#define POLAR_CRC_PREFIX_MAX 24 /* 38.212 7.3.2: 24 ones before the DCI payload */

struct polar_decoder_cfg {
    int list_size;  /* L, 1..POLAR_LIST_MAX (1 = plain SC); 8 is the usual choice */
    int n_max_log2; /* largest code the decoder will see: N <= 2^n_max_log2, 5..10 */
};

/* How to check a candidate c_0..c_{K-1} = payload a_0..a_{A-1} followed by L parity bits. */
struct polar_crc_check {
    enum crc_type type;
    int n_ones_prefix;  /* ones the CRC is computed over before the payload (0, or 24 for DCI) */
    uint32_t xor_mask;  /* XORed into the L-bit parity value, p_0 = MSB (the RNTI for DCI, else 0) */
};

struct polar_decoder_result {
    bool crc_ok;        /* a path passed the CRC; false also when no check was asked for */
    int list_rank;      /* rank (0 = best metric) of the path returned */
    float path_metric;  /* its metric: sum of |LLR| of the decisions against the LLR sign */
};

struct polar_decoder {
    int list_size, n_max_log2;
    void *mem;            /* one block holding everything below */
    float *alpha;         /* per path: LLRs of tree levels 0..n-1, level j at offset 2^j - 1 (N floats) */
    uint8_t *beta;        /* per path: partial sums, level j at offset 2^(j+1) - 2, two nodes per level (2N) */
    uint8_t *ubits;       /* per path: decoded c'_k (N) */
    float *pm;            /* per path metric */
    float *lambda;        /* per path leaf LLR of the current bit */
    uint8_t *y;           /* per path parity-check register (bit i = y_i) */
    uint8_t *active;      /* per path */
    uint8_t *u;           /* per path decision of the current bit */
    float *cand_pm;       /* 2L candidate metrics */
    uint16_t *cand_order; /* 2L */
    uint8_t *cand_keep;   /* 2L */
    uint8_t *scratch;     /* CRC input: prefix + K bits */
    uint16_t *frozen_run; /* N: consecutive frozen bits from each position (finds rate-0 nodes) */
};

/* -EINVAL for a bad cfg, -ENOMEM. */
int polar_decoder_init(struct polar_decoder *dec, const struct polar_decoder_cfg *cfg);
void polar_decoder_free(struct polar_decoder *dec);

/* Decodes llr_d (code->N LLRs) into c (code->K bits, CRC included, input interleaving undone). crc may be NULL
 * (no check: the best path is returned, crc_ok = false). Returns 0, or -EINVAL when the code does not fit the
 * decoder or the CRC does not fit the code. */
int polar_decode(struct polar_decoder *dec, const struct polar_code *code, const float *llr_d,
                 const struct polar_crc_check *crc, uint8_t *c, struct polar_decoder_result *res);

#endif
