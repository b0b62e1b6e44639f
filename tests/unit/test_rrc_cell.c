/* The cell's RRC procedures (rrc/rrc_cell.h) with injected time: RRCSetup while places are free, RRCReject with
 * waitTime beyond max_ues, bad UL-CCCH counted and unanswered, RRCSetupComplete connects, the inactivity timer
 * sends RRCRelease at exactly the configured time and UL-DCCH activity restarts it, the MAC context is
 * released on delivery or after the guard time, a release frees a place for the next UE, contexts with no
 * RRCSetupComplete time out, a lost UE is released without a message, and a new epoch forgets every UE. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ul_dcch.h"
#include "rrc/rrc_cell.h"
#include "tests/unit/check_run.h"

static struct rrc_cell cell;
static struct rrc_dl_ccch_msg dl;
/* The UE's PUCCH resources as the MAC would set them aside (any valid set; the RRC only copies them). */
static const struct rrc_setup_ue_pucch res = {.f1_prb = 51, .ack_occ = {0, 1}, .sr_occ = 2, .f2_prb = 50};

static void cell_init(int max_ues, int64_t inactivity_ms)
{
    struct rrc_cell_config cfg = {.max_ues = max_ues, .reject_wait_time_s = 7, .inactivity_ms = inactivity_ms};
    rrc_setup_builder_defaults(&cfg.setup);
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), 0);
}

/* An RRCSetupRequest from rnti at now_ms; returns the event and checks the answer decodes as that event says. */
static enum rrc_cell_event setup_request(uint16_t rnti, int64_t now_ms)
{
    struct rrc_setup_request req = {.ue_identity = 0x123456789ull + rnti, .establishment_cause = RRC_CAUSE_MO_SIGNALLING};
    uint8_t sdu[8], out[4096];
    size_t len, out_len = 99;
    ck_assert_int_eq(rrc_ul_ccch_encode_setup_request(&req, sdu, sizeof sdu, &len), 0);
    const struct rrc_ul_ccch_msg *ul;
    enum rrc_cell_event ev = rrc_cell_ul_ccch(&cell, rnti, sdu, len, now_ms, &res, out, sizeof out, &out_len, &ul);
    ck_assert_ptr_nonnull(ul);
    ck_assert_uint_eq(ul->setup_request.ue_identity, req.ue_identity);
    ck_assert_uint_gt(out_len, 0);
    ck_assert_int_eq(rrc_dl_ccch_decode(out, out_len, &dl), 0);
    if (ev == RRC_EV_SETUP) {
        ck_assert_int_eq(dl.type, RRC_DL_CCCH_SETUP);
        ck_assert_int_eq(dl.setup.transaction_id, 0);
    } else {
        ck_assert_int_eq(ev, RRC_EV_REJECT);
        ck_assert_int_eq(dl.type, RRC_DL_CCCH_REJECT);
        ck_assert(dl.reject.has_wait_time);
        ck_assert_int_eq(dl.reject.wait_time, 7);
    }
    return ev;
}

static enum rrc_cell_event setup_complete(uint16_t rnti, int64_t now_ms)
{
    static struct rrc_setup_complete sc;
    memset(&sc, 0, sizeof sc);
    sc.selected_plmn_identity = 1;
    sc.dedicated_nas_len = 3;
    memcpy(sc.dedicated_nas, "\x7e\x00\x41", 3);
    uint8_t sdu[64];
    size_t len;
    ck_assert_int_eq(rrc_ul_dcch_encode_setup_complete(&sc, sdu, sizeof sdu, &len), 0);
    const struct rrc_ul_dcch_msg *msg;
    enum rrc_cell_event ev = rrc_cell_ul_dcch(&cell, rnti, sdu, len, now_ms, &msg);
    if (ev == RRC_EV_SETUP_COMPLETE) ck_assert_uint_eq(msg->setup_complete.dedicated_nas_len, 3);
    return ev;
}

static void connect_ue(uint16_t rnti, int64_t now_ms)
{
    ck_assert_int_eq(setup_request(rnti, now_ms), RRC_EV_SETUP);
    ck_assert_int_eq(setup_complete(rnti, now_ms), RRC_EV_SETUP_COMPLETE);
}

/* No action due at now_ms. */
static void expect_quiet(int64_t now_ms)
{
    struct rrc_cell_action act;
    ck_assert_msg(rrc_cell_tick(&cell, now_ms, &act) == 0, "unexpected action at %lld ms for 0x%04x",
                  (long long)now_ms, act.rnti);
}

/* The RRCRelease for rnti at now_ms: an SRB1 SDU that decodes as DL-DCCH rrcRelease. */
static void expect_release_msg(uint16_t rnti, int64_t now_ms)
{
    struct rrc_cell_action act;
    ck_assert_int_eq(rrc_cell_tick(&cell, now_ms, &act), 1);
    ck_assert_int_eq(act.type, RRC_ACT_DL_DCCH);
    ck_assert_uint_eq(act.rnti, rnti);
    ck_assert_int_eq(act.cause, RRC_CAUSE_INACTIVITY);
    struct rrc_dl_dcch_msg m;
    ck_assert_int_eq(rrc_dl_dcch_decode(act.data, act.len, &m), 0);
    ck_assert_int_eq(m.c1, RRC_DL_DCCH_RELEASE);
    ck_assert(!m.release.has_wait_time && !m.release.has_deprioritisation);
    ck_assert_int_eq(rrc_cell_find(&cell, rnti)->state, RRC_UE_RELEASING);
}

static void expect_release_ue(uint16_t rnti, int64_t now_ms, enum rrc_release_cause cause)
{
    struct rrc_cell_action act;
    ck_assert_int_eq(rrc_cell_tick(&cell, now_ms, &act), 1);
    ck_assert_int_eq(act.type, RRC_ACT_RELEASE_UE);
    ck_assert_uint_eq(act.rnti, rnti);
    ck_assert_int_eq(act.cause, cause);
    ck_assert_ptr_null(rrc_cell_find(&cell, rnti));
}

/* RRCSetup up to max_ues contexts, then RRCReject with waitTime; a setup request that does not decode is
 * counted and gets no answer, nor does another UL-CCCH message. */
START_TEST(test_rrc_cell_setup_reject_bad)
{
    cell_init(2, 10000);
    ck_assert_int_eq(setup_request(0x4601, 0), RRC_EV_SETUP);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->state, RRC_UE_SETUP_SENT);
    ck_assert_int_eq(setup_request(0x4602, 1), RRC_EV_SETUP);
    ck_assert_int_eq(setup_request(0x4603, 2), RRC_EV_REJECT);
    ck_assert_ptr_null(rrc_cell_find(&cell, 0x4603));
    ck_assert_int_eq(cell.nof_ues, 2);
    /* A UE repeating its request under the same RNTI keeps its one context. */
    ck_assert_int_eq(setup_request(0x4602, 3), RRC_EV_SETUP);
    ck_assert_int_eq(cell.nof_ues, 2);
    uint8_t out[4096];
    size_t out_len = 99;
    const struct rrc_ul_ccch_msg *ul;
    const uint8_t truncated[2] = {0x00, 0x00}; /* an RRCSetupRequest cut after 16 of its 48 bits */
    ck_assert_int_eq(rrc_cell_ul_ccch(&cell, 0x4604, truncated, 2, 4, &res, out, sizeof out, &out_len, &ul),
                     RRC_EV_BAD_MESSAGE);
    ck_assert_uint_eq(out_len, 0);
    ck_assert_ptr_null(ul);
    const uint8_t resume[6] = {0x20}; /* c1 rrcResumeRequest */
    ck_assert_int_eq(rrc_cell_ul_ccch(&cell, 0x4604, resume, 6, 5, &res, out, sizeof out, &out_len, &ul),
                     RRC_EV_UNSUPPORTED);
    ck_assert_uint_eq(out_len, 0);
    ck_assert_int_eq(ul->type, RRC_UL_CCCH_RESUME_REQUEST);
    /* The MAC has no UE context (PUCCH resources) left: RRCReject although a place is free under max_ues. */
    uint8_t sdu[8];
    size_t sdu_len;
    struct rrc_setup_request req = {.ue_identity = 77};
    ck_assert_int_eq(rrc_ul_ccch_encode_setup_request(&req, sdu, sizeof sdu, &sdu_len), 0);
    rrc_cell_reset(&cell);
    ck_assert_int_eq(rrc_cell_ul_ccch(&cell, 0x4605, sdu, sdu_len, 6, NULL, out, sizeof out, &out_len, &ul),
                     RRC_EV_REJECT);
    ck_assert_int_eq(rrc_dl_ccch_decode(out, out_len, &dl), 0);
    ck_assert_int_eq(dl.type, RRC_DL_CCCH_REJECT);
    ck_assert_int_eq(cell.nof_ues, 0);
    ck_assert_uint_eq(cell.stats.bad_messages, 1);
    ck_assert_uint_eq(cell.stats.unsupported, 1);
    ck_assert_uint_eq(cell.stats.setups, 3);
    ck_assert_uint_eq(cell.stats.rejects, 2);
    ck_assert_int_eq(rrc_cell_connected(&cell), 0);
    rrc_cell_free(&cell);
}
END_TEST

/* RRCSetupComplete connects the UE; UL-DCCH from an RNTI without a context is refused; a UL-DCCH SDU that does
 * not decode is counted (and still restarts the timer, see below). */
START_TEST(test_rrc_cell_setup_complete_connects)
{
    cell_init(4, 0);
    ck_assert_int_eq(setup_request(0x4601, 10), RRC_EV_SETUP);
    ck_assert_int_eq(setup_complete(0x4601, 50), RRC_EV_SETUP_COMPLETE);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->state, RRC_UE_CONNECTED);
    ck_assert_int_eq(rrc_cell_connected(&cell), 1);
    ck_assert_int_eq(setup_complete(0x4700, 60), RRC_EV_UNKNOWN_UE);
    const uint8_t bad[1] = {0x00};
    const struct rrc_ul_dcch_msg *msg;
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, bad, 0, 70, &msg), RRC_EV_BAD_MESSAGE);
    ck_assert_ptr_null(msg);
    ck_assert_uint_eq(cell.stats.setups_complete, 1);
    ck_assert_uint_eq(cell.stats.ul_dcch_bad, 1);
    ck_assert_uint_eq(cell.stats.ul_dcch_unknown_ue, 1);
    /* inactivity 0: never released, however long */
    expect_quiet(1000000000);
    ck_assert_int_eq(rrc_cell_connected(&cell), 1);
    rrc_cell_free(&cell);
}
END_TEST

/* Inactivity 3000 ms from the RRCSetupComplete at 1000 ms: nothing at 3999, RRCRelease at 4000 exactly; the MAC
 * context goes RRC_RELEASE_GUARD_MS later when no delivery is reported (nothing at 4099, release at 4100). */
START_TEST(test_rrc_cell_inactivity_exact)
{
    cell_init(4, 3000);
    ck_assert_int_eq(setup_request(0x4601, 900), RRC_EV_SETUP);
    ck_assert_int_eq(setup_complete(0x4601, 1000), RRC_EV_SETUP_COMPLETE);
    expect_quiet(1000);
    expect_quiet(3999);
    expect_release_msg(0x4601, 4000);
    ck_assert_int_eq(rrc_cell_connected(&cell), 0);
    ck_assert_int_eq(cell.nof_ues, 1); /* the place is held until the MAC context goes */
    expect_quiet(4000);
    /* A RELEASING UE's messages do not bring it back. */
    ck_assert_int_eq(setup_complete(0x4601, 4050), RRC_EV_SETUP_COMPLETE);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->state, RRC_UE_RELEASING);
    expect_quiet(4000 + RRC_RELEASE_GUARD_MS - 1);
    expect_release_ue(0x4601, 4000 + RRC_RELEASE_GUARD_MS, RRC_CAUSE_GUARD);
    ck_assert_int_eq(cell.nof_ues, 0);
    ck_assert_uint_eq(cell.stats.releases_sent, 1);
    ck_assert_uint_eq(cell.stats.releases, 1);
    expect_quiet(100000);
    rrc_cell_free(&cell);
}
END_TEST

/* Every UL-DCCH SDU restarts the timer (here one of the extension class, not handled, at 3500): no release at 4000, RRCRelease at
 * 6500. A delivery report releases the MAC context at the next tick, before the guard time. */
START_TEST(test_rrc_cell_activity_restarts_timer)
{
    cell_init(4, 3000);
    connect_ue(0x4601, 1000);
    const uint8_t junk[3] = {0xff, 0xee, 0xdd};
    const struct rrc_ul_dcch_msg *msg;
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, junk, sizeof junk, 3500, &msg), RRC_EV_UL_DCCH);
    expect_quiet(4000);
    expect_quiet(6499);
    expect_release_msg(0x4601, 6500);
    rrc_cell_delivered(&cell, 0x4601, 6530);
    rrc_cell_delivered(&cell, 0x4700, 6530); /* unknown: ignored */
    expect_release_ue(0x4601, 6530, RRC_CAUSE_DELIVERED);
    /* A delivery report for a UE that is not releasing changes nothing. */
    connect_ue(0x4602, 7000);
    rrc_cell_delivered(&cell, 0x4602, 7001);
    expect_quiet(9999);
    expect_release_msg(0x4602, 10000);
    rrc_cell_free(&cell);
}
END_TEST

/* rrc.max_ues = 1: a second UE is rejected while the first is connected and releasing, and set up once the
 * first's MAC context was released. */
START_TEST(test_rrc_cell_release_frees_a_place)
{
    cell_init(1, 2000);
    connect_ue(0x4601, 0);
    ck_assert_int_eq(setup_request(0x4602, 1000), RRC_EV_REJECT);
    expect_release_msg(0x4601, 2000);
    ck_assert_int_eq(setup_request(0x4602, 2010), RRC_EV_REJECT);
    expect_release_ue(0x4601, 2000 + RRC_RELEASE_GUARD_MS, RRC_CAUSE_GUARD);
    ck_assert_int_eq(setup_request(0x4602, 2200), RRC_EV_SETUP);
    ck_assert_int_eq(setup_complete(0x4602, 2210), RRC_EV_SETUP_COMPLETE);
    ck_assert_int_eq(rrc_cell_connected(&cell), 1);
    rrc_cell_free(&cell);
}
END_TEST

/* A context with no RRCSetupComplete is released RRC_SETUP_GUARD_MS after its RRCSetup, without a message; a UE
 * the MAC reports lost is released at the next tick, without a message. */
START_TEST(test_rrc_cell_setup_timeout_and_lost)
{
    cell_init(2, 0);
    ck_assert_int_eq(setup_request(0x4601, 100), RRC_EV_SETUP);
    connect_ue(0x4602, 200);
    expect_quiet(100 + RRC_SETUP_GUARD_MS - 1);
    expect_release_ue(0x4601, 100 + RRC_SETUP_GUARD_MS, RRC_CAUSE_SETUP_TIMEOUT);
    rrc_cell_ue_lost(&cell, 0x4602, 6000);
    expect_release_ue(0x4602, 6000, RRC_CAUSE_LOST);
    ck_assert_int_eq(cell.nof_ues, 0);
    ck_assert_uint_eq(cell.stats.setup_timeouts, 1);
    ck_assert_uint_eq(cell.stats.lost, 1);
    ck_assert_uint_eq(cell.stats.releases_sent, 0);
    rrc_cell_free(&cell);
}
END_TEST

/* Two UEs inactive at the same time: one action per tick call, both RRCReleases then both releases; the
 * caller can stop at any call and get the rest later. */
START_TEST(test_rrc_cell_one_action_per_call)
{
    cell_init(3, 1000);
    connect_ue(0x4601, 0);
    connect_ue(0x4602, 0);
    struct rrc_cell_action a, b;
    ck_assert_int_eq(rrc_cell_tick(&cell, 1000, &a), 1);
    ck_assert_int_eq(rrc_cell_tick(&cell, 1000, &b), 1);
    ck_assert_int_eq(a.type, RRC_ACT_DL_DCCH);
    ck_assert_int_eq(b.type, RRC_ACT_DL_DCCH);
    ck_assert_uint_ne(a.rnti, b.rnti);
    expect_quiet(1000);
    ck_assert_int_eq(rrc_cell_tick(&cell, 5000, &a), 1);
    ck_assert_int_eq(a.type, RRC_ACT_RELEASE_UE);
    ck_assert_int_eq(cell.nof_ues, 1);
    ck_assert_int_eq(rrc_cell_tick(&cell, 5000, &b), 1);
    ck_assert_int_eq(cell.nof_ues, 0);
    expect_quiet(5000);
    rrc_cell_free(&cell);
}
END_TEST

/* A new stream epoch forgets every UE (their time restarts at 0): all places free, no action for the old UEs. */
START_TEST(test_rrc_cell_new_epoch)
{
    cell_init(1, 1000);
    connect_ue(0x4601, 50000);
    ck_assert_int_eq(setup_request(0x4602, 50001), RRC_EV_REJECT);
    rrc_cell_reset(&cell);
    ck_assert_int_eq(cell.nof_ues, 0);
    ck_assert_int_eq(rrc_cell_connected(&cell), 0);
    expect_quiet(60000);
    ck_assert_int_eq(setup_request(0x4601, 0), RRC_EV_SETUP);
    ck_assert_int_eq(setup_complete(0x4601, 10), RRC_EV_SETUP_COMPLETE);
    expect_quiet(1009);
    expect_release_msg(0x4601, 1010);
    rrc_cell_free(&cell);
}
END_TEST

/* The core network releases UEs (UE Context Release Command): a connected UE gets RRCRelease at the next tick,
 * long before its inactivity timer, with cause "core"; a UE still in setup is released at once without one; an
 * unknown RNTI is refused. */
START_TEST(test_rrc_cell_core_release)
{
    cell_init(4, 30000);
    connect_ue(0x4601, 1000);
    ck_assert_int_eq(setup_request(0x4602, 1000), RRC_EV_SETUP);
    expect_quiet(1100);
    ck_assert_int_eq(rrc_cell_request_release(&cell, 0x4601), 0);
    ck_assert_int_eq(rrc_cell_request_release(&cell, 0x4602), 0);
    ck_assert_int_eq(rrc_cell_request_release(&cell, 0x4603), -ENOENT);
    struct rrc_cell_action act;
    ck_assert_int_eq(rrc_cell_tick(&cell, 1101, &act), 1);
    ck_assert_int_eq(act.type, RRC_ACT_DL_DCCH);
    ck_assert_uint_eq(act.rnti, 0x4601);
    ck_assert_int_eq(act.cause, RRC_CAUSE_CORE);
    struct rrc_dl_dcch_msg m;
    ck_assert_int_eq(rrc_dl_dcch_decode(act.data, act.len, &m), 0);
    ck_assert_int_eq(m.c1, RRC_DL_DCCH_RELEASE);
    expect_release_ue(0x4602, 1101, RRC_CAUSE_CORE);
    ck_assert_uint_eq(cell.stats.setup_timeouts, 0);
    expect_release_ue(0x4601, 1101 + RRC_RELEASE_GUARD_MS, RRC_CAUSE_GUARD);
    expect_quiet(100000);
    rrc_cell_free(&cell);
}
END_TEST

START_TEST(test_rrc_cell_bad_config)
{
    struct rrc_cell_config cfg = {.max_ues = 1, .reject_wait_time_s = 7, .inactivity_ms = -1};
    rrc_setup_builder_defaults(&cfg.setup);
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), -EINVAL);
    cfg.inactivity_ms = 0;
    cfg.reject_wait_time_s = 17;
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), -EINVAL);
    cfg.reject_wait_time_s = 7;
    cfg.max_ues = -1;
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), -EINVAL);
    /* max_ues 0: every request is rejected */
    cfg.max_ues = 0;
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), 0);
    ck_assert_int_eq(setup_request(0x4601, 0), RRC_EV_REJECT);
    rrc_cell_free(&cell);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rrc_cell");
    TCase *tc = tcase_create("rrc_cell");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rrc_cell_setup_reject_bad);
    tcase_add_test(tc, test_rrc_cell_setup_complete_connects);
    tcase_add_test(tc, test_rrc_cell_inactivity_exact);
    tcase_add_test(tc, test_rrc_cell_activity_restarts_timer);
    tcase_add_test(tc, test_rrc_cell_release_frees_a_place);
    tcase_add_test(tc, test_rrc_cell_setup_timeout_and_lost);
    tcase_add_test(tc, test_rrc_cell_one_action_per_call);
    tcase_add_test(tc, test_rrc_cell_new_epoch);
    tcase_add_test(tc, test_rrc_cell_core_release);
    tcase_add_test(tc, test_rrc_cell_bad_config);
    suite_add_tcase(s, tc);
    return check_run(s);
}
