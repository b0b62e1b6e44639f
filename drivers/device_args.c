/* device_args parsing ("key=value,key=value"). */
#include "drivers/device_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Find the token for `key`; sets val and vlen to its value. */
static bool find_key(const char *args, const char *key, const char **val, size_t *vlen)
{
    size_t klen = strlen(key);
    const char *p = args ? args : "";
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && (size_t)(eq - p) == klen && strncmp(p, key, klen) == 0) {
            *val = eq + 1;
            *vlen = (size_t)(end - eq - 1);
            while (*vlen && (*val)[*vlen - 1] == ' ') (*vlen)--;
            return true;
        }
        p = end;
    }
    return false;
}

int device_args_get(const char *args, const char *key, char *out, size_t outlen)
{
    const char *val;
    size_t vlen;
    if (!find_key(args, key, &val, &vlen)) return -1;
    if (vlen + 1 > outlen) return -2;
    memcpy(out, val, vlen);
    out[vlen] = '\0';
    return (int)vlen;
}

int device_args_get_double(const char *args, const char *key, double *out)
{
    char buf[64];
    int n = device_args_get(args, key, buf, sizeof buf);
    if (n == -1) return -1;
    if (n < 0 || n == 0) return -2;
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0') return -2;
    *out = v;
    return 0;
}

bool device_args_check(const char *args, const char *const *allowed, char *bad, size_t badlen)
{
    const char *p = args ? args : "";
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        if (!*p) break;
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(end - p));
        size_t klen = eq ? (size_t)(eq - p) : (size_t)(end - p);
        bool ok = false;
        for (int i = 0; eq && allowed[i]; i++)
            if (strlen(allowed[i]) == klen && strncmp(allowed[i], p, klen) == 0) ok = true;
        if (!ok) {
            snprintf(bad, badlen, "%.*s", (int)(end - p), p);
            return false;
        }
        p = end;
    }
    return true;
}
