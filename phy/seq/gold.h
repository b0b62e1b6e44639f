/* Pseudo-random (Gold) sequence generator.
 *
 * Implements 38.211 5.2.1: the length-31 Gold sequence c(n) = (x1(n + Nc) + x2(n + Nc)) mod 2 with Nc = 1600,
 * x1 initialised to 1,0,...,0 and x2 to c_init. It is the basis of every NR scrambling sequence and of the
 * DMRS / CSI-RS sequences. The generator advances both LFSRs 28 bits per step (the most their feedback taps
 * allow without reading bits not yet produced).
 *
 * Threading: pure functions over caller memory (a struct gold_gen lives on the caller's stack), no shared
 * state; safe from any thread.
 */
#ifndef GNBD_PHY_SEQ_GOLD_H
#define GNBD_PHY_SEQ_GOLD_H

#include <stddef.h>
#include <stdint.h>

/* Writes c[i] = c(offset + i) for i in [0, len) as 0/1 bytes, for the sequence initialised with c_init
 * (only its 31 low bits are used). */
void gold_sequence(uint32_t c_init, uint32_t offset, uint8_t *c, size_t len);

/* Same sequence packed 32 bits per word: bit 31 - j of out[w] (MSB first) is c(offset + 32 w + j). Writes
 * ceil(len / 32) words; bits past len in the last word are zero. */
void gold_sequence_packed(uint32_t c_init, uint32_t offset, uint32_t *out, size_t len);

/* words[w] ^= the packed sequence word w (bit 31 - j: c(offset + 32 w + j)), w < nwords: scrambling on packed bits,
 * 32 bits per step of 64-bit LFSR windows. */
void gold_xor_packed(uint32_t c_init, uint32_t offset, uint32_t *words, size_t nwords);

/* Streaming generator, for consumers (scrambling, DMRS) that combine the sequence with data on the fly without
 * a buffer. Plain state, no allocation. */
struct gold_gen {
    uint32_t x1, x2;     /* LFSR states: bit 30 - i holds x(n + i), i = 0..30 */
    uint64_t acc;        /* produced, not yet returned output bits, MSB first */
    unsigned fill;       /* number of valid bits in acc */
};

/* Positions the generator at c(offset) of the sequence initialised with c_init. */
void gold_gen_start(struct gold_gen *g, uint32_t c_init, uint32_t offset);

/* Returns the next 32 bits of the sequence, MSB first: bit 31 - j is c(n + j). */
uint32_t gold_gen_next32(struct gold_gen *g);

#endif
