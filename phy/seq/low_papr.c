/* Low-PAPR sequences of length 12 and PUCCH cyclic-shift hopping: 38.211 5.2.2.2, 6.3.2.2. See low_papr.h. */
#include "phy/seq/low_papr.h"

#include <errno.h>

#include "phy/seq/gold.h"

/* 38.211 Table 5.2.2.2-2, phi(0..11) per u. */
const int8_t low_papr_phi12[LOW_PAPR_NUM_GROUPS][LOW_PAPR_LEN12] = {
    { -3, 1, -3, -3, -3, 3, -3, -1, 1, 1, 1, -3 },   { -3, 3, 1, -3, 1, 3, -1, -1, 1, 3, 3, 3 },
    { -3, 3, 3, 1, -3, 3, -1, 1, 3, -3, 3, -3 },     { -3, -3, -1, 3, 3, 3, -3, 3, -3, 1, -1, -3 },
    { -3, -1, -1, 1, 3, 1, 1, -1, 1, -1, -3, 1 },    { -3, -3, 3, 1, -3, -3, -3, -1, 3, -1, 1, 3 },
    { 1, -1, 3, -1, -1, -1, -3, -1, 1, 1, 1, -3 },   { -1, -3, 3, -1, -3, -3, -3, -1, 1, -1, 1, -3 },
    { -3, -1, 3, 1, -3, -1, -3, 3, 1, 3, 3, 1 },     { -3, -1, -1, -3, -3, -1, -3, 3, 1, 3, -1, -3 },
    { -3, 3, -3, 3, 3, -3, -1, -1, 3, 3, 1, -3 },    { -3, -1, -3, -1, -1, -3, 3, 3, -1, -1, 1, -3 },
    { -3, -1, 3, -3, -3, -1, -3, 1, -1, -3, 3, 3 },  { -3, 1, -1, -1, 3, 3, -3, -1, -1, -3, -1, -3 },
    { 1, 3, -3, 1, 3, 3, 3, 1, -1, 1, -1, 3 },       { -3, 1, 3, -1, -1, -3, -3, -1, -1, 3, 1, -3 },
    { -1, -1, -1, -1, 1, -3, -1, 3, 3, -1, -3, 1 },  { -1, 1, 1, -1, 1, 3, 3, -1, -1, -3, 1, -3 },
    { -3, 1, 3, 3, -1, -1, -3, 3, 3, -3, 3, -3 },    { -3, -3, 3, -3, -1, 3, 3, 3, -1, -3, 1, -3 },
    { 3, 1, 3, 1, 3, -3, -1, 1, 3, 1, -1, -3 },      { -3, 3, 1, 3, -3, 1, 1, 1, 1, 3, -3, 3 },
    { -3, 3, 3, 3, -1, -3, -3, -1, -3, 1, 3, -3 },   { 3, -1, -3, 3, -3, -1, 3, 3, 3, -3, -1, -3 },
    { -3, -1, 1, -3, 1, 3, 3, 3, -1, -3, 3, 3 },     { -3, 3, 1, -1, 3, 3, -3, 1, -1, 1, -1, 1 },
    { -1, 1, 3, -3, 1, -1, 1, -1, -1, -3, 1, -1 },   { -3, -3, 3, 3, 3, -3, -1, 1, -3, 3, 1, -3 },
    { 1, -1, 3, 1, 1, -1, -1, -1, 1, 3, -3, 1 },     { -3, 3, -3, 3, -3, -3, 3, -1, -1, 1, 3, -3 },
};

/* cos(2 pi k / 24), k = 0..23: every phase here is a multiple of 2 pi / 24 (phi pi / 4 and 2 pi cs n / 12). */
static const float cos24[24] = {
    1.0f,          0.965925826f,  0.866025404f,  0.707106781f,  0.5f,          0.258819045f,
    0.0f,          -0.258819045f, -0.5f,         -0.707106781f, -0.866025404f, -0.965925826f,
    -1.0f,         -0.965925826f, -0.866025404f, -0.707106781f, -0.5f,         -0.258819045f,
    0.0f,          0.258819045f,  0.5f,          0.707106781f,  0.866025404f,  0.965925826f,
};

/* e^{j 2 pi k / 24} for any k >= 0; sin(x) = cos(x - pi/2), i.e. 6 steps back. */
static cf_t unit_phase24(int k)
{
    return cos24[k % 24] + I * cos24[(k + 18) % 24];
}

int low_papr_base12(int u, cf_t r[LOW_PAPR_LEN12])
{
    return low_papr_seq12(u, 0, r);
}

int low_papr_seq12(int u, int cs, cf_t r[LOW_PAPR_LEN12])
{
    if (u < 0 || u >= LOW_PAPR_NUM_GROUPS)
        return -EINVAL;
    cs %= LOW_PAPR_LEN12;
    if (cs < 0)
        cs += LOW_PAPR_LEN12;
    for (int n = 0; n < LOW_PAPR_LEN12; n++) {
        /* phi pi/4 + 2 pi cs n / 12 = 2 pi (3 phi + 2 cs n) / 24 */
        r[n] = unit_phase24(3 * low_papr_phi12[u][n] + 24 + 2 * cs * n);
    }
    return 0;
}

int low_papr_cs_hopping(uint16_t n_id, int slot, uint8_t n_cs[LOW_PAPR_SYMBOLS_PER_SLOT])
{
    if (slot < 0)
        return -EINVAL;
    uint8_t c[8 * LOW_PAPR_SYMBOLS_PER_SLOT];
    gold_sequence(n_id, (uint32_t)(8 * LOW_PAPR_SYMBOLS_PER_SLOT * slot), c, sizeof c);
    for (int l = 0; l < LOW_PAPR_SYMBOLS_PER_SLOT; l++) {
        unsigned v = 0;
        for (int m = 0; m < 8; m++)
            v |= (unsigned)c[8 * l + m] << m;
        n_cs[l] = (uint8_t)v;
    }
    return 0;
}
