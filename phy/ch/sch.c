/* Shared-channel DM-RS and packed scrambling/modulation, 38.211 6.3.1.1-2, 6.4.1.1, 7.3.1.1-2, 7.4.1.1. See sch.h. */
#include "phy/ch/sch.h"

#include <math.h>
#include <string.h>

#include "phy/mod/bitpack.h"
#include "phy/mod/modulation.h"
#include "phy/seq/gold.h"

#define B(l) (1u << (l))
/* 38.211 Table 7.4.1.1.2-3 / 6.4.1.1.3-3, single-symbol DM-RS, mapping type A: the additional DM-RS symbols
 * (beyond l0) for l_d = 0..14 and dmrs-AdditionalPosition 0..3. */
static const uint16_t dmrs_additional_type_a[15][4] = {
    [8] = { 0, B(7), B(7), B(7) },
    [9] = { 0, B(7), B(7), B(7) },
    [10] = { 0, B(9), B(6) | B(9), B(6) | B(9) },
    [11] = { 0, B(9), B(6) | B(9), B(6) | B(9) },
    [12] = { 0, B(9), B(6) | B(9), B(5) | B(8) | B(11) },
    [13] = { 0, B(11), B(7) | B(11), B(5) | B(8) | B(11) },
    [14] = { 0, B(11), B(7) | B(11), B(5) | B(8) | B(11) },
};
#undef B

unsigned sch_dmrs_type_a_symbols(int l0, int l_d, int additional_position)
{
    if (l_d < 0 || l_d > 14 || additional_position < 0 || additional_position > 3 || l0 < 0 || l0 > 3)
        return 0;
    return (1u << l0) | dmrs_additional_type_a[l_d][additional_position];
}

unsigned sch_dmrs_cdm_group_res(int config_type, int g)
{
    return config_type == 1 ? 0x555u << g : 0x0c3u << (2 * g);
}

unsigned sch_dmrs_data_res(int config_type, int cdm_groups_without_data)
{
    unsigned used = 0;
    for (int g = 0; g < cdm_groups_without_data; g++)
        used |= sch_dmrs_cdm_group_res(config_type, g);
    return SCH_RB_ALL & ~used;
}

int sch_dmrs_per_rb(int config_type) { return config_type == 1 ? 6 : 4; }

uint32_t sch_dmrs_c_init(int slot, int l, uint16_t n_id, int n_scid)
{
    uint64_t n = (uint64_t)(SCH_SYMBOLS_PER_SLOT * slot + l + 1);
    uint64_t v = (n * (2u * (uint64_t)n_id + 1u) << 17) + 2u * (uint64_t)n_id + (uint64_t)(n_scid & 1);
    return (uint32_t)(v & 0x7fffffffu);
}

void sch_dmrs_sequence(uint32_t c_init, int config_type, int rb_offset, int nof_rb, float amp, uint8_t *bits,
                       cf_t *out)
{
    int per_rb = sch_dmrs_per_rb(config_type), n = per_rb * nof_rb;
    gold_sequence(c_init, 2u * (uint32_t)(per_rb * rb_offset), bits, (size_t)(2 * n));
    modulation_map(MODULATION_QPSK, bits, (size_t)(2 * n), out);
    if (amp != 1.0f)
        for (int i = 0; i < n; i++)
            out[i] *= amp;
}

void sch_mod_table_init(struct sch_mod_table *t)
{
    static const enum modulation_scheme qam[4] = { MODULATION_QPSK, MODULATION_16QAM, MODULATION_64QAM,
                                                   MODULATION_256QAM };
    for (int m = 0; m < 4; m++) {
        int qm = 2 * (m + 1);
        for (unsigned label = 0; label < (1u << qm); label++) {
            uint8_t b[8];
            for (int j = 0; j < qm; j++)
                b[j] = (uint8_t)((label >> (qm - 1 - j)) & 1u);
            modulation_map(qam[m], b, (size_t)qm, &t->lut[m][label]);
        }
    }
}

void sch_scramble_pack(const uint8_t *cw, size_t nbits, uint32_t c_init, uint32_t *out)
{
    size_t nwords = (nbits + 31) / 32;
    if (nwords == 0)
        return;
    /* Packed MSB first into the words' bytes, then each word read big-endian and scrambled 32 bits at a time. */
    out[nwords - 1] = 0;
    bitpack_pack(cw, nbits, (uint8_t *)out);
    for (size_t w = 0; w < nwords; w++)
        out[w] = __builtin_bswap32(out[w]);
    gold_xor_packed(c_init, 0, out, nwords);
}

void sch_mod_stream_start(struct sch_mod_stream *s, const struct sch_mod_table *t, int qm, const uint32_t *words)
{
    *s = (struct sch_mod_stream){ .w = words, .lut = t->lut[qm / 2 - 1], .qm = qm };
}

/* Whole groups of words with no bits pending: 96 bits (16 symbols) for Qm = 6, one word (32 / Qm symbols)
 * otherwise, every shift a constant after unrolling and no refill test per symbol. Returns the symbols done. */
/* out = lut[idx] as one 8-byte move (a cf_t assignment is two float loads and stores). */
static inline void mod_put(cf_t *out, const cf_t *lut, uint64_t idx)
{
    memcpy(out, &lut[idx], sizeof *out);
}

/* Whole words of Qm = 2, 4 or 8 (32 / Qm symbols each), the shifts constants after unrolling. */
static inline __attribute__((always_inline)) size_t mod_words(const cf_t *lut, const uint32_t **wp, size_t nsym,
                                                              cf_t *out, const int qm)
{
    const int per = 32 / qm;
    const uint32_t mask = (1u << qm) - 1, *w = *wp;
    size_t i = 0;
    for (; i + (size_t)per <= nsym; i += (size_t)per, w++)
#pragma GCC unroll 16
        for (int k = 0; k < per; k++)
            mod_put(out + i + k, lut, (*w >> (32 - qm * (k + 1))) & mask);
    *wp = w;
    return i;
}

static size_t mod_stream_groups(struct sch_mod_stream *s, size_t nsym, cf_t *out)
{
    const cf_t *lut = s->lut;
    const uint32_t *w = s->w;
    size_t i = 0;
    switch (s->qm) {
    case 6:
        for (; i + 16 <= nsym; i += 16, w += 3) {
            uint64_t a = (uint64_t)w[0] << 32 | w[1];
            uint64_t b = (a & 0xfu) << 32 | w[2];
#pragma GCC unroll 10
            for (int k = 0; k < 10; k++)
                mod_put(out + i + k, lut, (a >> (58 - 6 * k)) & 63u);
#pragma GCC unroll 6
            for (int k = 0; k < 6; k++)
                mod_put(out + i + 10 + k, lut, (b >> (30 - 6 * k)) & 63u);
        }
        break;
    case 2: i = mod_words(lut, &w, nsym, out, 2); break;
    case 4: i = mod_words(lut, &w, nsym, out, 4); break;
    case 8: i = mod_words(lut, &w, nsym, out, 8); break;
    default:
        break;
    }
    s->w = w;
    return i;
}

void sch_mod_stream_run(struct sch_mod_stream *s, size_t nsym, cf_t *out)
{
    uint64_t acc = s->acc;
    int nacc = s->nacc, qm = s->qm;
    for (size_t i = 0; i < nsym; i++) {
        if (nacc == 0) {
            /* On a word boundary with nothing pending (for Qm = 6 also a 96-bit boundary): the fast groups. */
            i += mod_stream_groups(s, nsym - i, out + i);
            if (i == nsym)
                break;
        }
        if (nacc < qm) {
            acc |= (uint64_t)*s->w++ << (32 - nacc);
            nacc += 32;
        }
        out[i] = s->lut[acc >> (64 - qm)];
        acc <<= qm;
        nacc -= qm;
    }
    s->acc = acc;
    s->nacc = nacc;
}

void sch_map(const struct sch_map_ws *ws, const struct sch_map_cfg *c, const uint8_t *cw, size_t nbits,
             struct grid *g)
{
    sch_scramble_pack(cw, nbits, c->c_init, ws->packed);
    sch_map_packed(ws, c, g);
}

void sch_map_packed(const struct sch_map_ws *ws, const struct sch_map_cfg *c, struct grid *g)
{
    struct sch_mod_stream ms;
    sch_mod_stream_start(&ms, ws->mod, c->qm, ws->packed);
    unsigned data_res = sch_dmrs_data_res(c->config_type, c->cdm_groups_without_data);
    unsigned port_res = sch_dmrs_cdm_group_res(c->config_type, 0);
    float beta = sqrtf((float)c->cdm_groups_without_data);
    size_t rb_len = (size_t)SCH_RB_SC * (size_t)c->nof_rb;
    for (int l = c->start_symbol; l < c->start_symbol + c->nof_symbols; l++) {
        cf_t *re = grid_symbol(g, l) + SCH_RB_SC * c->crb_start;
        if (!(c->dmrs_mask >> l & 1u)) {
            sch_mod_stream_run(&ms, rb_len, re);
            continue;
        }
        sch_mod_stream_run(&ms, (size_t)(c->nof_rb * __builtin_popcount(data_res)), ws->sym);
        sch_dmrs_sequence(sch_dmrs_c_init(c->slot, l, c->dmrs_n_id, c->n_scid), c->config_type, c->dmrs_rb_offset,
                          c->nof_rb, beta, ws->dmrs_bits, ws->dmrs);
        const cf_t *r = ws->dmrs, *d = ws->sym;
        for (int rb = 0; rb < c->nof_rb; rb++, re += SCH_RB_SC)
            for (int k = 0; k < SCH_RB_SC; k++)
                re[k] = port_res >> k & 1u ? *r++ : data_res >> k & 1u ? *d++ : 0;
    }
}
