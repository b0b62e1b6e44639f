/* The user-plane stage (see up_stage.h). */
#include "gnb/up_stage.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "gnb/log.h"
#include "gtpu/gtpu.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void count(_Atomic uint64_t *c, uint64_t n) { atomic_fetch_add_explicit(c, n, memory_order_relaxed); }

static void kick(int fd)
{
    uint64_t one = 1;
    ssize_t n = write(fd, &one, sizeof one);
    (void)n;
}

/* A socket address from 4 or 16 address octets and a port. */
static socklen_t sockaddr_of(struct sockaddr_storage *ss, const uint8_t *addr, size_t len, uint16_t port)
{
    memset(ss, 0, sizeof *ss);
    if (len == 4) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        memcpy(&a->sin_addr, addr, 4);
        return sizeof *a;
    }
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    memcpy(&a->sin6_addr, addr, 16);
    return sizeof *a;
}

int up_stage_init_with(struct up_stage *s, const struct up_stage_config *c, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->sock = s->wake_fd = s->stop_fd = -1;
    atomic_init(&s->next_teid, 1);
    up_tunnels_init(&s->tunnels);
    up_rate_init(&s->ei_rate, c->error_ind_rate);
    if (inet_pton(AF_INET, c->n3_addr, s->n3_addr) == 1) {
        s->n3_addr_len = 4;
    } else if (inet_pton(AF_INET6, c->n3_addr, s->n3_addr) == 1) {
        s->n3_addr_len = 16;
    } else {
        snprintf(err, errlen, "N3: \"%s\" is not an IPv4 or IPv6 address", c->n3_addr);
        return -EINVAL;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sockaddr_of(&ss, s->n3_addr, s->n3_addr_len, (uint16_t)c->n3_port);
    s->family = ss.ss_family;
    s->upf_port = (uint16_t)c->upf_port;
    int rc = pkt_pool_init(&s->pool, c->pool_buffers, UP_BUF_SIZE);
    if (rc < 0) {
        snprintf(err, errlen, "N3: no packet pool of %u buffers: %s", c->pool_buffers, strerror(-rc));
        return rc;
    }
    if (ring_init(&s->dl, sizeof(struct up_pkt), UP_RING_SIZE) < 0 ||
        ring_init(&s->ul, sizeof(struct up_pkt), UP_RING_SIZE) < 0 || ring_init(&s->cmd, sizeof(struct up_cmd), 64) < 0) {
        snprintf(err, errlen, "N3: no memory for the rings");
        up_stage_stop(s);
        return -ENOMEM;
    }
    s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    s->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    s->sock = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->wake_fd < 0 || s->stop_fd < 0 || s->sock < 0) {
        rc = -errno;
        snprintf(err, errlen, "N3: %s", strerror(errno));
        up_stage_stop(s);
        return rc;
    }
    int big = 4 << 20; /* a burst of DL packets while the thread is descheduled */
    setsockopt(s->sock, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    if (bind(s->sock, (struct sockaddr *)&ss, sl) < 0) {
        rc = -errno;
        snprintf(err, errlen, "N3: cannot bind UDP %s port %d (ngap.n3_addr, ngap.n3_port): %s", c->n3_addr,
                 c->n3_port, strerror(errno));
        up_stage_stop(s);
        return rc;
    }
    getsockname(s->sock, (struct sockaddr *)&ss, &sl);
    s->n3_port = ntohs(s->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                            : ((struct sockaddr_in6 *)&ss)->sin6_port);
    s->enabled = true;
    return 0;
}

int up_stage_init(struct up_stage *s, const struct gnbd_config *cfg, char *err, size_t errlen)
{
    if (cfg->ngap.amf_addr[0] == '\0') {
        memset(s, 0, sizeof *s);
        s->sock = s->wake_fd = s->stop_fd = -1;
        return 0;
    }
    struct up_stage_config c = {.n3_addr = cfg->ngap.n3_addr, .n3_port = cfg->ngap.n3_port,
                                .upf_port = cfg->ngap.upf_port, .pool_buffers = (uint32_t)cfg->ngap.n3_pool_buffers,
                                .error_ind_rate = cfg->ngap.n3_error_ind_rate};
    return up_stage_init_with(s, &c, err, errlen);
}

/* ---- NG stage's side ------------------------------------------------------------------------------------ */

static int post(struct up_stage *s, const struct up_cmd *c)
{
    if (!ring_push(&s->cmd, c)) {
        count(&s->st.cmd_dropped, 1);
        return -EAGAIN;
    }
    kick(s->wake_fd);
    return 0;
}

int up_stage_tunnel_add(struct up_stage *s, uint16_t rnti, int pdu_session_id, int qfi, int drb_id, uint32_t ul_teid,
                        const uint8_t *upf_addr, int upf_addr_bits, uint32_t *dl_teid)
{
    if (!s || !s->enabled) return -ENODEV;
    if (pdu_session_id < 0 || pdu_session_id > 255 || qfi < 0 || qfi > 63 || drb_id < 1 || drb_id > 32 ||
        ul_teid == 0 || !upf_addr)
        return -EINVAL;
    struct up_cmd c = {.type = UP_CMD_TUNNEL_ADD};
    struct up_tunnel *t = &c.t;
    /* 38.413 9.3.2.4: 32 bits IPv4, 128 IPv6, 160 both (IPv4 first). */
    if (s->family == AF_INET && (upf_addr_bits == 32 || upf_addr_bits == 160)) {
        memcpy(t->upf_addr, upf_addr, 4);
        t->upf_addr_len = 4;
    } else if (s->family == AF_INET6 && (upf_addr_bits == 128 || upf_addr_bits == 160)) {
        memcpy(t->upf_addr, upf_addr + (upf_addr_bits == 160 ? 4 : 0), 16);
        t->upf_addr_len = 16;
    } else {
        return upf_addr_bits == 32 || upf_addr_bits == 128 ? -EAFNOSUPPORT : -EINVAL;
    }
    uint32_t teid;
    do teid = atomic_fetch_add_explicit(&s->next_teid, 1, memory_order_relaxed);
    while (teid == 0); /* 29.281 5.1: TEID 0 is for signalling, never a tunnel's */
    t->rnti = rnti;
    t->pdu_session_id = (uint8_t)pdu_session_id;
    t->qfi = (uint8_t)qfi;
    t->drb_id = (uint8_t)drb_id;
    t->dl_teid = teid;
    t->ul_teid = ul_teid;
    int rc = post(s, &c);
    if (rc == 0 && dl_teid) *dl_teid = teid;
    return rc;
}

void up_stage_ue_gone(struct up_stage *s, uint16_t rnti)
{
    if (!s || !s->enabled) return;
    struct up_cmd c = {.type = UP_CMD_UE_GONE, .t.rnti = rnti};
    post(s, &c);
}

int up_stage_tunnel_del(struct up_stage *s, uint16_t rnti, int pdu_session_id)
{
    if (!s || !s->enabled) return -ENODEV;
    if (pdu_session_id < 0 || pdu_session_id > 255) return -EINVAL;
    struct up_cmd c = {.type = UP_CMD_TUNNEL_DEL, .t = {.rnti = rnti, .pdu_session_id = (uint8_t)pdu_session_id}};
    return post(s, &c);
}

const uint8_t *up_stage_n3_address(const struct up_stage *s, int *bits)
{
    *bits = s->n3_addr_len * 8;
    return s->n3_addr;
}

/* ---- MAC stage's side ----------------------------------------------------------------------------------- */

const struct up_pkt *up_stage_dl_peek(struct up_stage *s) { return s && s->enabled ? ring_peek(&s->dl) : NULL; }

void up_stage_dl_done(struct up_stage *s, bool delivered)
{
    const struct up_pkt *p = ring_peek(&s->dl);
    if (!p) return;
    if (!delivered) count(&s->st.mac_rejected, 1);
    pkt_pool_put(&s->pool, p->buf);
    ring_release(&s->dl);
}

int up_stage_ul_push(struct up_stage *s, uint16_t rnti, int drb_id, const uint8_t *data, size_t len)
{
    if (!s || !s->enabled) return -ENODEV;
    int rc = 0;
    int32_t b = -1;
    struct up_pkt *p = NULL;
    if (len > UP_PKT_MAX) rc = -EMSGSIZE;
    else if ((b = pkt_pool_get(&s->pool)) < 0) rc = -ENOBUFS;
    else if (!(p = ring_reserve(&s->ul))) rc = -EAGAIN;
    if (rc < 0) {
        if (b >= 0) pkt_pool_put(&s->pool, (uint32_t)b);
        count(&s->st.ul_dropped, 1);
        return rc;
    }
    memcpy(pkt_pool_buf(&s->pool, (uint32_t)b) + UP_PKT_HEADROOM, data, len);
    *p = (struct up_pkt){.rnti = rnti, .drb_id = (uint8_t)drb_id, .off = UP_PKT_HEADROOM, .len = (uint32_t)len,
                         .buf = (uint32_t)b};
    ring_commit_quiet(&s->ul); /* seq_cst: ordered before the armed load below */
    if (atomic_load(&s->armed) && atomic_exchange(&s->armed, false)) kick(s->wake_fd);
    return 0;
}

/* ---- the UP thread -------------------------------------------------------------------------------------- */

static void apply_commands(struct up_stage *s)
{
    const struct up_cmd *c;
    while ((c = ring_peek(&s->cmd)) != NULL) {
        if (c->type == UP_CMD_TUNNEL_ADD) {
            int rc = up_tunnels_add(&s->tunnels, &c->t);
            if (rc < 0) {
                count(&s->st.tunnels_rejected, 1);
                log_warn(LOG_NGAP, "0x%04x: N3 tunnel of PDU session %u (DL TEID 0x%08x) refused: %s", c->t.rnti,
                         c->t.pdu_session_id, c->t.dl_teid, strerror(-rc));
            } else {
                count(&s->st.tunnels_added, 1);
                log_info(LOG_NGAP, "0x%04x: N3 tunnel up: PDU session %u, DRB %u, QFI %u, DL TEID 0x%08x, UL TEID "
                         "0x%08x", c->t.rnti, c->t.pdu_session_id, c->t.drb_id, c->t.qfi, c->t.dl_teid, c->t.ul_teid);
            }
        } else if (c->type == UP_CMD_UE_GONE) {
            int n = up_tunnels_remove_ue(&s->tunnels, c->t.rnti);
            if (n) log_info(LOG_NGAP, "0x%04x: %d N3 tunnel(s) released", c->t.rnti, n);
        } else if (c->type == UP_CMD_TUNNEL_DEL) {
            int n = up_tunnels_remove_session(&s->tunnels, c->t.rnti, c->t.pdu_session_id);
            count(&s->st.tunnels_released, (uint64_t)n);
            log_info(LOG_NGAP, "0x%04x: N3 tunnel of PDU session %u %s", c->t.rnti, c->t.pdu_session_id,
                     n ? "released" : "to release not found");
        }
        atomic_store_explicit(&s->st.tunnels, (uint64_t)s->tunnels.n, memory_order_relaxed);
        ring_release(&s->cmd);
    }
}

static void send_to(struct up_stage *s, const void *buf, size_t len, const struct sockaddr *to, socklen_t tl)
{
    if (sendto(s->sock, buf, len, MSG_DONTWAIT, to, tl) < 0) count(&s->st.send_errors, 1);
}

/* One datagram from N3, received into pool buffer b (which this function keeps for the MAC or gives back). */
static void on_datagram(struct up_stage *s, int32_t b, const uint8_t *d, size_t len, const struct sockaddr *from,
                        socklen_t fl)
{
    uint8_t reply[64];
    struct up_dl_result r;
    up_dl_handle(&s->tunnels, d, len, s->n3_addr, s->n3_addr_len, s->seq, reply, sizeof reply, &r);
    bool kept = false;
    switch (r.verdict) {
    case UP_DL_DELIVER: {
        struct up_pkt *p = b >= 0 ? ring_reserve(&s->dl) : NULL;
        if (!p) {
            count(&s->st.dl_dropped, 1);
            break;
        }
        *p = (struct up_pkt){.rnti = r.t->rnti, .drb_id = r.t->drb_id, .off = (uint16_t)r.off,
                             .len = (uint32_t)r.len, .buf = (uint32_t)b};
        ring_commit_quiet(&s->dl); /* the MAC stage polls it every pass */
        kept = true;
        count(&s->st.dl_packets, 1);
        count(&s->st.dl_bytes, r.len);
        break;
    }
    case UP_DL_UNKNOWN_TEID:
        count(&s->st.unknown_teid, 1);
        if (!up_rate_take(&s->ei_rate, now_ms())) { /* a flood of bad G-PDUs: no flood of answers */
            count(&s->st.error_ind_suppressed, 1);
            break;
        }
        s->seq++;
        if (r.reply_len) send_to(s, reply, r.reply_len, from, fl);
        log_debug(LOG_NGAP, "N3: G-PDU to unknown TEID 0x%08x: Error Indication", r.teid);
        break;
    case UP_DL_ECHO:
        count(&s->st.echo_requests, 1);
        if (r.reply_len) send_to(s, reply, r.reply_len, from, fl);
        break;
    case UP_DL_ECHO_RESPONSE: count(&s->st.echo_responses, 1); break;
    case UP_DL_END_MARKER: /* 29.281 7.3.2: the UPF's last packet on this path; nothing to forward, tunnel kept */
        count(&s->st.end_markers, 1);
        log_info(LOG_NGAP, "N3: End Marker on TEID 0x%08x (%s): nothing forwarded, the tunnel stays", r.teid,
                 r.t ? "a tunnel of ours" : "no tunnel");
        break;
    case UP_DL_ERROR_IND:
        count(&s->st.error_indications, 1);
        log_warn(LOG_NGAP, "N3: Error Indication from the UPF: it does not know TEID 0x%08x", r.teid);
        break;
    case UP_DL_EMPTY:
    case UP_DL_BAD:
    case UP_DL_OTHER: count(&s->st.dl_bad, 1); break;
    }
    if (!kept && b >= 0) pkt_pool_put(&s->pool, (uint32_t)b);
}

/* Read what the socket holds, a batch at a time; returns datagrams read (stops after a few batches so the UL
 * side gets its turn). */
static int drain_socket(struct up_stage *s)
{
    static _Thread_local uint8_t scratch[UP_BUF_SIZE]; /* when the pool is empty: read and drop */
    struct mmsghdr mm[UP_BATCH];
    struct iovec iov[UP_BATCH];
    struct sockaddr_storage from[UP_BATCH];
    int32_t bufs[UP_BATCH];
    int total = 0;
    for (int round = 0; round < 8; round++) {
        int n = 0;
        while (n < UP_BATCH && (bufs[n] = pkt_pool_get(&s->pool)) >= 0) n++;
        bool none = n == 0;
        if (none) bufs[n++] = -1;
        for (int i = 0; i < n; i++) {
            iov[i].iov_base = bufs[i] >= 0 ? pkt_pool_buf(&s->pool, (uint32_t)bufs[i]) : scratch;
            iov[i].iov_len = UP_BUF_SIZE;
            mm[i].msg_hdr = (struct msghdr){.msg_name = &from[i], .msg_namelen = sizeof from[i], .msg_iov = &iov[i],
                                            .msg_iovlen = 1};
            mm[i].msg_len = 0;
        }
        int got = recvmmsg(s->sock, mm, (unsigned)n, MSG_DONTWAIT, NULL);
        /* Commands again, now that these datagrams are here: a tunnel posted before one of them was sent (the
         * UPF learns its TEID only after up_stage_tunnel_add() returned) is in the ring by now, even if this
         * thread last looked before it was posted. */
        if (got > 0) apply_commands(s);
        int i = 0;
        for (; i < got; i++) {
            if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) { /* over UP_BUF_SIZE: not an N3 packet of ours */
                count(&s->st.dl_bad, 1);
                if (bufs[i] >= 0) pkt_pool_put(&s->pool, (uint32_t)bufs[i]);
                continue;
            }
            on_datagram(s, none ? -1 : bufs[i], iov[i].iov_base, mm[i].msg_len, (struct sockaddr *)&from[i],
                        mm[i].msg_hdr.msg_namelen);
        }
        for (i = got < 0 ? 0 : got; i < n; i++)
            if (bufs[i] >= 0) pkt_pool_put(&s->pool, (uint32_t)bufs[i]);
        if (got <= 0) break;
        total += got;
        if (got < n) break;
    }
    return total;
}

/* UL packets from the MAC stage: G-PDU header into each buffer's headroom, then one sendmmsg() per batch. */
static int drain_ul(struct up_stage *s)
{
    struct mmsghdr mm[UP_BATCH];
    struct iovec iov[UP_BATCH];
    struct sockaddr_storage to[UP_BATCH];
    uint32_t bufs[UP_BATCH], lens[UP_BATCH];
    int total = 0;
    while (total < 256) {
        int n = 0;
        const struct up_pkt *p;
        while (n < UP_BATCH && (p = ring_peek(&s->ul)) != NULL) {
            struct up_pkt k = *p; /* the buffer is ours from here on */
            ring_release(&s->ul);
            total++;
            const struct up_tunnel *t = up_tunnels_find_ul(&s->tunnels, k.rnti, k.drb_id);
            uint8_t *buf = pkt_pool_buf(&s->pool, k.buf);
            int start = t ? up_ul_encap(t, buf, k.off, k.len) : -ENOENT;
            if (start < 0) {
                count(&s->st.ul_dropped, 1);
                pkt_pool_put(&s->pool, k.buf);
                continue;
            }
            iov[n] = (struct iovec){.iov_base = buf + start, .iov_len = k.off + k.len - (size_t)start};
            mm[n].msg_hdr = (struct msghdr){.msg_name = &to[n],
                                            .msg_namelen = sockaddr_of(&to[n], t->upf_addr, t->upf_addr_len, s->upf_port),
                                            .msg_iov = &iov[n], .msg_iovlen = 1};
            bufs[n] = k.buf;
            lens[n] = k.len;
            n++;
        }
        if (n == 0) break;
        int sent = sendmmsg(s->sock, mm, (unsigned)n, MSG_DONTWAIT);
        for (int i = 0; i < n; i++) {
            if (i < sent) {
                count(&s->st.ul_packets, 1);
                count(&s->st.ul_bytes, lens[i]);
            } else {
                count(&s->st.send_errors, 1); /* the socket refused it (buffer full, no route): dropped */
            }
            pkt_pool_put(&s->pool, bufs[i]);
        }
    }
    return total;
}

static void *up_main(void *arg)
{
    struct up_stage *s = arg;
    while (!atomic_load(&s->stop)) {
        apply_commands(s);
        int n = drain_socket(s);
        n += drain_ul(s);
        if (n) continue;
        /* About to sleep: a UL commit from now on writes wake_fd (up_stage_ul_push). */
        atomic_store(&s->armed, true);
        atomic_thread_fence(memory_order_seq_cst);
        if (ring_count(&s->ul) || ring_count(&s->cmd)) {
            atomic_store(&s->armed, false);
            continue;
        }
        struct pollfd p[3] = {{.fd = s->stop_fd, .events = POLLIN}, {.fd = s->wake_fd, .events = POLLIN},
                              {.fd = s->sock, .events = POLLIN}};
        int rc = poll(p, 3, 1000);
        atomic_store(&s->armed, false);
        if (rc > 0 && (p[0].revents & POLLIN)) break;
        if (rc > 0 && (p[1].revents & POLLIN)) {
            uint64_t v;
            ssize_t r = read(s->wake_fd, &v, sizeof v);
            (void)r;
        }
    }
    return NULL;
}

int up_stage_start(struct up_stage *s)
{
    if (!s->enabled) return 0;
    char a[INET6_ADDRSTRLEN];
    inet_ntop(s->family, s->n3_addr, a, sizeof a);
    log_info(LOG_NGAP, "N3: GTP-U on %s port %u (UPF port %u), %u packet buffers", a, s->n3_port, s->upf_port,
             s->pool.count);
    int rc = -pthread_create(&s->thread, NULL, up_main, s);
    if (rc == 0) {
        s->started = true;
        pthread_setname_np(s->thread, "gnb-up");
    }
    return rc;
}

void up_stage_stop(struct up_stage *s)
{
    if (s->started) {
        atomic_store(&s->stop, true);
        kick(s->stop_fd);
        pthread_join(s->thread, NULL);
        s->started = false;
    }
    if (s->sock >= 0) close(s->sock);
    if (s->wake_fd >= 0) close(s->wake_fd);
    if (s->stop_fd >= 0) close(s->stop_fd);
    s->sock = s->wake_fd = s->stop_fd = -1;
    ring_free(&s->dl);
    ring_free(&s->ul);
    ring_free(&s->cmd);
    pkt_pool_free(&s->pool);
    s->enabled = false;
}
