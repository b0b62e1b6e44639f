/* The UE's messages up to RRC setup: UL-CCCH RRCSetupRequest and UL-DCCH RRCSetupComplete (38.331 6.2.2).
 * Encoded in the test, decoded by gnbd's decoders and by Wireshark, and the two readings compared field by
 * field; a hand-worked bit pattern; extension additions of later releases skipped by their lengths; and
 * truncated, corrupted or random input refused without reading out of bounds. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1/uper.h"
#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ul_dcch.h"
#include "rrc_random.h"
#include "tshark_check.h"
#include "tests/unit/check_run.h"

/* ---- RRCSetupRequest ------------------------------------------------------------------------------------ */

/* X.691 by hand: message c1 (0), c1 rrcSetupRequest (00), ue-Identity randomValue (1), 39 bits 0x123456789A,
 * establishmentCause mo-Signalling (0011), spare (0): 0001 | 0x123456789A << 5 | 0110 = 0x12468ACF1346. */
START_TEST(test_setup_request_known_bits)
{
    const struct rrc_setup_request req = {.ue_identity_is_tmsi_part1 = false, .ue_identity = 0x123456789Aull,
                                          .establishment_cause = RRC_CAUSE_MO_SIGNALLING};
    uint8_t buf[8];
    size_t len;
    ck_assert_int_eq(rrc_ul_ccch_encode_setup_request(&req, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, RRC_UL_CCCH_SETUP_REQUEST_BYTES);
    static const uint8_t want[6] = {0x12, 0x46, 0x8a, 0xcf, 0x13, 0x46};
    ck_assert_mem_eq(buf, want, 6);
    struct rrc_ul_ccch_msg m;
    ck_assert_int_eq(rrc_ul_ccch_decode(want, 6, &m), 0);
    ck_assert_int_eq(m.type, RRC_UL_CCCH_SETUP_REQUEST);
    ck_assert(!m.setup_request.ue_identity_is_tmsi_part1);
    ck_assert_uint_eq(m.setup_request.ue_identity, 0x123456789Aull);
    ck_assert_int_eq(m.setup_request.establishment_cause, RRC_CAUSE_MO_SIGNALLING);
}
END_TEST

/* Random RRCSetupRequests: gnbd's decoder and Wireshark read the same identity, cause and spare bit, and they
 * are what was encoded. */
START_TEST(test_setup_request_decoders_agree)
{
    enum { N = 64 };
    struct rrc_setup_request req[N];
    uint8_t buf[N][8];
    const uint8_t *pdus[N];
    size_t lens[N];
    test_rng_seed(31);
    for (int i = 0; i < N; i++) {
        req[i] = (struct rrc_setup_request){.ue_identity_is_tmsi_part1 = coin(),
                                            .ue_identity = test_rng_next() >> 25, .establishment_cause = rnd(0, 15)};
        ck_assert_int_eq(rrc_ul_ccch_encode_setup_request(&req[i], buf[i], sizeof buf[i], &lens[i]), 0);
        pdus[i] = buf[i];
    }
    struct tshark_pkt pkts[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.ccch", pdus, lens, N, pkts), N);
    for (int i = 0; i < N; i++) {
        struct rrc_ul_ccch_msg m;
        ck_assert_int_eq(rrc_ul_ccch_decode(buf[i], lens[i], &m), 0);
        const struct rrc_setup_request *d = &m.setup_request;
        ck_assert_int_eq(d->ue_identity_is_tmsi_part1, req[i].ue_identity_is_tmsi_part1);
        ck_assert_uint_eq(d->ue_identity, req[i].ue_identity);
        ck_assert_int_eq(d->establishment_cause, req[i].establishment_cause);
        const struct tshark_pkt *p = &pkts[i];
        ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
        EXPECT_NAME(p, "rrcSetupRequest_element/ue_Identity", 0, "%s", d->ue_identity_is_tmsi_part1 ? "ng-5G-S-TMSI-Part1" : "randomValue");
        EXPECT_BITS(p, d->ue_identity_is_tmsi_part1 ? "ue_Identity/ng_5G_S_TMSI_Part1" : "ue_Identity/randomValue", 0, 39,
                    d->ue_identity);
        EXPECT_INT(p, "rrcSetupRequest_element/establishmentCause", 0, d->establishment_cause);
        EXPECT_BITS(p, "rrcSetupRequest_element/spare", 0, 1, d->spare);
    }
    tshark_pkts_free(pkts, N);
}
END_TEST

/* Foreign bytes: the RRCSetupRequests srsUE really sent to gnbd (tests/vectors/rrc/, origin in its README) decode
 * with gnbd's decoder to what Wireshark reads: randomValue identity, mo-Signalling (srsUE's cause at attach). */
START_TEST(test_setup_request_from_srsue)
{
    FILE *f = fopen("tests/vectors/rrc/srsue_rrc_setup_request.hex", "r");
    ck_assert_ptr_nonnull(f);
    uint8_t buf[8][6];
    const uint8_t *pdus[8];
    size_t lens[8];
    char line[64];
    int n = 0;
    while (n < 8 && fgets(line, sizeof line, f)) {
        for (int i = 0; i < 6; i++) {
            unsigned v;
            ck_assert_int_eq(sscanf(line + 2 * i, "%2x", &v), 1);
            buf[n][i] = (uint8_t)v;
        }
        pdus[n] = buf[n];
        lens[n] = 6;
        n++;
    }
    fclose(f);
    ck_assert_int_ge(n, 2);
    struct tshark_pkt pkts[8];
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.ccch", pdus, lens, n, pkts), n);
    for (int i = 0; i < n; i++) {
        struct rrc_ul_ccch_msg m;
        ck_assert_int_eq(rrc_ul_ccch_decode(buf[i], 6, &m), 0);
        const struct rrc_setup_request *d = &m.setup_request;
        ck_assert(!d->ue_identity_is_tmsi_part1);
        ck_assert_int_eq(d->establishment_cause, 3); /* mo-Signalling */
        const struct tshark_pkt *p = &pkts[i];
        ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
        EXPECT_NAME(p, "rrcSetupRequest_element/ue_Identity", 0, "%s", "randomValue");
        EXPECT_BITS(p, "ue_Identity/randomValue", 0, 39, d->ue_identity);
        EXPECT_INT(p, "rrcSetupRequest_element/establishmentCause", 0, d->establishment_cause);
        uint8_t again[8];
        size_t len;
        ck_assert_int_eq(rrc_ul_ccch_encode_setup_request(d, again, sizeof again, &len), 0);
        ck_assert_uint_eq(len, 6);
        ck_assert_int_eq(memcmp(again, buf[i], 6), 0);
    }
    tshark_pkts_free(pkts, n);
}
END_TEST

/* Every 6-byte input decodes as a RRCSetupRequest or is reported as another UL-CCCH message; shorter input is
 * malformed; random input of any length never reads past its end (ASan). */
START_TEST(test_setup_request_decoder_on_any_input)
{
    test_rng_seed(32);
    int setup = 0, other = 0;
    for (int i = 0; i < 100000; i++) {
        uint8_t b[16];
        for (int k = 0; k < 16; k++) b[k] = (uint8_t)test_rng_next();
        size_t len = (size_t)rnd(0, 16);
        struct rrc_ul_ccch_msg m;
        int err = rrc_ul_ccch_decode(b, len, &m);
        if (len < 6 && (b[0] & 0xe0) == 0) ck_assert_int_eq(err, -EBADMSG); /* c1 rrcSetupRequest, cut short */
        if (len >= 6) ck_assert(err == 0 || err == -ENOTSUP);
        if (err == -ENOTSUP) ck_assert_int_eq(m.type, (b[0] & 0x80) ? RRC_UL_CCCH_CLASS_EXTENSION : (b[0] >> 5) & 3);
        setup += err == 0;
        other += err == -ENOTSUP;
    }
    ck_assert_int_gt(setup, 0);
    ck_assert_int_gt(other, 0);
}
END_TEST

/* ---- RRCSetupComplete ----------------------------------------------------------------------------------- */

/* A plain 5GMM Registration Request (24.501 8.2.6): initial registration, SUCI with the null scheme and a
 * random MSIN, UE security capability, and sometimes a 5GMM capability IE: what a UE puts in RRCSetupComplete. */
static size_t registration_request(uint8_t *nas)
{
    static const uint8_t head[] = {0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0xf0, 0xff, 0x00, 0x00};
    size_t n = sizeof head;
    memcpy(nas, head, n);
    for (int i = 0; i < 5; i++) nas[n++] = (uint8_t)(rnd(0, 9) | rnd(0, 9) << 4); /* MSIN, BCD */
    static const uint8_t sec[] = {0x2e, 0x04, 0xf0, 0xf0, 0xf0, 0xf0};
    memcpy(nas + n, sec, sizeof sec);
    n += sizeof sec;
    if (coin()) {
        nas[n++] = 0x10; /* 5GMM capability */
        nas[n++] = 0x01;
        nas[n++] = (uint8_t)rnd(0, 255);
    }
    return n;
}

static void random_setup_complete(struct rrc_setup_complete *s, bool valid_nas)
{
    memset(s, 0, sizeof *s);
    s->transaction_id = rnd(0, 3);
    s->selected_plmn_identity = rnd(1, 12);
    s->has_registered_amf = coin();
    s->registered_amf_has_plmn = coin();
    s->registered_amf_plmn = (struct rrc_plmn_identity){.has_mcc = coin(), .mcc = {1, 2, 3}, .mnc_len = rnd(2, 3),
                                                        .mnc = {(uint8_t)rnd(0, 9), (uint8_t)rnd(0, 9), 7}};
    s->amf_identifier = (uint32_t)rnd(0, 0xffffff);
    s->has_guami_type = coin();
    s->guami_mapped = coin();
    s->nof_s_nssai = rnd(0, 3);
    for (int i = 0; i < s->nof_s_nssai; i++)
        s->s_nssai[i] = (struct rrc_s_nssai){.has_sd = coin(), .sst = (uint8_t)rnd(0, 255)};
    for (int i = 0; i < s->nof_s_nssai; i++) s->s_nssai[i].sd = s->s_nssai[i].has_sd ? (uint32_t)rnd(0, 0xffffff) : 0;
    if (valid_nas) {
        s->dedicated_nas_len = registration_request(s->dedicated_nas);
    } else {
        s->dedicated_nas_len = (size_t)(coin() ? rnd(0, 200) : rnd(0, RRC_DEDICATED_NAS_MAX));
        for (size_t i = 0; i < s->dedicated_nas_len; i++) s->dedicated_nas[i] = (uint8_t)test_rng_next();
    }
    s->has_ng_5g_s_tmsi = coin();
    s->ng_5g_s_tmsi_is_part2 = coin();
    s->ng_5g_s_tmsi = s->ng_5g_s_tmsi_is_part2 ? (uint64_t)rnd(0, 511) : test_rng_next() >> 16;
    s->has_v1610 = coin();
    s->iab_node_indication = coin(), s->idle_meas_available = coin(), s->mobility_history_avail = coin();
    s->has_ue_meas_available = coin();
    s->log_meas_available = coin(), s->log_meas_available_bt = coin(), s->log_meas_available_wlan = coin();
    s->conn_est_fail_info_available = coin(), s->rlf_info_available = coin();
    s->has_mobility_state = coin();
    s->mobility_state = rnd(0, 3);
    s->has_v1690 = coin();
    s->ul_rrc_segmentation = coin();
    s->has_v1700 = s->has_v1690 && coin();
    s->onboarding_request = s->has_v1700 && coin();
}

/* Every field gnbd decoded equals what was encoded (the non-critical extension chain only as far as sent). */
static void expect_same_setup_complete(const struct rrc_setup_complete *a, const struct rrc_setup_complete *b)
{
    ck_assert_int_eq(a->transaction_id, b->transaction_id);
    ck_assert_int_eq(a->selected_plmn_identity, b->selected_plmn_identity);
    ck_assert_int_eq(a->has_registered_amf, b->has_registered_amf);
    if (a->has_registered_amf) {
        ck_assert_uint_eq(a->amf_identifier, b->amf_identifier);
        ck_assert_int_eq(a->registered_amf_has_plmn, b->registered_amf_has_plmn);
        if (a->registered_amf_has_plmn) {
            ck_assert_int_eq(a->registered_amf_plmn.mnc_len, b->registered_amf_plmn.mnc_len);
            ck_assert_mem_eq(a->registered_amf_plmn.mnc, b->registered_amf_plmn.mnc, (size_t)a->registered_amf_plmn.mnc_len);
        }
    }
    ck_assert_int_eq(a->has_guami_type, b->has_guami_type);
    ck_assert_int_eq(a->nof_s_nssai, b->nof_s_nssai);
    for (int i = 0; i < a->nof_s_nssai; i++) {
        ck_assert_int_eq(a->s_nssai[i].sst, b->s_nssai[i].sst);
        ck_assert_uint_eq(a->s_nssai[i].sd, b->s_nssai[i].sd);
    }
    ck_assert_uint_eq(a->dedicated_nas_len, b->dedicated_nas_len);
    if (a->dedicated_nas_len) ck_assert_mem_eq(a->dedicated_nas, b->dedicated_nas, a->dedicated_nas_len);
    ck_assert_int_eq(a->has_ng_5g_s_tmsi, b->has_ng_5g_s_tmsi);
    if (a->has_ng_5g_s_tmsi) ck_assert_uint_eq(a->ng_5g_s_tmsi, b->ng_5g_s_tmsi);
    ck_assert_int_eq(a->has_v1610, b->has_v1610);
    if (!a->has_v1610) return;
    ck_assert_int_eq(a->has_ue_meas_available, b->has_ue_meas_available);
    ck_assert_int_eq(a->has_ue_meas_available && a->rlf_info_available, b->rlf_info_available);
    ck_assert_int_eq(a->has_mobility_state, b->has_mobility_state);
    ck_assert_int_eq(a->has_v1690, b->has_v1690);
    ck_assert_int_eq(a->has_v1690 && a->ul_rrc_segmentation, b->ul_rrc_segmentation);
    ck_assert_int_eq(a->has_v1700 && a->onboarding_request, b->onboarding_request);
}

/* The hex digits of a tshark byte field ("7e:00:41..." or "7e0041...") as bytes; returns the count. */
static size_t tshark_bytes(const struct tshark_pkt *p, const char *path, uint8_t *out, size_t cap)
{
    static char v[65536];
    const char *line = tshark_find(p, path, 0);
    if (!line) return 0;
    tshark_col(line, 1, v, sizeof v);
    size_t n = 0;
    int half = -1;
    for (const char *c = v; *c && n < cap; c++) {
        int d = *c >= '0' && *c <= '9' ? *c - '0' : *c >= 'a' && *c <= 'f' ? *c - 'a' + 10 : -1;
        if (d < 0) continue;
        if (half < 0) {
            half = d;
        } else {
            out[n++] = (uint8_t)(half << 4 | d);
            half = -1;
        }
    }
    return n;
}

static void expect_tshark_setup_complete(const struct tshark_pkt *p, const struct rrc_setup_complete *s)
{
#define IE "criticalExtensions/rrcSetupComplete_element/"
    ck_assert_msg(p->problems == 0, "tshark: %s", p->problem);
    EXPECT_NAME(p, "UL_DCCH_Message_element/message/c1", 0, "rrcSetupComplete");
    EXPECT_INT(p, "rrc_TransactionIdentifier", 0, s->transaction_id);
    EXPECT_INT(p, IE "selectedPLMN_Identity", 0, s->selected_plmn_identity);
    EXPECT_COUNT(p, IE "registeredAMF_element", s->has_registered_amf);
    if (s->has_registered_amf) {
        EXPECT_BITS(p, "registeredAMF_element/amf_Identifier", 0, 24, s->amf_identifier);
        const struct rrc_plmn_identity *id = &s->registered_amf_plmn;
        EXPECT_COUNT(p, "registeredAMF_element/plmn_Identity_element", s->registered_amf_has_plmn);
        EXPECT_COUNT(p, "plmn_Identity_element/mcc/MCC_MNC_Digit", s->registered_amf_has_plmn && id->has_mcc ? 3 : 0);
        for (int d = 0; s->registered_amf_has_plmn && d < id->mnc_len; d++)
            EXPECT_INT(p, "plmn_Identity_element/mnc/MCC_MNC_Digit", d, id->mnc[d]);
    }
    EXPECT_COUNT(p, IE "guami_Type", s->has_guami_type);
    if (s->has_guami_type) EXPECT_NAME(p, IE "guami_Type", 0, "%s", s->guami_mapped ? "mapped" : "native");
    EXPECT_COUNT(p, "s_NSSAI_List/S_NSSAI", s->nof_s_nssai);
    int n_sst = 0, n_sd = 0;
    for (int i = 0; i < s->nof_s_nssai; i++) {
        if (s->s_nssai[i].has_sd)
            EXPECT_BITS(p, "s_NSSAI_List/S_NSSAI/sst_SD", n_sd++, 32, (uint32_t)s->s_nssai[i].sst << 24 | s->s_nssai[i].sd);
        else
            EXPECT_BITS(p, "s_NSSAI_List/S_NSSAI/sst", n_sst++, 8, s->s_nssai[i].sst);
    }
    static uint8_t nas[RRC_DEDICATED_NAS_MAX];
    size_t n = tshark_bytes(p, IE "dedicatedNAS_Message", nas, sizeof nas);
    ck_assert_uint_eq(n, s->dedicated_nas_len);
    ck_assert_mem_eq(nas, s->dedicated_nas, n);
    EXPECT_NAME(p, "dedicatedNAS_Message/nas-5gs/nas_5gs.mm.message_type", 0, "Registration");
    EXPECT_COUNT(p, IE "ng_5G_S_TMSI_Value", s->has_ng_5g_s_tmsi);
    if (s->has_ng_5g_s_tmsi) {
        if (s->ng_5g_s_tmsi_is_part2)
            EXPECT_BITS(p, "ng_5G_S_TMSI_Value/ng_5G_S_TMSI_Part2", 0, 9, s->ng_5g_s_tmsi);
        else
            EXPECT_BITS(p, "ng_5G_S_TMSI_Value/ng_5G_S_TMSI", 0, 48, s->ng_5g_s_tmsi);
    }
    EXPECT_COUNT(p, IE "nonCriticalExtension_element", s->has_v1610);
    if (!s->has_v1610) return;
#define V16 IE "nonCriticalExtension_element/"
    EXPECT_COUNT(p, V16 "iab_NodeIndication_r16", s->iab_node_indication);
    EXPECT_COUNT(p, V16 "idleMeasAvailable_r16", s->idle_meas_available);
    EXPECT_COUNT(p, V16 "mobilityHistoryAvail_r16", s->mobility_history_avail);
    EXPECT_COUNT(p, V16 "ue_MeasurementsAvailable_r16_element", s->has_ue_meas_available);
    bool um = s->has_ue_meas_available;
    EXPECT_COUNT(p, "ue_MeasurementsAvailable_r16_element/logMeasAvailable_r16", um && s->log_meas_available);
    EXPECT_COUNT(p, "ue_MeasurementsAvailable_r16_element/logMeasAvailableBT_r16", um && s->log_meas_available_bt);
    EXPECT_COUNT(p, "ue_MeasurementsAvailable_r16_element/logMeasAvailableWLAN_r16", um && s->log_meas_available_wlan);
    EXPECT_COUNT(p, "ue_MeasurementsAvailable_r16_element/connEstFailInfoAvailable_r16", um && s->conn_est_fail_info_available);
    EXPECT_COUNT(p, "ue_MeasurementsAvailable_r16_element/rlf_InfoAvailable_r16", um && s->rlf_info_available);
    EXPECT_COUNT(p, V16 "mobilityState_r16", s->has_mobility_state);
    if (s->has_mobility_state) EXPECT_INT(p, V16 "mobilityState_r16", 0, s->mobility_state);
    EXPECT_COUNT(p, "ul_RRC_Segmentation_r16", s->has_v1690 && s->ul_rrc_segmentation);
    EXPECT_COUNT(p, "onboardingRequest_r17", s->has_v1700 && s->onboarding_request);
#undef V16
#undef IE
}

/* Random RRCSetupCompletes carrying Registration Requests: gnbd's decoder returns what was encoded, and Wireshark
 * reads the same values (the NAS message byte for byte, dissected as a Registration request). */
START_TEST(test_setup_complete_decoders_agree)
{
    enum { N = 40 };
    static struct rrc_setup_complete sc[N];
    static uint8_t buf[N][512];
    static struct rrc_ul_dcch_msg m;
    const uint8_t *pdus[N];
    size_t lens[N];
    test_rng_seed(33);
    for (int i = 0; i < N; i++) {
        random_setup_complete(&sc[i], true);
        ck_assert_int_eq(rrc_ul_dcch_encode_setup_complete(&sc[i], buf[i], sizeof buf[i], &lens[i]), 0);
        pdus[i] = buf[i];
    }
    static struct tshark_pkt pkts[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.dcch", pdus, lens, N, pkts), N);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rrc_ul_dcch_decode(buf[i], lens[i], &m), 0);
        ck_assert_int_eq(m.type, RRC_UL_DCCH_C1);
        ck_assert_int_eq(m.c1, RRC_UL_DCCH_SETUP_COMPLETE);
        expect_same_setup_complete(&sc[i], &m.setup_complete);
        expect_tshark_setup_complete(&pkts[i], &m.setup_complete);
    }
    tshark_pkts_free(pkts, N);
}
END_TEST

/* decode(encode(x)) == x for random RRCSetupCompletes with dedicated NAS messages of 0..9000 octets (two-octet
 * lengths from 128 on), with and without a lateNonCriticalExtension (skipped when decoding). */
START_TEST(test_setup_complete_round_trip_random)
{
    static struct rrc_setup_complete sc;
    static struct rrc_ul_dcch_msg m;
    static uint8_t buf[RRC_DEDICATED_NAS_MAX + 256];
    test_rng_seed(34);
    for (int i = 0; i < 1000; i++) {
        random_setup_complete(&sc, false);
        sc.has_late_nce = coin();
        sc.late_nce_len = (size_t)rnd(0, RRC_LATE_NCE_MAX);
        size_t len;
        ck_assert_int_eq(rrc_ul_dcch_encode_setup_complete(&sc, buf, sizeof buf, &len), 0);
        ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &m), 0);
        expect_same_setup_complete(&sc, &m.setup_complete);
        ck_assert_int_eq(m.setup_complete.has_late_nce, sc.has_late_nce);
    }
}
END_TEST

/* A RRCSetupComplete from a later release: UE-MeasurementsAvailable-r16 carries its Rel-17 extension group and
 * one more group unknown to everyone, and the message ends with non-critical extension content beyond v1700.
 * gnbd skips both groups by their lengths and reads every known field; Wireshark reads the Rel-17 group, which
 * shows the test's hand encoding is right. */
START_TEST(test_setup_complete_skips_later_extensions)
{
    static const uint8_t nas[] = {0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0xf0, 0xff, 0x00,
                                  0x00, 0x10, 0x32, 0x54, 0x76, 0x98, 0x2e, 0x04, 0xf0, 0xf0, 0xf0, 0xf0};
    uint8_t buf[128], grp[4];
    struct uper_writer w, g;
    uper_writer_init(&w, buf, sizeof buf);
    uper_put_bits(&w, 0, 1);            /* message: c1 */
    uper_put_bits(&w, 2, 4);            /* c1: rrcSetupComplete */
    uper_put_bits(&w, 3, 2);            /* rrc-TransactionIdentifier 3 */
    uper_put_bits(&w, 0, 1);            /* criticalExtensions: rrcSetupComplete */
    uper_put_bits(&w, 0x01, 6);         /* OPTIONAL fields: only nonCriticalExtension */
    uper_put_constrained(&w, 2, 1, 12); /* selectedPLMN-Identity 2 */
    uper_put_octets(&w, nas, sizeof nas, 0, -1);
    uper_put_bits(&w, 0x09, 6);         /* v1610: ue-MeasurementsAvailable-r16 and nonCriticalExtension (v1690) */
    uper_put_bits(&w, 1, 1);            /* UE-MeasurementsAvailable-r16: extension bit */
    uper_put_bits(&w, 0x11, 5);         /* logMeasAvailable-r16, rlf-InfoAvailable-r16 */
    uper_put_ext_bitmap(&w, 2, 0x3);    /* two extension additions, both present */
    uper_writer_init(&g, grp, sizeof grp);
    uper_put_bits(&g, 0x3, 2);          /* [[ successHO-InfoAvailable-r17, sigLogMeasConfigAvailable-r17 ]] */
    uper_put_bool(&g, true);            /* sigLogMeasConfigAvailable-r17 TRUE */
    uper_put_open_type(&w, &g);
    uper_writer_init(&g, grp, sizeof grp);
    uper_put_bits(&g, 0xa5c3, 16);      /* an addition of a release after this test */
    uper_put_open_type(&w, &g);
    uper_put_bits(&w, 0x3, 2);          /* v1690: ul-RRC-Segmentation-r16, nonCriticalExtension (v1700) */
    uper_put_bits(&w, 0x1, 2);          /* v1700: nonCriticalExtension present ... */
    uper_put_bits(&w, 0x2d, 6);         /* ... with content of a later release */
    ck_assert_int_eq(w.err, 0);
    size_t len = uper_writer_bytes(&w);
    static struct rrc_ul_dcch_msg m;
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &m), 0);
    const struct rrc_setup_complete *s = &m.setup_complete;
    ck_assert_int_eq(s->transaction_id, 3);
    ck_assert_int_eq(s->selected_plmn_identity, 2);
    ck_assert_uint_eq(s->dedicated_nas_len, sizeof nas);
    ck_assert_mem_eq(s->dedicated_nas, nas, sizeof nas);
    ck_assert(s->has_ue_meas_available && s->log_meas_available && s->rlf_info_available);
    ck_assert(!s->log_meas_available_bt);
    ck_assert(s->has_v1690 && s->ul_rrc_segmentation && s->has_v1700 && !s->onboarding_request);
    /* Wireshark knows the Rel-17 group; the unknown one it skips by its length too. */
    buf[len] = 0;
    const uint8_t *pdu = buf;
    struct tshark_pkt pkt;
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.dcch", &pdu, &len, 1, &pkt), 1);
    EXPECT_COUNT(&pkt, "ue_MeasurementsAvailable_r16_element/successHO_InfoAvailable_r17", 1);
    EXPECT_INT(&pkt, "ue_MeasurementsAvailable_r16_element/sigLogMeasConfigAvailable_r17", 0, 1);
    EXPECT_COUNT(&pkt, "ul_RRC_Segmentation_r16", 1);
    EXPECT_INT(&pkt, "selectedPLMN_Identity", 0, 2);
    tshark_pkts_free(&pkt, 1);
}
END_TEST

/* Truncated RRCSetupCompletes are malformed; corrupted ones are decoded or refused; a NAS length beyond the
 * message, or a NAS message longer than 9000 octets, is refused; other UL-DCCH messages are reported. */
START_TEST(test_setup_complete_refuses_bad_input)
{
    static struct rrc_setup_complete sc;
    static struct rrc_ul_dcch_msg m;
    static uint8_t buf[RRC_DEDICATED_NAS_MAX + 256];
    test_rng_seed(35);
    random_setup_complete(&sc, true);
    size_t len;
    ck_assert_int_eq(rrc_ul_dcch_encode_setup_complete(&sc, buf, sizeof buf, &len), 0);
    for (size_t n = 0; n < len; n++) ck_assert_int_eq(rrc_ul_dcch_decode(buf, n, &m), -EBADMSG);
    int refused = 0;
    for (int i = 0; i < 20000; i++) {
        uint8_t bad[512];
        memcpy(bad, buf, len);
        for (int f = rnd(1, 3); f > 0; f--) bad[rnd(0, (int)len - 1)] ^= (uint8_t)(1u << rnd(0, 7));
        int err = rrc_ul_dcch_decode(bad, len, &m);
        ck_assert(err == 0 || err == -EBADMSG || err == -ENOTSUP || err == -EMSGSIZE);
        refused += err != 0;
    }
    ck_assert_int_gt(refused, 0);
    /* A 10000-octet NAS message (a two-octet length 0x2710) in a message holding all of it: too long to keep. */
    struct uper_writer w;
    uper_writer_init(&w, buf, sizeof buf);
    uper_put_bits(&w, 0x2, 5);
    uper_put_bits(&w, 0, 3);
    uper_put_bits(&w, 0, 6);
    uper_put_constrained(&w, 1, 1, 12);
    uper_put_length(&w, 10000);
    ck_assert_int_eq(w.err, 0);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, sizeof buf, &m), -EMSGSIZE);
    static const uint8_t rep[1] = {0x00}, ext[1] = {0x80}; /* c1 measurementReport (not modelled); messageClassExtension */
    ck_assert_int_eq(rrc_ul_dcch_decode(rep, 1, &m), -ENOTSUP);
    ck_assert_int_eq(m.c1, RRC_UL_DCCH_MEASUREMENT_REPORT);
    ck_assert_int_eq(rrc_ul_dcch_decode(ext, 1, &m), -ENOTSUP);
    ck_assert_int_eq(m.type, RRC_UL_DCCH_CLASS_EXTENSION);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_ul");
    TCase *tc = tcase_create("rrc_ul");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_setup_request_known_bits);
    tcase_add_test(tc, test_setup_request_decoders_agree);
    tcase_add_test(tc, test_setup_request_from_srsue);
    tcase_add_test(tc, test_setup_request_decoder_on_any_input);
    tcase_add_test(tc, test_setup_complete_decoders_agree);
    tcase_add_test(tc, test_setup_complete_round_trip_random);
    tcase_add_test(tc, test_setup_complete_skips_later_extensions);
    tcase_add_test(tc, test_setup_complete_refuses_bad_input);
    suite_add_tcase(s, tc);
    return check_run(s);
}
