#!/usr/bin/env bash
# The systemd watchdog counts slot progress, not loop turns: gnbd on the null radio with GNBD_FAULT=stall_mac (the
# MAC stage keeps spinning but stops consuming after 1000 slots) sends WATCHDOG=1 while the slot clock advances,
# then stops within the watchdog period and says why in STATUS=, while its threads still run (heartbeats move).
source "$(dirname "$0")/lib.sh"
EP="ipc://$TMP/ctl.sock"
write_config "$TMP/gnbd.conf"
# A fake systemd notify socket: every datagram with its arrival time (s since start).
python3 - "$TMP/notify.sock" "$TMP/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
t0 = time.time()
with open(sys.argv[2], "w") as f:
    while time.time() < t0 + 30:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        f.write("%.3f %s\n" % (time.time() - t0, msg.replace("\n", "|"))); f.flush()
        if "STOPPING=1" in msg:
            break
PY
PIDS+=($!)
for _ in $(seq 50); do [ -S "$TMP/notify.sock" ] && break; sleep 0.05; done
# WATCHDOG_USEC=400000: a ping is due every 200 ms.
GNBD_FAULT=stall_mac NOTIFY_SOCKET="$TMP/notify.sock" WATCHDOG_USEC=400000 "$GNBD" -c "$TMP/gnbd.conf" 2>"$TMP/gnbd.log" &
GPID=$!; PIDS+=($GPID)
check "gnbd answers status" wait_ready "$EP" 30
# The MAC schedules 1000 slots (1 s of the null radio's clock), then stalls.
for _ in $(seq 60); do
  [ "$(metric "$EP" mac.slots_scheduled)" -ge 1000 ] 2>/dev/null && break; sleep 0.1
done
sleep 1.5
hb1=$(metric "$EP" heartbeats.mac); pr1=$(metric "$EP" progress.mac); ul1=$(metric "$EP" slots.ul_processed)
t_stall=$(tail -1 "$TMP/notify.log" | cut -d' ' -f1)
sleep 1
hb2=$(metric "$EP" heartbeats.mac); pr2=$(metric "$EP" progress.mac); ul2=$(metric "$EP" slots.ul_processed)
echo "  mac heartbeats $hb1 -> $hb2, mac progress $pr1 -> $pr2, UL slots $ul1 -> $ul2"
check "the stalled MAC still loops (heartbeats move)" [ "$hb2" -gt "$hb1" ]
check "but consumes nothing (progress frozen)" [ "$pr2" -eq "$pr1" ]
check "and the slot clock stopped (no UL slot processed)" [ "$ul2" -eq "$ul1" ]
stop_and_wait $GPID TERM 5 >/dev/null; rc=$?
check "SIGTERM: clean exit" [ $rc -eq 0 ]
sleep 0.3
grep -o '^[0-9.]* .*WATCHDOG=1' "$TMP/notify.log" | cut -d' ' -f1 > "$TMP/pings"
grep 'STATUS=' "$TMP/notify.log" | sed 's/^/  notify: /' | cut -c1-160
n=$(wc -l < "$TMP/pings"); last=$(tail -1 "$TMP/pings"); stalled_at=$(grep -m1 'STATUS=.*stalled' "$TMP/notify.log" | cut -d' ' -f1)
echo "  $n pings, the last at ${last:-none} s; STATUS with 'stalled' at ${stalled_at:-never} s"
check "WATCHDOG=1 sent while the slot clock ran" [ "$n" -ge 3 ]
check "STATUS= names the stalled stage" grep -q 'STATUS=.*stage [a-z_]* stalled' "$TMP/notify.log"
check "no WATCHDOG=1 after the stall was reported" python3 -c "
import sys; sys.exit(0 if float('$last') <= float('${stalled_at:-0}') else 1)"
check "no WATCHDOG=1 in the last 2 s of the stall" python3 -c "
import sys; sys.exit(0 if float('$last') < float('$t_stall') + 0.5 else 1)"
check "the stall is logged" grep -q "watchdog: stage .* stalled" "$TMP/gnbd.log"
finish
