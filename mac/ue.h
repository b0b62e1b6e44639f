/* Connected UEs in the MAC: the context a UE gets once random access resolved its contention (Msg4 ACKed), its
 * SRB1 (RLC AM, 38.322, with the 38.331 9.2.1 default configuration; PDCP for SRBs, 38.323, 12-bit SN and
 * MAC-I) both ways, its uplink grants with HARQ, its SRB1 downlink with HARQ, and its timing advance.
 *
 * PUCCH: context k owns the dedicated resources of mac/ue_res.h (its RRCSetup carries them: the MAC sets them
 * aside when the Msg3 arrives and hands them to the RRC with the RRCSetupRequest); HARQ-ACK on resource 0 (PRI 0,
 * set 0, format 1: 1-2 bits) or resource 3 (set 1, format 2: 3 bits or more, only in TDD, then the SR is a bit
 * after them, 38.213 9.2.5.2; contexts sharing that resource, mac/ue_res.h, never use it in the same slot),
 * SR on resource 2 at the UE's own offset.
 * Scheduling requests: the SR resource is received at its occasions (38.213 9.2.4: (slot - offset) mod period =
 * 0); a detected transmission is a positive SR and earns a grant; a BSR the grants since have not covered keeps
 * them coming, before and after the RRCSetupComplete.
 *
 * Uplink grants (38.321 5.4.1-5.4.2; 38.212 7.3.1.1.2; 38.214 6.1.2): DCI 0_1 with CRC scrambled by the C-RNTI,
 * in the UE-specific SS#2 on CORESET#1 as RRCSetup configured them (cfg.uss; a candidate the slot's PDCCH
 * allocator, mac/pdcch_alloc.h, finds free, AL4 wanted; Y_p,n hashed from the C-RNTI, 38.213 10.1), sized by
 * cfg.dci_0_1 (FDRA type 1 over the BWP, antenna ports row 2 of Table 7.3.1.1.2-8: port 0 with two CDM groups
 * without data, the DM-RS a 0_0 implies; UL-SCH indicator 1; 1st DAI = V_T-DAI,UL, 38.213 9.1.3.2: the DL DCIs
 * whose HARQ-ACK the PUSCH carries, set again when a PDSCH of the same slot adds one, 3 (= 4) for none);
 * without cfg.uss_non_fallback DCI 0_0 sized like 1_0 there (7.3.1.0), PUSCH k2 slots later (row 0 of pusch-Config's list, the same k2 as the SIB1's; k2 = 4 suits
 * srsUE, which
 * builds UL 4 slots ahead), DM-RS as DCI 0_0 implies (type 1, pos2, 2 CDM groups without data), on PRBs the UL
 * map (mac/ul_map.h) has free in the PUSCH's slot. A UE has as many PUSCHs in flight as HARQ processes are busy:
 * one grant per DCI slot (so one PUSCH per UL slot), each PUSCH result matched to its process by the request's
 * HARQ id and slot.
 *   - Size (38.321 6.1.3.1): the BSR's buffer size (the upper end of its Table 6.1.3.1-1/-2 level, summed over
 *     the LCGs; the top level as its lower bound) plus MAC_UE_UL_OVERHEAD bytes for the MAC/RLC headers and CEs
 *     gives the fewest PRBs whose TBS at the grant's MCS (38.214 6.1.4.2) holds it, at most grant_max_prb (or the
 *     longest free run the UL map has). What a grant carries is counted against the BSR until the next BSR, which
 *     starts the count again from the new TBs granted after its PUSCH (they carry part of what it reports).
 *     While the BSR is not covered the UE gets a grant in every DCI slot. Without a BSR (an SR, the first grants
 *     before RRCSetupComplete) a grant has grant_nof_prb; an SR, or nothing reported before RRCSetupComplete
 *     (then every grant_period slots), earns one only while no new TB's PUSCH is in flight (its BSR will tell).
 *   - HARQ: MAC_UE_UL_HARQ processes per UE, one NDI each; a new TB takes the next free process and toggles its
 *     NDI. A PUSCH whose CRC fails (or that is never reported: DTX looks the same) is retransmitted on the same
 *     process with the same NDI, as many PRBs (its own when free) and MCS, and the next rv of 0, 2, 3, 1 (38.214
 *     6.1.4; NR has no non-adaptive retransmission: each one is a UL DCI, 0_1 (0_0 without cfg.uss_non_fallback)), before any new TB, up to
 *     MAC_UE_UL_MAX_TX transmissions; then the TB is dropped (ul_ko; RLC AM recovers what it carried). PHY UL
 *     combines the transmissions (phy/ul/phy_ul.h).
 *
 * DRBs (38.331 DRB-ToAddMod, up to MAC_UE_DRBS per UE, mac_ues_drb_setup; the RRC tells the UE the same in
 * RRCReconfiguration), each with its own entities:
 * RLC AM (18- or 12-bit SN) + PDCP for DRBs (pdcp/pdcp_drb.h, 18- or 12-bit SN, NEA with K_UPenc after
 * mac_ues_drb_security, no integrity) + the SDAP header when configured (37.324 6.2.2: DL one octet RDI 0 | RQI 0
 * | QFI, added here; UL D/C | R | QFI, removed here; an UL end-marker (D/C 0) is dropped), on its own LCID (the
 * RRC's: DRB n on LCID n + 3). DL IP packets (mac_ues_dl_data) wait in its RLC AM queue (MAC_DRB_TX_SLOTS of peak rate: refused with -ENOBUFS before PDCP
 * takes a COUNT); UL packets wait in one queue for all UEs (mac_ues_take_ul_data, MAC_UL_DATA_OUT). The entities
 * are allocated at init for every context the carrier has and configured at setup without allocation; they go
 * with the UE (mac_ue_release; mac_ues_reset; a context reused starts without a DRB) or alone
 * (mac_ues_drb_release, the others untouched).
 *
 * Downlink TBs: SRB1 and the DRBs share the UE's PDSCH. A new TB is [TA command CE] + [one SRB1 RLC PDU] + [DRB
 * RLC PDUs, as many as fit] + padding: SRB1 (STATUS first, then RRC data) always before the DRBs; the DRBs in
 * round robin, one RLC PDU each per turn, the first turn going to the next DRB after the one that opened the UE's
 * previous TB (so a DRB with a full queue cannot starve another; no priority by LCID). The UL BSR is kept for the
 * whole UE (the LCGs summed), so UL grants do not tell DRBs apart: the UE's own logical channel prioritisation
 * (38.321 5.4.3.1) does. Its PRBs: the
 * longest free run of the slot (so a UE with DRB data takes every PRB left after the UEs before it in the walk),
 * the TB at most a HARQ buffer (the carrier's largest TB of its table, MAC_UE_DL_TB_MAX); after RLC has filled it, the
 * fewest PRBs that hold what was pulled. Its MCS comes from ue_dl_mcs() in ue.c, the one place it is chosen:
 * link adaptation (below); with cfg.la all zero css.rar_mcs for a UE with SRB1 only, cfg.dl_mcs once it has a
 * DRB; a retransmission keeps its TB's MCS.
 * The DRBs' RLC and PDCP timers are ticked in the slot walk while the UE is pending (a UE with DRB data, an RLC
 * timer or t-Reordering running stays pending).
 *
 * Downlink on SRB1: whatever RLC AM has to send (STATUS PDUs first: srsUE polls on RRCSetupComplete; DL-DCCH
 * SDUs of the RRC through PDCP), and a Timing Advance Command when one is due, goes in a DCI 1_1 (1_0 without cfg.uss_non_fallback) with the C-RNTI
 * in SS#2 and a PDSCH on the lowest free run of PRBs of the slot (mac/pdcch_alloc.h keeps the PDSCHs of a slot
 * on disjoint PRBs; RIV over the BWP from CRB 0, row 0 of pdsch-Config's list), sized for the
 * RLC PDU that the longest free run holds (the PDCCH and PRBs are found before RLC gives a PDU), MAC
 * PDU = [TA command CE] + [one SRB1 SDU] + padding; its HARQ-ACK k1 slots later (mac/harq_ack.h: FDD 4, TDD the
 * slot's own, dl-DataToUL-ACK as RRCSetup lists them) as the next bit of that UL slot's dynamic codebook (counter
 * DAI, 38.213 9.1.3.1), on PUCCH (above), or on the UE's PUSCH when one is granted for that slot (38.213 9.3: 1-2
 * bits; a UE with a PUSCH in a slot gets no third PDSCH for it, and no UL grant for a slot with 3 or more,
 * uci-OnPUSCH's betaOffsetACK-Index1 and scaling as RRCSetup gives them; PHY UL's PUSCH receiver decides it, DTX
 * included). DL HARQ (38.321 5.3.2): MAC_UE_DL_HARQ processes per UE, each with its own TB buffer (tb_cap
 * bytes, allocated at init: n_ctx x MAC_UE_DL_HARQ x tb_cap in all) and NDI (0 at the start, as Msg4 left process
 * 0, so each process's first TB has NDI 1); a new TB takes the next free process (a PDSCH in every DL slot while
 * data waits and one is free), its HARQ-ACK tracked by its UL slot and codebook bit (ack_pos); the TB is
 * kept until its ACK; on NACK or DTX it is sent again with the same process and NDI and the next rv, before
 * anything new, up to MAC_UE_DL_MAX_TX transmissions, then dropped (dl_ko; RLC AM recovers). SRB1 delivery with
 * several TBs in flight: the TB with the last DL-DCCH data written so far (dcch_seq) ACKed, and no other TB with
 * SRB1 data in flight; a dropped one leaves it to RLC AM's STATUS.
 *
 * Sharing (round robin): each DL slot the MAC walks the UEs in the pending set (below) in context order, starting
 * at rr_next and wrapping; first every UE's HARQ retransmissions (DL, then UL), then every UE's new data (a DL
 * TB, then a UL grant); a UE gets at most one DL and one UL DCI a slot, and as many PDSCHs / PUSCHs in flight as
 * it has HARQ processes; what finds no free PDCCH candidate, PRBs (DL: the slot's PDSCH map; UL: the UL map, at most
 * UL_MAX_PUSCH PUSCHs a slot) or request entry waits. The next slot's walk starts after the last UE given new
 * data, so the UEs left out come first then.
 * Slot cost: the walk visits only the pending set (`pending`, one bit per context): a UE enters it on any event
 * (added, a PUSCH or PUCCH result, an SR, RRC data for SRB1, a C-RNTI Msg3) and leaves it when it has nothing
 * left to do or wait for (no HARQ process busy, no grant, HARQ-ACK, SR, uncovered BSR, TA command or hold, RLC AM
 * empty with no timer running, RRCSetupComplete in). Besides that set the slot path touches, per UE, only the
 * contexts whose SR occasion is in the slot (sr_at: one PUCCH request each, every sr_period slots). So an idle
 * connected UE costs nothing per slot beyond its SR occasion, and the pending/SR sets are one 64-bit word each
 * (MAC_MAX_UES <= 64); mac_ue_find (indications) still scans the connected UEs.
 *
 * MCS (link adaptation, mac/link_adapt.h; Table 5.1.3.1-1, what DCI 1_0 / 0_0 read, or for the DL with
 * cfg.dl_256qam Table 5.1.3.1-2 for DCI 1_1, 38.214 5.1.3.1): link_adapt_dl_mcs() /
 * link_adapt_ul_mcs() for each new TB (a retransmission keeps its TB's), fed with every PUSCH SNR and each first
 * transmission's HARQ-ACK (NACK / DTX / lost: failure) or CRC; cfg.la all zero: fixed (DL as above, UL grant_mcs).
 *
 * Timing advance (38.321 5.2, 6.1.3.4; 38.213 4.2): every decoded PUSCH reports its timing offset (DM-RS phase
 * slope, samples, late > 0; Msg3's starts the loop: the RAR's T_A came from the preamble). The MAC keeps a
 * filtered value per UE (exponential, weight 1/2, at least MAC_UE_TA_MIN_MEAS measurements). When it is at least
 * half a T_A step (16 64 Tc / 2^mu: 0.52 us at 15 kHz, 6 samples at 11.52 Msps), the next SRB1 PDSCH carries a
 * Timing Advance Command MAC CE (LCID 61, TAG 0, T_A = 31 + round(offset / step), clamped to 0..63: the UE moves
 * by (T_A - 31) 16 64 Tc / 2^mu; 38.213 4.2), or a PDSCH of that CE and padding when SRB1 has nothing. The filter
 * then starts over, ignoring PUSCHs of the next MAC_UE_TA_HOLD_MS ms (sent before the UE applied the command).
 *
 * Uplink data: the MAC PDU's SRB1 SDUs through RLC AM and PDCP; the UL-DCCH SDUs PDCP delivers are queued for
 * the RRC; the DRB's LCID through its RLC AM, PDCP and SDAP to the UL data queue; BSRs are parsed (PHR and other CEs are listed by LCID in the log); a malformed PDU is counted and
 * dropped.
 *
 * Counters per UE (struct mac_ue: ul_tx, ul_retx, ul_ko, dl_pdus, dl_retx, dl_ko, ta_commands, ...) and summed over
 * UEs since init (struct mac_ues_stats, kept across mac_ues_reset).
 *
 * Time: slots of the stream, and the RLC/PDCP timers in ms derived from them (no clock reads).
 * Threading: the MAC stage only. Entities are allocated at init for MAC_MAX_UES UEs; nothing after.
 */
#ifndef GNBD_MAC_UE_H
#define GNBD_MAC_UE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdcp/pdcp_drb.h"
#include "pdcp/pdcp_srb.h"
#include "phy/ch/dci.h"
#include "phy/ch/pdcch.h"
#include "phy/dl/phy_dl.h"
#include "phy/ul/phy_ul.h"
#include "mac/harq_ack.h"
#include "mac/mac_pdu.h"
#include "mac/link_adapt.h"
#include "mac/pdcch_alloc.h"
#include "mac/ra.h"
#include "mac/tb_pool.h"
#include "mac/ue_res.h"
#include "mac/ul_map.h"
#include "rlc/rlc_am.h"

#define MAC_MAX_UES 64            /* contexts allocated at init; a carrier gets min(this, ue_res_max_ues) */
#define MAC_DCCH_OUT 8
#define MAC_DCCH_MAX 9000          /* 38.323 4.3.1: the largest PDCP SDU */

#define MAC_UE_UL_HARQ 16          /* UL HARQ processes per UE (DCI 0_0's 4-bit field) */
#define MAC_UE_UL_MAX_TX 4         /* transmissions of one UL TB before it is dropped */
#define MAC_UE_DL_HARQ 8           /* DL HARQ processes per UE (38.331 PDSCH-ServingCellConfig without
                                    * nrofHARQ-ProcessesForPDSCH: 8; 38.214 5.1) */
#define MAC_UE_DL_MAX_TX 4         /* transmissions of one DL TB before it is dropped */
#define MAC_UE_DL_TB_MAX 16384     /* most bytes of a UE's DL TB (and of its HARQ buffer, allocated at init for
                                    * the carrier's largest 64QAM TB when smaller) */
#define MAC_UE_DL_MCS_DEFAULT 16   /* mac_ue_config.dl_mcs 0: the MCS of PDSCHs of UEs with a DRB */
#define MAC_UE_RESULT_WAIT 20      /* slots after a PUSCH / HARQ-ACK slot before a missing result counts as lost */
#define MAC_UE_UL_OVERHEAD 8       /* bytes a grant adds to the BSR: MAC subheader, RLC header, BSR/PHR CEs */
#define MAC_UE_TA_MIN_MEAS 2       /* PUSCH timing measurements before a TA command */
#define MAC_UE_TA_HOLD_MS 10       /* after a TA command: PUSCHs of this long are not measured */
#define MAC_UE_TA_NONE 31          /* T_A of "no change" (38.213 4.2) */
#define MAC_UE_MCS_ROWS 29         /* the data rows of Table 5.1.3.1-1 (DCI 1_0 / 0_0) */
#define MAC_UE_BETA_ACK_INDEX 9    /* UCI-OnPUSCH betaOffsetACK-Index1 of RRCSetup (rrc_setup_builder.c) */
#define MAC_UE_UCI_SCALING 1.0     /* ... and its scaling (f1) */

/* One UL HARQ process (38.321 5.4.2.1). */
struct mac_ul_harq {
    bool busy;                      /* a TB is in flight or waits for its retransmission */
    bool retx_due;                  /* its last transmission failed: retransmit next */
    uint32_t ndi;
    int tx;                         /* transmissions so far */
    int prb_start, nof_prb, tbs;
    int mcs;                        /* Table 5.1.3.1-1 row (link adaptation, for the new TB; kept for its retx) */
    uint64_t pusch_slot;            /* of its latest transmission */
};

/* One DL HARQ process (38.321 5.3.2) and the TB it keeps. */
struct mac_dl_harq {
    bool busy;                      /* a TB waits for its HARQ-ACK or its retransmission */
    bool retx_due;
    bool with_ta;                   /* the TB carries a TA command */
    bool srb1;                      /* ... an SRB1 AMD PDU (RRC data) */
    bool dcch_last;                 /* ... the last data of the DL-DCCH SDUs written so far (dcch_seq) */
    uint32_t dcch_seq;              /* mac_ue.dcch_seq when the TB was built */
    uint32_t ndi;
    int tx, n_rb, tbs, len;
    int mcs;                        /* of the kept TB (a retransmission keeps it) */
    enum tbs_mcs_table table;       /* ... a row of this table (the UE's when the TB was built) */
    uint64_t ack_slot;              /* UL slot of its latest transmission's HARQ-ACK, 0 = none outstanding */
    int ack_pos;                    /* its bit in that slot's HARQ-ACK codebook (0-based, mac/harq_ack.h) */
    uint8_t *tb;                    /* mac_ues.tb_cap bytes, allocated at init */
};

/* DRB (MAC_UE_DRBS per UE): RLC AM below PDCP for DRBs (38.323, 18- or 12-bit SN) with an SDAP header per direction
 * when configured (37.324 6.2.2: DL one octet RDI | RQI | QFI, UL one octet D/C | R | QFI). Resources are
 * allocated at init for every context, sized for IP packets, and the 38.331 configuration applied at setup
 * without allocation (rlc_am_reconfigure, pdcp_drb_reconfigure). */
#define MAC_UE_DRBS 4              /* DRBs a UE may have at once (38.331 maxDRB is 29): entities for each are allocated
                                   * at init (every context), so each one more costs n_ctx RLC AM + PDCP entities */
#define MAC_DRB_MAX_SDU 2048       /* the largest IP packet either way (SDAP SDU) */
/* The DL queue of one DRB: its RLC AM transmit side holds the SDUs queued and those sent but not yet acknowledged
 * by a STATUS PDU, so it must outlast the STATUS round trip (poll, the UE's t-StatusProhibit, its SR, grant and
 * PUSCH: about 20 slots) at the carrier's peak rate, or the PDSCHs come in bursts and the rest of each round
 * trip is idle. Sized at init: MAC_DRB_TX_SLOTS slots of the UE's largest TB (mac_ues.tb_cap), at least
 * MAC_DRB_TX_BYTES, and one SDU entry per MAC_DRB_TX_SDU_BYTES of it, at least MAC_DRB_TX_SDUS. */
#define MAC_DRB_TX_SLOTS 40
#define MAC_DRB_TX_SDUS 256        /* RLC AM transmit side: SDUs queued or unacknowledged, at least ... */
#define MAC_DRB_TX_BYTES (128 * 1024) /* ... and their bytes, at least */
#define MAC_DRB_TX_SDU_BYTES 512
#define MAC_DRB_RX_SLOTS 32        /* RLC AM reassembly slots (UL) */
#define MAC_DRB_PDCP_RX 64         /* PDCP reordering buffer (UL SDUs beyond RX_DELIV) */
#define MAC_UL_DATA_OUT 64         /* UL IP packets waiting for mac_take_ul_data */

/* What the RRC configures for a DRB (38.331 DRB-ToAddMod + RLC-BearerConfig); the same values go to the UE in
 * the RRCReconfiguration. rlc: only its 38.331 fields count (SN size, timers, polling, maxRetxThreshold); the
 * MAC sets the resource fields. */
struct mac_drb_config {
    int drb_id;                     /* 1..32 */
    int lcid;                       /* 4..32 */
    struct rlc_am_config rlc;
    int pdcp_sn_bits;               /* 12 or 18 */
    bool sdap_header_dl, sdap_header_ul;
    int qfi;                        /* 0..63: the QFI of the DL SDAP header */
};

struct mac_drb {
    bool active;
    int drb_id, lcid, qfi;
    bool sdap_dl, sdap_ul;
    struct rlc_am rlc;
    struct pdcp_drb pdcp;
    uint64_t dl_sdus, dl_bytes, dl_dropped;   /* IP packets queued (their bytes), refused */
    uint64_t ul_sdus, ul_bytes, ul_dropped;   /* IP packets delivered (their bytes), dropped (queue full, bad SDAP) */
};

/* A UL IP packet of a UE's DRB (after RLC, PDCP and SDAP). */
struct mac_ul_data {
    uint16_t rnti;
    int drb_id;
    int len;
    uint8_t data[MAC_DRB_MAX_SDU];
};

struct mac_ue {
    bool active;
    uint16_t crnti;
    struct ue_pucch_res res;        /* its dedicated PUCCH resources (context index = res.index) */
    bool setup_complete;            /* the RRC got its RRCSetupComplete (or any UL-DCCH message) */
    uint64_t last_grant_dci_slot;   /* DCI slot of the last new UL TB */
    uint64_t last_ul_dci_slot, last_dl_dci_slot; /* slots of the UE's last UL / DL DCI (one of each a slot) */
    struct dci_0_1 ul_dci;          /* the last DCI 0_1 (uss_non_fallback), its pdcch entry in the slot's request and */
    int ul_dci_at;                  /* PUSCH slot: its 1st DAI set again when a PDSCH of the slot adds a HARQ-ACK */
    uint64_t ul_dci_pusch_slot;
    int ta;
    struct rlc_am srb1;
    struct pdcp_srb pdcp1;
    uint64_t pusch_ok, pusch_ko, rlc_pdus, dcch_sdus, bsr_bytes;
    bool sr_pending;                /* a positive SR not yet answered with a grant */
    uint64_t srs, dl_pdus, dl_acks, dl_nacks;
    uint64_t ack_on_sr_slot;        /* slot whose HARQ-ACK came on the SR resource (positive SR) */
    /* for the UE table (gnb/ue_table.h): the last PUSCH's SNR and timing error, the UL slot of the last
     * reception (Msg4 HARQ-ACK, PUSCH, valid PUCCH), grants sent */
    float pusch_snr_db, pusch_ta_us;
    uint64_t last_rx_slot, ul_grants;
    bool dcch_unacked;              /* a DL-DCCH SDU of the RRC is queued or not yet acknowledged */
    uint32_t dcch_seq;              /* DL-DCCH SDUs written (mac_ue_dl_dcch) */
    bool dcch_last_acked;           /* the TB with the last of them was ACKed; delivered once no other TB with
                                     * SRB1 data is in flight */
    bool lost_reported;
    bool smc_pending;               /* integrity on, the SecurityModeComplete not yet seen */
    bool ul_cipher_due;             /* it was: UL deciphering from ul_cipher_count */
    uint32_t ul_cipher_count;
    /* UL HARQ: a process is granted (its PUSCH in flight) while busy && !retx_due && pusch_slot is ahead */
    struct mac_ul_harq ul_harq[MAC_UE_UL_HARQ];
    int ul_harq_next;
    uint64_t ul_tx, ul_retx, ul_ko;  /* new TBs granted, retransmission grants, TBs dropped after max tx */
    /* DL HARQ: the processes 0..MAC_UE_DL_HARQ-1 (Msg4 used 0 before, with NDI 0: each NDI starts at 0, so a
     * process's first TB carries NDI 1) */
    struct mac_dl_harq dl_harq[MAC_UE_DL_HARQ];
    int dl_harq_next;
    uint64_t dl_retx, dl_ko;         /* retransmissions sent, TBs dropped after max tx */
    /* Timing advance: ta above is N_TA in units of 16 64 Tc / 2^mu (the RAR's T_A plus commands since) */
    float ta_est;                    /* filtered PUSCH timing offset, samples, late > 0 */
    int ta_n;                        /* measurements in ta_est since the last command */
    uint64_t ta_hold;                /* PUSCHs of earlier slots are not measured */
    uint64_t ta_commands;
    int ta_last_cmd;                 /* T_A of the last command (0..63), MAC_UE_TA_NONE before any */
    uint64_t grant_bytes;            /* bytes the UL grants since the last BSR could carry */
    int phr_ph, phr_pcmax;           /* last Single Entry PHR (38.321 6.1.3.8): PH and P_CMAX,f,c indices, -1 none */
    struct mac_drb drb[MAC_UE_DRBS];  /* active ones in any slot; each with its own entities */
    int drb_rr;                       /* the DRB slot whose RLC PDU opens the next new TB (round robin) */
    struct link_adapt_ue la;         /* its link adaptation (mac/link_adapt.h); la.dl_table: its PDSCH table */
    bool dl_table_pending;           /* mcs-Table qam256 sent, not yet confirmed: new DL TBs at MCS 0 */
};

/* What the MAC tells the RRC about a UE (besides its UL-DCCH SDUs). */
enum mac_ue_event_type {
    MAC_UE_DELIVERED,               /* SRB1 delivered every DL-DCCH SDU: RLC AM STATUS or the HARQ-ACK of the
                                     * PDSCH that carried the last one */
    MAC_UE_LOST,                    /* SRB1's RLC AM reached maxRetxThreshold (38.331 5.3.10.3: RLF) */
};
struct mac_ue_event {
    enum mac_ue_event_type type;
    uint16_t rnti;
};
#define MAC_UE_EVENTS 16

/* A UL-DCCH SDU (after PDCP) for the RRC. */
struct mac_dcch_sdu {
    uint16_t rnti;
    int len;
    uint8_t data[MAC_DCCH_MAX];
};

struct mac_ue_config {
    int pci, nof_prb, scs_khz;
    int dmrs_type_a_position;
    int k2;                         /* row 0 of the PUSCH TDRA list */
    int grant_prb_start, grant_nof_prb, grant_mcs;   /* grant_nof_prb: a grant without a BSR */
    int grant_max_prb;              /* most PRBs of a BSR-sized grant (0: grant_nof_prb) */
    int grant_period;               /* slots between grants before RRCSetupComplete */
    int sr_period;                  /* SR resource periodicity (slots) of the RRCSetups */
    struct slot_pattern pattern;    /* SR offsets only in wholly UL slots */
    struct ra_config css;           /* PDSCH time domain, DM-RS and MCS (ra_pdsch_at) */
    struct pdcch_alloc_ss uss;      /* SS#2 on CORESET#1 exactly as RRCSetup configures it; no candidates at all:
                                     * mac_ues_default_uss() (what rrc_setup_builder_defaults() gives) */
    int dl_mcs;                     /* PDSCH MCS (64QAM table, 1..27) of UEs with a DRB; 0: MAC_UE_DL_MCS_DEFAULT */
    struct link_adapt_config la;    /* MCS of UE PDSCHs / PUSCHs; all zero (target_bler 0): fixed (DL: ue_dl_mcs()
                                     * in ue.c; UL: grant_mcs). la.dl_table is set here (dl_256qam) */
    bool uss_non_fallback;          /* RRCSetup's SS#2 carries DCI 0_1/1_1 (what gnbd sends): UE PDSCHs by DCI 1_1,
                                     * UL grants by DCI 0_1; false: 1_0 / 0_0 there (unit tests of the fallback
                                     * formats; a UE-specific 0_0/1_0 space breaks 38.212 7.3.1.0's size budget
                                     * where BWP and CORESET#0 differ, rrc_dci_budget) */
    bool dl_256qam;                 /* RRCSetup gave mcs-Table qam256 (needs uss_non_fallback): MCS rows of 38.214
                                     * Table 5.1.3.1-2 (5.1.3.1), la.dl_mcs_max 28 read as 27; else Table 5.1.3.1-1 */
    struct dci_1_1_config dci_1_1;  /* their sizing, as the UE derives it from RRCSetup (rrc_serving_cell_dci_1_1 */
    struct dci_0_1_config dci_0_1;  /* and _0_1); used with uss_non_fallback */
};

/* Summed over UEs since init (kept across mac_ues_reset). */
struct mac_ues_stats {
    uint64_t ul_tx, ul_retx, ul_ko, dl_tx, dl_retx, dl_ko, ta_commands, results_lost;
    uint64_t pucch_no_room;          /* PUCCH receptions due that found the slot's request full */
    uint64_t ack_codebooks_multi;    /* HARQ-ACK codebooks of more than one bit received (PUCCH or PUSCH) */
    uint64_t ack_codebooks_f2;       /* ... of them on PUCCH format 2 (3 bits or more) */
    uint64_t pending_visits;         /* UE contexts the slot walks visited (the pending set's size, summed) */
    /* DRB IP packets (SDAP SDUs) over every UE: DL queued (bytes), DL refused (too big, RLC queue full, PDCP or
     * RLC error), UL delivered (bytes), UL dropped (empty, too big, mac_take_ul_data's queue full) */
    uint64_t drb_dl_sdus, drb_dl_bytes, drb_dl_dropped, drb_ul_sdus, drb_ul_bytes, drb_ul_dropped;
};

struct mac_ues {
    struct mac_ue_config cfg;
    struct ue_res_layout layout;
    struct ul_map *ul_map;          /* the MAC's: grants are placed in it (NULL: the fixed grant PRBs) */
    int slots_per_frame;
    struct mac_ue ue[MAC_MAX_UES];
    int act[MAC_MAX_UES];           /* indices of the active contexts, in the order they were added */
    int n_act;
    struct ul_pusch_req grant;      /* template */
    struct mac_dcch_sdu out[MAC_DCCH_OUT];
    int n_out;
    struct mac_ue *delivering;      /* the UE whose SRB1 or DRB is delivering (RLC/PDCP callbacks) ... */
    struct mac_drb *delivering_drb; /* ... and which DRB (NULL: SRB1) */
    struct rlc_am_config drb_alloc; /* the DRB entities' resources (tx_sdus, tx_bytes: the DL queue, above) */
    uint64_t malformed_pdus, dcch_dropped;
    uint64_t drb_releases, drb_release_dropped; /* DRBs released alone (mac_ues_drb_release); the SDUs they held */
    struct mac_ue_event ev[MAC_UE_EVENTS];
    int n_ev;
    uint64_t now_slot;              /* the last DL slot scheduled (PDCP's time for DL SDUs) */
    int64_t drb_ms;                 /* the DRBs' RLC / PDCP time (ms, never going back) */
    uint64_t released, events_dropped;
    int grant_tbs[MAC_UE_MCS_ROWS][DCI_MAX_BWP_RB + 1]; /* TBS of n PRBs at MCS m, n = 1 .. grant_max_prb */
    struct link_adapt la;
    float ta_step_samples;             /* one T_A step, 16 64 Tc / 2^mu, at the cell's sample rate */
    uint64_t pending;                  /* bit k: context k may have work (the slot walk visits only these) */
    int rr_next;                       /* round robin: the walk's first context next slot */
    uint64_t sr_at[UE_RES_MAX_SR_PERIOD]; /* bit k: context k's SR offset is this slot of the SR period */
    struct mac_ues_stats stats;
    struct harq_ack_timing ack_timing; /* k1 of each DL slot (cfg.pattern; mac/harq_ack.h) */
    int n_ctx;                         /* contexts this carrier has (DRB entities and TB buffers allocated) */
    size_t tb_cap;                     /* bytes of each UE's DL HARQ buffer */
    uint8_t *tb_mem;
    uint8_t dl_scratch[MAC_UE_DL_TB_MAX];  /* the RLC PDUs of a TB being built */
    uint8_t drb_pdu[MAC_DRB_MAX_SDU + 16]; /* a DL PDCP PDU on its way to RLC; a UL SDU losing its SDAP header */
    struct mac_ul_data ul_out[MAC_UL_DATA_OUT];   /* UL IP packets for mac_take_ul_data, a ring */
    int ul_out_head, n_ul_out;
    uint64_t ul_data_dropped;
};

_Static_assert(MAC_MAX_UES <= 64, "the pending and SR sets are one 64-bit word");

int mac_ues_init(struct mac_ues *u, const struct mac_ue_config *cfg);

/* SS#2 on CORESET#1 as rrc_setup_builder_defaults() configures it for a carrier (see mac_ue_config.uss). */
void mac_ues_default_uss(int pci, int nof_prb, struct pdcch_alloc_ss *ss);

/* ue may have work (an event: an SR, a PUSCH, a HARQ-ACK, RRC data): the slot walk visits it again. */
void mac_ue_mark(struct mac_ues *u, const struct mac_ue *ue);
void mac_ues_free(struct mac_ues *u);
void mac_ues_reset(struct mac_ues *u);

/* A UE whose contention was resolved, in context `index` (the one whose resources its RRCSetup gave it): the
 * context, or NULL when index is out of range or taken by another UE. */
struct mac_ue *mac_ue_add(struct mac_ues *u, uint16_t crnti, int ta, int index);

/* The dedicated PUCCH resources of context index (mac/ue_res.h). Returns 0 or -EINVAL. */
int mac_ues_res(const struct mac_ues *u, int index, struct ue_pucch_res *r);
struct mac_ue *mac_ue_find(struct mac_ues *u, uint16_t rnti);

/* DL slot `slot` (usable as for random access; pusch_slot_ul: slot + k2 may take a UE PUSCH; ack_slot_ul false:
 * no UE PDSCH in this slot, else each goes where mac/harq_ack.h gives the slot a k1), with the slot's PDCCH allocator a (begun by the caller; random access placed first):
 * round robin over the pending UEs (see the top of this file), retransmissions first. Also counts lost results
 * (no PUSCH or HARQ-ACK MAC_UE_RESULT_WAIT slots after it was due) as failures and drops UEs with nothing left
 * from the pending set. Returns the number of PDCCHs added. */
int mac_ues_schedule_dl(struct mac_ues *u, uint64_t slot, bool usable, bool pusch_slot_ul, bool ack_slot_ul,
                        struct dl_slot_request *dl, struct tb_pool *pool, struct pdcch_alloc *a);
/* UL slot `slot`: the PUSCHs granted for it. */
int mac_ues_schedule_ul(struct mac_ues *u, uint64_t slot, struct ul_slot_request *ul);

/* A PUSCH decoded for a connected UE in UL slot `slot`: the HARQ-ACK it carried (38.213 9.3), HARQ (CRC KO:
 * retransmission due), timing, MAC PDU. */
void mac_ue_pusch(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const struct ul_pusch_result *r,
                  const uint8_t *tb);

/* A PUCCH of a connected UE: an SR or the HARQ-ACK of a PDSCH (not one due on its PUSCH). Returns true when it was
 * one of ours. */
bool mac_ue_pucch(struct mac_ues *u, uint64_t slot, const struct ul_pucch_result *r);

/* A timing measurement of ue's UL in `slot` (ta_samples late > 0) for the TA loop; Msg3's starts it. */
void mac_ue_ta_report(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, float ta_samples);

/* The T_A (0..63) a Timing Advance Command for ue would carry in `slot`, MAC_UE_TA_NONE when none is due. */
int mac_ue_ta_command(const struct mac_ues *u, const struct mac_ue *ue, uint64_t slot);

/* Bytes a buffer-size report stands for (38.321 6.1.3.1: each LCG's level's upper end, the top level as its lower
 * bound, summed). */
uint64_t mac_bsr_bytes(const struct mac_bsr *b);

/* The next UL-DCCH SDU for the RRC: 1 with *out filled, 0 when none. */
int mac_ues_take_dcch(struct mac_ues *u, struct mac_dcch_sdu *out);

/* SRB1 security, in the order the RRC gives it (38.331 5.3.4, 33.501 6.7.4):
 *   sc with ciphering false (before the SecurityModeCommand): integrity with sc's algorithm and K_RRCint both
 *     ways from the next PDU, no ciphering; the MAC then watches SRB1's UL for the SecurityModeComplete (the one
 *     look into RRC bytes: UL-DCCH c1 choice 5) and deciphers from its COUNT + 1 on, as the UE ciphers from
 *     there — whenever the RRC's ciphering command comes. A SecurityModeFailure (c1 choice 6) that fails the
 *     integrity check is taken unprotected, as 5.3.4.3 has the UE send it.
 *   ciphering true (after the SecurityModeComplete): DL ciphering from the next PDU; UL as above (all UL PDUs
 *     if no SecurityModeComplete was seen).
 *   sc NULL: back to NIA0/NEA0 (a failed security mode command).
 * 0, -ENOENT (no such UE) or PDCP's error (-ENOTSUP algorithm not implemented, -ENOMEM, -EIO). */
int mac_ue_srb_security_set(struct mac_ues *u, uint16_t rnti, const struct pdcp_sec_config *sc, bool ciphering);

/* A DL-DCCH SDU of the RRC for the UE's SRB1: through PDCP (38.323 5.2.1, with security once on) into RLC AM, sent
 * on the UE's next SRB1 PDSCH; a MAC_UE_DELIVERED event follows its acknowledgement. 0, -ENOENT (no such UE)
 * or PDCP's / RLC's error (-EMSGSIZE, -ENOBUFS). */
int mac_ue_dl_dcch(struct mac_ues *u, uint16_t rnti, const uint8_t *sdu, size_t len);

/* The UE's PDSCH MCS table (38.214 5.1.3.1), which the RRC changes (cfg.dl_256qam only: the UE gets DCI 1_1).
 * Every UE starts on Table 5.1.3.1-1 (RRCSetup has no mcs-Table). confirmed false: an RRCReconfiguration with
 * mcs-Table qam256 is about to go out (given before its SDU); the UE applies it at some point before its
 * RRCReconfigurationComplete (38.331 5.3.5.3), and until then new TBs use MCS 0, the one row with the same
 * modulation and code rate in both tables. confirmed true: the Complete came; Table 5.1.3.1-2 from the next TB
 * (a retransmission of an older TB sends the reserved row of its modulation order). 0, -ENOENT (no such UE),
 * -EINVAL (!cfg.dl_256qam). */
int mac_ues_dl_table(struct mac_ues *u, uint16_t rnti, bool confirmed);

/* The RRC released the UE: its context goes (grants and PUCCH stop; SRB1 is re-established when the context is
 * reused). 0 or -ENOENT. */
int mac_ue_release(struct mac_ues *u, uint16_t rnti);

/* The next UE event for the RRC: 1 with *ev filled, 0 when none. */
int mac_ues_take_event(struct mac_ues *u, struct mac_ue_event *ev);

/* DRB c->drb_id of the UE on LCID c->lcid, beside its other DRBs (set up again with the same drb_id and LCID:
 * re-established with the new configuration, security off). 0, -ENOENT (no such UE), -EINVAL (a value out of
 * range), -EBUSY (another DRB of the UE has that LCID, or that drb_id on another LCID), -ENOSPC (the UE has
 * MAC_UE_DRBS already). No allocation. */
int mac_ues_drb_setup(struct mac_ues *u, uint16_t rnti, const struct mac_drb_config *c);

/* The UE's DRB drb_id goes, the UE stays (38.331 drb-ToReleaseList + rlc-BearerToReleaseList, on the core's PDU
 * Session Resource Release): RLC AM and PDCP re-established (queues, state and keys dropped), the DL SDUs it still
 * held (queued or unacknowledged) counted in drb_release_dropped; a TB already built keeps its bytes (the UE
 * ignores the LCID once it applied the release), and UL PDUs on the LCID are dropped from now on. The same
 * drb_id may be set up again (mac_ues_drb_setup: COUNTs and SNs from 0). 0 (*dropped: SDUs dropped, may be NULL),
 * -ENOENT (no such UE, or no such DRB). No allocation. */
int mac_ues_drb_release(struct mac_ues *u, uint16_t rnti, int drb_id, uint32_t *dropped);

/* DRB drb_id's ciphering (K_UPenc, nea; integrity only if configured, never by default; the keys are the UE's,
 * the same for all its DRBs, the bearer identity drb_id - 1 tells their COUNTs apart, 33.501 D.2):
 * pdcp_drb_security_activate. 0, -ENOENT (no such UE or DRB) or PDCP's error. */
int mac_ues_drb_security(struct mac_ues *u, uint16_t rnti, int drb_id, const struct pdcp_sec_config *up);

/* How many DRBs the UE has (0 for an unknown RNTI). */
int mac_ues_drb_count(struct mac_ues *u, uint16_t rnti);

/* A DL IP packet for the UE's DRB drb_id: SDAP header (if configured), PDCP, RLC AM queue; sent on the UE's next
 * PDSCHs. 0, -ENOENT (no such UE or DRB), -EMSGSIZE (empty or beyond MAC_DRB_MAX_SDU), -ENOBUFS (queue full). */
int mac_ues_dl_data(struct mac_ues *u, uint16_t rnti, int drb_id, const uint8_t *sdu, size_t len);

/* The next UL IP packet of any UE's DRB: 1 with *out filled, 0 when none. */
int mac_ues_take_ul_data(struct mac_ues *u, struct mac_ul_data *out);

#endif
