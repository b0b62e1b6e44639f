#!/usr/bin/env bash
# Link adaptation end to end (mac/link_adapt.h): two simulated UEs at once, one through a 30 dB channel and one
# through a 10 dB channel (uesim --ue-snr: AWGN per unit-energy RE in its UL and on its own DL receiver). gnbd
# chooses each UE's PUSCH MCS from the PUSCH SNR it measures and its PDSCH MCS from the same SNR (3 dB below at
# first) with the HARQ outer loops on top. The UEs stay connected (--until-release, rrc.inactivity_timer_s = 2)
# while gnbctl ues is read. Checks: both UEs attach (uesim's verdict), gnbctl ues shows an MCS for
# each direction of each UE, and the 30 dB UE's MCSs are higher than the 10 dB UE's in both directions, the
# 30 dB UE's UL MCS in the 64QAM rows (>= 17). mac.dl_256qam (on by default): the UEs' PDSCHs come with DCI 1_1,
# on 38.214 Table 5.1.3.1-1 here (no core network, so no UE capabilities and no mcs-Table qam256:
# test_uesim_256qam.sh), so the 30 dB UE's last PDSCH MCS is a 64QAM row (gnbctl dl_qm=6, dl_table=qam64) and
# uesim decoded and ACKed PDSCHs of DCI 1_1 with Q_m 6 and none on the qam256 table, while the 10 dB UE's stays at
# 64QAM or lower (dl_qm <= 6). A second run with mac.fixed_dl_mcs / fixed_ul_mcs and dl_256qam = false shows exactly those MCSs
# for both UEs (the keys are applied): DCI 1_1 PDSCHs at MCS 5 of the qam64 table only.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
FDD52="pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12;"

# name "extra groups": runs the two UEs, sets RNTI_HI / RNTI_LO (the 30 / 10 dB UE's C-RNTI) and UES
run_pair() {
  local name=$1 groups=$2 ep gpid out upid
  RNTI_HI=""; RNTI_LO=""; UES=""
  uesim_cell_start "$name" "$FDD52" 3 15 "$groups" || return 1
  ep=$EP; gpid=$GPID
  # gnbctl ues is read while the UEs are still there (after uesim ends, grants to the departed UEs would fail)
  "$UESIM" "${UESIM_ARGS[@]}" --seconds 5 --timeout 60 --ues 2 --ue-snr 30,10 --until-release 10 >"$TMP/$name.uesim" 2>&1 &
  upid=$!; PIDS+=("$upid")
  for _ in $(seq 150); do
    UES=$("$GNBCTL" -s "$ep" ues 2>&1)
    [ "$(grep -cE "setup-complete .* dl_mcs=[0-9]+ ul_mcs=[0-9]+" <<<"$UES")" = 2 ] && break
    sleep 0.2
  done
  sleep 1 # a few more HARQ rounds
  UES=$("$GNBCTL" -s "$ep" ues 2>&1)
  wait "$upid"
  check "$name: uesim: both UEs attached" [ $? -eq 0 ]
  out=$(cat "$TMP/$name.uesim")
  RNTI_HI=$(grep -aoE "ue=1 .*result=ok \(attached as 0x[0-9a-f]+" <<<"$out" | grep -oE "0x[0-9a-f]+$")
  RNTI_LO=$(grep -aoE "ue=2 .*result=ok \(attached as 0x[0-9a-f]+" <<<"$out" | grep -oE "0x[0-9a-f]+$")
  stop_and_wait "$gpid" TERM 5 >/dev/null
  grep -E "^0x" <<<"$UES" | grep -oE "^0x[0-9a-f]+|snr=[^ ]+|dl_mcs=[^ ]+|ul_mcs=[^ ]+|dl_nack=[^ ]+|ul_ko=[^ ]+" |
    paste -sd' ' | sed 's/ 0x/\n0x/g; s/^/    /'
  return 0
}
field() { # rnti key: the value of key= on that UE's gnbctl ues line
  grep -E "^$1 " <<<"$UES" | grep -oE " $2=[^ ]+" | cut -d= -f2
}

if run_pair la_adaptive "rrc = { inactivity_timer_s = 2; };"; then
  check "la_adaptive: the UEs' C-RNTIs from uesim" [ -n "$RNTI_HI" -a -n "$RNTI_LO" ]
  HD=$(field "$RNTI_HI" dl_mcs); HU=$(field "$RNTI_HI" ul_mcs)
  LD=$(field "$RNTI_LO" dl_mcs); LU=$(field "$RNTI_LO" ul_mcs)
  echo "    30 dB UE $RNTI_HI: dl_mcs=$HD ul_mcs=$HU; 10 dB UE $RNTI_LO: dl_mcs=$LD ul_mcs=$LU"
  allnum() { for v in "$@"; do [[ $v =~ ^[0-9]+$ ]] || return 1; done; }
  check "la_adaptive: gnbctl ues shows both MCSs of both UEs" allnum "$HD" "$HU" "$LD" "$LU"
  check "la_adaptive: UL MCS higher at 30 dB than at 10 dB ($HU > $LU)" [ "${HU:-0}" -gt "${LU:-99}" ]
  check "la_adaptive: DL MCS higher at 30 dB than at 10 dB ($HD > $LD)" [ "${HD:-0}" -gt "${LD:-99}" ]
  check "la_adaptive: UL MCS at 30 dB is a 64QAM row ($HU >= 17)" [ "${HU:-0}" -ge 17 ]
  HQ=$(field "$RNTI_HI" dl_qm); LQ=$(field "$RNTI_LO" dl_qm)
  echo "    dl_qm: 30 dB UE $HQ, 10 dB UE $LQ"
  check "la_adaptive: 30 dB UE's DL MCS is a 64QAM row of the qam64 table (dl_qm=$HQ, $(field "$RNTI_HI" dl_table))" \
    [ "$HQ $(field "$RNTI_HI" dl_table)" = "6 qam64" ]
  check "la_adaptive: 10 dB UE's DL MCS is 64QAM or lower (dl_qm=$LQ)" [ "${LQ:-9}" -le 6 ]
  N64=$(grep -ac "HARQ-ACK sent: ue=1 .* ACK .*dci=1_1 mcs=[0-9]* qam64 Qm=6)" "$TMP/la_adaptive.uesim")
  N256=$(grep -ac "qam256" "$TMP/la_adaptive.uesim")
  echo "    uesim: $N64 PDSCHs of DCI 1_1 with 64QAM decoded and ACKed by the 30 dB UE, $N256 on the qam256 table"
  check "la_adaptive: the 30 dB UE decoded 64QAM PDSCHs of DCI 1_1 ($N64), none on the qam256 table ($N256)" \
    [ "${N64:-0}" -gt 0 -a "${N256:-1}" = 0 ]
fi

if run_pair la_fixed "rrc = { inactivity_timer_s = 2; }; mac = { fixed_dl_mcs = 5; fixed_ul_mcs = 7; dl_256qam = false; };"; then
  for r in "$RNTI_HI" "$RNTI_LO"; do
    check "la_fixed: $r dl_mcs=5 ul_mcs=7" [ "$(field "$r" dl_mcs)/$(field "$r" ul_mcs)" = "5/7" ]
  done
  # DCI 1_1 in SS#2 whatever mac.dl_256qam says (38.212 7.3.1.0 budget); the key picks the MCS table only.
  N5=$(grep -ac "HARQ-ACK sent: .*dci=1_1 mcs=5 qam64" "$TMP/la_fixed.uesim")
  NX=$(grep -a "HARQ-ACK sent: .*dci=1_1 mcs=" "$TMP/la_fixed.uesim" | grep -vc "dci=1_1 mcs=5 qam64")
  check "la_fixed: DCI 1_1 PDSCHs at MCS 5 of the qam64 table ($N5), none other ($NX)" [ "$N5" -gt 0 -a "$NX" = 0 ]
fi
finish
