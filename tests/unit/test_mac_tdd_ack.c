/* mac/ue in TDD (n78 DDDDDDDSUU at 30 kHz, UL slots 8 and 9): UE PDSCHs in every DL slot with the dynamic HARQ-ACK
 * codebook (mac/harq_ack.h), checked against values written out by hand from the pattern:
 *  - a full-buffer UE gets a PDSCH in each of DL slots 0..6 (DCI 1_1: k1 8, 7, 6, 5, 4, 4, 12 as indices 4, 3, 2,
 *    1, 0, 0, 7 of dl-DataToUL-ACK {4, 5, 6, 7, 8, 9, 10, 12}); counter DAI 0, 1, 2, 3, 0 for the five PDSCHs
 *    acknowledged in slot 8, 0 for slot 9's and 18's;
 *  - UL slot 8 asks for PUCCH format 2 on the UE's set-1 resource with 5 HARQ-ACK bits + the SR bit (its SR
 *    occasion), slot 9 for format 1 with 1 bit; each received bit lands on the process of that PDSCH: ACKed ones
 *    are freed, NACKed ones retransmitted with the same process and NDI; a set SR bit is an SR;
 *  - DCI 1_0 (no 256QAM): only k1 <= 8, so slot 6 carries no UE PDSCH;
 *  - a UE with a PUSCH in a UL slot gets at most 2 HARQ-ACK bits there (on the PUSCH), and no grant for a slot
 *    whose codebook has more;
 *  - two UEs sharing a format 2 resource (contexts 0 and 7) never both use format 2 in one UL slot. */
#include <check.h>
#include <string.h>

#include "mac/ue.h"
#include "phy/ch/dci.h"
#include "tests/unit/check_run.h"

#define RNTI 0x4601

static struct tb_pool pool;
static struct mac_ues u;

static struct mac_drb_config drb_cfg(void)
{
    struct mac_drb_config d = {.drb_id = 1, .lcid = 4, .rlc = rlc_am_config_srb_default, .pdcp_sn_bits = 18};
    d.rlc.sn_bits = 18;
    d.rlc.max_sdu_bytes = MAC_DRB_MAX_SDU + 8;
    return d;
}

static void setup(bool dci_1_1, int n_ues)
{
    struct mac_ue_config c = {.pci = 1, .nof_prb = 51, .scs_khz = 30, .dmrs_type_a_position = 2, .k2 = 4,
                              .grant_prb_start = 8, .grant_nof_prb = 12, .grant_mcs = 4, .grant_max_prb = 20,
                              .grant_period = 5, .sr_period = 10, .dl_mcs = 16, .dl_256qam = dci_1_1,
                              .uss_non_fallback = dci_1_1};
    ck_assert_int_eq(slot_pattern_init_tdd(&c.pattern, 10, 7, 6, 2, 4), 0);
    c.css = (struct ra_config){.pci = 1, .nof_prb = 51, .scs_khz = 30, .sample_rate_hz = 23.04e6,
                               .dmrs_type_a_position = 2, .pdsch_start_symbol = 1, .pdsch_nof_symbols = 13,
                               .msg3_k2 = 4, .ra_response_window = 10, .rar_mcs = 2, .msg3_prb_start = 8,
                               .msg3_nof_prb = 3, .msg3_mcs = 2, .pucch_resource_common = 11};
    ck_assert_int_eq(pdcch_coreset0(&c.css.coreset0, 1, 48, 1, 0, 1), 0);
    c.css.pattern = c.pattern;
    c.dci_1_1 = (struct dci_1_1_config){.n_rb_bwp = 51, .nof_tdra_rows = 1, .dynamic_harq_codebook = true,
                                        .nof_dl_data_to_ul_ack = 8};
    c.dci_0_1 = (struct dci_0_1_config){.n_rb_bwp = 51, .nof_tdra_rows = 1, .dynamic_harq_codebook = true};
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 8, 51 * 12 * 14 * 8 / 8 + 16), 0);
    for (int i = 0; i < n_ues; i++) {
        int ctx = 7 * i; /* contexts 0, 7: the same format 2 symbol pair (mac/ue_res.h) */
        struct mac_ue *ue = mac_ue_add(&u, (uint16_t)(RNTI + i), 0, ctx);
        ck_assert_ptr_nonnull(ue);
        ue->setup_complete = true;
        struct mac_drb_config d = drb_cfg();
        ck_assert_int_eq(mac_ues_drb_setup(&u, (uint16_t)(RNTI + i), &d), 0);
    }
}

static void teardown(void)
{
    mac_ues_free(&u);
    tb_pool_free(&pool);
}

/* Full buffer. Nobody answers RLC AM here: its DRB is set up again (re-established) every 10 slots so that its
 * transmit window never fills. */
static void fill_queues(int n_ues, uint64_t slot)
{
    static uint8_t pkt[1400];
    struct mac_drb_config d = drb_cfg();
    for (int i = 0; i < n_ues; i++)
        if (slot % 10 == 0) ck_assert_int_eq(mac_ues_drb_setup(&u, (uint16_t)(RNTI + i), &d), 0);
    for (int i = 0; i < n_ues; i++)
        while (mac_ues_dl_data(&u, (uint16_t)(RNTI + i), 1, pkt, sizeof pkt) == 0) {
        }
}

/* The slot's DL (a fresh PDCCH allocator, as mac.c begins one); the PDSCH buffers go back at once. */
static void dl_slot(uint64_t slot, struct dl_slot_request *dl)
{
    static struct pdcch_alloc a;
    memset(dl, 0, sizeof *dl);
    dl->slot_in_frame = (int)(slot % 20);
    pdcch_alloc_begin(&a, dl->slot_in_frame);
    mac_ues_schedule_dl(&u, slot, slot % 10 < 7, slot % 10 == 4 || slot % 10 == 5, true, dl, &pool, &a);
    for (int i = 0; i < dl->n_pdsch; i++) tb_pool_give_back(&pool, dl->pdsch[i].tb_index);
}

/* The DCI 1_1 of the slot's one PDSCH. */
static void dci_of(const struct dl_slot_request *dl, struct dci_1_1 *e)
{
    for (int i = 0; i < dl->n_pdcch; i++)
        if (dl->pdcch[i].dci[0] == 1) {
            ck_assert_int_eq(dci_1_1_unpack(dl->pdcch[i].dci, dl->pdcch[i].dci_len, &u.cfg.dci_1_1, e), 0);
            return;
        }
    ck_abort_msg("no DL DCI");
}

START_TEST(every_dl_slot_one_codebook)
{
    setup(true, 1);
    fill_queues(1, 1);
    static const uint32_t k1_field[7] = {4, 3, 2, 1, 0, 0, 7}, dai[7] = {0, 1, 2, 3, 0, 0, 0};
    uint32_t hid_of[7], ndi_of[7];
    struct dl_slot_request dl;
    for (uint64_t s = 100; s < 107; s++) {
        dl_slot(s, &dl);
        ck_assert_int_eq(dl.n_pdsch, 1);
        struct dci_1_1 e;
        dci_of(&dl, &e);
        ck_assert_uint_eq(e.harq_feedback_timing, k1_field[s - 100]);
        ck_assert_uint_eq(e.dai, dai[s - 100]);
        ck_assert_uint_eq(e.pucch_resource, 0);
        hid_of[s - 100] = e.harq_process;
        ndi_of[s - 100] = e.ndi;
    }
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < i; j++) ck_assert_uint_ne(hid_of[i], hid_of[j]);
    /* UL slot 108: format 2, 5 HARQ-ACK bits + 1 SR bit (context 0's SR offset is slot 8 of the period) */
    struct ul_slot_request ul = {0};
    mac_ues_schedule_ul(&u, 108, &ul);
    ck_assert_int_eq(ul.n_pucch, 1);
    const struct ul_pucch_req *q = &ul.pucch[0];
    ck_assert_int_eq(q->purpose, UL_PUCCH_HARQ_ACK);
    ck_assert_int_eq(q->cfg.res.format, PUCCH_FORMAT_2);
    ck_assert_int_eq(q->nof_bits, 6);
    ck_assert_int_eq(q->cfg.res.start_prb, u.ue[0].res.f2_prb);
    ck_assert_int_eq(q->cfg.res.start_symbol, u.ue[0].res.f2_symbol);
    ck_assert_int_eq(q->cfg.res.nof_symbols, 2);
    /* bits: slots 100, 102, 103 ACK; 101, 104 NACK; SR */
    struct ul_pucch_result r = {.req = *q, .res = {.verdict = PUCCH_RX_VALID, .nbits = 6, .bits = {1, 0, 1, 1, 0, 1}}};
    ck_assert(mac_ue_pucch(&u, 108, &r));
    const struct mac_ue *ue = &u.ue[0];
    static const bool acked[5] = {true, false, true, true, false};
    for (int i = 0; i < 5; i++) {
        const struct mac_dl_harq *h = &ue->dl_harq[hid_of[i]];
        ck_assert_msg(h->busy == !acked[i] && h->retx_due == !acked[i], "PDSCH of slot %d", 100 + i);
    }
    ck_assert(ue->sr_pending);
    ck_assert_uint_eq(u.stats.ack_codebooks_f2, 1);
    /* UL slot 109: the PDSCH of slot 105 alone, format 1 resource 0, 1 bit */
    memset(&ul, 0, sizeof ul);
    mac_ues_schedule_ul(&u, 109, &ul);
    ck_assert_int_eq(ul.n_pucch, 1);
    ck_assert_int_eq(ul.pucch[0].cfg.res.format, PUCCH_FORMAT_1);
    ck_assert_int_eq(ul.pucch[0].nof_bits, 1);
    r = (struct ul_pucch_result){.req = ul.pucch[0], .res = {.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}}};
    ck_assert(mac_ue_pucch(&u, 109, &r));
    ck_assert(!ue->dl_harq[hid_of[5]].busy);
    /* the NACKed ones come back first, same process and NDI */
    dl_slot(110, &dl);
    ck_assert_int_eq(dl.n_pdsch, 1);
    struct dci_1_1 e;
    dci_of(&dl, &e);
    ck_assert(e.harq_process == hid_of[1] || e.harq_process == hid_of[4]);
    ck_assert_uint_eq(e.ndi, ndi_of[e.harq_process == hid_of[1] ? 1 : 4]);
    ck_assert_uint_ne(e.rv, 0);
    ck_assert_uint_eq(e.dai, 1); /* the second of UL slot 118's codebook, after slot 106's (k1 12) */
    teardown();
}
END_TEST

START_TEST(dci_1_0_reaches_k1_8)
{
    setup(false, 1);
    fill_queues(1, 1);
    struct dl_slot_request dl;
    for (uint64_t s = 100; s < 107; s++) {
        dl_slot(s, &dl);
        ck_assert_int_eq(dl.n_pdsch, s == 106 ? 0 : 1);
        if (s == 106) continue;
        struct dci_1_0 d;
        ck_assert_int_eq(dci_1_0_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, DCI_RNTI_C, 51, &d), 0);
        static const uint32_t field[6] = {7, 6, 5, 4, 3, 3}, dai[6] = {0, 1, 2, 3, 0, 0};
        ck_assert_uint_eq(d.harq_feedback_timing, field[s - 100]); /* k1 - 1 */
        ck_assert_uint_eq(d.dai, dai[s - 100]);
    }
    teardown();
}
END_TEST

/* Many periods, UL data and DL data both ways, results all ACK: the invariants of the PUSCH and format 2 rules. */
static void run_invariants(int n_ues)
{
    setup(true, n_ues);
    int multi = 0, f2 = 0;
    for (uint64_t s = 100; s < 400; s++) {
        fill_queues(n_ues, s);
        for (int i = 0; i < n_ues; i++) u.ue[7 * i].bsr_bytes = u.ue[7 * i].grant_bytes + 5000; /* UL data waits */
        struct dl_slot_request dl;
        if (s % 10 < 7) dl_slot(s, &dl);
        if (s % 10 < 8) continue;
        struct ul_slot_request ul = {0};
        mac_ues_schedule_ul(&u, s, &ul);
        int f2_here = 0;
        for (int i = 0; i < ul.n_pusch; i++) {
            ck_assert_int_le(ul.pusch[i].grant.uci.n_ack, 2);
            for (int k = 0; k < ul.n_pucch; k++)
                ck_assert(ul.pucch[k].cfg.rnti != ul.pusch[i].grant.rnti ||
                          ul.pucch[k].purpose == UL_PUCCH_SR);
            struct ul_pusch_result pr = {.req = ul.pusch[i], .rc = 0};
            pr.res.crc_ok = false; /* no TB to parse: only the HARQ-ACK counts here */
            pr.res.n_ack = ul.pusch[i].grant.uci.n_ack;
            for (int b = 0; b < pr.res.n_ack; b++) pr.res.ack[b] = 1;
            multi += pr.res.n_ack > 1;
            mac_ue_pusch(&u, mac_ue_find(&u, ul.pusch[i].grant.rnti), s, &pr, NULL);
        }
        for (int k = 0; k < ul.n_pucch; k++) {
            const struct ul_pucch_req *q = &ul.pucch[k];
            f2_here += q->cfg.res.format == PUCCH_FORMAT_2;
            struct ul_pucch_result r = {.req = *q, .res = {.verdict = PUCCH_RX_VALID, .nbits = q->nof_bits}};
            for (int b = 0; b < q->nof_bits; b++) r.res.bits[b] = 1;
            if (q->purpose == UL_PUCCH_SR) r.res.verdict = PUCCH_RX_DTX;
            multi += q->purpose == UL_PUCCH_HARQ_ACK && q->nof_bits > 1;
            ck_assert(mac_ue_pucch(&u, s, &r));
        }
        ck_assert_int_le(f2_here, 1); /* contexts 0 and 7 share the format 2 resource */
        f2 += f2_here;
    }
    for (int i = 0; i < n_ues; i++) ck_assert_uint_eq(u.ue[7 * i].dl_nacks, 0);
    ck_assert_uint_eq(u.stats.dl_ko, 0);
    /* 30 periods: UL slot 8 takes the 4-5 PDSCHs of slots 0-4 on format 2 (no PUSCH there: the grant waits), slot
     * 9 slot 5's on its PUSCH; with two UEs the second gets 2 bits where the first has format 2 */
    ck_assert_int_ge(f2, 25);
    ck_assert_int_ge(multi, 25 * n_ues);
    teardown();
}

START_TEST(pusch_takes_two_bits_at_most)
{
    run_invariants(1);
}
END_TEST

START_TEST(format_2_not_shared_in_a_slot)
{
    run_invariants(2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac_tdd_ack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_dl_slot_one_codebook);
    tcase_add_test(tc, dci_1_0_reaches_k1_8);
    tcase_add_test(tc, pusch_takes_two_bits_at_most);
    tcase_add_test(tc, format_2_not_shared_in_a_slot);
    suite_add_tcase(s, tc);
    return check_run(s);
}
