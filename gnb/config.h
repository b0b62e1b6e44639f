/* gnbd configuration: the validated, effective configuration of one daemon run.
 *
 * config_load() reads a libconfig file and checks it completely against a declarative key table
 * (gnb/config_table.c: path, type, range or allowed values, default, help): wrong type, out of range, unknown
 * key (with the nearest valid key suggested), missing required key. Each error names the file, line, key and the
 * allowed values. All errors are reported, not just the first. Cross-checks that need the cell geometry plug in
 * through config_cross_check() (the cell-geometry module adds raster/CORESET#0 checks there).
 * config_load() runs config_cross_check() once every key is individually valid.
 * Spec clauses: N_RB per bandwidth and SCS from 38.101-1 Table 5.3.2-1; bands and their duplex mode from
 * 38.101-1 Table 5.2-1; TDD pattern per 38.331 TDD-UL-DL-Pattern and 38.213 11.1.
 *
 * Threading: loaded once by the main thread before anything starts; read-only afterwards (SIGHUP re-reads the
 * file into a fresh struct and applies only the log levels).
 */
#ifndef GNBD_CONFIG_H
#define GNBD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gnb/log.h"
#include "mac/ul_probe.h"

#define EX_CONFIG_ERROR 78 /* sysexits.h EX_CONFIG: exit status for an invalid configuration */

enum cell_duplex { DUPLEX_FDD, DUPLEX_TDD };
enum thread_mapping { THREADS_PER_LAYER, THREADS_COMPACT, THREADS_SINGLE };

struct tdd_pattern_config {
    bool configured;   /* the cell.tdd group is present in the file */
    double period_ms;  /* dl-UL-TransmissionPeriodicity: 0.5, 0.625, 1, 1.25, 2, 2.5, 5, 10 */
    int dl_slots, dl_symbols, ul_slots, ul_symbols;
};

struct cell_config {
    int pci;                 /* 0..1007 */
    int band;                /* NR band number, e.g. 3, 78 */
    int dl_arfcn;            /* DL carrier centre NR-ARFCN */
    int ssb_arfcn;           /* SSB centre (SS_REF) NR-ARFCN; 0 = derive from the sync raster */
    int scs_khz;             /* 15 or 30 (common/carrier SCS) */
    int bandwidth_mhz;       /* channel bandwidth: 5,10,15,20,25,30,40,50,60,70,80,90,100 */
    enum cell_duplex duplex; /* "fdd" or "tdd"; must agree with the band */
    struct tdd_pattern_config tdd;
    char mcc[4], mnc[4];     /* PLMN: 3 digits, 2 or 3 digits */
    int tac;                 /* 0..16777215 */
    long long cell_id;       /* NR cell identity (36 bits): gNB id + cell */
    int coreset0_index;      /* 38.213 Tables 13-1..13-10 row, 0..15 */
    int searchspace0_index;  /* 38.213 Table 13-11 row, 0..15 */
    int prach_config_index;  /* 38.211 Table 6.3.3.2-2/3, 0..255 */
    int ssb_periodicity_ms;  /* 5,10,20,40,80,160 */
    int dmrs_type_a_position;/* 2 or 3 */
    bool srsue_compatible;   /* reject settings srsUE cannot use (docs/SRSUE.md §2.2) */
};

struct radio_config {
    char device[16];         /* "null", "zmq", "uhd", "soapy", "file" */
    char args[512];          /* backend arguments, srsRAN device_args syntax: key=value,key=value */
    double sample_rate;      /* Hz; 0 = derive from bandwidth and SCS */
    double tx_gain_db, rx_gain_db;
    int tx_advance_slots;    /* k: DL slot n+k is prepared while UL slot n is processed (1..8) */
    char clock_source[16];   /* "internal", "external", "gpsdo" (uhd/soapy) */
    char time_source[16];
    double master_clock_rate;/* Hz, 0 = driver default */
    char tx_antenna[32], rx_antenna[32];
    double dl_backoff_db;    /* DL RMS level below full scale, dB */
};

struct log_config {
    enum log_level default_level;        /* log.level: for every layer without its own key */
    enum log_level level[LOG_LAYER_COUNT];
    char file[256];          /* "" = stderr only */
    char mac_pcap[256];      /* MAC-NR pcap of every MAC PDU, "" = none (gnb/mac_tap.h) */
};

struct control_config {
    char endpoint[256];      /* tcp://host:port or ipc://path */
};

struct threads_config {
    enum thread_mapping mapping;
    int cpu[8];              /* per stage affinity, -1 = any; indexed by enum stage (gnb/pipeline.h) */
    int rt_priority;         /* SCHED_FIFO priority for slot-path threads, 0 = normal scheduling */
};

/* RRC (group "rrc"). */
/* A list of names from a key's table (CONFIG_KEY_NAME_LIST), stored as their indices in file order. */
#define CONFIG_NAME_LIST_MAX 4
struct config_name_list {
    int n;
    int v[CONFIG_NAME_LIST_MAX];
};

/* AS security (group "security"): algorithm preference lists, indices = algorithm identities (nia0..3/nea0..3). */
struct security_cfg {
    struct config_name_list integrity;  /* default ["nia2"] */
    struct config_name_list ciphering;  /* default ["nea2", "nea0"] */
};

struct rrc_cfg {
    int max_ues;             /* RRCReject beyond this many connected UEs */
    int reject_wait_time_s;  /* waitTime of that RRCReject */
    int inactivity_timer_s;  /* RRCRelease after this long without UL-DCCH, 0 = never */
};

/* Link adaptation of UE PDSCHs and PUSCHs (group "mac"; mac/link_adapt.h). */
struct mac_cfg {
    bool dl_256qam;              /* DCI 1_1; PDSCH mcs-Table qam256 (38.214 Table 5.1.3.1-2) for UEs that support it */
    bool dl_256qam_unclaimed;    /* ... and for UEs whose UE-NR-Capability does not say pdsch-256QAM-FR1 */
    int dl_mcs_max, ul_mcs_max;  /* highest MCS row of the DL table in use / of Table 5.1.3.1-1 */
    int fixed_dl_mcs, fixed_ul_mcs; /* -1: adaptive */
    double target_bler;          /* first-transmission BLER the outer loop aims at */
};

/* The NG interface to the AMF (group "ngap"). amf_addr "" = no core network: the cell sets UEs up on SRB1 alone. */
struct ngap_cfg {
    bool present;            /* the group is in the file */
    char amf_addr[64];       /* IPv4/IPv6 literal */
    int amf_port;            /* 38412 (38.412 7) */
    int transport;           /* enum sctp_link_transport: kernel SCTP or SCTP over UDP (RFC 6951) */
    int udp_local_port, udp_remote_port; /* RFC 6951 encapsulation ports (transport udp) */
    int gnb_id_bits;         /* gNB ID length (22..32): the leftmost bits of cell.cell_id are the gNB ID */
    char ran_node_name[64];  /* RANNodeName in NGSetupRequest */
    int sst;                 /* the one S-NSSAI offered: SST */
    int sd;                  /* and SD, -1 = none */
    char n3_addr[64];        /* N3 (GTP-U): our address, bound and given to the UPF */
    int n3_port;             /* our GTP-U UDP port (29.281: 2152) */
    int upf_port;            /* the UPF's GTP-U UDP port (2152; tests use others) */
    int n3_pool_buffers;     /* user-plane packet buffers (gnb/pkt_pool.h) */
    int n3_error_ind_rate;   /* GTP-U Error Indications for unknown TEIDs per second at most (0: no limit) */
    int release_guard_s;     /* UE Context Release Request -> the AMF's Command at the latest (38.413 8.3.2) */
};

/* Test modes (group "test", absent in service). */
struct test_config {
    bool present;
    struct ul_probe_config ul_probe;   /* test.ul_probe: a fixed UL schedule for a simulated UE (mac/ul_probe.h) */
    bool msg4_con_res_fault;           /* test.msg4_con_res_fault: Msg4's contention resolution identity corrupted */
};

struct gnb_config {
    char name[64];           /* gnb.name: shown in status and logs */
};

struct gnbd_config {
    char path[256];          /* the file it came from */
    struct gnb_config gnb;
    struct cell_config cell;
    struct radio_config radio;
    struct log_config log;
    struct control_config control;
    struct threads_config threads;
    struct rrc_cfg rrc;
    struct mac_cfg mac;
    struct ngap_cfg ngap;
    struct security_cfg security;
    struct test_config test;
};

/* Load and validate `path` into `cfg`. Every error goes to `err` (one per line, "file:line: key: message").
 * Returns 0 when valid, or the number of errors (>0), or -1 when the file cannot be read/parsed at all. */
int config_load(struct gnbd_config *cfg, const char *path, FILE *err);

/* Same, from a string (fuzzing and tests); `name` stands for the file name in messages. */
int config_load_string(struct gnbd_config *cfg, const char *text, const char *name, FILE *err);

/* Print the effective configuration (every key, defaults filled in, derived values marked) in libconfig
 * syntax, so the output is itself a valid config file. */
void config_print(const struct gnbd_config *cfg, FILE *out);

/* Cross-checks over the whole config (values that depend on each other). Returns the number of errors. */
int config_cross_check(const struct gnbd_config *cfg, FILE *err);

/* A hook the cell-geometry module sets: extra cross-checks and derived-value printing. May be NULL.
 * print_derived writes libconfig comments only ("# ..." lines), so config_print() output still loads. */
struct config_geometry_hook {
    int (*check)(const struct gnbd_config *cfg, FILE *err);
    void (*print_derived)(const struct gnbd_config *cfg, FILE *out);
};
void config_set_geometry_hook(const struct config_geometry_hook *hook);

/* Write one error line "<file>[:<line>]: <key>: <message>[ (allowed: <allowed>)]" to err (NULL: nothing);
 * line <= 0 omits ":<line>", allowed NULL omits the parenthesis. For cross-checks (geometry hook included). */
void config_report(FILE *err, const char *file, int line, const char *key, const char *allowed, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* N_RB of a carrier (38.101-1 Table 5.3.2-1, FR1, SCS 15/30/60 kHz); 0 when the pair does not exist. */
int config_nof_prb(int bandwidth_mhz, int scs_khz);

/* FFT size used for a carrier of nof_prb PRBs (band_fft_size() of phy/geometry/bands.h); 0 if none fits. */
int config_fft_size(int nof_prb);

/* Sample rate derived from the cell: config_fft_size(N_RB) * SCS (e.g. 52 PRB at 15 kHz -> 11.52e6 Hz);
 * 0 when bandwidth/SCS is invalid. */
double config_default_sample_rate(const struct cell_config *cell);
/* The sample rate the daemon runs at: radio.sample_rate, or the derived one when that is 0. */
double config_sample_rate(const struct gnbd_config *cfg);

/* Every key with its type, allowed values, default and help text, one per line (gnbd --help-config). */
void config_print_reference(FILE *out);

/* The cell geometry (phy/geometry/cell_geometry.h) derived from a validated config: carrier frequencies,
 * pointA, SSB position, CORESET#0. Returns 0, or -1 when the cell cannot be derived (config_load reports why). */
struct cell_geometry;
int config_cell_geometry(const struct gnbd_config *cfg, struct cell_geometry *g);

#endif
