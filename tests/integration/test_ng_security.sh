#!/usr/bin/env bash
# AS security on the AMF's Initial Context Setup (38.413 8.3.1, 38.331 5.3.4, 33.501 6.7.4): gnbd + tools/amf_stub
# + the UE simulator. Three UEs attach one after another to one gnbd; the stub relays NAS (a DL NAS message the UE
# echoes) and then sends an Initial Context Setup Request with K_gNB and a NAS-PDU:
#   UE 1 holds the same K_gNB: gnbd chooses nia2/nea2, sends SecurityModeCommand (integrity on), the UE checks its
#     MAC-I and answers SecurityModeComplete; ciphering goes on both ways; the AMF gets Initial Context Setup
#     Response; the NAS-PDU reaches the UE in a ciphered DLInformationTransfer (deciphered there), and the UE's
#     ciphered echo comes back to the AMF intact (Uplink NAS Transport); the AMF releases the UE.
#   Then a PDU Session Resource Setup Request (session 1, QFI 1, a NAS-PDU): gnbd adds the tunnel (DL TEID),
#     sets DRB 1 up in the MAC and sends RRCReconfiguration (DRB 1, the NAS-PDU) ciphered; the UE answers
#     RRCReconfigurationComplete; the AMF gets PDU Session Resource Setup Response with gnbd's N3 address, the DL
#     TEID and QFI 1 (and the UE's echo of the NAS-PDU, after which it releases the UE).
#   UE 2 holds another K_gNB: the SecurityModeCommand's MAC-I fails there, the UE answers an unprotected
#     SecurityModeFailure, gnbd answers Initial Context Setup Failure (radio network cause 24); released.
#   UE 3: the request names a RAN UE NGAP ID gnbd never gave: Error Indication (unknown-local-UE-NGAP-ID, 14).
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
BAD=f00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
ICS_NAS=7e02aabbccdd0042
SES_NAS=7e02112233440068
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP N3_PORT < <(free_ports)
uesim_cell_start ngsec "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_port = $N3_PORT; };
   rrc: { inactivity_timer_s = 30; };
   security: { integrity = [\"nia2\"]; ciphering = [\"nea2\", \"nea0\"]; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 120 --release-after-ul 3 --ics "$KEY" --ics-after-ul 1 \
  --ics-nas "$ICS_NAS" --ics-bad-id 3 --session-after-ul 2 --session-nas "$SES_NAS" >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
check "NG Setup done (ngap.state ready)" [ "$(metric "$EP" ngap.state)" = ready ]
attach() { "$UESIM" "${UESIM_ARGS[@]}" --seconds 8 --timeout 20 --attach 1 --expect-attach ok --until-release 6 \
  --echo-dl-nas "$@" 2>&1; }

OUT=$(attach --kgnb "$KEY"); RC=$?
grep -aE "uesim: (Security|UECapability|RRCReconfiguration|DLInformationTransfer|ULInformationTransfer|RRCRelease received|result)" <<<"$OUT" | sed 's/^/    /'
grep -E "InitialContext|UplinkNAS|PDUSession|Release" "$TMP/amf.log" | sed 's/^/    /'
check "UE 1: attached and released by the AMF" [ $RC -eq 0 ]
check "UE 1: SecurityModeCommand with nia2/nea2 whose MAC-I checks under the UE's own keys" \
  grep -aq "SecurityModeCommand received: ue=1 .* nia2 nea2 MAC-I ok" <<<"$OUT"
check "UE 1: SecurityModeComplete sent" grep -aq "SecurityModeComplete sent: ue=1" <<<"$OUT"
check "UE 1: UECapabilityEnquiry arrived ciphered, UECapabilityInformation went back and gnbd read it" \
  bash -c 'grep -aq "UECapabilityEnquiry received: ue=1 .* (deciphered)" <<<"$1" &&
           grep -q "UECapabilityInformation (UE-NR-Capability 11 bytes [0-9a-f]*: pdsch-256QAM-FR1 yes" "$2"' \
  _ "$OUT" "$LOG"
check "AMF: Initial Context Setup Response for UE 1" \
  grep -q "InitialContextSetupResponse amf_ue_id=1001 ran_ue_id=1$" "$TMP/amf.log"
check "UE 1: the request's NAS-PDU arrived ciphered and deciphers to the same octets" \
  grep -aq "DLInformationTransfer received: ue=1 .* (deciphered) NAS 8 bytes: 7e 02 aa bb cc dd 00 42" <<<"$OUT"
check "AMF: the UE's ciphered echo deciphered by gnbd (Uplink NAS Transport)" \
  grep -q "UplinkNASTransport amf_ue_id=1001 ran_ue_id=1 nas=$ICS_NAS$" "$TMP/amf.log"
grep -E "Initial Context|SRB1 (integrity|ciphering)|SecurityMode|AS security" "$LOG" | head -8 | cut -c1-160 | sed 's/.*\] /    gnbd: /'
check "PDU session: RRCReconfiguration with DRB 1 and the session's NAS-PDU arrived ciphered, the UE completed it" \
  bash -c 'grep -aq "RRCReconfiguration received: ue=1 .* (deciphered) drb=1 lcid=4 nas=1:7e 02 11 22 33 44 00 68" <<<"$1" &&
           grep -aq "RRCReconfigurationComplete sent: ue=1" <<<"$1"' _ "$OUT"
check "AMF: PDU Session Resource Setup Response: session 1 set up, gnbd's N3 address, a DL TEID, QFI 1" \
  grep -Eq "PDUSessionResourceSetupResponse amf_ue_id=1001 ran_ue_id=1 setup=1 dl_teid=0x[0-9a-f]{8} n3=127.0.0.1 qfi=1$" \
  "$TMP/amf.log"
check "gnbd: DRB 1 set up in the MAC on LCID 4 (QFI 1), the UE's echo of the session NAS-PDU relayed" \
  bash -c 'grep -q "DRB: c-rnti=0x4601 drb 1 on LCID 4.* QFI 1" "$1" &&
           grep -q "UplinkNASTransport amf_ue_id=1001 ran_ue_id=1 nas=$3$" "$2"' _ "$LOG" "$TMP/amf.log" "$SES_NAS"
check "gnbd (MAC stage): SRB1 integrity on, then ciphering on" bash -c \
  'grep -o "SRB1 integrity on\|SRB1 ciphering on" "$1" | head -2 | tr "\n" "|" | grep -q "^SRB1 integrity on|SRB1 ciphering on|$"' _ "$LOG"
check "gnbd (RRC stage): SecurityModeCommand, SecurityModeComplete, UECapabilityEnquiry/Information, context set up" \
  bash -c 'grep -o "SecurityModeCommand (\|SecurityModeComplete (\|UECapability[A-Za-z]*\|AS security on" "$1" | head -5 |
   tr "\n" "|" | grep -q "^SecurityModeCommand (|SecurityModeComplete (|UECapabilityEnquiry|UECapabilityInformation|AS security on|$"' _ "$LOG"

OUT=$(attach --kgnb "$BAD"); RC=$?
grep -aE "uesim: (Security|RRCRelease received|result)" <<<"$OUT" | sed 's/^/    /'
check "UE 2 (another K_gNB): the SecurityModeCommand's MAC-I is wrong there; SecurityModeFailure sent" \
  bash -c 'grep -aq "nia2 nea2 MAC-I wrong" <<<"$1" && grep -aq "SecurityModeFailure sent: ue=1" <<<"$1"' _ "$OUT"
check "AMF: Initial Context Setup Failure for UE 2, cause radio network 24 (failure in the radio interface procedure)" \
  grep -q "InitialContextSetupFailure amf_ue_id=1002 ran_ue_id=2 cause=0/24" "$TMP/amf.log"
check "gnbd: took the unprotected SecurityModeFailure at once (no guard timeout)" \
  bash -c 'grep -q "unprotected SecurityModeFailure taken" "$1" && grep -q "security mode failed (SecurityModeFailure)" "$1"' _ "$LOG"
check "UE 2: released by the AMF after the failure" [ $RC -eq 0 ]

OUT=$(attach --kgnb "$KEY"); RC=$?
check "UE 3: a request for an unknown RAN UE NGAP ID gets Error Indication (unknown-local-UE-NGAP-ID)" \
  grep -q "ErrorIndication amf_ue_id=1003 ran_ue_id=103 cause=0/14" "$TMP/amf.log"
check "UE 3: no SecurityModeCommand reached it; released" \
  bash -c '[ "$2" -eq 0 ] && ! grep -aq "SecurityModeCommand received" <<<"$1"' _ "$OUT" "$RC"
check "gnbctl metrics: ngap.ics_requests 3, ics_responses 1, ics_failures 2, sessions_set_up 1, sessions_failed 0" \
  [ "$(metric "$EP" ngap.ics_requests) $(metric "$EP" ngap.ics_responses) $(metric "$EP" ngap.ics_failures) $(metric "$EP" ngap.sessions_set_up) $(metric "$EP" ngap.sessions_failed)" = "3 1 2 1 0" ]
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM (exit status 0; under ASan: no leak or error report)" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
