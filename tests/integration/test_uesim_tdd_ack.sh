#!/usr/bin/env bash
# TDD downlink in every DL slot with the dynamic HARQ-ACK codebook (mac/harq_ack.h), end to end with the UE simulator
# in the n78 cell at 30 kHz (5 ms DDDDDDDSUU: UL slots 8 and 9). tools/amf_stub and tools/gtpu_peer set up a PDU
# session as in test_user_plane.sh; a burst of 1400-octet IP packets goes down and is echoed back (uesim
# --echo-dl-data). The UE's PDSCHs of DL slots 0-4 are acknowledged together in UL slot 8: uesim places each bit
# by the counter DAI of its DCI 1_1 and sends 3 bits or more on PUCCH format 2 (set 1), gnbd maps each bit back to
# the HARQ process of the PDSCH it gave that place. Checks: every echo arrives; gnbd heard codebooks of several bits
# (mac.harq_ack_multi) and format 2 ones (mac.harq_ack_f2); every bit gnbd decoded of a codebook of 2 or more bits
# names the same HARQ process (and ACK) as the bit uesim sent in that slot and place; no NACK/DTX, no HARQ result
# lost, no DL TB dropped; no PUSCH asked to carry more than 2 bits (uesim ERROR) and each DCI 0_1's 1st DAI (V_T-DAI,UL)
# counting its PUSCH's bits; more than one PDSCH acknowledged
# per UL slot on average; the burst's stream-time rate is printed.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
PEER="$ROOT/$BUILD/tools/gtpu_peer"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
B=${TDD_BURST:-40}
TDD="duplex = \"tdd\"; tdd = { period_ms = 5.0; dl_slots = 7; dl_symbols = 6; ul_slots = 2; ul_symbols = 4; };"
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
read -r N3 UPF < <(n3_ports)
uesim_cell_start tdd "pci = 402; dl_arfcn = 632628; bandwidth_mhz = 20; coreset0_index = 2; srsue_compatible = false;
  prach_config_index = 159; tac = 7; $TDD" 78 30 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_addr = \"127.0.0.1\"; n3_port = $N3; upf_port = $UPF; };
   rrc: { inactivity_timer_s = 0; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 300 --ics "$KEY" --ics-after-ul 1 --ics-nas 7e02aabbccdd0042 \
  --session-after-ul 2 >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
"$UESIM" "${UESIM_ARGS[@]}" --seconds 3600 --timeout 900 --attach 1 --until-release 3600 --kgnb "$KEY" --echo-dl-nas \
  --echo-dl-data >"$TMP/ue.out" 2>&1 &
UPID=$!; PIDS+=("$UPID")
teid=""
for _ in $(seq 600); do
  teid=$(sed -n 's/.*PDUSessionResourceSetupResponse .* dl_teid=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/amf.log" | head -1)
  [ -n "$teid" ] && grep -aq "DRB 1 set up on LCID 4" "$TMP/ue.out" && break
  sleep 0.1
done
check "the PDU session is up in the TDD cell (DL TEID $teid) and the UE set DRB 1 up" \
  bash -c '[ -n "$1" ] && grep -aq "DRB 1 set up on LCID 4" "$2"' _ "$teid" "$TMP/ue.out"

mark=$(wc -l <"$LOG")
OUT=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid:-1}" --count "$B" --size 1400 --qfi 1 \
  --interval-ms 0 --expect-gpdus "$B" --ul-teid 0x1234 --timeout 60 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
check "a burst of $B packets of 1400 octets down the TDD cell: every echo back, intact" [ $RC -eq 0 ]
sleep 0.5 # the last HARQ-ACKs
# 30 kHz: 20 slots a frame, 0.5 ms each. Stream time from the burst's first PDSCH (its HARQ-ACK slot - its k1, at
# most 12) to the PUSCH with its last DRB data; PDSCHs per UL slot with a HARQ-ACK.
STATS=$(tail -n +"$((mark + 1))" "$LOG" | python3 -c '
import re, sys
first = last = None
acks = {}
for l in sys.stdin:
    m = re.search(r"HARQ-ACK: c-rnti=\S+ slot=(\d+) ", l)
    if m:
        s = int(m.group(1))
        acks[s] = acks.get(s, 0) + 1
        if first is None: first = s - 8
    m = re.search(r"PUSCH: c-rnti=\S+ slot=(\d+)\.(\d+) crc=OK.* lcid4:", l)
    if m and first is not None:
        last = first + (int(m.group(1)) * 20 + int(m.group(2)) - first) % 20480
n = last - first + 1 if last else 0
print("%d %.1f %d %d %.2f" % (n, int(sys.argv[1]) * 1400 * 8 / (n * 0.5) / 1000 if n else 0, sum(acks.values()),
      len(acks), sum(acks.values()) / max(1, len(acks))))
' "$B")
read -r slots rate n_acks n_ul per_ul <<<"$STATS"
echo "    $B x 1400 octets down and back: $slots slots (0.5 ms), $rate Mbit/s each way in stream time;" \
     "$n_acks PDSCH HARQ-ACKs in $n_ul UL slots ($per_ul per UL slot)"
check "more than one PDSCH acknowledged per UL slot on average ($per_ul)" awk -v r="$per_ul" 'BEGIN { exit !(r > 1.5) }'
MULTI=$(metric "$EP" mac.harq_ack_multi); F2=$(metric "$EP" mac.harq_ack_f2)
check "gnbctl metrics: codebooks of several bits heard (mac.harq_ack_multi $MULTI), on PUCCH format 2 ($F2)" \
  [ "${MULTI:-0}" -gt 0 -a "${F2:-0}" -gt 0 ]
check "gnbctl metrics: no DL TB dropped, no HARQ result lost (mac.dl_harq_dropped, mac.harq_results_lost 0 0)" \
  [ "$(metric "$EP" mac.dl_harq_dropped) $(metric "$EP" mac.harq_results_lost)" = "0 0" ]
check "gnbd heard no NACK/DTX" bash -c '! grep -q "HARQ-ACK: .*NACK/DTX" "$1"' _ "$LOG"
check "uesim never had more than 2 HARQ-ACK bits for a PUSCH, nor a DCI 0_1 whose 1st DAI miscounts them" \
  bash -c '! grep -aqE "uesim: ERROR|1st DAI" "$1"' _ "$TMP/ue.out"
# Each bit of a multi-bit codebook: (slot in frame, bit, bits, ACK, HARQ process) as gnbd decoded it and as uesim
# sent it must agree (the slot count of gnbd's log modulo 20 is uesim's slot in the frame).
CMP=$(python3 - "$LOG" "$TMP/ue.out" 2>"$TMP/cmp.err" <<'PY'
import re, sys
g = set(); u = set()
for l in open(sys.argv[1], errors="replace"):
    m = re.search(r"HARQ-ACK: c-rnti=\S+ slot=(\d+) (ACK|NACK/DTX)\S* .*\(bit (\d+) of (\d+)\), HARQ (\d+) ", l)
    if m: g.add((int(m.group(1)) % 20, int(m.group(3)), int(m.group(4)), m.group(2) == "ACK", int(m.group(5))))
for l in open(sys.argv[2], errors="replace"):
    m = re.search(r"HARQ-ACK sent: ue=1 \S+ slot=\d+\.(\d+) (ACK|NACK) \(bit (\d+) of (\d+)\) .*harq=(\d+)", l)
    if m: u.add((int(m.group(1)), int(m.group(3)), int(m.group(4)), m.group(2) == "ACK", int(m.group(5))))
f2 = sum(1 for t in g if t[2] > 2)
print(len(g), f2, len(g - u))
for t in sorted(g - u)[:3]: print("    gnbd (slot, bit, of, ack, harq) %s not sent so by uesim" % (t,), file=sys.stderr)
if g - u: print("    uesim sent e.g. %s" % sorted(u)[:3], file=sys.stderr)
PY
)
read -r n_bits n_f2 n_bad <<<"$CMP"
cat "$TMP/cmp.err"
check "every bit gnbd decoded from $n_bits codebook places ($n_f2 of format 2) is the HARQ process uesim acknowledged there ($n_bad differ)" \
  [ "${n_bits:-0}" -gt 0 -a "${n_f2:-0}" -gt 0 -a "${n_bad:-1}" = 0 ]
kill -TERM "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
