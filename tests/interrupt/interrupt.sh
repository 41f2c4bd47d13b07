#!/usr/bin/env bash
# Interrupted runs keep what they learned (issue 17): the bundled suite against a slow reference
# server, stopped by a signal part way; every report must be there, valid, and say so.
#   interrupt.sh AUTHCONFORM REFSERVER SCENARIO
# Scenarios: sigterm-j1 sigterm-j8 sigint-j1 sigint-j8 (one signal), double (two signals in a
# row: out at once), grace (a request slower than the grace is cut off, the run still ends).
set -u
# Job control: a background job of a non-interactive shell starts with SIGINT ignored, which
# authconform honours; with -m it runs in its own process group and gets SIGINT as a user would.
set -m
AC=$1 REF=$2 SCENARIO=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
AC_PID=""
cleanup() {
  [ -n "$AC_PID" ] && kill -KILL "$AC_PID" 2>/dev/null
  # KILL: the server would otherwise finish its slow answers (20 s) before it exits.
  [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=common.sh
. "$HERE/common.sh"

# start_run OUT ARGS...: the bundled suite in the background, every report under OUT.
start_run() {
  local out=$1; shift
  mkdir -p "$out"
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD \
    "$AC" --target "http://127.0.0.1:$PORT/apiops" --tap "$out/run.tap" --junit "$out/run.xml" \
    --json "$out/run.json" --html "$out/run.html" "$@" >"$out/stdout" 2>"$out/stderr" &
  AC_PID=$!
}

# wait_points FILE N: until the TAP has N test points (at most 20 s).
wait_points() {
  for _ in $(seq 1 400); do
    local n
    n=$(grep -cE '^(not )?ok [0-9]+ ' "$1" 2>/dev/null)
    [ "${n:-0}" -ge "$2" ] && return 0
    kill -0 "$AC_PID" 2>/dev/null || fail "the run ended before it was interrupted: $(tail -3 "$(dirname "$1")/stderr")"
    sleep 0.05
  done
  fail "no $2 test points in $1 after 20 s"
}

# finish WANT_EXIT MAX_SECONDS SINCE: waits for the run; checks its exit code and that it ended
# within MAX_SECONDS of SINCE (date +%s.%N).
finish() {
  wait "$AC_PID"
  local got=$?
  local took
  took=$(echo "$(date +%s.%N) - $3" | bc)
  AC_PID=""
  [ "$got" = "$1" ] || { cat "$OUT/stderr"; fail "exit code $got, expected $1"; }
  [ "$(echo "$took < $2" | bc)" = 1 ] || fail "took $took s after the signal (at most $2)"
}

# check_reports OUT SIGNAME: every report is there, valid, says INTERRUPTED, and holds every
# test the TAP shows.
check_reports() {
  local out=$1 sig=$2
  for f in run.tap run.xml run.json run.html; do [ -s "$out/$f" ] || fail "$f missing or empty"; done
  no_tmp "$out"
  [ "$(tail -1 "$out/run.tap")" = "Bail out! interrupted ($sig)" ] ||
    fail "TAP ends with '$(tail -1 "$out/run.tap")', not 'Bail out! interrupted ($sig)'"
  local plan points
  plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out/run.tap")
  points=$(grep -cE '^(not )?ok [0-9]+ - ' "$out/run.tap")
  [ "$points" -lt "$plan" ] || fail "all $plan planned tests ran: the signal came too late to test anything"
  expect_in "$out/stderr" "^INTERRUPTED by $sig" "console"
  expect_in "$out/run.html" "id=\"verdict\">INTERRUPTED by $sig" "HTML banner"
  expect_in "$out/run.xml" "<system-err>interrupted \\($sig\\)" "JUnit system-err"

  validate_tap "$out/run.tap"
  [ ! -f "$out/run.tap.prove" ] || expect_in "$out/run.tap.prove" "Bailout called" "prove's output"
  validate_junit "$out/run.xml"
  validate_record "$out/run.json"

  # Every test the TAP shows is in the JUnit file and in the record, and nothing more.
  /usr/bin/python3 - "$out" "$sig" <<'PY' || fail "the reports disagree on what ran"
import json, re, sys, xml.etree.ElementTree as ET
out, sig = sys.argv[1], sys.argv[2]
tap = [re.match(r'(?:not )?ok \d+ - (\S+)', l).group(1)
       for l in open(out + '/run.tap') if re.match(r'(?:not )?ok \d+ - ', l)]
tap = [t for t in tap if t != 'coverage']
rec = json.load(open(out + '/run.json'))
ids = [t['id'] for t in rec['tests']]
assert ids == tap, ('record', ids, tap)
s = rec['summary']
assert s['interrupted'] == sig and s['stopped_early'] and s['exit_code'] == {'SIGINT': 130, 'SIGTERM': 143}[sig], s
names = [c.get('name').split(' ')[0] for c in ET.parse(out + '/run.xml').iter('testcase')]
names = [n for n in names if n != 'coverage']
assert sorted(names) == sorted(tap), ('junit', names, tap)
assert len(tap) > 0, 'nothing ran before the signal'
PY
}

command -v bc >/dev/null || { missing bc; exit 77; }
OUT="$WORK/out"
case "$SCENARIO" in
sigterm-j1 | sigterm-j8 | sigint-j1 | sigint-j8)
  sig=SIG$(echo "${SCENARIO%-j*}" | sed 's/^sig//' | tr '[:lower:]' '[:upper:]')
  jobs=${SCENARIO#*-j}
  start_refserver --latency-ms 300
  # The SIGINT runs use TAP 13, the version `prove` reads.
  tv=(); [ "$sig" = SIGINT ] && tv=(--tap-version 13)
  start_run "$OUT" -j "$jobs" "${tv[@]}"
  wait_points "$OUT/run.tap" 3
  t=$(date +%s.%N)
  kill -s "${sig#SIG}" "$AC_PID"
  # A request in flight takes 0.3 s: the run ends well inside its grace.
  finish "$([ "$sig" = SIGINT ] && echo 130 || echo 143)" 4 "$t"
  check_reports "$OUT" "$sig"
  ;;
double)
  # Requests take 4 s: one signal would wait for them (grace up to 5 s); a second one leaves now.
  start_refserver --latency-ms 4000
  start_run "$OUT" -j 4
  sleep 1
  [ -n "$(find "$OUT" -name '*.tmp')" ] || fail "no temporary report files while the run goes on"
  t=$(date +%s.%N)
  kill -TERM "$AC_PID"
  sleep 0.2
  kill -TERM "$AC_PID" 2>/dev/null
  finish 143 1.5 "$t"
  no_tmp "$OUT"
  ;;
grace)
  # Requests take 20 s (the timeout is 30): after a signal they get min(--timeout, 5 s), then are
  # cut off; the reports are still complete and the cut requests say why.
  start_refserver --latency-ms 20000
  start_run "$OUT" -j 2
  sleep 1
  t=$(date +%s.%N)
  kill -TERM "$AC_PID"
  finish 143 7 "$t"
  no_tmp "$OUT"
  expect_in "$OUT/run.tap" "interrupted \\(SIGTERM\\) during this request" "TAP"
  [ "$(tail -1 "$OUT/run.tap")" = "Bail out! interrupted (SIGTERM)" ] || fail "TAP does not end with the Bail out!"
  ;;
*) fail "unknown scenario" ;;
esac
echo "ok: $SCENARIO"
