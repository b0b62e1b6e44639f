/* NR operating bands and frequency rasters (FR1).
 *
 * The band table (38.101-1 Table 5.2-1: duplex mode, UL/DL ranges; Table 5.4.2.3-1: NR-ARFCN ranges and channel
 * raster steps; Table 5.4.3.3-1: SS/PBCH block SCS, pattern and GSCN entries per band), the global frequency
 * raster (38.104 5.4.2.1: NR-ARFCN <-> frequency with dF_Global 5/15/60 kHz), the synchronization raster
 * (38.104 5.4.3.1: GSCN <-> SS_REF frequency) and the maximum transmission bandwidth N_RB per channel bandwidth
 * and SCS (38.101-1 Table 5.3.2-1). Frequencies are integers in Hz, so every raster point is exact.
 *
 * Threading: pure functions over constant tables; safe from any thread.
 */
#ifndef GNBD_PHY_GEOMETRY_BANDS_H
#define GNBD_PHY_GEOMETRY_BANDS_H

#include <stdbool.h>
#include <stdint.h>

enum band_duplex { BAND_DUPLEX_FDD, BAND_DUPLEX_TDD };

/* SS/PBCH block time-domain patterns of 38.213 4.1 (FR1 cases only). */
enum ssb_pattern { SSB_PATTERN_A, SSB_PATTERN_B, SSB_PATTERN_C };

#define BAND_ARFCN_MAX 3279165   /* 38.104 Table 5.4.2.1-1: highest NR-ARFCN */
#define BAND_GSCN_MAX 26639      /* 38.104 Table 5.4.3.1-1: highest GSCN */

/* One channel-raster row of 38.101-1 Table 5.4.2.3-1: NR-ARFCN first - <step> - last, for UL and DL. Bands with
 * a 15 kHz raster have two rows; scs_khz says which carrier SCS a row serves (0: any). */
struct band_raster {
    int scs_khz;
    int raster_khz;          /* dF_Raster */
    uint32_t dl_first, dl_last, ul_first, ul_last;
    int step;                /* in NR-ARFCN units, same for UL and DL */
};

/* One SS raster row of 38.101-1 Table 5.4.3.3-1: SSB SCS, pattern and GSCN entries (first - <step> - last, or
 * an explicit list where the table gives one). */
struct band_ssb_raster {
    int scs_khz;
    enum ssb_pattern pattern;
    int gscn_first, gscn_step, gscn_last;
    const uint16_t *gscn_list;   /* when non-NULL, only these entries (ascending) */
    int gscn_list_len;
};

struct band_info {
    int band;                    /* n<band> */
    enum band_duplex duplex;
    int32_t ul_low_khz, ul_high_khz, dl_low_khz, dl_high_khz;  /* F_UL_low .. F_DL_high */
    struct band_raster raster[2];
    int nof_raster;
    struct band_ssb_raster ssb[3];
    int nof_ssb;
    bool coreset0_tables_40mhz;  /* {30,x} kHz CORESET#0 from 38.213 Tables 13-5/13-6 (min. channel BW 40 MHz) */
};

/* The band's row, or NULL when the band is not in the table. */
const struct band_info *band_find(int band);

/* Writes the supported band numbers, ascending, into `out` (at most `max`); returns how many there are. */
int band_list(int *out, int max);

/* 38.104 5.4.2.1: frequency of an NR-ARFCN in Hz, or -EINVAL past BAND_ARFCN_MAX. */
int64_t band_arfcn_to_hz(uint32_t arfcn);

/* 38.104 5.4.2.1: the NR-ARFCN of `hz`; -EINVAL when `hz` is not a point of the global raster. */
int band_hz_to_arfcn(int64_t hz, uint32_t *arfcn);

/* 38.104 5.4.3.1: SS_REF frequency of a GSCN in Hz, or -EINVAL when the GSCN does not exist. */
int64_t band_gscn_to_hz(int gscn);

/* 38.104 5.4.3.1: the GSCN whose SS_REF is `hz`, or -EINVAL when `hz` is not on the synchronization raster. */
int band_hz_to_gscn(int64_t hz);

/* The channel-raster row for a carrier of `scs_khz` in band `b` (38.101-1 5.4.2.3: the 30 kHz raster serves only
 * carriers of SCS >= 30 kHz), or NULL when the band has none for that SCS. */
const struct band_raster *band_raster_for_scs(const struct band_info *b, int scs_khz);

/* True when `arfcn` is a DL (dl = true) or UL channel-raster point of the row. */
bool band_raster_contains(const struct band_raster *r, uint32_t arfcn, bool dl);

/* The SSB pattern of band `b` for SSB SCS `ssb_scs_khz`, or -EINVAL when the band has no SSB of that SCS. */
int band_ssb_pattern_for_scs(const struct band_info *b, int ssb_scs_khz);

/* True when `gscn` is an SS raster entry of band `b` for SSB SCS `ssb_scs_khz` (in any of its rows). */
bool band_gscn_allowed(const struct band_info *b, int ssb_scs_khz, int gscn);

/* The smallest allowed GSCN of band `b` for `ssb_scs_khz` that is greater than `after` (pass -1 for the first),
 * or -1 when there is none. Iterating with it visits the union of the band's rows in ascending order. */
int band_gscn_next(const struct band_info *b, int ssb_scs_khz, int after);

/* Writes the GSCN entries for `ssb_scs_khz` as the table prints them ("4517-<1>-4693", or a list) into `buf`. */
void band_gscn_describe(const struct band_info *b, int ssb_scs_khz, char *buf, int len);

/* The band's SSB SCS for a carrier of `scs_khz`: equal to it when the band allows that, else the band's lowest.
 * Returns 0 when the band has no SSB raster. */
int band_default_ssb_scs(const struct band_info *b, int scs_khz);

/* 38.101-1 Table 5.3.2-1: N_RB for `bandwidth_mhz` at `scs_khz` (15, 30, 60), or -EINVAL when not defined. */
int band_nof_prb(int bandwidth_mhz, int scs_khz);

/* FFT size for a carrier of nof_prb PRBs: the smallest of 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096
 * holding its 12 * nof_prb subcarriers (srsUE's choice, so sample rates match; multiples of 128 keep every cyclic
 * prefix a whole number of samples, 38.211 5.3.1). 0 when none does. */
int band_fft_size(int nof_prb);

/* Writes the channel bandwidths defined for `scs_khz` in Table 5.3.2-1 (at most `max`); returns how many. */
int band_bandwidths(int scs_khz, int *out, int max);

const char *band_ssb_pattern_name(enum ssb_pattern p);   /* "A", "B", "C" */

#endif
