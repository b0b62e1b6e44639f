#!/usr/bin/env bash
# Run gnbd's test suite: every unit test program ($BUILD/tests/test_*), then every integration test
# (tests/integration/*.sh, which get BUILD in the environment). Prints one line per test program and a closing
# "N passed, N failed" line; exits non-zero when anything failed.
#   TESTS="test_ring test_config"  run only these (unit test names or integration script names)
#   --unit-only                    skip the integration tests
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
unit_only=0
[ "${1:-}" = "--unit-only" ] && unit_only=1

# Sanitizer runtime options: fail on the first report; library singletons (libzmq, libconfig, FFTW, UHD)
# are suppressed for LeakSanitizer in tests/lsan.supp.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp}
# Under a sanitizer, integration sweeps run their first and last case (tests/integration/lib.sh sweep_cases).
[ -n "${SANITIZE:-}" ] && export GNBD_SWEEP=${GNBD_SWEEP:-short}
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120}

logdir="$BUILD/test-logs"
mkdir -p "$logdir"
passed=0; failed=0; failed_names=()

want() { [ -z "${TESTS:-}" ] && return 0; for t in $TESTS; do [ "$t" = "$1" ] && return 0; done; return 1; }

run_one() { # name, command...
  local name=$1; shift
  local log="$logdir/$name.log" t0 t1 rc
  t0=$(date +%s.%N)
  "$@" >"$log" 2>&1; rc=$?
  t1=$(date +%s.%N)
  local secs; secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')
  if [ $rc -eq 0 ]; then
    passed=$((passed+1))
    printf 'PASS  %-32s %6ss  %s\n' "$name" "$secs" "$(grep -E '^[0-9]+%: Checks' "$log" | tail -1)"
  else
    failed=$((failed+1)); failed_names+=("$name")
    printf 'FAIL  %-32s %6ss  (exit %d)\n' "$name" "$secs" "$rc"
    sed 's/^/      | /' "$log" | tail -40
  fi
}

for bin in "$BUILD"/tests/test_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  want "$name" || continue
  run_one "$name" "$bin"
done

if [ $unit_only -eq 0 ]; then
  for sh in tests/integration/test_*.sh; do
    [ -f "$sh" ] || continue
    name=$(basename "$sh" .sh)
    want "$name" || continue
    run_one "$name" bash "$sh"
  done
fi

echo
[ $failed -gt 0 ] && echo "failed: ${failed_names[*]} (logs in $logdir/)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
