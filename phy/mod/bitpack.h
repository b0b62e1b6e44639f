/* Conversion between unpacked bits (one per byte, the value in bit 0) and packed MSB-first bytes (bit i is bit
 * 7 - i % 8 of byte i / 8), the two forms the DL-SCH chain moves between: transport blocks and CRCs are packed,
 * code blocks and the LDPC circular buffer unpacked (segmentation.h, ldpc_encoder.h), the scrambled codeword packed
 * again for modulation (sch.h).
 *
 * Two implementations with identical results: portable C (eight bits per 64-bit multiply) and AVX2 (32 bits per
 * step: a byte shuffle and a movemask, or a broadcast and a compare), chosen at run time from the CPU (cpuid).
 *
 * Threading: pure functions over caller memory, no allocation; safe from any thread.
 */
#ifndef GNBD_PHY_MOD_BITPACK_H
#define GNBD_PHY_MOD_BITPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bitpack_impl {
    BITPACK_IMPL_AUTO, /* AVX2 when the CPU has it, else C */
    BITPACK_IMPL_C,
    BITPACK_IMPL_AVX2, /* -ENOTSUP on a CPU without AVX2 */
};

/* True when this CPU can run BITPACK_IMPL_AVX2. */
bool bitpack_has_avx2(void);

/* What BITPACK_IMPL_AUTO uses on this CPU. */
enum bitpack_impl bitpack_auto_impl(void);

/* bits[0..n) (bit 0 of each byte; LDPC_FILLER's bit 0 is 0) -> bytes[0 .. ceil(n / 8)), MSB first; the unused low
 * bits of a trailing partial byte are 0. */
void bitpack_pack(const uint8_t *bits, size_t n, uint8_t *bytes);

/* bits[i] = bit bit0 + i of the packed string bytes, i < n (values 0/1); bit0 need not be a multiple of 8. Reads
 * no byte past the one holding bit bit0 + n - 1. */
void bitpack_unpack(const uint8_t *bytes, size_t bit0, size_t n, uint8_t *bits);

/* The two above with a chosen implementation: 0, -EINVAL (bad impl or NULL with n > 0), -ENOTSUP. */
int bitpack_pack_with(enum bitpack_impl impl, const uint8_t *bits, size_t n, uint8_t *bytes);
int bitpack_unpack_with(enum bitpack_impl impl, const uint8_t *bytes, size_t bit0, size_t n, uint8_t *bits);

#endif
