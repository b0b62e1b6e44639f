/* mac/ue: connected UEs in the MAC, driven slot by slot as mac.c drives them, with the DCIs read back bit by bit
 * (dci_0_0_unpack / dci_1_0_unpack) and the MAC PDUs parsed (mac_pdu_parse):
 *  - UL grants: DCI 0_0 C-RNTI in SS#2 (CORESET#1, a candidate of the C-RNTI's in that slot), HARQ process, NDI
 *    toggled per new TB, rv 0, PUSCH k2 = 4 later with the
 *    same PRBs; CRC KO -> the same process, NDI and PRBs with rv 2, 3, 1 and a combining PUSCH request; dropped
 *    after MAC_UE_UL_MAX_TX (ul_ko); a PUSCH never reported counts as failed;
 *  - SR -> a grant of the default size; BSR -> the fewest PRBs whose TBS (38.214 6.1.4.2, computed here with
 *    tbs_compute) holds the reported bytes (Table 6.1.3.1-1 upper end) + overhead; the top level -> all PRBs the
 *    MAC may use; no further grant once the BSR is covered;
 *  - SRB1 DL HARQ: NACK -> the same bytes, HARQ process and NDI, rv 2; ACK -> next TB toggles NDI; dropped after
 *    MAC_UE_DL_MAX_TX (dl_ko);
 *  - TA: offsets -> a Timing Advance Command CE (LCID 61, TAG 0, T_A = 31 + round(offset / 6 samples)) in a
 *    padding PDSCH, nothing for small offsets, measurements during the hold ignored, a UE 20 samples late
 *    converging in a few commands;
 *  - with the UL map: grants where the slot has room, a retransmission moved (same PRB count) when its PRBs are
 *    taken, a BSR grant shrunk to the longest free run;
 *  - a malformed PDU counted, contexts gone after mac_ues_reset (counters kept). */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "mac/ue.h"
#include "phy/ch/dci.h"
#include "phy/fec/tbs.h"
#include "tests/unit/check_run.h"

#define RNTI 0x4601
#define START_PRB 8

static struct tb_pool pool;

static struct mac_ue_config cfg52(void)
{
    struct mac_ue_config c = {.pci = 1, .nof_prb = 52, .scs_khz = 15, .dmrs_type_a_position = 2, .k2 = 4,
                              .grant_prb_start = START_PRB, .grant_nof_prb = 12, .grant_mcs = 4,
                              .grant_max_prb = 40, .grant_period = 5, .sr_period = 10};
    slot_pattern_init_fdd(&c.pattern);
    c.css = (struct ra_config){.pci = 1, .nof_prb = 52, .scs_khz = 15, .sample_rate_hz = 11.52e6,
                               .dmrs_type_a_position = 2, .pdsch_start_symbol = 1, .pdsch_nof_symbols = 13,
                               .msg3_k2 = 4, .ra_response_window = 10, .rar_mcs = 2, .msg3_prb_start = START_PRB,
                               .msg3_nof_prb = 3, .msg3_mcs = 2, .pucch_resource_common = 11};
    ck_assert_int_eq(pdcch_coreset0(&c.css.coreset0, 1, 48, 1, 0, 1), 0);
    slot_pattern_init_fdd(&c.css.pattern);
    return c;
}

static struct mac_ues u;

static struct mac_ue *setup(void)
{
    struct mac_ue_config c = cfg52();
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    struct mac_ue *ue = mac_ue_add(&u, RNTI, 0, 0);
    ck_assert_ptr_nonnull(ue);
    return ue;
}

static void teardown(void)
{
    mac_ues_free(&u);
    tb_pool_free(&pool);
}

/* One DL slot: what mac_ues_schedule_dl put in dl (PDCCHs), with a fresh PDCCH allocator as mac.c begins one. */
static int dl_slot(uint64_t slot, struct dl_slot_request *dl)
{
    static struct pdcch_alloc a;
    memset(dl, 0, sizeof *dl);
    dl->slot_in_frame = (int)(slot % 10);
    pdcch_alloc_begin(&a, dl->slot_in_frame);
    return mac_ues_schedule_dl(&u, slot, true, true, true, dl, &pool, &a);
}

/* The PDCCH is in SS#2 on CORESET#1 (the default RRCSetup's: 48 RBs from CRB 0, non-interleaved) on one of the
 * UE's candidates of its aggregation level in that slot (38.213 10.1); with uss_non_fallback a DCI 1_1 / 0_1 has
 * the UE's 1_1 / 0_1 size, else 1_0's. */
static void in_uss(const struct dl_slot_request *dl, const struct dl_pdcch *p)
{
    ck_assert_int_eq(p->coreset.crb_start, 0);
    ck_assert_int_eq(p->coreset.nof_rb, 48);
    ck_assert(!p->coreset.interleaved);
    int f[PDCCH_MAX_CANDIDATES], n = pdcch_alloc_candidates(&u.cfg.uss, p->al, p->rnti, dl->slot_in_frame, f);
    bool found = false;
    for (int m = 0; m < n; m++) found |= f[m] == p->first_cce;
    ck_assert(found);
    int fallback = dci_1_0_size(DCI_RNTI_C, 52);
    ck_assert_int_eq(p->dci_len, !u.cfg.uss_non_fallback ? fallback
                                 : p->dci[0] == 1        ? dci_1_1_size(&u.cfg.dci_1_1)
                                                         : dci_0_1_size(&u.cfg.dci_0_1));
}

/* The UL grant in dl: DCI 0_0 for RNTI, read back. */
static struct dci_0_0 ul_grant(const struct dl_slot_request *dl)
{
    ck_assert_int_eq(dl->n_pdcch, 1);
    ck_assert_int_eq(dl->n_pdsch, 0);
    ck_assert_int_eq(dl->pdcch[0].rnti, RNTI);
    in_uss(dl, &dl->pdcch[0]);
    struct dci_0_0 d;
    ck_assert_int_eq(dci_0_0_unpack(dl->pdcch[0].dci, dl->pdcch[0].dci_len, 52, &d), 0);
    return d;
}

/* The PRBs the UL grant in dl gives: first and count. */
static struct dci_0_0 grant_span(const struct dl_slot_request *dl, int *start, int *n)
{
    struct dci_0_0 d = ul_grant(dl);
    ck_assert_int_eq(dci_riv_decode(52, d.frequency_domain_assignment, start, n), 0);
    return d;
}

static int grant_prbs(const struct dci_0_0 *d)
{
    int start, n;
    ck_assert_int_eq(dci_riv_decode(52, d->frequency_domain_assignment, &start, &n), 0);
    ck_assert_int_eq(start, START_PRB);
    return n;
}

/* The PUSCH request of slot for RNTI. */
static struct ul_pusch_req pusch_req(uint64_t slot)
{
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(mac_ues_schedule_ul(&u, slot, &ul), 1);
    ck_assert_int_eq(ul.pusch[0].grant.rnti, RNTI);
    return ul.pusch[0];
}

/* A PUSCH result for q: CRC ok or not, the MAC PDU in tb (tb_bytes), timing ta. */
static void pusch_result(struct mac_ue *ue, uint64_t slot, const struct ul_pusch_req *q, bool ok, const uint8_t *tb,
                         int tb_bytes, float ta)
{
    struct ul_pusch_result r = {.req = *q, .rc = 0, .res = {.crc_ok = ok, .ta_samples = ta, .snr_db = 20},
                                .tb_bytes = tb_bytes, .tb = tb};
    mac_ue_pusch(&u, ue, slot, &r, tb);
}

/* A UL MAC PDU of tbs bytes: a short BSR (LCG 0, index bs) when bs >= 0, padding. */
static int ul_pdu(uint8_t *buf, int tbs_bytes, int bs)
{
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, buf, (size_t)tbs_bytes);
    if (bs >= 0) {
        uint8_t ce = (uint8_t)bs; /* LCG ID 0 in the 3 MSBs */
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &ce, 1), 0);
    }
    return (int)mac_pdu_finish(&b);
}

START_TEST(ul_grants_harq)
{
    struct mac_ue *ue = setup();
    struct dl_slot_request dl;
    /* Before RRCSetupComplete: a grant of the default 12 PRBs, HARQ 0, NDI 1, rv 0. */
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    struct dci_0_0 d = ul_grant(&dl);
    ck_assert_uint_eq(d.harq_process, 0);
    ck_assert_uint_eq(d.ndi, 1);
    ck_assert_uint_eq(d.rv, 0);
    ck_assert_uint_eq(d.mcs, 4);
    ck_assert_int_eq(grant_prbs(&d), 12);
    ck_assert_int_eq(dl_slot(101, &dl), 0); /* one PUSCH in flight */
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(mac_ues_schedule_ul(&u, 103, &ul), 0);
    struct ul_pusch_req q = pusch_req(104);
    ck_assert_int_eq(q.grant.crb_start, START_PRB);
    ck_assert_int_eq(q.grant.nof_rb, 12);
    ck_assert_int_eq(q.harq_id, 0);
    ck_assert(q.tb.new_data);
    ck_assert_int_eq(q.tb.rv, 0);
    /* CRC KO: retransmissions rv 2, 3, 1 on HARQ 0, NDI unchanged, no new data; then dropped. */
    uint8_t tb[512];
    static const int rv[4] = {0, 2, 3, 1};
    uint64_t s = 104;
    for (int k = 1; k < MAC_UE_UL_MAX_TX; k++) {
        pusch_result(ue, s, &q, false, tb, q.tb.tbs / 8, 0);
        ck_assert_int_eq(dl_slot(s + 3, &dl), 1); /* no grant-period wait for a retransmission */
        d = ul_grant(&dl);
        ck_assert_uint_eq(d.harq_process, 0);
        ck_assert_uint_eq(d.ndi, 1);
        ck_assert_uint_eq(d.rv, (uint32_t)rv[k]);
        ck_assert_int_eq(grant_prbs(&d), 12);
        s += 3 + 4;
        q = pusch_req(s);
        ck_assert(!q.tb.new_data);
        ck_assert_int_eq(q.tb.rv, rv[k]);
        ck_assert_int_eq(q.harq_id, 0);
        ck_assert_int_eq(q.grant.nof_rb, 12);
    }
    ck_assert_uint_eq(ue->ul_retx, 3);
    pusch_result(ue, s, &q, false, tb, q.tb.tbs / 8, 0);
    ck_assert_uint_eq(ue->ul_ko, 1);
    /* Next: a new TB on HARQ 1 (NDI 1: its first), rv 0. */
    ck_assert_int_eq(dl_slot(s + 3, &dl), 1);
    d = ul_grant(&dl);
    ck_assert_uint_eq(d.harq_process, 1);
    ck_assert_uint_eq(d.rv, 0);
    s += 7;
    q = pusch_req(s);
    ck_assert(q.tb.new_data);
    ck_assert_int_eq(q.harq_id, 1);
    int n = ul_pdu(tb, q.tb.tbs / 8, -1);
    pusch_result(ue, s, &q, true, tb, n, 0);
    ck_assert_uint_eq(ue->ul_tx, 2);
    ck_assert_uint_eq(u.stats.ul_retx, 3);
    ck_assert_uint_eq(u.stats.ul_ko, 1);
    /* The grant period holds the next new grant (no SR, no BSR: before setup, every 5 slots). */
    uint64_t g = s - 4 + 5; /* the DCI of HARQ 1 was in s - 4 */
    ck_assert_int_eq(dl_slot(g - 1, &dl), 0);
    ck_assert_int_eq(dl_slot(g, &dl), 1);
    d = ul_grant(&dl);
    ck_assert_uint_eq(d.harq_process, 2);
    /* Its PUSCH never reported: after MAC_UE_RESULT_WAIT slots it counts as failed and is retransmitted. */
    ck_assert_int_eq(dl_slot(g + 4 + MAC_UE_RESULT_WAIT, &dl), 0);
    ck_assert_int_eq(dl_slot(g + 5 + MAC_UE_RESULT_WAIT, &dl), 1);
    d = ul_grant(&dl);
    ck_assert_uint_eq(d.harq_process, 2);
    ck_assert_uint_eq(d.rv, 2);
    ck_assert_uint_eq(u.stats.results_lost, 1);
    teardown();
}
END_TEST

/* Several PUSCHs in flight: with a BSR not covered a grant in every slot, each on a HARQ process of its own, each
 * PUSCH request carrying its process; a CRC failure retransmits that process only, the others' results are
 * matched by their own process and slot; a BSR discounts the new TBs granted after its PUSCH. */
START_TEST(ul_harq_pipeline)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    ue->sr_pending = true;
    mac_ue_mark(&u, ue);
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    struct ul_pusch_req q = pusch_req(104);
    uint8_t tb[4096];
    int n = ul_pdu(tb, q.tb.tbs / 8, 31); /* the top index: more than the 40-PRB grants carry for a while */
    pusch_result(ue, 104, &q, true, tb, n, 0);
    int hid[6];
    bool used[MAC_UE_UL_HARQ] = {false};
    for (int k = 0; k < 6; k++) {
        ck_assert_int_eq(dl_slot(105 + (uint64_t)k, &dl), 1);
        struct dci_0_0 d = ul_grant(&dl);
        ck_assert_uint_lt(d.harq_process, MAC_UE_UL_HARQ);
        ck_assert(!used[d.harq_process]);
        used[d.harq_process] = true;
        ck_assert_uint_eq(d.rv, 0);
        ck_assert_int_eq(grant_prbs(&d), 40);
        hid[k] = (int)d.harq_process;
    }
    ck_assert_uint_eq(ue->ul_tx, 7);
    /* the PUSCHs of 109..114, each with its process; 110's CRC fails */
    for (int k = 0; k < 6; k++) {
        uint64_t s = 109 + (uint64_t)k;
        q = pusch_req(s);
        ck_assert_int_eq(q.harq_id, hid[k]);
        ck_assert(q.tb.new_data);
        if (k < 4) {
            n = ul_pdu(tb, q.tb.tbs / 8, k == 3 ? 0 : -1); /* 112's: BSR 0, nothing left */
            pusch_result(ue, s, &q, k != 1, tb, n, 0);
        }
        if (k == 1) { /* 110's failure: its process in the next DCI slot, before any new TB */
            ck_assert_int_eq(dl_slot(111, &dl), 1);
            struct dci_0_0 d = ul_grant(&dl);
            ck_assert_uint_eq(d.harq_process, (uint32_t)hid[1]);
            ck_assert_uint_eq(d.rv, 2);
        }
    }
    ck_assert_uint_eq(ue->ul_retx, 1);
    ck_assert_uint_eq(ue->pusch_ko, 1);
    /* the BSR of 0 in 112's PUSCH: nothing to grant beyond what is in flight */
    ck_assert_uint_eq(ue->bsr_bytes, 0);
    ck_assert_int_eq(dl_slot(113, &dl), 0);
    q = pusch_req(115); /* 111's retransmission */
    ck_assert_int_eq(q.harq_id, hid[1]);
    ck_assert(!q.tb.new_data);
    ck_assert_int_eq(q.tb.rv, 2);
    teardown();
}
END_TEST

/* PRBs for `bytes` at MCS 4 (Table 5.1.3.1-1: Qm 2, R 308/1024), 14 symbols, DM-RS pos2 type 1 with 2 CDM groups
 * without data (3 x 12 REs per PRB): the fewest whose TBS holds bytes + MAC_UE_UL_OVERHEAD. */
static int expected_tbs(int n)
{
    struct tbs_cfg t = {.n_prb = n, .n_symb_sh = 14, .n_dmrs_prb = 36, .layers = 1, .qm = 2, .r_x1024 = 308};
    return tbs_compute(&t);
}

static int expected_prbs(uint64_t bytes, int max)
{
    for (int n = 1; n <= max; n++)
        if ((uint64_t)expected_tbs(n) >= 8 * (bytes + MAC_UE_UL_OVERHEAD)) return n;
    return max;
}

START_TEST(sr_and_bsr_grants)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 0); /* connected, nothing reported: no grant */
    /* SR on its occasion (context 0: slot % 10 == its offset, PUCCH F1 resource 2 of mac/ue_res.h) -> a grant of
     * 12 PRBs. */
    uint64_t sr = 100 + (uint64_t)ue->res.sr_offset;
    ck_assert_uint_lt(sr, 110);
    struct ul_slot_request ul = {0};
    mac_ues_schedule_ul(&u, sr, &ul);
    ck_assert_int_eq(ul.n_pucch, 1);
    ck_assert_int_eq(ul.pucch[0].purpose, UL_PUCCH_SR);
    ck_assert_int_eq(ul.pucch[0].cfg.res.time_domain_occ, ue->res.sr_occ);
    ck_assert_int_eq(ul.pucch[0].cfg.res.start_prb, ue->res.f1_prb);
    struct ul_pucch_result pr = {.req = ul.pucch[0], .res = {.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}}};
    ck_assert(mac_ue_pucch(&u, sr, &pr));
    ck_assert(ue->sr_pending);
    ck_assert_int_eq(dl_slot(110, &dl), 1);
    struct dci_0_0 d = ul_grant(&dl);
    ck_assert_int_eq(grant_prbs(&d), 12);
    ck_assert(!ue->sr_pending);
    /* Its PUSCH reports BSR index 6 of Table 6.1.3.1-1 (38 < BS <= 53 bytes: the MAC takes 53). */
    struct ul_pusch_req q = pusch_req(114);
    uint8_t tb[4096];
    int n = ul_pdu(tb, q.tb.tbs / 8, 6);
    pusch_result(ue, 114, &q, true, tb, n, 0);
    uint32_t lo, hi;
    ck_assert_int_eq(mac_bsr_range(6, false, &lo, &hi), 0);
    ck_assert_uint_eq(hi, 53);
    ck_assert_uint_eq(ue->bsr_bytes, hi);
    ck_assert_int_eq(dl_slot(115, &dl), 1); /* the SR grant's DCI was in 110: 5 slots on */
    d = ul_grant(&dl);
    int want = expected_prbs(hi, 40);
    ck_assert_int_lt(want, 12); /* smaller than the default: the BSR sized it */
    ck_assert_int_eq(grant_prbs(&d), want);
    q = pusch_req(119);
    ck_assert_int_eq(q.grant.nof_rb, want);
    n = ul_pdu(tb, q.tb.tbs / 8, -1);
    pusch_result(ue, 119, &q, true, tb, n, 0);
    ck_assert_int_eq(dl_slot(125, &dl), 0); /* the BSR is covered: no more grants */
    /* The top index (> 150000 bytes): all 40 PRBs the MAC may use; a BSR of 0 then stops the grants. */
    ck_assert_int_eq(dl_slot(126, &dl), 0);
    ue->sr_pending = true;
    mac_ue_mark(&u, ue); /* as mac.c does when it sets it (a C-RNTI Msg3) */
    ck_assert_int_eq(dl_slot(127, &dl), 1);
    q = pusch_req(131);
    n = ul_pdu(tb, q.tb.tbs / 8, 31);
    pusch_result(ue, 131, &q, true, tb, n, 0);
    ck_assert_int_eq(dl_slot(132, &dl), 1);
    d = ul_grant(&dl);
    ck_assert_int_eq(grant_prbs(&d), 40);
    q = pusch_req(136);
    ck_assert_int_eq(q.grant.nof_rb, 40);
    n = ul_pdu(tb, q.tb.tbs / 8, 0);
    pusch_result(ue, 136, &q, true, tb, n, 0);
    ck_assert_uint_eq(ue->bsr_bytes, 0);
    ck_assert_int_eq(dl_slot(150, &dl), 0);
    teardown();
}
END_TEST

/* The SRB1 PDSCH in dl: DCI 1_0 C-RNTI read back, the MAC PDU parsed. */
static struct dci_1_0 srb1_pdsch(const struct dl_slot_request *dl, struct mac_pdu_rx *rx)
{
    ck_assert_int_eq(dl->n_pdcch, 1);
    ck_assert_int_eq(dl->n_pdsch, 1);
    ck_assert_int_eq(dl->pdsch[0].grant.rnti, RNTI);
    struct dci_1_0 d;
    in_uss(dl, &dl->pdcch[0]);
    ck_assert_int_eq(dci_1_0_unpack(dl->pdcch[0].dci, dl->pdcch[0].dci_len, DCI_RNTI_C, 52, &d), 0);
    int start, n; /* RIV over the BWP from CRB 0 (a UE-specific search space) */
    ck_assert_int_eq(dci_riv_decode(52, d.frequency_domain_assignment, &start, &n), 0);
    ck_assert_int_eq(start, dl->pdsch[0].grant.crb_start);
    ck_assert_int_eq(n, dl->pdsch[0].grant.nof_rb);
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, dl->pdsch[0].tb, (size_t)dl->pdsch[0].dlsch.tbs / 8, rx, NULL), 0);
    ck_assert_uint_eq(d.rv, (uint32_t)dl->pdsch[0].dlsch.rv);
    return d;
}

/* The HARQ-ACK of slot on PUCCH resource 0 (after the SR resource on an SR occasion, heard as DTX): ack or NACK. */
static void harq_ack(uint64_t slot, bool ack)
{
    struct ul_slot_request ul = {0};
    mac_ues_schedule_ul(&u, slot, &ul);
    ck_assert_int_ge(ul.n_pucch, 1);
    int k = ul.n_pucch - 1;
    ck_assert_int_eq(ul.pucch[k].purpose, UL_PUCCH_HARQ_ACK);
    if (k > 0) {
        struct ul_pucch_result dtx = {.req = ul.pucch[0], .res = {.verdict = PUCCH_RX_DTX}};
        ck_assert(mac_ue_pucch(&u, slot, &dtx));
    }
    struct ul_pucch_result r = {.req = ul.pucch[k], .res = {.verdict = PUCCH_RX_VALID, .nbits = 1,
                                                            .bits = {ack ? 1 : 0}}};
    ck_assert(mac_ue_pucch(&u, slot, &r));
}

START_TEST(dl_harq_retx)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    uint8_t sdu[40];
    memset(sdu, 0x3c, sizeof sdu);
    ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    struct mac_pdu_rx rx;
    struct dci_1_0 d = srb1_pdsch(&dl, &rx);
    uint32_t hid = d.harq_process;
    ck_assert_uint_lt(hid, MAC_UE_DL_HARQ);
    ck_assert_uint_eq(d.ndi, 1); /* a process's first TB: NDI toggled from Msg4's 0 */
    ck_assert_uint_eq(d.rv, 0);
    ck_assert_uint_eq(d.harq_feedback_timing, 3); /* k1 = 4 */
    uint32_t ndi = d.ndi;
    ck_assert_int_eq(rx.n, 1);
    ck_assert_int_eq(rx.sub[0].lcid, MAC_LCID_SRB1);
    int tbs = dl.pdsch[0].dlsch.tbs;
    uint8_t first[MAC_UE_DL_TB_MAX];
    memcpy(first, dl.pdsch[0].tb, (size_t)tbs / 8);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_int_eq(dl_slot(101, &dl), 0); /* waiting for its HARQ-ACK */
    /* NACK -> the same TB, HARQ process and NDI, rv 2, then 3, 1; the fourth NACK drops it. */
    static const int rv[4] = {0, 2, 3, 1};
    uint64_t s = 100;
    for (int k = 1; k < MAC_UE_DL_MAX_TX; k++) {
        harq_ack(s + 4, false);
        s += 4 + 3;
        ck_assert_int_eq(dl_slot(s, &dl), 1);
        d = srb1_pdsch(&dl, &rx);
        ck_assert_uint_eq(d.ndi, ndi);
        ck_assert_uint_eq(d.rv, (uint32_t)rv[k]);
        ck_assert_uint_eq(d.harq_process, hid);
        ck_assert_int_eq(dl.pdsch[0].dlsch.tbs, tbs);
        ck_assert_mem_eq(dl.pdsch[0].tb, first, (size_t)tbs / 8);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    }
    harq_ack(s + 4, false);
    ck_assert_uint_eq(ue->dl_retx, 3);
    ck_assert_uint_eq(ue->dl_ko, 1);
    /* A new TB (RLC AM's retransmission after the poll, or nothing): NDI toggled, rv 0; ACK ends it. */
    ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, 10), 0);
    s += 4 + 3;
    ck_assert_int_eq(dl_slot(s, &dl), 1);
    d = srb1_pdsch(&dl, &rx);
    if (d.harq_process == hid) ck_assert_uint_eq(d.ndi, ndi ^ 1u); /* else another process's first TB */
    ck_assert_uint_eq(d.rv, 0);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    harq_ack(s + 4, true);
    for (int k = 0; k < MAC_UE_DL_HARQ; k++) ck_assert(!ue->dl_harq[k].busy);
    ck_assert_uint_eq(ue->dl_acks, 1);
    ck_assert_uint_eq(u.stats.dl_retx, 3);
    teardown();
}
END_TEST

/* MAC_UE_DL_HARQ TBs in flight: a new TB in each slot on a process of its own (NDI 1: each process's first) until
 * every process waits for its HARQ-ACK; then a NACK retransmits only its process (same NDI and bytes, rv 2), an
 * ACK frees its process for a new TB (NDI toggled), and a HARQ-ACK never reported is a failure after
 * MAC_UE_RESULT_WAIT slots (that process alone sent again). */
START_TEST(dl_harq_pipeline)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    uint8_t sdu[40];
    for (int k = 0; k < 12; k++) {
        memset(sdu, k, sizeof sdu);
        ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
    }
    struct dl_slot_request dl;
    struct mac_pdu_rx rx;
    uint32_t hid[MAC_UE_DL_HARQ];
    uint8_t kept[MAC_UE_DL_HARQ][64];
    bool used[16] = {false};
    for (int k = 0; k < MAC_UE_DL_HARQ; k++) {
        ck_assert_int_eq(dl_slot(100 + (uint64_t)k, &dl), 1);
        struct dci_1_0 d = srb1_pdsch(&dl, &rx);
        ck_assert_uint_lt(d.harq_process, MAC_UE_DL_HARQ);
        ck_assert(!used[d.harq_process]);
        used[d.harq_process] = true;
        ck_assert_uint_eq(d.ndi, 1);
        ck_assert_uint_eq(d.rv, 0);
        ck_assert_uint_eq(d.harq_feedback_timing, 3);
        hid[k] = d.harq_process;
        ck_assert_int_le(dl.pdsch[0].dlsch.tbs / 8, 64);
        memcpy(kept[k], dl.pdsch[0].tb, (size_t)dl.pdsch[0].dlsch.tbs / 8);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    }
    ck_assert_int_eq(dl_slot(108, &dl), 0); /* every process waits */
    ck_assert_uint_eq(ue->dl_pdus, MAC_UE_DL_HARQ);
    harq_ack(104, true);   /* slot 100's TB */
    harq_ack(105, false);  /* slot 101's: sent again */
    /* 106 (slot 102's) never reported */
    harq_ack(107, true);   /* slot 103's */
    ck_assert_int_eq(dl_slot(109, &dl), 1); /* the retransmission comes first */
    struct dci_1_0 d = srb1_pdsch(&dl, &rx);
    ck_assert_uint_eq(d.harq_process, hid[1]);
    ck_assert_uint_eq(d.ndi, 1);
    ck_assert_uint_eq(d.rv, 2);
    ck_assert_mem_eq(dl.pdsch[0].tb, kept[1], (size_t)dl.pdsch[0].dlsch.tbs / 8);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    for (uint64_t s = 110; s < 112; s++) { /* new TBs on the two processes ACKed: NDI toggled */
        ck_assert_int_eq(dl_slot(s, &dl), 1);
        d = srb1_pdsch(&dl, &rx);
        ck_assert(d.harq_process == hid[0] || d.harq_process == hid[3]);
        ck_assert_uint_eq(d.ndi, 0);
        ck_assert_uint_eq(d.rv, 0);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    }
    ck_assert_int_eq(dl_slot(112, &dl), 0);
    ck_assert_uint_eq(ue->dl_retx, 1);
    /* slot 102's HARQ-ACK (due in 106) is lost after MAC_UE_RESULT_WAIT slots: its process alone goes again */
    uint64_t s = 113;
    for (; s <= 106 + MAC_UE_RESULT_WAIT; s++) ck_assert_int_eq(dl_slot(s, &dl), 0);
    ck_assert_uint_eq(u.stats.results_lost, 0);
    /* the ones of 104..111 (due 108..115) were not reported either: lost in turn, each retransmitted alone */
    ck_assert_int_eq(dl_slot(s, &dl), 1);
    d = srb1_pdsch(&dl, &rx);
    ck_assert_uint_eq(d.harq_process, hid[2]);
    ck_assert_uint_eq(d.rv, 2);
    ck_assert_mem_eq(dl.pdsch[0].tb, kept[2], (size_t)dl.pdsch[0].dlsch.tbs / 8);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_uint_eq(u.stats.results_lost, 1);
    ck_assert_uint_eq(ue->dl_retx, 2);
    teardown();
}
END_TEST

/* HARQ-ACK on PUSCH (38.213 9.3): a PDSCH and a UL grant of one UE in the same DCI slot (k1 = k2 = 4): the PUSCH
 * request carries one HARQ-ACK bit with RRCSetup's beta offset and scaling and no PUCCH is asked for; the bit
 * the PUSCH result carries decides (ACK frees the process, DTX retransmits), CRC or not. */
START_TEST(harq_ack_on_pusch)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    uint8_t sdu[40] = {0};
    for (int round = 0; round < 2; round++) {
        uint64_t t = 101 + 20 * (uint64_t)round;
        ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
        ue->sr_pending = true;
        mac_ue_mark(&u, ue);
        struct dl_slot_request dl;
        ck_assert_int_eq(dl_slot(t, &dl), 2); /* both in one slot */
        ck_assert_int_eq(dl.n_pdsch, 1);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
        struct dci_1_0 d;
        int k = dl.pdcch[0].dci[0] == 1 ? 0 : 1; /* the DL DCI: format identifier 1 */
        ck_assert_int_eq(dci_1_0_unpack(dl.pdcch[k].dci, dl.pdcch[k].dci_len, DCI_RNTI_C, 52, &d), 0);
        struct ul_slot_request ul = {0};
        ck_assert_int_eq(mac_ues_schedule_ul(&u, t + 4, &ul), 1);
        for (int i = 0; i < ul.n_pucch; i++) ck_assert_int_ne(ul.pucch[i].purpose, UL_PUCCH_HARQ_ACK);
        const struct pusch_grant *g = &ul.pusch[0].grant;
        ck_assert_int_eq(g->uci.n_ack, 1);
        ck_assert_int_eq(g->uci.beta_offset_index, 9);
        ck_assert(g->uci.alpha == 1.0);
        uint8_t tb[512];
        int n = ul_pdu(tb, ul.pusch[0].tb.tbs / 8, -1);
        struct ul_pusch_result r = {.req = ul.pusch[0], .res = {.crc_ok = round == 0, .snr_db = 20, .n_ack = 1,
                                                                .ack = {1}, .ack_dtx = round == 1},
                                    .tb_bytes = n, .tb = tb};
        mac_ue_pusch(&u, ue, t + 4, &r, tb);
        const struct mac_dl_harq *h = &ue->dl_harq[d.harq_process];
        if (round == 0) {
            ck_assert(!h->busy);
            ck_assert_uint_eq(ue->dl_acks, 1);
        } else { /* DTX on the PUSCH (its CRC failed too): the PDSCH goes again, first thing */
            ck_assert(h->retx_due);
            ck_assert_uint_eq(ue->dl_nacks, 1);
            ck_assert_int_ge(dl_slot(t + 7, &dl), 1);
            ck_assert_int_eq(dl.n_pdsch, 1);
            tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
            ck_assert_uint_eq(ue->dl_retx, 1);
        }
    }
    teardown();
}
END_TEST

/* The TA command in dl's PDSCH, or -1 when there is none. */
static int ta_in(const struct dl_slot_request *dl)
{
    struct mac_pdu_rx rx;
    srb1_pdsch(dl, &rx);
    const struct mac_subpdu *s = mac_pdu_find(&rx, MAC_LCID_DL_TA_COMMAND);
    if (!s) return -1;
    ck_assert_int_eq(s->length, 1);
    uint8_t b = dl->pdsch[0].tb[s->offset];
    ck_assert_int_eq(b >> 6, 0); /* TAG 0 */
    return b & 0x3f;
}

START_TEST(ta_commands)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    struct dl_slot_request dl;
    /* 14 samples late twice (one T_A step = 6 samples at 11.52 Msps, 15 kHz) -> T_A = 31 + 2 = 33. */
    ck_assert_float_eq_tol(u.ta_step_samples, 6.0f, 1e-3f);
    mac_ue_ta_report(&u, ue, 90, 14.0f);
    ck_assert_int_eq(mac_ue_ta_command(&u, ue, 100), MAC_UE_TA_NONE); /* one measurement is not enough */
    mac_ue_ta_report(&u, ue, 95, 14.0f);
    ck_assert_int_eq(mac_ue_ta_command(&u, ue, 100), 33);
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    ck_assert_int_eq(ta_in(&dl), 33);
    struct mac_pdu_rx rx;
    srb1_pdsch(&dl, &rx);
    ck_assert_int_eq(rx.n, 1); /* the CE and padding: SRB1 had nothing */
    ck_assert_uint_gt(rx.padding, 0);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_uint_eq(ue->ta_commands, 1);
    ck_assert_int_eq(ue->ta_last_cmd, 33);
    ck_assert_int_eq(ue->ta, 2);
    harq_ack(104, true);
    /* PUSCHs within MAC_UE_TA_HOLD_MS are not measured. */
    mac_ue_ta_report(&u, ue, 105, 30.0f);
    mac_ue_ta_report(&u, ue, 108, 30.0f);
    ck_assert_int_eq(ue->ta_n, 0);
    /* Small offsets (under half a step) give no command; 7 samples early gives T_A 30. */
    mac_ue_ta_report(&u, ue, 120, 2.0f);
    mac_ue_ta_report(&u, ue, 125, -2.5f);
    ck_assert_int_eq(mac_ue_ta_command(&u, ue, 130), MAC_UE_TA_NONE);
    mac_ue_ta_report(&u, ue, 130, -7.0f);
    mac_ue_ta_report(&u, ue, 135, -7.0f);
    mac_ue_ta_report(&u, ue, 140, -7.0f);
    ck_assert_int_eq(mac_ue_ta_command(&u, ue, 141), 30);
    /* Clamped to the 6-bit field. */
    ue->ta_est = 1000;
    ck_assert_int_eq(mac_ue_ta_command(&u, ue, 141), 63);
    ue->ta_est = -1000;
    ck_assert_int_eq(mac_ue_ta_command(&u, ue, 141), 0);
    teardown();
}
END_TEST

/* A UE 20 samples late: each PUSCH measures what its timing still lacks (+-0.5 samples), each command moves it by
 * (T_A - 31) x 6 samples: within half a step after a few commands, and quiet from then on. */
START_TEST(ta_loop_converges)
{
    struct mac_ue *ue = setup();
    ue->setup_complete = true;
    struct dl_slot_request dl;
    float late = 20.0f, applied = 0.0f;
    int commands = 0;
    for (uint64_t s = 100; s < 400; s++) {
        if (s % 5 == 0) mac_ue_ta_report(&u, ue, s, late - applied + (s % 2 ? 0.5f : -0.5f));
        if (dl_slot(s, &dl) == 1) {
            int ta = ta_in(&dl);
            ck_assert_int_ge(ta, 0);
            applied += (float)(ta - MAC_UE_TA_NONE) * u.ta_step_samples;
            commands++;
            tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
            harq_ack(s + 4, true);
        }
    }
    ck_assert_int_ge(commands, 1);
    ck_assert_int_le(commands, 3);
    ck_assert_float_le(fabsf(late - applied), u.ta_step_samples / 2);
    ck_assert_uint_eq(u.stats.ta_commands, (uint64_t)commands);
    teardown();
}
END_TEST

/* With the MAC's UL map: a grant goes where the PUSCH's slot has room, a retransmission keeps its PRB count but
 * moves when its PRBs are taken, and a BSR-sized grant shrinks to the longest free run. */
START_TEST(ul_map_placement)
{
    struct mac_ue *ue = setup();
    static struct ul_map map;
    ck_assert_int_eq(ul_map_init(&map, 52), 0);
    ck_assert_int_eq(ul_map_template(&map, 46, 6, UL_MAP_ALL_SYMBOLS, UL_OWNER_PUCCH_DEDICATED), 0);
    ul_map_advance(&map, 100);
    u.ul_map = &map;
    ck_assert_int_eq(ul_map_reserve(&map, 104, 0, 10, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3), 0);
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    int start, n;
    grant_span(&dl, &start, &n);
    ck_assert_int_eq(start, 10); /* PRB 8 (grant_prb_start) is a Msg3's in slot 104 */
    ck_assert_int_eq(n, 12);
    ck_assert_int_eq(ul_map_owner(&map, 104, 10), UL_OWNER_PUSCH);
    struct ul_pusch_req q = pusch_req(104);
    ck_assert_int_eq(q.grant.crb_start, 10);
    uint8_t tb[4096];
    pusch_result(ue, 104, &q, false, tb, q.tb.tbs / 8, 0);
    ck_assert_int_eq(ul_map_reserve(&map, 111, 10, 5, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3), 0);
    ck_assert_int_eq(dl_slot(107, &dl), 1);
    struct dci_0_0 d = grant_span(&dl, &start, &n);
    ck_assert_int_eq(start, 15);
    ck_assert_int_eq(n, 12);
    ck_assert_uint_eq(d.rv, 2);
    q = pusch_req(111);
    ck_assert_int_eq(q.grant.crb_start, 15);
    ck_assert(!q.tb.new_data);
    /* CRC OK with the top BSR level; the next grant's slot has only PRBs 20..45 free: 26 of the 40 wanted. */
    int len = ul_pdu(tb, q.tb.tbs / 8, 31);
    pusch_result(ue, 111, &q, true, tb, len, 0);
    ck_assert_int_eq(ul_map_reserve(&map, 116, 0, 20, UL_MAP_ALL_SYMBOLS, UL_OWNER_MSG3), 0);
    ck_assert_int_eq(dl_slot(112, &dl), 1);
    grant_span(&dl, &start, &n);
    ck_assert_int_eq(start, 20);
    ck_assert_int_eq(n, 26);
    q = pusch_req(116);
    ck_assert_int_eq(q.grant.nof_rb, 26);
    ck_assert_int_eq(q.tb.tbs, expected_tbs(26));
    teardown();
}
END_TEST

START_TEST(malformed_and_reset)
{
    struct mac_ue *ue = setup();
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    struct ul_pusch_req q = pusch_req(104);
    uint8_t tb[512];
    memset(tb, 0, sizeof tb);
    tb[0] = 40; /* R/LCID 40: reserved on the UL-SCH */
    pusch_result(ue, 104, &q, true, tb, q.tb.tbs / 8, 0);
    ck_assert_uint_eq(u.malformed_pdus, 1);
    ck_assert_uint_eq(ue->pusch_ok, 1);
    ck_assert(!ue->ul_harq[0].busy); /* the CRC held: HARQ is done with it */
    /* A Single Entry PHR (38.321 6.1.3.8): PH index 37 in octet 1's low 6 bits, P_CMAX,f,c index 50 in octet 2's */
    ck_assert_int_eq(ue->phr_ph, -1);
    ck_assert_int_eq(dl_slot(110, &dl), 1);
    q = pusch_req(114);
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, tb, (size_t)q.tb.tbs / 8);
    const uint8_t phr[2] = {37, 50};
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SINGLE_PHR, phr, 2), 0);
    mac_pdu_finish(&b);
    pusch_result(ue, 114, &q, true, tb, q.tb.tbs / 8, 0);
    ck_assert_int_eq(ue->phr_ph, 37);
    ck_assert_int_eq(ue->phr_pcmax, 50);
    /* A new epoch: no context, nothing scheduled, counters kept; the next UE starts clean. */
    mac_ues_reset(&u);
    ck_assert_ptr_null(mac_ue_find(&u, RNTI));
    ck_assert_int_eq(dl_slot(200, &dl), 0);
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(mac_ues_schedule_ul(&u, 207, &ul), 0);
    ck_assert_int_eq(ul.n_pucch, 0);
    ck_assert_uint_eq(u.stats.ul_tx, 2); /* the two grants above */
    ue = mac_ue_add(&u, RNTI + 1, 3, 0);
    ck_assert_ptr_nonnull(ue);
    ck_assert_uint_eq(ue->ul_tx, 0);
    ck_assert_int_eq(ue->ta_last_cmd, MAC_UE_TA_NONE);
    for (int i = 1; i < MAC_MAX_UES; i++) ck_assert_ptr_nonnull(mac_ue_add(&u, (uint16_t)(0x5000 + i), 0, i));
    ck_assert_ptr_null(mac_ue_add(&u, 0x6000, 0, 0));           /* context 0 is another UE's */
    ck_assert_ptr_null(mac_ue_add(&u, 0x6000, 0, MAC_MAX_UES)); /* no such context */
    teardown();
}
END_TEST

/* A PUCCH reception due when the slot's request is already full is counted (mac.pucch_dropped), not lost
 * silently; with room it is requested. */
START_TEST(pucch_no_room)
{
    struct mac_ue *ue = setup();
    uint64_t sr = 100 + (uint64_t)ue->res.sr_offset;
    struct ul_slot_request ul = {.n_pucch = UL_MAX_PUCCH};
    mac_ues_schedule_ul(&u, sr, &ul);
    ck_assert_int_eq(ul.n_pucch, UL_MAX_PUCCH);
    ck_assert_uint_eq(u.stats.pucch_no_room, 1);
    ul.n_pucch = UL_MAX_PUCCH - 1;
    mac_ues_schedule_ul(&u, sr + 10, &ul);
    ck_assert_int_eq(ul.n_pucch, UL_MAX_PUCCH);
    ck_assert_int_eq(ul.pucch[UL_MAX_PUCCH - 1].purpose, UL_PUCCH_SR);
    ck_assert_uint_eq(u.stats.pucch_no_room, 1);
    teardown();
}
END_TEST

/* The per-slot loops walk the active contexts only (u.act, in the order they were added); a release takes its
 * context out, a re-add of the same C-RNTI does not list it twice. */
START_TEST(active_list)
{
    setup(); /* context 0 */
    ck_assert_ptr_nonnull(mac_ue_add(&u, 0x5009, 0, 9));
    ck_assert_ptr_nonnull(mac_ue_add(&u, 0x5002, 0, 2));
    ck_assert_ptr_nonnull(mac_ue_add(&u, 0x5002, 0, 2));
    ck_assert_int_eq(u.n_act, 3);
    ck_assert_int_eq(u.act[1], 9);
    ck_assert_int_eq(mac_ue_release(&u, 0x5009), 0);
    ck_assert_int_eq(u.n_act, 2);
    ck_assert_int_eq(u.act[0], 0);
    ck_assert_int_eq(u.act[1], 2);
    ck_assert_ptr_null(mac_ue_find(&u, 0x5009));
    ck_assert_ptr_eq(mac_ue_find(&u, 0x5002), &u.ue[2]);
    ck_assert_int_eq(mac_ue_release(&u, 0x5009), -ENOENT);
    mac_ues_reset(&u);
    ck_assert_int_eq(u.n_act, 0);
    ck_assert_ptr_null(mac_ue_find(&u, RNTI));
    teardown();
}
END_TEST

START_TEST(bad_config)
{
    struct mac_ue_config c = cfg52();
    c.grant_max_prb = 53; /* more than the carrier */
    ck_assert_int_eq(mac_ues_init(&u, &c), -EINVAL);
    c = cfg52();
    c.grant_max_prb = 4; /* fewer than the default grant */
    ck_assert_int_eq(mac_ues_init(&u, &c), -EINVAL);
}
END_TEST


/* Eight UEs each with SRB1 data to send and an SR pending, all in one slot: several PDCCHs in SS#2 on CCEs that do
 * not overlap (each on a candidate of its own C-RNTI), PDSCHs on disjoint PRBs, PUSCHs on disjoint PRBs; what the
 * CORESET cannot hold waits (deferred), and over the next slots the round robin serves every UE, the walk of a
 * slot starting after the last UE given new data in the one before. */
START_TEST(many_ues_share_a_slot)
{
    struct mac_ue_config c = cfg52();
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 32, 4096), 0);
    static struct ul_map map;
    ck_assert_int_eq(ul_map_init(&map, 52), 0);
    ul_map_advance(&map, 100);
    u.ul_map = &map;
    enum { N = 8 };
    const uint8_t sdu[20] = {1, 2, 3};
    for (int k = 0; k < N; k++) {
        struct mac_ue *ue = mac_ue_add(&u, (uint16_t)(RNTI + k), 0, k);
        ck_assert_ptr_nonnull(ue);
        ue->setup_complete = true;
        ue->sr_pending = true;
        ck_assert_int_eq(mac_ue_dl_dcch(&u, ue->crnti, sdu, sizeof sdu), 0);
    }
    int dl_served[N] = {0}, ul_served[N] = {0};
    int first_new_prev = -1, last_new_prev = -1;
    for (uint64_t slot = 100; slot < 110; slot++) {
        struct dl_slot_request dl;
        uint64_t deferred = 0;
        static struct pdcch_alloc a;
        memset(&dl, 0, sizeof dl);
        dl.slot_in_frame = (int)(slot % 10);
        pdcch_alloc_begin(&a, dl.slot_in_frame);
        int n = mac_ues_schedule_dl(&u, slot, true, true, true, &dl, &pool, &a);
        deferred = a.deferred;
        ck_assert_int_eq(n, dl.n_pdcch);
        if (slot == 100) {
            ck_assert_int_ge(n, 2);            /* several DCIs in one slot */
            ck_assert_uint_gt(deferred, 0);    /* and more wanted than CORESET#1's 8 CCEs hold */
        }
        uint8_t cce_used[16] = {0};
        int first_new = -1, last_new = -1;
        for (int i = 0; i < dl.n_pdcch; i++) {
            const struct dl_pdcch *p = &dl.pdcch[i];
            in_uss(&dl, p);
            for (int j = p->first_cce; j < p->first_cce + p->al; j++) ck_assert_int_eq(cce_used[j]++, 0);
            int k = p->rnti - RNTI;
            ck_assert(k >= 0 && k < N);
            if (first_new < 0) first_new = k;
            last_new = k;
            if (p->dci[0] == 1) dl_served[k]++; /* DCI 1_0 (format identifier 1) */
            else ul_served[k]++;
        }
        for (int i = 0; i < dl.n_pdsch; i++) { /* disjoint PRBs */
            for (int j = 0; j < i; j++)
                ck_assert(dl.pdsch[i].grant.crb_start + dl.pdsch[i].grant.nof_rb <= dl.pdsch[j].grant.crb_start ||
                          dl.pdsch[j].grant.crb_start + dl.pdsch[j].grant.nof_rb <= dl.pdsch[i].grant.crb_start);
            tb_pool_give_back(&pool, dl.pdsch[i].tb_index);
        }
        struct ul_slot_request ul = {0};
        mac_ues_schedule_ul(&u, slot + 4, &ul);
        for (int i = 0; i < ul.n_pusch; i++)
            for (int j = 0; j < i; j++)
                ck_assert(ul.pusch[i].grant.crb_start + ul.pusch[i].grant.nof_rb <= ul.pusch[j].grant.crb_start ||
                          ul.pusch[j].grant.crb_start + ul.pusch[j].grant.nof_rb <= ul.pusch[i].grant.crb_start);
        /* round robin: this slot's walk began after the last UE served in the one before */
        if (last_new_prev >= 0 && first_new >= 0) ck_assert_int_eq(first_new, (last_new_prev + 1) % N);
        (void)first_new_prev;
        first_new_prev = first_new;
        if (last_new >= 0) last_new_prev = last_new;
        ul_map_advance(&map, slot + 1);
    }
    for (int k = 0; k < N; k++) { /* within 10 slots every UE got its SRB1 PDSCH and its grant */
        ck_assert_int_ge(dl_served[k], 1);
        ck_assert_int_ge(ul_served[k], 1);
    }
    teardown();
}
END_TEST

/* Connected UEs with nothing to do leave the pending set: the slot walk visits none of them. */
START_TEST(idle_ues_cost_nothing)
{
    struct mac_ue_config c = cfg52();
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    for (int k = 0; k < 40; k++) {
        struct mac_ue *ue = mac_ue_add(&u, (uint16_t)(RNTI + k), 0, k);
        ck_assert_ptr_nonnull(ue);
        ue->setup_complete = true;
    }
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 0);   /* visits each once, finds nothing, drops them */
    ck_assert_uint_eq(u.stats.pending_visits, 40);
    ck_assert_uint_eq(u.pending, 0);
    for (uint64_t s = 101; s < 200; s++) ck_assert_int_eq(dl_slot(s, &dl), 0);
    ck_assert_uint_eq(u.stats.pending_visits, 40);
    /* an SR brings one back: one visit a slot while it has work */
    struct mac_ue *ue = &u.ue[7];
    uint64_t sr = 200 + (uint64_t)ue->res.sr_offset;
    struct ul_slot_request ul = {0};
    mac_ues_schedule_ul(&u, sr, &ul);
    int idx = -1;
    for (int i = 0; i < ul.n_pucch; i++)
        if (ul.pucch[i].cfg.rnti == ue->crnti) idx = i;
    ck_assert_int_ge(idx, 0);
    struct ul_pucch_result pr = {.req = ul.pucch[idx], .res = {.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}}};
    ck_assert(mac_ue_pucch(&u, sr, &pr));
    ck_assert_uint_eq(u.pending, 1ull << 7);
    ck_assert_int_eq(dl_slot(sr + 1, &dl), 1);
    ck_assert_int_eq(dl.pdcch[0].rnti, ue->crnti);
    ck_assert_uint_eq(u.stats.pending_visits, 41);
    teardown();
}
END_TEST

/* Link adaptation (mac/link_adapt.h) on: the UL grant's MCS follows the PUSCH SNR (the PUSCH request carries its
 * modulation, rate and TBS), the SRB1 PDSCH's the same SNR 3 dB lower at first, then NACKed first
 * transmissions pull it down. */
START_TEST(link_adaptation)
{
    struct mac_ue_config c = cfg52();
    link_adapt_config_default(&c.la);
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 4096), 0);
    struct mac_ue *ue = mac_ue_add(&u, RNTI, 0, 0);
    ck_assert_ptr_nonnull(ue);
    ue->setup_complete = true;
    uint8_t tb[4096] = {0};
    struct dl_slot_request dl;
    int want[2] = {c.la.ul_mcs_start, link_adapt_mcs_for_snr(&u.la, TBS_MCS_TABLE_64QAM, 20, 28)};
    ck_assert_int_gt(want[1], 16); /* 20 dB: 64QAM */
    uint64_t s = 100;
    for (int k = 0; k < 2; k++, s += 10) {
        ue->sr_pending = true;
        ck_assert_int_eq(dl_slot(s, &dl), 1);
        struct dci_0_0 d = ul_grant(&dl);
        ck_assert_uint_eq(d.mcs, (uint32_t)want[k]);
        struct ul_pusch_req q = pusch_req(s + 4);
        struct tbs_mcs row;
        ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, want[k], &row), 0);
        ck_assert_int_eq(modulation_qm(q.grant.modulation), row.qm);
        ck_assert_double_eq_tol(q.tb.r, row.r_x1024 / 1024.0, 1e-9);
        struct tbs_cfg t = {.n_prb = q.grant.nof_rb, .n_symb_sh = 14, .n_dmrs_prb = 36, .layers = 1, .qm = row.qm,
                            .r_x1024 = row.r_x1024};
        ck_assert_int_eq(q.tb.tbs, tbs_compute(&t));
        pusch_result(ue, s + 4, &q, true, tb, ul_pdu(tb, q.tb.tbs / 8, -1), 0); /* SNR 20 dB */
    }
    ck_assert_int_eq(ue->la.ul.last_mcs, want[1]);
    /* DL: first transmissions NACKed, their retransmissions ACKed (same MCS) */
    int first = -1, last = -1;
    uint8_t sdu[40];
    memset(sdu, 0x3c, sizeof sdu);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
        for (int tx = 0; tx < 2; tx++) {
            ck_assert_int_eq(dl_slot(s, &dl), 1);
            struct mac_pdu_rx rx;
            struct dci_1_0 d = srb1_pdsch(&dl, &rx);
            ck_assert_uint_eq(d.rv, tx ? 2 : 0);
            struct tbs_mcs row;
            ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, (int)d.mcs, &row), 0);
            ck_assert_int_eq(dl.pdsch[0].dlsch.qm, row.qm);
            if (tx) ck_assert_int_eq((int)d.mcs, last); /* a retransmission keeps the MCS */
            last = (int)d.mcs;
            if (first < 0) first = last;
            tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
            harq_ack(s + 4, tx == 1);
            s += 7;
        }
        while (dl_slot(s, &dl) > 0) { /* RLC STATUS / poll PDUs: ACK them */
            if (dl.n_pdsch) {
                tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
                harq_ack(s + 4, true);
            }
            s += 7;
        }
    }
    ck_assert_int_eq(first, link_adapt_mcs_for_snr(&u.la, TBS_MCS_TABLE_64QAM, 17, 28));
    ck_assert_int_lt(last, first - 3); /* 6 NACKs: 6 dB less, several rows */
    ck_assert_uint_ge(ue->la.dl.ko, 6);
    teardown();
}
END_TEST

/* What gnbd runs with: SS#2 carries DCI 0_1/1_1, sized as RRCSetup's UEs size them at 52 PRB. */
static void non_fallback(struct mac_ue_config *c)
{
    c->uss_non_fallback = true;
    c->dci_1_1 = (struct dci_1_1_config){.n_rb_bwp = 52, .nof_tdra_rows = 1, .dynamic_harq_codebook = true,
                                         .nof_dl_data_to_ul_ack = 8};
    c->dci_0_1 = (struct dci_0_1_config){.n_rb_bwp = 52, .nof_tdra_rows = 1, .dynamic_harq_codebook = true};
}

/* UL grants in DCI 0_1 (35 bits at 52 PRB): the fields of the 0_0 it replaces, antenna ports row 2 (port 0, two
 * CDM groups without data), UL-SCH 1, and the 1st DAI V_T-DAI,UL of 38.213 9.1.3.2: 3 (= 4, no HARQ-ACK) alone,
 * 0 (= 1) when a PDSCH of the same slot has its HARQ-ACK on the PUSCH, whichever of the two DCIs the slot placed
 * first; DL data by DCI 1_1 with Table 5.1.3.1-1 (no dl_256qam). */
START_TEST(ul_grant_dci_0_1)
{
    struct mac_ue_config c = cfg52();
    non_fallback(&c);
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, MAC_UE_DL_TB_MAX), 0);
    struct mac_ue *ue = mac_ue_add(&u, RNTI, 0, 0);
    ck_assert_ptr_nonnull(ue);
    ue->setup_complete = true;
    ue->sr_pending = true;
    mac_ue_mark(&u, ue);
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    ck_assert_int_eq(dl.n_pdcch, 1);
    in_uss(&dl, &dl.pdcch[0]);
    ck_assert_int_eq(dl.pdcch[0].dci_len, 35);
    struct dci_0_1 d;
    ck_assert_int_eq(dci_0_1_unpack(dl.pdcch[0].dci, 35, &c.dci_0_1, &d), 0);
    ck_assert_uint_eq(d.dai1, 3);
    ck_assert_uint_eq(d.antenna_ports, 2);
    ck_assert_uint_eq(d.ulsch_indicator, 1);
    ck_assert_uint_eq(d.mcs, (uint32_t)c.grant_mcs);
    int start, n;
    ck_assert_int_eq(dci_riv_decode(52, d.frequency_domain_assignment, &start, &n), 0);
    ck_assert_int_eq(n, c.grant_nof_prb);
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(mac_ues_schedule_ul(&u, 104, &ul), 1);
    ck_assert_int_eq(ul.pusch[0].grant.uci.n_ack, 0);
    ck_assert_int_eq(ul.pusch[0].grant.nof_rb, n);
    /* a PDSCH and a grant in one slot: the HARQ-ACK goes on the PUSCH and the 1st DAI says so */
    uint8_t sdu[40] = {0};
    ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
    ue->sr_pending = true;
    ue->ul_harq[d.harq_process].busy = false;
    mac_ue_mark(&u, ue);
    ck_assert_int_eq(dl_slot(121, &dl), 2);
    ck_assert_int_eq(dl.n_pdsch, 1);
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    int k = dl.pdcch[0].dci[0] == 0 ? 0 : 1; /* the UL DCI: format identifier 0 */
    in_uss(&dl, &dl.pdcch[k]);
    in_uss(&dl, &dl.pdcch[1 - k]);
    ck_assert_int_eq(dci_0_1_unpack(dl.pdcch[k].dci, dl.pdcch[k].dci_len, &c.dci_0_1, &d), 0);
    ck_assert_uint_eq(d.dai1, 0);
    struct dci_1_1 e;
    ck_assert_int_eq(dci_1_1_unpack(dl.pdcch[1 - k].dci, dl.pdcch[1 - k].dci_len, &c.dci_1_1, &e), 0);
    ck_assert_uint_eq(e.dai, 0);
    ck_assert_uint_eq(e.harq_feedback_timing, 3);
    ck_assert_int_eq(dl.pdsch[0].dlsch.qm <= 6, 1); /* Table 5.1.3.1-1 */
    memset(&ul, 0, sizeof ul);
    ck_assert_int_eq(mac_ues_schedule_ul(&u, 125, &ul), 1);
    ck_assert_int_eq(ul.pusch[0].grant.uci.n_ack, 1);
    teardown();
}
END_TEST

/* cfg52 with mac.dl_256qam (SS#2 with DCI 0_1/1_1 as RRCSetup sizes them at 52 PRB), link adaptation fixed at
 * MCS 25. */
static struct mac_ue_config cfg52_256qam(void)
{
    struct mac_ue_config c = cfg52();
    link_adapt_config_default(&c.la);
    c.la.fixed_dl_mcs = 25;
    c.dl_256qam = true;
    non_fallback(&c);
    return c;
}

/* The UE's table (mac_ues_dl_table): a new UE's PDSCHs use Table 5.1.3.1-1 (row 25: 64QAM); while mcs-Table
 * qam256 is on its way, MCS 0 (the row both tables share); after the confirmation Table 5.1.3.1-2 (row 25:
 * 256QAM); a TB of the old table NACKed across the switch goes again with the same TBS and 64QAM under the new
 * table's reserved row for Q_m 6 (30). Unknown UE: -ENOENT; a cell without dl_256qam: -EINVAL. */
START_TEST(dl_table_switch)
{
    struct mac_ue_config c = cfg52_256qam();
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, MAC_UE_DL_TB_MAX), 0);
    struct mac_ue *ue = mac_ue_add(&u, RNTI, 0, 0);
    ck_assert_ptr_nonnull(ue);
    ue->setup_complete = true;
    ck_assert_int_eq(mac_ues_dl_table(&u, RNTI + 1, false), -ENOENT);
    uint8_t sdu[200];
    memset(sdu, 0x5a, sizeof sdu);
    struct dl_slot_request dl;
    struct dci_1_1 d;
    static const struct { int step; uint32_t mcs; int qm; } want[] = {
        {0, 25, 6}, /* qam64 */
        {1, 0, 2},  /* pending: MCS 0 */
        {2, 25, 8}, /* qam256 */
    };
    uint64_t slot = 100;
    for (int i = 0; i < 3; i++, slot += 10) {
        if (want[i].step == 1) ck_assert_int_eq(mac_ues_dl_table(&u, RNTI, false), 0);
        if (want[i].step == 2) ck_assert_int_eq(mac_ues_dl_table(&u, RNTI, true), 0);
        ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
        ck_assert_int_eq(dl_slot(slot, &dl), 1);
        ck_assert_int_eq(dl.n_pdsch, 1);
        ck_assert_int_eq(dci_1_1_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, &c.dci_1_1, &d), 0);
        ck_assert_msg(d.mcs == want[i].mcs && dl.pdsch[0].dlsch.qm == want[i].qm, "step %d: mcs %u qm %d", i, d.mcs,
                      dl.pdsch[0].dlsch.qm);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
        harq_ack(slot + 4, true);
    }
    teardown();

    /* A qam64 TB NACKed after the switch: the same TBS and Q_m 6, DCI MCS 30 (reserved, Q_m 6 in Table 5.1.3.1-2) */
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, MAC_UE_DL_TB_MAX), 0);
    ue = mac_ue_add(&u, RNTI, 0, 0);
    ue->setup_complete = true;
    ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    int tbs = dl.pdsch[0].dlsch.tbs;
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ck_assert_int_eq(mac_ues_dl_table(&u, RNTI, true), 0);
    harq_ack(104, false);
    bool sent = false;
    for (uint64_t s2 = 105; s2 < 120 && !sent; s2++) {
        ck_assert_int_ge(dl_slot(s2, &dl), 0);
        if (dl.n_pdsch == 0) continue;
        ck_assert_int_eq(dci_1_1_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, &c.dci_1_1, &d), 0);
        ck_assert_uint_eq(d.rv, 2);
        ck_assert_uint_eq(d.mcs, 30);
        ck_assert_int_eq(dl.pdsch[0].dlsch.tbs, tbs);
        ck_assert_int_eq(dl.pdsch[0].dlsch.qm, 6);
        tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
        sent = true;
    }
    ck_assert(sent);
    teardown();

    c.dl_256qam = false;
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_ptr_nonnull(mac_ue_add(&u, RNTI, 0, 0));
    ck_assert_int_eq(mac_ues_dl_table(&u, RNTI, true), -EINVAL);
    teardown();
}
END_TEST

/* mac.dl_256qam: UE PDSCHs come with DCI 1_1 of the UE's sizing (41 bits at 52 PRB, in SS#2's candidates), once
 * the UE confirmed mcs-Table qam256 MCS rows of 38.214 Table 5.1.3.1-2 (row 25: 256QAM, its TBS), k1 index 3 and
 * antenna ports row 3; row 28 (reserved there) is refused as a fixed MCS, and a sizing for another BWP too. */
START_TEST(dl_256qam_dci_1_1)
{
    struct mac_ue_config c = cfg52_256qam();
    struct mac_ue_config bad = c;
    bad.la.fixed_dl_mcs = 28;
    ck_assert_int_eq(mac_ues_init(&u, &bad), -EINVAL);
    bad = c;
    bad.dci_1_1.n_rb_bwp = 51;
    ck_assert_int_eq(mac_ues_init(&u, &bad), -EINVAL);
    bad = c;
    bad.dci_0_1.n_rb_bwp = 51;
    ck_assert_int_eq(mac_ues_init(&u, &bad), -EINVAL);
    bad = c;
    bad.uss_non_fallback = false; /* Table 5.1.3.1-2 only with DCI 1_1 */
    ck_assert_int_eq(mac_ues_init(&u, &bad), -EINVAL);
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, MAC_UE_DL_TB_MAX), 0);
    struct mac_ue *ue = mac_ue_add(&u, RNTI, 0, 0);
    ck_assert_ptr_nonnull(ue);
    ue->setup_complete = true;
    ck_assert_int_eq(mac_ues_dl_table(&u, RNTI, true), 0); /* the UE confirmed mcs-Table qam256 */
    uint8_t sdu[200];
    memset(sdu, 0x5a, sizeof sdu);
    ck_assert_int_eq(rlc_am_write_sdu(&ue->srb1, sdu, sizeof sdu), 0);
    struct dl_slot_request dl;
    ck_assert_int_eq(dl_slot(100, &dl), 1);
    ck_assert_int_eq(dl.n_pdcch, 1);
    ck_assert_int_eq(dl.n_pdsch, 1);
    in_uss(&dl, &dl.pdcch[0]);
    ck_assert_int_eq(dl.pdcch[0].dci_len, 41);
    struct dci_1_1 d;
    ck_assert_int_eq(dci_1_1_unpack(dl.pdcch[0].dci, 41, &c.dci_1_1, &d), 0);
    ck_assert_uint_eq(d.mcs, 25);
    ck_assert_uint_eq(d.antenna_ports, 3);
    ck_assert_uint_eq(d.harq_feedback_timing, 3);
    ck_assert_uint_eq(d.rv, 0);
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_256QAM, 25, &row), 0);
    const struct dl_pdsch *p = &dl.pdsch[0];
    ck_assert_int_eq(row.qm, 8);
    ck_assert_int_eq(p->dlsch.qm, 8);
    ck_assert_int_eq(p->grant.modulation, MODULATION_256QAM);
    int start, n;
    ck_assert_int_eq(dci_riv_decode(52, d.frequency_domain_assignment, &start, &n), 0);
    ck_assert_int_eq(n, p->grant.nof_rb);
    struct tbs_cfg t = {.n_prb = n, .n_symb_sh = 13, .n_dmrs_prb = pdsch_n_dmrs_prb(&p->grant), .layers = 1,
                        .qm = 8, .r_x1024 = row.r_x1024};
    ck_assert_int_eq(p->dlsch.tbs, tbs_compute(&t));
    ck_assert_int_eq(ue->la.dl.last_mcs, 25);
    tb_pool_give_back(&pool, p->tb_index);
    teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac_ue");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ul_grants_harq);
    tcase_add_test(tc, sr_and_bsr_grants);
    tcase_add_test(tc, pucch_no_room);
    tcase_add_test(tc, active_list);
    tcase_add_test(tc, dl_harq_retx);
    tcase_add_test(tc, dl_harq_pipeline);
    tcase_add_test(tc, ul_harq_pipeline);
    tcase_add_test(tc, harq_ack_on_pusch);
    tcase_add_test(tc, dl_table_switch);
    tcase_add_test(tc, ta_commands);
    tcase_add_test(tc, ta_loop_converges);
    tcase_add_test(tc, ul_map_placement);
    tcase_add_test(tc, malformed_and_reset);
    tcase_add_test(tc, bad_config);
    tcase_add_test(tc, many_ues_share_a_slot);
    tcase_add_test(tc, idle_ues_cost_nothing);
    tcase_add_test(tc, link_adaptation);
    tcase_add_test(tc, dl_256qam_dci_1_1);
    tcase_add_test(tc, ul_grant_dci_0_1);
    suite_add_tcase(s, tc);
    return check_run(s);
}
