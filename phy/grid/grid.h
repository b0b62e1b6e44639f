/* Resource grid: the complex REs of one or more OFDM symbols of one carrier, laid out [symbol][subcarrier].
 *
 * Subcarrier 0 is the lowest subcarrier of CRB 0 (point A; 38.211 4.4.4.2, with offsetToCarrier = 0 the carrier
 * starts there), so a subcarrier index is the k of 38.211 5.3.1 / 7.4.3.1 counted from point A. Symbol 0 is the
 * first OFDM symbol the grid holds (for a slot grid, l = 0 of the slot; 38.211 4.3.2). Empty REs are 0.
 *
 * Threading: a grid is plain memory owned by its user; grid_init/grid_free allocate and free, everything else is
 * an inline accessor. No locking.
 */
#ifndef GNBD_PHY_GRID_GRID_H
#define GNBD_PHY_GRID_GRID_H

#include <stddef.h>

#include "phy/types.h"

#define GRID_SYMBOLS_PER_SLOT 14   /* normal CP, 38.211 Table 4.3.2-1 */

struct grid {
    cf_t *re;              /* nof_symbols * nof_subcarriers REs, subcarrier fastest */
    int nof_symbols;
    int nof_subcarriers;   /* 12 N_RB */
};

/* Allocates a zeroed grid. Returns 0, -EINVAL for a non-positive size, -ENOMEM. */
int grid_init(struct grid *g, int nof_symbols, int nof_subcarriers);
void grid_free(struct grid *g);

/* Sets every RE to 0. */
void grid_clear(struct grid *g);

/* The nof_subcarriers REs of symbol l (0 <= l < nof_symbols). */
static inline cf_t *grid_symbol(const struct grid *g, int l)
{
    return g->re + (size_t)l * (size_t)g->nof_subcarriers;
}

#endif
