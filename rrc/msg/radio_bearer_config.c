/* RadioBearerConfig (38.331 6.3.2); see radio_bearer_config.h. */
#include "rrc/msg/radio_bearer_config.h"

void rrc_radio_bearer_config_codec(struct per *p, struct rrc_radio_bearer_config *v)
{
    bool ext = false, has_srb = v->nof_srb > 0;
    per_ext(p, &ext);
    per_opt(p, &has_srb);
    per_opt(p, &v->srb3_to_release);
    per_opt_none(p); /* drb-ToAddModList */
    per_opt_none(p); /* drb-ToReleaseList */
    per_opt_none(p); /* securityConfig */
    if (has_srb) {
        per_size(p, &v->nof_srb, 1, 2, 2);
        for (int i = 0; i < v->nof_srb; i++) {
            struct rrc_srb_to_add_mod *s = &v->srb[i];
            bool sext = false;
            per_ext(p, &sext);
            per_opt(p, &s->reestablish_pdcp);
            per_opt(p, &s->discard_on_pdcp);
            per_opt_none(p); /* pdcp-Config */
            per_int(p, &s->srb_id, 1, 3);
            per_ext_skip(p, sext);
        }
    }
    per_ext_skip(p, ext);
}
