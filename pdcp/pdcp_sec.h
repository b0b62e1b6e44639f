/* AS security functions (3GPP TS 33.501 with the algorithms of TS 33.401 Annex B): key derivation from K_gNB and
 * the NR integrity (NIA) and ciphering (NEA) algorithms that PDCP applies (38.323 5.8, 5.9).
 *
 * Key derivation (33.501 A.8 on the generic KDF of 33.220 B.2): key = the 128 least significant bits (the last
 * 16 octets) of HMAC-SHA-256(K_gNB, S), S = FC || P0 || L0 || P1 || L1 with FC = 0x69, P0 = the algorithm type
 * distinguisher (Table A.8-1: N-RRC-enc-alg 0x03, N-RRC-int-alg 0x04, N-UP-enc-alg 0x05, N-UP-int-alg 0x06),
 * L0 = L1 = 0x00 0x01, P1 = the algorithm identity (33.501 5.11.1: NEA0/NIA0 0, 128-NEA1/NIA1 1, 128-NEA2/NIA2 2,
 * 128-NEA3/NIA3 3) in the four least significant bits of the octet. K_gNB is 256 bits (from the NGAP Initial
 * Context Setup Request, Security Key IE).
 *
 * Algorithms implemented: NIA0/NEA0 (33.501 D.1: MAC-I of zeros, no ciphering), 128-NIA2 and 128-NEA2 (33.501
 * D.3 = 33.401 B.2.3 and B.1.3). 128-NIA1/NEA1 (SNOW 3G) and 128-NIA3/NEA3 (ZUC) are not: their identities are
 * refused with -ENOTSUP.
 *   128-NIA2: MAC-I = the 32 most significant bits of AES-128-CMAC(K_int, M), M = COUNT (32 bits) || BEARER
 *     (5 bits) || DIRECTION (1 bit) || 0^26 || MESSAGE.
 *   128-NEA2: AES-128 in counter mode, first counter block COUNT || BEARER || DIRECTION || 0^26 || 0^64, the
 *     keystream XORed into the data.
 * BEARER is the radio bearer identity - 1 (33.501 6.4.3/6.5.3: SRB1 is 0; a DRB's is drb-Identity - 1),
 * DIRECTION 0 uplink, 1 downlink.
 *
 * The AES, CMAC, HMAC and SHA-256 primitives are OpenSSL's libcrypto (EVP API, OpenSSL 3): nothing here
 * implements a cipher. Memory: pdcp_sec_init() allocates the two EVP contexts (CMAC keyed with K_int, AES-CTR
 * keyed with K_enc) and keeps them; per message only the IV/prefix changes, nothing is allocated
 * (pdcp_sec_nia2_bits(), for bit-granular test messages, is the exception and says so). A context belongs to
 * one thread. Errors: 0 or a negative errno code (-EINVAL bad arguments, -ENOTSUP algorithm not implemented,
 * -ENOMEM, -EIO libcrypto failed, -EBADMSG MAC-I mismatch).
 */
#ifndef GNBD_PDCP_PDCP_SEC_H
#define GNBD_PDCP_PDCP_SEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PDCP_SEC_KGNB_BYTES 32
#define PDCP_SEC_KEY_BYTES 16
#define PDCP_SEC_MAC_BYTES 4

/* Algorithm identities (33.501 5.11.1.1, 5.11.1.2); the same numbers as the RRC CipheringAlgorithm and
 * IntegrityProtAlgorithm enumerations (nea0..nea3, nia0..nia3). */
enum pdcp_sec_alg { PDCP_SEC_ALG0 = 0, PDCP_SEC_ALG1 = 1, PDCP_SEC_ALG2 = 2, PDCP_SEC_ALG3 = 3 };

/* Algorithm type distinguishers, 33.501 Table A.8-1. */
enum pdcp_sec_alg_type {
    PDCP_SEC_N_RRC_ENC = 0x03,
    PDCP_SEC_N_RRC_INT = 0x04,
    PDCP_SEC_N_UP_ENC = 0x05,
    PDCP_SEC_N_UP_INT = 0x06,
};

/* true when the algorithm identity is implemented here (0 and 2). */
bool pdcp_sec_alg_supported(int alg);

/* HMAC-SHA-256(key, s): the generic KDF of 33.220 B.2 once S is formed. */
int pdcp_sec_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *s, size_t s_len, uint8_t out[32]);

/* One algorithm key from K_gNB, 33.501 A.8 (any alg_type 0x01..0x06 and alg 0..15 accepted as input). */
int pdcp_sec_derive_key(const uint8_t k_gnb[PDCP_SEC_KGNB_BYTES], int alg_type, int alg,
                        uint8_t key[PDCP_SEC_KEY_BYTES]);

/* The AS keys of one UE (33.501 6.2.2, Figure 6.2.2-1). */
struct pdcp_sec_as_keys {
    uint8_t k_rrc_int[PDCP_SEC_KEY_BYTES], k_rrc_enc[PDCP_SEC_KEY_BYTES];
    uint8_t k_up_enc[PDCP_SEC_KEY_BYTES], k_up_int[PDCP_SEC_KEY_BYTES];
};

/* K_RRCint and K_UPint for integrity algorithm nia, K_RRCenc and K_UPenc for ciphering algorithm nea. K_UPint
 * is derived always (cheap) and used only for DRBs configured with integrity protection. */
int pdcp_sec_derive_as_keys(const uint8_t k_gnb[PDCP_SEC_KGNB_BYTES], int nia, int nea,
                            struct pdcp_sec_as_keys *out);

struct pdcp_sec_config;
/* What RRC hands a PDCP entity (pdcp/pdcp_core.h) after the SecurityModeCommand chose nia/nea: the keys derived
 * from K_gNB for SRBs (K_RRCint, K_RRCenc) or, with user_plane, for DRBs (K_UPint, K_UPenc); ciphering on in both
 * directions (RRC turns it off around the SecurityModeCommand exchange). -ENOTSUP for algorithms not
 * implemented here. */
int pdcp_sec_bearer_config(const uint8_t k_gnb[PDCP_SEC_KGNB_BYTES], int nia, int nea, bool user_plane,
                           struct pdcp_sec_config *out);

struct evp_mac_ctx_st;
struct evp_cipher_ctx_st;

/* One key set with its algorithms (e.g. K_RRCint + K_RRCenc for the SRBs of a UE). */
struct pdcp_sec_ctx {
    int nia, nea;
    uint8_t k_int[PDCP_SEC_KEY_BYTES];
    struct evp_mac_ctx_st *cmac;      /* NIA2: AES-128-CMAC keyed with k_int */
    struct evp_cipher_ctx_st *ctr;    /* NEA2: AES-128-CTR keyed with k_enc */
};

/* 0, -EINVAL (NULL key for a non-null algorithm), -ENOTSUP (nia or nea not 0 or 2), -ENOMEM or -EIO. A key may be
 * NULL for algorithm 0. */
int pdcp_sec_init(struct pdcp_sec_ctx *c, int nia, const uint8_t k_int[PDCP_SEC_KEY_BYTES], int nea,
                  const uint8_t k_enc[PDCP_SEC_KEY_BYTES]);
void pdcp_sec_free(struct pdcp_sec_ctx *c);

/* MAC-I over msg[len] (NIA0: zeros). */
int pdcp_sec_mac(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, const uint8_t *msg, size_t len,
                 uint8_t mac_i[PDCP_SEC_MAC_BYTES]);

/* 0 when mac_i is the MAC-I of msg[len], -EBADMSG otherwise (NIA0: always 0, 33.501 D.1). */
int pdcp_sec_verify(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, const uint8_t *msg,
                    size_t len, const uint8_t mac_i[PDCP_SEC_MAC_BYTES]);

/* Ciphers (or deciphers: the same operation) data[len] in place (NEA0: unchanged). */
int pdcp_sec_cipher(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, uint8_t *data, size_t len);

/* Bit-granular forms for the 33.401 Annex C test sets, whose messages need not be whole octets: `bits` bits of
 * msg/data (MSB first). pdcp_sec_cipher_bits() zeroes the bits after the last one. pdcp_sec_nia2_bits() needs
 * nia == 2 and, when bits is not a multiple of 8, allocates a temporary AES-ECB context to form the CMAC
 * subkeys (RFC 4493 2.3); PDCP never calls it. */
int pdcp_sec_nia2_bits(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, const uint8_t *msg,
                       size_t bits, uint8_t mac_i[PDCP_SEC_MAC_BYTES]);
int pdcp_sec_cipher_bits(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, uint8_t *data,
                         size_t bits);

struct pdcp_security;
/* Fills PDCP's hooks (pdcp/pdcp_srb.h) with these functions on context c: NULL hooks for the null algorithms. */
void pdcp_sec_hooks(struct pdcp_sec_ctx *c, struct pdcp_security *hooks);

#endif
