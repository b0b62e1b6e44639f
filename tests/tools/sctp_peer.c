/* sctp_peer: both ends of gnb/sctp_link.h, to test the NGAP transport without an AMF.
 *
 *   sctp_peer server [opts]   listen; echo every message back on its stream with its PPID; serve associations one
 *                             after another until --seconds or SIGTERM. Prints "sctp_peer: association N up" and,
 *                             at the end, the number of messages echoed.
 *   sctp_peer client [opts]   connect; send --count messages of sizes cycling 1, 60, 1500, 9000 bytes (a counter
 *                             pattern) on streams 0 and 1 with PPID 60, check every echo byte for byte, stream and
 *                             PPID; then (with --until-lost) wait for the association to go, and (with
 *                             --reconnect) connect again with a doubling back-off (100 ms .. 1.6 s) until it is up.
 * Options: --transport kernel|udp (udp), --addr A (127.0.0.1), --port P (38412), --udp-local P, --udp-remote P
 *          (RFC 6951 encapsulation ports), --count N (100), --seconds S (server; 30), --timeout S (client; 10).
 * Exit status 0 only when everything asked for happened. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gnb/sctp_link.h"
#include "tests/tools/tool_util.h"

static void fill(unsigned char *b, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) b[i] = (unsigned char)(seed * 31u + i * 7u);
}

static int serve(struct sctp_link_config *cfg, double seconds)
{
    char err[256];
    struct sctp_link *lst;
    int rc = sctp_link_listen(&lst, cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "sctp_peer: %s\n", err);
        return 1;
    }
    printf("sctp_peer: listening (%s) on %s:%u\n", sctp_link_transport_name(cfg->transport),
           cfg->local_addr[0] ? cfg->local_addr : "*", cfg->local_port);
    fflush(stdout);
    static unsigned char buf[65536];
    long echoed = 0;
    int assocs = 0;
    double end = tool_now_s() + seconds;
    struct sctp_link *a = NULL;
    while (!tool_stop && tool_now_s() < end) {
        if (!a) {
            sctp_link_wait(lst, 100);
            if (sctp_link_accept(lst, &a) == 0) {
                printf("sctp_peer: association %d up\n", ++assocs);
                fflush(stdout);
            }
            continue;
        }
        sctp_link_wait(a, 100);
        struct sctp_link_rx rx;
        int n;
        while ((n = sctp_link_recv(a, buf, sizeof buf, &rx)) >= 0) {
            int s;
            while ((s = sctp_link_send(a, rx.stream, rx.ppid, buf, (size_t)n)) == -EAGAIN && !tool_stop)
                sctp_link_wait(a, 10);
            if (s == 0) echoed++;
        }
        if (n == -ECONNRESET) {
            printf("sctp_peer: association %d gone\n", assocs);
            fflush(stdout);
            sctp_link_close(a);
            a = NULL;
        }
    }
    sctp_link_close(a);
    sctp_link_close(lst);
    printf("sctp_peer: %d associations, %ld messages echoed\n", assocs, echoed);
    return 0;
}

/* Wait until the link is up; 0, or -ETIMEDOUT / -ECONNRESET. */
static int wait_up(struct sctp_link *l, double deadline)
{
    static unsigned char sink[SCTP_LINK_MIN_RECV];
    while (sctp_link_is_up(l) == 0 && tool_now_s() < deadline && !tool_stop) {
        sctp_link_wait(l, 50);
        int n = sctp_link_recv(l, sink, sizeof sink, NULL);
        if (n == -ECONNRESET) return n;
    }
    return sctp_link_is_up(l) == 1 ? 0 : sctp_link_is_up(l) < 0 ? -ECONNRESET : -ETIMEDOUT;
}

static int client(struct sctp_link_config *cfg, int count, double timeout, int until_lost, int reconnect)
{
    static const size_t sizes[] = {1, 60, 1500, 9000};
    static unsigned char tx[9000], rxb[65536];
    char err[256];
    struct sctp_link *l;
    double t0 = tool_now_s(), deadline = t0 + timeout;
    int rc = sctp_link_connect(&l, cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "sctp_peer: %s\n", err);
        return 1;
    }
    if ((rc = wait_up(l, deadline)) < 0) {
        fprintf(stderr, "sctp_peer: association not up: %s\n", strerror(-rc));
        sctp_link_close(l);
        return 1;
    }
    printf("sctp_peer: association up after %.1f ms\n", (tool_now_s() - t0) * 1e3);
    int bad = 0, got = 0;
    double ts = tool_now_s();
    for (int i = 0; i < count && !tool_stop; i++) {
        size_t len = sizes[i % 4];
        uint16_t stream = (uint16_t)(i & 1);
        fill(tx, len, (unsigned)i);
        while ((rc = sctp_link_send(l, stream, SCTP_LINK_NGAP_PPID, tx, len)) == -EAGAIN && tool_now_s() < deadline)
            sctp_link_wait(l, 10);
        if (rc < 0) {
            fprintf(stderr, "sctp_peer: send %d: %s\n", i, strerror(-rc));
            break;
        }
        struct sctp_link_rx info;
        int n;
        while ((n = sctp_link_recv(l, rxb, sizeof rxb, &info)) == -EAGAIN && tool_now_s() < deadline)
            sctp_link_wait(l, 50);
        if (n < 0) {
            fprintf(stderr, "sctp_peer: echo %d: %s\n", i, strerror(-n));
            break;
        }
        got++;
        if ((size_t)n != len || memcmp(rxb, tx, len) != 0 || info.stream != stream ||
            info.ppid != SCTP_LINK_NGAP_PPID) {
            fprintf(stderr, "sctp_peer: echo %d differs: %d bytes (sent %zu) stream %u ppid %u\n", i, n, len,
                    info.stream, info.ppid);
            bad++;
        }
    }
    printf("sctp_peer: %d/%d echoes, %d differ (%.1f ms)\n", got, count, bad, (tool_now_s() - ts) * 1e3);
    int ok = got == count && bad == 0;
    if (ok && until_lost) {
        printf("sctp_peer: waiting for the association to go\n");
        fflush(stdout);
        double lost_t0 = tool_now_s(), lost_deadline = lost_t0 + timeout;
        int n = 0;
        while (tool_now_s() < lost_deadline && !tool_stop && (n = sctp_link_recv(l, rxb, sizeof rxb, NULL)) != -ECONNRESET)
            sctp_link_wait(l, 100);
        ok = n == -ECONNRESET;
        printf("sctp_peer: association %s after %.1f s\n", ok ? "lost" : "still up", tool_now_s() - lost_t0);
    }
    sctp_link_close(l);
    if (ok && reconnect) {
        double backoff = 0.1, rdeadline = tool_now_s() + timeout;
        ok = 0;
        for (int attempt = 1; tool_now_s() < rdeadline && !tool_stop; attempt++) {
            if (sctp_link_connect(&l, cfg, err, sizeof err) == 0 && wait_up(l, tool_now_s() + backoff) == 0) {
                printf("sctp_peer: reconnected at attempt %d\n", attempt);
                sctp_link_close(l);
                ok = 1;
                break;
            }
            if (l) sctp_link_close(l);
            l = NULL;
            struct timespec d = {(time_t)backoff, (long)((backoff - (double)(time_t)backoff) * 1e9)};
            nanosleep(&d, NULL);
            backoff = backoff < 1.6 ? backoff * 2 : 1.6;
        }
        if (!ok) printf("sctp_peer: could not reconnect\n");
    }
    fflush(stdout);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
        fprintf(stderr, "usage: sctp_peer server|client [--transport kernel|udp] [--addr A] [--port P] "
                        "[--udp-local P] [--udp-remote P] [--count N] [--seconds S] [--timeout S] "
                        "[--until-lost] [--reconnect]\n");
        return 2;
    }
    int is_server = !strcmp(argv[1], "server");
    struct sctp_link_config cfg = {.transport = SCTP_LINK_UDP_ENCAP, .remote_port = SCTP_LINK_NGAP_PORT,
                                   .local_port = SCTP_LINK_NGAP_PORT, .streams = 2};
    snprintf(cfg.remote_addr, sizeof cfg.remote_addr, "127.0.0.1");
    snprintf(cfg.local_addr, sizeof cfg.local_addr, "127.0.0.1");
    int count = 100, until_lost = 0, reconnect = 0;
    double seconds = 30, timeout = 10;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--until-lost")) { until_lost = 1; continue; }
        if (!strcmp(a, "--reconnect")) { reconnect = 1; continue; }
        if (!v) { fprintf(stderr, "sctp_peer: %s needs a value\n", a); return 2; }
        i++;
        if (!strcmp(a, "--transport")) {
            if (!strcmp(v, "kernel")) cfg.transport = SCTP_LINK_KERNEL;
            else if (!strcmp(v, "udp")) cfg.transport = SCTP_LINK_UDP_ENCAP;
            else { fprintf(stderr, "sctp_peer: --transport kernel or udp\n"); return 2; }
        } else if (!strcmp(a, "--addr")) {
            snprintf(cfg.remote_addr, sizeof cfg.remote_addr, "%s", v);
            snprintf(cfg.local_addr, sizeof cfg.local_addr, "%s", v);
        } else if (!strcmp(a, "--port")) cfg.remote_port = cfg.local_port = (uint16_t)atoi(v);
        else if (!strcmp(a, "--udp-local")) cfg.udp_local_port = (uint16_t)atoi(v);
        else if (!strcmp(a, "--udp-remote")) cfg.udp_remote_port = (uint16_t)atoi(v);
        else if (!strcmp(a, "--count")) count = atoi(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--timeout")) timeout = atof(v);
        else { fprintf(stderr, "sctp_peer: unknown option %s\n", a); return 2; }
    }
    tool_init();
    return is_server ? serve(&cfg, seconds) : client(&cfg, count, timeout, until_lost, reconnect);
}
