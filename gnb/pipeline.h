/* The slot pipeline: stages (radio RX, radio TX, PHY UL, PHY DL, MAC, RRC) that own their state and talk only
 * through single-producer single-consumer rings (gnb/ring.h), and the threads that run them.
 *
 * Data flow (docs/ARCHITECTURE.md §1):
 *   radio RX --UL slot ring--> PHY UL --UL indication ring--> MAC --DL request ring--> PHY DL --DL slot ring-->
 *   radio TX;  MAC --UL request ring--> PHY UL;  MAC <--> RRC through a ring each way.
 * Time is the radio's sample counter: sample t belongs to slot t / samples_per_slot. When UL slot n arrives,
 * PHY UL sends the MAC the slot's tick at once, then its results (PRACH detections, ...) tagged with slot n; on
 * the tick the MAC (mac/mac.h) schedules slot n+k (k = radio.tx_advance_slots): the DL request goes to PHY DL,
 * the UL request (what to receive in UL slot n+k) to PHY UL, which holds it until that slot arrives. At the
 * start of every stream epoch (a new ZeroMQ peer; once for wall-clocked radios) the radio RX stage sends an
 * epoch-start marker down the chain; the MAC answers it by scheduling slots 0..k-1 at once (priming), and every
 * stage drops queued work of older epochs. With a peer-clocked radio DL therefore never runs more than k slots
 * ahead of UL. PHY UL waits for the UL request of a slot before processing it (the MAC always sends it, k slots
 * ahead); a request of an earlier slot or epoch is dropped and counted.
 *
 * Fault injection for receiver tests (read once at init): GNBD_FAULT=phase transmits without the 38.211 5.4
 * phase term, GNBD_FAULT=pbch_scrambling scrambles the PBCH for another cell ID; a correct UE must fail on both.
 * GNBD_FAULT=stall_mac makes the MAC stage spin without consuming after 1000 slots (the watchdog's test);
 * GNBD_FAULT=slow_phy_ul makes PHY UL idle every other turn, so the UL slot ring fills (back-pressure tests).
 *
 * Stage-to-thread mapping (config threads.mapping):
 *   compact (default): radio RX, radio TX, one slot worker (PHY UL -> MAC -> PHY DL), RRC;   per_layer: one thread
 *   per stage (two thread hops more per slot);
 *   single: one thread runs every stage in a fixed order (deterministic; tests and file replay).
 * The slot path allocates nothing, takes no lock and makes no syscall besides radio I/O and ring wake-ups.
 *
 * Threading: pipeline_init/start/stop/free belong to the main thread. pipeline_metrics() may be called from any
 * thread (it reads atomics).
 */
#ifndef GNBD_PIPELINE_H
#define GNBD_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "drivers/radio.h"
#include "gnb/config.h"
#include "gnb/mac_tap.h"
#include "gnb/ring.h"
#include "mac/mac.h"
#include "mac/tb_pool.h"
#include "phy/dl/phy_dl.h"
#include "phy/ul/phy_ul.h"
#include "rrc/rrc_cell.h"

struct slot_msg;

enum stage_id { STAGE_RADIO_RX, STAGE_RADIO_TX, STAGE_PHY_UL, STAGE_PHY_DL, STAGE_MAC, STAGE_RRC, STAGE_COUNT };
const char *stage_name(enum stage_id s);

enum pipe_ring { RING_UL_SLOT, RING_UL_IND, RING_DL_REQ, RING_DL_SLOT, RING_MAC_TO_RRC, RING_RRC_TO_MAC,
                 RING_UL_REQ, RING_COUNT };
const char *pipe_ring_name(enum pipe_ring r);

/* One stage's liveness counters, on a cache line of their own: each is written by the stage's thread on every
 * pass and read by the control thread, so sharing a line with another stage's would bounce it between cores. */
struct pipeline_stage_hot {
    _Alignas(64) _Atomic uint64_t heartbeat; /* loop turns of the stage (metrics "heartbeats") */
    _Atomic uint64_t progress; /* slot-clock progress: messages the stage consumed (slots received, processed,
                                * scheduled, built, sent; RRC messages, a tick every 10 ms): what the watchdog
                                * counts, so a stage spinning without consuming is seen as stalled */
};

struct pipeline_stats {
    struct pipeline_stage_hot stage[STAGE_COUNT];
    _Atomic uint64_t ul_slots;               /* UL slots processed by PHY UL */
    _Atomic uint64_t dl_slots;               /* DL slots handed to the radio */
    _Atomic uint64_t dl_stale;               /* DL slots dropped because their epoch ended */
    _Atomic uint64_t ul_dropped;             /* UL slots lost because the UL slot ring was full */
    _Atomic uint64_t slot_gaps;              /* UL timestamps that skipped slots (radio overflow) */
    _Atomic uint64_t dl_phy_errors;          /* DL slots the PHY could not build (sent as zeros) */
    _Atomic uint64_t ul_req_missing;         /* UL slots that arrived with no request from the MAC */
    _Atomic uint64_t ul_req_stale;           /* UL requests dropped: their slot or epoch had passed */
    _Atomic uint64_t ul_bad_samples;         /* UL slots with NaN/Inf samples (nothing decoded from them) */
    _Atomic uint64_t ul_ind_stale;           /* UL indications the MAC dropped: slot of an earlier epoch */
    _Atomic uint64_t prach_detections;       /* preambles detected by PHY UL */
    _Atomic uint64_t ul_tb_pool_full;        /* decoded PUSCH TBs dropped: every pool buffer still with the MAC */
    _Atomic uint64_t rrc_msg_stale;          /* RRC -> MAC messages dropped: sent for an earlier epoch */
    _Atomic uint64_t ul_markers_deferred;    /* epoch/end markers that found the UL slot ring full (wall-clocked
                                              * radio): held and sent once there was room, never lost */
    _Atomic uint64_t ul_ring_full;           /* radio RX found the UL slot ring full (back-pressure) */
    _Atomic uint64_t rx_full_waits;          /* ... and slept on it (peer-clocked, PHY UL on another thread) */
    _Atomic uint64_t dl_lead_max;            /* most slots a sent DL slot was ahead of the last UL slot received
                                              * in its epoch (peer-clocked: at most k) */
    _Atomic uint64_t rx_pos;                 /* radio RX: epoch << 40 | UL slots received in it (for dl_lead_max) */
    _Atomic uint64_t last_ul_slot, last_dl_slot;
    _Atomic uint32_t epoch;
};

struct pipeline_thread {
    pthread_t tid;
    _Atomic bool running;  /* read by the control thread (metrics) */
    char name[16];
    unsigned stages;       /* bit mask of enum stage_id */
    int cpu;               /* -1 = any */
    struct pipeline *p;
    /* Read by every producer feeding this thread on each commit: a line of its own, apart from the next
     * thread's and from the fields above. */
    _Alignas(64) struct ring_waiter waiter;
    char pad_[64 - sizeof(struct ring_waiter)];
};

struct ng_stage;
struct up_stage;

struct pipeline {
    struct radio *radio;
    struct ng_stage *ng; /* NULL or the NG interface: RRCReject while it is not up; the NAS relay (gnb/ng_stage.h) */
    struct up_stage *up; /* NULL or the user plane (gnb/up_stage.h): the MAC stage moves IP packets to and fro */
    enum thread_mapping mapping;
    size_t samples_per_slot;
    unsigned tx_advance;   /* k */
    unsigned slots_per_subframe;
    int rt_priority;
    struct ring rings[RING_COUNT];
    bool wait_when_full[RING_COUNT]; /* producer and consumer on different threads */
    struct pipeline_thread threads[STAGE_COUNT];
    int n_threads;
    _Atomic int stop;
    _Atomic int ended;     /* the radio's stream ended (file replay) and the last DL slot went out */
    struct pipeline_stats stats;
    struct slot_msg *rx_scratch; /* where a wall-clocked radio's slot goes when the UL ring is full */
    cf_t *zeros;                 /* a slot of zeros: what radio TX sends for a DL slot flagged as zeros */
    struct mac mac;              /* MAC stage: every scheduling decision */
    struct phy_dl phy_dl;        /* PHY DL stage */
    struct phy_ul phy_ul;        /* PHY UL stage */
    struct rrc_cell rrc;         /* RRC stage */
    _Atomic uint64_t rrc_setups_complete;
    _Atomic uint64_t rrc_releases, rrc_connected; /* contexts released (every cause); UEs connected now */
    _Atomic uint64_t rrc_setup_requests, rrc_rejects, rrc_setup_timeouts, rrc_lost; /* the RRC stage's counts */
    _Atomic uint64_t rrc_cap_256qam, rrc_cap_no_256qam, rrc_qam256_on; /* UE capabilities; UEs on mcs-Table qam256 */
    unsigned rrc_dl_transaction;  /* RRC stage: the next DLInformationTransfer's transaction id (mod 4) */
    uint32_t rrc_epoch;          /* RRC stage: the epoch of the last message */
    int64_t rrc_now_ms;          /* RRC stage: the time of the last message */
    int64_t mac_now_ms, mac_tick_ms; /* MAC stage: ms of the last UL tick; of the last tick sent to the RRC */
    bool phy_dl_ok, phy_ul_ok, rrc_ok;
    bool fault_stall_mac;        /* GNBD_FAULT=stall_mac: the MAC stage spins without consuming (watchdog test) */
    bool fault_slow_phy_ul;      /* GNBD_FAULT=slow_phy_ul: PHY UL idles every other turn (back-pressure test) */
    unsigned ul_fault_turn;      /* PHY UL stage: turns, for slow_phy_ul */
    _Atomic bool ul_wants_req;   /* PHY UL waits for a UL request: the MAC wakes it (else its commits are quiet) */
    uint32_t rx_pending_flags;   /* radio RX: an epoch/end marker waiting for room in the UL slot ring */
    /* Per-stage private state (each touched only by the thread running that stage). */
    struct { uint32_t epoch; uint64_t next_slot; bool have_epoch, ended, empty_sent; } rx, ul, mac_st, dl, tx;
    struct phy_ul_result ul_result; /* PHY UL stage: the slot's results before they become indications */
    struct tb_pool ul_tbs;       /* decoded TBs, PHY UL -> MAC by index (mac/tb_pool.h) */
    struct mac_tap tap;          /* MAC stage exports: UE table, MAC pcap (gnb/mac_tap.h) */
};

/* Allocate rings and slot buffers for the configured cell; nothing starts yet. */
int pipeline_init(struct pipeline *p, const struct gnbd_config *cfg, struct radio *radio, char *err, size_t errlen);
/* Create the threads (affinity and SCHED_FIFO as configured: a warning, not a failure, when not permitted). */
int pipeline_start(struct pipeline *p);
/* Ask every stage to stop, unblock them, join the threads. */
void pipeline_stop(struct pipeline *p);
void pipeline_free(struct pipeline *p);

/* Run every stage on the calling thread until `stop` or until `max_ul_slots` UL slots were processed
 * (0 = no limit). This is the single-threaded deterministic mode's loop, exported for tests. */
int pipeline_run_single(struct pipeline *p, uint64_t max_ul_slots);

bool pipeline_ended(const struct pipeline *p);

/* Samples per slot for a sample rate and subcarrier spacing (slot = 1 ms / 2^mu). */
size_t pipeline_samples_per_slot(double sample_rate, int scs_khz);

/* Ring fill high-water mark and CPU seconds used by each thread, for metrics. */
size_t pipeline_ring_high_water(const struct pipeline *p, enum pipe_ring r);
double pipeline_thread_cpu_seconds(const struct pipeline *p, int thread_index);

#endif
