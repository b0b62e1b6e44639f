/* Unit tests for phy/fec/crc: 38.212 5.1 CRCs against the reference vectors in tests/vectors/crc (all 66
 * cases), the byte-wise (packed) path against the bit-wise one, and error detection. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/crc.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_cpu.h"

#define CRC_DIR "tests/vectors/crc"
#define CRC_CASES 66

static const enum crc_type all_types[] = { CRC_24A, CRC_24B, CRC_24C, CRC_16, CRC_11, CRC_6 };
#define NUM_TYPES (sizeof all_types / sizeof all_types[0])

static enum crc_type type_from_name(const char *s)
{
    static const char *names[] = { "24A", "24B", "24C", "16", "11", "6" };
    for (size_t i = 0; i < NUM_TYPES; i++)
        if (strcmp(s, names[i]) == 0)
            return all_types[i];
    ck_abort_msg("unknown crc_type %s", s);
    return CRC_24A;
}

static void pack_bits(const uint8_t *bits, size_t n, uint8_t *bytes)
{
    memset(bytes, 0, (n + 7) / 8);
    for (size_t i = 0; i < n; i++)
        bytes[i / 8] |= (uint8_t)((bits[i] & 1u) << (7 - i % 8));
}

/* Runs check_case(type, L, msg, A, expected crc, cw) on every manifest row; returns the number of rows. */
typedef void (*crc_case_fn)(enum crc_type t, int l, const uint8_t *msg, size_t a, uint32_t crc, const uint8_t *cw);

static int for_each_case(crc_case_fn check_case)
{
    FILE *f = vector_manifest_open(CRC_DIR);
    ck_assert_msg(f != NULL, "cannot open " CRC_DIR "/cases.tsv");
    char line[1024];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *fld[8];
        if (vector_tsv_split(line, fld, 8) != 8)
            continue;
        size_t a = strtoul(fld[4], NULL, 10), msg_size = 0, cw_size = 0;
        int l = atoi(fld[3]);
        uint8_t *msg = vector_load_in(CRC_DIR, fld[6], &msg_size);
        uint8_t *cw = vector_load_in(CRC_DIR, fld[7], &cw_size);
        ck_assert_msg(msg && cw, "case %s: missing files", fld[0]);
        ck_assert_uint_eq(msg_size, a);
        ck_assert_uint_eq(cw_size, a + (size_t)l);
        check_case(type_from_name(fld[1]), l, msg, a, (uint32_t)strtoul(fld[5], NULL, 16), cw);
        free(msg);
        free(cw);
        rows++;
    }
    fclose(f);
    return rows;
}

static void check_bitwise(enum crc_type t, int l, const uint8_t *msg, size_t a, uint32_t crc, const uint8_t *cw)
{
    ck_assert_int_eq(crc_length(t), l);
    ck_assert_uint_eq(crc_compute(t, msg, a), crc);
    uint8_t *buf = malloc(a + (size_t)l);
    memcpy(buf, msg, a);
    ck_assert_uint_eq(crc_attach(t, buf, a), a + (size_t)l);
    ck_assert_mem_eq(buf, cw, a + (size_t)l);
    /* A codeword is divisible by the generator: its own CRC is zero. */
    ck_assert_uint_eq(crc_compute(t, cw, a + (size_t)l), 0);
    free(buf);
}

static void check_packed(enum crc_type t, int l, const uint8_t *msg, size_t a, uint32_t crc, const uint8_t *cw)
{
    (void)l;
    (void)cw;
    uint8_t *bytes = malloc((a + 7) / 8);
    pack_bits(msg, a, bytes);
    ck_assert_uint_eq(crc_compute_packed(t, bytes, a), crc);
    free(bytes);
}

START_TEST(test_crc_bitwise_matches_all_reference_vectors)
{
    ck_assert_int_eq(for_each_case(check_bitwise), CRC_CASES);
}
END_TEST

START_TEST(test_crc_packed_matches_all_reference_vectors)
{
    ck_assert_int_eq(for_each_case(check_packed), CRC_CASES);
}
END_TEST

/* Every byte-table entry is exercised: a one-byte message through the table equals the bit-wise division. */
START_TEST(test_crc_byte_tables_agree_with_bitwise_division)
{
    for (size_t ti = 0; ti < NUM_TYPES; ti++) {
        for (unsigned v = 0; v < 256; v++) {
            uint8_t byte = (uint8_t)v, bits[8];
            for (int k = 0; k < 8; k++)
                bits[k] = (uint8_t)((v >> (7 - k)) & 1u);
            ck_assert_uint_eq(crc_compute_packed(all_types[ti], &byte, 8), crc_compute(all_types[ti], bits, 8));
        }
    }
}
END_TEST

/* Random messages of every length 0..300 bits (partial trailing bytes included): packed == bit-wise. */
START_TEST(test_crc_packed_agrees_with_bitwise_for_all_lengths)
{
    uint8_t bits[300], bytes[38];
    srand(7);
    for (size_t n = 0; n <= sizeof bits; n++) {
        for (size_t i = 0; i < n; i++)
            bits[i] = (uint8_t)(rand() & 1);
        pack_bits(bits, n, bytes);
        for (size_t ti = 0; ti < NUM_TYPES; ti++)
            ck_assert_uint_eq(crc_compute_packed(all_types[ti], bytes, n), crc_compute(all_types[ti], bits, n));
    }
}
END_TEST

static const enum crc_impl all_impls[] = { CRC_IMPL_AUTO, CRC_IMPL_BITWISE, CRC_IMPL_TABLE, CRC_IMPL_PCLMUL };

/* Every implementation against the bit-wise reference (crc_compute on unpacked bits) on random messages of random
 * bit lengths up to a large TB (most not a multiple of 8, many around the 16/64-byte folding boundaries), and the
 * CRC appended to the message leaves a zero remainder in each. */
START_TEST(test_crc_every_impl_agrees_with_bitwise_on_random_lengths)
{
    enum { MAX_BITS = 40000 };
    uint8_t *bits = malloc(MAX_BITS + 24), *bytes = malloc(MAX_BITS / 8 + 4);
    ck_assert(bits && bytes);
    bool pclmul = test_cpu_has_pclmul();
    ck_assert_int_eq(crc_has_pclmul(), pclmul);
    ck_assert_int_eq(crc_packed_impl(), pclmul ? CRC_IMPL_PCLMUL : CRC_IMPL_TABLE);
    if (!pclmul)
        fprintf(stderr, "test_crc: no PCLMULQDQ on this CPU, PCLMUL part skipped\n");
    srand(13);
    for (int trial = 0; trial < 400; trial++) {
        size_t n = trial < 200 ? (size_t)(rand() % 1200) : (size_t)(rand() % MAX_BITS);
        if (trial % 50 == 0)
            n = MAX_BITS - (size_t)(trial / 50);
        for (size_t i = 0; i < n; i++)
            bits[i] = (uint8_t)(rand() & 1);
        pack_bits(bits, n, bytes);
        for (size_t ti = 0; ti < NUM_TYPES; ti++) {
            enum crc_type t = all_types[ti];
            uint32_t ref = crc_compute(t, bits, n);
            ck_assert_uint_eq(crc_compute_packed(t, bytes, n), ref);
            for (size_t ii = 0; ii < sizeof all_impls / sizeof all_impls[0]; ii++) {
                uint32_t crc = 0xdeadbeefu;
                int rc = crc_compute_packed_with(all_impls[ii], t, bytes, n, &crc);
                if (all_impls[ii] == CRC_IMPL_PCLMUL && !pclmul) {
                    ck_assert_int_eq(rc, -ENOTSUP);
                    continue;
                }
                ck_assert_int_eq(rc, 0);
                ck_assert_msg(crc == ref, "impl %d type %zu n %zu: %06x != %06x", all_impls[ii], ti, n, crc, ref);
            }
            if (n % 8 == 0 && ti < 3) {
                /* message + CRC (whole bytes for L = 24) divides: zero remainder on the fast path too */
                size_t m = crc_attach(t, bits, n);
                pack_bits(bits, m, bytes);
                ck_assert_uint_eq(crc_compute_packed(t, bytes, m), 0);
            }
        }
    }
    uint32_t crc;
    ck_assert_int_eq(crc_compute_packed_with((enum crc_impl)9, CRC_24A, bytes, 8, &crc), -EINVAL);
    ck_assert_int_eq(crc_compute_packed_with(CRC_IMPL_TABLE, (enum crc_type)9, bytes, 8, &crc), -EINVAL);
    ck_assert_int_eq(crc_compute_packed_with(CRC_IMPL_TABLE, CRC_24A, bytes, 8, NULL), -EINVAL);
    free(bits);
    free(bytes);
}
END_TEST

/* Any single bit error and any burst of up to L bits in a codeword leaves a non-zero remainder. */
START_TEST(test_crc_detects_single_errors_and_short_bursts)
{
    enum { A = 120 };
    uint8_t cw[A + 24];
    srand(11);
    for (size_t ti = 0; ti < NUM_TYPES; ti++) {
        enum crc_type t = all_types[ti];
        int l = crc_length(t);
        for (int i = 0; i < A; i++)
            cw[i] = (uint8_t)(rand() & 1);
        size_t n = crc_attach(t, cw, A);
        for (size_t start = 0; start < n; start++) {
            for (int len = 1; len <= l && start + (size_t)len <= n; len++) {
                /* Burst: first and last bit flipped, inner bits flipped by a pattern. */
                for (int k = 0; k < len; k++)
                    cw[start + (size_t)k] ^= (uint8_t)(k == 0 || k == len - 1 || (k & 1));
                ck_assert_uint_ne(crc_compute(t, cw, n), 0);
                for (int k = 0; k < len; k++)
                    cw[start + (size_t)k] ^= (uint8_t)(k == 0 || k == len - 1 || (k & 1));
            }
        }
        ck_assert_uint_eq(crc_compute(t, cw, n), 0);
    }
}
END_TEST

START_TEST(test_crc_rejects_unknown_type)
{
    uint8_t bits[4] = { 1, 0, 1, 1 };
    ck_assert_int_eq(crc_length((enum crc_type)99), -EINVAL);
    ck_assert_uint_eq(crc_compute((enum crc_type)99, bits, 4), 0);
    ck_assert_uint_eq(crc_attach((enum crc_type)-1, bits, 2), 2);
    ck_assert_uint_eq(bits[2], 1);
}
END_TEST

static Suite *crc_suite(void)
{
    Suite *s = suite_create("crc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_crc_bitwise_matches_all_reference_vectors);
    tcase_add_test(tc, test_crc_packed_matches_all_reference_vectors);
    tcase_add_test(tc, test_crc_byte_tables_agree_with_bitwise_division);
    tcase_add_test(tc, test_crc_packed_agrees_with_bitwise_for_all_lengths);
    tcase_add_test(tc, test_crc_every_impl_agrees_with_bitwise_on_random_lengths);
    tcase_add_test(tc, test_crc_detects_single_errors_and_short_bursts);
    tcase_add_test(tc, test_crc_rejects_unknown_type);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(crc_suite());
}
