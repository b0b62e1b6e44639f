/* Modulation mapping and max-log soft demapping, 38.211 5.1. See modulation.h. */
#include "phy/mod/modulation.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>

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

/* Amplitude level of one axis of a square QAM with nb bits per axis, in units of the smallest amplitude, for the
 * axis bits idx read MSB first (for the real axis b(0) b(2) b(4) b(6)). 38.211 5.1.4-5.1.7 nest the same rule:
 * with s_j = 1 - 2 b_j,  level = s_0 (2^(nb-1) - s_1 (2^(nb-2) - s_2 (... - s_(nb-1)))),
 * e.g. 64QAM: s_0 (4 - s_1 (2 - s_2)). The result is an odd integer in -(2^nb - 1) .. 2^nb - 1. */
static int modulation_level_int(int nb, unsigned idx)
{
    int t = 1;
    for (int j = nb - 1; j >= 1; j--) {
        int s = 1 - 2 * (int)((idx >> (nb - 1 - j)) & 1u);
        t = (1 << (nb - j)) - s * t;
    }
    return (1 - 2 * (int)((idx >> (nb - 1)) & 1u)) * t;
}

/* Amplitude of level 1: 1/sqrt(2 (4^nb - 1) / 3) gives unit average symbol energy (1/sqrt(10) for 16QAM, ...). */
static float modulation_level_unit(int nb)
{
    return 1.0f / sqrtf(2.0f * (float)((1 << (2 * nb)) - 1) / 3.0f);
}

static void modulation_levels(int nb, float levels[MODULATION_MAX_LEVELS])
{
    float unit = modulation_level_unit(nb);
    for (unsigned idx = 0; idx < (1u << nb); idx++)
        levels[idx] = unit * (float)modulation_level_int(nb, idx);
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
    if (qm == 2) { /* QPSK (DM-RS, PDCCH): one bit per axis */
        for (size_t i = 0; i < nsym; i++)
            symbols[i] = CMPLXF(levels[bits[2 * i] & 1u], levels[bits[2 * i + 1] & 1u]);
        return;
    }
    for (size_t i = 0; i < nsym; i++, bits += qm) {
        unsigned ii = 0, iq = 0;
        for (int j = 0; j < nb; j++) {
            ii = (ii << 1) | (bits[2 * j] & 1u);
            iq = (iq << 1) | (bits[2 * j + 1] & 1u);
        }
        /* CMPLXF, not levels[ii] + levels[iq] * I: no multiply by 0 for the real part */
        symbols[i] = CMPLXF(levels[ii], levels[iq]);
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

/* Square QAM, exact max-log per axis as a piecewise-linear function. With x = y / unit (the levels are the odd
 * integers -(M-1) .. M-1), the metric of bit j, f_j(x) = min over b_j = 1 of (x - L)^2 - min over b_j = 0, changes
 * slope only where a nearest level changes: at the midpoints between levels of one subset, which for the nested
 * Gray labels of 38.211 5.1 are all even integers. The labels of -L and L differ only in the axis' first bit, so
 * f_0 is odd in x and the others even: f_j is tabulated on |x| over the intervals [2i, 2i + 2) (the last one open),
 * i = 0 .. M/2 - 1 (at most 8), as slope and intercept, and LLR_j = gain (S_j[i] |y| + C_j[i]), the sign of y
 * applied to bit 0 (S and C in units of y). */
static struct modulation_pwl pwl_tables[MODULATION_MAX_NB + 1];
static bool use_avx2;
static pthread_once_t pwl_once = PTHREAD_ONCE_INIT;

/* f_j(x) by brute force over the levels of an axis with nb bits. */
static double axis_metric(int nb, int j, double x)
{
    double best[2] = { 1e300, 1e300 };
    for (unsigned idx = 0; idx < (1u << nb); idx++) {
        double d = x - modulation_level_int(nb, idx);
        int b = (int)((idx >> (nb - 1 - j)) & 1u);
        best[b] = d * d < best[b] ? d * d : best[b];
    }
    return best[1] - best[0];
}

static void pwl_init_tables(void)
{
    for (int nb = 2; nb <= MODULATION_MAX_NB; nb++) {
        struct modulation_pwl *t = &pwl_tables[nb];
        double unit = modulation_level_unit(nb);
        t->nb = nb;
        t->half_inv_unit = (float)(0.5 / unit);
        t->max_interval = (float)((1 << (nb - 1)) - 1);
        for (int i = 0; i < (1 << (nb - 1)); i++)
            for (int j = 0; j < nb; j++) {
                /* two points inside the interval, where f_j is linear */
                double a1 = 2 * i + 0.5, a2 = 2 * i + 1.5, f1 = axis_metric(nb, j, a1), f2 = axis_metric(nb, j, a2);
                double slope = f2 - f1, icpt = f1 - slope * a1;
                t->slope[j][i] = (float)(slope * unit);
                t->icpt[j][i] = (float)(icpt * unit * unit);
            }
    }
#if defined(__x86_64__)
    use_avx2 = __builtin_cpu_supports("avx2");
#endif
}

const struct modulation_pwl *modulation_pwl_table(int qm)
{
    pthread_once(&pwl_once, pwl_init_tables);
    return qm == 4 || qm == 6 || qm == 8 ? &pwl_tables[qm / 2] : NULL;
}

static inline void demap_pwl_one(const struct modulation_pwl *t, float x, float g, float *o)
{
    float a = fabsf(x), q = a * t->half_inv_unit;
    /* the comparison first keeps huge or NaN inputs defined: NaN takes the last interval and gives NaN LLRs */
    int p = q < t->max_interval ? (int)q : (int)t->max_interval;
    for (int j = 0; j < t->nb; j++)
        o[2 * j] = g * (t->slope[j][p] * a + t->icpt[j][p]);
    o[0] = x < 0 ? -o[0] : o[0];
}

void modulation_demap_pwl_c(const struct modulation_pwl *t, const cf_t *y, const float *gain, float gain_c, size_t n,
                            float *llr)
{
    const float *yf = (const float *)y;
    for (size_t i = 0; i < n; i++, llr += 2 * t->nb) {
        float g = gain ? gain[i] : gain_c;
        demap_pwl_one(t, yf[2 * i], g, llr);
        demap_pwl_one(t, yf[2 * i + 1], g, llr + 1);
    }
}

static void demap_qam(int qm, const cf_t *y, const float *gain, float gain_c, size_t n, float *llr)
{
    const struct modulation_pwl *t = modulation_pwl_table(qm);
#if defined(__x86_64__)
    if (use_avx2) {
        modulation_demap_pwl_avx2(t, y, gain, gain_c, n, llr);
        return;
    }
#endif
    modulation_demap_pwl_c(t, y, gain, gain_c, n, llr);
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
        demap_qam(qm, symbols, NULL, gain, nsymbols, llr);
    return 0;
}

int modulation_demap_gain(enum modulation_scheme m, const cf_t *symbols, const float *gain, size_t nsymbols,
                          float *llr)
{
    int qm = modulation_qm(m);
    if (qm < 2 || !gain)
        return -EINVAL;
    if (qm > 2) {
        demap_qam(qm, symbols, gain, 0.0f, nsymbols, llr);
        return 0;
    }
    float k = 4.0f * INV_SQRT2;
    for (size_t i = 0; i < nsymbols; i++) {
        llr[2 * i] = k * gain[i] * crealf(symbols[i]);
        llr[2 * i + 1] = k * gain[i] * cimagf(symbols[i]);
    }
    return 0;
}
