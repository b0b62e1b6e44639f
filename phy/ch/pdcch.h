/* PDCCH: one DCI from its payload bits to the REs of a CORESET, and the UE's blind search back.
 *
 * Transmit chain (pdcch_encode), one public step per stage so each can be checked alone:
 *   38.212 7.3.1  payloads under 12 bits are padded with zeros to 12
 *   38.212 7.3.2  CRC24C computed over 24 ones followed by the payload; the last 16 parity bits are XORed with
 *                 the RNTI, MSB first                                           -> c (K = A + 24)
 *   38.212 7.3.3/7.3.4  polar code n_max = 9 with the input interleaver, rate matched to E = 108 AL (AL CCEs of
 *                 6 REGs of 9 data REs, QPSK)                                   -> f (E)
 *   38.211 7.3.2.3  scrambling, c_init = (n_RNTI 2^16 + n_ID) mod 2^31 (n_RNTI = 0, n_ID = N_ID^cell in a common
 *                 search space)                                                 -> b (E)
 *   38.211 7.3.2.4  QPSK, unit energy
 *   38.211 7.3.2.5  mapping in increasing k, then l, over the candidate's REs not used by its DM-RS
 *   38.211 7.3.2.2  CCE-to-REG mapping: REGs numbered time first from the CORESET's lowest RB, REG bundles of L
 *                 REGs, CCE j = bundles f(6j/L) .. f(6j/L + 6/L - 1); f from the block interleaver of R rows with
 *                 n_shift, or f(x) = x (non-interleaved). CORESET#0: interleaved, L = 6, R = 2, n_shift = PCI.
 *   38.211 7.4.1.3  DM-RS on k = 1, 5, 9 of every RB of the candidate, r_l(3n + k') with
 *                 c_init = (2^17 (14 n_s,f + l + 1)(2 N_ID + 1) + 2 N_ID) mod 2^31; the sequence counts from
 *                 subcarrier 0 of CRB 0, except for CORESET#0, where it counts from the CORESET's lowest RB.
 * Search spaces: 38.213 10.1, the CCEs of candidate m at aggregation level L,
 *   L ((Y + floor(m N_CCE / (L M)) + n_CI) mod floor(N_CCE / L)) + i,  Y = 0 in a common search space, else
 *   Y_p,n = (A_p Y_p,n-1) mod 65537 from Y_p,-1 = n_RNTI; Table 10.1-1 gives SS#0's candidates (AL 4/8/16: 4/2/1).
 *
 * Receiver (pdcch_rx_*): for a candidate, the DM-RS least-squares values of each RB are averaged over its 3
 * pilots per symbol and all the CORESET's symbols (a REG bundle spans all of them and shares one precoder,
 * 38.211 7.3.2.2); the noise variance is the pilots' spread around those means. Data REs are combined with the
 * conjugate channel, turned into QPSK LLRs, descrambled, rate-recovered and decoded by the CRC-aided SCL polar
 * decoder once per RNTI asked for (the RNTI unmasks the CRC). The blind search walks the candidates of a search
 * space, largest AL first, skips candidates whose CCEs already carried a decoded DCI, and reports each DCI found.
 *
 * Amplitudes: data and DM-RS of unit energy per RE (beta = 1), as in the reference vectors.
 * Grid: struct grid with subcarrier 0 = CRB 0 and symbol 0 = the slot's first symbol (phy/grid/grid.h).
 *
 * Threading: the coreset, candidate and bit-level functions and pdcch_encode are pure (no allocation; the
 * encoder's polar code is built on the stack, ~0.6 us). struct pdcch_rx holds the decoder workspace built by
 * pdcch_rx_init(); one per thread. Nothing allocates after pdcch_rx_init().
 */
#ifndef GNBD_PHY_CH_PDCCH_H
#define GNBD_PHY_CH_PDCCH_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/fec/polar_decoder.h"
#include "phy/grid/grid.h"
#include "phy/types.h"

#define PDCCH_REG_DATA_RE 9        /* REs of a REG not used by DM-RS */
#define PDCCH_CCE_REGS 6
#define PDCCH_MAX_AL 16
#define PDCCH_NUM_AL 5             /* 1, 2, 4, 8, 16 */
#define PDCCH_E_PER_CCE (2 * PDCCH_CCE_REGS * PDCCH_REG_DATA_RE)   /* 108 */
#define PDCCH_MAX_E (PDCCH_E_PER_CCE * PDCCH_MAX_AL)               /* 1728 */
#define PDCCH_CRC_BITS 24
#define PDCCH_MIN_PAYLOAD 12       /* 38.212 7.3.1: shorter payloads are padded to 12 */
#define PDCCH_MAX_PAYLOAD 140      /* K <= 164 with the input interleaver (38.212 5.3.1.1) */
#define PDCCH_MAX_RB 270           /* CORESET sizes are multiples of 6 within 275 RBs */
#define PDCCH_MAX_CANDIDATES 8     /* per AL, 38.213 10.1 (nrofCandidates) */
#define PDCCH_MAX_RESULTS 8

/* One CORESET and the PDCCH monitoring occasion's first symbol (38.211 7.3.2.2, 38.331 ControlResourceSet). */
struct pdcch_coreset {
    int crb_start;         /* lowest CRB of the CORESET */
    int nof_rb;            /* N_RB^CORESET, a multiple of 6 */
    int nof_symbols;       /* N_symb^CORESET, 1..3 */
    int start_symbol;      /* first symbol of the monitoring occasion within the slot */
    bool interleaved;      /* cce-REG-MappingType */
    int reg_bundle_size;   /* L: 6 non-interleaved; interleaved {2, 6} (1 symbol) or {N_symb, 6} */
    int interleaver_size;  /* R: 2, 3 or 6 (interleaved only) */
    int shift_index;       /* n_shift: shiftIndex 0..274, or N_ID^cell 0..1007 for CORESET#0 */
    int dmrs_ref_crb;      /* CRB where the DM-RS sequence index starts: crb_start for CORESET#0, else 0 */
    uint16_t dmrs_n_id;    /* N_ID of 38.211 7.4.1.3.1: pdcch-DMRS-ScramblingID or N_ID^cell */
};

/* One PDCCH to send: a DCI payload, its RNTI and its place in the CORESET. */
struct pdcch_msg {
    const uint8_t *dci;    /* A payload bits */
    int dci_len;           /* A, 1..PDCCH_MAX_PAYLOAD */
    uint16_t rnti;         /* masks the CRC (38.212 7.3.2) */
    int al;                /* aggregation level: 1, 2, 4, 8, 16 */
    int first_cce;         /* lowest CCE of the candidate (pdcch_candidates) */
    uint16_t n_id;         /* scrambling n_ID of 38.211 7.3.2.3 */
    uint16_t n_rnti;       /* scrambling n_RNTI: 0 in a common search space */
};

/* CORESET#0 as 38.211 7.3.2.2 / 7.4.1.3.2 and 38.213 13 set it up: interleaved, L = 6, R = 2, n_shift = PCI,
 * DM-RS counted from the CORESET's lowest RB with N_ID = PCI. Returns pdcch_coreset_check()'s verdict. */
int pdcch_coreset0(struct pdcch_coreset *cs, int crb_start, int nof_rb, int nof_symbols, int start_symbol,
                   uint16_t pci);

/* 0 when cs is a CORESET 38.211 7.3.2.2 allows (sizes, L and R for the symbol count, N_REG divisible by L R,
 * within a slot); else -EINVAL. */
int pdcch_coreset_check(const struct pdcch_coreset *cs);

/* N_CCE of the CORESET (N_RB N_symb / 6). */
int pdcch_nof_cce(const struct pdcch_coreset *cs);

/* 38.211 7.3.2.2: marks rb_used[i] = 1 for each RB i (counted from the CORESET's lowest RB) that CCEs first_cce ..
 * first_cce + al - 1 occupy (in every symbol of the CORESET: a REG bundle always spans them all), 0 elsewhere.
 * Returns the number of RBs, or -EINVAL for a bad CORESET, AL or CCE range. */
int pdcch_cce_rbs(const struct pdcch_coreset *cs, int first_cce, int al, uint8_t rb_used[PDCCH_MAX_RB]);

/* 38.213 10.1: the first CCE of each of the nof_candidates candidates of AL al in a CORESET of nof_cce CCEs,
 * with hashing value y and carrier indicator n_ci. Returns how many were written (0 when the AL does not fit),
 * or -EINVAL. Candidates may repeat when M > floor(N_CCE / L), as the formula gives them. */
int pdcch_candidates(int nof_cce, int al, int nof_candidates, uint32_t y, int n_ci,
                     int first_cce[PDCCH_MAX_CANDIDATES]);

/* 38.213 10.1: Y_p,n for a UE-specific search space in CORESET p at slot n_s,f (Y_p,-1 = rnti). */
uint32_t pdcch_uss_y(uint16_t rnti, int coreset_id, int slot);

/* 38.212 7.3.1 + 7.3.2: c = payload (zero-padded to 12) + CRC24C over 24 ones and the payload, the last 16 CRC
 * bits XORed with rnti. Returns K, or -EINVAL for a length outside 1..PDCCH_MAX_PAYLOAD. */
int pdcch_crc_attach(const uint8_t *dci, int dci_len, uint16_t rnti, uint8_t *c);

/* 38.212 7.3.3 + 7.3.4: f = rate-matched polar codeword of the K bits c. Returns 0 or -EINVAL. */
int pdcch_channel_encode(const uint8_t *c, int K, int E, uint8_t *f);

/* 38.211 7.4.1.3.1: c_init of the DM-RS of symbol l of slot n_s,f (normal CP). */
uint32_t pdcch_dmrs_c_init(int slot, int l, uint16_t n_id);

/* The whole transmit chain: writes the PDCCH of msg and its DM-RS into g (REs it does not use are untouched).
 * slot: n_s,f within the frame. Returns 0, or -EINVAL for a bad CORESET or message, or a grid the CORESET does
 * not fit. */
int pdcch_encode(const struct pdcch_coreset *cs, int slot, const struct pdcch_msg *msg, struct grid *g);

/* ---- UE side ---- */

struct pdcch_rx_cfg {
    int list_size;    /* SCL list size; 0 = 8 */
};

/* What a UE monitors in one occasion: the search space's candidates and the DCI it expects there. */
struct pdcch_search {
    int slot;                          /* n_s,f */
    uint16_t n_id, n_rnti;             /* scrambling (as in struct pdcch_msg) */
    int nof_candidates[PDCCH_NUM_AL];  /* per AL 1, 2, 4, 8, 16 (SS#0: 0, 0, 4, 2, 1) */
    uint32_t y;                        /* hashing value: 0 for a common search space */
    int dci_len;                       /* payload size A looked for */
    const uint16_t *rntis;             /* RNTIs whose DCIs are wanted */
    int nof_rntis;
    float min_dmrs_corr;               /* skip candidates whose DM-RS correlation is below this (0: decode all
                                        * candidates with energy) */
};

struct pdcch_rx_result {
    uint16_t rnti;        /* the RNTI that passed the CRC */
    int al, first_cce;
    int dci_len;
    uint8_t dci[PDCCH_MAX_PAYLOAD];
    float dmrs_corr;      /* per-RB coherent over total DM-RS energy: 1 clean, ~1/(3 N_symb) noise only */
    float noise_var;      /* per RE, from the DM-RS */
    float epre;           /* mean DM-RS RE energy */
    float path_metric;
};

struct pdcch_rx {
    struct polar_decoder dec;
    uint8_t rb_used[PDCCH_MAX_RB];
    cf_t h[PDCCH_MAX_RB];                 /* channel per RB of the candidate */
    cf_t sym[PDCCH_MAX_E / 2];            /* combined data REs */
    float llr[PDCCH_MAX_E];
    float llr_d[512];
};

int pdcch_rx_init(struct pdcch_rx *rx, const struct pdcch_rx_cfg *cfg);
void pdcch_rx_free(struct pdcch_rx *rx);

/* Decodes one candidate for each RNTI in ss in turn. Returns 1 with res filled when a CRC passed, 0 when none did
 * (res still carries the DM-RS measurements), -EINVAL for bad arguments. */
int pdcch_rx_decode(struct pdcch_rx *rx, const struct grid *g, const struct pdcch_coreset *cs,
                    const struct pdcch_search *ss, int al, int first_cce, struct pdcch_rx_result *res);

/* Blind search over the candidates of ss, largest AL first. Returns the number of DCIs found (at most max_res,
 * on disjoint CCEs), or -EINVAL. */
int pdcch_rx_search(struct pdcch_rx *rx, const struct grid *g, const struct pdcch_coreset *cs,
                    const struct pdcch_search *ss, struct pdcch_rx_result *res, int max_res);

#endif
