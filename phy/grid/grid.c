/* Resource grid allocation. See grid.h. */
#include "phy/grid/grid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int grid_init(struct grid *g, int nof_symbols, int nof_subcarriers)
{
    memset(g, 0, sizeof(*g));
    if (nof_symbols <= 0 || nof_subcarriers <= 0)
        return -EINVAL;
    g->re = calloc((size_t)nof_symbols * (size_t)nof_subcarriers, sizeof(cf_t));
    if (!g->re)
        return -ENOMEM;
    g->nof_symbols = nof_symbols;
    g->nof_subcarriers = nof_subcarriers;
    return 0;
}

void grid_free(struct grid *g)
{
    free(g->re);
    memset(g, 0, sizeof(*g));
}

void grid_clear(struct grid *g)
{
    if (g->re)
        memset(g->re, 0, (size_t)g->nof_symbols * (size_t)g->nof_subcarriers * sizeof(cf_t));
}
