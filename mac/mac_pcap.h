/* MAC-NR packet capture in Wireshark's "mac-nr" UDP framing, written as a classic pcap file (LINKTYPE_RAW: each
 * record an IPv4 packet, 127.0.0.1 -> 127.0.0.2, UDP 9999 -> 9999). Wireshark decodes it with the mac_nr_udp
 * heuristic enabled (`tshark -r FILE --enable-heuristic mac_nr_udp`), then RRC on the CCCH (preference
 * mac-nr.attempt_rrc_decode, default TRUE) and RLC/PDCP/RRC on SRBs 1..3 (mac-nr.attempt_to_dissect_srb_sdus).
 *
 * UDP payload (Wireshark epan/dissectors/packet-mac-nr.h, "UDP framing format"):
 *   "mac-nr" (6 bytes, no NUL), radioType (1 FDD, 2 TDD), direction (0 UL, 1 DL), rntiType (0 none, 1 P-RNTI,
 *   2 RA-RNTI, 3 C-RNTI, 4 SI-RNTI, 5 CS-RNTI), then optional tags each followed by its value:
 *   0x02 RNTI (2 bytes, big-endian), 0x03 UE id (2 bytes), 0x06 HARQ id (1 byte), 0x07 SFN (2 bytes) + slot
 *   (2 bytes); then 0x01 (payload tag) and the MAC PDU to the end of the datagram.
 * A Msg4 / TC-RNTI PDU is a C-RNTI type PDU (it is UE-specific DL-SCH); a RAR is RA-RNTI; SIB1 is SI-RNTI.
 *
 * Split between the slot path and file I/O (the slot path does no file I/O): mac_pcap_format() is a pure
 * function that formats one complete pcap record (record header, IPv4, UDP, framing, PDU) into a caller
 * buffer; the caller (the MAC stage) puts that buffer on a ring to a non-real-time thread, which appends it
 * with mac_pcap_file_write(). No queue lives here. The record's timestamp comes from the caller (e.g. the
 * slot's time in the stream, which keeps captures of a replayed run identical).
 *
 * Threading: mac_pcap_format() any thread, no allocation; the file functions belong to one non-slot thread.
 */
#ifndef GNBD_MAC_MAC_PCAP_H
#define GNBD_MAC_MAC_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mac/mac_pdu.h"

enum mac_pcap_rnti_type {
    MAC_PCAP_NO_RNTI = 0, MAC_PCAP_P_RNTI = 1, MAC_PCAP_RA_RNTI = 2, MAC_PCAP_C_RNTI = 3, MAC_PCAP_SI_RNTI = 4,
    MAC_PCAP_CS_RNTI = 5,
};

struct mac_pcap_info {
    bool tdd;
    enum mac_dir dir;
    enum mac_pcap_rnti_type rnti_type;
    uint16_t rnti;
    uint16_t ue_id;
    int harq_id;                /* 0..15, or -1: no HARQ id tag */
    uint16_t sfn;               /* 0..1023 */
    uint16_t slot;              /* slot in the frame */
    uint64_t time_ns;           /* record timestamp */
};

#define MAC_PCAP_LINKTYPE 101   /* LINKTYPE_RAW */
#define MAC_PCAP_FILE_HEADER_BYTES 24
/* record header 16 + IPv4 20 + UDP 8 + "mac-nr" 6 + 3 fixed + RNTI 3 + UE id 3 + HARQ 2 + SFN/slot 5 + tag 1 */
#define MAC_PCAP_OVERHEAD 67
#define MAC_PCAP_MAX_PDU (65535 - 20 - 8 - 6 - 3 - 3 - 3 - 2 - 5 - 1)

static inline size_t mac_pcap_record_len(size_t pdu_len) { return MAC_PCAP_OVERHEAD + pdu_len; }

/* The 24-byte pcap global header (little-endian, microsecond timestamps, snaplen 65535, LINKTYPE_RAW). */
void mac_pcap_file_header(uint8_t out[MAC_PCAP_FILE_HEADER_BYTES]);

/* Formats one record into out[cap]. Returns its length, or -EINVAL (bad info, NULL PDU), -EMSGSIZE (PDU longer
 * than MAC_PCAP_MAX_PDU) or -ENOSPC (cap too small; mac_pcap_record_len() is always enough). */
int mac_pcap_format(const struct mac_pcap_info *info, const uint8_t *pdu, size_t len, uint8_t *out, size_t cap);

/* ---- File side (non-slot thread) ----------------------------------------------------------------------- */

struct mac_pcap_file {
    FILE *f;
    uint64_t records, bytes;    /* written */
    uint64_t errors;            /* records refused or failed writes */
};

/* Creates (truncates) the file and writes the global header. 0 or a negative errno. */
int mac_pcap_file_open(struct mac_pcap_file *w, const char *path);
/* Appends one record made by mac_pcap_format(). 0, -EINVAL (not a record) or -EIO. */
int mac_pcap_file_write(struct mac_pcap_file *w, const uint8_t *record, size_t len);
/* Flushes and closes; 0 or -EIO. */
int mac_pcap_file_close(struct mac_pcap_file *w);

#endif
