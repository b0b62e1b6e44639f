/* The uplink PHY processor: one UL slot of baseband samples and the MAC's request for that slot in, the slot's
 * detections and decode results out.
 *
 * The MAC says per slot what to receive (struct ul_slot_request: which symbols are UL, PRACH occasions ending in
 * this slot; PUSCH grants and PUCCH resources join as their receivers are wired). The processor:
 *   - keeps a history of the last slots' samples, because a long PRACH preamble can span several slots (format 0
 *     is 0.9 ms: one slot at 15 kHz, two at 30 kHz; formats 1-3 up to 3.5 ms), and runs the PRACH detector on the
 *     samples of each occasion once its last sample has arrived (38.211 5.3.2, 6.3.3; phy/ch/prach.h);
 *   - OFDM-demodulates the slot's UL symbols only (38.211 5.3.1 with the 5.4 phase term of the UL carrier centre;
 *     in TDD the DL symbols are the gNB's own transmission and are left empty), when a PUSCH or PUCCH is asked for,
 *     and decodes each PUSCH (phy/ch/pusch.h: estimate, MMSE, demap, UL-SCH with the HARQ soft buffer, CRCs,
 *     timing) and each PUCCH (phy/ch/pucch.h: formats 0, 1, 2 with a DTX verdict).
 * UL HARQ (38.321 5.4.2; 38.212 6.2.5): PHY_UL_HARQ_BUFFERS soft buffers, each for the largest grant of the
 * carrier, are allocated at init and keyed by (RNTI, HARQ process). A PUSCH with new data (tb.new_data: NDI
 * toggled, or a Msg3 from a RAR grant) takes its key's buffer, else a free one, else the least recently used, and
 * clears it; a retransmission (new_data false) adds its LLRs to its key's buffer (soft combining of the rvs). A
 * retransmission whose buffer is gone (evicted, or a grant of another size) is decoded alone from a cleared
 * buffer and counted (stats.harq_lost; res.harq_combined false). phy_ul_reset() forgets every buffer.
 * Results are plain data with the slot they belong to; the caller (the PHY UL stage in gnb/pipeline.c) turns them
 * into indications for the MAC.
 *
 * Input from the air is untrusted: NaN, saturated or all-zero samples give no detection and are counted, never a
 * crash.
 *
 * Threading: one struct phy_ul per thread (the PHY UL stage). phy_ul_init/phy_ul_free make FFTW plans: call them
 * on the thread that makes every plan at start (see phy/ofdm/ofdm.h). phy_ul_process never allocates.
 */
#ifndef GNBD_PHY_UL_H
#define GNBD_PHY_UL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phy/ch/prach_config.h"
#include "phy/ch/pucch.h"
#include "phy/ch/pusch.h"
#include "phy/grid/grid.h"
#include "phy/ofdm/ofdm.h"
#include "phy/types.h"

#define UL_MAX_PRACH_OCCASIONS 16    /* per slot: time occasions ending in the slot x msg1-FDM */
#define UL_MAX_PRACH_FDM 8
#define UL_MAX_PRACH_DETECTIONS 16   /* per occasion */
#define PHY_UL_MAX_HISTORY_SLOTS 8
#define UL_MAX_PUSCH 8               /* PUSCH receptions per slot (Msg3s and UE grants, mac/ul_map.h counts) */
/* PUCCH receptions per slot: every connected UE's SR occasion and HARQ-ACK may fall in one UL slot (TDD puts
 * all SR offsets in the few UL slots); the MAC counts a reception that finds the request full (mac.pucch_dropped).
 * One slot's results (1 tick + PRACH + PUSCH + PUCCH indications, 53) must fit the UL indication ring (64). */
#define UL_MAX_PUCCH 32

/* One PRACH occasion whose last sample falls in this slot. */
struct ul_prach_occasion {
    int start_slot_offset;   /* how many slots before this one the occasion starts (0 = this slot) */
    int start_sample;        /* first sample (CP included) within that slot, 38.211 5.3.2 t_start^RA */
    int fdm_index;           /* n_RA: which msg1-FDM frequency occasion */
    int ra_rnti;             /* 38.321 5.1.3, for the MAC's convenience */
    struct prach_time_occasion time;  /* format, CP and length of this occasion (38.211 5.3.2) */
};

/* One PUSCH to receive: the grant, the transport block's parameters, and whose it is. */
struct ul_pusch_req {
    struct pusch_grant grant;
    struct pusch_tb tb;
    int harq_id;             /* the MAC's HARQ process 0..15 (with grant.rnti the key of the soft buffer) */
};

/* One PUCCH to receive on a resource, with the UCI expected there. */
enum ul_pucch_purpose { UL_PUCCH_HARQ_ACK, UL_PUCCH_SR };
struct ul_pucch_req {
    struct pucch_config cfg;
    int purpose;             /* enum ul_pucch_purpose: what the MAC expects there */
    int nof_bits;            /* F0/F1: HARQ-ACK bits (0..2); F2: the payload size A */
    bool sr_opportunity;     /* F0: an SR may come on this resource */
};

/* What the MAC asks the PHY to receive in one UL slot. */
struct ul_slot_request {
    uint64_t slot;           /* slot index within the stream epoch */
    int sfn, slot_in_frame;
    uint16_t ul_symbols;     /* bit l: symbol l is UL (FDD: all 14) */
    bool prach_samples;      /* the slot's samples are part of a PRACH occasion (ending here or in a later slot,
                              * mac/sched_prach.h): PHY UL keeps them in its history. Without it, and with no
                              * occasion, PUSCH or PUCCH in the slot, PHY UL does not read the samples at all */
    int n_prach;
    struct ul_prach_occasion prach[UL_MAX_PRACH_OCCASIONS];
    int n_pusch;
    struct ul_pusch_req pusch[UL_MAX_PUSCH];
    int n_pucch;
    struct ul_pucch_req pucch[UL_MAX_PUCCH];
};

struct ul_prach_detection {
    int preamble_index;      /* 0..63 */
    float delay_samples;     /* timing of the preamble at the cell's sample rate (>= a few samples negative) */
    float ta_us;             /* the same in microseconds */
    float power;             /* received power per PRACH subcarrier (1 = as a UE at unit scale sends it) */
    float snr_db;            /* peak over the noise estimate */
};

struct ul_prach_result {
    struct ul_prach_occasion occasion;
    int n_detected;          /* < 0: the occasion could not be searched (an errno code) */
    struct ul_prach_detection det[UL_MAX_PRACH_DETECTIONS];
};

struct ul_pusch_result {
    struct ul_pusch_req req;
    int rc;                  /* 0, or the receiver's negative errno (then res.crc_ok is false) */
    struct pusch_result res;
    int tb_bytes;
    const uint8_t *tb;       /* tb_bytes decoded bytes, inside the processor: valid until the next call */
    bool harq_combined;      /* a retransmission combined with the earlier ones of its (RNTI, HARQ process) */
};

struct ul_pucch_result {
    struct ul_pucch_req req;
    int rc;
    struct pucch_rx_result res;
};

/* Everything one slot produced. */
struct phy_ul_result {
    uint64_t slot;
    int n_prach;
    struct ul_prach_result prach[UL_MAX_PRACH_OCCASIONS];
    int n_pusch;
    struct ul_pusch_result pusch[UL_MAX_PUSCH];
    int n_pucch;
    struct ul_pucch_result pucch[UL_MAX_PUCCH];
    bool bad_samples;        /* NaN/Inf in the slot: nothing was decoded from it */
};

struct prach_detector;

struct phy_ul_config {
    int pci;
    int nof_prb;
    int scs_khz;
    double sample_rate_hz;
    double f0_hz;                     /* UL carrier centre, for the 38.211 5.4 phase term */
    bool tdd;
    /* PRACH (from the SIB1's RACH-ConfigCommon); prach_enabled false leaves the detector out. */
    bool prach_enabled;
    enum prach_format prach_format;   /* of the configuration index (a combined A/B format: its A format) */
    int prach_ra_scs_khz;             /* short formats: msg1-SubcarrierSpacing */
    int prach_root_sequence_index;    /* logical root, l839 or l139 by format */
    int zero_correlation_zone_config;
    int msg1_frequency_start;         /* PRB of the lowest PRACH occasion within the UL BWP (= carrier) */
    int msg1_fdm;                     /* 1, 2, 4, 8 */
    int nof_preambles;                /* totalNumberOfRA-Preambles (64 when absent) */
    int history_slots;                /* slots of samples the longest occasion needs (mac/sched_prach.h) */
};

struct phy_ul_stats {
    uint64_t slots, prach_occasions, prach_detections, bad_slots, pusch, pucch;
    uint64_t unread;                 /* slots whose samples nothing needed: neither checked nor kept */
    uint64_t history_missing;        /* slots an occasion reached back into that were not kept (read as zeros) */
    uint64_t prach_silent;           /* occasions over zeros only (no-device slots): nothing to detect, not searched */
    uint64_t harq_retx, harq_lost;   /* PUSCH retransmissions received; those without their soft buffer */
};

#define PHY_UL_HARQ_BUFFERS 8        /* UL soft buffers: (RNTI, HARQ process) pairs kept between receptions */

/* One UL HARQ soft buffer and its key. */
struct phy_ul_harq {
    bool used;
    uint16_t rnti;
    int harq_id;
    int len;                          /* floats of the grant it holds (pusch_soft_size) */
    uint64_t last_use;                /* reception counter, for least-recently-used replacement */
    float *soft;                      /* soft_len floats */
};

struct phy_ul {
    struct phy_ul_config cfg;
    int slot_samples;
    int history_slots;                /* slots of samples kept (>= 1) */
    cf_t *history;                    /* history_slots * slot_samples, a ring of slots: the newest at newest */
    int newest;                       /* index in history of the newest slot */
    uint32_t kept;                    /* bit j: history slot j holds samples (else stale: read as zeros) */
    uint32_t silent;                  /* bit j: kept slot j is zeros never written (samples NULL: a no-device
                                       * radio's), read as zeros; an occasion over such slots only is not searched */
    cf_t *window;                     /* history_slots > 1: the history in time order, oldest first, put together
                                       * only for a slot with PRACH occasions (no copy per idle slot) */
    uint64_t window_at;               /* stats.slots when window was put together (0: never) */
    struct ofdm ofdm;
    struct grid grid;
    struct prach_detector *prach;     /* one per msg1-FDM occasion; NULL without PRACH */
    int n_prach_detectors;
    struct pusch_rx pusch;
    struct pucch_rx pucch;
    bool pusch_ok, pucch_ok;
    struct phy_ul_harq harq[PHY_UL_HARQ_BUFFERS];  /* soft_len floats each (a grant needing more: -ENOSPC) */
    int soft_len;
    uint64_t harq_clock;
    uint8_t *tb[UL_MAX_PUSCH];        /* decoded TBs, tb_max bytes each */
    int tb_max;
    struct phy_ul_stats stats;
};

/* Returns 0, -EINVAL for a configuration it cannot receive (the message says nothing: the config check has
 * reported it), -ENOMEM. */
int phy_ul_init(struct phy_ul *u, const struct phy_ul_config *cfg);
void phy_ul_free(struct phy_ul *u);
/* A new stream epoch: forget the sample history and every HARQ soft buffer. */
void phy_ul_reset(struct phy_ul *u);
/* Samples per slot this processor expects. */
int phy_ul_slot_samples(const struct phy_ul *u);
/* Process one UL slot: samples (phy_ul_slot_samples() of them, the slot's first sample first) as the radio
 * delivered them, or NULL for a slot of zeros (a radio that receives only silence: nothing to read), req for the
 * same slot (NULL: nothing requested, the samples only enter the history). The samples are read (checked for
 * NaN/Inf, kept, demodulated) only when req is NULL or asks for something in the slot: a PRACH occasion, PUSCH,
 * PUCCH, or prach_samples (the slot is part of a later occasion); an idle slot costs nothing here.
 * Returns 0, or -EINVAL when req is for another slot than the one given or is malformed. */
int phy_ul_process(struct phy_ul *u, const struct ul_slot_request *req, const cf_t *samples,
                   struct phy_ul_result *res);

#endif
