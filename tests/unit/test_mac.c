/* mac/mac: the MAC as the pipeline drives it (mac_slot + the indication handlers), on a 52-PRB 15 kHz FDD cell:
 *  - two UEs through random access to connected: each gets its own UE context and PUCCH resources (the ones its
 *    RRCSetupRequest went to the RRC with), its HARQ-ACK and SR heard on them, SR occasions at its own offset;
 *  - every UL slot request, over the whole run, keeps its PUSCHs (Msg3s, UE grants) off each other, off the PRACH
 *    PRBs and off the common and dedicated PUCCH PRBs (the UL resource map, checked on what the PHY is asked);
 *  - a Msg3 carrying a connected UE's C-RNTI MAC CE (38.321 5.1.5) is that UE: no Msg4, a UL grant to the C-RNTI;
 *  - a new stream epoch forgets every UE;
 *  - a DL-DCCH SDU of the RRC goes out on SRB1 (PDCP + RLC AM in a C-RNTI PDSCH), its delivery is reported on the
 *    HARQ-ACK of that PDSCH or on the UE's RLC STATUS, and a released UE gets nothing more while its context
 *    (and PUCCH resources) go to the next UE.
 *  - UE data in SS/PBCH block and SIB1 slots: a UE with a full DL queue gets a PDSCH there too, on PRBs off the
 *    block's RBs (every symbol: srsUE does not rate-match around an SSB) and off the SIB1's, its PDCCH on REs
 *    no other PDCCH of the slot uses; a UE reporting a large buffer gets UL grants wider than half the carrier,
 *    still off PRACH and PUCCH PRBs.
 * The PHY is played by the test: it answers each PUSCH/PUCCH request as a UE would. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "gnb/log.h"
#include "mac/mac.h"
#include "mac/mac_pdu.h"
#include "mac/mac_rar.h"
#include "phy/ch/dci.h"
#include "phy/ch/pdcch.h"
#include "rlc/rlc_am.h"
#include "tests/unit/check_run.h"

#define PRACH_FIRST 2
#define PRACH_LAST 7

static struct mac m;

/* The cell of the SSB/SIB1 test: the block from CRB 14 (CRBs 14..33), SIB1 in slot 1 of even frames on CRBs
 * 36..41. */
#define SSB_FIRST_SC (12 * 14)
#define SIB1_CRB 36
#define SIB1_NOF_RB 6

static void mac_setup_common(bool sib1)
{
    struct mac_config c = {
        .common = {.scs_khz = 15, .burst = {.scs_khz = 15, .pattern = SSB_PATTERN_A, .l_max = 4,
                                            .positions_in_burst = 0x1, .period_ms = 20},
                   .mib = {.scs_common_khz = 15, .dmrs_type_a_position = 2}, .sib1 = false},
        .prach = {.enabled = true, .config_index = 0, .ra_scs_khz = 15, .msg1_fdm = 1, .prb_first = PRACH_FIRST,
                  .prb_last = PRACH_LAST},
        .scs_khz = 15, .sample_rate_hz = 11.52e6, .pci = 1, .nof_prb = 52, .dmrs_type_a_position = 2,
        .ra_enabled = true, .sr_period = 10,
        .ra = {.pci = 1, .nof_prb = 52, .scs_khz = 15, .sample_rate_hz = 11.52e6, .dmrs_type_a_position = 2,
               .pdsch_start_symbol = 1, .pdsch_nof_symbols = 13, .msg3_k2 = 4, .ra_response_window = 10,
               .rar_mcs = 2, .msg3_prb_start = PRACH_LAST + 2, .msg3_nof_prb = 3, .msg3_mcs = 2,
               .pucch_resource_common = 11}};
    slot_pattern_init_fdd(&c.pattern);
    slot_pattern_init_fdd(&c.ra.pattern);
    ck_assert_int_eq(pdcch_coreset0(&c.ra.coreset0, 1, 48, 1, 0, 1), 0);
    c.common.ssb_first_subcarrier = SSB_FIRST_SC;
    if (sib1) { /* a SIB1 DCI at AL4 on CCE 0 of CORESET#0 and its PDSCH (what the MAC reads of a plan) */
        struct sched_sib1_plan *p = &c.common.sib1_plan;
        c.common.sib1 = true;
        /* a CORESET#0 of 24 RBs x 2 symbols at CRB 28 (38.213 Table 13-1 has such): CORESET#1's CCEs on CRBs
         * 0..27 stay free for the UE (with the 48-RB CORESET#0 of RA and SIB1 at AL8, as gnbd's 52-PRB cell has it,
         * CORESET#1's 8 CCEs all overlap the SIB1 PDCCH: no UE DCI in the SIB1 slot) */
        *p = (struct sched_sib1_plan){.sfn_parity = 0, .slot = 1, .al = 4,
                                      .first_cce = 0, .dci_len = 39,
                                      .grant = {.crb_start = SIB1_CRB, .nof_rb = SIB1_NOF_RB, .start_symbol = 1,
                                                .nof_symbols = 13}};
        ck_assert_int_eq(pdcch_coreset0(&p->coreset, 28, 24, 2, 0, 1), 0);
    }
    log_set_level(LOG_MAC, LOG_LEVEL_NONE);
    ck_assert_int_eq(mac_init(&m, &c), 0);
    mac_epoch_start(&m, 1);
}

static void mac_setup(void) { mac_setup_common(false); }

/* What the test's UEs do and what it saw. */
struct ue_side {
    uint16_t rnti;                 /* TC-RNTI, then C-RNTI */
    uint8_t ccch[6];               /* its RRCSetupRequest (any 6 bytes: the MAC does not read them) */
    uint16_t c_rnti_ce;            /* nonzero: its Msg3 carries this C-RNTI MAC CE instead */
    bool msg3_sent, acked;
    uint64_t msg4_slot;
    int sr_slots, ack_pucchs, grants;
    bool ack_dl;                   /* acknowledges its SRB1 PDSCHs (else DTX) */
    bool send_status;              /* its next PUSCH carries an RLC STATUS acknowledging SN 0 */
    bool released;                 /* the MAC must ask nothing more of it */
    int bsr_index;                 /* the Short BSR's buffer size index its PUSCHs carry (38.321 Table 6.1.3.1-1) */
    int srb1_sdus;                 /* SRB1 PDSCHs seen carrying the test's DL-DCCH SDU */
};

static struct ue_side ues[10];
static int n_ues;
static int overlaps_checked;

static struct ue_side *ue_of(uint16_t rnti)
{
    for (int i = 0; i < n_ues; i++)
        if (ues[i].rnti == rnti) return &ues[i];
    return NULL;
}

/* What the SSB/SIB1 test saw: slots with a UE PDSCH beside an SS/PBCH block or a SIB1, the widest UE PUSCH. */
static int ue_pdsch_ssb_slots, ue_pdsch_sib1_slots, widest_pusch;

/* One DL request: PDSCHs on disjoint PRBs, UE PDSCHs off every SS/PBCH block RB (CRBs of SSB_FIRST_SC's 240
 * subcarriers), PDCCHs on disjoint RBs of each symbol (38.211 7.3.2.2 CCE-to-REG mapping of their CORESETs). */
static void check_dl_request(const struct dl_slot_request *dl)
{
    uint8_t pdsch[52] = {0}, pdcch[4][275] = {{0}};
    bool ue = false, sib1 = false;
    for (int i = 0; i < dl->n_pdsch; i++) {
        const struct pdsch_grant *g = &dl->pdsch[i].grant;
        sib1 |= dl->pdsch[i].codeword == PHY_DL_CW_SIB1;
        ue |= dl->pdsch[i].codeword == PHY_DL_CW_TB && ue_of(g->rnti) && ue_of(g->rnti)->acked;
        for (int k = g->crb_start; k < g->crb_start + g->nof_rb; k++) {
            ck_assert_msg(k >= 0 && k < 52 && !pdsch[k], "slot %llu: PDSCH PRB %d twice or outside",
                          (unsigned long long)dl->slot, k);
            ck_assert_msg(dl->n_ssb == 0 || k < SSB_FIRST_SC / 12 || k > (SSB_FIRST_SC + 239) / 12,
                          "slot %llu: PDSCH on SSB PRB %d", (unsigned long long)dl->slot, k);
            pdsch[k] = 1;
        }
    }
    for (int i = 0; i < dl->n_pdcch; i++) {
        const struct dl_pdcch *c = &dl->pdcch[i];
        uint8_t rbs[PDCCH_MAX_RB];
        ck_assert_int_gt(pdcch_cce_rbs(&c->coreset, c->first_cce, c->al, rbs), 0);
        for (int l = c->coreset.start_symbol; l < c->coreset.start_symbol + c->coreset.nof_symbols; l++)
            for (int rb = 0; rb < c->coreset.nof_rb; rb++) {
                if (!rbs[rb]) continue;
                int crb = c->coreset.crb_start + rb;
                ck_assert_msg(!pdcch[l][crb], "slot %llu: two PDCCHs on RB %d symbol %d",
                              (unsigned long long)dl->slot, crb, l);
                pdcch[l][crb] = 1;
            }
    }
    if (ue && dl->n_ssb > 0) ue_pdsch_ssb_slots++;
    if (ue && sib1) ue_pdsch_sib1_slots++;
}

/* PRB ranges of one UL request: nothing may share a PRB-symbol (PUCCH here is format 1 over 14 symbols or the
 * common resource's two hops: counted as whole PRBs, which is stricter). */
static void check_ul_request(const struct ul_slot_request *ul)
{
    uint8_t used[52] = {0};
    for (int i = 0; i < ul->n_pusch; i++) {
        const struct pusch_grant *g = &ul->pusch[i].grant;
        for (int k = g->crb_start; k < g->crb_start + g->nof_rb; k++) {
            ck_assert_msg(k >= 0 && k < 52, "PUSCH PRB %d", k);
            ck_assert_msg(!used[k], "slot %llu: two PUSCHs on PRB %d", (unsigned long long)ul->slot, k);
            ck_assert_msg(k < PRACH_FIRST || k > PRACH_LAST, "PUSCH on PRACH PRB %d", k);
            used[k] = 1;
        }
        if (g->nof_rb > widest_pusch) widest_pusch = g->nof_rb;
    }
    for (int i = 0; i < ul->n_pucch; i++) {
        const struct pucch_resource *r = &ul->pucch[i].cfg.res;
        ck_assert_msg(!used[r->start_prb], "PUCCH PRB %d under a PUSCH", r->start_prb);
        if (r->intra_slot_hopping) ck_assert_msg(!used[r->second_hop_prb], "PUCCH hop under a PUSCH");
    }
    overlaps_checked++;
}

static void answer_pusch(uint64_t slot, const struct ul_pusch_req *q)
{
    struct ue_side *u = ue_of(q->grant.rnti);
    ck_assert_ptr_nonnull(u);
    ck_assert_msg(!u->released, "PUSCH for released 0x%04x", u->rnti);
    static uint8_t tb[4096];
    size_t n = (size_t)q->tb.tbs / 8;
    ck_assert_uint_le(n, sizeof tb);
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, tb, n);
    if (!u->msg3_sent && u->c_rnti_ce) {
        uint8_t ce[2] = {(uint8_t)(u->c_rnti_ce >> 8), (uint8_t)u->c_rnti_ce};
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_C_RNTI, ce, 2), 0);
    } else if (!u->msg3_sent) {
        ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_UL_CCCH_48, u->ccch, 6), 0);
    } else {
        u->grants++;
        if (u->send_status) { /* 38.322 6.2.2.5: D/C 0, CPT 000, ACK_SN 1, E1 0 */
            static const uint8_t status[3] = {0x00, 0x01, 0x00};
            ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_SRB1, status, sizeof status), 0);
            u->send_status = false;
        }
        uint8_t bsr = (uint8_t)u->bsr_index; /* LCG 0 */
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &bsr, 1), 0);
    }
    u->msg3_sent = true;
    mac_pdu_finish(&b);
    struct ul_pusch_result r = {.req = *q, .rc = 0, .res = {.crc_ok = true, .snr_db = 30}, .tb_bytes = (int)n,
                                .tb = tb};
    if (q->grant.uci.n_ack > 0) { /* a HARQ-ACK on this PUSCH (38.213 9.3): as on PUCCH, ACK or DTX */
        r.res.n_ack = q->grant.uci.n_ack;
        r.res.ack[0] = u->ack_dl;
        r.res.ack_dtx = !u->ack_dl;
    }
    mac_pusch_indication(&m, slot, &r, tb);
}

static void answer_pucch(uint64_t slot, const struct ul_pucch_req *q)
{
    struct ue_side *u = ue_of(q->cfg.rnti);
    ck_assert_ptr_nonnull(u);
    ck_assert_msg(!u->released, "PUCCH for released 0x%04x", u->rnti);
    struct ul_pucch_result r = {.req = *q, .rc = 0, .res = {.verdict = PUCCH_RX_DTX, .snr_db = -60}};
    if (!u->acked && u->msg4_slot && slot == u->msg4_slot + RA_MSG4_K1) {
        r.res = (struct pucch_rx_result){.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}, .snr_db = 30};
        u->acked = true;
    } else if (q->purpose == UL_PUCCH_SR) {
        u->sr_slots++;
        const struct mac_ue *ue = mac_ue_find(&m.ues, u->rnti);
        ck_assert_ptr_nonnull(ue);
        ck_assert_uint_eq(slot % 10, (uint64_t)ue->res.sr_offset);
        ck_assert_int_eq(q->cfg.res.start_prb, ue->res.f1_prb);
        ck_assert_int_eq(q->cfg.res.initial_cs, ue->res.f1_cs);
        ck_assert_int_eq(q->cfg.res.time_domain_occ, ue->res.sr_occ);
    } else {
        u->ack_pucchs++;
        if (u->ack_dl && q->purpose == UL_PUCCH_HARQ_ACK)
            r.res = (struct pucch_rx_result){.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}, .snr_db = 30};
    }
    mac_pucch_indication(&m, slot, &r);
}

/* The DL-DCCH SDU the tests send (an RRCRelease's bytes; the MAC does not read them) and the UE events seen. */
static const uint8_t dcch_sdu[2] = {0x12, 0x00};
static struct mac_ue_event events[16];
static int n_events;

/* A C-RNTI PDSCH's MAC PDU: SRB1 subPDU = RLC AMD PDU (2-byte header, 12-bit SN) + PDCP (2-byte header, SDU,
 * 4-byte MAC-I) carrying dcch_sdu? */
static bool carries_dcch_sdu(const uint8_t *tb, size_t len)
{
    struct mac_pdu_rx pdu;
    if (mac_pdu_parse(MAC_DIR_DL, tb, len, &pdu, NULL) < 0) return false;
    for (int i = 0; i < pdu.n; i++) {
        const struct mac_subpdu *sp = &pdu.sub[i];
        const uint8_t *d = tb + sp->offset;
        if (sp->lcid == MAC_LCID_SRB1 && sp->length == 2 + 2 + sizeof dcch_sdu + 4 && (d[0] & 0x80) &&
            memcmp(d + 4, dcch_sdu, sizeof dcch_sdu) == 0)
            return true;
    }
    return false;
}

/* Runs slots [from, to): schedules each, plays the UEs, gives the RRC's answers. */
static void run(uint64_t from, uint64_t to)
{
    static struct dl_slot_request dl;
    static struct ul_slot_request ul;
    for (uint64_t s = from; s < to; s++) {
        mac_slot(&m, s, &dl, &ul);
        check_dl_request(&dl);
        check_ul_request(&ul);
        for (int i = 0; i < dl.n_pdsch; i++) {
            struct ue_side *u = ue_of(dl.pdsch[i].grant.rnti);
            if (u && !u->msg4_slot && u->msg3_sent && !u->c_rnti_ce) u->msg4_slot = s;
            if (u && u->acked && carries_dcch_sdu(dl.pdsch[i].tb, (size_t)dl.pdsch[i].dlsch.tbs / 8)) u->srb1_sdus++;
            if (dl.pdsch[i].codeword == PHY_DL_CW_TB) tb_pool_give_back(&m.dl_tbs, dl.pdsch[i].tb_index);
        }
        for (int i = 0; i < ul.n_pusch; i++) answer_pusch(s, &ul.pusch[i]);
        for (int i = 0; i < ul.n_pucch; i++) answer_pucch(s, &ul.pucch[i]);
        struct mac_ccch_sdu sdu;
        while (mac_take_ul_ccch(&m, &sdu)) { /* the RRC: an RRCSetup (any bytes) for each */
            static const uint8_t setup[40] = {0x20, 0x40};
            ck_assert_int_ge(sdu.ue_index, 0);
            ck_assert_int_eq(sdu.res.index, sdu.ue_index);
            ck_assert_int_eq(mac_dl_ccch(&m, sdu.rnti, setup, sizeof setup, true), 0);
        }
        while (n_events < 16 && mac_take_ue_event(&m, &events[n_events])) n_events++;
    }
}

/* A preamble per UE in the occasion ending in slot `slot`. */
static void preambles(uint64_t slot, int first, int n)
{
    struct ul_prach_result r = {.occasion = {.ra_rnti = 0x0f}, .n_detected = n};
    for (int i = 0; i < n; i++) r.det[i] = (struct ul_prach_detection){.preamble_index = 10 + first + i};
    uint64_t tc_before = m.ra.next_tc_rnti;
    mac_prach_indication(&m, slot, &r);
    for (int i = 0; i < n; i++) {
        struct ue_side *u = &ues[n_ues++];
        *u = (struct ue_side){.rnti = (uint16_t)(tc_before + (uint64_t)i)};
        for (int k = 0; k < 6; k++) u->ccch[k] = (uint8_t)(0x10 * (first + i) + k);
    }
}

START_TEST(two_ues_own_resources_no_overlap)
{
    mac_setup();
    n_ues = 0;
    overlaps_checked = 0;
    preambles(21, 0, 2);
    run(22, 400);
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(ues[i].acked, "UE %d: no Msg4", i);
        const struct mac_ue *ue = mac_ue_find(&m.ues, ues[i].rnti);
        ck_assert_ptr_nonnull(ue);
        ck_assert_int_eq(ue->res.index, i);
        ck_assert_msg(ues[i].sr_slots >= 30, "UE %d: %d SR occasions heard", i, ues[i].sr_slots);
        ck_assert_msg(ues[i].grants >= 10, "UE %d: %d grants", i, ues[i].grants);
    }
    const struct mac_ue *a = mac_ue_find(&m.ues, ues[0].rnti), *b = mac_ue_find(&m.ues, ues[1].rnti);
    ck_assert(a->res.f1_prb != b->res.f1_prb || a->res.f1_cs != b->res.f1_cs || a->res.sr_occ != b->res.sr_occ);
    ck_assert_int_ne(a->res.sr_offset, b->res.sr_offset);
    /* five more UEs, one preamble every other slot, while the two are granted: their Msg3s and the PUSCHs
     * granted in the same slots stay apart (check_ul_request) */
    for (uint64_t s = 400; s < 411; s++) {
        run(s, s + 1);
        if (s % 2 == 1) preambles(s, 2 + (int)(s - 401) / 2, 1);
    }
    run(411, 600);
    for (int i = 2; i < 7; i++) {
        ck_assert_msg(ues[i].acked, "UE %d: no Msg4", i);
        ck_assert_int_eq(mac_ue_find(&m.ues, ues[i].rnti)->res.index, i);
    }
    ck_assert_uint_gt(m.ul_map.stats.reserved, 0);
    ck_assert_int_eq(overlaps_checked, 578);
    /* a new stream epoch: every context goes */
    mac_epoch_start(&m, 2);
    for (int i = 0; i < 7; i++) ck_assert_ptr_null(mac_ue_find(&m.ues, ues[i].rnti));
    mac_free(&m);
}
END_TEST

/* A connected UE with a DRB whose DL queue never empties and whose BSR reports the most (index 31 > 150 kB):
 * PDSCHs in the SSB slots (slot 0 of even frames: the block's CRBs 14..33 leave 0..13 and 34..51) and the SIB1
 * slots (slot 1 of even frames, SIB1 on CRBs 36..41), never on their RBs (check_dl_request); UL grants of more than
 * half the carrier. */
START_TEST(ue_data_beside_ssb_and_sib1)
{
    mac_setup_common(true);
    n_ues = 0;
    ue_pdsch_ssb_slots = ue_pdsch_sib1_slots = widest_pusch = 0;
    preambles(21, 0, 1);
    run(22, 200);
    ck_assert(ues[0].acked);
    ues[0].ack_dl = true;
    struct mac_drb_config d = {.drb_id = 1, .lcid = 4, .rlc = rlc_am_config_srb_default, .pdcp_sn_bits = 18};
    d.rlc.sn_bits = 18;
    d.rlc.max_sdu_bytes = MAC_DRB_MAX_SDU + 8;
    ck_assert_int_eq(mac_ue_drb_setup(&m, ues[0].rnti, &d), 0);
    ck_assert_int_eq(ue_pdsch_ssb_slots + ue_pdsch_sib1_slots, 0);
    ues[0].bsr_index = 31;
    static uint8_t pkt[1200];
    for (uint64_t s = 200; s < 330; s++) {
        while (mac_dl_data(&m, ues[0].rnti, 1, pkt, sizeof pkt) == 0) {}
        run(s, s + 1);
    }
    /* 7 even frames, each with an SSB slot and a SIB1 slot (the UE sends no RLC STATUS: its DL queue of 40
     * slots' TBs keeps what was sent, so the test stops before it is all unacknowledged) */
    ck_assert_int_eq(ue_pdsch_ssb_slots, 7);
    ck_assert_int_eq(ue_pdsch_sib1_slots, 7);
    ck_assert_int_gt(widest_pusch, 52 / 2);
    mac_free(&m);
}
END_TEST

START_TEST(msg3_with_c_rnti_ce)
{
    mac_setup();
    n_ues = 0;
    preambles(21, 0, 1);
    run(22, 200);
    ck_assert(ues[0].acked);
    struct mac_ue *ue = mac_ue_find(&m.ues, ues[0].rnti);
    ck_assert_ptr_nonnull(ue);
    int grants_before = ues[0].grants;
    /* The same UE redoes random access: a new TC-RNTI whose Msg3 names its C-RNTI. */
    preambles(201, 1, 1);
    ues[1].c_rnti_ce = ues[0].rnti;
    run(202, 260);
    ck_assert(ues[1].msg3_sent);
    ck_assert_uint_eq(ues[1].msg4_slot, 0);            /* no Msg4 for it */
    ck_assert_uint_eq(atomic_load(&m.stats.ra_c_rnti_msg3), 1);
    ck_assert_ptr_null(mac_ue_find(&m.ues, ues[1].rnti));
    ck_assert_int_gt(ues[0].grants, grants_before);   /* the grant to the C-RNTI that resolves it */
    /* a C-RNTI nobody holds: the procedure just ends */
    preambles(261, 2, 1);
    ues[2].c_rnti_ce = 0x7777;
    run(262, 300);
    ck_assert(ues[2].msg3_sent);
    ck_assert_uint_eq(atomic_load(&m.stats.ra_c_rnti_msg3), 1);
    mac_free(&m);
}
END_TEST

/* The RRC's RRCRelease through SRB1 and the release that follows: delivery on the PDSCH's HARQ-ACK (srsUE's way),
 * then on an RLC STATUS when the HARQ-ACK is DTX; a released UE is asked for nothing more, and its context with
 * its PUCCH resources goes to the next UE. */
START_TEST(dl_dcch_delivery_and_release)
{
    mac_setup();
    n_ues = 0;
    n_events = 0;
    preambles(21, 0, 1);
    run(22, 200);
    ck_assert(ues[0].acked);
    ck_assert_int_eq(mac_ue_find(&m.ues, ues[0].rnti)->res.index, 0);
    ck_assert_int_eq(mac_dl_dcch(&m, 0x7777, dcch_sdu, sizeof dcch_sdu), -ENOENT);
    ues[0].ack_dl = true;
    ck_assert_int_eq(mac_dl_dcch(&m, ues[0].rnti, dcch_sdu, sizeof dcch_sdu), 0);
    run(200, 260);
    ck_assert_int_eq(ues[0].srb1_sdus, 1);
    ck_assert_int_eq(n_events, 1);
    ck_assert_int_eq(events[0].type, MAC_UE_DELIVERED);
    ck_assert_uint_eq(events[0].rnti, ues[0].rnti);
    ck_assert_int_eq(mac_release_ue(&m, ues[0].rnti), 0);
    ck_assert_int_eq(mac_release_ue(&m, ues[0].rnti), -ENOENT);
    ck_assert_ptr_null(mac_ue_find(&m.ues, ues[0].rnti));
    ues[0].released = true;
    /* the next UE gets the freed context; its HARQ-ACKs are DTX, so only its RLC STATUS tells */
    preambles(261, 1, 1);
    run(262, 450);
    ck_assert(ues[1].acked);
    ck_assert_int_eq(mac_ue_find(&m.ues, ues[1].rnti)->res.index, 0);
    ck_assert_int_eq(mac_dl_dcch(&m, ues[1].rnti, dcch_sdu, sizeof dcch_sdu), 0);
    run(450, 520);
    ck_assert_int_ge(ues[1].srb1_sdus, 1);
    ck_assert_int_eq(n_events, 1);
    ues[1].send_status = true;
    run(520, 560);
    ck_assert(!ues[1].send_status);
    ck_assert_int_eq(n_events, 2);
    ck_assert_int_eq(events[1].type, MAC_UE_DELIVERED);
    ck_assert_uint_eq(events[1].rnti, ues[1].rnti);
    mac_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, two_ues_own_resources_no_overlap);
    tcase_add_test(tc, msg3_with_c_rnti_ce);
    tcase_add_test(tc, dl_dcch_delivery_and_release);
    tcase_add_test(tc, ue_data_beside_ssb_and_sib1);
    suite_add_tcase(s, tc);
    return check_run(s);
}
