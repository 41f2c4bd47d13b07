#!/usr/bin/env bash
# End-to-end tests: the authconform program against the reference server, started here on
# 127.0.0.1 with a port it picks, and stopped on exit. One scenario per invocation:
#   e2e.sh AUTHCONFORM REFSERVER SCENARIO
# Each scenario asserts exit codes and report contents; any failed assertion exits 1.
set -u
AC=$1 REF=$2 SCENARIO=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }
note() { echo "# $*"; }

PASSWORD="e2e-Secret-Passw0rd-$$"
start_server() {
  "$REF" --port 0 --admin --user "alice:$PASSWORD" --log "$WORK/server.log" "$@" >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.out")
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  [ -n "${PORT:-}" ] || fail "refserver did not start: $(cat "$WORK/server.err")"
  TARGET="http://127.0.0.1:$PORT"
}

# run_ac EXPECTED_EXIT ARGS... : runs authconform with TAP/JUnit into $WORK, checks the exit code
run_ac() {
  local want=$1; shift
  E2E_USERNAME=alice E2E_PASSWORD=$PASSWORD \
    E2E_REVOKE_COMMAND="'$REF' admin revoke --url $TARGET" \
    "$AC" --suite "$HERE/suite.yaml" --tap "$WORK/out.tap" --junit "$WORK/out.xml" "$@" \
    >"$WORK/stdout" 2>"$WORK/stderr"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stderr"; cat "$WORK/stderr"; echo "--- tap"; cat "$WORK/out.tap" 2>/dev/null
    fail "exit code $got, expected $want (args: $*)"
  fi
}

expect_in() {   # FILE REGEX [what]
  grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} lacks /$2/"; }
}
expect_not_in() {
  ! grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} has /$2/"; }
}

validate_reports() {
  local schema="$TOP/../shared/schemas/junit-10.xsd"
  [ -f "$schema" ] || schema="$TOP/tests/schemas/junit-10.xsd"
  if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$schema" "$WORK/out.xml" 2>"$WORK/xmllint.err" || { cat "$WORK/xmllint.err"; fail "JUnit invalid"; }
  elif [ -n "${CI:-}" ]; then fail "xmllint missing"; fi
  local tp="$TOP/.tools/node_modules/.bin/tap-parser"
  if [ -x "$tp" ]; then
    "$tp" --strict -j 0 <"$WORK/out.tap" >"$WORK/parsed.json" 2>&1 || true
    ! grep -q '"tapError":"' "$WORK/parsed.json" || { cat "$WORK/parsed.json"; fail "TAP 14 invalid"; }
  elif [ -n "${CI:-}" ]; then fail "tap-parser missing (run scripts/setup --tests)"; fi
  # No secret may reach any output.
  for f in "$WORK/out.tap" "$WORK/out.xml" "$WORK/stderr" "$WORK/stdout"; do
    expect_not_in "$f" "$PASSWORD" "$f (password leak)"
  done
}

case "$SCENARIO" in
pass)
  start_server
  run_ac 0 --target "$TARGET" "$HERE/cases"
  validate_reports
  expect_in "$WORK/out.tap" '^TAP version 14$'
  expect_in "$WORK/out.tap" '^ok [0-9]+ - E2E-HEALTH health answers OK$'
  expect_in "$WORK/out.tap" '^ok [0-9]+ - E2E-HELLO '
  expect_in "$WORK/out.tap" '^ok [0-9]+ - E2E-COMPARE '
  expect_in "$WORK/out.tap" '^ok [0-9]+ - E2E-REVOKE '
  expect_in "$WORK/out.tap" '^ok [0-9]+ - E2E-SKIP .*# SKIP requires variable optional_thing \(set E2E_OPTIONAL_THING_UNSET'
  expect_in "$WORK/out.tap" '^not ok [0-9]+ - E2E-SHOULD .*# TODO should'
  expect_in "$WORK/out.tap" '^ok [0-9]+ - E2E-WHEN .*# SKIP condition not met'
  expect_in "$WORK/out.tap" '# Subtest: E2E-REVOKE'
  expect_in "$WORK/out.xml" '<skipped'
  expect_in "$WORK/stderr" 'passed, 0 failed'
  # the revoke step really ran: the server logged the admin call
  expect_in "$WORK/server.log" '_refserver/revoke'
  ;;
strict)
  start_server
  run_ac 1 --target "$TARGET" --strict --id E2E-SHOULD "$HERE/cases"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-SHOULD '
  expect_not_in "$WORK/out.tap" 'TODO'
  ;;
must-fail)
  start_server
  run_ac 1 --target "$TARGET" "$HERE/fail.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-MUST-FAIL '
  expect_in "$WORK/out.tap" '^  message: '
  expect_in "$WORK/out.tap" '^ok 2 - E2E-AFTER '
  expect_in "$WORK/out.xml" '<failure '
  ;;
fail-fast)
  start_server
  run_ac 1 --target "$TARGET" --fail-fast "$HERE/fail.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-MUST-FAIL '
  expect_in "$WORK/out.tap" '^Bail out! '
  expect_not_in "$WORK/out.tap" 'E2E-AFTER'
  ;;
bad-fixture)
  start_server
  run_ac 1 --target "$TARGET" "$HERE/badfix.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-NEEDS-FIXTURE '
  expect_in "$WORK/out.tap" 'fixture token failed'
  expect_in "$WORK/out.xml" '<error '
  ;;
usage)
  start_server
  run_ac 2 --target "$TARGET" "$HERE/broken.yaml"
  expect_in "$WORK/stderr" 'broken.yaml:6:5: error: unknown key .expct'
  expect_in "$WORK/stderr" 'broken.yaml:7:.*E2E-BROKEN'
  expect_in "$WORK/stderr" 'undefined_variable'
  [ ! -s "$WORK/server.log" ] || fail "requests were sent despite a case-file error: $(cat "$WORK/server.log")"
  run_ac 2 --target "$TARGET" --no-such-option
  run_ac 2 --target "$TARGET" --id NO-SUCH-TEST "$HERE/cases"
  "$AC" lint --suite "$HERE/suite.yaml" "$HERE/broken.yaml" >"$WORK/lint.out" 2>&1 && fail "lint accepted broken.yaml"
  expect_in "$WORK/lint.out" 'unknown key'
  "$AC" lint --suite "$HERE/suite.yaml" "$HERE/cases" >"$WORK/lint.out" 2>&1 || { cat "$WORK/lint.out"; fail "lint rejected good cases"; }
  ;;
unreachable)
  # A port that was free a moment ago: nothing listens there.
  start_server
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
  run_ac 3 --target "$TARGET" "$HERE/cases"
  validate_reports
  expect_in "$WORK/out.tap" '^Bail out! target unreachable'
  ;;
nothing-ran)
  start_server
  run_ac 1 --target "$TARGET" --id E2E-SKIP,E2E-WHEN "$HERE/cases"
  expect_in "$WORK/stderr" 'no must-level check ran'
  ;;
precedence)
  start_server
  run_ac 0 --target "$TARGET" --var expected_greeting=from-default "$HERE/vars.yaml"
  E2E_GREETING=from-env run_ac 0 --target "$TARGET" --var expected_greeting=from-env "$HERE/vars.yaml"
  printf 'greeting: from-file\nexpected_greeting: from-file\n' >"$WORK/vars.yaml"
  E2E_GREETING=from-env run_ac 0 --target "$TARGET" --vars-file "$WORK/vars.yaml" "$HERE/vars.yaml"
  E2E_GREETING=from-env run_ac 0 --target "$TARGET" --vars-file "$WORK/vars.yaml" --var greeting=from-cli \
    --var expected_greeting=from-cli "$HERE/vars.yaml"
  run_ac 1 --target "$TARGET" --var expected_greeting=something-else "$HERE/vars.yaml"
  printf -- '- not a map\n' >"$WORK/bad-vars.yaml"
  run_ac 2 --target "$TARGET" --vars-file "$WORK/bad-vars.yaml" "$HERE/vars.yaml"
  ;;
*)
  fail "unknown scenario $SCENARIO"
  ;;
esac
echo "ok - e2e $SCENARIO"
