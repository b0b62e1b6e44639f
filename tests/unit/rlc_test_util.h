/* Test helper for the RLC tests: SDUs whose bytes say which SDU they are (so a receiver can check identity,
 * order and content bit-exactly), and a delivery log the entities' callbacks append to. */
#ifndef GNBD_TESTS_RLC_TEST_UTIL_H
#define GNBD_TESTS_RLC_TEST_UTIL_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#define RLC_LOG_MAX 4096

/* SDU number i: length from the index (or fixed when len > 0), byte 0..3 = i, the rest a pattern of i. */
static inline size_t rlc_test_sdu(uint32_t i, size_t len, uint8_t *out)
{
    if (len == 0) len = 4 + (i * 37u) % 200u;
    for (size_t k = 0; k < len; k++) out[k] = (uint8_t)(i * 131u + k * 7u + (k >> 8));
    if (len >= 4) memcpy(out, &i, 4);
    return len;
}

struct rlc_log {
    uint32_t n;                    /* SDUs delivered */
    uint32_t id[RLC_LOG_MAX];      /* their numbers (first 4 bytes), the first RLC_LOG_MAX */
    uint32_t bad;                  /* SDUs whose bytes were not those of rlc_test_sdu(id) */
    size_t last_len;
    uint8_t last[70000];
};

static inline void rlc_log_deliver(void *ctx, const uint8_t *sdu, size_t len)
{
    struct rlc_log *l = ctx;
    uint32_t id = 0;
    if (len >= 4) memcpy(&id, sdu, 4);
    static uint8_t want[70000];
    if (len < 4 || len > sizeof want || rlc_test_sdu(id, len, want) != len || memcmp(want, sdu, len) != 0) l->bad++;
    if (l->n < RLC_LOG_MAX) l->id[l->n] = id;
    l->n++;
    l->last_len = len <= sizeof l->last ? len : 0;
    memcpy(l->last, sdu, l->last_len);
}

#endif
