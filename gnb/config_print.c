/* gnbd configuration printing: the effective configuration in libconfig syntax (it loads again, to the same
 * struct), derived values as comments, and the key reference. Driven by the key table in gnb/config_table.c. */
#include "gnb/config.h"

#include <stdlib.h>
#include <string.h>

#include "gnb/config_table.h"

/* A double that reads back identically and always as a float literal. */
static void print_double(FILE *out, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, out);
    if (!strpbrk(buf, ".eEni"))
        fputs(".0", out);
}

/* A string in libconfig syntax (escapes as libconfig reads them). */
static void print_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void print_value(FILE *out, const struct gnbd_config *cfg, const struct config_key *k)
{
    const void *p = (const char *)cfg + k->offset;
    int i;
    long long ll;
    double d;
    bool b;
    switch (k->type) {
    case CONFIG_KEY_INT:
    case CONFIG_KEY_INT_LIST: memcpy(&i, p, sizeof i); fprintf(out, "%d", i); break;
    case CONFIG_KEY_INT64: memcpy(&ll, p, sizeof ll); fprintf(out, "%lld", ll); break;
    case CONFIG_KEY_FLOAT:
    case CONFIG_KEY_FLOAT_LIST: memcpy(&d, p, sizeof d); print_double(out, d); break;
    case CONFIG_KEY_BOOL: memcpy(&b, p, sizeof b); fputs(b ? "true" : "false", out); break;
    case CONFIG_KEY_ENUM: memcpy(&i, p, sizeof i); print_string(out, k->names[i]); break;
    case CONFIG_KEY_STRING:
    case CONFIG_KEY_CHOICE: print_string(out, p); break;
    case CONFIG_KEY_NAME_LIST: {
        struct config_name_list l;
        memcpy(&l, p, sizeof l);
        for (int j = 0; j < l.n; j++) {
            fputs(j ? ", " : "[", out);
            print_string(out, k->names[l.v[j]]);
            fputs(j + 1 == l.n ? "]" : "", out);
        }
        break;
    }
    }
}

/* Close and open groups so that `open` becomes `want` (both dotted paths, "" = root). */
static void print_enter(FILE *out, char *open, size_t len, const char *want)
{
    for (;;) {
        size_t n = strlen(open);
        if (strncmp(want, open, n) == 0 && (want[n] == '\0' || want[n] == '.' || n == 0))
            break;
        char *dot = strrchr(open, '.');
        int depth = 0;
        for (const char *q = open; *q; q++)
            depth += *q == '.';
        fprintf(out, "%*s};\n", 2 * depth, "");
        if (dot)
            *dot = '\0';
        else
            open[0] = '\0';
    }
    while (strcmp(open, want) != 0) {
        size_t n = strlen(open);
        const char *start = want + n + (n ? 1 : 0);
        const char *end = strchr(start, '.');
        size_t m = end ? (size_t)(end - start) : strlen(start);
        int depth = 0;
        for (const char *q = open; *q; q++)
            depth += *q == '.';
        fprintf(out, "%s%*s%.*s = {\n", n ? "" : "\n", n ? 2 * (depth + 1) : 0, "", (int)m, start);
        snprintf(open + n, len - n, "%s%.*s", n ? "." : "", (int)m, start);
    }
}

static void print_derived(FILE *out, const struct gnbd_config *cfg, const char *path)
{
    if (strcmp(path, "cell.bandwidth_mhz") == 0)
        fprintf(out, "  # derived: nof_prb = %d (38.101-1 Table 5.3.2-1)\n",
                config_nof_prb(cfg->cell.bandwidth_mhz, cfg->cell.scs_khz));
    else if (strcmp(path, "radio.sample_rate") == 0 && cfg->radio.sample_rate == 0)
        fprintf(out, "  # derived: sample_rate = %.0f (FFT size %d)\n", config_default_sample_rate(&cfg->cell),
                config_fft_size(config_nof_prb(cfg->cell.bandwidth_mhz, cfg->cell.scs_khz)));
}

void config_print(const struct gnbd_config *cfg, FILE *out)
{
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    char open[CONFIG_PATH_MAX] = "";
    fprintf(out, "# gnbd effective configuration, from %s\n", cfg->path);
    for (size_t i = 0; i < nkeys; i++) {
        const struct config_key *k = &keys[i];
        char group[CONFIG_PATH_MAX];
        config_key_group(k->path, group, sizeof group);
        const struct config_group *g = config_group_find(group);
        if (g && g->optional && !*(const bool *)((const char *)cfg + g->present_offset))
            continue;
        print_enter(out, open, sizeof open, group);
        int depth = 1;
        for (const char *q = group; *q; q++)
            depth += *q == '.';
        fprintf(out, "%*s%s = ", 2 * depth, "", strrchr(k->path, '.') + 1);
        print_value(out, cfg, k);
        fputs(";\n", out);
        print_derived(out, cfg, k->path);
    }
    print_enter(out, open, sizeof open, "");
    const struct config_geometry_hook *hook = config_geometry_hook();
    if (hook && hook->print_derived)
        hook->print_derived(cfg, out);
}

void config_print_reference(FILE *out)
{
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    static const char *const kinds[] = {"integer", "integer", "number", "boolean", "string", "one of", "one of",
                                        "one of", "one of", "list:"};
    _Static_assert(sizeof kinds / sizeof kinds[0] == CONFIG_KEY_NAME_LIST + 1, "a kind per key type");
    for (size_t i = 0; i < nkeys; i++) {
        const struct config_key *k = &keys[i];
        char allowed[256], def[128];
        config_key_allowed(k, allowed, sizeof allowed);
        config_key_default(k, def, sizeof def);
        fprintf(out, "%-26s %s %s; %s%s%s%s: %s\n", k->path, kinds[k->type], allowed,
                k->required ? "required" : "default ", k->required ? "" : (*def ? def : "none"),
                k->inherit ? ", else " : "", k->inherit ? k->inherit : "", k->help);
    }
}
