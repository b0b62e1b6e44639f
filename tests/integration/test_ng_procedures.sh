#!/usr/bin/env bash
# NG procedures beyond the NAS relay (38.413): gnbd + tools/amf_stub + the UE simulator, UEs one after another.
#   UE 1: Initial Context Setup; after the UECapabilityInformation gnbd sends UE Radio Capability Info Indication
#     (8.14.1): the octets hold 38.331's UERadioAccessCapabilityInformation whose container is, octet for octet,
#     the UE-NR-Capability the UE sent. Then the UE goes quiet: after rrc.inactivity_timer_s gnbd asks the AMF
#     first (UE Context Release Request, user-inactivity, 8.3.2), and only on the AMF's Command sends RRCRelease
#     and UE Context Release Complete.
#   UE 2: the AMF resets part of the interface (NG Reset naming UE 2's connection and one of no UE, 8.7.4): gnbd
#     releases UE 2 (RRCRelease) and answers NG Reset Acknowledge with the list as received; no Release Request.
#   UE 3: NG Reset of the whole interface: released, acknowledged without a list.
#   UE 4: an Error Indication without ids (logged), then one naming UE 4 with unknown-local-UE-NGAP-ID (8.7.5):
#     gnbd releases UE 4 locally and says nothing to the AMF about it.
#   UE 5: the Initial Context Setup Request carries the UE Radio Capability the AMF kept: no UECapabilityEnquiry.
#   UE 6: the AMF holds back its Command; meanwhile the association goes (the stub exits): gnbd releases UE 6
#     (its context went with the association), and once NG Setup succeeds with a new AMF it sends NG Reset
#     (reset-all) and admits UEs after the Acknowledge: UE 7 attaches.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP N3_PORT < <(free_ports)
uesim_cell_start ngproc "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_port = $N3_PORT; };
   rrc: { inactivity_timer_s = 2; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 150 --ics "$KEY" --ics-after-ul 1 --ics-radio-cap 1 \
  --reset-ue 2 --reset-all-ue 3 --error-ue 4 --no-command-ran 6 >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
wait_ready() { for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && return 0; sleep 0.1; done; return 1; }
check "NG Setup done (ngap.state ready)" wait_ready
attach() { "$UESIM" "${UESIM_ARGS[@]}" --seconds 8 --timeout 30 --attach 1 --expect-attach ok --until-release 20 \
  --echo-dl-nas --kgnb "$KEY" "$@" 2>&1; }
amf() { grep -E "$1" "$TMP/amf.log"; }

# UE 1: capability indication, then release for inactivity in 38.413's order.
OUT=$(attach); RC=$?
grep -aE "uesim: (UECapability|RRCRelease received|result)" <<<"$OUT" | sed 's/^/    /'
amf "ran_ue_id=1( |$)" | sed 's/^/    /'
check "UE 1: attached, released" [ $RC -eq 0 ]
NR=$(sed -n 's/.*UECapabilityInformation sent: ue=1 .* nr=\([0-9a-f]*\).*/\1/p' <<<"$OUT" | head -1)
check "AMF: UE Radio Capability Info Indication for UE 1: UERadioAccessCapabilityInformation with one nr container = the UE's UE-NR-Capability ($NR)" \
  grep -Eq "UERadioCapabilityInfoIndication amf_ue_id=1001 ran_ue_id=1 len=[0-9]+ bytes=[0-9a-f]+ containers=1 rat0=0 cap0=${NR:-none}$" "$TMP/amf.log"
check "AMF: the indication after the capability enquiry and before the Initial Context Setup Response" bash -c \
  'grep -o "UERadioCapabilityInfoIndication amf_ue_id=1001\|InitialContextSetupResponse amf_ue_id=1001" "$1" | tr "\n" "|" |
   grep -q "^UERadioCapabilityInfoIndication amf_ue_id=1001|InitialContextSetupResponse amf_ue_id=1001|$"' _ "$TMP/amf.log"
RNTI=$(sed -n 's/.*RRCRelease received: ue=1 c-rnti=\(0x[0-9a-f]*\).*/\1/p' <<<"$OUT" | head -1)
grep -E "${RNTI:-none}: (inactive|the RAN asks|UE Context Release Command|released by the core)" "$LOG" | cut -c1-170 | sed 's/.*\] /    gnbd: /'
# The first line number of each pattern in gnbd's log must increase.
in_order() { # file pattern...
  local f=$1 prev=0 n; shift
  for p in "$@"; do
    n=$(grep -n -m1 -- "$p" "$f" | cut -d: -f1)
    [ -n "$n" ] && [ "$n" -gt "$prev" ] || return 1
    prev=$n
  done
}
check "gnbd (inactivity): asked the core first, then the Request, the Command, and only then RRCRelease" \
  in_order "$LOG" "${RNTI:-none}: inactive for 2000 ms -> the core network is asked" \
  "${RNTI:-none}: the RAN asks to release it (inactivity) -> UE Context Release Request (user-inactivity)" \
  "${RNTI:-none}: UE Context Release Command .* -> RRCRelease" "${RNTI:-none}: released by the core network -> RRCRelease"
check "AMF: Request (radio network 20, user-inactivity), then Complete for UE 1" bash -c \
  'grep -o "UEContextReleaseRequest amf_ue_id=1001 ran_ue_id=1 cause=0/20\|UEContextReleaseComplete amf_ue_id=1001 ran_ue_id=1" "$1" |
   tr "\n" "|" | grep -q "^UEContextReleaseRequest amf_ue_id=1001 ran_ue_id=1 cause=0/20|UEContextReleaseComplete amf_ue_id=1001 ran_ue_id=1|$"' _ "$TMP/amf.log"

# UE 2: NG Reset of part of the interface.
OUT=$(attach); RC=$?
check "UE 2: released by gnbd after the AMF's partial NG Reset" [ $RC -eq 0 ]
check "AMF: NG Reset Acknowledge lists the two connections as sent (1002/2, 999999/-)" \
  grep -q "NGResetAcknowledge ues=2 1002/2 999999/-1$" "$TMP/amf.log"
check "gnbd: the partial reset released one UE" grep -q "NG Reset from the AMF (part of the interface, cause group 4 value 5): 1 UE(s) released" "$LOG"
check "AMF: no UE Context Release Request or Complete for UE 2" bash -c '! grep -q "ReleaseRequest.*ran_ue_id=2 \|ReleaseComplete.*ran_ue_id=2$" "$1"' _ "$TMP/amf.log"

# UE 3: NG Reset of the whole interface.
OUT=$(attach); RC=$?
check "UE 3: released after the AMF's NG Reset (reset-all); acknowledged without a list" \
  bash -c '[ "$1" -eq 0 ] && grep -q "NGResetAcknowledge ues=0$" "$2" && grep -q "NG Reset from the AMF (reset-all.*: 1 UE(s) released" "$3"' \
  _ "$RC" "$TMP/amf.log" "$LOG"

# UE 4: Error Indications.
OUT=$(attach); RC=$?
check "UE 4: released after the Error Indication naming it (unknown-local-UE-NGAP-ID)" [ $RC -eq 0 ]
check "gnbd: the one without ids logged with its cause; the one with ids released the UE" bash -c \
  'grep -q "Error Indication from the AMF (AMF UE NGAP ID -1, RAN UE NGAP ID -1, cause group 3 value 4)" "$1" &&
   grep -q "Error Indication (AMF UE NGAP ID 1004, RAN UE NGAP ID 4, cause group 0 value 14): the AMF does not know the UE: released here" "$1"' _ "$LOG"
check "AMF: nothing from gnbd about UE 4 after that" bash -c '! grep -q "ReleaseRequest.*ran_ue_id=4 \|ReleaseComplete.*ran_ue_id=4$" "$1"' _ "$TMP/amf.log"

# UE 5: the AMF's copy of the capabilities: no enquiry.
OUT=$(attach); RC=$?
check "UE 5: attached and released; the Initial Context Setup Request carried the UE Radio Capability" \
  bash -c '[ "$1" -eq 0 ] && grep -q "with the UE Radio Capability" "$2"' _ "$RC" "$TMP/amf.log"
check "UE 5: no UECapabilityEnquiry reached it, and the context was set up" bash -c \
  '! grep -aq "UECapabilityEnquiry received" <<<"$1" && grep -aq "SecurityModeComplete sent: ue=1" <<<"$1" &&
   grep -q "InitialContextSetupResponse amf_ue_id=1005 ran_ue_id=5$" "$2" && grep -q "no UECapabilityEnquiry" "$3"' _ "$OUT" "$TMP/amf.log" "$LOG"

# UE 6: the association goes while its context waits for the Command.
attach >"$TMP/ue6.log" & UPID=$!
for _ in $(seq 300); do amf "UEContextReleaseRequest .*ran_ue_id=6 " >/dev/null && break; sleep 0.1; done
check "UE 6: the Request went, the Command is held back" amf "UEContextReleaseRequest amf_ue_id=1006 ran_ue_id=6 cause=0/20"
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
wait "$UPID"; RC=$?
check "UE 6: released by gnbd when the association went (uesim got RRCRelease)" [ $RC -eq 0 ]
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 60 --release-after-ul 1 >"$TMP/amf2.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
check "NG Setup again with the new AMF" wait_ready
for _ in $(seq 100); do grep -q "NG Reset Acknowledge" "$LOG" && break; sleep 0.1; done
sed 's/^/    amf2: /' "$TMP/amf2.log" | head -6
grep -E "NG Reset|NGSetupResponse" "$LOG" | tail -3 | cut -c1-170 | sed 's/.*\] /    gnbd: /'
check "gnbd: NG Reset (reset-all, transport-resource-unavailable) after NG Setup, acknowledged" bash -c \
  'grep -q "NGReset reset_all=1 ues=0 cause=1/0" "$1" && grep -q "NG Reset Acknowledge (0 connection(s) listed): the cell admits UEs" "$2" &&
   grep -o "sent NGSetupResponse\|NGReset reset_all" "$1" | tr "\n" "|" | grep -q "^sent NGSetupResponse|NGReset reset_all|$"' _ "$TMP/amf2.log" "$LOG"
OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds 8 --timeout 20 --attach 1 --expect-attach ok --until-release 8 --echo-dl-nas 2>&1); RC=$?
check "UE 7: admitted and served by the new AMF" bash -c '[ "$1" -eq 0 ] && grep -q "UEContextReleaseComplete amf_ue_id=1007 ran_ue_id=7" "$2"' _ "$RC" "$TMP/amf2.log"
M="$(metric "$EP" ngap.resets_received) $(metric "$EP" ngap.resets_sent) $(metric "$EP" ngap.reset_acks) $(metric "$EP" ngap.error_indications) $(metric "$EP" ngap.error_releases) $(metric "$EP" ngap.capability_indications) $(metric "$EP" ngap.release_requests)"
check "gnbctl metrics: resets received 2 / sent 1 / acked 1, error indications 2 (1 release), capability indications 1, release requests 3 ($M)" \
  [ "$M" = "2 1 1 2 1 1 3" ]
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM (exit status 0; under ASan: no leak or error report)" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
