/* The downlink PHY processor: one DL slot request from the MAC in, one slot of baseband samples out.
 *
 * For each slot it clears the resource grid, places what the request lists (SS/PBCH blocks now: 38.211 7.4.3;
 * PDCCH and PDSCH come with the SIB1 issue), and OFDM-modulates the slot with the 38.211 5.4 up-conversion phase
 * term for the DL carrier centre (phy/ofdm). Workspaces are sized at phy_dl_init; phy_dl_process never allocates.
 *
 * Threading: one struct phy_dl per thread (the PHY DL stage); the request is plain data.
 */
#ifndef GNBD_PHY_DL_H
#define GNBD_PHY_DL_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/ch/ssb.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "phy/types.h"

/* What the MAC asks the PHY to send in one DL slot. */
struct dl_slot_request {
    uint64_t slot;                  /* slot index within the stream epoch */
    int sfn;                        /* 0..1023 */
    int slot_in_frame;
    int n_ssb;                      /* SS/PBCH blocks starting in this slot */
    struct ssb_occasion ssb[SSB_MAX_PER_SLOT];
    uint8_t mib[PBCH_MIB_BITS];     /* BCH bits for this frame (38.212 7.1.1 a-bar) */
};

struct phy_dl_config {
    int pci;
    int nof_prb;
    int scs_khz;
    double sample_rate_hz;
    double f0_hz;                   /* DL carrier centre for the 38.211 5.4 phase term */
    int ssb_first_subcarrier;       /* carrier subcarrier of SSB subcarrier 0 (from the cell geometry) */
    int ssb_l_max;
    int k_ssb;
    /* Fault injection for receiver tests (never in service): scramble the PBCH for another cell ID
     * ((pci + 4) mod 1008: same DM-RS and PBCH RE positions, wrong 38.211 7.3.3.1 and 38.212 7.1.2 c_init). */
    bool fault_pbch_scrambling;
};

struct phy_dl {
    struct phy_dl_config cfg;
    struct ofdm ofdm;
    struct ssb ssb;
    struct ssb ssb_fault;           /* only with cfg.fault_pbch_scrambling */
    struct grid grid;
    int slots_per_subframe;
};

int phy_dl_init(struct phy_dl *d, const struct phy_dl_config *cfg);
void phy_dl_free(struct phy_dl *d);
/* Samples per slot this processor produces. */
int phy_dl_slot_samples(const struct phy_dl *d);
/* Build and modulate one slot into out (phy_dl_slot_samples() samples). Returns 0 or -EINVAL. */
int phy_dl_process(struct phy_dl *d, const struct dl_slot_request *req, cf_t *out);

#endif
