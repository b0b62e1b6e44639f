/* GTP-U messages (see gtpu.h). */
#include "gtpu/gtpu.h"

#include <errno.h>
#include <string.h>

#define FLAG_VERSION1 0x20 /* version '001' in bits 8-6 */
#define FLAG_PT 0x10
#define FLAG_E 0x04
#define FLAG_S 0x02
#define FLAG_PN 0x01

/* 29.281 8: information element types */
#define IE_RECOVERY 14
#define IE_TEID_DATA_I 16
#define IE_PEER_ADDRESS 133
#define IE_PRIVATE_EXTENSION 255

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

const char *gtpu_msg_type_name(uint8_t type)
{
    switch (type) {
    case GTPU_ECHO_REQUEST: return "Echo Request";
    case GTPU_ECHO_RESPONSE: return "Echo Response";
    case GTPU_ERROR_INDICATION: return "Error Indication";
    case GTPU_SUPPORTED_EXT_HEADERS: return "Supported Extension Headers Notification";
    case GTPU_END_MARKER: return "End Marker";
    case GTPU_GPDU: return "G-PDU";
    default: return "unknown";
    }
}

size_t gtpu_gpdu_header_len(const struct gtpu_pdu_session *ps) { return ps ? 16 : 8; }

int gtpu_gpdu_header(uint8_t *hdr, uint32_t teid, const struct gtpu_pdu_session *ps, size_t payload_len)
{
    size_t ext = ps ? 8 : 0; /* 4 optional octets + one 4-octet extension header */
    if (payload_len + ext > 0xffff) return -EINVAL;
    if (ps && (ps->qfi > 63 || ps->pdu_type > 1)) return -EINVAL;
    hdr[0] = FLAG_VERSION1 | FLAG_PT | (ps ? FLAG_E : 0);
    hdr[1] = GTPU_GPDU;
    put16(hdr + 2, (uint32_t)(payload_len + ext));
    put32(hdr + 4, teid);
    if (ps) {
        put16(hdr + 8, 0); /* sequence number: present (E is set) but not meaningful (S = 0) */
        hdr[10] = 0;       /* N-PDU number, likewise */
        hdr[11] = GTPU_EXT_PDU_SESSION_CONTAINER;
        hdr[12] = 1;                      /* extension length: 1 x 4 octets */
        hdr[13] = (uint8_t)(ps->pdu_type << 4); /* 38.415 5.5.2: PDU type; QMP/SNP/... flags 0 */
        hdr[14] = (uint8_t)(((ps->pdu_type == 0 && ps->rqi) ? 0x40 : 0) | ps->qfi); /* PPP 0, RQI, QFI */
        hdr[15] = 0;                      /* no further extension header */
    }
    return (int)gtpu_gpdu_header_len(ps);
}

/* A signalling message's header: S = 1 with seq, TEID as given, `ies` octets of IEs to follow. */
static int signalling_header(uint8_t *out, size_t cap, uint8_t type, uint32_t teid, uint16_t seq, size_t ies)
{
    if (cap < 12 + ies) return -ENOSPC;
    out[0] = FLAG_VERSION1 | FLAG_PT | FLAG_S;
    out[1] = type;
    put16(out + 2, (uint32_t)(4 + ies));
    put32(out + 4, teid);
    put16(out + 8, seq);
    out[10] = 0;
    out[11] = 0;
    return 12;
}

int gtpu_echo_request(uint8_t *out, size_t cap, uint16_t seq)
{
    return signalling_header(out, cap, GTPU_ECHO_REQUEST, 0, seq, 0);
}

int gtpu_echo_response(uint8_t *out, size_t cap, uint16_t seq)
{
    int n = signalling_header(out, cap, GTPU_ECHO_RESPONSE, 0, seq, 2);
    if (n < 0) return n;
    out[n++] = IE_RECOVERY; /* 7.2.2 / 8.2: restart counter 0, to be ignored by the receiver */
    out[n++] = 0;
    return n;
}

int gtpu_end_marker(uint8_t *out, size_t cap, uint32_t teid)
{
    if (cap < 8) return -ENOSPC;
    out[0] = FLAG_VERSION1 | FLAG_PT;
    out[1] = GTPU_END_MARKER;
    put16(out + 2, 0);
    put32(out + 4, teid);
    return 8;
}

int gtpu_error_indication(uint8_t *out, size_t cap, uint16_t seq, uint32_t teid_not_found, const uint8_t *addr,
                          size_t addr_len)
{
    if (addr_len != 4 && addr_len != 16) return -EINVAL;
    size_t ies = 5 + 3 + addr_len;
    int n = signalling_header(out, cap, GTPU_ERROR_INDICATION, 0, seq, ies);
    if (n < 0) return n;
    out[n++] = IE_TEID_DATA_I; /* 8.3: TV, 4 octets */
    put32(out + n, teid_not_found);
    n += 4;
    out[n++] = IE_PEER_ADDRESS; /* 8.4: TLV, 2-octet length */
    put16(out + n, (uint32_t)addr_len);
    n += 2;
    memcpy(out + n, addr, addr_len);
    return n + (int)addr_len;
}

/* The IEs of a signalling message (8.1: TV types below 128, TLV from 128 with a 2-octet length). */
static int parse_ies(const uint8_t *p, size_t len, struct gtpu_msg *m)
{
    size_t i = 0;
    while (i < len) {
        uint8_t t = p[i];
        if (t == IE_RECOVERY) {
            if (i + 2 > len) return -EBADMSG;
            m->has_recovery = true;
            i += 2;
        } else if (t == IE_TEID_DATA_I) {
            if (i + 5 > len) return -EBADMSG;
            m->has_teid_data = true;
            m->teid_data = get32(p + i + 1);
            i += 5;
        } else if (t >= 128) {
            if (i + 3 > len) return -EBADMSG;
            size_t l = get16(p + i + 1);
            if (i + 3 + l > len) return -EBADMSG;
            if (t == IE_PEER_ADDRESS) {
                if (l != 4 && l != 16) return -EBADMSG;
                memcpy(m->peer_addr, p + i + 3, l);
                m->peer_addr_len = (uint8_t)l;
            }
            i += 3 + l;
        } else {
            return -EBADMSG; /* a TV IE whose length we do not know: the rest cannot be read */
        }
    }
    return 0;
}

int gtpu_parse(const uint8_t *buf, size_t len, struct gtpu_msg *m)
{
    memset(m, 0, sizeof *m);
    if (!buf || len < 8) return -EBADMSG;
    if ((buf[0] >> 5) != 1 || !(buf[0] & FLAG_PT)) return -EPROTONOSUPPORT;
    size_t total = 8 + (size_t)get16(buf + 2);
    if (total > len) return -EBADMSG; /* a shorter datagram than the header says */
    m->type = buf[1];
    m->teid = get32(buf + 4);
    size_t off = 8;
    if (buf[0] & (FLAG_E | FLAG_S | FLAG_PN)) {
        if (total < 12) return -EBADMSG;
        m->has_seq = (buf[0] & FLAG_S) != 0;
        m->seq = m->has_seq ? get16(buf + 8) : 0;
        uint8_t next = (buf[0] & FLAG_E) ? buf[11] : 0;
        off = 12;
        while (next) { /* 5.2: extension headers, each a whole number of 4-octet units */
            if (off + 1 > total) return -EBADMSG;
            size_t l = 4u * buf[off];
            if (l == 0 || off + l > total) return -EBADMSG;
            if (next == GTPU_EXT_PDU_SESSION_CONTAINER) {
                uint8_t pdu_type = buf[off + 1] >> 4;
                if (pdu_type > 1) return -EBADMSG;
                m->has_pdu_session = true;
                m->pdu_session.pdu_type = pdu_type;
                m->pdu_session.qfi = buf[off + 2] & 0x3f;
                m->pdu_session.rqi = pdu_type == 0 && (buf[off + 2] & 0x40);
            } else if ((next & 0x80) != 0) {
                return -ENOTSUP; /* 5.2.1: bits 8-7 '10'/'11': the endpoint must comprehend it */
            }
            next = buf[off + l - 1];
            off += l;
        }
    }
    m->payload = buf + off;
    m->payload_len = total - off;
    switch (m->type) {
    case GTPU_GPDU:
    case GTPU_END_MARKER: return 0;
    case GTPU_ECHO_REQUEST:
    case GTPU_ECHO_RESPONSE:
    case GTPU_ERROR_INDICATION: {
        int rc = parse_ies(m->payload, m->payload_len, m);
        if (rc < 0) return rc;
        if (m->type == GTPU_ERROR_INDICATION && (!m->has_teid_data || !m->peer_addr_len)) return -EBADMSG;
        return 0;
    }
    default: return 0; /* other types: the caller looks at m->type */
    }
}
