/* End-to-end test of the SIB1 slot: the MAC's plan (mac/sched_sib1) and common scheduler (mac/sched_common) make
 * the requests, phy/dl/phy_dl turns them into baseband samples, and a UE made of the receive functions that exist
 * takes them back - OFDM demodulation with the 38.211 5.4 phase term, blind PDCCH search for SI-RNTI in SS#0 of
 * CORESET#0 (what the MIB gives), DCI 1_0 unpacking, the PDSCH grant as a UE derives it (RIV from CORESET#0,
 * default table A, DCI 1_0 DM-RS), PDSCH channel estimation and demodulation. The LLR hard decisions must equal
 * the DL-SCH codeword of the padded SIB1, which this test encodes itself with the same DL-SCH encoder
 * (phy/ch/dlsch) the PHY uses: the comparison checks what comes after channel coding (scrambling, modulation, RE
 * mapping, DM-RS, OFDM, the slot's requests), not the encoder, which test_dlsch checks against the reference
 * vectors. The UE side reads the DCI with gnbd's own tables (pdsch_tdra_default_a, cell_geometry); those are checked
 * row by row against the 3GPP text in test_spec_tables. The SSB of slot 0 must still decode. Negative controls show each comparison can fail. Cells: 25/52/106 PRB, several
 * PCIs and searchSpaceZero rows; one with the SIB1 gnbd builds from a configuration (gnb/broadcast). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/broadcast.h"
#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "mac/sched_common.h"
#include "phy/dl/phy_dl.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/check_run.h"

/* A stand-in SIB1 for the cells below (random bytes of a realistic size); the real one is in the config case. */
#define TEST_SIB1_PAYLOAD_LEN 78

struct cell_case {
    int bw_mhz, coreset0, ss0, pci;
};

static const struct cell_case cases[] = {
    {5, 0, 0, 500}, {10, 6, 0, 1}, {20, 12, 0, 1007}, {10, 6, 4, 77}, {20, 13, 2, 3}, {5, 0, 6, 1000},
};

/* The planner's input for SSB 0 every 10 ms, as gnbd sends it. */
static struct ssb_burst_config burst_of(const struct cell_geometry *g)
{
    return (struct ssb_burst_config){.scs_khz = 15, .pattern = g->ssb_pattern, .l_max = g->ssb_l_max,
                                     .positions_in_burst = 1, .period_ms = 10};
}

/* The transmitter: scheduler + PHY DL for one cell, as the pipeline builds them. */
struct tx {
    struct cell_geometry g;
    struct sched_sib1_plan plan;
    uint8_t tb[BROADCAST_TB_MAX];
    struct sched_common sched;
    struct phy_dl dl;
    double fs;
    cf_t *samples;
};

static void tx_init(struct tx *t, const struct cell_geometry *g, int pci, const struct sched_sib1_plan *plan,
                    const uint8_t *tb)
{
    memset(t, 0, sizeof *t);
    t->g = *g;
    t->plan = *plan;
    memcpy(t->tb, tb, (size_t)plan->tbs / 8);
    t->fs = (double)g->srsue_srate_hz;
    struct phy_dl_config dc = {.pci = pci, .nof_prb = g->nof_prb, .scs_khz = 15, .sample_rate_hz = t->fs,
                               .f0_hz = (double)g->dl_freq_hz, .ssb_first_subcarrier = g->ssb_first_subcarrier,
                               .ssb_l_max = g->ssb_l_max, .k_ssb = g->k_ssb};
    ck_assert_int_eq(phy_dl_init(&t->dl, &dc), 0);
    ck_assert_int_eq(phy_dl_set_codeword(&t->dl, PHY_DL_CW_SIB1, &plan->dlsch, tb), 0);
    struct sched_common_config sc = {.scs_khz = 15, .sib1 = true, .sib1_plan = *plan};
    sc.burst = burst_of(g);
    sc.mib = (struct mib){.scs_common_khz = 15, .ssb_subcarrier_offset = g->mib_ssb_subcarrier_offset,
                          .dmrs_type_a_position = 2, .coreset0_index = g->coreset0_index,
                          .searchspace0_index = g->searchspace0_index, .intra_freq_reselection_allowed = true};
    ck_assert_int_eq(sched_common_init(&t->sched, &sc), 0);
    t->samples = malloc(sizeof(cf_t) * (size_t)phy_dl_slot_samples(&t->dl));
}

static void tx_free(struct tx *t)
{
    phy_dl_free(&t->dl);
    free(t->samples);
}

/* The UE side: what it knows is the MIB (CORESET#0, dmrs-TypeA-Position), the PCI and the carrier. */
struct ue {
    struct ofdm ofdm;
    struct grid grid;
    struct pdcch_rx pdcch;
    struct pdsch pdsch;
    struct ssb ssb;
};

static void ue_init(struct ue *u, const struct tx *t, int pci)
{
    struct ofdm_config oc = {.sample_rate_hz = t->fs, .scs_khz = 15, .nof_prb = t->g.nof_prb,
                             .f0_hz = (double)t->g.dl_freq_hz, .direction = OFDM_DIRECTION_RX};
    ck_assert_int_eq(ofdm_init(&u->ofdm, &oc), 0);
    ck_assert_int_eq(grid_init(&u->grid, 14, 12 * t->g.nof_prb), 0);
    ck_assert_int_eq(pdcch_rx_init(&u->pdcch, &(struct pdcch_rx_cfg){0}), 0);
    ck_assert_int_eq(pdsch_init(&u->pdsch, &(struct pdsch_cfg){.max_prb = t->g.nof_prb}), 0);
    ck_assert_int_eq(ssb_init(&u->ssb, &(struct ssb_config){.pci = pci, .l_max = t->g.ssb_l_max,
                                                            .k_ssb = t->g.k_ssb}), 0);
}

static void ue_free(struct ue *u)
{
    ssb_free(&u->ssb);
    pdsch_free(&u->pdsch);
    pdcch_rx_free(&u->pdcch);
    grid_free(&u->grid);
    ofdm_free(&u->ofdm);
}

/* Builds DL slot `slot` and demodulates it into the UE's grid; returns the request. */
static struct dl_slot_request send_slot(struct tx *t, struct ue *u, uint64_t slot)
{
    struct dl_slot_request req;
    ck_assert_int_eq(sched_common_dl_slot(&t->sched, slot, &req), 0);
    ck_assert_int_eq(phy_dl_process(&t->dl, &req, t->samples), 0);
    ck_assert_int_gt(ofdm_demodulate_slot(&u->ofdm, t->samples, 0, u->grid.re), 0);
    return req;
}

/* Blind SS#0 search as srsUE does it (AL4: 4, AL8: 2 candidates, Y = 0, n_RNTI = 0, n_ID = PCI). */
static int ue_search(struct ue *u, const struct pdcch_coreset *cs, int slot, int pci, uint16_t rnti,
                     struct pdcch_rx_result *res)
{
    struct pdcch_search ss = {.slot = slot, .n_id = (uint16_t)pci, .n_rnti = 0, .nof_candidates = {0, 0, 4, 2, 0},
                              .y = 0, .dci_len = dci_1_0_size(DCI_RNTI_SI, cs->nof_rb), .rntis = &rnti,
                              .nof_rntis = 1};
    return pdcch_rx_search(&u->pdcch, &u->grid, cs, &ss, res, 1);
}

/* The PDSCH grant a UE derives from the DCI (38.214 5.1.2.1.1, 5.1.2.2.2, 5.1.6.2; 38.211 7.3.1.6). */
static void ue_grant(const struct cell_geometry *g, int pci, int slot, const struct dci_1_0 *d,
                     struct pdsch_grant *gr)
{
    int n = g->coreset0.nof_rb, rb_start, l_rbs;
    ck_assert_int_eq(dci_riv_decode(n, d->frequency_domain_assignment, &rb_start, &l_rbs), 0);
    struct pdsch_time_alloc ta;
    ck_assert_int_eq(pdsch_tdra_default_a((int)d->time_domain_assignment, 2, &ta), 0);
    *gr = (struct pdsch_grant){.rnti = 0xFFFF, .n_id = (uint16_t)pci, .modulation = MODULATION_QPSK,
                               .nof_layers = 1, .crb_start = pdsch_vrb_to_crb(rb_start, 0, g->coreset0_crb_start),
                               .nof_rb = l_rbs, .mapping = ta.mapping, .start_symbol = ta.start_symbol,
                               .nof_symbols = ta.nof_symbols, .slot = slot};
    pdsch_dmrs_dci_1_0(&gr->dmrs, 2, ta.nof_symbols, (uint16_t)pci, g->coreset0_crb_start);
}

/* Hard decisions of the LLRs that differ from the codeword. */
static int ue_pdsch_errors(struct ue *u, const struct pdsch_grant *gr, const uint8_t *cw, int nbits)
{
    float *llr = malloc(sizeof(float) * (size_t)nbits);
    ck_assert_int_eq(pdsch_decode(&u->pdsch, &u->grid, gr, llr, (size_t)nbits, NULL), 0);
    int errors = 0;
    for (int i = 0; i < nbits; i++) errors += (llr[i] < 0) != (cw[i] != 0);
    free(llr);
    return errors;
}

/* Receives the SIB1 slot of t and checks it against the codeword of tb; returns the slot it came in. */
static int receive_sib1(struct tx *t, int pci)
{
    struct ue u;
    ue_init(&u, t, pci);
    /* The expected codeword: the TB through the same DL-SCH encoder phy_dl uses (not an independent encoder; the
     * encoder is checked against the reference vectors in test_dlsch). */
    uint8_t *cw = malloc((size_t)t->plan.g);
    struct dlsch enc;
    ck_assert_int_eq(dlsch_init(&enc, &(struct dlsch_init_cfg){0}), 0);
    ck_assert_int_eq(dlsch_encode(&enc, &t->plan.dlsch, t->tb, cw), 0);
    dlsch_free(&enc);
    struct pdcch_coreset cs;   /* CORESET#0 from the MIB: occasion at symbol 0 */
    ck_assert_int_eq(pdcch_coreset0(&cs, t->g.coreset0_crb_start, t->g.coreset0.nof_rb, t->g.coreset0.nof_symb, 0,
                                    (uint16_t)pci), 0);
    int found_in = -1, sib1_slots = 0;
    for (uint64_t slot = 0; slot < 40; slot++) {
        struct dl_slot_request req = send_slot(t, &u, slot);
        if (req.n_ssb) {   /* the SSB still decodes (MIB, SFN) */
            cf_t block[SSB_BLOCK_RE];
            struct ssb_rx_result r;
            ck_assert_int_eq(ssb_extract(&u.grid, t->g.ssb_first_subcarrier, req.ssb[0].first_symbol, block), 0);
            ck_assert_int_eq(ssb_decode_pbch(&u.ssb, block, pci, &r), 0);
            ck_assert(r.crc_ok);
            ck_assert_int_eq(r.sfn, req.sfn);
        }
        struct pdcch_rx_result res;
        int n = ue_search(&u, &cs, req.slot_in_frame, pci, 0xFFFF, &res);
        ck_assert_int_eq(n, req.n_pdcch);   /* found exactly where sent */
        if (n == 0) continue;
        sib1_slots++;
        found_in = req.slot_in_frame;
        ck_assert_int_eq(res.rnti, 0xFFFF);
        ck_assert(res.al == 4 || res.al == 8);
        struct pdcch_rx_result other;
        ck_assert_int_eq(ue_search(&u, &cs, req.slot_in_frame, pci, 0xFFFE, &other), 0);   /* control: RNTI */
        struct dci_1_0 d;
        ck_assert_int_eq(dci_1_0_unpack(res.dci, res.dci_len, DCI_RNTI_SI, cs.nof_rb, &d), 0);
        ck_assert_int_eq(d.system_information_indicator, 0);
        struct pdsch_grant gr;
        ue_grant(&t->g, pci, req.slot_in_frame, &d, &gr);
        ck_assert_int_eq(pdsch_nof_bits(&gr), t->plan.g);
        ck_assert_int_eq(ue_pdsch_errors(&u, &gr, cw, t->plan.g), 0);
        gr.n_id = (uint16_t)((pci + 1) % 1008);   /* control: another cell's scrambling and DM-RS */
        ck_assert_int_gt(ue_pdsch_errors(&u, &gr, cw, t->plan.g), t->plan.g / 4);
    }
    ck_assert_int_eq(sib1_slots, 2);   /* 40 ms: every 20 ms */
    free(cw);
    ue_free(&u);
    return found_in;
}

START_TEST(sib1_slot_decodes_back_to_the_codeword)
{
    const struct cell_case *c = &cases[_i];
    struct cell_geometry g;
    struct cell_geometry_input in = {.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = c->bw_mhz,
                                     .coreset0_index = c->coreset0, .searchspace0_index = c->ss0,
                                     .dmrs_type_a_position = 2, .srsue_compatible = true};
    ck_assert_int_eq(cell_geometry_derive(&in, &g, NULL), 0);
    uint8_t payload[TEST_SIB1_PAYLOAD_LEN], tb[BROADCAST_TB_MAX];
    test_rng_seed(0x51B1 + (uint64_t)_i);
    for (int i = 0; i < TEST_SIB1_PAYLOAD_LEN; i++) payload[i] = (uint8_t)test_rng_next();
    struct sched_sib1_config pc = {.geo = g, .pci = c->pci, .sib1_len = TEST_SIB1_PAYLOAD_LEN, .mcs = 5, .al = 8};
    pc.burst = burst_of(&g);
    struct sched_sib1_plan plan;
    ck_assert_int_eq(sched_sib1_plan(&pc, &plan, NULL, NULL, 0), 0);
    ck_assert_int_eq(sched_sib1_tb(&plan, payload, sizeof payload, tb, sizeof tb), 0);
    struct tx t;
    tx_init(&t, &g, c->pci, &plan, tb);
    int slot = receive_sib1(&t, c->pci);
    ck_assert_int_eq(slot, plan.slot);
    tx_free(&t);
}
END_TEST

/* gnbd's own SIB1 (config -> RRC encoder -> plan -> padded TB) through the same chain, at 52 PRB. */
START_TEST(configured_sib1_decodes_back_to_the_codeword)
{
    static struct gnbd_config cfg;
    config_geometry_register();
    ck_assert_int_eq(config_load_string(&cfg, "cell = { pci = 321; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10;"
                                        " mcc = \"001\"; mnc = \"01\"; tac = 7; coreset0_index = 6; };", "x", stderr),
                     0);
    struct cell_geometry g;
    ck_assert_int_eq(config_cell_geometry(&cfg, &g), 0);
    struct broadcast_sib1 b;
    char err[400];
    ck_assert_msg(broadcast_sib1(&cfg, &g, &b, err, sizeof err) == 0, "%s", err);
    ck_assert_int_gt((int)b.len, 40);
    ck_assert_mem_eq(b.tb, b.msg, b.len);
    struct tx t;
    tx_init(&t, &g, 321, &b.plan, b.tb);
    ck_assert_int_eq(receive_sib1(&t, 321), b.plan.slot);
    tx_free(&t);
}
END_TEST

/* The PHY refuses a PDSCH it cannot send faithfully rather than sending something else. */
START_TEST(phy_dl_refuses_missing_or_mismatched_codewords)
{
    struct cell_geometry g;
    struct cell_geometry_input in = {.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = 10,
                                     .coreset0_index = 6, .dmrs_type_a_position = 2, .srsue_compatible = true};
    ck_assert_int_eq(cell_geometry_derive(&in, &g, NULL), 0);
    struct sched_sib1_config pc = {.geo = g, .pci = 1, .sib1_len = TEST_SIB1_PAYLOAD_LEN, .mcs = 5, .al = 4};
    pc.burst = burst_of(&g);
    struct sched_sib1_plan plan;
    ck_assert_int_eq(sched_sib1_plan(&pc, &plan, NULL, NULL, 0), 0);
    uint8_t tb[BROADCAST_TB_MAX] = {0};
    struct tx t;
    tx_init(&t, &g, 1, &plan, tb);
    struct dl_slot_request req;
    ck_assert_int_eq(sched_common_dl_slot(&t.sched, (uint64_t)plan.slot, &req), 0);
    ck_assert_int_eq(req.n_pdsch, 1);
    ck_assert_int_eq(phy_dl_process(&t.dl, &req, t.samples), 0);
    struct dl_slot_request bad = req;
    bad.pdsch[0].codeword = PHY_DL_CW_SIB1 + 1;   /* never stored */
    ck_assert_int_eq(phy_dl_process(&t.dl, &bad, t.samples), -EINVAL);
    bad = req;
    bad.pdsch[0].grant.nof_rb++;                  /* G no longer the codeword's length */
    ck_assert_int_eq(phy_dl_process(&t.dl, &bad, t.samples), -EINVAL);
    bad = req;
    bad.pdcch[0].dci_len = DL_DCI_MAX_BITS + 1;
    ck_assert_int_eq(phy_dl_process(&t.dl, &bad, t.samples), -EINVAL);
    struct dlsch_cfg dc = plan.dlsch;
    ck_assert_int_eq(phy_dl_set_codeword(&t.dl, PHY_DL_MAX_CODEWORDS, &dc, tb), -EINVAL);
    tx_free(&t);
}
END_TEST

/* An idle slot costs no IFFT and the grid is cleared per symbol: a processor that has run a stream of slots (SSB,
 * SIB1, empty, some with TDD-silenced symbols) produces, bit for bit, what a fresh processor produces for each slot
 * alone, and a slot with nothing scheduled is all zeros. A SIB1 slot again is a copy of the last one (repeats),
 * but not once its DCI differs in one bit. */
START_TEST(slot_stream_equals_fresh_slots)
{
    struct cell_geometry g;
    struct cell_geometry_input in = {.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = 10,
                                     .coreset0_index = 6, .searchspace0_index = 0, .dmrs_type_a_position = 2,
                                     .srsue_compatible = true};
    ck_assert_int_eq(cell_geometry_derive(&in, &g, NULL), 0);
    uint8_t payload[TEST_SIB1_PAYLOAD_LEN], tb[BROADCAST_TB_MAX];
    test_rng_seed(0xD1E7);
    for (int i = 0; i < TEST_SIB1_PAYLOAD_LEN; i++) payload[i] = (uint8_t)test_rng_next();
    struct sched_sib1_config pc = {.geo = g, .pci = 5, .sib1_len = TEST_SIB1_PAYLOAD_LEN, .mcs = 5, .al = 8};
    pc.burst = burst_of(&g);
    struct sched_sib1_plan plan;
    ck_assert_int_eq(sched_sib1_plan(&pc, &plan, NULL, NULL, 0), 0);
    ck_assert_int_eq(sched_sib1_tb(&plan, payload, sizeof payload, tb, sizeof tb), 0);
    static struct tx run, fresh;
    tx_init(&run, &g, 5, &plan, tb);
    size_t n = (size_t)phy_dl_slot_samples(&run.dl);
    int empty = 0, busy = 0, changed = 0;
    for (uint64_t slot = 0; slot < 64; slot++) {
        struct dl_slot_request req;
        ck_assert_int_eq(sched_common_dl_slot(&run.sched, slot, &req), 0);
        if (slot % 5 == 3) req.silent_symbols = (uint16_t)(0x3u << (slot % 12)); /* some silenced symbols */
        bool sib1 = req.n_ssb == 0 && req.n_pdsch > 0 && req.n_pdcch > 0;
        if (sib1 && slot >= 40 && !changed++) req.pdcch[0].dci[0] ^= 1;
        uint64_t repeats = run.dl.repeats;
        ck_assert_int_eq(phy_dl_process(&run.dl, &req, run.samples), 0);
        bool repeated = run.dl.repeats > repeats;
        ck_assert(!repeated || sib1);
        if (changed == 1 && sib1 && slot >= 40) ck_assert_msg(!repeated, "slot %d: a changed DCI repeated", (int)slot);
        tx_init(&fresh, &g, 5, &plan, tb);
        ck_assert_int_eq(phy_dl_process(&fresh.dl, &req, fresh.samples), 0);
        ck_assert_msg(memcmp(run.samples, fresh.samples, n * sizeof(cf_t)) == 0, "slot %d differs", (int)slot);
        /* Against every symbol of the grid transformed (the REs the mappers wrote, wherever they are), the
         * silenced symbols then zeroed. */
        int sis = req.slot_in_frame % run.dl.slots_per_subframe;
        ck_assert_int_eq(ofdm_modulate_slot(&run.dl.ofdm, run.dl.grid.re, sis, fresh.samples), (int)n);
        for (int l = 0; l < 14; l++) {
            if (!(req.silent_symbols & (1u << l))) continue;
            const struct ofdm *o = &run.dl.ofdm;
            int k = sis * 14 + l, from = o->symbol_start[k] - o->symbol_start[sis * 14];
            memset(fresh.samples + from, 0, (size_t)(o->cp_len[k] + o->fft_size) * sizeof(cf_t));
        }
        size_t bad = 0; /* == rather than memcmp: the IFFT of zeros may give -0 */
        for (size_t i = 0; i < n && !repeated; i++) bad += run.samples[i] != fresh.samples[i]; /* grid: older */
        ck_assert_msg(bad == 0, "slot %d: %zu samples differ: REs outside the symbols transformed", (int)slot, bad);
        bool nothing = req.n_ssb == 0 && req.n_pdcch == 0 && req.n_pdsch == 0, zeros = true;
        for (size_t i = 0; i < n && zeros; i++) zeros = run.samples[i] == 0;
        ck_assert_msg(zeros == nothing, "slot %d: %s", (int)slot, nothing ? "nothing scheduled, not zeros" : "zeros");
        if (nothing) empty++; else busy++;
        tx_free(&fresh);
    }
    ck_assert_int_gt(empty, 0);
    ck_assert_int_gt(busy, 1);
    ck_assert_int_eq(changed > 0, 1);
    ck_assert_uint_gt(run.dl.repeats, 0);
    tx_free(&run);
}
END_TEST

/* A TB given with the request (PHY_DL_CW_TB: RAR, Msg4, UE data) is DL-SCH encoded in the slot: the SIB1 slot
 * with its stored codeword swapped for a TB on the same grant, decoded by the UE side (PDSCH LLRs -> soft buffer ->
 * LDPC -> CRC) back to that TB; a missing TB or a G larger than the grant is refused. */
START_TEST(tb_encoded_in_the_slot_decodes_back)
{
    struct cell_geometry g;
    struct cell_geometry_input in = {.band = 3, .dl_arfcn = 368500, .scs_khz = 15, .bandwidth_mhz = 10,
                                     .coreset0_index = 6, .dmrs_type_a_position = 2, .srsue_compatible = true};
    ck_assert_int_eq(cell_geometry_derive(&in, &g, NULL), 0);
    struct sched_sib1_config pc = {.geo = g, .pci = 7, .sib1_len = TEST_SIB1_PAYLOAD_LEN, .mcs = 5, .al = 4};
    pc.burst = burst_of(&g);
    struct sched_sib1_plan plan;
    ck_assert_int_eq(sched_sib1_plan(&pc, &plan, NULL, NULL, 0), 0);
    uint8_t sib1_tb[BROADCAST_TB_MAX] = {0}, tb[BROADCAST_TB_MAX];
    for (int i = 0; i < plan.tbs / 8; i++) tb[i] = (uint8_t)(i * 29 + 3);
    struct tx t;
    tx_init(&t, &g, 7, &plan, sib1_tb);
    struct ue u;
    ue_init(&u, &t, 7);
    struct dl_slot_request req;
    ck_assert_int_eq(sched_common_dl_slot(&t.sched, (uint64_t)plan.slot, &req), 0);
    req.pdsch[0].codeword = PHY_DL_CW_TB;
    req.pdsch[0].dlsch = plan.dlsch;
    req.pdsch[0].tb = tb;
    ck_assert_int_eq(phy_dl_process(&t.dl, &req, t.samples), 0);
    ck_assert_int_gt(ofdm_demodulate_slot(&u.ofdm, t.samples, 0, u.grid.re), 0);
    int g_bits = plan.dlsch.g;
    float *llr = malloc(sizeof(float) * (size_t)g_bits);
    ck_assert_int_eq(pdsch_decode(&u.pdsch, &u.grid, &req.pdsch[0].grant, llr, (size_t)g_bits, NULL), 0);
    struct dlsch_params dp;
    ck_assert_int_eq(dlsch_params_init(&dp, &plan.dlsch), 0);
    float *soft = calloc((size_t)(dp.seg.c * dp.n), sizeof(float));
    ck_assert_int_eq(dlsch_rx_soft_reset(&dp, soft), 0);
    ck_assert_int_eq(dlsch_rx_combine(&dp, llr, soft), 0);
    struct ldpc_decoder dec;
    ck_assert_int_eq(ldpc_decoder_init(&dec, &(struct ldpc_decoder_cfg){0}), 0);
    uint8_t out[BROADCAST_TB_MAX];
    uint8_t *cbs = malloc((size_t)(dp.seg.c * dp.seg.k));
    struct segmentation_rx_result sr;
    ck_assert_int_eq(dlsch_rx_decode(&dp, &dec, 10, soft, cbs, out, &sr), 0);
    free(cbs);
    ck_assert(sr.tb_crc_ok);
    ck_assert_mem_eq(out, tb, (size_t)plan.tbs / 8);
    struct dl_slot_request bad = req;
    bad.pdsch[0].tb = NULL;
    ck_assert_int_eq(phy_dl_process(&t.dl, &bad, t.samples), -EINVAL);
    bad = req;
    bad.pdsch[0].dlsch.g += 2 * 12;
    ck_assert_int_eq(phy_dl_process(&t.dl, &bad, t.samples), -EINVAL);
    ldpc_decoder_free(&dec);
    free(llr);
    free(soft);
    ue_free(&u);
    tx_free(&t);
}
END_TEST

static Suite *phy_dl_suite(void)
{
    Suite *s = suite_create("phy_dl");
    TCase *t = tcase_create("sib1");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, sib1_slot_decodes_back_to_the_codeword, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, configured_sib1_decodes_back_to_the_codeword);
    tcase_add_test(t, phy_dl_refuses_missing_or_mismatched_codewords);
    tcase_add_test(t, tb_encoded_in_the_slot_decodes_back);
    tcase_add_test(t, slot_stream_equals_fresh_slots);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(phy_dl_suite());
}
