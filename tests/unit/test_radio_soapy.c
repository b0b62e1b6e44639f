/* Tests of the wall-clocked SDR helpers (drivers/radio_sdr.h: exact ns/sample conversion, DL back-off and
 * clipping) and of the "soapy" radio backend end to end against the gnbd_loopback SoapySDR device
 * (tests/soapy/gnbd_loopback.cpp, built into $BUILD/soapy): timed TX found again at exactly its timestamp,
 * late DL, device-reported underflow and overflow, epochs, and the open errors. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/radio.h"
#include "drivers/radio_sdr.h"

#define RATE 1920000.0
#define N 1920 /* one 1 ms slot (15 kHz SCS) at 1.92 MHz */

/* Deterministic pseudo-random numbers (64-bit LCG), so that a failure can be reproduced. */
static uint64_t lcg(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return *state >> 11;
}

START_TEST(test_ns_sample_conversion_is_exact_and_rounds_to_nearest)
{
    const uint64_t rates[] = {3, 1920000, 23040000, 30720000, 122880000, 1000000000};
    uint64_t st = 1;
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        uint64_t rate = rates[i];
        ck_assert_int_eq(radio_sdr_samples_to_ns(rate, rate), 1000000000);
        ck_assert_uint_eq(radio_sdr_ns_to_samples(1000000000, rate), rate);
        /* Up to ~4e13 samples (hours at the highest rates), and below 2^63 ns (9e9 s) at the lowest. */
        uint64_t span = 9000000000ull * rate < (1ull << 45) ? 9000000000ull * rate : 1ull << 45;
        for (int k = 0; k < 20000; k++) {
            uint64_t s = k < 3 ? (uint64_t[]){0, rate - 1, rate + 1}[k] : lcg(&st) % span;
            int64_t ns = radio_sdr_samples_to_ns(s, rate);
            /* |ns - s * 1e9 / rate| <= 1/2, checked in 128-bit integers (a long double is too short). */
            __int128 diff = (__int128)ns * rate - (__int128)s * 1000000000;
            ck_assert_msg(2 * (diff < 0 ? -diff : diff) <= (__int128)rate, "rate %lu s %lu ns %ld", rate, s, ns);
            ck_assert_uint_eq(radio_sdr_ns_to_samples(ns, rate), s);
        }
    }
    /* Nearest, halves up: 1/3 s = 333333333.3 ns, 2/3 s = 666666666.7 ns; 0.5 s at 1 Hz is sample 1. */
    ck_assert_int_eq(radio_sdr_samples_to_ns(1, 3), 333333333);
    ck_assert_int_eq(radio_sdr_samples_to_ns(2, 3), 666666667);
    ck_assert_uint_eq(radio_sdr_ns_to_samples(500000000, 1), 1);
    ck_assert_uint_eq(radio_sdr_ns_to_samples(499999999, 1), 0);
    ck_assert_uint_eq(radio_sdr_ns_to_samples(-5, 1920000), 0);
}
END_TEST

START_TEST(test_secs_sample_conversion_round_trips)
{
    uint64_t st = 7;
    for (int k = 0; k < 20000; k++) {
        uint64_t rate = 1000000 + lcg(&st) % 200000000, s = lcg(&st) % (1ull << 45);
        int64_t full;
        double frac;
        radio_sdr_samples_to_secs(s, rate, &full, &frac);
        ck_assert(frac >= 0 && frac < 1);
        ck_assert_uint_eq((uint64_t)full, s / rate);
        ck_assert_uint_eq(radio_sdr_secs_to_samples(full, frac, rate), s);
    }
    ck_assert_uint_eq(radio_sdr_secs_to_samples(2, 0.5, 1920000), 4800000);
    ck_assert_uint_eq(radio_sdr_secs_to_samples(-1, 0.5, 1920000), 0);
}
END_TEST

START_TEST(test_scale_dl_applies_gain_and_counts_clipped_samples)
{
    const cf_t in[] = {0.5f + 0.25f * I, 2.5f - 0.5f * I, -0.5f - 3.0f * I, -1.9f + 1.9f * I, 0.0f};
    cf_t out[5];
    size_t clipped = radio_sdr_scale_dl(out, in, 5, 0.5f);
    ck_assert_uint_eq(clipped, 2); /* 2.5*0.5 and -3*0.5 exceed 1; -1.9*0.5 does not */
    ck_assert(out[0] == 0.25f + 0.125f * I);
    ck_assert(out[1] == 1.0f - 0.25f * I);
    ck_assert(out[2] == -0.25f - 1.0f * I);
    ck_assert(out[3] == -0.95f + 0.95f * I);
    ck_assert(out[4] == 0.0f);
}
END_TEST

/* The loopback tests below exist only when the build found SoapySDR (Makefile: HAVE_SOAPY from pkg-config). So
 * that compiling them out cannot pass for a success: when SoapySDR is installed (pkg-config finds it now), the
 * library must have the soapy backend and this program the loopback tests; only a machine without SoapySDR may
 * skip them, and it says so. */
START_TEST(test_soapy_backend_and_loopback_tests_are_built_when_soapysdr_is_installed)
{
#ifdef HAVE_SOAPY
    const bool tests_built = true;
#else
    const bool tests_built = false;
#endif
    bool installed = system("pkg-config --exists SoapySDR 2>/dev/null") == 0;
    bool in_library = radio_backend_available("soapy");
    ck_assert_msg(!installed || in_library, "SoapySDR is installed but the radio library was built without the"
                  " soapy backend (rebuild: make clean && make)");
    ck_assert_msg(!installed || tests_built, "SoapySDR is installed but this program was built without its"
                  " loopback tests (HAVE_SOAPY unset)");
    ck_assert_msg(in_library == tests_built, "the library (%s) and this test (%s) disagree on HAVE_SOAPY",
                  in_library ? "soapy" : "no soapy", tests_built ? "loopback tests" : "no loopback tests");
    if (!tests_built)
        printf("SoapySDR is not installed: the soapy backend and its loopback tests are compiled out, SKIPPED\n");
}
END_TEST

#ifdef HAVE_SOAPY
static struct radio_params loopback_params(const char *args, double backoff_db)
{
    return (struct radio_params){.args = args, .sample_rate = RATE, .tx_freq_hz = 3.5e9, .rx_freq_hz = 3.5e9,
                                 .tx_gain_db = 10, .rx_gain_db = 20, .samples_per_slot = N,
                                 .clock_source = "internal", .time_source = "internal", .tx_antenna = "",
                                 .rx_antenna = "", .dl_backoff_db = backoff_db};
}

/* Open and start the loopback and take the new-epoch report. */
static void start_loopback(struct radio *r, const char *args, double backoff_db)
{
    char err[256] = "";
    struct radio_params p = loopback_params(args, backoff_db);
    int rc = radio_open(r, "soapy", &p, err, sizeof err);
    ck_assert_msg(rc == 0, "open failed (%d): %s", rc, err);
    ck_assert_int_eq(radio_start(r), 0);
    cf_t *blk = calloc(N, sizeof *blk);
    uint64_t ts = 0;
    uint32_t epoch = 0;
    ck_assert_int_eq(radio_recv(r, blk, N, &ts, &epoch), RADIO_NEW_EPOCH);
    ck_assert_uint_eq(epoch, 1);
    free(blk);
}

/* Receive blocks until epoch samples [0, len) are in stream (stream[t] = sample t); returns the block count. */
static int recv_until(struct radio *r, cf_t *stream, uint64_t len)
{
    cf_t *blk = calloc(N, sizeof *blk);
    uint64_t ts = 0, end = 0;
    uint32_t epoch = 0;
    int blocks = 0;
    while (end < len) {
        ck_assert_int_eq(radio_recv(r, blk, N, &ts, &epoch), N);
        ck_assert_uint_eq(epoch, 1);
        ck_assert_uint_eq(ts % N, 0);
        for (size_t i = 0; i < N && ts + i < len; i++) stream[ts + i] = blk[i];
        end = ts + N;
        blocks++;
    }
    free(blk);
    return blocks;
}

static void fill_random(cf_t *x, size_t n, float amp, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        float re = (float)(lcg(&seed) % 2001) / 1000.0f - 1.0f, im = (float)(lcg(&seed) % 2001) / 1000.0f - 1.0f;
        x[i] = amp * re + amp * im * I;
    }
}

START_TEST(test_open_without_device_names_the_args)
{
    struct radio r;
    char err[256] = "";
    struct radio_params p = loopback_params("driver=nonexistent", 0);
    ck_assert_int_eq(radio_open(&r, "soapy", &p, err, sizeof err), -ENODEV);
    ck_assert_str_eq(err, "no SoapySDR device found for args \"driver=nonexistent\"");
}
END_TEST

START_TEST(test_open_rejects_bad_sources_and_fractional_rate_before_probing)
{
    struct radio r;
    char err[256] = "";
    struct radio_params p = loopback_params("driver=nonexistent", 0);
    p.clock_source = "atomic";
    ck_assert_int_eq(radio_open(&r, "soapy", &p, err, sizeof err), -EINVAL);
    ck_assert_str_eq(err, "soapy: unknown clock source \"atomic\" (allowed: internal, external, gpsdo)");
    p.clock_source = "external";
    p.time_source = "ntp";
    ck_assert_int_eq(radio_open(&r, "soapy", &p, err, sizeof err), -EINVAL);
    ck_assert_str_eq(err, "soapy: unknown time source \"ntp\" (allowed: internal, external, gpsdo)");
    p.time_source = "";
    p.sample_rate = 1920000.5;
    ck_assert_int_eq(radio_open(&r, "soapy", &p, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "whole number of Hz"));
}
END_TEST

START_TEST(test_open_fails_when_device_lacks_the_clock_source)
{
    struct radio r;
    char err[256] = "";
    struct radio_params p = loopback_params("driver=gnbd_loopback", 0);
    p.clock_source = "gpsdo"; /* the loopback offers internal and external only */
    ck_assert_int_eq(radio_open(&r, "soapy", &p, err, sizeof err), -ENOTSUP);
    ck_assert_str_eq(err, "SoapySDR device has no clock source \"gpsdo\"");
    p.clock_source = "external";
    ck_assert_int_eq(radio_open(&r, "soapy", &p, err, sizeof err), 0);
    radio_close(&r);
}
END_TEST

START_TEST(test_recv_reports_epoch_then_contiguous_slot_aligned_blocks)
{
    struct radio r;
    start_loopback(&r, "driver=gnbd_loopback", 0);
    ck_assert_int_eq(radio_clocking(&r), RADIO_WALL_CLOCKED);
    ck_assert_int_eq(radio_state(&r), RADIO_STATE_STREAMING);
    cf_t *blk = calloc(N, sizeof *blk);
    uint64_t ts = 99;
    uint32_t epoch = 0;
    for (uint64_t k = 0; k < 4; k++) {
        ck_assert_int_eq(radio_recv(&r, blk, N, &ts, &epoch), N);
        ck_assert_uint_eq(ts, k * N);
        ck_assert_uint_eq(epoch, 1);
    }
    ck_assert_uint_eq(atomic_load(&r.counters.rx_samples), 4 * N);
    ck_assert_uint_eq(atomic_load(&r.counters.epochs), 1);
    ck_assert_int_eq(radio_send(&r, blk, N, 10 * N, 2), -ESTALE);
    ck_assert_int_eq(radio_send(&r, blk, N, 10 * N, 0), -ESTALE);
    ck_assert_int_eq(radio_set_sample_rate(&r, 3840000), -EBUSY);
    radio_stop(&r);
    ck_assert_int_eq(radio_recv(&r, blk, N, &ts, &epoch), -ECANCELED);
    free(blk);
    radio_close(&r);
}
END_TEST

/* A started loopback radio, a stream of what it received (stream[t] = epoch sample t) and a DL slot to send. */
struct loop {
    struct radio r;
    cf_t *stream;
    cf_t burst[N];
};
#define LOOP_LEN (10 * N)

static void loop_begin(struct loop *l, const char *args, double backoff_db, float amp, uint64_t seed)
{
    start_loopback(&l->r, args, backoff_db);
    l->stream = calloc(LOOP_LEN, sizeof *l->stream);
    fill_random(l->burst, N, amp, seed);
}

static void loop_end(struct loop *l)
{
    free(l->stream);
    radio_close(&l->r);
}

START_TEST(test_burst_sent_at_future_ts_comes_back_at_exactly_that_ts)
{
    struct loop l;
    loop_begin(&l, "driver=gnbd_loopback", 0, 0.9f, 42);
    enum { LEN = 700, T = 5 * N + 123 }; /* not on a block boundary */
    ck_assert_int_eq(radio_send(&l.r, l.burst, LEN, T, 1), LEN);
    recv_until(&l.r, l.stream, 8 * N);
    for (int i = 0; i < LEN; i++) ck_assert_msg(l.stream[T + i] == l.burst[i], "sample %d differs", i);
    ck_assert(l.stream[T - 1] == 0 && l.stream[T + LEN] == 0);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_samples), LEN);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_clipped), 0);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_late), 0);
    loop_end(&l);
}
END_TEST

START_TEST(test_dl_backoff_scales_and_clips_what_goes_on_air)
{
    struct loop l;
    loop_begin(&l, "driver=gnbd_loopback", 6.0, 1.0f, 9);
    enum { T = 2 * N };
    l.burst[10] = 3.0f - 0.5f * I; /* 3 * 10^(-6/20) = 1.50: clipped to 1 */
    l.burst[11] = 0.5f - 2.5f * I;
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, T, 1), N);
    recv_until(&l.r, l.stream, 4 * N);
    const float g = powf(10.0f, -6.0f / 20.0f);
    for (int i = 0; i < N; i++) {
        if (i == 10 || i == 11) continue;
        ck_assert_float_eq_tol(crealf(l.stream[T + i]), g * crealf(l.burst[i]), 1e-6f);
        ck_assert_float_eq_tol(cimagf(l.stream[T + i]), g * cimagf(l.burst[i]), 1e-6f);
    }
    ck_assert_float_eq_tol(crealf(l.stream[T + 10]), 1.0f, 1e-7f);
    ck_assert_float_eq_tol(cimagf(l.stream[T + 11]), -1.0f, 1e-7f);
    ck_assert_float_eq_tol(cimagf(l.stream[T + 10]), -0.5f * g, 1e-6f);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_clipped), 2);
    loop_end(&l);
}
END_TEST

START_TEST(test_send_already_in_the_past_counts_late_and_is_not_sent)
{
    struct loop l;
    loop_begin(&l, "driver=gnbd_loopback", 0, 0.5f, 3);
    recv_until(&l.r, l.stream, 3 * N); /* RX has passed sample 3N: the device clock is at least there */
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 3 * N - 1, 1), N);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_late), 1);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_samples), 0);
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 3 * N, 1), N); /* the present is still on time */
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_late), 1);
    recv_until(&l.r, l.stream, 5 * N);
    ck_assert(memcmp(l.stream + 3 * N, l.burst, sizeof l.burst) == 0);
    loop_end(&l);
}
END_TEST

START_TEST(test_contiguous_dl_has_no_underflow_until_a_real_gap)
{
    struct loop l;
    loop_begin(&l, "driver=gnbd_loopback", 0, 0.5f, 2);
    for (int k = 2; k <= 4; k++) {
        fill_random(l.burst, N, 0.5f, (uint64_t)k);
        ck_assert_int_eq(radio_send(&l.r, l.burst, N, (uint64_t)k * N, 1), N);
    }
    recv_until(&l.r, l.stream, 5 * N); /* RX reaches the burst's end exactly: no gap yet */
    fill_random(l.burst, N, 0.5f, 5);
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 5 * N, 1), N);
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_underflows), 0);
    recv_until(&l.r, l.stream, 7 * N);
    for (int k = 2; k <= 5; k++) {
        fill_random(l.burst, N, 0.5f, (uint64_t)k);
        ck_assert_msg(memcmp(l.stream + k * N, l.burst, sizeof l.burst) == 0, "slot %d differs", k);
    }
    ck_assert(l.stream[6 * N] == 0);
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 9 * N, 1), N);      /* polls the device's reports */
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_underflows), 1); /* only the real gap after slot 5 */
    loop_end(&l);
}
END_TEST

START_TEST(test_gap_in_open_burst_counts_device_underflow)
{
    struct loop l;
    loop_begin(&l, "driver=gnbd_loopback", 0, 0.5f, 11);
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 2 * N, 1), N);
    recv_until(&l.r, l.stream, 4 * N); /* RX runs past the burst while it is still open */
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_underflows), 0);
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 6 * N, 1), N); /* a new timed burst; polls the report */
    ck_assert_uint_eq(atomic_load(&l.r.counters.tx_underflows), 1);
    recv_until(&l.r, l.stream, 8 * N);
    ck_assert(memcmp(l.stream + 6 * N, l.burst, sizeof l.burst) == 0);
    ck_assert(l.stream[6 * N - 1] == 0);
    loop_end(&l);
}
END_TEST

START_TEST(test_overflow_is_counted_and_blocks_stay_slot_aligned)
{
    struct loop l;
    /* The device loses 100 samples halfway through slot 2. */
    loop_begin(&l, "driver=gnbd_loopback,overflow_after=4800,overflow_gap=100", 0, 0.5f, 21);
    ck_assert_int_eq(radio_send(&l.r, l.burst, N, 3 * N, 1), N);
    uint64_t ts[3];
    uint32_t epoch;
    for (int k = 0; k < 3; k++) ck_assert_int_eq(radio_recv(&l.r, l.stream, N, &ts[k], &epoch), N);
    ck_assert_uint_eq(ts[0], 0);
    ck_assert_uint_eq(ts[1], N);
    ck_assert_uint_eq(ts[2], 3 * N); /* the broken slot 2 is dropped whole */
    ck_assert_uint_eq(atomic_load(&l.r.counters.rx_overflows), 1);
    ck_assert(memcmp(l.stream, l.burst, sizeof l.burst) == 0); /* and time still lines up with TX */
    loop_end(&l);
}
END_TEST
#endif

static Suite *radio_soapy_suite(void)
{
    Suite *s = suite_create("radio_soapy");
    TCase *tc = tcase_create("sdr_helpers");
    tcase_add_test(tc, test_ns_sample_conversion_is_exact_and_rounds_to_nearest);
    tcase_add_test(tc, test_secs_sample_conversion_round_trips);
    tcase_add_test(tc, test_scale_dl_applies_gain_and_counts_clipped_samples);
    tcase_add_test(tc, test_soapy_backend_and_loopback_tests_are_built_when_soapysdr_is_installed);
    suite_add_tcase(s, tc);
#ifdef HAVE_SOAPY
    tc = tcase_create("loopback");
    tcase_add_test(tc, test_open_without_device_names_the_args);
    tcase_add_test(tc, test_open_rejects_bad_sources_and_fractional_rate_before_probing);
    tcase_add_test(tc, test_open_fails_when_device_lacks_the_clock_source);
    tcase_add_test(tc, test_recv_reports_epoch_then_contiguous_slot_aligned_blocks);
    tcase_add_test(tc, test_burst_sent_at_future_ts_comes_back_at_exactly_that_ts);
    tcase_add_test(tc, test_dl_backoff_scales_and_clips_what_goes_on_air);
    tcase_add_test(tc, test_send_already_in_the_past_counts_late_and_is_not_sent);
    tcase_add_test(tc, test_contiguous_dl_has_no_underflow_until_a_real_gap);
    tcase_add_test(tc, test_gap_in_open_burst_counts_device_underflow);
    tcase_add_test(tc, test_overflow_is_counted_and_blocks_stay_slot_aligned);
    suite_add_tcase(s, tc);
#endif
    return s;
}

/* Point SoapySDR at the loopback module only: SOAPY_SDR_PLUGIN_PATH = $BUILD/soapy ($BUILD from the
 * environment, else the build directory this program sits in), SOAPY_SDR_ROOT = an empty directory so that
 * no installed module is loaded. Returns the temporary root to remove, or NULL on failure. */
static char *isolate_soapy(char *root, size_t rootlen)
{
    char dir[PATH_MAX], exe[PATH_MAX], mod[PATH_MAX + 32];
    const char *build = getenv("BUILD");
    if (build && *build) {
        if (!realpath(build, dir)) return NULL;
    } else {
        ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (len <= 0) return NULL;
        exe[len] = '\0';
        *strrchr(exe, '/') = '\0'; /* $BUILD/tests */
        *strrchr(exe, '/') = '\0'; /* $BUILD */
        snprintf(dir, sizeof dir, "%s", exe);
    }
    snprintf(mod, sizeof mod, "%s/soapy", dir);
    setenv("SOAPY_SDR_PLUGIN_PATH", mod, 1);
    snprintf(mod, sizeof mod, "%s/soapy/libgnbd_loopback.so", dir);
    if (access(mod, R_OK) != 0) {
        fprintf(stderr, "missing %s (make %s)\n", mod, mod);
        return NULL;
    }
    snprintf(root, rootlen, "/tmp/gnbd-soapy-root-XXXXXX");
    if (!mkdtemp(root)) return NULL;
    setenv("SOAPY_SDR_ROOT", root, 1);
    return root;
}

int main(void)
{
    char root[64] = "";
#ifdef HAVE_SOAPY
    if (!isolate_soapy(root, sizeof root)) return EXIT_FAILURE;
#else
    (void)isolate_soapy;
#endif
    SRunner *sr = srunner_create(radio_soapy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (*root) rmdir(root);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
