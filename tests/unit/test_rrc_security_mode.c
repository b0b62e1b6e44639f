/* RRC SecurityModeCommand (DL-DCCH) and SecurityModeComplete/-Failure (UL-DCCH), 38.331 6.2.2 / 6.3.2: bytes worked
 * by hand from the ASN.1, every algorithm pair round-tripped and read by Wireshark's nr-rrc dissector, spare
 * values and unmodelled extensions refused. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/unit/check_run.h"
#include "tshark.h"

/* DL-DCCH-Message: message c1 (0), c1 = securityModeCommand (4 bits 0100), transaction 1 (01), criticalExtensions
 * securityModeCommand (0), IEs' presence bits lateNonCriticalExtension 0, nonCriticalExtension 0; SecurityConfigSMC
 * extension bit 0; SecurityAlgorithmConfig extension bit 0, integrityProtAlgorithm present 1; cipheringAlgorithm
 * nea2: extension bit 0 + index 010; integrityProtAlgorithm nia2: 0 + 010; padded:
 *   0 0100 01 0 | 0 0 0 0 1 0 01 | 0 0 010 000 = 22 09 10
 * UL-DCCH-Message: c1 (0), securityModeComplete (0101), transaction 1 (01), criticalExtensions (0), presence 00:
 *   0 0101 01 0 | 00 000000 = 2a 00 ; securityModeFailure (0110): 0 0110 01 0 | 00 = 32 00 */
START_TEST(test_bytes_by_hand)
{
    static struct rrc_dl_dcch_msg m, back;
    memset(&m, 0, sizeof m);
    m.c1 = RRC_DL_DCCH_SECURITY_MODE_COMMAND;
    m.security_mode_command = (struct rrc_security_mode_command){.transaction_id = 1, .ciphering = 2,
                                                                  .has_integrity = true, .integrity = 2};
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(rrc_dl_dcch_encode(&m, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x22, 0x09, 0x10}), 3);
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &back), 0);
    ck_assert_int_eq(back.c1, RRC_DL_DCCH_SECURITY_MODE_COMMAND);
    ck_assert_mem_eq(&back.security_mode_command, &m.security_mode_command, sizeof m.security_mode_command);

    static struct rrc_ul_dcch_msg u;
    ck_assert_int_eq(rrc_ul_dcch_encode_security_mode_result(1, false, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x2a, 0x00}), 2);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &u), 0);
    ck_assert_int_eq(u.c1, RRC_UL_DCCH_SECURITY_MODE_COMPLETE);
    ck_assert_int_eq(u.security_mode.transaction_id, 1);
    ck_assert_int_eq(rrc_ul_dcch_encode_security_mode_result(1, true, buf, sizeof buf, &len), 0);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x32, 0x00}), 2);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &u), 0);
    ck_assert_int_eq(u.c1, RRC_UL_DCCH_SECURITY_MODE_FAILURE);
}
END_TEST

START_TEST(test_refusals)
{
    static struct rrc_dl_dcch_msg m, back;
    uint8_t buf[16];
    size_t len;
    memset(&m, 0, sizeof m);
    m.c1 = RRC_DL_DCCH_SECURITY_MODE_COMMAND;
    m.security_mode_command = (struct rrc_security_mode_command){.ciphering = 4}; /* spare4 */
    ck_assert_int_eq(rrc_dl_dcch_encode(&m, buf, sizeof buf, &len), -EINVAL);
    /* A spare ciphering value on the air (index 4 = 100): refused. 0 0100 00 0 | 0000 0 0 10 | 0 ... */
    static const uint8_t spare[] = {0x20, 0x02, 0x00};
    ck_assert_int_eq(rrc_dl_dcch_decode(spare, sizeof spare, &back), -ENOTSUP);
    /* The SecurityConfigSMC extension bit set: not modelled. */
    static const uint8_t ext[] = {0x22, 0x29, 0x10};
    ck_assert_int_eq(rrc_dl_dcch_decode(ext, sizeof ext, &back), -ENOTSUP);
    /* Truncated. */
    ck_assert_int_lt(rrc_dl_dcch_decode((const uint8_t[]){0x22}, 1, &back), 0);
}
END_TEST

/* Every (nea, nia) pair with transactions 0..3, and integrity absent once, as tshark reads them. */
START_TEST(test_read_by_wireshark)
{
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
        return;
    }
    enum { N = 17 };
    static struct rrc_dl_dcch_msg m;
    static uint8_t bufs[N][8];
    const uint8_t *pdus[N];
    size_t lens[N];
    struct rrc_security_mode_command want[N];
    for (int i = 0; i < N; i++) {
        want[i] = (struct rrc_security_mode_command){.transaction_id = i % 4, .ciphering = (i / 4) % 4,
                                                     .has_integrity = i < 16, .integrity = i % 4};
        memset(&m, 0, sizeof m);
        m.c1 = RRC_DL_DCCH_SECURITY_MODE_COMMAND;
        m.security_mode_command = want[i];
        ck_assert_int_eq(rrc_dl_dcch_encode(&m, bufs[i], sizeof bufs[i], &lens[i]), 0);
        pdus[i] = bufs[i];
    }
    static const char *const fields[] = {"nr-rrc.c1", "nr-rrc.rrc_TransactionIdentifier", "nr-rrc.cipheringAlgorithm",
                                         "nr-rrc.integrityProtAlgorithm", "_ws.malformed", "_ws.expert.severity"};
    static char lines[N][TSHARK_LINE];
    ck_assert_int_eq(tshark_fields("nr-rrc.dl.dcch", pdus, lens, N, fields, 6, lines), N);
    for (int i = 0; i < N; i++) {
        char want_line[64];
        if (want[i].has_integrity)
            snprintf(want_line, sizeof want_line, "4|%d|%d|%d||", want[i].transaction_id, want[i].ciphering,
                     want[i].integrity);
        else
            snprintf(want_line, sizeof want_line, "4|%d|%d|||", want[i].transaction_id, want[i].ciphering);
        ck_assert_msg(strcmp(lines[i], want_line) == 0, "pdu %d: tshark '%s', want '%s'", i, lines[i], want_line);
    }
    printf("tshark: 17 SecurityModeCommands read as encoded, e.g. %s\n", lines[10]);
    /* And the UE's answers. */
    static uint8_t ub[2][4];
    size_t ul[2];
    ck_assert_int_eq(rrc_ul_dcch_encode_security_mode_result(3, false, ub[0], sizeof ub[0], &ul[0]), 0);
    ck_assert_int_eq(rrc_ul_dcch_encode_security_mode_result(2, true, ub[1], sizeof ub[1], &ul[1]), 0);
    const uint8_t *up[2] = {ub[0], ub[1]};
    static const char *const uf[] = {"nr-rrc.c1", "nr-rrc.rrc_TransactionIdentifier", "_ws.malformed"};
    static char ulines[2][TSHARK_LINE];
    ck_assert_int_eq(tshark_fields("nr-rrc.ul.dcch", up, ul, 2, uf, 3, ulines), 2);
    ck_assert_str_eq(ulines[0], "5|3|");
    ck_assert_str_eq(ulines[1], "6|2|");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_security_mode");
    TCase *t = tcase_create("security_mode");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_bytes_by_hand);
    tcase_add_test(t, test_refusals);
    tcase_add_test(t, test_read_by_wireshark);
    suite_add_tcase(s, t);
    return check_run(s);
}
