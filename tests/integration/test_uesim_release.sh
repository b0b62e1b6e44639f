#!/usr/bin/env bash
# Release after inactivity (docs/ARCHITECTURE.md §4.2) with the UE simulator: gnbd with rrc.max_ues = 1 and
# rrc.inactivity_timer_s = 1; uesim --attach 2 --until-release: the first UE attaches, stays connected and must
# receive an RRCRelease on SRB1 (DL-DCCH through gnbd's PDCP and RLC AM, decoded by uesim) about 1 s of stream after
# its RRCSetupComplete; only then does the second UE start, and it must get RRCSetup (not RRCReject), because the
# release freed the one place. gnbd's log must show each RRCRelease and release, gnbctl metrics rrc.releases 2.
# Negative: with rrc.inactivity_timer_s = 0 (never) the UE waits in vain and the run fails.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
CELL="pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;"

run_case() { # name "extra groups" uesim args...
  local name=$1 extra=$2
  shift 2
  OUT=""; RC=99; RELEASES=-1
  uesim_cell_start "$name" "$CELL" 3 15 "$extra" || return
  local ep=$EP gpid=$GPID
  OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds 4 --timeout 60 "$@" 2>&1)
  RC=$?
  sleep 0.3 # the last messages on their way to the RRC stage
  RELEASES=$(metric "$ep" rrc.releases 2>/dev/null)
  stop_and_wait $gpid TERM 5 >/dev/null
  grep -aE "uesim: (RRCRelease|attach: ue=.*result|RRCReject)" <<<"$OUT" | sed 's/^/    /'
  grep -aE "RRCSetupRequest|RRCRelease|released \(" "$LOG" | cut -c1-160 | sed 's/.*\] /    gnbd: /'
}

run_case release "rrc: { max_ues = 1; inactivity_timer_s = 1; };" --attach 2 --until-release 3
check "max_ues 1, inactivity 1 s: both UEs attached and were released (uesim verdict)" [ $RC -eq 0 ]
check "uesim decoded two RRCReleases on SRB1" [ "$(grep -ac 'uesim: RRCRelease received' <<<"$OUT")" = 2 ]
check "each RRCRelease came 1000..1100 ms of stream after the attach" python3 - "$OUT" <<'PY'
import re, sys
ms = [float(x) for x in re.findall(r"RRCRelease received: .* ([\d.]+) ms after the attach", sys.argv[1])]
print(f"    after the attach: {ms} ms")
sys.exit(0 if len(ms) == 2 and all(1000 <= m <= 1100 for m in ms) else 1)
PY
check "gnbd: two RRCReleases sent after 1000 ms of inactivity" \
  [ "$(grep -c 'inactive for 1000 ms -> RRCRelease (2 bytes) on SRB1' "$LOG")" = 2 ]
check "gnbd: both contexts released, the place freed each time" \
  [ "$(grep -c ': released (.*); 0 of 1 UEs hold an RRC context' "$LOG")" = 2 ]
check "gnbd: the second UE got RRCSetup, nobody RRCReject" \
  bash -c 'grep -q "0x4602: RRCSetupRequest .* -> RRCSetup" "$1" && ! grep -q "RRCReject" "$1"' _ "$LOG"
check "gnbctl metrics: rrc.releases 2" [ "$RELEASES" = 2 ]

# Negative: no inactivity timer, no release: the UE's wait fails the run.
run_case never "rrc: { max_ues = 1; inactivity_timer_s = 0; };" --attach 1 --until-release 1
check "inactivity_timer_s 0: no RRCRelease, uesim fails" [ $RC -eq 1 ]
check "inactivity_timer_s 0: uesim says why" grep -aq "no RRCRelease within 1000 ms" <<<"$OUT"
check "inactivity_timer_s 0: gnbd sent none" bash -c '! grep -q "RRCRelease" "$1"' _ "$LOG"
finish
