/* Unit tests for phy/seq/gold: the 38.211 5.2.1 sequence against tests/vectors/gold (8 values of c_init), a
 * plain bit-serial LFSR written here from the spec text, and the consistency of offsets and the packed and
 * streaming forms. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phy/seq/gold.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define GOLD_DIR "tests/vectors/gold"
#define GOLD_CASES 8
#define GOLD_VEC_LEN 4000

/* 38.211 5.2.1 bit by bit, the obvious way: an independent reference for lengths beyond the vectors. */
static void reference_lfsr(uint32_t c_init, uint32_t offset, uint8_t *c, size_t len)
{
    size_t total = 1600 + offset + len + 31;
    uint8_t *x1 = calloc(total, 1), *x2 = calloc(total, 1);
    x1[0] = 1;
    for (int i = 0; i < 31; i++)
        x2[i] = (uint8_t)((c_init >> i) & 1u);
    for (size_t n = 0; n + 31 < total; n++) {
        x1[n + 31] = x1[n + 3] ^ x1[n];
        x2[n + 31] = x2[n + 3] ^ x2[n + 2] ^ x2[n + 1] ^ x2[n];
    }
    for (size_t i = 0; i < len; i++)
        c[i] = x1[i + offset + 1600] ^ x2[i + offset + 1600];
    free(x1);
    free(x2);
}

START_TEST(test_gold_matches_all_reference_vectors)
{
    FILE *f = vector_manifest_open(GOLD_DIR);
    ck_assert_ptr_nonnull(f);
    char line[512];
    int rows = 0;
    uint8_t c[GOLD_VEC_LEN];
    while (fgets(line, sizeof line, f)) {
        char *fld[6];
        if (vector_tsv_split(line, fld, 6) != 6)
            continue;
        size_t size = 0;
        uint8_t *ref = vector_load_in(GOLD_DIR, fld[4], &size);
        ck_assert_ptr_nonnull(ref);
        ck_assert_uint_eq(size, GOLD_VEC_LEN);
        gold_sequence((uint32_t)strtoul(fld[1], NULL, 10), 0, c, GOLD_VEC_LEN);
        ck_assert_msg(memcmp(c, ref, GOLD_VEC_LEN) == 0, "c_init %s differs", fld[1]);
        free(ref);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, GOLD_CASES);
}
END_TEST

START_TEST(test_gold_matches_serial_lfsr_at_any_offset)
{
    static const uint32_t c_inits[] = { 0, 1, 0x5a5a5a5, 0x7fffffff, 12345678 };
    static const uint32_t offsets[] = { 0, 1, 27, 28, 29, 31, 32, 33, 864 * 7, 100003 };
    uint8_t got[777], want[777];
    for (size_t a = 0; a < sizeof c_inits / sizeof c_inits[0]; a++) {
        for (size_t b = 0; b < sizeof offsets / sizeof offsets[0]; b++) {
            reference_lfsr(c_inits[a], offsets[b], want, sizeof want);
            gold_sequence(c_inits[a], offsets[b], got, sizeof got);
            ck_assert_msg(memcmp(got, want, sizeof got) == 0, "c_init %u offset %u", c_inits[a], offsets[b]);
        }
    }
}
END_TEST

/* gold_xor_packed (64-bit windows, squared recurrences) XORs exactly the packed sequence into the words. */
START_TEST(test_gold_xor_packed_equals_packed_sequence)
{
    static const uint32_t c_inits[] = { 0, 1, 0x5a5a5a5, 0x7fffffff, 12345678, 0x4601u << 15 | 500 };
    static const uint32_t offsets[] = { 0, 1, 27, 28, 29, 31, 32, 33, 864 * 7, 100003 };
    enum { NW = 3000 };
    static uint32_t want[NW], got[NW];
    for (size_t a = 0; a < sizeof c_inits / sizeof c_inits[0]; a++)
        for (size_t b = 0; b < sizeof offsets / sizeof offsets[0]; b++) {
            size_t nw = b % 2 ? NW : 1 + b * 7;
            gold_sequence_packed(c_inits[a], offsets[b], want, 32 * nw);
            for (size_t w = 0; w < nw; w++) {
                got[w] = 0x9e3779b9u * (uint32_t)(w + 1);
                want[w] ^= got[w];
            }
            gold_xor_packed(c_inits[a], offsets[b], got, nw);
            ck_assert_msg(memcmp(got, want, nw * 4) == 0, "c_init %u offset %u", c_inits[a], offsets[b]);
        }
}
END_TEST

/* Offsets are positions in one sequence: c(offset + i) from offset o equals c(o + i) of the full sequence. */
START_TEST(test_gold_offset_is_a_shift_of_the_same_sequence)
{
    uint8_t full[600], part[500];
    gold_sequence(1786643098u, 0, full, sizeof full);
    for (uint32_t o = 0; o <= 100; o++) {
        gold_sequence(1786643098u, o, part, sizeof part);
        ck_assert_msg(memcmp(part, full + o, sizeof part) == 0, "offset %u", o);
    }
}
END_TEST

START_TEST(test_gold_packed_equals_unpacked_with_zero_tail)
{
    uint8_t c[1000];
    uint32_t w[33];
    for (size_t len = 0; len <= sizeof c; len += 37) {
        gold_sequence(500, 13, c, len);
        memset(w, 0xa5, sizeof w);
        gold_sequence_packed(500, 13, w, len);
        for (size_t i = 0; i < (len + 31) / 32 * 32; i++) {
            uint8_t bit = (uint8_t)((w[i / 32] >> (31 - i % 32)) & 1u);
            ck_assert_uint_eq(bit, i < len ? c[i] : 0);
        }
        ck_assert_uint_eq(w[(len + 31) / 32], 0xa5a5a5a5u);   /* nothing written past ceil(len/32) words */
    }
}
END_TEST

START_TEST(test_gold_streaming_continues_the_sequence)
{
    uint8_t c[32 * 50];
    gold_sequence(2147451380u, 5, c, sizeof c);
    struct gold_gen g;
    gold_gen_start(&g, 2147451380u, 5);
    for (size_t w = 0; w < 50; w++) {
        uint32_t word = gold_gen_next32(&g);
        for (size_t j = 0; j < 32; j++)
            ck_assert_uint_eq((word >> (31 - j)) & 1u, c[32 * w + j]);
    }
}
END_TEST

/* x2 has 31 cells: bit 31 of c_init is not part of the state, and distinct c_init give distinct sequences. */
START_TEST(test_gold_uses_31_bits_of_c_init)
{
    uint8_t a[256], b[256];
    gold_sequence(1007, 0, a, sizeof a);
    gold_sequence(1007u | 0x80000000u, 0, b, sizeof b);
    ck_assert_mem_eq(a, b, sizeof a);
    gold_sequence(1006, 0, b, sizeof b);
    ck_assert(memcmp(a, b, sizeof a) != 0);
}
END_TEST

static Suite *gold_suite(void)
{
    Suite *s = suite_create("gold");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_gold_matches_all_reference_vectors);
    tcase_add_test(tc, test_gold_matches_serial_lfsr_at_any_offset);
    tcase_add_test(tc, test_gold_xor_packed_equals_packed_sequence);
    tcase_add_test(tc, test_gold_offset_is_a_shift_of_the_same_sequence);
    tcase_add_test(tc, test_gold_packed_equals_unpacked_with_zero_tail);
    tcase_add_test(tc, test_gold_streaming_continues_the_sequence);
    tcase_add_test(tc, test_gold_uses_31_bits_of_c_init);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(gold_suite());
}
