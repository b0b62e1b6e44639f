/* ngap_probe: one NG Setup (38.413 8.7.1) against a real AMF, to try ngap/ and gnb/sctp_link.h on the wire.
 *
 *   ngap_probe [--addr A] [--port P] [--transport udp|kernel] [--udp-local P] [--udp-remote P]
 *              [--plmn MCCMNC] [--tac T] [--sst S] [--sd SD] [--gnb-id N/LEN] [--name NAME]
 *              [--timeout S] [--hold S] [--save-pdus DIR]
 *
 * Connects one association to the AMF (defaults: udp, 127.0.0.1:38412, encapsulation ports 9900 -> 9899), sends
 * an NGSetupRequest built with ngap_encode on stream 0 (38.412 7: non-UE-associated signalling), waits up to
 * --timeout seconds for the answer, decodes every received PDU with ngap_decode and prints its fields: for an
 * NGSetupResponse the AMF name, served GUAMIs, relative capacity and PLMN support list (and whether our PLMN and
 * slice are in it), for an NGSetupFailure the cause and time to wait. Every received PDU is printed as hex and,
 * with --save-pdus DIR, written to DIR/<n>-<MessageName>.hex (one line of hex, the raw NGAP-PDU) so it can become
 * test data (tests/vectors/ngap/captured.tsv). With --hold S it then keeps the association S seconds (the SCTP
 * heartbeats of both ends run; further PDUs are printed) and fails if the association is lost meanwhile.
 * Exit status: 0 only for an NGSetupResponse; 1 for a failure, a timeout, a transport or decoding error; 2 for
 * bad options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gnb/sctp_link.h"
#include "ngap/ngap.h"
#include "tests/tools/tool_util.h"

struct probe_opts {
    struct sctp_link_config link;
    int mcc, mnc, mnc_digits;
    uint32_t tac, sd;
    int sst, has_sd;
    uint32_t gnb_id;
    int gnb_id_bits;
    char name[NGAP_NAME_MAX + 1];
    double timeout, hold;
    const char *save_dir;
};

static const char *const cause_groups[] = {"radioNetwork", "transport", "nas", "protocol", "misc"};
static const int ttw_seconds[] = {1, 2, 5, 10, 20, 60};

static void plmn_str(const struct ngap_plmn *p, char *s, size_t n)
{
    int mcc, mnc, d;
    if (ngap_plmn_to_mcc_mnc(p, &mcc, &mnc, &d) < 0)
        snprintf(s, n, "(bad BCD %02x%02x%02x)", p->b[0], p->b[1], p->b[2]);
    else
        snprintf(s, n, "%03d/%0*d", mcc, d, mnc);
}

static void snssai_str(const struct ngap_snssai *v, char *s, size_t n)
{
    if (v->has_sd)
        snprintf(s, n, "SST %u SD %06x", v->sst, v->sd);
    else
        snprintf(s, n, "SST %u", v->sst);
}

static void print_hex(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", b[i]);
    fputc('\n', f);
}

/* Writes DIR/<seq>-<name>.hex; 0 or -errno. */
static int save_pdu(const char *dir, int seq, const char *name, const uint8_t *b, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%02d-%s.hex", dir, seq, name);
    FILE *f = fopen(path, "w");
    if (!f) return -errno;
    print_hex(f, b, n);
    if (fclose(f) != 0) return -errno;
    printf("ngap_probe: saved %s\n", path);
    return 0;
}

static int build_request(const struct probe_opts *o, struct ngap_pdu *pdu)
{
    memset(pdu, 0, sizeof *pdu);
    pdu->msg = NGAP_MSG_NG_SETUP_REQUEST;
    struct ngap_ng_setup_request *r = &pdu->u.ng_setup_request;
    int rc = ngap_plmn_from_mcc_mnc(&r->plmn, o->mcc, o->mnc, o->mnc_digits);
    if (rc < 0) return rc;
    r->gnb_id = o->gnb_id;
    r->gnb_id_bits = o->gnb_id_bits;
    if (o->name[0]) {
        r->has_ran_node_name = true;
        snprintf(r->ran_node_name, sizeof r->ran_node_name, "%s", o->name);
    }
    r->n_tas = 1;
    r->tas[0].tac = o->tac;
    r->tas[0].n_plmns = 1;
    r->tas[0].plmns[0].plmn = r->plmn;
    r->tas[0].plmns[0].n_slices = 1;
    r->tas[0].plmns[0].slices[0] = (struct ngap_snssai){.sst = (uint8_t)o->sst, .has_sd = o->has_sd, .sd = o->sd};
    r->default_paging_drx = NGAP_DRX_128;
    return 0;
}

/* Prints the NGSetupResponse; returns 1 when our PLMN and slice are in its PLMN Support List. */
static int print_response(const struct ngap_ng_setup_response *r, const struct ngap_pdu *req)
{
    const struct ngap_broadcast_plmn *ours = &req->u.ng_setup_request.tas[0].plmns[0];
    char a[64], b[64];
    printf("  AMF name: %s\n", r->amf_name);
    printf("  served GUAMIs: %d\n", r->n_guamis);
    for (int i = 0; i < r->n_guamis; i++) {
        const struct ngap_served_guami *g = &r->guamis[i];
        plmn_str(&g->guami.plmn, a, sizeof a);
        printf("    GUAMI %d: PLMN %s, AMF region %u, set %u, pointer %u%s%s\n", i, a, g->guami.region_id,
               g->guami.set_id, g->guami.pointer, g->has_backup_amf_name ? ", backup AMF " : "",
               g->has_backup_amf_name ? g->backup_amf_name : "");
    }
    printf("  relative AMF capacity: %d\n", r->relative_amf_capacity);
    printf("  PLMN support: %d\n", r->n_plmns);
    int found = 0;
    for (int i = 0; i < r->n_plmns; i++) {
        const struct ngap_plmn_support *p = &r->plmns[i];
        plmn_str(&p->plmn, a, sizeof a);
        printf("    PLMN %s:", a);
        for (int k = 0; k < p->n_slices; k++) {
            snssai_str(&p->slices[k], b, sizeof b);
            printf("%s %s", k ? "," : "", b);
            const struct ngap_snssai *s = &ours->slices[0];
            if (!memcmp(p->plmn.b, ours->plmn.b, 3) && p->slices[k].sst == s->sst &&
                p->slices[k].has_sd == s->has_sd && (!s->has_sd || p->slices[k].sd == s->sd))
                found = 1;
        }
        printf("\n");
    }
    plmn_str(&ours->plmn, a, sizeof a);
    snssai_str(&ours->slices[0], b, sizeof b);
    printf("  our PLMN %s with %s: %s\n", a, b, found ? "supported" : "NOT in the AMF's PLMN support list");
    return found;
}

static void print_cause(const char *what, const struct ngap_cause *c)
{
    printf("  %s: %s, value %u\n", what, c->group < 5 ? cause_groups[c->group] : "?", c->value);
}

/* Handles one received PDU: 0 = an answer that ends the probe successfully, 1 = a failure answer, -EAGAIN = not
 * the answer (keep waiting), another negative errno = decoding error. */
static int on_pdu(const struct probe_opts *o, int seq, const uint8_t *buf, size_t n, const struct sctp_link_rx *rx,
                  const struct ngap_pdu *req)
{
    static struct ngap_pdu pdu;
    printf("ngap_probe: received %zu octets on stream %u, PPID %u: ", n, rx->stream, rx->ppid);
    print_hex(stdout, buf, n);
    int rc = ngap_decode(buf, n, &pdu);
    const char *name = rc == 0 ? ngap_msg_name(pdu.msg) : "undecoded";
    if (o->save_dir) {
        int s = save_pdu(o->save_dir, seq, name, buf, n);
        if (s < 0) fprintf(stderr, "ngap_probe: cannot write to %s: %s\n", o->save_dir, strerror(-s));
    }
    if (rc < 0) {
        printf("ngap_probe: ngap_decode: %s (%d); PDU type %u, procedure code %u, criticality %u\n", strerror(-rc),
               rc, pdu.type, pdu.procedure_code, pdu.criticality);
        return rc;
    }
    printf("ngap_probe: %s (procedure %u, criticality %u)\n", name, pdu.procedure_code, pdu.criticality);
    for (int i = 0; i < pdu.n_skipped && i < NGAP_MAX_SKIPPED; i++)
        printf("  IE not modelled, skipped: id %u criticality %u\n", pdu.skipped[i].id, pdu.skipped[i].criticality);
    switch (pdu.msg) {
    case NGAP_MSG_NG_SETUP_RESPONSE:
        print_response(&pdu.u.ng_setup_response, req);
        return 0;
    case NGAP_MSG_NG_SETUP_FAILURE:
        print_cause("cause", &pdu.u.ng_setup_failure.cause);
        if (pdu.u.ng_setup_failure.has_time_to_wait) {
            int t = pdu.u.ng_setup_failure.time_to_wait;
            printf("  time to wait: %d s\n", t >= 0 && t < 6 ? ttw_seconds[t] : -1);
        }
        return 1;
    case NGAP_MSG_ERROR_INDICATION:
        if (pdu.u.error_indication.has_cause) print_cause("cause", &pdu.u.error_indication.cause);
        return 1;
    default:
        return -EAGAIN;
    }
}

static int probe(const struct probe_opts *o)
{
    static struct ngap_pdu req;
    static uint8_t tx[NGAP_MAX_PDU_BYTES], rxb[65536];
    size_t len = 0;
    char err[256];
    int rc = build_request(o, &req);
    if (rc == 0) rc = ngap_encode(&req, tx, sizeof tx, &len);
    if (rc < 0) {
        fprintf(stderr, "ngap_probe: cannot encode the NGSetupRequest: %s\n", strerror(-rc));
        return 1;
    }
    printf("ngap_probe: NGSetupRequest, %zu octets: ", len);
    print_hex(stdout, tx, len);

    double t0 = tool_now_s(), deadline = t0 + o->timeout;
    struct sctp_link *l;
    if ((rc = sctp_link_connect(&l, &o->link, err, sizeof err)) < 0) {
        fprintf(stderr, "ngap_probe: %s\n", err);
        return 1;
    }
    struct sctp_link_rx rx;
    int n = 0;
    while (sctp_link_is_up(l) == 0 && tool_now_s() < deadline && !tool_stop) {
        sctp_link_wait(l, 50);
        n = sctp_link_recv(l, rxb, sizeof rxb, &rx);
        if (n >= 0) printf("ngap_probe: %d octets before the association was up (dropped)\n", n);
    }
    if (sctp_link_is_up(l) != 1) {
        fprintf(stderr, "ngap_probe: association to %s port %u (%s) not up: %s\n", o->link.remote_addr,
                o->link.remote_port, sctp_link_transport_name(o->link.transport),
                sctp_link_is_up(l) < 0 ? "refused or lost" : "timeout");
        sctp_link_close(l);
        return 1;
    }
    printf("ngap_probe: association up after %.1f ms (%s)\n", (tool_now_s() - t0) * 1e3,
           sctp_link_transport_name(o->link.transport));
    while ((rc = sctp_link_send(l, 0, SCTP_LINK_NGAP_PPID, tx, len)) == -EAGAIN && tool_now_s() < deadline && !tool_stop)
        sctp_link_wait(l, 10);
    if (rc < 0) {
        fprintf(stderr, "ngap_probe: send: %s\n", strerror(-rc));
        sctp_link_close(l);
        return 1;
    }
    double ts = tool_now_s();
    int result = -ETIMEDOUT, seq = 0;
    while (result == -ETIMEDOUT && tool_now_s() < deadline && !tool_stop) {
        n = sctp_link_recv(l, rxb, sizeof rxb, &rx);
        if (n == -EAGAIN) {
            sctp_link_wait(l, 50);
            continue;
        }
        if (n < 0) {
            fprintf(stderr, "ngap_probe: receive: %s\n", strerror(-n));
            result = 1;
            break;
        }
        int r = on_pdu(o, ++seq, rxb, (size_t)n, &rx, &req);
        if (r != -EAGAIN) result = r == 0 ? 0 : 1;
    }
    if (result == -ETIMEDOUT) {
        fprintf(stderr, "ngap_probe: no NGSetupResponse/Failure within %.1f s\n", o->timeout);
        result = 1;
    } else {
        printf("ngap_probe: answer after %.1f ms\n", (tool_now_s() - ts) * 1e3);
    }
    if (result == 0 && o->hold > 0) {
        double end = tool_now_s() + o->hold;
        while (tool_now_s() < end && !tool_stop && (n = sctp_link_recv(l, rxb, sizeof rxb, &rx)) != -ECONNRESET) {
            if (n >= 0) on_pdu(o, ++seq, rxb, (size_t)n, &rx, &req);
            else sctp_link_wait(l, 100);
        }
        result = sctp_link_is_up(l) == 1 ? 0 : 1;
        printf("ngap_probe: association %s after holding %.1f s\n", result ? "LOST" : "still up", o->hold);
    }
    sctp_link_close(l);
    return result;
}

static int parse_u32(const char *v, unsigned long max, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 0);
    if (errno || end == v || *end || x > max || v[0] == '-') return -EINVAL;
    *out = (uint32_t)x;
    return 0;
}

static int parse_plmn(const char *v, struct probe_opts *o)
{
    size_t n = strlen(v);
    if ((n != 5 && n != 6) || strspn(v, "0123456789") != n) return -EINVAL;
    o->mcc = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
    o->mnc = atoi(v + 3);
    o->mnc_digits = (int)n - 3;
    return 0;
}

static int usage(const char *why)
{
    if (why) fprintf(stderr, "ngap_probe: %s\n", why);
    fprintf(stderr, "usage: ngap_probe [--addr A] [--port P] [--transport udp|kernel] [--udp-local P] "
                    "[--udp-remote P] [--plmn MCCMNC] [--tac T] [--sst S] [--sd SD] [--gnb-id N/LEN] "
                    "[--name NAME] [--timeout S] [--hold S] [--save-pdus DIR]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct probe_opts o = {
        .link = {.transport = SCTP_LINK_UDP_ENCAP, .remote_port = SCTP_LINK_NGAP_PORT, .udp_local_port = 9900,
                 .udp_remote_port = 9899, .streams = 2},
        .mcc = 1, .mnc = 1, .mnc_digits = 2, .tac = 7, .sst = 1, .gnb_id = 1, .gnb_id_bits = 22, .timeout = 5,
    };
    snprintf(o.link.remote_addr, sizeof o.link.remote_addr, "127.0.0.1");
    snprintf(o.name, sizeof o.name, "gnbd-ngap-probe");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(NULL);
        if (!v) return usage("an option needs a value");
        i++;
        uint32_t x;
        if (!strcmp(a, "--transport")) {
            if (!strcmp(v, "kernel")) o.link.transport = SCTP_LINK_KERNEL;
            else if (!strcmp(v, "udp")) o.link.transport = SCTP_LINK_UDP_ENCAP;
            else return usage("--transport is kernel or udp");
        } else if (!strcmp(a, "--addr")) {
            snprintf(o.link.remote_addr, sizeof o.link.remote_addr, "%s", v);
        } else if (!strcmp(a, "--port")) {
            if (parse_u32(v, 65535, &x) < 0 || !x) return usage("--port is 1..65535");
            o.link.remote_port = (uint16_t)x;
        } else if (!strcmp(a, "--udp-local")) {
            if (parse_u32(v, 65535, &x) < 0 || !x) return usage("--udp-local is 1..65535");
            o.link.udp_local_port = (uint16_t)x;
        } else if (!strcmp(a, "--udp-remote")) {
            if (parse_u32(v, 65535, &x) < 0 || !x) return usage("--udp-remote is 1..65535");
            o.link.udp_remote_port = (uint16_t)x;
        } else if (!strcmp(a, "--plmn")) {
            if (parse_plmn(v, &o) < 0) return usage("--plmn is MCC and MNC, 5 or 6 digits (00101)");
        } else if (!strcmp(a, "--tac")) {
            if (parse_u32(v, 0xffffff, &o.tac) < 0) return usage("--tac is 0..16777215 (24 bits)");
        } else if (!strcmp(a, "--sst")) {
            if (parse_u32(v, 255, &x) < 0) return usage("--sst is 0..255");
            o.sst = (int)x;
        } else if (!strcmp(a, "--sd")) {
            if (parse_u32(v, 0xffffff, &o.sd) < 0) return usage("--sd is 0..0xffffff (24 bits)");
            o.has_sd = 1;
        } else if (!strcmp(a, "--gnb-id")) {
            char idbuf[64], *slash;
            snprintf(idbuf, sizeof idbuf, "%s", v);
            uint32_t bits = 22;
            if ((slash = strchr(idbuf, '/'))) {
                *slash = 0;
                if (parse_u32(slash + 1, 32, &bits) < 0 || bits < 22) return usage("--gnb-id length is 22..32 bits");
            }
            if (parse_u32(idbuf, bits == 32 ? 0xffffffffu : (1ul << bits) - 1, &o.gnb_id) < 0)
                return usage("--gnb-id N/LEN: N must fit in LEN (22..32) bits");
            o.gnb_id_bits = (int)bits;
        } else if (!strcmp(a, "--name")) {
            if (strlen(v) < 1 || strlen(v) > NGAP_NAME_MAX) return usage("--name is 1..150 characters");
            snprintf(o.name, sizeof o.name, "%s", v);
        } else if (!strcmp(a, "--timeout")) {
            o.timeout = atof(v);
            if (!(o.timeout > 0 && o.timeout <= 600)) return usage("--timeout is 0..600 seconds");
        } else if (!strcmp(a, "--hold")) {
            o.hold = atof(v);
            if (!(o.hold >= 0 && o.hold <= 3600)) return usage("--hold is 0..3600 seconds");
        } else if (!strcmp(a, "--save-pdus")) {
            struct stat st;
            if (stat(v, &st) < 0 || !S_ISDIR(st.st_mode)) return usage("--save-pdus needs an existing directory");
            o.save_dir = v;
        } else {
            return usage("unknown option");
        }
    }
    tool_init();
    char p[16];
    struct ngap_plmn pl;
    if (ngap_plmn_from_mcc_mnc(&pl, o.mcc, o.mnc, o.mnc_digits) < 0) return usage("bad --plmn");
    plmn_str(&pl, p, sizeof p);
    printf("ngap_probe: gNB %u/%d, PLMN %s, TAC %u, SST %d to %s port %u over %s", o.gnb_id, o.gnb_id_bits, p,
           o.tac, o.sst, o.link.remote_addr, o.link.remote_port, sctp_link_transport_name(o.link.transport));
    if (o.link.transport == SCTP_LINK_UDP_ENCAP)
        printf(" (UDP encapsulation %u -> %u)", o.link.udp_local_port, o.link.udp_remote_port);
    printf("\n");
    return probe(&o);
}
