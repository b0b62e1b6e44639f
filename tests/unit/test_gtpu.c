/* GTP-U messages (gtpu/gtpu.h): hand-worked bytes from 29.281 5.1/5.2/7/8 and 38.415 5.5.2, parse errors, and
 * Wireshark's gtp dissector reading every message gnbd writes (field by field). */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_run.h"
#include "gtpu/gtpu.h"
#include "tshark.h"

/* RFC 1071 ones'-complement sum of n octets, written big-endian at p[at]. */
static void put_checksum(uint8_t *p, size_t n, size_t at)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    p[at] = (uint8_t)(~sum >> 8);
    p[at + 1] = (uint8_t)~sum;
}

/* An IPv4 ICMP echo request 10.45.0.2 -> 10.45.0.1 (the UE to the UPF's TUN), 84 octets. */
static size_t icmp_packet(uint8_t *p)
{
    static const uint8_t hdr[] = {0x45, 0, 0, 84, 0, 1, 0, 0, 64, 1, 0, 0, 10, 45, 0, 2, 10, 45, 0, 1,
                                  8,    0, 0, 0,  0, 1, 0, 1};
    memset(p, 0, 84);
    memcpy(p, hdr, sizeof hdr);
    put_checksum(p, 20, 10);      /* IPv4 header checksum (RFC 791) */
    put_checksum(p + 20, 64, 2);  /* ICMP checksum over the message (RFC 792) */
    return 84;
}

START_TEST(test_gpdu_header_bytes)
{
    uint8_t buf[GTPU_GPDU_HEADROOM + 100];
    uint8_t *payload = buf + GTPU_GPDU_HEADROOM;
    size_t len = icmp_packet(payload);
    /* UL, QFI 9: flags 0x34 = version 1 (001), PT 1, E 1; type 0xff; length 84 + 4 + 4 = 92 = 0x5c; TEID; seq 0,
     * N-PDU 0, next type 0x85; extension: length 1 (4 octets), PDU type 1 in the high nibble (0x10), QFI 9, next 0. */
    struct gtpu_pdu_session ps = {.pdu_type = 1, .qfi = 9};
    ck_assert_uint_eq(gtpu_gpdu_header_len(&ps), 16);
    uint8_t *hdr = payload - gtpu_gpdu_header_len(&ps);
    ck_assert_int_eq(gtpu_gpdu_header(hdr, 0x11223344, &ps, len), 16);
    static const uint8_t want[16] = {0x34, 0xff, 0x00, 0x5c, 0x11, 0x22, 0x33, 0x44,
                                     0x00, 0x00, 0x00, 0x85, 0x01, 0x10, 0x09, 0x00};
    ck_assert_mem_eq(hdr, want, 16);
    /* DL, QFI 1, RQI: octet 2 of the container is RQI (0x40) | QFI. No container: 8 octets, flags 0x30. */
    struct gtpu_pdu_session dl = {.pdu_type = 0, .qfi = 1, .rqi = true};
    ck_assert_int_eq(gtpu_gpdu_header(hdr, 1, &dl, len), 16);
    ck_assert_uint_eq(hdr[13], 0x00);
    ck_assert_uint_eq(hdr[14], 0x41);
    ck_assert_int_eq(gtpu_gpdu_header(payload - 8, 7, NULL, len), 8);
    static const uint8_t plain[8] = {0x30, 0xff, 0x00, 84, 0, 0, 0, 7};
    ck_assert_mem_eq(payload - 8, plain, 8);
    /* Out of range. */
    struct gtpu_pdu_session bad = {.pdu_type = 1, .qfi = 64};
    ck_assert_int_eq(gtpu_gpdu_header(hdr, 1, &bad, len), -EINVAL);
    ck_assert_int_eq(gtpu_gpdu_header(payload - 8, 1, NULL, 0x10000), -EINVAL);
}
END_TEST

START_TEST(test_signalling_bytes)
{
    uint8_t b[64];
    /* Echo Request: flags 0x32 (S), type 1, length 4 (seq, N-PDU, next type), TEID 0, seq 0x1234. */
    ck_assert_int_eq(gtpu_echo_request(b, sizeof b, 0x1234), 12);
    static const uint8_t req[12] = {0x32, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0x12, 0x34, 0, 0};
    ck_assert_mem_eq(b, req, 12);
    /* Echo Response: + Recovery (type 14, value 0): length 6. */
    ck_assert_int_eq(gtpu_echo_response(b, sizeof b, 0x1234), 14);
    static const uint8_t rsp[14] = {0x32, 0x02, 0x00, 0x06, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 14, 0};
    ck_assert_mem_eq(b, rsp, 14);
    /* End Marker: no optional fields, the tunnel's TEID, length 0. */
    ck_assert_int_eq(gtpu_end_marker(b, sizeof b, 0xa1b2c3d4), 8);
    static const uint8_t em[8] = {0x30, 0xfe, 0, 0, 0xa1, 0xb2, 0xc3, 0xd4};
    ck_assert_mem_eq(b, em, 8);
    /* Error Indication: TEID Data I (16, 4 octets) + GTP-U Peer Address (133, length 4, 127.0.0.2): 4 + 5 + 7 = 16. */
    const uint8_t addr[4] = {127, 0, 0, 2};
    ck_assert_int_eq(gtpu_error_indication(b, sizeof b, 7, 0xdeadbeef, addr, 4), 24);
    static const uint8_t ei[24] = {0x32, 0x1a, 0x00, 0x10, 0, 0, 0, 0, 0x00, 0x07, 0, 0,
                                   16, 0xde, 0xad, 0xbe, 0xef, 133, 0x00, 0x04, 127, 0, 0, 2};
    ck_assert_mem_eq(b, ei, 24);
    ck_assert_int_eq(gtpu_error_indication(b, 23, 7, 1, addr, 4), -ENOSPC);
    ck_assert_int_eq(gtpu_error_indication(b, sizeof b, 7, 1, addr, 5), -EINVAL);
    ck_assert_int_eq(gtpu_echo_request(b, 11, 1), -ENOSPC);
}
END_TEST

START_TEST(test_parse_round_trip)
{
    uint8_t buf[GTPU_GPDU_HEADROOM + 100], b[64];
    uint8_t *payload = buf + GTPU_GPDU_HEADROOM;
    size_t len = icmp_packet(payload);
    struct gtpu_pdu_session ps = {.pdu_type = 0, .qfi = 5, .rqi = true};
    uint8_t *hdr = payload - 16;
    gtpu_gpdu_header(hdr, 0x01020304, &ps, len);
    struct gtpu_msg m;
    ck_assert_int_eq(gtpu_parse(hdr, 16 + len, &m), 0);
    ck_assert_uint_eq(m.type, GTPU_GPDU);
    ck_assert_uint_eq(m.teid, 0x01020304);
    ck_assert(m.has_pdu_session && m.pdu_session.pdu_type == 0 && m.pdu_session.qfi == 5 && m.pdu_session.rqi);
    ck_assert_ptr_eq(m.payload, payload);
    ck_assert_uint_eq(m.payload_len, len);
    /* A datagram longer than the header's length: the excess is not payload. */
    ck_assert_int_eq(gtpu_parse(hdr, 16 + len + 3, &m), 0);
    ck_assert_uint_eq(m.payload_len, len);

    int n = gtpu_echo_response(b, sizeof b, 99);
    ck_assert_int_eq(gtpu_parse(b, (size_t)n, &m), 0);
    ck_assert(m.type == GTPU_ECHO_RESPONSE && m.has_seq && m.seq == 99 && m.has_recovery);
    const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    n = gtpu_error_indication(b, sizeof b, 3, 0x55667788, v6, 16);
    ck_assert_int_eq(gtpu_parse(b, (size_t)n, &m), 0);
    ck_assert(m.type == GTPU_ERROR_INDICATION && m.has_teid_data && m.teid_data == 0x55667788);
    ck_assert_uint_eq(m.peer_addr_len, 16);
    ck_assert_mem_eq(m.peer_addr, v6, 16);
    n = gtpu_end_marker(b, sizeof b, 42);
    ck_assert_int_eq(gtpu_parse(b, (size_t)n, &m), 0);
    ck_assert(m.type == GTPU_END_MARKER && m.teid == 42 && m.payload_len == 0);
}
END_TEST

START_TEST(test_parse_errors)
{
    uint8_t buf[GTPU_GPDU_HEADROOM + 100];
    uint8_t *payload = buf + GTPU_GPDU_HEADROOM;
    size_t len = icmp_packet(payload);
    struct gtpu_pdu_session ps = {.pdu_type = 1, .qfi = 9};
    uint8_t *h = payload - 16;
    struct gtpu_msg m;
    gtpu_gpdu_header(h, 1, &ps, len);
    for (size_t cut = 0; cut < 16 + len; cut++) /* every truncation is malformed, none crashes */
        ck_assert_int_eq(gtpu_parse(h, cut, &m), -EBADMSG);
    ck_assert_int_eq(gtpu_parse(NULL, 0, &m), -EBADMSG);
    uint8_t c[16 + 84];
    memcpy(c, h, sizeof c);
    c[0] = 0x54; /* version 2 */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), -EPROTONOSUPPORT);
    memcpy(c, h, sizeof c);
    c[0] &= (uint8_t)~0x10; /* PT 0: GTP' */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), -EPROTONOSUPPORT);
    memcpy(c, h, sizeof c);
    c[12] = 0; /* extension length 0 */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), -EBADMSG);
    memcpy(c, h, sizeof c);
    c[12] = 40; /* extension longer than the message */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), -EBADMSG);
    memcpy(c, h, sizeof c);
    c[11] = 0xc0; /* PDCP PDU Number: bits 8-7 '11', comprehension required, not supported */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), -ENOTSUP);
    memcpy(c, h, sizeof c);
    c[11] = 0x40; /* UDP Port: '01', not required: skipped */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), 0);
    ck_assert(!m.has_pdu_session);
    memcpy(c, h, sizeof c);
    c[13] = 0x30; /* PDU type 3 */
    ck_assert_int_eq(gtpu_parse(c, sizeof c, &m), -EBADMSG);
    /* Error Indication without the peer address. */
    uint8_t e[] = {0x32, 0x1a, 0x00, 0x09, 0, 0, 0, 0, 0, 1, 0, 0, 16, 1, 2, 3, 4};
    ck_assert_int_eq(gtpu_parse(e, sizeof e, &m), -EBADMSG);
    /* An unknown TV IE cannot be skipped. */
    uint8_t u[] = {0x32, 0x02, 0x00, 0x06, 0, 0, 0, 0, 0, 1, 0, 0, 20, 0};
    ck_assert_int_eq(gtpu_parse(u, sizeof u, &m), -EBADMSG);
}
END_TEST

START_TEST(test_tshark_reads_our_messages)
{
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
        return;
    }
    static uint8_t msgs[6][GTPU_GPDU_HEADROOM + 100];
    const uint8_t *pdus[6];
    size_t lens[6];
    struct gtpu_pdu_session ul = {.pdu_type = 1, .qfi = 9}, dl = {.pdu_type = 0, .qfi = 33, .rqi = true};
    size_t l = icmp_packet(msgs[0] + 16);
    lens[0] = (size_t)gtpu_gpdu_header(msgs[0], 0x11223344, &ul, l) + l;
    l = icmp_packet(msgs[1] + 16);
    lens[1] = (size_t)gtpu_gpdu_header(msgs[1], 0x99, &dl, l) + l;
    lens[2] = (size_t)gtpu_echo_request(msgs[2], 64, 0x1234);
    lens[3] = (size_t)gtpu_echo_response(msgs[3], 64, 0x1234);
    const uint8_t addr[4] = {127, 0, 0, 2};
    lens[4] = (size_t)gtpu_error_indication(msgs[4], 64, 7, 0xdeadbeef, addr, 4);
    lens[5] = (size_t)gtpu_end_marker(msgs[5], 64, 0xa1b2c3d4);
    for (int i = 0; i < 6; i++) pdus[i] = msgs[i];
    static const char *const fields[] = {"gtp.message", "gtp.length", "gtp.teid", "gtp.seq_number",
                                         "gtp.ext_hdr.pdu_ses_con.pdu_type", "gtp.ext_hdr.pdu_ses_con.qos_flow_id",
                                         "gtp.recovery", "gtp.teid_data", "gtp.gsn_ipv4", "icmp.type",
                                         "ip.dst", "_ws.malformed", "_ws.expert.severity"};
    static char lines[6][TSHARK_LINE];
    int got = tshark_fields("gtp", pdus, lens, 6, fields, 13, lines);
    ck_assert_int_eq(got, 6);
    static const char *const want[6] = {
        "0xff|92|0x11223344||1|9||||8|10.45.0.1||",
        "0xff|92|0x00000099||0|33||||8|10.45.0.1||",
        "0x01|4|0x00000000|0x1234|||||||||",
        "0x02|6|0x00000000|0x1234|||0||||||",
        "0x1a|16|0x00000000|0x0007||||0xdeadbeef|127.0.0.2||||",
        "0xfe|0|0xa1b2c3d4||||||||||",
    };
    for (int i = 0; i < 6; i++) {
        printf("tshark gtp %d: %s\n", i, lines[i]);
        ck_assert_str_eq(lines[i], want[i]);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gtpu");
    TCase *t = tcase_create("gtpu");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_gpdu_header_bytes);
    tcase_add_test(t, test_signalling_bytes);
    tcase_add_test(t, test_parse_round_trip);
    tcase_add_test(t, test_parse_errors);
    tcase_add_test(t, test_tshark_reads_our_messages);
    suite_add_tcase(s, t);
    return check_run(s);
}
