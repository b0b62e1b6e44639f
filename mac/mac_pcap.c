/* MAC-NR pcap records in Wireshark's mac-nr UDP framing. */
#include "mac/mac_pcap.h"

#include <errno.h>
#include <string.h>

#define UDP_PORT 9999

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void mac_pcap_file_header(uint8_t out[MAC_PCAP_FILE_HEADER_BYTES])
{
    le32(out, 0xa1b2c3d4);      /* magic: microsecond timestamps */
    le16(out + 4, 2);           /* version 2.4 */
    le16(out + 6, 4);
    le32(out + 8, 0);           /* thiszone */
    le32(out + 12, 0);          /* sigfigs */
    le32(out + 16, 65535);      /* snaplen */
    le32(out + 20, MAC_PCAP_LINKTYPE);
}

static uint16_t ip_checksum(const uint8_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int mac_pcap_format(const struct mac_pcap_info *info, const uint8_t *pdu, size_t len, uint8_t *out, size_t cap)
{
    if (!info || !out || (!pdu && len) || (info->dir != MAC_DIR_DL && info->dir != MAC_DIR_UL) ||
        info->rnti_type > MAC_PCAP_CS_RNTI || info->harq_id > 15)
        return -EINVAL;
    if (len > MAC_PCAP_MAX_PDU) return -EMSGSIZE;
    /* the datagram: framing then PDU, after the 16 + 20 + 8 bytes of headers */
    uint8_t *u = out + 16 + 20 + 8;
    size_t need_framing = 6 + 3 + 3 + 3 + (info->harq_id >= 0 ? 2 : 0) + 5 + 1;
    size_t total = 16 + 20 + 8 + need_framing + len;
    if (cap < total) return -ENOSPC;
    size_t k = 0;
    memcpy(u, "mac-nr", 6);
    k = 6;
    u[k++] = info->tdd ? 2 : 1;
    u[k++] = info->dir == MAC_DIR_DL ? 1 : 0;
    u[k++] = (uint8_t)info->rnti_type;
    u[k++] = 0x02;
    be16(u + k, info->rnti);
    k += 2;
    u[k++] = 0x03;
    be16(u + k, info->ue_id);
    k += 2;
    if (info->harq_id >= 0) {
        u[k++] = 0x06;
        u[k++] = (uint8_t)info->harq_id;
    }
    u[k++] = 0x07;
    be16(u + k, info->sfn);
    be16(u + k + 2, info->slot);
    k += 4;
    u[k++] = 0x01;
    if (len) memcpy(u + k, pdu, len);
    k += len;

    uint8_t *udp = out + 16 + 20;
    be16(udp, UDP_PORT);
    be16(udp + 2, UDP_PORT);
    be16(udp + 4, (uint16_t)(8 + k));
    be16(udp + 6, 0);           /* no checksum (allowed over IPv4) */

    uint8_t *ip = out + 16;
    ip[0] = 0x45;               /* IPv4, 5-word header */
    ip[1] = 0;
    be16(ip + 2, (uint16_t)(20 + 8 + k));
    be16(ip + 4, 0);            /* identification */
    be16(ip + 6, 0x4000);       /* don't fragment */
    ip[8] = 64;                 /* TTL */
    ip[9] = 17;                 /* UDP */
    be16(ip + 10, 0);
    static const uint8_t src[4] = {127, 0, 0, 1}, dst[4] = {127, 0, 0, 2};
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    be16(ip + 10, ip_checksum(ip, 20));

    uint32_t pkt = (uint32_t)(20 + 8 + k);
    le32(out, (uint32_t)(info->time_ns / 1000000000u));
    le32(out + 4, (uint32_t)(info->time_ns % 1000000000u / 1000u));
    le32(out + 8, pkt);
    le32(out + 12, pkt);
    return (int)(16 + pkt);
}

/* ---- File side ----------------------------------------------------------------------------------------- */

int mac_pcap_file_open(struct mac_pcap_file *w, const char *path)
{
    memset(w, 0, sizeof *w);
    if (!path) return -EINVAL;
    w->f = fopen(path, "wb");
    if (!w->f) return -errno;
    uint8_t h[MAC_PCAP_FILE_HEADER_BYTES];
    mac_pcap_file_header(h);
    if (fwrite(h, sizeof h, 1, w->f) != 1) {
        fclose(w->f);
        w->f = NULL;
        return -EIO;
    }
    w->bytes = sizeof h;
    return 0;
}

int mac_pcap_file_write(struct mac_pcap_file *w, const uint8_t *record, size_t len)
{
    /* a record is its 16-byte header plus the captured length it states */
    if (!w->f || !record || len < 16 ||
        (size_t)(record[8] | record[9] << 8 | record[10] << 16 | (uint32_t)record[11] << 24) != len - 16) {
        w->errors++;
        return -EINVAL;
    }
    if (fwrite(record, len, 1, w->f) != 1) {
        w->errors++;
        return -EIO;
    }
    w->records++;
    w->bytes += len;
    return 0;
}

int mac_pcap_file_close(struct mac_pcap_file *w)
{
    if (!w->f) return 0;
    int err = fclose(w->f) == 0 ? 0 : -EIO;
    w->f = NULL;
    return err;
}
