/* Connected UEs in the MAC: the context a UE gets once random access resolved its contention (Msg4 ACKed), its
 * SRB1 (RLC AM, 38.322, with the 38.331 9.2.1 default configuration; PDCP for SRBs, 38.323, 12-bit SN and
 * MAC-I) and its uplink grants until the RRC has its RRCSetupComplete.
 *
 * PUCCH: context k owns the dedicated resources of mac/ue_res.h (its RRCSetup carries them: the MAC sets them
 * aside when the Msg3 arrives and hands them to the RRC with the RRCSetupRequest); HARQ-ACK on resource 0 (PRI 0),
 * SR on resource 2 at the UE's own offset.
 * Scheduling requests: the SR resource is received at its occasions (38.213 9.2.4: (slot - offset) mod period =
 * 0); a detected transmission is a positive SR and earns a grant; a BSR above zero keeps the grants coming.
 * Downlink on SRB1: whatever RLC AM has to send (STATUS PDUs first: srsUE polls on RRCSetupComplete) goes in a
 * DCI 1_0 with the C-RNTI in SS#1 (same CCE as the UL grants: one of the two per slot) and a PDSCH in CORESET#0's
 * RBs (ra_css_pdsch), MAC PDU = one SRB1 SDU + padding; its HARQ-ACK on PUCCH resource 0 of set 0 (PRI 0), k1 = 4
 * (dl-DataToUL-ACK {1..8}); a NACK is only logged (RLC AM recovers).
 * Uplink grants: DCI 0_0 with CRC scrambled by the C-RNTI (38.212 7.3.1.1.1, aligned to the size of 1_0 in the
 * same search space, 7.3.1.0) in SS#1 on CORESET#0 (srsUE searches every configured search space for its
 * C-RNTI), PUSCH k2 slots later (row 0 of the PUSCH list: k2 = 4 suits srsUE, which builds UL 4 slots ahead),
 * DM-RS as DCI 0_0 implies (type 1, pos2, 2 CDM groups without data), new data every grant (NDI toggled;
 * RLC AM retransmits what a failed TB carried). A UE gets a grant every ue_grant_period slots until its
 * RRCSetupComplete arrives, then none (no SR handling yet).
 * Uplink data: the MAC PDU's SRB1 SDUs through RLC AM and PDCP; the UL-DCCH SDUs PDCP delivers are queued for
 * the RRC; BSRs are parsed (PHR and other CEs are listed by LCID in the log); a malformed PDU is counted and
 * dropped.
 *
 * Time: slots of the stream, and the RLC/PDCP timers in ms derived from them (no clock reads).
 * Threading: the MAC stage only. Entities are allocated at init for MAC_MAX_UES UEs; nothing after.
 */
#ifndef GNBD_MAC_UE_H
#define GNBD_MAC_UE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdcp/pdcp_srb.h"
#include "phy/ch/pdcch.h"
#include "phy/dl/phy_dl.h"
#include "phy/ul/phy_ul.h"
#include "mac/ra.h"
#include "mac/tb_pool.h"
#include "mac/ue_res.h"
#include "mac/ul_map.h"
#include "rlc/rlc_am.h"

#define MAC_MAX_UES 8
#define MAC_DCCH_OUT 8
#define MAC_DCCH_MAX 1024

struct mac_ue {
    bool active;
    uint16_t crnti;
    struct ue_pucch_res res;        /* its dedicated PUCCH resources (context index = res.index) */
    bool setup_complete;            /* the RRC got its RRCSetupComplete (or any UL-DCCH message) */
    uint32_t ndi;
    uint64_t grant_slot;            /* PUSCH slot of the outstanding grant, 0 = none */
    int grant_prb;                  /* its first PRB */
    uint64_t last_grant_dci_slot;
    int ta;
    struct rlc_am srb1;
    struct pdcp_srb pdcp1;
    uint64_t pusch_ok, pusch_ko, rlc_pdus, dcch_sdus, bsr_bytes;
    bool sr_pending;                /* a positive SR not yet answered with a grant */
    uint32_t dl_ndi;
    uint64_t srs, dl_pdus, dl_acks, dl_nacks;
    uint64_t ack_slot;              /* UL slot of the outstanding SRB1 PDSCH's HARQ-ACK, 0 = none */
    uint64_t ack_on_sr_slot;        /* slot whose HARQ-ACK came on the SR resource (positive SR) */
    /* for the UE table (gnb/ue_table.h): the last PUSCH's SNR and timing error, the UL slot of the last
     * reception (Msg4 HARQ-ACK, PUSCH, valid PUCCH), grants sent */
    float pusch_snr_db, pusch_ta_us;
    uint64_t last_rx_slot, ul_grants;
    bool dcch_unacked;              /* a DL-DCCH SDU of the RRC is queued or not yet acknowledged */
    bool dcch_last_sent;            /* ... and the PDSCH of ack_slot carried its last data */
    bool lost_reported;
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
    int grant_prb_start, grant_nof_prb, grant_mcs;
    int grant_period;               /* slots between grants before RRCSetupComplete */
    int sr_period;                  /* SR resource periodicity (slots) of the RRCSetups */
    struct slot_pattern pattern;    /* SR offsets only in wholly UL slots */
    struct ra_config css;           /* the SS#1 / CORESET#0 PDSCH geometry (ra_css_pdsch) */
};

struct mac_ues {
    struct mac_ue_config cfg;
    struct ue_res_layout layout;
    struct ul_map *ul_map;          /* the MAC's: grants are placed in it (NULL: the fixed grant PRBs) */
    int slots_per_frame;
    struct mac_ue ue[MAC_MAX_UES];
    struct ul_pusch_req grant;      /* template */
    struct mac_dcch_sdu out[MAC_DCCH_OUT];
    int n_out;
    struct mac_ue *delivering;      /* the UE whose SRB1 is delivering (RLC/PDCP callbacks) */
    uint64_t malformed_pdus, dcch_dropped;
    struct mac_ue_event ev[MAC_UE_EVENTS];
    int n_ev;
    uint64_t now_slot;              /* the last DL slot scheduled (PDCP's time for DL SDUs) */
    uint64_t released, events_dropped;
};

int mac_ues_init(struct mac_ues *u, const struct mac_ue_config *cfg);
void mac_ues_free(struct mac_ues *u);
void mac_ues_reset(struct mac_ues *u);

/* A UE whose contention was resolved, in context `index` (the one whose resources its RRCSetup gave it): the
 * context, or NULL when index is out of range or taken by another UE. */
struct mac_ue *mac_ue_add(struct mac_ues *u, uint16_t crnti, int ta, int index);

/* The dedicated PUCCH resources of context index (mac/ue_res.h). Returns 0 or -EINVAL. */
int mac_ues_res(const struct mac_ues *u, int index, struct ue_pucch_res *r);
struct mac_ue *mac_ue_find(struct mac_ues *u, uint16_t rnti);

/* DL slot `slot` (usable as for random access): a DCI 0_0 for one UE that needs an UL grant. Returns 1 when
 * one was added. */
int mac_ues_schedule_dl(struct mac_ues *u, uint64_t slot, bool usable, bool pusch_slot_ul, bool ack_slot_ul,
                        struct dl_slot_request *dl, struct tb_pool *pool);
/* UL slot `slot`: the PUSCHs granted for it. */
int mac_ues_schedule_ul(struct mac_ues *u, uint64_t slot, struct ul_slot_request *ul);

/* A PUSCH decoded for a connected UE in UL slot `slot`. */
void mac_ue_pusch(struct mac_ues *u, struct mac_ue *ue, uint64_t slot, const struct ul_pusch_result *r,
                  const uint8_t *tb);

/* A PUCCH of a connected UE: an SR or the HARQ-ACK of an SRB1 PDSCH. Returns true when it was one of ours. */
bool mac_ue_pucch(struct mac_ues *u, uint64_t slot, const struct ul_pucch_result *r);

/* The next UL-DCCH SDU for the RRC: 1 with *out filled, 0 when none. */
int mac_ues_take_dcch(struct mac_ues *u, struct mac_dcch_sdu *out);

/* A DL-DCCH SDU of the RRC for the UE's SRB1: through PDCP (38.323 5.2.1, no security yet) into RLC AM, sent
 * on the UE's next SRB1 PDSCH; a MAC_UE_DELIVERED event follows its acknowledgement. 0, -ENOENT (no such UE)
 * or PDCP's / RLC's error (-EMSGSIZE, -ENOBUFS). */
int mac_ue_dl_dcch(struct mac_ues *u, uint16_t rnti, const uint8_t *sdu, size_t len);

/* The RRC released the UE: its context goes (grants and PUCCH stop; SRB1 is re-established when the context is
 * reused). 0 or -ENOENT. */
int mac_ue_release(struct mac_ues *u, uint16_t rnti);

/* The next UE event for the RRC: 1 with *ev filled, 0 when none. */
int mac_ues_take_event(struct mac_ues *u, struct mac_ue_event *ev);

#endif
