/* uesim's attach: random access (38.321 5.1, 38.213 8) and RRC connection establishment (38.331 5.3.3) of N
 * simulated UEs, one after another in the same stream, using only what a UE learns over the air: the cell found
 * and its MIB, SIB1, the RAR, RRCSetup's CellGroupConfig. The rules it applies are tests/uesim/ue_mac.h and
 * ue_rrc.h; the shared libraries do the coding (PDCCH, PDSCH/DL-SCH, PUSCH/UL-SCH, PUCCH, MAC PDUs, RLC AM,
 * PDCP, RRC codec).
 *
 * Per UE (a fresh 39-bit ue-Identity from the seed each):
 *   1. Preamble (tests/uesim/prach_tx.h) in the next occasion; RA-RNTI from it (38.321 5.1.3).
 *   2. RAR (38.321 5.1.4, 38.213 8.2): SS#1 = SIB1's ra-SearchSpace (on CORESET#0, its nrofCandidates, its
 *      monitoring slots and first symbol; Y = 0) is searched for DCI 1_0 with the RA-RNTI in every slot of
 *      ra-ResponseWindow, which opens with the first slot starting at least one symbol after the preamble's end.
 *      The PDSCH (38.214 5.1.2.2.2 RIV over CORESET#0 from its lowest RB, SIB1's pdsch-TimeDomainAllocationList
 *      row with k0 = 0, DM-RS of DCI 1_0 from CRB 0, 64QAM MCS table with the TB scaling field) is read as a MAC
 *      RAR PDU; the subPDU with the preamble's RAPID gives T_A, the TC-RNTI and the UL grant. No RAR in the window:
 *      another preamble, up to preambleTransMax.
 *   3. Msg3 (ue_mac_msg3): PUSCH in slot RAR + k2 + Delta on the TC-RNTI (n_ID = PCI, DM-RS type 1 at the MIB's
 *      position with pos2, 2 CDM groups without data), MAC PDU = UL-CCCH SDU (RRCSetupRequest) + padding. From
 *      then on the UL leaves the timing advance early (ue_mac_ta_samples; --ul-delay makes it arrive that late).
 *      ra-ContentionResolutionTimer runs from Msg3.
 *   4. Msg4 (38.321 5.1.5): DCI 1_0 with the TC-RNTI in SS#1, PDSCH as the RAR's (HARQ soft combining of
 *      retransmissions with the same NDI). The UE Contention Resolution Identity CE must equal the Msg3 SDU:
 *      then the TC-RNTI is the C-RNTI, HARQ-ACK = ACK on the common PUCCH (ue_mac_pucch_common with the DCI's
 *      CCE and PRI) in slot + k1 (ue_mac_k1_dci_1_0), and the DL-CCCH SDU is RRCSetup or RRCReject. A mismatch
 *      (or no CE) is a failed contention resolution: no HARQ-ACK, nothing more sent (38.321 5.3.2.3: no ACK for a
 *      TC-RNTI TB before contention resolution succeeds). A PDSCH that fails its CRC is not acknowledged (DTX).
 *   5. RRCSetup: the CellGroupConfig applied (ue_rrc.h), RLC AM + PDCP for SRB1, RRCSetupComplete written to
 *      them. UL grants are DCI 0_0 with the C-RNTI in SS#1 (aligned to DCI 1_0's size; PUSCH k2 from
 *      pusch-ConfigCommon's list, 38.214 Table 6.1.2.1.1-1 for a common search space on CORESET#0): the MAC PDU
 *      is one RLC PDU on SRB1's LCID, a short BSR (LCG 0) when more data waits, padding; a repeated NDI resends
 *      the HARQ process's TB; a padding BSR (index 0) when nothing is left. The RRCSetupComplete triggers an SR
 *      (38.321 5.4.4), pending until a PUSCH carries a BSR: without a grant coming, a positive SR (format 1,
 *      b = 0) on its SR resource at each SR occasion (38.213 9.2.4) that is not a HARQ-ACK slot. DCI 1_0 with the C-RNTI:
 *      the SRB1 PDSCH goes to RLC AM, and its HARQ-ACK to resource PRI of PUCCH resource set 0 in slot + k1.
 *      The attach is complete when an RLC STATUS PDU acknowledges the RRCSetupComplete's SN.
 *   6. With until_release_ms: the UE stays connected (SRB1 PDSCHs into RLC AM and PDCP, their HARQ-ACKs, UL
 *      grants answered) until PDCP delivers a DL-DCCH message that decodes as RRCRelease (38.331 5.3.8); it
 *      then leaves (RRC_IDLE: nothing more sent) and its outcome is ok. No RRCRelease in time: failed.
 * A UE's outcome: ok, reject (RRCReject), conres-fail, or failed (no RAR, no Msg4, no STATUS in time, a
 * configuration it cannot use). Then the next UE starts.
 *
 * Timing: everything is counted in slots of the tracked cell and placed into the UL stream (ul_tx.h) at the
 * slot's first sample + (slots ahead) x slot length + delay - N_TA; a transmission is decided at least
 * UE_ATTACH_LEAD slots before it goes. Milestones are printed as "uesim: ..." lines; those about UL are printed
 * once the samples have left (ue_attach_report).
 *
 * Threading: single-threaded (uesim). ue_attach_arm allocates; nothing after it.
 */
#ifndef GNBD_UESIM_UE_ATTACH_H
#define GNBD_UESIM_UE_ATTACH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pdcp/pdcp_srb.h"
#include "phy/ch/dlsch.h"
#include "phy/ch/pdcch.h"
#include "phy/ch/pusch.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "rlc/rlc_am.h"
#include "rrc/msg/bcch_dl_sch.h"
#include "rrc/msg/dl_ccch.h"
#include "tests/uesim/dl_rx.h"
#include "tests/uesim/prach_tx.h"
#include "tests/uesim/ue_mac.h"
#include "tests/uesim/ue_rrc.h"
#include "tests/uesim/ul_probe_tx.h"
#include "tests/uesim/ul_tx.h"

#define UE_ATTACH_MAX_UES 16
#define UE_ATTACH_LEAD 4          /* slots between deciding an UL transmission and its slot */
#define UE_ATTACH_NOTES 32
#define UE_ATTACH_MAX_TB 2048     /* bytes of one UL TB */
#define UE_ATTACH_HARQ 16

enum ue_attach_outcome { UE_ATTACH_PENDING, UE_ATTACH_OK, UE_ATTACH_REJECT, UE_ATTACH_CONRES_FAIL, UE_ATTACH_FAILED };

enum ue_attach_state { UE_ATT_OFF, UE_ATT_PRACH, UE_ATT_RAR, UE_ATT_MSG4, UE_ATT_CONNECTED, UE_ATT_DONE,
                       UE_ATT_UNTIL_RELEASE };

struct ue_attach_config {
    int count;                                   /* UEs, one after another */
    enum ue_attach_outcome expect[UE_ATTACH_MAX_UES];
    int nof_prb, scs_khz;
    double srate;
    int ul_delay;                                /* samples every UL transmission arrives late */
    int nas_bytes;                               /* dedicatedNAS-Message length */
    unsigned seed;
    int until_release_ms;                        /* > 0: step 6 */
};

/* What the UE knows of the cell when SIB1 is in. */
struct ue_attach_cell {
    int pci, dmrs_type_a_position;
    int coreset0_crb, coreset0_nof_rb, coreset0_nof_symb;   /* CORESET#0 as the MIB placed it (sib1_rx.h) */
    double dl_hz;
    bool unpaired;
    int64_t t_found;                             /* stream sample where the cell was found */
};

struct ue_attach_note {
    int64_t end;                                 /* printed once the UL stream is past this sample */
    char text[200];
};

struct ue_attach_harq {
    bool used;
    uint32_t ndi;
    int len;
    uint8_t tb[UE_ATTACH_MAX_TB];
};

struct ue_attach {
    struct ue_attach_config cfg;
    struct ul_tx *ul;
    struct prach_tx *prach;
    bool armed;
    /* the cell */
    struct ue_attach_cell cell;
    struct ul_probe_cell ulc;                    /* UL carrier f0, TDD pattern */
    int mu, slots_per_frame, slot_len, sym_len;
    int bwp_start, bwp_size;                     /* initial UL BWP (= initial DL BWP's size for CORESET#0 DCIs) */
    int tdd_dl_slots, tdd_dl_symbols;            /* pattern 1 in slots of the cell's SCS */
    struct pdcch_coreset cs;                     /* CORESET#0 at SS#1's first symbol */
    int ss1_cand[PDCCH_NUM_AL], ss1_period, ss1_offset, ss1_duration;
    struct rrc_tdra_list pdsch_tdra, pusch_tdra;
    bool has_pdsch_tdra;
    int window, conres_ms, preamble_trans_max, pucch_common_row, pucch_n_id, n_ta_offset;
    /* receivers and transmitters */
    struct pdcch_rx pdcch;
    struct dl_rx dl;
    struct pusch_tx pusch;
    struct dlsch enc;
    struct ofdm ofdm;
    struct grid grid;
    uint8_t *cw;
    cf_t *samples;
    bool phy_ok;
    /* slot count */
    int last_sfn;
    int64_t hyper;                               /* frames before SFN 0 of this SFN cycle */
    int64_t now;                                 /* absolute slot of the current SLOT event */
    int64_t now_t;                               /* its first sample */
    /* the current UE */
    int ue;                                      /* index, 0-based */
    enum ue_attach_state state;
    enum ue_attach_outcome outcome[UE_ATTACH_MAX_UES];
    char why[UE_ATTACH_MAX_UES][120];
    uint64_t identity;
    uint8_t ccch[UE_MAC_CCCH_BYTES];
    int64_t t_start;                             /* stream sample when this UE started */
    int preambles, prach_sent_before;
    struct prach_tx_sent preamble;
    int64_t window_start, window_end;            /* absolute slots; window_start -1 until known */
    uint16_t rnti;                               /* TC-RNTI, then C-RNTI */
    int ta;                                      /* T_A of the RAR */
    int ta_samples;
    int64_t deadline;                            /* absolute slot: ra-ContentionResolutionTimer, setup timeout */
    int64_t busy_ul[4];                          /* the last UL slots given a PUCCH, by slot mod 4 */
    int64_t last_pusch_slot;                     /* latest granted PUSCH slot */
    /* DL HARQ (one process is enough: each DCI is decoded before the next) */
    uint16_t dl_rnti;
    int dl_harq;
    uint32_t dl_ndi;
    bool dl_pending;
    /* connected */
    struct ue_rrc_config rrc;
    int transaction_id;
    struct rlc_am rlc;
    bool rlc_ok;
    struct pdcp_srb pdcp;
    bool pdcp_ok;
    uint32_t complete_sn;                        /* RLC SN of the RRCSetupComplete */
    int srs, grants;
    bool sr_pending;                             /* 38.321 5.4.4 */
    int dl_dcch;                                 /* SRB1 messages PDCP delivered */
    bool release_seen;                           /* one of them was RRCRelease */
    int release_transaction;
    int64_t t_attached;                          /* stream sample of the attach (step 6) */
    struct ue_attach_harq harq[UE_ATTACH_HARQ];
    /* printed when the samples have left */
    struct ue_attach_note notes[UE_ATTACH_NOTES];
    int n_notes;
    int finished;                                /* UEs with an outcome */
};

/* Keeps cfg; preambles through prach (set up with on_demand), samples into ul. Returns 0 or -EINVAL. */
int ue_attach_init(struct ue_attach *a, const struct ue_attach_config *cfg, struct ul_tx *ul, struct prach_tx *prach);
void ue_attach_free(struct ue_attach *a);

/* After the first SIB1: reads the RA and common configuration, sets up the receivers and transmitters, starts
 * the first UE. Returns 0, or -EINVAL with the reason in why (a SIB1 or cell this UE cannot use), -ENOMEM. */
int ue_attach_arm(struct ue_attach *a, const struct ue_attach_cell *cell, const struct rrc_sib1 *sib1, char *why,
                  size_t len);

/* Whether the slot must be demodulated for the procedure (a monitored SS#1 slot while a DCI is awaited). Call once
 * per SLOT event, before ue_attach_on_slot. */
bool ue_attach_wants_slot(struct ue_attach *a, int sfn, int slot, int64_t t);

/* One tracked slot; g is its grid when ue_attach_wants_slot said so (else NULL). Prints milestones to out. */
void ue_attach_on_slot(struct ue_attach *a, int sfn, int slot, int64_t t, const struct grid *g, FILE *out);

/* After ul_tx_fill: prints the notes whose samples have all left. */
void ue_attach_report(struct ue_attach *a, FILE *out);

/* True when every UE has an outcome. */
bool ue_attach_done(const struct ue_attach *a);

/* The names used by --expect-attach. */
const char *ue_attach_outcome_name(enum ue_attach_outcome o);
int ue_attach_parse_outcome(const char *s, enum ue_attach_outcome *o);

#endif
