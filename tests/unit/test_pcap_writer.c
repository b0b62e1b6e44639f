/* The MAC pcap writer (gnb/pcap_writer.h): records reach the file in order and byte for byte, a full ring or a
 * PDU too long for its slots is a counted drop (never a wait), close writes what is queued, a path that cannot
 * be created is refused with a message, a producer thread racing the writer thread loses nothing it was told
 * was queued (run under ThreadSanitizer by `make tsan`), and a reopen (SIGHUP) after a rotation starts a new file. The records' framing itself is test_mac_pcap's. */
#include "gnb/pcap_writer.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/check_run.h"

static char path[64];

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/test_pcap_writer.%d.pcap", (int)getpid());
}

static void teardown(void) { unlink(path); }

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* The file's records: their PDUs' first 4 bytes (a sequence number written by put_seq) into seq[]. Returns the
 * record count; fails the test on a malformed file. */
static int read_file(const char *file, uint32_t *seq, int max, size_t *bytes)
{
    FILE *f = fopen(file, "rb");
    ck_assert_ptr_nonnull(f);
    static uint8_t buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    *bytes = n;
    ck_assert_uint_ge(n, MAC_PCAP_FILE_HEADER_BYTES);
    ck_assert_uint_eq(le32(buf), 0xa1b2c3d4);
    ck_assert_uint_eq(le32(buf + 20), MAC_PCAP_LINKTYPE);
    size_t pos = MAC_PCAP_FILE_HEADER_BYTES;
    int count = 0;
    while (pos < n) {
        ck_assert_uint_ge(n - pos, 16);
        uint32_t caplen = le32(buf + pos + 8);
        ck_assert_uint_ge(n - pos - 16, caplen);
        /* the PDU is the datagram's tail: 4 sequence bytes after the framing's payload tag (0x01) */
        const uint8_t *rec = buf + pos + 16;
        ck_assert_mem_eq(rec + 28, "mac-nr", 6);
        if (count < max) memcpy(&seq[count], rec + caplen - 4, 4);
        count++;
        pos += 16 + caplen;
    }
    return count;
}

static int read_back(uint32_t *seq, int max, size_t *bytes) { return read_file(path, seq, max, bytes); }

static bool put_seq(struct pcap_writer *w, uint32_t k)
{
    struct mac_pcap_info info = {.dir = k % 2 ? MAC_DIR_UL : MAC_DIR_DL, .rnti_type = MAC_PCAP_C_RNTI,
                                 .rnti = 0x4601, .harq_id = -1, .sfn = (uint16_t)(k / 10 % 1024),
                                 .slot = (uint16_t)(k % 10), .time_ns = 1000000ull * k};
    uint8_t pdu[4];
    memcpy(pdu, &k, 4);
    return pcap_writer_put(w, &info, pdu, sizeof pdu);
}

START_TEST(test_off_writer_does_nothing)
{
    static struct pcap_writer w; /* zeroed: never opened */
    ck_assert(!put_seq(&w, 1));
    ck_assert_uint_eq(atomic_load(&w.stats.dropped), 0);
    ck_assert_int_eq(pcap_writer_start(&w), 0);
    ck_assert_int_eq(pcap_writer_close(&w), 0);
}
END_TEST

START_TEST(test_records_in_order_and_close_writes_the_queue)
{
    static struct pcap_writer w;
    char err[256];
    ck_assert_int_eq(pcap_writer_open(&w, path, 100, 16, err, sizeof err), 0);
    for (uint32_t k = 0; k < 10; k++) ck_assert(put_seq(&w, k));
    ck_assert_int_eq(pcap_writer_close(&w), 0); /* no thread: close drains */
    ck_assert_int_eq(pcap_writer_close(&w), 0); /* twice is fine */
    uint32_t seq[16];
    size_t bytes;
    ck_assert_int_eq(read_back(seq, 16, &bytes), 10);
    for (uint32_t k = 0; k < 10; k++) ck_assert_uint_eq(seq[k], k);
    ck_assert_uint_eq(bytes, MAC_PCAP_FILE_HEADER_BYTES + 10 * (mac_pcap_record_len(4) - 2)); /* no HARQ tag */
    ck_assert_uint_eq(atomic_load(&w.stats.written), 10);
}
END_TEST

START_TEST(test_full_ring_and_long_pdu_are_counted_drops)
{
    static struct pcap_writer w;
    char err[256];
    ck_assert_int_eq(pcap_writer_open(&w, path, 64, 8, err, sizeof err), 0);
    int queued = 0;
    for (uint32_t k = 0; k < 11; k++) queued += put_seq(&w, k);
    ck_assert_int_eq(queued, 8);
    ck_assert_uint_eq(atomic_load(&w.stats.dropped), 3);
    ck_assert_uint_eq(atomic_load(&w.stats.queued), 8);
    ck_assert_int_eq(pcap_writer_close(&w), 0);
    uint32_t seq[16];
    size_t bytes;
    ck_assert_int_eq(read_back(seq, 16, &bytes), 8);
    ck_assert_uint_eq(seq[7], 7);

    ck_assert_int_eq(pcap_writer_open(&w, path, 64, 8, err, sizeof err), 0);
    static uint8_t big[65];
    struct mac_pcap_info info = {.dir = MAC_DIR_DL, .rnti_type = MAC_PCAP_C_RNTI, .harq_id = -1};
    ck_assert(pcap_writer_put(&w, &info, big, 64));
    ck_assert(!pcap_writer_put(&w, &info, big, 65));
    info.harq_id = 16; /* not formattable */
    ck_assert(!pcap_writer_put(&w, &info, big, 10));
    ck_assert_uint_eq(atomic_load(&w.stats.dropped), 2);
    ck_assert_int_eq(pcap_writer_close(&w), 0);
    ck_assert_int_eq(read_back(seq, 16, &bytes), 1);
}
END_TEST

START_TEST(test_bad_path_is_refused)
{
    static struct pcap_writer w;
    char err[256] = "";
    ck_assert_int_eq(pcap_writer_open(&w, "/nonexistent-dir/x.pcap", 64, 8, err, sizeof err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/x.pcap"));
    ck_assert(!put_seq(&w, 0));
    ck_assert_int_eq(pcap_writer_close(&w), 0);
    ck_assert_int_eq(pcap_writer_open(&w, path, 0, 8, err, sizeof err), -EINVAL);
    ck_assert_int_eq(pcap_writer_open(&w, path, 64, 6, err, sizeof err), -EINVAL); /* not a power of two */
}
END_TEST

START_TEST(test_producer_thread_against_writer_thread)
{
    static struct pcap_writer w;
    char err[256];
    enum { N = 20000 };
    ck_assert_int_eq(pcap_writer_open(&w, path, 32, 128, err, sizeof err), 0);
    ck_assert_int_eq(pcap_writer_start(&w), 0);
    static uint32_t queued[N];
    int nq = 0;
    for (uint32_t k = 0; k < N; k++) {
        if (put_seq(&w, k)) queued[nq++] = k;
        if (k % 64 == 0) usleep(200); /* give the writer (10 ms poll) a chance now and then */
    }
    ck_assert_int_eq(pcap_writer_close(&w), 0);
    ck_assert_uint_eq(atomic_load(&w.stats.queued) + atomic_load(&w.stats.dropped), N);
    ck_assert_uint_eq(atomic_load(&w.stats.written), (uint64_t)nq);
    static uint32_t seq[N];
    size_t bytes;
    ck_assert_int_eq(read_back(seq, N, &bytes), nq);
    for (int i = 0; i < nq; i++) ck_assert_uint_eq(seq[i], queued[i]); /* what was queued, in order */
    printf("pcap_writer: %d records put, %d written, %llu dropped (ring full)\n", N, nq,
           (unsigned long long)atomic_load(&w.stats.dropped));
    ck_assert_int_gt(nq, 128); /* the writer thread emptied the ring while the producer ran */
}
END_TEST

/* SIGHUP: the file is closed after what was queued and created again under the same path (log rotation). */
START_TEST(test_reopen_after_rotation)
{
    static struct pcap_writer w;
    char err[256], rotated[80];
    snprintf(rotated, sizeof rotated, "%s.1", path);
    ck_assert_int_eq(pcap_writer_open(&w, path, 32, 16, err, sizeof err), 0);
    ck_assert_int_eq(pcap_writer_start(&w), 0);
    for (uint32_t k = 0; k < 3; k++) ck_assert(put_seq(&w, k));
    ck_assert_int_eq(rename(path, rotated), 0); /* logrotate moves the file, then sends SIGHUP */
    pcap_writer_reopen(&w);
    for (int i = 0; i < 200 && atomic_load(&w.stats.reopens) == 0; i++) usleep(5000);
    ck_assert_uint_eq(atomic_load(&w.stats.reopens), 1);
    for (uint32_t k = 3; k < 5; k++) ck_assert(put_seq(&w, k));
    ck_assert_int_eq(pcap_writer_close(&w), 0);
    uint32_t seq[8];
    size_t bytes;
    ck_assert_int_eq(read_back(seq, 8, &bytes), 2); /* the new file: a header and what came after */
    ck_assert_uint_eq(seq[0], 3);
    ck_assert_uint_eq(seq[1], 4);
    ck_assert_int_eq(read_file(rotated, seq, 8, &bytes), 3); /* the rotated one: everything queued before */
    ck_assert_uint_eq(seq[2], 2);
    unlink(rotated);
    /* without a thread, at once */
    ck_assert_int_eq(pcap_writer_open(&w, path, 32, 16, err, sizeof err), 0);
    ck_assert(put_seq(&w, 9));
    pcap_writer_reopen(&w);
    ck_assert_uint_eq(atomic_load(&w.stats.reopens), 1);
    ck_assert_int_eq(pcap_writer_close(&w), 0);
    ck_assert_int_eq(read_back(seq, 8, &bytes), 0); /* record 9 went to the file before the reopen */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pcap_writer");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_off_writer_does_nothing);
    tcase_add_test(tc, test_records_in_order_and_close_writes_the_queue);
    tcase_add_test(tc, test_full_ring_and_long_pdu_are_counted_drops);
    tcase_add_test(tc, test_bad_path_is_refused);
    tcase_add_test(tc, test_producer_thread_against_writer_thread);
    tcase_add_test(tc, test_reopen_after_rotation);
    suite_add_tcase(s, tc);
    return check_run(s);
}
