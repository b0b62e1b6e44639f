/* MAC RAR PDU (38.321 6.1.5, 6.2.2, 6.2.3): the random access response the gNB sends on the RA-RNTI's PDSCH.
 *
 * Layout: an optional first subPDU with only an E/T/R/R/BI subheader (E, T = 0, R, R, Backoff Indicator 4 bits,
 * Table 7.2-1), then one subPDU per answered preamble: an E/T/RAPID subheader (E, T = 1, RAPID 6 bits) followed
 * by a 7-byte MAC RAR (Figure 6.2.3-1):
 *     octet 1:    R (1 bit, 0) | Timing Advance Command bits 11..5
 *     octet 2:    TA bits 4..0 | UL grant bits 26..24
 *     octets 3-5: UL grant bits 23..0
 *     octets 6-7: Temporary C-RNTI
 * E = 1 says another subPDU follows; the last has E = 0. Padding (zeros) fills the transport block after the
 * last subPDU (6.1.5). The UL grant is the 27-bit RAR UL grant of 38.213 Table 8.2-1 (hopping 1, FDRA 14, TDRA
 * 4, MCS 4, TPC 3, CSI 1 bits, first field most significant), packed by the caller.
 * srsUE (docs/SRSUE.md §4) refuses a RAR with R = 1 or with a reserved bit of the BI subheader set, and uses only
 * the subPDU with its own RAPID; RAPID-only subPDUs (SI request acknowledgement) are not built here.
 *
 * Threading: pure functions over caller memory, no allocation; any thread (MAC stage slot path, UE simulator).
 */
#ifndef GNBD_MAC_MAC_RAR_H
#define GNBD_MAC_MAC_RAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_RAR_BYTES 7                    /* one MAC RAR, subheader excluded */
#define MAC_RAR_SUBPDU_BYTES 8             /* E/T/RAPID subheader + MAC RAR */
#define MAC_RAR_MAX 64                     /* at most one per preamble index */
#define MAC_RAR_TA_MAX 3846                /* 38.213 4.2: T_A 0..3846 in the RAR */
#define MAC_RAR_UL_GRANT_BITS 27

struct mac_rar {
    uint8_t rapid;                         /* preamble index 0..63 */
    uint16_t ta;                           /* Timing Advance Command T_A, 12 bits (0..3846 used) */
    uint32_t ul_grant;                     /* 27 bits, bit 26 = frequency hopping flag */
    uint16_t tc_rnti;
};

struct mac_rar_pdu {
    bool has_bi;
    uint8_t bi;                            /* Backoff Indicator 0..15 (Table 7.2-1; 14, 15 reserved) */
    int n;
    struct mac_rar rar[MAC_RAR_MAX];
};

/* Bytes a RAR PDU with these contents needs. */
static inline size_t mac_rar_pdu_len(bool has_bi, int n) { return (has_bi ? 1u : 0u) + (size_t)n * MAC_RAR_SUBPDU_BYTES; }

/* Writes the PDU into buf[tb_size], zero padding after the last subPDU. Returns the bytes before padding, or
 * -EINVAL (no subPDU at all, n beyond MAC_RAR_MAX, a RAPID > 63, TA > 4095, grant wider than 27 bits, BI > 15) or
 * -ENOSPC (tb_size too small). */
int mac_rar_build(const struct mac_rar_pdu *pdu, uint8_t *buf, size_t tb_size);

/* Parses a RAR PDU (the UE's side): 0, or -EBADMSG (empty, a RAR cut short, R = 1, a BI subheader with reserved
 * bits set or not first, more than MAC_RAR_MAX subPDUs). Bytes after the last subPDU are padding. */
int mac_rar_parse(const uint8_t *buf, size_t len, struct mac_rar_pdu *pdu);

/* The RAR for `rapid`, or NULL. */
const struct mac_rar *mac_rar_find(const struct mac_rar_pdu *pdu, int rapid);

/* Backoff Indicator index -> backoff parameter in ms (Table 7.2-1), -1 for the reserved indices 14 and 15. */
int mac_rar_backoff_ms(int bi);

#endif
