/* RLC PDU headers (3GPP TS 38.322 6.2.2, 6.2.3): bit-exact writers and bounds-checked readers for UMD and AMD
 * data PDU headers and for the STATUS PDU. Pure functions over caller buffers; no state, no allocation; any
 * thread.
 *
 * Layouts (bit 7 of each octet first, as in the 38.322 figures):
 *   AMD, 12-bit SN (6.2.2.4)  D/C=1 P SI(2) SN[11:8] | SN[7:0] | [SO(16) when SI = 10 or 11]
 *   AMD, 18-bit SN            D/C=1 P SI(2) R R SN[17:16] | SN[15:8] | SN[7:0] | [SO(16)]
 *   UMD, complete SDU (6.2.2.3) SI=00 R R R R R R                      (no SN)
 *   UMD, 6-bit SN             SI(2) SN[5:0] | [SO(16) when SI = 10 or 11]
 *   UMD, 12-bit SN            SI(2) R R SN[11:8] | SN[7:0] | [SO(16)]
 *   STATUS (6.2.2.5), 12-bit  D/C=0 CPT(3) ACK_SN[11:8] | ACK_SN[7:0] | E1 R(7)
 *                             then per NACK: NACK_SN[11:4] | NACK_SN[3:0] E1 E2 E3 R | [SOstart(16) SOend(16)]
 *                             [NACK_range(8)]
 *   STATUS, 18-bit            D/C=0 CPT(3) ACK_SN[17:14] | ACK_SN[13:6] | ACK_SN[5:0] E1 R
 *                             then per NACK: NACK_SN[17:10] | NACK_SN[9:2] | NACK_SN[1:0] E1 E2 E3 R R R | ...
 * E1: another NACK follows; E2: SOstart/SOend follow; E3: NACK_range follows (6.2.3.10-12). With E3, SOstart
 * applies to NACK_SN and SOend to NACK_SN + NACK_range - 1 (6.2.3.13-15). SOend 0xFFFF: to the SDU's end.
 */
#ifndef GNBD_RLC_PDU_H
#define GNBD_RLC_PDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rlc/rlc.h"

/* The header of a UMD or AMD PDU. `so` is meaningful for SI = LAST or MIDDLE (it is 0 otherwise); `poll` is
 * AMD only. */
struct rlc_data_hdr {
    bool poll;
    enum rlc_si si;
    uint32_t sn;
    uint16_t so;
};

static inline bool rlc_si_has_so(enum rlc_si si)
{
    return si == RLC_SI_LAST || si == RLC_SI_MIDDLE;
}

/* SI of a segment [so, so + len) of an SDU of `sdu_len` bytes (6.2.3.4). */
static inline enum rlc_si rlc_si_of(size_t so, size_t len, size_t sdu_len)
{
    bool first = so == 0, last = so + len >= sdu_len;
    return first ? (last ? RLC_SI_FULL : RLC_SI_FIRST) : (last ? RLC_SI_LAST : RLC_SI_MIDDLE);
}

/* True for a data PDU (D/C = 1); a zero-length PDU is neither. Only AM has the D/C bit. */
static inline bool rlc_am_is_data(const uint8_t *pdu, size_t len)
{
    return len > 0 && (pdu[0] & 0x80);
}

/* Header sizes in bytes; sn_bits 12 or 18 (AMD), 6 or 12 (UMD). */
size_t rlc_amd_hdr_len(int sn_bits, enum rlc_si si);
size_t rlc_umd_hdr_len(int sn_bits, enum rlc_si si);

/* Write the header into buf (cap bytes). Returns the header length, -ENOBUFS when cap is too small, -EINVAL
 * for a bad sn_bits or an SN that does not fit. */
int rlc_amd_hdr_write(uint8_t *buf, size_t cap, int sn_bits, const struct rlc_data_hdr *h);
int rlc_umd_hdr_write(uint8_t *buf, size_t cap, int sn_bits, const struct rlc_data_hdr *h);

/* Read the header of a PDU of len bytes. Returns the header length (the data follow), or -EBADMSG when the PDU
 * is too short to hold the header and at least one data byte, or (AMD) is not a data PDU. *reserved is set when
 * an R bit is 1 (the value is otherwise ignored, 38.322 6.2.3.x). */
int rlc_amd_hdr_read(const uint8_t *pdu, size_t len, int sn_bits, struct rlc_data_hdr *h, bool *reserved);
int rlc_umd_hdr_read(const uint8_t *pdu, size_t len, int sn_bits, struct rlc_data_hdr *h, bool *reserved);

/* One NACK entry of a STATUS PDU: NACK_SN, optionally SOstart/SOend (has_so) and NACK_range (range > 0; 0 means
 * the field is absent, i.e. one SN). */
struct rlc_status_nack {
    uint32_t sn;
    bool has_so;
    uint16_t so_start, so_end;
    uint8_t range;
};

/* Bytes a NACK entry takes. */
size_t rlc_status_nack_len(int sn_bits, const struct rlc_status_nack *n);

/* STATUS PDU writer: begin, add NACKs in order, end with the ACK_SN (which depends on how many NACKs fit). */
struct rlc_status_writer {
    uint8_t *buf;
    size_t cap, len;
    int sn_bits;
    size_t last_e1;      /* offset of the byte holding the previous entry's E1 bit */
    uint8_t last_e1_bit; /* its mask */
};

/* Returns 0, or -ENOBUFS when cap cannot hold the 3-byte fixed part, -EINVAL for a bad sn_bits. */
int rlc_status_write_begin(struct rlc_status_writer *w, uint8_t *buf, size_t cap, int sn_bits);
/* Returns 0, or -ENOBUFS when the entry does not fit (the PDU is unchanged). */
int rlc_status_write_nack(struct rlc_status_writer *w, const struct rlc_status_nack *n);
/* Writes ACK_SN; returns the PDU length. */
size_t rlc_status_write_end(struct rlc_status_writer *w, uint32_t ack_sn);

/* STATUS PDU reader: begin checks the fixed part (D/C = 0, CPT = 000, length), next returns one NACK entry at a
 * time: 1 with *n filled, 0 at the end, -EBADMSG for a truncated entry or bytes left after the last one. Field
 * values are not judged here (the AM entity checks them against its window). */
struct rlc_status_reader {
    const uint8_t *pdu;
    size_t len, pos;
    int sn_bits;
    bool more;           /* E1 of the previous part */
    bool reserved;       /* an R bit was 1 somewhere so far */
};

int rlc_status_read_begin(struct rlc_status_reader *r, const uint8_t *pdu, size_t len, int sn_bits,
                          uint32_t *ack_sn);
int rlc_status_read_next(struct rlc_status_reader *r, struct rlc_status_nack *n);

#endif
