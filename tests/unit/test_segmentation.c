/* Unit tests for phy/fec/segmentation (38.212 7.2.1, 7.2.2, 5.2.2): base graph selection at its thresholds,
 * hand-computed segmentations at the edges (TBS 24, the 3824/3840 CRC16/CRC24A boundary, the BG1 and BG2 K_cb
 * limits, C > 1 with BG2's K_cb = 3840, a TBS that does not split evenly), the tests/vectors/ldpc tb_chain
 * parameters and code blocks, and the receive side: de-segmentation returns the TB and flags corrupted code
 * blocks and TBs through CB CRC24B and TB CRC. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/crc.h"
#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/segmentation.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define LDPC_DIR "tests/vectors/ldpc"
#define TB_BYTES_MAX 16384
#define CBS_MAX (20 * 22 * 384)

START_TEST(test_base_graph_selection_thresholds)
{
    ck_assert_int_eq(segmentation_select_bg(292, 0.95), 2);  /* A <= 292 */
    ck_assert_int_eq(segmentation_select_bg(296, 0.95), 1);
    ck_assert_int_eq(segmentation_select_bg(3824, 0.67), 2); /* A <= 3824 and R <= 0.67 */
    ck_assert_int_eq(segmentation_select_bg(3824, 0.68), 1);
    ck_assert_int_eq(segmentation_select_bg(3840, 0.5), 1);
    ck_assert_int_eq(segmentation_select_bg(100000, 0.25), 2); /* R <= 0.25 */
    ck_assert_int_eq(segmentation_select_bg(100000, 0.26), 1);
}
END_TEST

struct seg_expect {
    int tbs, bg, l_tb, c, k_prime, z, k, f;
};

START_TEST(test_segmentation_edge_cases_by_hand)
{
    static const struct seg_expect cases[] = {
        /* TBS 24: B = 40, one block, K_b = 6 -> Z >= 40/6 -> 7, K = 70. */
        { 24, 2, 16, 1, 40, 7, 70, 30 },
        /* The largest CRC16 TB: B = 3840 fits BG2's K_cb exactly (K_b 10, Z 384, no fillers); BG1 needs Z 176. */
        { 3824, 2, 16, 1, 3840, 384, 3840, 0 },
        { 3824, 1, 16, 1, 3840, 176, 3872, 32 },
        /* One step up takes CRC24A: B = 3864 splits on BG2 (C = ceil(3864 / 3816) = 2, K' = 1956), not on BG1. */
        { 3840, 2, 24, 2, 1956, 208, 2080, 124 },
        { 3840, 1, 24, 1, 3864, 176, 3872, 8 },
        /* BG1 K_cb: B = 8448 is one block, B = 8480 two (K' = (8480 + 48) / 2). */
        { 8424, 1, 24, 1, 8448, 384, 8448, 0 },
        { 8456, 1, 24, 2, 4264, 208, 4576, 312 },
        /* C > 1 on BG2 (K_cb 3840): B = 8472 -> C = 3, K' = 2848, Z = 288. */
        { 8448, 2, 24, 3, 2848, 288, 2880, 32 },
        /* Small BG2 blocks: K_b 8 for 192 < B <= 560, 9 for 560 < B <= 640. */
        { 504, 2, 16, 1, 520, 72, 720, 200 },
        { 600, 2, 16, 1, 616, 72, 720, 104 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct seg_expect *x = &cases[i];
        struct segmentation s;
        ck_assert_int_eq(segmentation_compute(&s, x->tbs, x->bg), 0);
        ck_assert_msg(s.l_tb == x->l_tb && s.c == x->c && s.k_prime == x->k_prime && s.z == x->z && s.k == x->k &&
                          s.f == x->f,
                      "TBS %d BG%d: L %d C %d K' %d Z %d K %d F %d", x->tbs, x->bg, s.l_tb, s.c, s.k_prime, s.z, s.k,
                      s.f);
        ck_assert_int_eq(s.l_cb, s.c > 1 ? 24 : 0);
        ck_assert_int_eq(s.b, x->tbs + x->l_tb);
    }
}
END_TEST

START_TEST(test_segmentation_rejects_what_has_no_segmentation)
{
    struct segmentation s;
    ck_assert_int_eq(segmentation_compute(&s, 0, 1), -EINVAL);
    ck_assert_int_eq(segmentation_compute(&s, 100, 1), -EINVAL); /* not whole bytes */
    ck_assert_int_eq(segmentation_compute(&s, 1024, 3), -EINVAL);
    /* B = 16856 needs C = 3 on BG1 and 16856 + 72 is not a multiple of 3: no legal TBS does this. */
    ck_assert_int_eq(segmentation_compute(&s, 16832, 1), -EINVAL);
    ck_assert_int_eq(segmentation_compute(&s, 16848 - 24, 1), 0); /* B = 16848 = 2 x 8424: C = 2 */
    ck_assert_int_eq(s.c, 2);
}
END_TEST

/* Value of key in a "k=v;k=v" manifest field, or -1. */
static double extra_value(const char *extra, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = extra; p && *p; p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL)
        if (strncmp(p, key, n) == 0 && p[n] == '=')
            return atof(p + n + 1);
    return -1;
}

START_TEST(test_reference_transport_blocks_segment_exactly)
{
    FILE *mf = vector_manifest_open(LDPC_DIR);
    ck_assert_msg(mf != NULL, "cannot open " LDPC_DIR "/cases.tsv");
    static uint8_t cb[22 * 384], tb_back[TB_BYTES_MAX];
    char line[1024], *fld[14];
    int cases = 0;
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 14) < 14 || strcmp(fld[1], "tb_chain") != 0)
            continue;
        int id = atoi(fld[0]), tbs = (int)extra_value(fld[13], "TBS");
        struct segmentation s;
        int bg = segmentation_select_bg(tbs, extra_value(fld[13], "R"));
        ck_assert_int_eq(bg, atoi(fld[2]));
        ck_assert_int_eq(segmentation_compute(&s, tbs, bg), 0);
        ck_assert_int_eq(s.l_tb, (int)extra_value(fld[13], "L_TB"));
        ck_assert_int_eq(s.c, (int)extra_value(fld[13], "C"));
        ck_assert_int_eq(s.k_prime, (int)extra_value(fld[13], "Kprime"));
        ck_assert_int_eq(s.z, atoi(fld[3]));
        ck_assert_int_eq(s.k, atoi(fld[4]));
        ck_assert_int_eq(s.f, atoi(fld[6]));
        char cb_name[64];
        snprintf(cb_name, sizeof cb_name, "tb_%02d_cb.bin", id);
        size_t tsz = 0, csz = 0;
        uint8_t *tb = vector_load_in(LDPC_DIR, fld[11], &tsz), *ref = vector_load_in(LDPC_DIR, cb_name, &csz);
        ck_assert_msg(tb && ref && tsz * 8 == (size_t)tbs && csz == (size_t)(s.c * s.k), "case %d: files", id);
        uint32_t crc = segmentation_tb_crc(&s, tb);
        for (int r = 0; r < s.c; r++) {
            ck_assert_int_eq(segmentation_cb(&s, tb, crc, r, cb), 0);
            ck_assert_msg(memcmp(cb, ref + (size_t)r * s.k, (size_t)s.k) == 0, "case %d: code block %d differs", id, r);
            ck_assert(segmentation_cb_crc_ok(&s, cb));
        }
        struct segmentation_rx_result res;
        ck_assert_int_eq(segmentation_desegment(&s, ref, tb_back, &res), 0);
        ck_assert(res.tb_crc_ok);
        ck_assert_int_eq(res.cb_crc_failed, 0);
        ck_assert_mem_eq(tb_back, tb, tsz);
        free(tb);
        free(ref);
        cases++;
    }
    fclose(mf);
    ck_assert_int_eq(cases, 8);
}
END_TEST

static int segment_all(const struct segmentation *s, const uint8_t *tb, uint8_t *cbs)
{
    uint32_t crc = segmentation_tb_crc(s, tb);
    for (int r = 0; r < s->c; r++)
        ck_assert_int_eq(segmentation_cb(s, tb, crc, r, cbs + (size_t)r * s->k), 0);
    return s->c;
}

START_TEST(test_round_trip_and_crc_rejection)
{
    static uint8_t tb[TB_BYTES_MAX], back[TB_BYTES_MAX], cbs[CBS_MAX], bits[TB_BYTES_MAX * 8];
    for (int trial = 0; trial < 60; trial++) {
        int tbs = 8 * (3 + (int)(test_rng_next() % 12000)), bg = 1 + trial % 2;
        struct segmentation s;
        if (segmentation_compute(&s, tbs, bg) != 0)
            continue; /* a size that does not split evenly */
        for (int i = 0; i < tbs / 8; i++)
            tb[i] = (uint8_t)test_rng_next();
        /* The TB CRC equals the bit-wise CRC of the unpacked TB. */
        for (int i = 0; i < tbs; i++)
            bits[i] = (tb[i / 8] >> (7 - i % 8)) & 1;
        ck_assert_uint_eq(segmentation_tb_crc(&s, tb), crc_compute(s.l_tb == 24 ? CRC_24A : CRC_16, bits, (size_t)tbs));
        segment_all(&s, tb, cbs);
        for (int r = 0; r < s.c; r++)
            for (int i = s.k_prime; i < s.k; i++)
                ck_assert_int_eq(cbs[(size_t)r * s.k + i], LDPC_FILLER);
        struct segmentation_rx_result res;
        ck_assert_int_eq(segmentation_desegment(&s, cbs, back, &res), 0);
        ck_assert(res.tb_crc_ok && res.cb_crc_failed == 0);
        ck_assert_mem_eq(back, tb, (size_t)tbs / 8);
        /* One flipped bit in one block: that block's CRC24B fails (C > 1), and the TB CRC fails. */
        int r = (int)(test_rng_next() % (uint64_t)s.c), at = (int)(test_rng_next() % (uint64_t)s.k_prime);
        cbs[(size_t)r * s.k + at] ^= 1;
        ck_assert_int_eq(segmentation_desegment(&s, cbs, back, &res), 0);
        ck_assert(!res.tb_crc_ok);
        ck_assert_int_eq(res.cb_crc_failed, s.c > 1 ? 1 : 0);
        ck_assert(segmentation_cb_crc_ok(&s, cbs + (size_t)r * s.k) == (s.c == 1));
    }
}
END_TEST

static Suite *segmentation_suite(void)
{
    Suite *s = suite_create("segmentation");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_base_graph_selection_thresholds);
    tcase_add_test(tc, test_segmentation_edge_cases_by_hand);
    tcase_add_test(tc, test_segmentation_rejects_what_has_no_segmentation);
    tcase_add_test(tc, test_reference_transport_blocks_segment_exactly);
    tcase_add_test(tc, test_round_trip_and_crc_rejection);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(segmentation_suite());
}
