/* phy/ul/phy_ul: the uplink processor's own work around the receivers - the sample history that lets a PRACH
 * occasion span slots (format 0 at 30 kHz: 0.9 ms over two 0.5 ms slots), NaN slots kept out of the history,
 * OFDM demodulation of only the UL symbols, and PUSCH/PUCCH requests decoded from a slot a UE-side chain built
 * (UL-SCH + pusch_encode + pucch_f1_encode + the OFDM modulator at the UL carrier centre); UL HARQ soft buffers
 * keyed by (RNTI, HARQ process): two rvs of one TB at an SNR where neither decodes alone decode combined, and a
 * retransmission whose buffer belongs to another key is not combined; the PUSCH timing (38.211 6.4.1.1 DM-RS
 * phase slope) of a late or early slot within one sample. */
#include <check.h>
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/prach.h"
#include "phy/fec/tbs.h"
#include "phy/ofdm/ofdm.h"
#include "phy/ul/phy_ul.h"
#include "tests/unit/check_run.h"
#include "tests/unit/test_rng.h"

#define UL_F0 1747.5e6

/* Format 0 (paired index 0) at 30 kHz, 24 PRB at 11.52 Msps (slot 5760 samples), two slots of history: PHY UL,
 * the occasion of SFN 1 subframe 1 and a generator for it. Returns the samples per slot. */
static int init_prach30(struct phy_ul *u, struct prach_time_occasion *occ, struct prach_generator *gen)
{
    struct phy_ul_config c = {.pci = 7, .nof_prb = 24, .scs_khz = 30, .sample_rate_hz = 11.52e6, .f0_hz = UL_F0,
                              .prach_enabled = true, .prach_format = PRACH_FORMAT_0, .prach_ra_scs_khz = 30,
                              .prach_root_sequence_index = 1, .zero_correlation_zone_config = 1,
                              .msg1_frequency_start = 1, .msg1_fdm = 1, .nof_preambles = 64, .history_slots = 2};
    ck_assert_int_eq(phy_ul_init(u, &c), 0);
    ck_assert_int_eq(prach_time_occasions(false, 0, 30, 1, 1, occ), 1);
    ck_assert_int_eq(prach_generator_init(gen, &(struct prach_cfg){.sample_rate_hz = 11.52e6, .nof_prb = 24,
                     .scs_khz = 30, .format = PRACH_FORMAT_0, .root_sequence_index = 1, .zero_correlation_zone = 1,
                     .msg1_frequency_start = 1}), 0);
    return phy_ul_slot_samples(u);
}

/* Format 0 at 30 kHz: the preamble starts in one slot
 * and ends in the next; the request comes with the second, one slot back. */
START_TEST(prach_across_two_slots)
{
    struct phy_ul u;
    struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS];
    struct prach_generator gen;
    int spp = init_prach30(&u, occ, &gen);
    ck_assert_int_eq(spp, 5760);
    cf_t *two = calloc(2 * (size_t)spp, sizeof(cf_t));
    int n = prach_nof_samples(&gen.p, 11.52e6, &occ[0]);
    ck_assert_int_gt(n, spp);                     /* really spans both slots */
    ck_assert_int_le(n + 6, 2 * spp);
    ck_assert_int_eq(prach_generate(&gen, 42, &occ[0], two + 6), n);   /* 6 samples late */
    struct ul_slot_request req = {.slot = 23, .sfn = 1, .slot_in_frame = 3, .ul_symbols = 0x3fff, .n_prach = 1,
                                  .prach[0] = {.start_slot_offset = 1, .start_sample = 0, .ra_rnti = 15,
                                               .time = occ[0]}};
    static struct phy_ul_result res;
    ck_assert_int_eq(phy_ul_process(&u, NULL, two, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, &req, two + spp, &res), 0);
    ck_assert_int_eq(res.n_prach, 1);
    ck_assert_int_eq(res.prach[0].n_detected, 1);
    ck_assert_int_eq(res.prach[0].det[0].preamble_index, 42);
    ck_assert_float_eq_tol(res.prach[0].det[0].delay_samples, 6.0f, 1.0f);
    /* The history is a ring of slots: one silent slot more and the same two slots put the preamble's halves at
     * the ring's end and start; the occasion still sees them in time order, and a second occasion in the same
     * slot sees the same samples. */
    cf_t *silent = calloc((size_t)spp, sizeof(cf_t));
    ck_assert_int_eq(phy_ul_process(&u, NULL, silent, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, NULL, two, &res), 0);
    req.n_prach = 2;
    req.prach[1] = req.prach[0];
    ck_assert_int_eq(phy_ul_process(&u, &req, two + spp, &res), 0);
    ck_assert_int_eq(u.newest, 0);               /* the oldest slot is the ring's last */
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(res.prach[i].n_detected, 1);
        ck_assert_int_eq(res.prach[i].det[0].preamble_index, 42);
        ck_assert_float_eq_tol(res.prach[i].det[0].delay_samples, 6.0f, 1.0f);
    }
    /* Only the newest slot changed in the ring: a wrong order would put the second half first. */
    req.n_prach = 1;
    ck_assert_int_eq(phy_ul_process(&u, &req, silent, &res), 0);
    ck_assert_int_le(res.prach[0].n_detected, 1);
    if (res.prach[0].n_detected == 1) ck_assert_int_eq(res.prach[0].det[0].preamble_index, 42);
    free(silent);
    /* With the first slot lost (zeros in the history) the preamble is cut in half: under a little noise (20 dB
     * below it per sample) nothing but preamble 42 may be reported. */
    memset(two, 0, (size_t)spp * sizeof(cf_t));
    unsigned seed = 7;
    for (int i = 0; i < 2 * spp; i++) {
        float a = (float)(rand_r(&seed) % 2001 - 1000) * 3.7e-5f, b = (float)(rand_r(&seed) % 2001 - 1000) * 3.7e-5f;
        two[i] += a + I * b;
    }
    ck_assert_int_eq(phy_ul_process(&u, NULL, two, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, &req, two + spp, &res), 0);
    ck_assert_int_le(res.prach[0].n_detected, 1);
    if (res.prach[0].n_detected == 1) ck_assert_int_eq(res.prach[0].det[0].preamble_index, 42);
    prach_generator_free(&gen);
    free(two);
    phy_ul_free(&u);
}
END_TEST

/* A slot nothing asks for (no occasion ends there or reaches back to it, no PUSCH/PUCCH) is not read: a NaN in it
 * goes unseen and its samples are not kept; an occasion that reaches back into such a slot anyway (a request went
 * missing) reads zeros there, never the stale samples of an older slot, and is counted. A NULL slot is zeros. */
START_TEST(idle_slot_not_read)
{
    struct phy_ul u;
    struct prach_time_occasion occ[PRACH_MAX_TIME_OCCASIONS];
    struct prach_generator gen;
    int spp = init_prach30(&u, occ, &gen);
    cf_t *two = calloc(2 * (size_t)spp, sizeof(cf_t));
    ck_assert_int_gt(prach_generate(&gen, 42, &occ[0], two + 6), spp);
    struct ul_slot_request idle = {.slot = 22, .ul_symbols = 0x3fff},
                           first = {.slot = 22, .ul_symbols = 0x3fff, .prach_samples = true},
                           occasion = {.slot = 23, .ul_symbols = 0x3fff, .n_prach = 1,
                                       .prach[0] = {.start_slot_offset = 1, .time = occ[0]}};
    static struct phy_ul_result res;
    /* Marked as part of the occasion: kept, the preamble is found. */
    ck_assert_int_eq(phy_ul_process(&u, &first, two, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, &occasion, two + spp, &res), 0);
    ck_assert_int_eq(res.prach[0].n_detected, 1);
    ck_assert_int_eq(res.prach[0].det[0].preamble_index, 42);
    ck_assert_uint_eq(u.stats.unread, 0);
    /* Not marked: the ring slot still holds the first half from before, but the occasion must not see it. */
    ck_assert_int_eq(phy_ul_process(&u, &idle, two, &res), 0);
    ck_assert_uint_eq(u.stats.unread, 1);
    ck_assert_int_eq(phy_ul_process(&u, &occasion, two + spp, &res), 0);
    ck_assert_uint_eq(u.stats.history_missing, 1);
    for (int i = 0; i < spp; i++) ck_assert(u.window[i] == 0);
    ck_assert(memcmp(u.window + spp, two + spp, (size_t)spp * sizeof(cf_t)) == 0);
    /* A NaN in an idle slot is not looked at; in a marked slot it is. */
    two[5] = NAN;
    ck_assert_int_eq(phy_ul_process(&u, &idle, two, &res), 0);
    ck_assert(!res.bad_samples);
    ck_assert_uint_eq(u.stats.unread, 2);
    ck_assert_int_eq(phy_ul_process(&u, &first, two, &res), 0);
    ck_assert(res.bad_samples);
    two[5] = 0;
    /* NULL samples: a slot of zeros, kept as zeros without being written (the ring slots still hold older
     * samples). An occasion over such slots only is not searched (nothing to find); with a slot of samples in its
     * span it is, and reads the NULL slot as zeros. */
    ck_assert_int_eq(phy_ul_process(&u, &first, two, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, &first, NULL, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, &occasion, NULL, &res), 0);
    ck_assert_int_eq(res.n_prach, 1);
    ck_assert_int_eq(res.prach[0].n_detected, 0);
    ck_assert_uint_eq(u.stats.prach_silent, 1);
    ck_assert_int_eq(phy_ul_process(&u, &first, two, &res), 0);
    ck_assert_int_eq(phy_ul_process(&u, &occasion, NULL, &res), 0);
    ck_assert_uint_eq(u.stats.prach_silent, 1);
    ck_assert(memcmp(u.window, two, (size_t)spp * sizeof(cf_t)) == 0);
    for (int i = spp; i < 2 * spp; i++) ck_assert(u.window[i] == 0);
    ck_assert_uint_eq(u.stats.history_missing, 1);
    prach_generator_free(&gen);
    free(two);
    phy_ul_free(&u);
}
END_TEST

/* PHY UL for a 52-PRB 15 kHz FDD carrier at 11.52 Msps without PRACH. */
static void init52(struct phy_ul *u, int pci)
{
    struct phy_ul_config c = {.pci = pci, .nof_prb = 52, .scs_khz = 15, .sample_rate_hz = 11.52e6, .f0_hz = UL_F0};
    ck_assert_int_eq(phy_ul_init(u, &c), 0);
}

/* A NaN in a slot: reported, nothing decoded, and it does not poison the next occasion that reaches back. */
START_TEST(nan_slot_rejected)
{
    struct phy_ul u;
    init52(&u, 1);
    int spp = phy_ul_slot_samples(&u);
    cf_t *x = calloc((size_t)spp, sizeof(cf_t));
    x[100] = NAN;
    static struct phy_ul_result res;
    struct ul_slot_request req = {.slot = 1, .ul_symbols = 0x3fff, .prach_samples = true};
    ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
    ck_assert(res.bad_samples);
    ck_assert_uint_eq(u.stats.bad_slots, 1);
    for (int i = 0; i < u.history_slots * spp; i++) ck_assert(isfinite(crealf(u.history[i])));
    /* The word-wise check, value by value: an infinity or NaN in I or Q anywhere (the last sample too, past the
     * blocks of four) is caught; the largest finite values, denormals and -0 are not. */
    x[100] = 0;
    const struct { int at; cf_t v; bool bad; } cases[] = {
        {0, INFINITY, true}, {1, -INFINITY * I, true}, {spp - 1, NAN * I, true}, {spp - 2, -NAN, true},
        {spp - 1, FLT_MAX - FLT_MAX * I, false}, {3, FLT_MIN / 4 + FLT_TRUE_MIN * I, false}, {5, -0.0f, false}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        x[cases[k].at] = cases[k].v;
        ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
        ck_assert_msg(res.bad_samples == cases[k].bad, "case %zu", k);
        x[cases[k].at] = 0;
    }
    ck_assert_uint_eq(u.stats.bad_slots, 5);
    req.n_pusch = UL_MAX_PUSCH + 1;
    ck_assert_int_lt(phy_ul_process(&u, &req, x, &res), 0);   /* a malformed request is refused */
    free(x);
    phy_ul_free(&u);
}
END_TEST

/* A UE-side slot with a PUSCH (MCS 9, 10 PRB) and a PUCCH F1 ACK, through the OFDM modulator; a TDD request
 * that marks symbols 0..1 as not UL must still decode (the PUSCH here starts at symbol 2, type B) while energy
 * put in those symbols by "the DL" is ignored. */
START_TEST(pusch_pucch_from_a_ue_slot)
{
    const int nof_prb = 52;
    struct phy_ul u;
    struct phy_ul_config c = {.pci = 3, .nof_prb = nof_prb, .scs_khz = 15, .sample_rate_hz = 11.52e6,
                              .f0_hz = UL_F0};
    ck_assert_int_eq(phy_ul_init(&u, &c), 0);
    struct pusch_grant gr = {.rnti = 0x4601, .n_id = 3, .modulation = MODULATION_QPSK, .crb_start = 10, .nof_rb = 10,
                             .mapping = PUSCH_MAPPING_TYPE_B, .start_symbol = 2, .nof_symbols = 12, .slot = 4,
                             .dmrs = {.config_type = 1, .type_a_position = 2, .additional_position = 1,
                                      .cdm_groups_without_data = 2, .n_id = 3}};
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, 9, &row), 0);
    struct tbs_cfg t = {.n_prb = 10, .n_symb_sh = 12, .n_dmrs_prb = pusch_n_dmrs_prb(&gr), .layers = 1,
                        .qm = row.qm, .r_x1024 = row.r_x1024};
    int tbs = tbs_compute(&t), g = pusch_nof_bits(&gr);
    ck_assert_int_gt(tbs, 0);
    uint8_t *tb = malloc((size_t)tbs / 8), *cw = malloc((size_t)g);
    for (int i = 0; i < tbs / 8; i++) tb[i] = (uint8_t)(i * 37 + 5);
    struct dlsch enc;
    ck_assert_int_eq(dlsch_init(&enc, NULL), 0);
    struct dlsch_cfg dc = {.tbs = tbs, .r = row.r_x1024 / 1024, .qm = row.qm, .n_layers = 1, .g = g};
    ck_assert_int_eq(dlsch_encode(&enc, &dc, tb, cw), 0);
    struct grid gd;
    ck_assert_int_eq(grid_init(&gd, 14, 12 * nof_prb), 0);
    struct pusch_tx tx;
    ck_assert_int_eq(pusch_tx_init(&tx, nof_prb), 0);
    ck_assert_int_eq(pusch_encode(&tx, &gr, cw, (size_t)g, &gd), 0);
    struct pucch_config pc = {.res = {.format = PUCCH_FORMAT_1, .start_prb = 51, .start_symbol = 0, .nof_symbols = 14},
                              .bwp_size = nof_prb, .slot = 4, .n_id = 3, .n_id_data = 3, .n_id_dmrs = 3,
                              .rnti = 0x4601};
    uint8_t ack = 1;
    ck_assert_int_eq(pucch_f1_encode(&pc, &ack, 1, &gd), 0);
    for (int k = 0; k < 12 * nof_prb; k++) /* "DL" energy in symbols 0..1 away from the PUCCH */
        if (k < 12 * 50) grid_symbol(&gd, 0)[k] = grid_symbol(&gd, 1)[k] = 3.0f;
    struct ofdm o;
    ck_assert_int_eq(ofdm_init(&o, &(struct ofdm_config){.sample_rate_hz = 11.52e6, .scs_khz = 15,
                                                         .nof_prb = nof_prb, .f0_hz = UL_F0,
                                                         .direction = OFDM_DIRECTION_TX}), 0);
    cf_t *x = calloc(11520, sizeof(cf_t));
    ck_assert_int_eq(ofdm_modulate_slot(&o, gd.re, 0, x) >= 0, 1);
    struct ul_slot_request req = {.slot = 4, .sfn = 0, .slot_in_frame = 4, .ul_symbols = 0x3ffc, .n_pusch = 1,
                                  .pusch[0] = {.grant = gr, .tb = {.tbs = tbs, .r = row.r_x1024 / 1024,
                                                                   .new_data = true}},
                                  .n_pucch = 1, .pucch[0] = {.cfg = pc, .nof_bits = 1}};
    static struct phy_ul_result res;
    ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
    ck_assert_int_eq(res.n_pusch, 1);
    ck_assert_int_eq(res.pusch[0].rc, 0);
    ck_assert(res.pusch[0].res.crc_ok);
    ck_assert_int_eq(res.pusch[0].tb_bytes, tbs / 8);
    ck_assert_mem_eq(res.pusch[0].tb, tb, (size_t)tbs / 8);
    ck_assert_int_eq(res.n_pucch, 1);
    ck_assert_int_eq(res.pucch[0].res.verdict, PUCCH_RX_VALID);
    ck_assert_int_eq(res.pucch[0].res.bits[0], 1);
    /* The demodulated grid holds nothing in the symbols the request says are not UL. */
    for (int k = 0; k < 12 * nof_prb; k++) ck_assert(grid_symbol(&u.grid, 0)[k] == 0 && grid_symbol(&u.grid, 1)[k] == 0);
    /* Another RNTI's scrambling: the CRC fails. */
    req.pusch[0].grant.rnti = 0x4602;
    ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
    ck_assert(!res.pusch[0].res.crc_ok);
    ofdm_free(&o);
    free(x);
    pusch_tx_free(&tx);
    grid_free(&gd);
    dlsch_free(&enc);
    free(tb);
    free(cw);
    phy_ul_free(&u);
}
END_TEST

/* A UE's PUSCH slot at 15 kHz, 52 PRB, 11.52 Msps: grant gr carrying tb (rv) through UL-SCH, the PUSCH mapper and
 * the OFDM modulator; shifted by `delay` samples (late > 0; zeros enter), plus complex AWGN of variance noise_var
 * per sample (0: none). x gets 11520 samples. */
#define SLOT15 11520
static void ue_pusch_slot(const struct pusch_grant *gr, const struct pusch_tb *t, int qm, const uint8_t *tb, int rv,
                          int delay, float noise_var, cf_t *x)
{
    int g = pusch_nof_bits(gr);
    uint8_t *cw = malloc((size_t)g);
    struct dlsch enc;
    ck_assert_int_eq(dlsch_init(&enc, NULL), 0);
    struct dlsch_cfg dc = {.tbs = t->tbs, .r = t->r, .qm = qm, .n_layers = 1, .rv = rv, .g = g};
    ck_assert_int_eq(dlsch_encode(&enc, &dc, tb, cw), 0);
    struct grid gd;
    ck_assert_int_eq(grid_init(&gd, 14, 12 * 52), 0);
    struct pusch_tx tx;
    ck_assert_int_eq(pusch_tx_init(&tx, 52), 0);
    ck_assert_int_eq(pusch_encode(&tx, gr, cw, (size_t)g, &gd), 0);
    struct ofdm o;
    ck_assert_int_eq(ofdm_init(&o, &(struct ofdm_config){.sample_rate_hz = 11.52e6, .scs_khz = 15, .nof_prb = 52,
                                                         .f0_hz = UL_F0, .direction = OFDM_DIRECTION_TX}), 0);
    cf_t *y = calloc(SLOT15, sizeof(cf_t));
    ck_assert_int_eq(ofdm_modulate_slot(&o, gd.re, 0, y) >= 0, 1); /* 15 kHz: one slot per subframe */
    for (int n = 0; n < SLOT15; n++) {
        int from = n - delay;
        cf_t v = from >= 0 && from < SLOT15 ? y[from] : 0;
        if (noise_var > 0)
            v += sqrtf(noise_var / 2) * ((float)test_rng_gauss() + I * (float)test_rng_gauss());
        x[n] = v;
    }
    free(y);
    ofdm_free(&o);
    pusch_tx_free(&tx);
    grid_free(&gd);
    dlsch_free(&enc);
    free(cw);
}

static struct pusch_grant grant15(int nof_rb, enum modulation_scheme m)
{
    return (struct pusch_grant){.rnti = 0x4601, .n_id = 3, .modulation = m, .crb_start = 8, .nof_rb = nof_rb,
                                .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14, .slot = 6,
                                .dmrs = {.config_type = 1, .type_a_position = 2, .additional_position = 2,
                                         .cdm_groups_without_data = 2, .n_id = 3}};
}

static struct pusch_tb tb15(const struct pusch_grant *gr, int mcs, int *qm)
{
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, mcs, &row), 0);
    struct tbs_cfg t = {.n_prb = gr->nof_rb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(gr), .layers = 1,
                        .qm = row.qm, .r_x1024 = row.r_x1024};
    *qm = row.qm;
    return (struct pusch_tb){.tbs = tbs_compute(&t), .r = row.r_x1024 / 1024.0, .new_data = true,
                             .max_iterations = 10};
}

/* Mean signal power per sample of the slot ue_pusch_slot() builds (for an SNR per sample). */
static float slot_power(const cf_t *x)
{
    double e = 0;
    for (int n = 0; n < SLOT15; n++) e += crealf(x[n] * conjf(x[n]));
    return (float)(e / SLOT15);
}

/* Two transmissions of one TB (rv 0, then rv 2 with the same NDI) at 4.5 dB SNR per subcarrier, where each fails
 * alone (16QAM, r 0.54: alone it still failed at 7 dB and decoded at 12 dB; rv 0 + rv 2 halve the rate and add
 * 3 dB): the PHY keeps the first in the (RNTI, HARQ 3) soft buffer and the combination decodes. A retransmission
 * of another key finds no buffer of its own: decoded alone, not combined, counted in harq_lost. */
START_TEST(pusch_harq_combining)
{
    struct phy_ul u;
    init52(&u, 3);
    struct pusch_grant gr = grant15(6, MODULATION_16QAM);
    int qm;
    struct pusch_tb t = tb15(&gr, 14, &qm); /* 16QAM r 0.54 */
    uint8_t *tb = malloc((size_t)t.tbs / 8);
    test_rng_seed(77);
    for (int i = 0; i < t.tbs / 8; i++) tb[i] = (uint8_t)test_rng_next();
    cf_t *x = calloc(SLOT15, sizeof(cf_t));
    ue_pusch_slot(&gr, &t, qm, tb, 0, 0, 0, x);
    /* Noise per sample for an SNR over the allocated subcarriers: the slot's power sits in 6 of 768 bins. */
    float snr_db = 4.5f, bins = 12.0f * 6, nfft = 768;
    float noise = slot_power(x) * nfft / bins / powf(10, snr_db / 10);
    struct ul_slot_request req = {.slot = 6, .slot_in_frame = 6, .ul_symbols = 0x3fff, .n_pusch = 1,
                                  .pusch[0] = {.grant = gr, .tb = t, .harq_id = 3}};
    static struct phy_ul_result res;
    int alone_ok = 0, combined_ok = 0, trials = 6;
    for (int k = 0; k < trials; k++) {
        /* rv 0 alone, new data */
        ue_pusch_slot(&gr, &t, qm, tb, 0, 0, noise, x);
        req.pusch[0].tb.new_data = true;
        req.pusch[0].tb.rv = 0;
        ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
        ck_assert_int_eq(res.pusch[0].rc, 0);
        ck_assert(!res.pusch[0].harq_combined);
        alone_ok += res.pusch[0].res.crc_ok;
        /* rv 2 alone (another HARQ process: new data there) */
        req.pusch[0].harq_id = 4;
        req.pusch[0].tb.rv = 2;
        cf_t *x2 = calloc(SLOT15, sizeof(cf_t));
        ue_pusch_slot(&gr, &t, qm, tb, 2, 0, noise, x2);
        ck_assert_int_eq(phy_ul_process(&u, &req, x2, &res), 0);
        alone_ok += res.pusch[0].res.crc_ok;
        /* rv 2 as the retransmission of HARQ 3: combined with the rv 0 above */
        req.pusch[0].harq_id = 3;
        req.pusch[0].tb.new_data = false;
        ck_assert_int_eq(phy_ul_process(&u, &req, x2, &res), 0);
        ck_assert(res.pusch[0].harq_combined);
        combined_ok += res.pusch[0].res.crc_ok;
        if (res.pusch[0].res.crc_ok) ck_assert_mem_eq(res.pusch[0].tb, tb, (size_t)t.tbs / 8);
        free(x2);
    }
    ck_assert_int_eq(alone_ok, 0);
    ck_assert_int_eq(combined_ok, trials);
    ck_assert_uint_eq(u.stats.harq_retx, (uint64_t)trials);
    ck_assert_uint_eq(u.stats.harq_lost, 0);
    /* A retransmission for an RNTI the PHY holds nothing of: not combined, counted. */
    req.pusch[0].grant.rnti = 0x4602;
    ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
    ck_assert(!res.pusch[0].harq_combined);
    ck_assert_uint_eq(u.stats.harq_lost, 1);
    /* A new epoch forgets the buffers: HARQ 3 of 0x4601 is gone too. */
    phy_ul_reset(&u);
    req.pusch[0].grant.rnti = 0x4601;
    ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
    ck_assert(!res.pusch[0].harq_combined);
    free(x);
    free(tb);
    phy_ul_free(&u);
}
END_TEST

/* A PUSCH arriving d samples late (d < 0: early) is reported with ta_samples within one sample of d, which is what
 * the MAC turns into Timing Advance Commands (one step is 16 64 Tc = 6 samples at 11.52 Msps, 15 kHz). */
START_TEST(pusch_timing_offset)
{
    struct phy_ul u;
    init52(&u, 3);
    struct pusch_grant gr = grant15(10, MODULATION_QPSK);
    int qm;
    struct pusch_tb t = tb15(&gr, 4, &qm);
    uint8_t *tb = calloc((size_t)t.tbs / 8, 1);
    for (int i = 0; i < t.tbs / 8; i++) tb[i] = (uint8_t)(i * 13 + 1);
    cf_t *x = calloc(SLOT15, sizeof(cf_t));
    struct ul_slot_request req = {.slot = 6, .slot_in_frame = 6, .ul_symbols = 0x3fff, .n_pusch = 1,
                                  .pusch[0] = {.grant = gr, .tb = t}};
    static struct phy_ul_result res;
    static const int delays[] = {-4, -2, -1, 0, 1, 3, 6, 9};
    test_rng_seed(5);
    for (size_t k = 0; k < sizeof delays / sizeof delays[0]; k++) {
        ue_pusch_slot(&gr, &t, qm, tb, 0, delays[k], 1e-4f, x);
        ck_assert_int_eq(phy_ul_process(&u, &req, x, &res), 0);
        ck_assert_msg(res.pusch[0].res.crc_ok, "delay %d: CRC", delays[k]);
        ck_assert_msg(fabsf(res.pusch[0].res.ta_samples - (float)delays[k]) <= 1.0f, "delay %d: measured %.2f",
                      delays[k], (double)res.pusch[0].res.ta_samples);
    }
    free(x);
    free(tb);
    phy_ul_free(&u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("phy_ul");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, prach_across_two_slots);
    tcase_add_test(tc, idle_slot_not_read);
    tcase_add_test(tc, nan_slot_rejected);
    tcase_add_test(tc, pusch_pucch_from_a_ue_slot);
    tcase_add_test(tc, pusch_harq_combining);
    tcase_add_test(tc, pusch_timing_offset);
    suite_add_tcase(s, tc);
    return check_run(s);
}
