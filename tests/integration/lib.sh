# Helpers for gnbd's integration tests (sourced). Each test runs in its own temp dir and cleans up after itself.
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GNBD="$ROOT/$BUILD/gnbd"
GNBCTL="$ROOT/$BUILD/gnbctl"
TMP=$(mktemp -d /tmp/gnbd-it.XXXXXX)
PIDS=()
FAILS=0
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

ok()   { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; FAILS=$((FAILS+1)); }
check() { # description, command...
  local d=$1; shift
  if "$@"; then ok "$d"; else fail "$d"; fi
}
# Parameter sweeps under the sanitizers. The sanitizers look for memory errors and undefined behaviour, which
# the first and last case of a sweep (different bandwidths, numerologies, duplex modes) exercise as well as every
# case does; the normal build (`make check`) runs every case. scripts/run-tests.sh sets GNBD_SWEEP=short when
# SANITIZE is set, which keeps CI inside its time budget; GNBD_SWEEP=full forces every case.
sweep_cases() { # array-name: keeps the first and last element when GNBD_SWEEP=short
  local -n arr=$1
  [ "${GNBD_SWEEP:-full}" = short ] && [ ${#arr[@]} -gt 2 ] || return 0
  arr=("${arr[0]}" "${arr[-1]}")
  echo "# GNBD_SWEEP=short (sanitizer run): $1 cut to its first and last case"
}

finish() {
  if [ "$FAILS" -eq 0 ]; then echo "all checks passed"; exit 0; fi
  echo "$FAILS check(s) failed"; exit 1
}

# Write a config for the null radio with the control socket on an ipc endpoint in $TMP. Extra lines in "$2"
# replace the radio group when given.
write_config() { # path [radio-group-body] [threads-mapping]
  local radio=${2:-'device = "null"; sample_rate = 11.52e6;'}
  local mapping=${3:-per_layer}
  cat > "$1" <<CONF
cell: {
  pci = 1; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; scs_khz = 15;
  mcc = "001"; mnc = "01"; tac = 7; coreset0_index = 6; searchspace0_index = 0;
};
radio: { $radio };
log: { level = "info"; };
control: { endpoint = "ipc://$TMP/ctl.sock"; };
threads: { mapping = "$mapping"; };
CONF
}

# Two TCP ports nobody listens on now (the kernel's choice), so that parallel runs do not collide.
free_ports() {
  python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])'
}

# Two free UDP ports in 24000-24999 for N3 (GTP-U): tests with an AMF configured open an N3 socket, and must
# keep off the real 2152 and off each other.
n3_ports() {
  python3 -c 'import socket, random
got = []
for p in random.sample(range(24000, 25000), 1000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: s.bind(("127.0.0.1", p)); got.append(p)
    except OSError: pass
    s.close()
    if len(got) == 2: break
print(*got)'
}

# One value out of `gnbctl raw '{"cmd":"metrics"}'`, by a dotted path (slots.ul_processed).
metric() { # endpoint path
  "$GNBCTL" -s "$1" raw '{"cmd":"metrics"}' 2>/dev/null |
    python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$2"
}

# Wait until gnbctl status answers (or time out). Returns 0 when it answers.
wait_ready() { # endpoint timeout_s (tests pass 30: a loaded box can take seconds to start gnbd; ready returns at once)
  local end=$((SECONDS + $2))
  while [ $SECONDS -lt $end ]; do
    "$GNBCTL" -s "$1" -t 300 status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# Send a signal and wait for exit; prints the measured time; returns the process's exit status (or 124).
stop_and_wait() { # pid signal bound_s
  local t0 t1 rc
  t0=$(date +%s%N)
  kill "-$2" "$1"
  for _ in $(seq 1 $(( $3 * 20 ))); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$1" 2>/dev/null; then echo "  still running after $3 s"; return 124; fi
  wait "$1"; rc=$?
  t1=$(date +%s%N)
  echo "  exited with $rc in $(( (t1 - t0) / 1000000 )) ms after SIG$2"
  return $rc
}

# gnbd on the ZeroMQ radio for one cell (uesim tests): writes $TMP/<name>.conf with the cell keys, the radio on two
# free ports, the control socket and any extra groups; validates it; starts gnbd with its log in $TMP/<name>.log.
# Sets EP (control endpoint), LOG, GPID and UESIM_ARGS (the srsUE-like uesim arguments for the cell: ARFCNs, PRB,
# sample rate, band, SCS, ports). Returns 1 (after a failed check) when the configuration is refused.
# With ZMQ_PAIRS=N (default 1) the radio serves N peers, each on its own port pair: UESIM_ARGS are pair 0's, and
# PAIR_PORTS[i] is uesim's "--tx EP --rx EP" for pair i (PAIR_DL[i]: pair i's DL port).
uesim_cell_start() { # name "cell keys" band scs ["extra groups"]
  local name=$1 keys=$2 band=$3 scs=$4 extra=${5:-} ports dl ul cc arfcn ssb prb srate args="" i
  PAIR_PORTS=(); PAIR_DL=()
  for ((i = 0; i < ${ZMQ_PAIRS:-1}; i++)); do
    ports=$(free_ports); dl=${ports% *}; ul=${ports#* }
    args+="${args:+,}tx_port$([ $i -gt 0 ] && echo $i)=tcp://127.0.0.1:$dl,rx_port$([ $i -gt 0 ] && echo $i)=tcp://127.0.0.1:$ul"
    PAIR_PORTS+=("--tx tcp://127.0.0.1:$ul --rx tcp://127.0.0.1:$dl"); PAIR_DL+=("$dl")
  done
  dl=${PAIR_DL[0]}; ul=${PAIR_PORTS[0]#--tx tcp://127.0.0.1:}; ul=${ul%% *}
  EP="ipc://$TMP/$name.sock"; LOG="$TMP/$name.log"
  cat > "$TMP/$name.conf" <<CONF
cell: { $keys mcc = "001"; mnc = "01"; band = $band; scs_khz = $scs; };
radio: { device = "zmq"; args = "$args"; };
control: { endpoint = "$EP"; };
$extra
CONF
  cc=$("$GNBD" --check-config "$TMP/$name.conf" 2>&1) || { fail "$name: config valid"; echo "$cc" | tail -3; return 1; }
  arfcn=$(sed -n 's/.*carrier: .*(NR-ARFCN \([0-9]*\)), UL.*/\1/p' <<<"$cc" | head -1)
  ssb=$(sed -n 's/.*SS\/PBCH block: NR-ARFCN \([0-9]*\).*/\1/p' <<<"$cc" | head -1)
  prb=$(sed -n 's/.*carrier: \([0-9]*\) PRB.*/\1/p' <<<"$cc" | head -1)
  srate=$(sed -n 's/.*derived: sample_rate = \([0-9]*\).*/\1/p' <<<"$cc" | head -1)
  UESIM_ARGS=(--dl-arfcn "$arfcn" --ssb-arfcn "$ssb" --nof-prb "$prb" --srate "$srate" --band "$band" --scs "$scs"
              --tx "tcp://127.0.0.1:$ul" --rx "tcp://127.0.0.1:$dl")
  "$GNBD" -c "$TMP/$name.conf" 2>"$LOG" &
  GPID=$!; PIDS+=("$GPID")
  wait_ready "$EP" 30 || fail "$name: gnbd ready"
  return 0
}
