/* Test helper: decode PDUs with Wireshark's dissectors (tshark from Debian's package) and read back fields.
 *
 * tshark_fields() writes the PDUs as a text2pcap hex dump with a user DLT (147) mapped to `dissector` (e.g.
 * "nr-rrc.bcch.bch"), runs tshark -T fields with the given field names, and returns one output line per PDU,
 * fields separated by '|'. The field list should end with "_ws.malformed" and "_ws.expert.severity" so tests can
 * fail on "Malformed" or on expert errors. Returns the number of lines read, or -1 when tshark is missing.
 *
 * tshark_pdml() runs the same PDUs through tshark -T pdml and keeps, per PDU, every dissected field with its
 * path of enclosing fields ("rach_ConfigGeneric_element/prach_ConfigurationIndex"; the "nr-rrc." prefix and
 * PER bookkeeping fields left out), its value ("show") and its display text ("showname", e.g. "ra-ResponseWindow:
 * sl10 (4)"). tshark_show()/tshark_int() look a field up by a path suffix and an occurrence number, so a test can
 * compare every field it encoded; each PDU also records whether tshark marked it malformed or raised expert info
 * of severity warning or error (the first such message is kept).
 */
#ifndef GNBD_TESTS_TSHARK_H
#define GNBD_TESTS_TSHARK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TSHARK_MAX_PDUS 64
#define TSHARK_LINE 4096

/* A temporary directory holding the PDUs as a text2pcap hex dump (in.txt) and the pcap made from it (in.pcap,
 * user DLT 147), and the start of a tshark command line reading it with DLT 147 mapped to `dissector`. */
struct tshark_input {
    char dir[32];
    char hex[64], pcap[64];
    char cmd[8192];
    int len;             /* characters in cmd */
};

static inline int tshark_input_open(struct tshark_input *in, const char *dissector, const uint8_t *const *pdus,
                                    const size_t *lens, int n)
{
    snprintf(in->dir, sizeof in->dir, "/tmp/gnbd-tshark.XXXXXX");
    if (!mkdtemp(in->dir)) return -1;
    snprintf(in->hex, sizeof in->hex, "%s/in.txt", in->dir);
    snprintf(in->pcap, sizeof in->pcap, "%s/in.pcap", in->dir);
    FILE *f = fopen(in->hex, "w");
    if (!f) return -1;
    for (int p = 0; p < n; p++) {
        for (size_t i = 0; i < lens[p]; i++) {
            if (i % 16 == 0) fprintf(f, "%s%06zx", i ? "\n" : "", i);
            fprintf(f, " %02x", pdus[p][i]);
        }
        fprintf(f, "\n\n");
    }
    fclose(f);
    in->len = snprintf(in->cmd, sizeof in->cmd,
                       "text2pcap -q -l 147 %s %s >/dev/null 2>&1 && tshark -r %s -o "
                       "'uat:user_dlts:\"User 0 (DLT=147)\",\"%s\",\"0\",\"\",\"0\",\"\"' ",
                       in->hex, in->pcap, in->pcap, dissector);
    return 0;
}

static inline void tshark_input_close(struct tshark_input *in)
{
    unlink(in->hex);
    unlink(in->pcap);
    rmdir(in->dir);
}

static inline int tshark_fields(const char *dissector, const uint8_t *const *pdus, const size_t *lens, int n,
                                const char *const *fields, int nfields, char lines[][TSHARK_LINE])
{
    struct tshark_input in;
    if (n > TSHARK_MAX_PDUS || tshark_input_open(&in, dissector, pdus, lens, n) < 0) return -1;
    in.len += snprintf(in.cmd + in.len, sizeof in.cmd - (size_t)in.len,
                       "-T fields -E separator='|' -E occurrence=a -E aggregator=',' ");
    for (int i = 0; i < nfields; i++)
        in.len += snprintf(in.cmd + in.len, sizeof in.cmd - (size_t)in.len, "-e %s ", fields[i]);
    snprintf(in.cmd + in.len, sizeof in.cmd - (size_t)in.len, "2>/dev/null");
    FILE *pp = popen(in.cmd, "r");
    int got = 0;
    if (pp) {
        while (got < n && fgets(lines[got], TSHARK_LINE, pp)) {
            lines[got][strcspn(lines[got], "\n")] = '\0';
            got++;
        }
        pclose(pp);
    }
    tshark_input_close(&in);
    return got;
}

/* Field i (0-based) of a '|'-separated line, copied into out. */
static inline const char *tshark_field(const char *line, int i, char *out, size_t cap)
{
    const char *p = line;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '|');
        if (p) p++;
    }
    if (!p) {
        out[0] = '\0';
        return out;
    }
    size_t n = strcspn(p, "|");
    if (n >= cap) n = cap - 1;
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

/* --- PDML variant ----------------------------------------------------------------------------------------- */

struct tshark_pkt {
    char *text;          /* lines "path\tshow\tshowname\n" */
    size_t len, cap;
    int problems;        /* malformed marks and expert items of severity warning or error */
    char problem[256];   /* the first one's text */
};

static inline void tshark_pkt_append(struct tshark_pkt *p, const char *s)
{
    size_t n = strlen(s);
    if (p->len + n + 1 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 65536;
        while (cap < p->len + n + 1) cap *= 2;
        char *t = realloc(p->text, cap);
        if (!t) return;
        p->text = t;
        p->cap = cap;
    }
    memcpy(p->text + p->len, s, n + 1);
    p->len += n;
}

/* Value of attribute `attr` in a PDML element line, XML entities decoded; "" when absent. */
static inline const char *tshark_attr(const char *line, const char *attr, char *out, size_t cap)
{
    char key[48];
    snprintf(key, sizeof key, " %s=\"", attr);
    const char *a = strstr(line, key);
    size_t o = 0;
    if (a) {
        for (a += strlen(key); *a && *a != '"' && o + 1 < cap; a++) {
            static const char *const ent[][2] = {{"&quot;", "\""}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                                                 {"&apos;", "'"}};
            size_t k = 0;
            for (; *a == '&' && k < 5; k++)
                if (strncmp(a, ent[k][0], strlen(ent[k][0])) == 0) break;
            if (*a == '&' && k < 5) {
                out[o++] = ent[k][1][0];
                a += strlen(ent[k][0]) - 1;
            } else {
                out[o++] = *a;
            }
        }
    }
    out[o] = '\0';
    return out;
}

/* Fields that are PER bookkeeping or frame metadata, not message content. */
static inline bool tshark_skip_name(const char *name)
{
    return name[0] == '\0' || strncmp(name, "per.", 4) == 0 || strncmp(name, "frame", 5) == 0 ||
           strcmp(name, "geninfo") == 0 || strcmp(name, "user_dlt") == 0 || strncmp(name, "_ws.", 4) == 0 ||
           strcmp(name, "nr-rrc") == 0;
}

static inline void tshark_pdml_line(struct tshark_pkt *pkt, const char *line, char stack[][96], int *depth)
{
    const char *t = line + strspn(line, " ");
    if (strncmp(t, "</field", 7) == 0 || strncmp(t, "</proto", 7) == 0) {
        if (*depth > 0) (*depth)--;
        return;
    }
    if (strncmp(t, "<field", 6) != 0 && strncmp(t, "<proto", 6) != 0) return;
    char name[96], show[512], showname[1024], sev[32], path[2048];
    tshark_attr(t, "name", name, sizeof name);
    tshark_attr(t, "show", show, sizeof show);
    tshark_attr(t, "showname", showname, sizeof showname);
    if (strcmp(name, "_ws.expert.severity") == 0 && atol(tshark_attr(t, "show", sev, sizeof sev)) >= 0x00600000) {
        if (!pkt->problems++) snprintf(pkt->problem, sizeof pkt->problem, "expert severity %.32s", sev);
    }
    if (strcmp(name, "_ws.malformed") == 0 && strncmp(t, "<proto", 6) == 0) {
        if (!pkt->problems++) snprintf(pkt->problem, sizeof pkt->problem, "%.200s", showname);
    }
    if (strcmp(name, "_ws.expert.message") == 0 && pkt->problems == 1 && strncmp(pkt->problem, "expert", 6) == 0)
        snprintf(pkt->problem, sizeof pkt->problem, "expert: %.200s", show);
    const char *shown = strncmp(name, "nr-rrc.", 7) == 0 ? name + 7 : name;
    bool keep = !tshark_skip_name(name);
    if (keep) {
        size_t o = 0;
        path[0] = '\0';
        for (int i = 0; i < *depth; i++)
            if (stack[i][0]) o += (size_t)snprintf(path + o, sizeof path - o, "%s/", stack[i]);
        char entry[4096];
        snprintf(entry, sizeof entry, "%s%s\t%s\t%s\n", path, shown, show, showname);
        tshark_pkt_append(pkt, entry);
    }
    size_t n = strlen(t);
    bool leaf = n >= 2 && t[n - 2] == '/' && t[n - 1] == '>';
    if (!leaf && *depth < 63) snprintf(stack[(*depth)++], 96, "%s", keep ? shown : "");
}

/* Runs tshark -T pdml over the PDUs; pkts[i] gets PDU i. Returns the number of PDUs seen (n when all went
 * well), or -1 when tshark could not run. Free with tshark_pkts_free. */
static inline int tshark_pdml(const char *dissector, const uint8_t *const *pdus, const size_t *lens, int n,
                              struct tshark_pkt *pkts)
{
    memset(pkts, 0, sizeof(*pkts) * (size_t)n);
    struct tshark_input in;
    if (tshark_input_open(&in, dissector, pdus, lens, n) < 0) return -1;
    snprintf(in.cmd + in.len, sizeof in.cmd - (size_t)in.len, "-T pdml 2>/dev/null");
    FILE *pp = popen(in.cmd, "r");
    int got = 0;
    if (pp) {
        static char line[16384];
        static char stack[64][96];
        int depth = 0;
        bool in_packet = false;
        while (fgets(line, sizeof line, pp)) {
            line[strcspn(line, "\n")] = '\0';
            const char *t = line + strspn(line, " ");
            if (strncmp(t, "<packet>", 8) == 0) {
                in_packet = got < n;
                depth = 0;
            } else if (strncmp(t, "</packet>", 9) == 0) {
                if (in_packet) got++;
                in_packet = false;
            } else if (in_packet) {
                tshark_pdml_line(&pkts[got], line, stack, &depth);
            }
        }
        if (pclose(pp) != 0 && got == 0) got = -1;
    } else {
        got = -1;
    }
    tshark_input_close(&in);
    return got;
}

static inline void tshark_pkts_free(struct tshark_pkt *pkts, int n)
{
    for (int i = 0; i < n; i++) {
        free(pkts[i].text);
        pkts[i].text = NULL;
    }
}

/* The line of the `occurrence`-th field (0-based, in dissection order) whose path ends with `suffix` at a
 * '/' boundary; NULL when there is none. */
static inline const char *tshark_find(const struct tshark_pkt *p, const char *suffix, int occurrence)
{
    size_t sl = strlen(suffix);
    for (const char *l = p->text; l && *l;) {
        const char *tab = strchr(l, '\t'), *nl = strchr(l, '\n');
        if (!tab || !nl) break;
        size_t pl = (size_t)(tab - l);
        if (pl >= sl && strncmp(tab - sl, suffix, sl) == 0 && (pl == sl || tab[-(long)sl - 1] == '/') &&
            occurrence-- == 0)
            return l;
        l = nl + 1;
    }
    return NULL;
}

static inline int tshark_count(const struct tshark_pkt *p, const char *suffix)
{
    int n = 0;
    while (tshark_find(p, suffix, n)) n++;
    return n;
}

/* Column `col` (1 = show, 2 = showname) of a tshark_find line, copied into out ("" when not found). */
static inline const char *tshark_col(const char *line, int col, char *out, size_t cap)
{
    out[0] = '\0';
    if (!line) return out;
    for (int c = 0; c < col; c++) {
        line = strchr(line, '\t');
        if (!line) return out;
        line++;
    }
    size_t n = strcspn(line, "\t\n");
    if (n >= cap) n = cap - 1;
    memcpy(out, line, n);
    out[n] = '\0';
    return out;
}

static inline const char *tshark_show(const struct tshark_pkt *p, const char *suffix, int occurrence, char *out,
                                      size_t cap)
{
    return tshark_col(tshark_find(p, suffix, occurrence), 1, out, cap);
}

static inline const char *tshark_showname(const struct tshark_pkt *p, const char *suffix, int occurrence,
                                          char *out, size_t cap)
{
    return tshark_col(tshark_find(p, suffix, occurrence), 2, out, cap);
}

#define TSHARK_ABSENT (-2147483647L - 1)

/* The field's value as a number (decimal, or hex with 0x); TSHARK_ABSENT when the field is absent. */
static inline long tshark_int(const struct tshark_pkt *p, const char *suffix, int occurrence)
{
    char v[64];
    const char *line = tshark_find(p, suffix, occurrence);
    if (!line) return TSHARK_ABSENT;
    return strtol(tshark_col(line, 1, v, sizeof v), NULL, 0);
}

/* A BIT STRING field of n bits (tshark shows its octets as "xx:xx:..", left-aligned): the bits as a number,
 * first bit most significant; all ones (~0) when absent. */
static inline uint64_t tshark_bits(const struct tshark_pkt *p, const char *suffix, int occurrence, int n)
{
    char v[128];
    const char *line = tshark_find(p, suffix, occurrence);
    if (!line) return ~0ull;
    tshark_col(line, 1, v, sizeof v);
    uint64_t acc = 0;
    int got = 0;
    for (const char *c = v; *c && got < 64; c++) {
        int d = *c >= '0' && *c <= '9' ? *c - '0' : *c >= 'a' && *c <= 'f' ? *c - 'a' + 10 : -1;
        if (d < 0) continue;
        acc = (acc << 4) | (uint64_t)d;
        got += 4;
    }
    return got >= n ? acc >> (got - n) : ~0ull;
}

/* Expectations for tests: true when the field matches, else a description of the mismatch in why[]. */
static inline bool tshark_is_int(const struct tshark_pkt *p, const char *suffix, int occurrence, long want,
                                 char *why, size_t cap)
{
    long got = tshark_int(p, suffix, occurrence);
    if (got == want) return true;
    if (got == TSHARK_ABSENT)
        snprintf(why, cap, "%s[%d]: absent in tshark's decoding, expected %ld", suffix, occurrence, want);
    else
        snprintf(why, cap, "%s[%d]: tshark reads %ld, expected %ld", suffix, occurrence, got, want);
    return false;
}

/* The value's name in the field's display text ("ra-ResponseWindow: sl10 (4)" has the name "sl10"). */
static inline bool tshark_is_name(const struct tshark_pkt *p, const char *suffix, int occurrence, const char *want,
                                  char *why, size_t cap)
{
    char sn[512];
    tshark_showname(p, suffix, occurrence, sn, sizeof sn);
    const char *colon = strstr(sn, ": ");
    if (colon) {
        const char *v = colon + 2;
        size_t n = strcspn(v, " ");
        if (n == strlen(want) && strncmp(v, want, n) == 0) return true;
    }
    snprintf(why, cap, "%s[%d]: tshark shows \"%.200s\", expected the value %.64s", suffix, occurrence, sn, want);
    return false;
}

static inline bool tshark_is_count(const struct tshark_pkt *p, const char *suffix, int want, char *why, size_t cap)
{
    int got = tshark_count(p, suffix);
    if (got == want) return true;
    snprintf(why, cap, "%s: %d occurrences in tshark's decoding, expected %d", suffix, got, want);
    return false;
}

#endif
