/* PBCH: from the 24 BCH bits to 432 QPSK symbols and back.
 *
 * Transmit chain, one public step per stage so each can be checked alone:
 *   38.212 7.1.1  payload generation: the 24 BCH bits + SFN 4 LSBs, half-frame bit, and SSB index bits 5..3
 *                 (L_max = 64) or the k_SSB MSB and two reserved zeros (L_max = 4, 8); then the interleaver
 *                 G(j) of Table 7.1.1-1                                   -> a (32 bits)
 *   38.212 7.1.2  scrambling with c_init = N_ID^cell, offset v M, v from the SFN 3rd/2nd LSB; the half-frame bit,
 *                 those two SFN bits and (L_max = 64) the SSB index bits are left unscrambled -> a' (32)
 *   38.212 7.1.3  CRC24C                                                  -> c (56)
 *   38.212 7.1.4/7.1.5  polar code K = 56, E = 864 (n_max 9, input interleaver) -> f (864)
 *   38.211 7.3.3.1 scrambling, c_init = N_ID^cell, offset nu 864 (nu: 2 or 3 LSBs of the SSB index) -> b (864)
 *   38.211 7.3.3.2 QPSK                                                   -> 432 symbols (unit energy)
 * Mapping the symbols onto the SS/PBCH block is the SSB mapper's job; ssb_map.h gives the RE positions.
 *
 * Receive chain (pbch_decode): max-log QPSK LLRs -> 7.3.3.1 descrambling for nu (known from the PBCH DM-RS, or
 * each hypothesis in turn) -> rate recovery -> CRC-aided SCL decoding -> CRC24C -> 7.1.2 descrambling, whose v
 * is read from the decoded payload itself (the 2nd/3rd SFN LSBs are sent unscrambled) -> deinterleaving.
 * A result is only reported valid when its CRC passed.
 *
 * Bits are unpacked (one per byte, 0/1). The BCH bits follow the UPER layout of BCCH-BCH-Message: bit 0 is the
 * message choice, bits 1..6 the SFN 6 MSBs, bits 8..11 ssb-SubcarrierOffset (the 4 LSBs of k_SSB).
 *
 * Threading: the pbch_* bit functions are pure. struct pbch holds the polar code and decoder workspace built by
 * pbch_init(); pbch_encode() only reads it (shareable), pbch_decode() writes its scratch (one object per
 * thread). Nothing allocates after pbch_init().
 */
#ifndef GNBD_PHY_CH_PBCH_H
#define GNBD_PHY_CH_PBCH_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/fec/polar.h"
#include "phy/fec/polar_decoder.h"
#include "phy/types.h"

#define PBCH_MIB_BITS 24      /* A-bar: BCH transport block */
#define PBCH_PAYLOAD_BITS 32  /* A */
#define PBCH_K 56             /* A + 24 CRC bits */
#define PBCH_E 864            /* coded bits per SS/PBCH block */
#define PBCH_NUM_SYMBOLS 432  /* QPSK symbols */

/* The content of one PBCH transmission. */
struct pbch_msg {
    uint8_t mib[PBCH_MIB_BITS]; /* BCH bits a-bar_0..23 (bits 1..6 are the SFN 6 MSBs) */
    uint16_t sfn;               /* 0..1023; its 4 LSBs go into the payload */
    uint8_t hrf;                /* half-frame bit, 0/1 */
    uint8_t ssb_idx;            /* SS/PBCH block index, 0..L_max-1 */
    uint8_t k_ssb;              /* k_SSB, 0..31 (FR1) or 0..15 (FR2); bit 4 goes into the payload when L_max < 64 */
};

struct pbch_cfg {
    int list_size; /* SCL list size; 0 = 8 */
};

struct pbch {
    struct polar_code code;    /* K = 56, E = 864 */
    struct polar_decoder dec;
    float llr[PBCH_E];         /* receive scratch */
    float llr_hyp[PBCH_E];
    float llr_d[512];
};

struct pbch_result {
    bool crc_ok;          /* the other fields are meaningful only when true */
    struct pbch_msg msg;  /* sfn from mib bits 1..6 and the payload; ssb_idx from nu (+ payload bits for L_max 64);
                           * k_ssb from the payload MSB and mib bits 8..11 (L_max 64: mib bits only) */
    int nu;               /* the 7.3.3.1 nu that decoded */
    float path_metric;
};

/* 38.212 7.1.1: a (interleaved payload). -EINVAL for l_max not 4/8/64 or fields out of range. */
int pbch_payload_generate(const struct pbch_msg *msg, int l_max, uint8_t a[PBCH_PAYLOAD_BITS]);

/* 38.212 7.1.2 applied in place (it is its own inverse) for the SFN whose 3rd/2nd LSBs give v. */
int pbch_payload_scramble(uint8_t a[PBCH_PAYLOAD_BITS], int l_max, uint16_t n_id, uint16_t sfn);

/* Receiver side of 7.1.2: v comes from the unscrambled SFN bits of a' itself. In place. */
int pbch_payload_descramble(uint8_t a[PBCH_PAYLOAD_BITS], int l_max, uint16_t n_id);

/* Inverse of pbch_payload_generate: fills msg from a (descrambled). ssb_idx gets only bits 5..3 (L_max = 64) or
 * 0; k_ssb as described in struct pbch_result. -EINVAL for a bad l_max. */
int pbch_payload_parse(const uint8_t a[PBCH_PAYLOAD_BITS], int l_max, struct pbch_msg *msg);

/* 38.212 7.1.3: c = a' followed by its CRC24C. */
void pbch_crc_attach(const uint8_t a_prime[PBCH_PAYLOAD_BITS], uint8_t c[PBCH_K]);

/* 38.212 7.1.4 + 7.1.5: f = rate-matched polar codeword of c. */
int pbch_channel_encode(const struct pbch *pbch, const uint8_t c[PBCH_K], uint8_t f[PBCH_E]);

/* 38.211 7.3.3.1 nu: the 2 (L_max = 4) or 3 LSBs of the SSB index; -EINVAL for a bad l_max. */
int pbch_nu(int ssb_idx, int l_max);

/* 38.211 7.3.3.1: b = f XOR c(nu 864 + i), c_init = N_ID^cell. */
void pbch_scramble(const uint8_t f[PBCH_E], uint16_t n_id, int nu, uint8_t b[PBCH_E]);

int pbch_init(struct pbch *pbch, const struct pbch_cfg *cfg);
void pbch_free(struct pbch *pbch);

/* The whole transmit chain: msg -> 432 QPSK symbols of unit energy, in RE mapping order. */
int pbch_encode(const struct pbch *pbch, const struct pbch_msg *msg, uint16_t n_id, int l_max,
                cf_t symbols[PBCH_NUM_SYMBOLS]);

/* The receive chain. symbols: the 432 equalised PBCH REs in mapping order; noise_var: their complex noise
 * variance (> 0). i_ssb_bar: the 38.211 7.4.1.4.1 value found from the PBCH DM-RS (0..7), or -1 to try every nu.
 * Returns 0 (res->crc_ok says whether a PBCH was found) or -EINVAL for bad arguments. */
int pbch_decode(struct pbch *pbch, const cf_t symbols[PBCH_NUM_SYMBOLS], float noise_var, uint16_t n_id,
                int l_max, int i_ssb_bar, struct pbch_result *res);

#endif
