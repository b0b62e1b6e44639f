/* RRCSetup builder: the DL-CCCH RRCSetup gnbd sends a UE in Msg4 (38.331 5.3.3.4, 6.2.2), from a plain
 * description of the cell. Its content is what srsUE needs to apply the configuration and answer with
 * RRCSetupComplete (docs/SRSUE.md §4.1) and what 38.331 lets a phone use:
 *   - radioBearerConfig: SRB1 without pdcp-Config (the default SRB1 PDCP configuration, 38.331 9.2.1);
 *   - masterCellGroup: rlc-BearerToAddModList with SRB1 on LCID 1 (RLC AM and logical channel values of the
 *     default SRB1 configuration, 38.331 9.2.1, with ul-SpecificParameters), mac-CellGroupConfig (one SR
 *     configuration without sr-ProhibitTimer, BSR, TAG, PHR), physicalCellGroupConfig with the dynamic HARQ-ACK
 *     codebook, spCellConfig with spCellConfigDedicated:
 *       PDCCH: CORESET#1 non-interleaved, precoder sameAsREG-bundle, the whole carrier in 6-RB groups;
 *              SS#2 on it, UE-specific, DCI 0_1/1_1 only, every slot from symbol 0 (the UE's 0_0/1_0 stay
 *              in the common search spaces on CORESET#0: 3 DCI sizes with C-RNTI, the budget of 38.212
 *              7.3.1.0, checked by rrc_dci_budget());
 *       PDSCH: DMRS mapping type A (setup), TCI state 0 on SS/PBCH block 0, resource allocation type 1, one
 *              time domain row; no mcs-Table (Table 5.1.3.1-1 for every UE: a UE gets mcs-Table qam256 in a
 *              later RRCReconfiguration once its capabilities say it supports it, rrc/rrc_cell.h);
 *       PUCCH: format 1 resources 0 and 1 (resource set 0, up to 2 HARQ-ACK bits), format 1 resource 2 for SR,
 *              format 2 resource 3 (resource set 1), formats 1 and 2 set up, one SR resource,
 *              dl-DataToUL-ACK {1..8} (the DCI 1_0 mapping of 38.213 9.2.3, so 1_0 and 1_1 agree) or the
 *              8 values of the description (TDD: the k1 of each DL slot, mac/harq_ack.h);
 *       PUSCH: DMRS mapping type A (setup), resource allocation type 1, a time domain list {k2, type A, S 0,
 *              L 14}, UCI on PUSCH with semi-static beta offsets; no CSI, no SRS.
 * The PUCCH resources and the SR offset are the UE's own (struct rrc_setup_ue_pucch, chosen by the MAC: mac/ue_res.h
 * keeps every UE's apart, near the top of the carrier, away from the common PUCCH and the PRACH).
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_RRC_MSG_RRC_SETUP_BUILDER_H
#define GNBD_RRC_MSG_RRC_SETUP_BUILDER_H

#include "rrc/msg/dl_ccch.h"

/* One UE's dedicated PUCCH resources (38.331 PUCCH-Config; PRBs within the carrier = BWP). */
struct rrc_setup_ue_pucch {
    int f1_prb, f1_cs;           /* resources 0..2: format 1, 14 symbols from 0: PRB, initialCyclicShift 0..11 */
    int ack_occ[2], sr_occ;      /* timeDomainOCC 0..6 of resources 0 and 1 (set 0, HARQ-ACK) and 2 (SR) */
    int f2_prb, f2_symbol;       /* resource 3: format 2, 1 PRB, 2 symbols from f2_symbol (0..12) */
    int sr_offset;               /* 0..sr_period_slots-1 */
};

struct rrc_setup_cell_desc {
    int nof_prb;                 /* carrier = BWP size */
    int pdsch_start_symbol;      /* first PDSCH symbol after the CORESETs (1..3) */
    int coreset1_duration;       /* symbols 1..3 */
    int ss2_candidates[5];       /* SS#2 candidates at aggregation levels 1, 2, 4, 8, 16 */
    bool dl_256qam;              /* PDSCH mcs-Table qam256 for the UEs that support it, later (default true) */
    int sr_period_slots;         /* 1, 2, 4, 5, 8, 10, 16, 20, 40, 80, 160, 320, 640 */
    int sr_trans_max;            /* 4, 8, 16, 32, 64 */
    int pusch_k2;                /* k2 of the dedicated PUSCH time domain list (the SIB1 list's, so that a UE
                                    falling back to either reads the same) */
    struct rrc_setup_ue_pucch ue;  /* the UE's own resources (defaults: the first UE of a 52-PRB carrier) */
    int dl_data_to_ul_ack[8];    /* PUCCH-Config dl-DataToUL-ACK (0..15; mac/harq_ack.h builds it from the TDD
                                    pattern); all 0: {1..8} */
};

void rrc_setup_builder_defaults(struct rrc_setup_cell_desc *d);

/* The pdcch-Config RRCSetup carries (CORESET#1, SS#2 with DCI 0_1/1_1), for the MAC that schedules in it. */
void rrc_setup_builder_pdcch(const struct rrc_setup_cell_desc *d, struct rrc_pdcch_config *c);

/* Fills msg with the RRCSetup for transaction `transaction_id` (0..3). Returns 0 or -EINVAL (a carrier too
 * small for the PUCCH resources, a value out of range). */
int rrc_setup_builder_build(const struct rrc_setup_cell_desc *d, int transaction_id, struct rrc_dl_ccch_msg *msg);

#endif
