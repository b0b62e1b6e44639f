/* What the MAC stage exports to threads outside the slot path (docs/ARCHITECTURE.md §1.11): the UE table that
 * `gnbctl ues` reads (gnb/ue_table.h) and, when `log.mac_pcap` is set, a MAC-NR pcap of every MAC PDU
 * (gnb/pcap_writer.h).
 *
 * The pipeline's MAC stage calls three hooks, all cheap, none blocking:
 *   mac_tap_tick()  on each slot tick (and epoch start): the UE table is re-collected from the MAC and
 *                   published when a UE appeared, went or changed state, or UE_TABLE_PERIOD_MS of stream passed;
 *   mac_tap_dl()    after mac_slot() filled a DL request: each PDSCH carrying a MAC-built TB (RAR on its RA-RNTI,
 *                   Msg4 and SRB1 on the C-RNTI) becomes a DL record;
 *   mac_tap_ul()    before a PUSCH indication goes to the MAC: each TB with CRC OK (Msg3 and UE PUSCH, on the
 *                   TC-/C-RNTI) becomes a UL record.
 * SIB1 (a stored codeword) and the MIB are not captured. Record timestamps are stream time: slot x slot
 * duration, each new epoch continuing one second after the last slot of the previous one, so a replayed run
 * gives the same capture.
 *
 * Threading: mac_tap_init/start/free on the main thread (free after the pipeline threads were joined); the
 * hooks on the MAC stage's thread; tap->ues and the writer's counters may be read from any thread.
 */
#ifndef GNBD_MAC_TAP_H
#define GNBD_MAC_TAP_H

#include <stdbool.h>
#include <stdint.h>

#include "gnb/pcap_writer.h"
#include "gnb/ue_table.h"
#include "mac/mac.h"
#include "phy/dl/phy_dl.h"
#include "phy/ul/phy_ul.h"

#define MAC_TAP_PCAP_RECORDS 128    /* ring capacity of the pcap writer */

struct mac_tap {
    struct ue_table ues;            /* read by the control thread */
    struct pcap_writer pcap;        /* off unless log.mac_pcap is set */
    /* MAC stage only */
    struct ue_table_view scratch, last;
    uint64_t last_publish_slot;
    bool published;
    int scs_khz, slots_per_frame, publish_period;
    bool tdd;
    uint32_t epoch;
    uint64_t epoch_base_ns, max_slot;
};

/* pcap_path NULL or "": no capture. max_pdu: the largest MAC PDU (DL or UL TB) the cell can carry. 0 or a
 * negative errno with err filled (the pcap file could not be created). */
int mac_tap_init(struct mac_tap *t, int scs_khz, bool tdd, const char *pcap_path, size_t max_pdu, char *err,
                 size_t errlen);
int mac_tap_start(struct mac_tap *t);
void mac_tap_free(struct mac_tap *t);

void mac_tap_tick(struct mac_tap *t, const struct mac *m, uint32_t epoch, uint64_t slot, bool epoch_start);
void mac_tap_dl(struct mac_tap *t, const struct mac *m, const struct dl_slot_request *dl);
void mac_tap_ul(struct mac_tap *t, uint64_t slot, const struct ul_pusch_result *r, const uint8_t *tb);

#endif
