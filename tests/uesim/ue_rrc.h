/* The UE simulator's RRC for connection establishment (38.331 5.3.3), over the project's RRC codec:
 *   - RRCSetupRequest (5.3.3.3): ue-Identity = a 39-bit randomValue, establishmentCause mo-Signalling; its 6 bytes
 *     are the UL-CCCH SDU of Msg3 and the contention resolution identity;
 *   - RRCSetup (5.3.3.4): the masterCellGroup's CellGroupConfig applied as far as this UE uses it (5.3.5.5):
 *     the SRB1 RLC bearer's RLC-Config (AM, SN length, t-PollRetransmit, pollPDU, pollByte, maxRetxThreshold,
 *     t-Reassembly, t-StatusProhibit; absent = the 38.331 9.2.1 default), the PUCCH-Config of the initial UL BWP
 *     (resource set 0 for HARQ-ACK of up to 2 bits, set 1 of format 2 resources for more, indexed by the PUCCH
 *     resource indicator, 38.213 9.2.1, 9.2.3; the SR resource's periodicity, offset and PUCCH resource, 38.213 9.2.4; dl-DataToUL-ACK) and the PUSCH-Config's
 *     time domain list, and DCI 1_1: when a second UE-specific search space on the first one's CORESET monitors
 *     formats 0_1/1_1, its candidates (monitored in the first one's slots) and the 1_1 sizing of
 *     rrc_serving_cell_dci_1_1(), with PDSCH-Config's mcs-Table (qam256: 38.214 Table 5.1.3.1-2 for 1_1).
 *     Set 0 and the SR take format 1 resources only, set 1 format 2 only;
 *   - RRCSetupComplete (5.3.3.4): selectedPLMN-Identity 1 and a dedicatedNAS-Message, transaction identifier of
 *     the RRCSetup.
 * Which list a DCI uses is the caller's (38.214 Table 6.1.2.1.1-1: a DCI 0_0 in a common search space on
 * CORESET#0 keeps pusch-ConfigCommon's list; 38.213 9.2.3: DCI 1_0 keeps k1 in {1..8}).
 *
 * Threading: ue_rrc_setup_complete builds the message in one static buffer (uesim is single-threaded); the
 * others are pure functions over caller memory.
 */
#ifndef GNBD_UESIM_UE_RRC_H
#define GNBD_UESIM_UE_RRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/pdcch.h"
#include "phy/ch/pucch.h"
#include "rlc/rlc_am.h"
#include "rrc/msg/cell_group_config.h"

#define UE_RRC_MAX_HARQ_RES 8

/* What the UE applies from RRCSetup's CellGroupConfig. */
struct ue_rrc_config {
    int srb1_lcid;                              /* logicalChannelIdentity of SRB1 */
    struct rlc_am_config rlc;                   /* SRB1 (UL-AM-RLC for sending, DL-AM-RLC for receiving) */
    int nof_harq_res;                           /* PUCCH resource set 0, in PRI order */
    struct pucch_resource harq_res[UE_RRC_MAX_HARQ_RES];
    int nof_harq_res1;                          /* PUCCH resource set 1 (format 2: 3 HARQ-ACK bits or more) */
    struct pucch_resource harq_res1[UE_RRC_MAX_HARQ_RES];
    bool has_sr;
    int sr_period, sr_offset;                   /* slots */
    struct pucch_resource sr_res;
    int nof_k1;
    int k1[8];                                  /* dl-DataToUL-ACK (DCI 1_1) */
    bool has_pusch_tdra;
    struct rrc_tdra_list pusch_tdra;            /* PUSCH-Config's list (DCI 0_0 in a UE-specific space, 0_1) */
    int beta_ack_index;                         /* uci-OnPUSCH semiStatic betaOffsetACK-Index1 (38.213 9.3), -1 */
    double uci_alpha;                           /* ... its scaling */
    /* the UE-specific search space for C-RNTI DCIs (pdcch-Config: the first search space of type ue-Specific
     * with formats 0_0/1_0, else the first with 0_1/1_1, on its CORESET: one run of 6-RB groups from the BWP's
     * start = CRB 0, non-interleaved, DM-RS N_ID = PCI from CRB 0; 38.211 7.3.2.2, 7.4.1.3.2) */
    bool has_uss;
    int uss_id, uss_coreset_id;                 /* searchSpaceId, p of 38.213 10.1's hashing */
    struct pdcch_coreset uss_cs;                /* at the first monitored symbol */
    int uss_cand[PDCCH_NUM_AL];
    int uss_period, uss_offset, uss_duration;   /* monitoring slots */
    bool has_pdsch_tdra;
    struct rrc_tdra_list pdsch_tdra;            /* PDSCH-Config's list (DCI 1_0 in a UE-specific space) */
    bool uss_fallback;                          /* the uss_* search space carries 0_0/1_0 (else 0_1/1_1) */
    bool has_dci_1_1;                           /* a 0_1/1_1 search space on uss_coreset_id, 1_1 and 0_1 sizable */
    int uss11_id, uss11_cand[PDCCH_NUM_AL];
    struct dci_1_1_config dci_1_1;
    struct dci_0_1_config dci_0_1;
    bool qam256;                                /* mcs-Table qam256 */
};

/* Applies cg into c for a cell with Physical Cell ID pci and an active DL/UL BWP of n_rb_bwp RBs. Returns 0, or -EINVAL with the reason in why (no SRB1
 * bearer, no spCellConfigDedicated, a resource set 0 without format 1 resources, an SR resource that is not
 * format 1 or has a sub-slot period, no usable UE-specific search space). */
int ue_rrc_apply_cell_group(const struct rrc_cell_group_config *cg, int pci, int n_rb_bwp, struct ue_rrc_config *c,
                            char *why, size_t len);

/* The 6-byte UL-CCCH message with RRCSetupRequest for a 39-bit random identity. Returns 0 or -EINVAL. */
int ue_rrc_setup_request(uint64_t identity, uint8_t out[6]);

/* The UL-DCCH message with RRCSetupComplete. Returns 0, -EINVAL or -ENOSPC. */
int ue_rrc_setup_complete(int transaction_id, const uint8_t *nas, size_t nas_len, uint8_t *buf, size_t cap,
                          size_t *len);

#endif
