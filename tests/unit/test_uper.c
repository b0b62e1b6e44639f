/* X.691 unaligned PER primitives (asn1/uper.h) and the two-way codec (asn1/per.h): bit patterns worked
 * out by hand from X.691, round trips, fragmentation of long strings (also read by Wireshark), extension
 * additions written by a newer codec and skipped by an older one, and bounds on every read. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/per.h"
#include "asn1/uper.h"
#include "rrc/msg/ul_dcch.h"
#include "test_rng.h"
#include "tshark_check.h"
#include "tests/unit/check_run.h"

/* Bits written so far as a string of '0'/'1'. */
static const char *bits_of(const struct uper_writer *w)
{
    static char s[512];
    size_t n = w->pos < sizeof s - 1 ? w->pos : sizeof s - 1;
    for (size_t i = 0; i < n; i++) s[i] = (w->buf[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
    s[n] = '\0';
    return s;
}

#define EXPECT_BITS_STR(w, want) ck_assert_str_eq(bits_of(w), want)

START_TEST(test_uper_constrained_and_small_numbers)
{
    uint8_t b[32];
    struct uper_writer w;
    uper_writer_init(&w, b, sizeof b);
    uper_put_constrained(&w, 3, 0, 7);      /* 11.5.7.1: 3 bits */
    uper_put_constrained(&w, -60, -202, -60); /* range 143: 8 bits, value 142 */
    uper_put_constrained(&w, 5, 5, 5);      /* a single value: no bits */
    EXPECT_BITS_STR(&w, "01110001110");
    uper_writer_init(&w, b, sizeof b);
    uper_put_nsnn(&w, 5);                   /* 11.6: 0 + six bits */
    uper_put_nsnn(&w, 64);                  /* 11.6: 1 + semi-constrained: length 1, one octet */
    EXPECT_BITS_STR(&w, "0000101" "1" "00000001" "01000000");
    uper_writer_init(&w, b, sizeof b);
    uper_put_small_length(&w, 1);           /* 11.9.3.4: n - 1 in six bits after a 0 */
    uper_put_small_length(&w, 64);
    EXPECT_BITS_STR(&w, "0000000" "0111111");
    struct uper_reader r;
    uper_reader_init(&r, b, w.pos);
    ck_assert_uint_eq(uper_get_small_length(&r), 1);
    ck_assert_uint_eq(uper_get_small_length(&r), 64);
    ck_assert_int_eq(r.err, 0);
}
END_TEST

START_TEST(test_uper_semi_and_unconstrained_numbers)
{
    static const struct { int64_t v; const char *hex; } unc[] = {
        {0, "0100"}, {-1, "01ff"}, {127, "017f"}, {128, "020080"}, {-128, "0180"}, {-129, "02ff7f"},
        {65535, "0300ffff"}, {-2147483648LL, "0480000000"}};
    uint8_t b[32];
    struct uper_writer w;
    struct uper_reader r;
    for (size_t i = 0; i < sizeof unc / sizeof unc[0]; i++) {
        uper_writer_init(&w, b, sizeof b);
        uper_put_unconstrained(&w, unc[i].v); /* 11.8: length + two's complement in the fewest octets */
        char hex[32] = "";
        for (size_t k = 0; k < uper_writer_bytes(&w); k++) snprintf(hex + 2 * k, 3, "%02x", b[k]);
        ck_assert_str_eq(hex, unc[i].hex);
        uper_reader_init(&r, b, w.pos);
        ck_assert_int_eq(uper_get_unconstrained(&r), unc[i].v);
        ck_assert_int_eq(r.err, 0);
    }
    uper_writer_init(&w, b, sizeof b);
    uper_put_semi_constrained(&w, 10, 10);  /* 11.7: v - lb = 0 in one octet */
    uper_put_semi_constrained(&w, 266, 10); /* 256: two octets */
    EXPECT_BITS_STR(&w, "00000001" "00000000" "00000010" "00000001" "00000000");
    uper_reader_init(&r, b, w.pos);
    ck_assert_int_eq(uper_get_semi_constrained(&r, 10), 10);
    ck_assert_int_eq(uper_get_semi_constrained(&r, 10), 266);
    ck_assert_int_eq(r.err, 0);
    test_rng_seed(41);
    for (int i = 0; i < 10000; i++) {
        int64_t v = (int64_t)(test_rng_next() >> (test_rng_next() % 64)) * (test_rng_next() & 1 ? 1 : -1);
        uper_writer_init(&w, b, sizeof b);
        uper_put_unconstrained(&w, v);
        uper_put_nsnn(&w, (uint64_t)(v < 0 ? -(v / 2) : v) >> 8);
        uper_reader_init(&r, b, w.pos);
        ck_assert_int_eq(uper_get_unconstrained(&r), v);
        ck_assert_uint_eq(uper_get_nsnn(&r), (uint64_t)(v < 0 ? -(v / 2) : v) >> 8);
        ck_assert_int_eq(r.err, 0);
    }
}
END_TEST

/* 11.9.4.2 lengths below 16K: one octet up to 127, two (10xxxxxx) up to 16383; 16K and more is fragmented. */
START_TEST(test_uper_length_determinants)
{
    uint8_t b[8];
    struct uper_writer w;
    uper_writer_init(&w, b, sizeof b);
    uper_put_length(&w, 127);
    uper_put_length(&w, 128);
    uper_put_length(&w, 16383);
    ck_assert_int_eq(w.err, 0);
    ck_assert_uint_eq(b[0], 0x7f);
    ck_assert_uint_eq(b[1], 0x80);
    ck_assert_uint_eq(b[2], 0x80);
    ck_assert_uint_eq(b[3], 0xbf);
    ck_assert_uint_eq(b[4], 0xff);
    uper_put_length(&w, 16384);
    ck_assert_int_eq(w.err, -EINVAL);
    struct uper_reader r;
    const uint8_t frag[] = {0xc5}; /* m = 5: not a fragment size */
    uper_reader_init(&r, frag, 8);
    bool more;
    uper_get_length(&r, &more);
    ck_assert_int_eq(r.err, -EBADMSG);
    const uint8_t frag4[] = {0xc4};
    uper_reader_init(&r, frag4, 8);
    uper_get_length(&r, NULL); /* a caller that cannot take fragments */
    ck_assert_int_eq(r.err, -ENOTSUP);
    uper_reader_init(&r, frag4, 8);
    ck_assert_uint_eq(uper_get_length(&r, &more), 65536);
    ck_assert(more);
}
END_TEST

/* 11.9.3.8: n octets of 16K and more go as fragments of up to 64K octets, each after 11mmmmmm, then the rest
 * (0..16383, its own length, maybe zero). Round trips at and around every boundary, at an unaligned start. */
START_TEST(test_uper_octet_string_fragmentation)
{
    static const size_t sizes[] = {0, 1, 127, 128, 16383, 16384, 16385, 32768, 49152, 65535, 65536, 65537, 81920,
                                   100000, 131072, 200000};
    static uint8_t data[200000], out[200000], enc[210000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 7 + (i >> 8));
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (int shift = 0; shift < 2; shift++) {
            struct uper_writer w;
            uper_writer_init(&w, enc, sizeof enc);
            uper_put_bits(&w, 1, shift * 3); /* start unaligned every other time */
            uper_put_octets(&w, data, sizes[s], 0, -1);
            ck_assert_int_eq(w.err, 0);
            size_t n = sizes[s], headers = 0, rest = n;
            while (rest >= 16384) rest -= (rest / 16384 > 4 ? 4 : rest / 16384) * 16384, headers++;
            headers += rest < 128 ? 1 : 2;
            ck_assert_uint_eq(w.pos, (size_t)shift * 3 + 8 * (n + headers));
            if (shift == 0 && n >= 16384) ck_assert_uint_eq(enc[0], 0xc0 | (n / 16384 > 4 ? 4 : n / 16384));
            struct uper_reader r;
            uper_reader_init(&r, enc, w.pos);
            uper_get_bits(&r, shift * 3);
            size_t got = uper_get_octets(&r, out, sizeof out, 0, -1);
            ck_assert_int_eq(r.err, 0);
            ck_assert_uint_eq(got, n);
            ck_assert(memcmp(out, data, n) == 0);
            ck_assert_uint_eq(r.pos, w.pos);
            uper_reader_init(&r, enc, w.pos); /* the skip walks the same fragments */
            uper_get_bits(&r, shift * 3);
            uper_skip_octets(&r);
            ck_assert_uint_eq(r.pos, w.pos);
            if (n > 0) {
                uper_reader_init(&r, enc, w.pos - 1); /* one bit short */
                uper_get_bits(&r, shift * 3);
                uper_get_octets(&r, out, sizeof out, 0, -1);
                ck_assert_int_eq(r.err, -EBADMSG);
                uper_reader_init(&r, enc, w.pos);
                uper_get_bits(&r, shift * 3);
                uper_get_octets(&r, out, n - 1, 0, -1); /* the caller's buffer one short */
                ck_assert_int_eq(r.err, -EMSGSIZE);
            }
        }
    }
}
END_TEST

START_TEST(test_uper_size_constrained_strings)
{
    uint8_t b[16];
    struct uper_writer w;
    uper_writer_init(&w, b, sizeof b);
    uper_put_bitstring(&w, 0x5, 3, 1, 8);   /* BIT STRING (SIZE (1..8)): length 3 as 3 bits (n - 1), then 101 */
    uper_put_bitstring(&w, 0x1ab, 9, 9, 9); /* fixed size: no length */
    EXPECT_BITS_STR(&w, "010" "101" "110101011");
    const uint8_t two[2] = {0xa5, 0x3c};
    uper_writer_init(&w, b, sizeof b);
    uper_put_octets(&w, two, 2, 2, 2);      /* OCTET STRING (SIZE (2)): no length */
    uper_put_octets(&w, two, 1, 0, 3);      /* SIZE (0..3): 2-bit length */
    EXPECT_BITS_STR(&w, "1010010100111100" "01" "10100101");
    struct uper_reader r;
    uper_reader_init(&r, b, w.pos);
    uint8_t out[4];
    ck_assert_uint_eq(uper_get_octets(&r, out, sizeof out, 2, 2), 2);
    ck_assert_uint_eq(uper_get_octets(&r, out, sizeof out, 0, 3), 1);
    ck_assert_int_eq(r.err, 0);
    uper_writer_init(&w, b, sizeof b);
    uper_put_bitstring(&w, 0x10, 4, 1, 8);  /* a value wider than its length: our bug, refused */
    ck_assert_int_eq(w.err, -EINVAL);
    uper_writer_init(&w, b, sizeof b);
    uper_put_octets(&w, two, 2, 0, 1);
    ck_assert_int_eq(w.err, -EINVAL);
    const uint8_t len7[1] = {0xe0}; /* SIZE (1..8) length 8 (111), but no bits follow */
    uper_reader_init(&r, len7, 3);
    uper_get_bitstring(&r, NULL, 1, 8);
    ck_assert_int_eq(r.err, -EBADMSG);
}
END_TEST

/* An open type is a complete encoding (at least one octet) with a length; the sub-reader reads only inside it. */
START_TEST(test_uper_open_types)
{
    uint8_t b[64], c[8];
    struct uper_writer w, content;
    uper_writer_init(&w, b, sizeof b);
    uper_writer_init(&content, c, sizeof c);
    uper_put_open_type(&w, &content); /* empty: one zero octet */
    uper_writer_init(&content, c, sizeof c);
    uper_put_bits(&content, 0x5, 3);
    uper_put_open_type(&w, &content); /* three bits: one octet 101 00000 */
    uper_put_bits(&w, 1, 1);
    EXPECT_BITS_STR(&w, "00000001" "00000000" "00000001" "10100000" "1");
    struct uper_reader r, sub;
    uper_reader_init(&r, b, w.pos);
    uper_get_open_type(&r, &sub);
    ck_assert_uint_eq(uper_reader_left(&sub), 8);
    uper_get_open_type(&r, &sub);
    ck_assert_uint_eq(uper_get_bits(&sub, 3), 5);
    uper_get_bits(&sub, 5);
    uper_get_bits(&sub, 1); /* past the open type's end, though the outer buffer goes on */
    ck_assert_int_eq(sub.err, -EBADMSG);
    ck_assert_uint_eq(uper_get_bits(&r, 1), 1);
    ck_assert_int_eq(r.err, 0);
    const uint8_t long_len[2] = {0x05, 0xff}; /* 5 octets announced, 1 present */
    uper_reader_init(&r, long_len, 16);
    uper_get_open_type(&r, &sub);
    ck_assert_int_eq(r.err, -EBADMSG);
    ck_assert_uint_eq(uper_reader_left(&sub), 0);
    struct uper_writer bad;
    uper_writer_init(&bad, c, 1);
    uper_put_bits(&bad, 0, 9);
    uper_put_open_type(&w, &bad); /* the content's error is passed on */
    ck_assert_int_eq(w.err, -ENOSPC);
}
END_TEST

/* A SEQUENCE with extensions, as two releases see it:
 *   T ::= SEQUENCE { a INTEGER (0..7), ..., [[ b INTEGER (0..255) OPTIONAL, c BOOLEAN ]], d INTEGER (0..3) }
 * (d a single addition after the group), followed by z INTEGER (0..15) outside T. */
struct ext_t {
    int a, b, d, z;
    bool has_b, c, has_g1, has_d;
};

static void ext_t_codec(struct per *p, struct ext_t *v, int known)
{
    bool ext = v->has_g1 || v->has_d, present[2] = {v->has_g1, v->has_d};
    per_ext(p, &ext);
    per_int(p, &v->a, 0, 7);
    struct per_ext_additions x;
    if (ext || per_decoding(p)) per_ext_additions_begin(p, &x, ext, known, present);
    if (known >= 1 && present[0]) {
        struct per_nested n;
        uint8_t scratch[8];
        struct per *g = per_nested_begin(p, &n, scratch, sizeof scratch);
        per_opt(g, &v->has_b);
        if (v->has_b) per_int(g, &v->b, 0, 255);
        per_bool(g, &v->c);
        per_nested_end(p, &n);
        v->has_g1 = true;
    }
    if (known >= 2 && present[1]) {
        struct per_nested n;
        uint8_t scratch[8];
        per_int(per_nested_begin(p, &n, scratch, sizeof scratch), &v->d, 0, 3);
        per_nested_end(p, &n);
        v->has_d = true;
    }
    if (ext || per_decoding(p)) per_ext_additions_end(p, &x);
    per_int(p, &v->z, 0, 15);
}

START_TEST(test_per_extension_additions_between_releases)
{
    test_rng_seed(42);
    for (int i = 0; i < 2000; i++) {
        struct ext_t v = {.a = (int)(test_rng_next() % 8), .b = (int)(test_rng_next() % 256),
                          .d = (int)(test_rng_next() % 4), .z = (int)(test_rng_next() % 16),
                          .has_b = test_rng_next() & 1, .c = test_rng_next() & 1, .has_g1 = test_rng_next() & 1,
                          .has_d = test_rng_next() & 1};
        uint8_t b[32];
        struct uper_writer w;
        uper_writer_init(&w, b, sizeof b);
        struct per pw = {.w = &w};
        ext_t_codec(&pw, &v, 2); /* the newer release writes */
        ck_assert_int_eq(w.err, 0);
        for (int known = 0; known <= 2; known++) { /* each release reads */
            struct uper_reader r;
            uper_reader_init(&r, b, w.pos);
            struct per pr = {.r = &r};
            struct ext_t got = {0};
            ext_t_codec(&pr, &got, known);
            ck_assert_int_eq(r.err, 0);
            ck_assert_uint_eq(r.pos, w.pos);
            ck_assert_int_eq(got.a, v.a);
            ck_assert_int_eq(got.z, v.z); /* after the skipped additions, the next field reads right */
            ck_assert_int_eq(got.has_g1, known >= 1 && v.has_g1);
            if (got.has_g1) ck_assert(got.c == v.c && got.has_b == v.has_b && (!v.has_b || got.b == v.b));
            ck_assert_int_eq(got.has_d, known >= 2 && v.has_d);
            if (got.has_d) ck_assert_int_eq(got.d, v.d);
            uper_reader_init(&r, b, w.pos - 1); /* and one bit short is malformed */
            struct per ps = {.r = &r};
            ext_t_codec(&ps, &got, known);
            ck_assert_int_eq(r.err, -EBADMSG);
        }
    }
    /* 19.7: the bitmap is a normally small length then one bit per addition; the first addition is the first bit. */
    struct ext_t v = {.a = 5, .has_d = true, .d = 2, .z = 9};
    uint8_t b[8];
    struct uper_writer w;
    uper_writer_init(&w, b, sizeof b);
    struct per pw = {.w = &w};
    ext_t_codec(&pw, &v, 2);
    EXPECT_BITS_STR(&w, "1" "101" "0000001" "01" "00000001" "10000000" "1001");
}
END_TEST

START_TEST(test_per_choice_enum_and_absent_fields)
{
    /* An extension alternative of a CHOICE / value of an ENUMERATED: valid X.691, not something we model. */
    const uint8_t ext_alt[2] = {0x80, 0x00};
    struct uper_reader r;
    uper_reader_init(&r, ext_alt, 16);
    struct per p = {.r = &r};
    int idx = 0;
    per_choice(&p, &idx, 4, true);
    ck_assert_int_eq(r.err, -ENOTSUP);
    uper_reader_init(&r, ext_alt, 16);
    per_enum(&p, &idx, 4, true);
    ck_assert_int_eq(r.err, -ENOTSUP);
    const uint8_t present[1] = {0x80};
    uper_reader_init(&r, present, 8);
    per_opt_none(&p); /* an OPTIONAL we do not model, present */
    ck_assert_int_eq(r.err, -ENOTSUP);
    int n = 99;
    const uint8_t size7[1] = {0xe0}; /* SIZE (1..8) count 8 where the caller keeps 4 */
    uper_reader_init(&r, size7, 8);
    per_size(&p, &n, 1, 8, 4);
    ck_assert_int_eq(r.err, -ENOTSUP);
    ck_assert_int_eq(n, 0); /* never a count past the caller's array */
    static const int values[3] = {10, 20, 40};
    uint8_t b[4];
    struct uper_writer w;
    uper_writer_init(&w, b, sizeof b);
    struct per pw = {.w = &w};
    int v = 30;
    per_enum_value(&pw, &v, values, 3, false); /* not one of the values */
    ck_assert_int_eq(w.err, -EINVAL);
    uper_writer_init(&w, b, sizeof b);
    v = 40;
    per_enum_value(&pw, &v, values, 3, false);
    EXPECT_BITS_STR(&w, "10");
}
END_TEST

/* Wireshark reads a fragmented length the way gnbd writes it: a RRCSetupComplete whose lateNonCriticalExtension
 * holds 40000 octets (fragments of 32K, then 7232 octets), followed by v1610's mobilityState-r16. */
START_TEST(test_uper_fragments_read_by_tshark)
{
    static const uint8_t nas[] = {0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0xf0, 0xff, 0x00,
                                  0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0x2e, 0x04, 0xf0, 0xf0, 0xf0, 0xf0};
    static uint8_t late[40000], buf[41000];
    memset(late, 0x3c, sizeof late);
    struct uper_writer w;
    uper_writer_init(&w, buf, sizeof buf);
    uper_put_bits(&w, 0x02, 5);         /* c1: rrcSetupComplete */
    uper_put_bits(&w, 0, 3);            /* transaction 0, criticalExtensions rrcSetupComplete */
    uper_put_bits(&w, 0x03, 6);         /* OPTIONAL: lateNonCriticalExtension, nonCriticalExtension */
    uper_put_constrained(&w, 1, 1, 12);
    uper_put_octets(&w, nas, sizeof nas, 0, -1);
    uper_put_octets(&w, late, sizeof late, 0, -1);
    uper_put_bits(&w, 0x02, 6);         /* v1610: mobilityState-r16 */
    uper_put_bits(&w, 2, 2);            /* high */
    ck_assert_int_eq(w.err, 0);
    size_t len = uper_writer_bytes(&w);
    static struct rrc_ul_dcch_msg m;
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &m), 0);
    ck_assert(m.setup_complete.has_late_nce && m.setup_complete.has_mobility_state);
    ck_assert_int_eq(m.setup_complete.mobility_state, 2);
    const uint8_t *pdu = buf;
    struct tshark_pkt pkt;
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.dcch", &pdu, &len, 1, &pkt), 1);
    ck_assert_msg(pkt.problems == 0, "tshark: %s", pkt.problem);
    EXPECT_NAME(&pkt, "nonCriticalExtension_element/mobilityState_r16", 0, "high");
    char v[128];
    tshark_showname(&pkt, "lateNonCriticalExtension", 0, v, sizeof v);
    ck_assert_msg(strstr(v, "3c3c3c") != NULL, "lateNonCriticalExtension: %s", v);
    tshark_pkts_free(&pkt, 1);
}
END_TEST

START_TEST(test_uper_writer_and_reader_bounds)
{
    uint8_t b[2];
    struct uper_writer w;
    uper_writer_init(&w, b, sizeof b);
    uper_put_raw_octets(&w, (const uint8_t *)"abc", 3);
    ck_assert_int_eq(w.err, -ENOSPC);
    uper_writer_init(&w, b, sizeof b);
    uper_put_constrained(&w, 8, 0, 7);
    ck_assert_int_eq(w.err, -EINVAL);
    uper_put_bits(&w, 1, 1); /* after an error, nothing more is written */
    ck_assert_uint_eq(w.pos, 0);
    struct uper_reader r;
    uper_reader_init(&r, b, 4);
    uper_skip_bits(&r, 5);
    ck_assert_int_eq(r.err, -EBADMSG);
    ck_assert_uint_eq(uper_reader_left(&r), 0);
    uper_reader_init(&r, b, 16);
    uint8_t out[4];
    uper_get_raw_octets(&r, out, 3);
    ck_assert_int_eq(r.err, -EBADMSG);
    const uint8_t big_bitmap[3] = {0xa0, 0x80, 0x00}; /* 1 + general length 65: more additions than 64 */
    uint64_t present;
    uper_reader_init(&r, big_bitmap, 24);
    ck_assert_int_eq(uper_get_ext_bitmap(&r, &present), 0);
    ck_assert_int_eq(r.err, -ENOTSUP);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("uper");
    TCase *tc = tcase_create("uper");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_uper_constrained_and_small_numbers);
    tcase_add_test(tc, test_uper_semi_and_unconstrained_numbers);
    tcase_add_test(tc, test_uper_length_determinants);
    tcase_add_test(tc, test_uper_octet_string_fragmentation);
    tcase_add_test(tc, test_uper_size_constrained_strings);
    tcase_add_test(tc, test_uper_open_types);
    tcase_add_test(tc, test_per_extension_additions_between_releases);
    tcase_add_test(tc, test_per_choice_enum_and_absent_fields);
    tcase_add_test(tc, test_uper_fragments_read_by_tshark);
    tcase_add_test(tc, test_uper_writer_and_reader_bounds);
    suite_add_tcase(s, tc);
    return check_run(s);
}
