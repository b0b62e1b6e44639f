/* gnbd configuration loader: libconfig parses, the key table (gnb/config_table.c) judges each value, every
 * error is reported as "<file>:<line>: <key>: <message> (allowed: ...)". The cross-checks over several keys sit
 * next to the band and N_RB tables in gnb/config_table.c; printing is in gnb/config_print.c. */
#include "gnb/config.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config_table.h"

#define CONFIG_MAX_FILE (1 << 20)  /* a config file larger than 1 MiB is surely not one */

struct loader {
    struct gnbd_config *cfg;
    const char *file;
    FILE *err;
    int errors;
    bool seen[CONFIG_MAX_KEYS];
};

void config_report(FILE *err, const char *file, int line, const char *key, const char *allowed, const char *fmt, ...)
{
    if (!err)
        return;
    if (line > 0)
        fprintf(err, "%s:%d: %s: ", file, line, key);
    else
        fprintf(err, "%s: %s: ", file, key);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    if (allowed)
        fprintf(err, " (allowed: %s)", allowed);
    fputc('\n', err);
}

/* A value from the file as messages show it: quoted, escaped to one line, cut at 48 characters. */
static const char *quote(const char *s, char *buf, size_t len)
{
    size_t o = 0, i = 0;
    buf[o++] = '"';
    for (; s[i] && i < 48 && o + 6 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
        else if (c == '"' || c == '\\')
            o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
        else
            buf[o++] = (char)c;
    }
    if (s[i] && o + 4 < len)
        o += (size_t)snprintf(buf + o, len - o, "...");
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

/* ---- before libconfig: 64-bit integer literals, @include, unclosed strings, byte order mark ---- */

static int syntax_error(FILE *err, const char *file, int line, const char *msg, const char *tok, size_t toklen)
{
    if (err)
        fprintf(err, "%s:%d: syntax error: %s%.*s\n", file, line, msg, (int)(toklen > 32 ? 32 : toklen), tok);
    return -1;
}

/* Length of a float literal at s (digits, '.', exponent), which starts with a digit or '.'. */
static size_t float_len(const char *s)
{
    size_t k = 0;
    while (s[k] >= '0' && s[k] <= '9')
        k++;
    if (s[k] == '.')
        for (k++; s[k] >= '0' && s[k] <= '9'; k++) {}
    if (s[k] == 'e' || s[k] == 'E') {
        k++;
        if (s[k] == '+' || s[k] == '-')
            k++;
        while (s[k] >= '0' && s[k] <= '9')
            k++;
    }
    return k;
}

/* Copy the number at s[0..] to out; append 'L' to an integer that does not fit in 32 bits. libconfig 1.5
 * (Debian 12) silently truncates such a literal to an int; with the suffix it reads the real 64-bit value,
 * which the range checks then judge. Returns the characters consumed, 0 if beyond 64 bits. */
static size_t widen_number(const char *s, char *out, size_t *o)
{
    size_t k = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    bool hex = k == 0 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');  /* libconfig has no signed hex */
    bool big = false;
    if (hex) {
        for (k += 2; (s[k] >= '0' && s[k] <= '9') || ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'f'); k++) {}
        errno = 0;
        unsigned long long v = strtoull(s, NULL, 16);
        if (errno == ERANGE || v > LLONG_MAX)
            return 0;
        big = v > INT_MAX;
    } else {
        size_t f = k + float_len(s + k);
        while (s[k] >= '0' && s[k] <= '9')
            k++;
        if (f > k) {  /* a float: copy as it is */
            memcpy(out + *o, s, f);
            *o += f;
            return f;
        }
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno == ERANGE)
            return 0;
        big = v > INT_MAX || v < INT_MIN;
    }
    memcpy(out + *o, s, k);
    *o += k;
    if (big && s[k] != 'L')
        out[(*o)++] = 'L';
    return k;
}

/* Length of the token at s that needs no change (comment, string, name, other character); 0 for a string that
 * never ends (libconfig 1.5 leaks its buffer on that error, and our message says more). */
static size_t skip_token(const char *s, int *line)
{
    size_t k = 1;
    if (s[0] == '#' || (s[0] == '/' && s[1] == '/')) {
        while (s[k] && s[k] != '\n')
            k++;
    } else if (s[0] == '/' && s[1] == '*') {
        for (k = 2; s[k] && !(s[k] == '*' && s[k + 1] == '/'); k++)
            *line += s[k] == '\n';
        k += s[k] ? 2 : 0;
    } else if (s[0] == '"') {
        for (; s[k] && s[k] != '"'; k++) {
            if (s[k] == '\\' && s[k + 1])
                k++;
            *line += s[k] == '\n';
        }
        if (!s[k])
            return 0;
        k++;
    } else if ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') {
        while (s[k] == '-' || s[k] == '_' || s[k] == '*' || (s[k] >= '0' && s[k] <= '9') ||
               ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z'))
            k++;
    } else {
        *line += s[0] == '\n';
    }
    return k;
}

static bool starts_number(const char *s)
{
    const char *d = (s[0] == '+' || s[0] == '-') ? s + 1 : s;
    return (d[0] >= '0' && d[0] <= '9') || (d[0] == '.' && d[1] >= '0' && d[1] <= '9');
}

/* Copy one token to out[*o..], widened if it is a wide integer. Returns its length, or 0 with *why set to the
 * syntax error and *shown to how much of the token the message quotes. */
static size_t prepare_token(const char *s, char *out, size_t *o, int *line, const char **why, size_t *shown)
{
    int start = *line;
    size_t k;
    if (strncmp(s, "@include", 8) == 0) {
        *why = "@include is not supported: one file holds the whole configuration";
        *shown = 0;
        return 0;
    }
    if (starts_number(s)) {
        k = widen_number(s, out, o);
        *why = "integer does not fit in 64 bits: ";
        *shown = strcspn(s, " \t\r\n;,}]");
        return k;
    }
    k = skip_token(s, line);
    if (k == 0) {
        *line = start;
        *why = "string not closed: ";
        *shown = strcspn(s, "\r\n");
        return 0;
    }
    memcpy(out + *o, s, k);
    *o += k;
    return k;
}

/* Returns a malloc'd copy of text ready for libconfig, or NULL after reporting a syntax error. */
static char *prepare_text(const char *text, const char *file, FILE *err)
{
    size_t n = strlen(text), i = 0, o = 0;
    char *out = malloc(2 * n + 1);  /* at most one 'L' per character pair */
    if (!out) {
        if (err)
            fprintf(err, "%s: cannot read: %s\n", file, strerror(ENOMEM));
        return NULL;
    }
    int line = 1;
    if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
        i = 3;  /* a UTF-8 byte order mark, as some editors write, is no syntax error */
    while (i < n) {
        const char *why = NULL;
        size_t shown = 0, k = prepare_token(text + i, out, &o, &line, &why, &shown);
        if (k == 0) {
            syntax_error(err, file, line, why, text + i, shown);
            free(out);
            return NULL;
        }
        i += k;
    }
    out[o] = '\0';
    return out;
}

/* ---- checking one value against its key ---- */

static const char *setting_type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP: return "a group";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a float";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array";
    case CONFIG_TYPE_LIST: return "a list";
    default: return "nothing";
    }
}

static const char *key_type_name(enum config_key_type t)
{
    switch (t) {
    case CONFIG_KEY_INT:
    case CONFIG_KEY_INT64:
    case CONFIG_KEY_INT_LIST: return "an integer";
    case CONFIG_KEY_FLOAT:
    case CONFIG_KEY_FLOAT_LIST: return "a number";
    case CONFIG_KEY_BOOL: return "a boolean";
    case CONFIG_KEY_NAME_LIST: return "an array of strings";
    default: return "a string";
    }
}

static bool type_fits(enum config_key_type t, int st)
{
    bool integer = st == CONFIG_TYPE_INT || st == CONFIG_TYPE_INT64;
    switch (t) {
    case CONFIG_KEY_INT:
    case CONFIG_KEY_INT64:
    case CONFIG_KEY_INT_LIST: return integer;
    case CONFIG_KEY_FLOAT:
    case CONFIG_KEY_FLOAT_LIST: return integer || st == CONFIG_TYPE_FLOAT;  /* 11520000 means 11.52e6 */
    case CONFIG_KEY_BOOL: return st == CONFIG_TYPE_BOOL;
    case CONFIG_KEY_NAME_LIST: return st == CONFIG_TYPE_ARRAY || st == CONFIG_TYPE_LIST;
    default: return st == CONFIG_TYPE_STRING;
    }
}

static void *field(struct gnbd_config *cfg, const struct config_key *k) { return (char *)cfg + k->offset; }

static void store_int(struct gnbd_config *cfg, const struct config_key *k, long long v)
{
    if (k->type == CONFIG_KEY_INT64) {
        memcpy(field(cfg, k), &v, sizeof v);
    } else if (k->type == CONFIG_KEY_BOOL) {
        bool b = v != 0;
        memcpy(field(cfg, k), &b, sizeof b);
    } else {
        int i = (int)v;  /* int and int-sized enums (checked by test_config) */
        memcpy(field(cfg, k), &i, sizeof i);
    }
}

static void store_string(struct gnbd_config *cfg, const struct config_key *k, const char *s)
{
    snprintf(field(cfg, k), k->size, "%s", s);
}

static int find_name(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* Check and store an integer-valued setting; returns 0 or -1 after reporting. */
static int take_int(struct loader *ld, const struct config_key *k, const config_setting_t *s, int line,
                    const char *allowed)
{
    long long v = config_setting_type(s) == CONFIG_TYPE_INT64 ? config_setting_get_int64(s)
                                                              : config_setting_get_int(s);
    if (k->type == CONFIG_KEY_INT_LIST) {
        int i = 0;
        while (i < k->n_list && k->ints[i] != v)
            i++;
        if (i == k->n_list) {
            config_report(ld->err, ld->file, line, k->path, allowed, "value %lld is not allowed", v);
            return -1;
        }
    } else if (v < k->min || v > k->max) {
        config_report(ld->err, ld->file, line, k->path, allowed, "value %lld out of range", v);
        return -1;
    }
    store_int(ld->cfg, k, v);
    return 0;
}

static int take_float(struct loader *ld, const struct config_key *k, const config_setting_t *s, int line,
                      const char *allowed)
{
    int st = config_setting_type(s);
    double v = st == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
             : st == CONFIG_TYPE_INT64 ? (double)config_setting_get_int64(s) : (double)config_setting_get_int(s);
    if (k->type == CONFIG_KEY_FLOAT_LIST) {
        int i = 0;
        while (i < k->n_list && k->floats[i] != v)
            i++;
        if (i == k->n_list) {
            config_report(ld->err, ld->file, line, k->path, allowed, "value %.10g is not allowed", v);
            return -1;
        }
    } else if (!isfinite(v) || v < k->fmin || v > k->fmax) {
        config_report(ld->err, ld->file, line, k->path, allowed, "value %.10g out of range", v);
        return -1;
    }
    memcpy(field(ld->cfg, k), &v, sizeof v);
    return 0;
}

static int take_string(struct loader *ld, const struct config_key *k, const config_setting_t *s, int line,
                       const char *allowed)
{
    const char *v = config_setting_get_string(s);
    char q[128];
    if (k->type == CONFIG_KEY_ENUM || k->type == CONFIG_KEY_CHOICE) {
        int i = find_name(k->names, v);
        if (i < 0) {
            config_report(ld->err, ld->file, line, k->path, allowed, "%s is not allowed", quote(v, q, sizeof q));
            return -1;
        }
        if (k->type == CONFIG_KEY_ENUM)
            store_int(ld->cfg, k, i);
        else
            store_string(ld->cfg, k, v);
        return 0;
    }
    if (strlen(v) >= k->size) {
        char most[64];
        snprintf(most, sizeof most, "at most %zu characters", k->size - 1);
        config_report(ld->err, ld->file, line, k->path, most, "value too long (%zu characters)", strlen(v));
        return -1;
    }
    if (k->check && !k->check(v)) {
        config_report(ld->err, ld->file, line, k->path, allowed, "%s is not allowed", quote(v, q, sizeof q));
        return -1;
    }
    store_string(ld->cfg, k, v);
    return 0;
}

/* An array of names: each known, implemented and listed once; at least one, at most CONFIG_NAME_LIST_MAX. */
static int take_name_list(struct loader *ld, const struct config_key *k, const config_setting_t *s, int line,
                          const char *allowed)
{
    struct config_name_list l = {0};
    char q[128];
    int n = config_setting_length(s);
    if (n < 1 || n > CONFIG_NAME_LIST_MAX) {
        config_report(ld->err, ld->file, line, k->path, allowed, "%d names (1..%d allowed)", n, CONFIG_NAME_LIST_MAX);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *v = config_setting_type(e) == CONFIG_TYPE_STRING ? config_setting_get_string(e) : NULL;
        int x = v ? find_name(k->names, v) : -1;
        if (!v) {
            config_report(ld->err, ld->file, line, k->path, allowed, "element %d is not a string", i + 1);
            return -1;
        }
        if (x >= 0 && config_name_unimplemented(k, v)) {
            config_report(ld->err, ld->file, line, k->path, allowed, "%s is not implemented in gnbd",
                          quote(v, q, sizeof q));
            return -1;
        }
        if (x < 0) {
            config_report(ld->err, ld->file, line, k->path, allowed, "%s is not allowed", quote(v, q, sizeof q));
            return -1;
        }
        for (int j = 0; j < l.n; j++)
            if (l.v[j] == x) {
                config_report(ld->err, ld->file, line, k->path, allowed, "%s is listed twice", quote(v, q, sizeof q));
                return -1;
            }
        l.v[l.n++] = x;
    }
    memcpy(field(ld->cfg, k), &l, sizeof l);
    return 0;
}

static void take_value(struct loader *ld, const struct config_key *k, const config_setting_t *s)
{
    int line = (int)config_setting_source_line(s);
    char allowed[256];
    config_key_allowed(k, allowed, sizeof allowed);
    int st = config_setting_type(s);
    int rc;
    if (!type_fits(k->type, st)) {
        config_report(ld->err, ld->file, line, k->path, allowed, "expected %s, got %s", key_type_name(k->type),
                      setting_type_name(st));
        rc = -1;
    } else if (k->type == CONFIG_KEY_BOOL) {
        store_int(ld->cfg, k, config_setting_get_bool(s));
        rc = 0;
    } else if (k->type == CONFIG_KEY_FLOAT || k->type == CONFIG_KEY_FLOAT_LIST) {
        rc = take_float(ld, k, s, line, allowed);
    } else if (k->type == CONFIG_KEY_NAME_LIST) {
        rc = take_name_list(ld, k, s, line, allowed);
    } else if (st == CONFIG_TYPE_STRING) {
        rc = take_string(ld, k, s, line, allowed);
    } else {
        rc = take_int(ld, k, s, line, allowed);
    }
    if (rc < 0)
        ld->errors++;
}

/* ---- walking the file ---- */

static void unknown_setting(struct loader *ld, const char *path, const config_setting_t *s)
{
    bool group = config_setting_type(s) == CONFIG_TYPE_GROUP;
    const char *near = config_suggest(path, group);
    int line = (int)config_setting_source_line(s);
    const char *what = group ? "unknown group" : "unknown key";
    if (near)
        config_report(ld->err, ld->file, line, path, NULL, "%s (did you mean \"%s\"?)", what, near);
    else
        config_report(ld->err, ld->file, line, path, NULL, "%s", what);
    ld->errors++;
}

static void walk_group(struct loader *ld, const config_setting_t *group, const char *prefix)
{
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        char path[CONFIG_PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", name ? name : "?");
        const struct config_group *g = config_group_find(path);
        const struct config_key *k = g ? NULL : config_key_find(path);
        if (g && config_setting_type(s) == CONFIG_TYPE_GROUP) {
            if (g->optional)
                *(bool *)((char *)ld->cfg + g->present_offset) = true;
            walk_group(ld, s, path);
        } else if (g) {
            config_report(ld->err, ld->file, (int)config_setting_source_line(s), path, NULL,
                          "expected a group, got %s", setting_type_name(config_setting_type(s)));
            ld->errors++;
        } else if (k) {
            ld->seen[k - keys] = true;
            take_value(ld, k, s);
        } else {
            unknown_setting(ld, path, s);
        }
    }
}

/* Required keys that are absent; keys that inherit take their source's value. */
static void finish_keys(struct loader *ld, const config_t *c)
{
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        const struct config_key *k = &keys[i];
        if (ld->seen[i])
            continue;
        if (k->inherit) {
            const struct config_key *src = config_key_find(k->inherit);
            if (src)
                memcpy(field(ld->cfg, k), field(ld->cfg, src), k->size);
        }
        if (!k->required)
            continue;
        char parent[CONFIG_PATH_MAX], allowed[256];
        config_key_group(k->path, parent, sizeof parent);
        const config_setting_t *p = config_lookup(c, parent);
        const struct config_group *g = config_group_find(parent);
        if (p && config_setting_type(p) != CONFIG_TYPE_GROUP)
            continue;  /* already reported: "expected a group" */
        if (!p && g && g->optional)
            continue;  /* the whole optional group is absent: cross-checks judge that */
        config_key_allowed(k, allowed, sizeof allowed);
        config_report(ld->err, ld->file, p ? (int)config_setting_source_line(p) : 0, k->path, allowed,
                      "missing required key");
        ld->errors++;
    }
}

static void apply_defaults(struct gnbd_config *cfg, const char *name)
{
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->path, sizeof cfg->path, "%s", name);
    for (size_t i = 0; i < nkeys; i++) {
        const struct config_key *k = &keys[i];
        if (!k->has_default)
            continue;
        if (k->type == CONFIG_KEY_NAME_LIST)
            memcpy(field(cfg, k), k->def_list, sizeof *k->def_list);
        else if (k->type == CONFIG_KEY_STRING || k->type == CONFIG_KEY_CHOICE)
            store_string(cfg, k, k->def_str);
        else if (k->type == CONFIG_KEY_FLOAT || k->type == CONFIG_KEY_FLOAT_LIST)
            memcpy(field(cfg, k), &k->def_float, sizeof(double));
        else
            store_int(cfg, k, k->def_int);
    }
}

int config_load_string(struct gnbd_config *cfg, const char *text, const char *name, FILE *err)
{
    struct loader ld = {.cfg = cfg, .file = name ? name : "<string>", .err = err};
    size_t nkeys;
    config_keys(&nkeys);
    apply_defaults(cfg, ld.file);
    if (nkeys > CONFIG_MAX_KEYS || !text) {
        if (err)
            fprintf(err, "%s: cannot read: %s\n", ld.file, !text ? "no text" : "key table larger than CONFIG_MAX_KEYS");
        return -1;
    }
    char *prepared = prepare_text(text, ld.file, err);
    if (!prepared)
        return -1;
    config_t c;
    config_init(&c);
    if (!config_read_string(&c, prepared)) {
        if (err)
            fprintf(err, "%s:%d: syntax error: %s\n", ld.file, config_error_line(&c), config_error_text(&c));
        config_destroy(&c);
        free(prepared);
        return -1;
    }
    walk_group(&ld, config_root_setting(&c), "");
    finish_keys(&ld, &c);
    config_destroy(&c);
    free(prepared);
    if (ld.errors == 0)
        ld.errors = config_cross_check(cfg, err);
    return ld.errors;
}

int config_load(struct gnbd_config *cfg, const char *path, FILE *err)
{
    apply_defaults(cfg, path);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (err)
            fprintf(err, "%s: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    char *text = malloc(CONFIG_MAX_FILE + 1);
    errno = 0;
    size_t n = text ? fread(text, 1, CONFIG_MAX_FILE + 1, f) : 0;
    int rerr = !text ? ENOMEM : ferror(f) ? (errno ? errno : EIO) : n > CONFIG_MAX_FILE ? EFBIG : 0;
    fclose(f);
    if (rerr) {
        if (err)
            fprintf(err, "%s: cannot read: %s\n", path, strerror(rerr));
        free(text);
        return -1;
    }
    text[n] = '\0';
    int rc = config_load_string(cfg, text, path, err);
    free(text);
    return rc;
}
