/* PUCCH format 1 detection over AWGN, one receive antenna (`make sim`, not part of `make check`).
 *
 * The 38.104 8.3 performance figures for format 1, measured rather than asserted: per SNR (Es/N0 per RE, the
 * PUCCH REs having unit energy) and resource, three kinds of slot, each trials times with fresh noise:
 *   ACK sent     -> "ACK missed": the receiver says DTX or NACK             (38.104 target <= 1 %)
 *   NACK sent    -> "NACK->ACK": the receiver says ACK                     (target <= 0.1 %)
 *   nothing sent -> "DTX->ACK": the receiver says ACK; "DTX->any": it detects anything  (target <= 1 %)
 * The receiver is pucch_f1_decode() with its default DTX threshold (target false-alarm rate 1e-3 on noise alone,
 * pucch.h); -p sets another. Resources: 14 symbols with intra-slot hopping (PRB 0 / last PRB, as in 38.104's
 * format 1 tests: m0 0, OCC 0, n_ID 0), 14 symbols without hopping, and 4 symbols (the shortest), 1 HARQ-ACK
 * bit; then the 2-bit case, where ACK means both bits 1 and NACK->ACK counts any NACK read as ACK.
 *   pucch_sim [-n trials (default 20000)] [-p target false-alarm rate (default 1e-3)]
 * Prints a table; exit status 1 when the 0 dB row of the 14-symbol hopping resource misses a target.
 */
#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phy/ch/pucch.h"
#include "tests/unit/test_rng.h"

#define N_PRB 52

struct sim_case {
    const char *name;
    int nof_symbols, start_symbol, nbits;
    bool hopping;
};

static const struct sim_case sim_cases[] = {
    { "F1 14 sym hopping, 1 bit", 14, 0, 1, true },
    { "F1 14 sym, 1 bit", 14, 0, 1, false },
    { "F1 4 sym, 1 bit", 4, 10, 1, false },
    { "F1 14 sym hopping, 2 bits", 14, 0, 2, true },
};
static const double snrs[] = { -12.0, -9.0, -6.0, -3.0, 0.0 };

struct counts {
    long ack_missed, nack_to_ack, dtx_to_ack, dtx_to_any;
};

/* Writes the REs of the resource: the clean signal (or zeros) plus complex noise of variance nv. */
static void add_noise(struct grid *g, const struct pucch_config *c, const cf_t *clean, double nv)
{
    double s = sqrt(nv / 2);
    for (int l = c->res.start_symbol; l < c->res.start_symbol + c->res.nof_symbols; l++) {
        int hop = c->res.intra_slot_hopping && l - c->res.start_symbol >= c->res.nof_symbols / 2;
        int k0 = 12 * (c->bwp_start + (hop ? c->res.second_hop_prb : c->res.start_prb));
        for (int k = k0; k < k0 + 12; k++) {
            size_t i = (size_t)l * (size_t)g->nof_subcarriers + (size_t)k;
            g->re[i] = (clean ? clean[i] : 0) + (float)(s * test_rng_gauss()) + I * (float)(s * test_rng_gauss());
        }
    }
}

static bool is_ack(const struct pucch_rx_result *r, int nbits)
{
    if (r->verdict != PUCCH_RX_VALID)
        return false;
    for (int i = 0; i < nbits; i++)
        if (r->bits[i] != 1)
            return false;
    return true;
}

static struct counts run(struct pucch_rx *rx, const struct sim_case *sc, double snr_db, long trials)
{
    struct pucch_config c = { .res = { .format = PUCCH_FORMAT_1, .start_prb = 0, .second_hop_prb = N_PRB - 1,
                                       .intra_slot_hopping = sc->hopping, .start_symbol = sc->start_symbol,
                                       .nof_symbols = sc->nof_symbols, .nof_prb = 1 },
                              .bwp_size = N_PRB, .n_id = 0 };
    struct grid ack, nack, g;
    grid_init(&ack, GRID_SYMBOLS_PER_SLOT, 12 * N_PRB);
    grid_init(&nack, GRID_SYMBOLS_PER_SLOT, 12 * N_PRB);
    grid_init(&g, GRID_SYMBOLS_PER_SLOT, 12 * N_PRB);
    uint8_t ones[2] = { 1, 1 }, zeros[2] = { 0, 0 };
    struct counts n = { 0 };
    double nv = pow(10.0, -snr_db / 10.0);
    for (long t = 0; t < trials; t++) {
        c.slot = (int)(t % 20); /* the cyclic shifts change from slot to slot */
        grid_clear(&ack);
        grid_clear(&nack);
        pucch_f1_encode(&c, ones, sc->nbits, &ack);
        /* NACK: one bit 0; with two bits, each bit pattern other than 11 in turn */
        uint8_t nk[2] = { zeros[0], (uint8_t)(sc->nbits == 2 ? t % 3 == 0 : 0) };
        if (sc->nbits == 2 && t % 3 == 1)
            nk[0] = 1;
        pucch_f1_encode(&c, nk, sc->nbits, &nack);
        struct pucch_rx_result r;
        add_noise(&g, &c, ack.re, nv);
        pucch_f1_decode(rx, &g, &c, sc->nbits, &r);
        n.ack_missed += !is_ack(&r, sc->nbits);
        add_noise(&g, &c, nack.re, nv);
        pucch_f1_decode(rx, &g, &c, sc->nbits, &r);
        n.nack_to_ack += is_ack(&r, sc->nbits);
        add_noise(&g, &c, NULL, nv);
        pucch_f1_decode(rx, &g, &c, sc->nbits, &r);
        n.dtx_to_ack += is_ack(&r, sc->nbits);
        n.dtx_to_any += r.verdict != PUCCH_RX_DTX;
    }
    grid_free(&ack);
    grid_free(&nack);
    grid_free(&g);
    return n;
}

int main(int argc, char **argv)
{
    long trials = 20000;
    double pfa = 1e-3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            trials = atol(argv[i + 1]);
        else if (strcmp(argv[i], "-p") == 0)
            pfa = atof(argv[i + 1]);
    }
    if (trials < 1 || !(pfa > 0 && pfa < 1)) {
        fprintf(stderr, "usage: pucch_sim [-n trials] [-p target false-alarm rate]\n");
        return 2;
    }
    struct pucch_rx rx;
    if (pucch_rx_init(&rx, &(struct pucch_rx_cfg){ .pfa_f1 = pfa }) != 0)
        return 2;
    test_rng_seed(2024);
    printf("PUCCH format 1, AWGN, 1 RX antenna, %ld slots per kind and point, DTX threshold for P_fa %.0e\n",
           trials, pfa);
    printf("targets (38.104 8.3): ACK missed <= 1 %%, NACK->ACK <= 0.1 %%, DTX->ACK <= 1 %%\n\n");
    printf("%-28s %7s %12s %12s %12s %12s\n", "resource", "SNR dB", "ACK missed", "NACK->ACK", "DTX->ACK",
           "DTX->any");
    int status = 0;
    clock_t t0 = clock();
    for (size_t k = 0; k < sizeof sim_cases / sizeof sim_cases[0]; k++)
        for (size_t s = 0; s < sizeof snrs / sizeof snrs[0]; s++) {
            struct counts n = run(&rx, &sim_cases[k], snrs[s], trials);
            double d = (double)trials;
            printf("%-28s %7.1f %11.4f%% %11.4f%% %11.4f%% %11.4f%%\n", sim_cases[k].name, snrs[s],
                   100 * n.ack_missed / d, 100 * n.nack_to_ack / d, 100 * n.dtx_to_ack / d, 100 * n.dtx_to_any / d);
            if (k == 0 && snrs[s] == 0.0 &&
                (n.ack_missed > 0.01 * d || n.nack_to_ack > 0.001 * d || n.dtx_to_ack > 0.01 * d))
                status = 1;
        }
    printf("\n%s at 0 dB (14 symbols, hopping, 1 bit); %.1f s\n", status ? "TARGETS MISSED" : "targets met",
           (double)(clock() - t0) / CLOCKS_PER_SEC);
    pucch_rx_free(&rx);
    return status;
}
