/* Control requests (gnb/ctrl.h) and the control socket (gnb/ctrl_server.h). */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "gnb/ctrl.h"
#include "gnb/ctrl_server.h"
#include "gnb/log.h"
#include "tests/unit/check_run.h"

/* What the fake daemon reports; the values are drawn per test so a reply cannot pass by coincidence. */
struct fake {
    int status_calls, metrics_calls, config_calls, ues_calls, shutdown_calls, ticks;
    int status_rc;
    long long slot;
    size_t pad; /* bytes of filler in the status reply */
    char config_text[64];
};

static int fake_status(cJSON *out, void *ctx)
{
    struct fake *f = ctx;
    f->status_calls++;
    if (f->status_rc) return f->status_rc;
    cJSON *st = cJSON_AddObjectToObject(out, "status");
    cJSON_AddStringToObject(st, "state", "streaming");
    cJSON_AddNumberToObject(st, "slot", (double)f->slot);
    if (f->pad) {
        char *filler = malloc(f->pad + 1);
        memset(filler, 'x', f->pad);
        filler[f->pad] = '\0';
        cJSON_AddStringToObject(st, "filler", filler);
        free(filler);
    }
    return 0;
}

static int fake_metrics(cJSON *out, void *ctx)
{
    struct fake *f = ctx;
    f->metrics_calls++;
    cJSON *radio = cJSON_AddObjectToObject(cJSON_AddObjectToObject(out, "metrics"), "radio");
    cJSON_AddNumberToObject(radio, "rx_samples", (double)(f->slot * 2));
    return 0;
}

static int fake_config(cJSON *out, void *ctx)
{
    struct fake *f = ctx;
    f->config_calls++;
    cJSON_AddStringToObject(out, "config", f->config_text);
    return 0;
}

static int fake_ues(cJSON *out, void *ctx)
{
    struct fake *f = ctx;
    f->ues_calls++;
    cJSON *ue = cJSON_CreateObject();
    cJSON_AddNumberToObject(ue, "rnti", (double)(f->slot & 0xffff));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(out, "ues"), ue);
    return 0;
}

static int fake_shutdown(void *ctx)
{
    ((struct fake *)ctx)->shutdown_calls++;
    return 0;
}

static void fake_tick(void *ctx) { ((struct fake *)ctx)->ticks++; }

static struct fake fk;
static struct ctrl_handler handler;

static void setup(void)
{
    memset(&fk, 0, sizeof fk);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    fk.slot = 1000 + rand() % 100000;
    snprintf(fk.config_text, sizeof fk.config_text, "cell: { pci = %d; };", rand() % 1008);
    handler = (struct ctrl_handler){.status = fake_status, .metrics = fake_metrics, .config = fake_config,
                                    .ues = fake_ues, .shutdown = fake_shutdown, .tick = fake_tick, .ctx = &fk};
    for (int i = 0; i < LOG_LAYER_COUNT; i++) log_set_level(i, LOG_LEVEL_INFO);
}

static char reply[8192];

/* Send req[0..len), check the reply is one JSON object with a boolean "ok" and the returned length is right. */
static cJSON *ask_n(const char *req, size_t len)
{
    int n = ctrl_handle(&handler, req, len, reply, sizeof reply);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq(strlen(reply), (size_t)n);
    cJSON *r = cJSON_Parse(reply);
    ck_assert_msg(r && cJSON_IsObject(r), "reply is not a JSON object: %s", reply);
    ck_assert_msg(cJSON_IsBool(cJSON_GetObjectItem(r, "ok")), "no boolean ok: %s", reply);
    return r;
}

static cJSON *ask(const char *req) { return ask_n(req, strlen(req)); }

static cJSON *ask_ok(const char *req)
{
    cJSON *r = ask(req);
    ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(r, "ok")), "%s -> %s", req, reply);
    return r;
}

/* The request must be refused with exactly `error`, and the handler must still answer a good request. */
static void expect_error_n(const char *req, size_t len, const char *error)
{
    cJSON *r = ask_n(req, len);
    ck_assert_msg(cJSON_IsFalse(cJSON_GetObjectItem(r, "ok")), "accepted: %s", reply);
    const cJSON *e = cJSON_GetObjectItem(r, "error");
    ck_assert_msg(cJSON_IsString(e), "no error text: %s", reply);
    ck_assert_str_eq(e->valuestring, error);
    cJSON_Delete(r);
    int before = fk.status_calls;
    cJSON_Delete(ask_ok("{\"cmd\":\"status\"}"));
    ck_assert_int_eq(fk.status_calls, before + 1);
}

static void expect_error(const char *req, const char *error) { expect_error_n(req, strlen(req), error); }

static double num_at(const cJSON *r, const char *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(r, obj), key);
    ck_assert_msg(cJSON_IsNumber(v), "no %s.%s in %s", obj, key, reply);
    return v->valuedouble;
}

static const char *str_at(const cJSON *r, const char *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(obj ? cJSON_GetObjectItem(r, obj) : r, key);
    ck_assert_msg(cJSON_IsString(v), "no %s.%s in %s", obj ? obj : "", key, reply);
    return v->valuestring;
}

#define KNOWN "(known: status, metrics, config, ues, log_level, shutdown)"

START_TEST(status_metrics_config_ues_return_the_callbacks_fields)
{
    cJSON *r = ask_ok("{\"cmd\":\"status\"}");
    ck_assert_str_eq(str_at(r, "status", "state"), "streaming");
    ck_assert(num_at(r, "status", "slot") == (double)fk.slot);
    cJSON_Delete(r);
    r = ask_ok("{\"cmd\":\"metrics\"}");
    ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "metrics"), "radio"),
                                  "rx_samples")->valuedouble == (double)(fk.slot * 2));
    cJSON_Delete(r);
    r = ask_ok(" {\"cmd\" : \"config\"}\n");
    ck_assert_str_eq(str_at(r, NULL, "config"), fk.config_text);
    cJSON_Delete(r);
    r = ask_ok("{\"cmd\":\"ues\"}");
    const cJSON *ues = cJSON_GetObjectItem(r, "ues");
    ck_assert_int_eq(cJSON_GetArraySize(ues), 1);
    ck_assert(cJSON_GetObjectItem(cJSON_GetArrayItem(ues, 0), "rnti")->valuedouble == (double)(fk.slot & 0xffff));
    cJSON_Delete(r);
    ck_assert_int_eq(fk.status_calls + fk.metrics_calls + fk.config_calls + fk.ues_calls, 4);
    ck_assert_int_eq(fk.shutdown_calls, 0);
}
END_TEST

START_TEST(shutdown_calls_the_callback_once_and_replies_ok)
{
    cJSON_Delete(ask_ok("{\"cmd\":\"shutdown\"}"));
    ck_assert_int_eq(fk.shutdown_calls, 1);
    ck_assert_int_eq(fk.status_calls, 0);
}
END_TEST

START_TEST(missing_callbacks_and_failing_callbacks_give_error_replies)
{
    handler.ues = NULL;
    expect_error("{\"cmd\":\"ues\"}", "ues: not available");
    handler.shutdown = NULL;
    expect_error("{\"cmd\":\"shutdown\"}", "shutdown: not available");
    fk.status_rc = -EIO;
    cJSON *r = ask("{\"cmd\":\"status\"}");
    ck_assert_str_eq(str_at(r, NULL, "error"), "status failed: Input/output error");
    ck_assert_ptr_null(cJSON_GetObjectItem(r, "status"));
    cJSON_Delete(r);
}
END_TEST

START_TEST(log_level_reports_every_layer_or_one)
{
    log_set_level(LOG_MAC, LOG_LEVEL_DEBUG);
    log_set_level(LOG_RRC, LOG_LEVEL_NONE);
    cJSON *r = ask_ok("{\"cmd\":\"log_level\"}");
    const cJSON *levels = cJSON_GetObjectItem(r, "levels");
    ck_assert_int_eq(cJSON_GetArraySize(levels), LOG_LAYER_COUNT);
    for (int i = 0; i < LOG_LAYER_COUNT; i++)
        ck_assert_str_eq(str_at(r, "levels", log_layer_name(i)), log_level_name(log_get_level(i)));
    cJSON_Delete(r);
    r = ask_ok("{\"cmd\":\"log_level\",\"layer\":\"mac\"}");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "levels")), 1);
    ck_assert_str_eq(str_at(r, "levels", "mac"), "debug");
    cJSON_Delete(r);
}
END_TEST

START_TEST(log_level_sets_one_layer_or_all)
{
    cJSON *r = ask_ok("{\"cmd\":\"log_level\",\"layer\":\"phy\",\"level\":\"debug\"}");
    ck_assert_str_eq(str_at(r, "levels", "phy"), "debug");
    cJSON_Delete(r);
    ck_assert_int_eq(log_get_level(LOG_PHY), LOG_LEVEL_DEBUG);
    ck_assert_int_eq(log_get_level(LOG_MAC), LOG_LEVEL_INFO);
    r = ask_ok("{\"level\":\"error\",\"layer\":\"all\",\"cmd\":\"log_level\"}");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "levels")), LOG_LAYER_COUNT);
    cJSON_Delete(r);
    for (int i = 0; i < LOG_LAYER_COUNT; i++) ck_assert_int_eq(log_get_level(i), LOG_LEVEL_ERROR);
}
END_TEST

START_TEST(log_level_refuses_bad_arguments_and_lists_the_allowed_ones)
{
    expect_error("{\"cmd\":\"log_level\",\"layer\":3}", "\"layer\" must be a string, got a number");
    expect_error("{\"cmd\":\"log_level\",\"layer\":\"phy\",\"level\":[]}", "\"level\" must be a string, got an array");
    expect_error("{\"cmd\":\"log_level\",\"layer\":\"ph\"}",
                 "unknown layer \"ph\" (allowed: radio, phy, mac, rrc, ctrl, gnb, ngap, all)");
    expect_error("{\"cmd\":\"log_level\",\"layer\":\"phy\",\"level\":\"loud\"}",
                 "unknown level \"loud\" (allowed: none, error, warning, info, debug)");
    expect_error("{\"cmd\":\"log_level\",\"level\":\"debug\"}", "\"level\" needs \"layer\" (a layer name or \"all\")");
    for (int i = 0; i < LOG_LAYER_COUNT; i++) ck_assert_int_eq(log_get_level(i), LOG_LEVEL_INFO);
}
END_TEST

START_TEST(malformed_json_is_refused_with_its_offset)
{
    expect_error("{\"cmd\":\"status\"}xyz", "malformed JSON at offset 16: data after the JSON value");
    expect_error("", "malformed JSON at offset 0: empty request");
    expect_error("{\"cmd\":\"status\",}", "malformed JSON at offset 16");
    /* Wherever cJSON stops, the offset lies inside the request. */
    const char *bad[] = {"{\"cmd\":", "{\"cmd\" \"status\"}", "{cmd:\"status\"}", "\xff\xfe"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cJSON *r = ask(bad[i]);
        unsigned off = 9999;
        ck_assert_int_eq(sscanf(str_at(r, NULL, "error"), "malformed JSON at offset %u", &off), 1);
        ck_assert_uint_le(off, strlen(bad[i]));
        cJSON_Delete(r);
    }
}
END_TEST

START_TEST(requests_must_be_objects_with_a_known_string_cmd)
{
    expect_error("[1,2]", "request must be a JSON object, got an array");
    expect_error("\"status\"", "request must be a JSON object, got a string");
    expect_error("{}", "missing \"cmd\" " KNOWN);
    expect_error("{\"CMD\":\"status\"}", "missing \"cmd\" " KNOWN);
    expect_error("{\"cmd\":5}", "\"cmd\" must be a string, got a number " KNOWN);
    expect_error("{\"cmd\":null}", "\"cmd\" must be a string, got null " KNOWN);
    expect_error("{\"cmd\":\"reboot\"}", "unknown command \"reboot\" " KNOWN);
    expect_error("{\"cmd\":\"Status\"}", "unknown command \"Status\" " KNOWN);
}
END_TEST

START_TEST(unknown_and_duplicate_fields_are_refused)
{
    expect_error("{\"cmd\":\"status\",\"verbose\":true}", "unknown field \"verbose\" for status (allowed: cmd)");
    expect_error("{\"cmd\":\"log_level\",\"lvl\":\"debug\"}",
                 "unknown field \"lvl\" for log_level (allowed: cmd, layer, level)");
    expect_error("{\"cmd\":\"status\",\"cmd\":\"shutdown\"}", "duplicate field \"cmd\"");
    ck_assert_int_eq(fk.shutdown_calls, 0);
}
END_TEST

START_TEST(echoed_strings_are_cut_and_made_printable)
{
    char req[600] = "{\"cmd\":\"";
    memset(req + 8, 'a', 500);
    strcpy(req + 508, "\\n\\u00e9\"}");
    cJSON *r = ask(req);
    const char *e = str_at(r, NULL, "error");
    ck_assert_msg(strlen(e) < 200, "error text not bounded: %zu bytes", strlen(e));
    for (const char *p = e; *p; p++) ck_assert(*p >= 0x20 && *p < 0x7f);
    ck_assert_ptr_nonnull(strstr(e, "aaaa...\""));
    cJSON_Delete(r);
}
END_TEST

START_TEST(request_over_64k_is_refused_and_64k_exactly_is_served)
{
    char *req = malloc(CTRL_REQUEST_MAX + 1);
    memset(req, ' ', CTRL_REQUEST_MAX + 1);
    memcpy(req, "{\"cmd\":\"status\"}", 16);
    expect_error_n(req, CTRL_REQUEST_MAX + 1, "request too large: 65537 bytes (limit 65536)");
    cJSON_Delete(ask_n(req, CTRL_REQUEST_MAX));
    ck_assert_msg(strncmp(reply, "{\"ok\":true", 10) == 0, "%s", reply);
    free(req);
}
END_TEST

START_TEST(embedded_nul_is_refused_and_len_is_authoritative)
{
    static const char with_nul[] = "{\"cmd\":\"sta\0tus\"}";
    expect_error_n(with_nul, sizeof with_nul - 1, "malformed JSON at offset 11: NUL byte");
    static const char trailing_nul[] = "{\"cmd\":\"status\"}";
    expect_error_n(trailing_nul, sizeof trailing_nul, "malformed JSON at offset 16: NUL byte");
    /* Bytes past len are never read: the garbage after the object does not matter... */
    static const char longer[] = "{\"cmd\":\"status\"}GARBAGE";
    cJSON *r = ask_n(longer, 16);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "ok")));
    cJSON_Delete(r);
    /* ...and a cut request is incomplete even if the buffer continues. */
    r = ask_n(longer, 15);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r, "ok")));
    cJSON_Delete(r);
}
END_TEST

START_TEST(deeply_nested_json_is_refused_without_crashing)
{
    size_t depth = 60000;
    char *req = malloc(depth + 64);
    size_t n = (size_t)sprintf(req, "{\"cmd\":\"status\",\"x\":");
    memset(req + n, '[', depth);
    cJSON *r = ask_n(req, n + depth);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r, "ok")));
    ck_assert_ptr_nonnull(strstr(str_at(r, NULL, "error"), "malformed JSON at offset"));
    cJSON_Delete(r);
    /* Nesting cJSON accepts still reaches the field check. */
    n = (size_t)sprintf(req, "{\"cmd\":\"status\",\"x\":");
    for (int i = 0; i < 200; i++) req[n++] = '[';
    for (int i = 0; i < 200; i++) req[n++] = ']';
    req[n++] = '}';
    expect_error_n(req, n, "unknown field \"x\" for status (allowed: cmd)");
    free(req);
}
END_TEST

START_TEST(reply_too_large_becomes_an_error_that_fits)
{
    char small[1024];
    fk.pad = 5000;
    int n = ctrl_handle(&handler, "{\"cmd\":\"status\"}", 16, small, sizeof small);
    ck_assert_int_gt(n, 0);
    ck_assert_int_lt(n, (int)sizeof small);
    cJSON *r = cJSON_Parse(small);
    ck_assert_ptr_nonnull(r);
    unsigned long size = 0, limit = 0;
    ck_assert_int_eq(sscanf(cJSON_GetObjectItem(r, "error")->valuestring, "reply too large: %lu bytes (limit %lu)",
                            &size, &limit), 2);
    ck_assert_uint_gt(size, fk.pad);
    ck_assert_uint_eq(limit, sizeof small - 1);
    cJSON_Delete(r);
    /* The smallest allowed buffer still holds a (cut) valid error reply; a smaller one is refused. */
    char tiny[CTRL_REPLY_MIN];
    n = ctrl_handle(&handler, "{\"cmd\":\"no such command at all\"}", 32, tiny, sizeof tiny);
    ck_assert_int_gt(n, 0);
    ck_assert_int_lt(n, (int)sizeof tiny);
    r = cJSON_Parse(tiny);
    ck_assert_msg(r && cJSON_IsFalse(cJSON_GetObjectItem(r, "ok")), "%s", tiny);
    cJSON_Delete(r);
    ck_assert_int_eq(ctrl_handle(&handler, "{}", 2, tiny, CTRL_REPLY_MIN - 1), -EINVAL);
    ck_assert_int_eq(ctrl_handle(NULL, "{}", 2, tiny, sizeof tiny), -EINVAL);
}
END_TEST

START_TEST(random_bytes_always_get_a_json_reply)
{
    char req[512];
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = (size_t)(rand() % (int)sizeof req);
        for (size_t i = 0; i < len; i++) req[i] = (char)(rand() % 256);
        if (iter % 2) req[0] = '{'; /* half of them start like an object, to get past the first byte */
        cJSON_Delete(ask_n(req, len));
    }
    cJSON_Delete(ask_ok("{\"cmd\":\"status\"}"));
}
END_TEST

/* ---- the control socket ---- */

static char endpoint[128];

static void *connect_req_timeout(int timeout)
{
    static void *zctx;
    if (!zctx) zctx = zmq_ctx_new();
    void *sock = zmq_socket(zctx, ZMQ_REQ);
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    ck_assert_int_eq(zmq_connect(sock, endpoint), 0);
    return sock;
}

static void *connect_req(void) { return connect_req_timeout(3000); }

/* One request/reply over the socket; returns the parsed reply. */
static cJSON *roundtrip(void *sock, const void *req, size_t len, int flags)
{
    ck_assert_int_eq(zmq_send(sock, req, len, flags), (int)len);
    if (flags) ck_assert_int_eq(zmq_send(sock, "", 0, 0), 0);
    int n = zmq_recv(sock, reply, sizeof reply - 1, 0);
    ck_assert_msg(n > 0, "no reply from %s: %s", endpoint, zmq_strerror(errno));
    reply[n] = '\0';
    cJSON *r = cJSON_Parse(reply);
    ck_assert_msg(r != NULL, "reply is not JSON: %s", reply);
    return r;
}

START_TEST(server_answers_over_ipc_including_garbage_and_multipart)
{
    struct ctrl_server srv;
    char err[256];
    snprintf(endpoint, sizeof endpoint, "ipc:///tmp/gnbd-test-ctrl-%d.sock", (int)getpid());
    ck_assert_msg(ctrl_server_start(&srv, endpoint, &handler, err, sizeof err) == 0, "%s", err);
    void *sock = connect_req();

    cJSON *r = roundtrip(sock, "{\"cmd\":\"status\"}", 16, 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "ok")));
    ck_assert(num_at(r, "status", "slot") == (double)fk.slot);
    cJSON_Delete(r);

    static const unsigned char garbage[] = {0x00, 0xff, 0x13, 0x37, 0x80, '{', 0x01, 0x7f};
    r = roundtrip(sock, garbage, sizeof garbage, 0);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(r, "ok")));
    ck_assert_str_eq(str_at(r, NULL, "error"), "malformed JSON at offset 0: NUL byte");
    cJSON_Delete(r);

    r = roundtrip(sock, "{\"cmd\":\"status\"}", 16, ZMQ_SNDMORE);
    ck_assert_str_eq(str_at(r, NULL, "error"), "multipart requests are not supported");
    cJSON_Delete(r);

    r = roundtrip(sock, "{\"cmd\":\"shutdown\"}", 18, 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "ok")));
    cJSON_Delete(r);
    ck_assert_int_eq(fk.shutdown_calls, 1);
    zmq_close(sock);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ctrl_server_stop(&srv);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    ck_assert_msg(ms < 1000, "stop took %.0f ms", ms);
    ck_assert_uint_eq(atomic_load(&srv.requests), 4);
    ck_assert_uint_eq(atomic_load(&srv.errors), 2);
    ck_assert_int_eq(fk.status_calls, 1);
    ck_assert_int_ne(access(endpoint + 6, F_OK), 0); /* the socket file is gone */
    ctrl_server_stop(&srv);                          /* a second stop is harmless */
}
END_TEST

START_TEST(server_refuses_big_requests_drops_huge_ones_and_keeps_serving)
{
    struct ctrl_server srv;
    char err[256];
    snprintf(endpoint, sizeof endpoint, "ipc://@gnbd-test-ctrl-big-%d", (int)getpid());
    ck_assert_msg(ctrl_server_start(&srv, endpoint, &handler, err, sizeof err) == 0, "%s", err);
    size_t big = 100 * 1024, huge = CTRL_SERVER_MAX_MSG + 1;
    char *buf = calloc(1, huge);
    void *sock = connect_req();
    cJSON *r = roundtrip(sock, buf, big, 0);
    ck_assert_str_eq(str_at(r, NULL, "error"), "request too large: 102400 bytes (limit 65536)");
    cJSON_Delete(r);
    zmq_close(sock);
    /* Over ZMQ_MAXMSGSIZE ZeroMQ drops the connection: no reply, and the server carries on. */
    sock = connect_req_timeout(500);
    ck_assert_int_eq(zmq_send(sock, buf, huge, 0), (int)huge);
    ck_assert_int_eq(zmq_recv(sock, reply, sizeof reply, 0), -1);
    zmq_close(sock);
    sock = connect_req();
    r = roundtrip(sock, "{\"cmd\":\"status\"}", 16, 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "ok")));
    cJSON_Delete(r);
    zmq_close(sock);
    free(buf);
    ctrl_server_stop(&srv);
    ck_assert_uint_eq(atomic_load(&srv.requests), 2);
}
END_TEST

START_TEST(server_calls_tick_about_every_100_ms)
{
    struct ctrl_server srv;
    char err[256];
    snprintf(endpoint, sizeof endpoint, "ipc://@gnbd-test-ctrl-tick-%d", (int)getpid());
    ck_assert_msg(ctrl_server_start(&srv, endpoint, &handler, err, sizeof err) == 0, "%s", err);
    void *sock = connect_req();
    /* Requests keep arriving: ticks must still happen. */
    for (int i = 0; i < 25; i++) {
        cJSON_Delete(roundtrip(sock, "{\"cmd\":\"metrics\"}", 17, 0));
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
    zmq_close(sock);
    ctrl_server_stop(&srv);
    int ticks = fk.ticks; /* read after the join: no race */
    ck_assert_uint_eq(atomic_load(&srv.ticks), (uint64_t)ticks);
    ck_assert_msg(ticks >= 3 && ticks <= 10, "%d ticks in ~500 ms", ticks);
    ck_assert_int_eq(fk.metrics_calls, 25);
}
END_TEST

START_TEST(bind_failure_names_the_endpoint)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(fd, 1), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    snprintf(endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", ntohs(sa.sin_port));

    struct ctrl_server srv, second;
    char err[256] = "", want[200];
    ck_assert_int_eq(ctrl_server_start(&srv, endpoint, &handler, err, sizeof err), -EADDRINUSE);
    snprintf(want, sizeof want, "cannot bind control socket to %s: Address already in use", endpoint);
    ck_assert_str_eq(err, want);
    ctrl_server_stop(&srv); /* harmless on a server that never started */
    close(fd);

    /* An ipc path a running server holds is not stolen (libzmq would unlink it). */
    snprintf(endpoint, sizeof endpoint, "ipc:///tmp/gnbd-test-ctrl-busy-%d.sock", (int)getpid());
    ck_assert_msg(ctrl_server_start(&srv, endpoint, &handler, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(ctrl_server_start(&second, endpoint, &handler, err, sizeof err), -EADDRINUSE);
    ck_assert_ptr_nonnull(strstr(err, endpoint));
    void *sock = connect_req();
    cJSON_Delete(roundtrip(sock, "{\"cmd\":\"status\"}", 16, 0));
    zmq_close(sock);
    ctrl_server_stop(&srv);
    ck_assert_int_eq(ctrl_server_start(&second, "bogus://x", &handler, err, sizeof err) < 0, 1);
    ck_assert_ptr_nonnull(strstr(err, "bogus://x"));
}
END_TEST

static Suite *ctrl_suite(void)
{
    Suite *s = suite_create("ctrl");
    TCase *tc = tcase_create("handler");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, status_metrics_config_ues_return_the_callbacks_fields);
    tcase_add_test(tc, shutdown_calls_the_callback_once_and_replies_ok);
    tcase_add_test(tc, missing_callbacks_and_failing_callbacks_give_error_replies);
    tcase_add_test(tc, log_level_reports_every_layer_or_one);
    tcase_add_test(tc, log_level_sets_one_layer_or_all);
    tcase_add_test(tc, log_level_refuses_bad_arguments_and_lists_the_allowed_ones);
    tcase_add_test(tc, malformed_json_is_refused_with_its_offset);
    tcase_add_test(tc, requests_must_be_objects_with_a_known_string_cmd);
    tcase_add_test(tc, unknown_and_duplicate_fields_are_refused);
    tcase_add_test(tc, echoed_strings_are_cut_and_made_printable);
    tcase_add_test(tc, request_over_64k_is_refused_and_64k_exactly_is_served);
    tcase_add_test(tc, embedded_nul_is_refused_and_len_is_authoritative);
    tcase_add_test(tc, deeply_nested_json_is_refused_without_crashing);
    tcase_add_test(tc, reply_too_large_becomes_an_error_that_fits);
    tcase_add_test(tc, random_bytes_always_get_a_json_reply);
    suite_add_tcase(s, tc);
    tc = tcase_create("server");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, server_answers_over_ipc_including_garbage_and_multipart);
    tcase_add_test(tc, server_refuses_big_requests_drops_huge_ones_and_keeps_serving);
    tcase_add_test(tc, server_calls_tick_about_every_100_ms);
    tcase_add_test(tc, bind_failure_names_the_endpoint);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(ctrl_suite());
}
