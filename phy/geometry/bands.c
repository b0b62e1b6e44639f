/* NR operating bands and frequency rasters (see bands.h). */
#include "phy/geometry/bands.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

/* 38.101-1 Table 5.4.3.3-1 NOTEs: bands whose 15 kHz (Case A) SS raster is an explicit list of GSCNs. */
static const uint16_t gscn_n34_a[] = {5032, 5043, 5054};
static const uint16_t gscn_n38_a[] = {6432, 6443, 6457, 6468, 6479, 6493, 6507, 6518, 6532, 6543};
static const uint16_t gscn_n39_a[] = {4707, 4715, 4718, 4729, 4732, 4743, 4747,
                                      4754, 4761, 4768, 4772, 4782, 4786, 4793};

#define LIST(a) (a), (int)(sizeof(a) / sizeof((a)[0]))
/* A 100 kHz channel raster (NR-ARFCN step 20 below 3 GHz) serving every SCS. */
#define R100(ul_first, ul_last, dl_first, dl_last) {0, 100, (dl_first), (dl_last), (ul_first), (ul_last), 20}
#define FDD BAND_DUPLEX_FDD
#define TDD BAND_DUPLEX_TDD
#define A SSB_PATTERN_A
#define B SSB_PATTERN_B
#define C SSB_PATTERN_C

/* 38.101-1 Tables 5.2-1 (kHz), 5.4.2.3-1 and 5.4.3.3-1 (Rel-17 values). TDD bands repeat the DL range as UL. */
static const struct band_info band_table[] = {
    {1, FDD, 1920000, 1980000, 2110000, 2170000, {R100(384000, 396000, 422000, 434000)}, 1,
     {{15, A, 5279, 1, 5419, NULL, 0}}, 1, false},
    {2, FDD, 1850000, 1910000, 1930000, 1990000, {R100(370000, 382000, 386000, 398000)}, 1,
     {{15, A, 4829, 1, 4969, NULL, 0}}, 1, false},
    {3, FDD, 1710000, 1785000, 1805000, 1880000, {R100(342000, 357000, 361000, 376000)}, 1,
     {{15, A, 4517, 1, 4693, NULL, 0}}, 1, false},
    {5, FDD, 824000, 849000, 869000, 894000, {R100(164800, 169800, 173800, 178800)}, 1,
     {{15, A, 2177, 1, 2230, NULL, 0}, {30, B, 2183, 1, 2224, NULL, 0}}, 2, false},
    {7, FDD, 2500000, 2570000, 2620000, 2690000, {R100(500000, 514000, 524000, 538000)}, 1,
     {{15, A, 6554, 1, 6718, NULL, 0}}, 1, false},
    {8, FDD, 880000, 915000, 925000, 960000, {R100(176000, 183000, 185000, 192000)}, 1,
     {{15, A, 2318, 1, 2395, NULL, 0}}, 1, false},
    {12, FDD, 699000, 716000, 729000, 746000, {R100(139800, 143200, 145800, 149200)}, 1,
     {{15, A, 1828, 1, 1858, NULL, 0}}, 1, false},
    {20, FDD, 832000, 862000, 791000, 821000, {R100(166400, 172400, 158200, 164200)}, 1,
     {{15, A, 1982, 1, 2047, NULL, 0}}, 1, false},
    {25, FDD, 1850000, 1915000, 1930000, 1995000, {R100(370000, 383000, 386000, 399000)}, 1,
     {{15, A, 4829, 1, 4981, NULL, 0}}, 1, false},
    {28, FDD, 703000, 748000, 758000, 803000, {R100(140600, 149600, 151600, 160600)}, 1,
     {{15, A, 1901, 1, 2002, NULL, 0}}, 1, false},
    {34, TDD, 2010000, 2025000, 2010000, 2025000, {R100(402000, 405000, 402000, 405000)}, 1,
     {{15, A, 0, 0, 0, LIST(gscn_n34_a)}, {30, C, 5036, 1, 5050, NULL, 0}}, 2, false},
    {38, TDD, 2570000, 2620000, 2570000, 2620000, {R100(514000, 524000, 514000, 524000)}, 1,
     {{15, A, 0, 0, 0, LIST(gscn_n38_a)}, {30, C, 6437, 1, 6538, NULL, 0}}, 2, false},
    {39, TDD, 1880000, 1920000, 1880000, 1920000, {R100(376000, 384000, 376000, 384000)}, 1,
     {{15, A, 0, 0, 0, LIST(gscn_n39_a)}, {30, C, 4712, 1, 4789, NULL, 0}}, 2, false},
    {40, TDD, 2300000, 2400000, 2300000, 2400000, {R100(460000, 480000, 460000, 480000)}, 1,
     {{30, C, 5762, 1, 5989, NULL, 0}}, 1, false},
    {41, TDD, 2496000, 2690000, 2496000, 2690000,
     {{15, 15, 499200, 537999, 499200, 537999, 3}, {30, 30, 499200, 537996, 499200, 537996, 6}}, 2,
     {{15, A, 6246, 3, 6717, NULL, 0}, {30, C, 6252, 3, 6714, NULL, 0}}, 2, false},
    {48, TDD, 3550000, 3700000, 3550000, 3700000,
     {{15, 15, 636667, 646666, 636667, 646666, 1}, {30, 30, 636668, 646666, 636668, 646666, 2}}, 2,
     {{30, C, 7884, 1, 7982, NULL, 0}}, 1, false},
    {66, FDD, 1710000, 1780000, 2110000, 2200000, {R100(342000, 356000, 422000, 440000)}, 1,
     {{15, A, 5279, 1, 5494, NULL, 0}, {30, B, 5285, 1, 5488, NULL, 0}}, 2, false},
    {71, FDD, 663000, 698000, 617000, 652000, {R100(132600, 139600, 123400, 130400)}, 1,
     {{15, A, 1547, 1, 1624, NULL, 0}}, 1, false},
    {77, TDD, 3300000, 4200000, 3300000, 4200000,
     {{15, 15, 620000, 680000, 620000, 680000, 1}, {30, 30, 620000, 680000, 620000, 680000, 2}}, 2,
     {{30, C, 7711, 1, 8329, NULL, 0}}, 1, false},
    {78, TDD, 3300000, 3800000, 3300000, 3800000,
     {{15, 15, 620000, 653333, 620000, 653333, 1}, {30, 30, 620000, 653332, 620000, 653332, 2}}, 2,
     {{30, C, 7711, 1, 8051, NULL, 0}}, 1, false},
    /* n79: the table has a step-16 row and a step-1 row for 30 kHz; both are kept (their union is allowed).
     * Its minimum channel bandwidth of 40 MHz selects 38.213 Tables 13-5/13-6 for CORESET#0. */
    {79, TDD, 4400000, 5000000, 4400000, 5000000,
     {{15, 15, 693334, 733333, 693334, 733333, 1}, {30, 30, 693334, 733332, 693334, 733332, 2}}, 2,
     {{30, C, 8480, 16, 8880, NULL, 0}, {30, C, 8475, 1, 8884, NULL, 0}}, 2, true},
};

#undef LIST
#undef R100
#undef FDD
#undef TDD
#undef A
#undef B
#undef C

#define BAND_COUNT ((int)(sizeof(band_table) / sizeof(band_table[0])))

const struct band_info *band_find(int band)
{
    for (int i = 0; i < BAND_COUNT; i++)
        if (band_table[i].band == band)
            return &band_table[i];
    return NULL;
}

int band_list(int *out, int max)
{
    for (int i = 0; i < BAND_COUNT && i < max; i++)
        out[i] = band_table[i].band;
    return BAND_COUNT;
}

/* 38.104 Table 5.4.2.1-1: the three ranges of the global frequency raster. */
#define RANGE2_HZ 3000000000LL      /* F_REF-Offs of the 15 kHz range */
#define RANGE3_HZ 24250080000LL     /* F_REF-Offs of the 60 kHz range */
#define RANGE2_ARFCN 600000u
#define RANGE3_ARFCN 2016667u

int64_t band_arfcn_to_hz(uint32_t arfcn)
{
    if (arfcn < RANGE2_ARFCN)
        return (int64_t)arfcn * 5000;
    if (arfcn < RANGE3_ARFCN)
        return RANGE2_HZ + (int64_t)(arfcn - RANGE2_ARFCN) * 15000;
    if (arfcn <= BAND_ARFCN_MAX)
        return RANGE3_HZ + (int64_t)(arfcn - RANGE3_ARFCN) * 60000;
    return -EINVAL;
}

int band_hz_to_arfcn(int64_t hz, uint32_t *arfcn)
{
    int64_t n;
    if (hz < 0)
        return -EINVAL;
    if (hz < RANGE2_HZ) {
        if (hz % 5000)
            return -EINVAL;
        n = hz / 5000;
    } else if (hz < RANGE3_HZ) {
        if ((hz - RANGE2_HZ) % 15000)
            return -EINVAL;
        n = RANGE2_ARFCN + (hz - RANGE2_HZ) / 15000;
        if (n >= RANGE3_ARFCN)  /* 24249.99 .. 24250.08 MHz: between the two ranges */
            return -EINVAL;
    } else {
        if ((hz - RANGE3_HZ) % 60000)
            return -EINVAL;
        n = RANGE3_ARFCN + (hz - RANGE3_HZ) / 60000;
        if (n > BAND_ARFCN_MAX)
            return -EINVAL;
    }
    *arfcn = (uint32_t)n;
    return 0;
}

/* 38.104 Table 5.4.3.1-1: below 3 GHz SS_REF = N * 1200 kHz + M * 50 kHz (N = 1..2499, M = 1, 3, 5) with
 * GSCN = 3N + (M - 3) / 2; then 3000 MHz + N * 1.44 MHz (GSCN 7499 + N, N = 0..14756); then
 * 24250.08 MHz + N * 17.28 MHz (GSCN 22256 + N, N = 0..4383). */
int64_t band_gscn_to_hz(int gscn)
{
    if (gscn >= 2 && gscn <= 7498) {
        int n = (gscn + 1) / 3;
        int m = 2 * (gscn - 3 * n) + 3;
        return (int64_t)n * 1200000 + (int64_t)m * 50000;
    }
    if (gscn >= 7499 && gscn <= 22255)
        return RANGE2_HZ + (int64_t)(gscn - 7499) * 1440000;
    if (gscn >= 22256 && gscn <= BAND_GSCN_MAX)
        return RANGE3_HZ + (int64_t)(gscn - 22256) * 17280000;
    return -EINVAL;
}

int band_hz_to_gscn(int64_t hz)
{
    if (hz <= 0)
        return -EINVAL;
    if (hz < RANGE2_HZ) {
        int64_t n = hz / 1200000, rem = hz % 1200000;
        if (n < 1 || n > 2499 || (rem != 50000 && rem != 150000 && rem != 250000))
            return -EINVAL;
        return (int)(3 * n + (rem / 50000 - 3) / 2);
    }
    if (hz < RANGE3_HZ) {
        int64_t n = (hz - RANGE2_HZ) / 1440000;
        if ((hz - RANGE2_HZ) % 1440000 || n > 14756)
            return -EINVAL;
        return (int)(7499 + n);
    }
    int64_t n = (hz - RANGE3_HZ) / 17280000;
    if ((hz - RANGE3_HZ) % 17280000 || n > 4383)
        return -EINVAL;
    return (int)(22256 + n);
}

const struct band_raster *band_raster_for_scs(const struct band_info *b, int scs_khz)
{
    for (int i = 0; i < b->nof_raster; i++)
        if (b->raster[i].scs_khz == 0 || b->raster[i].scs_khz == scs_khz)
            return &b->raster[i];
    return NULL;
}

bool band_raster_contains(const struct band_raster *r, uint32_t arfcn, bool dl)
{
    uint32_t first = dl ? r->dl_first : r->ul_first, last = dl ? r->dl_last : r->ul_last;
    return arfcn >= first && arfcn <= last && (arfcn - first) % (uint32_t)r->step == 0;
}

int band_ssb_pattern_for_scs(const struct band_info *b, int ssb_scs_khz)
{
    for (int i = 0; i < b->nof_ssb; i++)
        if (b->ssb[i].scs_khz == ssb_scs_khz)
            return (int)b->ssb[i].pattern;
    return -EINVAL;
}

/* The smallest entry of one SS raster row greater than `after`, or -1. */
static int ssb_row_next(const struct band_ssb_raster *s, int after)
{
    if (s->gscn_list) {
        for (int i = 0; i < s->gscn_list_len; i++)
            if (s->gscn_list[i] > after)
                return s->gscn_list[i];
        return -1;
    }
    int g = s->gscn_first;
    if (after >= g)
        g += ((after - g) / s->gscn_step + 1) * s->gscn_step;
    return g <= s->gscn_last ? g : -1;
}

int band_gscn_next(const struct band_info *b, int ssb_scs_khz, int after)
{
    int best = -1;
    for (int i = 0; i < b->nof_ssb; i++) {
        if (b->ssb[i].scs_khz != ssb_scs_khz)
            continue;
        int g = ssb_row_next(&b->ssb[i], after);
        if (g >= 0 && (best < 0 || g < best))
            best = g;
    }
    return best;
}

bool band_gscn_allowed(const struct band_info *b, int ssb_scs_khz, int gscn)
{
    return gscn >= 0 && band_gscn_next(b, ssb_scs_khz, gscn - 1) == gscn;
}

void band_gscn_describe(const struct band_info *b, int ssb_scs_khz, char *buf, int len)
{
    int used = 0;
    buf[0] = '\0';
    for (int i = 0; i < b->nof_ssb && used < len; i++) {
        const struct band_ssb_raster *s = &b->ssb[i];
        if (s->scs_khz != ssb_scs_khz)
            continue;
        const char *sep = used ? " or " : "";
        if (s->gscn_list) {
            for (int j = 0; j < s->gscn_list_len && used < len; j++) {
                used += snprintf(buf + used, (size_t)(len - used), "%s%d", sep, s->gscn_list[j]);
                sep = ", ";
            }
        } else {
            used += snprintf(buf + used, (size_t)(len - used), "%s%d-<%d>-%d", sep, s->gscn_first,
                             s->gscn_step, s->gscn_last);
        }
    }
}

int band_default_ssb_scs(const struct band_info *b, int scs_khz)
{
    int lowest = 0;
    for (int i = 0; i < b->nof_ssb; i++) {
        if (b->ssb[i].scs_khz == scs_khz)
            return scs_khz;
        if (lowest == 0 || b->ssb[i].scs_khz < lowest)
            lowest = b->ssb[i].scs_khz;
    }
    return lowest;
}

/* 38.101-1 Table 5.3.2-1 (0 = N/A). */
static const int nrb_bw_mhz[] = {5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100};
static const int nrb_table[3][15] = {
    {25, 52, 79, 106, 133, 160, 188, 216, 242, 270, 0, 0, 0, 0, 0},     /* 15 kHz */
    {11, 24, 38, 51, 65, 78, 92, 106, 119, 133, 162, 189, 217, 245, 273}, /* 30 kHz */
    {0, 11, 18, 24, 31, 38, 44, 51, 58, 65, 79, 93, 107, 121, 135},       /* 60 kHz */
};

static int scs_row(int scs_khz)
{
    return scs_khz == 15 ? 0 : scs_khz == 30 ? 1 : scs_khz == 60 ? 2 : -1;
}

int band_nof_prb(int bandwidth_mhz, int scs_khz)
{
    int row = scs_row(scs_khz);
    if (row < 0)
        return -EINVAL;
    for (int i = 0; i < 15; i++)
        if (nrb_bw_mhz[i] == bandwidth_mhz)
            return nrb_table[row][i] ? nrb_table[row][i] : -EINVAL;
    return -EINVAL;
}

int band_fft_size(int nof_prb)
{
    static const int sizes[] = {128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096};
    for (int i = 0; nof_prb > 0 && i < (int)(sizeof sizes / sizeof sizes[0]); i++)
        if (sizes[i] >= 12 * nof_prb)
            return sizes[i];
    return 0;
}

int band_bandwidths(int scs_khz, int *out, int max)
{
    int row = scs_row(scs_khz), n = 0;
    for (int i = 0; row >= 0 && i < 15; i++) {
        if (!nrb_table[row][i])
            continue;
        if (n < max)
            out[n] = nrb_bw_mhz[i];
        n++;
    }
    return n;
}

const char *band_ssb_pattern_name(enum ssb_pattern p)
{
    return p == SSB_PATTERN_A ? "A" : p == SSB_PATTERN_B ? "B" : "C";
}
