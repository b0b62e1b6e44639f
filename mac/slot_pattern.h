/* Which OFDM symbols of a slot are downlink and which are uplink (38.213 11.1, tdd-UL-DL-ConfigurationCommon with
 * one pattern), so that the DL stage transmits nothing in UL symbols, the UL stage demodulates only UL symbols,
 * and the scheduler places PRACH, PUCCH and PUSCH only where the UE may transmit.
 *
 * One pattern of P slots repeats from SFN 0 slot 0: the first dl_slots slots are all downlink, the next slot
 * starts with dl_symbols DL symbols, the last ul_slots slots are all uplink and the slot before them ends with
 * ul_symbols UL symbols; everything else is flexible (neither: a guard period here). An unpaired cell needs the
 * pattern; a paired (FDD) cell has every symbol DL on the DL carrier and UL on the UL carrier.
 * The pattern must repeat a whole number of times in 20 ms (38.331 TDD-UL-DL-Pattern): periods 0.625/1.25/2.5 ms
 * exist only at 30 kHz and above, which the configuration checks before we get here.
 *
 * Threading: plain data after slot_pattern_init; any thread may read it.
 */
#ifndef GNBD_MAC_SLOT_PATTERN_H
#define GNBD_MAC_SLOT_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#define SLOT_PATTERN_MAX_SLOTS 80     /* 10 ms at 120 kHz; we use up to 20 (10 ms at 30 kHz) */
#define SLOT_ALL_SYMBOLS 0x3fffu      /* the 14 symbols of a normal-CP slot, bit l = symbol l */

struct slot_pattern {
    bool tdd;
    int period_slots;
    uint16_t dl[SLOT_PATTERN_MAX_SLOTS];   /* bit l set: symbol l of that slot of the period is DL */
    uint16_t ul[SLOT_PATTERN_MAX_SLOTS];
};

/* FDD: every symbol is DL (DL carrier) and UL (UL carrier). */
void slot_pattern_init_fdd(struct slot_pattern *p);

/* TDD with one pattern of period_slots slots. Returns 0, or -EINVAL when the parts do not fit the period
 * (dl_slots + ul_slots + (dl_symbols or ul_symbols ? 1 : 0) > period_slots; symbols 0..13; the special slot's
 * DL and UL symbols together at most 14) or the period is 0 or above SLOT_PATTERN_MAX_SLOTS. */
int slot_pattern_init_tdd(struct slot_pattern *p, int period_slots, int dl_slots, int dl_symbols, int ul_slots,
                          int ul_symbols);

/* The DL / UL symbol mask of slot `slot` counted from SFN 0 slot 0 (a stream's slot count). */
uint16_t slot_pattern_dl_symbols(const struct slot_pattern *p, uint64_t slot);
uint16_t slot_pattern_ul_symbols(const struct slot_pattern *p, uint64_t slot);

/* True when symbols first .. first + n - 1 of the slot are all UL (n >= 1). */
bool slot_pattern_ul_span(const struct slot_pattern *p, uint64_t slot, int first, int n);

#endif
