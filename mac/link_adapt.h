/* Link adaptation: the MCS of a UE's PDSCH and PUSCH from what the cell measures of its link.
 *
 * Inputs per UE (events; the module reads no clock and keeps no history beyond the state below):
 *   - the SNR of its decoded PUSCHs (phy/ch/pusch.h: mean |h|^2 / noise variance of the DM-RS channel estimate,
 *     per unit-energy RE), filtered: the first measurement sets it, each later one moves it by 1/4 of the
 *     difference; non-finite values are ignored and the rest clamped to -10 .. 50 dB;
 *   - the HARQ outcome of its first transmissions: DL HARQ-ACK (ACK, or NACK / DTX / never received) and UL CRC.
 * gnbd configures no CSI-RS and no CSI reporting (no CSI-MeasConfig in the UE's ServingCellConfig), so the DL has
 * no CQI: its estimate is the UL SNR (the same path, under reciprocity; ZeroMQ and simulator links are symmetric)
 * and the HARQ statistics correct it.
 *
 * Estimate per direction: snr_eff = snr + offset, where snr is the filtered PUSCH SNR (before any measurement:
 * snr_eff = the required SNR of the direction's start MCS + what the offset moved since its start) and offset is the outer loop (OLLA, the usual BLER-targeting loop):
 * a failed first transmission lowers it by step_db, a successful one raises it by step_db x t / (1 - t), so that
 * it settles where the first-transmission BLER is t (target_bler; 10 % -> +step/9 per ACK). It starts at 0 for the
 * UL (measured on the UL itself) and at dl_start_offset_db (below 0: conservative) for the DL, and is held within
 * [offset_min_db, offset_max_db].
 * MCS: the highest row of the MCS table (38.214 5.1.3.1: Table 5.1.3.1-1 qam64 or 5.1.3.1-2 qam256; the PUSCH
 * without transform precoding uses the same tables, 38.214 6.1.4.1) whose required SNR is at most snr_eff, within
 * 0 .. mcs_max; fixed_dl_mcs / fixed_ul_mcs >= 0 replace the loop (the statistics are still kept).
 * Required SNR of a row (AWGN, about 10 % BLER): the Shannon bound with a 0.75 bandwidth-efficiency factor,
 *     snr_req = 10 log10(2^(Q_m R / 0.75) - 1) dB
 * (-6.2 dB for MCS 0, 22.3 dB for MCS 28 of Table 5.1.3.1-1); the outer loop absorbs the receiver's real margin.
 *
 * Threading: plain data; struct link_adapt is read-only after link_adapt_init, each UE's state belongs to the
 * thread that schedules it (the MAC stage). Nothing allocates.
 */
#ifndef GNBD_MAC_LINK_ADAPT_H
#define GNBD_MAC_LINK_ADAPT_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/fec/tbs.h"

#define LINK_ADAPT_ROWS 32               /* MCS indices of a table (the top ones reserved) */
#define LINK_ADAPT_SNR_MIN_DB (-10.0f)
#define LINK_ADAPT_SNR_MAX_DB 50.0f

struct link_adapt_config {
    enum tbs_mcs_table dl_table;         /* TBS_MCS_TABLE_64QAM or _256QAM: the table dl_mcs_start and the bounds
                                          * are rows of, and each UE's at reset (link_adapt_ue.dl_table) */
    int dl_mcs_max, ul_mcs_max;          /* upper bounds: 0..28 (qam64), 0..27 (qam256); the UL uses qam64 */
    int fixed_dl_mcs, fixed_ul_mcs;      /* -1: adaptive; else this MCS always (<= the table's last data row) */
    int dl_mcs_start, ul_mcs_start;      /* before the first PUSCH SNR (the prior is this row's required SNR) */
    float target_bler;                   /* first-transmission BLER the loop aims at, 0.01 .. 0.5 */
    float step_db;                       /* offset decrease on a failed first transmission, > 0 */
    float dl_start_offset_db;            /* the DL offset before any HARQ-ACK */
    float offset_min_db, offset_max_db;  /* bounds of both offsets */
};

/* Per cell: the configuration and the required SNR of every row of both tables. */
struct link_adapt {
    struct link_adapt_config cfg;
    float up_db;                         /* step_db t / (1 - t) */
    float snr_req[2][LINK_ADAPT_ROWS];   /* [0] Table 5.1.3.1-1, [1] 5.1.3.1-2; reserved rows +inf */
};

/* One direction of one UE. */
struct link_adapt_dir {
    float offset_db;
    uint64_t ok, ko;                     /* first-transmission outcomes */
    int last_mcs;                        /* the last MCS chosen, -1 none (for the UE table) */
};

struct link_adapt_ue {
    enum tbs_mcs_table dl_table;         /* the UE's PDSCH table (mcs-Table, DCI 1_1): the rows DL MCSs are of */
    bool snr_valid;
    float snr_db;                        /* filtered PUSCH SNR */
    struct link_adapt_dir dl, ul;
};

/* gnbd's defaults: qam64, bounds 28/28, adaptive, start MCS 2 (DL) / 4 (UL), 10 %, 1 dB, DL start -3 dB, offsets
 * -20 .. +10 dB. */
void link_adapt_config_default(struct link_adapt_config *c);

/* Checks c and fills la. 0, or -EINVAL (a bound or fixed MCS outside its table, a bad BLER, step or range). */
int link_adapt_init(struct link_adapt *la, const struct link_adapt_config *c);

/* The required SNR (dB) of row mcs of table t (formula above); +inf for a reserved or bad row. */
float link_adapt_required_snr_db(enum tbs_mcs_table t, int mcs);

/* The highest row of table t (qam64 / qam256) within 0..mcs_max whose required SNR is at most snr_db (0 if none). */
int link_adapt_mcs_for_snr(const struct link_adapt *la, enum tbs_mcs_table t, float snr_db, int mcs_max);

/* A UE starts (context added): no SNR, offsets at their start values. */
void link_adapt_ue_reset(const struct link_adapt *la, struct link_adapt_ue *s);

/* A PUSCH SNR measurement (dB). */
void link_adapt_ul_snr(struct link_adapt_ue *s, float snr_db);

/* The outcome of a first transmission: DL HARQ-ACK (ack) or UL CRC (ok). */
void link_adapt_dl_result(const struct link_adapt *la, struct link_adapt_ue *s, bool ack);
void link_adapt_ul_result(const struct link_adapt *la, struct link_adapt_ue *s, bool ok);

/* The MCS of a new DL / UL transport block (rows of s->dl_table, at most its last data row / Table 5.1.3.1-1;
 * before any SNR the prior is the required SNR of cfg.dl_table's start row); noted in last_mcs. */
int link_adapt_dl_mcs(const struct link_adapt *la, struct link_adapt_ue *s);
int link_adapt_ul_mcs(const struct link_adapt *la, struct link_adapt_ue *s);

#endif
