/* DL-DCCH RRCRelease (38.331 6.2.2): the bytes gnbd sends, worked by hand from the ASN.1, and every combination
 * of the modelled IEs as Wireshark reads it; the decoder returns what was encoded and refuses what it does not
 * model; the encoder refuses values outside their constraints. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rrc/msg/dl_dcch.h"
#include "tests/unit/check_run.h"
#include "tshark_check.h"

/* DL-DCCH-Message: message CHOICE (1 bit: c1 = 0), c1 CHOICE of 16 (4 bits: rrcRelease = 2 = 0010),
 * rrc-TransactionIdentifier (2 bits), criticalExtensions CHOICE (1 bit: rrcRelease = 0), RRCRelease-IEs: six
 * presence bits (redirectedCarrierInfo, cellReselectionPriorities, suspendConfig, deprioritisationReq,
 * lateNonCriticalExtension, nonCriticalExtension), then the present fields; padded to the octet.
 *   transaction 0, nothing present: 0 0010 00 0 | 000000 00        = 10 00
 *   transaction 1, nothing present: 0 0010 01 0 | 000000 00        = 12 00
 *   transaction 3, deprioritisationReq {frequency (0), min10 (1)}, v1540 {waitTime 5 s (5 - 1 = 0100)}:
 *     0 0010 11 0 | 000101 | 0 01 | 1 0 | 0100 | 0               = 16 14 c8 */
START_TEST(test_rrc_release_bytes_by_hand)
{
    static const struct {
        struct rrc_release rel;
        size_t len;
        uint8_t bytes[4];
    } cases[] = {
        {{.transaction_id = 0}, 2, {0x10, 0x00}},
        {{.transaction_id = 1}, 2, {0x12, 0x00}},
        {{.transaction_id = 3, .has_deprioritisation = true, .deprioritisation_type = RRC_DEPRIO_FREQUENCY,
          .deprioritisation_timer_min = 10, .has_wait_time = true, .wait_time = 5},
         3, {0x16, 0x14, 0xc8}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rrc_dl_dcch_msg m = {.c1 = RRC_DL_DCCH_RELEASE, .release = cases[i].rel}, back;
        uint8_t buf[16];
        size_t len = 0;
        ck_assert_int_eq(rrc_dl_dcch_encode(&m, buf, sizeof buf, &len), 0);
        ck_assert_uint_eq(len, cases[i].len);
        ck_assert_mem_eq(buf, cases[i].bytes, len);
        ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &back), 0);
        ck_assert_int_eq(back.c1, RRC_DL_DCCH_RELEASE);
        ck_assert_mem_eq(&back.release, &m.release, sizeof m.release);
    }
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(rrc_dl_dcch_encode_release(1, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x12, 0x00}), 2);
    ck_assert_uint_le(len, RRC_DL_DCCH_MAX_BYTES);
}
END_TEST

/* Every combination of transaction, deprioritisationReq (2 types x 4 timers) and waitTime (1..16), as tshark's
 * nr-rrc.dl.dcch dissector reads it: an rrcRelease with exactly the fields encoded, nothing malformed. */
START_TEST(test_rrc_release_read_by_wireshark)
{
    enum { N = TSHARK_MAX_PDUS };
    static const int timers[] = {5, 10, 15, 30};
    static struct rrc_release rel[N];
    static uint8_t buf[N][16];
    const uint8_t *pdus[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        rel[i] = (struct rrc_release){.transaction_id = i % 4, .has_deprioritisation = (i / 4) % 2,
                                      .deprioritisation_type = (enum rrc_deprioritisation_type)((i / 8) % 2),
                                      .deprioritisation_timer_min = timers[(i / 16) % 4],
                                      .has_wait_time = (i / 2) % 2 == 1, .wait_time = 1 + (i * 7) % 16};
        struct rrc_dl_dcch_msg m = {.c1 = RRC_DL_DCCH_RELEASE, .release = rel[i]};
        ck_assert_int_eq(rrc_dl_dcch_encode(&m, buf[i], sizeof buf[i], &lens[i]), 0);
        ck_assert_uint_le(lens[i], RRC_DL_DCCH_MAX_BYTES);
        pdus[i] = buf[i];
    }
    static struct tshark_pkt pkts[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.dcch", pdus, lens, N, pkts), N);
    for (int i = 0; i < N; i++) {
        const struct tshark_pkt *p = &pkts[i];
        ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
        EXPECT_NAME(p, "DL_DCCH_Message_element/message/c1", 0, "rrcRelease");
        EXPECT_INT(p, "rrcRelease_element/rrc_TransactionIdentifier", 0, rel[i].transaction_id);
        EXPECT_NAME(p, "criticalExtensions", 0, "rrcRelease");
        EXPECT_COUNT(p, "redirectedCarrierInfo", 0);
        EXPECT_COUNT(p, "suspendConfig_element", 0);
        EXPECT_COUNT(p, "deprioritisationReq_element", rel[i].has_deprioritisation);
        if (rel[i].has_deprioritisation) {
            EXPECT_NAME(p, "deprioritisationReq_element/deprioritisationType", 0, "%s",
                        rel[i].deprioritisation_type == RRC_DEPRIO_NR ? "nr" : "frequency");
            EXPECT_NAME(p, "deprioritisationReq_element/deprioritisationTimer", 0, "min%d",
                        rel[i].deprioritisation_timer_min);
        }
        EXPECT_COUNT(p, "nonCriticalExtension_element/waitTime", rel[i].has_wait_time);
        if (rel[i].has_wait_time) EXPECT_NAME(p, "nonCriticalExtension_element/waitTime", 0, "%ds", rel[i].wait_time);
    }
    tshark_pkts_free(pkts, N);
}
END_TEST

/* The decoder: truncated input -EBADMSG; other DL-DCCH messages, the extension class, criticalExtensionsFuture
 * and IEs not modelled -ENOTSUP; every 2-byte input decodes or is refused. The encoder: -EINVAL outside the
 * constraints, -ENOSPC when the buffer is short. */
START_TEST(test_rrc_release_refused)
{
    struct rrc_dl_dcch_msg back;
    const uint8_t minimal[] = {0x12, 0x00};
    ck_assert_int_eq(rrc_dl_dcch_decode(minimal, 0, &back), -EBADMSG);
    ck_assert_int_eq(rrc_dl_dcch_decode(minimal, 1, &back), -EBADMSG);
    const uint8_t with_v1540[] = {0x16, 0x14, 0xc8};
    ck_assert_int_eq(rrc_dl_dcch_decode(with_v1540, 2, &back), -EBADMSG);
    const uint8_t counter_check[] = {0x38, 0x00}, extension[] = {0x80, 0x00}, future[] = {0x13, 0x00};
    ck_assert_int_eq(rrc_dl_dcch_decode(counter_check, 2, &back), -ENOTSUP); /* c1 7: not modelled */
    ck_assert_int_eq(back.c1, RRC_DL_DCCH_COUNTER_CHECK);
    ck_assert_int_eq(rrc_dl_dcch_decode(extension, 2, &back), -ENOTSUP);
    ck_assert_int_eq(rrc_dl_dcch_decode(future, 2, &back), -ENOTSUP);
    /* redirectedCarrierInfo, cellReselectionPriorities, suspendConfig, lateNonCriticalExtension present */
    static const uint8_t not_modelled[][2] = {{0x10, 0x80}, {0x10, 0x40}, {0x10, 0x20}, {0x10, 0x08}};
    for (int i = 0; i < 4; i++) ck_assert_int_eq(rrc_dl_dcch_decode(not_modelled[i], 2, &back), -ENOTSUP);
    for (int v = 0; v < 65536; v++) {
        const uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
        int err = rrc_dl_dcch_decode(b, 2, &back);
        ck_assert(err == 0 || err == -EBADMSG || err == -ENOTSUP);
    }
    uint8_t buf[16];
    size_t len;
    struct rrc_dl_dcch_msg bad = {.c1 = RRC_DL_DCCH_RELEASE, .release = {.transaction_id = 4}};
    ck_assert_int_eq(rrc_dl_dcch_encode(&bad, buf, sizeof buf, &len), -EINVAL);
    bad.release = (struct rrc_release){.has_wait_time = true, .wait_time = 17};
    ck_assert_int_eq(rrc_dl_dcch_encode(&bad, buf, sizeof buf, &len), -EINVAL);
    bad.release = (struct rrc_release){.has_deprioritisation = true, .deprioritisation_timer_min = 20};
    ck_assert_int_eq(rrc_dl_dcch_encode(&bad, buf, sizeof buf, &len), -EINVAL);
    bad = (struct rrc_dl_dcch_msg){.c1 = RRC_DL_DCCH_COUNTER_CHECK}; /* not modelled: refused */
    ck_assert_int_eq(rrc_dl_dcch_encode(&bad, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_dl_dcch_encode_release(0, buf, 1, &len), -ENOSPC);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_release");
    TCase *tc = tcase_create("rrc_release");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rrc_release_bytes_by_hand);
    tcase_add_test(tc, test_rrc_release_read_by_wireshark);
    tcase_add_test(tc, test_rrc_release_refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
