/* Common-channel DL scheduling: SS/PBCH blocks and the MIB. */
#include "mac/sched_common.h"

#include <errno.h>
#include <string.h>

int sched_common_init(struct sched_common *s, const struct sched_common_config *cfg)
{
    if (cfg->scs_khz != 15 && cfg->scs_khz != 30) return -EINVAL;
    s->cfg = *cfg;
    s->slots_per_frame = 10 * cfg->scs_khz / 15;
    return 0;
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
        return mib_pack_bits(&m, req->mib);
    }
    return 0;
}
