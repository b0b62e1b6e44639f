/* MIB UPER encoding (38.331 6.2.2): round trips, the reference vectors' 24 bits, and Wireshark's decoder. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "asn1/uper.h"
#include "rrc/mib.h"
#include "tshark.h"
#include "tests/unit/check_run.h"

static struct mib random_mib(unsigned *seed)
{
    struct mib m = {
        .sfn = rand_r(seed) % 1024,
        .scs_common_khz = rand_r(seed) % 2 ? 30 : 15,
        .ssb_subcarrier_offset = rand_r(seed) % 16,
        .dmrs_type_a_position = 2 + rand_r(seed) % 2,
        .coreset0_index = rand_r(seed) % 16,
        .searchspace0_index = rand_r(seed) % 16,
        .cell_barred = rand_r(seed) % 2,
        .intra_freq_reselection_allowed = rand_r(seed) % 2,
    };
    return m;
}

START_TEST(test_mib_round_trip_all_fields)
{
    unsigned seed = 7;
    for (int i = 0; i < 5000; i++) {
        struct mib m = random_mib(&seed), back;
        uint8_t bits[MIB_BITS];
        ck_assert_int_eq(mib_pack_bits(&m, bits), 0);
        ck_assert_int_eq(mib_unpack_bits(bits, m.sfn & 15, &back), 0);
        ck_assert_int_eq(back.sfn, m.sfn);
        ck_assert_int_eq(back.scs_common_khz, m.scs_common_khz);
        ck_assert_int_eq(back.ssb_subcarrier_offset, m.ssb_subcarrier_offset);
        ck_assert_int_eq(back.dmrs_type_a_position, m.dmrs_type_a_position);
        ck_assert_int_eq(back.coreset0_index, m.coreset0_index);
        ck_assert_int_eq(back.searchspace0_index, m.searchspace0_index);
        ck_assert_int_eq(back.cell_barred, m.cell_barred);
        ck_assert_int_eq(back.intra_freq_reselection_allowed, m.intra_freq_reselection_allowed);
    }
}
END_TEST

/* A hand-worked example: SFN 0x34<<2... bit by bit from 38.331's field order. */
START_TEST(test_mib_known_bits)
{
    struct mib m = {.sfn = 13 << 4, .scs_common_khz = 15, .ssb_subcarrier_offset = 8, .dmrs_type_a_position = 2,
                    .coreset0_index = 12, .searchspace0_index = 8, .cell_barred = true,
                    .intra_freq_reselection_allowed = true};
    uint8_t b[3];
    ck_assert_int_eq(mib_pack_bytes(&m, b), 0);
    /* 0 | 001101 | 0 | 1000 | 0 | 1100 | 1000 | 0 | 0 | 0  ->  0001 1010 1000 0110 0100 0000 */
    ck_assert_uint_eq(b[0], 0x1a);
    ck_assert_uint_eq(b[1], 0x86);
    ck_assert_uint_eq(b[2], 0x40);
}
END_TEST

START_TEST(test_mib_rejects_bad_values_and_extension)
{
    struct mib m = {.sfn = 1024, .scs_common_khz = 15, .dmrs_type_a_position = 2};
    uint8_t b[3];
    ck_assert_int_lt(mib_pack_bytes(&m, b), 0);
    m.sfn = 0;
    m.scs_common_khz = 60;
    ck_assert_int_lt(mib_pack_bytes(&m, b), 0);
    m.scs_common_khz = 15;
    m.coreset0_index = 16;
    ck_assert_int_lt(mib_pack_bytes(&m, b), 0);
    const uint8_t ext[3] = {0x80, 0, 0}; /* messageClassExtension */
    ck_assert_int_eq(mib_unpack_bytes(ext, 0, &m), -EBADMSG);
}
END_TEST

/* The 24 MIB bits of the independent SSB reference vectors (tests/vectors/ssb/ssb_XX_mib24.bin) decode to the
 * fields of their manifest row and re-encode to the same bits. */
START_TEST(test_mib_reference_vectors)
{
    int checked = 0;
    for (int c = 0; c < 8; c++) {
        char path[128];
        snprintf(path, sizeof path, "tests/vectors/ssb/ssb_%02d_mib24.bin", c);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        uint8_t bits[MIB_BITS];
        size_t n = fread(bits, 1, MIB_BITS, f);
        fclose(f);
        ck_assert_uint_eq(n, MIB_BITS);
        struct mib m;
        ck_assert_int_eq(mib_unpack_bits(bits, 0, &m), 0);
        uint8_t again[MIB_BITS];
        ck_assert_int_eq(mib_pack_bits(&m, again), 0);
        for (int i = 0; i < MIB_BITS; i++) ck_assert_uint_eq(again[i], bits[i]);
        checked++;
    }
    ck_assert_int_ge(checked, 1);
}
END_TEST

/* Wireshark's NR RRC dissector decodes every field as encoded, with no malformed-packet or expert error. */
START_TEST(test_mib_decoded_by_tshark)
{
    enum { N = 24 };
    unsigned seed = 99;
    struct mib m[N];
    uint8_t bytes[N][3];
    const uint8_t *pdus[N];
    size_t lens[N];
    for (int i = 0; i < N; i++) {
        m[i] = random_mib(&seed);
        ck_assert_int_eq(mib_pack_bytes(&m[i], bytes[i]), 0);
        pdus[i] = bytes[i];
        lens[i] = 3;
    }
    static const char *const fields[] = {"nr-rrc.systemFrameNumber", "nr-rrc.subCarrierSpacingCommon",
                                         "nr-rrc.ssb_SubcarrierOffset", "nr-rrc.dmrs_TypeA_Position",
                                         "nr-rrc.controlResourceSetZero", "nr-rrc.searchSpaceZero",
                                         "nr-rrc.cellBarred", "nr-rrc.intraFreqReselection", "_ws.malformed",
                                         "_ws.expert.severity"};
    static char lines[N][TSHARK_LINE];
    int got = tshark_fields("nr-rrc.bcch.bch", pdus, lens, N, fields, 10, lines);
    ck_assert_msg(got == N, "tshark decoded %d of %d MIBs (is tshark installed?)", got, N);
    for (int i = 0; i < N; i++) {
        char v[64];
        /* systemFrameNumber is shown as the BIT STRING's byte: the 6 bits left-aligned. */
        ck_assert_int_eq(strtol(tshark_field(lines[i], 0, v, sizeof v), NULL, 16), (m[i].sfn >> 4) << 2);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 1, v, sizeof v)), m[i].scs_common_khz == 15 ? 0 : 1);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 2, v, sizeof v)), m[i].ssb_subcarrier_offset);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 3, v, sizeof v)), m[i].dmrs_type_a_position - 2);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 4, v, sizeof v)), m[i].coreset0_index);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 5, v, sizeof v)), m[i].searchspace0_index);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 6, v, sizeof v)), m[i].cell_barred ? 0 : 1);
        ck_assert_int_eq(atoi(tshark_field(lines[i], 7, v, sizeof v)), m[i].intra_freq_reselection_allowed ? 0 : 1);
        ck_assert_str_eq(tshark_field(lines[i], 8, v, sizeof v), "");
        ck_assert_str_eq(tshark_field(lines[i], 9, v, sizeof v), "");
    }
}
END_TEST

START_TEST(test_uper_reader_never_reads_past_the_end)
{
    const uint8_t b[1] = {0xff};
    struct uper_reader r;
    uper_reader_init(&r, b, 5);
    ck_assert_uint_eq(uper_get_bits(&r, 4), 15);
    ck_assert_int_eq(r.err, 0);
    ck_assert_uint_eq(uper_get_bits(&r, 2), 0);
    ck_assert_int_eq(r.err, -EBADMSG);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 3), 0);
    uper_reader_init(&r, b, 8);
    ck_assert_int_eq(uper_get_constrained(&r, 0, 5), 0); /* 111 = 7 > 5: out of the constraint */
    ck_assert_int_eq(r.err, -EBADMSG);
    ck_assert_int_eq(uper_range_bits(0, 1), 1);
    ck_assert_int_eq(uper_range_bits(0, 15), 4);
    ck_assert_int_eq(uper_range_bits(0, 16), 5);
    ck_assert_int_eq(uper_range_bits(5, 5), 0);
    uint8_t w8[1];
    struct uper_writer w;
    uper_writer_init(&w, w8, 1);
    uper_put_bits(&w, 0x1ff, 9);
    ck_assert_int_eq(w.err, -ENOSPC);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mib");
    TCase *tc = tcase_create("mib");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_mib_round_trip_all_fields);
    tcase_add_test(tc, test_mib_known_bits);
    tcase_add_test(tc, test_mib_rejects_bad_values_and_extension);
    tcase_add_test(tc, test_mib_reference_vectors);
    tcase_add_test(tc, test_mib_decoded_by_tshark);
    tcase_add_test(tc, test_uper_reader_never_reads_past_the_end);
    suite_add_tcase(s, tc);
    return check_run(s);
}
