/* gnbd configuration tables: every key and group of the file, the NR band list, N_RB per bandwidth and SCS.
 * Validation in gnb/config.c is driven entirely by the rows below: adding a key is adding a row. */
#include "gnb/config_table.h"
#include "phy/geometry/bands.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* N_RB per bandwidth and SCS (38.101-1 Table 5.3.2-1) and the band table (Table 5.2-1) live in the cell
 * geometry's band module, so that the config and the geometry can never disagree. */
int config_nof_prb(int bandwidth_mhz, int scs_khz)
{
    int n = band_nof_prb(bandwidth_mhz, scs_khz);
    return n > 0 ? n : 0;
}

int config_fft_size(int nof_prb) { return band_fft_size(nof_prb); }

double config_sample_rate(const struct gnbd_config *cfg)
{
    return cfg->radio.sample_rate > 0 ? cfg->radio.sample_rate : config_default_sample_rate(&cfg->cell);
}

double config_default_sample_rate(const struct cell_config *cell)
{
    int n = config_fft_size(config_nof_prb(cell->bandwidth_mhz, cell->scs_khz));
    return (double)n * cell->scs_khz * 1000.0;
}

/* ---- value rules that a range or a list cannot say ---- */

static bool all_digits(const char *s, size_t min_len, size_t max_len)
{
    size_t n = strlen(s);
    if (n < min_len || n > max_len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool check_ip_or_empty(const char *s)
{
    struct in6_addr a;
    return !s[0] || inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &a) == 1;
}

static bool check_ip(const char *s) { return s[0] && check_ip_or_empty(s); }

static bool check_mcc(const char *s) { return all_digits(s, 3, 3); }
static bool check_mnc(const char *s) { return all_digits(s, 2, 3); }

static bool check_endpoint(const char *s)
{
    return (strncmp(s, "tcp://", 6) == 0 || strncmp(s, "ipc://", 6) == 0) && s[6] != '\0';
}

/* A file gnbd can create: "" (none), or a path whose directory exists and is writable and that is not itself a
 * directory. The one check that looks at the file system; it runs when the configuration is loaded. */
static bool check_new_file(const char *s)
{
    if (!s[0]) return true;
    char dir[256];
    const char *slash = strrchr(s, '/');
    struct stat st;
    if (!slash) snprintf(dir, sizeof dir, ".");
    else snprintf(dir, sizeof dir, "%.*s", slash == s ? 1 : (int)(slash - s), s);
    if (slash && !slash[1]) return false;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) return false;
    return stat(s, &st) != 0 || S_ISREG(st.st_mode);
}

/* ---- the key table ---- */

static const char *const duplex_names[] = {"fdd", "tdd", NULL};
static const char *const mapping_names[] = {"per_layer", "compact", "single", NULL};
static const char *const level_names[] = {"none", "error", "warning", "info", "debug", NULL};
static const char *const ngap_transport_names[] = {"kernel", "udp", NULL}; /* enum sctp_link_transport */
static const char *const device_names[] = {"null", "zmq", "uhd", "soapy", "file", NULL};
static const char *const clock_names[] = {"internal", "external", "gpsdo", NULL};
static const char *const probe_pucch_names[] = {"none", "f0", "f1", "f2", NULL}; /* enum ul_probe_pucch */

/* The values cell.band accepts: exactly the bands of phy/geometry/bands.c (band_find), which carry the data. */
static const int known_bands[] = {1, 2, 3, 5, 7, 8, 12, 20, 25, 28, 66, 71, 34, 38, 39, 40, 41, 48, 77, 78, 79};
static const int scs_list[] = {15, 30};
static const int bw_list[] = {5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100};
static const int ssb_period_list[] = {5, 10, 20, 40, 80, 160};
static const int dmrs_pos_list[] = {2, 3};
static const double tdd_period_list[] = {0.5, 0.625, 1, 1.25, 2, 2.5, 5, 10}; /* 38.331 TDD-UL-DL-Pattern */

#define AT(field) .offset = offsetof(struct gnbd_config, field), .size = sizeof(((struct gnbd_config *)0)->field)
#define INT(p, f, lo, hi) .path = (p), .type = CONFIG_KEY_INT, AT(f), .min = (lo), .max = (hi)
#define FLOAT(p, f, lo, hi) .path = (p), .type = CONFIG_KEY_FLOAT, AT(f), .fmin = (lo), .fmax = (hi)
#define STRING(p, f) .path = (p), .type = CONFIG_KEY_STRING, AT(f)
#define ENUM(p, f, n) .path = (p), .type = CONFIG_KEY_ENUM, AT(f), .names = (n)
#define CHOICE(p, f, n) .path = (p), .type = CONFIG_KEY_CHOICE, AT(f), .names = (n)
#define INTS(p, f, l) .path = (p), .type = CONFIG_KEY_INT_LIST, AT(f), .ints = (l), .n_list = ARRAY_SIZE(l)
#define REQUIRED .required = true
#define DEF_I(v) .has_default = true, .def_int = (v)
#define DEF_F(v) .has_default = true, .def_float = (v)
#define DEF_S(v) .has_default = true, .def_str = (v)
#define CPU(p, i, what) {INT(p, threads.cpu[i], -1, 1023), DEF_I(-1), .help = "CPU for the " what " thread, -1 = any"}
#define LAYER(p, l, what) \
    {ENUM(p, log.level[l], level_names), .inherit = "log.level", .help = what " log level; absent = log.level"}

/* 33.501 5.11.1: the algorithm identities, index = identity; gnbd implements 0 and 2 (pdcp/pdcp_sec.h). */
static const char *const nia_names[] = {"nia0", "nia1", "nia2", "nia3", NULL};
static const char *const nea_names[] = {"nea0", "nea1", "nea2", "nea3", NULL};
static const char *const nia_unimpl[] = {"nia1", "nia3", NULL};
static const char *const nea_unimpl[] = {"nea1", "nea3", NULL};
static const struct config_name_list def_nia = {1, {2}}, def_nea = {2, {2, 0}};

static const struct config_key keys[] = {
    {STRING("gnb.name", gnb.name), DEF_S("gnbd"), .help = "name shown in status replies and logs"},

    {INT("cell.pci", cell.pci, 0, 1007), REQUIRED, .help = "physical cell identity (38.211 7.4.2.1)"},
    {INTS("cell.band", cell.band, known_bands), REQUIRED, .help = "NR operating band (38.101-1 Table 5.2-1)"},
    {INT("cell.dl_arfcn", cell.dl_arfcn, 0, 3279165), REQUIRED, .help = "NR-ARFCN of the DL carrier centre"},
    {INT("cell.ssb_arfcn", cell.ssb_arfcn, 0, 3279165), DEF_I(0),
     .help = "NR-ARFCN of the SSB centre (SS_REF), 0 = derive from the sync raster"},
    {INTS("cell.scs_khz", cell.scs_khz, scs_list), DEF_I(15), .help = "subcarrier spacing of the carrier, kHz"},
    {INTS("cell.bandwidth_mhz", cell.bandwidth_mhz, bw_list), DEF_I(10), .help = "channel bandwidth, MHz"},
    {ENUM("cell.duplex", cell.duplex, duplex_names), DEF_I(DUPLEX_FDD), .help = "duplex mode; must match the band"},
    {STRING("cell.mcc", cell.mcc), REQUIRED, .check = check_mcc, .check_allowed = "3 digits",
     .help = "mobile country code of the PLMN"},
    {STRING("cell.mnc", cell.mnc), REQUIRED, .check = check_mnc, .check_allowed = "2 or 3 digits",
     .help = "mobile network code of the PLMN"},
    {INT("cell.tac", cell.tac, 0, 16777215), DEF_I(1), .help = "tracking area code (24 bits)"},
    {.path = "cell.cell_id", .type = CONFIG_KEY_INT64, AT(cell.cell_id), .min = 0, .max = (1LL << 36) - 1,
     DEF_I(1), .help = "NR cell identity (36 bits)"},
    {INT("cell.coreset0_index", cell.coreset0_index, 0, 15), DEF_I(6),
     .help = "CORESET#0 row of 38.213 Tables 13-1..13-10 (MIB controlResourceSetZero)"},
    {INT("cell.searchspace0_index", cell.searchspace0_index, 0, 15), DEF_I(0),
     .help = "search space #0 row of 38.213 Table 13-11 (MIB searchSpaceZero)"},
    {INT("cell.prach_config_index", cell.prach_config_index, 0, 255), DEF_I(0),
     .help = "PRACH configuration index (38.211 Tables 6.3.3.2-2/3)"},
    {INTS("cell.ssb_periodicity_ms", cell.ssb_periodicity_ms, ssb_period_list), DEF_I(10),
     .help = "SSB period, ms"},
    {INTS("cell.dmrs_type_a_position", cell.dmrs_type_a_position, dmrs_pos_list), DEF_I(2),
     .help = "first DMRS symbol of mapping type A (MIB dmrs-TypeA-Position)"},
    {.path = "cell.srsue_compatible", .type = CONFIG_KEY_BOOL, AT(cell.srsue_compatible), DEF_I(1),
     .help = "reject settings srsUE cannot use"},
    {.path = "cell.tdd.period_ms", .type = CONFIG_KEY_FLOAT_LIST, AT(cell.tdd.period_ms), .floats = tdd_period_list,
     .n_list = ARRAY_SIZE(tdd_period_list), REQUIRED, .help = "dl-UL-TransmissionPeriodicity, ms"},
    {INT("cell.tdd.dl_slots", cell.tdd.dl_slots, 0, 320), REQUIRED, .help = "full DL slots at the period start"},
    {INT("cell.tdd.dl_symbols", cell.tdd.dl_symbols, 0, 13), DEF_I(0),
     .help = "DL symbols at the start of the slot after them"},
    {INT("cell.tdd.ul_slots", cell.tdd.ul_slots, 0, 320), REQUIRED, .help = "full UL slots at the period end"},
    {INT("cell.tdd.ul_symbols", cell.tdd.ul_symbols, 0, 13), DEF_I(0),
     .help = "UL symbols at the end of the slot before them"},

    {CHOICE("radio.device", radio.device, device_names), DEF_S("null"), .help = "radio backend"},
    {STRING("radio.args", radio.args), DEF_S(""),
     .help = "backend arguments, key=value,key=value (zmq: tx_port, rx_port; tx_port1, rx_port1 ... tx_port7, "
             "rx_port7: one more UE each)"},
    {FLOAT("radio.sample_rate", radio.sample_rate, 0, 250e6), DEF_F(0),
     .help = "sample rate in Hz, 0 = derive from bandwidth and SCS"},
    {FLOAT("radio.tx_gain_db", radio.tx_gain_db, -10, 100), DEF_F(0), .help = "TX gain, dB"},
    {FLOAT("radio.rx_gain_db", radio.rx_gain_db, -10, 100), DEF_F(0), .help = "RX gain, dB"},
    {INT("radio.tx_advance_slots", radio.tx_advance_slots, 1, 8), DEF_I(2),
     .help = "DL slot n+k is prepared while UL slot n is processed"},
    {CHOICE("radio.clock_source", radio.clock_source, clock_names), DEF_S("internal"), .help = "reference clock"},
    {CHOICE("radio.time_source", radio.time_source, clock_names), DEF_S("internal"), .help = "PPS source"},
    {FLOAT("radio.master_clock_rate", radio.master_clock_rate, 0, 250e6), DEF_F(0),
     .help = "device master clock in Hz, 0 = driver default"},
    {STRING("radio.tx_antenna", radio.tx_antenna), DEF_S(""), .help = "TX antenna port, \"\" = driver default"},
    {STRING("radio.rx_antenna", radio.rx_antenna), DEF_S(""), .help = "RX antenna port, \"\" = driver default"},
    {FLOAT("radio.dl_backoff_db", radio.dl_backoff_db, 0, 40), DEF_F(12),
     .help = "DL RMS level below full scale, dB"},

    {ENUM("log.level", log.default_level, level_names), DEF_I(LOG_LEVEL_INFO), .help = "level of every layer"},
    LAYER("log.radio", LOG_RADIO, "radio"), LAYER("log.phy", LOG_PHY, "PHY"), LAYER("log.mac", LOG_MAC, "MAC"),
    LAYER("log.rrc", LOG_RRC, "RRC"), LAYER("log.ctrl", LOG_CTRL, "control"), LAYER("log.gnb", LOG_GNB, "daemon"),
    LAYER("log.ngap", LOG_NGAP, "NGAP"),
    {STRING("log.file", log.file), DEF_S(""), .help = "also log to this file, \"\" = stderr only"},
    {STRING("log.mac_pcap", log.mac_pcap), DEF_S(""), .check = check_new_file,
     .check_allowed = "\"\" (off) or a file in an existing, writable directory",
     .help = "write every MAC PDU (RAR, Msg3, Msg4, SRB1, PUSCH) to this pcap file (Wireshark mac-nr framing), "
             "\"\" = none"},

    {STRING("control.endpoint", control.endpoint), DEF_S("tcp://127.0.0.1:5555"), .check = check_endpoint,
     .check_allowed = "tcp://host:port or ipc://path", .help = "ZeroMQ REP endpoint of the control socket"},

    {ENUM("threads.mapping", threads.mapping, mapping_names), DEF_I(THREADS_COMPACT),
     .help = "stages to threads: compact (one slot worker; radio RX and TX threads of their own for uhd, soapy, "
             "file), one per layer, or single"},
    {INT("threads.rt_priority", threads.rt_priority, 0, 99), DEF_I(0),
     .help = "SCHED_FIFO priority of slot-path threads, 0 = normal"},
    CPU("threads.cpu_radio_rx", 0, "radio RX"), CPU("threads.cpu_radio_tx", 1, "radio TX"),
    CPU("threads.cpu_phy_ul", 2, "PHY UL"), CPU("threads.cpu_phy_dl", 3, "PHY DL"), CPU("threads.cpu_mac", 4, "MAC"),
    CPU("threads.cpu_rrc", 5, "RRC"), CPU("threads.cpu_control", 6, "control"),

    {INT("rrc.max_ues", rrc.max_ues, 0, 1024), DEF_I(16),
     .help = "UEs the cell sets up; the next gets RRCReject"},
    {INT("rrc.reject_wait_time_s", rrc.reject_wait_time_s, 1, 16), DEF_I(10),
     .help = "waitTime of an RRCReject, s"},
    {INT("rrc.inactivity_timer_s", rrc.inactivity_timer_s, 0, 86400), DEF_I(10),
     .help = "RRCRelease to a connected UE after this long without an UL-DCCH message, s (with an AMF: a UE "
             "Context Release Request first, the RRCRelease on the AMF's command); 0 = never"},

    {.path = "mac.dl_256qam", .type = CONFIG_KEY_BOOL, AT(mac.dl_256qam), DEF_I(1),
     .help = "UE PDSCHs up to 256QAM (DCI 1_1 and 0_1 in RRCSetup's SS#2 either way, 38.214 Table 5.1.3.1-1 "
             "first); a UE whose UE-NR-Capability has pdsch-256QAM-FR1 gets PDSCH "
             "mcs-Table qam256 in the RRCReconfiguration of its first DRB and Table 5.1.3.1-2 once it confirmed "
             "(so only with a core network, which runs the UECapabilityEnquiry); false = Table 5.1.3.1-1 only"},
    {.path = "mac.dl_256qam_unclaimed", .type = CONFIG_KEY_BOOL, AT(mac.dl_256qam_unclaimed), DEF_I(0),
     .help = "with mac.dl_256qam: mcs-Table qam256 also for a UE whose UE-NR-Capability does not list "
             "pdsch-256QAM-FR1 (srsUE 23.x in SA lists none yet decodes 256QAM); a UE without the capability "
             "may fail every such PDSCH"},
    {INT("mac.dl_mcs_max", mac.dl_mcs_max, 0, 28), DEF_I(28),
     .help = "highest MCS of UE PDSCHs, a row of the table in use (38.214 Table 5.1.3.1-2 with mac.dl_256qam, "
             "whose last data row is 27: 28 means 27 there; Table 5.1.3.1-1 for DCI 1_0)"},
    {INT("mac.ul_mcs_max", mac.ul_mcs_max, 0, 28), DEF_I(28),
     .help = "highest MCS of UE PUSCHs (38.214 Table 5.1.3.1-1)"},
    {INT("mac.fixed_dl_mcs", mac.fixed_dl_mcs, -1, 28), DEF_I(-1),
     .help = "MCS of every UE PDSCH (a row of the table in use, as mac.dl_mcs_max), -1 = link adaptation "
             "(PUSCH SNR + HARQ-ACK outer loop)"},
    {INT("mac.fixed_ul_mcs", mac.fixed_ul_mcs, -1, 28), DEF_I(-1),
     .help = "MCS of every UE PUSCH, -1 = link adaptation (PUSCH SNR + CRC outer loop)"},
    {FLOAT("mac.target_bler", mac.target_bler, 0.01, 0.5), DEF_F(0.1),
     .help = "first-transmission BLER the link adaptation aims at"},

    {STRING("ngap.amf_addr", ngap.amf_addr), DEF_S(""), .check = check_ip_or_empty,
     .check_allowed = "\"\" (no core network) or an IPv4/IPv6 address",
     .help = "the AMF; \"\" = no core network (UEs stay on SRB1)"},
    {INT("ngap.amf_port", ngap.amf_port, 1, 65535), DEF_I(38412), .help = "the AMF's SCTP port"},
    {ENUM("ngap.transport", ngap.transport, ngap_transport_names), DEF_I(0),
     .help = "SCTP of the kernel, or SCTP over UDP (RFC 6951) for hosts without kernel SCTP"},
    {INT("ngap.udp_local_port", ngap.udp_local_port, 1, 65535), DEF_I(9900),
     .help = "transport udp: our UDP encapsulation port"},
    {INT("ngap.udp_remote_port", ngap.udp_remote_port, 1, 65535), DEF_I(9899),
     .help = "transport udp: the AMF's UDP encapsulation port"},
    {INT("ngap.gnb_id_bits", ngap.gnb_id_bits, 22, 32), DEF_I(22),
     .help = "gNB ID length: the leftmost bits of cell.cell_id"},
    {STRING("ngap.ran_node_name", ngap.ran_node_name), DEF_S("gnbd"), .help = "RANNodeName sent in NG Setup"},
    {INT("ngap.sst", ngap.sst, 0, 255), DEF_I(1), .help = "the slice offered: SST"},
    {INT("ngap.sd", ngap.sd, -1, 16777214), DEF_I(-1), .help = "the slice offered: SD, -1 = none"},
    {STRING("ngap.n3_addr", ngap.n3_addr), DEF_S("127.0.0.1"), .check = check_ip,
     .check_allowed = "an IPv4/IPv6 address", .help = "N3 (GTP-U): our address, bound and given to the UPF"},
    {INT("ngap.n3_port", ngap.n3_port, 1, 65535), DEF_I(2152), .help = "N3: our GTP-U UDP port"},
    {INT("ngap.upf_port", ngap.upf_port, 1, 65535), DEF_I(2152),
     .help = "N3: the UPF's GTP-U UDP port (29.281: 2152), for every tunnel"},
    {INT("ngap.n3_pool_buffers", ngap.n3_pool_buffers, 64, 1048576), DEF_I(4096),
     .help = "N3: user-plane packet buffers (2112 octets each: a 2048-octet IP packet and headroom), allocated at start"},
    {INT("ngap.n3_error_ind_rate", ngap.n3_error_ind_rate, 0, 1000000), DEF_I(100),
     .help = "N3: Error Indications for G-PDUs to unknown TEIDs, per second at most (bursts of rate/10); "
             "the rest are counted (up.error_ind_suppressed); 0 = no limit"},
    {INT("ngap.release_guard_s", ngap.release_guard_s, 1, 60), DEF_I(10),
     .help = "UE Context Release Request (38.413 8.3.2) -> the AMF's Command at the latest: without one the UE is "
             "released here (RRCRelease) and its context forgotten"},
    {.path = "security.integrity", .type = CONFIG_KEY_NAME_LIST, AT(security.integrity), .names = nia_names,
     .unimplemented = nia_unimpl, .has_default = true, .def_str = "[\"nia2\"]", .def_list = &def_nia,
     .help = "integrity algorithms in order of preference; the first the UE supports is used (nia0 = none: tests only)"},
    {.path = "security.ciphering", .type = CONFIG_KEY_NAME_LIST, AT(security.ciphering), .names = nea_names,
     .unimplemented = nea_unimpl, .has_default = true, .def_str = "[\"nea2\", \"nea0\"]", .def_list = &def_nea,
     .help = "ciphering algorithms in order of preference; the first the UE supports is used (nea0 = none)"},

    {.path = "test.msg4_con_res_fault", .type = CONFIG_KEY_BOOL, AT(test.msg4_con_res_fault), DEF_I(0),
     .help = "flip one bit of Msg4's UE Contention Resolution Identity (a UE must not complete the setup)"},
    {INT("test.ul_probe.rnti", test.ul_probe.rnti, 1, 65519), DEF_I(0x4601), .help = "C-RNTI of the probe UE"},
    {INT("test.ul_probe.period", test.ul_probe.period, 1, 10240), DEF_I(20), .help = "probe every N slots"},
    {INT("test.ul_probe.offset", test.ul_probe.offset, 0, 10239), DEF_I(8),
     .help = "probe slots: SFN x slots per frame + slot = offset mod period"},
    {INT("test.ul_probe.pusch_prb_start", test.ul_probe.pusch_prb_start, 0, 274), DEF_I(10),
     .help = "first PRB of the probe PUSCH"},
    {INT("test.ul_probe.pusch_nof_prb", test.ul_probe.pusch_nof_prb, 0, 275), DEF_I(10),
     .help = "PRBs of the probe PUSCH, 0 = no PUSCH"},
    {INT("test.ul_probe.pusch_mcs", test.ul_probe.pusch_mcs, 0, 28), DEF_I(9),
     .help = "MCS of the probe PUSCH (38.214 Table 5.1.3.1-1)"},
    {ENUM("test.ul_probe.pucch_format", test.ul_probe.pucch_format, probe_pucch_names), DEF_I(UL_PROBE_PUCCH_F1),
     .help = "PUCCH format of the probe"},
    {INT("test.ul_probe.pucch_prb", test.ul_probe.pucch_prb, -1, 274), DEF_I(-1),
     .help = "PRB of the probe PUCCH, -1 = the carrier's last"},
    {INT("test.ul_probe.pucch_bits", test.ul_probe.pucch_bits, 3, 11), DEF_I(4),
     .help = "UCI bits of a format 2 probe (Reed-Muller)"},
};

static const struct config_group groups[] = {
    {.path = "gnb", .help = "the daemon"},
    {.path = "cell", .help = "the NR cell"},
    {.path = "cell.tdd", .optional = true, .present_offset = offsetof(struct gnbd_config, cell.tdd.configured),
     .help = "TDD UL/DL pattern (38.331 TDD-UL-DL-Pattern), only with duplex = \"tdd\""},
    {.path = "radio", .help = "the radio device"},
    {.path = "log", .help = "logging"},
    {.path = "control", .help = "the control socket"},
    {.path = "threads", .help = "threads and CPU affinity"},
    {.path = "rrc", .help = "RRC connection establishment"},
    {.path = "security", .help = "AS security (SRB1 integrity and ciphering after the core's Initial Context Setup)"},
    {.path = "mac", .help = "UE scheduling: link adaptation"},
    {.path = "ngap", .optional = true, .present_offset = offsetof(struct gnbd_config, ngap.present),
     .help = "the NG interface to the AMF (5G core)"},
    {.path = "test", .optional = true, .present_offset = offsetof(struct gnbd_config, test.present),
     .help = "test modes, never in service"},
    {.path = "test.ul_probe", .optional = true, .present_offset = offsetof(struct gnbd_config, test.ul_probe.enabled),
     .help = "a fixed UL schedule (PUSCH + PUCCH) for a simulated UE, to test the UL receivers without random access"},
};

const struct config_key *config_keys(size_t *count)
{
    *count = ARRAY_SIZE(keys);
    return keys;
}

const struct config_group *config_groups(size_t *count)
{
    *count = ARRAY_SIZE(groups);
    return groups;
}

const struct config_key *config_key_find(const char *path)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (strcmp(keys[i].path, path) == 0)
            return &keys[i];
    return NULL;
}

const struct config_group *config_group_find(const char *path)
{
    for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
        if (strcmp(groups[i].path, path) == 0)
            return &groups[i];
    return NULL;
}

void config_key_group(const char *path, char *buf, size_t len)
{
    const char *dot = strrchr(path, '.');
    snprintf(buf, len, "%.*s", dot ? (int)(dot - path) : 0, path);
}

/* ---- how keys read in messages ---- */

/* Append to buf at *pos, never past len (snprintf truncates; *pos saturates). */
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    if (*pos >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
    va_end(ap);
    *pos = n < 0 ? len : *pos + (size_t)n;
}

bool config_name_unimplemented(const struct config_key *k, const char *name)
{
    for (int i = 0; k->unimplemented && k->unimplemented[i]; i++)
        if (strcmp(k->unimplemented[i], name) == 0)
            return true;
    return false;
}

void config_key_allowed(const struct config_key *k, char *buf, size_t len)
{
    size_t pos = 0;
    if (len == 0)
        return;
    buf[0] = '\0';
    switch (k->type) {
    case CONFIG_KEY_INT:
    case CONFIG_KEY_INT64: append(buf, len, &pos, "%lld..%lld", k->min, k->max); break;
    case CONFIG_KEY_FLOAT: append(buf, len, &pos, "%.10g..%.10g", k->fmin, k->fmax); break;
    case CONFIG_KEY_BOOL: append(buf, len, &pos, "true, false"); break;
    case CONFIG_KEY_STRING:
        if (k->check_allowed)
            append(buf, len, &pos, "%s", k->check_allowed);
        else
            append(buf, len, &pos, "a string of at most %zu characters", k->size - 1);
        break;
    case CONFIG_KEY_ENUM:
    case CONFIG_KEY_CHOICE:
        for (int i = 0; k->names[i]; i++)
            append(buf, len, &pos, "%s%s", i ? ", " : "", k->names[i]);
        break;
    case CONFIG_KEY_NAME_LIST:
        append(buf, len, &pos, "an array of");
        for (int i = 0, n = 0; k->names[i]; i++)
            if (!config_name_unimplemented(k, k->names[i]))
                append(buf, len, &pos, "%s%s", n++ ? ", " : " ", k->names[i]);
        break;
    case CONFIG_KEY_INT_LIST:
        for (int i = 0; i < k->n_list; i++)
            append(buf, len, &pos, "%s%d", i ? ", " : "", k->ints[i]);
        break;
    case CONFIG_KEY_FLOAT_LIST:
        for (int i = 0; i < k->n_list; i++)
            append(buf, len, &pos, "%s%g", i ? ", " : "", k->floats[i]);
        break;
    }
}

void config_key_default(const struct config_key *k, char *buf, size_t len)
{
    if (len == 0)
        return;
    buf[0] = '\0';
    if (!k->has_default)
        return;
    switch (k->type) {
    case CONFIG_KEY_INT:
    case CONFIG_KEY_INT64:
    case CONFIG_KEY_INT_LIST: snprintf(buf, len, "%lld", k->def_int); break;
    case CONFIG_KEY_FLOAT:
    case CONFIG_KEY_FLOAT_LIST: snprintf(buf, len, "%g", k->def_float); break;
    case CONFIG_KEY_BOOL: snprintf(buf, len, "%s", k->def_int ? "true" : "false"); break;
    case CONFIG_KEY_STRING:
    case CONFIG_KEY_CHOICE: snprintf(buf, len, "\"%s\"", k->def_str); break;
    case CONFIG_KEY_NAME_LIST: snprintf(buf, len, "%s", k->def_str); break;
    case CONFIG_KEY_ENUM: snprintf(buf, len, "\"%s\"", k->names[k->def_int]); break;
    }
}

/* ---- nearest valid key ---- */

#define SUGGEST_MAX_LEN 64

/* Edit distance with adjacent transpositions ("radoi" is one edit from "radio"), case-insensitive; both
 * strings shorter than SUGGEST_MAX_LEN. */
static int edit_distance(const char *a, const char *b)
{
    int rows[3][SUGGEST_MAX_LEN + 1];  /* rows i-2, i-1, i, used round robin */
    size_t la = strlen(a), lb = strlen(b);
    for (size_t j = 0; j <= lb; j++)
        rows[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int *cur = rows[i % 3], *prev = rows[(i - 1) % 3], *prev2 = rows[(i - 2 + 3) % 3];
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            char ca = (char)tolower((unsigned char)a[i - 1]), cb = (char)tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
    }
    return rows[la % 3][lb];
}

static const char *leaf(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* Score one candidate: 0 when only the group differs (a key put in the wrong group), 1 when one name is a
 * prefix of the other in the same group ("logging" for "log", "tx_gain" for "tx_gain_db"), else the edit
 * distance of the whole paths. */
static int suggest_score(const char *path, const char *candidate)
{
    const char *a = leaf(path), *b = leaf(candidate);
    size_t la = strlen(a), lb = strlen(b), shorter = la < lb ? la : lb;
    if (strcasecmp(a, b) == 0)
        return 0;
    if (a - path == b - candidate && strncasecmp(path, candidate, (size_t)(a - path)) == 0 && shorter >= 3 &&
        strncasecmp(a, b, shorter) == 0)
        return 1;
    if (strlen(candidate) >= SUGGEST_MAX_LEN)
        return SUGGEST_MAX_LEN;
    return edit_distance(path, candidate);
}

const char *config_suggest(const char *path, bool group)
{
    size_t len = strlen(path);
    if (len == 0 || len >= SUGGEST_MAX_LEN)
        return NULL;
    /* "Reasonably close": a quarter of the name may be wrong, at least one and at most four characters. */
    int limit = (int)(len / 4);
    limit = limit < 1 ? 1 : limit > 4 ? 4 : limit;
    const char *best = NULL;
    int best_score = limit + 1, best_dist = 0;
    size_t n = group ? ARRAY_SIZE(groups) : ARRAY_SIZE(keys);
    for (size_t i = 0; i < n; i++) {
        const char *cand = group ? groups[i].path : keys[i].path;
        int score = suggest_score(path, cand);
        if (score > best_score)
            continue;
        /* Ties go to the closer spelling: "bandwidth" is nearer "bandwidth_mhz" than "band". */
        int dist = strlen(cand) < SUGGEST_MAX_LEN ? edit_distance(path, cand) : SUGGEST_MAX_LEN;
        if (score < best_score || dist < best_dist) {
            best = cand;
            best_score = score;
            best_dist = dist;
        }
    }
    return best;
}

/* ---- cross-checks: values that depend on each other ---- */

static const struct config_geometry_hook *geometry_hook;  /* set once at start by the geometry adapter */

void config_set_geometry_hook(const struct config_geometry_hook *hook) { geometry_hook = hook; }
const struct config_geometry_hook *config_geometry_hook(void) { return geometry_hook; }

/* The channel bandwidths of the key table that have an N_RB at `scs_khz` and fit in `max_mhz`. */
static void bandwidths_allowed(int scs_khz, int max_mhz, char *buf, size_t len)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ARRAY_SIZE(bw_list); i++)
        if (config_nof_prb(bw_list[i], scs_khz) > 0 && bw_list[i] <= max_mhz)
            append(buf, len, &pos, "%s%d", pos ? ", " : "", bw_list[i]);
}

/* Duplex vs band (38.101-1 Table 5.2-1), bandwidth vs SCS (Table 5.3.2-1) and vs the band's width. */
static int check_carrier(const struct gnbd_config *cfg, FILE *err)
{
    const struct cell_config *c = &cfg->cell;
    const struct band_info *b = band_find(c->band);
    char allowed[128];
    int n = 0;
    if (!b)
        return 0;  /* the key check rejects bands that are not in the table */
    enum cell_duplex band_duplex = b->duplex == BAND_DUPLEX_TDD ? DUPLEX_TDD : DUPLEX_FDD;
    if (c->duplex != band_duplex) {
        config_report(err, cfg->path, 0, "cell.duplex", duplex_names[band_duplex],
                      "\"%s\" does not match band n%d, which is %s (38.101-1 Table 5.2-1)", duplex_names[c->duplex],
                      b->band, band_duplex == DUPLEX_FDD ? "FDD" : "TDD");
        n++;
    }
    int dl_low_mhz = b->dl_low_khz / 1000, dl_high_mhz = b->dl_high_khz / 1000;
    int span = dl_high_mhz - dl_low_mhz;
    if (config_nof_prb(c->bandwidth_mhz, c->scs_khz) == 0) {
        bandwidths_allowed(c->scs_khz, 1000, allowed, sizeof allowed);
        config_report(err, cfg->path, 0, "cell.bandwidth_mhz", allowed,
                      "%d MHz has no carrier at %d kHz SCS (38.101-1 Table 5.3.2-1)", c->bandwidth_mhz, c->scs_khz);
        n++;
    } else if (c->bandwidth_mhz > span) {
        bandwidths_allowed(c->scs_khz, span, allowed, sizeof allowed);
        config_report(err, cfg->path, 0, "cell.bandwidth_mhz", allowed,
                      "%d MHz is wider than band n%d (%d..%d MHz DL)", c->bandwidth_mhz, b->band, dl_low_mhz,
                      dl_high_mhz);
        n++;
    }
    return n;
}

/* The TDD pattern (38.331 TDD-UL-DL-Pattern, 38.213 11.1): present exactly when used, and it fits its period. */
static int check_tdd(const struct gnbd_config *cfg, FILE *err)
{
    const struct tdd_pattern_config *t = &cfg->cell.tdd;
    int scs = cfg->cell.scs_khz;
    char allowed[128];
    size_t pos = 0;
    if (cfg->cell.duplex == DUPLEX_FDD) {
        if (!t->configured)
            return 0;
        config_report(err, cfg->path, 0, "cell.tdd", NULL, "configured but not used: cell.duplex is \"fdd\"");
        return 1;
    }
    if (!t->configured) {
        config_report(err, cfg->path, 0, "cell.tdd", NULL, "missing group, required when cell.duplex is \"tdd\"");
        return 1;
    }
    double slots = t->period_ms * scs / 15.0;
    if (slots != floor(slots)) {
        allowed[0] = '\0';
        for (size_t i = 0; i < ARRAY_SIZE(tdd_period_list); i++) {
            double s = tdd_period_list[i] * scs / 15.0;
            if (s == floor(s))
                append(allowed, sizeof allowed, &pos, "%s%g", pos ? ", " : "", tdd_period_list[i]);
        }
        config_report(err, cfg->path, 0, "cell.tdd.period_ms", allowed,
                      "%g ms is not a whole number of slots at %d kHz SCS", t->period_ms, scs);
        return 1;
    }
    int n = 0, have = (int)slots, special = t->dl_symbols + t->ul_symbols > 0;
    if (t->dl_slots + t->ul_slots + special > have) {
        snprintf(allowed, sizeof allowed, "dl_slots + ul_slots + (1 if any symbols) <= %d", have);
        config_report(err, cfg->path, 0, "cell.tdd", allowed, "pattern needs %d slots, the %g ms period has %d",
                      t->dl_slots + t->ul_slots + special, t->period_ms, have);
        n++;
    }
    if (t->dl_symbols + t->ul_symbols > 14) {
        config_report(err, cfg->path, 0, "cell.tdd", "dl_symbols + ul_symbols <= 14",
                      "%d DL + %d UL symbols do not fit in one slot", t->dl_symbols, t->ul_symbols);
        n++;
    }
    if (t->dl_slots < 1) {
        config_report(err, cfg->path, 0, "cell.tdd.dl_slots", "1 or more",
                      "no full DL slot: slot 0 must carry the SSB and the SIB1 PDCCH");
        n++;
    }
    if (t->ul_slots < 1) {
        config_report(err, cfg->path, 0, "cell.tdd.ul_slots", "1 or more",
                      "no full UL slot: PRACH, PUCCH and PUSCH need one");
        n++;
    }
    return n;
}

/* An explicit sample rate must be SCS x an FFT size that holds the carrier, and a multiple of 128 so every
 * cyclic prefix is a whole number of samples (38.211 5.3.1). */
static int check_sample_rate(const struct gnbd_config *cfg, FILE *err)
{
    double rate = cfg->radio.sample_rate, scs_hz = cfg->cell.scs_khz * 1000.0;
    int nrb = config_nof_prb(cfg->cell.bandwidth_mhz, cfg->cell.scs_khz);
    int nmin = config_fft_size(nrb);
    if (rate == 0 || nmin == 0)
        return 0;
    double n = rate / scs_hz;
    if (fabs(n - round(n)) < 1e-6 && (long long)round(n) % 128 == 0 && round(n) >= nmin)
        return 0;
    char allowed[128];
    snprintf(allowed, sizeof allowed, "0 = derive, or a multiple of %.0f from %.0f", 128 * scs_hz, nmin * scs_hz);
    config_report(err, cfg->path, 0, "radio.sample_rate", allowed,
                  "%.10g Hz is not %d kHz times an FFT size (a multiple of 128) that holds %d PRB", rate,
                  cfg->cell.scs_khz, nrb);
    return 1;
}

/* What srsUE (srsRAN 4G, 5G SA) can use: docs/SRSUE.md §2.2 and §3.6. */
static int check_srsue(const struct gnbd_config *cfg, FILE *err, bool rate_valid)
{
    const struct cell_config *c = &cfg->cell;
    const char *off = "; or set cell.srsue_compatible = false";
    char allowed[160];
    int n = 0, nrb = config_nof_prb(c->bandwidth_mhz, c->scs_khz);
#define SRSUE_ERR(key, ok, ...) \
    do { snprintf(allowed, sizeof allowed, "%s%s", ok, off); \
         config_report(err, cfg->path, 0, key, allowed, __VA_ARGS__); n++; } while (0)
    if (c->scs_khz != 15)
        SRSUE_ERR("cell.scs_khz", "15", "srsUE supports 15 kHz SCS only");
    if (c->duplex != DUPLEX_FDD)
        SRSUE_ERR("cell.duplex", "fdd", "srsUE applies no TDD pattern in SA mode: FDD only");
    if (nrb > 106)
        SRSUE_ERR("cell.bandwidth_mhz", "5, 10, 15, 20", "srsUE supports at most 106 PRB, %d MHz is %d PRB",
                  c->bandwidth_mhz, nrb);
    if (c->prach_config_index > 15)
        SRSUE_ERR("cell.prach_config_index", "0..15", "srsUE generates PRACH format 0 only (FDD indices 0..15)");
    if (c->dmrs_type_a_position != 2)
        SRSUE_ERR("cell.dmrs_type_a_position", "2", "srsUE always uses position 2 for PUSCH");
    if (c->pci > 503)  /* srsUE's NR PRACH reuses the LTE generator, which refuses an LTE cell ID >= 504 */
        SRSUE_ERR("cell.pci", "0..503", "srsUE finds PCI %d but cannot send PRACH for it (LTE cell IDs end at 503)",
                  c->pci);
    double ue_rate = config_default_sample_rate(c), k = ue_rate > 0 ? cfg->radio.sample_rate / ue_rate : 0;
    if (rate_valid && cfg->radio.sample_rate != 0 && ue_rate > 0 && fabs(k - round(k)) > 1e-9) {
        char ok[64];
        snprintf(ok, sizeof ok, "0 = derive, or a multiple of %.0f", ue_rate);
        SRSUE_ERR("radio.sample_rate", ok, "srsUE runs %d PRB at %.0f Hz; ours must be a whole multiple of it",
                  nrb, ue_rate);
    }
#undef SRSUE_ERR
    return n;
}

/* A fixed MCS within its direction's bound. */
static int check_mac(const struct gnbd_config *cfg, FILE *err)
{
    const struct mac_cfg *m = &cfg->mac;
    int n = 0;
    char allowed[64];
    if (m->fixed_dl_mcs > m->dl_mcs_max) {
        snprintf(allowed, sizeof allowed, "-1, 0..%d (mac.dl_mcs_max)", m->dl_mcs_max);
        config_report(err, cfg->path, 0, "mac.fixed_dl_mcs", allowed, "above mac.dl_mcs_max");
        n++;
    }
    if (m->dl_256qam && m->fixed_dl_mcs == 28) { /* 38.214 Table 5.1.3.1-2: rows 28..31 are reserved */
        config_report(err, cfg->path, 0, "mac.fixed_dl_mcs", "-1, 0..27 (mac.dl_256qam)",
                      "row 28 of the 256QAM table is reserved");
        n++;
    }
    if (m->fixed_ul_mcs > m->ul_mcs_max) {
        snprintf(allowed, sizeof allowed, "-1, 0..%d (mac.ul_mcs_max)", m->ul_mcs_max);
        config_report(err, cfg->path, 0, "mac.fixed_ul_mcs", allowed, "above mac.ul_mcs_max");
        n++;
    }
    return n;
}

int config_cross_check(const struct gnbd_config *cfg, FILE *err)
{
    int carrier = check_carrier(cfg, err), rate = check_sample_rate(cfg, err);
    int n = carrier + rate + check_tdd(cfg, err) + check_mac(cfg, err);
    if (cfg->cell.srsue_compatible)
        n += check_srsue(cfg, err, rate == 0);
    /* The geometry needs a real band and carrier; with those wrong its errors would only repeat ours. */
    if (carrier == 0 && geometry_hook && geometry_hook->check)
        n += geometry_hook->check(cfg, err);
    return n;
}
