/* PUCCH formats 0, 1 and 2: the UE's encoders onto a slot grid and the gNB's receivers back to UCI bits.
 *
 * Common (38.211 6.3.2.2): sequence group u = n_ID mod 30, v = 0 (pucch-GroupHopping "neither"); cyclic shift
 * alpha_l = 2 pi / 12 ((m0 + m_cs + n_cs(n_s,f, l + l')) mod 12) (phy/seq/low_papr.h). Intra-slot frequency
 * hopping (38.213 9.2.1): the first hop has floor(N/2) symbols on startingPRB, the rest on secondHopPRB.
 * PRBs are BWP-relative: the grid subcarrier of PRB p is 12 (bwp_start + p) (grid.h: subcarrier 0 = CRB 0).
 *
 * Format 0 (38.211 6.3.2.3; 38.213 9.2.3, 9.2.4, 9.2.5.1): 1-2 symbols, one PRB, no DM-RS; x(12 l + n) =
 *   r_u,v^(alpha_l)(n) with m_cs carrying the UCI: 1 HARQ-ACK bit 0 -> 0, 1 -> 6 (Table 9.2.3-3); 2 bits
 *   00 -> 0, 01 -> 3, 11 -> 6, 10 -> 9 (Table 9.2.3-4); with a positive SR 0 -> 3, 1 -> 9 (Table 9.2.5-1) and
 *   00 -> 1, 01 -> 4, 11 -> 7, 10 -> 10 (Table 9.2.5-2); a positive SR alone m_cs = 0 (9.2.4).
 * Format 1 (38.211 6.3.2.4, 6.4.1.3.1): 4-14 symbols, one PRB. b(0) (BPSK) or b(0)b(1) (QPSK) -> d(0); data
 *   symbols (odd symbols of the PUCCH) carry d(0) w_i(m) r_u,v^(alpha_l)(n), DM-RS symbols (even) w_i(m)
 *   r_u,v^(alpha_l)(n); w_i(m) = e^{j 2 pi phi(m) / N_SF} of Table 6.3.2.4.1-2 with N_SF the count of data
 *   (resp. DM-RS) symbols in the hop and m their index within it (Tables 6.3.2.4.1-1 / 6.4.1.3.1.1-1).
 * Format 2 (38.211 6.3.2.5, 6.4.1.3.2; 38.212 6.3.1, uci.h): 1-2 symbols, 1-16 PRBs. E = 16 N_PRB N_symb coded
 *   bits, scrambled with c_init = n_RNTI 2^15 + n_ID, QPSK, mapped on k mod 3 in {0, 2} of each PRB in increasing
 *   k then l; DM-RS on k mod 3 = 1: r_l(m) QPSK of the Gold sequence with c_init = (2^17 (14 n_s,f + l + 1)
 *   (2 N_ID^0 + 1) + 2 N_ID^0) mod 2^31, m = 4 CRB + (k mod 12 - 1) / 3 counted from CRB 0.
 * Amplitude: beta = 1, every PUCCH RE of unit energy. The encoders write only the REs of the resource.
 *
 * Receivers (gNB), one receive antenna, the channel taken as flat over one PRB and constant within a hop:
 *   F0: per candidate m_cs the received symbols are correlated with the candidate sequence (coherently over the
 *       symbols of a hop, energies added over hops); the best candidate wins.
 *   F1: each symbol is multiplied by the conjugate sequence, summed over its 12 subcarriers and despread with
 *       w_i(m)*; per hop the DM-RS sum A and the data sum B give, for each candidate d of the constellation,
 *       |A + d* B|^2 / n_hop (the energy of a hop that is all pilots once d is known); the best d wins. This is
 *       coherent detection with the DM-RS channel estimate, and the metric is also the detection statistic.
 *   F2: per PRB and hop the DM-RS least-squares mean is the channel; data REs are combined with its conjugate into
 *       QPSK LLRs, descrambled and decoded (uci.h: block code by correlation, polar SCL with the CRC).
 * DTX: the statistic T = (energy captured by the decision) / noise variance is compared with a threshold set
 *   from a target false-alarm rate on noise alone (T is a sum of H exponentials, H = hops or PRB groups; its
 *   tail, with the noise variance estimated from the same REs, and the number of candidates give the
 *   threshold). The noise variance is what the decision leaves unexplained: F0/F1 the REs' energy minus the
 *   captured energy over the remaining degrees of freedom; F2 the residual after re-encoding the decoded bits,
 *   and F2's captured energy is that of the DM-RS alone (a third of the REs: one PRB x one symbol needs about
 *   9 dB per RE to be detected 99 % of the time, four PRBs about 3 dB). A grid whose REs are zero or not finite
 *   is DTX without decoding. Measured (AWGN, 1 antenna, `make sim`): F1 14 symbols meets 38.104 8.3's targets
 *   down to about -9 dB; noise alone is detected at the design rate (1e-3).
 *
 * Threading: the encoders and pucch_check are pure (the F2 encoder builds its polar code on the stack). struct
 * pucch_rx holds the polar decoder workspace from pucch_rx_init(); one per thread; nothing allocates after it.
 */
#ifndef GNBD_PHY_CH_PUCCH_H
#define GNBD_PHY_CH_PUCCH_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/ch/uci.h"
#include "phy/grid/grid.h"
#include "phy/types.h"

#define PUCCH_MAX_SYMBOLS 14
#define PUCCH_F2_MAX_PRB 16
#define PUCCH_F2_MAX_E (16 * PUCCH_F2_MAX_PRB * 2)   /* 512 */
#define PUCCH_MAX_UCI_BITS UCI_MAX_A

enum pucch_format { PUCCH_FORMAT_0 = 0, PUCCH_FORMAT_1 = 1, PUCCH_FORMAT_2 = 2 };

/* One PUCCH-Resource (38.331) as the PHY needs it. */
struct pucch_resource {
    enum pucch_format format;
    int start_prb;            /* startingPRB, BWP-relative (the first hop) */
    bool intra_slot_hopping;  /* intraSlotFrequencyHopping (F0/F2 only with 2 symbols) */
    int second_hop_prb;       /* secondHopPRB, BWP-relative (read only with hopping) */
    int start_symbol;         /* startingSymbolIndex l', 0..13 */
    int nof_symbols;          /* nrofSymbols: F0/F2 1..2, F1 4..14 */
    int nof_prb;              /* nrofPRBs: F2 1..16; F0/F1 ignore it (one PRB) */
    int initial_cs;           /* initialCyclicShift m0, 0..11 (F0/F1) */
    int time_domain_occ;      /* timeDomainOCC i, 0..6 and below every N_SF of the resource (F1) */
};

/* A resource in a given slot of a given UE and cell. */
struct pucch_config {
    struct pucch_resource res;
    int bwp_start;            /* CRB of the UL BWP's PRB 0 */
    int bwp_size;             /* N_BWP^size */
    int slot;                 /* n_s,f */
    uint16_t n_id;            /* F0/F1: hoppingId if configured, else N_ID^cell (u and n_cs), 0..1023 */
    uint16_t n_id_data;       /* F2 scrambling n_ID: dataScramblingIdentityPUSCH, else N_ID^cell */
    uint16_t n_id_dmrs;       /* F2 DM-RS N_ID^0: scramblingID0 of DMRS-UplinkConfig, else N_ID^cell */
    uint16_t rnti;            /* F2 scrambling n_RNTI (C-RNTI) */
};

/* 0 when cfg is a resource this module can send and receive, entirely inside the BWP and the grid g (g may be
 * NULL to check the resource alone); -EINVAL otherwise. */
int pucch_check(const struct pucch_config *cfg, const struct grid *g);

/* E_tot of 38.212 Table 6.3.1.4-1 for format 2: 16 N_PRB N_symb. -EINVAL for another format. */
int pucch_f2_nof_bits(const struct pucch_resource *res);

/* 38.213 9.2.3 / 9.2.5.1 / 9.2.4: m_cs for nof_ack (0..2) HARQ-ACK bits and the SR state; -EINVAL for nothing to
 * send (no bits, no positive SR) or nof_ack > 2. */
int pucch_f0_m_cs(const uint8_t *ack, int nof_ack, bool sr);

/* ---- UE side ---- */

/* Format 0: nof_ack HARQ-ACK bits (0..2) and a positive SR (sr = true) on cfg's resource. Returns 0 or -EINVAL. */
int pucch_f0_encode(const struct pucch_config *cfg, const uint8_t *ack, int nof_ack, bool sr, struct grid *g);

/* Format 1: b(0) or b(0)b(1) (nbits 1 or 2; SR alone: one bit 0 on the SR resource). Returns 0 or -EINVAL. */
int pucch_f1_encode(const struct pucch_config *cfg, const uint8_t *b, int nbits, struct grid *g);

/* Format 2: A UCI bits (3..PUCCH_MAX_UCI_BITS, order of 38.212 6.3.1.1: HARQ-ACK, SR, CSI) coded to E =
 * pucch_f2_nof_bits() bits. cw (may be NULL) receives the E coded bits before scrambling. Returns 0 or -EINVAL
 * (also when A does not fit E). */
int pucch_f2_encode(const struct pucch_config *cfg, const uint8_t *uci, int A, struct grid *g, uint8_t *cw);

/* ---- gNB side ---- */

struct pucch_rx_cfg {
    int list_size;            /* SCL list size for polar UCI; 0 = 8 */
    double pfa_f0, pfa_f1, pfa_f2;   /* target DTX false-alarm rates; 0 = 1e-3 */
};

enum pucch_rx_verdict {
    PUCCH_RX_DTX = 0,         /* nothing sent (statistic below threshold, or a zero / non-finite grid) */
    PUCCH_RX_VALID = 1,       /* bits decoded (polar: CRC passed) */
    PUCCH_RX_INVALID = 2,     /* a transmission is there but the polar CRC failed */
};

struct pucch_rx_result {
    enum pucch_rx_verdict verdict;
    int nbits;
    uint8_t bits[PUCCH_MAX_UCI_BITS];  /* F0: the HARQ-ACK bits; F1: b(0)b(1); F2: the A payload bits */
    bool sr;                  /* F0 with an SR opportunity: positive SR detected */
    float metric;             /* detection statistic over its threshold (>= 1 detected) */
    float snr_db;             /* per-RE SNR estimate over the resource (-60 when nothing is found, 60 noiseless) */
    float epre;               /* mean RE energy of the resource */
    float noise_var;          /* per-RE noise variance estimate */
};

#define PUCCH_THR_CACHE 16

struct pucch_rx {
    struct uci_decoder uci;
    double pfa[3];
    struct { int format, cand, terms, dof; double thr; } thr_cache[PUCCH_THR_CACHE];   /* solved thresholds */
    int thr_cached, thr_next;
    cf_t sym[PUCCH_F2_MAX_E / 2];
    cf_t h[2 * PUCCH_F2_MAX_PRB];
    float llr[PUCCH_F2_MAX_E];
    uint8_t bits[PUCCH_F2_MAX_E];
};

int pucch_rx_init(struct pucch_rx *rx, const struct pucch_rx_cfg *cfg);
void pucch_rx_free(struct pucch_rx *rx);

/* Format 0 with nof_ack (0..2) HARQ-ACK bits expected and sr_opportunity when an SR may come on this
 * resource (nof_ack = 0: the SR resource, detection = positive SR). Returns 0 or -EINVAL. */
int pucch_f0_decode(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *cfg, int nof_ack,
                    bool sr_opportunity, struct pucch_rx_result *res);

/* Format 1 with nbits (1..2) expected. Returns 0 or -EINVAL. */
int pucch_f1_decode(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *cfg, int nbits,
                    struct pucch_rx_result *res);

/* Format 2 with A (3..PUCCH_MAX_UCI_BITS) payload bits expected. Returns 0 or -EINVAL. */
int pucch_f2_decode(struct pucch_rx *rx, const struct grid *g, const struct pucch_config *cfg, int A,
                    struct pucch_rx_result *res);

/* Threshold on the DTX statistic: t such that nof_candidates P(X / (Y / dof) > t) = pfa with X a sum of
 * nof_terms unit exponentials (1..32) and Y a Gamma(dof) (dof <= 0: the noise variance taken as exact). */
double pucch_dtx_threshold(double pfa, int nof_candidates, int nof_terms, int dof);

#endif
