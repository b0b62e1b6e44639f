/* The UE table: a sequence-locked summary of the MAC's UEs (see ue_table.h). */
#include "gnb/ue_table.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(struct ue_summary) % 8 == 0, "entries are copied as 64-bit words");
_Static_assert(offsetof(struct ue_table_view, ue) == UE_TABLE_HEADER_WORDS * 8, "header words");

static const char *const state_names[UE_STATE_COUNT] = {"ra-msg2", "ra-msg3", "ra-msg4", "connected",
                                                        "setup-complete"};

const char *ue_state_name(unsigned state) { return state < UE_STATE_COUNT ? state_names[state] : "?"; }

void ue_table_init(struct ue_table *t)
{
    atomic_store_explicit(&t->seq, 0, memory_order_relaxed);
    for (size_t i = 0; i < UE_TABLE_WORDS; i++) atomic_store_explicit(&t->words[i], 0, memory_order_relaxed);
}

/* Words [first, first + n) of the table <-> n words of plain memory. */
static void store_words(struct ue_table *t, size_t first, const void *src, size_t n)
{
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++) {
        uint64_t w;
        memcpy(&w, s + 8 * i, 8);
        atomic_store_explicit(&t->words[first + i], w, memory_order_relaxed);
    }
}

static void load_words(const struct ue_table *t, size_t first, void *dst, size_t n)
{
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) {
        uint64_t w = atomic_load_explicit(&((struct ue_table *)t)->words[first + i], memory_order_relaxed);
        memcpy(d + 8 * i, &w, 8);
    }
}

void ue_table_publish(struct ue_table *t, struct ue_table_view *v)
{
    if (v->n > UE_TABLE_MAX) v->n = UE_TABLE_MAX;
    uint64_t seq = atomic_load_explicit(&t->seq, memory_order_relaxed);
    v->generation = seq / 2 + 1;
    atomic_store_explicit(&t->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release); /* the odd sequence is visible before any word changes */
    store_words(t, 0, v, UE_TABLE_HEADER_WORDS);
    store_words(t, UE_TABLE_HEADER_WORDS, v->ue, v->n * UE_TABLE_ENTRY_WORDS);
    atomic_store_explicit(&t->seq, seq + 2, memory_order_release);
}

int ue_table_read(const struct ue_table *t, struct ue_table_view *v)
{
    struct ue_table *w = (struct ue_table *)t; /* atomics are read only */
    for (int tries = 0; tries < UE_TABLE_READ_TRIES; tries++) {
        if (tries) sched_yield(); /* the writer is in the middle of a publication: let it finish */
        uint64_t s1 = atomic_load_explicit(&w->seq, memory_order_acquire);
        if (s1 & 1) continue;
        load_words(t, 0, v, UE_TABLE_HEADER_WORDS);
        uint32_t n = v->n <= UE_TABLE_MAX ? v->n : UE_TABLE_MAX; /* a torn header is caught below */
        load_words(t, UE_TABLE_HEADER_WORDS, v->ue, n * UE_TABLE_ENTRY_WORDS);
        atomic_thread_fence(memory_order_acquire); /* the copies happen before the second sequence read */
        if (atomic_load_explicit(&w->seq, memory_order_relaxed) == s1) {
            v->n = n;
            return 0;
        }
    }
    return -EAGAIN;
}

/* 38.211 4.3.1 / 38.213 4.2: N_TA = T_A steps of ra_ta_step_s(). */
static float ta_to_us(int ta, int scs_khz)
{
    return (float)((double)ta * ra_ta_step_s(scs_khz) * 1e6);
}

static uint64_t age_ms(uint64_t now, uint64_t then, int scs_khz)
{
    int per_ms = scs_khz / 15 > 0 ? scs_khz / 15 : 1;
    return now > then ? (now - then) / (uint64_t)per_ms : 0;
}

static void collect_ra(const struct mac *m, uint64_t slot, struct ue_table_view *v)
{
    for (int i = 0; i < RA_MAX_PROCS && v->n < UE_TABLE_MAX; i++) {
        const struct ra_proc *p = &m->ra.proc[i];
        enum ue_state st;
        switch (p->state) {
        case RA_RAR_DUE: st = UE_STATE_RA_MSG2; break;
        case RA_MSG3_DUE: st = UE_STATE_RA_MSG3; break;
        case RA_MSG3_DONE: case RA_MSG4_DUE: case RA_MSG4_ACK_DUE: st = UE_STATE_RA_MSG4; break;
        default: continue;
        }
        uint64_t seen = st == UE_STATE_RA_MSG4 ? p->msg3_slot : p->prach_slot;
        v->ue[v->n++] = (struct ue_summary){
            .rnti = p->tc_rnti, .state = (uint8_t)st, .rrc_reject = st == UE_STATE_RA_MSG4 && p->msg4_len > 0 &&
                                                                    !p->msg4_is_setup,
            .ta = p->ta, .ta_us = ta_to_us(p->ta, m->cfg.scs_khz), .pusch_snr_db = NAN, .pusch_ta_us = NAN, .phr_ph = -1,
            .dl_mcs = -1, .ul_mcs = -1, .dl_qm = -1,
            .last_activity_slot = seen, .age_ms = age_ms(slot, seen, m->cfg.scs_khz)};
    }
}

/* Q_m of row mcs of table t, -1 for none. */
static int32_t qm_of(enum tbs_mcs_table t, int mcs)
{
    struct tbs_mcs row;
    return mcs < 0 || tbs_mcs_lookup(t, mcs, &row) < 0 ? -1 : row.qm;
}

static void collect_ues(const struct mac *m, uint64_t slot, struct ue_table_view *v)
{
    for (int i = 0; i < MAC_MAX_UES && v->n < UE_TABLE_MAX; i++) {
        const struct mac_ue *ue = &m->ues.ue[i];
        if (!ue->active) continue;
        bool pusch = ue->pusch_ok + ue->pusch_ko > 0;
        uint32_t drbs = 0, drb_ids = 0;
        for (int k = 0; k < MAC_UE_DRBS; k++)
            if (ue->drb[k].active) {
                drbs++;
                drb_ids |= 1u << (ue->drb[k].drb_id & 31);
            }
        v->ue[v->n++] = (struct ue_summary){
            .rnti = ue->crnti, .state = ue->setup_complete ? UE_STATE_SETUP_COMPLETE : UE_STATE_CONNECTED,
            .ta = ue->ta, .ta_us = ta_to_us(ue->ta, m->cfg.scs_khz),
            .pusch_snr_db = pusch ? ue->pusch_snr_db : NAN, .pusch_ta_us = pusch ? ue->pusch_ta_us : NAN,
            .sr_count = (uint32_t)ue->srs, .ul_grants = ue->ul_grants, .ul_crc_ok = ue->pusch_ok,
            .ul_crc_ko = ue->pusch_ko, .ul_retx = ue->ul_retx, .ul_harq_ko = ue->ul_ko, .dl_tx = ue->dl_pdus,
            .dl_ack = ue->dl_acks, .dl_nack = ue->dl_nacks, .dl_retx = ue->dl_retx, .dl_harq_ko = ue->dl_ko,
            .ta_commands = ue->ta_commands, .phr_ph = ue->phr_ph, .dl_mcs = ue->la.dl.last_mcs,
            .ul_mcs = ue->la.ul.last_mcs, .dl_qm = qm_of(ue->la.dl_table, ue->la.dl.last_mcs),
            .dl_table = ue->la.dl_table == TBS_MCS_TABLE_256QAM ? 256 : 64, .dl_table_pending = ue->dl_table_pending,
            .bsr_bytes = ue->bsr_bytes, .last_activity_slot = ue->last_rx_slot, .drbs = drbs, .drb_ids = drb_ids,
            .age_ms = age_ms(slot, ue->last_rx_slot, m->cfg.scs_khz)};
    }
}

void ue_table_collect(const struct mac *m, uint64_t slot, uint32_t epoch, struct ue_table_view *v)
{
    v->slot = slot;
    v->epoch = epoch;
    v->n = 0;
    if (m->cfg.ra_enabled) collect_ra(m, slot, v);
    if (m->ues_ok) collect_ues(m, slot, v);
}

bool ue_table_changed(const struct ue_table_view *a, const struct ue_table_view *b)
{
    if (a->n != b->n || a->epoch != b->epoch) return true;
    for (uint32_t i = 0; i < a->n && i < UE_TABLE_MAX; i++)
        if (a->ue[i].rnti != b->ue[i].rnti || a->ue[i].state != b->ue[i].state) return true;
    return false;
}

/* A number, or null for NaN (JSON has no NaN). */
static cJSON *add_number(cJSON *o, const char *name, double v)
{
    return isnan(v) ? cJSON_AddNullToObject(o, name) : cJSON_AddNumberToObject(o, name, v);
}

static int ue_to_json(const struct ue_summary *u, cJSON *arr)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    char rnti[8];
    snprintf(rnti, sizeof rnti, "0x%04x", u->rnti);
    bool ok = cJSON_AddStringToObject(o, "rnti", rnti) && cJSON_AddStringToObject(o, "state", ue_state_name(u->state)) &&
              (!u->rrc_reject || cJSON_AddTrueToObject(o, "rrc_reject")) &&
              add_number(o, "snr_db", u->pusch_snr_db) && cJSON_AddNumberToObject(o, "ta", u->ta) &&
              add_number(o, "ta_us", u->ta_us) && add_number(o, "pusch_ta_us", u->pusch_ta_us);
    cJSON *ul = ok ? cJSON_AddObjectToObject(o, "ul") : NULL, *dl = ul ? cJSON_AddObjectToObject(o, "dl") : NULL;
    ok = dl && cJSON_AddNumberToObject(ul, "grants", (double)u->ul_grants) &&
         cJSON_AddNumberToObject(ul, "crc_ok", (double)u->ul_crc_ok) &&
         cJSON_AddNumberToObject(ul, "crc_ko", (double)u->ul_crc_ko) &&
         cJSON_AddNumberToObject(ul, "retx", (double)u->ul_retx) &&
         cJSON_AddNumberToObject(ul, "harq_ko", (double)u->ul_harq_ko) &&
         cJSON_AddNumberToObject(dl, "retx", (double)u->dl_retx) &&
         cJSON_AddNumberToObject(dl, "harq_ko", (double)u->dl_harq_ko) &&
         cJSON_AddNumberToObject(o, "ta_commands", (double)u->ta_commands) &&
         cJSON_AddNumberToObject(dl, "tx", (double)u->dl_tx) && cJSON_AddNumberToObject(dl, "ack", (double)u->dl_ack) &&
         cJSON_AddNumberToObject(dl, "nack", (double)u->dl_nack) &&
         add_number(dl, "mcs", u->dl_mcs < 0 ? NAN : u->dl_mcs) &&
         add_number(ul, "mcs", u->ul_mcs < 0 ? NAN : u->ul_mcs) &&
         add_number(dl, "qm", u->dl_qm < 0 ? NAN : u->dl_qm) &&
         add_number(dl, "table", u->dl_table > 0 ? u->dl_table : NAN) &&
         cJSON_AddBoolToObject(dl, "table_pending", u->dl_table_pending) &&
         cJSON_AddNumberToObject(o, "sr", u->sr_count) && cJSON_AddNumberToObject(o, "bsr_bytes", (double)u->bsr_bytes) &&
         add_number(o, "phr_ph", u->phr_ph < 0 ? NAN : u->phr_ph) &&
         cJSON_AddNumberToObject(o, "last_activity_slot", (double)u->last_activity_slot) &&
         cJSON_AddNumberToObject(o, "age_ms", (double)u->age_ms) && cJSON_AddNumberToObject(o, "drbs", u->drbs);
    cJSON *ids = ok ? cJSON_AddArrayToObject(o, "drb_ids") : NULL;
    ok = ids != NULL;
    for (int id = 1; ok && id < 32; id++)
        if (u->drb_ids & (1u << id)) ok = cJSON_AddItemToArray(ids, cJSON_CreateNumber(id));
    return ok ? 0 : -ENOMEM;
}

int ue_table_to_json(const struct ue_table_view *v, cJSON *out)
{
    if (!cJSON_AddNumberToObject(out, "epoch", v->epoch) || !cJSON_AddNumberToObject(out, "slot", (double)v->slot) ||
        !cJSON_AddNumberToObject(out, "generation", (double)v->generation))
        return -ENOMEM;
    cJSON *arr = cJSON_AddArrayToObject(out, "ues");
    if (!arr) return -ENOMEM;
    for (uint32_t i = 0; i < v->n && i < UE_TABLE_MAX; i++)
        if (ue_to_json(&v->ue[i], arr) < 0) return -ENOMEM;
    return 0;
}
