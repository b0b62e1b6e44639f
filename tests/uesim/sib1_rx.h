/* UE-side SIB1 acquisition for the UE simulator, from a demodulated slot grid to the decoded SIB1.
 *
 * After the MIB a UE knows CORESET#0 and searchSpaceZero only as indices, plus where it found the SS/PBCH block.
 * sib1_rx_set_cell() turns them into places, as 38.213 13 defines them:
 *   - CORESET#0 (Tables 13-1..13-6 for {SSB SCS, PDCCH SCS}): N_RB^CORESET, N_symb^CORESET and the offset, in RBs,
 *     from CORESET#0's lowest RB to the common RB that overlaps the block's first RB; that RB is k_SSB
 *     (38.211 7.4.3.1, in 15 kHz subcarriers, from the MIB and the PBCH payload) below the block's subcarrier 0.
 *   - the Type0-PDCCH occasions (Table 13-11): slots n0 and n0 + 1 of the frames with the formula's SFN parity,
 *     from the first symbol the row gives.
 * sib1_rx_slot() then works one occasion: blind decoding of DCI 1_0 with CRC scrambled by SI-RNTI over the SS#0
 * candidates (38.213 10.1, Table 10.1-1: AL 4, 8, 16 with 4, 2, 1 candidates, Y = 0; phy/ch/pdcch), DCI unpacking
 * (38.212 7.3.1.2.1), the PDSCH grant as a UE derives it (38.214 5.1.2.2.2 RIV over CORESET#0's size counted from
 * its lowest RB; 5.1.2.1.1 default TDRA table A with the MIB's dmrs-TypeA-Position, pattern 1; 5.1.6.2 DM-RS for
 * DCI 1_0 with its sequence referenced to CORESET#0's lowest RB, 38.211 7.4.1.1.2; 5.1.3 TBS from the 64QAM MCS
 * table, Q_m <= 2 for SI-RNTI), and the PDSCH + DL-SCH chain of dl_rx.h. SIB1 repeats unchanged within its 160 ms
 * period (38.331 5.2.1), so the repetitions of one period are soft-combined until one decodes. The TB is then read
 * as a BCCH-DL-SCH-Message (rrc/msg/bcch_dl_sch.h).
 *
 * Grids: 14 symbols x 12 N_RB subcarriers of the carrier, subcarrier 0 its lowest (the carrier starts at a common
 * RB boundary, as gnbd's and srsUE's do). Threading: one object per thread; sib1_rx_slot allocates nothing.
 */
#ifndef GNBD_UESIM_SIB1_RX_H
#define GNBD_UESIM_SIB1_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/dci.h"
#include "phy/ch/pdcch.h"
#include "phy/geometry/cell_geometry.h"
#include "phy/grid/grid.h"
#include "rrc/mib.h"
#include "rrc/msg/bcch_dl_sch.h"
#include "tests/uesim/dl_rx.h"

#define SIB1_RX_SI_RNTI 0xFFFF      /* 38.321 Table 7.1-1 */
#define SIB1_RX_MAX_TBS 4096        /* a SIB1 (at most 2976 bits, 38.331 5.2.1) plus padding to its TBS */

struct sib1_rx_config {
    int nof_prb;                    /* the receiver's carrier grid */
    enum ldpc_decoder_impl impl;
};

/* What the UE knows when it turns to SIB1: the block it found and the MIB it carried. */
struct sib1_rx_cell {
    int pci;
    int scs_khz;                    /* SSB SCS = the grid's SCS: 15 or 30 */
    int ssb_first_sc;               /* grid subcarrier of the block's subcarrier 0 */
    int ssb_index;
    int k_ssb;                      /* 38.211 7.4.3.1, 15 kHz subcarriers */
    bool tables_40mhz;              /* the band's minimum bandwidth is 40 MHz: 38.213 Tables 13-5 / 13-6 */
    struct mib mib;                 /* subCarrierSpacingCommon, controlResourceSetZero, searchSpaceZero, DM-RS */
};

/* One Type0-PDCCH occasion looked at. */
struct sib1_rx_event {
    int sfn, slot;
    bool pdcch_found;               /* an SI-RNTI DCI 1_0 for SIB1 decoded in SS#0 */
    int al, first_cce;
    struct dci_1_0 dci;
    int mcs, rb_start, nof_rb, tbs, combined;
    float snr_db;
    bool crc_ok;                    /* TB CRC of the PDSCH */
    int rrc_rc;                     /* rrc_bcch_dl_sch_decode() result when crc_ok, else -ENODATA */
    struct rrc_sib1 sib1;           /* valid when crc_ok && rrc_rc == 0 */
};

struct sib1_rx {
    struct sib1_rx_config cfg;
    bool armed;                     /* sib1_rx_set_cell succeeded */
    struct sib1_rx_cell cell;
    struct coreset0_row row;
    int coreset0_crb;               /* lowest RB of CORESET#0 in the grid */
    struct type0_ss_row ss0;
    struct type0_occasion occ;
    int slots_per_frame;
    struct pdcch_coreset cs;
    struct pdcch_rx pdcch;
    struct dl_rx dl;
    int period;                     /* 160 ms SIB1 period of the soft buffer's content, -1 when none */
    /* what was seen */
    uint64_t occasions, pdcch_found, crc_ok, crc_failed, decoded;
};

int sib1_rx_init(struct sib1_rx *s, const struct sib1_rx_config *cfg);
void sib1_rx_free(struct sib1_rx *s);

/* Places CORESET#0 and the Type0-PDCCH occasions of `cell`. Returns 0, or -EINVAL with the reason in why
 * (a reserved row, an SCS pair without a table, CORESET#0 outside the grid or off its RB boundaries). */
int sib1_rx_set_cell(struct sib1_rx *s, const struct sib1_rx_cell *cell, char *why, size_t why_len);

/* True when slot `slot` of frame `sfn` is a Type0-PDCCH occasion of the cell's block (38.213 13). */
bool sib1_rx_monitors(const struct sib1_rx *s, int sfn, int slot);

/* Blind SS#0 search of grid g (slot `slot` of its frame) for the SI-RNTI. Returns 1 with res and the unpacked
 * DCI d when found, 0 when not, -EINVAL. */
int sib1_rx_search(struct sib1_rx *s, const struct grid *g, int slot, struct pdcch_rx_result *res,
                   struct dci_1_0 *d);

/* The PDSCH a SIB1 DCI schedules in slot `slot` (k0 = 0), and its DL-SCH coding. Returns 0 or -EINVAL (an RIV
 * outside CORESET#0, a TDRA row or MCS an SI-RNTI PDSCH cannot have). */
int sib1_rx_grant(const struct sib1_rx *s, const struct dci_1_0 *d, int slot, struct pdsch_grant *gr,
                  struct dlsch_cfg *dc);

/* One occasion: search, grant, PDSCH, DL-SCH, BCCH-DL-SCH into ev (counted in s). Returns 0 or -EINVAL. */
int sib1_rx_slot(struct sib1_rx *s, const struct grid *g, int sfn, int slot, struct sib1_rx_event *ev);

#endif
