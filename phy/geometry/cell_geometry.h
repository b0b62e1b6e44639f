/* Cell geometry: every frequency and position quantity of one NR cell (FR1), derived once from a few inputs.
 *
 * From band, DL centre NR-ARFCN, SCS, bandwidth (or N_RB), CORESET#0 and searchSpaceZero indices it derives:
 * N_RB (38.101-1 Table 5.3.2-1), the UL centre of an FDD band, point A and absoluteFrequencyPointA of both
 * directions (38.211 4.4.4.2, 5.3.1: the carrier centre is subcarrier 6 * N_RB of the grid, which for odd N_RB
 * is the middle subcarrier of PRB N_RB / 2), the SS/PBCH block position on the synchronization raster
 * (38.104 5.4.3) with offsetToPointA and k_SSB (38.211 4.4.4.2, 7.4.3.1), the CORESET#0 rows of 38.213
 * Tables 13-1..13-6 and their placement (38.213 13), and the Type0-PDCCH monitoring occasions of Table 13-11.
 * Inputs that cannot make a valid cell are rejected, each with the input's key and a reason naming the allowed
 * values. With srsue_compatible it also rejects what srsUE cannot receive (docs/SRSUE.md §2.2-§2.4).
 *
 * Assumptions: the carrier starts at point A (offsetToCarrier = 0), one SCS for carrier, CORESET#0 and SIB1
 * (subCarrierSpacingCommon = scs_khz), SS/PBCH block and CORESET#0 multiplexing pattern 1 (all FR1 rows).
 *
 * Threading: pure functions over caller memory and constant tables, no allocation; safe from any thread. Meant
 * to run once at start; the slot path then only reads the struct (and may call the Type0/SSB lookups).
 */
#ifndef GNBD_PHY_GEOMETRY_CELL_GEOMETRY_H
#define GNBD_PHY_GEOMETRY_CELL_GEOMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/geometry/bands.h"

struct cell_geometry_input {
    int band;                /* NR band number */
    int dl_arfcn;            /* DL carrier centre NR-ARFCN */
    int ssb_arfcn;           /* SS_REF NR-ARFCN (absoluteFrequencySSB); 0 = lowest suitable SS raster entry */
    int scs_khz;             /* carrier SCS = subCarrierSpacingCommon: 15 or 30 */
    int ssb_scs_khz;         /* 0 = the band's SSB SCS equal to scs_khz if allowed, else its lowest */
    int bandwidth_mhz;       /* channel bandwidth; used when nof_prb is 0 */
    int nof_prb;             /* N_RB; 0 = from bandwidth_mhz */
    int coreset0_index;      /* controlResourceSetZero, 0..15 */
    int searchspace0_index;  /* searchSpaceZero, 0..15 */
    int dmrs_type_a_position;/* 2 or 3 (0 = 2) */
    bool srsue_compatible;
};

/* One row of 38.213 Tables 13-1..13-6. */
struct coreset0_row {
    int mux_pattern;         /* SS/PBCH block and CORESET multiplexing pattern (1 in FR1) */
    int nof_rb;              /* N_RB^CORESET */
    int nof_symb;            /* N_symb^CORESET */
    int offset_rb;           /* Offset (RBs), in RBs of the CORESET SCS */
};

/* One row of 38.213 Table 13-11. */
struct type0_ss_row {
    int o;                   /* O (slots at 15 kHz, scaled by 2^mu) */
    int sets_per_slot;       /* number of search space sets per slot */
    int m2;                  /* 2 * M (M = 1/2, 1 or 2) */
    int first_symbol;        /* 0, 1, 2; or -1: 0 for even SSB index i, N_symb^CORESET for odd i */
};

struct type0_occasion {
    int sfn_parity;          /* the occasion is in frames with SFN_C mod 2 == sfn_parity */
    int n0;                  /* first slot; the UE monitors n0 and n0 + 1 (n0 + 1 may be slot 0 of the next frame) */
    int first_symbol;
    int nof_symbols;
};

struct cell_geometry {
    const struct band_info *band_info;
    int band;
    enum band_duplex duplex;
    int scs_khz, mu;                    /* mu: numerology of scs_khz */
    int nof_prb;
    int bandwidth_mhz;                  /* 0 when given as nof_prb without a bandwidth */
    uint32_t dl_arfcn, ul_arfcn;
    int64_t dl_freq_hz, ul_freq_hz;     /* carrier centres */
    uint32_t dl_point_a_arfcn, ul_point_a_arfcn; /* absoluteFrequencyPointA */
    int64_t dl_point_a_hz, ul_point_a_hz;

    int ssb_scs_khz;
    enum ssb_pattern ssb_pattern;
    int ssb_l_max;                      /* 38.213 4.1: candidate SS/PBCH blocks per half frame */
    bool ssb_derived;                   /* ssb_arfcn was chosen here, not given */
    uint32_t ssb_arfcn;                 /* absoluteFrequencySSB */
    int gscn;
    int64_t ssb_freq_hz;                /* SS_REF: subcarrier 0 of the block's RB 10 (38.104 5.4.3.2) */
    int offset_to_point_a;              /* 38.211 4.4.4.2: RBs of 15 kHz from point A to the common RB below */
    int k_ssb;                          /* 38.211 7.4.3.1: 15 kHz subcarriers from that RB to the block, 0..23 */
    int ssb_crb;                        /* that common RB, in RBs of scs_khz */
    int ssb_first_subcarrier;           /* block subcarrier 0 as a carrier subcarrier (ssb_scs == scs), else -1 */
    int64_t ssb_offset_from_dc_hz;      /* SS_REF - DL centre */

    int coreset0_index;
    struct coreset0_row coreset0;
    int coreset0_crb_start;             /* lowest CRB of CORESET#0 (RBs of scs_khz) */
    int searchspace0_index;
    struct type0_ss_row ss0;
    int dmrs_type_a_position;

    int mib_ssb_subcarrier_offset;      /* 38.331 MIB ssb-SubcarrierOffset: 4 LSBs of k_SSB */
    int pbch_k_ssb_msb;                 /* 38.212 7.1.1 a_(A+5): the MSB of k_SSB (FR1) */
    int mib_pdcch_config_sib1;          /* controlResourceSetZero * 16 + searchSpaceZero */

    bool srsue_compatible;
    int64_t srsue_srate_hz;             /* srsUE [rf] srate for nof_prb (15 kHz x FFT size); 0 when none */
};

#define CELL_GEOMETRY_MAX_ERRORS 12

struct cell_geometry_error {
    const char *key;         /* the input's name: "band", "dl_arfcn", "coreset0_index", ... */
    char msg[256];           /* why the value cannot be used */
    char allowed[192];       /* what can be used instead ("" when nothing specific) */
};

struct cell_geometry_errors {
    int count;               /* errors found (may exceed the ones stored) */
    struct cell_geometry_error e[CELL_GEOMETRY_MAX_ERRORS];
};

/* Derives the geometry. Returns 0, or -EINVAL with the reasons in `errs` (may be NULL); `g` is then partial.
 * Every independent problem is reported; the block is placed only on a valid carrier with a usable CORESET#0.
 * With both nof_prb and bandwidth_mhz given, nof_prb is used and bandwidth_mhz only for the carrier edges. */
int cell_geometry_derive(const struct cell_geometry_input *in, struct cell_geometry *g,
                         struct cell_geometry_errors *errs);

/* 38.213 Tables 13-1..13-6: the row `index` for {SSB SCS, PDCCH SCS}; `tables_40mhz` selects 13-5/13-6 for an
 * SSB SCS of 30 kHz. Returns 0, or -EINVAL for a reserved row or an SCS pair without a table. */
int cell_geometry_coreset0_row(int ssb_scs_khz, int pdcch_scs_khz, bool tables_40mhz, int index,
                               struct coreset0_row *row);

/* 38.213 Table 13-11 row `index` (0..15); -EINVAL outside. */
int cell_geometry_type0_row(int index, struct type0_ss_row *row);

/* 38.213 13: the Type0-PDCCH occasion of SS/PBCH block `ssb_index` for a Table 13-11 row, PDCCH numerology `mu`
 * (0, 1) and a CORESET of `nof_symb` symbols. Returns 0 or -EINVAL. */
int cell_geometry_type0_occasion_for(const struct type0_ss_row *row, int mu, int nof_symb, int ssb_index,
                                     struct type0_occasion *occ);

/* The same for the cell's CORESET#0 and searchSpaceZero; `ssb_index` < ssb_l_max. */
int cell_geometry_type0_occasion(const struct cell_geometry *g, int ssb_index, struct type0_occasion *occ);

/* True when slot `slot` of frame `sfn` (numerology of scs_khz) is one of the two Type0-PDCCH slots of block
 * `ssb_index`. */
bool cell_geometry_type0_in_slot(const struct cell_geometry *g, int ssb_index, int sfn, int slot);

/* 38.213 4.1: first OFDM symbol (SSB SCS, counted from the start of the half frame) of block `ssb_index`,
 * or -EINVAL when ssb_index >= ssb_l_max. */
int cell_geometry_ssb_first_symbol(const struct cell_geometry *g, int ssb_index);

#endif
