/* Transport block CRC, code block segmentation and its inverse for the LDPC-coded shared channels.
 *
 * Implements 38.212 7.2.1 (TB CRC: CRC24A when A > 3824, else CRC16), 7.2.2 (LDPC base graph selection from A
 * and the target code rate R), 5.2.2 (code block segmentation: C, CRC24B per block when C > 1, K', K_b, the
 * smallest lifting size Z_c with K_b Z_c >= K', K = 22 Z_c or 10 Z_c, <NULL> fillers K' .. K-1) and, on the
 * receive side, de-segmentation with the CB CRC24B and TB CRC checks. Code block concatenation (5.5) is a plain
 * append of the rate-matched blocks and lives with the chain in phy/ch/dlsch.h.
 *
 * Transport blocks are packed bytes, MSB first (a_0 is bit 7 of byte 0), so TBS is a multiple of 8 (every
 * 38.214 TBS is). Code blocks are unpacked bits, one per byte, fillers = LDPC_FILLER (ldpc_encoder.h).
 *
 * Threading: pure functions over caller memory, no allocation, no shared state.
 */
#ifndef GNBD_PHY_FEC_SEGMENTATION_H
#define GNBD_PHY_FEC_SEGMENTATION_H

#include <stdbool.h>
#include <stdint.h>

#define SEGMENTATION_TBS_MAX 1277992 /* 38.214: largest TBS (8 layers, 256QAM) */

/* The segmentation of one transport block (38.212 5.2.2 names). */
struct segmentation {
    int tbs;     /* A */
    int l_tb;    /* TB CRC length, 16 or 24 */
    int b;       /* B = A + L_TB */
    int bg;      /* LDPC base graph, 1 or 2 */
    int c;       /* number of code blocks C */
    int l_cb;    /* CB CRC length: 24 when C > 1, else 0 */
    int k_prime; /* K' = B' / C: bits per block before the fillers */
    int k_b;     /* systematic base graph columns used: 22 (BG1) or 6, 8, 9, 10 (BG2) */
    int z;       /* lifting size Z_c */
    int k;       /* K: code block length incl. fillers */
    int f;       /* fillers per block, K - K' */
};

/* What de-segmentation found. */
struct segmentation_rx_result {
    bool tb_crc_ok;    /* the TB CRC checks */
    int cb_crc_failed; /* code blocks whose CRC24B does not check (always 0 when C = 1) */
};

/* 38.212 7.2.2: base graph for a TB of tbs bits at target code rate r (0 < r < 1): 2 if A <= 292, or A <= 3824
 * and R <= 0.67, or R <= 0.25; else 1. */
int segmentation_select_bg(int tbs, double r);

/* Fills s for a TB of tbs bits (a positive multiple of 8, at most SEGMENTATION_TBS_MAX) on base graph bg.
 * 0 or -EINVAL. */
int segmentation_compute(struct segmentation *s, int tbs, int bg);

/* 38.212 7.2.1: CRC of the packed TB (L_TB bits, p_0 as MSB). */
uint32_t segmentation_tb_crc(const struct segmentation *s, const uint8_t *tb);

/* Code block r (K bits: its share of the TB and TB CRC bits, then CRC24B when C > 1, then the fillers) from the
 * packed TB and its CRC from segmentation_tb_crc(). 0 or -EINVAL (r out of range). */
int segmentation_cb(const struct segmentation *s, const uint8_t *tb, uint32_t tb_crc, int r, uint8_t *cb);

/* Receive side: true when the K' hard bits of code block cb carry a good CRC24B (C > 1), so the decoder can stop
 * early and HARQ can keep the block; with C = 1 there is no CB CRC and this returns true. */
bool segmentation_cb_crc_ok(const struct segmentation *s, const uint8_t *cb);

/* Receive side: C decoded code blocks (C x K hard bits, 0/1; fillers ignored) -> packed TB (tbs / 8 bytes),
 * with every CB CRC and the TB CRC checked into res. 0 or -EINVAL. */
int segmentation_desegment(const struct segmentation *s, const uint8_t *cbs, uint8_t *tb,
                           struct segmentation_rx_result *res);

#endif
