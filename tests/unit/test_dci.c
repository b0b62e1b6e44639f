/* Unit tests for phy/ch/dci: DCI format 1_0 packing against every tests/vectors/pdcch DCI (bits and sizes),
 * unpacking them back to the manifest's field values, round trips of random field values for each RNTI layout
 * and several CORESET#0 sizes, the exact sizes for 24/48/96 RB, reserved and identifier bits, rejection of bad
 * input, and the 38.214 5.1.2.2.2 RIV both ways (every allocation of every BWP size, and the vectors' RIVs).
 * DCI 1_1 (38.212 7.3.1.2.2): a hand-worked 41-bit DCI of gnbd's configuration, the size of each configurable
 * field and the 7.3.1.0 padding bit, round trips of random fields and configurations, and random bits read back
 * without harm. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phy/ch/dci.h"
#include "tests/unit/test_rng.h"
#include "tests/unit/vector_pdcch.h"
#include "tests/unit/check_run.h"

static enum dci_rnti_type rnti_type_of(const char *s)
{
    if (strcmp(s, "SI") == 0)
        return DCI_RNTI_SI;
    if (strcmp(s, "RA") == 0)
        return DCI_RNTI_RA;
    return strcmp(s, "TC") == 0 ? DCI_RNTI_TC : DCI_RNTI_C;
}

/* The manifest's field values as a struct dci_1_0 (absent keys stay 0). */
static struct dci_1_0 dci_from_manifest(const struct vector_pdcch_case *vc)
{
    const char *f = vc->dci_fields;
    struct dci_1_0 d = { .rnti_type = rnti_type_of(vc->rnti_type) };
    struct { uint32_t *v; const char *key; } map[] = {
        { &d.frequency_domain_assignment, "FDRA_RIV" }, { &d.time_domain_assignment, "TDRA" },
        { &d.vrb_to_prb_mapping, "VRB2PRB" }, { &d.mcs, "MCS" }, { &d.ndi, "NDI" }, { &d.rv, "RV" },
        { &d.harq_process, "HARQ" }, { &d.dai, "DAI" }, { &d.tpc, "TPC" }, { &d.pucch_resource, "PRI" },
        { &d.harq_feedback_timing, "K1" }, { &d.system_information_indicator, "SII" },
        { &d.tb_scaling, "TB_scaling" },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        long v = vector_pdcch_field(f, map[i].key);
        *map[i].v = v < 0 ? 0 : (uint32_t)v;
    }
    return d;
}

static void assert_dci_eq(const struct dci_1_0 *a, const struct dci_1_0 *b, const char *what)
{
    ck_assert_msg(a->rnti_type == b->rnti_type && a->frequency_domain_assignment == b->frequency_domain_assignment &&
                  a->time_domain_assignment == b->time_domain_assignment &&
                  a->vrb_to_prb_mapping == b->vrb_to_prb_mapping && a->mcs == b->mcs && a->ndi == b->ndi &&
                  a->rv == b->rv && a->harq_process == b->harq_process && a->dai == b->dai && a->tpc == b->tpc &&
                  a->pucch_resource == b->pucch_resource && a->harq_feedback_timing == b->harq_feedback_timing &&
                  a->system_information_indicator == b->system_information_indicator &&
                  a->tb_scaling == b->tb_scaling,
                  "%s: fields differ", what);
}

/* Calls fn on every manifest row with its DCI bits loaded; returns the number of rows. */
static int for_each_case(void (*fn)(const struct vector_pdcch_case *vc, const uint8_t *bits))
{
    FILE *mf = vector_manifest_open(VECTOR_PDCCH_DIR);
    ck_assert_msg(mf != NULL, "cannot open " VECTOR_PDCCH_DIR "/cases.tsv");
    struct vector_pdcch_case vc;
    int rows = 0;
    while (vector_pdcch_next(mf, &vc)) {
        uint8_t *bits = vector_load_case(VECTOR_PDCCH_DIR, "pdcch", vc.id, "dci", (size_t)vc.a);
        ck_assert_msg(bits != NULL, "case %d: dci file missing or not %d bytes", vc.id, vc.a);
        fn(&vc, bits);
        free(bits);
        rows++;
    }
    fclose(mf);
    return rows;
}

static void check_pack(const struct vector_pdcch_case *vc, const uint8_t *want)
{
    struct dci_1_0 d = dci_from_manifest(vc);
    uint8_t bits[DCI_1_0_MAX_BITS];
    ck_assert_int_eq(dci_1_0_size(d.rnti_type, vc->coreset_nof_rb), vc->a);
    int n = dci_1_0_pack(&d, vc->coreset_nof_rb, bits, DCI_1_0_MAX_BITS);
    ck_assert_msg(n == vc->a, "case %d: packed %d bits, want %d", vc->id, n, vc->a);
    for (int i = 0; i < n; i++)
        ck_assert_msg(bits[i] == want[i], "case %d: bit %d is %d, want %d", vc->id, i, bits[i], want[i]);
}

START_TEST(test_dci_pack_equals_every_vector)
{
    ck_assert_int_eq(for_each_case(check_pack), 9);
}
END_TEST

static void check_unpack(const struct vector_pdcch_case *vc, const uint8_t *bits)
{
    struct dci_1_0 want = dci_from_manifest(vc), got;
    ck_assert_int_eq(dci_1_0_unpack(bits, vc->a, want.rnti_type, vc->coreset_nof_rb, &got), 0);
    char what[32];
    snprintf(what, sizeof what, "case %d", vc->id);
    assert_dci_eq(&got, &want, what);
}

START_TEST(test_dci_unpack_gives_every_vectors_fields)
{
    ck_assert_int_eq(for_each_case(check_unpack), 9);
}
END_TEST

static void check_riv(const struct vector_pdcch_case *vc, const uint8_t *bits)
{
    const char *p = strstr(vc->dci_fields, "(start=");
    int start, len, n;
    ck_assert_msg(p && sscanf(p, "(start=%d,len=%d,N=%d)", &start, &len, &n) == 3, "case %d: no RIV", vc->id);
    ck_assert_int_eq(n, vc->coreset_nof_rb);
    ck_assert_int_eq(dci_riv_encode(n, start, len), vector_pdcch_field(vc->dci_fields, "FDRA_RIV"));
    int s2, l2;
    ck_assert_int_eq(dci_riv_decode(n, (uint32_t)vector_pdcch_field(vc->dci_fields, "FDRA_RIV"), &s2, &l2), 0);
    ck_assert_int_eq(s2, start);
    ck_assert_int_eq(l2, len);
    (void)bits;
}

START_TEST(test_dci_riv_matches_vectors)
{
    ck_assert_int_eq(for_each_case(check_riv), 9);
}
END_TEST

/* 38.212 7.3.1.2.1: 28 bits + ceil(log2(N (N + 1) / 2)) for every layout: N = 24 -> 9, 48 -> 11, 96 -> 13 FDRA
 * bits (300, 1176 and 4656 RIVs). */
START_TEST(test_dci_sizes_for_24_48_96_rb)
{
    static const struct { int n_rb, fdra, size; } want[] = { { 24, 9, 37 }, { 48, 11, 39 }, { 96, 13, 41 } };
    static const enum dci_rnti_type types[] = { DCI_RNTI_C, DCI_RNTI_TC, DCI_RNTI_SI, DCI_RNTI_RA };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(dci_fdra_bits(want[i].n_rb), want[i].fdra);
        for (int t = 0; t < 4; t++)
            ck_assert_int_eq(dci_1_0_size(types[t], want[i].n_rb), want[i].size);
    }
    ck_assert_int_eq(dci_fdra_bits(1), 0);
    ck_assert_int_eq(dci_fdra_bits(275), 16);
    ck_assert_int_eq(dci_1_0_size(DCI_RNTI_C, 275), DCI_1_0_MAX_BITS);
    ck_assert_int_eq(dci_1_0_size(DCI_RNTI_C, 0), -EINVAL);
    ck_assert_int_eq(dci_1_0_size(DCI_RNTI_C, 276), -EINVAL);
    ck_assert_int_eq(dci_1_0_size((enum dci_rnti_type)7, 48), -EINVAL);
}
END_TEST

static uint32_t rnd_bits(int n) { return n ? (uint32_t)(test_rng_next() >> (64 - n)) : 0; }

/* Random values for every field of the layout (the others stay 0, as unpacking leaves them). */
static struct dci_1_0 random_dci(enum dci_rnti_type t, int n_rb)
{
    struct dci_1_0 d = { .rnti_type = t };
    uint32_t nriv = (uint32_t)(n_rb * (n_rb + 1) / 2);
    d.frequency_domain_assignment = (uint32_t)(test_rng_next() % nriv);
    d.time_domain_assignment = rnd_bits(4);
    d.vrb_to_prb_mapping = rnd_bits(1);
    d.mcs = rnd_bits(5);
    if (t == DCI_RNTI_C || t == DCI_RNTI_TC) {
        d.ndi = rnd_bits(1);
        d.rv = rnd_bits(2);
        d.harq_process = rnd_bits(4);
        d.dai = t == DCI_RNTI_C ? rnd_bits(2) : 0;
        d.tpc = rnd_bits(2);
        d.pucch_resource = rnd_bits(3);
        d.harq_feedback_timing = rnd_bits(3);
    } else if (t == DCI_RNTI_SI) {
        d.rv = rnd_bits(2);
        d.system_information_indicator = rnd_bits(1);
    } else {
        d.tb_scaling = rnd_bits(2);
    }
    return d;
}

START_TEST(test_dci_round_trip_each_rnti_type)
{
    static const enum dci_rnti_type types[] = { DCI_RNTI_C, DCI_RNTI_TC, DCI_RNTI_SI, DCI_RNTI_RA };
    static const int sizes[] = { 1, 6, 24, 48, 96, 106, 275 };
    int checked = 0;
    for (int t = 0; t < 4; t++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int it = 0; it < 200; it++) {
                struct dci_1_0 d = random_dci(types[t], sizes[s]), back;
                uint8_t bits[DCI_1_0_MAX_BITS];
                int n = dci_1_0_pack(&d, sizes[s], bits, DCI_1_0_MAX_BITS);
                ck_assert_int_eq(n, dci_1_0_size(types[t], sizes[s]));
                ck_assert_int_eq(dci_1_0_unpack(bits, n, types[t], sizes[s], &back), 0);
                assert_dci_eq(&back, &d, "round trip");
                checked++;
            }
    ck_assert_int_eq(checked, 4 * 7 * 200);
}
END_TEST

START_TEST(test_dci_reserved_bits_sent_as_zero_and_ignored)
{
    /* SI-RNTI: the last 15 bits are reserved; RA-RNTI: the last 16; TC-RNTI: the DAI bits. */
    struct dci_1_0 si = random_dci(DCI_RNTI_SI, 48), ra = random_dci(DCI_RNTI_RA, 48), back;
    uint8_t bits[DCI_1_0_MAX_BITS];
    int n = dci_1_0_pack(&si, 48, bits, DCI_1_0_MAX_BITS);
    for (int i = n - 15; i < n; i++) {
        ck_assert_int_eq(bits[i], 0);
        bits[i] = 1;
    }
    ck_assert_int_eq(dci_1_0_unpack(bits, n, DCI_RNTI_SI, 48, &back), 0);
    assert_dci_eq(&back, &si, "SI with reserved bits set");
    n = dci_1_0_pack(&ra, 48, bits, DCI_1_0_MAX_BITS);
    for (int i = n - 16; i < n; i++)
        ck_assert_int_eq(bits[i], 0);

    struct dci_1_0 tc = random_dci(DCI_RNTI_TC, 24);
    tc.dai = 3; /* not part of the TC-RNTI layout: sent as 0 */
    n = dci_1_0_pack(&tc, 24, bits, DCI_1_0_MAX_BITS);
    int dai_pos = 1 + 9 + 4 + 1 + 5 + 1 + 2 + 4;
    ck_assert_int_eq(bits[dai_pos] | bits[dai_pos + 1], 0);
    ck_assert_int_eq(bits[0], 1); /* identifier: DL */
}
END_TEST

START_TEST(test_dci_rejects_bad_input)
{
    struct dci_1_0 d = random_dci(DCI_RNTI_C, 48), back;
    uint8_t bits[DCI_1_0_MAX_BITS];
    int n = dci_1_0_pack(&d, 48, bits, DCI_1_0_MAX_BITS);
    ck_assert_int_eq(n, 39);
    bits[0] = 0; /* format 0_0 */
    ck_assert_int_eq(dci_1_0_unpack(bits, n, DCI_RNTI_C, 48, &back), -EBADMSG);
    ck_assert_int_eq(dci_1_0_unpack(bits, n, DCI_RNTI_SI, 48, &back), 0); /* SI has no identifier */
    ck_assert_int_eq(dci_1_0_unpack(bits, n - 1, DCI_RNTI_SI, 48, &back), -EINVAL);
    ck_assert_int_eq(dci_1_0_pack(&d, 48, bits, n - 1), -EINVAL);
    d.mcs = 32;
    ck_assert_int_eq(dci_1_0_pack(&d, 48, bits, DCI_1_0_MAX_BITS), -EINVAL);
    d.mcs = 0;
    d.frequency_domain_assignment = 1u << 11;
    ck_assert_int_eq(dci_1_0_pack(&d, 48, bits, DCI_1_0_MAX_BITS), -EINVAL);
}
END_TEST

START_TEST(test_riv_round_trip_every_allocation)
{
    for (int n = 1; n <= DCI_MAX_BWP_RB; n++) {
        int count = 0;
        uint32_t nriv = (uint32_t)(n * (n + 1) / 2);
        for (int l = 1; l <= n; l++)
            for (int s = 0; s + l <= n; s++) {
                /* plain comparisons in the 3.5 million iterations; one assertion names the first failure */
                int riv = dci_riv_encode(n, s, l), s2 = -1, l2 = -1;
                bool ok = riv >= 0 && (uint32_t)riv < nriv && dci_riv_decode(n, (uint32_t)riv, &s2, &l2) == 0 &&
                          s2 == s && l2 == l;
                if (!ok)
                    ck_abort_msg("N %d: (%d, %d) -> RIV %d -> (%d, %d)", n, s, l, riv, s2, l2);
                count++;
            }
        ck_assert_int_eq((uint32_t)count, nriv); /* a bijection onto 0 .. N(N+1)/2 - 1 */
        int s, l;
        ck_assert_int_eq(dci_riv_decode(n, nriv, &s, &l), -EINVAL);
    }
}
END_TEST

START_TEST(test_riv_rejects_bad_allocations)
{
    ck_assert_int_eq(dci_riv_encode(48, 0, 0), -EINVAL);
    ck_assert_int_eq(dci_riv_encode(48, -1, 2), -EINVAL);
    ck_assert_int_eq(dci_riv_encode(48, 40, 9), -EINVAL);
    ck_assert_int_eq(dci_riv_encode(0, 0, 1), -EINVAL);
    ck_assert_int_eq(dci_riv_encode(276, 0, 1), -EINVAL);
    /* 38.214 5.1.2.2.2 by hand: L - 1 <= floor(N/2) -> N (L - 1) + start, else N (N - L + 1) + N - 1 - start */
    ck_assert_int_eq(dci_riv_encode(48, 5, 25), 48 * 24 + 5);
    ck_assert_int_eq(dci_riv_encode(48, 5, 26), 48 * 23 + 42);
}
END_TEST


/* DCI 0_0 (38.212 7.3.1.1.1), worked by hand for a 52-PRB UL BWP scheduled from a common search space on a
 * 48-RB CORESET#0: FDRA ceil(log2(52 x 53 / 2)) = 11 bits, so 0_0 has 31 bits and is padded with zeros to the 39
 * of format 1_0 (7.3.1.0). PRBs 10..13: RIV = 52 (4 - 1) + 10 = 166 = 00010100110. */
START_TEST(dci_0_0_hand_worked)
{
    ck_assert_int_eq(dci_0_0_size(52), 31);
    ck_assert_int_eq(dci_1_0_size(DCI_RNTI_C, 48), 39);
    struct dci_0_0 d = {.frequency_domain_assignment = (uint32_t)dci_riv_encode(52, 10, 4), .time_domain_assignment = 0,
                        .mcs = 9, .ndi = 1, .rv = 0, .harq_process = 0, .tpc = 1};
    ck_assert_uint_eq(d.frequency_domain_assignment, 166);
    uint8_t bits[64];
    ck_assert_int_eq(dci_0_0_pack(&d, 52, 39, bits, 64), 39);
    const char *expect = "0" "00010100110" "0000" "0" "01001" "1" "00" "0000" "01" "00000000";
    for (int i = 0; i < 39; i++) ck_assert_msg(bits[i] == (uint8_t)(expect[i] - '0'), "bit %d", i);
    /* Read back: every field, the padding ignored; a 1_0 (identifier 1) is refused, too few bits too. */
    struct dci_0_0 r;
    ck_assert_int_eq(dci_0_0_unpack(bits, 39, 52, &r), 0);
    ck_assert_mem_eq(&r, &d, sizeof r);
    struct dci_0_0 h = {.frequency_domain_assignment = 1234, .time_domain_assignment = 15, .frequency_hopping = 1,
                        .mcs = 31, .ndi = 0, .rv = 3, .harq_process = 15, .tpc = 2};
    ck_assert_int_eq(dci_0_0_pack(&h, 52, 39, bits, 64), 39);
    ck_assert_int_eq(dci_0_0_unpack(bits, 39, 52, &r), 0);
    ck_assert_mem_eq(&r, &h, sizeof r);
    bits[0] = 1;
    ck_assert_int_eq(dci_0_0_unpack(bits, 39, 52, &r), -EBADMSG);
    ck_assert_int_eq(dci_0_0_unpack(bits, 8, 52, &r), -EINVAL);
    /* A 0_0 larger than 1_0 (a 275-PRB UL BWP, 13 FDRA bits... here forced to 30 bits) loses FDRA MSBs. */
    ck_assert_int_eq(dci_0_0_pack(&d, 52, 30, bits, 64), 30);
    d.frequency_domain_assignment = 1u << 10; /* bit 10 set: cannot be truncated away */
    ck_assert_int_eq(dci_0_0_pack(&d, 52, 30, bits, 64), -EINVAL);
    d.frequency_domain_assignment = 0;
    d.mcs = 32;
    ck_assert_int_eq(dci_0_0_pack(&d, 52, 39, bits, 64), -EINVAL);
}
END_TEST

/* gnbd's 1_1 at 52 PRB (RRCSetup): one TDRA row, dynamic codebook, dl-DataToUL-ACK {1..8}, DM-RS type 1 len 1,
 * DCI 0_0/1_0 of 39 bits in SS#2. */
static const struct dci_1_1_config gnbd_1_1 = {.n_rb_bwp = 52, .nof_tdra_rows = 1, .dynamic_harq_codebook = true,
                                               .nof_dl_data_to_ul_ack = 8, .uss_1_0_size = 39};

/* By hand: identifier 1, FDRA 11 (ceil(log2(52 x 53 / 2)) = 11), TDRA 0 (I = 1), MCS 5, NDI 1, RV 2, HARQ 4, DAI 2,
 * TPC 2, PRI 3, k1 3 (I = 8), antenna ports 4, SRS request 2, DMRS init 1 = 41 bits. */
START_TEST(dci_1_1_hand_worked)
{
    ck_assert_int_eq(dci_1_1_size(&gnbd_1_1), 41);
    struct dci_1_1 d = {.frequency_domain_assignment = 0x5a5, .mcs = 27, .ndi = 1, .rv = 2, .harq_process = 9,
                        .dai = 3, .tpc = 1, .pucch_resource = 5, .harq_feedback_timing = 3, .antenna_ports = 3,
                        .srs_request = 0, .dmrs_seq_init = 1};
    uint8_t bits[64];
    ck_assert_int_eq(dci_1_1_pack(&d, &gnbd_1_1, bits, 64), 41);
    const char *expect = "1" "10110100101" "11011" "1" "10" "1001" "11" "01" "101" "011" "0011" "00" "1";
    ck_assert_int_eq((int)strlen(expect), 41);
    for (int i = 0; i < 41; i++) ck_assert_msg(bits[i] == (uint8_t)(expect[i] - '0'), "bit %d", i);
    struct dci_1_1 r;
    ck_assert_int_eq(dci_1_1_unpack(bits, 41, &gnbd_1_1, &r), 0);
    ck_assert_mem_eq(&r, &d, sizeof r);
    bits[0] = 0; /* an UL format */
    ck_assert_int_eq(dci_1_1_unpack(bits, 41, &gnbd_1_1, &r), -EBADMSG);
    ck_assert_int_eq(dci_1_1_unpack(bits, 40, &gnbd_1_1, &r), -EINVAL);
    ck_assert_int_eq(dci_1_1_pack(&d, &gnbd_1_1, bits, 40), -EINVAL); /* no room */
    d.harq_feedback_timing = 8; /* 3 bits */
    ck_assert_int_eq(dci_1_1_pack(&d, &gnbd_1_1, bits, 64), -EINVAL);
}
END_TEST

/* Each configurable field's width (38.212 7.3.1.2.2) and the padding bit of 7.3.1.0. */
START_TEST(dci_1_1_size_rules)
{
    struct dci_1_1_config c = gnbd_1_1;
    c.n_rb_bwp = 106; /* FDRA ceil(log2(106 x 107 / 2 = 5671)) = 13 */
    ck_assert_int_eq(dci_1_1_size(&c), 43);
    c.n_rb_bwp = 275; /* 37950 RIVs: 16 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 46);
    c = gnbd_1_1;
    c.nof_tdra_rows = 0; /* default table A: 16 rows, 4 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 45);
    c.nof_tdra_rows = 5; /* 3 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 44);
    c = gnbd_1_1;
    c.dynamic_harq_codebook = false; /* no DAI */
    ck_assert_int_eq(dci_1_1_size(&c), 39 + 1); /* 39 = the 0_0/1_0 size: one padding bit */
    c.uss_1_0_size = 0;
    ck_assert_int_eq(dci_1_1_size(&c), 39);
    c = gnbd_1_1;
    c.nof_dl_data_to_ul_ack = 1; /* 0 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 38);
    c.nof_dl_data_to_ul_ack = 5; /* 3 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 41);
    c = gnbd_1_1;
    c.dmrs_type2 = true; /* Table 7.3.1.2.2-3: 5 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 42);
    c.dmrs_max_length2 = true; /* 7.3.1.2.2-4: 6 bits */
    ck_assert_int_eq(dci_1_1_size(&c), 43);
    /* the padding bit is sent as 0 and ignored on reception */
    c = gnbd_1_1;
    c.dynamic_harq_codebook = false;
    struct dci_1_1 d = {.frequency_domain_assignment = 2047, .mcs = 31, .ndi = 1, .rv = 3, .harq_process = 15,
                        .tpc = 3, .pucch_resource = 7, .harq_feedback_timing = 7, .antenna_ports = 15,
                        .srs_request = 3, .dmrs_seq_init = 1}, r;
    uint8_t bits[64];
    ck_assert_int_eq(dci_1_1_pack(&d, &c, bits, 64), 40);
    ck_assert_int_eq(bits[39], 0);
    bits[39] = 1;
    ck_assert_int_eq(dci_1_1_unpack(bits, 40, &c, &r), 0);
    ck_assert_mem_eq(&r, &d, sizeof r);
    /* configurations outside the ranges */
    const struct dci_1_1_config bad[] = {
        {.n_rb_bwp = 0, .nof_dl_data_to_ul_ack = 1}, {.n_rb_bwp = 276, .nof_dl_data_to_ul_ack = 1},
        {.n_rb_bwp = 52, .nof_tdra_rows = 17, .nof_dl_data_to_ul_ack = 1}, {.n_rb_bwp = 52, .nof_dl_data_to_ul_ack = 0},
        {.n_rb_bwp = 52, .nof_dl_data_to_ul_ack = 9}, {.n_rb_bwp = 52, .nof_dl_data_to_ul_ack = 1, .uss_1_0_size = -1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dci_1_1_size(&bad[i]), -EINVAL);
        ck_assert_int_eq(dci_1_1_pack(&d, &bad[i], bits, 64), -EINVAL);
        ck_assert_int_eq(dci_1_1_unpack(bits, 40, &bad[i], &r), -EINVAL);
    }
    ck_assert_int_eq(dci_1_1_size(NULL), -EINVAL);
}
END_TEST


/* Random configurations: random fields round trip; random bits of the right size unpack (identifier 1) or are
 * refused (identifier 0), and what unpacks packs back to the same bits but the padding. */
START_TEST(dci_1_1_round_trip_and_random_bits)
{
    for (int it = 0; it < 2000; it++) {
        struct dci_1_1_config c = {.n_rb_bwp = 1 + (int)(test_rng_next() % 275),
                                   .nof_tdra_rows = (int)(test_rng_next() % 17),
                                   .dynamic_harq_codebook = test_rng_next() & 1,
                                   .nof_dl_data_to_ul_ack = 1 + (int)(test_rng_next() % 8),
                                   .dmrs_type2 = test_rng_next() & 1, .dmrs_max_length2 = test_rng_next() & 1,
                                   .uss_1_0_size = 30 + (int)(test_rng_next() % 20)};
        int size = dci_1_1_size(&c);
        ck_assert_int_gt(size, 0);
        ck_assert_int_le(size, DCI_1_1_MAX_BITS);
        int fdra = dci_fdra_bits(c.n_rb_bwp), ti = c.nof_tdra_rows ? c.nof_tdra_rows : 16, tb = 0, kb = 0;
        while ((1 << tb) < ti) tb++;
        while ((1 << kb) < c.nof_dl_data_to_ul_ack) kb++;
        struct dci_1_1 d = {.frequency_domain_assignment = rnd_bits(fdra), .time_domain_assignment = rnd_bits(tb),
                            .mcs = rnd_bits(5), .ndi = rnd_bits(1), .rv = rnd_bits(2), .harq_process = rnd_bits(4),
                            .dai = c.dynamic_harq_codebook ? rnd_bits(2) : 0, .tpc = rnd_bits(2),
                            .pucch_resource = rnd_bits(3), .harq_feedback_timing = rnd_bits(kb),
                            .antenna_ports = rnd_bits(4 + c.dmrs_type2 + c.dmrs_max_length2),
                            .srs_request = rnd_bits(2), .dmrs_seq_init = rnd_bits(1)}, r;
        uint8_t bits[DCI_1_1_MAX_BITS], again[DCI_1_1_MAX_BITS];
        ck_assert_int_eq(dci_1_1_pack(&d, &c, bits, DCI_1_1_MAX_BITS), size);
        ck_assert_int_eq(dci_1_1_unpack(bits, size, &c, &r), 0);
        ck_assert_mem_eq(&r, &d, sizeof r);
        for (int i = 0; i < size; i++) bits[i] = (uint8_t)rnd_bits(1);
        int rc = dci_1_1_unpack(bits, size, &c, &r);
        ck_assert_int_eq(rc, bits[0] ? 0 : -EBADMSG);
        if (rc == 0) {
            ck_assert_int_eq(dci_1_1_pack(&r, &c, again, DCI_1_1_MAX_BITS), size);
            struct dci_1_1_config nopad = c;
            nopad.uss_1_0_size = 0;
            bool padded = dci_1_1_size(&nopad) < size; /* the padding bit packs back as 0 */
            ck_assert_mem_eq(again, bits, (size_t)(size - padded));
        }
    }
}
END_TEST

/* gnbd's 0_1 at 52 PRB (RRCSetup's PUSCH-Config: resource allocation type 1, one TDRA row, no txConfig, DM-RS type
 * 1 len 1, no transform precoder, betaOffsets semiStatic, no CSI reportTriggerSize; dynamic codebook; the one
 * UE-specific search space carries 0_1/1_1 only). */
static const struct dci_0_1_config gnbd_0_1 = {.n_rb_bwp = 52, .nof_tdra_rows = 1, .dynamic_harq_codebook = true};

/* By hand, 38.212 7.3.1.1.2 in its order: identifier 0 (1 bit), carrier indicator 0, UL/SUL 0, BWP indicator 0,
 * FDRA type 1 ceil(log2(52 x 53 / 2 = 1378)) = 11, TDRA ceil(log2(I = 1)) = 0, frequency hopping 0, MCS 5, NDI 1,
 * RV 2, HARQ 4, 1st DAI 2 (dynamic), 2nd DAI 0, TPC 2, SRI 0 and precoding 0 (no txConfig), antenna ports 3
 * (Table 7.3.1.1.2-8), SRS request 2, CSI request 0, CBG 0, PTRS-DMRS 0, beta_offset 0, DMRS sequence
 * initialization 1, UL-SCH indicator 1 = 35 bits. 106 PRB: FDRA ceil(log2(5671)) = 13, 37 bits.
 * 52 PRB: RB 4 + 20 -> RIV 52 x 19 + 4 = 992 = 01111100000, MCS 20, NDI 1, RV 2, HARQ 11, DAI 3, TPC 1, ports 2
 * (port 0, two CDM groups without data), SRS 0, n_SCID 0, UL-SCH 1:
 *   0 01111100000 10100 1 10 1011 11 01 010 00 0 1
 * 106 PRB: RB 50 + 56 -> L - 1 = 55 > 53: RIV 106 x (106 - 56 + 1) + (106 - 1 - 50) = 5461 = 1010101010101,
 * MCS 27, NDI 0, RV 0, HARQ 0, DAI 0, TPC 1, ports 2, SRS 0, n_SCID 0, UL-SCH 1:
 *   0 1010101010101 11011 0 00 0000 00 01 010 00 0 1 */
START_TEST(dci_0_1_hand_worked)
{
    struct {
        int n_rb, start, len, size;
        struct dci_0_1 d;
        const char *expect;
    } v[] = {{52, 4, 20, 35, {.mcs = 20, .ndi = 1, .rv = 2, .harq_process = 11, .dai1 = 3, .tpc = 1,
                              .antenna_ports = 2, .ulsch_indicator = 1},
              "0" "01111100000" "10100" "1" "10" "1011" "11" "01" "010" "00" "0" "1"},
             {106, 50, 56, 37, {.mcs = 27, .tpc = 1, .antenna_ports = 2, .ulsch_indicator = 1},
              "0" "1010101010101" "11011" "0" "00" "0000" "00" "01" "010" "00" "0" "1"}};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        struct dci_0_1_config c = gnbd_0_1;
        c.n_rb_bwp = v[k].n_rb;
        ck_assert_int_eq(dci_0_1_size(&c), v[k].size);
        ck_assert_int_eq((int)strlen(v[k].expect), v[k].size);
        struct dci_0_1 d = v[k].d, r;
        d.frequency_domain_assignment = (uint32_t)dci_riv_encode(v[k].n_rb, v[k].start, v[k].len);
        uint8_t bits[64];
        ck_assert_int_eq(dci_0_1_pack(&d, &c, bits, 64), v[k].size);
        for (int i = 0; i < v[k].size; i++) ck_assert_msg(bits[i] == (uint8_t)(v[k].expect[i] - '0'), "bit %d", i);
        ck_assert_int_eq(dci_0_1_unpack(bits, v[k].size, &c, &r), 0);
        ck_assert_mem_eq(&r, &d, sizeof r);
        ck_assert_int_eq(dci_0_1_unpack(bits, v[k].size - 1, &c, &r), -EINVAL);
        ck_assert_int_eq(dci_0_1_pack(&d, &c, bits, v[k].size - 1), -EINVAL); /* no room */
        bits[0] = 1; /* a DL format */
        ck_assert_int_eq(dci_0_1_unpack(bits, v[k].size, &c, &r), -EBADMSG);
        d.antenna_ports = 8; /* 3 bits */
        ck_assert_int_eq(dci_0_1_pack(&d, &c, bits, 64), -EINVAL);
    }
}
END_TEST

/* Each configurable field's width (38.212 7.3.1.1.2) and the padding bit of 7.3.1.0. */
START_TEST(dci_0_1_size_rules)
{
    struct dci_0_1_config c = gnbd_0_1;
    c.n_rb_bwp = 275; /* 16 FDRA bits */
    ck_assert_int_eq(dci_0_1_size(&c), 40);
    c = gnbd_0_1;
    c.nof_tdra_rows = 0; /* default table A: 4 bits */
    ck_assert_int_eq(dci_0_1_size(&c), 39);
    c.nof_tdra_rows = 16;
    ck_assert_int_eq(dci_0_1_size(&c), 39);
    c = gnbd_0_1;
    c.dynamic_harq_codebook = false; /* 1st DAI 1 bit */
    ck_assert_int_eq(dci_0_1_size(&c), 34);
    c = gnbd_0_1;
    c.dmrs_max_length2 = true; /* Table 7.3.1.1.2-12: 4 bits */
    ck_assert_int_eq(dci_0_1_size(&c), 36);
    c.dmrs_type2 = true; /* 7.3.1.1.2-20: 5 bits */
    ck_assert_int_eq(dci_0_1_size(&c), 37);
    c.dmrs_max_length2 = false; /* 7.3.1.1.2-16: 4 bits */
    ck_assert_int_eq(dci_0_1_size(&c), 36);
    c = gnbd_0_1;
    c.transform_precoding = true; /* Table 7.3.1.1.2-6: 2 bits, no DMRS sequence initialization */
    ck_assert_int_eq(dci_0_1_size(&c), 33);
    c.dmrs_max_length2 = true; /* 7.3.1.1.2-7: 4 bits */
    ck_assert_int_eq(dci_0_1_size(&c), 35);
    c = gnbd_0_1;
    c.uss_0_0_size = 35; /* a 0_0/1_0 of another UE-specific search space of the same size: one padding bit */
    ck_assert_int_eq(dci_0_1_size(&c), 36);
    struct dci_0_1 d = {.frequency_domain_assignment = 1377, .mcs = 31, .ndi = 1, .rv = 3, .harq_process = 15,
                        .dai1 = 3, .tpc = 3, .antenna_ports = 7, .srs_request = 3, .dmrs_seq_init = 1,
                        .ulsch_indicator = 1}, r;
    uint8_t bits[64];
    ck_assert_int_eq(dci_0_1_pack(&d, &c, bits, 64), 36);
    ck_assert_int_eq(bits[35], 0);
    bits[35] = 1; /* ignored on reception */
    ck_assert_int_eq(dci_0_1_unpack(bits, 36, &c, &r), 0);
    ck_assert_mem_eq(&r, &d, sizeof r);
    const struct dci_0_1_config bad[] = {{.n_rb_bwp = 0}, {.n_rb_bwp = 276}, {.n_rb_bwp = 52, .nof_tdra_rows = 17},
                                         {.n_rb_bwp = 52, .nof_tdra_rows = -1}, {.n_rb_bwp = 52, .uss_0_0_size = -1},
                                         {.n_rb_bwp = 52, .transform_precoding = true, .dmrs_type2 = true}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dci_0_1_size(&bad[i]), -EINVAL);
        ck_assert_int_eq(dci_0_1_pack(&d, &bad[i], bits, 64), -EINVAL);
        ck_assert_int_eq(dci_0_1_unpack(bits, 36, &bad[i], &r), -EINVAL);
    }
    ck_assert_int_eq(dci_0_1_size(NULL), -EINVAL);
    ck_assert_int_eq(dci_0_1_pack(NULL, &c, bits, 64), -EINVAL);
}
END_TEST

/* Random configurations: random fields round trip; random bits of the right size unpack (identifier 0) or are
 * refused (identifier 1). */
START_TEST(dci_0_1_round_trip_and_random_bits)
{
    for (int it = 0; it < 2000; it++) {
        struct dci_0_1_config c = {.n_rb_bwp = 1 + (int)(test_rng_next() % 275),
                                   .nof_tdra_rows = (int)(test_rng_next() % 17),
                                   .dynamic_harq_codebook = test_rng_next() & 1,
                                   .transform_precoding = test_rng_next() & 1,
                                   .dmrs_max_length2 = test_rng_next() & 1};
        c.dmrs_type2 = !c.transform_precoding && (test_rng_next() & 1);
        int size = dci_0_1_size(&c);
        ck_assert_int_gt(size, 0);
        ck_assert_int_le(size, DCI_1_1_MAX_BITS);
        int ti = c.nof_tdra_rows ? c.nof_tdra_rows : 16, tb = 0;
        while ((1 << tb) < ti) tb++;
        int ports = c.transform_precoding ? (c.dmrs_max_length2 ? 4 : 2)
                                          : 3 + (c.dmrs_type2 || c.dmrs_max_length2) + (c.dmrs_type2 && c.dmrs_max_length2);
        struct dci_0_1 d = {.frequency_domain_assignment = rnd_bits(dci_fdra_bits(c.n_rb_bwp)),
                            .time_domain_assignment = rnd_bits(tb), .mcs = rnd_bits(5), .ndi = rnd_bits(1),
                            .rv = rnd_bits(2), .harq_process = rnd_bits(4),
                            .dai1 = rnd_bits(c.dynamic_harq_codebook ? 2 : 1), .tpc = rnd_bits(2),
                            .antenna_ports = rnd_bits(ports), .srs_request = rnd_bits(2),
                            .dmrs_seq_init = c.transform_precoding ? 0 : rnd_bits(1), .ulsch_indicator = rnd_bits(1)}, r;
        uint8_t bits[DCI_1_1_MAX_BITS], again[DCI_1_1_MAX_BITS];
        ck_assert_int_eq(dci_0_1_pack(&d, &c, bits, DCI_1_1_MAX_BITS), size);
        ck_assert_int_eq(dci_0_1_unpack(bits, size, &c, &r), 0);
        ck_assert_mem_eq(&r, &d, sizeof r);
        for (int i = 0; i < size; i++) bits[i] = (uint8_t)rnd_bits(1);
        int rc = dci_0_1_unpack(bits, size, &c, &r);
        ck_assert_int_eq(rc, bits[0] ? -EBADMSG : 0);
        if (rc == 0) {
            ck_assert_int_eq(dci_0_1_pack(&r, &c, again, DCI_1_1_MAX_BITS), size);
            ck_assert_mem_eq(again, bits, (size_t)size);
        }
    }
}
END_TEST

static Suite *dci_suite(void)
{
    Suite *s = suite_create("dci");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_dci_pack_equals_every_vector);
    tcase_add_test(tc, test_dci_unpack_gives_every_vectors_fields);
    tcase_add_test(tc, test_dci_riv_matches_vectors);
    tcase_add_test(tc, test_dci_sizes_for_24_48_96_rb);
    tcase_add_test(tc, test_dci_round_trip_each_rnti_type);
    tcase_add_test(tc, test_dci_reserved_bits_sent_as_zero_and_ignored);
    tcase_add_test(tc, test_dci_rejects_bad_input);
    tcase_add_test(tc, test_riv_round_trip_every_allocation);
    tcase_add_test(tc, test_riv_rejects_bad_allocations);
    tcase_add_test(tc, dci_0_0_hand_worked);
    tcase_add_test(tc, dci_1_1_hand_worked);
    tcase_add_test(tc, dci_1_1_size_rules);
    tcase_add_test(tc, dci_1_1_round_trip_and_random_bits);
    tcase_add_test(tc, dci_0_1_hand_worked);
    tcase_add_test(tc, dci_0_1_size_rules);
    tcase_add_test(tc, dci_0_1_round_trip_and_random_bits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(dci_suite());
}
