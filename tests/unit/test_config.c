/* Tests of the configuration loader (gnb/config.c) and its tables and cross-checks (gnb/config_table.c).
 * Error messages are compared line for line: they are the user interface of a config file. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnb/config.h"
#include "gnb/config_table.h"
#include "tests/unit/check_run.h"

#define SHIPPED "conf/gnbd.conf"
#define VEC "tests/vectors/config/"

/* The required cell keys of a valid band-3 cell, to build test files around. */
#define CELL_REQ "pci = 1; band = 3; dl_arfcn = 368500; mcc = \"001\"; mnc = \"01\";"

static char errbuf[8192];

/* Error output of the next load goes to errbuf. */
static FILE *open_err(void)
{
    memset(errbuf, 0, sizeof errbuf);  /* fmemopen "w" does not clear a buffer nothing is written to */
    FILE *err = fmemopen(errbuf, sizeof errbuf, "w");
    ck_assert_ptr_nonnull(err);
    return err;
}

/* Load text, named conf/x.conf in messages. */
static int load(struct gnbd_config *cfg, const char *text)
{
    FILE *err = open_err();
    int rc = config_load_string(cfg, text, "conf/x.conf", err);
    fclose(err);
    return rc;
}

static int load_file(struct gnbd_config *cfg, const char *path)
{
    FILE *err = open_err();
    int rc = config_load(cfg, path, err);
    fclose(err);
    return rc;
}

/* A valid cell with extra cell keys and extra groups. */
static int load_cell(struct gnbd_config *cfg, const char *cell_extra, const char *rest)
{
    char text[2048];
    snprintf(text, sizeof text, "cell = { " CELL_REQ " %s };\n%s", cell_extra, rest);
    return load(cfg, text);
}

static void expect_one(const char *text, const char *line)
{
    struct gnbd_config cfg;
    int rc = load(&cfg, text);
    char want[512];
    snprintf(want, sizeof want, "%s\n", line);
    ck_assert_str_eq(errbuf, want);
    ck_assert_int_eq(rc, 1);
}

static void setup(void) { config_set_geometry_hook(NULL); }

/* ---- valid files ---- */

START_TEST(shipped_conf_is_the_reference_cell)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_file(&cfg, SHIPPED), 0);
    ck_assert_str_eq(errbuf, "");
    ck_assert_int_eq(cfg.cell.band, 3);
    ck_assert_int_eq(cfg.cell.dl_arfcn, 368500);
    ck_assert_int_eq(cfg.cell.duplex, DUPLEX_FDD);
    ck_assert_int_eq(config_nof_prb(cfg.cell.bandwidth_mhz, cfg.cell.scs_khz), 52);
    ck_assert_int_eq(cfg.cell.pci, 1);
    ck_assert_str_eq(cfg.cell.mcc, "001");
    ck_assert_str_eq(cfg.cell.mnc, "01");
    ck_assert_int_eq(cfg.cell.tac, 7);
    ck_assert_int_eq(cfg.cell.coreset0_index, 6);
    ck_assert_str_eq(cfg.radio.device, "zmq"); /* srsUE / uesim can attach out of the box */
    ck_assert_str_eq(cfg.radio.args, "tx_port=tcp://127.0.0.1:2000,rx_port=tcp://127.0.0.1:2001,base_srate=11.52e6");
    ck_assert(cfg.radio.sample_rate == 11.52e6);
    ck_assert_str_eq(cfg.path, SHIPPED);
}
END_TEST

/* Every key of the table appears, by name, in the shipped file (set or in a comment). */
START_TEST(shipped_conf_documents_every_key)
{
    FILE *f = fopen(SHIPPED, "r");
    ck_assert_ptr_nonnull(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        const char *leaf = strrchr(keys[i].path, '.') + 1;
        ck_assert_msg(strstr(text, leaf) != NULL, "%s is not documented in " SHIPPED, keys[i].path);
    }
}
END_TEST

START_TEST(defaults_applied)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_file(&cfg, VEC "minimal.conf"), 0);
    ck_assert_int_eq(cfg.cell.pci, 500);
    ck_assert_str_eq(cfg.gnb.name, "gnbd");
    ck_assert_int_eq(cfg.cell.ssb_arfcn, 0);
    ck_assert_int_eq(cfg.cell.scs_khz, 15);
    ck_assert_int_eq(cfg.cell.bandwidth_mhz, 10);
    ck_assert_int_eq(cfg.cell.tac, 1);
    ck_assert_int_eq(cfg.cell.cell_id, 1);
    ck_assert_int_eq(cfg.cell.ssb_periodicity_ms, 10);
    ck_assert(cfg.cell.srsue_compatible);
    ck_assert(!cfg.cell.tdd.configured);
    ck_assert_str_eq(cfg.radio.device, "null");
    ck_assert(cfg.radio.sample_rate == 0);
    ck_assert_int_eq(cfg.radio.tx_advance_slots, 2);
    ck_assert_str_eq(cfg.radio.clock_source, "internal");
    ck_assert(cfg.radio.dl_backoff_db == 12);
    ck_assert_str_eq(cfg.control.endpoint, "tcp://127.0.0.1:5555");
    ck_assert_int_eq(cfg.threads.mapping, THREADS_COMPACT);
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(cfg.threads.cpu[i], -1);
    for (int l = 0; l < LOG_LAYER_COUNT; l++)
        ck_assert_int_eq(cfg.log.level[l], LOG_LEVEL_INFO);
}
END_TEST

START_TEST(every_key_stores_where_the_table_says)
{
    /* full_tdd.conf sets every key to a non-default value: each one must have moved off its default. */
    struct gnbd_config def, cfg;
    ck_assert_int_eq(load_file(&def, VEC "minimal.conf"), 0);
    ck_assert_int_eq(load_file(&cfg, VEC "full_tdd.conf"), 0);
    ck_assert_str_eq(errbuf, "");
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        const struct config_key *k = &keys[i];
        if (strcmp(k->path, "log.radio") == 0 || strcmp(k->path, "log.mac") == 0 || strcmp(k->path, "log.ctrl") == 0
            || strcmp(k->path, "log.gnb") == 0 || strcmp(k->path, "log.ngap") == 0)
            continue;  /* these inherit log.level */
        ck_assert_msg(memcmp((char *)&cfg + k->offset, (char *)&def + k->offset, k->size) != 0, "%s", k->path);
    }
    ck_assert_str_eq(cfg.gnb.name, "lab \"A\" \\ gnb");
    ck_assert_int_eq(cfg.cell.cell_id, 68719476735LL);
    ck_assert(cfg.cell.tdd.period_ms == 2.5);
    ck_assert(cfg.radio.sample_rate == 61.44e6);
    ck_assert_int_eq(cfg.threads.cpu[6], 6);
    ck_assert_int_eq(cfg.threads.mapping, THREADS_PER_LAYER);
}
END_TEST

START_TEST(log_levels_inherit_then_override)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "", "log = { level = \"warning\"; phy = \"debug\"; ctrl = \"none\"; };"), 0);
    ck_assert_int_eq(cfg.log.default_level, LOG_LEVEL_WARNING);
    for (int l = 0; l < LOG_LAYER_COUNT; l++) {
        enum log_level want = l == LOG_PHY ? LOG_LEVEL_DEBUG : l == LOG_CTRL ? LOG_LEVEL_NONE : LOG_LEVEL_WARNING;
        ck_assert_int_eq(cfg.log.level[l], want);
    }
}
END_TEST

START_TEST(crlf_and_byte_order_mark_accepted)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load(&cfg, "\xef\xbb\xbf" "cell = {\r\n " CELL_REQ "\r\n tac = 9;\r\n};\r\n"), 0);
    ck_assert_int_eq(cfg.cell.tac, 9);
    ck_assert_int_eq(load(&cfg, "\xef\xbb\xbf" "cell = {\r\n " CELL_REQ "\r\n tac = 9.5;\r\n};\r\n"), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf:3: cell.tac: expected an integer, got a float (allowed: 0..16777215)\n");
}
END_TEST

START_TEST(float_key_accepts_integer_literal)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "", "radio = { sample_rate = 11520000; tx_gain_db = -3; };"), 0);
    ck_assert(cfg.radio.sample_rate == 11.52e6);
    ck_assert(cfg.radio.tx_gain_db == -3.0);
}
END_TEST

/* libconfig 1.5 reads an unsuffixed literal beyond 32 bits as a truncated int; the loader must not. */
START_TEST(wide_integers_keep_their_value)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "cell_id = 68719476735;", ""), 0);
    ck_assert_int_eq(cfg.cell.cell_id, 68719476735LL);
    ck_assert_int_eq(load_cell(&cfg, "cell_id = 0xFFFFFFFFF;", ""), 0);
    ck_assert_int_eq(cfg.cell.cell_id, 0xFFFFFFFFFLL);
    /* 4294967297 would be 1 after truncation, a valid PCI */
    expect_one("cell = { pci = 4294967297; band = 3; dl_arfcn = 368500; mcc = \"001\"; mnc = \"01\"; };",
               "conf/x.conf:1: cell.pci: value 4294967297 out of range (allowed: 0..1007)");
    expect_one("cell = { " CELL_REQ " tac = -4294967295; };",
               "conf/x.conf:1: cell.tac: value -4294967295 out of range (allowed: 0..16777215)");
}
END_TEST

/* ---- one test per error class, exact message ---- */

START_TEST(error_out_of_range)
{
    expect_one("# line 1\n\n\n\n\n\n\n\n\n\ncell = {\n  pci = 1008;\n  band = 3; dl_arfcn = 368500; mcc = \"001\";"
               " mnc = \"01\"; };",
               "conf/x.conf:12: cell.pci: value 1008 out of range (allowed: 0..1007)");
    expect_one("cell = { " CELL_REQ " };\nradio = { tx_gain_db = 100.5; };",
               "conf/x.conf:2: radio.tx_gain_db: value 100.5 out of range (allowed: -10..100)");
}
END_TEST

START_TEST(error_unknown_key_with_suggestion)
{
    expect_one("cell = { " CELL_REQ "\n\n\n\n\n\n bandwith_mhz = 10; };",
               "conf/x.conf:7: cell.bandwith_mhz: unknown key (did you mean \"cell.bandwidth_mhz\"?)");
}
END_TEST

START_TEST(error_unknown_key_far_from_any)
{
    expect_one("cell = { " CELL_REQ " frobnicate = 1; };", "conf/x.conf:1: cell.frobnicate: unknown key");
    expect_one("cell = { " CELL_REQ " };\nplmn = { x = 1; };", "conf/x.conf:2: plmn: unknown group");
}
END_TEST

START_TEST(error_wrong_type)
{
    expect_one("\n\ncell = { pci = \"1\"; band = 3; dl_arfcn = 368500; mcc = \"001\"; mnc = \"01\"; };",
               "conf/x.conf:3: cell.pci: expected an integer, got a string (allowed: 0..1007)");
    expect_one("cell = { " CELL_REQ " srsue_compatible = 1; };",
               "conf/x.conf:1: cell.srsue_compatible: expected a boolean, got an integer (allowed: true, false)");
    expect_one("cell = { " CELL_REQ " };\ncontrol = 5;", "conf/x.conf:2: control: expected a group, got an integer");
    expect_one("cell = { " CELL_REQ " };\nlog = { level = [\"info\"]; };",
               "conf/x.conf:2: log.level: expected a string, got an array (allowed: none, error, warning, info, debug)");
}
END_TEST

START_TEST(error_int_key_rejects_float)
{
    expect_one("cell = { " CELL_REQ " tac = 7.0; };",
               "conf/x.conf:1: cell.tac: expected an integer, got a float (allowed: 0..16777215)");
}
END_TEST

START_TEST(error_missing_required_key)
{
    expect_one("gnb = { name = \"a\"; };\ncell = {\n pci = 1; band = 3; mcc = \"001\"; mnc = \"01\"; };",
               "conf/x.conf:2: cell.dl_arfcn: missing required key (allowed: 0..3279165)");
    /* no cell group at all: no line to point at */
    struct gnbd_config cfg;
    ck_assert_int_eq(load(&cfg, "radio = { device = \"zmq\"; };"), 5);
    ck_assert_ptr_nonnull(strstr(errbuf, "conf/x.conf: cell.dl_arfcn: missing required key (allowed: 0..3279165)\n"));
}
END_TEST

START_TEST(error_value_not_in_list)
{
    expect_one("cell = { " CELL_REQ "\n\n\n\n\n\n\n\n duplex = \"fxx\"; };",
               "conf/x.conf:9: cell.duplex: \"fxx\" is not allowed (allowed: fdd, tdd)");
    expect_one("cell = { " CELL_REQ " bandwidth_mhz = 11; };",
               "conf/x.conf:1: cell.bandwidth_mhz: value 11 is not allowed "
               "(allowed: 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100)");
    expect_one("cell = { " CELL_REQ " duplex = \"tdd\"; srsue_compatible = false; tdd = { period_ms = 3;"
               " dl_slots = 1; ul_slots = 1; }; };",
               "conf/x.conf:1: cell.tdd.period_ms: value 3 is not allowed "
               "(allowed: 0.5, 0.625, 1, 1.25, 2, 2.5, 5, 10)");
}
END_TEST

/* security.*: arrays of algorithm names in preference order; unknown, unimplemented, repeated, empty, not an
 * array: errors with file:line and the allowed names. */
START_TEST(security_algorithm_lists)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "", ""), 0);
    ck_assert_int_eq(cfg.security.integrity.n, 1); /* defaults: nia2; nea2, nea0 */
    ck_assert_int_eq(cfg.security.integrity.v[0], 2);
    ck_assert_int_eq(cfg.security.ciphering.n, 2);
    ck_assert_int_eq(cfg.security.ciphering.v[0], 2);
    ck_assert_int_eq(cfg.security.ciphering.v[1], 0);
    ck_assert_int_eq(load_cell(&cfg, "", "security = { integrity = [\"nia2\", \"nia0\"]; ciphering = [\"nea0\"]; };"), 0);
    ck_assert_int_eq(cfg.security.integrity.n, 2);
    ck_assert_int_eq(cfg.security.integrity.v[0], 2);
    ck_assert_int_eq(cfg.security.integrity.v[1], 0);
    ck_assert_int_eq(cfg.security.ciphering.n, 1);
    ck_assert_int_eq(cfg.security.ciphering.v[0], 0);
    expect_one("cell = { " CELL_REQ " };\nsecurity = { integrity = [\"nia2\", \"nia1\"]; };",
               "conf/x.conf:2: security.integrity: \"nia1\" is not implemented in gnbd (allowed: an array of nia0, nia2)");
    expect_one("cell = { " CELL_REQ " };\nsecurity = { ciphering = [\"nea3\"]; };",
               "conf/x.conf:2: security.ciphering: \"nea3\" is not implemented in gnbd (allowed: an array of nea0, nea2)");
    expect_one("cell = { " CELL_REQ " };\nsecurity = { integrity = [\"nia9\"]; };",
               "conf/x.conf:2: security.integrity: \"nia9\" is not allowed (allowed: an array of nia0, nia2)");
    expect_one("cell = { " CELL_REQ " };\nsecurity = { integrity = [\"nia2\", \"nia2\"]; };",
               "conf/x.conf:2: security.integrity: \"nia2\" is listed twice (allowed: an array of nia0, nia2)");
    expect_one("cell = { " CELL_REQ " };\nsecurity = { integrity = []; };",
               "conf/x.conf:2: security.integrity: 0 names (1..4 allowed) (allowed: an array of nia0, nia2)");
    expect_one("cell = { " CELL_REQ " };\nsecurity = { integrity = \"nia2\"; };",
               "conf/x.conf:2: security.integrity: expected an array of strings, got a string "
               "(allowed: an array of nia0, nia2)");
}
END_TEST

START_TEST(error_string_rule)
{
    expect_one("cell = { pci = 1; band = 3; dl_arfcn = 368500; mcc = \"01\"; mnc = \"01\"; };",
               "conf/x.conf:1: cell.mcc: \"01\" is not allowed (allowed: 3 digits)");
    expect_one("cell = { " CELL_REQ " };\ncontrol = { endpoint = \"udp://1.2.3.4:5\"; };",
               "conf/x.conf:2: control.endpoint: \"udp://1.2.3.4:5\" is not allowed "
               "(allowed: tcp://host:port or ipc://path)");
    /* gnb.name holds 63 characters: 63 load, 64 do not */
    char text[256], name[65];
    struct gnbd_config cfg;
    memset(name, 'n', 63);
    name[63] = '\0';
    snprintf(text, sizeof text, "cell = { " CELL_REQ " };\ngnb = { name = \"%s\"; };", name);
    ck_assert_int_eq(load(&cfg, text), 0);
    ck_assert_str_eq(cfg.gnb.name, name);
    snprintf(text, sizeof text, "cell = { " CELL_REQ " };\ngnb = { name = \"%sn\"; };", name);
    expect_one(text, "conf/x.conf:2: gnb.name: value too long (64 characters) (allowed: at most 63 characters)");
}
END_TEST

/* log.mac_pcap: a file gnbd can create, checked when the configuration is loaded */
START_TEST(error_mac_pcap_path)
{
    expect_one("cell = { " CELL_REQ " };\nlog = {\n  mac_pcap = \"/nonexistent-gnbd-dir/mac.pcap\"; };",
               "conf/x.conf:3: log.mac_pcap: \"/nonexistent-gnbd-dir/mac.pcap\" is not allowed "
               "(allowed: \"\" (off) or a file in an existing, writable directory)");
    expect_one("cell = { " CELL_REQ " };\nlog = { mac_pcap = \"/tmp\"; };",
               "conf/x.conf:2: log.mac_pcap: \"/tmp\" is not allowed "
               "(allowed: \"\" (off) or a file in an existing, writable directory)");
    expect_one("cell = { " CELL_REQ " };\nlog = { mac_pcap = \"/tmp/\"; };",
               "conf/x.conf:2: log.mac_pcap: \"/tmp/\" is not allowed "
               "(allowed: \"\" (off) or a file in an existing, writable directory)");
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "", "log = { mac_pcap = \"/tmp/gnbd-test.pcap\"; };"), 0);
    ck_assert_str_eq(cfg.log.mac_pcap, "/tmp/gnbd-test.pcap");
    ck_assert_int_eq(load_cell(&cfg, "", "log = { mac_pcap = \"\"; };"), 0);
    ck_assert_str_eq(cfg.log.mac_pcap, "");
}
END_TEST

START_TEST(error_syntax)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_file(&cfg, VEC "syntax_error.conf"), -1);
    ck_assert_str_eq(errbuf, VEC "syntax_error.conf:4: syntax error: syntax error\n");
    ck_assert_int_eq(load(&cfg, "cell = {\n  pci = 1;\n  @include \"/etc/passwd\"\n};"), -1);
    ck_assert_str_eq(errbuf, "conf/x.conf:3: syntax error: @include is not supported: one file holds the whole "
                             "configuration\n");
    ck_assert_int_eq(load(&cfg, "cell = { cell_id = 99999999999999999999; };"), -1);
    ck_assert_str_eq(errbuf, "conf/x.conf:1: syntax error: integer does not fit in 64 bits: 99999999999999999999\n");
    ck_assert_int_eq(load(&cfg, "cell = {\n  mcc = \"001;\n};\n"), -1);
    ck_assert_str_eq(errbuf, "conf/x.conf:2: syntax error: string not closed: \"001;\n");
}
END_TEST

START_TEST(error_missing_file)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_file(&cfg, VEC "no_such_file.conf"), -1);
    ck_assert_str_eq(errbuf, VEC "no_such_file.conf: cannot read: No such file or directory\n");
}
END_TEST

START_TEST(all_errors_reported)
{
    static const char *const want =
        VEC "many_errors.conf:2: gnb.name: expected a string, got an integer (allowed: a string of at most 63 "
            "characters)\n"
        VEC "many_errors.conf:4: cell.pci: value 1008 out of range (allowed: 0..1007)\n"
        VEC "many_errors.conf:5: cell.band: value 4 is not allowed (allowed: 1, 2, 3, 5, 7, 8, 12, 20, 25, 28, 66, "
            "71, 34, 38, 39, 40, 41, 48, 77, 78, 79)\n"
        VEC "many_errors.conf:6: cell.bandwith_mhz: unknown key (did you mean \"cell.bandwidth_mhz\"?)\n"
        VEC "many_errors.conf:7: cell.duplex: \"fxx\" is not allowed (allowed: fdd, tdd)\n"
        VEC "many_errors.conf:8: cell.mcc: \"01\" is not allowed (allowed: 3 digits)\n"
        VEC "many_errors.conf:9: cell.tac: expected an integer, got a float (allowed: 0..16777215)\n"
        VEC "many_errors.conf:10: cell.cell_id: value 68719476736 out of range (allowed: 0..68719476735)\n"
        VEC "many_errors.conf:13: radio.sample_rate: expected a number, got a string (allowed: 0..250000000)\n"
        VEC "many_errors.conf:14: radio.device: \"usrp\" is not allowed (allowed: null, zmq, uhd, soapy, file)\n"
        VEC "many_errors.conf:15: radio.pci: unknown key (did you mean \"cell.pci\"?)\n"
        VEC "many_errors.conf:17: threads.cpu_mac: value 2147483648 out of range (allowed: -1..1023)\n"
        VEC "many_errors.conf:18: logging: unknown group (did you mean \"log\"?)\n"
        VEC "many_errors.conf:3: cell.dl_arfcn: missing required key (allowed: 0..3279165)\n"
        VEC "many_errors.conf:3: cell.mnc: missing required key (allowed: 2 or 3 digits)\n";
    struct gnbd_config cfg;
    ck_assert_int_eq(load_file(&cfg, VEC "many_errors.conf"), 15);
    ck_assert_str_eq(errbuf, want);
}
END_TEST

START_TEST(nearest_key_suggestion)
{
    ck_assert_str_eq(config_suggest("cell.bandwith_mhz", false), "cell.bandwidth_mhz");
    ck_assert_str_eq(config_suggest("cell.PCI", false), "cell.pci");
    ck_assert_str_eq(config_suggest("radio.pci", false), "cell.pci");       /* right key, wrong group */
    ck_assert_str_eq(config_suggest("cell.bandwidth", false), "cell.bandwidth_mhz");
    ck_assert_str_eq(config_suggest("radio.tx_gain", false), "radio.tx_gain_db");
    ck_assert_str_eq(config_suggest("threads.cpu_phyul", false), "threads.cpu_phy_ul");
    ck_assert_str_eq(config_suggest("radoi", true), "radio");
    ck_assert_str_eq(config_suggest("tdd", true), "cell.tdd");
    ck_assert_ptr_null(config_suggest("cell.xyz", false));
    ck_assert_ptr_null(config_suggest("zzzzzzzzzzzz", true));
    ck_assert_ptr_null(config_suggest("", false));
}
END_TEST

/* ---- cross-checks ---- */

static void expect_cross(const char *cell_extra, const char *rest, const char *want)
{
    struct gnbd_config cfg;
    int rc = load_cell(&cfg, cell_extra, rest);
    ck_assert_str_eq(errbuf, want);
    int lines = 0;
    for (const char *p = want; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(rc, lines);
}

START_TEST(mac_link_adaptation_keys)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "", ""), 0);
    ck_assert_int_eq(cfg.mac.dl_mcs_max, 28); /* defaults: adaptive up to the 64QAM table's top */
    ck_assert_int_eq(cfg.mac.ul_mcs_max, 28);
    ck_assert_int_eq(cfg.mac.fixed_dl_mcs, -1);
    ck_assert_int_eq(cfg.mac.fixed_ul_mcs, -1);
    ck_assert(cfg.mac.target_bler == 0.1);
    expect_one("cell = { " CELL_REQ " };\nmac = {\n dl_mcs_max = 29; };",
               "conf/x.conf:3: mac.dl_mcs_max: value 29 out of range (allowed: 0..28)");
    expect_one("cell = { " CELL_REQ " };\nmac = { fixed_ul_mcs = -2; };",
               "conf/x.conf:2: mac.fixed_ul_mcs: value -2 out of range (allowed: -1..28)");
    expect_one("cell = { " CELL_REQ " };\nmac = { target_bler = 0.6; };",
               "conf/x.conf:2: mac.target_bler: value 0.6 out of range (allowed: 0.01..0.5)");
    ck_assert_int_ne(load_cell(&cfg, "", "mac = { dl_mcs_max = 10; fixed_dl_mcs = 12; };"), 0);
    ck_assert_ptr_nonnull(strstr(errbuf, "mac.fixed_dl_mcs: above mac.dl_mcs_max (allowed: -1, 0..10"));
    ck_assert_int_ne(load_cell(&cfg, "", "mac = { ul_mcs_max = 3; fixed_ul_mcs = 4; };"), 0);
    ck_assert_ptr_nonnull(strstr(errbuf, "mac.fixed_ul_mcs: above mac.ul_mcs_max (allowed: -1, 0..3"));
    ck_assert_int_eq(load_cell(&cfg, "", "mac = { dl_mcs_max = 10; fixed_dl_mcs = 10; };"), 0);
    /* 256QAM: on by default; row 28 of Table 5.1.3.1-2 is reserved, so a fixed 28 needs it off */
    ck_assert(cfg.mac.dl_256qam);
    ck_assert_int_ne(load_cell(&cfg, "", "mac = { fixed_dl_mcs = 28; };"), 0);
    ck_assert_ptr_nonnull(strstr(errbuf, "mac.fixed_dl_mcs: row 28 of the 256QAM table is reserved (allowed: -1, 0..27"));
    ck_assert_int_eq(load_cell(&cfg, "", "mac = { fixed_dl_mcs = 28; dl_256qam = false; };"), 0);
    ck_assert(!cfg.mac.dl_256qam);
    expect_one("cell = { " CELL_REQ " };\nmac = {\n dl_256qam = 2; };",
               "conf/x.conf:3: mac.dl_256qam: expected a boolean, got an integer (allowed: true, false)");
}
END_TEST

START_TEST(cross_duplex_must_match_band)
{
    expect_cross("duplex = \"tdd\"; srsue_compatible = false; tdd = { period_ms = 5; dl_slots = 3; ul_slots = 1; };",
                 "", "conf/x.conf: cell.duplex: \"tdd\" does not match band n3, which is FDD (38.101-1 Table 5.2-1) "
                     "(allowed: fdd)\n");
}
END_TEST

START_TEST(cross_bandwidth_vs_scs_and_band)
{
    expect_cross("bandwidth_mhz = 60;", "",
                 "conf/x.conf: cell.bandwidth_mhz: 60 MHz has no carrier at 15 kHz SCS (38.101-1 Table 5.3.2-1) "
                 "(allowed: 5, 10, 15, 20, 25, 30, 40, 50)\n");
    struct gnbd_config cfg;
    ck_assert_int_eq(load(&cfg, "cell = { pci = 1; band = 12; dl_arfcn = 147500; mcc = \"001\"; mnc = \"01\";"
                                " bandwidth_mhz = 20; };"), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.bandwidth_mhz: 20 MHz is wider than band n12 (729..746 MHz DL) "
                             "(allowed: 5, 10, 15)\n");
}
END_TEST

#define TDD_CELL "band = 78; dl_arfcn = 632628; duplex = \"tdd\"; scs_khz = 30; bandwidth_mhz = 40; " \
                 "srsue_compatible = false;"

START_TEST(cross_tdd_pattern)
{
    struct gnbd_config cfg;
    char text[1024];
    /* valid: 5 ms at 30 kHz = 10 slots; 7 + 2 + 1 special */
    snprintf(text, sizeof text, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; " TDD_CELL
             " tdd = { period_ms = 5; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; }; };");
    ck_assert_int_eq(load(&cfg, text), 0);
    ck_assert(cfg.cell.tdd.configured);
    ck_assert_int_eq(cfg.cell.tdd.dl_symbols, 6);
    /* one slot too many */
    snprintf(text, sizeof text, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; " TDD_CELL
             " tdd = { period_ms = 5; dl_slots = 8; dl_symbols = 6; ul_slots = 2; }; };");
    ck_assert_int_eq(load(&cfg, text), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.tdd: pattern needs 11 slots, the 5 ms period has 10 "
                             "(allowed: dl_slots + ul_slots + (1 if any symbols) <= 10)\n");
    /* 0.625 ms is 1.25 slots at 30 kHz */
    snprintf(text, sizeof text, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; " TDD_CELL
             " tdd = { period_ms = 0.625; dl_slots = 1; ul_slots = 0; }; };");
    ck_assert_int_eq(load(&cfg, text), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.tdd.period_ms: 0.625 ms is not a whole number of slots at 30 kHz "
                             "SCS (allowed: 0.5, 1, 2, 2.5, 5, 10)\n");
    /* symbols beyond one slot, no UL slot */
    snprintf(text, sizeof text, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; " TDD_CELL
             " tdd = { period_ms = 10; dl_slots = 3; dl_symbols = 10; ul_slots = 0; ul_symbols = 10; }; };");
    ck_assert_int_eq(load(&cfg, text), 2);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.tdd: 10 DL + 10 UL symbols do not fit in one slot "
                             "(allowed: dl_symbols + ul_symbols <= 14)\n"
                             "conf/x.conf: cell.tdd.ul_slots: no full UL slot: PRACH, PUCCH and PUSCH need one "
                             "(allowed: 1 or more)\n");
}
END_TEST

START_TEST(cross_tdd_group_present_exactly_when_used)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load(&cfg, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; " TDD_CELL " };"), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.tdd: missing group, required when cell.duplex is \"tdd\"\n");
    expect_cross("tdd = { period_ms = 5; dl_slots = 7; ul_slots = 2; };", "",
                 "conf/x.conf: cell.tdd: configured but not used: cell.duplex is \"fdd\"\n");
    /* required keys inside the optional group, reported at the group's line */
    ck_assert_int_eq(load(&cfg, "cell = { pci = 1; mcc = \"001\"; mnc = \"01\"; " TDD_CELL "\n tdd = { dl_slots = 1;"
                                " ul_slots = 1; }; };"), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf:2: cell.tdd.period_ms: missing required key "
                             "(allowed: 0.5, 0.625, 1, 1.25, 2, 2.5, 5, 10)\n");
}
END_TEST

START_TEST(cross_sample_rate_is_an_fft_size)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_cell(&cfg, "", "radio = { sample_rate = 23.04e6; };"), 0);  /* 1536 >= 768 */
    expect_cross("", "radio = { sample_rate = 12e6; };",
                 "conf/x.conf: radio.sample_rate: 12000000 Hz is not 15 kHz times an FFT size (a multiple of 128) "
                 "that holds 52 PRB (allowed: 0 = derive, or a multiple of 1920000 from 11520000)\n");
    expect_cross("", "radio = { sample_rate = 7.68e6; };",  /* 512 < 624 subcarriers */
                 "conf/x.conf: radio.sample_rate: 7680000 Hz is not 15 kHz times an FFT size (a multiple of 128) "
                 "that holds 52 PRB (allowed: 0 = derive, or a multiple of 1920000 from 11520000)\n");
}
END_TEST

START_TEST(cross_srsue_compatible)
{
    expect_cross("prach_config_index = 16; dmrs_type_a_position = 3; bandwidth_mhz = 25;",
                 "radio = { sample_rate = 32.64e6; };",  /* 2176 = 17 x 128: fine, but not srsUE's 30.72e6 x k */
                 "conf/x.conf: cell.bandwidth_mhz: srsUE supports at most 106 PRB, 25 MHz is 133 PRB "
                 "(allowed: 5, 10, 15, 20; or set cell.srsue_compatible = false)\n"
                 "conf/x.conf: cell.prach_config_index: srsUE generates PRACH format 0 only (FDD indices 0..15) "
                 "(allowed: 0..15; or set cell.srsue_compatible = false)\n"
                 "conf/x.conf: cell.dmrs_type_a_position: srsUE always uses position 2 for PUSCH "
                 "(allowed: 2; or set cell.srsue_compatible = false)\n"
                 "conf/x.conf: radio.sample_rate: srsUE runs 133 PRB at 30720000 Hz; ours must be a whole multiple "
                 "of it (allowed: 0 = derive, or a multiple of 30720000; or set cell.srsue_compatible = false)\n");
    expect_cross("prach_config_index = 16; dmrs_type_a_position = 3; bandwidth_mhz = 25; srsue_compatible = false;",
                 "radio = { sample_rate = 32.64e6; };", "");
    expect_cross("scs_khz = 30; bandwidth_mhz = 20;", "",
                 "conf/x.conf: cell.scs_khz: srsUE supports 15 kHz SCS only "
                 "(allowed: 15; or set cell.srsue_compatible = false)\n");
}
END_TEST

/* srsUE's NR PRACH goes through its LTE generator, which refuses cell IDs >= 504 (srsUE crashes at random
 * access): PCI 504..1007 only without srsUE compatibility. */
START_TEST(cross_srsue_pci_limit)
{
    struct gnbd_config cfg;
    const char *cell = "cell = { pci = %d; band = 3; dl_arfcn = 368500; mcc = \"001\"; mnc = \"01\"; %s };";
    char text[256];
    snprintf(text, sizeof text, cell, 503, "");
    ck_assert_int_eq(load(&cfg, text), 0);
    snprintf(text, sizeof text, cell, 504, "");
    ck_assert_int_eq(load(&cfg, text), 1);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.pci: srsUE finds PCI 504 but cannot send PRACH for it (LTE cell IDs "
                             "end at 503) (allowed: 0..503; or set cell.srsue_compatible = false)\n");
    snprintf(text, sizeof text, cell, 1007, "srsue_compatible = false;");
    ck_assert_int_eq(load(&cfg, text), 0);
}
END_TEST

static int hook_checks;
static int hook_check(const struct gnbd_config *cfg, FILE *err)
{
    hook_checks++;
    config_report(err, cfg->path, 0, "cell.ssb_arfcn", "on the sync raster", "%d is off the raster",
                  cfg->cell.ssb_arfcn);
    return 1;
}
static void hook_print(const struct gnbd_config *cfg, FILE *out)
{
    fprintf(out, "# derived: k_ssb = 6 for pci %d\n", cfg->cell.pci);
}

START_TEST(geometry_hook_is_called_and_counted)
{
    static const struct config_geometry_hook hook = {hook_check, hook_print};
    config_set_geometry_hook(&hook);
    struct gnbd_config cfg;
    hook_checks = 0;
    ck_assert_int_eq(load_cell(&cfg, "ssb_arfcn = 368411;", ""), 1);
    ck_assert_int_eq(hook_checks, 1);
    ck_assert_str_eq(errbuf, "conf/x.conf: cell.ssb_arfcn: 368411 is off the raster (allowed: on the sync raster)\n");
    /* not called when the carrier itself is wrong: its errors would only repeat ours */
    ck_assert_int_eq(load_cell(&cfg, "bandwidth_mhz = 60;", ""), 1);
    ck_assert_int_eq(hook_checks, 1);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    config_print(&cfg, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "# derived: k_ssb = 6 for pci 1\n"));
    free(text);
    config_set_geometry_hook(NULL);
}
END_TEST

/* ---- tables ---- */

START_TEST(nof_prb_table)
{
    ck_assert_int_eq(config_nof_prb(5, 15), 25);
    ck_assert_int_eq(config_nof_prb(10, 15), 52);
    ck_assert_int_eq(config_nof_prb(20, 15), 106);
    ck_assert_int_eq(config_nof_prb(50, 15), 270);
    ck_assert_int_eq(config_nof_prb(40, 30), 106);
    ck_assert_int_eq(config_nof_prb(100, 30), 273);
    ck_assert_int_eq(config_nof_prb(100, 60), 135);
    ck_assert_int_eq(config_nof_prb(60, 15), 0);
    ck_assert_int_eq(config_nof_prb(5, 60), 0);
    ck_assert_int_eq(config_nof_prb(12, 15), 0);
    ck_assert_int_eq(config_nof_prb(10, 45), 0);
}
END_TEST

START_TEST(default_sample_rate_matches_srsue)
{
    static const struct { int mhz, scs; double rate; } cases[] = {
        {5, 15, 5.76e6}, {10, 15, 11.52e6}, {15, 15, 15.36e6}, {20, 15, 23.04e6}, {25, 15, 30.72e6},
        {50, 15, 61.44e6}, {100, 30, 122.88e6}, {10, 30, 11.52e6}, {60, 15, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cell_config c = {.bandwidth_mhz = cases[i].mhz, .scs_khz = cases[i].scs};
        ck_assert_msg(config_default_sample_rate(&c) == cases[i].rate, "%d MHz %d kHz: %g", cases[i].mhz,
                      cases[i].scs, config_default_sample_rate(&c));
    }
}
END_TEST

START_TEST(key_table_is_consistent)
{
    size_t nkeys;
    const struct config_key *keys = config_keys(&nkeys);
    ck_assert_uint_le(nkeys, CONFIG_MAX_KEYS);
    for (size_t i = 0; i < nkeys; i++) {
        const struct config_key *k = &keys[i];
        size_t want = k->type == CONFIG_KEY_INT64 ? sizeof(long long)
                    : k->type == CONFIG_KEY_FLOAT || k->type == CONFIG_KEY_FLOAT_LIST ? sizeof(double)
                    : k->type == CONFIG_KEY_BOOL ? sizeof(bool)
                    : k->type == CONFIG_KEY_NAME_LIST ? sizeof(struct config_name_list) : sizeof(int);
        if (k->type != CONFIG_KEY_STRING && k->type != CONFIG_KEY_CHOICE)
            ck_assert_msg(k->size == want, "%s: field size %zu, type needs %zu", k->path, k->size, want);
        ck_assert_msg(k->required || k->has_default || k->inherit, "%s has no value when absent", k->path);
        ck_assert_msg(!(k->required && k->has_default), "%s is required and has a default", k->path);
        char parent[64];
        snprintf(parent, sizeof parent, "%.*s", (int)(strrchr(k->path, '.') - k->path), k->path);
        ck_assert_msg(config_group_find(parent) != NULL, "%s: no group %s", k->path, parent);
        ck_assert_ptr_eq(config_key_find(k->path), k);
        if (k->type == CONFIG_KEY_INT && k->has_default)
            ck_assert_msg(k->def_int >= k->min && k->def_int <= k->max, "%s default", k->path);
        if (k->type == CONFIG_KEY_STRING && k->has_default && k->check)
            ck_assert_msg(k->check(k->def_str), "%s default", k->path);
    }
    ck_assert_int_eq(sizeof(enum cell_duplex), sizeof(int));
    ck_assert_int_eq(sizeof(enum thread_mapping), sizeof(int));
    ck_assert_int_eq(sizeof(enum log_level), sizeof(int));
    /* the log.<layer> keys are named as the log module names its layers */
    for (int l = 0; l < LOG_LAYER_COUNT; l++) {
        char path[32];
        snprintf(path, sizeof path, "log.%s", log_layer_name((enum log_layer)l));
        const struct config_key *k = config_key_find(path);
        ck_assert_msg(k != NULL, "%s", path);
        ck_assert_uint_eq(k->offset, offsetof(struct gnbd_config, log.level) + (size_t)l * sizeof(enum log_level));
        for (int v = 0; v < LOG_LEVEL_COUNT; v++)
            ck_assert_str_eq(k->names[v], log_level_name((enum log_level)v));
    }
}
END_TEST

/* ---- printing ---- */

static char *print_to_string(const struct gnbd_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    config_print(cfg, out);
    fclose(out);
    return text;
}

static void round_trip(const char *path)
{
    struct gnbd_config a, b;
    ck_assert_int_eq(load_file(&a, path), 0);
    char *text = print_to_string(&a);
    ck_assert_int_eq(config_load_string(&b, text, path, stderr), 0);
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "%s did not round-trip:\n%s", path, text);
    free(text);
}

START_TEST(print_round_trips_shipped)
{
    round_trip(SHIPPED);
}
END_TEST

START_TEST(print_round_trips_every_key)
{
    round_trip(VEC "full_tdd.conf");
    round_trip(VEC "minimal.conf");
}
END_TEST

START_TEST(print_marks_derived_values)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(load_file(&cfg, VEC "minimal.conf"), 0);
    char *text = print_to_string(&cfg);
    ck_assert_ptr_nonnull(strstr(text, "  bandwidth_mhz = 10;\n  # derived: nof_prb = 52 "));
    ck_assert_ptr_nonnull(strstr(text, "  sample_rate = 0.0;\n  # derived: sample_rate = 11520000 (FFT size 768)\n"));
    ck_assert_ptr_null(strstr(text, "tdd"));  /* absent optional group stays absent */
    free(text);
    ck_assert_int_eq(load_file(&cfg, SHIPPED), 0);
    text = print_to_string(&cfg);
    ck_assert_ptr_null(strstr(text, "derived: sample_rate"));  /* given, not derived */
    free(text);
}
END_TEST

START_TEST(reference_lists_every_key)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    config_print_reference(out);
    fclose(out);
    size_t nkeys, lines = 0;
    config_keys(&nkeys);
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, nkeys);
    ck_assert_ptr_nonnull(strstr(text, "cell.pci                   integer 0..1007; required: "));
    ck_assert_ptr_nonnull(strstr(text, "log.phy                    one of none, error, warning, info, debug; "
                                       "default none, else log.level: "));
    free(text);
}
END_TEST

START_TEST(null_err_stream_is_allowed)
{
    struct gnbd_config cfg;
    ck_assert_int_eq(config_load_string(&cfg, "cell = { pci = 5000; };", "x", NULL), 5);
    ck_assert_int_eq(config_load_string(&cfg, "cell = {", "x", NULL), -1);
    ck_assert_int_eq(config_load_string(&cfg, NULL, "x", NULL), -1);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *valid = tcase_create("valid"), *errors = tcase_create("errors"), *cross = tcase_create("cross");
    TCase *tables = tcase_create("tables"), *print = tcase_create("print");
    TCase *all[] = {valid, errors, cross, tables, print};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        tcase_add_checked_fixture(all[i], setup, NULL);
        suite_add_tcase(s, all[i]);
    }
    tcase_add_test(valid, shipped_conf_is_the_reference_cell);
    tcase_add_test(valid, shipped_conf_documents_every_key);
    tcase_add_test(valid, defaults_applied);
    tcase_add_test(valid, every_key_stores_where_the_table_says);
    tcase_add_test(valid, log_levels_inherit_then_override);
    tcase_add_test(valid, crlf_and_byte_order_mark_accepted);
    tcase_add_test(valid, float_key_accepts_integer_literal);
    tcase_add_test(valid, wide_integers_keep_their_value);
    tcase_add_test(errors, error_out_of_range);
    tcase_add_test(errors, error_unknown_key_with_suggestion);
    tcase_add_test(errors, error_unknown_key_far_from_any);
    tcase_add_test(errors, error_wrong_type);
    tcase_add_test(errors, error_int_key_rejects_float);
    tcase_add_test(errors, error_missing_required_key);
    tcase_add_test(errors, error_value_not_in_list);
    tcase_add_test(errors, error_string_rule);
    tcase_add_test(errors, security_algorithm_lists);
    tcase_add_test(errors, error_mac_pcap_path);
    tcase_add_test(errors, error_syntax);
    tcase_add_test(errors, error_missing_file);
    tcase_add_test(errors, all_errors_reported);
    tcase_add_test(errors, nearest_key_suggestion);
    tcase_add_test(errors, null_err_stream_is_allowed);
    tcase_add_test(cross, mac_link_adaptation_keys);
    tcase_add_test(cross, cross_duplex_must_match_band);
    tcase_add_test(cross, cross_bandwidth_vs_scs_and_band);
    tcase_add_test(cross, cross_tdd_pattern);
    tcase_add_test(cross, cross_tdd_group_present_exactly_when_used);
    tcase_add_test(cross, cross_sample_rate_is_an_fft_size);
    tcase_add_test(cross, cross_srsue_compatible);
    tcase_add_test(cross, cross_srsue_pci_limit);
    tcase_add_test(cross, geometry_hook_is_called_and_counted);
    tcase_add_test(tables, nof_prb_table);
    tcase_add_test(tables, default_sample_rate_matches_srsue);
    tcase_add_test(tables, key_table_is_consistent);
    tcase_add_test(print, print_round_trips_shipped);
    tcase_add_test(print, print_round_trips_every_key);
    tcase_add_test(print, print_marks_derived_values);
    tcase_add_test(print, reference_lists_every_key);
    return s;
}

int main(void)
{
    return check_run(config_suite());
}
