/* amf_stub: an AMF stand-in for NG Setup tests (not a core network). Listens for one gNB at a time over
 * gnb/sctp_link.h, decodes what arrives with ngap/ngap.h and prints it; answers an NGSetupRequest with an
 * NGSetupResponse (AMF name "amf-stub", one GUAMI of the gNB's PLMN, relative capacity 255, the gNB's first
 * slice) — or, for the first --fail N requests, with an NGSetupFailure (cause misc/unspecified, Time To Wait
 * --ttw V as the 9.3.1.56 index, absent when V < 0). Prints "amf_stub: NGSetupRequest gnb_id=... bits=... tac=...
 * plmn=MCC/MNC sst=... name=..." per request. An Initial UE Message is printed (RAN UE NGAP ID, NAS length and
 * first octets, NR CGI, TAC, cause) and answered with a Downlink NAS Transport (AMF UE NGAP ID 1000 + the RAN
 * one) carrying --dl-nas HEX (default 7e005b01: a plain 5GMM Identity Request for the SUCI); an Uplink NAS
 * Transport is printed with its NAS octets; with --release-after-ul it is followed by a UE Context Release
 * Command (cause nas/normal-release) for that UE, and the gNB's UE Context Release Complete is printed.
 * --release-after-ul N: the command follows the N-th Uplink NAS Transport of the UE instead.
 * A UE Context Release Request from the gNB is printed and answered with the Command, as an AMF does (not for
 * the RAN UE NGAP ID --no-command-ran N).
 * --ics KGNB_HEX: an Initial Context Setup Request (38.413 8.3.1: K_gNB = the 64 hex digits, UE security
 * capabilities NEA1-3/NIA1-3 or --ics-caps ENC_HEX,INT_HEX as 16-bit maps, the NAS-PDU --ics-nas HEX if given)
 * follows the UE's --ics-after-ul N-th Uplink NAS Transport (0: the Initial UE Message itself, after the DL NAS);
 * --ics-bad-id N sends it, for the N-th UE (Initial UE Message) only, for a RAN UE NGAP ID the gNB never gave.
 * --ics-sessions N puts sessions 1..N in it (PDU Session Resource Setup List Cxt Req, as after a Service Request
 * from idle: the items of --sessions, each with the --session-nas NAS-PDU; --ics-bad-5qi P gives session P's
 * QoS flow the unknown 5QI 200, --ics-bad-ue N every session's for the N-th UE only).
 * The gNB's answer is printed: "amf_stub: InitialContextSetupResponse amf_ue_id=.. ran_ue_id=.." (then the
 * set-up and failed sessions as for PDUSessionResourceSetupResponse below),
 * "...Failure ... cause=G/V" or "amf_stub: ErrorIndication ... cause=G/V"; after a failure or an error
 * indication the UE is released (UE Context Release Command, cause nas/normal-release), as an AMF does.
 * --session-after-ul N: a PDU Session Resource Setup Request (38.413 8.2.1: session 1, IPv4, S-NSSAI SST 1, the
 * UPF's tunnel 127.0.0.1 TEID 0x00001234, one QoS flow QFI 1 5QI 9, the NAS-PDU --session-nas HEX if given)
 * follows the UE's N-th Uplink NAS Transport; the answer is printed: "amf_stub: PDUSessionResourceSetupResponse
 * ... setup=PSI dl_teid=0x... n3=A.B.C.D qfi=Q" or "... failed=PSI cause=G/V".
 * SIGUSR1: a PDU Session Resource Release Command (38.413 8.2.2: session 1, cause nas/normal-release, the NAS-PDU
 * --release-nas HEX, default a DL NAS Transport with a 5GSM PDU Session Release Command) for the last UE; the answer
 * is printed: "amf_stub: PDUSessionResourceReleaseResponse amf_ue_id=.. ran_ue_id=.. released=PSI[,PSI..]".
 * SIGUSR2: another PDU Session Resource Setup Request for the last UE (session 1 again, the UPF's TEID one more
 * than the previous request's: 0x1235, 0x1236, ...; with --usr2-next 1 the session after the last one asked for).
 * Several sessions (an internet and an IMS one, say): --sessions N puts sessions 1..N in the request of
 * --session-after-ul (the UPF's TEIDs 0x1234 + k, QFI k + 1 for session k + 1, each with the NAS-PDU);
 * --release-psi P has SIGUSR1 release session P instead of 1.
 * NG procedures (38.413 8.7.4, 8.7.5, 8.14.1), each at the N-th UE's first Uplink NAS Transport, instead of the
 * Initial Context Setup for that UE: --reset-ue N: NG Reset naming that UE's connection (both ids) and one of
 * no UE (AMF UE NGAP ID 999999 alone); --reset-all-ue N: NG Reset of the whole interface; --error-ue N: an
 * Error Indication without ids (cause protocol/semantic-error), then one with the UE's ids and cause radio
 * network 14 (unknown-local-UE-NGAP-ID). The gNB's NG Reset Acknowledge is printed with its list: "amf_stub:
 * NGResetAcknowledge ues=N AMF/RAN ..." (-1 for an absent id). An NG Reset from the gNB is printed ("amf_stub:
 * NGReset reset_all=1 cause=G/V") and acknowledged. A UE Radio Capability Info Indication is printed with its
 * octets and, decoded as 38.331's UERadioAccessCapabilityInformation, its containers: "amf_stub:
 * UERadioCapabilityInfoIndication amf_ue_id=.. ran_ue_id=.. len=L containers=N rat0=T cap0=HEX" (or "bad=ERR");
 * with --ics-radio-cap 1 the last one received goes into later Initial Context Setup Requests (as an AMF does).
 *   amf_stub [--transport kernel|udp] [--addr A] [--port P] [--udp-local P] [--fail N] [--ttw V] [--seconds S]
 *            [--dl-nas HEX] [--release-after-ul N] [--ics KGNB_HEX [--ics-after-ul N] [--ics-nas HEX]
 *            [--ics-caps ENC,INT] [--ics-bad-id 1] [--ics-radio-cap 1] [--ics-sessions N [--ics-bad-5qi P] [--ics-bad-ue N]]]
 *            [--reset-ue N] [--reset-all-ue N]
 *            [--error-ue N] [--no-command-ran N] [--session-after-ul N [--session-nas HEX] [--sessions N]]
 *            [--release-nas HEX] [--release-psi P] [--usr2-next 1]
 * Exit status 0 at --seconds or SIGTERM. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gnb/sctp_link.h"
#include "ngap/ngap.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/tools/tool_util.h"

static struct ngap_pdu in, out;
static uint8_t dl_nas[256] = {0x7e, 0x00, 0x5b, 0x01};
static size_t dl_nas_len = 4;
static int release_after_ul;
static bool ics;
static uint8_t ics_key[32], ics_nas[256];
static size_t ics_nas_len;
static int ics_after_ul, ics_bad_id, ul_count, ue_count;
static uint64_t cur_amf_id;
static uint32_t cur_ran_id;
static unsigned ics_enc = 0xe000, ics_int = 0xe000;
static struct ngap_plmn plmn;
static int session_after_ul;
static void send_pdu(struct sctp_link *a, uint16_t stream);
static uint8_t session_nas[256];
static size_t session_nas_len;
static uint32_t session_ul_teid = 0x1234;
static int n_sessions = 1, release_psi = 1, last_psi; /* --sessions, --release-psi; the last session asked for */
static bool usr2_next;
/* 5GMM DL NAS Transport (plain) carrying 5GSM PDU Session Release Command (PSI 1, PTI 1, cause #36 regular
 * deactivation), PDU session ID 1: opaque to gnbd */
static uint8_t release_nas[256] = {0x7e, 0x00, 0x68, 0x01, 0x00, 0x05, 0x2e, 0x01, 0x01, 0xd3, 0x24, 0x12, 0x01};
static size_t release_nas_len = 13;
static volatile sig_atomic_t want_release, want_session;

static void on_usr(int sig)
{
    if (sig == SIGUSR1) want_release = 1;
    else want_session = 1;
}
static int reset_ue, reset_all_ue, error_ue, no_command_ran;
static bool ics_radio_cap;
static int ics_sessions, ics_bad_5qi = -1, ics_bad_ue; /* --ics-sessions N, --ics-bad-5qi PSI, --ics-bad-ue N */
static uint8_t radio_cap[NGAP_MAX_UE_RADIO_CAP];
static size_t radio_cap_len;
static struct rrc_ue_capability_information cap_info;

/* The PDU Session Resource Setup List's items (SU Req or Cxt Req): n sessions from first on (one QoS flow each,
 * QFI = the session's index in the request + 1; with one session QFI 1; 5QI 9, or 200 for session bad_5qi, for
 * every session when bad_5qi is 0). */
static void fill_sessions(struct ngap_pdu_session_setup_item *items, int *n_items, int first, int n, int bad_5qi)
{
    *n_items = n < 1 ? 1 : n > NGAP_MAX_PDU_SESSIONS ? NGAP_MAX_PDU_SESSIONS : n;
    for (int k = 0; k < *n_items; k++) {
        struct ngap_pdu_session_setup_item *it = &items[k];
        it->pdu_session_id = last_psi = first + k;
        it->has_nas_pdu = session_nas_len > 0;
        it->nas_len = session_nas_len;
        memcpy(it->nas, session_nas, session_nas_len);
        it->snssai.sst = 1;
        it->ul_tunnel = (struct ngap_gtp_tunnel){.addr_bits = 32, .addr = {127, 0, 0, 1}, .teid = session_ul_teid++};
        it->pdu_session_type = NGAP_PDU_IPV4;
        it->n_qos_flows = 1;
        it->qos_flows[0] = (struct ngap_qos_flow){.qfi = k + 1, .five_qi = first + k == bad_5qi || bad_5qi == 0 ? 200 : 9,
                                                   .arp_priority = 8};
    }
}

/* 38.413 8.2.1: PDU Session Resource Setup Request for the UE: n sessions from first on (fill_sessions). */
static void send_session(struct sctp_link *a, uint64_t amf_id, uint32_t ran_id, int first, int n)
{
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST;
    struct ngap_pdu_session_resource_setup_request *r = &out.u.pdu_session_resource_setup_request;
    r->head.amf_ue_ngap_id = amf_id;
    r->head.ran_ue_ngap_id = ran_id;
    fill_sessions(r->sessions, &r->n_sessions, first, n, -1);
    send_pdu(a, 1);
}

/* The set-up and failed lists of a PDU Session Resource Setup Response or an Initial Context Setup Response. */
static void print_setup_lists(const struct ngap_pdu_session_resource_setup_response *r)
{
    for (int i = 0; i < r->n_setup; i++) {
        const struct ngap_gtp_tunnel *t = &r->setup[i].dl_tunnel;
        printf(" setup=%d dl_teid=0x%08x n3=%d.%d.%d.%d qfi=%d", r->setup[i].pdu_session_id, t->teid, t->addr[0],
               t->addr[1], t->addr[2], t->addr[3], r->setup[i].n_qos_flows ? r->setup[i].qfis[0] : -1);
    }
    for (int i = 0; i < r->n_failed; i++)
        printf(" failed=%d cause=%d/%d", r->failed[i].pdu_session_id, r->failed[i].cause.group,
               r->failed[i].cause.value);
    printf("\n");
}

/* 38.413 8.2.2: PDU Session Resource Release Command for the UE (session 1, with the NAS-PDU). */
static void send_session_release(struct sctp_link *a, uint64_t amf_id, uint32_t ran_id)
{
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND;
    struct ngap_pdu_session_release_command *c = &out.u.pdu_session_resource_release_command;
    c->head.amf_ue_ngap_id = amf_id;
    c->head.ran_ue_ngap_id = ran_id;
    c->head.has_nas_pdu = release_nas_len > 0;
    c->head.nas_len = release_nas_len;
    memcpy(c->head.nas, release_nas, release_nas_len);
    c->n_sessions = 1;
    c->pdu_session_ids[0] = release_psi;
    c->causes[0] = (struct ngap_cause){.group = NGAP_CAUSE_NAS, .value = 0}; /* normal-release */
    send_pdu(a, 1);
}

/* HEX into b[cap]: the octet count, -1 when not hex. */
static int parse_hex(const char *v, uint8_t *b, size_t cap)
{
    size_t n = 0;
    for (; v[2 * n] && v[2 * n + 1] && n < cap; n++) {
        unsigned x;
        if (sscanf(v + 2 * n, "%2x", &x) != 1) return -1;
        b[n] = (uint8_t)x;
    }
    return (int)n;
}

static void print_hex(const uint8_t *b, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++) printf("%02x", b[i]);
    if (n > max) printf("...");
}

static void send_pdu(struct sctp_link *a, uint16_t stream)
{
    uint8_t buf[NGAP_MAX_PDU_BYTES];
    size_t len;
    if (ngap_encode(&out, buf, sizeof buf, &len) < 0 || sctp_link_send(a, stream, SCTP_LINK_NGAP_PPID, buf, len) < 0)
        printf("amf_stub: could not send %s\n", ngap_msg_name(out.msg));
    else
        printf("amf_stub: sent %s\n", ngap_msg_name(out.msg));
}

/* 38.413 8.3.3: UE Context Release Command (cause nas/normal-release). */
static void send_release(struct sctp_link *a, uint64_t amf_id, uint32_t ran_id)
{
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND;
    out.u.ue_context_release_command.has_ran_ue_ngap_id = true;
    out.u.ue_context_release_command.amf_ue_ngap_id = amf_id;
    out.u.ue_context_release_command.ran_ue_ngap_id = ran_id;
    out.u.ue_context_release_command.cause.group = NGAP_CAUSE_NAS;
    out.u.ue_context_release_command.cause.value = 0; /* normal-release */
    send_pdu(a, 1);
}

/* 38.413 8.3.1: Initial Context Setup Request for the UE (amf_id, ran_id). */
static void send_ics(struct sctp_link *a, uint64_t amf_id, uint32_t ran_id)
{
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST;
    struct ngap_initial_context_setup_request *r = &out.u.initial_context_setup_request;
    r->amf_ue_ngap_id = amf_id;
    r->ran_ue_ngap_id = ics_bad_id == ue_count ? ran_id + 100 : ran_id;
    r->guami = (struct ngap_guami){.plmn = plmn, .region_id = 2, .set_id = 1, .pointer = 0};
    r->n_allowed_nssai = 1;
    r->allowed_nssai[0].sst = 1;
    r->security_capabilities.nr_encryption = (uint16_t)ics_enc;
    r->security_capabilities.nr_integrity = (uint16_t)ics_int;
    memcpy(r->security_key, ics_key, sizeof ics_key);
    r->has_nas_pdu = ics_nas_len > 0;
    r->nas_len = ics_nas_len;
    memcpy(r->nas, ics_nas, ics_nas_len);
    r->has_ue_radio_capability = ics_radio_cap && radio_cap_len > 0;
    r->ue_radio_capability_len = r->has_ue_radio_capability ? radio_cap_len : 0;
    memcpy(r->ue_radio_capability, radio_cap, r->ue_radio_capability_len);
    r->has_sessions = ics_sessions > 0; /* as after a Service Request from idle */
    if (r->has_sessions) fill_sessions(r->sessions, &r->n_sessions, 1, ics_sessions, ics_bad_ue == ue_count ? 0 : ics_bad_5qi);
    send_pdu(a, 1);
    if (r->has_ue_radio_capability) printf("amf_stub: (with the UE Radio Capability, %zu bytes)\n", radio_cap_len);
}

/* 38.413 8.7.4.2.1: NG Reset of the whole interface, or of the UE's connection and one of no UE. */
static void send_reset(struct sctp_link *a, bool all, uint64_t amf_id, uint32_t ran_id)
{
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_NG_RESET;
    struct ngap_ng_reset *r = &out.u.ng_reset;
    r->cause = (struct ngap_cause){.group = NGAP_CAUSE_MISC, .value = NGAP_CAUSE_MISC_UNSPECIFIED};
    r->reset_all = all;
    r->n_ues = all ? 0 : 2;
    r->ues[0] = (struct ngap_ue_connection){true, amf_id, true, ran_id};
    r->ues[1] = (struct ngap_ue_connection){.has_amf_ue_ngap_id = true, .amf_ue_ngap_id = 999999};
    send_pdu(a, 0);
}

/* 38.413 8.7.5: an Error Indication with no ids, then one naming the UE (unknown-local-UE-NGAP-ID). */
static void send_errors(struct sctp_link *a, uint64_t amf_id, uint32_t ran_id)
{
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_ERROR_INDICATION;
    out.u.error_indication = (struct ngap_error_indication){
        .has_cause = true, .cause = {NGAP_CAUSE_PROTOCOL, NGAP_CAUSE_PROTOCOL_SEMANTIC_ERROR}};
    send_pdu(a, 0);
    out.u.error_indication = (struct ngap_error_indication){
        .has_amf_ue_ngap_id = true, .amf_ue_ngap_id = amf_id, .has_ran_ue_ngap_id = true, .ran_ue_ngap_id = ran_id,
        .has_cause = true, .cause = {NGAP_CAUSE_RADIO_NETWORK, NGAP_CAUSE_RADIO_UNKNOWN_LOCAL_UE_NGAP_ID}};
    send_pdu(a, 1);
}

/* 38.413 8.14.1: the octets, and what they hold (38.331 UERadioAccessCapabilityInformation). */
static void radio_capability(void)
{
    const struct ngap_ue_radio_capability_info_indication *c = &in.u.ue_radio_capability_info_indication;
    printf("amf_stub: UERadioCapabilityInfoIndication amf_ue_id=%llu ran_ue_id=%u len=%zu bytes=",
           (unsigned long long)c->amf_ue_ngap_id, c->ran_ue_ngap_id, c->cap_len);
    print_hex(c->cap, c->cap_len, 64);
    int rc = rrc_ue_radio_access_cap_info_decode(c->cap, c->cap_len, &cap_info);
    if (rc < 0) {
        printf(" bad=%s\n", strerror(-rc));
        return;
    }
    printf(" containers=%d", cap_info.nof_containers);
    for (int i = 0; i < cap_info.nof_containers; i++) {
        printf(" rat%d=%d cap%d=", i, cap_info.container[i].rat_type, i);
        print_hex(cap_info.bytes + cap_info.container[i].off, cap_info.container[i].len, 64);
    }
    printf("\n");
    memcpy(radio_cap, c->cap, c->cap_len);
    radio_cap_len = c->cap_len;
}

/* 38.413 8.6.1 / 8.6.2: the first NAS message of a UE, answered by a DL NAS message. */
static void initial_ue(struct sctp_link *a)
{
    const struct ngap_initial_ue_message *m = &in.u.initial_ue_message;
    printf("amf_stub: InitialUEMessage ran_ue_id=%u nas_len=%zu nas=", m->ran_ue_ngap_id, m->nas_len);
    print_hex(m->nas, m->nas_len, 8);
    printf(" nr_cell_id=%llu tac=%u cause=%d ue_context_request=%d\n", (unsigned long long)m->uli.cgi.cell_id,
           m->uli.tai.tac, m->rrc_establishment_cause, m->ue_context_requested);
    memset(&out, 0, sizeof out);
    out.msg = NGAP_MSG_DOWNLINK_NAS_TRANSPORT;
    out.u.downlink_nas_transport.amf_ue_ngap_id = 1000u + m->ran_ue_ngap_id;
    out.u.downlink_nas_transport.ran_ue_ngap_id = m->ran_ue_ngap_id;
    out.u.downlink_nas_transport.nas_len = dl_nas_len;
    memcpy(out.u.downlink_nas_transport.nas, dl_nas, dl_nas_len);
    send_pdu(a, 1);
    ul_count = 0;
    ue_count++;
    cur_amf_id = 1000u + m->ran_ue_ngap_id;
    cur_ran_id = m->ran_ue_ngap_id;
    if (ics && ics_after_ul == 0) send_ics(a, 1000u + m->ran_ue_ngap_id, m->ran_ue_ngap_id);
}

static void answer(struct sctp_link *a, int *fails_left, int ttw)
{
    const struct ngap_ng_setup_request *r = &in.u.ng_setup_request;
    int mcc, mnc, digits;
    ngap_plmn_to_mcc_mnc(&r->plmn, &mcc, &mnc, &digits);
    plmn = r->plmn;
    printf("amf_stub: NGSetupRequest gnb_id=%u bits=%d tac=%u plmn=%03d/%0*d sst=%d name=%s\n", r->gnb_id,
           r->gnb_id_bits, r->n_tas ? r->tas[0].tac : 0, mcc, digits, mnc,
           r->n_tas && r->tas[0].n_plmns ? r->tas[0].plmns[0].slices[0].sst : -1,
           r->has_ran_node_name ? r->ran_node_name : "-");
    memset(&out, 0, sizeof out);
    if (*fails_left > 0) {
        (*fails_left)--;
        out.msg = NGAP_MSG_NG_SETUP_FAILURE;
        out.u.ng_setup_failure.cause.group = NGAP_CAUSE_MISC;
        out.u.ng_setup_failure.cause.value = 5; /* unspecified (9.3.1.2) */
        out.u.ng_setup_failure.has_time_to_wait = ttw >= 0;
        out.u.ng_setup_failure.time_to_wait = ttw;
    } else {
        out.msg = NGAP_MSG_NG_SETUP_RESPONSE;
        struct ngap_ng_setup_response *p = &out.u.ng_setup_response;
        snprintf(p->amf_name, sizeof p->amf_name, "amf-stub");
        p->n_guamis = 1;
        p->guamis[0].guami.plmn = r->plmn;
        p->guamis[0].guami.region_id = 2;
        p->guamis[0].guami.set_id = 1;
        p->relative_amf_capacity = 255;
        p->n_plmns = 1;
        p->plmns[0].plmn = r->plmn;
        p->plmns[0].n_slices = 1;
        p->plmns[0].slices[0] = r->tas[0].plmns[0].slices[0];
    }
    uint8_t buf[NGAP_MAX_PDU_BYTES];
    size_t len;
    if (ngap_encode(&out, buf, sizeof buf, &len) < 0 || sctp_link_send(a, 0, SCTP_LINK_NGAP_PPID, buf, len) < 0) {
        printf("amf_stub: could not answer\n");
        return;
    }
    printf("amf_stub: sent %s\n", ngap_msg_name(out.msg));
}

int main(int argc, char **argv)
{
    struct sctp_link_config cfg = {.transport = SCTP_LINK_UDP_ENCAP, .local_port = SCTP_LINK_NGAP_PORT,
                                   .udp_local_port = 9899, .streams = 2};
    snprintf(cfg.local_addr, sizeof cfg.local_addr, "127.0.0.1");
    int fails = 0, ttw = -1;
    double seconds = 60;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--transport")) cfg.transport = strcmp(v, "kernel") ? SCTP_LINK_UDP_ENCAP : SCTP_LINK_KERNEL;
        else if (!strcmp(a, "--addr")) snprintf(cfg.local_addr, sizeof cfg.local_addr, "%s", v);
        else if (!strcmp(a, "--port")) cfg.local_port = (uint16_t)atoi(v);
        else if (!strcmp(a, "--udp-local")) cfg.udp_local_port = (uint16_t)atoi(v);
        else if (!strcmp(a, "--fail")) fails = atoi(v);
        else if (!strcmp(a, "--ttw")) ttw = atoi(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--release-after-ul")) release_after_ul = atoi(v);
        else if (!strcmp(a, "--ics")) {
            if (strlen(v) != 64 || parse_hex(v, ics_key, sizeof ics_key) != 32) return 2;
            ics = true;
        }
        else if (!strcmp(a, "--ics-after-ul")) ics_after_ul = atoi(v);
        else if (!strcmp(a, "--session-after-ul")) session_after_ul = atoi(v);
        else if (!strcmp(a, "--sessions")) n_sessions = atoi(v);
        else if (!strcmp(a, "--ics-sessions")) ics_sessions = atoi(v);
        else if (!strcmp(a, "--ics-bad-5qi")) ics_bad_5qi = atoi(v);
        else if (!strcmp(a, "--ics-bad-ue")) ics_bad_ue = atoi(v);
        else if (!strcmp(a, "--release-psi")) release_psi = atoi(v);
        else if (!strcmp(a, "--usr2-next")) usr2_next = atoi(v) != 0;
        else if (!strcmp(a, "--session-nas")) {
            int n = parse_hex(v, session_nas, sizeof session_nas);
            if (n < 0) return 2;
            session_nas_len = (size_t)n;
        }
        else if (!strcmp(a, "--ics-bad-id")) ics_bad_id = atoi(v);
        else if (!strcmp(a, "--release-nas")) {
            int n = parse_hex(v, release_nas, sizeof release_nas);
            if (n < 0) return 2;
            release_nas_len = (size_t)n;
        }
        else if (!strcmp(a, "--reset-ue")) reset_ue = atoi(v);
        else if (!strcmp(a, "--reset-all-ue")) reset_all_ue = atoi(v);
        else if (!strcmp(a, "--error-ue")) error_ue = atoi(v);
        else if (!strcmp(a, "--no-command-ran")) no_command_ran = atoi(v);
        else if (!strcmp(a, "--ics-radio-cap")) ics_radio_cap = atoi(v) != 0;
        else if (!strcmp(a, "--ics-caps")) {
            if (sscanf(v, "%x,%x", &ics_enc, &ics_int) != 2) return 2;
        }
        else if (!strcmp(a, "--ics-nas")) {
            int n = parse_hex(v, ics_nas, sizeof ics_nas);
            if (n < 0) return 2;
            ics_nas_len = (size_t)n;
        }
        else if (!strcmp(a, "--dl-nas")) {
            int n = parse_hex(v, dl_nas, sizeof dl_nas);
            if (n < 0) return 2;
            dl_nas_len = (size_t)n;
        }
        else {
            fprintf(stderr, "amf_stub: unknown option %s\n", a);
            return 2;
        }
    }
    tool_init();
    signal(SIGUSR1, on_usr);
    signal(SIGUSR2, on_usr);
    char err[256];
    struct sctp_link *lst, *a = NULL;
    if (sctp_link_listen(&lst, &cfg, err, sizeof err) < 0) {
        fprintf(stderr, "amf_stub: %s\n", err);
        return 1;
    }
    printf("amf_stub: listening on %s:%u\n", cfg.local_addr, cfg.local_port);
    static uint8_t buf[65536];
    double end = tool_now_s() + seconds;
    while (!tool_stop && tool_now_s() < end) {
        if (!a) {
            sctp_link_wait(lst, 100);
            if (sctp_link_accept(lst, &a) == 0) printf("amf_stub: gNB association up\n");
            continue;
        }
        sctp_link_wait(a, 100);
        if (want_release) {
            want_release = 0;
            send_session_release(a, cur_amf_id, cur_ran_id);
        }
        if (want_session) {
            want_session = 0;
            send_session(a, cur_amf_id, cur_ran_id, usr2_next ? last_psi + 1 : 1, 1);
        }
        int n;
        while ((n = sctp_link_recv(a, buf, sizeof buf, NULL)) >= 0) {
            int rc = ngap_decode(buf, (size_t)n, &in);
            if (rc < 0) {
                printf("amf_stub: %d bytes do not decode: %s\n", n, strerror(-rc));
                continue;
            }
            if (in.msg == NGAP_MSG_NG_SETUP_REQUEST) {
                answer(a, &fails, ttw);
            } else if (in.msg == NGAP_MSG_INITIAL_UE_MESSAGE) {
                initial_ue(a);
            } else if (in.msg == NGAP_MSG_UPLINK_NAS_TRANSPORT) {
                const struct ngap_uplink_nas_transport *u = &in.u.uplink_nas_transport;
                printf("amf_stub: UplinkNASTransport amf_ue_id=%llu ran_ue_id=%u nas=", (unsigned long long)u->amf_ue_ngap_id,
                       u->ran_ue_ngap_id);
                print_hex(u->nas, u->nas_len, 64);
                printf("\n");
                ul_count++;
                bool first = ul_count == 1;
                if (first && reset_ue == ue_count) {
                    send_reset(a, false, u->amf_ue_ngap_id, u->ran_ue_ngap_id);
                    continue;
                }
                if (first && reset_all_ue == ue_count) {
                    send_reset(a, true, 0, 0);
                    continue;
                }
                if (first && error_ue == ue_count) {
                    send_errors(a, u->amf_ue_ngap_id, u->ran_ue_ngap_id);
                    continue;
                }
                if (ics && ics_after_ul == ul_count) send_ics(a, u->amf_ue_ngap_id, u->ran_ue_ngap_id);
                if (session_after_ul == ul_count) send_session(a, u->amf_ue_ngap_id, u->ran_ue_ngap_id, 1, n_sessions);
                if (release_after_ul == ul_count) send_release(a, u->amf_ue_ngap_id, u->ran_ue_ngap_id);
            } else if (in.msg == NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE) {
                printf("amf_stub: InitialContextSetupResponse amf_ue_id=%llu ran_ue_id=%u",
                       (unsigned long long)in.u.initial_context_setup_response.amf_ue_ngap_id,
                       in.u.initial_context_setup_response.ran_ue_ngap_id);
                print_setup_lists(&in.u.initial_context_setup_response);
            } else if (in.msg == NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE) {
                const struct ngap_pdu_session_resource_setup_response *r = &in.u.pdu_session_resource_setup_response;
                printf("amf_stub: PDUSessionResourceSetupResponse amf_ue_id=%llu ran_ue_id=%u",
                       (unsigned long long)r->amf_ue_ngap_id, r->ran_ue_ngap_id);
                print_setup_lists(r);
            } else if (in.msg == NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE) {
                const struct ngap_pdu_session_release_response *r = &in.u.pdu_session_resource_release_response;
                printf("amf_stub: PDUSessionResourceReleaseResponse amf_ue_id=%llu ran_ue_id=%u released=",
                       (unsigned long long)r->amf_ue_ngap_id, r->ran_ue_ngap_id);
                for (int i = 0; i < r->n_sessions; i++) printf("%s%d", i ? "," : "", r->pdu_session_ids[i]);
                printf(" uli=%d tac=%u\n", r->has_uli, r->uli.tai.tac);
            } else if (in.msg == NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE) {
                const struct ngap_ue_ids_cause *f = &in.u.initial_context_setup_failure;
                printf("amf_stub: InitialContextSetupFailure amf_ue_id=%llu ran_ue_id=%u cause=%d/%d\n",
                       (unsigned long long)f->amf_ue_ngap_id, f->ran_ue_ngap_id, f->cause.group, f->cause.value);
                send_release(a, f->amf_ue_ngap_id, f->ran_ue_ngap_id);
            } else if (in.msg == NGAP_MSG_ERROR_INDICATION) {
                const struct ngap_error_indication *e = &in.u.error_indication;
                printf("amf_stub: ErrorIndication amf_ue_id=%lld ran_ue_id=%lld cause=%d/%d\n",
                       e->has_amf_ue_ngap_id ? (long long)e->amf_ue_ngap_id : -1LL,
                       e->has_ran_ue_ngap_id ? (long long)e->ran_ue_ngap_id : -1LL, e->has_cause ? e->cause.group : -1,
                       e->has_cause ? e->cause.value : -1);
                send_release(a, cur_amf_id, cur_ran_id);
            } else if (in.msg == NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST) { /* 38.413 8.3.2: the AMF answers with a Command */
                const struct ngap_ue_ids_cause *r = &in.u.ue_context_release_request;
                printf("amf_stub: UEContextReleaseRequest amf_ue_id=%llu ran_ue_id=%u cause=%d/%d\n",
                       (unsigned long long)r->amf_ue_ngap_id, r->ran_ue_ngap_id, r->cause.group, r->cause.value);
                if (r->ran_ue_ngap_id != (uint32_t)no_command_ran) send_release(a, r->amf_ue_ngap_id, r->ran_ue_ngap_id);
            } else if (in.msg == NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION) {
                radio_capability();
            } else if (in.msg == NGAP_MSG_NG_RESET_ACKNOWLEDGE) {
                const struct ngap_ng_reset_acknowledge *k = &in.u.ng_reset_acknowledge;
                printf("amf_stub: NGResetAcknowledge ues=%d", k->has_ues ? k->n_ues : 0);
                for (int i = 0; k->has_ues && i < k->n_ues; i++)
                    printf(" %lld/%lld", k->ues[i].has_amf_ue_ngap_id ? (long long)k->ues[i].amf_ue_ngap_id : -1LL,
                           k->ues[i].has_ran_ue_ngap_id ? (long long)k->ues[i].ran_ue_ngap_id : -1LL);
                printf("\n");
            } else if (in.msg == NGAP_MSG_NG_RESET) { /* 38.413 8.7.4.2.2: the gNB resets; the AMF acknowledges */
                printf("amf_stub: NGReset reset_all=%d ues=%d cause=%d/%d\n", in.u.ng_reset.reset_all,
                       in.u.ng_reset.n_ues, in.u.ng_reset.cause.group, in.u.ng_reset.cause.value);
                memset(&out, 0, sizeof out);
                out.msg = NGAP_MSG_NG_RESET_ACKNOWLEDGE;
                send_pdu(a, 0);
            } else if (in.msg == NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE) {
                printf("amf_stub: UEContextReleaseComplete amf_ue_id=%llu ran_ue_id=%u\n",
                       (unsigned long long)in.u.ue_context_release_complete.amf_ue_ngap_id,
                       in.u.ue_context_release_complete.ran_ue_ngap_id);
            } else
                printf("amf_stub: %s (not answered)\n", ngap_msg_name(in.msg));
        }
        if (n == -ECONNRESET) {
            printf("amf_stub: gNB association gone\n");
            sctp_link_close(a);
            a = NULL;
        }
    }
    sctp_link_close(a);
    sctp_link_close(lst);
    return 0;
}
