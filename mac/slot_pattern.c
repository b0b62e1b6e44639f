/* DL/UL symbols of each slot from the TDD pattern (38.213 11.1). */
#include "mac/slot_pattern.h"

#include <errno.h>
#include <string.h>

void slot_pattern_init_fdd(struct slot_pattern *p)
{
    memset(p, 0, sizeof *p);
    p->period_slots = 1;
    p->dl[0] = p->ul[0] = SLOT_ALL_SYMBOLS;
}

int slot_pattern_init_tdd(struct slot_pattern *p, int period_slots, int dl_slots, int dl_symbols, int ul_slots,
                          int ul_symbols)
{
    if (period_slots < 1 || period_slots > SLOT_PATTERN_MAX_SLOTS || dl_slots < 0 || ul_slots < 0 ||
        dl_symbols < 0 || dl_symbols > 13 || ul_symbols < 0 || ul_symbols > 13)
        return -EINVAL;
    int special = (dl_symbols || ul_symbols) ? 1 : 0;
    if (dl_slots + ul_slots + special > period_slots) return -EINVAL;
    /* The DL symbols of the slot after the DL slots and the UL symbols of the slot before the UL slots are the
     * same slot only when the pattern leaves exactly one slot between them. */
    int dl_part = dl_slots, ul_part = period_slots - ul_slots - 1;
    if (dl_symbols && ul_symbols && dl_part == ul_part && dl_symbols + ul_symbols > 14) return -EINVAL;
    memset(p, 0, sizeof *p);
    p->tdd = true;
    p->period_slots = period_slots;
    for (int s = 0; s < dl_slots; s++) p->dl[s] = SLOT_ALL_SYMBOLS;
    if (dl_symbols && dl_part < period_slots) p->dl[dl_part] = (uint16_t)((1u << dl_symbols) - 1);
    for (int s = period_slots - ul_slots; s < period_slots; s++) p->ul[s] = SLOT_ALL_SYMBOLS;
    if (ul_symbols && ul_part >= 0)
        p->ul[ul_part] = (uint16_t)(SLOT_ALL_SYMBOLS & ~((1u << (14 - ul_symbols)) - 1));
    return 0;
}

uint16_t slot_pattern_dl_symbols(const struct slot_pattern *p, uint64_t slot)
{
    return p->dl[slot % (uint64_t)p->period_slots];
}

uint16_t slot_pattern_ul_symbols(const struct slot_pattern *p, uint64_t slot)
{
    return p->ul[slot % (uint64_t)p->period_slots];
}

bool slot_pattern_ul_span(const struct slot_pattern *p, uint64_t slot, int first, int n)
{
    if (first < 0 || n < 1 || first + n > 14) return false;
    uint16_t want = (uint16_t)(((1u << n) - 1) << first);
    return (slot_pattern_ul_symbols(p, slot) & want) == want;
}
