#!/usr/bin/env bash
# The NGAP transport (gnb/sctp_link.h) between two processes, tools/sctp_peer as both ends:
#   SCTP over UDP (RFC 6951, usrsctp): 200 messages of 1..9000 bytes on streams 0 and 1 with PPID 60 echoed byte
#   for byte; the peer shut down gracefully -> the association is seen lost at once; the peer back -> the client
#   reconnects with back-off; the peer killed (no SHUTDOWN, no ABORT) -> lost within the heartbeat bound (about 10 s; the test allows 20);
#   kernel SCTP: where the kernel has SCTP the same echo test; where it has none (these machines), the error names
#   the missing module and the ngap.transport = "udp" way out.
source "$(dirname "$0")/lib.sh"
PEER="$ROOT/$BUILD/tools/sctp_peer"
read -r U1 U2 < <(free_ports)
read -r SP _ < <(free_ports)

start_server() { # extra args
  "$PEER" server --udp-local "$U1" --port "$SP" --seconds 60 "$@" >>"$TMP/server.log" 2>&1 &
  SPID=$!; PIDS+=("$SPID")
  for _ in $(seq 50); do grep -q "listening" "$TMP/server.log" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
client() { "$PEER" client --udp-local "$U2" --udp-remote "$U1" --port "$SP" "$@" 2>&1; }

check "udp: the peer listens" start_server
OUT=$(client --count 200 --timeout 20); RC=$?
echo "$OUT" | sed 's/^/    /'
check "udp: 200/200 echoes of 1..9000 bytes, none differ" [ $RC -eq 0 ]
check "udp: the summary says so" grep -q "200/200 echoes, 0 differ" <<<"$OUT"

# Graceful shutdown of the peer while the client waits, then the peer back: the client reconnects.
( sleep 1; kill -TERM "$SPID"; sleep 1.5; "$PEER" server --udp-local "$U1" --port "$SP" --seconds 20 \
    >"$TMP/server2.log" 2>&1 ) &
PIDS+=($!)
OUT=$(client --count 10 --timeout 15 --until-lost --reconnect); RC=$?
echo "$OUT" | sed 's/^/    /'
check "udp: peer shut down -> association lost, reconnected with back-off" [ $RC -eq 0 ]
LOST=$(sed -n 's/.*association lost after \([0-9.]*\) s/\1/p' <<<"$OUT")
check "udp: a graceful close is seen within 2 s of it (${LOST:-?} s after the wait began, close at ~1 s)" \
  python3 -c "import sys; sys.exit(0 if float('${LOST:-99}') < 3.0 else 1)"
check "udp: reconnected" grep -q "reconnected at attempt" <<<"$OUT"
for _ in $(seq 100); do grep -q "association 1 up" "$TMP/server2.log" 2>/dev/null && break; sleep 0.1; done
check "udp: the restarted peer saw the new association" grep -q "association 1 up" "$TMP/server2.log"
pkill -TERM -f "sctp_peer server --udp-local $U1 " 2>/dev/null
sleep 1.5

# The peer killed outright: no SHUTDOWN, no ABORT; heartbeats find out.
: >"$TMP/server.log"
check "udp: the peer listens again" start_server
( sleep 1.5; kill -KILL "$SPID" ) &
PIDS+=($!)
OUT=$(client --count 10 --timeout 20 --until-lost); RC=$?
echo "$OUT" | sed 's/^/    /'
LOST=$(sed -n 's/.*association lost after \([0-9.]*\) s/\1/p' <<<"$OUT")
check "udp: killed peer -> association lost within 20 s (${LOST:-never} s)" \
  python3 -c "import sys; sys.exit(0 if float('${LOST:-99}') < 20.0 else 1)"

# Kernel SCTP.
OUT=$("$PEER" client --transport kernel --port "$SP" --count 1 --timeout 3 2>&1); RC=$?
if grep -q "this kernel has no SCTP" <<<"$OUT"; then
  echo "    $OUT"
  check "kernel: no SCTP here: the error says what to do" grep -q 'ngap.transport = "udp"' <<<"$OUT"
  check "kernel: and the exit status says it failed" [ $RC -ne 0 ]
else
  "$PEER" server --transport kernel --port "$SP" --seconds 20 >"$TMP/kserver.log" 2>&1 &
  PIDS+=($!)
  sleep 0.5
  OUT=$("$PEER" client --transport kernel --port "$SP" --count 200 --timeout 20 2>&1); RC=$?
  echo "$OUT" | sed 's/^/    /'
  check "kernel: 200/200 echoes" [ $RC -eq 0 ]
fi
finish
