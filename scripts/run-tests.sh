#!/usr/bin/env bash
# Run gnbd's test suite: every unit test program ($BUILD/tests/test_*), then every integration test
# (tests/integration/*.sh, which get BUILD in the environment). Prints one line per test program and a closing
# "N passed, N failed" line; exits non-zero when anything failed.
#   TESTS="test_ring test_config"  run only these (unit test names or integration script names)
#   --unit-only                    skip the integration tests
#   JOBS=N                         run N test programs at once (default 1). Integration tests pick free ports and
#                                  temp dirs of their own and run lock-step, so they tolerate a loaded box; with
#                                  N > 1 the integration tests start first (they are the long ones) and each
#                                  result line is printed when its test ends.
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

JOBS=${JOBS:-1}
case $JOBS in ''|*[!0-9]*|0) echo "run-tests: JOBS must be a positive integer (got '$JOBS')" >&2; exit 2;; esac

# The list of (name, command) pairs, integration tests first when several run at once.
names=(); cmds=()
add_units() {
  local bin name
  for bin in "$BUILD"/tests/test_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    want "$name" || continue
    names+=("$name"); cmds+=("$bin")
  done
}
add_integration() {
  local sh name
  [ $unit_only -eq 0 ] || return 0
  for sh in tests/integration/test_*.sh; do
    [ -f "$sh" ] || continue
    name=$(basename "$sh" .sh)
    want "$name" || continue
    names+=("$name"); cmds+=("bash $sh")
  done
}
if [ "$JOBS" -gt 1 ]; then add_integration; add_units; else add_units; add_integration; fi

if [ "$JOBS" -eq 1 ]; then
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086  # cmds holds "bash path" for scripts (no spaces in paths here)
    run_one "${names[$i]}" ${cmds[$i]}
  done
else
  # Each test runs in a subshell whose result line goes to its own file; the parent prints and counts them.
  resdir="$logdir/results"; rm -rf "$resdir"; mkdir -p "$resdir"
  declare -A pid_name=()
  reap() { # waits for one test, prints its result
    local pid
    wait -n -p pid 2>/dev/null || true
    [ -n "${pid:-}" ] && [ -n "${pid_name[$pid]:-}" ] || return 0
    local name=${pid_name[$pid]}; unset "pid_name[$pid]"
    cat "$resdir/$name"
    if grep -q '^PASS' "$resdir/$name"; then passed=$((passed+1)); else failed=$((failed+1)); failed_names+=("$name"); fi
  }
  for i in "${!names[@]}"; do
    while [ "${#pid_name[@]}" -ge "$JOBS" ]; do reap; done
    # shellcheck disable=SC2086
    ( passed=0; failed=0; run_one "${names[$i]}" ${cmds[$i]} ) > "$resdir/${names[$i]}" &
    pid_name[$!]=${names[$i]}
  done
  while [ "${#pid_name[@]}" -gt 0 ]; do reap; done
fi

echo
[ $failed -gt 0 ] && echo "failed: ${failed_names[*]} (logs in $logdir/)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
