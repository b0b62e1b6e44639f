#!/usr/bin/env bash
# gnbd's CPU share in an idle cell on the null radio (issue 13's way: CPU seconds of the gnbd process, utime +
# stime from /proc/PID/stat, over a fixed stream time; the null radio is wall-clocked, so stream time is wall
# time). Prints one line per run and the median.
#
#   scripts/measure-idle-cpu.sh [--prb 25|52|106] [--seconds S] [--runs N] [--mapping compact|per_layer|single]
#
# Each run starts gnbd, waits 3 s (start-up, tables), then counts S seconds (default 10). The machine's load
# average is printed with each run: on a shared machine read the figures with it.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PRB=52; SECS=10; RUNS=3; MAPPING=""
while [ $# -gt 0 ]; do
  case $1 in
    --prb) PRB=$2; shift 2;;
    --seconds) SECS=$2; shift 2;;
    --runs) RUNS=$2; shift 2;;
    --mapping) MAPPING=$2; shift 2;;
    *) echo "usage: $0 [--prb 25|52|106] [--seconds S] [--runs N] [--mapping compact|per_layer|single]" >&2; exit 2;;
  esac
done
case $PRB in 25) BW=5; C0=0;; 52) BW=10; C0=6;; 106) BW=20; C0=12;; *) echo "--prb must be 25, 52 or 106" >&2; exit 2;; esac
DIR=$(mktemp -d /tmp/gnbd-idle.XXXXXX)
GPID=""
cleanup() { [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT
cat > "$DIR/gnbd.conf" <<CONF
cell: { pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = $BW; scs_khz = 15;
        mcc = "001"; mnc = "01"; tac = 7; coreset0_index = $C0; searchspace0_index = 0; };
radio: { device = "null"; };
control: { endpoint = "ipc://$DIR/ctl.sock"; };
log: { level = "info"; };
$([ -n "$MAPPING" ] && echo "threads: { mapping = \"$MAPPING\"; };")
CONF
cpu() { awk '{print ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
results=()
for run in $(seq "$RUNS"); do
  "$BUILD/gnbd" -c "$DIR/gnbd.conf" > "$DIR/gnbd.log" 2>&1 &
  GPID=$!
  sleep 3
  kill -0 "$GPID" 2>/dev/null || { cat "$DIR/gnbd.log"; exit 1; }
  c0=$(cpu "$GPID"); t0=$(date +%s.%N)
  sleep "$SECS"
  c1=$(cpu "$GPID"); t1=$(date +%s.%N)
  load=$(cut -d' ' -f1 /proc/loadavg)
  kill -TERM "$GPID"; wait "$GPID"; GPID=""
  pct=$(python3 -c "print(f'{100 * ($c1 - $c0) / ($t1 - $t0):.1f}')")
  echo "run $run: null radio $PRB PRB: $(python3 -c "print(f'{$c1 - $c0:.2f}')") CPU s over $SECS s = $pct % of one core (load $load)"
  results+=("$pct")
done
python3 -c 'import statistics, sys; print(f"median: {statistics.median(map(float, sys.argv[1:])):.1f} % of one core")' "${results[@]}"
