/* PDCCH resource allocation (see pdcch_alloc.h). */
#include "mac/pdcch_alloc.h"

#include <errno.h>
#include <string.h>

static const int al_of[PDCCH_NUM_AL] = {1, 2, 4, 8, 16};

int pdcch_alloc_al_index(int al)
{
    for (int i = 0; i < PDCCH_NUM_AL; i++)
        if (al_of[i] == al) return i;
    return -1;
}

static bool cs_fits(const struct pdcch_coreset *cs)
{
    return pdcch_coreset_check(cs) == 0 && cs->start_symbol + cs->nof_symbols <= PDCCH_ALLOC_SYMBOLS &&
           cs->crb_start + cs->nof_rb <= 64 * PDCCH_ALLOC_WORDS;
}

int pdcch_alloc_ss_check(const struct pdcch_alloc_ss *ss)
{
    if (!ss || !cs_fits(&ss->cs) || ss->coreset_id < 0) return -EINVAL;
    int total = 0;
    for (int i = 0; i < PDCCH_NUM_AL; i++) {
        if (ss->nof_candidates[i] < 0 || ss->nof_candidates[i] > PDCCH_MAX_CANDIDATES) return -EINVAL;
        total += ss->nof_candidates[i];
    }
    return total > 0 ? 0 : -EINVAL;
}

void pdcch_alloc_fit_candidates(int nof_cce, const int want[PDCCH_NUM_AL], int out[PDCCH_NUM_AL])
{
    for (int i = 0; i < PDCCH_NUM_AL; i++) {
        int room = nof_cce > 0 ? nof_cce / al_of[i] : 0;
        int m = want[i] < 0 ? 0 : want[i] > PDCCH_MAX_CANDIDATES ? PDCCH_MAX_CANDIDATES : want[i];
        if (m > room) m = room;
        out[i] = m == 7 ? 6 : m; /* 38.331 SearchSpace nrofCandidates: n0..n6, n8 */
    }
}

int pdcch_alloc_candidates(const struct pdcch_alloc_ss *ss, int al, uint16_t rnti, int slot_in_frame,
                           int first_cce[PDCCH_MAX_CANDIDATES])
{
    int ai = pdcch_alloc_al_index(al);
    if (ai < 0 || pdcch_alloc_ss_check(ss) < 0 || slot_in_frame < 0 || slot_in_frame >= 160) return -EINVAL;
    /* 38.213 10.1: Y = 0 in a common search space; Y_p,n from the C-RNTI in a UE-specific one. */
    uint32_t y = ss->ue_specific ? pdcch_uss_y(rnti, ss->coreset_id, slot_in_frame) : 0;
    int all[PDCCH_MAX_CANDIDATES];
    int n = pdcch_candidates(pdcch_nof_cce(&ss->cs), al, ss->nof_candidates[ai], y, 0, all);
    if (n < 0) return n;
    int k = 0;
    for (int m = 0; m < n; m++) {
        bool dup = false;
        for (int j = 0; j < k; j++) dup |= first_cce[j] == all[m];
        if (!dup) first_cce[k++] = all[m];
    }
    return k;
}

void pdcch_alloc_begin(struct pdcch_alloc *a, int slot_in_frame)
{
    memset(a->used, 0, sizeof a->used);
    memset(a->pdsch, 0, sizeof a->pdsch);
    a->slot_in_frame = slot_in_frame;
    a->n_placed = 0;
}

/* The RBs x symbols of CCEs first_cce .. + al - 1 of cs as a bitmap like a->used. -EINVAL: not a candidate. */
static int footprint(const struct pdcch_coreset *cs, int first_cce, int al,
                     uint64_t fp[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS])
{
    uint8_t rb[PDCCH_MAX_RB];
    if (!cs_fits(cs) || pdcch_cce_rbs(cs, first_cce, al, rb) < 0) return -EINVAL;
    memset(fp, 0, sizeof(uint64_t) * PDCCH_ALLOC_SYMBOLS * PDCCH_ALLOC_WORDS);
    for (int i = 0; i < cs->nof_rb; i++) {
        if (!rb[i]) continue;
        int crb = cs->crb_start + i;
        /* 38.211 7.3.2.2: a REG bundle spans every symbol of the CORESET */
        for (int l = cs->start_symbol; l < cs->start_symbol + cs->nof_symbols; l++)
            fp[l][crb / 64] |= 1ull << (crb % 64);
    }
    return 0;
}

static bool overlaps(const struct pdcch_alloc *a, uint64_t fp[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS])
{
    for (int l = 0; l < PDCCH_ALLOC_SYMBOLS; l++)
        for (int w = 0; w < PDCCH_ALLOC_WORDS; w++)
            if (a->used[l][w] & fp[l][w]) return true;
    return false;
}

static void take(struct pdcch_alloc *a, uint64_t fp[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS])
{
    for (int l = 0; l < PDCCH_ALLOC_SYMBOLS; l++)
        for (int w = 0; w < PDCCH_ALLOC_WORDS; w++) a->used[l][w] |= fp[l][w];
    a->n_placed++;
}

bool pdcch_alloc_is_free(const struct pdcch_alloc *a, const struct pdcch_coreset *cs, int first_cce, int al)
{
    uint64_t fp[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS];
    return footprint(cs, first_cce, al, fp) == 0 && !overlaps(a, fp);
}

int pdcch_alloc_mark(struct pdcch_alloc *a, const struct pdcch_coreset *cs, int first_cce, int al)
{
    uint64_t fp[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS];
    if (footprint(cs, first_cce, al, fp) < 0) return -EINVAL;
    bool clash = overlaps(a, fp);
    take(a, fp);
    return clash ? -EBUSY : 0;
}

int pdcch_alloc_place(struct pdcch_alloc *a, const struct pdcch_alloc_ss *ss, uint16_t rnti, int al,
                      int cce_limit, int *al_out, int *cce_out)
{
    int want = pdcch_alloc_al_index(al);
    if (want < 0 || pdcch_alloc_ss_check(ss) < 0) return -EINVAL;
    /* the wanted level, then the higher ones (more robust), then the lower ones */
    int order[PDCCH_NUM_AL], n = 0;
    for (int i = want; i < PDCCH_NUM_AL; i++) order[n++] = i;
    for (int i = want - 1; i >= 0; i--) order[n++] = i;
    for (int k = 0; k < n; k++) {
        int L = al_of[order[k]], first[PDCCH_MAX_CANDIDATES];
        int c = pdcch_alloc_candidates(ss, L, rnti, a->slot_in_frame, first);
        if (c < 0) return c;
        for (int m = 0; m < c; m++) {
            uint64_t fp[PDCCH_ALLOC_SYMBOLS][PDCCH_ALLOC_WORDS];
            if ((cce_limit > 0 && first[m] >= cce_limit) || footprint(&ss->cs, first[m], L, fp) < 0 ||
                overlaps(a, fp))
                continue;
            take(a, fp);
            *al_out = L;
            *cce_out = first[m];
            return 0;
        }
    }
    a->deferred++;
    return -ENOSPC;
}

static bool prb_used(const struct pdcch_alloc *a, int crb) { return a->pdsch[crb / 64] >> (crb % 64) & 1u; }

int pdcch_alloc_pdsch_find(const struct pdcch_alloc *a, int lo, int hi, int n)
{
    if (lo < 0) lo = 0;
    if (hi > 64 * PDCCH_ALLOC_WORDS) hi = 64 * PDCCH_ALLOC_WORDS;
    if (n < 1) return -EINVAL;
    int run = 0;
    for (int crb = lo; crb < hi; crb++) {
        run = prb_used(a, crb) ? 0 : run + 1;
        if (run == n) return crb - n + 1;
    }
    return -ENOSPC;
}

int pdcch_alloc_pdsch_longest(const struct pdcch_alloc *a, int lo, int hi, int *start)
{
    if (lo < 0) lo = 0;
    if (hi > 64 * PDCCH_ALLOC_WORDS) hi = 64 * PDCCH_ALLOC_WORDS;
    int best = 0, run = 0;
    *start = -1;
    for (int crb = lo; crb < hi; crb++) {
        run = prb_used(a, crb) ? 0 : run + 1;
        if (run > best) {
            best = run;
            *start = crb - run + 1;
        }
    }
    return best;
}

int pdcch_alloc_pdsch_take(struct pdcch_alloc *a, int start, int n)
{
    if (start < 0 || n < 1 || start + n > 64 * PDCCH_ALLOC_WORDS) return -EINVAL;
    for (int crb = start; crb < start + n; crb++) a->pdsch[crb / 64] |= 1ull << (crb % 64);
    return 0;
}

int pdcch_alloc_block(struct pdcch_alloc *a, unsigned symbols, int start, int n)
{
    if ((symbols & 0x3FFFu) == 0 || start + n > PDCCH_MAX_RB + 5 || pdcch_alloc_pdsch_take(a, start, n) < 0)
        return -EINVAL;
    for (int l = 0; l < PDCCH_ALLOC_SYMBOLS; l++)
        for (int crb = start; symbols >> l & 1u && crb < start + n; crb++) a->used[l][crb / 64] |= 1ull << (crb % 64);
    return 0;
}
