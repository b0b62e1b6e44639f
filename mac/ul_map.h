/* The MAC's uplink resource map: which PRBs and symbols of each coming UL slot are taken, so that PRACH
 * occasions, both hops of the common PUCCH resource, the UEs' dedicated PUCCH region, Msg3s and PUSCH grants never
 * land on the same resource elements.
 *
 * The map covers a window of UL_MAP_SLOTS slots starting at the slot ul_map_advance() was last given (the slot the
 * MAC is deciding for). A grant is decided k2 (+ delta for Msg3) slots before its PUSCH, so the window must reach
 * that far: 38.214 6.1.2.1 lets k2 go to 32 and Msg3 adds up to 6 (Table 6.1.2.1.1-5), hence 64 slots.
 * Each slot of the window starts from the standing template (ul_map_template: the regions reserved in every slot,
 * e.g. the common PUCCH PRBs and the dedicated PUCCH region); callers then reserve what a slot carries (a PRACH
 * occasion, a Msg3, a UE's PUSCH) and find free room for new allocations.
 *
 * Granularity: one PRB x one OFDM symbol (a PUCCH or PUSCH never shares a PRB-symbol with another allocation
 * here; PUCCH resources that share PRBs by code division belong to one reserved region). A reservation either fits
 * whole or changes nothing.
 *
 * Time enters as slot numbers of the stream. Threading: one map per MAC, MAC stage only; no allocation after init.
 */
#ifndef GNBD_MAC_UL_MAP_H
#define GNBD_MAC_UL_MAP_H

#include <stdbool.h>
#include <stdint.h>

#define UL_MAP_SLOTS 64
#define UL_MAP_MAX_PRB 275
#define UL_MAP_ALL_SYMBOLS 0x3fffu

/* What took a region (kept for the log and the tests; the first owner of a PRB wins). */
enum ul_owner { UL_OWNER_FREE, UL_OWNER_PRACH, UL_OWNER_PUCCH_COMMON, UL_OWNER_PUCCH_DEDICATED, UL_OWNER_MSG3,
                UL_OWNER_PUSCH, UL_OWNER_PROBE, UL_OWNER_COUNT };

struct ul_map_slot {
    uint64_t slot;                       /* which stream slot this row holds */
    uint16_t used[UL_MAP_MAX_PRB];       /* bit l = symbol l of that PRB is taken */
    uint8_t owner[UL_MAP_MAX_PRB];       /* enum ul_owner of the first reservation on the PRB */
    int n_pusch;                         /* Msg3 and PUSCH reservations (each one PUSCH reception) */
};

struct ul_map_stats {
    uint64_t reserved, refused, out_of_window;
};

struct ul_map {
    int nof_prb;
    uint64_t first;                      /* first slot of the window */
    struct ul_map_slot row[UL_MAP_SLOTS];
    uint16_t tmpl_used[UL_MAP_MAX_PRB];
    uint8_t tmpl_owner[UL_MAP_MAX_PRB];
    struct ul_map_stats stats;
};

/* An empty map for an nof_prb-PRB UL BWP, window starting at slot 0. Returns 0 or -EINVAL. */
int ul_map_init(struct ul_map *m, int nof_prb);

/* Adds a region to the standing template (every slot entering the window from now on, and the slots already in
 * it). Returns 0, -EINVAL (outside the carrier, no symbols), -EBUSY (overlaps the template: nothing added). */
int ul_map_template(struct ul_map *m, int prb, int nof_prb, uint16_t symbols, enum ul_owner owner);

/* Slot `slot` becomes the window's first: rows before it are dropped, new rows start from the template. A slot
 * before the current first is ignored. */
void ul_map_advance(struct ul_map *m, uint64_t slot);

/* Restarts the window at `slot` with only the template (a new stream epoch). */
void ul_map_reset(struct ul_map *m, uint64_t slot);

/* Whether slot is inside the window. */
bool ul_map_in_window(const struct ul_map *m, uint64_t slot);

/* Reserves PRBs [prb, prb + nof_prb) x symbols in slot. Returns 0, -EINVAL (outside the carrier, no symbols),
 * -ERANGE (slot outside the window), -EBUSY (some PRB-symbol already taken: nothing reserved). */
int ul_map_reserve(struct ul_map *m, uint64_t slot, int prb, int nof_prb, uint16_t symbols, enum ul_owner owner);

/* Whether the region is free in slot (false outside the window or the carrier). */
bool ul_map_is_free(const struct ul_map *m, uint64_t slot, int prb, int nof_prb, uint16_t symbols);

/* The lowest start of nof_prb consecutive PRBs in [lo, hi) whose symbols are all free in slot, or -ENOSPC
 * (-ERANGE outside the window, -EINVAL for a bad range). */
int ul_map_find(const struct ul_map *m, uint64_t slot, int lo, int hi, int nof_prb, uint16_t symbols);

/* The longest run of free PRBs in [lo, hi), at most max_prb long (lowest start among equals): its start, and
 * its length in *len; -ENOSPC when no PRB is free (-ERANGE, -EINVAL as above). */
int ul_map_find_longest(const struct ul_map *m, uint64_t slot, int lo, int hi, int max_prb, uint16_t symbols,
                        int *len);

/* The owner of PRB prb in slot (UL_OWNER_FREE when nothing, or outside the window). */
enum ul_owner ul_map_owner(const struct ul_map *m, uint64_t slot, int prb);

/* Symbol mask of symbols [start, start + n). */
static inline uint16_t ul_map_symbols(int start, int n)
{
    return n <= 0 || start < 0 || start >= 14 ? 0 : (uint16_t)((((1u << n) - 1u) << start) & UL_MAP_ALL_SYMBOLS);
}

const char *ul_owner_name(enum ul_owner o);

/* The Msg3s and PUSCHs reserved in slot (0 outside the window): PHY UL receives at most UL_MAX_PUSCH a slot. */
int ul_map_pusch_count(const struct ul_map *m, uint64_t slot);

#endif
