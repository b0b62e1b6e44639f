#!/usr/bin/env bash
# gnbd + the UE simulator as two processes over ZeroMQ: after the MIB, uesim acquires SIB1 blind (SI-RNTI PDCCH
# in SS#0, PDSCH, LDPC decode, CRC, BCCH-DL-SCH) and checks the configured PLMN, TAC and cell identity, for
# several PCIs, bandwidths (25/52/106 PRB) and CORESET#0 / searchSpaceZero rows. Negative: gnbd with
# GNBD_FAULT=pdsch_scrambling must make SIB1 fail while the cell is still found.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"

run_case() { # name pci bw coreset0 ss0 mcc mnc tac cell_id fault
  local name=$1 pci=$2 bw=$3 c0=$4 ss0=$5 mcc=$6 mnc=$7 tac=$8 cid=$9 fault=${10}
  local ports dl ul cc ssb prb srate
  ports=$(free_ports); dl=${ports% *}; ul=${ports#* }
  cat > "$TMP/$name.conf" <<CONF
cell: { pci = $pci; band = 3; dl_arfcn = 368500; bandwidth_mhz = $bw; scs_khz = 15; mcc = "$mcc"; mnc = "$mnc";
        tac = $tac; cell_id = $cid; coreset0_index = $c0; searchspace0_index = $ss0; };
radio: { device = "zmq"; args = "tx_port=tcp://127.0.0.1:$dl,rx_port=tcp://127.0.0.1:$ul"; };
control: { endpoint = "ipc://$TMP/$name.sock"; };
CONF
  cc=$("$GNBD" --check-config "$TMP/$name.conf" 2>&1) || { fail "$name: config valid"; echo "$cc" | tail -3; return; }
  val() { sed -n "s/.*srsUE:.*[] ]$1 = \([0-9.e+]*\).*/\1/p" <<<"$cc"; }
  ssb=$(val ssb_nr_arfcn); prb=$(val nof_prb); srate=$(val srate)
  GNBD_FAULT=$fault "$GNBD" -c "$TMP/$name.conf" 2>"$TMP/$name.log" &
  local gpid=$!; PIDS+=($gpid)
  wait_ready "ipc://$TMP/$name.sock" 5 || fail "$name: gnbd ready"
  OUT=$("$UESIM" --dl-arfcn 368500 --ssb-arfcn "$ssb" --nof-prb "$prb" --srate "$srate" --band 3 \
        --tx "tcp://127.0.0.1:$ul" --rx "tcp://127.0.0.1:$dl" --seconds 0.3 --timeout 20 --expect-pci "$pci" \
        --expect-sib1 2>&1); RC=$?
  stop_and_wait $gpid TERM 5 >/dev/null
  grep -E "uesim: (SIB1|cell found|result)" <<<"$OUT" | head -4 | sed 's/^/    /'
}

for c in "a 1 10 6 0 001 01 7 1" "b 500 20 12 0 999 99 4660 12345" "c 77 5 0 0 310 410 1 7" \
         "d 203 10 9 2 262 01 65535 68719476735" "e 33 20 13 4 001 001 16777215 2"; do
  set -- $c
  mnc_print=$7
  run_case "$@" ""
  check "$1: PCI $2, $3 MHz, CORESET#0 $4 / SS0 $5: uesim passes with SIB1" [ $RC -eq 0 ]
  check "$1: SIB1 carries PLMN $6-$mnc_print, TAC $8, cell id $9" \
    grep -q "uesim: SIB1: .*CRC=OK; plmn=$6-$mnc_print tac=$8 cell_id=$9 " <<<"$OUT"
  check "$1: no SIB1 CRC failure" grep -qE "uesim: SIB1: [1-9][0-9]* decoded;.* 0 CRC failed" <<<"$OUT"
done

run_case neg 1 10 6 0 001 01 7 1 pdsch_scrambling
check "GNBD_FAULT=pdsch_scrambling: gnbd said so" grep -q "GNBD_FAULT=pdsch_scrambling" "$TMP/neg.log"
check "GNBD_FAULT=pdsch_scrambling: the cell is still found" grep -q "uesim: cell found: PCI=1 " <<<"$OUT"
check "GNBD_FAULT=pdsch_scrambling: uesim fails SIB1 (exit 1)" [ $RC -eq 1 ]
check "GNBD_FAULT=pdsch_scrambling: no SIB1 decoded" grep -q "uesim: SIB1: 0 decoded" <<<"$OUT"
finish
