/* Receive reassembly slots: data bytes plus a received-byte bitmap per slot, allocated once. */
#include "rlc/rlc_rx_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rlc/rlc.h"

static size_t words_per_slot(uint32_t max_sdu)
{
    return ((size_t)max_sdu + 63) / 64;
}

int rlc_rx_buf_init(struct rlc_rx_buf *b, uint32_t nslots, uint32_t max_sdu)
{
    memset(b, 0, sizeof *b);
    if (nslots == 0 || max_sdu == 0 || max_sdu > RLC_MAX_SDU_BYTES) return -EINVAL;
    size_t w = words_per_slot(max_sdu);
    b->slot = calloc(nslots, sizeof *b->slot);
    b->data_mem = malloc((size_t)nslots * max_sdu);
    b->bits_mem = calloc((size_t)nslots * w, sizeof(uint64_t));
    if (!b->slot || !b->data_mem || !b->bits_mem) {
        rlc_rx_buf_free(b);
        return -ENOMEM;
    }
    b->nslots = nslots;
    b->max_sdu = max_sdu;
    for (uint32_t i = 0; i < nslots; i++) {
        b->slot[i].data = b->data_mem + (size_t)i * max_sdu;
        b->slot[i].bits = b->bits_mem + (size_t)i * w;
    }
    return 0;
}

void rlc_rx_buf_free(struct rlc_rx_buf *b)
{
    free(b->slot);
    free(b->data_mem);
    free(b->bits_mem);
    memset(b, 0, sizeof *b);
}

void rlc_rx_buf_clear(struct rlc_rx_buf *b)
{
    for (uint32_t i = 0; i < b->nslots; i++)
        if (b->slot[i].used) rlc_rx_buf_release(b, &b->slot[i]);
}

struct rlc_rx_sdu *rlc_rx_buf_find(struct rlc_rx_buf *b, uint32_t sn)
{
    if (b->used == 0) return NULL;
    for (uint32_t i = 0; i < b->nslots; i++)
        if (b->slot[i].used && b->slot[i].sn == sn) return &b->slot[i];
    return NULL;
}

struct rlc_rx_sdu *rlc_rx_buf_alloc(struct rlc_rx_buf *b, uint32_t sn)
{
    for (uint32_t i = 0; i < b->nslots; i++) {
        struct rlc_rx_sdu *s = &b->slot[i];
        if (s->used) continue;
        s->used = true;
        s->complete = s->end_known = false;
        s->sn = sn;
        s->len = s->high = s->got = 0;
        b->used++;
        return s;
    }
    return NULL;
}

void rlc_rx_buf_release(struct rlc_rx_buf *b, struct rlc_rx_sdu *s)
{
    if (!s->used) return;
    /* clear only the words the SDU touched */
    memset(s->bits, 0, ((size_t)s->high + 63) / 64 * sizeof(uint64_t));
    s->used = false;
    b->used--;
}

int rlc_rx_sdu_check(const struct rlc_rx_buf *b, const struct rlc_rx_sdu *s, uint32_t so, const uint8_t *data,
                     uint32_t len, bool last)
{
    (void)data;
    uint64_t end = (uint64_t)so + len;
    if (len == 0 || end > b->max_sdu) return -EBADMSG;
    if (s->end_known && (end > s->len || (last && end != s->len))) return -EBADMSG;
    if (!s->end_known && last && end < s->high) return -EBADMSG;
    return 0;
}

/* Mark [a, b) received; returns how many bits were new. */
static uint32_t set_range(uint64_t *bits, uint32_t a, uint32_t b)
{
    uint32_t fresh = 0;
    while (a < b) {
        uint32_t w = a / 64, lo = a % 64, hi = (b - w * 64) < 64 ? b - w * 64 : 64;
        uint64_t mask = (hi == 64 ? ~0ull : (1ull << hi) - 1) & ~((1ull << lo) - 1);
        fresh += (uint32_t)__builtin_popcountll(mask & ~bits[w]);
        bits[w] |= mask;
        a = w * 64 + hi;
    }
    return fresh;
}

/* First index in [a, b) whose bit equals `want`, or b. */
static uint32_t find_bit(const uint64_t *bits, uint32_t a, uint32_t b, bool want)
{
    while (a < b) {
        uint32_t w = a / 64, lo = a % 64;
        uint64_t v = (want ? bits[w] : ~bits[w]) & ~((1ull << lo) - 1);
        if (v) {
            uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(v);
            return i < b ? i : b;
        }
        a = (w + 1) * 64;
    }
    return b;
}

enum rlc_rx_add rlc_rx_sdu_add(struct rlc_rx_sdu *s, uint32_t so, const uint8_t *data, uint32_t len, bool last)
{
    uint32_t end = so + len;
    uint32_t fresh = set_range(s->bits, so, end);
    memcpy(s->data + so, data, len);
    if (end > s->high) s->high = end;
    if (last) {
        s->end_known = true;
        s->len = end;
    }
    s->got += fresh;
    s->complete = s->end_known && s->got == s->len;
    return fresh ? RLC_RX_ADD_NEW : RLC_RX_ADD_DUPLICATE;
}

bool rlc_rx_sdu_gap_before_high(const struct rlc_rx_sdu *s)
{
    return s->got < s->high;
}

bool rlc_rx_sdu_next_gap(const struct rlc_rx_sdu *s, uint32_t from, uint32_t *start, uint32_t *end)
{
    uint32_t limit = s->end_known ? s->len : s->high;
    uint32_t a = find_bit(s->bits, from, limit, false);
    if (a < limit) {
        *start = a;
        *end = find_bit(s->bits, a, limit, true) - 1;
        return true;
    }
    if (s->end_known) return false;
    *start = from > s->high ? from : s->high;
    *end = RLC_SO_END_LAST;
    return true;
}
