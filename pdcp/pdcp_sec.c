/* AS security: 33.501 A.8 key derivation, NIA0/NEA0, 128-NIA2/NEA2 (33.401 B.1.3, B.2.3) over OpenSSL. */
#include "pdcp/pdcp_sec.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "pdcp/pdcp_core.h"

#define KDF_FC_ALG_KEY 0x69   /* 33.501 A.8 */

bool pdcp_sec_alg_supported(int alg) { return alg == PDCP_SEC_ALG0 || alg == PDCP_SEC_ALG2; }

int pdcp_sec_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *s, size_t s_len, uint8_t out[32])
{
    if (!key || !s || !out || key_len > INT_MAX) return -EINVAL;
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)key_len, s, s_len, out, &n) || n != 32) return -EIO;
    return 0;
}

int pdcp_sec_derive_key(const uint8_t k_gnb[PDCP_SEC_KGNB_BYTES], int alg_type, int alg,
                        uint8_t key[PDCP_SEC_KEY_BYTES])
{
    if (!k_gnb || !key || alg_type < 0x01 || alg_type > 0x06 || alg < 0 || alg > 15) return -EINVAL;
    /* S = FC || P0 || L0 || P1 || L1 (33.220 B.2.0) */
    const uint8_t s[7] = {KDF_FC_ALG_KEY, (uint8_t)alg_type, 0x00, 0x01, (uint8_t)alg, 0x00, 0x01};
    uint8_t out[32];
    int err = pdcp_sec_hmac_sha256(k_gnb, PDCP_SEC_KGNB_BYTES, s, sizeof s, out);
    if (err) return err;
    memcpy(key, out + 32 - PDCP_SEC_KEY_BYTES, PDCP_SEC_KEY_BYTES);   /* the 128 least significant bits */
    OPENSSL_cleanse(out, sizeof out);
    return 0;
}

int pdcp_sec_derive_as_keys(const uint8_t k_gnb[PDCP_SEC_KGNB_BYTES], int nia, int nea,
                            struct pdcp_sec_as_keys *out)
{
    if (!out) return -EINVAL;
    int err = pdcp_sec_derive_key(k_gnb, PDCP_SEC_N_RRC_INT, nia, out->k_rrc_int);
    if (!err) err = pdcp_sec_derive_key(k_gnb, PDCP_SEC_N_RRC_ENC, nea, out->k_rrc_enc);
    if (!err) err = pdcp_sec_derive_key(k_gnb, PDCP_SEC_N_UP_ENC, nea, out->k_up_enc);
    if (!err) err = pdcp_sec_derive_key(k_gnb, PDCP_SEC_N_UP_INT, nia, out->k_up_int);
    if (err) OPENSSL_cleanse(out, sizeof *out);
    return err;
}

int pdcp_sec_bearer_config(const uint8_t k_gnb[PDCP_SEC_KGNB_BYTES], int nia, int nea, bool user_plane,
                           struct pdcp_sec_config *out)
{
    if (!out) return -EINVAL;
    if (nia < 0 || nia > 15 || nea < 0 || nea > 15) return -EINVAL;
    if (!pdcp_sec_alg_supported(nia) || !pdcp_sec_alg_supported(nea)) return -ENOTSUP;
    struct pdcp_sec_as_keys k;
    int err = pdcp_sec_derive_as_keys(k_gnb, nia, nea, &k);
    if (err) return err;
    *out = (struct pdcp_sec_config){.nia = nia, .nea = nea, .tx_cipher = true, .rx_cipher = true};
    memcpy(out->k_int, user_plane ? k.k_up_int : k.k_rrc_int, PDCP_SEC_KEY_BYTES);
    memcpy(out->k_enc, user_plane ? k.k_up_enc : k.k_rrc_enc, PDCP_SEC_KEY_BYTES);
    OPENSSL_cleanse(&k, sizeof k);
    return 0;
}

/* ---- Contexts --------------------------------------------------------------------------------------------- */

void pdcp_sec_free(struct pdcp_sec_ctx *c)
{
    if (!c) return;
    EVP_MAC_CTX_free(c->cmac);
    EVP_CIPHER_CTX_free(c->ctr);
    OPENSSL_cleanse(c, sizeof *c);
}

int pdcp_sec_init(struct pdcp_sec_ctx *c, int nia, const uint8_t k_int[PDCP_SEC_KEY_BYTES], int nea,
                  const uint8_t k_enc[PDCP_SEC_KEY_BYTES])
{
    if (!c) return -EINVAL;
    memset(c, 0, sizeof *c);
    if (nia < 0 || nia > 15 || nea < 0 || nea > 15) return -EINVAL;
    if (!pdcp_sec_alg_supported(nia) || !pdcp_sec_alg_supported(nea)) return -ENOTSUP;
    if ((nia != PDCP_SEC_ALG0 && !k_int) || (nea != PDCP_SEC_ALG0 && !k_enc)) return -EINVAL;
    c->nia = nia;
    c->nea = nea;
    int err = 0;
    if (nia == PDCP_SEC_ALG2) {
        memcpy(c->k_int, k_int, PDCP_SEC_KEY_BYTES);
        EVP_MAC *mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_CMAC, NULL);
        c->cmac = mac ? EVP_MAC_CTX_new(mac) : NULL;
        EVP_MAC_free(mac);   /* the context keeps its own reference */
        char cipher[] = "AES-128-CBC";
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                               OSSL_PARAM_construct_end()};
        if (!c->cmac)
            err = -ENOMEM;
        else if (!EVP_MAC_init(c->cmac, k_int, PDCP_SEC_KEY_BYTES, params))
            err = -EIO;
    }
    if (!err && nea == PDCP_SEC_ALG2) {
        c->ctr = EVP_CIPHER_CTX_new();
        if (!c->ctr)
            err = -ENOMEM;
        else if (!EVP_EncryptInit_ex(c->ctr, EVP_aes_128_ctr(), NULL, k_enc, NULL))
            err = -EIO;
    }
    if (err) pdcp_sec_free(c);
    return err;
}

/* COUNT || BEARER || DIRECTION || 0^26 (33.401 B.1.3 / B.2.3), then zeros to 16 octets */
static void iv_of(uint8_t iv[16], uint32_t count, int bearer, int direction)
{
    memset(iv, 0, 16);
    iv[0] = (uint8_t)(count >> 24);
    iv[1] = (uint8_t)(count >> 16);
    iv[2] = (uint8_t)(count >> 8);
    iv[3] = (uint8_t)count;
    iv[4] = (uint8_t)((bearer & 0x1f) << 3 | (direction & 1) << 2);
}

static bool inputs_ok(int bearer, int direction)
{
    return bearer >= 0 && bearer <= 31 && (direction == 0 || direction == 1);
}

/* AES-128-CMAC over prefix(8) || a[alen] || b[blen] with the context's key; MAC-I = first 4 octets. */
static int cmac2(struct pdcp_sec_ctx *c, const uint8_t prefix[8], const uint8_t *a, size_t alen, const uint8_t *b,
                 size_t blen, uint8_t mac_i[PDCP_SEC_MAC_BYTES])
{
    uint8_t full[16];
    size_t n = 0;
    if (!EVP_MAC_init(c->cmac, NULL, 0, NULL) || !EVP_MAC_update(c->cmac, prefix, 8) ||
        (alen && !EVP_MAC_update(c->cmac, a, alen)) || (blen && !EVP_MAC_update(c->cmac, b, blen)) ||
        !EVP_MAC_final(c->cmac, full, &n, sizeof full) || n != 16)
        return -EIO;
    memcpy(mac_i, full, PDCP_SEC_MAC_BYTES);
    return 0;
}

int pdcp_sec_mac(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, const uint8_t *msg, size_t len,
                 uint8_t mac_i[PDCP_SEC_MAC_BYTES])
{
    if (!c || !mac_i || (!msg && len) || !inputs_ok(bearer, direction)) return -EINVAL;
    if (c->nia == PDCP_SEC_ALG0) {
        memset(mac_i, 0, PDCP_SEC_MAC_BYTES);
        return 0;
    }
    uint8_t iv[16];
    iv_of(iv, count, bearer, direction);
    return cmac2(c, iv, msg, len, NULL, 0, mac_i);
}

int pdcp_sec_verify(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, const uint8_t *msg,
                    size_t len, const uint8_t mac_i[PDCP_SEC_MAC_BYTES])
{
    if (!c || !mac_i) return -EINVAL;
    if (c->nia == PDCP_SEC_ALG0) return 0;
    uint8_t x[PDCP_SEC_MAC_BYTES];
    int err = pdcp_sec_mac(c, count, bearer, direction, msg, len, x);
    if (err) return err;
    return CRYPTO_memcmp(x, mac_i, PDCP_SEC_MAC_BYTES) == 0 ? 0 : -EBADMSG;
}

int pdcp_sec_cipher(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, uint8_t *data, size_t len)
{
    if (!c || (!data && len) || len > INT_MAX || !inputs_ok(bearer, direction)) return -EINVAL;
    if (c->nea == PDCP_SEC_ALG0 || len == 0) return 0;
    uint8_t iv[16];
    iv_of(iv, count, bearer, direction);
    int n = 0;
    if (!EVP_EncryptInit_ex(c->ctr, NULL, NULL, NULL, iv) || !EVP_EncryptUpdate(c->ctr, data, &n, data, (int)len) ||
        n != (int)len)
        return -EIO;
    return 0;
}

int pdcp_sec_cipher_bits(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, uint8_t *data,
                         size_t bits)
{
    size_t bytes = (bits + 7) / 8;
    int err = pdcp_sec_cipher(c, count, bearer, direction, data, bytes);
    if (!err && bits % 8) data[bytes - 1] &= (uint8_t)(0xff << (8 - bits % 8));
    return err;
}

/* ---- 128-NIA2 on a bit string ------------------------------------------------------------------------------ */

static void dbl(uint8_t b[16])   /* multiplication by x in GF(2^128), RFC 4493 2.3 */
{
    uint8_t carry = b[0] >> 7;
    for (int i = 0; i < 15; i++) b[i] = (uint8_t)(b[i] << 1 | b[i + 1] >> 7);
    b[15] = (uint8_t)(b[15] << 1);
    if (carry) b[15] ^= 0x87;
}

int pdcp_sec_nia2_bits(struct pdcp_sec_ctx *c, uint32_t count, int bearer, int direction, const uint8_t *msg,
                       size_t bits, uint8_t mac_i[PDCP_SEC_MAC_BYTES])
{
    if (!c || c->nia != PDCP_SEC_ALG2 || !mac_i || (!msg && bits) || !inputs_ok(bearer, direction)) return -EINVAL;
    if (bits % 8 == 0) return pdcp_sec_mac(c, count, bearer, direction, msg, bits / 8, mac_i);
    /* M = prefix (64 bits) || msg, N bits, N not a multiple of 8, so its last block M_n (r bits) is partial and
     * CMAC uses pad(M_n) XOR K2. libcrypto's CMAC pads at octet granularity; give it instead a complete last
     * block X = pad(M_n) XOR K2 XOR K1, which it XORs with K1: the result is the same cipher input. */
    uint8_t iv[16];
    iv_of(iv, count, bearer, direction);
    size_t n_bits = 64 + bits, n_blocks = (n_bits + 127) / 128, head = 16 * (n_blocks - 1);   /* octets before M_n */
    size_t r = n_bits - 8 * head;                                                              /* 0 < r < 128 */
    uint8_t last[16] = {0};
    for (size_t i = 0; i < (r + 7) / 8; i++) {
        size_t pos = head + i;   /* octet of M */
        last[i] = pos < 8 ? iv[pos] : msg[pos - 8];
    }
    last[r / 8] &= (uint8_t)(0xff << (8 - r % 8));
    last[r / 8] |= (uint8_t)(0x80 >> (r % 8));   /* the padding 1 bit */
    /* subkeys from L = AES-128(K, 0^128) */
    uint8_t k1[16] = {0}, k2[16];
    EVP_CIPHER_CTX *ecb = EVP_CIPHER_CTX_new();
    int n = 0;
    bool ok = ecb && EVP_EncryptInit_ex(ecb, EVP_aes_128_ecb(), NULL, c->k_int, NULL) &&
              EVP_CIPHER_CTX_set_padding(ecb, 0) && EVP_EncryptUpdate(ecb, k1, &n, k1, 16) && n == 16;
    EVP_CIPHER_CTX_free(ecb);
    if (!ok) return -EIO;
    dbl(k1);
    memcpy(k2, k1, 16);
    dbl(k2);
    for (int i = 0; i < 16; i++) last[i] ^= (uint8_t)(k1[i] ^ k2[i]);
    OPENSSL_cleanse(k1, sizeof k1);
    OPENSSL_cleanse(k2, sizeof k2);
    /* the whole blocks before M_n: the prefix and head - 8 octets of msg (head >= 8 unless M is one block) */
    if (head == 0) {
        /* M is a single partial block: its content is all in `last`; CMAC over it alone (no prefix) */
        uint8_t full[16];
        size_t fl = 0;
        if (!EVP_MAC_init(c->cmac, NULL, 0, NULL) || !EVP_MAC_update(c->cmac, last, 16) ||
            !EVP_MAC_final(c->cmac, full, &fl, sizeof full) || fl != 16)
            return -EIO;
        memcpy(mac_i, full, PDCP_SEC_MAC_BYTES);
        return 0;
    }
    return cmac2(c, iv, msg, head - 8, last, 16, mac_i);
}

/* ---- PDCP hooks -------------------------------------------------------------------------------------------- */

static int hook_mac(void *ctx, uint32_t count, int bearer, int direction, const uint8_t *msg, size_t len,
                    uint8_t mac_i[PDCP_MAC_I_BYTES])
{
    return pdcp_sec_mac(ctx, count, bearer, direction, msg, len, mac_i);
}

static int hook_verify(void *ctx, uint32_t count, int bearer, int direction, const uint8_t *msg, size_t len,
                       const uint8_t mac_i[PDCP_MAC_I_BYTES])
{
    return pdcp_sec_verify(ctx, count, bearer, direction, msg, len, mac_i);
}

static int hook_cipher(void *ctx, uint32_t count, int bearer, int direction, uint8_t *data, size_t len)
{
    return pdcp_sec_cipher(ctx, count, bearer, direction, data, len);
}

void pdcp_sec_hooks(struct pdcp_sec_ctx *c, struct pdcp_security *hooks)
{
    *hooks = (struct pdcp_security){.ctx = c};
    if (c->nia != PDCP_SEC_ALG0) {
        hooks->protect = hook_mac;
        hooks->verify = hook_verify;
    }
    if (c->nea != PDCP_SEC_ALG0) hooks->cipher = hook_cipher;
}
