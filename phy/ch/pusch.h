/* PUSCH, CP-OFDM (no transform precoding), one antenna port and one layer: the UE's transmitter and the gNB's
 * receiver, with the UL-SCH decoding behind it.
 *
 * Transmit (pusch_encode, the UE simulator's side), for a codeword of G bits (the UL-SCH output of dlsch_encode():
 * 38.212 6.2 is the DL-SCH chain of 7.2, TB CRC, segmentation, LDPC, rate matching, concatenation):
 *   38.211 6.3.1.1  scrambling, c_init = n_RNTI 2^15 + n_ID (no UCI, so no placeholder bits)
 *   38.211 6.3.1.2  modulation: QPSK, 16QAM, 64QAM, 256QAM (pi/2-BPSK needs transform precoding: not here)
 *   38.211 6.3.1.3-6.3.1.5  one layer, no transform precoding, non-codebook single port: y = x
 *   38.211 6.3.1.6  mapping to VRBs = PRBs (no hopping) in increasing k then l over the allocation, skipping the
 *                   DM-RS REs of every CDM group without data
 *   38.211 6.4.1.1  DM-RS as PDSCH's (phy/ch/sch.h): type 1 or 2, port 0 (CDM group 0, w = +1), single symbol,
 *                   r(m) counted from CRB 0, amplitude beta = sqrt(CDM groups without data) (38.214 6.2.2,
 *                   Table 6.2.2-1). Positions: Table 6.4.1.1.3-3, l0 = dmrs-TypeA-Position for mapping type A
 *                   (l_d = S + L counted from the slot start), l0 = S for type B (l_d = L counted from S).
 * Time domain (38.214 6.1.2.1, Table 6.1.2.1-1): type A S = 0, L = 4..14; type B S = 0..13, L = 1..14 - S.
 *
 * Receive (pusch_decode = four stages that can also be called alone; the gNB's PHY UL calls pusch_decode):
 *   1. pusch_rx_estimate(): least-squares values z = y r* / beta on the port's DM-RS REs; the timing offset from
 *      the phase slope across subcarriers (the correlation of z at a fixed subcarrier distance, summed over the
 *      allocation and the DM-RS symbols) -> delay in samples at the configured sample rate and in microseconds,
 *      positive when the signal arrives late (the timing-advance command should grow); the slope is removed, the
 *      values averaged per RB (frequency smoothing), the noise variance taken from their spread around those
 *      means, and the slope put back per subcarrier with a linear interpolation between RB centres. EPRE and
 *      SNR (mean |h|^2 / noise variance) of the DM-RS.
 *   2. pusch_rx_equalise(): the channel of each data symbol by linear interpolation in time between the DM-RS
 *      symbols (held before the first and after the last), then MMSE equalisation. With one receive antenna and
 *      one layer the MMSE estimate h* y / (|h|^2 + s^2) is a scaled copy of y / h; we use its unbiased form
 *      x = y / h and hand the demapper each RE's SINR |h|^2 / s^2 (noise variance s^2) as the LLR gain, which is
 *      what the biased form's max-log metric amounts to as well.
 *   3. pusch_rx_demap(): max-log soft demapping with the per-RE gain (modulation_demap_gain(), piecewise-linear,
 *      AVX2 when available), descrambling -> G LLRs (LLR = ln P(0)/P(1)).
 *   4. pusch_rx_ulsch(): 38.212 6.2 receive side = dlsch_rx_*: rate recovery into the HARQ process's soft buffer
 *      (soft combining across retransmissions, rv 0, 2, 3, 1 in any order), LDPC decoding, CB CRC24B, TB CRC24A.
 *
 * Bad input (NaN, infinite or all-zero REs, a grant outside the grid) gives an error return or a failed CRC, never
 * a crash: a grid whose DM-RS holds no finite energy is not decoded at all (an all-zero LLR block would decode to
 * the all-zero TB, whose CRC holds), and counts as CRC failed.
 *
 * HARQ-ACK of 1 or 2 bits multiplexed on the PUSCH (gr->uci.n_ack > 0; CP-OFDM, one layer, with UL-SCH, no CSI):
 *   38.213 9.3      beta_offset from betaOffsetACK-Index1 (Table 9.3-1), alpha = scaling of UCI-OnPUSCH
 *   38.212 6.3.2.4.1.1  Q'_ACK = min( ceil((O_ACK + L_ACK) beta sum_l M_sc^UCI(l) / sum_r K_r),
 *                                    ceil(alpha sum_{l >= l0} M_sc^UCI(l)) ),  L_ACK = 0 (no CRC below 12 bits),
 *                   M_sc^UCI(l) = 12 nof_rb on a symbol without DM-RS, 0 on a DM-RS symbol (no PT-RS), K_r the
 *                   UL-SCH code block sizes (K, fillers included), l0 = l^(1) below; E_ACK = Q'_ACK Q_m
 *   38.212 6.3.2.1-6.3.2.4  coding 5.3.3.1 / 5.3.3.2 with the placeholders x, y (uci_small_encode()), rate
 *                   matching by repetition
 *   38.212 6.2.7    multiplexing for O_ACK <= 2: step 2 reserves Q'_ACK(O_ACK = 2) REs from l^(1) (the first
 *                   symbol after the first DM-RS group) on, symbol by symbol, spread with the distance
 *                   d = floor(M_sc Q_m / bits left) when the bits left fit in a symbol; the UL-SCH is rate
 *                   matched to the whole G as if no HARQ-ACK were there (step 4: reserved REs are UL-SCH REs),
 *                   and step 5 puts the HARQ-ACK onto reserved REs spread the same way, puncturing the UL-SCH
 *   38.211 6.3.1.1  scrambling with the placeholders: x -> 1, y -> the previous scrambled bit
 * The receiver (pusch_rx_ack(), run by pusch_decode() between demapping and the UL-SCH) takes the LLRs of the
 * HARQ-ACK REs, correlates them with every hypothesis (2 or 4) over all repetitions - the c0/c1/c2 bits and the
 * y bits (the x bits only say "outer corner", which noise alone can mimic, so they are left out) - and decides;
 * then it zeroes those LLRs (punctured: erasures for the LDPC decoder) so the TB still decodes. DTX: the best
 * correlation over its standard deviation when the REs carry no HARQ-ACK, sqrt(sum of the used LLRs^2) (under
 * DTX each term's sign is random: UL-SCH data or noise), is compared with a threshold set for a false-alarm rate
 * (cfg.ack_pfa; Gaussian tail, union over the hypotheses). With few REs that threshold cannot be reached (the
 * statistic is at most sqrt(terms)): it is then capped at 0.85 sqrt(terms), which needs nearly all terms to agree
 * (a false alarm is then about 2^(1 - terms) per hypothesis; an ACK needs a clean channel: high SNR). Measured in
 * test_pusch_uci (1000 trials each, design 1e-3): 10 PRB QPSK Q'_ACK 9/18 at 8 dB and 20 PRB 16QAM Q'_ACK 5 (10
 * terms, capped) at 14 dB / 64QAM Q'_ACK 8 at 18 dB: every ACK found, DTX->ACK 0..1 per 1000 with UL-SCH or noise
 * alone on the REs. A grid without valid DM-RS gives DTX.
 *
 * Not covered: transform precoding, pi/2-BPSK, frequency hopping, several layers or ports, double-symbol DM-RS,
 * CSI on PUSCH, more than 2 HARQ-ACK bits (rate matched around, not punctured), UCI without UL-SCH, PT-RS.
 *
 * Threading: pusch_grant_check() and the counting functions are pure. A struct pusch_tx or struct pusch_rx holds
 * the workspaces sized at init for max_prb (pusch_rx also an LDPC decoder): one object per thread. Nothing
 * allocates after init. The soft buffer belongs to the caller (one per HARQ process).
 */
#ifndef GNBD_PHY_CH_PUSCH_H
#define GNBD_PHY_CH_PUSCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/dlsch.h"
#include "phy/ch/sch.h"
#include "phy/fec/ldpc_decoder.h"
#include "phy/grid/grid.h"
#include "phy/mod/modulation.h"
#include "phy/types.h"

#define PUSCH_MAX_PRB 275
#define PUSCH_MAX_DMRS_SYMBOLS 4 /* l0 + up to 3 additional positions */

enum pusch_mapping_type { PUSCH_MAPPING_TYPE_A, PUSCH_MAPPING_TYPE_B };

struct pusch_dmrs_cfg {
    int config_type;             /* dmrs-Type: 1 or 2 */
    int type_a_position;         /* dmrs-TypeA-Position l0: 2 or 3 (used by mapping type A) */
    int additional_position;     /* dmrs-AdditionalPosition: 0..3 */
    int cdm_groups_without_data; /* 1..2 (type 1), 1..3 (type 2); 2 for DCI 0_0 and Msg3 (38.214 6.2.2) */
    uint16_t n_id;               /* N_ID^{n_SCID}: scramblingID0/1, or N_ID^cell */
    int n_scid;                  /* 0 or 1 */
};

#define PUSCH_MAX_ACK_BITS 2

/* HARQ-ACK multiplexed on this PUSCH (38.212 6.2.7, 6.3.2); all zero: none. The gNB sets it when it expects the
 * UE to put its HARQ-ACK on the PUSCH; the UE encoder when it does. */
struct pusch_uci {
    int n_ack;             /* O_ACK: 0 (none), 1 or 2 */
    int beta_offset_index; /* betaOffsetACK-Index1 of BetaOffsets (38.331 UCI-OnPUSCH), 0..15 (38.213 Table 9.3-1) */
    double alpha;          /* scaling of UCI-OnPUSCH: 0.5, 0.65, 0.8 or 1 (any value in (0, 1] is taken) */
};

/* One PUSCH transmission (MCS, TBS, rv and HARQ process are the caller's: struct pusch_tb). */
struct pusch_grant {
    uint16_t rnti;                     /* n_RNTI of the scrambling: C-RNTI, or TC-RNTI for Msg3 */
    uint16_t n_id;                     /* dataScramblingIdentityPUSCH or N_ID^cell, 0..1023 */
    enum modulation_scheme modulation; /* QPSK .. 256QAM */
    int crb_start, nof_rb;             /* contiguous PRBs, as CRBs (the DM-RS sequence counts from CRB 0) */
    enum pusch_mapping_type mapping;
    int start_symbol, nof_symbols;     /* S, L */
    struct pusch_dmrs_cfg dmrs;
    int slot;                          /* n_s,f within the frame, for the DM-RS */
    struct pusch_uci uci;              /* HARQ-ACK on this PUSCH, if any */
};

/* The transport block of one reception. */
struct pusch_tb {
    int tbs;            /* A, from tbs_compute() */
    double r;           /* target code rate R of the MCS row (base graph choice) */
    int rv;             /* 0..3 */
    bool new_data;      /* NDI toggled: the soft buffer is cleared first */
    int tbs_lbrm;       /* 0: no limited-buffer rate matching (srsUE) */
    int max_iterations; /* LDPC, 1..LDPC_DECODER_MAX_ITERATIONS (0 = 10) */
};

/* What the receiver measured and decoded. */
struct pusch_result {
    bool crc_ok;          /* TB CRC and every CB CRC hold */
    int cb_crc_failed;    /* code blocks whose CRC24B failed */
    int ldpc_iterations;  /* largest iteration count over the code blocks */
    float noise_var;      /* per RE, from the DM-RS */
    float epre;           /* mean DM-RS RE energy / beta^2 */
    float snr_db;         /* mean |h|^2 / noise_var of the DM-RS channel estimate */
    float ta_samples;     /* delay of the signal in samples at cfg.sample_rate_hz (late > 0) */
    float ta_us;          /* the same in microseconds */
    bool valid_input;     /* false: the DM-RS held no finite energy, nothing was decoded */
    /* HARQ-ACK on PUSCH: filled when gr->uci.n_ack > 0 */
    int n_ack;            /* gr->uci.n_ack: bits expected (0: none, the fields below are unused) */
    uint8_t ack[PUSCH_MAX_ACK_BITS]; /* decided bits, 1 = ACK, 0 = NACK (both 0 with ack_dtx) */
    bool ack_dtx;         /* no HARQ-ACK on its REs (statistic below threshold, or no valid input) */
    float ack_metric;     /* the DTX statistic over its threshold (>= 1: HARQ-ACK detected) */
};

/* Where the HARQ-ACK goes, as runs of REs in one OFDM symbol: the REs re0 + j stride, j < count, counted in the
 * order of the codeword (38.211 6.3.1.6: k, then l, DM-RS REs skipped), so RE r carries the codeword bits r Q_m ..
 * r Q_m + Q_m - 1; subcarrier (j stride) of the allocation in slot symbol l. */
struct pusch_re_run {
    int l, re0, stride, count;
};

struct pusch_ack_layout {
    int sum_k;        /* sum_r K_r of the UL-SCH */
    int m_uci;        /* sum over the PUSCH's symbols of M_sc^UCI(l) */
    int m_uci_l0;     /* the same over l >= l0 */
    int l0;           /* l^(1) = l0: first symbol after the first DM-RS group (slot index) */
    int q_ack;        /* Q'_ACK of gr->uci.n_ack bits */
    int e_ack;        /* E_ACK = G_ACK = Q'_ACK Q_m */
    int q_rvd;        /* Q'_ACK of 2 bits: the reserved REs of 6.2.7 step 2 */
    int n_ack_runs, n_rvd_runs;
    struct pusch_re_run ack[SCH_SYMBOLS_PER_SLOT], rvd[SCH_SYMBOLS_PER_SLOT];
};

struct pusch_tx {
    int max_prb;
    struct sch_mod_table mod;
    uint32_t *packed;
    cf_t *sym;
    uint8_t *dmrs_bits;
    cf_t *dmrs;
};

struct pusch_rx_cfg {
    int max_prb;                     /* largest nof_rb to decode, 1..275 */
    double sample_rate_hz;           /* for the timing estimate (e.g. 11.52e6) */
    int scs_khz;                     /* 15, 30, 60, 120 */
    enum ldpc_decoder_impl ldpc_impl;
    double ack_pfa;                  /* design false-alarm rate of the HARQ-ACK DTX test, (0, 0.5); 0 = 1e-3 */
};

struct pusch_rx {
    struct pusch_rx_cfg cfg;
    struct ldpc_decoder dec;
    uint8_t *dmrs_bits;
    cf_t *dmrs;          /* one symbol's sequence */
    cf_t *z;             /* LS values of one DM-RS symbol */
    cf_t *h;             /* [DM-RS symbol][subcarrier of the allocation] channel */
    cf_t *hrb;           /* per-RB means, slope removed */
    cf_t *ramp;          /* e^{-j theta k} per subcarrier of the allocation */
    cf_t *sym;           /* equalised data REs */
    float *gain;         /* their SINR */
    float *llr;          /* G LLRs */
    uint8_t *cbs;        /* decoded code blocks */
    size_t llr_max, cbs_max;
    /* state between the stages */
    int n_dmrs, dmrs_l[PUSCH_MAX_DMRS_SYMBOLS], n_sym;
    float noise_var, epre, snr_db, ta_samples, ta_us;
    bool valid;
    double ack_thr[PUSCH_MAX_ACK_BITS]; /* DTX thresholds for 1 and 2 bits, from cfg.ack_pfa */
};

/* 0 when gr is a PUSCH this module handles; -ENOTSUP for what is listed as not covered; else -EINVAL. */
int pusch_grant_check(const struct pusch_grant *gr);

/* 38.211 Table 6.4.1.1.3-3: bit l set for each DM-RS symbol l of the slot. The mask or pusch_grant_check()'s code. */
int pusch_dmrs_symbols(const struct pusch_grant *gr);

/* Data REs of the allocation, and G = REs x Q_m. Negative pusch_grant_check() codes; -EINVAL when there is no
 * data RE. */
int pusch_nof_re(const struct pusch_grant *gr);
int pusch_nof_bits(const struct pusch_grant *gr);

/* N_DMRS^PRB of 38.214 6.1.4.2 for tbs_compute(): DM-RS REs per PRB including the CDM groups without data. */
int pusch_n_dmrs_prb(const struct pusch_grant *gr);

int pusch_tx_init(struct pusch_tx *tx, int max_prb);
void pusch_tx_free(struct pusch_tx *tx);

/* UE: scrambles, modulates and maps the nbits = G codeword bits cw (0/1 bytes) with the DM-RS into g (REs outside
 * the allocation untouched). 0; -EINVAL for a bad grant (also one with gr->uci.n_ack > 0: pusch_encode_uci()),
 * nbits != G or a grid the allocation does not fit; -ENOTSUP as pusch_grant_check(). */
int pusch_encode(struct pusch_tx *tx, const struct pusch_grant *gr, const uint8_t *cw, size_t nbits, struct grid *g);

/* 38.213 Table 9.3-1: beta_offset^HARQ-ACK of index 0..15 (1.000 .. 126.000); -1 for a reserved or bad index. */
double pusch_beta_offset_ack(int index);

/* Q'_ACK, the reserved REs and the HARQ-ACK REs of 6.2.7 for gr (gr->uci.n_ack 1 or 2) carrying the UL-SCH of tb
 * (tbs and r give the code blocks). 0; -EINVAL for a bad grant or tb, no HARQ-ACK asked, or no symbol after the
 * first DM-RS group. */
int pusch_ack_layout(const struct pusch_grant *gr, const struct pusch_tb *tb, struct pusch_ack_layout *lay);

/* UE: pusch_encode() with gr->uci.n_ack HARQ-ACK bits ack (1 = ACK) multiplexed: cw is the UL-SCH codeword of
 * tb, rate matched to the whole G (dlsch_encode() as without UCI); the HARQ-ACK punctures it. With
 * gr->uci.n_ack = 0 this is pusch_encode() (ack unused). Errors as pusch_encode() and pusch_ack_layout(). */
int pusch_encode_uci(struct pusch_tx *tx, const struct pusch_grant *gr, const struct pusch_tb *tb, const uint8_t *cw,
                     size_t nbits, const uint8_t *ack, struct grid *g);

int pusch_rx_init(struct pusch_rx *rx, const struct pusch_rx_cfg *cfg);
void pusch_rx_free(struct pusch_rx *rx);

/* Floats of the soft buffer a HARQ process needs for tb on gr (C x N), or -EINVAL. */
int pusch_soft_size(const struct pusch_grant *gr, const struct pusch_tb *tb);

/* The whole reception: stages 1-4 and the HARQ-ACK of gr->uci on the demodulated slot grid g (14 symbols, REs from
 * CRB 0). soft is the HARQ process's buffer of pusch_soft_size() floats; tb_out gets tbs / 8 bytes (written also
 * when the CRC fails). Returns 0 with res filled (res->crc_ok says whether the TB is good, res->ack_dtx whether a
 * HARQ-ACK was found), or a negative errno for a bad grant, tb or grid, or missing buffers (res->crc_ok false then
 * too). */
int pusch_decode(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr, const struct pusch_tb *tb,
                 float *soft, uint8_t *tb_out, struct pusch_result *res);

/* The stages one by one (pusch_decode() runs them in this order on the same gr and g; each needs the one before;
 * pusch_rx_ack() between demapping and the UL-SCH). */
int pusch_rx_estimate(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr);
int pusch_rx_equalise(struct pusch_rx *rx, const struct grid *g, const struct pusch_grant *gr);
/* -> rx->llr[0 .. G), descrambled; all 0 when the estimate found no valid input. */
int pusch_rx_demap(struct pusch_rx *rx, const struct pusch_grant *gr);
/* HARQ-ACK (gr->uci.n_ack > 0): decides rx->llr's HARQ-ACK bits into res->n_ack, ack, ack_dtx, ack_metric and
 * zeroes their LLRs; nothing to do (0) when gr->uci.n_ack = 0. Errors as pusch_ack_layout(). */
int pusch_rx_ack(struct pusch_rx *rx, const struct pusch_grant *gr, const struct pusch_tb *tb,
                 struct pusch_result *res);
/* rx->llr -> soft (combined) -> LDPC -> CRCs -> tb_out; fills the decoding fields of res. */
int pusch_rx_ulsch(struct pusch_rx *rx, const struct pusch_grant *gr, const struct pusch_tb *tb, float *soft,
                   uint8_t *tb_out, struct pusch_result *res);

#endif
