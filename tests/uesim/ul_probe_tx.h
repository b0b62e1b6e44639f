/* uesim's UL probe transmitter: the UE side of gnbd's test mode test.ul_probe (mac/ul_probe.h holds the contract;
 * this file implements it again, with UE-direction code only, so that a misreading on either side shows).
 *
 * The schedule, from the parameters of --ul-probe (the same names and defaults as gnbd's keys):
 *   - probe slots: n = SFN * slots_per_frame + slot with n mod period == offset; in TDD each must be wholly UL in
 *     SIB1's tdd-UL-DL-ConfigurationCommon (pattern 1), else the probe is refused;
 *   - PUSCH (pusch_nprb > 0), 38.211 6.3.1 via phy/ch/pusch.h: C-RNTI rnti, n_ID = PCI, mapping type A, S = 0,
 *     L = 14, CRBs pusch_prb .. + pusch_nprb - 1, DM-RS type 1 at the MIB's dmrs-TypeA-Position with one additional
 *     position, 2 CDM groups without data, n_SCID 0, N_ID = PCI; MCS mcs of the 64QAM table (38.214 Table
 *     5.1.3.1-1), TBS per 38.214 6.1.4.2 (N_DMRS^PRB of that DM-RS, no overhead), rv 0; the UL-SCH codeword of
 *     38.212 6.2 from dlsch_encode() (the same chain, base graph from TBS and R); TB byte i = (31 i + 7 n) mod 256;
 *   - PUCCH (pucch != none), 38.211 6.3.2 via phy/ch/pucch.h, at PRB pucch_prb (-1: the carrier's last), n_ID =
 *     PCI, no hopping: F0 symbols 12..13, m0 0, one HARQ-ACK bit, no SR; F1 symbols 0..13, m0 0, OCC 0, one bit;
 *     F2 symbols 12..13 on 2 PRBs starting at pucch_prb (at pucch_prb - 1 when pucch_prb is the last PRB),
 *     pucch_bits (3..11) bits scrambled with rnti and the PCI. Bit j = (n >> j) & 1.
 * Every RE has unit energy (PUSCH DM-RS: beta^2 = 2, 38.214 Table 6.2.2-1); the grid is OFDM-modulated at the UL
 * carrier centre f0 (38.211 5.4; FDD: SIB1's FrequencyInfoUL absoluteFrequencyPointA + offsetToCarrier + 6 N_RB
 * subcarriers, TDD: the DL centre) with the slot's position in its subframe, unitary (ofdm.h), and placed into the
 * UL stream (ul_tx.h) at the slot's first sample + delay.
 *
 * Timing: like prach_tx.h, from the tracked SLOT events, one frame ahead (a probe slot whose UL already left is
 * skipped, and so is one ending after ul_probe_tx_set_end()'s limit). A slot counts as sent, and its lines are printed, once its last sample has gone to the radio:
 *   uesim: PUSCH sent: rnti=0x4601 slot=<sfn>.<slot> prb=<s>+<n> mcs=<m> tbs=<bits> delay=<samples>
 *   uesim: PUCCH sent: rnti=0x4601 slot=<sfn>.<slot> format=<0|1|2> bits=<b0b1...>
 *
 * Threading: single-threaded (uesim). ul_probe_tx_arm plans FFTs and allocates; nothing allocates after it.
 */
#ifndef GNBD_UESIM_UL_PROBE_TX_H
#define GNBD_UESIM_UL_PROBE_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/pucch.h"
#include "phy/ch/pusch.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "rrc/msg/bcch_dl_sch.h"
#include "tests/uesim/ul_tx.h"

#define UL_PROBE_PUCCH_OFF (-1)      /* pucch=none; else 0, 1, 2 = the format */
#define UL_PROBE_QUEUE 64            /* probe slots placed and not yet gone to the radio */

/* --ul-probe rnti=..,period=..,offset=..,pusch_prb=..,pusch_nprb=..,mcs=..,pucch=f0|f1|f2|none,pucch_prb=..,
 * pucch_bits=.. (parsed by uesim_parse_ul_probe(), uesim.h) */
struct ul_probe_params {
    int rnti;                        /* 1..65519 (default 17921 = 0x4601) */
    int period, offset;              /* slots: 1..10240 and 0..period - 1 (20, 8) */
    int pusch_prb, pusch_nprb, mcs;  /* 10, 10 (0: no PUSCH), 9 (0..28) */
    int pucch;                       /* format 0..2 or UL_PROBE_PUCCH_OFF (1) */
    int pucch_prb;                   /* -1: the carrier's last PRB (-1) */
    int pucch_bits;                  /* F2: 3..11 (4) */
};

/* What the UE learnt of the cell (cell search, MIB, SIB1). */
struct ul_probe_cell {
    int pci;
    int nof_prb, scs_khz;
    int dmrs_type_a_position;        /* MIB: 2 or 3 */
    double f0_hz;                    /* UL carrier centre */
    bool tdd;
    int tdd_period_slots, tdd_ul_slots;   /* pattern 1, in slots of scs_khz: the last ul_slots are wholly UL */
};

/* One probe slot as sent. */
struct ul_probe_slot {
    uint64_t n;                      /* slot in the SFN cycle */
    int sfn, slot;
    int64_t start, end;              /* stream samples [start, end) incl. the delay */
    uint8_t bits[UCI_RM_MAX_A];      /* the PUCCH bits (F2: Reed-Muller, at most 11) */
    int nbits;
};

struct ul_probe_tx {
    struct ul_probe_params prm;
    double srate;
    int delay_samples;
    struct ul_tx *ul;
    bool armed;
    struct ul_probe_cell cell;
    int slots_per_frame, mu;
    struct pusch_grant gr;           /* slot and PRBs set per slot */
    struct dlsch_cfg dc;
    struct pucch_config pc;
    int tbs;
    struct pusch_tx pusch;
    struct dlsch dlsch;
    struct ofdm ofdm;
    struct grid grid;
    uint8_t *tb, *cw;
    cf_t *samples;
    bool pusch_ok, dlsch_ok, ofdm_ok;
    int64_t last_planned;            /* SFN-cycle slot of the last slot planned, -1 */
    int64_t end;                     /* no slot ending after this stream sample is sent (0: no limit) */
    struct ul_probe_slot queue[UL_PROBE_QUEUE];
    int queued;
    int sent;                        /* probe slots whose samples have gone to the radio */
};

/* The UL carrier of a decoded SIB1 (FrequencyInfoUL-SIB, tdd-UL-DL-ConfigurationCommon) for a cell found with
 * pci, scs_khz and nof_prb, whose DL centre is dl_hz, with the MIB's dmrs-TypeA-Position. unpaired: the band is
 * TDD. Returns 0, or -EINVAL with the reason in why (no UL carrier of that SCS and size, no point A in FDD, a
 * TDD pattern that is no whole number of slots). */
int ul_probe_cell_from_sib1(struct ul_probe_cell *c, const struct rrc_sib1 *sib1, bool unpaired, int pci,
                            int scs_khz, int nof_prb, int dmrs_type_a_position, double dl_hz, char *why,
                            size_t len);

/* Keeps prm and the stream; nothing is sent before ul_probe_tx_arm. Returns 0. */
int ul_probe_tx_init(struct ul_probe_tx *p, const struct ul_probe_params *prm, double srate, int delay_samples,
                     struct ul_tx *ul);
void ul_probe_tx_free(struct ul_probe_tx *p);

/* No probe slot whose samples would end after stream sample `end` is placed (uesim: the run's last sample minus a
 * frame, so that the gNB still receives and processes a frame of UL after the last slot it is told about). */
void ul_probe_tx_set_end(struct ul_probe_tx *p, int64_t end);

/* Sets the probe up for cell: grant, TBS, PUCCH resource, encoders, modulator. Returns 0, or -EINVAL with the
 * reason in why (PRBs outside the carrier, PUSCH and PUCCH PRBs overlapping, a probe slot not wholly UL, a
 * sample rate the modulator cannot use), -ENOMEM. */
int ul_probe_tx_arm(struct ul_probe_tx *p, const struct ul_probe_cell *cell, char *why, size_t len);

/* Whether SFN-cycle slot n is a probe slot. */
bool ul_probe_is_slot(const struct ul_probe_params *p, uint64_t n);

/* Probe slot n (SFN-cycle count) as samples: the grid of the contract, modulated; bits (UCI_RM_MAX_A bytes) and
 * *nbits get the PUCCH bits (nbits 0 without PUCCH). Returns the slot's sample count, or -EINVAL (not armed). The
 * samples stay valid until the next call. */
int ul_probe_tx_make_slot(struct ul_probe_tx *p, uint64_t n, const cf_t **samples, uint8_t *bits, int *nbits);

/* A tracked slot (frame sfn, slot in frame, first sample t): places the same slot one frame later when it is a
 * probe slot. */
void ul_probe_tx_on_slot(struct ul_probe_tx *p, int sfn, int slot, int64_t t);

/* After ul_tx_fill: prints the lines of every placed slot whose samples have all gone (end <= the stream's
 * next_fill) and counts them as sent. */
void ul_probe_tx_report(struct ul_probe_tx *p, FILE *out);

#endif
