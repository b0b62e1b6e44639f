#!/usr/bin/env bash
# gnbd and the UE simulator over ZeroMQ (srsUE's sample protocol, lock-step): for several (PCI, bandwidth) cells,
# uesim is given only srsUE's facts (dl_nr_arfcn, ssb_nr_arfcn and nof_prb as gnbd --check-config prints them
# for srsUE, and the sample rate) and must find the PCI and MIB blind and decode every later PBCH with
# consecutive SFNs; gnbd's metrics must show the UL slots uesim sent. 30 kHz cells that srsUE cannot search are run
# the same way with the values --check-config derives (Case C on n78 TDD, Case B on n5); uesim gets the band and SCS
# as a UE's config would give them. Negative cases must fail: uesim searching
# one sync raster step (1.2 MHz) away, and gnbd deliberately wrong (GNBD_FAULT=phase: no 38.211 5.4 phase term;
# GNBD_FAULT=pbch_scrambling: PBCH scrambled for another cell ID). Usage errors exit 2.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
# The cell's band, DL ARFCN, SCS and extra keys (the 15 kHz reference cell unless a case changes them).
BAND=3; DL_ARFCN=368500; SCS=15; EXTRA=""
GSCN_STEP_ARFCN=240   # 38.104 5.4.3.1: below 3 GHz the SS raster step is 1.2 MHz = 240 NR-ARFCN of 5 kHz

write_zmq_config() { # path pci bandwidth_mhz coreset0 rate dl_port ul_port
  cat > "$1" <<CONF
cell: {
  pci = $2; band = $BAND; dl_arfcn = $DL_ARFCN; bandwidth_mhz = $3; scs_khz = $SCS;
  mcc = "001"; mnc = "01"; tac = 7; coreset0_index = $4; searchspace0_index = 0; $EXTRA
  $([ "$2" -gt 503 ] && echo 'srsue_compatible = false;  # srsUE cannot send PRACH for PCI > 503; uesim can search it')
};
radio: { device = "zmq"; args = "tx_port=tcp://127.0.0.1:$6,rx_port=tcp://127.0.0.1:$7,base_srate=$5";
         sample_rate = $5; };
log: { level = "info"; };
control: { endpoint = "ipc://$TMP/ctl-$2.sock"; };
CONF
}

# The value of `key = value` on --check-config's "srsUE:" line, or for a cell srsUE cannot search (no such line)
# the same value from the derived geometry lines.
srsue_value() { # check-config-output key
  local v
  v=$(sed -n "s/.*srsUE:.*[] ]$2 = \([0-9.e+]*\).*/\1/p" <<<"$1")
  if [ -z "$v" ]; then
    case $2 in
      ssb_nr_arfcn) v=$(sed -n 's/.*SS\/PBCH block: NR-ARFCN \([0-9]*\).*/\1/p' <<<"$1") ;;
      nof_prb) v=$(sed -n 's/.*carrier: \([0-9]*\) PRB.*/\1/p' <<<"$1") ;;
      srate) v=$(sed -n 's/.*sample_rate = \([0-9.e+]*\);.*/\1/p' <<<"$1" | head -1) ;;
    esac
  fi
  echo "$v"
}

# One gnbd + uesim run. Sets RUN_RC (uesim's exit status), RUN_OUT (its output), GNBD_RC, SLOTS_UL (gnbd's UL
# slots processed) and RUN_LOG (gnbd's log file).
run_case() { # name pci bandwidth_mhz coreset0 rate fault ssb_arfcn_shift [uesim args...]
  local name=$1 pci=$2 bw=$3 c0=$4 rate=$5 fault=$6 ssb_shift=$7
  shift 7
  local conf="$TMP/$name.conf" ports dl ul cc ssb prb srate kssb
  RUN_RC=99; RUN_OUT=""; GNBD_RC=99; SLOTS_UL=0   # what a run that never started leaves
  ports=$(free_ports); dl=${ports% *}; ul=${ports#* }
  write_zmq_config "$conf" "$pci" "$bw" "$c0" "$rate" "$dl" "$ul"
  cc=$("$GNBD" --check-config "$conf" 2>&1) || { fail "$name: --check-config failed"; echo "$cc" | tail -5; return 1; }
  ssb=$(srsue_value "$cc" ssb_nr_arfcn); prb=$(srsue_value "$cc" nof_prb); srate=$(srsue_value "$cc" srate)
  kssb=$(sed -n 's/.*k_SSB \([0-9]*\).*/\1/p' <<<"$cc")
  echo "  $name: PCI $pci, n$BAND $bw MHz at $SCS kHz: UE settings ssb_nr_arfcn=$ssb nof_prb=$prb srate=$srate (k_SSB $kssb)" \
       "${fault:+GNBD_FAULT=$fault}$([ "$ssb_shift" -ne 0 ] && echo "uesim told SSB ARFCN $((ssb + ssb_shift))")"
  RUN_LOG="$TMP/$name-gnbd.log"
  GNBD_FAULT=$fault "$GNBD" -c "$conf" 2>"$RUN_LOG" &
  local gpid=$!; PIDS+=($gpid)
  wait_ready "ipc://$TMP/ctl-$pci.sock" 30 || fail "$name: gnbd answers status within 5 s"
  RUN_OUT=$("$UESIM" --dl-arfcn $DL_ARFCN --ssb-arfcn $((ssb + ssb_shift)) --nof-prb "$prb" --srate "$srate" \
            --band $BAND --scs $SCS --tx "tcp://127.0.0.1:$ul" --rx "tcp://127.0.0.1:$dl" --timeout 20 \
            --expect-pci "$pci" \
            --expect-mib "scs=$SCS,k_ssb=$kssb,dmrs_typeA=pos2,coreset0=$c0,ss0=0,barred=no,intra_freq=allowed" \
            "$@" 2>&1)
  RUN_RC=$?
  sed 's/^/    /' <<<"$RUN_OUT" | grep -v "PBCH t=" | head -8
  SLOTS_UL=$("$GNBCTL" -s "ipc://$TMP/ctl-$pci.sock" raw '{"cmd":"metrics"}' 2>/dev/null |
             python3 -c 'import json,sys; print(json.load(sys.stdin)["slots"]["ul_processed"])' 2>/dev/null)
  stop_and_wait $gpid TERM 5; GNBD_RC=$?
}

# 0. Usage errors: nothing to connect to, exit 2.
"$UESIM" --dl-arfcn $DL_ARFCN >/dev/null 2>&1; rc=$?
check "uesim without --ssb-arfcn/--nof-prb/--srate exits 2" [ $rc -eq 2 ]
"$UESIM" --dl-arfcn $DL_ARFCN --ssb-arfcn 368411 --nof-prb 52 --srate 11.52e6 >/dev/null 2>&1; rc=$?
check "uesim with the SSB 5 kHz off the subcarrier grid exits 2" [ $rc -eq 2 ]

# 1. Cells found blind, MIB as configured, every later PBCH decoded with consecutive SFNs.
cells15=("1 10 6 11.52e6" "500 20 12 23.04e6" "77 5 0 5.76e6" "1007 15 6 15.36e6")
sweep_cases cells15
for c in "${cells15[@]}"; do
  set -- $c
  run_case "pci$1" "$1" "$2" "$3" "$4" "" 0 --seconds 1 --json
  json=$(tail -1 <<<"$RUN_OUT")
  check "PCI $1, $2 MHz: uesim exits 0" [ $RUN_RC -eq 0 ]
  check "PCI $1, $2 MHz: cell found with PCI $1" grep -q "cell found: PCI=$1 " <<<"$RUN_OUT"
  check "PCI $1, $2 MHz: MIB coreset0=$3 printed" grep -q "MIB: .*coreset0=$3 ss0=0 barred=no" <<<"$RUN_OUT"
  check "PCI $1, $2 MHz: >= 90 PBCHs OK, none failed (JSON)" python3 -c "import json,sys
j = json.loads(sys.argv[1]); sys.exit(not (j['pass'] and j['pci'] == $1 and j['pbch_ok'] >= 90 and j['pbch_failed'] == 0))" "$json"
  check "PCI $1, $2 MHz: gnbd processed the UL slots uesim sent (${SLOTS_UL:-?} >= 990)" [ "${SLOTS_UL:-0}" -ge 990 ]
  check "PCI $1, $2 MHz: gnbd stopped cleanly" [ $GNBD_RC -eq 0 ]
done

# 1b. 30 kHz: Case C on n78 TDD (L_max 8; --check-config's derived values, srsUE has no settings for it) and Case B
#     on n5, at 20 and 10 MHz.
TDD='duplex = "tdd"; srsue_compatible = false; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };'
cells30=("78 632628 $TDD|402 20 2 23.04e6" "5 176300 srsue_compatible = false;|501 20 2 23.04e6"
         "5 176300 srsue_compatible = false;|9 10 0 11.52e6")
sweep_cases cells30
for c in "${cells30[@]}"; do
  read -r BAND DL_ARFCN EXTRA <<<"${c%|*}"; SCS=30
  set -- ${c#*|}
  run_case "pci$1-30k" "$1" "$2" "$3" "$4" "" 0 --seconds 0.5 --json
  json=$(tail -1 <<<"$RUN_OUT")
  what="PCI $1, n$BAND $2 MHz at 30 kHz (Case $([ "$BAND" = 78 ] && echo C || echo B))"
  check "$what: uesim exits 0" [ $RUN_RC -eq 0 ]
  check "$what: cell found with PCI $1, MIB scs=30 coreset0=$3" \
    grep -q "MIB: .*scs=30 .*coreset0=$3 ss0=0" <<<"$RUN_OUT"
  check "$what: >= 40 PBCHs OK, none failed (JSON)" python3 -c "import json,sys
j = json.loads(sys.argv[1]); sys.exit(not (j['pass'] and j['pci'] == $1 and j['pbch_ok'] >= 40 and j['pbch_failed'] == 0))" "$json"
  check "$what: gnbd stopped cleanly" [ $GNBD_RC -eq 0 ]
done
BAND=3; DL_ARFCN=368500; SCS=15; EXTRA=""

# 2. The SSB searched one sync raster step away: no cell (srsUE searches only the SSB frequency it is told).
run_case wrongssb 1 10 6 11.52e6 "" $GSCN_STEP_ARFCN --seconds 1
check "SSB one raster step away: uesim exits 1" [ $RUN_RC -eq 1 ]
check "SSB one raster step away: no cell found" grep -q "no cell found" <<<"$RUN_OUT"

# 3. gnbd without the 38.211 5.4 phase term: the PBCH still passes its CRC, the phase coherence check does not.
run_case faultphase 1 10 6 11.52e6 phase 0 --seconds 0.5
check "GNBD_FAULT=phase: gnbd said so" grep -q "GNBD_FAULT=phase" "$RUN_LOG"
check "GNBD_FAULT=phase: uesim exits 1" [ $RUN_RC -eq 1 ]
check "GNBD_FAULT=phase: failed on the phase check" grep -q "FAIL: .*phase" <<<"$RUN_OUT"

# 4. gnbd scrambling the PBCH with a wrong c_init: no PBCH decodes (38.211 7.3.3.1: no cell) or its payload
#    descrambles wrong (38.212 7.1.2: wrong MIB/SFN); either way the run fails.
run_case faultscr 1 10 6 11.52e6 pbch_scrambling 0 --seconds 0.5
check "GNBD_FAULT=pbch_scrambling: gnbd said so" grep -q "GNBD_FAULT=pbch_scrambling" "$RUN_LOG"
check "GNBD_FAULT=pbch_scrambling: uesim exits 1" [ $RUN_RC -eq 1 ]
check "GNBD_FAULT=pbch_scrambling: the result says FAIL" grep -q "result: FAIL" <<<"$RUN_OUT"

finish
