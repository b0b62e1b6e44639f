/* PUCCH resources before dedicated configuration: 38.213 9.2.1, Table 9.2.1-1. See pucch_common.h. */
#include "phy/ch/pucch_common.h"

#include <errno.h>
#include <string.h>

#define F0 PUCCH_FORMAT_0
#define F1 PUCCH_FORMAT_1
#define CS2 2, { 0, 6 }
#define CS3 3, { 0, 4, 8 }
#define CS4 4, { 0, 3, 6, 9 }

const struct pucch_common_row pucch_common_table[PUCCH_COMMON_ROWS] = {
    { F0, 12, 2, 0, 2, { 0, 3 } },
    { F0, 12, 2, 0, CS3 },
    { F0, 12, 2, 3, CS3 },
    { F1, 10, 4, 0, CS2 },
    { F1, 10, 4, 0, CS4 },
    { F1, 10, 4, 2, CS4 },
    { F1, 10, 4, 4, CS4 },
    { F1, 4, 10, 0, CS2 },
    { F1, 4, 10, 0, CS4 },
    { F1, 4, 10, 2, CS4 },
    { F1, 4, 10, 4, CS4 },
    { F1, 0, 14, 0, CS2 },
    { F1, 0, 14, 0, CS4 },
    { F1, 0, 14, 2, CS4 },
    { F1, 0, 14, 4, CS4 },
    { F1, 0, 14, PUCCH_COMMON_OFFSET_QUARTER, CS4 },
};

int pucch_common_r(int n_cce0, int nof_cce, int delta_pri)
{
    if (nof_cce < 1 || n_cce0 < 0 || n_cce0 >= nof_cce || delta_pri < 0 || delta_pri > 7)
        return -EINVAL;
    return 2 * n_cce0 / nof_cce + 2 * delta_pri;
}

int pucch_common_resource(int index, int r_pucch, int bwp_size, struct pucch_resource *res)
{
    if (index < 0 || index >= PUCCH_COMMON_ROWS || r_pucch < 0 || r_pucch > 15 || bwp_size < 1 || !res)
        return -EINVAL;
    const struct pucch_common_row *row = &pucch_common_table[index];
    int offset = row->prb_offset == PUCCH_COMMON_OFFSET_QUARTER ? bwp_size / 4 : row->prb_offset;
    int r = r_pucch % 8, step = r / row->nof_cs;
    int low = offset + step, high = bwp_size - 1 - offset - step;
    if (low < 0 || low >= bwp_size || high < 0 || high >= bwp_size)
        return -EINVAL;
    memset(res, 0, sizeof(*res));
    res->format = row->format;
    res->start_prb = r_pucch < 8 ? low : high;
    res->second_hop_prb = r_pucch < 8 ? high : low;
    res->intra_slot_hopping = true;
    res->start_symbol = row->first_symbol;
    res->nof_symbols = row->nof_symbols;
    res->nof_prb = 1;
    res->initial_cs = row->cs[r % row->nof_cs];
    res->time_domain_occ = 0;
    return 0;
}
