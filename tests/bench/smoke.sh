#!/usr/bin/env bash
# smoke.sh BUILD_DIR: runs bench/run once (BENCH_ROUNDS=1) with the programs of BUILD_DIR and
# checks that the table has every row, each with a number. See CMakeLists.txt.
set -u
BUILD=$1
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
fail() { echo "FAIL [bench.smoke]: $*" >&2; echo "--- output"; cat "$OUT"; exit 1; }

BENCH_ROUNDS=1 BUILD_DIR=$BUILD bash "$TOP/bench/run" >"$OUT" 2>&1 || fail "bench/run exited $?"
rows=(
  'sequential rate / `wrk -t1 -c1`'
  'the repetition alone'
  'a bare libcurl loop / wrk'
  'parallel speedup'
  'lint of 1,000 case files (5,000 tests): wall'
  'lint of 1,000 case files: peak RSS'
  '20,000 results, TAP + JUnit'
  'the program and its libraries'
  'loading and planning'
  'running and reporting'
  'bundled suite without deliberate waits'
  'refserver under `wrk -t2 -c32`'
)
for r in "${rows[@]}"; do
  line=$(grep -F -- "$r" "$OUT" | head -1)
  [ -n "$line" ] || fail "no row for: $r"
  # the measured column: a number (possibly with a unit or a range after it)
  measured=$(printf '%s\n' "$line" | awk -F'|' '{print $3}')
  printf '%s\n' "$measured" | grep -Eq '^ *-?[0-9]+(\.[0-9]+)?' || fail "row without a number: $line"
done
verdicts=$(grep -cE '\| (ok|MISSED) \|$' "$OUT")
[ "$verdicts" -eq 7 ] || fail "expected 7 verdicts, found $verdicts"
echo "# bench/run: every row present; verdicts:"
grep -E '\| (ok|MISSED) \|$' "$OUT" | awk -F'|' '{print "#  " $2 "->" $5}'
