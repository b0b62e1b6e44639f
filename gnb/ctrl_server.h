/* Control socket: a ZeroMQ REP socket served by its own thread, answering each request with ctrl_handle().
 *
 * The endpoint is tcp://HOST:PORT or ipc://PATH (ipc://@NAME for a Linux abstract socket). Messages over
 * CTRL_SERVER_MAX_MSG bytes are dropped by ZeroMQ itself (ZMQ_MAXMSGSIZE; the client just times out);
 * anything smaller gets exactly one reply. A multipart request gets an error reply. The thread also calls the
 * handler's optional tick() about every CTRL_SERVER_TICK_MS (gnbd runs the watchdog decision there), also
 * while requests keep arriving. Wire format and commands: gnb/ctrl.h, docs/ARCHITECTURE.md §1.7.
 *
 * Threading: ctrl_server_start() and ctrl_server_stop() belong to one thread (gnbd's main thread). The
 * callbacks run on the server thread, one at a time. The server thread and ZeroMQ's I/O thread are created
 * with every signal blocked (signals are taken in main). The counters may be read from any thread.
 * Everything is allocated in ctrl_server_start(); serving a request allocates only inside cJSON/ZeroMQ.
 */
#ifndef GNBD_CTRL_SERVER_H
#define GNBD_CTRL_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gnb/ctrl.h"

#define CTRL_SERVER_MAX_MSG  (1 << 20) /* ZMQ_MAXMSGSIZE, bytes; also the reply buffer size */
#define CTRL_SERVER_TICK_MS  100       /* poll timeout and tick() period */
#define CTRL_SERVER_CLOSE_LINGER_MS 100 /* at close only: lets the last reply (e.g. to shutdown) leave */

struct ctrl_server {
    struct ctrl_handler handler;  /* a copy: the caller's struct need not outlive start() */
    char endpoint[256];
    void *zmq_ctx, *sock;
    char *reply;                  /* CTRL_SERVER_MAX_MSG bytes */
    pthread_t thread;
    bool running;
    atomic_bool stop;
    _Atomic uint64_t requests;    /* requests answered */
    _Atomic uint64_t errors;      /* of which answered "ok": false */
    _Atomic uint64_t ticks;       /* tick() calls */
};

/* Bind `endpoint` and start the server thread. On failure returns a negative errno code with a one-line
 * reason naming the endpoint in err (e.g. "cannot bind control socket to tcp://127.0.0.1:5555: Address
 * already in use"); nothing is left running. */
int ctrl_server_start(struct ctrl_server *s, const char *endpoint, const struct ctrl_handler *h, char *err,
                      size_t errlen);

/* Stop the thread (within about CTRL_SERVER_TICK_MS), close the socket and free everything. Safe on a server
 * that failed to start or was already stopped. */
void ctrl_server_stop(struct ctrl_server *s);

#endif
