/* The user-plane stage's pure part (gnb/up_stage.h runs it): the TEID table of the N3 tunnels and what to do with
 * one datagram from the UPF, or one UL packet for it. No I/O, no clock, no allocation: unit tests drive it.
 *
 * Tunnels (29.281 4.2.2, 38.413 9.3.4.1 PDU Session Resource Setup): per PDU session of a UE, one GTP-U tunnel
 * each way. The DL tunnel's TEID is ours (allocated by the gNB, never 0: TEID 0 is for signalling, 29.281 5.1)
 * and G-PDUs to it carry the UE's DL packets; the UL tunnel's TEID and address are the UPF's (from the AMF's
 * UL NG-U UP TNL Information). An entry maps DL TEID -> (RNTI, DRB) for DL and (RNTI, DRB) -> UL TEID, UPF
 * address and QFI for UL; both lookups are open-addressing hash probes (at most half full), rebuilt on removal
 * (a control-plane event).
 *
 * DL (up_dl_handle): G-PDU to a known TEID -> deliver the T-PDU to the UE's DRB; to an unknown TEID -> an Error
 * Indication to the sender (29.281 7.3.1) carrying the TEID; Echo Request -> Echo Response with its sequence
 * number (7.2.2); End Marker (7.3.2), Error Indication, Echo Response, others -> counted; malformed -> dropped.
 * End Marker: the UPF's last packet on a tunnel before it switches the path (29.281 7.3.2, 38.415); the gNB
 * forwards nothing (it has no Xn/N2 handover in which a source gNB would pass it on to a target) and the tunnel
 * stays: only the AMF's PDU Session Resource Release (or the UE's release) removes a tunnel.
 * Error Indications for unknown TEIDs are rate-limited by a token bucket (up_rate_*): a flood of bad G-PDUs makes
 * gnbd send at most `rate` per second (a burst of rate / 10, at least 1), the rest counted as suppressed.
 * UL (up_ul_encap): a G-PDU header with the UL TEID and a PDU Session Container (UL PDU SESSION INFORMATION
 * with the QFI, 38.415 5.5.2.2) written in front of the packet, in the buffer's headroom. */
#ifndef GNBD_UP_TUNNEL_H
#define GNBD_UP_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UP_MAX_TUNNELS 256
#define UP_HASH_SIZE 512 /* power of two, 2 x UP_MAX_TUNNELS */

struct up_tunnel {
    uint16_t rnti;
    uint8_t pdu_session_id;  /* 38.413 9.3.1.50: 0..255 */
    uint8_t qfi;             /* 0..63: the QoS flow the UL packets are marked with */
    uint8_t drb_id;          /* 1..32 */
    uint32_t dl_teid;        /* ours, not 0 */
    uint32_t ul_teid;        /* the UPF's */
    uint8_t upf_addr[16];    /* IPv4 (4 octets) or IPv6 (16) */
    uint8_t upf_addr_len;
};

struct up_tunnel_table {
    struct up_tunnel t[UP_MAX_TUNNELS];
    bool used[UP_MAX_TUNNELS];
    uint16_t by_dl_teid[UP_HASH_SIZE]; /* entry index + 1; 0 empty */
    uint16_t by_ue_drb[UP_HASH_SIZE];  /* key rnti << 8 | drb_id */
    int n;
};

void up_tunnels_init(struct up_tunnel_table *tb);
/* 0; -EINVAL (TEID 0, DRB 0 or > 32, QFI > 63, address length not 4 or 16); -EEXIST (the DL TEID, or the UE's
 * DRB, has a tunnel already); -ENOSPC (UP_MAX_TUNNELS). */
int up_tunnels_add(struct up_tunnel_table *tb, const struct up_tunnel *t);
const struct up_tunnel *up_tunnels_find_dl(const struct up_tunnel_table *tb, uint32_t dl_teid);
const struct up_tunnel *up_tunnels_find_ul(const struct up_tunnel_table *tb, uint16_t rnti, uint8_t drb_id);
/* Remove every tunnel of the UE; returns how many. */
int up_tunnels_remove_ue(struct up_tunnel_table *tb, uint16_t rnti);
/* Remove the UE's tunnel of PDU session pdu_session_id (38.413 8.2.2); returns how many (0 or 1). */
int up_tunnels_remove_session(struct up_tunnel_table *tb, uint16_t rnti, int pdu_session_id);

/* Token bucket for the Error Indications sent for unknown TEIDs (29.281 7.3.1 asks for one per G-PDU; a flood of
 * them must not make the gNB flood the UPF): `rate` tokens per second, at most `burst`. Time in ms, injected. */
struct up_rate {
    int rate, burst;        /* rate 0: no limit */
    int64_t tokens_milli;   /* tokens x 1000 */
    int64_t last_ms;
    bool started;
};
/* burst: rate / 10, at least 1. */
void up_rate_init(struct up_rate *r, int rate_per_s);
/* true (a token taken: send) or false (suppress). */
bool up_rate_take(struct up_rate *r, int64_t now_ms);

/* What one datagram from N3 asks for. */
enum up_dl_verdict {
    UP_DL_DELIVER,        /* a G-PDU for tunnel `t`: T-PDU at dgram + off, len octets */
    UP_DL_ECHO,           /* Echo Request: send reply[reply_len] (an Echo Response) back */
    UP_DL_UNKNOWN_TEID,   /* G-PDU to no tunnel: send reply[reply_len] (an Error Indication) back */
    UP_DL_END_MARKER,     /* 7.3.2: the last packet of a tunnel before a path switch: counted, forwarded nowhere;
                           * t: the tunnel of its TEID (NULL: none), which stays */
    UP_DL_ERROR_IND,      /* the UPF does not know one of our UL TEIDs (teid): counted, logged */
    UP_DL_ECHO_RESPONSE,  /* an answer to an Echo Request (gnbd sends none yet): counted */
    UP_DL_EMPTY,          /* a G-PDU with no T-PDU: dropped */
    UP_DL_BAD,            /* malformed or not GTPv1-U: dropped */
    UP_DL_OTHER,          /* another message type: ignored */
};

struct up_dl_result {
    enum up_dl_verdict verdict;
    const struct up_tunnel *t; /* DELIVER, END_MARKER */
    size_t off, len;           /* DELIVER: the T-PDU */
    uint32_t teid;             /* the G-PDU's / End Marker's TEID; ERROR_IND: the TEID the UPF did not know */
    uint8_t type;              /* the message type */
    size_t reply_len;          /* ECHO, UNKNOWN_TEID */
};

/* our_addr[our_addr_len]: our N3 address (4 or 16 octets), for the Error Indication's GTP-U Peer Address IE;
 * reply[reply_cap]: at least 64 octets. Returns the verdict (also in r->verdict). */
enum up_dl_verdict up_dl_handle(const struct up_tunnel_table *tb, const uint8_t *dgram, size_t len,
                                const uint8_t *our_addr, size_t our_addr_len, uint16_t seq, uint8_t *reply,
                                size_t reply_cap, struct up_dl_result *r);

/* Write the G-PDU header for the packet at buf + off (len octets) of tunnel t into the octets before it. Returns
 * the offset where the datagram starts (off - header length), or -ENOSPC (off too small for the header),
 * -EINVAL (too long for GTP-U's 16-bit length). */
int up_ul_encap(const struct up_tunnel *t, uint8_t *buf, size_t off, size_t len);

#endif
