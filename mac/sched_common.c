/* Common-channel DL scheduling: SS/PBCH blocks with the MIB, then SIB1. */
#include "mac/sched_common.h"

#include <errno.h>
#include <string.h>

int sched_common_init(struct sched_common *s, const struct sched_common_config *cfg)
{
    if (cfg->scs_khz != 15 && cfg->scs_khz != 30) return -EINVAL;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->slots_per_frame = 10 * cfg->scs_khz / 15;
    if (cfg->sib1) {
        const struct sched_sib1_plan *p = &cfg->sib1_plan;
        if (p->dci_len < 1 || p->dci_len > DL_DCI_MAX_BITS || p->slot < 0 || p->slot >= s->slots_per_frame)
            return -EINVAL;
        /* 38.211 7.3.2.3: in a common search space n_RNTI = 0 and n_ID = N_ID^cell for the scrambling. */
        s->sib1_pdcch = (struct dl_pdcch){.coreset = p->coreset, .rnti = SCHED_SI_RNTI, .n_id = p->grant.n_id,
                                          .n_rnti = 0, .al = p->al, .first_cce = p->first_cce,
                                          .dci_len = p->dci_len};
        memcpy(s->sib1_pdcch.dci, p->dci_bits, (size_t)p->dci_len);
    }
    return 0;
}

/* SIB1 after the SSB: its plan already keeps both channels off every SSB RE. */
static void schedule_sib1(const struct sched_common *s, struct dl_slot_request *req)
{
    if (!s->cfg.sib1 || !sched_sib1_due(&s->cfg.sib1_plan, req->sfn, req->slot_in_frame)) return;
    req->pdcch[req->n_pdcch++] = s->sib1_pdcch;
    struct dl_pdsch *d = &req->pdsch[req->n_pdsch++];
    d->grant = s->cfg.sib1_plan.grant;
    d->grant.slot = req->slot_in_frame;
    d->codeword = PHY_DL_CW_SIB1;
}

int sched_common_dl_slot(const struct sched_common *s, uint64_t slot, struct dl_slot_request *req)
{
    memset(req, 0, sizeof *req);
    req->slot = slot;
    req->sfn = (int)((slot / (uint64_t)s->slots_per_frame) % 1024);
    req->slot_in_frame = (int)(slot % (uint64_t)s->slots_per_frame);
    /* SSB slots are counted in the SSB SCS; with SSB SCS = carrier SCS (all we configure) they coincide. */
    int n = ssb_slot_symbols(&s->cfg.burst, req->sfn, req->slot_in_frame, req->ssb);
    if (n < 0) return n;
    req->n_ssb = n;
    if (n > 0) {
        struct mib m = s->cfg.mib;
        m.sfn = req->sfn;
        int rc = mib_pack_bits(&m, req->mib);
        if (rc < 0) return rc;
    }
    schedule_sib1(s, req);
    return 0;
}

void sched_common_ssb_rbs(const struct sched_common *s, const struct dl_slot_request *req, int nof_prb, int *lo,
                          int *hi, unsigned *symbols)
{
    *symbols = 0;
    for (int i = 0; i < req->n_ssb; i++) *symbols |= 0xFu << req->ssb[i].first_symbol; /* 4 symbols per block */
    *symbols &= 0x3FFFu;
    *lo = 0;
    *hi = nof_prb - 1;
    if (s->cfg.ssb_first_subcarrier >= 0) sched_ssb_crbs(s->cfg.ssb_first_subcarrier, lo, hi);
}
