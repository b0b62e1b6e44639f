/* The NGAP stage: one thread that keeps the NG interface to the AMF (ngap/ng_setup.h over gnb/sctp_link.h) and
 * tells the RRC whether the cell may admit UEs. Not a slot-path stage: it blocks in poll() on the association
 * and a stop eventfd, waking at the state machine's next deadline, never spinning.
 *
 * Admission: with no AMF configured (ngap.amf_addr "") the cell admits UEs as before (SRB1 only); with one, a
 * UE is admitted only while NG Setup has succeeded and the association is up — otherwise its RRCSetupRequest
 * gets RRCReject (the RRC stage asks ng_stage_admits_ues()), so no UE is set up that its core cannot serve.
 *
 * The NAS relay (38.413 8.6): the RRC stage hands over a connected UE's first NAS message (RRCSetupComplete's
 * dedicatedNAS-Message) and later ones (ULInformationTransfer) through a ring; this stage gives the UE a
 * RAN-UE-NGAP-ID and sends Initial UE Message / Uplink NAS Transport on stream 1, and passes each Downlink NAS
 * Transport's NAS-PDU back through another ring for a DLInformationTransfer. The UE table (RNTI, RAN and AMF UE
 * NGAP IDs) is this thread's alone; the RRC says when a UE is gone.
 *
 * A UE Context Release Command makes the RRC release the UE (RRCRelease) and is answered at once with UE
 * Context Release Complete.
 *
 * Initial Context Setup (8.3.1): the request's K_gNB, UE security capabilities and NAS-PDU go to the RRC, which
 * runs the security mode procedure (rrc/rrc_cell.h) and reports back: Initial Context Setup Response, or Failure
 * with a radio network cause. A request for a RAN UE NGAP ID this gNB does not know gets an Error Indication
 * (cause unknown-local-UE-NGAP-ID, 38.413 10.6); one the RRC ring cannot take, a Failure at once.
 *
 * PDU sessions in an Initial Context Setup Request (8.3.1.2, e.g. after a Service Request from idle): kept until
 * the RRC reports security on, then each set up as one of a PDU Session Resource Setup Request (below); the
 * Initial Context Setup Response carries the set-up and failed lists once the RRC has reported on each, or, when
 * none could be set up, Initial Context Setup Failure with the first one's cause (8.3.1.3).
 *
 * PDU Session Resource Setup (8.2.1): a UE holds up to NG_UE_SESSIONS sessions (the MAC's DRBs per UE), each
 * with its own DRB and N3 tunnel. Every session of a request gets a tunnel in the user-plane stage (our DL TEID,
 * keyed by DRB for the UL) and goes to the RRC with its own DRB identity and NAS-PDU (one RRCReconfiguration per
 * session; the RRC runs them one after the other). The DRB identity rule: a UE's sessions take DRB 1, 2, 3 ...
 * (LCID 4, 5, 6 ...) in the order they come, and an identity once given (set up, failed or released) is not
 * given again while the UE stays, since a UE may keep a released DRB's RLC entity (srsUE does, rrc/rrc_cell.h):
 * so after DRB 1's release the next session takes DRB 2 on LCID 5; past RRC_DRB_ID_MAX the UE's sessions are
 * refused. When the RRC has reported on every session of the request, PDU Session Resource Setup Response
 * answers it: the sessions set up (our N3 address, the DL TEID, the QFI) and the failed ones with their cause
 * (multiple-PDU-session-ID-instances for one the UE has, resources-not-available beyond NG_UE_SESSIONS or
 * without a tunnel, the radio cause from the RRC). A request while another set-up or release of the UE runs is
 * refused whole (interaction-with-other-procedure).
 *
 * PDU Session Resource Release (8.2.2): each listed session's tunnel goes at once (G-PDUs to its DL TEID get
 * Error Indications from then on), then its DRB through the RRC (the MAC drops it, RRCReconfiguration with
 * drb-ToReleaseList and the NAS-PDU, the Command's NAS-PDU with the first one); the UE's other sessions stay. When
 * the RRC has reported on each (RRCReconfigurationComplete, or the guard time) the AMF gets PDU Session Resource
 * Release Response listing every session of the Command (one gnbd does not hold is released already).
 *
 * RAN-initiated release (38.413 8.3.2): a UE the RRC finds inactive is reported (NG_UP_RELEASE_REQUEST) and the
 * AMF asked with a UE Context Release Request; the RRCRelease follows the AMF's Command (then Complete), or the
 * guard time without one (ngap.release_guard_s, NG_RELEASE_REQUEST_GUARD_MS by default). A UE already gone from the RAN (radio link failure, a new stream,
 * the cell left empty) gets the Request after the fact: it cannot hear an RRCRelease any more.
 *
 * NG Reset (8.7.4): one from the AMF releases the UEs it names (all, or the listed UE-associated connections):
 * RRCRelease, MAC context and tunnels go, and NG Reset Acknowledge answers (echoing the list). When the
 * association is lost the NG contexts go with it (their UEs released by the RRC); once NG Setup succeeds again
 * gnbd sends NG Reset (reset-all) so the AMF forgets them too, and admits UEs after its Acknowledge (sent again
 * after NG_RESET_GUARD_MS, NG_RESET_TRIES times at most).
 *
 * Error Indication from the AMF (8.7.5) naming a UE with cause unknown-local- or inconsistent-remote-UE-NGAP-ID:
 * the UE's context is released locally (no message to the AMF, which has none); others are logged and counted.
 *
 * UE Radio Capability Info Indication (8.14.1): the UE's UECapabilityInformation containers, as 38.331's
 * UERadioAccessCapabilityInformation, go to the AMF once the RRC has them; an Initial Context Setup Request
 * carrying UE Radio Capability spares the UE the UECapabilityEnquiry.
 *
 * Not yet: several AMFs. */
#ifndef GNBD_NG_STAGE_H
#define GNBD_NG_STAGE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "gnb/config.h"
#include "gnb/ring.h"
#include "gnb/sctp_link.h"
#include "ngap/ng_setup.h"
#include "rrc/msg/ue_nr_capability.h"

/* RRC -> NGAP. */
enum ng_up_type {
    NG_UP_INITIAL_UE, NG_UP_UL_NAS, NG_UP_UE_GONE, NG_UP_RESET,
    NG_UP_CONTEXT_SETUP_DONE,     /* AS security on: Initial Context Setup Response */
    NG_UP_CONTEXT_SETUP_FAILED,   /* Initial Context Setup Failure, cause = a radio network cause (9.3.1.2) */
    NG_UP_SESSION_DONE,           /* pdu_session_id's DRB up (RRCReconfigurationComplete) */
    NG_UP_SESSION_FAILED,         /* ... it failed, cause = a radio network cause */
    NG_UP_SESSION_RELEASED,       /* DRB released (or nothing to release): PDU Session Resource Release Response;
                                   * cause = the PDU session ID */
    NG_UP_RELEASE_REQUEST,        /* the UE is inactive: ask the AMF (UE Context Release Request); the RRC
                                   * releases it on NG_DL_RELEASE (the Command, or the guard) */
    NG_UP_UE_CAPABILITY,          /* nas[] = UERadioAccessCapabilityInformation: UE Radio Capability Info Ind. */
};
struct ng_up_msg {
    uint32_t type;
    uint16_t rnti;
    int establishment_cause;      /* INITIAL_UE: 38.331's, whose first ten values NGAP's 9.3.1.111 repeats;
                                   * CONTEXT_SETUP_FAILED: the radio network cause;
                                   * UE_GONE: why the RRC released the UE (enum rrc_release_cause) */
    int pdu_session_id;           /* SESSION_DONE, SESSION_FAILED */
    uint32_t nas_len;
    uint8_t nas[NGAP_MAX_NAS_PDU];
};
/* NGAP -> RRC: a NAS-PDU for the UE with this RNTI, its release (UE Context Release Command, 38.413 8.3.3), or
 * its Initial Context Setup (8.3.1: K_gNB, the UE's NR algorithms, the NAS-PDU to pass on after security). */
enum ng_dl_type { NG_DL_NAS, NG_DL_RELEASE, NG_DL_CONTEXT_SETUP, NG_DL_PDU_SESSION,
                  NG_DL_PDU_SESSION_RELEASE /* 38.413 8.2.2: pdu_session_id's DRB goes, its NAS-PDU in nas */ };
struct ng_dl_msg {
    uint32_t type;
    uint16_t rnti;
    uint8_t k_gnb[32];            /* CONTEXT_SETUP */
    uint16_t nr_encryption, nr_integrity; /* CONTEXT_SETUP: 9.3.1.86 maps */
    int pdu_session_id, qfi;      /* PDU_SESSION (its NAS-PDU in nas), PDU_SESSION_RELEASE (pdu_session_id) */
    int drb_id;                   /* PDU_SESSION: the DRB for it (see the DRB identity rule above) */
    bool ue_cap_known;            /* CONTEXT_SETUP: the request had UE Radio Capability: no UECapabilityEnquiry */
    bool ue_cap_decoded;          /* ... and its UE-NR-Capability decoded into ue_caps */
    struct rrc_ue_nr_caps ue_caps;
    uint32_t nas_len;             /* CONTEXT_SETUP: 0 when the request has no NAS-PDU */
    uint8_t nas[NGAP_MAX_NAS_PDU];
};
#define NG_MAX_UES 64
#define NG_UE_SESSIONS 4          /* PDU sessions a UE may hold (rrc_cell.h RRC_UE_DRBS, mac/ue.h MAC_UE_DRBS) */

/* A PDU session of a UE (38.413 8.2.1): its tunnel and DRB. */
enum ng_session_state { NG_SESSION_FREE, NG_SESSION_PENDING /* with the RRC */, NG_SESSION_UP };
struct ng_session {
    int state;                    /* enum ng_session_state */
    bool in_request;              /* set up by the Setup Request being answered (ng_ue.setup_running) */
    int pdu_session_id, qfi, drb_id;
    uint32_t dl_teid;             /* from the user-plane stage */
};

struct ng_ue {
    bool used;
    uint16_t rnti;
    uint32_t ran_ue_ngap_id;
    bool has_amf_id;
    uint64_t amf_ue_ngap_id;
    bool ics_pending;             /* Initial Context Setup passed to the RRC, not yet answered */
    bool release_requested;       /* the RAN lost or released the UE: UE Context Release Request sent, the AMF's
                                   * Command awaited (the RNTI no longer names this UE) */
    bool release_asked;           /* the RRC found it inactive: UE Context Release Request sent, the UE still
                                   * connected until the Command (then RRCRelease) */
    int64_t release_deadline_ms;  /* forget the context then if no Command came (and release the UE) */
    int n_ics_sessions;           /* Initial Context Setup: its PDU sessions, set up once security is on */
    struct ngap_pdu_session_setup_item ics_sessions[NGAP_MAX_PDU_SESSIONS];
    bool ics_setup;               /* the running set-up is those sessions: answered with the ICS Response */
    struct ng_session sess[NG_UE_SESSIONS];
    int next_drb_id;              /* the DRB identity of the UE's next session (0: 1) */
    bool setup_running;           /* a PDU Session Resource Setup Request is being answered: its sessions ... */
    int n_setup_failed;           /* ... those that failed already */
    struct ngap_pdu_session_setup_failed setup_failed[NGAP_MAX_PDU_SESSIONS];
    int release_waiting;          /* PDU Session Resource Release: RRC reports still awaited ... */
    bool release_pending;         /* ... for this Command */
    int n_release;                /* ... for these sessions of the Command (answered all together) */
    int release_ids[NGAP_MAX_PDU_SESSIONS];
};
#define NG_RELEASE_REQUEST_GUARD_MS 10000   /* UE Context Release Request -> Command, at the latest (default) */
#define NG_RESET_GUARD_MS 5000              /* our NG Reset -> Acknowledge, else sent again */
#define NG_RESET_TRIES 3

struct up_stage;

struct ng_stage {
    bool enabled;                 /* an AMF is configured */
    struct up_stage *up;          /* the user plane (gnb/up_stage.h): its tunnels go with the UE */
    struct sctp_link_config link_cfg;
    struct ng_setup setup;        /* owned by the stage's thread once started */
    int release_guard_ms;         /* UE Context Release Request -> Command at the latest (ngap.release_guard_s) */
    struct sctp_link *link;
    pthread_t thread;
    bool started;
    int stop_fd;                  /* eventfd: ng_stage_stop() */
    _Atomic int state;            /* enum ng_state, published for the RRC stage and metrics */
    struct ring to_ng, to_rrc;    /* ng_up_msg (RRC -> here), ng_dl_msg (here -> RRC) */
    int to_ng_fd;                 /* eventfd the RRC bumps after a commit to to_ng (this thread polls it) */
    struct ng_ue ues[NG_MAX_UES];
    uint32_t next_ran_ue_id;
    struct ngap_uli_nr uli;       /* the cell's NR CGI and TAI */
    int band;                     /* the cell's NR band (for the UE Radio Capability's per-band fields) */
    bool reset_due;               /* UE contexts went with the association: NG Reset once NG Setup succeeds */
    int reset_tries;              /* our NG Reset sent, not acknowledged yet (0: none pending) */
    int64_t reset_sent_ms;
    _Atomic bool resetting;       /* no UE admitted until the AMF acknowledged our NG Reset */
    _Atomic uint64_t ues_initial, nas_ul, nas_dl, nas_dropped, ue_releases;
    _Atomic uint64_t release_requests;   /* UE Context Release Requests sent (38.413 8.3.2) */
    _Atomic uint64_t ics_requests, ics_responses, ics_failures;
    _Atomic uint64_t sessions_requested, sessions_set_up, sessions_failed;
    _Atomic uint64_t session_release_commands, sessions_released; /* 8.2.2: Commands; sessions in the Responses */
    _Atomic uint64_t resets_rx, resets_tx, reset_acks;  /* NG Reset (38.413 8.7.4) both ways */
    _Atomic uint64_t errors_rx, error_releases;        /* Error Indications from the AMF; contexts they ended */
    _Atomic uint64_t cap_indications;                  /* UE Radio Capability Info Indications sent */
    _Atomic uint64_t connects, requests, responses, failures, timeouts, links_lost, pdus_rx, pdus_bad;
};

/* From the configuration (ngap.*, cell.mcc/mnc/tac/cell_id). -EINVAL with a sentence in err. */
int ng_stage_init(struct ng_stage *s, const struct gnbd_config *cfg, char *err, size_t errlen);
int ng_stage_start(struct ng_stage *s);
void ng_stage_stop(struct ng_stage *s);

/* The RRC stage's side (one producer thread). ng_stage_up() copies the message into the ring and wakes the stage;
 * -EAGAIN when the ring is full (counted: the NAS message is lost), 0 when NG is not enabled (nothing to do). */
int ng_stage_up(struct ng_stage *s, enum ng_up_type type, uint16_t rnti, int cause, const uint8_t *nas, size_t len);
/* The RRC's outcome for one PDU session (NG_UP_SESSION_DONE or NG_UP_SESSION_FAILED with a radio network cause). */
int ng_stage_up_session(struct ng_stage *s, enum ng_up_type type, uint16_t rnti, int pdu_session_id, int cause);
/* The next DL NAS message for the RRC, NULL when none; ng_stage_dl_done() after using it. */
const struct ng_dl_msg *ng_stage_dl_peek(struct ng_stage *s);
void ng_stage_dl_done(struct ng_stage *s);

/* May the cell set a UE up now? (Any thread.) */
static inline bool ng_stage_admits_ues(const struct ng_stage *s)
{
    return !s || !s->enabled || (atomic_load_explicit(&s->state, memory_order_acquire) == NG_READY &&
                                 !atomic_load_explicit(&s->resetting, memory_order_acquire));
}

#endif
