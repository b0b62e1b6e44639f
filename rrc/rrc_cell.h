/* The cell's RRC procedures, one call per message (38.331 5.3.3 RRC connection establishment).
 *
 * UL-CCCH: an RRCSetupRequest (decoded by rrc/msg/ul_ccch) is answered with an RRCSetup (rrc/msg/
 * rrc_setup_builder: SRB1 and the master cell group, transaction 0) while fewer than max_ues UEs are set up,
 * with the UE's own PUCCH resources (chosen by the MAC), else (max_ues reached, or the MAC has no resources
 * left) with an RRCReject carrying waitTime; a message that does not decode is counted and dropped (no answer).
 * The answer is a DL-CCCH message for the MAC to send as Msg4. UL-DCCH (RRCSetupComplete on SRB1 after PDCP)
 * comes with the SRB1 path.
 *
 * Time is not read here (no timers yet). Threading: one struct rrc_cell, used by the RRC stage only; it holds
 * its message scratch space (allocated at init), nothing allocates afterwards.
 */
#ifndef GNBD_RRC_RRC_CELL_H
#define GNBD_RRC_RRC_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "rrc/msg/ul_ccch.h"

struct rrc_cell_config {
    struct rrc_setup_cell_desc setup;
    int max_ues;                     /* RRCReject beyond this many set-up UEs */
    int reject_wait_time_s;          /* waitTime of the RRCReject, 1..16 */
};

enum rrc_cell_event { RRC_EV_NONE, RRC_EV_SETUP, RRC_EV_REJECT, RRC_EV_BAD_MESSAGE, RRC_EV_UNSUPPORTED };

struct rrc_cell_stats {
    uint64_t setup_requests, setups, rejects, bad_messages, unsupported;
};

struct rrc_cell {
    struct rrc_cell_config cfg;
    int nof_ues;
    struct rrc_dl_ccch_msg *dl;      /* scratch: large */
    struct rrc_ul_ccch_msg ul;
    struct rrc_cell_stats stats;
};

int rrc_cell_init(struct rrc_cell *c, const struct rrc_cell_config *cfg);
void rrc_cell_free(struct rrc_cell *c);

/* A UL-CCCH SDU from the UE with (temporary) RNTI rnti, for which the MAC set aside the dedicated PUCCH
 * resources *res (NULL: the MAC has none left, so an RRCSetupRequest gets RRCReject). Writes the DL-CCCH answer
 * into out[cap] and its length into *out_len (0 when there is none) and returns what happened (enum
 * rrc_cell_event); *ul gets the decoded message when there was one. */
enum rrc_cell_event rrc_cell_ul_ccch(struct rrc_cell *c, uint16_t rnti, const uint8_t *sdu, size_t len,
                                     const struct rrc_setup_ue_pucch *res, uint8_t *out, size_t cap, size_t *out_len,
                                     const struct rrc_ul_ccch_msg **ul);

#endif
