/* Shared-channel building blocks that PDSCH and PUSCH (CP-OFDM) have in common, both directions.
 *
 * - DM-RS (38.211 7.4.1.1 for PDSCH, 6.4.1.1 for PUSCH without transform precoding; the two clauses define the
 *   same sequence and mapping): r(m) = ((1 - 2 c(2m)) + j (1 - 2 c(2m + 1))) / sqrt(2) with
 *   c_init = (2^17 (14 n_s,f + l + 1)(2 N_ID + 1) + 2 N_ID + n_SCID) mod 2^31 (7.4.1.1.1 / 6.4.1.1.1.1, normal
 *   CP), on subcarriers k = 4n + 2k' + Delta (type 1) or 6n + k' + Delta (type 2) of CDM group Delta
 *   (Tables 7.4.1.1.2-1/-2 = 6.4.1.1.3-1/-2), m counted from the reference CRB. The single-symbol positions of
 *   mapping type A (Table 7.4.1.1.2-3 = Table 6.4.1.1.3-3, type A columns) are the same for both channels.
 * - Scrambling and modulation through packed bits (38.211 7.3.1.1-7.3.1.2 = 6.3.1.1-6.3.1.2 for one codeword):
 *   the G codeword bits XOR the Gold sequence, 32 per word, then one table look-up per symbol.
 *
 * Threading: pure functions over caller memory; a struct sch_mod_table is read-only after sch_mod_table_init().
 */
#ifndef GNBD_PHY_CH_SCH_H
#define GNBD_PHY_CH_SCH_H

#include <stddef.h>
#include <stdint.h>

#include "phy/grid/grid.h"
#include "phy/types.h"

#define SCH_RB_SC 12
#define SCH_SYMBOLS_PER_SLOT 14      /* normal CP */
#define SCH_RB_ALL 0xfffu            /* all 12 subcarriers of an RB */
#define SCH_MAX_DMRS_PER_RB 6        /* type 1: one CDM group holds 6 subcarriers of an RB */

/* Mapping type A, single-symbol DM-RS: bit l set for each DM-RS symbol l of the slot, l0 = dmrs-TypeA-Position
 * (2 or 3) plus the additional positions for l_d (symbols from the slot start to the channel's last symbol,
 * 0..14) and dmrs-AdditionalPosition 0..3. */
unsigned sch_dmrs_type_a_symbols(int l0, int l_d, int additional_position);

/* REs of CDM group g (0..2) in an RB, bit k for subcarrier k. */
unsigned sch_dmrs_cdm_group_res(int config_type, int g);

/* Subcarriers of an RB of a DM-RS symbol left for data: those of no CDM group without data. */
unsigned sch_dmrs_data_res(int config_type, int cdm_groups_without_data);

/* DM-RS REs per RB of one CDM group: 6 (type 1) or 4 (type 2). */
int sch_dmrs_per_rb(int config_type);

/* c_init of the DM-RS of symbol l of slot n_s,f (normal CP). */
uint32_t sch_dmrs_c_init(int slot, int l, uint16_t n_id, int n_scid);

/* r(m) for the nof_rb RBs that start rb_offset RBs above the reference CRB, times amp, into out
 * (sch_dmrs_per_rb() x nof_rb values); bits is scratch of twice that many bytes. */
void sch_dmrs_sequence(uint32_t c_init, int config_type, int rb_offset, int nof_rb, float amp, uint8_t *bits,
                       cf_t *out);

/* The QPSK .. 256QAM symbol of each Q_m-bit label, b(0) = the label's MSB (from modulation_map()). */
struct sch_mod_table {
    cf_t lut[4][256];
};
void sch_mod_table_init(struct sch_mod_table *t);

/* Scrambling on packed words: out[w] bit 31 - j = cw[32 w + j] XOR c(32 w + j); (nbits + 31) / 32 words. */
void sch_scramble_pack(const uint8_t *cw, size_t nbits, uint32_t c_init, uint32_t *out);

/* Modulation of packed bits as a stream the RE mapper draws from, symbol after symbol. */
struct sch_mod_stream {
    const uint32_t *w;
    const cf_t *lut;
    int qm, nacc;
    uint64_t acc;   /* bits not yet used, MSB aligned */
};
void sch_mod_stream_start(struct sch_mod_stream *s, const struct sch_mod_table *t, int qm, const uint32_t *words);
void sch_mod_stream_run(struct sch_mod_stream *s, size_t nsym, cf_t *out);

/* One codeword's RE mapping with its DM-RS (38.211 7.3.1.5-7.3.1.6 / 6.3.1.6 and 7.4.1.1.2 / 6.4.1.1.3): data in
 * increasing k then l over the allocation, skipping every DM-RS RE of the CDM groups without data; the DM-RS of
 * port 0 / 1000 (CDM group 0) on the symbols of dmrs_mask, amplitude beta = sqrt(cdm_groups_without_data). */
struct sch_map_cfg {
    int crb_start, nof_rb, start_symbol, nof_symbols;
    unsigned dmrs_mask;                 /* bit l: symbol l of the slot carries DM-RS */
    int config_type, cdm_groups_without_data;
    uint16_t dmrs_n_id;
    int n_scid, slot;
    int dmrs_rb_offset;                 /* crb_start minus the sequence's reference CRB */
    int qm;
    uint32_t c_init;                    /* data scrambling */
};

/* Buffers for sch_map(), sized for the allocation: packed (G / 32 + 1 words), sym (12 nof_rb), dmrs_bits
 * (12 nof_rb), dmrs (6 nof_rb). */
struct sch_map_ws {
    const struct sch_mod_table *mod;
    uint32_t *packed;
    cf_t *sym;
    uint8_t *dmrs_bits;
    cf_t *dmrs;
};

/* Scrambles, modulates and maps the nbits codeword bits into g; the caller has checked that they fit. */
void sch_map(const struct sch_map_ws *ws, const struct sch_map_cfg *c, const uint8_t *cw, size_t nbits,
             struct grid *g);

/* sch_map() after its scrambling step: modulates and maps the bits already scrambled and packed into ws->packed
 * (sch_scramble_pack(), then whatever the caller changed, e.g. PUSCH's UCI placeholders of 38.211 6.3.1.1). */
void sch_map_packed(const struct sch_map_ws *ws, const struct sch_map_cfg *c, struct grid *g);

#endif
