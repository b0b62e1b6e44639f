/* Unit tests for rlc/rlc_tm (38.322 5.2.1, 6.2.2.2): SDUs pass unchanged both ways, the queue is bounded, a grant
 * smaller than the next SDU carries nothing (TM never segments), malformed PDUs are counted and dropped. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "rlc/rlc_tm.h"
#include "tests/unit/check_run.h"
#include "tests/unit/rlc_test_util.h"

static struct rlc_log rxlog;

START_TEST(test_sdus_pass_unchanged_both_ways)
{
    struct rlc_tm e;
    memset(&rxlog, 0, sizeof rxlog);
    struct rlc_tm_config c = {.queue_sdus = 4, .queue_bytes = 1000, .max_sdu_bytes = 300};
    ck_assert_int_eq(rlc_tm_init(&e, &c, rlc_log_deliver, &rxlog), 0);
    uint8_t sdu[300], pdu[400];
    for (uint32_t i = 0; i < 3; i++) ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, rlc_test_sdu(i, 48 + i, sdu)), 0);
    ck_assert_uint_eq(rlc_tm_next_sdu_len(&e), 48);
    ck_assert_uint_eq(rlc_tm_tx_pending(&e), 48 + 49 + 50);
    ck_assert_int_eq(rlc_tm_pull_pdu(&e, pdu, 47), 0); /* no segmentation in TM */
    for (uint32_t i = 0; i < 3; i++) {
        int n = rlc_tm_pull_pdu(&e, pdu, sizeof pdu);
        ck_assert_int_eq(n, 48 + (int)i);
        rlc_test_sdu(i, 48 + i, sdu);
        ck_assert_mem_eq(pdu, sdu, (size_t)n); /* TMD PDU = the SDU, no header */
        ck_assert_int_eq(rlc_tm_push_pdu(&e, pdu, (size_t)n), 0);
    }
    ck_assert_int_eq(rlc_tm_pull_pdu(&e, pdu, sizeof pdu), 0);
    ck_assert_uint_eq(rxlog.n, 3);
    ck_assert_uint_eq(rxlog.bad, 0);
    ck_assert_uint_eq(e.cnt.pdus_tx, 3);
    ck_assert_uint_eq(e.cnt.sdus_delivered, 3);
    rlc_tm_free(&e);
}
END_TEST

START_TEST(test_queue_is_bounded_and_bad_input_refused)
{
    struct rlc_tm e;
    struct rlc_tm_config c = {.queue_sdus = 2, .queue_bytes = 100, .max_sdu_bytes = 80};
    ck_assert_int_eq(rlc_tm_init(&e, &c, NULL, NULL), -EINVAL);
    c.max_sdu_bytes = 70000;
    ck_assert_int_eq(rlc_tm_init(&e, &c, rlc_log_deliver, &rxlog), -EINVAL);
    c.max_sdu_bytes = 80;
    ck_assert_int_eq(rlc_tm_init(&e, &c, rlc_log_deliver, &rxlog), 0);
    uint8_t sdu[100] = {1};
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 0), -EINVAL);
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 81), -EMSGSIZE);
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 60), 0);
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 50), -ENOBUFS); /* bytes */
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 40), 0);
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 1), -ENOBUFS);  /* SDUs */
    ck_assert_uint_eq(e.cnt.sdus_dropped_full, 3);
    ck_assert_uint_eq(e.cnt.sdus_in, 2);
    memset(&rxlog, 0, sizeof rxlog);
    ck_assert_int_eq(rlc_tm_push_pdu(&e, sdu, 0), -EBADMSG);
    ck_assert_int_eq(rlc_tm_push_pdu(&e, sdu, 81), -EBADMSG);
    ck_assert_uint_eq(e.cnt.malformed_dropped, 2);
    ck_assert_uint_eq(rxlog.n, 0);
    rlc_tm_reset(&e);
    ck_assert_uint_eq(rlc_tm_tx_pending(&e), 0);
    ck_assert_int_eq(rlc_tm_write_sdu(&e, sdu, 80), 0); /* the ring wraps */
    uint8_t pdu[100];
    ck_assert_int_eq(rlc_tm_pull_pdu(&e, pdu, sizeof pdu), 80);
    ck_assert_mem_eq(pdu, sdu, 80);
    rlc_tm_free(&e);
}
END_TEST

static Suite *rlc_tm_suite(void)
{
    Suite *s = suite_create("rlc_tm");
    TCase *tc = tcase_create("tm");
    tcase_add_test(tc, test_sdus_pass_unchanged_both_ways);
    tcase_add_test(tc, test_queue_is_bounded_and_bad_input_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(rlc_tm_suite());
}
