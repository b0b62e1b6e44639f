/* CRC calculation for NR transport and control channels.
 *
 * Implements 38.212 5.1: the six generator polynomials gCRC24A, gCRC24B, gCRC24C, gCRC16, gCRC11 and gCRC6.
 * The shift register starts at zero and the result is not inverted; p_0 (the first parity bit to transmit) is
 * the most significant bit of the returned value, i.e. the returned value read MSB-first is p_0..p_{L-1}.
 * Two input forms are supported: unpacked bits (one bit per byte, value 0 or 1, computed bit-wise) and packed
 * bytes (MSB first). The packed form has three implementations with identical results: bit-wise (the reference),
 * a byte-wise lookup table (portable), and carry-less multiply folding (PCLMULQDQ, x86-64), which
 * crc_compute_packed() picks at run time from the CPU (cpuid) for messages of 64 bytes or more.
 *
 * Threading: pure functions over caller memory; the lookup tables are constant data (generated offline), so every
 * function is safe to call from any number of threads concurrently.
 */
#ifndef GNBD_PHY_FEC_CRC_H
#define GNBD_PHY_FEC_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 38.212 5.1 generator polynomials. */
enum crc_type { CRC_24A, CRC_24B, CRC_24C, CRC_16, CRC_11, CRC_6 };

/* Number of parity bits L of polynomial t (24, 16, 11 or 6); -EINVAL for an unknown type. */
int crc_length(enum crc_type t);

/* CRC of len unpacked bits (one per byte, only bit 0 of each byte is used). Returns the L-bit remainder with
 * p_0 as its MSB; 0 for an unknown type. */
uint32_t crc_compute(enum crc_type t, const uint8_t *bits, size_t len);

/* Computes the CRC of bits[0..len) and writes its L parity bits, p_0 first, at bits[len..len+L). The buffer
 * must hold len + L bytes. Returns len + L (len for an unknown type, nothing written). */
size_t crc_attach(enum crc_type t, uint8_t *bits, size_t len);

/* CRC of the first nbits bits of a packed MSB-first byte string (bit i is bit 7 - i%8 of bytes[i/8]); nbits
 * need not be a multiple of 8. Same result as crc_compute on the unpacked bits. */
uint32_t crc_compute_packed(enum crc_type t, const uint8_t *bytes, size_t nbits);

/* Implementations of the packed CRC. */
enum crc_impl {
    CRC_IMPL_AUTO,    /* PCLMUL when the CPU has it (and the message is long enough), else TABLE */
    CRC_IMPL_BITWISE, /* one bit per step: the reference */
    CRC_IMPL_TABLE,   /* 8 bits per step, 256-entry table per polynomial */
    CRC_IMPL_PCLMUL,  /* 16 bytes per step, carry-less multiply (x86-64 with PCLMULQDQ and SSSE3) */
};

/* True when this CPU can run CRC_IMPL_PCLMUL. */
bool crc_has_pclmul(void);

/* What CRC_IMPL_AUTO uses for long messages on this CPU: CRC_IMPL_PCLMUL or CRC_IMPL_TABLE. */
enum crc_impl crc_packed_impl(void);

/* crc_compute_packed() with a chosen implementation, result in *crc. 0, -EINVAL (bad type, impl or pointer),
 * -ENOTSUP (PCLMUL on a CPU without it). */
int crc_compute_packed_with(enum crc_impl impl, enum crc_type t, const uint8_t *bytes, size_t nbits,
                            uint32_t *crc);

#endif
