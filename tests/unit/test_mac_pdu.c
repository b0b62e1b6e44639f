/* MAC PDUs (mac/mac_pdu.h, 38.321 6.1.2 / 6.1.3 / 6.2.1): each subheader form written out by hand from the
 * figures and parsed; srsUE's Msg3 and the Msg4 layout byte by byte; build -> parse round trips of random SDU
 * and CE mixes at every L-size boundary (255/256 bytes) and transport block edge; malformed input refused with
 * its reason counted; BSR/PHR/C-RNTI CEs and the buffer size tables. (Wireshark's reading of the same PDUs is in
 * test_mac_pcap.) */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "tests/unit/check_run.h"
#include "test_rng.h"

static int rnd(int lo, int hi) { return lo + (int)(test_rng_next() % (uint64_t)(hi - lo + 1)); }

/* ---- Hand-built subheaders (Figures 6.1.2-1..-3) ------------------------------------------------------- */

/* R/F/LCID/L with 8-bit L (F = 0), R/F/LCID/L with 16-bit L (F = 1), R/LCID (fixed CE), padding. */
START_TEST(test_subheader_forms_by_hand)
{
    uint8_t pdu[3 + 2 + 300 + 3 + 2 + 4];
    size_t k = 0;
    pdu[k++] = 0x01; pdu[k++] = 0x03;                       /* LCID 1, F=0, L=3 */
    pdu[k++] = 0xa1; pdu[k++] = 0xa2; pdu[k++] = 0xa3;
    pdu[k++] = 0x42; pdu[k++] = 0x01; pdu[k++] = 0x2c;      /* F=1, LCID 2, L=300 */
    for (int i = 0; i < 300; i++) pdu[k++] = (uint8_t)i;
    pdu[k++] = 0x3d; pdu[k++] = 0x9f;                       /* TA command: TAG 2, T_A 31 */
    pdu[k++] = 0x3f;                                        /* padding to the end */
    while (k < sizeof pdu) pdu[k++] = 0;
    struct mac_pdu_rx rx;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, pdu, sizeof pdu, &rx, NULL), 0);
    ck_assert_int_eq(rx.n, 3);
    ck_assert_int_eq(rx.sub[0].lcid, 1);
    ck_assert_uint_eq(rx.sub[0].offset, 2);
    ck_assert_uint_eq(rx.sub[0].length, 3);
    ck_assert_int_eq(rx.sub[1].lcid, 2);
    ck_assert_uint_eq(rx.sub[1].offset, 8);
    ck_assert_uint_eq(rx.sub[1].length, 300);
    ck_assert_int_eq(pdu[rx.sub[1].offset + 299], (uint8_t)299);
    ck_assert_int_eq(rx.sub[2].lcid, MAC_LCID_DL_TA_COMMAND);
    ck_assert_uint_eq(rx.sub[2].length, 1);
    ck_assert_uint_eq(rx.padding, sizeof pdu - 310);

    /* the builder writes exactly these bytes */
    uint8_t out[sizeof pdu];
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, out, sizeof out);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, 1, pdu + 2, 3), 0);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, 2, pdu + 8, 300), 0);
    ck_assert_int_eq(mac_pdu_add_ta_command(&b, 2, 31), 0);
    ck_assert_uint_eq(mac_pdu_finish(&b), sizeof out);
    ck_assert_mem_eq(out, pdu, sizeof pdu);
}
END_TEST

/* srsUE's Msg3 (docs/SRSUE.md §4): R/LCID = 52 (CCCH of 48 bits, no L) + the 6-byte RRCSetupRequest, then a
 * short BSR (R/LCID = 61 + LCG 3 bits | BS 5 bits) and padding. */
START_TEST(test_msg3_as_srsue_sends_it)
{
    static const uint8_t req[6] = {0x16, 0xef, 0xcf, 0x4a, 0x9f, 0xe6};   /* tests/vectors/rrc, first line */
    uint8_t pdu[11];
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, pdu, sizeof pdu);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_UL_CCCH_48, req, 6), 0);
    uint8_t bsr = 0 << 5 | 1;
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &bsr, 1), 0);
    mac_pdu_finish(&b);
    static const uint8_t want[11] = {0x34, 0x16, 0xef, 0xcf, 0x4a, 0x9f, 0xe6, 0x3d, 0x01, 0x3f, 0x00};
    ck_assert_mem_eq(pdu, want, sizeof want);
    struct mac_pdu_rx rx;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_UL, pdu, sizeof pdu, &rx, NULL), 0);
    ck_assert_int_eq(rx.n, 2);
    const struct mac_subpdu *c = mac_pdu_find(&rx, MAC_LCID_UL_CCCH_48);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->offset, 1);
    ck_assert_uint_eq(c->length, 6);
    ck_assert_ptr_null(mac_pdu_find(&rx, MAC_LCID_UL_CCCH_64));
    /* CCCH1 (64 bits, LCID 0) also has no L */
    static const uint8_t ccch1[10] = {0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x3f};
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_UL, ccch1, sizeof ccch1, &rx, NULL), 0);
    ck_assert_int_eq(rx.n, 1);
    ck_assert_uint_eq(rx.sub[0].length, 8);
    ck_assert_uint_eq(rx.padding, 1);
}
END_TEST

/* Msg4 (docs/SRSUE.md §4): UE Contention Resolution Identity CE (R/LCID = 62, 6 bytes, no L) then the DL-CCCH
 * SDU with L (LCID 0 in the DL has an L field), then a padding subPDU. */
START_TEST(test_msg4_layout)
{
    static const uint8_t id[6] = {0x16, 0xef, 0xcf, 0x4a, 0x9f, 0xe6};
    uint8_t setup[260];
    for (size_t i = 0; i < sizeof setup; i++) setup[i] = (uint8_t)(i * 7);
    uint8_t pdu[7 + 3 + 260 + 5];
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, pdu, sizeof pdu);
    ck_assert_int_eq(mac_pdu_add_con_res_id(&b, id), 0);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_CCCH, setup, sizeof setup), 0);
    mac_pdu_finish(&b);
    ck_assert_int_eq(pdu[0], 0x3e);
    ck_assert_mem_eq(pdu + 1, id, 6);
    ck_assert_int_eq(pdu[7], 0x40);                           /* F = 1, LCID 0 */
    ck_assert_int_eq(pdu[8], 0x01);
    ck_assert_int_eq(pdu[9], 0x04);                           /* L = 260 */
    ck_assert_mem_eq(pdu + 10, setup, sizeof setup);
    ck_assert_int_eq(pdu[270], 0x3f);
    struct mac_pdu_rx rx;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, pdu, sizeof pdu, &rx, NULL), 0);
    ck_assert_int_eq(rx.n, 2);
    ck_assert_int_eq(rx.sub[0].lcid, MAC_LCID_DL_CON_RES_ID);
    ck_assert_uint_eq(rx.sub[0].length, 6);
    ck_assert_int_eq(rx.sub[1].lcid, MAC_LCID_CCCH);
    ck_assert_uint_eq(rx.sub[1].length, 260);
    /* the UL reads LCID 0 as CCCH1 (8 bytes, no L), which is a different PDU */
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_UL, pdu + 7, sizeof pdu - 7, &rx, NULL), -EBADMSG);
}
END_TEST

/* eLCID subheaders (LCID 34: one octet, 33: two octets) are skipped by their L. */
START_TEST(test_elcid_skipped_by_length)
{
    static const uint8_t pdu[] = {0x22, 0x40, 0x02, 0xaa, 0xbb,        /* LCID 34, eLCID 0x40, L 2 */
                                  0x61, 0x01, 0x40, 0x00, 0x01, 0xcc,  /* F=1 LCID 33, eLCID 0x0140, L 1 */
                                  0x01, 0x01, 0xdd};
    struct mac_pdu_rx rx;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, pdu, sizeof pdu, &rx, NULL), 0);
    ck_assert_int_eq(rx.n, 3);
    ck_assert_int_eq(rx.sub[0].elcid, 0x40);
    ck_assert_uint_eq(rx.sub[0].offset, 3);
    ck_assert_int_eq(rx.sub[1].elcid, 0x0140);
    ck_assert_uint_eq(rx.sub[1].offset, 10);
    ck_assert_uint_eq(rx.sub[1].length, 1);
    ck_assert_int_eq(rx.sub[2].lcid, 1);
    ck_assert_int_eq(pdu[rx.sub[2].offset], 0xdd);
}
END_TEST

/* ---- LCID tables ---------------------------------------------------------------------------------------- */

START_TEST(test_lcid_sizes)
{
    /* Table 6.2.1-1 (DL) */
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, 0), MAC_LCID_VARIABLE);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, 32), MAC_LCID_VARIABLE);
    for (int l = 35; l <= 46; l++) ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, l), MAC_LCID_RESERVED);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, 60), 0);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, 61), 1);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, 62), 6);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_DL, 63), MAC_LCID_PAD);
    /* Table 6.2.1-2 (UL) */
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 0), 8);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 52), 6);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 57), 2);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 58), 2);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 59), 1);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 60), MAC_LCID_VARIABLE);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 61), 1);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 62), MAC_LCID_VARIABLE);
    for (int l = 35; l <= 44; l++) ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, l), MAC_LCID_RESERVED);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 47), MAC_LCID_RESERVED);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, 64), MAC_LCID_RESERVED);
    ck_assert_int_eq(mac_lcid_size(MAC_DIR_UL, -1), MAC_LCID_RESERVED);
}
END_TEST

/* ---- Round trips ---------------------------------------------------------------------------------------- */

struct item { int lcid; size_t len; uint8_t data[700]; };

/* Random DL or UL items: SDUs on LCIDs 1..32 with lengths near the L boundary, fixed and variable CEs. */
static void random_item(enum mac_dir dir, struct item *it)
{
    static const size_t lens[] = {1, 2, 127, 128, 254, 255, 256, 257, 300, 511, 512, 600};
    int kind = rnd(0, 3);
    if (kind <= 1) {
        it->lcid = rnd(1, 32);
        it->len = lens[rnd(0, (int)(sizeof lens / sizeof lens[0]) - 1)];
    } else if (dir == MAC_DIR_DL) {
        static const int ce[] = {MAC_LCID_DL_TA_COMMAND, MAC_LCID_DL_CON_RES_ID, MAC_LCID_DL_DRX,
                                 MAC_LCID_DL_TCI_PDSCH, MAC_LCID_DL_SCELL_ACT_4, MAC_LCID_CCCH};
        it->lcid = ce[rnd(0, 5)];
    } else {
        static const int ce[] = {MAC_LCID_UL_SHORT_BSR, MAC_LCID_UL_LONG_BSR, MAC_LCID_UL_C_RNTI,
                                 MAC_LCID_UL_SINGLE_PHR, MAC_LCID_UL_CCCH_48, MAC_LCID_UL_CCCH_64,
                                 MAC_LCID_UL_CG_CONFIRMATION};
        it->lcid = ce[rnd(0, 6)];
    }
    int size = mac_lcid_size(dir, it->lcid);
    if (kind > 1) it->len = size >= 0 ? (size_t)size : (size_t)rnd(1, 260);
    for (size_t i = 0; i < it->len; i++) it->data[i] = (uint8_t)test_rng_next();
}

static bool item_is_sdu(enum mac_dir dir, int lcid)
{
    return lcid <= MAC_LCID_MAX_LCH || (dir == MAC_DIR_UL && lcid == MAC_LCID_UL_CCCH_48);
}

START_TEST(test_round_trip_random_mixes)
{
    test_rng_seed(12);
    static uint8_t pdu[4096];
    static struct item items[MAC_PDU_MAX_SUBPDUS];
    for (int iter = 0; iter < 3000; iter++) {
        enum mac_dir dir = iter & 1 ? MAC_DIR_UL : MAC_DIR_DL;
        size_t tb = (size_t)rnd(1, 4096);
        struct mac_pdu_builder b;
        mac_pdu_builder_init(&b, dir, pdu, tb);
        int n = 0;
        for (int tries = 0; tries < 12 && n < MAC_PDU_MAX_SUBPDUS; tries++) {
            struct item *it = &items[n];
            random_item(dir, it);
            size_t before = b.len;
            int size = mac_lcid_size(dir, it->lcid);
            size_t need = (size >= 0 ? 1 : mac_pdu_subheader_len(it->len)) + it->len;
            int err = item_is_sdu(dir, it->lcid) ? mac_pdu_add_sdu(&b, it->lcid, it->data, it->len)
                                                 : mac_pdu_add_ce(&b, it->lcid, it->data, it->len);
            if (need <= tb - before) {
                ck_assert_int_eq(err, 0);
                ck_assert_uint_eq(b.len, before + need);
                n++;
            } else {
                ck_assert_int_eq(err, -ENOSPC);
                ck_assert_uint_eq(b.len, before);
            }
        }
        size_t used = b.len;
        ck_assert_uint_eq(mac_pdu_finish(&b), tb);
        struct mac_pdu_rx rx;
        struct mac_pdu_counters cnt = {0};
        if (n == 0 && used == 0) {
            ck_assert_int_eq(mac_pdu_parse(dir, pdu, tb, &rx, &cnt), 0);   /* padding only */
            ck_assert_int_eq(rx.n, 0);
            continue;
        }
        ck_assert_int_eq(mac_pdu_parse(dir, pdu, tb, &rx, &cnt), 0);
        ck_assert_uint_eq(cnt.parsed, 1);
        ck_assert_int_eq(rx.n, n);
        ck_assert_uint_eq(rx.padding, tb - used);
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(rx.sub[i].lcid, items[i].lcid);
            ck_assert_uint_eq(rx.sub[i].length, items[i].len);
            if (items[i].len) ck_assert_mem_eq(pdu + rx.sub[i].offset, items[i].data, items[i].len);
            /* 8-bit L up to 255, 16-bit above: the F bit of the subheader */
            if (mac_lcid_size(dir, items[i].lcid) < 0) {
                size_t hdr = mac_pdu_subheader_len(items[i].len);
                ck_assert_uint_eq(rx.sub[i].offset >= hdr, 1);
                ck_assert_int_eq((pdu[rx.sub[i].offset - hdr] & 0x40) != 0, items[i].len > 255);
            }
        }
    }
}
END_TEST

/* Every room left in a transport block, around the 255/256 boundary and at its small end: the largest SDU
 * mac_pdu_sdu_room() offers fits, one more byte does not, and whatever is left becomes one padding subPDU. */
START_TEST(test_sdu_room_at_every_edge)
{
    static uint8_t pdu[1024], sdu[1024];
    for (size_t tb = 1; tb <= 600; tb++) {
        struct mac_pdu_builder b;
        mac_pdu_builder_init(&b, MAC_DIR_DL, pdu, tb);
        size_t room = mac_pdu_sdu_room(&b);
        ck_assert_uint_eq(room, tb <= 2 ? 0 : tb <= 257 ? tb - 2 : tb - 3);
        ck_assert_int_eq(mac_pdu_add_sdu(&b, 4, sdu, room + 1), -ENOSPC);
        if (room == 0) continue;
        ck_assert_int_eq(mac_pdu_add_sdu(&b, 4, sdu, room), 0);
        size_t used = b.len;
        ck_assert_uint_eq(tb - used, tb == 258 ? 1 : 0);
        mac_pdu_finish(&b);
        struct mac_pdu_rx rx;
        ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, pdu, tb, &rx, NULL), 0);
        ck_assert_int_eq(rx.n, 1);
        ck_assert_uint_eq(rx.sub[0].length, room);
        ck_assert_uint_eq(rx.padding, tb - used);
    }
    /* the largest L: 65535 */
    static uint8_t big[65540];
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, big, sizeof big);
    ck_assert_uint_eq(mac_pdu_sdu_room(&b), MAC_PDU_MAX_L);
    ck_assert_ptr_nonnull(mac_pdu_reserve_sdu(&b, 5, MAC_PDU_MAX_L));
    ck_assert_int_eq(big[0], 0x45);
    ck_assert_int_eq(big[1], 0xff);
    ck_assert_int_eq(big[2], 0xff);
}
END_TEST

START_TEST(test_builder_refuses_bad_arguments)
{
    uint8_t pdu[64], x[16] = {0};
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, pdu, sizeof pdu);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_UL_CCCH_48, x, 5), -EINVAL);    /* CCCH 48 bits = 6 bytes */
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_UL_CCCH_64, x, 6), -EINVAL);    /* CCCH1 = 8 bytes */
    ck_assert_int_eq(mac_pdu_add_sdu(&b, 1, x, 0), -EINVAL);                      /* empty SDU */
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_UL_SHORT_BSR, x, 1), -EINVAL);  /* a CE is not an SDU */
    ck_assert_int_eq(mac_pdu_add_ce(&b, 3, x, 1), -EINVAL);                       /* an SDU is not a CE */
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_C_RNTI, x, 3), -EINVAL);      /* C-RNTI = 2 bytes */
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_PADDING, x, 1), -EINVAL);
    ck_assert_int_eq(mac_pdu_add_ce(&b, 40, x, 1), -EINVAL);                      /* reserved */
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_ELCID_1, x, 1), -EINVAL);
    ck_assert_int_eq(mac_pdu_add_con_res_id(&b, x), -EINVAL);                     /* DL only */
    ck_assert_int_eq(mac_pdu_add_ta_command(&b, 0, 31), -EINVAL);                 /* DL only */
    ck_assert_uint_eq(b.len, 0);
    mac_pdu_builder_init(&b, MAC_DIR_DL, pdu, sizeof pdu);
    ck_assert_int_eq(mac_pdu_add_ta_command(&b, 4, 0), -EINVAL);
    ck_assert_int_eq(mac_pdu_add_ta_command(&b, 0, 64), -EINVAL);
    ck_assert_ptr_null(mac_pdu_reserve_sdu(&b, MAC_LCID_DL_CON_RES_ID, 6));
    ck_assert_ptr_null(mac_pdu_reserve_sdu(&b, 1, 63));                           /* 2 + 63 > 64 */
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

/* ---- Malformed input ------------------------------------------------------------------------------------ */

START_TEST(test_malformed_refused_and_counted)
{
    struct malformed { enum mac_dir dir; uint8_t b[8]; size_t len; enum mac_pdu_error why; } cases[] = {
        {MAC_DIR_UL, {0}, 0, MAC_PDU_ERR_EMPTY},
        {MAC_DIR_UL, {0x01}, 1, MAC_PDU_ERR_HEADER},                          /* L missing */
        {MAC_DIR_UL, {0x41, 0x01}, 2, MAC_PDU_ERR_HEADER},                    /* 16-bit L cut */
        {MAC_DIR_DL, {0x22}, 1, MAC_PDU_ERR_HEADER},                          /* eLCID octet missing */
        {MAC_DIR_DL, {0x21, 0x01}, 2, MAC_PDU_ERR_HEADER},                    /* two-octet eLCID cut */
        {MAC_DIR_UL, {0x01, 0x05, 1, 2}, 4, MAC_PDU_ERR_LENGTH},              /* L past the end */
        {MAC_DIR_UL, {0x41, 0x01, 0x00, 1}, 4, MAC_PDU_ERR_LENGTH},
        {MAC_DIR_UL, {0x34, 1, 2, 3, 4, 5}, 6, MAC_PDU_ERR_LENGTH},           /* CCCH 48 bits cut */
        {MAC_DIR_DL, {0x3e, 1, 2}, 3, MAC_PDU_ERR_LENGTH},                    /* ConRes ID cut */
        {MAC_DIR_UL, {0x3a, 0x12}, 2, MAC_PDU_ERR_LENGTH},                    /* C-RNTI cut */
        {MAC_DIR_UL, {0x28, 0x01, 0x00}, 3, MAC_PDU_ERR_RESERVED_LCID},       /* LCID 40 */
        {MAC_DIR_UL, {0x2f, 0x00}, 2, MAC_PDU_ERR_RESERVED_LCID},             /* LCID 47 (UL) */
        {MAC_DIR_DL, {0x23, 0x00}, 2, MAC_PDU_ERR_RESERVED_LCID},             /* LCID 35 (DL) */
        {MAC_DIR_UL, {0x01, 0x00, 0x3f}, 3, MAC_PDU_ERR_ZERO_SDU},
        {MAC_DIR_DL, {0x40, 0x00, 0x00}, 3, MAC_PDU_ERR_ZERO_SDU},
    };
    struct mac_pdu_counters cnt = {0};
    uint64_t want[MAC_PDU_ERR_COUNT] = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct mac_pdu_rx rx;
        ck_assert_msg(mac_pdu_parse(cases[i].dir, cases[i].b, cases[i].len, &rx, &cnt) == -EBADMSG, "case %zu", i);
        ck_assert_msg(rx.error == cases[i].why, "case %zu: %s", i, mac_pdu_error_name(rx.error));
        ck_assert_int_eq(rx.n, 0);
        want[cases[i].why]++;
    }
    /* too many subPDUs: 65 short BSRs */
    uint8_t many[130];
    for (int i = 0; i < 65; i++) {
        many[2 * i] = MAC_LCID_UL_SHORT_BSR;
        many[2 * i + 1] = 0;
    }
    struct mac_pdu_rx rx;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_UL, many, sizeof many, &rx, &cnt), -EBADMSG);
    ck_assert_int_eq(rx.error, MAC_PDU_ERR_TOO_MANY);
    ck_assert_uint_eq(rx.error_offset, 128);
    want[MAC_PDU_ERR_TOO_MANY]++;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_UL, many, 128, &rx, &cnt), 0);           /* 64 is the limit */
    ck_assert_int_eq(rx.n, 64);
    for (int e = 1; e < MAC_PDU_ERR_COUNT; e++) ck_assert_uint_eq(cnt.dropped[e], want[e]);
    ck_assert_uint_eq(cnt.parsed, 1);
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_UL, NULL, 5, &rx, NULL), -EBADMSG);
}
END_TEST

/* Random bytes: parsing either succeeds with every subPDU inside the buffer and covering it exactly (with the
 * padding), or fails; never reads outside (ASan run). */
START_TEST(test_garbage_never_escapes_the_buffer)
{
    test_rng_seed(99);
    int ok = 0, bad = 0;
    for (int iter = 0; iter < 200000; iter++) {
        size_t len = (size_t)rnd(1, 48);
        uint8_t *buf = (uint8_t[48]){0};
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)test_rng_next();
        struct mac_pdu_rx rx;
        enum mac_dir dir = iter & 1 ? MAC_DIR_UL : MAC_DIR_DL;
        if (mac_pdu_parse(dir, buf, len, &rx, NULL) != 0) {
            bad++;
            if (rx.error == MAC_PDU_OK) ck_abort_msg("iteration %d: refused without an error", iter);
            continue;
        }
        ok++;
        size_t end = 0;
        for (int i = 0; i < rx.n; i++) {
            ck_assert_uint_gt(rx.sub[i].offset, end);
            ck_assert_uint_le(rx.sub[i].offset + rx.sub[i].length, len);
            end = rx.sub[i].offset + rx.sub[i].length;
        }
        ck_assert_uint_eq(end + rx.padding, len);
    }
    ck_assert_int_gt(ok, 1000);
    ck_assert_int_gt(bad, 1000);
}
END_TEST

/* ---- CEs ------------------------------------------------------------------------------------------------ */

START_TEST(test_bsr_formats)
{
    struct mac_bsr bsr;
    uint8_t s = 5 << 5 | 17;                               /* Figure 6.1.3.1-1: LCG ID 3 bits | BS 5 bits */
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_SHORT_BSR, &s, 1, &bsr), 0);
    ck_assert_int_eq(bsr.format, MAC_BSR_SHORT);
    ck_assert_int_eq(bsr.n, 1);
    ck_assert_int_eq(bsr.lcg[0], 5);
    ck_assert_int_eq(bsr.bs[0], 17);
    ck_assert_int_eq(bsr.lcg_mask, 0x20);
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_SHORT_TRUNC_BSR, &s, 1, &bsr), 0);
    ck_assert_int_eq(bsr.format, MAC_BSR_SHORT_TRUNC);
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_SHORT_BSR, &s, 2, &bsr), -EBADMSG);
    /* Figure 6.1.3.1-2: LCG7..LCG0 bitmap, then one 8-bit Buffer Size per set LCG, ascending LCG */
    static const uint8_t lng[4] = {0x85, 10, 20, 30};      /* LCG 0, 2, 7 */
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_BSR, lng, 4, &bsr), 0);
    ck_assert_int_eq(bsr.format, MAC_BSR_LONG);
    ck_assert_int_eq(bsr.n, 3);
    ck_assert_int_eq(bsr.lcg[0], 0);
    ck_assert_int_eq(bsr.lcg[1], 2);
    ck_assert_int_eq(bsr.lcg[2], 7);
    ck_assert_int_eq(bsr.bs[2], 30);
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_BSR, lng, 3, &bsr), -EBADMSG);    /* a field missing */
    static const uint8_t empty[1] = {0};
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_BSR, empty, 1, &bsr), 0);
    ck_assert_int_eq(bsr.n, 0);
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_TRUNC_BSR, lng, 2, &bsr), 0);      /* truncated: fewer */
    ck_assert_int_eq(bsr.format, MAC_BSR_LONG_TRUNC);
    ck_assert_int_eq(bsr.n, 1);
    ck_assert_int_eq(bsr.lcg_mask, 0x85);
    ck_assert_int_eq(bsr.lcg[0], 0xff);
    static const uint8_t too_many[3] = {0x01, 1, 2};
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_TRUNC_BSR, too_many, 3, &bsr), -EBADMSG);
    static const uint8_t reserved[2] = {0x01, 255};
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_BSR, reserved, 2, &bsr), -EBADMSG);
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_C_RNTI, lng, 2, &bsr), -EBADMSG);
    ck_assert_int_eq(mac_bsr_parse(MAC_LCID_UL_LONG_BSR, lng, 0, &bsr), -EBADMSG);
}
END_TEST

/* Tables 6.1.3.1-1/-2: spot values from the tables, and the ranges tile [0, inf) without gaps or overlaps. */
START_TEST(test_bsr_ranges)
{
    uint32_t lo, hi;
    ck_assert_int_eq(mac_bsr_range(0, false, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 0);
    ck_assert_uint_eq(hi, 0);
    ck_assert_int_eq(mac_bsr_range(1, false, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 1);
    ck_assert_uint_eq(hi, 10);
    ck_assert_int_eq(mac_bsr_range(16, false, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 1039);
    ck_assert_uint_eq(hi, 1446);
    ck_assert_int_eq(mac_bsr_range(30, false, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 107670);
    ck_assert_uint_eq(hi, 150000);
    ck_assert_int_eq(mac_bsr_range(31, false, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 150001);
    ck_assert_uint_eq(hi, UINT32_MAX);
    ck_assert_int_eq(mac_bsr_range(32, false, &lo, &hi), -EINVAL);
    ck_assert_int_eq(mac_bsr_range(2, true, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 11);
    ck_assert_uint_eq(hi, 11);
    ck_assert_int_eq(mac_bsr_range(128, true, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 29432);
    ck_assert_uint_eq(hi, 31342);
    ck_assert_int_eq(mac_bsr_range(253, true, &lo, &hi), 0);
    ck_assert_uint_eq(hi, 81338368);
    ck_assert_int_eq(mac_bsr_range(254, true, &lo, &hi), 0);
    ck_assert_uint_eq(lo, 81338369);
    ck_assert_uint_eq(hi, UINT32_MAX);
    ck_assert_int_eq(mac_bsr_range(255, true, &lo, &hi), -EINVAL);
    ck_assert_int_eq(mac_bsr_range(-1, true, &lo, &hi), -EINVAL);
    for (int eight = 0; eight <= 1; eight++) {
        uint32_t prev_hi = 0;
        for (int i = 0; i <= (eight ? 254 : 31); i++) {
            ck_assert_int_eq(mac_bsr_range(i, eight, &lo, &hi), 0);
            if (i > 0) ck_assert_uint_eq(lo, prev_hi + 1);
            ck_assert_uint_ge(hi, lo);
            prev_hi = hi;
        }
    }
}
END_TEST

START_TEST(test_phr_and_crnti)
{
    static const uint8_t phr[2] = {0x80 | 37, 0x40 | 22};
    struct mac_phr p;
    ck_assert_int_eq(mac_phr_parse(phr, 2, &p), 0);
    ck_assert_int_eq(p.ph, 37);
    ck_assert_int_eq(p.pcmax, 22);
    ck_assert_int_eq(p.flags, 0x2 << 2 | 0x1);
    ck_assert_int_eq(mac_phr_parse(phr, 1, &p), -EBADMSG);
    static const uint8_t c[2] = {0x46, 0x01};
    uint16_t rnti;
    ck_assert_int_eq(mac_crnti_parse(c, 2, &rnti), 0);
    ck_assert_uint_eq(rnti, 0x4601);
    ck_assert_int_eq(mac_crnti_parse(c, 3, &rnti), -EBADMSG);
    ck_assert_int_eq(mac_crnti_parse(NULL, 2, &rnti), -EBADMSG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac_pdu");
    TCase *tc = tcase_create("mac_pdu");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_subheader_forms_by_hand);
    tcase_add_test(tc, test_msg3_as_srsue_sends_it);
    tcase_add_test(tc, test_msg4_layout);
    tcase_add_test(tc, test_elcid_skipped_by_length);
    tcase_add_test(tc, test_lcid_sizes);
    tcase_add_test(tc, test_round_trip_random_mixes);
    tcase_add_test(tc, test_sdu_room_at_every_edge);
    tcase_add_test(tc, test_builder_refuses_bad_arguments);
    tcase_add_test(tc, test_malformed_refused_and_counted);
    tcase_add_test(tc, test_garbage_never_escapes_the_buffer);
    tcase_add_test(tc, test_bsr_formats);
    tcase_add_test(tc, test_bsr_ranges);
    tcase_add_test(tc, test_phr_and_crnti);
    suite_add_tcase(s, tc);
    return check_run(s);
}
