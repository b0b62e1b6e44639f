/* X.691 ALIGNED PER (asn1/uper.h with aligned = true, asn1/per.h's per_*_message_aligned): encodings worked out
 * by hand from X.691 with the arithmetic in the comments (several of them are fields NGAP sends, checked again
 * against captures in test_ngap), round trips of every primitive at every start offset, the unaligned variant
 * unchanged for the same calls, and truncated or out-of-range input refused. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asn1/per.h"
#include "asn1/uper.h"
#include "test_rng.h"
#include "tests/unit/check_run.h"

/* The writer's bytes as hex ("" when it failed). */
static const char *hex_of(const struct uper_writer *w)
{
    static char s[1024];
    s[0] = '\0';
    if (w->err) return s;
    size_t n = uper_writer_bytes(w);
    for (size_t i = 0; i < n && 2 * i + 2 < sizeof s; i++) snprintf(s + 2 * i, 3, "%02x", w->buf[i]);
    return s;
}

static void writer_a(struct uper_writer *w, uint8_t *b, size_t cap) { uper_writer_init_aligned(w, b, cap); }

/* 11.5.7 constrained whole numbers in the ALIGNED variant. */
START_TEST(test_aper_constrained_whole_numbers)
{
    uint8_t b[32];
    struct uper_writer w;

    /* Range 3 (0..2, NGAP's Criticality): a 2-bit field, not aligned even after one bit: 1 10 -> 110(00000). */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_constrained(&w, 2, 0, 2);
    ck_assert_str_eq(hex_of(&w), "c0");

    /* Range 256 (0..255, NGAP's ProcedureCode): the one-octet case, octet-aligned. After the 3-bit CHOICE
     * preamble 001 the writer pads 5 zero bits (00100000 = 0x20), then 21 = 0x15 (id-NGSetup). */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 3);
    uper_put_constrained(&w, 21, 0, 255);
    ck_assert_str_eq(hex_of(&w), "2015");

    /* Range 65536 (0..65535, ProtocolIE-ID and the IE container's count): two octets, aligned. After one
     * extension bit 0 and 7 padding bits: 00 then 0x0004. */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 0, 1);
    uper_put_constrained(&w, 4, 0, 65535);
    ck_assert_str_eq(hex_of(&w), "000004");

    /* Range 257 (0..256): the smallest two-octet range: 256 -> 01 00. */
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 256, 0, 256);
    ck_assert_str_eq(hex_of(&w), "0100");

    /* Range 2^32 (RAN-UE-NGAP-ID, 0..4294967295): indefinite-length case. range - 1 needs N = 4 octets, so the
     * octet count n (1..4) takes 2 bits as n - 1. Value 1: n = 1 -> 00, 6 padding bits, then 01 -> 00 01.
     * Value 0x12345: n = 3 -> 10 + padding = 0x80, then 01 23 45. */
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 1, 0, 4294967295LL);
    ck_assert_str_eq(hex_of(&w), "0001");
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 0x12345, 0, 4294967295LL);
    ck_assert_str_eq(hex_of(&w), "80012345");
    /* Range 2^40 (AMF-UE-NGAP-ID, 0..2^40-1): N = 5, n - 1 in 3 bits. 2^32 needs n = 5 -> 100 + padding. */
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 4294967296LL, 0, 1099511627775LL);
    ck_assert_str_eq(hex_of(&w), "800100000000");
    /* A value of 0 still takes one octet (the fewest octets, at least one). */
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 0, 0, 1099511627775LL);
    ck_assert_str_eq(hex_of(&w), "0000");

    /* The same calls unaligned: ceil(log2(range)) bits each, never padded: 1 + 2 bits + 8 + 16 bits. */
    uper_writer_init(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_constrained(&w, 2, 0, 2);
    uper_put_constrained(&w, 21, 0, 255);
    uper_put_constrained(&w, 4, 0, 65535);
    ck_assert_str_eq(hex_of(&w), "c2a00080"); /* 1 10 00010101 0000000000000100 + 5 zero bits */

    /* Decoding every case back, and a value above ub in a two-octet field refused. */
    struct uper_reader r;
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 3, 0, 2);
    ck_assert_int_eq(w.err, -EINVAL); /* 3 is outside 0..2 */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 3);
    uper_put_constrained(&w, 200, 0, 255);
    uper_put_constrained(&w, 1, 0, 2);
    uper_put_constrained(&w, 1000, 0, 65535);
    uper_put_constrained(&w, 987654321, 0, 4294967295LL);
    uper_put_constrained(&w, 1099511627775LL, 0, 1099511627775LL);
    ck_assert_int_eq(w.err, 0);
    uper_reader_init_aligned(&r, b, w.pos);
    ck_assert_uint_eq(uper_get_bits(&r, 3), 1);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 255), 200);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 2), 1);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 65535), 1000);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 4294967295LL), 987654321);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 1099511627775LL), 1099511627775LL);
    ck_assert_int_eq(r.err, 0);
    ck_assert_uint_eq(r.pos, w.pos);
    const uint8_t big[] = {0x01, 0x2c}; /* 300 in a 0..299 two-octet field */
    uper_reader_init_aligned(&r, big, 16);
    uper_get_constrained(&r, 0, 299);
    ck_assert_int_eq(r.err, -EBADMSG);
    const uint8_t cut[] = {0xc0, 0x01}; /* n = 4 octets announced, 1 present */
    uper_reader_init_aligned(&r, cut, 16);
    uper_get_constrained(&r, 0, 4294967295LL);
    ck_assert_int_eq(r.err, -EBADMSG);
}
END_TEST

/* 11.9 general length determinants and open types: octet-aligned in the ALIGNED variant. */
START_TEST(test_aper_lengths_and_open_types)
{
    uint8_t b[512], s[256];
    struct uper_writer w, c;
    /* An IE header: criticality ignore (01 in 2 bits), then the open type's length 10: 01 + 6 padding bits =
     * 0x40, then 0x0a. 200 takes two octets, 10 + 14 bits: 0x80c8. */
    writer_a(&w, b, sizeof b);
    uper_put_constrained(&w, 1, 0, 2);
    uper_put_length(&w, 10);
    uper_put_bits(&w, 1, 1);
    uper_put_length(&w, 200);
    ck_assert_str_eq(hex_of(&w), "400a8080c8");

    /* An open type (11.2) holding a 1-bit value 1: the complete encoding is 1 + 7 padding bits = 0x80, one octet,
     * so after a leading bit 0 + padding: 00 01 80. */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 0, 1);
    writer_a(&c, s, sizeof s);
    uper_put_bits(&c, 1, 1);
    uper_put_open_type(&w, &c);
    ck_assert_str_eq(hex_of(&w), "000180");
    struct uper_reader r, sub;
    uper_reader_init_aligned(&r, b, w.pos);
    ck_assert_uint_eq(uper_get_bits(&r, 1), 0);
    uper_get_open_type(&r, &sub);
    ck_assert(sub.aligned);
    ck_assert_uint_eq(uper_get_bits(&sub, 1), 1);
    ck_assert_int_eq(r.err, 0);
    ck_assert_uint_eq(r.pos, 24);

    /* Semi-constrained (11.7): the length octet is aligned too: 1 bit, padding, 01, 05. */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_semi_constrained(&w, 5, 0);
    ck_assert_str_eq(hex_of(&w), "800105");

    /* SEQUENCE (SIZE (1..65536)) OF (NGAP's NG Reset list): ub is 64K, so the count is a general length (11.9.4.2),
     * the count itself, aligned: after a 2-bit CHOICE index 01, padding, then 01 = one item. Under 64K it is a
     * constrained number: SIZE (1..65535) takes two aligned octets holding n - 1 = 0. */
    struct per pa = {.w = &w};
    int count = 1;
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 2);
    per_size(&pa, &count, 1, 65536, 4);
    ck_assert_str_eq(hex_of(&w), "4001");
    writer_a(&w, b, sizeof b);
    per_size(&pa, &count, 1, 65535, 4);
    ck_assert_str_eq(hex_of(&w), "0000");
    count = 5; /* more than the caller's 4 */
    writer_a(&w, b, sizeof b);
    per_size(&pa, &count, 1, 65536, 4);
    ck_assert_int_eq(w.err, -EINVAL);
    const uint8_t five[] = {0x05};
    uper_reader_init_aligned(&r, five, 8);
    struct per pr = {.r = &r};
    per_size(&pr, &count, 1, 65536, 4);
    ck_assert_int_eq(r.err, -ENOTSUP);
    ck_assert_int_eq(count, 0);

    /* An open type whose length runs past the input. */
    const uint8_t bad[] = {0x05, 0x00, 0x00};
    uper_reader_init_aligned(&r, bad, 24);
    uper_get_open_type(&r, &sub);
    ck_assert_int_eq(r.err, -EBADMSG);
}
END_TEST

/* 17 OCTET STRING and 16 BIT STRING with size constraints, 30.5 PrintableString. */
START_TEST(test_aper_strings)
{
    uint8_t b[512], out[64];
    struct uper_writer w;
    struct uper_reader r;
    const uint8_t plmn[3] = {0x00, 0xf1, 0x10}, sst = 0xab;

    /* SIZE (3) (a PLMN identity, 17.7): fixed and longer than 2 octets -> aligned, no length: 1 bit, pad, 00f110.
     * SIZE (1) (an SST, 17.6): fixed at <= 2 octets -> not aligned: 1 then 10101011 -> 1101 0101 1(000 0000). */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_octets(&w, plmn, 3, 3, 3);
    ck_assert_str_eq(hex_of(&w), "8000f110");
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_octets(&w, &sst, 1, 1, 1);
    ck_assert_str_eq(hex_of(&w), "d580");
    /* SIZE (1..8) (17.8): the length 3 as 3 - 1 = 2 in 3 bits (range 8), then the octets aligned: 010 + pad. */
    writer_a(&w, b, sizeof b);
    uper_put_octets(&w, plmn, 3, 1, 8);
    ck_assert_str_eq(hex_of(&w), "4000f110");
    /* Unconstrained (a NAS-PDU): general length, aligned: 1 bit, pad, 03, octets. */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_octets(&w, plmn, 3, 0, -1);
    ck_assert_str_eq(hex_of(&w), "800300f110");
    uper_reader_init_aligned(&r, b, w.pos);
    uper_get_bits(&r, 1);
    ck_assert_uint_eq(uper_get_octets(&r, out, sizeof out, 0, -1), 3);
    ck_assert_mem_eq(out, plmn, 3);

    /* BIT STRING (SIZE (22..32)) (NGAP's gNB-ID, 16.11): after the GNB-ID CHOICE bit 0, the length 32 - 22 = 10 in
     * 4 bits (range 11): 0 1010 + 3 padding bits = 0x50, then 32 bits. 22 bits (length 0): 0x00, then the 22
     * bits left-aligned in 3 octets: gNB id 1 -> 000000000000000000000001 00 -> 00 00 04. */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 0, 1);
    uper_put_bitstring(&w, 0x12345678, 32, 22, 32);
    ck_assert_str_eq(hex_of(&w), "5012345678");
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 0, 1);
    uper_put_bitstring(&w, 1, 22, 22, 32);
    ck_assert_str_eq(hex_of(&w), "00000004");
    /* SIZE (36) (NR cell identity, 16.10): fixed, > 16 bits -> aligned. SIZE (10) (AMF set id, 16.9): not. */
    writer_a(&w, b, sizeof b);
    uper_put_bits(&w, 1, 1);
    uper_put_bitstring(&w, 0x123456789ull, 36, 36, 36);
    uper_put_bitstring(&w, 0x3ff, 10, 10, 10);
    ck_assert_str_eq(hex_of(&w), "80123456789ffc"); /* 36 bits then 10 ones: ...1001 1111111111 00 */
    uper_reader_init_aligned(&r, b, w.pos);
    uper_get_bits(&r, 1);
    int n = 0;
    ck_assert_uint_eq(uper_get_bitstring(&r, &n, 36, 36), 0x123456789ull);
    ck_assert_uint_eq(uper_get_bitstring(&r, &n, 10, 10), 0x3ff);
    ck_assert_int_eq(r.err, 0);

    /* PrintableString (SIZE (1..150, ...)) (AMFName, RANNodeName): extension bit 0, the length 12 - 1 = 11 in 8
     * bits (range 150, not aligned), padding, then 8 bits per character: 0 00001011 0000000 = 05 80, "open5gs-amf0".
     * This is what Open5GS sends (test_ngap reads a captured NGSetupResponse). */
    writer_a(&w, b, sizeof b);
    uper_put_chars(&w, "open5gs-amf0", 12, 1, 150, true);
    ck_assert_str_eq(hex_of(&w), "05806f70656e3567732d616d6630");
    char name[160];
    uper_reader_init_aligned(&r, b, w.pos);
    ck_assert_uint_eq(uper_get_chars(&r, name, sizeof name, 1, 150, true), 12);
    ck_assert_mem_eq(name, "open5gs-amf0", 12);
    /* Unaligned: 7-bit characters, no padding: 0 00001011 then 'o' = 1101111 ... */
    uper_writer_init(&w, b, sizeof b);
    uper_put_chars(&w, "o", 1, 1, 150, true);
    ck_assert_str_eq(hex_of(&w), "006f"); /* 0 00000000 1101111 */
    /* Outside the root of an extensible size: extension bit 1, general length (aligned). */
    writer_a(&w, b, sizeof b);
    uper_put_chars(&w, "ab", 2, 3, 150, true);
    ck_assert_str_eq(hex_of(&w), "80026162");
    uper_reader_init_aligned(&r, b, w.pos);
    ck_assert_uint_eq(uper_get_chars(&r, name, sizeof name, 3, 150, true), 2);
    /* A non-extensible size refuses it; an 8-bit code is refused both ways. */
    writer_a(&w, b, sizeof b);
    uper_put_chars(&w, "ab", 2, 3, 150, false);
    ck_assert_int_eq(w.err, -EINVAL);
    writer_a(&w, b, sizeof b);
    uper_put_chars(&w, "\xe9", 1, 1, 150, false);
    ck_assert_int_eq(w.err, -EINVAL);
    const uint8_t hi[] = {0x00, 0x00, 0xe9};
    uper_reader_init_aligned(&r, hi, 24);
    uper_get_chars(&r, name, sizeof name, 1, 150, true);
    ck_assert_int_eq(r.err, -EBADMSG);
}
END_TEST

/* 14 ENUMERATED with extension values through per_enum_ext (RRCEstablishmentCause: 10 root values, ...,
 * notAvailable). mo-Signalling (3): 0 0011 = 0x18 (as in the InitialUEMessage captures); notAvailable: 1, then
 * the addition's index 0 as a normally small number 0 000000 -> 1000 0000 = 0x80 (+ 0 bits). */
struct enum_box {
    int v;
};
static void enum_codec(struct per *p, void *v) { per_enum_ext(p, &((struct enum_box *)v)->v, 10, 2); }

START_TEST(test_aper_extensible_enumerated)
{
    uint8_t b[8];
    size_t len;
    struct enum_box e = {3}, d;
    ck_assert_int_eq(per_encode_message_aligned(enum_codec, &e, b, sizeof b, &len), 0);
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(b[0], 0x18);
    e.v = 10;
    ck_assert_int_eq(per_encode_message_aligned(enum_codec, &e, b, sizeof b, &len), 0);
    ck_assert_uint_eq(b[0], 0x80);
    ck_assert_int_eq(per_decode_message_aligned(enum_codec, &d, sizeof d, b, len), 0);
    ck_assert_int_eq(d.v, 10);
    e.v = 12; /* past the two known additions */
    ck_assert_int_eq(per_encode_message_aligned(enum_codec, &e, b, sizeof b, &len), -EINVAL);
    const uint8_t later[] = {0x82}; /* 1 0 000010: addition index 2, a later release's value */
    ck_assert_int_eq(per_decode_message_aligned(enum_codec, &d, sizeof d, later, 1), -ENOTSUP);
    const uint8_t root_bad[] = {0x60}; /* root index 12 of 10 */
    ck_assert_int_eq(per_decode_message_aligned(enum_codec, &d, sizeof d, root_bad, 1), -EBADMSG);
}
END_TEST

/* Every primitive round trips in the ALIGNED variant at every start offset 0..7, and a decoder reading the
 * encoding cut short anywhere fails with -EBADMSG instead of reading on. */
struct mix {
    int pre;                    /* 0..7 leading bits */
    int64_t a, b2, c;           /* 0..255, 0..65535, 0..2^40-1 */
    int small;                  /* 0..2 */
    uint8_t oct[40];
    size_t noct;                /* 0..40, unconstrained */
    uint8_t fixed[5];
    uint64_t bits;
    int nbits;                  /* 22..32 */
    char name[32];
    int en;                     /* 0..11 with 10 root values */
};

static void mix_codec(struct per *p, void *v)
{
    struct mix *m = v;
    per_int(p, &m->pre, 0, 7);
    per_int64(p, &m->a, 0, 255);
    per_int(p, &m->small, 0, 2);
    per_int64(p, &m->b2, 0, 65535);
    per_int64(p, &m->c, 0, 1099511627775LL);
    per_octets(p, m->oct, &m->noct, sizeof m->oct);
    per_fixed_octets(p, m->fixed, sizeof m->fixed);
    per_bitstring(p, &m->bits, &m->nbits, 22, 32);
    per_printable(p, m->name, sizeof m->name, 1, 30, true);
    per_enum_ext(p, &m->en, 10, 2);
}

START_TEST(test_aper_round_trips)
{
    test_rng_seed(77);
    for (int it = 0; it < 1000; it++) {
        struct mix m = {0}, d;
        m.pre = (int)(test_rng_next() % 8);
        m.a = (int64_t)(test_rng_next() % 256);
        m.small = (int)(test_rng_next() % 3);
        m.b2 = (int64_t)(test_rng_next() % 65536);
        m.c = (int64_t)(test_rng_next() >> (24 + test_rng_next() % 40));
        m.noct = test_rng_next() % 41;
        for (size_t i = 0; i < m.noct; i++) m.oct[i] = (uint8_t)test_rng_next();
        for (size_t i = 0; i < sizeof m.fixed; i++) m.fixed[i] = (uint8_t)test_rng_next();
        m.nbits = 22 + (int)(test_rng_next() % 11);
        m.bits = test_rng_next() & ((1ull << m.nbits) - 1);
        size_t nl = 1 + test_rng_next() % 30;
        for (size_t i = 0; i < nl; i++) m.name[i] = (char)(' ' + test_rng_next() % 95);
        m.en = (int)(test_rng_next() % 12);
        uint8_t b[256];
        size_t len;
        ck_assert_int_eq(per_encode_message_aligned(mix_codec, &m, b, sizeof b, &len), 0);
        ck_assert_int_eq(per_decode_message_aligned(mix_codec, &d, sizeof d, b, len), 0);
        ck_assert_mem_eq(&d, &m, sizeof m);
        size_t cut = test_rng_next() % len;
        ck_assert_int_eq(per_decode_message_aligned(mix_codec, &d, sizeof d, b, cut), -EBADMSG);
        /* The unaligned variant takes the same walk with its own layout. */
        size_t ulen;
        ck_assert_int_eq(per_encode_message(mix_codec, &m, b, sizeof b, &ulen), 0);
        ck_assert_int_eq(per_decode_message(mix_codec, &d, sizeof d, b, ulen), 0);
        ck_assert_mem_eq(&d, &m, sizeof m);
    }
}
END_TEST

static Suite *aper_suite(void)
{
    Suite *s = suite_create("aper");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_aper_constrained_whole_numbers);
    tcase_add_test(tc, test_aper_lengths_and_open_types);
    tcase_add_test(tc, test_aper_strings);
    tcase_add_test(tc, test_aper_extensible_enumerated);
    tcase_add_test(tc, test_aper_round_trips);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return check_run(aper_suite()); }
