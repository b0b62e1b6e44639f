/* Benchmark of PDCP with AS security (pdcp/pdcp_drb.h, pdcp/pdcp_sec.h): a DRB with 128-NIA2 + 128-NEA2 (UP
 * integrity on) and one with 128-NEA2 only, PDUs built by a gNB entity and received by a UE entity, one thread.
 * Prints the time per PDU (TX + RX) and the SDU throughput for 100- and 1500-byte SDUs; it fails only if an SDU
 * is lost or refused.
 *   bench_pdcp_sec [pdus]   (default 200000 per case)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdcp/pdcp_drb.h"
#include "pdcp/pdcp_sec.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long delivered;
static void on_sdu(void *ctx, uint32_t count, const uint8_t *sdu, size_t len) { delivered++; }

static int run(bool integrity, size_t sdu_len, long n)
{
    struct pdcp_drb_config cfg;
    pdcp_drb_config_default(&cfg, 1);
    cfg.integrity = integrity;
    cfg.deliver = on_sdu;
    struct pdcp_drb gnb, ue;
    if (pdcp_drb_init(&gnb, &cfg)) return -1;
    cfg.gnb = false;
    if (pdcp_drb_init(&ue, &cfg)) return -1;
    uint8_t k_gnb[32] = {1, 2, 3};
    struct pdcp_sec_as_keys k;
    struct pdcp_sec_config sc = {.nia = 2, .nea = 2, .tx_cipher = true, .rx_cipher = true};
    if (pdcp_sec_derive_as_keys(k_gnb, 2, 2, &k)) return -1;
    memcpy(sc.k_int, k.k_up_int, 16);
    memcpy(sc.k_enc, k.k_up_enc, 16);
    if (pdcp_drb_security_activate(&gnb, &sc) || pdcp_drb_security_activate(&ue, &sc)) return -1;
    static uint8_t sdu[1500], pdu[1600];
    memset(sdu, 0x5a, sizeof sdu);
    delivered = 0;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        size_t len;
        if (pdcp_drb_tx(&gnb, sdu, sdu_len, 0, pdu, sizeof pdu, &len, NULL) || pdcp_drb_rx(&ue, pdu, len, 0))
            return -1;
    }
    double dt = now_s() - t0;
    if (delivered != (unsigned long)n) return -1;
    printf("%-12s %5zu B SDU: %7.0f ns per PDU (TX + RX), %6.2f Gbit/s of SDU\n",
           integrity ? "NIA2+NEA2" : "NEA2", sdu_len, dt / n * 1e9, n * sdu_len * 8 / dt / 1e9);
    pdcp_drb_free(&gnb);
    pdcp_drb_free(&ue);
    return 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    if (n < 1) n = 1;
    int err = 0;
    for (int integrity = 1; integrity >= 0; integrity--) {
        err |= run(integrity, 100, n);
        err |= run(integrity, 1500, n);
    }
    if (err) fprintf(stderr, "bench_pdcp_sec: an SDU was lost or refused\n");
    return err ? 1 : 0;
}
