/* The receive-side reassembly buffer shared by the UM and AM entities (38.322 5.2.2.2, 5.2.3.2): a fixed number
 * of slots, each holding the byte segments received so far of one SN's SDU, with a bitmap of which bytes have
 * arrived. Segments may come in any order, overlap, or repeat; a segment carrying the SDU's last byte fixes its
 * length, and anything contradicting that length is refused as malformed.
 *
 * Memory: rlc_rx_buf_init() allocates slots * (max_sdu bytes + a bit per byte); nothing else allocates.
 * Threading: the owning entity's thread only.
 */
#ifndef GNBD_RLC_RX_BUF_H
#define GNBD_RLC_RX_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rlc_rx_sdu {
    bool used;
    bool complete;      /* every byte up to a known end has arrived (the SDU is held until delivered) */
    bool end_known;     /* the last segment has arrived: len is the SDU's size */
    uint32_t sn;
    uint32_t len;       /* when end_known */
    uint32_t high;      /* one past the highest byte received */
    uint32_t got;       /* bytes received (set bits) */
    uint8_t *data;
    uint64_t *bits;     /* received bytes */
};

struct rlc_rx_buf {
    struct rlc_rx_sdu *slot;
    uint32_t nslots, used;
    uint32_t max_sdu;
    uint8_t *data_mem;
    uint64_t *bits_mem;
};

/* What adding a segment did. */
enum rlc_rx_add {
    RLC_RX_ADD_NEW = 0,     /* at least one byte was new */
    RLC_RX_ADD_DUPLICATE,   /* every byte had already arrived (38.322 5.2.3.2.2: discard) */
};

int rlc_rx_buf_init(struct rlc_rx_buf *b, uint32_t nslots, uint32_t max_sdu);
void rlc_rx_buf_free(struct rlc_rx_buf *b);
void rlc_rx_buf_clear(struct rlc_rx_buf *b);

/* The slot holding sn, or NULL. */
struct rlc_rx_sdu *rlc_rx_buf_find(struct rlc_rx_buf *b, uint32_t sn);
/* A free slot for sn, or NULL when none is free. */
struct rlc_rx_sdu *rlc_rx_buf_alloc(struct rlc_rx_buf *b, uint32_t sn);
void rlc_rx_buf_release(struct rlc_rx_buf *b, struct rlc_rx_sdu *s);

static inline uint32_t rlc_rx_buf_free_slots(const struct rlc_rx_buf *b)
{
    return b->nslots - b->used;
}

/* Check a segment [so, so + len) (last: it ends the SDU) against what the slot knows, without changing it:
 * 0 when it may be added, -EBADMSG when it runs past max_sdu, past a known end, or puts the end somewhere else
 * than a known end or before bytes already received. */
int rlc_rx_sdu_check(const struct rlc_rx_buf *b, const struct rlc_rx_sdu *s, uint32_t so, const uint8_t *data,
                     uint32_t len, bool last);
/* Add a segment that passed rlc_rx_sdu_check(). Updates complete. */
enum rlc_rx_add rlc_rx_sdu_add(struct rlc_rx_sdu *s, uint32_t so, const uint8_t *data, uint32_t len, bool last);

/* True when a byte before the highest received byte is missing (38.322 5.2.x "at least one missing byte segment
 * ... before the last byte of all received segments"). */
bool rlc_rx_sdu_gap_before_high(const struct rlc_rx_sdu *s);

/* The first missing byte range at or after `from`: returns false when there is none; else *start and *end
 * (inclusive), *end = RLC_SO_END_LAST when the range runs to an end not yet known. */
bool rlc_rx_sdu_next_gap(const struct rlc_rx_sdu *s, uint32_t from, uint32_t *start, uint32_t *end);

/* A bit per SN (the entities' "SDU received/delivered" marks). */
static inline bool rlc_sn_bit(const uint64_t *bits, uint32_t sn)
{
    return bits[sn / 64] >> (sn % 64) & 1;
}

static inline void rlc_sn_bit_set(uint64_t *bits, uint32_t sn, bool v)
{
    if (v)
        bits[sn / 64] |= 1ull << (sn % 64);
    else
        bits[sn / 64] &= ~(1ull << (sn % 64));
}

#endif
