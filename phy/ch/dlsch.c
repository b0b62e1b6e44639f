/* DL-SCH coding chain, 38.212 7.2. See dlsch.h. */
#include "phy/ch/dlsch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/ldpc_tables.h"

int dlsch_params_init(struct dlsch_params *p, const struct dlsch_cfg *cfg)
{
    if (!p || !cfg || cfg->r <= 0 || cfg->r >= 1 || cfg->n_layers < 1 || cfg->n_layers > 4 || cfg->rv < 0 ||
        cfg->rv > 3 || cfg->g <= 0 || cfg->tbs_lbrm < 0)
        return -EINVAL;
    if (cfg->qm != 1 && cfg->qm != 2 && cfg->qm != 4 && cfg->qm != 6 && cfg->qm != 8)
        return -EINVAL;
    int bg = segmentation_select_bg(cfg->tbs, cfg->r);
    if (segmentation_compute(&p->seg, cfg->tbs, bg) < 0)
        return -EINVAL;
    /* Every code block needs at least one symbol per layer (5.4.2.1 gives E_r = 0 otherwise). */
    if (cfg->g % (cfg->qm * cfg->n_layers) != 0 || cfg->g / (cfg->qm * cfg->n_layers) < p->seg.c)
        return -EINVAL;
    p->n = ldpc_n(bg, p->seg.z);
    p->n_cb = ldpc_rm_n_cb(bg, p->seg.z, cfg->tbs_lbrm, p->seg.c);
    p->cfg = *cfg;
    return 0;
}

int dlsch_rx_rm_cfg(const struct dlsch_params *p, int r, struct ldpc_rm_cfg *out)
{
    int e = ldpc_rm_e_r(p->cfg.g, p->seg.c, p->cfg.qm, p->cfg.n_layers, r);
    if (e < 0 || !out)
        return -EINVAL;
    *out = (struct ldpc_rm_cfg){ .bg = p->seg.bg, .z = p->seg.z, .k_prime = p->seg.k_prime, .n_cb = p->n_cb,
                                 .e = e, .rv = p->cfg.rv, .qm = p->cfg.qm };
    return ldpc_rm_check(out);
}

int dlsch_init(struct dlsch *x, const struct dlsch_init_cfg *cfg)
{
    struct ldpc_encoder_cfg ecfg = { .max_z = cfg ? cfg->max_z : 0 };
    int rc = ldpc_encoder_init(&x->enc, &ecfg);
    if (rc < 0)
        return rc;
    x->cb = malloc((size_t)ldpc_k(LDPC_BG1, x->enc.max_z));
    x->d = malloc((size_t)ldpc_n(LDPC_BG1, x->enc.max_z));
    if (!x->cb || !x->d) {
        dlsch_free(x);
        return -ENOMEM;
    }
    return 0;
}

void dlsch_free(struct dlsch *x)
{
    ldpc_encoder_free(&x->enc);
    free(x->cb);
    free(x->d);
    x->cb = x->d = NULL;
}

int dlsch_encode(struct dlsch *x, const struct dlsch_cfg *cfg, const uint8_t *tb, uint8_t *g)
{
    struct dlsch_params p;
    if (!tb || !g || dlsch_params_init(&p, cfg) < 0 || p.seg.z > x->enc.max_z)
        return -EINVAL;
    uint32_t tb_crc = segmentation_tb_crc(&p.seg, tb);
    int offset = 0;
    for (int r = 0; r < p.seg.c; r++) {
        struct ldpc_rm_cfg rm;
        int rc = dlsch_rx_rm_cfg(&p, r, &rm);
        if (rc < 0)
            return rc;
        segmentation_cb(&p.seg, tb, tb_crc, r, x->cb);
        /* Bit selection reads from k0 on and skips at most F fillers; past the buffer end it wraps to 0, in
         * which case the whole buffer is needed. */
        int needed = ldpc_rm_k0(rm.bg, rm.z, rm.n_cb, rm.rv) + rm.e + p.seg.f;
        rc = ldpc_encode_partial(&x->enc, p.seg.bg, p.seg.z, x->cb, x->d, needed < p.n_cb ? needed : p.n_cb);
        if (rc < 0)
            return rc;
        /* 5.5: the blocks' rate-matched outputs are appended in order. */
        rc = ldpc_rm_match(&rm, x->d, g + offset);
        if (rc < 0)
            return rc;
        offset += rm.e;
    }
    return 0;
}

int dlsch_rx_soft_reset(const struct dlsch_params *p, float *soft)
{
    for (int r = 0; r < p->seg.c; r++) {
        struct ldpc_rm_cfg rm;
        int rc = dlsch_rx_rm_cfg(p, r, &rm);
        if (rc == 0)
            rc = ldpc_rm_soft_reset(&rm, soft + (size_t)r * p->n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int dlsch_rx_combine(const struct dlsch_params *p, const float *llr_g, float *soft)
{
    int offset = 0;
    for (int r = 0; r < p->seg.c; r++) {
        struct ldpc_rm_cfg rm;
        int rc = dlsch_rx_rm_cfg(p, r, &rm);
        if (rc == 0)
            rc = ldpc_rm_recover(&rm, llr_g + offset, soft + (size_t)r * p->n);
        if (rc < 0)
            return rc;
        offset += rm.e;
    }
    return 0;
}

int dlsch_rx_tb(const struct dlsch_params *p, const uint8_t *cbs, uint8_t *tb, struct segmentation_rx_result *res)
{
    return segmentation_desegment(&p->seg, cbs, tb, res);
}

static bool dlsch_cb_crc_ok(const uint8_t *c, void *arg) { return segmentation_cb_crc_ok(arg, c); }

int dlsch_rx_decode(const struct dlsch_params *p, struct ldpc_decoder *dec, int max_iterations, const float *soft,
                    uint8_t *cbs, uint8_t *tb, struct segmentation_rx_result *res)
{
    int iterations;
    return dlsch_rx_decode_stats(p, dec, max_iterations, soft, cbs, tb, res, &iterations);
}

int dlsch_rx_decode_stats(const struct dlsch_params *p, struct ldpc_decoder *dec, int max_iterations,
                          const float *soft, uint8_t *cbs, uint8_t *tb, struct segmentation_rx_result *res,
                          int *iterations)
{
    if (!p || !dec || !soft || !cbs || !iterations)
        return -EINVAL;
    *iterations = 0;
    struct ldpc_decode_cfg cfg = { .bg = p->seg.bg, .z = p->seg.z, .max_iterations = max_iterations };
    if (p->seg.c > 1) {
        cfg.crc = dlsch_cb_crc_ok;
        cfg.crc_arg = (void *)&p->seg;
    }
    int erased = 0;
    for (int r = 0; r < p->seg.c; r++) {
        struct ldpc_decode_result dr;
        const uint8_t *c = cbs + (size_t)r * p->seg.k;
        int rc = ldpc_decode(dec, &cfg, soft + (size_t)r * p->n, p->n, cbs + (size_t)r * p->seg.k, &dr);
        if (rc < 0)
            return rc;
        *iterations = dr.iterations > *iterations ? dr.iterations : *iterations;
        /* What erased input (LLRs 0: nothing received, or an rv without systematic bits) decodes to is the all-zero
         * block, and 38.212 CRCs have no inversion: its CB and TB CRCs hold. Unless the parity checks also hold it
         * is not a decoded block. */
        if (!dr.parity_ok && !memchr(c, 1, (size_t)p->seg.k))
            erased++;
    }
    int rc = dlsch_rx_tb(p, cbs, tb, res);
    if (rc == 0 && erased) {
        res->tb_crc_ok = false;
        res->cb_crc_failed += erased;
        res->cb_crc_failed = res->cb_crc_failed > p->seg.c ? p->seg.c : res->cb_crc_failed;
    }
    return rc;
}
