/* The cell geometry of a validated configuration (one call site for the daemon's stages). */
#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "phy/geometry/cell_geometry.h"

int config_cell_geometry(const struct gnbd_config *cfg, struct cell_geometry *g)
{
    struct cell_geometry_input in;
    config_geometry_input(&cfg->cell, &in);
    return cell_geometry_derive(&in, g, NULL) < 0 ? -1 : 0;
}
