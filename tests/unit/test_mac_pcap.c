/* MAC-NR pcap (mac/mac_pcap.h) read back by Wireshark, and through it an independent reading of the MAC PDUs
 * (mac_pdu, mac_rar) and the SRB1 PDCP PDU (pdcp_srb): the capture holds the random access and RRC setup as
 * gnbd and srsUE exchange them -
 *   RAR on RA-RNTI with a backoff indicator and two RAPIDs (TA, 27-bit grant fields, TC-RNTI);
 *   Msg3 on the UL-SCH: LCID 52 with each RRCSetupRequest srsUE really sent (tests/vectors/rrc/) + short BSR;
 *   Msg4: TA command + UE Contention Resolution Identity + DL-CCCH RRCSetup (rrc/msg/rrc_setup_builder.h);
 *   Msg5: LCID 1 = RLC AM header + PDCP (SN 0, MAC-I zeros) + RRCSetupComplete with a Registration Request,
 *         + long BSR + single entry PHR + C-RNTI;
 *   UL PDUs with long BSRs over every 8-bit Buffer Size index and one with short BSRs over every 5-bit index,
 *   whose byte ranges Wireshark prints from its own copy of Tables 6.1.3.1-1/-2 and mac_bsr_range() must match.
 * tshark runs with the mac_nr_udp heuristic on; no frame may be malformed or carry expert warnings. Skipped (with
 * a message) when tshark is not installed. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mac/mac_pcap.h"
#include "mac/mac_pdu.h"
#include "mac/mac_rar.h"
#include "pdcp/pdcp_srb.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/unit/check_run.h"

#define TSHARK "tshark -o mac-nr.attempt_rrc_decode:TRUE -o mac-nr.attempt_to_dissect_srb_sdus:TRUE " \
               "--enable-heuristic mac_nr_udp -r "

static struct mac_pcap_file pcap;
static int frames;

static void put(enum mac_dir dir, enum mac_pcap_rnti_type type, uint16_t rnti, const uint8_t *pdu, size_t len)
{
    static uint8_t rec[MAC_PCAP_OVERHEAD + 4096];
    struct mac_pcap_info info = {.dir = dir, .rnti_type = type, .rnti = rnti, .ue_id = 1, .harq_id = frames % 16,
                                 .sfn = (uint16_t)(100 + frames / 10), .slot = (uint16_t)(frames % 10),
                                 .time_ns = 1000000ull * (uint64_t)frames};
    int n = mac_pcap_format(&info, pdu, len, rec, sizeof rec);
    ck_assert_int_eq(n, (int)mac_pcap_record_len(len));
    ck_assert_int_eq(mac_pcap_file_write(&pcap, rec, (size_t)n), 0);
    frames++;
}

/* srsUE's RRCSetupRequests, one per line of hex. */
static int srsue_requests(uint8_t req[][6], int max)
{
    FILE *f = fopen("tests/vectors/rrc/srsue_rrc_setup_request.hex", "r");
    ck_assert_ptr_nonnull(f);
    char line[64];
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        if (strlen(line) < 12) continue;
        for (int i = 0; i < 6; i++) {
            unsigned v;
            ck_assert_int_eq(sscanf(line + 2 * i, "%2x", &v), 1);
            req[n][i] = (uint8_t)v;
        }
        n++;
    }
    fclose(f);
    return n;
}

static uint32_t rar_grant(int hop, int fdra, int tdra, int mcs, int tpc, int csi)
{
    return (uint32_t)hop << 26 | (uint32_t)fdra << 12 | (uint32_t)tdra << 8 | (uint32_t)mcs << 4 |
           (uint32_t)tpc << 1 | (uint32_t)csi;
}

/* A Registration Request (24.501 8.2.6) as test_rrc_ul uses it. */
static const uint8_t nas[] = {0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0xf0, 0xff, 0x00,
                              0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0x2e, 0x04, 0xf0, 0xf0, 0xf0, 0xf0};

static void write_capture(const char *path, uint8_t req[][6], int nreq)
{
    ck_assert_int_eq(mac_pcap_file_open(&pcap, path), 0);
    frames = 0;
    uint8_t pdu[2048];

    /* 1: RAR */
    struct mac_rar_pdu rar = {.has_bi = true, .bi = 3, .n = 2};
    rar.rar[0] = (struct mac_rar){.rapid = 42, .ta = 17, .ul_grant = rar_grant(0, 0x123, 2, 4, 3, 0), .tc_rnti = 0x4601};
    rar.rar[1] = (struct mac_rar){.rapid = 7, .ta = 3846, .ul_grant = rar_grant(1, 0x3fff, 15, 15, 7, 1),
                                  .tc_rnti = 0x4602};
    ck_assert_int_eq(mac_rar_build(&rar, pdu, 24), 17);
    put(MAC_DIR_DL, MAC_PCAP_RA_RNTI, 0x39, pdu, 24);

    /* 2..: Msg3 per srsUE request */
    for (int i = 0; i < nreq; i++) {
        struct mac_pdu_builder b;
        mac_pdu_builder_init(&b, MAC_DIR_UL, pdu, 11);
        ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_UL_CCCH_48, req[i], 6), 0);
        uint8_t bsr = 1;
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &bsr, 1), 0);
        put(MAC_DIR_UL, MAC_PCAP_C_RNTI, 0x4601, pdu, mac_pdu_finish(&b));
    }

    /* Msg4 */
    static struct rrc_dl_ccch_msg setup;
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    ck_assert_int_eq(rrc_setup_builder_build(&d, 1, &setup), 0);
    uint8_t enc[1500];
    size_t elen;
    ck_assert_int_eq(rrc_dl_ccch_encode(&setup, enc, sizeof enc, &elen), 0);
    struct mac_pdu_builder b;
    mac_pdu_builder_init(&b, MAC_DIR_DL, pdu, elen + 16);
    ck_assert_int_eq(mac_pdu_add_ta_command(&b, 0, 31), 0);
    ck_assert_int_eq(mac_pdu_add_con_res_id(&b, req[0]), 0);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_CCCH, enc, elen), 0);
    put(MAC_DIR_DL, MAC_PCAP_C_RNTI, 0x4601, pdu, mac_pdu_finish(&b));

    /* Msg5: RRCSetupComplete through PDCP (UE side, SRB1) and an RLC AM data PDU header (D/C 1, P 1, SI 00,
     * SN 0, 38.322 6.2.2.4) */
    static struct rrc_setup_complete sc;
    sc.transaction_id = 1;
    sc.selected_plmn_identity = 1;
    sc.dedicated_nas_len = sizeof nas;
    memcpy(sc.dedicated_nas, nas, sizeof nas);
    uint8_t rrc[256], rlc[300];
    size_t rlen, plen;
    ck_assert_int_eq(rrc_ul_dcch_encode_setup_complete(&sc, rrc, sizeof rrc, &rlen), 0);
    struct pdcp_srb ue;
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 1);
    cfg.gnb = false;
    ck_assert_int_eq(pdcp_srb_init(&ue, &cfg), 0);
    rlc[0] = 0xc0;
    rlc[1] = 0x00;
    ck_assert_int_eq(pdcp_srb_tx(&ue, rrc, rlen, 0, rlc + 2, sizeof rlc - 2, &plen, NULL), 0);
    pdcp_srb_free(&ue);
    mac_pdu_builder_init(&b, MAC_DIR_UL, pdu, plen + 2 + 40);
    ck_assert_int_eq(mac_pdu_add_sdu(&b, MAC_LCID_SRB1, rlc, plen + 2), 0);
    static const uint8_t lbsr[4] = {0x85, 10, 20, 254}, phr[2] = {37, 22}, crnti[2] = {0x46, 0x01};
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_LONG_BSR, lbsr, 4), 0);
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SINGLE_PHR, phr, 2), 0);
    ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_C_RNTI, crnti, 2), 0);
    put(MAC_DIR_UL, MAC_PCAP_C_RNTI, 0x4601, pdu, mac_pdu_finish(&b));

    /* long BSRs: LCG i of frame j carries index 8 j + i (0..254) */
    for (int j = 0; j < 32; j++) {
        uint8_t ce[9] = {0xff};
        for (int i = 0; i < 8; i++) ce[1 + i] = (uint8_t)(8 * j + i > 254 ? 254 : 8 * j + i);
        mac_pdu_builder_init(&b, MAC_DIR_UL, pdu, 12);
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_LONG_BSR, ce, 9), 0);
        put(MAC_DIR_UL, MAC_PCAP_C_RNTI, 0x4601, pdu, mac_pdu_finish(&b));
    }
    /* short BSRs: CE k = LCG k mod 8, index k */
    mac_pdu_builder_init(&b, MAC_DIR_UL, pdu, 64);
    for (int k = 0; k < 32; k++) {
        uint8_t ce = (uint8_t)((k % 8) << 5 | k);
        ck_assert_int_eq(mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &ce, 1), 0);
    }
    put(MAC_DIR_UL, MAC_PCAP_C_RNTI, 0x4601, pdu, mac_pdu_finish(&b));
    ck_assert_int_eq(mac_pcap_file_close(&pcap), 0);
    ck_assert_uint_eq(pcap.records, (uint64_t)frames);
}

static bool have_tshark(void) { return system("command -v tshark >/dev/null 2>&1") == 0; }

/* One '|'-separated line per frame. */
static int tshark_lines(const char *path, const char *fields, char lines[][2048], int max)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, TSHARK "%s -T fields -E separator='|' -E occurrence=a -E aggregator=',' %s 2>/dev/null",
             path, fields);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    int n = 0;
    while (n < max && fgets(lines[n], 2048, p)) lines[n][strcspn(lines[n], "\n")] = '\0', n++;
    pclose(p);
    return n;
}

static const char *field(const char *line, int i, char *out, size_t cap)
{
    const char *p = line;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '|');
        if (p) p++;
    }
    size_t n = p ? strcspn(p, "|") : 0;
    if (n >= cap) n = cap - 1;
    if (p) memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

#define F(i) field(lines[fr], i, v, sizeof v)

START_TEST(test_wireshark_reads_the_attach)
{
    if (!have_tshark()) {
        printf("test_mac_pcap: tshark not installed, Wireshark checks skipped\n");
        return;
    }
    uint8_t req[4][6];
    int nreq = srsue_requests(req, 4);
    ck_assert_int_ge(nreq, 1);
    char path[] = "/tmp/gnbd-mac-pcap.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    write_capture(path, req, nreq);

    static char lines[64][2048];
    char v[512];
    int n = tshark_lines(path,
                         "-e frame.number -e mac-nr.direction -e mac-nr.rnti -e mac-nr.rnti-type -e mac-nr.sfn "
                         "-e mac-nr.slot -e mac-nr.harqid -e mac-nr.rar.bi -e mac-nr.rar.rapid -e mac-nr.rar.ta "
                         "-e mac-nr.rar.grant.hopping -e mac-nr.rar.grant.fra -e mac-nr.rar.grant.tsa "
                         "-e mac-nr.rar.grant.mcs -e mac-nr.rar.grant.tcsp -e mac-nr.rar.grant.csi "
                         "-e mac-nr.rar.temp_crnti -e mac-nr.ulsch.lcid -e mac-nr.dlsch.lcid "
                         "-e mac-nr.control.ue-contention-resolution.identity "
                         "-e mac-nr.control.timing-advance.command -e nr-rrc.randomValue "
                         "-e nr-rrc.establishmentCause -e nr-rrc.rrcSetup_element "
                         "-e nr-rrc.rrcSetupComplete_element -e nr-rrc.rrc_TransactionIdentifier "
                         "-e rlc-nr.am.sn -e pdcp-nr.seq-num -e pdcp-nr.mac -e nas_5gs.mm.message_type "
                         "-e mac-nr.control.se-phr.ph -e mac-nr.control.se-phr.pcmax_f_c -e mac-nr.control.crnti "
                         "-e _ws.malformed -e _ws.expert.severity",
                         lines, 64);
    ck_assert_int_eq(n, frames);
    for (int fr = 0; fr < n; fr++) {
        ck_assert_msg(F(33)[0] == '\0', "frame %d malformed", fr + 1);
        for (const char *sev = F(34); *sev; sev += strcspn(sev, ","), sev += *sev == ',')
            ck_assert_msg(strtol(sev, NULL, 0) < 0x00600000, "frame %d: expert severity %s", fr + 1, v);
        ck_assert_int_eq(atoi(F(4)), 100 + fr / 10);
        ck_assert_int_eq(atoi(F(5)), fr % 10);
        ck_assert_int_eq(atoi(F(6)), fr % 16);
    }
    /* RAR */
    int fr = 0;
    ck_assert_str_eq(F(1), "1");
    ck_assert_str_eq(F(2), "0x0039");
    ck_assert_str_eq(F(3), "2");
    ck_assert_str_eq(F(7), "3");
    ck_assert_str_eq(F(8), "42,7");
    ck_assert_str_eq(F(9), "17,3846");
    ck_assert_str_eq(F(10), "0,1");
    ck_assert_str_eq(F(11), "291,16383");
    ck_assert_str_eq(F(12), "2,15");
    ck_assert_str_eq(F(13), "4,15");
    ck_assert_str_eq(F(14), "3,7");
    ck_assert_str_eq(F(15), "0,1");
    ck_assert_str_eq(F(16), "0x4601,0x4602");
    /* Msg3s: CCCH of 48 bits, RRCSetupRequest with the identity our decoder reads */
    for (int i = 0; i < nreq; i++) {
        fr = 1 + i;
        struct rrc_ul_ccch_msg m;
        ck_assert_int_eq(rrc_ul_ccch_decode(req[i], 6, &m), 0);
        ck_assert_str_eq(F(1), "0");
        ck_assert_str_eq(F(17), "0x34,0x3d,0x3f");
        ck_assert_uint_eq(strtoull(F(21), NULL, 16) >> 1, m.setup_request.ue_identity);
        ck_assert_int_eq(atoi(F(22)), m.setup_request.establishment_cause);
    }
    /* Msg4 */
    fr = 1 + nreq;
    char id[16];
    snprintf(id, sizeof id, "%02x%02x%02x%02x%02x%02x", req[0][0], req[0][1], req[0][2], req[0][3], req[0][4],
             req[0][5]);
    ck_assert_str_eq(F(1), "1");
    ck_assert_str_eq(F(3), "3");
    ck_assert_str_eq(F(18), "0x3d,0x3e,0x00,0x3f");
    ck_assert_str_eq(F(19), id);
    ck_assert_str_eq(F(20), "31");
    ck_assert_str_ne(F(23), "");
    ck_assert_str_eq(F(25), "1");
    /* Msg5 */
    fr = 2 + nreq;
    ck_assert_str_eq(F(17), "0x01,0x3e,0x39,0x3a,0x3f");
    ck_assert_str_ne(F(24), "");
    ck_assert_str_eq(F(25), "1");
    ck_assert_str_eq(F(26), "0");
    ck_assert_str_eq(F(27), "0");
    ck_assert_str_eq(F(28), "0x00000000");
    ck_assert_str_eq(F(29), "0x41");
    ck_assert_str_eq(F(30), "37");
    ck_assert_str_eq(F(31), "22");
    ck_assert_str_eq(F(32), "0x4601");
    unlink(path);
}
END_TEST

/* "Buffer Size for LCGn: <range> (index)" lines of tshark -V, in order, compared with mac_bsr_range(). */
START_TEST(test_wireshark_agrees_on_buffer_size_tables)
{
    if (!have_tshark()) {
        printf("test_mac_pcap: tshark not installed, Wireshark checks skipped\n");
        return;
    }
    uint8_t req[4][6];
    int nreq = srsue_requests(req, 4);
    char path[] = "/tmp/gnbd-mac-pcap.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    write_capture(path, req, nreq);
    char cmd[512];
    snprintf(cmd, sizeof cmd, TSHARK "%s -V 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char line[1024];
    int frame = 0, checked8 = 0, checked5 = 0;
    int first_sweep = nreq + 4;      /* frame number of the first long BSR sweep frame (RAR, Msg3s, 4, 5) */
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, "Frame ", 6) == 0) frame = atoi(line + 6);
        const char *s = strstr(line, "Buffer Size for LCG");
        if (!s || frame < first_sweep) continue;
        int lcg, idx;
        char range[256];
        const char *colon = strchr(s, ':');
        const char *paren = strrchr(s, '(');
        ck_assert_ptr_nonnull(colon);
        ck_assert_ptr_nonnull(paren);
        ck_assert_int_eq(sscanf(s, "Buffer Size for LCG%d", &lcg), 1);
        ck_assert_int_eq(sscanf(paren, "(%d)", &idx), 1);
        size_t rl = (size_t)(paren - colon - 3);
        memcpy(range, colon + 2, rl);
        range[rl] = '\0';
        bool eight = frame < first_sweep + 32;
        uint32_t lo, hi;
        ck_assert_int_eq(mac_bsr_range(idx, eight, &lo, &hi), 0);
        char want[256];
        if (idx == 0)
            snprintf(want, sizeof want, "BS = 0");
        else if (hi == UINT32_MAX)
            snprintf(want, sizeof want, "BS > %u", lo - 1);
        else
            snprintf(want, sizeof want, "%u < BS <= %u", lo - 1, hi);
        /* Wireshark 4.0's string for 8-bit index 28 reads "52 < BS <= 59", overlapping index 27 ("52 < BS <= 55");
         * its upper bound agrees, and 38.321 (and srsRAN's and OAI's copies) have 55 < BS <= 59 */
        if (eight && idx == 28 && strcmp(range, "52 < BS <= 59") == 0) snprintf(range, sizeof range, "55 < BS <= 59");
        ck_assert_msg(strcmp(range, want) == 0, "frame %d LCG%d index %d (%s bits): Wireshark '%s', we '%s'", frame,
                      lcg, idx, eight ? "8" : "5", range, want);
        if (eight) {
            ck_assert_int_eq(idx, 8 * (frame - first_sweep) + lcg > 254 ? 254 : 8 * (frame - first_sweep) + lcg);
            checked8++;
        } else {
            ck_assert_int_eq(lcg, idx % 8);
            checked5++;
        }
    }
    pclose(p);
    ck_assert_int_eq(checked8, 256);
    ck_assert_int_eq(checked5, 32);
    unlink(path);
}
END_TEST

START_TEST(test_record_format)
{
    uint8_t h[MAC_PCAP_FILE_HEADER_BYTES];
    mac_pcap_file_header(h);
    static const uint8_t want_h[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                       0xff, 0xff, 0, 0, 101, 0, 0, 0};
    ck_assert_mem_eq(h, want_h, 24);
    static const uint8_t pdu[3] = {0x3f, 0, 0};
    struct mac_pcap_info info = {.tdd = true, .dir = MAC_DIR_DL, .rnti_type = MAC_PCAP_SI_RNTI, .rnti = 0xffff,
                                 .ue_id = 7, .harq_id = -1, .sfn = 1023, .slot = 19, .time_ns = 2500001000ull};
    uint8_t rec[128];
    int n = mac_pcap_format(&info, pdu, 3, rec, sizeof rec);
    ck_assert_int_eq(n, (int)mac_pcap_record_len(3) - 2);   /* no HARQ tag */
    ck_assert_int_eq(rec[0] | rec[1] << 8, 2);              /* seconds */
    ck_assert_int_eq(rec[4] | rec[5] << 8 | rec[6] << 16, 500001);
    ck_assert_int_eq(rec[8], n - 16);
    ck_assert_int_eq(rec[16], 0x45);
    ck_assert_int_eq(rec[16 + 9], 17);
    const uint8_t *u = rec + 16 + 28;
    static const uint8_t want_u[] = {'m', 'a', 'c', '-', 'n', 'r', 2, 1, 4, 0x02, 0xff, 0xff, 0x03, 0x00, 0x07,
                                     0x07, 0x03, 0xff, 0x00, 0x13, 0x01, 0x3f, 0, 0};
    ck_assert_mem_eq(u, want_u, sizeof want_u);
    /* the IPv4 header checksum sums to 0xffff */
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (uint32_t)(rec[16 + i] << 8 | rec[16 + i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ck_assert_uint_eq(sum, 0xffff);
    ck_assert_int_eq(mac_pcap_format(&info, pdu, 3, rec, (size_t)n - 1), -ENOSPC);
    info.harq_id = 16;
    ck_assert_int_eq(mac_pcap_format(&info, pdu, 3, rec, sizeof rec), -EINVAL);
    info.harq_id = 0;
    ck_assert_int_eq(mac_pcap_format(&info, pdu, MAC_PCAP_MAX_PDU + 1, rec, sizeof rec), -EMSGSIZE);
    ck_assert_int_eq(mac_pcap_format(&info, NULL, 3, rec, sizeof rec), -EINVAL);
    struct mac_pcap_file w = {0};
    ck_assert_int_eq(mac_pcap_file_write(&w, rec, 20), -EINVAL);      /* not open */
    ck_assert_int_lt(mac_pcap_file_open(&w, "/nonexistent-dir/x.pcap"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mac_pcap");
    TCase *tc = tcase_create("mac_pcap");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_record_format);
    tcase_add_test(tc, test_wireshark_reads_the_attach);
    tcase_add_test(tc, test_wireshark_agrees_on_buffer_size_tables);
    suite_add_tcase(s, tc);
    return check_run(s);
}
