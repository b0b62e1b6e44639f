/* Zadoff-Chu sequences. See zc.h. */
#include "phy/seq/zc.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>

int zc_sequence(int len, int u, int c_v, cf_t *out)
{
    if (len < 2 || len > ZC_MAX_LEN || u < 1 || u >= len || c_v < 0 || c_v >= len)
        return -EINVAL;
    int64_t two_l = 2 * (int64_t)len;
    for (int n = 0; n < len; n++) {
        int64_t i = (n + c_v) % len;
        /* u i (i + 1) is even, so exp(-j pi u i (i + 1) / L) only depends on it modulo 2 L. */
        int64_t r = ((int64_t)u * (i * (i + 1) % two_l)) % two_l;
        double arg = -M_PI * (double)r / (double)len;
        out[n] = (float)cos(arg) + I * (float)sin(arg);
    }
    return 0;
}
