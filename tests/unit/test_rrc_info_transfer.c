/* The NAS relay's RRC messages (38.331 6.2.2): DLInformationTransfer (DL-DCCH) and ULInformationTransfer
 * (UL-DCCH). Bytes worked by hand from the ASN.1, round trips at NAS lengths that take one- and two-octet length
 * determinants, refusals, and Wireshark's nr-rrc dissector reading what we encode. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/unit/check_run.h"
#include "tshark.h"

/* DL-DCCH-Message: message c1 (1 bit 0), c1 = dlInformationTransfer (4 bits 0101), transaction 0 (2 bits),
 * criticalExtensions dlInformationTransfer (1 bit 0), presence bits dedicatedNAS 1, late 0, v1610 0, the
 * OCTET STRING's length 3 (8 bits, X.691 11.9.3.6) and 7e 00 56; padded:
 *   0 0101 00 0 | 100 00000 | 011 01111 | 110 00000 | 000 01010 | 110 00000 = 28 80 6f c0 0a c0
 * UL-DCCH-Message: c1 (0), ulInformationTransfer (0111), criticalExtensions (0), presence 100, length 3, NAS:
 *   0 0111 0 10 | 0 0000001 | 1 0111111 | 0 0000000 | 0 0101011 | 0 0000000 = 3a 01 bf 00 2b 00 */
START_TEST(test_bytes_by_hand)
{
    static const uint8_t nas[3] = {0x7e, 0x00, 0x56};
    static struct rrc_dl_dcch_msg dl, back;
    memset(&dl, 0, sizeof dl);
    dl.c1 = RRC_DL_DCCH_DL_INFORMATION_TRANSFER;
    dl.dl_information_transfer.has_dedicated_nas = true;
    dl.dl_information_transfer.dedicated_nas_len = 3;
    memcpy(dl.dl_information_transfer.dedicated_nas, nas, 3);
    uint8_t buf[32];
    size_t len = 0;
    ck_assert_int_eq(rrc_dl_dcch_encode(&dl, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x28, 0x80, 0x6f, 0xc0, 0x0a, 0xc0}), 6);
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &back), 0);
    ck_assert_int_eq(back.c1, RRC_DL_DCCH_DL_INFORMATION_TRANSFER);
    ck_assert_uint_eq(back.dl_information_transfer.dedicated_nas_len, 3);
    ck_assert_mem_eq(back.dl_information_transfer.dedicated_nas, nas, 3);

    static struct rrc_ul_information_transfer ul;
    static struct rrc_ul_dcch_msg uback;
    memset(&ul, 0, sizeof ul);
    ul.has_dedicated_nas = true;
    ul.dedicated_nas_len = 3;
    memcpy(ul.dedicated_nas, nas, 3);
    ck_assert_int_eq(rrc_ul_dcch_encode_ul_information_transfer(&ul, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x3a, 0x01, 0xbf, 0x00, 0x2b, 0x00}), 6);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &uback), 0);
    ck_assert_int_eq(uback.c1, RRC_UL_DCCH_UL_INFORMATION_TRANSFER);
    ck_assert(uback.ul_information_transfer.has_dedicated_nas);
    ck_assert_uint_eq(uback.ul_information_transfer.dedicated_nas_len, 3);
    ck_assert_mem_eq(uback.ul_information_transfer.dedicated_nas, nas, 3);
}
END_TEST

START_TEST(test_round_trips_and_refusals)
{
    static const size_t lens[] = {1, 127, 128, 300, 4000, RRC_DL_NAS_MAX};
    static struct rrc_dl_dcch_msg dl, back;
    static struct rrc_ul_information_transfer ul;
    static struct rrc_ul_dcch_msg uback;
    static uint8_t buf[RRC_DL_NAS_MAX + 16];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        memset(&dl, 0, sizeof dl);
        dl.c1 = RRC_DL_DCCH_DL_INFORMATION_TRANSFER;
        dl.dl_information_transfer.transaction_id = (int)(i % 4);
        dl.dl_information_transfer.has_dedicated_nas = true;
        dl.dl_information_transfer.dedicated_nas_len = lens[i];
        for (size_t k = 0; k < lens[i]; k++) dl.dl_information_transfer.dedicated_nas[k] = (uint8_t)(k * 13 + i);
        size_t len;
        ck_assert_int_eq(rrc_dl_dcch_encode(&dl, buf, sizeof buf, &len), 0);
        ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &back), 0);
        ck_assert_int_eq(back.dl_information_transfer.transaction_id, (int)(i % 4));
        ck_assert_uint_eq(back.dl_information_transfer.dedicated_nas_len, lens[i]);
        ck_assert_mem_eq(back.dl_information_transfer.dedicated_nas, dl.dl_information_transfer.dedicated_nas,
                         lens[i]);
        for (size_t cut = 0; cut < len && cut < 40; cut++) /* truncated: refused, never read beyond */
            ck_assert_int_lt(rrc_dl_dcch_decode(buf, cut, &back), 0);
        memset(&ul, 0, sizeof ul);
        ul.has_dedicated_nas = true;
        ul.dedicated_nas_len = lens[i] < RRC_DEDICATED_NAS_MAX ? lens[i] : RRC_DEDICATED_NAS_MAX;
        memcpy(ul.dedicated_nas, dl.dl_information_transfer.dedicated_nas, ul.dedicated_nas_len);
        ck_assert_int_eq(rrc_ul_dcch_encode_ul_information_transfer(&ul, buf, sizeof buf, &len), 0);
        ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &uback), 0);
        ck_assert_uint_eq(uback.ul_information_transfer.dedicated_nas_len, ul.dedicated_nas_len);
        ck_assert_mem_eq(uback.ul_information_transfer.dedicated_nas, ul.dedicated_nas, ul.dedicated_nas_len);
    }
    /* lateNonCriticalExtension in a DLInformationTransfer: not modelled, refused. Presence bits 110. */
    static const uint8_t late[] = {0x28, 0xc0, 0x6f, 0xc0, 0x0a, 0xc0};
    ck_assert_int_eq(rrc_dl_dcch_decode(late, sizeof late, &back), -ENOTSUP);
    /* ULInformationTransfer with no NAS message: valid, has_dedicated_nas false. 0 0111 0 000 = 38 00. */
    static const uint8_t empty[] = {0x38, 0x00};
    ck_assert_int_eq(rrc_ul_dcch_decode(empty, 2, &uback), 0);
    ck_assert(!uback.ul_information_transfer.has_dedicated_nas);
    /* The UL-DCCH messages not modelled are still refused: measurementReport (c1 0: 0 0000 ...). */
    static const uint8_t rep[] = {0x00, 0x00};
    ck_assert_int_eq(rrc_ul_dcch_decode(rep, 2, &uback), -ENOTSUP);
    ck_assert_int_eq(uback.c1, RRC_UL_DCCH_MEASUREMENT_REPORT);
}
END_TEST

/* Wireshark: a 5GMM Registration Reject (7e 00 44, cause #3) in a DLInformationTransfer and the same 4 octets in
 * an ULInformationTransfer; then each padded to 300 octets (a two-octet length determinant) read back with its
 * length, transaction and the NAS message type. */
START_TEST(test_read_by_wireshark)
{
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
        return;
    }
    static const uint8_t reject[4] = {0x7e, 0x00, 0x44, 0x03};
    static struct rrc_dl_dcch_msg dl;
    static struct rrc_ul_information_transfer ul;
    static uint8_t dbuf[2][400], ubuf[2][400];
    size_t dlen[2], ulen[2];
    for (int i = 0; i < 2; i++) {
        size_t n = i == 0 ? 4 : 300;
        memset(&dl, 0, sizeof dl);
        dl.c1 = RRC_DL_DCCH_DL_INFORMATION_TRANSFER;
        dl.dl_information_transfer.transaction_id = 2 + i;
        dl.dl_information_transfer.has_dedicated_nas = true;
        dl.dl_information_transfer.dedicated_nas_len = n;
        memset(dl.dl_information_transfer.dedicated_nas, 0x5a, n);
        memcpy(dl.dl_information_transfer.dedicated_nas, reject, 4);
        ck_assert_int_eq(rrc_dl_dcch_encode(&dl, dbuf[i], sizeof dbuf[i], &dlen[i]), 0);
        memset(&ul, 0, sizeof ul);
        ul.has_dedicated_nas = true;
        ul.dedicated_nas_len = n;
        memcpy(ul.dedicated_nas, dl.dl_information_transfer.dedicated_nas, n);
        ck_assert_int_eq(rrc_ul_dcch_encode_ul_information_transfer(&ul, ubuf[i], sizeof ubuf[i], &ulen[i]), 0);
    }
    static const char *const fields[] = {"nr-rrc.c1", "nr-rrc.rrc_TransactionIdentifier", "per.octet_string_length",
                                         "nas_5gs.mm.message_type", "nas_5gs.mm.5gmm_cause", "_ws.malformed"};
    static char lines[2][TSHARK_LINE];
    const uint8_t *p[2] = {dbuf[0], dbuf[1]};
    ck_assert_int_eq(tshark_fields("nr-rrc.dl.dcch", p, dlen, 2, fields, 6, lines), 2);
    printf("tshark dl: %s\ntshark dl: %s\n", lines[0], lines[1]);
    ck_assert_str_eq(lines[0], "5|2|4|0x44|3|");
    ck_assert(strncmp(lines[1], "5|3|300|0x44|3|", 15) == 0);
    const uint8_t *q[2] = {ubuf[0], ubuf[1]};
    ck_assert_int_eq(tshark_fields("nr-rrc.ul.dcch", q, ulen, 2, fields, 6, lines), 2);
    printf("tshark ul: %s\ntshark ul: %s\n", lines[0], lines[1]);
    ck_assert_str_eq(lines[0], "7||4|0x44|3|");
    ck_assert(strncmp(lines[1], "7||300|0x44|3|", 14) == 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_info_transfer");
    TCase *t = tcase_create("info_transfer");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_bytes_by_hand);
    tcase_add_test(t, test_round_trips_and_refusals);
    tcase_add_test(t, test_read_by_wireshark);
    suite_add_tcase(s, t);
    return check_run(s);
}
