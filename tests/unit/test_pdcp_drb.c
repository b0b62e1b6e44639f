/* PDCP for DRBs (pdcp/pdcp_drb.h, 38.323): the 18-bit and 12-bit data PDU headers byte by byte (6.2.2.2/3);
 * round trip with NEA2 with and without UP integrity (MAC-I present only then), the SDAP header octet left
 * unciphered (5.8) in the direction that has one; reordering of out-of-order PDUs and t-Reordering expiry driven by injected time (5.2.2.2);
 * COUNT across the 18-bit SN wrap; COUNT near 2^32 (reported once, then refused, 38.323 5.1 / 33.501);
 * a received COUNT past 2^32 - 1 dropped; control PDUs counted and ignored; malformed PDUs. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pdcp/pdcp_drb.h"
#include "pdcp/pdcp_sec.h"
#include "tests/unit/check_run.h"
#include "test_rng.h"

struct got {
    int n, near_wrap_tx, near_wrap_rx, exhausted, integrity;
    uint32_t count[512];
    size_t len[512];
    uint8_t first[512];
};

static void on_sdu(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct got *g = ctx;
    if (g->n < 512) {
        g->count[g->n] = count;
        g->len[g->n] = len;
        g->first[g->n] = sdu[0];
    }
    g->n++;
}

static void on_event(void *ctx, enum pdcp_event ev, uint32_t count)
{
    struct got *g = ctx;
    g->near_wrap_tx += ev == PDCP_EV_TX_COUNT_NEAR_WRAP;
    g->near_wrap_rx += ev == PDCP_EV_RX_COUNT_NEAR_WRAP;
    g->exhausted += ev == PDCP_EV_TX_COUNT_EXHAUSTED;
    g->integrity += ev == PDCP_EV_INTEGRITY_FAILURE;
}

static void make(struct pdcp_drb *e, bool gnb, int sn_bits, bool integrity, int t_reordering, struct got *g)
{
    struct pdcp_drb_config cfg;
    pdcp_drb_config_default(&cfg, 1);
    cfg.gnb = gnb;
    cfg.sn_bits = sn_bits;
    cfg.integrity = integrity;
    cfg.t_reordering_ms = t_reordering;
    cfg.deliver = on_sdu;
    cfg.deliver_ctx = g;
    cfg.notify = on_event;
    cfg.notify_ctx = g;
    ck_assert_int_eq(pdcp_drb_init(e, &cfg), 0);
}

static struct pdcp_sec_config up_keys(void)
{
    uint8_t k_gnb[32];
    for (int i = 0; i < 32; i++) k_gnb[i] = (uint8_t)(0xa0 + i);
    struct pdcp_sec_as_keys k;
    ck_assert_int_eq(pdcp_sec_derive_as_keys(k_gnb, 2, 2, &k), 0);
    struct pdcp_sec_config sc = {.nia = 2, .nea = 2, .tx_cipher = true, .rx_cipher = true};
    memcpy(sc.k_int, k.k_up_int, 16);
    memcpy(sc.k_enc, k.k_up_enc, 16);
    return sc;
}

START_TEST(test_headers)
{
    struct got g = {0};
    struct pdcp_drb e18, e12;
    make(&e18, true, 18, false, PDCP_TIMER_INFINITY, &g);
    make(&e12, true, 12, false, PDCP_TIMER_INFINITY, &g);
    uint8_t sdu[2] = {0xde, 0xad}, pdu[16];
    size_t len;
    uint32_t count;
    ck_assert_int_eq(pdcp_drb_tx(&e18, sdu, 2, 0, pdu, sizeof pdu, &len, &count), 0);
    static const uint8_t first18[5] = {0x80, 0x00, 0x00, 0xde, 0xad};   /* D/C = 1, no MAC-I */
    ck_assert_uint_eq(len, 5);
    ck_assert_mem_eq(pdu, first18, 5);
    e18.core.tx_next = 0x2abcd;
    ck_assert_int_eq(pdcp_drb_tx(&e18, sdu, 2, 0, pdu, sizeof pdu, &len, &count), 0);
    static const uint8_t sn18[3] = {0x82, 0xab, 0xcd};   /* D/C R R R R R SN[17:16] | SN[15:8] | SN[7:0] */
    ck_assert_mem_eq(pdu, sn18, 3);
    ck_assert_int_eq(pdcp_core_pdu_sn(&e18.core, pdu, len), 0x2abcd);
    e18.core.tx_next = (1u << 18) + 5;   /* HFN 1, SN 5 */
    ck_assert_int_eq(pdcp_drb_tx(&e18, sdu, 2, 0, pdu, sizeof pdu, &len, &count), 0);
    ck_assert_uint_eq(count, (1u << 18) + 5);
    ck_assert_int_eq(pdcp_core_pdu_sn(&e18.core, pdu, len), 5);
    e12.core.tx_next = 0xabc;
    ck_assert_int_eq(pdcp_drb_tx(&e12, sdu, 2, 0, pdu, sizeof pdu, &len, &count), 0);
    static const uint8_t sn12[4] = {0x8a, 0xbc, 0xde, 0xad};   /* D/C R R R SN[11:8] | SN[7:0] */
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(pdu, sn12, 4);
    pdcp_drb_free(&e18);
    pdcp_drb_free(&e12);
}
END_TEST

static void round_trip(int sn_bits, bool integrity)
{
    struct got gg = {0}, gu = {0};
    struct pdcp_drb gnb, ue;
    make(&gnb, true, sn_bits, integrity, 100, &gg);
    make(&ue, false, sn_bits, integrity, 100, &gu);
    struct pdcp_sec_config sc = up_keys();
    ck_assert_int_eq(pdcp_drb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pdcp_drb_security_activate(&ue, &sc), 0);
    uint8_t sdu[1500], pdu[1600];
    size_t len, hdr = sn_bits == 18 ? 3 : 2;
    test_rng_seed(99);
    for (int i = 0; i < 50; i++) {
        size_t n = 1 + test_rng_next() % 1500;
        for (size_t j = 0; j < n; j++) sdu[j] = (uint8_t)test_rng_next();
        sdu[0] = (uint8_t)i;
        ck_assert_int_eq(pdcp_drb_tx(&gnb, sdu, n, 0, pdu, sizeof pdu, &len, NULL), 0);
        ck_assert_uint_eq(len, hdr + n + (integrity ? 4 : 0));
        ck_assert(n < 4 || memcmp(pdu + hdr, sdu, n) != 0);   /* ciphered */
        ck_assert_int_eq(pdcp_drb_rx(&ue, pdu, len, 0), 0);
        ck_assert_int_eq(gu.n, i + 1);
        ck_assert_uint_eq(gu.len[i], n);
        ck_assert_int_eq(gu.first[i], i);
        ck_assert_int_eq(pdcp_drb_tx(&ue, sdu, n, 0, pdu, sizeof pdu, &len, NULL), 0);
        pdu[len - 1] ^= 0x10;   /* last octet: MAC-I with integrity, data without */
        int r = pdcp_drb_rx(&gnb, pdu, len, 0);
        if (integrity) {
            ck_assert_int_eq(r, -EACCES);
            pdu[len - 1] ^= 0x10;
            ck_assert_int_eq(pdcp_drb_rx(&gnb, pdu, len, 0), 0);
        } else {
            ck_assert_int_eq(r, 0);   /* without integrity a changed octet is not detected */
        }
    }
    ck_assert_int_eq(gg.n, 50);
    ck_assert_uint_eq(gnb.core.stats.rx_integrity_failed, integrity ? 50 : 0);
    ck_assert_int_eq(gg.integrity, integrity ? 50 : 0);
    pdcp_drb_free(&gnb);
    pdcp_drb_free(&ue);
}

START_TEST(test_round_trip_nea2) { round_trip(18, false); round_trip(12, false); }
END_TEST

START_TEST(test_round_trip_nia2_nea2) { round_trip(18, true); round_trip(12, true); }
END_TEST

START_TEST(test_sdap_header_not_ciphered)
{
    struct got gg = {0}, gu = {0};
    struct pdcp_drb gnb, ue;
    struct pdcp_drb_config cfg;
    pdcp_drb_config_default(&cfg, 2);
    cfg.sdap_header_dl = true;
    cfg.deliver = on_sdu;
    cfg.deliver_ctx = &gg;
    ck_assert_int_eq(pdcp_drb_init(&gnb, &cfg), 0);
    cfg.gnb = false;
    cfg.deliver_ctx = &gu;
    ck_assert_int_eq(pdcp_drb_init(&ue, &cfg), 0);
    struct pdcp_sec_config sc = up_keys();
    ck_assert_int_eq(pdcp_drb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pdcp_drb_security_activate(&ue, &sc), 0);
    uint8_t sdu[10] = {0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9}, pdu[32];
    size_t len;
    ck_assert_int_eq(pdcp_drb_tx(&gnb, sdu, 10, 0, pdu, sizeof pdu, &len, NULL), 0);   /* DL: header present */
    ck_assert_uint_eq(len, 13);
    ck_assert_int_eq(pdu[3], 0x41);                 /* the SDAP header octet in clear */
    ck_assert(memcmp(pdu + 4, sdu + 1, 9) != 0);    /* the rest ciphered */
    ck_assert_int_eq(pdcp_drb_rx(&ue, pdu, len, 0), 0);
    ck_assert_int_eq(gu.first[0], 0x41);
    ck_assert_int_eq(pdcp_drb_tx(&ue, sdu, 10, 0, pdu, sizeof pdu, &len, NULL), 0);    /* UL: no SDAP header */
    ck_assert(pdu[3] != 0x41 || memcmp(pdu + 4, sdu + 1, 9) != 0);
    ck_assert_int_eq(pdcp_drb_rx(&gnb, pdu, len, 0), 0);
    ck_assert_int_eq(gg.first[0], 0x41);
    pdcp_drb_free(&gnb);
    pdcp_drb_free(&ue);
}
END_TEST

/* 5.2.2.1 / 5.2.2.2: PDUs 0..9 sent, received as 0 2 3 1 4 6 7 8 9 (5 lost), t-Reordering 40 ms. */
START_TEST(test_reordering_and_t_reordering)
{
    struct got gg = {0}, gu = {0};
    struct pdcp_drb gnb, ue;
    make(&gnb, true, 18, false, 40, &gg);
    make(&ue, false, 18, false, 40, &gu);
    uint8_t pdus[10][16];
    size_t lens[10];
    for (int i = 0; i < 10; i++) {
        uint8_t sdu[4] = {(uint8_t)i, 1, 2, 3};
        ck_assert_int_eq(pdcp_drb_tx(&ue, sdu, 4, 0, pdus[i], sizeof pdus[i], &lens[i], NULL), 0);
    }
    static const int order[] = {0, 2, 3, 1, 4, 6, 7, 8, 9};
    int64_t now = 1000;
    for (int k = 0; k < 4; k++) ck_assert_int_eq(pdcp_drb_rx(&gnb, pdus[order[k]], lens[order[k]], now++), 0);
    ck_assert_int_eq(gg.n, 4);   /* 0, then 1 2 3 once 1 arrived */
    for (int i = 0; i < 4; i++) ck_assert_uint_eq(gg.count[i], (uint32_t)i);
    ck_assert(!gnb.core.t_reordering_running);
    ck_assert_int_eq(pdcp_drb_rx(&gnb, pdus[4], lens[4], now), 0);
    ck_assert_int_eq(pdcp_drb_rx(&gnb, pdus[6], lens[6], now), 0);   /* gap at 5: t-Reordering starts */
    ck_assert(gnb.core.t_reordering_running);
    ck_assert_uint_eq(gnb.core.rx_reord, 7);
    int64_t started = now;
    for (int k = 6; k < 9; k++) ck_assert_int_eq(pdcp_drb_rx(&gnb, pdus[order[k]], lens[order[k]], ++now), 0);
    ck_assert_int_eq(pdcp_drb_rx(&gnb, pdus[7], lens[7], now), -EALREADY);   /* duplicate */
    ck_assert_int_eq(gg.n, 5);
    pdcp_drb_tick(&gnb, started + 39);
    ck_assert_int_eq(gg.n, 5);   /* not yet */
    pdcp_drb_tick(&gnb, started + 40);
    ck_assert_int_eq(gg.n, 9);   /* 6 7 8 9 after expiry */
    for (int i = 5; i < 9; i++) ck_assert_uint_eq(gg.count[i], (uint32_t)i + 1);
    ck_assert_uint_eq(gnb.core.rx_deliv, 10);
    ck_assert_uint_eq(gnb.core.stats.t_reordering_expired, 1);
    ck_assert(!gnb.core.t_reordering_running);
    ck_assert_int_eq(pdcp_drb_rx(&gnb, pdus[5], lens[5], now), -EALREADY);   /* late: below RX_DELIV */
    ck_assert_uint_eq(gnb.core.stats.rx_duplicate, 2);
    pdcp_drb_free(&gnb);
    pdcp_drb_free(&ue);
}
END_TEST

/* Random local reordering with 5 % losses, one PDU per ms, t-Reordering 10 ms: delivery strictly ascending;
 * every PDU accepted is delivered once t-Reordering has run out; a PDU that arrives after t-Reordering gave up
 * on it is refused as below RX_DELIV. */
START_TEST(test_reordering_random)
{
    struct got gg = {0}, gu = {0};
    struct pdcp_drb gnb, ue;
    make(&gnb, true, 12, false, 10, &gg);
    make(&ue, false, 12, false, 10, &gu);
    test_rng_seed(5);
    enum { N = 400 };
    static uint8_t pdus[N][8];
    static size_t lens[N];
    for (int i = 0; i < N; i++) {
        uint8_t sdu[2] = {(uint8_t)i, (uint8_t)(i >> 8)};
        ck_assert_int_eq(pdcp_drb_tx(&ue, sdu, 2, 0, pdus[i], sizeof pdus[i], &lens[i], NULL), 0);
    }
    int idx[N];
    for (int i = 0; i < N; i++) idx[i] = i;
    for (int i = 0; i + 1 < N; i++) {   /* swap neighbours within 8 */
        int j = i + (int)(test_rng_next() % 8);
        if (j >= N) j = N - 1;
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    int lost = 0, accepted = 0, late = 0;
    int64_t now = 0;
    for (int k = 0; k < N; k++) {
        if (test_rng_next() % 20 == 0) {
            lost++;
            continue;
        }
        int r = pdcp_drb_rx(&gnb, pdus[idx[k]], lens[idx[k]], now);
        ck_assert(r == 0 || r == -EALREADY);
        accepted += r == 0;
        late += r == -EALREADY;
        now += 1;
        pdcp_drb_tick(&gnb, now);
    }
    for (int t = 0; t < 100; t++) pdcp_drb_tick(&gnb, now + t);
    ck_assert_int_eq(accepted + late + lost, N);
    ck_assert_int_eq(gg.n, accepted);
    ck_assert_int_gt(accepted, N * 3 / 4);
    ck_assert_uint_gt(gnb.core.stats.t_reordering_expired, 0);
    for (int i = 1; i < gg.n; i++) ck_assert_uint_gt(gg.count[i], gg.count[i - 1]);
    ck_assert_uint_eq(gnb.core.stats.rx_delivered, (uint64_t)gg.n);
    pdcp_drb_free(&gnb);
    pdcp_drb_free(&ue);
}
END_TEST

START_TEST(test_count_near_wrap)
{
    struct got gg = {0}, gu = {0};
    struct pdcp_drb gnb, ue;
    struct pdcp_drb_config cfg;
    pdcp_drb_config_default(&cfg, 1);
    cfg.deliver = on_sdu;
    cfg.notify = on_event;
    cfg.count_warn = 0xfffffff0u;
    cfg.deliver_ctx = cfg.notify_ctx = &gg;
    ck_assert_int_eq(pdcp_drb_init(&gnb, &cfg), 0);
    cfg.gnb = false;
    cfg.deliver_ctx = cfg.notify_ctx = &gu;
    ck_assert_int_eq(pdcp_drb_init(&ue, &cfg), 0);
    struct pdcp_sec_config sc = up_keys();
    ck_assert_int_eq(pdcp_drb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pdcp_drb_security_activate(&ue, &sc), 0);
    gnb.core.tx_next = 0xffffffe0u;
    ue.core.rx_next = ue.core.rx_deliv = 0xffffffe0u;
    uint8_t sdu[3] = {1, 2, 3}, pdu[16];
    size_t len;
    uint32_t count;
    int sent = 0;
    for (;;) {
        int r = pdcp_drb_tx(&gnb, sdu, 3, 0, pdu, sizeof pdu, &len, &count);
        if (r) {
            ck_assert_int_eq(r, -EOVERFLOW);
            break;
        }
        sent++;
        ck_assert_int_eq(pdcp_drb_rx(&ue, pdu, len, 0), 0);
    }
    ck_assert_int_eq(sent, 0x1f);   /* COUNTs 0xffffffe0 .. 0xfffffffe; 0xffffffff is never used */
    ck_assert_uint_eq(count, 0xfffffffeu);
    ck_assert_int_eq(gu.n, 0x1f);
    ck_assert_uint_eq(gu.count[gu.n - 1], 0xfffffffeu);
    ck_assert_int_eq(gg.near_wrap_tx, 1);   /* once, when TX_NEXT reached count_warn */
    ck_assert_int_eq(gu.near_wrap_rx, 1);
    ck_assert_int_eq(pdcp_drb_tx(&gnb, sdu, 3, 0, pdu, sizeof pdu, &len, &count), -EOVERFLOW);
    ck_assert_int_eq(gg.exhausted, 1);      /* reported once */
    ck_assert_uint_eq(gnb.core.stats.tx_pdus, 0x1f);
    /* an SN that would take RCVD_COUNT past 2^32 - 1 is dropped (RX_DELIV 0xffffffff, SN 1 -> HFN + 1) */
    struct pdcp_drb probe;
    struct got gp = {0};
    make(&probe, false, 18, false, PDCP_TIMER_INFINITY, &gp);
    probe.core.tx_next = (1u << 18) + 1;
    ck_assert_int_eq(pdcp_drb_tx(&probe, sdu, 3, 0, pdu, sizeof pdu, &len, NULL), 0);
    ue.core.rx_next = ue.core.rx_deliv = 0xffffffffu;
    pdcp_drb_security_deactivate(&ue);
    ck_assert_int_eq(pdcp_drb_rx(&ue, pdu, len, 0), -EALREADY);
    ck_assert_uint_eq(ue.core.stats.rx_count_invalid, 1);
    pdcp_drb_free(&probe);
    pdcp_drb_free(&gnb);
    pdcp_drb_free(&ue);
}
END_TEST

START_TEST(test_control_and_malformed)
{
    struct got g = {0};
    struct pdcp_drb e;
    make(&e, true, 18, true, PDCP_TIMER_INFINITY, &g);
    static const uint8_t status[4] = {0x00, 0x00, 0x00, 0x05};   /* D/C 0, PDU type 000: status report */
    ck_assert_int_eq(pdcp_drb_rx(&e, status, 4, 0), -ENOTSUP);
    static const uint8_t short1[7] = {0x80, 0, 0, 1, 2, 3, 4};   /* header + MAC-I, no data */
    ck_assert_int_eq(pdcp_drb_rx(&e, short1, 7, 0), -EBADMSG);
    ck_assert_int_eq(pdcp_drb_rx(&e, NULL, 0, 0), -EBADMSG);
    ck_assert_uint_eq(e.core.stats.rx_control, 1);
    ck_assert_uint_eq(e.core.stats.rx_malformed, 2);
    ck_assert_uint_eq(e.core.stats.rx_pdus, 3);
    ck_assert_int_eq(g.n, 0);
    struct pdcp_drb_config cfg;
    struct pdcp_drb bad;
    pdcp_drb_config_default(&cfg, 0);   /* drb-Identity 1..32 */
    ck_assert_int_eq(pdcp_drb_init(&bad, &cfg), -EINVAL);
    pdcp_drb_config_default(&cfg, 1);
    cfg.sn_bits = 15;
    ck_assert_int_eq(pdcp_drb_init(&bad, &cfg), -EINVAL);
    cfg.sn_bits = 12;
    cfg.rx_buffer_sdus = 4096;   /* beyond Window_Size 2048 */
    ck_assert_int_eq(pdcp_drb_init(&bad, &cfg), -EINVAL);
    pdcp_drb_free(&e);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pdcp_drb");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_headers);
    tcase_add_test(tc, test_round_trip_nea2);
    tcase_add_test(tc, test_round_trip_nia2_nea2);
    tcase_add_test(tc, test_sdap_header_not_ciphered);
    tcase_add_test(tc, test_reordering_and_t_reordering);
    tcase_add_test(tc, test_reordering_random);
    tcase_add_test(tc, test_count_near_wrap);
    tcase_add_test(tc, test_control_and_malformed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return check_run(suite()); }
