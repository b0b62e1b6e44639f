/* Pseudo-random (Gold) sequence generator.
 *
 * Implements 38.211 5.2.1: the length-31 Gold sequence c(n) = (x1(n + Nc) + x2(n + Nc)) mod 2 with Nc = 1600,
 * x1 initialised to 1,0,...,0 and x2 to c_init. It is the basis of every NR scrambling sequence and of the
 * DMRS / CSI-RS sequences.
 *
 * Threading: pure functions over caller memory, no shared state; safe from any thread.
 */
#ifndef GNBD_PHY_SEQ_GOLD_H
#define GNBD_PHY_SEQ_GOLD_H

#include <stddef.h>
#include <stdint.h>

/* Writes c[i] = c(offset + i) for i in [0, len) as 0/1 bytes, for the sequence initialised with c_init
 * (only its 31 low bits are used). */
void gold_sequence(uint32_t c_init, uint32_t offset, uint8_t *c, size_t len);

/* Same sequence packed 32 bits per word, computed 32 bits at a time: bit 31 - j of out[w] (MSB first) is
 * c(offset + 32 w + j). Writes ceil(len / 32) words; bits past len in the last word are zero. */
void gold_sequence_packed(uint32_t c_init, uint32_t offset, uint32_t *out, size_t len);

#endif
