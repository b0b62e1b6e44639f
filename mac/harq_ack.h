/* HARQ-ACK timing and the dynamic (Type-2) HARQ-ACK codebook of one serving cell, as gnbd configures it: which UL
 * slot acknowledges the PDSCH of each DL slot (k1), the dl-DataToUL-ACK list the UE is given, the counter DAI of
 * each DCI, and a codebook bit's place (gNB and UE side, so the UE simulator builds the same codebook).
 *
 * Timing (38.213 9.2.3): a PDSCH in slot n is acknowledged in slot n + k1. k1 comes from the DCI's
 * PDSCH-to-HARQ_feedback timing indicator: DCI 1_0 maps its 3 bits to {1..8}, DCI 1_1 indexes dl-DataToUL-ACK
 * (up to 8 values 0..15). gnbd gives each slot of the pattern the smallest k1 >= HARQ_ACK_K1_MIN whose slot is
 * wholly UL (the dedicated PUCCH resources span the slot, mac/ue_res.h), for the wholly DL slots (the only ones
 * with UE PDSCHs; the others get none): FDD k1 = 4 in every slot; TDD, e.g. the
 * 5 ms DDDDDDDSUU pattern at 30 kHz, slots 0..6 -> k1 8, 7, 6, 5, 4, 4, 12 (UL slots 8, 8, 8, 8, 8, 9, 18). The
 * list holds the distinct k1 values, padded with unused ones to 8 entries so that DCI 1_1 keeps its 3-bit field
 * whatever the pattern; FDD keeps {1..8} (the DCI 1_0 mapping). A slot whose k1 would exceed HARQ_ACK_K1_MAX, or
 * need a ninth distinct value, gets none (no UE PDSCH there); with DCI 1_0 only k1 <= 8 can be signalled.
 *
 * Codebook (38.213 9.1.3.1, one serving cell, one TB, no CBG, pdsch-HARQ-ACK-Codebook dynamic): the PDSCHs
 * acknowledged in one UL slot are counted in the order of their PDCCH monitoring occasions (DL slots); the m-th
 * (m = 1, 2, ...) carries the counter DAI (m - 1) mod 4 (2 bits, Table 9.1.3-1) and its HARQ-ACK is bit m - 1 of
 * the codebook. A UE that received n bits' worth and then a DCI with DAI d places it at the first m > n with
 * (m - 1) mod 4 = d: missed PDSCHs in between get NACK. Up to 2 bits go on PUCCH resource set 0 (format 0/1),
 * more on set 1 (format 2, with the SR bit appended in an SR occasion, 38.213 9.2.5.2); 38.213 9.2.1.
 *
 * Threading: pure functions over caller memory.
 */
#ifndef GNBD_MAC_HARQ_ACK_H
#define GNBD_MAC_HARQ_ACK_H

#include <stdbool.h>
#include <stdint.h>

#include "mac/slot_pattern.h"

#define HARQ_ACK_K1_MIN 4        /* the UE's processing time we allow (srsUE builds UL 4 slots ahead) */
#define HARQ_ACK_K1_MAX 15       /* 38.331 dl-DataToUL-ACK INTEGER (0..15) */
#define HARQ_ACK_LIST 8          /* entries of dl-DataToUL-ACK we signal (DCI 1_1: 3 bits) */
#define HARQ_ACK_DCI_1_0_K1_MAX 8  /* DCI 1_0: {1..8} */
#define HARQ_ACK_SET0_MAX_BITS 2 /* PUCCH resource set 0 (format 0/1) */

struct harq_ack_timing {
    int period;                              /* slots: the pattern's (FDD 1) */
    int k1[SLOT_PATTERN_MAX_SLOTS];          /* per slot of the period: k1 of its PDSCHs, 0 = none */
    int list[HARQ_ACK_LIST];                 /* dl-DataToUL-ACK */
};

/* The timing of pattern p (FDD or TDD). Returns 0, or -EINVAL (no wholly UL slot in the TDD pattern). */
int harq_ack_timing_init(struct harq_ack_timing *t, const struct slot_pattern *p);

/* k1 of a PDSCH in `slot` scheduled by DCI 1_0 (dci_1_0) or 1_1, and the DCI's PDSCH-to-HARQ_feedback timing
 * indicator in *field (may be NULL); 0 when that slot's PDSCHs cannot be acknowledged with that format. */
int harq_ack_k1(const struct harq_ack_timing *t, uint64_t slot, bool dci_1_0, uint32_t *field);

/* The counter DAI field of the m-th (1-based) PDSCH of a UL slot's codebook. */
uint32_t harq_ack_dai(int m);

/* UE side: the 1-based codebook position of a PDSCH whose DCI carries counter DAI `dai` (2 bits) after n bits
 * of the same UL slot's codebook. */
int harq_ack_dai_position(int n, uint32_t dai);

/* The PUCCH resource set (0 or 1) for a payload of nbits HARQ-ACK bits (38.213 9.2.1 with set 1's
 * maxPayloadSize absent: 1706). */
int harq_ack_pucch_set(int nbits);

#endif
