/* UL-CCCH-Message with RRCSetupRequest (38.331 6.2.1, 6.2.2); see ul_ccch.h. */
#include "rrc/msg/ul_ccch.h"

#include <errno.h>

#include "asn1/per.h"

static void setup_request_codec(struct per *p, struct rrc_setup_request *v)
{
    int alt = v->ue_identity_is_tmsi_part1 ? 0 : 1; /* InitialUE-Identity CHOICE { ng-5G-S-TMSI-Part1, randomValue } */
    per_choice(p, &alt, 2, false);
    v->ue_identity_is_tmsi_part1 = alt == 0;
    per_bits(p, &v->ue_identity, 39);
    per_enum(p, &v->establishment_cause, 16, false);
    uint64_t spare = (uint64_t)v->spare;
    per_bits(p, &spare, 1);
    v->spare = (int)spare;
}

/* UL-CCCH-Message ::= SEQUENCE { message CHOICE { c1 CHOICE { rrcSetupRequest, rrcResumeRequest,
 * rrcReestablishmentRequest, rrcSystemInfoRequest }, messageClassExtension SEQUENCE {} } } */
static void ul_ccch_codec(struct per *p, void *m)
{
    struct rrc_ul_ccch_msg *v = m;
    int message = v->type == RRC_UL_CCCH_CLASS_EXTENSION, c1 = (int)v->type;
    per_choice(p, &message, 2, false);
    if (message == 0) per_choice(p, &c1, 4, false);
    if (per_error(p)) return;
    v->type = message ? RRC_UL_CCCH_CLASS_EXTENSION : (enum rrc_ul_ccch_type)c1;
    if (v->type != RRC_UL_CCCH_SETUP_REQUEST) {
        per_fail(p, -ENOTSUP);
        return;
    }
    setup_request_codec(p, &v->setup_request);
}

int rrc_ul_ccch_decode(const uint8_t *buf, size_t len, struct rrc_ul_ccch_msg *msg)
{
    return per_decode_message(ul_ccch_codec, msg, sizeof *msg, buf, len);
}

int rrc_ul_ccch_encode_setup_request(const struct rrc_setup_request *req, uint8_t *buf, size_t cap, size_t *len)
{
    struct rrc_ul_ccch_msg msg = {.type = RRC_UL_CCCH_SETUP_REQUEST, .setup_request = *req};
    return per_encode_message(ul_ccch_codec, &msg, buf, cap, len);
}
