#!/usr/bin/env bash
# Interop test with a real 5G core: srsUE registers through gnbd with Open5GS, gets a PDU session and pings the
# UPF. Open5GS and srsUE are outside peers: this project never builds or ships them. Needs root (network
# namespaces, TUN devices), Open5GS installed under OPEN5GS_PREFIX with an AMF that speaks SCTP over UDP
# (usrsctp, encapsulation port 9899) and subscriber/policy files instead of MongoDB, and srsUE at SRSUE.
#
#   scripts/interop-core.sh [--prb 52|106] [--cycles N] [--expect registered|session|ping] [--pings N]
#                           [--iperf] [--iperf-rate MBITS] [--keep DIR]
#
# Everything runs inside two network namespaces made here and deleted on exit: gnbd-core-<pid> holds the core's
# functions (nrf scp ausf udm udr pcf nssf bsf upf smf amf, on 127.0.0.x), the UPF's TUN `ogstun` (10.45.0.1/16),
# gnbd and srsUE (ZeroMQ radio on loopback); gnbd-ue-<pid> holds only srsUE's TUN, so every packet the UE sends or
# receives goes srsUE -> gnbd -> GTP-U -> UPF and back. The core's configuration is written here from the variables
# below (PLMN 001/01, TAC 7 as in gnbd's reference cell, SST 1, one subscriber, DNN `internet`).
#
# One gnbd for the whole run; srsUE is started --cycles times (default 5) against it (scripts/interop-srsue.sh
# --attaches, with this script as its --hook). Each cycle: registration (the AMF logs `Registration complete`),
# then the PDU session (srsUE: `PDU Session Establishment successful. IP:`), then --pings (default 100) pings from
# the UE's namespace to the UPF's 10.45.0.1, every one answered; --iperf adds DL and UL UDP throughput and gnbd's
# CPU share over each. srsUE is then stopped with SIGINT; it does not deregister in SA mode, and over ZeroMQ
# gnbd's clock stops with it, so the UE's release (UE Context Release at the AMF and in gnbd) is checked once the
# next srsUE is registered, and for the last one when gnbd has stopped. LEVEL stops the checks of each cycle
# early: `registered` (registration and the release), `session` (and the PDU session), `ping` (everything; the
# default).
#
# Exit 0 when every check passed, 1 when not, 77 ("skipped: ...") when Open5GS, srsUE or root is missing.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD

# The subscriber and the network, shared with srsUE's configuration (gnbd --srsue-config writes this IMSI/K/OPc).
IMSI=001010123456780
KEY=00112233445566778899aabbccddeeff
OPC=63BFA50EE6523365FF14C1F45F88737D
MCC=001; MNC=01; TAC=7; SST=1; DNN=internet
UE_SUBNET=10.45.0.0/16; UPF_GW=10.45.0.1
# Bounds, in seconds.
T_CORE=40        # all core functions registered with the NRF, PFCP associated, NGAP listening
T_REG=40         # srsUE attaching -> the AMF's Registration complete
T_SESSION=20     # Registration complete -> srsUE's PDU session
T_RELEASE=15     # srsUE stopped -> UE context released at the AMF and gnbd

# ---- one cycle, run by scripts/interop-srsue.sh as its hook: "up N" or "down N" -------------------------------
count() { local c; c=$(grep -c -E "$1" "$2" 2>/dev/null); echo "${c:-0}"; }
wait_count() { # pattern, file, at least, seconds: 0 once the file has that many matching lines
  local end=$((SECONDS + $4))
  while [ $SECONDS -lt $end ]; do
    [ "$(count "$1" "$2")" -ge "$3" ] && return 0
    sleep 0.2
  done
  [ "$(count "$1" "$2")" -ge "$3" ]
}
show() { grep -h -E "$1" "${@:2}" 2>/dev/null | tail -1 | cut -c1-170; }
cycle_up() {
  local n=$1 line
  echo "---- cycle $n: srsUE attaching ($INTEROP_UE_STDOUT)"
  if ! wait_count "\[imsi-$IMSI\] Registration complete" "$CORE_RUN/amf.log" "$n" "$T_REG"; then
    echo "MISS  cycle $n: no Registration complete at the AMF within $T_REG s; last lines seen:"
    show "InitialUEMessage|Registration request|Authentication|Security mode|Registration" "$CORE_RUN/amf.log" |
      sed 's/^/        AMF: /'
    show "Initial UE Message|NAS|Context" "$INTEROP_GNBD_LOG" | sed 's/^/        gnbd: /'
    return 1
  fi
  echo "ok    cycle $n: AMF: $(show "\[imsi-$IMSI\] Registration complete" "$CORE_RUN/amf.log")"
  # The UE of the cycle before is gone by now: its context released at the AMF and in gnbd.
  [ "$n" -gt 1 ] && { released $((n - 1)) || return 1; }
  [ "$CORE_EXPECT" = registered ] && return 0
  if ! wait_count "PDU Session Establishment successful" "$INTEROP_UE_STDOUT" 1 "$T_SESSION"; then
    # Which step of the session setup was the last to happen, so the message names the missing one.
    echo "MISS  cycle $n: no PDU session within $T_SESSION s of registration; where it stopped:"
    line=$(show "DNN\[$DNN\] IPv4" "$CORE_RUN/smf.log")
    if [ -z "$line" ]; then echo "        the SMF allocated no address for DNN $DNN (srsUE's request did not reach it)"
    else echo "        SMF: $line"; fi
    show "Initial ?Context ?Setup" "$INTEROP_GNBD_LOG" | sed 's/^/        gnbd: /'
    line=$(show "PDU ?Session ?Resource ?Setup" "$INTEROP_GNBD_LOG")
    if [ -z "$line" ]; then echo "        gnbd logged no PDU Session Resource Setup Request from the AMF"
    else echo "        gnbd: $line"; fi
    show "RRCReconfiguration" "$INTEROP_GNBD_LOG" | sed 's/^/        gnbd: /'
    if grep -qE "(InitialContextSetup|PDUSessionResourceSetup)Request from the AMF not handled" "$INTEROP_GNBD_LOG"; then
      echo "      missing step: gnbd does not yet answer $(grep -oE "[A-Za-z]+Request from the AMF not handled" \
        "$INTEROP_GNBD_LOG" | sed 's/ from.*//' | sort -u | tr '\n' ' ')(so the UE gets no DRB and the UPF no tunnel)"
    fi
    return 1
  fi
  echo "ok    cycle $n: srsUE: $(show "PDU Session Establishment successful" "$INTEROP_UE_STDOUT")"
  [ "$CORE_EXPECT" = session ] && return 0
  # The UE's namespace sends everything through srsUE's TUN.
  ip netns exec "$CORE_UE_NS" ip route replace default dev tun_srsue 2>/dev/null ||
    { echo "MISS  cycle $n: srsUE's TUN tun_srsue is not in $CORE_UE_NS"; return 1; }
  local out rc
  out=$(timeout $((CORE_PINGS / 5 + 30)) ip netns exec "$CORE_UE_NS" ping -n -c "$CORE_PINGS" -i 0.2 -W 2 "$UPF_GW" 2>&1); rc=$?
  line=$(grep -E "packets transmitted" <<<"$out")
  local rtt; rtt=$(grep -E "^rtt|^round-trip" <<<"$out")
  echo "cycle $n ping: $line; $rtt" >> "$CORE_RUN/summary"
  if [ $rc -ne 0 ] || ! grep -qE "^$CORE_PINGS packets transmitted, $CORE_PINGS received" <<<"$line"; then
    echo "MISS  cycle $n: ping $UPF_GW from the UE: ${line:-no answer (exit $rc)}"
    return 1
  fi
  echo "ok    cycle $n: ping $UPF_GW: $line"
  echo "      $rtt"
  [ "$CORE_IPERF" = 1 ] && { throughput "$n" || return 1; }
  return 0
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$INTEROP_GNBD_PID/stat" 2>/dev/null || echo 0; }
cpu_share() { # ticks before, ticks after, wall time before, after: gnbd's CPU share in % of one core
  awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", 100 * (b - a) / hz / (t1 - t0) }'
}
counters() { # gnbd's stream slots and the counters of lost DL data and retransmissions, as "name value" lines
  "$ROOT/${BUILD:-build}/gnbctl" -s "$INTEROP_CTL" metrics 2>/dev/null |
    awk '$1 ~ /^(slots\.ul_processed|up\.(dl_dropped|mac_rejected)|mac\.(drb_dl_dropped|dl_harq_retx|ul_harq_retx|pdcch_deferred|harq_results_lost)):$/ { sub(":", "", $1); print $1, $2 }'
}
counters_delta() { # counters before, after, seconds: the stream's speed (slots per wall second) and each counter's growth
  awk -v t="$3" 'NR == FNR { a[$1] = $2; next } { d = $2 - a[$1]
    if ($1 == "slots.ul_processed") printf "stream %.0f slots/s", d / t; else if (d) printf ", %s +%d", $1, d }' \
    <(echo "$1") <(echo "$2")
}
throughput() { # iperf3 UDP both ways (server in the core's namespace on the UPF's address), or a flood ping
  local n=$1 dir c0 c1 t0 t1 out
  if command -v iperf3 >/dev/null; then
    for dir in UL DL; do
      timeout 40 ip netns exec "$CORE_NS" iperf3 -s -B "$UPF_GW" -p 5201 -1 > "$CORE_RUN/iperf3-server.log" 2>&1 &
      local spid=$!
      sleep 1
      local k0 k1
      k0=$(counters); c0=$(cpu_ticks); t0=$(date +%s.%N)
      out=$(timeout 40 ip netns exec "$CORE_UE_NS" iperf3 -c "$UPF_GW" -p 5201 -u -b "${CORE_IPERF_RATE}M" -l 1200 -t 10 -J \
            $([ $dir = DL ] && echo -R) 2>&1)
      c1=$(cpu_ticks); t1=$(date +%s.%N); k1=$(counters)
      kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
      local res
      res=$(python3 -c '
import json, sys
try:
    end = json.loads(sys.stdin.read())["end"]
    s = end["sum"]
    lost, jitter = s["lost_percent"], s["jitter_ms"]
    got = end["sum_received"]["bits_per_second"] if "sum_received" in end else s["bits_per_second"] * (1 - lost / 100)
    sent = end["sum_sent"]["bits_per_second"] if "sum_sent" in end else s["bits_per_second"]
except (ValueError, KeyError):
    sys.exit(1)
print("%.2f Mbit/s received of %.2f sent, %.1f%% lost, jitter %.2f ms" % (got / 1e6, sent / 1e6, lost, jitter))' <<<"$out") || { echo "MISS  cycle $n: iperf3 $dir failed: $(tail -c 300 <<<"$out" | tr '\n' ' ')"; return 1; }
      echo "cycle $n iperf3 UDP $dir ($CORE_PRB PRB, offered ${CORE_IPERF_RATE} Mbit/s): $res; gnbd CPU $(cpu_share "$c0" "$c1" "$t0" "$t1")% of one core; $(counters_delta "$k0" "$k1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")" |
        tee -a "$CORE_RUN/summary" | sed 's/^/ok    /'
    done
  else
    # No iperf3: a bounded flood ping of full-size packets measures both directions together.
    c0=$(cpu_ticks); t0=$(date +%s.%N)
    out=$(timeout 60 ip netns exec "$CORE_UE_NS" ping -n -f -c 2000 -s 1372 -W 2 "$UPF_GW" 2>&1)
    c1=$(cpu_ticks); t1=$(date +%s.%N)
    local got; got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
    echo "cycle $n ping -f ($CORE_PRB PRB): ${got:-0} of 2000 x 1400 B each way in" \
         "$(awk -v g="${got:-0}" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.1f s = %.2f", t1 - t0, g * 1400 * 8 / (t1 - t0) / 1e6 }')" \
         "Mbit/s each way (DL and UL together); gnbd CPU $(cpu_share "$c0" "$c1" "$t0" "$t1")% of one core" | tee -a "$CORE_RUN/summary" | sed 's/^/ok    /'
  fi
}
released() { # n: the n-th UE context released at the AMF and confirmed by gnbd
  local n=$1 ok=0
  if wait_count "UE Context Release \[Action" "$CORE_RUN/amf.log" "$n" "$T_RELEASE" &&
     wait_count "UE Context Release Command" "$INTEROP_GNBD_LOG" "$n" 5; then
    echo "ok    UE $n released: AMF: $(show "UE Context Release \[Action" "$CORE_RUN/amf.log")"
    echo "      gnbd: $(show "UE Context Release Command" "$INTEROP_GNBD_LOG")"
  else
    echo "MISS  UE $n: no UE Context Release at the AMF and gnbd within $T_RELEASE s"; ok=1
  fi
  [ "$(count "UE Context Release Request" "$INTEROP_GNBD_LOG")" -ge "$n" ] ||
    echo "      (released on the AMF's initiative: gnbd sent no UE Context Release Request for the UE it lost, 38.413 8.3.2)"
  return $ok
}
cycle_down() {
  local n=$1
  # srsUE was stopped with SIGINT. srsUE in SA mode does not deregister then ("Switching off" only); over
  # ZeroMQ gnbd's clock stops with it, so gnbd sees the UE gone when the next srsUE starts a new stream, and the
  # release is checked then (and, for the last UE, when gnbd's association closes).
  if grep -q "Sending Deregistration Request" "$INTEROP_UE_LOG" 2>/dev/null; then
    echo "      cycle $n: srsUE: $(show "Sending Deregistration Request" "$INTEROP_UE_LOG")"
    released "$n"
  else
    echo "      cycle $n: srsUE stopped without deregistering: $(show "Switching off" "$INTEROP_UE_LOG" | cut -c1-80)"
  fi
}
if [ "${1:-}" = --cycle ]; then
  case ${2:-} in up) cycle_up "$3";; down) cycle_down "$3";; *) exit 2;; esac
  exit
fi

# ---- the run ------------------------------------------------------------------------------------------------
CORE_PRB=52; CYCLES=5; CORE_EXPECT=ping; CORE_PINGS=100; CORE_IPERF=0; CORE_IPERF_RATE=10; KEEP=""
usage() { echo "usage: $0 [--prb 52|106] [--cycles N] [--expect registered|session|ping] [--pings N] [--iperf] [--iperf-rate MBITS] [--keep DIR]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --prb) CORE_PRB=$2; shift 2;;
    --cycles) CYCLES=$2; shift 2;;
    --expect) CORE_EXPECT=$2; shift 2;;
    --pings) CORE_PINGS=$2; shift 2;;
    --iperf) CORE_IPERF=1; shift;;
    --iperf-rate) CORE_IPERF_RATE=$2; shift 2;;
    --keep) KEEP=$2; shift 2;;
    *) usage;;
  esac
done
case $CORE_PRB in 52|106) ;; *) usage;; esac
case $CORE_EXPECT in registered|session|ping) ;; *) usage;; esac
[[ $CYCLES =~ ^[1-9][0-9]*$ && $CORE_PINGS =~ ^[1-9][0-9]*$ && $CORE_IPERF_RATE =~ ^[1-9][0-9]*$ ]] || usage

P=${OPEN5GS_PREFIX:-}
SRSUE=${SRSUE:-$(command -v srsue || true)}
skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces and TUN devices)"
[ -n "$P" ] && [ -x "$P/bin/open5gs-amfd" ] || skip "no Open5GS (set OPEN5GS_PREFIX to its install prefix)"
[ -n "$SRSUE" ] && [ -x "$SRSUE" ] || skip "no srsue (set SRSUE=/path/to/srsue)"
for tool in ip ping flock timeout; do command -v $tool >/dev/null || skip "no $tool"; done
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "$ROOT/${BUILD:-build}/gnbd" ] || { echo "no ${BUILD:-build}/gnbd: run make first" >&2; exit 1; }

CORE_NS=gnbd-core-$$; CORE_UE_NS=gnbd-ue-$$
RUN=${KEEP:-$(mktemp -d /tmp/gnbd-core.XXXXXX)}
mkdir -p "$RUN" && RUN=$(realpath "$RUN")
CORE_RUN=$RUN/core
mkdir -p "$CORE_RUN"; : > "$CORE_RUN/summary"
NF_PIDS=(); RAN_PID=""
cleanup() {
  local i pid
  # The RAN side first (timeout -> flock -> interop-srsue.sh in the namespace); what is left of it goes below.
  [ -n "$RAN_PID" ] && { kill -TERM "$RAN_PID" 2>/dev/null; sleep 2; }
  for ((i = ${#NF_PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${NF_PIDS[i]}" 2>/dev/null; done
  # The usrsctp AMF may not leave on SIGTERM: SIGKILL after 3 s.
  for _ in $(seq 30); do
    local alive=0; for pid in "${NF_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for pid in "${NF_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  # Anything of ours still in the namespaces (processes started there by this run) goes too, then the namespaces.
  for ns in "$CORE_NS" "$CORE_UE_NS"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  [ -z "$KEEP" ] && rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

others=$(ip netns list | grep -oE '^gnbd-core-[0-9]+' | grep -v "^$CORE_NS$" | tr '\n' ' ')
[ -n "$others" ] && echo "note: other core runs' namespaces exist ($others); this run has its own"
ip netns add "$CORE_NS" && ip netns add "$CORE_UE_NS" || { echo "cannot create network namespaces" >&2; exit 1; }
ip netns exec "$CORE_NS" ip link set lo up
ip netns exec "$CORE_UE_NS" ip link set lo up
# The UPF's TUN: the UE subnet's gateway address, in the core's namespace.
ip netns exec "$CORE_NS" ip tuntap add name ogstun mode tun &&
  ip netns exec "$CORE_NS" ip addr add "$UPF_GW/${UE_SUBNET#*/}" dev ogstun &&
  ip netns exec "$CORE_NS" ip link set ogstun up || { echo "cannot create the UPF's TUN in $CORE_NS" >&2; exit 1; }

# ---- the core's configuration, written here (Open5GS's YAML keys; its own addresses on 127.0.0.x) ----------
nf_conf() { # name, body: a configuration with its log in the run directory
  printf 'logger:\n  file:\n    path: %s\n  level: info\nglobal:\n  max:\n    ue: 64\n%s\n' "$CORE_RUN/$1.log" "$2" \
    > "$CORE_RUN/$1.yaml"
}
sbi() { # address: an SBI server, and the SCP as client
  printf '  sbi:\n    server:\n      - address: %s\n        port: 7777\n    client:\n      scp:\n        - uri: http://127.0.0.200:7777\n' "$1"
}
plmn="plmn_id:\n        mcc: $MCC\n        mnc: $MNC"
nf_conf nrf "nrf:
  serving:
    - plmn_id:
        mcc: $MCC
        mnc: $MNC
  sbi:
    server:
      - address: 127.0.0.10
        port: 7777"
nf_conf scp "scp:
  sbi:
    server:
      - address: 127.0.0.200
        port: 7777
    client:
      nrf:
        - uri: http://127.0.0.10:7777"
nf_conf ausf "ausf:
$(sbi 127.0.0.11)"
# srsUE sends its SUCI with the null protection scheme: the UDM needs no home network keys.
nf_conf udm "udm:
$(sbi 127.0.0.12)"
nf_conf udr "subscriber_file: $CORE_RUN/subscriber.yaml
udr:
$(sbi 127.0.0.20)"
nf_conf pcf "policy_file: $CORE_RUN/policy.yaml
pcf:
$(sbi 127.0.0.13)"
nf_conf nssf "nssf:
$(sbi 127.0.0.14)
      nsi:
        - uri: http://127.0.0.10:7777
          s_nssai:
            sst: $SST"
nf_conf bsf "bsf:
$(sbi 127.0.0.15)"
nf_conf upf "upf:
  pfcp:
    server:
      - address: 127.0.0.7
  gtpu:
    server:
      - address: 127.0.0.7
  session:
    - subnet: $UE_SUBNET
      gateway: $UPF_GW
      dev: ogstun"
nf_conf smf "smf:
$(sbi 127.0.0.4)
  pfcp:
    server:
      - address: 127.0.0.4
    client:
      upf:
        - address: 127.0.0.7
  gtpc:
    server:
      - address: 127.0.0.4
  gtpu:
    server:
      - address: 127.0.0.4
  session:
    - subnet: $UE_SUBNET
      gateway: $UPF_GW
  dns:
    - $UPF_GW
  mtu: 1400"
nf_conf amf "amf:
$(sbi 127.0.0.5)
  ngap:
    server:
      - address: 127.0.0.1
  guami:
    - $(printf "$plmn")
      amf_id:
        region: 2
        set: 1
  tai:
    - $(printf "$plmn")
      tac: $TAC
  plmn_support:
    - $(printf "$plmn")
      s_nssai:
        - sst: $SST
  security:
    integrity_order: [ NIA2, NIA1, NIA0 ]
    ciphering_order: [ NEA0, NEA1, NEA2 ]
  network_name:
    full: gnbd-test
  amf_name: gnbd-test-amf
  time:
    t3512:
      value: 540"
# One subscriber and its policy: the slice, the DNN with a default QoS flow (5QI 9), 1 Gbit/s AMBRs.
session="    slice:
      - sst: $SST
        default_indicator: true
        session:
          - name: $DNN
            type: 3
            ambr: { downlink: { value: 1, unit: 3 }, uplink: { value: 1, unit: 3 } }
            qos:
              index: 9
              arp: { priority_level: 8, pre_emption_capability: 1, pre_emption_vulnerability: 1 }"
cat > "$CORE_RUN/subscriber.yaml" <<EOF
subscriber:
  - supi: "$IMSI"
    security: { k: "$KEY", opc: "$OPC", amf: "8000", sqn: 0 }
    ambr: { downlink: { value: 1, unit: 3 }, uplink: { value: 1, unit: 3 } }
$session
EOF
cat > "$CORE_RUN/policy.yaml" <<EOF
qos_profiles: []
policy:
  - supi_range: [ "$IMSI-$IMSI" ]
$session
EOF
chmod 600 "$CORE_RUN/subscriber.yaml"

# ---- start the core, NRF and SCP first, and wait until it is ready --------------------------------------------
declare -A NF_PID
start_nf() {
  ip netns exec "$CORE_NS" "$P/bin/open5gs-$1d" -c "$CORE_RUN/$1.yaml" > "$CORE_RUN/$1.stdout" 2>&1 &
  NF_PIDS+=($!); NF_PID[$1]=$!
}
ready() { # nf, pattern, seconds
  local i
  for i in $(seq $(($3 * 5))); do
    [ "$(count "$2" "$CORE_RUN/$1.log")" -ge 1 ] && return 0
    kill -0 "${NF_PID[$1]}" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "${NF_PID[$1]}" 2>/dev/null; then echo "MISS  core: $1 not ready within $3 s (no \"$2\" in its log)"
  else echo "MISS  core: $1 exited"; fi
  echo "      its last lines:"; tail -n 4 "$CORE_RUN/$1.log" | cut -c1-170 | sed 's/^/        /'
  exit 1
}
echo "core: Open5GS from $P in namespace $CORE_NS (logs in $CORE_RUN)"
t0=$(date +%s)
start_nf nrf; ready nrf "NRF initialize\.\.\.done" 10
start_nf scp; ready scp "SCP initialize\.\.\.done" 10
for nf in ausf udm udr pcf nssf bsf upf smf amf; do start_nf $nf; sleep 0.3; done
for nf in ausf udm udr pcf nssf bsf smf amf; do ready $nf "NF registered" "$T_CORE"; done
ready udr "1 subscriber\(s\) loaded|[Ss]ubscriber" "$T_CORE"
ready smf "PFCP associated" "$T_CORE"
ready amf "ngap_server\(\)" "$T_CORE"
echo "ok    core ready in $(($(date +%s) - t0)) s: $(show "ngap_server" "$CORE_RUN/amf.log")"

# ---- gnbd and srsUE in the core's namespace, srsUE's TUN in the UE's ------------------------------------------
export CORE_RUN CORE_NS CORE_UE_NS CORE_EXPECT CORE_PINGS CORE_IPERF CORE_IPERF_RATE CORE_PRB
GNB_NGAP="ngap = { amf_addr = \"127.0.0.1\"; transport = \"udp\"; udp_local_port = 9900; udp_remote_port = 9899; sst = $SST; };"
# gnbd's RRC inactivity timer releases a UE that sent nothing on SRB1 for a while, user-plane traffic or not:
# off, so that each cycle's UE stays connected for its pings.
GNB_NGAP="$GNB_NGAP rrc = { inactivity_timer_s = 0; };"
# CORE_GNB_EXTRA: more top-level groups for gnbd (e.g. 'mac = { dl_256qam_unclaimed = true; };': srsUE in SA
# lists no pdsch-256QAM-FR1, so gnbd keeps it on the 64QAM table unless told otherwise).
GNB_NGAP="$GNB_NGAP ${CORE_GNB_EXTRA:-}"
PCI=1; [ "$CORE_PRB" = 106 ] && PCI=500
echo "core: $CYCLES cycle(s) of srsUE register -> session -> $CORE_PINGS pings -> deregister, one gnbd, $CORE_PRB PRB"
# One srsUE on the machine at a time (the lock); in the background so that a signal reaches the trap at once.
timeout $((CYCLES * (T_REG + T_SESSION + CORE_PINGS / 5 + T_RELEASE + (CORE_IPERF ? 60 : 0) + 60) + 900)) \
  flock -w 900 /tmp/srsue.lock \
  ip netns exec "$CORE_NS" env SRSUE="$SRSUE" "$ROOT/scripts/interop-srsue.sh" --prb "$CORE_PRB" --pci "$PCI" \
    --expect setup --attaches "$CYCLES" --keep "$RUN/ran" --gnb "$GNB_NGAP" \
    --ue-netns "$CORE_UE_NS" --apn "$DNN" --hook "$ROOT/scripts/interop-core.sh --cycle" &
RAN_PID=$!
wait "$RAN_PID"; rc=$?; RAN_PID=""

# The last UE: gone with gnbd's association (gnbd has stopped), so the AMF must have dropped it.
if wait_count "\[Removed\] Number of gNB-UEs" "$CORE_RUN/amf.log" "$CYCLES" 5; then
  echo "ok    last UE dropped by the AMF when gnbd left: $(show "\[Removed\] Number of gNB-UEs" "$CORE_RUN/amf.log")"
else echo "MISS  the AMF still holds a UE of gnbd's after gnbd stopped"; [ $rc -eq 0 ] && rc=1; fi
echo "---- per cycle, from srsUE's log timestamps"
python3 - "$RUN"/ran/ue.log $(for n in $(seq 2 "$CYCLES"); do echo "$RUN/ran/ue$n.log"; done) <<'PY'
import sys, datetime
for n, path in enumerate(sys.argv[1:], 1):
    try: lines = open(path, errors="replace").read().splitlines()
    except OSError: print(f"cycle {n}: no log"); continue
    def at(pat):
        l = next((l for l in lines if pat in l), None)
        try: return datetime.datetime.fromisoformat(l[:26]) if l else None
        except ValueError: return None
    found, reg, pdu = at("Cell search found"), at("Sending Registration Complete"), at("PDU Session Establishment successful")
    ms = lambda a, b: f"{(b - a).total_seconds() * 1000:.0f} ms" if a and b else "-"
    print(f"cycle {n}: cell found -> Registration Complete {ms(found, reg)}, cell found -> PDU session up {ms(found, pdu)}")
PY
cat "$CORE_RUN/summary"
echo "---- AMF log, UE lines"
grep -E "InitialUEMessage|Registration request|Registration complete|Number of gNB-UEs|Number of AMF-Sessions|[Dd]e-?registration|UE Context Release|ERROR" \
  "$CORE_RUN/amf.log" | cut -c1-150 | head -40
[ -n "$KEEP" ] && echo "logs kept in $RUN (core/: Open5GS, ran/: gnbd and srsUE)"
if [ $rc -eq 0 ]; then echo "interop-core: PASS ($CORE_EXPECT, $CYCLES cycle(s), $CORE_PRB PRB)"; exit 0; fi
[ $rc -eq 77 ] && skip "no srsue"
echo "interop-core: FAIL ($CORE_EXPECT, $CYCLES cycle(s), $CORE_PRB PRB)"; exit 1
