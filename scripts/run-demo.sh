#!/usr/bin/env bash
# `make run`: start gnbd on conf/gnbd.conf (or $GNBD_CONF), attach the UE simulator over the ZeroMQ radio
# (when the config's radio is zmq), show what the UE found and gnbd's status and metrics, then keep gnbd running
# in the foreground until Ctrl-C (or for $RUN_SECONDS seconds when set) and stop it cleanly.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CONF=${GNBD_CONF:-conf/gnbd.conf}

cc=$("$BUILD/gnbd" --check-config "$CONF" 2>&1) || { echo "$cc" >&2; exit 78; }
EP=$(sed -n 's/^[[:space:]]*endpoint[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$cc" | head -1)
EP=${EP:-tcp://127.0.0.1:5555}
device=$(sed -n 's/^[[:space:]]*device[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$cc" | head -1)
args=$(sed -n 's/^[[:space:]]*args[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' <<<"$cc" | head -1)

"$BUILD/gnbd" -c "$CONF" &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit $?; }
trap stop INT TERM
for _ in $(seq 50); do
  "$BUILD/gnbctl" -s "$EP" -t 200 status >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit $?; }
  sleep 0.1
done

if [ "$device" = zmq ] && [ -x "$BUILD/uesim" ]; then
  # The UE simulator plays srsUE's part: it knows only what srsUE's config would tell it.
  val() { sed -n "s/.*srsUE:.*[] ]$1 = \([0-9.e+]*\).*/\1/p" <<<"$cc"; }
  dl=$(sed -n 's/.*tx_port=\([^,]*\).*/\1/p' <<<"$args"); ul=$(sed -n 's/.*rx_port=\([^,]*\).*/\1/p' <<<"$args")
  echo "---- UE simulator (srsUE settings from gnbd --check-config: ssb_nr_arfcn $(val ssb_nr_arfcn), nof_prb $(val nof_prb))"
  "$BUILD/uesim" --dl-arfcn "$(val dl_nr_arfcn)" --ssb-arfcn "$(val ssb_nr_arfcn)" --nof-prb "$(val nof_prb)" \
    --srate "$(val srate)" --tx "$ul" --rx "$dl" --seconds 2 --timeout 20 --attach 1
fi
echo "---- gnbctl status"
"$BUILD/gnbctl" -s "$EP" status
echo "---- gnbctl ues"
"$BUILD/gnbctl" -s "$EP" ues
echo "---- gnbctl metrics"
"$BUILD/gnbctl" -s "$EP" metrics | grep -E '^(uptime|slots\.|radio\.(state|epochs|rx_samples|tx_samples))'
echo "----"
echo "gnbd is running (pid $pid, control $EP). Try: $BUILD/gnbctl metrics"
if [ "$device" = zmq ]; then
  # srsUE's configuration for this cell: shipped in conf/srsue/ for the shipped cells, else printed by gnbd.
  ue_conf="conf/srsue/$(basename "$CONF")"
  if [ -f "$ue_conf" ] && "$BUILD/gnbd" --srsue-config "$CONF" 2>/dev/null | cmp -s - "$ue_conf"; then
    echo "Attach srsUE (built separately; keep its stdin open): srsue $ue_conf"
  else
    echo "Attach srsUE (built separately; keep its stdin open): $BUILD/gnbd --srsue-config $CONF > ue.conf; srsue ue.conf"
  fi
fi
echo "Ctrl-C stops it."
if [ -n "${RUN_SECONDS:-}" ]; then
  sleep "$RUN_SECONDS"
  stop
fi
wait "$pid"
