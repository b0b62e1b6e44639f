/* RRC connection establishment and release, the cell side (see rrc_cell.h). */
#include "rrc/rrc_cell.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pdcp/pdcp_sec.h"

/* rrc_ue_ctx.sec_step: the next security action. */
/* rrc_ue_ctx.drb_step. */
enum { DRB_NONE /* no procedure running (any number of DRBs up) */, DRB_SETUP, DRB_RECONF, DRB_WAIT, DRB_DONE,
       DRB_FAIL_MAC, DRB_FAILED,
       DRB_REL_MAC, DRB_REL_RECONF, DRB_REL_WAIT, DRB_REL_DONE }; /* release: 38.413 8.2.2, 38.331 5.3.5.6.4 */

enum { SEC_IDLE, SEC_INTEGRITY, SEC_SMC, SEC_WAIT, SEC_CIPHER, SEC_CAP_ENQ, SEC_CAP_WAIT, SEC_NAS, SEC_DONE, SEC_UNDO,
       SEC_FAIL };

static bool prefs_ok(const int *algs, int n)
{
    if (n < 0 || n > RRC_SEC_MAX_ALGS) return false;
    for (int i = 0; i < n; i++)
        if (!pdcp_sec_alg_supported(algs[i])) return false;
    return true;
}

int rrc_cell_init(struct rrc_cell *c, const struct rrc_cell_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    if (cfg->max_ues < 0 || cfg->reject_wait_time_s < 1 || cfg->reject_wait_time_s > 16 || cfg->inactivity_ms < 0 ||
        !prefs_ok(cfg->sec.integrity, cfg->sec.n_integrity) || !prefs_ok(cfg->sec.ciphering, cfg->sec.n_ciphering))
        return -EINVAL;
    if (c->cfg.sec.n_integrity == 0) { /* defaults: 128-NIA2; 128-NEA2, else NEA0 */
        c->cfg.sec.n_integrity = 1;
        c->cfg.sec.integrity[0] = PDCP_SEC_ALG2;
    }
    if (c->cfg.sec.n_ciphering == 0) {
        c->cfg.sec.n_ciphering = 2;
        c->cfg.sec.ciphering[0] = PDCP_SEC_ALG2;
        c->cfg.sec.ciphering[1] = PDCP_SEC_ALG0;
    }
    c->n_ctx = cfg->max_ues > 0 ? cfg->max_ues : 1;
    c->ue = calloc((size_t)c->n_ctx, sizeof *c->ue);
    c->dl = calloc(1, sizeof *c->dl);
    c->dl_dcch = calloc(1, sizeof *c->dl_dcch);
    c->ul_dcch = calloc(1, sizeof *c->ul_dcch);
    c->sp_cell = calloc(1, sizeof *c->sp_cell);
    c->nas_mem = calloc((size_t)c->n_ctx, RRC_ICS_NAS_MAX);
    if (!c->ue || !c->dl || !c->ul_dcch || !c->dl_dcch || !c->sp_cell || !c->nas_mem) {
        rrc_cell_free(c);
        return -ENOMEM;
    }
    for (int i = 0; i < c->n_ctx; i++) c->ue[i].ics_nas = c->nas_mem + (size_t)i * RRC_ICS_NAS_MAX;
    /* The RRCSetup must build for this cell before anything runs (the UE's own part comes per UE: any valid
     * one here, PRB 0). */
    struct rrc_setup_cell_desc d = cfg->setup;
    d.ue = (struct rrc_setup_ue_pucch){.ack_occ = {0, 1}, .sr_occ = 2};
    if (rrc_setup_builder_build(&d, 0, c->dl) < 0) {
        rrc_cell_free(c);
        return -EINVAL;
    }
    return 0;
}

void rrc_cell_free(struct rrc_cell *c)
{
    free(c->ue);
    free(c->dl);
    free(c->dl_dcch);
    c->dl_dcch = NULL;
    free(c->ul_dcch);
    free(c->sp_cell);
    c->sp_cell = NULL;
    free(c->nas_mem);
    c->nas_mem = NULL;
    c->ue = NULL;
    c->dl = NULL;
    c->ul_dcch = NULL;
}

void rrc_cell_reset(struct rrc_cell *c)
{
    for (int i = 0; i < c->n_ctx; i++) c->ue[i].state = RRC_UE_FREE;
    c->nof_ues = 0;
}

static struct rrc_ue_ctx *find(const struct rrc_cell *c, uint16_t rnti)
{
    for (int i = 0; i < c->n_ctx; i++)
        if (c->ue[i].state != RRC_UE_FREE && c->ue[i].rnti == rnti) return &c->ue[i];
    return NULL;
}

const struct rrc_ue_ctx *rrc_cell_find(const struct rrc_cell *c, uint16_t rnti) { return find(c, rnti); }

/* A context for a UE being set up: its own if the RNTI has one (a UE that repeated random access), else a free
 * one (there is one: the caller checked nof_ues < max_ues). */
static struct rrc_ue_ctx *open_ctx(struct rrc_cell *c, uint16_t rnti)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    for (int i = 0; !u && i < c->n_ctx; i++)
        if (c->ue[i].state == RRC_UE_FREE) {
            u = &c->ue[i];
            c->nof_ues++;
        }
    return u;
}

enum rrc_cell_event rrc_cell_ul_ccch(struct rrc_cell *c, uint16_t rnti, const uint8_t *sdu, size_t len,
                                     int64_t now_ms, const struct rrc_setup_ue_pucch *res, uint8_t *out,
                                     size_t cap, size_t *out_len, const struct rrc_ul_ccch_msg **ul)
{
    *out_len = 0;
    *ul = NULL;
    int rc = rrc_ul_ccch_decode(sdu, len, &c->ul);
    if (rc < 0 && rc != -ENOTSUP) {
        c->stats.bad_messages++;
        return RRC_EV_BAD_MESSAGE;
    }
    *ul = &c->ul;
    if (rc < 0 || c->ul.type != RRC_UL_CCCH_SETUP_REQUEST) { /* resume, reestablishment, SI request: later */
        c->stats.unsupported++;
        return RRC_EV_UNSUPPORTED;
    }
    c->stats.setup_requests++;
    enum rrc_cell_event ev;
    if ((c->nof_ues >= c->cfg.max_ues && !find(c, rnti)) || !res) {
        /* 38.331 5.3.15: RRCReject with waitTime. */
        memset(c->dl, 0, sizeof *c->dl);
        c->dl->type = RRC_DL_CCCH_REJECT;
        c->dl->reject.has_wait_time = true;
        c->dl->reject.wait_time = c->cfg.reject_wait_time_s;
        ev = RRC_EV_REJECT;
    } else {
        struct rrc_setup_cell_desc d = c->cfg.setup;
        d.ue = *res;
        if (rrc_setup_builder_build(&d, 0, c->dl) < 0) return RRC_EV_BAD_MESSAGE;
        ev = RRC_EV_SETUP;
    }
    if (rrc_dl_ccch_encode(c->dl, out, cap, out_len) < 0) {
        *out_len = 0;
        return RRC_EV_BAD_MESSAGE;
    }
    if (ev == RRC_EV_REJECT) {
        c->stats.rejects++;
        return ev;
    }
    c->stats.setups++;
    struct rrc_ue_ctx *u = open_ctx(c, rnti);
    uint8_t *nas = u->ics_nas;
    *u = (struct rrc_ue_ctx){.state = RRC_UE_SETUP_SENT, .rnti = rnti, .since_ms = now_ms,
                             .establishment_cause = c->ul.setup_request.establishment_cause, .ics_nas = nas,
                             .res = *res};
    return ev;
}

/* What the UE's UE-NR-Capability says (NULL: none decoded): qam256 DUE when the cell offers mcs-Table qam256
 * and the UE supports 256QAM on the PDSCH (38.306 4.2.7.10 pdsch-256QAM-FR1). A UE already on its way keeps
 * its state (the AMF's copy and the UE's own answer say the same). */
static void take_caps(struct rrc_cell *c, struct rrc_ue_ctx *u, const struct rrc_ue_nr_caps *caps)
{
    if (!caps) {
        c->stats.cap_bad++;
        return;
    }
    u->caps = *caps;
    if (caps->pdsch_256qam)
        c->stats.cap_256qam++;
    else
        c->stats.cap_no_256qam++;
    if ((caps->pdsch_256qam || c->cfg.qam256_unclaimed) && c->cfg.setup.dl_256qam && u->qam256 == RRC_QAM256_NO)
        u->qam256 = RRC_QAM256_DUE;
}

enum rrc_cell_event rrc_cell_ul_dcch(struct rrc_cell *c, uint16_t rnti, const uint8_t *sdu, size_t len,
                                     int64_t now_ms, const struct rrc_ul_dcch_msg **msg)
{
    *msg = NULL;
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) {
        c->stats.ul_dcch_unknown_ue++;
        return RRC_EV_UNKNOWN_UE;
    }
    c->stats.ul_dcch++;
    int rc = rrc_ul_dcch_decode(sdu, len, c->ul_dcch);
    /* PDCP delivered it: the UE is there, whatever the message (a RELEASING UE stays released). */
    if (u->state != RRC_UE_RELEASING) u->since_ms = now_ms;
    if (rc < 0 && rc != -ENOTSUP) {
        c->stats.ul_dcch_bad++;
        return RRC_EV_BAD_MESSAGE;
    }
    *msg = c->ul_dcch;
    if (rc == 0 && c->ul_dcch->type == RRC_UL_DCCH_C1 && c->ul_dcch->c1 == RRC_UL_DCCH_SETUP_COMPLETE) {
        c->stats.setups_complete++;
        if (u->state == RRC_UE_SETUP_SENT) u->state = RRC_UE_CONNECTED; /* 38.331 5.3.3.4 */
        return RRC_EV_SETUP_COMPLETE;
    }
    if (rc == 0 && c->ul_dcch->type == RRC_UL_DCCH_C1 && c->ul_dcch->c1 == RRC_UL_DCCH_UE_CAPABILITY_INFORMATION &&
        u->sec_step == SEC_CAP_WAIT && c->ul_dcch->ue_capability_information.transaction_id == u->cap_transaction) {
        const struct rrc_ue_capability_information *ci = &c->ul_dcch->ue_capability_information; /* 38.331 5.6.1.4 */
        u->ue_cap_len = 0;
        struct rrc_ue_nr_caps caps;
        bool decoded = false;
        for (int i = 0; ci->has_container_list && i < ci->nof_containers; i++)
            if (ci->container[i].rat_type == RRC_RAT_NR) {
                u->ue_cap_len = ci->container[i].len;
                decoded = rrc_ue_nr_capability_decode(ci->bytes + ci->container[i].off, ci->container[i].len,
                                                      c->cfg.band, &caps) == 0;
            }
        take_caps(c, u, decoded ? &caps : NULL);
        c->stats.cap_info++;
        u->sec_step = u->ics_nas_len ? SEC_NAS : SEC_DONE;
        return RRC_EV_UE_CAPABILITY;
    }
    if (rc == 0 && c->ul_dcch->type == RRC_UL_DCCH_C1 && c->ul_dcch->c1 == RRC_UL_DCCH_RECONFIGURATION_COMPLETE &&
        (u->drb_step == DRB_WAIT || u->drb_step == DRB_REL_WAIT) &&
        c->ul_dcch->reconfiguration_complete.transaction_id == u->reconf_transaction) {
        c->stats.reconfig_complete++; /* 38.331 5.3.5.3 */
        if (u->drb_step == DRB_WAIT && u->qam256 == RRC_QAM256_SENT) u->qam256 = RRC_QAM256_CONFIRMED;
        u->drb_step = u->drb_step == DRB_WAIT ? DRB_DONE : DRB_REL_DONE;
        return RRC_EV_RECONF_COMPLETE;
    }
    bool smc_answer = rc == 0 && c->ul_dcch->type == RRC_UL_DCCH_C1 &&
                      (c->ul_dcch->c1 == RRC_UL_DCCH_SECURITY_MODE_COMPLETE ||
                       c->ul_dcch->c1 == RRC_UL_DCCH_SECURITY_MODE_FAILURE);
    if (smc_answer && u->sec == RRC_SEC_PENDING && u->sec_step == SEC_WAIT &&
        c->ul_dcch->security_mode.transaction_id == u->smc_transaction) {
        if (c->ul_dcch->c1 == RRC_UL_DCCH_SECURITY_MODE_COMPLETE) { /* 38.331 5.3.4.3 */
            c->stats.smc_complete++;
            u->sec_step = SEC_CIPHER;
            return RRC_EV_SECURITY_COMPLETE;
        }
        c->stats.smc_failed++;
        u->sec_step = SEC_UNDO;
        u->sec_failure = RRC_SEC_FAIL_UE;
        return RRC_EV_SECURITY_FAILURE;
    }
    return RRC_EV_UL_DCCH;
}

static bool supports(uint16_t map, int alg) { return alg == 0 || (alg <= 16 && (map >> (16 - alg)) & 1); }

static int first_common(const int *pref, int n, uint16_t map)
{
    for (int i = 0; i < n; i++)
        if (supports(map, pref[i])) return pref[i];
    return -1;
}

int rrc_sec_choose(const struct rrc_sec_prefs *p, uint16_t nr_enc, uint16_t nr_int, int *nia, int *nea)
{
    *nia = first_common(p->integrity, p->n_integrity, nr_int);
    *nea = first_common(p->ciphering, p->n_ciphering, nr_enc);
    return *nia < 0 || *nea < 0 ? -ENOTSUP : 0;
}

int rrc_cell_context_setup(struct rrc_cell *c, uint16_t rnti, const uint8_t k_gnb[32], uint16_t nr_enc,
                           uint16_t nr_int, const uint8_t *nas, size_t nas_len, int64_t now_ms)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) return -ENOENT;
    if (u->state != RRC_UE_CONNECTED || u->sec != RRC_SEC_NONE || u->release_requested) return -EBUSY;
    if (nas_len > RRC_ICS_NAS_MAX) return -EMSGSIZE;
    int nia, nea;
    if (rrc_sec_choose(&c->cfg.sec, nr_enc, nr_int, &nia, &nea) < 0) return -ENOTSUP;
    /* 33.501 6.2.2 / A.8: K_RRCint, K_RRCenc for SRB1 now; K_UPint, K_UPenc kept for the DRBs */
    if (pdcp_sec_bearer_config(k_gnb, nia, nea, false, &u->srb_sec) < 0 ||
        pdcp_sec_bearer_config(k_gnb, nia, nea, true, &u->drb_sec) < 0)
        return -EINVAL;
    u->nia = nia;
    u->nea = nea;
    u->ics_nas_len = nas ? nas_len : 0;
    if (u->ics_nas_len) memcpy(u->ics_nas, nas, nas_len);
    u->sec = RRC_SEC_PENDING;
    u->sec_step = SEC_INTEGRITY;
    u->sec_since_ms = now_ms;
    return 0;
}

int rrc_cell_pdu_session(struct rrc_cell *c, uint16_t rnti, int pdu_session_id, int qfi, const uint8_t *nas,
                         size_t nas_len, int64_t now_ms)
{
    return rrc_cell_pdu_session_drb(c, rnti, 1, pdu_session_id, qfi, nas, nas_len, now_ms);
}

int rrc_cell_pdu_session_drb(struct rrc_cell *c, uint16_t rnti, int drb_id, int pdu_session_id, int qfi,
                             const uint8_t *nas, size_t nas_len, int64_t now_ms)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) return -ENOENT;
    if (u->state != RRC_UE_CONNECTED || u->sec != RRC_SEC_SECURE || u->sec_step != SEC_IDLE ||
        u->drb_step != DRB_NONE || u->release_requested)
        return -EBUSY;
    if (pdu_session_id < 0 || pdu_session_id > 255 || qfi < 0 || qfi > 63 || drb_id < 1 || drb_id > RRC_DRB_ID_MAX)
        return -EINVAL;
    if (nas_len > RRC_ICS_NAS_MAX) return -EMSGSIZE;
    for (int k = 0; k < u->n_drbs; k++)
        if (u->drbs[k].drb_id == drb_id || u->drbs[k].pdu_session_id == pdu_session_id) return -EEXIST;
    if (u->n_drbs >= RRC_UE_DRBS) return -ENOSPC;
    rrc_drb_params_defaults(&u->drb); /* DRB 1 on LCID 4 ... */
    u->drb.drb_id = drb_id;           /* ... or DRB n on LCID n + 3 */
    u->drb.lcid = drb_id + 3;
    u->drb.pdu_session_id = pdu_session_id;
    u->drb.qfi = qfi;
    u->ics_nas_len = nas ? nas_len : 0;
    if (u->ics_nas_len) memcpy(u->ics_nas, nas, nas_len);
    u->drb_step = DRB_SETUP;
    u->drb_since_ms = now_ms;
    return 0;
}

int rrc_cell_pdu_session_release(struct rrc_cell *c, uint16_t rnti, int pdu_session_id, const uint8_t *nas,
                                 size_t nas_len, int64_t now_ms)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) return -ENOENT;
    if (u->state != RRC_UE_CONNECTED || u->release_requested || u->drb_step != DRB_NONE) return -EBUSY;
    int k = 0;
    while (k < u->n_drbs && u->drbs[k].pdu_session_id != pdu_session_id) k++;
    if (k == u->n_drbs) return -ESRCH;
    if (nas_len > RRC_ICS_NAS_MAX) return -EMSGSIZE;
    u->drb = u->drbs[k]; /* the release's DRB; the others stay */
    u->drbs[k] = u->drbs[--u->n_drbs];
    u->ics_nas_len = nas ? nas_len : 0;
    if (u->ics_nas_len) memcpy(u->ics_nas, nas, nas_len);
    u->drb_step = DRB_REL_MAC;
    u->drb_since_ms = now_ms;
    return 0;
}

/* An RRCReconfiguration of the session's DRB (type: set it up or release it) with the session's NAS-PDU, under a
 * new transaction; its Complete is awaited in step `wait` (RRC_RECONF_GUARD_MS from now). */
/* The spCellConfig of the UE's RRCSetup with PDSCH mcs-Table qam256, for a UE whose qam256 is DUE (or SENT
 * without an answer), into the cell's scratch; NULL otherwise. srsUE applies an spCellConfigDedicated only
 * whole (PDCCH, PDSCH, PUCCH and PUSCH-Config set up), and PDSCH-Config's mandatory fields would be needed
 * anyway: the UE gets its RRCSetup's again, now with mcs-Table (Need S: absent means qam64). */
static const struct rrc_sp_cell_config *qam256_sp_cell(struct rrc_cell *c, struct rrc_ue_ctx *u)
{
    if (u->qam256 != RRC_QAM256_DUE && u->qam256 != RRC_QAM256_SENT) return NULL;
    struct rrc_setup_cell_desc d = c->cfg.setup;
    d.ue = u->res;
    if (rrc_setup_builder_build(&d, 0, c->dl) < 0 || !c->dl->setup.master_cell_group.has_sp_cell) {
        u->qam256 = RRC_QAM256_NO; /* cannot happen: it built for the RRCSetup */
        return NULL;
    }
    *c->sp_cell = c->dl->setup.master_cell_group.sp_cell;
    c->sp_cell->dedicated.pdsch.has_mcs_table = true;
    c->sp_cell->dedicated.pdsch.mcs_table = 0; /* qam256 */
    u->qam256 = RRC_QAM256_SENT;
    return c->sp_cell;
}

static int send_reconfig(struct rrc_cell *c, struct rrc_ue_ctx *u, int64_t now_ms, enum rrc_cell_action_type type,
                         int wait, struct rrc_cell_action *act)
{
    act->type = type;
    if (type == RRC_ACT_RECONFIG) act->sp_cell = qam256_sp_cell(c, u);
    u->reconf_transaction = act->transaction_id = u->next_transaction++ & 3;
    act->nas = u->ics_nas_len ? u->ics_nas : NULL;
    act->nas_len = u->ics_nas_len;
    u->drb_step = wait;
    u->drb_since_ms = now_ms;
    c->stats.reconfigs++;
    return 1;
}

/* The UE's next PDU session action, if one is due (the order is in rrc_cell.h). */
static int drb_action(struct rrc_cell *c, struct rrc_ue_ctx *u, int64_t now_ms, struct rrc_cell_action *act)
{
    *act = (struct rrc_cell_action){.rnti = u->rnti, .drb = u->drb};
    switch (u->drb_step) {
    case DRB_SETUP: /* the MAC's bearer first: the UE may send on it as soon as it applied the reconfiguration */
        act->type = RRC_ACT_DRB_SETUP;
        act->has_sec = true;
        act->sec = u->drb_sec;
        act->sec.tx_cipher = act->sec.rx_cipher = true;
        u->drb_step = DRB_RECONF;
        return 1;
    case DRB_RECONF:
        return send_reconfig(c, u, now_ms, RRC_ACT_RECONFIG, DRB_WAIT, act);
    case DRB_WAIT:
        if (now_ms - u->drb_since_ms < RRC_RECONF_GUARD_MS) return 0;
        c->stats.reconfig_timeouts++;
        u->drb_step = DRB_FAIL_MAC;
        /* fall through */
    case DRB_FAIL_MAC: /* the MAC's bearer goes (the UE may hold it: its DRB identity is never given out again) */
        act->type = RRC_ACT_DRB_RELEASE;
        u->drb_step = DRB_FAILED;
        return 1;
    case DRB_FAILED:
        act->type = RRC_ACT_SESSION_FAILED;
        u->drb_step = DRB_NONE;
        return 1;
    case DRB_DONE:
        if (u->qam256 == RRC_QAM256_CONFIRMED) { /* the MAC first: the session's data goes at 256QAM */
            act->type = RRC_ACT_DL_256QAM;
            u->qam256 = RRC_QAM256_ON;
            c->stats.qam256_on++;
            return 1;
        }
        act->type = RRC_ACT_SESSION_DONE;
        if (u->n_drbs < RRC_UE_DRBS) u->drbs[u->n_drbs++] = u->drb; /* room was checked at the request */
        u->drb_step = DRB_NONE;
        return 1;
    case DRB_REL_MAC: /* the MAC's bearer first: no more DL data goes out on it */
        act->type = RRC_ACT_DRB_RELEASE;
        u->drb_step = DRB_REL_RECONF;
        return 1;
    case DRB_REL_RECONF:
        return send_reconfig(c, u, now_ms, RRC_ACT_RECONFIG_RELEASE, DRB_REL_WAIT, act);
    case DRB_REL_WAIT:
        if (now_ms - u->drb_since_ms < RRC_RECONF_GUARD_MS) return 0;
        c->stats.reconfig_timeouts++;
        act->unconfirmed = true; /* released on our side all the same */
        /* fall through */
    case DRB_REL_DONE:
        act->type = RRC_ACT_SESSION_RELEASED;
        u->drb_step = DRB_NONE;
        c->stats.drb_releases++;
        return 1;
    default: return 0;
    }
}

bool rrc_cell_drb_busy(const struct rrc_cell *c, uint16_t rnti)
{
    const struct rrc_ue_ctx *u = find(c, rnti);
    return u && u->drb_step != DRB_NONE;
}

int rrc_cell_drb_count(const struct rrc_cell *c, uint16_t rnti)
{
    const struct rrc_ue_ctx *u = find(c, rnti);
    return u ? u->n_drbs : 0;
}

bool rrc_cell_dl_hold(const struct rrc_cell *c, uint16_t rnti)
{
    const struct rrc_ue_ctx *u = find(c, rnti);
    return u && u->sec == RRC_SEC_PENDING;
}

/* The UE's next security action, if one is due (the order is in rrc_cell.h). */
static int security_action(struct rrc_cell *c, struct rrc_ue_ctx *u, int64_t now_ms, struct rrc_cell_action *act)
{
    *act = (struct rrc_cell_action){.rnti = u->rnti};
    switch (u->sec_step) {
    case SEC_INTEGRITY: /* 38.331 5.3.4.2: integrity from the SecurityModeCommand on, ciphering not yet */
        act->type = RRC_ACT_SECURITY;
        act->has_sec = true;
        act->sec = u->srb_sec;
        act->sec.tx_cipher = act->sec.rx_cipher = false;
        u->sec_step = SEC_SMC;
        return 1;
    case SEC_SMC:
        memset(c->dl_dcch, 0, sizeof *c->dl_dcch);
        c->dl_dcch->c1 = RRC_DL_DCCH_SECURITY_MODE_COMMAND;
        u->smc_transaction = u->next_transaction++ & 3;
        c->dl_dcch->security_mode_command = (struct rrc_security_mode_command){
            .transaction_id = u->smc_transaction, .ciphering = u->nea, .has_integrity = true, .integrity = u->nia};
        if (rrc_dl_dcch_encode(c->dl_dcch, act->data, sizeof act->data, &act->len) < 0) {
            u->sec_failure = RRC_SEC_FAIL_UE; /* cannot happen: algorithms 0..3 */
            u->sec_step = SEC_UNDO;
            return 0;
        }
        act->type = RRC_ACT_DL_DCCH;
        act->smc = true;
        u->sec_step = SEC_WAIT;
        u->sec_since_ms = now_ms;
        c->stats.smc_sent++;
        return 1;
    case SEC_WAIT:
        if (now_ms - u->sec_since_ms < RRC_SMC_GUARD_MS) return 0;
        c->stats.smc_timeouts++;
        u->sec_failure = RRC_SEC_FAIL_TIMEOUT;
        /* fall through */
    case SEC_UNDO: /* 5.3.4.3: the UE keeps the configuration it had before the command: none */
        act->type = RRC_ACT_SECURITY;
        u->sec_step = SEC_FAIL;
        return 1;
    case SEC_FAIL:
        act->type = RRC_ACT_CONTEXT_SETUP_FAILED;
        act->sec_failure = u->sec_failure;
        u->sec = RRC_SEC_NONE;
        u->sec_step = SEC_IDLE;
        return 1;
    case SEC_CIPHER: /* 5.3.4.3: everything after the SecurityModeComplete is ciphered, both ways */
        act->type = RRC_ACT_SECURITY;
        act->has_sec = act->ciphering = true;
        act->sec = u->srb_sec;
        act->sec.tx_cipher = act->sec.rx_cipher = true;
        u->sec = RRC_SEC_SECURE;
        u->sec_step = !u->cap_known ? SEC_CAP_ENQ : u->ics_nas_len ? SEC_NAS : SEC_DONE;
        return 1;
    case SEC_CAP_ENQ: /* 38.331 5.6.1.2: the nr capabilities, now that SRB1 is secure */
        u->cap_transaction = u->next_transaction++ & 3;
        if (rrc_dl_dcch_encode_ue_capability_enquiry(u->cap_transaction, act->data, sizeof act->data, &act->len) < 0) {
            u->sec_step = u->ics_nas_len ? SEC_NAS : SEC_DONE; /* cannot happen: a fixed message */
            return 0;
        }
        act->type = RRC_ACT_DL_DCCH;
        act->cap_enquiry = true;
        u->sec_step = SEC_CAP_WAIT;
        u->sec_since_ms = now_ms;
        c->stats.cap_enquiries++;
        return 1;
    case SEC_CAP_WAIT: /* no answer: the context is set up all the same, without the UE's capabilities */
        if (now_ms - u->sec_since_ms < RRC_CAP_GUARD_MS) return 0;
        c->stats.cap_timeouts++;
        u->sec_step = u->ics_nas_len ? SEC_NAS : SEC_DONE;
        return security_action(c, u, now_ms, act);
    case SEC_NAS:
        act->type = RRC_ACT_DL_NAS;
        act->nas = u->ics_nas;
        act->nas_len = u->ics_nas_len;
        u->sec_step = SEC_DONE;
        return 1;
    case SEC_DONE:
        act->type = RRC_ACT_CONTEXT_SETUP_DONE;
        u->sec_step = SEC_IDLE;
        return 1;
    default: return 0;
    }
}

void rrc_cell_delivered(struct rrc_cell *c, uint16_t rnti, int64_t now_ms)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (u && u->state == RRC_UE_RELEASING && u->cause == RRC_CAUSE_GUARD && now_ms < u->release_at_ms) {
        u->release_at_ms = now_ms;
        u->cause = RRC_CAUSE_DELIVERED;
    }
}

void rrc_cell_ue_lost(struct rrc_cell *c, uint16_t rnti, int64_t now_ms)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) return;
    if (u->state != RRC_UE_RELEASING) u->since_ms = now_ms;
    u->state = RRC_UE_RELEASING;
    u->release_at_ms = now_ms;
    u->cause = RRC_CAUSE_LOST;
}

static void release(struct rrc_cell *c, struct rrc_ue_ctx *u, enum rrc_release_cause cause,
                    struct rrc_cell_action *act)
{
    *act = (struct rrc_cell_action){.type = RRC_ACT_RELEASE_UE, .rnti = u->rnti, .cause = cause};
    u->state = RRC_UE_FREE;
    c->nof_ues--;
    c->stats.releases++;
    if (cause == RRC_CAUSE_SETUP_TIMEOUT) c->stats.setup_timeouts++;
    if (cause == RRC_CAUSE_LOST) c->stats.lost++;
}

int rrc_cell_tick(struct rrc_cell *c, int64_t now_ms, struct rrc_cell_action *act)
{
    for (int i = 0; i < c->n_ctx; i++) {
        struct rrc_ue_ctx *u = &c->ue[i];
        switch (u->state) {
        case RRC_UE_FREE: break;
        case RRC_UE_SETUP_SENT:
            if (u->release_requested || now_ms - u->since_ms >= RRC_SETUP_GUARD_MS) {
                release(c, u, u->release_requested ? RRC_CAUSE_CORE : RRC_CAUSE_SETUP_TIMEOUT, act);
                return 1;
            }
            break;
        case RRC_UE_CONNECTED: {
            bool idle = c->cfg.inactivity_ms > 0 && now_ms - u->since_ms >= c->cfg.inactivity_ms;
            if (idle && c->cfg.core_release && !u->release_requested && !u->release_asked) {
                /* 38.413 8.3.2: the RAN asks, the core commands, then the RRC connection is released */
                *act = (struct rrc_cell_action){.type = RRC_ACT_RELEASE_REQUEST, .rnti = u->rnti,
                                                .cause = RRC_CAUSE_INACTIVITY};
                u->release_asked = true;
                u->release_asked_ms = now_ms;
                return 1;
            }
            bool unanswered = u->release_asked && now_ms - u->release_asked_ms >= RRC_CORE_RELEASE_GUARD_MS;
            if (u->release_requested || unanswered || (idle && !c->cfg.core_release)) {
                /* 38.331 5.3.8.2: RRCRelease on SRB1; the transaction after the RRCSetup's 0. */
                *act = (struct rrc_cell_action){.type = RRC_ACT_DL_DCCH, .rnti = u->rnti,
                                                .cause = u->release_requested ? RRC_CAUSE_CORE : RRC_CAUSE_INACTIVITY};
                if (rrc_dl_dcch_encode_release(1, act->data, sizeof act->data, &act->len) < 0) {
                    release(c, u, RRC_CAUSE_GUARD, act); /* cannot happen: a fixed message */
                    return 1;
                }
                u->state = RRC_UE_RELEASING;
                u->since_ms = now_ms;
                u->release_at_ms = now_ms + RRC_RELEASE_GUARD_MS;
                u->cause = RRC_CAUSE_GUARD;
                c->stats.releases_sent++;
                return 1;
            }
            if (u->sec_step != SEC_IDLE && security_action(c, u, now_ms, act)) return 1;
            if (u->drb_step != DRB_NONE && drb_action(c, u, now_ms, act)) return 1;
            break;
        }
        case RRC_UE_RELEASING:
            if (now_ms >= u->release_at_ms) {
                release(c, u, u->cause, act);
                return 1;
            }
            break;
        }
    }
    return 0;
}

int rrc_cell_request_release(struct rrc_cell *c, uint16_t rnti)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) return -ENOENT;
    u->release_requested = true;
    return 0;
}

int rrc_cell_ue_capability_known(struct rrc_cell *c, uint16_t rnti, const struct rrc_ue_nr_caps *caps)
{
    struct rrc_ue_ctx *u = find(c, rnti);
    if (!u) return -ENOENT;
    u->cap_known = true;
    take_caps(c, u, caps);
    return 0;
}

int rrc_cell_connected(const struct rrc_cell *c)
{
    int n = 0;
    for (int i = 0; i < c->n_ctx; i++) n += c->ue[i].state == RRC_UE_CONNECTED;
    return n;
}

const char *rrc_alg_name(bool integrity, int alg)
{
    static const char *const nia[] = {"nia0", "nia1", "nia2", "nia3"}, *const nea[] = {"nea0", "nea1", "nea2", "nea3"};
    return (unsigned)alg < 4 ? (integrity ? nia : nea)[alg] : "?";
}

const char *rrc_release_cause_name(enum rrc_release_cause cause)
{
    static const char *const names[] = {"inactivity", "RRCRelease acknowledged", "RRCRelease unacknowledged after the guard time",
                                        "no RRCSetupComplete", "UE lost", "the core network asked"};
    return (unsigned)cause < sizeof names / sizeof names[0] ? names[cause] : "?";
}
