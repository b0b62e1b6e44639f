/* SIB1 broadcast planning: where and how the cell sends SystemInformationBlockType1, decided once from the cell
 * geometry and the SIB1's size (the SIB1 only changes with the configuration).
 *
 * Rules (38.213 13, 38.214 5.1.2 / 5.1.3 / 5.1.6.2, 38.211 7.3.1.6 / 7.4.1.1.2, 38.212 7.3.1.2.1, 38.331 5.2.1):
 *   - Time: the Type0-PDCCH CSS occasion of the first SS/PBCH block sent (38.213 13, Table 13-11): slots n0 and
 *     n0 + 1 of the frames with SFN mod 2 = the formula's parity, i.e. every 20 ms, which repeats SIB1 within its
 *     160 ms period (38.331 5.2.1). Of the two slots, one where no SS/PBCH block is ever sent is preferred;
 *     otherwise the PDSCH takes RBs outside the block. Either way neither the PDCCH nor the PDSCH touches an SSB
 *     resource element in any frame of the 160 ms SSB pattern (38.214 5.1.4 allows rate matching around it;
 *     srsUE does not do it, docs/SRSUE.md §3.4).
 *   - PDCCH: DCI format 1_0 with CRC scrambled by SI-RNTI (system information indicator 0 = SIB1) in CORESET#0
 *     (interleaved, n_shift = PCI) at the configured aggregation level 4 or 8 (srsUE searches no AL16 in SS#0),
 *     the first SS#0 candidate (38.213 Table 10.1-1: AL4 4, AL8 2; Y = 0) that stays clear of the SSB.
 *   - PDSCH: default TDRA table A (38.214 Table 5.1.2.1.1-2), mapping type A, the longest row that starts after
 *     CORESET#0 (with pos2: symbol 1 after a 1-symbol, symbol 2 after a 2-symbol CORESET#0), in a full DL slot; DM-RS as DCI 1_0 implies (type 1, pos2, 38.214 5.1.6.2) with the sequence
 *     counted from CORESET#0's lowest RB (38.211 7.4.1.1.2); frequency allocation type 1 whose RIV counts from
 *     CORESET#0's lowest RB over N = CORESET#0's size (38.214 5.1.2.2.2; non-interleaved VRB-to-PRB, 7.3.1.6).
 *   - Size: MCS table 5.1.3.1-1 from the preferred MCS, raised up to 9 (the last QPSK row: Qm <= 2 for SI-RNTI)
 *     only when the SIB1 does not fit otherwise; the smallest PRB count whose TBS (38.214 5.1.3.2) holds the
 *     SIB1, which is zero-padded to the TBS. Redundancy version 0 in every repetition (each is a new TB).
 *
 * Threading: pure functions over caller memory, no allocation; any thread (used at init and by --check-config).
 */
#ifndef GNBD_MAC_SCHED_SIB1_H
#define GNBD_MAC_SCHED_SIB1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/dci.h"
#include "phy/ch/dlsch.h"
#include "phy/ch/pdcch.h"
#include "phy/ch/pdsch.h"
#include "phy/ch/ssb.h"
#include "phy/geometry/cell_geometry.h"

#define SCHED_SI_RNTI 0xFFFF        /* 38.321 Table 7.1-1 */
#define SCHED_SIB1_MAX_MCS 9        /* 38.214 5.1.3.1: SI-RNTI PDSCH with Qm <= 2 (Table 5.1.3.1-1 rows 0..9) */
#define SCHED_SIB1_MAX_BYTES 372    /* 38.331 5.2.1: SIB1 is at most 2976 bits */

struct sched_sib1_config {
    struct cell_geometry geo;       /* the validated cell (CORESET#0, searchSpaceZero, SSB place, carrier) */
    int pci;
    struct ssb_burst_config burst;  /* the SS/PBCH blocks actually sent */
    int sib1_len;                   /* bytes of the BCCH-DL-SCH message, 1..SCHED_SIB1_MAX_BYTES */
    int mcs;                        /* preferred MCS, 0..9 */
    int al;                         /* PDCCH aggregation level: 4 or 8 */
    int tdd_period_slots;           /* TDD: slots per pattern period (dividing a frame); 0 = FDD */
    int tdd_dl_slots;               /* TDD: full DL slots at the start of each period */
};

struct sched_sib1_plan {
    int sfn_parity;                 /* sent in frames with SFN mod 2 == sfn_parity (every 20 ms) */
    int slot;                       /* slot of the frame (n0 or n0 + 1 of 38.213 13) */
    bool ssb_in_slot;               /* an SS/PBCH block may share the slot: the PDSCH RBs avoid it */
    struct pdcch_coreset coreset;   /* CORESET#0 at the occasion's first symbol */
    int al, first_cce;
    struct dci_1_0 dci;
    int dci_len;
    uint8_t dci_bits[DCI_1_0_MAX_BITS];
    int tdra_row;                   /* m of the DCI: row m + 1 of default table A */
    struct pdsch_grant grant;       /* grant.slot is set per transmission */
    int mcs, tbs, g;                /* TBS and G in bits */
    struct dlsch_cfg dlsch;
};

/* Plans the SIB1 broadcast. Returns 0, or -EINVAL with *key = the input to change ("searchspace0_index",
 * "coreset0_index", "sib1", "mcs", "al", "tdd", "scs_khz", "ssb") and why[] saying what is impossible and why. */
int sched_sib1_plan(const struct sched_sib1_config *cfg, struct sched_sib1_plan *plan, const char **key, char *why,
                    size_t why_len);

/* The transport block: the SIB1 bytes zero-padded to plan->tbs / 8 bytes (tb has room for them).
 * Returns 0, or -EINVAL when the SIB1 is longer than the TBS. */
int sched_sib1_tb(const struct sched_sib1_plan *plan, const uint8_t *sib1, size_t sib1_len, uint8_t *tb,
                  size_t tb_cap);

/* The CRBs [*lo, *hi] of the carrier an SS/PBCH block whose subcarrier 0 is carrier subcarrier first_sc touches
 * (38.211 7.4.3.1: 240 subcarriers, so 21 RBs when k_SSB leaves it off the RB grid). */
void sched_ssb_crbs(int first_sc, int *lo, int *hi);

/* True when the plan sends SIB1 in slot `slot` of frame `sfn`. */
bool sched_sib1_due(const struct sched_sib1_plan *plan, int sfn, int slot);

/* Bit l set for every symbol l of slot `slot` in which an SS/PBCH block of the burst is sent in some frame with
 * SFN mod 2 == sfn_parity of the 160 ms pattern (the longest ssb-periodicityServingCell). */
unsigned sched_sib1_ssb_symbols(const struct ssb_burst_config *burst, int sfn_parity, int slot);

#endif
