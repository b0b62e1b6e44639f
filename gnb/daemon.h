/* The gnbd daemon: wires config, radio, pipeline, control socket, logging and systemd together and runs until
 * SIGTERM/SIGINT or a "shutdown" control command.
 *
 * Signals are blocked in every thread (the mask is set before any thread starts) and taken in the main thread
 * with signalfd: SIGTERM/SIGINT stop everything and gnbd_run returns 0; SIGHUP re-reads the config file and
 * re-applies log levels and reopens the log file (nothing else changes on SIGHUP). SIGPIPE is ignored.
 * systemd: READY=1 once the radio streams or waits for its peer, STATUS= lines on changes, STOPPING=1 at
 * shutdown, WATCHDOG=1 from the control thread while every stage's progress (slot clock) advances (or the radio waits for a
 * peer).
 */
#ifndef GNBD_DAEMON_H
#define GNBD_DAEMON_H

#include "gnb/config.h"

/* Run the daemon with a validated configuration. Returns the process exit status. */
int gnbd_run(const struct gnbd_config *cfg);

#endif
