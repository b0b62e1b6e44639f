/* The NGAP stage (see ng_stage.h). */
#include "gnb/ng_stage.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "gnb/log.h"
#include "rrc/rrc_cell.h"
#include "gnb/up_stage.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The NGSetupRequest from the configuration: the Global gNB ID is the leftmost gnb_id_bits of the NR cell
 * identity (38.413 9.3.1.6 / 38.300 8.2), one TA with the cell's PLMN and the configured slice. */
static int build_request(struct ngap_ng_setup_request *r, const struct gnbd_config *cfg, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    int mcc = atoi(cfg->cell.mcc), mnc = atoi(cfg->cell.mnc), mnc_digits = (int)strlen(cfg->cell.mnc);
    if (ngap_plmn_from_mcc_mnc(&r->plmn, mcc, mnc, mnc_digits) < 0) {
        snprintf(err, errlen, "ngap: PLMN %s/%s cannot be encoded", cfg->cell.mcc, cfg->cell.mnc);
        return -EINVAL;
    }
    r->gnb_id_bits = cfg->ngap.gnb_id_bits;
    r->gnb_id = (uint32_t)((unsigned long long)cfg->cell.cell_id >> (36 - cfg->ngap.gnb_id_bits));
    r->has_ran_node_name = cfg->ngap.ran_node_name[0] != '\0';
    snprintf(r->ran_node_name, sizeof r->ran_node_name, "%s", cfg->ngap.ran_node_name);
    r->n_tas = 1;
    r->tas[0].tac = (uint32_t)cfg->cell.tac;
    r->tas[0].n_plmns = 1;
    r->tas[0].plmns[0].plmn = r->plmn;
    r->tas[0].plmns[0].n_slices = 1;
    r->tas[0].plmns[0].slices[0].sst = (uint8_t)cfg->ngap.sst;
    r->tas[0].plmns[0].slices[0].has_sd = cfg->ngap.sd >= 0;
    r->tas[0].plmns[0].slices[0].sd = cfg->ngap.sd >= 0 ? (uint32_t)cfg->ngap.sd : 0;
    r->default_paging_drx = NGAP_DRX_128; /* the cell's default paging cycle (SIB1 pagingCycle rf128) */
    return 0;
}

int ng_stage_init(struct ng_stage *s, const struct gnbd_config *cfg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->stop_fd = -1;
    s->to_ng_fd = -1;
    s->enabled = cfg->ngap.amf_addr[0] != '\0';
    s->band = cfg->cell.band;
    s->release_guard_ms = cfg->ngap.release_guard_s > 0 ? cfg->ngap.release_guard_s * 1000 : NG_RELEASE_REQUEST_GUARD_MS;
    atomic_store(&s->state, NG_WAIT);
    if (!s->enabled) return 0;
    struct ng_setup_config sc = {0};
    int rc = build_request(&sc.request, cfg, err, errlen);
    if (rc < 0) return rc;
    if (ng_setup_init(&s->setup, &sc, now_ms()) < 0) {
        snprintf(err, errlen, "ngap: the NGSetupRequest from this configuration does not encode");
        return -EINVAL;
    }
    struct sctp_link_config *l = &s->link_cfg;
    l->transport = cfg->ngap.transport == 1 ? SCTP_LINK_UDP_ENCAP : SCTP_LINK_KERNEL;
    snprintf(l->remote_addr, sizeof l->remote_addr, "%s", cfg->ngap.amf_addr);
    l->remote_port = (uint16_t)cfg->ngap.amf_port;
    l->udp_local_port = (uint16_t)cfg->ngap.udp_local_port;
    l->udp_remote_port = (uint16_t)cfg->ngap.udp_remote_port;
    l->streams = 2;
    s->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    s->to_ng_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->stop_fd < 0 || s->to_ng_fd < 0) {
        snprintf(err, errlen, "ngap: eventfd: %s", strerror(errno));
        return -errno;
    }
    if (ring_init(&s->to_ng, sizeof(struct ng_up_msg), 16) < 0 || ring_init(&s->to_rrc, sizeof(struct ng_dl_msg), 128) < 0) {
        snprintf(err, errlen, "ngap: no memory for the NAS rings");
        return -ENOMEM;
    }
    /* 9.3.1.16 User Location Information: the cell's NR CGI (PLMN + 36-bit NR cell identity) and TAI. */
    s->uli.cgi.plmn = sc.request.plmn;
    s->uli.cgi.cell_id = (uint64_t)cfg->cell.cell_id;
    s->uli.tai.plmn = sc.request.plmn;
    s->uli.tai.tac = (uint32_t)cfg->cell.tac;
    s->next_ran_ue_id = 1;
    return 0;
}

static void publish(struct ng_stage *s)
{
    const struct ng_setup_stats *st = &s->setup.stats;
    atomic_store_explicit(&s->connects, st->connects, memory_order_relaxed);
    atomic_store_explicit(&s->requests, st->requests, memory_order_relaxed);
    atomic_store_explicit(&s->responses, st->responses, memory_order_relaxed);
    atomic_store_explicit(&s->failures, st->failures, memory_order_relaxed);
    atomic_store_explicit(&s->timeouts, st->timeouts, memory_order_relaxed);
    atomic_store_explicit(&s->links_lost, st->links_lost, memory_order_relaxed);
    atomic_store_explicit(&s->state, (int)s->setup.state, memory_order_release);
}

static void close_link(struct ng_stage *s)
{
    sctp_link_close(s->link);
    s->link = NULL;
}

static void send_pdu(struct ng_stage *s, const uint8_t *buf, size_t len)
{
    int rc = sctp_link_send(s->link, 0, SCTP_LINK_NGAP_PPID, buf, len);
    if (rc < 0) log_warn(LOG_NGAP, "NGAP: sending %zu bytes failed: %s", len, strerror(-rc));
}

static struct ng_ue *ue_by_rnti(struct ng_stage *s, uint16_t rnti)
{
    for (int i = 0; i < NG_MAX_UES; i++) /* a context awaiting its release has given its RNTI back */
        if (s->ues[i].used && !s->ues[i].release_requested && s->ues[i].rnti == rnti) return &s->ues[i];
    return NULL;
}

static struct ng_ue *ue_by_ran_id(struct ng_stage *s, uint32_t id)
{
    for (int i = 0; i < NG_MAX_UES; i++)
        if (s->ues[i].used && s->ues[i].ran_ue_ngap_id == id) return &s->ues[i];
    return NULL;
}

static struct ng_ue *ue_by_amf_id(struct ng_stage *s, uint64_t id)
{
    for (int i = 0; i < NG_MAX_UES; i++)
        if (s->ues[i].used && s->ues[i].has_amf_id && s->ues[i].amf_ue_ngap_id == id) return &s->ues[i];
    return NULL;
}

/* The RRC releases the UE (RRCRelease, then its MAC context); false when the ring is full (logged). */
static bool rrc_release(struct ng_stage *s, uint16_t rnti)
{
    struct ng_dl_msg *out = ring_reserve(&s->to_rrc);
    if (!out) {
        log_warn(LOG_NGAP, "0x%04x: the RRC ring is full: the UE is not released now", rnti);
        return false;
    }
    out->type = NG_DL_RELEASE;
    out->rnti = rnti;
    out->nas_len = 0;
    ring_commit(&s->to_rrc);
    return true;
}

/* The UE's NG context ends: its N3 tunnels go too, unless they went when the RAN released it (ue_gone): by then
 * its RNTI may name a new UE, whose tunnels must stay. */
static void forget_ue(struct ng_stage *s, struct ng_ue *u)
{
    if (!u->release_requested) up_stage_ue_gone(s->up, u->rnti);
    u->used = false;
}

/* Released here without a word to the AMF (NG Reset, Error Indication, association lost): the RRC releases the
 * UE if it is still there, the context and its tunnels go. */
static void release_locally(struct ng_stage *s, struct ng_ue *u)
{
    if (!u->release_requested) rrc_release(s, u->rnti);
    forget_ue(s, u);
}

static void send_msg(struct ng_stage *s, const struct ngap_pdu *pdu, uint16_t stream)
{
    static _Thread_local uint8_t buf[NGAP_MAX_PDU_BYTES];
    size_t len;
    int rc = ngap_encode(pdu, buf, sizeof buf, &len);
    if (rc < 0) {
        log_warn(LOG_NGAP, "NGAP: %s does not encode: %s", ngap_msg_name(pdu->msg), strerror(-rc));
        return;
    }
    rc = sctp_link_send(s->link, stream, SCTP_LINK_NGAP_PPID, buf, len);
    if (rc < 0) log_warn(LOG_NGAP, "NGAP: sending %s failed: %s", ngap_msg_name(pdu->msg), strerror(-rc));
}

/* UE-associated signalling on stream 1, the rest on stream 0 (38.412 7). */
static void send_ue_pdu(struct ng_stage *s, const struct ngap_pdu *pdu) { send_msg(s, pdu, 1); }

static void session_setup_one(struct ng_stage *s, struct ng_ue *u, const struct ngap_pdu_session_setup_item *it);
static void session_response(struct ng_stage *s, struct ng_ue *u);

/* 38.413 8.3.1.2/8.3.1.3: the RRC's outcome of an Initial Context Setup. With security on and PDU sessions in the
 * request, they are set up now, each as one of a PDU Session Resource Setup Request (tunnel, DRB through the RRC);
 * the Response waits for the RRC's reports (session_response, send_setup_response). */
static void context_setup_answer(struct ng_stage *s, struct ng_ue *u, const struct ng_up_msg *m)
{
    static _Thread_local struct ngap_pdu pdu;
    bool ok = m->type == NG_UP_CONTEXT_SETUP_DONE;
    if (!u || !u->ics_pending || !s->link) {
        log_warn(LOG_NGAP, "0x%04x: Initial Context Setup %s, but %s: not answered", m->rnti, ok ? "done" : "failed",
                 !u ? "the UE has no NG context" : !s->link ? "the NG interface is down" : "none is pending");
        if (u) u->n_ics_sessions = 0;
        return;
    }
    u->ics_pending = false;
    if (ok && u->n_ics_sessions > 0) {
        int n = u->n_ics_sessions;
        u->n_ics_sessions = 0;
        u->ics_setup = true;
        u->setup_running = true;
        u->n_setup_failed = 0;
        log_info(LOG_NGAP, "0x%04x: AS security on: the Initial Context Setup's %d PDU session(s) next", m->rnti, n);
        for (int i = 0; i < n; i++) session_setup_one(s, u, &u->ics_sessions[i]);
        session_response(s, u); /* now if nothing went to the RRC */
        return;
    }
    u->n_ics_sessions = 0;
    memset(&pdu, 0, sizeof pdu);
    if (ok) {
        pdu.msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE;
        pdu.u.initial_context_setup_response.amf_ue_ngap_id = u->amf_ue_ngap_id;
        pdu.u.initial_context_setup_response.ran_ue_ngap_id = u->ran_ue_ngap_id;
    } else {
        pdu.msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE;
        pdu.u.initial_context_setup_failure = (struct ngap_ue_ids_cause){
            .amf_ue_ngap_id = u->amf_ue_ngap_id, .ran_ue_ngap_id = u->ran_ue_ngap_id,
            .cause = {.group = NGAP_CAUSE_RADIO_NETWORK, .value = (uint8_t)m->establishment_cause}};
    }
    send_ue_pdu(s, &pdu);
    atomic_fetch_add_explicit(ok ? &s->ics_responses : &s->ics_failures, 1, memory_order_relaxed);
    if (ok)
        log_info(LOG_NGAP, "0x%04x: Initial Context Setup Response (AS security on)", m->rnti);
    else
        log_warn(LOG_NGAP, "0x%04x: Initial Context Setup Failure (radio network cause %d)", m->rnti,
                 m->establishment_cause);
}

static bool amf_holds(const struct ng_stage *s, const struct ng_ue *u)
{
    return u->has_amf_id && s->link && ng_setup_is_ready(&s->setup);
}

/* 38.413 8.3.2: UE Context Release Request, cause radio-connection-with-ue-lost for a radio link failure,
 * user-inactivity otherwise; the context stays until the AMF's Command (answered with Complete by
 * on_release_command) or release_guard_ms (ngap.release_guard_s). */
static void release_request(struct ng_stage *s, struct ng_ue *u, int rrc_cause)
{
    static _Thread_local struct ngap_pdu pdu;
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_UE_CONTEXT_RELEASE_REQUEST;
    struct ngap_ue_ids_cause *r = &pdu.u.ue_context_release_request;
    r->amf_ue_ngap_id = u->amf_ue_ngap_id;
    r->ran_ue_ngap_id = u->ran_ue_ngap_id;
    bool lost = rrc_cause == RRC_CAUSE_LOST || rrc_cause == RRC_CAUSE_SETUP_TIMEOUT;
    r->cause = (struct ngap_cause){.group = NGAP_CAUSE_RADIO_NETWORK,
                                   .value = lost ? NGAP_CAUSE_RADIO_CONNECTION_WITH_UE_LOST
                                                 : NGAP_CAUSE_RADIO_USER_INACTIVITY};
    send_ue_pdu(s, &pdu);
    atomic_fetch_add_explicit(&s->release_requests, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "0x%04x: %s (%s) -> UE Context Release Request (%s)", u->rnti,
             u->release_asked ? "the RAN asks to release it" : "released by the RAN",
             rrc_release_cause_name((enum rrc_release_cause)rrc_cause),
             lost ? "radio-connection-with-ue-lost" : "user-inactivity");
    u->release_deadline_ms = now_ms() + s->release_guard_ms;
}

/* The RAN released a UE the AMF did not release (a UE the AMF released was forgotten at its Command, so it is
 * not found here): the Request after the fact (the UE cannot hear an RRCRelease any more); its tunnels go now.
 * Without an AMF UE NGAP ID the AMF has nothing to release. */
static void ue_gone(struct ng_stage *s, struct ng_ue *u, int rrc_cause)
{
    if (!u) return;
    if (!u->release_asked && !amf_holds(s, u)) {
        forget_ue(s, u);
        return;
    }
    if (!u->release_asked) release_request(s, u, rrc_cause); /* else asked already: the Command is awaited */
    up_stage_ue_gone(s->up, u->rnti); /* the NG context waits for the Command; the RNTI no longer names it */
    u->release_requested = true;
}

/* 38.413 8.3.2 for an inactive UE: the Request first; the RRCRelease follows the AMF's Command. With no AMF
 * context to release, the RRC releases the UE at once. */
static void ue_inactive(struct ng_stage *s, struct ng_ue *u, uint16_t rnti, int rrc_cause)
{
    if (u && u->release_asked) return;
    if (!u || !amf_holds(s, u)) {
        rrc_release(s, rnti);
        if (u) forget_ue(s, u);
        return;
    }
    u->release_asked = true;
    release_request(s, u, rrc_cause);
}

/* Contexts whose UE Context Release Command never came. */
static void expire_release_requests(struct ng_stage *s, int64_t t)
{
    for (int i = 0; i < NG_MAX_UES; i++) {
        struct ng_ue *u = &s->ues[i];
        if (u->used && (u->release_requested || u->release_asked) && t >= u->release_deadline_ms) {
            log_warn(LOG_NGAP, "NGAP: no UE Context Release Command for RAN UE NGAP ID %u within %d ms: %s",
                     u->ran_ue_ngap_id, s->release_guard_ms,
                     u->release_requested ? "forgotten" : "released here (RRCRelease)");
            release_locally(s, u);
        }
    }
}

/* The UE's session pdu_session_id (any state but FREE), NULL when none. */
static struct ng_session *session_of(struct ng_ue *u, int pdu_session_id)
{
    for (int k = 0; k < NG_UE_SESSIONS; k++)
        if (u->sess[k].state != NG_SESSION_FREE && u->sess[k].pdu_session_id == pdu_session_id) return &u->sess[k];
    return NULL;
}

static void setup_failed(struct ng_ue *u, int psi, int cause)
{
    if (u->n_setup_failed >= NGAP_MAX_PDU_SESSIONS) return;
    u->setup_failed[u->n_setup_failed++] = (struct ngap_pdu_session_setup_failed){
        .pdu_session_id = psi, .cause = {.group = NGAP_CAUSE_RADIO_NETWORK, .value = (uint8_t)cause}};
}

/* 38.413 8.2.1.2: PDU Session Resource Setup Response: the sessions of the request set up (DL tunnel, QFI; with
 * with_sessions) and those in failed[] (cause). For the sessions of an Initial Context Setup (u->ics_setup) the
 * same lists go in its Response (8.3.1.2: Setup / Failed To Setup List Cxt Res), or, when not one session could
 * be set up, Initial Context Setup Failure with the first session's cause (8.3.1.3). */
static void send_setup_response(struct ng_stage *s, struct ng_ue *u, bool with_sessions,
                                const struct ngap_pdu_session_setup_failed *failed, int n_failed)
{
    static _Thread_local struct ngap_pdu pdu;
    bool ics = with_sessions && u->ics_setup;
    if (ics) u->ics_setup = false;
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = ics ? NGAP_MSG_INITIAL_CONTEXT_SETUP_RESPONSE : NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_RESPONSE;
    struct ngap_pdu_session_resource_setup_response *r =
        ics ? &pdu.u.initial_context_setup_response : &pdu.u.pdu_session_resource_setup_response;
    r->amf_ue_ngap_id = u->amf_ue_ngap_id;
    r->ran_ue_ngap_id = u->ran_ue_ngap_id;
    int bits = 0;
    const uint8_t *a = up_stage_n3_address(s->up, &bits);
    for (int k = 0; k < NG_UE_SESSIONS && with_sessions; k++) {
        struct ng_session *x = &u->sess[k];
        if (!x->in_request) continue;
        x->in_request = false;
        if (x->state != NG_SESSION_UP || r->n_setup >= NGAP_MAX_PDU_SESSIONS) continue;
        struct ngap_pdu_session_setup_result *o = &r->setup[r->n_setup++];
        o->pdu_session_id = x->pdu_session_id;
        o->dl_tunnel.addr_bits = bits;
        memcpy(o->dl_tunnel.addr, a, (size_t)bits / 8);
        o->dl_tunnel.teid = x->dl_teid;
        o->n_qos_flows = 1;
        o->qfis[0] = x->qfi;
        log_info(LOG_NGAP, "0x%04x: PDU session %d set up: DRB %d, DL TEID 0x%08x, QFI %d", u->rnti,
                 x->pdu_session_id, x->drb_id, x->dl_teid, x->qfi);
    }
    r->has_setup = r->n_setup > 0;
    r->n_failed = n_failed;
    r->has_failed = r->n_failed > 0;
    memcpy(r->failed, failed, (size_t)r->n_failed * sizeof r->failed[0]);
    for (int k = 0; k < r->n_failed; k++)
        log_warn(LOG_NGAP, "0x%04x: PDU session %d failed (radio network cause %d)", u->rnti,
                 r->failed[k].pdu_session_id, r->failed[k].cause.value);
    atomic_fetch_add_explicit(&s->sessions_set_up, (uint64_t)r->n_setup, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sessions_failed, (uint64_t)r->n_failed, memory_order_relaxed);
    if (!s->link) return;
    if (ics && r->n_setup == 0) {
        struct ngap_cause cause = r->n_failed ? r->failed[0].cause
                                              : (struct ngap_cause){NGAP_CAUSE_RADIO_NETWORK, NGAP_CAUSE_RADIO_UNSPECIFIED};
        memset(&pdu, 0, sizeof pdu);
        pdu.msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE;
        pdu.u.initial_context_setup_failure =
            (struct ngap_ue_ids_cause){.amf_ue_ngap_id = u->amf_ue_ngap_id, .ran_ue_ngap_id = u->ran_ue_ngap_id,
                                       .cause = cause};
        send_ue_pdu(s, &pdu);
        atomic_fetch_add_explicit(&s->ics_failures, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "0x%04x: Initial Context Setup Failure: none of its PDU sessions set up (radio network "
                 "cause %d)", u->rnti, cause.value);
        return;
    }
    send_ue_pdu(s, &pdu);
    if (ics) atomic_fetch_add_explicit(&s->ics_responses, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "0x%04x: %s Response (%d set up, %d failed)", u->rnti,
             ics ? "Initial Context Setup" : "PDU Session Resource Setup", r->n_setup, r->n_failed);
}

/* The Response to the running request once none of its sessions is with the RRC any more. */
static void session_response(struct ng_stage *s, struct ng_ue *u)
{
    for (int k = 0; k < NG_UE_SESSIONS; k++)
        if (u->sess[k].in_request && u->sess[k].state == NG_SESSION_PENDING) return; /* not yet */
    u->setup_running = false;
    send_setup_response(s, u, true, u->setup_failed, u->n_setup_failed);
    u->n_setup_failed = 0;
}

/* 23.501 Table 5.7.4-1: the standardized 5QI values (a non-dynamic 5QI must be one of them, or pre-configured,
 * which gnbd has none of; 38.413 9.3.1.28). */
static bool five_qi_standardized(int v)
{
    static const uint8_t known[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 65, 66, 67, 69, 70, 71, 72, 73, 74, 75, 76, 79,
                                    80, 82, 83, 84, 85, 86, 87, 88, 89, 90};
    for (size_t i = 0; i < sizeof known; i++)
        if (known[i] == v) return true;
    return false;
}

/* One session of a Setup Request: a tunnel (DL TEID) and the RRC for its DRB; else its failure is noted. */
static void session_setup_one(struct ng_stage *s, struct ng_ue *u, const struct ngap_pdu_session_setup_item *it)
{
    struct ng_session *x = NULL;
    for (int k = 0; k < NG_UE_SESSIONS && !x; k++)
        if (u->sess[k].state == NG_SESSION_FREE) x = &u->sess[k];
    if (u->next_drb_id < 1) u->next_drb_id = 1;
    int bad_5qi = -1;
    for (int f = 0; f < it->n_qos_flows && bad_5qi < 0; f++)
        if (!five_qi_standardized(it->qos_flows[f].five_qi)) bad_5qi = it->qos_flows[f].five_qi;
    const char *why = session_of(u, it->pdu_session_id) ? "the UE has that session already"
                      : bad_5qi >= 0 ? "a QoS flow's 5QI is not a standardized one (23.501 Table 5.7.4-1)"
                      : !x ? "the UE has NG_UE_SESSIONS sessions already"
                      : u->next_drb_id > RRC_DRB_ID_MAX ? "the UE has had every DRB identity" : NULL;
    if (why) {
        log_warn(LOG_NGAP, "0x%04x: PDU session %d refused: %s", u->rnti, it->pdu_session_id, why);
        setup_failed(u, it->pdu_session_id, session_of(u, it->pdu_session_id) ? NGAP_CAUSE_RADIO_MULTIPLE_PDU_SESSION_ID
                                            : bad_5qi >= 0 ? NGAP_CAUSE_RADIO_NOT_SUPPORTED_5QI
                                                           : NGAP_CAUSE_RADIO_RESOURCES_NOT_AVAILABLE);
        return;
    }
    *x = (struct ng_session){.pdu_session_id = it->pdu_session_id, .drb_id = u->next_drb_id++,
                             .qfi = it->n_qos_flows > 0 ? it->qos_flows[0].qfi : 1};
    int rc = up_stage_tunnel_add(s->up, u->rnti, it->pdu_session_id, x->qfi, x->drb_id, it->ul_tunnel.teid,
                                 it->ul_tunnel.addr, it->ul_tunnel.addr_bits, &x->dl_teid);
    struct ng_dl_msg *out = rc == 0 ? ring_reserve(&s->to_rrc) : NULL;
    if (!out) {
        log_warn(LOG_NGAP, "0x%04x: PDU session %d: %s", u->rnti, it->pdu_session_id,
                 rc < 0 ? "the user plane refused the tunnel" : "the RRC ring is full");
        if (rc == 0) up_stage_tunnel_del(s->up, u->rnti, it->pdu_session_id);
        setup_failed(u, it->pdu_session_id, NGAP_CAUSE_RADIO_RESOURCES_NOT_AVAILABLE);
        return;
    }
    x->state = NG_SESSION_PENDING;
    x->in_request = true;
    out->type = NG_DL_PDU_SESSION;
    out->rnti = u->rnti;
    out->pdu_session_id = it->pdu_session_id;
    out->qfi = x->qfi;
    out->drb_id = x->drb_id;
    out->nas_len = it->has_nas_pdu ? (uint32_t)it->nas_len : 0;
    if (out->nas_len) memcpy(out->nas, it->nas, it->nas_len);
    ring_commit(&s->to_rrc);
    log_info(LOG_NGAP, "0x%04x: PDU session %d (QFI %d, UPF TEID 0x%08x, NAS %u bytes) -> tunnel (DL TEID 0x%08x), "
             "DRB %d", u->rnti, it->pdu_session_id, x->qfi, it->ul_tunnel.teid, out->nas_len, x->dl_teid, x->drb_id);
}

/* 38.413 8.2.1: each session of the request gets a tunnel (DL TEID) and goes to the RRC for its own DRB; the
 * Response follows the RRC's reports (session_response). */
static void on_session_setup(struct ng_stage *s, const struct ngap_pdu_session_resource_setup_request *r)
{
    atomic_fetch_add_explicit(&s->sessions_requested, 1, memory_order_relaxed);
    struct ng_ue *u = ue_by_ran_id(s, r->head.ran_ue_ngap_id);
    if (!u || r->n_sessions < 1) {
        log_warn(LOG_NGAP, "NGAP: PDU Session Resource Setup Request for unknown RAN UE NGAP ID %u: dropped",
                 r->head.ran_ue_ngap_id);
        return;
    }
    log_info(LOG_NGAP, "0x%04x: PDU Session Resource Setup Request (%d session(s))", u->rnti, r->n_sessions);
    if (u->setup_running || u->ics_pending || u->release_pending) { /* refused whole */
        struct ngap_pdu_session_setup_failed f[NGAP_MAX_PDU_SESSIONS];
        for (int i = 0; i < r->n_sessions; i++)
            f[i] = (struct ngap_pdu_session_setup_failed){
                .pdu_session_id = r->sessions[i].pdu_session_id,
                .cause = {.group = NGAP_CAUSE_RADIO_NETWORK, .value = NGAP_CAUSE_RADIO_INTERACTION_WITH_OTHER_PROCEDURE}};
        send_setup_response(s, u, false, f, r->n_sessions);
        return;
    }
    u->setup_running = true;
    u->n_setup_failed = 0;
    for (int i = 0; i < r->n_sessions; i++) session_setup_one(s, u, &r->sessions[i]);
    session_response(s, u); /* now if nothing went to the RRC */
}

/* 38.413 8.2.2.2: PDU Session Resource Release Response: every session of the Command, released. */
static void session_release_response(struct ng_stage *s, struct ng_ue *u)
{
    static _Thread_local struct ngap_pdu pdu;
    u->release_pending = false;
    if (!s->link) return;
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_RESPONSE;
    struct ngap_pdu_session_release_response *r = &pdu.u.pdu_session_resource_release_response;
    r->amf_ue_ngap_id = u->amf_ue_ngap_id;
    r->ran_ue_ngap_id = u->ran_ue_ngap_id;
    r->n_sessions = u->n_release;
    memcpy(r->pdu_session_ids, u->release_ids, sizeof r->pdu_session_ids);
    r->has_uli = true;
    r->uli = s->uli;
    send_ue_pdu(s, &pdu);
    atomic_fetch_add_explicit(&s->sessions_released, (uint64_t)u->n_release, memory_order_relaxed);
    log_info(LOG_NGAP, "0x%04x: PDU Session Resource Release Response (%d session(s), first %d)", u->rnti,
             u->n_release, u->n_release ? u->release_ids[0] : -1);
}

/* 38.413 10.6: a UE-associated message for a RAN UE NGAP ID gnbd does not know. */
static void unknown_ue_error(struct ng_stage *s, const char *what, uint64_t amf_id, uint32_t ran_id)
{
    static _Thread_local struct ngap_pdu pdu;
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_ERROR_INDICATION;
    pdu.u.error_indication = (struct ngap_error_indication){
        .has_amf_ue_ngap_id = true, .amf_ue_ngap_id = amf_id, .has_ran_ue_ngap_id = true, .ran_ue_ngap_id = ran_id,
        .has_cause = true, .cause = {.group = NGAP_CAUSE_RADIO_NETWORK, .value = NGAP_CAUSE_RADIO_UNKNOWN_LOCAL_UE_NGAP_ID}};
    send_ue_pdu(s, &pdu);
    log_warn(LOG_NGAP, "NGAP: %s for unknown RAN UE NGAP ID %u (AMF UE NGAP ID %llu): Error Indication "
             "(unknown-local-UE-NGAP-ID)", what, ran_id, (unsigned long long)amf_id);
}

/* One release for the RRC: session psi's DRB (or nothing, for a session gnbd does not hold: the RRC answers at
 * once) with nas. false when the ring is full. */
static bool rrc_session_release(struct ng_stage *s, struct ng_ue *u, int psi, const uint8_t *nas, size_t nas_len)
{
    struct ng_dl_msg *out = ring_reserve(&s->to_rrc);
    if (!out) return false;
    out->type = NG_DL_PDU_SESSION_RELEASE;
    out->rnti = u->rnti;
    out->pdu_session_id = psi;
    out->nas_len = (uint32_t)nas_len;
    if (nas_len) memcpy(out->nas, nas, nas_len);
    ring_commit(&s->to_rrc);
    u->release_waiting++;
    return true;
}

/* 38.413 8.2.2: each listed session's tunnel goes now, its DRB through the RRC (which reports back on each: then
 * the Response); sessions gnbd does not hold are released already. The NAS-PDU reaches the UE either way, with
 * the first DRB release (or alone). */
static void on_session_release(struct ng_stage *s, const struct ngap_pdu_session_release_command *c)
{
    atomic_fetch_add_explicit(&s->session_release_commands, 1, memory_order_relaxed);
    struct ng_ue *u = ue_by_ran_id(s, c->head.ran_ue_ngap_id);
    if (!u || u->release_requested) {
        unknown_ue_error(s, "PDU Session Resource Release Command", c->head.amf_ue_ngap_id, c->head.ran_ue_ngap_id);
        return;
    }
    if (u->release_pending) { /* a session still being set up is not released: answered as released already */
        log_warn(LOG_NGAP, "0x%04x: PDU Session Resource Release Command while one is running: dropped", u->rnti);
        return;
    }
    u->n_release = c->n_sessions < NGAP_MAX_PDU_SESSIONS ? c->n_sessions : NGAP_MAX_PDU_SESSIONS;
    memcpy(u->release_ids, c->pdu_session_ids, sizeof u->release_ids);
    u->release_pending = true;
    u->release_waiting = 0;
    size_t nas_len = c->head.has_nas_pdu ? c->head.nas_len : 0;
    int ours = 0;
    bool lost = false;
    for (int i = 0; i < u->n_release; i++) {
        struct ng_session *x = session_of(u, c->pdu_session_ids[i]);
        if (!x || x->state != NG_SESSION_UP) continue;
        up_stage_tunnel_del(s->up, u->rnti, x->pdu_session_id); /* 29.281: G-PDUs to it now get Error Indications */
        x->state = NG_SESSION_FREE; /* its DRB identity is not given again (ng_stage.h) */
        ours++;
        if (!rrc_session_release(s, u, x->pdu_session_id, ours == 1 ? c->head.nas : NULL, ours == 1 ? nas_len : 0))
            lost = true;
    }
    if (ours == 0 && !rrc_session_release(s, u, u->n_release ? c->pdu_session_ids[0] : -1, c->head.nas, nas_len))
        lost = true; /* not ours: the RRC answers at once and passes the NAS-PDU on */
    if (lost)
        log_warn(LOG_NGAP, "0x%04x: PDU session release: the RRC ring is full; DRB left to the UE's release", u->rnti);
    log_info(LOG_NGAP, "0x%04x: PDU Session Resource Release Command (%d session(s), first %d, NAS %zu bytes) -> %d "
             "tunnel(s) released, DRB release(s)", u->rnti, u->n_release, u->n_release ? c->pdu_session_ids[0] : -1,
             nas_len, ours);
    if (u->release_waiting == 0) session_release_response(s, u); /* the RRC heard of none: answered now */
}

/* 38.413 8.14.1: the UE's radio capabilities (UERadioAccessCapabilityInformation from the RRC) to the AMF. */
static void capability_indication(struct ng_stage *s, struct ng_ue *u, const struct ng_up_msg *m)
{
    static _Thread_local struct ngap_pdu pdu;
    if (!u || !amf_holds(s, u)) {
        log_warn(LOG_NGAP, "0x%04x: UE radio capability (%u bytes) not sent: %s", m->rnti, m->nas_len,
                 !u ? "no NG context" : "no AMF context or the NG interface is down");
        return;
    }
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_UE_RADIO_CAPABILITY_INFO_INDICATION;
    struct ngap_ue_radio_capability_info_indication *c = &pdu.u.ue_radio_capability_info_indication;
    c->amf_ue_ngap_id = u->amf_ue_ngap_id;
    c->ran_ue_ngap_id = u->ran_ue_ngap_id;
    c->cap_len = m->nas_len;
    memcpy(c->cap, m->nas, m->nas_len);
    send_ue_pdu(s, &pdu);
    atomic_fetch_add_explicit(&s->cap_indications, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "0x%04x: UE Radio Capability Info Indication (%u bytes)", m->rnti, m->nas_len);
}

/* A message from the RRC stage. */
static void on_up(struct ng_stage *s, const struct ng_up_msg *m)
{
    static _Thread_local struct ngap_pdu pdu;
    struct ng_ue *u = ue_by_rnti(s, m->rnti);
    if (m->type == NG_UP_RESET) { /* a new stream: every UE of the old one is gone from the RAN */
        for (int i = 0; i < NG_MAX_UES; i++)
            if (s->ues[i].used && !s->ues[i].release_requested) ue_gone(s, &s->ues[i], RRC_CAUSE_LOST);
        return;
    }
    if (m->type == NG_UP_UE_GONE) {
        ue_gone(s, u, m->establishment_cause);
        return;
    }
    if (m->type == NG_UP_RELEASE_REQUEST) {
        ue_inactive(s, u, m->rnti, m->establishment_cause);
        return;
    }
    if (m->type == NG_UP_UE_CAPABILITY) {
        capability_indication(s, u, m);
        return;
    }
    if (m->type == NG_UP_CONTEXT_SETUP_DONE || m->type == NG_UP_CONTEXT_SETUP_FAILED) {
        context_setup_answer(s, u, m);
        return;
    }
    if (m->type == NG_UP_SESSION_DONE || m->type == NG_UP_SESSION_FAILED) {
        struct ng_session *x = u ? session_of(u, m->pdu_session_id) : NULL;
        if (x && x->state == NG_SESSION_PENDING) {
            bool ok = m->type == NG_UP_SESSION_DONE;
            x->state = ok ? NG_SESSION_UP : NG_SESSION_FREE;
            if (!ok) { /* no DRB: the tunnel goes too */
                up_stage_tunnel_del(s->up, u->rnti, x->pdu_session_id);
                setup_failed(u, x->pdu_session_id, m->establishment_cause);
            }
            if (!ok) x->in_request = false;
            session_response(s, u);
        }
        return;
    }
    if (m->type == NG_UP_SESSION_RELEASED) {
        if (u && u->release_pending && --u->release_waiting <= 0) session_release_response(s, u);
        return;
    }
    if (!ng_setup_is_ready(&s->setup) || !s->link) {
        atomic_fetch_add_explicit(&s->nas_dropped, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "0x%04x: NAS message of %u bytes dropped: the NG interface is not up", m->rnti, m->nas_len);
        return;
    }
    memset(&pdu, 0, sizeof pdu);
    if (m->type == NG_UP_INITIAL_UE) {
        if (!u)
            for (int i = 0; i < NG_MAX_UES && !u; i++)
                if (!s->ues[i].used) u = &s->ues[i];
        if (!u) {
            atomic_fetch_add_explicit(&s->nas_dropped, 1, memory_order_relaxed);
            log_warn(LOG_NGAP, "0x%04x: no room for another UE (%d): Initial UE Message not sent", m->rnti, NG_MAX_UES);
            return;
        }
        *u = (struct ng_ue){.used = true, .rnti = m->rnti, .ran_ue_ngap_id = s->next_ran_ue_id++};
        if (s->next_ran_ue_id == 0) s->next_ran_ue_id = 1;
        struct ngap_initial_ue_message *im = &pdu.u.initial_ue_message;
        pdu.msg = NGAP_MSG_INITIAL_UE_MESSAGE;
        im->ran_ue_ngap_id = u->ran_ue_ngap_id;
        im->nas_len = m->nas_len;
        memcpy(im->nas, m->nas, m->nas_len);
        im->uli = s->uli;
        im->rrc_establishment_cause = m->establishment_cause >= 0 && m->establishment_cause <= NGAP_RRC_MO_SMS + 2
                                          ? m->establishment_cause : NGAP_RRC_MO_SIGNALLING;
        im->ue_context_requested = true;
        send_ue_pdu(s, &pdu);
        atomic_fetch_add_explicit(&s->ues_initial, 1, memory_order_relaxed);
        log_info(LOG_NGAP, "0x%04x: Initial UE Message (RAN UE NGAP ID %u, NAS %u bytes, cause %d)", m->rnti,
                 u->ran_ue_ngap_id, m->nas_len, im->rrc_establishment_cause);
        return;
    }
    if (!u || !u->has_amf_id) { /* 38.413 8.6.3: Uplink NAS Transport needs the AMF UE NGAP ID */
        atomic_fetch_add_explicit(&s->nas_dropped, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "0x%04x: UL NAS message of %u bytes dropped: %s", m->rnti, m->nas_len,
                 u ? "no AMF UE NGAP ID yet" : "no NG context");
        return;
    }
    struct ngap_uplink_nas_transport *ul = &pdu.u.uplink_nas_transport;
    pdu.msg = NGAP_MSG_UPLINK_NAS_TRANSPORT;
    ul->amf_ue_ngap_id = u->amf_ue_ngap_id;
    ul->ran_ue_ngap_id = u->ran_ue_ngap_id;
    ul->nas_len = m->nas_len;
    memcpy(ul->nas, m->nas, m->nas_len);
    ul->uli = s->uli;
    send_ue_pdu(s, &pdu);
    atomic_fetch_add_explicit(&s->nas_ul, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "0x%04x: Uplink NAS Transport (NAS %u bytes)", m->rnti, m->nas_len);
}

static void drain_up(struct ng_stage *s)
{
    uint64_t v;
    ssize_t n = read(s->to_ng_fd, &v, sizeof v); /* clear first: a later commit bumps it again */
    (void)n;
    const struct ng_up_msg *m;
    while ((m = ring_peek(&s->to_ng)) != NULL) {
        on_up(s, m);
        ring_release(&s->to_ng);
    }
}

/* 38.413 8.6.2: a NAS-PDU for a UE: to the RRC stage, which sends it in a DLInformationTransfer. */
static void on_dl_nas(struct ng_stage *s, const struct ngap_downlink_nas_transport *d)
{
    struct ng_ue *u = ue_by_ran_id(s, d->ran_ue_ngap_id);
    if (!u) {
        atomic_fetch_add_explicit(&s->nas_dropped, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "NGAP: Downlink NAS Transport for unknown RAN UE NGAP ID %u: dropped", d->ran_ue_ngap_id);
        return;
    }
    u->has_amf_id = true;
    u->amf_ue_ngap_id = d->amf_ue_ngap_id;
    struct ng_dl_msg *out = ring_reserve(&s->to_rrc);
    if (!out) {
        atomic_fetch_add_explicit(&s->nas_dropped, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "0x%04x: DL NAS message dropped: the RRC ring is full", u->rnti);
        return;
    }
    out->type = NG_DL_NAS;
    out->rnti = u->rnti;
    out->nas_len = (uint32_t)d->nas_len;
    memcpy(out->nas, d->nas, d->nas_len);
    ring_commit(&s->to_rrc);
    atomic_fetch_add_explicit(&s->nas_dl, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "0x%04x: Downlink NAS Transport (AMF UE NGAP ID %llu, NAS %zu bytes) -> DLInformationTransfer",
             u->rnti, (unsigned long long)d->amf_ue_ngap_id, d->nas_len);
}

/* 38.413 8.3.1: the AMF sets up the UE's context: K_gNB and the UE's algorithms to the RRC (security mode
 * procedure); the answer comes back from the RRC. An unknown RAN UE NGAP ID gets an Error Indication (10.6). */
static void on_context_setup(struct ng_stage *s, const struct ngap_initial_context_setup_request *r)
{
    static _Thread_local struct ngap_pdu pdu;
    atomic_fetch_add_explicit(&s->ics_requests, 1, memory_order_relaxed);
    struct ng_ue *u = ue_by_ran_id(s, r->ran_ue_ngap_id);
    memset(&pdu, 0, sizeof pdu);
    if (!u) {
        unknown_ue_error(s, "Initial Context Setup Request", r->amf_ue_ngap_id, r->ran_ue_ngap_id);
        atomic_fetch_add_explicit(&s->ics_failures, 1, memory_order_relaxed);
        return;
    }
    u->has_amf_id = true;
    u->amf_ue_ngap_id = r->amf_ue_ngap_id;
    bool busy = u->ics_pending || u->ics_setup;
    struct ng_dl_msg *out = busy ? NULL : ring_reserve(&s->to_rrc);
    if (!out) {
        pdu.msg = NGAP_MSG_INITIAL_CONTEXT_SETUP_FAILURE;
        pdu.u.initial_context_setup_failure = (struct ngap_ue_ids_cause){
            .amf_ue_ngap_id = u->amf_ue_ngap_id, .ran_ue_ngap_id = u->ran_ue_ngap_id,
            .cause = {.group = NGAP_CAUSE_RADIO_NETWORK, .value = NGAP_CAUSE_RADIO_INTERACTION_WITH_OTHER_PROCEDURE}};
        send_ue_pdu(s, &pdu);
        atomic_fetch_add_explicit(&s->ics_failures, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "0x%04x: Initial Context Setup Failure: %s", u->rnti,
                 busy ? "one is already running" : "the RRC ring is full");
        return;
    }
    u->ics_pending = true;
    u->n_ics_sessions = r->has_sessions ? r->n_sessions : 0; /* set up once security is on */
    if (u->n_ics_sessions) memcpy(u->ics_sessions, r->sessions, (size_t)u->n_ics_sessions * sizeof r->sessions[0]);
    out->type = NG_DL_CONTEXT_SETUP;
    out->rnti = u->rnti;
    memcpy(out->k_gnb, r->security_key, sizeof out->k_gnb);
    out->nr_encryption = r->security_capabilities.nr_encryption;
    out->nr_integrity = r->security_capabilities.nr_integrity;
    out->ue_cap_known = r->has_ue_radio_capability; /* the AMF's copy from an earlier indication */
    out->ue_cap_decoded = out->ue_cap_known && rrc_ue_radio_capability_caps(r->ue_radio_capability,
                                                                            r->ue_radio_capability_len, s->band,
                                                                            &out->ue_caps) == 0;
    out->nas_len = r->has_nas_pdu ? (uint32_t)r->nas_len : 0;
    if (out->nas_len) memcpy(out->nas, r->nas, r->nas_len);
    ring_commit(&s->to_rrc);
    log_info(LOG_NGAP, "0x%04x: Initial Context Setup Request (AMF UE NGAP ID %llu, NR algorithms enc 0x%04x int "
             "0x%04x, NAS %u bytes, %d PDU session(s)) -> security mode command", u->rnti,
             (unsigned long long)r->amf_ue_ngap_id, out->nr_encryption, out->nr_integrity, out->nas_len,
             u->n_ics_sessions);
}

/* 38.413 8.3.3: the AMF releases a UE: the RRC sends RRCRelease; UE Context Release Complete goes back now. */
static void on_release_command(struct ng_stage *s, const struct ngap_ue_context_release_command *c)
{
    static _Thread_local struct ngap_pdu pdu;
    struct ng_ue *u = c->has_ran_ue_ngap_id ? ue_by_ran_id(s, c->ran_ue_ngap_id) : ue_by_amf_id(s, c->amf_ue_ngap_id);
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_UE_CONTEXT_RELEASE_COMPLETE;
    pdu.u.ue_context_release_complete.amf_ue_ngap_id = c->amf_ue_ngap_id;
    pdu.u.ue_context_release_complete.ran_ue_ngap_id = u ? u->ran_ue_ngap_id : c->ran_ue_ngap_id;
    pdu.u.ue_context_release_complete.has_uli = true;
    pdu.u.ue_context_release_complete.uli = s->uli;
    if (u && u->release_requested) { /* 8.3.2 answered: the UE has already left the RAN */
        log_info(LOG_NGAP, "0x%04x: UE Context Release Command (cause group %d value %d) for the UE gnbd asked to "
                 "release; UE Context Release Complete", u->rnti, c->cause.group, c->cause.value);
        forget_ue(s, u);
        atomic_fetch_add_explicit(&s->ue_releases, 1, memory_order_relaxed);
    } else if (u) { /* logged first: the RRC logs its RRCRelease once it has the message */
        log_info(LOG_NGAP, "0x%04x: UE Context Release Command (cause group %d value %d) -> RRCRelease; "
                 "UE Context Release Complete", u->rnti, c->cause.group, c->cause.value);
        rrc_release(s, u->rnti);
        forget_ue(s, u);
        atomic_fetch_add_explicit(&s->ue_releases, 1, memory_order_relaxed);
    } else {
        log_warn(LOG_NGAP, "NGAP: UE Context Release Command for a UE gnbd does not know (AMF UE NGAP ID %llu): "
                 "completed", (unsigned long long)c->amf_ue_ngap_id);
    }
    send_ue_pdu(s, &pdu);
}

static int up_msg(struct ng_stage *s, enum ng_up_type type, uint16_t rnti, int cause, int psi, const uint8_t *nas,
                  size_t len)
{
    if (!s || !s->enabled) return 0;
    if (len > NGAP_MAX_NAS_PDU) len = NGAP_MAX_NAS_PDU; /* the codec's limit; a longer NAS message is cut */
    struct ng_up_msg *m = ring_reserve(&s->to_ng);
    if (!m) {
        atomic_fetch_add_explicit(&s->nas_dropped, 1, memory_order_relaxed);
        return -EAGAIN;
    }
    m->type = type;
    m->rnti = rnti;
    m->establishment_cause = cause;
    m->pdu_session_id = psi;
    m->nas_len = (uint32_t)len;
    if (len) memcpy(m->nas, nas, len);
    ring_commit(&s->to_ng);
    uint64_t one = 1;
    ssize_t n = write(s->to_ng_fd, &one, sizeof one);
    (void)n;
    return 0;
}

int ng_stage_up(struct ng_stage *s, enum ng_up_type type, uint16_t rnti, int cause, const uint8_t *nas, size_t len)
{
    return up_msg(s, type, rnti, cause, -1, nas, len);
}

int ng_stage_up_session(struct ng_stage *s, enum ng_up_type type, uint16_t rnti, int pdu_session_id, int cause)
{
    return up_msg(s, type, rnti, cause, pdu_session_id, NULL, 0);
}

const struct ng_dl_msg *ng_stage_dl_peek(struct ng_stage *s)
{
    return s && s->enabled ? ring_peek(&s->to_rrc) : NULL;
}

void ng_stage_dl_done(struct ng_stage *s) { ring_release(&s->to_rrc); }

static void send_reset(struct ng_stage *s, int64_t t);
static void on_ng_reset(struct ng_stage *s, const struct ngap_ng_reset *r);
static void on_reset_acknowledge(struct ng_stage *s, const struct ngap_ng_reset_acknowledge *a);
static void on_error_indication(struct ng_stage *s, const struct ngap_error_indication *e);

static void on_pdu(struct ng_stage *s, int64_t t, const uint8_t *buf, size_t len)
{
    static _Thread_local struct ngap_pdu pdu; /* ~10 KB; this thread's own */
    atomic_fetch_add_explicit(&s->pdus_rx, 1, memory_order_relaxed);
    int rc = ngap_decode(buf, len, &pdu);
    if (rc < 0) {
        atomic_fetch_add_explicit(&s->pdus_bad, 1, memory_order_relaxed);
        log_warn(LOG_NGAP, "NGAP: %zu bytes from the AMF do not decode (%s; procedure %d): dropped", len,
                 strerror(-rc), pdu.procedure_code);
        return;
    }
    enum ng_state before = s->setup.state;
    if (!ng_setup_rx(&s->setup, t, &pdu)) {
        if (pdu.msg == NGAP_MSG_DOWNLINK_NAS_TRANSPORT)
            on_dl_nas(s, &pdu.u.downlink_nas_transport);
        else if (pdu.msg == NGAP_MSG_UE_CONTEXT_RELEASE_COMMAND)
            on_release_command(s, &pdu.u.ue_context_release_command);
        else if (pdu.msg == NGAP_MSG_INITIAL_CONTEXT_SETUP_REQUEST)
            on_context_setup(s, &pdu.u.initial_context_setup_request);
        else if (pdu.msg == NGAP_MSG_PDU_SESSION_RESOURCE_SETUP_REQUEST)
            on_session_setup(s, &pdu.u.pdu_session_resource_setup_request);
        else if (pdu.msg == NGAP_MSG_PDU_SESSION_RESOURCE_RELEASE_COMMAND)
            on_session_release(s, &pdu.u.pdu_session_resource_release_command);
        else if (pdu.msg == NGAP_MSG_NG_RESET)
            on_ng_reset(s, &pdu.u.ng_reset);
        else if (pdu.msg == NGAP_MSG_NG_RESET_ACKNOWLEDGE)
            on_reset_acknowledge(s, &pdu.u.ng_reset_acknowledge);
        else if (pdu.msg == NGAP_MSG_ERROR_INDICATION)
            on_error_indication(s, &pdu.u.error_indication);
        else
            log_warn(LOG_NGAP, "NGAP: %s from the AMF not handled yet", ngap_msg_name(pdu.msg));
        return;
    }
    if (pdu.msg == NGAP_MSG_NG_SETUP_RESPONSE && before == NG_SETUP_SENT) {
        const struct ngap_ng_setup_response *r = &s->setup.amf;
        log_info(LOG_NGAP, "NGAP: NGSetupResponse from AMF \"%s\" (relative capacity %d, %d served GUAMI(s)): "
                 "NG interface up, %s", r->amf_name, r->relative_amf_capacity, r->n_guamis,
                 s->reset_due ? "NG Reset first (UE contexts were lost)" : "the cell admits UEs");
        if (s->reset_due) send_reset(s, t);
    } else if (pdu.msg == NGAP_MSG_NG_SETUP_FAILURE && before == NG_SETUP_SENT) {
        log_warn(LOG_NGAP, "NGAP: NGSetupFailure (cause group %d value %d): NG Setup again in %lld ms",
                 s->setup.last_cause.group, s->setup.last_cause.value, (long long)(s->setup.due_ms - t));
    }
}

/* 38.413 8.7.4.2.2: gnbd lost its UE contexts (with the association): NG Reset, the whole interface. No UE is
 * admitted until the Acknowledge, lest the reset take a new UE's context at the AMF. */
static void send_reset(struct ng_stage *s, int64_t t)
{
    static _Thread_local struct ngap_pdu pdu;
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_NG_RESET;
    pdu.u.ng_reset.reset_all = true;
    pdu.u.ng_reset.cause = (struct ngap_cause){.group = NGAP_CAUSE_TRANSPORT, .value = 0}; /* transport-resource-
                                                                                            * unavailable */
    s->reset_due = false;
    s->reset_tries++;
    s->reset_sent_ms = t;
    atomic_store_explicit(&s->resetting, true, memory_order_release);
    send_msg(s, &pdu, 0);
    atomic_fetch_add_explicit(&s->resets_tx, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "NGAP: NG Reset (reset-all, transport-resource-unavailable; try %d of %d)", s->reset_tries,
             NG_RESET_TRIES);
}

static void reset_done(struct ng_stage *s)
{
    s->reset_tries = 0;
    atomic_store_explicit(&s->resetting, false, memory_order_release);
}

/* Our NG Reset unanswered: again, or give up (and admit UEs: the AMF's NG Setup cleared its contexts anyway). */
static void reset_guard(struct ng_stage *s, int64_t t)
{
    if (s->reset_tries == 0 || t - s->reset_sent_ms < NG_RESET_GUARD_MS) return;
    if (s->link && ng_setup_is_ready(&s->setup) && s->reset_tries < NG_RESET_TRIES) {
        send_reset(s, t);
        return;
    }
    log_warn(LOG_NGAP, "NGAP: no NG Reset Acknowledge after %d tries: UEs admitted again", s->reset_tries);
    reset_done(s);
}

static void on_reset_acknowledge(struct ng_stage *s, const struct ngap_ng_reset_acknowledge *a)
{
    if (s->reset_tries == 0) {
        log_warn(LOG_NGAP, "NGAP: NG Reset Acknowledge for no NG Reset of ours: ignored");
        return;
    }
    atomic_fetch_add_explicit(&s->reset_acks, 1, memory_order_relaxed);
    log_info(LOG_NGAP, "NGAP: NG Reset Acknowledge (%d connection(s) listed): the cell admits UEs",
             a->has_ues ? a->n_ues : 0);
    reset_done(s);
}

/* 38.413 8.7.4.2.1: the AMF resets the whole interface or the listed UE-associated connections: their UEs are
 * released here (RRCRelease, MAC context, tunnels) and the Acknowledge lists the connections as received. */
static void on_ng_reset(struct ng_stage *s, const struct ngap_ng_reset *r)
{
    static _Thread_local struct ngap_pdu pdu;
    atomic_fetch_add_explicit(&s->resets_rx, 1, memory_order_relaxed);
    int n = 0;
    if (r->reset_all) {
        for (int i = 0; i < NG_MAX_UES; i++)
            if (s->ues[i].used) {
                release_locally(s, &s->ues[i]);
                n++;
            }
    }
    for (int i = 0; !r->reset_all && i < r->n_ues; i++) {
        const struct ngap_ue_connection *c = &r->ues[i];
        struct ng_ue *u = c->has_ran_ue_ngap_id ? ue_by_ran_id(s, c->ran_ue_ngap_id)
                          : c->has_amf_ue_ngap_id ? ue_by_amf_id(s, c->amf_ue_ngap_id) : NULL;
        if (u) {
            release_locally(s, u);
            n++;
        }
    }
    memset(&pdu, 0, sizeof pdu);
    pdu.msg = NGAP_MSG_NG_RESET_ACKNOWLEDGE;
    struct ngap_ng_reset_acknowledge *a = &pdu.u.ng_reset_acknowledge;
    a->has_ues = !r->reset_all && r->n_ues > 0;
    a->n_ues = a->has_ues ? r->n_ues : 0;
    memcpy(a->ues, r->ues, (size_t)a->n_ues * sizeof a->ues[0]);
    send_msg(s, &pdu, 0);
    log_info(LOG_NGAP, "NGAP: NG Reset from the AMF (%s, cause group %d value %d): %d UE(s) released; "
             "NG Reset Acknowledge", r->reset_all ? "reset-all" : "part of the interface", r->cause.group,
             r->cause.value, n);
}

/* 38.413 8.7.5: the AMF reports an error. One naming a UE whose ids it does not know (unknown-local- or
 * inconsistent-remote-UE-NGAP-ID) ends that UE's context here too. */
static void on_error_indication(struct ng_stage *s, const struct ngap_error_indication *e)
{
    atomic_fetch_add_explicit(&s->errors_rx, 1, memory_order_relaxed);
    struct ng_ue *u = e->has_ran_ue_ngap_id ? ue_by_ran_id(s, e->ran_ue_ngap_id)
                      : e->has_amf_ue_ngap_id ? ue_by_amf_id(s, e->amf_ue_ngap_id) : NULL;
    bool unknown = e->has_cause && e->cause.group == NGAP_CAUSE_RADIO_NETWORK &&
                   (e->cause.value == NGAP_CAUSE_RADIO_UNKNOWN_LOCAL_UE_NGAP_ID ||
                    e->cause.value == NGAP_CAUSE_RADIO_INCONSISTENT_REMOTE_UE_NGAP_ID);
    long long amf = e->has_amf_ue_ngap_id ? (long long)e->amf_ue_ngap_id : -1;
    long long ran = e->has_ran_ue_ngap_id ? (long long)e->ran_ue_ngap_id : -1;
    int group = e->has_cause ? e->cause.group : -1, value = e->has_cause ? e->cause.value : -1;
    if (u && unknown) {
        log_warn(LOG_NGAP, "0x%04x: Error Indication (AMF UE NGAP ID %lld, RAN UE NGAP ID %lld, cause group %d "
                 "value %d): the AMF does not know the UE: released here", u->rnti, amf, ran, group, value);
        release_locally(s, u);
        atomic_fetch_add_explicit(&s->error_releases, 1, memory_order_relaxed);
        return;
    }
    log_warn(LOG_NGAP, "NGAP: Error Indication from the AMF (AMF UE NGAP ID %lld, RAN UE NGAP ID %lld, cause group "
             "%d value %d)%s", amf, ran, group, value,
             u ? "" : e->has_amf_ue_ngap_id || e->has_ran_ue_ngap_id ? ": no such UE here" : "");
}

/* Everything waiting on the association: messages, and the association's own events. */
static void drain_link(struct ng_stage *s, int64_t t)
{
    static _Thread_local uint8_t buf[65536];
    struct sctp_link_rx info;
    int n;
    while ((n = sctp_link_recv(s->link, buf, sizeof buf, &info)) >= 0 || n == -EMSGSIZE) {
        if (n == -EMSGSIZE) {
            atomic_fetch_add_explicit(&s->pdus_bad, 1, memory_order_relaxed);
            log_warn(LOG_NGAP, "NGAP: a message over %zu bytes from the AMF: dropped", sizeof buf);
            continue;
        }
        if (info.ppid != SCTP_LINK_NGAP_PPID)
            log_debug(LOG_NGAP, "NGAP: message with PPID %u (not %u) read as NGAP", info.ppid, SCTP_LINK_NGAP_PPID);
        on_pdu(s, t, buf, (size_t)n);
    }
    if (s->setup.state == NG_CONNECTING && sctp_link_is_up(s->link) == 1) {
        uint8_t req[NGAP_MAX_PDU_BYTES];
        size_t len;
        log_info(LOG_NGAP, "NGAP: SCTP association to %s:%u (%s) up: NGSetupRequest (gNB ID %u/%d bits, TAC %u)",
                 s->link_cfg.remote_addr, s->link_cfg.remote_port, sctp_link_transport_name(s->link_cfg.transport),
                 s->setup.cfg.request.gnb_id, s->setup.cfg.request.gnb_id_bits, s->setup.cfg.request.tas[0].tac);
        if (ng_setup_link_up(&s->setup, t, req, sizeof req, &len) == 0) send_pdu(s, req, len);
    }
    if (sctp_link_is_up(s->link) < 0) {
        bool was_ready = s->setup.state == NG_READY;
        close_link(s);
        int lost = 0;
        for (int i = 0; i < NG_MAX_UES; i++) /* the AMF's UE contexts went with the association: so do the UEs */
            if (s->ues[i].used) {
                release_locally(s, &s->ues[i]);
                lost++;
            }
        if (lost) s->reset_due = true;
        reset_done(s);
        ng_setup_link_down(&s->setup, t);
        log_warn(LOG_NGAP, "NGAP: SCTP association to the AMF %s; trying again in %lld ms",
                 was_ready ? "lost: the cell admits no UE until NG Setup succeeds again" : "failed",
                 (long long)(s->setup.due_ms - t));
    }
}

static void act(struct ng_stage *s, int64_t t)
{
    char err[256];
    uint8_t req[NGAP_MAX_PDU_BYTES];
    size_t len;
    switch (ng_setup_poll(&s->setup, t)) {
    case NG_ACT_CONNECT:
        if (sctp_link_connect(&s->link, &s->link_cfg, err, sizeof err) < 0) {
            ng_setup_connecting(&s->setup, t);
            ng_setup_link_down(&s->setup, t);
            log_warn(LOG_NGAP, "NGAP: %s; trying again in %lld ms", err, (long long)(s->setup.due_ms - t));
        } else {
            ng_setup_connecting(&s->setup, t);
        }
        break;
    case NG_ACT_SEND_SETUP:
        if (ng_setup_request(&s->setup, t, req, sizeof req, &len) == 0) send_pdu(s, req, len);
        break;
    case NG_ACT_CLOSE:
        log_warn(LOG_NGAP, "NGAP: no answer from the AMF at %s:%u within %d ms; trying again in %lld ms",
                 s->link_cfg.remote_addr, s->link_cfg.remote_port, s->setup.cfg.response_timeout_ms,
                 (long long)(s->setup.due_ms - t));
        close_link(s);
        ng_setup_link_down(&s->setup, t);
        break;
    case NG_ACT_NONE: break;
    }
}

static void *ng_main(void *arg)
{
    struct ng_stage *s = arg;
    for (;;) {
        int64_t t = now_ms();
        act(s, t);
        if (s->link) drain_link(s, t);
        expire_release_requests(s, t);
        reset_guard(s, t);
        publish(s);
        int64_t next = ng_setup_next_ms(&s->setup);
        int timeout = next == INT64_MAX ? 1000 : next - t < 0 ? 0 : next - t > 1000 ? 1000 : (int)(next - t);
        struct pollfd p[3] = {{.fd = s->stop_fd, .events = POLLIN}, {.fd = s->to_ng_fd, .events = POLLIN},
                              {.fd = sctp_link_fd(s->link), .events = POLLIN}};
        int n = poll(p, s->link ? 3 : 2, timeout);
        if (n > 0 && (p[0].revents & POLLIN)) break;
        if (n > 0 && (p[1].revents & POLLIN)) drain_up(s);
    }
    close_link(s);
    return NULL;
}

int ng_stage_start(struct ng_stage *s)
{
    if (!s->enabled) return 0;
    log_info(LOG_NGAP, "NGAP: AMF %s:%u over %s SCTP; no UE is admitted until NG Setup succeeds",
             s->link_cfg.remote_addr, s->link_cfg.remote_port,
             s->link_cfg.transport == SCTP_LINK_UDP_ENCAP ? "UDP-encapsulated (RFC 6951)" : "kernel");
    int rc = -pthread_create(&s->thread, NULL, ng_main, s);
    if (rc == 0) s->started = true;
    return rc;
}

void ng_stage_stop(struct ng_stage *s)
{
    if (s->started) {
        uint64_t one = 1;
        ssize_t n = write(s->stop_fd, &one, sizeof one);
        (void)n;
        pthread_join(s->thread, NULL);
        s->started = false;
    }
    if (s->stop_fd >= 0) close(s->stop_fd);
    if (s->to_ng_fd >= 0) close(s->to_ng_fd);
    s->stop_fd = s->to_ng_fd = -1;
    ring_free(&s->to_ng);
    ring_free(&s->to_rrc);
}
