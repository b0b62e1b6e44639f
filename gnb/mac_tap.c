/* The MAC stage's exports: UE table publication and MAC pcap records (see mac_tap.h). */
#include "gnb/mac_tap.h"

#include <stdio.h>
#include <string.h>

int mac_tap_init(struct mac_tap *t, int scs_khz, bool tdd, const char *pcap_path, size_t max_pdu, char *err,
                 size_t errlen)
{
    memset(t, 0, sizeof *t);
    ue_table_init(&t->ues);
    t->scs_khz = scs_khz >= 15 ? scs_khz : 15;
    t->slots_per_frame = 10 * t->scs_khz / 15;
    t->publish_period = UE_TABLE_PERIOD_MS * t->scs_khz / 15;
    t->tdd = tdd;
    if (!pcap_path || !pcap_path[0]) return 0;
    if (max_pdu > MAC_PCAP_MAX_PDU) max_pdu = MAC_PCAP_MAX_PDU;
    return pcap_writer_open(&t->pcap, pcap_path, max_pdu, MAC_TAP_PCAP_RECORDS, err, errlen);
}

int mac_tap_start(struct mac_tap *t) { return pcap_writer_start(&t->pcap); }

void mac_tap_free(struct mac_tap *t) { pcap_writer_close(&t->pcap); }

/* ---- UE table ---- */

void mac_tap_tick(struct mac_tap *t, const struct mac *m, uint32_t epoch, uint64_t slot, bool epoch_start)
{
    if (epoch_start) {
        /* pcap time: the new epoch starts a second after the last slot of the previous one */
        if (t->max_slot || t->epoch) t->epoch_base_ns += (t->max_slot + 1) * (1000000u * 15u / (uint64_t)t->scs_khz) +
                                                         1000000000u;
        t->max_slot = 0;
        t->epoch = epoch;
    }
    ue_table_collect(m, slot, epoch, &t->scratch);
    bool due = !t->published || epoch_start || slot < t->last_publish_slot ||
               slot - t->last_publish_slot >= (uint64_t)t->publish_period;
    if (!due && !ue_table_changed(&t->scratch, &t->last)) return;
    ue_table_publish(&t->ues, &t->scratch);
    t->last = t->scratch;
    t->last_publish_slot = slot;
    t->published = true;
}

/* ---- MAC pcap ---- */

static void pcap_put(struct mac_tap *t, enum mac_dir dir, enum mac_pcap_rnti_type type, uint16_t rnti,
                     uint64_t slot, const uint8_t *pdu, size_t len)
{
    if (slot > t->max_slot) t->max_slot = slot;
    struct mac_pcap_info info = {.tdd = t->tdd, .dir = dir, .rnti_type = type, .rnti = rnti, .harq_id = -1,
                                 .sfn = (uint16_t)((slot / (uint64_t)t->slots_per_frame) % 1024),
                                 .slot = (uint16_t)(slot % (uint64_t)t->slots_per_frame),
                                 .time_ns = t->epoch_base_ns + slot * (1000000u * 15u / (uint64_t)t->scs_khz)};
    pcap_writer_put(&t->pcap, &info, pdu, len);
}

/* A PDSCH in DL slot `slot` on `rnti` is a RAR when a procedure sent its RAR on that RA-RNTI in that slot. */
static bool is_rar(const struct mac *m, uint64_t slot, uint16_t rnti)
{
    if (!m->cfg.ra_enabled) return false;
    for (int i = 0; i < RA_MAX_PROCS; i++) {
        const struct ra_proc *p = &m->ra.proc[i];
        if (p->state != RA_FREE && p->ra_rnti == rnti && p->rar_slot == slot) return true;
    }
    return false;
}

void mac_tap_dl(struct mac_tap *t, const struct mac *m, const struct dl_slot_request *dl)
{
    if (!t->pcap.open) return;
    for (int i = 0; i < dl->n_pdsch && i < DL_MAX_PDSCH; i++) {
        const struct dl_pdsch *s = &dl->pdsch[i];
        if (s->codeword != PHY_DL_CW_TB || !s->tb || s->dlsch.tbs < 8) continue;
        bool rar = is_rar(m, dl->slot, s->grant.rnti);
        pcap_put(t, MAC_DIR_DL, rar ? MAC_PCAP_RA_RNTI : MAC_PCAP_C_RNTI, s->grant.rnti, dl->slot, s->tb,
                 (size_t)s->dlsch.tbs / 8);
    }
}

void mac_tap_ul(struct mac_tap *t, uint64_t slot, const struct ul_pusch_result *r, const uint8_t *tb)
{
    if (!t->pcap.open || r->rc < 0 || !r->res.crc_ok || !tb || r->tb_bytes <= 0) return;
    pcap_put(t, MAC_DIR_UL, MAC_PCAP_C_RNTI, r->req.grant.rnti, slot, tb, (size_t)r->tb_bytes);
}
