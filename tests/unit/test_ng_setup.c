/* The NG interface state machine (ngap/ng_setup.h), driven with injected time: NG Setup accepted, refused with
 * and without Time To Wait, no answer, association lost; the back-off doubling to its cap. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_run.h"
#include "ngap/ng_setup.h"

static struct ng_setup_config config(void)
{
    struct ng_setup_config c;
    memset(&c, 0, sizeof c);
    struct ngap_ng_setup_request *r = &c.request;
    ngap_plmn_from_mcc_mnc(&r->plmn, 1, 1, 2);
    r->gnb_id = 0x19b;
    r->gnb_id_bits = 22;
    r->has_ran_node_name = true;
    strcpy(r->ran_node_name, "gnbd-test");
    r->n_tas = 1;
    r->tas[0].tac = 7;
    r->tas[0].n_plmns = 1;
    r->tas[0].plmns[0].plmn = r->plmn;
    r->tas[0].plmns[0].n_slices = 1;
    r->tas[0].plmns[0].slices[0].sst = 1;
    r->default_paging_drx = NGAP_DRX_128;
    return c;
}

static struct ngap_pdu pdu; /* the test's scratch (large) */

static void answer(struct ng_setup *s, int64_t now, enum ngap_msg msg, int ttw)
{
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = msg;
    if (msg == NGAP_MSG_NG_SETUP_FAILURE && ttw >= 0) {
        pdu.u.ng_setup_failure.has_time_to_wait = true;
        pdu.u.ng_setup_failure.time_to_wait = ttw;
    }
    ck_assert(ng_setup_rx(s, now, &pdu));
}

/* Connect at t, the association up at once: the request goes out. */
static void connect_up(struct ng_setup *s, int64_t t)
{
    uint8_t buf[NGAP_MAX_PDU_BYTES];
    size_t len;
    ck_assert_int_eq(ng_setup_poll(s, t), NG_ACT_CONNECT);
    ng_setup_connecting(s, t);
    ck_assert_int_eq(ng_setup_link_up(s, t, buf, sizeof buf, &len), 0);
    ck_assert_int_eq(s->state, NG_SETUP_SENT);
}

START_TEST(test_setup_accepted)
{
    struct ng_setup_config c = config();
    struct ng_setup s;
    ck_assert_int_eq(ng_setup_init(&s, &c, 1000), 0);
    ck_assert_int_eq(ng_setup_poll(&s, 1000), NG_ACT_CONNECT);
    ng_setup_connecting(&s, 1000);
    uint8_t buf[NGAP_MAX_PDU_BYTES];
    size_t len;
    ck_assert_int_eq(ng_setup_link_up(&s, 1010, buf, sizeof buf, &len), 0);
    /* What goes out is the configured NGSetupRequest. */
    ck_assert_int_eq(ngap_decode(buf, len, &pdu), 0);
    ck_assert_int_eq(pdu.msg, NGAP_MSG_NG_SETUP_REQUEST);
    ck_assert_uint_eq(pdu.u.ng_setup_request.gnb_id, 0x19b);
    ck_assert_int_eq(pdu.u.ng_setup_request.gnb_id_bits, 22);
    ck_assert_uint_eq(pdu.u.ng_setup_request.tas[0].tac, 7);
    ck_assert_str_eq(pdu.u.ng_setup_request.ran_node_name, "gnbd-test");
    ck_assert(!ng_setup_is_ready(&s));
    ck_assert_int_eq(ng_setup_poll(&s, 6009), NG_ACT_NONE);
    answer(&s, 1500, NGAP_MSG_NG_SETUP_RESPONSE, -1);
    ck_assert(ng_setup_is_ready(&s));
    ck_assert(ng_setup_next_ms(&s) == INT64_MAX);
    ck_assert_int_eq(ng_setup_poll(&s, 100000), NG_ACT_NONE);
    ck_assert_uint_eq(s.stats.requests, 1);
    ck_assert_uint_eq(s.stats.responses, 1);
    /* Anything else is not NG Setup's. */
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_DOWNLINK_NAS_TRANSPORT;
    ck_assert(!ng_setup_rx(&s, 2000, &pdu));
}
END_TEST

START_TEST(test_amf_down_backoff_doubles_to_cap)
{
    struct ng_setup_config c = config();
    struct ng_setup s;
    ck_assert_int_eq(ng_setup_init(&s, &c, 0), 0);
    /* Connection refused every time: waits of 1, 2, 4, 8, 16, 30, 30 s. */
    static const int64_t waits[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
    int64_t t = 0;
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        ck_assert_int_eq(ng_setup_poll(&s, t), NG_ACT_CONNECT);
        ng_setup_connecting(&s, t);
        ng_setup_link_down(&s, t + 3);
        ck_assert_int_eq(s.state, NG_WAIT);
        ck_assert(ng_setup_next_ms(&s) == t + 3 + waits[i]);
        ck_assert_int_eq(ng_setup_poll(&s, t + 3 + waits[i] - 1), NG_ACT_NONE); /* never early */
        t += 3 + waits[i];
    }
    ck_assert_uint_eq(s.stats.connects, 7);
    ck_assert_uint_eq(s.stats.links_lost, 7);
    /* It comes back: accepted, and the back-off starts over at 1 s. */
    connect_up(&s, t);
    answer(&s, t + 5, NGAP_MSG_NG_SETUP_RESPONSE, -1);
    ng_setup_link_down(&s, t + 100);
    ck_assert(!ng_setup_is_ready(&s));
    ck_assert(ng_setup_next_ms(&s) == t + 1100);
}
END_TEST

START_TEST(test_no_answer_times_out)
{
    struct ng_setup_config c = config();
    c.response_timeout_ms = 4000;
    struct ng_setup s;
    ck_assert_int_eq(ng_setup_init(&s, &c, 0), 0);
    /* The association never comes up. */
    ck_assert_int_eq(ng_setup_poll(&s, 0), NG_ACT_CONNECT);
    ng_setup_connecting(&s, 0);
    ck_assert_int_eq(ng_setup_poll(&s, 3999), NG_ACT_NONE);
    ck_assert_int_eq(ng_setup_poll(&s, 4000), NG_ACT_CLOSE);
    ng_setup_link_down(&s, 4000); /* the caller closes it: not counted twice */
    ck_assert_uint_eq(s.stats.timeouts, 1);
    ck_assert_uint_eq(s.stats.links_lost, 0);
    ck_assert(ng_setup_next_ms(&s) == 5000);
    /* Up, but the AMF never answers the request. */
    connect_up(&s, 5000);
    ck_assert_int_eq(ng_setup_poll(&s, 8999), NG_ACT_NONE);
    ck_assert_int_eq(ng_setup_poll(&s, 9000), NG_ACT_CLOSE);
    ck_assert(ng_setup_next_ms(&s) == 11000);
    ck_assert_uint_eq(s.stats.timeouts, 2);
}
END_TEST

START_TEST(test_failure_time_to_wait)
{
    struct ng_setup_config c = config();
    struct ng_setup s;
    ck_assert_int_eq(ng_setup_init(&s, &c, 0), 0);
    connect_up(&s, 0);
    /* NGSetupFailure with Time To Wait v10s: the association stays, the request goes again after 10 s. */
    answer(&s, 100, NGAP_MSG_NG_SETUP_FAILURE, NGAP_TTW_10S);
    ck_assert_int_eq(s.state, NG_HOLD);
    ck_assert_int_eq(ng_setup_poll(&s, 10099), NG_ACT_NONE);
    ck_assert_int_eq(ng_setup_poll(&s, 10100), NG_ACT_SEND_SETUP);
    uint8_t buf[NGAP_MAX_PDU_BYTES];
    size_t len;
    ck_assert_int_eq(ng_setup_request(&s, 10100, buf, sizeof buf, &len), 0);
    /* Refused again without Time To Wait: the back-off (now 2 s). */
    answer(&s, 10200, NGAP_MSG_NG_SETUP_FAILURE, -1);
    ck_assert(ng_setup_next_ms(&s) == 12200);
    ck_assert_int_eq(ng_setup_poll(&s, 12200), NG_ACT_SEND_SETUP);
    ck_assert_int_eq(ng_setup_request(&s, 12200, buf, sizeof buf, &len), 0);
    answer(&s, 12300, NGAP_MSG_NG_SETUP_RESPONSE, -1);
    ck_assert(ng_setup_is_ready(&s));
    ck_assert_uint_eq(s.stats.failures, 2);
    ck_assert_uint_eq(s.stats.requests, 3);
    /* A response nobody asked for changes nothing. */
    answer(&s, 13000, NGAP_MSG_NG_SETUP_FAILURE, NGAP_TTW_60S);
    ck_assert(ng_setup_is_ready(&s));
}
END_TEST

START_TEST(test_time_to_wait_values_and_bad_config)
{
    static const int want[] = {1000, 2000, 5000, 10000, 20000, 60000};
    for (int i = 0; i < 6; i++) ck_assert_int_eq(ng_time_to_wait_ms(i), want[i]);
    ck_assert_int_eq(ng_time_to_wait_ms(6), -1);
    ck_assert_int_eq(ng_time_to_wait_ms(-1), -1);
    struct ng_setup_config c = config();
    struct ng_setup s;
    c.request.gnb_id_bits = 40; /* 9.3.1.5: 22..32 */
    ck_assert_int_eq(ng_setup_init(&s, &c, 0), -EINVAL);
    c = config();
    c.backoff_min_ms = -1;
    ck_assert_int_eq(ng_setup_init(&s, &c, 0), -EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ng_setup");
    TCase *t = tcase_create("ng_setup");
    tcase_add_test(t, test_setup_accepted);
    tcase_add_test(t, test_amf_down_backoff_doubles_to_cap);
    tcase_add_test(t, test_no_answer_times_out);
    tcase_add_test(t, test_failure_time_to_wait);
    tcase_add_test(t, test_time_to_wait_values_and_bad_config);
    suite_add_tcase(s, t);
    return check_run(s);
}
