/* Scrambling and descrambling with the Gold sequence, 38.211 5.2.1 / 6.3.1.1 / 7.3.1.1. See scrambling.h. */
#include "phy/mod/scrambling.h"

#include "phy/seq/gold.h"

void scrambling_bits(const uint8_t *in, uint8_t *out, size_t len, uint32_t c_init, uint32_t offset)
{
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    for (size_t i = 0; i < len; i += 32) {
        uint32_t c = gold_gen_next32(&g);
        size_t n = len - i < 32 ? len - i : 32;
        for (size_t j = 0; j < n; j++, c <<= 1)
            out[i + j] = (uint8_t)((in[i + j] & 1u) ^ (c >> 31));
    }
}

void scrambling_llr(float *llr, size_t len, uint32_t c_init, uint32_t offset)
{
    struct gold_gen g;
    gold_gen_start(&g, c_init, offset);
    for (size_t i = 0; i < len; i += 32) {
        uint32_t c = gold_gen_next32(&g);
        size_t n = len - i < 32 ? len - i : 32;
        /* The sign flip is done on the IEEE sign bit: it is branch-free and exact, also for 0 and inf. */
        for (size_t j = 0; j < n; j++, c <<= 1) {
            union { float f; uint32_t u; } v = { .f = llr[i + j] };
            v.u ^= c & 0x80000000u;
            llr[i + j] = v.f;
        }
    }
}

uint32_t scrambling_c_init_pdsch(uint16_t n_rnti, unsigned q, uint16_t n_id)
{
    return ((uint32_t)n_rnti << 15) + ((q & 1u) << 14) + n_id;
}

uint32_t scrambling_c_init_pusch(uint16_t n_rnti, uint16_t n_id)
{
    return ((uint32_t)n_rnti << 15) + n_id;
}

uint32_t scrambling_c_init_pdcch(uint16_t n_rnti, uint16_t n_id)
{
    return (((uint32_t)n_rnti << 16) + n_id) & 0x7fffffffu;
}
