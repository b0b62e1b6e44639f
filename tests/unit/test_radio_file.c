/* Tests of the "file" radio (drivers/radio_file.c): record then replay, SigMF metadata written and checked, end
 * of file, repeat, timestamp gaps and late blocks, argument errors. Files are /tmp/gnbd-test-file-<pid>-*. */
#include <check.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/radio.h"
#include "tests/unit/check_run.h"

#define RATE 11.52e6
#define SPP 1152
#define TX_FREQ 1842.5e6

static void tmp_path(char *out, size_t len, const char *tag)
{
    snprintf(out, len, "/tmp/gnbd-test-file-%d-%s.fc32", getpid(), tag);
}

static int open_file(struct radio *r, const char *args, double rate, char *err, size_t errlen)
{
    struct radio_params p = {.args = args, .sample_rate = rate, .tx_freq_hz = TX_FREQ, .samples_per_slot = SPP};
    return radio_open(r, "file", &p, err, errlen);
}

static void open_started(struct radio *r, const char *args)
{
    char err[256] = "";
    int rc = open_file(r, args, RATE, err, sizeof err);
    ck_assert_msg(rc == 0, "open failed: %s", err);
    ck_assert_int_eq(radio_start(r), 0);
    uint64_t ts;
    uint32_t e;
    cf_t b[1];
    ck_assert_int_eq(radio_recv(r, b, 1, &ts, &e), RADIO_NEW_EPOCH); /* first, before any sample */
    ck_assert_uint_eq(e, 1);
}

/* Sample k of a non-repeating test signal: a scrambled real part, the index as the imaginary part. */
static cf_t content(uint64_t k)
{
    uint32_t x = (uint32_t)(k * 2654435761u) ^ 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return (float)(int32_t)x / 2147483648.0f + I * (float)k;
}

static void write_raw(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (size_t k = 0; k < n; k++) {
        cf_t s = content(k);
        ck_assert_uint_eq(fwrite(&s, sizeof s, 1, f), 1);
    }
    fclose(f);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void remove_recording(const char *path)
{
    char meta[160];
    snprintf(meta, sizeof meta, "%s.sigmf-meta", path);
    unlink(path);
    unlink(meta);
}

/* Blocks sent through tx_file come back identical, at the same timestamps, from rx_file; then -EPIPE. Without
 * rx_file the recording run received zeros. */
START_TEST(test_record_then_replay_gives_identical_samples)
{
    char path[128], args[160];
    tmp_path(path, sizeof path, "rec");
    snprintf(args, sizeof args, "tx_file=%s", path);
    struct radio r;
    static cf_t buf[SPP];
    uint64_t ts;
    uint32_t e;
    open_started(&r, args);
    for (int b = 0; b < 3; b++) {
        buf[7] = 1;
        ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), SPP);
        ck_assert_uint_eq(ts, (uint64_t)b * SPP);
        for (size_t i = 0; i < SPP; i++) ck_assert(buf[i] == 0);
    }
    for (uint64_t b = 0; b < 20; b++) {
        for (size_t i = 0; i < SPP; i++) buf[i] = content(b * SPP + i);
        ck_assert_int_eq(radio_send(&r, buf, SPP, b * SPP, 1), SPP);
    }
    ck_assert_uint_eq(atomic_load(&r.counters.tx_samples), 20 * SPP);
    radio_close(&r);
    ck_assert_int_eq(file_size(path), 20 * SPP * (long)sizeof(cf_t));

    snprintf(args, sizeof args, "rx_file=%s", path);
    open_started(&r, args);
    for (uint64_t b = 0; b < 20; b++) {
        ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), SPP);
        ck_assert_uint_eq(ts, b * SPP);
        ck_assert_uint_eq(e, 1);
        for (size_t i = 0; i < SPP; i++) ck_assert_msg(buf[i] == content(b * SPP + i), "sample %zu", b * SPP + i);
    }
    ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), -EPIPE);
    ck_assert_uint_eq(atomic_load(&r.counters.rx_samples), 20 * SPP);
    radio_close(&r);
    remove_recording(path);
}
END_TEST

static cJSON *read_json(const char *path)
{
    static char text[4096];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return cJSON_Parse(text);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* The recording's PATH.sigmf-meta says cf32_le, the cell's rate and the TX frequency; replaying it into a cell
 * of another rate, or with metadata of another datatype or no sample rate, fails at open with the reason. */
START_TEST(test_sigmf_metadata_is_written_and_checked_on_replay)
{
    char path[128], meta[160], args[160], err[256];
    tmp_path(path, sizeof path, "meta");
    snprintf(meta, sizeof meta, "%s.sigmf-meta", path);
    snprintf(args, sizeof args, "tx_file=%s", path);
    struct radio r;
    open_started(&r, args);
    radio_close(&r);
    cJSON *root = read_json(meta);
    ck_assert_ptr_nonnull(root);
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, "global");
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "captures"), 0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(g, "core:datatype")->valuestring, "cf32_le");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(g, "core:version")->valuestring, "1.0.0");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(g, "core:hw")->valuestring, "gnbd");
    ck_assert(cJSON_GetObjectItemCaseSensitive(g, "core:sample_rate")->valuedouble == RATE);
    ck_assert(cJSON_GetObjectItemCaseSensitive(c, "core:frequency")->valuedouble == TX_FREQ);
    cJSON_Delete(root);

    snprintf(args, sizeof args, "rx_file=%s", path);
    ck_assert_int_eq(open_file(&r, args, RATE, err, sizeof err), 0); /* same rate: fine */
    radio_close(&r);
    ck_assert_int_eq(open_file(&r, args, 23.04e6, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "recorded at 11520000 samples/s"));
    ck_assert_ptr_nonnull(strstr(err, "sample rate is 23040000"));
    write_text(meta, "{\"global\":{\"core:datatype\":\"ci16_le\",\"core:sample_rate\":11520000}}");
    ck_assert_int_eq(open_file(&r, args, RATE, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "cf32_le"));
    write_text(meta, "{\"global\":{\"core:datatype\":\"cf32_le\"}");
    ck_assert_int_eq(open_file(&r, args, RATE, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "core:sample_rate"));
    remove_recording(path);
}
END_TEST

/* A file of 2 blocks + 100 samples, no repeat: two whole blocks, a third with the 100 samples then zeros,
 * then -EPIPE, and -EPIPE again. */
START_TEST(test_end_of_file_pads_the_last_block_then_ends)
{
    char path[128], args[160];
    tmp_path(path, sizeof path, "eof");
    write_raw(path, 2 * SPP + 100);
    snprintf(args, sizeof args, "rx_file=%s,repeat=0", path);
    struct radio r;
    static cf_t buf[SPP];
    uint64_t ts;
    uint32_t e;
    open_started(&r, args);
    for (uint64_t b = 0; b < 3; b++) {
        ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), SPP);
        for (size_t i = 0; i < SPP; i++) {
            uint64_t k = b * SPP + i;
            ck_assert_msg(buf[i] == (k < 2 * SPP + 100 ? content(k) : 0), "sample %llu", (unsigned long long)k);
        }
    }
    ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), -EPIPE);
    ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), -EPIPE);
    radio_close(&r);
    unlink(path);
}
END_TEST

/* With repeat=1 a 1000-sample file (not a whole number of blocks) plays in a loop with no seam: sample k of
 * the stream is file sample k mod 1000. */
START_TEST(test_repeat_loops_the_file_without_a_seam)
{
    char path[128], args[160];
    tmp_path(path, sizeof path, "rep");
    write_raw(path, 1000);
    snprintf(args, sizeof args, "rx_file=%s,repeat=1", path);
    struct radio r;
    static cf_t buf[SPP];
    uint64_t ts;
    uint32_t e;
    open_started(&r, args);
    for (uint64_t b = 0; b < 10; b++) {
        ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), SPP);
        ck_assert_uint_eq(ts, b * SPP);
        for (size_t i = 0; i < SPP; i++) ck_assert(buf[i] == content((b * SPP + i) % 1000));
    }
    radio_close(&r);
    unlink(path);
}
END_TEST

/* Blocks at ts 0 and 2*SPP, then one at SPP: the file holds block 0, SPP zeros, block 2; the late block is
 * dropped and counted. A block for another epoch is refused with -ESTALE. */
START_TEST(test_timestamp_gap_is_zero_filled_and_a_late_block_counted)
{
    char path[128], args[160];
    tmp_path(path, sizeof path, "gap");
    snprintf(args, sizeof args, "tx_file=%s", path);
    struct radio r;
    static cf_t buf[SPP], back[3 * SPP];
    open_started(&r, args);
    for (size_t i = 0; i < SPP; i++) buf[i] = content(i);
    ck_assert_int_eq(radio_send(&r, buf, SPP, 0, 1), SPP);
    for (size_t i = 0; i < SPP; i++) buf[i] = content(2 * SPP + i);
    ck_assert_int_eq(radio_send(&r, buf, SPP, 2 * SPP, 1), SPP);
    ck_assert_int_eq(radio_send(&r, buf, SPP, SPP, 1), SPP);
    ck_assert_int_eq(radio_send(&r, buf, SPP, 3 * SPP, 2), -ESTALE);
    ck_assert_uint_eq(atomic_load(&r.counters.tx_late), 1);
    radio_close(&r);
    ck_assert_int_eq(file_size(path), 3 * SPP * (long)sizeof(cf_t));
    FILE *f = fopen(path, "rb");
    ck_assert_uint_eq(fread(back, sizeof(cf_t), 3 * SPP, f), 3 * SPP);
    fclose(f);
    for (size_t k = 0; k < 3 * SPP; k++)
        ck_assert_msg(back[k] == (k < SPP || k >= 2 * SPP ? content(k) : 0), "sample %zu", k);
    remove_recording(path);
}
END_TEST

START_TEST(test_open_rejects_bad_arguments_with_a_reason)
{
    char path[128], args[160], err[256];
    struct radio r;
    ck_assert_int_eq(open_file(&r, "tx_file=/tmp/x,speed=2", RATE, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "\"speed=2\" (allowed: rx_file, tx_file, repeat)"));
    ck_assert_int_eq(open_file(&r, "repeat=2", RATE, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "repeat must be 0 or 1"));
    ck_assert_int_eq(open_file(&r, "rx_file=/nonexistent/gnbd.fc32", RATE, err, sizeof err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "cannot open rx_file /nonexistent/gnbd.fc32"));
    tmp_path(path, sizeof path, "odd");
    write_text(path, "13 bytes long");
    snprintf(args, sizeof args, "rx_file=%s", path);
    ck_assert_int_eq(open_file(&r, args, RATE, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "13 bytes"));
    unlink(path);
}
END_TEST

/* Without rx_file, RX is zeros as fast as asked: 2 s of samples take well under 2 s. At a 96 kHz rate the
 * zeros themselves cost microseconds, so only pacing could bring the time near 2 s, even on a loaded machine. */
#define SLOW_RATE 96e3
START_TEST(test_without_rx_file_zeros_come_unpaced)
{
    struct radio r;
    static cf_t buf[SPP];
    uint64_t ts = 0;
    uint32_t e;
    char err[256] = "";
    ck_assert_msg(open_file(&r, "", SLOW_RATE, err, sizeof err) == 0, "open failed: %s", err);
    ck_assert_int_eq(radio_start(&r), 0);
    ck_assert_int_eq(radio_recv(&r, buf, 1, &ts, &e), RADIO_NEW_EPOCH);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t blocks = (size_t)(2 * SLOW_RATE) / SPP;
    for (size_t b = 0; b < blocks; b++) ck_assert_int_eq(radio_recv(&r, buf, SPP, &ts, &e), SPP);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    ck_assert_uint_eq(ts, (blocks - 1) * SPP);
    ck_assert_msg(s < 1.0, "%.3f s for 2 s of samples", s);
    radio_close(&r);
}
END_TEST

static Suite *radio_file_suite(void)
{
    Suite *s = suite_create("radio_file");
    TCase *tc = tcase_create("file");
    tcase_add_test(tc, test_record_then_replay_gives_identical_samples);
    tcase_add_test(tc, test_sigmf_metadata_is_written_and_checked_on_replay);
    tcase_add_test(tc, test_end_of_file_pads_the_last_block_then_ends);
    tcase_add_test(tc, test_repeat_loops_the_file_without_a_seam);
    tcase_add_test(tc, test_timestamp_gap_is_zero_filled_and_a_late_block_counted);
    tcase_add_test(tc, test_open_rejects_bad_arguments_with_a_reason);
    tcase_add_test(tc, test_without_rx_file_zeros_come_unpaced);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(radio_file_suite());
}
