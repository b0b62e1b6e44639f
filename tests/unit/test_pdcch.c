/* Unit tests for phy/ch/pdcch: every tests/vectors/pdcch case through the transmit chain bit-exact (dci -> c ->
 * f -> b) and RE-exact (the whole 14 x 624 grid within 1e-4), the CCE-to-REG mapping and candidate positions
 * against the manifest, blind decoding of every vector grid (with decoy RNTIs, and with SS#0's candidates for
 * the SI-RNTI cases), rejection of wrong RNTIs and empty grids, two PDCCHs in one CORESET, non-interleaved and
 * offset CORESETs, AWGN decoding, the USS hashing and CORESET parameter checks. */
#include <check.h>
#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/pdcch.h"
#include "phy/grid/grid.h"
#include "phy/mod/scrambling.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_pdcch.h"
#include "tests/unit/check_run.h"

#define NOF_PRB 52
#define GRID_SC (12 * NOF_PRB)
#define GRID_RES (GRID_SYMBOLS_PER_SLOT * GRID_SC)
#define NOF_CASES 9

/* One manifest row with all its files. */
struct pdcch_case {
    struct vector_pdcch_case vc;
    uint8_t *dci, *c, *f, *b;
    cf_t *grid;
    struct pdcch_coreset cs;
};

static struct pdcch_rx rx;

static void rx_setup(void) { ck_assert_int_eq(pdcch_rx_init(&rx, NULL), 0); }
static void rx_teardown(void) { pdcch_rx_free(&rx); }

static void *load(int id, const char *kind, size_t size)
{
    void *buf = vector_load_case(VECTOR_PDCCH_DIR, "pdcch", id, kind, size);
    ck_assert_msg(buf != NULL, "case %d: %s missing or not %zu bytes", id, kind, size);
    return buf;
}

/* Calls fn on every case; returns how many. */
static int for_each_case(void (*fn)(const struct pdcch_case *pc))
{
    FILE *mf = vector_manifest_open(VECTOR_PDCCH_DIR);
    ck_assert_msg(mf != NULL, "cannot open " VECTOR_PDCCH_DIR "/cases.tsv");
    struct pdcch_case pc;
    int rows = 0;
    while (vector_pdcch_next(mf, &pc.vc)) {
        const struct vector_pdcch_case *v = &pc.vc;
        pc.dci = load(v->id, "dci", (size_t)v->a);
        pc.c = load(v->id, "c", (size_t)v->k);
        pc.f = load(v->id, "f", (size_t)v->e);
        pc.b = load(v->id, "b", (size_t)v->e);
        pc.grid = load(v->id, "grid", GRID_RES * sizeof(cf_t));
        /* Every case is CORESET#0 at symbol 0 (vector README). */
        ck_assert_int_eq(pdcch_coreset0(&pc.cs, v->coreset_rb_start, v->coreset_nof_rb, v->coreset_nof_symb, 0,
                                        (uint16_t)v->pci), 0);
        fn(&pc);
        free(pc.dci); free(pc.c); free(pc.f); free(pc.b); free(pc.grid);
        rows++;
    }
    fclose(mf);
    return rows;
}

static void assert_bits_eq(const uint8_t *got, const uint8_t *want, int n, int id, const char *what)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "case %d %s: bit %d is %d, want %d", id, what, i, got[i], want[i]);
}

static void check_bits(const struct pdcch_case *pc)
{
    const struct vector_pdcch_case *v = &pc->vc;
    uint8_t c[PDCCH_MAX_PAYLOAD + PDCCH_CRC_BITS], f[PDCCH_MAX_E];
    ck_assert_int_eq(pdcch_crc_attach(pc->dci, v->a, (uint16_t)v->rnti, c), v->k);
    assert_bits_eq(c, pc->c, v->k, v->id, "c");
    ck_assert_int_eq(v->e, PDCCH_E_PER_CCE * v->al);
    ck_assert_int_eq(pdcch_channel_encode(c, v->k, v->e, f), 0);
    assert_bits_eq(f, pc->f, v->e, v->id, "f");
    /* common search space: n_RNTI = 0, n_ID = PCI */
    ck_assert_uint_eq(scrambling_c_init_pdcch(0, (uint16_t)v->pci), v->c_init_data);
    scrambling_bits(f, f, (size_t)v->e, v->c_init_data, 0);
    assert_bits_eq(f, pc->b, v->e, v->id, "b");
}

START_TEST(test_bit_chain_matches_every_vector)
{
    ck_assert_int_eq(for_each_case(check_bits), NOF_CASES);
}
END_TEST

static void check_mapping(const struct pdcch_case *pc)
{
    const struct vector_pdcch_case *v = &pc->vc;
    uint8_t used[PDCCH_MAX_RB];
    int n = pdcch_cce_rbs(&pc->cs, v->ncce, v->al, used);
    ck_assert_int_eq(n, v->nof_cce_rbs);
    for (int i = 0, j = 0; i < pc->cs.nof_rb; i++)
        if (used[i]) {
            ck_assert_msg(v->coreset_rb_start + i == v->cce_rbs[j], "case %d: RB %d, want %d", v->id,
                          v->coreset_rb_start + i, v->cce_rbs[j]);
            j++;
        }
    /* srsRAN's candidate list: floor(N_CCE / AL) candidates per AL, Y = 0 */
    int first[PDCCH_MAX_CANDIDATES], nof_cce = pdcch_nof_cce(&pc->cs);
    int m = nof_cce / v->al < PDCCH_MAX_CANDIDATES ? nof_cce / v->al : PDCCH_MAX_CANDIDATES;
    ck_assert_int_eq(pdcch_candidates(nof_cce, v->al, m, 0, 0, first), m);
    ck_assert_msg(v->candidate < m && first[v->candidate] == v->ncce, "case %d: candidate %d at CCE %d, want %d",
                  v->id, v->candidate, first[v->candidate], v->ncce);
}

START_TEST(test_cce_rbs_and_candidates_match_every_vector)
{
    ck_assert_int_eq(for_each_case(check_mapping), NOF_CASES);
}
END_TEST

static struct pdcch_msg msg_of(const struct pdcch_case *pc)
{
    const struct vector_pdcch_case *v = &pc->vc;
    return (struct pdcch_msg){ .dci = pc->dci, .dci_len = v->a, .rnti = (uint16_t)v->rnti, .al = v->al,
                               .first_cce = v->ncce, .n_id = (uint16_t)v->pci, .n_rnti = 0 };
}

static void check_grid(const struct pdcch_case *pc)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    struct pdcch_msg msg = msg_of(pc);
    ck_assert_int_eq(pdcch_encode(&pc->cs, pc->vc.slot, &msg, &g), 0);
    int nonzero = vector_grid_expect(g.re, pc->grid, GRID_RES, GRID_SC, pc->vc.id);
    ck_assert_int_eq(nonzero, 12 * PDCCH_CCE_REGS * pc->vc.al); /* 9 data + 3 DM-RS REs per REG */
    grid_free(&g);
}

START_TEST(test_grid_matches_every_vector)
{
    ck_assert_int_eq(for_each_case(check_grid), NOF_CASES);
}
END_TEST

/* A grid holding the vector's REs. */
static struct grid vector_grid(const struct pdcch_case *pc)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    memcpy(g.re, pc->grid, GRID_RES * sizeof(cf_t));
    return g;
}

static struct pdcch_search search_all(const struct pdcch_case *pc, const uint16_t *rntis, int n)
{
    struct pdcch_search ss = { .slot = pc->vc.slot, .n_id = (uint16_t)pc->vc.pci, .dci_len = pc->vc.a,
                               .rntis = rntis, .nof_rntis = n };
    int nof_cce = pdcch_nof_cce(&pc->cs);
    for (int ai = 0; ai < PDCCH_NUM_AL; ai++) {
        int m = nof_cce >> ai;
        ss.nof_candidates[ai] = m < PDCCH_MAX_CANDIDATES ? m : PDCCH_MAX_CANDIDATES;
    }
    return ss;
}

static void check_blind(const struct pdcch_case *pc)
{
    const struct vector_pdcch_case *v = &pc->vc;
    struct grid g = vector_grid(pc);
    uint16_t rntis[3] = { 0x1111, (uint16_t)(v->rnti ^ 1), (uint16_t)v->rnti }; /* decoys first */
    struct pdcch_search ss = search_all(pc, rntis, 3);
    struct pdcch_rx_result res[PDCCH_MAX_RESULTS];
    int n = pdcch_rx_search(&rx, &g, &pc->cs, &ss, res, PDCCH_MAX_RESULTS);
    ck_assert_msg(n == 1, "case %d: %d DCIs found", v->id, n);
    ck_assert_int_eq(res[0].rnti, v->rnti);
    ck_assert_int_eq(res[0].al, v->al);
    ck_assert_int_eq(res[0].first_cce, v->ncce);
    ck_assert_int_eq(res[0].dci_len, v->a);
    assert_bits_eq(res[0].dci, pc->dci, v->a, v->id, "decoded dci");
    ck_assert_msg(res[0].dmrs_corr > 0.99f && res[0].noise_var < 1e-6f, "case %d: corr %g noise %g", v->id,
                  res[0].dmrs_corr, res[0].noise_var);

    if (strcmp(v->rnti_type, "SI") == 0) { /* SS#0, 38.213 Table 10.1-1: AL 4, 8, 16 with 4, 2, 1 candidates */
        struct pdcch_search ss0 = ss;
        int cand[PDCCH_NUM_AL] = { 0, 0, 4, 2, 1 };
        memcpy(ss0.nof_candidates, cand, sizeof cand);
        ck_assert_int_eq(pdcch_rx_search(&rx, &g, &pc->cs, &ss0, res, 1), 1);
        ck_assert_int_eq(res[0].first_cce, v->ncce);
    }
    /* Only wrong RNTIs: nothing. */
    ss.nof_rntis = 2;
    ck_assert_int_eq(pdcch_rx_search(&rx, &g, &pc->cs, &ss, res, PDCCH_MAX_RESULTS), 0);
    grid_free(&g);
}

START_TEST(test_blind_decode_every_vector)
{
    ck_assert_int_eq(for_each_case(check_blind), NOF_CASES);
}
END_TEST

START_TEST(test_empty_grid_gives_nothing)
{
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    struct pdcch_coreset cs;
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 48, 1, 0, 500), 0);
    uint16_t si = 0xFFFF;
    struct pdcch_search ss = { .slot = 0, .n_id = 500, .dci_len = 39, .rntis = &si, .nof_rntis = 1,
                               .nof_candidates = { 8, 4, 2, 1, 0 } };
    struct pdcch_rx_result res[2];
    ck_assert_int_eq(pdcch_rx_search(&rx, &g, &cs, &ss, res, 2), 0);
    grid_free(&g);
}
END_TEST

static void random_bits(uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(test_rng_next() >> 63);
}

/* Two DCIs on disjoint CCEs of a non-interleaved 2-symbol CORESET at CRB 6, symbol 1, DM-RS from CRB 0 with its
 * own N_ID, UE-specific scrambling: both found, each with its RNTI, AL and CCE. */
START_TEST(test_two_pdcch_non_interleaved_offset_coreset)
{
    struct pdcch_coreset cs = { .crb_start = 6, .nof_rb = 36, .nof_symbols = 2, .start_symbol = 1,
                                .interleaved = false, .reg_bundle_size = 6, .dmrs_ref_crb = 0,
                                .dmrs_n_id = 777 };
    ck_assert_int_eq(pdcch_coreset_check(&cs), 0);
    ck_assert_int_eq(pdcch_nof_cce(&cs), 12);
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    uint8_t dci_a[41], dci_b[41];
    random_bits(dci_a, 41);
    random_bits(dci_b, 41);
    uint16_t rntis[2] = { 0x4601, 0x4602 };
    struct pdcch_msg a = { .dci = dci_a, .dci_len = 41, .rnti = rntis[0], .al = 4, .first_cce = 4, .n_id = 777,
                           .n_rnti = rntis[0] };
    struct pdcch_msg b = a;
    b.dci = dci_b;
    b.rnti = rntis[1];
    b.n_rnti = rntis[1];
    b.al = 2;
    b.first_cce = 10;
    ck_assert_int_eq(pdcch_encode(&cs, 7, &a, &g), 0);
    ck_assert_int_eq(pdcch_encode(&cs, 7, &b, &g), 0);
    /* non-interleaved: CCE j is RBs 3j .. 3j + 2 of the CORESET in both symbols */
    for (int rb = 0; rb < 52; rb++) {
        bool want = (rb >= 6 + 12 && rb < 6 + 24) || (rb >= 6 + 30 && rb < 6 + 36);
        ck_assert_msg((grid_symbol(&g, 1)[12 * rb] != 0) == want, "RB %d", rb);
        ck_assert_msg((grid_symbol(&g, 2)[12 * rb] != 0) == want, "RB %d", rb);
    }
    for (int i = 0; i < 2; i++) {
        struct pdcch_search ss = { .slot = 7, .n_id = 777, .n_rnti = rntis[i], .dci_len = 41, .rntis = rntis,
                                   .nof_rntis = 2, .nof_candidates = { 0, 6, 3, 0, 0 } };
        struct pdcch_rx_result res[4];
        ck_assert_int_eq(pdcch_rx_search(&rx, &g, &cs, &ss, res, 4), 1); /* the other one's scrambling differs */
        ck_assert_int_eq(res[0].rnti, rntis[i]);
        ck_assert_int_eq(res[0].al, i ? 2 : 4);
        ck_assert_int_eq(res[0].first_cce, i ? 10 : 4);
        assert_bits_eq(res[0].dci, i ? dci_b : dci_a, 41, i, "dci");
    }
    grid_free(&g);
}
END_TEST

/* Complex AWGN of variance nv on every RE. */
static void add_noise(struct grid *g, float nv)
{
    float s = sqrtf(nv / 2);
    for (int i = 0; i < g->nof_symbols * g->nof_subcarriers; i++)
        g->re[i] += s * (float)test_rng_gauss() + s * (float)test_rng_gauss() * I;
}

/* SIB1-like DCIs at AL 4 and 8 through AWGN at an SNR per RE of 0 dB (AL 8) and 3 dB (AL 4), with a random phase:
 * nearly all decode, the mean noise estimate is within 10 %, and no decode returns wrong bits. */
START_TEST(test_awgn_decoding)
{
    struct pdcch_coreset cs;
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 48, 1, 0, 123), 0);
    struct grid g;
    ck_assert_int_eq(grid_init(&g, GRID_SYMBOLS_PER_SLOT, GRID_SC), 0);
    uint16_t si = 0xFFFF;
    static const struct { int al; float snr_db; } runs[] = { { 8, 0.0f }, { 4, 3.0f } };
    for (int r = 0; r < 2; r++) {
        float nv = powf(10.0f, -runs[r].snr_db / 10);
        int ok = 0, trials = 100;
        double ratio = 0;
        for (int t = 0; t < trials; t++) {
            uint8_t dci[39];
            random_bits(dci, 39);
            grid_clear(&g);
            struct pdcch_msg m = { .dci = dci, .dci_len = 39, .rnti = si, .al = runs[r].al,
                                   .first_cce = (t % (8 / runs[r].al)) * runs[r].al, .n_id = 123 };
            ck_assert_int_eq(pdcch_encode(&cs, t % 10, &m, &g), 0);
            float ph = (float)(6.283185307179586 * test_rng_uniform());
            for (int i = 0; i < GRID_SC; i++)
                g.re[i] *= cexpf(I * ph);
            add_noise(&g, nv);
            struct pdcch_search ss = { .slot = t % 10, .n_id = 123, .dci_len = 39, .rntis = &si, .nof_rntis = 1,
                                       .nof_candidates = { 0, 0, 4, 2, 1 } };
            struct pdcch_rx_result res;
            int n = pdcch_rx_search(&rx, &g, &cs, &ss, &res, 1);
            if (n == 1) {
                assert_bits_eq(res.dci, dci, 39, t, "awgn dci");
                ratio += res.noise_var / nv;
                ok++;
            }
        }
        ck_assert_msg(ok >= 95, "AL %d at %.0f dB: %d/%d decoded", runs[r].al, runs[r].snr_db, ok, trials);
        ck_assert_msg(fabs(ratio / ok - 1) < 0.1, "mean noise estimate %g of the true value", ratio / ok);
    }
    grid_free(&g);
}
END_TEST

START_TEST(test_uss_hashing)
{
    /* 38.213 10.1: Y_p,-1 = n_RNTI, Y_p,n = A_p Y_p,n-1 mod 65537, A_p = 39827 / 39829 / 39839 for p mod 3. */
    ck_assert_uint_eq(pdcch_uss_y(1, 0, 0), 39827u);
    ck_assert_uint_eq(pdcch_uss_y(1, 1, 0), 39829u);
    ck_assert_uint_eq(pdcch_uss_y(1, 5, 0), 39839u);
    ck_assert_uint_eq(pdcch_uss_y(1, 3, 1), (uint32_t)((39827ull * 39827ull) % 65537ull));
    ck_assert_uint_eq(pdcch_uss_y(0x4601, 1, 2), (uint32_t)(39829ull * ((39829ull * ((39829ull * 0x4601) % 65537)) % 65537) % 65537));
    /* With Y = 5, 16 CCEs, AL 2, 4 candidates: 2 ((5 + floor(m 16 / 8)) mod 8) = 10, 14, 2, 6 */
    int first[PDCCH_MAX_CANDIDATES];
    ck_assert_int_eq(pdcch_candidates(16, 2, 4, 5, 0, first), 4);
    ck_assert_int_eq(first[0], 10);
    ck_assert_int_eq(first[1], 14);
    ck_assert_int_eq(first[2], 2);
    ck_assert_int_eq(first[3], 6);
    ck_assert_int_eq(pdcch_candidates(8, 16, 1, 0, 0, first), 0); /* AL 16 does not fit 8 CCEs */
    ck_assert_int_eq(pdcch_candidates(8, 3, 1, 0, 0, first), -EINVAL);
    ck_assert_int_eq(pdcch_candidates(8, 4, PDCCH_MAX_CANDIDATES + 1, 0, 0, first), -EINVAL);
}
END_TEST

START_TEST(test_bad_parameters_rejected)
{
    struct pdcch_coreset cs;
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 47, 1, 0, 1), -EINVAL);  /* not a multiple of 6 */
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 48, 4, 0, 1), -EINVAL);  /* 4 symbols */
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 48, 3, 12, 1), -EINVAL); /* past the slot */
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 6, 1, 0, 1), -EINVAL);   /* 6 REGs: not a multiple of L R = 12 */
    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 24, 2, 0, 1), 0);
    cs.reg_bundle_size = 3; /* L must be N_symb (2) or 6 */
    ck_assert_int_eq(pdcch_coreset_check(&cs), -EINVAL);
    cs.reg_bundle_size = 2;
    ck_assert_int_eq(pdcch_coreset_check(&cs), 0);
    cs.interleaver_size = 4;
    ck_assert_int_eq(pdcch_coreset_check(&cs), -EINVAL);

    ck_assert_int_eq(pdcch_coreset0(&cs, 0, 48, 1, 0, 1), 0);
    uint8_t used[PDCCH_MAX_RB], dci[39] = { 0 }, c[200];
    ck_assert_int_eq(pdcch_cce_rbs(&cs, 6, 4, used), -EINVAL); /* CCEs 6..9 of 8 */
    ck_assert_int_eq(pdcch_cce_rbs(&cs, 0, 3, used), -EINVAL);
    ck_assert_int_eq(pdcch_crc_attach(dci, 0, 1, c), -EINVAL);
    ck_assert_int_eq(pdcch_crc_attach(dci, PDCCH_MAX_PAYLOAD + 1, 1, c), -EINVAL);
    ck_assert_int_eq(pdcch_crc_attach(dci, 5, 1, c), PDCCH_MIN_PAYLOAD + PDCCH_CRC_BITS); /* padded to 12 */
    for (int i = 5; i < 12; i++)
        ck_assert_int_eq(c[i], 0);

    struct grid small;
    ck_assert_int_eq(grid_init(&small, GRID_SYMBOLS_PER_SLOT, 12 * 40), 0); /* the CORESET needs 48 RBs */
    struct pdcch_msg m = { .dci = dci, .dci_len = 39, .rnti = 1, .al = 4, .first_cce = 0, .n_id = 1 };
    ck_assert_int_eq(pdcch_encode(&cs, 0, &m, &small), -EINVAL);
    grid_free(&small);
}
END_TEST

static Suite *pdcch_suite(void)
{
    Suite *s = suite_create("pdcch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, rx_setup, rx_teardown);
    tcase_add_test(tc, test_bit_chain_matches_every_vector);
    tcase_add_test(tc, test_cce_rbs_and_candidates_match_every_vector);
    tcase_add_test(tc, test_grid_matches_every_vector);
    tcase_add_test(tc, test_blind_decode_every_vector);
    tcase_add_test(tc, test_empty_grid_gives_nothing);
    tcase_add_test(tc, test_two_pdcch_non_interleaved_offset_coreset);
    tcase_add_test(tc, test_awgn_decoding);
    tcase_add_test(tc, test_uss_hashing);
    tcase_add_test(tc, test_bad_parameters_rejected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(pdcch_suite());
}
