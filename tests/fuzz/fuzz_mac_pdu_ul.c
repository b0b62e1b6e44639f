/* libFuzzer target: UL-SCH MAC PDUs (mac/mac_pdu.h) come from any UE in radio range (Msg3 before contention
 * resolution too). The parser must never read past the input or crash, must answer 0 or -EBADMSG with a reason,
 * and an accepted PDU must tile the input exactly (subPDUs in order, inside it, then padding); its CEs go through
 * the CE parsers (BSR, PHR, C-RNTI), which answer 0 or -EBADMSG; and building the same subPDUs again (8/16-bit L
 * chosen by size) must parse back to the same LCIDs, lengths and bytes. The same bytes are also given to the RAR
 * parser (mac/mac_rar.h, the UE simulator's side). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "mac/mac_rar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mac_pdu_rx rx, back;
static struct mac_rar_pdu rar;
static uint8_t again[65536 + 3 * MAC_PDU_MAX_SUBPDUS + 16];

static void check_ce(const uint8_t *p, const struct mac_subpdu *s)
{
    struct mac_bsr bsr;
    struct mac_phr phr;
    uint16_t rnti;
    int err = 0;
    switch (s->lcid) {
    case MAC_LCID_UL_SHORT_BSR:
    case MAC_LCID_UL_SHORT_TRUNC_BSR:
    case MAC_LCID_UL_LONG_BSR:
    case MAC_LCID_UL_LONG_TRUNC_BSR:
        err = mac_bsr_parse(s->lcid, p + s->offset, s->length, &bsr);
        if (err == 0 && (bsr.n < 0 || bsr.n > 8)) abort();
        break;
    case MAC_LCID_UL_SINGLE_PHR:
        err = mac_phr_parse(p + s->offset, s->length, &phr);
        if (err != 0) abort();   /* the parser gave it exactly 2 bytes */
        break;
    case MAC_LCID_UL_C_RNTI:
        err = mac_crnti_parse(p + s->offset, s->length, &rnti);
        if (err != 0) abort();
        break;
    default:
        break;
    }
    if (err != 0 && err != -EBADMSG) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int r = mac_rar_parse(data, size, &rar);
    if (r != 0 && r != -EBADMSG) abort();
    if (r == 0 && mac_rar_pdu_len(rar.has_bi, rar.n) > size) abort();

    struct mac_pdu_counters cnt = {0};
    int err = mac_pdu_parse(MAC_DIR_UL, data, size, &rx, &cnt);
    if (err == -EBADMSG) {
        if (rx.error == MAC_PDU_OK || rx.error >= MAC_PDU_ERR_COUNT || cnt.dropped[rx.error] != 1 || rx.n != 0) abort();
        return 0;
    }
    if (err != 0 || cnt.parsed != 1) abort();
    size_t end = 0;
    bool elcid = false;
    for (int i = 0; i < rx.n; i++) {
        const struct mac_subpdu *s = &rx.sub[i];
        if (s->offset <= end || s->offset + (size_t)s->length > size) abort();
        end = s->offset + s->length;
        elcid |= s->lcid == MAC_LCID_ELCID_1 || s->lcid == MAC_LCID_ELCID_2;
        check_ce(data, s);
    }
    if (end + rx.padding != size) abort();
    if (elcid) return 0;   /* the builder does not write eLCID subheaders */

    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, again, sizeof again);
    for (int i = 0; i < rx.n; i++) {
        const struct mac_subpdu *s = &rx.sub[i];
        bool sdu = s->lcid <= MAC_LCID_MAX_LCH || s->lcid == MAC_LCID_UL_CCCH_48;
        int e = sdu ? mac_pdu_add_sdu(&b, s->lcid, data + s->offset, s->length)
                    : mac_pdu_add_ce(&b, s->lcid, data + s->offset, s->length);
        if (e != 0) abort();
    }
    size_t len = b.len;
    if (len == 0) return 0;
    if (mac_pdu_parse(MAC_DIR_UL, again, len, &back, NULL) != 0 || back.n != rx.n || back.padding != 0) abort();
    for (int i = 0; i < rx.n; i++)
        if (back.sub[i].lcid != rx.sub[i].lcid || back.sub[i].length != rx.sub[i].length ||
            memcmp(again + back.sub[i].offset, data + rx.sub[i].offset, rx.sub[i].length) != 0)
            abort();
    return 0;
}
