/* The UE simulator's MAC and PHY-procedure rules for random access and the first connected slots, as pure
 * functions: what a UE works out from the RAR, the DCIs and the cell's broadcast configuration. They are the
 * UE's own reading of the specification (tests/uesim/ue_attach.h runs them), written apart from gnbd's mac/ so
 * that a misreading on either side shows in an attach.
 *   - RA-RNTI (38.321 5.1.3): 1 + s_id + 14 t_id + 14 80 f_id + 14 80 8 ul_carrier_id.
 *   - The 27-bit RAR UL grant (38.213 8.2, Table 8.2-1, first field most significant): frequency hopping flag 1,
 *     PUSCH frequency resource allocation 14, time resource allocation 4, MCS 4, TPC 3, CSI request 1 bit.
 *   - Msg3 (38.213 8.3): without hopping the 14-bit FDRA is a type-1 RIV over the initial UL BWP (N <= 180: its
 *     ceil(log2(N (N + 1) / 2)) LSBs; N > 180: the RIV with zero MSBs inserted); the MCS field indexes the first
 *     16 rows of 38.214 Table 5.1.3.1-1; the TDRA row of pusch-ConfigCommon gives k2 (absent: j, 38.214 Table
 *     6.1.2.1.1-4), S and L (SLIV, 38.214 6.1.2.1); Msg3 goes in slot n + k2 + Delta (38.214 Table 6.1.2.1.1-5:
 *     Delta 2, 3, 4, 6 for mu 0..3) after the RAR's PDSCH slot n.
 *   - Timing advance (38.213 4.2, 38.211 4.3.1): N_TA = T_A 16 64 / 2^mu Tc from the RAR, plus N_TA,offset
 *     (n-TimingAdvanceOffset; absent: 25600 Tc, 38.133 Table 7.1.2-2 for FR1 without LTE coexistence); the UL
 *     frame starts (N_TA + N_TA,offset) Tc before the DL frame, Tc = 1 / (480 kHz 4096).
 *   - HARQ-ACK before dedicated PUCCH (38.213 9.2.1): r_PUCCH = floor(2 n_CCE,0 / N_CCE) + 2 Delta_PRI, the
 *     resource from the pucch-ResourceCommon row (phy/ch/pucch_common.h holds Table 9.2.1-1).
 *   - k1 of DCI 1_0 (38.213 9.2.3): the PDSCH-to-HARQ_feedback timing indicator indexes {1, 2, ..., 8}.
 *   - Msg3 MAC PDU (38.321 6.1.2, Table 6.2.1-2): the 48-bit UL-CCCH SDU (RRCSetupRequest) on LCID 52, which has
 *     no L field, then padding.
 *   - Msg4 (38.321 5.1.5, 6.1.3.3): the UE Contention Resolution Identity MAC CE (LCID 62) must equal the first
 *     48 bits of the UL-CCCH SDU sent in Msg3; the DL-CCCH SDU is LCID 0.
 *   - DCI 0_0 with CRC scrambled by C-RNTI (38.212 7.3.1.1.1, no hopping, no SUL) as received in a common
 *     search space, where it is size-aligned to DCI 1_0 (7.3.1.0: zero padding, or its FDRA MSBs truncated).
 *   - Short BSR (38.321 6.1.3.1, Table 6.1.3.1-1): LCG ID 3 bits, Buffer Size index 5 bits.
 *   - Timing Advance Command MAC CE (38.321 6.1.3.4, LCID 61 of Table 6.2.1-1): one octet, TAG ID 2 bits then
 *     T_A 6 bits; 38.213 4.2: N_TA,new = N_TA,old + (T_A - 31) 16 64 / 2^mu Tc, applied from the beginning of
 *     UL slot n + k + 1 after the PDSCH slot n, k = ceil(N_slot^subframe,mu (N_T,1 + N_T,2 + N_TA,max + 0.5) /
 *     T_sf) with N_T,1 = N_1 symbols of PDSCH processing capability 1 with additional DM-RS (38.214 Table
 *     5.3-1: 13 at mu 0 and 1), N_T,2 = N_2 symbols of PUSCH capability 1 (Table 6.4-1: 10, 12), N_TA,max the
 *     largest 12-bit T_A (3846) in ms: k = 5 at 15 and 30 kHz.
 *   - Backoff (38.321 5.1.4, 7.2): PREAMBLE_BACKOFF = the RAR's Backoff Indicator value of Table 7.2-1 times
 *     SCALING_FACTOR_BI (1), 0 ms without a BI; after a RAR-less window or a failed contention resolution
 *     (5.1.4, 5.1.5) the next preamble waits a backoff time drawn uniformly from [0, PREAMBLE_BACKOFF].
 *
 * Threading: pure functions over caller memory; any thread.
 */
#ifndef GNBD_UESIM_UE_MAC_H
#define GNBD_UESIM_UE_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/dci.h"
#include "phy/ch/pucch.h"
#include "rrc/msg/common_ies.h"

#define UE_MAC_CCCH_BYTES 6          /* the 48-bit UL-CCCH SDU */
#define UE_MAC_LCID_CCCH_48 52       /* 38.321 Table 6.2.1-2 */

/* 38.321 5.1.3. */
int ue_mac_ra_rnti(int s_id, int t_id, int f_id, int ul_carrier_id);

/* The fields of the RAR UL grant (38.213 Table 8.2-1). */
struct ue_mac_rar_grant {
    int hopping, fdra, tdra, mcs, tpc, csi;
};
void ue_mac_rar_grant_unpack(uint32_t grant, struct ue_mac_rar_grant *g);

/* 38.214 5.1.2.1 / 6.1.2.1: SLIV -> S, L. Returns 0 or -EINVAL (SLIV > 127 or S + L > 14). */
int ue_mac_sliv(int sliv, int *s, int *l);

/* A PUSCH as the UE derives it from a grant: slot offset from the PDCCH's (or the RAR PDSCH's) slot, PRBs of the
 * UL BWP, symbols, mapping type, MCS row of Table 5.1.3.1-1. */
struct ue_mac_pusch {
    int slot_offset;                 /* Msg3: k2 + Delta; DCI 0_0: k2 */
    int prb_start, nof_prb;          /* in the UL BWP */
    int start_symbol, nof_symbols;
    bool type_b;
    int mcs;
};

/* 38.213 8.3 + 38.214 6.1.2.1: Msg3 from the RAR grant for an initial UL BWP of n_bwp PRBs and SCS scs_khz, with
 * pusch-ConfigCommon's list (NULL or n = 0: not supported). Returns 0 or -EINVAL (hopping, a RIV outside the
 * BWP, a row not in the list). */
int ue_mac_msg3(const struct ue_mac_rar_grant *g, int n_bwp, int scs_khz, const struct rrc_tdra_list *tdra,
                struct ue_mac_pusch *m);

/* The PUSCH of a DCI 0_0 (38.214 6.1.2.1: k2 without Delta; 6.1.2.2.2: RIV over the UL BWP). Returns 0 or
 * -EINVAL. */
int ue_mac_dci_0_0_pusch(const struct dci_0_0 *d, int n_bwp, int scs_khz, const struct rrc_tdra_list *tdra,
                         struct ue_mac_pusch *m);

/* 38.213 4.2: the UL's advance over the DL frame, in samples at srate (rounded), for the RAR's T_A and
 * N_TA,offset in Tc (n_ta_offset_tc < 0: absent, 25600). */
int ue_mac_ta_samples(int t_a, int n_ta_offset_tc, int scs_khz, double srate);

/* 38.213 4.2: N_TA in Tc from the RAR's T_A (T_A 16 64 / 2^mu), and after a Timing Advance Command T_A (0..63)
 * on N_TA,old. scs_khz outside 15..120: N_TA unchanged (0 from the RAR). */
int64_t ue_mac_n_ta_rar(int t_a, int scs_khz);
int64_t ue_mac_n_ta_command(int64_t n_ta_old, int t_a, int scs_khz);

/* The UL advance over the DL frame in samples at srate (rounded) for N_TA (Tc) and N_TA,offset (Tc; < 0: absent,
 * 25600). */
int ue_mac_n_ta_samples(int64_t n_ta, int n_ta_offset_tc, double srate);

/* 38.213 4.2: k + 1, the UL slots after the slot of the PDSCH carrying a Timing Advance Command from which the
 * new N_TA applies (6 at 15 and 30 kHz). */
int ue_mac_ta_command_delay_slots(int scs_khz);

/* The Timing Advance Command MAC CE of a DL MAC PDU (the last one when several): its T_A in *t_a and TAG ID in
 * *tag. Returns 1 (found), 0 (none), -EBADMSG (a PDU that does not parse). */
int ue_mac_ta_command(const uint8_t *pdu, size_t len, int *t_a, int *tag);

/* 38.321 5.1.4: PREAMBLE_BACKOFF in ms for a RAR with (has_bi) Backoff Indicator bi: Table 7.2-1 (a reserved
 * index counts as the largest value, 1920 ms), 0 without a BI. */
int ue_mac_preamble_backoff_ms(bool has_bi, int bi);

/* 38.321 5.1.4 / 5.1.5: the backoff time, uniform over [0, preamble_backoff_ms] from a random 24-bit r. */
int ue_mac_backoff_pick_ms(int preamble_backoff_ms, uint32_t r);

/* 38.213 9.2.1: the HARQ-ACK resource of a DCI 1_0 found at CCE n_cce0 of a CORESET of nof_cce CCEs with PUCCH
 * resource indicator pri, for pucch-ResourceCommon `row` in a BWP of bwp_size PRBs. Returns r_PUCCH (0..15) or
 * -EINVAL. */
int ue_mac_pucch_common(int row, int n_cce0, int nof_cce, int pri, int bwp_size, struct pucch_resource *res);

/* 38.213 9.2.3: k1 of a DCI 1_0 from its 3-bit PDSCH-to-HARQ_feedback timing indicator. */
int ue_mac_k1_dci_1_0(int field);

/* Msg3's MAC PDU in tb[tb_bytes]: the UL-CCCH SDU on LCID 52, then padding. Returns 0 or -ENOSPC. */
int ue_mac_msg3_pdu(const uint8_t ccch[UE_MAC_CCCH_BYTES], uint8_t *tb, size_t tb_bytes);

enum ue_mac_conres { UE_MAC_CONRES_NONE, UE_MAC_CONRES_MATCH, UE_MAC_CONRES_MISMATCH };

/* A Msg4 MAC PDU against the CCCH SDU the UE sent: whether its Contention Resolution Identity CE is there and
 * matches; *ccch / *ccch_len the DL-CCCH SDU (NULL, 0 when none). Returns the verdict, or -EBADMSG for a PDU
 * that does not parse. */
int ue_mac_msg4(const uint8_t *pdu, size_t len, const uint8_t sent[UE_MAC_CCCH_BYTES], const uint8_t **ccch,
                size_t *ccch_len);

/* DCI 0_0 (aligned to the size of DCI 1_0 in the search space) is read with phy/ch/dci.h's dci_0_0_unpack(). */

/* Short BSR payload for `bytes` waiting in LCG lcg: the smallest index of Table 6.1.3.1-1 whose bound holds
 * them (0 for none, 31 beyond 150000). */
uint8_t ue_mac_short_bsr(int lcg, size_t bytes);

#endif
