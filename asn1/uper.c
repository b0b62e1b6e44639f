/* X.691 unaligned PER primitives (see uper.h for the clauses). */
#include "asn1/uper.h"

#include <errno.h>
#include <string.h>

void uper_writer_init(struct uper_writer *w, uint8_t *buf, size_t cap_bytes)
{
    w->buf = buf;
    w->cap_bits = cap_bytes * 8;
    w->pos = 0;
    w->err = 0;
    w->aligned = false;
    memset(buf, 0, cap_bytes);
}

void uper_reader_init(struct uper_reader *r, const uint8_t *buf, size_t len_bits)
{
    r->buf = buf;
    r->len_bits = len_bits;
    r->pos = 0;
    r->err = 0;
    r->aligned = false;
}

void uper_writer_init_aligned(struct uper_writer *w, uint8_t *buf, size_t cap_bytes)
{
    uper_writer_init(w, buf, cap_bytes);
    w->aligned = true;
}

void uper_reader_init_aligned(struct uper_reader *r, const uint8_t *buf, size_t len_bits)
{
    uper_reader_init(r, buf, len_bits);
    r->aligned = true;
}

void uper_writer_fail(struct uper_writer *w, int err)
{
    if (!w->err) w->err = err;
}

void uper_reader_fail(struct uper_reader *r, int err)
{
    if (!r->err) r->err = err;
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
        uper_writer_fail(w, -EINVAL);
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

void uper_align(struct uper_writer *w)
{
    if (w->aligned && (w->pos & 7)) uper_put_bits(w, 0, 8 - (int)(w->pos & 7));
}

void uper_get_align(struct uper_reader *r)
{
    if (r->aligned && (r->pos & 7)) uper_skip_bits(r, 8 - (r->pos & 7));
}

/* Octets needed for v as a non-negative binary integer (at least one). */
static int octets_unsigned(uint64_t v)
{
    int n = 1;
    while (n < 8 && (v >> (8 * n))) n++;
    return n;
}

/* X.691 11.5.7 in the ALIGNED variant, for range = ub - lb + 1:
 *   range <= 255        a bit-field of ceil(log2(range)) bits, not aligned (11.5.7.2, as unaligned);
 *   range == 256        one octet, octet-aligned (11.5.7.3, the one-octet case);
 *   257 <= range <= 64K two octets, octet-aligned (11.5.7.3, the two-octet case);
 *   range > 64K         the indefinite-length case (11.5.7.4): the number of octets n (1..N, N the octets
 *                       range - 1 needs) as a constrained length (n - 1 in ceil(log2(N)) bits, 11.9.4.1), then
 *                       n octets, octet-aligned, holding v - lb in the fewest octets. */
enum { APER_BITFIELD, APER_ONE_OCTET, APER_TWO_OCTETS, APER_INDEFINITE };

static int aper_int_case(int64_t lb, int64_t ub)
{
    uint64_t span = (uint64_t)(ub - lb); /* range - 1 */
    if (span < 255) return APER_BITFIELD;
    if (span == 255) return APER_ONE_OCTET;
    if (span < 65536) return APER_TWO_OCTETS;
    return APER_INDEFINITE;
}

void uper_put_constrained(struct uper_writer *w, int64_t v, int64_t lb, int64_t ub)
{
    if (v < lb || v > ub) { /* our own encoder given a bad value: refuse rather than emit garbage */
        uper_writer_fail(w, -EINVAL);
        return;
    }
    uint64_t u = (uint64_t)(v - lb);
    switch (w->aligned ? aper_int_case(lb, ub) : APER_BITFIELD) {
    case APER_BITFIELD:
        uper_put_bits(w, u, uper_range_bits(lb, ub));
        return;
    case APER_ONE_OCTET:
        uper_align(w);
        uper_put_bits(w, u, 8);
        return;
    case APER_TWO_OCTETS:
        uper_align(w);
        uper_put_bits(w, u, 16);
        return;
    default: {
        int n = octets_unsigned(u), max = octets_unsigned((uint64_t)(ub - lb));
        uper_put_bits(w, (uint64_t)(n - 1), uper_range_bits(1, max));
        uper_align(w);
        uper_put_bits(w, u, 8 * n);
    }
    }
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
        uper_reader_fail(r, -EBADMSG);
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
    uint64_t v;
    switch (r->aligned ? aper_int_case(lb, ub) : APER_BITFIELD) {
    case APER_BITFIELD:
        v = uper_get_bits(r, uper_range_bits(lb, ub));
        break;
    case APER_ONE_OCTET:
        uper_get_align(r);
        v = uper_get_bits(r, 8);
        break;
    case APER_TWO_OCTETS:
        uper_get_align(r);
        v = uper_get_bits(r, 16);
        break;
    default: {
        int n = 1 + (int)uper_get_bits(r, uper_range_bits(1, octets_unsigned((uint64_t)(ub - lb))));
        uper_get_align(r);
        v = uper_get_bits(r, r->err ? 0 : 8 * n);
    }
    }
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
        uper_reader_fail(r, -EBADMSG); /* an extension value: callers that accept them read it themselves */
        return 0;
    }
    return (int)uper_get_constrained(r, 0, count - 1);
}

void uper_skip_bits(struct uper_reader *r, size_t nbits)
{
    if (r->err || nbits > r->len_bits - r->pos) {
        uper_reader_fail(r, -EBADMSG);
        return;
    }
    r->pos += nbits;
}

size_t uper_reader_left(const struct uper_reader *r) { return r->err ? 0 : r->len_bits - r->pos; }

void uper_put_nsnn(struct uper_writer *w, uint64_t n)
{
    if (n <= 63) {
        uper_put_bits(w, n, 7); /* leading 0 and six bits */
        return;
    }
    uper_put_bits(w, 1, 1);
    uper_put_semi_constrained(w, (int64_t)n, 0);
}

uint64_t uper_get_nsnn(struct uper_reader *r)
{
    if (!uper_get_bits(r, 1)) return uper_get_bits(r, 6);
    return (uint64_t)uper_get_semi_constrained(r, 0);
}

void uper_put_semi_constrained(struct uper_writer *w, int64_t v, int64_t lb)
{
    if (v < lb) {
        uper_writer_fail(w, -EINVAL);
        return;
    }
    uint64_t u = (uint64_t)(v - lb);
    int n = octets_unsigned(u);
    uper_put_length(w, (size_t)n);
    uper_put_bits(w, u, 8 * n);
}

int64_t uper_get_semi_constrained(struct uper_reader *r, int64_t lb)
{
    size_t n = uper_get_length(r, NULL);
    if (!r->err && (n == 0 || n > 7)) uper_reader_fail(r, n ? -ENOTSUP : -EBADMSG); /* we keep int64 */
    uint64_t u = uper_get_bits(r, r->err ? 0 : (int)(8 * n));
    return r->err ? lb : lb + (int64_t)u;
}

void uper_put_unconstrained(struct uper_writer *w, int64_t v)
{
    int n = 1;
    /* The fewest octets whose two's complement holds v: the bits above the top octet's sign bit all equal it. */
    while (n < 8) {
        int64_t lo = -((int64_t)1 << (8 * n - 1)), hi = ((int64_t)1 << (8 * n - 1)) - 1;
        if (v >= lo && v <= hi) break;
        n++;
    }
    uper_put_length(w, (size_t)n);
    uper_put_bits(w, (uint64_t)v & (n == 8 ? ~0ull : ((1ull << (8 * n)) - 1)), 8 * n);
}

int64_t uper_get_unconstrained(struct uper_reader *r)
{
    size_t n = uper_get_length(r, NULL);
    if (!r->err && (n == 0 || n > 8)) uper_reader_fail(r, n ? -ENOTSUP : -EBADMSG);
    if (r->err) return 0;
    uint64_t u = uper_get_bits(r, (int)(8 * n));
    if (n < 8 && (u >> (8 * n - 1)) & 1u) u |= ~0ull << (8 * n); /* sign-extend */
    return r->err ? 0 : (int64_t)u;
}

void uper_put_small_length(struct uper_writer *w, size_t n)
{
    if (n == 0) {
        uper_writer_fail(w, -EINVAL);
        return;
    }
    if (n <= 64) {
        uper_put_bits(w, n - 1, 7); /* leading 0 and n - 1 in six bits */
        return;
    }
    uper_put_bits(w, 1, 1);
    uper_put_length(w, n);
}

size_t uper_get_small_length(struct uper_reader *r)
{
    if (!uper_get_bits(r, 1)) return r->err ? 0 : (size_t)uper_get_bits(r, 6) + 1;
    return uper_get_length(r, NULL);
}

void uper_put_length(struct uper_writer *w, size_t n)
{
    uper_align(w); /* 11.9.3.5-7: octet-aligned in the ALIGNED variant */
    if (n < 128)
        uper_put_bits(w, n, 8);
    else if (n < UPER_FRAG_UNIT)
        uper_put_bits(w, 0x8000u | n, 16);
    else
        uper_writer_fail(w, -EINVAL);
}

size_t uper_get_length(struct uper_reader *r, bool *more)
{
    if (more) *more = false;
    uper_get_align(r);
    if (!uper_get_bits(r, 1)) return (size_t)uper_get_bits(r, 7);
    if (!uper_get_bits(r, 1)) return (size_t)uper_get_bits(r, 14);
    uint64_t m = uper_get_bits(r, 6);
    if (r->err) return 0;
    if (m < 1 || m > 4) { /* 11.9.3.8.1: fragments of 1..4 times 16K */
        uper_reader_fail(r, -EBADMSG);
        return 0;
    }
    if (!more) {
        uper_reader_fail(r, -ENOTSUP);
        return 0;
    }
    *more = true;
    return (size_t)m * UPER_FRAG_UNIT;
}

void uper_put_raw_octets(struct uper_writer *w, const uint8_t *data, size_t n)
{
    if (w->err) return;
    if (n > (w->cap_bits - w->pos) / 8) {
        w->err = -ENOSPC;
        return;
    }
    if ((w->pos & 7) == 0) {
        memcpy(w->buf + w->pos / 8, data, n);
        w->pos += 8 * n;
        return;
    }
    for (size_t i = 0; i < n; i++) uper_put_bits(w, data[i], 8);
}

void uper_get_raw_octets(struct uper_reader *r, uint8_t *out, size_t n)
{
    if (r->err || n > (r->len_bits - r->pos) / 8) {
        uper_reader_fail(r, -EBADMSG);
        return;
    }
    if ((r->pos & 7) == 0) {
        memcpy(out, r->buf + r->pos / 8, n);
        r->pos += 8 * n;
        return;
    }
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)uper_get_bits(r, 8);
}

/* A size constraint that X.691 encodes without a general length: an upper bound below 64K (11.9.3.3). */
static bool size_constrained(long lb, long ub) { return ub >= 0 && ub < 65536 && lb <= ub; }

/* 17.6-17.8 (ALIGNED): a size-constrained OCTET STRING's octets are octet-aligned unless the size is fixed at
 * 2 octets or fewer. (16.9-16.11 say the same of a BIT STRING fixed at 16 bits or fewer.) */
static bool octets_aligned(long lb, long ub) { return !(lb == ub && ub <= 2); }

void uper_put_octets(struct uper_writer *w, const uint8_t *data, size_t n, long lb, long ub)
{
    if ((long)n < lb || (ub >= 0 && (long)n > ub)) {
        uper_writer_fail(w, -EINVAL);
        return;
    }
    if (size_constrained(lb, ub)) {
        uper_put_constrained(w, (int64_t)n, lb, ub); /* nothing for a fixed size */
        if (octets_aligned(lb, ub)) uper_align(w);
        uper_put_raw_octets(w, data, n);
        return;
    }
    size_t off = 0;
    while (n - off >= UPER_FRAG_UNIT) { /* 11.9.3.8: fragments of up to 4 x 16K, then the rest (maybe 0) */
        size_t m = (n - off) / UPER_FRAG_UNIT;
        if (m > 4) m = 4;
        uper_align(w);
        uper_put_bits(w, 0xc0u | m, 8);
        uper_put_raw_octets(w, data + off, m * UPER_FRAG_UNIT);
        off += m * UPER_FRAG_UNIT;
    }
    uper_put_length(w, n - off);
    uper_put_raw_octets(w, data + off, n - off);
}

size_t uper_get_octets(struct uper_reader *r, uint8_t *out, size_t cap, long lb, long ub)
{
    if (size_constrained(lb, ub)) {
        size_t n = (size_t)uper_get_constrained(r, lb, ub);
        if (octets_aligned(lb, ub)) uper_get_align(r);
        if (!r->err && n > cap) uper_reader_fail(r, -EMSGSIZE);
        uper_get_raw_octets(r, out, r->err ? 0 : n);
        return r->err ? 0 : n;
    }
    size_t total = 0;
    bool more = true;
    while (more && !r->err) {
        size_t n = uper_get_length(r, &more);
        if (!r->err && n > cap - total) uper_reader_fail(r, -EMSGSIZE);
        uper_get_raw_octets(r, out + total, r->err ? 0 : n);
        total += r->err ? 0 : n;
    }
    if (!r->err && ((long)total < lb || (ub >= 0 && (long)total > ub))) uper_reader_fail(r, -EBADMSG);
    return r->err ? 0 : total;
}

void uper_skip_octets(struct uper_reader *r)
{
    bool more = true;
    while (more && !r->err) {
        size_t n = uper_get_length(r, &more);
        if (!r->err && n > (r->len_bits - r->pos) / 8) uper_reader_fail(r, -EBADMSG);
        uper_skip_bits(r, r->err ? 0 : 8 * n);
    }
}

void uper_put_bitstring(struct uper_writer *w, uint64_t bits, int n, int lb, int ub)
{
    if (ub > 64 || n < lb || n > ub || (n < 64 && (bits >> n))) {
        uper_writer_fail(w, -EINVAL);
        return;
    }
    uper_put_constrained(w, n, lb, ub); /* no bits when lb == ub */
    if (!(lb == ub && ub <= 16)) uper_align(w); /* 16.9-16.11 (ALIGNED) */
    uper_put_bits(w, bits, n);
}

uint64_t uper_get_bitstring(struct uper_reader *r, int *n, int lb, int ub)
{
    if (ub > 64) {
        uper_reader_fail(r, -ENOTSUP);
        return 0;
    }
    int len = (int)uper_get_constrained(r, lb, ub);
    if (!(lb == ub && ub <= 16)) uper_get_align(r);
    if (n) *n = r->err ? 0 : len;
    return uper_get_bits(r, r->err ? 0 : len);
}

void uper_put_ext_bitmap(struct uper_writer *w, int n, uint64_t present)
{
    if (n < 1 || n > 64 || (n < 64 && (present >> n))) {
        uper_writer_fail(w, -EINVAL);
        return;
    }
    uper_put_small_length(w, (size_t)n);
    uper_put_bits(w, present, n);
}

int uper_get_ext_bitmap(struct uper_reader *r, uint64_t *present)
{
    size_t n = uper_get_small_length(r);
    *present = 0;
    if (!r->err && (n == 0 || n > 64)) uper_reader_fail(r, n ? -ENOTSUP : -EBADMSG);
    if (r->err) return 0;
    *present = uper_get_bits(r, (int)n);
    return r->err ? 0 : (int)n;
}

void uper_skip_ext_additions(struct uper_reader *r)
{
    size_t n = uper_get_small_length(r), count = 0;
    if (!r->err && n > uper_reader_left(r)) uper_reader_fail(r, -EBADMSG);
    for (size_t i = 0; i < n && !r->err; i++) count += uper_get_bits(r, 1);
    for (size_t i = 0; i < count && !r->err; i++) uper_skip_octets(r);
}

void uper_put_open_type(struct uper_writer *w, const struct uper_writer *content)
{
    static const uint8_t zero = 0;
    if (content->err) {
        uper_writer_fail(w, content->err);
        return;
    }
    size_t n = uper_writer_bytes(content);
    if (n == 0) /* 11.1: an empty encoding is sent as one zero octet */
        uper_put_octets(w, &zero, 1, 0, -1);
    else
        uper_put_octets(w, content->buf, n, 0, -1);
}

void uper_get_open_type(struct uper_reader *r, struct uper_reader *sub)
{
    size_t n = uper_get_length(r, NULL);
    if (!r->err && n > (r->len_bits - r->pos) / 8) uper_reader_fail(r, -EBADMSG);
    sub->buf = r->buf;
    sub->pos = r->pos;
    sub->len_bits = r->err ? r->pos : r->pos + 8 * n;
    sub->err = r->err;
    sub->aligned = r->aligned;
    if (!r->err) r->pos += 8 * n;
}

/* 30.5.3: b = 7 for PrintableString/IA5String/VisibleString unaligned; ALIGNED rounds it up to 8. */
static int char_bits(bool aligned) { return aligned ? 8 : 7; }

void uper_put_chars(struct uper_writer *w, const char *s, size_t n, long lb, long ub, bool ext)
{
    bool in_root = (long)n >= lb && (long)n <= ub;
    if (ub < lb || ub >= 65536 || (!ext && !in_root) || n >= UPER_FRAG_UNIT) {
        uper_writer_fail(w, -EINVAL);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0) { /* 7-bit codes only */
            uper_writer_fail(w, -EINVAL);
            return;
        }
    int b = char_bits(w->aligned);
    if (ext) uper_put_bool(w, !in_root);
    if (!in_root) {
        uper_put_length(w, n); /* outside the root: a general length (aligned) */
    } else {
        uper_put_constrained(w, (int64_t)n, lb, ub); /* nothing for a fixed size (30.5.6-7) */
        if ((long)ub * b > 16) uper_align(w);
    }
    for (size_t i = 0; i < n; i++) uper_put_bits(w, (uint8_t)s[i], b);
}

size_t uper_get_chars(struct uper_reader *r, char *out, size_t cap, long lb, long ub, bool ext)
{
    if (ub < lb || ub >= 65536) {
        uper_reader_fail(r, -ENOTSUP);
        return 0;
    }
    int b = char_bits(r->aligned);
    size_t n;
    if (ext && uper_get_bool(r)) {
        n = uper_get_length(r, NULL);
    } else {
        n = (size_t)uper_get_constrained(r, lb, ub);
        if ((long)ub * b > 16) uper_get_align(r);
    }
    if (!r->err && n > cap) uper_reader_fail(r, -EMSGSIZE);
    for (size_t i = 0; i < n && !r->err; i++) {
        uint64_t c = uper_get_bits(r, b);
        if (c == 0 || c > 127) uper_reader_fail(r, -EBADMSG);
        out[i] = (char)c;
    }
    return r->err ? 0 : n;
}
