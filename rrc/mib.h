/* The MIB (38.331 6.2.2 MIB, in BCCH-BCH-Message) and the 24 bits the PBCH carries (38.212 7.1.1: ā_0..ā_23).
 *
 * BCCH-BCH-Message ::= SEQUENCE { message BCCH-BCH-MessageType }, BCCH-BCH-MessageType ::= CHOICE { mib,
 * messageClassExtension } (1 bit), then the MIB fields in order: systemFrameNumber (6 MSBs of the SFN; the 4 LSBs
 * travel in the PBCH payload), subCarrierSpacingCommon, ssb-SubcarrierOffset (4 LSBs of k_SSB), dmrs-TypeA-Position,
 * pdcch-ConfigSIB1 {controlResourceSetZero, searchSpaceZero}, cellBarred, intraFreqReselection, spare.
 * Pure functions; any thread.
 */
#ifndef GNBD_RRC_MIB_H
#define GNBD_RRC_MIB_H

#include <stdbool.h>
#include <stdint.h>

struct mib {
    int sfn;                      /* full SFN 0..1023 (only bits 9..4 go into the MIB) */
    int scs_common_khz;           /* 15 or 30 in FR1 (scs15or60 / scs30or120) */
    int ssb_subcarrier_offset;    /* 0..15: k_SSB mod 16 */
    int dmrs_type_a_position;     /* 2 or 3 */
    int coreset0_index;           /* controlResourceSetZero 0..15 */
    int searchspace0_index;       /* searchSpaceZero 0..15 */
    bool cell_barred;
    bool intra_freq_reselection_allowed;
    int spare;                    /* the spare bit: 0 when sent; kept when received */
};

#define MIB_BITS 24

/* Pack into 24 bits, one per byte (0/1), ā_0 first, as the PBCH encoder takes them; and into 3 bytes (the
 * BCCH-BCH-Message as UPER, what Wireshark decodes). Return 0 or -EINVAL for a field out of range. */
int mib_pack_bits(const struct mib *m, uint8_t bits[MIB_BITS]);
int mib_pack_bytes(const struct mib *m, uint8_t bytes[3]);
/* Unpack 3 bytes; the SFN's 4 LSBs are not in the message: sfn_lsb4 supplies them (from the PBCH payload).
 * Returns 0, or -EBADMSG for messageClassExtension or an invalid value. */
int mib_unpack_bytes(const uint8_t bytes[3], int sfn_lsb4, struct mib *m);
int mib_unpack_bits(const uint8_t bits[MIB_BITS], int sfn_lsb4, struct mib *m);

#endif
