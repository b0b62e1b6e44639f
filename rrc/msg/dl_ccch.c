/* DL-CCCH-Message: RRCSetup and RRCReject (38.331 6.2.1, 6.2.2); see dl_ccch.h. */
#include "rrc/msg/dl_ccch.h"

#include <errno.h>

/* criticalExtensions CHOICE { <the IEs>, criticalExtensionsFuture SEQUENCE {} }: only the IEs are modelled. */
static bool critical_extensions(struct per *p)
{
    int alt = 0;
    per_choice(p, &alt, 2, false);
    if (alt != 0) per_fail(p, -ENOTSUP);
    return !per_error(p);
}

static void rrc_setup_codec(struct per *p, struct rrc_setup *v)
{
    per_int(p, &v->transaction_id, 0, 3);
    if (!critical_extensions(p)) return;
    per_opt_none(p); /* lateNonCriticalExtension */
    per_opt_none(p); /* nonCriticalExtension */
    rrc_radio_bearer_config_codec(p, &v->radio_bearer_config);
    uint8_t scratch[RRC_CELL_GROUP_MAX_BYTES]; /* masterCellGroup OCTET STRING (CONTAINING CellGroupConfig) */
    struct per_nested n;
    struct per *cg = per_nested_begin(p, &n, scratch, sizeof scratch);
    rrc_cell_group_config_codec(cg, &v->master_cell_group);
    per_nested_end(p, &n);
}

static void rrc_reject_codec(struct per *p, struct rrc_reject *v)
{
    if (!critical_extensions(p)) return;
    per_opt(p, &v->has_wait_time);
    per_opt_none(p); /* lateNonCriticalExtension */
    per_opt_none(p); /* nonCriticalExtension */
    if (v->has_wait_time) per_int(p, &v->wait_time, 1, 16);
}

/* DL-CCCH-Message ::= SEQUENCE { message CHOICE { c1 CHOICE { rrcReject, rrcSetup, spare2, spare1 },
 * messageClassExtension } } */
static void dl_ccch_codec(struct per *p, void *msg)
{
    struct rrc_dl_ccch_msg *v = msg;
    int message = 0, c1 = (int)v->type;
    per_choice(p, &message, 2, false);
    if (message == 0) per_choice(p, &c1, 4, false);
    if (!per_error(p) && (message != 0 || c1 > RRC_DL_CCCH_SETUP)) per_fail(p, -ENOTSUP);
    if (per_error(p)) return;
    v->type = (enum rrc_dl_ccch_type)c1;
    if (v->type == RRC_DL_CCCH_SETUP)
        rrc_setup_codec(p, &v->setup);
    else
        rrc_reject_codec(p, &v->reject);
}

int rrc_dl_ccch_encode(const struct rrc_dl_ccch_msg *msg, uint8_t *buf, size_t cap, size_t *len)
{
    return per_encode_message(dl_ccch_codec, msg, buf, cap, len);
}

int rrc_dl_ccch_decode(const uint8_t *buf, size_t len, struct rrc_dl_ccch_msg *msg)
{
    return per_decode_message(dl_ccch_codec, msg, sizeof *msg, buf, len);
}
