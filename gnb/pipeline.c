/* The slot pipeline: stage steps, the epoch protocol, and the threads that run the stages. */
#include "gnb/pipeline.h"
#include "gnb/ng_stage.h"
#include "gnb/up_stage.h"
#include "rrc/msg/dl_dcch.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gnb/broadcast.h"
#include "gnb/log.h"
#include "gnb/rrc_config.h"
#include "gnb/ul_probe_config.h"
#include "rrc/msg/ul_dcch.h"
#include "phy/geometry/cell_geometry.h"

#define MSG_EPOCH_START 1u /* first message of a stream epoch: no samples, slot 0 */
#define MSG_END 2u         /* the radio's stream ended (file replay): drain and stop */
#define MSG_CELL_EMPTY 4u  /* a peer-clocked radio has no peer left: no UE can be in the cell (once per epoch) */
#define MSG_MARKERS (MSG_EPOCH_START | MSG_END | MSG_CELL_EMPTY)
#define MSG_ZEROS 8u       /* a slot whose samples are all zero and were not written (a no-device radio's UL, an
                            * empty DL slot): readers use zeros of their own, nobody writes or reads the ring's */

#define SLOT_RING_CAPACITY 16
#define MSG_RING_CAPACITY 64
#define IDLE_WAIT_MS 100

/* A slot of samples travelling radio RX -> PHY UL or PHY DL -> radio TX, stored inline in the ring. */
struct slot_msg {
    uint32_t epoch, flags;
    uint64_t slot, ts;
    cf_t samples[];
};

/* UL indication (PHY UL -> MAC): the slot tick (also carries the epoch-start and end markers), then what was
 * decoded in that slot, one message per result. */
enum ul_ind_type { UL_IND_TICK, UL_IND_PRACH, UL_IND_PUSCH, UL_IND_PUCCH };
struct slot_ind {
    uint32_t epoch, flags;
    uint32_t type;           /* enum ul_ind_type */
    uint64_t slot;
    union {
        struct ul_prach_result prach;
        struct {
            struct ul_pusch_result r;   /* r.tb is not used across the ring: tb_index is */
            int tb_index;               /* buffer in the pipeline's TB pool */
        } pusch;
        struct ul_pucch_result pucch;
    } u;
};

/* UL slot request (MAC -> PHY UL): what to receive in a UL slot, sent k slots ahead. */
struct ul_req_msg {
    uint32_t epoch, flags;
    struct ul_slot_request req;
};

/* DL slot request (MAC -> PHY DL). */
struct dl_req_msg {
    uint32_t epoch, flags;
    struct dl_slot_request req;
};

/* MAC <-> RRC: CCCH/DCCH SDUs, UE events and commands, tagged with the stream epoch they belong to; MAC -> RRC
 * messages also carry the MAC's time (ms of the epoch, from the last UL slot tick), the RRC's only clock. */
enum rrc_msg_type {
    RRC_MSG_UL_CCCH, RRC_MSG_DL_CCCH, RRC_MSG_UL_DCCH, RRC_MSG_DL_CCCH_REJECT,
    RRC_MSG_TICK,            /* MAC -> RRC: time passes (every RRC_TICK_MS) */
    RRC_MSG_UE_DELIVERED,    /* MAC -> RRC: SRB1 delivered the UE's DL-DCCH SDUs */
    RRC_MSG_UE_LOST,         /* MAC -> RRC: SRB1's RLC AM gave up (radio link failure) */
    RRC_MSG_DL_DCCH,         /* RRC -> MAC: a DL-DCCH SDU for SRB1 (RRCRelease) */
    RRC_MSG_RELEASE_UE,      /* RRC -> MAC: free the UE's context */
    RRC_MSG_CELL_EMPTY,      /* MAC -> RRC: the radio has no peer left, every UE is gone */
    RRC_MSG_SECURITY,        /* RRC -> MAC: SRB1 integrity on (sec; before the SecurityModeCommand) or off (!has_sec) */
    RRC_MSG_CIPHERING,       /* RRC -> MAC: SRB1 ciphering on (after the SecurityModeComplete) */
    RRC_MSG_DRB_SETUP,       /* RRC -> MAC: DRB 1 (drb) with its K_UPenc (sec), before the RRCReconfiguration */
    RRC_MSG_DRB_RELEASE,     /* RRC -> MAC: DRB drb.drb_id goes (PDU session release), before the RRCReconfiguration */
    RRC_MSG_DL_256QAM,       /* RRC -> MAC: the UE confirmed PDSCH mcs-Table qam256 (RRCReconfigurationComplete) */
};
struct rrc_msg {
    uint32_t type, len, epoch;
    uint16_t rnti;
    int16_t ue_index;                 /* UL-CCCH: the MAC's UE context for it, -1 none left (RRCReject) */
    struct ue_pucch_res res;          /* UL-CCCH: that context's PUCCH resources for the RRCSetup */
    int64_t time_ms;
    bool has_sec;                     /* SECURITY: sec holds SRB1's algorithms and keys; DRB_SETUP: the DRB's */
    struct pdcp_sec_config sec;
    struct mac_drb_config drb;        /* DRB_SETUP */
    bool qam256_pending;              /* DL_DCCH: it is an RRCReconfiguration with mcs-Table qam256 */
    uint8_t data[MAC_DCCH_MAX];       /* a PDCP SDU of SRB1 (38.323: up to 9000 bytes) or a CCCH SDU */
};
#define RRC_TICK_MS 10

static const char *const stage_names[STAGE_COUNT] = {"radio_rx", "radio_tx", "phy_ul", "phy_dl", "mac", "rrc"};
static const char *const ring_names[RING_COUNT] = {"ul_slot", "ul_ind", "dl_req", "dl_slot", "mac_to_rrc",
                                                   "rrc_to_mac", "ul_req"};
/* Which stage consumes each ring (its thread's waiter is woken by the ring). */
static const enum stage_id ring_consumer[RING_COUNT] = {STAGE_PHY_UL, STAGE_MAC, STAGE_PHY_DL, STAGE_RADIO_TX,
                                                        STAGE_RRC, STAGE_MAC, STAGE_PHY_UL};

const char *stage_name(enum stage_id s) { return (unsigned)s < STAGE_COUNT ? stage_names[s] : "?"; }
const char *pipe_ring_name(enum pipe_ring r) { return (unsigned)r < RING_COUNT ? ring_names[r] : "?"; }

size_t pipeline_samples_per_slot(double sample_rate, int scs_khz)
{
    int slots_per_ms = scs_khz / 15;
    if (slots_per_ms < 1) slots_per_ms = 1;
    return (size_t)(sample_rate / 1000.0 / slots_per_ms + 0.5);
}

static size_t slot_msg_size(const struct pipeline *p)
{
    size_t sz = sizeof(struct slot_msg) + p->samples_per_slot * sizeof(cf_t);
    return (sz + 63) & ~(size_t)63;
}

/* A stage whose output ring is full: when the ring's consumer runs on another thread, sleep until it makes room
 * (bounded); on the same thread, return at once so that thread can drain it. Returns 0 (nothing done). */
static int wait_room(struct pipeline *p, enum pipe_ring r)
{
    if (p->wait_when_full[r]) ring_wait_nonfull(&p->rings[r], IDLE_WAIT_MS);
    return 0;
}

/* A counter only one thread writes: a plain load and store, no locked read-modify-write. */
static inline void bump(_Atomic uint64_t *c)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1, memory_order_relaxed);
}

static inline void beat(struct pipeline *p, enum stage_id s) { bump(&p->stats.stage[s].heartbeat); }

/* The stage consumed a message: the slot clock moved through it (what the watchdog counts). */
static inline void advance(struct pipeline *p, enum stage_id s) { bump(&p->stats.stage[s].progress); }

/* Radio RX's position, epoch << 40 | UL slots received in the epoch, published before the slot's commit so that
 * radio TX, which sends DL only after that slot went through PHY UL and the MAC, sees it (dl_lead_max). */
static void rx_position(struct pipeline *p, uint32_t epoch, uint64_t slots)
{
    atomic_store_explicit(&p->stats.rx_pos, (uint64_t)epoch << 40 | (slots & ((1ull << 40) - 1)),
                          memory_order_relaxed);
}

/* An epoch-start or end marker into the UL slot ring (m: a reserved slot). */
static void rx_marker(struct pipeline *p, struct slot_msg *m, uint32_t flags)
{
    m->epoch = p->rx.epoch;
    m->flags = flags;
    m->slot = m->ts = 0;
    ring_commit(&p->rings[RING_UL_SLOT]);
}

/* ---- stage steps: each returns how many messages it handled (0 = idle) -------------------------------- */

static int radio_rx_step(struct pipeline *p)
{
    struct ring *out = &p->rings[RING_UL_SLOT];
    struct slot_msg *m = ring_reserve(out);
    if (m && p->rx_pending_flags) { /* a marker that found the ring full goes first, before any later slot */
        rx_marker(p, m, p->rx_pending_flags);
        p->rx_pending_flags = 0;
        advance(p, STAGE_RADIO_RX);
        return 1;
    }
    if (p->rx.ended) return 0; /* the stream ended (file replay): nothing more to receive */
    if (!m) {
        /* PHY UL is behind. A peer-clocked radio waits (it must never lose a sample): on another thread's ring
         * it sleeps until PHY UL makes room; on its own thread's it returns so the thread drains it. A
         * wall-clocked one keeps receiving and loses this slot (counted). */
        atomic_fetch_add_explicit(&p->stats.ul_ring_full, 1, memory_order_relaxed);
        if (radio_clocking(p->radio) == RADIO_PEER_CLOCKED) {
            if (p->wait_when_full[RING_UL_SLOT]) atomic_fetch_add_explicit(&p->stats.rx_full_waits, 1,
                                                                           memory_order_relaxed);
            return wait_room(p, RING_UL_SLOT);
        }
        m = p->rx_scratch;
    }
    uint64_t ts = 0;
    uint32_t epoch = 0;
    bool zeros = radio_no_device(p->radio); /* nothing to write: PHY UL knows the slot is zeros */
    ssize_t n = radio_recv(p->radio, zeros ? NULL : m->samples, p->samples_per_slot, &ts, &epoch);
    if (n == 0 && p->rx.epoch && !p->rx.empty_sent && m != p->rx_scratch &&
        radio_state(p->radio) == RADIO_STATE_WAITING_FOR_PEER) {
        /* The last ZeroMQ peer left: its time stops with it, so no timer would ever find its UEs lost; they are
         * gone now (the next peer starts a new epoch, which the MAC begins without UEs). */
        p->rx.empty_sent = true;
        log_info(LOG_GNB, "no radio peer left in epoch %u: every UE of the cell is gone", p->rx.epoch);
        rx_marker(p, m, MSG_CELL_EMPTY);
        return 1;
    }
    if (n == 0 || n == -ECANCELED) return 0;
    advance(p, STAGE_RADIO_RX);
    uint32_t marker = 0;
    if (n == RADIO_NEW_EPOCH) {
        p->rx.epoch = epoch;
        p->rx.next_slot = 0;
        p->rx.empty_sent = false;
        rx_position(p, epoch, 0);
        atomic_store(&p->stats.epoch, epoch);
        log_info(LOG_GNB, "stream epoch %u started", epoch);
        marker = MSG_EPOCH_START;
    } else if (n == -EPIPE) {
        p->rx.ended = true;
        log_info(LOG_GNB, "radio stream ended after %llu slots", (unsigned long long)p->rx.next_slot);
        marker = MSG_END;
    } else if (n < 0) {
        atomic_fetch_add_explicit(&p->radio->counters.rx_errors, 1, memory_order_relaxed);
        return 0;
    }
    if (marker) {
        if (m != p->rx_scratch) {
            rx_marker(p, m, marker);
        } else { /* the ring is full: the marker waits for room (a later marker replaces it), never lost */
            p->rx_pending_flags = marker;
            atomic_fetch_add_explicit(&p->stats.ul_markers_deferred, 1, memory_order_relaxed);
        }
        return 1;
    }
    if (m == p->rx_scratch) atomic_fetch_add_explicit(&p->stats.ul_dropped, 1, memory_order_relaxed);
    uint64_t slot = ts / p->samples_per_slot;
    if (slot != p->rx.next_slot) atomic_fetch_add_explicit(&p->stats.slot_gaps, 1, memory_order_relaxed);
    p->rx.next_slot = slot + 1;
    rx_position(p, epoch, slot + 1);
    if (m != p->rx_scratch && !p->rx_pending_flags) {
        m->epoch = epoch;
        m->flags = zeros ? MSG_ZEROS : 0;
        m->slot = slot;
        m->ts = ts;
        ring_commit(out);
    }
    return 1;
}

/* The UL request for UL slot m, or NULL. Requests of earlier slots or epochs are dropped (counted). Sets *wait
 * when the request has not been produced yet and is on its way: the MAC sends it k slots ahead, on the tick of
 * slot m - k. When UL slots were lost before m (a wall-clocked radio's overflow), their ticks never went out and
 * the request may never come: then m is processed without one (counted), and its tick lets the MAC catch up. */
static const struct ul_req_msg *ul_request_for(struct pipeline *p, const struct slot_msg *m, bool *wait)
{
    struct ring *rq = &p->rings[RING_UL_REQ];
    const struct ul_req_msg *r;
    *wait = false;
    while ((r = ring_peek(rq)) != NULL) {
        if (r->epoch == m->epoch && r->req.slot >= m->slot) break;
        atomic_fetch_add_explicit(&p->stats.ul_req_stale, 1, memory_order_relaxed);
        ring_release(rq);
    }
    if (!r) {
        *wait = p->ul.have_epoch && m->slot == p->ul.next_slot;
        return NULL;
    }
    return r->req.slot == m->slot ? r : NULL;
}

static struct slot_ind *ul_ind(struct pipeline *p, uint32_t epoch, uint32_t flags, uint32_t type, uint64_t slot)
{
    struct slot_ind *ind = ring_reserve(&p->rings[RING_UL_IND]);
    if (!ind) return NULL; /* cannot happen: room was checked before the slot was taken */
    ind->epoch = epoch;
    ind->flags = flags;
    ind->type = type;
    ind->slot = slot;
    return ind;
}

/* A free TB pool buffer with a copy of the decoded TB, or -1 (counted) when the MAC still holds them all. */
static int take_tb(struct pipeline *p, const struct ul_pusch_result *r)
{
    int i;
    uint8_t *b = r->tb_bytes >= 0 && (size_t)r->tb_bytes <= p->ul_tbs.size ? tb_pool_take(&p->ul_tbs, &i) : NULL;
    if (!b) {
        atomic_fetch_add_explicit(&p->stats.ul_tb_pool_full, 1, memory_order_relaxed);
        return -1;
    }
    if (r->tb_bytes) memcpy(b, r->tb, (size_t)r->tb_bytes);
    return i;
}

/* PHY UL: the slot's tick to the MAC at once, then the slot's receivers, their results after the tick. */
static int phy_ul_step(struct pipeline *p)
{
    struct ring *in = &p->rings[RING_UL_SLOT], *out = &p->rings[RING_UL_IND];
    if (p->fault_slow_phy_ul && (p->ul_fault_turn++ & 1)) return 0; /* test: every other turn idle */
    const struct slot_msg *m = ring_peek(in);
    if (!m) return 0;
    /* Room for the tick and every result of the slot before anything is consumed. */
    if (ring_capacity(out) - ring_count(out) < 1 + UL_MAX_PRACH_OCCASIONS + UL_MAX_PUSCH + UL_MAX_PUCCH)
        return wait_room(p, RING_UL_IND);
    if (m->flags & MSG_MARKERS) { /* epoch start or end of stream: pass it on */
        if (m->flags & MSG_EPOCH_START) {
            phy_ul_reset(&p->phy_ul);
            p->ul.have_epoch = true;
            p->ul.epoch = m->epoch;
            p->ul.next_slot = 0;
        }
        ul_ind(p, m->epoch, m->flags, UL_IND_TICK, m->slot);
        ring_commit(out);
        ring_release(in);
        advance(p, STAGE_PHY_UL);
        return 1;
    }
    bool wait;
    const struct ul_req_msg *rq = ul_request_for(p, m, &wait);
    if (wait) {
        /* The MAC has not scheduled this slot yet: it will. It commits UL requests without waking this thread
         * (they are normally here k slots early), so say we wait, then look again (gnb/ring.h, quiet commits). */
        atomic_store(&p->ul_wants_req, true);
        rq = ul_request_for(p, m, &wait);
        if (wait) return 0;
    }
    atomic_store_explicit(&p->ul_wants_req, false, memory_order_relaxed);
    if (!rq) atomic_fetch_add_explicit(&p->stats.ul_req_missing, 1, memory_order_relaxed);
    p->ul.next_slot = m->slot + 1;
    ul_ind(p, m->epoch, 0, UL_IND_TICK, m->slot);
    ring_commit(out);
    atomic_fetch_add_explicit(&p->stats.ul_slots, 1, memory_order_relaxed);
    atomic_store_explicit(&p->stats.last_ul_slot, m->slot, memory_order_relaxed);

    struct phy_ul_result *res = &p->ul_result;
    phy_ul_process(&p->phy_ul, rq ? &rq->req : NULL, (m->flags & MSG_ZEROS) ? NULL : m->samples, res);
    if (res->bad_samples) atomic_fetch_add_explicit(&p->stats.ul_bad_samples, 1, memory_order_relaxed);
    for (int i = 0; i < res->n_prach; i++) {
        struct slot_ind *ind = ul_ind(p, m->epoch, 0, UL_IND_PRACH, m->slot);
        ind->u.prach = res->prach[i];
        ring_commit(out);
        atomic_fetch_add_explicit(&p->stats.prach_detections, (uint64_t)res->prach[i].n_detected,
                                  memory_order_relaxed);
    }
    for (int i = 0; i < res->n_pusch; i++) {
        int idx = take_tb(p, &res->pusch[i]);
        if (idx < 0) continue;
        struct slot_ind *ind = ul_ind(p, m->epoch, 0, UL_IND_PUSCH, m->slot);
        ind->u.pusch.r = res->pusch[i];
        ind->u.pusch.r.tb = NULL;
        ind->u.pusch.tb_index = idx;
        ring_commit(out);
    }
    for (int i = 0; i < res->n_pucch; i++) {
        struct slot_ind *ind = ul_ind(p, m->epoch, 0, UL_IND_PUCCH, m->slot);
        ind->u.pucch = res->pucch[i];
        ring_commit(out);
    }
    if (rq) ring_release(&p->rings[RING_UL_REQ]);
    ring_release(in);
    advance(p, STAGE_PHY_UL);
    return 1;
}

/* Schedule slot `slot`: its DL request to PHY DL, its UL request to PHY UL (room checked by the caller). */
static void schedule_slot(struct pipeline *p, uint32_t epoch, uint64_t slot)
{
    struct dl_req_msg *d = ring_reserve(&p->rings[RING_DL_REQ]);
    struct ul_req_msg *u = ring_reserve(&p->rings[RING_UL_REQ]);
    if (!d || !u) return; /* cannot happen: room was checked */
    d->epoch = u->epoch = epoch;
    d->flags = u->flags = 0;
    mac_slot(&p->mac, slot, &d->req, &u->req); /* a slot it cannot fill goes out empty: mac.sched_errors */
    mac_tap_dl(&p->tap, &p->mac, &d->req);
    ring_commit(&p->rings[RING_DL_REQ]);
    /* PHY UL needs the UL request only when its UL slot arrives, which wakes it anyway: no wake-up per slot
     * unless it is waiting for this very request. */
    ring_commit_quiet(&p->rings[RING_UL_REQ]);
    if (atomic_load(&p->ul_wants_req)) ring_notify(&p->rings[RING_UL_REQ]);
}

static bool end_dl(struct pipeline *p, uint32_t epoch)
{
    struct dl_req_msg *m = ring_reserve(&p->rings[RING_DL_REQ]);
    if (!m) return false;
    memset(m, 0, sizeof *m);
    m->epoch = epoch;
    m->flags = MSG_END;
    ring_commit(&p->rings[RING_DL_REQ]);
    return true;
}

static size_t ring_room(struct pipeline *p, enum pipe_ring r)
{
    return ring_capacity(&p->rings[r]) - ring_count(&p->rings[r]);
}

/* One SDU from the MAC stage to the RRC stage (the caller checked there is room); res: a UL-CCCH SDU's UE
 * context and resources, NULL for none. */
static void push_to_rrc(struct pipeline *p, uint32_t type, uint16_t rnti, const struct mac_ccch_sdu *res,
                        const uint8_t *data, int len)
{
    struct rrc_msg *m = ring_reserve(&p->rings[RING_MAC_TO_RRC]);
    m->type = type;
    m->epoch = p->mac_st.epoch;
    m->rnti = rnti;
    m->ue_index = (int16_t)(res ? res->ue_index : -1);
    if (res) m->res = res->res;
    m->time_ms = p->mac_now_ms;
    m->len = (uint32_t)len;
    if (len > 0) memcpy(m->data, data, (size_t)len);
    ring_commit(&p->rings[RING_MAC_TO_RRC]);
}

/* UL-CCCH SDUs (from Msg3s) and UL-DCCH SDUs (from SRB1) the MAC holds, to the RRC, as long as the ring has room
 * (the rest waits in the MAC). Both fit a message: MAC_CCCH_MAX and MAC_DCCH_MAX are below its data size. */
static int mac_to_rrc(struct pipeline *p)
{
    _Static_assert(MAC_CCCH_MAX <= sizeof((struct rrc_msg *)0)->data, "CCCH SDU fits an RRC message");
    _Static_assert(MAC_DCCH_MAX <= sizeof((struct rrc_msg *)0)->data, "DCCH SDU fits an RRC message");
    struct ring *r = &p->rings[RING_MAC_TO_RRC];
    int n = 0;
    struct mac_ccch_sdu ccch;
    static struct mac_dcch_sdu dcch; /* MAC stage only; large for a stack */
    for (; ring_count(r) < ring_capacity(r) && mac_take_ul_ccch(&p->mac, &ccch); n++)
        push_to_rrc(p, RRC_MSG_UL_CCCH, ccch.rnti, &ccch, ccch.data, ccch.len);
    for (; ring_count(r) < ring_capacity(r) && mac_take_ul_dcch(&p->mac, &dcch); n++)
        push_to_rrc(p, RRC_MSG_UL_DCCH, dcch.rnti, NULL, dcch.data, dcch.len);
    struct mac_ue_event ev;
    for (; ring_count(r) < ring_capacity(r) && mac_take_ue_event(&p->mac, &ev); n++)
        push_to_rrc(p, ev.type == MAC_UE_LOST ? RRC_MSG_UE_LOST : RRC_MSG_UE_DELIVERED, ev.rnti, NULL, NULL, 0);
    if (p->mac_st.have_epoch && p->mac_now_ms >= p->mac_tick_ms + RRC_TICK_MS &&
        ring_count(r) < ring_capacity(r)) {
        push_to_rrc(p, RRC_MSG_TICK, 0, NULL, NULL, 0);
        p->mac_tick_ms = p->mac_now_ms;
        n++;
    }
    return n;
}

/* MAC stage <-> user-plane stage (docs/ARCHITECTURE.md §1.11): DL IP packets from N3 into the UEs' DRBs (a bounded
 * batch per pass), and the IP packets the DRBs delivered to N3. Ring operations only; the UP stage's wake-up is an
 * eventfd write made only when its thread sleeps. */
static int mac_user_plane(struct pipeline *p)
{
    if (!p->up || !p->up->enabled) return 0;
    int n = 0;
    const struct up_pkt *pk;
    for (; n < 64 && (pk = up_stage_dl_peek(p->up)) != NULL; n++) /* mac_dl_data() copies the packet */
        up_stage_dl_done(p->up, mac_dl_data(&p->mac, pk->rnti, pk->drb_id, up_stage_pkt_data(p->up, pk), pk->len) == 0);
    _Static_assert(MAC_DRB_MAX_SDU <= UP_PKT_MAX, "a UL packet of the MAC fits a pool buffer");
    _Static_assert(MAC_UE_DRBS == RRC_UE_DRBS && RRC_UE_DRBS == NG_UE_SESSIONS, "one DRB per PDU session");
    static struct mac_ul_data ul; /* MAC stage only; large for a stack */
    for (; n < 128 && mac_take_ul_data(&p->mac, &ul) > 0; n++)
        up_stage_ul_push(p->up, ul.rnti, ul.drb_id, ul.data, (size_t)ul.len); /* refused: counted in up.ul_dropped */
    return n;
}

/* MAC stage: moves messages; mac/mac.c decides. A tick for UL slot n schedules slot n+k; an epoch start
 * releases every UE and schedules slots 0..k-1 (priming); results go to the MAC tagged with their slot. */
static int mac_step(struct pipeline *p)
{
    /* The watchdog's fault injection: after 1000 slots, spin (claim work, consume nothing) for ever. */
    if (p->fault_stall_mac && p->mac_st.next_slot >= 1000) return 1;
    int did = 0;
    struct rrc_msg *from_rrc;
    while ((from_rrc = ring_peek(&p->rings[RING_RRC_TO_MAC])) != NULL) {
        bool now = from_rrc->epoch == p->mac_st.epoch; /* an older epoch's UEs are gone */
        if (now && (from_rrc->type == RRC_MSG_DL_CCCH || from_rrc->type == RRC_MSG_DL_CCCH_REJECT))
            mac_dl_ccch(&p->mac, from_rrc->rnti, from_rrc->data, from_rrc->len, from_rrc->type == RRC_MSG_DL_CCCH);
        else if (now && from_rrc->type == RRC_MSG_DL_DCCH) {
            if (from_rrc->qam256_pending) mac_ue_dl_table(&p->mac, from_rrc->rnti, false); /* MCS 0 until confirmed */
            mac_dl_dcch(&p->mac, from_rrc->rnti, from_rrc->data, from_rrc->len);
        } else if (now && from_rrc->type == RRC_MSG_DL_256QAM)
            mac_ue_dl_table(&p->mac, from_rrc->rnti, true);
        else if (now && from_rrc->type == RRC_MSG_RELEASE_UE)
            mac_release_ue(&p->mac, from_rrc->rnti);
        else if (now && from_rrc->type == RRC_MSG_DRB_SETUP) {
            if (mac_ue_drb_setup(&p->mac, from_rrc->rnti, &from_rrc->drb) == 0)
                mac_ue_drb_security(&p->mac, from_rrc->rnti, from_rrc->drb.drb_id, &from_rrc->sec);
        } else if (now && from_rrc->type == RRC_MSG_DRB_RELEASE) {
            mac_ue_drb_release(&p->mac, from_rrc->rnti, from_rrc->drb.drb_id);
        } else if (now && (from_rrc->type == RRC_MSG_SECURITY || from_rrc->type == RRC_MSG_CIPHERING))
            mac_ue_srb_security(&p->mac, from_rrc->rnti, from_rrc->has_sec ? &from_rrc->sec : NULL,
                                from_rrc->type == RRC_MSG_CIPHERING);
        else if (!now)
            atomic_fetch_add_explicit(&p->stats.rrc_msg_stale, 1, memory_order_relaxed);
        ring_release(&p->rings[RING_RRC_TO_MAC]);
        advance(p, STAGE_MAC);
        did++;
    }
    did += mac_to_rrc(p) + mac_user_plane(p);
    const struct slot_ind *ind = ring_peek(&p->rings[RING_UL_IND]);
    if (!ind) return did;
    if (ind->type == UL_IND_TICK && (ind->flags & MSG_CELL_EMPTY)) { /* the RRC releases its UEs and tells the core */
        if (ring_room(p, RING_MAC_TO_RRC) == 0) return did + wait_room(p, RING_MAC_TO_RRC);
        if (p->mac_st.have_epoch && ind->epoch == p->mac_st.epoch) push_to_rrc(p, RRC_MSG_CELL_EMPTY, 0, NULL, NULL, 0);
        ring_release(&p->rings[RING_UL_IND]);
        advance(p, STAGE_MAC);
        return did + 1;
    }
    if (ind->type == UL_IND_TICK) {
        /* Room for the worst case (k priming requests plus an end marker) before consuming anything. */
        if (ring_room(p, RING_DL_REQ) < p->tx_advance + 1) return did + wait_room(p, RING_DL_REQ);
        if (ring_room(p, RING_UL_REQ) < p->tx_advance) return did + wait_room(p, RING_UL_REQ);
        if (ind->flags & MSG_EPOCH_START) {
            p->mac_st.epoch = ind->epoch;
            p->mac_st.have_epoch = true;
            mac_epoch_start(&p->mac, ind->epoch);
            mac_tap_tick(&p->tap, &p->mac, ind->epoch, 0, true);
            p->mac_now_ms = 0;
            p->mac_tick_ms = -RRC_TICK_MS;
            for (unsigned i = 0; i < p->tx_advance; i++) schedule_slot(p, ind->epoch, i);
            p->mac_st.next_slot = p->tx_advance;
        } else if (ind->flags & MSG_END) {
            end_dl(p, ind->epoch);
        } else if (p->mac_st.have_epoch && ind->epoch == p->mac_st.epoch) {
            /* Slot n schedules n + k. A wall-clocked radio that lost UL slots skipped their ticks: the slots
             * between are scheduled now too (PHY UL waits for the request of every slot it gets), as many as
             * the rings hold; the rest is skipped (the radio sends late DL as zeros, counted there). */
            p->mac_now_ms = (int64_t)(ind->slot * 10 / (uint64_t)p->mac.slots_per_frame);
            uint64_t target = ind->slot + p->tx_advance;
            uint64_t room = ring_room(p, RING_DL_REQ) - 1;
            if (ring_room(p, RING_UL_REQ) < room) room = ring_room(p, RING_UL_REQ);
            if (target + 1 > p->mac_st.next_slot + room) p->mac_st.next_slot = target + 1 - room;
            for (uint64_t s = p->mac_st.next_slot; s <= target; s++) schedule_slot(p, ind->epoch, s);
            if (target + 1 > p->mac_st.next_slot) p->mac_st.next_slot = target + 1;
            mac_tap_tick(&p->tap, &p->mac, ind->epoch, ind->slot, false);
        } else {
            atomic_fetch_add_explicit(&p->stats.ul_ind_stale, 1, memory_order_relaxed); /* an older epoch's tick */
        }
    } else if (!p->mac_st.have_epoch || ind->epoch != p->mac_st.epoch) {
        atomic_fetch_add_explicit(&p->stats.ul_ind_stale, 1, memory_order_relaxed);
    } else if (ind->type == UL_IND_PRACH) {
        mac_prach_indication(&p->mac, ind->slot, &ind->u.prach);
    } else if (ind->type == UL_IND_PUSCH) {
        mac_tap_ul(&p->tap, ind->slot, &ind->u.pusch.r, tb_pool_at(&p->ul_tbs, ind->u.pusch.tb_index));
        mac_pusch_indication(&p->mac, ind->slot, &ind->u.pusch.r, tb_pool_at(&p->ul_tbs, ind->u.pusch.tb_index));
    } else if (ind->type == UL_IND_PUCCH) {
        mac_pucch_indication(&p->mac, ind->slot, &ind->u.pucch);
    }
    if (ind->type == UL_IND_PUSCH) tb_pool_give_back(&p->ul_tbs, ind->u.pusch.tb_index); /* stale or not */
    ring_release(&p->rings[RING_UL_IND]);
    advance(p, STAGE_MAC);
    return did + 1 + mac_to_rrc(p) + mac_user_plane(p);
}

/* PHY DL: build the slot's samples from the MAC's request. */
static int phy_dl_step(struct pipeline *p)
{
    struct ring *in = &p->rings[RING_DL_REQ], *out = &p->rings[RING_DL_SLOT];
    struct dl_req_msg *req = ring_peek(in);
    if (!req) return 0;
    struct slot_msg *m = ring_reserve(out);
    if (!m) return wait_room(p, RING_DL_SLOT); /* radio TX behind */
    m->epoch = req->epoch;
    m->flags = req->flags;
    m->slot = req->req.slot;
    m->ts = req->req.slot * p->samples_per_slot;
    /* TBs the MAC filled travel as indices into its pool: resolve them here, give them back once encoded. */
    for (int i = 0; i < req->req.n_pdsch && i < DL_MAX_PDSCH; i++)
        if (req->req.pdsch[i].codeword == PHY_DL_CW_TB)
            req->req.pdsch[i].tb = tb_pool_at(&p->mac.dl_tbs, req->req.pdsch[i].tb_index);
    if (phy_dl_slot_empty(&req->req)) { /* nothing to send: zeros, which radio TX has (no memset per slot) */
        m->flags |= MSG_ZEROS;
        ring_commit(out);
        ring_release(in);
        advance(p, STAGE_PHY_DL);
        return 1;
    }
    int dl_rc = phy_dl_process(&p->phy_dl, &req->req, m->samples);
    for (int i = 0; i < req->req.n_pdsch && i < DL_MAX_PDSCH; i++)
        if (req->req.pdsch[i].codeword == PHY_DL_CW_TB) tb_pool_give_back(&p->mac.dl_tbs, req->req.pdsch[i].tb_index);
    if (dl_rc < 0) {
        memset(m->samples, 0, p->samples_per_slot * sizeof(cf_t));
        atomic_fetch_add_explicit(&p->stats.dl_phy_errors, 1, memory_order_relaxed);
    }
    ring_commit(out);
    ring_release(in);
    advance(p, STAGE_PHY_DL);
    return 1;
}

/* The DL slot about to be sent, against the last UL slot radio RX received in the same epoch: the most it was
 * ahead, kept as a high-water mark (radio TX only writes it). A peer-clocked radio asks for DL slot n + k only
 * once UL slot n was received, so the mark stays at k; more would mean the pipeline ran ahead of the peer. */
static void dl_lead(struct pipeline *p, const struct slot_msg *m)
{
    uint64_t pos = atomic_load_explicit(&p->stats.rx_pos, memory_order_relaxed);
    if ((uint32_t)(pos >> 40) != (m->epoch & 0xffffff)) return;
    uint64_t received = pos & ((1ull << 40) - 1);
    if (m->slot + 1 <= received) return; /* behind or level with UL */
    uint64_t lead = m->slot + 1 - received;
    if (lead > atomic_load_explicit(&p->stats.dl_lead_max, memory_order_relaxed))
        atomic_store_explicit(&p->stats.dl_lead_max, lead, memory_order_relaxed);
}

/* Radio TX: hand DL slots to the radio in order. With nothing queued, poll the radio so that a peer-clocked
 * radio notices a new peer; returns -1 when the thread should sleep on its input ring. */
static int radio_tx_step(struct pipeline *p)
{
    struct ring *in = &p->rings[RING_DL_SLOT];
    const struct slot_msg *m = ring_peek(in);
    if (!m) {
        int ready = radio_send(p->radio, NULL, 0, 0, 0);
        return ready > 0 ? -1 : 0;
    }
    if (m->flags & MSG_END) {
        atomic_store(&p->ended, 1);
        ring_release(in);
        advance(p, STAGE_RADIO_TX);
        return 1;
    }
    dl_lead(p, m);
    int rc = radio_send(p->radio, (m->flags & MSG_ZEROS) ? p->zeros : m->samples, p->samples_per_slot, m->ts, m->epoch);
    if (rc == 0 || rc == -ECANCELED) return 0; /* peer not ready yet: keep the slot */
    if (rc == -ESTALE) {
        atomic_fetch_add_explicit(&p->stats.dl_stale, 1, memory_order_relaxed);
    } else if (rc < 0) {
        atomic_fetch_add_explicit(&p->radio->counters.tx_errors, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&p->stats.dl_slots, 1, memory_order_relaxed);
        atomic_store_explicit(&p->stats.last_dl_slot, m->slot, memory_order_relaxed);
    }
    ring_release(in);
    advance(p, STAGE_RADIO_TX);
    return 1;
}

/* A UL-DCCH message from a connected UE (PDCP already removed), through the cell's procedures: the
 * RRCSetupComplete connects it; with no core network configured its NAS message is only logged, and the UE stays
 * on SRB1 until the inactivity timer releases it. */
static void rrc_ul_dcch(struct pipeline *p, const struct rrc_msg *in)
{
    const struct rrc_ul_dcch_msg *msg;
    enum rrc_cell_event ev = rrc_cell_ul_dcch(&p->rrc, in->rnti, in->data, in->len, in->time_ms, &msg);
    if (ev == RRC_EV_UL_DCCH && msg && msg->type == RRC_UL_DCCH_C1 && msg->c1 == RRC_UL_DCCH_UL_INFORMATION_TRANSFER) {
        const struct rrc_ul_information_transfer *t = &msg->ul_information_transfer;
        if (p->ng && p->ng->enabled && t->has_dedicated_nas)
            ng_stage_up(p->ng, NG_UP_UL_NAS, in->rnti, 0, t->dedicated_nas, t->dedicated_nas_len);
        else
            log_info(LOG_RRC, "0x%04x: ULInformationTransfer (NAS %zu bytes): no core network, dropped", in->rnti,
                     t->has_dedicated_nas ? t->dedicated_nas_len : 0);
        return;
    }
    if (ev == RRC_EV_RECONF_COMPLETE) return; /* the cell's next action says so */
    if (ev == RRC_EV_UE_CAPABILITY) {
        const struct rrc_ue_ctx *u = rrc_cell_find(&p->rrc, in->rnti);
        /* the nr container's first octets in hex, for interop notes */
        const struct rrc_ue_capability_information *ci = &msg->ue_capability_information;
        char hex[2 * 96 + 4] = "";
        for (int i = 0; ci->has_container_list && i < ci->nof_containers; i++)
            for (size_t k = 0; ci->container[i].rat_type == RRC_RAT_NR && k < ci->container[i].len && k < 96; k++)
                snprintf(hex + 2 * k, 3, "%02x", ci->bytes[ci->container[i].off + k]);
        log_info(LOG_RRC, "0x%04x: UECapabilityInformation (UE-NR-Capability %zu bytes %s: pdsch-256QAM-FR1 %s, band n%d "
                 "%s%s)%s", in->rnti, u ? u->ue_cap_len : 0, hex, u && u->caps.pdsch_256qam ? "yes" : "no",
                 p->rrc.cfg.band, u && u->caps.band_found ? "listed" : "not found",
                 u && u->caps.pusch_256qam ? " with pusch-256QAM" : "",
                 u && u->qam256 == RRC_QAM256_DUE ? " -> mcs-Table qam256 in the next RRCReconfiguration"
                 : p->rrc.cfg.setup.dl_256qam ? " -> PDSCH stays on the qam64 table" : "");
        /* 38.413 8.14.1: the containers as received, in a UERadioAccessCapabilityInformation, for the AMF */
        uint8_t cap[NGAP_MAX_UE_RADIO_CAP];
        size_t len = 0;
        int rc = rrc_ue_radio_access_cap_info_encode(&msg->ue_capability_information, cap, sizeof cap, &len);
        if (rc == 0)
            ng_stage_up(p->ng, NG_UP_UE_CAPABILITY, in->rnti, 0, cap, len);
        else if (p->ng && p->ng->enabled)
            log_warn(LOG_RRC, "0x%04x: the UE's capabilities do not fit a UE Radio Capability (%s): not sent to "
                     "the AMF", in->rnti, strerror(-rc));
        return;
    }
    if (ev == RRC_EV_SECURITY_COMPLETE || ev == RRC_EV_SECURITY_FAILURE) {
        log_info(LOG_RRC, "0x%04x: %s (transaction %d)", in->rnti,
                 ev == RRC_EV_SECURITY_COMPLETE ? "SecurityModeComplete" : "SecurityModeFailure",
                 msg->security_mode.transaction_id);
        return;
    }
    if (ev != RRC_EV_SETUP_COMPLETE) {
        log_warn(LOG_RRC, "0x%04x: UL-DCCH message of %u bytes %s", in->rnti, in->len,
                 ev == RRC_EV_UNKNOWN_UE ? "from a UE with no RRC context, dropped"
                 : ev == RRC_EV_BAD_MESSAGE ? "does not decode" : "not handled");
        return;
    }
    const struct rrc_setup_complete *sc = &msg->setup_complete;
    char hex[3 * 64 + 4] = "";
    int n = sc->dedicated_nas_len < 64 ? (int)sc->dedicated_nas_len : 64;
    for (int i = 0; i < n; i++) snprintf(hex + 3 * i, 4, "%02x ", sc->dedicated_nas[i]);
    p->rrc_setups_complete++;
    if (p->ng && p->ng->enabled) { /* 38.413 8.6.1: the first NAS message goes to the AMF */
        const struct rrc_ue_ctx *u = rrc_cell_find(&p->rrc, in->rnti);
        ng_stage_up(p->ng, NG_UP_INITIAL_UE, in->rnti, u ? u->establishment_cause : 3, sc->dedicated_nas,
                    sc->dedicated_nas_len);
    }
    log_info(LOG_RRC, "0x%04x: RRCSetupComplete (transaction %d, selectedPLMN-Identity %d): connected on SRB1; "
             "dedicatedNAS-Message %zu bytes: %s%s", in->rnti, sc->transaction_id, sc->selected_plmn_identity,
             sc->dedicated_nas_len, hex, sc->dedicated_nas_len > 64 ? "..." : "");
}

/* A UL-CCCH SDU (Msg3) through the cell's procedures; the DL-CCCH answer (RRCSetup, RRCReject) to the MAC. The
 * caller checked that rrc_to_mac has room. */
static void rrc_ul_ccch(struct pipeline *p, const struct rrc_msg *in)
{
    struct rrc_msg *out = ring_reserve(&p->rings[RING_RRC_TO_MAC]);
    size_t len = 0;
    const struct rrc_ul_ccch_msg *ul = NULL;
    const struct ue_pucch_res *r = &in->res;
    struct rrc_setup_ue_pucch res = {.f1_prb = r->f1_prb, .f1_cs = r->f1_cs, .ack_occ = {r->ack_occ[0], r->ack_occ[1]},
                                     .sr_occ = r->sr_occ, .f2_prb = r->f2_prb, .f2_symbol = r->f2_symbol,
                                     .sr_offset = r->sr_offset};
    bool core_ok = ng_stage_admits_ues(p->ng); /* no UE the core network cannot serve */
    enum rrc_cell_event ev = rrc_cell_ul_ccch(&p->rrc, in->rnti, in->data, in->len, in->time_ms,
                                              in->ue_index >= 0 && core_ok ? &res : NULL, out->data,
                                              sizeof out->data, &len, &ul);
    if (ul && ul->type == RRC_UL_CCCH_SETUP_REQUEST)
        log_info(LOG_RRC, "0x%04x: RRCSetupRequest (ue-Identity %s 0x%010llx, cause %d) -> %s (%zu bytes)%s",
                 in->rnti, ul->setup_request.ue_identity_is_tmsi_part1 ? "ng-5G-S-TMSI-Part1" : "randomValue",
                 (unsigned long long)ul->setup_request.ue_identity, ul->setup_request.establishment_cause,
                 ev == RRC_EV_SETUP ? "RRCSetup" : ev == RRC_EV_REJECT ? "RRCReject" : "no answer", len,
                 ev == RRC_EV_REJECT && !core_ok ? ": the NG interface to the AMF is not up" : "");
    else
        log_warn(LOG_RRC, "0x%04x: UL-CCCH message of %u bytes not handled (%s)", in->rnti, in->len,
                 ev == RRC_EV_BAD_MESSAGE ? "does not decode" : "unsupported");
    if (len == 0) return;
    out->type = ev == RRC_EV_REJECT ? RRC_MSG_DL_CCCH_REJECT : RRC_MSG_DL_CCCH;
    out->epoch = in->epoch;
    out->rnti = in->rnti;
    out->len = (uint32_t)len;
    ring_commit(&p->rings[RING_RRC_TO_MAC]);
}

/* A NAS message as a DLInformationTransfer on SRB1 (38.331 5.7.1); the caller checked rrc_to_mac has room. */
static void rrc_send_dl_nas(struct pipeline *p, uint16_t rnti, const uint8_t *nas, size_t nas_len)
{
    static _Thread_local struct rrc_dl_dcch_msg dl; /* ~9 KB: the RRC thread's own */
    memset(&dl, 0, sizeof dl);
    dl.c1 = RRC_DL_DCCH_DL_INFORMATION_TRANSFER;
    dl.dl_information_transfer.transaction_id = p->rrc_dl_transaction++ & 3;
    dl.dl_information_transfer.has_dedicated_nas = true;
    dl.dl_information_transfer.dedicated_nas_len = nas_len;
    memcpy(dl.dl_information_transfer.dedicated_nas, nas, nas_len);
    struct rrc_msg *out = ring_reserve(&p->rings[RING_RRC_TO_MAC]);
    size_t len = 0;
    if (rrc_dl_dcch_encode(&dl, out->data, sizeof out->data, &len) == 0) {
        out->type = RRC_MSG_DL_DCCH;
        out->epoch = p->rrc_epoch;
        out->rnti = rnti;
        out->len = (uint32_t)len;
        ring_commit(&p->rings[RING_RRC_TO_MAC]);
        log_info(LOG_RRC, "0x%04x: DLInformationTransfer (NAS %zu bytes) on SRB1", rnti, nas_len);
    }
}

/* The DRB as the RRC tells the UE (rrc_drb_params, RRC units) as the MAC sets it up: the same 38.331 values. */
static void drb_to_mac(const struct rrc_drb_params *d, struct mac_drb_config *m)
{
    *m = (struct mac_drb_config){.drb_id = d->drb_id, .lcid = d->lcid, .rlc = rlc_am_config_srb_default,
                                 .pdcp_sn_bits = d->pdcp_sn_bits, .sdap_header_dl = d->sdap_header_dl,
                                 .sdap_header_ul = d->sdap_header_ul, .qfi = d->qfi};
    m->rlc.sn_bits = d->rlc.sn_bits;
    m->rlc.t_poll_retransmit_ms = d->rlc.t_poll_retransmit_ms;
    m->rlc.poll_pdu = d->rlc.poll_pdu == RRC_INFINITY ? RLC_AM_INFINITY : d->rlc.poll_pdu;
    m->rlc.poll_byte = d->rlc.poll_byte == RRC_INFINITY ? RLC_AM_INFINITY : (int64_t)d->rlc.poll_byte * 1024;
    m->rlc.max_retx_threshold = d->rlc.max_retx;
    m->rlc.t_reassembly_ms = d->rlc.t_reassembly_ms;
    m->rlc.t_status_prohibit_ms = d->rlc.t_status_prohibit_ms;
}

/* The core's PDU Session Resource Setup: DRB 1 through the cell's procedures, or the NG stage hears why not. */
static void rrc_pdu_session(struct pipeline *p, const struct ng_dl_msg *m)
{
    int rc = rrc_cell_pdu_session_drb(&p->rrc, m->rnti, m->drb_id, m->pdu_session_id, m->qfi,
                                      m->nas_len ? m->nas : NULL, m->nas_len, p->rrc_now_ms);
    if (rc == 0) {
        log_info(LOG_RRC, "0x%04x: PDU session %d (QFI %d): DRB %d", m->rnti, m->pdu_session_id, m->qfi, m->drb_id);
        return;
    }
    log_warn(LOG_RRC, "0x%04x: PDU session %d refused: %s", m->rnti, m->pdu_session_id,
             rc == -ENOENT ? "no RRC context" : rc == -EBUSY ? "security not on yet"
             : rc == -EEXIST ? "the UE has that DRB or session already" : rc == -ENOSPC ? "the UE has RRC_UE_DRBS DRBs"
                                                                        : strerror(-rc));
    ng_stage_up_session(p->ng, NG_UP_SESSION_FAILED, m->rnti, m->pdu_session_id,
                        rc == -EBUSY ? NGAP_CAUSE_RADIO_INTERACTION_WITH_OTHER_PROCEDURE
                        : rc == -EEXIST ? NGAP_CAUSE_RADIO_MULTIPLE_PDU_SESSION_ID
                        : rc == -ENOSPC ? NGAP_CAUSE_RADIO_RESOURCES_NOT_AVAILABLE : NGAP_CAUSE_RADIO_UNSPECIFIED);
}

/* The core's PDU Session Resource Release: DRB 1 goes through the cell's procedures; when there is nothing to
 * release on the radio side, the NG stage hears at once (it answers the AMF all the same, 38.413 8.2.2.2). */
static void rrc_pdu_session_release(struct pipeline *p, const struct ng_dl_msg *m)
{
    int rc = rrc_cell_pdu_session_release(&p->rrc, m->rnti, m->pdu_session_id, m->nas_len ? m->nas : NULL,
                                          m->nas_len, p->rrc_now_ms);
    if (rc == 0) {
        log_info(LOG_RRC, "0x%04x: PDU session %d release: its DRB goes", m->rnti, m->pdu_session_id);
        return;
    }
    log_warn(LOG_RRC, "0x%04x: PDU session %d release: nothing released on the radio side: %s", m->rnti,
             m->pdu_session_id, rc == -ENOENT ? "no RRC context" : rc == -EBUSY ? "another procedure is running"
                                : rc == -ESRCH ? "no DRB for that session" : strerror(-rc));
    if (m->nas_len && rc != -ENOENT && !rrc_cell_dl_hold(&p->rrc, m->rnti)) /* the NAS message still goes (not */
        rrc_send_dl_nas(p, m->rnti, m->nas, m->nas_len);                    /* before a pending security mode) */
    ng_stage_up(p->ng, NG_UP_SESSION_RELEASED, m->rnti, m->pdu_session_id, NULL, 0);
}

/* The core's Initial Context Setup: the security mode procedure starts (rrc/rrc_cell.h), or the NG stage hears
 * at once why not. */
static void rrc_context_setup(struct pipeline *p, const struct ng_dl_msg *m)
{
    int rc = rrc_cell_context_setup(&p->rrc, m->rnti, m->k_gnb, m->nr_encryption, m->nr_integrity,
                                    m->nas_len ? m->nas : NULL, m->nas_len, p->rrc_now_ms);
    if (rc == 0) {
        const struct rrc_ue_ctx *u = rrc_cell_find(&p->rrc, m->rnti);
        if (m->ue_cap_known) rrc_cell_ue_capability_known(&p->rrc, m->rnti, m->ue_cap_decoded ? &m->ue_caps : NULL);
        log_info(LOG_RRC, "0x%04x: Initial Context Setup: AS security with %s/%s (UE NR algorithms enc 0x%04x int "
                 "0x%04x)%s", m->rnti, rrc_alg_name(true, u->nia), rrc_alg_name(false, u->nea), m->nr_encryption,
                 m->nr_integrity, m->ue_cap_known ? "; the AMF has the UE's radio capability: no UECapabilityEnquiry" : "");
        return;
    }
    int cause = rc == -ENOTSUP ? NGAP_CAUSE_RADIO_ALGORITHMS_NOT_SUPPORTED
                : rc == -ENOENT ? NGAP_CAUSE_RADIO_CONNECTION_WITH_UE_LOST
                : rc == -EBUSY ? NGAP_CAUSE_RADIO_INTERACTION_WITH_OTHER_PROCEDURE
                               : NGAP_CAUSE_RADIO_FAILURE_IN_RADIO_INTERFACE;
    log_warn(LOG_RRC, "0x%04x: Initial Context Setup refused: %s", m->rnti,
             rc == -ENOTSUP ? "no integrity or ciphering algorithm in common with the UE (security.* keys)"
             : rc == -ENOENT ? "no RRC context" : rc == -EBUSY ? "not connected, or security already started"
                                                 : strerror(-rc));
    ng_stage_up(p->ng, NG_UP_CONTEXT_SETUP_FAILED, m->rnti, cause, NULL, 0);
}

/* What the cell's timers ask for now (RRCRelease on SRB1, contexts released), as far as rrc_to_mac has room;
 * the rest waits for the next message or tick. */
static int rrc_actions(struct pipeline *p)
{
    int n = 0;
    struct rrc_cell_action act;
    while (ring_room(p, RING_RRC_TO_MAC) > 0 && rrc_cell_tick(&p->rrc, p->rrc_now_ms, &act)) {
        n++;
        if (act.type == RRC_ACT_CONTEXT_SETUP_DONE || act.type == RRC_ACT_CONTEXT_SETUP_FAILED) {
            bool ok = act.type == RRC_ACT_CONTEXT_SETUP_DONE;
            ng_stage_up(p->ng, ok ? NG_UP_CONTEXT_SETUP_DONE : NG_UP_CONTEXT_SETUP_FAILED, act.rnti,
                        NGAP_CAUSE_RADIO_FAILURE_IN_RADIO_INTERFACE, NULL, 0);
            if (ok)
                log_info(LOG_RRC, "0x%04x: AS security on (SRB1 integrity and ciphering): context set up", act.rnti);
            else
                log_warn(LOG_RRC, "0x%04x: security mode failed (%s): context setup failed", act.rnti,
                         act.sec_failure == RRC_SEC_FAIL_TIMEOUT ? "no answer to the SecurityModeCommand"
                                                                 : "SecurityModeFailure");
            continue;
        }
        if (act.type == RRC_ACT_DL_NAS) {
            rrc_send_dl_nas(p, act.rnti, act.nas, act.nas_len);
            continue;
        }
        if (act.type == RRC_ACT_RELEASE_REQUEST) { /* 38.413 8.3.2: RRCRelease after the AMF's Command */
            log_info(LOG_RRC, "0x%04x: inactive for %lld ms -> the core network is asked to release it", act.rnti,
                     (long long)p->rrc.cfg.inactivity_ms);
            ng_stage_up(p->ng, NG_UP_RELEASE_REQUEST, act.rnti, (int)act.cause, NULL, 0);
            continue;
        }
        if (act.type == RRC_ACT_SESSION_DONE || act.type == RRC_ACT_SESSION_FAILED) {
            bool ok = act.type == RRC_ACT_SESSION_DONE;
            /* logged before the NG stage hears of it: one queue keeps the log in cause-then-effect order */
            if (ok)
                log_info(LOG_RRC, "0x%04x: RRCReconfigurationComplete: DRB %d up (PDU session %d)", act.rnti,
                         act.drb.drb_id, act.drb.pdu_session_id);
            else
                log_warn(LOG_RRC, "0x%04x: no RRCReconfigurationComplete: PDU session %d failed (DRB %d released)",
                         act.rnti, act.drb.pdu_session_id, act.drb.drb_id);
            ng_stage_up_session(p->ng, ok ? NG_UP_SESSION_DONE : NG_UP_SESSION_FAILED, act.rnti,
                                act.drb.pdu_session_id, NGAP_CAUSE_RADIO_FAILURE_IN_RADIO_INTERFACE);
            continue;
        }
        if (act.type == RRC_ACT_SESSION_RELEASED) {
            if (act.unconfirmed)
                log_warn(LOG_RRC, "0x%04x: no RRCReconfigurationComplete for the DRB %d release: released all the same",
                         act.rnti, act.drb.drb_id);
            else
                log_info(LOG_RRC, "0x%04x: RRCReconfigurationComplete: DRB %d released", act.rnti, act.drb.drb_id);
            ng_stage_up(p->ng, NG_UP_SESSION_RELEASED, act.rnti, act.drb.pdu_session_id, NULL, 0);
            continue;
        }
        struct rrc_msg *out = ring_reserve(&p->rings[RING_RRC_TO_MAC]);
        out->epoch = p->rrc_epoch;
        out->rnti = act.rnti;
        out->len = (uint32_t)act.len;
        out->qam256_pending = false;
        memcpy(out->data, act.data, act.len);
        if (act.type == RRC_ACT_SECURITY) {
            out->type = act.ciphering ? RRC_MSG_CIPHERING : RRC_MSG_SECURITY;
            out->has_sec = act.has_sec;
            out->sec = act.sec;
        } else if (act.type == RRC_ACT_DRB_SETUP) {
            out->type = RRC_MSG_DRB_SETUP;
            out->has_sec = true;
            out->sec = act.sec;
            drb_to_mac(&act.drb, &out->drb);
        } else if (act.type == RRC_ACT_RECONFIG) {
            size_t len = 0;
            int rc = rrc_reconfig_build_drb_sp_cell(&act.drb, act.sp_cell, act.nas, act.nas_len, act.transaction_id,
                                                    out->data, sizeof out->data, &len);
            out->type = RRC_MSG_DL_DCCH;
            out->len = (uint32_t)len;
            out->qam256_pending = act.sp_cell != NULL;
            if (rc < 0) { /* cannot happen: the defaults are in range; the guard timer fails the session */
                log_warn(LOG_RRC, "0x%04x: RRCReconfiguration does not build: %s", act.rnti, strerror(-rc));
                continue;
            }
            log_info(LOG_RRC, "0x%04x: RRCReconfiguration (DRB %d on LCID %d%s, NAS %zu bytes; %zu bytes) on SRB1",
                     act.rnti, act.drb.drb_id, act.drb.lcid, act.sp_cell ? ", PDSCH mcs-Table qam256" : "",
                     act.nas_len, len);
        } else if (act.type == RRC_ACT_DL_256QAM) {
            out->type = RRC_MSG_DL_256QAM;
            log_info(LOG_RRC, "0x%04x: RRCReconfigurationComplete: PDSCH mcs-Table qam256 applied", act.rnti);
        } else if (act.type == RRC_ACT_DRB_RELEASE) {
            out->type = RRC_MSG_DRB_RELEASE;
            out->drb.drb_id = act.drb.drb_id;
        } else if (act.type == RRC_ACT_RECONFIG_RELEASE) {
            size_t len = 0;
            int rc = rrc_reconfig_build_drb_release(act.drb.drb_id, act.drb.lcid, act.nas, act.nas_len,
                                                    act.transaction_id, out->data, sizeof out->data, &len);
            out->type = RRC_MSG_DL_DCCH;
            out->len = (uint32_t)len;
            if (rc < 0) { /* cannot happen: ids in range; the guard timer completes the release */
                log_warn(LOG_RRC, "0x%04x: RRCReconfiguration (release) does not build: %s", act.rnti, strerror(-rc));
                continue;
            }
            log_info(LOG_RRC, "0x%04x: RRCReconfiguration (release DRB %d and the RLC bearer on LCID %d, NAS %zu "
                     "bytes; %zu bytes) on SRB1", act.rnti, act.drb.drb_id, act.drb.lcid, act.nas_len, len);
        } else if (act.type == RRC_ACT_DL_DCCH && act.smc) {
            out->type = RRC_MSG_DL_DCCH;
            log_info(LOG_RRC, "0x%04x: SecurityModeCommand (%zu bytes) on SRB1", act.rnti, act.len);
        } else if (act.type == RRC_ACT_DL_DCCH && act.cap_enquiry) {
            out->type = RRC_MSG_DL_DCCH;
            log_info(LOG_RRC, "0x%04x: UECapabilityEnquiry (nr) on SRB1", act.rnti);
        } else if (act.type == RRC_ACT_DL_DCCH) {
            out->type = RRC_MSG_DL_DCCH;
            if (act.cause == RRC_CAUSE_CORE)
                log_info(LOG_RRC, "0x%04x: released by the core network -> RRCRelease (%zu bytes) on SRB1", act.rnti,
                         act.len);
            else
                log_info(LOG_RRC, "0x%04x: inactive for %lld ms -> RRCRelease (%zu bytes) on SRB1", act.rnti,
                         (long long)p->rrc.cfg.inactivity_ms, act.len);
        } else {
            out->type = RRC_MSG_RELEASE_UE;
            ng_stage_up(p->ng, NG_UP_UE_GONE, act.rnti, (int)act.cause, NULL, 0);
            log_info(LOG_RRC, "0x%04x: released (%s); %d of %d UEs hold an RRC context", act.rnti,
                     rrc_release_cause_name(act.cause), p->rrc.nof_ues, p->rrc.cfg.max_ues);
        }
        ring_commit(&p->rings[RING_RRC_TO_MAC]);
    }
    atomic_store_explicit(&p->rrc_releases, p->rrc.stats.releases, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_setup_requests, p->rrc.stats.setup_requests, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_rejects, p->rrc.stats.rejects, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_setup_timeouts, p->rrc.stats.setup_timeouts, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_lost, p->rrc.stats.lost, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_cap_256qam, p->rrc.stats.cap_256qam, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_cap_no_256qam, p->rrc.stats.cap_no_256qam, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_qam256_on, p->rrc.stats.qam256_on, memory_order_relaxed);
    atomic_store_explicit(&p->rrc_connected, (uint64_t)rrc_cell_connected(&p->rrc), memory_order_relaxed);
    return n;
}

/* RRC: each message from the MAC through the cell's procedures (rrc/rrc_cell.h), then the cell's timers at the
 * message's time; answers and commands back to the MAC. */
/* DL NAS messages from the NGAP stage, each as a DLInformationTransfer on SRB1 (38.331 5.7.1), as far as
 * rrc_to_mac has room. */
static int rrc_dl_nas(struct pipeline *p)
{
    int n = 0;
    const struct ng_dl_msg *m;
    while (ring_room(p, RING_RRC_TO_MAC) > 0 && (m = ng_stage_dl_peek(p->ng)) != NULL) {
        if (m->type == NG_DL_RELEASE) { /* the RRCRelease goes out with the cell's next actions */
            if (rrc_cell_request_release(&p->rrc, m->rnti) < 0)
                log_warn(LOG_RRC, "0x%04x: the core released a UE with no RRC context", m->rnti);
        } else if ((m->type == NG_DL_PDU_SESSION_RELEASE || m->type == NG_DL_PDU_SESSION) &&
                   rrc_cell_drb_busy(&p->rrc, m->rnti)) {
            break; /* one DRB procedure per UE at a time: the next session waits (RRC_RECONF_GUARD_MS at most) */
        } else if (m->type == NG_DL_PDU_SESSION_RELEASE) { /* answered even without a context */
            rrc_pdu_session_release(p, m);
        } else if (!rrc_cell_find(&p->rrc, m->rnti)) {
            log_warn(LOG_RRC, "0x%04x: DL NAS message for a UE with no RRC context: dropped", m->rnti);
        } else if (m->type == NG_DL_CONTEXT_SETUP) {
            rrc_context_setup(p, m);
        } else if (m->type == NG_DL_PDU_SESSION) {
            rrc_pdu_session(p, m);

        } else if (rrc_cell_dl_hold(&p->rrc, m->rnti)) {
            break; /* the security mode command is out: the NAS message waits for its answer */
        } else {
            rrc_send_dl_nas(p, m->rnti, m->nas, m->nas_len);
        }
        ng_stage_dl_done(p->ng);
        n++;
    }
    if (n) n += rrc_actions(p);
    return n;
}

static int rrc_step(struct pipeline *p)
{
    int did = rrc_dl_nas(p);
    struct rrc_msg *in;
    while ((in = ring_peek(&p->rings[RING_MAC_TO_RRC])) != NULL) {
        if (in->epoch != p->rrc_epoch) { /* a new peer: the MAC released every UE, so does the RRC */
            p->rrc_epoch = in->epoch;
            rrc_cell_reset(&p->rrc);
            ng_stage_up(p->ng, NG_UP_RESET, 0, 0, NULL, 0);
        }
        if (ring_room(p, RING_RRC_TO_MAC) == 0) return did + wait_room(p, RING_RRC_TO_MAC);
        p->rrc_now_ms = in->time_ms;
        switch (in->type) {
        case RRC_MSG_UL_CCCH: rrc_ul_ccch(p, in); break;
        case RRC_MSG_UL_DCCH: rrc_ul_dcch(p, in); break;
        case RRC_MSG_UE_DELIVERED: rrc_cell_delivered(&p->rrc, in->rnti, in->time_ms); break;
        case RRC_MSG_CELL_EMPTY:
            if (p->rrc.nof_ues > 0)
                log_info(LOG_RRC, "the cell has no radio peer: %d RRC context(s) released", p->rrc.nof_ues);
            rrc_cell_reset(&p->rrc);
            ng_stage_up(p->ng, NG_UP_RESET, 0, 0, NULL, 0); /* UE Context Release Request for each */
            break;
        case RRC_MSG_UE_LOST:
            log_warn(LOG_RRC, "0x%04x: SRB1 reached maxRetxThreshold: radio link failure", in->rnti);
            rrc_cell_ue_lost(&p->rrc, in->rnti, in->time_ms);
            break;
        default: break; /* RRC_MSG_TICK: only time */
        }
        ring_release(&p->rings[RING_MAC_TO_RRC]);
        advance(p, STAGE_RRC);
        did += 1 + rrc_actions(p);
    }
    return did;
}

static int run_stage(struct pipeline *p, enum stage_id s)
{
    beat(p, s);
    switch (s) {
    case STAGE_RADIO_RX: return radio_rx_step(p);
    case STAGE_RADIO_TX: return radio_tx_step(p);
    case STAGE_PHY_UL: return phy_ul_step(p);
    case STAGE_PHY_DL: return phy_dl_step(p);
    case STAGE_MAC: return mac_step(p);
    case STAGE_RRC: return rrc_step(p);
    default: return 0;
    }
}

/* ---- threads ------------------------------------------------------------------------------------------ */

/* Order within a thread follows the data: TX first (send what is ready before blocking on RX), then RX, then
 * the chain UL -> MAC -> DL. */
static const enum stage_id stage_order[STAGE_COUNT] = {STAGE_RADIO_TX, STAGE_RADIO_RX, STAGE_PHY_UL, STAGE_MAC,
                                                       STAGE_PHY_DL, STAGE_RRC};

static void set_thread_params(struct pipeline_thread *t)
{
    pthread_setname_np(pthread_self(), t->name);
    if (t->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(t->cpu, &set);
        int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
        if (rc) log_warn(LOG_GNB, "thread %s: cannot pin to CPU %d: %s (running unpinned)", t->name, t->cpu,
                         strerror(rc));
    }
    bool slot_path = !(t->stages == (1u << STAGE_RRC));
    if (t->p->rt_priority > 0 && slot_path) {
        struct sched_param sp = {.sched_priority = t->p->rt_priority};
        int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
        if (rc) log_warn(LOG_GNB, "thread %s: cannot use SCHED_FIFO priority %d: %s (normal scheduling)", t->name,
                         t->p->rt_priority, strerror(rc));
    }
}

/* One pass over the thread's stages. Returns >0 if anything was done, 0 if idle, -1 if idle and the TX stage
 * asked to sleep on its input. */
static int thread_pass(struct pipeline *p, unsigned stages)
{
    int did = 0, tx_sleep = 0;
    for (int i = 0; i < STAGE_COUNT; i++) {
        enum stage_id s = stage_order[i];
        if (!(stages & (1u << s))) continue;
        int r = run_stage(p, s);
        if (r < 0) tx_sleep = 1;
        else did += r;
    }
    return did ? did : (tx_sleep ? -1 : 0);
}

static void *thread_main(void *arg)
{
    struct pipeline_thread *t = arg;
    struct pipeline *p = t->p;
    set_thread_params(t);
    /* A thread running radio RX blocks inside radio_recv (bounded by the radio's poll interval), so it never
     * sleeps on its rings until radio RX has ended; other threads sleep on their waiter when idle: a pure message
     * thread whenever a pass did nothing, a radio TX thread when the radio said it is ready (-1). The waiter is
     * armed only then, so a busy thread's producers never pay a wake-up (gnb/ring.h: poll first, announce when
     * idle, re-check, sleep). */
    bool blocks_in_radio = t->stages & (1u << STAGE_RADIO_RX);
    bool has_tx = t->stages & (1u << STAGE_RADIO_TX);
    /* Both radio stages on a radio in one-thread mode: recv and send never block, the thread waits in
     * radio_wait() for either (the stages that feed radio TX run here too, so no other thread makes DL). */
    bool radio_waits = blocks_in_radio && has_tx && p->radio->one_thread;
    while (!atomic_load_explicit(&p->stop, memory_order_relaxed) &&
           !atomic_load_explicit(&p->ended, memory_order_relaxed)) {
        int did = thread_pass(p, t->stages);
        if (radio_waits) {
            if (did <= 0) radio_wait(p->radio, IDLE_WAIT_MS);
            continue;
        }
        bool may_sleep = blocks_in_radio ? p->rx.ended : (!has_tx || did < 0);
        if (did > 0 || !may_sleep) continue;
        uint32_t seq = ring_waiter_seq(&t->waiter);
        if (atomic_load(&p->stop) || atomic_load(&p->ended)) break;
        /* The re-check: the other stages pass again; radio TX only looks at its ring (the radio was just polled,
         * and each poll of a ZeroMQ radio costs several system calls). */
        did = thread_pass(p, t->stages & ~(1u << STAGE_RADIO_TX));
        if (did > 0 || (has_tx && ring_count(&p->rings[RING_DL_SLOT]) > 0)) continue;
        ring_waiter_wait(&t->waiter, seq, IDLE_WAIT_MS);
    }
    return NULL;
}

static void add_thread(struct pipeline *p, const char *name, unsigned stages, const struct gnbd_config *cfg,
                       enum stage_id cpu_stage)
{
    struct pipeline_thread *t = &p->threads[p->n_threads++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->stages = stages;
    t->cpu = cfg->threads.cpu[cpu_stage];
    t->p = p;
}

/* Which symbols are DL and UL (38.213 11.1): the configured TDD pattern, or all of them both ways for FDD. */
static int init_slot_pattern(const struct gnbd_config *cfg, const struct cell_geometry *g, struct slot_pattern *sp,
                             char *err, size_t errlen)
{
    if (config_slot_pattern(cfg, g, sp) == 0) return 0;
    snprintf(err, errlen, "pipeline: the TDD pattern (cell.tdd) does not fit its period");
    return -EINVAL;
}

/* The PRACH the SIB1 announces (RACH-ConfigCommon): what the MAC schedules and PHY UL listens to are read back
 * from the same SIB1 the UE decodes, so they cannot disagree. */
static int prach_from_sib1(const struct gnbd_config *cfg, const struct cell_geometry *g, struct mac_prach_config *mp,
                           struct phy_ul_config *uc, char *err, size_t errlen)
{
    struct rrc_sib1 *sib1 = calloc(1, sizeof *sib1); /* large for a stack */
    uint8_t buf[SCHED_SIB1_MAX_BYTES];
    size_t len;
    if (!sib1 || rrc_config_sib1(cfg, sib1, buf, sizeof buf, &len) < 0 || !sib1->has_serving_cell_config_common) {
        free(sib1);
        snprintf(err, errlen, "pipeline: the SIB1 cannot be built");
        return -EINVAL;
    }
    const struct rrc_serving_cell_config_common_sib *scc = &sib1->serving_cell_config_common;
    struct rrc_rach_config_common rach = scc->ul.initial_bwp.rach;
    bool announced = scc->has_ul && scc->ul.initial_bwp.rach_sr == PER_SETUP;
    free(sib1);
    if (!announced) return 0; /* no PRACH in this cell */
    const struct rrc_rach_config_common *r = &rach;
    const struct prach_config_row *row = prach_config_row(g->duplex == BAND_DUPLEX_TDD,
                                                          r->generic.prach_config_index);
    if (!row || r->restricted_set != 0) {
        snprintf(err, errlen, "pipeline: PRACH configuration index %d (%s set) cannot be received",
                 r->generic.prach_config_index, r->restricted_set ? "restricted" : "unrestricted");
        return -EINVAL;
    }
    enum prach_format f = prach_format_a((enum prach_format)row->format);
    int ra_scs = r->has_msg1_scs ? r->msg1_scs_khz : g->scs_khz;
    *mp = (struct mac_prach_config){.enabled = true, .config_index = r->generic.prach_config_index,
                                    .unpaired = g->duplex == BAND_DUPLEX_TDD, .ra_scs_khz = ra_scs,
                                    .msg1_fdm = r->generic.msg1_fdm};
    uc->prach_enabled = true;
    uc->prach_format = f;
    uc->prach_ra_scs_khz = ra_scs;
    uc->prach_root_sequence_index = r->prach_root_sequence_index;
    uc->zero_correlation_zone_config = r->generic.zero_correlation_zone_config;
    uc->msg1_frequency_start = r->generic.msg1_frequency_start;
    uc->msg1_fdm = r->generic.msg1_fdm;
    /* Every preamble is searched, not only the totalNumberOfRA-Preambles announced: a UE may draw any of the
     * 64 (srsUE draws 0..total inclusive), and a preamble we do not expect is still a UE asking. */
    uc->nof_preambles = 64;
    log_info(LOG_PHY, "PRACH: configuration index %d (format %s, %s table), root %d, zeroCorrelationZoneConfig %d, "
             "msg1-FrequencyStart %d, msg1-FDM %d", r->generic.prach_config_index,
             prach_format_params(f) ? prach_format_params(f)->name : "?", mp->unpaired ? "unpaired" : "paired",
             r->prach_root_sequence_index, r->generic.zero_correlation_zone_config, r->generic.msg1_frequency_start,
             r->generic.msg1_fdm);
    return 0;
}

/* Random access as the SIB1 announces it: SS#1 on CORESET#0, the PDSCH and PUSCH lists' row 0, the window; Msg3
 * PRBs after the PRACH's (and after the UL probe's PUSCH when that test mode is on). */
static int ra_config_from_cell(const struct gnbd_config *cfg, const struct cell_geometry *g, struct ra_config *rc)
{
    struct sib1_cell_desc d;
    int prach_first, prach_last;
    if (rrc_config_sib1_desc(cfg, &d) < 0 || config_prach_prbs(cfg, g, &prach_first, &prach_last) < 0) return -EINVAL;
    *rc = (struct ra_config){.pci = cfg->cell.pci, .nof_prb = g->nof_prb, .scs_khz = g->scs_khz,
                             .sample_rate_hz = config_sample_rate(cfg),
                             .dmrs_type_a_position = cfg->cell.dmrs_type_a_position,
                             .pdsch_start_symbol = g->coreset0.nof_symb,
                             .pdsch_nof_symbols = 14 - g->coreset0.nof_symb, .msg3_k2 = d.msg3_k2,
                             .ra_response_window = d.ra_response_window, .rar_mcs = 2,
                             .msg3_prb_start = prach_last + 2, .msg3_nof_prb = 3, .msg3_mcs = 2,
                             .pucch_resource_common = d.pucch_resource_common};
    if (config_slot_pattern(cfg, g, &rc->pattern) < 0) return -EINVAL;
    memcpy(rc->ss1_candidates, d.ss1_candidates, sizeof rc->ss1_candidates); /* SS#1 as SIB1 declares it */
    rc->con_res_fault = cfg->test.msg4_con_res_fault;
    const struct ul_probe_config *pr = &cfg->test.ul_probe;
    int msg3_last = rc->msg3_prb_start + 4 * rc->msg3_nof_prb - 1;
    if (pr->enabled && pr->pusch_nof_prb > 0 && rc->msg3_prb_start <= pr->pusch_prb_start + pr->pusch_nof_prb - 1 &&
        pr->pusch_prb_start <= msg3_last)
        rc->msg3_prb_start = pr->pusch_prb_start + pr->pusch_nof_prb;
    if (pdcch_coreset0(&rc->coreset0, g->coreset0_crb_start, g->coreset0.nof_rb, g->coreset0.nof_symb, 0,
                       (uint16_t)cfg->cell.pci) < 0)
        return -EINVAL;
    struct ra probe_ra;
    return ra_init(&probe_ra, rc);
}

/* The MAC, the PHY DL and PHY UL processors, from the cell geometry and the broadcast channels. */
static int init_cell(struct pipeline *p, const struct gnbd_config *cfg, double rate, char *err, size_t errlen)
{
    struct cell_geometry g;
    if (config_cell_geometry(cfg, &g) < 0) {
        snprintf(err, errlen, "pipeline: the cell geometry cannot be derived (run gnbd --check-config)");
        return -EINVAL;
    }
    if (g.ssb_first_subcarrier < 0) {
        snprintf(err, errlen, "pipeline: an SSB SCS (%d kHz) other than the carrier SCS (%d kHz) is not supported",
                 g.ssb_scs_khz, g.scs_khz);
        return -EINVAL;
    }
    const char *fault = getenv("GNBD_FAULT");
    bool no_phase = fault && strcmp(fault, "phase") == 0;
    bool bad_pbch = fault && strcmp(fault, "pbch_scrambling") == 0;
    bool bad_pdsch = fault && strcmp(fault, "pdsch_scrambling") == 0;
    p->fault_stall_mac = fault && strcmp(fault, "stall_mac") == 0;
    p->fault_slow_phy_ul = fault && strcmp(fault, "slow_phy_ul") == 0;
    if (p->fault_slow_phy_ul) log_warn(LOG_PHY, "GNBD_FAULT=slow_phy_ul: PHY UL idles every other turn (test only)");
    if (p->fault_stall_mac) log_warn(LOG_MAC, "GNBD_FAULT=stall_mac: the MAC stage stops consuming after 1000 slots "
                                     "(watchdog test only)");
    if (no_phase) log_warn(LOG_PHY, "GNBD_FAULT=phase: transmitting WITHOUT the 38.211 5.4 phase term (test only)");
    if (bad_pbch) log_warn(LOG_PHY, "GNBD_FAULT=pbch_scrambling: PBCH scrambled for the wrong cell ID (test only)");
    if (bad_pdsch) log_warn(LOG_PHY, "GNBD_FAULT=pdsch_scrambling: PDSCH scrambled for the wrong n_ID (test only)");
    if (fault && *fault && !no_phase && !bad_pbch && !bad_pdsch && !p->fault_stall_mac && !p->fault_slow_phy_ul)
        log_warn(LOG_PHY, "GNBD_FAULT=%s is not a known fault (phase, pbch_scrambling, pdsch_scrambling, stall_mac, "
                 "slow_phy_ul): ignored",
                 fault);
    struct phy_dl_config dc = {.pci = cfg->cell.pci, .nof_prb = g.nof_prb, .scs_khz = g.scs_khz,
                               .sample_rate_hz = rate, .f0_hz = no_phase ? 0.0 : (double)g.dl_freq_hz,
                               .ssb_first_subcarrier = g.ssb_first_subcarrier, .ssb_l_max = g.ssb_l_max,
                               .k_ssb = g.k_ssb, .fault_pbch_scrambling = bad_pbch,
                               .fault_pdsch_scrambling = bad_pdsch};
    if (phy_dl_init(&p->phy_dl, &dc) < 0) {
        snprintf(err, errlen, "pipeline: PHY DL cannot be set up for %d PRB at %.0f Hz", g.nof_prb, rate);
        return -EINVAL;
    }
    p->phy_dl_ok = true;
    if ((size_t)phy_dl_slot_samples(&p->phy_dl) != p->samples_per_slot) {
        snprintf(err, errlen, "pipeline: PHY slot of %d samples differs from the radio slot of %zu",
                 phy_dl_slot_samples(&p->phy_dl), p->samples_per_slot);
        return -EINVAL;
    }
    struct sched_common_config sc = {.scs_khz = g.scs_khz, .ssb_first_subcarrier = g.ssb_first_subcarrier,
                                     .sib1 = true};
    broadcast_ssb_burst(cfg, &g, &sc.burst);
    broadcast_mib(cfg, &g, &sc.mib);
    struct broadcast_sib1 sib1;
    char why[400];
    if (broadcast_sib1(cfg, &g, &sib1, why, sizeof why) < 0) {
        snprintf(err, errlen, "pipeline: %s", why);
        return -EINVAL;
    }
    sc.sib1_plan = sib1.plan;
    /* SIB1 changes only with the configuration: its DL-SCH codeword is made once, here. */
    if (phy_dl_set_codeword(&p->phy_dl, PHY_DL_CW_SIB1, &sib1.plan.dlsch, sib1.tb) < 0) {
        snprintf(err, errlen, "pipeline: the SIB1 codeword cannot be encoded (TBS %d, G %d)", sib1.plan.tbs,
                 sib1.plan.g);
        return -EINVAL;
    }
    struct mac_config mc = {.common = sc, .scs_khz = g.scs_khz, .sample_rate_hz = rate, .pci = cfg->cell.pci,
                            .nof_prb = g.nof_prb, .dmrs_type_a_position = cfg->cell.dmrs_type_a_position,
                            .ul_probe = cfg->test.ul_probe};
    link_adapt_config_default(&mc.la); /* UE MCSs: the "mac" group's bounds over the module's loop */
    mc.la.dl_mcs_max = cfg->mac.dl_mcs_max;
    mc.la.ul_mcs_max = cfg->mac.ul_mcs_max;
    mc.la.fixed_dl_mcs = cfg->mac.fixed_dl_mcs;
    mc.la.fixed_ul_mcs = cfg->mac.fixed_ul_mcs;
    mc.la.target_bler = (float)cfg->mac.target_bler;
    /* DCI 1_1 and 0_1 in SS#2 sized as the UEs size them from RRCSetup; the 38.212 7.3.1.0 size budget;
     * mac.dl_256qam: Table 5.1.3.1-2 (mac/ue.h) */
    struct rrc_dci_budget db;
    int drc = rrc_config_dci(cfg, &mc.dci_1_1, &mc.dci_0_1, &db);
    if (drc == -E2BIG) {
        int len = snprintf(err, errlen, "pipeline: the RRCSetup of this configuration makes a UE monitor %d DCI sizes "
                           "with C-RNTI and %d in all (38.212 7.3.1.0 allows 3 and 4):", db.c_rnti_sizes,
                           db.total_sizes);
        for (int k = 0; k < db.n && len > 0 && (size_t)len < errlen; k++)
            len += snprintf(err + len, errlen - (size_t)len, " %s %d", db.e[k].what, db.e[k].bits);
        return -EINVAL;
    }
    if (drc < 0) {
        snprintf(err, errlen, "pipeline: no DCI 1_1 / 0_1 sizing from the RRCSetup of this configuration (%d)", drc);
        return -EINVAL;
    }
    mc.uss_non_fallback = true;
    mc.dl_256qam = cfg->mac.dl_256qam;
    struct phy_ul_config uc = {.pci = cfg->cell.pci, .nof_prb = g.nof_prb, .scs_khz = g.scs_khz,
                               .sample_rate_hz = rate,
                               .f0_hz = (double)(g.duplex == BAND_DUPLEX_TDD ? g.dl_freq_hz : g.ul_freq_hz),
                               .tdd = g.duplex == BAND_DUPLEX_TDD};
    if (init_slot_pattern(cfg, &g, &mc.pattern, err, errlen) < 0) return -EINVAL;
    if (prach_from_sib1(cfg, &g, &mc.prach, &uc, err, errlen) < 0) return -EINVAL;
    if (mc.prach.enabled && config_prach_prbs(cfg, &g, &mc.prach.prb_first, &mc.prach.prb_last) < 0)
        mc.prach.prb_last = -1;
    if (mc.prach.enabled && ra_config_from_cell(cfg, &g, &mc.ra) == 0) mc.ra_enabled = true;
    struct rrc_setup_cell_desc sd;
    if (rrc_config_setup_desc(cfg, &sd) == 0 && rrc_config_uss(cfg, &mc.uss) == 0) {
        mc.sr_period = sd.sr_period_slots;
    }
    else if (mc.prach.enabled) log_warn(LOG_MAC, "random access: no room for RAR/Msg3 in this cell; preambles "
                                        "are detected and logged, not answered");
    if (mac_init(&p->mac, &mc) < 0) {
        snprintf(err, errlen, "pipeline: the scheduler cannot be set up (PRACH configuration index %d: no valid "
                 "occasion in this cell, or not whole samples at %.0f Hz; or a UL probe the PHY cannot receive)",
                 mc.prach.config_index, rate);
        return -EINVAL;
    }
    if (mc.ra.con_res_fault)
        log_warn(LOG_MAC, "test.msg4_con_res_fault: every Msg4's contention resolution identity is corrupted (test mode)");
    if (mc.ul_probe.enabled)
        log_warn(LOG_MAC, "test.ul_probe: a fixed UL schedule for rnti 0x%04x every %d slots (offset %d): PUSCH %d "
                 "PRB from %d MCS %d, PUCCH %s (test mode)", mc.ul_probe.rnti, mc.ul_probe.period,
                 mc.ul_probe.offset, mc.ul_probe.pusch_nof_prb, mc.ul_probe.pusch_prb_start, mc.ul_probe.pusch_mcs,
                 (const char *[]){"none", "format 0", "format 1", "format 2"}[mc.ul_probe.pucch_format]);
    if (mc.prach.enabled) uc.history_slots = sched_prach_history_slots(&p->mac.prach);
    struct rrc_cell_config rcc = {.max_ues = cfg->rrc.max_ues, .reject_wait_time_s = cfg->rrc.reject_wait_time_s,
                                  .inactivity_ms = 1000 * (int64_t)cfg->rrc.inactivity_timer_s,
                                  .core_release = cfg->ngap.amf_addr[0] != '\0', .band = cfg->cell.band,
                                  .qam256_unclaimed = cfg->mac.dl_256qam_unclaimed};
    _Static_assert(CONFIG_NAME_LIST_MAX <= RRC_SEC_MAX_ALGS, "security lists fit the RRC's");
    rcc.sec.n_integrity = cfg->security.integrity.n; /* 0: the RRC's defaults, those documented for the keys */
    rcc.sec.n_ciphering = cfg->security.ciphering.n;
    memcpy(rcc.sec.integrity, cfg->security.integrity.v, sizeof cfg->security.integrity.v);
    memcpy(rcc.sec.ciphering, cfg->security.ciphering.v, sizeof cfg->security.ciphering.v);
    if (cfg->mac.dl_256qam_unclaimed && !cfg->mac.dl_256qam)
        log_warn(LOG_RRC, "mac.dl_256qam_unclaimed = true has no effect: mac.dl_256qam is false (no UE gets the "
                 "256QAM table)");
    if (rrc_config_setup_desc(cfg, &rcc.setup) < 0 || rrc_cell_init(&p->rrc, &rcc) < 0) {
        snprintf(err, errlen, "pipeline: the RRCSetup cannot be built for this cell");
        return -EINVAL;
    }
    p->rrc_ok = true;
    if (phy_ul_init(&p->phy_ul, &uc) < 0) {
        snprintf(err, errlen, "pipeline: PHY UL cannot be set up for %d PRB at %.0f Hz", g.nof_prb, rate);
        return -EINVAL;
    }
    p->phy_ul_ok = true;
    const struct sched_sib1_plan *sp = &sib1.plan;
    log_info(LOG_MAC, "SIB1: %zu bytes in slot %d of %s frames, DCI 1_0 SI-RNTI AL%d CCE %d, PDSCH CRB %d..%d "
             "symbols %d..%d, MCS %d, TBS %d", sib1.len, sp->slot, sp->sfn_parity ? "odd" : "even", sp->al,
             sp->first_cce, sp->grant.crb_start, sp->grant.crb_start + sp->grant.nof_rb - 1, sp->grant.start_symbol,
             sp->grant.start_symbol + sp->grant.nof_symbols - 1, sp->mcs, sp->tbs);
    log_info(LOG_PHY, "cell: PCI %d, %d PRB, SSB at subcarrier %d (k_SSB %d, offsetToPointA %d, SSB ARFCN %u), "
             "CORESET#0 index %d at CRB %d", cfg->cell.pci, g.nof_prb, g.ssb_first_subcarrier, g.k_ssb,
             g.offset_to_point_a, g.ssb_arfcn, g.coreset0_index, g.coreset0_crb_start);
    return 0;
}

/* The MAC stage's exports (gnb/mac_tap.h): the UE table; the MAC pcap when log.mac_pcap names a file, its records
 * sized for the largest TB either way. */
static int init_tap(struct pipeline *p, const struct gnbd_config *cfg, char *err, size_t errlen)
{
    size_t max_pdu = p->mac.dl_tbs.size > (size_t)p->phy_ul.tb_max ? p->mac.dl_tbs.size : (size_t)p->phy_ul.tb_max;
    int rc = mac_tap_init(&p->tap, cfg->cell.scs_khz, cfg->cell.duplex == DUPLEX_TDD, cfg->log.mac_pcap, max_pdu,
                          err, errlen);
    if (rc == 0 && p->tap.pcap.open)
        log_info(LOG_MAC, "MAC pcap: writing every MAC PDU (RAR, Msg3, Msg4, SRB1, PUSCH) to %s", cfg->log.mac_pcap);
    return rc;
}

int pipeline_init(struct pipeline *p, const struct gnbd_config *cfg, struct radio *radio, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->radio = radio;
    p->mapping = cfg->threads.mapping;
    p->rt_priority = cfg->threads.rt_priority;
    p->tx_advance = (unsigned)cfg->radio.tx_advance_slots;
    double rate = config_sample_rate(cfg);
    p->samples_per_slot = pipeline_samples_per_slot(rate, cfg->cell.scs_khz);
    if (p->samples_per_slot == 0 || p->tx_advance == 0 || p->tx_advance + 2 > SLOT_RING_CAPACITY) {
        snprintf(err, errlen, "pipeline: invalid slot size %zu or TX advance %u", p->samples_per_slot, p->tx_advance);
        return -EINVAL;
    }
    if (init_cell(p, cfg, rate, err, errlen) < 0) {
        pipeline_free(p);
        return -EINVAL;
    }
    size_t sizes[RING_COUNT] = {slot_msg_size(p), sizeof(struct slot_ind), sizeof(struct dl_req_msg),
                                slot_msg_size(p), sizeof(struct rrc_msg), sizeof(struct rrc_msg),
                                sizeof(struct ul_req_msg)};
    size_t caps[RING_COUNT] = {SLOT_RING_CAPACITY, MSG_RING_CAPACITY, MSG_RING_CAPACITY, SLOT_RING_CAPACITY,
                               MSG_RING_CAPACITY, MSG_RING_CAPACITY, MSG_RING_CAPACITY};
    for (int i = 0; i < RING_COUNT; i++) {
        if (ring_init(&p->rings[i], sizes[i], caps[i]) < 0) {
            snprintf(err, errlen, "pipeline: cannot allocate ring %s", ring_names[i]);
            pipeline_free(p);
            return -ENOMEM;
        }
    }
    p->rx_scratch = aligned_alloc(64, slot_msg_size(p));
    p->zeros = calloc(p->samples_per_slot, sizeof(cf_t));
    /* Enough TB buffers for every PUSCH indication the UL indication ring can hold. */
    int prc = tb_pool_init(&p->ul_tbs, MSG_RING_CAPACITY, (size_t)p->phy_ul.tb_max);
    if (!p->rx_scratch || !p->zeros || prc < 0) {
        pipeline_free(p);
        return -ENOMEM;
    }
    if (init_tap(p, cfg, err, errlen) < 0) {
        pipeline_free(p);
        return -EINVAL;
    }

    const unsigned all = (1u << STAGE_COUNT) - 1;
    switch (p->mapping) {
    case THREADS_SINGLE:
        radio_set_one_thread(p->radio); /* when it can wait for both directions at once (else it blocks in each) */
        add_thread(p, "gnb-slot", all, cfg, STAGE_RADIO_RX);
        break;
    case THREADS_COMPACT:
        /* Nothing to block on but the clock, or a radio that waits for both directions in one call: one slot
         * thread, no hand-offs per slot. */
        if (radio_no_device(p->radio) || radio_set_one_thread(p->radio) == 0) {
            add_thread(p, "gnb-slot", all & ~(1u << STAGE_RRC), cfg, STAGE_PHY_UL);
            add_thread(p, "gnb-rrc", 1u << STAGE_RRC, cfg, STAGE_RRC);
            break;
        }
        add_thread(p, "gnb-radio-rx", 1u << STAGE_RADIO_RX, cfg, STAGE_RADIO_RX);
        add_thread(p, "gnb-radio-tx", 1u << STAGE_RADIO_TX, cfg, STAGE_RADIO_TX);
        add_thread(p, "gnb-slot", (1u << STAGE_PHY_UL) | (1u << STAGE_MAC) | (1u << STAGE_PHY_DL), cfg,
                   STAGE_PHY_UL);
        add_thread(p, "gnb-rrc", 1u << STAGE_RRC, cfg, STAGE_RRC);
        break;
    case THREADS_PER_LAYER:
    default:
        for (int s = 0; s < STAGE_COUNT; s++) {
            char name[16];
            snprintf(name, sizeof name, "gnb-%s", stage_names[s]);
            add_thread(p, name, 1u << s, cfg, (enum stage_id)s);
        }
        break;
    }
    /* A producer may sleep on a full ring only when its consumer runs on another thread. */
    static const enum stage_id ring_producer[RING_COUNT] = {STAGE_RADIO_RX, STAGE_PHY_UL, STAGE_MAC, STAGE_PHY_DL,
                                                            STAGE_MAC, STAGE_RRC, STAGE_MAC};
    for (int r = 0; r < RING_COUNT; r++)
        for (int i = 0; i < p->n_threads; i++) {
            unsigned st = p->threads[i].stages;
            if ((st & (1u << ring_producer[r])) && !(st & (1u << ring_consumer[r]))) p->wait_when_full[r] = true;
        }
    /* Each ring wakes the thread that runs its consumer stage. */
    for (int i = 0; i < p->n_threads; i++) ring_waiter_init(&p->threads[i].waiter);
    for (int r = 0; r < RING_COUNT; r++)
        for (int i = 0; i < p->n_threads; i++)
            if (p->threads[i].stages & (1u << ring_consumer[r])) ring_set_waiter(&p->rings[r], &p->threads[i].waiter);
    return 0;
}

int pipeline_start(struct pipeline *p)
{
    int trc = mac_tap_start(&p->tap);
    if (trc < 0) {
        log_error(LOG_GNB, "cannot start the MAC pcap writer: %s", strerror(-trc));
        return trc;
    }
    if (p->ng && p->ng->enabled) /* DL NAS messages wake the thread that runs the RRC stage */
        for (int i = 0; i < p->n_threads; i++)
            if (p->threads[i].stages & (1u << STAGE_RRC)) ring_set_waiter(&p->ng->to_rrc, &p->threads[i].waiter);
    for (int i = 0; i < p->n_threads; i++) {
        int rc = pthread_create(&p->threads[i].tid, NULL, thread_main, &p->threads[i]);
        if (rc) {
            log_error(LOG_GNB, "cannot start thread %s: %s", p->threads[i].name, strerror(rc));
            pipeline_stop(p);
            return -rc;
        }
        p->threads[i].running = true;
    }
    return 0;
}

void pipeline_stop(struct pipeline *p)
{
    atomic_store(&p->stop, 1);
    for (int i = 0; i < p->n_threads; i++) ring_waiter_wake(&p->threads[i].waiter);
    bool joined = false;
    for (int i = 0; i < p->n_threads; i++) {
        if (p->threads[i].running) pthread_join(p->threads[i].tid, NULL);
        joined |= p->threads[i].running;
        p->threads[i].running = false;
    }
    const struct pipeline_stats *st = &p->stats;
    if (joined)
        log_info(LOG_GNB, "pipeline stopped: %llu UL / %llu DL slots; UL slot ring full %llu times (radio RX slept "
                 "%llu), UL slots dropped %llu, markers deferred %llu, stale: UL indications %llu, RRC messages %llu; "
                 "DL at most %llu slots ahead of UL",
                 (unsigned long long)st->ul_slots, (unsigned long long)st->dl_slots,
                 (unsigned long long)st->ul_ring_full, (unsigned long long)st->rx_full_waits,
                 (unsigned long long)st->ul_dropped, (unsigned long long)st->ul_markers_deferred,
                 (unsigned long long)st->ul_ind_stale, (unsigned long long)st->rrc_msg_stale,
                 (unsigned long long)st->dl_lead_max);
}

void pipeline_free(struct pipeline *p)
{
    for (int i = 0; i < RING_COUNT; i++) ring_free(&p->rings[i]);
    free(p->rx_scratch);
    p->rx_scratch = NULL;
    free(p->zeros);
    p->zeros = NULL;
    tb_pool_free(&p->ul_tbs);
    mac_tap_free(&p->tap); /* after the threads: every record queued is written, then the file closed */
    if (p->phy_dl_ok) phy_dl_free(&p->phy_dl);
    if (p->phy_ul_ok) phy_ul_free(&p->phy_ul);
    mac_free(&p->mac);
    if (p->rrc_ok) rrc_cell_free(&p->rrc);
    p->rrc_ok = false;
    p->phy_dl_ok = p->phy_ul_ok = false;
}

int pipeline_run_single(struct pipeline *p, uint64_t max_ul_slots)
{
    const unsigned all = (1u << STAGE_COUNT) - 1;
    while (!atomic_load(&p->stop) && !atomic_load(&p->ended)) {
        if (max_ul_slots && atomic_load(&p->stats.ul_slots) >= max_ul_slots) break;
        if (thread_pass(p, all) <= 0 && p->radio->one_thread) radio_wait(p->radio, IDLE_WAIT_MS);
    }
    return 0;
}

bool pipeline_ended(const struct pipeline *p) { return atomic_load(&p->ended) != 0; }

size_t pipeline_ring_high_water(const struct pipeline *p, enum pipe_ring r)
{
    return ring_high_water(&p->rings[r]);
}

double pipeline_thread_cpu_seconds(const struct pipeline *p, int i)
{
    if (i < 0 || i >= p->n_threads || !p->threads[i].running) return 0;
    clockid_t cid;
    struct timespec ts;
    if (pthread_getcpuclockid(p->threads[i].tid, &cid) || clock_gettime(cid, &ts)) return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
