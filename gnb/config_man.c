/* gnbd.conf(5) from the key table (see config_man.h). */
#include "gnb/config_man.h"

#include <stdbool.h>
#include <string.h>

#include "gnb/config.h"
#include "gnb/config_table.h"

#ifndef GNBD_VERSION
#define GNBD_VERSION "unknown"
#endif

/* Text as roff reads it literally: "\" as \e, every "-" as \- (an ASCII minus, so ranges and option names can be
 * copied), a leading "." or "'" (which would start a request) guarded by \&, and in a macro argument (`arg`)
 * every double quote as \(dq. */
static void roff_put(FILE *out, const char *s, bool arg)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else if (*s == '"' && arg)
            fputs("\\(dq", out);
        else
            fputc(*s, out);
    }
}

static void roff_text(FILE *out, const char *s) { roff_put(out, s, false); }

/* The fixed parts of the page. Lines are roff source; "-" is written \- here already. */
static const char *const page_head[] = {
    ".SH NAME",
    "gnbd.conf \\- configuration file of the gnbd 5G NR base station daemon",
    ".SH SYNOPSIS",
    ".I PREFIX/etc/gnbd/gnbd.conf",
    ".br",
    ".B gnbd \\-\\-check\\-config",
    ".I FILE",
    ".SH DESCRIPTION",
    "One file configures one",
    ".BR gnbd (8)",
    "run: the cell, the radio, logging, the control socket and the threads.",
    "It is read once at start, in libconfig syntax:",
    ".B name = value;",
    "settings inside groups",
    ".BI \"\" group \" = { ... };\",",
    "strings in double quotes, numbers as integers or decimals (a key of type number also takes an integer),",
    ".B true",
    "and",
    ".BR false ,",
    "and",
    ".B #",
    "or",
    ".B //",
    "comments.",
    ".PP",
    "Every key is checked before anything starts: its type, its range or list of allowed values, unknown or",
    "misspelt keys (with the nearest valid key suggested), and missing required keys; then the cross\\-checks",
    "below. All errors are reported, one line each:",
    ".PP",
    ".RS",
    ".I file:line: key: message",
    ".B (allowed:",
    ".IB values )",
    ".RE",
    ".PP",
    "and gnbd exits with status 78 (EX_CONFIG) without starting. Keys with a default may be left out;",
    "a group may be left out when all its keys may.",
    ".B gnbd \\-\\-check\\-config",
    "validates a file and prints the effective configuration, defaults and derived values (carrier and SSB",
    "frequencies, CORESET#0, the SIB1) included.",
    ".PP",
    "The keys below are listed by their full path: write",
    ".B cell.pci",
    "as",
    ".B pci",
    "inside the",
    ".B cell",
    "group.",
    ".SH KEYS",
    NULL,
};

static const char *const page_tail[] = {
    ".SH CROSS\\-CHECKS",
    "Once every key is valid on its own, gnbd checks the keys against each other:",
    ".IP \\(bu 2",
    ".B cell.duplex",
    "matches the band (3GPP TS 38.101\\-1 Table 5.2\\-1);",
    ".B cell.bandwidth_mhz",
    "has a carrier at",
    ".B cell.scs_khz",
    "(Table 5.3.2\\-1) and fits in the band.",
    ".IP \\(bu 2",
    "The DL carrier lies on the channel raster inside the band; the SS/PBCH block",
    "(given, or derived from the synchronization raster when",
    ".B cell.ssb_arfcn",
    "is 0) lies on the synchronization raster inside the carrier (38.104 5.4);",
    "the CORESET#0 row exists for the SCS pair and fits in the carrier, the search space #0 row is usable",
    "(38.213 13), and the SIB1 can be scheduled.",
    ".IP \\(bu 2",
    "The",
    ".B cell.tdd",
    "group is present exactly when",
    ".B cell.duplex",
    "is \"tdd\", its period is a whole number of slots at the SCS, and the pattern fits in it with at least",
    "one full DL and one full UL slot.",
    ".IP \\(bu 2",
    "A non\\-zero",
    ".B radio.sample_rate",
    "is the SCS times an FFT size (a multiple of 128) that holds the carrier.",
    ".IP \\(bu 2",
    "With",
    ".B cell.srsue_compatible",
    "true (the default), settings srsUE cannot use are refused: SCS other than 15 kHz, TDD, more than",
    "106 PRB, PCI above 503, PRACH configuration index above 15, DMRS type A position 3, a sample rate",
    "that is not a whole multiple of srsUE's.",
    ".B gnbd \\-\\-srsue\\-config",
    "prints the srsUE configuration of a cell.",
    ".SH EXAMPLE",
    "The ZeroMQ reference cell (band n3, 10 MHz, PCI 1), with every other key at its default:",
    ".PP",
    ".RS",
    ".nf",
    "cell = {",
    "  pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10;",
    "  mcc = \"001\"; mnc = \"01\"; tac = 7;",
    "};",
    "radio = {",
    "  device = \"zmq\";",
    "  args = \"tx_port=tcp://127.0.0.1:2000,rx_port=tcp://127.0.0.1:2001\";",
    "};",
    ".fi",
    ".RE",
    ".SH FILES",
    ".TP",
    ".I PREFIX/etc/gnbd/gnbd.conf",
    "the file the installed systemd unit passes to",
    ".BR gnbd (8);",
    "every key is documented in it.",
    ".TP",
    ".I PREFIX/share/doc/gnbd/examples/",
    "commented example cells (USRP B210 n78 TDD and n3 FDD, SoapySDR, ZeroMQ).",
    ".SH SEE ALSO",
    ".BR gnbd (8),",
    ".BR gnbctl (1)",
    NULL,
};

static void print_lines(FILE *out, const char *const *lines)
{
    for (; *lines; lines++)
        fprintf(out, "%s\n", *lines);
}

static void print_type(FILE *out, const struct config_key *k)
{
    char allowed[256];
    config_key_allowed(k, allowed, sizeof allowed);
    switch (k->type) {
    case CONFIG_KEY_INT:
    case CONFIG_KEY_INT64: fputs("Integer, ", out); break;
    case CONFIG_KEY_FLOAT: fputs("Number, ", out); break;
    case CONFIG_KEY_BOOL: fputs("Boolean (true or false)", out); return;
    case CONFIG_KEY_STRING:
        if (!k->check_allowed) {
            fprintf(out, "String of at most %zu characters", k->size - 1);
            return;
        }
        fputs("String, ", out);
        break;
    case CONFIG_KEY_INT_LIST: fputs("Integer, one of ", out); break;
    case CONFIG_KEY_FLOAT_LIST: fputs("Number, one of ", out); break;
    case CONFIG_KEY_NAME_LIST:
        fputs("Array of strings, each one of ", out);
        for (int i = 0, n = 0; k->names[i]; i++)
            if (!config_name_unimplemented(k, k->names[i]))
                fprintf(out, "%s\"%s\"", n++ ? ", " : "", k->names[i]);
        return;
    case CONFIG_KEY_ENUM:
    case CONFIG_KEY_CHOICE:
        fputs("String, one of ", out);
        for (int i = 0; k->names[i]; i++)
            fprintf(out, "%s\"%s\"", i ? ", " : "", k->names[i]);
        return;
    }
    roff_text(out, allowed);
}

static void print_key(FILE *out, const struct config_key *k)
{
    char def[128];
    config_key_default(k, def, sizeof def);
    fputs(".TP\n.B ", out);
    roff_text(out, k->path);
    fputc('\n', out);
    print_type(out, k);
    if (k->required)
        fputs("; required", out);
    else if (k->inherit) {
        fputs("; default: the value of ", out);
        roff_text(out, k->inherit);
    } else if (*def) {
        fputs("; default ", out);
        roff_text(out, def);
    }
    fputs(".\n.br\n", out);
    /* The help text as a sentence: a capital letter unless its first word is a name ("dl-UL-Transmission..."). */
    char help[256];
    snprintf(help, sizeof help, "%s", k->help);
    size_t word = strcspn(help, " ,;(");
    bool plain = true;
    for (size_t i = 0; i < word; i++)
        plain = plain && help[i] >= 'a' && help[i] <= 'z';
    if (plain && word > 0)
        help[0] = (char)(help[0] - 'a' + 'A');
    roff_text(out, help);
    fputs(".\n", out);
}

void config_print_manpage(FILE *out)
{
    size_t nkeys, ngroups;
    const struct config_key *keys = config_keys(&nkeys);
    const struct config_group *groups = config_groups(&ngroups);
    fprintf(out, ".\\\" gnbd.conf(5), generated by `gnbd --print-config-manpage` from gnb/config_table.c: "
                 "edit the table, not this page.\n");
    fprintf(out, ".TH GNBD.CONF 5 \"\" \"gnbd %s\" \"File Formats Manual\"\n", GNBD_VERSION);
    fputs(".nh\n.ad l\n", out);   /* no hyphenation, ragged right: names must read as they are written */
    print_lines(out, page_head);
    for (size_t g = 0; g < ngroups; g++) {
        fputs(".SS \"", out);
        roff_put(out, groups[g].path, true);
        fputs(": ", out);
        roff_put(out, groups[g].help, true);
        fputs("\"\n", out);
        if (groups[g].optional)
            fputs("An optional group: its required keys are required only when the group is present.\n", out);
        for (size_t i = 0; i < nkeys; i++) {
            char group[CONFIG_PATH_MAX];
            config_key_group(keys[i].path, group, sizeof group);
            if (strcmp(group, groups[g].path) == 0)
                print_key(out, &keys[i]);
        }
    }
    print_lines(out, page_tail);
}
