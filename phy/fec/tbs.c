/* TBS determination and MCS tables, 38.214 5.1.3.1 and 5.1.3.2. See tbs.h. */
#include "phy/fec/tbs.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>

/* 38.214 Tables 5.1.3.1-1/-2/-3: { Q_m, R x 1024 }; R = 0 marks the reserved rows. */
struct mcs_row {
    unsigned char qm;
    double r_x1024;
};

static const struct mcs_row mcs_64qam[32] = {
    { 2, 120 }, { 2, 157 }, { 2, 193 }, { 2, 251 }, { 2, 308 }, { 2, 379 }, { 2, 449 }, { 2, 526 },
    { 2, 602 }, { 2, 679 }, { 4, 340 }, { 4, 378 }, { 4, 434 }, { 4, 490 }, { 4, 553 }, { 4, 616 },
    { 4, 658 }, { 6, 438 }, { 6, 466 }, { 6, 517 }, { 6, 567 }, { 6, 616 }, { 6, 666 }, { 6, 719 },
    { 6, 772 }, { 6, 822 }, { 6, 873 }, { 6, 910 }, { 6, 948 }, { 2, 0 },   { 4, 0 },   { 6, 0 },
};

static const struct mcs_row mcs_256qam[32] = {
    { 2, 120 },   { 2, 193 }, { 2, 308 }, { 2, 449 }, { 2, 602 }, { 4, 378 },   { 4, 434 }, { 4, 490 },
    { 4, 553 },   { 4, 616 }, { 4, 658 }, { 6, 466 }, { 6, 517 }, { 6, 567 },   { 6, 616 }, { 6, 666 },
    { 6, 719 },   { 6, 772 }, { 6, 822 }, { 6, 873 }, { 8, 682.5 }, { 8, 711 }, { 8, 754 }, { 8, 797 },
    { 8, 841 },   { 8, 885 }, { 8, 916.5 }, { 8, 948 }, { 2, 0 },   { 4, 0 },     { 6, 0 },   { 8, 0 },
};

static const struct mcs_row mcs_64qam_low[32] = {
    { 2, 30 },  { 2, 40 },  { 2, 50 },  { 2, 64 },  { 2, 78 },  { 2, 99 },  { 2, 120 }, { 2, 157 },
    { 2, 193 }, { 2, 251 }, { 2, 308 }, { 2, 379 }, { 2, 449 }, { 2, 526 }, { 2, 602 }, { 4, 340 },
    { 4, 378 }, { 4, 434 }, { 4, 490 }, { 4, 553 }, { 4, 616 }, { 6, 438 }, { 6, 466 }, { 6, 517 },
    { 6, 567 }, { 6, 616 }, { 6, 666 }, { 6, 719 }, { 6, 772 }, { 2, 0 },   { 4, 0 },   { 6, 0 },
};

const short tbs_table_small[TBS_TABLE_SIZE] = {
    24,   32,   40,   48,   56,   64,   72,   80,   88,   96,   104,  112,  120,  128,  136,  144,
    152,  160,  168,  176,  184,  192,  208,  224,  240,  256,  272,  288,  304,  320,  336,  352,
    368,  384,  408,  432,  456,  480,  504,  528,  552,  576,  608,  640,  672,  704,  736,  768,
    808,  848,  888,  928,  984,  1032, 1064, 1128, 1160, 1192, 1224, 1256, 1288, 1320, 1352, 1416,
    1480, 1544, 1608, 1672, 1736, 1800, 1864, 1928, 2024, 2088, 2152, 2216, 2280, 2408, 2472, 2536,
    2600, 2664, 2728, 2792, 2856, 2976, 3104, 3240, 3368, 3496, 3624, 3752, 3824,
};

int tbs_mcs_lookup(enum tbs_mcs_table t, int mcs, struct tbs_mcs *out)
{
    const struct mcs_row *tab = t == TBS_MCS_TABLE_64QAM       ? mcs_64qam
                                : t == TBS_MCS_TABLE_256QAM    ? mcs_256qam
                                : t == TBS_MCS_TABLE_64QAM_LOW ? mcs_64qam_low
                                                               : NULL;
    if (!tab || mcs < 0 || mcs > 31 || !out)
        return -EINVAL;
    *out = (struct tbs_mcs){ .qm = tab[mcs].qm, .r_x1024 = tab[mcs].r_x1024, .reserved = tab[mcs].r_x1024 == 0 };
    return 0;
}

int tbs_n_re(const struct tbs_cfg *cfg)
{
    if (cfg->n_prb <= 0 || cfg->n_prb > 275 || cfg->n_symb_sh <= 0 || cfg->n_symb_sh > 14 || cfg->n_dmrs_prb < 0 ||
        cfg->n_oh_prb < 0)
        return -EINVAL;
    int n_re_prime = 12 * cfg->n_symb_sh - cfg->n_dmrs_prb - cfg->n_oh_prb;
    if (n_re_prime <= 0)
        return -EINVAL;
    return (n_re_prime < 156 ? n_re_prime : 156) * cfg->n_prb;
}

/* Step 3, N_info <= 3824: quantise, then the smallest table entry >= N'_info. */
static int tbs_small(double n_info)
{
    int n = ilogb(n_info) - 6; /* ilogb is floor(log2) exactly */
    if (n < 3)
        n = 3;
    double step = ldexp(1.0, n);
    double n_info_q = step * floor(n_info / step);
    if (n_info_q < 24)
        n_info_q = 24;
    for (int i = 0; i < TBS_TABLE_SIZE; i++)
        if (tbs_table_small[i] >= n_info_q)
            return tbs_table_small[i];
    return tbs_table_small[TBS_TABLE_SIZE - 1]; /* n_info_q <= 3824 always lands above */
}

/* Step 4, N_info > 3824: quantise, then whole bytes per code block. */
static int tbs_large(double n_info, double r_x1024)
{
    int n = ilogb(n_info - 24) - 5;
    double step = ldexp(1.0, n);
    double n_info_q = step * floor((n_info - 24) / step + 0.5); /* round(), halves up */
    if (n_info_q < 3840)
        n_info_q = 3840;
    long nq = (long)n_info_q, c;
    if (r_x1024 <= 256) /* R <= 1/4 */
        c = (nq + 24 + 3816 - 1) / 3816;
    else if (nq > 8424)
        c = (nq + 24 + 8424 - 1) / 8424;
    else
        c = 1;
    long tbs = 8 * c * ((nq + 24 + 8 * c - 1) / (8 * c)) - 24;
    return tbs > 0x7fffffffL ? -EINVAL : (int)tbs;
}

int tbs_compute(const struct tbs_cfg *cfg)
{
    int n_re = tbs_n_re(cfg);
    if (n_re < 0)
        return n_re;
    if (cfg->layers < 1 || cfg->layers > 8 || cfg->qm < 1 || cfg->qm > 10 || cfg->r_x1024 <= 0 ||
        cfg->r_x1024 >= 1024 || cfg->tb_scaling < 0 || cfg->tb_scaling > 2)
        return -EINVAL;
    /* Step 2 with S = 1, 0.5, 0.25 (Table 5.1.3.2-2); every factor is exact in a double. */
    double n_info = ldexp((double)n_re * cfg->r_x1024 * cfg->qm * cfg->layers, -10 - cfg->tb_scaling);
    return n_info <= 3824 ? tbs_small(n_info) : tbs_large(n_info, cfg->r_x1024);
}
