#!/usr/bin/env bash
# Several simulated UEs at once against gnbd (uesim --attach N --concurrent, tests/uesim/ue_attach.h): contention,
# retries, timing advance commands and Msg3 retransmission, each case checked from both sides (uesim's milestones,
# gnbd's log and gnbctl).
#   contention: two UEs send the same preamble in the same occasion (--same-preamble), UE 2 6 dB weaker. Both take
#     the one RAR (same RAPID, same TC-RNTI) and send Msg3 on its PRBs; gnbd decodes UE 1's, whose identity Msg4
#     carries; UE 2 sees another UE's identity (38.321 5.1.5), sends no HARQ-ACK, backs off and retries with a new
#     preamble: gnbd detects a second preamble and sets up a second UE. Both end ok: UE 1 at once, UE 2 within 3
#     attempts (`uesim: 2/2 UEs RRC connected`).
#   equal: the same with equal gains: one Msg3 or none decodes; a UE retries, both end ok.
#   three: three UEs at once, different preambles in one occasion, 0/5/13 samples late: all ok, gnbctl ues lists
#     three setup-complete UEs, every PUSCH gnbd decoded arrived within 0.1 us (each UE's own T_A).
#   ta: the preamble arrives on time (--prach-delay 0) but the UL 12 samples late: the RAR's T_A is 0, gnbd's TA
#     loop measures the PUSCH 1.04 us late and sends a Timing Advance Command (T_A 33 = +2 steps of 6 samples);
#     uesim applies it 6 slots after its PDSCH; every later PUSCH arrives within half a sample.
#   msg3-retx: UE 1 leaves its first Msg3 out (--drop-msg3 1): gnbd asks again by DCI 0_0 on the TC-RNTI
#     (38.213 8.3), uesim resends the buffered Msg3 with rv 2, one preamble is enough.
#   ul-harq: UE 1 leaves its first C-RNTI PUSCH out (--drop-pusch 1): gnbd grants HARQ process 0 again with the
#     same NDI, uesim resends the process's TB with the DCI's rv.
#   dl-harq: UE 1 answers its first decoded SRB1 PDSCH with NACK (--nack-pdsch 1): gnbd resends it on the same
#     process and NDI with the next rv, uesim acknowledges that.
#   conres-timer: all four Msg3 transmissions left out: gnbd gives the Msg3 up, uesim's ra-ContentionResolutionTimer
#     expires and it retries random access; the second attempt sets the UE up.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
CELL="pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;"

# One gnbd (52 PRB FDD, 11.52 MHz) + uesim run. Sets RC, OUT (uesim), LOG (gnbd's log), UES (gnbctl ues), METRICS
# (gnbctl metrics JSON, once the counters stopped moving).
run_case() { # name seconds [uesim args...]
  local name=$1 secs=$2 prev="" cur
  shift 2
  OUT=""; RC=99; UES=""; METRICS="{}"
  uesim_cell_start "$name" "$CELL" 3 15 "${RUN_GROUPS:-}" || return
  local ep=$EP gpid=$GPID
  OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds "$secs" --timeout 20 "$@" 2>&1)
  RC=$?
  UES=$("$GNBCTL" -s "$ep" ues 2>&1)
  for _ in $(seq 20); do # the last UL slots may still be on their way to the MAC and the RRC stage
    cur=$("$GNBCTL" -s "$ep" raw '{"cmd":"metrics"}' 2>/dev/null)
    [ "$(metric_of "$cur" rrc.setups_complete)" = "$(metric_of "$prev" rrc.setups_complete)" ] && break
    prev=$cur
    sleep 0.2
  done
  METRICS=$cur
  stop_and_wait "$gpid" TERM 5 >/dev/null
  grep -aE "uesim: (RAR|UE [0-9]|TA command|Msg3 (left|retrans)|Msg4: contention|attach: ue=.* expected|result)" \
    <<<"$OUT" | cut -c1-170 | sed 's/^/    /'
}

metric_of() { # json path
  python3 -c 'import json,sys
try:
    v = json.loads(sys.argv[1])
    for k in sys.argv[2].split("."): v = v[k]
    print(v)
except Exception: print("?")' "$1" "$2"
}

# contention ---------------------------------------------------------------------------------------------------
run_case contention 0.6 --attach 2 --concurrent --same-preamble --ue-gain-db 0,-6 --ul-delay 7 --expect-attach ok,ok
check "contention: both UEs attached (as expected)" [ $RC -eq 0 ]
check "contention: uesim's summary says 2/2 UEs RRC connected" grep -aq "uesim: 2/2 UEs RRC connected" <<<"$OUT"
check "contention: both took one RAR (same RAPID and TC-RNTI) and sent Msg3 on the same PRBs" python3 - "$OUT" <<'PY'
import re, sys
rar = {}
for ue, rapid, tc, prb in re.findall(r"uesim: RAR: ue=(\d) rapid=(\d+) .*?tc-rnti=(0x[0-9a-f]+) msg3 slot=\S+ prb=(\S+)",
                                     sys.argv[1]):
    rar.setdefault(ue, (rapid, tc, prb))
print(f"    first RARs: {rar}")
sys.exit(0 if len(rar) == 2 and rar["1"] == rar["2"] else 1)
PY
TC=$(sed -n 's/.*uesim: RAR: ue=1 .*tc-rnti=\(0x[0-9a-f]*\) .*/\1/p' <<<"$OUT" | head -1)
ID1=$(sed -n 's/.*Msg3 sent: ue=1 .*ue-Identity=0x0*\([0-9a-f]*\).*/\1/p' <<<"$OUT" | head -1)
check "contention: UE 2 saw another UE's identity and retried random access" \
  grep -aq "uesim: UE 2: contention resolution failed (identity of another UE), retrying random access (attempt 2" \
  <<<"$OUT"
check "contention: UE 2 sent no HARQ-ACK on $TC" \
  bash -c '! grep -aq "HARQ-ACK sent: ue=2 c-rnti=$1 " <<<"$2"' _ "$TC" "$OUT"
check "contention: UE 1 attached with 1 preamble, UE 2 within 3" bash -c \
  'grep -aq "ue=1 c-rnti=.*1 preamble," <<<"$1" && grep -aqE "ue=2 c-rnti=.*[23] preambles," <<<"$1"' _ "$OUT"
check "contention: gnbd: $TC's RRCSetupRequest has UE 1's identity, one Msg4 for it" bash -c \
  'grep -q "$1: RRCSetupRequest (ue-Identity randomValue 0x0*$2," "$3" &&
   [ "$(grep -c "Msg4: tc-rnti=$1 " "$3")" = 1 ]' _ "$TC" "$ID1" "$LOG"
check "contention: gnbd detected a second preamble (the retry) and answered it" bash -c \
  '[ "$(grep -c "PRACH: preamble=" "$1")" -ge 2 ] && [ "$(grep -c "RAR: ra-rnti=" "$1")" -ge 2 ]' _ "$LOG"
check "contention: gnbctl metrics: rrc.setups_complete 2" [ "$(metric_of "$METRICS" rrc.setups_complete)" = 2 ]

# equal gains: either gnbd decodes one of the two Msg3s (the other UE sees its identity) or neither (gnbd gives the
# Msg3 up, both timers expire); either way a UE retries and both end set up.
run_case equal 0.8 --attach 2 --concurrent --same-preamble --ul-delay 7
check "equal gains: both attached" [ $RC -eq 0 ]
check "equal gains: at least one UE retried random access" grep -aqE "uesim: UE [12]: contention resolution failed" \
  <<<"$OUT"
check "equal gains: gnbctl metrics: rrc.setups_complete 2" [ "$(metric_of "$METRICS" rrc.setups_complete)" = 2 ]

# three at once -------------------------------------------------------------------------------------------------
run_case three 0.5 --attach 3 --concurrent --ue-delay 0,5,13
check "three: all three attached" [ $RC -eq 0 ]
check "three: three preambles (different indices) in one occasion" python3 - "$OUT" <<'PY'
import re, sys
p = re.findall(r"PRACH sent: preamble=(\d+) sfn=(\d+) subframe=(\d+) .* ue=(\d)", sys.argv[1])[:3]
print(f"    {p}")
sys.exit(0 if len(p) == 3 and len({x[0] for x in p}) == 3 and len({x[1:3] for x in p}) == 1 else 1)
PY
check "three: gnbctl ues lists three setup-complete UEs" \
  [ "$(grep -c "^0x460[0-9a-f] setup-complete" <<<"$UES")" = 3 ]
check "three: every PUSCH of each C-RNTI within 0.1 us (each UE's T_A)" python3 - "$LOG" <<'PY'
import re, sys
t = re.findall(r"PUSCH: c-rnti=(0x[0-9a-f]+) slot=\S+ crc=OK .*? ta=(-?[\d.]+) us", open(sys.argv[1]).read())
print(f"    {t}")
sys.exit(0 if len({r for r, _ in t}) == 3 and all(abs(float(x)) <= 0.1 for _, x in t) else 1)
PY
check "three: gnbctl metrics: rrc.setups_complete 3" [ "$(metric_of "$METRICS" rrc.setups_complete)" = 3 ]

# timing advance commands ---------------------------------------------------------------------------------------
# (UL MCS fixed at 4: at the MCS 28 link adaptation reaches over a clean channel, the 900 bytes go in one PUSCH
# before the command and none is left to measure after it)
RUN_GROUPS="mac = { fixed_ul_mcs = 4; };" run_case ta 0.5 --attach 1 --prach-delay 0 --ul-delay 12 --nas-bytes 900
check "ta: attached" [ $RC -eq 0 ]
check "ta: uesim applied a TA command T_A=33 (N_TA 12 samples)" \
  grep -aq "uesim: TA command T_A=33 -> N_TA=12.00 samples" <<<"$OUT"
check "ta: gnbd measured the PUSCH late before the command and within half a sample (0.043 us) after it" \
  python3 - "$OUT" "$LOG" <<'PY'
import re, sys
m = re.search(r"TA command T_A=\d+ .* applied from UL slot (\d+)\.(\d+)", sys.argv[1])
if not m: sys.exit(1)
start = int(m[1]) * 10 + int(m[2])
t = [(int(f) * 10 + int(s), float(x)) for f, s, x in
     re.findall(r"PUSCH: c-rnti=0x[0-9a-f]+ slot=(\d+)\.(\d+) crc=OK .*? ta=(-?[\d.]+) us", open(sys.argv[2]).read())]
before, after = [x for s, x in t if s < start], [x for s, x in t if s >= start]
print(f"    from slot {start}: before {before} us, after {after} us")
sys.exit(0 if before and after and all(abs(x - 1.04) < 0.05 for x in before) and
         all(abs(x) <= 0.043 for x in after) else 1)
PY
check "ta: gnbctl metrics: mac.ta_commands >= 1, rrc.setups_complete 1" \
  [ "$(metric_of "$METRICS" mac.ta_commands)" -ge 1 -a "$(metric_of "$METRICS" rrc.setups_complete)" = 1 ]

# Msg3 retransmission -------------------------------------------------------------------------------------------
run_case msg3-retx 0.5 --attach 1 --drop-msg3 1 --ul-delay 7
check "msg3-retx: attached with one preamble" \
  bash -c '[ $1 -eq 0 ] && grep -aq "ue=1 c-rnti=.*1 preamble, 2 Msg3 transmissions" <<<"$2"' _ $RC "$OUT"
check "msg3-retx: uesim resent Msg3 on the DCI 0_0 for its TC-RNTI with rv 2" \
  grep -aq "Msg3 retransmission asked: ue=1 tc-rnti=0x4601 DCI 0_0 .* rv=2 (transmission 2)" <<<"$OUT"
check "msg3-retx: gnbd asked again and decoded it" bash -c \
  'grep -q "Msg3 retransmission: DCI 0_0 tc-rnti=0x4601" "$1" && grep -q "Msg3: tc-rnti=0x4601 .* crc=OK" "$1"' _ "$LOG"
check "msg3-retx: gnbctl metrics: ra.msg3_retx 1, ra.msg3_failed 1" \
  [ "$(metric_of "$METRICS" ra.msg3_retx) $(metric_of "$METRICS" ra.msg3_failed)" = "1 1" ]

# UL HARQ retransmission ----------------------------------------------------------------------------------------
run_case ul-harq 0.5 --attach 1 --drop-pusch 1 --ul-delay 7
check "ul-harq: attached" [ $RC -eq 0 ]
check "ul-harq: uesim left its first PUSCH out and resent the HARQ process's TB on the same NDI with rv 2" \
  grep -aqE "PUSCH sent: ue=1 c-rnti=0x4601 .* harq=0 ndi=1 rv=2, MAC PDU retransmission" <<<"$OUT"
check "ul-harq: gnbd decoded HARQ 0's second transmission" \
  grep -q "PUSCH: c-rnti=0x4601 slot=\S* crc=OK .* HARQ 0 tx 2 " "$LOG"
check "ul-harq: gnbctl metrics: mac.ul_harq_retx 1, rrc.setups_complete 1" \
  [ "$(metric_of "$METRICS" mac.ul_harq_retx) $(metric_of "$METRICS" rrc.setups_complete)" = "1 1" ]

# DL HARQ retransmission ----------------------------------------------------------------------------------------
# (a fixed low DL MCS: uesim discards the NACKed TB's soft bits, and at the MCS 28 that link adaptation picks over
# a clean channel the rv 2 retransmission alone does not decode, so the ACK would come on the third transmission)
RUN_GROUPS="mac = { fixed_dl_mcs = 2; };" run_case dl-harq 0.5 --attach 1 --nack-pdsch 1 --ul-delay 7
check "dl-harq: attached" [ $RC -eq 0 ]
check "dl-harq: uesim NACKed its first SRB1 PDSCH and acknowledged its retransmission (same process and NDI)" \
  python3 - "$OUT" <<'PY'
import re, sys
m = re.search(r"PDSCH NACKed \(--nack-pdsch\): ue=1 \S+ slot=\S+ harq=(\d+) ndi=(\d) rv=0", sys.argv[1])
sys.exit(0 if m and re.search(rf"ACK on (PUCCH resource \d of set 0|PUSCH) \(PDSCH harq={m[1]} ndi={m[2]} rv=[1-3][ )]",
                              sys.argv[1]) else 1)
PY
check "dl-harq: gnbd heard the NACK and the retransmission's ACK" bash -c \
  'grep -qE "HARQ-ACK: c-rnti=0x4601 slot=[0-9]* NACK/DTX( on PUSCH)?, HARQ [0-9]+ tx 1: retransmission due" "$1" &&
   grep -qE "HARQ-ACK: c-rnti=0x4601 slot=[0-9]* ACK( on PUSCH)?, HARQ [0-9]+ tx 2" "$1"' _ "$LOG"
check "dl-harq: gnbctl metrics: mac.dl_harq_retx 1, rrc.setups_complete 1" \
  [ "$(metric_of "$METRICS" mac.dl_harq_retx) $(metric_of "$METRICS" rrc.setups_complete)" = "1 1" ]

# ra-ContentionResolutionTimer ----------------------------------------------------------------------------------
run_case conres-timer 0.6 --attach 1 --drop-msg3 4 --ul-delay 7
check "conres-timer: attached on the second attempt" \
  bash -c '[ $1 -eq 0 ] && grep -aq "ue=1 c-rnti=.*2 preambles" <<<"$2"' _ $RC "$OUT"
check "conres-timer: uesim's ra-ContentionResolutionTimer expired, random access retried" grep -aq \
  "UE 1: contention resolution failed (ra-ContentionResolutionTimer expired), retrying random access (attempt 2" \
  <<<"$OUT"
check "conres-timer: gnbctl metrics: ra.msg3_given_up 1, rrc.setups_complete 1" \
  [ "$(metric_of "$METRICS" ra.msg3_given_up) $(metric_of "$METRICS" rrc.setups_complete)" = "1 1" ]
finish
