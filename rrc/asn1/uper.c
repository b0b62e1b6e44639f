/* X.691 unaligned PER primitives. */
#include "rrc/asn1/uper.h"

#include <errno.h>
#include <string.h>

void uper_writer_init(struct uper_writer *w, uint8_t *buf, size_t cap_bytes)
{
    w->buf = buf;
    w->cap_bits = cap_bytes * 8;
    w->pos = 0;
    w->err = 0;
    memset(buf, 0, cap_bytes);
}

void uper_reader_init(struct uper_reader *r, const uint8_t *buf, size_t len_bits)
{
    r->buf = buf;
    r->len_bits = len_bits;
    r->pos = 0;
    r->err = 0;
}

int uper_range_bits(int64_t lb, int64_t ub)
{
    uint64_t range = (uint64_t)(ub - lb); /* values 0..range */
    int n = 0;
    while (range) {
        n++;
        range >>= 1;
    }
    return n;
}

void uper_put_bits(struct uper_writer *w, uint64_t value, int nbits)
{
    if (w->err || nbits < 0 || nbits > 64) {
        if (!w->err) w->err = -EINVAL;
        return;
    }
    if (w->pos + (size_t)nbits > w->cap_bits) {
        w->err = -ENOSPC;
        return;
    }
    for (int i = nbits - 1; i >= 0; i--) {
        if ((value >> i) & 1u) w->buf[w->pos >> 3] |= (uint8_t)(0x80u >> (w->pos & 7));
        w->pos++;
    }
}

void uper_put_bool(struct uper_writer *w, bool v) { uper_put_bits(w, v ? 1 : 0, 1); }

void uper_put_constrained(struct uper_writer *w, int64_t v, int64_t lb, int64_t ub)
{
    if (v < lb || v > ub) { /* our own encoder given a bad value: refuse rather than emit garbage */
        if (!w->err) w->err = -EINVAL;
        return;
    }
    uper_put_bits(w, (uint64_t)(v - lb), uper_range_bits(lb, ub));
}

void uper_put_enum(struct uper_writer *w, int index, int count, bool extensible)
{
    if (extensible) uper_put_bits(w, 0, 1);
    uper_put_constrained(w, index, 0, count - 1);
}

size_t uper_writer_bytes(const struct uper_writer *w) { return (w->pos + 7) / 8; }

uint64_t uper_get_bits(struct uper_reader *r, int nbits)
{
    if (r->err || nbits < 0 || nbits > 64 || r->pos + (size_t)nbits > r->len_bits) {
        if (!r->err) r->err = -EBADMSG;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < nbits; i++) {
        v = (v << 1) | ((r->buf[r->pos >> 3] >> (7 - (r->pos & 7))) & 1u);
        r->pos++;
    }
    return v;
}

bool uper_get_bool(struct uper_reader *r) { return uper_get_bits(r, 1) != 0; }

int64_t uper_get_constrained(struct uper_reader *r, int64_t lb, int64_t ub)
{
    uint64_t v = uper_get_bits(r, uper_range_bits(lb, ub));
    if (r->err) return lb;
    if (v > (uint64_t)(ub - lb)) {
        r->err = -EBADMSG;
        return lb;
    }
    return lb + (int64_t)v;
}

int uper_get_enum(struct uper_reader *r, int count, bool extensible)
{
    if (extensible && uper_get_bits(r, 1)) {
        if (!r->err) r->err = -EBADMSG; /* an extension value: callers that accept them read it themselves */
        return 0;
    }
    return (int)uper_get_constrained(r, 0, count - 1);
}
