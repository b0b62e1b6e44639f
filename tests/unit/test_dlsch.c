/* Unit tests for phy/ch/dlsch (38.212 7.2): all 8 tests/vectors/ldpc tb_chain cases TB -> g bit-exact, with the
 * encoded code blocks checked on the way (tb_XX_enc.bin); the receive side puts every one of the G LLRs on a
 * circular-buffer position holding the bit it was sent from, combines retransmissions, and rebuilds the TB from
 * the reference code blocks with good CRCs; LBRM and parameter checks. */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dlsch.h"
#include "phy/fec/ldpc_tables.h"
#include "tests/unit/vector_io.h"
#include "tests/unit/check_run.h"

#define LDPC_DIR "tests/vectors/ldpc"
#define G_MAX 65536
#define SOFT_MAX (8 * 66 * 384)

/* One tb_chain row with its files. */
struct chain_case {
    int id, bg, c, tbs;
    struct dlsch_cfg cfg;
    uint8_t *tb, *cb, *enc, *g;
};

static int field_int(const char *extra, const char *key)
{
    const char *p = strstr(extra, key);
    return p ? atoi(p + strlen(key)) : -1;
}

/* Loads the next tb_chain row; 1 when one was read. */
static int next_chain_case(FILE *mf, struct chain_case *cc)
{
    char line[1024], *fld[14], name[64];
    while (fgets(line, sizeof line, mf)) {
        if (vector_tsv_split(line, fld, 14) < 14 || strcmp(fld[1], "tb_chain") != 0)
            continue;
        const char *x = fld[13];
        *cc = (struct chain_case){ .id = atoi(fld[0]), .bg = atoi(fld[2]), .c = field_int(x, "C=") };
        cc->tbs = field_int(x, "TBS=");
        cc->cfg = (struct dlsch_cfg){ .tbs = cc->tbs, .r = atof(strstr(x, "R=") + 2), .qm = atoi(fld[10]),
                                      .n_layers = 1, .rv = atoi(fld[9]), .g = atoi(fld[8]) };
        int k = atoi(fld[4]), n = atoi(fld[5]);
        size_t sz[4] = { 0 };
        cc->tb = vector_load_in(LDPC_DIR, fld[11], &sz[0]);
        snprintf(name, sizeof name, "tb_%02d_cb.bin", cc->id);
        cc->cb = vector_load_in(LDPC_DIR, name, &sz[1]);
        snprintf(name, sizeof name, "tb_%02d_enc.bin", cc->id);
        cc->enc = vector_load_in(LDPC_DIR, name, &sz[2]);
        cc->g = vector_load_in(LDPC_DIR, fld[12], &sz[3]);
        ck_assert_msg(cc->tb && cc->cb && cc->enc && cc->g, "case %d: missing files", cc->id);
        ck_assert(sz[0] * 8 == (size_t)cc->tbs && sz[1] == (size_t)(cc->c * k) && sz[2] == (size_t)(cc->c * n) &&
                  sz[3] == (size_t)cc->cfg.g);
        return 1;
    }
    return 0;
}

static void free_chain_case(struct chain_case *cc)
{
    free(cc->tb);
    free(cc->cb);
    free(cc->enc);
    free(cc->g);
}

/* Runs fn on every tb_chain case; returns the count. */
static int for_each_chain_case(void (*fn)(const struct chain_case *cc))
{
    FILE *mf = vector_manifest_open(LDPC_DIR);
    ck_assert_msg(mf != NULL, "cannot open " LDPC_DIR "/cases.tsv");
    struct chain_case cc;
    int n = 0;
    while (next_chain_case(mf, &cc)) {
        fn(&cc);
        free_chain_case(&cc);
        n++;
    }
    fclose(mf);
    return n;
}

static void check_encode(const struct chain_case *cc)
{
    struct dlsch_params p;
    ck_assert_int_eq(dlsch_params_init(&p, &cc->cfg), 0);
    ck_assert_int_eq(p.seg.bg, cc->bg);
    ck_assert_int_eq(p.seg.c, cc->c);
    /* The code blocks encode to the reference circular buffers. */
    struct ldpc_encoder enc;
    ck_assert_int_eq(ldpc_encoder_init(&enc, NULL), 0);
    static uint8_t d[66 * 384];
    for (int r = 0; r < p.seg.c; r++) {
        ck_assert_int_eq(ldpc_encode(&enc, p.seg.bg, p.seg.z, cc->cb + (size_t)r * p.seg.k, d), 0);
        ck_assert_msg(memcmp(d, cc->enc + (size_t)r * p.n, (size_t)p.n) == 0, "case %d: block %d", cc->id, r);
    }
    ldpc_encoder_free(&enc);
    /* The whole chain. */
    struct dlsch x;
    ck_assert_int_eq(dlsch_init(&x, NULL), 0);
    static uint8_t g[G_MAX];
    memset(g, 0xAA, sizeof g);
    ck_assert_int_eq(dlsch_encode(&x, &cc->cfg, cc->tb, g), 0);
    int diff = 0;
    for (int i = 0; i < cc->cfg.g; i++)
        diff += g[i] != cc->g[i];
    ck_assert_msg(diff == 0, "case %d (TBS %d C %d rv %d Qm %d): %d of %d bits differ", cc->id, cc->tbs, cc->c,
                  cc->cfg.rv, cc->cfg.qm, diff, cc->cfg.g);
    ck_assert_int_eq(g[cc->cfg.g], 0xAA); /* nothing past G */
    dlsch_free(&x);
}

START_TEST(test_every_reference_tb_encodes_to_g_exactly)
{
    ck_assert_int_eq(for_each_chain_case(check_encode), 8);
}
END_TEST

static void check_receive(const struct chain_case *cc)
{
    struct dlsch_params p;
    ck_assert_int_eq(dlsch_params_init(&p, &cc->cfg), 0);
    static float llr[G_MAX], soft[SOFT_MAX];
    ck_assert_int_le(p.seg.c * p.n, SOFT_MAX);
    for (int i = 0; i < cc->cfg.g; i++)
        llr[i] = cc->g[i] ? -1.0f : 1.0f;
    ck_assert_int_eq(dlsch_rx_soft_reset(&p, soft), 0);
    for (int tx = 1; tx <= 2; tx++) { /* the same transmission twice: magnitudes double */
        ck_assert_int_eq(dlsch_rx_combine(&p, llr, soft), 0);
        double total = 0;
        for (int i = 0; i < p.seg.c * p.n; i++) {
            uint8_t bit = cc->enc[i];
            /* (ck_abort only on a mismatch: a passing ck_assert per position costs more than the test) */
            if (bit == LDPC_FILLER) {
                if (soft[i] != LDPC_LLR_FILLER) ck_abort_msg("case %d pos %d: filler LLR %g", cc->id, i, soft[i]);
                continue;
            }
            if (!(soft[i] == 0 || (soft[i] > 0) == (bit == 0)))
                ck_abort_msg("case %d pos %d: LLR against its bit", cc->id, i);
            total += fabsf(soft[i]);
        }
        ck_assert_msg(total == (double)tx * cc->cfg.g, "case %d: %g of %d LLRs placed", cc->id, total, cc->cfg.g);
    }
    /* The decoder's output would be the code blocks: the TB comes back with good CRCs. */
    static uint8_t tb[8192];
    struct segmentation_rx_result res;
    ck_assert_int_eq(dlsch_rx_tb(&p, cc->cb, tb, &res), 0);
    ck_assert(res.tb_crc_ok);
    ck_assert_int_eq(res.cb_crc_failed, 0);
    ck_assert_mem_eq(tb, cc->tb, (size_t)cc->tbs / 8);
}

START_TEST(test_receive_side_inverts_every_reference_case)
{
    ck_assert_int_eq(for_each_chain_case(check_receive), 8);
}
END_TEST

START_TEST(test_lbrm_shortens_the_buffer)
{
    /* TBS 25104 over 3 blocks (BG1, Z 384, N 25344); TBS_LBRM 30000 -> N_cb = floor(30000 / (3 x 2/3)) = 15000. */
    struct dlsch_cfg cfg = { .tbs = 25104, .r = 0.3, .qm = 1, .n_layers = 1, .rv = 0, .g = 90000 };
    struct dlsch_params p;
    ck_assert_int_eq(dlsch_params_init(&p, &cfg), 0);
    ck_assert_int_eq(p.n_cb, p.n);
    cfg.tbs_lbrm = 30000;
    ck_assert_int_eq(dlsch_params_init(&p, &cfg), 0);
    ck_assert_int_eq(p.seg.c, 3);
    ck_assert_int_eq(p.n_cb, 15000);
    /* E = 30000 > N_cb: the LBRM buffer wraps, so positions >= N_cb never receive an LLR. */
    static float llr[90000], soft[3 * 66 * 384];
    for (int i = 0; i < cfg.g; i++)
        llr[i] = 1.0f;
    ck_assert_int_eq(dlsch_rx_soft_reset(&p, soft), 0);
    ck_assert_int_eq(dlsch_rx_combine(&p, llr, soft), 0);
    for (int r = 0; r < 3; r++) {
        ck_assert(soft[r * p.n + 100] >= 2.0f);
        for (int i = p.n_cb; i < p.n; i++)
            ck_assert(soft[r * p.n + i] == 0.0f);
    }
    /* And the encoder reads the same shortened buffer: block 0's E bits (Qm 1: not interleaved) repeat with period
     * N_cb minus the fillers. */
    struct dlsch x;
    ck_assert_int_eq(dlsch_init(&x, NULL), 0);
    static uint8_t tb[25104 / 8], g[90000];
    for (int i = 0; i < 25104 / 8; i++)
        tb[i] = (uint8_t)(i * 37 + 11);
    ck_assert_int_eq(dlsch_encode(&x, &cfg, tb, g), 0);
    int period = p.n_cb - p.seg.f;
    for (int i = 0; i < 30000 - period; i++)
        ck_assert(g[i] == g[i + period]);
    dlsch_free(&x);
}
END_TEST

START_TEST(test_bad_configurations_are_rejected)
{
    struct dlsch_params p;
    const struct dlsch_cfg good = { .tbs = 1032, .r = 0.3, .qm = 2, .n_layers = 1, .rv = 0, .g = 3456 };
    ck_assert_int_eq(dlsch_params_init(&p, &good), 0);
    struct dlsch_cfg bad[7];
    for (int i = 0; i < 7; i++)
        bad[i] = good;
    bad[0].tbs = 1033;
    bad[1].r = 1.0;
    bad[2].qm = 3;
    bad[3].n_layers = 5;
    bad[4].rv = 4;
    bad[5].g = 3457;
    bad[6].tbs = 25104; /* 3 blocks */
    bad[6].g = 4;       /* but 2 symbols */
    for (int i = 0; i < 7; i++)
        ck_assert_msg(dlsch_params_init(&p, &bad[i]) == -EINVAL, "bad cfg %d accepted", i);
    /* An encoder sized for Z <= 64 refuses a TB that needs Z = 112. */
    struct dlsch x;
    struct dlsch_init_cfg small = { .max_z = 64 };
    ck_assert_int_eq(dlsch_init(&x, &small), 0);
    static uint8_t tb[129], g[3456];
    ck_assert_int_eq(dlsch_encode(&x, &good, tb, g), -EINVAL);
    dlsch_free(&x);
}
END_TEST

static Suite *dlsch_suite(void)
{
    Suite *s = suite_create("dlsch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_reference_tb_encodes_to_g_exactly);
    tcase_add_test(tc, test_receive_side_inverts_every_reference_case);
    tcase_add_test(tc, test_lbrm_shortens_the_buffer);
    tcase_add_test(tc, test_bad_configurations_are_rejected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(dlsch_suite());
}
