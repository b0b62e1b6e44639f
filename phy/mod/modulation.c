/* Modulation mapping and max-log soft demapping, 38.211 5.1. See modulation.h. */
#include "phy/mod/modulation.h"

#include <errno.h>
#include <math.h>

#define MODULATION_MAX_LEVELS 16   /* amplitude levels per axis of 256QAM */
#define INV_SQRT2 0.70710678118654752f

int modulation_qm(enum modulation_scheme m)
{
    switch (m) {
    case MODULATION_BPSK:
    case MODULATION_PI2_BPSK: return 1;
    case MODULATION_QPSK: return 2;
    case MODULATION_16QAM: return 4;
    case MODULATION_64QAM: return 6;
    case MODULATION_256QAM: return 8;
    }
    return -EINVAL;
}

/* Amplitude levels of one axis of a square QAM with nb bits per axis, indexed by those bits MSB first (for the
 * real axis b(0) b(2) b(4) b(6)). 38.211 5.1.4-5.1.7 nest the same rule: with s_j = 1 - 2 b_j,
 *   level = s_0 (2^(nb-1) - s_1 (2^(nb-2) - s_2 (... - s_(nb-1))))
 * e.g. 64QAM: s_0 (4 - s_1 (2 - s_2)); scaled by 1/sqrt(2 (4^nb - 1) / 3) for unit average symbol energy. */
static void modulation_levels(int nb, float levels[MODULATION_MAX_LEVELS])
{
    float scale = 1.0f / sqrtf(2.0f * (float)((1 << (2 * nb)) - 1) / 3.0f);
    for (int idx = 0; idx < (1 << nb); idx++) {
        int t = 1;
        for (int j = nb - 1; j >= 1; j--) {
            int s = 1 - 2 * ((idx >> (nb - 1 - j)) & 1);
            t = (1 << (nb - j)) - s * t;
        }
        int s0 = 1 - 2 * ((idx >> (nb - 1)) & 1);
        levels[idx] = scale * (float)(s0 * t);
    }
}

static void modulation_map_bpsk(const uint8_t *bits, size_t n, cf_t *symbols, int pi2)
{
    for (size_t i = 0; i < n; i++) {
        float a = (bits[i] & 1u) ? -INV_SQRT2 : INV_SQRT2;
        /* 38.211 5.1.2: pi/2-BPSK multiplies odd symbols by e^(j pi/2) = j, i.e. (a + ja) -> (-a + ja). */
        float re = (pi2 && (i & 1)) ? -a : a;
        symbols[i] = re + a * I;
    }
}

static void modulation_map_qam(int qm, const uint8_t *bits, size_t nsym, cf_t *symbols)
{
    int nb = qm / 2;
    float levels[MODULATION_MAX_LEVELS];
    modulation_levels(nb, levels);
    for (size_t i = 0; i < nsym; i++, bits += qm) {
        unsigned ii = 0, iq = 0;
        for (int j = 0; j < nb; j++) {
            ii = (ii << 1) | (bits[2 * j] & 1u);
            iq = (iq << 1) | (bits[2 * j + 1] & 1u);
        }
        symbols[i] = levels[ii] + levels[iq] * I;
    }
}

int modulation_map(enum modulation_scheme m, const uint8_t *bits, size_t nbits, cf_t *symbols)
{
    int qm = modulation_qm(m);
    if (qm < 0 || nbits % (size_t)qm)
        return -EINVAL;
    if (qm == 1)
        modulation_map_bpsk(bits, nbits, symbols, m == MODULATION_PI2_BPSK);
    else
        modulation_map_qam(qm, bits, nbits / (size_t)qm, symbols);
    return 0;
}

static void modulation_demap_bpsk(const cf_t *y, size_t n, float gain, float *llr, int pi2)
{
    /* |y + s0|^2 - |y - s0|^2 = 4 Re(y conj(s0)) with s0 = (1 + j)/sqrt(2), or j (1 + j)/sqrt(2) for odd
     * pi/2-BPSK symbols. */
    float k = 4.0f * INV_SQRT2 * gain;
    for (size_t i = 0; i < n; i++) {
        float re = crealf(y[i]), im = cimagf(y[i]);
        llr[i] = k * (((pi2 && (i & 1)) ? -re : re) + im);
    }
}

static void modulation_demap_qpsk(const cf_t *y, size_t n, float gain, float *llr)
{
    /* One level +-1/sqrt(2) per axis: (y + a)^2 - (y - a)^2 = 4 a y. */
    float k = 4.0f * INV_SQRT2 * gain;
    for (size_t i = 0; i < n; i++) {
        llr[2 * i] = k * crealf(y[i]);
        llr[2 * i + 1] = k * cimagf(y[i]);
    }
}

/* Max-log LLRs of the nb bits of one axis: for each bit, the squared distance to the nearest level labelled 1
 * minus that to the nearest level labelled 0. Written to llr[0], llr[2], ... (the axis' bits interleave with the
 * other axis'). */
static void modulation_demap_axis(float y, const float *levels, int nb, float gain, float *llr)
{
    float d[MODULATION_MAX_LEVELS];
    int nlev = 1 << nb;
    for (int l = 0; l < nlev; l++)
        d[l] = (y - levels[l]) * (y - levels[l]);
    for (int j = 0; j < nb; j++) {
        unsigned mask = 1u << (nb - 1 - j);
        float min0 = INFINITY, min1 = INFINITY;
        for (int l = 0; l < nlev; l++) {
            if ((unsigned)l & mask)
                min1 = fminf(min1, d[l]);
            else
                min0 = fminf(min0, d[l]);
        }
        llr[2 * j] = gain * (min1 - min0);
    }
}

static void modulation_demap_qam(int qm, const cf_t *y, size_t n, float gain, float *llr)
{
    int nb = qm / 2;
    float levels[MODULATION_MAX_LEVELS];
    modulation_levels(nb, levels);
    for (size_t i = 0; i < n; i++, llr += qm) {
        modulation_demap_axis(crealf(y[i]), levels, nb, gain, llr);
        modulation_demap_axis(cimagf(y[i]), levels, nb, gain, llr + 1);
    }
}

int modulation_demap(enum modulation_scheme m, const cf_t *symbols, size_t nsymbols, float noise_var,
                     float *llr)
{
    int qm = modulation_qm(m);
    if (qm < 0 || !(noise_var > 0.0f) || !isfinite(noise_var))
        return -EINVAL;
    float gain = 1.0f / noise_var;
    if (qm == 1)
        modulation_demap_bpsk(symbols, nsymbols, gain, llr, m == MODULATION_PI2_BPSK);
    else if (qm == 2)
        modulation_demap_qpsk(symbols, nsymbols, gain, llr);
    else
        modulation_demap_qam(qm, symbols, nsymbols, gain, llr);
    return 0;
}
