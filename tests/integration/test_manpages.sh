#!/usr/bin/env bash
# The manual pages: gnbd(8) and gnbctl(1) from docs/man/, gnbd.conf(5) as `gnbd --print-config-manpage` prints
# it (and as the build wrote it to $BUILD/man/). Each renders without a warning (groff -ww, man -l); the
# generated page lists exactly the keys the loader knows (taken from --check-config's effective
# configuration, the loader's view) with the allowed values its error messages give; the hand-written pages
# name every option and command the programs' --help lists.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

conf5=$TMP/gnbd.conf.5
"$GNBD" --print-config-manpage > "$conf5"
check "--print-config-manpage exits 0 with a page" test $? = 0 -a -s "$conf5"
if [ -f "$BUILD/man/gnbd.conf.5" ]; then
  check "$BUILD/man/gnbd.conf.5 is current" cmp -s "$conf5" "$BUILD/man/gnbd.conf.5"
else
  fail "$BUILD/man/gnbd.conf.5 not built (make all)"
fi

render() { MANWIDTH=80 man -l "$1" 2>/dev/null; }
for page in docs/man/gnbd.8 docs/man/gnbctl.1 "$conf5"; do
  name=$(basename "$page")
  w=$(groff -man -ww -z "$page" 2>&1)
  if [ -z "$w" ]; then ok "$name: groff -man -ww: no warnings"; else fail "$name: groff warns: $w"; fi
  if command -v man >/dev/null; then
    w=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
    if [ -z "$w" ]; then ok "$name: man -l: no warnings"; else fail "$name: man -l warns: $w"; fi
  else
    fail "man is not installed (scripts/install-deps.sh installs man-db)"
  fi
  check "$name: renders to a page with NAME and SEE ALSO" bash -c "MANWIDTH=80 man -l '$page' 2>/dev/null |
    grep -q '^NAME' && MANWIDTH=80 man -l '$page' 2>/dev/null | grep -q '^SEE ALSO'"
done

# ---- gnbd.conf(5) against the loader: the n78 example has every group, cell.tdd included; the test modes
# and the NG interface (absent in every shipped file) are added to a copy so that their keys are printed too.
{ cat conf/examples/b210-n78-tdd-40mhz.conf
  echo 'test = { ul_probe = { period = 10; offset = 9; pusch_prb_start = 20; }; };'
  echo 'ngap = { amf_addr = "127.0.0.1"; };'; } > "$TMP/every-group.conf"
"$GNBD" --check-config "$TMP/every-group.conf" 2>/dev/null | awk '
  /^[[:space:]]*#/ { next }
  /= \{$/ { g[++d] = $1; next }
  /^ *\};$/ { d--; next }
  / = / { p = ""; for (i = 1; i <= d; i++) p = p g[i] "."; print p $1 }' | sort > "$TMP/loader.keys"
grep -A1 '^\.TP$' "$conf5" | sed -n 's/^\.B //p' | sed 's/\\-/-/g' | sort > "$TMP/page.keys"
check "the loader knows many keys ($(wc -l < "$TMP/loader.keys"))" test "$(wc -l < "$TMP/loader.keys")" -ge 50
if cmp -s "$TMP/loader.keys" "$TMP/page.keys"; then ok "gnbd.conf(5) lists exactly the loader's keys"
else fail "gnbd.conf(5) and the loader disagree on the keys"; diff "$TMP/loader.keys" "$TMP/page.keys" | head; fi

# The allowed values of an error message appear in the page's entry for that key.
text=$(render "$conf5")
allowed_in_page() { # key, config snippet that makes it invalid
  local a
  printf '%s\n' "$2" > "$TMP/bad.conf"
  a=$("$GNBD" --check-config "$TMP/bad.conf" 2>&1 | sed -n "s/.*: $1: .*(allowed: \(.*\))$/\1/p" | head -1)
  a=${a//\"/}
  if [ -n "$a" ] && grep -A3 "^       $1\$" <<<"$text" | tr -d '"' | tr '\n' ' ' | tr -s ' ' | grep -qF "$a"; then
    ok "gnbd.conf(5) $1 shows the validator's allowed values: $a"
  else
    fail "gnbd.conf(5) $1: allowed values \"$a\" not in its entry"
  fi
}
base='band = 3; dl_arfcn = 368500; mcc = "001"; mnc = "01";'
allowed_in_page cell.pci "cell: { pci = 2000; $base };"
allowed_in_page radio.device "cell: { pci = 1; $base }; radio: { device = \"usrp\"; };"
allowed_in_page cell.ssb_periodicity_ms "cell: { pci = 1; ssb_periodicity_ms = 7; $base };"
allowed_in_page threads.rt_priority "cell: { pci = 1; $base }; threads: { rt_priority = 100; };"
pci_required() { grep -A1 '^       cell.pci$' <<<"$text" | grep -q 'required'; }
check "gnbd.conf(5): cell.pci is required" pci_required

# ---- the hand-written pages name what the programs offer
g8=$(render docs/man/gnbd.8)
for opt in $("$GNBD" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  check "gnbd(8) documents $opt" grep -qF -- "$opt" <<<"$g8"
done
check "gnbd(8) documents exit status 78" grep -q '^       78' <<<"$g8"
signals() { grep -q SIGHUP <<<"$g8" && grep -q SIGTERM <<<"$g8"; }
check "gnbd(8) documents SIGHUP and SIGTERM" signals
c1=$(render docs/man/gnbctl.1)
for word in $("$GNBCTL" --help | sed -n 's/^  \([a-z_]*\) .*/\1/p') $("$GNBCTL" --help | grep -o -- '--[a-z]*' | sort -u); do
  check "gnbctl(1) documents $word" grep -qF -- "$word" <<<"$c1"
done
for st in 0 1 2 3; do check "gnbctl(1) documents exit status $st" grep -q "^       $st " <<<"$c1"; done

finish
