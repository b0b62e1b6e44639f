/* gnbd logging: one small API with a level per layer.
 *
 * Output goes to stderr in a journald-friendly form ("<6>[phy] text" when started by systemd, which sets
 * JOURNAL_STREAM; a timestamped line otherwise) and optionally also to a file.
 *
 * Threading: log_write() may be called from any thread, including the slot path. Once log_start_thread()
 * has run, a call only formats into a preallocated record and pushes it onto a lock-free multi-producer queue
 * (no lock, no syscall, no malloc); a logger thread drains the queue. A full queue drops the record and counts
 * it (log_dropped()). Before log_start_thread() and after log_stop_thread(), writes are synchronous.
 * log_set_level() is an atomic store, safe from any thread. log_open_file() belongs to the main thread.
 * Library layers (phy, mac, rrc, rlc, pdcp) never log: they return results; gnb/ and drivers/ log.
 */
#ifndef GNBD_LOG_H
#define GNBD_LOG_H

#include <stdint.h>

enum log_layer { LOG_RADIO, LOG_PHY, LOG_MAC, LOG_RRC, LOG_CTRL, LOG_GNB, LOG_NGAP, LOG_LAYER_COUNT };
enum log_level { LOG_LEVEL_NONE, LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG,
                 LOG_LEVEL_COUNT };

/* Names as used in the config file and on the control socket ("radio", "phy", ...; "none", "error", ...). */
const char *log_layer_name(enum log_layer layer);
const char *log_level_name(enum log_level level);
int log_layer_from_name(const char *name);   /* -1 when unknown */
int log_level_from_name(const char *name);   /* -1 when unknown */

void log_set_level(enum log_layer layer, enum log_level level);
enum log_level log_get_level(enum log_layer layer);
static inline int log_enabled(enum log_layer layer, enum log_level level) { return level <= log_get_level(layer); }

/* Also write to `path` (appending); NULL or "" closes the file. Used at start and on SIGHUP (reopen). */
int log_open_file(const char *path);

int log_start_thread(void);
void log_stop_thread(void);   /* drains the queue first */
uint64_t log_dropped(void);

void log_write(enum log_layer layer, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(layer, ...) log_write((layer), LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(layer, ...)  log_write((layer), LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(layer, ...)  log_write((layer), LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(layer, ...) do { if (log_enabled((layer), LOG_LEVEL_DEBUG)) \
                                      log_write((layer), LOG_LEVEL_DEBUG, __VA_ARGS__); } while (0)

#endif
