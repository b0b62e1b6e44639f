/* The user-plane stage: one thread between the MAC stage and the N3 interface to the UPF (29.281 GTP-U over
 * UDP, 38.415 PDU Session Container). Not a slot-path stage: it blocks in poll() on the N3 UDP socket, a wake-up
 * eventfd and a stop eventfd, never spinning; the slot path talks to it only through rings.
 *
 *   UPF --N3 UDP--> [UP thread: gtpu parse, TEID table] --ring dl (struct up_pkt)--> MAC stage: mac_dl_data()
 *   UPF <--N3 UDP-- [UP thread: G-PDU header, sendto]   <--ring ul (struct up_pkt)-- MAC stage: mac_take_ul_data()
 *   NG stage --ring cmd (struct up_cmd: tunnel add, UE gone)--> UP thread
 *
 * Packets live in a pool of fixed buffers (gnb/pkt_pool.h, ngap.n3_pool_buffers of UP_BUF_SIZE octets)
 * and travel by index: a DL datagram is received (recvmmsg, a batch at a time) straight into a pool buffer and
 * its T-PDU handed to the MAC in place (struct up_pkt's off/len); the MAC stage gives the buffer back once
 * mac_dl_data() copied the SDU. A UL packet is copied once into a pool buffer at UP_PKT_HEADROOM, the UP thread
 * writes the G-PDU header into the headroom and sends buffer and header in one datagram.
 *
 * Threads and rings: dl (UP thread -> MAC stage; committed quietly: the MAC stage polls it every pass and wakes
 * every slot anyway), ul (MAC stage -> UP thread: the MAC writes the wake-up eventfd only when the UP thread
 * said it is about to sleep — an "armed" flag set seq_cst before its last look at the ring, cleared by the one
 * writer that sees it — so a busy slot path makes no syscall for UL data), cmd (NG stage -> UP thread, always
 * followed by an eventfd write: control plane). The TEID table is the UP thread's alone.
 *
 * TEIDs: up_stage_tunnel_add() runs on the NG thread and returns the DL TEID at once (the NG stage puts it in the
 * PDU Session Resource Setup Response): it is taken from an atomic counter (1, 2, ...; 0 is skipped) and the
 * tunnel is posted on cmd. The UP thread applies pending commands after each recvmmsg() that returned datagrams,
 * before handling them, so a G-PDU that the UPF sent after learning the TEID finds its tunnel (the command was
 * posted before the datagram existed); one that overtakes the command is answered as an unknown TEID (Error
 * Indication), never misdelivered.
 *
 * The UPF's UDP port is ngap.upf_port (29.281 4.4.2.3: 2152; configurable for tests where the "UPF" is a local
 * program), for every tunnel. ngap.n3_port is only our bind port. */
#ifndef GNBD_UP_STAGE_H
#define GNBD_UP_STAGE_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "gnb/config.h"
#include "gnb/pkt_pool.h"
#include "gnb/ring.h"
#include "gnb/up_tunnel.h"

#define UP_PKT_HEADROOM 64 /* UL: room for the G-PDU header (GTPU_GPDU_HEADROOM) in front of the IP packet */
#define UP_PKT_MAX 2048    /* the largest IP packet either way (the MAC's MAC_DRB_MAX_SDU) */
#define UP_BUF_SIZE (UP_PKT_HEADROOM + UP_PKT_MAX) /* octets per pool buffer */
#define UP_RING_SIZE 1024  /* packets each way */
#define UP_BATCH 16        /* datagrams per recvmmsg */

/* A packet between the UP stage and the MAC stage: octets buf's [off, off + len) of pool buffer `buf`. */
struct up_pkt {
    uint16_t rnti;
    uint8_t drb_id;
    uint16_t off;
    uint32_t len;
    uint32_t buf;
};

enum up_cmd_type { UP_CMD_TUNNEL_ADD, UP_CMD_UE_GONE, UP_CMD_TUNNEL_DEL };
struct up_cmd {
    uint32_t type;
    struct up_tunnel t; /* TUNNEL_ADD: the tunnel; UE_GONE: t.rnti; TUNNEL_DEL: t.rnti, t.pdu_session_id */
};

/* Counters (any thread reads them; metrics "up.*"). */
struct up_stats {
    _Atomic uint64_t dl_packets, dl_bytes;   /* T-PDUs handed to the MAC stage, and their octets */
    _Atomic uint64_t ul_packets, ul_bytes;   /* G-PDUs sent to the UPF, and their T-PDUs' octets */
    _Atomic uint64_t unknown_teid;           /* G-PDUs to no tunnel (answered by an Error Indication ... */
    _Atomic uint64_t error_ind_suppressed;   /* ... unless the rate limit held it back: counted here) */
    _Atomic uint64_t echo_requests;          /* Echo Requests answered */
    _Atomic uint64_t echo_responses;         /* Echo Responses received */
    _Atomic uint64_t end_markers;            /* End Markers received (forwarded nowhere; the tunnel stays) */
    _Atomic uint64_t error_indications;      /* Error Indications received from the UPF */
    _Atomic uint64_t dl_bad;                 /* datagrams that do not parse (or truncated), empty G-PDUs, others */
    _Atomic uint64_t dl_dropped;             /* DL packets lost: no buffer, or the ring to the MAC full */
    _Atomic uint64_t mac_rejected;           /* DL packets mac_dl_data() refused (no such UE or DRB, queue full) */
    _Atomic uint64_t ul_dropped;             /* UL packets lost: no buffer, ring full, too big, no tunnel */
    _Atomic uint64_t send_errors;            /* sendto() failures */
    _Atomic uint64_t tunnels, tunnels_added, tunnels_rejected; /* tunnels now; added; refused by the table */
    _Atomic uint64_t tunnels_released;       /* removed by a PDU Session Resource Release (not with their UE) */
    _Atomic uint64_t cmd_dropped;            /* commands lost: the ring was full */
};

struct up_stage {
    bool enabled;                 /* an AMF is configured */
    int sock, wake_fd, stop_fd;
    uint8_t n3_addr[16];          /* ours: bound, and given to the UPF */
    uint8_t n3_addr_len;          /* 4 or 16 */
    int family;                   /* AF_INET / AF_INET6 */
    uint16_t n3_port, upf_port;
    struct pkt_pool pool;
    struct ring dl, ul, cmd;
    _Alignas(64) _Atomic bool armed; /* the UP thread is about to sleep: a UL commit must write wake_fd */
    _Alignas(64) _Atomic uint32_t next_teid;
    struct up_tunnel_table tunnels; /* UP thread only */
    uint16_t seq;                 /* Error Indication sequence numbers */
    struct up_rate ei_rate;       /* Error Indications for unknown TEIDs (ngap.n3_error_ind_rate), UP thread only */
    pthread_t thread;
    bool started;
    _Atomic bool stop;
    struct up_stats st;
};

/* What the stage needs from the configuration, for tests that run it without a daemon. */
struct up_stage_config {
    const char *n3_addr;   /* IPv4/IPv6 literal */
    int n3_port;           /* 0: any (tests read it back in s->n3_port) */
    int upf_port;
    uint32_t pool_buffers;
    int error_ind_rate;    /* Error Indications per second at most, 0 = no limit */
};

/* From the configuration (ngap.n3_addr, n3_port, upf_port, n3_pool_buffers, n3_error_ind_rate): does nothing (enabled false) when
 * no AMF is configured. Binds the socket now, so a port in use is a start-up error. -errno with a sentence. */
int up_stage_init(struct up_stage *s, const struct gnbd_config *cfg, char *err, size_t errlen);
int up_stage_init_with(struct up_stage *s, const struct up_stage_config *c, char *err, size_t errlen);
int up_stage_start(struct up_stage *s);
/* Stop and join the thread, close the socket, free rings and pool: after the MAC and NG stages stopped. */
void up_stage_stop(struct up_stage *s);

/* NG stage's side (the only producer of cmd). Validates, allocates the DL TEID into *dl_teid and posts the tunnel.
 * upf_addr: 38.413 9.3.2.4 Transport Layer Address, upf_addr_bits 32 (IPv4), 128 (IPv6) or 160 (both: the one of
 * our N3 address's family is used). 0; -ENODEV (stage not enabled), -EINVAL (pdu_session_id, qfi, drb_id, TEID 0),
 * -EAFNOSUPPORT (no address of our family), -EAGAIN (command ring full). */
int up_stage_tunnel_add(struct up_stage *s, uint16_t rnti, int pdu_session_id, int qfi, int drb_id, uint32_t ul_teid,
                        const uint8_t *upf_addr, int upf_addr_bits, uint32_t *dl_teid);
/* Every tunnel of the UE goes (UE context released, NG association lost). */
void up_stage_ue_gone(struct up_stage *s, uint16_t rnti);
/* The UE's tunnel of one PDU session goes (38.413 8.2.2 PDU Session Resource Release): G-PDUs to its DL TEID are
 * answered as unknown from then on. 0, -ENODEV, -EINVAL, -EAGAIN (command ring full). */
int up_stage_tunnel_del(struct up_stage *s, uint16_t rnti, int pdu_session_id);
/* Our N3 address for the UPF (38.413 DL NG-U UP TNL Information): the octets, *bits 32 or 128. */
const uint8_t *up_stage_n3_address(const struct up_stage *s, int *bits);

/* MAC stage's side (one thread). DL: the next packet (NULL: none), its octets, then up_stage_dl_done() to give
 * the buffer back and release it. UL: copy one IP packet in and wake the UP thread if it sleeps: 0, -ENOBUFS (no
 * buffer), -EAGAIN (ring full), -EMSGSIZE (too long), -ENODEV (not enabled) — all counted in ul_dropped. */
const struct up_pkt *up_stage_dl_peek(struct up_stage *s);
static inline const uint8_t *up_stage_pkt_data(const struct up_stage *s, const struct up_pkt *p)
{
    return pkt_pool_buf(&s->pool, p->buf) + p->off;
}
void up_stage_dl_done(struct up_stage *s, bool delivered);
int up_stage_ul_push(struct up_stage *s, uint16_t rnti, int drb_id, const uint8_t *data, size_t len);

#endif
