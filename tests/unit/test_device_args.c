/* Tests of drivers/device_args.c: srsRAN device_args strings, "key=value,key=value". */
#include <check.h>
#include <string.h>

#include "drivers/device_args.h"
#include "tests/unit/check_run.h"

static const char *const zmq_keys[] = {"tx_port", "rx_port", "base_srate", "id", NULL};

START_TEST(test_get_returns_each_value_whole)
{
    const char *args = "tx_port=tcp://*:2000,rx_port=tcp://localhost:2001,id=ue,base_srate=23.04e6";
    char v[64];
    ck_assert_int_eq(device_args_get(args, "tx_port", v, sizeof v), 12);
    ck_assert_str_eq(v, "tcp://*:2000");
    ck_assert_int_eq(device_args_get(args, "rx_port", v, sizeof v), 20);
    ck_assert_str_eq(v, "tcp://localhost:2001");
    ck_assert_int_eq(device_args_get(args, "id", v, sizeof v), 2);
    ck_assert_str_eq(v, "ue");
    ck_assert_int_eq(device_args_get(args, "base_srate", v, sizeof v), 7);
    ck_assert_str_eq(v, "23.04e6");
}
END_TEST

/* A key matches only whole: "port" is not "tx_port", "tx_port" is not "tx_port0". */
START_TEST(test_get_matches_whole_keys_only)
{
    char v[64];
    ck_assert_int_eq(device_args_get("tx_port0=a,tx_port=b", "tx_port", v, sizeof v), 1);
    ck_assert_str_eq(v, "b");
    ck_assert_int_eq(device_args_get("tx_port=b", "port", v, sizeof v), -1);
    ck_assert_int_eq(device_args_get("tx_port=b", "tx_port0", v, sizeof v), -1);
    ck_assert_int_eq(device_args_get("tx_port=b", "TX_PORT", v, sizeof v), -1);
}
END_TEST

START_TEST(test_get_absent_empty_and_too_long)
{
    char v[8];
    ck_assert_int_eq(device_args_get("a=1", "b", v, sizeof v), -1);
    ck_assert_int_eq(device_args_get(NULL, "b", v, sizeof v), -1);
    ck_assert_int_eq(device_args_get("", "b", v, sizeof v), -1);
    ck_assert_int_eq(device_args_get("b=,c=1", "b", v, sizeof v), 0);
    ck_assert_str_eq(v, "");
    ck_assert_int_eq(device_args_get("b=1234567", "b", v, sizeof v), 7); /* 7 chars + NUL fit in 8 */
    ck_assert_str_eq(v, "1234567");
    ck_assert_int_eq(device_args_get("b=12345678", "b", v, sizeof v), -2);
    ck_assert_int_eq(device_args_get("b", "b", v, sizeof v), -1); /* no '=': not a key=value token */
}
END_TEST

/* Spaces around tokens, keys and values are not part of them; a value may itself contain '='. */
START_TEST(test_get_ignores_spaces_around_keys_and_values)
{
    char v[64];
    ck_assert_int_eq(device_args_get(" a = 1 , b=2 ", "a", v, sizeof v), 1);
    ck_assert_str_eq(v, "1");
    ck_assert_int_eq(device_args_get(" a = 1 , b=2 ", "b", v, sizeof v), 1);
    ck_assert_str_eq(v, "2");
    ck_assert_int_eq(device_args_get("opt=x=y", "opt", v, sizeof v), 3);
    ck_assert_str_eq(v, "x=y");
    ck_assert_int_eq(device_args_get(",,a=1,,", "a", v, sizeof v), 1);
}
END_TEST

START_TEST(test_get_double_parses_numbers_and_refuses_the_rest)
{
    double d = -1;
    ck_assert_int_eq(device_args_get_double("base_srate=11.52e6", "base_srate", &d), 0);
    ck_assert(d == 11.52e6);
    ck_assert_int_eq(device_args_get_double("t=100", "t", &d), 0);
    ck_assert(d == 100);
    ck_assert_int_eq(device_args_get_double("t = -2.5 ", "t", &d), 0);
    ck_assert(d == -2.5);
    d = 7;
    ck_assert_int_eq(device_args_get_double("t=abc", "t", &d), -2);
    ck_assert_int_eq(device_args_get_double("t=12x", "t", &d), -2);
    ck_assert_int_eq(device_args_get_double("t=", "t", &d), -2);
    ck_assert_int_eq(device_args_get_double("u=1", "t", &d), -1);
    ck_assert(d == 7); /* untouched on failure */
}
END_TEST

START_TEST(test_check_accepts_known_keys_and_names_the_first_bad_token)
{
    char bad[64] = "";
    ck_assert(device_args_check("tx_port=a,rx_port=b,id=x", zmq_keys, bad, sizeof bad));
    ck_assert(device_args_check("", zmq_keys, bad, sizeof bad));
    ck_assert(device_args_check(NULL, zmq_keys, bad, sizeof bad));
    ck_assert(device_args_check(" , ,", zmq_keys, bad, sizeof bad));
    ck_assert(!device_args_check("tx_port=a,tx_gain=3,foo=1", zmq_keys, bad, sizeof bad));
    ck_assert_str_eq(bad, "tx_gain=3");
    ck_assert(!device_args_check("tx_port=a,rx_port", zmq_keys, bad, sizeof bad)); /* no '=' */
    ck_assert_str_eq(bad, "rx_port");
    ck_assert(!device_args_check("=1", zmq_keys, bad, sizeof bad));
    ck_assert_str_eq(bad, "=1");
    char small[4];
    ck_assert(!device_args_check("unknown=1", zmq_keys, small, sizeof small));
    ck_assert_str_eq(small, "unk"); /* truncated, still terminated */
}
END_TEST

/* A key given twice would make one of its values silently do nothing: refused, naming the repeat. */
START_TEST(test_check_refuses_a_repeated_key)
{
    char bad[64] = "";
    ck_assert(!device_args_check("tx_port=a,rx_port=b,tx_port=c", zmq_keys, bad, sizeof bad));
    ck_assert_ptr_nonnull(strstr(bad, "tx_port=c"));
    ck_assert_ptr_nonnull(strstr(bad, "repeated"));
    ck_assert(device_args_check("tx_port=a,rx_port=b", zmq_keys, bad, sizeof bad));
}
END_TEST

static Suite *device_args_suite(void)
{
    Suite *s = suite_create("device_args");
    TCase *tc = tcase_create("device_args");
    tcase_add_test(tc, test_get_returns_each_value_whole);
    tcase_add_test(tc, test_get_matches_whole_keys_only);
    tcase_add_test(tc, test_get_absent_empty_and_too_long);
    tcase_add_test(tc, test_get_ignores_spaces_around_keys_and_values);
    tcase_add_test(tc, test_get_double_parses_numbers_and_refuses_the_rest);
    tcase_add_test(tc, test_check_accepts_known_keys_and_names_the_first_bad_token);
    tcase_add_test(tc, test_check_refuses_a_repeated_key);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(device_args_suite());
}
