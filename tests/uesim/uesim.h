/* uesim: a UE simulator for gnbd's integration tests. It speaks srsUE's ZeroMQ sample protocol (through the
 * project's own "zmq" radio backend, in srsUE's roles: bind TX, connect RX), runs lock-step (UL sample k is sent
 * only after DL sample k arrived; the UL is zeros), and knows only what srsUE's config tells srsUE: DL and SSB
 * NR-ARFCNs, N_RB, sample rate, SCS (docs/SRSUE.md §2.1, §2.4), and the band. PCI, timing, SFN and the
 * MIB are found blind (ue_sync.h), then SIB1 from what the MIB says (sib1_rx.h); both are printed as milestone
 * lines on stdout. 15 kHz carriers with Case A SSBs (what srsUE supports) and 30 kHz ones with Case B or C SSBs
 * (the pattern from the band, 38.101-1 Table 5.4.3.3-1, or given).
 *
 * This header: the command line (uesim_args.c) and the SIB1 fields and expectations (uesim_sib1.c).
 * Threading: single-threaded program.
 */
#ifndef GNBD_UESIM_UESIM_H
#define GNBD_UESIM_UESIM_H

#include <stdbool.h>
#include <stdint.h>

#include "rrc/mib.h"
#include "rrc/msg/bcch_dl_sch.h"
#include "tests/uesim/ul_probe_tx.h"

#define UESIM_EXIT_OK 0
#define UESIM_EXIT_FAIL 1
#define UESIM_EXIT_USAGE 2

/* MIB fields the run must see (--expect-mib k=v,...); a field is checked when its flag is set. */
struct uesim_expect_mib {
    bool has_scs, has_k_ssb, has_dmrs, has_coreset0, has_ss0, has_barred, has_intra;
    int scs_khz, k_ssb, dmrs_type_a_position, coreset0, ss0;
    bool barred, intra_allowed;
};

/* One SIB1 field as printed: "name=value". */
struct uesim_field {
    const char *name;
    char value[32];
};

#define UESIM_SIB1_MAX_FIELDS 24

/* SIB1 fields the run must see (--expect-sib1 k=v,...), compared as printed. */
struct uesim_expect_sib1 {
    int n;
    struct uesim_field f[UESIM_SIB1_MAX_FIELDS];
};

#define UESIM_MAX_UES 64

struct uesim_options {
    int dl_arfcn, ssb_arfcn, nof_prb, scs_khz;
    double srate;
    const char *tx, *rx;            /* our UL (bind) and gnbd's DL (connect) endpoints */
    double seconds;                 /* stream time to run (sample count); 0 = use max_slots */
    long max_slots;
    int ssb_period_ms;
    float max_phase_step;           /* rad; 0 = ue_sync's default */
    double timeout_s;               /* wall-clock seconds without DL before giving up */
    int expect_pci;                 /* -1: none */
    bool has_expect_mib;
    struct uesim_expect_mib expect_mib;
    bool json, verbose;
    int band;                       /* srsUE's [rat.nr] bands: SSB pattern and CORESET#0 tables (default 3) */
    int ssb_pattern;                /* enum ssb_pattern given by --ssb-pattern, -1: from the band */
    bool sib1;                      /* the run needs SIB1 (--sib1, or implied by --expect-sib1) */
    bool has_expect_sib1;
    struct uesim_expect_sib1 expect_sib1;
    /* random access (prach_tx.h): --prach N preambles after SIB1 */
    int prach_count;
    int prach_preamble;             /* -1: random over totalNumberOfRA-Preambles */
    int prach_delay;                /* samples; -1: ul_delay */
    /* the UL probe (ul_probe_tx.h): --ul-probe SPEC after SIB1, --ul-probe-count N slots at least */
    bool ul_probe;
    struct ul_probe_params probe;
    int ul_probe_count;
    int ul_delay;                   /* samples, every UL transmission (PRACH: unless --prach-delay) */
    double ul_snr_db;               /* NAN: no UL noise; else per unit-energy RE (ul_tx.h) */
    double ul_cfo_hz;
    unsigned seed;
    /* random access and RRC setup (ue_attach.h): --attach N UEs one after another */
    int attach_count;
    const char *expect_attach;      /* "ok,reject,...": per UE, the last repeated (NULL: all ok) */
    int nas_bytes;                  /* dedicatedNAS-Message of RRCSetupComplete */
    bool echo_dl_nas;               /* --echo-dl-nas */
    bool echo_dl_data;              /* --echo-dl-data */
    bool has_kgnb;                  /* --kgnb */
    uint8_t kgnb[32];
    int until_release_s;            /* --until-release S: each attached UE waits S s for RRCRelease (0: no) */
    bool concurrent;                /* --concurrent: the N UEs at once */
    bool same_preamble;             /* --same-preamble: every UE's first preamble has one index */
    /* the per-UE lists: entries given (the UEs after them take the default) and values */
    int n_ue_delay, n_ue_gain, n_drop_msg3, n_drop_pusch, n_nack_pdsch, n_ue_256qam;
    double ue_delay[UESIM_MAX_UES];  /* --ue-delay d1,d2,...: samples (default --ul-delay) */
    double ue_gain_db[UESIM_MAX_UES];   /* --ue-gain-db g1,...: dB on all a UE sends (default 0) */
    double drop_msg3[UESIM_MAX_UES];    /* --drop-msg3 n1,...: Msg3 transmissions left out (default 0) */
    double drop_pusch[UESIM_MAX_UES];   /* --drop-pusch n1,...: C-RNTI PUSCH transmissions left out (0) */
    double nack_pdsch[UESIM_MAX_UES];   /* --nack-pdsch n1,...: decoded C-RNTI PDSCHs answered NACK (0) */
    double ue_256qam[UESIM_MAX_UES];    /* --ue-256qam b1,...: 1 its UE-NR-Capability has pdsch-256QAM-FR1 (1) */
    /* each UE's channel (tests/uesim/channel.h) and start */
    int n_ue_cfo, n_ue_snr, n_ue_start, n_ue_fading;
    double ue_cfo[UESIM_MAX_UES];       /* --ue-cfo f1,...: Hz, its UL frequency offset (0) */
    double ue_snr[UESIM_MAX_UES];       /* --ue-snr s1,...: dB per unit-energy RE, UL and DL (none) */
    double ue_start_ms[UESIM_MAX_UES];  /* --ue-start t1,...: ms after the first SIB1 (0) */
    bool ue_fading[UESIM_MAX_UES];      /* --ue-fading tdla|none,...: 38.901 TDL-A (--fading) */
    bool fading;                        /* --fading tdla|none: the UEs past the --ue-fading list */
    double start_spread_ms;             /* --start-spread MS: UE i of N starts at i x MS / N (0) */
    double fading_ds_ns;                /* --fading-ds NS: TDL delay spread (100) */
    double fading_doppler_hz;           /* --fading-doppler HZ: maximum Doppler (5) */
};

/* "v1,v2,..." (1..UESIM_MAX_UES numbers in [lo, hi]; whole numbers when integer) into out. Returns the count or
 * -EINVAL. */
int uesim_parse_list(const char *text, double lo, double hi, bool integer, double *out);

/* Parses argv into o. Returns 0, 1 after printing the usage for --help, or -EINVAL after printing the problem
 * and the usage to stderr. */
int uesim_parse_args(int argc, char **argv, struct uesim_options *o);

/* A whole decimal integer in [lo, hi] into *out. Returns 0 or -EINVAL. */
int uesim_parse_int(const char *s, long lo, long hi, long *out);

/* Calls fn for each pair of "k=v,k=v" (at most 511 characters). Returns 0, or -EINVAL for an item without '='
 * or when fn refuses one. */
int uesim_parse_pairs(const char *text, int (*fn)(void *ctx, const char *key, const char *val), void *ctx);

/* The UL probe's defaults: gnbd's test.ul_probe defaults (rnti 17921, period 20, offset 8, PUSCH PRB 10+10 MCS 9,
 * PUCCH F1 on the last PRB, 4 bits for F2). */
void uesim_ul_probe_defaults(struct ul_probe_params *p);

/* --ul-probe: "k=v,..." over the defaults (keys rnti, period, offset, pusch_prb, pusch_nprb, mcs, pucch =
 * f0|f1|f2|none, pucch_prb, pucch_bits; "default" or "" alone: the defaults). Returns 0 or -EINVAL (unknown key,
 * bad value, offset >= period, nothing to send). */
int uesim_parse_ul_probe(const char *text, struct ul_probe_params *p);

/* Parses "k=v,k=v" (keys scs, k_ssb, dmrs_typeA, coreset0, ss0, barred, intra_freq). Returns 0 or -EINVAL. */
int uesim_parse_expect_mib(const char *text, struct uesim_expect_mib *e);

/* Whether m has every expected field; on a mismatch writes which one into why. */
bool uesim_mib_matches(const struct uesim_expect_mib *e, const struct mib *m, int k_ssb, char *why, int len);

void uesim_usage(void);

/* The fields of a decoded SIB1 as uesim prints them (PLMN, TAC, cell identity, carrier, CORESET#0, RACH, TDD ...),
 * in a fixed order. Returns their count (<= max). */
int uesim_sib1_fields(const struct rrc_sib1 *s, struct uesim_field *f, int max);

/* Parses "k=v,k=v" over the names uesim_sib1_fields() gives. Returns 0 or -EINVAL (unknown name, no '='). */
int uesim_parse_expect_sib1(const char *text, struct uesim_expect_sib1 *e);

/* Whether s has every expected field; on a mismatch writes which one into why. */
bool uesim_sib1_matches(const struct uesim_expect_sib1 *e, const struct rrc_sib1 *s, char *why, int len);

#endif
