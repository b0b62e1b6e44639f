/* Unit tests for rlc/rlc_um (38.322 5.2.2, 6.2.2.3): UMD header bytes against hand-built examples (complete SDU
 * without SN, 6- and 12-bit SN, SO), segmentation and reassembly over grants cut at every size, the 6-bit SN
 * wrap, t-Reassembly giving up on an SDU with a lost segment after exactly t-Reassembly, the reassembly window
 * moving past an incomplete SDU, and malformed PDUs counted and dropped. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "rlc/rlc_pdu.h"
#include "rlc/rlc_um.h"
#include "tests/unit/check_run.h"
#include "tests/unit/rlc_test_util.h"

static struct rlc_um tx, rx;
static struct rlc_log rxlog, txlog;
static uint8_t buf[2000];

static void pair_init(int sn_bits, int t_reassembly_ms)
{
    struct rlc_um_config c = {.sn_bits = sn_bits, .t_reassembly_ms = t_reassembly_ms, .tx_sdus = 64,
                              .tx_bytes = 1 << 16, .rx_slots = 8, .max_sdu_bytes = 9000};
    memset(&rxlog, 0, sizeof rxlog);
    ck_assert_int_eq(rlc_um_init(&tx, &c, rlc_log_deliver, &txlog), 0);
    ck_assert_int_eq(rlc_um_init(&rx, &c, rlc_log_deliver, &rxlog), 0);
}

static void pair_free(void)
{
    rlc_um_free(&tx);
    rlc_um_free(&rx);
}

static void write_sdu(uint32_t i, size_t len)
{
    uint8_t sdu[9000];
    ck_assert_int_eq(rlc_um_write_sdu(&tx, sdu, rlc_test_sdu(i, len, sdu)), 0);
}

START_TEST(test_umd_header_bytes_match_hand_built_examples)
{
    uint8_t b[8];
    struct rlc_data_hdr h = {.si = RLC_SI_FULL, .sn = 0};
    ck_assert_int_eq(rlc_umd_hdr_write(b, sizeof b, 6, &h), 1);
    ck_assert_int_eq(b[0], 0x00); /* SI=00, R x6: no SN */
    h = (struct rlc_data_hdr){.si = RLC_SI_FIRST, .sn = 0x2A};
    ck_assert_int_eq(rlc_umd_hdr_write(b, sizeof b, 6, &h), 1);
    ck_assert_int_eq(b[0], 0x6A); /* 01 101010 */
    h = (struct rlc_data_hdr){.si = RLC_SI_MIDDLE, .sn = 0x05, .so = 0x0203};
    ck_assert_int_eq(rlc_umd_hdr_write(b, sizeof b, 6, &h), 3);
    ck_assert_mem_eq(b, ((uint8_t[]){0xC5, 0x02, 0x03}), 3);
    h = (struct rlc_data_hdr){.si = RLC_SI_LAST, .sn = 0xABC, .so = 7};
    ck_assert_int_eq(rlc_umd_hdr_write(b, sizeof b, 12, &h), 4);
    ck_assert_mem_eq(b, ((uint8_t[]){0x8A, 0xBC, 0x00, 0x07}), 4); /* 10 RR 1010 | 1011 1100 | SO */
    h.sn = 64;
    ck_assert_int_eq(rlc_umd_hdr_write(b, sizeof b, 6, &h), -EINVAL);

    struct rlc_data_hdr r;
    bool res;
    const uint8_t p12[] = {0xBA, 0xBC, 0x00, 0x07, 0x55}; /* R bits set */
    ck_assert_int_eq(rlc_umd_hdr_read(p12, sizeof p12, 12, &r, &res), 4);
    ck_assert(res && r.si == RLC_SI_LAST && r.sn == 0xABC && r.so == 7);
    ck_assert_int_eq(rlc_umd_hdr_read(p12, 4, 12, &r, &res), -EBADMSG);
    const uint8_t full[] = {0x00, 0x11};
    ck_assert_int_eq(rlc_umd_hdr_read(full, 2, 6, &r, &res), 1);
    ck_assert(!res && r.si == RLC_SI_FULL);
}
END_TEST

START_TEST(test_complete_sdus_carry_no_sn)
{
    pair_init(6, 35);
    write_sdu(1, 20);
    ck_assert_int_eq(rlc_um_pull_pdu(&tx, buf, 21), 21);
    ck_assert_int_eq(buf[0], 0x00);
    ck_assert_uint_eq(tx.tx_next, 0); /* TX_Next counts segmented SDUs only */
    ck_assert_int_eq(rlc_um_push_pdu(&rx, buf, 21, 0), 0);
    ck_assert_uint_eq(rxlog.n, 1);
    ck_assert_uint_eq(rxlog.bad, 0);
    pair_free();
}
END_TEST

START_TEST(test_segmentation_at_every_grant_and_6_bit_wrap)
{
    pair_init(6, 35);
    uint32_t n = 0;
    int64_t t = 0;
    for (size_t grant = 2; grant < 90; grant++) {
        write_sdu(n++, 0);
        int m;
        while ((m = rlc_um_pull_pdu(&tx, buf, grant)) > 0) {
            ck_assert_int_le(m, (int)grant);
            ck_assert_int_eq(rlc_um_push_pdu(&rx, buf, (size_t)m, t), 0);
        }
        t++;
    }
    ck_assert_uint_gt(tx.tx_next + 64, 64); /* wrapped at least once: 88 SDUs, most segmented */
    ck_assert_uint_eq(rxlog.n, n);
    ck_assert_uint_eq(rxlog.bad, 0);
    for (uint32_t i = 0; i < n; i++) ck_assert_uint_eq(rxlog.id[i], i);
    ck_assert_uint_eq(rx.cnt.sdus_lost + rx.cnt.malformed_dropped + rx.cnt.pdus_discarded, 0);
    ck_assert(!rx.t_reassembly.running);
    pair_free();
}
END_TEST

START_TEST(test_t_reassembly_drops_an_sdu_with_a_lost_segment)
{
    pair_init(12, 35);
    write_sdu(0, 100); /* SN 0: three segments, the middle one lost */
    write_sdu(1, 100); /* SN 1: whole */
    int m = rlc_um_pull_pdu(&tx, buf, 42);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, buf, (size_t)m, 0), 0);
    rlc_um_pull_pdu(&tx, buf, 44); /* lost */
    m = rlc_um_pull_pdu(&tx, buf, 44);
    ck_assert_int_eq(m, 4 + 20);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, buf, (size_t)m, 10), 0);
    /* the last segment at t=10 reveals a gap before the last received byte: t-Reassembly starts then
     * (RX_Next_Highest = RX_Next_Reassembly + 1 with a missing segment), RX_Timer_Trigger = 1 */
    ck_assert(rx.t_reassembly.running);
    ck_assert_uint_eq(rx.rx_timer_trigger, 1);
    rlc_um_tick(&rx, 44);
    ck_assert_uint_eq(rx.cnt.sdus_lost, 0);
    rlc_um_tick(&rx, 45);
    ck_assert_uint_eq(rx.cnt.sdus_lost, 1);
    ck_assert_uint_eq(rx.rx_next_reassembly, 1);
    ck_assert(!rx.t_reassembly.running);
    m = rlc_um_pull_pdu(&tx, buf, 200);
    ck_assert_int_eq(m, 101);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, buf, (size_t)m, 40), 0);
    ck_assert_uint_eq(rxlog.n, 1);
    ck_assert_uint_eq(rxlog.id[0], 1);
    ck_assert_uint_eq(rxlog.bad, 0);
    pair_free();
}
END_TEST

START_TEST(test_window_moves_past_an_incomplete_sdu)
{
    pair_init(6, 35);
    uint8_t p[64];
    uint8_t sdu[64];
    rlc_test_sdu(9, 40, sdu);
    /* first segment of SN 3 */
    struct rlc_data_hdr h = {.si = RLC_SI_FIRST, .sn = 3};
    int hl = rlc_umd_hdr_write(p, sizeof p, 6, &h);
    memcpy(p + hl, sdu, 10);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, p, (size_t)hl + 10, 0), 0);
    ck_assert_uint_eq(rx.rx_next_highest, 4);
    /* a segment of SN 3 + 32 = 35: the window (32) moves to 4..35, SN 3 falls out and is discarded */
    h = (struct rlc_data_hdr){.si = RLC_SI_FIRST, .sn = 35};
    hl = rlc_umd_hdr_write(p, sizeof p, 6, &h);
    memcpy(p + hl, sdu, 10);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, p, (size_t)hl + 10, 1), 0);
    ck_assert_uint_eq(rx.rx_next_highest, 36);
    ck_assert_uint_eq(rx.cnt.sdus_lost, 1);
    ck_assert_uint_eq(rx.rx_next_reassembly, 4);
    /* SN 35 completes */
    h = (struct rlc_data_hdr){.si = RLC_SI_LAST, .sn = 35, .so = 10};
    hl = rlc_umd_hdr_write(p, sizeof p, 6, &h);
    memcpy(p + hl, sdu + 10, 30);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, p, (size_t)hl + 30, 3), 0);
    ck_assert_uint_eq(rxlog.n, 1);
    ck_assert_uint_eq(rxlog.bad, 0);
    /* SNs 4..34 never came: RX_Next_Reassembly stays 4 until t-Reassembly (started at 1, trigger 36) expires */
    ck_assert_uint_eq(rx.rx_next_reassembly, 4);
    ck_assert_uint_eq(rx.rx_timer_trigger, 36);
    rlc_um_tick(&rx, 35);
    ck_assert_uint_eq(rx.rx_next_reassembly, 4);
    rlc_um_tick(&rx, 36);
    ck_assert_uint_eq(rx.rx_next_reassembly, 36);
    /* a copy of that segment now lies in [RX_Next_Highest - UM_Window_Size, RX_Next_Reassembly): discarded */
    ck_assert_int_eq(rlc_um_push_pdu(&rx, p, (size_t)hl + 30, 40), 0);
    ck_assert_uint_eq(rx.cnt.pdus_discarded, 1);
    ck_assert_uint_eq(rxlog.n, 1);
    pair_free();
}
END_TEST

START_TEST(test_malformed_pdus_are_counted_and_dropped)
{
    pair_init(12, 35);
    ck_assert_int_eq(rlc_um_push_pdu(&rx, buf, 0, 0), -EBADMSG);
    const uint8_t hdr_only[] = {0x40, 0x01};
    ck_assert_int_eq(rlc_um_push_pdu(&rx, hdr_only, 2, 0), -EBADMSG);
    const uint8_t far[] = {0xC0, 0x01, 0xFF, 0x00, 0x55};
    ck_assert_int_eq(rlc_um_push_pdu(&rx, far, sizeof far, 0), -EBADMSG);
    const uint8_t first[] = {0x40, 0x02, 1, 2, 3, 4, 5, 6, 7, 8};
    ck_assert_int_eq(rlc_um_push_pdu(&rx, first, sizeof first, 0), 0);
    const uint8_t early_end[] = {0x80, 0x02, 0x00, 0x02, 9}; /* ends at 3, bytes up to 8 received */
    ck_assert_int_eq(rlc_um_push_pdu(&rx, early_end, sizeof early_end, 0), -EBADMSG);
    ck_assert_uint_eq(rx.cnt.malformed_dropped, 4);
    struct rlc_um e;
    struct rlc_um_config c = {.sn_bits = 5, .tx_sdus = 1, .tx_bytes = 1, .rx_slots = 1, .max_sdu_bytes = 1};
    ck_assert_int_eq(rlc_um_init(&e, &c, rlc_log_deliver, &rxlog), -EINVAL);
    pair_free();
}
END_TEST

static Suite *rlc_um_suite(void)
{
    Suite *s = suite_create("rlc_um");
    TCase *tc = tcase_create("um");
    tcase_add_test(tc, test_umd_header_bytes_match_hand_built_examples);
    tcase_add_test(tc, test_complete_sdus_carry_no_sn);
    tcase_add_test(tc, test_segmentation_at_every_grant_and_6_bit_wrap);
    tcase_add_test(tc, test_t_reassembly_drops_an_sdu_with_a_lost_segment);
    tcase_add_test(tc, test_window_moves_past_an_incomplete_sdu);
    tcase_add_test(tc, test_malformed_pdus_are_counted_and_dropped);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(rlc_um_suite());
}
