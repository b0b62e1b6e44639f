/* Check assertions over tshark's decoding (tshark.h): EXPECT_INT / EXPECT_NAME / EXPECT_COUNT / EXPECT_BITS
 * compare one field, found by a path suffix and occurrence, with the value a test encoded, and fail with the
 * field's path and both values. */
#ifndef GNBD_TESTS_TSHARK_CHECK_H
#define GNBD_TESTS_TSHARK_CHECK_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>

#include "tshark.h"

static char why[1024];
#define EXPECT_INT(pkt, path, occ, v) ck_assert_msg(tshark_is_int(pkt, path, occ, (long)(v), why, sizeof why), "%s", why)
#define EXPECT_NAME(pkt, path, occ, ...)                                                                     \
    do {                                                                                                     \
        char name_[64];                                                                                      \
        snprintf(name_, sizeof name_, __VA_ARGS__);                                                          \
        ck_assert_msg(tshark_is_name(pkt, path, occ, name_, why, sizeof why), "%s", why);                    \
    } while (0)
#define EXPECT_COUNT(pkt, path, n) ck_assert_msg(tshark_is_count(pkt, path, n, why, sizeof why), "%s", why)
#define EXPECT_BITS(pkt, path, occ, nbits, v)                                                                \
    do {                                                                                                     \
        int o_ = (occ);                                                                                      \
        uint64_t got_ = tshark_bits(pkt, path, o_, nbits), want_ = (uint64_t)(v);                            \
        ck_assert_msg(got_ == want_, "%s[%d]: tshark 0x%llx, expected 0x%llx", path, o_,                      \
                      (unsigned long long)got_, (unsigned long long)want_);                                   \
    } while (0)

/* ---- tshark's reading compared with the struct, field by field ------------------------------------------ */

#endif
