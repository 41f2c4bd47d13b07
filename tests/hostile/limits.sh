#!/usr/bin/env bash
# Limits: response size, run deadline, and the one-line reasons of transport failures.
#   limits.sh AUTHCONFORM HOSTILE_SERVER SOURCE_DIR LIMIT
# body-rss              100 MiB bodies (with and without a length) against the default 1 MiB
#                       limit: the test errors and the peak RSS stays near that of a tiny answer
# max-body              --max-body N refuses a 43-byte body below 43 and accepts it above
# run-deadline          --run-deadline between tests: Bail out!, JUnit written, exit 1
# deadline-mid-request  --run-deadline while a body trickles in (--timeout 30): the run still
#                       ends at the deadline
# refused               nothing listens: "connection failed" on one line, Bail out!, exit 3
# dns                   a name that does not resolve: "cannot resolve host", exit 3
# tls-to-plain          https:// to a plain HTTP server (it answers the handshake with a 400):
#                       "TLS failure", exit 3
set -u
AC=$1 HS=$2 TOP=$3 LIMIT=$4
NAME="limits.$LIMIT"
WORK=$(mktemp -d -t ac-limits.XXXXXX)
# shellcheck source=common.sh
. "$TOP/tests/hostile/common.sh"
trap cleanup EXIT
CASES=$TOP/tests/hostile/cases

# ac NAME CASE ARGS... : one run against $URL into $WORK/NAME.{tap,xml,stdout,stderr}
ac() {
  local name=$1 case=$2; shift 2
  run_timed "$WORK/$name" "$AC" --suite none --target "$URL" --tap "$WORK/$name.tap" --junit "$WORK/$name.xml" \
    "$@" "$CASES/$case.yaml"
  note "$name: exit $RC in ${ELAPSED_MS} ms${MAXRSS_KB:+, peak RSS ${MAXRSS_KB} KB}"
}
want_rc() { [ "$RC" = "$1" ] || { cat "$WORK/$2.stderr" "$WORK/$2.tap"; fail "$2: exit $RC, expected $1"; }; }
reports_ok() {
  validate_tap "$WORK/$1.tap"
  validate_junit "$WORK/$1.xml"
  for f in "$WORK/$1.tap" "$WORK/$1.xml" "$WORK/$1.stderr"; do check_clean_text "$f"; done
}
# unreachable NAME REGEX: exit 3, one not-ok test whose reason (one line, in TAP, console and
# JUnit) matches, and Bail out! with the same reason.
unreachable() {
  want_rc 3 "$1"
  reports_ok "$1"
  expect_in "$WORK/$1.tap" "^not ok 1 - HOSTILE-GET " "TAP verdict"
  expect_in "$WORK/$1.tap" "^  message: \"$2" "TAP message"
  expect_in "$WORK/$1.tap" "^Bail out! target unreachable: $2" "TAP bail-out"
  expect_in "$WORK/$1.stderr" "^  ERROR +HOSTILE-GET a GET gets 200: $2" "console line"
  expect_in "$WORK/$1.stderr" "^stopped early: target unreachable: $2" "console summary"
  expect_in "$WORK/$1.xml" "<error message=\"$2[^\"]*\"" "JUnit error"
  [ "$ELAPSED_MS" -le 6000 ] || fail "$1 took ${ELAPSED_MS} ms"
}

case "$LIMIT" in
body-rss)
  start_listener ok "$HS" --mode ok
  ac baseline get
  want_rc 0 baseline
  base=${MAXRSS_KB:-0}
  for mode in huge-body huge-body-chunked; do
    start_listener "$mode" "$HS" --mode "$mode"
    ac "$mode" get
    want_rc 1 "$mode"
    reports_ok "$mode"
    expect_in "$WORK/$mode.tap" '^  message: "response body larger than the limit of 1048576 bytes"' "TAP message"
    if [ -n "$MAXRSS_KB" ]; then
      note "$mode: peak RSS ${MAXRSS_KB} KB against a 100 MiB body (a 3-byte answer: ${base} KB)"
      [ "$MAXRSS_KB" -lt $((base + 16384)) ] || fail "$mode: peak RSS ${MAXRSS_KB} KB, baseline ${base} KB"
    else
      note "/usr/bin/time missing: peak RSS not measured"
    fi
  done
  ;;
max-body)
  start_listener http10 "$HS" --mode http10-close   # a 43-byte close-delimited body
  ac small get --max-body 20
  want_rc 1 small
  reports_ok small
  expect_in "$WORK/small.tap" '^  message: "response body larger than the limit of 20 bytes"' "TAP message"
  ac large get --max-body 1000
  want_rc 0 large
  ac zero get --max-body 0
  want_rc 2 zero
  expect_in "$WORK/zero.stderr" 'max-body' "usage error"
  ;;
run-deadline)
  start_listener ok "$HS" --mode ok
  ac deadline deadline --run-deadline 2.5
  want_rc 1 deadline
  reports_ok deadline
  # The tests' points, without the coverage point that ends every run's TAP (before Bail out!).
  sed '/^\(not \)\{0,1\}ok [0-9]* - coverage$/,$d' "$WORK/deadline.tap" >"$WORK/deadline.tests"
  grep -q '^ok [0-9]* - coverage$' "$WORK/deadline.tap" || fail "no coverage point"
  n=$(grep -c '^ok [0-9]' "$WORK/deadline.tests")
  nn=$(grep -c '^not ok [0-9]' "$WORK/deadline.tests")
  note "run-deadline: $n of 6 tests passed, $nn cut by the deadline; exit 1"
  [ "$n" -ge 2 ] && [ $((n + nn)) -le 4 ] || fail "$n + $nn tests ran before a 2.5 s deadline (1 s each)"
  # The only failure allowed: the test in progress, cut by the deadline.
  ! grep '^  message:' "$WORK/deadline.tests" | grep -v 'run deadline of 2.5 s reached during this request' ||
    fail "a failure other than the deadline"
  expect_in "$WORK/deadline.tap" '^Bail out! run deadline of 2.5 s reached' "TAP bail-out"
  expect_in "$WORK/deadline.xml" 'stopped_early' "JUnit"
  expect_in "$WORK/deadline.stderr" 'run deadline of 2.5 s reached' "console"
  [ "$ELAPSED_MS" -le 5000 ] || fail "took ${ELAPSED_MS} ms for a 2.5 s deadline"
  ;;
deadline-mid-request)
  # The first test waits 1 s, then its body trickles in until the deadline cuts it.
  start_listener slow "$HS" --mode slow-body
  ac slow deadline --timeout 30 --run-deadline 2
  want_rc 1 slow
  reports_ok slow
  expect_in "$WORK/slow.tap" '^not ok 1 - HOSTILE-DEADLINE-1 ' "TAP verdict"
  expect_in "$WORK/slow.tap" '^  message: ".*run deadline of 2 s reached during this request"' "TAP message"
  expect_in "$WORK/slow.tap" '^Bail out! run deadline of 2 s reached' "TAP bail-out"
  [ "$ELAPSED_MS" -le 4000 ] || fail "took ${ELAPSED_MS} ms for a 2 s deadline"
  ;;
refused)
  start_listener gone "$HS" --mode ok
  kill "${SERVER_PIDS[0]}"; wait "${SERVER_PIDS[0]}" 2>/dev/null
  ac refused get --timeout 3
  unreachable refused 'connection failed: '
  ;;
dns)
  URL="http://authconform-no-such-host.invalid:8080"
  ac dns get --timeout 3
  unreachable dns 'cannot resolve host: '
  ;;
tls-to-plain)
  start_listener plain "$HS" --mode plain-400
  URL="https://127.0.0.1:$PORT"
  ac tls get --timeout 3
  unreachable tls 'TLS failure: '
  ;;
*)
  fail "unknown limit $LIMIT"
  ;;
esac
echo "ok - $NAME"
