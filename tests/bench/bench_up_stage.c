/* Benchmark of the user-plane stage (gnb/up_stage.h) on loopback, and of the packet pool (gnb/pkt_pool.h).
 * Prints figures only; it fails only if packets are corrupted or the stage does not start.
 *   pool: get+put pairs on one thread (ns per pair), and two threads hammering the same pool;
 *   DL: a sender thread sends N G-PDUs of 1400-octet T-PDUs to the stage's N3 port as fast as it can while a
 *       "MAC" thread drains the DL ring; packets/s and Mbit/s of T-PDUs delivered, and what was dropped (the
 *       loopback socket's or the stage's: up.dl_dropped);
 *   UL: the "MAC" thread pushes N packets of 1400 octets; a "UPF" socket receives the G-PDUs; packets/s.
 *   bench_up_stage [packets]   (default 200000); ports in 24000-24999 on 127.0.0.1 */
#include "gnb/up_stage.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gtpu/gtpu.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int udp_bind(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (int tries = 0; tries < 200; tries++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(24000 + (getpid() * 3 + tries * 29) % 1000))};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            *port = ntohs(a.sin_port);
            return fd;
        }
    }
    close(fd);
    return -1;
}

static void *pool_worker(void *arg)
{
    struct pkt_pool *p = arg;
    for (int i = 0; i < 2000000; i++) {
        int32_t b = pkt_pool_get(p);
        if (b >= 0) pkt_pool_put(p, (uint32_t)b);
    }
    return NULL;
}

struct dl_sender {
    int fd;
    struct sockaddr_in to;
    uint32_t teid;
    long n;
};

static void *dl_send(void *arg)
{
    struct dl_sender *d = arg;
    uint8_t buf[1500];
    struct gtpu_pdu_session ps = {.pdu_type = 0, .qfi = 9};
    gtpu_gpdu_header(buf, d->teid, &ps, 1400);
    for (int i = 0; i < 1400; i++) buf[16 + i] = (uint8_t)i;
    for (long i = 0; i < d->n; i++) {
        buf[16] = (uint8_t)i;
        while (sendto(d->fd, buf, 16 + 1400, 0, (struct sockaddr *)&d->to, sizeof d->to) < 0 && errno == ENOBUFS) {}
    }
    return NULL;
}

struct ul_receiver {
    int fd;
    long got;
    double t0, last;
};

static void *ul_recv(void *arg)
{
    struct ul_receiver *u = arg;
    uint8_t in[2048];
    struct pollfd p = {.fd = u->fd, .events = POLLIN};
    while (poll(&p, 1, 500) > 0)
        while (recv(u->fd, in, sizeof in, MSG_DONTWAIT) > 0) {
            u->got++;
            u->last = now_s();
        }
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    /* Pool. */
    struct pkt_pool pool;
    if (pkt_pool_init(&pool, 4096, 2048) < 0) return 1;
    double t0 = now_s();
    for (int i = 0; i < 10000000; i++) pkt_pool_put(&pool, (uint32_t)pkt_pool_get(&pool));
    printf("pool: get+put on one thread: %.1f ns per pair\n", (now_s() - t0) * 1e9 / 1e7);
    pthread_t w[2];
    t0 = now_s();
    for (int i = 0; i < 2; i++) pthread_create(&w[i], NULL, pool_worker, &pool);
    for (int i = 0; i < 2; i++) pthread_join(w[i], NULL);
    printf("pool: two threads, 2x2e6 get+put pairs on one pool: %.1f ns per pair (wall / pairs of one thread)\n",
           (now_s() - t0) * 1e9 / 2e6);
    pkt_pool_free(&pool);

    /* The stage. */
    uint16_t upf_port = 0;
    int upf = udp_bind(&upf_port);
    static struct up_stage s;
    char err[256] = "";
    int rc = -1;
    for (int tries = 0; tries < 50 && rc < 0; tries++) {
        struct up_stage_config c = {.n3_addr = "127.0.0.1", .n3_port = 24000 + (getpid() * 5 + tries * 31 + 400) % 1000,
                                    .upf_port = upf_port, .pool_buffers = 4096};
        rc = up_stage_init_with(&s, &c, err, sizeof err);
    }
    if (rc < 0 || upf < 0 || up_stage_start(&s) < 0) {
        fprintf(stderr, "bench_up_stage: %s\n", err);
        return 1;
    }
    const uint8_t lo[4] = {127, 0, 0, 1};
    uint32_t teid;
    up_stage_tunnel_add(&s, 0x4601, 1, 9, 1, 0x1234, lo, 32, &teid);
    struct dl_sender d = {.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), .teid = teid, .n = n};
    d.to = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(s.n3_port)};
    d.to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    usleep(10000);
    pthread_t snd;
    t0 = now_s();
    pthread_create(&snd, NULL, dl_send, &d);
    long got = 0, bad = 0;
    double last = now_s();
    while (now_s() - last < 0.5) { /* the "MAC": drain until nothing came for 0.5 s */
        const struct up_pkt *p = up_stage_dl_peek(&s);
        if (!p) continue;
        const uint8_t *b = up_stage_pkt_data(&s, p);
        bad += p->len != 1400 || b[1399] != (uint8_t)1399;
        up_stage_dl_done(&s, true);
        got++;
        last = now_s();
    }
    pthread_join(snd, NULL);
    double dt = last - t0;
    printf("DL: %ld G-PDUs sent, %ld T-PDUs delivered to the ring in %.3f s: %.0f packets/s, %.0f Mbit/s; "
           "dropped by the stage %llu, lost before it (socket) %ld\n", n, got, dt, got / dt, got * 1400 * 8 / dt / 1e6,
           (unsigned long long)atomic_load(&s.st.dl_dropped), n - got - (long)atomic_load(&s.st.dl_dropped));

    /* UL: the "MAC" pushes whenever the ring has room; a "UPF" thread counts what arrives. */
    int big = 8 << 20;
    setsockopt(upf, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    struct ul_receiver u = {.fd = upf};
    pthread_t rcv;
    pthread_create(&rcv, NULL, ul_recv, &u);
    uint8_t pkt[1400];
    memset(pkt, 0x45, sizeof pkt);
    u.t0 = now_s();
    for (long i = 0; i < n; i++) {
        while (ring_count(&s.ul) >= UP_RING_SIZE) sched_yield();
        up_stage_ul_push(&s, 0x4601, 1, pkt, sizeof pkt);
    }
    pthread_join(rcv, NULL);
    dt = u.last - u.t0;
    printf("UL: %ld packets pushed, %ld G-PDUs received by the UPF socket in %.3f s: %.0f packets/s, %.0f Mbit/s; "
           "sent by the stage %llu, ul_dropped %llu, send errors %llu\n", n, u.got, dt, u.got / dt,
           u.got * 1400 * 8 / dt / 1e6, (unsigned long long)atomic_load(&s.st.ul_packets),
           (unsigned long long)atomic_load(&s.st.ul_dropped), (unsigned long long)atomic_load(&s.st.send_errors));
    up_stage_stop(&s);
    close(upf);
    close(d.fd);
    return bad ? 1 : 0;
}
