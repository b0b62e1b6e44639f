/* NGAP codec (ngap/ngap.h): NGAP-PDUs captured from other implementations (tests/vectors/ngap/captured.tsv,
 * Open5GS's AMF among them) decoded field by field and re-encoded to the same bytes; gnbd's own messages built
 * with every optional IE and round-tripped; every message read back by Wireshark's NGAP dissector (tshark)
 * field by field with no malformed or expert-error mark; bad input refused with an error, never a crash. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ngap/ngap.h"
#include "rrc/msg/ul_dcch.h"
#include "test_rng.h"
#include "tshark_check.h"
#include "tests/unit/check_run.h"

#define VECTORS "tests/vectors/ngap/captured.tsv"

/* The hex of captured.tsv's row `name` into buf: the length, or 0 when absent. */
static size_t load_capture(const char *name, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(VECTORS, "r");
    ck_assert_msg(f != NULL, "%s missing (run from the repository root)", VECTORS);
    char line[4096];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strncmp(line, name, strlen(name)) != 0 || line[strlen(name)] != '\t') continue;
        const char *hex = strrchr(line, '\t') + 1;
        unsigned v;
        while (n < cap && sscanf(hex, "%2x", &v) == 1) {
            buf[n++] = (uint8_t)v;
            hex += 2;
        }
        break;
    }
    fclose(f);
    return n;
}

static struct ngap_pdu pdu, back; /* large: static */

/* Decodes a capture, checks the message type, re-encodes it and compares the bytes (only for captures whose
 * every IE the codec models: `exact`). */
static void decode_capture(const char *name, enum ngap_msg want, bool exact)
{
    uint8_t in[2048], out[2048];
    size_t n = load_capture(name, in, sizeof in), len = 0;
    ck_assert_msg(n > 0, "%s: no such capture", name);
    int err = ngap_decode(in, n, &pdu);
    ck_assert_msg(err == 0, "%s: decode %d", name, err);
    ck_assert_int_eq(pdu.msg, want);
    if (!exact) return;
    ck_assert_int_eq(pdu.n_skipped, 0);
    ck_assert_int_eq(ngap_encode(&pdu, out, sizeof out, &len), 0);
    ck_assert_msg(len == n && memcmp(in, out, n) == 0, "%s: re-encoding differs (%zu vs %zu octets)", name, len, n);
}

static void expect_plmn(const struct ngap_plmn *p, int mcc, int mnc)
{
    int c, m, d;
    ck_assert_int_eq(ngap_plmn_to_mcc_mnc(p, &c, &m, &d), 0);
    ck_assert_int_eq(c, mcc);
    ck_assert_int_eq(m, mnc);
}

START_TEST(test_ngap_open5gs_captures)
{
    /* NG Setup Response from Open5GS's AMF: name, one GUAMI (208/93, region 1, set 1, pointer 0), capacity 255,
     * one PLMN with slice SST 1. */
    decode_capture("open5gs_ng_setup_response", NGAP_MSG_NG_SETUP_RESPONSE, true);
    const struct ngap_ng_setup_response *r = &pdu.u.ng_setup_response;
    ck_assert_int_eq(pdu.type, NGAP_SUCCESSFUL);
    ck_assert_int_eq(pdu.procedure_code, NGAP_PROC_NG_SETUP);
    ck_assert_str_eq(r->amf_name, "open5gs-amf0");
    ck_assert_int_eq(r->n_guamis, 1);
    expect_plmn(&r->guamis[0].guami.plmn, 208, 93);
    ck_assert_int_eq(r->guamis[0].guami.region_id, 1);
    ck_assert_int_eq(r->guamis[0].guami.set_id, 1);
    ck_assert_int_eq(r->guamis[0].guami.pointer, 0);
    ck_assert(!r->guamis[0].has_backup_amf_name);
    ck_assert_int_eq(r->relative_amf_capacity, 255);
    ck_assert_int_eq(r->n_plmns, 1);
    ck_assert_int_eq(r->plmns[0].n_slices, 1);
    ck_assert_int_eq(r->plmns[0].slices[0].sst, 1);
    ck_assert(!r->plmns[0].slices[0].has_sd);

    /* Downlink NAS Transport carrying an Authentication Request: AMF-UE-NGAP-ID 2, RAN-UE-NGAP-ID 0, 43 octets
     * of NAS starting 7e 00 56 (5GMM, plain, Authentication Request); the IE's length is 43 (42 + its own
     * length octet). */
    decode_capture("open5gs_dl_nas_authentication_request", NGAP_MSG_DOWNLINK_NAS_TRANSPORT, true);
    const struct ngap_downlink_nas_transport *d = &pdu.u.downlink_nas_transport;
    ck_assert_int_eq(pdu.criticality, NGAP_IGNORE);
    ck_assert_uint_eq(d->amf_ue_ngap_id, 2);
    ck_assert_uint_eq(d->ran_ue_ngap_id, 0);
    ck_assert_uint_eq(d->nas_len, 42);
    ck_assert_uint_eq(d->nas[0], 0x7e);
    ck_assert_uint_eq(d->nas[2], 0x56);
    ck_assert(!d->has_old_amf && !d->has_ran_paging_priority);
    decode_capture("open5gs_dl_nas_security_mode_command", NGAP_MSG_DOWNLINK_NAS_TRANSPORT, true);
    ck_assert_uint_eq(pdu.u.downlink_nas_transport.nas_len, 19);
    decode_capture("open5gs_dl_nas_configuration_update_command", NGAP_MSG_DOWNLINK_NAS_TRANSPORT, true);
    ck_assert_uint_eq(pdu.u.downlink_nas_transport.nas_len, 38);

    /* Initial Context Setup Request: UE-AMBR 1 Gbit/s both ways, GUAMI, Allowed NSSAI (SST 1), security
     * capabilities (all zero here), K_gNB, masked IMEISV and the Registration Accept as NAS-PDU. */
    decode_capture("open5gs_initial_context_setup_request", NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST, true);
    const struct ngap_initial_context_setup_request *c = &pdu.u.initial_context_setup_request;
    ck_assert_int_eq(pdu.criticality, NGAP_REJECT);
    ck_assert_uint_eq(c->amf_ue_ngap_id, 2);
    ck_assert(c->has_ue_ambr);
    ck_assert_uint_eq(c->ue_ambr_dl, 1048576000);
    ck_assert_uint_eq(c->ue_ambr_ul, 1048576000);
    ck_assert_int_eq(c->guami.region_id, 1);
    ck_assert_int_eq(c->n_allowed_nssai, 1);
    ck_assert_int_eq(c->allowed_nssai[0].sst, 1);
    ck_assert_uint_eq(c->security_key[0], 0x50);
    ck_assert_uint_eq(c->security_key[31], 0x6e);
    ck_assert(c->has_masked_imeisv);
    ck_assert_uint_eq(c->masked_imeisv, 0x0000000100ffff01ull);
    ck_assert(c->has_nas_pdu);
    ck_assert_uint_eq(c->nas_len, 46);

    /* PDU Session Resource Setup Request: session 1 with its PDU Session Establishment Accept (70 octets), S-NSSAI,
     * and the transfer: session AMBR 1 Gbit/s, the UPF's tunnel 192.168.199.202 TEID 1, IPv4, QoS flow 1 with
     * 5QI 9 and ARP 8 (shall not trigger / not pre-emptable). */
    decode_capture("open5gs_pdu_session_resource_setup_request", NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST, true);
    const struct ngap_pdu_session_resource_setup_request *ps = &pdu.u.pdu_session_resource_setup_request;
    ck_assert_int_eq(ps->n_sessions, 1);
    const struct ngap_pdu_session_setup_item *it = &ps->sessions[0];
    ck_assert_int_eq(it->pdu_session_id, 1);
    ck_assert(it->has_nas_pdu);
    ck_assert_uint_eq(it->nas_len, 70);
    ck_assert_int_eq(it->snssai.sst, 1);
    ck_assert(it->has_session_ambr);
    ck_assert_uint_eq(it->session_ambr_dl, 1048576000);
    ck_assert_int_eq(it->ul_tunnel.addr_bits, 32);
    ck_assert_mem_eq(it->ul_tunnel.addr, "\xc0\xa8\xc7\xca", 4);
    ck_assert_uint_eq(it->ul_tunnel.teid, 1);
    ck_assert_int_eq(it->pdu_session_type, NGAP_PDU_IPV4);
    ck_assert_int_eq(it->n_qos_flows, 1);
    ck_assert_int_eq(it->qos_flows[0].qfi, 1);
    ck_assert_int_eq(it->qos_flows[0].five_qi, 9);
    ck_assert_int_eq(it->qos_flows[0].arp_priority, 8);
    ck_assert_int_eq(it->qos_flows[0].arp_may_preempt, 0);
    ck_assert_int_eq(it->qos_flows[0].arp_preemptable, 0);
}
END_TEST

START_TEST(test_ngap_other_captures)
{
    /* A simulated gNB's messages that Open5GS accepted, and free5GC's NG Setup Response (GUAMI with set id
     * 1016 = 0x3f8 and pointer 0, a slice with SD 0x010203). */
    decode_capture("gnbsim_ng_setup_request", NGAP_MSG_NG_SETUP_REQUEST, true);
    const struct ngap_ng_setup_request *q = &pdu.u.ng_setup_request;
    expect_plmn(&q->plmn, 208, 93);
    ck_assert_int_eq(q->gnb_id_bits, 22);
    ck_assert_uint_eq(q->gnb_id, 1);
    ck_assert_int_eq(q->n_tas, 1);
    ck_assert_uint_eq(q->tas[0].tac, 1);
    ck_assert_int_eq(q->tas[0].plmns[0].slices[0].sst, 1);
    ck_assert(q->tas[0].plmns[0].slices[0].has_sd);
    ck_assert_uint_eq(q->tas[0].plmns[0].slices[0].sd, 0x010203);
    ck_assert_int_eq(q->default_paging_drx, NGAP_DRX_32);

    decode_capture("gnbsim_initial_ue_message", NGAP_MSG_INITIAL_UE_MESSAGE, true);
    const struct ngap_initial_ue_message *i = &pdu.u.initial_ue_message;
    ck_assert_uint_eq(i->ran_ue_ngap_id, 0);
    ck_assert_uint_eq(i->nas_len, 28);
    ck_assert_uint_eq(i->uli.cgi.cell_id, 0x000004001ull);
    ck_assert_uint_eq(i->uli.tai.tac, 1);
    ck_assert_int_eq(i->rrc_establishment_cause, NGAP_RRC_MO_SIGNALLING);
    ck_assert(i->ue_context_requested);
    ck_assert(!i->has_5g_s_tmsi);

    decode_capture("gnbsim_ul_nas_authentication_response", NGAP_MSG_UPLINK_NAS_TRANSPORT, true);
    ck_assert_uint_eq(pdu.u.uplink_nas_transport.amf_ue_ngap_id, 1);
    ck_assert_uint_eq(pdu.u.uplink_nas_transport.nas_len, 21);

    decode_capture("free5gc_ng_setup_response", NGAP_MSG_NG_SETUP_RESPONSE, true);
    const struct ngap_ng_setup_response *r = &pdu.u.ng_setup_response;
    ck_assert_str_eq(r->amf_name, "AMF");
    ck_assert_int_eq(r->guamis[0].guami.region_id, 0xca);
    ck_assert_int_eq(r->guamis[0].guami.set_id, 0x3f8);
    ck_assert_int_eq(r->guamis[0].guami.pointer, 0);
    ck_assert_int_eq(r->plmns[0].n_slices, 2);
    ck_assert_uint_eq(r->plmns[0].slices[0].sd, 0x010203);
    ck_assert_uint_eq(r->plmns[0].slices[1].sd, 0x112233);

    /* gnbsim sends its ids with criticality reject where 9.4.4 says ignore: decoded, not byte-identical. */
    decode_capture("gnbsim_initial_context_setup_response", NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE, false);
    ck_assert_uint_eq(pdu.u.initial_context_setup_response.amf_ue_ngap_id, 1);
    /* free5GC's request carries a Mobility Restriction List (36, ignore), which is skipped and listed. */
    decode_capture("free5gc_initial_context_setup_request", NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST, false);
    ck_assert_int_eq(pdu.u.initial_context_setup_request.n_allowed_nssai, 2);
    ck_assert_uint_eq(pdu.u.initial_context_setup_request.allowed_nssai[1].sd, 0x112233);
    ck_assert_int_eq(pdu.n_skipped, 1);
    ck_assert_int_eq(pdu.skipped[0].id, 36);
    ck_assert_int_eq(pdu.skipped[0].criticality, NGAP_IGNORE);

    decode_capture("free5gc_pdu_session_resource_setup_request", NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST, true);
    ck_assert_int_eq(pdu.u.pdu_session_resource_setup_request.sessions[0].snssai.sd, 0x010203);
    ck_assert_int_eq(pdu.u.pdu_session_resource_setup_request.sessions[0].qos_flows[0].arp_priority, 15);
    /* gnbsim's response (its ids with criticality reject where 9.4.4 says ignore): our DL tunnel 192.168.1.3
     * TEID 999, flow 1. */
    decode_capture("gnbsim_pdu_session_resource_setup_response", NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE, false);
    const struct ngap_pdu_session_resource_setup_response *pr = &pdu.u.pdu_session_resource_setup_response;
    ck_assert(pr->has_setup && !pr->has_failed);
    ck_assert_int_eq(pr->setup[0].pdu_session_id, 1);
    ck_assert_mem_eq(pr->setup[0].dl_tunnel.addr, "\xc0\xa8\x01\x03", 4);
    ck_assert_uint_eq(pr->setup[0].dl_tunnel.teid, 999);
    ck_assert_int_eq(pr->setup[0].n_qos_flows, 1);
    ck_assert_int_eq(pr->setup[0].qfis[0], 1);

    /* An NG Reset of one connection (AMF id 1, RAN id 1), cause radio network 3 (release due to NG-RAN generated
     * reason); its list's count (SIZE (1..65536)) is a general length octet. */
    decode_capture("gnb_ng_reset_part", NGAP_MSG_NG_RESET, true);
    const struct ngap_ng_reset *nr = &pdu.u.ng_reset;
    ck_assert_int_eq(nr->cause.group, NGAP_CAUSE_RADIO_NETWORK);
    ck_assert_int_eq(nr->cause.value, 3);
    ck_assert(!nr->reset_all);
    ck_assert_int_eq(nr->n_ues, 1);
    ck_assert(nr->ues[0].has_amf_ue_ngap_id && nr->ues[0].has_ran_ue_ngap_id);
    ck_assert_uint_eq(nr->ues[0].amf_ue_ngap_id, 1);
    ck_assert_uint_eq(nr->ues[0].ran_ue_ngap_id, 1);

    /* A gNB's NG Setup Request with a RAN node name and a fifth IE this codec does not model (id 273): decoded,
     * the unknown IE listed with its criticality (ignore). */
    decode_capture("open5gs_test_ng_setup_request_5ies", NGAP_MSG_NG_SETUP_REQUEST, false);
    q = &pdu.u.ng_setup_request;
    ck_assert(q->has_ran_node_name);
    ck_assert_str_eq(q->ran_node_name, "5G gNB-CU");
    ck_assert_int_eq(q->gnb_id_bits, 27);
    ck_assert_int_eq(pdu.n_skipped, 1);
    ck_assert_int_eq(pdu.skipped[0].id, 273);
    ck_assert_int_eq(pdu.skipped[0].criticality, NGAP_IGNORE);
}
END_TEST

START_TEST(test_ngap_live_open5gs_amf)
{
    /* NG Setup against a running Open5GS AMF (tools/ngap_probe, see captured.tsv): our request, built here as the
     * probe builds it, is the one the AMF accepted, octet for octet. */
    static struct ngap_pdu req;
    req.msg = NGAP_MSG_NG_SETUP_REQUEST;
    struct ngap_ng_setup_request *q = &req.u.ng_setup_request;
    ck_assert_int_eq(ngap_plmn_from_mcc_mnc(&q->plmn, 1, 1, 2), 0);
    q->gnb_id = 1;
    q->gnb_id_bits = 22;
    q->has_ran_node_name = true;
    snprintf(q->ran_node_name, sizeof q->ran_node_name, "gnbd-ngap-probe");
    q->n_tas = 1;
    q->tas[0].tac = 7;
    q->tas[0].n_plmns = 1;
    q->tas[0].plmns[0].plmn = q->plmn;
    q->tas[0].plmns[0].n_slices = 1;
    q->tas[0].plmns[0].slices[0].sst = 1;
    q->default_paging_drx = NGAP_DRX_128;
    uint8_t want[256], got[256];
    size_t n = load_capture("gnbd_ng_setup_request_to_open5gs", want, sizeof want), len = 0;
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(ngap_encode(&req, got, sizeof got, &len), 0);
    ck_assert_msg(len == n && memcmp(got, want, n) == 0, "request differs from the one the AMF accepted");

    /* Its answer: AMF name, GUAMI 001/01 region 2 set 1 pointer 0 (Open5GS's sample amf.yaml with our PLMN),
     * capacity 255, PLMN 001/01 with SST 1 (no SD). */
    decode_capture("open5gs_amf_ng_setup_response_live", NGAP_MSG_NG_SETUP_RESPONSE, true);
    const struct ngap_ng_setup_response *r = &pdu.u.ng_setup_response;
    ck_assert_str_eq(r->amf_name, "open5gs-amf0");
    ck_assert_int_eq(r->n_guamis, 1);
    expect_plmn(&r->guamis[0].guami.plmn, 1, 1);
    ck_assert_int_eq(r->guamis[0].guami.region_id, 2);
    ck_assert_int_eq(r->guamis[0].guami.set_id, 1);
    ck_assert_int_eq(r->guamis[0].guami.pointer, 0);
    ck_assert_int_eq(r->relative_amf_capacity, 255);
    ck_assert_int_eq(r->n_plmns, 1);
    expect_plmn(&r->plmns[0].plmn, 1, 1);
    ck_assert_int_eq(r->plmns[0].n_slices, 1);
    ck_assert_int_eq(r->plmns[0].slices[0].sst, 1);
    ck_assert(!r->plmns[0].slices[0].has_sd);

    /* The same request with PLMN 999/70: misc / unknown-PLMN-or-SNPN, Time To Wait v10s. */
    decode_capture("open5gs_amf_ng_setup_failure_live", NGAP_MSG_NG_SETUP_FAILURE, true);
    const struct ngap_ng_setup_failure *f = &pdu.u.ng_setup_failure;
    ck_assert_int_eq(pdu.type, NGAP_UNSUCCESSFUL);
    ck_assert_int_eq(f->cause.group, NGAP_CAUSE_MISC);
    ck_assert_int_eq(f->cause.value, NGAP_CAUSE_MISC_UNKNOWN_PLMN);
    ck_assert(f->has_time_to_wait);
    ck_assert_int_eq(f->time_to_wait, NGAP_TTW_10S);
}
END_TEST

/* --- gnbd's own messages -------------------------------------------------------------------------------- */

static struct ngap_pdu own[NGAP_MSG_COUNT];

static void fill_slices(int *n, struct ngap_snssai *s, int count, int salt)
{
    *n = count;
    for (int k = 0; k < count; k++)
        s[k] = (struct ngap_snssai){.sst = (uint8_t)(1 + k + salt), .has_sd = k % 2 == 1, .sd = k % 2 ? 0xabc000u + (unsigned)k : 0};
}

/* A UE Radio Capability as gnbd builds it (38.413 9.3.1.74): UERadioAccessCapabilityInformation holding a
 * UE-CapabilityRAT-ContainerList with the UE simulator's UE-NR-Capability (band n78). (Wireshark reads every
 * container by its RAT type, so no made-up one here: test_rrc_ue_capability round-trips several.) */
static uint8_t own_cap[256], own_ue_nr_cap[32];
static size_t own_cap_len, own_ue_nr_cap_len;
static struct rrc_ue_capability_information own_ci;

static void build_cap(void)
{
    memset(&own_ci, 0, sizeof own_ci);
    ck_assert_int_eq(rrc_ue_nr_capability_encode_minimal(78, own_ue_nr_cap, sizeof own_ue_nr_cap, &own_ue_nr_cap_len), 0);
    own_ci.has_container_list = true;
    own_ci.nof_containers = 1;
    own_ci.container[0] = (struct rrc_ue_cap_rat_container){.rat_type = RRC_RAT_NR, .off = 0, .len = own_ue_nr_cap_len};
    memcpy(own_ci.bytes, own_ue_nr_cap, own_ue_nr_cap_len);
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_encode(&own_ci, own_cap, sizeof own_cap, &own_cap_len), 0);
}

static void build_own(void)
{
    memset(own, 0, sizeof own);
    build_cap();
    struct ngap_pdu *p = &own[NGAP_MSG_NG_SETUP_REQUEST];
    p->msg = NGAP_MSG_NG_SETUP_REQUEST;
    struct ngap_ng_setup_request *q = &p->u.ng_setup_request;
    ngap_plmn_from_mcc_mnc(&q->plmn, 1, 1, 2);
    q->gnb_id = 0x19b;
    q->gnb_id_bits = 24;
    q->has_ran_node_name = true;
    strcpy(q->ran_node_name, "gnbd-test");
    q->n_tas = 2;
    q->tas[0].tac = 7;
    q->tas[0].n_plmns = 2;
    q->tas[0].plmns[0].plmn = q->plmn;
    fill_slices(&q->tas[0].plmns[0].n_slices, q->tas[0].plmns[0].slices, 3, 0);
    ngap_plmn_from_mcc_mnc(&q->tas[0].plmns[1].plmn, 310, 410, 3);
    fill_slices(&q->tas[0].plmns[1].n_slices, q->tas[0].plmns[1].slices, 1, 4);
    q->tas[1].tac = 0xfffffe;
    q->tas[1].n_plmns = 1;
    q->tas[1].plmns[0].plmn = q->plmn;
    fill_slices(&q->tas[1].plmns[0].n_slices, q->tas[1].plmns[0].slices, 2, 8);
    q->default_paging_drx = NGAP_DRX_128;

    p = &own[NGAP_MSG_NG_SETUP_RESPONSE];
    p->msg = NGAP_MSG_NG_SETUP_RESPONSE;
    struct ngap_ng_setup_response *r = &p->u.ng_setup_response;
    strcpy(r->amf_name, "amf.example");
    r->n_guamis = 2;
    r->guamis[0].guami = (struct ngap_guami){.plmn = q->plmn, .region_id = 2, .set_id = 1023, .pointer = 63};
    r->guamis[1].guami = (struct ngap_guami){.plmn = q->plmn, .region_id = 255, .set_id = 5, .pointer = 1};
    r->guamis[1].has_backup_amf_name = true;
    strcpy(r->guamis[1].backup_amf_name, "amf-backup");
    r->relative_amf_capacity = 100;
    r->n_plmns = 1;
    r->plmns[0].plmn = q->plmn;
    fill_slices(&r->plmns[0].n_slices, r->plmns[0].slices, 2, 0);

    p = &own[NGAP_MSG_NG_SETUP_FAILURE];
    p->msg = NGAP_MSG_NG_SETUP_FAILURE;
    p->u.ng_setup_failure = (struct ngap_ng_setup_failure){
        .cause = {NGAP_CAUSE_MISC, NGAP_CAUSE_MISC_UNKNOWN_PLMN}, .has_time_to_wait = true,
        .time_to_wait = NGAP_TTW_10S};

    struct ngap_uli_nr uli = {.cgi = {.plmn = q->plmn, .cell_id = 0x19b01}, .tai = {.plmn = q->plmn, .tac = 7},
                              .has_timestamp = true, .timestamp = {0xe7, 0x10, 0x20, 0x30}};
    p = &own[NGAP_MSG_INITIAL_UE_MESSAGE];
    p->msg = NGAP_MSG_INITIAL_UE_MESSAGE;
    struct ngap_initial_ue_message *i = &p->u.initial_ue_message;
    i->ran_ue_ngap_id = 4000000000u;
    i->nas_len = 300; /* longer than 127: a two-octet length */
    for (size_t k = 0; k < i->nas_len; k++) i->nas[k] = (uint8_t)(k * 13);
    i->nas[0] = 0x7e; /* 5GMM, integrity protected and ciphered (24.501 9.3): the rest reads as ciphered */
    i->nas[1] = 0x02;
    i->uli = uli;
    i->rrc_establishment_cause = NGAP_RRC_NOT_AVAILABLE; /* an extension value */
    i->has_5g_s_tmsi = true;
    i->s_tmsi = (struct ngap_5g_s_tmsi){.amf_set_id = 0x155, .amf_pointer = 0x2a, .tmsi = 0xdeadbeef};
    i->ue_context_requested = true;

    p = &own[NGAP_MSG_DOWNLINK_NAS_TRANSPORT];
    p->msg = NGAP_MSG_DOWNLINK_NAS_TRANSPORT;
    struct ngap_downlink_nas_transport *d = &p->u.downlink_nas_transport;
    d->amf_ue_ngap_id = 1099511627775ull;
    d->ran_ue_ngap_id = 1;
    d->has_old_amf = true;
    strcpy(d->old_amf, "old-amf");
    d->has_ran_paging_priority = true;
    d->ran_paging_priority = 256;
    d->nas_len = 3;
    memcpy(d->nas, "\x7e\x00\x46", 3); /* 24.501 8.2.14: Deregistration accept, no IEs */

    p = &own[NGAP_MSG_UPLINK_NAS_TRANSPORT];
    p->msg = NGAP_MSG_UPLINK_NAS_TRANSPORT;
    struct ngap_uplink_nas_transport *u = &p->u.uplink_nas_transport;
    u->amf_ue_ngap_id = 0x123456789aull;
    u->ran_ue_ngap_id = 77;
    u->nas_len = 3;
    memcpy(u->nas, "\x7e\x00\x43", 3); /* 24.501 8.2.8: Registration complete */
    u->uli = uli;
    u->uli.has_timestamp = false;
    memset(u->uli.timestamp, 0, sizeof u->uli.timestamp);

    p = &own[NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST];
    p->msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST;
    struct ngap_initial_context_setup_request *c = &p->u.initial_context_setup_request;
    c->amf_ue_ngap_id = 70000;
    c->ran_ue_ngap_id = 3;
    c->has_ue_ambr = true;
    c->ue_ambr_dl = 4000000000000ull;
    c->ue_ambr_ul = 1;
    c->guami = r->guamis[0].guami;
    fill_slices(&c->n_allowed_nssai, c->allowed_nssai, 3, 2);
    c->security_capabilities = (struct ngap_ue_security_capabilities){0xe000, 0x6000, 0xc000, 0x4000};
    for (int k = 0; k < 32; k++) c->security_key[k] = (uint8_t)(0xa0 + k);
    c->has_masked_imeisv = true;
    c->masked_imeisv = 0x3554820000ffff01ull;
    c->has_nas_pdu = true;
    c->nas_len = 3;
    memcpy(c->nas, "\x7e\x00\x46", 3);
    c->has_ue_radio_capability = true;
    c->ue_radio_capability_len = own_cap_len;
    memcpy(c->ue_radio_capability, own_cap, own_cap_len);

    own[NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE].msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE;
    own[NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE].u.initial_context_setup_failure = (struct ngap_ue_ids_cause){
        .amf_ue_ngap_id = 70000, .ran_ue_ngap_id = 3, .cause = {NGAP_CAUSE_RADIO_NETWORK, 30}};
    own[NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST].msg = NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST;
    own[NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST].u.ue_context_release_request = (struct ngap_ue_ids_cause){
        .amf_ue_ngap_id = 70000, .ran_ue_ngap_id = 3,
        .cause = {NGAP_CAUSE_RADIO_NETWORK, NGAP_CAUSE_RADIO_USER_INACTIVITY}};
    own[NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND].msg = NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND;
    own[NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND].u.ue_context_release_command =
        (struct ngap_ue_context_release_command){.has_ran_ue_ngap_id = true, .amf_ue_ngap_id = 70000,
                                                 .ran_ue_ngap_id = 3, .cause = {NGAP_CAUSE_NAS, 0}};
    own[NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE].msg = NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE;
    own[NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE].u.ue_context_release_complete =
        (struct ngap_ue_context_release_complete){.amf_ue_ngap_id = 70000, .ran_ue_ngap_id = 3, .has_uli = true,
                                                  .uli = uli};
    own[NGAP_MSG_NG_RESET].msg = NGAP_MSG_NG_RESET;
    own[NGAP_MSG_NG_RESET].u.ng_reset = (struct ngap_ng_reset){.cause = {NGAP_CAUSE_TRANSPORT, 1}, .reset_all = true};
    p = &own[NGAP_MSG_NG_RESET_ACKNOWLEDGE];
    p->msg = NGAP_MSG_NG_RESET_ACKNOWLEDGE;
    p->u.ng_reset_acknowledge.has_ues = true;
    p->u.ng_reset_acknowledge.n_ues = 3;
    p->u.ng_reset_acknowledge.ues[0] = (struct ngap_ue_connection){true, 5, true, 6};
    p->u.ng_reset_acknowledge.ues[1] = (struct ngap_ue_connection){.has_amf_ue_ngap_id = true, .amf_ue_ngap_id = 7};
    p->u.ng_reset_acknowledge.ues[2] = (struct ngap_ue_connection){.has_ran_ue_ngap_id = true, .ran_ue_ngap_id = 8};
    p = &own[NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST];
    p->msg = NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST;
    struct ngap_pdu_session_resource_setup_request *ps = &p->u.pdu_session_resource_setup_request;
    ps->head.amf_ue_ngap_id = 70000;
    ps->head.ran_ue_ngap_id = 3;
    ps->n_sessions = 2;
    for (int k = 0; k < 2; k++) {
        struct ngap_pdu_session_setup_item *it = &ps->sessions[k];
        it->pdu_session_id = 5 + k;
        it->has_nas_pdu = k == 0;
        it->nas_len = k == 0 ? 3 : 0;
        memcpy(it->nas, "\x7e\x00\x46", it->nas_len);
        it->snssai = (struct ngap_snssai){.sst = 1, .has_sd = k == 1, .sd = k == 1 ? 0x123456 : 0};
        it->has_session_ambr = k == 1;
        it->session_ambr_dl = k == 1 ? 2000000 : 0;
        it->session_ambr_ul = k == 1 ? 1000000 : 0;
        it->ul_tunnel.addr_bits = k == 0 ? 32 : 128;
        for (int o = 0; o < it->ul_tunnel.addr_bits / 8; o++) it->ul_tunnel.addr[o] = (uint8_t)(k == 0 ? 10 + o : 0x20 + o);
        it->ul_tunnel.teid = 0x1000 + (uint32_t)k;
        it->pdu_session_type = k == 0 ? NGAP_PDU_IPV4 : NGAP_PDU_IPV6;
        it->n_qos_flows = 1 + k;
        for (int f = 0; f < it->n_qos_flows; f++)
            it->qos_flows[f] = (struct ngap_qos_flow){.qfi = 1 + f, .five_qi = 9 - f, .arp_priority = 15 - f,
                                                       .arp_may_preempt = f, .arp_preemptable = 1 - f};
    }
    p = &own[NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE];
    p->msg = NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE;
    struct ngap_pdu_session_resource_setup_response *pr = &p->u.pdu_session_resource_setup_response;
    pr->amf_ue_ngap_id = 70000;
    pr->ran_ue_ngap_id = 3;
    pr->has_setup = true;
    pr->n_setup = 2; /* two sessions of one UE (gnbd: each its own DRB and tunnel), a third failed */
    pr->setup[0] = (struct ngap_pdu_session_setup_result){
        .pdu_session_id = 5, .dl_tunnel = {.addr_bits = 32, .addr = {127, 0, 0, 2}, .teid = 0xabcdef01}, .n_qos_flows = 1,
        .qfis = {1}};
    pr->setup[1] = (struct ngap_pdu_session_setup_result){
        .pdu_session_id = 7, .dl_tunnel = {.addr_bits = 32, .addr = {127, 0, 0, 2}, .teid = 0xabcdef02}, .n_qos_flows = 1,
        .qfis = {2}};
    pr->has_failed = true;
    pr->n_failed = 1;
    pr->failed[0] = (struct ngap_pdu_session_setup_failed){.pdu_session_id = 6, .cause = {NGAP_CAUSE_RADIO_NETWORK, 26}};
    /* The Initial Context Setup Request with the same two sessions (List Cxt Req), its response with the setup
     * response's lists (List Cxt Res, Failed To Setup List Cxt Res). */
    c->has_sessions = true;
    c->n_sessions = ps->n_sessions;
    memcpy(c->sessions, ps->sessions, sizeof c->sessions);
    own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE].msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE;
    own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE].u.initial_context_setup_response = *pr;
    own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE].u.initial_context_setup_response.setup[0].dl_tunnel.teid = 0x0000c0de;
    own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE].u.initial_context_setup_response.n_setup = 1; /* one set up, one not */
    memset(&own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE].u.initial_context_setup_response.setup[1], 0,
           sizeof own[0].u.initial_context_setup_response.setup[1]);
    p = &own[NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND];
    p->msg = NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND;
    struct ngap_pdu_session_release_command *rc = &p->u.pdu_session_resource_release_command;
    rc->head.amf_ue_ngap_id = 70000;
    rc->head.ran_ue_ngap_id = 3;
    rc->head.has_nas_pdu = true;
    rc->head.nas_len = 3;
    memcpy(rc->head.nas, "\x7e\x00\x46", 3);
    rc->n_sessions = 2;
    rc->pdu_session_ids[0] = 5;
    rc->pdu_session_ids[1] = 6;
    rc->causes[0] = (struct ngap_cause){NGAP_CAUSE_NAS, 0};
    rc->causes[1] = (struct ngap_cause){NGAP_CAUSE_MISC, NGAP_CAUSE_MISC_UNSPECIFIED};
    p = &own[NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE];
    p->msg = NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE;
    struct ngap_pdu_session_release_response *rr = &p->u.pdu_session_resource_release_response;
    rr->amf_ue_ngap_id = 70000;
    rr->ran_ue_ngap_id = 3;
    rr->n_sessions = 2;
    rr->pdu_session_ids[0] = 5;
    rr->pdu_session_ids[1] = 6;
    rr->has_uli = true;
    rr->uli = uli;
    own[NGAP_MSG_ERROR_INDICATION].msg = NGAP_MSG_ERROR_INDICATION;
    own[NGAP_MSG_ERROR_INDICATION].u.error_indication = (struct ngap_error_indication){
        .has_ran_ue_ngap_id = true, .ran_ue_ngap_id = 9, .has_cause = true,
        .cause = {NGAP_CAUSE_PROTOCOL, NGAP_CAUSE_PROTOCOL_SEMANTIC_ERROR}};
    p = &own[NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION];
    p->msg = NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION;
    p->u.ue_radio_capability_info_indication.amf_ue_ngap_id = 70000;
    p->u.ue_radio_capability_info_indication.ran_ue_ngap_id = 3;
    p->u.ue_radio_capability_info_indication.cap_len = own_cap_len;
    memcpy(p->u.ue_radio_capability_info_indication.cap, own_cap, own_cap_len);
}

START_TEST(test_ngap_own_round_trips)
{
    build_own();
    for (int m = NGAP_MSG_NONE + 1; m < NGAP_MSG_COUNT; m++) {
        uint8_t b[NGAP_MAX_PDU_BYTES], b2[NGAP_MAX_PDU_BYTES];
        size_t len = 0, len2 = 0;
        int err = ngap_encode(&own[m], b, sizeof b, &len);
        ck_assert_msg(err == 0, "%s: encode %d", ngap_msg_name(m), err);
        ck_assert_int_eq(ngap_decode(b, len, &back), 0);
        ck_assert_int_eq(back.msg, m);
        ck_assert_int_eq(back.n_skipped, 0);
        ck_assert_int_eq(ngap_encode(&back, b2, sizeof b2, &len2), 0);
        ck_assert_msg(len == len2 && memcmp(b, b2, len) == 0, "%s: re-encoding differs", ngap_msg_name(m));
        ck_assert_msg(memcmp(&back.u, &own[m].u, sizeof back.u) == 0, "%s: decoded struct differs",
                      ngap_msg_name(m));
        /* Every truncation is refused. */
        for (size_t cut = 0; cut < len; cut++)
            ck_assert_msg(ngap_decode(b, cut, &back) == -EBADMSG, "%s cut at %zu", ngap_msg_name(m), cut);
        /* Too small an output buffer: -ENOSPC, never a partial message. */
        ck_assert_int_eq(ngap_encode(&own[m], b2, len - 1, &len2), -ENOSPC);
    }
}
END_TEST

START_TEST(test_ngap_bad_input)
{
    build_own();
    uint8_t b[NGAP_MAX_PDU_BYTES];
    size_t len;
    /* Out-of-constraint values are refused when encoding. */
    struct ngap_pdu *p = &own[NGAP_MSG_NG_SETUP_REQUEST];
    p->u.ng_setup_request.gnb_id_bits = 21;
    ck_assert_int_eq(ngap_encode(p, b, sizeof b, &len), -EINVAL);
    p->u.ng_setup_request.gnb_id_bits = 24;
    p->u.ng_setup_request.n_tas = 0;
    ck_assert_int_eq(ngap_encode(p, b, sizeof b, &len), -EINVAL);
    p = &own[NGAP_MSG_DOWNLINK_NAS_TRANSPORT];
    p->u.downlink_nas_transport.amf_ue_ngap_id = 1ull << 40;
    ck_assert_int_eq(ngap_encode(p, b, sizeof b, &len), -EINVAL);
    struct ngap_pdu none = {0};
    ck_assert_int_eq(ngap_encode(&none, b, sizeof b, &len), -EINVAL);

    /* A missing mandatory IE (the NAS-PDU dropped: count 2, the two ids) and a repeated one. */
    static const uint8_t missing[] = {0x00, 0x04, 0x40, 0x0f, 0x00, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x02, 0x00,
                                      0x02, 0x00, 0x55, 0x00, 0x02, 0x00, 0x00};
    ck_assert_int_eq(ngap_decode(missing, sizeof missing, &pdu), -EBADMSG);
    static const uint8_t twice[] = {0x00, 0x04, 0x40, 0x0f, 0x00, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x02, 0x00,
                                    0x02, 0x00, 0x0a, 0x00, 0x02, 0x00, 0x02};
    ck_assert_int_eq(ngap_decode(twice, sizeof twice, &pdu), -EBADMSG);
    /* A procedure the codec does not model (Paging, 24): -ENOTSUP with the header filled in. */
    static const uint8_t paging[] = {0x00, 0x18, 0x40, 0x03, 0x00, 0x00, 0x00};
    ck_assert_int_eq(ngap_decode(paging, sizeof paging, &pdu), -ENOTSUP);
    ck_assert_int_eq(pdu.procedure_code, 24);
    ck_assert_int_eq(pdu.criticality, NGAP_IGNORE);
    /* Random bytes and random corruptions of valid messages: an error or a message, never a crash (the fuzz
     * target goes further). */
    test_rng_seed(5);
    build_own();
    for (int it = 0; it < 20000; it++) {
        int m = 1 + (int)(test_rng_next() % (NGAP_MSG_COUNT - 1));
        ck_assert_int_eq(ngap_encode(&own[m], b, sizeof b, &len), 0);
        for (int k = 0; k < 3; k++) b[test_rng_next() % len] ^= (uint8_t)(1u << (test_rng_next() % 8));
        int err = ngap_decode(b, len, &pdu);
        ck_assert_msg(err == 0 || err == -EBADMSG || err == -ENOTSUP || err == -EMSGSIZE, "err %d", err);
    }
    /* PLMN digits. */
    struct ngap_plmn pl;
    ck_assert_int_eq(ngap_plmn_from_mcc_mnc(&pl, 1, 1, 2), 0);
    ck_assert_uint_eq(pl.b[0], 0x00);
    ck_assert_uint_eq(pl.b[1], 0xf1);
    ck_assert_uint_eq(pl.b[2], 0x10);
    ck_assert_int_eq(ngap_plmn_from_mcc_mnc(&pl, 310, 410, 3), 0);
    ck_assert_uint_eq(pl.b[0], 0x13);
    ck_assert_uint_eq(pl.b[1], 0x00);
    ck_assert_uint_eq(pl.b[2], 0x14);
    ck_assert_int_eq(ngap_plmn_from_mcc_mnc(&pl, 1000, 1, 2), -EINVAL);
    ck_assert_int_eq(ngap_plmn_from_mcc_mnc(&pl, 1, 100, 2), -EINVAL);
}
END_TEST

/* --- Wireshark's reading -------------------------------------------------------------------------------- */

static void plmn_hex(const struct ngap_plmn *p, char *out) { sprintf(out, "%02x%02x%02x", p->b[0], p->b[1], p->b[2]); }

#define EXPECT_SHOW(pkt, path, occ, want)                                                                    \
    do {                                                                                                     \
        char got_[512];                                                                                      \
        tshark_show(pkt, path, occ, got_, sizeof got_);                                                      \
        ck_assert_msg(strcmp(got_, want) == 0, "%s[%d]: tshark \"%s\", expected \"%s\"", path, occ, got_, want); \
    } while (0)

/* The octets of a field as tshark shows FT_BYTES ("aa:bb:cc" or "aabbcc"), as plain hex. */
static const char *bytes_of(const struct tshark_pkt *pkt, const char *path, int occ)
{
    static char v[8192];
    char raw[8192];
    tshark_show(pkt, path, occ, raw, sizeof raw);
    size_t o = 0;
    for (const char *c = raw; *c && o + 1 < sizeof v; c++)
        if (*c != ':') v[o++] = *c;
    v[o] = '\0';
    return v;
}

static void expect_common(const struct tshark_pkt *k, const struct ngap_pdu *p)
{
    ck_assert_msg(k->problems == 0, "%s: tshark: %s", ngap_msg_name(p->msg), k->problem);
    EXPECT_INT(k, "ngap.procedureCode", 0, p->procedure_code);
    EXPECT_INT(k, "ngap.criticality", 0, p->criticality);
}

static void expect_slices(const struct tshark_pkt *k, const struct ngap_snssai *s, int n, int *sst_occ, int *sd_occ)
{
    char want[16];
    for (int i = 0; i < n; i++) {
        snprintf(want, sizeof want, "%02x", s[i].sst);
        ck_assert_str_eq(bytes_of(k, "ngap.sST", (*sst_occ)++), want);
        if (s[i].has_sd) {
            snprintf(want, sizeof want, "%06x", s[i].sd);
            ck_assert_str_eq(bytes_of(k, "ngap.sD", (*sd_occ)++), want);
        }
    }
}

static void expect_uli(const struct tshark_pkt *k, const struct ngap_uli_nr *u, int plmn_occ)
{
    char h[8];
    plmn_hex(&u->cgi.plmn, h);
    ck_assert_str_eq(bytes_of(k, "ngap.pLMNIdentity", plmn_occ), h);
    EXPECT_INT(k, "ngap.NRCellIdentity", 0, (long)u->cgi.cell_id);
    plmn_hex(&u->tai.plmn, h);
    ck_assert_str_eq(bytes_of(k, "ngap.pLMNIdentity", plmn_occ + 1), h);
    EXPECT_INT(k, "ngap.tAC", 0, u->tai.tac);
    EXPECT_COUNT(k, "ngap.timeStamp", u->has_timestamp ? 1 : 0);
}

START_TEST(test_ngap_tshark)
{
    build_own();
    static uint8_t bufs[NGAP_MSG_COUNT][NGAP_MAX_PDU_BYTES];
    const uint8_t *pdus[NGAP_MSG_COUNT];
    size_t lens[NGAP_MSG_COUNT];
    int n = 0;
    for (int m = NGAP_MSG_NONE + 1; m < NGAP_MSG_COUNT; m++, n++) {
        ck_assert_int_eq(ngap_encode(&own[m], bufs[n], sizeof bufs[n], &lens[n]), 0);
        ck_assert_int_eq(ngap_decode(bufs[n], lens[n], &own[m]), 0); /* fills type, code, criticality */
        pdus[n] = bufs[n];
    }
    struct tshark_pkt pk[NGAP_MSG_COUNT];
    int got = tshark_pdml("ngap", pdus, lens, n, pk);
    if (got < 0) {
        fprintf(stderr, "test_ngap: tshark not found, Wireshark check skipped\n");
        return;
    }
    ck_assert_int_eq(got, n);
    char h[8], want[64];
    int sst = 0, sd = 0;

    /* NG Setup Request. */
    const struct tshark_pkt *k = &pk[0];
    const struct ngap_ng_setup_request *q = &own[NGAP_MSG_NG_SETUP_REQUEST].u.ng_setup_request;
    expect_common(k, &own[NGAP_MSG_NG_SETUP_REQUEST]);
    EXPECT_COUNT(k, "ngap.ProtocolIE_Field_element", 4);
    EXPECT_INT(k, "ngap.id", 0, NGAP_IE_GLOBAL_RAN_NODE_ID);
    plmn_hex(&q->plmn, h);
    ck_assert_str_eq(bytes_of(k, "ngap.pLMNIdentity", 0), h);
    snprintf(want, sizeof want, "%06x", q->gnb_id << 0); /* 24 bits: 3 octets */
    ck_assert_str_eq(bytes_of(k, "ngap.gNB_ID", 0), want);
    EXPECT_SHOW(k, "ngap.RANNodeName", 0, q->ran_node_name);
    int plmn_occ = 1;
    for (int t = 0; t < q->n_tas; t++) {
        EXPECT_INT(k, "ngap.tAC", t, q->tas[t].tac);
        for (int b = 0; b < q->tas[t].n_plmns; b++) {
            plmn_hex(&q->tas[t].plmns[b].plmn, h);
            ck_assert_str_eq(bytes_of(k, "ngap.pLMNIdentity", plmn_occ++), h);
            expect_slices(k, q->tas[t].plmns[b].slices, q->tas[t].plmns[b].n_slices, &sst, &sd);
        }
    }
    EXPECT_COUNT(k, "ngap.sST", sst);
    EXPECT_COUNT(k, "ngap.sD", sd);
    EXPECT_INT(k, "ngap.PagingDRX", 0, q->default_paging_drx);
    EXPECT_NAME(k, "ngap.PagingDRX", 0, "v128");

    /* NG Setup Response. */
    k = &pk[1];
    const struct ngap_ng_setup_response *r = &own[NGAP_MSG_NG_SETUP_RESPONSE].u.ng_setup_response;
    expect_common(k, &own[NGAP_MSG_NG_SETUP_RESPONSE]);
    EXPECT_SHOW(k, "ngap.AMFName", 0, r->amf_name);
    EXPECT_SHOW(k, "ngap.backupAMFName", 0, r->guamis[1].backup_amf_name);
    for (int g = 0; g < r->n_guamis; g++) {
        snprintf(want, sizeof want, "%02x", r->guamis[g].guami.region_id);
        ck_assert_str_eq(bytes_of(k, "ngap.aMFRegionID", g), want);
        snprintf(want, sizeof want, "%04x", r->guamis[g].guami.set_id << 6); /* 10 bits, left-aligned */
        ck_assert_str_eq(bytes_of(k, "ngap.aMFSetID", g), want);
        snprintf(want, sizeof want, "%02x", r->guamis[g].guami.pointer << 2);
        ck_assert_str_eq(bytes_of(k, "ngap.aMFPointer", g), want);
    }
    EXPECT_INT(k, "ngap.RelativeAMFCapacity", 0, r->relative_amf_capacity);
    sst = sd = 0;
    expect_slices(k, r->plmns[0].slices, r->plmns[0].n_slices, &sst, &sd);

    /* NG Setup Failure. */
    k = &pk[2];
    expect_common(k, &own[NGAP_MSG_NG_SETUP_FAILURE]);
    EXPECT_INT(k, "ngap.misc", 0, NGAP_CAUSE_MISC_UNKNOWN_PLMN);
    EXPECT_INT(k, "ngap.TimeToWait", 0, NGAP_TTW_10S);
    EXPECT_NAME(k, "ngap.TimeToWait", 0, "v10s");

    /* Initial UE Message. */
    k = &pk[3];
    const struct ngap_initial_ue_message *i = &own[NGAP_MSG_INITIAL_UE_MESSAGE].u.initial_ue_message;
    expect_common(k, &own[NGAP_MSG_INITIAL_UE_MESSAGE]);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, (long)i->ran_ue_ngap_id);
    char nas_hex[2 * 100 + 1]; /* the first 100 octets (PDML's show attribute is cut short further on) */
    for (int o = 0; o < 100; o++) snprintf(nas_hex + 2 * o, 3, "%02x", i->nas[o]);
    ck_assert_msg(strncmp(bytes_of(k, "ngap.NAS_PDU", 0), nas_hex, 200) == 0, "NAS-PDU: %s", bytes_of(k, "ngap.NAS_PDU", 0));
    expect_uli(k, &i->uli, 0);
    EXPECT_NAME(k, "ngap.RRCEstablishmentCause", 0, "notAvailable");
    EXPECT_INT(k, "ngap.fiveG_TMSI", 0, (long)i->s_tmsi.tmsi);
    snprintf(want, sizeof want, "%04x", i->s_tmsi.amf_set_id << 6);
    ck_assert_str_eq(bytes_of(k, "ngap.aMFSetID", 0), want);
    EXPECT_COUNT(k, "ngap.UEContextRequest", 1);

    /* Downlink NAS Transport. */
    k = &pk[4];
    const struct ngap_downlink_nas_transport *d = &own[NGAP_MSG_DOWNLINK_NAS_TRANSPORT].u.downlink_nas_transport;
    expect_common(k, &own[NGAP_MSG_DOWNLINK_NAS_TRANSPORT]);
    EXPECT_SHOW(k, "ngap.AMF_UE_NGAP_ID", 0, "1099511627775");
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, (long)d->ran_ue_ngap_id);
    EXPECT_SHOW(k, "ngap.AMFName", 0, d->old_amf);
    EXPECT_INT(k, "ngap.RANPagingPriority", 0, d->ran_paging_priority);
    ck_assert_str_eq(bytes_of(k, "ngap.NAS_PDU", 0), "7e0046");

    /* Uplink NAS Transport. */
    k = &pk[5];
    const struct ngap_uplink_nas_transport *u = &own[NGAP_MSG_UPLINK_NAS_TRANSPORT].u.uplink_nas_transport;
    expect_common(k, &own[NGAP_MSG_UPLINK_NAS_TRANSPORT]);
    snprintf(want, sizeof want, "%llu", (unsigned long long)u->amf_ue_ngap_id);
    EXPECT_SHOW(k, "ngap.AMF_UE_NGAP_ID", 0, want);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, (long)u->ran_ue_ngap_id);
    expect_uli(k, &u->uli, 0);

    /* Initial Context Setup Request / Response / Failure. */
    k = &pk[6];
    const struct ngap_initial_context_setup_request *c =
        &own[NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST].u.initial_context_setup_request;
    expect_common(k, &own[NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST]);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 0, (long)c->amf_ue_ngap_id);
    EXPECT_SHOW(k, "ngap.uEAggregateMaximumBitRateDL", 0, "4000000000000");
    EXPECT_INT(k, "ngap.uEAggregateMaximumBitRateUL", 0, 1);
    snprintf(want, sizeof want, "%04x", c->guami.set_id << 6);
    ck_assert_str_eq(bytes_of(k, "ngap.aMFSetID", 0), want);
    sst = sd = 0;
    for (int s2 = 0; s2 < c->n_sessions; s2++) expect_slices(k, &c->sessions[s2].snssai, 1, &sst, &sd); /* 9.4.4 order */
    expect_slices(k, c->allowed_nssai, c->n_allowed_nssai, &sst, &sd);
    snprintf(want, sizeof want, "%04x", c->security_capabilities.nr_encryption);
    ck_assert_str_eq(bytes_of(k, "ngap.nRencryptionAlgorithms", 0), want);
    snprintf(want, sizeof want, "%04x", c->security_capabilities.nr_integrity);
    ck_assert_str_eq(bytes_of(k, "ngap.nRintegrityProtectionAlgorithms", 0), want);
    snprintf(want, sizeof want, "%04x", c->security_capabilities.eutra_encryption);
    ck_assert_str_eq(bytes_of(k, "ngap.eUTRAencryptionAlgorithms", 0), want);
    char key[65];
    for (int o = 0; o < 32; o++) snprintf(key + 2 * o, 3, "%02x", c->security_key[o]);
    ck_assert_str_eq(bytes_of(k, "ngap.SecurityKey", 0), key);
    snprintf(want, sizeof want, "%016llx", (unsigned long long)c->masked_imeisv);
    ck_assert_str_eq(bytes_of(k, "ngap.MaskedIMEISV", 0), want);
    ck_assert_str_eq(bytes_of(k, "ngap.NAS_PDU", 0), "7e0046");
    /* PDU Session Resource Setup List Cxt Req (id 71, criticality reject) after the GUAMI: its two items,
     * each with its NAS-PDU / S-NSSAI and the request transfer read as such. */
    EXPECT_INT(k, "ngap.id", 3, NGAP_IE_GUAMI);
    EXPECT_INT(k, "ngap.id", 4, NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_CXT_REQ);
    EXPECT_NAME(k, "ngap.criticality", 5, "reject"); /* [0] the procedure's, then one per IE */
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupItemCxtReq_element", 2);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupRequestTransfer_element", 2);
    for (int s2 = 0; s2 < c->n_sessions; s2++) {
        EXPECT_INT(k, "ngap.pDUSessionID", s2, c->sessions[s2].pdu_session_id);
        EXPECT_INT(k, "ngap.PDUSessionType", s2, c->sessions[s2].pdu_session_type);
        snprintf(want, sizeof want, "%08x", c->sessions[s2].ul_tunnel.teid);
        ck_assert_str_eq(bytes_of(k, "ngap.gTP_TEID", s2), want);
    }
    EXPECT_COUNT(k, "ngap.nAS_PDU", 1); /* the first session's (the item's nAS-PDU); the second has none */
    ck_assert_str_eq(bytes_of(k, "ngap.nAS_PDU", 0), "7e0046");
    EXPECT_INT(k, "ngap.fiveQI", 0, c->sessions[0].qos_flows[0].five_qi);
    k = &pk[7];
    const struct ngap_pdu_session_resource_setup_response *cr =
        &own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE].u.initial_context_setup_response;
    expect_common(k, &own[NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE]);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 0, 70000);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, 3);
    EXPECT_INT(k, "ngap.id", 2, NGAP_IE_PDU_SESSION_RESOURCE_SETUP_LIST_CXT_RES);
    EXPECT_INT(k, "ngap.id", 3, NGAP_IE_PDU_SESSION_RESOURCE_FAILED_TO_SETUP_LIST_CXT_RES);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupItemCxtRes_element", cr->n_setup);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceFailedToSetupItemCxtRes_element", cr->n_failed);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupResponseTransfer_element", cr->n_setup);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupUnsuccessfulTransfer_element", cr->n_failed);
    for (int s2 = 0; s2 < cr->n_setup; s2++) {
        EXPECT_INT(k, "ngap.pDUSessionID", s2, cr->setup[s2].pdu_session_id);
        snprintf(want, sizeof want, "%08x", cr->setup[s2].dl_tunnel.teid);
        ck_assert_str_eq(bytes_of(k, "ngap.gTP_TEID", s2), want);
        EXPECT_INT(k, "ngap.qosFlowIdentifier", s2, cr->setup[s2].qfis[0]);
    }
    ck_assert_str_eq(bytes_of(k, "ngap.gTP_TEID", 0), "0000c0de");
    EXPECT_SHOW(k, "ngap.TransportLayerAddressIPv4", 0, "127.0.0.2");
    EXPECT_INT(k, "ngap.pDUSessionID", cr->n_setup, cr->failed[0].pdu_session_id);
    EXPECT_NAME(k, "ngap.radioNetwork", 0, "unknown-PDU-session-ID");
    k = &pk[8];
    expect_common(k, &own[NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE]);
    EXPECT_INT(k, "ngap.radioNetwork", 0, 30);
    EXPECT_NAME(k, "ngap.radioNetwork", 0, "encryption-and-or-integrity-protection-algorithms-not-supported");

    /* UE Context Release Request / Command / Complete, Error Indication. */
    k = &pk[9];
    expect_common(k, &own[NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST]);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, 3);
    EXPECT_NAME(k, "ngap.radioNetwork", 0, "user-inactivity");
    k = &pk[10];
    expect_common(k, &own[NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND]);
    EXPECT_COUNT(k, "ngap.uE_NGAP_ID_pair_element", 1);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 0, 70000);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, 3);
    EXPECT_NAME(k, "ngap.nas", 0, "normal-release");
    k = &pk[11];
    expect_common(k, &own[NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE]);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 0, 70000);
    expect_uli(k, &own[NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE].u.ue_context_release_complete.uli, 0);
    k = &pk[12];
    expect_common(k, &own[NGAP_MSG_NG_RESET]);
    EXPECT_NAME(k, "ngap.transport", 0, "unspecified");
    EXPECT_NAME(k, "ngap.nG_Interface", 0, "reset-all");
    k = &pk[13];
    expect_common(k, &own[NGAP_MSG_NG_RESET_ACKNOWLEDGE]);
    EXPECT_COUNT(k, "ngap.UE_associatedLogicalNG_connectionItem_element", 3);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 0, 5);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, 6);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 1, 7);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 1, 8);
    EXPECT_COUNT(k, "ngap.AMF_UE_NGAP_ID", 2);
    k = &pk[14];
    expect_common(k, &own[NGAP_MSG_ERROR_INDICATION]);
    EXPECT_COUNT(k, "ngap.AMF_UE_NGAP_ID", 0);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, 9);
    EXPECT_NAME(k, "ngap.protocol", 0, "semantic-error");

    /* PDU Session Resource Setup Request / Response, transfers included. */
    k = &pk[15];
    const struct ngap_pdu_session_resource_setup_request *ps =
        &own[NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST].u.pdu_session_resource_setup_request;
    expect_common(k, &own[NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST]);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupRequestTransfer_element", 2);
    int fl = 0;
    for (int s2 = 0; s2 < ps->n_sessions; s2++) {
        const struct ngap_pdu_session_setup_item *it = &ps->sessions[s2];
        EXPECT_INT(k, "ngap.pDUSessionID", s2, it->pdu_session_id);
        EXPECT_INT(k, "ngap.PDUSessionType", s2, it->pdu_session_type);
        char tl[41];
        for (int o = 0; o < it->ul_tunnel.addr_bits / 8; o++) snprintf(tl + 2 * o, 3, "%02x", it->ul_tunnel.addr[o]);
        ck_assert_str_eq(bytes_of(k, "ngap.transportLayerAddress", s2), tl);
        snprintf(want, sizeof want, "%08x", it->ul_tunnel.teid);
        ck_assert_str_eq(bytes_of(k, "ngap.gTP_TEID", s2), want);
        for (int f = 0; f < it->n_qos_flows; f++, fl++) {
            EXPECT_INT(k, "ngap.qosFlowIdentifier", fl, it->qos_flows[f].qfi);
            EXPECT_INT(k, "ngap.fiveQI", fl, it->qos_flows[f].five_qi);
            EXPECT_INT(k, "ngap.priorityLevelARP", fl, it->qos_flows[f].arp_priority);
            EXPECT_INT(k, "ngap.pre_emptionCapability", fl, it->qos_flows[f].arp_may_preempt);
            EXPECT_INT(k, "ngap.pre_emptionVulnerability", fl, it->qos_flows[f].arp_preemptable);
        }
    }
    EXPECT_INT(k, "ngap.pDUSessionAggregateMaximumBitRateDL", 0, 2000000);
    EXPECT_SHOW(k, "ngap.TransportLayerAddressIPv4", 0, "10.11.12.13");
    k = &pk[16];
    expect_common(k, &own[NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE]);
    EXPECT_INT(k, "ngap.pDUSessionID", 0, 5);
    EXPECT_SHOW(k, "ngap.TransportLayerAddressIPv4", 0, "127.0.0.2");
    ck_assert_str_eq(bytes_of(k, "ngap.gTP_TEID", 0), "abcdef01");
    EXPECT_INT(k, "ngap.qosFlowIdentifier", 0, 1);
    EXPECT_INT(k, "ngap.pDUSessionID", 1, 7);
    ck_assert_str_eq(bytes_of(k, "ngap.gTP_TEID", 1), "abcdef02");
    EXPECT_INT(k, "ngap.qosFlowIdentifier", 1, 2);
    EXPECT_COUNT(k, "ngap.PDUSessionResourceSetupResponseTransfer_element", 2);
    EXPECT_INT(k, "ngap.pDUSessionID", 2, 6);
    EXPECT_NAME(k, "ngap.radioNetwork", 0, "unknown-PDU-session-ID");

    /* PDU Session Resource Release Command / Response. */
    k = &pk[17];
    expect_common(k, &own[NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND]);
    EXPECT_INT(k, "ngap.pDUSessionID", 0, 5);
    EXPECT_INT(k, "ngap.pDUSessionID", 1, 6);
    EXPECT_NAME(k, "ngap.nas", 0, "normal-release");
    EXPECT_NAME(k, "ngap.misc", 0, "unspecified");
    ck_assert_str_eq(bytes_of(k, "ngap.NAS_PDU", 0), "7e0046");
    k = &pk[18];
    expect_common(k, &own[NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE]);
    EXPECT_COUNT(k, "ngap.pDUSessionID", 2);
    EXPECT_INT(k, "ngap.pDUSessionID", 1, 6);
    expect_uli(k, &own[NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE].u.pdu_session_resource_release_response.uli, 0);

    /* UE Radio Capability Info Indication: the octets as given, and inside them (nr-rrc's reading of
     * UERadioAccessCapabilityInformation) the container with its RAT type and octets, read further as the
     * UE-NR-Capability (rel15, band n78). */
    k = &pk[19];
    expect_common(k, &own[NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION]);
    EXPECT_INT(k, "ngap.AMF_UE_NGAP_ID", 0, 70000);
    EXPECT_INT(k, "ngap.RAN_UE_NGAP_ID", 0, 3);
    EXPECT_INT(k, "ngap.id", 2, NGAP_IE_UE_RADIO_CAPABILITY);
    char cap_hex[2 * sizeof own_cap + 1], nr_hex[2 * sizeof own_ue_nr_cap + 1];
    for (size_t o = 0; o < own_cap_len; o++) snprintf(cap_hex + 2 * o, 3, "%02x", own_cap[o]);
    for (size_t o = 0; o < own_ue_nr_cap_len; o++) snprintf(nr_hex + 2 * o, 3, "%02x", own_ue_nr_cap[o]);
    ck_assert_str_eq(bytes_of(k, "ngap.UERadioCapability", 0), cap_hex);
    EXPECT_COUNT(k, "UE_CapabilityRAT_Container_element", 1);
    EXPECT_NAME(k, "rat_Type", 0, "nr");
    ck_assert_str_eq(bytes_of(k, "ue_CapabilityRAT_Container", 0), nr_hex);
    EXPECT_NAME(k, "accessStratumRelease", 0, "rel15");
    EXPECT_INT(k, "bandNR", 0, 78);
    /* ... and in the Initial Context Setup Request, where the AMF gives it back. */
    ck_assert_str_eq(bytes_of(&pk[6], "ngap.UERadioCapability", 0), cap_hex);
    tshark_pkts_free(pk, n);
}
END_TEST

static Suite *ngap_suite(void)
{
    Suite *s = suite_create("ngap");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ngap_open5gs_captures);
    tcase_add_test(tc, test_ngap_other_captures);
    tcase_add_test(tc, test_ngap_live_open5gs_amf);
    tcase_add_test(tc, test_ngap_own_round_trips);
    tcase_add_test(tc, test_ngap_bad_input);
    tcase_add_test(tc, test_ngap_tshark);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return check_run(ngap_suite()); }
