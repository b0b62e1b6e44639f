/* RLC PDU headers: 38.322 6.2.2 formats, 6.2.3 fields. See rlc_pdu.h for the layouts. */
#include "rlc/rlc_pdu.h"

#include <errno.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

size_t rlc_amd_hdr_len(int sn_bits, enum rlc_si si)
{
    return (sn_bits == 18 ? 3u : 2u) + (rlc_si_has_so(si) ? 2u : 0u);
}

size_t rlc_umd_hdr_len(int sn_bits, enum rlc_si si)
{
    if (si == RLC_SI_FULL) return 1;
    return (sn_bits == 12 ? 2u : 1u) + (rlc_si_has_so(si) ? 2u : 0u);
}

int rlc_amd_hdr_write(uint8_t *buf, size_t cap, int sn_bits, const struct rlc_data_hdr *h)
{
    if ((sn_bits != 12 && sn_bits != 18) || h->sn >> sn_bits) return -EINVAL;
    size_t n = rlc_amd_hdr_len(sn_bits, h->si);
    if (cap < n) return -ENOBUFS;
    uint8_t b0 = (uint8_t)(0x80 | (h->poll ? 0x40 : 0) | (unsigned)h->si << 4);
    size_t o;
    if (sn_bits == 12) {
        buf[0] = (uint8_t)(b0 | h->sn >> 8);
        buf[1] = (uint8_t)h->sn;
        o = 2;
    } else {
        buf[0] = (uint8_t)(b0 | h->sn >> 16);
        buf[1] = (uint8_t)(h->sn >> 8);
        buf[2] = (uint8_t)h->sn;
        o = 3;
    }
    if (rlc_si_has_so(h->si)) put16(buf + o, h->so);
    return (int)n;
}

int rlc_amd_hdr_read(const uint8_t *pdu, size_t len, int sn_bits, struct rlc_data_hdr *h, bool *reserved)
{
    if ((sn_bits != 12 && sn_bits != 18) || len < 1 || !(pdu[0] & 0x80)) return -EBADMSG;
    h->poll = pdu[0] & 0x40;
    h->si = (enum rlc_si)(pdu[0] >> 4 & 3);
    size_t n = rlc_amd_hdr_len(sn_bits, h->si);
    if (len <= n) return -EBADMSG; /* the data field holds at least one byte */
    size_t o;
    if (sn_bits == 12) {
        h->sn = (uint32_t)(pdu[0] & 0x0F) << 8 | pdu[1];
        *reserved = false;
        o = 2;
    } else {
        h->sn = (uint32_t)(pdu[0] & 0x03) << 16 | (uint32_t)pdu[1] << 8 | pdu[2];
        *reserved = pdu[0] & 0x0C;
        o = 3;
    }
    h->so = rlc_si_has_so(h->si) ? get16(pdu + o) : 0;
    return (int)n;
}

int rlc_umd_hdr_write(uint8_t *buf, size_t cap, int sn_bits, const struct rlc_data_hdr *h)
{
    if ((sn_bits != 6 && sn_bits != 12) || h->sn >> sn_bits) return -EINVAL;
    size_t n = rlc_umd_hdr_len(sn_bits, h->si);
    if (cap < n) return -ENOBUFS;
    buf[0] = (uint8_t)((unsigned)h->si << 6);
    if (h->si == RLC_SI_FULL) return 1;
    size_t o = 1;
    if (sn_bits == 6) {
        buf[0] |= (uint8_t)h->sn;
    } else {
        buf[0] |= (uint8_t)(h->sn >> 8);
        buf[1] = (uint8_t)h->sn;
        o = 2;
    }
    if (rlc_si_has_so(h->si)) put16(buf + o, h->so);
    return (int)n;
}

int rlc_umd_hdr_read(const uint8_t *pdu, size_t len, int sn_bits, struct rlc_data_hdr *h, bool *reserved)
{
    if ((sn_bits != 6 && sn_bits != 12) || len < 1) return -EBADMSG;
    h->poll = false;
    h->si = (enum rlc_si)(pdu[0] >> 6);
    size_t n = rlc_umd_hdr_len(sn_bits, h->si);
    if (len <= n) return -EBADMSG;
    h->sn = 0;
    h->so = 0;
    if (h->si == RLC_SI_FULL) {
        *reserved = pdu[0] & 0x3F;
        return 1;
    }
    size_t o = 1;
    if (sn_bits == 6) {
        h->sn = pdu[0] & 0x3F;
        *reserved = false;
    } else {
        h->sn = (uint32_t)(pdu[0] & 0x0F) << 8 | pdu[1];
        *reserved = pdu[0] & 0x30;
        o = 2;
    }
    if (rlc_si_has_so(h->si)) h->so = get16(pdu + o);
    return (int)n;
}

/* ---- STATUS PDU -------------------------------------------------------------------------------------------- */

size_t rlc_status_nack_len(int sn_bits, const struct rlc_status_nack *n)
{
    return (sn_bits == 18 ? 3u : 2u) + (n->has_so ? 4u : 0u) + (n->range ? 1u : 0u);
}

int rlc_status_write_begin(struct rlc_status_writer *w, uint8_t *buf, size_t cap, int sn_bits)
{
    if (sn_bits != 12 && sn_bits != 18) return -EINVAL;
    if (cap < 3) return -ENOBUFS;
    w->buf = buf;
    w->cap = cap;
    w->len = 3;
    w->sn_bits = sn_bits;
    buf[0] = buf[1] = buf[2] = 0; /* D/C = 0, CPT = 000, E1 = 0, R = 0 */
    w->last_e1 = 2;
    w->last_e1_bit = sn_bits == 12 ? 0x80 : 0x02;
    return 0;
}

int rlc_status_write_nack(struct rlc_status_writer *w, const struct rlc_status_nack *n)
{
    size_t need = rlc_status_nack_len(w->sn_bits, n);
    if (w->len + need > w->cap) return -ENOBUFS;
    w->buf[w->last_e1] |= w->last_e1_bit; /* the previous part now announces this one */
    uint8_t *p = w->buf + w->len;
    uint8_t flags; /* E1 E2 E3 in the bits after the SN */
    size_t o;
    if (w->sn_bits == 12) {
        flags = (uint8_t)((n->has_so ? 0x04 : 0) | (n->range ? 0x02 : 0));
        p[0] = (uint8_t)(n->sn >> 4);
        p[1] = (uint8_t)((n->sn & 0x0F) << 4 | flags);
        w->last_e1 = w->len + 1;
        w->last_e1_bit = 0x08;
        o = 2;
    } else {
        flags = (uint8_t)((n->has_so ? 0x10 : 0) | (n->range ? 0x08 : 0));
        p[0] = (uint8_t)(n->sn >> 10);
        p[1] = (uint8_t)(n->sn >> 2);
        p[2] = (uint8_t)((n->sn & 0x03) << 6 | flags);
        w->last_e1 = w->len + 2;
        w->last_e1_bit = 0x20;
        o = 3;
    }
    if (n->has_so) {
        put16(p + o, n->so_start);
        put16(p + o + 2, n->so_end);
        o += 4;
    }
    if (n->range) p[o] = n->range;
    w->len += need;
    return 0;
}

size_t rlc_status_write_end(struct rlc_status_writer *w, uint32_t ack_sn)
{
    uint8_t *b = w->buf;
    if (w->sn_bits == 12) {
        b[0] = (uint8_t)(RLC_CPT_STATUS << 4 | (ack_sn >> 8 & 0x0F));
        b[1] = (uint8_t)ack_sn;
    } else {
        b[0] = (uint8_t)(RLC_CPT_STATUS << 4 | (ack_sn >> 14 & 0x0F));
        b[1] = (uint8_t)(ack_sn >> 6);
        b[2] = (uint8_t)((b[2] & 0x03) | (ack_sn & 0x3F) << 2);
    }
    return w->len;
}

int rlc_status_read_begin(struct rlc_status_reader *r, const uint8_t *pdu, size_t len, int sn_bits,
                          uint32_t *ack_sn)
{
    if ((sn_bits != 12 && sn_bits != 18) || len < 3 || (pdu[0] & 0x80)) return -EBADMSG;
    if ((pdu[0] >> 4 & 7) != RLC_CPT_STATUS) return -EBADMSG; /* reserved CPT: discard (38.322 5.5) */
    r->pdu = pdu;
    r->len = len;
    r->pos = 3;
    r->sn_bits = sn_bits;
    if (sn_bits == 12) {
        *ack_sn = (uint32_t)(pdu[0] & 0x0F) << 8 | pdu[1];
        r->more = pdu[2] & 0x80;
        r->reserved = pdu[2] & 0x7F;
    } else {
        *ack_sn = (uint32_t)(pdu[0] & 0x0F) << 14 | (uint32_t)pdu[1] << 6 | pdu[2] >> 2;
        r->more = pdu[2] & 0x02;
        r->reserved = pdu[2] & 0x01;
    }
    return 0;
}

int rlc_status_read_next(struct rlc_status_reader *r, struct rlc_status_nack *n)
{
    if (!r->more) return r->pos == r->len ? 0 : -EBADMSG; /* nothing may follow the last part */
    const uint8_t *p = r->pdu + r->pos;
    size_t left = r->len - r->pos, o;
    bool e2, e3;
    if (r->sn_bits == 12) {
        if (left < 2) return -EBADMSG;
        n->sn = (uint32_t)p[0] << 4 | p[1] >> 4;
        r->more = p[1] & 0x08;
        e2 = p[1] & 0x04;
        e3 = p[1] & 0x02;
        r->reserved |= p[1] & 0x01;
        o = 2;
    } else {
        if (left < 3) return -EBADMSG;
        n->sn = (uint32_t)p[0] << 10 | (uint32_t)p[1] << 2 | p[2] >> 6;
        r->more = p[2] & 0x20;
        e2 = p[2] & 0x10;
        e3 = p[2] & 0x08;
        r->reserved |= p[2] & 0x07;
        o = 3;
    }
    if (left < o + (e2 ? 4u : 0u) + (e3 ? 1u : 0u)) return -EBADMSG;
    n->has_so = e2;
    n->so_start = e2 ? get16(p + o) : 0;
    n->so_end = e2 ? get16(p + o + 2) : 0;
    if (e2) o += 4;
    n->range = e3 ? p[o] : 0;
    if (e3 && n->range == 0) return -EBADMSG; /* a range of no SDUs */
    if (e3) o++;
    r->pos += o;
    return 1;
}
