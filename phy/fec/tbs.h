/* Transport block size determination and the PDSCH MCS tables.
 *
 * Implements 38.214 5.1.3.1 (Tables 5.1.3.1-1 "64QAM", 5.1.3.1-2 "256QAM" and 5.1.3.1-3 "qam64LowSE": modulation
 * order Q_m and target code rate R x 1024 per MCS index) and 5.1.3.2 (N_RE from the allocation, N_info with the
 * DCI 1_0 TB scaling factor, quantisation, Table 5.1.3.2-1 for N_info <= 3824 and the formula with code block
 * count for larger N_info). The same rules give the PUSCH TBS without transform precoding (38.214 6.1.4.2).
 *
 * Threading: constant tables and pure functions; safe from any thread.
 */
#ifndef GNBD_PHY_FEC_TBS_H
#define GNBD_PHY_FEC_TBS_H

#include <stdbool.h>

/* Which MCS table (38.214 5.1.3.1; mcs-Table in PDSCH-Config). */
enum tbs_mcs_table {
    TBS_MCS_TABLE_64QAM,     /* Table 5.1.3.1-1 (the default, and DCI 1_0) */
    TBS_MCS_TABLE_256QAM,    /* Table 5.1.3.1-2 */
    TBS_MCS_TABLE_64QAM_LOW, /* Table 5.1.3.1-3, qam64LowSE */
};

/* One MCS table row. Reserved rows (the top 3 or 4 indices, for retransmissions) give Q_m only. */
struct tbs_mcs {
    int qm;         /* modulation order */
    double r_x1024; /* target code rate R x 1024 (e.g. 682.5); 0 for a reserved row */
    bool reserved;
};

/* Row mcs (0..31) of table t. 0, or -EINVAL for a bad table or index. */
int tbs_mcs_lookup(enum tbs_mcs_table t, int mcs, struct tbs_mcs *out);

/* What the TBS depends on (38.214 5.1.3.2 names). */
struct tbs_cfg {
    int n_prb;            /* n_PRB: allocated PRBs */
    int n_symb_sh;        /* N_symb^sh: PDSCH symbols in the slot */
    int n_dmrs_prb;       /* N_DMRS^PRB: DM-RS REs per PRB incl. CDM groups without data */
    int n_oh_prb;         /* N_oh^PRB: xOverhead (0, 6, 12 or 18) */
    int layers;           /* v */
    int qm;               /* Q_m */
    double r_x1024;       /* R x 1024 */
    int tb_scaling;       /* DCI 1_0 "TB scaling" field 0..2 (P-RNTI, RA-RNTI): S = 1, 0.5, 0.25 */
};

/* 38.214 5.1.3.2 step 1: N_RE = min(156, 12 N_symb^sh - N_DMRS^PRB - N_oh^PRB) n_PRB; -EINVAL for bad input. */
int tbs_n_re(const struct tbs_cfg *cfg);

/* 38.214 5.1.3.2: the TBS in bits (> 0), or -EINVAL for bad input (including an allocation with no data RE). */
int tbs_compute(const struct tbs_cfg *cfg);

/* 38.214 Table 5.1.3.2-1: the TBS values for N_info <= 3824. */
#define TBS_TABLE_SIZE 93
extern const short tbs_table_small[TBS_TABLE_SIZE];

#endif
