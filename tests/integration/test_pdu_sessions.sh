#!/usr/bin/env bash
# Several PDU sessions of one UE (issue 15): tools/amf_stub plays the AMF, tools/gtpu_peer the UPF, the UE
# simulator the UE. After attach and AS security the stub asks for two sessions in one PDU Session Resource Setup
# Request (session 1: UPF TEID 0x1234, QFI 1; session 2: 0x1235, QFI 2). gnbd gives each a DRB of its own (DRB 1
# on LCID 4, DRB 2 on LCID 5: two RRCReconfigurations, one after the other) and an N3 tunnel, and answers with one
# Response listing both. The UPF's packets to each DL TEID reach the UE on that DRB and come back (echo) on it,
# and gnbd sends them up the session's own tunnel: gtpu_peer checks the UL TEID and QFI of each. Then the AMF
# releases session 1 alone: DRB 1 and its tunnel go, session 2 still carries data. A third session (its own
# request) takes DRB 3 on LCID 6: a DRB identity once given is not given again to the UE (ng_stage.h).
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
PEER="$ROOT/$BUILD/tools/gtpu_peer"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
N=${UP_PACKETS:-10}
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
read -r N3 UPF < <(n3_ports)
uesim_cell_start sess "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_addr = \"127.0.0.1\"; n3_port = $N3; upf_port = $UPF; };
   rrc: { inactivity_timer_s = 0; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 300 --ics "$KEY" --ics-after-ul 1 --ics-nas 7e02aabbccdd0042 --session-after-ul 2 \
  --sessions 2 --session-nas 7e0068 --release-psi 1 --usr2-next 1 >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
"$UESIM" "${UESIM_ARGS[@]}" --seconds 3600 --timeout 900 --attach 1 --until-release 3600 --kgnb "$KEY" --echo-dl-nas --echo-dl-data \
  >"$TMP/ue.out" 2>&1 &
UPID=$!; PIDS+=("$UPID")
resp=""
for _ in $(seq 600); do
  resp=$(grep -m1 "PDUSessionResourceSetupResponse" "$TMP/amf.log")
  [ -n "$resp" ] && grep -aq "DRB 2 set up on LCID 5" "$TMP/ue.out" && break
  sleep 0.1
done
echo "    $resp"
grep -aE "uesim: DRB" "$TMP/ue.out" | sed 's/^/    /'
teid1=$(sed -n 's/.* setup=1 dl_teid=\(0x[0-9a-f]*\) .*/\1/p' <<<"$resp")
teid2=$(sed -n 's/.* setup=2 dl_teid=\(0x[0-9a-f]*\) .*/\1/p' <<<"$resp")
check "one Response lists both sessions set up, each with its DL TEID ($teid1, $teid2) and QFI (1, 2), none failed" \
  bash -c '[ -n "$1" -a -n "$2" -a "$1" != "$2" ] && grep -q "setup=1 .* qfi=1 setup=2 .* qfi=2$" <<<"$3"' _ "$teid1" "$teid2" "$resp"
check "the UE set DRB 1 up on LCID 4 and DRB 2 on LCID 5 (ciphered)" \
  bash -c 'grep -aq "DRB 1 set up on LCID 4: ue=1 .*QFI 1, ciphered" "$1" && grep -aq "DRB 2 set up on LCID 5: ue=1 .*QFI 2, ciphered" "$1"' _ "$TMP/ue.out"
check "gnbctl ues: the UE has 2 DRBs (1,2)" bash -c '"$1" -s "$2" ues | grep -q "drbs=2(1,2)"' _ "$GNBCTL" "$EP"
[ -n "$teid2" ] || { grep -E "NGAP|DRB|session" "$LOG" | tail -20; tail -5 "$TMP/amf.log"; finish; exit; }

# Each tunnel on its own: the echoes must come back up the same session's tunnel (UL TEID, QFI), so a packet
# routed by the wrong DRB fails the check.
OUT1=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid1:-1}" --count "$N" --qfi 1 \
  --interval-ms 5 --expect-gpdus "$N" --ul-teid 0x1234 --timeout 30 2>&1); RC1=$?
OUT2=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid2:-1}" --count "$N" --qfi 2 --size 300 \
  --interval-ms 5 --expect-gpdus "$N" --ul-teid 0x1235 --timeout 30 2>&1); RC2=$?
tail -1 <<<"$OUT1" | sed 's/^/    session 1: /'; tail -1 <<<"$OUT2" | sed 's/^/    session 2: /'
check "session 1: $N packets to its DL TEID came back on DRB 1 and up its tunnel (UL TEID 0x1234, QFI 1), intact" [ $RC1 -eq 0 ]
check "session 2: $N packets of 300 octets to its DL TEID came back on DRB 2 and up its tunnel (0x1235, QFI 2)" [ $RC2 -eq 0 ]
check "gnbctl metrics: up.dl_packets $((2 * N)), up.ul_packets $((2 * N)), up.tunnels 2, ngap.sessions_set_up 2" \
  [ "$(metric "$EP" up.dl_packets) $(metric "$EP" up.ul_packets) $(metric "$EP" up.tunnels) $(metric "$EP" ngap.sessions_set_up)" = "$((2 * N)) $((2 * N)) 2 2" ]

# Session 1 released alone (38.413 8.2.2): the UE drops DRB 1 (counting what it carried), DRB 2 stays.
kill -USR1 "$SPID"
for _ in $(seq 300); do grep -q "PDUSessionResourceReleaseResponse" "$TMP/amf.log" && grep -aq "DRB 1 released" "$TMP/ue.out" && break; sleep 0.1; done
grep -aE "uesim: DRB 1 released" "$TMP/ue.out" | sed 's/^/    /'
check "AMF: Release Response for session 1 only" grep -q "PDUSessionResourceReleaseResponse .* released=1 uli=1" "$TMP/amf.log"
check "the UE released DRB 1 and its RLC bearer on LCID 4 after $N packets each way on it" \
  grep -aq "uesim: DRB 1 released: ue=1 (RLC bearer on LCID 4 released; $N IP packets in, $N out)" "$TMP/ue.out"
check "gnbctl ues: 1 DRB left (2)" bash -c '"$1" -s "$2" ues | grep -q "drbs=1(2)"' _ "$GNBCTL" "$EP"
OUT2=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid2:-1}" --count "$N" --qfi 2 \
  --interval-ms 5 --expect-gpdus "$N" --ul-teid 0x1235 --timeout 30 2>&1); RC2=$?
tail -1 <<<"$OUT2" | sed 's/^/    session 2: /'
check "session 2 still carries data both ways after session 1's release" [ $RC2 -eq 0 ]
OUT1=$("$PEER" --port "$UPF" --gnb-port "$N3" --teid "${teid1:-1}" --count 2 --expect-error-indication --timeout 5 2>&1); RC1=$?
check "G-PDUs to session 1's released TEID get Error Indications" [ $RC1 -eq 0 ]

# A third session in a request of its own: the next DRB identity (DRB 1's is not given again).
kill -USR2 "$SPID"
teid3=""
for _ in $(seq 300); do
  teid3=$(sed -n 's/.* setup=3 dl_teid=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/amf.log" | head -1)
  [ -n "$teid3" ] && grep -aq "DRB 3 set up on LCID 6" "$TMP/ue.out" && break
  sleep 0.1
done
check "session 3 in a separate request: set up on DRB 3, LCID 6 (DL TEID $teid3)" \
  bash -c '[ -n "$1" ] && grep -aq "DRB 3 set up on LCID 6: ue=1" "$2"' _ "$teid3" "$TMP/ue.out"
OUT3=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid3:-1}" --count "$N" --qfi 1 \
  --interval-ms 5 --expect-gpdus "$N" --ul-teid 0x1236 --timeout 30 2>&1); RC3=$?
check "session 3 carries data (UL TEID 0x1236)" [ $RC3 -eq 0 ]
check "gnbctl ues: DRBs 2 and 3; metrics: mac.drb_releases 1, up.tunnels 2, none dropped" \
  bash -c '"$1" -s "$2" ues | grep -q "drbs=2(2,3)" && [ "$3" = "1 2 0 0" ]' _ "$GNBCTL" "$EP" \
  "$(metric "$EP" mac.drb_releases) $(metric "$EP" up.tunnels) $(metric "$EP" mac.drb_dl_dropped) $(metric "$EP" mac.drb_ul_dropped)"
kill -TERM "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
