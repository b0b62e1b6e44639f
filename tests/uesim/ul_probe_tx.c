/* uesim's UL probe transmitter (see ul_probe_tx.h). */
#include "tests/uesim/ul_probe_tx.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phy/fec/tbs.h"
#include "phy/geometry/bands.h"

#define UL_PROBE_SYMBOLS 14
#define UL_PROBE_SFN_CYCLE 1024

int ul_probe_cell_from_sib1(struct ul_probe_cell *c, const struct rrc_sib1 *sib1, bool unpaired, int pci,
                            int scs_khz, int nof_prb, int dmrs_type_a_position, double dl_hz, char *why,
                            size_t len)
{
    const struct rrc_serving_cell_config_common_sib *scc = &sib1->serving_cell_config_common;
    *c = (struct ul_probe_cell){.pci = pci, .nof_prb = nof_prb, .scs_khz = scs_khz,
                                .dmrs_type_a_position = dmrs_type_a_position};
    if (!sib1->has_serving_cell_config_common || !scc->has_ul) {
        snprintf(why, len, "SIB1 has no UplinkConfigCommonSIB");
        return -EINVAL;
    }
    const struct rrc_ul_config_common_sib *ul = &scc->ul;
    const struct rrc_scs_carrier *car = NULL;
    for (int i = 0; i < ul->nof_scs && i < RRC_MAX_SCS; i++)
        if (ul->scs[i].scs_khz == scs_khz)
            car = &ul->scs[i];
    if (!car || car->carrier_bandwidth != nof_prb) {
        snprintf(why, len, "SIB1 has no %d-PRB UL carrier at %d kHz", nof_prb, scs_khz);
        return -EINVAL;
    }
    int64_t scs_hz = (int64_t)scs_khz * 1000;
    if (unpaired) {
        c->f0_hz = dl_hz;   /* TDD: one carrier for both links */
    } else if (!ul->has_point_a) {
        snprintf(why, len, "FDD SIB1 without FrequencyInfoUL absoluteFrequencyPointA");
        return -EINVAL;
    } else {
        /* 38.211 4.4.4.2 / 5.3.1: point A is subcarrier 0 of CRB 0; the carrier starts offsetToCarrier RBs
         * above it and its centre (baseband DC) is 6 N_RB subcarriers further. */
        int64_t a_hz = band_arfcn_to_hz((uint32_t)ul->absolute_frequency_point_a);
        c->f0_hz = (double)(a_hz + (12LL * car->offset_to_carrier + 6LL * nof_prb) * scs_hz);
    }
    c->tdd = scc->has_tdd;
    if (c->tdd) {
        /* 38.213 11.1: pattern 1's slots count in referenceSubcarrierSpacing; the last ul_slots of the period
         * are wholly UL. */
        const struct rrc_tdd_config_common *t = &scc->tdd;
        int ref = t->ref_scs_khz > 0 ? t->ref_scs_khz : scs_khz, ratio = scs_khz / ref;
        long slots_x1000 = (long)t->pattern1.period_us * (scs_khz / 15);
        if (ratio < 1 || scs_khz % ref != 0 || slots_x1000 % 1000 != 0 || slots_x1000 == 0) {
            snprintf(why, len, "TDD period of %d us at %d kHz (reference %d kHz)", t->pattern1.period_us, scs_khz,
                     ref);
            return -EINVAL;
        }
        c->tdd_period_slots = (int)(slots_x1000 / 1000);
        c->tdd_ul_slots = t->pattern1.ul_slots * ratio;
    }
    return 0;
}

int ul_probe_tx_init(struct ul_probe_tx *p, const struct ul_probe_params *prm, double srate, int delay_samples,
                     struct ul_tx *ul)
{
    memset(p, 0, sizeof *p);
    p->prm = *prm;
    p->srate = srate;
    p->delay_samples = delay_samples;
    p->ul = ul;
    p->last_planned = -1;
    return 0;
}

void ul_probe_tx_free(struct ul_probe_tx *p)
{
    if (p->pusch_ok)
        pusch_tx_free(&p->pusch);
    if (p->dlsch_ok)
        dlsch_free(&p->dlsch);
    if (p->ofdm_ok)
        ofdm_free(&p->ofdm);
    grid_free(&p->grid);
    free(p->tb);
    free(p->cw);
    free(p->samples);
    p->tb = p->cw = NULL;
    p->samples = NULL;
    p->pusch_ok = p->dlsch_ok = p->ofdm_ok = p->armed = false;
}

void ul_probe_tx_set_end(struct ul_probe_tx *p, int64_t end)
{
    p->end = end;
}

bool ul_probe_is_slot(const struct ul_probe_params *p, uint64_t n)
{
    return p->period > 0 && n % (uint64_t)p->period == (uint64_t)p->offset;
}

/* In TDD every probe slot must be wholly UL (pattern periods divide the frame, so one period of both suffices). */
static int check_tdd(const struct ul_probe_tx *p, char *why, size_t len)
{
    const struct ul_probe_cell *c = &p->cell;
    if (!c->tdd)
        return 0;
    for (int64_t n = p->prm.offset; n < p->prm.offset + (int64_t)p->prm.period * c->tdd_period_slots;
         n += p->prm.period)
        if (n % c->tdd_period_slots < c->tdd_period_slots - c->tdd_ul_slots) {
            snprintf(why, len, "probe slot %lld (slot %lld of the TDD period) is not wholly UL (the last %d of %d "
                     "slots are)", (long long)n, (long long)(n % c->tdd_period_slots), c->tdd_ul_slots,
                     c->tdd_period_slots);
            return -EINVAL;
        }
    return 0;
}

/* The PUSCH grant, TBS and UL-SCH coding of the contract. */
static int setup_pusch(struct ul_probe_tx *p, char *why, size_t len)
{
    static const enum modulation_scheme by_qm[9] = {[2] = MODULATION_QPSK, [4] = MODULATION_16QAM,
                                                    [6] = MODULATION_64QAM, [8] = MODULATION_256QAM};
    const struct ul_probe_cell *c = &p->cell;
    const struct ul_probe_params *m = &p->prm;
    struct tbs_mcs row;
    if (m->pusch_prb + m->pusch_nprb > c->nof_prb) {
        snprintf(why, len, "PUSCH PRBs %d+%d outside the %d-PRB carrier", m->pusch_prb, m->pusch_nprb, c->nof_prb);
        return -EINVAL;
    }
    if (tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, m->mcs, &row) < 0 || row.reserved)
        return -EINVAL;
    p->gr = (struct pusch_grant){
        .rnti = (uint16_t)m->rnti, .n_id = (uint16_t)c->pci, .modulation = by_qm[row.qm],
        .crb_start = m->pusch_prb, .nof_rb = m->pusch_nprb, .mapping = PUSCH_MAPPING_TYPE_A, .start_symbol = 0,
        .nof_symbols = UL_PROBE_SYMBOLS,
        .dmrs = {.config_type = 1, .type_a_position = c->dmrs_type_a_position, .additional_position = 1,
                 .cdm_groups_without_data = 2, .n_id = (uint16_t)c->pci, .n_scid = 0}};
    int g = pusch_nof_bits(&p->gr);
    struct tbs_cfg tc = {.n_prb = m->pusch_nprb, .n_symb_sh = UL_PROBE_SYMBOLS, .n_dmrs_prb = pusch_n_dmrs_prb(&p->gr),
                         .layers = 1, .qm = row.qm, .r_x1024 = row.r_x1024};
    p->tbs = tbs_compute(&tc);
    p->dc = (struct dlsch_cfg){.tbs = p->tbs, .r = row.r_x1024 / 1024.0, .qm = row.qm, .n_layers = 1, .g = g};
    struct dlsch_params dp;
    if (g <= 0 || p->tbs <= 0 || dlsch_params_init(&dp, &p->dc) < 0) {
        snprintf(why, len, "no PUSCH of MCS %d on %d PRB (G %d, TBS %d)", m->mcs, m->pusch_nprb, g, p->tbs);
        return -EINVAL;
    }
    p->tb = malloc((size_t)p->tbs / 8);
    p->cw = malloc((size_t)g);
    if (!p->tb || !p->cw)
        return -ENOMEM;
    if (pusch_tx_init(&p->pusch, c->nof_prb) < 0)
        return -ENOMEM;
    p->pusch_ok = true;
    if (dlsch_init(&p->dlsch, &(struct dlsch_init_cfg){0}) < 0)
        return -ENOMEM;
    p->dlsch_ok = true;
    return 0;
}

/* The PUCCH resource of the contract; *first / *nprb its PRBs. */
static int setup_pucch(struct ul_probe_tx *p, int *first, int *nprb, char *why, size_t len)
{
    const struct ul_probe_cell *c = &p->cell;
    int prb = p->prm.pucch_prb < 0 ? c->nof_prb - 1 : p->prm.pucch_prb;
    bool f2 = p->prm.pucch == 2;
    *first = f2 && prb == c->nof_prb - 1 ? prb - 1 : prb;
    *nprb = f2 ? 2 : 1;
    struct pucch_resource r = {.format = (enum pucch_format)p->prm.pucch, .start_prb = *first, .nof_prb = *nprb,
                               .start_symbol = p->prm.pucch == 1 ? 0 : 12,
                               .nof_symbols = p->prm.pucch == 1 ? UL_PROBE_SYMBOLS : 2};
    p->pc = (struct pucch_config){.res = r, .bwp_start = 0, .bwp_size = c->nof_prb, .n_id = (uint16_t)c->pci,
                                  .n_id_data = (uint16_t)c->pci, .n_id_dmrs = (uint16_t)c->pci,
                                  .rnti = (uint16_t)p->prm.rnti};
    if (prb >= c->nof_prb || *first < 0 || pucch_check(&p->pc, &p->grid) < 0 ||
        (f2 && pucch_f2_nof_bits(&r) < p->prm.pucch_bits)) {
        snprintf(why, len, "no PUCCH format %d at PRB %d of a %d-PRB carrier", p->prm.pucch, prb, c->nof_prb);
        return -EINVAL;
    }
    return 0;
}

int ul_probe_tx_arm(struct ul_probe_tx *p, const struct ul_probe_cell *cell, char *why, size_t len)
{
    if (p->armed)
        return 0;
    p->cell = *cell;
    p->mu = cell->scs_khz == 15 ? 0 : cell->scs_khz == 30 ? 1 : cell->scs_khz == 60 ? 2 : -1;
    if (p->mu < 0) {
        snprintf(why, len, "SCS %d kHz", cell->scs_khz);
        return -EINVAL;
    }
    p->slots_per_frame = 10 << p->mu;
    int rc = check_tdd(p, why, len);
    if (rc < 0)
        return rc;
    if (grid_init(&p->grid, UL_PROBE_SYMBOLS, 12 * cell->nof_prb) < 0)
        return -ENOMEM;
    if (p->prm.pusch_nprb > 0 && (rc = setup_pusch(p, why, len)) < 0)
        return rc;
    int first = 0, nprb = 0;
    if (p->prm.pucch != UL_PROBE_PUCCH_OFF && (rc = setup_pucch(p, &first, &nprb, why, len)) < 0)
        return rc;
    if (nprb > 0 && p->prm.pusch_nprb > 0 && first < p->prm.pusch_prb + p->prm.pusch_nprb &&
        p->prm.pusch_prb < first + nprb) {
        snprintf(why, len, "PUCCH PRBs %d+%d overlap the PUSCH's %d+%d", first, nprb, p->prm.pusch_prb,
                 p->prm.pusch_nprb);
        return -EINVAL;
    }
    struct ofdm_config oc = {.sample_rate_hz = p->srate, .scs_khz = cell->scs_khz, .nof_prb = cell->nof_prb,
                             .f0_hz = cell->f0_hz, .direction = OFDM_DIRECTION_TX};
    if (ofdm_init(&p->ofdm, &oc) < 0) {
        snprintf(why, len, "cannot modulate %d PRB at %d kHz and %.6g Hz", cell->nof_prb, cell->scs_khz, p->srate);
        return -EINVAL;
    }
    p->ofdm_ok = true;
    int most = 0;
    for (int s = 0; s < (1 << p->mu); s++)
        if (ofdm_slot_nof_samples(&p->ofdm, s) > most)
            most = ofdm_slot_nof_samples(&p->ofdm, s);
    p->samples = malloc((size_t)most * sizeof(cf_t));
    if (!p->samples)
        return -ENOMEM;
    p->armed = true;
    return 0;
}

int ul_probe_tx_make_slot(struct ul_probe_tx *p, uint64_t n, const cf_t **samples, uint8_t *bits, int *nbits)
{
    if (!p->armed)
        return -EINVAL;
    int slot = (int)(n % (uint64_t)p->slots_per_frame);
    grid_clear(&p->grid);
    if (p->prm.pusch_nprb > 0) {
        for (int i = 0; i < p->tbs / 8; i++)
            p->tb[i] = (uint8_t)((uint32_t)i * 31u + (uint32_t)n * 7u);
        p->gr.slot = slot;
        if (dlsch_encode(&p->dlsch, &p->dc, p->tb, p->cw) < 0 ||
            pusch_encode(&p->pusch, &p->gr, p->cw, (size_t)p->dc.g, &p->grid) < 0)
            return -EINVAL;
    }
    *nbits = p->prm.pucch == UL_PROBE_PUCCH_OFF ? 0 : p->prm.pucch == 2 ? p->prm.pucch_bits : 1;
    for (int j = 0; j < *nbits; j++)
        bits[j] = (uint8_t)((n >> j) & 1u);
    p->pc.slot = slot;
    int rc = p->prm.pucch == 0   ? pucch_f0_encode(&p->pc, bits, 1, false, &p->grid)
             : p->prm.pucch == 1 ? pucch_f1_encode(&p->pc, bits, 1, &p->grid)
             : p->prm.pucch == 2 ? pucch_f2_encode(&p->pc, bits, *nbits, &p->grid, NULL)
                                 : 0;
    if (rc < 0)
        return -EINVAL;
    *samples = p->samples;
    return ofdm_modulate_slot(&p->ofdm, p->grid.re, slot % (1 << p->mu), p->samples);
}

void ul_probe_tx_on_slot(struct ul_probe_tx *p, int sfn, int slot, int64_t t)
{
    if (!p->armed || p->queued == UL_PROBE_QUEUE)
        return;
    /* The same slot one frame later: 10 ms of lead over the UL that carries it. */
    int64_t cycle = (int64_t)UL_PROBE_SFN_CYCLE * p->slots_per_frame;
    int64_t n = ((sfn + 1) % UL_PROBE_SFN_CYCLE) * (int64_t)p->slots_per_frame + slot;
    if (p->last_planned >= 0) {
        int64_t d = ((n - p->last_planned) % cycle + cycle) % cycle;
        if (d == 0 || d > cycle / 2)
            return;   /* reported again, or out of order */
    }
    p->last_planned = n;
    if (!ul_probe_is_slot(&p->prm, (uint64_t)n))
        return;
    int64_t at = t + (int64_t)llround(p->srate * 0.010) + p->delay_samples;
    int len = ofdm_slot_nof_samples(&p->ofdm, slot % (1 << p->mu));
    /* The tracker reports slots some time after their samples arrived (right after the cell is found, by tens
     * of ms): a probe slot whose UL already left cannot be sent. */
    if (!ul_tx_can_place(p->ul, at, len) || (p->end > 0 && at + len > p->end))
        return;
    struct ul_probe_slot *q = &p->queue[p->queued];
    const cf_t *x;
    if (ul_probe_tx_make_slot(p, (uint64_t)n, &x, q->bits, &q->nbits) != len || ul_tx_add(p->ul, at, x, len) < 0)
        return;
    q->n = (uint64_t)n;
    q->sfn = (int)(n / p->slots_per_frame);
    q->slot = slot;
    q->start = at;
    q->end = at + len;
    p->queued++;
}

void ul_probe_tx_report(struct ul_probe_tx *p, FILE *out)
{
    int done = 0;
    while (done < p->queued && p->queue[done].end <= p->ul->next_fill) {
        const struct ul_probe_slot *q = &p->queue[done++];
        p->sent++;
        if (p->prm.pusch_nprb > 0)
            fprintf(out, "uesim: PUSCH sent: rnti=0x%04x slot=%d.%d prb=%d+%d mcs=%d tbs=%d delay=%d\n", p->prm.rnti,
                    q->sfn, q->slot, p->prm.pusch_prb, p->prm.pusch_nprb, p->prm.mcs, p->tbs, p->delay_samples);
        if (q->nbits > 0) {
            char b[UCI_RM_MAX_A + 1];
            for (int j = 0; j < q->nbits; j++)
                b[j] = (char)('0' + q->bits[j]);
            b[q->nbits] = '\0';
            fprintf(out, "uesim: PUCCH sent: rnti=0x%04x slot=%d.%d format=%d bits=%s\n", p->prm.rnti, q->sfn,
                    q->slot, p->prm.pucch, b);
        }
    }
    if (done > 0) {
        memmove(p->queue, p->queue + done, (size_t)(p->queued - done) * sizeof p->queue[0]);
        p->queued -= done;
    }
}
