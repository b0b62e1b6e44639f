#!/usr/bin/env bash
# The shipped configurations validate: conf/gnbd.conf and every conf/examples/*.conf pass
# `gnbd --check-config` (exit 0, no error lines), each example opens with a comment for the operator, and the
# examples cover the cells the README promises (B210 n78 TDD 30 kHz, B210 n3 FDD, SoapySDR, ZeroMQ).
# A broken copy of an example must fail (exit 78), so the loop cannot pass by not checking.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

n=0
for f in conf/gnbd.conf conf/examples/*.conf; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  "$GNBD" --check-config "$f" > "$TMP/out" 2> "$TMP/err"; rc=$?
  if [ "$rc" = 0 ] && [ "$(cat "$TMP/err")" = "gnbd: $f: configuration is valid" ]; then ok "$f validates"
  else fail "$f: exit $rc"; sed 's/^/    /' "$TMP/err"; fi
  check "$f opens with a comment" test "$(head -c1 "$f")" = "#"
done
check "conf/gnbd.conf and at least four examples ($n files)" test "$n" -ge 5

key() { sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\";]*\)\"\{0,1\};.*/\1/p" "$1" | head -1; }
covered() { # description, then key=value pairs one example must all have
  local d=$1; shift
  for f in conf/examples/*.conf; do
    local all=1
    for kv in "$@"; do [ "$(key "$f" "${kv%%=*}")" = "${kv#*=}" ] || all=0; done
    [ $all = 1 ] && { ok "$d: $f"; return; }
  done
  fail "$d: no example has $*"
}
covered "USRP B210 n78 TDD 30 kHz 40 MHz" device=uhd band=78 duplex=tdd scs_khz=30 bandwidth_mhz=40
covered "USRP B210 n3 FDD 20 MHz" device=uhd band=3 duplex=fdd bandwidth_mhz=20
covered "SoapySDR cell" device=soapy
covered "ZeroMQ cell" device=zmq

sed 's/^\([[:space:]]*\)band = 78;/\1band = 3;/' conf/examples/b210-n78-tdd-40mhz.conf > "$TMP/broken.conf"
"$GNBD" --check-config "$TMP/broken.conf" > /dev/null 2>&1
check "a broken copy (n78 cell on band n3) is refused with 78" test $? = 78

finish
