/* MAC RAR PDU, 38.321 6.1.5 / 6.2.2 / 6.2.3. */
#include "mac/mac_rar.h"

#include <errno.h>
#include <string.h>

#define E_BIT 0x80
#define T_BIT 0x40

int mac_rar_backoff_ms(int bi)
{
    static const int16_t ms[14] = {5, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 960, 1920};
    return bi >= 0 && bi < 14 ? ms[bi] : -1;
}

static void put_rar(uint8_t *p, const struct mac_rar *r)
{
    p[0] = (uint8_t)(r->ta >> 5 & 0x7f);                       /* R = 0 */
    p[1] = (uint8_t)((r->ta & 0x1f) << 3 | (r->ul_grant >> 24 & 0x07));
    p[2] = (uint8_t)(r->ul_grant >> 16);
    p[3] = (uint8_t)(r->ul_grant >> 8);
    p[4] = (uint8_t)r->ul_grant;
    p[5] = (uint8_t)(r->tc_rnti >> 8);
    p[6] = (uint8_t)r->tc_rnti;
}

int mac_rar_build(const struct mac_rar_pdu *pdu, uint8_t *buf, size_t tb_size)
{
    if (!pdu || !buf || pdu->n < 0 || pdu->n > MAC_RAR_MAX || (!pdu->has_bi && pdu->n == 0) ||
        (pdu->has_bi && pdu->bi > 15))
        return -EINVAL;
    for (int i = 0; i < pdu->n; i++) {
        const struct mac_rar *r = &pdu->rar[i];
        if (r->rapid > 63 || r->ta > 4095 || r->ul_grant >> MAC_RAR_UL_GRANT_BITS) return -EINVAL;
    }
    size_t need = mac_rar_pdu_len(pdu->has_bi, pdu->n);
    if (need > tb_size) return -ENOSPC;
    size_t pos = 0;
    if (pdu->has_bi) buf[pos++] = (uint8_t)((pdu->n > 0 ? E_BIT : 0) | pdu->bi);   /* T = 0, R = R = 0 */
    for (int i = 0; i < pdu->n; i++) {
        buf[pos++] = (uint8_t)((i + 1 < pdu->n ? E_BIT : 0) | T_BIT | pdu->rar[i].rapid);
        put_rar(buf + pos, &pdu->rar[i]);
        pos += MAC_RAR_BYTES;
    }
    memset(buf + pos, 0, tb_size - pos);
    return (int)pos;
}

int mac_rar_parse(const uint8_t *buf, size_t len, struct mac_rar_pdu *pdu)
{
    pdu->has_bi = false;
    pdu->bi = 0;
    pdu->n = 0;
    if (!buf || len == 0) return -EBADMSG;
    size_t pos = 0;
    bool more = true;
    while (more) {
        if (pos >= len) return -EBADMSG;                        /* E = 1 with nothing after it */
        uint8_t h = buf[pos++];
        more = (h & E_BIT) != 0;
        if (!(h & T_BIT)) {
            /* E/T/R/R/BI: only as the first subPDU (6.1.5), reserved bits zero */
            if (pos != 1 || (h & 0x30)) return -EBADMSG;
            pdu->has_bi = true;
            pdu->bi = h & 0x0f;
            continue;
        }
        if (len - pos < MAC_RAR_BYTES || pdu->n == MAC_RAR_MAX) return -EBADMSG;
        const uint8_t *p = buf + pos;
        if (p[0] & 0x80) return -EBADMSG;                       /* R */
        struct mac_rar *r = &pdu->rar[pdu->n++];
        r->rapid = h & 0x3f;
        r->ta = (uint16_t)((p[0] & 0x7f) << 5 | p[1] >> 3);
        r->ul_grant = (uint32_t)(p[1] & 0x07) << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        r->tc_rnti = (uint16_t)(p[5] << 8 | p[6]);
        pos += MAC_RAR_BYTES;
    }
    return 0;
}

const struct mac_rar *mac_rar_find(const struct mac_rar_pdu *pdu, int rapid)
{
    for (int i = 0; i < pdu->n; i++)
        if (pdu->rar[i].rapid == rapid) return &pdu->rar[i];
    return NULL;
}
