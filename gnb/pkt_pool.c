/* Packet buffer pool (see pkt_pool.h). */
#include "gnb/pkt_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pkt_pool_init(struct pkt_pool *p, uint32_t count, uint32_t buf_size)
{
    memset(p, 0, sizeof *p);
    if (count < 1 || count > (1u << 24) || buf_size < 64 || buf_size > 65536) return -EINVAL;
    p->mem = aligned_alloc(64, (size_t)count * buf_size);
    p->next = calloc(count, sizeof *p->next);
    if (!p->mem || !p->next) {
        pkt_pool_free(p);
        return -ENOMEM;
    }
    memset(p->mem, 0, (size_t)count * buf_size); /* touch every page now, not on the first packets */
    p->count = count;
    p->buf_size = buf_size;
    /* Stack: buffer 0 on top, then 1, 2, ... */
    for (uint32_t i = 0; i < count; i++) atomic_init(&p->next[i], i + 1 < count ? i + 2 : 0);
    atomic_init(&p->head, 1);
    atomic_init(&p->free_count, count);
    atomic_init(&p->low_water, count);
    return 0;
}

void pkt_pool_free(struct pkt_pool *p)
{
    free(p->mem);
    free((void *)p->next);
    p->mem = NULL;
    p->next = NULL;
    p->count = 0;
}

int32_t pkt_pool_get(struct pkt_pool *p)
{
    uint64_t old = atomic_load_explicit(&p->head, memory_order_acquire);
    for (;;) {
        uint32_t top = (uint32_t)old;
        if (top == 0) {
            atomic_fetch_add_explicit(&p->exhausted, 1, memory_order_relaxed);
            return -ENOBUFS;
        }
        /* May read a link another thread is rewriting (top was popped and pushed back meanwhile): then the tag
         * moved and the CAS below fails, so the stale value is never installed. */
        uint32_t below = atomic_load_explicit(&p->next[top - 1], memory_order_relaxed);
        uint64_t new_head = ((old >> 32) + 1) << 32 | below;
        if (atomic_compare_exchange_weak_explicit(&p->head, &old, new_head, memory_order_acquire,
                                                  memory_order_acquire)) {
            int64_t left = atomic_fetch_sub_explicit(&p->free_count, 1, memory_order_relaxed) - 1;
            if (left >= 0 && (uint64_t)left < atomic_load_explicit(&p->low_water, memory_order_relaxed))
                atomic_store_explicit(&p->low_water, (uint64_t)left, memory_order_relaxed);
            return (int32_t)(top - 1);
        }
    }
}

void pkt_pool_put(struct pkt_pool *p, uint32_t idx)
{
    if (idx >= p->count) return;
    uint64_t old = atomic_load_explicit(&p->head, memory_order_relaxed);
    for (;;) {
        atomic_store_explicit(&p->next[idx], (uint32_t)old, memory_order_relaxed);
        uint64_t new_head = ((old >> 32) + 1) << 32 | (idx + 1);
        if (atomic_compare_exchange_weak_explicit(&p->head, &old, new_head, memory_order_release,
                                                  memory_order_relaxed))
            break;
    }
    atomic_fetch_add_explicit(&p->free_count, 1, memory_order_relaxed);
}

uint32_t pkt_pool_available(const struct pkt_pool *p)
{
    int64_t n = atomic_load_explicit(&((struct pkt_pool *)p)->free_count, memory_order_relaxed);
    return n < 0 ? 0 : (uint32_t)n;
}

uint64_t pkt_pool_exhausted(const struct pkt_pool *p)
{
    return atomic_load_explicit(&((struct pkt_pool *)p)->exhausted, memory_order_relaxed);
}
