/* The MAC pcap writer: MAC PDUs from the slot path to a pcap file, through a lock-free ring and a thread of its
 * own (docs/ARCHITECTURE.md §1.11).
 *
 * The MAC stage calls pcap_writer_put() for each MAC PDU it sends or decodes; that formats one complete pcap
 * record (mac/mac_pcap.h: Wireshark's mac-nr UDP framing) straight into a slot of a single-producer
 * single-consumer ring (gnb/ring.h) and publishes it. The writer thread polls the ring every
 * PCAP_WRITER_POLL_MS and appends what it finds with mac_pcap_file_write(), flushing the file whenever the ring
 * is empty. A full ring, or a PDU longer than the ring's slots, drops the record and counts it
 * (pcap_writer_stats.dropped): the slot path never waits, never allocates, makes no system call (the writer
 * polls instead of sleeping on the ring's futex, so a commit never has a sleeper to wake) and does no file I/O.
 * pcap_writer_close() stops the thread after it has written everything queued, then flushes and closes the file.
 * pcap_writer_reopen() (SIGHUP, for log rotation) asks the thread to close the file after what is queued and
 * create it again under the same path, with a new pcap header.
 *
 * Threading: pcap_writer_open/start/close on the main thread (open and start before the producer runs, close
 * after it has stopped); pcap_writer_put() on one producer thread (the MAC stage); pcap_writer_reopen() and the
 * counters from any thread.
 */
#ifndef GNBD_PCAP_WRITER_H
#define GNBD_PCAP_WRITER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gnb/ring.h"
#include "mac/mac_pcap.h"

#define PCAP_WRITER_POLL_MS 10

struct pcap_writer_stats {
    _Atomic uint64_t queued;    /* records put on the ring */
    _Atomic uint64_t dropped;   /* records lost: ring full, PDU too long for a slot, or not formattable */
    _Atomic uint64_t written;   /* records appended to the file */
    _Atomic uint64_t errors;    /* failed writes, failed reopens */
    _Atomic uint64_t reopens;   /* files created again by pcap_writer_reopen() */
};

struct pcap_writer {
    bool open;                  /* a file is open (pcap_writer_open succeeded) */
    struct ring ring;           /* elements: uint32_t length + one record of up to max_pdu bytes of PDU */
    size_t max_pdu;
    char path[256];
    struct mac_pcap_file file;
    pthread_t tid;
    bool running;
    _Atomic int stop;
    _Atomic int reopen;         /* pcap_writer_reopen() asked, the thread has not done it yet */
    struct pcap_writer_stats stats;
};

/* Creates the file (truncating it) and the ring: `capacity` records (a power of two) of PDUs up to max_pdu
 * bytes. 0, or a negative errno with a message in err. A zeroed writer that was never opened is "off": put
 * drops nothing and counts nothing, close does nothing. */
int pcap_writer_open(struct pcap_writer *w, const char *path, size_t max_pdu, size_t capacity, char *err,
                     size_t errlen);
/* Starts the writer thread. 0 or a negative errno. */
int pcap_writer_start(struct pcap_writer *w);
/* Producer: one MAC PDU. Returns true when queued, false when dropped (counted) or the writer is off. */
bool pcap_writer_put(struct pcap_writer *w, const struct mac_pcap_info *info, const uint8_t *pdu, size_t len);
/* Asks the writer thread to close the file and create it again (SIGHUP). Without a thread, does it at once.
 * Does nothing when the writer is off. */
void pcap_writer_reopen(struct pcap_writer *w);
/* Stops the thread (after it has written what is queued; without a thread, writes it here), flushes, closes,
 * frees the ring. Safe to call twice. 0, or -EIO when a write or the close failed. */
int pcap_writer_close(struct pcap_writer *w);

#endif
