/* Two-way UPER codec primitives (see per.h). */
#include "asn1/per.h"

#include <errno.h>
#include <string.h>

int per_error(const struct per *p) { return p->r ? p->r->err : p->w->err; }

void per_fail(struct per *p, int err)
{
    if (p->r)
        uper_reader_fail(p->r, err);
    else
        uper_writer_fail(p->w, err);
}

void per_bool(struct per *p, bool *v)
{
    if (p->r)
        *v = uper_get_bool(p->r);
    else
        uper_put_bool(p->w, *v);
}

void per_int(struct per *p, int *v, int lb, int ub)
{
    if (p->r)
        *v = (int)uper_get_constrained(p->r, lb, ub);
    else
        uper_put_constrained(p->w, *v, lb, ub);
}

void per_bits(struct per *p, uint64_t *v, int nbits)
{
    if (p->r)
        *v = uper_get_bitstring(p->r, NULL, nbits, nbits);
    else
        uper_put_bitstring(p->w, *v, nbits, nbits, nbits);
}

void per_int64(struct per *p, int64_t *v, int64_t lb, int64_t ub)
{
    if (p->r)
        *v = uper_get_constrained(p->r, lb, ub);
    else
        uper_put_constrained(p->w, *v, lb, ub);
}

void per_bitstring(struct per *p, uint64_t *v, int *n, int lb, int ub)
{
    if (p->r)
        *v = uper_get_bitstring(p->r, n, lb, ub);
    else
        uper_put_bitstring(p->w, *v, *n, lb, ub);
}

void per_bitstring_octets(struct per *p, uint8_t *buf, size_t cap, int *nbits, int lb, int ub, bool ext)
{
    bool out_of_root = false;
    if (!p->r && (*nbits % 8 || *nbits < lb || *nbits > ub || (size_t)*nbits / 8 > cap)) {
        per_fail(p, -EINVAL);
        return;
    }
    if (ext) per_bool(p, &out_of_root);
    if (out_of_root) { /* a general length beyond the root: not needed by any caller yet */
        per_fail(p, -ENOTSUP);
        return;
    }
    per_int(p, nbits, lb, ub); /* 16.11: the length as a constrained number (nothing when fixed) */
    if (per_error(p)) return;
    if (p->r && (*nbits % 8 || (size_t)*nbits / 8 > cap)) {
        per_fail(p, -ENOTSUP);
        return;
    }
    bool aligned_bits = !(lb == ub && ub <= 16); /* 16.9-16.11 (ALIGNED) */
    if (p->r) {
        if (aligned_bits) uper_get_align(p->r);
        uper_get_raw_octets(p->r, buf, (size_t)*nbits / 8);
    } else {
        if (aligned_bits) uper_align(p->w);
        uper_put_raw_octets(p->w, buf, (size_t)*nbits / 8);
    }
}

void per_fixed_octets(struct per *p, uint8_t *buf, size_t n)
{
    if (p->r)
        uper_get_octets(p->r, buf, n, (long)n, (long)n);
    else
        uper_put_octets(p->w, buf, n, (long)n, (long)n);
}

void per_printable(struct per *p, char *buf, size_t cap, int lb, int ub, bool ext)
{
    if (cap == 0) {
        per_fail(p, -EINVAL);
        return;
    }
    if (p->r) {
        size_t n = uper_get_chars(p->r, buf, cap - 1, lb, ub, ext);
        buf[n] = '\0';
    } else {
        uper_put_chars(p->w, buf, strnlen(buf, cap), lb, ub, ext);
    }
}

void per_enum_ext(struct per *p, int *index, int count, int n_ext)
{
    bool ext = p->r ? false : *index >= count;
    per_bool(p, &ext);
    if (!ext) {
        per_int(p, index, 0, count - 1);
        return;
    }
    if (p->r) {
        uint64_t k = uper_get_nsnn(p->r); /* 14.3: the addition's index as a normally small number */
        if (!p->r->err && k >= (uint64_t)n_ext) per_fail(p, -ENOTSUP);
        *index = per_error(p) ? 0 : count + (int)k;
    } else if (*index - count >= n_ext) {
        per_fail(p, -EINVAL);
    } else {
        uper_put_nsnn(p->w, (uint64_t)(*index - count));
    }
}

void per_enum(struct per *p, int *index, int count, bool extensible)
{
    if (p->r) {
        if (extensible && uper_get_bool(p->r)) {
            per_fail(p, -ENOTSUP); /* a value of a later release: we cannot act on it */
            return;
        }
        *index = (int)uper_get_constrained(p->r, 0, count - 1);
    } else {
        uper_put_enum(p->w, *index, count, extensible);
    }
}

void per_enum_value(struct per *p, int *v, const int *values, int count, bool extensible)
{
    int index = 0;
    if (!p->r) {
        while (index < count && values[index] != *v) index++;
        if (index == count) {
            per_fail(p, -EINVAL);
            return;
        }
    }
    per_enum(p, &index, count, extensible);
    if (p->r && !p->r->err) *v = values[index];
}

void per_ext(struct per *p, bool *ext) { per_bool(p, ext); }

void per_opt(struct per *p, bool *present) { per_bool(p, present); }

void per_opt_none(struct per *p)
{
    bool present = false;
    per_bool(p, &present);
    if (present) per_fail(p, -ENOTSUP);
}

void per_opt_sr(struct per *p, uint8_t *sr)
{
    bool present = *sr != PER_ABSENT;
    per_bool(p, &present);
    if (p->r) *sr = present ? PER_SETUP : PER_ABSENT; /* release or setup: per_setup_release() tells */
}

bool per_setup_release(struct per *p, uint8_t *sr)
{
    if (*sr == PER_ABSENT || per_error(p)) return false;
    bool setup = *sr == PER_SETUP;
    per_bool(p, &setup); /* CHOICE { release NULL, setup X }: index 0 or 1 */
    if (p->r) *sr = setup ? PER_SETUP : PER_RELEASE;
    return setup && !per_error(p);
}

void per_ext_skip(struct per *p, bool ext)
{
    if (p->r && ext) uper_skip_ext_additions(p->r);
    if (!p->r && ext) per_fail(p, -EINVAL); /* ext set but nothing sent: a bug in the caller */
}

void per_ext_additions_begin(struct per *p, struct per_ext_additions *x, bool ext, int n, bool *present)
{
    *x = (struct per_ext_additions){.n_known = n};
    if (n < 0 || n > 64) {
        per_fail(p, -EINVAL);
        return;
    }
    if (p->r) {
        for (int i = 0; i < n; i++) present[i] = false;
        if (!ext) return;
        x->n_sent = uper_get_ext_bitmap(p->r, &x->bitmap);
        for (int i = 0; i < n && i < x->n_sent; i++) present[i] = (x->bitmap >> (x->n_sent - 1 - i)) & 1u;
        return;
    }
    int last = -1;
    for (int i = 0; i < n; i++)
        if (present[i]) {
            last = i;
            x->bitmap |= 1ull << (n - 1 - i);
        }
    if ((last >= 0) != ext) {
        per_fail(p, -EINVAL);
        return;
    }
    if (!ext) return;
    x->n_sent = last + 1; /* additions after the last present one are not listed */
    x->bitmap >>= n - x->n_sent;
    uper_put_ext_bitmap(p->w, x->n_sent, x->bitmap);
}

void per_ext_additions_end(struct per *p, struct per_ext_additions *x)
{
    if (!p->r) return;
    for (int i = x->n_known; i < x->n_sent && !p->r->err; i++) /* later releases' additions */
        if ((x->bitmap >> (x->n_sent - 1 - i)) & 1u) uper_skip_octets(p->r);
}

struct per *per_nested_begin(struct per *p, struct per_nested *n, uint8_t *scratch, size_t cap)
{
    if (p->r) {
        uper_get_open_type(p->r, &n->r);
        n->p = (struct per){.r = &n->r};
    } else {
        uper_writer_init(&n->w, scratch, cap);
        n->w.aligned = p->w->aligned; /* a nested complete encoding keeps the message's variant */
        if (p->w->err) n->w.err = p->w->err;
        n->p = (struct per){.w = &n->w};
    }
    return &n->p;
}

void per_nested_end(struct per *p, struct per_nested *n)
{
    if (p->r) {
        if (n->r.err) per_fail(p, n->r.err);
        return;
    }
    uper_put_open_type(p->w, &n->w);
}

void per_choice(struct per *p, int *index, int count, bool extensible)
{
    per_enum(p, index, count, extensible); /* the same layout as an ENUMERATED index (X.691 23.6-23.8) */
}

void per_size(struct per *p, int *n, int lb, int ub, int cap)
{
    if (!p->r && *n > cap) {
        per_fail(p, -EINVAL);
        return;
    }
    if (ub < 65536) {
        per_int(p, n, lb, ub); /* 11.9.3.3 / 11.9.4.1: a constrained whole number */
    } else if (p->r) { /* 11.9.4.2: "ub" of 64K or more: a general length (the count itself) */
        *n = (int)uper_get_length(p->r, NULL);
        if (!p->r->err && (*n < lb || *n > ub)) per_fail(p, -EBADMSG);
    } else if (*n < lb || *n > ub) {
        per_fail(p, -EINVAL);
    } else {
        uper_put_length(p->w, (size_t)*n);
    }
    if (p->r && !p->r->err && *n > cap) per_fail(p, -ENOTSUP);
    if (p->r && p->r->err) *n = 0; /* callers loop over *n elements: never past their array */
}

void per_octets(struct per *p, uint8_t *buf, size_t *len, size_t cap)
{
    if (p->r)
        *len = uper_get_octets(p->r, buf, cap, 0, -1);
    else
        uper_put_octets(p->w, buf, *len, 0, -1);
}

void per_skip_octets(struct per *p)
{
    if (p->r)
        uper_skip_octets(p->r);
    else
        per_fail(p, -EINVAL); /* nothing to send: callers keep such fields absent */
}

static int encode_message(per_message_codec *codec, const void *v, uint8_t *buf, size_t cap, size_t *len,
                          bool aligned)
{
    struct uper_writer w;
    uper_writer_init(&w, buf, cap);
    w.aligned = aligned;
    struct per p = {.w = &w};
    codec(&p, (void *)v); /* encoding only reads v */
    if (!w.err && w.pos == 0) uper_put_bits(&w, 0, 8); /* 11.1: an empty encoding is one zero octet */
    *len = w.err ? 0 : uper_writer_bytes(&w);
    return w.err;
}

static int decode_message(per_message_codec *codec, void *v, size_t size, const uint8_t *buf, size_t len,
                          bool aligned)
{
    struct uper_reader r;
    memset(v, 0, size);
    uper_reader_init(&r, buf, len * 8);
    r.aligned = aligned;
    struct per p = {.r = &r};
    codec(&p, v);
    return r.err;
}

int per_encode_message(per_message_codec *codec, const void *v, uint8_t *buf, size_t cap, size_t *len)
{
    return encode_message(codec, v, buf, cap, len, false);
}

int per_decode_message(per_message_codec *codec, void *v, size_t size, const uint8_t *buf, size_t len)
{
    return decode_message(codec, v, size, buf, len, false);
}

int per_encode_message_aligned(per_message_codec *codec, const void *v, uint8_t *buf, size_t cap, size_t *len)
{
    return encode_message(codec, v, buf, cap, len, true);
}

int per_decode_message_aligned(per_message_codec *codec, void *v, size_t size, const uint8_t *buf, size_t len)
{
    return decode_message(codec, v, size, buf, len, true);
}
