#!/usr/bin/env bash
# What an operator sees of attached UEs: the UE simulator attaches UEs (RA, RRC setup, RRCSetupComplete on SRB1)
# to gnbd with log.mac_pcap set. While uesim runs, `gnbctl ues` is polled (shown); afterwards it must list every UE that
# uesim saw resolve its contention, on its C-RNTI, as setup-complete with UL grants and CRC OKs counted; the JSON
# reply must say the same. After gnbd stops, tshark (mac-nr heuristic) must read from the pcap, for each UE, the
# RAR with its Temp C-RNTI, Msg3's RRCSetupRequest, Msg4's RRCSetup with the contention resolution identity, and
# the RRCSetupComplete; no frame may be malformed and nothing may have been dropped (pcap.dropped = 0). After the
# file is moved away, SIGHUP creates it again.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
N=2
PCAP="$TMP/mac.pcap"

uesim_cell_start ues "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 0;" 3 15 \
  "log = { level = \"info\"; mac_pcap = \"$PCAP\"; };" || finish
"$UESIM" "${UESIM_ARGS[@]}" --attach $N --seed 11 --seconds 20 --timeout 30 > "$TMP/uesim.out" 2>&1 &
UPID=$!; PIDS+=("$UPID")
# While uesim runs: keep the first listing that shows a UE (its state depends on when the poll lands).
during=""
while kill -0 "$UPID" 2>/dev/null; do
  l=$("$GNBCTL" -s "$EP" -t 500 ues 2>/dev/null)
  [ -z "$during" ] && grep -q '^0x' <<<"$l" && during=$l
  sleep 0.02
done
wait "$UPID"; urc=$?
grep -E "uesim: (Msg4: contention|RRCSetupComplete ack|attach:)" "$TMP/uesim.out" | sed 's/^/    /'
check "uesim attached $N UEs (exit 0)" [ $urc -eq 0 ]
mapfile -t rntis < <(sed -n 's/.*contention resolved c-rnti=\(0x[0-9a-f]*\).*/\1/p' "$TMP/uesim.out")
check "uesim resolved contention for $N UEs (${rntis[*]})" [ ${#rntis[@]} -eq $N ]
# Shown, not checked: on a loaded machine the attaches may all fall between two polls.
echo "  gnbctl ues while uesim ran (first listing with a UE):"
sed 's/^/    /' <<<"${during:-(none caught: uesim finished between two polls)}"

# After the run (the stream stopped with the last UE connected): the table as last published.
out=$("$GNBCTL" -s "$EP" ues 2>&1); rc=$?
echo "  gnbctl ues after the run:"; sed 's/^/    /' <<<"$out"
check "gnbctl ues exits 0" [ $rc -eq 0 ]
for r in "${rntis[@]}"; do
  check "gnbctl ues: $r is listed, setup-complete, with UL grants and CRC OKs" \
    grep -qE "^$r setup-complete snr=-?[0-9.]+dB ta=[0-9]+ .* ul_grants=[1-9][0-9]* ul_ok=[1-9]" <<<"$out"
done
check "gnbctl ues: only RNTIs 0x.... begin lines" bash -c "! grep -v '^0x[0-9a-f]\{4\} ' <<<'$out'"
json=$("$GNBCTL" -s "$EP" raw '{"cmd":"ues"}')
check "JSON reply: the same UEs in the \"ues\" list" python3 - "$json" "${rntis[@]}" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); want = set(sys.argv[2:])
got = {u["rnti"]: u for u in r["ues"]}
ok = r["ok"] and want <= set(got) and all(got[w]["state"] == "setup-complete" and got[w]["ul"]["crc_ok"] > 0 for w in want)
print("    JSON ues:", sorted(got), "generation", r["generation"])
sys.exit(0 if ok else 1)
PY
dropped=$(metric "$EP" pcap.dropped); written=$(metric "$EP" pcap.queued)
echo "  pcap: $written records queued, $dropped dropped"
check "pcap: nothing dropped" [ "$dropped" = "0" ]
# Log rotation: the file moved away, SIGHUP makes gnbd create it again (a pcap header, nothing else yet).
mv "$PCAP" "$PCAP.1"
kill -HUP "$GPID"
for _ in $(seq 50); do [ -s "$PCAP" ] && break; sleep 0.05; done
size=$(stat -c %s "$PCAP" 2>/dev/null); reopens=$(metric "$EP" pcap.reopens)
check "SIGHUP: the pcap is created again ($size bytes: the header; pcap.reopens $reopens)" \
  [ "$size" = 24 -a "$reopens" = 1 ]
stop_and_wait "$GPID" TERM 5 >/dev/null
PCAP="$PCAP.1"

# The capture, read by Wireshark's dissectors.
if ! command -v tshark >/dev/null; then
  echo "  tshark not installed: capture not checked"
  finish
fi
TSHARK=(tshark -o mac-nr.attempt_rrc_decode:TRUE -o mac-nr.attempt_to_dissect_srb_sdus:TRUE
        --enable-heuristic mac_nr_udp -r "$PCAP")
"${TSHARK[@]}" 2>/dev/null | sed 's/^/    /' | head -20
V=$("${TSHARK[@]}" -V 2>/dev/null)
count() { grep -cE "$1" <<<"$V"; }
check "pcap: $N RARs, RAR PDUs decoded as such" [ "$(count 'MAC-NR RAR \(RA-RNTI=')" -ge $N ]
for r in "${rntis[@]}"; do
  check "pcap: a RAR gives Temp C-RNTI $r" grep -q "Temp C-RNTI=$((r))" <<<"$V"
done
check "pcap: $N RRCSetupRequests (Msg3)" [ "$(count 'c1: rrcSetupRequest')" -ge $N ]
check "pcap: $N RRCSetups (Msg4), with contention resolution identities" \
  bash -c "[ $(count 'c1: rrcSetup \(1\)') -ge $N ] && [ $(count 'UE Contention Resolution Identity:') -ge $N ]"
check "pcap: $N RRCSetupCompletes" [ "$(count 'c1: rrcSetupComplete')" -ge $N ]
check "pcap: no malformed frame" [ "$(count 'Malformed')" -eq 0 ]
finish
