/* RRC adapter for the configuration: SIB1 from config + geometry, and its printout (see rrc_config.h). */
#include "gnb/rrc_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/ul_probe_config.h"
#include "mac/harq_ack.h"
#include "phy/ch/prach_config.h"
#include "phy/geometry/cell_geometry.h"

int rrc_config_sib1_desc(const struct gnbd_config *cfg, struct sib1_cell_desc *d)
{
    const struct cell_config *c = &cfg->cell;
    struct cell_geometry g;
    if (config_cell_geometry(cfg, &g) < 0) return -1;
    sib1_builder_defaults(d);
    snprintf(d->mcc, sizeof d->mcc, "%s", c->mcc);
    snprintf(d->mnc, sizeof d->mnc, "%s", c->mnc);
    d->tac = (uint32_t)c->tac;
    d->cell_identity = (uint64_t)c->cell_id;
    d->band = g.band;
    d->tdd = g.duplex == BAND_DUPLEX_TDD;
    d->scs_khz = g.scs_khz;
    d->nof_prb = g.nof_prb;
    d->offset_to_point_a = g.offset_to_point_a;
    d->ul_point_a_arfcn = (int)g.ul_point_a_arfcn;
    d->coreset0_index = g.coreset0_index;
    d->searchspace0_index = g.searchspace0_index;
    d->coreset0_nof_symbols = g.coreset0.nof_symb;
    /* SS#1 (ra-SearchSpace): AL4 x 4 and AL8 x 2 fitted to CORESET#0's CCEs (38.213 10.1: distinct candidates),
     * what the MAC's PDCCH allocator places RAR, Msg4 and Msg3 retransmission DCIs in (mac/pdcch_alloc.h) */
    static const int ss1_want[PDCCH_NUM_AL] = {0, 0, 4, 2, 0};
    pdcch_alloc_fit_candidates(g.coreset0.nof_rb * g.coreset0.nof_symb / 6, ss1_want, d->ss1_candidates);
    d->ssb_periodicity_ms = c->ssb_periodicity_ms;
    if (d->tdd)
        d->tdd_pattern = (struct rrc_tdd_pattern){.period_us = (int)(c->tdd.period_ms * 1000 + 0.5),
                                                  .dl_slots = c->tdd.dl_slots, .dl_symbols = c->tdd.dl_symbols,
                                                  .ul_slots = c->tdd.ul_slots, .ul_symbols = c->tdd.ul_symbols};
    d->prach_config_index = c->prach_config_index;
    const struct prach_config_row *row = prach_config_row(d->tdd, c->prach_config_index);
    d->prach_short_format = row && !prach_format_is_long((enum prach_format)row->format);
    /* zeroCorrelationZoneConfig sets N_CS, the largest round-trip delay a preamble can have before it reads as
     * the next preamble. Long formats keep 1 (N_CS 13 of Table 6.3.3.1-5: 13 x 0.95 us = 12 us, 1.9 km, one
     * root); short formats take 8 (N_CS 15 of Table 6.3.3.1-7: 15 / (139 SCS) = 3.6 us at 30 kHz, 540 m; 7.2 us
     * at 15 kHz), since their index 1 (N_CS 2) would allow less than half a microsecond. */
    if (d->prach_short_format) d->zero_correlation_zone_config = 8;
    d->srsue_compatible = c->srsue_compatible;
    return 0;
}

int rrc_config_setup_desc(const struct gnbd_config *cfg, struct rrc_setup_cell_desc *d)
{
    struct sib1_cell_desc s;
    if (rrc_config_sib1_desc(cfg, &s) < 0) return -1;
    rrc_setup_builder_defaults(d);
    d->nof_prb = s.nof_prb;
    d->pdsch_start_symbol = s.coreset0_nof_symbols; /* after CORESET#0 / CORESET#1 (1 symbol) */
    d->pusch_k2 = s.msg3_k2;                          /* the SIB1 list's k2: a UE reading either agrees */
    d->dl_256qam = cfg->mac.dl_256qam;
    /* dl-DataToUL-ACK: the k1 values the MAC uses with this pattern (mac/harq_ack.h; FDD {1..8}) */
    struct cell_geometry g;
    struct slot_pattern sp;
    struct harq_ack_timing t;
    if (config_cell_geometry(cfg, &g) < 0 || config_slot_pattern(cfg, &g, &sp) < 0 ||
        harq_ack_timing_init(&t, &sp) < 0)
        return -1;
    memcpy(d->dl_data_to_ul_ack, t.list, sizeof d->dl_data_to_ul_ack);
    return 0;
}

int rrc_config_uss(const struct gnbd_config *cfg, struct pdcch_alloc_ss *ss)
{
    struct rrc_setup_cell_desc d;
    struct rrc_pdcch_config pc;
    if (rrc_config_setup_desc(cfg, &d) < 0) return -EINVAL;
    rrc_setup_builder_pdcch(&d, &pc);
    if (pc.nof_coresets < 1 || pc.nof_search_spaces < 1) return -EINVAL;
    const struct rrc_coreset *c = &pc.coreset[0];
    const struct rrc_search_space *s = &pc.ss[0];
    /* frequencyDomainResources: bit 44 (the first) is the 6-RB group starting at the BWP's first RB, CRB 0 here */
    int first = -1, n = 0;
    for (int g = 0; g < 45; g++) {
        if (!(c->frequency_domain_resources >> (44 - g) & 1)) continue;
        if (first < 0) first = g;
        else if (g != first + n) return -EINVAL;
        n++;
    }
    int sym = 0; /* monitoringSymbolsWithinSlot: the most significant of 14 bits is symbol 0 */
    while (s->has_monitoring_symbols && sym < 14 && !(s->monitoring_symbols >> (13 - sym) & 1)) sym++;
    if (first < 0 || c->interleaved || s->coreset_id != c->id || s->type != RRC_SS_UE_SPECIFIC) return -EINVAL;
    *ss = (struct pdcch_alloc_ss){.id = s->id, .ue_specific = true, .coreset_id = c->id,
                                  .cs = {.crb_start = 6 * first, .nof_rb = 6 * n, .nof_symbols = c->duration,
                                         .start_symbol = sym, .interleaved = false, .reg_bundle_size = 6,
                                         .dmrs_ref_crb = 0, .dmrs_n_id = (uint16_t)cfg->cell.pci}};
    memcpy(ss->nof_candidates, s->nrof_candidates, sizeof ss->nof_candidates);
    return pdcch_alloc_ss_check(ss);
}

int rrc_config_dci(const struct gnbd_config *cfg, struct dci_1_1_config *c11, struct dci_0_1_config *c01,
                   struct rrc_dci_budget *b)
{
    struct rrc_setup_cell_desc d;
    struct cell_geometry g;
    struct rrc_dl_ccch_msg *m = calloc(1, sizeof *m); /* init time: a large message */
    int rc = !m || rrc_config_setup_desc(cfg, &d) < 0 || config_cell_geometry(cfg, &g) < 0 ? -EINVAL : 0;
    if (rc == 0) { /* any UE's: its own PUCCH PRBs (the defaults suit 52 PRB) size no DCI field */
        d.ue.f1_prb = d.nof_prb - 1;
        d.ue.f2_prb = d.nof_prb - 2;
        rc = rrc_setup_builder_build(&d, 0, m);
    }
    if (rc == 0) {
        const struct rrc_cell_group_config *cg = &m->setup.master_cell_group;
        const struct rrc_serving_cell_config *sc = &cg->sp_cell.dedicated;
        bool dyn = cg->phy.harq_ack_codebook_dynamic;
        rc = rrc_dci_budget(sc, d.nof_prb, g.coreset0.nof_rb, dyn, b);
        if (rc == 0) rc = rrc_serving_cell_dci_1_1(sc, d.nof_prb, dyn, c11);
        if (rc == 0) rc = rrc_serving_cell_dci_0_1(sc, d.nof_prb, dyn, c01);
    }
    free(m);
    return rc;
}

int rrc_config_sib1(const struct gnbd_config *cfg, struct rrc_sib1 *sib1, uint8_t *buf, size_t cap, size_t *len)
{
    struct sib1_cell_desc d;
    if (rrc_config_sib1_desc(cfg, &d) < 0) return -EINVAL;
    int err = sib1_builder_build(&d, sib1);
    return err ? err : rrc_bcch_dl_sch_encode_sib1(sib1, buf, cap, len);
}

static void print_tdra(FILE *out, const char *what, const char *kname, const struct rrc_tdra_list *l)
{
    for (int i = 0; i < l->n; i++) {
        const struct rrc_tdra *e = &l->e[i];
        int sliv = e->start_symbol_and_length, len = sliv / 14 + 1, start = sliv % 14;
        if (start + len > 14) { /* 38.214 5.1.2.1: the second form of the SLIV */
            len = 14 - sliv / 14 + 1;
            start = 13 - sliv % 14;
        }
        fprintf(out, "#   %s time domain [%d]: ", what, i);
        if (e->has_k)
            fprintf(out, "%s %d, ", kname, e->k);
        else
            fprintf(out, "%s absent (%s), ", kname, kname[1] == '0' ? "0" : "38.214 Table 6.1.2.1.1-4 j");
        fprintf(out, "mapping type %c, SLIV %d (S %d, L %d)\n", e->mapping_type_b ? 'B' : 'A', sliv, start, len);
    }
}

static void print_dl(FILE *out, const struct rrc_dl_config_common_sib *dl)
{
    const struct rrc_bwp_dl_common *b = &dl->initial_bwp;
    const struct rrc_pdcch_config_common *pc = &b->pdcch;
    fprintf(out, "#   downlink: band n%d, offsetToPointA %d, carrier %d RB at %d kHz from point A (DC at subcarrier %d),"
            " initial BWP locationAndBandwidth %d\n", dl->bands.band[0], dl->offset_to_point_a,
            dl->scs[0].carrier_bandwidth, dl->scs[0].scs_khz,
            dl->scs[0].has_tx_dc_location ? dl->scs[0].tx_dc_location : 3300, b->generic.location_and_bandwidth);
    fprintf(out, "#   PDCCH: controlResourceSetZero %d, searchSpaceZero %d, searchSpaceSIB1 %d, pagingSearchSpace %d,"
            " ra-SearchSpace %d\n", pc->coreset_zero, pc->ss_zero, pc->ss_sib1, pc->paging_ss, pc->ra_ss);
    for (int i = 0; i < pc->nof_common_ss; i++) {
        const struct rrc_search_space *s = &pc->common_ss[i];
        fprintf(out, "#   SS#%d: CORESET#%d, %s, every %d slot(s), symbols 0x%04x, candidates AL1..16 %d/%d/%d/%d/%d\n",
                s->id, s->coreset_id, s->type == RRC_SS_COMMON ? "common DCI 0_0/1_0" : "UE-specific",
                s->monitoring_period_slots, s->monitoring_symbols, s->nrof_candidates[0], s->nrof_candidates[1],
                s->nrof_candidates[2], s->nrof_candidates[3], s->nrof_candidates[4]);
    }
    print_tdra(out, "PDSCH", "k0", &b->pdsch_tdra);
    fprintf(out, "#   paging: modificationPeriodCoeff n%d, defaultPagingCycle rf%d, N = T/%d, Ns %d\n",
            dl->modification_period_coeff, dl->default_paging_cycle, dl->paging_n_div, dl->paging_ns);
}

static void print_ul(FILE *out, const struct rrc_ul_config_common_sib *ul)
{
    const struct rrc_bwp_ul_common *b = &ul->initial_bwp;
    const struct rrc_rach_config_generic *g = &b->rach.generic;
    if (ul->has_point_a)
        fprintf(out, "#   uplink: band n%d, absoluteFrequencyPointA %d,", ul->bands.band[0], ul->absolute_frequency_point_a);
    else
        fprintf(out, "#   uplink: the DL carrier (TDD),");
    fprintf(out, " carrier %d RB at %d kHz, timeAlignmentTimerCommon ", ul->scs[0].carrier_bandwidth, ul->scs[0].scs_khz);
    if (ul->time_alignment_timer < 0)
        fprintf(out, "infinity\n");
    else
        fprintf(out, "%d ms\n", ul->time_alignment_timer);
    fprintf(out, "#   RACH: prach-ConfigurationIndex %d, msg1-FDM %d, msg1-FrequencyStart %d, zeroCorrelationZoneConfig %d,"
            " preambleReceivedTargetPower %d dBm, preambleTransMax %d, powerRampingStep %d dB, ra-ResponseWindow %d"
            " slots\n", g->prach_config_index, g->msg1_fdm, g->msg1_frequency_start, g->zero_correlation_zone_config,
            g->preamble_received_target_power, g->preamble_trans_max, g->power_ramping_step_db, g->ra_response_window);
    if (b->rach.has_total_preambles)
        fprintf(out, "#   RACH: totalNumberOfRA-Preambles %d\n", b->rach.total_preambles);
    fprintf(out, "#   RACH: %d contention-based preambles per SSB, ra-ContentionResolutionTimer %d subframes,"
            " prach-RootSequenceIndex %s %d, %s set\n", b->rach.cb_preambles_per_ssb,
            b->rach.ra_contention_resolution_timer, b->rach.prach_root_l139 ? "l139" : "l839",
            b->rach.prach_root_sequence_index, b->rach.restricted_set ? "restricted" : "unrestricted");
    print_tdra(out, "PUSCH", "k2", &b->pusch.tdra);
    fprintf(out, "#   p0-NominalWithGrant %d dBm; PUCCH: pucch-ResourceCommon %d, p0-nominal %d dBm\n",
            b->pusch.p0_nominal_with_grant, b->pucch.resource_common, b->pucch.p0_nominal);
}

static void print_sib1(FILE *out, const struct rrc_sib1 *s)
{
    const struct rrc_plmn_identity_info *pi = &s->plmn_info[0];
    const struct rrc_plmn_identity *id = &pi->plmn[0];
    const struct rrc_serving_cell_config_common_sib *sc = &s->serving_cell_config_common;
    fprintf(out, "#   PLMN %d%d%d-", id->mcc[0], id->mcc[1], id->mcc[2]);
    for (int i = 0; i < id->mnc_len; i++) fprintf(out, "%d", id->mnc[i]);
    fprintf(out, ", TAC %u, cell identity %llu, q-RxLevMin %d (%d dBm)\n", pi->tac,
            (unsigned long long)pi->cell_identity, s->cell_selection_info.q_rx_lev_min,
            2 * s->cell_selection_info.q_rx_lev_min);
    print_dl(out, &sc->dl);
    print_ul(out, &sc->ul);
    fprintf(out, "#   n-TimingAdvanceOffset %d, ssb-PositionsInBurst 0x%02x, ssb-PeriodicityServingCell %d ms,"
            " ss-PBCH-BlockPower %d dBm\n", sc->n_ta_offset, sc->ssb_in_one_group, sc->ssb_periodicity_ms,
            sc->ss_pbch_block_power);
    if (sc->has_tdd)
        fprintf(out, "#   TDD: period %d us, %d DL slots + %d symbols, %d UL slots + %d symbols\n",
                sc->tdd.pattern1.period_us, sc->tdd.pattern1.dl_slots, sc->tdd.pattern1.dl_symbols,
                sc->tdd.pattern1.ul_slots, sc->tdd.pattern1.ul_symbols);
    const struct rrc_ue_timers *t = &s->ue_timers;
    fprintf(out, "#   ue-TimersAndConstants: t300 %d, t301 %d, t310 %d, n310 %d, t311 %d, n311 %d, t319 %d\n",
            t->t300, t->t301, t->t310, t->n310, t->t311, t->n311, t->t319);
}

void rrc_config_print_sib1(const struct gnbd_config *cfg, FILE *out)
{
    struct rrc_sib1 built, decoded;
    uint8_t buf[RRC_SIB1_MAX_BYTES];
    size_t len = 0;
    int err = rrc_config_sib1(cfg, &built, buf, sizeof buf, &len);
    if (err == 0) err = rrc_bcch_dl_sch_decode(buf, len, &decoded); /* print what a UE reads, not the struct */
    if (err) {
        fprintf(out, "# SIB1: none, it cannot be built from this configuration (error %d)\n", err);
        return;
    }
    fprintf(out, "# SIB1 as broadcast (BCCH-DL-SCH-Message, %zu bytes; decoded back from its encoding)\n", len);
    print_sib1(out, &decoded);
    for (size_t i = 0; i < len; i++) fprintf(out, "%s%02x%s", i % 32 == 0 ? "#   hex: " : "", buf[i],
                                             i % 32 == 31 || i + 1 == len ? "\n" : " ");
}
