/* UE downlink synchronisation over a sample stream: blind cell search, then SS/PBCH block tracking.
 *
 * Samples are pushed in stream order, in blocks of any size. While searching, the first search window
 * (default 20 ms plus one block, so that any 10 or 20 ms SSB period has a whole block in it) is given to
 * cell_search_run; failing that, the next window, up to max_search_ms (default 100 ms, what srsUE searches
 * once: docs/SRSUE.md §3.2). Once found, every block of the same SSB index is read where it is due
 * (every ssb_period_ms, default 10 ms, as srsUE expects after camping), with the timing and CFO tracked, and
 * judged:
 *  - PBCH CRC (38.212 7.1.3);
 *  - SFN and half-frame bit as the elapsed time predicts from the first decode (38.211 4.3.1: 10 ms frames);
 *  - MIB unchanged apart from the SFN;
 *  - phase coherence: the channel phase may step between the block's symbols only as much as the CFO measured
 *    *within* symbols explains (the 38.211 5.4 phase term cannot touch that measure: it is constant over a
 *    symbol); the excess, averaged over the blocks decoded so far (noise averages out, a phase-term error is the
 *    same on every block), must stay below max_phase_step. A transmitter whose 5.4 term differs from the
 *    receiver's leaves exactly such an excess (2 pi f0 (N + N_CP) / fs per symbol).
 * Each milestone is reported through the callback. With cfg.slots, every slot after the cell was found is also
 * reported once its samples are buffered (UE_SYNC_EVENT_SLOT: SFN and slot number from the frame timing the
 * blocks give, 38.211 4.3.1), and the callback may demodulate it with ue_sync_demod_slot() (CFO removed, 38.211
 * 5.4 phase term undone): that is how the receivers after the MIB (PDCCH, PDSCH) get their resource grids.
 *
 * Threading: one struct ue_sync per thread; init/free plan FFTs (one planning thread at a time). ue_sync_push
 * allocates nothing.
 */
#ifndef GNBD_UESIM_UE_SYNC_H
#define GNBD_UESIM_UE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rrc/mib.h"
#include "tests/uesim/cell_search.h"

struct ue_sync_config {
    struct cell_search_config search;
    double search_ms;        /* one search window (0: 20 ms + one block) */
    double max_search_ms;    /* stream searched before giving up (0: 100) */
    int ssb_period_ms;       /* SSB period while tracking: 5, 10, 20, ... (0: 10) */
    float max_phase_step;    /* rad per symbol (0: 0.15) */
    double cfo_gain;         /* CFO tracking loop gain, 0..1 (0: 0.25) */
    bool slots;              /* report every slot once tracking (UE_SYNC_EVENT_SLOT) */
};

enum ue_sync_state { UE_SYNC_SEARCHING, UE_SYNC_TRACKING, UE_SYNC_NO_CELL };

enum ue_sync_event_type {
    UE_SYNC_EVENT_CELL_FOUND,   /* cell, pbch, mib */
    UE_SYNC_EVENT_NO_CELL,      /* max_search_ms searched in vain */
    UE_SYNC_EVENT_SSB,          /* one tracked block and its verdict */
    UE_SYNC_EVENT_SLOT,         /* sfn, slot, t, cfo_hz: one whole slot is buffered (cfg.slots) */
};

struct ue_sync_event {
    enum ue_sync_event_type type;
    int64_t t;                       /* stream sample of the block's first CP sample */
    struct cell_search_result cell;  /* CELL_FOUND */
    struct ssb_rx_result pbch;
    struct mib mib;                  /* valid when mib_ok */
    bool mib_ok;
    double cfo_hz;                   /* CFO estimate after this block */
    float phase_incoherence;         /* rad per symbol not explained by CFO (cell_search_ssb) */
    /* UE_SYNC_EVENT_SSB verdict: ok = pbch.crc_ok && sfn_ok && mib_same && phase_ok */
    bool ok, sfn_ok, mib_same, phase_ok;
    int expected_sfn, expected_hrf;
    int sfn, slot;                   /* UE_SYNC_EVENT_SLOT: the slot's frame and number in it */
};

struct ue_sync_stats {
    uint64_t ssb_ok, ssb_failed;     /* tracked blocks (the one that found the cell is not counted) */
    uint64_t crc_failed, sfn_errors, mib_changes, phase_errors;
    uint64_t timing_adjustments;
    float max_phase_step;            /* largest |phase incoherence| seen on a decoded block (rad) */
    int64_t searched;                /* samples searched */
};

typedef void (*ue_sync_callback)(void *ctx, const struct ue_sync_event *ev);

struct ue_sync {
    struct ue_sync_config cfg;
    struct cell_search cs;
    enum ue_sync_state state;
    ue_sync_callback cb;
    void *ctx;
    cf_t *buf;                       /* buf[0] is stream sample `base` */
    size_t cap, len;
    int64_t base;
    size_t search_len;
    int64_t period, half_frame;      /* samples */
    /* tracking */
    int pci, l_first;
    int64_t next_t, t0;              /* next block due; the block that found the cell */
    int sfn0, hrf0;
    double cfo_hz;
    double timing_acc;               /* filtered timing error, samples */
    double phase_sum;                /* sum of the decoded blocks' phase incoherence, and their count */
    int64_t phase_count;
    uint8_t mib0[MIB_BITS];
    struct ue_sync_stats stats;
    /* slots (cfg.slots) */
    int64_t frame_t;                 /* stream sample where frame sfn0 starts; moves with the block timing */
    int64_t slot_len, next_slot;     /* samples per slot; the next slot to report, counted from frame_t */
    int slots_per_frame;
    cf_t *slot_buf;                  /* one slot, CFO removed */
};

/* Returns 0, -EINVAL (bad config), -ENOMEM. */
int ue_sync_init(struct ue_sync *u, const struct ue_sync_config *cfg, ue_sync_callback cb, void *ctx);
void ue_sync_free(struct ue_sync *u);

/* The next n samples of the stream. Returns the state after them, or -EINVAL. */
int ue_sync_push(struct ue_sync *u, const cf_t *x, size_t n);

/* Inside the callback of a UE_SYNC_EVENT_SLOT event only: the slot's samples with the tracked CFO removed,
 * OFDM-demodulated into grid (14 symbols x 12 N_RB, subcarrier 0 = the carrier's lowest). Returns 0 or -EINVAL
 * (another event, a grid of another size). */
int ue_sync_demod_slot(struct ue_sync *u, const struct ue_sync_event *ev, struct grid *grid);

/* Inside the callback of a UE_SYNC_EVENT_SLOT event only: the slot's received samples (*x = its first, slot
 * length of them) and how many samples before it are still buffered (*hist). Returns 0 or -EINVAL. */
int ue_sync_slot_samples(const struct ue_sync *u, const struct ue_sync_event *ev, const cf_t **x, int *hist);

/* ue_sync_demod_slot of the caller's version x of the slot (as another receiver got it: slot length samples from
 * ev->t). Returns 0 or -EINVAL. */
int ue_sync_demod_samples(struct ue_sync *u, const struct ue_sync_event *ev, const cf_t *x, struct grid *grid);

#endif
