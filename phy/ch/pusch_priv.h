/* Internal to phy/ch/pusch*.c: what pusch.c and pusch_uci.c (HARQ-ACK on PUSCH) share. Not for callers. */
#ifndef GNBD_PHY_CH_PUSCH_PRIV_H
#define GNBD_PHY_CH_PUSCH_PRIV_H

#include <stdint.h>

#include "phy/ch/pusch.h"

/* 0 for no HARQ-ACK or a valid one; -ENOTSUP above PUSCH_MAX_ACK_BITS; else -EINVAL. */
int pusch_uci_check(const struct pusch_uci *u);

/* UE, 6.2.7 step 5 + 38.211 6.3.1.1: puts the rate-matched HARQ-ACK e_k = d_(k mod n) onto lay's REs of the
 * scrambled packed codeword (packed holds cw ^ c, 32 bits a word MSB first): coded bits scrambled, x -> 1,
 * y -> the bit before. */
void pusch_ack_mux(uint32_t *packed, const uint8_t *cw, const struct pusch_ack_layout *lay, int qm, const uint8_t *d,
                   int n);

/* DTX thresholds of 1 and 2 HARQ-ACK bits for the false-alarm rate pfa (0 = 1e-3). 0 or -EINVAL. */
int pusch_ack_thresholds(double pfa, double thr[PUSCH_MAX_ACK_BITS]);

#endif
