#!/usr/bin/env bash
# gnbd decodes the UE simulator's PUSCH and PUCCH. gnbd runs the UL probe test mode (test.ul_probe: a fixed PUSCH +
# PUCCH schedule for one RNTI, mac/ul_probe.h); uesim acquires SIB1 blind, takes the UL carrier from it and sends
# the same schedule with its own UE-side code (--ul-probe, tests/uesim/ul_probe_tx.h), optionally late
# (--ul-delay) and under AWGN (--ul-snr: SNR per unit-energy RE). Every probe slot uesim sent must appear in gnbd's
# log: "PUSCH: rnti=... slot=<sfn>.<slot> ... crc=OK payload=ok ... (<ta> samples)" with the timing within 1 sample
# of the delay, and "PUCCH: rnti=... slot=... bits=<the bits sent> verdict=valid"; gnbctl metrics count exactly as
# many (pusch.crc_ok, pucch.valid) and nothing else (crc_failed, payload_errors, dtx, invalid, bit_errors 0).
# Cells: 15 kHz FDD 52 PRB (MCS 9 + F1), 15 kHz FDD 106 PRB (MCS 20 + F2 of 11 bits, 5 samples late, 20 dB per
# RE), 30 kHz n78 TDD (the wholly-UL slot 9 of each 5 ms period, PUSCH + F0 carrying a 1). Negative: uesim sends
# with another RNTI than gnbd expects: no PUSCH CRC holds, no F2 gives the bits sent as valid (Reed-Muller has no
# CRC: gnbd reads other bits as valid and counts bit_errors).
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"

# One gnbd + uesim run. Sets RC, OUT (uesim's output), LOG (gnbd's log), MET (the pusch/pucch metrics as JSON).
run_case() { # name "cell keys" "ul_probe keys" band scs seconds [uesim args...]
  local name=$1 keys=$2 probe=$3 band=$4 scs=$5 secs=$6
  shift 6
  OUT=""; RC=99; MET="{}"
  uesim_cell_start "$name" "$keys" "$band" "$scs" "test: { ul_probe: { $probe }; };" || return
  local ep=$EP gpid=$GPID
  OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds "$secs" --timeout 20 "$@" 2>&1)
  RC=$?
  local prev="" cur
  for _ in $(seq 20); do # the last probe slot's results may still be on their way to the MAC
    cur=$("$GNBCTL" -s "$ep" raw '{"cmd":"metrics"}' 2>/dev/null |
          python3 -c 'import json,sys
m = json.load(sys.stdin)
print(json.dumps({"pusch": m["pusch"], "pucch": m["pucch"]}))' 2>/dev/null)
    [ -n "$cur" ] && [ "$cur" = "$prev" ] && break
    prev=$cur
    sleep 0.2
  done
  MET=${cur:-"{}"}
  if ! kill -0 "$gpid" 2>/dev/null; then
    fail "$name: gnbd still running when uesim ended"; tail -5 "$LOG" | sed 's/^/    gnbd: /'
  fi
  stop_and_wait $gpid TERM 5 >/dev/null
  grep -E "uesim: (UL probe|PUSCH sent|PUCCH sent|result)" <<<"$OUT" | head -6 | sed 's/^/    /'
  grep -E "(PUSCH|PUCCH): rnti" "$LOG" | head -4 | sed 's/.*\] /    gnbd: /'
}

# Every slot uesim sent is in gnbd's log as decoded (PUSCH CRC and payload, timing within tol samples of the delay;
# PUCCH bits equal and valid), gnbd heard nothing else, and the metrics count them. With "negative": no PUSCH CRC
# holds and no PUCCH gives the bits uesim sent as valid, while gnbd did receive (the lines and counters are there).
matches() { # uesim-output gnbd-log metrics-json tolerance-samples [negative]
  python3 - "$1" "$2" "$3" "$4" "${5:-}" <<'PY'
import json, re, sys
out, log, met = sys.argv[1], open(sys.argv[2]).read(), json.loads(sys.argv[3])
tol, neg = float(sys.argv[4]), sys.argv[5] == "negative"
pusch_sent = re.findall(r"uesim: PUSCH sent: rnti=(0x[0-9a-f]+) slot=(\d+\.\d+) prb=(\d+\+\d+) mcs=\d+ tbs=(\d+) "
                        r"delay=(\d+)", out)
pucch_sent = re.findall(r"uesim: PUCCH sent: rnti=(0x[0-9a-f]+) slot=(\d+\.\d+) format=(\d) bits=([01]+)", out)
pusch = {}
for m in re.finditer(r"PUSCH: rnti=(0x[0-9a-f]+) slot=(\d+\.\d+) prb=(\d+\+\d+) tbs=(\d+) crc=(\w+) payload=(\S+) .*?"
                     r"ta=\S+ us \((-?[\d.]+) samples\)", log):
    pusch.setdefault(m.group(2), []).append(m.groups())
pucch = {}
for m in re.finditer(r"PUCCH: rnti=(0x[0-9a-f]+) slot=(\d+\.\d+) format=(\d) bits=(\S+) verdict=(\w+)", log):
    pucch.setdefault(m.group(2), []).append(m.groups())
ok = len(pusch_sent) + len(pucch_sent) > 0
crc_ok = valid = 0
for rnti, slot, prb, tbs, delay in pusch_sent:
    heard = pusch.get(slot, [])
    good = [h for h in heard if h[4] == "OK" and h[5] == "ok" and h[2] == prb and h[3] == tbs
            and abs(float(h[6]) - float(delay)) <= tol]
    crc_ok += len([h for h in heard if h[4] == "OK"])
    if neg:
        ok = ok and len(heard) == 1 and not good and heard[0][4] != "OK"
        print(f"    PUSCH {slot}: {'crc=' + heard[0][4] if heard else 'NOT DECODED'}")
    else:
        ok = ok and len(heard) == 1 and len(good) == 1
        print(f"    PUSCH {slot} tbs {tbs} delay {delay}: " +
              (f"crc={heard[0][4]} payload={heard[0][5]} ta {heard[0][6]} samples" if heard else "NOT DECODED"))
for rnti, slot, fmt, bits in pucch_sent:
    heard = pucch.get(slot, [])
    good = [h for h in heard if h[2] == fmt and h[3] == bits and h[4] == "valid"]
    valid += len([h for h in heard if h[4] == "valid"])
    if neg:
        ok = ok and len(heard) == 1 and not good
    else:
        ok = ok and len(heard) == 1 and len(good) == 1
    print(f"    PUCCH {slot} F{fmt} bits {bits}: " + (f"bits={heard[0][3]} {heard[0][4]}" if heard else "NOT DECODED"))
# gnbd decoded no probe slot uesim did not send (its slots before uesim's first are DTX / CRC failures)
sent_slots = {s for _, s, *_ in pusch_sent} | {s for _, s, *_ in pucch_sent}
extra_ok = [s for s, hs in pusch.items() if s not in sent_slots and any(h[4] == "OK" for h in hs)]
extra_valid = [s for s, hs in pucch.items() if s not in sent_slots and any(h[4] == "valid" for h in hs)]
p, q = met.get("pusch", {}), met.get("pucch", {})
print(f"    uesim sent {len(pusch_sent)} PUSCH, {len(pucch_sent)} PUCCH; gnbd: {len(pusch)} PUSCH slots, "
      f"{len(pucch)} PUCCH slots; metrics pusch {p} pucch {q}")
if neg:
    ok = ok and p.get("crc_ok") == 0 and (not pucch_sent or q.get("received", 0) > 0)
else:
    ok = ok and not extra_ok and not extra_valid
    ok = ok and p.get("crc_ok") == len(pusch_sent) and p.get("payload_errors") == 0 and p.get("errors") == 0
    ok = ok and q.get("valid") == len(pucch_sent) and q.get("invalid") == 0 and q.get("bit_errors") == 0
sys.exit(0 if ok else 1)
PY
}

TDD="duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"
# name | cell keys | ul_probe keys | band | scs | seconds | uesim --ul-probe | tolerance (samples) | extra uesim args
cases=(
  "fdd52|pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10;|pusch_mcs = 9; pucch_format = \"f1\";|3|15|0.25|mcs=9,pucch=f1|1|"
  "fdd106|pci = 500; dl_arfcn = 368500; bandwidth_mhz = 20; coreset0_index = 12;|pusch_mcs = 20; pucch_format = \"f2\"; pucch_bits = 11;|3|15|0.25|mcs=20,pucch=f2,pucch_bits=11|1|--ul-delay 5 --ul-snr 20 --seed 3"
  "n78_tdd|pci = 402; dl_arfcn = 632628; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false; $TDD|period = 10; offset = 9; pucch_format = \"f0\";|78|30|0.15|period=10,offset=9,pucch=f0|1|"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name keys probe band scs secs spec tol extra <<<"$c"
  # shellcheck disable=SC2086
  run_case "$name" "$keys" "$probe" "$band" "$scs" "$secs" --ul-probe "$spec" $extra
  what="$name (n$band, $scs kHz, $spec${extra:+, $extra})"
  check "$what: uesim sent at least 3 probe slots" [ $RC -eq 0 ]
  check "$what: gnbd decoded each (PUSCH CRC + payload, timing +-$tol samples; PUCCH bits valid), metrics agree" \
    matches "$OUT" "$LOG" "$MET" "$tol"
done

# Negative: gnbd expects RNTI 0x4601, uesim scrambles with 0x4602: every PUSCH fails its CRC, no F2 is read right.
run_case wrong_rnti "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10;" \
  "pucch_format = \"f2\"; pucch_bits = 11;" 3 15 0.25 --ul-probe rnti=17922,pucch=f2,pucch_bits=11
check "wrong RNTI: uesim sent them" [ $RC -eq 0 ]
check "wrong RNTI: gnbd received every slot, no PUSCH CRC OK, no PUCCH F2 valid with the bits sent" \
  matches "$OUT" "$LOG" "$MET" 1 negative
finish
