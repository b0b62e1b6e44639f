/* device_args parsing ("key=value,key=value"). Spaces around tokens, keys and values are ignored; a value
 * runs to the next ',' and may contain '='. Every function walks the string with da_next(): no allocation. */
#include "drivers/device_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct da_token {
    const char *text, *key, *val; /* the whole token, its key and value (trimmed); val NULL: no '=' */
    size_t tlen, klen, vlen;
};

static size_t da_trim(const char **s, size_t len)
{
    while (len && **s == ' ') {
        (*s)++;
        len--;
    }
    while (len && (*s)[len - 1] == ' ') len--;
    return len;
}

/* The next non-empty token at *p; advances *p past it. false at the end of args. */
static bool da_next(const char **p, struct da_token *t)
{
    while (**p == ' ' || **p == ',') (*p)++;
    if (!**p) return false;
    const char *end = strchr(*p, ',');
    if (!end) end = *p + strlen(*p);
    t->text = *p;
    t->tlen = da_trim(&t->text, (size_t)(end - *p));
    const char *eq = memchr(t->text, '=', t->tlen);
    t->key = t->text;
    t->klen = da_trim(&t->key, eq ? (size_t)(eq - t->text) : t->tlen);
    t->val = eq ? eq + 1 : NULL;
    t->vlen = eq ? da_trim(&t->val, (size_t)(t->text + t->tlen - eq - 1)) : 0;
    *p = end;
    return true;
}

static bool da_is(const struct da_token *t, const char *key)
{
    return t->klen == strlen(key) && strncmp(t->key, key, t->klen) == 0;
}

/* The first key=value token for `key`. */
static bool da_find(const char *args, const char *key, struct da_token *t)
{
    const char *p = args ? args : "";
    while (da_next(&p, t))
        if (t->val && da_is(t, key)) return true;
    return false;
}

int device_args_get(const char *args, const char *key, char *out, size_t outlen)
{
    struct da_token t;
    if (!da_find(args, key, &t)) return -1;
    if (t.vlen + 1 > outlen) return -2;
    memcpy(out, t.val, t.vlen);
    out[t.vlen] = '\0';
    return (int)t.vlen;
}

int device_args_get_double(const char *args, const char *key, double *out)
{
    char buf[64];
    int n = device_args_get(args, key, buf, sizeof buf);
    if (n == -1) return -1;
    if (n <= 0) return -2;
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0') return -2;
    *out = v;
    return 0;
}

bool device_args_check(const char *args, const char *const *allowed, char *bad, size_t badlen)
{
    const char *p = args ? args : "";
    struct da_token t, earlier;
    while (da_next(&p, &t)) {
        bool ok = false;
        for (int i = 0; t.val && t.klen && allowed[i]; i++) ok |= da_is(&t, allowed[i]);
        /* A repeated key would leave one of its values silently unused. */
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)t.klen, t.key);
        bool repeated = ok && da_find(args, key, &earlier) && earlier.text != t.text;
        if (!ok || repeated) {
            snprintf(bad, badlen, "%.*s%s", (int)t.tlen, t.text, repeated ? " (repeated key)" : "");
            return false;
        }
    }
    return true;
}
