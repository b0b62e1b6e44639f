/* LDPC base graphs and lifting sizes of NR (the data the LDPC encoder, rate matcher and decoder share).
 *
 * Implements 38.212 5.3.2: the lifting sizes Z_c and their set index i_LS (Table 5.3.2-1), base graph 1 (46 x 68,
 * Table 5.3.2-2) and base graph 2 (42 x 52, Table 5.3.2-3) as lists of non-zero entries (i, j) with the eight
 * shift values V_ij, one per i_LS; the lifted shift is P_ij = V_ij mod Z_c.
 *
 * Both graphs share the structure the encoder relies on: columns 0..kb-1 carry the systematic bits (kb = 22 for
 * BG1, 10 for BG2), columns kb..kb+3 the four "core" parity blocks with a double-diagonal shape in rows 0..3, and
 * every row i >= 4 has exactly one entry beyond column kb+3, the identity at column kb+i.
 *
 * Threading: constant data and pure functions; safe from any thread.
 */
#ifndef GNBD_PHY_FEC_LDPC_TABLES_H
#define GNBD_PHY_FEC_LDPC_TABLES_H

#include <stdint.h>

#define LDPC_Z_MAX 384             /* largest lifting size */
#define LDPC_NUM_LIFTING_SIZES 51  /* 38.212 Table 5.3.2-1 */
#define LDPC_NUM_SETS 8            /* i_LS = 0..7 */
#define LDPC_BG1_ROWS 46
#define LDPC_BG1_COLS 68
#define LDPC_BG1_EDGES 316
#define LDPC_BG2_ROWS 42
#define LDPC_BG2_COLS 52
#define LDPC_BG2_EDGES 197
#define LDPC_MAX_ROWS LDPC_BG1_ROWS
#define LDPC_MAX_COLS LDPC_BG1_COLS
#define LDPC_CORE_ROWS 4           /* rows 0..3 hold the double-diagonal parity core */

/* Base graph numbers as 38.212 writes them. */
enum ldpc_bg { LDPC_BG1 = 1, LDPC_BG2 = 2 };

/* One non-zero entry of a base graph: row i, column j and V_ij for i_LS = 0..7. */
struct ldpc_bg_edge {
    uint8_t i, j;
    uint16_t v[LDPC_NUM_SETS];
};

/* A base graph as its entries in row order (columns ascending within a row). */
struct ldpc_base_graph {
    int bg;                          /* 1 or 2 */
    int rows, cols;                  /* 46 x 68 or 42 x 52 */
    int kb;                          /* systematic columns: 22 or 10 */
    int num_edges;
    const struct ldpc_bg_edge *edges;
    const uint16_t *row_start;       /* edges of row i: [row_start[i], row_start[i + 1]) */
};

/* 38.212 Table 5.3.2-1: the 51 lifting sizes in ascending order. */
extern const uint16_t ldpc_lifting_sizes[LDPC_NUM_LIFTING_SIZES];

/* The base graph bg (1 or 2); NULL for any other value. */
const struct ldpc_base_graph *ldpc_base_graph_get(int bg);

/* Set index i_LS of lifting size z (Table 5.3.2-1); -EINVAL when z is not a lifting size. */
int ldpc_lifting_set_index(int z);

/* 38.212 5.3.2: P_ij = V_ij mod Z_c for entry e at lifting size z of set i_ls. */
static inline int ldpc_shift(const struct ldpc_bg_edge *e, int i_ls, int z)
{
    return e->v[i_ls] % z;
}

/* Coded length N of one code block without the 2 Z_c punctured systematic columns: 66 Z_c (BG1), 50 Z_c (BG2);
 * -EINVAL for a bad bg. */
int ldpc_n(int bg, int z);

/* Code block length K = 22 Z_c (BG1) or 10 Z_c (BG2), fillers included; -EINVAL for a bad bg. */
int ldpc_k(int bg, int z);

#endif
