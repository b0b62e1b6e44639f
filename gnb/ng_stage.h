/* The NGAP stage: one thread that keeps the NG interface to the AMF (ngap/ng_setup.h over gnb/sctp_link.h) and
 * tells the RRC whether the cell may admit UEs. Not a slot-path stage: it blocks in poll() on the association
 * and a stop eventfd, waking at the state machine's next deadline, never spinning.
 *
 * Admission: with no AMF configured (ngap.amf_addr "") the cell admits UEs as before (SRB1 only); with one, a
 * UE is admitted only while NG Setup has succeeded and the association is up — otherwise its RRCSetupRequest
 * gets RRCReject (the RRC stage asks ng_stage_admits_ues()), so no UE is set up that its core cannot serve.
 *
 * Not yet: UE-associated signalling (Initial UE Message, NAS transport), NG Reset, several AMFs. */
#ifndef GNBD_NG_STAGE_H
#define GNBD_NG_STAGE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "gnb/config.h"
#include "gnb/sctp_link.h"
#include "ngap/ng_setup.h"

struct ng_stage {
    bool enabled;                 /* an AMF is configured */
    struct sctp_link_config link_cfg;
    struct ng_setup setup;        /* owned by the stage's thread once started */
    struct sctp_link *link;
    pthread_t thread;
    bool started;
    int stop_fd;                  /* eventfd: ng_stage_stop() */
    _Atomic int state;            /* enum ng_state, published for the RRC stage and metrics */
    _Atomic uint64_t connects, requests, responses, failures, timeouts, links_lost, pdus_rx, pdus_bad;
};

/* From the configuration (ngap.*, cell.mcc/mnc/tac/cell_id). -EINVAL with a sentence in err. */
int ng_stage_init(struct ng_stage *s, const struct gnbd_config *cfg, char *err, size_t errlen);
int ng_stage_start(struct ng_stage *s);
void ng_stage_stop(struct ng_stage *s);

/* May the cell set a UE up now? (Any thread.) */
static inline bool ng_stage_admits_ues(const struct ng_stage *s)
{
    return !s || !s->enabled || atomic_load_explicit(&s->state, memory_order_acquire) == NG_READY;
}

#endif
