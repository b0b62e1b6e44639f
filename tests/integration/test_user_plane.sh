#!/usr/bin/env bash
# User data end to end through gnbd (issue 15): tools/amf_stub plays the AMF, tools/gtpu_peer the UPF, the UE
# simulator the UE. The UE attaches; the stub runs Initial Context Setup (AS security: nia2/nea2) and a PDU Session
# Resource Setup (UPF tunnel 127.0.0.1 TEID 0x1234, QFI 1); gnbd sets DRB 1 up (RLC AM, PDCP 18-bit SN ciphered
# with K_UPenc) and answers with its DL TEID; the UE sets up the DRB from the RRCReconfiguration it deciphered.
# Then the "UPF" sends G-PDUs with IPv4/ICMP packets to gnbd's N3 address and the DL TEID: gnbd -> PDCP (NEA2) ->
# RLC -> MAC -> PDSCH -> UE, which echoes every packet back (uesim --echo-dl-data): PUSCH -> MAC -> RLC -> PDCP ->
# gnbd's UP stage -> G-PDU to the UPF with TEID 0x1234 and QFI 1, each checked octet for octet by gtpu_peer.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
PEER="$ROOT/$BUILD/tools/gtpu_peer"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
N=${UP_PACKETS:-40}
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
read -r N3 UPF < <(n3_ports)
uesim_cell_start up "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_addr = \"127.0.0.1\"; n3_port = $N3; upf_port = $UPF; };
   rrc: { inactivity_timer_s = 0; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 300 --ics "$KEY" --ics-after-ul 1 --ics-nas 7e02aabbccdd0042 \
  --session-after-ul 2 >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
check "NG Setup done (ngap.state ready)" [ "$(metric "$EP" ngap.state)" = ready ]

# The UE stays (lock-step, so its stream time runs as fast as the two processes go) until the test is done.
"$UESIM" "${UESIM_ARGS[@]}" --seconds 3600 --timeout 900 --attach 1 --until-release 3600 --kgnb "$KEY" --echo-dl-nas --echo-dl-data \
  >"$TMP/ue.out" 2>&1 &
UPID=$!; PIDS+=("$UPID")
teid=""
for _ in $(seq 600); do
  teid=$(sed -n 's/.*PDUSessionResourceSetupResponse .* dl_teid=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/amf.log" | head -1)
  [ -n "$teid" ] && grep -aq "DRB 1 set up on LCID 4" "$TMP/ue.out" && break
  sleep 0.1
done
grep -aE "uesim: (Security|RRCReconfiguration|DRB)" "$TMP/ue.out" | sed 's/^/    /'
grep -E "InitialContext|PDUSession" "$TMP/amf.log" | sed 's/^/    /'
check "the PDU session is up: gnbd answered with a DL TEID ($teid)" [ -n "$teid" ]
check "the UE set DRB 1 up from the deciphered RRCReconfiguration (RLC AM 18-bit, PDCP 18-bit, ciphered)" \
  grep -aq "DRB 1 set up on LCID 4: ue=1 (RLC AM 18-bit SN, PDCP 18-bit SN, .*ciphered)" "$TMP/ue.out"

OUT=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid:-1}" --count "$N" --qfi 1 \
  --interval-ms 20 --expect-gpdus "$N" --ul-teid 0x1234 --timeout 60 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
check "$N IP packets through gnbd to the UE and back: every echo arrived as a G-PDU (TEID 0x1234, QFI 1), intact" \
  [ $RC -eq 0 ]
check "gnbctl metrics: up.dl_packets $N and up.ul_packets $N" \
  [ "$(metric "$EP" up.dl_packets) $(metric "$EP" up.ul_packets)" = "$N $N" ]
check "gnbctl metrics: mac.drb_dl_packets $N, mac.drb_ul_packets $N, none dropped" \
  [ "$(metric "$EP" mac.drb_dl_packets) $(metric "$EP" mac.drb_ul_packets) $(metric "$EP" mac.drb_dl_dropped) $(metric "$EP" mac.drb_ul_dropped)" = "$N $N 0 0" ]
kill -TERM "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM (exit status 0; under ASan: no leak or error report)" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
