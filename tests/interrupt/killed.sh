#!/usr/bin/env bash
# A hard kill loses nothing that already happened (issue 17, part 2): a run writing --events is
# killed with SIGKILL part way; `authconform report` rebuilds valid reports from the events file,
# they say the run was killed, and they hold exactly the results the file has.
#   killed.sh AUTHCONFORM REFSERVER SCENARIO
# Scenarios: kill-j1, kill-j8 (SIGKILL part way), sigterm (a handled signal: the file has its end
# line and the rebuilt reports equal the run's own), bad-line (a damaged file: exit 2, FILE:LINE).
set -u
set -m
AC=$1 REF=$2 SCENARIO=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
AC_PID=""
cleanup() {
  [ -n "$AC_PID" ] && kill -KILL "$AC_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=common.sh
. "$HERE/common.sh"

OUT="$WORK/out"
mkdir -p "$OUT"

# start_run ARGS...: the bundled suite in the background, writing the events and every report.
start_run() {
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD \
    "$AC" --target "http://127.0.0.1:$PORT/apiops" --events "$OUT/ev.jsonl" --tap "$OUT/run.tap" \
    --junit "$OUT/run.xml" --json "$OUT/run.json" --html "$OUT/run.html" "$@" >"$OUT/stdout" 2>"$OUT/stderr" &
  AC_PID=$!
}

# wait_events N: until the events file has N test lines (at most 20 s).
wait_events() {
  for _ in $(seq 1 400); do
    local n
    n=$(grep -c '^{"event":"test",' "$OUT/ev.jsonl" 2>/dev/null)
    [ "${n:-0}" -ge "$1" ] && return 0
    kill -0 "$AC_PID" 2>/dev/null || fail "the run ended before it was killed: $(tail -3 "$OUT/stderr")"
    sleep 0.05
  done
  fail "no $1 test lines in the events file after 20 s"
}

# same_results EVENTS TAP XML JSON: the rebuilt reports hold exactly the events file's results,
# in its order, with the outcomes it gives.
same_results() {
  /usr/bin/python3 - "$@" <<'PY' || fail "the rebuilt reports differ from the events file"
import json, re, sys, xml.etree.ElementTree as ET
ev, tap, xml, rec = sys.argv[1:5]
lines = [json.loads(l) for l in open(ev) if l.strip()]
assert lines[0]['event'] == 'start', lines[0]
tests = [l['test'] for l in lines if l['event'] == 'test']
assert tests, 'no test in the events file'
want = [(t['id'], t['outcome']) for t in tests]

# TAP: the top-level points, coverage aside; outcome from ok/not ok and the directive.
seen = []
for l in open(tap):
    m = re.match(r'(not )?ok \d+ - (\S+)(.*)$', l.rstrip('\n'))
    if not m or m.group(2) == 'coverage':
        continue
    d = m.group(3)
    if ' # SKIP' in d: o = 'skip'
    elif ' # TODO' in d: o = 'warn'
    elif m.group(1): o = 'fail/error/not_run'
    else: o = 'pass'
    seen.append((m.group(2), o))
norm = lambda o: 'fail/error/not_run' if o in ('fail', 'error', 'not_run') else o
assert seen == [(i, norm(o)) for i, o in want], ('tap', seen, want)

# JUnit: one test case per result; failing ones carry failure or error, skips skipped.
cases = {}
for c in ET.parse(xml).iter('testcase'):
    n = c.get('name').split(' ')[0]
    if n == 'coverage':
        continue
    kids = {k.tag for k in c}
    cases[n] = 'skip' if 'skipped' in kids else 'bad' if kids & {'failure', 'error'} else 'ok'
assert sorted(cases) == sorted(i for i, _ in want), ('junit ids', sorted(cases))
for i, o in want:
    exp = 'skip' if o == 'skip' else 'bad' if o in ('fail', 'error', 'not_run') else 'ok'
    assert cases[i] == exp, ('junit', i, o, cases[i])

# The rebuilt run record: the same test objects as the events lines, each with the line's
# detail (record version 3 keeps it).
r = json.load(open(rec))
details = [l['detail'] for l in lines if l['event'] == 'test']
assert [{k: v for k, v in t.items() if k != 'detail'} for t in r['tests']] == tests, 'record tests differ from the events lines'
assert [t.get('detail') for t in r['tests']] == details, 'record details differ from the events lines'
PY
}

case "$SCENARIO" in
kill-j1 | kill-j8)
  command -v /usr/bin/python3 >/dev/null || { missing python3; exit 77; }
  start_refserver --latency-ms 200
  start_run -j "${SCENARIO#kill-j}"
  wait_events 4
  kill -KILL "$AC_PID"
  wait "$AC_PID"
  got=$?
  AC_PID=""
  [ "$got" = 137 ] || fail "the killed run exited $got, not 137"
  ev="$OUT/ev.jsonl"
  # Whole lines only, each one JSON object, and no end line.
  [ "$(tail -c 1 "$ev" | od -An -c | tr -d ' ')" = '\n' ] || fail "the events file ends inside a line"
  /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$ev" || fail "a line is not JSON"
  ! grep -q '^{"event":"end"' "$ev" || fail "a killed run's events file has an end line"
  head -1 "$ev" | grep -q '^{"event":"start","events_version":1,' || fail "no start line: $(head -c 200 "$ev")"

  "$AC" report "$ev" --tap "$OUT/re.tap" --junit "$OUT/re.xml" --json "$OUT/re.json" --html "$OUT/re.html" \
    2>"$OUT/report.err"
  code=$?
  # Everything that ran passed (the reference server conforms), but not everything ran: 4.
  [ "$code" = 4 ] || { cat "$OUT/report.err"; fail "report exited $code, not 4"; }
  expect_in "$OUT/report.err" "no end line: the run was killed" "report's message"
  "$AC" report "$ev" --tap-version 13 --tap "$OUT/re13.tap" 2>/dev/null
  [ $? = 4 ] || fail "report --tap-version 13 did not exit 4"

  expect_in "$OUT/re.tap" '^Bail out! run killed before it finished \(events file has no end record\)' "TAP"
  tail -1 "$OUT/re.tap" | grep -q '^Bail out! ' || fail "the rebuilt TAP does not end with Bail out!"
  head -1 "$OUT/re13.tap" | grep -qx 'TAP version 13' || fail "--tap-version 13 ignored"
  validate_tap "$OUT/re.tap"
  if command -v prove >/dev/null; then
    prove --exec cat "$OUT/re13.tap" >"$OUT/re13.prove" 2>&1
    ! grep 'Parse errors' "$OUT/re13.prove" | grep -v 'Parse errors: Bad plan\.' | grep -q . ||
      { cat "$OUT/re13.prove"; fail "prove reports parse errors in the TAP 13 stream"; }
    expect_in "$OUT/re13.prove" "Bailout called" "prove's output"
  else missing prove; fi
  validate_junit "$OUT/re.xml"
  expect_in "$OUT/re.xml" "<system-err>run killed before it finished" "JUnit system-err"
  expect_in "$OUT/re.html" 'id="verdict">INTERRUPTED by SIGKILL' "HTML banner"
  validate_record "$OUT/re.json"
  same_results "$ev" "$OUT/re.tap" "$OUT/re.xml" "$OUT/re.json"

  # The rebuilt record is a run record: `report` reads it too and comes to the same verdict.
  mkdir "$OUT/again"
  "$AC" report "$OUT/re.json" --tap "$OUT/again/re.tap" 2>/dev/null
  [ $? = 4 ] || fail "report of the rebuilt record did not exit 4"
  ;;
sigterm)
  # A handled signal writes the end line; with golden-file times the rebuilt reports are the
  # run's own, byte for byte.
  export AC_REPORT_DETERMINISTIC=1
  start_refserver --latency-ms 200
  start_run -j 2
  wait_events 3
  kill -TERM "$AC_PID"
  wait "$AC_PID"
  got=$?
  AC_PID=""
  [ "$got" = 143 ] || fail "exit $got, not 143"
  tail -1 "$OUT/ev.jsonl" | grep -q '^{"event":"end",.*"interrupted":"SIGTERM"' || fail "no end line saying SIGTERM"
  "$AC" report "$OUT/ev.jsonl" --tap "$OUT/re.tap" --junit "$OUT/re.xml" --json "$OUT/re.json" \
    --html "$OUT/re.html" 2>"$OUT/report.err"
  code=$?
  [ "$code" = 143 ] || { cat "$OUT/report.err"; fail "report exited $code, not 143 as the run did"; }
  for f in tap xml json html; do
    cmp -s "$OUT/run.$f" "$OUT/re.$f" || { diff "$OUT/run.$f" "$OUT/re.$f" | head -20; fail "re.$f differs from run.$f"; }
  done
  validate_tap "$OUT/re.tap"
  validate_junit "$OUT/re.xml"
  same_results "$OUT/ev.jsonl" "$OUT/re.tap" "$OUT/re.xml" "$OUT/re.json"
  ;;
bad-line)
  start_refserver
  start_run --tags bearer
  wait "$AC_PID"
  AC_PID=""
  sed -i '3s/.*/{"event":"test","test":/' "$OUT/ev.jsonl"
  "$AC" report "$OUT/ev.jsonl" --tap "$OUT/re.tap" 2>"$OUT/report.err"
  code=$?
  [ "$code" = 2 ] || fail "report of a damaged file exited $code, not 2"
  expect_in "$OUT/report.err" "^$OUT/ev.jsonl:3: error: not valid JSON" "the message"
  [ ! -e "$OUT/re.tap" ] || fail "a report was written from a damaged file"
  ;;
*) fail "unknown scenario" ;;
esac
echo "ok: $SCENARIO"
