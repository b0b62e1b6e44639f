/* Random access, the gNB side (38.321 5.1; 38.213 8; 38.214 6.1.2.1.1): from a detected preamble to Msg3.
 *
 * For each preamble PHY UL reports, a procedure is opened with a Temporary C-RNTI and the timing advance the
 * preamble's delay asks for (38.213 4.2: T_A = round(delay 2^mu / (16 64 Tc)), clamped to 0..3846). Then:
 *   - RAR: in the first DL slot at or after PRACH slot + 3 (srsUE does not look earlier, docs/SRSUE.md §4) and
 *     inside ra-ResponseWindow, a slot with no SS/PBCH block and no SIB1, wholly DL, whose Msg3 slot is wholly UL:
 *     DCI 1_0 with CRC scrambled by the RA-RNTI in SS#1 (ra-SearchSpace on CORESET#0, the candidates SIB1
 *     announces: ra_config.ss1_candidates; the slot's PDCCH allocator, mac/pdcch_alloc.h, picks a free one, AL4
 *     wanted), PDSCH with the MAC RAR PDU (mac/mac_rar.h) on the lowest CORESET#0 RBs no other PDSCH of the slot
 *     uses (38.214 5.1.2.2.2 RIV from CORESET#0's first RB, 38.211 7.3.1.6), TDRA row 0 of the SIB1's PDSCH list
 *     (S after CORESET#0, to the end of the slot), DM-RS
 *     as DCI 1_0 implies (38.214 5.1.6.2; sequence from CRB 0, 38.211 7.4.1.1.2), n_RNTI = RA-RNTI, n_ID = PCI.
 *     All preambles of one occasion share one RAR PDU (one subPDU each); RARs of several occasions (RA-RNTIs) may
 *     share a slot, after a Backoff Indicator subheader (RA_BACKOFF_INDEX) when preambles went unanswered since the previous RAR (no free procedure, no Msg3 room).
 *   - The RAR UL grant (38.213 Table 8.2-1): no hopping, FDRA = the Msg3 PRBs' RIV over the UL BWP (N <= 180:
 *     the RIV in the 14 bits' LSBs, 38.213 8.3), TDRA row 0 of the SIB1's PUSCH list (k2), MCS (Table 5.1.3.1-1,
 *     4 bits), TPC 3 (0 dB, Table 8.2-2), CSI request 0.
 *   - Msg3: PUSCH in slot RAR slot + k2 + Delta (38.214 Table 6.1.2.1.1-5: Delta = 2, 3 at 15, 30 kHz) on the
 *     TC-RNTI, DM-RS type 1 pos2 default (dmrs-AdditionalPosition absent = pos2), 2 CDM groups without data,
 *     mapping type A S = 0 L = 14 from the SIB1's list.
 *   - Msg4: once the RRC answers the Msg3's UL-CCCH SDU with a DL-CCCH message (RRCSetup), in a free DL slot:
 *     DCI 1_0 with CRC scrambled by the TC-RNTI in SS#1 (a free candidate whose first CCE n_CCE,0 < N_CCE / 2, so
 *     that PRI 0 gives r_PUCCH 0, the common resource the MAC receives; one Msg4 per slot; HARQ process 0, NDI 0,
 *     rv 0, PUCCH resource indicator 0, PDSCH-to-HARQ_feedback timing k1 = 4: srsUE reads the field as k1 - 1 and builds UL 4 slots
 *     ahead), PDSCH with the MAC PDU "UE Contention Resolution Identity (the Msg3 SDU's first 6 bytes) + DL-CCCH
 *     SDU (LCID 0)" (38.321 6.1.3.3, 5.1.5), MCS from the size. Its HARQ-ACK comes on the common PUCCH
 *     (pucch-ResourceCommon of SIB1, 38.213 9.2.1: r_PUCCH = floor(2 n_CCE,0 / N_CCE) + 2 Delta_PRI = 0), k1 slots
 *     later; ACK resolves
 *     the contention (TC-RNTI -> C-RNTI), NACK or DTX sends Msg4 again (rv 0, 2, 3, 1), up to RA_MSG4_MAX_TX.
 *   - Msg3 retransmission (38.321 5.4.2.1-5.4.2.2; 38.213 8.3; 38.214 6.1.2.1): a Msg3 whose CRC fails (a UE that
 *     did not send it looks the same) is asked for again by DCI 0_0 with CRC scrambled by the TC-RNTI in SS#1
 *     (a free candidate, same size as DCI 1_0 there; several per slot): as many PRBs and the same MCS (the first
 *     transmission's PRBs when the UL
 *     map has them free in the new slot, else others it has), HARQ process 0 (Msg3's, 5.4.2.1), NDI 0 (the UE
 *     ignores the NDI of TC-RNTI grants: every one is a retransmission of its Msg3 buffer), rv 2, 3, 1 for the
 *     2nd-4th transmission, TPC 1 (0 dB); its PUSCH is k2 slots after the DCI (row 0 of the SIB1's PUSCH list; no
 *     Delta: that is for the RAR grant only), in a wholly UL slot. PHY UL combines the transmissions (new_data
 *     only on the first; phy/ul/phy_ul.h). After RA_MSG3_MAX_TX failed transmissions, or when no DCI slot was
 *     found within RA_MSG3_RETX_WAIT slots, the procedure is released (msg3_given_up); the UE's
 *     ra-ContentionResolutionTimer then expires and it starts over.
 *   - The Msg3 PUSCH's timing offset (DM-RS phase slope, late > 0) is kept (msg3_ta_samples): the RAR's T_A came
 *     from the preamble, Msg3 tells how well it fits; the UE context starts its timing-advance loop with it.
 *
 * Time enters as the slot number of the stream (no clock reads). A new stream epoch releases every procedure.
 * Threading: one struct ra, used by the MAC stage only; no allocation after ra_init.
 */
#ifndef GNBD_MAC_RA_H
#define GNBD_MAC_RA_H

#include <stdbool.h>
#include <stdint.h>

#include "mac/pdcch_alloc.h"
#include "mac/slot_pattern.h"
#include "mac/tb_pool.h"
#include "mac/ul_map.h"
#include "phy/ch/pdcch.h"
#include "phy/fec/tbs.h"
#include "phy/dl/phy_dl.h"
#include "phy/ul/phy_ul.h"

#define RA_MAX_PROCS 16
#define RA_FIRST_TC_RNTI 0x4601

struct ra_config {
    int pci, nof_prb, scs_khz;
    double sample_rate_hz;
    struct pdcch_coreset coreset0;   /* CORESET#0 at symbol 0 (SS#1 monitors symbol 0 of every slot) */
    int dmrs_type_a_position;
    int pdsch_start_symbol, pdsch_nof_symbols;  /* row 0 of the SIB1's pdsch-TimeDomainAllocationList */
    int msg3_k2;                     /* row 0 of the SIB1's pusch-TimeDomainAllocationList */
    int ra_response_window;          /* slots */
    int rar_mcs;                     /* 0..9 (QPSK) */
    int msg3_prb_start, msg3_nof_prb, msg3_mcs;  /* clear of the PRACH and the common PUCCH PRBs */
    int pucch_resource_common;       /* SIB1's pucch-ResourceCommon (38.213 Table 9.2.1-1 row) */
    struct slot_pattern pattern;     /* Msg3 and HARQ-ACK slots must be wholly UL */
    int ss1_candidates[PDCCH_NUM_AL];  /* SS#1's nrofCandidates (SIB1) at AL 1..16; all 0: AL4 1 (CCE 0) */
    bool con_res_fault;              /* test mode: Msg4's contention resolution identity has one bit flipped */
};

#define RA_MSG4_MAX_BYTES 1024
#define RA_BACKOFF_INDEX 5           /* 38.321 Table 7.2-1: 60 ms */
#define RA_MSG4_MAX_TX 4
#define RA_MSG4_K1 4
#define RA_RRC_WAIT_SLOTS 640   /* a Msg3 the RRC has not answered after this long is dropped */
#define RA_MSG3_MAX_TX 4        /* Msg3 transmissions (the RAR grant's and DCI 0_0 retransmissions) */
#define RA_MSG3_RETX_WAIT 40    /* slots after a failed Msg3 to find a slot for its retransmission */

/* What one ra_schedule_dl call added to the slot, in order. */
enum ra_event_type { RA_EV_MSG4, RA_EV_RAR, RA_EV_MSG3_RETX };
struct ra_sched_event {
    enum ra_event_type type;
    int pdcch, pdsch;                /* indices in the DL request (pdsch -1: none) */
    int n;                           /* RAR: preambles answered */
    uint64_t msg3_slot;              /* RAR, Msg3 retransmission: the PUSCH's slot */
};
#define RA_MAX_EVENTS 8

/* RA_MSG3_RETX_DUE: a Msg3 failed, its DCI 0_0 retransmission grant is due. */
enum ra_state { RA_FREE, RA_RAR_DUE, RA_MSG3_DUE, RA_MSG3_DONE, RA_MSG4_DUE, RA_MSG4_ACK_DUE, RA_DONE,
                RA_MSG3_RETX_DUE };

struct ra_proc {
    enum ra_state state;
    int preamble;
    uint16_t ra_rnti, tc_rnti;
    int ta;                          /* T_A of the RAR */
    float delay_samples;
    uint64_t prach_slot, window_end; /* RAR due in [prach_slot + 3, window_end] */
    uint64_t rar_slot, msg3_slot;   /* msg3_slot: of the latest Msg3 transmission */
    int msg3_prb;                    /* ... and its first PRB */
    int msg3_tx;                     /* Msg3 transmissions granted (RAR + DCI 0_0) */
    float msg3_ta_samples;           /* timing offset of the decoded Msg3 (late > 0), samples */
    int ue_index;                    /* the MAC's UE context set aside at Msg3 (-1: none yet) */
    uint8_t con_res_id[6];           /* the Msg3 UL-CCCH SDU's first 48 bits */
    int msg4_len, msg4_tx;           /* the DL-CCCH SDU from the RRC; transmissions so far */
    bool msg4_is_setup;              /* RRCSetup (a UE context follows the ACK), not RRCReject */
    uint8_t msg4[RA_MSG4_MAX_BYTES];
    uint64_t msg4_slot, ack_slot;
};

struct ra_stats {
    uint64_t preambles, rars, rar_missed_window, msg3_ok, msg3_failed, procs_full;
    uint64_t msg4_tx, msg4_acked, msg4_failed, no_buffer, rrc_timeouts, msg3_no_room, backoffs;
    uint64_t msg3_retx, msg3_given_up;   /* DCI 0_0 retransmission grants; procedures released after Msg3 failed */
    uint64_t pucch_no_room;          /* Msg4 HARQ-ACK receptions that found the slot's request full */
};

struct ra {
    struct ra_config cfg;
    int slots_per_frame, delta;
    struct ra_proc proc[RA_MAX_PROCS];
    uint16_t next_tc_rnti;
    struct ul_pusch_req msg3;        /* template: rnti, slot, PRBs filled per procedure */
    struct ul_pucch_req msg4_ack;    /* template: the common PUCCH resource of CCE 0, PRI 0 */
    int rar_tbs, rar_nof_rb;
    struct ul_map *ul_map;           /* the MAC's: Msg3 PRBs are placed in it (NULL: the fixed Msg3 PRBs) */
    bool congested;                  /* a preamble went unanswered since the last RAR: send a Backoff Indicator */
    struct pdcch_alloc_ss ss1;       /* SS#1 on CORESET#0 as SIB1 declares it */
    int n_ev;                        /* what the last ra_schedule_dl added (for the MAC's log) */
    struct ra_sched_event ev[RA_MAX_EVENTS];
    struct ra_stats stats;
};

/* Returns 0, or -EINVAL when the configuration leaves no room (Msg3 or RAR PRBs outside the carrier or
 * CORESET#0, a TBS that does not hold a RAR or a Msg3). */
int ra_init(struct ra *ra, const struct ra_config *cfg);

/* Forget every procedure (a new stream epoch). */
void ra_reset(struct ra *ra);

/* A preamble detected in the occasion that ended in UL slot `slot`. Returns the procedure's TC-RNTI, or -ENOSPC. */
int ra_preamble(struct ra *ra, uint64_t slot, int preamble, float delay_samples, uint16_t ra_rnti);

/* DL slot `slot` (usable = no SSB/SIB1, wholly DL): adds, while the slot's PDCCH candidates (a, begun by the
 * caller for this slot), PDSCH PRBs and request entries last, a Msg4 (at most one; its HARQ-ACK slot wholly UL),
 * RARs (one per RA-RNTI; their Msg3 slot wholly UL) and Msg3 retransmission grants (DCI 0_0 TC-RNTI, no PDSCH;
 * stats.msg3_retx counts them), in that order; what does not fit waits for a later slot. A MAC PDU goes in a
 * buffer of pool (index in the PDSCH). ra->ev lists what was added. Returns the number of PDCCHs added. */
int ra_schedule_dl(struct ra *ra, uint64_t slot, bool usable, struct dl_slot_request *dl, struct tb_pool *pool,
                   struct pdcch_alloc *a);

/* UL slot `slot`: the Msg3 PUSCHs due in it. Returns how many were added to ul. */
int ra_schedule_ul(struct ra *ra, uint64_t slot, struct ul_slot_request *ul);

/* The slot a RAR sent in `slot` puts its Msg3 in. */
uint64_t ra_msg3_slot(const struct ra *ra, uint64_t rar_slot);

/* A PUSCH decoded for TC-RNTI `rnti` in UL slot `slot`: the Msg3 of a procedure? Returns the procedure or NULL.
 * CRC OK: RA_MSG3_DONE; KO: RA_MSG3_RETX_DUE, or RA_FREE after RA_MSG3_MAX_TX transmissions. */
struct ra_proc *ra_msg3_received(struct ra *ra, uint64_t slot, uint16_t rnti, bool crc_ok);

/* The RRC's DL-CCCH answer (RRCSetup, RRCReject) to the Msg3 of TC-RNTI `rnti`: queued as Msg4. Returns 0, or
 * -ENOENT (no procedure waits for it), -EMSGSIZE. */
int ra_dl_ccch(struct ra *ra, uint16_t rnti, const uint8_t *sdu, size_t len, bool is_setup);

/* Forget the procedure of TC-RNTI rnti (a Msg3 without a CCCH SDU, an RRC that will not answer). */
void ra_release(struct ra *ra, uint16_t rnti);

/* The HARQ-ACK of a Msg4 on PUCCH in UL slot `slot`. Returns the procedure (state RA_DONE when acknowledged),
 * or NULL when none was expected. */
struct ra_proc *ra_msg4_feedback(struct ra *ra, uint64_t slot, uint16_t rnti, bool ack);

/* The PDCCH of a DCI in SS#1 for rnti: a free candidate of CORESET#0 placed by a (AL4 wanted; first CCE below
 * cce_limit when > 0), n_ID = PCI and n_RNTI = 0 as in every common search space (38.211 7.3.2.3). The DCI bits
 * and length are the caller's. 0, or -ENOSPC (no free candidate: defer). */
int ra_ss1_pdcch(const struct ra *ra, struct pdcch_alloc *a, uint16_t rnti, int cce_limit, struct dl_pdcch *p);

/* A PDSCH like ra_css_pdsch's on n_rb RBs from CRB crb_start at MCS mcs (any RBs of the carrier: the PDSCH of a
 * DCI 1_0 in a UE-specific search space counts its RIV from the BWP's start, 38.214 5.1.2.2.2). Returns the TBS
 * or -EINVAL. */
int ra_pdsch_at(const struct ra_config *c, int crb_start, int n_rb, int mcs, struct pdsch_grant *gr,
                struct tbs_mcs *row);
/* The same with MCS row mcs of table t (38.214 5.1.3.1: Table 5.1.3.1-2 for a DCI 1_1 with mcs-Table qam256;
 * the DM-RS as for DCI 1_0: antenna ports row 3 of Table 7.3.1.2.2-1 gives that). */
int ra_pdsch_at_table(const struct ra_config *c, enum tbs_mcs_table t, int crb_start, int n_rb, int mcs,
                      struct pdsch_grant *gr, struct tbs_mcs *row);

/* A PDSCH scheduled by DCI 1_0 in SS#1 (RAR, Msg4, C-RNTI): n_rb RBs from CORESET#0's first, row 0 of the
 * SIB1's PDSCH list, DM-RS as DCI 1_0 implies, MCS c->rar_mcs of Table 5.1.3.1-1. Fills gr (slot and RNTI are the
 * caller's) and row; returns the TBS or -EINVAL. */
int ra_css_pdsch(const struct ra_config *c, int n_rb, struct pdsch_grant *gr, struct tbs_mcs *row);

/* 38.213 4.2: the RAR's T_A for a round-trip delay of delay_samples at the cell's sample rate. */
int ra_timing_advance(const struct ra *ra, float delay_samples);

/* 38.213 4.2: one T_A step, 16 64 Tc / 2^mu with Tc = 1 / (480 kHz 4096), in seconds, for a 15 or 30 kHz
 * carrier. */
static inline double ra_ta_step_s(int scs_khz)
{
    return 16.0 * 64.0 / (480e3 * 4096.0) * 15.0 / (scs_khz >= 15 ? scs_khz : 15);
}

/* The 27-bit RAR UL grant (38.213 Table 8.2-1) for Msg3 on PRBs [prb_start, + nof_prb) of an N-PRB UL BWP. */
int ra_ul_grant(int n_rb_bwp, int prb_start, int nof_prb, int tdra_row, int mcs, uint32_t *grant);

#endif
