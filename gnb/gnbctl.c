/* gnbctl: command-line client for gnbd's control socket (requests and replies: gnb/ctrl.h).
 *
 * Exit status: 0 the daemon answered "ok": true; 1 it answered "ok": false (or something that is not a
 * reply); 2 usage error; 3 no reply within the timeout (no daemon, or a request ZeroMQ dropped).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <zmq.h>

#ifndef GNBD_VERSION
#define GNBD_VERSION "unknown"
#endif

#define GNBCTL_DEFAULT_ENDPOINT "tcp://127.0.0.1:5555"
#define GNBCTL_DEFAULT_TIMEOUT_MS 2000
#define GNBCTL_MAX_TIMEOUT_MS 3600000
#define GNBCTL_KEY_MAX 256

enum gnbctl_exit { GNBCTL_OK, GNBCTL_REFUSED, GNBCTL_USAGE, GNBCTL_NO_REPLY };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gnbctl [-s ENDPOINT] [-t TIMEOUT_MS] COMMAND [ARGS]\n"
            "\n"
            "Commands:\n"
            "  status                     daemon, radio and cell state\n"
            "  metrics                    counters (slots, radio, rings, threads)\n"
            "  config                     the effective configuration\n"
            "  ues                        UEs in random access or connected, one line each\n"
            "  log_level [LAYER [LEVEL]]  show or set log levels (LAYER may be \"all\")\n"
            "  shutdown                   stop the daemon\n"
            "  raw 'JSON'                 send a request as it is, print the reply\n"
            "\n"
            "Options:\n"
            "  -s, --socket ENDPOINT      control endpoint, tcp://HOST:PORT or ipc://PATH\n"
            "                             (default: $GNBD_CONTROL, else " GNBCTL_DEFAULT_ENDPOINT ")\n"
            "  -t, --timeout MS           how long to wait for the reply (default %d)\n"
            "  -h, --help                 this text\n"
            "  -V, --version              gnbctl's version\n"
            "\n"
            "Exit status: 0 ok, 1 the daemon refused the request, 2 usage error, 3 no reply.\n",
            GNBCTL_DEFAULT_TIMEOUT_MS);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gnbctl: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'gnbctl --help'.\n");
    va_end(ap);
    return GNBCTL_USAGE;
}

/* Build the request for COMMAND [ARGS]; *text is malloc'd. Returns 0 or a usage exit status. */
static int build_request(int argc, char **argv, char **text)
{
    static const char *const simple[] = {"status", "metrics", "config", "ues", "shutdown", NULL};
    const char *cmd = argv[0];
    if (strcmp(cmd, "raw") == 0) {
        if (argc != 2) return usage_error("raw takes one argument, the JSON request");
        *text = strdup(argv[1]);
        return *text ? 0 : usage_error("out of memory");
    }
    int max_args = 0, i = 0;
    while (simple[i] && strcmp(simple[i], cmd) != 0) i++;
    if (strcmp(cmd, "log_level") == 0)
        max_args = 2;
    else if (!simple[i])
        return usage_error("unknown command '%s'", cmd);
    if (argc - 1 > max_args) return usage_error("too many arguments for %s", cmd);

    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "cmd", cmd);
    if (argc > 1) cJSON_AddStringToObject(req, "layer", argv[1]);
    if (argc > 2) cJSON_AddStringToObject(req, "level", argv[2]);
    *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    return *text ? 0 : usage_error("out of memory");
}

/* One request/reply exchange. Returns 0 with *reply (malloc'd, NUL-terminated) or an exit status. */
static int exchange(const char *endpoint, int timeout_ms, const char *req, char **reply)
{
    int rc = GNBCTL_NO_REPLY, linger = 0;
    void *ctx = zmq_ctx_new();
    void *sock = ctx ? zmq_socket(ctx, ZMQ_REQ) : NULL;
    if (!sock) {
        fprintf(stderr, "gnbctl: %s\n", zmq_strerror(errno));
        zmq_ctx_term(ctx);
        return GNBCTL_NO_REPLY;
    }
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    if (zmq_connect(sock, endpoint) != 0) {
        fprintf(stderr, "gnbctl: invalid endpoint '%s': %s\n", endpoint, zmq_strerror(errno));
        rc = GNBCTL_USAGE;
    } else if (zmq_send(sock, req, strlen(req), 0) < 0 || zmq_msg_recv(&msg, sock, 0) < 0) {
        fprintf(stderr, "gnbctl: no reply from %s within %d ms (is gnbd running?)\n", endpoint, timeout_ms);
    } else if ((*reply = malloc(zmq_msg_size(&msg) + 1)) != NULL) {
        memcpy(*reply, zmq_msg_data(&msg), zmq_msg_size(&msg));
        (*reply)[zmq_msg_size(&msg)] = '\0';
        rc = 0;
    }
    zmq_msg_close(&msg);
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return rc;
}

/* A scalar or array as one line of text; *tmp receives anything malloc'd to be freed. */
static const char *value_text(const cJSON *v, char **tmp)
{
    *tmp = NULL;
    if (cJSON_IsString(v)) return v->valuestring;
    *tmp = cJSON_PrintUnformatted(v);
    return *tmp ? *tmp : "?";
}

/* Aligned "key: value" lines for an object, nested objects flattened as "outer.inner" (greppable). With
 * print false, only measure the widest key into *width. */
static void list_fields(const cJSON *obj, const char *prefix, bool print, int *width)
{
    for (const cJSON *f = obj->child; f; f = f->next) {
        char key[GNBCTL_KEY_MAX];
        if (!prefix[0] && strcmp(f->string, "ok") == 0) continue;
        snprintf(key, sizeof key, "%s%s%s", prefix, prefix[0] ? "." : "", f->string);
        if (cJSON_IsObject(f) && f->child) {
            list_fields(f, key, print, width);
        } else if (!print) {
            int w = (int)strlen(key) + 1;
            if (w > *width) *width = w;
        } else {
            char *tmp;
            char label[GNBCTL_KEY_MAX + 1];
            snprintf(label, sizeof label, "%s:", key);
            printf("%-*s %s\n", *width, label, value_text(f, &tmp));
            cJSON_free(tmp);
        }
    }
}

static void print_listing(const cJSON *obj)
{
    int width = 0;
    list_fields(obj, "", false, &width);
    list_fields(obj, "", true, &width);
}

static void print_pretty(const cJSON *item)
{
    char *text = cJSON_Print(item);
    if (text) puts(text);
    cJSON_free(text);
}

/* The config text as is (it is a valid config file); other fields as comments above it. */
static void print_config(const cJSON *reply)
{
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(reply, "config");
    if (!cJSON_IsString(text)) {
        print_pretty(reply);
        return;
    }
    for (const cJSON *f = reply->child; f; f = f->next) {
        if (f == text || strcmp(f->string, "ok") == 0) continue;
        char *tmp;
        printf("# %s: %s\n", f->string, value_text(f, &tmp));
        cJSON_free(tmp);
    }
    size_t n = strlen(text->valuestring);
    fputs(text->valuestring, stdout);
    if (n && text->valuestring[n - 1] != '\n') putchar('\n');
}

/* A number field of obj (nested with a dot: "ul.grants"), or NAN when absent or null. */
static double num(const cJSON *obj, const char *path)
{
    char head[32];
    const char *dot = strchr(path, '.');
    if (dot) {
        snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
        return num(cJSON_GetObjectItemCaseSensitive(obj, head), dot + 1);
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, path);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* One UE on one line, the RNTI first: "0x4601 setup-complete snr=23.4dB ta=3 (1.56us) ul=... age=4ms". */
static void print_ue(const cJSON *ue)
{
    const cJSON *rnti = cJSON_GetObjectItemCaseSensitive(ue, "rnti"), *st = cJSON_GetObjectItemCaseSensitive(ue, "state");
    char snr[24] = "-";
    if (!isnan(num(ue, "snr_db"))) snprintf(snr, sizeof snr, "%.1fdB", num(ue, "snr_db"));
    char phr[16] = "-", dl_mcs[8] = "-", ul_mcs[8] = "-", dl_qm[8] = "-"; /* last PHR's PH index; the last MCSs */
    char dl_table[16] = "-";                                         /* PDSCH MCS table, ->256 while switching */
    if (!isnan(num(ue, "dl.table")))
        snprintf(dl_table, sizeof dl_table, "qam%.0f%s", num(ue, "dl.table"),
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ue, "dl"),
                                                              "table_pending")) ? "->256" : "");
    if (!isnan(num(ue, "dl.qm"))) snprintf(dl_qm, sizeof dl_qm, "%.0f", num(ue, "dl.qm"));
    if (!isnan(num(ue, "dl.mcs"))) snprintf(dl_mcs, sizeof dl_mcs, "%.0f", num(ue, "dl.mcs"));
    if (!isnan(num(ue, "ul.mcs"))) snprintf(ul_mcs, sizeof ul_mcs, "%.0f", num(ue, "ul.mcs"));
    if (!isnan(num(ue, "phr_ph"))) snprintf(phr, sizeof phr, "%.0f", num(ue, "phr_ph"));
    char ids[64] = ""; /* the DRB identities: "(1,2)" */
    const cJSON *id, *arr = cJSON_GetObjectItemCaseSensitive(ue, "drb_ids");
    size_t w = 0;
    cJSON_ArrayForEach(id, arr) if (cJSON_IsNumber(id) && w + 8 < sizeof ids)
        w += (size_t)snprintf(ids + w, sizeof ids - w, "%s%d", w ? "," : "(", (int)id->valuedouble);
    if (w) snprintf(ids + w, sizeof ids - w, ")");
    printf("%s %s%s snr=%s ta=%.0f (%.2fus, %.0f cmds) ul_grants=%.0f ul_ok=%.0f ul_ko=%.0f ul_retx=%.0f "
           "ul_harq_ko=%.0f dl_tx=%.0f dl_ack=%.0f dl_nack=%.0f dl_retx=%.0f dl_harq_ko=%.0f dl_mcs=%s ul_mcs=%s "
           "dl_qm=%s dl_table=%s sr=%.0f bsr=%.0fB phr=%s last_slot=%.0f age=%.0fms drbs=%.0f%s\n",
           cJSON_IsString(rnti) ? rnti->valuestring : "?", cJSON_IsString(st) ? st->valuestring : "?",
           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ue, "rrc_reject")) ? "(reject)" : "", snr, num(ue, "ta"),
           num(ue, "ta_us"), num(ue, "ta_commands"), num(ue, "ul.grants"), num(ue, "ul.crc_ok"), num(ue, "ul.crc_ko"),
           num(ue, "ul.retx"), num(ue, "ul.harq_ko"), num(ue, "dl.tx"), num(ue, "dl.ack"), num(ue, "dl.nack"),
           num(ue, "dl.retx"), num(ue, "dl.harq_ko"), dl_mcs, ul_mcs, dl_qm, dl_table, num(ue, "sr"), num(ue, "bsr_bytes"), phr,
           num(ue, "last_activity_slot"), num(ue, "age_ms"), isnan(num(ue, "drbs")) ? 0 : num(ue, "drbs"), ids);
}

static void print_reply(const char *cmd, const cJSON *reply)
{
    if (strcmp(cmd, "status") == 0 || strcmp(cmd, "metrics") == 0) {
        print_listing(reply);
    } else if (strcmp(cmd, "log_level") == 0 && cJSON_IsObject(cJSON_GetObjectItem(reply, "levels"))) {
        print_listing(cJSON_GetObjectItem(reply, "levels"));
    } else if (strcmp(cmd, "config") == 0) {
        print_config(reply);
    } else if (strcmp(cmd, "ues") == 0 && cJSON_IsArray(cJSON_GetObjectItem(reply, "ues"))) {
        const cJSON *ues = cJSON_GetObjectItem(reply, "ues");
        if (cJSON_GetArraySize(ues) == 0) puts("no UEs");
        for (const cJSON *ue = ues->child; ue; ue = ue->next) print_ue(ue);
    } else if (strcmp(cmd, "shutdown") == 0 && !reply->child->next) {
        puts("gnbd is shutting down");
    } else {
        print_pretty(reply);
    }
}

/* Judge and print a reply: 0 when "ok": true, 1 otherwise (the error on stderr). */
static int handle_reply(const char *cmd, const char *endpoint, const char *text)
{
    cJSON *reply = cJSON_Parse(text);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(reply, "ok");
    int rc = GNBCTL_OK;
    if (!cJSON_IsObject(reply) || !cJSON_IsBool(ok)) {
        fprintf(stderr, "gnbctl: not a gnbd reply from %s: %.200s\n", endpoint, text);
        rc = GNBCTL_REFUSED;
    } else if (cJSON_IsFalse(ok)) {
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(reply, "error");
        fprintf(stderr, "gnbctl: %s\n", cJSON_IsString(err) ? err->valuestring : "request refused (no reason given)");
        rc = GNBCTL_REFUSED;
    } else {
        print_reply(cmd, reply);
    }
    cJSON_Delete(reply);
    return rc;
}

static int parse_timeout(const char *arg, int *timeout_ms)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > GNBCTL_MAX_TIMEOUT_MS) return -EINVAL;
    *timeout_ms = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"socket", required_argument, NULL, 's'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    const char *endpoint = getenv("GNBD_CONTROL");
    int timeout_ms = GNBCTL_DEFAULT_TIMEOUT_MS, c;
    if (!endpoint || !*endpoint) endpoint = GNBCTL_DEFAULT_ENDPOINT;
    opterr = 0; /* our own messages, with the --help hint */
    while ((c = getopt_long(argc, argv, "+:s:t:hV", opts, NULL)) != -1) {
        switch (c) {
        case 's': endpoint = optarg; break;
        case 't':
            if (parse_timeout(optarg, &timeout_ms)) return usage_error("invalid timeout '%s' (1..3600000 ms)", optarg);
            break;
        case 'h': usage(stdout); return GNBCTL_OK;
        case 'V': printf("gnbctl %s\n", GNBD_VERSION); return GNBCTL_OK;
        case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return usage_error("no command given");

    char *req = NULL, *reply = NULL;
    int rc = build_request(argc - optind, argv + optind, &req);
    if (rc == 0) rc = exchange(endpoint, timeout_ms, req, &reply);
    if (rc == 0) rc = handle_reply(argv[optind], endpoint, reply);
    free(req);
    free(reply);
    return rc;
}
