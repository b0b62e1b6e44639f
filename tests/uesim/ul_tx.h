/* uesim's uplink stream: what every UE transmitter (random access, the UL probe) adds its samples into, and what
 * goes to gnbd for each DL chunk.
 *
 * The stream is indexed by stream sample, the same count as the DL: uesim runs lock-step, and the UL for DL chunk
 * [ts, ts + n) is sent with the same timestamp, so UL sample t belongs to the gNB's slot that DL sample t does
 * (zero propagation delay; a transmitter adds its own delay). Transmitters plan ahead (one frame: tests/uesim/
 * prach_tx.h, ul_probe_tx.h) and place their samples into a ring covering at least `ahead_s` of stream; ul_tx_fill()
 * hands out [ts, ts + n), clears it and moves next_fill, before which nothing can be placed any more (that UL has
 * left).
 *
 * Channel: a frequency offset (cfo_hz, phase from the absolute stream sample, so consecutive transmissions stay
 * coherent) applied to each placed transmission, and AWGN on the whole stream (also where nothing is sent). The
 * noise (channel_awgn) is complex Gaussian of variance N0 = 10^(-snr_db / 10) per sample. Every transmitter here scales its
 * signal unitarily (phy/ofdm/ofdm.h; phy/ch/prach.h), so a unit-energy RE or PRACH subcarrier comes out of the
 * receiver's unitary DFT with energy 1 over noise N0 per bin: snr_db is the SNR per unit-energy resource element
 * (PUSCH data RE, PUCCH RE, PRACH subcarrier), in its own band, for one receive antenna. (PUSCH DM-RS REs carry
 * beta^2 = 2 with two CDM groups without data, 3 dB more.)
 *
 * Threading: single-threaded (uesim). ul_tx_fill allocates nothing.
 */
#ifndef GNBD_UESIM_UL_TX_H
#define GNBD_UESIM_UL_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "phy/types.h"
#include "tests/uesim/channel.h"

struct ul_tx_config {
    double srate;
    double ahead_s;      /* stream time a transmitter may place ahead of next_fill (0: 24 ms) */
    double snr_db;       /* AWGN per unit-energy RE; NAN: no noise */
    double cfo_hz;       /* applied to every placed transmission */
    unsigned seed;       /* noise generator (0: 1) */
};

struct ul_tx {
    struct ul_tx_config cfg;
    cf_t *ring;          /* ring_len samples, indexed by stream sample mod ring_len */
    int64_t ring_len;
    int64_t next_fill;   /* first UL sample not yet handed to the radio: nothing can be placed before it */
    float sigma;         /* noise standard deviation per real component */
    unsigned rng;
    cf_t *scratch;       /* ring_len samples: a transmission after its own channel (ul_tx_add_channel) */
};

/* Returns 0, -EINVAL (srate not positive), -ENOMEM. */
int ul_tx_init(struct ul_tx *u, const struct ul_tx_config *cfg);
void ul_tx_free(struct ul_tx *u);

/* Whether [at, at + n) can still be placed: not before next_fill, not beyond the ring. */
bool ul_tx_can_place(const struct ul_tx *u, int64_t at, int n);

/* Adds x[0 .. n) (with the CFO) at stream samples [at, at + n). Returns 0, or -ERANGE when it cannot be placed
 * (ul_tx_can_place false; nothing is added). */
int ul_tx_add(struct ul_tx *u, int64_t at, const cf_t *x, int n);

/* ul_tx_add of x scaled by gain (a UE's own received amplitude). */
int ul_tx_add_scaled(struct ul_tx *u, int64_t at, const cf_t *x, int n, float gain);

/* ul_tx_add of x as the receiver gets it through ch (tests/uesim/channel.h: a UE's own delay, gain, CFO and
 * fading; its noise is not added, the stream's is): channel_burst's n + ch->span samples at [at, ...). ch NULL:
 * x as it is. Returns 0 or -ERANGE. */
int ul_tx_add_channel(struct ul_tx *u, int64_t at, const cf_t *x, int n, const struct channel *ch);

/* The UL samples [ts, ts + n): what was placed there (then cleared) plus noise. ts must not go back. */
void ul_tx_fill(struct ul_tx *u, int64_t ts, cf_t *ul, int n);

#endif
