/* A PUSCH link for round-trip tests (test_pusch, test_pusch_uci): one transport block of random bytes for a grant
 * and an MCS (38.214 Table 5.1.3.1-1, or -2 for 256QAM), its UL-SCH codeword, the receiver's soft buffer and a
 * 52-PRB slot grid. Static helpers: include once per test program. */
#ifndef GNBD_TESTS_PUSCH_LINK_H
#define GNBD_TESTS_PUSCH_LINK_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pusch.h"
#include "phy/fec/tbs.h"
#include "phy/grid/grid.h"
#include "tests/unit/test_rng.h"

#define PUSCH_LINK_GRID_SC (12 * 52)

struct link {
    struct pusch_grant gr;
    struct pusch_tb tb;
    int g;
    uint8_t *tb_bits, *cw, *out;
    float *soft;
    struct dlsch enc;
    struct grid grid;
};

/* The TB of gr at row mcs (TBS from 38.214 5.1.3.2), rv 0, new data, 10 LDPC iterations. */
static inline struct pusch_tb link_tb(const struct pusch_grant *gr, int mcs)
{
    struct tbs_mcs row;
    enum tbs_mcs_table t = gr->modulation == MODULATION_256QAM ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM;
    ck_assert_int_eq(tbs_mcs_lookup(t, mcs, &row), 0);
    ck_assert_int_eq(modulation_qm(gr->modulation), row.qm);
    struct tbs_cfg tc = { .n_prb = gr->nof_rb, .n_symb_sh = gr->nof_symbols, .n_dmrs_prb = pusch_n_dmrs_prb(gr),
                          .layers = 1, .qm = row.qm, .r_x1024 = row.r_x1024 };
    struct pusch_tb tb = { .tbs = tbs_compute(&tc), .r = row.r_x1024 / 1024.0, .new_data = true,
                           .max_iterations = 10 };
    ck_assert_int_gt(tb.tbs, 0);
    return tb;
}

static inline void link_init(struct link *k, const struct pusch_grant *gr, int mcs)
{
    memset(k, 0, sizeof(*k));
    k->gr = *gr;
    k->g = pusch_nof_bits(gr);
    ck_assert_int_gt(k->g, 0);
    k->tb = link_tb(gr, mcs);
    k->tb_bits = malloc((size_t)k->tb.tbs / 8);
    k->out = malloc((size_t)k->tb.tbs / 8);
    k->cw = malloc((size_t)k->g);
    k->soft = malloc(sizeof(float) * (size_t)pusch_soft_size(gr, &k->tb));
    for (int i = 0; i < k->tb.tbs / 8; i++)
        k->tb_bits[i] = (uint8_t)(test_rng_next() >> 56);
    ck_assert_int_eq(dlsch_init(&k->enc, NULL), 0);
    ck_assert_int_eq(grid_init(&k->grid, GRID_SYMBOLS_PER_SLOT, PUSCH_LINK_GRID_SC), 0);
}

static inline void link_free(struct link *k)
{
    dlsch_free(&k->enc);
    grid_free(&k->grid);
    free(k->tb_bits);
    free(k->out);
    free(k->cw);
    free(k->soft);
}

#endif
