#!/usr/bin/env bash
# The NG interface (gnb/ng_stage.h): gnbd with an AMF configured admits no UE until NG Setup succeeds, over SCTP
# over UDP (RFC 6951) to tools/amf_stub, an AMF stand-in that answers NG Setup only.
#   AMF not there: the UE simulator's RRCSetupRequest gets RRCReject ("the NG interface to the AMF is not up");
#   the AMF comes up and refuses once with Time To Wait v1s: gnbd waits, asks again, is accepted (ngap.state
#   "ready"); the NGSetupRequest carries the configured PLMN, TAC, slice, name and the gNB ID = the leftmost 24
#   bits of cell_id; a UE now attaches and its NAS messages are relayed both ways (38.413 8.6): RRCSetupComplete's
#   NAS in an Initial UE Message (with the cell's NR CGI and TAC), the stub's Downlink NAS Transport as a
#   DLInformationTransfer the UE decodes, the UE's ULInformationTransfer (uesim --echo-dl-nas) as an Uplink NAS
#   Transport with the AMF UE NGAP ID; the stub then releases the UE (UE Context Release Command): gnbd sends
#   RRCRelease at once (the inactivity timer is 30 s) and UE Context Release Complete; the AMF goes away: gnbd sees the association lost, rejects UEs again.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
read -r N3 _ < <(n3_ports)
# cell_id 0x0019B0123 (26935587): with 24-bit gNB IDs the gNB ID is its leftmost 24 of 36 bits, 0x0019B0 (6576).
uesim_cell_start ng "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7; cell_id = 26935587;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; gnb_id_bits = 24; ran_node_name = \"gnbd-test\"; sst = 1; n3_port = $N3; };
   rrc: { inactivity_timer_s = 30; };" || { finish; exit; }

ng_state() { metric "$EP" ngap.state 2>/dev/null; }
wait_state() { # state seconds
  for _ in $(seq $((10 * $2))); do [ "$(ng_state)" = "$1" ] && return 0; sleep 0.1; done
  return 1
}
attach() { "$UESIM" "${UESIM_ARGS[@]}" --seconds "${SECS:-0.4}" --timeout 20 --attach 1 "$@" 2>&1; }

OUT=$(attach --expect-attach reject); RC=$?
check "no AMF: the UE is rejected (uesim expected it)" [ $RC -eq 0 ]
check "no AMF: gnbd says why" grep -q "RRCReject (.*): the NG interface to the AMF is not up" "$LOG"
check "no AMF: ngap.state is not ready ($(ng_state))" [ "$(ng_state)" != "ready" ]

"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --fail 1 --ttw 0 --seconds 90 --release-after-ul 1 >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
check "the AMF comes up: NG Setup refused once (v1s), then accepted (ngap.state ready within 40 s)" wait_state ready 40
sed 's/^/    /' "$TMP/amf.log"
grep "NGAP" "$LOG" | cut -c1-200 | sed 's/.*\] /    gnbd: /'
check "AMF: the request carries gNB ID 6576/24, TAC 7, PLMN 001/01, SST 1, the name" \
  grep -q "NGSetupRequest gnb_id=6576 bits=24 tac=7 plmn=001/01 sst=1 name=gnbd-test" "$TMP/amf.log"
check "AMF: failure first, then response" bash -c 'grep -o "sent NGSetup[A-Za-z]*" "$1" | tr "\n" " " |
  grep -q "^sent NGSetupFailure sent NGSetupResponse"' _ "$TMP/amf.log"
check "gnbd: logged the AMF's name and the cell admitting UEs" \
  grep -q 'NGSetupResponse from AMF "amf-stub" .*the cell admits UEs' "$LOG"
check "gnbctl metrics: ngap.setup_failures 1, setup_responses 1" \
  [ "$(metric "$EP" ngap.setup_failures) $(metric "$EP" ngap.setup_responses)" = "1 1" ]

OUT=$(SECS=5 attach --expect-attach ok --until-release 8 --echo-dl-nas --nas-bytes 40); RC=$?
grep -aE "uesim: (DLInformationTransfer|ULInformationTransfer|RRCRelease received|result)" <<<"$OUT" | sed 's/^/    /'
grep -E "InitialUEMessage|UplinkNASTransport|DownlinkNAS|Release" "$TMP/amf.log" | sed 's/^/    /'
check "NG up: the UE attaches, and gets RRCRelease" [ $RC -eq 0 ]
# The UE's C-RNTI as uesim saw it (the rejected UE's may not be free yet when the lock-step stream is fast).
RNTI=$(sed -n 's/.*RRCRelease received: ue=1 c-rnti=\(0x[0-9a-f]*\).*/\1/p' <<<"$OUT" | head -1)
check "the release came from the core's UE Context Release Command, well before the 30 s inactivity timer" \
  grep -q "${RNTI:-none}: released by the core network -> RRCRelease" "$LOG"
check "AMF: UE Context Release Complete with both UE NGAP IDs" \
  grep -q "UEContextReleaseComplete amf_ue_id=1001 ran_ue_id=1" "$TMP/amf.log"
check "AMF: Initial UE Message with RRCSetupComplete's 40-byte NAS, the cell's NR CGI and TAC, UE context requested" \
  grep -q "InitialUEMessage ran_ue_id=1 nas_len=40 nas=7e.* nr_cell_id=26935587 tac=7 cause=.* ue_context_request=1" \
  "$TMP/amf.log"
check "UE: the stub's NAS message arrived in a DLInformationTransfer" \
  grep -aq "DLInformationTransfer received: ue=1 .* NAS 4 bytes: 7e 00 5b 01" <<<"$OUT"
check "AMF: the UE's answer came back in an Uplink NAS Transport with both UE NGAP IDs" \
  grep -q "UplinkNASTransport amf_ue_id=1001 ran_ue_id=1 nas=7e005b01$" "$TMP/amf.log"
check "gnbctl metrics: ngap.initial_ue_messages 1, nas_dl 1, nas_ul 1, nas_dropped 0, ue_releases 1" \
  [ "$(metric "$EP" ngap.initial_ue_messages) $(metric "$EP" ngap.nas_dl) $(metric "$EP" ngap.nas_ul) $(metric "$EP" ngap.nas_dropped) $(metric "$EP" ngap.ue_releases)" = "1 1 1 0 1" ]

# A UE the RAN loses while the AMF still holds its context: gnbd asks the AMF to release it (38.413 8.3.2). Here
# its radio peer leaves: with no peer the cell's clock stops, so gnbd releases every UE as soon as the last
# ZeroMQ peer is gone, without waiting for the next stream.
OUT=$(SECS=1 attach --expect-attach ok --nas-bytes 40); RC=$?
check "a second UE attaches (no UL NAS, so the stub does not release it) and its radio leaves" [ $RC -eq 0 ]
for _ in $(seq 100); do grep -q "UEContextReleaseComplete amf_ue_id=[0-9]* ran_ue_id=2" "$TMP/amf.log" && break; sleep 0.1; done
check "gnbd saw the cell empty and released the UE before any other peer came" \
  grep -q "the cell has no radio peer: 1 RRC context(s) released" "$LOG"
grep -E "ran_ue_id=2" "$TMP/amf.log" | sed 's/^/    /'
grep -E "UE Context Release" "$LOG" | cut -c1-200 | sed 's/.*\] /    gnbd: /'
check "AMF: UE Context Release Request for the lost UE, cause radioNetwork/radio-connection-with-ue-lost (0/21)" \
  grep -Eq "UEContextReleaseRequest amf_ue_id=[0-9]+ ran_ue_id=2 cause=0/21" "$TMP/amf.log"
check "AMF: its Command was answered with UE Context Release Complete" \
  grep -Eq "UEContextReleaseComplete amf_ue_id=[0-9]+ ran_ue_id=2" "$TMP/amf.log"
check "gnbctl metrics: ngap.release_requests 1, ue_releases 2" \
  [ "$(metric "$EP" ngap.release_requests) $(metric "$EP" ngap.ue_releases)" = "1 2" ]
OUT=$(attach --expect-attach ok); RC=$?
check "a third UE attaches on a new stream" [ $RC -eq 0 ]

kill -TERM "$SPID"
check "the AMF goes: gnbd sees the association lost (ngap.state leaves ready within 10 s)" \
  bash -c 'for _ in $(seq 100); do s=$("$1" -s "$2" raw "{\"cmd\":\"metrics\"}" 2>/dev/null |
    python3 -c "import json,sys; print(json.load(sys.stdin)[\"ngap\"][\"state\"])"); [ "$s" != ready ] && exit 0;
    sleep 0.1; done; exit 1' _ "$GNBCTL" "$EP"
check "gnbd logged the loss" grep -q "association to the AMF lost" "$LOG"
OUT=$(attach --expect-attach reject); RC=$?
check "AMF gone: UEs are rejected again" [ $RC -eq 0 ]
check "gnbd stops cleanly on SIGTERM (exit status 0; under ASan: no leak or error report)" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
