#!/usr/bin/env bash
# N3, the user plane towards the UPF (gnb/up_stage.h, 29.281 GTP-U): gnbd with an AMF configured (tools/amf_stub)
# opens its GTP-U socket on ngap.n3_addr:n3_port, and tools/gtpu_peer plays the UPF on ngap.upf_port (ports of
# 24000-24999, never 2152):
#   Echo Request -> Echo Response with the same sequence numbers (up.echo counts them);
#   G-PDUs to a TEID gnbd never gave out -> one Error Indication each, naming that TEID and gnbd's N3 address
#   (up.unknown_teid), nothing delivered (up.dl_packets 0); garbage is counted (up.dl_bad), not answered;
#   a flood of them is answered at ngap.n3_error_ind_rate at most, the rest counted (up.error_ind_suppressed);
#   a bad ngap.n3_addr is a config error naming file:line and the key; an N3 port in use stops start-up with a
#   sentence; gnbd stops cleanly on SIGTERM with the stage's thread running.
# Tunnels, packets through a UE, End Markers and session release: test_user_plane.sh.
source "$(dirname "$0")/lib.sh"
STUB="$ROOT/$BUILD/tools/amf_stub"
PEER="$ROOT/$BUILD/tools/gtpu_peer"
read -r N3 UPF < <(n3_ports)
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
NGAP="ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
  udp_remote_port = $AMF_UDP; n3_addr = \"127.0.0.1\"; n3_port = $N3; upf_port = $UPF; n3_pool_buffers = 256; };"

# 1. Config errors: a bad N3 address names file:line, the key and what is allowed.
write_config "$TMP/bad.conf"
printf 'ngap: {\n  amf_addr = "127.0.0.1";\n  n3_addr = "not-an-ip";\n  n3_port = 0;\n};\n' >> "$TMP/bad.conf"
out=$("$GNBD" --check-config "$TMP/bad.conf" 2>&1); rc=$?
check "bad ngap.n3_addr / n3_port: exit 78" [ $rc -eq 78 ]
check "the error names file:line, ngap.n3_addr and the allowed values" \
  grep -q "$TMP/bad.conf:[0-9]*: ngap.n3_addr: .*IPv4/IPv6 address" <<<"$out"
check "and ngap.n3_port's range" grep -q "ngap.n3_port: .*1..65535" <<<"$out"

# 2. gnbd with the AMF stub and N3.
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 60 >"$TMP/amf.log" 2>&1 &
PIDS+=($!)
write_config "$TMP/gnbd.conf"
echo "$NGAP" >> "$TMP/gnbd.conf"
EP="ipc://$TMP/ctl.sock"; LOG="$TMP/gnbd.log"
"$GNBD" -c "$TMP/gnbd.conf" 2>"$LOG" &
GPID=$!; PIDS+=("$GPID")
check "gnbd with an AMF and N3 answers gnbctl" wait_ready "$EP" 30
# The control socket answers before the stage's thread starts and its line reaches the log: wait for it.
logged() { for _ in $(seq 100); do grep -q "$1" "$LOG" && return 0; sleep 0.1; done; return 1; }
check "gnbd logged its N3 socket (127.0.0.1 port $N3, UPF port $UPF, 256 buffers)" \
  logged "N3: GTP-U on 127.0.0.1 port $N3 (UPF port $UPF), 256 packet buffers"
check "gnbctl metrics has up.*, all zero, the pool full" \
  [ "$(metric "$EP" up.dl_packets) $(metric "$EP" up.unknown_teid) $(metric "$EP" up.echo) $(metric "$EP" up.pool_free)" = "0 0 0 256" ]

OUT=$("$PEER" --port "$UPF" --gnb-port "$N3" --echo 3 --timeout 5 2>&1); RC=$?
sed 's/^/    /' <<<"$OUT"
check "Echo Request x3 -> three Echo Responses with sequence numbers 1..3" [ $RC -eq 0 ]
check "gnbctl metrics: up.echo 3" [ "$(metric "$EP" up.echo)" = 3 ]

OUT=$("$PEER" --port "$UPF" --gnb-port "$N3" --teid 0x7777 --count 5 --expect-error-indication --timeout 5 2>&1); RC=$?
sed 's/^/    /' <<<"$OUT"
check "5 G-PDUs to unknown TEID 0x7777 -> 5 Error Indications naming it, peer address 127.0.0.1" [ $RC -eq 0 ]
check "the Error Indications carry TEID 0x00007777 and gnbd's address" \
  grep -q "Error Indication teid=0x00007777 peer=127.0.0.1 ok" <<<"$OUT"
check "gnbctl metrics: up.unknown_teid 5, up.dl_packets 0, up.tunnels 0" \
  [ "$(metric "$EP" up.unknown_teid) $(metric "$EP" up.dl_packets) $(metric "$EP" up.tunnels)" = "5 0 0" ]

python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for d in (b"\x48\x01\x00\x04\x00\x00\x00\x00", b"\x30\xff\x00\x40\x00\x00\x00\x01abc", b"x"):
    s.sendto(d, ("127.0.0.1", int(sys.argv[1])))' "$N3"
for _ in $(seq 100); do [ "$(metric "$EP" up.dl_bad)" = 3 ] && break; sleep 0.1; done
check "3 malformed datagrams (GTPv2, a length past the end, 1 octet): up.dl_bad 3, no more answers" \
  [ "$(metric "$EP" up.dl_bad) $(metric "$EP" up.unknown_teid) $(metric "$EP" up.echo)" = "3 5 3" ]
check "the pool has every buffer back (up.pool_free 256)" [ "$(metric "$EP" up.pool_free)" = 256 ]

# A flood of G-PDUs to unknown TEIDs: gnbd answers at most ngap.n3_error_ind_rate (default 100/s, bursts of 10)
# and counts the rest (up.error_ind_suppressed), so it cannot be made to flood the UPF.
OUT=$("$PEER" --port "$UPF" --gnb-port "$N3" --teid 0x8888 --count 300 --timeout 1 2>&1)
EI=$(sed -n 's/.* error_indications=\([0-9]*\) .*/\1/p' <<<"$OUT" | tail -1)
tail -1 <<<"$OUT" | sed 's/^/    /'
for _ in $(seq 100); do [ "$(metric "$EP" up.unknown_teid)" = 305 ] && break; sleep 0.1; done
SUP=$(metric "$EP" up.error_ind_suppressed)
echo "    up.unknown_teid $(metric "$EP" up.unknown_teid), up.error_ind_suppressed $SUP, Error Indications received $EI"
SENT=$((300 - ${SUP:-300}))
check "300 G-PDUs to unknown TEID 0x8888 at once: up.unknown_teid 305, Error Indications sent for 10..110 of them ($SENT: a burst of 10, 100/s)" \
  [ "$(metric "$EP" up.unknown_teid)" = 305 -a "$SENT" -ge 10 -a "$SENT" -le 110 ]
check "gtpu_peer received no more than were sent ($EI <= $SENT), the rest counted in up.error_ind_suppressed ($SUP)" \
  [ "${EI:-999}" -le "$SENT" -a "${EI:-0}" -ge 10 ]

# 3. A second gnbd on the same N3 port: start-up fails with a sentence, nothing left running.
write_config "$TMP/second.conf"
sed -i "s#ctl.sock#ctl2.sock#" "$TMP/second.conf"
echo "$NGAP" >> "$TMP/second.conf"
timeout 10 "$GNBD" -c "$TMP/second.conf" >"$TMP/second.log" 2>&1; rc=$?
check "a second gnbd on N3 port $N3 exits with an error (status $rc)" [ $rc -ne 0 ] && [ $rc -ne 124 ]
check "and says which port, and which keys" grep -q "N3: cannot bind UDP 127.0.0.1 port $N3 (ngap.n3_addr, ngap.n3_port)" "$TMP/second.log"

check "gnbd stops cleanly on SIGTERM with the N3 stage running (exit status 0)" stop_and_wait $GPID TERM 10
check "no sanitizer report" bash -c '! grep -qE "Sanitizer|runtime error" "$1"' _ "$LOG"
finish
