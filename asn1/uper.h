/* X.691 PER primitives, unaligned (UPER) or aligned (APER): a bit writer and a bounds-checked bit reader.
 *
 * This is the base of gnbd's own ASN.1 codecs: NR RRC (38.331, unaligned) and NGAP (38.413, aligned); asn1/per.h
 * builds two-way codecs on it. The `uper_` prefix is historical: every writer and reader carries its variant
 * (`aligned`, set by the *_init_aligned functions) and each primitive applies that variant's rules.
 * Writers never write past their buffer: an overflow sets w->err and further puts are ignored. Readers never
 * read past theirs: a truncated input sets r->err, and every get returns 0 from then on, so a decoder can read a
 * whole message and check the error once. Bit order: the first bit is the MSB of the first byte.
 *
 * X.691 clauses (unaligned variant; the aligned one below): constrained whole numbers (11.5.7: ceil(log2(range)) bits),
 * normally small non-negative whole numbers (11.6), semi-constrained (11.7) and unconstrained (11.8) whole
 * numbers, length determinants (11.9: constrained, normally small, and general with fragmentation in units of
 * 16K), BOOLEAN (12), ENUMERATED with and without extension marker (14), BIT STRING (16) and OCTET STRING (17)
 * with size constraints, known-multiplier character strings (30.5), the extension bit and extension-addition bitmap of SEQUENCE (19), CHOICE indices
 * (23), and open types (11.2: a complete encoding, padded to whole octets, as an unconstrained OCTET STRING).
 *
 * Errors: -ENOSPC (writer full), -EINVAL (our own encoder given a value outside its constraint), -EBADMSG
 * (input truncated or a value outside its constraint), -ENOTSUP (valid input beyond what the caller supports,
 * e.g. a fragmented open type), -EMSGSIZE (an OCTET STRING longer than the caller's buffer).
 *
 * Threading: plain values; one writer/reader per thread. No allocation.
 */
#ifndef GNBD_ASN1_UPER_H
#define GNBD_ASN1_UPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ALIGNED variant (X.691 11.5.7, 11.9, 16-17, 30.5): where these clauses say "octet-aligned in the ALIGNED variant"
 * the writer first pads with zero bits to the next octet boundary of the complete encoding (the reader skips
 * them): constrained whole numbers whose range is 256 (one octet) or 257..64K (two octets) or more (a length in
 * octets, then the octets), general length determinants (and so open types and unconstrained strings), the
 * contents of a BIT STRING or OCTET STRING other than fixed sizes of at most 16 bits / 2 octets, and character
 * strings longer than 16 bits. Bit-fields of ranges up to 255, extension bits, presence bitmaps, CHOICE
 * indices of small ranges and normally small numbers are never aligned, as in the unaligned variant. */

/* X.691 11.9.3.8: lengths of 16K and more are sent as fragments of 16K, 32K, 48K or 64K items. */
#define UPER_FRAG_UNIT 16384

struct uper_writer {
    uint8_t *buf;
    size_t cap_bits;
    size_t pos;   /* bits written */
    int err;      /* 0, or the first error */
    bool aligned; /* X.691 ALIGNED variant */
};

struct uper_reader {
    const uint8_t *buf;
    size_t len_bits; /* end of the readable region, as a bit position in buf */
    size_t pos;      /* next bit to read, counted from buf[0] bit 7 */
    int err;         /* 0, or the first error */
    bool aligned;    /* X.691 ALIGNED variant */
};

void uper_writer_init(struct uper_writer *w, uint8_t *buf, size_t cap_bytes);
void uper_reader_init(struct uper_reader *r, const uint8_t *buf, size_t len_bits);
/* The same for the ALIGNED variant (APER). */
void uper_writer_init_aligned(struct uper_writer *w, uint8_t *buf, size_t cap_bytes);
void uper_reader_init_aligned(struct uper_reader *r, const uint8_t *buf, size_t len_bits);
/* ALIGNED variant: zero bits up to the next octet boundary (writer) or skips them (reader); no-op in UPER. */
void uper_align(struct uper_writer *w);
void uper_get_align(struct uper_reader *r);

/* Bits needed for a constrained whole number in [lb, ub] (unaligned PER: ceil(log2(ub - lb + 1))). */
int uper_range_bits(int64_t lb, int64_t ub);

void uper_put_bits(struct uper_writer *w, uint64_t value, int nbits); /* nbits 0..64, MSB first */
void uper_put_bool(struct uper_writer *w, bool v);
void uper_put_constrained(struct uper_writer *w, int64_t v, int64_t lb, int64_t ub);
/* ENUMERATED with `count` root values; `extensible` adds the extension bit (always 0 here: root values only). */
void uper_put_enum(struct uper_writer *w, int index, int count, bool extensible);
size_t uper_writer_bytes(const struct uper_writer *w); /* bytes used, the last one zero-padded */
/* Sets w->err to err unless an earlier error is recorded. */
void uper_writer_fail(struct uper_writer *w, int err);

uint64_t uper_get_bits(struct uper_reader *r, int nbits);
bool uper_get_bool(struct uper_reader *r);
int64_t uper_get_constrained(struct uper_reader *r, int64_t lb, int64_t ub); /* value > ub: err, returns lb */
/* Returns the root index; an extension value (extensible and the extension bit set) sets err... unless the
 * caller handles extensions itself. */
int uper_get_enum(struct uper_reader *r, int count, bool extensible);
void uper_reader_fail(struct uper_reader *r, int err);
void uper_skip_bits(struct uper_reader *r, size_t nbits);
size_t uper_reader_left(const struct uper_reader *r); /* bits not yet read */

/* 11.6 normally small non-negative whole number (CHOICE/ENUMERATED extension indices). */
void uper_put_nsnn(struct uper_writer *w, uint64_t n);
uint64_t uper_get_nsnn(struct uper_reader *r);

/* 11.7 semi-constrained whole number (lb..MAX) and 11.8 unconstrained whole number: a length in octets and the
 * value in the fewest octets (two's complement for 11.8). */
void uper_put_semi_constrained(struct uper_writer *w, int64_t v, int64_t lb);
int64_t uper_get_semi_constrained(struct uper_reader *r, int64_t lb);
void uper_put_unconstrained(struct uper_writer *w, int64_t v);
int64_t uper_get_unconstrained(struct uper_reader *r);

/* 11.9.3.4 normally small length (1..): the extension-addition bitmap's length. */
void uper_put_small_length(struct uper_writer *w, size_t n);
size_t uper_get_small_length(struct uper_reader *r);

/* 11.9.4.2 general length determinant for one (non-fragmented) length below 16K: 8 or 16 bits. Lengths of 16K and
 * more need the fragmenting writers below (uper_put_octets); uper_put_length refuses them with -EINVAL. */
void uper_put_length(struct uper_writer *w, size_t n);
/* Reads one general length determinant. *more is set when it announced a fragment (n = 16K..64K items, more
 * length determinants follow); NULL refuses fragments with -ENOTSUP. */
size_t uper_get_length(struct uper_reader *r, bool *more);

/* Octets at any bit position (no length). */
void uper_put_raw_octets(struct uper_writer *w, const uint8_t *data, size_t n);
void uper_get_raw_octets(struct uper_reader *r, uint8_t *out, size_t n);

/* OCTET STRING (SIZE (lb..ub)); ub < 0 means no upper bound (a general length, fragmented from 16K on). A fixed
 * size (lb == ub < 64K) has no length determinant. The decoder writes at most `cap` octets into out; a longer
 * string sets -EMSGSIZE. */
void uper_put_octets(struct uper_writer *w, const uint8_t *data, size_t n, long lb, long ub);
size_t uper_get_octets(struct uper_reader *r, uint8_t *out, size_t cap, long lb, long ub);
/* Skips a general-length OCTET STRING (fragments included) without storing it. */
void uper_skip_octets(struct uper_reader *r);

/* Known-multiplier character string without a permitted-alphabet constraint (X.691 30.5), e.g. PrintableString
 * (SIZE (lb..ub, ...)): b = 7 bits per character unaligned, 8 aligned (30.5.3 rounds b up to a power of two),
 * the character's code as the value. `ext` is an extensible size constraint (its extension bit first; lengths
 * outside lb..ub are then sent with a general length). A fixed size has no length; the characters are
 * octet-aligned (ALIGNED) when ub * b > 16. Encoding checks the characters are 7-bit (1..127); decoding writes
 * at most cap characters and no terminator. */
void uper_put_chars(struct uper_writer *w, const char *s, size_t n, long lb, long ub, bool ext);
size_t uper_get_chars(struct uper_reader *r, char *out, size_t cap, long lb, long ub, bool ext);

/* BIT STRING (SIZE (lb..ub)) of at most 64 bits (ub <= 64): a fixed size has no length. Bits are MSB first:
 * the value's bit n-1 is the string's first bit. */
void uper_put_bitstring(struct uper_writer *w, uint64_t bits, int n, int lb, int ub);
uint64_t uper_get_bitstring(struct uper_reader *r, int *n, int lb, int ub);

/* 19.7-19.9 extension additions of a SEQUENCE: the bitmap (a normally small length, then one presence bit per
 * addition, first addition first, n = 1..64), then every present addition as an open type. */
void uper_put_ext_bitmap(struct uper_writer *w, int n, uint64_t present);
int uper_get_ext_bitmap(struct uper_reader *r, uint64_t *present); /* returns n; n > 64 sets -ENOTSUP */
/* Reads the bitmap and skips every present addition (for decoders that know none of them). */
void uper_skip_ext_additions(struct uper_reader *r);

/* 11.2 open type. The writer copies a complete encoding made in a scratch writer (padded to whole octets, at
 * least one octet, 11.1) with its length; an error in `content` is passed on. */
void uper_put_open_type(struct uper_writer *w, const struct uper_writer *content);
/* Points `sub` at the content of the next open type (sharing r's buffer) and moves r past it. A fragmented open
 * type (16K octets or more) sets -ENOTSUP. */
void uper_get_open_type(struct uper_reader *r, struct uper_reader *sub);

#endif
