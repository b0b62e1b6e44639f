/* Modulation mapping and max-log soft demapping, 38.211 5.1. See modulation.h. */
#include "phy/mod/modulation.h"

#include <errno.h>
#include <math.h>

#define MODULATION_MAX_NB 4        /* bits per axis of 256QAM */
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

/* Tables for the exact per-axis max-log metric. For each bit, one of the two hypotheses contains the nearest
 * level overall; the nearest level of the other is the closest level with that bit flipped just below or just
 * above the nearest level (levels lie on a line), so per bit only two candidates are compared. */
struct modulation_axis {
    float inv_unit;
    float level[MODULATION_MAX_LEVELS];      /* ascending: unit * (2p - (M - 1)) at position p */
    unsigned label[MODULATION_MAX_LEVELS];   /* axis bits of the level at position p */
    float flip_lo[MODULATION_MAX_LEVELS][MODULATION_MAX_NB];   /* nearest lower level with bit j flipped */
    float flip_hi[MODULATION_MAX_LEVELS][MODULATION_MAX_NB];   /* nearest higher one */
};

/* Stands in for a missing neighbour: far enough never to win, small enough that its square stays finite. */
#define MODULATION_FAR 1e18f

static void modulation_axis_init(struct modulation_axis *ax, int nb)
{
    int m = 1 << nb;
    float unit = modulation_level_unit(nb);
    ax->inv_unit = 1.0f / unit;
    for (unsigned idx = 0; idx < (unsigned)m; idx++)
        ax->label[(modulation_level_int(nb, idx) + m - 1) / 2] = idx;
    for (int p = 0; p < m; p++)
        ax->level[p] = unit * (float)(2 * p - (m - 1));
    for (int p = 0; p < m; p++) {
        for (int j = 0; j < nb; j++) {
            unsigned mask = 1u << (nb - 1 - j);
            ax->flip_lo[p][j] = -MODULATION_FAR;
            ax->flip_hi[p][j] = MODULATION_FAR;
            for (int q = p - 1; q >= 0; q--)
                if ((ax->label[q] ^ ax->label[p]) & mask) {
                    ax->flip_lo[p][j] = ax->level[q];
                    break;
                }
            for (int q = p + 1; q < m; q++)
                if ((ax->label[q] ^ ax->label[p]) & mask) {
                    ax->flip_hi[p][j] = ax->level[q];
                    break;
                }
        }
    }
}

/* Max-log LLRs of the nb bits of one axis, written to llr[0], llr[2], ... (interleaved with the other axis). */
static inline void modulation_demap_axis(const struct modulation_axis *ax, int nb, float y, float gain, float *llr)
{
    int m = 1 << nb;
    /* Nearest level by quantisation: decision boundaries lie at unit * (2p - M), p = 1 .. M-1. Comparisons
     * before the conversion keep huge or NaN inputs defined (NaN lands on p = 0 and yields NaN LLRs). */
    float t = 0.5f * (y * ax->inv_unit + (float)m);
    int p = t >= (float)(m - 1) ? m - 1 : t > 0.0f ? (int)t : 0;
    float dn = (y - ax->level[p]) * (y - ax->level[p]);
    for (int j = 0; j < nb; j++) {
        float lo = y - ax->flip_lo[p][j], hi = y - ax->flip_hi[p][j];
        float df = lo * lo < hi * hi ? lo * lo : hi * hi;
        /* LLR = (min over b=1 - min over b=0) / noise_var */
        llr[2 * j] = gain * ((ax->label[p] >> (nb - 1 - j)) & 1u ? dn - df : df - dn);
    }
}

static inline void modulation_demap_qam_nb(int nb, const cf_t *y, size_t n, float gain, float *llr)
{
    struct modulation_axis ax;
    modulation_axis_init(&ax, nb);
    for (size_t i = 0; i < n; i++, llr += 2 * nb) {
        modulation_demap_axis(&ax, nb, crealf(y[i]), gain, llr);
        modulation_demap_axis(&ax, nb, cimagf(y[i]), gain, llr + 1);
    }
}

/* One call per order with a constant nb, so that the compiler unrolls the per-bit loop. */
static void modulation_demap_qam(int qm, const cf_t *y, size_t n, float gain, float *llr)
{
    if (qm == 4)
        modulation_demap_qam_nb(2, y, n, gain, llr);
    else if (qm == 6)
        modulation_demap_qam_nb(3, y, n, gain, llr);
    else
        modulation_demap_qam_nb(4, y, n, gain, llr);
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
