/* UE-side PDSCH + DL-SCH reception: grant -> LLRs -> HARQ soft buffer -> LDPC -> TB. See dl_rx.h. */
#include "tests/uesim/dl_rx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/ldpc_tables.h"
#include "phy/fec/segmentation.h"

#define DL_RX_MAX_QM 8
#define DL_RX_SYMBOLS 14

/* Soft buffer (C x N) and code block (C x K) sizes a TB of up to max_tbs bits needs on either base graph (sized
 * for the first size from max_tbs up that segments evenly: any bound, not only a TBS of 38.214, may be given). */
static int dl_rx_sizes(int max_tbs, size_t *soft, size_t *cbs)
{
    *soft = *cbs = 0;
    for (int bg = 1; bg <= 2; bg++) {
        struct segmentation s;
        int t = max_tbs;
        while (segmentation_compute(&s, t, bg) < 0 && t < max_tbs + 8 * 4096 && t < SEGMENTATION_TBS_MAX)
            t += 8;
        if (segmentation_compute(&s, t, bg) < 0)
            return -EINVAL;
        size_t n = (size_t)s.c * (size_t)ldpc_n(bg, s.z), k = (size_t)s.c * (size_t)s.k;
        *soft = n > *soft ? n : *soft;
        *cbs = k > *cbs ? k : *cbs;
    }
    return 0;
}

int dl_rx_init(struct dl_rx *rx, const struct dl_rx_config *cfg)
{
    memset(rx, 0, sizeof(*rx));
    if (cfg->max_prb < 1 || cfg->max_prb > PDSCH_MAX_PRB || cfg->max_tbs < 8 || cfg->max_tbs > SEGMENTATION_TBS_MAX)
        return -EINVAL;
    if (cfg->nof_buffers < 0 || cfg->nof_buffers > DL_RX_MAX_BUFFERS)
        return -EINVAL;
    rx->cfg = *cfg;
    rx->cfg.max_tbs = (cfg->max_tbs + 7) / 8 * 8;
    if (rx->cfg.nof_buffers == 0)
        rx->cfg.nof_buffers = 1;
    if (dl_rx_sizes(rx->cfg.max_tbs, &rx->soft_cap, &rx->cbs_cap) < 0)
        return -EINVAL;
    rx->max_g = (size_t)cfg->max_prb * 12 * DL_RX_SYMBOLS * DL_RX_MAX_QM;
    int rc = pdsch_init(&rx->pdsch, &(struct pdsch_cfg){.max_prb = cfg->max_prb});
    if (rc == 0)
        rc = ldpc_decoder_init(&rx->dec, &(struct ldpc_decoder_cfg){.impl = cfg->impl});
    if (rc < 0) {
        pdsch_free(&rx->pdsch);
        memset(rx, 0, sizeof(*rx));
        return rc;
    }
    rx->llr = malloc(rx->max_g * sizeof(float));
    rx->soft = malloc((size_t)rx->cfg.nof_buffers * rx->soft_cap * sizeof(float));
    rx->cbs = malloc(rx->cbs_cap);
    rx->tb = malloc((size_t)rx->cfg.max_tbs / 8);
    if (!rx->llr || !rx->soft || !rx->cbs || !rx->tb) {
        dl_rx_free(rx);
        return -ENOMEM;
    }
    return 0;
}

void dl_rx_free(struct dl_rx *rx)
{
    free(rx->llr);
    free(rx->soft);
    free(rx->cbs);
    free(rx->tb);
    ldpc_decoder_free(&rx->dec);
    pdsch_free(&rx->pdsch);
    memset(rx, 0, sizeof(*rx));
}

static enum modulation_scheme dl_rx_modulation(int qm)
{
    return qm == 2 ? MODULATION_QPSK : qm == 4 ? MODULATION_16QAM : qm == 6 ? MODULATION_64QAM : MODULATION_256QAM;
}

int dl_rx_grant_mcs(struct pdsch_grant *gr, enum tbs_mcs_table t, int mcs, int rv, int tb_scaling,
                    struct dlsch_cfg *dc)
{
    struct tbs_mcs row;
    if (tbs_mcs_lookup(t, mcs, &row) < 0 || row.reserved || row.qm < 2 || rv < 0 || rv > 3)
        return -EINVAL;
    gr->modulation = dl_rx_modulation(row.qm);
    int mask = pdsch_dmrs_symbols(gr);
    if (mask < 0)
        return -EINVAL;
    /* 38.214 5.1.3.2: N_DMRS^PRB counts the DM-RS REs with the CDM groups without data (38.211 7.4.1.1.2). */
    int re_per_group = gr->dmrs.config_type == 1 ? 6 : 4;
    struct tbs_cfg tc = {.n_prb = gr->nof_rb, .n_symb_sh = gr->nof_symbols,
                         .n_dmrs_prb = __builtin_popcount((unsigned)mask) * re_per_group *
                                       gr->dmrs.cdm_groups_without_data,
                         .layers = gr->nof_layers, .qm = row.qm, .r_x1024 = row.r_x1024, .tb_scaling = tb_scaling};
    int tbs = tbs_compute(&tc), g = pdsch_nof_bits(gr);
    if (tbs <= 0 || g <= 0)
        return -EINVAL;
    *dc = (struct dlsch_cfg){.tbs = tbs, .r = row.r_x1024 / 1024.0, .qm = row.qm, .n_layers = gr->nof_layers,
                             .rv = rv, .g = g};
    return 0;
}

static bool dl_rx_same_tb(const struct dlsch_params *a, const struct dlsch_params *b)
{
    return a->cfg.tbs == b->cfg.tbs && a->cfg.qm == b->cfg.qm && a->cfg.n_layers == b->cfg.n_layers &&
           a->seg.bg == b->seg.bg && a->seg.c == b->seg.c && a->n_cb == b->n_cb;
}

bool dl_rx_buffer_active(const struct dl_rx *rx, int buffer)
{
    return buffer >= 0 && buffer < rx->cfg.nof_buffers && rx->buf[buffer].active;
}

int dl_rx_decode(struct dl_rx *rx, const struct grid *g, const struct pdsch_grant *gr, const struct dlsch_cfg *dc,
                 bool new_data, struct dl_rx_result *res)
{
    return dl_rx_decode_buffer(rx, 0, g, gr, dc, new_data, res);
}

int dl_rx_decode_buffer(struct dl_rx *rx, int buffer, const struct grid *g, const struct pdsch_grant *gr,
                        const struct dlsch_cfg *dc, bool new_data, struct dl_rx_result *res)
{
    memset(res, 0, sizeof(*res));
    struct dlsch_params p;
    if (buffer < 0 || buffer >= rx->cfg.nof_buffers)
        return -EINVAL;
    struct dl_rx_buf *b = &rx->buf[buffer];
    float *soft = rx->soft + (size_t)buffer * rx->soft_cap;
    if (dc->g <= 0 || (size_t)dc->g > rx->max_g || dc->tbs > rx->cfg.max_tbs || dlsch_params_init(&p, dc) < 0 ||
        (size_t)p.seg.c * (size_t)p.n > rx->soft_cap || (size_t)p.seg.c * (size_t)p.seg.k > rx->cbs_cap)
        return -EINVAL;
    struct pdsch_rx_result pr;
    int rc = pdsch_decode(&rx->pdsch, g, gr, rx->llr, (size_t)dc->g, &pr);
    if (rc < 0)
        return rc;
    res->snr_db = pr.snr_db;
    res->noise_var = pr.noise_var;
    /* 38.321 5.3.2.2: a new TB replaces the soft buffer; a retransmission of the same one is combined with it. */
    if (new_data || !b->active || !dl_rx_same_tb(&b->p, &p)) {
        dlsch_rx_soft_reset(&p, soft);
        b->combined = 0;
    }
    b->p = p;
    b->active = true;
    if (dlsch_rx_combine(&p, rx->llr, soft) < 0)
        return -EINVAL;
    res->combined = ++b->combined;
    struct segmentation_rx_result sr = {0};
    if (dlsch_rx_decode(&p, &rx->dec, DL_RX_LDPC_ITERATIONS, soft, rx->cbs, rx->tb, &sr) < 0)
        return -EINVAL;
    res->crc_ok = sr.tb_crc_ok && sr.cb_crc_failed == 0;
    res->cb_crc_failed = sr.cb_crc_failed;
    res->tb = rx->tb;
    if (res->crc_ok)
        b->active = false;
    return 0;
}
