#!/usr/bin/env bash
# User data end to end through gnbd (issue 15): tools/amf_stub plays the AMF, tools/gtpu_peer the UPF, the UE
# simulator the UE. The UE attaches; the stub runs Initial Context Setup (AS security: nia2/nea2) and a PDU Session
# Resource Setup (UPF tunnel 127.0.0.1 TEID 0x1234, QFI 1); gnbd sets DRB 1 up (RLC AM, PDCP 18-bit SN ciphered
# with K_UPenc) and answers with its DL TEID; the UE sets up the DRB from the RRCReconfiguration it deciphered.
# Then the "UPF" sends G-PDUs with IPv4/ICMP packets to gnbd's N3 address and the DL TEID: gnbd -> PDCP (NEA2) ->
# RLC -> MAC -> PDSCH -> UE, which echoes every packet back (uesim --echo-dl-data): PUSCH -> MAC -> RLC -> PDCP ->
# gnbd's UP stage -> G-PDU to the UPF with TEID 0x1234 and QFI 1, each checked octet for octet by gtpu_peer.
# The UPF's End Marker (29.281 7.3.2) before them is forwarded nowhere and leaves the tunnel up.
# Then the AMF releases the session (PDU Session Resource Release Command with a NAS-PDU, 38.413 8.2.2): gnbd drops
# the tunnel and DRB 1 (MAC), sends RRCReconfiguration with drb-ToReleaseList, rlc-BearerToReleaseList and the
# NAS-PDU; the UE drops its DRB and completes; the AMF gets the Release Response. G-PDUs to the old TEID now get
# Error Indications. A second PDU Session Resource Setup sets the next DRB up (DRB 2 on LCID 5: a UE may keep the
# released DRB's RLC entity, srsUE does; new DL TEID, UPF TEID 0x1235) and data flows again.
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
  --interval-ms 20 --expect-gpdus "$N" --ul-teid 0x1234 --timeout 60 --end-marker 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
check "$N IP packets through gnbd to the UE and back: every echo arrived as a G-PDU (TEID 0x1234, QFI 1), intact" \
  [ $RC -eq 0 ]
check "gnbctl metrics: up.dl_packets $N and up.ul_packets $N" \
  [ "$(metric "$EP" up.dl_packets) $(metric "$EP" up.ul_packets)" = "$N $N" ]
check "gnbctl metrics: mac.drb_dl_packets $N, mac.drb_ul_packets $N, none dropped" \
  [ "$(metric "$EP" mac.drb_dl_packets) $(metric "$EP" mac.drb_ul_packets) $(metric "$EP" mac.drb_dl_dropped) $(metric "$EP" mac.drb_ul_dropped)" = "$N $N 0 0" ]
check "the End Marker before them: counted (up.end_markers 1), forwarded nowhere, the tunnel kept (up.tunnels 1)" \
  [ "$(metric "$EP" up.end_markers) $(metric "$EP" up.tunnels)" = "1 1" ]
check "gnbd logged the End Marker on the session's TEID as leaving the tunnel up" \
  grep -q "End Marker on TEID $(printf '0x%08x' "${teid:-0}") (a tunnel of ours): nothing forwarded, the tunnel stays" "$LOG"

# Throughput (issue 15): a burst of B packets of 1400 octets at once, each echoed back. Stream time (lock-step:
# slots of the stream, 1 ms each here, not wall time) from the burst's first PDSCH (its HARQ-ACK slot - 4, from
# gnbd's log) to the PUSCH with its last DRB data; both directions carry the same bytes, so the figure is what
# DL and UL together sustain. With one DL HARQ process and one PUSCH in flight per UE (a PDSCH every 5 slots, a
# PUSCH every 7 at most, 2 kB UL TBs in the simulator) it could not pass 3 Mbit/s.
B=${UP_BURST:-60}
mark=$(wc -l <"$LOG")
OUT=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid:-1}" --count "$B" --size 1400 --qfi 1 \
  --interval-ms 0 --expect-gpdus "$B" --ul-teid 0x1234 --timeout 120 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
rate=$(tail -n +"$((mark + 1))" "$LOG" | python3 -c '
import re, sys
first = last = None
for l in sys.stdin:
    m = re.search(r"HARQ-ACK: c-rnti=\S+ slot=(\d+)", l)
    if m and first is None: first = int(m.group(1)) - 4
    m = re.search(r"PUSCH: c-rnti=\S+ slot=(\d+)\.(\d+) crc=OK.* lcid4:", l)
    if m and first is not None:  # absolute slot: the one after first with this SFN.slot (10 slots a frame)
        last = first + (int(m.group(1)) * 10 + int(m.group(2)) - first) % 10240
print("%d %.1f" % (last - first + 1, int(sys.argv[1]) * 1400 * 8 / (last - first + 1) / 1000) if last else "0 0")
' "$B")
echo "    $B x 1400 octets down and back: ${rate% *} slots (1 ms each), ${rate#* } Mbit/s each way"
check "a burst of $B packets of 1400 octets: every echo back, intact" [ $RC -eq 0 ]
check "... at more than 4 Mbit/s each way in stream time (${rate#* })" awk -v r="${rate#* }" 'BEGIN { exit !(r > 4) }'

# PDU Session Resource Release (38.413 8.2.2).
kill -USR1 "$SPID"
for _ in $(seq 300); do grep -q "PDUSessionResourceReleaseResponse" "$TMP/amf.log" && grep -aq "DRB 1 released" "$TMP/ue.out" && break; sleep 0.1; done
grep -aE "uesim: (RRCReconfiguration|DRB 1 released)" "$TMP/ue.out" | tail -3 | sed 's/^/    /'
grep -E "PDUSessionResourceRelease" "$TMP/amf.log" | sed 's/^/    /'
check "AMF: PDU Session Resource Release Response for session 1 (with the cell's ULI)" \
  grep -q "PDUSessionResourceReleaseResponse amf_ue_id=[0-9]* ran_ue_id=[0-9]* released=1 uli=1 tac=7" "$TMP/amf.log"
check "the UE got RRCReconfiguration releasing DRB 1 and the RLC bearer on LCID 4, and dropped them" \
  grep -aq "uesim: DRB 1 released: ue=1 (RLC bearer on LCID 4 released" "$TMP/ue.out"
check "the release's NAS-PDU reached the UE in dedicatedNAS-MessageList (echoed back to the AMF)" \
  grep -q "UplinkNASTransport .* nas=7e00680100052e0101d3241201" "$TMP/amf.log"
check "gnbd: tunnel and MAC DRB released, RRCReconfigurationComplete before the Response" \
  bash -c 'grep -q "N3 tunnel of PDU session 1 released" "$1" && grep -q "drb 1 released" "$1" &&
           grep -q "RRCReconfigurationComplete: DRB 1 released" "$1"' _ "$LOG"
OUT=$("$PEER" --port "$UPF" --gnb-port "$N3" --teid "${teid:-1}" --count 5 --expect-error-indication --timeout 5 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
check "5 G-PDUs to the released TEID $teid -> 5 Error Indications naming it" [ $RC -eq 0 ]

# A new session for the same UE: the next DRB.
kill -USR2 "$SPID"
teid2=""
for _ in $(seq 300); do
  teid2=$(sed -n 's/.*PDUSessionResourceSetupResponse .* dl_teid=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/amf.log" | sed -n 2p)
  [ -n "$teid2" ] && grep -aq "DRB 2 set up on LCID 5" "$TMP/ue.out" && break
  sleep 0.1
done
check "a second PDU Session Resource Setup after the release: set up with a new DL TEID ($teid2)" \
  [ -n "$teid2" -a "$teid2" != "$teid" ]
check "the UE set DRB 2 up on LCID 5 (RLC AM and PDCP from SN/COUNT 0, ciphered)" \
  grep -aq "DRB 2 set up on LCID 5: ue=1 (RLC AM 18-bit SN, PDCP 18-bit SN, .*ciphered)" "$TMP/ue.out" 
OUT=$("$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid2:-1}" --count "$N" --qfi 1 \
  --interval-ms 20 --expect-gpdus "$N" --ul-teid 0x1235 --timeout 60 2>&1); RC=$?
tail -1 <<<"$OUT" | sed 's/^/    /'
check "$N IP packets through the new session and back (TEID 0x1235), intact" [ $RC -eq 0 ]
check "gnbctl metrics: ngap.session_release_commands 1, sessions_released 1, sessions_set_up 2, up.tunnels_released 1, up.tunnels 1, mac.drb_releases 1" \
  [ "$(metric "$EP" ngap.session_release_commands) $(metric "$EP" ngap.sessions_released) $(metric "$EP" ngap.sessions_set_up) $(metric "$EP" up.tunnels_released) $(metric "$EP" up.tunnels) $(metric "$EP" mac.drb_releases)" = "1 1 2 1 1 1" ]
kill -TERM "$UPID" 2>/dev/null; wait "$UPID" 2>/dev/null
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM (exit status 0; under ASan: no leak or error report)" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
