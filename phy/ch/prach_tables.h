/* Internal to phy/ch/prach_config.c: the large 38.211 PRACH tables, kept in prach_tables.c. */
#ifndef GNBD_PHY_CH_PRACH_TABLES_H
#define GNBD_PHY_CH_PRACH_TABLES_H

#include <stdint.h>

#include "phy/ch/prach_config.h"

extern const uint16_t prach_root_839[PRACH_L_LONG - 1];
extern const struct prach_config_row prach_config_fr1_paired[PRACH_CONFIG_ROWS_PAIRED];
extern const struct prach_config_row prach_config_fr1_unpaired[PRACH_CONFIG_ROWS_UNPAIRED];

#endif
