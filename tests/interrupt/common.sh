# shellcheck shell=bash
# Shared by interrupt.sh and localio.sh (sourced; the caller sets TOP, WORK, SCENARIO, REF):
# assertions, the reference server, and the validators CI consumers apply to our reports.

fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }
expect_in() {   # FILE REGEX [what]
  grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} lacks /$2/"; }
}
# A validator that is missing skips its check, except under CI, where it must be there.
missing() { [ -z "${CI:-}" ] || fail "$1 missing (run scripts/setup --tests)"; }

no_tmp() {
  local left
  left=$(find "$@" -name '*.tmp')
  [ -z "$left" ] || fail "temporary files left behind: $left"
}

PASSWORD="Interrupt-Passw0rd-$$"
SERVER_PID=""
# shellcheck source=../lib/server.sh
. "$TOP/tests/lib/server.sh"
# start_refserver ARGS...: sets SERVER_PID (the caller's cleanup stops it) and PORT.
start_refserver() {
  local url
  start_server url SERVER_PID --out "$WORK/server.out" --err "$WORK/server.err" -- \
    "$REF" --port 0 --user "alice:$PASSWORD" "$@" || fail "refserver did not start"
  PORT=${url##*:}
}

# validate_tap FILE: tap-parser --strict (TAP 14 or 13), and prove (as TAP 13; after a Bail out!
# the plan is short on purpose, so "Bad plan" is the one parse error allowed there).
validate_tap() {
  local tp="$TOP/.tools/node_modules/.bin/tap-parser"
  if [ -x "$tp" ]; then
    "$tp" --strict -j 0 <"$1" >"$1.parsed" 2>&1 || true
    ! grep -q '"tapError":"' "$1.parsed" || { cat "$1.parsed"; fail "$1: TAP invalid (tap-parser --strict)"; }
  else missing tap-parser; fi
  if command -v prove >/dev/null; then
    sed '1s/^TAP version 14$/TAP version 13/' "$1" >"$1.v13"
    prove --exec cat "$1.v13" >"$1.prove" 2>&1
    ! grep 'Parse errors' "$1.prove" | grep -v 'Parse errors: Bad plan\.' | grep -q . ||
      { cat "$1.prove"; fail "$1: prove reports parse errors"; }
  else missing prove; fi
}

validate_junit() {
  local schema="$TOP/../shared/schemas/junit-10.xsd"
  [ -f "$schema" ] || schema="$TOP/tests/schemas/junit-10.xsd"
  if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$schema" "$1" 2>"$WORK/xmllint.err" || { cat "$WORK/xmllint.err"; fail "$1: JUnit invalid"; }
  else missing xmllint; fi
}

validate_record() {
  if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    /usr/bin/python3 - "$TOP/docs/run-record.schema.json" "$1" <<'PY' || fail "$1 does not match the run-record schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
PY
  else missing python3-jsonschema; fi
}
