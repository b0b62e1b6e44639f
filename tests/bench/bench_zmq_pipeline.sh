#!/usr/bin/env bash
# Benchmark: sustained slots per second of gnbd's pipeline over the ZeroMQ radio, lock-step with the C test
# peer (no real-time pacing on either side), at 11.52 and 23.04 Msps (52 and 106 PRB), for each thread mapping.
# Prints slots/s and the real-time factor (1.0 = exactly real time). Figures only; never fails on speed.
set -u
source "$(dirname "$0")/../integration/lib.sh"
PEER="$ROOT/$BUILD/tools/zmq_peer"
SECONDS_STREAM=${BENCH_SECONDS:-5}
EP="ipc://$TMP/ctl.sock"
printf '%-10s %-9s %-6s %12s %10s %14s\n' rate mapping PRB slots/s rt-factor gnbd-cpu-s
for spec in "11.52e6 10 52" "23.04e6 20 106"; do
  set -- $spec; rate=$1; bw=$2; prb=$3
  for mapping in per_layer compact single; do
    ports=$(free_ports); DL=${ports% *}; UL=${ports#* }
    cat > "$TMP/b.conf" <<CONF
cell: { pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = $bw; scs_khz = 15; mcc = "001"; mnc = "01";
        coreset0_index = $([ $prb = 106 ] && echo 12 || echo 6); };
radio: { device = "zmq"; args = "tx_port=tcp://127.0.0.1:$DL,rx_port=tcp://127.0.0.1:$UL,base_srate=$rate"; };
control: { endpoint = "$EP"; };
threads: { mapping = "$mapping"; };
log: { level = "warning"; };
CONF
    "$GNBD" -c "$TMP/b.conf" 2>/dev/null & gpid=$!
    wait_ready "$EP" 5 || { echo "gnbd did not start"; kill $gpid; continue; }
    t0=$(date +%s.%N)
    "$PEER" --tx "tcp://127.0.0.1:$UL" --rx "tcp://127.0.0.1:$DL" --rate "$rate" --slot $(python3 -c "print(int($rate/1000))") \
      --seconds "$SECONDS_STREAM" >/dev/null 2>&1
    t1=$(date +%s.%N)
    cpu=$("$GNBCTL" -s "$EP" raw '{"cmd":"metrics"}' | python3 -c 'import json,sys; print("%.2f" % sum(json.load(sys.stdin)["threads_cpu_s"].values()))')
    kill -TERM $gpid; wait $gpid
    awk -v a="$t0" -v b="$t1" -v s="$SECONDS_STREAM" -v r="$rate" -v m="$mapping" -v p="$prb" -v c="$cpu" \
      'BEGIN { w = b - a; printf "%-10s %-9s %-6s %12.0f %10.2f %14s\n", r, m, p, s * 1000 / w, s / w, c }'
  done
done
