/* The cell's RRC procedures (rrc/rrc_cell.h) with injected time: RRCSetup while places are free, RRCReject with
 * waitTime beyond max_ues, bad UL-CCCH counted and unanswered, RRCSetupComplete connects, the inactivity timer
 * sends RRCRelease at exactly the configured time and UL-DCCH activity restarts it, the MAC context is
 * released on delivery or after the guard time, a release frees a place for the next UE, contexts with no
 * RRCSetupComplete time out, a lost UE is released without a message, and a new epoch forgets every UE.
 * AS security (Initial Context Setup): algorithm choice from the preference lists and the UE's capabilities,
 * the action sequence integrity -> SecurityModeCommand -> (Complete) ciphering -> NAS -> done, DL held while
 * pending, SecurityModeFailure and the guard timer -> security off -> failed. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rrc/msg/dl_ccch.h"
#include "rrc/msg/dl_dcch.h"
#include "rrc/msg/ul_ccch.h"
#include "rrc/msg/ul_dcch.h"
#include "pdcp/pdcp_sec.h"
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

/* 38.413 9.3.1.86 maps: the most significant bit is algorithm 1. */
#define CAP(a) ((uint16_t)(1u << (16 - (a))))

START_TEST(test_rrc_sec_choose)
{
    struct rrc_sec_prefs p = {.n_integrity = 1, .integrity = {2}, .n_ciphering = 2, .ciphering = {2, 0}};
    int nia = -9, nea = -9;
    ck_assert_int_eq(rrc_sec_choose(&p, CAP(1) | CAP(2) | CAP(3), CAP(1) | CAP(2) | CAP(3), &nia, &nea), 0);
    ck_assert_int_eq(nia, 2);
    ck_assert_int_eq(nea, 2);
    ck_assert_int_eq(rrc_sec_choose(&p, CAP(1), CAP(2), &nia, &nea), 0); /* no NEA2: NEA0 (always supported) */
    ck_assert_int_eq(nia, 2);
    ck_assert_int_eq(nea, 0);
    ck_assert_int_eq(rrc_sec_choose(&p, CAP(2), CAP(1) | CAP(3), &nia, &nea), -ENOTSUP); /* NIA0 not allowed */
    p.n_integrity = 2;
    p.integrity[1] = 0; /* the operator allows NIA0 (tests) */
    ck_assert_int_eq(rrc_sec_choose(&p, CAP(2), CAP(1) | CAP(3), &nia, &nea), 0);
    ck_assert_int_eq(nia, 0);
    p.n_ciphering = 1; /* nea2 only */
    ck_assert_int_eq(rrc_sec_choose(&p, CAP(1) | CAP(3), CAP(2), &nia, &nea), -ENOTSUP);
    /* preference order wins over the UE's bit order */
    struct rrc_sec_prefs q = {.n_integrity = 2, .integrity = {0, 2}, .n_ciphering = 2, .ciphering = {0, 2}};
    ck_assert_int_eq(rrc_sec_choose(&q, CAP(2), CAP(2), &nia, &nea), 0);
    ck_assert_int_eq(nia, 0);
    ck_assert_int_eq(nea, 0);
    /* algorithms gnbd does not implement are refused in the configuration */
    struct rrc_cell_config cfg = {.max_ues = 1, .reject_wait_time_s = 7,
                                  .sec = {.n_integrity = 1, .integrity = {1}}};
    rrc_setup_builder_defaults(&cfg.setup);
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), -EINVAL);
    cfg.sec = (struct rrc_sec_prefs){.n_ciphering = 1, .ciphering = {3}};
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), -EINVAL);
}
END_TEST

static const uint8_t kgnb[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static struct rrc_cell_action tick1(int64_t now_ms, enum rrc_cell_action_type type, uint16_t rnti)
{
    struct rrc_cell_action act;
    ck_assert_msg(rrc_cell_tick(&cell, now_ms, &act) == 1, "no action at %lld ms (%d for 0x%04x due)", (long long)now_ms,
                  (int)type, rnti);
    ck_assert_int_eq(act.type, type);
    ck_assert_uint_eq(act.rnti, rnti);
    return act;
}

/* Integrity on, then the SecurityModeCommand: returns its transaction. */
static int expect_smc(uint16_t rnti, int64_t now_ms, int nia, int nea)
{
    struct rrc_cell_action act = tick1(now_ms, RRC_ACT_SECURITY, rnti);
    ck_assert(act.has_sec && !act.ciphering && !act.sec.tx_cipher && !act.sec.rx_cipher);
    struct pdcp_sec_config want;
    ck_assert_int_eq(pdcp_sec_bearer_config(kgnb, nia, nea, false, &want), 0);
    ck_assert_int_eq(act.sec.nia, nia);
    ck_assert_int_eq(act.sec.nea, nea);
    ck_assert_mem_eq(act.sec.k_int, want.k_int, 16);
    ck_assert_mem_eq(act.sec.k_enc, want.k_enc, 16);
    act = tick1(now_ms, RRC_ACT_DL_DCCH, rnti);
    ck_assert(act.smc);
    static struct rrc_dl_dcch_msg m;
    ck_assert_int_eq(rrc_dl_dcch_decode(act.data, act.len, &m), 0);
    ck_assert_int_eq(m.c1, RRC_DL_DCCH_SECURITY_MODE_COMMAND);
    ck_assert(m.security_mode_command.has_integrity);
    ck_assert_int_eq(m.security_mode_command.integrity, nia);
    ck_assert_int_eq(m.security_mode_command.ciphering, nea);
    return m.security_mode_command.transaction_id;
}

/* The UECapabilityEnquiry (nr) after ciphering: returns its transaction. */
static int expect_cap_enquiry(uint16_t rnti, int64_t now_ms)
{
    struct rrc_cell_action act = tick1(now_ms, RRC_ACT_DL_DCCH, rnti);
    ck_assert(act.cap_enquiry && !act.smc);
    static struct rrc_dl_dcch_msg m;
    ck_assert_int_eq(rrc_dl_dcch_decode(act.data, act.len, &m), 0);
    ck_assert_int_eq(m.c1, RRC_DL_DCCH_UE_CAPABILITY_ENQUIRY);
    ck_assert_int_eq(m.ue_capability_enquiry.nof_requests, 1);
    ck_assert_int_eq(m.ue_capability_enquiry.request[0].rat_type, RRC_RAT_NR);
    return m.ue_capability_enquiry.transaction_id;
}

static enum rrc_cell_event smc_answer(uint16_t rnti, int transaction, bool failure, int64_t now_ms)
{
    uint8_t sdu[8];
    size_t len;
    ck_assert_int_eq(rrc_ul_dcch_encode_security_mode_result(transaction, failure, sdu, sizeof sdu, &len), 0);
    const struct rrc_ul_dcch_msg *msg;
    return rrc_cell_ul_dcch(&cell, rnti, sdu, len, now_ms, &msg);
}

START_TEST(test_rrc_cell_security_complete)
{
    cell_init(4, 30000);
    const uint8_t nas[] = {0x7e, 0x02, 0xaa, 0xbb};
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), nas, 4, 0), -ENOENT);
    ck_assert_int_eq(setup_request(0x4601, 0), RRC_EV_SETUP);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), nas, 4, 0), -EBUSY); /* not connected */
    ck_assert_int_eq(setup_complete(0x4601, 10), RRC_EV_SETUP_COMPLETE);
    ck_assert(!rrc_cell_dl_hold(&cell, 0x4601));
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), 0, nas, 4, 20), -ENOTSUP); /* no NIA2 */
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->sec, RRC_SEC_NONE);
    expect_quiet(20);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(1) | CAP(2), CAP(2), nas, 4, 20), 0);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), nas, 4, 20), -EBUSY);
    ck_assert(rrc_cell_dl_hold(&cell, 0x4601));
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->sec, RRC_SEC_PENDING);
    int t = expect_smc(0x4601, 30, 2, 2);
    expect_quiet(30 + RRC_SMC_GUARD_MS - 1);
    ck_assert_int_eq(smc_answer(0x4601, (t + 1) & 3, false, 40), RRC_EV_UL_DCCH); /* another transaction */
    ck_assert_int_eq(smc_answer(0x4601, t, false, 50), RRC_EV_SECURITY_COMPLETE);
    struct rrc_cell_action act = tick1(50, RRC_ACT_SECURITY, 0x4601);
    ck_assert(act.has_sec && act.ciphering && act.sec.tx_cipher && act.sec.rx_cipher);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->sec, RRC_SEC_SECURE);
    ck_assert(!rrc_cell_dl_hold(&cell, 0x4601));
    int ct = expect_cap_enquiry(0x4601, 50);
    expect_quiet(60);
    static struct rrc_ue_capability_information ci;
    ci = (struct rrc_ue_capability_information){.transaction_id = ct, .has_container_list = true, .nof_containers = 1};
    ci.container[0] = (struct rrc_ue_cap_rat_container){.rat_type = RRC_RAT_NR, .off = 0, .len = 7};
    uint8_t sdu[64];
    size_t len;
    ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, sdu, sizeof sdu, &len), 0);
    const struct rrc_ul_dcch_msg *msg;
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, 70, &msg), RRC_EV_UE_CAPABILITY);
    ck_assert_uint_eq(rrc_cell_find(&cell, 0x4601)->ue_cap_len, 7);
    act = tick1(70, RRC_ACT_DL_NAS, 0x4601);
    ck_assert_uint_eq(act.nas_len, 4);
    ck_assert_mem_eq(act.nas, nas, 4);
    tick1(70, RRC_ACT_CONTEXT_SETUP_DONE, 0x4601);
    expect_quiet(5000); /* SECURE: nothing more, and no guard timer */
    ck_assert_int_eq(smc_answer(0x4601, t, false, 5000), RRC_EV_UL_DCCH); /* a late repeat is not a new event */
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), NULL, 0, 5000), -EBUSY);
    ck_assert_uint_eq(cell.stats.smc_sent, 1);
    ck_assert_uint_eq(cell.stats.smc_complete, 1);
    /* the UP keys for the DRBs come from the same K_gNB (33.501 A.8, N-UP-enc-alg) */
    struct pdcp_sec_config up;
    ck_assert_int_eq(pdcp_sec_bearer_config(kgnb, 2, 2, true, &up), 0);
    ck_assert_mem_eq(rrc_cell_find(&cell, 0x4601)->drb_sec.k_enc, up.k_enc, 16);
    rrc_cell_free(&cell);
}
END_TEST

/* With a core network (core_release) an inactive UE is reported once (RELEASE_REQUEST, 38.413 8.3.2), stays
 * connected (its security and DRB procedures go on), and gets its RRCRelease when the core commands it; a second
 * UE whose command never comes gets it RRC_CORE_RELEASE_GUARD_MS after the request. */
START_TEST(test_rrc_cell_core_release_order)
{
    struct rrc_cell_config cfg = {.max_ues = 4, .reject_wait_time_s = 7, .inactivity_ms = 3000, .core_release = true};
    rrc_setup_builder_defaults(&cfg.setup);
    ck_assert_int_eq(rrc_cell_init(&cell, &cfg), 0);
    connect_ue(0x4601, 1000);
    connect_ue(0x4602, 1500);
    expect_quiet(3999);
    struct rrc_cell_action act = tick1(4000, RRC_ACT_RELEASE_REQUEST, 0x4601);
    ck_assert_int_eq(act.cause, RRC_CAUSE_INACTIVITY);
    expect_quiet(4499); /* asked once: no RRCRelease, no second request */
    tick1(4500, RRC_ACT_RELEASE_REQUEST, 0x4602);
    expect_quiet(9000);
    ck_assert_int_eq(rrc_cell_connected(&cell), 2);
    ck_assert_uint_eq(cell.stats.releases_sent, 0);
    ck_assert_int_eq(rrc_cell_request_release(&cell, 0x4601), 0); /* the core's command */
    act = tick1(9001, RRC_ACT_DL_DCCH, 0x4601);
    ck_assert_int_eq(act.cause, RRC_CAUSE_CORE);
    struct rrc_dl_dcch_msg m;
    ck_assert_int_eq(rrc_dl_dcch_decode(act.data, act.len, &m), 0);
    ck_assert_int_eq(m.c1, RRC_DL_DCCH_RELEASE);
    rrc_cell_delivered(&cell, 0x4601, 9002);
    expect_release_ue(0x4601, 9002, RRC_CAUSE_DELIVERED);
    expect_quiet(4500 + RRC_CORE_RELEASE_GUARD_MS - 1);
    expect_release_msg(0x4602, 4500 + RRC_CORE_RELEASE_GUARD_MS); /* no command: released anyway */
    ck_assert_uint_eq(cell.stats.releases_sent, 2);
    rrc_cell_free(&cell);
}
END_TEST

START_TEST(test_rrc_cell_security_failure_and_timeout)
{
    cell_init(4, 0);
    connect_ue(0x4601, 0);
    connect_ue(0x4602, 0);
    /* no NAS-PDU; the UE has only NEA0 besides NEA1: nea0 */
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(1), CAP(2), NULL, 0, 100), 0);
    int t = expect_smc(0x4601, 100, 2, 0);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4602, kgnb, CAP(2), CAP(2), NULL, 0, 100), 0);
    expect_smc(0x4602, 100, 2, 2);
    ck_assert_int_eq(smc_answer(0x4601, t, true, 200), RRC_EV_SECURITY_FAILURE);
    struct rrc_cell_action act = tick1(200, RRC_ACT_SECURITY, 0x4601);
    ck_assert(!act.has_sec); /* back to NIA0/NEA0 (38.331 5.3.4.3) */
    act = tick1(200, RRC_ACT_CONTEXT_SETUP_FAILED, 0x4601);
    ck_assert_int_eq(act.sec_failure, RRC_SEC_FAIL_UE);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->sec, RRC_SEC_NONE);
    expect_quiet(100 + RRC_SMC_GUARD_MS - 1);
    ck_assert(rrc_cell_dl_hold(&cell, 0x4602));
    act = tick1(100 + RRC_SMC_GUARD_MS, RRC_ACT_SECURITY, 0x4602); /* the guard timer, exactly */
    ck_assert(!act.has_sec);
    act = tick1(100 + RRC_SMC_GUARD_MS, RRC_ACT_CONTEXT_SETUP_FAILED, 0x4602);
    ck_assert_int_eq(act.sec_failure, RRC_SEC_FAIL_TIMEOUT);
    ck_assert(!rrc_cell_dl_hold(&cell, 0x4602));
    expect_quiet(100000);
    ck_assert_uint_eq(cell.stats.smc_failed, 1);
    ck_assert_uint_eq(cell.stats.smc_timeouts, 1);
    /* both UEs are still connected (the core decides), and a new Initial Context Setup may start again */
    ck_assert_int_eq(rrc_cell_connected(&cell), 2);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4602, kgnb, CAP(2), CAP(2), NULL, 0, 200000), 0);
    t = expect_smc(0x4602, 200000, 2, 2);
    ck_assert_int_eq(smc_answer(0x4602, t, false, 200010), RRC_EV_SECURITY_COMPLETE);
    tick1(200010, RRC_ACT_SECURITY, 0x4602);
    int ct = expect_cap_enquiry(0x4602, 200010);
    ck_assert_int_ne(ct, t); /* a new transaction */
    /* no UECapabilityInformation: the context is set up all the same after RRC_CAP_GUARD_MS (no NAS-PDU) */
    expect_quiet(200010 + RRC_CAP_GUARD_MS - 1);
    tick1(200010 + RRC_CAP_GUARD_MS, RRC_ACT_CONTEXT_SETUP_DONE, 0x4602);
    ck_assert_uint_eq(cell.stats.cap_timeouts, 1);
    rrc_cell_free(&cell);
}
END_TEST

/* The core has the UE's radio capabilities (Initial Context Setup with UE Radio Capability): after
 * SecurityModeComplete and ciphering, no UECapabilityEnquiry; the NAS-PDU and the setup's success follow. */
START_TEST(test_rrc_cell_capability_known)
{
    cell_init(4, 30000);
    connect_ue(0x4601, 0);
    ck_assert_int_eq(rrc_cell_ue_capability_known(&cell, 0x4602, NULL), -ENOENT);
    const uint8_t nas[] = {0x7e, 0x02, 0xaa, 0xbb};
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), nas, 4, 20), 0);
    ck_assert_int_eq(rrc_cell_ue_capability_known(&cell, 0x4601, NULL), 0);
    int t = expect_smc(0x4601, 30, 2, 2);
    ck_assert_int_eq(smc_answer(0x4601, t, false, 50), RRC_EV_SECURITY_COMPLETE);
    tick1(50, RRC_ACT_SECURITY, 0x4601);
    struct rrc_cell_action act = tick1(50, RRC_ACT_DL_NAS, 0x4601);
    ck_assert_mem_eq(act.nas, nas, 4);
    tick1(50, RRC_ACT_CONTEXT_SETUP_DONE, 0x4601);
    expect_quiet(5000);
    ck_assert_uint_eq(cell.stats.cap_enquiries, 0);
    rrc_cell_free(&cell);
}
END_TEST

/* One UE through security, its capabilities (answered with caps, or NULL: the AMF's copy, known_caps) and a PDU
 * session up to the RRCReconfiguration, which it returns. */
static struct rrc_cell_action qam256_ue(uint16_t rnti, int64_t now, const struct rrc_ue_nr_caps *caps, bool known,
                                        const struct rrc_ue_nr_caps *known_caps)
{
    connect_ue(rnti, now);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, rnti, kgnb, CAP(2), CAP(2), NULL, 0, now), 0);
    if (known) ck_assert_int_eq(rrc_cell_ue_capability_known(&cell, rnti, known_caps), 0);
    int t = expect_smc(rnti, now, 2, 2);
    ck_assert_int_eq(smc_answer(rnti, t, false, now), RRC_EV_SECURITY_COMPLETE);
    tick1(now, RRC_ACT_SECURITY, rnti);
    if (!known) {
        int ct = expect_cap_enquiry(rnti, now);
        static struct rrc_ue_capability_information ci;
        memset(&ci, 0, sizeof ci);
        ci.transaction_id = ct;
        ci.has_container_list = true;
        ci.nof_containers = 1;
        ci.container[0].rat_type = RRC_RAT_NR;
        ck_assert_int_eq(rrc_ue_nr_capability_encode(3, caps, ci.bytes, 64, &ci.container[0].len), 0);
        static uint8_t sdu[128];
        size_t len;
        ck_assert_int_eq(rrc_ul_dcch_encode_ue_capability_information(&ci, sdu, sizeof sdu, &len), 0);
        const struct rrc_ul_dcch_msg *msg;
        ck_assert_int_eq(rrc_cell_ul_dcch(&cell, rnti, sdu, len, now, &msg), RRC_EV_UE_CAPABILITY);
    }
    tick1(now, RRC_ACT_CONTEXT_SETUP_DONE, rnti);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, rnti, 1, 1, NULL, 0, now), 0);
    tick1(now, RRC_ACT_DRB_SETUP, rnti);
    return tick1(now, RRC_ACT_RECONFIG, rnti);
}

static void reconf_complete(uint16_t rnti, int transaction, int64_t now)
{
    uint8_t sdu[8];
    size_t len;
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(transaction, sdu, sizeof sdu, &len), 0);
    const struct rrc_ul_dcch_msg *msg;
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, rnti, sdu, len, now, &msg), RRC_EV_RECONF_COMPLETE);
}

/* PDSCH mcs-Table qam256 (enum rrc_qam256): a UE whose UE-NR-Capability has pdsch-256QAM-FR1 gets, in its DRB's
 * RRCReconfiguration, its RRCSetup's spCellConfig (its own PUCCH resources) with mcs-Table qam256 (the message
 * encodes and decodes so); its Complete gives DL_256QAM before SESSION_DONE. A UE without it, and one whose
 * capability did not decode, get neither; the AMF's copy counts like the UE's answer. A reconfiguration with no
 * Complete leaves it pending: the next session's carries it again. With qam256_unclaimed any UE with a decoded
 * capability gets it; without setup.dl_256qam none. */
START_TEST(test_rrc_cell_qam256)
{
    cell_init(8, 0);
    static struct rrc_dl_dcch_msg m;
    static uint8_t buf[4096];
    size_t len;
    const struct rrc_ue_nr_caps yes = {.pdsch_256qam = true}, no = {.pusch_256qam = true};
    struct rrc_cell_action act = qam256_ue(0x4601, 0, &yes, false, NULL);
    ck_assert_ptr_nonnull(act.sp_cell);
    ck_assert(act.sp_cell->has_dedicated && rrc_serving_cell_qam256(&act.sp_cell->dedicated));
    ck_assert_int_eq(act.sp_cell->dedicated.pucch.res[0].starting_prb, res.f1_prb); /* the UE's RRCSetup's */
    ck_assert_int_eq(rrc_reconfig_build_drb_sp_cell(&act.drb, act.sp_cell, NULL, 0, act.transaction_id, buf,
                                                    sizeof buf, &len), 0);
    ck_assert_int_eq(rrc_dl_dcch_decode(buf, len, &m), 0);
    ck_assert(m.reconfiguration.master_cell_group.has_sp_cell);
    ck_assert(rrc_serving_cell_qam256(&m.reconfiguration.master_cell_group.sp_cell.dedicated));
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->qam256, RRC_QAM256_SENT);
    reconf_complete(0x4601, act.transaction_id, 10);
    tick1(10, RRC_ACT_DL_256QAM, 0x4601);
    tick1(10, RRC_ACT_SESSION_DONE, 0x4601);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4601)->qam256, RRC_QAM256_ON);

    act = qam256_ue(0x4602, 20, &no, false, NULL); /* no pdsch-256QAM-FR1 */
    ck_assert_ptr_null(act.sp_cell);
    reconf_complete(0x4602, act.transaction_id, 30);
    tick1(30, RRC_ACT_SESSION_DONE, 0x4602);
    act = qam256_ue(0x4603, 40, NULL, true, &yes); /* the AMF's UE Radio Capability */
    ck_assert_ptr_nonnull(act.sp_cell);
    act = qam256_ue(0x4604, 50, NULL, true, NULL); /* the AMF's, undecodable */
    ck_assert_ptr_null(act.sp_cell);
    ck_assert_uint_eq(cell.stats.cap_256qam, 2);
    ck_assert_uint_eq(cell.stats.cap_no_256qam, 1);
    ck_assert_uint_eq(cell.stats.cap_bad, 1);
    ck_assert_uint_eq(cell.stats.qam256_on, 1);
    /* 0x4603 never completes: SESSION_FAILED, still SENT; a new session's reconfiguration carries it again */
    expect_quiet(40 + RRC_RECONF_GUARD_MS - 1);
    tick1(40 + RRC_RECONF_GUARD_MS, RRC_ACT_DRB_RELEASE, 0x4603); /* the MAC's bearer goes again */
    tick1(40 + RRC_RECONF_GUARD_MS, RRC_ACT_SESSION_FAILED, 0x4603);
    tick1(50 + RRC_RECONF_GUARD_MS, RRC_ACT_DRB_RELEASE, 0x4604);
    tick1(50 + RRC_RECONF_GUARD_MS, RRC_ACT_SESSION_FAILED, 0x4604);
    ck_assert_int_eq(rrc_cell_find(&cell, 0x4603)->qam256, RRC_QAM256_SENT);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4603, 2, 1, NULL, 0, 2000), 0);
    tick1(2000, RRC_ACT_DRB_SETUP, 0x4603);
    act = tick1(2000, RRC_ACT_RECONFIG, 0x4603);
    ck_assert_ptr_nonnull(act.sp_cell);
    reconf_complete(0x4603, act.transaction_id, 2010);
    tick1(2010, RRC_ACT_DL_256QAM, 0x4603);
    tick1(2010, RRC_ACT_SESSION_DONE, 0x4603);
    rrc_cell_free(&cell);

    /* qam256_unclaimed: the UE without pdsch-256QAM-FR1 gets it too; without dl_256qam nobody does */
    for (int k = 0; k < 2; k++) {
        struct rrc_cell_config cfg = {.max_ues = 4, .reject_wait_time_s = 7, .qam256_unclaimed = true, .band = 3};
        rrc_setup_builder_defaults(&cfg.setup);
        cfg.setup.dl_256qam = k == 0;
        ck_assert_int_eq(rrc_cell_init(&cell, &cfg), 0);
        act = qam256_ue(0x4601, 0, &no, false, NULL);
        ck_assert(k == 0 ? act.sp_cell != NULL : act.sp_cell == NULL);
        rrc_cell_free(&cell);
    }
}
END_TEST

/* PDU session on a secure UE: DRB_SETUP (the parameters, K_UPenc) -> RECONFIG -> Complete -> SESSION_DONE; refused
 * before security and twice; no Complete within RRC_RECONF_GUARD_MS -> SESSION_FAILED (then tried again). Its
 * release: DRB_RELEASE -> RECONFIG_RELEASE -> Complete (or the guard time) -> SESSION_RELEASED, then a new one. */
START_TEST(test_rrc_cell_pdu_session)
{
    cell_init(4, 0);
    connect_ue(0x4601, 0);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 1, 1, NULL, 0, 0), -EBUSY); /* no security yet */
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4699, 1, 1, NULL, 0, 0), -ENOENT);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), NULL, 0, 0), 0);
    int t = expect_smc(0x4601, 0, 2, 2);
    ck_assert_int_eq(smc_answer(0x4601, t, false, 10), RRC_EV_SECURITY_COMPLETE);
    tick1(10, RRC_ACT_SECURITY, 0x4601);
    expect_cap_enquiry(0x4601, 10);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 1, 1, NULL, 0, 10), -EBUSY); /* context not set up yet */
    tick1(10 + RRC_CAP_GUARD_MS, RRC_ACT_CONTEXT_SETUP_DONE, 0x4601);
    const uint8_t nas[] = {0x7e, 0x02, 0x11};
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 5, 64, nas, 3, 2000), -EINVAL);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 5, 9, nas, 3, 2000), 0);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 6, 9, nas, 3, 2000), -EBUSY);
    struct rrc_cell_action act = tick1(2000, RRC_ACT_DRB_SETUP, 0x4601);
    ck_assert_int_eq(act.drb.drb_id, 1);
    ck_assert_int_eq(act.drb.lcid, 4);
    ck_assert_int_eq(act.drb.pdu_session_id, 5);
    ck_assert_int_eq(act.drb.qfi, 9);
    struct pdcp_sec_config up;
    ck_assert_int_eq(pdcp_sec_bearer_config(kgnb, 2, 2, true, &up), 0);
    ck_assert(act.has_sec && act.sec.tx_cipher && act.sec.rx_cipher);
    ck_assert_mem_eq(act.sec.k_enc, up.k_enc, 16);
    act = tick1(2000, RRC_ACT_RECONFIG, 0x4601);
    ck_assert_uint_eq(act.nas_len, 3);
    ck_assert_mem_eq(act.nas, nas, 3);
    static uint8_t buf[256];
    size_t len;
    ck_assert_int_eq(rrc_reconfig_build_drb(&act.drb, act.nas, act.nas_len, act.transaction_id, buf, sizeof buf, &len), 0);
    expect_quiet(2000 + RRC_RECONF_GUARD_MS - 1);
    uint8_t sdu[8];
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(act.transaction_id, sdu, sizeof sdu, &len), 0);
    const struct rrc_ul_dcch_msg *msg;
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, 2500, &msg), RRC_EV_RECONF_COMPLETE);
    tick1(2500, RRC_ACT_SESSION_DONE, 0x4601);
    expect_quiet(100000);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 6, 9, NULL, 0, 100000), -EEXIST); /* DRB 1 is up */
    ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, 2, 5, 9, NULL, 0, 100000), -EEXIST); /* session 5 */
    ck_assert_int_eq(rrc_cell_drb_count(&cell, 0x4601), 1);
    /* a second UE that never completes the reconfiguration */
    connect_ue(0x4602, 100000);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4602, kgnb, CAP(2), CAP(2), NULL, 0, 100000), 0);
    t = expect_smc(0x4602, 100000, 2, 2);
    ck_assert_int_eq(smc_answer(0x4602, t, false, 100000), RRC_EV_SECURITY_COMPLETE);
    tick1(100000, RRC_ACT_SECURITY, 0x4602);
    expect_cap_enquiry(0x4602, 100000);
    tick1(101000, RRC_ACT_CONTEXT_SETUP_DONE, 0x4602);
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4602, 1, 1, NULL, 0, 101000), 0);
    tick1(101000, RRC_ACT_DRB_SETUP, 0x4602);
    tick1(101000, RRC_ACT_RECONFIG, 0x4602);
    act = tick1(101000 + RRC_RECONF_GUARD_MS, RRC_ACT_DRB_RELEASE, 0x4602); /* the MAC's bearer goes again */
    ck_assert_int_eq(act.drb.drb_id, 1);
    tick1(101000 + RRC_RECONF_GUARD_MS, RRC_ACT_SESSION_FAILED, 0x4602);
    ck_assert_int_eq(rrc_cell_drb_count(&cell, 0x4602), 0);
    ck_assert_uint_eq(cell.stats.reconfig_timeouts, 1);
    /* A failed session may be tried again. */
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4602, 2, 1, NULL, 0, 103000), 0);
    tick1(103000, RRC_ACT_DRB_SETUP, 0x4602);

    /* PDU session release of UE 1 (38.413 8.2.2): refusals, then DRB_RELEASE -> RECONFIG_RELEASE (the NAS-PDU) ->
     * Complete -> SESSION_RELEASED; afterwards a new session sets DRB 1 up again. */
    const uint8_t rel_nas[] = {0x7e, 0x00, 0x68, 0x01};
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4699, 5, NULL, 0, 110000), -ENOENT);
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 6, NULL, 0, 110000), -ESRCH); /* not its session */
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4602, 2, NULL, 0, 110000), -EBUSY); /* setup running */
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 5, rel_nas, sizeof rel_nas, 110000), 0);
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 5, NULL, 0, 110000), -EBUSY); /* running */
    ck_assert_int_eq(rrc_cell_pdu_session(&cell, 0x4601, 7, 9, NULL, 0, 110000), -EBUSY);
    act = tick1(110000, RRC_ACT_DRB_RELEASE, 0x4601);
    ck_assert_int_eq(act.drb.drb_id, 1);
    act = tick1(110000, RRC_ACT_RECONFIG_RELEASE, 0x4601);
    ck_assert_int_eq(act.drb.drb_id, 1);
    ck_assert_int_eq(act.drb.lcid, 4);
    ck_assert_uint_eq(act.nas_len, sizeof rel_nas);
    ck_assert_mem_eq(act.nas, rel_nas, sizeof rel_nas);
    int rel_t = act.transaction_id;
    ck_assert_int_eq(rrc_reconfig_build_drb_release(act.drb.drb_id, act.drb.lcid, act.nas, act.nas_len, rel_t, buf,
                                                    sizeof buf, &len), 0);
    tick1(110000, RRC_ACT_RECONFIG, 0x4602); /* the other UE's procedure goes on meanwhile */
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete((rel_t + 1) & 3, sdu, sizeof sdu, &len), 0);
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, 110100, &msg), RRC_EV_UL_DCCH); /* wrong transaction */
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(rel_t, sdu, sizeof sdu, &len), 0);
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, 110200, &msg), RRC_EV_RECONF_COMPLETE);
    act = tick1(110200, RRC_ACT_SESSION_RELEASED, 0x4601);
    ck_assert(!act.unconfirmed);
    ck_assert_int_eq(act.drb.pdu_session_id, 5);
    ck_assert_uint_eq(cell.stats.drb_releases, 1);
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 5, NULL, 0, 110300), -ESRCH); /* gone */
    ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, 0, 7, 9, NULL, 0, 110300), -EINVAL);
    ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, RRC_DRB_ID_MAX + 1, 7, 9, NULL, 0, 110300), -EINVAL);
    ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, 2, 7, 9, NULL, 0, 110300), 0); /* the next DRB */
    act = tick1(110300, RRC_ACT_DRB_SETUP, 0x4601);
    ck_assert_int_eq(act.drb.drb_id, 2);
    ck_assert_int_eq(act.drb.lcid, 5);
    ck_assert_int_eq(act.drb.pdu_session_id, 7);
    act = tick1(110300, RRC_ACT_RECONFIG, 0x4601);
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(act.transaction_id, sdu, sizeof sdu, &len), 0);
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, 110400, &msg), RRC_EV_RECONF_COMPLETE);
    tick1(110400, RRC_ACT_SESSION_DONE, 0x4601);
    tick1(110000 + RRC_RECONF_GUARD_MS, RRC_ACT_DRB_RELEASE, 0x4602); /* UE 2's second try: no Complete */
    tick1(110000 + RRC_RECONF_GUARD_MS, RRC_ACT_SESSION_FAILED, 0x4602);
    /* A release the UE never completes: SESSION_RELEASED all the same after RRC_RECONF_GUARD_MS, unconfirmed. */
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 7, NULL, 0, 120000), 0);
    tick1(120000, RRC_ACT_DRB_RELEASE, 0x4601);
    act = tick1(120000, RRC_ACT_RECONFIG_RELEASE, 0x4601);
    ck_assert_ptr_null(act.nas);
    ck_assert_int_eq(act.drb.drb_id, 2);
    ck_assert_int_eq(act.drb.lcid, 5);
    expect_quiet(120000 + RRC_RECONF_GUARD_MS - 1);
    act = tick1(120000 + RRC_RECONF_GUARD_MS, RRC_ACT_SESSION_RELEASED, 0x4601);
    ck_assert(act.unconfirmed);
    ck_assert_uint_eq(cell.stats.drb_releases, 2);
    rrc_cell_free(&cell);
}
END_TEST

/* Several PDU sessions of one UE: each its own DRB (DRB n on LCID n + 3), one procedure at a time (busy while one
 * runs), RRC_UE_DRBS at most; releasing one keeps the others. */
START_TEST(test_rrc_cell_several_sessions)
{
    cell_init(4, 0);
    connect_ue(0x4601, 0);
    ck_assert_int_eq(rrc_cell_context_setup(&cell, 0x4601, kgnb, CAP(2), CAP(2), NULL, 0, 0), 0);
    int t = expect_smc(0x4601, 0, 2, 2);
    ck_assert_int_eq(smc_answer(0x4601, t, false, 10), RRC_EV_SECURITY_COMPLETE);
    tick1(10, RRC_ACT_SECURITY, 0x4601);
    expect_cap_enquiry(0x4601, 10);
    tick1(10 + RRC_CAP_GUARD_MS, RRC_ACT_CONTEXT_SETUP_DONE, 0x4601);
    int64_t now = 2000;
    uint8_t sdu[8];
    size_t len;
    const struct rrc_ul_dcch_msg *msg;
    for (int k = 0; k < RRC_UE_DRBS; k++, now += 100) { /* sessions 10, 11, ... on DRBs 1, 2, ... */
        ck_assert(!rrc_cell_drb_busy(&cell, 0x4601));
        ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, k + 1, 10 + k, 1 + k, NULL, 0, now), 0);
        ck_assert(rrc_cell_drb_busy(&cell, 0x4601));
        ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, k + 2, 20 + k, 1, NULL, 0, now), -EBUSY);
        struct rrc_cell_action act = tick1(now, RRC_ACT_DRB_SETUP, 0x4601);
        ck_assert_int_eq(act.drb.drb_id, k + 1);
        ck_assert_int_eq(act.drb.lcid, k + 4);
        ck_assert_int_eq(act.drb.pdu_session_id, 10 + k);
        ck_assert_int_eq(act.drb.qfi, 1 + k);
        act = tick1(now, RRC_ACT_RECONFIG, 0x4601);
        ck_assert_int_eq(act.drb.drb_id, k + 1);
        ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(act.transaction_id, sdu, sizeof sdu, &len), 0);
        ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, now + 50, &msg), RRC_EV_RECONF_COMPLETE);
        act = tick1(now + 50, RRC_ACT_SESSION_DONE, 0x4601);
        ck_assert_int_eq(act.drb.pdu_session_id, 10 + k);
        ck_assert_int_eq(rrc_cell_drb_count(&cell, 0x4601), k + 1);
    }
    ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, 9, 30, 1, NULL, 0, now), -ENOSPC);
    /* session 11 (DRB 2) goes; 10, 12, 13 stay */
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 11, NULL, 0, now), 0);
    ck_assert(rrc_cell_drb_busy(&cell, 0x4601));
    struct rrc_cell_action act = tick1(now, RRC_ACT_DRB_RELEASE, 0x4601);
    ck_assert_int_eq(act.drb.drb_id, 2);
    act = tick1(now, RRC_ACT_RECONFIG_RELEASE, 0x4601);
    ck_assert_int_eq(act.drb.drb_id, 2);
    ck_assert_int_eq(act.drb.lcid, 5);
    ck_assert_int_eq(rrc_ul_dcch_encode_reconfiguration_complete(act.transaction_id, sdu, sizeof sdu, &len), 0);
    ck_assert_int_eq(rrc_cell_ul_dcch(&cell, 0x4601, sdu, len, now + 50, &msg), RRC_EV_RECONF_COMPLETE);
    act = tick1(now + 50, RRC_ACT_SESSION_RELEASED, 0x4601);
    ck_assert_int_eq(act.drb.pdu_session_id, 11);
    ck_assert_int_eq(rrc_cell_drb_count(&cell, 0x4601), RRC_UE_DRBS - 1);
    ck_assert_int_eq(rrc_cell_pdu_session_release(&cell, 0x4601, 11, NULL, 0, now + 100), -ESRCH);
    /* room again: a fifth session on a DRB identity the UE never had */
    ck_assert_int_eq(rrc_cell_pdu_session_drb(&cell, 0x4601, RRC_UE_DRBS + 1, 14, 1, NULL, 0, now + 100), 0);
    act = tick1(now + 100, RRC_ACT_DRB_SETUP, 0x4601);
    ck_assert_int_eq(act.drb.lcid, RRC_UE_DRBS + 4);
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
    tcase_add_test(tc, test_rrc_cell_core_release_order);
    tcase_add_test(tc, test_rrc_cell_capability_known);
    tcase_add_test(tc, test_rrc_cell_activity_restarts_timer);
    tcase_add_test(tc, test_rrc_cell_release_frees_a_place);
    tcase_add_test(tc, test_rrc_cell_setup_timeout_and_lost);
    tcase_add_test(tc, test_rrc_cell_one_action_per_call);
    tcase_add_test(tc, test_rrc_cell_new_epoch);
    tcase_add_test(tc, test_rrc_cell_core_release);
    tcase_add_test(tc, test_rrc_cell_bad_config);
    tcase_add_test(tc, test_rrc_sec_choose);
    tcase_add_test(tc, test_rrc_cell_security_complete);
    tcase_add_test(tc, test_rrc_cell_security_failure_and_timeout);
    tcase_add_test(tc, test_rrc_cell_pdu_session);
    tcase_add_test(tc, test_rrc_cell_qam256);
    tcase_add_test(tc, test_rrc_cell_several_sessions);
    suite_add_tcase(s, tc);
    return check_run(s);
}
