/* Unit tests for uesim's UL probe transmitter (tests/uesim/ul_probe_tx, ul_tx, compiled in here): what uesim sends
 * for --ul-probe is read back by gnbd's receivers (allowed here; the uesim process itself uses only UE-direction
 * code), with the grants, resources and expected payload written out in this file from the contract in
 * mac/ul_probe.h, and the payload bytes and UCI bits taken from that header's own functions:
 *  - the option string: defaults (gnbd's keys), every key, bad values refused;
 *  - the UL carrier centre uesim computes from a SIB1 gnbd broadcasts (absoluteFrequencyPointA + 6 N_RB
 *    subcarriers in FDD, the DL centre in TDD) equals gnbd's cell geometry, and the TDD pattern gives its UL slots;
 *  - TBS against values worked out by hand from 38.214 5.1.3.2 / 6.1.4.2;
 *  - round trips sample-domain: each probe slot through a delay, AWGN at a per-RE SNR, the OFDM demodulator at the
 *    UL f0, then pusch_decode (CRC, payload, timing, SNR) and pucch_f0/f1/f2_decode (bits, verdict) for 15 kHz
 *    52 PRB F1, 106 PRB MCS 20 with F2 of 11 bits 5 samples late at 20 dB, 30 kHz 51 PRB TDD with F0, PUSCH only
 *    and PUCCH only; another RNTI fails the PUSCH CRC and the F2 bits;
 *  - arming refuses PRBs outside the carrier, PUCCH over the PUSCH, a probe slot that is not wholly UL in TDD;
 *  - planning through the UL stream: slots reported late (their UL gone) or ending after the set end are skipped,
 *    each probe slot lands at its first sample + the delay, its lines are printed once its samples left, and
 *    nothing else is in the stream;
 *  - the stream's noise power and CFO. */
#include <check.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/broadcast.h"
#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "mac/ul_probe.h"
#include "tests/uesim/channel.c"
#include "tests/uesim/ul_probe_tx.c"
#include "tests/uesim/ul_tx.c"
#include "tests/uesim/uesim_args.c"
#include "tests/uesim/uesim_sib1.c"
#include "tests/unit/check_run.h"
#include "tests/unit/test_rng.h"

/* ---- the option string ---- */

START_TEST(test_parse_defaults_and_keys)
{
    struct ul_probe_params p;
    ck_assert_int_eq(uesim_parse_ul_probe("default", &p), 0);
    ck_assert_int_eq(p.rnti, 17921);
    ck_assert_int_eq(p.period, 20);
    ck_assert_int_eq(p.offset, 8);
    ck_assert_int_eq(p.pusch_prb, 10);
    ck_assert_int_eq(p.pusch_nprb, 10);
    ck_assert_int_eq(p.mcs, 9);
    ck_assert_int_eq(p.pucch, 1);
    ck_assert_int_eq(p.pucch_prb, -1);
    ck_assert_int_eq(p.pucch_bits, 4);
    ck_assert_int_eq(uesim_parse_ul_probe("rnti=100,period=10,offset=9,pusch_prb=0,pusch_nprb=50,mcs=28,pucch=f2,"
                                    "pucch_prb=60,pucch_bits=11", &p), 0);
    ck_assert(p.rnti == 100 && p.period == 10 && p.offset == 9 && p.pusch_prb == 0 && p.pusch_nprb == 50 &&
              p.mcs == 28 && p.pucch == 2 && p.pucch_prb == 60 && p.pucch_bits == 11);
    ck_assert_int_eq(uesim_parse_ul_probe("pucch=none", &p), 0);
    ck_assert_int_eq(p.pucch, UL_PROBE_PUCCH_OFF);
    ck_assert_int_eq(p.pusch_nprb, 10);
    ck_assert_int_eq(uesim_parse_ul_probe("pucch=f0,pusch_nprb=0", &p), 0);
    ck_assert_int_eq(p.pucch, 0);
    const char *bad[] = {"rnti=0", "rnti=65520", "period=0", "period=10,offset=10", "mcs=29", "pucch=f3",
                         "pucch_bits=2", "pucch_bits=12", "pusch_nprb=0,pucch=none", "colour=red", "mcs", "mcs=9x",
                         "pucch_prb=-2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(uesim_parse_ul_probe(bad[i], &p) == -EINVAL, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_uesim_options)
{
    struct uesim_options o;
    char *argv[] = {"uesim", "--dl-arfcn", "368500", "--ssb-arfcn", "368410", "--nof-prb", "52", "--srate", "11.52e6",
                    "--ul-probe", "mcs=20,pucch=f2,pucch_bits=11", "--ul-delay", "5", "--ul-probe-count", "4"};
    optind = 1;
    ck_assert_int_eq(uesim_parse_args(sizeof argv / sizeof argv[0], argv, &o), 0);
    ck_assert(o.ul_probe && o.sib1);
    ck_assert_int_eq(o.probe.mcs, 20);
    ck_assert_int_eq(o.probe.pucch, 2);
    ck_assert_int_eq(o.ul_delay, 5);
    ck_assert_int_eq(o.prach_delay, -1);
    ck_assert_int_eq(o.ul_probe_count, 4);
    char *argv2[] = {"uesim", "--dl-arfcn", "368500", "--ssb-arfcn", "368410", "--nof-prb", "52", "--srate",
                     "11.52e6"};
    optind = 1;
    ck_assert_int_eq(uesim_parse_args(sizeof argv2 / sizeof argv2[0], argv2, &o), 0);
    ck_assert(!o.ul_probe && !o.sib1);
    ck_assert_int_eq(o.ul_probe_count, 3);
}
END_TEST

/* ---- the cell from a SIB1 gnbd broadcasts ---- */

static const struct {
    const char *cell;
    bool unpaired;
    int ul_slots, period_slots;
} sib1_cases[] = {
    {"pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; scs_khz = 15;", false, 0, 0},
    {"pci = 500; band = 3; dl_arfcn = 368500; bandwidth_mhz = 20; scs_khz = 15; coreset0_index = 12;", false, 0, 0},
    {"pci = 77; band = 1; dl_arfcn = 428000; bandwidth_mhz = 5; scs_khz = 15; coreset0_index = 0;", false, 0, 0},
    {"pci = 402; band = 78; dl_arfcn = 632628; bandwidth_mhz = 20; scs_khz = 30; coreset0_index = 2; "
     "srsue_compatible = false; duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; "
     "ul_slots = 2; ul_symbols = 4; };", true, 2, 10},
};

START_TEST(test_ul_carrier_from_gnbd_sib1)
{
    const char *c = sib1_cases[_i].cell;
    char text[1024], err[400];
    snprintf(text, sizeof text, "cell = { %s mcc = \"001\"; mnc = \"01\"; };", c);
    static struct gnbd_config cfg;
    static struct cell_geometry g;
    static struct broadcast_sib1 b;
    static struct rrc_sib1 sib1;
    config_geometry_register();
    ck_assert_int_eq(config_load_string(&cfg, text, "probe", stderr), 0);
    ck_assert_int_eq(config_cell_geometry(&cfg, &g), 0);
    ck_assert_msg(broadcast_sib1(&cfg, &g, &b, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(rrc_bcch_dl_sch_decode(b.msg, b.len, &sib1), 0);
    struct ul_probe_cell cell;
    ck_assert_msg(ul_probe_cell_from_sib1(&cell, &sib1, sib1_cases[_i].unpaired, cfg.cell.pci, g.scs_khz, g.nof_prb,
                                          g.dmrs_type_a_position, (double)g.dl_freq_hz, err, sizeof err) == 0,
                  "%s", err);
    int64_t want = sib1_cases[_i].unpaired ? g.dl_freq_hz : g.ul_freq_hz;
    ck_assert_msg(cell.f0_hz == (double)want, "%s: UL f0 %.0f Hz, gnbd %lld Hz", c, cell.f0_hz, (long long)want);
    ck_assert_int_eq(cell.tdd, sib1_cases[_i].unpaired);
    ck_assert_int_eq(cell.tdd_ul_slots, sib1_cases[_i].ul_slots);
    ck_assert_int_eq(cell.tdd_period_slots, sib1_cases[_i].period_slots);
    /* another carrier size or SCS than the SIB1's, or an FDD SIB1 without point A, is refused */
    ck_assert_int_eq(ul_probe_cell_from_sib1(&cell, &sib1, sib1_cases[_i].unpaired, 1, g.scs_khz, g.nof_prb + 1, 2,
                                             0, err, sizeof err), -EINVAL);
    if (!sib1_cases[_i].unpaired) {
        sib1.serving_cell_config_common.ul.has_point_a = false;
        ck_assert_int_eq(ul_probe_cell_from_sib1(&cell, &sib1, false, 1, g.scs_khz, g.nof_prb, 2, 0, err,
                                                 sizeof err), -EINVAL);
    }
}
END_TEST

/* ---- round trips through gnbd's receivers ---- */

struct rt_case {
    const char *name;
    const char *spec;
    int nof_prb, scs_khz, pci, dmrs_pos;
    double srate, f0;
    bool tdd;
    int delay;
    double snr_db;            /* NAN: none */
    int tbs;                  /* by hand, 38.214 5.1.3.2 (0: no PUSCH) */
};

/* TBS by hand (N_DMRS^PRB = 24: type 1, two symbols, two CDM groups; N_RE = (168 - 24) n_PRB):
 *   10 PRB MCS 9 (Q_m 2, R 679/1024): N_info = 1440 x 0.6631 x 2 = 1909.7 -> n = 4, N'_info = 16 x 119 = 1904
 *     -> Table 5.1.3.2-1: 1928;
 *   10 PRB MCS 20 (Q_m 6, R 567/1024): N_info = 1440 x 0.55371 x 6 = 4784.1 > 3824 -> n = floor(log2(4760.1))
 *     - 5 = 7, N'_info = 128 x round(37.19) = 4736, C = 1, TBS = 8 ceil(4760 / 8) - 24 = 4736;
 *   20 PRB MCS 0 (Q_m 2, R 120/1024): N_info = 2880 x 0.1172 x 2 = 675 -> n = 3, N'_info = 8 x 84 = 672 -> 672. */
static const struct rt_case rt_cases[] = {
    {"15k 52 PRB F1", "default", 52, 15, 1, 2, 11.52e6, 1747.5e6, false, 0, NAN, 1928},
    {"15k 106 PRB MCS 20 F2/11 5 late 20 dB", "mcs=20,pusch_nprb=10,pucch=f2,pucch_bits=11", 106, 15, 500, 3,
     23.04e6, 1747.5e6, false, 5, 20.0, 4736},
    {"30k 51 PRB TDD F0 (bit 1)", "period=10,offset=9,pucch=f0,pucch_prb=40", 51, 30, 402, 2, 23.04e6, 3489.42e6,
     true, 0, NAN, 1928},
    {"15k 25 PRB PUSCH only", "pusch_prb=2,pusch_nprb=20,mcs=0,pucch=none", 25, 15, 77, 2, 7.68e6, 1950e6, false, 3,
     10.0, 672},
    {"15k 52 PRB F2 only, first PRBs", "pusch_nprb=0,pucch=f2,pucch_prb=0,pucch_bits=3", 52, 15, 1007, 2, 11.52e6,
     1747.5e6, false, 0, NAN, 0},
};

struct rt {
    struct ul_tx ul;
    struct ul_probe_tx p;
    struct ul_probe_cell cell;
    struct ofdm rx_ofdm;
    struct grid g;
    struct pusch_rx rx;
    struct pucch_rx prx;
    cf_t *stream;
    int slot_len;
};

static void rt_init(struct rt *t, const struct rt_case *c)
{
    struct ul_probe_params prm;
    char why[200];
    ck_assert_int_eq(uesim_parse_ul_probe(c->spec, &prm), 0);
    ck_assert_int_eq(ul_tx_init(&t->ul, &(struct ul_tx_config){.srate = c->srate, .snr_db = NAN}), 0);
    ck_assert_int_eq(ul_probe_tx_init(&t->p, &prm, c->srate, c->delay, &t->ul), 0);
    t->cell = (struct ul_probe_cell){.pci = c->pci, .nof_prb = c->nof_prb, .scs_khz = c->scs_khz,
                                     .dmrs_type_a_position = c->dmrs_pos, .f0_hz = c->f0, .tdd = c->tdd,
                                     .tdd_period_slots = c->tdd ? 10 : 0, .tdd_ul_slots = c->tdd ? 2 : 0};
    ck_assert_msg(ul_probe_tx_arm(&t->p, &t->cell, why, sizeof why) == 0, "%s: %s", c->name, why);
    ck_assert_int_eq(t->p.tbs, c->tbs);
    struct ofdm_config oc = {.sample_rate_hz = c->srate, .scs_khz = c->scs_khz, .nof_prb = c->nof_prb, .f0_hz = c->f0,
                             .direction = OFDM_DIRECTION_RX};
    ck_assert_int_eq(ofdm_init(&t->rx_ofdm, &oc), 0);
    ck_assert_int_eq(grid_init(&t->g, 14, 12 * c->nof_prb), 0);
    ck_assert_int_eq(pusch_rx_init(&t->rx, &(struct pusch_rx_cfg){.max_prb = c->nof_prb, .sample_rate_hz = c->srate,
                                                                   .scs_khz = c->scs_khz}), 0);
    ck_assert_int_eq(pucch_rx_init(&t->prx, &(struct pucch_rx_cfg){0}), 0);
    t->slot_len = ofdm_slot_nof_samples(&t->rx_ofdm, 0);
    t->stream = calloc((size_t)t->slot_len * 2, sizeof(cf_t));
}

static void rt_free(struct rt *t)
{
    ul_probe_tx_free(&t->p);
    ul_tx_free(&t->ul);
    ofdm_free(&t->rx_ofdm);
    grid_free(&t->g);
    pusch_rx_free(&t->rx);
    pucch_rx_free(&t->prx);
    free(t->stream);
}

/* The contract's PUSCH grant, written out here (mac/ul_probe.h). */
static struct pusch_grant contract_grant(const struct rt_case *c, const struct ul_probe_params *m, int slot, int rnti,
                                         struct pusch_tb *tb)
{
    static const enum modulation_scheme by_qm[9] = {[2] = MODULATION_QPSK, [4] = MODULATION_16QAM,
                                                    [6] = MODULATION_64QAM};
    struct tbs_mcs row;
    ck_assert_int_eq(tbs_mcs_lookup(TBS_MCS_TABLE_64QAM, m->mcs, &row), 0);
    *tb = (struct pusch_tb){.tbs = c->tbs, .r = row.r_x1024 / 1024.0, .rv = 0, .new_data = true};
    return (struct pusch_grant){.rnti = (uint16_t)rnti, .n_id = (uint16_t)c->pci, .modulation = by_qm[row.qm],
                                .crb_start = m->pusch_prb, .nof_rb = m->pusch_nprb, .mapping = PUSCH_MAPPING_TYPE_A,
                                .start_symbol = 0, .nof_symbols = 14,
                                .dmrs = {.config_type = 1, .type_a_position = c->dmrs_pos, .additional_position = 1,
                                         .cdm_groups_without_data = 2, .n_id = (uint16_t)c->pci},
                                .slot = slot};
}

static struct pucch_config contract_pucch(const struct rt_case *c, const struct ul_probe_params *m, int slot,
                                          int rnti)
{
    int prb = m->pucch_prb < 0 ? c->nof_prb - 1 : m->pucch_prb;
    struct pucch_resource r = {.format = (enum pucch_format)m->pucch, .nof_prb = 1, .start_prb = prb,
                               .start_symbol = 12, .nof_symbols = 2};
    if (m->pucch == 1) {
        r.start_symbol = 0;
        r.nof_symbols = 14;
    }
    if (m->pucch == 2) {
        r.nof_prb = 2;
        r.start_prb = prb == c->nof_prb - 1 ? prb - 1 : prb;
    }
    return (struct pucch_config){.res = r, .bwp_size = c->nof_prb, .slot = slot, .n_id = (uint16_t)c->pci,
                                 .n_id_data = (uint16_t)c->pci, .n_id_dmrs = (uint16_t)c->pci,
                                 .rnti = (uint16_t)rnti};
}

/* Probe slot n sent, delayed, noised, demodulated into t->g. */
static void rt_receive(struct rt *t, const struct rt_case *c, uint64_t n, uint8_t *bits, int *nbits)
{
    const cf_t *x;
    int spf = 10 * c->scs_khz / 15, mu = c->scs_khz / 30;
    int len = ul_probe_tx_make_slot(&t->p, n, &x, bits, nbits);
    ck_assert_int_eq(len, ofdm_slot_nof_samples(&t->rx_ofdm, (int)(n % (uint64_t)spf) % (1 << mu)));
    memset(t->stream, 0, sizeof(cf_t) * (size_t)t->slot_len * 2);
    memcpy(t->stream + c->delay, x, sizeof(cf_t) * (size_t)len);
    if (!isnan(c->snr_db)) {
        double a = sqrt(pow(10.0, -c->snr_db / 10) / 2);
        for (int i = 0; i < len; i++)
            t->stream[i] += (float)(a * test_rng_gauss()) + I * (float)(a * test_rng_gauss());
    }
    ck_assert_int_eq(ofdm_demodulate_slot(&t->rx_ofdm, t->stream, (int)(n % (uint64_t)spf) % (1 << mu), t->g.re),
                     len);
}

START_TEST(test_round_trip)
{
    const struct rt_case *c = &rt_cases[_i];
    static struct rt t;
    test_rng_seed(77 + (uint64_t)_i);
    rt_init(&t, c);
    const struct ul_probe_params *m = &t.p.prm;
    struct ul_probe_config contract = {.enabled = true, .period = m->period, .offset = m->offset};
    int spf = 10 * c->scs_khz / 15;
    int checked = 0;
    for (uint64_t n = 0; n < 2000 && checked < 6; n++) {
        ck_assert_int_eq(ul_probe_is_slot(m, n), probe_slot(&contract, n));
        if (!probe_slot(&contract, n))
            continue;
        uint8_t bits[UCI_RM_MAX_A];
        int nbits;
        rt_receive(&t, c, n, bits, &nbits);
        int slot = (int)(n % (uint64_t)spf);
        if (c->tbs > 0) {
            struct pusch_tb tb;
            struct pusch_grant gr = contract_grant(c, m, slot, m->rnti, &tb);
            float *soft = malloc(sizeof(float) * (size_t)pusch_soft_size(&gr, &tb));
            uint8_t *out = calloc((size_t)c->tbs / 8, 1);
            struct pusch_result res;
            ck_assert_int_eq(pusch_decode(&t.rx, &t.g, &gr, &tb, soft, out, &res), 0);
            ck_assert_msg(res.crc_ok, "%s n %llu: PUSCH CRC failed (snr %.1f dB)", c->name, (unsigned long long)n,
                          res.snr_db);
            for (int i = 0; i < c->tbs / 8; i++)
                ck_assert_msg(out[i] == probe_payload_byte(n, i), "%s n %llu: byte %d", c->name,
                              (unsigned long long)n, i);
            ck_assert_msg(fabsf(res.ta_samples - (float)c->delay) < 0.5f, "%s: timing %.2f samples, sent %d",
                          c->name, res.ta_samples, c->delay);
            if (!isnan(c->snr_db))
                ck_assert_msg(fabsf(res.snr_db - (float)c->snr_db) < 1.5f, "%s: PUSCH SNR %.1f dB, sent %.1f dB",
                              c->name, res.snr_db, c->snr_db);
            if (checked == 0)
                fprintf(stderr, "  %s: PUSCH CRC ok, TBS %d, SNR %.1f dB, timing %.2f samples\n", c->name, c->tbs,
                        res.snr_db, res.ta_samples);
            /* another RNTI: the scrambling differs, the CRC fails */
            gr = contract_grant(c, m, slot, m->rnti ^ 0x55, &tb);
            ck_assert_int_eq(pusch_decode(&t.rx, &t.g, &gr, &tb, soft, out, &res), 0);
            ck_assert_msg(!res.crc_ok, "%s: another RNTI decoded", c->name);
            free(soft);
            free(out);
        }
        if (m->pucch != UL_PROBE_PUCCH_OFF) {
            int want = m->pucch == 2 ? m->pucch_bits : 1;
            ck_assert_int_eq(nbits, want);
            for (int j = 0; j < want; j++)
                ck_assert_int_eq(bits[j], probe_uci_bit(n, j));
            struct pucch_config pc = contract_pucch(c, m, slot, m->rnti);
            struct pucch_rx_result r;
            int rc = m->pucch == 0 ? pucch_f0_decode(&t.prx, &t.g, &pc, 1, false, &r)
                     : m->pucch == 1 ? pucch_f1_decode(&t.prx, &t.g, &pc, 1, &r)
                                     : pucch_f2_decode(&t.prx, &t.g, &pc, want, &r);
            ck_assert_int_eq(rc, 0);
            ck_assert_msg(r.verdict == PUCCH_RX_VALID, "%s n %llu: PUCCH verdict %d", c->name, (unsigned long long)n,
                          r.verdict);
            for (int j = 0; j < want; j++)
                ck_assert_msg(r.bits[j] == probe_uci_bit(n, j), "%s n %llu: PUCCH bit %d", c->name,
                              (unsigned long long)n, j);
            if (m->pucch == 2 && want >= 8) {   /* another RNTI descrambles to other bits (1 in 2^A the same) */
                pc = contract_pucch(c, m, slot, m->rnti ^ 0x55);
                ck_assert_int_eq(pucch_f2_decode(&t.prx, &t.g, &pc, want, &r), 0);
                ck_assert_msg(r.verdict != PUCCH_RX_VALID || memcmp(r.bits, bits, (size_t)want) != 0,
                              "%s: F2 with another RNTI gave the bits", c->name);
            }
        }
        checked++;
    }
    ck_assert_int_ge(checked, 3);
    rt_free(&t);
}
END_TEST

/* ---- arming ---- */

START_TEST(test_arm_refuses)
{
    static const struct {
        const char *spec;
        bool tdd;
    } bad[] = {
        {"pusch_prb=50,pusch_nprb=3", false},          /* beyond 52 PRB */
        {"pucch_prb=12", false},                        /* on the PUSCH (10..19) */
        {"pucch=f2,pucch_prb=20", false},               /* 20..21: next to it, fine ... */
        {"pucch=f2,pucch_prb=19", false},               /* ... 19..20 overlaps */
        {"pucch_prb=52", false},                        /* outside */
        {"period=10,offset=7", true},                   /* slot 7 of the period is the special slot */
        {"period=5,offset=4", true},                    /* slot 4 is DL */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ul_probe_params prm;
        struct ul_tx ul;
        struct ul_probe_tx p;
        char why[200] = "";
        ck_assert_int_eq(uesim_parse_ul_probe(bad[i].spec, &prm), 0);
        ck_assert_int_eq(ul_tx_init(&ul, &(struct ul_tx_config){.srate = 23.04e6, .snr_db = NAN}), 0);
        ul_probe_tx_init(&p, &prm, 23.04e6, 0, &ul);
        struct ul_probe_cell cell = {.pci = 1, .nof_prb = 52, .scs_khz = 15, .dmrs_type_a_position = 2,
                                     .f0_hz = 1.7e9, .tdd = bad[i].tdd, .tdd_period_slots = 10, .tdd_ul_slots = 2};
        int rc = ul_probe_tx_arm(&p, &cell, why, sizeof why);
        if (i == 2)
            ck_assert_msg(rc == 0, "%s: %s", bad[i].spec, why);
        else
            ck_assert_msg(rc == -EINVAL && why[0], "%s: armed", bad[i].spec);
        ul_probe_tx_free(&p);
        ul_tx_free(&ul);
    }
}
END_TEST

/* ---- planning through the UL stream ---- */

START_TEST(test_planning_through_the_stream)
{
    const double fs = 11.52e6;
    const int spp = 11520, delay = 7;   /* 1 ms slots at 15 kHz */
    struct ul_probe_params prm;
    ck_assert_int_eq(uesim_parse_ul_probe("default", &prm), 0);
    static struct ul_tx ul;
    static struct ul_probe_tx p, ref;
    struct ul_tx ul_ref;
    ck_assert_int_eq(ul_tx_init(&ul, &(struct ul_tx_config){.srate = fs, .snr_db = NAN}), 0);
    ck_assert_int_eq(ul_tx_init(&ul_ref, &(struct ul_tx_config){.srate = fs, .snr_db = NAN}), 0);
    ul_probe_tx_init(&p, &prm, fs, delay, &ul);
    ul_probe_tx_init(&ref, &prm, fs, delay, &ul_ref);
    struct ul_probe_cell cell = {.pci = 3, .nof_prb = 52, .scs_khz = 15, .dmrs_type_a_position = 2, .f0_hz = 1.7e9};
    char why[200];
    ck_assert_int_eq(ul_probe_tx_arm(&p, &cell, why, sizeof why), 0);
    ck_assert_int_eq(ul_probe_tx_arm(&ref, &cell, why, sizeof why), 0);
    ul_probe_tx_set_end(&p, 209LL * spp);   /* slot 208 would end 7 samples later */
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    cf_t *chunk = malloc(sizeof(cf_t) * spp);
    const int first = 100, late = 130, last = 200;
    int energy_chunks = 0;
    for (int k = 0; k <= last; k++) {
        /* slots from `first` on are tracked; the ones up to `late` are reported in a burst, 30 ms late */
        if (k == late)
            for (int s = first; s <= late; s++)
                ul_probe_tx_on_slot(&p, (s / 10) % 1024, s % 10, (int64_t)s * spp);
        else if (k > late)
            ul_probe_tx_on_slot(&p, (k / 10) % 1024, k % 10, (int64_t)k * spp);
        ul_tx_fill(&ul, (int64_t)k * spp, chunk, spp);
        ul_probe_tx_report(&p, out);
        double e = 0;
        for (int i = 0; i < spp; i++)
            e += crealf(chunk[i] * conjf(chunk[i]));
        if (e > 0) {
            energy_chunks++;
            /* only probe slots (n mod 20 == 8; a delayed slot spills 7 samples into the next) */
            ck_assert_msg(k % 20 == 8 || (k % 20 == 9), "energy in slot %d", k);
            if (k % 20 == 8) {
                const cf_t *x;
                uint8_t bits[UCI_RM_MAX_A];
                int nbits;
                ck_assert_int_eq(ul_probe_tx_make_slot(&ref, (uint64_t)k, &x, bits, &nbits), spp);
                for (int i = 0; i < delay; i++)
                    ck_assert(chunk[i] == 0);
                for (int i = delay; i < spp; i++)
                    ck_assert_msg(cabsf(chunk[i] - x[i - delay]) < 1e-6f, "slot %d sample %d", k, i);
            }
        }
    }
    fclose(out);
    /* 128 was planned from slot 118, whose UL had gone when it was reported: 148, 168, 188 went; 208 ends after
     * the end set */
    ck_assert_int_eq(p.sent, 3);
    ck_assert_int_eq(p.queued, 0);
    ck_assert_int_eq(energy_chunks, 6);
    ck_assert_msg(strstr(text, "uesim: PUSCH sent: rnti=0x4601 slot=14.8 prb=10+10 mcs=9 tbs=1928 delay=7\n") &&
                  strstr(text, "uesim: PUCCH sent: rnti=0x4601 slot=14.8 format=1 bits=0\n") &&
                  strstr(text, "slot=18.8 ") && !strstr(text, "slot=12.8") && !strstr(text, "slot=20.8"),
                  "%s", text);
    free(text);
    free(chunk);
    ul_probe_tx_free(&p);
    ul_probe_tx_free(&ref);
    ul_tx_free(&ul);
    ul_tx_free(&ul_ref);
}
END_TEST

/* The stream's noise is N0 = 10^(-snr/10) per sample and the CFO rotates by the absolute sample. */
START_TEST(test_ul_tx_noise_and_cfo)
{
    struct ul_tx u;
    ck_assert_int_eq(ul_tx_init(&u, &(struct ul_tx_config){.srate = 1e6, .snr_db = 10, .cfo_hz = 1000}), 0);
    enum { N = 200000 };
    cf_t *x = malloc(sizeof(cf_t) * N);
    ul_tx_fill(&u, 0, x, N);
    double e = 0;
    for (int i = 0; i < N; i++)
        e += crealf(x[i] * conjf(x[i]));
    ck_assert_msg(fabs(e / N - 0.1) < 0.003, "noise power %g", e / N);
    ck_assert_int_eq(ul_tx_add(&u, N - 1, x, 1), -ERANGE);   /* already gone */
    ck_assert(!ul_tx_can_place(&u, N, (int)u.ring_len + 1));  /* would wrap onto itself */
    ul_tx_free(&u);
    ck_assert_int_eq(ul_tx_init(&u, &(struct ul_tx_config){.srate = 1e6, .snr_db = NAN, .cfo_hz = 1000}), 0);
    cf_t one[4] = {1, 1, 1, 1}, y[8];
    ck_assert_int_eq(ul_tx_add(&u, 250, one, 4), 0);
    ul_tx_fill(&u, 0, x, 250);
    ul_tx_fill(&u, 250, y, 8);
    for (int i = 0; i < 4; i++) /* 1 kHz at 1 Msps: 2 pi / 1000 per sample from sample 0 */
        ck_assert(cabsf(y[i] - cexpf(I * 2 * (float)M_PI * (250 + i) / 1000)) < 1e-5f);
    ck_assert(y[4] == 0 && y[7] == 0);
    free(x);
    ul_tx_free(&u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ul_probe_tx");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_parse_defaults_and_keys);
    tcase_add_test(tc, test_uesim_options);
    tcase_add_loop_test(tc, test_ul_carrier_from_gnbd_sib1, 0, (int)(sizeof sib1_cases / sizeof sib1_cases[0]));
    tcase_add_loop_test(tc, test_round_trip, 0, (int)(sizeof rt_cases / sizeof rt_cases[0]));
    tcase_add_test(tc, test_arm_refuses);
    tcase_add_test(tc, test_planning_through_the_stream);
    tcase_add_test(tc, test_ul_tx_noise_and_cfo);
    suite_add_tcase(s, tc);
    return check_run(s);
}
