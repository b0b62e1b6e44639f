/* The UE table (gnb/ue_table.h): publish/read round trips, a reader that never sees a torn table while a writer
 * thread publishes as fast as it can (every entry carries a checksum of its other fields and the generation it
 * was written in), the summary of a MAC's procedures and contexts with values worked by hand, the change test
 * and the JSON reply. Run under ThreadSanitizer by `make tsan`. */
#include "gnb/ue_table.h"

#include <check.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check_run.h"

#if defined(__SANITIZE_THREAD__)
#define UE_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UE_TEST_TSAN 1
#endif
#endif
#ifdef UE_TEST_TSAN
#define PUBLICATIONS 10000
#else
#define PUBLICATIONS 100000
#endif

static struct ue_table table;

/* A mix of an entry's fields other than bsr_bytes (where the checksum goes). */
static uint64_t entry_sum(const struct ue_summary *u)
{
    uint64_t h = 1469598103934665603ull;
    const uint64_t v[] = {u->rnti, u->state, (uint64_t)u->ta, u->sr_count, u->ul_grants, u->ul_crc_ok, u->ul_crc_ko,
                          u->dl_tx, u->dl_ack, u->dl_nack, u->last_activity_slot, u->age_ms, u->ul_retx,
                          u->ul_harq_ko, u->dl_retx, u->dl_harq_ko, u->ta_commands};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) h = (h ^ v[i]) * 1099511628211ull;
    return h;
}

/* Publication k: (k mod (UE_TABLE_MAX + 1)) entries whose fields all derive from k and their index. */
static void fill(struct ue_table_view *v, uint64_t k)
{
    memset(v, 0, sizeof *v);
    v->slot = k;
    v->epoch = (uint32_t)(k >> 8);
    v->n = (uint32_t)(k % (UE_TABLE_MAX + 1));
    for (uint32_t i = 0; i < v->n; i++) {
        struct ue_summary *u = &v->ue[i];
        *u = (struct ue_summary){.rnti = (uint16_t)(0x4601 + i), .state = (uint8_t)((k + i) % UE_STATE_COUNT),
                                 .ta = (int32_t)(k % 3847), .sr_count = (uint32_t)(k * 7 + i), .ul_grants = k,
                                 .ul_crc_ok = k + i, .ul_crc_ko = k ^ i, .dl_tx = k * 3, .dl_ack = k * 2 + i,
                                 .dl_nack = i, .last_activity_slot = k - i, .age_ms = i, .pusch_snr_db = (float)i,
                                 .ul_retx = k + 1, .ul_harq_ko = k + 2, .dl_retx = k + 3, .dl_harq_ko = i + 4,
                                 .ta_commands = k * 5,
                                 .ta_us = 1.0f, .pusch_ta_us = NAN};
        u->bsr_bytes = entry_sum(u);
    }
}

START_TEST(test_empty_before_publish)
{
    static struct ue_table t;
    struct ue_table_view v;
    memset(&v, 0xa5, sizeof v);
    ue_table_init(&t);
    ck_assert_int_eq(ue_table_read(&t, &v), 0);
    ck_assert_uint_eq(v.n, 0);
    ck_assert_uint_eq(v.generation, 0);
}
END_TEST

START_TEST(test_round_trip)
{
    static struct ue_table t;
    static struct ue_table_view in, out;
    ue_table_init(&t);
    fill(&in, 2 * (UE_TABLE_MAX + 1) + 5); /* 5 entries */
    ue_table_publish(&t, &in);
    ck_assert_uint_eq(in.generation, 1);
    ck_assert_int_eq(ue_table_read(&t, &out), 0);
    ck_assert_uint_eq(out.n, 5);
    ck_assert_uint_eq(out.slot, in.slot);
    ck_assert_uint_eq(out.epoch, in.epoch);
    ck_assert_uint_eq(out.generation, 1);
    ck_assert_mem_eq(out.ue, in.ue, 5 * sizeof in.ue[0]);
    fill(&in, UE_TABLE_MAX + 1 + 1); /* 1 entry: the old 4 others must not show */
    ue_table_publish(&t, &in);
    ck_assert_int_eq(ue_table_read(&t, &out), 0);
    ck_assert_uint_eq(out.n, 1);
    ck_assert_uint_eq(out.generation, 2);
    ck_assert_mem_eq(out.ue, in.ue, sizeof in.ue[0]);
    in.n = UE_TABLE_MAX + 7; /* more than the table holds: cut */
    ue_table_publish(&t, &in);
    ck_assert_uint_eq(in.n, UE_TABLE_MAX);
}
END_TEST

static _Atomic int writer_done;
static _Atomic uint64_t reads_done; /* the reader's successful reads, so the writer can wait for one */

static void *writer(void *arg)
{
    static struct ue_table_view v; /* writer thread only */
    (void)arg;
    for (uint64_t k = 1; k <= PUBLICATIONS; k++) {
        fill(&v, k);
        ue_table_publish(&table, &v);
        /* gaps of 0 to a few microseconds, so reads both overlap publications and fit between them */
        for (volatile unsigned spin = 0; spin < (k * 2654435761u >> 20) % 4096; spin++) {}
        /* on a loaded machine the two threads may hardly overlap: every 500 publications, wait for a read */
        if (k % 500 == 0)
            for (uint64_t r = atomic_load(&reads_done); atomic_load(&reads_done) == r;) sched_yield();
    }
    atomic_store(&writer_done, 1);
    return NULL;
}

START_TEST(test_reader_never_sees_a_torn_table)
{
    static struct ue_table_view v;
    ue_table_init(&table);
    atomic_store(&writer_done, 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, writer, NULL), 0);
    uint64_t reads = 0, busy = 0, last_gen = 0, distinct = 0, entries = 0;
    for (;;) {
        bool done = atomic_load(&writer_done); /* read before the table: the last read sees the last publication */
        int rc = ue_table_read(&table, &v);
        if (rc == -EAGAIN) {
            busy++;
            continue;
        }
        ck_assert_int_eq(rc, 0);
        reads++;
        atomic_fetch_add(&reads_done, 1);
        ck_assert_uint_ge(v.generation, last_gen);           /* never goes back */
        if (v.generation != last_gen) distinct++;
        last_gen = v.generation;
        if (v.generation == 0) {
            ck_assert_uint_eq(v.n, 0);
        } else {
            ck_assert_uint_eq(v.slot, v.generation);          /* publication k is generation k */
            ck_assert_uint_eq(v.epoch, (uint32_t)(v.slot >> 8));
            ck_assert_uint_eq(v.n, v.slot % (UE_TABLE_MAX + 1));
        }
        for (uint32_t i = 0; i < v.n; i++) {
            ck_assert_uint_eq(v.ue[i].bsr_bytes, entry_sum(&v.ue[i])); /* the entry is whole */
            ck_assert_uint_eq(v.ue[i].ul_grants, v.slot);              /* ... and from this publication */
            ck_assert_uint_eq(v.ue[i].rnti, 0x4601 + i);
        }
        entries += v.n;
        if (done) break;
    }
    pthread_join(t, NULL);
    printf("ue_table: %d publications, %llu consistent reads (%llu distinct generations, %llu entries checked), "
           "%llu reads gave up (-EAGAIN)\n", PUBLICATIONS, (unsigned long long)reads, (unsigned long long)distinct,
           (unsigned long long)entries, (unsigned long long)busy);
    ck_assert_uint_eq(last_gen, PUBLICATIONS);
    ck_assert_uint_ge(distinct, PUBLICATIONS / 500); /* the reader saw the table change many times */
}
END_TEST

START_TEST(test_collect_from_mac)
{
    static struct mac m;
    static struct ue_table_view v;
    memset(&m, 0, sizeof m);
    m.cfg.ra_enabled = true;
    m.ues_ok = true;
    m.cfg.scs_khz = 30;
    m.ra.proc[3] = (struct ra_proc){.state = RA_MSG3_DUE, .tc_rnti = 0x4603, .ta = 10, .prach_slot = 150};
    m.ra.proc[5] = (struct ra_proc){.state = RA_MSG4_ACK_DUE, .tc_rnti = 0x4604, .ta = 2, .prach_slot = 100,
                                    .msg3_slot = 190, .msg4_len = 20, .msg4_is_setup = false};
    m.ra.proc[6] = (struct ra_proc){.state = RA_FREE, .tc_rnti = 0x4605};
    m.ues.ue[1] = (struct mac_ue){.active = true, .crnti = 0x4601, .setup_complete = true, .ta = 3, .pusch_ok = 7,
                                  .pusch_ko = 1, .pusch_snr_db = 23.5f, .pusch_ta_us = 0.25f, .srs = 4,
                                  .ul_grants = 9, .dl_pdus = 2, .dl_acks = 2, .bsr_bytes = 150,
                                  .last_rx_slot = 180, .ul_retx = 3, .ul_ko = 1, .dl_retx = 5, .dl_ko = 2,
                                  .ta_commands = 6};
    m.ues.ue[4] = (struct mac_ue){.active = true, .crnti = 0x4602, .last_rx_slot = 199};
    m.ues.ue[6] = (struct mac_ue){.active = false, .crnti = 0x4606};
    ue_table_collect(&m, 200, 3, &v);
    ck_assert_uint_eq(v.n, 4);
    ck_assert_uint_eq(v.slot, 200);
    ck_assert_uint_eq(v.epoch, 3);
    /* procedures first, then contexts, each in index order */
    ck_assert_uint_eq(v.ue[0].rnti, 0x4603);
    ck_assert_str_eq(ue_state_name(v.ue[0].state), "ra-msg3");
    ck_assert_int_eq(v.ue[0].ta, 10);
    /* 10 x 16 x 64 T_c / 2 at 30 kHz = 10 x 1024 / (2 x 1.96608 GHz) = 2.6042 us */
    ck_assert_float_eq_tol(v.ue[0].ta_us, 2.6042f, 1e-3f);
    ck_assert_uint_eq(v.ue[0].age_ms, 25);             /* 50 slots at 30 kHz */
    ck_assert(isnan(v.ue[0].pusch_snr_db));
    ck_assert_uint_eq(v.ue[1].rnti, 0x4604);
    ck_assert_str_eq(ue_state_name(v.ue[1].state), "ra-msg4");
    ck_assert_uint_eq(v.ue[1].rrc_reject, 1);
    ck_assert_uint_eq(v.ue[1].last_activity_slot, 190);
    ck_assert_uint_eq(v.ue[2].rnti, 0x4601);
    ck_assert_str_eq(ue_state_name(v.ue[2].state), "setup-complete");
    ck_assert_float_eq_tol(v.ue[2].pusch_snr_db, 23.5f, 1e-6f);
    ck_assert_float_eq_tol(v.ue[2].ta_us, 0.78125f, 1e-4f); /* 3 x 0.26042 */
    ck_assert_uint_eq(v.ue[2].ul_grants, 9);
    ck_assert_uint_eq(v.ue[2].ul_crc_ok, 7);
    ck_assert_uint_eq(v.ue[2].ul_crc_ko, 1);
    ck_assert_uint_eq(v.ue[2].dl_tx, 2);
    ck_assert_uint_eq(v.ue[2].dl_ack, 2);
    ck_assert_uint_eq(v.ue[2].sr_count, 4);
    ck_assert_uint_eq(v.ue[2].bsr_bytes, 150);
    ck_assert_uint_eq(v.ue[2].ul_retx, 3);
    ck_assert_uint_eq(v.ue[2].ul_harq_ko, 1);
    ck_assert_uint_eq(v.ue[2].dl_retx, 5);
    ck_assert_uint_eq(v.ue[2].dl_harq_ko, 2);
    ck_assert_uint_eq(v.ue[2].ta_commands, 6);
    ck_assert_uint_eq(v.ue[2].age_ms, 10);
    ck_assert_uint_eq(v.ue[3].rnti, 0x4602);
    ck_assert_str_eq(ue_state_name(v.ue[3].state), "connected");
    ck_assert(isnan(v.ue[3].pusch_snr_db)); /* no PUSCH yet */
    /* nothing when random access is off and no context exists */
    m.cfg.ra_enabled = false;
    m.ues_ok = false;
    ue_table_collect(&m, 200, 3, &v);
    ck_assert_uint_eq(v.n, 0);
}
END_TEST

START_TEST(test_changed)
{
    static struct ue_table_view a, b;
    fill(&a, 3);
    b = a;
    ck_assert(!ue_table_changed(&a, &b));
    b.ue[1].ul_grants += 5; /* counters do not count */
    b.slot++;
    ck_assert(!ue_table_changed(&a, &b));
    b.ue[2].state = (uint8_t)((b.ue[2].state + 1) % UE_STATE_COUNT);
    ck_assert(ue_table_changed(&a, &b));
    b = a;
    b.ue[0].rnti++;
    ck_assert(ue_table_changed(&a, &b));
    b = a;
    b.n--;
    ck_assert(ue_table_changed(&a, &b));
    b = a;
    b.epoch++;
    ck_assert(ue_table_changed(&a, &b));
}
END_TEST

START_TEST(test_json)
{
    static struct ue_table_view v;
    memset(&v, 0, sizeof v);
    v.generation = 12;
    v.slot = 345;
    v.epoch = 2;
    v.n = 2;
    v.ue[0] = (struct ue_summary){.rnti = 0x4601, .state = UE_STATE_SETUP_COMPLETE, .ta = 3, .ta_us = 1.5625f,
                                  .pusch_snr_db = 23.25f, .pusch_ta_us = -0.5f, .sr_count = 2, .ul_grants = 11,
                                  .ul_crc_ok = 10, .ul_crc_ko = 1, .dl_tx = 4, .dl_ack = 3, .dl_nack = 1,
                                  .bsr_bytes = 0, .last_activity_slot = 340, .age_ms = 5, .ul_retx = 4,
                                  .ul_harq_ko = 7, .dl_retx = 8, .dl_harq_ko = 9, .ta_commands = 12};
    v.ue[1] = (struct ue_summary){.rnti = 0x460a, .state = UE_STATE_RA_MSG2, .pusch_snr_db = NAN,
                                  .pusch_ta_us = NAN};
    cJSON *o = cJSON_CreateObject();
    ck_assert_int_eq(ue_table_to_json(&v, o), 0);
    ck_assert_double_eq(cJSON_GetObjectItem(o, "slot")->valuedouble, 345);
    ck_assert_double_eq(cJSON_GetObjectItem(o, "generation")->valuedouble, 12);
    cJSON *ues = cJSON_GetObjectItem(o, "ues");
    ck_assert(cJSON_IsArray(ues));
    ck_assert_int_eq(cJSON_GetArraySize(ues), 2);
    cJSON *u = cJSON_GetArrayItem(ues, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(u, "rnti")->valuestring, "0x4601");
    ck_assert_str_eq(cJSON_GetObjectItem(u, "state")->valuestring, "setup-complete");
    ck_assert_double_eq(cJSON_GetObjectItem(u, "snr_db")->valuedouble, 23.25);
    ck_assert_double_eq(cJSON_GetObjectItem(u, "ta")->valuedouble, 3);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "ul"), "grants")->valuedouble, 11);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "ul"), "crc_ko")->valuedouble, 1);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "dl"), "nack")->valuedouble, 1);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "ul"), "retx")->valuedouble, 4);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "ul"), "harq_ko")->valuedouble, 7);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "dl"), "retx")->valuedouble, 8);
    ck_assert_double_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "dl"), "harq_ko")->valuedouble, 9);
    ck_assert_double_eq(cJSON_GetObjectItem(u, "ta_commands")->valuedouble, 12);
    ck_assert_double_eq(cJSON_GetObjectItem(u, "age_ms")->valuedouble, 5);
    u = cJSON_GetArrayItem(ues, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(u, "rnti")->valuestring, "0x460a");
    ck_assert_str_eq(cJSON_GetObjectItem(u, "state")->valuestring, "ra-msg2");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(u, "snr_db"))); /* no NaN in JSON */
    cJSON_Delete(o);
    o = cJSON_CreateObject();
    v.n = 0;
    ck_assert_int_eq(ue_table_to_json(&v, o), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "ues")), 0);
    cJSON_Delete(o);
    ck_assert_str_eq(ue_state_name(UE_STATE_COUNT), "?");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ue_table");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_empty_before_publish);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_reader_never_sees_a_torn_table);
    tcase_add_test(tc, test_collect_from_mac);
    tcase_add_test(tc, test_changed);
    tcase_add_test(tc, test_json);
    suite_add_tcase(s, tc);
    return check_run(s);
}
