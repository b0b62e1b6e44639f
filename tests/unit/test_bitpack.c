/* Unit tests for phy/mod/bitpack: both implementations (C, AVX2) against a bit-by-bit reference on random
 * lengths and bit offsets (partial bytes at both ends), the AVX2 one required when the CPU has AVX2, bad input. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/mod/bitpack.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_cpu.h"

static const enum bitpack_impl impls[] = { BITPACK_IMPL_AUTO, BITPACK_IMPL_C, BITPACK_IMPL_AVX2 };
#define NIMPL (sizeof impls / sizeof impls[0])

START_TEST(test_bitpack_auto_is_avx2_when_the_cpu_has_it)
{
    ck_assert_int_eq(bitpack_has_avx2(), test_cpu_has_avx2());
    ck_assert_int_eq(bitpack_auto_impl(), test_cpu_has_avx2() ? BITPACK_IMPL_AVX2 : BITPACK_IMPL_C);
    if (!test_cpu_has_avx2())
        fprintf(stderr, "test_bitpack: no AVX2 on this CPU, AVX2 part skipped\n");
}
END_TEST

START_TEST(test_bitpack_pack_agrees_with_reference)
{
    enum { MAX = 5000 };
    static uint8_t bits[MAX], ref[MAX / 8 + 1], out[MAX / 8 + 9];
    srand(3);
    for (int trial = 0; trial < 600; trial++) {
        size_t n = trial < 300 ? (size_t)trial : (size_t)(rand() % MAX);
        for (size_t i = 0; i < n; i++)
            bits[i] = (uint8_t)(rand() % 3 == 2 ? 254 : rand() & 0xff); /* only bit 0 counts; 254 = filler */
        memset(ref, 0, sizeof ref);
        for (size_t i = 0; i < n; i++)
            ref[i / 8] |= (uint8_t)((bits[i] & 1u) << (7 - i % 8));
        for (size_t k = 0; k < NIMPL; k++) {
            memset(out, 0xa5, sizeof out);
            int rc = bitpack_pack_with(impls[k], bits, n, out);
            if (impls[k] == BITPACK_IMPL_AVX2 && !test_cpu_has_avx2()) {
                ck_assert_int_eq(rc, -ENOTSUP);
                continue;
            }
            ck_assert_int_eq(rc, 0);
            ck_assert_mem_eq(out, ref, (n + 7) / 8);
            ck_assert_uint_eq(out[(n + 7) / 8], 0xa5); /* nothing written past the last byte */
        }
        memset(out, 0xa5, sizeof out);
        bitpack_pack(bits, n, out);
        ck_assert_mem_eq(out, ref, (n + 7) / 8);
    }
}
END_TEST

START_TEST(test_bitpack_unpack_agrees_with_reference)
{
    enum { MAX = 5000 };
    static uint8_t bytes[MAX / 8 + 2], ref[MAX], out[MAX + 1];
    srand(5);
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)rand();
    for (int trial = 0; trial < 600; trial++) {
        size_t bit0 = (size_t)(rand() % 64), n = trial < 300 ? (size_t)trial : (size_t)(rand() % (MAX - 64));
        for (size_t i = 0; i < n; i++)
            ref[i] = (uint8_t)((bytes[(bit0 + i) / 8] >> (7 - (bit0 + i) % 8)) & 1u);
        for (size_t k = 0; k < NIMPL; k++) {
            memset(out, 0x77, sizeof out);
            int rc = bitpack_unpack_with(impls[k], bytes, bit0, n, out);
            if (impls[k] == BITPACK_IMPL_AVX2 && !test_cpu_has_avx2()) {
                ck_assert_int_eq(rc, -ENOTSUP);
                continue;
            }
            ck_assert_int_eq(rc, 0);
            ck_assert_mem_eq(out, ref, n);
            ck_assert_uint_eq(out[n], 0x77);
        }
        memset(out, 0x77, sizeof out);
        bitpack_unpack(bytes, bit0, n, out);
        ck_assert_mem_eq(out, ref, n);
    }
}
END_TEST

START_TEST(test_bitpack_rejects_bad_input)
{
    uint8_t b[8] = { 0 };
    ck_assert_int_eq(bitpack_pack_with((enum bitpack_impl)7, b, 8, b), -EINVAL);
    ck_assert_int_eq(bitpack_pack_with(BITPACK_IMPL_C, NULL, 8, b), -EINVAL);
    ck_assert_int_eq(bitpack_unpack_with(BITPACK_IMPL_C, b, 0, 8, NULL), -EINVAL);
    ck_assert_int_eq(bitpack_unpack_with(BITPACK_IMPL_C, NULL, 0, 0, NULL), 0);
}
END_TEST

static Suite *bitpack_suite(void)
{
    Suite *s = suite_create("bitpack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_bitpack_auto_is_avx2_when_the_cpu_has_it);
    tcase_add_test(tc, test_bitpack_pack_agrees_with_reference);
    tcase_add_test(tc, test_bitpack_unpack_agrees_with_reference);
    tcase_add_test(tc, test_bitpack_rejects_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(bitpack_suite());
}
