/* UE-side SIB1 acquisition for the UE simulator: after the MIB, the UE knows CORESET#0 and searchSpaceZero
 * (controlResourceSetZero / searchSpaceZero, 38.213 13), the SSB position it found and the frame timing. For every
 * slot that is a Type0-PDCCH occasion of its SSB (38.213 13, Table 13-11) it demodulates the slot, blind-decodes
 * the SI-RNTI DCI 1_0 in SS#0 (AL 4 and 8, as srsUE), derives the PDSCH grant as a UE does (RIV over CORESET#0's
 * bandwidth counted from its lowest RB, default TDRA table A with the MIB's dmrs-TypeA-Position, DM-RS per
 * DCI 1_0 with the CORESET#0 reference point, TBS from the qam64 MCS table), equalises and demaps the PDSCH,
 * de-rate-matches into a HARQ soft buffer, LDPC-decodes, checks the CRCs and decodes the BCCH-DL-SCH message.
 *
 * The geometry a UE needs comes from cell_geometry_derive() fed only with what srsUE knows (band, DL and SSB
 * NR-ARFCN, N_RB, 15 kHz) and the MIB's fields. No CFO correction: the ZeroMQ link has none.
 * Threading: one object per thread; sib1_rx_push allocates nothing.
 */
#ifndef GNBD_UESIM_SIB1_RX_H
#define GNBD_UESIM_SIB1_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/pdcch.h"
#include "phy/ch/pdsch.h"
#include "phy/fec/ldpc_decoder.h"
#include "phy/geometry/bands.h"
#include "phy/geometry/cell_geometry.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "rrc/mib.h"
#include "rrc/msg/bcch_dl_sch.h"

struct sib1_rx_config {
    double sample_rate_hz;
    int nof_prb, band, dl_arfcn, ssb_arfcn;
};

/* One Type0-PDCCH occasion looked at. */
struct sib1_rx_event {
    int sfn, slot;
    bool pdcch_found;        /* an SI-RNTI DCI 1_0 decoded in SS#0 */
    int al, mcs, rb_start, nof_rb, tbs, iterations;
    bool crc_ok;             /* TB CRC of the PDSCH */
    int rrc_rc;              /* rrc_bcch_dl_sch_decode() result when crc_ok */
    struct rrc_sib1 sib1;    /* valid when crc_ok && rrc_rc == 0 */
};

struct sib1_rx {
    struct sib1_rx_config cfg;
    size_t spp;                      /* samples per 1 ms slot */
    bool armed;
    struct cell_geometry g;
    struct mib mib;
    int pci, ssb_index;
    int64_t frame_t;                 /* stream sample where frame frame_sfn starts */
    int frame_sfn;
    int64_t next_slot_t;             /* next slot boundary to look at */
    cf_t *buf;                       /* buf[0] is stream sample buf_t; 2 slots */
    int64_t buf_t;
    size_t len;
    struct ofdm ofdm;
    struct grid grid;
    struct pdcch_rx pdcch;
    struct pdcch_coreset cs;
    struct pdsch pdsch;
    struct ldpc_decoder dec;
    float *llr, *soft;
    uint8_t *cbs, *tb;
    size_t max_g;
    /* what was seen */
    uint64_t occasions, pdcch_found, crc_ok, crc_failed, decoded;
};

int sib1_rx_init(struct sib1_rx *s, const struct sib1_rx_config *cfg);
void sib1_rx_free(struct sib1_rx *s);
/* After the cell was found: block `ssb_index` of cell `pci` (first CP sample at stream sample t_ssb, first
 * symbol l_first of its half frame) carried `mib` with SFN sfn and half-frame bit hrf. Returns 0, or -EINVAL
 * when the MIB's CORESET#0 / searchSpaceZero do not fit the carrier. */
int sib1_rx_arm(struct sib1_rx *s, int pci, const struct mib *mib, int k_ssb, int ssb_index, int l_first, int sfn,
                int hrf, int64_t t_ssb);
/* Push n stream samples starting at stream sample t (consecutive calls are contiguous). For each Type0 occasion
 * completed, ev[] gets an entry; returns how many (0..max_ev). */
int sib1_rx_push(struct sib1_rx *s, const cf_t *x, size_t n, int64_t t, struct sib1_rx_event *ev, int max_ev);

#endif
