#!/usr/bin/env bash
# Build and run libFuzzer targets: scripts/run-fuzz.sh tests/fuzz/fuzz_ctrl.c [tests/fuzz/fuzz_x.c ...]
#
# Every .c under the layer folders (gnb drivers phy mac rrc rlc pdcp asn1 ngap, except the programs' mains) is compiled
# with clang and -fsanitize=fuzzer-no-link,address,undefined into build-fuzz/obj/ (incrementally) and archived;
# each target is linked against that archive with -fsanitize=fuzzer,address,undefined. Each target then runs
# for $FUZZ_SECONDS (default 60) on a copy of its seed corpus tests/fuzz/corpus/<target>/ (the committed
# corpus is never modified; new inputs go to build-fuzz/corpus/<target>/). A crash, leak, sanitizer report or
# hang fails the target; the input is saved under build-fuzz/artifacts/. Prints one line per target and ends
# with "N passed, N failed"; exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
CC=${FUZZ_CC:-clang}
OUT=build-fuzz
LAYERS="gnb drivers phy mac rrc rlc pdcp asn1 ngap gtpu"
MAINS="gnb/main.c gnb/gnbctl.c"

if [ $# -eq 0 ]; then
  echo "usage: scripts/run-fuzz.sh tests/fuzz/fuzz_NAME.c ..." >&2
  exit 2
fi
case $FUZZ_SECONDS in ''|*[!0-9]*) echo "run-fuzz: FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2;; esac
command -v "$CC" >/dev/null || { echo "run-fuzz: $CC not found (libFuzzer needs clang)" >&2; exit 2; }

# The same optional radio libraries as the Makefile: use what is installed.
pkgs=""; defs=""
for p in libzmq libconfig fftw3f libsystemd libcjson usrsctp libcrypto uhd SoapySDR; do
  pkg-config --exists "$p" || continue
  pkgs="$pkgs $p"
  case $p in uhd) defs="$defs -DHAVE_UHD=1";; SoapySDR) defs="$defs -DHAVE_SOAPY=1";; esac
done
pkg_cflags=$(pkg-config --cflags $pkgs 2>/dev/null)
# uhd.pc lists -lboost_system, which only its C++ API needs.
pkg_libs=$(pkg-config --libs $pkgs 2>/dev/null | tr ' ' '\n' | grep -v '^-lboost_' | tr '\n' ' ')
version=$(sed -n 's/^VERSION *:= *//p' Makefile 2>/dev/null)

cflags="-std=c11 -D_GNU_SOURCE -I. -g -O1 -pthread -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter
        -DGNBD_VERSION=\"${version:-unknown}\" $defs $pkg_cflags"
san_lib="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
san_bin="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/logs" "$OUT/artifacts" "$OUT/corpus"

# Changed flags invalidate every object.
flags_now=$(echo "$CC $cflags $san_lib" | md5sum | cut -d' ' -f1)
[ "$(cat "$OUT/flags" 2>/dev/null)" = "$flags_now" ] || rm -rf "$OUT/obj"/*
echo "$flags_now" > "$OUT/flags"

stale() { # object, source: true when the object must be rebuilt (source or any header in its .d is newer)
  local obj=$1 src=$2 dep=${1%.o}.d f
  [ -f "$obj" ] && [ -f "$dep" ] || return 0
  [ "$src" -nt "$obj" ] && return 0
  for f in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$dep"); do
    [ -e "$f" ] || return 0
    [ "$f" -nt "$obj" ] && return 0
  done
  return 1
}

compile() { # source object
  mkdir -p "$(dirname "$2")"
  if ! $CC $cflags $san_lib -MMD -MP -c "$1" -o "$2" 2>"${2%.o}.err"; then
    rm -f "$2"
    echo "run-fuzz: warning: $1 does not compile; left out (see ${2%.o}.err)" >&2
  fi
  [ -s "${2%.o}.err" ] || rm -f "${2%.o}.err"
}

# Library sources, as the Makefile picks them; a layer with no files yet is simply empty.
srcs=$(for l in $LAYERS; do [ -d "$l" ] && find "$l" -name '*.c'; done | sort)
objs=()
for src in $srcs; do
  case " $MAINS " in *" $src "*) continue;; esac
  obj="$OUT/obj/${src%.c}.o"
  if stale "$obj" "$src"; then
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done   # 2 cores, shared
    compile "$src" "$obj" &
  fi
  objs+=("$obj")
done
wait
lib="$OUT/libgnbd-fuzz.a"
rm -f "$lib"
present=()
for o in "${objs[@]}"; do [ -f "$o" ] && present+=("$o"); done
[ ${#present[@]} -gt 0 ] && ar rcs "$lib" "${present[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}

passed=0; failed=0
for target in "$@"; do
  name=$(basename "$target" .c)
  bin="$OUT/bin/$name" log="$OUT/logs/$name.log"
  libarg=""; [ -f "$lib" ] && libarg="-Wl,--start-group $lib -Wl,--end-group"
  if ! $CC $cflags $san_bin "$target" -o "$bin" $libarg $pkg_libs -lm >"$log" 2>&1; then
    failed=$((failed+1))
    printf 'FAIL  %-24s build failed\n' "$name"
    sed 's/^/      | /' "$log" | tail -20
    continue
  fi
  corpus="$OUT/corpus/$name"
  rm -rf "$corpus"; mkdir -p "$corpus"
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/"
  seeds=$(find "$corpus" -type f | wc -l)
  "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -print_final_stats=1 \
         -artifact_prefix="$OUT/artifacts/$name-" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | tr -dc 0-9)
  [ -n "$execs" ] || execs=$(grep -o '#[0-9]*' "$log" | tail -1 | tr -dc 0-9)
  inputs=$(find "$corpus" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    passed=$((passed+1))
    printf 'PASS  %-24s %10s execs in %ss, corpus %d -> %d inputs\n' "$name" "${execs:-?}" "$FUZZ_SECONDS" \
           "$seeds" "$inputs"
  else
    failed=$((failed+1))
    artifact=$(grep -o "$OUT/artifacts/$name-[^ ]*" "$log" | tail -1)
    printf 'FAIL  %-24s exit %d after %s execs; input saved: %s\n' "$name" "$rc" "${execs:-?}" "${artifact:-none}"
    grep -v '^#' "$log" | sed 's/^/      | /' | tail -30
  fi
done

echo
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
