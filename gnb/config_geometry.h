/* Cell-geometry adapter for the configuration: the geometry cross-checks and derived-value printing that
 * config_load() / config_print() run through config_set_geometry_hook() (gnb/config.h).
 *
 * The checks are those of phy/geometry/cell_geometry.h (38.101-1 channel raster and band edges, 38.104 5.4.3
 * synchronization raster, 38.211 4.4.4.2 / 7.4.3.1 SS/PBCH block placement, 38.213 13 CORESET#0 and
 * searchSpaceZero rows), one line per error: "<file>: cell.<key>: <message> (allowed: ...)".
 *
 * Threading: main thread, before anything starts (like config_load()).
 */
#ifndef GNBD_CONFIG_GEOMETRY_H
#define GNBD_CONFIG_GEOMETRY_H

#include <stdio.h>

#include "gnb/config.h"
#include "phy/geometry/cell_geometry.h"

/* Installs the hook; call once at start, before config_load(). */
void config_geometry_register(void);

/* The geometry input of a cell configuration (the one mapping of config keys to geometry inputs). */
void config_geometry_input(const struct cell_config *cell, struct cell_geometry_input *in);

/* The hook's functions: error lines to `err` (returns their number); derived values as "# " comment lines. */
int config_geometry_check(const struct gnbd_config *cfg, FILE *err);
void config_geometry_print(const struct gnbd_config *cfg, FILE *out);

#endif
