/* Reference LDPC decoder for tests and simulations: floating-point sum-product (belief propagation), not for the
 * slot path.
 *
 * Decodes the 38.212 5.3.2 codes (base graphs 1 and 2, any lifting size) from the same soft circular buffer as
 * phy/fec/ldpc_decoder.h (LLR = ln P(0)/P(1), the 2 Z_c punctured systematic bits absent, fillers at
 * LDPC_LLR_FILLER) with the exact check-node rule R = 2 atanh(prod tanh(Q/2)) in double precision, layered
 * schedule (rows in order), many iterations, stopping when H c = 0. It is the yardstick for the int8 min-sum
 * decoder: the BLER simulation compares the SNR both need. Rows whose extension parity column received no LLR
 * are skipped, as they carry no information (see ldpc_decoder.h).
 *
 * Not built by the wildcard Makefile: the programs that use it include ldpc_sum_product.c.
 *
 * Threading: one thread at a time per struct ldpc_sp; ldpc_sp_decode() does no allocation.
 */
#ifndef GNBD_TESTS_LDPC_SUM_PRODUCT_H
#define GNBD_TESTS_LDPC_SUM_PRODUCT_H

#include <stdbool.h>
#include <stdint.h>

struct ldpc_sp {
    int max_z;
    double *app; /* posterior per variable: 68 columns x max_z */
    double *msg; /* check-to-variable message per edge: 316 x max_z */
};

struct ldpc_sp_result {
    bool parity_ok; /* H c = 0 over the used rows */
    int iterations;
    int rows;
};

/* 0, -EINVAL, -ENOMEM. */
int ldpc_sp_init(struct ldpc_sp *sp, int max_z);
void ldpc_sp_free(struct ldpc_sp *sp);

/* soft[0 .. n_llr) as for ldpc_decode() -> the K hard bits c. 0 or -EINVAL. */
int ldpc_sp_decode(struct ldpc_sp *sp, int bg, int z, const float *soft, int n_llr, int max_iterations, uint8_t *c,
                   struct ldpc_sp_result *res);

#endif
