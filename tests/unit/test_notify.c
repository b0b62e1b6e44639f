/* systemd notification (gnb/notify.h): the exact datagrams sent, and the watchdog decision. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gnb/notify.h"
#include "tests/unit/check_run.h"

/* The test plays systemd: a datagram socket in the abstract namespace, named in NOTIFY_SOCKET. */
static int sd_fd = -1;

static void bind_notify_socket(void)
{
    static int serial;
    char name[64];
    snprintf(name, sizeof name, "@gnbd-test-notify-%d-%d", (int)getpid(), serial++);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path + 1, name + 1, strlen(name) - 1); /* sun_path[0] = 0: abstract */
    sd_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(sd_fd, 0);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
    ck_assert_int_eq(bind(sd_fd, (struct sockaddr *)&sa, len), 0);
    struct timeval tv = {.tv_sec = 2};
    setsockopt(sd_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
}

static void setup(void)
{
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    bind_notify_socket();
}

static void teardown(void)
{
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    if (sd_fd >= 0) close(sd_fd);
    sd_fd = -1;
}

static void expect_datagram(const char *want)
{
    char buf[1024];
    ssize_t n = recv(sd_fd, buf, sizeof buf - 1, 0);
    ck_assert_msg(n >= 0, "no datagram (expected \"%s\"): %s", want, strerror(errno));
    buf[n] = '\0';
    ck_assert_str_eq(buf, want);
}

static void expect_no_datagram(void)
{
    char buf[64];
    ck_assert_int_eq(recv(sd_fd, buf, sizeof buf, MSG_DONTWAIT), -1);
}

START_TEST(each_notification_sends_its_exact_assignment)
{
    ck_assert_int_gt(notify_ready(), 0);
    expect_datagram("READY=1");
    int stages = 1 + rand() % 8;
    char want[128];
    snprintf(want, sizeof want, "STATUS=radio zmq waiting for peer, %d stages", stages);
    ck_assert_int_gt(notify_status("radio %s waiting for peer, %d stages", "zmq", stages), 0);
    expect_datagram(want);
    ck_assert_int_gt(notify_watchdog(), 0);
    expect_datagram("WATCHDOG=1");
    ck_assert_int_gt(notify_stopping(), 0);
    expect_datagram("STOPPING=1");
    expect_no_datagram();
}
END_TEST

START_TEST(status_stays_one_bounded_line)
{
    ck_assert_int_gt(notify_status("two\nlines\r"), 0);
    expect_datagram("STATUS=two lines ");
    char long_text[1000], want[sizeof "STATUS=" + NOTIFY_STATUS_MAX];
    memset(long_text, 'a' + rand() % 26, sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    snprintf(want, sizeof want, "STATUS=%.*s", NOTIFY_STATUS_MAX, long_text);
    ck_assert_int_gt(notify_status("%s", long_text), 0);
    expect_datagram(want);
}
END_TEST

START_TEST(without_systemd_notifications_do_nothing)
{
    unsetenv("NOTIFY_SOCKET");
    ck_assert_int_eq(notify_ready(), 0);
    ck_assert_int_eq(notify_status("x"), 0);
    ck_assert_int_eq(notify_watchdog(), 0);
    ck_assert_int_eq(notify_stopping(), 0);
    expect_no_datagram();
}
END_TEST

START_TEST(watchdog_interval_is_half_of_watchdog_usec_for_this_process)
{
    unsigned long usec = 1000000ul + (unsigned long)(rand() % 1000) * 1000ul;
    char v[32];
    snprintf(v, sizeof v, "%lu", usec);
    setenv("WATCHDOG_USEC", v, 1);
    ck_assert_uint_eq(notify_watchdog_interval_us(), usec / 2);
    snprintf(v, sizeof v, "%d", (int)getpid());
    setenv("WATCHDOG_PID", v, 1);
    struct watchdog_state w;
    watchdog_init(&w);
    ck_assert_uint_eq(w.interval_us, usec / 2);
    snprintf(v, sizeof v, "%d", (int)getpid() + 1); /* meant for another process */
    setenv("WATCHDOG_PID", v, 1);
    ck_assert_uint_eq(notify_watchdog_interval_us(), 0);
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    ck_assert_uint_eq(notify_watchdog_interval_us(), 0);
}
END_TEST

static const char *const names[] = {"radio_rx", "radio_tx", "phy_ul", "mac", "phy_dl"};
#define NSTAGES 5

static void init_state(struct watchdog_state *w, uint64_t interval)
{
    watchdog_init(w);
    w->interval_us = interval;
    w->stage_names = names;
}

START_TEST(advancing_stages_are_pinged_once_per_interval)
{
    struct watchdog_state w;
    uint64_t interval = 1000 + (uint64_t)(rand() % 1000), t = 5000000 + (uint64_t)rand(), beats[NSTAGES];
    const char *why = NULL;
    init_state(&w, interval);
    for (int i = 0; i < NSTAGES; i++) beats[i] = 1 + (uint64_t)(rand() % 1000);
    ck_assert(watchdog_should_ping(&w, beats, NSTAGES, false, t, &why)); /* first check is due at once */
    ck_assert_str_eq(why, "all 5 stages advancing");
    int pings = 0;
    for (uint64_t dt = 100; dt <= 10 * interval; dt += 100) {
        for (int i = 0; i < NSTAGES; i++) beats[i] += 1 + (uint64_t)(rand() % 3);
        if (watchdog_should_ping(&w, beats, NSTAGES, false, t + dt, &why))
            pings++;
        else
            ck_assert_str_eq(why, "not due");
    }
    /* One ping per whole interval elapsed (ticks of 100 us can only delay a ping, never add one). */
    ck_assert_int_le(pings, 10);
    ck_assert_int_ge(pings, (int)(10 * interval / (interval + 100)));
}
END_TEST

START_TEST(a_stalled_stage_is_never_pinged_until_it_moves)
{
    struct watchdog_state w;
    uint64_t interval = 1000, t = 1000000, beats[NSTAGES] = {10, 20, 30, 40, 50};
    const char *why = NULL;
    int stalled = rand() % NSTAGES;
    init_state(&w, interval);
    ck_assert(watchdog_should_ping(&w, beats, NSTAGES, false, t, &why));
    for (int k = 1; k <= 20; k++) { /* well past the interval: still no ping */
        for (int i = 0; i < NSTAGES; i++)
            if (i != stalled) beats[i] += 5;
        ck_assert(!watchdog_should_ping(&w, beats, NSTAGES, false, t + interval * (uint64_t)k, &why));
        char want[96];
        snprintf(want, sizeof want, "stage %s stalled at heartbeat %d", names[stalled], 10 * (stalled + 1));
        ck_assert_str_eq(why, want);
    }
    beats[stalled]++;
    ck_assert(watchdog_should_ping(&w, beats, NSTAGES, false, t + 21 * interval, &why));
    ck_assert_str_eq(why, "all 5 stages advancing");
    /* Without names the stage is given by its index. */
    w.stage_names = NULL;
    ck_assert(!watchdog_should_ping(&w, beats, NSTAGES, false, t + 23 * interval, &why));
    ck_assert_ptr_nonnull(strstr(why, "stage 0 stalled"));
}
END_TEST

START_TEST(waiting_for_peer_is_healthy_idle)
{
    struct watchdog_state w;
    uint64_t interval = 2000, t = 777, beats[NSTAGES] = {0};
    const char *why = NULL;
    init_state(&w, interval);
    ck_assert(!watchdog_should_ping(&w, beats, NSTAGES, false, t, &why)); /* never started, not waiting */
    ck_assert(watchdog_should_ping(&w, beats, NSTAGES, true, t, &why));
    ck_assert_str_eq(why, "radio waiting for peer");
    ck_assert(!watchdog_should_ping(&w, beats, NSTAGES, true, t + interval - 1, &why));
    ck_assert_str_eq(why, "not due");
    ck_assert(watchdog_should_ping(&w, beats, NSTAGES, true, t + interval, &why));
    /* The peer came and the stages run: pinged as long as they advance from the last (idle) ping. */
    for (int i = 0; i < NSTAGES; i++) beats[i] = 3;
    ck_assert(watchdog_should_ping(&w, beats, NSTAGES, false, t + 2 * interval, &why));
    ck_assert(!watchdog_should_ping(&w, beats, NSTAGES, false, t + 3 * interval, &why));
}
END_TEST

START_TEST(off_or_invalid_input_never_pings)
{
    struct watchdog_state w;
    uint64_t beats[WATCHDOG_MAX_STAGES + 1] = {0};
    const char *why = NULL;
    init_state(&w, 0);
    ck_assert(!watchdog_should_ping(&w, beats, 1, true, 1000000, &why));
    ck_assert_str_eq(why, "watchdog off");
    init_state(&w, 1000);
    ck_assert(!watchdog_should_ping(&w, beats, WATCHDOG_MAX_STAGES + 1, true, 1000000, &why));
    ck_assert(!watchdog_should_ping(&w, NULL, 3, true, 1000000, &why));
    ck_assert(!watchdog_should_ping(&w, beats, -1, true, 1000000, NULL));
    ck_assert_ptr_nonnull(strstr(why, "invalid stage count"));
}
END_TEST

START_TEST(tick_loop_sends_watchdog_only_while_healthy)
{
    /* What gnbd's control thread does each tick, with the real datagrams. */
    setenv("WATCHDOG_USEC", "2000", 1);
    struct watchdog_state w;
    watchdog_init(&w);
    ck_assert_uint_eq(w.interval_us, 1000);
    uint64_t beats[2] = {0, 0};
    int sent = 0, expected = 0;
    for (int tick = 0; tick < 30; tick++) {
        bool healthy = tick < 10 || tick >= 20; /* stage 1 stalls for ticks 10..19 */
        beats[0]++;
        if (healthy) beats[1]++;
        if (watchdog_should_ping(&w, beats, 2, false, (uint64_t)tick * 1000, NULL)) {
            ck_assert(healthy);
            ck_assert_int_gt(notify_watchdog(), 0);
            expect_datagram("WATCHDOG=1"); /* now: a unix datagram queue holds only ~10 */
            sent++;
        }
        expected += healthy;
    }
    ck_assert_int_eq(sent, expected);
    expect_no_datagram();
}
END_TEST

static Suite *notify_suite(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = tcase_create("sd_notify");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, each_notification_sends_its_exact_assignment);
    tcase_add_test(tc, status_stays_one_bounded_line);
    tcase_add_test(tc, without_systemd_notifications_do_nothing);
    tcase_add_test(tc, watchdog_interval_is_half_of_watchdog_usec_for_this_process);
    tcase_add_test(tc, tick_loop_sends_watchdog_only_while_healthy);
    suite_add_tcase(s, tc);
    tc = tcase_create("watchdog");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, advancing_stages_are_pinged_once_per_interval);
    tcase_add_test(tc, a_stalled_stage_is_never_pinged_until_it_moves);
    tcase_add_test(tc, waiting_for_peer_is_healthy_idle);
    tcase_add_test(tc, off_or_invalid_input_never_pings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(notify_suite());
}
