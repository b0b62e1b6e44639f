/* The MAC's uplink resource map (ul_map.h). */
#include "mac/ul_map.h"

#include <errno.h>
#include <string.h>

static struct ul_map_slot *row_of(struct ul_map *m, uint64_t slot)
{
    return ul_map_in_window(m, slot) ? &m->row[slot % UL_MAP_SLOTS] : NULL;
}

static const struct ul_map_slot *row_of_const(const struct ul_map *m, uint64_t slot)
{
    return ul_map_in_window(m, slot) ? &m->row[slot % UL_MAP_SLOTS] : NULL;
}

static void fill_row(struct ul_map *m, uint64_t slot)
{
    struct ul_map_slot *r = &m->row[slot % UL_MAP_SLOTS];
    r->slot = slot;
    memcpy(r->used, m->tmpl_used, sizeof r->used);
    memcpy(r->owner, m->tmpl_owner, sizeof r->owner);
    r->n_pusch = 0;
}

static bool region_ok(const struct ul_map *m, int prb, int nof_prb, uint16_t symbols)
{
    return prb >= 0 && nof_prb >= 1 && prb + nof_prb <= m->nof_prb && (symbols & UL_MAP_ALL_SYMBOLS) != 0 &&
           (symbols & ~UL_MAP_ALL_SYMBOLS) == 0;
}

static bool free_in(const uint16_t *used, int prb, int nof_prb, uint16_t symbols)
{
    for (int k = prb; k < prb + nof_prb; k++)
        if (used[k] & symbols) return false;
    return true;
}

static void take(uint16_t *used, uint8_t *owner, int prb, int nof_prb, uint16_t symbols, enum ul_owner o)
{
    for (int k = prb; k < prb + nof_prb; k++) {
        if (!used[k]) owner[k] = (uint8_t)o;
        used[k] |= symbols;
    }
}

int ul_map_init(struct ul_map *m, int nof_prb)
{
    if (nof_prb < 1 || nof_prb > UL_MAP_MAX_PRB) return -EINVAL;
    memset(m, 0, sizeof *m);
    m->nof_prb = nof_prb;
    ul_map_reset(m, 0);
    return 0;
}

int ul_map_template(struct ul_map *m, int prb, int nof_prb, uint16_t symbols, enum ul_owner owner)
{
    if (!region_ok(m, prb, nof_prb, symbols)) return -EINVAL;
    if (!free_in(m->tmpl_used, prb, nof_prb, symbols)) return -EBUSY;
    take(m->tmpl_used, m->tmpl_owner, prb, nof_prb, symbols, owner);
    /* Rows already in the window get it too: what they hold there was reserved before the region existed, and a
     * region that is taken stays taken (the template only adds). */
    for (int i = 0; i < UL_MAP_SLOTS; i++)
        take(m->row[i].used, m->row[i].owner, prb, nof_prb, symbols, owner);
    return 0;
}

void ul_map_advance(struct ul_map *m, uint64_t slot)
{
    if (slot <= m->first) return;
    uint64_t old_end = m->first + UL_MAP_SLOTS;
    uint64_t from = slot > old_end ? slot : old_end;      /* rows that enter the window */
    m->first = slot;
    for (uint64_t s = from; s < slot + UL_MAP_SLOTS; s++) fill_row(m, s);
}

void ul_map_reset(struct ul_map *m, uint64_t slot)
{
    m->first = slot;
    for (uint64_t s = slot; s < slot + UL_MAP_SLOTS; s++) fill_row(m, s);
}

bool ul_map_in_window(const struct ul_map *m, uint64_t slot)
{
    return slot >= m->first && slot - m->first < UL_MAP_SLOTS;
}

int ul_map_reserve(struct ul_map *m, uint64_t slot, int prb, int nof_prb, uint16_t symbols, enum ul_owner owner)
{
    if (!region_ok(m, prb, nof_prb, symbols)) return -EINVAL;
    struct ul_map_slot *r = row_of(m, slot);
    if (!r) {
        m->stats.out_of_window++;
        return -ERANGE;
    }
    if (!free_in(r->used, prb, nof_prb, symbols)) {
        m->stats.refused++;
        return -EBUSY;
    }
    take(r->used, r->owner, prb, nof_prb, symbols, owner);
    if (owner == UL_OWNER_MSG3 || owner == UL_OWNER_PUSCH) r->n_pusch++;
    m->stats.reserved++;
    return 0;
}

bool ul_map_is_free(const struct ul_map *m, uint64_t slot, int prb, int nof_prb, uint16_t symbols)
{
    const struct ul_map_slot *r = row_of_const(m, slot);
    return r && region_ok(m, prb, nof_prb, symbols) && free_in(r->used, prb, nof_prb, symbols);
}

int ul_map_find_longest(const struct ul_map *m, uint64_t slot, int lo, int hi, int max_prb, uint16_t symbols,
                        int *len)
{
    if (lo < 0 || hi > m->nof_prb || lo >= hi || max_prb < 1 || !symbols || (symbols & ~UL_MAP_ALL_SYMBOLS))
        return -EINVAL;
    const struct ul_map_slot *r = row_of_const(m, slot);
    if (!r) return -ERANGE;
    int best = -ENOSPC, best_len = 0;
    for (int k = lo; k < hi;) {
        if (r->used[k] & symbols) {
            k++;
            continue;
        }
        int n = 0;
        while (k + n < hi && !(r->used[k + n] & symbols) && n < max_prb) n++;
        if (n > best_len) {
            best = k;
            best_len = n;
            if (n == max_prb) break;
        }
        k += n;
    }
    if (len) *len = best_len;
    return best;
}

int ul_map_find(const struct ul_map *m, uint64_t slot, int lo, int hi, int nof_prb, uint16_t symbols)
{
    if (nof_prb < 1) return -EINVAL;
    int len = 0;
    int start = ul_map_find_longest(m, slot, lo, hi, nof_prb, symbols, &len);
    if (start < 0) return start;
    return len == nof_prb ? start : -ENOSPC;
}

enum ul_owner ul_map_owner(const struct ul_map *m, uint64_t slot, int prb)
{
    const struct ul_map_slot *r = row_of_const(m, slot);
    if (!r || prb < 0 || prb >= m->nof_prb || !r->used[prb]) return UL_OWNER_FREE;
    return (enum ul_owner)r->owner[prb];
}

const char *ul_owner_name(enum ul_owner o)
{
    static const char *const names[UL_OWNER_COUNT] = {"free", "prach", "pucch-common", "pucch-dedicated", "msg3",
                                                      "pusch", "probe"};
    return (unsigned)o < UL_OWNER_COUNT ? names[o] : "?";
}

int ul_map_pusch_count(const struct ul_map *m, uint64_t slot)
{
    const struct ul_map_slot *r = row_of_const(m, slot);
    return r ? r->n_pusch : 0;
}
