/* mac/ue: DRB 1 on LCID 4 beside SRB1, driven slot by slot as mac.c drives it, with the UE's end of the bearer
 * built from the same modules (rlc/rlc_am.h, pdcp/pdcp_drb.h with gnb = false) reading what the gNB sends:
 *  - DL: IP packets given to mac_ues_dl_data come out of PDSCHs as MAC subPDUs on LCID 4 (DCI 1_0 at the DRB MCS,
 *    on every free PRB when the data fills them), and out of the UE's RLC AM and PDCP as SDAP PDUs whose header
 *    is RDI 0 | RQI 0 | QFI (37.324 6.2.2.2), then the packet; ciphered with NEA2 when security is on;
 *  - SRB1 before the DRB in the same TB (LCID 1 first, then LCID 4);
 *  - UL: MAC PDUs with LCID 4 (the UE's RLC/PDCP/SDAP, UL header D/C 1 | R | QFI) come out of
 *    mac_ues_take_ul_data without their SDAP header; the UE's RLC STATUS acknowledges the DL;
 *  - a BSR for the DRB's data sizes the UL grant;
 *  - errors: unknown UE -ENOENT, no DRB or another drb_id -ENOENT, oversize -EMSGSIZE, full queue -ENOBUFS, bad
 *    configuration -EINVAL; a released UE's DRB is gone (and a new UE in its context starts without one);
 *  - the DRB released alone (mac_ues_drb_release): its SDUs dropped and counted, no more DRB data, set up again;
 *  - the UE simulator's DRB (tests/uesim/ue_drb.c, compiled in) with echo: packets the MAC sends DL come back UL
 *    through the simulator's RLC/PDCP/SDAP and out of mac_ues_take_ul_data, the simulator's BSR-sized pending
 *    bytes emptied by the grants;
 *  - two DRBs of one UE (DRB 1 on LCID 4, DRB 2 on LCID 5, two simulator DRBs with echo): DL packets of both in
 *    the same TBs (round robin: neither waits for the other's queue), each echoed back UL and out of
 *    mac_ues_take_ul_data with its own drb_id; DRB 1 released, DRB 2 still carries data both ways; the limits:
 *    MAC_UE_DRBS at once (-ENOSPC), a drb_id or LCID taken (-EBUSY);
 *  - the DL figure: bytes of IP data per PDSCH and per slot at 52 PRBs for a few MCSs (printed). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "mac/ue.h"
#include "pdcp/pdcp_drb.h"
#include "phy/ch/dci.h"
#include "rlc/rlc_am.h"
#include "tests/uesim/ue_drb.c"
#include "tests/uesim/ue_mac.c"
#include "tests/unit/check_run.h"

#define RNTI 0x4601
#define QFI 9
#define PKT_MAX 2100
#define GOT_MAX 64

static struct tb_pool pool;
static struct mac_ues u;

/* the UE's end of DRB 1 */
static struct rlc_am ue_rlc;
static struct pdcp_drb ue_pdcp;
static int64_t ue_ms;
#define ACKS_MAX 32
static uint64_t ack_due[ACKS_MAX]; /* UL slots of the outstanding PDSCHs' HARQ-ACKs, in order */
static int n_ack_due;
static uint8_t got[GOT_MAX][PKT_MAX];
static size_t got_len[GOT_MAX];
static int n_got;

static void ue_pdcp_deliver(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    (void)ctx;
    (void)count;
    ck_assert_uint_le(len, PKT_MAX);
    if (n_got < GOT_MAX) { /* the rate test only counts */
        memcpy(got[n_got], sdu, len);
        got_len[n_got] = len;
    }
    n_got++;
}

static void ue_rlc_deliver(void *ctx, const uint8_t *pdu, size_t len)
{
    (void)ctx;
    ck_assert_int_eq(pdcp_drb_rx(&ue_pdcp, pdu, len, ue_ms), 0);
}

static struct rlc_am_config drb_rlc(void)
{
    struct rlc_am_config c = rlc_am_config_srb_default;
    c.sn_bits = 18;
    c.poll_pdu = 16;
    c.max_sdu_bytes = MAC_DRB_MAX_SDU + 8;
    c.tx_sdus = 128;
    c.tx_bytes = 256 * 1024;
    return c;
}

static struct mac_drb_config drb_cfg(bool sdap)
{
    return (struct mac_drb_config){.drb_id = 1, .lcid = 4, .rlc = drb_rlc(), .pdcp_sn_bits = 18,
                                   .sdap_header_dl = sdap, .sdap_header_ul = sdap, .qfi = QFI};
}

static struct mac_ue *setup(int dl_mcs, bool sdap)
{
    struct mac_ue_config c = {.pci = 1, .nof_prb = 52, .scs_khz = 15, .dmrs_type_a_position = 2, .k2 = 4,
                              .grant_prb_start = 8, .grant_nof_prb = 12, .grant_mcs = 4, .grant_max_prb = 40,
                              .grant_period = 5, .sr_period = 10, .dl_mcs = dl_mcs};
    slot_pattern_init_fdd(&c.pattern);
    c.css = (struct ra_config){.pci = 1, .nof_prb = 52, .scs_khz = 15, .sample_rate_hz = 11.52e6,
                               .dmrs_type_a_position = 2, .pdsch_start_symbol = 1, .pdsch_nof_symbols = 13,
                               .msg3_k2 = 4, .ra_response_window = 10, .rar_mcs = 2, .msg3_prb_start = 8,
                               .msg3_nof_prb = 3, .msg3_mcs = 2, .pucch_resource_common = 11};
    ck_assert_int_eq(pdcch_coreset0(&c.css.coreset0, 1, 48, 1, 0, 1), 0);
    slot_pattern_init_fdd(&c.css.pattern);
    ck_assert_int_eq(mac_ues_init(&u, &c), 0);
    ck_assert_int_eq(tb_pool_init(&pool, 4, 52 * 12 * 14 * 6 / 8 + 16), 0);
    struct mac_ue *ue = mac_ue_add(&u, RNTI, 0, 0);
    ck_assert_ptr_nonnull(ue);
    ue->setup_complete = true; /* no grants before RRCSetupComplete in the way */
    struct mac_drb_config d = drb_cfg(sdap);
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &d), 0);
    struct rlc_am_config rc = drb_rlc();
    ck_assert_int_eq(rlc_am_init(&ue_rlc, &rc, ue_rlc_deliver, NULL), 0);
    struct pdcp_drb_config pc;
    pdcp_drb_config_default(&pc, 1);
    pc.gnb = false;
    pc.sdap_header_dl = pc.sdap_header_ul = sdap;
    pc.deliver = ue_pdcp_deliver;
    ck_assert_int_eq(pdcp_drb_init(&ue_pdcp, &pc), 0);
    n_got = 0;
    ue_ms = 0;
    n_ack_due = 0;
    return ue;
}

static void teardown(void)
{
    mac_ues_free(&u);
    tb_pool_free(&pool);
    rlc_am_free(&ue_rlc);
    pdcp_drb_free(&ue_pdcp);
}

/* One DL slot with a fresh PDCCH allocator, as mac.c begins one. */
static int dl_slot(uint64_t slot, struct dl_slot_request *dl)
{
    static struct pdcch_alloc a;
    memset(dl, 0, sizeof *dl);
    dl->slot_in_frame = (int)(slot % 10);
    pdcch_alloc_begin(&a, dl->slot_in_frame);
    return mac_ues_schedule_dl(&u, slot, true, false, true, dl, &pool, &a);
}

static void harq_ack(uint64_t slot)
{
    struct ul_slot_request ul = {0};
    mac_ues_schedule_ul(&u, slot, &ul);
    int k = ul.n_pucch - 1;
    ck_assert_int_ge(k, 0);
    ck_assert_int_eq(ul.pucch[k].purpose, UL_PUCCH_HARQ_ACK);
    struct ul_pucch_result r = {.req = ul.pucch[k], .res = {.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}}};
    ck_assert(mac_ue_pucch(&u, slot, &r));
}

/* Every HARQ-ACK due before slot: ACK (reported before slot is scheduled). */
static void acks_before(uint64_t slot)
{
    int k = 0;
    while (k < n_ack_due && ack_due[k] < slot) harq_ack(ack_due[k++]);
    memmove(ack_due, ack_due + k, (size_t)(n_ack_due - k) * sizeof ack_due[0]);
    n_ack_due -= k;
}

static void ack_expect(uint64_t slot)
{
    ck_assert_int_lt(n_ack_due, ACKS_MAX);
    ack_due[n_ack_due++] = slot;
}

/* The slot's PDSCH for RNTI: its DCI and MAC PDU read back, the DRB's subPDUs given to the UE's RLC AM; the TB is
 * acknowledged in its HARQ-ACK slot (reported before the next DL slot is scheduled). Returns the number of PDSCHs
 * (0 or 1); *lcids the subPDUs' LCIDs in order. */
static int dl_to_ue(uint64_t slot, struct dci_1_0 *d, int *n_rb, int *lcids, int *n_sub, int *drb_bytes)
{
    acks_before(slot);
    struct dl_slot_request dl;
    dl_slot(slot, &dl);
    if (dl.n_pdsch == 0) return 0;
    ck_assert_int_eq(dl.n_pdsch, 1);
    ck_assert_int_eq(dl.pdcch[0].rnti, RNTI);
    ck_assert_int_eq(dci_1_0_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, DCI_RNTI_C, 52, d), 0);
    int start;
    ck_assert_int_eq(dci_riv_decode(52, d->frequency_domain_assignment, &start, n_rb), 0);
    ck_assert_int_eq(*n_rb, dl.pdsch[0].grant.nof_rb);
    struct mac_pdu_rx rx;
    const uint8_t *tb = dl.pdsch[0].tb;
    ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, tb, (size_t)dl.pdsch[0].dlsch.tbs / 8, &rx, NULL), 0);
    *n_sub = 0;
    *drb_bytes = 0;
    for (int i = 0; i < rx.n; i++) {
        lcids[(*n_sub)++] = rx.sub[i].lcid;
        if (rx.sub[i].lcid == 4) {
            *drb_bytes += (int)rx.sub[i].length;
            ck_assert_int_eq(rlc_am_push_pdu(&ue_rlc, tb + rx.sub[i].offset, rx.sub[i].length, ue_ms), 0);
        }
    }
    tb_pool_give_back(&pool, dl.pdsch[0].tb_index);
    ack_expect(slot + 4);
    return 1;
}

static void fill(uint8_t *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(seed * 31 + i * 7);
}

/* The packets the UE got are the ones sent, each behind its SDAP header (RDI 0, RQI 0, QFI) when on. */
static void check_got(int n, const size_t *len, bool sdap)
{
    ck_assert_int_eq(n_got, n);
    for (int k = 0; k < n; k++) {
        uint8_t want[PKT_MAX];
        fill(want, len[k], k);
        size_t h = sdap ? 1 : 0;
        ck_assert_uint_eq(got_len[k], len[k] + h);
        if (sdap) ck_assert_uint_eq(got[k][0], QFI);
        ck_assert_mem_eq(got[k] + h, want, len[k]);
    }
}

static void dl_packets(bool sdap, bool secure)
{
    struct mac_ue *ue = setup(0, sdap);
    if (secure) {
        struct pdcp_sec_config sc = {.nea = 2, .tx_cipher = true, .rx_cipher = true};
        for (int i = 0; i < 16; i++) sc.k_enc[i] = (uint8_t)(0xa0 + i);
        ck_assert_int_eq(mac_ues_drb_security(&u, RNTI, 1, &sc), 0);
        ck_assert_int_eq(pdcp_drb_security_activate(&ue_pdcp, &sc), 0);
    }
    static const size_t len[4] = {1400, 60, 1500, 700};
    uint8_t pkt[PKT_MAX];
    for (int k = 0; k < 4; k++) {
        fill(pkt, len[k], k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, len[k]), 0);
    }
    ck_assert_uint_eq(ue->drb[0].dl_sdus, 4);
    ck_assert_uint_eq(u.stats.drb_dl_sdus, 4);
    ck_assert_uint_eq(u.stats.drb_dl_bytes, 1400 + 60 + 1500 + 700);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, MAC_DRB_MAX_SDU + 1), -EMSGSIZE);
    ck_assert_uint_eq(u.stats.drb_dl_dropped, 1);
    /* 3660 bytes at MCS 16 over 52 PRBs: a first TB of every PRB, the rest in the next */
    struct dci_1_0 d;
    int n_rb, lcids[MAC_PDU_MAX_SUBPDUS], n_sub, bytes, pdschs = 0;
    uint64_t s = 100;
    ck_assert_int_eq(dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes), 1);
    ck_assert_uint_eq(d.mcs, MAC_UE_DL_MCS_DEFAULT);
    ck_assert_int_ge(n_rb, 50);
    ck_assert_int_gt(n_sub, 1);
    for (int i = 0; i < n_sub; i++) ck_assert_int_eq(lcids[i], 4);
    for (pdschs = 1, s += 1; n_got < 4 && s < 200; s++) {
        pdschs += dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes);
        ue_ms = (int64_t)s;
    }
    ck_assert_int_eq(pdschs, 2);
    check_got(4, len, sdap);
    teardown();
}

START_TEST(dl_ip_packets)
{
    dl_packets(true, false);
}
END_TEST

START_TEST(dl_no_sdap_ciphered)
{
    dl_packets(false, true);
}
END_TEST

/* SRB1 first: a DL-DCCH SDU and DRB data in one TB, LCID 1 before LCID 4; the SRB1-only TB before the DRB was set
 * up went at the RAR MCS. */
START_TEST(srb1_first)
{
    setup(20, true);
    uint8_t dcch[30], pkt[200];
    memset(dcch, 0x11, sizeof dcch);
    fill(pkt, sizeof pkt, 0);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, sizeof pkt), 0);
    ck_assert_int_eq(mac_ue_dl_dcch(&u, RNTI, dcch, sizeof dcch), 0);
    struct dci_1_0 d;
    int n_rb, lcids[MAC_PDU_MAX_SUBPDUS], n_sub, bytes;
    ck_assert_int_eq(dl_to_ue(100, &d, &n_rb, lcids, &n_sub, &bytes), 1);
    ck_assert_uint_eq(d.mcs, 20);
    ck_assert_int_eq(n_sub, 2); /* then padding */
    ck_assert_int_eq(lcids[0], MAC_LCID_SRB1);
    ck_assert_int_eq(lcids[1], 4);
    ck_assert_int_lt(n_rb, 52); /* the fewest PRBs that hold it */
    size_t len = sizeof pkt;
    check_got(1, &len, true);
    teardown();
}
END_TEST

/* The UE's UL MAC PDU of tbs bytes: [short BSR index bs for LCG lcg] + [its RLC PDU on LCID 4]. */
static int ue_ul_pdu(uint8_t *tb, int tbs, int bs, bool with_data)
{
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_UL, tb, (size_t)tbs);
    if (bs >= 0) {
        uint8_t ce = (uint8_t)(1 << 5 | bs); /* LCG 1 */
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &ce, 1), 0);
    }
    uint8_t pdu[PKT_MAX + 16];
    int n = with_data ? rlc_am_pull_pdu(&ue_rlc, pdu, (size_t)tbs - 8, ue_ms) : 0;
    if (n > 0) ck_assert_int_eq(mac_pdu_add_sdu(&b, 4, pdu, (size_t)n), 0);
    return (int)mac_pdu_finish(&b);
}

/* A PUSCH of the UE granted in slot `slot` (DCI 0_0 there), carrying its MAC PDU. */
static void pusch(struct mac_ue *ue, uint64_t slot, int bs, bool with_data, int *n_prb)
{
    struct dl_slot_request dl;
    memset(&dl, 0, sizeof dl);
    static struct pdcch_alloc a;
    pdcch_alloc_begin(&a, (int)(slot % 10));
    ck_assert_int_eq(mac_ues_schedule_dl(&u, slot, true, true, false, &dl, &pool, &a), 1);
    struct dci_0_0 g;
    ck_assert_int_eq(dci_0_0_unpack(dl.pdcch[0].dci, dl.pdcch[0].dci_len, 52, &g), 0);
    int start;
    ck_assert_int_eq(dci_riv_decode(52, g.frequency_domain_assignment, &start, n_prb), 0);
    struct ul_slot_request ul = {0};
    ck_assert_int_eq(mac_ues_schedule_ul(&u, slot + 4, &ul), 1);
    static uint8_t tb[8192];
    int tbs = ul.pusch[0].tb.tbs / 8;
    ue_ul_pdu(tb, tbs, bs, with_data);
    struct ul_pusch_result r = {.req = ul.pusch[0], .rc = 0, .res = {.crc_ok = true, .snr_db = 20},
                                .tb_bytes = tbs, .tb = tb};
    mac_ue_pusch(&u, ue, slot + 4, &r, tb);
}

START_TEST(ul_ip_packets)
{
    struct mac_ue *ue = setup(0, true);
    struct pdcp_sec_config sc = {.nea = 2, .tx_cipher = true, .rx_cipher = true};
    for (int i = 0; i < 16; i++) sc.k_enc[i] = (uint8_t)(0x5a ^ i);
    ck_assert_int_eq(mac_ues_drb_security(&u, RNTI, 1, &sc), 0);
    ck_assert_int_eq(pdcp_drb_security_activate(&ue_pdcp, &sc), 0);
    /* the UE: two IP packets through SDAP (UL header D/C 1, R 0, QFI), PDCP (NEA2), RLC AM */
    static const size_t len[2] = {300, 84};
    for (int k = 0; k < 2; k++) {
        uint8_t sd[PKT_MAX], pdu[PKT_MAX + 8];
        sd[0] = 0x80 | QFI;
        fill(sd + 1, len[k], k + 40);
        size_t n;
        ck_assert_int_eq(pdcp_drb_tx(&ue_pdcp, sd, len[k] + 1, 0, pdu, sizeof pdu, &n, NULL), 0);
        ck_assert_int_eq(rlc_am_write_sdu(&ue_rlc, pdu, n), 0);
    }
    /* An SR's grant (the default 12 PRBs at MCS 4, 123 bytes) carries a short BSR (index 12: <= 410 bytes, Table
     * 6.1.3.1-1) and the first segment; the next grant is sized to the BSR: more PRBs. */
    ue->sr_pending = true;
    int n_prb;
    pusch(ue, 100, 12, true, &n_prb);
    ck_assert_int_eq(n_prb, 12);
    struct mac_ul_data out;
    ck_assert_int_eq(mac_ues_take_ul_data(&u, &out), 0); /* a segment only */
    pusch(ue, 110, -1, true, &n_prb);
    ck_assert_int_gt(n_prb, 12);
    for (uint64_t s = 120; s < 200 && u.n_ul_out < 2; s += 10) {
        ue->sr_pending = true;
        pusch(ue, s, -1, true, &n_prb);
    }
    uint8_t want[PKT_MAX];
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(mac_ues_take_ul_data(&u, &out), 1);
        ck_assert_int_eq(out.rnti, RNTI);
        ck_assert_int_eq(out.drb_id, 1);
        ck_assert_int_eq(out.len, (int)len[k]);
        fill(want, len[k], k + 40);
        ck_assert_mem_eq(out.data, want, len[k]);
    }
    ck_assert_int_eq(mac_ues_take_ul_data(&u, &out), 0);
    ck_assert_uint_eq(ue->drb[0].ul_sdus, 2);
    ck_assert_uint_eq(u.stats.drb_ul_sdus, 2);
    /* an end-marker (D/C 0) is no packet */
    uint8_t em = QFI, pdu[16];
    size_t n;
    ck_assert_int_eq(pdcp_drb_tx(&ue_pdcp, &em, 1, 0, pdu, sizeof pdu, &n, NULL), 0);
    ck_assert_int_eq(rlc_am_write_sdu(&ue_rlc, pdu, n), 0);
    ue->sr_pending = true;
    pusch(ue, 300, 0, true, &n_prb);
    ck_assert_int_eq(mac_ues_take_ul_data(&u, &out), 0);
    ck_assert_uint_eq(ue->drb[0].ul_dropped, 0);
    teardown();
}
END_TEST

/* The UE's RLC STATUS (LCID 4, UL) acknowledges the DL: the gNB's queue empties and the UE leaves the pending
 * set. */
START_TEST(dl_acknowledged)
{
    struct mac_ue *ue = setup(0, true);
    uint8_t pkt[1000];
    fill(pkt, sizeof pkt, 0);
    for (int k = 0; k < 20; k++) ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, sizeof pkt), 0);
    struct dci_1_0 d;
    int n_rb, lcids[MAC_PDU_MAX_SUBPDUS], n_sub, bytes;
    for (uint64_t s = 100; s < 200 && n_got < 20; s++) dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes);
    ck_assert_int_eq(n_got, 20);
    ck_assert_uint_gt(rlc_sdu_queue_count(&ue->drb[0].rlc.q), 0); /* not acknowledged yet */
    ck_assert(rlc_am_status_pending(&ue_rlc, ue_ms));          /* the last PDU polled */
    ue->sr_pending = true;
    int n_prb;
    pusch(ue, 300, 0, true, &n_prb);
    ck_assert_uint_eq(rlc_sdu_queue_count(&ue->drb[0].rlc.q), 0);
    teardown();
}
END_TEST

START_TEST(errors_and_release)
{
    struct mac_ue *ue = setup(0, true);
    uint8_t pkt[MAC_DRB_MAX_SDU + 1] = {0};
    ck_assert_int_eq(mac_ues_dl_data(&u, 0x1234, 1, pkt, 100), -ENOENT);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 2, pkt, 100), -ENOENT);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, 0), -EMSGSIZE);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, MAC_DRB_MAX_SDU + 1), -EMSGSIZE);
    int ok = 0, rc;
    while ((rc = mac_ues_dl_data(&u, RNTI, 1, pkt, 1500)) == 0) ok++;
    ck_assert_int_eq(rc, -ENOBUFS);
    ck_assert_int_eq(ok, u.drb_alloc.tx_bytes / (1500 + 1 + 3)); /* the DL queue's bytes */
    ck_assert_uint_ge(u.drb_alloc.tx_bytes, (size_t)MAC_DRB_TX_SLOTS * u.tb_cap); /* sized from the carrier */
    struct mac_drb_config c = drb_cfg(true);
    ck_assert_int_eq(mac_ues_drb_setup(&u, 0x1234, &c), -ENOENT);
    c.drb_id = 2;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), -EBUSY);
    c = drb_cfg(true);
    c.lcid = 1;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), -EINVAL);
    c = drb_cfg(true);
    c.pdcp_sn_bits = 15;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), -EINVAL);
    struct pdcp_sec_config sc = {.nea = 2};
    ck_assert_int_eq(mac_ues_drb_security(&u, 0x1234, 1, &sc), -ENOENT);
    /* released: gone, and the next UE in the context has no DRB and an empty queue */
    ck_assert_int_eq(mac_ue_release(&u, RNTI), 0);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, 100), -ENOENT);
    ue = mac_ue_add(&u, RNTI + 1, 0, 0);
    ck_assert_ptr_nonnull(ue);
    ck_assert(!ue->drb[0].active);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI + 1, 1, pkt, 100), -ENOENT);
    c = drb_cfg(false);
    c.pdcp_sn_bits = 12;
    c.rlc.sn_bits = 12;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI + 1, &c), 0);
    ck_assert_uint_eq(rlc_sdu_queue_count(&ue->drb[0].rlc.q), 0);
    ck_assert_int_eq(ue->drb[0].pdcp.core.hdr, 2);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI + 1, 1, pkt, 100), 0);
    /* a new epoch: gone too */
    mac_ues_reset(&u);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI + 1, 1, pkt, 100), -ENOENT);
    teardown();
}
END_TEST

/* The DRB alone goes (PDU session release): the SDUs it held are dropped and counted, the UE and SRB1 stay, no DRB
 * subPDU leaves any more; set up again, DRB 1 starts over (a new UE-side entity reads it from COUNT 0). */
START_TEST(drb_release_and_again)
{
    struct mac_ue *ue = setup(0, true);
    uint8_t pkt[1000];
    size_t len[3] = {1000, 1000, 1000};
    for (int k = 0; k < 3; k++) {
        fill(pkt, len[k], k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, len[k]), 0);
    }
    struct dci_1_0 d;
    int n_rb, lcids[MAC_PDU_MAX_SUBPDUS], n_sub, bytes;
    uint64_t s = 100;
    for (; s < 200 && n_got < 3; s++) dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes);
    check_got(3, len, true);
    for (int k = 0; k < 5; k++) ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, sizeof pkt), 0);
    uint32_t dropped = 0;
    ck_assert_int_eq(mac_ues_drb_release(&u, RNTI, 2, &dropped), -ENOENT);
    ck_assert_int_eq(mac_ues_drb_release(&u, 0x1234, 1, &dropped), -ENOENT);
    ck_assert_int_eq(mac_ues_drb_release(&u, RNTI, 1, &dropped), 0);
    ck_assert_uint_eq(dropped, 8); /* 3 sent but not acknowledged (no STATUS yet) + 5 queued */
    ck_assert_uint_eq(u.drb_releases, 1);
    ck_assert_uint_eq(u.drb_release_dropped, 8);
    ck_assert_ptr_eq(mac_ue_find(&u, RNTI), ue);
    ck_assert(!ue->drb[0].active);
    ck_assert_int_eq(mac_ues_drb_release(&u, RNTI, 1, NULL), -ENOENT);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, 100), -ENOENT);
    for (int i = 0; i < 40; i++, s++) { /* whatever TB the UE still gets: no DRB subPDU in it */
        if (dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes)) ck_assert_int_eq(bytes, 0);
    }
    /* DRB 1 again, and a UE whose DRB entities are new. */
    struct mac_drb_config c = drb_cfg(true);
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), 0);
    rlc_am_free(&ue_rlc);
    pdcp_drb_free(&ue_pdcp);
    struct rlc_am_config rc = drb_rlc();
    ck_assert_int_eq(rlc_am_init(&ue_rlc, &rc, ue_rlc_deliver, NULL), 0);
    struct pdcp_drb_config pc;
    pdcp_drb_config_default(&pc, 1);
    pc.gnb = false;
    pc.sdap_header_dl = pc.sdap_header_ul = true;
    pc.deliver = ue_pdcp_deliver;
    ck_assert_int_eq(pdcp_drb_init(&ue_pdcp, &pc), 0);
    n_got = 0;
    for (int k = 0; k < 3; k++) {
        fill(pkt, len[k], k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, len[k]), 0);
    }
    for (uint64_t end = s + 100; s < end && n_got < 3; s++) dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes);
    check_got(3, len, true);
    teardown();
}
END_TEST

/* Full buffer at 52 PRBs: bytes of DRB payload per PDSCH and per slot (MAC_UE_DL_HARQ processes: a TB in every
 * FDD slot once the HARQ-ACKs come k1 = 4 slots later), for a few MCSs. Printed; the assertions check a PDSCH in
 * (nearly) every slot, each TB full. */
START_TEST(dl_rate_52prb)
{
    static const int mcs[] = {9, 16, 20, 27};
    for (size_t m = 0; m < sizeof mcs / sizeof mcs[0]; m++) {
        setup(mcs[m], true);
        uint8_t pkt[1500], st[64];
        fill(pkt, sizeof pkt, 0);
        uint64_t s = 1000, total = 0;
        int pdschs = 0, tbs_bytes = 0;
        for (; s < 1200; s++) {
            /* full buffer: the queue topped up, the UE's STATUS PDUs handed straight to the gNB's RLC AM */
            while (mac_ues_dl_data(&u, RNTI, 1, pkt, sizeof pkt) == 0) {
            }
            ue_ms = (int64_t)s;
            if (rlc_am_status_pending(&ue_rlc, ue_ms)) {
                int n = rlc_am_pull_pdu(&ue_rlc, st, sizeof st, ue_ms);
                ck_assert_int_gt(n, 0);
                ck_assert_int_eq(rlc_am_push_pdu(&u.ue[0].drb[0].rlc, st, (size_t)n, ue_ms), 0);
            }
            struct dci_1_0 d;
            int n_rb, lcids[MAC_PDU_MAX_SUBPDUS], n_sub, bytes;
            if (!dl_to_ue(s, &d, &n_rb, lcids, &n_sub, &bytes)) continue;
            ck_assert_int_ge(n_rb, 50); /* the fewest PRBs with the TBS of all 52 (TBS steps: 51 may do) */
            pdschs++;
            total += (uint64_t)bytes;
            tbs_bytes = u.ue[0].dl_harq[d.harq_process % MAC_UE_DL_HARQ].tbs / 8;
        }
        ck_assert_int_ge(pdschs, 190);
        printf("DRB DL at 52 PRB MCS %2d: TB %5d bytes, %5.0f RLC bytes per PDSCH, %6.1f bytes per slot "
               "(%d PDSCHs in 200 slots): %.1f Mbit/s\n",
               mcs[m], tbs_bytes, (double)total / pdschs, (double)total / 200, pdschs,
               (double)total * 8 / 200 / 1000);
        ck_assert_uint_gt(total / (uint64_t)pdschs, (uint64_t)tbs_bytes * 9 / 10);
        teardown();
    }
}
END_TEST

/* gNB MAC -> uesim DRB (echo) -> gNB MAC: each DL packet comes back as a UL packet of the same bytes. */
START_TEST(uesim_echo)
{
    struct mac_ue *ue = setup(0, true);
    static struct ue_drb sim;
    struct ue_drb_config sc;
    ue_drb_config_default(&sc);
    sc.qfi = QFI;
    ck_assert_int_eq(ue_drb_setup(&sim, &sc, true), 0);
    static const size_t len[3] = {1200, 64, 500};
    uint8_t pkt[PKT_MAX];
    for (int k = 0; k < 3; k++) {
        fill(pkt, len[k], k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, len[k]), 0);
    }
    int back = 0;
    struct mac_ul_data out;
    for (uint64_t s = 100; s < 400 && back < 3; s++) {
        struct dl_slot_request dl;
        static struct pdcch_alloc a;
        memset(&dl, 0, sizeof dl);
        pdcch_alloc_begin(&a, (int)(s % 10));
        acks_before(s);
        mac_ues_schedule_dl(&u, s, true, true, true, &dl, &pool, &a);
        for (int i = 0; i < dl.n_pdsch; i++) { /* DL data into the simulator */
            struct mac_pdu_rx rx;
            const uint8_t *tb = dl.pdsch[i].tb;
            ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, tb, (size_t)dl.pdsch[i].dlsch.tbs / 8, &rx, NULL), 0);
            for (int k = 0; k < rx.n; k++)
                if (rx.sub[k].lcid == sc.lcid)
                    ck_assert_int_eq(ue_drb_rx_pdu(&sim, tb + rx.sub[k].offset, rx.sub[k].length, (int64_t)s), 0);
            tb_pool_give_back(&pool, dl.pdsch[i].tb_index);
            ack_expect(s + 4);
        }
        ue_drb_tick(&sim, (int64_t)s);
        bool granted = false;
        for (int h = 0; h < MAC_UE_UL_HARQ; h++) granted |= ue->ul_harq[h].busy && ue->ul_harq[h].pusch_slot > s;
        if (ue_drb_pending(&sim) > 0 && !granted) ue->sr_pending = true;
        /* the PUSCH granted for this slot: RLC PDUs of the simulator's DRB + a short BSR of what is left */
        struct ul_slot_request ul = {0};
        mac_ues_schedule_ul(&u, s, &ul);
        for (int i = 0; i < ul.n_pusch; i++) {
            static uint8_t tb[8192];
            int tbs = ul.pusch[i].tb.tbs / 8;
            struct mac_pdu_builder b;
            mac_pdu_builder_init(&b, MAC_DIR_UL, tb, (size_t)tbs);
            uint8_t r[PKT_MAX + 16];
            size_t room;
            while ((room = mac_pdu_sdu_room(&b)) > 2 + 9) {
                int n = ue_drb_pull(&sim, r, room - 2 > sizeof r ? sizeof r : room - 2, (int64_t)s);
                if (n <= 0) break;
                ck_assert_int_eq(mac_pdu_add_sdu(&b, sc.lcid, r, (size_t)n), 0);
            }
            uint8_t bsr = ue_mac_short_bsr(0, ue_drb_pending(&sim));
            ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &bsr, 1), 0);
            mac_pdu_finish(&b);
            struct ul_pusch_result res = {.req = ul.pusch[i], .rc = 0, .res = {.crc_ok = true, .snr_db = 20},
                                          .tb_bytes = tbs, .tb = tb};
            mac_ue_pusch(&u, ue, s, &res, tb);
        }
        while (mac_ues_take_ul_data(&u, &out) == 1) {
            ck_assert_int_lt(back, 3);
            ck_assert_int_eq(out.len, (int)len[back]);
            fill(pkt, len[back], back);
            ck_assert_mem_eq(out.data, pkt, len[back]);
            back++;
        }
    }
    ck_assert_int_eq(back, 3);
    ck_assert_uint_eq(sim.dl_ip, 3);
    ck_assert_uint_eq(sim.ul_ip, 3);
    ck_assert_uint_eq(sim.dropped, 0);
    ue_drb_free(&sim);
    teardown();
}
END_TEST

/* Several DRBs of one UE, each with a simulator DRB (echo) on its LCID: one slot of DL and UL. sims[k] is the
 * UE's end of the gNB's DRB drb_ids[k] (NULL: gone); back[k] counts the UL packets of drb_ids[k]; mixed counts the
 * DL TBs that carried two DRBs' LCIDs. */
static void multi_slot(struct mac_ue *ue, uint64_t s, struct ue_drb **sims, const int *drb_ids, int n, int *back,
                       int *mixed)
{
    struct dl_slot_request dl;
    static struct pdcch_alloc a;
    memset(&dl, 0, sizeof dl);
    pdcch_alloc_begin(&a, (int)(s % 10));
    mac_ues_schedule_dl(&u, s, true, true, true, &dl, &pool, &a);
    for (int i = 0; i < dl.n_pdsch; i++) {
        struct mac_pdu_rx rx;
        const uint8_t *tb = dl.pdsch[i].tb;
        ck_assert_int_eq(mac_pdu_parse(MAC_DIR_DL, tb, (size_t)dl.pdsch[i].dlsch.tbs / 8, &rx, NULL), 0);
        unsigned lcids = 0;
        for (int k = 0; k < rx.n; k++)
            for (int j = 0; j < n; j++)
                if (sims[j] && rx.sub[k].lcid == sims[j]->cfg.lcid) {
                    lcids |= 1u << j;
                    ck_assert_int_eq(ue_drb_rx_pdu(sims[j], tb + rx.sub[k].offset, rx.sub[k].length, (int64_t)s), 0);
                }
        *mixed += __builtin_popcount(lcids) > 1;
        tb_pool_give_back(&pool, dl.pdsch[i].tb_index);
    }
    size_t pending = 0;
    for (int j = 0; j < n; j++)
        if (sims[j]) {
            ue_drb_tick(sims[j], (int64_t)s);
            pending += ue_drb_pending(sims[j]);
        }
    bool granted = false;
    for (int h = 0; h < MAC_UE_UL_HARQ; h++) granted |= ue->ul_harq[h].busy && ue->ul_harq[h].pusch_slot > s;
    if (pending > 0 && !granted) ue->sr_pending = true;
    struct ul_slot_request ul = {0};
    mac_ues_schedule_ul(&u, s, &ul);
    for (int i = 0; i < ul.n_pucch; i++) { /* every HARQ-ACK due: ACK (on PUCCH, or on the PUSCH below) */
        if (ul.pucch[i].purpose != UL_PUCCH_HARQ_ACK) continue;
        struct ul_pucch_result r = {.req = ul.pucch[i], .res = {.verdict = PUCCH_RX_VALID, .nbits = 1, .bits = {1}}};
        mac_ue_pucch(&u, s, &r);
    }
    for (int i = 0; i < ul.n_pusch; i++) { /* each simulator DRB's RLC PDUs in turn, then a BSR of the rest */
        static uint8_t tb[8192];
        int tbs = ul.pusch[i].tb.tbs / 8;
        struct mac_pdu_builder b;
        mac_pdu_builder_init(&b, MAC_DIR_UL, tb, (size_t)tbs);
        uint8_t r[PKT_MAX + 16];
        size_t room;
        for (int j = 0, idle = 0; idle < n && (room = mac_pdu_sdu_room(&b)) > 2 + 9; j = (j + 1) % n) {
            int m = sims[j] ? ue_drb_pull(sims[j], r, room - 2 > sizeof r ? sizeof r : room - 2, (int64_t)s) : 0;
            if (m <= 0) {
                idle++;
                continue;
            }
            idle = 0;
            ck_assert_int_eq(mac_pdu_add_sdu(&b, sims[j]->cfg.lcid, r, (size_t)m), 0);
        }
        pending = 0;
        for (int j = 0; j < n; j++) pending += sims[j] ? ue_drb_pending(sims[j]) : 0;
        uint8_t bsr = ue_mac_short_bsr(0, pending);
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &bsr, 1), 0);
        mac_pdu_finish(&b);
        struct ul_pusch_result res = {.req = ul.pusch[i], .rc = 0, .res = {.crc_ok = true, .snr_db = 20},
                                      .tb_bytes = tbs, .tb = tb};
        res.res.n_ack = ul.pusch[i].grant.uci.n_ack;
        res.res.ack[0] = 1;
        mac_ue_pusch(&u, ue, s, &res, tb);
    }
    struct mac_ul_data out;
    while (mac_ues_take_ul_data(&u, &out) == 1) {
        int j = 0;
        while (j < n && drb_ids[j] != out.drb_id) j++;
        ck_assert_int_lt(j, n);
        uint8_t want[PKT_MAX];
        fill(want, (size_t)out.len, drb_ids[j] * 16 + back[j]);
        ck_assert_mem_eq(out.data, want, (size_t)out.len);
        back[j]++;
    }
}

/* DRB 1 (LCID 4) and DRB 2 (LCID 5) of one UE: data both ways on both, counted apart; DRB 1 released, DRB 2 goes
 * on; the limits. */
START_TEST(two_drbs)
{
    struct mac_ue *ue = setup(0, true);
    struct mac_drb_config c2 = drb_cfg(true);
    c2.drb_id = 2;
    c2.lcid = 5;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c2), 0);
    ck_assert_int_eq(mac_ues_drb_count(&u, RNTI), 2);
    struct pdcp_sec_config sec = {.nea = 2, .tx_cipher = true, .rx_cipher = true};
    for (int i = 0; i < 16; i++) sec.k_enc[i] = (uint8_t)(0x33 + i);
    ck_assert_int_eq(mac_ues_drb_security(&u, RNTI, 1, &sec), 0); /* the UE's K_UPenc for both */
    ck_assert_int_eq(mac_ues_drb_security(&u, RNTI, 2, &sec), 0);
    ck_assert_int_eq(mac_ues_drb_security(&u, RNTI, 3, &sec), -ENOENT);
    static struct ue_drb sim1, sim2;
    struct ue_drb_config sc;
    ue_drb_config_default(&sc);
    sc.qfi = QFI;
    ck_assert_int_eq(ue_drb_setup(&sim1, &sc, true), 0);
    sc.drb_id = 2;
    sc.lcid = 5;
    ck_assert_int_eq(ue_drb_setup(&sim2, &sc, true), 0);
    ck_assert_int_eq(ue_drb_security(&sim1, &sec), 0);
    ck_assert_int_eq(ue_drb_security(&sim2, &sec), 0);
    struct ue_drb *sims[2] = {&sim1, &sim2};
    const int ids[2] = {1, 2};
    int back[2] = {0, 0}, mixed = 0;
    uint8_t pkt[PKT_MAX];
    /* DRB 1 gets a long queue first, DRB 2 a little after: round robin serves DRB 2 in the first TBs all the same */
    for (int k = 0; k < 10; k++) {
        fill(pkt, 1400, 16 + k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, 1400), 0);
    }
    for (int k = 0; k < 3; k++) {
        fill(pkt, 300, 32 + k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 2, pkt, 300), 0);
    }
    uint64_t s = 100;
    uint64_t drb1_when_drb2_done = 99;
    for (; s < 600 && (back[0] < 10 || back[1] < 3); s++) {
        multi_slot(ue, s, sims, ids, 2, back, &mixed);
        if (sim2.dl_ip == 3 && drb1_when_drb2_done == 99) drb1_when_drb2_done = sim1.dl_ip;
    }
    ck_assert_uint_le(drb1_when_drb2_done, 4); /* DRB 2 did not wait for DRB 1's queue (14 kB, ~7 TBs) */
    ck_assert_int_eq(back[0], 10);
    ck_assert_int_eq(back[1], 3);
    ck_assert_int_ge(mixed, 1);
    ck_assert_uint_eq(ue->drb[0].dl_sdus, 10);
    ck_assert_uint_eq(ue->drb[1].dl_sdus, 3);
    ck_assert_uint_eq(ue->drb[0].ul_sdus, 10);
    ck_assert_uint_eq(ue->drb[1].ul_sdus, 3);
    ck_assert_uint_eq(sim1.dl_ip, 10);
    ck_assert_uint_eq(sim2.dl_ip, 3);
    /* DRB 1 goes (its session released): DRB 2 carries on, DRB 1 refuses data */
    ck_assert_int_eq(mac_ues_drb_release(&u, RNTI, 1, NULL), 0);
    ck_assert_int_eq(mac_ues_drb_count(&u, RNTI), 1);
    ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 1, pkt, 100), -ENOENT);
    for (int k = 0; k < 4; k++) {
        fill(pkt, 500, 32 + 3 + k);
        ck_assert_int_eq(mac_ues_dl_data(&u, RNTI, 2, pkt, 500), 0);
    }
    sims[0] = NULL;
    for (uint64_t end = s + 300; s < end && back[1] < 7; s++) multi_slot(ue, s, sims, ids, 2, back, &mixed);
    ck_assert_int_eq(back[1], 7);
    ck_assert_int_eq(back[0], 10);
    ck_assert_uint_eq(sim2.dl_ip, 7);
    /* limits: a taken LCID or drb_id -EBUSY; MAC_UE_DRBS at once, then -ENOSPC (DRB 1's LCID 4 is free again,
     * though the RRC never gives it out twice to one UE) */
    struct mac_drb_config c = drb_cfg(true);
    c.drb_id = 3;
    c.lcid = 5;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), -EBUSY);
    c.drb_id = 2;
    c.lcid = 6;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), -EBUSY);
    int n = 1;
    for (int id = 3; n < MAC_UE_DRBS; id++, n++) {
        c.drb_id = id;
        c.lcid = id + 3;
        ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), 0);
    }
    ck_assert_int_eq(mac_ues_drb_count(&u, RNTI), MAC_UE_DRBS);
    c.drb_id = 20;
    c.lcid = 23;
    ck_assert_int_eq(mac_ues_drb_setup(&u, RNTI, &c), -ENOSPC);
    ck_assert_int_eq(mac_ues_drb_count(&u, 0x1234), 0);
    /* the UE goes: every DRB with it */
    ck_assert_int_eq(mac_ue_release(&u, RNTI), 0);
    ck_assert_int_eq(mac_ues_drb_count(&u, RNTI), 0);
    for (int k = 0; k < MAC_UE_DRBS; k++) ck_assert(!ue->drb[k].active);
    ue_drb_free(&sim1);
    ue_drb_free(&sim2);
    teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac_drb");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60); /* under ASan on a loaded host a case can pass Check's 4 s */
    tcase_add_test(tc, dl_ip_packets);
    tcase_add_test(tc, dl_no_sdap_ciphered);
    tcase_add_test(tc, srb1_first);
    tcase_add_test(tc, ul_ip_packets);
    tcase_add_test(tc, dl_acknowledged);
    tcase_add_test(tc, errors_and_release);
    tcase_add_test(tc, drb_release_and_again);
    tcase_add_test(tc, uesim_echo);
    tcase_add_test(tc, two_drbs);
    tcase_add_test(tc, dl_rate_52prb);
    suite_add_tcase(s, tc);
    return check_run(s);
}
