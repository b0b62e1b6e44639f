/* Control requests: parse with cJSON, check strictly, dispatch, print the reply into the caller's buffer. */
#include "gnb/ctrl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "gnb/log.h"

#define CTRL_ERROR_MAX 512  /* longest error text; echoed request strings are cut to CTRL_ECHO_MAX */
#define CTRL_ECHO_MAX  40

enum ctrl_cmd { CTRL_STATUS, CTRL_METRICS, CTRL_CONFIG, CTRL_UES, CTRL_LOG_LEVEL, CTRL_SHUTDOWN, CTRL_CMD_COUNT };

const char *const ctrl_commands[CTRL_CMD_COUNT + 1] = {"status", "metrics", "config", "ues", "log_level",
                                                       "shutdown", NULL};

static const char *const no_fields[] = {"cmd", NULL};
static const char *const log_level_fields[] = {"cmd", "layer", "level", NULL};
/* Fields each command accepts, indexed by enum ctrl_cmd. */
static const char *const *const ctrl_fields[CTRL_CMD_COUNT] = {no_fields, no_fields, no_fields, no_fields,
                                                               log_level_fields, no_fields};

/* Append ", name" (or "name" first) to a list being built in buf; cuts silently when buf is full. */
static void list_append(char *buf, size_t cap, const char *name)
{
    size_t used = strlen(buf);
    if (used < cap) snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", name);
}

static void list_names(char *buf, size_t cap, const char *const *names)
{
    buf[0] = '\0';
    for (int i = 0; names[i]; i++) list_append(buf, cap, names[i]);
}

/* Copy an operator-supplied string for an error text: printable ASCII only, bounded, so the reply stays
 * small and valid UTF-8 whatever the request held. */
static const char *echo(char *dst, size_t cap, const char *s)
{
    size_t n = 0;
    for (; s[n] && n < CTRL_ECHO_MAX && n + 4 < cap; n++)
        dst[n] = (s[n] >= 0x20 && s[n] < 0x7f) ? s[n] : '?';
    if (s[n] && n + 4 <= cap) { memcpy(dst + n, "...", 3); n += 3; }
    dst[n] = '\0';
    return dst;
}

static const char *json_type_name(const cJSON *item)
{
    if (cJSON_IsString(item)) return "a string";
    if (cJSON_IsNumber(item)) return "a number";
    if (cJSON_IsBool(item)) return "a boolean";
    if (cJSON_IsNull(item)) return "null";
    if (cJSON_IsArray(item)) return "an array";
    if (cJSON_IsObject(item)) return "an object";
    return "an invalid value";
}

/* Error replies are written by hand, not with cJSON: they then need no allocation and always fit (they are
 * cut to the buffer), which is what makes "every request gets a reply" hold under memory pressure too. */
__attribute__((format(printf, 3, 4)))
static int error_reply(char *reply, size_t cap, const char *fmt, ...)
{
    static const char head[] = "{\"ok\":false,\"error\":\"", tail[] = "\"}";
    char text[CTRL_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);

    size_t n = sizeof head - 1, room = cap - sizeof tail; /* keeps space for the tail and its NUL */
    memcpy(reply, head, n);
    for (const char *p = text; *p; p++) {
        bool esc = *p == '"' || *p == '\\';
        if (n + 1 + esc > room) break;
        if (esc) reply[n++] = '\\';
        reply[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
    }
    memcpy(reply + n, tail, sizeof tail);
    return (int)(n + sizeof tail - 1);
}

static int print_reply(const cJSON *obj, char *reply, size_t cap)
{
    char *text = cJSON_PrintUnformatted(obj);
    if (!text) return error_reply(reply, cap, "out of memory");
    size_t n = strlen(text);
    int rc;
    if (n >= cap) {
        rc = error_reply(reply, cap, "reply too large: %zu bytes (limit %zu)", n, cap - 1);
    } else {
        memcpy(reply, text, n + 1);
        rc = (int)n;
    }
    cJSON_free(text);
    return rc;
}

/* Every field must be one the command knows, and appear once: a duplicate "cmd" would be ambiguous. */
static int check_fields(const cJSON *req, enum ctrl_cmd cmd, char *err, size_t errlen)
{
    const char *const *allowed = ctrl_fields[cmd];
    char name[CTRL_ECHO_MAX + 8], list[128];
    for (const cJSON *f = req->child; f; f = f->next) {
        int i = 0;
        while (allowed[i] && strcmp(allowed[i], f->string) != 0) i++;
        if (!allowed[i]) {
            list_names(list, sizeof list, allowed);
            snprintf(err, errlen, "unknown field \"%s\" for %s (allowed: %s)", echo(name, sizeof name, f->string),
                     ctrl_commands[cmd], list);
            return -EINVAL;
        }
        for (const cJSON *g = req->child; g != f; g = g->next) {
            if (strcmp(g->string, f->string) == 0) {
                snprintf(err, errlen, "duplicate field \"%s\"", f->string);
                return -EINVAL;
            }
        }
    }
    return 0;
}

static int get_string_arg(const cJSON *req, const char *key, const char **val, char *err, size_t errlen)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(req, key);
    *val = NULL;
    if (!item) return 0;
    if (!cJSON_IsString(item)) {
        snprintf(err, errlen, "\"%s\" must be a string, got %s", key, json_type_name(item));
        return -EINVAL;
    }
    *val = item->valuestring;
    return 0;
}

/* {"cmd":"log_level"[,"layer":L[,"level":V]]}: report, or set then report, the levels of one or all layers. */
static int cmd_log_level(const cJSON *req, cJSON *out, char *err, size_t errlen)
{
    const char *layer, *level;
    char name[CTRL_ECHO_MAX + 8], list[160];
    if (get_string_arg(req, "layer", &layer, err, errlen) || get_string_arg(req, "level", &level, err, errlen))
        return -EINVAL;
    if (level && !layer) {
        snprintf(err, errlen, "\"level\" needs \"layer\" (a layer name or \"all\")");
        return -EINVAL;
    }
    int first = 0, end = LOG_LAYER_COUNT;
    if (layer && strcmp(layer, "all") != 0) {
        first = log_layer_from_name(layer);
        if (first < 0) {
            list[0] = '\0';
            for (int i = 0; i < LOG_LAYER_COUNT; i++) list_append(list, sizeof list, log_layer_name(i));
            list_append(list, sizeof list, "all");
            snprintf(err, errlen, "unknown layer \"%s\" (allowed: %s)", echo(name, sizeof name, layer), list);
            return -EINVAL;
        }
        end = first + 1;
    }
    if (level) {
        int v = log_level_from_name(level);
        if (v < 0) {
            list[0] = '\0';
            for (int i = 0; i < LOG_LEVEL_COUNT; i++) list_append(list, sizeof list, log_level_name(i));
            snprintf(err, errlen, "unknown level \"%s\" (allowed: %s)", echo(name, sizeof name, level), list);
            return -EINVAL;
        }
        for (int i = first; i < end; i++) log_set_level((enum log_layer)i, (enum log_level)v);
    }
    cJSON *levels = cJSON_AddObjectToObject(out, "levels");
    for (int i = first; levels && i < end; i++)
        if (!cJSON_AddStringToObject(levels, log_layer_name(i), log_level_name(log_get_level(i)))) levels = NULL;
    if (!levels) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    return 0;
}

static const char *errno_text(int rc)
{
    const char *s = strerrordesc_np(-rc);
    return s ? s : "unknown error";
}

/* Dispatch. A callback's -ENOSYS reads "not available", like a missing callback, so the daemon can refuse a
 * command it cannot serve right now. */
static int run_command(const struct ctrl_handler *h, enum ctrl_cmd cmd, const cJSON *req, cJSON *out, char *err,
                       size_t errlen)
{
    int (*const fill[CTRL_CMD_COUNT])(cJSON *, void *) = {
        [CTRL_STATUS] = h->status, [CTRL_METRICS] = h->metrics, [CTRL_CONFIG] = h->config, [CTRL_UES] = h->ues};
    int rc;
    if (cmd == CTRL_LOG_LEVEL) return cmd_log_level(req, out, err, errlen);
    if (cmd == CTRL_SHUTDOWN)
        rc = h->shutdown ? h->shutdown(h->ctx) : -ENOSYS;
    else
        rc = fill[cmd] ? fill[cmd](out, h->ctx) : -ENOSYS;
    if (rc == -ENOSYS)
        snprintf(err, errlen, "%s: not available", ctrl_commands[cmd]);
    else if (rc < 0)
        snprintf(err, errlen, "%s failed: %s", ctrl_commands[cmd], errno_text(rc));
    return rc < 0 ? rc : 0;
}

/* Parse and check everything a request must be before any command runs. Returns the command or -1 with err. */
static int parse_request(const char *req, size_t len, cJSON **json, char *err, size_t errlen)
{
    char name[CTRL_ECHO_MAX + 8], list[128];
    const char *nul = memchr(req, '\0', len);
    /* cJSON stops strings at a NUL, so "sta\0tus" would read as "sta": refuse NULs outright. */
    if (nul) {
        snprintf(err, errlen, "malformed JSON at offset %zu: NUL byte", (size_t)(nul - req));
        return -1;
    }
    const char *end = NULL;
    *json = cJSON_ParseWithLengthOpts(req, len, &end, 0);
    if (!*json) {
        snprintf(err, errlen, "malformed JSON at offset %zu%s", end ? (size_t)(end - req) : (size_t)0,
                 len ? "" : ": empty request");
        return -1;
    }
    size_t pos = (size_t)(end - req);
    while (pos < len && strchr(" \t\r\n", req[pos])) pos++;
    if (pos < len) {
        snprintf(err, errlen, "malformed JSON at offset %zu: data after the JSON value", pos);
        return -1;
    }
    if (!cJSON_IsObject(*json)) {
        snprintf(err, errlen, "request must be a JSON object, got %s", json_type_name(*json));
        return -1;
    }
    list_names(list, sizeof list, ctrl_commands);
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(*json, "cmd");
    if (!cmd || !cJSON_IsString(cmd)) {
        if (cmd)
            snprintf(err, errlen, "\"cmd\" must be a string, got %s (known: %s)", json_type_name(cmd), list);
        else
            snprintf(err, errlen, "missing \"cmd\" (known: %s)", list);
        return -1;
    }
    for (int i = 0; i < CTRL_CMD_COUNT; i++)
        if (strcmp(cmd->valuestring, ctrl_commands[i]) == 0)
            return check_fields(*json, (enum ctrl_cmd)i, err, errlen) ? -1 : i;
    snprintf(err, errlen, "unknown command \"%s\" (known: %s)", echo(name, sizeof name, cmd->valuestring), list);
    return -1;
}

int ctrl_handle(const struct ctrl_handler *h, const char *req, size_t len, char *reply, size_t cap)
{
    if (!h || !reply || cap < CTRL_REPLY_MIN || (!req && len)) return -EINVAL;
    if (len > CTRL_REQUEST_MAX)
        return error_reply(reply, cap, "request too large: %zu bytes (limit %d)", len, CTRL_REQUEST_MAX);

    char err[CTRL_ERROR_MAX];
    cJSON *json = NULL;
    int cmd = parse_request(req ? req : "", len, &json, err, sizeof err);
    if (cmd < 0) {
        cJSON_Delete(json);
        return error_reply(reply, cap, "%s", err);
    }

    cJSON *out = cJSON_CreateObject();
    int rc;
    if (!out || !cJSON_AddTrueToObject(out, "ok"))
        rc = error_reply(reply, cap, "out of memory");
    else if (run_command(h, (enum ctrl_cmd)cmd, json, out, err, sizeof err) < 0)
        rc = error_reply(reply, cap, "%s", err);
    else
        rc = print_reply(out, reply, cap);
    cJSON_Delete(out);
    cJSON_Delete(json);
    return rc;
}
