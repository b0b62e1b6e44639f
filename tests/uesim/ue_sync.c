/* UE downlink synchronisation: search, then track every SS/PBCH block. See ue_sync.h. */
#include "tests/uesim/ue_sync.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define US_DEFAULT_SEARCH_MS 20.0
#define US_DEFAULT_MAX_SEARCH_MS 100.0
#define US_DEFAULT_PERIOD_MS 10
#define US_DEFAULT_MAX_PHASE_STEP 0.15f
#define US_DEFAULT_CFO_GAIN 0.25
#define US_TIMING_GAIN 0.25         /* timing error loop filter */
#define US_TIMING_MOVE 1.5          /* filtered samples of drift before the block position is moved */
#define US_SFN_MSB_FIRST 1          /* 38.212 7.1.1: a-bar bits 1..6 are the SFN's 6 MSBs */
#define US_SFN_MSB_BITS 6

static int64_t us_block_len(const struct ue_sync *u)
{
    return cell_search_ssb_len(&u->cs) + u->cs.backoff;
}

static void us_defaults(struct ue_sync_config *c)
{
    if (c->max_search_ms <= 0)
        c->max_search_ms = US_DEFAULT_MAX_SEARCH_MS;
    if (c->ssb_period_ms <= 0)
        c->ssb_period_ms = US_DEFAULT_PERIOD_MS;
    if (c->max_phase_step <= 0)
        c->max_phase_step = US_DEFAULT_MAX_PHASE_STEP;
    if (c->cfo_gain <= 0 || c->cfo_gain > 1)
        c->cfo_gain = US_DEFAULT_CFO_GAIN;
}

int ue_sync_init(struct ue_sync *u, const struct ue_sync_config *cfg, ue_sync_callback cb, void *ctx)
{
    memset(u, 0, sizeof(*u));
    u->cfg = *cfg;
    us_defaults(&u->cfg);
    double fs = cfg->search.sample_rate_hz;
    if (!(fs > 0) || cfg->search_ms < 0 || u->cfg.ssb_period_ms % 5 != 0 || u->cfg.ssb_period_ms > 160)
        return -EINVAL;
    int rc = cell_search_init(&u->cs, &cfg->search);
    if (rc < 0)
        return rc;
    u->cb = cb;
    u->ctx = ctx;
    u->period = (int64_t)llround(fs * u->cfg.ssb_period_ms / 1000.0);
    u->half_frame = (int64_t)llround(fs * 5e-3);   /* 38.211 4.3.1 */
    double search_ms = u->cfg.search_ms > 0 ? u->cfg.search_ms : US_DEFAULT_SEARCH_MS;
    u->search_len = (size_t)llround(fs * search_ms / 1000.0) + (size_t)us_block_len(u);
    u->cap = u->search_len + (size_t)us_block_len(u);
    u->buf = malloc(u->cap * sizeof(cf_t));
    if (u->cfg.slots) {
        /* 38.211 4.3.2: 10 2^mu slots per frame, each 1 / 2^mu ms (whole samples: N is a multiple of 128). */
        int per_subframe = u->cs.ofdm.symbols_per_subframe / OFDM_SYMBOLS_PER_SLOT;
        u->slots_per_frame = 10 * per_subframe;
        u->slot_len = (int64_t)llround(fs / 1000.0) / per_subframe;
        u->slot_buf = malloc((size_t)u->slot_len * sizeof(cf_t));
    }
    if (!u->buf || (u->cfg.slots && !u->slot_buf)) {
        ue_sync_free(u);
        return -ENOMEM;
    }
    u->state = UE_SYNC_SEARCHING;
    return 0;
}

void ue_sync_free(struct ue_sync *u)
{
    cell_search_free(&u->cs);
    free(u->buf);
    free(u->slot_buf);
    memset(u, 0, sizeof(*u));
}

/* Drops the buffered samples before stream sample t. */
static void us_discard_before(struct ue_sync *u, int64_t t)
{
    if (t <= u->base)
        return;
    size_t drop = t - u->base >= (int64_t)u->len ? u->len : (size_t)(t - u->base);
    memmove(u->buf, u->buf + drop, (u->len - drop) * sizeof(cf_t));
    u->len -= drop;
    u->base += (int64_t)drop;
}

static void us_emit(struct ue_sync *u, struct ue_sync_event *ev)
{
    if (u->cb)
        u->cb(u->ctx, ev);
}

static bool us_mib_same(const uint8_t a[MIB_BITS], const uint8_t b[MIB_BITS])
{
    for (int i = 0; i < MIB_BITS; i++)
        if ((i < US_SFN_MSB_FIRST || i >= US_SFN_MSB_FIRST + US_SFN_MSB_BITS) && a[i] != b[i])
            return false;
    return true;
}

static void us_search(struct ue_sync *u)
{
    struct ue_sync_event ev = {.type = UE_SYNC_EVENT_CELL_FOUND};
    int rc = cell_search_run(&u->cs, u->buf, u->len, &ev.cell);
    /* A block cut by the window's end is found in the next window: keep its span. */
    int64_t keep = us_block_len(u);
    if (rc <= 0) {
        u->stats.searched += (int64_t)u->len - keep;
        us_discard_before(u, u->base + (int64_t)u->len - keep);
        if ((double)u->stats.searched >= u->cfg.max_search_ms * 1e-3 * u->cfg.search.sample_rate_hz) {
            u->state = UE_SYNC_NO_CELL;
            ev.type = UE_SYNC_EVENT_NO_CELL;
            us_emit(u, &ev);
        }
        return;
    }
    u->stats.searched += ev.cell.ssb_start;
    ev.t = u->base + ev.cell.ssb_start;
    ev.pbch = ev.cell.ssb.pbch;
    ev.cfo_hz = ev.cell.cfo_hz;
    ev.mib_ok = mib_unpack_bits(ev.pbch.mib, ev.pbch.sfn & 15, &ev.mib) == 0;
    ev.phase_incoherence = ev.cell.ssb.phase_incoherence;
    u->phase_sum = ev.phase_incoherence;
    u->phase_count = 1;
    ev.phase_ok = fabsf(ev.phase_incoherence) <= u->cfg.max_phase_step;
    u->state = UE_SYNC_TRACKING;
    u->pci = ev.cell.pci;
    u->l_first = cell_search_l_first(&u->cs, ev.pbch.ssb_index);
    u->t0 = ev.t;
    u->next_t = ev.t + u->period;
    u->sfn0 = ev.pbch.sfn;
    u->hrf0 = ev.pbch.hrf;
    u->cfo_hz = ev.cell.cfo_hz;
    memcpy(u->mib0, ev.pbch.mib, MIB_BITS);
    /* 38.211 4.3.1: the block's half frame and 38.213 4.1 position in it give the frame start; slots are
     * reported from the first one still buffered. */
    u->frame_t = ev.t - u->hrf0 * u->half_frame - cell_search_block_offset(&u->cs, ev.pbch.ssb_index);
    u->next_slot = u->slot_len > 0 && u->base > u->frame_t ? (u->base - u->frame_t + u->slot_len - 1) / u->slot_len
                                                           : 0;
    us_emit(u, &ev);
}

/* Tracking loops after a decoded block: CFO from the within-symbol measurement only (never from the
 * inter-symbol phase, which would absorb a 5.4 phase-term error), timing from the known REs' phase slope.
 * Both are filtered; the block position moves only by whole samples. Returns the position correction. */
static int64_t us_loops(struct ue_sync *u, const struct cell_search_ssb *s)
{
    u->cfo_hz += u->cfg.cfo_gain * s->cfo_residual_hz;
    if (fabsf(s->timing_error) < u->cs.cp_len / 2.0f)
        u->timing_acc += US_TIMING_GAIN * (s->timing_error - u->timing_acc);
    if (fabs(u->timing_acc) < US_TIMING_MOVE)
        return 0;
    int64_t move = (int64_t)llround(u->timing_acc);
    u->timing_acc -= (double)move;
    u->stats.timing_adjustments++;
    return move;
}

/* The verdict on a decoded block. Phase coherence is judged on the mean incoherence of every block decoded so
 * far: a 5.4 phase-term error is the same on every block, noise averages out. */
static void us_judge(struct ue_sync *u, const struct cell_search_ssb *s, struct ue_sync_event *ev)
{
    ev->mib_ok = mib_unpack_bits(s->pbch.mib, s->pbch.sfn & 15, &ev->mib) == 0;
    ev->sfn_ok = s->pbch.sfn == ev->expected_sfn && s->pbch.hrf == ev->expected_hrf;
    ev->mib_same = us_mib_same(s->pbch.mib, u->mib0);
    ev->phase_incoherence = s->phase_incoherence;
    u->phase_sum += s->phase_incoherence;
    u->phase_count++;
    ev->phase_ok = fabs(u->phase_sum / u->phase_count) <= u->cfg.max_phase_step;
    if (fabsf(s->phase_incoherence) > u->stats.max_phase_step)
        u->stats.max_phase_step = fabsf(s->phase_incoherence);
}

/* Reads and judges the block due at u->next_t (all of it is buffered). */
static void us_track_one(struct ue_sync *u)
{
    struct ue_sync_event ev = {.type = UE_SYNC_EVENT_SSB, .t = u->next_t};
    struct cell_search_ssb s;
    if (cell_search_read_ssb(&u->cs, u->buf, u->len, u->next_t - u->base, u->cfo_hz, u->l_first, u->pci, &s) < 0)
        memset(&s, 0, sizeof(s));
    ev.pbch = s.pbch;
    /* 38.211 4.3.1: the elapsed half frames give the SFN and half-frame bit this block must carry. */
    int64_t halves = 2 * (int64_t)u->sfn0 + u->hrf0 + (int64_t)llround((double)(u->next_t - u->t0) / u->half_frame);
    ev.expected_sfn = (int)((halves / 2) % 1024);
    ev.expected_hrf = (int)(halves % 2);
    u->next_t += u->period;
    if (s.pbch.crc_ok) {
        us_judge(u, &s, &ev);
        int64_t move = us_loops(u, &s);
        u->next_t += move;
        u->frame_t += move;
    }
    ev.cfo_hz = u->cfo_hz;
    ev.ok = s.pbch.crc_ok && ev.sfn_ok && ev.mib_same && ev.phase_ok;
    u->stats.crc_failed += !s.pbch.crc_ok;
    u->stats.sfn_errors += s.pbch.crc_ok && !ev.sfn_ok;
    u->stats.mib_changes += s.pbch.crc_ok && !ev.mib_same;
    u->stats.phase_errors += s.pbch.crc_ok && !ev.phase_ok;
    if (ev.ok)
        u->stats.ssb_ok++;
    else
        u->stats.ssb_failed++;
    us_emit(u, &ev);
}

static int64_t us_slot_start(const struct ue_sync *u)
{
    return u->frame_t + u->next_slot * u->slot_len;
}

/* Reports every slot wholly buffered (cfg.slots). */
static void us_slots(struct ue_sync *u)
{
    while (u->slot_len > 0 && us_slot_start(u) + u->slot_len <= u->base + (int64_t)u->len) {
        int64_t t = us_slot_start(u), k = u->next_slot++;
        if (t < u->base)
            continue;   /* only after a timing move larger than the CP kept below */
        struct ue_sync_event ev = {.type = UE_SYNC_EVENT_SLOT, .t = t, .cfo_hz = u->cfo_hz,
                                   .sfn = (int)((u->sfn0 + k / u->slots_per_frame) % 1024),
                                   .slot = (int)(k % u->slots_per_frame)};
        us_emit(u, &ev);
    }
}

static void us_process(struct ue_sync *u)
{
    if (u->state == UE_SYNC_SEARCHING && u->len >= u->search_len)
        us_search(u);
    if (u->state != UE_SYNC_TRACKING)
        return;
    int64_t margin = u->cs.fft_size + u->cs.cp_len;   /* room for the back-off and timing moves */
    while (u->next_t + us_block_len(u) + margin <= u->base + (int64_t)u->len)
        us_track_one(u);
    us_slots(u);
    int64_t keep = u->next_t - margin;
    if (u->slot_len > 0 && us_slot_start(u) - u->cs.cp_len < keep)
        keep = us_slot_start(u) - u->cs.cp_len;
    us_discard_before(u, keep);
}

int ue_sync_slot_samples(const struct ue_sync *u, const struct ue_sync_event *ev, const cf_t **x, int *hist)
{
    if (!u->slot_buf || ev->type != UE_SYNC_EVENT_SLOT) return -EINVAL;
    int64_t off = ev->t - u->base;
    if (off < 0 || off + u->slot_len > (int64_t)u->len) return -EINVAL;
    *x = u->buf + off;
    *hist = off > INT32_MAX ? INT32_MAX : (int)off;
    return 0;
}

int ue_sync_demod_samples(struct ue_sync *u, const struct ue_sync_event *ev, const cf_t *x, struct grid *grid)
{
    if (!u->slot_buf || ev->type != UE_SYNC_EVENT_SLOT || grid->nof_symbols < OFDM_SYMBOLS_PER_SLOT ||
        grid->nof_subcarriers != u->cs.ofdm.nof_sc)
        return -EINVAL;
    double w = -2.0 * M_PI * ev->cfo_hz / u->cfg.search.sample_rate_hz;
    for (int64_t k = 0; k < u->slot_len; k++)
        u->slot_buf[k] = x[k] * ((float)cos(w * (double)k) + I * (float)sin(w * (double)k));
    int per_subframe = u->slots_per_frame / 10;
    int rc = ofdm_demodulate_slot(&u->cs.ofdm, u->slot_buf, ev->slot % per_subframe, grid->re);
    return rc < 0 ? rc : 0;
}

int ue_sync_demod_slot(struct ue_sync *u, const struct ue_sync_event *ev, struct grid *grid)
{
    const cf_t *x;
    int hist;
    if (ue_sync_slot_samples(u, ev, &x, &hist) < 0) return -EINVAL;
    return ue_sync_demod_samples(u, ev, x, grid);
}

int ue_sync_push(struct ue_sync *u, const cf_t *x, size_t n)
{
    if (!x && n > 0)
        return -EINVAL;
    while (n > 0 && u->state != UE_SYNC_NO_CELL) {
        size_t add = u->cap - u->len < n ? u->cap - u->len : n;
        memcpy(u->buf + u->len, x, add * sizeof(cf_t));
        u->len += add;
        x += add;
        n -= add;
        us_process(u);
    }
    return (int)u->state;
}
