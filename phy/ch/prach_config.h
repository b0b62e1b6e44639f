/* PRACH configuration: the 38.211 tables and what follows from them, for one cell's RACH-ConfigCommon.
 *
 * - Preamble formats (38.211 Tables 6.3.3.1-1 long: 0..3, L_RA = 839; 6.3.3.1-2 short: A1..A3, B1..B4, C0, C2,
 *   L_RA = 139): sequence length, subcarrier spacing, N_u and N_CP^RA in kappa units (kappa = 64 Tc,
 *   1 kappa = 1 / 30.72 MHz; short formats at mu = 0, i.e. scaled by 2^-mu).
 * - Root sequences (6.3.3.1): logical root index -> sequence number u (Tables 6.3.3.1-3 for 839, 6.3.3.1-4 for
 *   139), N_CS from zeroCorrelationZoneConfig (Tables 6.3.3.1-5 and -6 for 839, -7 for 139; unrestricted set
 *   only: restricted sets return -ENOTSUP), and preamble index v -> (u, C_v) over consecutive logical roots.
 * - Frequency (6.3.3.2, 5.3.2): k-bar and N_RB^RA of Table 6.3.3.2-1 and the offset of PRACH subcarrier k = 0
 *   from the carrier centre, K k1 + k-bar in units of Delta f_RA, with
 *   k1 = N_BWP^start 12 + n_RA^start 12 + n_RA N_RB^RA 12 - N_grid^size 12 / 2 (one numerology: k_0^mu = 0).
 * - Time (6.3.3.2, 5.3.2): the FR1 configuration tables 6.3.3.2-2 (paired spectrum / SUL) and 6.3.3.2-3
 *   (unpaired), and the occasions of a configuration index in a subframe: SFN condition n_f mod x = y, subframe
 *   list, t_start^RA from the starting symbol l0, n_t^RA, N_dur^RA and n_slot^RA, and N_CP,l^RA including the
 *   16 kappa of an occasion that spans the start of a half subframe (5.3.2: n). For the combined formats A1/B1,
 *   A2/B2, A3/B3 the last occasion of a PRACH slot uses the B format, the others the A format.
 *
 * Threading: pure functions over constant tables; safe from any thread.
 */
#ifndef GNBD_PHY_CH_PRACH_CONFIG_H
#define GNBD_PHY_CH_PRACH_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define PRACH_L_LONG 839
#define PRACH_L_SHORT 139
#define PRACH_NUM_PREAMBLES 64               /* preambles per occasion, 38.211 6.3.3.1 */
#define PRACH_NUM_ZCZ 16                     /* zeroCorrelationZoneConfig 0..15 */
#define PRACH_CONFIG_ROWS_PAIRED 256         /* Table 6.3.3.2-2: index 0..255 */
#define PRACH_CONFIG_ROWS_UNPAIRED 263       /* Table 6.3.3.2-3: index 0..262 (256..262 since Rel-16) */
#define PRACH_MAX_TIME_OCCASIONS 14          /* per subframe: 2 PRACH slots x N_t^RA,slot <= 7 */
#define PRACH_KAPPA_RATE_HZ 30720000.0       /* 1 / (kappa Tc): kappa units per second */

enum prach_format {
    PRACH_FORMAT_0,
    PRACH_FORMAT_1,
    PRACH_FORMAT_2,
    PRACH_FORMAT_3,
    PRACH_FORMAT_A1,
    PRACH_FORMAT_A2,
    PRACH_FORMAT_A3,
    PRACH_FORMAT_B1,
    PRACH_FORMAT_B2,
    PRACH_FORMAT_B3,
    PRACH_FORMAT_B4,
    PRACH_FORMAT_C0,
    PRACH_FORMAT_C2,
    PRACH_FORMAT_A1_B1,        /* combined formats: only as configuration table entries */
    PRACH_FORMAT_A2_B2,
    PRACH_FORMAT_A3_B3,
    PRACH_NUM_FORMATS,
};

enum prach_restricted_set {
    PRACH_SET_UNRESTRICTED,
    PRACH_SET_RESTRICTED_A,
    PRACH_SET_RESTRICTED_B,
};

/* One row of Table 6.3.3.1-1 or 6.3.3.1-2. */
struct prach_format_params {
    const char *name;          /* "0", "A1", ... */
    int l_ra;                  /* 839 or 139 */
    int delta_f_ra_hz;         /* 1250 or 5000; 0 for short formats (15 2^mu kHz, msg1-SubcarrierSpacing) */
    int n_u_kappa;             /* N_u (short formats: at mu = 0) */
    int n_cp_kappa;            /* N_CP^RA (short formats: at mu = 0) */
    bool restricted_sets;      /* supports restricted sets type A and B */
};

/* Format parameters; NULL for a combined format or out of range. */
const struct prach_format_params *prach_format_params(enum prach_format f);

/* "0".."3", "A1".."C2", "A1/B1".. -> the format, or -EINVAL. */
int prach_format_parse(const char *name);

static inline bool prach_format_is_long(enum prach_format f) { return f <= PRACH_FORMAT_3; }

/* The A format of a combined table format (A1/B1 -> A1, A2/B2 -> A2, A3/B3 -> A3), any other format itself:
 * what a detector or generator is set up with; each occasion then carries its own (A or B) CP. */
static inline enum prach_format prach_format_a(enum prach_format f)
{
    return f >= PRACH_FORMAT_A1_B1 ? (enum prach_format)(PRACH_FORMAT_A1 + (f - PRACH_FORMAT_A1_B1)) : f;
}

/* Sequence number u of logical root index i (Table 6.3.3.1-3: l_ra 839, i 0..837; 6.3.3.1-4: 139, i 0..137);
 * -EINVAL out of range. */
int prach_root_u(int l_ra, int logical_index);

/* N_CS for zeroCorrelationZoneConfig zcz (0..15) of format f (Tables 6.3.3.1-5/-6/-7); 0 means one preamble per
 * root. -EINVAL for a bad format or zcz, -ENOTSUP for restricted sets. */
int prach_n_cs(enum prach_format f, enum prach_restricted_set set, int zcz);

/* Preambles per root sequence, floor(L_RA / N_CS) (1 for N_CS = 0), and roots for PRACH_NUM_PREAMBLES. */
int prach_preambles_per_root(int l_ra, int n_cs);
int prach_nof_roots(int l_ra, int n_cs);

/* Preamble v (0..63) of an occasion with prach-RootSequenceIndex root_index and N_CS, unrestricted set:
 * *u = the sequence number of logical root (root_index + v / per_root) mod (L_RA - 1), *c_v = (v mod per_root)
 * N_CS. Returns 0 or -EINVAL. */
int prach_preamble_root(int l_ra, int root_index, int n_cs, int v, int *u, int *c_v);

/* Table 6.3.3.2-1: k-bar for (L_RA, Delta f_RA, Delta f of PUSCH); *n_rb_ra (may be NULL) gets N_RB^RA, the
 * allocation in PUSCH RBs. -EINVAL for a combination the table does not have. */
int prach_kbar(int l_ra, int delta_f_ra_hz, int pusch_scs_khz, int *n_rb_ra);

/* One row of Table 6.3.3.2-2 or 6.3.3.2-3. */
struct prach_config_row {
    uint8_t format;            /* enum prach_format, combined formats included */
    uint8_t x, y;              /* n_f mod x = y */
    uint16_t subframes;        /* bit s set: subframe number s */
    uint8_t start_symbol;      /* l0 */
    uint8_t slots_per_subframe;/* PRACH slots within a subframe (0: "-", long formats) */
    uint8_t n_t_slot;          /* N_t^RA,slot (0: "-") */
    uint8_t n_dur;             /* N_dur^RA (0 for long formats) */
};

/* The row of configuration index `index` (unpaired: Table 6.3.3.2-3, else 6.3.3.2-2); NULL out of range. */
const struct prach_config_row *prach_config_row(bool unpaired, int index);

/* One PRACH occasion in time (38.211 5.3.2). Times in kappa units from the start of the subframe. */
struct prach_time_occasion {
    enum prach_format format;  /* combined formats resolved: B for the last occasion of the PRACH slot */
    int slot;                  /* n_slot^RA: the PRACH slot within the subframe at the PRACH's mu (0 when mu = 0) */
    int n_t;                   /* n_t^RA: occasion within the PRACH slot */
    int start_symbol;          /* l = l0 + n_t N_dur + 14 n_slot, symbol of the subframe at the PRACH's mu */
    int dur_symbols;           /* N_dur^RA (long formats: 0, as the table) */
    int32_t t_start_kappa;     /* t_start^RA */
    int32_t cp_kappa;          /* N_CP,l^RA = N_CP^RA + 16 n (n: half-subframe starts inside the occasion) */
    int32_t len_kappa;         /* N_CP,l^RA + N_u: the preamble's length */
};

/* The occasions of configuration index `index` in subframe `subframe` (0..9) of SFN `sfn`. ra_scs_khz is the
 * PRACH subcarrier spacing of short formats (msg1-SubcarrierSpacing: 15 or 30); ignored for long formats.
 * Writes up to PRACH_MAX_TIME_OCCASIONS occasions in increasing time and returns their number (0: no occasion
 * in this subframe), or -EINVAL. */
int prach_time_occasions(bool unpaired, int index, int ra_scs_khz, int sfn, int subframe,
                         struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS]);

/* kappa units -> samples at sample_rate_hz; -EINVAL when that is not a whole number of samples. */
int prach_kappa_to_samples(int64_t kappa, double sample_rate_hz);

#endif
