/* PDCCH resource allocation: which candidate of which search space each DCI of a DL slot takes, so that no two
 * PDCCHs of the slot share a resource element.
 *
 * Search spaces (struct pdcch_alloc_ss): a CORESET (phy/ch/pdcch.h: its RBs, symbols, CCE-to-REG mapping) and
 * nrofCandidates per aggregation level. The CCEs of candidate m at level L are (38.213 10.1)
 *     L ((Y_p,n + floor(m N_CCE,p / (L M_L)) + n_CI) mod floor(N_CCE,p / L)) + i,  i = 0 .. L-1,
 * with n_CI = 0 (no carrier indicator) and
 *   - in a common search space (SS#0, SS#1 = ra-SearchSpace): Y_p,n = 0;
 *   - in a UE-specific search space (SS#2 of RRCSetup): Y_p,n = (A_p Y_p,n-1) mod D, Y_p,-1 = n_RNTI = C-RNTI,
 *     A_p = 39827, 39829, 39839 for p mod 3 = 0, 1, 2 (p = the CORESET's id), D = 65537, n = n^mu_s,f (slot of
 *     the frame), so a UE's candidates move from slot to slot (pdcch_uss_y()).
 * A candidate the formula gives twice (M_L > floor(N_CCE / L)) is tried once.
 *
 * Occupancy: per slot, a bitmap of resource blocks (CRB 0 .. 274) in each of the first PDCCH_ALLOC_SYMBOLS
 * symbols. A PDCCH occupies the RBs its CCEs' REG bundles map to (38.211 7.3.2.2, pdcch_cce_rbs(): interleaved for
 * CORESET#0, contiguous 6-RB CCEs for CORESET#1) in every symbol of its CORESET. Two CORESETs may overlap (CORESET#1
 * spans the carrier in symbol 0, CORESET#0 sits inside it), so collisions are checked on RBs x symbols, not on
 * CCE numbers of one CORESET.
 *
 * Placement (pdcch_alloc_place): the candidates of the wanted aggregation level in order m = 0, 1, ...; then the
 * higher levels (more robust), then the lower ones; the first candidate whose RBs are free in every symbol is
 * taken and marked. None free: -ENOSPC, and the caller defers the DCI to a later slot (the UE-specific candidates
 * differ there). An optional limit keeps the first CCE below a bound (Msg4: r_PUCCH = floor(2 n_CCE,0 / N_CCE) +
 * 2 Delta_PRI of 38.213 9.2.1 must stay on the common PUCCH resource the MAC receives).
 *
 * PDSCH PRBs: the same slot object keeps which PRBs (CRB 0 .. 274) a PDSCH of the slot already uses, so that
 * the PDSCHs of several DCIs go on disjoint PRBs (every PDSCH the MAC sends spans the same symbols: those after
 * CORESET#0 to the end of the slot).
 *
 * Threading: plain data, one per MAC; no allocation.
 */
#ifndef GNBD_MAC_PDCCH_ALLOC_H
#define GNBD_MAC_PDCCH_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/ch/pdcch.h"

#define PDCCH_ALLOC_SYMBOLS 4                  /* a CORESET lies in symbols 0 .. 3 (38.211 7.3.2.2: <= 3 long) */
#define PDCCH_ALLOC_WORDS ((PDCCH_MAX_RB + 5 + 63) / 64)   /* CRB 0 .. 274 */

/* A search space the MAC places DCIs in. */
struct pdcch_alloc_ss {
    int id;                                    /* searchSpaceId (1: ra-SearchSpace, 2: RRCSetup's SS#2) */
    bool ue_specific;                          /* hashed Y_p,n from the RNTI, else Y = 0 */
    int coreset_id;                            /* p of the hashing function */
    struct pdcch_coreset cs;                   /* the CORESET at the occasion's first symbol */
    int nof_candidates[PDCCH_NUM_AL];          /* M_L for L = 1, 2, 4, 8, 16 */
};

/* One slot's PDCCH resources. */
struct pdcch_alloc {
    int slot_in_frame;                         /* n^mu_s,f of the slot being filled */
    uint64_t used[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS];   /* bit CRB in symbol l */
    int n_placed;                              /* PDCCHs marked since pdcch_alloc_begin */
    uint64_t pdsch[PDCCH_ALLOC_WORDS];         /* bit CRB: a PDSCH of the slot uses it */
    uint64_t deferred;                         /* placements refused (-ENOSPC) since init */
};

/* Index 0..4 of aggregation level al (1, 2, 4, 8, 16), -1 for another value. */
int pdcch_alloc_al_index(int al);

/* 0 when ss is usable: a valid CORESET within CRB 0 .. 274 and symbols 0 .. 3, candidate counts 0..8 with at
 * least one; else -EINVAL. */
int pdcch_alloc_ss_check(const struct pdcch_alloc_ss *ss);

/* M_L clamped so that the candidates of each level are distinct CCEs of an N_CCE-CCE CORESET (M_L <= floor(N_CCE
 * / L)) and a value nrofCandidates can say (0..6, 8: 7 becomes 6): what SIB1 and RRCSetup announce. */
void pdcch_alloc_fit_candidates(int nof_cce, const int want[PDCCH_NUM_AL], int out[PDCCH_NUM_AL]);

/* The distinct first CCEs of the candidates of level al of ss for rnti in slot slot_in_frame, in the order m = 0,
 * 1, ... (38.213 10.1, above). Returns their number (0: the level has none), or -EINVAL. */
int pdcch_alloc_candidates(const struct pdcch_alloc_ss *ss, int al, uint16_t rnti, int slot_in_frame,
                           int first_cce[PDCCH_MAX_CANDIDATES]);

/* Starts slot slot_in_frame with nothing placed. */
void pdcch_alloc_begin(struct pdcch_alloc *a, int slot_in_frame);

/* Whether CCEs first_cce .. + al - 1 of cs are free in the slot. */
bool pdcch_alloc_is_free(const struct pdcch_alloc *a, const struct pdcch_coreset *cs, int first_cce, int al);

/* Marks CCEs first_cce .. + al - 1 of cs as used (a PDCCH placed by someone else, e.g. SIB1's). 0, -EBUSY when
 * they overlap a PDCCH already marked (marked anyway), -EINVAL. */
int pdcch_alloc_mark(struct pdcch_alloc *a, const struct pdcch_coreset *cs, int first_cce, int al);

/* Places a DCI for rnti in ss: the wanted level al first, then higher, then lower levels, each candidate in order
 * of m; with cce_limit > 0 only candidates whose first CCE is below it. On success marks it and writes *al_out and
 * *cce_out. Returns 0, -ENOSPC (no free candidate: defer; counted in a->deferred) or -EINVAL. */
int pdcch_alloc_place(struct pdcch_alloc *a, const struct pdcch_alloc_ss *ss, uint16_t rnti, int al,
                      int cce_limit, int *al_out, int *cce_out);

/* PDSCH PRBs: the lowest start of n consecutive PRBs in [lo, hi) no PDSCH of the slot uses, or -ENOSPC. */
int pdcch_alloc_pdsch_find(const struct pdcch_alloc *a, int lo, int hi, int n);

/* The longest run of PRBs in [lo, hi) no PDSCH of the slot uses: its length (0: none) and *start (the lowest
 * among equals). */
int pdcch_alloc_pdsch_longest(const struct pdcch_alloc *a, int lo, int hi, int *start);

/* Marks PRBs [start, start + n) as used by a PDSCH. 0, or -EINVAL outside CRB 0 .. 274 (nothing marked). */
int pdcch_alloc_pdsch_take(struct pdcch_alloc *a, int start, int n);

/* Keeps RBs [start, start + n) of the slot away from PDCCHs and PDSCHs when a signal someone else places (an
 * SS/PBCH block) occupies them in `symbols` (bit l = symbol l, 0..13): its RBs in those of symbols 0 ..
 * PDCCH_ALLOC_SYMBOLS - 1 are no CCE's, and no PDSCH takes them at all (a PDSCH spans the slot from CORESET#0 on, and
 * its frequency allocation is one contiguous run: a PDSCH never shares the block's RBs in any symbol, so no
 * receiver needs to rate-match around it). 0, or -EINVAL outside CRB 0 .. 274 or without symbols (nothing marked). */
int pdcch_alloc_block(struct pdcch_alloc *a, unsigned symbols, int start, int n);

#endif
