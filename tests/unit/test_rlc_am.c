/* Unit tests for rlc/rlc_am (and the AMD/STATUS codecs of rlc/rlc_pdu), clause by clause of 38.322, with time
 * passed in (no sleeping): header bytes against hand-built examples (6.2.2.4, 6.2.2.5), STATUS contents against
 * hand-worked receive states (5.2.3.2, 5.3.4), polling and t-PollRetransmit (5.3.3), retransmission and
 * maxRetxThreshold (5.3.2), t-Reassembly, t-StatusProhibit, malformed PDUs, and two entities back to back over a
 * lossy channel (drops by pattern, reordering, duplicates, grants cut at every byte) delivering every SDU once,
 * in order, bit-exact, across the 12-bit SN wrap and with 18-bit SNs. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc_am.h"
#include "rlc/rlc_pdu.h"
#include "tests/unit/check_run.h"
#include "tests/unit/rlc_test_util.h"
#include "tests/unit/test_rng.h"

static struct rlc_am tx, rx;
static struct rlc_log txlog, rxlog;
static uint8_t buf[70000];

static struct rlc_am_config cfg_default(void)
{
    return rlc_am_config_srb_default;
}

static void pair_init(const struct rlc_am_config *c)
{
    memset(&txlog, 0, sizeof txlog);
    memset(&rxlog, 0, sizeof rxlog);
    ck_assert_int_eq(rlc_am_init(&tx, c, rlc_log_deliver, &txlog), 0);
    ck_assert_int_eq(rlc_am_init(&rx, c, rlc_log_deliver, &rxlog), 0);
}

static void pair_free(void)
{
    rlc_am_free(&tx);
    rlc_am_free(&rx);
}

static void write_sdus(struct rlc_am *e, uint32_t first, uint32_t n, size_t len)
{
    uint8_t sdu[9100];
    for (uint32_t i = first; i < first + n; i++) ck_assert_int_eq(rlc_am_write_sdu(e, sdu, rlc_test_sdu(i, len, sdu)), 0);
}

/* An AMD PDU for SDU i (SN sn), bytes [so, so + n) of rlc_test_sdu(i, len), built by hand. */
static size_t amd(uint8_t *out, int sn_bits, uint32_t sn, uint32_t i, size_t len, uint32_t so, uint32_t n, bool poll)
{
    uint8_t sdu[9100];
    rlc_test_sdu(i, len, sdu);
    struct rlc_data_hdr h = {.poll = poll, .si = rlc_si_of(so, n, len), .sn = sn, .so = (uint16_t)so};
    int hl = rlc_amd_hdr_write(out, 16, sn_bits, &h);
    ck_assert_int_gt(hl, 0);
    memcpy(out + hl, sdu + so, n);
    return (size_t)hl + n;
}

/* ---- 6.2.2.4 / 6.2.2.5: header bytes ------------------------------------------------------------------------ */

START_TEST(test_amd_header_bytes_match_hand_built_examples)
{
    uint8_t b[8];
    /* 12-bit: D/C=1 P=1 SI=10 SN=0x5A3 SO=0x1234 -> 1110 0101 | 1010 0011 | SO */
    struct rlc_data_hdr h = {.poll = true, .si = RLC_SI_LAST, .sn = 0x5A3, .so = 0x1234};
    ck_assert_int_eq(rlc_amd_hdr_write(b, sizeof b, 12, &h), 4);
    ck_assert_mem_eq(b, ((uint8_t[]){0xE5, 0xA3, 0x12, 0x34}), 4);
    /* 12-bit complete SDU, SN 1, no poll: 1000 0000 | 0000 0001 */
    h = (struct rlc_data_hdr){.si = RLC_SI_FULL, .sn = 1};
    ck_assert_int_eq(rlc_amd_hdr_write(b, sizeof b, 12, &h), 2);
    ck_assert_mem_eq(b, ((uint8_t[]){0x80, 0x01}), 2);
    /* 12-bit first segment has no SO: D/C=1 P=0 SI=01 SN=0xFFF */
    h = (struct rlc_data_hdr){.si = RLC_SI_FIRST, .sn = 0xFFF};
    ck_assert_int_eq(rlc_amd_hdr_write(b, sizeof b, 12, &h), 2);
    ck_assert_mem_eq(b, ((uint8_t[]){0x9F, 0xFF}), 2);
    /* 18-bit: D/C=1 P=0 SI=11 R R SN=0x2ABCD SO=0x0102 -> 1011 0010 | 1010 1011 | 1100 1101 | SO */
    h = (struct rlc_data_hdr){.si = RLC_SI_MIDDLE, .sn = 0x2ABCD, .so = 0x0102};
    ck_assert_int_eq(rlc_amd_hdr_write(b, sizeof b, 18, &h), 5);
    ck_assert_mem_eq(b, ((uint8_t[]){0xB2, 0xAB, 0xCD, 0x01, 0x02}), 5);
    ck_assert_int_eq(rlc_amd_hdr_write(b, 4, 18, &h), -ENOBUFS);
    h.sn = 1u << 18;
    ck_assert_int_eq(rlc_amd_hdr_write(b, sizeof b, 18, &h), -EINVAL);

    /* read back, with R bits flagged */
    struct rlc_data_hdr r;
    bool res;
    uint8_t p[] = {0xBE, 0xAB, 0xCD, 0x01, 0x02, 0x55};
    ck_assert_int_eq(rlc_amd_hdr_read(p, sizeof p, 18, &r, &res), 5);
    ck_assert(res && !r.poll && r.si == RLC_SI_MIDDLE && r.sn == 0x2ABCD && r.so == 0x0102);
    ck_assert_int_eq(rlc_amd_hdr_read(p, 5, 18, &r, &res), -EBADMSG); /* no data byte */
    p[0] = 0x3E;
    ck_assert_int_eq(rlc_amd_hdr_read(p, sizeof p, 18, &r, &res), -EBADMSG); /* D/C = 0 */
}
END_TEST

START_TEST(test_status_bytes_match_hand_built_examples)
{
    uint8_t b[32];
    struct rlc_status_writer w;
    /* ACK_SN 4, NACK_SN 2: 000 0 0000 | 0000 0100 | 1 0000000 | 0000 0000 | 0010 0 0 0 0 */
    ck_assert_int_eq(rlc_status_write_begin(&w, b, sizeof b, 12), 0);
    ck_assert_int_eq(rlc_status_write_nack(&w, &(struct rlc_status_nack){.sn = 2}), 0);
    ck_assert_uint_eq(rlc_status_write_end(&w, 4), 5);
    ck_assert_mem_eq(b, ((uint8_t[]){0x00, 0x04, 0x80, 0x00, 0x20}), 5);

    /* ACK_SN 0x123; NACK 0x045 SO 10..end; NACK 0x050 range 3 */
    ck_assert_int_eq(rlc_status_write_begin(&w, b, sizeof b, 12), 0);
    ck_assert_int_eq(rlc_status_write_nack(&w, &(struct rlc_status_nack){.sn = 0x45, .has_so = true, .so_start = 10,
                                                                         .so_end = RLC_SO_END_LAST}), 0);
    ck_assert_int_eq(rlc_status_write_nack(&w, &(struct rlc_status_nack){.sn = 0x50, .range = 3}), 0);
    ck_assert_uint_eq(rlc_status_write_end(&w, 0x123), 3 + 6 + 3);
    ck_assert_mem_eq(b, ((uint8_t[]){0x01, 0x23, 0x80, 0x04, 0x5C, 0x00, 0x0A, 0xFF, 0xFF, 0x05, 0x02, 0x03}), 12);
    /* an entry that does not fit leaves the PDU as it was */
    uint8_t small[5];
    ck_assert_int_eq(rlc_status_write_begin(&w, small, sizeof small, 12), 0);
    ck_assert_int_eq(rlc_status_write_nack(&w, &(struct rlc_status_nack){.sn = 1, .has_so = true}), -ENOBUFS);
    ck_assert_uint_eq(rlc_status_write_end(&w, 7), 3);
    ck_assert_mem_eq(small, ((uint8_t[]){0x00, 0x07, 0x00}), 3);

    /* 18-bit: ACK_SN 0x2ABCD, NACK_SN 1 */
    ck_assert_int_eq(rlc_status_write_begin(&w, b, sizeof b, 18), 0);
    ck_assert_int_eq(rlc_status_write_nack(&w, &(struct rlc_status_nack){.sn = 1}), 0);
    ck_assert_uint_eq(rlc_status_write_end(&w, 0x2ABCD), 6);
    ck_assert_mem_eq(b, ((uint8_t[]){0x0A, 0xAF, 0x36, 0x00, 0x00, 0x40}), 6);

    /* reader: the 12-bit example back */
    const uint8_t s[] = {0x01, 0x23, 0x80, 0x04, 0x5C, 0x00, 0x0A, 0xFF, 0xFF, 0x05, 0x02, 0x03};
    struct rlc_status_reader r;
    struct rlc_status_nack n;
    uint32_t ack;
    ck_assert_int_eq(rlc_status_read_begin(&r, s, sizeof s, 12, &ack), 0);
    ck_assert_uint_eq(ack, 0x123);
    ck_assert_int_eq(rlc_status_read_next(&r, &n), 1);
    ck_assert(n.sn == 0x45 && n.has_so && n.so_start == 10 && n.so_end == 0xFFFF && n.range == 0);
    ck_assert_int_eq(rlc_status_read_next(&r, &n), 1);
    ck_assert(n.sn == 0x50 && !n.has_so && n.range == 3);
    ck_assert_int_eq(rlc_status_read_next(&r, &n), 0);
    ck_assert(!r.reserved);
    /* truncated, trailing byte, reserved CPT, range 0 */
    ck_assert_int_eq(rlc_status_read_begin(&r, s, 11, 12, &ack), 0);
    while (rlc_status_read_next(&r, &n) == 1) {}
    ck_assert_int_eq(rlc_status_read_next(&r, &n), -EBADMSG);
    const uint8_t trailing[] = {0x00, 0x04, 0x00, 0x99};
    ck_assert_int_eq(rlc_status_read_begin(&r, trailing, 4, 12, &ack), 0);
    ck_assert_int_eq(rlc_status_read_next(&r, &n), -EBADMSG);
    const uint8_t cpt[] = {0x10, 0x04, 0x00};
    ck_assert_int_eq(rlc_status_read_begin(&r, cpt, 3, 12, &ack), -EBADMSG);
    const uint8_t range0[] = {0x00, 0x04, 0x80, 0x00, 0x22, 0x00};
    ck_assert_int_eq(rlc_status_read_begin(&r, range0, sizeof range0, 12, &ack), 0);
    ck_assert_int_eq(rlc_status_read_next(&r, &n), -EBADMSG);
}
END_TEST

/* ---- receive side: STATUS content (5.2.3.2, 5.3.4) ---------------------------------------------------------- */

/* Pull what rx has to say (a STATUS PDU) at time now. */
static int rx_status(int64_t now, size_t grant)
{
    return rlc_am_pull_pdu(&rx, buf, grant, now);
}

START_TEST(test_status_sn_0_1_3_received_nacks_2_after_t_reassembly)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    uint8_t p[300];
    int64_t t = 1000;
    for (uint32_t sn = 0; sn < 4; sn++) {
        if (sn == 2) continue;
        ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, sn, sn, 20, 0, 20, sn == 3), t), 0);
    }
    ck_assert_uint_eq(rxlog.n, 3); /* 0, 1, 3 delivered as they complete (38.322: no reordering in RLC) */
    ck_assert_uint_eq(rx.rx_next, 2);
    ck_assert_uint_eq(rx.rx_next_highest, 4);
    ck_assert_uint_eq(rx.rx_highest_status, 2);
    /* the poll in SN 3 waits: 3 >= RX_Highest_Status; t-Reassembly (35 ms) runs with RX_Next_Status_Trigger 4 */
    ck_assert_uint_eq(rx.rx_next_status_trigger, 4);
    ck_assert_int_eq(rx_status(t + 34, 100), 0);
    /* at 35 ms RX_Highest_Status = 4: ACK_SN 4, NACK_SN 2 */
    ck_assert_int_eq(rx_status(t + 35, 100), 5);
    ck_assert_mem_eq(buf, ((uint8_t[]){0x00, 0x04, 0x80, 0x00, 0x20}), 5);
    ck_assert_uint_eq(rx.cnt.status_tx, 1);
    ck_assert_int_eq(rx_status(t + 36, 100), 0); /* one trigger, one STATUS */
    pair_free();
}
END_TEST

START_TEST(test_status_poll_below_highest_status_answers_at_once)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    uint8_t p[300];
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 20, 0, 20, false), 0), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 1, 1, 20, 0, 20, true), 0), 0);
    /* SN 1 < RX_Highest_Status (2) after it is placed: triggered now; ACK_SN 2, no NACK */
    ck_assert_int_eq(rx_status(0, 100), 3);
    ck_assert_mem_eq(buf, ((uint8_t[]){0x00, 0x02, 0x00}), 3);
    /* a poll in a duplicate PDU (discarded) triggers too */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 1, 1, 20, 0, 20, true), 1), 0);
    ck_assert_uint_eq(rx.cnt.pdus_discarded, 1);
    ck_assert_uint_eq(rxlog.n, 2);
    ck_assert_int_eq(rx_status(1, 100), 3);
    pair_free();
}
END_TEST

START_TEST(test_status_content_segments_ranges_and_truncation)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    uint8_t p[300];
    int64_t t = 0;
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 40, 0, 40, false), t), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 1, 1, 40, 0, 10, false), t), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 1, 1, 40, 20, 10, false), t), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 6, 6, 40, 0, 40, false), t), 0);
    ck_assert_uint_eq(rxlog.n, 2);
    /* t-Reassembly started with SN 1's gap (RX_Next_Status_Trigger 2) and kept running as SN 6 arrived */
    ck_assert_uint_eq(rx.rx_next_status_trigger, 2);
    ck_assert_int_eq(rx_status(34, 100), 0);
    /* expiry at 35: RX_Highest_Status = 2 -> NACK 1 SO 10..19, NACK 1 SO 30..end, ACK_SN 2; restarted (trigger 7) */
    const uint8_t first[] = {0x00, 0x02, 0x80, 0x00, 0x1C, 0x00, 0x0A, 0x00, 0x13, 0x00, 0x14, 0x00, 0x1E, 0xFF, 0xFF};
    ck_assert_int_eq(rx_status(35, 100), sizeof first);
    ck_assert_mem_eq(buf, first, sizeof first);
    ck_assert_uint_eq(rx.rx_next_status_trigger, 7);
    ck_assert_int_eq(rx_status(69, 100), 0);
    /* expiry at 70: RX_Highest_Status = 7 -> the same plus NACK 2 with NACK_range 4, ACK_SN 7 */
    const uint8_t want[] = {0x00, 0x07, 0x80,                          /* ACK_SN 7, E1 */
                            0x00, 0x1C, 0x00, 0x0A, 0x00, 0x13,        /* NACK 1, E1 E2, SO 10..19 */
                            0x00, 0x1C, 0x00, 0x1E, 0xFF, 0xFF,        /* NACK 1, E1 E2, SO 30..end */
                            0x00, 0x22, 0x04};                         /* NACK 2, E3, range 4 */
    ck_assert_int_eq(rx_status(70, 100), sizeof want);
    ck_assert_mem_eq(buf, want, sizeof want);

    /* t-StatusProhibit ms0 means none; a poll now is answered at once, cut to the grant: the entries of SN 1 do
     * not fit in 8 bytes, so ACK_SN = 1 (the first SN not reported) */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 40, 0, 40, true), 71), 0);
    ck_assert_int_eq(rx_status(71, 8), 3);
    ck_assert_mem_eq(buf, ((uint8_t[]){0x00, 0x01, 0x00}), 3);
    /* 15 bytes: the two entries of SN 1 fit, the range does not: ACK_SN 2, the last entry's E1 is 0 */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 40, 0, 40, true), 72), 0);
    ck_assert_int_eq(rx_status(72, 15), 15);
    ck_assert_mem_eq(buf, first, sizeof first);
    pair_free();
}
END_TEST

START_TEST(test_t_status_prohibit_holds_one_status)
{
    struct rlc_am_config c = cfg_default();
    c.t_status_prohibit_ms = 20;
    pair_init(&c);
    uint8_t p[300];
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 20, 0, 20, true), 100), 0);
    ck_assert_int_eq(rx_status(100, 100), 3); /* t-StatusProhibit starts at 100 */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 1, 1, 20, 0, 20, true), 105), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 2, 2, 20, 0, 20, true), 110), 0);
    ck_assert(!rlc_am_status_pending(&rx, 119));
    ck_assert_int_eq(rx_status(119, 100), 0);
    ck_assert(rlc_am_status_pending(&rx, 120));
    ck_assert_int_eq(rx_status(120, 100), 3);
    ck_assert_mem_eq(buf, ((uint8_t[]){0x00, 0x03, 0x00}), 3);
    ck_assert_int_eq(rx_status(200, 100), 0); /* two triggers while prohibited: a single STATUS */
    ck_assert_uint_eq(rx.cnt.status_tx, 2);
    pair_free();
}
END_TEST

START_TEST(test_t_reassembly_restarts_for_the_next_gap)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    uint8_t p[300];
    /* SN 1 at t=0 (gap at 0), SN 3 at t=10 (gap at 2) */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 1, 1, 20, 0, 20, false), 0), 0);
    ck_assert(rx.t_reassembly.running);
    ck_assert_uint_eq(rx.rx_next_status_trigger, 2);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 3, 3, 20, 0, 20, false), 10), 0);
    ck_assert_uint_eq(rx.rx_next_status_trigger, 2); /* still the first run */
    rlc_am_tick(&rx, 35);
    /* RX_Highest_Status = 2; RX_Next_Highest 4 > 3: restarted with trigger 4 */
    ck_assert_uint_eq(rx.rx_highest_status, 2);
    ck_assert(rx.t_reassembly.running);
    ck_assert_uint_eq(rx.rx_next_status_trigger, 4);
    ck_assert_int_eq(rx_status(35, 100), 5);
    ck_assert_mem_eq(buf, ((uint8_t[]){0x00, 0x02, 0x80, 0x00, 0x00}), 5); /* NACK 0, ACK_SN 2 */
    /* SN 0 arrives: RX_Next -> 2; the timer keeps running (trigger 4 != RX_Next + 1 = 3) */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 20, 0, 20, false), 40), 0);
    ck_assert_uint_eq(rx.rx_next, 2);
    ck_assert(rx.t_reassembly.running);
    /* SN 2 arrives: RX_Next -> 4 = trigger: stopped */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 2, 2, 20, 0, 20, false), 41), 0);
    ck_assert_uint_eq(rx.rx_next, 4);
    ck_assert(!rx.t_reassembly.running);
    ck_assert_uint_eq(rxlog.n, 4);
    ck_assert_uint_eq(rxlog.bad, 0);
    pair_free();
}
END_TEST

START_TEST(test_rx_window_and_duplicates)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    uint8_t p[300];
    /* SN 2048 is outside RX_Next + AM_Window_Size (0..2047): discarded */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 2048, 0, 20, 0, 20, false), 0), 0);
    ck_assert_uint_eq(rx.cnt.pdus_discarded, 1);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 2047, 7, 20, 0, 20, false), 0), 0);
    ck_assert_uint_eq(rxlog.n, 1);
    ck_assert_uint_eq(rx.rx_next_highest, 2048);
    /* overlapping segments: new bytes are taken, a wholly duplicate segment is discarded */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 5, 5, 50, 0, 30, false), 1), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 5, 5, 50, 10, 10, false), 1), 0);
    ck_assert_uint_eq(rx.cnt.pdus_discarded, 2);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 5, 5, 50, 20, 30, false), 1), 0);
    ck_assert_uint_eq(rxlog.n, 2);
    ck_assert_uint_eq(rxlog.id[1], 5);
    ck_assert_uint_eq(rxlog.bad, 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 5, 5, 50, 0, 50, false), 1), 0); /* after delivery */
    ck_assert_uint_eq(rxlog.n, 2);
    pair_free();
}
END_TEST

START_TEST(test_malformed_data_pdus_are_counted_and_dropped)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    uint8_t p[300];
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, 0, 0), -EBADMSG);
    const uint8_t hdr_only[] = {0x80, 0x01};
    ck_assert_int_eq(rlc_am_push_pdu(&rx, hdr_only, 2, 0), -EBADMSG);
    const uint8_t short_so[] = {0xA0, 0x01, 0x00};
    ck_assert_int_eq(rlc_am_push_pdu(&rx, short_so, 3, 0), -EBADMSG);
    /* SO beyond the largest SDU */
    const uint8_t far[] = {0xB0, 0x01, 0xFF, 0xF0, 0x55};
    ck_assert_int_eq(rlc_am_push_pdu(&rx, far, sizeof far, 0), -EBADMSG);
    /* a last segment that ends before bytes already received, and one past a known end */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 3, 3, 50, 0, 30, false), 0), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 3, 3, 20, 10, 10, false), 0), -EBADMSG);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 3, 3, 50, 40, 10, false), 0), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 3, 3, 60, 45, 10, false), 0), -EBADMSG);
    ck_assert_uint_eq(rx.cnt.malformed_dropped, 6);
    ck_assert_uint_eq(rxlog.n, 0);
    /* the SDU still completes from good segments */
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 3, 3, 50, 30, 10, false), 0), 0);
    ck_assert_uint_eq(rxlog.n, 1);
    ck_assert_uint_eq(rxlog.bad, 0);
    /* 12-bit AMD has no R bits; the 18-bit one does: ignored, counted */
    pair_free();
    c.sn_bits = 18;
    pair_init(&c);
    size_t n = amd(p, 18, 9, 9, 20, 0, 20, false);
    p[0] |= 0x0C;
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, n, 0), 0);
    ck_assert_uint_eq(rx.cnt.reserved_bits_set, 1);
    ck_assert_uint_eq(rxlog.n, 1);
    pair_free();
}
END_TEST

/* ---- transmit side: polling, retransmission (5.3.2, 5.3.3) -------------------------------------------------- */

START_TEST(test_poll_on_the_last_pdu_only)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    write_sdus(&tx, 0, 3, 30);
    for (int i = 0; i < 3; i++) {
        int n = rlc_am_pull_pdu(&tx, buf, 100, 0);
        ck_assert_int_eq(n, 32);
        ck_assert_int_eq(buf[0] & 0x40, i == 2 ? 0x40 : 0); /* pollPDU/pollByte infinity: last in buffer only */
        ck_assert_int_eq(buf[1], i);
    }
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 0), 0);
    ck_assert(tx.t_poll_retransmit.running);
    ck_assert_uint_eq(tx.cnt.polls_tx, 1);
    pair_free();

    /* pollPDU 4: every fourth new PDU polls */
    c.poll_pdu = 4;
    pair_init(&c);
    write_sdus(&tx, 0, 10, 30);
    int polls = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert_int_gt(rlc_am_pull_pdu(&tx, buf, 100, 0), 0);
        if (buf[0] & 0x40) {
            ck_assert(i == 3 || i == 7 || i == 9);
            polls++;
        }
    }
    ck_assert_int_eq(polls, 3);
    pair_free();

    /* pollByte 100 bytes: data bytes counted, segments included */
    c.poll_pdu = RLC_AM_INFINITY;
    c.poll_byte = 100;
    pair_init(&c);
    write_sdus(&tx, 0, 1, 250);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 62, 0), 62);   /* 60 bytes: no poll */
    ck_assert_int_eq(buf[0] & 0x40, 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 43, 0), 43);   /* 60 + 39 < 100: no poll */
    ck_assert_int_eq(buf[0] & 0x40, 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 3, 0), 0);     /* an SO segment needs 4 header bytes + 1 */
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 5, 0), 5);     /* 100 bytes: poll */
    ck_assert_int_eq(buf[0] & 0x40, 0x40);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 60, 0), 60);   /* counters were reset */
    ck_assert_int_eq(buf[0] & 0x40, 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 200, 0), 4 + 94); /* last in buffer */
    ck_assert_int_eq(buf[0] & 0x40, 0x40);
    pair_free();
}
END_TEST

START_TEST(test_t_poll_retransmit_fires_after_exactly_45_ms)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    write_sdus(&tx, 0, 2, 30);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 1000), 32);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 1000), 32); /* SN 1, poll, t-PollRetransmit started at 1000 */
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 1044), 0);
    rlc_am_tick(&tx, 1044);
    ck_assert_uint_eq(tx.cnt.retx_pdus, 0);
    /* 45 ms: SN = TX_Next - 1 is retransmitted with a poll */
    int n = rlc_am_pull_pdu(&tx, buf, 100, 1045);
    ck_assert_int_eq(n, 32);
    ck_assert_int_eq(buf[0], 0xC0);
    ck_assert_int_eq(buf[1], 1);
    ck_assert_uint_eq(tx.cnt.retx_pdus, 1);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 1089), 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 1090), 32); /* restarted by that poll */

    /* a STATUS acknowledging POLL_SN stops it and frees the SDUs */
    const uint8_t ack2[] = {0x00, 0x02, 0x00};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, ack2, 3, 1091), 0);
    ck_assert(!tx.t_poll_retransmit.running);
    ck_assert_uint_eq(tx.q.head, 2);
    ck_assert_uint_eq(rlc_sdu_queue_count(&tx.q), 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 5000), 0);
    pair_free();
}
END_TEST

START_TEST(test_nack_retransmits_sdus_and_byte_ranges)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    write_sdus(&tx, 0, 5, 100);
    for (int i = 0; i < 5; i++) ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 200, 0), 102);
    /* ACK_SN 5, NACK 1 (whole), NACK 3 SO 10..19 */
    const uint8_t st[] = {0x00, 0x05, 0x80, 0x00, 0x18, 0x00, 0x34, 0x00, 0x0A, 0x00, 0x13};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, st, sizeof st, 1), 0);
    ck_assert_uint_eq(tx.q.head, 1); /* TX_Next_Ack */
    uint8_t sdu[200];
    rlc_test_sdu(1, 100, sdu);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 200, 2), 102);
    ck_assert_int_eq(buf[0] & 0xBF, 0x80);
    ck_assert_int_eq(buf[1], 1);
    ck_assert_mem_eq(buf + 2, sdu, 100);
    /* the segment: SI=11 (middle), SO 10, 10 bytes; last thing to send, so it polls */
    rlc_test_sdu(3, 100, sdu);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 200, 2), 14);
    ck_assert_mem_eq(buf, ((uint8_t[]){0xF0, 0x03, 0x00, 0x0A}), 4);
    ck_assert_mem_eq(buf + 4, sdu + 10, 10);
    ck_assert_uint_eq(tx.cnt.retx_pdus, 2);
    ck_assert_uint_eq(tx.cnt.status_rx, 1);
    /* a retransmission is re-segmented to fit: SN 1 again in 40-byte grants */
    const uint8_t st2[] = {0x00, 0x05, 0x80, 0x00, 0x10};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, st2, sizeof st2, 3), 0);
    rlc_test_sdu(1, 100, sdu);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 40, 4), 40);
    ck_assert_mem_eq(buf, ((uint8_t[]){0x90, 0x01}), 2);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 40, 4), 40);
    ck_assert_mem_eq(buf, ((uint8_t[]){0xB0, 0x01, 0x00, 38}), 4);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 40, 4), 4 + 26);
    ck_assert_mem_eq(buf, ((uint8_t[]){0xE0, 0x01, 0x00, 74}), 4);
    ck_assert_mem_eq(buf + 4, sdu + 74, 26);
    ck_assert_int_eq(tx.txs[1].retx_count, 1);
    pair_free();
}
END_TEST

START_TEST(test_impossible_status_pdus_change_nothing)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    write_sdus(&tx, 0, 4, 50);
    for (int i = 0; i < 4; i++) ck_assert_int_gt(rlc_am_pull_pdu(&tx, buf, 200, 0), 0);
    write_sdus(&tx, 4, 1, 50);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 20, 0), 20); /* SN 4 partly sent */
    const uint8_t bad[][16] = {
        {0x00, 0x03, 0x80, 0x00, 0x30},                               /* NACK 3 not below ACK_SN 3 */
        {0x00, 0x04, 0x80, 0x00, 0x28, 0x00, 0x10},                   /* NACKs 2 then 1 */
        {0x00, 0x04, 0x80, 0x00, 0x12, 0x04},                         /* NACK 1 range 4 reaches 4 = ACK_SN */
        {0x00, 0x04, 0x80, 0x00, 0x14, 0x00, 0x40, 0x00, 0x41},       /* SO 64.. in a 50-byte SDU */
        {0x00, 0x04, 0x80, 0x00, 0x14, 0x00, 0x20, 0x00, 0x10},       /* SOstart > SOend */
        {0x00, 0x05},                                                 /* truncated */
        {0x00, 0x05, 0x00},                                           /* ACK of the partly sent SN 4 */
        {0x00, 0x04, 0x80, 0x00, 0x1C, 0x00, 0x00, 0x00, 0x05, 0x00, 0x14, 0x00, 0x03, 0x00, 0x09}, /* SO overlap */
    };
    const size_t len[] = {5, 7, 6, 9, 9, 2, 3, 15};
    for (size_t i = 0; i < sizeof len / sizeof len[0]; i++) {
        ck_assert_int_eq(rlc_am_push_pdu(&tx, bad[i], len[i], 1), -EBADMSG);
        ck_assert_uint_eq(tx.q.head, 0);
        ck_assert_uint_eq(tx.retxq_count, 0);
    }
    ck_assert_uint_eq(tx.cnt.malformed_dropped, sizeof len / sizeof len[0]);
    ck_assert_uint_eq(tx.cnt.status_rx, 0);
    /* ACK_SN beyond what was sent: ignored, not trusted */
    const uint8_t ahead[] = {0x00, 0x09, 0x00};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, ahead, 3, 1), 0);
    ck_assert_uint_eq(tx.cnt.status_ignored, 1);
    ck_assert_uint_eq(tx.q.head, 0);
    /* the partly sent SN 4 NACKed to its end: only what was sent (18 bytes) is retransmitted */
    const uint8_t ok[] = {0x00, 0x05, 0x80, 0x00, 0x44, 0x00, 0x00, 0xFF, 0xFF};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, ok, sizeof ok, 2), 0);
    ck_assert_uint_eq(tx.q.head, 4);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 200, 2), 2 + 18);
    ck_assert_int_eq(buf[0] & 0x30, 0x10); /* first segment */
    /* an older STATUS overtaken by that one (NACK 1, now below TX_Next_Ack) is well-formed and changes nothing */
    const uint8_t old[] = {0x00, 0x04, 0x80, 0x00, 0x10};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, old, sizeof old, 3), 0);
    ck_assert_uint_eq(tx.q.head, 4);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 200, 3), 4 + 32); /* new data: the rest of SN 4 (SO 18) */
    ck_assert_uint_eq(tx.cnt.retx_pdus, 1);
    pair_free();
}
END_TEST

START_TEST(test_max_retx_threshold_sets_the_failure_flag)
{
    struct rlc_am_config c = cfg_default(); /* maxRetxThreshold t8 */
    pair_init(&c);
    write_sdus(&tx, 0, 1, 30);
    int64_t t = 0;
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, t), 32);
    /* every 45 ms t-PollRetransmit expires and SN 0 is considered again: RETX_COUNT 0 the first time, then
     * 1, 2, ... ; it reaches 8 at the ninth expiry */
    for (int k = 1; k <= 9; k++) {
        t += 45;
        ck_assert(!tx.max_retx_reached);
        ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, t), 32);
        ck_assert_int_eq(tx.txs[0].retx_count, k - 1);
    }
    ck_assert(tx.max_retx_reached);
    ck_assert_uint_eq(tx.cnt.retx_pdus, 9);
    rlc_am_reset(&tx);
    ck_assert(!tx.max_retx_reached);

    /* NACKs count once per STATUS PDU even with several entries for the SDU */
    write_sdus(&tx, 0, 1, 30);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, t), 32);
    const uint8_t st[] = {0x00, 0x01, 0x80, 0x00, 0x0C, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06};
    for (int k = 0; k < 9; k++) {
        ck_assert(!tx.max_retx_reached);
        ck_assert_int_eq(rlc_am_push_pdu(&tx, st, sizeof st, t), 0);
        ck_assert_int_eq(tx.txs[0].retx_count, k);
        while (rlc_am_pull_pdu(&tx, buf, 100, t) > 0) {}
    }
    ck_assert(tx.max_retx_reached);
    pair_free();
}
END_TEST

START_TEST(test_window_stall_polls_and_waits)
{
    struct rlc_am_config c = cfg_default();
    c.tx_sdus = 2100;
    pair_init(&c);
    write_sdus(&tx, 0, 2049, 4);
    for (int i = 0; i < 2048; i++) {
        ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 0), 6);
        ck_assert_int_eq(buf[0] & 0x40, i == 2047 ? 0x40 : 0); /* poll when the window stalls */
    }
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 0), 0);
    const uint8_t ack1[] = {0x00, 0x01, 0x00};
    ck_assert_int_eq(rlc_am_push_pdu(&tx, ack1, 3, 1), 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 1), 6);
    ck_assert_mem_eq(buf, ((uint8_t[]){0xC8, 0x00}), 2); /* SN 2048, poll (buffer now empty) */
    pair_free();
}
END_TEST

/* ---- back to back over a lossy channel ----------------------------------------------------------------------- */

struct chan {
    unsigned k;            /* PDUs offered */
    int drop_mod, drop_rem; /* drop PDU k when k % drop_mod == drop_rem (drop_mod 0: never) */
    double p_drop, p_dup, p_reorder;
    uint8_t held[9200];
    size_t held_len;
};

static void chan_send(struct chan *c, struct rlc_am *dst, const uint8_t *pdu, size_t len, int64_t now)
{
    unsigned k = c->k++;
    if (c->drop_mod && (int)(k % (unsigned)c->drop_mod) == c->drop_rem) return;
    if (c->p_drop > 0 && test_rng_uniform() < c->p_drop) return;
    if (!c->held_len && c->p_reorder > 0 && test_rng_uniform() < c->p_reorder && len <= sizeof c->held) {
        memcpy(c->held, pdu, len);
        c->held_len = len;
        return;
    }
    ck_assert_int_eq(rlc_am_push_pdu(dst, pdu, len, now), 0);
    if (c->p_dup > 0 && test_rng_uniform() < c->p_dup) ck_assert_int_eq(rlc_am_push_pdu(dst, pdu, len, now), 0);
    if (c->held_len) {
        ck_assert_int_eq(rlc_am_push_pdu(dst, c->held, c->held_len, now), 0);
        c->held_len = 0;
    }
}

/* Send n SDUs (sizes from rlc_test_sdu, or sdu_len) tx -> rx with grants from grant(step); rx answers over
 * back. Returns the ms it took. */
static int64_t transfer(uint32_t n, size_t sdu_len, struct chan *fwd, struct chan *back, size_t (*grant)(unsigned),
                        int64_t max_ms)
{
    uint32_t written = 0;
    int64_t t = 0;
    uint8_t sdu[9100];
    unsigned step = 0;
    for (; t < max_ms && (rxlog.n < n || rlc_sdu_queue_count(&tx.q)); t++) {
        while (written < n) {
            size_t l = rlc_test_sdu(written, sdu_len, sdu);
            if (rlc_am_write_sdu(&tx, sdu, l) != 0) break;
            written++;
        }
        for (int i = 0; i < 8; i++) {
            int m = rlc_am_pull_pdu(&tx, buf, grant(step++), t);
            if (m <= 0) break;
            chan_send(fwd, &rx, buf, (size_t)m, t);
        }
        for (int i = 0; i < 2; i++) {
            int m = rlc_am_pull_pdu(&rx, buf, 200, t);
            if (m <= 0) break;
            chan_send(back, &tx, buf, (size_t)m, t);
        }
    }
    return t;
}

static size_t grant_big(unsigned step)
{
    (void)step;
    return 1500;
}

static size_t grant_varied(unsigned step)
{
    return 3 + (step * 37u) % 120u;
}

static void check_all_in_order(uint32_t n)
{
    ck_assert_uint_eq(rxlog.n, n);
    ck_assert_uint_eq(rxlog.bad, 0);
    for (uint32_t i = 0; i < n && i < RLC_LOG_MAX; i++) ck_assert_uint_eq(rxlog.id[i], i);
    ck_assert_uint_eq(tx.cnt.malformed_dropped + rx.cnt.malformed_dropped, 0);
    ck_assert_uint_eq(rx.cnt.pdus_dropped_no_buffer, 0);
    ck_assert(!tx.max_retx_reached);
}

START_TEST(test_lossless_link_delivers_everything)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    struct chan f = {0}, b = {0};
    transfer(500, 0, &f, &b, grant_big, 10000);
    check_all_in_order(500);
    ck_assert_uint_eq(tx.cnt.retx_pdus, 0);
    pair_free();
}
END_TEST

START_TEST(test_segmentation_at_every_boundary)
{
    /* one 40-byte SDU, the first grant cut after 1..39 data bytes, then the rest; then every SO of a resegmented
     * retransmission */
    uint8_t sdu[64];
    for (uint32_t cut = 1; cut < 40; cut++) {
        struct rlc_am_config c = cfg_default();
        pair_init(&c);
        write_sdus(&tx, 77, 1, 40);
        int n = rlc_am_pull_pdu(&tx, buf, 2 + cut, 0);
        ck_assert_int_eq(n, (int)(2 + cut));
        ck_assert_int_eq(buf[0] & 0x30, 0x10); /* SI first */
        ck_assert_int_eq(rlc_am_push_pdu(&rx, buf, (size_t)n, 0), 0);
        for (uint32_t so = cut; so < 40; so++) { /* the rest one byte at a time */
            n = rlc_am_pull_pdu(&tx, buf, 5, 0);
            ck_assert_int_eq(n, 5);
            ck_assert_int_eq(buf[0] & 0x30, so == 39 ? 0x20 : 0x30);
            ck_assert_int_eq(buf[2] << 8 | buf[3], so);
            ck_assert_int_eq(rlc_am_push_pdu(&rx, buf, (size_t)n, 0), 0);
        }
        ck_assert_uint_eq(rxlog.n, 1);
        ck_assert_uint_eq(rxlog.last_len, 40);
        rlc_test_sdu(77, 40, sdu);
        ck_assert_mem_eq(rxlog.last, sdu, 40);
        pair_free();
    }
}
END_TEST

START_TEST(test_lossy_link_delivers_every_sdu_once_in_order)
{
    struct rlc_am_config c = cfg_default();
    c.in_order_delivery = true;
    c.tx_sdus = 64;
    c.rx_slots = 72; /* held SDUs need a slot each (peer window + a spare), or PDUs are dropped for want of one */
    /* ~20% of PDUs lost and SDUs cut into 2-3 segments: an SDU's retransmission fails ~40% of the time, so
     * maxRetxThreshold t8 would (rightly) declare failure within a few hundred SDUs */
    c.max_retx_threshold = 32;
    for (int pattern = 0; pattern < 4; pattern++) {
        test_rng_seed(1234 + (uint64_t)pattern);
        pair_init(&c);
        struct chan f = {.drop_mod = 5 + pattern, .drop_rem = pattern, .p_dup = 0.05, .p_reorder = 0.1};
        struct chan b = {.p_drop = 0.2, .p_reorder = 0.1};
        transfer(800, 0, &f, &b, grant_varied, 200000);
        check_all_in_order(800);
        ck_assert_uint_gt(tx.cnt.retx_pdus, 0);
        ck_assert_uint_gt(rx.cnt.pdus_discarded, 0);
        pair_free();
    }
}
END_TEST

START_TEST(test_lossy_link_38322_delivery_every_sdu_once)
{
    struct rlc_am_config c = cfg_default(); /* delivery as SDUs complete: order may differ, each exactly once */
    c.max_retx_threshold = 32;
    pair_init(&c);
    test_rng_seed(99);
    struct chan f = {.p_drop = 0.15, .p_dup = 0.05, .p_reorder = 0.2}, b = {.p_drop = 0.15};
    transfer(1000, 0, &f, &b, grant_varied, 200000);
    ck_assert_uint_eq(rxlog.n, 1000);
    ck_assert_uint_eq(rxlog.bad, 0);
    static bool seen[1000];
    memset(seen, 0, sizeof seen);
    for (uint32_t i = 0; i < 1000; i++) {
        ck_assert_uint_lt(rxlog.id[i], 1000);
        ck_assert(!seen[rxlog.id[i]]);
        seen[rxlog.id[i]] = true;
    }
    pair_free();
}
END_TEST

START_TEST(test_sn_wraps_at_4096_with_losses)
{
    struct rlc_am_config c = cfg_default();
    c.in_order_delivery = true;
    c.tx_sdus = 256;
    c.tx_bytes = 1 << 20;
    c.rx_slots = 256;
    pair_init(&c);
    test_rng_seed(7);
    struct chan f = {.drop_mod = 13, .drop_rem = 5, .p_reorder = 0.05}, b = {.drop_mod = 4, .drop_rem = 1};
    transfer(10000, 24, &f, &b, grant_big, 400000);
    ck_assert_uint_eq(rxlog.n, 10000);
    ck_assert_uint_eq(rxlog.bad, 0);
    for (uint32_t i = 0; i < RLC_LOG_MAX; i++) ck_assert_uint_eq(rxlog.id[i], i);
    ck_assert_uint_eq(rx.rx_next, 10000 % 4096);
    ck_assert_uint_eq(tx.tx_next, 10000);
    pair_free();
}
END_TEST

START_TEST(test_18_bit_sn_round_trip_and_wrap)
{
    struct rlc_am_config c = cfg_default();
    c.sn_bits = 18;
    c.in_order_delivery = true;
    c.tx_sdus = 1024;
    c.tx_bytes = 1 << 20;
    c.rx_slots = 1024;
    pair_init(&c);
    /* the first PDU's header: 18-bit SN 0, complete SDU, poll */
    write_sdus(&tx, 0, 1, 10);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 100, 0), 13);
    ck_assert_mem_eq(buf, ((uint8_t[]){0xC0, 0x00, 0x00}), 3);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, buf, 13, 0), 0);
    ck_assert_int_eq(rlc_am_pull_pdu(&rx, buf, 100, 0), 3); /* STATUS ACK_SN 1: 0000 0000 | 0 | 000001 0 0 */
    ck_assert_mem_eq(buf, ((uint8_t[]){0x00, 0x00, 0x04}), 3);
    ck_assert_int_eq(rlc_am_push_pdu(&tx, buf, 3, 0), 0);
    ck_assert_uint_eq(tx.q.head, 1);
    pair_free();

    pair_init(&c);
    test_rng_seed(18);
    struct chan f = {.drop_mod = 17, .drop_rem = 3}, b = {.drop_mod = 5, .drop_rem = 2};
    uint32_t n = (1u << 18) + 3000;
    transfer(n, 4, &f, &b, grant_big, 2000000);
    ck_assert_uint_eq(rxlog.n, n);
    ck_assert_uint_eq(rxlog.bad, 0);
    for (uint32_t i = 0; i < RLC_LOG_MAX; i++) ck_assert_uint_eq(rxlog.id[i], i);
    ck_assert_uint_eq(rx.rx_next, 3000);
    pair_free();
}
END_TEST

START_TEST(test_init_rejects_bad_configuration_and_queue_limits)
{
    struct rlc_am e;
    struct rlc_am_config c = cfg_default();
    ck_assert_int_eq(rlc_am_init(&e, &c, NULL, NULL), -EINVAL);
    struct rlc_am_config bad[6];
    for (int i = 0; i < 6; i++) bad[i] = c;
    bad[0].sn_bits = 16;
    bad[1].max_retx_threshold = 5;
    bad[2].t_poll_retransmit_ms = 0;
    bad[3].max_sdu_bytes = 70000;
    bad[4].tx_sdus = 0;
    bad[5].t_reassembly_ms = 201;
    for (int i = 0; i < 6; i++) ck_assert_int_eq(rlc_am_init(&e, &bad[i], rlc_log_deliver, &rxlog), -EINVAL);
    c.tx_sdus = 2;
    pair_init(&c);
    uint8_t sdu[9100] = {0};
    ck_assert_int_eq(rlc_am_write_sdu(&tx, sdu, 0), -EINVAL);
    ck_assert_int_eq(rlc_am_write_sdu(&tx, sdu, 9008), -EMSGSIZE);
    ck_assert_int_eq(rlc_am_write_sdu(&tx, sdu, 9007), 0);
    ck_assert_int_eq(rlc_am_write_sdu(&tx, sdu, 10), 0);
    ck_assert_int_eq(rlc_am_write_sdu(&tx, sdu, 10), -ENOBUFS);
    ck_assert_uint_eq(tx.cnt.sdus_dropped_full, 2);
    ck_assert_uint_eq(tx.cnt.sdus_in, 2);
    ck_assert_uint_eq(rlc_am_tx_pending(&tx), 9007 + 10 + 2 * 4);
    pair_free();
}
END_TEST

/* Wireshark's rlc-nr dissector (UDP framing "rlc-nr", heuristic rlc_nr_udp) reads an AMD segment and a STATUS PDU
 * we build. */
START_TEST(test_tshark_reads_our_pdus)
{
    struct rlc_am_config c = cfg_default();
    pair_init(&c);
    write_sdus(&tx, 0, 2, 300);
    ck_assert_int_eq(rlc_am_pull_pdu(&tx, buf, 302, 0), 302);
    int n = rlc_am_pull_pdu(&tx, buf, 104, 0); /* SN 1, first segment ... */
    ck_assert_int_eq(n, 104);
    n = rlc_am_pull_pdu(&tx, buf, 104, 0);     /* ... middle segment, SO 102 */
    uint8_t frames[2][400];
    size_t lens[2];
    const uint8_t ctx[] = {'r', 'l', 'c', '-', 'n', 'r', 4, 12, 0x02, 1, 0x04, 4, 0x05, 1, 0x01};
    memcpy(frames[0], ctx, sizeof ctx);
    memcpy(frames[0] + sizeof ctx, buf, (size_t)n);
    lens[0] = sizeof ctx + (size_t)n;
    /* a STATUS from the receiving entity: SNs 0 and 2 received, t-Reassembly expired -> ACK_SN 3, NACK_SN 1 */
    uint8_t p[300];
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 0, 0, 20, 0, 20, false), 0), 0);
    ck_assert_int_eq(rlc_am_push_pdu(&rx, p, amd(p, 12, 2, 2, 20, 0, 20, false), 0), 0);
    int sl = rx_status(35, 100);
    ck_assert_int_eq(sl, 5);
    memcpy(frames[1], ctx, sizeof ctx);
    memcpy(frames[1] + sizeof ctx, buf, (size_t)sl);
    lens[1] = sizeof ctx + (size_t)sl;

    /* text2pcap puts a UDP header around each frame; the heuristic dissector finds "rlc-nr" */
    char dir[] = "/tmp/gnbd-rlc.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64], cmd[768], line[512];
    snprintf(path, sizeof path, "%s/in.txt", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < lens[k]; i++) {
            if (i % 16 == 0) fprintf(f, "%s%06zx", i ? "\n" : "", i);
            fprintf(f, " %02x", frames[k][i]);
        }
        fprintf(f, "\n\n");
    }
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "cd %s && text2pcap -q -u 1000,9999 in.txt in.pcap >/dev/null 2>&1 && "
             "tshark -r in.pcap --enable-heuristic rlc_nr_udp -T fields -E separator='|' -E occurrence=a "
             "-e rlc-nr.am.sn -e rlc-nr.am.si -e rlc-nr.am.so -e rlc-nr.am.p -e rlc-nr.am.ack-sn "
             "-e rlc-nr.am.nack-sn -e rlc-nr.am.so-start -e rlc-nr.am.so-end -e rlc-nr.am.nack-range "
             "-e _ws.malformed -e _ws.expert.severity 2>/dev/null",
             dir);
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
    } else {
        FILE *pp = popen(cmd, "r");
        ck_assert_ptr_nonnull(pp);
        char got[2][512] = {"", ""};
        for (int i = 0; i < 2 && fgets(line, sizeof line, pp); i++) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(got[i], sizeof got[i], "%s", line);
        }
        pclose(pp);
        ck_assert_str_eq(got[0], "1|0x03|102|0|||||||"); /* SN 1, SI 11 (middle), SO 102, P 0 */
        /* ACK_SN 3, NACK_SN 1; Wireshark raises a Sequence warning (0x600000) for every NACK it shows */
        ck_assert_str_eq(got[1], "||||3|1|||||6291456");
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    pair_free();
}
END_TEST

static Suite *rlc_am_suite(void)
{
    Suite *s = suite_create("rlc_am");
    TCase *hdr = tcase_create("pdu");
    tcase_add_test(hdr, test_amd_header_bytes_match_hand_built_examples);
    tcase_add_test(hdr, test_status_bytes_match_hand_built_examples);
    tcase_add_test(hdr, test_tshark_reads_our_pdus);
    suite_add_tcase(s, hdr);
    TCase *rxc = tcase_create("receive");
    tcase_add_test(rxc, test_status_sn_0_1_3_received_nacks_2_after_t_reassembly);
    tcase_add_test(rxc, test_status_poll_below_highest_status_answers_at_once);
    tcase_add_test(rxc, test_status_content_segments_ranges_and_truncation);
    tcase_add_test(rxc, test_t_status_prohibit_holds_one_status);
    tcase_add_test(rxc, test_t_reassembly_restarts_for_the_next_gap);
    tcase_add_test(rxc, test_rx_window_and_duplicates);
    tcase_add_test(rxc, test_malformed_data_pdus_are_counted_and_dropped);
    suite_add_tcase(s, rxc);
    TCase *txc = tcase_create("transmit");
    tcase_add_test(txc, test_poll_on_the_last_pdu_only);
    tcase_add_test(txc, test_t_poll_retransmit_fires_after_exactly_45_ms);
    tcase_add_test(txc, test_nack_retransmits_sdus_and_byte_ranges);
    tcase_add_test(txc, test_impossible_status_pdus_change_nothing);
    tcase_add_test(txc, test_max_retx_threshold_sets_the_failure_flag);
    tcase_add_test(txc, test_window_stall_polls_and_waits);
    tcase_add_test(txc, test_init_rejects_bad_configuration_and_queue_limits);
    suite_add_tcase(s, txc);
    TCase *link = tcase_create("link");
    tcase_set_timeout(link, 300);
    tcase_add_test(link, test_lossless_link_delivers_everything);
    tcase_add_test(link, test_segmentation_at_every_boundary);
    tcase_add_test(link, test_lossy_link_delivers_every_sdu_once_in_order);
    tcase_add_test(link, test_lossy_link_38322_delivery_every_sdu_once);
    tcase_add_test(link, test_sn_wraps_at_4096_with_losses);
    tcase_add_test(link, test_18_bit_sn_round_trip_and_wrap);
    suite_add_tcase(s, link);
    return s;
}

int main(void)
{
    return check_run(rlc_am_suite());
}
