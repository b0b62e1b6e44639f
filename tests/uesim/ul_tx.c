/* uesim's uplink stream (see ul_tx.h). */
#include "tests/uesim/ul_tx.h"

#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define UL_TX_MIN_RING 65536
#define UL_TX_DEFAULT_AHEAD_S 0.024   /* one frame of planning plus a long preamble or a slot */

int ul_tx_init(struct ul_tx *u, const struct ul_tx_config *cfg)
{
    memset(u, 0, sizeof *u);
    if (!(cfg->srate > 0))
        return -EINVAL;
    u->cfg = *cfg;
    double ahead = cfg->ahead_s > 0 ? cfg->ahead_s : UL_TX_DEFAULT_AHEAD_S;
    u->ring_len = UL_TX_MIN_RING;
    while (u->ring_len < (int64_t)ceil(cfg->srate * ahead))
        u->ring_len *= 2;
    u->ring = calloc((size_t)u->ring_len, sizeof(cf_t));
    u->scratch = calloc((size_t)u->ring_len, sizeof(cf_t));
    u->sigma = isnan(cfg->snr_db) ? 0.0f : (float)sqrt(pow(10.0, -cfg->snr_db / 10.0) / 2.0);
    u->rng = cfg->seed ? cfg->seed : 1;
    return u->ring && u->scratch ? 0 : -ENOMEM;
}

void ul_tx_free(struct ul_tx *u)
{
    free(u->ring);
    free(u->scratch);
    u->ring = u->scratch = NULL;
}

bool ul_tx_can_place(const struct ul_tx *u, int64_t at, int n)
{
    return u->ring && n >= 0 && at >= u->next_fill && at + n <= u->next_fill + u->ring_len;
}

int ul_tx_add(struct ul_tx *u, int64_t at, const cf_t *x, int n)
{
    return ul_tx_add_scaled(u, at, x, n, 1.0f);
}

int ul_tx_add_scaled(struct ul_tx *u, int64_t at, const cf_t *x, int n, float gain)
{
    if (!ul_tx_can_place(u, at, n))
        return -ERANGE;
    double w = 2 * M_PI * u->cfg.cfo_hz / u->cfg.srate;
    for (int i = 0; i < n; i++) {
        cf_t v = x[i] * gain;
        if (w != 0) {
            double ph = w * (double)(at + i);
            v *= (float)cos(ph) + I * (float)sin(ph);
        }
        u->ring[(at + i) % u->ring_len] += v;
    }
    return 0;
}

int ul_tx_add_channel(struct ul_tx *u, int64_t at, const cf_t *x, int n, const struct channel *ch)
{
    if (!ch || channel_is_identity(ch)) return ul_tx_add(u, at, x, n);
    if (n < 0 || (int64_t)n + ch->span > u->ring_len || !ul_tx_can_place(u, at, n + ch->span)) return -ERANGE;
    channel_burst(ch, at, x, n, u->scratch);
    return ul_tx_add(u, at, u->scratch, n + ch->span);
}

void ul_tx_fill(struct ul_tx *u, int64_t ts, cf_t *ul, int n)
{
    for (int i = 0; i < n; i++) {
        cf_t *r = &u->ring[(ts + i) % u->ring_len];
        ul[i] = *r;
        *r = 0;
    }
    if (u->sigma > 0) channel_awgn(&u->rng, u->sigma, ul, n);
    if (ts + n > u->next_fill)
        u->next_fill = ts + n;
}
