#!/usr/bin/env bash
# `gnbd --srsue-config`: the srsUE configuration printed for a cell.
#  - conf/srsue/ holds exactly one file per shipped ZeroMQ cell (conf/gnbd.conf, conf/examples/*.conf with
#    device "zmq"), each byte for byte what gnbd prints for it now (fails when a file is stale or missing);
#  - another cell (106 PRB, PCI 500, other ports, ARFCNs and PLMN) changes every derived value, each checked
#    against the value written in the gnbd config, not against gnbd's own derivation;
#  - ports: wildcard binds, the UE's rate vs gnbd's faster wire rate, --srsue-log;
#  - cells srsUE cannot attach to still print, with the reasons first; invalid files: the --check-config
#    errors on stderr, nothing on stdout, exit 78.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

# A key's value in an srsUE file: section, key.
ini() { # file section key
  awk -v s="[$2]" -v k="$3" '
    /^\[/ { in_s = ($0 == s); next }
    in_s && $0 !~ /^#/ { split($0, kv, " = "); if (kv[1] == k) { print substr($0, length(k) + 4); exit } }' "$1"
}
has() { # description, file, section, key, expected
  local got; got=$(ini "$2" "$3" "$4")
  if [ "$got" = "$5" ]; then ok "$1: [$3] $4 = $5"; else fail "$1: [$3] $4 is \"$got\", expected \"$5\""; fi
}

# ---- the shipped cells and conf/srsue/
shipped=0
for cell in conf/gnbd.conf conf/examples/*.conf; do
  device=$(sed -n 's/^[[:space:]]*device[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$cell" | head -1)
  [ "$device" = zmq ] || continue
  shipped=$((shipped + 1))
  want="conf/srsue/$(basename "$cell")"
  if [ ! -f "$want" ]; then fail "$want missing (gnbd --srsue-config $cell > $want)"; continue; fi
  "$GNBD" --srsue-config "$cell" > "$TMP/now.conf" 2> "$TMP/now.err"; rc=$?
  check "$cell: --srsue-config exits 0 and warns nothing" test "$rc" = 0 -a ! -s "$TMP/now.err"
  if cmp -s "$TMP/now.conf" "$want"; then ok "$want is what gnbd prints for $cell"
  else fail "$want is stale: regenerate with gnbd --srsue-config $cell > $want"; diff "$want" "$TMP/now.conf" | head -10; fi
done
check "at least conf/gnbd.conf and one ZeroMQ example are shipped cells ($shipped)" test "$shipped" -ge 2
for f in conf/srsue/*.conf; do
  b=$(basename "$f")
  check "$f belongs to a shipped cell" test -f "conf/$b" -o -f "conf/examples/$b"
done

# The shipped cell's file against conf/gnbd.conf's own settings.
ref=conf/srsue/gnbd.conf
args=$(sed -n 's/^[[:space:]]*args[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' conf/gnbd.conf)
dl=$(sed -n 's/.*tx_port=\([^,]*\).*/\1/p' <<<"$args"); ul=$(sed -n 's/.*rx_port=\([^,]*\).*/\1/p' <<<"$args")
has "shipped" "$ref" rf device_name zmq
has "shipped" "$ref" rf device_args "tx_port=$ul,rx_port=$dl,id=ue,base_srate=11.52e6"
has "shipped" "$ref" rf srate 11.52e6
has "shipped" "$ref" rat.nr dl_nr_arfcn "$(sed -n 's/^[[:space:]]*dl_arfcn = \([0-9]*\);.*/\1/p' conf/gnbd.conf)"
has "shipped" "$ref" rat.nr ssb_nr_arfcn 368410   # srsUE's own default SSB for 368500 (its ue.conf example)
has "shipped" "$ref" rat.nr nof_prb 52
has "shipped" "$ref" rat.eutra nof_carriers 0
has "shipped" "$ref" usim imsi 001010123456780
has "shipped" "$ref" usim opc 63BFA50EE6523365FF14C1F45F88737D
has "shipped" "$ref" log filename ue.log

# ---- another cell: every value moves
cat > "$TMP/other.conf" <<'CONF'
cell: { pci = 500; band = 3; dl_arfcn = 369000; ssb_arfcn = 369150; bandwidth_mhz = 20; scs_khz = 15;
        mcc = "999"; mnc = "070"; coreset0_index = 12; };
radio: { device = "zmq"; args = "tx_port=tcp://127.0.0.1:2100,rx_port=tcp://127.0.0.1:2101"; };
CONF
"$GNBD" --srsue-config "$TMP/other.conf" --srsue-log /var/tmp/x/ue-500.log > "$TMP/other.ue" 2> "$TMP/other.err"
check "other cell: exit 0, nothing on stderr" test $? = 0 -a ! -s "$TMP/other.err"
o=$TMP/other.ue
has "other" "$o" rf device_args "tx_port=tcp://127.0.0.1:2101,rx_port=tcp://127.0.0.1:2100,id=ue,base_srate=23.04e6"
has "other" "$o" rf srate 23.04e6
has "other" "$o" rat.nr bands 3
has "other" "$o" rat.nr nof_prb 106
has "other" "$o" rat.nr max_nof_prb 106
has "other" "$o" rat.nr dl_nr_arfcn 369000
has "other" "$o" rat.nr ssb_nr_arfcn 369150
has "other" "$o" rat.nr scs 15
has "other" "$o" usim imsi 999070123456780
has "other" "$o" log filename /var/tmp/x/ue-500.log
check "other cell: no 'cannot attach' note" bash -c "! grep -q 'CANNOT ATTACH' '$o'"
check "other cell: every section srsUE needs" bash -c "for s in rf rat.eutra rat.nr rrc usim log pcap gw gui; do
  grep -qx \"\\[\$s\\]\" '$o' || exit 1; done"

# ---- ports and rates
cat > "$TMP/wild.conf" <<'CONF'
cell: { pci = 3; band = 3; dl_arfcn = 368500; bandwidth_mhz = 10; mcc = "001"; mnc = "01"; };
radio: { device = "zmq"; args = "tx_port=tcp://*:2200,rx_port=tcp://localhost:2201"; sample_rate = 23.04e6; };
CONF
"$GNBD" --srsue-config "$TMP/wild.conf" > "$TMP/wild.ue" 2>/dev/null
has "wildcard bind, 2x wire rate" "$TMP/wild.ue" rf device_args \
  "tx_port=tcp://127.0.0.1:2201,rx_port=tcp://127.0.0.1:2200,id=ue,base_srate=23.04e6"
has "wildcard bind, 2x wire rate" "$TMP/wild.ue" rf srate 11.52e6

# ---- cells srsUE cannot attach to: printed, with the reasons first
"$GNBD" --srsue-config conf/examples/b210-n78-tdd-40mhz.conf > "$TMP/n78.ue" 2> "$TMP/n78.err"; rc=$?
check "n78 TDD 30 kHz: still printed, exit 0" test "$rc" = 0 -a -s "$TMP/n78.ue"
check "n78: stderr says srsUE cannot attach" grep -q "srsUE cannot attach" "$TMP/n78.err"
check "n78: the reasons (SCS, TDD) open the file" bash -c "head -12 '$TMP/n78.ue' | grep -q 'CANNOT ATTACH' &&
  head -12 '$TMP/n78.ue' | grep -q '^#   cell.scs_khz:' && head -12 '$TMP/n78.ue' | grep -q '^#   cell.duplex:'"
has "n78" "$TMP/n78.ue" rat.nr scs 30
has "n78" "$TMP/n78.ue" rat.nr bands 78
has "n78" "$TMP/n78.ue" rf device_name uhd
cat > "$TMP/null.conf" <<'CONF'
cell: { pci = 1; band = 3; dl_arfcn = 368500; mcc = "001"; mnc = "01"; };
radio: { device = "null"; };
CONF
"$GNBD" --srsue-config "$TMP/null.conf" > "$TMP/null.ue" 2>/dev/null
check "null radio: named as the reason" grep -q '^#   radio.device: "null" sends no samples' "$TMP/null.ue"

# ---- invalid files: the same errors as --check-config, exit 78, no srsUE file
printf 'cell: { pci = 2000; band = 3; dl_arfcn = 368500; mcc = "001"; mnc = "01"; };\n' > "$TMP/bad.conf"
"$GNBD" --srsue-config "$TMP/bad.conf" > "$TMP/bad.out" 2> "$TMP/bad.err"; rc=$?
"$GNBD" --check-config "$TMP/bad.conf" > /dev/null 2> "$TMP/bad.check"
check "invalid: exit 78" test "$rc" = 78
check "invalid: nothing on stdout" test ! -s "$TMP/bad.out"
check "invalid: stderr names file:line: key" grep -q "bad.conf:1: cell.pci: " "$TMP/bad.err"
check "invalid: stderr as --check-config's" cmp -s "$TMP/bad.err" "$TMP/bad.check"
"$GNBD" --check-config conf/gnbd.conf --srsue-log x.log > /dev/null 2>&1
check "--srsue-log without --srsue-config: usage error 2" test $? = 2

finish
