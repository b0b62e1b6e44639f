/* PDCCH both directions: 38.212 7.3, 38.211 7.3.2 and 7.4.1.3, 38.213 10.1. See pdcch.h. */
#include "phy/ch/pdcch.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "phy/fec/crc.h"
#include "phy/fec/polar.h"
#include "phy/fec/polar_rm.h"
#include "phy/mod/modulation.h"
#include "phy/mod/scrambling.h"
#include "phy/seq/gold.h"

#define PDCCH_RB_SC 12
#define PDCCH_DMRS_PER_RB 3          /* k = 1, 5, 9 (38.211 7.4.1.3.2) */
#define PDCCH_MAX_DATA_RE (PDCCH_MAX_E / 2)
#define PDCCH_SYMBOLS_PER_SLOT 14    /* normal CP */

static bool al_ok(int al) { return al == 1 || al == 2 || al == 4 || al == 8 || al == 16; }

int pdcch_coreset_check(const struct pdcch_coreset *cs)
{
    if (!cs || cs->nof_rb < 6 || cs->nof_rb > PDCCH_MAX_RB || cs->nof_rb % 6 || cs->nof_symbols < 1 ||
        cs->nof_symbols > 3 || cs->crb_start < 0 || cs->start_symbol < 0 ||
        cs->start_symbol + cs->nof_symbols > PDCCH_SYMBOLS_PER_SLOT || cs->dmrs_ref_crb < 0 ||
        cs->dmrs_ref_crb > cs->crb_start)
        return -EINVAL;
    int L = cs->reg_bundle_size;
    if (!cs->interleaved)
        return L == 6 ? 0 : -EINVAL;
    /* 38.211 7.3.2.2: L in {2, 6} for one symbol, {N_symb, 6} otherwise; R in {2, 3, 6}; C an integer. */
    bool l_ok = L == 6 || (cs->nof_symbols == 1 ? L == 2 : L == cs->nof_symbols);
    int R = cs->interleaver_size;
    int n_reg = cs->nof_rb * cs->nof_symbols;
    if (!l_ok || (R != 2 && R != 3 && R != 6) || n_reg % (L * R) || cs->shift_index < 0 || cs->shift_index > 1007)
        return -EINVAL;
    return 0;
}

int pdcch_coreset0(struct pdcch_coreset *cs, int crb_start, int nof_rb, int nof_symbols, int start_symbol,
                   uint16_t pci)
{
    *cs = (struct pdcch_coreset){ .crb_start = crb_start, .nof_rb = nof_rb, .nof_symbols = nof_symbols,
                                  .start_symbol = start_symbol, .interleaved = true, .reg_bundle_size = 6,
                                  .interleaver_size = 2, .shift_index = pci, .dmrs_ref_crb = crb_start,
                                  .dmrs_n_id = pci };
    return pdcch_coreset_check(cs);
}

int pdcch_nof_cce(const struct pdcch_coreset *cs) { return cs->nof_rb * cs->nof_symbols / PDCCH_CCE_REGS; }

/* 38.211 7.3.2.2: the interleaver f(x) for REG bundle x. */
static int bundle_map(const struct pdcch_coreset *cs, int x)
{
    if (!cs->interleaved)
        return x;
    int n_bundles = cs->nof_rb * cs->nof_symbols / cs->reg_bundle_size;
    int R = cs->interleaver_size, C = n_bundles / R;
    int c = x / R, r = x % R;
    return (r * C + c + cs->shift_index) % n_bundles;
}

int pdcch_cce_rbs(const struct pdcch_coreset *cs, int first_cce, int al, uint8_t rb_used[PDCCH_MAX_RB])
{
    if (pdcch_coreset_check(cs) < 0 || !al_ok(al) || first_cce < 0 || first_cce + al > pdcch_nof_cce(cs))
        return -EINVAL;
    memset(rb_used, 0, PDCCH_MAX_RB);
    int L = cs->reg_bundle_size, bundles_per_cce = PDCCH_CCE_REGS / L;
    int rbs_per_bundle = L / cs->nof_symbols; /* REGs are numbered time first: REG i is RB i / N_symb */
    int count = 0;
    for (int j = first_cce; j < first_cce + al; j++)
        for (int b = 0; b < bundles_per_cce; b++) {
            int bundle = bundle_map(cs, j * bundles_per_cce + b);
            for (int i = 0; i < rbs_per_bundle; i++)
                if (!rb_used[bundle * rbs_per_bundle + i]++)
                    count++;
        }
    return count;
}

int pdcch_candidates(int nof_cce, int al, int nof_candidates, uint32_t y, int n_ci,
                     int first_cce[PDCCH_MAX_CANDIDATES])
{
    if (nof_cce < 0 || !al_ok(al) || nof_candidates < 0 || nof_candidates > PDCCH_MAX_CANDIDATES || n_ci < 0)
        return -EINVAL;
    int positions = nof_cce / al;
    if (positions == 0)
        return 0;
    for (int m = 0; m < nof_candidates; m++) {
        uint64_t v = (uint64_t)y + (uint64_t)m * (uint64_t)nof_cce / ((uint64_t)al * (uint64_t)nof_candidates) +
                     (uint64_t)n_ci;
        first_cce[m] = al * (int)(v % (uint64_t)positions);
    }
    return nof_candidates;
}

uint32_t pdcch_uss_y(uint16_t rnti, int coreset_id, int slot)
{
    static const uint32_t a_p[3] = { 39827, 39829, 39839 };
    uint32_t a = a_p[(unsigned)coreset_id % 3], y = rnti;
    for (int n = 0; n <= slot; n++)
        y = (a * y) % 65537u;
    return y;
}

int pdcch_crc_attach(const uint8_t *dci, int dci_len, uint16_t rnti, uint8_t *c)
{
    if (!dci || dci_len < 1 || dci_len > PDCCH_MAX_PAYLOAD)
        return -EINVAL;
    int a = dci_len < PDCCH_MIN_PAYLOAD ? PDCCH_MIN_PAYLOAD : dci_len;
    /* 38.212 7.3.2: the CRC covers 24 ones and then the payload; only the payload is sent. */
    uint8_t buf[PDCCH_CRC_BITS + PDCCH_MAX_PAYLOAD];
    memset(buf, 1, PDCCH_CRC_BITS);
    memset(buf + PDCCH_CRC_BITS, 0, (size_t)a);
    for (int i = 0; i < dci_len; i++)
        buf[PDCCH_CRC_BITS + i] = dci[i] & 1u;
    uint32_t p = crc_compute(CRC_24C, buf, (size_t)(PDCCH_CRC_BITS + a)) ^ rnti;
    memcpy(c, buf + PDCCH_CRC_BITS, (size_t)a);
    for (int i = 0; i < PDCCH_CRC_BITS; i++)
        c[a + i] = (uint8_t)((p >> (PDCCH_CRC_BITS - 1 - i)) & 1u);
    return a + PDCCH_CRC_BITS;
}

/* 38.212 7.3.3: n_max = 9, input interleaver, no parity-check bits; 7.3.4: no coded-bit interleaver. */
static int dci_polar_code(struct polar_code *code, int K, int E)
{
    struct polar_code_cfg pc = { .K = K, .E = E, .n_max = 9, .i_il = true };
    return polar_code_init(code, &pc);
}

int pdcch_channel_encode(const uint8_t *c, int K, int E, uint8_t *f)
{
    if (K < PDCCH_MIN_PAYLOAD + PDCCH_CRC_BITS || K > PDCCH_MAX_PAYLOAD + PDCCH_CRC_BITS || E > PDCCH_MAX_E)
        return -EINVAL;
    struct polar_code code;
    uint8_t d[512];
    int rc = dci_polar_code(&code, K, E);
    if (rc == 0)
        rc = polar_encode(&code, c, d);
    return rc < 0 ? rc : polar_rm_match(&code, d, f);
}

uint32_t pdcch_dmrs_c_init(int slot, int l, uint16_t n_id)
{
    uint64_t n = (uint64_t)(PDCCH_SYMBOLS_PER_SLOT * slot + l + 1);
    uint64_t v = (n * (2u * (uint64_t)n_id + 1u) << 17) + 2u * (uint64_t)n_id;
    return (uint32_t)(v & 0x7fffffffu);
}

/* r_l(m) of 38.211 7.4.1.3.1 for every RB of the CORESET in symbol l: r[3 rb + k'] for RB rb of the CORESET,
 * m counted from the reference CRB. The sequence is QPSK of the Gold bits c(2m), c(2m + 1). */
static void dmrs_symbol(const struct pdcch_coreset *cs, int slot, int l, cf_t *r)
{
    int n = PDCCH_DMRS_PER_RB * cs->nof_rb;
    uint32_t m0 = (uint32_t)(PDCCH_DMRS_PER_RB * (cs->crb_start - cs->dmrs_ref_crb));
    uint8_t c[2 * PDCCH_DMRS_PER_RB * PDCCH_MAX_RB];
    gold_sequence(pdcch_dmrs_c_init(slot, l, cs->dmrs_n_id), 2 * m0, c, (size_t)(2 * n));
    modulation_map(MODULATION_QPSK, c, (size_t)(2 * n), r);
}

static bool grid_fits(const struct pdcch_coreset *cs, const struct grid *g)
{
    return g && g->nof_symbols >= cs->start_symbol + cs->nof_symbols &&
           g->nof_subcarriers >= PDCCH_RB_SC * (cs->crb_start + cs->nof_rb);
}

/* Grid indices of the candidate's data REs in 38.211 7.3.2.5 order (k first, then l), and the CORESET RB of
 * each. Returns their number. */
static int data_res(const struct pdcch_coreset *cs, const struct grid *g, const uint8_t *rb_used, int *idx,
                    uint16_t *rb_of)
{
    int n = 0;
    for (int l = cs->start_symbol; l < cs->start_symbol + cs->nof_symbols; l++)
        for (int rb = 0; rb < cs->nof_rb; rb++) {
            if (!rb_used[rb])
                continue;
            int base = l * g->nof_subcarriers + PDCCH_RB_SC * (cs->crb_start + rb);
            for (int k = 0; k < PDCCH_RB_SC; k++) {
                if (k % 4 == 1) /* DM-RS at k = 1, 5, 9 */
                    continue;
                idx[n] = base + k;
                rb_of[n++] = (uint16_t)rb;
            }
        }
    return n;
}

static int msg_check(const struct pdcch_coreset *cs, const struct pdcch_msg *msg, const struct grid *g)
{
    if (pdcch_coreset_check(cs) < 0 || !msg || !al_ok(msg->al) || msg->first_cce < 0 ||
        msg->first_cce + msg->al > pdcch_nof_cce(cs) || !grid_fits(cs, g))
        return -EINVAL;
    return 0;
}

int pdcch_encode(const struct pdcch_coreset *cs, int slot, const struct pdcch_msg *msg, struct grid *g)
{
    if (msg_check(cs, msg, g) < 0 || slot < 0)
        return -EINVAL;
    uint8_t c[PDCCH_MAX_PAYLOAD + PDCCH_CRC_BITS], f[PDCCH_MAX_E], rb_used[PDCCH_MAX_RB];
    int K = pdcch_crc_attach(msg->dci, msg->dci_len, msg->rnti, c);
    int E = PDCCH_E_PER_CCE * msg->al;
    int rc = K < 0 ? K : pdcch_channel_encode(c, K, E, f);
    if (rc < 0)
        return rc;
    scrambling_bits(f, f, (size_t)E, scrambling_c_init_pdcch(msg->n_rnti, msg->n_id), 0);
    cf_t d[PDCCH_MAX_DATA_RE];
    modulation_map(MODULATION_QPSK, f, (size_t)E, d);

    pdcch_cce_rbs(cs, msg->first_cce, msg->al, rb_used);
    int idx[PDCCH_MAX_DATA_RE];
    uint16_t rb_of[PDCCH_MAX_DATA_RE];
    int n = data_res(cs, g, rb_used, idx, rb_of);
    for (int i = 0; i < n; i++)
        g->re[idx[i]] = d[i];

    cf_t r[PDCCH_DMRS_PER_RB * PDCCH_MAX_RB];
    for (int l = cs->start_symbol; l < cs->start_symbol + cs->nof_symbols; l++) {
        dmrs_symbol(cs, slot, l, r);
        cf_t *sym = grid_symbol(g, l) + PDCCH_RB_SC * cs->crb_start;
        for (int rb = 0; rb < cs->nof_rb; rb++)
            if (rb_used[rb])
                for (int kp = 0; kp < PDCCH_DMRS_PER_RB; kp++)
                    sym[PDCCH_RB_SC * rb + 4 * kp + 1] = r[PDCCH_DMRS_PER_RB * rb + kp];
    }
    return 0;
}

/* ---- UE side ---- */

int pdcch_rx_init(struct pdcch_rx *rx, const struct pdcch_rx_cfg *cfg)
{
    memset(rx, 0, sizeof(*rx));
    struct polar_decoder_cfg dc = { .list_size = cfg && cfg->list_size ? cfg->list_size : 8, .n_max_log2 = 9 };
    return polar_decoder_init(&rx->dec, &dc);
}

void pdcch_rx_free(struct pdcch_rx *rx) { polar_decoder_free(&rx->dec); }

/* Least-squares channel per used RB (mean of y conj(r) over its pilots in every symbol) into rx->h, and the
 * DM-RS measurements into res. */
static void estimate_channel(struct pdcch_rx *rx, const struct grid *g, const struct pdcch_coreset *cs, int slot,
                             struct pdcch_rx_result *res)
{
    cf_t r[PDCCH_DMRS_PER_RB * PDCCH_MAX_RB];
    float energy = 0, resid = 0, coherent = 0;
    int n_p = PDCCH_DMRS_PER_RB * cs->nof_symbols, n_rb = 0;
    for (int rb = 0; rb < cs->nof_rb; rb++)
        rx->h[rb] = 0;
    for (int l = cs->start_symbol; l < cs->start_symbol + cs->nof_symbols; l++) {
        dmrs_symbol(cs, slot, l, r);
        const cf_t *sym = grid_symbol(g, l) + PDCCH_RB_SC * cs->crb_start;
        for (int rb = 0; rb < cs->nof_rb; rb++)
            if (rx->rb_used[rb])
                for (int kp = 0; kp < PDCCH_DMRS_PER_RB; kp++) {
                    cf_t y = sym[PDCCH_RB_SC * rb + 4 * kp + 1];
                    rx->h[rb] += y * conjf(r[PDCCH_DMRS_PER_RB * rb + kp]);
                    energy += crealf(y * conjf(y));
                }
    }
    for (int rb = 0; rb < cs->nof_rb; rb++)
        if (rx->rb_used[rb]) {
            coherent += crealf(rx->h[rb] * conjf(rx->h[rb]));
            rx->h[rb] /= (float)n_p;
            n_rb++;
        }
    /* sum |y r* - h|^2 = sum |y|^2 - n_p |h|^2 per RB, since h is the mean of y r* (|r| = 1) */
    resid = energy - coherent / (float)n_p;
    res->epre = n_rb ? energy / (float)(n_rb * n_p) : 0.0f;
    res->dmrs_corr = energy > 0 ? coherent / ((float)n_p * energy) : 0.0f;
    res->noise_var = n_rb ? fmaxf(resid, 0.0f) / (float)(n_rb * (n_p - 1)) : 0.0f;
}

static bool search_ok(const struct pdcch_search *ss)
{
    return ss && ss->slot >= 0 && ss->dci_len >= 1 && ss->dci_len <= PDCCH_MAX_PAYLOAD && ss->rntis &&
           ss->nof_rntis > 0;
}

int pdcch_rx_decode(struct pdcch_rx *rx, const struct grid *g, const struct pdcch_coreset *cs,
                    const struct pdcch_search *ss, int al, int first_cce, struct pdcch_rx_result *res)
{
    memset(res, 0, sizeof(*res));
    struct pdcch_msg probe = { .al = al, .first_cce = first_cce };
    if (!rx || !search_ok(ss) || msg_check(cs, &probe, g) < 0)
        return -EINVAL;
    res->al = al;
    res->first_cce = first_cce;
    res->dci_len = ss->dci_len;
    pdcch_cce_rbs(cs, first_cce, al, rx->rb_used);
    estimate_channel(rx, g, cs, ss->slot, res);
    if (!(res->epre > 0) || res->dmrs_corr < ss->min_dmrs_corr)
        return 0;
    /* A floor keeps the LLRs finite on a noiseless grid. */
    float nv = fmaxf(res->noise_var, 1e-6f * res->epre);

    int idx[PDCCH_MAX_DATA_RE];
    uint16_t rb_of[PDCCH_MAX_DATA_RE];
    int n = data_res(cs, g, rx->rb_used, idx, rb_of);
    for (int i = 0; i < n; i++)
        rx->sym[i] = g->re[idx[i]] * conjf(rx->h[rb_of[i]]);
    /* QPSK max-log LLRs are linear in y, so y conj(h) with noise variance nv gives the equalised LLRs. */
    int E = 2 * n;
    modulation_demap(MODULATION_QPSK, rx->sym, (size_t)n, nv, rx->llr);
    scrambling_llr(rx->llr, (size_t)E, scrambling_c_init_pdcch(ss->n_rnti, ss->n_id), 0);

    int a = ss->dci_len < PDCCH_MIN_PAYLOAD ? PDCCH_MIN_PAYLOAD : ss->dci_len;
    struct polar_code code;
    int rc = dci_polar_code(&code, a + PDCCH_CRC_BITS, E);
    if (rc < 0)
        return rc;
    polar_rm_recover(&code, rx->llr, rx->llr_d);
    uint8_t c[PDCCH_MAX_PAYLOAD + PDCCH_CRC_BITS];
    for (int i = 0; i < ss->nof_rntis; i++) {
        struct polar_crc_check crc = { .type = CRC_24C, .n_ones_prefix = PDCCH_CRC_BITS, .xor_mask = ss->rntis[i] };
        struct polar_decoder_result dr;
        rc = polar_decode(&rx->dec, &code, rx->llr_d, &crc, c, &dr);
        if (rc < 0)
            return rc;
        if (dr.crc_ok) {
            res->rnti = ss->rntis[i];
            res->path_metric = dr.path_metric;
            memcpy(res->dci, c, (size_t)ss->dci_len);
            return 1;
        }
    }
    return 0;
}

int pdcch_rx_search(struct pdcch_rx *rx, const struct grid *g, const struct pdcch_coreset *cs,
                    const struct pdcch_search *ss, struct pdcch_rx_result *res, int max_res)
{
    if (!search_ok(ss) || pdcch_coreset_check(cs) < 0 || max_res < 0)
        return -EINVAL;
    int nof_cce = pdcch_nof_cce(cs), found = 0;
    uint8_t cce_taken[PDCCH_MAX_RB * 3 / PDCCH_CCE_REGS] = { 0 };
    for (int ai = PDCCH_NUM_AL - 1; ai >= 0 && found < max_res; ai--) {
        int al = 1 << ai, first[PDCCH_MAX_CANDIDATES];
        int n = pdcch_candidates(nof_cce, al, ss->nof_candidates[ai], ss->y, 0, first);
        if (n < 0)
            return n;
        for (int m = 0; m < n && found < max_res; m++) {
            bool skip = false;
            for (int j = 0; j < m; j++)
                skip |= first[j] == first[m];     /* the formula may give a candidate twice */
            for (int j = first[m]; j < first[m] + al; j++)
                skip |= cce_taken[j] != 0;
            if (skip)
                continue;
            int rc = pdcch_rx_decode(rx, g, cs, ss, al, first[m], &res[found]);
            if (rc < 0)
                return rc;
            if (rc == 1) {
                memset(cce_taken + first[m], 1, (size_t)al);
                found++;
            }
        }
    }
    return found;
}
