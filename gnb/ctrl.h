/* Control requests: the pure handler behind gnbd's control socket (no sockets here, see gnb/ctrl_server.h).
 *
 * A request is one JSON object with a string "cmd"; the reply is one JSON object with "ok": true plus the
 * command's fields, or "ok": false and "error": "<text a person can act on>". Commands:
 *   status, metrics, config, ues   -> the daemon's callback adds its fields to the reply object
 *                                     (config: the effective config text under "config")
 *   shutdown                       -> the daemon's callback asks the daemon to stop; the reply still goes out
 *   log_level [layer [level]]      -> handled here with gnb/log.h; the reply's "levels" object maps each layer
 *                                     concerned to its (new) level name; layer may be "all"
 * Unknown fields in a request are refused rather than ignored, so a misspelt argument never silently does
 * nothing. Requests are untrusted operator input: every byte sequence up to any length gets a reply (requests
 * over CTRL_REQUEST_MAX bytes, NUL bytes, malformed or deeply nested JSON are all answered with an error).
 * No 3GPP clause applies; the wire format is ours (docs/ARCHITECTURE.md §1.7).
 *
 * Threading: ctrl_handle() keeps no state of its own; it runs on whichever thread calls it (the control
 * thread in gnbd) and calls the callbacks on that thread. log_level changes are atomic stores (gnb/log.h).
 * It allocates (cJSON) and must not be called from the slot path.
 */
#ifndef GNBD_CTRL_H
#define GNBD_CTRL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define CTRL_REQUEST_MAX 65536  /* bytes; larger requests are refused unparsed */
#define CTRL_REPLY_MIN   64     /* a reply buffer this big always holds at least an error reply */

/* Callbacks supplied by the daemon. Each gets the reply object (already holding "ok": true) and adds its
 * fields; it returns 0, or a negative errno code, which turns the reply into "<cmd> failed: <strerror>".
 * A NULL callback makes its command answer "<cmd>: not available". */
struct ctrl_handler {
    int (*status)(cJSON *out, void *ctx);
    int (*metrics)(cJSON *out, void *ctx);
    int (*config)(cJSON *out, void *ctx);
    int (*ues)(cJSON *out, void *ctx);
    int (*shutdown)(void *ctx);
    /* Not used by ctrl_handle(): ctrl_server calls it about every 100 ms from its thread (e.g. the
     * watchdog decision, gnb/notify.h). May be NULL. */
    void (*tick)(void *ctx);
    void *ctx;
};

/* Answer the request req[0..len) (len is authoritative: no terminator needed, NUL bytes are refused) into
 * reply (NUL-terminated JSON). Returns the reply length (< cap), or -EINVAL when cap < CTRL_REPLY_MIN or
 * an argument is NULL. A reply that would not fit cap is replaced by an error reply that does. */
int ctrl_handle(const struct ctrl_handler *h, const char *req, size_t len, char *reply, size_t cap);

/* The command names, NULL-terminated (for help texts). */
extern const char *const ctrl_commands[];

#endif
