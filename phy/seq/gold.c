/* Gold sequence generator, 38.211 5.2.1. See gold.h.
 *
 * Each LFSR state holds 31 consecutive bits x(n)..x(n+30) with x(n) in bit 30, so that shifting left advances
 * time and the sequence comes out MSB first. The recurrences
 *   x1(n+31) = (x1(n+3) + x1(n)) mod 2
 *   x2(n+31) = (x2(n+3) + x2(n+2) + x2(n+1) + x2(n)) mod 2
 * give 28 new bits at once, x(n+31)..x(n+58), since the furthest tap of the 28th, x(n+30), is already known.
 */
#include "phy/seq/gold.h"

#define GOLD_NC 1600u        /* 38.211 5.2.1 */
#define GOLD_STEP 28u
#define GOLD_MASK31 0x7fffffffu

/* Advances both LFSRs by k <= 28 bits and returns c(n)..c(n+k-1), MSB first in a 32-bit word. */
static inline uint32_t gold_advance(struct gold_gen *g, unsigned k)
{
    uint32_t out = (g->x1 ^ g->x2) << 1;
    uint32_t t1 = g->x1 ^ (g->x1 << 3);
    uint32_t t2 = g->x2 ^ (g->x2 << 1) ^ (g->x2 << 2) ^ (g->x2 << 3);
    /* The new bits x(n+31+i), i < k, sit in bits 30..31-k of t; move them to the bottom of the state. */
    g->x1 = ((g->x1 << k) | ((t1 & GOLD_MASK31) >> (31 - k))) & GOLD_MASK31;
    g->x2 = ((g->x2 << k) | ((t2 & GOLD_MASK31) >> (31 - k))) & GOLD_MASK31;
    return out & ~(0xffffffffu >> k);
}

void gold_gen_start(struct gold_gen *g, uint32_t c_init, uint32_t offset)
{
    g->x1 = 1u << 30;                      /* x1(0) = 1, x1(1..30) = 0 */
    g->x2 = 0;
    for (unsigned i = 0; i < 31; i++)      /* c_init = sum x2(i) 2^i */
        g->x2 |= ((c_init >> i) & 1u) << (30 - i);
    g->acc = 0;
    g->fill = 0;
    uint64_t skip = (uint64_t)GOLD_NC + offset;
    for (; skip >= GOLD_STEP; skip -= GOLD_STEP)
        gold_advance(g, GOLD_STEP);
    if (skip)
        gold_advance(g, (unsigned)skip);
}

uint32_t gold_gen_next32(struct gold_gen *g)
{
    while (g->fill < 32) {
        uint64_t bits = gold_advance(g, GOLD_STEP);
        g->acc |= (bits << 32) >> g->fill;
        g->fill += GOLD_STEP;
    }
    uint32_t word = (uint32_t)(g->acc >> 32);
    g->acc <<= 32;
    g->fill -= 32;
    return word;
}

void gold_sequence_packed(uint32_t c_init, uint32_t offset, uint32_t *out, size_t len)
{
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    size_t nwords = len / 32;
    for (size_t w = 0; w < nwords; w++)
        out[w] = gold_gen_next32(&g);
    if (len % 32)
        out[nwords] = gold_gen_next32(&g) & ~(0xffffffffu >> (len % 32));
}

void gold_sequence(uint32_t c_init, uint32_t offset, uint8_t *c, size_t len)
{
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    for (size_t i = 0; i < len; i += 32) {
        uint32_t word = gold_gen_next32(&g);
        size_t n = len - i < 32 ? len - i : 32;
        for (size_t j = 0; j < n; j++)
            c[i + j] = (uint8_t)((word >> (31 - j)) & 1u);
    }
}

/* 64 consecutive bits x(n)..x(n+63), x(n) in bit 63, of the LFSR whose 31-bit state st holds x(n)..x(n+30);
 * taps = the recurrence's terms besides x(n) (x1: x(n+3); x2: x(n+1), x(n+2), x(n+3)). */
static uint64_t gold_window(uint32_t st, unsigned taps)
{
    uint64_t s = (uint64_t)st << 33;
    for (int i = 31; i < 64; i++) {
        uint64_t bit = s >> (63 - (i - 31));
        for (unsigned k = 1; k <= 3; k++)
            if (taps >> k & 1u)
                bit ^= s >> (63 - (i - 31 + (int)k));
        s |= (bit & 1u) << (63 - i);
    }
    return s;
}

/* 64 bits x(n+o)..x(n+o+63), x(n+o) in bit 63, of the 128-bit window hi = x(n..n+63), lo = x(n+64..n+127);
 * 0 < o < 64. */
static inline uint64_t gold_at(uint64_t hi, uint64_t lo, unsigned o)
{
    return hi << o | lo >> (64 - o);
}

void gold_xor_packed(uint32_t c_init, uint32_t offset, uint32_t *words, size_t nwords)
{
    /* Squaring a polynomial over GF(2) squares each term, so the recurrences raised to the 4th power,
     *   x1(n+124) = x1(n+12) + x1(n),  x2(n+124) = x2(n+12) + x2(n+8) + x2(n+4) + x2(n),
     * give x(n+128+j) for j < 64 from x(n+4) .. x(n+79): a 128-bit window moves 64 bits per step, in a dependency
     * chain of a shift, an OR and one or two XORs. The first window comes from the 64-bit one moved twice by the
     * squared recurrences (x1(n+62) = x1(n+6) + x1(n), x2(n+62) = x2(n+6) + x2(n+4) + x2(n+2) + x2(n)), which
     * reach 58 bits ahead, 32 bits per move. */
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    uint64_t h1 = gold_window(g.x1, 1u << 3), h2 = gold_window(g.x2, 0xeu), l1 = h1, l2 = h2;
    for (int k = 0; k < 2; k++) {
        uint64_t t1 = l1 ^ (l1 << 6);                               /* bit 63 - j: x1(n + 62 + j), j < 58 */
        uint64_t t2 = l2 ^ (l2 << 2) ^ (l2 << 4) ^ (l2 << 6);
        l1 = (l1 << 32) | (t1 >> 30);
        l2 = (l2 << 32) | (t2 >> 30);
    }
    size_t w = 0;
    for (; w + 2 <= nwords; w += 2) {
        uint64_t c = h1 ^ h2;
        words[w] ^= (uint32_t)(c >> 32);
        words[w + 1] ^= (uint32_t)c;
        uint64_t n1 = gold_at(h1, l1, 16) ^ gold_at(h1, l1, 4);
        uint64_t n2 = (gold_at(h2, l2, 16) ^ gold_at(h2, l2, 12)) ^ (gold_at(h2, l2, 8) ^ gold_at(h2, l2, 4));
        h1 = l1;
        l1 = n1;
        h2 = l2;
        l2 = n2;
    }
    if (w < nwords)
        words[w] ^= (uint32_t)((h1 ^ h2) >> 32);
}
