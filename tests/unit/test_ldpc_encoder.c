/* Unit tests for phy/fec/ldpc_tables and ldpc_encoder (38.212 5.3.2): the lifting-size table and both base
 * graphs by their spec properties, every tests/vectors/ldpc "encode" case bit-exact, H c = 0 over GF(2) for both
 * base graphs at all 51 lifting sizes (H built straight from the table entries, independently of the encoder's
 * block algorithm), partial encoding, each SIMD path (AVX2, AVX-512) equal to the portable C path on random
 * messages at every lifting size, and parameter checks. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/ldpc_encoder.h"
#include "phy/fec/ldpc_tables.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_cpu.h"

#define LDPC_DIR "tests/vectors/ldpc"
#define N_MAX (66 * LDPC_Z_MAX)
#define K_MAX (22 * LDPC_Z_MAX)

/* ---- tables ---- */

START_TEST(test_lifting_sizes_are_the_51_products_a_2j)
{
    static const int a_of_set[LDPC_NUM_SETS] = { 2, 3, 5, 7, 9, 11, 13, 15 };
    int count = 0;
    for (int z = 1; z <= 400; z++) {
        int expect = -EINVAL;
        for (int s = 0; s < LDPC_NUM_SETS; s++)
            for (int m = a_of_set[s]; m <= LDPC_Z_MAX; m *= 2)
                if (m == z)
                    expect = s;
        ck_assert_msg(ldpc_lifting_set_index(z) == expect, "Z=%d: i_LS %d, expected %d", z,
                      ldpc_lifting_set_index(z), expect);
        if (expect >= 0) {
            ck_assert_int_eq(ldpc_lifting_sizes[count], z); /* ascending, complete */
            count++;
        }
    }
    ck_assert_int_eq(count, LDPC_NUM_LIFTING_SIZES);
}
END_TEST

/* The shape 38.212 5.3.2 gives both graphs and the encoder relies on. */
static void check_graph_shape(const struct ldpc_base_graph *g, int rows, int cols, int kb, int edges)
{
    ck_assert_int_eq(g->rows, rows);
    ck_assert_int_eq(g->cols, cols);
    ck_assert_int_eq(g->kb, kb);
    ck_assert_int_eq(g->num_edges, edges);
    ck_assert_int_eq(g->row_start[0], 0);
    ck_assert_int_eq(g->row_start[rows], edges);
    for (int i = 0; i < rows; i++) {
        int e0 = g->row_start[i], e1 = g->row_start[i + 1];
        ck_assert_int_gt(e1, e0);
        for (int e = e0; e < e1; e++) {
            ck_assert_int_eq(g->edges[e].i, i);
            ck_assert_int_lt(g->edges[e].j, cols);
            if (e > e0)
                ck_assert_int_gt(g->edges[e].j, g->edges[e - 1].j);
            for (int s = 0; s < LDPC_NUM_SETS; s++)
                ck_assert_int_lt(g->edges[e].v[s], LDPC_Z_MAX);
        }
        const struct ldpc_bg_edge *last = &g->edges[e1 - 1];
        if (i >= LDPC_CORE_ROWS) { /* extension: identity at column kb + i, nothing else past kb + 3 */
            ck_assert_int_eq(last->j, kb + i);
            ck_assert_int_lt(g->edges[e1 - 2].j, kb + LDPC_CORE_ROWS);
        } else { /* core: ends at column kb + i + 1 (row 3: kb + 3), shift 0 */
            ck_assert_int_eq(last->j, kb + (i < 3 ? i + 1 : 3));
        }
        for (int s = 0; s < LDPC_NUM_SETS && i != 3; s++)
            ck_assert_int_eq(last->v[s], 0);
    }
}

START_TEST(test_base_graphs_have_the_spec_shape)
{
    ck_assert_ptr_null(ldpc_base_graph_get(0));
    ck_assert_ptr_null(ldpc_base_graph_get(3));
    check_graph_shape(ldpc_base_graph_get(1), 46, 68, 22, 316);
    check_graph_shape(ldpc_base_graph_get(2), 42, 52, 10, 197);
}
END_TEST

static int v_of(int bg, int i, int j, int i_ls)
{
    const struct ldpc_base_graph *g = ldpc_base_graph_get(bg);
    for (int e = g->row_start[i]; e < g->row_start[i + 1]; e++)
        if (g->edges[e].j == j)
            return g->edges[e].v[i_ls];
    return -1;
}

START_TEST(test_table_spot_values_from_the_spec)
{
    /* Entries read off 38.212 Tables 5.3.2-2/-3, including the core exceptions the encoder has to honour. */
    ck_assert_int_eq(v_of(1, 0, 0, 0), 250);
    ck_assert_int_eq(v_of(1, 0, 0, 6), 0);
    ck_assert_int_eq(v_of(1, 1, 22, 6), 105); /* BG1 set 6: p_0 shifted by 105 */
    ck_assert_int_eq(v_of(1, 45, 10, 7), 93);
    ck_assert_int_eq(v_of(1, 10, 8, 1), 383);
    ck_assert_int_eq(v_of(2, 0, 10, 3), 1);   /* BG2 sets 3 and 7: core column shift 1 in row 0 */
    ck_assert_int_eq(v_of(2, 3, 10, 7), 1);
    ck_assert_int_eq(v_of(2, 41, 11, 7), 230);
    ck_assert_int_eq(v_of(2, 0, 4, 0), -1);   /* no entry */
}
END_TEST

/* ---- parity check ---- */

/* Syndrome weight of codeword d (encoder output layout) for message c: H built from the table entries. */
static int syndrome_weight(int bg, int z, const uint8_t *c, const uint8_t *d)
{
    const struct ldpc_base_graph *g = ldpc_base_graph_get(bg);
    int i_ls = ldpc_lifting_set_index(z), n = ldpc_n(bg, z), weight = 0;
    static uint8_t cw[N_MAX + 2 * LDPC_Z_MAX], syn[LDPC_MAX_ROWS * LDPC_Z_MAX];
    for (int k = 0; k < 2 * z; k++)
        cw[k] = c[k] & 1;
    for (int k = 0; k < n; k++)
        cw[2 * z + k] = d[k] == LDPC_FILLER ? 0 : d[k];
    memset(syn, 0, (size_t)g->rows * z);
    for (int e = 0; e < g->num_edges; e++) {
        int i = g->edges[e].i, j = g->edges[e].j, p = g->edges[e].v[i_ls] % z;
        for (int k = 0; k < z; k++)
            syn[i * z + k] ^= cw[j * z + (k + p) % z];
    }
    for (int k = 0; k < g->rows * z; k++)
        weight += syn[k];
    return weight;
}

static void random_message(uint8_t *c, int k, int fillers)
{
    for (int i = 0; i < k; i++)
        c[i] = (uint8_t)(test_rng_next() >> 63);
    for (int i = k - fillers; i < k; i++)
        c[i] = LDPC_FILLER;
}

START_TEST(test_parity_checks_hold_for_every_lifting_size)
{
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t c[K_MAX], d[N_MAX];
    for (int bg = 1; bg <= 2; bg++) {
        for (int zi = 0; zi < LDPC_NUM_LIFTING_SIZES; zi++) {
            int z = ldpc_lifting_sizes[zi], k = ldpc_k(bg, z), n = ldpc_n(bg, z);
            for (int trial = 0; trial < 2; trial++) {
                int fillers = trial ? (int)(test_rng_next() % (uint64_t)(k / 4)) : 0;
                random_message(c, k, fillers);
                memset(d, 0xAA, (size_t)n);
                ck_assert_int_eq(ldpc_encode(&enc, bg, z, c, d), 0);
                ck_assert_msg(syndrome_weight(bg, z, c, d) == 0, "BG%d Z=%d: H c != 0", bg, z);
                for (int i = 0; i < n; i++) /* (ck_abort on a bad byte only: a passing ck_assert costs I/O) */
                    if (!(d[i] <= 1 || d[i] == LDPC_FILLER)) ck_abort_msg("BG%d Z=%d: d[%d] = %d", bg, z, i, d[i]);
                ck_assert_mem_eq(d, c + 2 * z, (size_t)(k - 2 * z)); /* systematic part, fillers kept */
                /* The check can fail: one flipped parity bit breaks it. */
                int at = k - 2 * z + (int)(test_rng_next() % (uint64_t)(n - k + 2 * z));
                d[at] ^= 1;
                ck_assert_int_gt(syndrome_weight(bg, z, c, d), 0);
            }
        }
    }
    ldpc_encoder_free(&enc);
}
END_TEST

/* ---- reference vectors ---- */

static const enum ldpc_encoder_impl all_impls[] = { LDPC_ENCODER_IMPL_AUTO, LDPC_ENCODER_IMPL_C,
                                                    LDPC_ENCODER_IMPL_AVX2, LDPC_ENCODER_IMPL_AVX512 };
#define NUM_IMPLS ((int)(sizeof all_impls / sizeof all_impls[0]))
static const char *const impl_names[] = { "auto", "C", "AVX2", "AVX-512" };

/* Inits enc with implementation impl; false (after checking -ENOTSUP) when the CPU cannot run it. AUTO must
 * resolve to the widest the CPU has (the test fails otherwise). */
static bool encoder_init_impl(struct ldpc_encoder *enc, enum ldpc_encoder_impl impl)
{
    int rc = ldpc_encoder_init(enc, &(struct ldpc_encoder_cfg){ .impl = impl });
    bool avx2 = test_cpu_has_avx2(), avx512 = test_cpu_has_avx512();
    if ((impl == LDPC_ENCODER_IMPL_AVX2 && !avx2) || (impl == LDPC_ENCODER_IMPL_AVX512 && !avx512)) {
        ck_assert_int_eq(rc, -ENOTSUP);
        fprintf(stderr, "test_ldpc_encoder: no %s on this CPU, its part skipped\n", impl_names[impl]);
        return false;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(ldpc_encoder_has_avx2(), avx2);
    ck_assert_int_eq(ldpc_encoder_has_avx512(), avx512);
    if (impl == LDPC_ENCODER_IMPL_AUTO)
        ck_assert_msg(enc->impl == (avx512 ? LDPC_ENCODER_IMPL_AVX512 : avx2 ? LDPC_ENCODER_IMPL_AVX2
                                                                             : LDPC_ENCODER_IMPL_C),
                      "AUTO resolved to %s", impl_names[enc->impl]);
    else
        ck_assert_int_eq(enc->impl, impl);
    return true;
}

START_TEST(test_encoder_matches_every_reference_case)
{
    enum ldpc_encoder_impl impl = all_impls[_i];
    FILE *mf = vector_manifest_open(LDPC_DIR);
    ck_assert_msg(mf != NULL, "cannot open " LDPC_DIR "/cases.tsv");
    struct ldpc_encoder enc;
    if (!encoder_init_impl(&enc, impl)) {
        fclose(mf);
        return;
    }
    static uint8_t d[N_MAX];
    char line[1024], *fld[14];
    int cases = 0;
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 14) < 13 || strcmp(fld[1], "encode") != 0)
            continue;
        int id = atoi(fld[0]), bg = atoi(fld[2]), z = atoi(fld[3]), k = atoi(fld[4]), n = atoi(fld[5]);
        int f = atoi(fld[6]);
        ck_assert_int_eq(k, ldpc_k(bg, z));
        ck_assert_int_eq(n, ldpc_n(bg, z));
        size_t csz = 0, dsz = 0;
        uint8_t *c = vector_load_in(LDPC_DIR, fld[11], &csz), *ref = vector_load_in(LDPC_DIR, fld[12], &dsz);
        ck_assert_msg(c && ref && csz == (size_t)k && dsz == (size_t)n, "case %d: bad files", id);
        for (int i = k - f; i < k; i++)
            ck_assert_int_eq(c[i], LDPC_FILLER);
        ck_assert_int_eq(ldpc_encode(&enc, bg, z, c, d), 0);
        int diff = 0;
        for (int i = 0; i < n; i++)
            diff += d[i] != ref[i];
        ck_assert_msg(diff == 0, "%s: case %d (BG%d Z=%d F=%d): %d of %d bits differ", impl_names[impl], id, bg, z,
                      f, diff, n);
        free(c);
        free(ref);
        cases++;
    }
    fclose(mf);
    ldpc_encoder_free(&enc);
    ck_assert_int_eq(cases, 12);
}
END_TEST

/* Each SIMD implementation gives the portable C path's codeword, byte for byte, on random messages at every
 * lifting size of both graphs, without fillers and with a random number of them, whole and partial (a random
 * prefix: the skipped extension rows must not change what is written). */
START_TEST(test_simd_paths_equal_c_at_every_lifting_size)
{
    enum ldpc_encoder_impl impl = all_impls[2 + _i];
    struct ldpc_encoder ec, ev;
    ck_assert(encoder_init_impl(&ec, LDPC_ENCODER_IMPL_C));
    if (!encoder_init_impl(&ev, impl)) {
        ldpc_encoder_free(&ec);
        return;
    }
    static uint8_t c[K_MAX], dc[N_MAX], dv[N_MAX];
    for (int bg = 1; bg <= 2; bg++)
        for (int zi = 0; zi < LDPC_NUM_LIFTING_SIZES; zi++)
            for (int trial = 0; trial < 3; trial++) {
                int z = ldpc_lifting_sizes[zi], k = ldpc_k(bg, z), n = ldpc_n(bg, z);
                random_message(c, k, trial ? (int)(test_rng_next() % (uint64_t)(k / 4)) : 0);
                int want = trial < 2 ? n : k - 2 * z + 1 + (int)(test_rng_next() % (uint64_t)(n - k + 2 * z));
                memset(dc, 0x11, (size_t)n);
                memset(dv, 0x22, (size_t)n);
                ck_assert_int_eq(ldpc_encode_partial(&ec, bg, z, c, dc, want), 0);
                ck_assert_int_eq(ldpc_encode_partial(&ev, bg, z, c, dv, want), 0);
                ck_assert_msg(memcmp(dc, dv, (size_t)want) == 0, "BG%d Z=%d (%d of %d bits): C and %s differ", bg,
                              z, want, n, impl_names[impl]);
            }
    ldpc_encoder_free(&ec);
    ldpc_encoder_free(&ev);
}
END_TEST

/* ---- API ---- */

START_TEST(test_partial_encode_writes_the_requested_prefix)
{
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t c[K_MAX], full[N_MAX], part[N_MAX];
    int bg = 1, z = 384, k = ldpc_k(bg, z), n = ldpc_n(bg, z);
    random_message(c, k, 100);
    ck_assert_int_eq(ldpc_encode(&enc, bg, z, c, full), 0);
    memset(part, 0xAA, sizeof part);
    int want = 30 * z + 7; /* into the 11th parity block */
    ck_assert_int_eq(ldpc_encode_partial(&enc, bg, z, c, part, want), 0);
    ck_assert_mem_eq(part, full, (size_t)want);
    ck_assert_int_eq(part[n - 1], 0xAA); /* the last extension rows were skipped */
    ldpc_encoder_free(&enc);
}
END_TEST

/* With every implementation, at every lifting size of both graphs: a full encode writes nothing past d[N) (a
 * guard after the buffer stays intact; the sanitizer build also sees the exact-size buffer), and a partial
 * encode to a random length gives the full codeword's prefix (the vector stores of the last block of each step
 * overlap and must stay inside that block). */
START_TEST(test_encode_stays_in_d_and_partial_is_a_prefix_at_every_lifting_size)
{
    enum ldpc_encoder_impl impl = all_impls[_i];
    struct ldpc_encoder enc;
    if (!encoder_init_impl(&enc, impl))
        return;
    enum { GUARD = 64 };
    static uint8_t c[K_MAX], full[N_MAX];
    for (int bg = 1; bg <= 2; bg++)
        for (int zi = 0; zi < LDPC_NUM_LIFTING_SIZES; zi++) {
            int z = ldpc_lifting_sizes[zi], k = ldpc_k(bg, z), n = ldpc_n(bg, z);
            random_message(c, k, (int)(test_rng_next() % (uint64_t)(k / 4)));
            uint8_t *d = malloc((size_t)n + GUARD);
            ck_assert_ptr_nonnull(d);
            memset(d, 0x5A, (size_t)n + GUARD);
            ck_assert_int_eq(ldpc_encode(&enc, bg, z, c, d), 0);
            for (int i = n; i < n + GUARD; i++)
                ck_assert_msg(d[i] == 0x5A, "%s BG%d Z=%d: byte %d past N written", impl_names[impl], bg, z, i - n);
            memcpy(full, d, (size_t)n);
            int want = k - 2 * z + 1 + (int)(test_rng_next() % (uint64_t)(n - k + 2 * z));
            memset(d, 0x5A, (size_t)n + GUARD);
            ck_assert_int_eq(ldpc_encode_partial(&enc, bg, z, c, d, want), 0);
            ck_assert_msg(memcmp(d, full, (size_t)want) == 0, "%s BG%d Z=%d: partial to %d differs", impl_names[impl],
                          bg, z, want);
            free(d);
        }
    ldpc_encoder_free(&enc);
}
END_TEST

START_TEST(test_encoder_rejects_bad_parameters)
{
    struct ldpc_encoder enc;
    struct ldpc_encoder_cfg big = { .max_z = 385 }, small = { .max_z = 64 };
    ck_assert_int_eq(ldpc_encoder_init(&enc, &big), -EINVAL);
    ck_assert_int_eq(ldpc_encoder_init(&enc, &(struct ldpc_encoder_cfg){ .impl = (enum ldpc_encoder_impl)4 }),
                     -EINVAL);
    ck_assert_int_eq(ldpc_encoder_init(&enc, &small), 0);
    static uint8_t c[K_MAX], d[N_MAX];
    ck_assert_int_eq(ldpc_encode(&enc, 1, 64, c, d), 0);
    ck_assert_int_eq(ldpc_encode(&enc, 1, 72, c, d), -EINVAL); /* above max_z */
    ck_assert_int_eq(ldpc_encode(&enc, 3, 64, c, d), -EINVAL);
    ck_assert_int_eq(ldpc_encode(&enc, 2, 17, c, d), -EINVAL); /* not a lifting size */
    ldpc_encoder_free(&enc);
}
END_TEST

static Suite *ldpc_encoder_suite(void)
{
    Suite *s = suite_create("ldpc_encoder");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_lifting_sizes_are_the_51_products_a_2j);
    tcase_add_test(tc, test_base_graphs_have_the_spec_shape);
    tcase_add_test(tc, test_table_spot_values_from_the_spec);
    tcase_add_test(tc, test_parity_checks_hold_for_every_lifting_size);
    tcase_add_loop_test(tc, test_encoder_matches_every_reference_case, 0, NUM_IMPLS);
    tcase_add_loop_test(tc, test_simd_paths_equal_c_at_every_lifting_size, 0, NUM_IMPLS - 2);
    tcase_add_test(tc, test_partial_encode_writes_the_requested_prefix);
    tcase_add_loop_test(tc, test_encode_stays_in_d_and_partial_is_a_prefix_at_every_lifting_size, 0, NUM_IMPLS);
    tcase_add_test(tc, test_encoder_rejects_bad_parameters);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ldpc_encoder_suite());
}
