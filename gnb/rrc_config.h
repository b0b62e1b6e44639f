/* RRC adapter for the configuration: the SIB1 gnbd broadcasts, built from the validated config and the cell
 * geometry (rrc/sib1_builder.h keeps rrc/ independent of gnb/; this is the one mapping of config keys to it),
 * and its printout for `gnbd --check-config` (decoded fields, hex and size, as "# " comment lines so that the
 * printed configuration still loads).
 *
 * Threading: main thread at start (config time), like config_load(); the results are plain data.
 */
#ifndef GNBD_RRC_CONFIG_H
#define GNBD_RRC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gnb/config.h"
#include "mac/pdcch_alloc.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "rrc/sib1_builder.h"

/* The SIB1 cell description of a validated configuration. Returns 0, or -1 when the cell geometry cannot be
 * derived (config_load() has reported why). */
int rrc_config_sib1_desc(const struct gnbd_config *cfg, struct sib1_cell_desc *d);

/* The RRCSetup description of a validated configuration (rrc/msg/rrc_setup_builder.h). Returns 0 or -1. */
int rrc_config_setup_desc(const struct gnbd_config *cfg, struct rrc_setup_cell_desc *d);

/* Builds and encodes the SIB1 (BCCH-DL-SCH-Message) into buf[cap]. Returns 0, or a negative errno code. */
/* SS#2 on CORESET#1 as the RRCSetups of this configuration declare them, for the MAC's PDCCH allocator. Returns 0
 * or -EINVAL (a CORESET#1 that is not one run of 6-RB groups, a search space the allocator cannot use). */
int rrc_config_uss(const struct gnbd_config *cfg, struct pdcch_alloc_ss *ss);

/* The DCI 1_1 and 0_1 sizings UEs derive from this configuration's RRCSetup (rrc_serving_cell_dci_1_1 / _0_1),
 * for the MAC, and the DCI sizes a UE then monitors (rrc_dci_budget: CORESET#0 from the cell geometry). Returns 0;
 * -E2BIG when they break 38.212 7.3.1.0's budget (b says which sizes); another negative errno when the RRCSetup
 * cannot be built or sized. */
int rrc_config_dci(const struct gnbd_config *cfg, struct dci_1_1_config *c11, struct dci_0_1_config *c01,
                   struct rrc_dci_budget *b);

int rrc_config_sib1(const struct gnbd_config *cfg, struct rrc_sib1 *sib1, uint8_t *buf, size_t cap, size_t *len);

/* Prints the SIB1 the configuration makes, decoded back from its bytes, then its hex and size. */
void rrc_config_print_sib1(const struct gnbd_config *cfg, FILE *out);

#endif
