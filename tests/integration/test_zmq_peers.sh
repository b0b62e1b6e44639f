#!/usr/bin/env bash
# Several peers on one ZeroMQ radio (drivers/radio_zmq.c; docs/ARCHITECTURE.md §1.3, §1.4): gnbd serves two port
# pairs (tx_port/rx_port, tx_port1/rx_port1) of one 25 PRB cell. Two uesim processes (own seeds: own preambles and
# identities) attach at once, one on each pair, and both reach RRC connected; DL goes to both, their UL is summed.
# The second leaves (exits) mid-run: the first streams on in the same epoch (radio.epochs stays 1, its UL slots keep
# coming, it stays in gnbctl ues). A third joins on the freed pair at its own sample offset and attaches, still in
# epoch 1 (radio.peer_joins counts the joins). A stranger asking for DL on the pair the first holds is refused
# (logged, radio.peers_refused) and takes nothing over: the first stays connected and the epoch stays 1.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
PEER="$ROOT/$BUILD/tools/zmq_peer"

ZMQ_PAIRS=2 uesim_cell_start peers "pci = 77; dl_arfcn = 368500; bandwidth_mhz = 5; coreset0_index = 0; prach_config_index = 14;" \
  3 15 "rrc: { inactivity_timer_s = 0; };" || finish
CELL=("${UESIM_ARGS[@]:0:12}")
# shellcheck disable=SC2206
P0=(${PAIR_PORTS[0]}); P1=(${PAIR_PORTS[1]})
m() { metric "$EP" "$1"; }
wait_for() { # seconds command...: poll until the command succeeds
  local end=$((SECONDS + $1)); shift
  while [ $SECONDS -lt $end ]; do "$@" && return 0; sleep 0.2; done
  "$@"
}
setups_at_least() { [ "$(m rrc.setups_complete)" -ge "$1" ] 2>/dev/null; }

# UE A stays (until gnbd releases it, which it does not: no inactivity timer; 3000 s of stream: the lock-step
# stream runs many times faster than real time) on pair 0; UE B attaches on pair 1 and
# exits 20 slots after its RRCSetupComplete was acknowledged.
"$UESIM" "${CELL[@]}" "${P0[@]}" --attach 1 --seed 11 --until-release 3000 --seconds 3000 --timeout 150 >"$TMP/a.out" 2>&1 &
APID=$!; PIDS+=($APID)
# B only once A streams: the stream runs many times faster than real time, and B could otherwise attach and leave
# before A has started.
wait_for 30 grep -q "peer connected on tcp://127.0.0.1:${PAIR_DL[0]}" "$LOG"
"$UESIM" "${CELL[@]}" "${P1[@]}" --attach 1 --seed 22 --seconds 30 --timeout 90 >"$TMP/b.out" 2>&1 &
BPID=$!; PIDS+=($BPID)
wait_for 90 setups_at_least 2
wait $BPID; brc=$?
grep -aE "uesim: (RAR|RRCSetupComplete ack)" "$TMP/a.out" "$TMP/b.out" | sed 's/^/    /'
check "two uesims at once (pairs 0 and 1): B attached and exited 0" [ $brc -eq 0 ]
check "A attached while B did (RRCSetupComplete acknowledged)" grep -aq "RRCSetupComplete acknowledged" "$TMP/a.out"
check "gnbd: 2 RRC setups complete, both peers in epoch 1" [ "$(m rrc.setups_complete) $(m radio.epochs)" = "2 1" ]
grep -E "zmq\[gnb\]|RRCSetupComplete" "$LOG" | cut -c1-170 | sed 's/.*\] /    gnbd: /'
check "gnbd logged two RRCSetupComplete on two C-RNTIs" \
  [ "$(grep -o '0x[0-9a-f]*: RRCSetupComplete' "$LOG" | sort -u | wc -l)" -eq 2 ]
check "gnbd logged B's join into the running epoch" grep -q "zmq\[gnb\]: peer joined on tcp://127.0.0.1:[0-9]*, epoch 1 at sample" "$LOG"

# B left: gnbd says so, A streams on in epoch 1.
check "B's departure logged, one peer streams on" wait_for 5 grep -q "peer disconnected on tcp://127.0.0.1:${PAIR_DL[1]}; 1 peers stream on, epoch 1" "$LOG"
ul1=$(m slots.ul_processed); sleep 1; ul2=$(m slots.ul_processed)
echo "  UL slots processed: $ul1, one second later $ul2"
check "A keeps streaming after B left (UL slots keep coming)" [ "$ul2" -gt "$ul1" ]
check "A still running" kill -0 $APID
check "radio.epochs still 1, radio state streaming" [ "$(m radio.epochs) $(m radio.state)" = "1 streaming" ]

# C joins on the freed pair 1 and attaches in the running epoch.
"$UESIM" "${CELL[@]}" "${P1[@]}" --attach 1 --seed 33 --seconds 30 --timeout 90 >"$TMP/c.out" 2>&1
crc=$?
grep -aE "uesim: (RAR|RRCSetupComplete ack)" "$TMP/c.out" | sed 's/^/    /'
check "C joined the freed pair 1 and attached" [ $crc -eq 0 ]
wait_for 5 setups_at_least 3
check "gnbd: 3 RRC setups complete, still epoch 1, 2 joins into it" \
  [ "$(m rrc.setups_complete) $(m radio.epochs) $(m radio.peer_joins)" = "3 1 2" ]

# A stranger asks for DL on pair 0, which A holds: refused, logged, counted; A unaffected.
port=$(free_ports); port=${port% *}
"$PEER" --tx "tcp://127.0.0.1:$port" --rx "tcp://127.0.0.1:${PAIR_DL[0]}" --seconds 60 --idle-timeout 3000 >"$TMP/s.out" 2>&1 &
SPID=$!; PIDS+=($SPID)
check "second peer on a held pair: refused and logged" \
  wait_for 5 grep -q "second peer on tcp://127.0.0.1:${PAIR_DL[0]} refused" "$LOG"
grep -m1 "refused" "$LOG" | cut -c1-200 | sed 's/^/    gnbd: /'
check "radio.peers_refused = 1" [ "$(m radio.peers_refused)" = "1" ]
ul1=$(m slots.ul_processed); sleep 1; ul2=$(m slots.ul_processed)
check "A streams on while the stranger waits ($ul1 -> $ul2 UL slots), epoch still 1" \
  [ "$ul2" -gt "$ul1" ] && [ "$(m radio.epochs)" = 1 ]
kill $SPID 2>/dev/null; wait $SPID 2>/dev/null
check "A still running after the stranger" kill -0 $APID
ues=$("$GNBCTL" -s "$EP" ues 2>&1); echo "$ues" | sed 's/^/    /'
arnti=$(sed -n 's/.*RRCSetupComplete acknowledged .*c-rnti=\(0x[0-9a-f]*\).*/\1/p' "$TMP/a.out" | head -1)
check "gnbctl ues lists A ($arnti) connected" grep -qi "${arnti#0x}.*setup-complete\|${arnti#0x}.*connected" <<<"$ues"
kill $APID 2>/dev/null; wait $APID 2>/dev/null
stop_and_wait $GPID TERM 5 >/dev/null; rc=$?
check "clean exit" [ $rc -eq 0 ]
finish
