/* The UE simulator's DRB: the UE's end of a data radio bearer (38.331 DRB-ToAddMod + RLC-BearerConfig), built from
 * the same RLC AM (rlc/rlc_am.h) and PDCP (pdcp/pdcp_drb.h, gnb = false) modules gnbd uses, with the SDAP header
 * per direction when configured (37.324 6.2.2: DL one octet RDI | RQI | QFI, read and dropped; UL one octet
 * D/C 1 | R | QFI, added). Set up from RRCReconfiguration's radioBearerConfig and rlc-BearerToAddModList, or, until
 * the simulator decodes that message, from a struct (ue_drb_setup).
 *   - DL: the MAC's subPDUs on the DRB's LCID go to ue_drb_rx_pdu(); IP packets PDCP delivers are counted and,
 *     with echo, queued to go back UL unchanged (ue_drb_tick sends them: an entity is never re-entered from its
 *     own callback).
 *   - UL: ue_drb_send_ip() queues an IP packet; ue_drb_pending() is what a BSR reports (RLC AM's estimate) and
 *     ue_drb_pull() fills a grant with RLC PDUs (STATUS PDUs first).
 * Memory: ue_drb_setup allocates (the simulator is not a slot path); ue_drb_free releases. Time in ms, injected.
 * Threading: the simulator's thread only.
 */
#ifndef GNBD_UESIM_UE_DRB_H
#define GNBD_UESIM_UE_DRB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdcp/pdcp_drb.h"
#include "rlc/rlc_am.h"

#define UE_DRB_MAX_IP 2048         /* largest IP packet */
#define UE_DRB_ECHO 32             /* DL packets waiting to go back UL */

/* What RRCReconfiguration configures (the same fields as gnbd's struct mac_drb_config). */
struct ue_drb_config {
    int drb_id;                    /* 1..32 */
    int lcid;                      /* 4..32 */
    struct rlc_am_config rlc;      /* 38.331 fields; resources are set here */
    int pdcp_sn_bits;              /* 12 or 18 */
    bool sdap_header_dl, sdap_header_ul;
    int qfi;                       /* QFI of the UL SDAP header */
};

/* DRB 1 on LCID 4: RLC AM and PDCP with 18-bit SNs, SDAP headers both ways, QFI 1, the 38.331 9.2.1-like RLC
 * timers gnbd uses for SRB1 (t-PollRetransmit 45 ms, t-Reassembly 35 ms). */
void ue_drb_config_default(struct ue_drb_config *c);

struct ue_drb {
    bool active;
    struct ue_drb_config cfg;
    bool echo;
    struct rlc_am rlc;
    struct pdcp_drb pdcp;
    int64_t now_ms;
    uint8_t (*echo_buf)[UE_DRB_MAX_IP];
    uint16_t echo_len[UE_DRB_ECHO];
    int echo_head, n_echo;
    uint64_t dl_ip, ul_ip, dl_ip_bytes, ul_ip_bytes, dropped;   /* packets in and out, refused or malformed */
};

/* 0, -EINVAL (a field out of range), -ENOMEM. An active DRB is released first. */
int ue_drb_setup(struct ue_drb *d, const struct ue_drb_config *c, bool echo);
void ue_drb_free(struct ue_drb *d);

/* NEA with K_UPenc (pdcp_drb_security_activate). 0 or PDCP's error; -ENOENT when not set up. */
int ue_drb_security(struct ue_drb *d, const struct pdcp_sec_config *up);

/* One RLC PDU of the DRB's LCID from a DL MAC PDU. 0, -ENOENT (not set up) or RLC's error. */
int ue_drb_rx_pdu(struct ue_drb *d, const uint8_t *pdu, size_t len, int64_t now_ms);

/* An UL IP packet: SDAP header (if configured), PDCP, RLC AM queue. 0, -ENOENT, -EMSGSIZE or -ENOBUFS. */
int ue_drb_send_ip(struct ue_drb *d, const uint8_t *pkt, size_t len, int64_t now_ms);

/* Timers, and the echoed packets sent UL. Returns the number of packets sent. */
int ue_drb_tick(struct ue_drb *d, int64_t now_ms);

/* Bytes waiting UL (for a BSR), 0 when not set up. */
size_t ue_drb_pending(const struct ue_drb *d);

/* The next RLC PDU of at most max bytes for an UL grant: its length, 0 when nothing (fits). */
int ue_drb_pull(struct ue_drb *d, uint8_t *buf, size_t max, int64_t now_ms);

#endif
