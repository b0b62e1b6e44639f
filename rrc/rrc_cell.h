/* The cell's RRC procedures and per-UE RRC contexts: connection establishment (38.331 5.3.3) and release
 * (5.3.8), one call per message or tick.
 *
 * UL-CCCH: an RRCSetupRequest (decoded by rrc/msg/ul_ccch) is answered with an RRCSetup (rrc/msg/
 * rrc_setup_builder: SRB1 and the master cell group, transaction 0) with the UE's own PUCCH resources (chosen
 * by the MAC) while fewer than max_ues UEs hold a context, else (max_ues reached, or the MAC has no resources
 * left) with an RRCReject carrying waitTime; a message that does not decode is counted and dropped (no
 * answer). The answer is a DL-CCCH message for the MAC to send as Msg4; an RRCSetup opens the UE's context
 * (state SETUP_SENT) under its (temporary, then C-) RNTI.
 * UL-DCCH (after RLC AM and PDCP on SRB1): the RRCSetupComplete makes the UE CONNECTED (5.3.3.4, gNB side);
 * every UL-DCCH SDU of a known UE, decodable or not, restarts its inactivity timer.
 * Release: with no core network, a CONNECTED UE stays on SRB1 until it has been inactive (no UL-DCCH SDU) for
 * inactivity_ms; then the cell sends it an RRCRelease on SRB1 (DL-DCCH, no redirection, no suspension) and the
 * UE is RELEASING. The UE leaves 60 ms after receiving it or once lower layers acknowledged it (38.331 5.3.8.3),
 * so the cell asks the MAC to release the UE's context when the MAC reports that SRB1 delivered it (RLC AM
 * acknowledgement, rrc_cell_delivered) or RRC_RELEASE_GUARD_MS after it was sent, whichever comes first. A
 * context in SETUP_SENT with no RRCSetupComplete after RRC_SETUP_GUARD_MS (a Msg4 never acknowledged, a UE
 * that gave up) and a UE the MAC reports lost (rrc_cell_ue_lost: radio link failure) are released without a
 * message. A released context frees its place under max_ues at once. With a core network (core_release) the
 * inactive UE is first reported (action RELEASE_REQUEST: the NG stage asks the AMF, 38.413 8.3.2) and the
 * RRCRelease waits for the core's command (rrc_cell_request_release), or RRC_CORE_RELEASE_GUARD_MS.
 *
 * AS security (38.331 5.3.4, 33.501 6.7.4), on the core network's Initial Context Setup (rrc_cell_context_setup):
 * the algorithms are the first of the configured preference lists the UE supports (integrity never NIA0 unless
 * the operator listed it, for tests), the keys come from K_gNB (pdcp/pdcp_sec.h), and the UE's security state
 * goes NONE -> PENDING -> SECURE through these actions, in this order:
 *   SECURITY (integrity on for SRB1 both ways, no ciphering) -> DL_DCCH SecurityModeCommand; then, on the
 *   SecurityModeComplete: SECURITY with ciphering (SRB1 both ways from the next PDU; the UL from the Complete's
 *   COUNT + 1, which the MAC finds) -> DL_DCCH UECapabilityEnquiry (nr; 5.6.1) -> on UECapabilityInformation, or
 *   after RRC_CAP_GUARD_MS without it -> DL_NAS (the Initial Context Setup's NAS-PDU, if any) ->
 *   CONTEXT_SETUP_DONE.
 *   A SecurityModeFailure, or no answer within RRC_SMC_GUARD_MS: SECURITY with no keys (back to NIA0/NEA0, where
 *   the UE stays, 5.3.4.3) -> CONTEXT_SETUP_FAILED. While PENDING, other DL messages for the UE wait
 *   (rrc_cell_dl_hold): the UE deciphers everything after the SecurityModeCommand.
 *
 * PDU session (rrc_cell_pdu_session_drb, after the context is set up; one session per call, one DRB each, up to
 * RRC_UE_DRBS at once): DRB_SETUP (the session's DRB for the MAC, drb: the parameters the UE is told too,
 * rrc_drb_params_defaults with the session's id and QFI; sec: K_UPenc, the UE's, the same for each DRB) ->
 * RECONFIG (RRCReconfiguration adding that DRB alone, with the session's NAS-PDU, 38.331 5.3.5: the UE's other DRBs
 * stay as they are) -> on RRCReconfigurationComplete SESSION_DONE, or after RRC_RECONF_GUARD_MS without it
 * DRB_RELEASE (the MAC drops the bearer again) -> SESSION_FAILED. One procedure runs per UE at a time: a second
 * session waits for the first one's end (rrc_cell_drb_busy; the caller holds it back).
 * PDU session release (rrc_cell_pdu_session_release, 38.413 8.2.2): DRB_RELEASE (the MAC drops the DRB) ->
 * RECONFIG_RELEASE (RRCReconfiguration with drb-ToReleaseList, the RLC bearer in rlc-BearerToReleaseList and the
 * NAS-PDU, 38.331 5.3.5.6.4) -> on RRCReconfigurationComplete, or after RRC_RECONF_GUARD_MS without it
 * (unconfirmed), SESSION_RELEASED; the UE's other DRBs stay.
 *
 * Actions (DL-DCCH SDUs to send, contexts for the MAC to release) come out of rrc_cell_tick(), one per call, so
 * the caller emits only as many as it has room for; state changes only when an action is handed out.
 *
 * Time: now_ms comes in with every call (the stream's slot time; nothing reads a clock); it must not go back.
 * rrc_cell_reset() forgets every UE (a new stream epoch, whose time restarts at 0).
 * Threading: one struct rrc_cell, used by the RRC stage only; contexts and scratch space are allocated at init,
 * nothing allocates afterwards.
 */
#ifndef GNBD_RRC_RRC_CELL_H
#define GNBD_RRC_RRC_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "pdcp/pdcp_core.h"
#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/rrc_reconfig_builder.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ue_nr_capability.h"
#include "rrc/msg/ul_dcch.h"

#define RRC_RELEASE_GUARD_MS 100   /* RRCRelease sent -> MAC context released at the latest */
#define RRC_SETUP_GUARD_MS 5000    /* RRCSetup sent -> context released when no RRCSetupComplete came */
#define RRC_SMC_GUARD_MS 1000      /* SecurityModeCommand sent -> security failed when no answer came */
#define RRC_CAP_GUARD_MS 1000      /* UECapabilityEnquiry sent -> go on without the capabilities */
#define RRC_RECONF_GUARD_MS 1000   /* RRCReconfiguration sent -> the PDU session failed when no answer came */
#define RRC_CORE_RELEASE_GUARD_MS 15000 /* core_release: release asked -> RRCRelease at the latest */
#define RRC_UE_DRBS 4              /* DRBs a UE may have at once (the MAC's MAC_UE_DRBS; 38.331 maxDRB is 29) */
#define RRC_ICS_NAS_MAX 4096       /* the Initial Context Setup's NAS-PDU kept per UE (NGAP_MAX_NAS_PDU) */
#define RRC_SEC_MAX_ALGS 4

/* AS algorithm preferences, most preferred first (algorithm identities 0..3 of 33.501 5.11.1; gnbd implements 0
 * and 2). */
struct rrc_sec_prefs {
    int n_integrity, integrity[RRC_SEC_MAX_ALGS];   /* nia */
    int n_ciphering, ciphering[RRC_SEC_MAX_ALGS];   /* nea */
};

/* The algorithms for a UE whose NGAP UE Security Capabilities (38.413 9.3.1.86: 16-bit maps, the most
 * significant bit = algorithm 1, NEA0/NIA0 implied) are nr_enc / nr_int: the first of each preference list the UE
 * supports. 0, or -ENOTSUP when a list has none in common. */
int rrc_sec_choose(const struct rrc_sec_prefs *p, uint16_t nr_enc, uint16_t nr_int, int *nia, int *nea);

struct rrc_cell_config {
    struct rrc_setup_cell_desc setup;  /* setup.dl_256qam: PDSCH mcs-Table qam256 for the UEs that support it */
    int band;                        /* the cell's NR band (UE capabilities are per band), 1..1024 */
    bool qam256_unclaimed;           /* qam256 also for a UE whose capability lacks pdsch-256QAM-FR1 */
    int max_ues;                     /* RRCReject while this many UEs hold a context */
    int reject_wait_time_s;          /* waitTime of the RRCReject, 1..16 */
    int64_t inactivity_ms;           /* RRCRelease after this long without UL-DCCH; 0 = never */
    struct rrc_sec_prefs sec;        /* n_integrity 0: nia2 only; n_ciphering 0: nea2, nea0 */
    bool core_release;               /* a core network holds the UEs' contexts: an inactive UE is not released at
                                      * once but asked for (action RELEASE_REQUEST, 38.413 8.3.2); its RRCRelease
                                      * follows the core's command (rrc_cell_request_release) or, failing that,
                                      * RRC_CORE_RELEASE_GUARD_MS */
};

enum rrc_cell_event {
    RRC_EV_NONE, RRC_EV_SETUP, RRC_EV_REJECT, RRC_EV_BAD_MESSAGE, RRC_EV_UNSUPPORTED,
    RRC_EV_SETUP_COMPLETE,           /* UL-DCCH: RRCSetupComplete, the UE is connected */
    RRC_EV_UL_DCCH,                  /* UL-DCCH: another message (not handled yet; activity only) */
    RRC_EV_UNKNOWN_UE,               /* UL-DCCH from an RNTI with no context: ignored */
    RRC_EV_SECURITY_COMPLETE,        /* UL-DCCH: SecurityModeComplete of the pending SecurityModeCommand */
    RRC_EV_SECURITY_FAILURE,         /* UL-DCCH: SecurityModeFailure */
    RRC_EV_UE_CAPABILITY,            /* UL-DCCH: UECapabilityInformation of the pending enquiry */
    RRC_EV_RECONF_COMPLETE,          /* UL-DCCH: RRCReconfigurationComplete of the pending reconfiguration */
};

/* A UE's PDSCH mcs-Table qam256 (38.214 5.1.3.1 Table 5.1.3.1-2), for setup.dl_256qam cells: RRCSetup has no
 * mcs-Table (Table 5.1.3.1-1: any UE); a UE whose UE-NR-Capability has pdsch-256QAM-FR1 (UECapabilityInformation
 * or the AMF's UE Radio Capability) is DUE; its next DRB RRCReconfiguration carries the whole spCellConfig of its
 * RRCSetup with mcs-Table qam256 (SENT; the MAC then uses MCS 0, the row both tables share); the
 * RRCReconfigurationComplete makes it CONFIRMED, and the action DL_256QAM tells the MAC to use Table 5.1.3.1-2
 * (ON). A reconfiguration that gets no Complete leaves it SENT (sent again with the next one). */
enum rrc_qam256 { RRC_QAM256_NO, RRC_QAM256_DUE, RRC_QAM256_SENT, RRC_QAM256_CONFIRMED, RRC_QAM256_ON };

/* AS security of a UE (38.331 5.3.4). */
enum rrc_sec_state { RRC_SEC_NONE, RRC_SEC_PENDING, RRC_SEC_SECURE };

/* Why security failed (action CONTEXT_SETUP_FAILED). */
enum rrc_sec_failure { RRC_SEC_FAIL_UE, RRC_SEC_FAIL_TIMEOUT };

enum rrc_ue_state { RRC_UE_FREE, RRC_UE_SETUP_SENT, RRC_UE_CONNECTED, RRC_UE_RELEASING };

/* Why a context was released (rrc_cell_action.cause). */
enum rrc_release_cause {
    RRC_CAUSE_INACTIVITY,            /* RRCRelease sent (action DL_DCCH); then one of the next two */
    RRC_CAUSE_DELIVERED,             /* RELEASE_UE: the MAC reported the RRCRelease acknowledged */
    RRC_CAUSE_GUARD,                 /* RELEASE_UE: RRC_RELEASE_GUARD_MS passed without that report */
    RRC_CAUSE_SETUP_TIMEOUT,         /* RELEASE_UE: no RRCSetupComplete within RRC_SETUP_GUARD_MS */
    RRC_CAUSE_LOST,                  /* RELEASE_UE: the MAC reported the UE lost */
    RRC_CAUSE_CORE,                  /* RRCRelease sent (action DL_DCCH): the core network asked (38.413 8.3.3) */
};

struct rrc_ue_ctx {
    enum rrc_ue_state state;
    uint16_t rnti;
    int64_t since_ms;                /* SETUP_SENT: RRCSetup; CONNECTED: last UL-DCCH; RELEASING: RRCRelease */
    int64_t release_at_ms;           /* RELEASING: when the MAC context goes */
    enum rrc_release_cause cause;    /* RELEASING: why (set when the release time is decided) */
    int establishment_cause;         /* the RRCSetupRequest's (enum rrc_establishment_cause), for NGAP */
    bool release_requested;          /* rrc_cell_request_release(): RRCRelease at the next tick */
    bool release_asked;              /* core_release: RELEASE_REQUEST given at release_asked_ms */
    int64_t release_asked_ms;
    bool cap_known;                  /* the core has the UE's radio capabilities: no UECapabilityEnquiry */
    struct rrc_setup_ue_pucch res;   /* the UE's own part of its RRCSetup (the reconfiguration repeats it) */
    struct rrc_ue_nr_caps caps;      /* from its UE-NR-Capability (all false when none came or it did not decode) */
    enum rrc_qam256 qam256;          /* where its PDSCH mcs-Table qam256 stands */
    enum rrc_sec_state sec;
    int sec_step;                    /* PENDING/SECURE: the next security action (internal) */
    int nia, nea;                    /* chosen algorithms */
    struct pdcp_sec_config srb_sec;  /* K_RRCint / K_RRCenc for SRB1 */
    struct pdcp_sec_config drb_sec;  /* K_UPint / K_UPenc, for the DRBs to come */
    int64_t sec_since_ms;            /* PENDING: SecurityModeCommand sent */
    int smc_transaction, cap_transaction, next_transaction;
    size_t ue_cap_len;               /* UECapabilityInformation: octets of its UE-NR-Capability (0: none) */
    enum rrc_sec_failure sec_failure;
    size_t ics_nas_len;
    uint8_t *ics_nas;                /* RRC_ICS_NAS_MAX octets, allocated at init (also the session's NAS-PDU) */
    int drb_step;                    /* PDU session: the next action (internal) */
    struct rrc_drb_params drb;       /* the DRB of the procedure running (set up or released) */
    struct rrc_drb_params drbs[RRC_UE_DRBS]; /* the DRBs set up (RRCReconfigurationComplete), in no order */
    int n_drbs;
    int reconf_transaction;
    int64_t drb_since_ms;
};

enum rrc_cell_action_type {
    RRC_ACT_DL_DCCH, RRC_ACT_RELEASE_UE,
    RRC_ACT_SECURITY,                /* SRB1 security for the MAC: sec (has_sec false: none), ciphering */
    RRC_ACT_DL_NAS,                  /* nas[nas_len] for a DLInformationTransfer */
    RRC_ACT_CONTEXT_SETUP_DONE,      /* security on: Initial Context Setup Response */
    RRC_ACT_CONTEXT_SETUP_FAILED,    /* failure (why: sec_failure): Initial Context Setup Failure */
    RRC_ACT_DRB_SETUP,               /* drb (+ sec: K_UPenc) for the MAC */
    RRC_ACT_RECONFIG,                /* RRCReconfiguration of drb with nas[nas_len], transaction_id */
    RRC_ACT_SESSION_DONE,            /* PDU Session Resource Setup Response */
    RRC_ACT_SESSION_FAILED,          /* ... with the session failed (no RRCReconfigurationComplete) */
    RRC_ACT_DRB_RELEASE,             /* drb.drb_id for the MAC to release */
    RRC_ACT_RECONFIG_RELEASE,        /* RRCReconfiguration releasing drb (drb_id, lcid) with nas[nas_len] */
    RRC_ACT_SESSION_RELEASED,        /* PDU Session Resource Release Response (unconfirmed: no Complete came) */
    RRC_ACT_RELEASE_REQUEST,         /* core_release: ask the core to release the UE (cause: why) */
    RRC_ACT_DL_256QAM,               /* the UE confirmed mcs-Table qam256: the MAC switches its PDSCH table */
};

struct rrc_cell_action {
    enum rrc_cell_action_type type;
    uint16_t rnti;
    enum rrc_release_cause cause;
    size_t len;                      /* DL_DCCH: the SDU (for SRB1's PDCP) */
    uint8_t data[RRC_DL_DCCH_MAX_BYTES];
    bool smc;                        /* DL_DCCH: it is the SecurityModeCommand */
    bool cap_enquiry;                /* DL_DCCH: it is the UECapabilityEnquiry */
    bool has_sec, ciphering;         /* SECURITY */
    struct pdcp_sec_config sec;
    enum rrc_sec_failure sec_failure; /* CONTEXT_SETUP_FAILED */
    const uint8_t *nas;              /* DL_NAS, RECONFIG: valid until the next call */
    struct rrc_drb_params drb;       /* DRB_SETUP, RECONFIG */
    const struct rrc_sp_cell_config *sp_cell; /* RECONFIG: the spCellConfig to add (mcs-Table qam256), NULL none;
                                      * valid until the next call */
    int transaction_id;              /* RECONFIG, RECONFIG_RELEASE */
    size_t nas_len;
    bool unconfirmed;                /* SESSION_RELEASED: no RRCReconfigurationComplete within the guard time */
};

struct rrc_cell_stats {
    uint64_t setup_requests, setups, rejects, bad_messages, unsupported;
    uint64_t setups_complete, ul_dcch, ul_dcch_bad, ul_dcch_unknown_ue;
    uint64_t releases_sent;          /* RRCRelease messages */
    uint64_t releases;               /* contexts released, every cause */
    uint64_t setup_timeouts, lost;
    uint64_t smc_sent, smc_complete, smc_failed, smc_timeouts;
    uint64_t cap_enquiries, cap_info, cap_timeouts;
    uint64_t cap_256qam, cap_no_256qam, cap_bad; /* UE-NR-Capabilities with / without pdsch-256QAM-FR1, undecodable */
    uint64_t qam256_on;              /* UEs switched to mcs-Table qam256 (Complete received) */
    uint64_t reconfigs, reconfig_complete, reconfig_timeouts;
    uint64_t drb_releases;           /* DRBs released for the core (SESSION_RELEASED actions) */
};

struct rrc_cell {
    struct rrc_cell_config cfg;
    int nof_ues;                     /* contexts not FREE: what max_ues is compared with */
    int n_ctx;                       /* size of ue[] (max_ues, at least 1) */
    struct rrc_ue_ctx *ue;
    struct rrc_dl_ccch_msg *dl;      /* scratch: large */
    struct rrc_ul_dcch_msg *ul_dcch; /* scratch: large */
    struct rrc_sp_cell_config *sp_cell; /* scratch: the spCellConfig of a RECONFIG action */
    struct rrc_dl_dcch_msg *dl_dcch; /* scratch: large */
    uint8_t *nas_mem;                /* the contexts' ics_nas */
    struct rrc_ul_ccch_msg ul;
    struct rrc_cell_stats stats;
};

/* Returns 0, -EINVAL (a value out of range, an RRCSetup that does not build), -ENOMEM. */
int rrc_cell_init(struct rrc_cell *c, const struct rrc_cell_config *cfg);
void rrc_cell_free(struct rrc_cell *c);

/* Every context released (a new stream epoch: the MAC released its UEs). Counters are kept. */
void rrc_cell_reset(struct rrc_cell *c);

/* A UL-CCCH SDU from the UE with (temporary) RNTI rnti at now_ms, for which the MAC set aside the dedicated
 * PUCCH resources *res (NULL: the MAC has none left, so an RRCSetupRequest gets RRCReject). Writes the DL-CCCH
 * answer into out[cap] and its length into *out_len (0 when there is none) and returns what happened (enum
 * rrc_cell_event); *ul gets the decoded message when there was one. */
enum rrc_cell_event rrc_cell_ul_ccch(struct rrc_cell *c, uint16_t rnti, const uint8_t *sdu, size_t len,
                                     int64_t now_ms, const struct rrc_setup_ue_pucch *res, uint8_t *out,
                                     size_t cap, size_t *out_len, const struct rrc_ul_ccch_msg **ul);

/* A UL-DCCH SDU (PDCP removed) from the UE with C-RNTI rnti. Returns RRC_EV_SETUP_COMPLETE, RRC_EV_UL_DCCH,
 * RRC_EV_BAD_MESSAGE (does not decode; still activity) or RRC_EV_UNKNOWN_UE; *msg gets the decoded message
 * (RRC_EV_SETUP_COMPLETE: its setup_complete) or NULL. */
enum rrc_cell_event rrc_cell_ul_dcch(struct rrc_cell *c, uint16_t rnti, const uint8_t *sdu, size_t len,
                                     int64_t now_ms, const struct rrc_ul_dcch_msg **msg);

/* The MAC reports that SRB1 of rnti delivered everything queued (RLC AM acknowledgement). A RELEASING UE is
 * then released at the next tick. */
void rrc_cell_delivered(struct rrc_cell *c, uint16_t rnti, int64_t now_ms);

/* The MAC reports the UE lost (e.g. RLC AM reached maxRetxThreshold, 38.331 5.3.10.3): released at the next
 * tick, without a message. */
void rrc_cell_ue_lost(struct rrc_cell *c, uint16_t rnti, int64_t now_ms);

/* The next action due at now_ms: 1 with *act filled (and the state advanced), 0 when nothing is due. */
int rrc_cell_tick(struct rrc_cell *c, int64_t now_ms, struct rrc_cell_action *act);

/* The core network released the UE (UE Context Release Command): a connected UE gets RRCRelease at the next
 * rrc_cell_tick() (action DL_DCCH, cause RRC_CAUSE_CORE); a UE still in setup is released without one. -ENOENT
 * when the RNTI has no context. */
int rrc_cell_request_release(struct rrc_cell *c, uint16_t rnti);

/* The core already has the UE's radio capabilities (Initial Context Setup with UE Radio Capability, 38.413
 * 8.3.1.2): the security procedure goes on without a UECapabilityEnquiry. caps: what its UE-NR-Capability says
 * (rrc_ue_radio_capability_caps), NULL when it did not decode. -ENOENT when the RNTI has no context. */
int rrc_cell_ue_capability_known(struct rrc_cell *c, uint16_t rnti, const struct rrc_ue_nr_caps *caps);

/* The core network's Initial Context Setup for rnti (38.413 8.3.1): K_gNB, the UE's NR security capabilities
 * (9.3.1.86 maps) and the NAS-PDU to pass on after security (may be NULL). Starts the security procedure (see
 * above): actions from the next rrc_cell_tick(). Returns 0, -ENOENT (no context), -EBUSY (not connected, or
 * security already pending or on), -ENOTSUP (no algorithm in common: nothing started), -EMSGSIZE (NAS-PDU over
 * RRC_ICS_NAS_MAX), -EINVAL (the keys do not derive). */
int rrc_cell_context_setup(struct rrc_cell *c, uint16_t rnti, const uint8_t k_gnb[32], uint16_t nr_enc,
                           uint16_t nr_int, const uint8_t *nas, size_t nas_len, int64_t now_ms);

/* The core's PDU Session Resource Setup for rnti (38.413 8.2.1): DRB 1 for the session with QFI qfi, the NAS-PDU
 * to pass on in the RRCReconfiguration (may be NULL). Actions from the next tick (see above). 0, -ENOENT (no
 * context), -EBUSY (security not on and the context not set up, or a DRB procedure running), -EINVAL (ids out of
 * range), -EEXIST (the UE has that DRB identity or PDU session already), -ENOSPC (RRC_UE_DRBS DRBs already),
 * -EMSGSIZE (NAS-PDU over RRC_ICS_NAS_MAX). */
int rrc_cell_pdu_session(struct rrc_cell *c, uint16_t rnti, int pdu_session_id, int qfi, const uint8_t *nas,
                         size_t nas_len, int64_t now_ms);
/* The same with DRB drb_id (1..RRC_DRB_ID_MAX) on LCID drb_id + 3. The NG stage gives each session of a UE a DRB
 * identity the UE has never had (1, 2, 3, ...: a released or failed one is not used again while the UE stays),
 * because a UE may keep a released DRB's RLC entity (srsUE ignores rlc-BearerToReleaseList and refuses to add
 * an LCID it still has, so a fresh RLC AM on LCID 4 would meet its old one). -EINVAL also for drb_id out of
 * range. */
#define RRC_DRB_ID_MAX 29   /* LCID 32 (38.321 Table 6.2.1-1: 4..32 for DRBs) */
int rrc_cell_pdu_session_drb(struct rrc_cell *c, uint16_t rnti, int drb_id, int pdu_session_id, int qfi,
                             const uint8_t *nas, size_t nas_len, int64_t now_ms);

/* The core's PDU Session Resource Release for rnti (38.413 8.2.2): the DRB of session pdu_session_id goes, with
 * the NAS-PDU (may be NULL) in the RRCReconfiguration; the UE's other DRBs stay. Actions from the next tick (see
 * above). 0, -ENOENT (no context), -EBUSY (not connected, or a session setup or release running), -ESRCH (no DRB
 * for that session), -EMSGSIZE (NAS-PDU over RRC_ICS_NAS_MAX). */
int rrc_cell_pdu_session_release(struct rrc_cell *c, uint16_t rnti, int pdu_session_id, const uint8_t *nas,
                                 size_t nas_len, int64_t now_ms);

/* true while a DRB procedure (set-up or release) of rnti runs: the next PDU session of the UE must wait. */
bool rrc_cell_drb_busy(const struct rrc_cell *c, uint16_t rnti);
/* The DRBs rnti has set up (0: none, or no context). */
int rrc_cell_drb_count(const struct rrc_cell *c, uint16_t rnti);

/* true while DL messages for rnti must wait (security pending: the SecurityModeCommand is out). */
bool rrc_cell_dl_hold(const struct rrc_cell *c, uint16_t rnti);

const char *rrc_alg_name(bool integrity, int alg);

/* UEs in state CONNECTED. */
int rrc_cell_connected(const struct rrc_cell *c);

/* The context of rnti, or NULL. */
const struct rrc_ue_ctx *rrc_cell_find(const struct rrc_cell *c, uint16_t rnti);

const char *rrc_release_cause_name(enum rrc_release_cause cause);

#endif
