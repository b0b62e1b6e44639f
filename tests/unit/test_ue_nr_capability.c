/* UE-NR-Capability walk (rrc/msg/ue_nr_capability.h): the UE simulator's encodings round trip; a capability built
 * here field by field with every kind of field the walk skips (OPTIONAL fields with contents, extension additions
 * as open types, a second band) decodes as built, with and without pdsch-256QAM-FR1, and Wireshark's nr-rrc
 * dissector reads the same bytes the same way; srsUE's own UE-NR-Capability (captured from its
 * UECapabilityInformation, gnbd's log) decodes as tshark reads it; truncated input never crashes. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asn1/uper.h"
#include "rrc/msg/ue_nr_capability.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/unit/check_run.h"
#include "tshark.h"

static bool have_tshark(void)
{
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") == 0) return true;
    printf("tshark not installed: Wireshark check skipped\n");
    return false;
}

/* One extension addition (n = 1, present) whose open type holds one zero octet: every addition group of the
 * extensible SEQUENCEs used below starts with OPTIONAL fields, so 0x00 reads as "all absent". */
static void put_one_ext_addition(struct uper_writer *w)
{
    uper_put_bits(w, 0, 7);   /* normally small length n - 1 = 0 */
    uper_put_bits(w, 1, 1);   /* the addition is present */
    uper_put_bits(w, 1, 8);   /* open type: length 1 */
    uper_put_bits(w, 0, 8);   /* its octet */
}

/* A UE-NR-Capability with fields everywhere before and in the band list (38.331 6.3.3):
 *   rlc- and mac-Parameters present; PDCP-Parameters with shortSN, maxNumberROHC-ContextSessions cs16 and an
 *   extension addition; Phy-Parameters with all five parts: Common (dynamicHARQ-ACK-Codebook,
 *   pdsch-MappingTypeA, bwp-SwitchingDelay type2), XDD-Diff (dynamicSFI), FRX-Diff (dummy1 10, twoFL-DMRS 11,
 *   supportedDMRS-TypeDL type1And2, onePortsPTRS 01, pdcch-BlindDetectionCA 8), FR1 (pdcch-MonitoringSingleOccasion,
 *   pdsch-256QAM-FR1 when pdsch256, pdsch-RE-MappingFR1-PerSymbol n20), FR2 (pdsch-RE-MappingFR2-PerSymbol n6);
 *   supportedBandListNR {n1 with modifiedMPR-Behaviour 0xa5, ue-PowerClass pc3, channelBWs-DL fr1 scs-15kHz
 *   0x3ff and an extension addition; band with pusch-256QAM when pusch256 and ue-PowerClass pc2}. */
static size_t build_rich(bool pdsch256, bool pusch256, int band, uint8_t *buf, size_t cap)
{
    struct uper_writer w;
    uper_writer_init(&w, buf, cap);
    uper_put_bits(&w, 0x600, 11);                  /* rlc-, mac-Parameters present; the other nine absent */
    uper_put_enum(&w, 0, 8, true);                 /* rel15 */
    uper_put_bool(&w, true);                       /* PDCP-Parameters: extension bit */
    uper_put_bits(&w, 0x04, 6);                    /* shortSN */
    uper_put_bits(&w, 0, 10);                      /* supportedROHC-Profiles */
    uper_put_enum(&w, 4, 16, false);               /* cs16 */
    put_one_ext_addition(&w);
    uper_put_bool(&w, false);                      /* RLC-Parameters */
    uper_put_bits(&w, 0x7, 3);                     /* am-WithShortSN, um-WithShortSN, um-WithLongSN */
    uper_put_bits(&w, 0x3, 2);                     /* MAC-Parameters: Common, XDD-Diff */
    uper_put_bool(&w, false);
    uper_put_bits(&w, 0x5, 3);                     /* lcp-Restriction, lch-ToSCellRestriction */
    uper_put_bool(&w, false);
    uper_put_bits(&w, 0x30, 6);                    /* skipUplinkTxDynamic, logicalChannelSR-DelayTimer */
    uper_put_bits(&w, 0x1f, 5);                    /* Phy-Parameters: all five */
    uper_put_bool(&w, false);                      /* Common */
    uint64_t common = (1ull << (33 - 7)) | (1ull << (33 - 15)) | 1ull; /* fields 7, 15, 33 */
    uper_put_bits(&w, common, 34);
    uper_put_bits(&w, 1, 1);                       /* bwp-SwitchingDelay type2 */
    uper_put_bool(&w, false);                      /* XDD-Diff */
    uper_put_bits(&w, 0x8, 4);                     /* dynamicSFI */
    uper_put_bool(&w, false);                      /* FRX-Diff: fields 1, 2, 5, 10, 23 of 37 */
    uper_put_bits(&w, (1ull << 35) | (1ull << 34) | (1ull << 31) | (1ull << 26) | (1ull << 13), 37);
    uper_put_bits(&w, 0x2, 2);                     /* dummy1 */
    uper_put_bits(&w, 0x3, 2);                     /* twoFL-DMRS */
    uper_put_bits(&w, 1, 1);                       /* supportedDMRS-TypeDL type1And2 */
    uper_put_bits(&w, 0x1, 2);                     /* onePortsPTRS */
    uper_put_constrained(&w, 8, 4, 16);            /* pdcch-BlindDetectionCA */
    uper_put_bool(&w, false);                      /* FR1 */
    uper_put_bits(&w, 0x9 | (pdsch256 ? 0x2 : 0), 4);
    uper_put_bits(&w, 1, 1);                       /* pdsch-RE-MappingFR1-PerSymbol n20 */
    uper_put_bool(&w, false);                      /* FR2 */
    uper_put_bits(&w, 0x1, 2);                     /* pdsch-RE-MappingFR2-PerSymbol */
    uper_put_bits(&w, 0, 1);                       /* n6 */
    uper_put_bool(&w, false);                      /* RF-Parameters */
    uper_put_bits(&w, 0, 2);
    uper_put_constrained(&w, 2, 1, 1024);          /* two bands */
    uper_put_bool(&w, true);                       /* BandNR n1: extension bit */
    uper_put_bits(&w, (1u << 13) | (1u << 3) | (1u << 1), 14); /* modifiedMPR, ue-PowerClass, channelBWs-DL */
    uper_put_constrained(&w, 1, 1, 1024);
    uper_put_bits(&w, 0xa5, 8);
    uper_put_enum(&w, 2, 4, false);                /* pc3 */
    uper_put_bits(&w, 0, 1);                       /* channelBWs-DL fr1 */
    uper_put_bits(&w, 0x4, 3);                     /* scs-15kHz */
    uper_put_bits(&w, 0x3ff, 10);
    put_one_ext_addition(&w);
    uper_put_bool(&w, false);                      /* the cell's band */
    uper_put_bits(&w, (pusch256 ? 1u << 4 : 0) | (1u << 3), 14);
    uper_put_constrained(&w, band, 1, 1024);
    uper_put_enum(&w, 1, 4, false);                /* pc2 */
    ck_assert_int_eq(w.err, 0);
    return uper_writer_bytes(&w);
}

/* srsUE 23.x (srsRAN 4G) in SA: the nr container of its UECapabilityInformation for band n3 (26 octets: rel15,
 * rlc-Parameters, phy-ParametersCommon, supportedBandListNR {n3}, a band combination, featureSets), as gnbd logged
 * it in scripts/interop-core.sh ("UECapabilityInformation (UE-NR-Capability 26 bytes <hex>: ..."). */
static const uint8_t srsue_cap[] = {0x81, 0x00, 0x10, 0x00, 0x07, 0x80, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00,
                                    0x00, 0x08, 0x04, 0x00, 0x80, 0x10, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x01};

START_TEST(test_round_trip)
{
    static const int bands[] = {1, 3, 78, 1024};
    for (int b = 0; b < 4; b++)
        for (int k = 0; k < 4; k++) {
            struct rrc_ue_nr_caps in = {.pdsch_256qam = k & 1, .pusch_256qam = k & 2}, out;
            uint8_t buf[32];
            size_t len = 0;
            ck_assert_int_eq(rrc_ue_nr_capability_encode(bands[b], &in, buf, sizeof buf, &len), 0);
            ck_assert_int_eq(rrc_ue_nr_capability_decode(buf, len, bands[b], &out), 0);
            ck_assert(out.pdsch_256qam == in.pdsch_256qam && out.pusch_256qam == in.pusch_256qam);
            ck_assert(out.band_found);
            ck_assert_int_eq(out.nof_bands, 1);
            /* another band: not found, the per-UE field still read */
            ck_assert_int_eq(rrc_ue_nr_capability_decode(buf, len, bands[b] == 3 ? 7 : 3, &out), 0);
            ck_assert(!out.band_found && !out.pusch_256qam && out.pdsch_256qam == in.pdsch_256qam);
        }
    /* the minimal one (no phy-Parameters) is the no-256QAM encoding: 10 octets as before */
    uint8_t a[32], c[32];
    size_t la, lc;
    ck_assert_int_eq(rrc_ue_nr_capability_encode_minimal(78, a, sizeof a, &la), 0);
    ck_assert_int_eq(rrc_ue_nr_capability_encode(78, &(struct rrc_ue_nr_caps){0}, c, sizeof c, &lc), 0);
    ck_assert_uint_eq(la, 10);
    ck_assert_uint_eq(lc, la);
    ck_assert_mem_eq(a, c, la);
    struct rrc_ue_nr_caps out;
    ck_assert_int_eq(rrc_ue_nr_capability_decode(a, la, 0, &out), 0); /* band 0: none asked */
    ck_assert(!out.band_found && !out.pdsch_256qam);
    ck_assert_int_eq(rrc_ue_nr_capability_decode(a, la, 1025, &out), -EINVAL);
    ck_assert_int_eq(rrc_ue_nr_capability_decode(a, la, -1, &out), -EINVAL);
    ck_assert_int_eq(rrc_ue_nr_capability_encode(0, &(struct rrc_ue_nr_caps){0}, c, sizeof c, &lc), -EINVAL);
    /* accessStratumRelease an extension value (a normally small number after the extension bit): read past */
    ck_assert_int_eq(rrc_ue_nr_capability_encode(3, &(struct rrc_ue_nr_caps){.pdsch_256qam = true}, a, sizeof a, &la),
                     0);
    struct uper_reader r;
    struct uper_writer w;
    uper_reader_init(&r, a, la * 8);
    uper_writer_init(&w, c, sizeof c);
    uper_put_bits(&w, uper_get_bits(&r, 11), 11);
    uper_get_bits(&r, 4);
    uper_put_bits(&w, 1, 1);
    uper_put_nsnn(&w, 2);
    while (uper_reader_left(&r) > 0) uper_put_bits(&w, uper_get_bits(&r, 1), 1);
    ck_assert_int_eq(rrc_ue_nr_capability_decode(c, uper_writer_bytes(&w), 3, &out), 0);
    ck_assert(out.pdsch_256qam && out.band_found);
    ck_assert_int_lt(rrc_ue_nr_capability_encode(3, &(struct rrc_ue_nr_caps){.pdsch_256qam = true}, c, 4, &lc), 0);
}
END_TEST

START_TEST(test_rich)
{
    for (int k = 0; k < 4; k++) {
        bool pdsch = k & 1, pusch = k & 2;
        uint8_t buf[128];
        size_t len = build_rich(pdsch, pusch, 3, buf, sizeof buf);
        struct rrc_ue_nr_caps out;
        ck_assert_int_eq(rrc_ue_nr_capability_decode(buf, len, 3, &out), 0);
        ck_assert_msg(out.pdsch_256qam == pdsch, "k %d: pdsch %d", k, out.pdsch_256qam);
        ck_assert(out.band_found);
        ck_assert_msg(out.pusch_256qam == pusch, "k %d: pusch %d", k, out.pusch_256qam);
        ck_assert_int_eq(out.nof_bands, 2);
        /* n1 (the first entry): found, no pusch-256QAM there */
        ck_assert_int_eq(rrc_ue_nr_capability_decode(buf, len, 1, &out), 0);
        ck_assert(out.band_found && !out.pusch_256qam && out.pdsch_256qam == pdsch);
        /* every shorter prefix: an error or (past the fields read) the same answer, never a crash */
        for (size_t n = 0; n < len; n++) {
            int rc = rrc_ue_nr_capability_decode(buf, n, 3, &out);
            ck_assert_msg(rc == -EBADMSG || (rc == 0 && out.pdsch_256qam == pdsch), "prefix %zu: %d", n, rc);
        }
    }
    /* The same inside a UERadioAccessCapabilityInformation (NGAP's UE Radio Capability) */
    static struct rrc_ue_capability_information ci;
    memset(&ci, 0, sizeof ci);
    ci.has_container_list = true;
    ci.nof_containers = 2;
    ci.container[0] = (struct rrc_ue_cap_rat_container){.rat_type = RRC_RAT_EUTRA, .off = 0, .len = 2};
    ci.container[1] = (struct rrc_ue_cap_rat_container){.rat_type = RRC_RAT_NR, .off = 2};
    ci.container[1].len = build_rich(true, false, 3, ci.bytes + 2, 128);
    uint8_t ue_radio_cap[256];
    size_t len;
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_encode(&ci, ue_radio_cap, sizeof ue_radio_cap, &len), 0);
    struct rrc_ue_nr_caps out;
    ck_assert_int_eq(rrc_ue_radio_capability_caps(ue_radio_cap, len, 3, &out), 0);
    ck_assert(out.pdsch_256qam && out.band_found && !out.pusch_256qam);
    ci.nof_containers = 1; /* eutra only */
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_encode(&ci, ue_radio_cap, sizeof ue_radio_cap, &len), 0);
    ck_assert_int_eq(rrc_ue_radio_capability_caps(ue_radio_cap, len, 3, &out), -ENOENT);
    ck_assert_int_lt(rrc_ue_radio_capability_caps(ue_radio_cap, 1, 3, &out), 0);
}
END_TEST

START_TEST(test_srsue)
{
    struct rrc_ue_nr_caps out;
    ck_assert_int_eq(rrc_ue_nr_capability_decode(srsue_cap, sizeof srsue_cap, 3, &out), 0);
    ck_assert_msg(!out.pdsch_256qam, "srsUE's SA capability has no pdsch-256QAM-FR1");
    ck_assert(out.band_found && !out.pusch_256qam);
    ck_assert_int_eq(out.nof_bands, 1);
}
END_TEST

/* Wireshark reads the built capabilities and srsUE's inside an UL-DCCH UECapabilityInformation: no problem, and
 * pdsch-256QAM-FR1 / pusch-256QAM / bandNR / the skipped contents as the walk found or the builder wrote them. */
START_TEST(test_read_by_wireshark)
{
    if (!have_tshark()) return;
    enum { N = 5 };
    static struct rrc_ue_capability_information ci;
    static uint8_t msgs[N][256];
    size_t lens[N];
    const uint8_t *pdus[N];
    struct rrc_ue_nr_caps want[N];
    for (int i = 0; i < N; i++) {
        memset(&ci, 0, sizeof ci);
        ci.transaction_id = i & 3;
        ci.has_container_list = true;
        ci.nof_containers = 1;
        ci.container[0].rat_type = RRC_RAT_NR;
        if (i < 4) {
            ci.container[0].len = build_rich(i & 1, i & 2, 3, ci.bytes, 128);
        } else {
            memcpy(ci.bytes, srsue_cap, sizeof srsue_cap);
            ci.container[0].len = sizeof srsue_cap;
        }
        ck_assert_int_eq(rrc_ue_nr_capability_decode(ci.bytes, ci.container[0].len, 3, &want[i]), 0);
        ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, msgs[i], sizeof msgs[i], &lens[i]), 0);
        pdus[i] = msgs[i];
    }
    static struct tshark_pkt pk[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.dcch", pdus, lens, N, pk), N);
    char why[512] = "";
    bool ok = true;
    for (int i = 0; i < N && ok; i++) {
        const struct tshark_pkt *k = &pk[i];
        ck_assert_msg(k->problems == 0, "pdu %d: %s", i, k->problem);
        ok = tshark_is_count(k, "pdsch_256QAM_FR1", want[i].pdsch_256qam, why, sizeof why) &&
             tshark_is_count(k, "pusch_256QAM", want[i].pusch_256qam, why, sizeof why) &&
             tshark_is_count(k, "supportedBandListNR/BandNR_element", want[i].nof_bands, why, sizeof why) &&
             tshark_is_int(k, "bandNR", want[i].nof_bands - 1, 3, why, sizeof why);
        if (ok && i < 4)
            ok = tshark_is_name(k, "bwp_SwitchingDelay", 0, "type2", why, sizeof why) &&
                 tshark_is_int(k, "pdcch_BlindDetectionCA", 0, 8, why, sizeof why) &&
                 tshark_is_name(k, "pdsch_RE_MappingFR1_PerSymbol", 0, "n20", why, sizeof why) &&
                 tshark_is_name(k, "maxNumberROHC_ContextSessions", 0, "cs16", why, sizeof why) &&
                 tshark_is_int(k, "bandNR", 0, 1, why, sizeof why) &&
                 tshark_is_name(k, "ue_PowerClass", 1, "pc2", why, sizeof why);
        if (!ok) snprintf(why + strlen(why), sizeof why - strlen(why), " (pdu %d)", i);
    }
    tshark_pkts_free(pk, N);
    ck_assert_msg(ok, "%s", why);
    printf("tshark: 4 built UE-NR-Capabilities (every skipped part) and srsUE's read as the walk read them\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ue_nr_capability");
    TCase *t = tcase_create("ue_nr_capability");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_round_trip);
    tcase_add_test(t, test_rich);
    tcase_add_test(t, test_srsue);
    tcase_add_test(t, test_read_by_wireshark);
    suite_add_tcase(s, t);
    return check_run(s);
}
