/* PRACH configuration tables and occasions. See prach_config.h. */
#include "phy/ch/prach_config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "phy/ch/prach_tables.h"

/* 38.211 Tables 6.3.3.1-1 and 6.3.3.1-2 (short formats at mu = 0). */
static const struct prach_format_params formats[PRACH_FORMAT_A1_B1] = {
    [PRACH_FORMAT_0] = { "0", PRACH_L_LONG, 1250, 24576, 3168, true },
    [PRACH_FORMAT_1] = { "1", PRACH_L_LONG, 1250, 2 * 24576, 21024, true },
    [PRACH_FORMAT_2] = { "2", PRACH_L_LONG, 1250, 4 * 24576, 4688, true },
    [PRACH_FORMAT_3] = { "3", PRACH_L_LONG, 5000, 4 * 6144, 3168, true },
    [PRACH_FORMAT_A1] = { "A1", PRACH_L_SHORT, 0, 2 * 2048, 288, false },
    [PRACH_FORMAT_A2] = { "A2", PRACH_L_SHORT, 0, 4 * 2048, 576, false },
    [PRACH_FORMAT_A3] = { "A3", PRACH_L_SHORT, 0, 6 * 2048, 864, false },
    [PRACH_FORMAT_B1] = { "B1", PRACH_L_SHORT, 0, 2 * 2048, 216, false },
    [PRACH_FORMAT_B2] = { "B2", PRACH_L_SHORT, 0, 4 * 2048, 360, false },
    [PRACH_FORMAT_B3] = { "B3", PRACH_L_SHORT, 0, 6 * 2048, 504, false },
    [PRACH_FORMAT_B4] = { "B4", PRACH_L_SHORT, 0, 12 * 2048, 936, false },
    [PRACH_FORMAT_C0] = { "C0", PRACH_L_SHORT, 0, 2048, 1240, false },
    [PRACH_FORMAT_C2] = { "C2", PRACH_L_SHORT, 0, 4 * 2048, 2048, false },
};

static const char *const combined_names[] = { "A1/B1", "A2/B2", "A3/B3" };

/* 38.211 Tables 6.3.3.1-5 (Delta f_RA = 1.25 kHz), 6.3.3.1-6 (5 kHz) and 6.3.3.1-7 (L_RA = 139): N_CS of the
 * unrestricted set per zeroCorrelationZoneConfig. */
static const uint16_t n_cs_1250[PRACH_NUM_ZCZ] = { 0, 13, 15, 18, 22, 26, 32, 38, 46, 59, 76, 93, 119, 167, 279, 419 };
static const uint16_t n_cs_5000[PRACH_NUM_ZCZ] = { 0, 13, 26, 33, 38, 41, 49, 55, 64, 76, 93, 119, 139, 209, 279, 419 };
static const uint16_t n_cs_139[PRACH_NUM_ZCZ] = { 0, 2, 4, 6, 8, 10, 12, 13, 15, 17, 19, 23, 27, 34, 46, 69 };

/* 38.211 Table 6.3.3.2-1 (the L_RA = 839 and 139 rows): L_RA, Delta f_RA (Hz), Delta f of PUSCH (kHz), N_RB^RA,
 * k-bar. */
static const struct {
    uint16_t l_ra;
    int32_t delta_f_ra_hz;
    uint16_t scs_khz, n_rb_ra, kbar;
} kbar_table[] = {
    { 839, 1250, 15, 6, 7 },      { 839, 1250, 30, 3, 1 },      { 839, 1250, 60, 2, 133 },
    { 839, 5000, 15, 24, 12 },    { 839, 5000, 30, 12, 10 },    { 839, 5000, 60, 6, 7 },
    { 139, 15000, 15, 12, 2 },    { 139, 15000, 30, 6, 2 },     { 139, 15000, 60, 3, 2 },
    { 139, 30000, 15, 24, 2 },    { 139, 30000, 30, 12, 2 },    { 139, 30000, 60, 6, 2 },
    { 139, 60000, 60, 12, 2 },    { 139, 60000, 120, 6, 2 },    { 139, 120000, 60, 24, 2 },
    { 139, 120000, 120, 12, 2 },  { 139, 120000, 480, 3, 1 },   { 139, 120000, 960, 2, 23 },
    { 139, 480000, 120, 48, 2 },  { 139, 480000, 480, 12, 2 },  { 139, 480000, 960, 6, 2 },
    { 139, 960000, 120, 96, 2 },  { 139, 960000, 480, 24, 2 },  { 139, 960000, 960, 12, 2 },
};

const struct prach_format_params *prach_format_params(enum prach_format f)
{
    if ((int)f < 0 || f >= PRACH_FORMAT_A1_B1)
        return NULL;
    return &formats[f];
}

int prach_format_parse(const char *name)
{
    if (!name)
        return -EINVAL;
    for (int f = 0; f < PRACH_FORMAT_A1_B1; f++)
        if (strcmp(name, formats[f].name) == 0)
            return f;
    for (int i = 0; i < 3; i++)
        if (strcmp(name, combined_names[i]) == 0)
            return PRACH_FORMAT_A1_B1 + i;
    return -EINVAL;
}

int prach_root_u(int l_ra, int logical_index)
{
    if (logical_index < 0 || logical_index >= l_ra - 1)
        return -EINVAL;
    if (l_ra == PRACH_L_LONG)
        return prach_root_839[logical_index];
    /* Table 6.3.3.1-4 pairs u and L_RA - u in order: i = 2m -> m + 1, i = 2m + 1 -> 138 - m. */
    if (l_ra == PRACH_L_SHORT)
        return logical_index % 2 == 0 ? logical_index / 2 + 1 : PRACH_L_SHORT - 1 - logical_index / 2;
    return -EINVAL;
}

int prach_n_cs(enum prach_format f, enum prach_restricted_set set, int zcz)
{
    const struct prach_format_params *p = prach_format_params(f);
    if (!p || zcz < 0 || zcz >= PRACH_NUM_ZCZ)
        return -EINVAL;
    if (set != PRACH_SET_UNRESTRICTED)
        return set == PRACH_SET_RESTRICTED_A || set == PRACH_SET_RESTRICTED_B ? -ENOTSUP : -EINVAL;
    if (p->l_ra == PRACH_L_SHORT)
        return n_cs_139[zcz];
    return p->delta_f_ra_hz == 1250 ? n_cs_1250[zcz] : n_cs_5000[zcz];
}

int prach_preambles_per_root(int l_ra, int n_cs)
{
    if (l_ra < 2 || n_cs < 0 || n_cs > l_ra)
        return -EINVAL;
    return n_cs == 0 ? 1 : l_ra / n_cs;
}

int prach_nof_roots(int l_ra, int n_cs)
{
    int per_root = prach_preambles_per_root(l_ra, n_cs);
    if (per_root < 0)
        return per_root;
    return (PRACH_NUM_PREAMBLES + per_root - 1) / per_root;
}

int prach_preamble_root(int l_ra, int root_index, int n_cs, int v, int *u, int *c_v)
{
    int per_root = prach_preambles_per_root(l_ra, n_cs);
    if (per_root < 0 || v < 0 || v >= PRACH_NUM_PREAMBLES || root_index < 0 || root_index >= l_ra - 1)
        return -EINVAL;
    /* 38.211 6.3.3.1: the logical root order is cyclic, index 0 follows L_RA - 2. */
    int r = prach_root_u(l_ra, (root_index + v / per_root) % (l_ra - 1));
    if (r < 0)
        return r;
    *u = r;
    *c_v = (v % per_root) * n_cs;
    return 0;
}

int prach_kbar(int l_ra, int delta_f_ra_hz, int pusch_scs_khz, int *n_rb_ra)
{
    for (size_t i = 0; i < sizeof kbar_table / sizeof kbar_table[0]; i++) {
        if (kbar_table[i].l_ra == l_ra && kbar_table[i].delta_f_ra_hz == delta_f_ra_hz &&
            kbar_table[i].scs_khz == pusch_scs_khz) {
            if (n_rb_ra)
                *n_rb_ra = kbar_table[i].n_rb_ra;
            return kbar_table[i].kbar;
        }
    }
    return -EINVAL;
}

const struct prach_config_row *prach_config_row(bool unpaired, int index)
{
    if (index < 0)
        return NULL;
    if (unpaired)
        return index < PRACH_CONFIG_ROWS_UNPAIRED ? &prach_config_fr1_unpaired[index] : NULL;
    return index < PRACH_CONFIG_ROWS_PAIRED ? &prach_config_fr1_paired[index] : NULL;
}

/* 38.211 5.3.1: start of symbol l of a subframe at numerology mu, kappa units (normal CP: 144 kappa 2^-mu, plus
 * 16 kappa for the first symbol of each half subframe). */
static int32_t symbol_start_kappa(int mu, int l)
{
    int32_t t = 0;
    for (int i = 0; i < l; i++)
        t += (2048 >> mu) + (144 >> mu) + (i % (7 << mu) == 0 ? 16 : 0);
    return t;
}

/* One occasion of a row at PRACH slot n_slot, index n_t. */
static void occasion_fill(const struct prach_config_row *row, int mu, int n_slot, int n_t,
                          struct prach_time_occasion *o)
{
    enum prach_format f = (enum prach_format)row->format;
    if (f >= PRACH_FORMAT_A1_B1) {
        /* Combined formats: B in the last occasion of the PRACH slot, A before it. */
        static const enum prach_format b[] = { PRACH_FORMAT_B1, PRACH_FORMAT_B2, PRACH_FORMAT_B3 };
        f = n_t == row->n_t_slot - 1 ? b[f - PRACH_FORMAT_A1_B1] : prach_format_a(f);
    }
    const struct prach_format_params *p = prach_format_params(f);
    int l = row->start_symbol + n_t * row->n_dur + 14 * n_slot;
    int32_t cp = p->n_cp_kappa >> mu, n_u = p->n_u_kappa >> mu;
    if (!prach_format_is_long(f)) {
        /* 5.3.2: 16 kappa more CP for each half-subframe start inside the occasion. The occasion covers
         * symbols l .. l + N_dur - 1, so this keeps it aligned with the OFDM symbols it replaces. */
        for (int i = l; i < l + row->n_dur; i++)
            if (i % (7 << mu) == 0)
                cp += 16;
    }
    *o = (struct prach_time_occasion){ .format = f, .slot = n_slot, .n_t = n_t, .start_symbol = l,
                                       .dur_symbols = row->n_dur, .t_start_kappa = symbol_start_kappa(mu, l),
                                       .cp_kappa = cp, .len_kappa = cp + n_u };
}

int prach_time_occasions(bool unpaired, int index, int ra_scs_khz, int sfn, int subframe,
                         struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS])
{
    const struct prach_config_row *row = prach_config_row(unpaired, index);
    if (!row || sfn < 0 || sfn > 1023 || subframe < 0 || subframe > 9)
        return -EINVAL;
    bool is_long = prach_format_is_long((enum prach_format)row->format);
    if (!is_long && ra_scs_khz != 15 && ra_scs_khz != 30)
        return -EINVAL;
    if (sfn % row->x != row->y || !(row->subframes & (1u << subframe)))
        return 0;
    if (is_long) {
        /* 5.3.2: mu = 0 for Delta f_RA 1.25 and 5 kHz; one occasion (N_t^RA,slot fixed to 1). */
        occasion_fill(row, 0, 0, 0, &occ[0]);
        return 1;
    }
    int mu = ra_scs_khz == 30 ? 1 : 0;
    /* 5.3.2 n_slot^RA: 0 at 15 kHz; at 30 kHz 1 when the table gives one PRACH slot per subframe, else 0 and 1. */
    int first_slot = mu == 0 ? 0 : row->slots_per_subframe == 1 ? 1 : 0;
    int count = 0;
    for (int s = first_slot; s <= mu; s++)
        for (int t = 0; t < row->n_t_slot && count < PRACH_MAX_TIME_OCCASIONS; t++)
            occasion_fill(row, mu, s, t, &occ[count++]);
    return count;
}

int prach_kappa_to_samples(int64_t kappa, double sample_rate_hz)
{
    if (!isfinite(sample_rate_hz) || sample_rate_hz <= 0.0 || kappa < 0)
        return -EINVAL;
    double n = (double)kappa * sample_rate_hz / PRACH_KAPPA_RATE_HZ;
    if (n > 1e9 || fabs(n - nearbyint(n)) > 1e-6)
        return -EINVAL;
    return (int)nearbyint(n);
}
