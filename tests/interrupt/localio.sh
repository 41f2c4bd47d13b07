#!/usr/bin/env bash
# Local failures are not verdicts (issue 17): a report that cannot be written exits 5 with a
# message naming the file and the cause, and the other reports are still written and valid.
#   localio.sh AUTHCONFORM REFSERVER SCENARIO
# Scenarios: full-disk (JUnit on a 16 KiB tmpfs), read-only (JUnit on a read-only tmpfs),
# dir-in-way (--junit names a directory), closed-pipe (TAP on stdout into `head -1`),
# events-full-disk (--events on a 16 KiB tmpfs).
# The tmpfs scenarios need mount (root): without it they skip (77), except under CI.
set -u
AC=$1 REF=$2 SCENARIO=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
MNT=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=common.sh
. "$HERE/common.sh"

# mount_tmpfs OPTIONS: a small tmpfs at $WORK/mnt, or skip (a failure under CI).
mount_tmpfs() {
  MNT="$WORK/mnt"
  mkdir -p "$MNT"
  if ! mount -t tmpfs -o "$1" tmpfs "$MNT" 2>"$WORK/mount.err"; then
    MNT=""
    [ -z "${CI:-}" ] || fail "cannot mount a tmpfs under CI: $(cat "$WORK/mount.err")"
    echo "SKIP: cannot mount a tmpfs: $(cat "$WORK/mount.err")"
    exit 77
  fi
}

# run_suite ARGS...: the bundled suite (exit status in $got, stderr in $WORK/stderr).
run_suite() {
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD \
    "$AC" --target "http://127.0.0.1:$PORT/apiops" -j 4 "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  got=$?
}

# check JUNIT_PATH REGEX: exit 5, the message names the JUnit file and the cause, and TAP, the
# record and the HTML report were written and are valid.
check() {
  [ "$got" = 5 ] || { cat "$WORK/stderr"; fail "exit code $got, expected 5"; }
  expect_in "$WORK/stderr" "^authconform: error: $1[^ ]*: .*$2" "the message"
  for f in run.tap run.json run.html; do [ -s "$WORK/$f" ] || fail "$f missing"; done
  validate_tap "$WORK/run.tap"
  validate_record "$WORK/run.json"
  no_tmp "$WORK"
}

# shellcheck disable=SC2119  # no server options needed
start_refserver
case "$SCENARIO" in
full-disk)
  mount_tmpfs size=16k
  run_suite --tap "$WORK/run.tap" --junit "$MNT/run.xml" --json "$WORK/run.json" --html "$WORK/run.html"
  check "$MNT/run.xml" "No space left on device"
  [ ! -e "$MNT/run.xml" ] || fail "a partial JUnit file under the published name"
  ;;
read-only)
  mount_tmpfs size=16k,ro
  run_suite --tap "$WORK/run.tap" --junit "$MNT/run.xml" --json "$WORK/run.json" --html "$WORK/run.html"
  check "$MNT/run.xml" "Read-only file system"
  ;;
dir-in-way)
  mkdir "$WORK/run.xml"
  run_suite --tap "$WORK/run.tap" --junit "$WORK/run.xml" --json "$WORK/run.json" --html "$WORK/run.html"
  check "$WORK/run.xml" "Is a directory"
  ;;
events-full-disk)
  # The events file fills a 16 KiB tmpfs part way: exit 5 naming it; the other reports are
  # whole; what reached the disk still rebuilds (a line cut by the full disk is left out).
  mount_tmpfs size=16k
  run_suite --tap "$WORK/run.tap" --events "$MNT/ev.jsonl" --json "$WORK/run.json" --html "$WORK/run.html"
  check "$MNT/ev.jsonl" "writing the events file: No space left on device"
  "$AC" report "$MNT/ev.jsonl" --tap "$WORK/re.tap" 2>"$WORK/report.err"
  rc=$?
  [ "$rc" = 4 ] || [ "$rc" = 1 ] || { cat "$WORK/report.err"; fail "report exited $rc, expected 1 or 4"; }
  expect_in "$WORK/re.tap" '^Bail out! run killed before it finished' "the rebuilt TAP"
  validate_tap "$WORK/re.tap"
  ;;
closed-pipe)
  # TAP on stdout into a reader that stops after one line: no crash (SIGPIPE), the file reports
  # are complete. The first line of the stream arrived.
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD \
    "$AC" --target "http://127.0.0.1:$PORT/apiops" -j 4 --junit "$WORK/run.xml" --json "$WORK/run.json" \
    --html "$WORK/run.html" 2>"$WORK/stderr" | head -1 >"$WORK/head.out"
  got=${PIPESTATUS[0]}
  [ "$(cat "$WORK/head.out")" = "TAP version 14" ] || fail "head saw '$(cat "$WORK/head.out")'"
  [ "$got" = 5 ] || { cat "$WORK/stderr"; fail "exit code $got, expected 5"; }
  expect_in "$WORK/stderr" "^authconform: error: standard output: writing TAP report: Broken pipe" "the message"
  for f in run.xml run.json run.html; do [ -s "$WORK/$f" ] || fail "$f missing"; done
  validate_junit "$WORK/run.xml"
  validate_record "$WORK/run.json"
  /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["tests"]) == r["planned"], r["summary"]' \
    "$WORK/run.json" || fail "the record lacks tests"
  no_tmp "$WORK"
  ;;
*) fail "unknown scenario" ;;
esac
echo "ok: $SCENARIO"
