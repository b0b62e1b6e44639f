/* Polar rate matching and its inverse: 38.212 5.4.1. See polar_rm.h. */
#include "phy/fec/polar_rm.h"


/* Walks the 5.4.1.3 coded-bit interleaver: the E bits fill a triangle of side T row by row (row i holds
 * T - i bits) and are read column by column, skipping the <NULL> cells past E. Each call returns the index k of
 * e_k that goes out next. Without i_bil it is the identity. */
struct bil_iter {
    int E, T, i, j, k;
    int enabled;
};

static void bil_start(struct bil_iter *it, int E, int enabled)
{
    int T = 0;
    while (T * (T + 1) / 2 < E)
        T++;
    *it = (struct bil_iter){ .E = E, .T = T, .enabled = enabled };
}

static int bil_next(struct bil_iter *it)
{
    if (!it->enabled)
        return it->k++;
    for (;;) {
        if (it->i >= it->T - it->j) { /* column j has T - j cells */
            it->j++;
            it->i = 0;
        }
        int i = it->i++;
        int k = i * it->T - i * (i - 1) / 2 + it->j; /* row i starts after sum_{r<i} (T - r) cells */
        if (k < it->E)
            return k;
    }
}

/* Index into d of the bit that becomes e_k: 5.4.1.2 bit selection on y, then y_n = d_{J(n)} (5.4.1.1). */
static int e_to_d(const struct polar_code *code, int k)
{
    int n;
    switch (code->rm_mode) {
    case POLAR_RM_REPETITION: n = k & (code->N - 1); break; /* N is a power of two */
    case POLAR_RM_PUNCTURING: n = k + code->N - code->E; break;
    default: n = k; break;
    }
    return polar_subblock_j(code->N, n);
}

int polar_rm_match(const struct polar_code *code, const uint8_t *d, uint8_t *f)
{
    struct bil_iter it;
    bil_start(&it, code->E, code->i_bil);
    for (int out = 0; out < code->E; out++)
        f[out] = d[e_to_d(code, bil_next(&it))];
    return 0;
}

int polar_rm_recover(const struct polar_code *code, const float *llr_f, float *llr_d)
{
    int N = code->N;
    for (int i = 0; i < N; i++)
        llr_d[i] = 0.0f; /* punctured bits stay unknown */
    if (code->rm_mode == POLAR_RM_SHORTENING)
        for (int n = code->E; n < N; n++)
            llr_d[polar_subblock_j(N, n)] = POLAR_LLR_KNOWN_ZERO;
    struct bil_iter it;
    bil_start(&it, code->E, code->i_bil);
    for (int out = 0; out < code->E; out++)
        llr_d[e_to_d(code, bil_next(&it))] += llr_f[out];
    return 0;
}
