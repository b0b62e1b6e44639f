/* MAC RAR PDU (mac/mac_rar.h, 38.321 6.1.5 / 6.2.2 / 6.2.3): a RAR written out bit by bit from Figures
 * 6.1.5-1, 6.2.2-1/-2 and 6.2.3-1; the 27-bit UL grant where srsUE reads it (docs/SRSUE.md §4: R = 0, hopping
 * flag = bit 2 of the RAR's second octet, CSI request = last bit of the fifth); E bits over several RAPIDs;
 * zero padding; round trips; and the RARs srsUE refuses refused by our parser too. (Wireshark's reading: see
 * test_mac_pcap.) */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "mac/mac_rar.h"
#include "tests/unit/check_run.h"
#include "test_rng.h"

/* 38.213 Table 8.2-1 field order, first field most significant. */
static uint32_t grant(int hop, int fdra, int tdra, int mcs, int tpc, int csi)
{
    return (uint32_t)hop << 26 | (uint32_t)fdra << 12 | (uint32_t)tdra << 8 | (uint32_t)mcs << 4 |
           (uint32_t)tpc << 1 | (uint32_t)csi;
}

START_TEST(test_rar_by_hand)
{
    struct mac_rar_pdu pdu = {.has_bi = true, .bi = 5, .n = 1};
    pdu.rar[0] = (struct mac_rar){.rapid = 12, .ta = 1234, .ul_grant = 0x5a5a5a5, .tc_rnti = 0x4601};
    uint8_t buf[12];
    memset(buf, 0xee, sizeof buf);
    ck_assert_int_eq(mac_rar_build(&pdu, buf, sizeof buf), 9);
    /* E=1 T=0 R R BI=0101 | E=0 T=1 RAPID=001100 | R=0 TA[11:5]=0100110 | TA[4:0]=10010 grant[26:24]=101 |
     * grant[23:0] = a5 a5 a5 | TC-RNTI 46 01 | padding 00 00 00 */
    static const uint8_t want[12] = {0x85, 0x4c, 0x26, 0x95, 0xa5, 0xa5, 0xa5, 0x46, 0x01, 0, 0, 0};
    ck_assert_mem_eq(buf, want, sizeof want);
    struct mac_rar_pdu back;
    ck_assert_int_eq(mac_rar_parse(buf, sizeof buf, &back), 0);
    ck_assert(back.has_bi);
    ck_assert_int_eq(back.bi, 5);
    ck_assert_int_eq(back.n, 1);
    ck_assert_int_eq(back.rar[0].rapid, 12);
    ck_assert_int_eq(back.rar[0].ta, 1234);
    ck_assert_uint_eq(back.rar[0].ul_grant, 0x5a5a5a5);
    ck_assert_int_eq(back.rar[0].tc_rnti, 0x4601);
    ck_assert_int_eq(mac_rar_backoff_ms(5), 60);
}
END_TEST

/* Where srsUE looks (mac_rar_pdu_nr.cc, see docs/SRSUE.md §4): R is the first bit of the MAC RAR, the 27 grant
 * bits start at bit 2 of the second octet with the frequency hopping flag and end with the CSI request in the
 * last bit of the fifth; TA spans the 7 low bits of octet 1 and 5 high bits of octet 2. */
START_TEST(test_grant_bit_positions)
{
    struct mac_rar_pdu pdu = {.n = 1};
    uint8_t buf[8];
    pdu.rar[0] = (struct mac_rar){.rapid = 0, .ul_grant = grant(1, 0, 0, 0, 0, 0)};
    ck_assert_int_eq(mac_rar_build(&pdu, buf, sizeof buf), 8);
    ck_assert_int_eq(buf[0], 0x40);       /* E=0, T=1, RAPID 0 */
    ck_assert_int_eq(buf[1], 0x00);       /* R = 0 */
    ck_assert_int_eq(buf[2], 0x04);
    ck_assert_int_eq(buf[3] | buf[4] | buf[5], 0);
    pdu.rar[0].ul_grant = grant(0, 0, 0, 0, 0, 1);
    mac_rar_build(&pdu, buf, sizeof buf);
    ck_assert_int_eq(buf[2], 0x00);
    ck_assert_int_eq(buf[5], 0x01);
    /* FDRA 14 bits right after the hopping flag: its top bit is bit 1 of octet 2, its bottom bit bit 4 of
     * octet 4 (grant bit 12) */
    pdu.rar[0].ul_grant = grant(0, 0x2001, 0, 0, 0, 0);
    mac_rar_build(&pdu, buf, sizeof buf);
    ck_assert_int_eq(buf[2], 0x02);
    ck_assert_int_eq(buf[3], 0x00);
    ck_assert_int_eq(buf[4], 0x10);
    pdu.rar[0].ul_grant = grant(0, 0, 0xf, 0xf, 7, 0);
    mac_rar_build(&pdu, buf, sizeof buf);
    ck_assert_int_eq(buf[4], 0x0f);       /* TDRA */
    ck_assert_int_eq(buf[5], 0xfe);       /* MCS, TPC */
    pdu.rar[0] = (struct mac_rar){.ta = 0xfff};
    mac_rar_build(&pdu, buf, sizeof buf);
    ck_assert_int_eq(buf[1], 0x7f);
    ck_assert_int_eq(buf[2], 0xf8);
    pdu.rar[0] = (struct mac_rar){.tc_rnti = 0xbeef};
    mac_rar_build(&pdu, buf, sizeof buf);
    ck_assert_int_eq(buf[6], 0xbe);
    ck_assert_int_eq(buf[7], 0xef);
}
END_TEST

START_TEST(test_several_rapids_and_padding)
{
    struct mac_rar_pdu pdu = {.n = 3};
    for (int i = 0; i < 3; i++)
        pdu.rar[i] = (struct mac_rar){.rapid = (uint8_t)(10 * i + 3), .ta = (uint16_t)(100 * i),
                                      .ul_grant = (uint32_t)(i + 1) << 20, .tc_rnti = (uint16_t)(0x4601 + i)};
    uint8_t buf[40];
    ck_assert_int_eq(mac_rar_build(&pdu, buf, sizeof buf), 24);
    ck_assert_int_eq(buf[0], 0xc0 | 3);   /* E=1 */
    ck_assert_int_eq(buf[8], 0xc0 | 13);  /* E=1 */
    ck_assert_int_eq(buf[16], 0x40 | 23); /* E=0: last */
    for (int i = 24; i < 40; i++) ck_assert_int_eq(buf[i], 0);
    struct mac_rar_pdu back;
    ck_assert_int_eq(mac_rar_parse(buf, sizeof buf, &back), 0);
    ck_assert(!back.has_bi);
    ck_assert_int_eq(back.n, 3);
    const struct mac_rar *r = mac_rar_find(&back, 13);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->ta, 100);
    ck_assert_int_eq(r->tc_rnti, 0x4602);
    ck_assert_uint_eq(r->ul_grant, 2u << 20);
    ck_assert_ptr_null(mac_rar_find(&back, 4));
    ck_assert_int_eq(mac_rar_build(&pdu, buf, 23), -ENOSPC);
    /* a BI alone (congestion, nobody answered) */
    struct mac_rar_pdu bi = {.has_bi = true, .bi = 13};
    ck_assert_int_eq(mac_rar_build(&bi, buf, 4), 1);
    ck_assert_int_eq(buf[0], 0x0d);
    ck_assert_int_eq(mac_rar_parse(buf, 4, &back), 0);
    ck_assert(back.has_bi);
    ck_assert_int_eq(back.n, 0);
}
END_TEST

START_TEST(test_round_trip_random)
{
    test_rng_seed(7);
    static uint8_t buf[MAC_RAR_MAX * 8 + 16];
    for (int iter = 0; iter < 2000; iter++) {
        struct mac_rar_pdu pdu = {.has_bi = test_rng_next() & 1, .bi = (uint8_t)(test_rng_next() % 14)};
        pdu.n = (int)(test_rng_next() % (MAC_RAR_MAX + 1));
        if (!pdu.has_bi && pdu.n == 0) pdu.n = 1;
        for (int i = 0; i < pdu.n; i++)
            pdu.rar[i] = (struct mac_rar){.rapid = (uint8_t)(test_rng_next() % 64),
                                          .ta = (uint16_t)(test_rng_next() % (MAC_RAR_TA_MAX + 1)),
                                          .ul_grant = (uint32_t)(test_rng_next() & 0x7ffffff),
                                          .tc_rnti = (uint16_t)test_rng_next()};
        size_t tb = mac_rar_pdu_len(pdu.has_bi, pdu.n) + test_rng_next() % 16;
        ck_assert_int_eq(mac_rar_build(&pdu, buf, tb), (int)mac_rar_pdu_len(pdu.has_bi, pdu.n));
        struct mac_rar_pdu back;
        ck_assert_int_eq(mac_rar_parse(buf, tb, &back), 0);
        ck_assert_int_eq(back.has_bi, pdu.has_bi);
        if (pdu.has_bi) ck_assert_int_eq(back.bi, pdu.bi);
        ck_assert_int_eq(back.n, pdu.n);
        for (int i = 0; i < pdu.n; i++) {
            ck_assert_int_eq(back.rar[i].rapid, pdu.rar[i].rapid);
            ck_assert_int_eq(back.rar[i].ta, pdu.rar[i].ta);
            ck_assert_uint_eq(back.rar[i].ul_grant, pdu.rar[i].ul_grant);
            ck_assert_int_eq(back.rar[i].tc_rnti, pdu.rar[i].tc_rnti);
        }
    }
}
END_TEST

/* What srsUE refuses (R = 1, reserved BI bits) and what cannot be a RAR. */
START_TEST(test_bad_rars_refused)
{
    struct mac_rar_pdu p;
    static const uint8_t r_set[8] = {0x40, 0x80, 0, 0, 0, 0, 0x46, 0x01};
    ck_assert_int_eq(mac_rar_parse(r_set, 8, &p), -EBADMSG);
    static const uint8_t bi_reserved[1] = {0x25};
    ck_assert_int_eq(mac_rar_parse(bi_reserved, 1, &p), -EBADMSG);
    static const uint8_t bi_second[10] = {0xc0, 0, 0, 0, 0, 0, 0, 1, 0x05, 0};
    ck_assert_int_eq(mac_rar_parse(bi_second, 10, &p), -EBADMSG);
    static const uint8_t cut[7] = {0x40, 0, 0, 0, 0, 0, 0};
    ck_assert_int_eq(mac_rar_parse(cut, 7, &p), -EBADMSG);
    static const uint8_t e_at_end[8] = {0xc0, 0, 0, 0, 0, 0, 0, 1};
    ck_assert_int_eq(mac_rar_parse(e_at_end, 8, &p), -EBADMSG);
    ck_assert_int_eq(mac_rar_parse(r_set, 0, &p), -EBADMSG);
    ck_assert_int_eq(mac_rar_parse(NULL, 8, &p), -EBADMSG);
    /* 65 subPDUs (E = 1 on the first 64) */
    static uint8_t many[65 * 8];
    for (int i = 0; i < 65; i++) many[8 * i] = (uint8_t)(i < 64 ? 0xc0 : 0x40);
    ck_assert_int_eq(mac_rar_parse(many, sizeof many, &p), -EBADMSG);
    many[63 * 8] = 0x40;
    ck_assert_int_eq(mac_rar_parse(many, sizeof many, &p), 0);
    ck_assert_int_eq(p.n, 64);
    /* builder */
    uint8_t buf[16];
    struct mac_rar_pdu b = {.n = 1};
    b.rar[0].ul_grant = 1u << 27;
    ck_assert_int_eq(mac_rar_build(&b, buf, sizeof buf), -EINVAL);
    b.rar[0] = (struct mac_rar){.rapid = 64};
    ck_assert_int_eq(mac_rar_build(&b, buf, sizeof buf), -EINVAL);
    b.rar[0] = (struct mac_rar){.ta = 4096};
    ck_assert_int_eq(mac_rar_build(&b, buf, sizeof buf), -EINVAL);
    b = (struct mac_rar_pdu){.n = 0};
    ck_assert_int_eq(mac_rar_build(&b, buf, sizeof buf), -EINVAL);
    b = (struct mac_rar_pdu){.has_bi = true, .bi = 16};
    ck_assert_int_eq(mac_rar_build(&b, buf, sizeof buf), -EINVAL);
    b = (struct mac_rar_pdu){.n = MAC_RAR_MAX + 1};
    ck_assert_int_eq(mac_rar_build(&b, buf, sizeof buf), -EINVAL);
    /* garbage: parse never reads past the end (ASan) and a success accounts for every byte it read */
    test_rng_seed(3);
    for (int iter = 0; iter < 100000; iter++) {
        uint8_t g[40];
        size_t len = 1 + test_rng_next() % sizeof g;
        for (size_t i = 0; i < len; i++) g[i] = (uint8_t)test_rng_next();
        if (mac_rar_parse(g, len, &p) == 0) ck_assert_uint_le(mac_rar_pdu_len(p.has_bi, p.n), len);
    }
}
END_TEST

START_TEST(test_backoff_table)
{
    /* Table 7.2-1 */
    static const int ms[16] = {5, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 960, 1920, -1, -1};
    for (int i = 0; i < 16; i++) ck_assert_int_eq(mac_rar_backoff_ms(i), ms[i]);
    ck_assert_int_eq(mac_rar_backoff_ms(-1), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac_rar");
    TCase *tc = tcase_create("mac_rar");
    tcase_add_test(tc, test_rar_by_hand);
    tcase_add_test(tc, test_grant_bit_positions);
    tcase_add_test(tc, test_several_rapids_and_padding);
    tcase_add_test(tc, test_round_trip_random);
    tcase_add_test(tc, test_bad_rars_refused);
    tcase_add_test(tc, test_backoff_table);
    suite_add_tcase(s, tc);
    return check_run(s);
}
