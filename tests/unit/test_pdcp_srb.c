/* PDCP for SRBs (pdcp/pdcp_srb.h, 38.323): the 12-bit SN header and the zero MAC-I byte by byte (what srsUE
 * sends in RRCSetupComplete); COUNT across the SN wrap on both sides; RCVD_HFN from RX_DELIV near the wrap
 * (5.2.2.1); duplicates and PDUs below RX_DELIV dropped; in-order delivery after a gap with t-Reordering
 * infinite and with a finite t-Reordering (5.2.2.2); the discard timer (5.3); the security hooks with a toy
 * algorithm (what is integrity-protected, what is ciphered, with which COUNT/BEARER/DIRECTION); the security
 * mode exchange with NIA2/NEA2 (UL deciphering from a COUNT, an unprotected PDU taken once); malformed and
 * random input counted and dropped. Time is passed in; nothing sleeps. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pdcp/pdcp_sec.h"
#include "pdcp/pdcp_srb.h"
#include "tests/unit/check_run.h"
#include "test_rng.h"

/* ---- delivery log ---------------------------------------------------------------------------------------- */

struct got {
    int n;
    uint32_t count[256];
    size_t len[256];
    uint8_t first[256];
};

static void on_sdu(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct got *g = ctx;
    if (g->n < 256) {
        g->count[g->n] = count;
        g->len[g->n] = len;
        g->first[g->n] = sdu[0];
    }
    g->n++;
}

static void make(struct pdcp_srb *e, bool gnb, int t_reordering, int discard, struct got *g)
{
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 1);
    cfg.gnb = gnb;
    cfg.t_reordering_ms = t_reordering;
    cfg.discard_timer_ms = discard;
    cfg.deliver = on_sdu;
    cfg.deliver_ctx = g;
    ck_assert_int_eq(pdcp_srb_init(e, &cfg), 0);
}

/* A PDU with SN `sn` carrying `len` bytes starting with `tag`, MAC-I zeros. */
static size_t pdu_with_sn(uint8_t *b, uint32_t sn, uint8_t tag, size_t len)
{
    b[0] = (uint8_t)(sn >> 8 & 0x0f);
    b[1] = (uint8_t)sn;
    memset(b + 2, tag, len);
    memset(b + 2 + len, 0, 4);
    return len + 6;
}

/* ---- header ---------------------------------------------------------------------------------------------- */

START_TEST(test_header_and_zero_mac_i)
{
    struct pdcp_srb e;
    struct got g = {0};
    make(&e, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    uint8_t sdu[3] = {0x10, 0x20, 0x30}, pdu[16];
    size_t len;
    uint32_t count;
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 3, 0, pdu, sizeof pdu, &len, &count), 0);
    static const uint8_t first[9] = {0x00, 0x00, 0x10, 0x20, 0x30, 0, 0, 0, 0};   /* Figure 6.2.2.1-1 */
    ck_assert_uint_eq(len, 9);
    ck_assert_uint_eq(len, pdcp_srb_pdu_len(3));
    ck_assert_mem_eq(pdu, first, 9);
    ck_assert_uint_eq(count, 0);
    for (int i = 1; i < 0x9ab; i++) ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 3, 0, pdu, sizeof pdu, &len, &count), 0);
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 3, 0, pdu, sizeof pdu, &len, &count), 0);
    ck_assert_uint_eq(count, 0x9ab);
    ck_assert_int_eq(pdu[0], 0x09);         /* R R R R = 0, SN[11:8] */
    ck_assert_int_eq(pdu[1], 0xab);
    ck_assert_int_eq(pdcp_srb_pdu_sn(pdu, len), 0x9ab);
    ck_assert_uint_eq(e.core.stats.tx_pdus, 0x9ac);
    /* errors leave TX_NEXT alone */
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 3, 0, pdu, 8, &len, &count), -ENOSPC);
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 0, 0, pdu, sizeof pdu, &len, &count), -EINVAL);
    static uint8_t big[PDCP_MAX_SDU + 8];
    ck_assert_int_eq(pdcp_srb_tx(&e, big, PDCP_MAX_SDU + 1, 0, big, sizeof big, &len, &count), -EMSGSIZE);
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 3, 0, pdu, sizeof pdu, &len, &count), 0);
    ck_assert_uint_eq(count, 0x9ac);
    /* the receiver ignores the R bits and, without integrity, the MAC-I */
    uint8_t in[9] = {0xf0, 0x00, 0x55, 0x66, 0x77, 1, 2, 3, 4};
    ck_assert_int_eq(pdcp_srb_rx(&e, in, sizeof in, 0), 0);
    ck_assert_int_eq(g.n, 1);
    ck_assert_uint_eq(g.count[0], 0);
    ck_assert_uint_eq(g.len[0], 3);
    ck_assert_int_eq(g.first[0], 0x55);
    pdcp_srb_free(&e);
}
END_TEST

/* ---- COUNT ------------------------------------------------------------------------------------------------ */

/* UE -> gNB over three SN cycles: SN wraps, the HFN counts on both sides, every SDU arrives once, in order. */
START_TEST(test_count_wraps_end_to_end)
{
    struct pdcp_srb ue, gnb;
    struct got g = {0}, none = {0};
    make(&ue, false, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &none);
    make(&gnb, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    uint8_t sdu[5], pdu[16];
    size_t len;
    uint32_t count;
    for (uint32_t i = 0; i < 3 * PDCP_SN_MOD + 10; i++) {
        memset(sdu, (int)(i & 0xff), sizeof sdu);
        ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, sizeof sdu, 0, pdu, sizeof pdu, &len, &count), 0);
        ck_assert_uint_eq(count, i);
        ck_assert_int_eq(pdcp_srb_pdu_sn(pdu, len), (int)(i % PDCP_SN_MOD));
        ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
        ck_assert_int_eq(g.n, (int)i + 1);
    }
    ck_assert_uint_eq(gnb.core.rx_deliv, 3 * PDCP_SN_MOD + 10);
    ck_assert_uint_eq(gnb.core.rx_next, 3 * PDCP_SN_MOD + 10);
    ck_assert_uint_eq(gnb.core.stats.rx_delivered, 3 * PDCP_SN_MOD + 10);
    /* COUNT 2^32 - 1 is never used (33.501: no COUNT reuse under a key) */
    ue.core.tx_next = (1ull << 32) - 1;
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, sizeof sdu, 0, pdu, sizeof pdu, &len, &count), -EOVERFLOW);
    pdcp_srb_free(&ue);
    pdcp_srb_free(&gnb);
}
END_TEST

/* RCVD_HFN (5.2.2.1) just before the SN wraps: SN 0 after SN 4093 belongs to the next HFN; delivered COUNTs
 * ascend through the wrap; an SN more than a window behind is the previous HFN, i.e. old. */
START_TEST(test_hfn_near_the_wrap)
{
    struct pdcp_srb e;
    struct got g = {0};
    make(&e, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    uint8_t pdu[16];
    for (uint32_t sn = 0; sn < 4093; sn++) ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, sn, 1, 2), 0), 0);
    ck_assert_int_eq(g.n, 4093);
    g.n = 0;
    static const uint32_t order[] = {4095, 0, 4094, 1, 4093};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, order[i], (uint8_t)i, 2), 0), 0);
    ck_assert_int_eq(g.n, 5);
    static const uint32_t want[5] = {4093, 4094, 4095, 4096, 4097};
    for (int i = 0; i < 5; i++) ck_assert_uint_eq(g.count[i], want[i]);
    ck_assert_int_eq(g.first[0], 4);        /* the one sent last was COUNT 4093 */
    /* SN 2100 now: RX_DELIV = 4098 (SN 2), 2100 - 2 >= 2048 -> HFN - 1 -> COUNT 2100 < RX_DELIV: old */
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 2100, 9, 2), 0), -EALREADY);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 2049, 9, 2), 0), -ENOBUFS);   /* COUNT 6145 */
    ck_assert_int_eq(g.n, 5);
    pdcp_srb_free(&e);
    /* at HFN 0 an SN a window ahead would need HFN -1: dropped as old */
    make(&e, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 3000, 9, 2), 0), -EALREADY);
    ck_assert_uint_eq(e.core.stats.rx_duplicate, 1);
    pdcp_srb_free(&e);
}
END_TEST

/* ---- duplicates, gaps, t-Reordering ---------------------------------------------------------------------- */

START_TEST(test_duplicates_dropped)
{
    struct pdcp_srb e;
    struct got g = {0};
    make(&e, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    uint8_t pdu[16];
    size_t len = pdu_with_sn(pdu, 0, 7, 3);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, len, 0), 0);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, len, 0), -EALREADY);      /* below RX_DELIV */
    len = pdu_with_sn(pdu, 2, 7, 3);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, len, 0), 0);               /* stored: COUNT 1 missing */
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, len, 0), -EALREADY);      /* already received */
    ck_assert_int_eq(g.n, 1);
    ck_assert_uint_eq(e.core.stats.rx_duplicate, 2);
    ck_assert_uint_eq(e.core.stats.rx_pdus, 4);
    pdcp_srb_free(&e);
}
END_TEST

/* t-Reordering infinite (the SRB default): an SDU after a gap waits for the gap to fill, then both go up in
 * ascending COUNT; the reception buffer holds 16 SDUs beyond RX_DELIV. */
START_TEST(test_gap_waits_with_infinite_reordering)
{
    struct pdcp_srb e;
    struct got g = {0};
    make(&e, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    uint8_t pdu[16];
    for (uint32_t sn = 15; sn >= 2; sn--) ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, sn, (uint8_t)sn, 1), 0), 0);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 16, 16, 1), 0), -ENOBUFS);   /* RX_DELIV + 16 */
    ck_assert_uint_eq(e.core.stats.rx_buffer_full, 1);
    pdcp_srb_tick(&e, 1000000);
    ck_assert_int_eq(g.n, 0);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 1, 1, 1), 0), 0);
    ck_assert_int_eq(g.n, 0);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 0, 0, 1), 0), 0);
    ck_assert_int_eq(g.n, 16);
    for (int i = 0; i < 16; i++) {
        ck_assert_uint_eq(g.count[i], (uint32_t)i);
        ck_assert_int_eq(g.first[i], i);
    }
    ck_assert_uint_eq(e.core.rx_deliv, 16);
    pdcp_srb_free(&e);
}
END_TEST

/* t-Reordering 40 ms: started when a gap appears (RX_REORD = RX_NEXT), expires at start + 40 exactly, delivers
 * what is stored below RX_REORD and the run from it, moves RX_DELIV past the hole; the late SDU is then old. */
START_TEST(test_t_reordering_expiry)
{
    struct pdcp_srb e;
    struct got g = {0};
    make(&e, true, 40, PDCP_TIMER_INFINITY, &g);
    uint8_t pdu[16];
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 0, 0, 1), 100), 0);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 2, 2, 1), 100), 0);
    ck_assert(e.core.t_reordering_running);
    ck_assert_uint_eq(e.core.rx_reord, 3);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 4, 4, 1), 120), 0);
    pdcp_srb_tick(&e, 139);
    ck_assert_int_eq(g.n, 1);
    pdcp_srb_tick(&e, 140);                 /* COUNT 2 (< RX_REORD = 3) delivered; 4 waits: gap at 3 */
    ck_assert_int_eq(g.n, 2);
    ck_assert_uint_eq(g.count[1], 2);
    ck_assert_uint_eq(e.core.rx_deliv, 3);
    ck_assert_uint_eq(e.core.stats.t_reordering_expired, 1);
    ck_assert(e.core.t_reordering_running);      /* restarted: RX_DELIV 3 < RX_NEXT 5 */
    ck_assert_uint_eq(e.core.rx_reord, 5);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 1, 1, 1), 150), -EALREADY);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 3, 3, 1), 150), 0);   /* fills the gap */
    ck_assert_int_eq(g.n, 4);
    ck_assert_uint_eq(g.count[3], 4);
    ck_assert(!e.core.t_reordering_running);     /* RX_DELIV 5 >= RX_REORD 5 */
    pdcp_srb_free(&e);
}
END_TEST

/* ---- discard timer ---------------------------------------------------------------------------------------- */

START_TEST(test_discard_timer)
{
    struct pdcp_srb e;
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 2);
    cfg.discard_timer_ms = 100;
    cfg.tx_timer_sdus = 4;
    ck_assert_int_eq(pdcp_srb_init(&e, &cfg), 0);
    uint8_t sdu[2] = {1, 2}, pdu[16];
    size_t len;
    uint32_t out[8];
    for (int i = 0; i < 3; i++) ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 2, 10 * i, pdu, sizeof pdu, &len, NULL), 0);
    pdcp_srb_tx_delivered(&e, 1);
    ck_assert_int_eq(pdcp_srb_tx_expire(&e, 99, out, 8), 0);
    ck_assert_int_eq(pdcp_srb_tx_expire(&e, 100, out, 8), 1);
    ck_assert_uint_eq(out[0], 0);
    ck_assert_int_eq(pdcp_srb_tx_expire(&e, 119, out, 8), 0);      /* COUNT 1 was delivered */
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 2, 30, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 2, 40, pdu, sizeof pdu, &len, NULL), 0);    /* COUNT 4 reuses slot 0 */
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 2, 50, pdu, sizeof pdu, &len, NULL), 0);    /* COUNT 5: slot 1 free */
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 2, 60, pdu, sizeof pdu, &len, NULL), -ENOBUFS); /* slot 2: COUNT 2 */
    ck_assert_int_eq(pdcp_srb_tx_expire(&e, 1000, out, 2), 2);      /* max respected, oldest first */
    ck_assert_uint_eq(out[0], 2);
    ck_assert_uint_eq(out[1], 3);
    ck_assert_int_eq(pdcp_srb_tx_expire(&e, 1000, out, 8), 2);
    ck_assert_uint_eq(out[0], 4);
    ck_assert_uint_eq(out[1], 5);
    ck_assert_uint_eq(e.core.stats.tx_discarded, 5);
    ck_assert_int_eq(pdcp_srb_tx(&e, sdu, 2, 60, pdu, sizeof pdu, &len, NULL), 0);
    pdcp_srb_free(&e);
}
END_TEST

/* ---- security hooks -------------------------------------------------------------------------------------- */

/* A toy NIA: MAC-I = bytes of a checksum of (COUNT, BEARER, DIRECTION, message); a toy NEA: XOR with a byte
 * stream from (COUNT, BEARER, DIRECTION). The log shows the inputs each hook saw. */
struct toy { int calls; uint32_t count; int bearer, dir; size_t len; };

static uint32_t mix(uint32_t count, int bearer, int dir) { return count * 2654435761u ^ (uint32_t)(bearer << 8 | dir); }

static int toy_protect(void *ctx, uint32_t count, int bearer, int dir, const uint8_t *m, size_t len, uint8_t mac[4])
{
    struct toy *t = ctx;
    *t = (struct toy){t->calls + 1, count, bearer, dir, len};
    uint32_t h = mix(count, bearer, dir);
    for (size_t i = 0; i < len; i++) h = h * 31 + m[i];
    for (int i = 0; i < 4; i++) mac[i] = (uint8_t)(h >> (24 - 8 * i));
    return 0;
}

static int toy_verify(void *ctx, uint32_t count, int bearer, int dir, const uint8_t *m, size_t len, const uint8_t mac[4])
{
    uint8_t want[4];
    struct toy copy = *(struct toy *)ctx;
    toy_protect(&copy, count, bearer, dir, m, len, want);
    *(struct toy *)ctx = copy;
    return memcmp(want, mac, 4) ? -EBADMSG : 0;
}

static int toy_cipher(void *ctx, uint32_t count, int bearer, int dir, uint8_t *d, size_t len)
{
    (void)ctx;
    uint32_t s = mix(count, bearer, dir) | 1;
    for (size_t i = 0; i < len; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        d[i] ^= (uint8_t)s;
    }
    return 0;
}

START_TEST(test_security_hooks)
{
    struct pdcp_srb ue, gnb;
    struct got g = {0}, none = {0};
    make(&ue, false, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &none);
    make(&gnb, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &g);
    struct toy tu = {0}, tg = {0};
    pdcp_srb_set_security(&ue, &(struct pdcp_security){.ctx = &tu, .protect = toy_protect, .verify = toy_verify,
                                                        .cipher = toy_cipher});
    pdcp_srb_set_security(&gnb, &(struct pdcp_security){.ctx = &tg, .protect = toy_protect, .verify = toy_verify,
                                                         .cipher = toy_cipher});
    uint8_t sdu[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, pdu[32], plain[32];
    size_t len;
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 10, 0, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 10, 0, pdu, sizeof pdu, &len, NULL), 0);   /* COUNT 1 */
    /* integrity over header + plaintext, with COUNT 1, BEARER = SRB1 - 1 = 0, DIRECTION = UL (0) */
    ck_assert_int_eq(tu.calls, 2);
    ck_assert_uint_eq(tu.count, 1);
    ck_assert_int_eq(tu.bearer, 0);
    ck_assert_int_eq(tu.dir, PDCP_DIR_UL);
    ck_assert_uint_eq(tu.len, 12);
    /* ciphering covers data and MAC-I, not the header */
    ck_assert_int_eq(pdu[0], 0x00);
    ck_assert_int_eq(pdu[1], 0x01);
    memcpy(plain, pdu, len);
    toy_cipher(NULL, 1, 0, PDCP_DIR_UL, plain + 2, 14);
    ck_assert_mem_eq(plain + 2, sdu, 10);
    uint8_t mac[4];
    struct toy scratch = {0};
    toy_protect(&scratch, 1, 0, PDCP_DIR_UL, plain, 12, mac);
    ck_assert_mem_eq(plain + 12, mac, 4);
    ck_assert_int_ne(memcmp(pdu + 2, sdu, 10), 0);
    /* the gNB needs COUNT 0 first (in-order), then 1; both verified with DIRECTION UL */
    uint8_t p0[32];
    size_t l0;
    pdcp_srb_free(&ue);
    make(&ue, false, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &none);   /* a fresh UE entity makes COUNT 0 */
    pdcp_srb_set_security(&ue, &(struct pdcp_security){.ctx = &tu, .protect = toy_protect, .cipher = toy_cipher});
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 10, 0, p0, sizeof p0, &l0, NULL), 0);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, p0, l0, 0), 0);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
    ck_assert_int_eq(g.n, 2);
    ck_assert_uint_eq(g.len[1], 10);
    ck_assert_int_eq(g.first[1], 1);
    ck_assert_int_eq(tg.dir, PDCP_DIR_UL);
    ck_assert_uint_eq(tg.count, 1);
    /* a flipped bit anywhere after the header fails the check; counted, nothing delivered */
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 10, 0, p0, sizeof p0, &l0, NULL), 0);   /* COUNT 1 again: new UE */
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 10, 0, p0, sizeof p0, &l0, NULL), 0);   /* COUNT 2 */
    for (size_t i = 2; i < l0; i++) {
        p0[i] ^= 0x10;
        ck_assert_int_eq(pdcp_srb_rx(&gnb, p0, l0, 0), -EACCES);
        p0[i] ^= 0x10;
    }
    ck_assert_uint_eq(gnb.core.stats.rx_integrity_failed, l0 - 2);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, p0, l0, 0), 0);
    ck_assert_int_eq(g.n, 3);
    /* back to NIA0/NEA0 */
    pdcp_srb_set_security(&gnb, NULL);
    l0 = pdu_with_sn(p0, 3, 5, 4);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, p0, l0, 0), 0);
    ck_assert_int_eq(g.n, 4);
    pdcp_srb_free(&ue);
    pdcp_srb_free(&gnb);
}
END_TEST

/* ---- bad input -------------------------------------------------------------------------------------------- */

/* One SDU from tx to rx (the PDU as it went); returns pdcp_srb_rx's result. */
static int pass(struct pdcp_srb *tx, struct pdcp_srb *rx, uint8_t tag, uint8_t *pdu, size_t *len)
{
    uint8_t sdu[5] = {tag, 1, 2, 3, 4};
    ck_assert_int_eq(pdcp_srb_tx(tx, sdu, sizeof sdu, 0, pdu, 16, len, NULL), 0);
    return pdcp_srb_rx(rx, pdu, *len, 0);
}

/* 38.331 5.3.4 with real keys: integrity both ways from the SecurityModeCommand, the Complete unciphered, UL
 * deciphered from the Complete's COUNT + 1 only (a late clear PDU before that still passes integrity), DL
 * ciphered after; an unprotected PDU fails integrity but is taken by pdcp_srb_rx_clear, security kept. */
START_TEST(test_security_mode_sequence)
{
    struct pdcp_srb gnb, ue;
    struct got gg = {0}, gu = {0};
    make(&gnb, true, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &gg);
    make(&ue, false, PDCP_TIMER_INFINITY, PDCP_TIMER_INFINITY, &gu);
    uint8_t k_gnb[32] = {7}, pdu[16];
    size_t len;
    struct pdcp_sec_config sc;
    ck_assert_int_eq(pdcp_sec_bearer_config(k_gnb, 2, 2, false, &sc), 0);
    sc.tx_cipher = sc.rx_cipher = false;
    ck_assert_int_eq(pass(&ue, &gnb, 0xa0, pdu, &len), 0);  /* before: MAC-I zeros */
    ck_assert_int_eq(pdcp_srb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pass(&gnb, &ue, 0x22, pdu, &len), 0);  /* SMC: the UE is not protected yet, takes it */
    ck_assert(pdu[len - 1] | pdu[len - 2] | pdu[len - 3] | pdu[len - 4]); /* but it carries a MAC-I */
    ck_assert_int_eq(pdcp_srb_security_activate(&ue, &sc), 0);
    ck_assert_int_eq(pass(&ue, &gnb, 0x2a, pdu, &len), 0);  /* SecurityModeComplete: protected, clear */
    ck_assert_uint_eq(pdu[2], 0x2a);
    pdcp_srb_security_ciphering(&ue, true, true);
    pdcp_srb_security_rx_cipher_from(&gnb, gg.count[gg.n - 1] + 1);
    ck_assert_int_eq(pass(&ue, &gnb, 0x38, pdu, &len), 0);  /* ciphered UL, deciphered */
    ck_assert_uint_ne(pdu[2], 0x38);
    ck_assert_uint_eq(gg.first[gg.n - 1], 0x38);
    pdcp_srb_security_ciphering(&gnb, true, true);           /* keeps the UL limit */
    ck_assert_int_eq(pass(&gnb, &ue, 0x28, pdu, &len), 0);
    ck_assert_uint_eq(gu.first[gu.n - 1], 0x28);
    ck_assert_int_eq(pass(&ue, &gnb, 0x39, pdu, &len), 0);
    ck_assert_uint_eq(gg.first[gg.n - 1], 0x39);
    ck_assert_int_eq(gg.n, 4);
    ck_assert_uint_eq(gnb.core.stats.rx_integrity_failed, 0);
    /* a PDU with no protection (MAC-I zeros, clear) fails, then is taken by rx_clear; the next is protected */
    pdcp_srb_security_deactivate(&ue);
    pdcp_srb_security_deactivate(&gnb);
    ck_assert_int_eq(pdcp_srb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pass(&ue, &gnb, 0x30, pdu, &len), -EACCES);
    ck_assert_int_eq(pdcp_srb_rx_clear(&gnb, pdu, len, 0), 0);
    ck_assert_uint_eq(gg.first[gg.n - 1], 0x30);
    ck_assert_int_eq(pass(&ue, &gnb, 0x31, pdu, &len), -EACCES); /* security still on */
    pdcp_srb_free(&gnb);
    pdcp_srb_free(&ue);
}
END_TEST

START_TEST(test_malformed_and_random_input)
{
    struct pdcp_srb e;
    struct got g = {0};
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 1);
    cfg.max_sdu = 100;
    cfg.deliver = on_sdu;
    cfg.deliver_ctx = &g;
    cfg.t_reordering_ms = 0;
    ck_assert_int_eq(pdcp_srb_init(&e, &cfg), 0);
    uint8_t pdu[200] = {0};
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, 6, 0), -EBADMSG);          /* header + MAC-I, no data */
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, 1, 0), -EBADMSG);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, 107, 0), -EBADMSG);        /* 101 data bytes > max_sdu */
    ck_assert_int_eq(pdcp_srb_rx(&e, NULL, 10, 0), -EBADMSG);
    ck_assert_uint_eq(e.core.stats.rx_malformed, 4);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, 106, 0), 0);               /* 100 bytes: fine */
    ck_assert_int_eq(g.n, 1);
    /* random PDUs: never a crash or a read past the end (ASan); every outcome counted */
    test_rng_seed(5);
    int64_t now = 0;
    for (int iter = 0; iter < 100000; iter++) {
        size_t len = test_rng_next() % 120;
        for (size_t i = 0; i < len; i++) pdu[i] = (uint8_t)test_rng_next();
        int r = pdcp_srb_rx(&e, pdu, len, now);
        ck_assert(r == 0 || r == -EBADMSG || r == -EALREADY || r == -ENOBUFS);
        now += (int64_t)(test_rng_next() % 3);
        pdcp_srb_tick(&e, now);
    }
    const struct pdcp_stats *s = &e.core.stats;
    ck_assert_uint_eq(s->rx_pdus, 100005);
    /* with t-Reordering 0 every tick flushes the reception buffer: all accepted SDUs went up */
    uint64_t refused = s->rx_malformed + s->rx_duplicate + s->rx_buffer_full + s->rx_integrity_failed;
    ck_assert_uint_gt(refused, 0);
    ck_assert_uint_gt(s->rx_delivered, 1);
    ck_assert_uint_eq(s->rx_delivered, s->rx_pdus - refused);
    /* reestablishment starts over */
    pdcp_srb_reestablish(&e);
    ck_assert_uint_eq(e.core.rx_deliv, 0);
    ck_assert_int_eq(pdcp_srb_rx(&e, pdu, pdu_with_sn(pdu, 0, 1, 1), now), 0);
    pdcp_srb_free(&e);
    /* configuration refused */
    pdcp_srb_config_default(&cfg, 4);
    ck_assert_int_eq(pdcp_srb_init(&e, &cfg), -EINVAL);
    pdcp_srb_config_default(&cfg, 1);
    cfg.max_sdu = PDCP_MAX_SDU + 1;
    ck_assert_int_eq(pdcp_srb_init(&e, &cfg), -EINVAL);
    pdcp_srb_config_default(&cfg, 1);
    cfg.t_reordering_ms = -5;
    ck_assert_int_eq(pdcp_srb_init(&e, &cfg), -EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pdcp_srb");
    TCase *tc = tcase_create("pdcp_srb");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_header_and_zero_mac_i);
    tcase_add_test(tc, test_count_wraps_end_to_end);
    tcase_add_test(tc, test_hfn_near_the_wrap);
    tcase_add_test(tc, test_duplicates_dropped);
    tcase_add_test(tc, test_gap_waits_with_infinite_reordering);
    tcase_add_test(tc, test_t_reordering_expiry);
    tcase_add_test(tc, test_discard_timer);
    tcase_add_test(tc, test_security_hooks);
    tcase_add_test(tc, test_security_mode_sequence);
    tcase_add_test(tc, test_malformed_and_random_input);
    suite_add_tcase(s, tc);
    return check_run(s);
}
