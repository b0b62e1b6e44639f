/* Tests of the "uhd" radio backend that need no USRP (none exists on build machines or in CI): opening with
 * no device attached fails fast with a message naming the args, and bad parameters are refused before any
 * device search. The streaming logic it shares with "soapy" (drivers/radio_sdr.c) is tested end to end in
 * test_radio_soapy against a loopback device. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/radio.h"
#include "tests/unit/check_run.h"

static struct radio_params usrp_params(const char *args)
{
    return (struct radio_params){.args = args, .sample_rate = 23040000, .tx_freq_hz = 3.5e9, .rx_freq_hz = 3.5e9,
                                 .samples_per_slot = 23040, .clock_source = "internal", .time_source = "internal",
                                 .tx_antenna = "", .rx_antenna = "", .dl_backoff_db = 12};
}

#ifdef HAVE_UHD
/* radio_open("uhd", p); adds the seconds it took to *secs. */
static int open_timed(const struct radio_params *p, char *err, size_t errlen, double *secs)
{
    struct radio r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = radio_open(&r, "uhd", p, err, errlen);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *secs += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    ck_assert_int_eq(radio_state(&r), RADIO_STATE_CLOSED);
    return rc;
}

START_TEST(test_open_without_usrp_names_the_args_and_fails_fast)
{
    char err[256] = "";
    double secs = 0;
    /* A type restricts UHD's search to that family: B2xx looks on USB only, with no network broadcast. */
    struct radio_params p = usrp_params("type=b200");
    ck_assert_int_eq(open_timed(&p, err, sizeof err, &secs), -ENODEV);
    ck_assert_str_eq(err, "no UHD device found for args \"type=b200\"");
    ck_assert_msg(secs < 3.0, "device search took %.2f s", secs);
}
END_TEST

START_TEST(test_open_rejects_bad_clock_and_time_sources_before_searching)
{
    char err[256] = "";
    double secs = 0;
    /* "addr=" makes UHD probe the network for ~0.5 s: quick failures show that no search happened. */
    struct radio_params p = usrp_params("addr=192.0.2.1");
    p.clock_source = "rubidium";
    ck_assert_int_eq(open_timed(&p, err, sizeof err, &secs), -EINVAL);
    ck_assert_str_eq(err, "uhd: unknown clock source \"rubidium\" (allowed: internal, external, gpsdo)");
    p.clock_source = "gpsdo";
    p.time_source = "Internal";
    ck_assert_int_eq(open_timed(&p, err, sizeof err, &secs), -EINVAL);
    ck_assert_str_eq(err, "uhd: unknown time source \"Internal\" (allowed: internal, external, gpsdo)");
    ck_assert_msg(secs < 0.3, "took %.2f s", secs);
}
END_TEST

START_TEST(test_open_rejects_rates_that_break_exact_timestamps)
{
    char err[256] = "";
    double secs = 0;
    struct radio_params p = usrp_params("type=b200");
    p.sample_rate = 23040000.25;
    ck_assert_int_eq(open_timed(&p, err, sizeof err, &secs), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "whole number of Hz"));
    p.sample_rate = 0;
    ck_assert_int_eq(open_timed(&p, err, sizeof err, &secs), -EINVAL);
    p.sample_rate = 23040000;
    p.dl_backoff_db = -3; /* a gain above full scale is not a back-off */
    ck_assert_int_eq(open_timed(&p, err, sizeof err, &secs), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "dl_backoff_db"));
}
END_TEST
#else
START_TEST(test_open_says_uhd_is_compiled_out)
{
    struct radio r;
    char err[256] = "";
    struct radio_params p = usrp_params("type=b200");
    ck_assert_int_eq(radio_open(&r, "uhd", &p, err, sizeof err), -ENOTSUP);
    ck_assert_ptr_nonnull(strstr(err, "UHD"));
}
END_TEST
#endif

static Suite *radio_uhd_suite(void)
{
    Suite *s = suite_create("radio_uhd");
    TCase *tc = tcase_create("open");
#ifdef HAVE_UHD
    tcase_add_test(tc, test_open_without_usrp_names_the_args_and_fails_fast);
    tcase_add_test(tc, test_open_rejects_bad_clock_and_time_sources_before_searching);
    tcase_add_test(tc, test_open_rejects_rates_that_break_exact_timestamps);
#else
    tcase_add_test(tc, test_open_says_uhd_is_compiled_out);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(radio_uhd_suite());
}
