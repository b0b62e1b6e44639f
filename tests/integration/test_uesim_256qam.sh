#!/usr/bin/env bash
# PDSCH mcs-Table qam256 only for a UE whose capabilities say so (issue 15; rrc/rrc_cell.h enum rrc_qam256).
# tools/amf_stub plays the AMF (Initial Context Setup, PDU session), tools/gtpu_peer the UPF. Two UEs of the
# simulator, one after the other on two ZeroMQ port pairs of one gnbd:
#   A: its UE-NR-Capability has pdsch-256QAM-FR1. RRCSetup has no mcs-Table (A decodes its PDSCHs on the qam64
#      table); the DRB's RRCReconfiguration carries its spCellConfig with mcs-Table qam256; gnbd's MAC sends MCS 0
#      until the RRCReconfigurationComplete, then rows of Table 5.1.3.1-2: A decodes 256QAM PDSCHs (Q_m 8) and
#      ACKs them, and `gnbctl ues` shows dl_table=qam256.
#   B: uesim --ue-256qam 0. Its RRCReconfiguration has no spCellConfig, it never gets a PDSCH read on the qam256
#      table (so no 256QAM), every one decodes, `gnbctl ues` shows dl_table=qam64.
# DL data for each: 10 IP packets from the "UPF", echoed back. Metrics: rrc.ue_cap_256qam 1, ue_cap_no_256qam 1,
# qam256_ues 1.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
PEER="$ROOT/$BUILD/tools/gtpu_peer"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP _ < <(free_ports)
read -r N3 UPF < <(n3_ports)
ZMQ_PAIRS=2 uesim_cell_start q256 "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_addr = \"127.0.0.1\"; n3_port = $N3; upf_port = $UPF; };
   rrc: { inactivity_timer_s = 0; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 300 --ics "$KEY" --ics-after-ul 1 --ics-nas 7e02aabbccdd0042 \
  --session-after-ul 2 \
  >"$TMP/amf.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
check "NG Setup done (ngap.state ready)" [ "$(metric "$EP" ngap.state)" = ready ]

# One UE on port pair $2 (uesim options after the UPF's UL TEID the stub gives its session): attaches, gets its
# PDU session, then 10 IP packets go down and come back. Sets RNTI (its C-RNTI) and OUTF (its output).
run_ue() { # name pair ul-teid [uesim options]
  local name=$1 pair=$2 ul_teid=$3 teid="" n; shift 3
  OUTF="$TMP/$name.out"
  # shellcheck disable=SC2086
  "$UESIM" "${UESIM_ARGS[@]:0:12}" ${PAIR_PORTS[$pair]} --seconds 3600 --timeout 900 --attach 1 --until-release 3600 \
    --kgnb "$KEY" --echo-dl-nas --echo-dl-data "$@" >"$OUTF" 2>&1 &
  PIDS+=("$!")
  n=$(grep -c "PDUSessionResourceSetupResponse" "$TMP/amf.log")
  for _ in $(seq 600); do
    teid=$(sed -n 's/.*PDUSessionResourceSetupResponse .* dl_teid=\(0x[0-9a-f]*\) .*/\1/p' "$TMP/amf.log" | sed -n "$((n + 1))p")
    [ -n "$teid" ] && grep -aq "DRB 1 set up on LCID 4" "$OUTF" && break
    sleep 0.1
  done
  RNTI=$(sed -n 's/.*RRCReconfiguration received: ue=1 c-rnti=\(0x[0-9a-f]*\).*/\1/p' "$OUTF" | head -1)
  grep -aE "uesim: (UECapabilityInformation|RRCReconfiguration|spCellConfig|DRB)" "$OUTF" | sed 's/^/    /'
  check "$name: PDU session up (DL TEID $teid), DRB 1 set up" [ -n "$teid" ]
  "$PEER" --port "$UPF" --gnb-addr 127.0.0.1 --gnb-port "$N3" --teid "${teid:-1}" --count 10 --size 1000 --qfi 1 \
    --interval-ms 0 --expect-gpdus 10 --ul-teid "$ul_teid" --timeout 60 >"$TMP/$name.peer" 2>&1
  check "$name: 10 IP packets down and echoed back" [ $? -eq 0 ]
}

pdsch_acks() { grep -a "ACK.*(PDSCH .*$1" "$OUTF" | grep -vc "NACK"; }

run_ue A 0 0x1234
check "A: its UECapabilityInformation lists 256QAM" grep -aq "UECapabilityInformation sent: .*256QAM yes" "$OUTF"
check "A: the DRB's RRCReconfiguration applied mcs-Table qam256 (was qam64: RRCSetup has none)" \
  grep -aq "spCellConfig applied: ue=1 c-rnti=$RNTI mcs-Table qam256 (was qam64)" "$OUTF"
check "gnbd: qam256 offered, MCS 0 until the Complete, then Table 5.1.3.1-2" \
  bash -c 'grep -q "$1: RRCReconfiguration (DRB 1 on LCID 4, PDSCH mcs-Table qam256" "$2" &&
           grep -q "$1: PDSCH MCS table qam256 pending" "$2" && grep -q "$1: PDSCH MCS table qam256 (Table" "$2"' \
  _ "$RNTI" "$LOG"
echo "    A: PDSCHs ACKed on qam64 $(pdsch_acks "qam64 "), on qam256 $(pdsch_acks "qam256 ") (Q_m 8: $(pdsch_acks "qam256 Qm=8"))"
check "A: 256QAM PDSCHs (qam256 table, Q_m 8) decoded and ACKed" [ "$(pdsch_acks "qam256 Qm=8")" -gt 0 ]
check "A: no PDSCH NACKed" bash -c '! grep -aq "NACK.*(PDSCH" "$1"' _ "$OUTF"
check "gnbctl ues: A on dl_table=qam256" bash -c '"$1" -s "$2" ues | grep -q "^$3 .*dl_table=qam256 "' _ "$GNBCTL" "$EP" "$RNTI"
RA=$RNTI

run_ue B 1 0x1235 --ue-256qam 0
check "B: its UECapabilityInformation lists no 256QAM" grep -aq "UECapabilityInformation sent: .*256QAM no" "$OUTF"
check "B: its RRCReconfiguration has no spCellConfig (the table stays qam64)" \
  bash -c '! grep -aq "spCellConfig applied" "$1"' _ "$OUTF"
echo "    B: PDSCHs ACKed on qam64 $(pdsch_acks "qam64 "), on qam256 $(pdsch_acks "qam256 ")"
check "B: PDSCHs decoded on the qam64 table, none on qam256, none NACKed" \
  bash -c '[ "$1" -gt 0 ] && ! grep -aq "qam256" "$2" && ! grep -aq "NACK.*(PDSCH" "$2"' _ "$(pdsch_acks "qam64 ")" "$OUTF"
check "gnbd: no qam256 for B" bash -c '! grep -q "$1: .*qam256" "$2"' _ "$RNTI" "$LOG"
"$GNBCTL" -s "$EP" ues | grep -o "^0x[0-9a-f]* .*dl_table=[^ ]*" | sed 's/ snr=.*dl_qm=/ ... dl_qm=/; s/^/    /'
check "gnbctl ues: A qam256, B qam64" \
  bash -c 'u=$("$1" -s "$2" ues); grep -q "^$3 .*dl_table=qam256 " <<<"$u" && grep -q "^$4 .*dl_table=qam64 " <<<"$u"' \
  _ "$GNBCTL" "$EP" "$RA" "$RNTI"
check "metrics: rrc.ue_cap_256qam 1, ue_cap_no_256qam 1, qam256_ues 1" \
  [ "$(metric "$EP" rrc.ue_cap_256qam) $(metric "$EP" rrc.ue_cap_no_256qam) $(metric "$EP" rrc.qam256_ues)" = "1 1 1" ]
finish
