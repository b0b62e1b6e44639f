/* The MAC stage's two user-plane calls (docs/ARCHITECTURE.md §1.11), behind one seam: mac_dl_data() (an IP
 * packet for a UE's DRB) and mac_take_ul_data() (an IP packet a UE's DRB delivered), contract item 1 of issue 15
 * (mac/mac.h, being written). TEMPORARY: until the MAC has DRBs these say "no such DRB" and "nothing", so the UP
 * stage's DL packets are counted in up.mac_rejected and no UL packet appears; the pipeline calls nothing else. */
#ifndef GNBD_UP_MAC_H
#define GNBD_UP_MAC_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "mac/mac.h"

#define UP_MAC_UL_MAX 2048 /* the largest UL IP packet the MAC stage moves */

static inline int up_mac_dl_data(struct mac *m, uint16_t rnti, int drb_id, const uint8_t *sdu, size_t len)
{
    (void)m, (void)rnti, (void)drb_id, (void)sdu, (void)len;
    return -ENOENT;
}

/* 1 and the packet in data[*len] (cap octets) with its UE and DRB, or 0 when none is waiting. */
static inline int up_mac_take_ul_data(struct mac *m, uint16_t *rnti, int *drb_id, uint8_t *data, size_t cap,
                                      size_t *len)
{
    (void)m, (void)rnti, (void)drb_id, (void)data, (void)cap, (void)len;
    return 0;
}

#endif
