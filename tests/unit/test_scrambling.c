/* Unit tests for phy/mod/scrambling: PBCH (38.211 7.3.3.1) and PDSCH (7.3.1.1) scrambling against the
 * reference bits of tests/vectors/ssb and tests/vectors/pdsch, the per-channel c_init formulas, and LLR
 * descrambling as the exact inverse on soft values. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define PBCH_E 864

START_TEST(test_pbch_scrambling_matches_every_ssb_case)
{
    FILE *f = vector_manifest_open("tests/vectors/ssb");
    ck_assert_ptr_nonnull(f);
    struct vector_ssb_case c;
    int rows = 0;
    uint8_t out[PBCH_E];
    while (vector_ssb_next(f, &c)) {
        uint8_t *fb = vector_load_case("tests/vectors/ssb", "ssb", c.id, "f864", PBCH_E);
        uint8_t *bb = vector_load_case("tests/vectors/ssb", "ssb", c.id, "b864", PBCH_E);
        ck_assert(fb && bb);
        /* 38.211 7.3.3.1: nu = 2 LSBs of the SSB index for L_max = 4, else 3 LSBs; offset nu * M_bit. */
        unsigned nu = (unsigned)c.ssb_idx & (c.l_max == 4 ? 3u : 7u);
        scrambling_bits(fb, out, PBCH_E, (uint32_t)c.pci, nu * PBCH_E);
        ck_assert_msg(memcmp(out, bb, PBCH_E) == 0, "ssb case %d", c.id);
        free(fb);
        free(bb);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, 8);
}
END_TEST

/* c_init from the helper equals the manifest's for all 7 PDSCH cases; where the bits are copied, scrambling cw
 * gives scr, and descrambling the LLRs of scr gives cw back by sign. */
START_TEST(test_pdsch_scrambling_matches_the_reference_bits)
{
    FILE *f = vector_manifest_open("tests/vectors/pdsch");
    ck_assert_ptr_nonnull(f);
    struct vector_pdsch_case c;
    int rows = 0, with_bits = 0;
    while (vector_pdsch_next(f, &c)) {
        rows++;
        ck_assert_uint_eq(scrambling_c_init_pdsch((uint16_t)c.rnti, 0, (uint16_t)c.n_id), c.c_init);
        uint8_t *cw = vector_load_case("tests/vectors/pdsch", "pdsch", c.id, "cw", (size_t)c.g);
        uint8_t *scr = vector_load_case("tests/vectors/pdsch", "pdsch", c.id, "scr", (size_t)c.g);
        if (cw && scr) {
            uint8_t *out = malloc((size_t)c.g);
            float *llr = malloc((size_t)c.g * sizeof *llr);
            scrambling_bits(cw, out, (size_t)c.g, c.c_init, 0);
            ck_assert_msg(memcmp(out, scr, (size_t)c.g) == 0, "pdsch case %d", c.id);
            for (int i = 0; i < c.g; i++)
                llr[i] = scr[i] ? -(float)(i % 7 + 1) : (float)(i % 7 + 1);
            scrambling_llr(llr, (size_t)c.g, c.c_init, 0);
            for (int i = 0; i < c.g; i++) {
                ck_assert_int_eq(llr[i] < 0, cw[i]);
                ck_assert_float_eq(fabsf(llr[i]), (float)(i % 7 + 1));
            }
            free(out);
            free(llr);
            with_bits++;
        }
        free(cw);
        free(scr);
    }
    fclose(f);
    ck_assert_int_eq(rows, 7);
    ck_assert_int_eq(with_bits, 7); /* every case's cw and scr files are in tests/vectors/pdsch */
}
END_TEST

/* Hand-computed from the 38.211 formulas. */
START_TEST(test_c_init_formulas)
{
    /* 7.3.1.1: 0x4602 * 2^15 + 1 * 2^14 + 333 */
    ck_assert_uint_eq(scrambling_c_init_pdsch(0x4602, 1, 333), 17922u * 32768 + 16384 + 333);
    /* 6.3.1.1: TC-RNTI 0x4601, n_ID 500 -> 587235828 (pusch/ vectors' c_init) */
    ck_assert_uint_eq(scrambling_c_init_pusch(0x4601, 500), 587235828u);
    /* 7.3.2.3: 0x4601 * 2^16 + 1000 fits in 31 bits; 0xBEEF * 2^16 + 5 wraps mod 2^31 */
    ck_assert_uint_eq(scrambling_c_init_pdcch(0x4601, 1000), 0x46010000u + 1000);
    ck_assert_uint_eq(scrambling_c_init_pdcch(0xBEEF, 5), 0x3EEF0005u);
    ck_assert_uint_eq(scrambling_c_init_pdcch(0, 500), 500);
}
END_TEST

/* Scrambling is an XOR with c: in place works, applying it twice is the identity, and offset o continues the
 * sequence of offset 0 at position o. */
START_TEST(test_scrambling_is_an_involution_and_offsets_continue)
{
    enum { N = 1000 };
    uint8_t in[N], buf[N], shifted[N], c[N];
    for (int i = 0; i < N; i++)
        in[i] = (uint8_t)((i * 7 + i / 3) & 1);
    memcpy(buf, in, N);
    scrambling_bits(buf, buf, N, 12345, 77);
    gold_sequence(12345, 77, c, N);
    for (int i = 0; i < N; i++)
        ck_assert_uint_eq(buf[i], in[i] ^ c[i]);
    scrambling_bits(buf, buf, N, 12345, 77);
    ck_assert_mem_eq(buf, in, N);
    scrambling_bits(in, buf, N, 999, 0);
    scrambling_bits(in + 100, shifted, N - 100, 999, 100);
    ck_assert_mem_eq(shifted, buf + 100, N - 100);
}
END_TEST

/* Descrambling only flips signs: zeros and infinities survive with their magnitude. */
START_TEST(test_llr_descrambling_flips_signs_only)
{
    enum { N = 100 };
    float llr[N];
    uint8_t c[N];
    for (int i = 0; i < N; i++)
        llr[i] = i == 0 ? INFINITY : (float)i - 50.0f;
    gold_sequence(42, 3, c, N);
    scrambling_llr(llr, N, 42, 3);
    for (int i = 0; i < N; i++) {
        float orig = i == 0 ? INFINITY : (float)i - 50.0f;
        ck_assert(llr[i] == (c[i] ? -orig : orig));
    }
}
END_TEST

static Suite *scrambling_suite(void)
{
    Suite *s = suite_create("scrambling");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_pbch_scrambling_matches_every_ssb_case);
    tcase_add_test(tc, test_pdsch_scrambling_matches_the_reference_bits);
    tcase_add_test(tc, test_c_init_formulas);
    tcase_add_test(tc, test_scrambling_is_an_involution_and_offsets_continue);
    tcase_add_test(tc, test_llr_descrambling_flips_signs_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(scrambling_suite());
}
