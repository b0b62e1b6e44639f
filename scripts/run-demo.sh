#!/usr/bin/env bash
# `make run`: start gnbd on conf/gnbd.conf (or $GNBD_CONF), show its status, keep it running in the foreground
# until Ctrl-C (or for $RUN_SECONDS seconds when set), then stop it cleanly.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CONF=${GNBD_CONF:-conf/gnbd.conf}
EP=$(sed -n 's/^[[:space:]]*endpoint[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$CONF" | head -1)
EP=${EP:-tcp://127.0.0.1:5555}

"$BUILD/gnbd" --check-config "$CONF" >/dev/null || exit $?
"$BUILD/gnbd" -c "$CONF" &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit $?; }
trap stop INT TERM

for _ in $(seq 50); do
  "$BUILD/gnbctl" -s "$EP" -t 200 status >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit $?; }
  sleep 0.1
done
echo "---- gnbctl status"
"$BUILD/gnbctl" -s "$EP" status
sleep 1
echo "---- gnbctl metrics (after 1 s)"
"$BUILD/gnbctl" -s "$EP" metrics
echo "----"
echo "gnbd is running (pid $pid, control $EP). Try: $BUILD/gnbctl metrics. Ctrl-C stops it."
if [ -n "${RUN_SECONDS:-}" ]; then
  sleep "$RUN_SECONDS"
  stop
fi
wait "$pid"
