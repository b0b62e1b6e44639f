#!/usr/bin/env bash
# Many simulated UEs at once (issue 14): uesim --ues N, the UEs run random access in the same UL and each runs to
# RRCSetupComplete acknowledged by gnbd's RLC. Cells: 15 kHz FDD 52 PRB (band 3) and 30 kHz n78 TDD (keys as in
# test_uesim_attach.sh). Cases: 8 UEs over identity channels at once (TDD); 8 UEs each through its own
# channel (tests/uesim/channel.h: UL delays 0..21 samples, CFOs up to +-300 Hz at 15 kHz, SNRs 12..30 dB with DL
# noise on each UE's own receiver, starts spread over 80 ms); 2 UEs through 38.901 TDL-A fading (100 ns, 5 Hz)
# at 25 dB; 64 UEs at once over identity channels (FDD, rrc.max_ues = 64). Checks from both sides: every UE ok
# in uesim's verdict and 'uesim: N/N UEs RRC connected', gnbctl ues lists N setup-complete lines, gnbctl metrics
# rrc.setups_complete = N, no PUCCH reception dropped for want of room (mac.pucch_dropped = 0). Prints the stream time and wall time until all were connected.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"

run_case() { # name "cell keys" band scs seconds N "extra groups" [uesim args...]
  local name=$1 keys=$2 band=$3 scs=$4 secs=$5 prev="" cur t0 t1
  local groups=$7
  N=$6; shift 7
  OUT=""; RC=99; UES=""; DONE=-1; DROPPED=-1
  uesim_cell_start "$name" "$keys" "$band" "$scs" "$groups" || return
  local ep=$EP gpid=$GPID
  t0=$(date +%s.%N)
  OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds "$secs" --timeout 40 --ues "$N" "$@" 2>&1)
  RC=$?
  t1=$(date +%s.%N)
  WALL=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
  if ! kill -0 "$gpid" 2>/dev/null; then
    fail "$name: gnbd still running when uesim ended"; tail -5 "$LOG" | sed 's/^/    gnbd: /'; return
  fi
  for _ in $(seq 20); do # the last UL slots may still be on their way to the MAC and the RRC stage
    cur="$(metric "$ep" rrc.setups_complete 2>/dev/null)"
    [ "$cur" = "$prev" ] && break
    prev=$cur
    sleep 0.2
  done
  DONE=$cur
  DROPPED=$(metric "$ep" mac.pucch_dropped 2>/dev/null)
  UES=$("$GNBCTL" -s "$ep" ues 2>&1)
  stop_and_wait "$gpid" TERM 5 >/dev/null
  grep -aE "uesim: (attach: ue=|result)" <<<"$OUT" | cut -c1-150 | sed 's/^/    /'
  # stream time from the start of random access until the last UE was attached (uesim's per-UE "in X ms")
  LAST=$(grep -aoE "result=ok \(attached as 0x[0-9a-f]+ in [0-9.]+ ms" <<<"$OUT" | awk '{v=$6+0; if (v>m) m=v} END {print m+0}')
  echo "    $name: $N UEs: the slowest attached in ${LAST} ms of stream time; uesim wall time ${WALL} s"
}

FDD52="pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;"
CHAN="--ue-delay 0,3,6,9,12,15,18,21 --ue-cfo -300,300,-150,150,-75,75,0,250 --ue-snr 12,14,18,22,26,30,20,16"
TDD="duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"
cases=(
  "n78_tdd|pci = 402; dl_arfcn = 632628; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false; prach_config_index = 159; $TDD|78|30|1.0|8|"
  "fdd52_channels|$FDD52|3|15|1.2|8|$CHAN --start-spread 80"
  "fdd52_tdla|$FDD52|3|15|1.0|2|--fading tdla --fading-ds 100 --fading-doppler 5 --ue-snr 25,25"
  "fdd52_64|$FDD52|3|15|2.0|64||rrc: { max_ues = 64; };"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name keys band scs secs n args groups <<<"$c"
  read -r -a extra <<<"$args"
  run_case "$name" "$keys" "$band" "$scs" "$secs" "$n" "$groups" "${extra[@]}"
  what="$name (n$band, $scs kHz, $N UEs${args:+: $args})"
  check "$what: uesim: every UE ok" [ $RC -eq 0 ]
  check "$what: uesim: $N/$N UEs RRC connected" grep -q "uesim: $N/$N UEs RRC connected" <<<"$OUT"
  check "$what: uesim printed $N acknowledged RRCSetupComplete" \
    [ "$(grep -ac 'RRCSetupComplete acknowledged' <<<"$OUT")" = "$N" ]
  check "$what: gnbctl ues lists $N setup-complete lines" [ "$(grep -c " setup-complete" <<<"$UES")" = "$N" ]
  check "$what: gnbctl metrics: rrc.setups_complete = $N" [ "$DONE" = "$N" ]
  check "$what: gnbctl metrics: mac.pucch_dropped = 0" [ "$DROPPED" = 0 ]
done
finish
