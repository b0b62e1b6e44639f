/* GTP-U (29.281): the N3 user plane between gNB and UPF. Encoding and parsing of GTPv1-U messages; no I/O and no
 * state, so the user-plane stage (and tests) call it on their own buffers.
 *
 * Header (29.281 5.1): flags (version 1, PT 1, E/S/PN), message type, length (octets after the first 8), TEID;
 * when any of E, S, PN is set the sequence number, N-PDU number and next-extension-header type follow (4 octets).
 * Extension headers (5.2): length in 4-octet units, content, next type. The one N3 needs is the PDU Session
 * Container (type 0x85, 5.2.2.7) whose content is 38.415's PDU Session Information: DL (PDU type 0) and UL (PDU
 * type 1) frames carrying the QoS Flow Identifier (38.415 5.5.2.1, 5.5.2.2); gnbd writes and reads its first two
 * octets (QFI, RQI on DL) and skips optional fields.
 *
 * Messages (29.281 7): G-PDU 255 (a T-PDU: the UE's IP packet), End Marker 254 (7.3.2: no IEs, the tunnel's
 * TEID), Echo Request 1 / Echo Response 2 (7.2.1, 7.2.2: S = 1, TEID 0; the response echoes the sequence number and
 * carries Recovery, IE 14, value 0), Error Indication 26 (7.3.1: S = 1, TEID 0; IEs TEID Data I (16) = the TEID
 * that was not found and GTP-U Peer Address (133) = our address), sent for a G-PDU to an unknown TEID.
 *
 * Zero copy: a G-PDU's header is written in front of a payload already in its buffer (gtpu_gpdu_header() into
 * the headroom, GTPU_GPDU_HEADROOM octets is always enough); parsing returns where the payload starts.
 * Errors are negative errno values: -EBADMSG (malformed: the PDU is counted and dropped by the caller),
 * -EPROTONOSUPPORT (not version 1 GTP), -ENOTSUP (an extension header we must comprehend but do not),
 * -ENOSPC (output too small). */
#ifndef GNBD_GTPU_H
#define GNBD_GTPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GTPU_PORT 2152 /* 29.281 4.4.2.3: UDP destination port of G-PDUs and signalling */

enum gtpu_msg_type {
    GTPU_ECHO_REQUEST = 1,
    GTPU_ECHO_RESPONSE = 2,
    GTPU_ERROR_INDICATION = 26,
    GTPU_SUPPORTED_EXT_HEADERS = 31,
    GTPU_END_MARKER = 254,
    GTPU_GPDU = 255,
};

#define GTPU_EXT_PDU_SESSION_CONTAINER 0x85 /* 29.281 5.2.2.7 */
#define GTPU_GPDU_HEADROOM 16               /* 8 + 4 + a 4-octet PDU Session Container */

/* 38.415 5.5.2: the PDU Session Information of a PDU Session Container. */
struct gtpu_pdu_session {
    uint8_t pdu_type; /* 0: DL PDU SESSION INFORMATION, 1: UL */
    uint8_t qfi;      /* QoS Flow Identifier, 0..63 */
    bool rqi;         /* DL only: Reflective QoS Indication */
};

struct gtpu_msg {
    uint8_t type;
    uint32_t teid;
    bool has_seq;               /* S flag */
    uint16_t seq;
    bool has_pdu_session;       /* a PDU Session Container was present */
    struct gtpu_pdu_session pdu_session;
    const uint8_t *payload;     /* G-PDU: the T-PDU; signalling: the IEs */
    size_t payload_len;
    /* Error Indication's IEs (7.3.1) */
    bool has_teid_data;
    uint32_t teid_data;
    uint8_t peer_addr[16];
    uint8_t peer_addr_len;      /* 4 (IPv4) or 16 (IPv6); 0 absent */
    bool has_recovery;          /* Echo Response */
};

/* Parse one GTP-U message of len octets (a UDP payload). */
int gtpu_parse(const uint8_t *buf, size_t len, struct gtpu_msg *m);

/* The octets a G-PDU header takes: 8, or 16 with a PDU Session Container. */
size_t gtpu_gpdu_header_len(const struct gtpu_pdu_session *ps);

/* Write a G-PDU header for a T-PDU of payload_len octets into hdr[gtpu_gpdu_header_len(ps)] (the octets just
 * before the payload). ps NULL: no extension header. Returns the header length, or -EINVAL (QFI > 63, a payload
 * too long for the 16-bit length). */
int gtpu_gpdu_header(uint8_t *hdr, uint32_t teid, const struct gtpu_pdu_session *ps, size_t payload_len);

/* Whole signalling messages into out[cap]; each returns its length or -ENOSPC. */
int gtpu_echo_request(uint8_t *out, size_t cap, uint16_t seq);
int gtpu_echo_response(uint8_t *out, size_t cap, uint16_t seq);
int gtpu_end_marker(uint8_t *out, size_t cap, uint32_t teid);
/* addr: our GTP-U address, 4 or 16 octets. */
int gtpu_error_indication(uint8_t *out, size_t cap, uint16_t seq, uint32_t teid_not_found, const uint8_t *addr,
                          size_t addr_len);

const char *gtpu_msg_type_name(uint8_t type);

#endif
