/* PDSCH: one codeword's bits onto the REs of a slot with their DM-RS, and the UE's way back to LLRs.
 *
 * Transmit (pdsch_encode), for a codeword of G bits (the rate-matched DL-SCH output, 38.212 7.2):
 *   38.211 7.3.1.1  scrambling, c_init = n_RNTI 2^15 + q 2^14 + n_ID (q = 0: one codeword)
 *   38.211 7.3.1.2  modulation: QPSK, 16QAM, 64QAM, 256QAM
 *   38.211 7.3.1.3  layer mapping (pdsch_layer_map: 1..4 layers of one codeword; the RE mapping does 1 layer)
 *   38.211 7.3.1.4/7.3.1.5  antenna port 1000, mapping to VRBs in increasing k then l over the allocation,
 *                   skipping the DM-RS REs of every CDM group without data; non-interleaved VRB-to-PRB (7.3.1.6:
 *                   for DCI 1_0 in a common search space VRB n is PRB n + the CORESET's lowest PRB)
 *   38.211 7.4.1.1  DM-RS type 1 (k = 4n + 2k') or type 2 (k = 6n + k'), port 1000 (CDM group 0, w = +1),
 *                   single symbol, r(m) = QPSK of the Gold sequence with
 *                   c_init = (2^17 (14 n_s,f + l + 1)(2 N_ID + 1) + 2 N_ID + n_SCID) mod 2^31, amplitude
 *                   beta = sqrt(CDM groups without data) (38.214 Table 4.1-1: 0, -3, -4.77 dB). Positions from
 *                   Table 7.4.1.1.2-3 (mapping type A: l0 = dmrs-TypeA-Position plus the additional positions
 *                   for l_d = S + L). The sequence index counts from subcarrier 0 of CRB 0, or of CORESET#0's lowest
 *                   RB for a PDSCH scheduled by DCI 1_0 in Type0-PDCCH CSS with SI-RNTI (the caller sets ref_crb).
 * Time domain: 38.214 5.1.2.1.1 default table A (Table 5.1.2.1.1-2). DCI 1_0 DM-RS: 38.214 5.1.6.2 (type 1,
 * port 1000, pos2 for mapping type A, 2 CDM groups without data except 1 for a 2-symbol PDSCH).
 *
 * Receive (pdsch_decode), for the UE simulator: least-squares values on the DM-RS REs, averaged per RB and DM-RS
 * symbol; in time linear interpolation between DM-RS symbols (held constant outside them); the noise variance from
 * the pilots' spread around their RB means; zero-forcing equalisation, max-log demapping with each RE's
 * post-equalisation SNR, descrambling -> G LLRs (positive means 0) for the LDPC decoder.
 *
 * Not covered: mapping type B, double-symbol DM-RS, more than one layer on the grid, interleaved VRB-to-PRB,
 * rate matching around SSB / CSI-RS / other reserved REs (the scheduler keeps PDSCH off them; srsUE does too).
 *
 * Threading: the table, check and counting functions are pure. struct pdsch holds the workspaces sized by
 * pdsch_init() for max_prb; pdsch_encode()/pdsch_decode() write them, so one object per thread. Nothing allocates
 * after pdsch_init().
 */
#ifndef GNBD_PHY_CH_PDSCH_H
#define GNBD_PHY_CH_PDSCH_H

#include <stddef.h>
#include <stdint.h>

#include "phy/ch/sch.h"
#include "phy/grid/grid.h"
#include "phy/mod/modulation.h"
#include "phy/types.h"

#define PDSCH_MAX_PRB 275
#define PDSCH_MAX_LAYERS 4
#define PDSCH_MAX_DMRS_SYMBOLS 4   /* l0 + up to 3 additional positions */

enum pdsch_mapping_type { PDSCH_MAPPING_TYPE_A, PDSCH_MAPPING_TYPE_B };

/* One row of a PDSCH time-domain allocation table (38.214 5.1.2.1). */
struct pdsch_time_alloc {
    int k0;                          /* slot offset from the PDCCH */
    enum pdsch_mapping_type mapping;
    int start_symbol;                /* S */
    int nof_symbols;                 /* L */
};

struct pdsch_dmrs_cfg {
    int config_type;                 /* dmrs-Type: 1 or 2 */
    int type_a_position;             /* dmrs-TypeA-Position l0: 2 or 3 */
    int additional_position;         /* dmrs-AdditionalPosition: 0..3 (3 only with l0 = 2) */
    int cdm_groups_without_data;     /* 1..2 (type 1), 1..3 (type 2) */
    uint16_t n_id;                   /* N_ID^{n_SCID}: scramblingID0/1, or N_ID^cell */
    int n_scid;                      /* 0 or 1 */
    int ref_crb;                     /* CRB whose subcarrier 0 is the sequence's reference point */
};

/* One PDSCH transmission. */
struct pdsch_grant {
    uint16_t rnti;                   /* n_RNTI of the scrambling */
    uint16_t n_id;                   /* scrambling n_ID: dataScramblingIdentityPDSCH or N_ID^cell, 0..1023 */
    enum modulation_scheme modulation;   /* QPSK .. 256QAM */
    int nof_layers;                  /* 1 */
    int crb_start, nof_rb;           /* the allocated PRBs as CRBs (contiguous) */
    enum pdsch_mapping_type mapping;
    int start_symbol, nof_symbols;   /* S, L */
    struct pdsch_dmrs_cfg dmrs;
    int slot;                        /* n_s,f, for the DM-RS */
};

struct pdsch_cfg {
    int max_prb;                     /* largest nof_rb to be encoded or decoded, 1..275 */
};

struct pdsch_rx_result {
    float noise_var;                 /* per RE, from the DM-RS */
    float epre;                      /* mean received DM-RS RE energy divided by beta^2 */
    float snr_db;                    /* of the DM-RS channel estimate: 10 log10(|h|^2 / noise_var) */
};

struct pdsch {
    int max_prb;
    struct sch_mod_table mod;        /* QPSK .. 256QAM symbol of each label */
    uint32_t *packed;                /* scrambled codeword, 32 bits per word, MSB first */
    cf_t *sym;                       /* modulation symbols / equalised REs */
    float *gain;                     /* per data RE: |h|^2 / noise_var */
    cf_t *h;                         /* [DM-RS symbol][RB] channel estimates */
    uint8_t *dmrs_bits;
    cf_t *dmrs;                      /* one symbol's DM-RS sequence over the allocation */
};

/* 38.214 Table 5.1.2.1.1-2 (default PDSCH time domain resource allocation A, normal CP): row index + 1 = the
 * DCI's TDRA value m + 1. Returns 0, or -EINVAL for row outside 0..15 or a type-A position other than 2/3. */
int pdsch_tdra_default_a(int row, int dmrs_type_a_position, struct pdsch_time_alloc *out);

/* 38.214 5.1.6.2: the DM-RS a PDSCH scheduled by DCI format 1_0 carries, for N_ID^cell and the reference CRB. */
void pdsch_dmrs_dci_1_0(struct pdsch_dmrs_cfg *d, int type_a_position, int nof_symbols, uint16_t n_id, int ref_crb);

/* 38.211 7.3.1.6 non-interleaved VRB-to-PRB, as a CRB: VRB n is CRB bwp_start_crb + n, or, for DCI 1_0 in a
 * common search space (coreset_start_crb >= 0), CRB coreset_start_crb + n. */
int pdsch_vrb_to_crb(int vrb, int bwp_start_crb, int coreset_start_crb);

/* 0 when gr is a PDSCH this module can send (ranges above, type A, S 0..3, L 3..14 - S, l0 inside the PDSCH,
 * ref_crb <= crb_start); -ENOTSUP for mapping type B or several layers; else -EINVAL. */
int pdsch_grant_check(const struct pdsch_grant *gr);

/* 38.211 Table 7.4.1.1.2-3: bit l set for each DM-RS symbol l of the slot. Returns the mask or a negative
 * pdsch_grant_check() code. */
int pdsch_dmrs_symbols(const struct pdsch_grant *gr);

/* Data REs of the allocation (per layer), and G = REs x Q_m x layers. Negative pdsch_grant_check() codes. */
int pdsch_nof_re(const struct pdsch_grant *gr);
int pdsch_nof_bits(const struct pdsch_grant *gr);

/* N_DMRS^PRB of 38.214 5.1.3.2 for tbs_compute(): DM-RS REs per PRB over the allocation's DM-RS symbols, CDM
 * groups without data included. Negative pdsch_grant_check() codes. */
int pdsch_n_dmrs_prb(const struct pdsch_grant *gr);

/* 38.211 7.4.1.1.1: c_init of the DM-RS of symbol l of slot n_s,f (normal CP). */
uint32_t pdsch_dmrs_c_init(int slot, int l, uint16_t n_id, int n_scid);

/* 38.211 7.3.1.3, one codeword on nof_layers (1..4) layers: x_v(i) = d(nof_layers i + v), nof_symbols a multiple
 * of nof_layers. Returns 0 or -EINVAL. */
int pdsch_layer_map(const cf_t *d, int nof_symbols, int nof_layers, cf_t *x[PDSCH_MAX_LAYERS]);

int pdsch_init(struct pdsch *p, const struct pdsch_cfg *cfg);
void pdsch_free(struct pdsch *p);

/* Scrambles, modulates and maps the nbits = G codeword bits cw (0/1 bytes) with the DM-RS into g (REs outside
 * the allocation untouched). Returns 0, -EINVAL for a bad grant, nbits != G, or a grid the allocation does not
 * fit, -ENOTSUP as pdsch_grant_check(). */
int pdsch_encode(struct pdsch *p, const struct pdsch_grant *gr, const uint8_t *cw, size_t nbits, struct grid *g);

/* The UE side: writes nbits = G descrambled LLRs of the codeword. res may be NULL. Returns 0 or the errors of
 * pdsch_encode; LLRs are 0 when the DM-RS REs hold no energy. */
int pdsch_decode(struct pdsch *p, const struct grid *g, const struct pdsch_grant *gr, float *llr, size_t nbits,
                 struct pdsch_rx_result *res);

#endif
