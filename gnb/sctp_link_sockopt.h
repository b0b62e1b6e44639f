/* Private to gnb/sctp_link_kernel.c and gnb/sctp_link_udp.c: the socket options and the notification reading both
 * transports share. The kernel's <netinet/sctp.h> and usrsctp.h name the same options and structures (RFC 6458)
 * with different values, so this code is compiled in each backend: include it after that backend's SCTP header,
 * with SCTP_LINK_SOCK defined as the backend's socket type and, before the include, a definition of
 *     static int sctp_link_setopt(SCTP_LINK_SOCK s, int option, const void *value, socklen_t len);
 * setting an IPPROTO_SCTP option (0 or -errno). */
#ifndef GNBD_SCTP_LINK_SOCKOPT_H
#define GNBD_SCTP_LINK_SOCKOPT_H

#include <string.h>

#include "gnb/sctp_link_impl.h"

static int sctp_link_setopt(SCTP_LINK_SOCK s, int option, const void *value, socklen_t len);

/* Loss detection in seconds, not minutes (sctp_link.h): RTO 200..1000 ms, heartbeats, few retransmissions. */
static int sctp_link_liveness_options(SCTP_LINK_SOCK s)
{
    struct sctp_rtoinfo rto = {.srto_assoc_id = SCTP_FUTURE_ASSOC, .srto_initial = 1000, .srto_max = 1000,
                               .srto_min = 200};
    struct sctp_assocparams ap = {.sasoc_assoc_id = SCTP_FUTURE_ASSOC, .sasoc_asocmaxrxt = SCTP_LINK_MAX_RETX};
    struct sctp_paddrparams pp;
    memset(&pp, 0, sizeof pp);
    pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
    pp.spp_hbinterval = SCTP_LINK_HB_MS;
    pp.spp_pathmaxrxt = SCTP_LINK_MAX_RETX;
    pp.spp_flags = SPP_HB_ENABLE;
    int rc = sctp_link_setopt(s, SCTP_RTOINFO, &rto, sizeof rto);
    if (rc == 0) rc = sctp_link_setopt(s, SCTP_ASSOCINFO, &ap, sizeof ap);
    if (rc == 0) rc = sctp_link_setopt(s, SCTP_PEER_ADDR_PARAMS, &pp, sizeof pp);
    return rc;
}

/* Every socket of a link: `streams` streams each way, no Nagle delay, the stream and PPID with every message
 * (RFC 6458 8.1.29), association-change and shutdown events, and the liveness options. 0 or -errno. */
static int sctp_link_socket_options(SCTP_LINK_SOCK s, uint16_t streams)
{
    const int on = 1;
    struct sctp_initmsg im = {.sinit_num_ostreams = streams, .sinit_max_instreams = streams};
    int rc = sctp_link_setopt(s, SCTP_INITMSG, &im, sizeof im);
    if (rc == 0) rc = sctp_link_setopt(s, SCTP_NODELAY, &on, sizeof on);
    if (rc == 0) rc = sctp_link_setopt(s, SCTP_RECVRCVINFO, &on, sizeof on);
    const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT};
    for (size_t i = 0; rc == 0 && i < sizeof events / sizeof events[0]; i++) {
        struct sctp_event ev = {.se_assoc_id = SCTP_FUTURE_ASSOC, .se_type = events[i], .se_on = 1};
        rc = sctp_link_setopt(s, SCTP_EVENT, &ev, sizeof ev);
    }
    if (rc == 0) rc = sctp_link_liveness_options(s);
    return rc;
}

/* What a notification (RFC 6458 6.1) means to the link: up, gone, or nothing. */
static enum sctp_link_event sctp_link_notification(const void *buf, size_t len)
{
    const union sctp_notification *n = buf;
    if (len < sizeof n->sn_header) return SCTP_LINK_EV_NONE;
    if (n->sn_header.sn_type == SCTP_ASSOC_CHANGE && len >= sizeof n->sn_assoc_change) {
        uint16_t st = n->sn_assoc_change.sac_state;
        if (st == SCTP_COMM_UP || st == SCTP_RESTART) return SCTP_LINK_EV_UP;
        if (st == SCTP_COMM_LOST || st == SCTP_SHUTDOWN_COMP || st == SCTP_CANT_STR_ASSOC) return SCTP_LINK_EV_GONE;
    } else if (n->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
        return SCTP_LINK_EV_GONE;
    }
    return SCTP_LINK_EV_NONE;
}

#endif
