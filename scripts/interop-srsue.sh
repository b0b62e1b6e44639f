#!/usr/bin/env bash
# Interop test: gnbd + srsUE (srsRAN 4G, NR SA, ZeroMQ radio). srsUE is not part of this project: build it
# yourself outside the tree and point SRSUE at the binary (or put `srsue` on PATH).
#
#   scripts/interop-srsue.sh [--prb 25|52|106] [--pci N] [--seconds S] [--expect LEVEL] [--keep DIR]
#                            [--attaches N] [--ues 1|2] [--cell 'key = value; ...'] [--gnb 'group = { ... };']
#                            [--pcap FILE] [--ue-netns NS] [--apn DNN] [--hook CMD]
#   --ues 2 runs two srsUEs at once against one gnbd, each on a ZeroMQ port pair of its own (gnbd's tx_port/rx_port
#   and tx_port1/rx_port1: docs/SRSUE.md §1.4), with its own IMSI, log (ue.log, ueB.log) and TUN name; every
#   milestone of LEVEL setup is checked in both logs (not with --attaches).
#   --cell adds keys to gnbd's cell group (e.g. 'prach_config_index = 13;'), --gnb adds top-level groups
#   (e.g. 'rrc = { max_ues = 4; };'); srsUE's configuration follows from gnbd's as always. --pcap FILE sets gnbd's
#   log.mac_pcap (every MAC PDU; read it with tshark -r FILE --enable-heuristic mac_nr_udp -V). `gnbctl ues` is
#   printed at the end, while the last srsUE is still attached.
#   --ue-netns NS puts srsUE's TUN in the existing network namespace NS (srsUE's [gw] netns), --apn sets the DNN
#   srsUE asks for in its PDU session request ([nas] apn). --hook CMD (split on spaces) replaces the wait of
#   --seconds for each attach N: `CMD up N` runs once srsUE N is attaching, `CMD down N` once it has stopped
#   (SIGINT first, so it can deregister); a non-zero exit counts as a missing milestone. The hook sees
#   INTEROP_DIR, INTEROP_UE_LOG, INTEROP_UE_STDOUT, INTEROP_GNBD_LOG, INTEROP_GNBD_PID and INTEROP_CTL in its
#   environment (scripts/interop-core.sh is one).
#   LEVEL: stream   srsUE streams samples with gnbd (no cell needed)
#          cell     srsUE finds the cell: PCI and MIB (cell search), SFN synchronised
#          sib1     ... and acquires SIB1
#          rach     ... and sends PRACH
#          setup    ... and completes RRC setup: srsUE logs, in order, DL RAPID, its Msg3 PUSCH, Received CONRES
#                   ID matches, SRB0 - Rx rrcSetup, PHY configuration completed, SRB1 - Tx rrcSetupComplete, and
#                   gnbd logs the RRCSetupComplete it decoded; with --attaches N, srsUE is started N times against
#                   one gnbd (each a new stream) and every attach must complete; attach time = srsUE's cell found
#                   -> SRB1 - Tx rrcSetupComplete, from its own log timestamps
#          release  setup, then the inactivity timer: gnbd logs the RRCRelease it sent on SRB1 and the UE's
#                   release, srsUE logs "Received RRC Release" (rrc.inactivity_timer_s = 3 unless --gnb sets the
#                   rrc group)
#          prach    ... and gnbd hears every preamble: its "PRACH: preamble=<index>" lines match srsUE's
#                   "Random Access Transmission: ... preamble_index=<index>" lines one to one, in order, with a
#                   timing advance near 0 (|ta| < 1 us over ZeroMQ), and gnbctl metrics counts them
#
# Prints srsUE's own log lines for each milestone. Exit 0 when every milestone of LEVEL was seen, 1 when not,
# 77 ("skipped: no srsue") when no srsUE binary is found — which is never a pass.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
PRB=52; PCI=1; SECONDS_RUN=8; EXPECT=cell; KEEP=""; ATTACHES=1; UES=1; CELL_EXTRA=""; GNB_EXTRA=""; PCAP=""
UE_NETNS=""; APN=""; HOOK=""
while [ $# -gt 0 ]; do
  case $1 in
    --prb) PRB=$2; shift 2;;
    --pci) PCI=$2; shift 2;;
    --seconds) SECONDS_RUN=$2; shift 2;;
    --expect) EXPECT=$2; shift 2;;
    --keep) KEEP=$2; shift 2;;
    --attaches) ATTACHES=$2; shift 2;;
    --ues) UES=$2; shift 2;;
    --cell) CELL_EXTRA=$2; shift 2;;
    --gnb) GNB_EXTRA=$2; shift 2;;
    --pcap) PCAP=$(realpath -m "$2"); shift 2;;
    --ue-netns) UE_NETNS=$2; shift 2;;
    --apn) APN=$2; shift 2;;
    --hook) HOOK=$2; shift 2;;
    *) echo "usage: $0 [--prb 25|52|106] [--pci N] [--seconds S] [--expect stream|cell|sib1|rach|prach|setup|release] [--attaches N] [--ues 1|2] [--keep DIR] [--cell KEYS] [--gnb GROUPS] [--pcap FILE] [--ue-netns NS] [--apn DNN] [--hook CMD]" >&2; exit 2;;
  esac
done
RELEASE=0
if [ "$EXPECT" = release ]; then
  EXPECT=setup; RELEASE=1
  case $GNB_EXTRA in *rrc*) ;; *) GNB_EXTRA="$GNB_EXTRA rrc = { inactivity_timer_s = 3; };";; esac
fi
SRSUE=${SRSUE:-$(command -v srsue || true)}
if [ -z "$SRSUE" ] || [ ! -x "$SRSUE" ]; then
  echo "skipped: no srsue (set SRSUE=/path/to/srsue)"
  exit 77
fi
case $UES in 1) ;; 2) [ "$ATTACHES" = 1 ] || { echo "--ues 2 does not go with --attaches" >&2; exit 2; };;
  *) echo "--ues must be 1 or 2" >&2; exit 2;; esac
case $PRB in 25) BW=5;; 52) BW=10;; 106) BW=20;; *) echo "--prb must be 25, 52 or 106" >&2; exit 2;; esac

DIR=${KEEP:-$(mktemp -d /tmp/gnbd-interop.XXXXXX)}
mkdir -p "$DIR"
PORT_DL=$((21000 + RANDOM % 1000 * 4)); PORT_UL=$((PORT_DL + 1)); CTL=$((PORT_DL + 4000))
PORT_DL2=$((PORT_DL + 2)); PORT_UL2=$((PORT_DL + 3))
GPID=""; UPID=""; SPID=""; UPID2=""
cleanup() {
  [ -n "$UPID2" ] && kill -9 "$UPID2" 2>/dev/null
  [ -n "$UPID" ] && kill -INT "$UPID" 2>/dev/null
  [ -n "$GPID" ] && kill -TERM "$GPID" 2>/dev/null
  [ -n "$UPID$GPID" ] && sleep 1
  [ -n "$UPID" ] && kill -9 "$UPID" 2>/dev/null
  [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  [ -z "$KEEP" ] && rm -rf "$DIR"
}
trap cleanup EXIT

# gnbd's configuration: the reference cell with the chosen PCI and bandwidth; the sample rate is derived.
cat > "$DIR/gnbd.conf" <<CONF
cell: { pci = $PCI; band = 3; dl_arfcn = 368500; bandwidth_mhz = $BW; scs_khz = 15;
        mcc = "001"; mnc = "01"; tac = 7; coreset0_index = $([ $PRB = 25 ] && echo 0 || ([ $PRB = 106 ] && echo 12 || echo 6)); searchspace0_index = 0;
        $CELL_EXTRA };
radio: { device = "zmq"; args = "tx_port=tcp://127.0.0.1:$PORT_DL,rx_port=tcp://127.0.0.1:$PORT_UL$([ "$UES" = 2 ] && echo ",tx_port1=tcp://127.0.0.1:$PORT_DL2,rx_port1=tcp://127.0.0.1:$PORT_UL2")"; };
control: { endpoint = "tcp://127.0.0.1:$CTL"; };
log: { level = "info"; $([ -n "$PCAP" ] && echo "mac_pcap = \"$PCAP\";") };
$GNB_EXTRA
CONF
# srsUE's configuration for that cell, as gnbd prints it (ports mirrored, ARFCNs, PRB, rates; its log here), with
# the TUN namespace and DNN asked for.
ue_config() { # log file, configuration file
  "$ROOT/$BUILD/gnbd" --srsue-config "$DIR/gnbd.conf" --srsue-log "$1" 2> "$DIR/srsue-config.err" |
    sed -e "s|^netns =.*|netns = $UE_NETNS|" -e "${APN:+s|^apn = .*|apn = $APN|}" > "$2" &&
    [ -s "$2" ] || { cat "$DIR/srsue-config.err"; return 1; }
}
ue_config "$DIR/ue.log" "$DIR/ue.conf" || exit 1
ue_key() { sed -n "s/^$1 = //p" "$DIR/ue.conf" | head -1; }
echo "interop: PCI $PCI, $PRB PRB, dl_nr_arfcn $(ue_key dl_nr_arfcn), ssb_nr_arfcn $(ue_key ssb_nr_arfcn)," \
     "srate $(ue_key srate) (from gnbd --srsue-config)"

"$ROOT/$BUILD/gnbd" -c "$DIR/gnbd.conf" > "$DIR/gnbd.log" 2>&1 &
GPID=$!
# srsUE stalls when its stdin is at end of file: keep it open (docs/SRSUE.md §7) with a fifo
# fed by nothing.
mkfifo "$DIR/ue.stdin"
sleep 100000 > "$DIR/ue.stdin" &
SPID=$!
"$SRSUE" "$DIR/ue.conf" < "$DIR/ue.stdin" > "$DIR/ue.stdout" 2>&1 &
UPID=$!
if [ "$UES" = 2 ]; then
  # The second UE: gnbd's second port pair (its DL tx_port1, its UL rx_port1), another IMSI, log and TUN name.
  sed -e "s|tx_port=tcp://127.0.0.1:$PORT_UL,|tx_port=tcp://127.0.0.1:$PORT_UL2,|" \
      -e "s|rx_port=tcp://127.0.0.1:$PORT_DL,|rx_port=tcp://127.0.0.1:$PORT_DL2,|" \
      -e "s|^imsi = \(.*\).$|imsi = \11|" -e "s|^filename = .*|filename = $DIR/ueB.log|" \
      -e "s|^ip_devname = .*|ip_devname = tun_srsue2|" "$DIR/ue.conf" > "$DIR/ueB.conf"
  grep -E "^(device_args|imsi|filename|ip_devname) " "$DIR/ueB.conf" | sed 's/^/  UE B: /'
  "$SRSUE" "$DIR/ueB.conf" < "$DIR/ue.stdin" > "$DIR/ueB.stdout" 2>&1 &
  UPID2=$!
fi
# srsUE takes seconds to start on a loaded machine: the run time counts from its "Attaching UE".
for _ in $(seq 120); do grep -q "Attaching UE" "$DIR/ue.stdout" 2>/dev/null && break; sleep 0.5; done
[ "$UES" = 2 ] && for _ in $(seq 120); do grep -q "Attaching UE" "$DIR/ueB.stdout" 2>/dev/null && break; sleep 0.5; done
# gnbd's CPU time per second of stream while the UE is attached and idle (the stream runs as fast as the two
# peers allow over ZeroMQ, so wall time says little): from /proc and slots.ul_processed, after the attach.
cpu_sample() { # prints "cpu_seconds ul_slots"
  local t u
  t=$(awk '{print ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$GPID/stat" 2>/dev/null)
  u=$("$ROOT/$BUILD/gnbctl" -s "tcp://127.0.0.1:$CTL" metrics 2>/dev/null | sed -n 's/.*slots\.ul_processed: *\([0-9]*\).*/\1/p')
  echo "${t:-0} ${u:-0}"
}
# The hook of --hook for attach N: "up" or "down", N.
HOOK_FAILS=0
hook() {
  [ -n "$HOOK" ] || return 0
  local sfx=""; [ "$2" -gt 1 ] && sfx=$2
  INTEROP_DIR=$DIR INTEROP_UE_LOG=$DIR/ue$sfx.log INTEROP_UE_STDOUT=$DIR/ue$sfx.stdout INTEROP_GNBD_LOG=$DIR/gnbd.log \
    INTEROP_GNBD_PID=$GPID INTEROP_CTL=tcp://127.0.0.1:$CTL $HOOK "$1" "$2" ||
    { echo "MISS  hook: $HOOK $1 $2"; HOOK_FAILS=$((HOOK_FAILS + 1)); }
}
if [ -n "$HOOK" ]; then
  hook up 1; CPU_A=""; CPU_B=""
elif [ "$SECONDS_RUN" -ge 6 ]; then
  sleep 3; CPU_A=$(cpu_sample); sleep $((SECONDS_RUN - 3)); CPU_B=$(cpu_sample)
else
  sleep "$SECONDS_RUN"; CPU_A=""; CPU_B=""
fi
stop_ue() {
  kill -INT "$UPID" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null; UPID=""
}
# Further attaches against the same gnbd: srsUE restarted, each a new ZeroMQ stream (a new epoch in gnbd).
for n in $(seq 2 "$ATTACHES"); do
  stop_ue; hook down $((n - 1))
  ue_config "$DIR/ue$n.log" "$DIR/ue$n.conf"
  "$SRSUE" "$DIR/ue$n.conf" < "$DIR/ue.stdin" > "$DIR/ue$n.stdout" 2>&1 &
  UPID=$!
  for _ in $(seq 120); do grep -q "Attaching UE" "$DIR/ue$n.stdout" 2>/dev/null && break; sleep 0.5; done
  if [ -n "$HOOK" ]; then hook up "$n"; else sleep "$SECONDS_RUN"; fi
done
metrics=$("$ROOT/$BUILD/gnbctl" -s "tcp://127.0.0.1:$CTL" metrics 2>&1)
ues=$("$ROOT/$BUILD/gnbctl" -s "tcp://127.0.0.1:$CTL" ues 2>&1)
stop_ue; hook down "$ATTACHES"
if [ -n "$UPID2" ]; then
  kill -INT "$UPID2" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$UPID2" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$UPID2" 2>/dev/null; wait "$UPID2" 2>/dev/null; UPID2=""
fi
kill -TERM "$GPID"; wait "$GPID"; grc=$?; GPID=""

echo "---- gnbd metrics after ${SECONDS_RUN} s"
grep -E 'slots\.(ul_processed|dl_sent|dl_late|ul_gaps)|radio\.(state|epochs|peer_joins|peers_refused|rx_errors|tx_errors)|prach\.|pcap\.' <<<"$metrics"
echo "---- gnbctl ues (before srsUE stopped)"
echo "$ues"
echo "---- gnbd exit status $grc"
if [ -n "$CPU_A" ]; then
  python3 - $CPU_A $CPU_B <<'PY'
import sys
c0, s0, c1, s1 = map(float, sys.argv[1:])
if s1 > s0:
    stream = (s1 - s0) / 1000.0   # 15 kHz: 1000 slots per second of stream
    print(f"gnbd CPU after attach 1: {c1 - c0:.2f} s for {stream:.2f} s of stream = {100 * (c1 - c0) / stream:.0f}% of one core at real time")
PY
fi

fails=0
milestone() { # name, pattern, file...
  local name=$1 pat=$2; shift 2
  local line; line=$(grep -h -m1 -E "$pat" "$@" 2>/dev/null | head -1)
  if [ -n "$line" ]; then echo "ok    $name: $line"; else echo "MISS  $name (pattern: $pat)"; fails=$((fails+1)); fi
}
echo "---- srsUE milestones"
milestone "srsUE opened the zmq radio" "Opening 1 channels in RF device=zmq|Current sample rate" "$DIR/ue.stdout"
milestone "srsUE attached its PHY" "Attaching UE" "$DIR/ue.stdout"
ul=$(sed -n 's/.*slots\.ul_processed: *\([0-9]*\).*/\1/p' <<<"$metrics")
# Lock-step: the stream runs as fast as the slowest srsUE allows; two of them on a small box run it about half as fast.
if [ "${ul:-0}" -gt $((SECONDS_RUN * 500 / UES)) ]; then echo "ok    UL streamed: $ul slots from srsUE"; else echo "MISS  UL streamed (only ${ul:-0} slots)"; fails=$((fails+1)); fi
case $EXPECT in cell|sib1|rach|prach|setup)
  milestone "cell search started" "Cell search: Setting SSB configuration|Cell Search: Running" "$DIR/ue.log"
  milestone "cell found with PCI $PCI (MIB)" "Cell search found ARFCN=[0-9]+ PCI=$PCI " "$DIR/ue.log"
  milestone "SFN synchronised" "SFN synchronised successfully|SFN synchronized. CAMPING" "$DIR/ue.log";;
esac
case $EXPECT in sib1|rach|prach|setup)
  milestone "SIB1 PDCCH" "PDCCH: .*si-rnti=0xffff" "$DIR/ue.log"
  milestone "SIB1 PDSCH CRC=OK" "PDSCH: .*si-rnti=0xffff.*CRC=OK" "$DIR/ue.log"
  milestone "SIB1 received" "SIB1 received, CellID" "$DIR/ue.log"
  milestone "SIB1 acquired" "SIB1 acquired successfully" "$DIR/ue.log";;
esac
case $EXPECT in rach|prach|setup)
  milestone "PRACH sent" "Random Access Transmission|prach_occasion=" "$DIR/ue.stdout" "$DIR/ue.log";;
esac
if [ "$EXPECT" = prach ]; then
  echo "---- preambles: srsUE sent / gnbd heard"
  det=$(sed -n 's/.*prach\.detections: *\([0-9]*\).*/\1/p' <<<"$metrics")
  if python3 - "$DIR/ue.stdout" "$DIR/gnbd.log" "${det:-0}" <<'PY'; then echo "ok    gnbd heard every preamble"; else echo "MISS  gnbd heard every preamble"; fails=$((fails+1)); fi
import re, sys
sent = re.findall(r"Random Access Transmission: prach_occasion=\d+, preamble_index=(\d+), ra-rnti=(0x[0-9a-f]+), tti=(\d+)",
                  open(sys.argv[1]).read())
heard = re.findall(r"PRACH: preamble=(\d+) ta=(-?[\d.]+) us .* ra-rnti=(0x[0-9a-f]+) slot=(\d+)\.(\d+)",
                   open(sys.argv[2]).read())
ok = len(sent) > 0
# srsUE may be stopped right after announcing its last preamble, before gnbd received it: only that one may miss.
for i, (v, rnti, tti) in enumerate(sent):
    h = heard[i] if i < len(heard) else None
    good = h is not None and h[0] == v and h[2] == rnti and abs(float(h[1])) < 1.0
    last = i == len(sent) - 1
    print(f"      srsUE preamble_index={v} ra-rnti={rnti} tti={tti}  |  gnbd " +
          (f"preamble={h[0]} ta={h[1]} us ra-rnti={h[2]} slot={h[3]}.{h[4]}" if h else "-") +
          ("" if good else ("  (last, not yet received)" if last and h is None else "  MISMATCH")))
    ok = ok and (good or (last and h is None))
extra = len(heard) - len(sent)
if extra > 0:
    print(f"      gnbd heard {extra} preamble(s) srsUE did not announce"); ok = False
print(f"      {len(sent)} sent, {len(heard)} heard, gnbctl metrics prach.detections at stop time: {sys.argv[3]}")
sys.exit(0 if ok else 1)
PY
fi
if [ "$EXPECT" = setup ]; then
  # The milestones in order in each attach's log, and the attach time from srsUE's own timestamps.
  NLOGS=$((ATTACHES + UES - 1))
  for n in $(seq 1 "$NLOGS"); do
    log="$DIR/ue.log"; [ "$n" -gt 1 ] && log="$DIR/ue$n.log"; [ "$UES" = 2 ] && [ "$n" = 2 ] && log="$DIR/ueB.log"
    echo "---- attach $n ($log)"
    if python3 - "$log" <<'PY'; then echo "ok    attach $n completed"; else echo "MISS  attach $n"; fails=$((fails+1)); fi
import re, sys, datetime
text = open(sys.argv[1]).read().splitlines()
steps = [("DL RAPID", r"DL RAPID: \d+"), ("Msg3 PUSCH", r"PUSCH: .*(ra|tc)-rnti=0x[0-9a-f]+"),
         ("CONRES", r"Received CONRES ID matches"), ("rrcSetup", r"SRB0 - Rx rrcSetup"),
         ("PHY config", r"PHY configuration completed"), ("rrcSetupComplete", r"SRB1 - Tx rrcSetupComplete")]
pos, ok, t = 0, True, {}
# srsUE logs "SRB1 - Tx rrcSetupComplete" and "PHY configuration completed." within microseconds, in either order
# (rrc_nr.cc): the last two are looked for after the RRCSetup, in any order.
for k, (name, pat) in enumerate(steps):
    if k == len(steps) - 1: pos = last_setup
    hit = next((i for i in range(pos, len(text)) if re.search(pat, text[i])), None)
    if hit is None:
        print(f"      MISSING (in order): {name}"); ok = False; break
    print(f"      {text[hit][:160]}")
    pos = hit + 1
    if name == "rrcSetup": last_setup = pos
    t[name] = text[hit][:26]
found = next((l[:26] for l in text if "Cell search found" in l), None)
if ok and found:
    f = lambda s: datetime.datetime.fromisoformat(s)
    print(f"      attach time: cell found -> rrcSetupComplete {(f(t['rrcSetupComplete']) - f(found)).total_seconds() * 1000:.1f} ms")
sys.exit(0 if ok else 1)
PY
  done
  n=$(grep -c "RRCSetupComplete (transaction" "$DIR/gnbd.log")
  if [ "$n" -ge "$NLOGS" ]; then
    echo "ok    gnbd decoded $n RRCSetupComplete:"; grep 'RRCSetupComplete (transaction' "$DIR/gnbd.log" | cut -c1-200 | sed 's/^/      /'
  else echo "MISS  gnbd decoded only $n RRCSetupComplete for $NLOGS attaches"; fails=$((fails+1)); fi
  [ "$UES" = 2 ] && grep -E "zmq\[gnb\]: peer (connected|joined)" "$DIR/gnbd.log" | cut -c1-200 | sed 's/^/      /'
fi
if [ "$RELEASE" = 1 ]; then
  echo "---- release after inactivity"
  milestone "gnbd sent RRCRelease" "inactive for [0-9]+ ms -> RRCRelease" "$DIR/gnbd.log"
  milestone "gnbd released the UE" ": released \(" "$DIR/gnbd.log"
  milestone "srsUE received RRCRelease" "SRB1 - Rx rrcRelease|Received RRC Release" "$DIR/ue.stdout" "$DIR/ue.log"
  EXPECT=release
fi
echo "---- srsUE errors, if any"
grep -hE "\[E\]|Error|error" "$DIR/ue.stdout" "$DIR/ue.log" 2>/dev/null | head -5
# Once connected, an error srsUE logs is a cell it cannot fully use (e.g. a search space asking for more CCEs than
# its CORESET has: "Error decoding DL NR-PDCCH" every slot). Its complaint that msg1-FrequencyStart does not suit LTE
# is not about NR and is left out.
case $EXPECT in setup|release)
  nerr=$(cat "$DIR"/ue*.log 2>/dev/null | grep -E "\[E\]" | grep -vc "is not compatible with LTE")
  if [ "$nerr" -eq 0 ]; then echo "ok    srsUE logged no error"
  else echo "MISS  srsUE logged $nerr error line(s), e.g.: $(cat "$DIR"/ue*.log | grep -E '\[E\]' | grep -v 'is not compatible with LTE' | head -1 | cut -c1-160)"; fails=$((fails+1)); fi;;
esac
[ -n "$KEEP" ] && echo "logs kept in $DIR"
[ "$HOOK_FAILS" -gt 0 ] && { echo "MISS  $HOOK_FAILS hook step(s) failed (above)"; fails=$((fails + HOOK_FAILS)); }
if [ $fails -eq 0 ]; then echo "interop: PASS ($EXPECT, PCI $PCI, $PRB PRB)"; exit 0; fi
echo "interop: FAIL ($fails milestone(s) missing)"; exit 1
