/* Unit tests for the UE simulator's random-access and RRC-setup rules (tests/uesim/ue_mac, ue_rrc, compiled in),
 * against values worked by hand from the clauses, not produced by the code under test:
 *  - RA-RNTI (38.321 5.1.3): srsUE's 0x0f (index 0) and 0x39 (index 1), a short preamble in slot 19 at 30 kHz;
 *  - the RAR grant (38.213 Table 8.2-1) -> Msg3 (8.3, 38.214 6.1.2.1.1): PRBs from the RIV (the 14 bits'
 *    LSBs at N <= 180), k2 + Delta at 15 and 30 kHz, S/L from the SLIV; hopping refused;
 *  - SLIVs of both forms; T_A -> samples (38.213 4.2) with and without N_TA,offset;
 *  - the common PUCCH resource (38.213 9.2.1, Table 9.2.1-1 row 11) for CCE/PRI pairs; k1 of DCI 1_0;
 *  - Msg3's MAC PDU bytes (LCID 52, no L, padding) and Msg4's contention resolution verdicts;
 *  - DCI 0_0 unpacked from bits laid out by hand (38.212 7.3.1.1.1) and from gnbd's packer, padded and truncated
 *    to the DCI 1_0 size (7.3.1.0);
 *  - the short BSR index (Table 6.1.3.1-1);
 *  - timing advance (38.213 4.2): N_TA from the RAR and after Timing Advance Commands at 15 and 30 kHz, in
 *    samples, the k + 1 = 6 slots before a command applies, the TA Command CE (38.321 6.1.3.4) found in MAC PDUs
 *    laid out by hand and by gnbd's builder;
 *  - backoff (38.321 5.1.4, Table 7.2-1): PREAMBLE_BACKOFF from the BI, the uniform pick's bounds;
 *  - RRC: RRCSetupRequest and RRCSetupComplete read back by the codec's decoders; gnbd's RRCSetup (through the
 *    DL-CCCH encoder and decoder) applied: HARQ-ACK and SR resources, SR period/offset, k1 list, RLC. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "mac/mac_pdu.h"
#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/uesim/ue_mac.c"
#include "tests/uesim/ue_rrc.c"
#include "tests/unit/check_run.h"

START_TEST(ra_rnti_by_hand)
{
    ck_assert_int_eq(ue_mac_ra_rnti(0, 1, 0, 0), 0x0f);   /* format 0 in subframe 1 (srsUE, index 0) */
    ck_assert_int_eq(ue_mac_ra_rnti(0, 4, 0, 0), 0x39);   /* subframe 4 (index 1) */
    ck_assert_int_eq(ue_mac_ra_rnti(0, 19, 0, 0), 0x10b); /* B4 from symbol 0 of slot 19 at 30 kHz */
    ck_assert_int_eq(ue_mac_ra_rnti(2, 0, 1, 1), 1 + 2 + 1120 + 8960);
}
END_TEST

static struct rrc_tdra_list one_row(int k2, int s, int l)
{
    return (struct rrc_tdra_list){.n = 1, .e = {{.has_k = k2 >= 0, .k = k2, .start_symbol_and_length = rrc_sliv(s, l)}}};
}

START_TEST(rar_grant_to_msg3)
{
    /* hopping 0 | FDRA 112 = RIV(N 52, start 8, L 3) = 52 * 2 + 8 | TDRA 0 | MCS 2 | TPC 3 | CSI 0 */
    uint32_t grant = 112u << 12 | 0u << 8 | 2u << 4 | 3u << 1;
    struct ue_mac_rar_grant g;
    ue_mac_rar_grant_unpack(grant, &g);
    ck_assert_int_eq(g.hopping, 0);
    ck_assert_int_eq(g.fdra, 112);
    ck_assert_int_eq(g.tdra, 0);
    ck_assert_int_eq(g.mcs, 2);
    ck_assert_int_eq(g.tpc, 3);
    ck_assert_int_eq(g.csi, 0);
    struct rrc_tdra_list l = one_row(4, 0, 14);
    struct ue_mac_pusch m;
    ck_assert_int_eq(ue_mac_msg3(&g, 52, 15, &l, &m), 0);
    ck_assert_int_eq(m.slot_offset, 6);   /* k2 4 + Delta 2 */
    ck_assert_int_eq(m.prb_start, 8);
    ck_assert_int_eq(m.nof_prb, 3);
    ck_assert_int_eq(m.start_symbol, 0);
    ck_assert_int_eq(m.nof_symbols, 14);
    ck_assert_int_eq(m.mcs, 2);
    ck_assert_int_eq(ue_mac_msg3(&g, 52, 30, &l, &m), 0);
    ck_assert_int_eq(m.slot_offset, 7);   /* Delta 3 at 30 kHz */
    /* N = 52 keeps ceil(log2(1378)) = 11 LSBs: bits above them do not move the PRBs. */
    g.fdra = 1 << 13 | 112;
    ck_assert_int_eq(ue_mac_msg3(&g, 52, 15, &l, &m), 0);
    ck_assert_int_eq(m.prb_start, 8);
    /* k2 absent: j = 1 (38.214 Table 6.1.2.1.1-4); 25 PRB, L 25 from 0 (L - 1 > floor(N / 2)):
     * RIV = N (N - L + 1) + (N - 1 - start) = 25 + 24 */
    struct rrc_tdra_list nok = one_row(-1, 0, 14);
    g.fdra = 49;
    ck_assert_int_eq(ue_mac_msg3(&g, 25, 15, &nok, &m), 0);
    ck_assert_int_eq(m.slot_offset, 3);
    ck_assert_int_eq(m.prb_start, 0);
    ck_assert_int_eq(m.nof_prb, 25);
    /* N = 270 > 180: the 14 bits are the RIV. start 200, L 3: 270 * 2 + 200 = 740 */
    g.fdra = 740;
    ck_assert_int_eq(ue_mac_msg3(&g, 270, 15, &l, &m), 0);
    ck_assert_int_eq(m.prb_start, 200);
    ck_assert_int_eq(m.nof_prb, 3);
    g.hopping = 1;
    ck_assert_int_eq(ue_mac_msg3(&g, 52, 15, &l, &m), -EINVAL);
    g.hopping = 0;
    g.tdra = 1;   /* not in the list */
    ck_assert_int_eq(ue_mac_msg3(&g, 52, 15, &l, &m), -EINVAL);
}
END_TEST

START_TEST(sliv_and_ta)
{
    int s, l;
    ck_assert_int_eq(ue_mac_sliv(27, &s, &l), 0);   /* S 0 L 14: 14 (14 - 14 + 1) + 13 */
    ck_assert_int_eq(s, 0);
    ck_assert_int_eq(l, 14);
    ck_assert_int_eq(ue_mac_sliv(40, &s, &l), 0);   /* S 1 L 13: 14 * 2 + 12 */
    ck_assert_int_eq(s, 1);
    ck_assert_int_eq(l, 13);
    ck_assert_int_eq(ue_mac_sliv(42, &s, &l), 0);   /* S 0 L 4: 14 * 3 + 0 */
    ck_assert_int_eq(s, 0);
    ck_assert_int_eq(l, 4);
    ck_assert_int_eq(ue_mac_sliv(128, &s, &l), -EINVAL);
    /* T_A 1 at 15 kHz: 1024 Tc = 0.52 us = 6 samples at 11.52 MHz; T_A 2 at 30 kHz: 1024 Tc = 12 at 23.04 MHz */
    ck_assert_int_eq(ue_mac_ta_samples(1, 0, 15, 11.52e6), 6);
    ck_assert_int_eq(ue_mac_ta_samples(2, 0, 30, 23.04e6), 12);
    ck_assert_int_eq(ue_mac_ta_samples(0, -1, 15, 11.52e6), 150);   /* N_TA,offset 25600 Tc = 13.02 us */
    ck_assert_int_eq(ue_mac_ta_samples(0, 0, 15, 11.52e6), 0);
}
END_TEST

START_TEST(common_pucch_and_k1)
{
    struct pucch_resource r;
    /* Row 11: format 1, symbols 0..13, RB offset 0, N_CS 2 with {0, 6}. CORESET#0 of 48 RB x 1 symbol = 8 CCEs. */
    ck_assert_int_eq(ue_mac_pucch_common(11, 0, 8, 0, 52, &r), 0);
    ck_assert_int_eq(r.format, PUCCH_FORMAT_1);
    ck_assert_int_eq(r.start_prb, 0);
    ck_assert_int_eq(r.second_hop_prb, 51);
    ck_assert_int_eq(r.start_symbol, 0);
    ck_assert_int_eq(r.nof_symbols, 14);
    ck_assert_int_eq(r.initial_cs, 0);
    ck_assert_int_eq(ue_mac_pucch_common(11, 4, 8, 0, 52, &r), 1);   /* floor(2 * 4 / 8) = 1: CS index 1 */
    ck_assert_int_eq(r.start_prb, 0);
    ck_assert_int_eq(r.initial_cs, 6);
    ck_assert_int_eq(ue_mac_pucch_common(11, 0, 8, 1, 52, &r), 2);   /* 2 Delta_PRI: RB floor(2 / 2) = 1 */
    ck_assert_int_eq(r.start_prb, 1);
    ck_assert_int_eq(r.second_hop_prb, 50);
    ck_assert_int_eq(ue_mac_pucch_common(11, 0, 8, 4, 52, &r), 8);   /* r >= 8: first hop at the top */
    ck_assert_int_eq(r.start_prb, 51);
    ck_assert_int_eq(r.second_hop_prb, 0);
    ck_assert_int_eq(ue_mac_pucch_common(11, 8, 8, 0, 52, &r), -EINVAL);
    ck_assert_int_eq(ue_mac_k1_dci_1_0(3), 4);   /* {1, ..., 8}[3] */
    ck_assert_int_eq(ue_mac_k1_dci_1_0(0), 1);
    ck_assert_int_eq(ue_mac_k1_dci_1_0(7), 8);
}
END_TEST

START_TEST(msg3_and_msg4_pdus)
{
    const uint8_t id[6] = {0x13, 0x1d, 0xc7, 0x7a, 0x6f, 0x46};
    uint8_t tb[18];
    ck_assert_int_eq(ue_mac_msg3_pdu(id, tb, sizeof tb), 0);
    const uint8_t want[18] = {0x34, 0x13, 0x1d, 0xc7, 0x7a, 0x6f, 0x46, 0x3f};   /* R/LCID 52, SDU, R/LCID 63 */
    ck_assert_mem_eq(tb, want, sizeof want);
    ck_assert_int_eq(ue_mac_msg3_pdu(id, tb, 6), -ENOSPC);
    /* Msg4: CE (R/LCID 62 + 6 bytes), DL-CCCH SDU (R/F/LCID 0, L 3), padding */
    uint8_t m4[16] = {0x3e, 0x13, 0x1d, 0xc7, 0x7a, 0x6f, 0x46, 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x3f};
    const uint8_t *sdu;
    size_t n;
    ck_assert_int_eq(ue_mac_msg4(m4, sizeof m4, id, &sdu, &n), UE_MAC_CONRES_MATCH);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(sdu[0], 0xaa);
    m4[6] ^= 1;   /* what gnbd's test.msg4_con_res_fault does */
    ck_assert_int_eq(ue_mac_msg4(m4, sizeof m4, id, &sdu, &n), UE_MAC_CONRES_MISMATCH);
    uint8_t no_ce[8] = {0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x3f};
    ck_assert_int_eq(ue_mac_msg4(no_ce, sizeof no_ce, id, &sdu, &n), UE_MAC_CONRES_NONE);
    uint8_t bad[3] = {0x00, 0x09, 0xaa};   /* L runs past the end */
    ck_assert_int_eq(ue_mac_msg4(bad, sizeof bad, id, &sdu, &n), -EBADMSG);
}
END_TEST

static void put(uint8_t *bits, int *pos, uint32_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) bits[(*pos)++] = (uint8_t)((v >> i) & 1u);
}

START_TEST(dci_0_0_by_hand_and_against_gnbd)
{
    /* N_UL 52: FDRA 11 bits; 0_0 = 1 + 11 + 4 + 1 + 5 + 1 + 2 + 4 + 2 = 31 bits, padded to 1_0's 39 (CORESET#0 of
     * 48 RB: 28 + 11). */
    uint8_t bits[64] = {0};
    int pos = 0;
    put(bits, &pos, 0, 1);
    put(bits, &pos, 524, 11);   /* RIV(52, 4, 11) = 52 * 10 + 4 */
    put(bits, &pos, 0, 4);
    put(bits, &pos, 0, 1);
    put(bits, &pos, 4, 5);
    put(bits, &pos, 1, 1);
    put(bits, &pos, 2, 2);
    put(bits, &pos, 5, 4);
    put(bits, &pos, 1, 2);
    struct dci_0_0 d;
    ck_assert_int_eq(dci_0_0_unpack(bits, 39, 52, &d), 0);
    ck_assert_uint_eq(d.frequency_domain_assignment, 524);
    ck_assert_uint_eq(d.mcs, 4);
    ck_assert_uint_eq(d.ndi, 1);
    ck_assert_uint_eq(d.rv, 2);
    ck_assert_uint_eq(d.harq_process, 5);
    ck_assert_uint_eq(d.tpc, 1);
    struct rrc_tdra_list l = one_row(4, 0, 14);
    struct ue_mac_pusch m;
    ck_assert_int_eq(ue_mac_dci_0_0_pusch(&d, 52, 15, &l, &m), 0);
    ck_assert_int_eq(m.slot_offset, 4);   /* k2 alone */
    ck_assert_int_eq(m.prb_start, 4);
    ck_assert_int_eq(m.nof_prb, 11);
    bits[0] = 1;
    ck_assert_int_eq(dci_0_0_unpack(bits, 39, 52, &d), -EBADMSG);   /* a DCI 1_0 */
    /* gnbd's packer, padded (106 PRB UL in a 1_0 of 39 bits) and truncated (275 PRB UL into 28 + 6 = 34 bits) */
    struct dci_0_0 in = {.frequency_domain_assignment = (uint32_t)dci_riv_encode(106, 8, 12), .mcs = 4, .ndi = 1,
                         .harq_process = 0, .tpc = 1};
    ck_assert_int_eq(dci_0_0_pack(&in, 106, 39, bits, 64), 39);
    ck_assert_int_eq(dci_0_0_unpack(bits, 39, 106, &d), 0);
    ck_assert_uint_eq(d.frequency_domain_assignment, in.frequency_domain_assignment);
    ck_assert_uint_eq(d.ndi, 1);
    ck_assert_uint_eq(d.tpc, 1);
    in.frequency_domain_assignment = (uint32_t)dci_riv_encode(275, 0, 3);   /* small RIV: no MSB lost */
    ck_assert_int_eq(dci_0_0_pack(&in, 275, 34, bits, 64), 34);
    ck_assert_int_eq(dci_0_0_unpack(bits, 34, 275, &d), 0);
    ck_assert_uint_eq(d.frequency_domain_assignment, in.frequency_domain_assignment);
    ck_assert_uint_eq(d.mcs, 4);
}
END_TEST

START_TEST(short_bsr_levels)
{
    ck_assert_uint_eq(ue_mac_short_bsr(0, 0), 0);
    ck_assert_uint_eq(ue_mac_short_bsr(0, 10), 1);
    ck_assert_uint_eq(ue_mac_short_bsr(0, 11), 2);
    ck_assert_uint_eq(ue_mac_short_bsr(0, 161), 10);   /* 142 < 161 <= 198 */
    ck_assert_uint_eq(ue_mac_short_bsr(0, 150000), 30);
    ck_assert_uint_eq(ue_mac_short_bsr(0, 150001), 31);
    ck_assert_uint_eq(ue_mac_short_bsr(3, 0), 3 << 5);
}
END_TEST

START_TEST(timing_advance_commands)
{
    /* 38.213 4.2: T_A 16 64 / 2^mu Tc; a command moves N_TA by (T_A - 31) 16 64 / 2^mu */
    ck_assert_int_eq(ue_mac_n_ta_rar(1, 15), 1024);
    ck_assert_int_eq(ue_mac_n_ta_rar(3, 30), 1536);
    ck_assert_int_eq(ue_mac_n_ta_command(1024, 33, 15), 3072);
    ck_assert_int_eq(ue_mac_n_ta_command(1024, 31, 15), 1024);
    ck_assert_int_eq(ue_mac_n_ta_command(1536, 30, 30), 1024);
    ck_assert_int_eq(ue_mac_n_ta_command(0, 0, 15), -31 * 1024);
    /* 1024 Tc at 11.52 MHz = 1024 x 11.52e6 / 1.96608e9 = 6 samples; N_TA,offset absent = 25600 Tc = 150 */
    ck_assert_int_eq(ue_mac_n_ta_samples(1024, 0, 11.52e6), 6);
    ck_assert_int_eq(ue_mac_n_ta_samples(1024, -1, 11.52e6), 156);
    ck_assert_int_eq(ue_mac_n_ta_samples(3072, 0, 23.04e6), 36);
    ck_assert_int_eq(ue_mac_ta_samples(2, 0, 15, 11.52e6), 12);
    /* k = ceil(2^mu (N_T,1 + N_T,2 + N_TA,max + 0.5 ms)): mu 0: 23/14 + 2.003 + 0.5 = 4.15 -> 5;
     * mu 1: 2 (25/28 + 1.0016 + 0.5) = 4.79 -> 5; applied from n + k + 1 */
    ck_assert_int_eq(ue_mac_ta_command_delay_slots(15), 6);
    ck_assert_int_eq(ue_mac_ta_command_delay_slots(30), 6);
    /* 38.321 6.1.3.4: R/LCID 61 subheader, then TAG ID (2 bits) | T_A (6 bits) */
    int t_a = -1, tag = -1;
    const uint8_t by_hand[] = {61, 0x21, 63, 0, 0};
    ck_assert_int_eq(ue_mac_ta_command(by_hand, sizeof by_hand, &t_a, &tag), 1);
    ck_assert_int_eq(t_a, 33);
    ck_assert_int_eq(tag, 0);
    const uint8_t tag1[] = {61, 0x40 | 30};
    ck_assert_int_eq(ue_mac_ta_command(tag1, sizeof tag1, &t_a, &tag), 1);
    ck_assert_int_eq(t_a, 30);
    ck_assert_int_eq(tag, 1);
    uint8_t pdu[32], sdu[5] = {1, 2, 3, 4, 5};
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, pdu, sizeof pdu);
    ck_assert_int_eq(mac_pdu_add_ta_command(&b, 0, 29), 0);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, 1, sdu, sizeof sdu), 0);
    mac_pdu_finish(&b);
    ck_assert_int_eq(ue_mac_ta_command(pdu, sizeof pdu, &t_a, &tag), 1);
    ck_assert_int_eq(t_a, 29);
    ck_assert_int_eq(tag, 0);
    mac_pdu_builder_init(&b, MAC_DIR_DL, pdu, sizeof pdu);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, 1, sdu, sizeof sdu), 0);
    mac_pdu_finish(&b);
    ck_assert_int_eq(ue_mac_ta_command(pdu, sizeof pdu, &t_a, &tag), 0);
    const uint8_t bad[] = {1, 200, 7};   /* an SDU whose L runs past the end */
    ck_assert_int_eq(ue_mac_ta_command(bad, sizeof bad, &t_a, &tag), -EBADMSG);
}
END_TEST

START_TEST(backoff)
{
    ck_assert_int_eq(ue_mac_preamble_backoff_ms(false, 5), 0);
    ck_assert_int_eq(ue_mac_preamble_backoff_ms(true, 0), 5);
    ck_assert_int_eq(ue_mac_preamble_backoff_ms(true, 5), 60);    /* gnbd's RA_BACKOFF_INDEX */
    ck_assert_int_eq(ue_mac_preamble_backoff_ms(true, 13), 1920);
    ck_assert_int_eq(ue_mac_preamble_backoff_ms(true, 15), 1920); /* reserved: the largest */
    ck_assert_int_eq(ue_mac_backoff_pick_ms(0, 12345), 0);
    ck_assert_int_eq(ue_mac_backoff_pick_ms(60, 60), 60);
    ck_assert_int_eq(ue_mac_backoff_pick_ms(60, 61), 0);
    int lo = 1000, hi = -1;
    uint32_t x = 1;
    for (int i = 0; i < 2000; i++) {
        x = x * 1103515245u + 12345u;
        int v = ue_mac_backoff_pick_ms(60, (x >> 8) & 0xffffff);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 60);
}
END_TEST

START_TEST(rrc_messages)
{
    uint8_t req[6];
    struct rrc_ul_ccch_msg m;
    ck_assert_int_eq(ue_rrc_setup_request(0x18ee3bd37aULL, req), 0);
    ck_assert_int_eq(rrc_ul_ccch_decode(req, sizeof req, &m), 0);
    ck_assert_int_eq(m.type, RRC_UL_CCCH_SETUP_REQUEST);
    ck_assert(!m.setup_request.ue_identity_is_tmsi_part1);
    ck_assert_uint_eq(m.setup_request.ue_identity, 0x18ee3bd37aULL);
    ck_assert_int_eq(m.setup_request.establishment_cause, RRC_CAUSE_MO_SIGNALLING);
    uint8_t nas[40], buf[128];
    for (int i = 0; i < 40; i++) nas[i] = (uint8_t)(i * 3);
    size_t n = 0;
    ck_assert_int_eq(ue_rrc_setup_complete(2, nas, sizeof nas, buf, sizeof buf, &n), 0);
    static struct rrc_ul_dcch_msg u;
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, n, &u), 0);
    ck_assert_int_eq(u.c1, RRC_UL_DCCH_SETUP_COMPLETE);
    ck_assert_int_eq(u.setup_complete.transaction_id, 2);
    ck_assert_int_eq(u.setup_complete.selected_plmn_identity, 1);
    ck_assert_uint_eq(u.setup_complete.dedicated_nas_len, 40);
    ck_assert_mem_eq(u.setup_complete.dedicated_nas, nas, 40);
}
END_TEST

START_TEST(rrc_setup_applied)
{
    static struct rrc_dl_ccch_msg msg, back;
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    d.nof_prb = 52;
    d.ue = (struct rrc_setup_ue_pucch){.f1_prb = 49, .f1_cs = 3, .ack_occ = {1, 4}, .sr_occ = 5, .f2_prb = 47,
                                       .f2_symbol = 10, .sr_offset = 8};
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &msg), 0);
    uint8_t buf[1024];
    size_t n = 0;
    ck_assert_int_eq(rrc_dl_ccch_encode(&msg, buf, sizeof buf, &n), 0);
    ck_assert_int_eq(rrc_dl_ccch_decode(buf, n, &back), 0);
    ck_assert_int_eq(back.type, RRC_DL_CCCH_SETUP);
    struct ue_rrc_config c;
    char why[128];
    ck_assert_int_eq(ue_rrc_apply_cell_group(&back.setup.master_cell_group, 1, 52, &c, why, sizeof why), 0);
    /* rrc_setup_builder.h: F1 resources 0 and 1 (set 0) and 2 (SR) on the UE's PRB and cyclic shift, told apart
     * by OCC; dl-DataToUL-ACK {1..8}; SRB1 on LCID 1 with the 38.331 9.2.1 values. */
    ck_assert_int_eq(c.srb1_lcid, 1);
    ck_assert_int_eq(c.nof_harq_res, 2);
    ck_assert_int_eq(c.harq_res[0].start_prb, 49);
    ck_assert_int_eq(c.harq_res[0].initial_cs, 3);
    ck_assert_int_eq(c.harq_res[0].time_domain_occ, 1);
    ck_assert_int_eq(c.harq_res[1].time_domain_occ, 4);
    ck_assert_int_eq(c.harq_res[0].nof_symbols, 14);
    ck_assert(c.has_sr);
    ck_assert_int_eq(c.sr_period, 10);
    ck_assert_int_eq(c.sr_offset, 8);
    ck_assert_int_eq(c.sr_res.start_prb, 49);
    ck_assert_int_eq(c.sr_res.initial_cs, 3);
    ck_assert_int_eq(c.sr_res.time_domain_occ, 5);
    ck_assert_int_eq(c.nof_k1, 8);
    ck_assert_int_eq(c.k1[3], 4);
    ck_assert_int_eq(c.rlc.sn_bits, 12);
    ck_assert_int_eq(c.rlc.t_poll_retransmit_ms, 45);
    ck_assert_int_eq(c.rlc.t_reassembly_ms, 35);
    ck_assert(c.has_pusch_tdra);
    ck_assert_int_eq(c.pusch_tdra.e[0].k, d.pusch_k2);
    /* DCI 0_1/1_1 only in SS#2 on CORESET#1: 1_1 41 bits, 0_1 35 bits at 52 PRB, no
     * mcs-Table yet (qam64: qam256 comes with the DRB's RRCReconfiguration for a UE that supports it) */
    ck_assert(c.has_dci_1_1 && !c.qam256 && !c.uss_fallback);
    ck_assert_int_eq(c.uss11_id, 2);
    ck_assert_int_eq(c.uss_id, 2);
    ck_assert_mem_eq(c.uss11_cand, c.uss_cand, sizeof c.uss_cand);
    ck_assert_int_eq(dci_1_1_size(&c.dci_1_1), 41);
    ck_assert_int_eq(dci_0_1_size(&c.dci_0_1), 35);
    /* mac.dl_256qam = false: DCI 1_1 still, without qam256 */
    d.dl_256qam = false;
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &msg), 0);
    struct ue_rrc_config c2;
    ck_assert_int_eq(ue_rrc_apply_cell_group(&msg.setup.master_cell_group, 1, 52, &c2, why, sizeof why), 0);
    ck_assert(c2.has_dci_1_1 && !c2.qam256);
    /* Without the SRB1 bearer the configuration cannot be used. */
    back.setup.master_cell_group.nof_rlc_bearers = 0;
    ck_assert_int_eq(ue_rrc_apply_cell_group(&back.setup.master_cell_group, 1, 52, &c, why, sizeof why), -EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uesim_attach");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ra_rnti_by_hand);
    tcase_add_test(tc, rar_grant_to_msg3);
    tcase_add_test(tc, sliv_and_ta);
    tcase_add_test(tc, common_pucch_and_k1);
    tcase_add_test(tc, msg3_and_msg4_pdus);
    tcase_add_test(tc, dci_0_0_by_hand_and_against_gnbd);
    tcase_add_test(tc, short_bsr_levels);
    tcase_add_test(tc, timing_advance_commands);
    tcase_add_test(tc, backoff);
    tcase_add_test(tc, rrc_messages);
    tcase_add_test(tc, rrc_setup_applied);
    suite_add_tcase(s, tc);
    return check_run(s);
}
