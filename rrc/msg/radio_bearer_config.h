/* RadioBearerConfig (38.331 6.3.2): the signalling radio bearers a UE is given in RRCSetup (SRB1) and later in
 * RRCReconfiguration. Modelled now: srb-ToAddModList (SRB-ToAddMod without pdcp-Config: srsUE accepts only the
 * default SRB configuration, docs/SRSUE.md §4.1) and srb3-ToRelease. DRBs, PDCP-Config and
 * securityConfig come with the reconfiguration issue (encoded absent until then; -ENOTSUP when decoded).
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_RADIO_BEARER_CONFIG_H
#define GNBD_RRC_MSG_RADIO_BEARER_CONFIG_H

#include <stdbool.h>

#include "asn1/per.h"

struct rrc_srb_to_add_mod {
    int srb_id;                  /* SRB-Identity 1..3 */
    bool reestablish_pdcp;       /* ENUMERATED {true} OPTIONAL */
    bool discard_on_pdcp;
};

struct rrc_radio_bearer_config {
    int nof_srb;                 /* srb-ToAddModList SIZE (1..2), 0 = absent */
    struct rrc_srb_to_add_mod srb[2];
    bool srb3_to_release;
};

void rrc_radio_bearer_config_codec(struct per *p, struct rrc_radio_bearer_config *v);

#endif
