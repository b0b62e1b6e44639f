/* PSS / SSS sequences, 38.211 7.4.2.2 and 7.4.2.3. See pss_sss.h. */
#include "phy/seq/pss_sss.h"

#include <errno.h>
#include <stdint.h>

/* Fills x(0..126) of the length-127 m-sequence x(i+7) = (x(i+tap) + x(i)) mod 2 from the initial value
 * [x(6) ... x(0)] given as a 7-bit number (bit i = x(i)). */
static void pss_sss_msequence(unsigned tap, unsigned init, uint8_t x[PSS_SSS_LEN])
{
    for (unsigned i = 0; i < 7; i++)
        x[i] = (uint8_t)((init >> i) & 1u);
    for (unsigned i = 0; i + 7 < PSS_SSS_LEN; i++)
        x[i + 7] = x[i + tap] ^ x[i];
}

int pss_sequence(int n_id_2, float out[PSS_SSS_LEN])
{
    if (n_id_2 < 0 || n_id_2 > 2)
        return -EINVAL;
    uint8_t x[PSS_SSS_LEN];
    /* 38.211 7.4.2.2.1: x(i+7) = (x(i+4) + x(i)) mod 2, [x(6)..x(0)] = [1 1 1 0 1 1 0]. */
    pss_sss_msequence(4, 0x76, x);
    for (unsigned n = 0; n < PSS_SSS_LEN; n++) {
        unsigned m = (n + 43u * (unsigned)n_id_2) % PSS_SSS_LEN;
        out[n] = 1.0f - 2.0f * x[m];
    }
    return 0;
}

int sss_sequence(int pci, float out[PSS_SSS_LEN])
{
    if (pci < 0 || pci >= PSS_SSS_NUM_PCI)
        return -EINVAL;
    unsigned n_id_1 = (unsigned)pci / 3, n_id_2 = (unsigned)pci % 3;
    uint8_t x0[PSS_SSS_LEN], x1[PSS_SSS_LEN];
    /* 38.211 7.4.2.3.1: x0(i+7) = (x0(i+4) + x0(i)) mod 2, x1(i+7) = (x1(i+1) + x1(i)) mod 2, both starting
     * from [x(6)..x(0)] = [0 0 0 0 0 0 1]. */
    pss_sss_msequence(4, 0x01, x0);
    pss_sss_msequence(1, 0x01, x1);
    unsigned m0 = 15 * (n_id_1 / 112) + 5 * n_id_2;
    unsigned m1 = n_id_1 % 112;
    for (unsigned n = 0; n < PSS_SSS_LEN; n++) {
        int a = 1 - 2 * x0[(n + m0) % PSS_SSS_LEN];
        int b = 1 - 2 * x1[(n + m1) % PSS_SSS_LEN];
        out[n] = (float)(a * b);
    }
    return 0;
}
