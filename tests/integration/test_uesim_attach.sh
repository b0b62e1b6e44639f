#!/usr/bin/env bash
# The UE simulator attaches to gnbd: random access and RRC setup (uesim --attach, tests/uesim/ue_attach.h). uesim
# finds the cell blind, reads SIB1 and, for each UE in turn (its own random ue-Identity): preamble, RAR in the
# ra-SearchSpace, Msg3 with the timing advance applied, Msg4 contention resolution, HARQ-ACK on the common PUCCH,
# RRCSetup applied, UL grants (DCI 0_0) and SR, RRCSetupComplete over PDCP + RLC AM, until gnbd's RLC STATUS
# acknowledges it. Each case checks uesim's verdict and milestones, gnbd's log (each UE's RRCSetupRequest with the
# identity uesim sent, its decoded RRCSetupComplete with the NAS length, the PUSCH timing after TA within 1 sample
# when UL is late) and gnbctl metrics (rrc.setups_complete, ra.msg4_acked). Cells: 15 kHz FDD 52 PRB (band 3) two
# UEs 7 samples late; 30 kHz n78 TDD two UEs; 15 kHz FDD 25 PRB PCI 77 and 106 PRB PCI 500. Negative: gnbd's
# test.msg4_con_res_fault -> the UE sees the identity mismatch (at each of preambleTransMax attempts), sends no
# HARQ-ACK nor RRCSetupComplete, and gnbd counts no completed setup; rrc.max_ues = 1 with two UEs -> the second gets RRCReject.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"

# One gnbd + uesim run. Sets RC, OUT (uesim's output), LOG (gnbd's log), DONE (rrc.setups_complete), ACKED
# (ra.msg4_acked).
run_case() { # name "cell keys" band scs seconds "extra groups" [uesim args...]
  local name=$1 keys=$2 band=$3 scs=$4 secs=$5 extra=$6
  shift 6
  OUT=""; RC=99; DONE=-1; ACKED=-1; REJECTS=-1; MSG4_FAILED=-1
  uesim_cell_start "$name" "$keys" "$band" "$scs" "$extra" || return
  local ep=$EP gpid=$GPID prev="" cur
  OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds "$secs" --timeout 20 "$@" 2>&1)
  RC=$?
  if ! kill -0 "$gpid" 2>/dev/null; then
    fail "$name: gnbd still running when uesim ended"; tail -5 "$LOG" | sed 's/^/    gnbd: /'; return
  fi
  for _ in $(seq 20); do # the last UL slots may still be on their way to the MAC and the RRC stage
    cur="$(metric "$ep" rrc.setups_complete 2>/dev/null) $(metric "$ep" ra.msg4_acked 2>/dev/null)"
    [ "$cur" = "$prev" ] && break
    prev=$cur
    sleep 0.2
  done
  DONE=${cur% *}; ACKED=${cur#* }
  REJECTS=$(metric "$ep" rrc.rejects 2>/dev/null); MSG4_FAILED=$(metric "$ep" ra.msg4_failed 2>/dev/null)
  stop_and_wait $gpid TERM 5 >/dev/null
  grep -aE "uesim: (RAR|Msg4|RRCReject|RRCSetupComplete ack|attach: ue=.* expected|result)" <<<"$OUT" | sed 's/^/    /'
  grep -aE "RRCSetupRequest|RRCSetupComplete" "$LOG" | cut -c1-160 | sed 's/.*\] /    gnbd: /'
}

# gnbd heard what uesim says it did: every Msg3 identity uesim sent is in an RRCSetupRequest line; every UE uesim
# saw acknowledged has its RRCSetupComplete (selectedPLMN-Identity 1, NAS of --nas-bytes) on its C-RNTI in gnbd's
# log; with a delay, every PUSCH gnbd decoded for a C-RNTI arrived within max_ta_us (the TA cancelled the delay).
gnbd_agrees() { # uesim-output gnbd-log nas-bytes max-ta-us
  python3 - "$1" "$2" "$3" "$4" <<'PY'
import re, sys
out, log, nas, tol = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3], float(sys.argv[4])
ids = re.findall(r"Msg3 sent: ue=\d+ tc-rnti=(0x[0-9a-f]+) .* ue-Identity=0x([0-9a-f]+)", out)
acked = re.findall(r"RRCSetupComplete acknowledged .*c-rnti=(0x[0-9a-f]+)", out)
ok = len(ids) > 0
for rnti, ident in ids:
    hit = re.search(rf"{rnti}: RRCSetupRequest \(ue-Identity randomValue 0x0*{ident.lstrip('0')},", log)
    print(f"    Msg3 {rnti} identity 0x{ident}: {'heard' if hit else 'NOT HEARD'}")
    ok = ok and bool(hit)
for rnti in acked:
    hit = re.search(rf"{rnti}: RRCSetupComplete \(transaction 0, selectedPLMN-Identity 1\): connected on SRB1; "
                    rf"dedicatedNAS-Message {nas} bytes", log)
    print(f"    RRCSetupComplete {rnti}: {'decoded by gnbd' if hit else 'NOT IN GNBD LOG'}")
    ok = ok and bool(hit)
tas = [float(t) for t in re.findall(r"PUSCH: c-rnti=0x[0-9a-f]+ slot=\S+ crc=OK .*? ta=(-?[\d.]+) us", log)]
if tol > 0:
    print(f"    PUSCH timing after TA: {tas} us (|ta| <= {tol})")
    ok = ok and len(tas) > 0 and all(abs(t) <= tol for t in tas)
sys.exit(0 if ok else 1)
PY
}

TDD="duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"
# name|cell keys|band|scs|seconds|extra groups|UEs|expect|ul delay (samples)|max |ta| after TA (us)|extra uesim args
# (fdd106 sends a 3000-byte NAS message: an RRCSetupComplete far larger than one grant, segmented by RLC AM)
cases=(
  "fdd52|pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;|3|15|0.5||2|ok|7|0.1|"
  "n78_tdd|pci = 402; dl_arfcn = 632628; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false; prach_config_index = 159; $TDD|78|30|0.5||2|ok|11|0.1|"
  "fdd25|pci = 77; dl_arfcn = 368500; bandwidth_mhz = 5; coreset0_index = 0; prach_config_index = 14;|3|15|0.4||1|ok|0|0|--nas-bytes 23 --seed 5"
  "fdd106|pci = 500; dl_arfcn = 368500; bandwidth_mhz = 20; coreset0_index = 12; prach_config_index = 13;|3|15|0.5||1|ok|3|0.3|--ul-snr 20 --nas-bytes 3000"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name keys band scs secs extra n expect delay tol args <<<"$c"
  # shellcheck disable=SC2086
  run_case "$name" "$keys" "$band" "$scs" "$secs" "$extra" --attach "$n" --ul-delay "$delay" $args
  nas=$(sed -n 's/.*--nas-bytes \([0-9]*\).*/\1/p' <<<"$args"); nas=${nas:-150}
  what="$name (n$band, $scs kHz, $n UE(s) $delay samples late${args:+, $args})"
  check "$what: uesim: every UE attached" [ $RC -eq 0 ]
  check "$what: uesim printed $n acknowledged RRCSetupComplete" \
    [ "$(grep -ac 'RRCSetupComplete acknowledged' <<<"$OUT")" = "$n" ]
  check "$what: gnbd logged each Msg3 identity and RRCSetupComplete${tol:+, PUSCH |ta| <= $tol us}" \
    gnbd_agrees "$OUT" "$LOG" "$nas" "${tol:-0}"
  check "$what: gnbctl metrics: rrc.setups_complete = ra.msg4_acked = $n" [ "$DONE $ACKED" = "$n $n" ]
  check "$what: uesim: every DCI 0_1/1_1 usable, each 0_1's 1st DAI counts its PUSCH's HARQ-ACK (38.213 9.1.3.2)" \
    bash -c '! grep -aqE "not usable|1st DAI" <<<"$1"' _ "$OUT"
done

# Negative: gnbd corrupts Msg4's contention resolution identity. The UE sees it each time and retries random access
# (38.321 5.1.5) until preambleTransMax: conres-fail.
run_case conres "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;" 3 15 0.3 \
  "test: { msg4_con_res_fault = true; };" --attach 1 --expect-attach conres-fail
check "con-res fault: uesim saw the identity mismatch (and expected it)" [ $RC -eq 0 ]
check "con-res fault: uesim printed the failure" grep -aq "contention resolution FAILED (identity mismatch)" <<<"$OUT"
check "con-res fault: no HARQ-ACK, no RRCSetupComplete sent" \
  bash -c '! grep -aqE "HARQ-ACK sent|RRCSetupComplete sent|PUSCH sent" <<<"$1"' _ "$OUT"
check "con-res fault: gnbd heard only DTX for Msg4" bash -c '! grep -q "Msg4 HARQ-ACK: .* ACK (valid" "$1"' _ "$LOG"
check "con-res fault: gnbctl metrics: rrc.setups_complete 0, ra.msg4_acked 0" [ "$DONE $ACKED" = "0 0" ]
check "con-res fault: gnbctl metrics: ra.msg4_failed counts the unresolved contentions ($MSG4_FAILED)" \
  [ "${MSG4_FAILED:-0}" -ge 1 ]

# Negative: one UE allowed; the second gets RRCReject with gnbd's waitTime.
run_case reject "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;" 3 15 0.5 \
  "rrc: { max_ues = 1; reject_wait_time_s = 7; };" --attach 2 --expect-attach ok,reject
check "max_ues 1, two UEs: first attached, second rejected (as expected)" [ $RC -eq 0 ]
check "max_ues 1: uesim read RRCReject waitTime=7" grep -aq "RRCReject waitTime=7: ue=2" <<<"$OUT"
check "max_ues 1: gnbd sent RRCReject to the second UE" grep -q "0x4602: RRCSetupRequest .* -> RRCReject" "$LOG"
check "max_ues 1: gnbctl metrics: rrc.setups_complete 1, rrc.rejects 1" [ "$DONE $REJECTS" = "1 1" ]

# Negative: a UE expecting a reject from a cell that accepts it fails the run (the verdict can fail).
run_case wrong "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;" 3 15 0.3 "" \
  --attach 1 --expect-attach reject
check "an unexpected outcome fails uesim" [ $RC -eq 1 ]
finish
