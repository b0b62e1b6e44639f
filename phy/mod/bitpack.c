/* Unpacked <-> packed MSB-first bits. See bitpack.h. */
#include "phy/mod/bitpack.h"

#include <errno.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "phy/cpu.h"

#define ONES 0x0101010101010101ull

bool bitpack_has_avx2(void)
{
    return phy_cpu_has_avx2();
}

enum bitpack_impl bitpack_auto_impl(void)
{
    return bitpack_has_avx2() ? BITPACK_IMPL_AVX2 : BITPACK_IMPL_C;
}

/* The last n % 8 bits (n counted from bits), into a byte with zeros below. */
static uint8_t pack_tail(const uint8_t *bits, size_t n)
{
    uint8_t last = 0;
    for (size_t i = 0; i < n; i++)
        last |= (uint8_t)((bits[i] & 1u) << (7 - i));
    return last;
}

static void pack_c(const uint8_t *bits, size_t n, uint8_t *bytes, size_t i)
{
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, bits + i, 8);
        /* Bit 0 of byte b (bit 8b) times 2^(63 - 9b) lands on bit 63 - b, bit 7 - b of the top byte; the other
         * products have distinct exponents, so nothing carries into it (little-endian load). */
        bytes[i / 8] = (uint8_t)(((v & ONES) * 0x8040201008040201ull) >> 56);
    }
    if (i < n)
        bytes[i / 8] = pack_tail(bits + i, n - i);
}

/* Unpacks whole bytes: bytes[0..nbytes) -> bits[0 .. 8 nbytes). */
static void unpack_c(const uint8_t *bytes, size_t nbytes, uint8_t *bits)
{
    for (size_t k = 0; k < nbytes; k++) {
        /* Byte x -> 8 bytes, MSB first: replicate, keep bit 7-b in byte b, then turn each non-zero byte into 1. */
        uint64_t v = ((uint64_t)bytes[k] * ONES) & 0x0102040810204080ull;
        v = ((v + 0x7f7f7f7f7f7f7f7full) >> 7) & ONES;
        memcpy(bits + 8 * k, &v, 8);
    }
}

#if defined(__x86_64__)
#define BITPACK_AVX2 __attribute__((target("avx2")))

/* 32 bytes -> 4 packed bytes: bit 0 of each byte to its top bit, bytes reversed within each group of 8 so that
 * the movemask's bit 7 of byte k is input byte 8k. */
BITPACK_AVX2 static void pack_avx2(const uint8_t *bits, size_t n, uint8_t *bytes)
{
    const __m256i rev8 = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8,
                                          7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(bits + i));
        uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_shuffle_epi8(_mm256_slli_epi16(v, 7), rev8));
        memcpy(bytes + i / 8, &m, 4);
    }
    pack_c(bits, n, bytes, i);
}

/* 4 bytes -> 32 bits: byte i/8 into lane byte i, keep bit 7 - i % 8, compare to make 0/1. */
BITPACK_AVX2 static void unpack_avx2(const uint8_t *bytes, size_t nbytes, uint8_t *bits)
{
    const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i mask = _mm256_set1_epi64x((long long)0x0102040810204080ull);
    const __m256i one = _mm256_set1_epi8(1);
    size_t k = 0;
    for (; k + 4 <= nbytes; k += 4) {
        uint32_t w;
        memcpy(&w, bytes + k, 4);
        __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)w), spread);
        v = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(v, mask), mask), one);
        _mm256_storeu_si256((__m256i *)(void *)(bits + 8 * k), v);
    }
    unpack_c(bytes + k, nbytes - k, bits + 8 * k);
}
#endif

static void unpack_any(bool avx2, const uint8_t *bytes, size_t bit0, size_t n, uint8_t *bits)
{
    size_t i = 0;
    /* Up to the next byte boundary bit by bit, then whole bytes, then the tail. */
    for (; i < n && (bit0 + i) % 8; i++)
        bits[i] = (uint8_t)((bytes[(bit0 + i) / 8] >> (7 - (bit0 + i) % 8)) & 1u);
    size_t nbytes = (n - i) / 8;
    const uint8_t *src = bytes + (bit0 + i) / 8;
#if defined(__x86_64__)
    if (avx2)
        unpack_avx2(src, nbytes, bits + i);
    else
#endif
        unpack_c(src, nbytes, bits + i);
    (void)avx2;
    for (i += 8 * nbytes; i < n; i++)
        bits[i] = (uint8_t)((bytes[(bit0 + i) / 8] >> (7 - (bit0 + i) % 8)) & 1u);
}

void bitpack_pack(const uint8_t *bits, size_t n, uint8_t *bytes)
{
#if defined(__x86_64__)
    if (bitpack_has_avx2()) {
        pack_avx2(bits, n, bytes);
        return;
    }
#endif
    pack_c(bits, n, bytes, 0);
}

void bitpack_unpack(const uint8_t *bytes, size_t bit0, size_t n, uint8_t *bits)
{
    unpack_any(bitpack_has_avx2(), bytes, bit0, n, bits);
}

static int impl_check(enum bitpack_impl *impl, bool bad_ptr)
{
    if (bad_ptr || *impl < BITPACK_IMPL_AUTO || *impl > BITPACK_IMPL_AVX2)
        return -EINVAL;
    if (*impl == BITPACK_IMPL_AUTO)
        *impl = bitpack_auto_impl();
    return *impl == BITPACK_IMPL_AVX2 && !bitpack_has_avx2() ? -ENOTSUP : 0;
}

int bitpack_pack_with(enum bitpack_impl impl, const uint8_t *bits, size_t n, uint8_t *bytes)
{
    int rc = impl_check(&impl, n && (!bits || !bytes));
    if (rc < 0)
        return rc;
#if defined(__x86_64__)
    if (impl == BITPACK_IMPL_AVX2) {
        pack_avx2(bits, n, bytes);
        return 0;
    }
#endif
    pack_c(bits, n, bytes, 0);
    return 0;
}

int bitpack_unpack_with(enum bitpack_impl impl, const uint8_t *bytes, size_t bit0, size_t n, uint8_t *bits)
{
    int rc = impl_check(&impl, n && (!bits || !bytes));
    if (rc == 0)
        unpack_any(impl == BITPACK_IMPL_AVX2, bytes, bit0, n, bits);
    return rc;
}
