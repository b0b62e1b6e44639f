/* gnbd configuration: the validated, effective configuration of one daemon run.
 *
 * config_load() reads a libconfig file and checks it completely against a declarative key table
 * (gnb/config_table.c: path, type, range or allowed values, default, help): wrong type, out of range, unknown
 * key (with the nearest valid key suggested), missing required key. Each error names the file, line, key and the
 * allowed values. All errors are reported, not just the first. Cross-checks that need the cell geometry plug in
 * through config_cross_check() (the cell-geometry module adds raster/CORESET#0 checks there).
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

#define EX_CONFIG_ERROR 78 /* sysexits.h EX_CONFIG: exit status for an invalid configuration */

enum cell_duplex { DUPLEX_FDD, DUPLEX_TDD };
enum thread_mapping { THREADS_PER_LAYER, THREADS_COMPACT, THREADS_SINGLE };

struct tdd_pattern_config {
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
    bool srsue_compatible;   /* reject settings srsUE cannot use (see ../shared/interop/SRSUE.md) */
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
    enum log_level level[LOG_LAYER_COUNT];
    char file[256];          /* "" = stderr only */
};

struct control_config {
    char endpoint[256];      /* tcp://host:port or ipc://path */
};

struct threads_config {
    enum thread_mapping mapping;
    int cpu[8];              /* per stage affinity, -1 = any; indexed by enum stage (gnb/pipeline.h) */
    int rt_priority;         /* SCHED_FIFO priority for slot-path threads, 0 = normal scheduling */
};

struct gnbd_config {
    char path[256];          /* the file it came from */
    struct cell_config cell;
    struct radio_config radio;
    struct log_config log;
    struct control_config control;
    struct threads_config threads;
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

/* A hook the cell-geometry module sets: extra cross-checks and derived-value printing. May be NULL. */
struct config_geometry_hook {
    int (*check)(const struct gnbd_config *cfg, FILE *err);
    void (*print_derived)(const struct gnbd_config *cfg, FILE *out);
};
void config_set_geometry_hook(const struct config_geometry_hook *hook);

#endif
