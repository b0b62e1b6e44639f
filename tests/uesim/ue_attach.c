/* uesim's attach: random access and RRC setup of simulated UEs (see ue_attach.h). */
#include "tests/uesim/ue_attach.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mac/harq_ack.h"
#include "mac/mac_pdu.h"
#include "mac/mac_rar.h"
#include "phy/ch/dci.h"
#include "phy/ch/pdsch.h"
#include "phy/ch/pucch.h"
#include "pdcp/pdcp_sec.h"
#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/ue_nr_capability.h"
#include "rrc/msg/ul_dcch.h"
#include "phy/fec/tbs.h"

#define UE_ATTACH_MAX_DL_TBS(nof_prb) ((nof_prb) * 12 * 14 * 8) /* bits: above any TBS of one layer (256QAM) */
#define UE_ATTACH_SETUP_TIMEOUT_MS 1000   /* RRCSetup to the STATUS acknowledging RRCSetupComplete */

static const char *outcome_names[] = {"pending", "ok", "reject", "conres-fail", "failed"};

const char *ue_attach_outcome_name(enum ue_attach_outcome o)
{
    return o >= UE_ATTACH_PENDING && o <= UE_ATTACH_FAILED ? outcome_names[o] : "?";
}

int ue_attach_parse_outcome(const char *s, enum ue_attach_outcome *o)
{
    for (int i = UE_ATTACH_OK; i <= UE_ATTACH_FAILED; i++)
        if (strcmp(s, outcome_names[i]) == 0) {
            *o = (enum ue_attach_outcome)i;
            return 0;
        }
    return -EINVAL;
}

int ue_attach_init(struct ue_attach *a, const struct ue_attach_config *cfg, struct ul_tx *ul, struct prach_tx *prach)
{
    memset(a, 0, sizeof *a);
    if (cfg->count < 0 || cfg->count > UE_ATTACH_MAX_UES || cfg->nas_bytes < 1 || cfg->nas_bytes > 4000 ||
        cfg->preamble > 63)
        return -EINVAL;
    for (int i = 0; i < cfg->count; i++)
        if (cfg->delay[i] < 0 || cfg->delay[i] > 10000 || cfg->drop_msg3[i] < 0 || cfg->drop_pusch[i] < 0 ||
            cfg->nack_pdsch[i] < 0 || !(cfg->gain_db[i] > -100) || !(cfg->gain_db[i] < 100) ||
            !(cfg->start_ms[i] >= 0) || !(cfg->start_ms[i] <= 3600e3))
            return -EINVAL;
    for (int i = 0; i < cfg->count; i++) {
        /* one seed per UE; the same one both ways: the DL sees the UL's fading draw (a reciprocal channel) */
        unsigned seed = (cfg->seed ? cfg->seed : 1) * 1000003u + (unsigned)i * 7919u + 1u;
        enum channel_fading f = cfg->fading[i] ? CHANNEL_FADING_TDL_A : CHANNEL_FADING_NONE;
        struct channel_config up = {.srate = cfg->srate, .gain_db = cfg->gain_db[i], .cfo_hz = cfg->cfo_hz[i],
                                    .snr_db = NAN, .fading = f, .delay_spread_s = cfg->fading_ds_s,
                                    .doppler_hz = cfg->fading_doppler_hz, .seed = seed};
        struct channel_config down = up;
        down.gain_db = 0;
        down.cfo_hz = 0;
        down.snr_db = cfg->dl_snr_db[i];
        if (channel_init(&a->ul_ch[i], &up) < 0 || channel_init(&a->dl_ch[i], &down) < 0) return -EINVAL;
        a->own_dl[i] = !channel_is_identity(&a->dl_ch[i]);
    }
    a->cfg = *cfg;
    a->t_armed = -1;
    a->ul = ul;
    a->prach = prach;
    a->last_sfn = -1;
    for (int b = 0; b < UE_ATTACH_DL_BUFFERS; b++) a->dl_key[b] = -1;
    return 0;
}

void ue_attach_free(struct ue_attach *a)
{
    if (a->phy_ok) {
        pdcch_rx_free(&a->pdcch);
        dl_rx_free(&a->dl);
        pusch_tx_free(&a->pusch);
        dlsch_free(&a->enc);
        ofdm_free(&a->ofdm);
    }
    grid_free(&a->grid);
    grid_free(&a->ue_grid);
    for (int i = 0; i < UE_ATTACH_MAX_UES; i++) {
        struct ue_attach_ue *u = &a->ue[i];
        if (u->rlc_ok) rlc_am_free(&u->rlc);
        if (u->pdcp_ok) pdcp_srb_free(&u->pdcp);
        u->rlc_ok = u->pdcp_ok = false;
        for (int k = 0; k < UE_ATTACH_DRBS; k++) ue_drb_free(&u->drb[k]);
    }
    free(a->cw);
    free(a->samples);
    a->cw = NULL;
    a->samples = NULL;
    a->phy_ok = a->armed = false;
}

static int fail_why(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_why(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static void note(struct ue_attach *a, int64_t end, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(struct ue_attach *a, int64_t end, const char *fmt, ...)
{
    if (a->n_notes == UE_ATTACH_NOTES) return;
    struct ue_attach_note *n = &a->notes[a->n_notes++];
    n->end = end;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof n->text, fmt, ap);
    va_end(ap);
}

void ue_attach_report(struct ue_attach *a, FILE *out)
{
    int kept = 0;
    for (int i = 0; i < a->n_notes; i++) {
        if (a->notes[i].end <= a->ul->next_fill)
            fprintf(out, "uesim: %s\n", a->notes[i].text);
        else
            a->notes[kept++] = a->notes[i];
    }
    a->n_notes = kept;
}

/* ---- SIB1 -> what the procedure uses -------------------------------------------------------------------- */

/* SS#1 = ra-SearchSpace: on CORESET#0, its candidates, monitoring slots and first symbol (38.213 10.1). */
static int take_ss1(struct ue_attach *a, const struct rrc_pdcch_config_common *p, char *why, size_t len)
{
    if (!p->has_ra_ss) return fail_why(why, len, "SIB1 has no ra-SearchSpace");
    const struct rrc_search_space *ss = NULL;
    for (int i = 0; i < p->nof_common_ss && i < RRC_MAX_COMMON_SS; i++)
        if (p->common_ss[i].id == p->ra_ss) ss = &p->common_ss[i];
    if (!ss) return fail_why(why, len, "ra-SearchSpace %d is not in commonSearchSpaceList", p->ra_ss);
    if (!ss->has_coreset_id || ss->coreset_id != 0)
        return fail_why(why, len, "ra-SearchSpace %d is not on CORESET#0 (only CORESET#0 is supported)", ss->id);
    if (!ss->has_nrof_candidates) return fail_why(why, len, "ra-SearchSpace %d has no nrofCandidates", ss->id);
    memcpy(a->ss1_cand, ss->nrof_candidates, sizeof a->ss1_cand);
    a->ss1_period = ss->has_monitoring ? ss->monitoring_period_slots : 1;
    a->ss1_offset = ss->has_monitoring ? ss->monitoring_offset : 0;
    a->ss1_duration = ss->has_duration ? ss->duration : 1;
    int first = 0;   /* monitoringSymbolsWithinSlot: the most significant of 14 bits is symbol 0 */
    if (ss->has_monitoring_symbols) {
        while (first < 14 && !(ss->monitoring_symbols & (1u << (13 - first)))) first++;
        if (first == 14) return fail_why(why, len, "ra-SearchSpace %d monitors no symbol", ss->id);
    }
    if (pdcch_coreset0(&a->cs, a->cell.coreset0_crb, a->cell.coreset0_nof_rb, a->cell.coreset0_nof_symb, first,
                       (uint16_t)a->cell.pci) < 0)
        return fail_why(why, len, "CORESET#0 from symbol %d is not a valid CORESET", first);
    return 0;
}

static int take_ul(struct ue_attach *a, const struct rrc_sib1 *sib1, char *why, size_t len)
{
    const struct rrc_serving_cell_config_common_sib *scc = &sib1->serving_cell_config_common;
    const struct rrc_bwp_ul_common *ub = &scc->ul.initial_bwp;
    if (ub->rach_sr != PER_SETUP || ub->pusch_sr != PER_SETUP || !ub->pusch.has_tdra || ub->pucch_sr != PER_SETUP ||
        !ub->pucch.has_resource_common)
        return fail_why(why, len, "SIB1's initial UL BWP lacks RACH-ConfigCommon, a PUSCH time domain list or "
                        "pucch-ResourceCommon");
    if (dci_riv_decode(275, (uint32_t)ub->generic.location_and_bandwidth, &a->bwp_start, &a->bwp_size) < 0 ||
        a->bwp_start + a->bwp_size > a->cfg.nof_prb)
        return fail_why(why, len, "initial UL BWP locationAndBandwidth %d outside the %d-PRB carrier",
                        ub->generic.location_and_bandwidth, a->cfg.nof_prb);
    a->pusch_tdra = ub->pusch.tdra;
    a->window = ub->rach.generic.ra_response_window;
    a->preamble_trans_max = ub->rach.generic.preamble_trans_max;
    a->conres_ms = ub->rach.ra_contention_resolution_timer;
    a->pucch_common_row = ub->pucch.resource_common;
    a->pucch_n_id = ub->pucch.has_hopping_id ? ub->pucch.hopping_id : a->cell.pci;
    a->n_ta_offset = scc->has_n_ta_offset ? scc->n_ta_offset : -1;
    if (scc->has_tdd) {
        int ratio = a->cfg.scs_khz / (scc->tdd.ref_scs_khz > 0 ? scc->tdd.ref_scs_khz : a->cfg.scs_khz);
        a->tdd_dl_slots = scc->tdd.pattern1.dl_slots * (ratio > 0 ? ratio : 1);
        a->tdd_dl_symbols = scc->tdd.pattern1.dl_symbols;
    }
    return 0;
}

static int64_t now_ms(const struct ue_attach *a);

/* One UL-DCCH message on SRB1 (PDCP with whatever security is on, RLC AM); the SR for its grant is pending. */
static int send_ul_dcch(struct ue_attach_ue *u, const uint8_t *msg, size_t n)
{
    static uint8_t pdu[RRC_DEDICATED_NAS_MAX + 32];
    size_t pn = 0;
    if (!u->rlc_ok || pdcp_srb_tx(&u->pdcp, msg, n, now_ms(u->a), pdu, sizeof pdu, &pn, NULL) < 0 ||
        rlc_am_write_sdu(&u->rlc, pdu, pn) < 0)
        return -EIO;
    u->sr_pending = true;
    return 0;
}

/* --kgnb: the UE's side of the security mode procedure (38.331 5.3.4.3), after the command was delivered: on a
 * good MAC-I integrity on both ways, SecurityModeComplete (protected, not ciphered), then ciphering both ways; on a
 * bad one SecurityModeFailure with no security (the UE keeps what it had). */
static void answer_smc(struct ue_attach_ue *u)
{
    uint8_t msg[8];
    size_t n = 0;
    bool ok = u->smc_answer == 1;
    u->smc_answer = 0;
    if (ok && pdcp_srb_security_activate(&u->pdcp, &u->smc_sec) < 0) ok = false;
    if (rrc_ul_dcch_encode_security_mode_result(u->smc_transaction, !ok, msg, sizeof msg, &n) < 0 ||
        send_ul_dcch(u, msg, n) < 0) {
        printf("uesim: SecurityMode answer could not be sent: ue=%d\n", u->idx + 1);
        return;
    }
    if (ok) {
        pdcp_srb_security_ciphering(&u->pdcp, true, true);
        u->secure = true;
    }
    printf("uesim: %s sent: ue=%d c-rnti=0x%04x%s\n", ok ? "SecurityModeComplete" : "SecurityModeFailure", u->idx + 1,
           u->rnti, ok ? " (SRB1 integrity and ciphering on)" : "");
}

/* 38.331 5.6.1.3: UECapabilityInformation with a minimal UE-NR-Capability (the configured band; pdsch-256QAM-FR1
 * and pusch-256QAM unless cfg.no_256qam). */
static void answer_cap(struct ue_attach_ue *u)
{
    static struct rrc_ue_capability_information ci;
    static uint8_t msg[64];
    size_t cl = 0, n = 0;
    memset(&ci, 0, sizeof ci);
    ci.transaction_id = u->cap_answer - 1;
    u->cap_answer = 0;
    ci.has_container_list = true;
    ci.nof_containers = 1;
    ci.container[0].rat_type = RRC_RAT_NR;
    bool qam256 = !u->a->cfg.no_256qam[u->idx];
    struct rrc_ue_nr_caps caps = {.pdsch_256qam = qam256, .pusch_256qam = qam256};
    if (rrc_ue_nr_capability_encode(u->a->cfg.band > 0 ? u->a->cfg.band : 3, &caps, ci.bytes, sizeof ci.bytes, &cl) < 0)
        return;
    ci.container[0].len = cl;
    if (rrc_ul_dcch_encode_ue_capability_information(&ci, msg, sizeof msg, &n) < 0 || send_ul_dcch(u, msg, n) < 0) {
        printf("uesim: UECapabilityInformation could not be sent: ue=%d\n", u->idx + 1);
        return;
    }
    printf("uesim: UECapabilityInformation sent: ue=%d c-rnti=0x%04x (UE-NR-Capability %zu bytes, 256QAM %s) nr=",
           u->idx + 1, u->rnti, cl, qam256 ? "yes" : "no");
    for (size_t i = 0; i < cl; i++) printf("%02x", ci.bytes[i]);
    printf("\n");
}

static void echo_nas(struct ue_attach_ue *u, const uint8_t *nas, size_t len);

static int rlc_infinity(int v, int scale) { return v == RRC_INFINITY ? RLC_AM_INFINITY : v * scale; }

/* The UE's active DRB drb_id, NULL when none. */
static struct ue_drb *drb_of(struct ue_attach_ue *u, int drb_id)
{
    for (int k = 0; k < UE_ATTACH_DRBS; k++)
        if (u->drb[k].active && u->drb[k].cfg.drb_id == drb_id) return &u->drb[k];
    return NULL;
}

/* 38.331 5.3.5.6.5: DRB d the reconfiguration adds, with the RLC bearer that serves it (RLC AM only), in the
 * UE's user plane (ue_drb.h), beside its other DRBs; ciphered with K_UPenc under the SecurityModeCommand's
 * algorithm (33.501 6.6.1) when security is on. Returns 0 or why not. */
static const char *setup_drb(struct ue_attach_ue *u, const struct rrc_reconfiguration *r,
                             const struct rrc_drb_to_add_mod *d)
{
    const struct rrc_cell_group_config *cg = &r->master_cell_group;
    const struct rrc_rlc_bearer_config *b = NULL;
    for (int i = 0; r->has_master_cell_group && i < cg->nof_rlc_bearers && !b; i++)
        if (cg->rlc_bearer[i].has_served_radio_bearer && cg->rlc_bearer[i].served_is_drb &&
            cg->rlc_bearer[i].radio_bearer_id == d->drb_id)
            b = &cg->rlc_bearer[i];
    if (!b || !b->has_rlc_config || b->rlc.mode != RRC_RLC_AM) return "no RLC AM bearer serves it";
    struct ue_drb_config c;
    ue_drb_config_default(&c);
    c.drb_id = d->drb_id;
    c.lcid = b->lcid;
    c.rlc.sn_bits = b->rlc.ul_sn_len;
    c.rlc.t_poll_retransmit_ms = b->rlc.t_poll_retransmit;
    c.rlc.poll_pdu = rlc_infinity(b->rlc.poll_pdu, 1);
    c.rlc.poll_byte = rlc_infinity(b->rlc.poll_byte, 1024);
    c.rlc.max_retx_threshold = b->rlc.max_retx_threshold;
    c.rlc.t_reassembly_ms = b->rlc.t_reassembly;
    c.rlc.t_status_prohibit_ms = b->rlc.t_status_prohibit;
    if (d->has_pdcp_config && d->pdcp.has_sn_size_dl) c.pdcp_sn_bits = d->pdcp.sn_size_dl;
    c.sdap_header_dl = d->sdap.header_dl;
    c.sdap_header_ul = d->sdap.header_ul;
    if (d->sdap.nof_qfi_add > 0) c.qfi = d->sdap.qfi_add[0];
    if (ue_attach_drb_setup(u->a, u->idx, &c) < 0) return "the DRB does not set up (LCID taken, or no room)";
    if (u->secure) {
        struct pdcp_sec_config up;
        if (pdcp_sec_bearer_config(u->a->cfg.kgnb, u->smc_sec.nia, u->smc_sec.nea, true, &up) < 0 ||
            ue_drb_security(drb_of(u, d->drb_id), &up) < 0)
            return "K_UPenc does not apply";
    }
    const struct ue_drb *x = drb_of(u, d->drb_id);
    printf("uesim: DRB %d set up on LCID %d: ue=%d (RLC AM %d-bit SN, PDCP %d-bit SN, SDAP DL %d UL %d, QFI %d%s)\n",
           x->cfg.drb_id, x->cfg.lcid, u->idx + 1, x->cfg.rlc.sn_bits, x->cfg.pdcp_sn_bits, x->cfg.sdap_header_dl,
           x->cfg.sdap_header_ul, x->cfg.qfi, u->secure ? ", ciphered" : "");
    return NULL;
}

/* 38.331 5.3.5.6.4 / 5.3.5.5.3: the DRB in drb-ToReleaseList goes, with the RLC bearer of its LCID
 * (rlc-BearerToReleaseList): PDCP and RLC entities and whatever they held. */
static void release_drb(struct ue_attach_ue *u, const struct rrc_reconfiguration *r)
{
    const struct rrc_radio_bearer_config *rb = &r->radio_bearer_config;
    for (int i = 0; r->has_radio_bearer_config && i < rb->nof_drb_release; i++) {
        struct ue_drb *x = drb_of(u, rb->drb_release[i]);
        if (!x) {
            printf("uesim: DRB %d to release is not set up: ue=%d\n", rb->drb_release[i], u->idx + 1);
            continue;
        }
        int lcid = x->cfg.lcid;
        bool bearer = false;
        for (int j = 0; r->has_master_cell_group && j < r->master_cell_group.nof_rlc_release; j++)
            bearer |= r->master_cell_group.rlc_release[j] == lcid;
        printf("uesim: DRB %d released: ue=%d (RLC bearer on LCID %d %s; %llu IP packets in, %llu out)\n",
               rb->drb_release[i], u->idx + 1, lcid, bearer ? "released" : "NOT in rlc-BearerToReleaseList",
               (unsigned long long)x->dl_ip, (unsigned long long)x->ul_ip);
        ue_drb_free(x);
    }
}

/* 38.331 5.3.5.3: RRCReconfiguration -> its DRB set up, then RRCReconfigurationComplete. */
static void on_reconfiguration(struct ue_attach_ue *u, const struct rrc_reconfiguration *r)
{
    const struct rrc_radio_bearer_config *rb = &r->radio_bearer_config;
    const struct rrc_cell_group_config *cg = &r->master_cell_group;
    printf("uesim: RRCReconfiguration received: ue=%d c-rnti=0x%04x transaction=%d%s drb=%d lcid=%d nas=%d",
           u->idx + 1, u->rnti, r->transaction_id, u->secure ? " (deciphered)" : "",
           r->has_radio_bearer_config && rb->nof_drb > 0 ? rb->drb[0].drb_id : 0,
           r->has_master_cell_group && cg->nof_rlc_bearers > 0 ? cg->rlc_bearer[0].lcid : 0, r->nof_nas);
    for (size_t i = 0; r->nof_nas && i < r->nas_len[0] && i < 16; i++) printf("%s%02x", i ? " " : ":", r->nas[r->nas_off[0] + i]);
    printf("\n");
    /* 38.331 5.3.5.5: a spCellConfig with spCellConfigDedicated replaces the serving cell's; its PDSCH-Config's
     * mcs-Table (Need S) is taken before the Complete goes (the UE's own rule for 38.214 Table 5.1.3.1-2) */
    if (r->has_master_cell_group && cg->has_sp_cell && cg->sp_cell.has_dedicated) {
        bool was = u->rrc.qam256;
        u->rrc.qam256 = rrc_serving_cell_qam256(&cg->sp_cell.dedicated);
        printf("uesim: spCellConfig applied: ue=%d c-rnti=0x%04x mcs-Table %s (was %s)\n", u->idx + 1, u->rnti,
               u->rrc.qam256 ? "qam256" : "qam64", was ? "qam256" : "qam64");
    }
    release_drb(u, r);
    for (int i = 0; r->has_radio_bearer_config && i < rb->nof_drb; i++) { /* each DRB it adds */
        const char *why = setup_drb(u, r, &rb->drb[i]);
        if (why) printf("uesim: DRB %d not set up: ue=%d: %s\n", rb->drb[i].drb_id, u->idx + 1, why);
    }
    u->reconf_answer = r->transaction_id + 1;
    u->reconf_nas = r->nas + r->nas_off[0]; /* the decoded message is static: still there when answered */
    u->reconf_nas_len = r->nof_nas ? r->nas_len[0] : 0;
}

static void answer_reconf(struct ue_attach_ue *u)
{
    uint8_t msg[8];
    size_t n = 0;
    int tid = u->reconf_answer - 1;
    u->reconf_answer = 0;
    if (rrc_ul_dcch_encode_reconfiguration_complete(tid, msg, sizeof msg, &n) < 0 || send_ul_dcch(u, msg, n) < 0) {
        printf("uesim: RRCReconfigurationComplete could not be sent: ue=%d\n", u->idx + 1);
        return;
    }
    u->reconfigurations++;
    printf("uesim: RRCReconfigurationComplete sent: ue=%d c-rnti=0x%04x transaction=%d\n", u->idx + 1, u->rnti, tid);
    if (u->a->cfg.echo_dl_nas && u->reconf_nas_len) echo_nas(u, u->reconf_nas, u->reconf_nas_len);
    u->reconf_nas_len = 0;
}

/* A SecurityModeCommand was delivered with COUNT count: its MAC-I (in last_pdu) checked under the keys it asks
 * for; the answer goes out once PDCP returns (answer_smc). */
static void on_smc(struct ue_attach_ue *u, uint32_t count, const struct rrc_security_mode_command *c)
{
    u->smc_transaction = c->transaction_id;
    int nia = c->has_integrity ? c->integrity : 0;
    struct pdcp_sec_config sc;
    struct pdcp_sec_ctx ctx;
    bool ok = u->last_pdu_len > PDCP_SRB_HDR_BYTES + PDCP_MAC_I_BYTES &&
              pdcp_sec_bearer_config(u->a->cfg.kgnb, nia, c->ciphering, false, &sc) == 0 &&
              pdcp_sec_init(&ctx, sc.nia, sc.k_int, sc.nea, sc.k_enc) == 0;
    if (ok) {
        size_t m = u->last_pdu_len - PDCP_MAC_I_BYTES;
        ok = pdcp_sec_verify(&ctx, count, 0, PDCP_DIR_DL, u->last_pdu, m, u->last_pdu + m) == 0;
        pdcp_sec_free(&ctx);
    }
    sc.tx_cipher = sc.rx_cipher = false;
    u->smc_sec = sc;
    u->smc_answer = ok ? 1 : 2;
    printf("uesim: SecurityModeCommand received: ue=%d c-rnti=0x%04x transaction=%d nia%d nea%d MAC-I %s\n",
           u->idx + 1, u->rnti, c->transaction_id, nia, c->ciphering, ok ? "ok" : "wrong");
}

/* --echo-dl-nas: the NAS message back in an ULInformationTransfer over PDCP and RLC AM (38.331 5.7.2); the SR
 * that asks for its grant is pending from now. */
static void echo_nas(struct ue_attach_ue *u, const uint8_t *nas, size_t len)
{
    static struct rrc_ul_information_transfer t;
    static uint8_t msg[RRC_DEDICATED_NAS_MAX + 16];
    memset(&t, 0, sizeof t);
    t.has_dedicated_nas = true;
    t.dedicated_nas_len = len;
    memcpy(t.dedicated_nas, nas, len);
    size_t n = 0;
    if (rrc_ul_dcch_encode_ul_information_transfer(&t, msg, sizeof msg, &n) < 0 || send_ul_dcch(u, msg, n) < 0) {
        printf("uesim: ULInformationTransfer could not be sent: ue=%d\n", u->idx + 1);
        return;
    }
    u->ul_nas++;
    printf("uesim: ULInformationTransfer sent: ue=%d c-rnti=0x%04x NAS %zu bytes (echo)\n", u->idx + 1, u->rnti, len);
}

/* SRB1 downlink: RLC AM -> PDCP -> a DL-DCCH message (counted; before security only RRCRelease is understood). */
static void pdcp_delivered(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct ue_attach_ue *u = ctx;
    u->dl_dcch++;
    static struct rrc_dl_dcch_msg m; /* large */
    int rc = rrc_dl_dcch_decode(sdu, len, &m);
    if (rc == 0 && m.c1 == RRC_DL_DCCH_SECURITY_MODE_COMMAND && u->a->cfg.has_kgnb)
        on_smc(u, count, &m.security_mode_command);
    if (rc == 0 && m.c1 == RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY) {
        printf("uesim: UECapabilityEnquiry received: ue=%d c-rnti=0x%04x transaction=%d%s\n", u->idx + 1, u->rnti,
               m.ue_capability_enquiry.transaction_id, u->secure ? " (deciphered)" : "");
        u->cap_answer = m.ue_capability_enquiry.transaction_id + 1;
    }
    if (rc == 0 && m.c1 == RRC_DL_DCCH_RECONFIGURATION) on_reconfiguration(u, &m.reconfiguration);
    if (rc == 0 && m.c1 == RRC_DL_DCCH_RELEASE) {
        u->release_seen = true;
        u->release_transaction = m.release.transaction_id;
    }
    if (rc == 0 && m.c1 == RRC_DL_DCCH_DL_INFORMATION_TRANSFER) { /* 38.331 5.7.1: the NAS message to NAS */
        const struct rrc_dl_information_transfer *t = &m.dl_information_transfer;
        u->dl_nas++;
        printf("uesim: DLInformationTransfer received: ue=%d c-rnti=0x%04x transaction=%d%s NAS %zu bytes:", u->idx + 1,
               u->rnti, t->transaction_id, u->secure ? " (deciphered)" : "", t->has_dedicated_nas ? t->dedicated_nas_len : 0);
        for (size_t i = 0; t->has_dedicated_nas && i < t->dedicated_nas_len && i < 16; i++) printf(" %02x", t->dedicated_nas[i]);
        printf("\n");
        if (u->a->cfg.echo_dl_nas && t->has_dedicated_nas) echo_nas(u, t->dedicated_nas, t->dedicated_nas_len);
    }
}

static int64_t now_ms(const struct ue_attach *a)
{
    return (int64_t)((double)a->now_t * 1000.0 / a->cfg.srate);
}

static void rlc_delivered(void *ctx, const uint8_t *sdu, size_t len)
{
    struct ue_attach_ue *u = ctx;
    u->last_pdu_len = len <= sizeof u->last_pdu ? len : 0;
    if (u->last_pdu_len) memcpy(u->last_pdu, sdu, len);
    pdcp_srb_rx(&u->pdcp, sdu, len, now_ms(u->a));
    if (u->smc_answer) answer_smc(u); /* not from PDCP's callback: the entity is not reentered */
    if (u->cap_answer) answer_cap(u);
    if (u->reconf_answer) answer_reconf(u);
}

static int setup_phy(struct ue_attach *a, char *why, size_t len)
{
    int n = a->cfg.nof_prb;
    if (pdcch_rx_init(&a->pdcch, &(struct pdcch_rx_cfg){0}) < 0) return fail_why(why, len, "PDCCH receiver");
    if (dl_rx_init(&a->dl, &(struct dl_rx_config){.max_prb = n, .max_tbs = UE_ATTACH_MAX_DL_TBS(n),
                                                   .nof_buffers = UE_ATTACH_DL_BUFFERS}) < 0) {
        pdcch_rx_free(&a->pdcch);
        return fail_why(why, len, "PDSCH receiver");
    }
    pusch_tx_init(&a->pusch, n);
    dlsch_init(&a->enc, &(struct dlsch_init_cfg){0});
    struct ofdm_config oc = {.sample_rate_hz = a->cfg.srate, .scs_khz = a->cfg.scs_khz, .nof_prb = n,
                             .f0_hz = a->ulc.f0_hz, .direction = OFDM_DIRECTION_TX};
    if (ofdm_init(&a->ofdm, &oc) < 0) {
        pdcch_rx_free(&a->pdcch);
        dl_rx_free(&a->dl);
        pusch_tx_free(&a->pusch);
        dlsch_free(&a->enc);
        return fail_why(why, len, "cannot modulate %d PRB at %.6g Hz", n, a->cfg.srate);
    }
    a->phy_ok = true;
    a->slot_len = ofdm_slot_nof_samples(&a->ofdm, 0);
    a->sym_len = a->slot_len / 14 + 1;
    a->cw = malloc((size_t)n * 12 * 14 * 8);
    a->samples = malloc((size_t)a->slot_len * sizeof(cf_t));
    if (grid_init(&a->grid, 14, 12 * n) < 0 || grid_init(&a->ue_grid, 14, 12 * n) < 0 || !a->cw || !a->samples)
        return fail_why(why, len, "out of memory");
    for (int i = 0; i < a->cfg.count; i++) {
        struct ue_attach_ue *u = &a->ue[i];
        struct pdcp_srb_config pc;
        pdcp_srb_config_default(&pc, 1);
        pc.gnb = false;
        pc.deliver = pdcp_delivered;
        pc.deliver_ctx = u;
        int rc = pdcp_srb_init(&u->pdcp, &pc);
        if (rc < 0) return fail_why(why, len, "PDCP: %s", strerror(-rc));
        u->pdcp_ok = true;
    }
    return 0;
}

static void start_ue(struct ue_attach *a, struct ue_attach_ue *u);

int ue_attach_arm(struct ue_attach *a, const struct ue_attach_cell *cell, const struct rrc_sib1 *sib1, char *why,
                  size_t len)
{
    if (a->armed || a->cfg.count == 0) return 0;
    a->cell = *cell;
    a->mu = a->cfg.scs_khz == 30 ? 1 : 0;
    a->slots_per_frame = 10 << a->mu;
    const struct rrc_serving_cell_config_common_sib *scc = &sib1->serving_cell_config_common;
    if (!sib1->has_serving_cell_config_common || !scc->has_ul)
        return fail_why(why, len, "SIB1 has no servingCellConfigCommon with an UL");
    const struct rrc_bwp_dl_common *db = &scc->dl.initial_bwp;
    if (db->pdcch_sr != PER_SETUP) return fail_why(why, len, "SIB1 has no PDCCH-ConfigCommon");
    int rc = take_ss1(a, &db->pdcch, why, len);
    if (rc == 0) rc = take_ul(a, sib1, why, len);
    if (rc == 0)
        rc = ul_probe_cell_from_sib1(&a->ulc, sib1, cell->unpaired, cell->pci, a->cfg.scs_khz, a->cfg.nof_prb,
                                     cell->dmrs_type_a_position, cell->dl_hz, why, len);
    if (rc < 0) return rc;
    a->has_pdsch_tdra = db->pdsch_sr == PER_SETUP && db->pdsch_has_tdra;
    a->pdsch_tdra = db->pdsch_tdra;
    if ((rc = setup_phy(a, why, len)) < 0) return rc;
    a->armed = true;
    for (int i = 0; i < (a->cfg.concurrent ? a->cfg.count : 1); i++)
        if (!a->cfg.concurrent || a->cfg.start_ms[i] == 0) start_ue(a, &a->ue[i]);
    return 0;
}

/* ---- slots ---------------------------------------------------------------------------------------------- */

static void advance(struct ue_attach *a, int sfn, int slot, int64_t t)
{
    if (a->last_sfn >= 0 && sfn < a->last_sfn) a->hyper += 1024;
    a->last_sfn = sfn;
    a->now = (a->hyper + sfn) * a->slots_per_frame + slot;
    a->now_t = t;
}

static int sfn_of(const struct ue_attach *a, int64_t s)
{
    return (int)((s / a->slots_per_frame) % 1024);
}

static int slot_of(const struct ue_attach *a, int64_t s)
{
    return (int)(s % a->slots_per_frame);
}

/* 38.213 10.1: SS#1 is monitored in slot s; in TDD only where its first symbol is DL (pattern 1). */
static bool ss1_slot(const struct ue_attach *a, int64_t s)
{
    int64_t k = ((s - a->ss1_offset) % a->ss1_period + a->ss1_period) % a->ss1_period;
    if (k >= a->ss1_duration) return false;
    if (!a->ulc.tdd) return true;
    int in = (int)(s % a->ulc.tdd_period_slots);
    return in < a->tdd_dl_slots || (in == a->tdd_dl_slots && a->tdd_dl_symbols > a->cs.start_symbol);
}

/* The RNTI u looks for in SS#1 now (0: none). */
static uint16_t wanted_rnti(const struct ue_attach *a, const struct ue_attach_ue *u)
{
    switch (u->state) {
    case UE_ATT_RAR:
        return a->now >= u->window_start && a->now <= u->window_end ? (uint16_t)u->preamble.ra_rnti : 0;
    case UE_ATT_MSG4:
        return u->rnti;   /* the TC-RNTI (C-RNTI DCIs: SS#2, uss_rnti) */
    default:
        return 0;
    }
}

/* 38.213 10.1: the C-RNTI u looks for in its UE-specific search space (RRCSetup's) in slot s, 0: none. */
static uint16_t uss_rnti(const struct ue_attach *a, const struct ue_attach_ue *u, int64_t s)
{
    if ((u->state != UE_ATT_CONNECTED && u->state != UE_ATT_UNTIL_RELEASE) || !u->rrc.has_uss) return 0;
    int64_t k = ((s - u->rrc.uss_offset) % u->rrc.uss_period + u->rrc.uss_period) % u->rrc.uss_period;
    if (k >= u->rrc.uss_duration) return 0;
    if (a->ulc.tdd) {
        int in = (int)(s % a->ulc.tdd_period_slots);
        if (!(in < a->tdd_dl_slots || (in == a->tdd_dl_slots && a->tdd_dl_symbols > u->rrc.uss_cs.start_symbol)))
            return 0;
    }
    return u->rnti;
}

bool ue_attach_wants_slot(struct ue_attach *a, int sfn, int slot, int64_t t)
{
    if (!a->armed) return false;
    advance(a, sfn, slot, t);
    bool ss1 = ss1_slot(a, a->now);
    for (int i = 0; i < a->started; i++)
        if ((ss1 && wanted_rnti(a, &a->ue[i])) || uss_rnti(a, &a->ue[i], a->now)) return true;
    return false;
}

/* ---- UL transmissions ----------------------------------------------------------------------------------- */

/* The UL advance of u for slot s in samples: N_TA (a TA command's from its first slot) + N_TA,offset. */
static int ta_samples(const struct ue_attach *a, const struct ue_attach_ue *u, int64_t s)
{
    int64_t n_ta = u->n_ta_from >= 0 && s >= u->n_ta_from ? u->n_ta_next : u->n_ta;
    return ue_mac_n_ta_samples(n_ta, a->n_ta_offset, a->cfg.srate);
}

/* a->grid as u's slot s UL, its advance early, its delay late, through its UL channel. Returns the end sample,
 * or -ERANGE. */
static int64_t send_grid(struct ue_attach *a, struct ue_attach_ue *u, int64_t s)
{
    int sis = (int)(s % (1 << a->mu));
    int n = ofdm_modulate_slot(&a->ofdm, a->grid.re, sis, a->samples);
    int64_t at = a->now_t + (s - a->now) * a->slot_len + a->cfg.delay[u->idx] - ta_samples(a, u, s);
    if (n <= 0 || ul_tx_add_channel(a->ul, at, a->samples, n, &a->ul_ch[u->idx]) < 0) return -ERANGE;
    return at + n;
}

static enum modulation_scheme qm_modulation(int qm)
{
    return qm == 2 ? MODULATION_QPSK : qm == 4 ? MODULATION_16QAM : qm == 6 ? MODULATION_64QAM : MODULATION_256QAM;
}

/* The PUSCH grant and UL-SCH coding of m in slot s for u's RNTI (38.214 6.1.4.2: TBS with N_DMRS^PRB of DM-RS
 * type 1 pos2 and 2 CDM groups without data; 6.2.2 for Msg3 and DCI 0_0). A reserved MCS (28..31, a
 * retransmission) takes Q_m from its row and the TBS `tbs_fixed` (> 0). Returns the TBS or -EINVAL. */
static int pusch_grant(const struct ue_attach *a, const struct ue_attach_ue *u, const struct ue_mac_pusch *m,
                       int64_t s, int rv, int tbs_fixed, struct pusch_grant *gr, struct dlsch_cfg *dc)
{
    struct tbs_mcs row;
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, m->mcs, &row) < 0 || (row.reserved && tbs_fixed <= 0)) return -EINVAL;
    uint16_t pci = (uint16_t)a->cell.pci;
    *gr = (struct pusch_grant){.rnti = u->rnti, .n_id = pci, .modulation = qm_modulation(row.qm),
                               .crb_start = a->bwp_start + m->prb_start, .nof_rb = m->nof_prb,
                               .mapping = m->type_b ? PUSCH_MAPPING_TYPE_B : PUSCH_MAPPING_TYPE_A,
                               .start_symbol = m->start_symbol, .nof_symbols = m->nof_symbols,
                               .dmrs = {.config_type = 1, .type_a_position = a->cell.dmrs_type_a_position,
                                        .additional_position = 2, .cdm_groups_without_data = 2, .n_id = pci},
                               .slot = slot_of(a, s)};
    if (pusch_grant_check(gr) < 0) return -EINVAL;
    int tbs = tbs_fixed, g = pusch_nof_bits(gr);
    if (!row.reserved) {
        struct tbs_cfg tc = {.n_prb = m->nof_prb, .n_symb_sh = m->nof_symbols, .n_dmrs_prb = pusch_n_dmrs_prb(gr),
                             .layers = 1, .qm = row.qm, .r_x1024 = row.r_x1024};
        tbs = tbs_compute(&tc);
    }
    if (tbs <= 0 || g <= 0 || tbs / 8 > UE_ATTACH_MAX_TB) return -EINVAL;
    double r = row.reserved ? (double)(tbs + 24) / g : row.r_x1024 / 1024.0;
    *dc = (struct dlsch_cfg){.tbs = tbs, .r = r, .qm = row.qm, .n_layers = 1, .rv = rv, .g = g};
    return tbs;
}

/* The PUSCH of gr in slot s carrying the UL-SCH of tb (dc), with gr->uci.n_ack HARQ-ACK bits ack multiplexed. */
static int64_t send_pusch(struct ue_attach *a, struct ue_attach_ue *u, int64_t s, const struct pusch_grant *gr,
                          const struct dlsch_cfg *dc, const uint8_t *tb, const uint8_t *ack)
{
    grid_clear(&a->grid);
    struct pusch_tb ptb = {.tbs = dc->tbs, .r = dc->r, .rv = dc->rv};
    if (dlsch_encode(&a->enc, dc, tb, a->cw) < 0 ||
        pusch_encode_uci(&a->pusch, gr, &ptb, a->cw, (size_t)dc->g, ack, &a->grid) < 0)
        return -EINVAL;
    return send_grid(a, u, s);
}

/* PUCCH in slot s: format 1 with 1-2 bits (HARQ-ACK 1 = ACK, or a positive SR with b = 0), or format 2 with an
 * n-bit UCI payload. */
static int64_t send_pucch_bits(struct ue_attach *a, struct ue_attach_ue *u, int64_t s, const struct pucch_resource *r,
                               const uint8_t *bits, int n)
{
    struct pucch_config pc = {.res = *r, .bwp_start = a->bwp_start, .bwp_size = a->bwp_size, .slot = slot_of(a, s),
                              .n_id = (uint16_t)a->pucch_n_id, .n_id_data = (uint16_t)a->cell.pci,
                              .n_id_dmrs = (uint16_t)a->cell.pci, .rnti = u->rnti};
    grid_clear(&a->grid);
    int rc = pucch_check(&pc, &a->grid);
    if (rc == 0)
        rc = r->format == PUCCH_FORMAT_2 ? pucch_f2_encode(&pc, bits, n, &a->grid, NULL)
                                         : pucch_f1_encode(&pc, bits, n, &a->grid);
    if (rc < 0) return -EINVAL;
    u->busy_ul[s & 3] = s;
    return send_grid(a, u, s);
}

static int64_t send_pucch(struct ue_attach *a, struct ue_attach_ue *u, int64_t s, const struct pucch_resource *r,
                          uint8_t bit)
{
    return send_pucch_bits(a, u, s, r, &bit, 1);
}

/* ---- DL: SS#1, SS#2 and their PDSCHs --------------------------------------------------------------------- */

/* Every DCI in SS#1 for one of rntis[0 .. n). Returns the count (<= max) or -EINVAL. */
static int search(struct ue_attach *a, const struct grid *g, const uint16_t *rntis, int n,
                  struct pdcch_rx_result *res, int max)
{
    struct pdcch_search ss = {.slot = slot_of(a, a->now), .n_id = (uint16_t)a->cell.pci, .n_rnti = 0, .y = 0,
                              .dci_len = dci_1_0_size(DCI_RNTI_C, a->cs.nof_rb), .rntis = rntis, .nof_rntis = n};
    memcpy(ss.nof_candidates, a->ss1_cand, sizeof ss.nof_candidates);
    return pdcch_rx_search(&a->pdcch, g, &a->cs, &ss, res, max);
}

/* The DCIs for u's C-RNTI in its UE-specific search spaces (38.213 10.1: Y_p,n from the C-RNTI and CORESET p, slot
 * n_s,f): in one with 0_0/1_0, those sized over the active BWPs (38.212 7.3.1.0: the larger of the two, 1_0's
 * here); in the 0_1/1_1 one, DCI 1_1 (identifier 1) and 0_1 (identifier 0) at their sizes. Returns the count
 * (<= max) or -EINVAL. */
static int search_uss(struct ue_attach *a, const struct ue_attach_ue *u, const struct grid *g,
                      struct pdcch_rx_result *res, int max)
{
    int n = dci_1_0_size(DCI_RNTI_C, a->cfg.nof_prb), m = dci_0_0_size(a->bwp_size), found = 0;
    struct pdcch_search ss = {.slot = slot_of(a, a->now), .n_id = (uint16_t)a->cell.pci, .n_rnti = 0,
                              .y = pdcch_uss_y(u->rnti, u->rrc.uss_coreset_id, slot_of(a, a->now)),
                              .dci_len = n > m ? n : m, .rntis = &u->rnti, .nof_rntis = 1};
    memcpy(ss.nof_candidates, u->rrc.uss_cand, sizeof ss.nof_candidates);
    if (u->rrc.uss_fallback) found = pdcch_rx_search(&a->pdcch, g, &u->rrc.uss_cs, &ss, res, max);
    if (found < 0 || found >= max || !u->rrc.has_dci_1_1) return found;
    int s11 = dci_1_1_size(&u->rrc.dci_1_1), s01 = dci_0_1_size(&u->rrc.dci_0_1);
    memcpy(ss.nof_candidates, u->rrc.uss11_cand, sizeof ss.nof_candidates);
    for (int f = 1; f >= 0 && found < max; f--) { /* 1_1, then 0_1 unless it has 1_1's size */
        if (f == 0 && s01 == s11) break;
        ss.dci_len = f ? s11 : s01;
        int more = pdcch_rx_search(&a->pdcch, g, &u->rrc.uss_cs, &ss, res + found, max - found);
        int kept = found;
        for (int k = 0; k < more; k++)
            if (s01 == s11 || res[found + k].dci[0] == f) res[kept++] = res[found + k];
        found = kept;
    }
    return found;
}

/* The PDSCH of a DCI 1_0 decoded into r for u: in SS#1 (uss false; see ue_attach.h step 2) the RIV counts over
 * CORESET#0 from its lowest RB and SIB1's PDSCH list applies; in the UE-specific SS#2 (uss true) over the DL BWP
 * (the carrier) from its start, with pdsch-Config's list (38.214 5.1.2.2.2, Table 5.1.2.1.1-1). The soft
 * buffers serve every UE, keyed by UE and HARQ process: a TB is combined with the one buffered under its key
 * when the RNTI and NDI are the same (38.321 5.3.2.2); a new one takes its key's buffer, a free one, or (all
 * holding undecoded TBs) the next in turn. Returns the TBS, or -EINVAL. */
static int dci_pdsch(struct ue_attach *a, struct ue_attach_ue *u, const struct grid *g, const struct dci_1_0 *d,
                     uint16_t rnti, bool uss, enum tbs_mcs_table table, struct dl_rx_result *r)
{
    int rb_start, l_rbs, s, l, pos = a->cell.dmrs_type_a_position;
    enum pdsch_mapping_type map = PDSCH_MAPPING_TYPE_A;
    if (dci_riv_decode(uss ? a->cfg.nof_prb : a->cs.nof_rb, d->frequency_domain_assignment, &rb_start, &l_rbs) < 0)
        return -EINVAL;
    const struct rrc_tdra_list *tl = uss && u->rrc.has_pdsch_tdra ? &u->rrc.pdsch_tdra
                                     : a->has_pdsch_tdra        ? &a->pdsch_tdra : NULL;
    if (tl) {
        int row = (int)d->time_domain_assignment;
        if (row >= tl->n || (tl->e[row].has_k && tl->e[row].k != 0) ||
            ue_mac_sliv(tl->e[row].start_symbol_and_length, &s, &l) < 0)
            return -EINVAL;
        map = tl->e[row].mapping_type_b ? PDSCH_MAPPING_TYPE_B : PDSCH_MAPPING_TYPE_A;
    } else {
        struct pdsch_time_alloc ta;
        if (pdsch_tdra_default_a((int)d->time_domain_assignment, pos, &ta) < 0 || ta.k0 != 0) return -EINVAL;
        s = ta.start_symbol;
        l = ta.nof_symbols;
        map = ta.mapping;
    }
    uint16_t pci = (uint16_t)a->cell.pci;
    struct pdsch_grant gr = {.rnti = rnti, .n_id = pci, .nof_layers = 1,
                             .crb_start = pdsch_vrb_to_crb(rb_start, 0, uss ? -1 : a->cell.coreset0_crb),
                             .nof_rb = l_rbs,
                             .mapping = map, .start_symbol = s, .nof_symbols = l, .slot = slot_of(a, a->now)};
    pdsch_dmrs_dci_1_0(&gr.dmrs, pos, l, pci, 0);   /* 38.211 7.4.1.1.2: CRB 0 unless SI-RNTI in Type0 */
    struct dlsch_cfg dc;
    bool ra = d->rnti_type == DCI_RNTI_RA;
    if (gr.crb_start + gr.nof_rb > a->cfg.nof_prb ||
        dl_rx_grant_mcs(&gr, table, (int)d->mcs, ra ? 0 : (int)d->rv, ra ? (int)d->tb_scaling : 0,
                        &dc) < 0)
        return -EINVAL;
    /* 38.321 5.3.2.2: a new TB unless the same process, RNTI and NDI as a TB not yet decoded. */
    int pid = (int)d->harq_process & 15, key = ra ? -1 : u->idx * 16 + pid, b = -1;
    for (int k = 0; k < UE_ATTACH_DL_BUFFERS && key >= 0; k++)
        if (a->dl_key[k] == key) b = k;
    bool same = b >= 0 && dl_rx_buffer_active(&a->dl, b) && u->dl_pend_rnti[pid] == rnti &&
                u->dl_pend_ndi[pid] == d->ndi;
    for (int k = 0; k < UE_ATTACH_DL_BUFFERS && b < 0; k++)
        if (a->dl_key[k] < 0 || !dl_rx_buffer_active(&a->dl, k)) b = k;
    if (b < 0) b = a->dl_victim++ % UE_ATTACH_DL_BUFFERS;
    if (dl_rx_decode_buffer(&a->dl, b, g, &gr, &dc, !same, r) < 0) return -EINVAL;
    a->dl_key[b] = !ra && !r->crc_ok ? key : -1;
    if (!ra) {
        u->dl_pend_rnti[pid] = rnti;
        u->dl_pend_ndi[pid] = d->ndi;
    }
    return dc.tbs;
}

/* ---- the procedure ---------------------------------------------------------------------------------------- */

static void finish(struct ue_attach *a, struct ue_attach_ue *u, enum ue_attach_outcome o, FILE *out,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void finish(struct ue_attach *a, struct ue_attach_ue *u, enum ue_attach_outcome o, FILE *out,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->why[u->idx], sizeof a->why[u->idx], fmt, ap);
    va_end(ap);
    a->outcome[u->idx] = o;
    a->finished++;
    u->state = UE_ATT_DONE;
    fprintf(out, "uesim: attach: ue=%d result=%s (%s)\n", u->idx + 1, ue_attach_outcome_name(o), a->why[u->idx]);
    if (!a->cfg.concurrent && a->started < a->cfg.count) start_ue(a, &a->ue[a->started]);
}

static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* 38.321 5.1.2: the preamble index (see ue_attach.h step 1), asked for in the first occasion at or after stream
 * sample not_before. */
static void request_preamble(struct ue_attach *a, struct ue_attach_ue *u, int64_t not_before)
{
    int total = prach_tx_nof_preambles(a->prach), v;
    if (a->cfg.preamble >= 0) {
        v = a->cfg.preamble;
    } else if (a->cfg.same_preamble && u->attempts == 1) {
        unsigned s = (a->cfg.seed ? a->cfg.seed : 1) * 7919u;
        v = (int)(next_rand(&s) % (unsigned)total);
    } else {
        v = (int)(next_rand(&u->rng) % (unsigned)total);
    }
    int delay = a->cfg.prach_delay >= 0 ? a->cfg.prach_delay : a->cfg.delay[u->idx];
    u->prach_seq = a->prach->req[u->idx].sent;
    u->window_start = -1;
    u->state = UE_ATT_PRACH;
    prach_tx_request_ue(a->prach, u->idx, v, delay, &a->ul_ch[u->idx], not_before);
}

static void start_ue(struct ue_attach *a, struct ue_attach_ue *u)
{
    int i = (int)(u - a->ue);
    bool pdcp_ok = u->pdcp_ok;
    struct pdcp_srb pdcp = u->pdcp;
    for (int k = 0; k < UE_ATTACH_DRBS; k++) ue_drb_free(&u->drb[k]); /* a new connection starts without a DRB */
    memset(u, 0, sizeof *u);
    u->pdcp = pdcp;
    u->pdcp_ok = pdcp_ok;
    u->a = a;
    u->idx = i;
    a->started = i + 1 > a->started ? i + 1 : a->started;
    unsigned s = (a->cfg.seed ? a->cfg.seed : 1) * 2654435761u + (unsigned)i * 40503u;
    u->identity = ((uint64_t)next_rand(&s) << 24 | next_rand(&s)) & ((1ULL << 39) - 1);
    u->rng = s ^ 0x5bd1e995u;
    ue_rrc_setup_request(u->identity, u->ccch);
    u->drop_msg3 = a->cfg.drop_msg3[i];
    u->drop_pusch = a->cfg.drop_pusch[i];
    u->nack_pdsch = a->cfg.nack_pdsch[i];
    u->t_start = a->now_t;
    u->attempts = 1;
    u->n_ta_from = -1;
    u->last_pusch_slot = -1;
    for (int k = 0; k < UE_ATTACH_ACK_SLOTS; k++) u->ack[k].slot = -1;
    for (int k = 0; k < 4; k++) u->busy_ul[k] = -1;
    for (int k = 0; k < UE_ATTACH_HARQ; k++) u->dl_last_ndi[k] = -1;
    request_preamble(a, u, 0);
}

/* Step 7: random access again after a backoff, or the random access problem (38.321 5.1.4, 5.1.5). */
static void ra_retry(struct ue_attach *a, struct ue_attach_ue *u, bool conres, FILE *out, const char *why)
{
    u->rnti = 0;          /* the TC-RNTI discarded */
    u->msg3_tbs = 0;      /* the Msg3 buffer flushed */
    u->conres_failed = conres;
    if (u->attempts >= a->preamble_trans_max) {
        finish(a, u, conres ? UE_ATTACH_CONRES_FAIL : UE_ATTACH_FAILED, out,
               "%s; random access problem after %d preambles (preambleTransMax)", why, u->attempts);
        return;
    }
    u->attempts++;
    int b = ue_mac_backoff_pick_ms(u->preamble_backoff_ms, next_rand(&u->rng));
    fprintf(out, "uesim: UE %d: %s, retrying random access (attempt %d, backoff %d ms of PREAMBLE_BACKOFF %d ms)\n",
            u->idx + 1, why, u->attempts, b, u->preamble_backoff_ms);
    request_preamble(a, u, a->now_t + (int64_t)llround(b * a->cfg.srate / 1000.0));
}

/* The preamble prach_tx planned: the RAR window from it (38.213 8.2). */
static void on_preamble(struct ue_attach *a, struct ue_attach_ue *u, FILE *out)
{
    u->preamble = a->prach->req[u->idx].last;
    int64_t open = u->preamble.end + a->sym_len;   /* the first CORESET at least one symbol after the preamble */
    int64_t ahead = (open - a->now_t + a->slot_len - 1) / a->slot_len;
    u->window_start = a->now + (ahead > 0 ? ahead : 0);
    u->window_end = u->window_start + a->window - 1;
    u->state = UE_ATT_RAR;
    fprintf(out, "uesim: RA: ue=%d preamble=%d ra-rnti=0x%x (attempt %d), RAR window slots %d.%d-%d.%d\n",
            u->idx + 1, u->preamble.preamble, u->preamble.ra_rnti, u->attempts, sfn_of(a, u->window_start),
            slot_of(a, u->window_start), sfn_of(a, u->window_end), slot_of(a, u->window_end));
}

/* One transmission of the Msg3 buffer in slot s (or none with drop_msg3 left). Returns the end sample, 0 when
 * left out, -1 when it could not be placed. */
static int64_t send_msg3(struct ue_attach *a, struct ue_attach_ue *u, int64_t s, const struct pusch_grant *pg,
                         const struct dlsch_cfg *dc, FILE *out)
{
    u->msg3_tx++;
    /* 38.321 5.1.5: ra-ContentionResolutionTimer (re)started after each Msg3 transmission */
    u->deadline = s + (int64_t)a->conres_ms * (1 << a->mu);
    if (u->drop_msg3 > 0) {
        u->drop_msg3--;
        fprintf(out, "uesim: Msg3 left out (--drop-msg3): ue=%d tc-rnti=0x%04x slot=%d.%d transmission %d rv=%d\n",
                u->idx + 1, u->rnti, sfn_of(a, s), slot_of(a, s), u->msg3_tx, dc->rv);
        return 0;
    }
    int64_t end = send_pusch(a, u, s, pg, dc, u->msg3, NULL);
    return end < 0 ? -1 : end;
}

static void on_rar(struct ue_attach *a, struct ue_attach_ue *u, const struct grid *g,
                   const struct pdcch_rx_result *res, FILE *out)
{
    struct dci_1_0 d;
    struct dl_rx_result r;
    static struct mac_rar_pdu pdu;
    if (dci_1_0_unpack(res->dci, res->dci_len, DCI_RNTI_RA, a->cs.nof_rb, &d) < 0) return;
    int tbs = dci_pdsch(a, u, g, &d, (uint16_t)u->preamble.ra_rnti, false, TBS_MCS_TABLE_64QAM, &r);
    if (tbs < 0 || !r.crc_ok) {
        fprintf(out, "uesim: RAR: ue=%d slot=%d.%d: PDSCH %s\n", u->idx + 1, sfn_of(a, a->now), slot_of(a, a->now),
                tbs < 0 ? "grant not usable" : "CRC failed");
        return;
    }
    if (mac_rar_parse(r.tb, (size_t)tbs / 8, &pdu) < 0) return;

    /* 38.321 5.1.4: PREAMBLE_BACKOFF from this RAR's Backoff Indicator, 0 ms without one */
    u->preamble_backoff_ms = ue_mac_preamble_backoff_ms(pdu.has_bi, pdu.bi);
    const struct mac_rar *m = mac_rar_find(&pdu, u->preamble.preamble);
    if (!m) return;
    struct ue_mac_rar_grant gr;
    struct ue_mac_pusch p;
    ue_mac_rar_grant_unpack(m->ul_grant, &gr);
    if (ue_mac_msg3(&gr, a->bwp_size, a->cfg.scs_khz, &a->pusch_tdra, &p) < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "RAR UL grant 0x%07x not usable", m->ul_grant);
        return;
    }
    u->rnti = m->tc_rnti;
    u->ta = m->ta;
    u->n_ta = ue_mac_n_ta_rar(m->ta, a->cfg.scs_khz);   /* 38.213 4.2 */
    u->n_ta_from = -1;
    int64_t s = a->now + p.slot_offset;
    struct pusch_grant pg;
    struct dlsch_cfg dc;
    u->msg3_tbs = pusch_grant(a, u, &p, s, 0, 0, &pg, &dc);
    u->msg3_tx = u->msg3_retx = 0;
    fprintf(out, "uesim: RAR: ue=%d rapid=%d ta=%d (%d samples early) tc-rnti=0x%04x msg3 slot=%d.%d prb=%d+%d "
            "mcs=%d tbs=%d (RAR slot %d.%d)%s\n", u->idx + 1, m->rapid, m->ta, ta_samples(a, u, s), m->tc_rnti,
            sfn_of(a, s), slot_of(a, s), p.prb_start, p.nof_prb, p.mcs, u->msg3_tbs, sfn_of(a, a->now),
            slot_of(a, a->now), pdu.has_bi ? " with a Backoff Indicator" : "");
    int64_t end = -1;
    if (u->msg3_tbs > 0 && ue_mac_msg3_pdu(u->ccch, u->msg3, (size_t)u->msg3_tbs / 8) == 0)
        end = send_msg3(a, u, s, &pg, &dc, out);
    if (end < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "Msg3 could not be sent (slot %d.%d)", sfn_of(a, s), slot_of(a, s));
        return;
    }
    if (end > 0)
        note(a, end, "Msg3 sent: ue=%d tc-rnti=0x%04x slot=%d.%d RRCSetupRequest ue-Identity=0x%010" PRIx64,
             u->idx + 1, u->rnti, sfn_of(a, s), slot_of(a, s), u->identity);
    u->state = UE_ATT_MSG4;
}

/* DCI 0_0 with the TC-RNTI before contention resolution: the Msg3 buffer again (38.213 8.3, 38.321 5.4.2.1). */
static void on_msg3_retx(struct ue_attach *a, struct ue_attach_ue *u, const struct pdcch_rx_result *res, FILE *out)
{
    struct dci_0_0 d;
    struct ue_mac_pusch p;
    struct pusch_grant pg;
    struct dlsch_cfg dc;
    if (u->msg3_tbs <= 0 || dci_0_0_unpack(res->dci, res->dci_len, a->bwp_size, &d) < 0 ||
        ue_mac_dci_0_0_pusch(&d, a->bwp_size, a->cfg.scs_khz, u->rrc.has_pusch_tdra ? &u->rrc.pusch_tdra
                                                                                  : &a->pusch_tdra, &p) < 0) {
        fprintf(out, "uesim: Msg3 retransmission: ue=%d slot=%d.%d: DCI 0_0 not usable\n", u->idx + 1,
                sfn_of(a, a->now), slot_of(a, a->now));
        return;
    }
    int64_t s = a->now + p.slot_offset;
    int tbs = pusch_grant(a, u, &p, s, (int)d.rv, u->msg3_tbs, &pg, &dc);
    if (tbs != u->msg3_tbs) {
        fprintf(out, "uesim: Msg3 retransmission: ue=%d slot=%d.%d: grant of TBS %d for a Msg3 of %d bits\n",
                u->idx + 1, sfn_of(a, a->now), slot_of(a, a->now), tbs, u->msg3_tbs);
        return;
    }
    u->msg3_retx++;
    int64_t end = send_msg3(a, u, s, &pg, &dc, out);
    fprintf(out, "uesim: Msg3 retransmission asked: ue=%d tc-rnti=0x%04x DCI 0_0 slot=%d.%d -> slot=%d.%d prb=%d+%d "
            "mcs=%d rv=%u (transmission %d)\n", u->idx + 1, u->rnti, sfn_of(a, a->now), slot_of(a, a->now),
            sfn_of(a, s), slot_of(a, s), p.prb_start, p.nof_prb, p.mcs, d.rv, u->msg3_tx);
    if (end > 0)
        note(a, end, "Msg3 retransmitted: ue=%d tc-rnti=0x%04x slot=%d.%d rv=%u", u->idx + 1, u->rnti,
             sfn_of(a, s), slot_of(a, s), d.rv);
}

/* A Timing Advance Command MAC CE in a DL MAC PDU u took (38.321 5.2, 6.1.3.4; 38.213 4.2). */
static void take_ta_command(struct ue_attach *a, struct ue_attach_ue *u, const uint8_t *pdu, size_t len, FILE *out)
{
    int t_a, tag;
    if (ue_mac_ta_command(pdu, len, &t_a, &tag) != 1) return;
    if (tag != 0) {
        fprintf(out, "uesim: TA command for TAG %d ignored (only the PTAG 0 is configured): ue=%d\n", tag, u->idx + 1);
        return;
    }
    if (u->n_ta_from >= 0 && a->now >= u->n_ta_from) {
        u->n_ta = u->n_ta_next;
        u->n_ta_from = -1;
    }
    int64_t base = u->n_ta_from >= 0 ? u->n_ta_next : u->n_ta;
    u->n_ta_next = ue_mac_n_ta_command(base, t_a, a->cfg.scs_khz);
    u->n_ta_from = a->now + ue_mac_ta_command_delay_slots(a->cfg.scs_khz);
    u->ta_commands++;
    fprintf(out, "uesim: TA command T_A=%d -> N_TA=%.2f samples (%" PRId64 " Tc): ue=%d c-rnti=0x%04x slot=%d.%d, "
            "applied from UL slot %d.%d (UL %d samples early with N_TA,offset)\n", t_a,
            (double)u->n_ta_next * a->cfg.srate / 1966080000.0, u->n_ta_next, u->idx + 1, u->rnti,
            sfn_of(a, a->now), slot_of(a, a->now), sfn_of(a, u->n_ta_from), slot_of(a, u->n_ta_from),
            ta_samples(a, u, u->n_ta_from));
}

/* RRCSetup: the configuration applied, SRB1 set up, RRCSetupComplete written to PDCP and RLC. */
static void on_rrc_setup(struct ue_attach *a, struct ue_attach_ue *u, const struct rrc_setup *rs, FILE *out)
{
    char why[160];
    if (ue_rrc_apply_cell_group(&rs->master_cell_group, a->cell.pci, a->cfg.nof_prb, &u->rrc, why, sizeof why) < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "RRCSetup not applicable: %s", why);
        return;
    }
    if (u->rlc_ok) rlc_am_free(&u->rlc);
    u->rlc_ok = rlc_am_init(&u->rlc, &u->rrc.rlc, rlc_delivered, u) == 0;
    pdcp_srb_reestablish(&u->pdcp);
    pdcp_srb_security_deactivate(&u->pdcp); /* a new connection: no AS security */
    u->transaction_id = rs->transaction_id;
    uint8_t nas[4000], msg[4200], pdu[4300];
    for (int i = 0; i < a->cfg.nas_bytes; i++) nas[i] = i == 0 ? 0x7e : (uint8_t)(i * 7 + u->idx);
    size_t n = 0, pn = 0;
    if (!u->rlc_ok || ue_rrc_setup_complete(rs->transaction_id, nas, (size_t)a->cfg.nas_bytes, msg, sizeof msg, &n) < 0 ||
        pdcp_srb_tx(&u->pdcp, msg, n, now_ms(a), pdu, sizeof pdu, &pn, NULL) < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "RRCSetupComplete could not be built");
        return;
    }
    u->complete_sn = u->rlc.tx_next & u->rlc.sn_mask;
    u->sr_pending = true;
    if (rlc_am_write_sdu(&u->rlc, pdu, pn) < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "RLC refused the RRCSetupComplete");
        return;
    }
    const struct pucch_resource *h = &u->rrc.harq_res[0];
    fprintf(out, "uesim: RRCSetup received: ue=%d c-rnti=0x%04x transaction=%d; SRB1 on LCID %d, HARQ-ACK PUCCH "
            "resources %d (first: PRB %d OCC %d), SR %s period %d offset %d (PRB %d OCC %d); RRCSetupComplete %zu "
            "bytes (NAS %d) -> PDCP %zu bytes\n", u->idx + 1, u->rnti, rs->transaction_id, u->rrc.srb1_lcid,
            u->rrc.nof_harq_res, h->start_prb, h->time_domain_occ, u->rrc.has_sr ? "on" : "off", u->rrc.sr_period,
            u->rrc.sr_offset, u->rrc.sr_res.start_prb, u->rrc.sr_res.time_domain_occ, n, a->cfg.nas_bytes, pn);
    u->state = UE_ATT_CONNECTED;
    u->deadline = a->now + (int64_t)UE_ATTACH_SETUP_TIMEOUT_MS * (1 << a->mu);
}

static void on_msg4(struct ue_attach *a, struct ue_attach_ue *u, const struct grid *g,
                    const struct pdcch_rx_result *res, FILE *out)
{
    static struct rrc_dl_ccch_msg msg;   /* a whole CellGroupConfig: not on the stack */
    struct dci_1_0 d;
    struct dl_rx_result r;
    if (dci_1_0_unpack(res->dci, res->dci_len, DCI_RNTI_TC, a->cs.nof_rb, &d) < 0) return;
    int tbs = dci_pdsch(a, u, g, &d, u->rnti, false, TBS_MCS_TABLE_64QAM, &r);
    if (tbs < 0 || !r.crc_ok) {
        fprintf(out, "uesim: Msg4: ue=%d slot=%d.%d: PDSCH %s (no HARQ-ACK)\n", u->idx + 1, sfn_of(a, a->now),
                slot_of(a, a->now), tbs < 0 ? "grant not usable" : "CRC failed");
        return;
    }
    const uint8_t *sdu;
    size_t sdu_len;
    int v = ue_mac_msg4(r.tb, (size_t)tbs / 8, u->ccch, &sdu, &sdu_len);
    if (v != UE_MAC_CONRES_MATCH) {
        fprintf(out, "uesim: Msg4: contention resolution FAILED (%s): ue=%d tc-rnti=0x%04x slot=%d.%d\n",
                v == UE_MAC_CONRES_MISMATCH ? "identity mismatch" : v < 0 ? "MAC PDU malformed" : "no identity CE",
                u->idx + 1, u->rnti, sfn_of(a, a->now), slot_of(a, a->now));
        ra_retry(a, u, true, out, v == UE_MAC_CONRES_MISMATCH ? "contention resolution failed (identity of another UE)"
                                  : "contention resolution failed (no matching UE Contention Resolution Identity)");
        return;
    }
    fprintf(out, "uesim: Msg4: contention resolved c-rnti=0x%04x: ue=%d slot=%d.%d (CCE %d, PRI %d, k1 field %d)%s\n",
            u->rnti, u->idx + 1, sfn_of(a, a->now), slot_of(a, a->now), res->first_cce, d.pucch_resource,
            d.harq_feedback_timing, u->attempts > 1 ? " after a retried random access" : "");
    struct pucch_resource pr;
    int64_t s = a->now + ue_mac_k1_dci_1_0((int)d.harq_feedback_timing), end = -1;
    int rp = ue_mac_pucch_common(a->pucch_common_row, res->first_cce, pdcch_nof_cce(&a->cs), (int)d.pucch_resource,
                                 a->bwp_size, &pr);
    if (rp >= 0) end = send_pucch(a, u, s, &pr, 1);
    if (end < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "Msg4 HARQ-ACK could not be sent (r_PUCCH %d)", rp);
        return;
    }
    note(a, end, "HARQ-ACK sent: ue=%d c-rnti=0x%04x slot=%d.%d ACK on the common PUCCH (r_PUCCH %d, PRB %d/%d)",
         u->idx + 1, u->rnti, sfn_of(a, s), slot_of(a, s), rp, pr.start_prb, pr.second_hop_prb);
    u->msg3_tbs = 0;   /* 38.321 5.1.5: the Msg3 buffer flushed */
    take_ta_command(a, u, r.tb, (size_t)tbs / 8, out);
    if (!sdu || rrc_dl_ccch_decode(sdu, sdu_len, &msg) < 0) {
        finish(a, u, UE_ATTACH_FAILED, out, "Msg4 without a decodable DL-CCCH message");
        return;
    }
    if (msg.type == RRC_DL_CCCH_REJECT) {
        fprintf(out, "uesim: RRCReject waitTime=%d: ue=%d\n", msg.reject.has_wait_time ? msg.reject.wait_time : 0,
                u->idx + 1);
        finish(a, u, UE_ATTACH_REJECT, out, "RRCReject waitTime %d s", msg.reject.wait_time);
        return;
    }
    on_rrc_setup(a, u, &msg.setup, out);
}

/* The HARQ-ACK bit of a PDSCH for UL slot s whose DCI had counter DAI dai and PUCCH resource indicator pri: placed
 * in s's codebook (mac/harq_ack.h, 38.213 9.1.3.1), sent on s's PUSCH (on_ul_grant) or PUCCH (flush_harq_acks). */
static void harq_ack_due(struct ue_attach_ue *u, int64_t s, uint8_t bit, int pri, uint32_t dai, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static void harq_ack_due(struct ue_attach_ue *u, int64_t s, uint8_t bit, int pri, uint32_t dai, const char *fmt, ...)
{
    struct ue_ack_codebook *c = &u->ack[s & (UE_ATTACH_ACK_SLOTS - 1)];
    if (c->slot != s) {
        c->slot = s;
        c->n = 0;
    }
    int m = harq_ack_dai_position(c->n, dai);
    if (m > UE_ATTACH_ACK_BITS) return;
    for (int i = c->n; i < m - 1; i++) { /* PDSCHs missed in between: NACK */
        c->bits[i] = 0;
        snprintf(c->what[i], sizeof c->what[i], "(missed: DAI gap)");
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->what[m - 1], sizeof c->what[m - 1], fmt, ap);
    va_end(ap);
    c->bits[m - 1] = bit;
    c->n = m;
    c->pri = pri;
}

/* One log line per HARQ-ACK bit sent ("on" says where). */
static void note_acks(struct ue_attach *a, struct ue_attach_ue *u, int64_t end, int64_t s,
                      const struct ue_ack_codebook *c, const char *on)
{
    for (int i = 0; i < c->n; i++) {
        char bit[48] = "";
        if (c->n > 1) snprintf(bit, sizeof bit, " (bit %d of %d)", i, c->n);
        note(a, end, "HARQ-ACK sent: ue=%d c-rnti=0x%04x slot=%d.%d %s%s %s %s", u->idx + 1, u->rnti,
             sfn_of(a, s), slot_of(a, s), c->bits[i] ? "ACK" : "NACK", bit, on, c->what[i]);
    }
}

/* The codebooks no later DCI can add to (their UL slot at most UE_ATTACH_LEAD ahead) that no PUSCH took: on PUCCH,
 * set 0 (format 1) for 1-2 bits, set 1 (format 2) for more with the SR bit appended in an SR occasion (38.213
 * 9.2.5.2: 1 = positive). */
static void flush_harq_acks(struct ue_attach *a, struct ue_attach_ue *u)
{
    for (int k = 0; k < UE_ATTACH_ACK_SLOTS; k++) {
        struct ue_ack_codebook *c = &u->ack[k];
        if (c->slot < 0 || c->slot > a->now + UE_ATTACH_LEAD) continue;
        int64_t s = c->slot;
        c->slot = -1;
        if (c->n < 1) continue;
        char on[64];
        int64_t end;
        if (c->n <= HARQ_ACK_SET0_MAX_BITS) {
            snprintf(on, sizeof on, "on PUCCH resource %d of set 0", c->pri);
            end = send_pucch_bits(a, u, s, &u->rrc.harq_res[c->pri], c->bits, c->n);
        } else if (c->pri < u->rrc.nof_harq_res1) {
            uint8_t uci[UE_ATTACH_ACK_BITS + 1];
            memcpy(uci, c->bits, (size_t)c->n);
            int n = c->n;
            bool sr_occasion = u->rrc.has_sr && (s - u->rrc.sr_offset) % u->rrc.sr_period == 0;
            if (sr_occasion) uci[n++] = u->sr_pending;
            snprintf(on, sizeof on, "on PUCCH format 2 resource %d of set 1%s", c->pri,
                     sr_occasion ? (u->sr_pending ? " + SR 1" : " + SR 0") : "");
            end = send_pucch_bits(a, u, s, &u->rrc.harq_res1[c->pri], uci, n);
            if (end >= 0 && sr_occasion && u->sr_pending) u->srs++;
        } else {
            end = -1;
        }
        if (end >= 0) note_acks(a, u, end, s, c, on);
        else fprintf(stderr, "uesim: ue=%d: %d HARQ-ACK bits for slot %d.%d could not be sent\n", u->idx + 1, c->n,
                     sfn_of(a, s), slot_of(a, s));
    }
}

/* An UL DCI of u's UE-specific search space as the fields of a 0_0: DCI 0_0 in a 0_0/1_0 space, else DCI 0_1
 * (38.212 7.3.1.1.2) with antenna ports row 2 of Table 7.3.1.1.2-8 (port 0, two CDM groups without data: the
 * DM-RS a 0_0 implies), n_SCID 0, UL-SCH, no SRS request; *dai1 its 1st DAI (-1 for a 0_0). Returns 0 or -EINVAL. */
static int uss_ul_dci(const struct ue_attach *a, const struct ue_attach_ue *u, const struct pdcch_rx_result *res,
                      struct dci_0_0 *d, int *dai1)
{
    *dai1 = -1;
    if (u->rrc.uss_fallback && dci_0_0_unpack(res->dci, res->dci_len, a->bwp_size, d) == 0) return 0;
    struct dci_0_1 e;
    if (!u->rrc.has_dci_1_1 || dci_0_1_unpack(res->dci, res->dci_len, &u->rrc.dci_0_1, &e) < 0 ||
        e.antenna_ports != 2 || e.dmrs_seq_init != 0 || e.ulsch_indicator != 1 || e.srs_request != 0)
        return -EINVAL;
    *d = (struct dci_0_0){.frequency_domain_assignment = e.frequency_domain_assignment,
                          .time_domain_assignment = e.time_domain_assignment, .mcs = e.mcs, .ndi = e.ndi,
                          .rv = e.rv, .harq_process = e.harq_process, .tpc = e.tpc};
    *dai1 = (int)e.dai1;
    return 0;
}

/* An UL grant (DCI 0_0 or 0_1, C-RNTI): SRB1 data, a short BSR when more waits, padding; the HARQ-ACK due in its
 * slot (harq_ack_due) multiplexed on it (38.212 6.3.2.1-6.3.2.4, 6.2.7) with uci-OnPUSCH's beta offset and
 * scaling. A 0_1's 1st DAI must count it (38.213 9.1.3.2: V_T-DAI,UL, 4 = none; a mismatch is reported). */
static void on_ul_grant(struct ue_attach *a, struct ue_attach_ue *u, const struct pdcch_rx_result *res, FILE *out)
{
    struct dci_0_0 d;
    struct ue_mac_pusch p;
    struct pusch_grant gr;
    struct dlsch_cfg dc;
    int dai1;
    if (uss_ul_dci(a, u, res, &d, &dai1) < 0 ||
        ue_mac_dci_0_0_pusch(&d, a->bwp_size, a->cfg.scs_khz, u->rrc.has_pusch_tdra ? &u->rrc.pusch_tdra
                                                                                  : &a->pusch_tdra, &p) < 0) {
        fprintf(out, "uesim: UL grant: ue=%d slot=%d.%d: DCI %s not usable\n", u->idx + 1, sfn_of(a, a->now),
                slot_of(a, a->now), u->rrc.uss_fallback ? "0_0" : "0_1");
        return;
    }
    int64_t s = a->now + p.slot_offset;
    const struct ue_ack_codebook *due = &u->ack[s & (UE_ATTACH_ACK_SLOTS - 1)];
    int n_due = due->slot == s ? due->n : 0;
    if (dai1 >= 0 && u->rrc.dci_0_1.dynamic_harq_codebook && dai1 != (n_due + 3) % 4)
        fprintf(out, "uesim: UL grant: ue=%d slot=%d.%d: DCI 0_1 1st DAI %d but %d HARQ-ACK due in its PUSCH\n",
                u->idx + 1, sfn_of(a, a->now), slot_of(a, a->now), dai1, n_due);
    struct ue_attach_harq *h = &u->harq[d.harq_process & 15];
    bool retx = h->used && h->ndi == d.ndi;   /* 38.321 5.4.1: NDI not toggled */
    int tbs = pusch_grant(a, u, &p, s, (int)d.rv, retx ? h->len * 8 : 0, &gr, &dc);
    char what[80] = "";
    bool srb1_sent = false;
    if (tbs > 0 && !(retx && h->len == tbs / 8)) {   /* new data */
        struct mac_pdu_builder b;
        uint8_t rlc[UE_ATTACH_MAX_TB];
        mac_pdu_builder_init(&b, MAC_DIR_UL, h->tb, (size_t)tbs / 8);
        size_t room = (size_t)tbs / 8 > 5 ? (size_t)tbs / 8 - 5 : 0;   /* L subheader (<= 3) + short BSR (2) */
        int n = room > 0 ? rlc_am_pull_pdu(&u->rlc, rlc, room, now_ms(a)) : 0;
        srb1_sent = n > 0;
        if (n > 0 && mac_pdu_add_sdu(&b, u->rrc.srb1_lcid, rlc, (size_t)n) == 0)
            snprintf(what, sizeof what, " lcid%d:%d", u->rrc.srb1_lcid, n);
        /* then the DRB (38.321 5.4.3.1: SRB1's priority is higher), keeping 2 bytes for the BSR */
        /* the DRBs in LCID order (38.321 5.4.3.1 by priority; all have the same here), each as much as fits */
        size_t left = rlc_am_tx_pending(&u->rlc);
        for (int k = 0; k < UE_ATTACH_DRBS; k++) {
            struct ue_drb *x = &u->drb[k];
            int drb_pdus = 0, drb_bytes = 0;
            size_t r;
            while (x->active && (r = mac_pdu_sdu_room(&b)) > 2 + 9) {
                int m = ue_drb_pull(x, rlc, r - 2 < sizeof rlc ? r - 2 : sizeof rlc, now_ms(a));
                if (m <= 0 || mac_pdu_add_sdu(&b, x->cfg.lcid, rlc, (size_t)m) < 0) break;
                drb_pdus++;
                drb_bytes += m;
            }
            if (drb_pdus)
                snprintf(what + strlen(what), sizeof what - strlen(what), " lcid%d:%dx%d", x->cfg.lcid, drb_pdus,
                         drb_bytes);
            left += ue_drb_pending(x);
        }
        /* 38.321 5.4.5: a Regular BSR while data waits, else a padding BSR (the padding holds one): both
         * report the buffer after this PDU (one LCG for every bearer), and cancel the pending SR (5.4.4). */
        uint8_t bsr = ue_mac_short_bsr(0, left);
        if (mac_pdu_add_ce(&b, MAC_LCID_UL_SHORT_BSR, &bsr, 1) == 0) {
            snprintf(what + strlen(what), sizeof what - strlen(what), " %s-BSR:%d", left ? "short" : "padding",
                     bsr & 31);
            u->sr_pending = false;
        }
        mac_pdu_finish(&b);
        h->used = true;
        h->ndi = d.ndi;
        h->len = tbs / 8;
    } else if (tbs > 0) {
        snprintf(what, sizeof what, " retransmission");
        u->ul_retx++;
    }
    if (tbs > 0 && u->drop_pusch > 0) {
        u->drop_pusch--;
        if (u->ack[s & (UE_ATTACH_ACK_SLOTS - 1)].slot == s) /* the HARQ-ACK it would carry is lost with it */
            u->ack[s & (UE_ATTACH_ACK_SLOTS - 1)].slot = -1;
        u->grants++;
        u->last_pusch_slot = s;
        fprintf(out, "uesim: PUSCH left out (--drop-pusch): ue=%d c-rnti=0x%04x slot=%d.%d harq=%u ndi=%u rv=%u%s\n",
                u->idx + 1, u->rnti, sfn_of(a, s), slot_of(a, s), d.harq_process, d.ndi, d.rv, what);
        return;
    }
    /* the codebook of s is complete: gnbd's k1 >= UE_ATTACH_LEAD = k2 and DL DCIs are handled first */
    struct ue_ack_codebook *c = &u->ack[s & (UE_ATTACH_ACK_SLOTS - 1)], cb = {.slot = -1};
    if (tbs > 0 && c->slot == s && c->n > 0 && u->rrc.beta_ack_index >= 0) {
        cb = *c;
        c->slot = -1;
        if (cb.n > 2) /* pusch.h: 1-2 bits; gnbd grants no PUSCH where the codebook has more */
            fprintf(out, "uesim: ERROR: ue=%d: %d HARQ-ACK bits due on the PUSCH of slot %d.%d (2 sent)\n",
                    u->idx + 1, cb.n, sfn_of(a, s), slot_of(a, s));
        gr.uci = (struct pusch_uci){.n_ack = cb.n > 2 ? 2 : cb.n, .beta_offset_index = u->rrc.beta_ack_index,
                                    .alpha = u->rrc.uci_alpha};
    }
    int64_t end = tbs > 0 ? send_pusch(a, u, s, &gr, &dc, h->tb, cb.bits) : -1;
    if (end < 0) {
        fprintf(out, "uesim: UL grant: ue=%d: PUSCH for slot %d.%d not sent\n", u->idx + 1, sfn_of(a, s),
                slot_of(a, s));
        return;
    }
    u->grants++;
    u->last_pusch_slot = s;
    note(a, end, "PUSCH sent: ue=%d c-rnti=0x%04x slot=%d.%d prb=%d+%d mcs=%d tbs=%d harq=%u ndi=%u rv=%u, MAC "
         "PDU%s + padding%s", u->idx + 1, u->rnti, sfn_of(a, s), slot_of(a, s), p.prb_start, p.nof_prb, p.mcs, tbs,
         d.harq_process, d.ndi, d.rv, what, cb.n > 0 ? "; HARQ-ACK on it" : "");
    if (cb.n > 0) note_acks(a, u, end, s, &cb, "on PUSCH");
    if (srb1_sent && rlc_am_tx_pending(&u->rlc) == 0)
        note(a, end, "RRCSetupComplete sent: ue=%d c-rnti=0x%04x (RLC SN %u, last part in slot %d.%d)", u->idx + 1,
             u->rnti, u->complete_sn, sfn_of(a, s), slot_of(a, s));
}

/* An RLC AM STATUS PDU (38.322 6.2.2.5): whether it acknowledges sn, and its ACK_SN. */
static bool status_acks(const struct ue_attach_ue *u, const uint8_t *p, size_t n, uint32_t sn, uint32_t *ack_sn)
{
    if (n < 3 || (p[0] & 0xF0) != 0) return false;   /* D/C = 0 (control), CPT = 000 (STATUS) */
    bool e1;
    if (u->rrc.rlc.sn_bits == 12) {
        *ack_sn = (uint32_t)(p[0] & 0x0F) << 8 | p[1];
        e1 = p[2] & 0x80;
    } else {
        *ack_sn = (uint32_t)(p[0] & 0x0F) << 14 | (uint32_t)p[1] << 6 | p[2] >> 2;
        e1 = p[2] & 0x02;
    }
    uint32_t mod = 1u << u->rrc.rlc.sn_bits;
    return !e1 && ((*ack_sn - sn) & (mod - 1)) > 0 && ((*ack_sn - sn) & (mod - 1)) < mod / 2;
}

/* Q_m of row mcs of table t, 0 for a bad row. */
static int qm_of(enum tbs_mcs_table t, int mcs)
{
    struct tbs_mcs row;
    return tbs_mcs_lookup(t, mcs, &row) < 0 ? 0 : row.qm;
}

/* A DL DCI of u's UE-specific search spaces as the fields of a 1_0: format 1_0 (SS#2: k1 = the field + 1, 38.213
 * 9.2.3; Table 5.1.3.1-1) or 1_1 (k1 = dl-DataToUL-ACK[field]; Table 5.1.3.1-2 with mcs-Table qam256, 38.214
 * 5.1.3.1; antenna ports row 3 only: port 1000 with two CDM groups without data, the DM-RS a 1_0 implies, 38.212
 * Table 7.3.1.2.2-1). Returns 0, or -EINVAL (neither, or a 1_1 this UE does not take). */
static int uss_dl_dci(const struct ue_attach *a, const struct ue_attach_ue *u, const struct pdcch_rx_result *res,
                      struct dci_1_0 *d, enum tbs_mcs_table *table, int *k1, bool *is_1_1)
{
    *table = TBS_MCS_TABLE_64QAM;
    *is_1_1 = false;
    if (u->rrc.uss_fallback && dci_1_0_unpack(res->dci, res->dci_len, DCI_RNTI_C, a->cfg.nof_prb, d) == 0) {
        *k1 = ue_mac_k1_dci_1_0((int)d->harq_feedback_timing);
        return 0;
    }
    struct dci_1_1 e;
    if (!u->rrc.has_dci_1_1 || dci_1_1_unpack(res->dci, res->dci_len, &u->rrc.dci_1_1, &e) < 0 ||
        e.antenna_ports != 3 || (int)e.harq_feedback_timing >= u->rrc.nof_k1 || e.dmrs_seq_init != 0)
        return -EINVAL;
    *d = (struct dci_1_0){.rnti_type = DCI_RNTI_C, .frequency_domain_assignment = e.frequency_domain_assignment,
                          .time_domain_assignment = e.time_domain_assignment, .mcs = e.mcs, .ndi = e.ndi,
                          .rv = e.rv, .harq_process = e.harq_process, .dai = e.dai, .tpc = e.tpc,
                          .pucch_resource = e.pucch_resource, .harq_feedback_timing = e.harq_feedback_timing};
    *k1 = u->rrc.k1[e.harq_feedback_timing];
    *table = u->rrc.qam256 ? TBS_MCS_TABLE_256QAM : TBS_MCS_TABLE_64QAM;
    *is_1_1 = true;
    return 0;
}

/* SRB1 / DRB downlink (DCI 1_0 or 1_1, C-RNTI): RLC AM, HARQ-ACK on resource PRI of set 0; TA commands. */
static void on_dl_data(struct ue_attach *a, struct ue_attach_ue *u, const struct grid *g,
                       const struct pdcch_rx_result *res, FILE *out)
{
    struct dci_1_0 d;
    struct dl_rx_result r;
    enum tbs_mcs_table table;
    int k1;
    bool is_1_1;
    if (uss_dl_dci(a, u, res, &d, &table, &k1, &is_1_1) < 0) {
        fprintf(out, "uesim: DL: ue=%d slot=%d.%d: a DCI of %d bits not usable\n", u->idx + 1, sfn_of(a, a->now),
                slot_of(a, a->now), res->dci_len);
        return;
    }
    int pid = (int)d.harq_process & 15;
    if ((int)d.pucch_resource >= u->rrc.nof_harq_res) {
        fprintf(out, "uesim: DL: ue=%d slot=%d.%d: grant not usable\n", u->idx + 1, sfn_of(a, a->now),
                slot_of(a, a->now));
        return;
    }
    int64_t s = a->now + k1;
    /* 38.321 5.3.2.2: the same NDI on a process whose TB decoded is a retransmission of it: ACK, not delivered */
    if (u->dl_last_ndi[pid] == (int8_t)d.ndi && u->dl_decoded[pid]) {
        harq_ack_due(u, s, 1, (int)d.pucch_resource, d.dai, "(a TB decoded before: harq=%d ndi=%u)", pid, d.ndi);
        return;
    }
    int tbs = dci_pdsch(a, u, g, &d, u->rnti, true, table, &r);
    if (tbs < 0) {
        fprintf(out, "uesim: DL: ue=%d slot=%d.%d: grant not usable\n", u->idx + 1, sfn_of(a, a->now),
                slot_of(a, a->now));
        return;
    }
    bool ok = r.crc_ok;
    if (ok && u->nack_pdsch > 0) {   /* as if the CRC had failed: the TB discarded, NACK */
        u->nack_pdsch--;
        ok = false;
        fprintf(out, "uesim: PDSCH NACKed (--nack-pdsch): ue=%d c-rnti=0x%04x slot=%d.%d harq=%d ndi=%u rv=%u\n",
                u->idx + 1, u->rnti, sfn_of(a, a->now), slot_of(a, a->now), pid, d.ndi, d.rv);
    }
    u->dl_last_ndi[pid] = (int8_t)d.ndi;
    u->dl_decoded[pid] = ok;
    harq_ack_due(u, s, ok ? 1 : 0, (int)d.pucch_resource, d.dai, "(PDSCH harq=%d ndi=%u rv=%u dci=%s mcs=%u %s Qm=%d)", pid,
                 d.ndi, d.rv, is_1_1 ? "1_1" : "1_0", d.mcs, table == TBS_MCS_TABLE_256QAM ? "qam256" : "qam64",
                 qm_of(table, (int)d.mcs));
    if (!ok) return;
    take_ta_command(a, u, r.tb, (size_t)tbs / 8, out);
    struct mac_pdu_rx pdu;
    if (mac_pdu_parse(MAC_DIR_DL, r.tb, (size_t)tbs / 8, &pdu, NULL) < 0) return;
    bool acked = false;
    uint32_t ack_sn = 0;
    for (int i = 0; i < pdu.n; i++) {
        const struct mac_subpdu *sp = &pdu.sub[i];
        struct ue_drb *x = NULL;
        for (int k = 0; k < UE_ATTACH_DRBS && !x; k++)
            if (u->drb[k].active && sp->lcid == u->drb[k].cfg.lcid) x = &u->drb[k];
        if (x) {
            ue_drb_rx_pdu(x, r.tb + sp->offset, sp->length, now_ms(a));
            continue;
        }
        if (sp->lcid != u->rrc.srb1_lcid) continue;
        acked |= status_acks(u, r.tb + sp->offset, sp->length, u->complete_sn, &ack_sn);
        rlc_am_push_pdu(&u->rlc, r.tb + sp->offset, sp->length, now_ms(a));
    }
    if (u->state == UE_ATT_UNTIL_RELEASE) {
        if (!u->release_seen) return;
        /* 38.331 5.3.8.3: the UE goes to RRC_IDLE; it sends nothing more (its HARQ-ACK above is lower layers'). */
        double ms = (double)(a->now_t - u->t_attached) * 1e3 / a->cfg.srate;
        fprintf(out, "uesim: RRCRelease received: ue=%d c-rnti=0x%04x slot=%d.%d transaction=%d, %.1f ms after the "
                "attach\n", u->idx + 1, u->rnti, sfn_of(a, a->now), slot_of(a, a->now), u->release_transaction, ms);
        finish(a, u, UE_ATTACH_OK, out, "attached as 0x%04x, RRCRelease %.1f ms later", u->rnti, ms);
        return;
    }
    if (!acked || rlc_am_tx_pending(&u->rlc) > 0) return;
    double ms = (double)(a->now_t - a->cell.t_found) * 1e3 / a->cfg.srate;
    double own = (double)(a->now_t - u->t_start) * 1e3 / a->cfg.srate;
    fprintf(out, "uesim: RRCSetupComplete acknowledged (RLC STATUS ACK_SN=%u): ue=%d c-rnti=0x%04x slot=%d.%d; "
            "attach time %.1f ms from cell found (%.1f ms from this UE's start, %d preamble%s, %d Msg3 "
            "transmission%s, %d grants, %d UL retransmissions, %d SRs, %d TA commands)\n", ack_sn, u->idx + 1,
            u->rnti, sfn_of(a, a->now), slot_of(a, a->now), ms, own, u->attempts, u->attempts == 1 ? "" : "s",
            u->msg3_tx, u->msg3_tx == 1 ? "" : "s", u->grants, u->ul_retx, u->srs, u->ta_commands);
    if (a->cfg.until_release_ms > 0) { /* step 6: stay connected until RRCRelease */
        u->state = UE_ATT_UNTIL_RELEASE;
        u->t_attached = a->now_t;
        u->deadline = a->now + (int64_t)a->cfg.until_release_ms * (1 << a->mu);
        return;
    }
    finish(a, u, UE_ATTACH_OK, out, "attached as 0x%04x in %.1f ms", u->rnti, own);
}

/* 38.321 5.4.4: an SR is pending from the RRCSetupComplete's arrival (a Regular BSR trigger) until a BSR goes out;
 * with no grant coming it is sent at each SR occasion not carrying an ACK. */
static void maybe_sr(struct ue_attach *a, struct ue_attach_ue *u)
{
    int64_t s = a->now + UE_ATTACH_LEAD;
    if (!u->rrc.has_sr || !u->sr_pending || ((s - u->rrc.sr_offset) % u->rrc.sr_period) != 0 ||
        u->last_pusch_slot >= a->now || u->busy_ul[s & 3] == s)
        return;
    /* TDD: PUCCH only in a wholly UL slot (38.213 11.1; the SR resource spans the slot). */
    if (a->ulc.tdd && s % a->ulc.tdd_period_slots < a->ulc.tdd_period_slots - a->ulc.tdd_ul_slots) return;
    int64_t end = send_pucch(a, u, s, &u->rrc.sr_res, 0);
    if (end < 0) return;
    u->srs++;
    note(a, end, "SR sent: ue=%d c-rnti=0x%04x slot=%d.%d (PUCCH PRB %d OCC %d)", u->idx + 1, u->rnti, sfn_of(a, s),
         slot_of(a, s), u->rrc.sr_res.start_prb, u->rrc.sr_res.time_domain_occ);
}

/* Timers and the preamble's departure. */
static void on_slot_ue(struct ue_attach *a, struct ue_attach_ue *u, FILE *out)
{
    /* the DRB's timers and echoes; 38.321 5.4.5: its UL data (an echo, a STATUS PDU) triggers a Regular BSR, and
     * an SR while no grant is coming */
    for (int k = 0; k < UE_ATTACH_DRBS; k++) {
        struct ue_drb *x = &u->drb[k];
        if (!x->active) continue;
        ue_drb_tick(x, now_ms(a));
        if (ue_drb_pending(x) > 0 && u->last_pusch_slot < a->now) u->sr_pending = true;
    }
    if (u->n_ta_from >= 0 && a->now >= u->n_ta_from) {
        u->n_ta = u->n_ta_next;
        u->n_ta_from = -1;
    }
    switch (u->state) {
    case UE_ATT_PRACH:
        if (a->prach->req[u->idx].sent > u->prach_seq) on_preamble(a, u, out);
        break;
    case UE_ATT_RAR:
        if (a->now > u->window_end) {
            char why[80];
            snprintf(why, sizeof why, "no RAR for preamble %d in the window", u->preamble.preamble);
            fprintf(out, "uesim: RA: ue=%d %s\n", u->idx + 1, why);
            ra_retry(a, u, false, out, why);
        }
        break;
    case UE_ATT_MSG4:
        if (a->now > u->deadline)
            ra_retry(a, u, true, out, "contention resolution failed (ra-ContentionResolutionTimer expired)");
        break;
    case UE_ATT_CONNECTED:
        if (a->now > u->deadline)
            finish(a, u, UE_ATTACH_FAILED, out, "RRCSetupComplete not acknowledged within %d ms",
                   UE_ATTACH_SETUP_TIMEOUT_MS);
        break;
    case UE_ATT_UNTIL_RELEASE:
        if (a->now > u->deadline)
            finish(a, u, UE_ATTACH_FAILED, out, "no RRCRelease within %d ms of the attach", a->cfg.until_release_ms);
        break;
    default:
        break;
    }
}

/* One DCI for u's RNTI, as its state reads it. With a TC-RNTI or C-RNTI DCI 1_0 has the format identifier 1,
 * DCI 0_0 has 0 (38.212 7.3.1.1.1, 7.3.1.2.1); with the RA-RNTI there is only DCI 1_0, without the identifier. */
static void on_dci(struct ue_attach *a, struct ue_attach_ue *u, const struct grid *g,
                   const struct pdcch_rx_result *res, FILE *out)
{
    bool dl = res->dci[0] == 1;
    switch (u->state) {
    case UE_ATT_RAR:
        on_rar(a, u, g, res, out);
        break;
    case UE_ATT_MSG4:
        if (dl)
            on_msg4(a, u, g, res, out);
        else
            on_msg3_retx(a, u, res, out);
        break;
    case UE_ATT_CONNECTED:
    case UE_ATT_UNTIL_RELEASE:
        if (dl)
            on_dl_data(a, u, g, res, out);
        else
            on_ul_grant(a, u, res, out);
        break;
    default:
        break;
    }
}

/* The DCIs in g for the UEs of the group (own: the one UE with its own receiver; else every UE on the shared
 * slot) that wait for an RNTI. */
static void search_group(struct ue_attach *a, const struct grid *g, int own, FILE *out)
{
    uint16_t want[UE_ATTACH_MAX_UES], rntis[UE_ATTACH_MAX_UES];
    int n = 0, lo = own >= 0 ? own : 0, hi = own >= 0 ? own + 1 : a->started;
    for (int i = lo; i < hi; i++) {
        want[i] = own >= 0 || !a->own_dl[i] || !a->cfg.dl_grid ? wanted_rnti(a, &a->ue[i]) : 0;
        bool dup = false;
        for (int k = 0; k < n; k++) dup |= rntis[k] == want[i];
        if (want[i] && !dup) rntis[n++] = want[i];
    }
    struct pdcch_rx_result res[UE_ATTACH_MAX_UES];
    int found = n > 0 && ss1_slot(a, a->now) ? search(a, g, rntis, n, res, UE_ATTACH_MAX_UES) : 0;
    for (int i = lo; i < hi; i++)
        for (int k = 0; k < found; k++)
            if (want[i] && res[k].rnti == want[i] && wanted_rnti(a, &a->ue[i]) == want[i])
                on_dci(a, &a->ue[i], g, &res[k], out);
    /* C-RNTI DCIs only where RRCSetup put them: each connected UE's SS#2 (at most a DL and a UL DCI) and SS#3 */
    for (int i = lo; i < hi; i++) {
        struct ue_attach_ue *u = &a->ue[i];
        if ((own < 0 && a->own_dl[i] && a->cfg.dl_grid) || !uss_rnti(a, u, a->now)) continue;
        int f = search_uss(a, u, g, res, 3);
        /* DL first: a PDSCH's HARQ-ACK due in the slot of the PUSCH a UL DCI of this slot grants goes on it */
        for (int dl = 1; dl >= 0; dl--)
            for (int k = 0; k < f; k++)
                if ((res[k].dci[0] == 1) == dl && uss_rnti(a, u, a->now) == res[k].rnti) on_dci(a, u, g, &res[k], out);
    }
}

void ue_attach_on_slot(struct ue_attach *a, int sfn, int slot, int64_t t, const struct grid *g, FILE *out)
{
    if (!a->armed) return;
    advance(a, sfn, slot, t);
    if (a->t_armed < 0) a->t_armed = t;
    for (int i = 0; a->cfg.concurrent && i < a->cfg.count; i++)
        if (!a->ue[i].a && (double)(t - a->t_armed) >= a->cfg.start_ms[i] * 1e-3 * a->cfg.srate)
            start_ue(a, &a->ue[i]);
    for (int i = 0; i < a->started; i++) on_slot_ue(a, &a->ue[i], out);
    if (g) {
        search_group(a, g, -1, out);
        for (int i = 0; i < a->started; i++)
            if (a->own_dl[i] && a->cfg.dl_grid && (wanted_rnti(a, &a->ue[i]) || uss_rnti(a, &a->ue[i], a->now)) &&
                a->cfg.dl_grid(a->cfg.dl_ctx, &a->dl_ch[i], &a->ue_grid) == 0)
                search_group(a, &a->ue_grid, i, out);
    }
    for (int i = 0; i < a->started; i++) flush_harq_acks(a, &a->ue[i]); /* every slot: UL-only ones too */
    for (int i = 0; i < a->started; i++)
        if (a->ue[i].state == UE_ATT_CONNECTED || a->ue[i].state == UE_ATT_UNTIL_RELEASE) maybe_sr(a, &a->ue[i]);
}

bool ue_attach_done(const struct ue_attach *a)
{
    return a->finished >= a->cfg.count;
}

int ue_attach_drb_setup(struct ue_attach *a, int idx, const struct ue_drb_config *c)
{
    if (idx < 0 || idx >= UE_ATTACH_MAX_UES || !a->ue[idx].a || a->ue[idx].rnti == 0) return -EINVAL;
    struct ue_attach_ue *u = &a->ue[idx];
    if (c->lcid == u->rrc.srb1_lcid) return -EINVAL;
    struct ue_drb *x = NULL, *free_x = NULL;
    for (int k = 0; k < UE_ATTACH_DRBS; k++) {
        struct ue_drb *y = &u->drb[k];
        if (!y->active) {
            if (!free_x) free_x = y;
        } else if (y->cfg.drb_id == c->drb_id) {
            x = y; /* modified: set up again */
        } else if (y->cfg.lcid == c->lcid) {
            return -EBUSY;
        }
    }
    if (!x) x = free_x;
    return x ? ue_drb_setup(x, c, a->cfg.echo_dl_data) : -ENOSPC;
}
