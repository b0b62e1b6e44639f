/* The one place that turns a validated struct cell_config into the cell geometry. */
#include "gnb/config.h"
#include "phy/geometry/cell_geometry.h"

int config_cell_geometry(const struct gnbd_config *cfg, struct cell_geometry *g)
{
    const struct cell_config *c = &cfg->cell;
    struct cell_geometry_input in = {
        .band = c->band,
        .dl_arfcn = c->dl_arfcn,
        .ssb_arfcn = c->ssb_arfcn,
        .scs_khz = c->scs_khz,
        .bandwidth_mhz = c->bandwidth_mhz,
        .coreset0_index = c->coreset0_index,
        .searchspace0_index = c->searchspace0_index,
        .dmrs_type_a_position = c->dmrs_type_a_position,
        .srsue_compatible = c->srsue_compatible,
    };
    return cell_geometry_derive(&in, g, NULL) < 0 ? -1 : 0;
}
