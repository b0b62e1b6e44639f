/* SS/PBCH block RE positions: 38.211 7.4.3.1, Table 7.4.3.1-1. See ssb_map.h. */
#include "phy/ch/ssb_map.h"

#include <errno.h>

/* Symbols 1 and 3 carry PBCH over the whole block; symbol 2 only on the 48 subcarriers either side of the SSS. */
static int pbch_symbol_has_k(int l, int k) { return l != 2 || k < 48 || k >= 192; }

/* Walks l = 1..3, k = 0..239 in mapping order and keeps the PBCH-bearing REs whose DM-RS-ness is `dmrs`. */
static int collect(int pci, int dmrs, uint16_t *idx)
{
    if (pci < 0 || pci > 1007)
        return -EINVAL;
    int nu = pci % 4, n = 0;
    for (int l = 1; l <= 3; l++)
        for (int k = 0; k < SSB_NUM_SUBCARRIERS; k++)
            if (pbch_symbol_has_k(l, k) && ((k % 4 == nu) == dmrs))
                idx[n++] = (uint16_t)(l * SSB_NUM_SUBCARRIERS + k);
    return n;
}

int ssb_pbch_re_positions(int pci, uint16_t idx[SSB_PBCH_NUM_RE]) { return collect(pci, 0, idx); }

int ssb_pbch_dmrs_re_positions(int pci, uint16_t idx[SSB_PBCH_DMRS_NUM_RE]) { return collect(pci, 1, idx); }
