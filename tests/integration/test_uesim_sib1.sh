#!/usr/bin/env bash
# gnbd + the UE simulator as two processes over ZeroMQ: after the MIB, uesim acquires SIB1 blind (CORESET#0 and
# the Type0-PDCCH occasions from the MIB and the block it found, SI-RNTI PDCCH in SS#0, DCI 1_0, PDSCH, LDPC,
# CRC, BCCH-DL-SCH) and checks the configured values (PLMN, TAC, cell identity, band, carrier, CORESET#0,
# searchSpaceZero, TDD pattern) for several PCIs, bandwidths (25/52/106 PRB at 15 kHz), CORESET#0 / searchSpaceZero
# rows and dmrs-TypeA-Positions, and for 30 kHz cells with Case B (n5 FDD) and Case C (n78 TDD) SSBs. uesim is
# told only what a UE's config says (ARFCNs, N_RB, rate, band, SCS), read from gnbd --check-config. Negative:
# gnbd with GNBD_FAULT=pdsch_scrambling must make SIB1 fail while the cell and MIB are still found.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"

# "name = value" of --check-config's derived lines.
derived() { # check-config-output sed-expression
  sed -n "$2" <<<"$1" | head -1
}

# One gnbd + uesim run. Sets RC (uesim's exit status), OUT (its output), LOG (gnbd's log).
run_case() { # name "cell keys" band scs expect-sib1 fault [uesim args...]
  local name=$1 keys=$2 band=$3 scs=$4 expect=$5 fault=$6
  shift 6
  local ports dl ul cc arfcn ssb prb srate
  ports=$(free_ports); dl=${ports% *}; ul=${ports#* }
  cat > "$TMP/$name.conf" <<CONF
cell: { $keys band = $band; scs_khz = $scs; };
radio: { device = "zmq"; args = "tx_port=tcp://127.0.0.1:$dl,rx_port=tcp://127.0.0.1:$ul"; };
control: { endpoint = "ipc://$TMP/$name.sock"; };
CONF
  OUT=""; RC=99; LOG="$TMP/$name.log"
  cc=$("$GNBD" --check-config "$TMP/$name.conf" 2>&1) || { fail "$name: config valid"; echo "$cc" | tail -3; return; }
  arfcn=$(derived "$cc" 's/.*carrier: .*(NR-ARFCN \([0-9]*\)), UL.*/\1/p')
  ssb=$(derived "$cc" 's/.*SS\/PBCH block: NR-ARFCN \([0-9]*\).*/\1/p')
  prb=$(derived "$cc" 's/.*carrier: \([0-9]*\) PRB.*/\1/p')
  srate=$(derived "$cc" 's/.*derived: sample_rate = \([0-9]*\).*/\1/p')
  echo "  $name: DL $arfcn, SSB $ssb, $prb PRB, $srate Hz, band n$band, $scs kHz${fault:+, GNBD_FAULT=$fault}"
  GNBD_FAULT=$fault "$GNBD" -c "$TMP/$name.conf" 2>"$LOG" &
  local gpid=$!; PIDS+=($gpid)
  wait_ready "ipc://$TMP/$name.sock" 30 || fail "$name: gnbd ready"
  OUT=$("$UESIM" --dl-arfcn "$arfcn" --ssb-arfcn "$ssb" --nof-prb "$prb" --srate "$srate" --band "$band" \
        --scs "$scs" --tx "tcp://127.0.0.1:$ul" --rx "tcp://127.0.0.1:$dl" --seconds 0.25 --timeout 20 \
        --expect-sib1 "$expect,band=$band,scs=$scs,carrier_prb=$prb" "$@" 2>&1); RC=$?
  stop_and_wait $gpid TERM 5 >/dev/null
  grep -E "uesim: (SIB1|cell found|MIB|result)" <<<"$OUT" | head -5 | cut -c1-230 | sed 's/^/    /'
}

TDD="tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"
REF="pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; mcc = \"001\"; mnc = \"01\"; tac = 7; coreset0_index = 6;"
# name pci bw band dl_arfcn scs coreset0 ss0 mcc mnc tac cell_id dmrs tdd(expected) [extra cell keys]
cells=(
  "a 1 10 3 368500 15 6 0 001 01 7 1 2 none"
  "b 500 20 3 368500 15 12 0 999 99 4660 12345 2 none"
  "c 77 5 3 368500 15 0 0 310 410 1 7 3 none srsue_compatible = false;"
  "d 203 10 3 368500 15 9 2 262 01 65535 68719476735 2 none"
  "e 33 20 3 368500 15 13 4 001 001 16777215 2 3 none srsue_compatible = false;"
  "f 402 20 78 632628 30 2 0 001 01 9 77 2 5000us/7/6/2/4 duplex = \"tdd\"; srsue_compatible = false; $TDD"
  "g 501 20 5 176300 30 2 0 001 02 12 3 2 none srsue_compatible = false;"
)
sweep_cases cells
for c in "${cells[@]}"; do
  read -r name pci bw band arfcn scs c0 ss0 mcc mnc tac cid dmrs tdd extra <<<"$c"
  keys="pci = $pci; dl_arfcn = $arfcn; bandwidth_mhz = $bw; mcc = \"$mcc\"; mnc = \"$mnc\"; tac = $tac;
        cell_id = $cid; coreset0_index = $c0; searchspace0_index = $ss0; dmrs_type_a_position = $dmrs; $extra"
  expect="plmn=$mcc-$mnc,tac=$tac,cell_id=$cid,coreset0=$c0,ss0=$ss0,tdd=$tdd"
  run_case "$name" "$keys" "$band" "$scs" "$expect" "" --expect-pci "$pci" \
    --expect-mib "scs=$scs,dmrs_typeA=$dmrs,coreset0=$c0,ss0=$ss0" --json
  what="$name: PCI $pci, n$band $bw MHz at $scs kHz, CORESET#0 $c0 / SS0 $ss0, DM-RS pos$dmrs"
  check "$what: uesim passes with SIB1 as configured" [ $RC -eq 0 ]
  check "$what: SIB1 printed with PLMN $mcc-$mnc, TAC $tac, cell id $cid" \
    grep -q "uesim: SIB1: .*CRC=OK; plmn=$mcc-$mnc tac=$tac cell_id=$cid " <<<"$OUT"
  check "$what: >= 10 SIB1s decoded, every PDSCH CRC OK (JSON)" python3 -c "import json, sys
j = json.loads(sys.argv[1].splitlines()[-1])['sib1']
sys.exit(not (j['decoded'] >= 10 and j['crc_failed'] == 0 and j['crc_ok'] == j['pdcch'] == j['decoded']))" "$OUT"
done

# Negative control for the checks themselves: a TAC other than the configured one must fail the run.
run_case wrongtac "$REF" 3 15 "plmn=001-01,tac=8" ""
check "expecting TAC 8 from a cell with TAC 7: uesim exits 1" [ $RC -eq 1 ]
check "expecting TAC 8 from a cell with TAC 7: the reason names the TAC" grep -q "FAIL: SIB1 tac is 7, expected 8" <<<"$OUT"

# gnbd scrambling its PDSCH with the wrong n_ID: cell and MIB found, no SIB1 decodes.
run_case neg "$REF" 3 15 "tac=7" pdsch_scrambling
check "GNBD_FAULT=pdsch_scrambling: gnbd said so" grep -q "GNBD_FAULT=pdsch_scrambling" "$LOG"
check "GNBD_FAULT=pdsch_scrambling: the cell and MIB are still found" grep -q "uesim: MIB: .*coreset0=6" <<<"$OUT"
check "GNBD_FAULT=pdsch_scrambling: the SI-RNTI PDCCH is still found, its PDSCH fails" \
  grep -q "uesim: SIB1 sfn=.*PDCCH AL8.*CRC failed" <<<"$OUT"
check "GNBD_FAULT=pdsch_scrambling: uesim fails (exit 1)" [ $RC -eq 1 ]
check "GNBD_FAULT=pdsch_scrambling: no SIB1 decoded" grep -q "uesim: SIB1: 0 decoded" <<<"$OUT"
finish
