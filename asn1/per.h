/* Two-way PER codec: one function per ASN.1 type, used for both encoding and decoding.
 *
 * A message codec is written once as a walk over its C struct: per_int(p, &v->x, 0, 15) writes v->x when p
 * encodes and reads into it when p decodes (the same for every primitive below). Encoder and decoder can then
 * never disagree on field order, optionality or constraints, which is where hand-written ASN.1 goes wrong.
 * The primitives follow X.691 through asn1/uper.h, unaligned for RRC, aligned for NGAP
 * (per_encode_message_aligned); the layout rules are those of 3GPP's ASN.1: a SEQUENCE is its extension bit
 * (when extensible), one presence bit per OPTIONAL field, the root fields, then (decoding) its extension
 * additions; a CHOICE is its extension bit and index; SEQUENCE OF its size; SetupRelease {} a CHOICE of release
 * (NULL) and setup.
 *
 * Decoding is bounds-checked throughout (see uper.h): truncated or out-of-constraint input gives -EBADMSG; a
 * valid field that the C struct does not model gives -ENOTSUP; SEQUENCE extension additions the codec does not
 * know are skipped by their open-type lengths, never rejected. Encoding a value outside its constraint gives
 * -EINVAL. Every primitive is a no-op once an error is recorded, so a codec checks per_error() once at the end.
 *
 * Threading: a struct per lives on the caller's stack; no allocation, no global state.
 */
#ifndef GNBD_ASN1_PER_H
#define GNBD_ASN1_PER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asn1/uper.h"

struct per {
    struct uper_writer *w; /* set when encoding */
    struct uper_reader *r; /* set when decoding */
};

/* A nested complete encoding: an OCTET STRING (CONTAINING X) or an extension group (open type). */
struct per_nested {
    struct per p;
    struct uper_writer w;
    struct uper_reader r;
};

/* SetupRelease {} as one value: absent (the OPTIONAL field not sent), release, or setup. */
enum per_setup_release { PER_ABSENT = 0, PER_RELEASE = 1, PER_SETUP = 2 };

static inline bool per_decoding(const struct per *p) { return p->r != NULL; }
int per_error(const struct per *p);
void per_fail(struct per *p, int err); /* records err unless an earlier error is recorded */

void per_bool(struct per *p, bool *v);
void per_int(struct per *p, int *v, int lb, int ub);
void per_bits(struct per *p, uint64_t *v, int nbits);            /* BIT STRING (SIZE (nbits)), nbits <= 64 */
/* INTEGER (lb..ub) beyond int (e.g. NGAP's AMF-UE-NGAP-ID, 0..2^40-1). */
void per_int64(struct per *p, int64_t *v, int64_t lb, int64_t ub);
/* BIT STRING (SIZE (lb..ub)), ub <= 64: *n is the length in bits, *v the bits (first bit most significant). */
void per_bitstring(struct per *p, uint64_t *v, int *n, int lb, int ub);
/* BIT STRING (SIZE (lb..ub[, ...])) longer than 64 bits, in whole octets (an IP address as NGAP's
 * TransportLayerAddress, 1..160 bits): *nbits a multiple of 8, the bits in buf[*nbits / 8]; decoding a length
 * that is not a multiple of 8, or above cap octets, gives -ENOTSUP. Lengths outside the root are refused. */
void per_bitstring_octets(struct per *p, uint8_t *buf, size_t cap, int *nbits, int lb, int ub, bool ext);
/* OCTET STRING (SIZE (n)): exactly n octets (e.g. a PLMN identity, a TAC). */
void per_fixed_octets(struct per *p, uint8_t *buf, size_t n);
/* PrintableString (SIZE (lb..ub[, ...])) into buf[cap] (NUL-terminated, so cap > ub); see uper_put_chars(). */
void per_printable(struct per *p, char *buf, size_t cap, int lb, int ub, bool ext);
/* ENUMERATED with `count` root values, an extension marker and `n_ext` extension values (NGAP's
 * RRCEstablishmentCause: notAvailable, ...): *index counts on past the root (count + k is the k-th addition).
 * An extension value beyond n_ext decodes as -ENOTSUP. */
void per_enum_ext(struct per *p, int *index, int count, int n_ext);
void per_enum(struct per *p, int *index, int count, bool extensible);
/* ENUMERATED whose root values stand for numbers: v holds the number (e.g. 10 for sl10), values[] lists them
 * in ASN.1 order; a number not in the list is -EINVAL when encoding. */
void per_enum_value(struct per *p, int *v, const int *values, int count, bool extensible);

/* SEQUENCE preamble: *ext is the extension bit (encoders set it only when they send extension additions). */
void per_ext(struct per *p, bool *ext);
void per_opt(struct per *p, bool *present);
/* An OPTIONAL field the struct does not model: sent absent; a decoder that finds it present gives -ENOTSUP. */
void per_opt_none(struct per *p);
/* The presence bit of a SetupRelease field (*sr: enum per_setup_release) and, at the field's place, its CHOICE.
 * per_setup_release() returns true when the setup value follows. */
void per_opt_sr(struct per *p, uint8_t *sr);
bool per_setup_release(struct per *p, uint8_t *sr);
/* Called after a SEQUENCE's root fields: when decoding with ext set, skips every extension addition. */
void per_ext_skip(struct per *p, bool ext);

/* Extension additions the codec knows (version groups or single additions, 0 <= n <= 64). Encoding: present[i]
 * tells which to send (the caller set ext = any of them in per_ext) and the bitmap is written; decoding with
 * ext set: the bitmap is read into present[] (additions beyond n are remembered and skipped at
 * per_ext_additions_end). Between begin and end the caller codes each present addition with per_nested_*, in
 * order. */
struct per_ext_additions {
    int n_known;
    int n_sent;           /* additions in the bitmap */
    uint64_t bitmap;
    int next;             /* next addition to code */
};
void per_ext_additions_begin(struct per *p, struct per_ext_additions *x, bool ext, int n, bool *present);
void per_ext_additions_end(struct per *p, struct per_ext_additions *x);

/* Opens a nested complete encoding: encoding writes into scratch[cap]; decoding points at the next open type /
 * OCTET STRING (CONTAINING) and reads from it. Code the content with the returned per, then close with
 * per_nested_end, which copies it out with its length (encoding) or checks it (decoding). */
struct per *per_nested_begin(struct per *p, struct per_nested *n, uint8_t *scratch, size_t cap);
void per_nested_end(struct per *p, struct per_nested *n);

/* CHOICE index among `count` root alternatives; an extension alternative when decoding gives -ENOTSUP. */
void per_choice(struct per *p, int *index, int count, bool extensible);
/* SEQUENCE (SIZE (lb..ub)) OF: the count (a constrained number; a general length when ub >= 64K, e.g. NGAP's
 * maxnoofNGConnectionsToReset = 65536); decoding more than `cap` elements gives -ENOTSUP. A count of 16K or more
 * (fragmented) is refused. */
void per_size(struct per *p, int *n, int lb, int ub, int cap);
/* OCTET STRING without size constraint into buf[cap] (decoding: a longer string gives -EMSGSIZE). */
void per_octets(struct per *p, uint8_t *buf, size_t *len, size_t cap);
/* An OCTET STRING the struct does not keep (e.g. lateNonCriticalExtension): decoding skips it. */
void per_skip_octets(struct per *p);

/* A whole message (X.691 11.1 complete encoding: padded to whole octets, at least one). `codec` walks the
 * message struct `v`. Encoding returns 0 with *len bytes in buf, or the error; decoding zeroes the struct
 * (`size` bytes) first, so fields absent from the input read as false/0. */
typedef void per_message_codec(struct per *p, void *v);
int per_encode_message(per_message_codec *codec, const void *v, uint8_t *buf, size_t cap, size_t *len);
int per_decode_message(per_message_codec *codec, void *v, size_t size, const uint8_t *buf, size_t len);
/* The same in the ALIGNED variant (APER: NGAP, 38.413 clause 9.4 asks for the basic aligned PER). */
int per_encode_message_aligned(per_message_codec *codec, const void *v, uint8_t *buf, size_t cap, size_t *len);
int per_decode_message_aligned(per_message_codec *codec, void *v, size_t size, const uint8_t *buf, size_t len);

#endif
