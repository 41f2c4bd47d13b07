#!/usr/bin/env bash
# Runs every libFuzzer target (or the ones named) for a bounded time each, and fails on any crash.
#
#   tests/fuzz/run.sh SECONDS [TARGET...]      TARGET: load interp expect text (default: all)
#
# Builds the targets first when needed (CC=clang, -DAC_FUZZ=ON, in $FUZZ_BUILD_DIR, default
# build-fuzz). Each target starts from its seed corpus tests/fuzz/corpus/TARGET/ (read only: new
# inputs go to a scratch directory) with its dictionary TARGET.dict. FUZZ_JOBS (default 1) targets
# run at a time; FUZZ_WORK=DIR keeps the new inputs in DIR/TARGET/ (and starts from them next
# time) instead of a scratch directory. Prints, per target, the executions from libFuzzer's final stats
# (stat::number_of_executed_units), executions per second, new coverage units and peak RSS.
# A crash, a leak, a timeout or an out-of-memory is a failure: the input is kept in $FUZZ_OUT
# (default out/fuzz/) and printed; add it to tests/fuzz/corpus/TARGET/ as a regression input
# (ctest's fuzz.replay replays it in every build) once the bug is fixed.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:?usage: run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(load interp expect text)
build=${FUZZ_BUILD_DIR:-build-fuzz}
jobs=${FUZZ_JOBS:-1}
out=${FUZZ_OUT:-out/fuzz}
mkdir -p "$out"

if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang is not installed (scripts/setup --tests installs it)" >&2
  exit 1
fi
if ! grep -q '^AC_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAC_FUZZ=ON \
    >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}" >"$out/build.log" 2>&1 || {
  cat "$out/build.log" >&2; echo "fuzz: build failed" >&2; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
work=${FUZZ_WORK:-$scratch}

fuzz_one() {
  local t=$1 bin="$build/tests/fuzz/fuzz_$1" log="$out/$1.log"
  mkdir -p "$work/$t"
  local dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=25 -rss_limit_mb=2048 \
    -artifact_prefix="$out/$t-" "${dict[@]}" "$work/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
  echo $? >"$scratch/$t.rc"
}

running=0
for t in "${targets[@]}"; do
  [ -f "tests/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target $t" >&2; exit 2; }
  rm -f "$out/$t-"* 2>/dev/null
  fuzz_one "$t" &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

fail=0
total=0
printf '%-8s %12s %10s %9s %8s  %s\n' target executions exec/s new-units rss-mb result
for t in "${targets[@]}"; do
  log="$out/$t.log"
  rc=$(cat "$scratch/$t.rc" 2>/dev/null || echo 1)
  stat() { sed -n "s/^stat::$1:[[:space:]]*\([0-9]*\).*/\1/p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units) eps=$(stat average_exec_per_sec)
  units=$(stat new_units_added) rss=$(stat peak_rss_mb)
  total=$((total + ${execs:-0}))
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  if [ "$rc" = 0 ] && [ -z "$artifact" ]; then
    result=ok
  else
    result="FAILED (exit $rc${artifact:+, input $artifact})"
    fail=1
  fi
  printf '%-8s %12s %10s %9s %8s  %s\n' "$t" "${execs:-?}" "${eps:-?}" "${units:-?}" "${rss:-?}" "$result"
done
for t in "${targets[@]}"; do
  rc=$(cat "$scratch/$t.rc" 2>/dev/null || echo 1)
  if [ "$rc" != 0 ]; then
    echo "---- fuzz_$t: the end of $out/$t.log" >&2
    grep -v '^#[0-9]' "$out/$t.log" | tail -60 >&2
    echo "reproduce: $build/tests/fuzz/fuzz_$t INPUT (or build*/tests/fuzz/fuzz_replay_$t INPUT)" >&2
  fi
done
echo "fuzz: $total executions in ${#targets[@]} targets, ${secs} s each: $([ $fail = 0 ] && echo 'no crash' || echo 'CRASHES')"
exit $fail
