/* uesim's attach: random access (38.321 5.1, 38.213 8) and RRC connection establishment (38.331 5.3.3) of N
 * simulated UEs in the same UL stream, one after another or (concurrent) all at once, using only what a UE learns
 * over the air: the cell found and its MIB, SIB1, the RAR, RRCSetup's CellGroupConfig. The rules it applies are
 * tests/uesim/ue_mac.h and ue_rrc.h; the shared libraries do the coding (PDCCH, PDSCH/DL-SCH, PUSCH/UL-SCH, PUCCH,
 * MAC PDUs, RLC AM, PDCP, RRC codec).
 *
 * Each UE has its own 39-bit ue-Identity (from the seed), its own delay (samples its UL arrives late), timing
 * advance and channel (tests/uesim/channel.h): everything it sends, preambles included, goes through its UL
 * channel (amplitude in dB, frequency offset, optionally 38.901 TDL-A fading) into the shared UL stream. The DL
 * slot is demodulated once and searched once for every RNTI some UE with an identity DL channel waits for
 * (RA-RNTI in its window, TC-RNTI, C-RNTI), each DCI going to the UEs that wait for its RNTI (two UEs that sent
 * the same preamble both take its RAR, both send Msg3 on its grant). A UE whose DL channel is not the identity
 * (noise at its own SNR, fading) has its own receiver (cfg.dl_grid): the slot through its channel, demodulated
 * and searched for its RNTI alone. Its DL delay and frequency offset are taken as what its synchronisation
 * removes (the DL channel has neither; the UL delay is the round trip). With concurrent, each UE starts
 * start_ms after the first SIB1 (0: at once).
 * Per UE:
 *   1. Preamble (tests/uesim/prach_tx.h, one request per UE: UEs asking at once share the next occasion) with an
 *      index drawn uniformly from totalNumberOfRA-Preambles (38.321 5.1.2; same_preamble: the first attempt of
 *      every UE takes one common index; cfg.preamble >= 0: always that one); RA-RNTI from it (38.321 5.1.3).
 *   2. RAR (38.321 5.1.4, 38.213 8.2): SS#1 = SIB1's ra-SearchSpace (on CORESET#0, its nrofCandidates, its
 *      monitoring slots and first symbol; Y = 0) is searched for DCI 1_0 with the RA-RNTI in every slot of
 *      ra-ResponseWindow, which opens with the first slot starting at least one symbol after the preamble's end.
 *      The PDSCH (38.214 5.1.2.2.2 RIV over CORESET#0 from its lowest RB, SIB1's pdsch-TimeDomainAllocationList
 *      row with k0 = 0, DM-RS of DCI 1_0 from CRB 0, 64QAM MCS table with the TB scaling field) is read as a MAC
 *      RAR PDU: a Backoff Indicator sets PREAMBLE_BACKOFF (none: 0 ms); the subPDU with the preamble's RAPID gives
 *      T_A (N_TA, 38.213 4.2), the TC-RNTI and the UL grant. No RAR in the window: step 7.
 *   3. Msg3 (ue_mac_msg3): PUSCH in slot RAR + k2 + Delta on the TC-RNTI (n_ID = PCI, DM-RS type 1 at the MIB's
 *      position with pos2, 2 CDM groups without data), MAC PDU = UL-CCCH SDU (RRCSetupRequest) + padding, kept in
 *      the Msg3 buffer (38.321 5.4.2.2). From then on the UL leaves (N_TA + N_TA,offset) early. A DCI 0_0 with the
 *      TC-RNTI before contention resolution asks for the Msg3 buffer again (38.213 8.3, 38.321 5.4.2.1): same TB,
 *      the DCI's PRBs, MCS (28..31: the first transmission's TBS), rv and k2. ra-ContentionResolutionTimer runs
 *      from each Msg3 transmission (5.1.5). drop_msg3[ue] leaves that many Msg3 transmissions out (a lost Msg3).
 *   4. Msg4 (38.321 5.1.5): DCI 1_0 with the TC-RNTI in SS#1, PDSCH as the RAR's (HARQ soft combining of
 *      retransmissions with the same NDI). The UE Contention Resolution Identity CE must equal the Msg3 SDU:
 *      then the TC-RNTI is the C-RNTI, HARQ-ACK = ACK on the common PUCCH (ue_mac_pucch_common with the DCI's
 *      CCE and PRI) in slot + k1 (ue_mac_k1_dci_1_0), and the DL-CCCH SDU is RRCSetup or RRCReject. A mismatch
 *      (or no CE) fails contention resolution: no HARQ-ACK (38.321 5.3.2.3: none for a TC-RNTI TB before
 *      contention resolution succeeds), the TC-RNTI and the Msg3 buffer discarded, step 7. So does the timer's
 *      expiry. A PDSCH that fails its CRC is not acknowledged (DTX).
 *   5. RRCSetup: the CellGroupConfig applied (ue_rrc.h), RLC AM + PDCP for SRB1, RRCSetupComplete written to
 *      them. From then on the UE looks for its C-RNTI only in the UE-specific search space RRCSetup configured
 *      (SS#2 on CORESET#1: its candidates with Y_p,n hashed from the C-RNTI, 38.213 10.1; DCI 0_0 and 1_0 of one
 *      size over the BWP, 38.212 7.3.1.0), searched once per connected UE and slot. UL grants are DCI 0_0 there
 *      (PUSCH k2 from pusch-Config's list, 38.214 Table 6.1.2.1.1-1 for a UE-specific search space): the MAC PDU
 *      is one RLC PDU on SRB1's LCID, a short BSR (LCG 0) when more data waits, padding; a repeated NDI resends
 *      the HARQ process's TB with the DCI's rv (38.321 5.4.2.2; drop_pusch[ue] leaves that many C-RNTI PUSCH
 *      transmissions out, a lost PUSCH); a padding BSR (index 0) when nothing is left. The RRCSetupComplete
 *      triggers an SR (38.321 5.4.4), pending until a PUSCH carries a BSR: without a grant coming, a positive SR
 *      (format 1, b = 0) on its SR resource at each SR occasion (38.213 9.2.4) that is not a HARQ-ACK slot. DCI
 *      1_0 with the C-RNTI (SS#2; PDSCH RIV over the BWP from CRB 0, pdsch-Config's list): the SRB1 PDSCH goes
 *      to RLC AM, and its HARQ-ACK to resource PRI of PUCCH resource set 0 in slot + k1, or onto the PUSCH a DCI
 *      0_0 of the same slot grants for that slot (38.213 9.3: one bit, uci-OnPUSCH's beta offset and scaling;
 *      the slot's DL DCIs are handled before its UL ones); a TB already decoded under the same process and NDI
 *      is acknowledged, not delivered again (38.321 5.3.2.2). Several DL HARQ processes at once: soft buffers
 *      (UE_ATTACH_DL_BUFFERS, shared by the UEs) keyed by UE and process. nack_pdsch[ue] answers that many
 *      decoded C-RNTI PDSCHs with NACK, the TB discarded (a lost PDSCH). The attach is complete when an RLC STATUS PDU acknowledges the RRCSetupComplete.
 *   6. With until_release_ms: the UE stays connected (SRB1 PDSCHs into RLC AM and PDCP, their HARQ-ACKs, UL
 *      grants answered) until PDCP delivers a DL-DCCH message that decodes as RRCRelease (38.331 5.3.8); it
 *      then leaves (RRC_IDLE: nothing more sent) and its outcome is ok. No RRCRelease in time: failed.
 *   7. Random access again (38.321 5.1.4 no RAR, 5.1.5 contention resolution failed): PREAMBLE_TRANSMISSION_
 *      COUNTER + 1; past preambleTransMax a random access problem ends the UE (conres-fail when contention
 *      resolution failed last, else failed); otherwise the next preamble (a new index) waits a backoff drawn
 *      uniformly from [0, PREAMBLE_BACKOFF] ms ("uesim: UE n: ..., retrying random access (attempt k, ...)").
 * Timing Advance Command MAC CEs (LCID 61, TAG 0) in any DL MAC PDU the UE takes (its Msg4 once resolved, its
 * C-RNTI PDSCHs) update N_TA (38.213 4.2), applied from UL slot n + 6 after the PDSCH slot n (k + 1 of 4.2 for
 * capability 1 at 15 and 30 kHz); UL already placed for later slots keeps the old N_TA.
 * A UE's outcome: ok, reject (RRCReject), conres-fail, or failed (no RAR after preambleTransMax preambles, no
 * STATUS in time, a configuration it cannot use). One after another: then the next UE starts.
 *
 * Timing: everything is counted in slots of the tracked cell and placed into the UL stream (ul_tx.h) at the
 * slot's first sample + (slots ahead) x slot length + the UE's delay - its advance; a transmission is decided at
 * least UE_ATTACH_LEAD slots before it goes. Milestones are printed as "uesim: ..." lines; those about UL are
 * printed once the samples have left (ue_attach_report).
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
#include "tests/uesim/channel.h"
#include "tests/uesim/dl_rx.h"
#include "tests/uesim/prach_tx.h"
#include "tests/uesim/ue_drb.h"
#include "tests/uesim/ue_mac.h"
#include "tests/uesim/ue_rrc.h"
#include "tests/uesim/ul_probe_tx.h"
#include "tests/uesim/ul_tx.h"

#define UE_ATTACH_MAX_UES 64
#define UE_ATTACH_DRBS 4                         /* DRBs a simulated UE holds at once (gnbd's MAC_UE_DRBS) */
#define UE_ATTACH_LEAD 4          /* slots between deciding an UL transmission and its slot */
#define UE_ATTACH_ACK_SLOTS 16    /* UL slots with a HARQ-ACK codebook in the making (k1 <= 15) */
#define UE_ATTACH_ACK_BITS 8      /* bits of one codebook (gnbd: one per DL HARQ process at most) */
#define UE_ATTACH_NOTES 96
#define UE_ATTACH_MAX_TB 8192     /* bytes of one UL TB (a 52-PRB grant at MCS 28 is about 4.6 kB) */
#define UE_ATTACH_DL_BUFFERS 8    /* DL HARQ soft buffers, shared by the UEs (38.321 5.3.2.1: 8 processes a UE) */
#define UE_ATTACH_HARQ 16

enum ue_attach_outcome { UE_ATTACH_PENDING, UE_ATTACH_OK, UE_ATTACH_REJECT, UE_ATTACH_CONRES_FAIL, UE_ATTACH_FAILED };

enum ue_attach_state { UE_ATT_OFF, UE_ATT_PRACH, UE_ATT_RAR, UE_ATT_MSG4, UE_ATT_CONNECTED, UE_ATT_DONE,
                       UE_ATT_UNTIL_RELEASE };

struct ue_attach_config {
    int count;                                   /* UEs */
    bool concurrent;                             /* all at once (else one after another) */
    enum ue_attach_outcome expect[UE_ATTACH_MAX_UES];
    int nof_prb, scs_khz;
    double srate;
    int delay[UE_ATTACH_MAX_UES];                /* samples each UE's UL arrives late (0..10000) */
    double gain_db[UE_ATTACH_MAX_UES];           /* each UE's UL amplitude (dB) */
    int drop_msg3[UE_ATTACH_MAX_UES];            /* Msg3 transmissions each UE leaves out */
    int drop_pusch[UE_ATTACH_MAX_UES];           /* C-RNTI PUSCH transmissions each UE leaves out */
    int nack_pdsch[UE_ATTACH_MAX_UES];           /* C-RNTI PDSCHs each UE answers NACK though decoded */
    bool no_256qam[UE_ATTACH_MAX_UES];           /* its UE-NR-Capability without pdsch-256QAM-FR1 */
    int prach_delay;                             /* >= 0: every preamble this late instead of the UE's delay */
    int preamble;                                /* >= 0: every preamble has this index */
    bool same_preamble;                          /* the first preamble of every UE has one common index */
    int nas_bytes;                               /* dedicatedNAS-Message length */
    bool echo_dl_nas;                            /* DLInformationTransfer's NAS back in an ULInformationTransfer */
    bool echo_dl_data;                           /* every DL IP packet of a UE's DRB back UL (ue_drb.h) */
    bool has_kgnb;                               /* answer SecurityModeCommand with this K_gNB */
    int band;                                    /* UECapabilityInformation: supportedBandListNR */
    uint8_t kgnb[32];
    unsigned seed;
    int until_release_ms;                        /* > 0: step 6 */
    /* each UE's channel (tests/uesim/channel.h), both ways: the UL through gain_db, cfo_hz and the fading into
     * the shared UL stream; the DL through the same fading draw (seeded per UE) and noise at dl_snr_db per
     * unit-energy RE (NAN: none) into the UE's own receiver (dl_grid) */
    double cfo_hz[UE_ATTACH_MAX_UES];            /* UL frequency offset as the gNB sees it */
    double dl_snr_db[UE_ATTACH_MAX_UES];
    bool fading[UE_ATTACH_MAX_UES];              /* 38.901 TDL-A */
    double fading_ds_s, fading_doppler_hz;       /* its delay spread and maximum Doppler */
    double start_ms[UE_ATTACH_MAX_UES];          /* concurrent: each UE starts this long after the first SIB1 */
    /* The slot as UE ue's own receiver gets it through ch: its samples through channel_apply, demodulated into
     * g. Called inside ue_attach_on_slot for a UE whose DL channel is not the identity; returns 0 or < 0 (the
     * UE then sees no PDCCH in the slot). NULL: such UEs see the shared slot. */
    int (*dl_grid)(void *ctx, struct channel *ch, struct grid *g);
    void *dl_ctx;
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

struct ue_attach;

/* One UE's procedure. */
/* One UL slot's HARQ-ACK codebook (slot -1: none). */
struct ue_ack_codebook {
    int64_t slot;
    int n;                                       /* bits so far */
    uint8_t bits[UE_ATTACH_ACK_BITS];            /* 1 = ACK; a PDSCH missed (DAI gap) stays 0 */
    int pri;                                     /* the PUCCH resource indicator of the last DCI (38.213 9.2.3) */
    char what[UE_ATTACH_ACK_BITS][128];          /* each bit's PDSCH, for the log */
};

struct ue_attach_ue {
    struct ue_attach *a;                         /* NULL until the UE starts */
    int idx;                                     /* 0-based */
    enum ue_attach_state state;
    unsigned rng;
    int drop_msg3;                               /* Msg3 transmissions still to leave out */
    int drop_pusch;                              /* C-RNTI PUSCH transmissions still to leave out */
    int nack_pdsch;                              /* C-RNTI PDSCHs still to answer NACK */
    uint64_t identity;
    uint8_t ccch[UE_MAC_CCCH_BYTES];
    int64_t t_start;                             /* stream sample when this UE started */
    int attempts;                                /* PREAMBLE_TRANSMISSION_COUNTER */
    int preamble_backoff_ms;                     /* PREAMBLE_BACKOFF */
    bool conres_failed;                          /* the last attempt failed contention resolution */
    int prach_seq;                               /* prach->req[idx].sent when the preamble was asked for */
    struct prach_tx_sent preamble;
    int64_t window_start, window_end;            /* absolute slots */
    uint16_t rnti;                               /* TC-RNTI, then C-RNTI; 0: none */
    int ta;                                      /* T_A of the RAR */
    int64_t n_ta, n_ta_next, n_ta_from;          /* N_TA (Tc); a TA command's value and first UL slot (-1) */
    int ta_commands;
    int64_t deadline;                            /* absolute slot: ra-ContentionResolutionTimer, timeouts */
    int64_t busy_ul[4];                          /* the last UL slots given a PUCCH, by slot mod 4 */
    int64_t last_pusch_slot;                     /* latest granted PUSCH slot */
    /* the HARQ-ACK codebooks being built (dynamic, 38.213 9.1.3: each C-RNTI PDSCH's bit placed by its counter
     * DAI), one per UL slot by slot mod UE_ATTACH_ACK_SLOTS: on the PUSCH of that slot when one is granted (38.213
     * 9.3), else on PUCCH (set 0 format 1 up to 2 bits, set 1 format 2 beyond, the SR bit appended in an SR
     * occasion) once no later DCI can add to it (UE_ATTACH_LEAD slots before it) */
    struct ue_ack_codebook ack[UE_ATTACH_ACK_SLOTS];
    /* the Msg3 buffer (38.321 5.4.2.2) */
    int msg3_tbs, msg3_tx, msg3_retx;
    uint8_t msg3[UE_ATTACH_MAX_TB];
    /* DL HARQ, per process: the RNTI and NDI of its undecoded TB (in a soft buffer keyed by UE and process), the
     * last NDI and whether that TB decoded */
    uint16_t dl_pend_rnti[UE_ATTACH_HARQ];
    uint32_t dl_pend_ndi[UE_ATTACH_HARQ];
    int8_t dl_last_ndi[UE_ATTACH_HARQ];          /* -1: no TB yet */
    bool dl_decoded[UE_ATTACH_HARQ];
    /* connected */
    struct ue_rrc_config rrc;
    int transaction_id;
    struct rlc_am rlc;
    bool rlc_ok;
    struct pdcp_srb pdcp;
    bool pdcp_ok;
    uint32_t complete_sn;                        /* RLC SN of the RRCSetupComplete */
    int srs, grants, ul_retx;
    bool sr_pending;                             /* 38.321 5.4.4 */
    int dl_dcch;                                 /* SRB1 messages PDCP delivered */
    bool release_seen;                           /* one of them was RRCRelease */
    int dl_nas, ul_nas;                          /* DLInformationTransfers received, ULInformationTransfers sent */
    size_t last_pdu_len;                         /* the PDCP PDU being delivered (MAC-I of a SecurityModeCommand) */
    uint8_t last_pdu[64];
    int smc_answer;                              /* 0 none, 1 SecurityModeComplete due, 2 SecurityModeFailure due */
    int cap_answer;                              /* UECapabilityEnquiry's transaction + 1, 0 none */
    int reconf_answer;                           /* RRCReconfiguration's transaction + 1, 0 none */
    int reconfigurations;                        /* RRCReconfigurationCompletes sent */
    const uint8_t *reconf_nas;                   /* ... its first NAS message (echoed after the answer) */
    size_t reconf_nas_len;
    int smc_transaction;
    struct pdcp_sec_config smc_sec;              /* the keys the SecurityModeCommand chose */
    bool secure;                                 /* integrity and ciphering on */
    int release_transaction;
    int64_t t_attached;                          /* stream sample of the attach (step 6) */
    struct ue_attach_harq harq[UE_ATTACH_HARQ];
    struct ue_drb drb[UE_ATTACH_DRBS];           /* its DRBs (ue_attach_drb_setup), active ones in any slot */
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
    /* receivers and transmitters (shared by the UEs) */
    struct pdcch_rx pdcch;
    struct dl_rx dl;
    int dl_key[UE_ATTACH_DL_BUFFERS];            /* UE index x 16 + HARQ process whose undecoded TB is in dl's
                                                  * soft buffer b, -1 */
    int dl_victim;                               /* the buffer taken next when every one holds a TB */
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
    /* the UEs */
    struct ue_attach_ue ue[UE_ATTACH_MAX_UES];
    struct channel ul_ch[UE_ATTACH_MAX_UES];     /* each UE's UL and DL channel (cfg) */
    struct channel dl_ch[UE_ATTACH_MAX_UES];
    bool own_dl[UE_ATTACH_MAX_UES];              /* dl_ch is not the identity: the UE has its own DL receiver */
    struct grid ue_grid;                         /* such a UE's slot */
    int64_t t_armed;                             /* first sample of the first slot after ue_attach_arm, -1 */
    int started;                                 /* UEs started so far */
    enum ue_attach_outcome outcome[UE_ATTACH_MAX_UES];
    char why[UE_ATTACH_MAX_UES][160];
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

/* DRB c for UE idx (0-based; RRCReconfiguration's radioBearerConfig and rlc-BearerToAddModList as a struct),
 * beside the UE's other DRBs (UE_ATTACH_DRBS at once; the same drb_id again: set up anew), echoing DL packets
 * when cfg.echo_dl_data: its DL subPDUs (by LCID) go to it, its RLC PDUs fill UL grants after SRB1's (the DRBs
 * in turn), its bytes count in the BSR and raise an SR. 0, -EINVAL (no such UE, not connected, bad config),
 * -EBUSY (another DRB has the LCID), -ENOSPC (UE_ATTACH_DRBS already), -ENOMEM. */
int ue_attach_drb_setup(struct ue_attach *a, int idx, const struct ue_drb_config *c);

/* The names used by --expect-attach. */
const char *ue_attach_outcome_name(enum ue_attach_outcome o);
int ue_attach_parse_outcome(const char *s, enum ue_attach_outcome *o);

#endif
