/* Unit tests for the UE simulator's receivers after the MIB (tests/uesim/sib1_rx, dl_rx, ue_sync slots and the
 * SIB1 fields, compiled in here):
 *  - the foreign PDCCH vectors (tests/vectors/pdcch): with CORESET#0 placed as uesim places it from the MIB
 *    index and the block's position (SSB at CRB 12, k_SSB 0), the SI-RNTI grids give the vector's DCI through
 *    uesim's SS#0 search (AL, CCE, bits, fields), and every other grid gives its DCI to a blind search for its
 *    RNTI while the SI-RNTI search finds nothing there;
 *  - the foreign PDSCH vectors (tests/vectors/pdsch): every grid through uesim's PDSCH + DL-SCH receiver (TBS and
 *    G from the MCS row equal to the manifest's) gives the vector's TB with CRC OK; the two SIB1 grids also from
 *    a DCI through uesim's grant derivation; another n_ID fails the CRC;
 *  - round trips through gnbd's own downlink (config -> SIB1 encoder and plan -> common scheduler -> phy_dl ->
 *    samples) and a channel with delay, CFO of +-5 kHz and AWGN, into ue_sync + sib1_rx as uesim runs them:
 *    15 kHz (25 and 52 PRB), 30 kHz Case C (n78 TDD) and Case B (n5): cell, MIB and every SIB1 decoded with the
 *    configured fields; gnbd's PDSCH scrambled with another n_ID leaves the PDCCH found and no SIB1. uesim reads
 *    CORESET#0, the Type0 occasions and the PDSCH rows with gnbd's own tables (cell_geometry, pdsch_tdra_default_a),
 *    so these round trips cannot catch a wrong row (test_spec_tables checks the rows against the 3GPP text); the
 *    foreign vectors above were made by another implementation, so there a wrong row would fail;
 *  - the SIB1 expectations of --expect-sib1 match the configured values and report a wrong one. */
#include <check.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/broadcast.h"
#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "mac/sched_common.h"
#include "phy/dl/phy_dl.h"
#include "tests/uesim/cell_search.c"
#include "tests/uesim/dl_rx.c"
#include "tests/uesim/sib1_rx.c"
#include "tests/uesim/ue_sync.c"
#include "tests/uesim/uesim_args.c"
#include "tests/uesim/uesim_sib1.c"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_pdcch.h"
#include "tests/unit/check_run.h"

#define VEC_PRB 52                       /* every PDCCH / PDSCH vector: 52 PRB at 15 kHz */
#define VEC_RES (14 * 12 * VEC_PRB)
#define VEC_SSB_CRB 12                   /* the vectors' SSB (shared vector README, pdcch/) */
#define PDSCH_DIR "tests/vectors/pdsch"
#define PDSCH_FIELDS 26

#define VEC_MAX_TBS 44040                /* pdsch_05 (256QAM) */

static struct sib1_rx rx;
static struct dl_rx vec_dl;              /* uesim's PDSCH receiver, sized for every vector */

static void rx_setup(void)
{
    ck_assert_int_eq(sib1_rx_init(&rx, &(struct sib1_rx_config){.nof_prb = VEC_PRB}), 0);
    ck_assert_int_eq(dl_rx_init(&vec_dl, &(struct dl_rx_config){.max_prb = VEC_PRB, .max_tbs = VEC_MAX_TBS}), 0);
}

static void rx_teardown(void)
{
    sib1_rx_free(&rx);
    dl_rx_free(&vec_dl);
}

/* The cell as uesim knows it after the MIB of a 52-PRB vector carrier (SSB at CRB 12, k_SSB 0, block 0). */
static void arm_vector_cell(int pci, int coreset0)
{
    struct sib1_rx_cell cell = {.pci = pci, .scs_khz = 15, .ssb_first_sc = 12 * VEC_SSB_CRB,
                                .mib = {.scs_common_khz = 15, .dmrs_type_a_position = 2, .coreset0_index = coreset0}};
    char why[200];
    ck_assert_msg(sib1_rx_set_cell(&rx, &cell, why, sizeof why) == 0, "%s", why);
}

static struct grid load_grid(const char *dir, const char *set, int id)
{
    struct grid g = {.nof_symbols = 14, .nof_subcarriers = 12 * VEC_PRB};
    g.re = vector_load_case(dir, set, id, "grid", VEC_RES * sizeof(cf_t));
    ck_assert_msg(g.re != NULL, "%s case %d: grid missing", set, id);
    return g;
}

static enum dci_rnti_type rnti_type_of(const char *t)
{
    return strcmp(t, "SI") == 0 ? DCI_RNTI_SI : strcmp(t, "RA") == 0 ? DCI_RNTI_RA
           : strcmp(t, "TC") == 0 ? DCI_RNTI_TC : DCI_RNTI_C;
}

/* A blind search of CORESET#0 for one RNTI over every candidate srsRAN's list has (floor(N_CCE / AL), <= 8). */
static int search_rnti(const struct grid *g, const struct vector_pdcch_case *v, struct pdcch_rx_result *res)
{
    uint16_t rnti = (uint16_t)v->rnti;
    struct pdcch_search ss = {.slot = v->slot, .n_id = (uint16_t)v->pci, .dci_len = v->a, .rntis = &rnti,
                              .nof_rntis = 1};
    int ncce = pdcch_nof_cce(&rx.cs);
    for (int i = 0, al = 1; i < PDCCH_NUM_AL; i++, al *= 2)
        ss.nof_candidates[i] = ncce / al < PDCCH_MAX_CANDIDATES ? ncce / al : PDCCH_MAX_CANDIDATES;
    return pdcch_rx_search(&rx.pdcch, g, &rx.cs, &ss, res, 1);
}

START_TEST(pdcch_vectors_give_the_same_dci_blind)
{
    FILE *mf = vector_manifest_open(VECTOR_PDCCH_DIR);
    ck_assert(mf != NULL);
    struct vector_pdcch_case v;
    int rows = 0, si_rows = 0;
    while (vector_pdcch_next(mf, &v)) {
        rows++;
        arm_vector_cell(v.pci, v.coreset0_idx);
        /* CORESET#0 where the manifest has it, from the MIB index and the block's place alone. */
        ck_assert_int_eq(rx.cs.crb_start, v.coreset_rb_start);
        ck_assert_int_eq(rx.cs.nof_rb, v.coreset_nof_rb);
        ck_assert_int_eq(rx.cs.nof_symbols, v.coreset_nof_symb);
        struct grid g = load_grid(VECTOR_PDCCH_DIR, "pdcch", v.id);
        uint8_t *dci = vector_load_case(VECTOR_PDCCH_DIR, "pdcch", v.id, "dci", (size_t)v.a);
        ck_assert(dci != NULL);
        struct pdcch_rx_result res;
        struct dci_1_0 d;
        bool si = strcmp(v.rnti_type, "SI") == 0;
        int found = sib1_rx_search(&rx, &g, v.slot, &res, &d);
        ck_assert_int_eq(found, si);   /* uesim's SIB1 search takes only SI-RNTI DCIs */
        if (!si) {
            ck_assert_int_eq(search_rnti(&g, &v, &res), 1);
            ck_assert_int_eq(dci_1_0_unpack(res.dci, res.dci_len, rnti_type_of(v.rnti_type), v.coreset_nof_rb, &d),
                             0);
        }
        si_rows += si;
        ck_assert_int_eq(res.rnti, v.rnti);
        ck_assert_int_eq(res.al, v.al);
        ck_assert_int_eq(res.first_cce, v.ncce);
        ck_assert_int_eq(res.dci_len, v.a);
        ck_assert_mem_eq(res.dci, dci, (size_t)v.a);
        ck_assert_int_eq(d.frequency_domain_assignment, vector_pdcch_field(v.dci_fields, "FDRA_RIV"));
        ck_assert_int_eq(d.time_domain_assignment, vector_pdcch_field(v.dci_fields, "TDRA"));
        ck_assert_int_eq(d.mcs, vector_pdcch_field(v.dci_fields, "MCS"));
        if (si)
            ck_assert_int_eq(d.rv, vector_pdcch_field(v.dci_fields, "RV"));
        free(dci);
        free(g.re);
    }
    fclose(mf);
    ck_assert_int_eq(rows, 9);
    ck_assert_int_eq(si_rows, 3);
}
END_TEST

/* One tests/vectors/pdsch row. */
struct pdsch_row {
    int id, slot, tbs, g, mcs, rv;
    enum tbs_mcs_table table;
    struct pdsch_grant gr;
};

static int read_pdsch_row(FILE *f, struct pdsch_row *r)
{
    char line[4096], *c[PDSCH_FIELDS];
    while (fgets(line, sizeof line, f)) {
        if (vector_tsv_split(line, c, PDSCH_FIELDS) != PDSCH_FIELDS || strcmp(c[0], "case_id") == 0)
            continue;
        memset(r, 0, sizeof(*r));
        r->id = atoi(c[0]);
        r->table = strcmp(c[10], "256qam") == 0 ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM;
        r->mcs = atoi(c[11]);
        r->tbs = atoi(c[14]);
        r->g = atoi(c[15]);
        r->rv = atoi(c[16]);
        uint16_t n_id = (uint16_t)atoi(c[4]);
        r->gr = (struct pdsch_grant){.rnti = (uint16_t)strtol(c[2], NULL, 16), .n_id = n_id, .nof_layers = 1,
                                     .crb_start = atoi(c[6]), .nof_rb = atoi(c[7]), .start_symbol = atoi(c[8]),
                                     .nof_symbols = atoi(c[9]), .slot = atoi(c[5]),
                                     .mapping = PDSCH_MAPPING_TYPE_A};
        r->gr.dmrs = (struct pdsch_dmrs_cfg){.config_type = atoi(c[17]), .type_a_position = atoi(c[18]),
                                             .additional_position = atoi(c[19]),
                                             .cdm_groups_without_data = atoi(c[21]), .n_id = n_id,
                                             .ref_crb = atoi(c[23])};
        return 1;
    }
    return 0;
}

/* The grid through dl_rx: the TB of the vector with CRC OK. */
static void check_pdsch_tb(const struct pdsch_row *r, struct pdsch_grant *gr, const struct grid *g)
{
    struct dlsch_cfg dc;
    ck_assert_int_eq(dl_rx_grant_mcs(gr, r->table, r->mcs, r->rv, 0, &dc), 0);
    ck_assert_int_eq(dc.tbs, r->tbs);
    ck_assert_int_eq(dc.g, r->g);
    uint8_t *tb = vector_load_case(PDSCH_DIR, "pdsch", r->id, "tb", (size_t)r->tbs / 8);
    ck_assert_msg(tb != NULL, "pdsch case %d: tb missing", r->id);
    struct dl_rx_result res;
    ck_assert_int_eq(dl_rx_decode(&vec_dl, g, gr, &dc, true, &res), 0);
    printf("pdsch_%02d: TBS %d, G %d, %d CB(s): CRC %s, DM-RS SNR %.1f dB\n", r->id, dc.tbs, dc.g, vec_dl.buf[0].p.seg.c,
           res.crc_ok ? "OK" : "failed", res.snr_db);
    ck_assert(res.crc_ok);
    ck_assert_mem_eq(res.tb, tb, (size_t)r->tbs / 8);
    /* Control: another cell's scrambling (DM-RS unchanged) cannot pass the CRC. */
    struct pdsch_grant other = *gr;
    other.n_id = (uint16_t)((other.n_id + 1) % 1024);
    ck_assert_int_eq(dl_rx_decode(&vec_dl, g, &other, &dc, true, &res), 0);
    ck_assert(!res.crc_ok);
    free(tb);
}

/* Calls fn on every row of the PDSCH manifest; returns how many rows there were. */
static int for_each_pdsch_row(void (*fn)(struct pdsch_row *r))
{
    FILE *f = fopen(PDSCH_DIR "/cases.tsv", "r");
    ck_assert(f != NULL);
    struct pdsch_row r;
    int rows = 0;
    while (read_pdsch_row(f, &r)) {
        fn(&r);
        rows++;
    }
    fclose(f);
    return rows;
}

static void pdsch_row_tb(struct pdsch_row *r)
{
    struct grid g = load_grid(PDSCH_DIR, "pdsch", r->id);
    check_pdsch_tb(r, &r->gr, &g);
    free(g.re);
}

START_TEST(pdsch_vectors_give_their_tb)
{
    ck_assert_int_eq(for_each_pdsch_row(pdsch_row_tb), 7);
}
END_TEST

static int sib1_rows;

/* A SIB1 row (cases 0 and 1) with the grant uesim derives from a DCI: CORESET#0 at the vector's DM-RS reference
 * RB (index 6: 48 RB at CRB 0; index 1: 24 RB at CRB 10), RIV over its size, TDRA row 0. */
static void sib1_row_via_dci(struct pdsch_row *r)
{
    if (r->gr.rnti != SIB1_RX_SI_RNTI)
        return;
    sib1_rows++;
    arm_vector_cell(r->gr.n_id, r->gr.dmrs.ref_crb == 0 ? 6 : 1);
    ck_assert_int_eq(rx.coreset0_crb, r->gr.dmrs.ref_crb);
    struct dci_1_0 d = {.rnti_type = DCI_RNTI_SI, .mcs = (uint32_t)r->mcs, .rv = (uint32_t)r->rv};
    int riv = dci_riv_encode(rx.cs.nof_rb, r->gr.crb_start - rx.coreset0_crb, r->gr.nof_rb);
    ck_assert_int_ge(riv, 0);
    d.frequency_domain_assignment = (uint32_t)riv;
    struct pdsch_grant gr;
    struct dlsch_cfg dc;
    ck_assert_int_eq(sib1_rx_grant(&rx, &d, r->gr.slot, &gr, &dc), 0);
    ck_assert_int_eq(gr.crb_start, r->gr.crb_start);
    ck_assert_int_eq(gr.nof_rb, r->gr.nof_rb);
    ck_assert_int_eq(gr.start_symbol, r->gr.start_symbol);
    ck_assert_int_eq(gr.nof_symbols, r->gr.nof_symbols);
    r->gr.modulation = gr.modulation;
    ck_assert_int_eq(pdsch_dmrs_symbols(&gr), pdsch_dmrs_symbols(&r->gr));
    ck_assert_int_eq(gr.dmrs.ref_crb, r->gr.dmrs.ref_crb);
    ck_assert_int_eq(gr.dmrs.cdm_groups_without_data, r->gr.dmrs.cdm_groups_without_data);
    ck_assert_int_eq(dc.tbs, r->tbs);
    struct grid g = load_grid(PDSCH_DIR, "pdsch", r->id);
    check_pdsch_tb(r, &gr, &g);
    free(g.re);
    /* An SI-RNTI DCI asking for 16QAM (MCS 10) is refused (38.214 5.1.3.1: Q_m <= 2). */
    d.mcs = 10;
    ck_assert_int_eq(sib1_rx_grant(&rx, &d, r->gr.slot, &gr, &dc), -EINVAL);
}

START_TEST(sib1_vectors_through_the_dci_grant)
{
    sib1_rows = 0;
    ck_assert_int_eq(for_each_pdsch_row(sib1_row_via_dci), 7);
    ck_assert_int_eq(sib1_rows, 2);
}
END_TEST

/* ---------------------------------------------------------------- round trips through gnbd's downlink */

struct link_case {
    const char *name;
    const char *cell;          /* the cell group of a gnbd configuration */
    double cfo_hz;
    int delay;                 /* samples before the gNB's first */
    double snr_db;             /* per RE */
    const char *expect;        /* --expect-sib1 */
};

#define TDD_5MS "tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"

static const struct link_case link_cases[] = {
    {"15 kHz n3 52 PRB", "pci = 321; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; mcc = \"001\"; mnc = \"01\";"
     " tac = 7; cell_id = 99; coreset0_index = 6;", 5000.0, 777, 10.0,
     "plmn=001-01,tac=7,cell_id=99,band=3,scs=15,carrier_prb=52,coreset0=6,ss0=0,tdd=none"},
    {"15 kHz n3 25 PRB", "pci = 77; band = 3; dl_arfcn = 368500; bandwidth_mhz = 5; mcc = \"310\"; mnc = \"410\";"
     " tac = 1; cell_id = 5; coreset0_index = 0; searchspace0_index = 4;", -5000.0, 3001, 10.0,
     "plmn=310-410,tac=1,cell_id=5,carrier_prb=25,coreset0=0,ss0=4"},
    {"30 kHz n78 TDD Case C", "pci = 402; band = 78; dl_arfcn = 632628; bandwidth_mhz = 20; scs_khz = 30;"
     " duplex = \"tdd\"; mcc = \"001\"; mnc = \"01\"; tac = 9; cell_id = 77; coreset0_index = 2;"
     " srsue_compatible = false; " TDD_5MS, 5000.0, 100, 10.0,
     "plmn=001-01,tac=9,cell_id=77,band=78,scs=30,carrier_prb=51,coreset0=2,tdd=5000us/7/6/2/4"},
    {"30 kHz n5 Case B", "pci = 501; band = 5; dl_arfcn = 176300; bandwidth_mhz = 20; scs_khz = 30; mcc = \"001\";"
     " mnc = \"02\"; tac = 12; cell_id = 3; coreset0_index = 2; srsue_compatible = false;", -5000.0, 2500, 10.0,
     "plmn=001-02,tac=12,cell_id=3,band=5,scs=30,carrier_prb=51,tdd=none"},
};
#define NOF_LINK_CASES ((int)(sizeof link_cases / sizeof link_cases[0]))
#define LINK_MS 80

/* gnbd's downlink for one configured cell, as the pipeline builds it (gnb/pipeline.c init_cell). */
struct gnb_tx {
    struct gnbd_config cfg;
    struct cell_geometry g;
    struct broadcast_sib1 b;
    struct sched_common sched;
    struct phy_dl dl;
    double fs;
    int spp;                   /* samples per slot */
};

static void gnb_tx_init(struct gnb_tx *t, const char *cell, bool fault_pdsch_scrambling)
{
    char text[1024];
    snprintf(text, sizeof text, "cell = { %s };", cell);
    config_geometry_register();
    ck_assert_int_eq(config_load_string(&t->cfg, text, "link", stderr), 0);
    ck_assert_int_eq(config_cell_geometry(&t->cfg, &t->g), 0);
    char err[400];
    ck_assert_msg(broadcast_sib1(&t->cfg, &t->g, &t->b, err, sizeof err) == 0, "%s", err);
    t->fs = config_default_sample_rate(&t->cfg.cell);
    struct phy_dl_config dc = {.pci = t->cfg.cell.pci, .nof_prb = t->g.nof_prb, .scs_khz = t->g.scs_khz,
                               .sample_rate_hz = t->fs, .f0_hz = (double)t->g.dl_freq_hz,
                               .ssb_first_subcarrier = t->g.ssb_first_subcarrier, .ssb_l_max = t->g.ssb_l_max,
                               .k_ssb = t->g.k_ssb, .fault_pdsch_scrambling = fault_pdsch_scrambling};
    ck_assert_int_eq(phy_dl_init(&t->dl, &dc), 0);
    ck_assert_int_eq(phy_dl_set_codeword(&t->dl, PHY_DL_CW_SIB1, &t->b.plan.dlsch, t->b.tb), 0);
    struct sched_common_config sc = {.scs_khz = t->g.scs_khz, .sib1 = true, .sib1_plan = t->b.plan};
    broadcast_ssb_burst(&t->cfg, &t->g, &sc.burst);
    broadcast_mib(&t->cfg, &t->g, &sc.mib);
    ck_assert_int_eq(sched_common_init(&t->sched, &sc), 0);
    t->spp = phy_dl_slot_samples(&t->dl);
}

/* The UE side as uesim.c wires it: ue_sync (slots on) + sib1_rx, knowing the ARFCNs, N_RB, rate, band. */
struct ue_rx {
    struct ue_sync sync;
    struct sib1_rx sib1;
    struct grid grid;
    struct sib1_rx_event ev;
    struct uesim_expect_sib1 expect;
    int scs_khz;
    bool tables_40mhz, armed;
    int found, expect_failures;
    struct ue_sync_event cell;
    int tbs, max_combined;             /* of the SIB1 PDSCHs received */
    float snr_db;
};

static void ue_rx_cb(void *ctx, const struct ue_sync_event *ev)
{
    struct ue_rx *u = ctx;
    char why[200];
    if (ev->type == UE_SYNC_EVENT_CELL_FOUND) {
        u->found++;
        u->cell = *ev;
        struct sib1_rx_cell c = {.pci = ev->cell.pci, .scs_khz = u->scs_khz, .ssb_first_sc = u->sync.cs.first_sc,
                                 .ssb_index = ev->pbch.ssb_index, .k_ssb = ev->pbch.k_ssb,
                                 .tables_40mhz = u->tables_40mhz, .mib = ev->mib};
        u->armed = ev->mib_ok && sib1_rx_set_cell(&u->sib1, &c, why, sizeof why) == 0;
    } else if (ev->type == UE_SYNC_EVENT_SLOT && sib1_rx_monitors(&u->sib1, ev->sfn, ev->slot)) {
        ck_assert_int_eq(ue_sync_demod_slot(&u->sync, ev, &u->grid), 0);
        ck_assert_int_eq(sib1_rx_slot(&u->sib1, &u->grid, ev->sfn, ev->slot, &u->ev), 0);
        if (u->ev.pdcch_found) {
            u->tbs = u->ev.tbs;
            u->snr_db = u->ev.snr_db;
            u->max_combined = u->ev.combined > u->max_combined ? u->ev.combined : u->max_combined;
        }
        if (u->ev.crc_ok && u->ev.rrc_rc == 0 && !uesim_sib1_matches(&u->expect, &u->ev.sib1, why, sizeof why)) {
            printf("  %s\n", why);
            u->expect_failures++;
        }
    }
}

static void ue_rx_init(struct ue_rx *u, const struct gnb_tx *t, const char *expect)
{
    memset(u, 0, sizeof(*u));
    const struct cell_geometry *g = &t->g;
    u->scs_khz = g->scs_khz;
    u->tables_40mhz = g->band_info->coreset0_tables_40mhz;
    int64_t off = g->ssb_offset_from_dc_hz, scs_hz = 1000LL * g->scs_khz;
    ck_assert_int_eq(off % scs_hz, 0);
    struct ue_sync_config c = {.search = {.sample_rate_hz = t->fs, .scs_khz = g->scs_khz, .pattern = g->ssb_pattern,
                                          .nof_prb = g->nof_prb, .f0_hz = (double)g->dl_freq_hz,
                                          .ssb_offset_sc = (int)(off / scs_hz), .l_max = g->ssb_l_max},
                               .slots = true};
    ck_assert_int_eq(ue_sync_init(&u->sync, &c, ue_rx_cb, u), 0);
    ck_assert_int_eq(sib1_rx_init(&u->sib1, &(struct sib1_rx_config){.nof_prb = g->nof_prb}), 0);
    ck_assert_int_eq(grid_init(&u->grid, 14, 12 * g->nof_prb), 0);
    ck_assert_int_eq(uesim_parse_expect_sib1(expect, &u->expect), 0);
}

static void link_free(struct gnb_tx *t, struct ue_rx *u)
{
    ue_sync_free(&u->sync);
    sib1_rx_free(&u->sib1);
    grid_free(&u->grid);
    phy_dl_free(&t->dl);
}

/* LINK_MS of gnbd's downlink through delay, CFO and AWGN into the UE. */
static void run_link(struct gnb_tx *t, struct ue_rx *u, const struct link_case *c)
{
    size_t spp = (size_t)t->spp, carry = (size_t)c->delay;
    cf_t *line = calloc(spp + carry, sizeof(cf_t));
    ck_assert(line != NULL);
    double sigma = isfinite(c->snr_db) ? sqrt(pow(10.0, -c->snr_db / 10.0) / 2.0) : 0.0;
    double w = 2.0 * M_PI * c->cfo_hz / t->fs;
    int slots = LINK_MS * t->g.scs_khz / 15;
    for (int s = 0; s < slots; s++) {
        struct dl_slot_request req;
        ck_assert_int_eq(sched_common_dl_slot(&t->sched, (uint64_t)s, &req), 0);
        ck_assert_int_eq(phy_dl_process(&t->dl, &req, line + carry), 0);
        for (size_t k = 0; k < spp; k++) {
            double n = (double)s * (double)spp + (double)k;
            line[k] *= (float)cos(w * n) + I * (float)sin(w * n);
            if (sigma > 0)
                line[k] += (float)(sigma * test_rng_gauss()) + I * (float)(sigma * test_rng_gauss());
        }
        ue_sync_push(&u->sync, line, spp);
        memmove(line, line + spp, carry * sizeof(cf_t));
    }
    free(line);
}

START_TEST(sib1_round_trip_through_gnbd_downlink)
{
    const struct link_case *c = &link_cases[_i];
    static struct gnb_tx t;
    static struct ue_rx u;
    test_rng_seed(0x5151 + (uint64_t)_i);
    gnb_tx_init(&t, c->cell, false);
    ue_rx_init(&u, &t, c->expect);
    run_link(&t, &u, c);
    const struct sib1_rx *r = &u.sib1;
    printf("%s (CFO %+.0f Hz, delay %d, %.0f dB): PCI %d, cfo %.1f Hz -> %.1f Hz tracked; SIB1 slot %d: %llu "
           "occasions, %llu PDCCH, %llu decoded, %llu CRC failed, SNR %.1f dB\n", c->name, c->cfo_hz, c->delay,
           c->snr_db, u.cell.cell.pci, u.cell.cfo_hz, u.sync.cfo_hz, t.b.plan.slot,
           (unsigned long long)r->occasions, (unsigned long long)r->pdcch_found, (unsigned long long)r->decoded,
           (unsigned long long)r->crc_failed, u.snr_db);
    ck_assert_int_eq(u.found, 1);
    ck_assert_int_eq(u.cell.cell.pci, t.cfg.cell.pci);
    ck_assert(u.armed);
    ck_assert(fabs(u.sync.cfo_hz - c->cfo_hz) < 100.0);
    ck_assert_int_eq(u.sync.stats.ssb_failed, 0);
    /* SIB1 every 20 ms: from the first occasion after the 20 ms search window on, each one decodes. */
    ck_assert_int_ge(r->decoded, LINK_MS / 20 - 2);
    ck_assert_int_eq(r->decoded, r->pdcch_found);
    ck_assert_int_eq(r->crc_failed, 0);
    ck_assert_int_eq(u.expect_failures, 0);
    ck_assert_int_eq(u.tbs, t.b.plan.tbs);
    link_free(&t, &u);
}
END_TEST

START_TEST(pdsch_scrambling_fault_fails_sib1_only)
{
    const struct link_case *c = &link_cases[0];
    static struct gnb_tx t;
    static struct ue_rx u;
    gnb_tx_init(&t, c->cell, true);
    ue_rx_init(&u, &t, c->expect);
    struct link_case clean = *c;
    clean.snr_db = INFINITY;
    run_link(&t, &u, &clean);
    const struct sib1_rx *r = &u.sib1;
    ck_assert_int_eq(u.found, 1);                 /* SSB and MIB untouched */
    ck_assert_int_ge(r->pdcch_found, LINK_MS / 20 - 2);   /* so is the PDCCH */
    ck_assert_int_eq(r->decoded, 0);
    ck_assert_int_eq(r->crc_failed, r->pdcch_found);
    ck_assert_int_ge(u.max_combined, 2);          /* the repetitions were combined, in vain */
    link_free(&t, &u);
}
END_TEST

/* --expect-sib1 on gnbd's own SIB1 (decoded from its bytes): the configured values match, a wrong one is named,
 * an unknown name is refused. */
START_TEST(sib1_expectations_match_and_report)
{
    static struct gnb_tx t;
    gnb_tx_init(&t, link_cases[2].cell, false);
    static struct rrc_sib1 sib1;
    ck_assert_int_eq(rrc_bcch_dl_sch_decode(t.b.msg, t.b.len, &sib1), 0);
    struct uesim_expect_sib1 e;
    char why[200] = "";
    ck_assert_int_eq(uesim_parse_expect_sib1(link_cases[2].expect, &e), 0);
    ck_assert(uesim_sib1_matches(&e, &sib1, why, sizeof why));
    ck_assert_int_eq(uesim_parse_expect_sib1("plmn=001-01,tdd=5000us/7/6/2/5", &e), 0);
    ck_assert(!uesim_sib1_matches(&e, &sib1, why, sizeof why));
    ck_assert_str_eq(why, "SIB1 tdd is 5000us/7/6/2/4, expected 5000us/7/6/2/5");
    ck_assert_int_eq(uesim_parse_expect_sib1("tac=9,colour=blue", &e), -EINVAL);
    ck_assert_int_eq(uesim_parse_expect_sib1("tac", &e), -EINVAL);
    phy_dl_free(&t.dl);
}
END_TEST

/* The per-UE lists of --ue-delay, --ue-gain-db and --drop-msg3, and what the parser refuses. */
START_TEST(per_ue_option_lists)
{
    double v[UESIM_MAX_UES];
    ck_assert_int_eq(uesim_parse_list("0,12", 0, 10000, true, v), 2);
    ck_assert(v[0] == 0 && v[1] == 12);
    ck_assert_int_eq(uesim_parse_list("0,-12.5", -60, 20, false, v), 2);
    ck_assert(v[1] == -12.5);
    ck_assert_int_eq(uesim_parse_list("1.5", 0, 16, true, v), -EINVAL);     /* not whole */
    ck_assert_int_eq(uesim_parse_list("3,,4", 0, 16, true, v), -EINVAL);
    ck_assert_int_eq(uesim_parse_list("3,", 0, 16, true, v), -EINVAL);
    ck_assert_int_eq(uesim_parse_list("17", 0, 16, true, v), -EINVAL);      /* out of range */
    ck_assert_int_eq(uesim_parse_list("x", 0, 16, true, v), -EINVAL);
    char many[4 * UESIM_MAX_UES + 8] = "1"; /* one entry more than there may be UEs */
    for (int i = 1; i <= UESIM_MAX_UES; i++) strcat(many, ",1");
    ck_assert_int_eq(uesim_parse_list(many, 0, 16, true, v), -EINVAL);
    many[strlen(many) - 2] = '\0';          /* exactly UESIM_MAX_UES */
    ck_assert_int_eq(uesim_parse_list(many, 0, 16, true, v), UESIM_MAX_UES);
    struct uesim_options o;
    char *ok[] = {"uesim", "--dl-arfcn", "368500", "--ssb-arfcn", "368410", "--nof-prb", "52", "--srate", "11.52e6",
                  "--attach", "2", "--concurrent", "--same-preamble", "--ue-gain-db", "0,-12", "--drop-msg3", "1"};
    optind = 1;
    ck_assert_int_eq(uesim_parse_args(17, ok, &o), 0);
    ck_assert(o.concurrent && o.same_preamble);
    ck_assert_int_eq(o.n_ue_gain, 2);
    ck_assert_int_eq(o.n_drop_msg3, 1);
    ck_assert(o.drop_msg3[0] == 1);
    char *too_many[] = {"uesim", "--dl-arfcn", "368500", "--ssb-arfcn", "368410", "--nof-prb", "52", "--srate",
                        "11.52e6", "--attach", "1", "--ue-delay", "3,4"};
    optind = 1;
    ck_assert_int_eq(uesim_parse_args(13, too_many, &o), -EINVAL);
    char *no_attach[] = {"uesim", "--dl-arfcn", "368500", "--ssb-arfcn", "368410", "--nof-prb", "52", "--srate",
                         "11.52e6", "--concurrent"};
    optind = 1;
    ck_assert_int_eq(uesim_parse_args(10, no_attach, &o), -EINVAL);
}
END_TEST

static Suite *uesim_sib1_suite(void)
{
    Suite *s = suite_create("uesim_sib1");
    TCase *v = tcase_create("vectors");
    tcase_add_checked_fixture(v, rx_setup, rx_teardown);
    tcase_add_test(v, pdcch_vectors_give_the_same_dci_blind);
    tcase_add_test(v, pdsch_vectors_give_their_tb);
    tcase_add_test(v, sib1_vectors_through_the_dci_grant);
    suite_add_tcase(s, v);
    TCase *l = tcase_create("link");
    tcase_set_timeout(l, 60);
    tcase_add_loop_test(l, sib1_round_trip_through_gnbd_downlink, 0, NOF_LINK_CASES);
    tcase_add_test(l, pdsch_scrambling_fault_fails_sib1_only);
    tcase_add_test(l, sib1_expectations_match_and_report);
    tcase_add_test(l, per_ue_option_lists);
    suite_add_tcase(s, l);
    return s;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    return check_run(uesim_sib1_suite());
}
