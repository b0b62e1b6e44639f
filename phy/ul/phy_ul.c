/* The uplink PHY processor: sample history, PRACH occasions, UL symbols. */
#include "phy/ul/phy_ul.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/prach.h"
#include "phy/fec/tbs.h"

/* One detector per msg1-FDM frequency occasion (38.211 5.3.2: n_RA moves k1 by N_RB^RA PRBs). */
static int init_prach(struct phy_ul *u)
{
    const struct phy_ul_config *c = &u->cfg;
    u->prach = calloc((size_t)c->msg1_fdm, sizeof *u->prach);
    if (!u->prach) return -ENOMEM;
    for (int f = 0; f < c->msg1_fdm; f++) {
        struct prach_detector_cfg dc = {
            .prach = {.sample_rate_hz = c->sample_rate_hz, .nof_prb = c->nof_prb, .scs_khz = c->scs_khz,
                      .format = c->prach_format, .ra_scs_khz = c->prach_ra_scs_khz,
                      .root_sequence_index = c->prach_root_sequence_index,
                      .zero_correlation_zone = c->zero_correlation_zone_config,
                      .msg1_frequency_start = c->msg1_frequency_start, .bwp_start = 0, .fdm_index = f},
            .nof_preambles = c->nof_preambles};
        int rc = prach_detector_init(&u->prach[f], &dc);
        if (rc < 0) {
            for (int g = 0; g < f; g++) prach_detector_free(&u->prach[g]);
            free(u->prach);
            u->prach = NULL;
            return rc;
        }
        u->n_prach_detectors = f + 1;
    }
    return 0;
}

/* The largest UL-SCH soft buffer any grant on this carrier can need: the whole carrier, 14 symbols, 256QAM at
 * the highest rate of 38.214 Table 5.1.3.1-2. */
static int max_soft_len(const struct phy_ul_config *c, int *tb_bytes)
{
    struct pusch_grant gr = {.modulation = MODULATION_256QAM, .crb_start = 0, .nof_rb = c->nof_prb,
                             .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0, .nof_symbols = 14,
                             .dmrs = {.config_type = 1, .type_a_position = 2, .cdm_groups_without_data = 1}};
    struct tbs_cfg t = {.n_prb = c->nof_prb, .n_symb_sh = 14, .n_dmrs_prb = pusch_n_dmrs_prb(&gr), .layers = 1,
                        .qm = 8, .r_x1024 = 948};
    int tbs = tbs_compute(&t);
    if (tbs <= 0) return -EINVAL;
    *tb_bytes = tbs / 8;
    struct pusch_tb tb = {.tbs = tbs, .r = 948.0 / 1024};
    return pusch_soft_size(&gr, &tb);
}

static int init_channels(struct phy_ul *u)
{
    const struct phy_ul_config *c = &u->cfg;
    struct pusch_rx_cfg pc = {.max_prb = c->nof_prb, .sample_rate_hz = c->sample_rate_hz, .scs_khz = c->scs_khz};
    int rc = pusch_rx_init(&u->pusch, &pc);
    if (rc < 0) return rc;
    u->pusch_ok = true;
    rc = pucch_rx_init(&u->pucch, &(struct pucch_rx_cfg){0});
    if (rc < 0) return rc;
    u->pucch_ok = true;
    u->soft_len = max_soft_len(c, &u->tb_max);
    if (u->soft_len <= 0) return -EINVAL;
    for (int i = 0; i < PHY_UL_HARQ_BUFFERS; i++) {
        u->harq[i].soft = calloc((size_t)u->soft_len, sizeof(float));
        if (!u->harq[i].soft) return -ENOMEM;
    }
    for (int i = 0; i < UL_MAX_PUSCH; i++) {
        u->tb[i] = calloc((size_t)u->tb_max, 1);
        if (!u->tb[i]) return -ENOMEM;
    }
    return 0;
}

int phy_ul_init(struct phy_ul *u, const struct phy_ul_config *cfg)
{
    memset(u, 0, sizeof *u);
    u->cfg = *cfg;
    struct ofdm_config oc = {.sample_rate_hz = cfg->sample_rate_hz, .scs_khz = cfg->scs_khz,
                             .nof_prb = cfg->nof_prb, .f0_hz = cfg->f0_hz, .direction = OFDM_DIRECTION_RX};
    int rc = ofdm_init(&u->ofdm, &oc);
    if (rc < 0) return rc;
    u->slot_samples = ofdm_slot_nof_samples(&u->ofdm, 0);
    u->history_slots = 1;
    if (cfg->prach_enabled) {
        if (cfg->history_slots < 1 || cfg->history_slots > PHY_UL_MAX_HISTORY_SLOTS || cfg->msg1_fdm < 1 ||
            cfg->msg1_fdm > UL_MAX_PRACH_FDM)
            rc = -EINVAL;
        u->history_slots = cfg->history_slots;
    }
    if (rc == 0) rc = grid_init(&u->grid, OFDM_SYMBOLS_PER_SLOT, 12 * cfg->nof_prb);
    if (rc == 0) {
        size_t n = (size_t)u->history_slots * (size_t)u->slot_samples;
        u->history = calloc(n, sizeof(cf_t));
        u->window = u->history_slots > 1 ? calloc(n, sizeof(cf_t)) : u->history;
        if (!u->history || !u->window) rc = -ENOMEM;
        u->newest = u->history_slots - 1;
        u->kept = (1u << u->history_slots) - 1; /* calloc: zeros */
    }
    if (rc == 0 && cfg->prach_enabled) rc = init_prach(u);
    if (rc == 0) rc = init_channels(u);
    if (rc < 0) phy_ul_free(u);
    return rc;
}

void phy_ul_free(struct phy_ul *u)
{
    if (u->pusch_ok) pusch_rx_free(&u->pusch);
    if (u->pucch_ok) pucch_rx_free(&u->pucch);
    u->pusch_ok = u->pucch_ok = false;
    for (int i = 0; i < PHY_UL_HARQ_BUFFERS; i++) {
        free(u->harq[i].soft);
        u->harq[i].soft = NULL;
    }
    for (int i = 0; i < UL_MAX_PUSCH; i++) {
        free(u->tb[i]);
        u->tb[i] = NULL;
    }
    for (int f = 0; f < u->n_prach_detectors; f++) prach_detector_free(&u->prach[f]);
    free(u->prach);
    u->prach = NULL;
    u->n_prach_detectors = 0;
    if (u->window != u->history) free(u->window);
    free(u->history);
    u->history = u->window = NULL;
    grid_free(&u->grid);
    ofdm_free(&u->ofdm);
}

int phy_ul_slot_samples(const struct phy_ul *u) { return u->slot_samples; }

void phy_ul_reset(struct phy_ul *u)
{
    memset(u->history, 0, (size_t)u->history_slots * (size_t)u->slot_samples * sizeof(cf_t));
    u->kept = (1u << u->history_slots) - 1; /* zeros, as good as kept */
    u->silent = 0;
    u->window_at = 0;
    for (int i = 0; i < PHY_UL_HARQ_BUFFERS; i++) u->harq[i].used = false;
}

/* Samples from the air are untrusted: one NaN or infinity would poison every correlation it enters. */
/* No NaN or Inf (exponent bits all ones). Per float, (bits & 0x7f800000) + 0x00800000 reaches bit 31 only when
 * the exponent is all ones; two floats per 64-bit word, no carry between them, no compare or branch per value:
 * plain word arithmetic the compiler can vectorise (it runs on every UL slot). */
static bool samples_finite(const cf_t *x, int n)
{
    const uint64_t exp = 0x7f8000007f800000ull, one = 0x0080000000800000ull, top = 0x8000000080000000ull;
    uint64_t acc[4] = {0, 0, 0, 0};
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        uint64_t w[4];
        memcpy(w, &x[i], sizeof w);
        for (int k = 0; k < 4; k++) acc[k] |= (w[k] & exp) + one;
    }
    for (; i < n; i++) {
        uint64_t w;
        memcpy(&w, &x[i], sizeof w);
        acc[0] |= (w & exp) + one;
    }
    return ((acc[0] | acc[1] | acc[2] | acc[3]) & top) == 0;
}

/* The history in time order, oldest slot first: the ring itself with one slot, else put together in window
 * (once per slot, only for a slot that has PRACH occasions). A slot that was not kept (nothing asked for it: the
 * MAC marks every slot an occasion covers, so only a missing request does this) enters as zeros. */
static const cf_t *history_window(struct phy_ul *u)
{
    if (u->history_slots == 1 || u->window_at == u->stats.slots) return u->window;
    size_t slot_bytes = (size_t)u->slot_samples * sizeof(cf_t);
    for (int j = 0; j < u->history_slots; j++) {
        int from = (u->newest + 1 + j) % u->history_slots;
        cf_t *to = u->window + (size_t)j * (size_t)u->slot_samples;
        if (u->kept & ~u->silent & (1u << from))
            memcpy(to, u->history + (size_t)from * (size_t)u->slot_samples, slot_bytes);
        else memset(to, 0, slot_bytes);
    }
    u->window_at = u->stats.slots;
    return u->window;
}

/* Occasions reaching back into slots that were not kept: counted (history_window reads them as zeros). */
static void count_missing(struct phy_ul *u, const struct ul_prach_occasion *o)
{
    for (int b = 1; b <= o->start_slot_offset && b < u->history_slots; b++)
        if (!(u->kept & (1u << ((u->newest - b + u->history_slots) % u->history_slots)))) u->stats.history_missing++;
}

/* One occasion: its samples start start_slot_offset slots back in the history. */
static void detect_prach(struct phy_ul *u, const struct ul_prach_occasion *o, struct ul_prach_result *r)
{
    memset(r, 0, sizeof *r);
    r->occasion = *o;
    u->stats.prach_occasions++;
    if (!u->prach || o->fdm_index < 0 || o->fdm_index >= u->n_prach_detectors || o->start_slot_offset < 0 ||
        o->start_slot_offset >= u->history_slots || o->start_sample < 0 || o->start_sample >= u->slot_samples) {
        r->n_detected = -EINVAL;
        return;
    }
    count_missing(u, o);
    bool written = false; /* any slot of the occasion's span holding samples from a buffer */
    for (int b = 0; b <= o->start_slot_offset && !written; b++)
        written = u->kept & ~u->silent & (1u << ((u->newest - b + u->history_slots) % u->history_slots));
    if (!written) { /* zeros only (a no-device radio): no preamble, nothing searched */
        u->stats.prach_silent++;
        return;
    }
    size_t from = (size_t)(u->history_slots - 1 - o->start_slot_offset) * (size_t)u->slot_samples +
                  (size_t)o->start_sample;
    size_t avail = (size_t)u->history_slots * (size_t)u->slot_samples - from;
    struct prach_detection det[UL_MAX_PRACH_DETECTIONS];
    int n = prach_detect(&u->prach[o->fdm_index], history_window(u) + from, avail, &o->time, det, UL_MAX_PRACH_DETECTIONS);
    if (n < 0) {
        r->n_detected = n;
        return;
    }
    for (int i = 0; i < n; i++)
        r->det[i] = (struct ul_prach_detection){.preamble_index = det[i].preamble_index,
                                                .delay_samples = det[i].delay_samples, .ta_us = det[i].ta_us,
                                                .power = det[i].power, .snr_db = det[i].snr_db};
    r->n_detected = n;
    u->stats.prach_detections += (uint64_t)n;
}

/* The slot's UL symbols onto the grid (38.211 5.3.1); the others stay empty. */
static int demodulate(struct phy_ul *u, const struct ul_slot_request *req, const cf_t *samples)
{
    grid_clear(&u->grid);
    if (!samples) return 0; /* a slot of zeros: so is its grid */
    int per_sf = u->ofdm.symbols_per_subframe / OFDM_SYMBOLS_PER_SLOT;
    int l0 = (req->slot_in_frame % per_sf) * OFDM_SYMBOLS_PER_SLOT;
    int slot_start = u->ofdm.symbol_start[l0];
    for (int l = 0; l < OFDM_SYMBOLS_PER_SLOT; l++) {
        if (!(req->ul_symbols & (1u << l))) continue;
        int rc = ofdm_demodulate_symbol(&u->ofdm, samples + u->ofdm.symbol_start[l0 + l] - slot_start, l0 + l,
                                        grid_symbol(&u->grid, l));
        if (rc < 0) return rc;
    }
    return 0;
}

/* The soft buffer of (rnti, harq_id) for a reception needing `len` floats: its own when it holds a transmission of
 * the same size (a retransmission combines: *combine), else a free one, else the least recently used one. */
static struct phy_ul_harq *harq_buffer(struct phy_ul *u, uint16_t rnti, int harq_id, int len, bool new_data,
                                       bool *combine)
{
    struct phy_ul_harq *own = NULL, *free_one = NULL, *lru = &u->harq[0];
    for (int i = 0; i < PHY_UL_HARQ_BUFFERS; i++) {
        struct phy_ul_harq *h = &u->harq[i];
        if (h->used && h->rnti == rnti && h->harq_id == harq_id) own = h;
        else if (!h->used && !free_one) free_one = h;
        if (h->last_use < lru->last_use) lru = h;
    }
    *combine = !new_data && own && own->len == len;
    struct phy_ul_harq *h = own ? own : free_one ? free_one : lru;
    *h = (struct phy_ul_harq){.used = true, .rnti = rnti, .harq_id = harq_id, .len = len,
                              .last_use = ++u->harq_clock, .soft = h->soft};
    return h;
}

static void receive_pusch(struct phy_ul *u, int i, const struct ul_pusch_req *q, struct ul_pusch_result *r)
{
    memset(r, 0, sizeof *r);
    r->req = *q;
    u->stats.pusch++;
    int need = pusch_soft_size(&q->grant, &q->tb);
    if (need < 0 || need > u->soft_len || q->tb.tbs / 8 > u->tb_max) {
        r->rc = need < 0 ? need : -ENOSPC;
        return;
    }
    bool combine;
    struct phy_ul_harq *h = harq_buffer(u, q->grant.rnti, q->harq_id, need, q->tb.new_data, &combine);
    struct pusch_tb tb = q->tb;
    if (!tb.new_data) {
        u->stats.harq_retx++;
        if (!combine) u->stats.harq_lost++;
    }
    tb.new_data = !combine; /* a retransmission without its earlier rvs starts from a cleared buffer */
    r->harq_combined = combine;
    r->rc = pusch_decode(&u->pusch, &u->grid, &q->grant, &tb, h->soft, u->tb[i], &r->res);
    r->tb_bytes = q->tb.tbs / 8;
    r->tb = u->tb[i];
}

static void receive_pucch(struct phy_ul *u, const struct ul_pucch_req *q, struct ul_pucch_result *r)
{
    memset(r, 0, sizeof *r);
    r->req = *q;
    u->stats.pucch++;
    switch (q->cfg.res.format) {
    case PUCCH_FORMAT_0:
        r->rc = pucch_f0_decode(&u->pucch, &u->grid, &q->cfg, q->nof_bits, q->sr_opportunity, &r->res);
        break;
    case PUCCH_FORMAT_1: r->rc = pucch_f1_decode(&u->pucch, &u->grid, &q->cfg, q->nof_bits, &r->res); break;
    case PUCCH_FORMAT_2: r->rc = pucch_f2_decode(&u->pucch, &u->grid, &q->cfg, q->nof_bits, &r->res); break;
    default: r->rc = -EINVAL; break;
    }
}

int phy_ul_process(struct phy_ul *u, const struct ul_slot_request *req, const cf_t *samples,
                   struct phy_ul_result *res)
{
    memset(res, 0, sizeof *res);
    if (req && (req->n_prach < 0 || req->n_prach > UL_MAX_PRACH_OCCASIONS || req->n_pusch < 0 ||
                req->n_pusch > UL_MAX_PUSCH || req->n_pucch < 0 || req->n_pucch > UL_MAX_PUCCH))
        return -EINVAL;
    res->slot = req ? req->slot : 0;
    u->stats.slots++;
    size_t slot_bytes = (size_t)u->slot_samples * sizeof(cf_t);
    u->newest = (u->newest + 1) % u->history_slots; /* a ring of slots: no shift per slot */
    cf_t *newest = u->history + (size_t)u->newest * (size_t)u->slot_samples;
    bool keep = !req || req->n_prach > 0 || req->prach_samples;
    if (!keep && req->n_pusch + req->n_pucch == 0) {
        /* Nothing to receive and no occasion will reach back here: the samples are not even looked at. */
        u->kept &= ~(1u << u->newest);
        u->stats.unread++;
        return 0;
    }
    u->silent &= ~(1u << u->newest);
    if (samples && !samples_finite(samples, u->slot_samples)) {
        /* Keep the history clean: the slot enters it as silence. */
        memset(newest, 0, slot_bytes);
        u->kept |= 1u << u->newest;
        res->bad_samples = true;
        u->stats.bad_slots++;
        return 0;
    }
    if (keep) {
        if (samples) memcpy(newest, samples, slot_bytes);
        else if (u->history_slots == 1) memset(newest, 0, slot_bytes); /* it is the window */
        else u->silent |= 1u << u->newest; /* zeros: history_window writes them if an occasion needs them */
        u->kept |= 1u << u->newest;
    } else {
        u->kept &= ~(1u << u->newest);
    }
    if (!req) return 0;
    for (int i = 0; i < req->n_prach; i++) detect_prach(u, &req->prach[i], &res->prach[res->n_prach++]);
    if (req->n_pusch + req->n_pucch == 0) return 0;
    int rc = demodulate(u, req, samples);
    if (rc < 0) return rc;
    for (int i = 0; i < req->n_pusch; i++) receive_pusch(u, i, &req->pusch[i], &res->pusch[res->n_pusch++]);
    for (int i = 0; i < req->n_pucch; i++) receive_pucch(u, &req->pucch[i], &res->pucch[res->n_pucch++]);
    return 0;
}
