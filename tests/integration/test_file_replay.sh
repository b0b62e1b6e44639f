#!/usr/bin/env bash
# The file radio: gnbd replays a recorded UL file (peer-clocked, no real-time pacing), writes its DL to a file
# with a SigMF-style sidecar, and stops by itself at the end of the recording. The run is deterministic: the
# same input gives byte-identical DL across runs and across thread mappings (single-threaded vs one thread per
# layer), and the DL holds exactly one slot per UL slot plus the k primed slots.
source "$(dirname "$0")/lib.sh"
RATE=11520000
SLOTS=500
# 0.5 s of UL: a deterministic pseudo-random fc32 recording.
python3 - "$TMP/ul.fc32" $((RATE / 1000 * SLOTS)) <<'PY'
import struct, sys, random
random.seed(7)
n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<%df" % (2 * n), *[random.uniform(-0.1, 0.1) for _ in range(2 * n)]))
PY

run() { # name mapping
  write_config "$TMP/$1.conf" "device = \"file\"; args = \"rx_file=$TMP/ul.fc32,tx_file=$TMP/$1.fc32\"; sample_rate = $RATE.0;" "$2"
  local t0=$(date +%s%N)
  timeout 60 "$GNBD" -c "$TMP/$1.conf" 2>"$TMP/$1.log"; local rc=$?
  grep -o "pipeline stopped.*" "$TMP/$1.log" | sed "s/^/  /"
  echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$TMP/$1.ms"
  echo "  $1 ($2): exit $rc in $(cat "$TMP/$1.ms") ms, DL file $(stat -c %s "$TMP/$1.fc32" 2>/dev/null) bytes"
  return $rc
}
check "replay 1 (per_layer) ends by itself with exit 0" run a per_layer
check "replay 2 (per_layer) ends by itself with exit 0" run b per_layer
check "replay 3 (single thread) ends by itself with exit 0" run c single
# Back-pressure in the single-thread mapping: PHY UL idles every other turn, so the UL slot ring fills; radio RX
# (peer-clocked) must not sleep on a ring its own thread drains (it used to, 100 ms each time).
GNBD_FAULT=slow_phy_ul check "replay 4 (single thread, PHY UL slowed) ends by itself with exit 0" run d single
full=$(sed -n 's/.*UL slot ring full \([0-9]*\) times (radio RX slept \([0-9]*\)).*/\1 \2/p' "$TMP/d.log")
check "replay 4: the UL slot ring filled (${full% *} times)" [ "${full% *}" -gt 0 ]
check "replay 4: radio RX never slept on its own thread's ring (${full#* } times)" [ "${full#* }" = 0 ]
check "replay 4: no 100 ms stalls ($(cat "$TMP/d.ms") ms for 500 slots; 470 stalls would take 47 s)" [ "$(cat "$TMP/d.ms")" -lt 15000 ]
check "replay 4: DL byte-identical to the others" cmp -s "$TMP/a.fc32" "$TMP/d.fc32"
check "the DL of two runs is byte-identical" cmp -s "$TMP/a.fc32" "$TMP/b.fc32"
check "single-threaded and per-layer DL are byte-identical" cmp -s "$TMP/a.fc32" "$TMP/c.fc32"
expect=$(( (SLOTS + 2) * RATE / 1000 * 8 ))
size=$(stat -c %s "$TMP/a.fc32" 2>/dev/null || echo 0)
check "DL holds the $SLOTS replayed slots plus k=2 primed slots ($expect bytes, got $size)" [ "$size" -eq "$expect" ]
check "the DL is not all zeros (SSBs on air)" python3 -c "
import sys; d = open('$TMP/a.fc32','rb').read(); sys.exit(0 if d.count(0) < len(d) else 1)"
check "SigMF sidecar written with the sample rate" grep -q '"core:sample_rate"' "$TMP/a.fc32.sigmf-meta"
check "gnbd logged the end of the stream" grep -q "stream ended" "$TMP/a.log"
finish
