#!/usr/bin/env bash
# The NG stage's guard on a RAN-initiated release (38.413 8.3.2): gnbd asks the AMF to release an inactive UE
# (UE Context Release Request) and the AMF never answers with a Command (amf_stub --no-command-ran 1). After
# ngap.release_guard_s (2 s here; 10 by default) gnbd releases the UE itself: RRCRelease, its context forgotten,
# no UE Context Release Complete (there was no Command). The guard runs on the NG stage's clock (wall time), so
# the log's timestamps measure it.
source "$(dirname "$0")/lib.sh"
UESIM="$ROOT/$BUILD/uesim"
STUB="$ROOT/$BUILD/tools/amf_stub"
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
read -r AMF_PORT GNB_UDP < <(free_ports)
read -r AMF_UDP N3_PORT < <(free_ports)
uesim_cell_start guard "pci = 1; dl_arfcn = 368500; bandwidth_mhz = 10; prach_config_index = 12; tac = 7;" 3 15 \
  "ngap: { amf_addr = \"127.0.0.1\"; amf_port = $AMF_PORT; transport = \"udp\"; udp_local_port = $GNB_UDP;
           udp_remote_port = $AMF_UDP; n3_port = $N3_PORT; release_guard_s = 2; };
   rrc: { inactivity_timer_s = 1; };" || { finish; exit; }
"$STUB" --port "$AMF_PORT" --udp-local "$AMF_UDP" --seconds 60 --ics "$KEY" --ics-after-ul 1 --no-command-ran 1 \
  >"$TMP/amf.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 300); do [ "$(metric "$EP" ngap.state 2>/dev/null)" = ready ] && break; sleep 0.1; done
check "NG Setup done (ngap.state ready)" [ "$(metric "$EP" ngap.state)" = ready ]
OUT=$("$UESIM" "${UESIM_ARGS[@]}" --seconds 30 --timeout 60 --attach 1 --expect-attach ok --until-release 30 \
  --echo-dl-nas --kgnb "$KEY" 2>&1); RC=$?
grep -aE "uesim: (RRCRelease received|result)" <<<"$OUT" | sed 's/^/    /'
grep -E "UEContextRelease" "$TMP/amf.log" | sed 's/^/    /'
grep -E "UE Context Release|no UE Context Release Command|RRCRelease" "$LOG" | cut -c1-190 | sed 's/^/    gnbd: /'
check "the UE attached and was released (RRCRelease)" [ $RC -eq 0 ]
check "AMF: the Request (user-inactivity) came, no Complete (no Command was sent)" bash -c \
  'grep -q "UEContextReleaseRequest amf_ue_id=1001 ran_ue_id=1 cause=0/20" "$1" && ! grep -q "UEContextReleaseComplete" "$1"' \
  _ "$TMP/amf.log"
check "gnbd: no Command within the guard (2000 ms): released here" \
  grep -q "no UE Context Release Command for RAN UE NGAP ID 1 within 2000 ms: released here (RRCRelease)" "$LOG"
# The guard's length from gnbd's own timestamps: the Request -> the local release.
gap=$(python3 - "$LOG" <<'PY'
import re, sys
from datetime import datetime
t = {}
for l in open(sys.argv[1]):
    m = re.match(r"(\S+)Z ", l)
    if not m: continue
    when = datetime.fromisoformat(m.group(1))
    if "-> UE Context Release Request" in l and "req" not in t: t["req"] = when
    if "no UE Context Release Command" in l and "rel" not in t: t["rel"] = when
print("%.2f" % (t["rel"] - t["req"]).total_seconds() if len(t) == 2 else "-1")
PY
)
check "the guard lasted ngap.release_guard_s: Request -> local release ${gap} s (2.0 .. 3.5)" \
  awk -v g="$gap" 'BEGIN { exit !(g >= 2.0 && g < 3.5) }'
check "gnbctl metrics: ngap.release_requests 1, ngap.ue_releases 0 (no Command)" \
  [ "$(metric "$EP" ngap.release_requests) $(metric "$EP" ngap.ue_releases)" = "1 0" ]
kill -TERM "$SPID"
check "gnbd stops cleanly on SIGTERM" stop_and_wait $GPID TERM 10
grep -E "Sanitizer|runtime error" "$LOG" | head -5
finish
