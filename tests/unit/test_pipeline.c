/* gnb/pipeline: the epoch rules of the slot path (docs/ARCHITECTURE.md §1.4) and the counters that show them,
 * on one thread with a scripted radio (its stages run one by one, in any order the test needs):
 *   - an epoch-start marker that meets a full UL slot ring is held, counted (slots.ul_markers_deferred), and
 *     sent before any later slot: the MAC adopts the new epoch and primes it;
 *   - UL indications (a tick, a PRACH result, a PUSCH result with a TB from the pool) of an epoch the MAC has
 *     left are dropped and counted (slots.ul_ind_stale), the TB goes back to the pool;
 *   - RRC -> MAC messages of an earlier epoch are dropped and counted (slots.rrc_msg_stale), and do not reach
 *     the MAC (an old epoch's RRCSetup must not become a Msg4 in the new one);
 *   - with a user-plane stage (gnb/up_stage.h, its thread not started: the test produces on its DL ring), the MAC
 *     stage drains DL packets into mac_dl_data() and gives every buffer back; with no such UE the MAC refuses
 *     them (up.mac_rejected).
 * The pipeline's own source is included: the messages on its rings are private to it. */
#include "gnb/pipeline.c"

#include <check.h>
#include <unistd.h>

#include "gnb/config.h"
#include "gnb/config_geometry.h"
#include "tests/unit/check_run.h"

/* A wall-clocked radio that returns zeros slot by slot; the test starts a new epoch when it wants one. */
struct script {
    uint32_t epoch;            /* current epoch, 0 before the first */
    uint32_t next_epoch;       /* != epoch: announce it on the next recv */
    uint64_t ts;               /* next sample of the current epoch */
    uint64_t sent[4];          /* DL slots sent per epoch (1..3) */
};

static ssize_t script_recv(struct radio *r, cf_t *buf, size_t n, uint64_t *ts, uint32_t *epoch)
{
    struct script *s = r->priv;
    if (s->next_epoch != s->epoch) {
        s->epoch = s->next_epoch;
        s->ts = 0;
        atomic_store(&r->epoch, s->epoch);
        *epoch = s->epoch;
        return RADIO_NEW_EPOCH;
    }
    memset(buf, 0, n * sizeof *buf);
    *ts = s->ts;
    *epoch = s->epoch;
    s->ts += n;
    return (ssize_t)n;
}

static int script_send(struct radio *r, const cf_t *buf, size_t n, uint64_t ts, uint32_t epoch)
{
    (void)buf;
    (void)ts;
    struct script *s = r->priv;
    if (epoch != s->epoch) return -ESTALE;
    if (epoch < 4) s->sent[epoch]++;
    return (int)n;
}

static const struct radio_ops script_ops = {.name = "script", .clocking = RADIO_WALL_CLOCKED,
                                            .recv = script_recv, .send = script_send};

static struct gnbd_config cfg;
static struct radio radio;
static struct script script;
static struct pipeline pipe_;

static void setup(void)
{
    static const char conf[] =
        "cell: { pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; scs_khz = 15; mcc = \"001\";\n"
        "        mnc = \"01\"; tac = 7; coreset0_index = 6; searchspace0_index = 0; };\n"
        "radio: { device = \"null\"; };\n"
        "threads: { mapping = \"single\"; };\n";
    config_geometry_register();
    ck_assert_int_eq(config_load_string(&cfg, conf, "test_pipeline", stderr), 0);
    memset(&script, 0, sizeof script);
    script.next_epoch = 1;
    radio = (struct radio){.ops = &script_ops, .priv = &script};
    char err[256] = "";
    ck_assert_msg(pipeline_init(&pipe_, &cfg, &radio, err, sizeof err) == 0, "%s", err);
}

static void teardown(void) { pipeline_free(&pipe_); }

static uint64_t stat(_Atomic uint64_t *c) { return atomic_load(c); }

/* Every stage but radio RX until none has anything left to do. */
static void drain(struct pipeline *p)
{
    const unsigned all_but_rx = ((1u << STAGE_COUNT) - 1) & ~(1u << STAGE_RADIO_RX);
    for (int i = 0; i < 1000 && thread_pass(p, all_but_rx) > 0; i++) {}
}

/* n UL slots (or markers) in, each followed by everything it causes. */
static void run_slots(struct pipeline *p, int n)
{
    for (int i = 0; i < n; i++) {
        ck_assert_int_gt(run_stage(p, STAGE_RADIO_RX), 0);
        drain(p);
    }
}

START_TEST(marker_meeting_a_full_ring_is_held_then_sent_first)
{
    struct pipeline *p = &pipe_;
    run_slots(p, 1 + 5);                      /* epoch 1: its marker and 5 slots */
    ck_assert_uint_eq(p->mac_st.epoch, 1);
    /* PHY UL stops taking slots: radio RX fills the UL slot ring; a wall-clocked radio then loses slots. */
    for (int i = 0; i < SLOT_RING_CAPACITY; i++) ck_assert_int_gt(run_stage(p, STAGE_RADIO_RX), 0);
    ck_assert_uint_eq(ring_count(&p->rings[RING_UL_SLOT]), SLOT_RING_CAPACITY);
    ck_assert_uint_eq(stat(&p->stats.ul_markers_deferred), 0);
    script.next_epoch = 2;                    /* the stream restarts while the ring is full */
    ck_assert_int_gt(run_stage(p, STAGE_RADIO_RX), 0);
    ck_assert_uint_eq(stat(&p->stats.ul_markers_deferred), 1);
    ck_assert_uint_eq(p->rx_pending_flags, MSG_EPOCH_START);
    uint64_t dropped = stat(&p->stats.ul_dropped);
    ck_assert_int_gt(run_stage(p, STAGE_RADIO_RX), 0);  /* epoch 2's slot 0: no room, and the marker goes first */
    ck_assert_uint_eq(stat(&p->stats.ul_dropped), dropped + 1);
    /* PHY UL works again: the held marker goes out before any later slot, and the MAC moves to epoch 2. */
    drain(p);
    ck_assert_uint_eq(p->mac_st.epoch, 1); /* the ring was still full: nothing of epoch 2 was sent yet */
    run_slots(p, 3);
    ck_assert_uint_eq(p->rx_pending_flags, 0);
    ck_assert_uint_eq(p->mac_st.epoch, 2);
    ck_assert_uint_eq(stat(&p->stats.ul_markers_deferred), 1);
    ck_assert_uint_gt(script.sent[2], 0);     /* DL of the new epoch reaches the radio (the priming) */
    ck_assert_uint_eq(stat(&p->stats.ul_ind_stale), 0);
}
END_TEST

/* A slot indication as PHY UL would have sent it for `epoch`. */
static void push_ind(struct pipeline *p, uint32_t epoch, enum ul_ind_type type, int tb_index)
{
    struct slot_ind *ind = ring_reserve(&p->rings[RING_UL_IND]);
    ck_assert_ptr_nonnull(ind);
    memset(ind, 0, sizeof *ind);
    ind->epoch = epoch;
    ind->type = type;
    ind->slot = 7;
    if (type == UL_IND_PUSCH) ind->u.pusch.tb_index = tb_index;
    ring_commit(&p->rings[RING_UL_IND]);
}

START_TEST(old_epoch_indications_are_dropped_and_counted)
{
    struct pipeline *p = &pipe_;
    run_slots(p, 1 + 4);
    script.next_epoch = 2;
    run_slots(p, 1 + 4);
    ck_assert_uint_eq(p->mac_st.epoch, 2);
    ck_assert_uint_eq(stat(&p->stats.ul_ind_stale), 0);
    /* What PHY UL had sent for epoch 1 reaching the MAC after epoch 2 began: a tick, a PRACH result and a PUSCH
     * result whose TB is in the pool. */
    int tb;
    ck_assert_ptr_nonnull(tb_pool_take(&p->ul_tbs, &tb));
    push_ind(p, 1, UL_IND_TICK, -1);
    push_ind(p, 1, UL_IND_PRACH, -1);
    push_ind(p, 1, UL_IND_PUSCH, tb);
    uint64_t next = p->mac_st.next_slot;
    drain(p);
    ck_assert_uint_eq(stat(&p->stats.ul_ind_stale), 3);
    ck_assert_uint_eq(p->mac_st.next_slot, next);   /* the old tick scheduled nothing */
    ck_assert_int_eq(atomic_load(&p->ul_tbs.busy[tb]), 0); /* the TB went back to the pool */
    /* The current epoch goes on. */
    uint64_t ul = stat(&p->stats.ul_slots);
    run_slots(p, 3);
    ck_assert_uint_eq(stat(&p->stats.ul_slots), ul + 3);
    ck_assert_uint_eq(stat(&p->stats.ul_ind_stale), 3);
}
END_TEST

/* An RRC -> MAC message as the RRC stage would have sent it for `epoch`. */
static void push_rrc(struct pipeline *p, uint32_t epoch, uint32_t type, uint16_t rnti)
{
    struct rrc_msg *m = ring_reserve(&p->rings[RING_RRC_TO_MAC]);
    ck_assert_ptr_nonnull(m);
    memset(m, 0, sizeof *m);
    m->type = type;
    m->epoch = epoch;
    m->rnti = rnti;
    m->len = 10;
    ring_commit(&p->rings[RING_RRC_TO_MAC]);
}

START_TEST(old_epoch_rrc_messages_are_dropped_and_counted)
{
    struct pipeline *p = &pipe_;
    run_slots(p, 1 + 4);
    script.next_epoch = 2;
    run_slots(p, 1 + 4);
    ck_assert_uint_eq(stat(&p->stats.rrc_msg_stale), 0);
    /* The RRC answered a Msg3 of epoch 1 (an RRCSetup) and released a UE, after the MAC had moved on. */
    uint64_t sched_errors = atomic_load(&p->mac.stats.sched_errors);
    push_rrc(p, 1, RRC_MSG_DL_CCCH, 0x4601);
    push_rrc(p, 1, RRC_MSG_DL_DCCH, 0x4601);
    push_rrc(p, 1, RRC_MSG_RELEASE_UE, 0x4601);
    drain(p);
    ck_assert_uint_eq(stat(&p->stats.rrc_msg_stale), 3);
    ck_assert_uint_eq(ring_count(&p->rings[RING_RRC_TO_MAC]), 0);
    /* Nothing reached the MAC: the next slots are scheduled as before, with no Msg4 attempt. */
    run_slots(p, 3);
    ck_assert_uint_eq(atomic_load(&p->mac.stats.sched_errors), sched_errors);
    ck_assert_uint_eq(stat(&p->stats.rrc_msg_stale), 3);
    /* The same message of the current epoch is not counted. */
    push_rrc(p, 2, RRC_MSG_RELEASE_UE, 0x4601);
    drain(p);
    ck_assert_uint_eq(stat(&p->stats.rrc_msg_stale), 3);
}
END_TEST

START_TEST(user_plane_packets_reach_the_mac_and_buffers_come_back)
{
    struct pipeline *p = &pipe_;
    static struct up_stage up;
    char err[256] = "";
    int rc = -1;
    for (int tries = 0; tries < 50 && rc < 0; tries++) {
        struct up_stage_config c = {.n3_addr = "127.0.0.1", .n3_port = 24000 + (getpid() * 13 + tries * 37) % 1000,
                                    .upf_port = 24999, .pool_buffers = 64};
        rc = up_stage_init_with(&up, &c, err, sizeof err);
    }
    ck_assert_msg(rc == 0, "%s", err);
    p->up = &up;
    run_slots(p, 1 + 2);
    for (int i = 0; i < 10; i++) { /* as the UP thread would: DL packets for a UE the MAC does not have */
        int32_t b = pkt_pool_get(&up.pool);
        ck_assert_int_ge(b, 0);
        memset(pkt_pool_buf(&up.pool, (uint32_t)b) + 16, 0x45, 100);
        struct up_pkt pk = {.rnti = 0x4601, .drb_id = 1, .off = 16, .len = 100, .buf = (uint32_t)b};
        ck_assert(ring_push(&up.dl, &pk));
    }
    ck_assert_uint_eq(pkt_pool_available(&up.pool), 54);
    run_slots(p, 2);
    ck_assert_uint_eq(ring_count(&up.dl), 0);
    ck_assert_uint_eq(atomic_load(&up.st.mac_rejected), 10);
    ck_assert_uint_eq(pkt_pool_available(&up.pool), 64);
    p->up = NULL;
    up_stage_stop(&up);
}
END_TEST

static Suite *pipeline_suite(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("epochs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, marker_meeting_a_full_ring_is_held_then_sent_first);
    tcase_add_test(tc, old_epoch_indications_are_dropped_and_counted);
    tcase_add_test(tc, old_epoch_rrc_messages_are_dropped_and_counted);
    tcase_add_test(tc, user_plane_packets_reach_the_mac_and_buffers_come_back);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return check_run(pipeline_suite()); }
