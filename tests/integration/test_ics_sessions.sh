#!/usr/bin/env bash
# PDU sessions inside the Initial Context Setup (38.413 8.3.1; issue 15): what an AMF sends when a UE comes back
# from idle with a Service Request. tools/amf_stub puts two sessions in its Initial Context Setup Request (PDU
# Session Resource Setup List Cxt Req): session 1 (UPF TEID 0x1234, QFI 1, 5QI 9) and session 2 whose QoS flow
# has 5QI 200, not a standardized value. gnbd runs the security mode procedure, then session 1 as a PDU Session
# Resource Setup would (N3 tunnel, DRB 1 in the MAC, RRCReconfiguration with the DRB and the session's NAS-PDU)
# and answers only after the RRCReconfigurationComplete: Initial Context Setup Response with session 1 in the
# set-up list (our DL TEID) and session 2 in the failed list (not-supported-5QI-value, 34). The UPF's packets to
# that DL TEID reach the UE on DRB 1 and come back up the tunnel (tools/gtpu_peer checks the UL TEID and QFI).
# A second UE, whose sessions all have the unknown 5QI (--ics-bad-ue 2), gets Initial Context Setup Failure
# instead (8.3.1.3: not one session could be set up), with that cause.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
PEER="$ROOT/$BUILD/tools/gtpu_peer"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
N=${UP_PACKETS:-10}
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
read -r N3 UPF < <(n3_ports)
uesim_cell_start ics "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_addr = \"127.0.0.1\"; n3_port = $N3; upf_port = $UPF; };
   rrc: { inactivity_timer_s = 0; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 300 --ics "$KEY" --ics-after-ul 1 --ics-nas 7e02aabbccdd0042 \
  --ics-sessions 2 --ics-bad-5qi 2 --ics-bad-ue 2 --session-nas 7e0068 >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
"$UESIM" "${UESIM_ARGS[@]}" --seconds 3600 --timeout 900 --attach 1 --until-release 3600 --kgnb "$KEY" --echo-dl-nas --echo-dl-data \
  >"$TMP/ue.out" 2>&1 &
UPID=$!; PIDS+=("$UPID")
resp=""
for _ in $(seq 1200); do
  resp=$(grep -m1 "InitialContextSetupResponse" "$TMP/amf.log")
  [ -n "$resp" ] && break
  sleep 0.1
done
echo "    $resp"
grep -aE "uesim: (Security|RRCReconfiguration|DRB)" "$TMP/ue.out" | sed 's/^/    /'
teid=$(sed -n 's/.* setup=1 dl_teid=\(0x[0-9a-f]*\) .*/\1/p' <<<"$resp")
check "Initial Context Setup Response: session 1 set up (DL TEID $teid, QFI 1), session 2 failed with not-supported-5QI-value" \
  bash -c '[ -n "$1" ] && grep -q "InitialContextSetupResponse amf_ue_id=1001 ran_ue_id=1 setup=1 dl_teid=$1 n3=127.0.0.1 qfi=1 failed=2 cause=0/34$" <<<"$2"' _ "$teid" "$resp"
check "the UE set DRB 1 up on LCID 4 (ciphered) from the RRCReconfiguration, with the session's NAS-PDU" \
  bash -c 'grep -aq "DRB 1 set up on LCID 4: ue=1 .*QFI 1, ciphered" "$1" && ! grep -aq "DRB 2 set up" "$1"' _ "$TMP/ue.out"
check "the Response came after the RRCReconfigurationComplete (gnbd's log order)" \
  bash -c 'grep -n "RRCReconfigurationComplete: DRB 1 up\|Initial Context Setup Response (1 set up, 1 failed)" "$1" | cut -d: -f2- |
           grep -o "RRCReconfigurationComplete\|Initial Context Setup Response" | tr "\n" "|" | grep -q "^RRCReconfigurationComplete|Initial Context Setup Response|$"' _ "$LOG"
[ -n "$teid" ] || { grep -E "NGAP|DRB|session|Context" "$LOG" | tail -20; tail -5 "$TMP/amf.log"; tail -5 "$TMP/ue.out"; finish; exit; }
OUT=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "$teid" --count "$N" --qfi 1 \
  --interval-ms 5 --expect-gpdus "$N" --ul-teid 0x1234 --timeout 30 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
check "$N packets to the Response's DL TEID came back on DRB 1 and up session 1's tunnel (UL TEID 0x1234, QFI 1)" [ $RC -eq 0 ]
check "gnbctl metrics: up.dl_packets $N, up.ul_packets $N, up.tunnels 1, ngap.ics_responses 1" \
  [ "$(metric "$EP" up.dl_packets) $(metric "$EP" up.ul_packets) $(metric "$EP" up.tunnels) $(metric "$EP" ngap.ics_responses)" = "$N $N 1 1" ]
kill -TERM "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
T0=$(metric "$EP" up.tunnels)
"$UESIM" "${UESIM_ARGS[@]}" --seconds 8 --timeout 60 --attach 1 --until-release 30 --kgnb "$KEY" --echo-dl-nas \
  >"$TMP/ue2.out" 2>&1
grep -E "InitialContextSetup.* ran_ue_id=2" "$TMP/amf.log" | sed 's/^/    /'
T1=$(metric "$EP" up.tunnels)
check "UE 2, every session with 5QI 200: Initial Context Setup Failure with not-supported-5QI-value, no tunnel ($T0 -> $T1)" \
  bash -c 'grep -q "InitialContextSetupFailure amf_ue_id=1002 ran_ue_id=2 cause=0/34$" "$1" && [ -n "$2" ] && [ "$2" = "$3" ]' _ \
  "$TMP/amf.log" "$T0" "$T1"
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
check "gnbd stops cleanly on SIGTERM" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
