/* Shared by the RLC fuzz targets: the delivery check and the input framing (a sequence of PDUs, each a length
 * byte then that many bytes, after one configuration byte). */
#ifndef GNBD_TESTS_RLC_FUZZ_H
#define GNBD_TESTS_RLC_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

static size_t rlc_fuzz_max_sdu;

/* Every delivered SDU is non-empty, within the configured maximum and readable end to end. */
static void rlc_fuzz_deliver(void *ctx, const uint8_t *sdu, size_t len)
{
    (void)ctx;
    if (len == 0 || len > rlc_fuzz_max_sdu) abort();
    volatile uint8_t x = sdu[0] ^ sdu[len - 1];
    (void)x;
}

/* The next PDU at *pos: returns its start and sets *len (cut at the end of the input); NULL when none is left. */
static const uint8_t *rlc_fuzz_next(const uint8_t *data, size_t size, size_t *pos, size_t *len)
{
    if (*pos >= size) return NULL;
    *len = data[(*pos)++];
    if (*len > size - *pos) *len = size - *pos;
    const uint8_t *p = data + *pos;
    *pos += *len;
    return p;
}

#endif
