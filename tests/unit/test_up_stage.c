/* Tests for the user-plane stage: the TEID table (gnb/up_tunnel.h: add, both lookups, refusals, removal per UE,
 * a full table), what a datagram from N3 turns into (up_dl_handle: G-PDU to a known TEID -> the T-PDU's place; to
 * an unknown one -> an Error Indication naming it and our address; Echo Request -> Echo Response with its
 * sequence number; End Marker; malformed), UL encapsulation (up_ul_encap: header bytes worked by hand), and the
 * stage itself (gnb/up_stage.h) on 127.0.0.1 ports 24000-24999 with a test socket as the UPF: a G-PDU reaches the
 * DL ring with the tunnel's RNTI and DRB, a UL packet leaves as a G-PDU to the UPF's port with the UL TEID and
 * QFI, echo and unknown TEID are answered, the UE's tunnels go with up_stage_ue_gone, one session's with
 * up_stage_tunnel_del, and a tunnel added just before its first G-PDU is found; the End Marker leaves its tunnel;
 * the Error Indication rate limit (up_rate). */
#include "gnb/up_stage.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gtpu/gtpu.h"
#include "tests/unit/check_run.h"

static struct up_tunnel tun(uint16_t rnti, uint8_t drb, uint32_t dl, uint32_t ul)
{
    return (struct up_tunnel){.rnti = rnti, .pdu_session_id = 1, .qfi = 9, .drb_id = drb, .dl_teid = dl,
                              .ul_teid = ul, .upf_addr = {10, 0, 0, 1}, .upf_addr_len = 4};
}

START_TEST(test_table_add_find_remove)
{
    static struct up_tunnel_table tb;
    up_tunnels_init(&tb);
    struct up_tunnel a = tun(0x4601, 1, 100, 0xaaaa), b = tun(0x4602, 1, 101, 0xbbbb), c = tun(0x4601, 2, 102, 0xcccc);
    ck_assert_int_eq(up_tunnels_add(&tb, &a), 0);
    ck_assert_int_eq(up_tunnels_add(&tb, &b), 0);
    ck_assert_int_eq(up_tunnels_add(&tb, &c), 0);
    ck_assert_uint_eq(up_tunnels_find_dl(&tb, 101)->rnti, 0x4602);
    ck_assert_uint_eq(up_tunnels_find_dl(&tb, 102)->drb_id, 2);
    ck_assert_ptr_null(up_tunnels_find_dl(&tb, 103));
    ck_assert_uint_eq(up_tunnels_find_ul(&tb, 0x4601, 2)->ul_teid, 0xcccc);
    ck_assert_uint_eq(up_tunnels_find_ul(&tb, 0x4601, 1)->ul_teid, 0xaaaa);
    ck_assert_ptr_null(up_tunnels_find_ul(&tb, 0x4602, 2));
    /* Refusals. */
    struct up_tunnel dup_teid = tun(0x4603, 1, 101, 1), dup_drb = tun(0x4601, 1, 200, 1), bad = tun(1, 1, 0, 1);
    ck_assert_int_eq(up_tunnels_add(&tb, &dup_teid), -EEXIST);
    ck_assert_int_eq(up_tunnels_add(&tb, &dup_drb), -EEXIST);
    ck_assert_int_eq(up_tunnels_add(&tb, &bad), -EINVAL); /* TEID 0 */
    bad = tun(1, 33, 5, 1);
    ck_assert_int_eq(up_tunnels_add(&tb, &bad), -EINVAL);
    bad = tun(1, 1, 5, 1);
    bad.qfi = 64;
    ck_assert_int_eq(up_tunnels_add(&tb, &bad), -EINVAL);
    bad.qfi = 1;
    bad.upf_addr_len = 5;
    ck_assert_int_eq(up_tunnels_add(&tb, &bad), -EINVAL);
    /* The UE goes: both of its tunnels, not the other UE's. */
    ck_assert_int_eq(up_tunnels_remove_ue(&tb, 0x4601), 2);
    ck_assert_int_eq(up_tunnels_remove_ue(&tb, 0x4601), 0);
    ck_assert_ptr_null(up_tunnels_find_dl(&tb, 100));
    ck_assert_ptr_null(up_tunnels_find_ul(&tb, 0x4601, 2));
    ck_assert_uint_eq(up_tunnels_find_dl(&tb, 101)->ul_teid, 0xbbbb);
    ck_assert_int_eq(tb.n, 1);
    /* One PDU session of a UE goes (38.413 8.2.2), its other session's tunnel and other UEs' stay. */
    struct up_tunnel s2 = tun(0x4602, 2, 110, 0xdddd);
    s2.pdu_session_id = 2;
    ck_assert_int_eq(up_tunnels_add(&tb, &s2), 0);
    ck_assert_int_eq(up_tunnels_remove_session(&tb, 0x4602, 3), 0);
    ck_assert_int_eq(up_tunnels_remove_session(&tb, 0x4601, 2), 0);
    ck_assert_int_eq(up_tunnels_remove_session(&tb, 0x4602, -1), 0);
    ck_assert_int_eq(up_tunnels_remove_session(&tb, 0x4602, 2), 1);
    ck_assert_ptr_null(up_tunnels_find_dl(&tb, 110));
    ck_assert_ptr_null(up_tunnels_find_ul(&tb, 0x4602, 2));
    ck_assert_uint_eq(up_tunnels_find_ul(&tb, 0x4602, 1)->dl_teid, 101);
    ck_assert_int_eq(tb.n, 1);
    /* The same DRB of the UE may get a tunnel again (a new session after the release). */
    s2.dl_teid = 111;
    ck_assert_int_eq(up_tunnels_add(&tb, &s2), 0);
    ck_assert_uint_eq(up_tunnels_find_dl(&tb, 111)->drb_id, 2);
}
END_TEST

/* The Error Indication limit: rate 100/s -> bursts of 10, one more every 10 ms, never more than the burst; time
 * that goes back adds nothing; rate 0 never limits. */
START_TEST(test_error_indication_rate)
{
    struct up_rate r;
    up_rate_init(&r, 100);
    ck_assert_int_eq(r.burst, 10);
    int sent = 0;
    for (int i = 0; i < 50; i++) sent += up_rate_take(&r, 1000);
    ck_assert_int_eq(sent, 10);
    ck_assert(!up_rate_take(&r, 1009));
    ck_assert(up_rate_take(&r, 1010));    /* 10 ms: one token */
    ck_assert(!up_rate_take(&r, 1010));
    ck_assert(!up_rate_take(&r, 500));    /* the clock went back: nothing added */
    ck_assert(up_rate_take(&r, 1030));    /* 20 ms since 1010: two tokens */
    ck_assert(up_rate_take(&r, 1030));
    ck_assert(!up_rate_take(&r, 1030));
    sent = 0;
    for (int i = 0; i < 50; i++) sent += up_rate_take(&r, 100000); /* a long pause: the burst, no more */
    ck_assert_int_eq(sent, 10);
    /* A flood over one simulated second at 1 packet per ms: 10 + 100 at most. */
    up_rate_init(&r, 100);
    sent = 0;
    for (int t = 0; t < 1000; t++) sent += up_rate_take(&r, 5000 + t);
    ck_assert_int_ge(sent, 105);
    ck_assert_int_le(sent, 110);
    up_rate_init(&r, 0);
    for (int i = 0; i < 1000; i++) ck_assert(up_rate_take(&r, 0));
    up_rate_init(&r, 5);
    ck_assert_int_eq(r.burst, 1);
}
END_TEST

/* TEIDs that collide in the hash (same slot) and a full table: every lookup still right. */
START_TEST(test_table_full_and_colliding)
{
    static struct up_tunnel_table tb;
    up_tunnels_init(&tb);
    for (int i = 0; i < UP_MAX_TUNNELS; i++) {
        struct up_tunnel t = tun((uint16_t)(1 + i / 4), (uint8_t)(1 + i % 4), (uint32_t)(1 + i * 512), (uint32_t)(7 + i));
        ck_assert_int_eq(up_tunnels_add(&tb, &t), 0);
    }
    struct up_tunnel more = tun(999, 1, 0x7fffffff, 1);
    ck_assert_int_eq(up_tunnels_add(&tb, &more), -ENOSPC);
    for (int i = 0; i < UP_MAX_TUNNELS; i++) {
        const struct up_tunnel *t = up_tunnels_find_dl(&tb, (uint32_t)(1 + i * 512));
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_eq(t->ul_teid, (uint32_t)(7 + i));
        t = up_tunnels_find_ul(&tb, (uint16_t)(1 + i / 4), (uint8_t)(1 + i % 4));
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_eq(t->dl_teid, (uint32_t)(1 + i * 512));
    }
    for (int u = 1; u <= UP_MAX_TUNNELS / 4; u += 2) ck_assert_int_eq(up_tunnels_remove_ue(&tb, (uint16_t)u), 4);
    for (int i = 0; i < UP_MAX_TUNNELS; i++) {
        bool gone = ((1 + i / 4) % 2) == 1;
        const struct up_tunnel *t = up_tunnels_find_dl(&tb, (uint32_t)(1 + i * 512));
        ck_assert_msg(gone ? t == NULL : t != NULL && t->ul_teid == (uint32_t)(7 + i), "tunnel %d", i);
    }
    ck_assert_int_eq(up_tunnels_add(&tb, &more), 0);
}
END_TEST

static const uint8_t our_addr[4] = {192, 168, 7, 1};

START_TEST(test_dl_gpdu_known_and_unknown)
{
    static struct up_tunnel_table tb;
    up_tunnels_init(&tb);
    struct up_tunnel t = tun(0x4601, 1, 0x01020304, 0xaaaa);
    ck_assert_int_eq(up_tunnels_add(&tb, &t), 0);
    uint8_t d[64] = {0}, reply[64];
    struct gtpu_pdu_session ps = {.pdu_type = 0, .qfi = 9};
    const uint8_t ip[5] = {0x45, 1, 2, 3, 4};
    ck_assert_int_eq(gtpu_gpdu_header(d, 0x01020304, &ps, sizeof ip), 16);
    memcpy(d + 16, ip, sizeof ip);
    struct up_dl_result r;
    ck_assert_int_eq(up_dl_handle(&tb, d, 21, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_DELIVER);
    ck_assert_ptr_eq(r.t, up_tunnels_find_dl(&tb, 0x01020304));
    ck_assert_uint_eq(r.off, 16);
    ck_assert_uint_eq(r.len, 5);
    ck_assert_mem_eq(d + r.off, ip, 5);
    /* Without an extension header too. */
    ck_assert_int_eq(gtpu_gpdu_header(d, 0x01020304, NULL, sizeof ip), 8);
    memcpy(d + 8, ip, sizeof ip);
    ck_assert_int_eq(up_dl_handle(&tb, d, 13, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_DELIVER);
    ck_assert_uint_eq(r.off, 8);
    /* Unknown TEID: 29.281 7.3.1 Error Indication, TEID 0, S = 1, TEID Data I = the TEID, peer address ours. */
    d[7] = 5;
    ck_assert_int_eq(up_dl_handle(&tb, d, 13, our_addr, 4, 77, reply, sizeof reply, &r), UP_DL_UNKNOWN_TEID);
    ck_assert_uint_eq(r.teid, 0x01020305);
    const uint8_t want[] = {0x32, 26, 0, 16, 0, 0, 0, 0, 0, 77, 0, 0, 16, 1, 2, 3, 5, 133, 0, 4, 192, 168, 7, 1};
    ck_assert_uint_eq(r.reply_len, sizeof want);
    ck_assert_mem_eq(reply, want, sizeof want);
    /* An empty G-PDU, a truncated one, GTPv2. */
    ck_assert_int_eq(gtpu_gpdu_header(d, 0x01020304, NULL, 0), 8);
    ck_assert_int_eq(up_dl_handle(&tb, d, 8, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_EMPTY);
    ck_assert_int_eq(gtpu_gpdu_header(d, 0x01020304, NULL, 40), 8);
    ck_assert_int_eq(up_dl_handle(&tb, d, 20, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_BAD);
    d[0] = 0x48;
    ck_assert_int_eq(up_dl_handle(&tb, d, 48, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_BAD);
}
END_TEST

START_TEST(test_dl_signalling)
{
    static struct up_tunnel_table tb;
    up_tunnels_init(&tb);
    uint8_t d[64], reply[64];
    struct up_dl_result r;
    int n = gtpu_echo_request(d, sizeof d, 0x1234);
    ck_assert_int_eq(up_dl_handle(&tb, d, (size_t)n, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_ECHO);
    const uint8_t resp[] = {0x32, 2, 0, 6, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 14, 0}; /* 7.2.2, Recovery 0 */
    ck_assert_uint_eq(r.reply_len, sizeof resp);
    ck_assert_mem_eq(reply, resp, sizeof resp);
    n = gtpu_echo_response(d, sizeof d, 3);
    ck_assert_int_eq(up_dl_handle(&tb, d, (size_t)n, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_ECHO_RESPONSE);
    n = gtpu_end_marker(d, sizeof d, 0x55);
    ck_assert_int_eq(up_dl_handle(&tb, d, (size_t)n, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_END_MARKER);
    ck_assert_uint_eq(r.teid, 0x55);
    ck_assert_ptr_null(r.t);
    ck_assert_uint_eq(r.reply_len, 0);
    /* 29.281 7.3.2: an End Marker on a tunnel of ours: nothing to send or deliver, the tunnel stays. */
    struct up_tunnel t = tun(0x4601, 1, 0x55, 0x99);
    ck_assert_int_eq(up_tunnels_add(&tb, &t), 0);
    ck_assert_int_eq(up_dl_handle(&tb, d, (size_t)n, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_END_MARKER);
    ck_assert_ptr_nonnull(r.t);
    ck_assert_uint_eq(r.t->rnti, 0x4601);
    ck_assert_uint_eq(r.reply_len, 0);
    ck_assert_ptr_nonnull(up_tunnels_find_dl(&tb, 0x55));
    n = gtpu_error_indication(d, sizeof d, 0, 0xabcd, our_addr, 4);
    ck_assert_int_eq(up_dl_handle(&tb, d, (size_t)n, our_addr, 4, 0, reply, sizeof reply, &r), UP_DL_ERROR_IND);
    ck_assert_uint_eq(r.teid, 0xabcd);
}
END_TEST

START_TEST(test_ul_encap)
{
    struct up_tunnel t = tun(0x4601, 1, 5, 0xdeadbeef);
    t.qfi = 5;
    uint8_t buf[128] = {0};
    memset(buf + 64, 0x45, 20);
    int start = up_ul_encap(&t, buf, 64, 20);
    ck_assert_int_eq(start, 48);
    /* 29.281 5.1 flags 0x34 (v1, PT, E), G-PDU, length 8 + 20, TEID; seq/N-PDU 0, next ext 0x85;
     * 38.415 5.5.2.2: length 1, PDU type 1 (UL) << 4, QFI 5, next 0. */
    const uint8_t want[] = {0x34, 0xff, 0, 28, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0x85, 1, 0x10, 5, 0};
    ck_assert_mem_eq(buf + 48, want, sizeof want);
    struct gtpu_msg m;
    ck_assert_int_eq(gtpu_parse(buf + 48, 36, &m), 0);
    ck_assert(m.has_pdu_session && m.pdu_session.pdu_type == 1 && m.pdu_session.qfi == 5);
    ck_assert_uint_eq(m.payload_len, 20);
    ck_assert_int_eq(up_ul_encap(&t, buf, 10, 20), -ENOSPC);
    ck_assert_int_eq(up_ul_encap(&t, buf, 64, 70000), -EINVAL);
}
END_TEST

/* ---- the stage on loopback ---- */

static int udp_bind(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (int tries = 0; tries < 200; tries++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(24000 + (getpid() * 7 + tries * 13) % 1000))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            *port = ntohs(a.sin_port);
            return fd;
        }
    }
    close(fd);
    return -1;
}

struct rig {
    struct up_stage s;
    int upf;
    uint16_t upf_port;
    struct sockaddr_in gnb;
};

static void rig_start(struct rig *r)
{
    memset(r, 0, sizeof *r);
    r->upf = udp_bind(&r->upf_port);
    ck_assert_int_ge(r->upf, 0);
    char err[256] = "";
    int rc = -1;
    for (int tries = 0; tries < 50 && rc < 0; tries++) {
        struct up_stage_config c = {.n3_addr = "127.0.0.1", .n3_port = 24000 + (getpid() * 11 + tries * 17 + 500) % 1000,
                                    .upf_port = r->upf_port, .pool_buffers = 64};
        rc = up_stage_init_with(&r->s, &c, err, sizeof err);
    }
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_int_ge(r->s.n3_port, 24000);
    ck_assert_int_le(r->s.n3_port, 24999);
    ck_assert_int_eq(up_stage_start(&r->s), 0);
    r->gnb = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(r->s.n3_port)};
    r->gnb.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static void rig_stop(struct rig *r)
{
    up_stage_stop(&r->s);
    close(r->upf);
}

static void to_gnb(struct rig *r, const uint8_t *d, size_t n)
{
    ck_assert_int_eq(sendto(r->upf, d, n, 0, (struct sockaddr *)&r->gnb, sizeof r->gnb), (ssize_t)n);
}

static int from_gnb(struct rig *r, uint8_t *d, size_t cap, int timeout_ms)
{
    struct pollfd p = {.fd = r->upf, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0) return -ETIMEDOUT;
    return (int)recv(r->upf, d, cap, 0);
}

static const struct up_pkt *wait_dl(struct up_stage *s)
{
    for (int i = 0; i < 2000; i++) {
        const struct up_pkt *p = up_stage_dl_peek(s);
        if (p) return p;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* A counter the UP thread bumps after the act the test saw (a datagram sent, a packet committed): wait for it. */
static uint64_t settle(_Atomic uint64_t *c, uint64_t want)
{
    for (int i = 0; i < 2000 && atomic_load(c) != want; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return atomic_load(c);
}

static void gpdu(uint8_t *d, uint32_t teid, const uint8_t *ip, size_t n)
{
    struct gtpu_pdu_session ps = {.pdu_type = 0, .qfi = 9};
    ck_assert_int_eq(gtpu_gpdu_header(d, teid, &ps, n), 16);
    memcpy(d + 16, ip, n);
}

START_TEST(test_stage_dl_ul_echo_unknown)
{
    static struct rig r;
    rig_start(&r);
    const uint8_t upf_ip[4] = {127, 0, 0, 1};
    uint32_t teid1 = 0, teid2 = 0;
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 0x4601, 1, 9, 1, 0x1111, upf_ip, 32, &teid1), 0);
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 0x4602, 5, 7, 1, 0x2222, upf_ip, 32, &teid2), 0);
    ck_assert_uint_ne(teid1, 0);
    ck_assert_uint_ne(teid1, teid2);
    /* Refusals in the caller's thread. */
    uint32_t x = 0;
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 1, 1, 64, 1, 1, upf_ip, 32, &x), -EINVAL);
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 1, 1, 1, 0, 1, upf_ip, 32, &x), -EINVAL);
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 1, 1, 1, 1, 0, upf_ip, 32, &x), -EINVAL);
    uint8_t v6[16] = {0};
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 1, 1, 1, 1, 1, v6, 128, &x), -EAFNOSUPPORT);
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 1, 1, 1, 1, 1, v6, 33, &x), -EINVAL);
    ck_assert_uint_eq(x, 0);
    int bits;
    const uint8_t *a = up_stage_n3_address(&r.s, &bits);
    ck_assert_int_eq(bits, 32);
    ck_assert_mem_eq(a, upf_ip, 4);

    /* DL: a G-PDU to UE 2's TEID reaches the ring with its RNTI and DRB, the T-PDU in place. */
    uint8_t d[256], in[256];
    uint8_t ip[100];
    for (int i = 0; i < 100; i++) ip[i] = (uint8_t)(i * 3);
    gpdu(d, teid2, ip, sizeof ip);
    to_gnb(&r, d, 16 + sizeof ip);
    const struct up_pkt *p = wait_dl(&r.s);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->rnti, 0x4602);
    ck_assert_uint_eq(p->drb_id, 1);
    ck_assert_uint_eq(p->len, 100);
    ck_assert_mem_eq(up_stage_pkt_data(&r.s, p), ip, 100);
    ck_assert_uint_eq(pkt_pool_available(&r.s.pool) < 64, 1); /* the buffer is out */
    up_stage_dl_done(&r.s, true);
    ck_assert_ptr_null(up_stage_dl_peek(&r.s));
    ck_assert_uint_eq(settle(&r.s.st.dl_packets, 1), 1);
    ck_assert_uint_eq(settle(&r.s.st.dl_bytes, 100), 100);

    /* UL: UE 1's packet leaves as a G-PDU to the UPF port with UL TEID 0x1111 and QFI 9. */
    ck_assert_int_eq(up_stage_ul_push(&r.s, 0x4601, 1, ip, 60), 0);
    int n = from_gnb(&r, in, sizeof in, 2000);
    ck_assert_int_eq(n, 16 + 60);
    struct gtpu_msg m;
    ck_assert_int_eq(gtpu_parse(in, (size_t)n, &m), 0);
    ck_assert_uint_eq(m.type, GTPU_GPDU);
    ck_assert_uint_eq(m.teid, 0x1111);
    ck_assert(m.has_pdu_session && m.pdu_session.pdu_type == 1 && m.pdu_session.qfi == 9);
    ck_assert_mem_eq(m.payload, ip, 60);
    ck_assert_uint_eq(settle(&r.s.st.ul_packets, 1), 1);
    ck_assert_uint_eq(settle(&r.s.st.ul_bytes, 60), 60);
    /* UL for a DRB with no tunnel, and a too-long packet: dropped, counted. */
    ck_assert_int_eq(up_stage_ul_push(&r.s, 0x4601, 2, ip, 60), 0);
    static uint8_t big[4096];
    ck_assert_int_eq(up_stage_ul_push(&r.s, 0x4601, 1, big, sizeof big), -EMSGSIZE);
    ck_assert_int_eq(from_gnb(&r, in, sizeof in, 200), -ETIMEDOUT);
    ck_assert_uint_eq(settle(&r.s.st.ul_dropped, 2), 2);

    /* Echo Request -> Echo Response with the sequence number. */
    n = gtpu_echo_request(d, sizeof d, 0x4242);
    to_gnb(&r, d, (size_t)n);
    n = from_gnb(&r, in, sizeof in, 2000);
    ck_assert_int_ge(n, 12);
    ck_assert_int_eq(gtpu_parse(in, (size_t)n, &m), 0);
    ck_assert_uint_eq(m.type, GTPU_ECHO_RESPONSE);
    ck_assert_uint_eq(m.seq, 0x4242);

    /* Unknown TEID -> Error Indication with that TEID and our address; nothing for the MAC. */
    gpdu(d, 0x0badf00d, ip, 20);
    to_gnb(&r, d, 36);
    n = from_gnb(&r, in, sizeof in, 2000);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(gtpu_parse(in, (size_t)n, &m), 0);
    ck_assert_uint_eq(m.type, GTPU_ERROR_INDICATION);
    ck_assert_uint_eq(m.teid_data, 0x0badf00d);
    ck_assert_uint_eq(m.peer_addr_len, 4);
    ck_assert_mem_eq(m.peer_addr, upf_ip, 4);
    ck_assert_uint_eq(settle(&r.s.st.unknown_teid, 1), 1);
    ck_assert_uint_eq(settle(&r.s.st.echo_requests, 1), 1);

    /* UE 2 goes: its TEID is unknown from now on. */
    up_stage_ue_gone(&r.s, 0x4602);
    gpdu(d, teid2, ip, 20);
    to_gnb(&r, d, 36);
    n = from_gnb(&r, in, sizeof in, 2000);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(gtpu_parse(in, (size_t)n, &m), 0);
    ck_assert_uint_eq(m.type, GTPU_ERROR_INDICATION);
    ck_assert_uint_eq(m.teid_data, teid2);
    ck_assert_ptr_null(up_stage_dl_peek(&r.s));
    ck_assert_uint_eq(settle(&r.s.st.tunnels, 1), 1);

    /* UE 1's session 1 is released (38.413 8.2.2): its TEID is unknown from now on. */
    ck_assert_int_eq(up_stage_tunnel_del(&r.s, 0x4601, 256), -EINVAL);
    ck_assert_int_eq(up_stage_tunnel_del(&r.s, 0x4601, 1), 0);
    gpdu(d, teid1, ip, 20);
    to_gnb(&r, d, 36);
    n = from_gnb(&r, in, sizeof in, 2000);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(gtpu_parse(in, (size_t)n, &m), 0);
    ck_assert_uint_eq(m.type, GTPU_ERROR_INDICATION);
    ck_assert_uint_eq(m.teid_data, teid1);
    ck_assert_uint_eq(settle(&r.s.st.tunnels, 0), 0);
    ck_assert_uint_eq(settle(&r.s.st.tunnels_released, 1), 1);

    /* A tunnel added, its first G-PDU sent at once: delivered (commands go before the socket). */
    for (int i = 0; i < 20; i++) {
        uint32_t t = 0;
        ck_assert_int_eq(up_stage_tunnel_add(&r.s, (uint16_t)(0x5000 + i), 1, 1, 1, 9, upf_ip, 32, &t), 0);
        gpdu(d, t, ip, 30);
        to_gnb(&r, d, 46);
        p = wait_dl(&r.s);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq(p->rnti, 0x5000 + i);
        up_stage_dl_done(&r.s, false);
    }
    ck_assert_uint_eq(settle(&r.s.st.unknown_teid, 3), 3);
    ck_assert_uint_eq(settle(&r.s.st.mac_rejected, 20), 20);
    rig_stop(&r);
}
END_TEST

/* More DL packets than the pool holds, nobody draining: the rest are dropped and counted, nothing leaks. */
START_TEST(test_stage_pool_exhaustion)
{
    static struct rig r;
    rig_start(&r);
    const uint8_t upf_ip[4] = {127, 0, 0, 1};
    uint32_t teid = 0;
    ck_assert_int_eq(up_stage_tunnel_add(&r.s, 0x4601, 1, 9, 1, 0x1111, upf_ip, 32, &teid), 0);
    uint8_t d[64], ip[40] = {0x45};
    gpdu(d, teid, ip, sizeof ip);
    for (int i = 0; i < 100; i++) to_gnb(&r, d, 16 + sizeof ip);
    for (int i = 0; i < 2000 && atomic_load(&r.s.st.dl_packets) + atomic_load(&r.s.st.dl_dropped) < 100; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    ck_assert_uint_eq(settle(&r.s.st.dl_packets, 64), 64);
    ck_assert_uint_eq(settle(&r.s.st.dl_dropped, 36), 36);
    ck_assert_uint_gt(pkt_pool_exhausted(&r.s.pool), 0);
    int drained = 0;
    while (up_stage_dl_peek(&r.s)) {
        up_stage_dl_done(&r.s, true);
        drained++;
    }
    ck_assert_int_eq(drained, 64);
    ck_assert_uint_eq(pkt_pool_available(&r.s.pool), 64);
    rig_stop(&r);
}
END_TEST

static Suite *up_suite(void)
{
    Suite *s = suite_create("up_stage");
    TCase *t = tcase_create("tunnels");
    tcase_add_test(t, test_table_add_find_remove);
    tcase_add_test(t, test_table_full_and_colliding);
    tcase_add_test(t, test_dl_gpdu_known_and_unknown);
    tcase_add_test(t, test_dl_signalling);
    tcase_add_test(t, test_ul_encap);
    tcase_add_test(t, test_error_indication_rate);
    suite_add_tcase(s, t);
    TCase *st = tcase_create("stage");
    tcase_set_timeout(st, 30);
    tcase_add_test(st, test_stage_dl_ul_echo_unknown);
    tcase_add_test(st, test_stage_pool_exhaustion);
    suite_add_tcase(s, st);
    return s;
}

int main(void) { return check_run(up_suite()); }
