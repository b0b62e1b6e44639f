/* The uplink probe: a fixed uplink schedule for one simulated UE, so that the PUSCH and PUCCH receivers can be
 * exercised through the whole pipeline (radio -> PHY UL -> MAC) before random access exists to hand out grants.
 * It is a test mode (config group test.ul_probe, off by default), like srsRAN's test modes; the UE simulator
 * (uesim --ul-probe) transmits the same schedule with its own UE-side code.
 *
 * The schedule (both sides compute it from the same parameters; this comment is the contract):
 *   - Probe slots: the slots whose number in the SFN cycle, n = SFN * slots_per_frame + slot (0 .. 10240 2^mu - 1),
 *     has n mod period == offset. In TDD the configuration check requires those slots to be wholly UL.
 *   - PUSCH (pusch_nof_prb > 0): C-RNTI = rnti, n_ID = PCI, mapping type A, S = 0, L = 14, PRBs pusch_prb_start
 *     .. + pusch_nof_prb - 1 (CRBs, the BWP is the carrier), DM-RS type 1, dmrs-TypeA-Position of the cell, one
 *     additional position (pos1), 2 CDM groups without data, n_SCID 0; MCS pusch_mcs of the 64QAM table (38.214
 *     Table 5.1.3.1-1), TBS per 38.214 6.1.4.2 (N_DMRS^PRB from the DM-RS above, no overhead), rv 0, new data
 *     every time (no HARQ), LDPC base graph per 38.212 6.2.2. Payload byte i of the TB (i = 0 .. TBS/8 - 1) is
 *     (i * 31 + n * 7) mod 256 (probe_payload_byte()).
 *   - PUCCH (pucch_format != none), at PRB pucch_prb (-1: the carrier's last PRB), n_ID = PCI, no hopping, no
 *     group hopping: F0 symbols 12..13, m0 = 0, one HARQ-ACK bit, no SR; F1 symbols 0..13, m0 = 0, OCC 0, one
 *     bit; F2 symbols 12..13, 2 PRBs from pucch_prb (pucch_prb - 1 and pucch_prb when pucch_prb is the last),
 *     pucch_bits (3..11, Reed-Muller) bits, scrambled with rnti and the PCI. The bits: bit j (j = 0 .. A - 1,
 *     in transmission order) is ((n >> j) & 1) (probe_uci_bit()).
 *   The PUCCH and PUSCH PRBs must not overlap each other or the PRACH's (checked with the configuration).
 *
 * Threading: the inline functions are pure; struct ul_probe is the MAC's (MAC stage only), plain data after init.
 */
#ifndef GNBD_MAC_UL_PROBE_H
#define GNBD_MAC_UL_PROBE_H

#include <stdbool.h>
#include <stdint.h>

enum ul_probe_pucch { UL_PROBE_PUCCH_NONE, UL_PROBE_PUCCH_F0, UL_PROBE_PUCCH_F1, UL_PROBE_PUCCH_F2 };

struct ul_probe_config {
    bool enabled;
    int rnti;
    int period, offset;          /* slots */
    int pusch_prb_start, pusch_nof_prb, pusch_mcs;
    enum ul_probe_pucch pucch_format;
    int pucch_prb;               /* -1: the carrier's last PRB */
    int pucch_bits;              /* F2: 3..11 */
};

static inline bool probe_slot(const struct ul_probe_config *p, uint64_t n)
{
    return p->enabled && p->period > 0 && n % (uint64_t)p->period == (uint64_t)p->offset;
}

static inline uint8_t probe_payload_byte(uint64_t n, int i)
{
    return (uint8_t)((uint32_t)i * 31u + (uint32_t)n * 7u);
}

static inline uint8_t probe_uci_bit(uint64_t n, int j)
{
    return (uint8_t)((n >> j) & 1u);
}

/* The probe as the MAC schedules it: its PUSCH and PUCCH requests, precomputed. */
struct ul_pusch_req;
struct ul_pucch_req;
struct ul_slot_request;

#include "phy/ul/phy_ul.h"

struct ul_probe {
    struct ul_probe_config cfg;
    int slots_per_frame;
    struct ul_pusch_req pusch;   /* grant.slot and tb filled per slot */
    struct ul_pucch_req pucch;
};

/* Returns 0, or -EINVAL for a probe the PHY cannot receive (PRBs outside the carrier, a TBS that cannot be
 * computed, a PUCCH resource outside the BWP). */
int ul_probe_init(struct ul_probe *p, const struct ul_probe_config *cfg, int pci, int nof_prb, int dmrs_type_a_pos,
                  int scs_khz);

/* Adds the probe's PUSCH and PUCCH to ul when slot (of the stream) is a probe slot. Returns how many were added. */
int ul_probe_slot(const struct ul_probe *p, uint64_t slot, struct ul_slot_request *ul);

/* The slot's number in the SFN cycle (n of the contract) from the stream slot. */
uint64_t ul_probe_n(const struct ul_probe *p, uint64_t slot);

/* Whether a decoded TB / UCI is what the contract says the UE sent in stream slot `slot`. */
bool ul_probe_payload_ok(const struct ul_probe *p, uint64_t slot, const uint8_t *tb, int bytes);
bool ul_probe_uci_ok(const struct ul_probe *p, uint64_t slot, const uint8_t *bits, int nbits);

#endif
