/* CRC-aided SCL polar decoder. See polar_decoder.h.
 *
 * The code tree is that of G_N = G_2^{(x)n} without bit reversal: a node of 2^m coded bits x splits as
 * x = (v_a + v_b, v_b), so the left child sees f(x_i, x_{i+h}) and, once v_a is known, the right child sees
 * g = x_{i+h} + (1 - 2 v_a,i) x_i. Leaf phi of the tree is u_phi. */
#include "phy/fec/polar_decoder.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t align64(size_t x) { return (x + 63) & ~(size_t)63; }

int polar_decoder_init(struct polar_decoder *dec, const struct polar_decoder_cfg *cfg)
{
    memset(dec, 0, sizeof(*dec));
    if (cfg->list_size < 1 || cfg->list_size > POLAR_LIST_MAX || cfg->n_max_log2 < 5 ||
        cfg->n_max_log2 > POLAR_N_MAX_LOG2)
        return -EINVAL;
    size_t L = (size_t)cfg->list_size, N = (size_t)1 << cfg->n_max_log2;
    size_t sz_alpha = align64(L * N * sizeof(float)), sz_beta = align64(L * 2 * N), sz_ubits = align64(L * N);
    size_t sz_pl = align64(L * sizeof(float)), sz_pb = align64(L);
    size_t sz_cand = align64(2 * L * sizeof(float)) + align64(2 * L * sizeof(uint16_t)) + align64(2 * L);
    size_t sz_scratch = align64(N + POLAR_CRC_PREFIX_MAX), sz_run = align64(N * sizeof(uint16_t));
    size_t total = sz_alpha + sz_beta + sz_ubits + 2 * sz_pl + 3 * sz_pb + sz_cand + sz_scratch + sz_run;
    uint8_t *m = aligned_alloc(64, total);
    if (!m)
        return -ENOMEM;
    memset(m, 0, total);
    dec->mem = m;
    dec->list_size = cfg->list_size;
    dec->n_max_log2 = cfg->n_max_log2;
    dec->alpha = (float *)m;               m += sz_alpha;
    dec->beta = m;                         m += sz_beta;
    dec->ubits = m;                        m += sz_ubits;
    dec->pm = (float *)m;                  m += sz_pl;
    dec->lambda = (float *)m;              m += sz_pl;
    dec->y = m;                            m += sz_pb;
    dec->active = m;                       m += sz_pb;
    dec->u = m;                            m += sz_pb;
    dec->cand_pm = (float *)m;             m += align64(2 * L * sizeof(float));
    dec->cand_order = (uint16_t *)m;       m += align64(2 * L * sizeof(uint16_t));
    dec->cand_keep = m;                    m += align64(2 * L);
    dec->scratch = m;                      m += sz_scratch;
    dec->frozen_run = (uint16_t *)m;
    return 0;
}

void polar_decoder_free(struct polar_decoder *dec)
{
    free(dec->mem);
    memset(dec, 0, sizeof(*dec));
}

static float *path_alpha(struct polar_decoder *dec, int l) { return dec->alpha + ((size_t)l << dec->n_max_log2); }
static uint8_t *path_beta(struct polar_decoder *dec, int l) { return dec->beta + ((size_t)l << (dec->n_max_log2 + 1)); }
static uint8_t *path_ubits(struct polar_decoder *dec, int l) { return dec->ubits + ((size_t)l << dec->n_max_log2); }

/* The f/g kernels run over 4 floats at a time with GCC/clang vector extensions (SSE/NEON where the target has
 * them, plain C otherwise); nodes below 4 LLRs take the scalar loop. Loads and stores go through memcpy
 * because tree levels are not aligned. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static v4i v4_load(const float *p)
{
    v4i v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void v4_store(float *p, v4i v) { memcpy(p, &v, sizeof(v)); }

/* Level m (2^m LLRs) -> left child, level m - 1: min-sum f, sign(a) sign(b) min(|a|, |b|). */
static void llr_f(const float *in, float *out, int half)
{
    int i = 0;
    const v4i sign = (v4i){ 0 } + INT32_MIN, mag = ~sign;
    for (; i + 4 <= half; i += 4) {
        v4i a = v4_load(in + i), b = v4_load(in + i + half);
        v4i fa = a & mag, fb = b & mag;
        v4i a_less = (v4i)((v4f)fa < (v4f)fb);
        v4_store(out + i, (fa & a_less) | (fb & ~a_less) | ((a ^ b) & sign));
    }
    for (; i < half; i++) {
        float a = in[i], b = in[i + half];
        float fa = fabsf(a), fb = fabsf(b);
        out[i] = copysignf(fa < fb ? fa : fb, a * b);
    }
}

/* Level m -> right child, given the left child's re-encoded bits: g = b + (1 - 2 u) a. */
static void llr_g(const float *in, const uint8_t *left, float *out, int half)
{
    int i = 0;
    for (; i + 4 <= half; i += 4) {
        v4i flip = { (int32_t)((uint32_t)left[i] << 31), (int32_t)((uint32_t)left[i + 1] << 31),
                     (int32_t)((uint32_t)left[i + 2] << 31), (int32_t)((uint32_t)left[i + 3] << 31) };
        v4i a = v4_load(in + i) ^ flip;
        v4_store(out + i, (v4i)((v4f)v4_load(in + i + half) + (v4f)a));
    }
    for (; i < half; i++)
        out[i] = left[i] ? in[i + half] - in[i] : in[i + half] + in[i];
}

/* Brings path l's LLRs for the node of level m_node that starts at leaf phi up to date: a g step where the path
 * turns right, then f steps down to level m_node. Returns the node's LLRs (2^m_node of them). */
static const float *path_node_llr(struct polar_decoder *dec, int l, int n, int phi, int m_node, const float *llr_d)
{
    float *A = path_alpha(dec, l);
    const uint8_t *B = path_beta(dec, l);
    int m = n;
    if (phi > 0) {
        m = __builtin_ctz((unsigned)phi) + 1;
        const float *in = m == n ? llr_d : A + (1 << m) - 1;
        llr_g(in, B + (2 << (m - 1)) - 2, A + (1 << (m - 1)) - 1, 1 << (m - 1));
        m--;
    }
    for (; m > m_node; m--) {
        const float *in = m == n ? llr_d : A + (1 << m) - 1;
        llr_f(in, A + (1 << (m - 1)) - 1, 1 << (m - 1));
    }
    return m == n ? llr_d : A + (1 << m) - 1;
}

/* After the node of level m starting at leaf phi is decided (its re-encoded bits already in its slot of level
 * m), combines finished right subtrees into their parents' partial sums. */
static void path_combine_up(struct polar_decoder *dec, int l, int n, int phi, int m)
{
    uint8_t *B = path_beta(dec, l);
    for (m++; m < n && ((phi >> (m - 1)) & 1); m++) {
        int half = 1 << (m - 1);
        const uint8_t *src = B + (2 << (m - 1)) - 2;
        uint8_t *dst = B + (2 << m) - 2 + (((phi >> m) & 1) << m);
        int i = 0;
        for (; i + 8 <= half; i += 8) { /* 8 bits (bytes) at a time */
            uint64_t a, b;
            memcpy(&a, src + i, 8);
            memcpy(&b, src + half + i, 8);
            a ^= b;
            memcpy(dst + i, &a, 8);
        }
        for (; i < half; i++)
            dst[i] = src[i] ^ src[half + i];
        memcpy(dst + half, src + half, (size_t)half);
    }
}

static void path_set_bit(struct polar_decoder *dec, int l, int n, int phi, uint8_t u)
{
    path_beta(dec, l)[phi & 1] = u;
    path_combine_up(dec, l, n, phi, 0);
}

/* Largest level m such that the 2^m leaves from phi form one tree node and are all frozen (a rate-0 node);
 * -1 when u_phi itself is not frozen. run = number of consecutive frozen leaves from phi. */
static int rate0_level(int phi, int run, int n)
{
    if (run == 0)
        return -1;
    int m = 0;
    while (m + 1 < n && !(phi & ((2 << m) - 1)) && (2 << m) <= run)
        m++;
    return m;
}

/* A rate-0 node decides all its bits as 0. With min-sum f, the leaf-by-leaf metric of that decision is exactly
 * the sum of |LLR| over the node's negative LLRs (true for a 2-leaf node in every sign case, and by induction for
 * larger ones), so the node's subtree need not be walked. The parity-check register turns once per leaf. */
static void path_rate0_node(struct polar_decoder *dec, int l, int n, int phi, int m, const float *llr_d)
{
    const float *a = path_node_llr(dec, l, n, phi, m, llr_d);
    float pen = 0.0f;
    for (int i = 0; i < (1 << m); i++)
        pen += a[i] < 0.0f ? -a[i] : 0.0f;
    dec->pm[l] += pen;
    unsigned y = dec->y[l], r = (unsigned)((1 << m) % 5);
    dec->y[l] = (uint8_t)(((y >> r) | (y << (5 - r))) & 31u);
    memset(path_beta(dec, l) + (2 << m) - 2 + (((phi >> m) & 1) << m), 0, (size_t)1 << m);
    path_combine_up(dec, l, n, phi, m);
}

static float metric_step(float pm, float lambda, uint8_t u)
{
    return (u != (lambda < 0.0f)) ? pm + fabsf(lambda) : pm;
}

/* Copies path src into the free slot dst after leaf phi: the LLR levels below the next turning point are
 * recomputed before being read, so only levels >= ctz(phi + 1) + 1 are copied. */
static void path_clone(struct polar_decoder *dec, int src, int dst, int n, int phi, int k)
{
    int N = 1 << n;
    if (phi + 1 < N) {
        int m = __builtin_ctz((unsigned)(phi + 1)) + 1;
        if (m < n)
            memcpy(path_alpha(dec, dst) + (1 << m) - 1, path_alpha(dec, src) + (1 << m) - 1,
                   (size_t)(N - (1 << m)) * sizeof(float));
    }
    memcpy(path_beta(dec, dst), path_beta(dec, src), (size_t)(2 * N - 2));
    memcpy(path_ubits(dec, dst), path_ubits(dec, src), (size_t)k);
    dec->pm[dst] = dec->pm[src];
    dec->y[dst] = dec->y[src];
    dec->lambda[dst] = dec->lambda[src];
    dec->active[dst] = 1;
}

/* Information bit: every active path forks into u = 0 and u = 1; the L best of the candidates survive.
 * Candidate 2l + b is path l with u = b. */
static void fork_and_prune(struct polar_decoder *dec, int n, int phi, int k)
{
    int L = dec->list_size, ncand = 0;
    for (int l = 0; l < L; l++) {
        if (!dec->active[l])
            continue;
        for (int b = 0; b < 2; b++) {
            dec->cand_pm[2 * l + b] = metric_step(dec->pm[l], dec->lambda[l], (uint8_t)b);
            dec->cand_order[ncand++] = (uint16_t)(2 * l + b);
        }
    }
    for (int i = 1; i < ncand; i++) { /* insertion sort by metric: ncand <= 2L is small */
        uint16_t c = dec->cand_order[i];
        int j = i;
        for (; j > 0 && dec->cand_pm[dec->cand_order[j - 1]] > dec->cand_pm[c]; j--)
            dec->cand_order[j] = dec->cand_order[j - 1];
        dec->cand_order[j] = c;
    }
    for (int i = 0; i < 2 * L; i++)
        dec->cand_keep[i] = 0;
    for (int i = 0; i < ncand && i < L; i++)
        dec->cand_keep[dec->cand_order[i]] = 1;
    /* Free the paths with no surviving child first, so that their slots can take the clones. */
    for (int l = 0; l < L; l++)
        if (dec->active[l] && !dec->cand_keep[2 * l] && !dec->cand_keep[2 * l + 1])
            dec->active[l] = 0;
    int free_slot = 0;
    for (int l = 0; l < L; l++) {
        if (!dec->active[l] || dec->u[l] == 2)
            continue; /* u == 2 marks a clone made in this step */
        int keep0 = dec->cand_keep[2 * l], keep1 = dec->cand_keep[2 * l + 1];
        if (keep0 && keep1) {
            while (dec->active[free_slot])
                free_slot++;
            path_clone(dec, l, free_slot, n, phi, k);
            dec->u[free_slot] = 2;
            dec->pm[free_slot] = dec->cand_pm[2 * l + 1];
        }
        dec->u[l] = keep0 ? 0 : 1;
        dec->pm[l] = dec->cand_pm[2 * l + (keep0 ? 0 : 1)];
    }
    for (int l = 0; l < L; l++)
        if (dec->active[l] && dec->u[l] == 2)
            dec->u[l] = 1;
}

static bool crc_matches(const struct polar_crc_check *crc, const uint8_t *c, int K, uint8_t *scratch)
{
    int len = crc_length(crc->type);
    if (len <= 0 || len > K)
        return false;
    int A = K - len, pre = crc->n_ones_prefix;
    memset(scratch, 1, (size_t)pre);
    memcpy(scratch + pre, c, (size_t)A);
    uint32_t p = crc_compute(crc->type, scratch, (size_t)(pre + A)) ^ crc->xor_mask;
    uint32_t r = 0;
    for (int i = A; i < K; i++)
        r = (r << 1) | (c[i] & 1u);
    return p == r;
}

/* Tries the surviving paths best metric first; writes the chosen one to c. */
static void select_path(struct polar_decoder *dec, const struct polar_code *code, const struct polar_crc_check *crc,
                        uint8_t *c, struct polar_decoder_result *res)
{
    int L = dec->list_size, nact = 0;
    uint16_t *order = dec->cand_order;
    for (int l = 0; l < L; l++)
        if (dec->active[l])
            order[nact++] = (uint16_t)l;
    for (int i = 1; i < nact; i++) {
        uint16_t p = order[i];
        int j = i;
        for (; j > 0 && dec->pm[order[j - 1]] > dec->pm[p]; j--)
            order[j] = order[j - 1];
        order[j] = p;
    }
    *res = (struct polar_decoder_result){ .crc_ok = false, .list_rank = 0, .path_metric = dec->pm[order[0]] };
    for (int r = 0; crc && r < nact; r++) {
        polar_deinterleave_input(code, path_ubits(dec, order[r]), c);
        if (crc_matches(crc, c, code->K, dec->scratch)) {
            *res = (struct polar_decoder_result){ .crc_ok = true, .list_rank = r, .path_metric = dec->pm[order[r]] };
            return;
        }
    }
    polar_deinterleave_input(code, path_ubits(dec, order[0]), c);
}

/* One leaf u_phi on every path: frozen (0), parity check (the path's register) or information (fork). */
static void decode_leaf(struct polar_decoder *dec, const struct polar_code *code, const float *llr_d, int phi, int k)
{
    int n = code->n, L = dec->list_size;
    enum polar_bit_type type = (enum polar_bit_type)code->bit_type[phi];
    for (int l = 0; l < L; l++) {
        if (!dec->active[l])
            continue;
        dec->lambda[l] = path_node_llr(dec, l, n, phi, 0, llr_d)[0];
        dec->y[l] = (uint8_t)((dec->y[l] >> 1) | ((dec->y[l] & 1u) << 4)); /* 38.212 5.3.1.2 */
        dec->u[l] = type == POLAR_BIT_PC ? (dec->y[l] & 1u) : 0;
    }
    if (type == POLAR_BIT_INFO)
        fork_and_prune(dec, n, phi, k);
    for (int l = 0; l < L; l++) {
        if (!dec->active[l])
            continue;
        if (type == POLAR_BIT_INFO) {
            path_ubits(dec, l)[k] = dec->u[l];
            dec->y[l] ^= dec->u[l];
        } else {
            dec->pm[l] = metric_step(dec->pm[l], dec->lambda[l], dec->u[l]);
        }
        path_set_bit(dec, l, n, phi, dec->u[l]);
    }
}

int polar_decode(struct polar_decoder *dec, const struct polar_code *code, const float *llr_d,
                 const struct polar_crc_check *crc, uint8_t *c, struct polar_decoder_result *res)
{
    int n = code->n, N = code->N, L = dec->list_size;
    if (n > dec->n_max_log2 || n < 5 || code->K > N)
        return -EINVAL;
    if (crc && (crc->n_ones_prefix < 0 || crc->n_ones_prefix > POLAR_CRC_PREFIX_MAX ||
                crc_length(crc->type) <= 0 || crc_length(crc->type) > code->K))
        return -EINVAL;
    memset(dec->active, 0, (size_t)L);
    dec->active[0] = 1;
    dec->pm[0] = 0.0f;
    dec->y[0] = 0;
    /* Runs of frozen leaves, counted backwards, to find rate-0 nodes. */
    uint16_t *run = dec->frozen_run;
    run[N - 1] = code->bit_type[N - 1] == POLAR_BIT_FROZEN;
    for (int i = N - 2; i >= 0; i--)
        run[i] = code->bit_type[i] == POLAR_BIT_FROZEN ? (uint16_t)(run[i + 1] + 1) : 0;
    int k = 0;
    for (int phi = 0; phi < N;) {
        int m0 = rate0_level(phi, run[phi], n);
        if (m0 > 0) {
            for (int l = 0; l < L; l++)
                if (dec->active[l])
                    path_rate0_node(dec, l, n, phi, m0, llr_d);
            phi += 1 << m0;
            continue;
        }
        decode_leaf(dec, code, llr_d, phi, k);
        k += code->bit_type[phi] == POLAR_BIT_INFO;
        phi++;
    }
    select_path(dec, code, crc, c, res);
    return 0;
}
