/* X.691 unaligned PER (UPER) primitives: a bit writer and a bounds-checked bit reader.
 *
 * This is the base of gnbd's own NR RRC codec (38.331 ASN.1, encoded by hand-written functions per message).
 * Writers never write past their buffer: an overflow sets w->err and further puts are ignored. Readers never
 * read past theirs: a truncated input sets r->err, and every get returns 0 from then on, so a decoder can read a
 * whole message and check the error once. Bit order: the first bit is the MSB of the first byte.
 *
 * Implemented here: fixed-width bit fields, constrained whole numbers (X.691 11.5.7, the unaligned variant:
 * ceil(log2(range)) bits), BOOLEAN (12), ENUMERATED with and without extension marker (14), and the extension
 * bit of SEQUENCE/CHOICE. Length determinants, open types and SEQUENCE OF come with the RRC codec issue.
 *
 * Threading: plain values; one writer/reader per thread.
 */
#ifndef GNBD_RRC_UPER_H
#define GNBD_RRC_UPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uper_writer {
    uint8_t *buf;
    size_t cap_bits;
    size_t pos;   /* bits written */
    int err;      /* 0, or -ENOSPC once something did not fit */
};

struct uper_reader {
    const uint8_t *buf;
    size_t len_bits;
    size_t pos;
    int err;      /* 0, or -EBADMSG once a read went past the end or a value was out of its constraint */
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

uint64_t uper_get_bits(struct uper_reader *r, int nbits);
bool uper_get_bool(struct uper_reader *r);
int64_t uper_get_constrained(struct uper_reader *r, int64_t lb, int64_t ub); /* value > ub: err, returns lb */
/* Returns the root index; an extension value (extensible and the extension bit set) sets err... unless the
 * caller handles extensions itself. */
int uper_get_enum(struct uper_reader *r, int count, bool extensible);

#endif
