/* The UE table: what `gnbctl ues` shows, published by the MAC stage and read by the control thread without a
 * lock (docs/ARCHITECTURE.md §1.7).
 *
 * The MAC's UE contexts (mac/ue.h) and random-access procedures (mac/ra.h) belong to the MAC stage's thread;
 * no other thread may read them. So the MAC stage summarises them (ue_table_collect(): one struct ue_summary
 * per procedure or context, a few dozen bytes each) and publishes the summary (ue_table_publish()) every
 * UE_TABLE_PERIOD_MS of stream time and whenever a UE appears, disappears or changes state; the control
 * thread copies the last published summary out (ue_table_read()).
 *
 * Consistency: a sequence lock. The writer makes the sequence odd, stores the header and the entries, makes it
 * even again; a reader copies, then re-reads the sequence and retries when it changed or was odd. Every shared
 * word is a C11 atomic accessed with relaxed loads and stores between the fences (Boehm, "Can seqlocks get
 * along with programming language memory models?", 2012), so there is no data race in the C11 sense and
 * ThreadSanitizer has nothing to report. The writer never waits, never allocates and takes no lock; a reader
 * that keeps colliding with the writer gives up after UE_TABLE_READ_TRIES attempts (-EAGAIN).
 *
 * No 3GPP clause defines this table; the timing advance fields follow 38.213 4.2 (T_A of the RAR) and
 * 38.211 4.3.1 (N_TA = T_A 16 64 / 2^mu in units of T_c).
 *
 * Threading: one writer thread (the MAC stage) calls ue_table_publish(); any number of other threads may call
 * ue_table_read(). ue_table_collect() and ue_table_changed() run on the MAC stage's thread (they read the MAC);
 * ue_table_to_json() and ue_state_name() on any thread (pure).
 */
#ifndef GNBD_UE_TABLE_H
#define GNBD_UE_TABLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "mac/mac.h"

#define UE_TABLE_MAX (MAC_MAX_UES + RA_MAX_PROCS)
#define UE_TABLE_PERIOD_MS 10
#define UE_TABLE_READ_TRIES 10000

enum ue_state {
    UE_STATE_RA_MSG2,           /* preamble heard, RAR not sent yet */
    UE_STATE_RA_MSG3,           /* RAR sent, Msg3 due */
    UE_STATE_RA_MSG4,           /* Msg3 received: RRC answer / Msg4 / its HARQ-ACK pending */
    UE_STATE_CONNECTED,         /* Msg4 acknowledged: a C-RNTI context with SRB1, no RRCSetupComplete yet */
    UE_STATE_SETUP_COMPLETE,    /* RRCSetupComplete (or any UL-DCCH message) received */
    UE_STATE_COUNT
};

/* One UE as the control socket shows it. Plain data; its size is a multiple of 8 bytes (copied by words). */
struct ue_summary {
    uint16_t rnti;              /* C-RNTI, or the TC-RNTI during random access */
    uint8_t state;              /* enum ue_state */
    uint8_t rrc_reject;         /* UE_STATE_RA_MSG4: the Msg4 carries RRCReject */
    int32_t ta;                 /* N_TA in units of 16 64 T_c / 2^mu: the RAR's T_A (38.213 4.2) + commands */
    float ta_us;                /* N_TA = T_A 16 64 / 2^mu T_c, in microseconds */
    float pusch_snr_db;         /* last PUSCH of a connected UE (NaN: none yet) */
    float pusch_ta_us;          /* timing error that PUSCH was received with (NaN: none yet) */
    uint32_t sr_count;          /* positive scheduling requests */
    uint64_t ul_grants, ul_crc_ok, ul_crc_ko;
    uint64_t ul_retx, ul_harq_ko;     /* retransmission grants; TBs given up after the last HARQ transmission */
    uint64_t dl_tx, dl_ack, dl_nack;  /* SRB1 PDSCHs and their HARQ-ACK (NACK includes DTX) */
    uint64_t dl_retx, dl_harq_ko;     /* DL HARQ retransmissions; TBs given up */
    uint64_t ta_commands;       /* Timing Advance Command MAC CEs sent (38.321 6.1.3.4) */
    uint64_t bsr_bytes;         /* last BSR, upper end of its levels */
    int32_t phr_ph;             /* last power headroom report's PH index (38.133 10.1.17), -1 none */
    int32_t dl_mcs, ul_mcs;     /* MCS of its last new PDSCH / PUSCH TB (link adaptation), -1 none */
    int32_t dl_qm;              /* Q_m of dl_mcs in the UE's MCS table (8: 256QAM, mac.dl_256qam), -1 none */
    int32_t dl_table;           /* its PDSCH MCS table: 64 (Table 5.1.3.1-1) or 256 (5.1.3.1-2), 0 none (RA) */
    bool dl_table_pending;      /* mcs-Table qam256 sent, not yet confirmed (MCS 0 meanwhile) */
    uint32_t drbs;              /* DRBs (PDU sessions) the UE has in the MAC (mac/ue.h, MAC_UE_DRBS at most) */
    uint32_t drb_ids;           /* bit n: DRB identity n is one of them (1..29) */
    uint64_t last_activity_slot;  /* UL slot of the last reception from the UE (PRACH, Msg3, PUSCH, PUCCH) */
    uint64_t age_ms;            /* snapshot slot - last_activity_slot, in ms */
};

/* A published table (header + entries), as the reader gets it. */
struct ue_table_view {
    uint64_t generation;        /* publications so far (0: nothing published yet) */
    uint64_t slot;              /* UL slot of the stream the summary was taken at */
    uint32_t epoch;             /* stream epoch */
    uint32_t n;                 /* entries used */
    struct ue_summary ue[UE_TABLE_MAX];
};

#define UE_TABLE_HEADER_WORDS 3
#define UE_TABLE_ENTRY_WORDS (sizeof(struct ue_summary) / 8)
#define UE_TABLE_WORDS (UE_TABLE_HEADER_WORDS + UE_TABLE_MAX * UE_TABLE_ENTRY_WORDS)

struct ue_table {
    _Atomic uint64_t seq;       /* odd while the writer is inside a publication */
    _Atomic uint64_t words[UE_TABLE_WORDS];
};

/* A zeroed struct ue_table is valid and empty (generation 0); ue_table_init() zeroes it. */
void ue_table_init(struct ue_table *t);

/* Writer: makes v (v->n entries, at most UE_TABLE_MAX) the table's content; sets v->generation. */
void ue_table_publish(struct ue_table *t, struct ue_table_view *v);

/* Reader: a consistent copy of the last publication into v. 0, or -EAGAIN after UE_TABLE_READ_TRIES attempts
 * that all overlapped a publication. */
int ue_table_read(const struct ue_table *t, struct ue_table_view *v);

/* MAC stage: the summary of every random-access procedure and UE context of m at UL slot `slot`. */
void ue_table_collect(const struct mac *m, uint64_t slot, uint32_t epoch, struct ue_table_view *v);

/* True when a and b differ in which UEs exist or in the state of one (counters do not count). */
bool ue_table_changed(const struct ue_table_view *a, const struct ue_table_view *b);

/* "ra-msg2", "ra-msg3", "ra-msg4", "connected", "setup-complete"; "?" for anything else. */
const char *ue_state_name(unsigned state);

/* Adds "epoch", "slot", "generation" and the "ues" array (one object per entry) to out. 0 or -ENOMEM. */
int ue_table_to_json(const struct ue_table_view *v, cJSON *out);

#endif
