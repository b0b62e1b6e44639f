/* X.691 unaligned PER (UPER) primitives: a bit writer and a bounds-checked bit reader.
 *
 * This is the base of gnbd's own NR RRC codec (38.331 ASN.1; rrc/asn1/per.h builds two-way codecs on it).
 * Writers never write past their buffer: an overflow sets w->err and further puts are ignored. Readers never
 * read past theirs: a truncated input sets r->err, and every get returns 0 from then on, so a decoder can read a
 * whole message and check the error once. Bit order: the first bit is the MSB of the first byte.
 *
 * X.691 clauses (unaligned variant throughout): constrained whole numbers (11.5.7: ceil(log2(range)) bits),
 * normally small non-negative whole numbers (11.6), semi-constrained (11.7) and unconstrained (11.8) whole
 * numbers, length determinants (11.9: constrained, normally small, and general with fragmentation in units of
 * 16K), BOOLEAN (12), ENUMERATED with and without extension marker (14), BIT STRING (16) and OCTET STRING (17)
 * with size constraints, the extension bit and extension-addition bitmap of SEQUENCE (19), CHOICE indices
 * (23), and open types (11.2: a complete encoding, padded to whole octets, as an unconstrained OCTET STRING).
 *
 * Errors: -ENOSPC (writer full), -EINVAL (our own encoder given a value outside its constraint), -EBADMSG
 * (input truncated or a value outside its constraint), -ENOTSUP (valid input beyond what the caller supports,
 * e.g. a fragmented open type), -EMSGSIZE (an OCTET STRING longer than the caller's buffer).
 *
 * Threading: plain values; one writer/reader per thread. No allocation.
 */
#ifndef GNBD_RRC_UPER_H
#define GNBD_RRC_UPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X.691 11.9.3.8: lengths of 16K and more are sent as fragments of 16K, 32K, 48K or 64K items. */
#define UPER_FRAG_UNIT 16384

struct uper_writer {
    uint8_t *buf;
    size_t cap_bits;
    size_t pos;   /* bits written */
    int err;      /* 0, or the first error */
};

struct uper_reader {
    const uint8_t *buf;
    size_t len_bits; /* end of the readable region, as a bit position in buf */
    size_t pos;      /* next bit to read, counted from buf[0] bit 7 */
    int err;         /* 0, or the first error */
};

void uper_writer_init(struct uper_writer *w, uint8_t *buf, size_t cap_bytes);
void uper_reader_init(struct uper_reader *r, const uint8_t *buf, size_t len_bits);

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
