/* A pool of transport-block buffers handed between two stages by index, so that variable-size TBs never travel
 * inside ring messages and nothing is allocated on the slot path: the producing stage takes a free buffer
 * (busy 0 -> 1), fills it and sends its index in a ring message; the consuming stage hands it back (1 -> 0) once
 * done, stale or not. The MAC fills DL TBs for PHY DL this way; PHY UL gives decoded UL TBs to the MAC.
 *
 * Threading: tb_pool_take by the producing thread only; tb_pool_give_back by the consuming thread; the flags are
 * atomics (acquire/release), so the buffer's bytes are visible to the consumer before it reads the index from its
 * ring. init/free on the main thread.
 */
#ifndef GNBD_MAC_TB_POOL_H
#define GNBD_MAC_TB_POOL_H

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct tb_pool {
    uint8_t *buf;
    _Atomic uint8_t *busy;
    size_t size;       /* bytes per buffer */
    int n, next;
};

static inline int tb_pool_init(struct tb_pool *p, int n, size_t size)
{
    p->n = n;
    p->size = size;
    p->next = 0;
    p->buf = malloc((size_t)n * size);
    p->busy = calloc((size_t)n, sizeof *p->busy);
    return p->buf && p->busy ? 0 : -ENOMEM;
}

static inline void tb_pool_free(struct tb_pool *p)
{
    free(p->buf);
    free((void *)p->busy);
    p->buf = NULL;
    p->busy = NULL;
    p->n = 0;
}

/* A free buffer (its index in *index), or NULL when the consumer still holds every one. */
static inline uint8_t *tb_pool_take(struct tb_pool *p, int *index)
{
    for (int k = 0; k < p->n; k++) {
        int i = (p->next + k) % p->n;
        if (atomic_load_explicit(&p->busy[i], memory_order_acquire)) continue;
        atomic_store_explicit(&p->busy[i], 1, memory_order_relaxed);
        p->next = (i + 1) % p->n;
        *index = i;
        return p->buf + (size_t)i * p->size;
    }
    return NULL;
}

static inline uint8_t *tb_pool_at(const struct tb_pool *p, int index)
{
    return index >= 0 && index < p->n ? p->buf + (size_t)index * p->size : NULL;
}

static inline void tb_pool_give_back(struct tb_pool *p, int index)
{
    if (index >= 0 && index < p->n) atomic_store_explicit(&p->busy[index], 0, memory_order_release);
}

#endif
