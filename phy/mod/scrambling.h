/* Bit-level scrambling with the Gold sequence.
 *
 * Implements the scrambling step shared by 38.211 7.3.1.1 (PDSCH), 7.3.2.3 (PDCCH), 7.3.3.1 (PBCH), 6.3.1.1
 * (PUSCH, without its placeholder bits) and 6.3.2.5.1 / 6.3.2.6.1 (PUCCH formats 2-4): b~(i) = (b(i) + c(i))
 * mod 2 with c the sequence of 38.211 5.2.1 started at a given offset (e.g. nu M_bit for PBCH), and the
 * receive-side inverse on LLRs, where a scrambling bit of 1 flips the LLR's sign. Helpers give c_init per channel.
 *
 * Threading: pure functions over caller memory, no allocation; safe from any thread.
 */
#ifndef GNBD_PHY_MOD_SCRAMBLING_H
#define GNBD_PHY_MOD_SCRAMBLING_H

#include <stddef.h>
#include <stdint.h>

/* out[i] = in[i] XOR c(offset + i) for 0/1 bytes (only bit 0 of in[i] is used). in and out may be the same
 * buffer. */
void scrambling_bits(const uint8_t *in, uint8_t *out, size_t len, uint32_t c_init, uint32_t offset);

/* Descrambles LLRs in place: llr[i] = -llr[i] where c(offset + i) = 1 (a sign-bit flip; 8 lanes at a time with
 * AVX2 when the CPU has it). */
void scrambling_llr(float *llr, size_t len, uint32_t c_init, uint32_t offset);

/* 38.211 7.3.1.1: c_init = n_RNTI 2^15 + q 2^14 + n_ID for codeword q (0/1) and n_ID (0..1023). */
uint32_t scrambling_c_init_pdsch(uint16_t n_rnti, unsigned q, uint16_t n_id);

/* 38.211 6.3.1.1 (and 6.3.2.5.1 for PUCCH format 2): c_init = n_RNTI 2^15 + n_ID. */
uint32_t scrambling_c_init_pusch(uint16_t n_rnti, uint16_t n_id);

/* 38.211 7.3.2.3: c_init = (n_RNTI 2^16 + n_ID) mod 2^31; n_RNTI = 0 and n_ID = N_ID^cell in a common search
 * space or without pdcch-DMRS-ScramblingID. */
uint32_t scrambling_c_init_pdcch(uint16_t n_rnti, uint16_t n_id);

#endif
