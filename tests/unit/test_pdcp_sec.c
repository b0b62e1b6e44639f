/* AS security (pdcp/pdcp_sec.h) and its use by the SRB entity (pdcp/pdcp_srb.h):
 * - 128-NEA2 test sets 1-6 and 128-NIA2 test sets 1-8 of 3GPP TS 33.401 Annex C.1 / C.2 (which 33.501 D.4.4 and
 *   D.4.5 reuse for 128-NEA2/NIA2), read from tests/vectors/security/{eea2,eia2}.tsv; bit-granular lengths
 *   included; a flipped message bit must change the MAC-I;
 * - HMAC-SHA-256 against RFC 4231 test case 2; the 33.501 A.8 key derivation against values computed with the
 *   openssl command line tool (commands below), and, when that tool is installed, against it for random K_gNB;
 * - NIA0/NEA0, unsupported algorithms refused;
 * - SRB1 between a UE and a gNB entity with NIA2/NEA2: the PDU bytes equal header || NEA2(SDU || NIA2(header ||
 *   SDU)) computed separately, round trip both ways, a tampered byte is an integrity failure (counted, dropped,
 *   reported), wrong keys fail, and the SecurityModeCommand sequence (integrity first, ciphering later);
 * - no allocation per PDU: libcrypto's allocator is counted (CRYPTO_set_mem_functions, set before any use) and
 *   must not move over 1000 protected PDUs sent and received. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "pdcp/pdcp_sec.h"
#include "pdcp/pdcp_srb.h"
#include "tests/unit/check_run.h"
#include "tests/unit/vector_io.h"
#include "test_rng.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s) / 2;
    ck_assert_uint_le(n, cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(s + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* One row of tests/vectors/security/<name>.tsv: set key count bearer direction length_bits input output. */
struct sec_row {
    int set, bearer, direction;
    uint32_t count;
    size_t bits, in_len, out_len;
    uint8_t key[16], in[4096], out[4096];
};

static int next_row(FILE *f, struct sec_row *r)
{
    char *line = NULL;
    size_t cap = 0;
    int got = 0;
    while (!got && getline(&line, &cap, f) > 0) {
        char *fld[8];
        if (vector_tsv_split(line, fld, 8) != 8 || strcmp(fld[0], "set") == 0) continue;
        r->set = atoi(fld[0]);
        ck_assert_uint_eq(unhex(fld[1], r->key, 16), 16);
        r->count = (uint32_t)strtoul(fld[2], NULL, 16);
        r->bearer = (int)strtol(fld[3], NULL, 16);
        r->direction = atoi(fld[4]);
        r->bits = (size_t)atol(fld[5]);
        r->in_len = unhex(fld[6], r->in, sizeof r->in);
        r->out_len = unhex(fld[7], r->out, sizeof r->out);
        got = 1;
    }
    free(line);
    return got;
}

static FILE *open_vectors(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "tests/vectors/security/%s.tsv", name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f, "cannot open %s (run from the repository root)", path);
    return f;
}

/* ---- 33.401 C.1: 128-EEA2 -------------------------------------------------------------------------------- */

START_TEST(test_nea2_test_sets)
{
    FILE *f = open_vectors("eea2");
    struct sec_row *r = malloc(sizeof *r);
    int sets = 0;
    while (next_row(f, r)) {
        struct pdcp_sec_ctx c;
        ck_assert_int_eq(pdcp_sec_init(&c, 0, NULL, 2, r->key), 0);
        ck_assert_uint_eq(r->in_len, (r->bits + 7) / 8);
        uint8_t buf[4096];
        memcpy(buf, r->in, r->in_len);
        ck_assert_int_eq(pdcp_sec_cipher_bits(&c, r->count, r->bearer, r->direction, buf, r->bits), 0);
        ck_assert_msg(memcmp(buf, r->out, r->out_len) == 0, "128-EEA2 test set %d: ciphertext differs", r->set);
        /* deciphering is the same operation */
        ck_assert_int_eq(pdcp_sec_cipher_bits(&c, r->count, r->bearer, r->direction, buf, r->bits), 0);
        if (r->bits % 8) r->in[r->in_len - 1] &= (uint8_t)(0xff << (8 - r->bits % 8));
        ck_assert_msg(memcmp(buf, r->in, r->in_len) == 0, "128-EEA2 test set %d: round trip differs", r->set);
        pdcp_sec_free(&c);
        sets++;
    }
    fclose(f);
    free(r);
    ck_assert_int_eq(sets, 6);
}
END_TEST

/* ---- 33.401 C.2: 128-EIA2 -------------------------------------------------------------------------------- */

START_TEST(test_nia2_test_sets)
{
    FILE *f = open_vectors("eia2");
    struct sec_row *r = malloc(sizeof *r);
    int sets = 0;
    while (next_row(f, r)) {
        struct pdcp_sec_ctx c;
        ck_assert_int_eq(pdcp_sec_init(&c, 2, r->key, 0, NULL), 0);
        ck_assert_uint_eq(r->out_len, 4);
        uint8_t mac[4];
        ck_assert_int_eq(pdcp_sec_nia2_bits(&c, r->count, r->bearer, r->direction, r->in, r->bits, mac), 0);
        ck_assert_msg(memcmp(mac, r->out, 4) == 0, "128-EIA2 test set %d: MAC %02x%02x%02x%02x", r->set, mac[0],
                      mac[1], mac[2], mac[3]);
        if (r->bits % 8 == 0) {   /* the octet path PDCP uses */
            ck_assert_int_eq(pdcp_sec_mac(&c, r->count, r->bearer, r->direction, r->in, r->bits / 8, mac), 0);
            ck_assert_mem_eq(mac, r->out, 4);
            ck_assert_int_eq(pdcp_sec_verify(&c, r->count, r->bearer, r->direction, r->in, r->bits / 8, r->out), 0);
        }
        /* the last message bit flipped, then the COUNT changed: the MAC must change */
        size_t last = r->bits - 1;
        r->in[last / 8] ^= (uint8_t)(0x80 >> (last % 8));
        ck_assert_int_eq(pdcp_sec_nia2_bits(&c, r->count, r->bearer, r->direction, r->in, r->bits, mac), 0);
        ck_assert(memcmp(mac, r->out, 4) != 0);
        r->in[last / 8] ^= (uint8_t)(0x80 >> (last % 8));
        ck_assert_int_eq(pdcp_sec_nia2_bits(&c, r->count + 1, r->bearer, r->direction, r->in, r->bits, mac), 0);
        ck_assert(memcmp(mac, r->out, 4) != 0);
        pdcp_sec_free(&c);
        sets++;
    }
    fclose(f);
    free(r);
    ck_assert_int_eq(sets, 8);
}
END_TEST

/* ---- Key derivation ------------------------------------------------------------------------------------------ */

START_TEST(test_hmac_sha256_rfc4231)
{
    /* RFC 4231 4.3, test case 2 */
    static const char data[] = "what do ya want for nothing?";
    uint8_t out[32], want[32];
    unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want, 32);
    ck_assert_int_eq(pdcp_sec_hmac_sha256((const uint8_t *)"Jefe", 4, (const uint8_t *)data, strlen(data), out), 0);
    ck_assert_mem_eq(out, want, 32);
}
END_TEST

/* K_gNB = 00 01 .. 1f. Expected keys computed outside this code with
 *   echo 690400 01 020001 | xxd -r -p | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f
 * (S = FC 0x69 || P0 || 00 01 || P1 || 00 01), keeping the last 16 octets of the 32. */
START_TEST(test_kdf_known_values)
{
    uint8_t k_gnb[32];
    for (int i = 0; i < 32; i++) k_gnb[i] = (uint8_t)i;
    struct pdcp_sec_as_keys k;
    ck_assert_int_eq(pdcp_sec_derive_as_keys(k_gnb, 2, 2, &k), 0);
    uint8_t want[16];
    unhex("f4b5fbbe0d3607f81ecb15896dd52fc7", want, 16);   /* S = 69 04 0001 02 0001: K_RRCint, NIA2 */
    ck_assert_mem_eq(k.k_rrc_int, want, 16);
    unhex("62e9c027277cfbcea25a0af641e7accf", want, 16);   /* S = 69 03 0001 02 0001: K_RRCenc, NEA2 */
    ck_assert_mem_eq(k.k_rrc_enc, want, 16);
    unhex("8663487d48f36f3566370152c84a2a57", want, 16);   /* S = 69 05 0001 02 0001: K_UPenc, NEA2 */
    ck_assert_mem_eq(k.k_up_enc, want, 16);
    unhex("2c9cc4390fa37b239a58387a21f4e1d4", want, 16);   /* S = 69 06 0001 02 0001: K_UPint, NIA2 */
    ck_assert_mem_eq(k.k_up_int, want, 16);
    uint8_t key[16];
    ck_assert_int_eq(pdcp_sec_derive_key(k_gnb, PDCP_SEC_N_RRC_ENC, 0, key), 0);
    unhex("bd8b963ffab5143c9a830408ac5799fe", want, 16);   /* S = 69 03 0001 00 0001: NEA0 */
    ck_assert_mem_eq(key, want, 16);
    struct pdcp_sec_config sc;   /* what RRC hands PDCP */
    ck_assert_int_eq(pdcp_sec_bearer_config(k_gnb, 2, 2, false, &sc), 0);
    ck_assert_mem_eq(sc.k_int, k.k_rrc_int, 16);
    ck_assert_mem_eq(sc.k_enc, k.k_rrc_enc, 16);
    ck_assert(sc.nia == 2 && sc.nea == 2 && sc.tx_cipher && sc.rx_cipher);
    ck_assert_int_eq(pdcp_sec_bearer_config(k_gnb, 2, 0, true, &sc), 0);
    ck_assert_mem_eq(sc.k_int, k.k_up_int, 16);
    ck_assert_int_eq(sc.nea, 0);
    ck_assert_int_eq(pdcp_sec_bearer_config(k_gnb, 1, 2, false, &sc), -ENOTSUP);
    ck_assert_int_eq(pdcp_sec_derive_key(k_gnb, 0, 2, key), -EINVAL);
    ck_assert_int_eq(pdcp_sec_derive_key(k_gnb, 7, 2, key), -EINVAL);
    ck_assert_int_eq(pdcp_sec_derive_key(k_gnb, 3, 16, key), -EINVAL);
}
END_TEST

/* The same derivation by the openssl tool for random K_gNB (skipped when the tool is not installed). */
START_TEST(test_kdf_against_openssl_tool)
{
    if (system("openssl version >/dev/null 2>&1") != 0) return;
    test_rng_seed(0x33501a8);
    for (int t = 0; t < 4; t++) {
        uint8_t k_gnb[32], key[16];
        for (int i = 0; i < 32; i++) k_gnb[i] = (uint8_t)test_rng_next();
        int type = 3 + t, alg = t & 2;
        ck_assert_int_eq(pdcp_sec_derive_key(k_gnb, type, alg, key), 0);
        char path[] = "/tmp/gnbd-kdf-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        const uint8_t s[7] = {0x69, (uint8_t)type, 0, 1, (uint8_t)alg, 0, 1};
        ck_assert_int_eq(write(fd, s, 7), 7);
        close(fd);
        char cmd[256], hexkey[65];
        for (int i = 0; i < 32; i++) snprintf(hexkey + 2 * i, 3, "%02x", k_gnb[i]);
        snprintf(cmd, sizeof cmd, "openssl dgst -sha256 -mac HMAC -macopt hexkey:%s -r %s", hexkey, path);
        FILE *p = popen(cmd, "r");
        ck_assert(p);
        char line[256] = "";
        ck_assert(fgets(line, sizeof line, p));
        pclose(p);
        unlink(path);
        uint8_t full[32];
        line[64] = '\0';
        ck_assert_uint_eq(unhex(line, full, 32), 32);
        ck_assert_mem_eq(key, full + 16, 16);
    }
}
END_TEST

/* ---- Null and unsupported algorithms ------------------------------------------------------------------------ */

START_TEST(test_null_and_unsupported)
{
    struct pdcp_sec_ctx c;
    ck_assert_int_eq(pdcp_sec_init(&c, 0, NULL, 0, NULL), 0);
    uint8_t msg[5] = {1, 2, 3, 4, 5}, mac[4] = {9, 9, 9, 9}, copy[5];
    memcpy(copy, msg, 5);
    ck_assert_int_eq(pdcp_sec_mac(&c, 7, 0, 1, msg, 5, mac), 0);
    static const uint8_t zeros[4] = {0};
    ck_assert_mem_eq(mac, zeros, 4);
    mac[0] = 1;
    ck_assert_int_eq(pdcp_sec_verify(&c, 7, 0, 1, msg, 5, mac), 0);   /* NIA0: never checked (33.501 D.1) */
    ck_assert_int_eq(pdcp_sec_cipher(&c, 7, 0, 1, msg, 5), 0);
    ck_assert_mem_eq(msg, copy, 5);
    struct pdcp_security h;
    pdcp_sec_hooks(&c, &h);
    ck_assert(!h.protect && !h.verify && !h.cipher);
    pdcp_sec_free(&c);
    uint8_t key[16] = {1};
    ck_assert_int_eq(pdcp_sec_init(&c, 1, key, 0, NULL), -ENOTSUP);   /* 128-NIA1 */
    ck_assert_int_eq(pdcp_sec_init(&c, 0, NULL, 3, key), -ENOTSUP);   /* 128-NEA3 */
    ck_assert_int_eq(pdcp_sec_init(&c, 2, NULL, 0, NULL), -EINVAL);
    ck_assert_int_eq(pdcp_sec_init(&c, 16, key, 0, NULL), -EINVAL);
    ck_assert(pdcp_sec_alg_supported(2) && !pdcp_sec_alg_supported(1) && !pdcp_sec_alg_supported(3));
    ck_assert_int_eq(pdcp_sec_init(&c, 2, key, 2, key), 0);
    ck_assert_int_eq(pdcp_sec_mac(&c, 0, 32, 0, msg, 5, mac), -EINVAL);   /* BEARER is 5 bits */
    ck_assert_int_eq(pdcp_sec_cipher(&c, 0, 0, 2, msg, 5), -EINVAL);      /* DIRECTION is 1 bit */
    pdcp_sec_free(&c);
}
END_TEST

/* ---- SRB with NIA2/NEA2 --------------------------------------------------------------------------------------- */

struct log {
    int n, events, integrity_failures;
    uint32_t count[64];
    size_t len[64];
    uint8_t sdu[64][64];
};

static void on_sdu(void *ctx, uint32_t count, const uint8_t *sdu, size_t len)
{
    struct log *l = ctx;
    if (l->n < 64) {
        l->count[l->n] = count;
        l->len[l->n] = len;
        memcpy(l->sdu[l->n], sdu, len < 64 ? len : 64);
    }
    l->n++;
}

static void on_event(void *ctx, enum pdcp_event ev, uint32_t count)
{
    struct log *l = ctx;
    l->events++;
    if (ev == PDCP_EV_INTEGRITY_FAILURE) l->integrity_failures++;
}

static void make_srb(struct pdcp_srb *e, bool gnb, struct log *l)
{
    struct pdcp_srb_config cfg;
    pdcp_srb_config_default(&cfg, 1);
    cfg.gnb = gnb;
    cfg.deliver = on_sdu;
    cfg.deliver_ctx = l;
    cfg.notify = on_event;
    cfg.notify_ctx = l;
    ck_assert_int_eq(pdcp_srb_init(e, &cfg), 0);
}

static struct pdcp_sec_config srb_keys(uint32_t seed, bool cipher)
{
    test_rng_seed(seed);
    uint8_t k_gnb[32];
    for (int i = 0; i < 32; i++) k_gnb[i] = (uint8_t)test_rng_next();
    struct pdcp_sec_as_keys k;
    ck_assert_int_eq(pdcp_sec_derive_as_keys(k_gnb, 2, 2, &k), 0);
    struct pdcp_sec_config sc = {.nia = 2, .nea = 2, .tx_cipher = cipher, .rx_cipher = cipher};
    memcpy(sc.k_int, k.k_rrc_int, 16);
    memcpy(sc.k_enc, k.k_rrc_enc, 16);
    return sc;
}

START_TEST(test_srb_pdu_bytes_nia2_nea2)
{
    struct pdcp_srb gnb;
    struct log lg = {0};
    make_srb(&gnb, true, &lg);
    struct pdcp_sec_config sc = srb_keys(1, true);
    ck_assert_int_eq(pdcp_srb_security_activate(&gnb, &sc), 0);
    uint8_t sdu[20], pdu[64];
    for (int i = 0; i < 20; i++) sdu[i] = (uint8_t)(0x30 + i);
    size_t len;
    uint32_t count;
    for (int k = 0; k < 3; k++) ck_assert_int_eq(pdcp_srb_tx(&gnb, sdu, 20, 0, pdu, sizeof pdu, &len, &count), 0);
    ck_assert_uint_eq(count, 2);
    ck_assert_uint_eq(len, 2 + 20 + 4);
    /* expected: header || NEA2(SDU || NIA2(header || SDU)), BEARER 0 (SRB1), DIRECTION 1 (DL), COUNT 2 */
    uint8_t want[26] = {0x00, 0x02};
    memcpy(want + 2, sdu, 20);
    struct pdcp_sec_ctx c;
    ck_assert_int_eq(pdcp_sec_init(&c, 2, sc.k_int, 2, sc.k_enc), 0);
    ck_assert_int_eq(pdcp_sec_mac(&c, 2, 0, 1, want, 22, want + 22), 0);
    ck_assert_int_eq(pdcp_sec_cipher(&c, 2, 0, 1, want + 2, 24), 0);
    pdcp_sec_free(&c);
    ck_assert_mem_eq(pdu, want, 26);
    ck_assert(memcmp(pdu + 2, sdu, 20) != 0);
    pdcp_srb_free(&gnb);
}
END_TEST

START_TEST(test_srb_round_trip_and_tamper)
{
    struct pdcp_srb gnb, ue;
    struct log lg = {0}, lu = {0};
    make_srb(&gnb, true, &lg);
    make_srb(&ue, false, &lu);
    struct pdcp_sec_config sc = srb_keys(2, true);
    ck_assert_int_eq(pdcp_srb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pdcp_srb_security_activate(&ue, &sc), 0);
    test_rng_seed(7);
    uint8_t sdu[64], pdu[128];
    size_t len;
    for (int i = 0; i < 20; i++) {
        size_t n = 1 + test_rng_next() % 60;
        for (size_t j = 0; j < n; j++) sdu[j] = (uint8_t)test_rng_next();
        ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, n, 0, pdu, sizeof pdu, &len, NULL), 0);   /* UL */
        ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
        ck_assert_int_eq(lg.n, i + 1);
        ck_assert_uint_eq(lg.len[i], n);
        ck_assert_mem_eq(lg.sdu[i], sdu, n);
        ck_assert_int_eq(pdcp_srb_tx(&gnb, sdu, n, 0, pdu, sizeof pdu, &len, NULL), 0);  /* DL */
        ck_assert_int_eq(pdcp_srb_rx(&ue, pdu, len, 0), 0);
        ck_assert_mem_eq(lu.sdu[i], sdu, n);
    }
    /* one byte changed anywhere (header, data or MAC-I): integrity failure, counted, reported, dropped */
    memset(sdu, 0x5a, 16);
    for (size_t at = 0; at < 2 + 16 + 4; at++) {
        ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 16, 0, pdu, sizeof pdu, &len, NULL), 0);
        uint8_t bad[32];
        memcpy(bad, pdu, len);
        bad[at] ^= at < 2 ? 0x01 : 0x40;   /* in the header, an SN bit */
        int before = lg.n;
        ck_assert_int_eq(pdcp_srb_rx(&gnb, bad, len, 0), -EACCES);
        ck_assert_int_eq(lg.n, before);
        ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);   /* the genuine PDU still gets through */
        ck_assert_int_eq(lg.n, before + 1);
    }
    ck_assert_uint_eq(gnb.core.stats.rx_integrity_failed, 22);
    ck_assert_int_eq(lg.integrity_failures, 22);
    /* a UE with other keys */
    struct pdcp_srb rogue;
    struct log lr = {0};
    make_srb(&rogue, false, &lr);
    struct pdcp_sec_config other = srb_keys(3, true);
    ck_assert_int_eq(pdcp_srb_security_activate(&rogue, &other), 0);
    rogue.core.tx_next = ue.core.tx_next;
    ck_assert_int_eq(pdcp_srb_tx(&rogue, sdu, 16, 0, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), -EACCES);
    pdcp_srb_free(&rogue);
    pdcp_srb_free(&gnb);
    pdcp_srb_free(&ue);
}
END_TEST

/* 38.331 5.3.4: SecurityModeCommand integrity protected, not ciphered; SecurityModeComplete likewise; ciphering
 * in both directions afterwards. */
START_TEST(test_srb_security_mode_sequence)
{
    struct pdcp_srb gnb, ue;
    struct log lg = {0}, lu = {0};
    make_srb(&gnb, true, &lg);
    make_srb(&ue, false, &lu);
    uint8_t sdu[8] = {0x22, 1, 2, 3, 4, 5, 6, 7}, pdu[32];
    size_t len;
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 8, 0, pdu, sizeof pdu, &len, NULL), 0);   /* before: NIA0/NEA0 */
    ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
    struct pdcp_sec_config sc = srb_keys(4, false);
    ck_assert_int_eq(pdcp_srb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pdcp_srb_tx(&gnb, sdu, 8, 0, pdu, sizeof pdu, &len, NULL), 0);   /* SecurityModeCommand */
    ck_assert_mem_eq(pdu + 2, sdu, 8);                                                /* not ciphered */
    static const uint8_t zeros[4] = {0};
    ck_assert(memcmp(pdu + 10, zeros, 4) != 0);                                       /* MAC-I */
    ck_assert_int_eq(pdcp_srb_rx(&ue, pdu, len, 0), 0);   /* the UE has no keys yet: NIA0, not checked */
    ck_assert_int_eq(pdcp_srb_security_activate(&ue, &sc), 0);
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 8, 0, pdu, sizeof pdu, &len, NULL), 0);    /* SecurityModeComplete */
    ck_assert_mem_eq(pdu + 2, sdu, 8);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
    pdcp_srb_security_ciphering(&gnb, true, true);
    pdcp_srb_security_ciphering(&ue, true, true);
    ck_assert_int_eq(pdcp_srb_tx(&gnb, sdu, 8, 0, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert(memcmp(pdu + 2, sdu, 8) != 0);
    ck_assert_int_eq(pdcp_srb_rx(&ue, pdu, len, 0), 0);
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 8, 0, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
    ck_assert_int_eq(lg.n, 3);
    ck_assert_int_eq(lu.n, 2);
    ck_assert_mem_eq(lg.sdu[2], sdu, 8);
    ck_assert_mem_eq(lu.sdu[1], sdu, 8);
    /* a new connection: back to NIA0/NEA0 */
    pdcp_srb_security_deactivate(&gnb);
    ck_assert_int_eq(pdcp_srb_tx(&gnb, sdu, 8, 0, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert_mem_eq(pdu + 2, sdu, 8);
    ck_assert_mem_eq(pdu + 10, zeros, 4);
    pdcp_srb_free(&gnb);
    pdcp_srb_free(&ue);
}
END_TEST

/* ---- No allocation per PDU ------------------------------------------------------------------------------------ */

static unsigned long crypto_allocs;

static void *count_malloc(size_t n, const char *file, int line)
{
    crypto_allocs++;
    return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
    crypto_allocs++;
    return realloc(p, n);
}

static void count_free(void *p, const char *file, int line) { free(p); }

START_TEST(test_no_allocation_per_pdu)
{
    struct pdcp_srb gnb, ue;
    struct log lg = {0}, lu = {0};
    make_srb(&gnb, true, &lg);
    make_srb(&ue, false, &lu);
    struct pdcp_sec_config sc = srb_keys(5, true);
    ck_assert_int_eq(pdcp_srb_security_activate(&gnb, &sc), 0);
    ck_assert_int_eq(pdcp_srb_security_activate(&ue, &sc), 0);
    uint8_t sdu[1500] = {0}, pdu[1600];
    size_t len;
    /* one PDU each way first: whatever libcrypto sets up lazily on first use is not per PDU */
    ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 100, 0, pdu, sizeof pdu, &len, NULL), 0);
    ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
    unsigned long before = crypto_allocs;
    ck_assert_uint_gt(before, 0);   /* the counter does see libcrypto's allocations (context creation) */
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(pdcp_srb_tx(&ue, sdu, 1 + (size_t)i % 1500, 0, pdu, sizeof pdu, &len, NULL), 0);
        ck_assert_int_eq(pdcp_srb_rx(&gnb, pdu, len, 0), 0);
    }
    ck_assert_uint_eq(crypto_allocs, before);
    ck_assert_int_eq(lg.n, 1001);
    pdcp_srb_free(&gnb);
    pdcp_srb_free(&ue);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pdcp_sec");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_nea2_test_sets);
    tcase_add_test(tc, test_nia2_test_sets);
    tcase_add_test(tc, test_hmac_sha256_rfc4231);
    tcase_add_test(tc, test_kdf_known_values);
    tcase_add_test(tc, test_kdf_against_openssl_tool);
    tcase_add_test(tc, test_null_and_unsupported);
    tcase_add_test(tc, test_srb_pdu_bytes_nia2_nea2);
    tcase_add_test(tc, test_srb_round_trip_and_tamper);
    tcase_add_test(tc, test_srb_security_mode_sequence);
    tcase_add_test(tc, test_no_allocation_per_pdu);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free)) return EXIT_FAILURE;
    return check_run(suite());
}
