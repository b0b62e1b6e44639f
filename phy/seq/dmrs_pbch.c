/* PBCH DM-RS sequence, 38.211 7.4.1.4.1. See dmrs_pbch.h. */
#include "phy/seq/dmrs_pbch.h"

#include <errno.h>

#include "phy/seq/gold.h"

int dmrs_pbch_i_ssb_bar(int ssb_idx, int hrf, int l_max)
{
    if (ssb_idx < 0 || (hrf != 0 && hrf != 1))
        return -EINVAL;
    if (l_max == 4)
        return (ssb_idx & 3) + 4 * hrf;
    if (l_max == 8 || l_max == 64)
        return ssb_idx & 7;
    return -EINVAL;
}

uint32_t dmrs_pbch_c_init(int pci, int i_ssb_bar)
{
    uint32_t i = (uint32_t)i_ssb_bar + 1, n = (uint32_t)pci;
    return (i * (n / 4 + 1) << 11) + (i << 6) + n % 4;
}

int dmrs_pbch_sequence(int pci, int i_ssb_bar, cf_t out[DMRS_PBCH_LEN])
{
    if (pci < 0 || pci > 1007 || i_ssb_bar < 0 || i_ssb_bar > 7)
        return -EINVAL;
    const float a = 0.70710678118654752f;   /* 1/sqrt(2) */
    struct gold_gen g;
    gold_gen_start(&g, dmrs_pbch_c_init(pci, i_ssb_bar), 0);
    /* 2 * 144 = 288 = 9 words of c: each word gives 16 values of r(m). */
    for (int w = 0; w < 2 * DMRS_PBCH_LEN / 32; w++) {
        uint32_t c = gold_gen_next32(&g);
        for (int j = 0; j < 16; j++, c <<= 2) {
            float re = (c & 0x80000000u) ? -a : a;
            float im = (c & 0x40000000u) ? -a : a;
            out[16 * w + j] = re + im * I;
        }
    }
    return 0;
}
