/* RRC UECapabilityEnquiry (DL-DCCH), UECapabilityInformation and RRCReconfigurationComplete (UL-DCCH), 38.331
 * 6.2.2 / 6.3.3: bytes worked by hand from the ASN.1, round trips, refusals, and Wireshark's nr-rrc dissector
 * reading every field back (the minimal UE-NR-Capability of the UE simulator included). */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/ul_dcch.h"
#include "tests/unit/check_run.h"
#include "tshark.h"

static struct rrc_dl_dcch_msg dl, dl_back;
static struct rrc_ul_dcch_msg ul_back;
static struct rrc_ue_capability_information ci;

static bool have_tshark(void)
{
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") == 0) return true;
    printf("tshark not installed: Wireshark check skipped\n");
    return false;
}

/* DL-DCCH-Message: c1 (0), ueCapabilityEnquiry (c1 6: 0110), transaction 1 (01), criticalExtensions (0), IEs'
 * presence lateNonCriticalExtension 0, ue-CapabilityEnquiryExt 0; ue-CapabilityRAT-RequestList SIZE (1..8): one
 * = 000; UE-CapabilityRAT-Request: extension bit 0, capabilityRequestFilter absent 0, rat-Type nr: extension bit
 * 0 + index 00:
 *   0 0110 01 0 | 00 000 0 0 0 | 00 (padding) = 32 00 00 */
START_TEST(test_enquiry_by_hand)
{
    uint8_t buf[16];
    size_t len = 0;
    ck_assert_int_eq(rrc_dl_dcch_encode_ue_capability_enquiry(1, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x32, 0x00, 0x00}), 3);
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &dl_back), 0);
    ck_assert_int_eq(dl_back.c1, RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY);
    const struct rrc_ue_capability_enquiry *e = &dl_back.ue_capability_enquiry;
    ck_assert_int_eq(e->transaction_id, 1);
    ck_assert_int_eq(e->nof_requests, 1);
    ck_assert_int_eq(e->request[0].rat_type, RRC_RAT_NR);
    ck_assert(!e->request[0].has_filter);

    /* Three RATs, the second with a filter, round trip. */
    memset(&dl, 0, sizeof dl);
    dl.c1 = RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY;
    struct rrc_ue_capability_enquiry *q = &dl.ue_capability_enquiry;
    q->transaction_id = 3;
    q->nof_requests = 3;
    q->request[0].rat_type = RRC_RAT_NR;
    q->request[1] = (struct rrc_ue_cap_rat_request){.rat_type = RRC_RAT_EUTRA_NR, .has_filter = true, .filter_len = 3,
                                                    .filter = {0xde, 0xad, 0x01}};
    q->request[2].rat_type = RRC_RAT_EUTRA;
    ck_assert_int_eq(rrc_dl_dcch_encode(&dl, buf, sizeof buf, &len), 0);
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &dl_back), 0);
    ck_assert_mem_eq(&dl_back.ue_capability_enquiry, q, sizeof *q);

    /* Refusals: spare RAT type, an empty list, a filter longer than kept. */
    q->request[2].rat_type = 3;
    ck_assert_int_eq(rrc_dl_dcch_encode(&dl, buf, sizeof buf, &len), -EINVAL);
    q->request[2].rat_type = RRC_RAT_EUTRA;
    q->nof_requests = 0;
    ck_assert_int_eq(rrc_dl_dcch_encode(&dl, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_dl_dcch_encode_ue_capability_enquiry(4, buf, sizeof buf, &len), -EINVAL);
    /* spare1 on the air: 0 0110 01 0 | 00 000 0 0 0 | 11 = 32 00 c0 */
    ck_assert_int_eq(rrc_dl_dcch_decode((const uint8_t[]){0x32, 0x00, 0xc0}, 3, &dl_back), -ENOTSUP);
    /* lateNonCriticalExtension present: not modelled. */
    ck_assert_int_eq(rrc_dl_dcch_decode((const uint8_t[]){0x32, 0x80, 0x00}, 3, &dl_back), -ENOTSUP);
    ck_assert_int_lt(rrc_dl_dcch_decode((const uint8_t[]){0x32}, 1, &dl_back), 0);
}
END_TEST

/* UL-DCCH-Message: c1 (0), ueCapabilityInformation (c1 9: 1001), transaction 1 (01), criticalExtensions (0);
 * presence: ue-CapabilityRAT-ContainerList 1, lateNonCriticalExtension 0, nonCriticalExtension 0; list SIZE
 * (0..8) one = 0001; UE-CapabilityRAT-Container: rat-Type nr (0 00), OCTET STRING length 2 (00000010), ab cd:
 *   0 1001 01 0 | 1 0 0 0001 0 | 00 000000 | 10 101010 | 11 110011 | 01 000000 = 4a 82 00 aa f3 40
 * RRCReconfigurationComplete (c1 1: 0001), transaction 2 (10), criticalExtensions 0, presence 00:
 *   0 0001 10 0 | 00 000000 = 0c 00 */
START_TEST(test_information_by_hand)
{
    memset(&ci, 0, sizeof ci);
    ci.transaction_id = 1;
    ci.has_container_list = true;
    ci.nof_containers = 1;
    ci.container[0] = (struct rrc_ue_cap_rat_container){.rat_type = RRC_RAT_NR, .off = 0, .len = 2};
    ci.bytes[0] = 0xab;
    ci.bytes[1] = 0xcd;
    uint8_t buf[64];
    size_t len = 0;
    ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 6);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x4a, 0x82, 0x00, 0xaa, 0xf3, 0x40}), 6);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &ul_back), 0);
    ck_assert_int_eq(ul_back.c1, RRC_UL_DCCH_UE_CAPABILITY_INFORMATION);
    const struct rrc_ue_capability_information *b = &ul_back.ue_capability_information;
    ck_assert_int_eq(b->transaction_id, 1);
    ck_assert(b->has_container_list);
    ck_assert_int_eq(b->nof_containers, 1);
    ck_assert_int_eq(b->container[0].rat_type, RRC_RAT_NR);
    ck_assert_uint_eq(b->container[0].len, 2);
    ck_assert_mem_eq(b->bytes + b->container[0].off, ci.bytes, 2);

    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(2, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x0c, 0x00}), 2);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &ul_back), 0);
    ck_assert_int_eq(ul_back.c1, RRC_UL_DCCH_RECONFIGURATION_COMPLETE);
    ck_assert_int_eq(ul_back.reconfiguration_complete.transaction_id, 2);
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(-1, buf, sizeof buf, &len), -EINVAL);
    /* With a nonCriticalExtension (v1530, e.g. uplinkTxDirectCurrentList): ignored, the message still reads. */
    ck_assert_int_eq(rrc_ul_dcch_decode((const uint8_t[]){0x0c, 0x40, 0x00}, 3, &ul_back), 0);
    ck_assert_int_eq(ul_back.reconfiguration_complete.transaction_id, 2);
}
END_TEST

/* Several containers of several sizes (one past 127 octets: a two-octet length), an empty list and no list:
 * decoded as encoded, offsets packed one after the other. */
START_TEST(test_information_round_trip)
{
    static uint8_t buf[RRC_UE_CAP_BYTES_MAX + 64];
    size_t len;
    static const size_t sizes[] = {1, 130, 0, 40, 1000, 7, 3, 2};
    for (int n = 0; n <= RRC_MAX_RAT_CONTAINERS; n++) {
        memset(&ci, 0, sizeof ci);
        ci.transaction_id = n % 4;
        ci.has_container_list = true;
        ci.nof_containers = n;
        size_t off = 0;
        for (int i = 0; i < n; i++) {
            ci.container[i] = (struct rrc_ue_cap_rat_container){.rat_type = (enum rrc_rat_type)(i % 3), .off = off,
                                                                .len = sizes[i]};
            for (size_t k = 0; k < sizes[i]; k++) ci.bytes[off + k] = (uint8_t)(i * 31 + k);
            off += sizes[i];
        }
        ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, buf, sizeof buf, &len), 0);
        ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &ul_back), 0);
        const struct rrc_ue_capability_information *b = &ul_back.ue_capability_information;
        ck_assert_int_eq(b->transaction_id, ci.transaction_id);
        ck_assert_int_eq(b->nof_containers, n);
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(b->container[i].rat_type, ci.container[i].rat_type);
            ck_assert_uint_eq(b->container[i].off, ci.container[i].off);
            ck_assert_uint_eq(b->container[i].len, ci.container[i].len);
        }
        ck_assert_mem_eq(b->bytes, ci.bytes, off);
    }
    ci.has_container_list = false;
    ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, buf, sizeof buf, &len), 0);
    ck_assert_int_eq(rrc_ul_dcch_decode(buf, len, &ul_back), 0);
    ck_assert(!ul_back.ue_capability_information.has_container_list);
    /* A container outside the byte buffer, a spare RAT type: refused. */
    ci.has_container_list = true;
    ci.nof_containers = 1;
    ci.container[0] = (struct rrc_ue_cap_rat_container){.off = RRC_UE_CAP_BYTES_MAX - 1, .len = 2};
    ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, buf, sizeof buf, &len), -EINVAL);
    ci.container[0] = (struct rrc_ue_cap_rat_container){.rat_type = 3, .len = 1};
    ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, buf, sizeof buf, &len), -EINVAL);
    /* Nine containers announced (SIZE 0..8 in 4 bits: 1001): -EBADMSG; truncated inside a container: -EBADMSG. */
    ck_assert_int_eq(rrc_ul_dcch_decode((const uint8_t[]){0x4a, 0x92, 0x00}, 3, &ul_back), -EBADMSG);
    ck_assert_int_eq(rrc_ul_dcch_decode((const uint8_t[]){0x4a, 0x82, 0x00, 0xaa}, 4, &ul_back), -EBADMSG);
}
END_TEST

/* UERadioAccessCapabilityInformation (what NGAP's UE Radio Capability carries, 38.413 9.3.1.74) around the
 * container list of a UECapabilityInformation: criticalExtensions c1 (0), ueRadioAccessCapabilityInformation
 * (000 of 8), nonCriticalExtension absent (0), then the OCTET STRING's length (12: 00001100) and the list's
 * complete encoding: SIZE one (0001), rat-Type nr (ext 0, 00), ue-CapabilityRAT-Container length 10 (00001010)
 * and the UE simulator's 10-octet UE-NR-Capability 00 .. 00 9a, padded to 96 bits:
 *   00000 000|01100 000|1 000 0000|1010 0000|... 0000 1001|1010 0 000 = 00 60 80 a0 00 x7 09 a0 */
START_TEST(test_radio_access_cap_info)
{
    uint8_t nr[16], buf[64];
    size_t nl, len;
    ck_assert_int_eq(rrc_ue_nr_capability_encode_minimal(78, nr, sizeof nr, &nl), 0);
    ck_assert_uint_eq(nl, 10);
    ck_assert_mem_eq(nr, ((const uint8_t[]){0, 0, 0, 0, 0, 0, 0, 0, 0, 0x9a}), 10);
    memset(&ci, 0, sizeof ci);
    ci.transaction_id = 2; /* not part of it */
    ci.has_container_list = true;
    ci.nof_containers = 1;
    ci.container[0] = (struct rrc_ue_cap_rat_container){.rat_type = RRC_RAT_NR, .off = 0, .len = nl};
    memcpy(ci.bytes, nr, nl);
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_encode(&ci, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, 14);
    ck_assert_mem_eq(buf, ((const uint8_t[]){0x00, 0x60, 0x80, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, 0xa0}), 14);
    static struct rrc_ue_capability_information back;
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_decode(buf, len, &back), 0);
    ck_assert(back.has_container_list);
    ck_assert_int_eq(back.nof_containers, 1);
    ck_assert_int_eq(back.container[0].rat_type, RRC_RAT_NR);
    ck_assert_uint_eq(back.container[0].len, nl);
    ck_assert_mem_eq(back.bytes, nr, nl);
    /* Several containers (one of 1000 octets: two-octet lengths inside and out) round trip. */
    static const size_t sizes[] = {10, 1000, 3};
    size_t off = 0;
    ci.nof_containers = 3;
    for (int i = 0; i < 3; i++) {
        ci.container[i] = (struct rrc_ue_cap_rat_container){.rat_type = (enum rrc_rat_type)i, .off = off, .len = sizes[i]};
        for (size_t k = 0; k < sizes[i]; k++) ci.bytes[off + k] = (uint8_t)(7 * i + k);
        off += sizes[i];
    }
    static uint8_t big[1100];
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_encode(&ci, big, sizeof big, &len), 0);
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_decode(big, len, &back), 0);
    ck_assert_int_eq(back.nof_containers, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(back.container[i].rat_type, ci.container[i].rat_type);
        ck_assert_uint_eq(back.container[i].len, sizes[i]);
    }
    ck_assert_mem_eq(back.bytes, ci.bytes, off);
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_encode(&ci, big, 500, &len), -ENOSPC);
    /* criticalExtensionsFuture, a spare c1: -ENOTSUP; cut short: -EBADMSG. */
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_decode((const uint8_t[]){0x80}, 1, &back), -ENOTSUP);
    ck_assert_int_eq(rrc_ue_radio_access_cap_info_decode((const uint8_t[]){0x10, 0x00}, 2, &back), -ENOTSUP);
    for (size_t cut = 1; cut < 14; cut++)
        ck_assert_int_eq(rrc_ue_radio_access_cap_info_decode(buf, cut, &back), -EBADMSG);
}
END_TEST

/* Wireshark reads the enquiry, the UE simulator's UECapabilityInformation (with its minimal UE-NR-Capability,
 * which the dissector decodes as a UE-NR-Capability) and RRCReconfigurationComplete field by field. */
START_TEST(test_read_by_wireshark)
{
    if (!have_tshark()) return;
    uint8_t enq[4][8];
    size_t enq_len[4];
    const uint8_t *pdus[4];
    for (int t = 0; t < 4; t++) {
        ck_assert_int_eq(rrc_dl_dcch_encode_ue_capability_enquiry(t, enq[t], sizeof enq[t], &enq_len[t]), 0);
        pdus[t] = enq[t];
    }
    static const char *const df[] = {"nr-rrc.c1", "nr-rrc.rrc_TransactionIdentifier", "nr-rrc.rat_Type",
                                     "nr-rrc.capabilityRequestFilter", "_ws.malformed", "_ws.expert.severity"};
    static char lines[4][TSHARK_LINE];
    ck_assert_int_eq(tshark_fields("nr-rrc.dl.dcch", pdus, enq_len, 4, df, 6, lines), 4);
    for (int t = 0; t < 4; t++) {
        char want[64];
        snprintf(want, sizeof want, "6|%d|0|||", t);
        ck_assert_msg(strcmp(lines[t], want) == 0, "enquiry %d: tshark '%s', want '%s'", t, lines[t], want);
    }

    memset(&ci, 0, sizeof ci);
    ci.transaction_id = 2;
    ci.has_container_list = true;
    ci.nof_containers = 1;
    ci.container[0].rat_type = RRC_RAT_NR;
    ck_assert_int_eq(rrc_ue_nr_capability_encode_minimal(78, ci.bytes, sizeof ci.bytes, &ci.container[0].len), 0);
    ck_assert_uint_eq(ci.container[0].len, 10);
    static uint8_t ub[2][64];
    size_t ul[2];
    ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, ub[0], sizeof ub[0], &ul[0]), 0);
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(3, ub[1], sizeof ub[1], &ul[1]), 0);
    const uint8_t *up[2] = {ub[0], ub[1]};
    struct tshark_pkt pk[2];
    ck_assert_int_eq(tshark_pdml("nr-rrc.ul.dcch", up, ul, 2, pk), 2);
    char why[512] = "";
    for (int i = 0; i < 2; i++) ck_assert_msg(pk[i].problems == 0, "pdu %d: %s", i, pk[i].problem);
    bool ok = tshark_is_int(&pk[0], "c1", 0, 9, why, sizeof why) &&
              tshark_is_int(&pk[0], "rrc_TransactionIdentifier", 0, 2, why, sizeof why) &&
              tshark_is_count(&pk[0], "rat_Type", 1, why, sizeof why) &&
              tshark_is_name(&pk[0], "rat_Type", 0, "nr", why, sizeof why) &&
              tshark_is_name(&pk[0], "accessStratumRelease", 0, "rel15", why, sizeof why) &&
              tshark_is_name(&pk[0], "maxNumberROHC_ContextSessions", 0, "cs2", why, sizeof why) &&
              tshark_is_count(&pk[0], "supportedBandListNR/BandNR_element", 1, why, sizeof why) &&
              tshark_is_int(&pk[0], "bandNR", 0, 78, why, sizeof why) &&
              tshark_is_int(&pk[1], "c1", 0, 1, why, sizeof why) &&
              tshark_is_int(&pk[1], "rrc_TransactionIdentifier", 0, 3, why, sizeof why);
    tshark_pkts_free(pk, 2);
    ck_assert_msg(ok, "%s", why);
    printf("tshark: 4 UECapabilityEnquiry, a UECapabilityInformation (UE-NR-Capability rel15, band n78) and an "
           "RRCReconfigurationComplete read as encoded\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_ue_capability");
    TCase *t = tcase_create("ue_capability");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_enquiry_by_hand);
    tcase_add_test(t, test_information_by_hand);
    tcase_add_test(t, test_information_round_trip);
    tcase_add_test(t, test_radio_access_cap_info);
    tcase_add_test(t, test_read_by_wireshark);
    suite_add_tcase(s, t);
    return check_run(s);
}
