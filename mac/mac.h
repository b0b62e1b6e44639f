/* The MAC: every scheduling decision of the cell, one call per slot.
 *
 * The pipeline's MAC stage (gnb/pipeline.c) only moves messages; this module decides. For each UL slot n the
 * radio delivers, the stage calls mac_slot(n + k) and gets back the DL request for slot n + k (what PHY DL sends:
 * SS/PBCH blocks, SIB1, and later RAR, Msg4, UE data; mac/sched_common.h) and the UL request for slot n + k (what
 * PHY UL must receive when that slot arrives k slots later: PRACH occasions; PUSCH grants and PUCCH resources
 * later). k is radio.tx_advance_slots. At the start of a stream epoch (a ZeroMQ peer reaching an empty cell; peers
 * joining a running cell do not start one) mac_epoch_start()
 * forgets everything about UEs and random access, and slots 0 .. k-1 are scheduled at once (priming).
 * Decode results come back tagged with their slot (mac_prach_indication, ...), possibly after later slots were
 * scheduled, so a slow decode never holds back the DL clock.
 *
 * Frame structure: slot n of the epoch is SFN (n / slots per frame) mod 1024; the TDD pattern (mac/slot_pattern.h,
 * 38.213 11.1) says which symbols are DL and UL; PRACH occasions follow the PRACH configuration index (38.211
 * 5.3.2, Tables 6.3.3.2-2/-3) and, in TDD, only where every symbol of the occasion is UL (38.213 8.1).
 *
 * Random access (mac/ra.h): a detected preamble is logged at info level ("PRACH: preamble=<index> ...") and
 * answered with a RAR; Msg3's UL-CCCH SDU goes to the RRC, whose answer is sent as Msg4 with the contention
 * resolution identity; an acknowledged RRCSetup makes a connected UE (mac/ue.h) with SRB1, UL grants with HARQ,
 * SRB1 downlink with HARQ and a timing-advance loop. A failed Msg3 is retransmitted by DCI 0_0 with the TC-RNTI.
 * The UL probe test mode (mac/ul_probe.h) requests a fixed PUSCH and PUCCH, whose receptions are logged
 * ("PUSCH: rnti=...", "PUCCH: rnti=...") and counted.
 *
 * Threading: one struct mac, used by the MAC stage's thread only; the counters in struct mac_stats are atomics
 * the control thread may read. No allocation after mac_init.
 */
#ifndef GNBD_MAC_MAC_H
#define GNBD_MAC_MAC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mac/pdcch_alloc.h"
#include "mac/sched_common.h"
#include "mac/sched_prach.h"
#include "mac/ra.h"
#include "mac/slot_pattern.h"
#include "mac/tb_pool.h"
#include "mac/ue.h"
#include "mac/ul_map.h"
#include "mac/ul_probe.h"
#include "phy/dl/phy_dl.h"
#include "phy/ul/phy_ul.h"

struct mac_prach_config {
    bool enabled;
    int config_index;          /* prach-ConfigurationIndex */
    bool unpaired;             /* FR1 unpaired table (TDD) */
    int ra_scs_khz;            /* short formats: msg1-SubcarrierSpacing */
    int msg1_fdm;              /* 1, 2, 4, 8 */
    int prb_first, prb_last;   /* the PRBs all its frequency occasions span (kept free of PUSCH and PUCCH) */
};

struct mac_config {
    struct sched_common_config common;
    struct slot_pattern pattern;
    struct mac_prach_config prach;
    int scs_khz;
    double sample_rate_hz;     /* for timing advance figures */
    int pci, nof_prb, dmrs_type_a_position;
    struct ul_probe_config ul_probe;   /* test mode (mac/ul_probe.h) */
    bool ra_enabled;                   /* answer preambles (needs PRACH) */
    int sr_period;                     /* the RRCSetups' SR periodicity (slots); offsets per UE (mac/ue_res.h) */
    struct ra_config ra;               /* ra.ss1_candidates: SS#1 as SIB1 declares it */
    struct pdcch_alloc_ss uss;         /* SS#2 on CORESET#1 as RRCSetup configures it (mac/ue.h) */
    int ue_dl_mcs;                     /* PDSCH MCS of UEs with a DRB (1..27; 0: MAC_UE_DL_MCS_DEFAULT) */
    struct link_adapt_config la;       /* UE MCSs (mac/link_adapt.h); all zero: fixed (mac_ue_config.la) */
    bool uss_non_fallback;             /* SS#2 carries DCI 0_1/1_1 (mac_ue_config.uss_non_fallback) */
    bool dl_256qam;                    /* Table 5.1.3.1-2 for UE PDSCHs (mac_ue_config.dl_256qam) */
    struct dci_1_1_config dci_1_1;     /* their sizing, from the RRCSetup the UEs get */
    struct dci_0_1_config dci_0_1;
};

struct mac_stats {
    _Atomic uint64_t slots_scheduled;
    _Atomic uint64_t prach_occasions;    /* occasions requested from PHY UL */
    _Atomic uint64_t prach_detections;   /* preambles reported back */
    _Atomic uint64_t prach_results;      /* occasions reported back (detected or not) */
    _Atomic uint64_t prach_errors;       /* occasions PHY UL could not search */
    _Atomic uint64_t ind_stale;          /* indications for a slot of an earlier epoch or never requested */
    _Atomic uint64_t sched_errors;       /* slots the scheduler could not fill (sent empty) */
    _Atomic uint64_t pusch_received, pusch_crc_ok, pusch_crc_failed, pusch_errors, pusch_payload_errors;
    _Atomic uint64_t ra_preambles, ra_rars, ra_rar_missed, ra_msg3_ok, ra_msg3_failed, dl_tb_pool_full;
    _Atomic uint64_t ra_msg3_no_room;  /* a RAR put off: no room for its Msg3 in the UL map */
    _Atomic uint64_t ra_c_rnti_msg3;   /* Msg3s of connected UEs (C-RNTI MAC CE) resolved by a UL grant */
    _Atomic uint64_t ra_msg4_acked, ues_connected, ul_grants;
    _Atomic uint64_t ra_msg3_retx, ra_msg3_given_up;        /* DCI 0_0 TC-RNTI grants; procedures released */
    _Atomic uint64_t ra_msg4_failed;   /* Msg4 never ACKed: contention not resolved for that TC-RNTI (lost, or no UE) */
    _Atomic uint64_t ra_backoffs;      /* RARs carrying the Backoff Indicator */
    _Atomic uint64_t ra_procs_full;    /* preambles not answered: every procedure in use */
    _Atomic uint64_t ul_harq_tx, ul_harq_retx, ul_harq_ko;  /* UE UL TBs granted, retransmission grants, dropped */
    _Atomic uint64_t dl_harq_tx, dl_harq_retx, dl_harq_ko;  /* SRB1 TBs sent, retransmitted, dropped */
    _Atomic uint64_t ta_commands, harq_results_lost;        /* TA command CEs; PUSCH / HARQ-ACK never reported */
    _Atomic uint64_t malformed_pdus, dcch_dropped;          /* UE UL MAC PDUs dropped; UL-DCCH SDUs not queued */
    _Atomic uint64_t drb_releases, drb_release_dropped;     /* DRBs released alone; the DL SDUs they still held */
    _Atomic uint64_t harq_ack_multi;   /* UE HARQ-ACK codebooks of 2 bits or more received (TDD, mac/harq_ack.h) */
    _Atomic uint64_t harq_ack_f2;      /* ... of 3 bits or more, on PUCCH format 2 */
    _Atomic uint64_t pucch_dropped;    /* PUCCH receptions due (SR, HARQ-ACK) left out: the slot's UL_MAX_PUCCH full */
    _Atomic uint64_t drb_dl_sdus, drb_dl_bytes, drb_dl_dropped;   /* DRB IP packets over every UE (mac/ue.h */
    _Atomic uint64_t drb_ul_sdus, drb_ul_bytes, drb_ul_dropped;   /* mac_ues_stats): queued / delivered, dropped */
    _Atomic uint64_t pdcch_deferred;   /* DCIs put off to a later slot: no free PDCCH candidate (mac/pdcch_alloc.h) */
    _Atomic uint64_t pucch_received, pucch_valid, pucch_dtx, pucch_invalid, pucch_errors, pucch_bit_errors;
};

#define MAC_CCCH_OUT 8
#define MAC_DL_TBS 64                  /* DL TB buffers: up to DL_MAX_PDSCH a slot for the slots in flight */
#define MAC_CCCH_MAX 64

/* A UL-CCCH SDU (Msg3's RRCSetupRequest) for the RRC. */
struct mac_ccch_sdu {
    uint16_t rnti;
    int ue_index;                      /* the UE context set aside for it, -1: none left (RRCReject) */
    struct ue_pucch_res res;           /* that context's PUCCH resources, for its RRCSetup */
    int len;
    uint8_t data[MAC_CCCH_MAX];
};

struct mac {
    struct mac_config cfg;
    struct sched_common common;
    struct sched_prach prach;
    struct ul_probe probe;
    struct ra ra;
    struct mac_ues ues;
    bool ues_ok;
    struct ul_map ul_map;              /* who uses which PRBs and symbols of the coming UL slots */
    struct pdcch_alloc pdcch;          /* the DL slot being scheduled: PDCCH candidates and PDSCH PRBs taken */
    struct tb_pool dl_tbs;             /* DL TBs the MAC fills for PHY DL (RAR, ...) */
    struct mac_ccch_sdu ccch_out[MAC_CCCH_OUT];  /* UL-CCCH SDUs waiting for the RRC */
    int n_ccch_out;
    int slots_per_frame;
    uint32_t epoch;
    struct mac_stats stats;
};

/* Returns 0, or -EINVAL for a configuration the scheduler cannot run (sched_common_init's reasons, a PRACH
 * configuration index with no occasion in the table). */
int mac_init(struct mac *m, const struct mac_config *cfg);
void mac_free(struct mac *m);

/* A new stream epoch starts at slot 0: every UE context, random-access and HARQ state is released. */
void mac_epoch_start(struct mac *m, uint32_t epoch);

/* Schedule slot `slot` of the epoch: fills dl (what PHY DL sends in it) and ul (what PHY UL receives in it).
 * Returns 0, or a negative code when the common channels could not be scheduled (dl then holds only the slot
 * timing; counted in sched_errors). */
int mac_slot(struct mac *m, uint64_t slot, struct dl_slot_request *dl, struct ul_slot_request *ul);

/* PRACH results for one occasion of UL slot `slot`. */
void mac_prach_indication(struct mac *m, uint64_t slot, const struct ul_prach_result *r);

/* A PUSCH reception of UL slot `slot` (tb: its decoded bytes, res->tb_bytes of them; not kept after the call). */
void mac_pusch_indication(struct mac *m, uint64_t slot, const struct ul_pusch_result *r, const uint8_t *tb);

/* A PUCCH reception of UL slot `slot`. */
void mac_pucch_indication(struct mac *m, uint64_t slot, const struct ul_pucch_result *r);

/* UL-CCCH SDUs for the RRC, one per call: 1 with *out filled, 0 when none waits. */
int mac_take_ul_ccch(struct mac *m, struct mac_ccch_sdu *out);

/* UL-DCCH SDUs (after RLC and PDCP) for the RRC, one per call: 1 with *out filled, 0 when none waits. */
int mac_take_ul_dcch(struct mac *m, struct mac_dcch_sdu *out);

/* The RRC's DL-CCCH SDU for a UE in random access (RRCSetup as Msg4). 0 or a negative errno (counted). */
int mac_dl_ccch(struct mac *m, uint16_t rnti, const uint8_t *sdu, size_t len, bool is_setup);

/* The RRC's DL-DCCH SDU for a connected UE's SRB1 (mac/ue.h). 0 or a negative errno (logged). */
int mac_dl_dcch(struct mac *m, uint16_t rnti, const uint8_t *sdu, size_t len);

/* SRB1 security of a connected UE, from the RRC in ring order (mac_ue_srb_security_set in mac/ue.h: sc with
 * ciphering false before the SecurityModeCommand, ciphering true after the SecurityModeComplete, sc NULL to
 * drop it). 0 or a negative errno (logged). */
int mac_ue_srb_security(struct mac *m, uint16_t rnti, const struct pdcp_sec_config *sc, bool ciphering);

/* The UE's PDSCH MCS table, from the RRC in ring order (mac_ues_dl_table in mac/ue.h): confirmed false before
 * the RRCReconfiguration with mcs-Table qam256, true on its Complete. 0 or a negative errno (logged). */
int mac_ue_dl_table(struct mac *m, uint16_t rnti, bool confirmed);

/* The RRC released a UE: its MAC context goes. 0 or -ENOENT. */
int mac_release_ue(struct mac *m, uint16_t rnti);

/* A DRB (mac/ue.h: up to MAC_UE_DRBS per UE, each RLC AM + PDCP + SDAP header on its own c->lcid beside SRB1).
 * 0, -ENOENT (unknown UE), -EINVAL, -EBUSY (drb_id or LCID taken by another DRB of the UE), -ENOSPC (MAC_UE_DRBS
 * already). Released alone (mac_ue_drb_release) or with the UE (mac_release_ue, mac_epoch_start). */
int mac_ue_drb_setup(struct mac *m, uint16_t rnti, const struct mac_drb_config *c);

/* The UE's DRB drb_id goes, the UE and its other DRBs stay (mac_ues_drb_release in mac/ue.h: entities
 * re-established, the DL SDUs it held dropped and counted in drb_release_dropped). 0 or -ENOENT (no such UE or
 * DRB). */
int mac_ue_drb_release(struct mac *m, uint16_t rnti, int drb_id);

/* DRB drb_id's K_UPenc and NEA (no integrity unless configured; the UE's keys, shared by its DRBs). 0, -ENOENT
 * (no UE or DRB) or PDCP's error. */
int mac_ue_drb_security(struct mac *m, uint16_t rnti, int drb_id, const struct pdcp_sec_config *up);

/* A DL IP packet for the UE's DRB drb_id (the MAC adds the SDAP header when configured). 0, -ENOENT (unknown UE
 * or DRB), -EMSGSIZE, -ENOBUFS (the UE's DL queue is full). */
int mac_dl_data(struct mac *m, uint16_t rnti, int drb_id, const uint8_t *sdu, size_t len);

/* UL IP packets of the UEs' DRBs (SDAP header removed; out->drb_id says which DRB), one per call: 1 with *out filled, 0 when none waits. */
int mac_take_ul_data(struct mac *m, struct mac_ul_data *out);

/* UE events for the RRC (SRB1 delivered, UE lost), one per call: 1 with *ev filled, 0 when none waits. */
int mac_take_ue_event(struct mac *m, struct mac_ue_event *ev);

/* 38.321 5.1.3: RA-RNTI = 1 + s_id + 14 t_id + 14 80 f_id + 14 80 8 ul_carrier_id, for an occasion starting in
 * symbol s_id (0..13) of slot t_id (0..79, in the PRACH numerology's slots of the frame) at frequency index
 * f_id (0..7), on the normal UL carrier. */
uint16_t mac_ra_rnti(int s_id, int t_id, int f_id);

#endif
