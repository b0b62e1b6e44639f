/* mac/ra: random access from the gNB side, against hand-worked values and srsUE's own reading:
 *  - the RAR UL grant bits (38.213 Table 8.2-1): srsUE logged "UL Grant: [00 e0 04 c0 ]" and "f_alloc=0x70 t_alloc=0x0
 *    mcs=2 tpc=3 csi=0" for Msg3 on PRBs 8..10 of 52: RIV = 52 (3 - 1) + 8 = 112 = 0x70;
 *  - T_A (38.213 4.2): 16 64 Tc / 2^mu per step, 0.52 us at 15 kHz: a 6-sample round trip at 11.52 Msps is 0.52 us -> 1;
 *  - the RAR no earlier than PRACH + 3 and not after the window, Msg3 at RAR + k2 + 2 (15 kHz), Msg4 after the RRC
 *    answer, its HARQ-ACK 4 slots later on the common PUCCH (row 11, r 0: PRBs 0 and N-1), NACK -> again with the
 *    next rv, ACK -> done; a RAR PDU the MAC RAR parser reads back with every preamble's RAPID, TA and TC-RNTI;
 *  - Msg3 retransmission by DCI 0_0 TC-RNTI (fields read back with dci_0_0_unpack), its PUSCH a combining
 *    retransmission, up to RA_MSG3_MAX_TX transmissions; with the UL map, on other PRBs when its own are taken. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "mac/mac_rar.h"
#include "mac/ra.h"
#include "phy/ch/dci.h"
#include "tests/unit/check_run.h"

static struct ra_config cfg52(void)
{
    struct ra_config c = {.pci = 1, .nof_prb = 52, .scs_khz = 15, .sample_rate_hz = 11.52e6,
                          .dmrs_type_a_position = 2, .pdsch_start_symbol = 1, .pdsch_nof_symbols = 13, .msg3_k2 = 4,
                          .ra_response_window = 10, .rar_mcs = 2, .msg3_prb_start = 8, .msg3_nof_prb = 3,
                          .msg3_mcs = 2, .pucch_resource_common = 11};
    ck_assert_int_eq(pdcch_coreset0(&c.coreset0, 1, 48, 1, 0, 1), 0);
    slot_pattern_init_fdd(&c.pattern);
    return c;
}

START_TEST(ul_grant_as_srsue_read_it)
{
    uint32_t g;
    ck_assert_int_eq(ra_ul_grant(52, 8, 3, 0, 2, &g), 0);
    /* hopping 0 | FDRA 14 bits = 112 | TDRA 0 | MCS 2 | TPC 3 | CSI 0: the fields srsUE printed for our grant
     * (f_alloc=0x70 t_alloc=0x0 mcs=2 tpc=3 csi=0). */
    ck_assert_uint_eq(g >> 26, 0);
    ck_assert_uint_eq((g >> 12) & 0x3fff, 0x70);
    ck_assert_uint_eq((g >> 8) & 0xf, 0);
    ck_assert_uint_eq((g >> 4) & 0xf, 2);
    ck_assert_uint_eq((g >> 1) & 0x7, 3);
    ck_assert_uint_eq(g & 1, 0);
    ck_assert_int_eq(ra_ul_grant(52, 50, 3, 0, 2, &g), -EINVAL);   /* past the BWP */
    ck_assert_int_eq(ra_ul_grant(52, 8, 3, 0, 16, &g), -EINVAL);   /* MCS has 4 bits */
    ck_assert_int_eq(ra_ul_grant(275, 100, 100, 0, 0, &g), -EINVAL); /* RIV 27325 > 2^14 - 1: cannot be sent */
}
END_TEST

START_TEST(timing_advance_steps)
{
    struct ra ra;
    struct ra_config c = cfg52();
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(ra_timing_advance(&ra, 0.0f), 0);
    ck_assert_int_eq(ra_timing_advance(&ra, 6.0f), 1);     /* 0.52 us */
    ck_assert_int_eq(ra_timing_advance(&ra, 120.0f), 20);  /* 10.4 us / 0.5208 us */
    ck_assert_int_eq(ra_timing_advance(&ra, -5.0f), 0);
    ck_assert_int_eq(ra_timing_advance(&ra, 1e6f), MAC_RAR_TA_MAX);
}
END_TEST

static struct tb_pool pool;

/* One DL slot of random access with a fresh PDCCH allocator (as mac.c begins one per slot): the UEs served (the
 * preambles a RAR answered, 1 for a Msg4 or a Msg3 retransmission grant). */
static int sched(struct ra *ra, uint64_t slot, bool usable, struct dl_slot_request *dl, struct tb_pool *p)
{
    static struct pdcch_alloc a;
    pdcch_alloc_begin(&a, (int)(slot % 10));
    int n_pdcch = ra_schedule_dl(ra, slot, usable, dl, p, &a);
    int served = 0;
    for (int e = 0; e < ra->n_ev; e++) served += ra->ev[e].n;
    ck_assert_int_eq(n_pdcch, ra->n_ev);
    return served;
}

START_TEST(rar_msg3_msg4_ack)
{
    struct ra ra;
    struct ra_config c = cfg52();
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    uint64_t p = 171; /* PRACH occasion of SFN 17 slot 1 */
    int tc = ra_preamble(&ra, p, 41, 6.0f, 0x0f);
    ck_assert_int_eq(tc, RA_FIRST_TC_RNTI);
    struct dl_slot_request dl = {0};
    ck_assert_int_eq(sched(&ra, p + 2, true, &dl, &pool), 0);   /* srsUE looks from p + 3 */
    ck_assert_int_eq(sched(&ra, p + 3, false, &dl, &pool), 0);  /* an SSB/SIB1 slot */
    ck_assert_int_eq(sched(&ra, p + 4, true, &dl, &pool), 1);
    ck_assert_int_eq(dl.n_pdcch, 1);
    ck_assert_int_eq(dl.pdcch[0].rnti, 0x0f);
    ck_assert_int_eq(dl.pdcch[0].first_cce, 0);
    ck_assert_int_eq(dl.pdcch[0].dci_len, dci_1_0_size(DCI_RNTI_RA, 48));
    ck_assert_int_eq(dl.n_pdsch, 1);
    ck_assert_int_eq(dl.pdsch[0].codeword, PHY_DL_CW_TB);
    ck_assert_int_eq(dl.pdsch[0].grant.rnti, 0x0f);
    ck_assert_int_eq(dl.pdsch[0].dlsch.g, pdsch_nof_bits(&dl.pdsch[0].grant));
    struct mac_rar_pdu rp;
    ck_assert_int_eq(mac_rar_parse(dl.pdsch[0].tb, (size_t)dl.pdsch[0].dlsch.tbs / 8, &rp), 0);
    ck_assert_int_eq(rp.n, 1);
    ck_assert_int_eq(rp.rar[0].rapid, 41);
    ck_assert_int_eq(rp.rar[0].ta, 1);
    ck_assert_int_eq(rp.rar[0].tc_rnti, tc);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    /* Msg3 in p + 4 + 4 + 2 */
    uint64_t m3 = ra_msg3_slot(&ra, p + 4);
    ck_assert_uint_eq(m3, p + 10);
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(ra_schedule_ul(&ra, m3 - 1, &ul), 0);
    ck_assert_int_eq(ra_schedule_ul(&ra, m3, &ul), 1);
    ck_assert_int_eq(ul.pusch[0].grant.rnti, tc);
    ck_assert_int_eq(ul.pusch[0].grant.crb_start, 8);
    ck_assert_int_eq(ul.pusch[0].grant.dmrs.additional_position, 2);
    ck_assert_int_ge(ul.pusch[0].tb.tbs, 56);
    struct ra_proc *pr = ra_msg3_received(&ra, m3, (uint16_t)tc, true);
    ck_assert_ptr_nonnull(pr);
    memcpy(pr->con_res_id, "\x1a\x44\x0d\xbf\xfb\xc6", 6);
    ck_assert_int_eq(ra_dl_ccch(&ra, 0x4699, (const uint8_t *)"x", 1, true), -ENOENT);
    uint8_t setup[103];
    memset(setup, 0x5a, sizeof setup);
    ck_assert_int_eq(ra_dl_ccch(&ra, (uint16_t)tc, setup, sizeof setup, true), 0);
    /* Msg4: DCI 1_0 TC-RNTI, MAC PDU = ConRes ID + CCCH SDU, HARQ-ACK 4 slots later on PRBs 0 / 51. */
    memset(&dl, 0, sizeof dl);
    uint64_t m4 = m3 + 2;
    ck_assert_int_eq(sched(&ra, m4, true, &dl, &pool), 1);
    ck_assert_int_eq(dl.pdcch[0].rnti, tc);
    struct mac_pdu_rx rx;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, dl.pdsch[0].tb, (size_t)dl.pdsch[0].dlsch.tbs / 8, &rx, NULL), 0);
    ck_assert_int_ge(rx.n, 2);
    ck_assert_int_eq(rx.sub[0].lcid, MAC_LCID_DL_CON_RES_ID);
    ck_assert_mem_eq(dl.pdsch[0].tb + rx.sub[0].offset, "\x1a\x44\x0d\xbf\xfb\xc6", 6);
    ck_assert_int_eq(rx.sub[1].lcid, MAC_LCID_CCCH);
    ck_assert_int_eq(rx.sub[1].length, sizeof setup);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    memset(&ul, 0, sizeof ul);
    ck_assert_int_eq(ra_schedule_ul(&ra, m4 + RA_MSG4_K1, &ul), 1);
    ck_assert_int_eq(ul.n_pucch, 1);
    ck_assert_int_eq(ul.pucch[0].cfg.res.format, PUCCH_FORMAT_1);
    ck_assert_int_eq(ul.pucch[0].cfg.res.start_prb, 0);
    ck_assert_int_eq(ul.pucch[0].cfg.res.second_hop_prb, 51);
    /* NACK: Msg4 again with rv 2; then ACK. */
    pr = ra_msg4_feedback(&ra, m4 + RA_MSG4_K1, (uint16_t)tc, false);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->state, RA_MSG4_DUE);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, m4 + 6, true, &dl, &pool), 1);
    ck_assert_int_eq(dl.pdsch[0].dlsch.rv, 2);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    pr = ra_msg4_feedback(&ra, m4 + 6 + RA_MSG4_K1, (uint16_t)tc, true);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->state, RA_DONE);
    tb_pool_free(&pool);
}
END_TEST

START_TEST(window_expiry_and_full_table)
{
    struct ra ra;
    struct ra_config c = cfg52();
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    ck_assert_int_gt(ra_preamble(&ra, 100, 3, 0, 0x0f), 0);
    struct dl_slot_request dl = {0};
    for (uint64_t s = 103; s <= 112; s++) ck_assert_int_eq(sched(&ra, s, false, &dl, &pool), 0);
    ck_assert_int_eq(sched(&ra, 113, true, &dl, &pool), 0);   /* past p + 3 + 10 - 1 */
    ck_assert_uint_eq(ra.stats.rar_missed_window, 1);
    for (int i = 0; i < RA_MAX_PROCS; i++) ck_assert_int_gt(ra_preamble(&ra, 200, i % 64, 0, 0x0f), 0);
    ck_assert_int_eq(ra_preamble(&ra, 200, 5, 0, 0x0f), -ENOSPC);
    /* the preamble left unanswered puts a Backoff Indicator (60 ms) in front of the next RAR, and only that one */
    struct mac_rar_pdu rp;
    for (int k = 0; k < 2; k++) {
        memset(&dl, 0, sizeof dl);
        ck_assert_int_eq(sched(&ra, 203 + (uint64_t)k, true, &dl, &pool), 4);
        ck_assert_int_eq(mac_rar_parse(dl.pdsch[0].tb, (size_t)dl.pdsch[0].dlsch.tbs / 8, &rp), 0);
        ck_assert_int_eq(rp.has_bi, k == 0);
        if (k == 0) ck_assert_int_eq(mac_rar_backoff_ms(rp.bi), 60);
        ck_assert_int_eq(rp.n, 4);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    }
    ck_assert_uint_eq(ra.stats.backoffs, 1);
    ra_reset(&ra);
    ck_assert_int_gt(ra_preamble(&ra, 300, 5, 0, 0x0f), 0);
    tb_pool_free(&pool);
}
END_TEST

/* With the MAC's UL map: the Msg3s of one RAR go where its slot has room (around a PUSCH already granted there and
 * the standing regions), each RAR grant's FDRA names those PRBs, and a slot without room for a Msg3 gets no RAR
 * (counted) until one with room comes. */
START_TEST(msg3_placed_by_ul_map)
{
    static struct ra ra;
    static struct ul_map map;
    struct ra_config c = cfg52();
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(ul_map_init(&map, 52), 0);
    ck_assert_int_eq(ul_map_template(&map, 0, 8, UL_MAP_ALL_SYMBOLS, UL_OWNER_PRACH), 0);
    ck_assert_int_eq(ul_map_template(&map, 46, 6, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUCCH_DEDICATED), 0);
    ra.ul_map = &map;
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    uint64_t p = 40, rar = p + 3, m3 = ra_msg3_slot(&ra, rar);
    /* a UE's PUSCH already in the Msg3 slot at PRBs 9..20 */
    ck_assert_int_eq(ul_map_reserve(&map, m3, 9, 12, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    for (int i = 0; i < 3; i++) ck_assert_int_gt(ra_preamble(&ra, p, 10 + i, 0, 0x0f), 0);
    struct dl_slot_request dl = {0};
    ck_assert_int_eq(sched(&ra, rar, true, &dl, &pool), 3);
    struct mac_rar_pdu rp;
    ck_assert_int_eq(mac_rar_parse(dl.pdsch[0].tb, (size_t)dl.pdsch[0].dlsch.tbs / 8, &rp), 0);
    ck_assert_int_eq(rp.n, 3);
    /* PRB 8 alone is free below the PUSCH: the Msg3s take 21..23, 24..26, 27..29 */
    static const int expect[3] = {21, 24, 27};
    for (int i = 0; i < 3; i++) {
        uint32_t g;
        ck_assert_int_eq(ra_ul_grant(52, expect[i], 3, 0, 2, &g), 0);
        ck_assert_uint_eq(rp.rar[i].ul_grant, g);
        ck_assert_int_eq(ul_map_owner(&map, m3, expect[i]), UL_OWNER_MSG3);
    }
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(ra_schedule_ul(&ra, m3, &ul), 3);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(ul.pusch[i].grant.crb_start, expect[i]);
    /* the next RAR slot's Msg3 slot is full: no RAR there, one in the slot after */
    ck_assert_int_gt(ra_preamble(&ra, p + 1, 20, 0, 0x0f), 0);
    ck_assert_int_eq(ul_map_reserve(&map, m3 + 1, 8, 38, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, rar + 1, true, &dl, &pool), 0);
    ck_assert_uint_eq(ra.stats.msg3_no_room, 1);
    ck_assert_int_eq(sched(&ra, rar + 2, true, &dl, &pool), 1);
    ck_assert_int_eq(ul_map_owner(&map, m3 + 2, 8), UL_OWNER_MSG3);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    tb_pool_free(&pool);
}
END_TEST

/* Msg3 retransmission (38.321 5.4.2; 38.213 8.3): a Msg3 CRC failure -> DCI 0_0 with CRC scrambled by the TC-RNTI
 * in SS#1 (no PDSCH) whose fields are the same PRBs (RIV 0x70 for 8..10 of 52) and MCS, HARQ 0, NDI 0, rv 2, in the
 * first DL slot whose PUSCH (k2 = 4 later) is UL and free of other Msg3s; PHY UL is asked for a retransmission
 * (new_data false, rv 2, HARQ 0) there; CRC OK then ends Msg3 as usual. Four failures release the procedure. */
START_TEST(msg3_retransmission)
{
    struct ra ra;
    struct ra_config c = cfg52();
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    uint64_t p = 171;
    int tc = ra_preamble(&ra, p, 41, 0.0f, 0x0f);
    struct dl_slot_request dl = {0};
    ck_assert_int_eq(sched(&ra, p + 4, true, &dl, &pool), 1);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    uint64_t m3 = ra_msg3_slot(&ra, p + 4);
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(ra_schedule_ul(&ra, m3, &ul), 1);
    ck_assert(ul.pusch[0].tb.new_data);
    ck_assert_int_eq(ul.pusch[0].tb.rv, 0);
    ck_assert_int_eq(ul.pusch[0].harq_id, 0);
    struct ra_proc *pr = ra_msg3_received(&ra, m3, (uint16_t)tc, false);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->state, RA_MSG3_RETX_DUE);
    /* A second preamble's RAR whose Msg3 lands where the retransmission would: that slot is skipped. */
    int tc2 = ra_preamble(&ra, m3 - 1, 7, 0.0f, 0x10);
    memset(&dl, 0, sizeof dl);
    uint64_t d = m3 + 3; /* the MAC hears of the failure after scheduling m3 + k (2) */
    ck_assert_int_eq(sched(&ra, d, true, &dl, &pool), 1); /* the RAR of tc2 (Msg3 in d + 6) */
    ck_assert_int_eq(dl.pdcch[0].rnti, 0x10);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, d + 1, false, &dl, &pool), 0); /* SSB slot */
    ck_assert_int_eq(sched(&ra, d + 2, true, &dl, &pool), 0);  /* its PUSCH d + 6 holds tc2's Msg3 */
    ck_assert_int_eq(dl.n_pdcch, 0);
    ck_assert_int_eq(sched(&ra, d + 3, true, &dl, &pool), 1);
    ck_assert_int_eq(dl.n_pdcch, 1);
    ck_assert_int_eq(dl.n_pdsch, 0);
    ck_assert_int_eq(dl.pdcch[0].rnti, tc);
    ck_assert_int_eq(dl.pdcch[0].first_cce, 0);
    ck_assert_int_eq(dl.pdcch[0].dci_len, dci_1_0_size(DCI_RNTI_TC, 48));
    struct dci_0_0 g;
    ck_assert_int_eq(dci_0_0_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, 52, &g), 0);
    ck_assert_uint_eq(g.frequency_domain_assignment, 0x70);
    ck_assert_uint_eq(g.time_domain_assignment, 0);
    ck_assert_uint_eq(g.mcs, 2);
    ck_assert_uint_eq(g.ndi, 0);
    ck_assert_uint_eq(g.rv, 2);
    ck_assert_uint_eq(g.harq_process, 0);
    ck_assert_uint_eq(ra.stats.msg3_retx, 1);
    uint64_t r3 = d + 3 + 4; /* DCI + k2, no Delta */
    ck_assert_uint_eq(pr->msg3_slot, r3);
    memset(&ul, 0, sizeof ul);
    ck_assert_int_eq(ra_schedule_ul(&ra, r3, &ul), 1);
    ck_assert_int_eq(ul.pusch[0].grant.rnti, tc);
    ck_assert_int_eq(ul.pusch[0].grant.crb_start, 8);
    ck_assert(!ul.pusch[0].tb.new_data);
    ck_assert_int_eq(ul.pusch[0].tb.rv, 2);
    ck_assert_int_eq(ul.pusch[0].harq_id, 0);
    ck_assert_ptr_null(ra_msg3_received(&ra, m3, (uint16_t)tc, true)); /* the old slot: nothing due there */
    pr = ra_msg3_received(&ra, r3, (uint16_t)tc, true);
    ck_assert_ptr_nonnull(pr);
    ck_assert_int_eq(pr->state, RA_MSG3_DONE);
    /* tc2: fails four times (RAR grant + 3 retransmissions, rv 0 2 3 1), then released. */
    uint64_t s = d + 6;
    static const int rv[4] = {0, 2, 3, 1};
    for (int k = 0; k < RA_MSG3_MAX_TX; k++) {
        memset(&ul, 0, sizeof ul);
        ck_assert_int_eq(ra_schedule_ul(&ra, s, &ul), 1);
        ck_assert_int_eq(ul.pusch[0].grant.rnti, tc2);
        ck_assert_int_eq(ul.pusch[0].tb.rv, rv[k]);
        pr = ra_msg3_received(&ra, s, (uint16_t)tc2, false);
        ck_assert_ptr_nonnull(pr);
        if (k == RA_MSG3_MAX_TX - 1) break;
        memset(&dl, 0, sizeof dl);
        ck_assert_int_eq(sched(&ra, s + 3, true, &dl, &pool), 1);
        s = s + 3 + 4;
    }
    ck_assert_int_eq(pr->state, RA_FREE);
    ck_assert_uint_eq(ra.stats.msg3_given_up, 1);
    ck_assert_uint_eq(ra.stats.msg3_retx, 4);
    /* A retransmission that never finds a slot is given up after RA_MSG3_RETX_WAIT slots. */
    int tc3 = ra_preamble(&ra, 1000, 9, 0.0f, 0x11);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, 1004, true, &dl, &pool), 1);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_ptr_nonnull(ra_msg3_received(&ra, 1010, (uint16_t)tc3, false));
    for (uint64_t t = 1011; t <= 1010 + RA_MSG3_RETX_WAIT + 1; t++) sched(&ra, t, false, &dl, &pool);
    ck_assert_uint_eq(ra.stats.msg3_given_up, 2);
    /* TDD (10-slot period, slots 8 and 9 UL): the retransmission waits for a DCI slot whose PUSCH is UL. */
    ck_assert_int_eq(slot_pattern_init_tdd(&c.pattern, 10, 7, 0, 2, 0), 0);
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    int tc4 = ra_preamble(&ra, 100, 1, 0.0f, 0x0f);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, 103, true, &dl, &pool), 1); /* Msg3 in 109: UL */
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_ptr_nonnull(ra_msg3_received(&ra, 109, (uint16_t)tc4, false));
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, 112, true, &dl, &pool), 0); /* PUSCH 116: DL */
    ck_assert_int_eq(sched(&ra, 113, true, &dl, &pool), 0); /* 117: the special slot */
    ck_assert_int_eq(sched(&ra, 114, true, &dl, &pool), 1); /* 118: UL */
    ck_assert_int_eq(slot_pattern_ul_symbols(&c.pattern, ra.proc[0].msg3_slot), SLOT_ALL_SYMBOLS);
    ck_assert_uint_eq(ra.proc[0].msg3_slot, 118);
    /* With the UL map (FDD again): the retransmission's own PRBs are taken in its slot by a UE's PUSCH, so it goes
     * to the lowest free run of 3, which the DCI and the PUSCH request name. */
    static struct ul_map map;
    slot_pattern_init_fdd(&c.pattern);
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(ul_map_init(&map, 52), 0);
    ck_assert_int_eq(ul_map_template(&map, 0, 8, UL_MAP_ALL_SYMBOLS, UL_OWNER_PRACH), 0);
    ra.ul_map = &map;
    ul_map_advance(&map, 303);
    int tc5 = ra_preamble(&ra, 300, 2, 0.0f, 0x0f);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, 303, true, &dl, &pool), 1); /* Msg3 in 309 at PRB 8 */
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_int_eq(ra.proc[0].msg3_prb, 8);
    ck_assert_ptr_nonnull(ra_msg3_received(&ra, 309, (uint16_t)tc5, false));
    ul_map_advance(&map, 312);
    ck_assert_int_eq(ul_map_reserve(&map, 316, 8, 12, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUSCH), 0);
    memset(&dl, 0, sizeof dl);
    ck_assert_int_eq(sched(&ra, 312, true, &dl, &pool), 1);
    ck_assert_int_eq(dci_0_0_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, 52, &g), 0);
    int start, len;
    ck_assert_int_eq(dci_riv_decode(52, g.frequency_domain_assignment, &start, &len), 0);
    ck_assert_int_eq(start, 20);
    ck_assert_int_eq(len, 3);
    ck_assert_int_eq(ul_map_owner(&map, 316, 20), UL_OWNER_MSG3);
    memset(&ul, 0, sizeof ul);
    ck_assert_int_eq(ra_schedule_ul(&ra, 316, &ul), 1);
    ck_assert_int_eq(ul.pusch[0].grant.crb_start, 20);
    ck_assert(!ul.pusch[0].tb.new_data);
    tb_pool_free(&pool);
}
END_TEST


/* Several random-access DCIs in one slot: with SS#1 at AL4 x 2 (CCEs 0, 4) and AL8 x 1 on CORESET#0's 8 CCEs, the
 * RARs of three RA-RNTIs due together take both AL4 candidates (PDSCHs on disjoint CORESET#0 RBs), the third is
 * deferred (no free candidate) and goes out in the next slot. Msg4 keeps its first CCE below N_CCE / 2 = 4 (with
 * PRI 0, r_PUCCH = floor(2 n_CCE,0 / 8) must be 0, 38.213 9.2.1): with CCEs 0-3 taken it waits. */
START_TEST(several_in_one_slot)
{
    struct ra ra;
    struct ra_config c = cfg52();
    c.ss1_candidates[2] = 2;
    c.ss1_candidates[3] = 1;
    ck_assert_int_eq(ra_init(&ra, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 8, 4096), 0);
    static struct ul_map map;
    ck_assert_int_eq(ul_map_init(&map, 52), 0);
    ul_map_advance(&map, 100);
    ra.ul_map = &map;
    int t1 = ra_preamble(&ra, 100, 5, 0.0f, 0x0f);
    ck_assert_int_ge(ra_preamble(&ra, 100, 9, 0.0f, 0x1d), 0);
    ck_assert_int_ge(ra_preamble(&ra, 100, 11, 0.0f, 0x2b), 0);
    static struct pdcch_alloc a;
    struct dl_slot_request dl = {0};
    pdcch_alloc_begin(&a, 3);
    ck_assert_int_eq(ra_schedule_dl(&ra, 103, true, &dl, &pool, &a), 2);
    ck_assert_int_eq(dl.n_pdcch, 2);
    ck_assert_int_eq(dl.n_pdsch, 2);
    ck_assert_int_eq(dl.pdcch[0].al, 4);
    ck_assert_int_eq(dl.pdcch[1].al, 4);
    ck_assert_int_ne(dl.pdcch[0].first_cce, dl.pdcch[1].first_cce);
    ck_assert_int_ne(dl.pdcch[0].rnti, dl.pdcch[1].rnti);
    const struct pdsch_grant *g0 = &dl.pdsch[0].grant, *g1 = &dl.pdsch[1].grant;
    ck_assert(g0->crb_start + g0->nof_rb <= g1->crb_start || g1->crb_start + g1->nof_rb <= g0->crb_start);
    for (int i = 0; i < 2; i++) { /* inside CORESET#0 (CRBs 1..48), its RIV counted from CRB 1 */
        const struct pdsch_grant *g = &dl.pdsch[i].grant;
        ck_assert(g->crb_start >= 1 && g->crb_start + g->nof_rb <= 49);
        struct dci_1_0 d;
        int start, n;
        ck_assert_int_eq(dci_1_0_unpack(dl.pdcch[i].dci, dl.pdcch[i].dci_len, DCI_RNTI_RA, 48, &d), 0);
        ck_assert_int_eq(dci_riv_decode(48, d.frequency_domain_assignment, &start, &n), 0);
        ck_assert_int_eq(start + 1, g->crb_start);
        tb_pool_give_back(&pool, dl.pdsch[i].tb_index);
    }
    ck_assert_uint_eq(a.deferred, 1);
    memset(&dl, 0, sizeof dl);
    pdcch_alloc_begin(&a, 4);
    ck_assert_int_eq(ra_schedule_dl(&ra, 104, true, &dl, &pool, &a), 1);
    ck_assert_int_eq(dl.pdcch[0].rnti, 0x2b);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    /* Msg4 of t1 (its Msg3 in 103 + 4 + 2) */
    ck_assert_ptr_nonnull(ra_msg3_received(&ra, 109, (uint16_t)t1, true));
    uint8_t setup[103] = {0};
    ck_assert_int_eq(ra_dl_ccch(&ra, (uint16_t)t1, setup, sizeof setup, true), 0);
    memset(&dl, 0, sizeof dl);
    pdcch_alloc_begin(&a, 5);
    ck_assert_int_eq(pdcch_alloc_mark(&a, &c.coreset0, 0, 4), 0);
    ck_assert_int_eq(ra_schedule_dl(&ra, 115, true, &dl, &pool, &a), 0);   /* CCE 4 would be r_PUCCH 1 */
    pdcch_alloc_begin(&a, 6);
    ck_assert_int_eq(ra_schedule_dl(&ra, 116, true, &dl, &pool, &a), 1);
    ck_assert_int_eq(dl.pdcch[0].rnti, t1);
    ck_assert_int_eq(dl.pdcch[0].first_cce, 0);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    tb_pool_free(&pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ra");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ul_grant_as_srsue_read_it);
    tcase_add_test(tc, timing_advance_steps);
    tcase_add_test(tc, rar_msg3_msg4_ack);
    tcase_add_test(tc, window_expiry_and_full_table);
    tcase_add_test(tc, msg3_placed_by_ul_map);
    tcase_add_test(tc, msg3_retransmission);
    tcase_add_test(tc, several_in_one_slot);
    suite_add_tcase(s, tc);
    return check_run(s);
}
