/* Reference sum-product LDPC decoder. See ldpc_sum_product.h. Written for clarity: one check node at a time. */
#include "tests/ldpc_ref/ldpc_sum_product.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/ldpc_tables.h"

#define SP_MAX_DEGREE 19
/* |prod tanh| is kept below 1 so that atanh stays finite: messages are bounded by about 2 atanh(1 - 1e-12). */
#define SP_TANH_MAX (1.0 - 1e-12)

int ldpc_sp_init(struct ldpc_sp *sp, int max_z)
{
    if (max_z < 2 || max_z > LDPC_Z_MAX)
        return -EINVAL;
    sp->max_z = max_z;
    sp->app = calloc((size_t)LDPC_MAX_COLS * (size_t)max_z, sizeof(double));
    sp->msg = calloc((size_t)LDPC_BG1_EDGES * (size_t)max_z, sizeof(double));
    if (!sp->app || !sp->msg) {
        ldpc_sp_free(sp);
        return -ENOMEM;
    }
    return 0;
}

void ldpc_sp_free(struct ldpc_sp *sp)
{
    free(sp->app);
    free(sp->msg);
    sp->app = sp->msg = NULL;
}

/* Check node k of row i: Q_e = app - R_e for its edges, then R_e = 2 atanh of the product of tanh(Q/2) over the
 * other edges (prefix and suffix products, so no division by a small tanh). */
static void check_node(struct ldpc_sp *sp, const struct ldpc_base_graph *g, const int *shift, int z, int i, int k)
{
    int e0 = g->row_start[i], deg = g->row_start[i + 1] - e0;
    double q[SP_MAX_DEGREE], t[SP_MAX_DEGREE], suffix[SP_MAX_DEGREE + 1];
    double *app[SP_MAX_DEGREE];
    for (int d = 0; d < deg; d++) {
        int e = e0 + d, pos = k + shift[e] < z ? k + shift[e] : k + shift[e] - z;
        app[d] = sp->app + (size_t)g->edges[e].j * z + pos;
        q[d] = *app[d] - sp->msg[(size_t)e * z + k];
        t[d] = tanh(0.5 * q[d]);
    }
    suffix[deg] = 1.0;
    for (int d = deg - 1; d >= 0; d--)
        suffix[d] = suffix[d + 1] * t[d];
    double prefix = 1.0;
    for (int d = 0; d < deg; d++) {
        double p = prefix * suffix[d + 1];
        p = p > SP_TANH_MAX ? SP_TANH_MAX : p < -SP_TANH_MAX ? -SP_TANH_MAX : p;
        double r = 2.0 * atanh(p);
        sp->msg[(size_t)(e0 + d) * z + k] = r;
        *app[d] = q[d] + r;
        prefix *= t[d];
    }
}

static bool parity_ok(const struct ldpc_sp *sp, const struct ldpc_base_graph *g, const int *shift, int z,
                      int rows)
{
    for (int i = 0; i < rows; i++)
        for (int k = 0; k < z; k++) {
            int x = 0;
            for (int e = g->row_start[i]; e < g->row_start[i + 1]; e++) {
                int pos = (k + shift[e]) % z;
                x ^= sp->app[(size_t)g->edges[e].j * z + pos] < 0;
            }
            if (x)
                return false;
        }
    return true;
}

int ldpc_sp_decode(struct ldpc_sp *sp, int bg, int z, const float *soft, int n_llr, int max_iterations, uint8_t *c,
                   struct ldpc_sp_result *res)
{
    const struct ldpc_base_graph *g = ldpc_base_graph_get(bg);
    int i_ls = ldpc_lifting_set_index(z);
    if (!g || i_ls < 0 || z > sp->max_z || n_llr < 0 || n_llr > ldpc_n(bg, z) || max_iterations < 1 || !c ||
        !res || (n_llr > 0 && !soft))
        return -EINVAL;
    int shift[LDPC_BG1_EDGES];
    for (int e = 0; e < g->num_edges; e++)
        shift[e] = ldpc_shift(&g->edges[e], i_ls, z);
    /* Circular buffer position n is variable 2 Z + n. */
    memset(sp->app, 0, (size_t)g->cols * (size_t)z * sizeof(double));
    int last_col = 0;
    for (int n = 0; n < n_llr; n++) {
        sp->app[2 * z + n] = soft[n];
        if (soft[n] != 0)
            last_col = 2 + n / z;
    }
    int rows = last_col - g->kb + 1;
    rows = rows < LDPC_CORE_ROWS ? LDPC_CORE_ROWS : rows > g->rows ? g->rows : rows;
    memset(sp->msg, 0, (size_t)g->row_start[rows] * (size_t)z * sizeof(double));

    *res = (struct ldpc_sp_result){ .rows = rows };
    while (res->iterations < max_iterations && !res->parity_ok) {
        for (int i = 0; i < rows; i++)
            for (int k = 0; k < z; k++)
                check_node(sp, g, shift, z, i, k);
        res->iterations++;
        res->parity_ok = parity_ok(sp, g, shift, z, rows);
    }
    for (int n = 0; n < g->kb * z; n++)
        c[n] = sp->app[n] < 0;
    return 0;
}
