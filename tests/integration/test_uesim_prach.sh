#!/usr/bin/env bash
# gnbd hears the UE simulator's random-access preambles. uesim acquires SIB1 blind, reads its RACH-ConfigCommon
# (prach-ConfigurationIndex, root, zeroCorrelationZoneConfig, msg1-FrequencyStart, totalNumberOfRA-Preambles,
# TDD pattern) and sends preambles of random index in the next occasions, arriving a given number of samples late,
# optionally under AWGN. gnbd must log each one as "PRACH: preamble=<index> ... (<delay> samples) ... ra-rnti=...
# slot=<sfn>.<slot>" with the same index, frame and RA-RNTI, the delay within 1 sample of the one applied, and
# count exactly as many in `gnbctl metrics`. Cells: 15 kHz FDD (format 0, srsUE's index 0 and index 13, 52 and 106
# PRB), 30 kHz FDD (format 0 spanning two slots), 30 kHz n78 TDD (format B4 in the UL slot). Negative: UL noise
# and no preamble gives no detection.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"

# One gnbd + uesim run. Sets RC, OUT (uesim's output), LOG (gnbd's log), DET (prach.detections).
run_case() { # name "cell keys" band scs seconds [uesim args...]
  local name=$1 keys=$2 band=$3 scs=$4 secs=$5
  shift 5
  OUT=""; RC=99; DET=-1
  uesim_cell_start "$name" "$keys" "$band" "$scs" || return
  local ep=$EP gpid=$GPID
  OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds "$secs" --timeout 20 "$@" 2>&1)
  RC=$?
  for _ in $(seq 20); do # the last occasion's result may still be on its way to the MAC
    DET=$(metric "$ep" prach.detections)
    [ "$(metric "$ep" prach.occasions_reported)" = "$(metric "$ep" prach.occasions)" ] && break
    sleep 0.1
  done
  stop_and_wait $gpid TERM 5 >/dev/null
  grep -E "uesim: (PRACH|result)" <<<"$OUT" | head -8 | sed 's/^/    /'
  grep -E "PRACH: preamble" "$LOG" | head -8 | sed 's/.*\] /    gnbd: /'
}

# Every preamble uesim sent appears in gnbd's log with the same index, SFN and RA-RNTI, the delay within the
# tolerance (1 sample without noise; 1.04 us, 38.104 8.4's bound, under noise); and nothing else was detected.
matches() { # uesim-output gnbd-log tolerance-samples
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
sent = re.findall(r"PRACH sent: preamble=(\d+) sfn=(\d+) .* delay=(\d+) ra-rnti=(0x[0-9a-f]+)", sys.argv[1])
heard = re.findall(r"PRACH: preamble=(\d+) ta=\S+ us \((-?[\d.]+) samples\) .* ra-rnti=(0x[0-9a-f]+) slot=(\d+)\.",
                   open(sys.argv[2]).read())
ok = len(sent) > 0 and len(sent) == len(heard)
for v, sfn, d, rnti in sent:
    hit = [h for h in heard if h[0] == v and h[3] == sfn and h[2] == rnti and abs(float(h[1]) - float(d)) <= float(sys.argv[3])]
    print(f"    preamble {v} sfn {sfn} delay {d}: {'heard ' + hit[0][1] + ' samples' if hit else 'NOT HEARD'}")
    ok = ok and len(hit) == 1
print(f"    {len(sent)} sent, {len(heard)} detected")
sys.exit(0 if ok else 1)
PY
}

TDD="duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"
# name "cell keys" band scs seconds preambles delay tolerance(samples) [extra uesim args]
cases=(
  "fdd52|pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 0;|3|15|0.6|2|7|1|"
  "fdd106|pci = 500; dl_arfcn = 368500; bandwidth_mhz = 20; coreset0_index = 12; prach_config_index = 13;|3|15|0.3|5|23|24|--ul-snr 0 --seed 7"
  "fdd25|pci = 77; dl_arfcn = 368500; bandwidth_mhz = 5; coreset0_index = 0; prach_config_index = 14;|3|15|0.3|4|3|1|--ul-cfo 100"
  "n5_30k|pci = 501; dl_arfcn = 176300; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false; prach_config_index = 27;|5|30|0.2|4|19|1|"
  "n78_tdd|pci = 402; dl_arfcn = 632628; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false; prach_config_index = 159; $TDD|78|30|0.25|4|11|24|--ul-snr 5"
)
sweep_cases cases
for c in "${cases[@]}"; do
  IFS='|' read -r name keys band scs secs n delay tol extra <<<"$c"
  # shellcheck disable=SC2086
  run_case "$name" "$keys" "$band" "$scs" "$secs" --prach "$n" --prach-delay "$delay" $extra
  what="$name (n$band, $scs kHz, $n preambles $delay samples late${extra:+, $extra})"
  check "$what: uesim sent them" [ $RC -eq 0 ]
  check "$what: gnbd heard each with its index, frame, RA-RNTI and delay (+-$tol samples)" matches "$OUT" "$LOG" "$tol"
  check "$what: gnbctl metrics counts $n detections" [ "$DET" = "$n" ]
done

# Noise only (0 dB per PRACH subcarrier would be strong; this is plain AWGN at the UE's level): no detection.
run_case noise "pci = 3; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 27; srsue_compatible = false;" \
  3 15 0.5 --ul-snr 0 --sib1
check "noise, no preamble, 500 occasions: uesim ran" [ $RC -eq 0 ]
check "noise, no preamble, 500 occasions: no detection" [ "$DET" = "0" ]
check "noise, no preamble: occasions were searched" [ "$(grep -c 'PRACH: preamble' "$LOG")" = "0" ]
finish
