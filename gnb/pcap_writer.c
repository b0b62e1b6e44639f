/* The MAC pcap writer: ring producer on the slot path, file writer thread (see pcap_writer.h). */
#include "gnb/pcap_writer.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A ring element: the record's length, then the record. */
struct pcap_slot {
    uint32_t len;
    uint8_t rec[];
};

static void count(_Atomic uint64_t *c) { atomic_fetch_add_explicit(c, 1, memory_order_relaxed); }

int pcap_writer_open(struct pcap_writer *w, const char *path, size_t max_pdu, size_t capacity, char *err,
                     size_t errlen)
{
    memset(w, 0, sizeof *w);
    if (max_pdu == 0 || max_pdu > MAC_PCAP_MAX_PDU) {
        snprintf(err, errlen, "pcap: PDU size %zu out of range (1..%d)", max_pdu, MAC_PCAP_MAX_PDU);
        return -EINVAL;
    }
    int rc = ring_init(&w->ring, sizeof(struct pcap_slot) + mac_pcap_record_len(max_pdu), capacity);
    if (rc < 0) {
        snprintf(err, errlen, "pcap: cannot allocate a ring of %zu records of %zu bytes", capacity,
                 mac_pcap_record_len(max_pdu));
        return rc;
    }
    if (strlen(path) >= sizeof w->path) {
        snprintf(err, errlen, "pcap: path too long: %s", path);
        ring_free(&w->ring);
        return -ENAMETOOLONG;
    }
    snprintf(w->path, sizeof w->path, "%s", path);
    rc = mac_pcap_file_open(&w->file, path);
    if (rc < 0) {
        snprintf(err, errlen, "pcap: cannot create %s: %s", path, strerror(-rc));
        ring_free(&w->ring);
        return rc;
    }
    w->max_pdu = max_pdu;
    w->open = true;
    return 0;
}

bool pcap_writer_put(struct pcap_writer *w, const struct mac_pcap_info *info, const uint8_t *pdu, size_t len)
{
    if (!w->open) return false;
    struct pcap_slot *s = len <= w->max_pdu ? ring_reserve(&w->ring) : NULL;
    int n = s ? mac_pcap_format(info, pdu, len, s->rec, mac_pcap_record_len(w->max_pdu)) : -ENOSPC;
    if (n < 0) {
        count(&w->stats.dropped);
        return false;
    }
    s->len = (uint32_t)n;
    ring_commit(&w->ring);
    count(&w->stats.queued);
    return true;
}

/* Writes every record queued now; returns how many. */
static int drain(struct pcap_writer *w)
{
    int n = 0;
    const struct pcap_slot *s;
    while ((s = ring_peek(&w->ring)) != NULL) {
        if (mac_pcap_file_write(&w->file, s->rec, s->len) == 0)
            count(&w->stats.written);
        else
            count(&w->stats.errors);
        ring_release(&w->ring);
        n++;
    }
    return n;
}

/* Close after what is queued, create again (a rotated file's successor). */
static void reopen_file(struct pcap_writer *w)
{
    drain(w);
    if (mac_pcap_file_close(&w->file) < 0 || mac_pcap_file_open(&w->file, w->path) < 0 || fflush(w->file.f) != 0)
        count(&w->stats.errors); /* records keep being counted as errors until a later reopen works */
    else
        count(&w->stats.reopens);
}

void pcap_writer_reopen(struct pcap_writer *w)
{
    if (!w->open) return;
    if (w->running)
        atomic_store_explicit(&w->reopen, 1, memory_order_release);
    else
        reopen_file(w);
}

static void *writer_main(void *arg)
{
    struct pcap_writer *w = arg;
    pthread_setname_np(pthread_self(), "gnb-pcap");
    const struct timespec poll = {0, PCAP_WRITER_POLL_MS * 1000000L};
    while (!atomic_load_explicit(&w->stop, memory_order_acquire)) {
        if (atomic_exchange_explicit(&w->reopen, 0, memory_order_acq_rel)) reopen_file(w);
        if (drain(w) > 0 && w->file.f && fflush(w->file.f) != 0) count(&w->stats.errors);
        nanosleep(&poll, NULL);
    }
    drain(w); /* the producer has stopped: whatever it queued last */
    return NULL;
}

int pcap_writer_start(struct pcap_writer *w)
{
    if (!w->open || w->running) return 0;
    int rc = pthread_create(&w->tid, NULL, writer_main, w);
    if (rc) return -rc;
    w->running = true;
    return 0;
}

int pcap_writer_close(struct pcap_writer *w)
{
    if (!w->open) return 0;
    if (w->running) {
        atomic_store_explicit(&w->stop, 1, memory_order_release);
        pthread_join(w->tid, NULL);
        w->running = false;
    } else {
        drain(w);
    }
    int rc = mac_pcap_file_close(&w->file);
    ring_free(&w->ring);
    w->open = false;
    return rc < 0 || atomic_load(&w->stats.errors) ? -EIO : 0;
}
