/* Configuration check of the UL probe test mode (mac/ul_probe.h) against the cell: PRBs inside the carrier and
 * apart from each other and from the PRACH, probe slots wholly UL in TDD, and, for every cell, that the PRACH
 * configuration index has a valid occasion in the TDD pattern (38.213 8.1). Reported like every config error.
 *
 * Threading: main thread at start (config time).
 */
#ifndef GNBD_UL_PROBE_CONFIG_H
#define GNBD_UL_PROBE_CONFIG_H

#include <stdio.h>

#include "gnb/config.h"
#include "mac/slot_pattern.h"
#include "phy/geometry/cell_geometry.h"

/* The cell's DL/UL symbol pattern (FDD, or the cell.tdd pattern). Returns 0 or -EINVAL. */
int config_slot_pattern(const struct gnbd_config *cfg, const struct cell_geometry *g, struct slot_pattern *sp);

/* The PRBs the cell's PRACH occupies (msg1-FrequencyStart .. + N_RB^RA - 1). Returns 0 or -EINVAL. */
int config_prach_prbs(const struct gnbd_config *cfg, const struct cell_geometry *g, int *first, int *last);

/* The probe's PUCCH PRB (pucch_prb, or the carrier's last for -1). */
int ul_probe_pucch_prb(const struct ul_probe_config *p, int nof_prb);

/* Returns the number of errors written to err (config_report lines). */
int ul_probe_config_check(const struct gnbd_config *cfg, const struct cell_geometry *g, FILE *err);

#endif
