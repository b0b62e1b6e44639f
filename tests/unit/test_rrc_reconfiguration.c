/* RRCReconfiguration (DL-DCCH, 38.331 6.2.2) for a DRB: the builder's message worked out bit by bit from the ASN.1,
 * builder values read back field by field by Wireshark's nr-rrc dissector, random messages round-tripped through
 * the codec (DRB-ToAddMod with SDAP-Config or an EPS bearer, drb-ToReleaseList, several NAS messages), and the
 * refusals: out-of-range builder values, unmodelled IEs on the air, truncation. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/rrc_reconfig_builder.h"
#include "rrc/msg/rrc_setup_builder.h"
#include "tests/unit/check_run.h"
#include "tshark.h"

static struct rrc_dl_dcch_msg msg, back;

/* The builder's defaults (rrc_drb_params_defaults), transaction 2, NAS 7e 02 11 22 33:
 * DL-DCCH-Message c1 0, rrcReconfiguration 0000, transaction 10, criticalExtensions 0       0 0000 10 0      = 04
 * RRCReconfiguration-IEs presence: radioBearerConfig 1, secondaryCellGroup 0, measConfig 0,
 *   lateNonCriticalExtension 0, nonCriticalExtension 1; RadioBearerConfig: extension 0,
 *   srb-ToAddModList 0, srb3-ToRelease 0, drb-ToAddModList 1, drb-ToReleaseList 0, securityConfig 0
 *                                                                                 10001 000 | 100       = 88
 * drb-ToAddModList SIZE (1..29) one: 00000                                        .. 00000              = 80
 * DRB-ToAddMod: extension 0, cnAssociation 1, reestablishPDCP 0, recoverPDCP 0, pdcp-Config 1; cnAssociation
 *   sdap-Config (1); SDAP-Config extension 0, mappedQoS-FlowsToAdd 1, mappedQoS-FlowsToRelease 0
 *                                                                                 01001 1 01 | 0        = 4d
 * pdu-Session 1 (8 bits)                                                          . 0000000 | 1         = 00
 * sdap-HeaderDL absent (1), sdap-HeaderUL absent (1), defaultDRB TRUE (1), mappedQoS-FlowsToAdd SIZE (1..64)
 *   one: 000000, QFI 1: 000001                                                    . 111 0000 | 00 000001 = f0 01
 * drb-Identity 1: 00000; PDCP-Config: extension 0, drb 1, moreThanOneRLC 0, t-Reordering 1
 *                                                                                 00000 010 | 1         = 02
 * drb: discardTimer 1, pdcp-SN-SizeUL 1, pdcp-SN-SizeDL 1, integrityProtection 0, statusReportRequired 0,
 *   outOfOrderDelivery 0; discardTimer infinity (15: 1111)                        . 111000 1 | 111      = f1
 * pdcp-SN-SizeUL len18bits (1), pdcp-SN-SizeDL len18bits (1), headerCompression: extension 0, notUsed 00
 *                                                                                 ... 1 1 0 00          = f8
 * t-Reordering ms100 (14: 001110); RRCReconfiguration-v1530-IEs presence: masterCellGroup 1, fullConfig 0,
 *   dedicatedNAS-MessageList 1, five more 0                                       001110 10 | 100000    = 3a
 * masterCellGroup length 13 (00001101)                                            ...... 00 | 001101    = 80
 * and its CellGroupConfig (13 octets, from here 6 bits into an octet):             ...... 01 ...        = 35
 *   extension 0, rlc-BearerToAddModList 1, the other six 0 | cellGroupId 00, SIZE (1..32) one 00000,
 *   RLC-BearerConfig extension 0 | servedRadioBearer 1, reestablishRLC 0, rlc-Config 1,
 *   mac-LogicalChannelConfig 1, logicalChannelIdentity 4 (00011) | drb-Identity (1) 1 (00000), rlc-Config
 *   extension 0, am 00 | UL-AM-RLC sn-FieldLength present 1, size18 1, t-PollRetransmit ms45 (8: 001000),
 *   pollPDU p64 (4: 00100), pollByte kB25 (6: 000110), maxRetxThreshold t8 (5: 101) | DL-AM-RLC sn 1 1,
 *   t-Reassembly ms35 (7: 00111), t-StatusProhibit ms10 (2: 000010) | LogicalChannelConfig extension 0,
 *   ul-SpecificParameters 1: extension 0, allowedServingCells/allowedSCS-List/maxPUSCH-Duration 000,
 *   configuredGrantType1Allowed 0, logicalChannelGroup 1, schedulingRequestID 1, priority 4 (0011),
 *   prioritisedBitRate infinity (1111), bucketSizeDuration ms5 (0000), logicalChannelGroup 1 (001),
 *   schedulingRequestID 0 (000), logicalChannelSR-Mask 0, logicalChannelSR-DelayTimerApplied 0:
 *     01000000 00000000 10110001 11000000 00110010 00001000 00110101 11001110 00010010 00001100 11111100
 *     00001000 00 (+6 bits padding) = 40 00 b1 c0 32 08 35 ce 12 0c fc 08 00
 * dedicatedNAS-MessageList SIZE (1..29) one (00000), length 5 (00000101), 7e 02 11 22 33, padding 5 bits. */
START_TEST(test_bytes_by_hand)
{
    static const uint8_t want[] = {0x04, 0x88, 0x80, 0x4d, 0x00, 0xf0, 0x01, 0x02, 0xf1, 0xf8, 0x3a,
                                   0x80, 0x35, 0x00, 0x02, 0xc7, 0x00, 0xc8, 0x20, 0xd7, 0x38, 0x48,
                                   0x33, 0xf0, 0x20, 0x00, 0x00, 0xaf, 0xc0, 0x42, 0x24, 0x46, 0x60};
    static const uint8_t cell_group[] = {0x40, 0x00, 0xb1, 0xc0, 0x32, 0x08, 0x35,
                                         0xce, 0x12, 0x0c, 0xfc, 0x08, 0x00};
    static const uint8_t nas[] = {0x7e, 0x02, 0x11, 0x22, 0x33};
    struct rrc_drb_params p;
    rrc_drb_params_defaults(&p);
    uint8_t buf[128];
    size_t len = 0;
    ck_assert_int_eq(rrc_reconfig_build_drb(&p, nas, sizeof nas, 2, buf, sizeof buf, &len), 0);
    ck_assert_uint_eq(len, sizeof want);
    ck_assert_mem_eq(buf, want, sizeof want);
    /* The CellGroupConfig alone (the masterCellGroup content) is the 13 octets above. */
    ck_assert_int_eq(rrc_reconfig_fill_drb(&p, nas, sizeof nas, 2, &msg), 0);
    uint8_t cg[64];
    size_t cg_len;
    ck_assert_int_eq(rrc_cell_group_config_encode(&msg.reconfiguration.master_cell_group, cg, sizeof cg, &cg_len), 0);
    ck_assert_uint_eq(cg_len, sizeof cell_group);
    ck_assert_mem_eq(cg, cell_group, sizeof cell_group);
    /* Decoded, it is what the builder filled in. */
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &back), 0);
    ck_assert_int_eq(back.c1, RRC_DL_DCCH_RECONFIGURATION);
    ck_assert_mem_eq(&back.reconfiguration, &msg.reconfiguration, sizeof msg.reconfiguration);
    ck_assert_int_eq(back.reconfiguration.nof_nas, 1);
    ck_assert_mem_eq(back.reconfiguration.nas, nas, sizeof nas);
    ck_assert_uint_le(len - sizeof nas, RRC_RECONFIG_DRB_MAX_BYTES);
}
END_TEST

/* A small deterministic generator (the test must not depend on libc's rand). */
static uint32_t rng_state = 12345;
static int rnd(int lo, int hi)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return lo + (int)((rng_state >> 8) % (uint32_t)(hi - lo + 1));
}
#define PICK(a) ((a)[rnd(0, (int)(sizeof(a) / sizeof((a)[0])) - 1)])

/* 38.331's values (RLC-Config, PDCP-Config), written out independently of the codec's tables. */
static const int t_poll[] = {5, 10, 45, 50, 100, 200, 250, 300, 500, 800, 1000, 2000, 4000};
static const int poll_pdu[] = {4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 65536, RRC_INFINITY};
static const int poll_byte[] = {1, 2, 5, 25, 100, 1000, 3000, 7500, 8000, 16000, 40000, RRC_INFINITY};
static const int max_retx[] = {1, 2, 3, 4, 6, 8, 16, 32};
static const int t_reassembly[] = {0, 5, 35, 50, 100, 110, 200};
static const int t_status[] = {0, 5, 10, 35, 250, 300, 500, 800, 1000, 1200, 2400};
static const int discard[] = {10, 20, 75, 100, 150, 300, 500, 750, 1500, RRC_INFINITY};
static const int t_reordering[] = {0, 1, 2, 4, 5, 8, 10, 15, 80, 100, 220, 300, 500, 750, 1250, 2750, 3000};
static const int sn[] = {12, 18};

static void random_params(struct rrc_drb_params *p)
{
    *p = (struct rrc_drb_params){
        .drb_id = rnd(1, 32), .lcid = rnd(4, 32), .pdu_session_id = rnd(0, 255), .qfi = rnd(0, 63),
        .rlc = {.sn_bits = PICK(sn), .t_poll_retransmit_ms = PICK(t_poll), .poll_pdu = PICK(poll_pdu),
                .poll_byte = PICK(poll_byte), .max_retx = PICK(max_retx), .t_reassembly_ms = PICK(t_reassembly),
                .t_status_prohibit_ms = PICK(t_status)},
        .pdcp_sn_bits = PICK(sn), .pdcp_discard_timer_ms = PICK(discard), .pdcp_t_reordering_ms = PICK(t_reordering),
        .sdap_header_dl = rnd(0, 1), .sdap_header_ul = rnd(0, 1), .lc_priority = rnd(1, 16), .lcg = rnd(0, 7),
        .sr_id = rnd(0, 7)};
}

/* The name Wireshark gives a value: "ms45", "p64", "kB25" / "mB8", "infinity". */
static void name_of(char *out, size_t cap, const char *prefix, int v)
{
    if (v == RRC_INFINITY)
        snprintf(out, cap, "infinity");
    else if (strcmp(prefix, "kB") == 0 && v >= 8000)
        snprintf(out, cap, "mB%d", v / 1000);
    else
        snprintf(out, cap, "%s%d", prefix, v);
}

static bool check_name(const struct tshark_pkt *k, const char *field, int occ, const char *prefix, int v, char *why,
                       size_t cap)
{
    char n[32];
    name_of(n, sizeof n, prefix, v);
    return tshark_is_name(k, field, occ, n, why, cap);
}

/* Builder messages with random values (and the defaults first): every field as tshark reads it. */
START_TEST(test_read_by_wireshark)
{
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
        return;
    }
    enum { N = 24 };
    static const uint8_t nas[] = {0x7e, 0x00, 0x44, 0x03}; /* 5GMM Registration reject, cause #3 */
    static struct rrc_drb_params ps[N];
    static uint8_t bufs[N][128];
    const uint8_t *pdus[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        if (i == 0)
            rrc_drb_params_defaults(&ps[i]);
        else
            random_params(&ps[i]);
        ck_assert_int_eq(rrc_reconfig_build_drb(&ps[i], i % 3 ? nas : NULL, i % 3 ? sizeof nas : 0, i % 4, bufs[i],
                                                sizeof bufs[i], &lens[i]),
                         0);
        pdus[i] = bufs[i];
    }
    static struct tshark_pkt pk[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.dcch", pdus, lens, N, pk), N);
    char why[512] = "";
    bool ok = true;
    for (int i = 0; i < N && ok; i++) {
        const struct tshark_pkt *k = &pk[i];
        const struct rrc_drb_params *p = &ps[i];
        char snl[16];
        snprintf(snl, sizeof snl, "len%dbits", p->pdcp_sn_bits);
        ok = (k->problems == 0 || (snprintf(why, sizeof why, "pdu %d: %s", i, k->problem), false)) &&
             tshark_is_int(k, "c1", 0, 0, why, sizeof why) &&
             tshark_is_int(k, "rrc_TransactionIdentifier", 0, i % 4, why, sizeof why) &&
             tshark_is_count(k, "DRB_ToAddMod_element", 1, why, sizeof why) &&
             tshark_is_int(k, "DRB_ToAddMod_element/drb_Identity", 0, p->drb_id, why, sizeof why) &&
             tshark_is_name(k, "cnAssociation", 0, "sdap-Config", why, sizeof why) &&
             tshark_is_int(k, "pdu_Session", 0, p->pdu_session_id, why, sizeof why) &&
             tshark_is_name(k, "sdap_HeaderDL", 0, p->sdap_header_dl ? "present" : "absent", why, sizeof why) &&
             tshark_is_name(k, "sdap_HeaderUL", 0, p->sdap_header_ul ? "present" : "absent", why, sizeof why) &&
             tshark_is_int(k, "defaultDRB", 0, 1, why, sizeof why) &&
             tshark_is_count(k, "mappedQoS_FlowsToAdd/QFI", 1, why, sizeof why) &&
             tshark_is_int(k, "QFI", 0, p->qfi, why, sizeof why) &&
             check_name(k, "discardTimer", 0, "ms", p->pdcp_discard_timer_ms, why, sizeof why) &&
             tshark_is_name(k, "pdcp_SN_SizeUL", 0, snl, why, sizeof why) &&
             tshark_is_name(k, "pdcp_SN_SizeDL", 0, snl, why, sizeof why) &&
             tshark_is_name(k, "headerCompression", 0, "notUsed", why, sizeof why) &&
             tshark_is_count(k, "integrityProtection", 0, why, sizeof why) &&
             check_name(k, "t_Reordering", 0, "ms", p->pdcp_t_reordering_ms, why, sizeof why) &&
             tshark_is_count(k, "srb_ToAddModList", 0, why, sizeof why) &&
             tshark_is_int(k, "cellGroupId", 0, 0, why, sizeof why) &&
             tshark_is_count(k, "RLC_BearerConfig_element", 1, why, sizeof why) &&
             tshark_is_int(k, "logicalChannelIdentity", 0, p->lcid, why, sizeof why) &&
             tshark_is_int(k, "servedRadioBearer/drb_Identity", 0, p->drb_id, why, sizeof why) &&
             tshark_is_name(k, "rlc_Config", 0, "am", why, sizeof why) &&
             check_name(k, "ul_AM_RLC_element/sn_FieldLength", 0, "size", p->rlc.sn_bits, why, sizeof why) &&
             check_name(k, "dl_AM_RLC_element/sn_FieldLength", 0, "size", p->rlc.sn_bits, why, sizeof why) &&
             check_name(k, "t_PollRetransmit", 0, "ms", p->rlc.t_poll_retransmit_ms, why, sizeof why) &&
             check_name(k, "pollPDU", 0, "p", p->rlc.poll_pdu, why, sizeof why) &&
             check_name(k, "pollByte", 0, "kB", p->rlc.poll_byte, why, sizeof why) &&
             check_name(k, "maxRetxThreshold", 0, "t", p->rlc.max_retx, why, sizeof why) &&
             check_name(k, "t_Reassembly", 0, "ms", p->rlc.t_reassembly_ms, why, sizeof why) &&
             check_name(k, "t_StatusProhibit", 0, "ms", p->rlc.t_status_prohibit_ms, why, sizeof why) &&
             tshark_is_int(k, "priority", 0, p->lc_priority, why, sizeof why) &&
             tshark_is_name(k, "prioritisedBitRate", 0, "infinity", why, sizeof why) &&
             tshark_is_name(k, "bucketSizeDuration", 0, "ms5", why, sizeof why) &&
             tshark_is_int(k, "logicalChannelGroup", 0, p->lcg, why, sizeof why) &&
             tshark_is_int(k, "schedulingRequestID", 0, p->sr_id, why, sizeof why) &&
             tshark_is_int(k, "logicalChannelSR_Mask", 0, 0, why, sizeof why) &&
             tshark_is_int(k, "logicalChannelSR_DelayTimerApplied", 0, 0, why, sizeof why) &&
             tshark_is_count(k, "mac_CellGroupConfig_element", 0, why, sizeof why) &&
             tshark_is_count(k, "dedicatedNAS_MessageList/DedicatedNAS_Message", i % 3 ? 1 : 0, why, sizeof why);
        if (ok && i % 3) {
            char show[64];
            tshark_show(k, "DedicatedNAS_Message", 0, show, sizeof show);
            ok = strcmp(show, "7e:00:44:03") == 0 || (snprintf(why, sizeof why, "pdu %d: NAS %s", i, show), false);
        }
        if (!ok) {
            size_t w = strlen(why);
            snprintf(why + w, sizeof why - w, " (pdu %d)", i);
        }
    }
    tshark_pkts_free(pk, N);
    ck_assert_msg(ok, "%s", why);
    printf("tshark: %d RRCReconfigurations (DRB, SDAP, PDCP, RLC AM bearer, logical channel, NAS) read as built\n",
           N);
}
END_TEST

/* Random RRCReconfigurations over everything the codec models, through encode and decode. */
START_TEST(test_round_trip)
{
    static uint8_t buf[RRC_DL_NAS_MAX + 512];
    size_t len;
    for (int it = 0; it < 400; it++) {
        memset(&msg, 0, sizeof msg);
        msg.c1 = RRC_DL_DCCH_RECONFIGURATION;
        struct rrc_reconfiguration *r = &msg.reconfiguration;
        r->transaction_id = rnd(0, 3);
        r->has_radio_bearer_config = rnd(0, 3) > 0;
        struct rrc_radio_bearer_config *rb = &r->radio_bearer_config;
        if (r->has_radio_bearer_config) {
            rb->nof_srb = rnd(0, 2);
            for (int i = 0; i < rb->nof_srb; i++)
                rb->srb[i] = (struct rrc_srb_to_add_mod){.srb_id = rnd(1, 3), .reestablish_pdcp = rnd(0, 1),
                                                         .discard_on_pdcp = rnd(0, 1)};
            rb->srb3_to_release = rnd(0, 1);
            rb->nof_drb = rnd(0, RRC_MAX_DRBS);
            for (int i = 0; i < rb->nof_drb; i++) {
                struct rrc_drb_to_add_mod *d = &rb->drb[i];
                d->drb_id = rnd(1, 32);
                d->has_cn_association = rnd(0, 3) > 0;
                d->cn_is_eps_bearer = d->has_cn_association && rnd(0, 3) == 0;
                if (d->cn_is_eps_bearer) d->eps_bearer_id = rnd(0, 15);
                if (d->has_cn_association && !d->cn_is_eps_bearer) {
                    struct rrc_sdap_config *s = &d->sdap;
                    s->pdu_session = rnd(0, 255);
                    s->header_dl = rnd(0, 1);
                    s->header_ul = rnd(0, 1);
                    s->default_drb = rnd(0, 1);
                    s->nof_qfi_add = rnd(0, RRC_MAX_QFIS);
                    s->nof_qfi_release = rnd(0, RRC_MAX_QFIS);
                    for (int q = 0; q < s->nof_qfi_add; q++) s->qfi_add[q] = rnd(0, 63);
                    for (int q = 0; q < s->nof_qfi_release; q++) s->qfi_release[q] = rnd(0, 63);
                }
                d->reestablish_pdcp = rnd(0, 1);
                d->recover_pdcp = rnd(0, 1);
                d->has_pdcp_config = rnd(0, 3) > 0;
                struct rrc_pdcp_config *c = &d->pdcp;
                if (d->has_pdcp_config) {
                    c->has_drb = rnd(0, 3) > 0;
                    if (c->has_drb) {
                        c->has_discard_timer = rnd(0, 1);
                        c->discard_timer = c->has_discard_timer ? PICK(discard) : 0;
                        c->has_sn_size_ul = rnd(0, 1);
                        c->sn_size_ul = c->has_sn_size_ul ? PICK(sn) : 0;
                        c->has_sn_size_dl = rnd(0, 1);
                        c->sn_size_dl = c->has_sn_size_dl ? PICK(sn) : 0;
                        c->integrity_protection = rnd(0, 1);
                        c->status_report_required = rnd(0, 1);
                        c->out_of_order_delivery = rnd(0, 1);
                    }
                    c->has_t_reordering = rnd(0, 1);
                    c->t_reordering = c->has_t_reordering ? PICK(t_reordering) : 0;
                }
            }
            rb->nof_drb_release = rnd(0, RRC_MAX_DRBS);
            for (int i = 0; i < rb->nof_drb_release; i++) rb->drb_release[i] = rnd(1, 32);
        }
        if (rnd(0, 3) > 0) {
            struct rrc_drb_params p;
            random_params(&p);
            static struct rrc_dl_dcch_msg tmp;
            ck_assert_int_eq(rrc_reconfig_fill_drb(&p, NULL, 0, 0, &tmp), 0);
            r->has_master_cell_group = true;
            r->master_cell_group = tmp.reconfiguration.master_cell_group;
        }
        r->full_config = rnd(0, 1);
        r->nof_nas = rnd(0, RRC_RECONF_MAX_NAS);
        size_t off = 0;
        for (int i = 0; i < r->nof_nas; i++) {
            r->nas_off[i] = off;
            r->nas_len[i] = (size_t)PICK(((const int[]){0, 1, 4, 127, 128, 300, 2000}));
            for (size_t k = 0; k < r->nas_len[i]; k++) r->nas[off + k] = (uint8_t)rnd(0, 255);
            off += r->nas_len[i];
        }
        ck_assert_int_eq(rrc_dl_dcch_encode(&msg, buf, sizeof buf, &len), 0);
        ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &back), 0);
        ck_assert_int_eq(back.c1, RRC_DL_DCCH_RECONFIGURATION);
        ck_assert_msg(memcmp(&back.reconfiguration, r, sizeof *r) == 0, "iteration %d differs after decoding", it);
    }
}
END_TEST

START_TEST(test_refusals)
{
    struct rrc_drb_params p;
    uint8_t buf[128];
    size_t len;
    static const uint8_t nas[] = {0x7e, 0x00, 0x44, 0x03};
    /* Each field just outside 38.331's range (or not one of its values). */
    for (int k = 0; k < 22; k++) {
        rrc_drb_params_defaults(&p);
        int tid = 0;
        switch (k) {
        case 0: p.drb_id = 0; break;
        case 1: p.drb_id = 33; break;
        case 2: p.lcid = 3; break;
        case 3: p.lcid = 33; break;
        case 4: p.pdu_session_id = 256; break;
        case 5: p.qfi = 64; break;
        case 6: p.rlc.sn_bits = 10; break;
        case 7: p.rlc.t_poll_retransmit_ms = 46; break;
        case 8: p.rlc.poll_pdu = 5; break;
        case 9: p.rlc.poll_byte = 41000; break;
        case 10: p.rlc.max_retx = 5; break;
        case 11: p.rlc.t_reassembly_ms = 105; break;
        case 12: p.rlc.t_status_prohibit_ms = 2500; break;
        case 13: p.pdcp_sn_bits = 7; break;
        case 14: p.pdcp_discard_timer_ms = 1000; break;
        case 15: p.pdcp_t_reordering_ms = 3; break;
        case 16: p.lc_priority = 0; break;
        case 17: p.lc_priority = 17; break;
        case 18: p.lcg = 8; break;
        case 19: p.sr_id = -1; break;
        case 20: tid = 4; break;
        case 21: p.pdcp_t_reordering_ms = RRC_INFINITY; break;
        }
        ck_assert_msg(rrc_reconfig_build_drb(&p, nas, sizeof nas, tid, buf, sizeof buf, &len) == -EINVAL,
                      "case %d accepted", k);
        ck_assert_uint_eq(len, 0);
    }
    rrc_drb_params_defaults(&p);
    ck_assert_int_eq(rrc_reconfig_build_drb(&p, NULL, 3, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb(&p, nas, RRC_DL_NAS_MAX + 1, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb(&p, nas, sizeof nas, 0, buf, 20, &len), -ENOSPC);
    /* A NAS message placed outside the shared buffer. */
    ck_assert_int_eq(rrc_reconfig_fill_drb(&p, nas, sizeof nas, 0, &msg), 0);
    msg.reconfiguration.nas_off[0] = RRC_DL_NAS_MAX - 2;
    ck_assert_int_eq(rrc_dl_dcch_encode(&msg, buf, sizeof buf, &len), -EINVAL);

    /* On the air: the hand-worked message of test_bytes_by_hand with one bit changed at a time where it turns on
     * an IE that is not modelled: secondaryCellGroup (octet 1, 0x40), securityConfig (octet 2, 0x20),
     * moreThanOneRLC (octet 7, 0x01), masterKeyUpdate (octet 11, 0x40). */
    rrc_drb_params_defaults(&p);
    uint8_t good[64];
    size_t glen;
    ck_assert_int_eq(rrc_reconfig_build_drb(&p, (const uint8_t[]){0x7e, 0x02, 0x11, 0x22, 0x33}, 5, 2, good,
                                            sizeof good, &glen),
                     0);
    static const struct { int byte, mask; } flips[] = {{1, 0x40}, {2, 0x20}, {7, 0x01}, {11, 0x40}};
    for (size_t f = 0; f < sizeof flips / sizeof flips[0]; f++) {
        memcpy(buf, good, glen);
        buf[flips[f].byte] ^= (uint8_t)flips[f].mask;
        ck_assert_msg(rrc_dl_dcch_decode(buf, glen, &back) == -ENOTSUP, "flip %zu: %d", f,
                      rrc_dl_dcch_decode(buf, glen, &back));
    }
    /* headerCompression rohc (index 1) on the air: -ENOTSUP. Octet 9 ends with its extension bit and index: 000 -> 001. */
    memcpy(buf, good, glen);
    buf[9] |= 0x01;
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, glen, &back), -ENOTSUP);
    /* Truncated anywhere: an error, never a crash. */
    for (size_t n = 0; n < glen; n++) ck_assert_int_lt(rrc_dl_dcch_decode(good, n, &back), 0);
}
END_TEST

/* The release of a DRB (PDU Session Resource Release): drb-ToReleaseList {drb}, rlc-BearerToReleaseList {lcid}
 * in masterCellGroup, the NAS message; decoded back, read back by Wireshark, and the refusals. */
START_TEST(test_drb_release)
{
    static const uint8_t nas[] = {0x7e, 0x00, 0x68, 0x01, 0x00, 0x05, 0x2e, 0x01, 0x01, 0xd3, 0x24, 0x12, 0x01};
    enum { N = 6 };
    static uint8_t bufs[N][64];
    const uint8_t *pdus[N];
    size_t lens[N];
    const int drbs[N] = {1, 1, 32, 5, 17, 2}, lcids[N] = {4, 4, 32, 9, 20, 5};
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(rrc_reconfig_build_drb_release(drbs[i], lcids[i], i % 2 ? NULL : nas, i % 2 ? 0 : sizeof nas,
                                                        i % 4, bufs[i], sizeof bufs[i], &lens[i]),
                         0);
        pdus[i] = bufs[i];
        memset(&back, 0, sizeof back);
        ck_assert_int_eq(rrc_dl_dcch_decode(bufs[i], lens[i], &back), 0);
        ck_assert_int_eq(back.c1, RRC_DL_DCCH_RECONFIGURATION);
        const struct rrc_reconfiguration *r = &back.reconfiguration;
        ck_assert_int_eq(r->transaction_id, i % 4);
        ck_assert(r->has_radio_bearer_config && r->has_master_cell_group);
        ck_assert_int_eq(r->radio_bearer_config.nof_drb, 0);
        ck_assert_int_eq(r->radio_bearer_config.nof_srb, 0);
        ck_assert_int_eq(r->radio_bearer_config.nof_drb_release, 1);
        ck_assert_int_eq(r->radio_bearer_config.drb_release[0], drbs[i]);
        ck_assert_int_eq(r->master_cell_group.nof_rlc_bearers, 0);
        ck_assert_int_eq(r->master_cell_group.nof_rlc_release, 1);
        ck_assert_int_eq(r->master_cell_group.rlc_release[0], lcids[i]);
        ck_assert_int_eq(r->nof_nas, i % 2 ? 0 : 1);
        if (i % 2 == 0) ck_assert_mem_eq(r->nas + r->nas_off[0], nas, sizeof nas);
    }
    size_t len;
    uint8_t buf[64];
    ck_assert_int_eq(rrc_reconfig_build_drb_release(0, 4, NULL, 0, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb_release(33, 4, NULL, 0, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb_release(1, 3, NULL, 0, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb_release(1, 33, NULL, 0, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb_release(1, 4, NULL, 0, 4, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb_release(1, 4, NULL, 3, 0, buf, sizeof buf, &len), -EINVAL);
    ck_assert_int_eq(rrc_reconfig_build_drb_release(1, 4, nas, sizeof nas, 0, buf, 4, &len), -ENOSPC);
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
        return;
    }
    static struct tshark_pkt pk[N];
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.dcch", pdus, lens, N, pk), N);
    char why[512] = "";
    bool ok = true;
    for (int i = 0; i < N && ok; i++) {
        const struct tshark_pkt *k = &pk[i];
        ok = (k->problems == 0 || (snprintf(why, sizeof why, "pdu %d: %s", i, k->problem), false)) &&
             tshark_is_int(k, "c1", 0, 0, why, sizeof why) &&
             tshark_is_int(k, "rrc_TransactionIdentifier", 0, i % 4, why, sizeof why) &&
             tshark_is_count(k, "drb_ToAddModList", 0, why, sizeof why) &&
             tshark_is_count(k, "drb_ToReleaseList/DRB_Identity", 1, why, sizeof why) &&
             tshark_is_int(k, "drb_ToReleaseList/DRB_Identity", 0, drbs[i], why, sizeof why) &&
             tshark_is_int(k, "cellGroupId", 0, 0, why, sizeof why) &&
             tshark_is_count(k, "RLC_BearerConfig_element", 0, why, sizeof why) &&
             tshark_is_count(k, "rlc_BearerToReleaseList/LogicalChannelIdentity", 1, why, sizeof why) &&
             tshark_is_int(k, "rlc_BearerToReleaseList/LogicalChannelIdentity", 0, lcids[i], why, sizeof why) &&
             tshark_is_count(k, "dedicatedNAS_MessageList/DedicatedNAS_Message", i % 2 ? 0 : 1, why, sizeof why);
        if (ok && i % 2 == 0) {
            char show[64];
            tshark_show(k, "DedicatedNAS_Message", 0, show, sizeof show);
            ok = strcmp(show, "7e:00:68:01:00:05:2e:01:01:d3:24:12:01") == 0 || (snprintf(why, sizeof why, "pdu %d: NAS %s", i, show), false);
        }
        if (!ok) {
            size_t w = strlen(why);
            snprintf(why + w, sizeof why - w, " (pdu %d)", i);
        }
    }
    tshark_pkts_free(pk, N);
    ck_assert_msg(ok, "%s", why);
    printf("tshark: %d RRCReconfigurations releasing a DRB and its RLC bearer (drb-ToReleaseList, "
           "rlc-BearerToReleaseList, NAS) read as built\n", N);
}
END_TEST

/* With the spCellConfig of gnbd's RRCSetup and mcs-Table qam256 (what rrc_cell sends a 256QAM UE): the RRCSetup
 * has no mcs-Table, the reconfiguration has qam256 once, with the RRCSetup's search spaces and PUCCH resources,
 * and tshark reads both without a problem; the message round-trips. */
START_TEST(test_sp_cell_qam256)
{
    static struct rrc_dl_ccch_msg setup;
    struct rrc_setup_cell_desc d;
    rrc_setup_builder_defaults(&d);
    ck_assert_int_eq(rrc_setup_builder_build(&d, 0, &setup), 0);
    static struct rrc_sp_cell_config sp;
    sp = setup.setup.master_cell_group.sp_cell;
    ck_assert(!sp.dedicated.pdsch.has_mcs_table);
    sp.dedicated.pdsch.has_mcs_table = true;
    sp.dedicated.pdsch.mcs_table = 0;
    struct rrc_drb_params p;
    rrc_drb_params_defaults(&p);
    static const uint8_t nas[] = {0x7e, 0x00, 0x44, 0x03}; /* 5GMM Registration reject, cause #3 */
    static uint8_t bufs[2][4096];
    size_t lens[2];
    ck_assert_int_eq(rrc_dl_ccch_encode(&setup, bufs[0], sizeof bufs[0], &lens[0]), 0);
    ck_assert_int_eq(rrc_reconfig_build_drb_sp_cell(&p, &sp, nas, sizeof nas, 1, bufs[1], sizeof bufs[1], &lens[1]),
                     0);
    ck_assert_int_eq(rrc_dl_dcch_decode(bufs[1], lens[1], &back), 0);
    ck_assert(back.reconfiguration.master_cell_group.has_sp_cell);
    ck_assert(rrc_serving_cell_qam256(&back.reconfiguration.master_cell_group.sp_cell.dedicated));
    ck_assert_int_eq(back.reconfiguration.master_cell_group.nof_rlc_bearers, 1);
    if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1") != 0) {
        printf("tshark not installed: Wireshark check skipped\n");
        return;
    }
    static struct tshark_pkt pk[2];
    const uint8_t *pdus[1] = {bufs[0]};
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.ccch", pdus, lens, 1, &pk[0]), 1);
    pdus[0] = bufs[1];
    ck_assert_int_eq(tshark_pdml("nr-rrc.dl.dcch", pdus, &lens[1], 1, &pk[1]), 1);
    char why[1024] = "";
    bool ok = pk[0].problems == 0 && pk[1].problems == 0 &&
              tshark_is_count(&pk[0], "pdsch_Config/setup_element/mcs_Table", 0, why, sizeof why) &&
              tshark_is_count(&pk[1], "pdsch_Config/setup_element/mcs_Table", 1, why, sizeof why) &&
              tshark_is_name(&pk[1], "pdsch_Config/setup_element/mcs_Table", 0, "qam256", why, sizeof why) &&
              tshark_is_count(&pk[1], "searchSpacesToAddModList/SearchSpace_element", 1, why, sizeof why) &&
              tshark_is_count(&pk[1], "PUCCH_Resource_element/format/format1_element", 3, why, sizeof why) &&
              tshark_is_count(&pk[1], "DRB_ToAddMod_element", 1, why, sizeof why);
    if (pk[0].problems || pk[1].problems) snprintf(why, sizeof why, "%s / %s", pk[0].problem, pk[1].problem);
    tshark_pkts_free(pk, 2);
    ck_assert_msg(ok, "%s", why);
    printf("tshark: RRCSetup without mcs-Table, the DRB RRCReconfiguration with its spCellConfig and qam256\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_reconfiguration");
    TCase *t = tcase_create("reconfiguration");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_bytes_by_hand);
    tcase_add_test(t, test_read_by_wireshark);
    tcase_add_test(t, test_round_trip);
    tcase_add_test(t, test_refusals);
    tcase_add_test(t, test_drb_release);
    tcase_add_test(t, test_sp_cell_qam256);
    suite_add_tcase(s, t);
    return check_run(s);
}
