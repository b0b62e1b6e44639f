/* gtpu_peer: a UPF stand-in on N3 for tests (29.281 GTP-U over UDP). Binds --addr:--port, sends gnbd's N3
 * (--gnb-addr:--gnb-port) what it is asked to, then receives until --timeout or until every expectation is met:
 *   --echo N          N Echo Requests (sequence numbers 1..N); expects N Echo Responses with those numbers
 *   --teid T --count N [--size S] [--qfi Q] [--interval-ms M]
 *                     N G-PDUs to TEID T with a DL PDU Session Container (QFI Q, default 9), each carrying an
 *                     ICMP-echo-like IPv4 packet of S octets (default 84: 20 IP + 8 ICMP + 56 data) whose ICMP
 *                     sequence number is the packet's index and whose data is (index + i) mod 256
 *   --end-marker      first an End Marker (7.3.2) to TEID T (before the G-PDUs)
 *   --expect-error-indication
 *                     expects one Error Indication (7.3.1) per G-PDU, each naming TEID T, with a GTP-U peer address
 *   --expect-gpdus N [--ul-teid U]
 *                     expects N G-PDUs back (the UE echoing the packets): TEID U, a UL PDU Session Container with
 *                     QFI Q, an IPv4 packet whose ICMP sequence number names a packet we sent and whose data
 *                     matches it octet for octet
 * Prints one line per message received and a summary "gtpu_peer: sent gpdus=.. echo=..; received echo_responses=..
 * error_indications=.. gpdus=.. gpdus_ok=.. bad=..". Exit status 0 only when every expectation was met. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gtpu/gtpu.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* An ICMP-echo-like IPv4 packet of size octets (>= 28), sequence number seq. */
static size_t icmp_like(uint8_t *p, size_t size, uint16_t seq)
{
    memset(p, 0, 28);
    p[0] = 0x45;
    p[2] = (uint8_t)(size >> 8);
    p[3] = (uint8_t)size;
    p[8] = 64;  /* TTL */
    p[9] = 1;   /* ICMP */
    const uint8_t src[4] = {10, 45, 0, 1}, dst[4] = {10, 45, 0, 2};
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    p[20] = 8; /* echo request */
    p[26] = (uint8_t)(seq >> 8);
    p[27] = (uint8_t)seq;
    for (size_t i = 28; i < size; i++) p[i] = (uint8_t)(seq + i);
    return size;
}

static bool icmp_like_ok(const uint8_t *p, size_t len, size_t size, int count)
{
    if (len != size || len < 28 || p[0] != 0x45 || p[9] != 1) return false;
    unsigned seq = (unsigned)p[26] << 8 | p[27];
    if ((int)seq >= count) return false;
    for (size_t i = 28; i < len; i++)
        if (p[i] != (uint8_t)(seq + i)) return false;
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: gtpu_peer --gnb-port P [--gnb-addr A] [--addr A] [--port P] [--echo N] [--teid T --count N "
                    "[--size S] [--qfi Q] [--interval-ms M]] [--end-marker] [--expect-error-indication] [--expect-gpdus N] "
                    "[--ul-teid U] [--timeout S]\n");
}

int main(int argc, char **argv)
{
    const char *addr = "127.0.0.1", *gnb_addr = "127.0.0.1";
    int port = 0, gnb_port = 0, echo = 0, count = 0, size = 84, qfi = 9, interval_ms = 0, expect_gpdus = -1;
    unsigned long teid = 0, ul_teid = 0;
    bool expect_ei = false, have_ul_teid = false, end_marker = false;
    double timeout = 5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--expect-error-indication")) { expect_ei = true; continue; }
        if (!strcmp(a, "--end-marker")) { end_marker = true; continue; }
        if (!v) { usage(); return 2; }
        if (!strcmp(a, "--addr")) addr = v;
        else if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--gnb-addr")) gnb_addr = v;
        else if (!strcmp(a, "--gnb-port")) gnb_port = atoi(v);
        else if (!strcmp(a, "--echo")) echo = atoi(v);
        else if (!strcmp(a, "--teid")) teid = strtoul(v, NULL, 0);
        else if (!strcmp(a, "--count")) count = atoi(v);
        else if (!strcmp(a, "--size")) size = atoi(v);
        else if (!strcmp(a, "--qfi")) qfi = atoi(v);
        else if (!strcmp(a, "--interval-ms")) interval_ms = atoi(v);
        else if (!strcmp(a, "--expect-gpdus")) expect_gpdus = atoi(v);
        else if (!strcmp(a, "--ul-teid")) { ul_teid = strtoul(v, NULL, 0); have_ul_teid = true; }
        else if (!strcmp(a, "--timeout")) timeout = atof(v);
        else { usage(); return 2; }
        i++;
    }
    if (gnb_port <= 0 || size < 28 || size > 1500 || qfi < 0 || qfi > 63 || count < 0 || count > 65535 || echo < 0) {
        usage();
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct sockaddr_in gnb = {.sin_family = AF_INET, .sin_port = htons((uint16_t)gnb_port)};
    if (inet_pton(AF_INET, addr, &me.sin_addr) != 1 || inet_pton(AF_INET, gnb_addr, &gnb.sin_addr) != 1) {
        fprintf(stderr, "gtpu_peer: IPv4 addresses only\n");
        return 2;
    }
    if (bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
        fprintf(stderr, "gtpu_peer: bind %s:%d: %s\n", addr, port, strerror(errno));
        return 1;
    }
    uint8_t out[2048], in[4096];
    int sent_echo = 0, sent_gpdus = 0;
    for (int i = 1; i <= echo; i++) {
        int n = gtpu_echo_request(out, sizeof out, (uint16_t)i);
        if (sendto(fd, out, (size_t)n, 0, (struct sockaddr *)&gnb, sizeof gnb) == n) sent_echo++;
    }
    if (end_marker) {
        int n = gtpu_end_marker(out, sizeof out, (uint32_t)teid);
        if (n <= 0 || sendto(fd, out, (size_t)n, 0, (struct sockaddr *)&gnb, sizeof gnb) != n) {
            fprintf(stderr, "gtpu_peer: End Marker not sent\n");
            return 1;
        }
        printf("gtpu_peer: End Marker sent to TEID 0x%08lx\n", teid);
    }
    int echo_ok = 0, ei = 0, ei_ok = 0, gpdus = 0, gpdus_ok = 0, bad = 0, others = 0;
    double end = now_s() + timeout, next_send = now_s();
    for (;;) {
        bool done_sending = sent_gpdus >= count;
        bool met = done_sending && echo_ok >= echo && (!expect_ei || ei_ok >= count) &&
                   (expect_gpdus < 0 || gpdus_ok >= expect_gpdus);
        if ((met && (expect_gpdus >= 0 || expect_ei || echo)) || now_s() >= end) break;
        if (!done_sending && now_s() >= next_send) {
            struct gtpu_pdu_session ps = {.pdu_type = 0, .qfi = (uint8_t)qfi};
            size_t h = gtpu_gpdu_header_len(&ps);
            size_t len = icmp_like(out + h, (size_t)size, (uint16_t)sent_gpdus);
            gtpu_gpdu_header(out, (uint32_t)teid, &ps, len);
            if (sendto(fd, out, h + len, 0, (struct sockaddr *)&gnb, sizeof gnb) == (ssize_t)(h + len)) sent_gpdus++;
            next_send = now_s() + interval_ms / 1000.0;
            if (interval_ms == 0) continue;
        }
        double w = done_sending ? 100 : (next_send - now_s()) * 1000; /* at most 100 ms: the deadline is checked */
        int wait_ms = w < 0 ? 0 : w > 100 ? 100 : (int)w;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, wait_ms) <= 0) continue;
        ssize_t n = recv(fd, in, sizeof in, 0);
        if (n <= 0) continue;
        struct gtpu_msg m;
        int rc = gtpu_parse(in, (size_t)n, &m);
        if (rc < 0) {
            bad++;
            printf("gtpu_peer: %zd octets that do not parse: %s\n", n, strerror(-rc));
            continue;
        }
        if (m.type == GTPU_ECHO_RESPONSE) {
            bool ok = m.has_seq && m.seq >= 1 && m.seq <= echo && m.has_recovery && m.teid == 0;
            echo_ok += ok;
            printf("gtpu_peer: Echo Response seq=%u recovery=%d %s\n", m.seq, m.has_recovery, ok ? "ok" : "BAD");
        } else if (m.type == GTPU_ERROR_INDICATION) {
            ei++;
            bool ok = m.has_teid_data && m.teid_data == teid && m.peer_addr_len == 4;
            ei_ok += ok;
            char a[INET_ADDRSTRLEN] = "?";
            if (m.peer_addr_len == 4) inet_ntop(AF_INET, m.peer_addr, a, sizeof a);
            printf("gtpu_peer: Error Indication teid=0x%08x peer=%s %s\n", m.teid_data, a, ok ? "ok" : "BAD");
        } else if (m.type == GTPU_GPDU) {
            gpdus++;
            bool ok = (!have_ul_teid || m.teid == ul_teid) && m.has_pdu_session && m.pdu_session.pdu_type == 1 &&
                      m.pdu_session.qfi == qfi && icmp_like_ok(m.payload, m.payload_len, (size_t)size, sent_gpdus);
            gpdus_ok += ok;
            printf("gtpu_peer: G-PDU teid=0x%08x qfi=%d len=%zu %s\n", m.teid,
                   m.has_pdu_session ? m.pdu_session.qfi : -1, m.payload_len, ok ? "ok" : "BAD");
        } else {
            others++;
            printf("gtpu_peer: %s (type %u)\n", gtpu_msg_type_name(m.type), m.type);
        }
    }
    printf("gtpu_peer: sent gpdus=%d echo=%d; received echo_responses=%d error_indications=%d gpdus=%d gpdus_ok=%d "
           "bad=%d other=%d\n", sent_gpdus, sent_echo, echo_ok, ei, gpdus, gpdus_ok, bad, others);
    close(fd);
    bool ok = sent_gpdus == count && sent_echo == echo && echo_ok == echo && (!expect_ei || ei_ok == count) &&
              (expect_gpdus < 0 || gpdus_ok >= expect_gpdus) && bad == 0;
    return ok ? 0 : 1;
}
