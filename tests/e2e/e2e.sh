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
# shellcheck source=../lib/server.sh
. "$HERE/../lib/server.sh"
SERVER_PID=""
cleanup() {
  stop_servers
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }
note() { echo "# $*"; }

PASSWORD="e2e-Secret-Passw0rd-$$"
# The permission checks' limited account (no roles), added to every server through a users file;
# a scenario with its own --users file adds LIMITED_USER_YAML to it.
LIMITED_PW="e2e-Limited-Passw0rd-$$"
LIMITED_USER_YAML="- { username: limited, password: \"$LIMITED_PW\", roles: [] }"
start_refserver() {
  local -a users=()
  case " $* " in
  *" --users "*) ;;
  *) printf '%s\n' "$LIMITED_USER_YAML" >"$WORK/limited.yaml"; users=(--users "$WORK/limited.yaml") ;;
  esac
  start_server TARGET SERVER_PID --out "$WORK/server.out" --err "$WORK/server.err" -- \
    "$REF" --port 0 --admin --user "alice:$PASSWORD" "${users[@]}" --log "$WORK/server.log" "$@" ||
    fail "refserver did not start"
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

stop_server() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=""
}

# run_bundled EXPECTED_EXIT|any PREFIX ARGS... : the bundled suite against the server with every
# variable a loopback target can have (like scripts/main-job, without the throwaway account of
# --include intrusive, whose ISSUE-DISTINCT-CLIENTS is therefore a named gap), so a conformant
# server gives a complete run; stderr in PREFIX.stderr, TAP in PREFIX.tap, the exit status in
# $got. The account is alice with $PASSWORD unless AS_USER / AS_PASSWORD say otherwise
# (AS_PASSWORD= : no password at all).
run_bundled() {
  local want=$1 prefix=$2 pw=${AS_PASSWORD-$PASSWORD}; shift 2
  local expired revoked
  expired=$("$REF" admin mint --url "$TARGET" --username alice --kind expired) || fail "mint an expired token"
  revoked=$("$REF" admin mint --url "$TARGET" --username alice --kind revoked) || fail "mint a revoked token"
  env -u APINIZER_PASSWORD ${pw:+"APINIZER_PASSWORD=$pw"} APINIZER_USERNAME="${AS_USER:-alice}" \
    APINIZER_EXPIRED_TOKEN="$expired" APINIZER_REVOKED_TOKEN="$revoked" \
    APINIZER_REVOKE_COMMAND="'$REF' admin revoke --url $TARGET" \
    APINIZER_LIMITED_USERNAME=limited APINIZER_LIMITED_PASSWORD="$LIMITED_PW" \
    AUTHCONFORM_ALLOW_SKIP="${E2E_ALLOW_SKIP-ISSUE-DISTINCT-CLIENTS}" \
    "$AC" --target "$TARGET/apiops" --tap "$prefix.tap" "$@" >"$prefix.stdout" 2>"$prefix.stderr"
  got=$?
  if [ "$want" != any ] && [ "$got" != "$want" ]; then
    echo "--- stderr"; cat "$prefix.stderr"
    fail "bundled suite: exit code $got, expected $want (args: $*)"
  fi
}

# The run record against docs/run-record.schema.json.
validate_record() {
  if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    /usr/bin/python3 - "$TOP/docs/run-record.schema.json" "$1" <<'PY' || fail "$1 does not match the run-record schema"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
PY
  elif [ -n "${CI:-}" ]; then fail "python3-jsonschema missing (run scripts/setup --tests)"; fi
}

# run_unconfigured EXPECTED_EXIT PREFIX [VAR=VALUE...] -- ARGS... : the bundled suite with none of
# the suite's variables set in the environment except the given ones, every report written
# (PREFIX.tap .xml .json .html, console in PREFIX.stderr)
run_unconfigured() {
  local want=$1 prefix=$2; shift 2
  local -a sets=() unsets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sets+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  local v
  for v in $(env | sed -n 's/^\(APINIZER_[A-Z_]*\|AUTHCONFORM_ALLOW_SKIP\)=.*/\1/p'); do unsets+=(-u "$v"); done
  env "${unsets[@]}" "${sets[@]}" "$AC" --target "$TARGET/apiops" --tap "$prefix.tap" --junit "$prefix.xml" \
    --json "$prefix.json" --html "$prefix.html" "$@" >"$prefix.stdout" 2>"$prefix.stderr"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stderr"; cat "$prefix.stderr"
    fail "unconfigured suite: exit code $got, expected $want (${sets[*]} $*)"
  fi
}

# The console's summary: what follows the last empty line (the gaps, then the summary line).
summary_of() { awk '/^$/ { buf = ""; next } { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"; }

# count_in FILE STRING: how many times STRING occurs in FILE.
count_in() { grep -oF -- "$2" "$1" | wc -l; }

# A TAP stream's coverage point: the last test point, named exactly "coverage", numbered as the
# plan's last; prints "ok" or "not ok".
tap_coverage() {
  awk '/^1\.\.[0-9]+/ { split($0, p, /\.\./); plan = p[2] + 0 }
       /^(not )?ok [0-9]+/ { last = $0 }
       END {
         if (!match(last, /^(not )?ok [0-9]+ - coverage$/)) { print "last point is not coverage: " last; exit 1 }
         n = last; sub(/^(not )?ok /, "", n); sub(/ .*/, "", n)
         if (n + 0 != plan) { print "coverage is point " n ", the plan ends at " plan; exit 1 }
         print (last ~ /^not ok/) ? "not ok" : "ok"
       }' "$1"
}

# validate_files TAP JUNIT: both formats with the consumers: xmllint against junit-10.xsd,
# tap-parser --strict (TAP 14) and prove (the stream as TAP 13; after a Bail out! the plan is
# short on purpose, so "Bad plan" is the one parse error allowed there).
validate_files() {
  local schema="$TOP/../shared/schemas/junit-10.xsd"
  [ -f "$schema" ] || schema="$TOP/tests/schemas/junit-10.xsd"
  if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$schema" "$2" 2>"$WORK/xmllint.err" || { cat "$WORK/xmllint.err"; fail "$2: JUnit invalid"; }
  elif [ -n "${CI:-}" ]; then fail "xmllint missing"; fi
  local tp="$TOP/.tools/node_modules/.bin/tap-parser"
  if [ -x "$tp" ]; then
    "$tp" --strict -j 0 <"$1" >"$WORK/parsed.json" 2>&1 || true
    ! grep -q '"tapError":"' "$WORK/parsed.json" || { cat "$WORK/parsed.json"; fail "$1: TAP 14 invalid"; }
  elif [ -n "${CI:-}" ]; then fail "tap-parser missing (run scripts/setup --tests)"; fi
  if command -v prove >/dev/null; then
    sed '1s/^TAP version 14$/TAP version 13/' "$1" >"$WORK/v13.tap"
    prove --exec cat "$WORK/v13.tap" >"$WORK/prove.out" 2>&1
    local errs
    errs=$(grep 'Parse errors' "$WORK/prove.out")
    if [ -n "$errs" ] && ! { grep -q '^Bail out!' "$1" && ! grep -v 'Parse errors: Bad plan\.' <<<"$errs" | grep -q .; }; then
      cat "$WORK/prove.out"; fail "$1: prove reports parse errors"
    fi
  elif [ -n "${CI:-}" ]; then fail "prove missing"; fi
}

# record_field FILE EXPR: a Python expression over the record `r`, printed.
record_field() { /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

expect_in() {   # FILE REGEX [what]
  grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} lacks /$2/"; }
}
expect_not_in() {
  ! grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} has /$2/"; }
}

validate_reports() {
  validate_files "$WORK/out.tap" "$WORK/out.xml"
  # No secret may reach any output.
  for f in "$WORK/out.tap" "$WORK/out.xml" "$WORK/stderr" "$WORK/stdout"; do
    expect_not_in "$f" "$PASSWORD" "$f (password leak)"
  done
}

case "$SCENARIO" in
pass)
  start_refserver
  # E2E-SKIP is a must-level test whose variable is not set: not judged, so the run is
  # incomplete (exit 4) until the gap is accepted by name.
  run_ac 4 --target "$TARGET" "$HERE/cases"
  run_ac 0 --target "$TARGET" --allow-skip E2E-SKIP "$HERE/cases"
  validate_reports
  expect_in "$WORK/out.tap" '^TAP version 14$'
  [ "$(tap_coverage "$WORK/out.tap")" = ok ] || fail "coverage point: $(tap_coverage "$WORK/out.tap")"
  expect_in "$WORK/out.tap" '^    - id: "E2E-SKIP"$'
  expect_in "$WORK/stderr" '^allowed to be missing \(--allow-skip E2E-SKIP\):$'
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
  start_refserver
  run_ac 1 --target "$TARGET" --strict --id E2E-SHOULD "$HERE/cases"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-SHOULD '
  expect_not_in "$WORK/out.tap" 'TODO'
  ;;
must-fail)
  start_refserver
  run_ac 1 --target "$TARGET" "$HERE/fail.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-MUST-FAIL '
  expect_in "$WORK/out.tap" '^  message: '
  expect_in "$WORK/out.tap" '^ok 2 - E2E-AFTER '
  expect_in "$WORK/out.xml" '<failure '
  ;;
fail-fast)
  start_refserver
  run_ac 1 --target "$TARGET" --fail-fast "$HERE/fail.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-MUST-FAIL '
  expect_in "$WORK/out.tap" '^Bail out! '
  expect_not_in "$WORK/out.tap" 'E2E-AFTER'
  ;;
bad-fixture)
  start_refserver
  run_ac 1 --target "$TARGET" "$HERE/badfix.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-NEEDS-FIXTURE '
  expect_in "$WORK/out.tap" 'fixture token failed'
  expect_in "$WORK/out.xml" '<error '
  ;;
usage)
  start_refserver
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
  start_refserver
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
  run_ac 3 --target "$TARGET" "$HERE/cases"
  validate_reports
  expect_in "$WORK/out.tap" '^Bail out! target unreachable'
  ;;
coverage-missing)
  # No credentials: everything that ran passed, but most must-level tests could not be judged.
  # Exit 4, and every report says so and names what to set, once.
  start_refserver
  run_unconfigured 4 "$WORK/none"
  summary_of "$WORK/none.stderr" >"$WORK/none.summary"
  cat "$WORK/none.summary"
  expect_in "$WORK/none.summary" '^INCOMPLETE: [0-9]+ must-level tests not judged$'
  # The cluster tests are not applicable without --node: never a gap.
  expect_in "$WORK/none.summary" '; [0-9]+ of [0-9]+ must-level tests judged \([0-9]+ not applicable, [0-9]+ not judged\)$'
  expect_not_in "$WORK/none.summary" 'CLUSTER-'
  expect_in "$WORK/none.summary" '^  variable username \(APINIZER_USERNAME\) is not set; [0-9]+ tests need it:$'
  expect_in "$WORK/none.summary" '--allow-skip ID\|TAG or --allow-incomplete$'
  [ "$(count_in "$WORK/none.summary" APINIZER_USERNAME)" = 1 ] || fail "the summary names APINIZER_USERNAME more than once"
  # Every variable the record lists as missing is named exactly once.
  for env in $(record_field "$WORK/none.json" '" ".join(m.split("(")[1].rstrip(")") for m in r["coverage"]["missing"])'); do
    [ "$(count_in "$WORK/none.summary" "$env")" = 1 ] || fail "the summary names $env $(count_in "$WORK/none.summary" "$env") times"
  done
  expect_not_in "$WORK/none.summary" 'requires variable' "the summary (it must name variables, not repeat the gaps' reasons)"
  tail -n 1 "$WORK/none.stderr" |
    grep -Eq '^INCOMPLETE: [0-9]+ passed, 0 failed, [0-9]+ skipped of [0-9]+ tests in [0-9.]+ s;.* [0-9]+ of [0-9]+ must-level tests judged' ||
    fail "the summary line is not last: $(tail -n 1 "$WORK/none.stderr")"
  [ "$(grep -c 'passed, 0 failed' "$WORK/none.stderr")" = 1 ] || fail "more than one summary line"
  [ "$(tap_coverage "$WORK/none.tap")" = "not ok" ] || fail "TAP coverage point: $(tap_coverage "$WORK/none.tap")"
  expect_in "$WORK/none.tap" '^  message: "INCOMPLETE: [0-9]+ must-level tests not judged; '
  expect_in "$WORK/none.tap" '^    - "username \(APINIZER_USERNAME\)"$'
  validate_files "$WORK/none.tap" "$WORK/none.xml"
  expect_in "$WORK/none.xml" '<testcase classname="authconform" name="coverage" time="[0-9.]+">'
  expect_in "$WORK/none.xml" '<failure message="INCOMPLETE: [0-9]+ must-level tests not judged" type="incomplete">'
  expect_in "$WORK/none.xml" '^not judged: BEARER-OK \(not-configured\): requires variable username'
  expect_in "$WORK/none.xml" '^missing variable: username \(APINIZER_USERNAME\)$'
  [ "$(record_field "$WORK/none.json" 'r["coverage"]["complete"]')" = False ] || fail "record: coverage.complete is not false"
  [ "$(record_field "$WORK/none.json" 'r["summary"]["exit_code"]')" = 4 ] || fail "record: exit_code is not 4"
  [ "$(record_field "$WORK/none.json" 'len(r["coverage"]["gaps"]) == len([t for t in r["tests"] if t["severity"] == "must" and t.get("skip_kind") in ("not-configured", "rate-limited")])')" = True ] ||
    fail "record: the gaps are not the unjudged must-level tests"
  validate_record "$WORK/none.json"
  expect_in "$WORK/none.html" '<div class="verdict v-incomplete" id="verdict">INCOMPLETE: [0-9]+ must-level tests not judged</div>'
  expect_not_in "$WORK/none.html" 'PASSED'
  # With the username set, the password is what is missing, and it is named once.
  run_unconfigured 4 "$WORK/user" APINIZER_USERNAME=alice --
  summary_of "$WORK/user.stderr" >"$WORK/user.summary"
  [ "$(count_in "$WORK/user.summary" APINIZER_PASSWORD)" = 1 ] || { cat "$WORK/user.summary"; fail "APINIZER_PASSWORD is not named once"; }
  expect_not_in "$WORK/user.summary" 'APINIZER_USERNAME'
  ;;
coverage-allowed)
  # Accepted gaps: the run is complete (exit 0) and every report still lists them.
  start_refserver
  run_unconfigured 4 "$WORK/none"
  run_unconfigured 0 "$WORK/all" -- --allow-incomplete
  expect_in "$WORK/all.stderr" '^allowed to be missing \(--allow-incomplete\):$'
  expect_not_in "$WORK/all.stderr" 'INCOMPLETE'
  [ "$(tap_coverage "$WORK/all.tap")" = ok ] || fail "TAP coverage point: $(tap_coverage "$WORK/all.tap")"
  expect_in "$WORK/all.tap" '^      allowed: true$'
  expect_in "$WORK/all.tap" '^    - "--allow-incomplete"$'
  validate_files "$WORK/all.tap" "$WORK/all.xml"
  expect_in "$WORK/all.xml" '<property name="complete" value="true"/>'
  expect_in "$WORK/all.xml" '^allowed to be missing: BEARER-OK \(not-configured\): '
  expect_in "$WORK/all.xml" '^allowed by: --allow-incomplete$'
  expect_not_in "$WORK/all.xml" 'type="incomplete"'
  [ "$(record_field "$WORK/all.json" 'r["coverage"]["complete"] and r["options"]["allow_incomplete"] and all(g["allowed"] for g in r["coverage"]["gaps"]) and len(r["coverage"]["gaps"]) > 0')" = True ] ||
    fail "record: the accepted gaps are not recorded"
  validate_record "$WORK/all.json"
  expect_in "$WORK/all.html" 'PASSED: every must-level check passed \([0-9]+ tests allowed to be missing\)'
  # Naming the gaps (ids, and a tag for some) accepts exactly them; one fewer leaves the run incomplete.
  ids=$(record_field "$WORK/none.json" '",".join(g["id"] for g in r["coverage"]["gaps"] if not g["id"].startswith("BEARER-"))')
  run_unconfigured 0 "$WORK/ids" -- --allow-skip "$ids,bearer"
  expect_in "$WORK/ids.stderr" '^allowed to be missing \(--allow-skip '
  [ "$(record_field "$WORK/ids.json" 'r["options"]["allow_skip"][-1]')" = bearer ] || fail "record: allow_skip not recorded"
  fewer=${ids#*,}
  run_unconfigured 4 "$WORK/fewer" -- --allow-skip "$fewer,bearer"
  [ "$(record_field "$WORK/fewer.json" 'len([g for g in r["coverage"]["gaps"] if not g["allowed"]])')" = 1 ] ||
    fail "one gap left unaccepted should make exactly one gap"
  # The same through the environment, as a CI setting.
  run_unconfigured 0 "$WORK/env" AUTHCONFORM_ALLOW_SKIP="$ids,bearer" --
  ;;
coverage-merge)
  # The shards of an unconfigured run: each is incomplete; merged, the gaps are the union.
  start_refserver
  run_unconfigured 4 "$WORK/s1" -- --shard 1/2
  run_unconfigured 4 "$WORK/s2" -- --shard 2/2
  "$AC" merge --junit "$WORK/m.xml" --json "$WORK/m.json" "$WORK/s1.xml" "$WORK/s2.xml" "$WORK/s1.json" "$WORK/s2.json" \
    >"$WORK/merge.out" 2>&1 || { cat "$WORK/merge.out"; fail "merge failed"; }
  n1=$(record_field "$WORK/s1.json" 'len(r["coverage"]["gaps"])')
  n2=$(record_field "$WORK/s2.json" 'len(r["coverage"]["gaps"])')
  [ "$(record_field "$WORK/m.json" 'len(r["coverage"]["gaps"])')" = $((n1 + n2)) ] || fail "merged record: gaps are not the union"
  [ "$(record_field "$WORK/m.json" 'r["coverage"]["complete"]')" = False ] || fail "merged record: complete"
  [ "$(record_field "$WORK/m.json" 'r["summary"]["exit_code"]')" = 4 ] || fail "merged record: exit_code"
  validate_record "$WORK/m.json"
  [ "$(grep -c 'name="coverage"' "$WORK/m.xml")" = 1 ] || fail "merged JUnit: not one coverage test case"
  # The failure and system-out of the coverage test case carry the same list.
  [ "$(grep -c '^not judged: ' "$WORK/m.xml")" = $((2 * (n1 + n2))) ] || fail "merged JUnit: gaps are not the union"
  expect_in "$WORK/m.xml" 'type="incomplete"'
  validate_files "$WORK/s1.tap" "$WORK/m.xml"
  ;;
nothing-ran)
  start_refserver
  run_ac 1 --target "$TARGET" --id E2E-SKIP,E2E-WHEN "$HERE/cases"
  expect_in "$WORK/stderr" 'no must-level check ran'
  ;;
precedence)
  start_refserver
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
file-changed)
  # A run reads every case file once. A suite that fits the resident budget keeps its files
  # parsed for the whole run, so a file edited during the run changes nothing. A larger suite
  # keeps only what planning needs and loads each file again when its first test runs
  # (runner/load/model.h, "Resident and released files"): a file edited in between must not run
  # unvalidated text, its tests are errors naming the file, and the run fails. The edit is made
  # by a `run` step of the first file, so it lands before the second file is loaded (-j 1 runs
  # the files in order).
  start_refserver
  mkdir -p "$WORK/mut/cases"
  cat >"$WORK/mut/suite.yaml" <<'YAML'
name: mut
version: 0.0.1
cases: [cases]
variables:
  mutate: { env: E2E_MUTATE, command: true }
  health_path: { default: apiops/test/healthcheck }
YAML
  cat >"$WORK/mut/cases/a.yaml" <<'YAML'
suite: first
fixtures:
  up:
    request: { path: "${health_path}" }
    expect: { status: 200 }
tests:
  - id: MUT-EDIT
    name: edits the second file
    requires: [up]
    steps:
      - name: edit
        run: { command: "${mutate}" }
        expect: { exit: 0 }
YAML
  cat >"$WORK/mut/cases/b.yaml" <<'YAML'
suite: second
tests:
  - id: MUT-AFTER
    name: health after the edit
    request: { path: "${health_path}" }
    expect: { status: 200 }
  - id: MUT-AFTER-2
    name: health again
    severity: should
    request: { path: "${health_path}" }
    expect: { status: 200 }
YAML
  # Resident (a small suite): the edit lands, but the run uses the text it validated.
  cp "$WORK/mut/cases/b.yaml" "$WORK/b.orig"
  E2E_MUTATE="echo '# edited' >>'$WORK/mut/cases/b.yaml'" "$AC" --suite "$WORK/mut/suite.yaml" --target "$TARGET" \
    -j 1 --tap "$WORK/mut.tap" >"$WORK/mut.out" 2>&1 || { cat "$WORK/mut.out"; fail "a resident file was read again"; }
  expect_in "$WORK/mut.tap" '^ok 2 - MUT-AFTER '
  # Released (over the 512 KiB budget of case text, runner/load/case_source.h): comments make it so.
  { cat "$WORK/b.orig"; awk 'BEGIN { for (i = 0; i < 15000; i++) print "# padding: too big to keep every file parsed" }'; } \
    >"$WORK/mut/cases/b.yaml"
  # Unchanged files: both load again and pass (the reload path itself works).
  E2E_MUTATE=true "$AC" --suite "$WORK/mut/suite.yaml" --target "$TARGET" -j 1 --tap "$WORK/mut.tap" \
    >"$WORK/mut.out" 2>&1 || { cat "$WORK/mut.out"; fail "unchanged files did not pass"; }
  expect_in "$WORK/mut.tap" '^ok 2 - MUT-AFTER '
  E2E_MUTATE="echo '# edited' >>'$WORK/mut/cases/b.yaml'" "$AC" --suite "$WORK/mut/suite.yaml" --target "$TARGET" \
    -j 1 --tap "$WORK/mut.tap" >"$WORK/mut.out" 2>&1
  got=$?
  [ "$got" = 1 ] || { cat "$WORK/mut.out"; fail "exit $got after a case file changed during the run, expected 1"; }
  expect_in "$WORK/mut.tap" '^ok 1 - MUT-EDIT '
  expect_in "$WORK/mut.tap" '^not ok 2 - MUT-AFTER '
  expect_in "$WORK/mut.tap" 'message: ".*b\.yaml changed after the run loaded it; its tests were not run"'
  expect_in "$WORK/mut.tap" '^not ok 3 - MUT-AFTER-2 .*# TODO'
  ;;
diff)
  # A conformant run, then one against a server with a deliberate defect: the comparison lists
  # the defect's test as a new failure and exits 1; the reverse lists it as fixed and exits 0.
  start_refserver
  run_bundled 0 "$WORK/good" --json "$WORK/good.json"
  # Everything a loopback target can have is configured: a complete run.
  [ "$(tap_coverage "$WORK/good.tap")" = ok ] || fail "coverage of the configured run: $(tap_coverage "$WORK/good.tap")"
  # (ISSUE-DISTINCT-CLIENTS needs the throwaway account: an accepted gap, the only one.)
  [ "$(record_field "$WORK/good.json" 'r["coverage"]["complete"] and [g["id"] for g in r["coverage"]["gaps"]] == ["ISSUE-DISTINCT-CLIENTS"] and all(g["allowed"] for g in r["coverage"]["gaps"])')" = True ] ||
    fail "the configured run has gaps other than the accepted ISSUE-DISTINCT-CLIENTS"
  stop_server
  start_refserver --deviate bearer-alg-none
  run_bundled 1 "$WORK/bad" --json "$WORK/bad.json" --baseline "$WORK/good.json"
  expect_in "$WORK/bad.stderr" '^new failure +BEARER-ALG-NONE +bearer-format +must +pass +fail +401 -> 200$' "--baseline output"
  # Without --json the run's record is a temporary file removed at the end: the table names the
  # run in words, not that file.
  run_bundled 1 "$WORK/bad2" --baseline "$WORK/good.json" --tags bearer
  expect_in "$WORK/bad2.stderr" '^  new this run \(not kept; --json FILE keeps it\): ' "--baseline output"
  expect_not_in "$WORK/bad2.stderr" 'authconform-record-' "--baseline output (temporary file)"
  validate_record "$WORK/good.json"
  validate_record "$WORK/bad.json"
  "$AC" diff --tap "$WORK/diff.tap" --junit "$WORK/diff.xml" "$WORK/good.json" "$WORK/bad.json" \
    >"$WORK/diff.out" 2>"$WORK/diff.err"
  [ $? = 1 ] || { cat "$WORK/diff.out" "$WORK/diff.err"; fail "diff of a new failure did not exit 1"; }
  cat "$WORK/diff.out"
  expect_in "$WORK/diff.out" '^new failure +BEARER-ALG-NONE +bearer-format +must +pass +fail +401 -> 200$'
  expect_in "$WORK/diff.out" '^ +status 200, expected 401'
  # JWT-ALG-NONE-VARIANTS (cases/jwt-attacks.yaml) catches an accepted alg none too.
  expect_in "$WORK/diff.out" '^new failure +JWT-ALG-NONE-VARIANTS +jwt-attacks +must +pass +fail '
  expect_in "$WORK/diff.out" '^2 new failures, 0 lost coverage, 0 fixed, 0 changed outcomes, 0 changed statuses, 0 added, 0 removed; [0-9]+ unchanged$'
  expect_not_in "$WORK/diff.err" '^warning:'
  expect_in "$WORK/diff.tap" '^not ok [0-9]+ - BEARER-ALG-NONE '
  cp "$WORK/diff.xml" "$WORK/out.xml"; cp "$WORK/diff.tap" "$WORK/out.tap"
  : >"$WORK/stdout"; : >"$WORK/stderr"
  validate_reports
  "$AC" diff "$WORK/bad.json" "$WORK/good.json" >"$WORK/rev.out" 2>&1 || { cat "$WORK/rev.out"; fail "the reverse diff failed"; }
  expect_in "$WORK/rev.out" '^fixed +BEARER-ALG-NONE '
  "$AC" diff "$WORK/good.json" "$WORK/good.json" >"$WORK/same.out" 2>&1 || fail "a record differs from itself"
  expect_in "$WORK/same.out" '^no differences: '
  # Runs that are not comparable like for like are flagged.
  stop_server
  start_refserver
  run_bundled any "$WORK/rfc" --json "$WORK/rfc.json" --profile rfc --tags bearer
  "$AC" diff "$WORK/good.json" "$WORK/rfc.json" >"$WORK/rfc.out" 2>"$WORK/rfc.err"
  [ $? != 2 ] || fail "diff of valid records exited 2"
  expect_in "$WORK/rfc.err" '^warning: the runs used different profiles: documented -> rfc'
  expect_in "$WORK/rfc.err" '^warning: the runs used different options: tags \[\] -> \["bearer"\]'
  expect_in "$WORK/rfc.out" '^removed +CRED-'
  # Unreadable or invalid input: exit 2 with the file's name.
  "$AC" diff "$WORK/missing.json" "$WORK/good.json" >"$WORK/e.out" 2>"$WORK/e.err"
  [ $? = 2 ] || fail "diff of a missing file did not exit 2"
  expect_in "$WORK/e.err" "missing.json: cannot open"
  "$AC" diff "$WORK/good.json" "$WORK/diff.tap" >"$WORK/e.out" 2>"$WORK/e.err"
  [ $? = 2 ] || fail "diff of a TAP file did not exit 2"
  expect_in "$WORK/e.err" "diff.tap: not valid JSON"
  "$AC" diff "$WORK/good.json" >"$WORK/e.out" 2>"$WORK/e.err"
  [ $? = 2 ] || fail "diff with one file did not exit 2"
  run_bundled 2 "$WORK/nobase" --baseline "$WORK/missing.json"
  expect_in "$WORK/nobase.stderr" 'missing.json: cannot open'
  for f in "$WORK"/*.json "$WORK"/*.out "$WORK"/*.err "$WORK"/*.stderr; do
    expect_not_in "$f" "$PASSWORD" "$f (password leak)"
  done
  ;;
lost-coverage)
  # Must-level tests that passed before and are no longer judged: a skip passes the run's own
  # verdict, so only the comparison can see them. `diff` exits 4 (1 when they errored) and lists
  # them as lost coverage; --baseline raises the run's exit status the same way.
  printf -- '- username: carol\n  password: %s\n  roles: []\n%s\n' "$PASSWORD" "$LIMITED_USER_YAML" \
    >"$WORK/users.yaml"
  start_refserver --users "$WORK/users.yaml"
  run_bundled 0 "$WORK/good" --json "$WORK/good.json"
  # How many tests lost coverage, computed from the two records independently of the C code:
  # must-level in NEW, pass or warn (not strict here) in OLD, skip, not_run or error in NEW.
  lost_in() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
old = {t["id"]: t for t in json.load(open(sys.argv[1]))["tests"]}
new = json.load(open(sys.argv[2]))["tests"]
print(sum(1 for t in new if t["severity"] == "must" and t["outcome"] in ("skip", "not_run", "error")
          and t["id"] in old and old[t["id"]]["outcome"] in ("pass", "warn")))
PY
  }

  # 1. No password: every test that needs a token is skipped ("requires variable password").
  AS_PASSWORD= run_bundled any "$WORK/nopw" --json "$WORK/nopw.json"
  case $got in 4) ;; *) cat "$WORK/nopw.stderr"; fail "the run without a password exited $got" ;; esac
  "$AC" diff --tap "$WORK/diff.tap" --junit "$WORK/diff.xml" "$WORK/good.json" "$WORK/nopw.json" \
    >"$WORK/diff.out" 2>"$WORK/diff.err"
  got=$?
  cat "$WORK/diff.out"
  [ $got = 4 ] || { cat "$WORK/diff.err"; fail "diff of lost coverage exited $got, expected 4"; }
  expect_in "$WORK/diff.out" '^lost coverage +ISSUE-OK +token-issuance +must +pass +skip +200 -> -$'
  expect_in "$WORK/diff.out" '^ +requires variable password \(set APINIZER_PASSWORD'
  expect_in "$WORK/diff.out" '^changed +ISSUE-NO-STORE +token-issuance +should +pass +skip '
  expect_not_in "$WORK/diff.out" '^lost coverage +[^ ]+ +[^ ]+ +(should|info) '
  n=$(lost_in "$WORK/good.json" "$WORK/nopw.json")
  [ "$n" -gt 0 ] || fail "the run without a password skipped no must-level test"
  expect_in "$WORK/diff.out" "^0 new failures, $n lost coverage, 0 fixed, [0-9]+ changed outcomes?, 0 changed statuses, 0 added, 0 removed; [0-9]+ unchanged\$"
  expect_in "$WORK/diff.tap" '^not ok [0-9]+ - ISSUE-OK '
  expect_in "$WORK/diff.tap" 'lost coverage: pass -> skip: requires variable password'
  expect_in "$WORK/diff.tap" '^ok [0-9]+ - ISSUE-NO-STORE '
  cp "$WORK/diff.xml" "$WORK/out.xml"; cp "$WORK/diff.tap" "$WORK/out.tap"
  : >"$WORK/stdout"; : >"$WORK/stderr"
  validate_reports
  AS_PASSWORD= run_bundled 4 "$WORK/nopw2" --json "$WORK/nopw2.json" --baseline "$WORK/good.json"
  expect_in "$WORK/nopw2.stderr" '^lost coverage +ISSUE-OK ' "--baseline output"

  # 2. An account without the projects role: the must-level ISSUE-WORKS-PROJECTS and
  # PERM-LIMITED-FORBIDDEN (whose main-account control step gets the same 403) are skipped on
  # their 403 (not applicable), so the run itself passes; only the baseline sees what was lost.
  AS_USER=carol run_bundled 0 "$WORK/norole" --json "$WORK/norole.json"
  AS_USER=carol run_bundled 4 "$WORK/norole2" --json "$WORK/norole2.json" --baseline "$WORK/good.json"
  expect_in "$WORK/norole2.stderr" '^lost coverage +ISSUE-WORKS-PROJECTS +token-issuance +must +pass +skip +200 -> 403$'
  expect_in "$WORK/norole2.stderr" '^ +status 403: the account lacks a role that may list projects'
  expect_in "$WORK/norole2.stderr" '^changed +ISSUE-PROJECTS-COUNT +token-issuance +should +pass +skip '
  expect_in "$WORK/norole2.stderr" '^lost coverage +PERM-LIMITED-FORBIDDEN +permissions +must +pass +skip '
  expect_in "$WORK/norole2.stderr" '^0 new failures, 2 lost coverage, '
  expect_in "$WORK/norole2.stderr" '^authconform: exit status 4 instead of 0: must-level tests that passed in the baseline were not judged'
  expect_in "$WORK/norole2.json" '"exit_code":0'   # the record keeps the run's own verdict

  # 3. A wrong password: the token fixture fails, the tests that need it error. Errored lost
  # coverage is listed as lost coverage and exits 1.
  AS_PASSWORD="wrong-$PASSWORD" run_bundled 1 "$WORK/wrong" --json "$WORK/wrong.json"
  "$AC" diff "$WORK/good.json" "$WORK/wrong.json" >"$WORK/wrong.out" 2>&1
  got=$?
  [ $got = 1 ] || { cat "$WORK/wrong.out"; fail "diff of errored lost coverage exited $got, expected 1"; }
  expect_in "$WORK/wrong.out" '^lost coverage +BEARER-ALG-NONE +bearer-format +must +pass +error '
  expect_in "$WORK/wrong.out" '^ +fixture token failed: (status 401|not sent: the configured account.s login was refused)'
  for f in "$WORK"/*.json "$WORK"/*.out "$WORK"/*.err "$WORK"/*.stderr "$WORK"/*.tap; do
    expect_not_in "$f" "$PASSWORD" "$f (password leak)"
  done
  ;;
html)
  start_refserver --deviate bearer-alg-none
  run_bundled 1 "$WORK/run" --html "$WORK/report.html" --json "$WORK/run.json"
  f=$WORK/report.html
  expect_in "$f" '^<!DOCTYPE html>'
  total=$(grep -c '"outcome":' "$WORK/run.json")
  rows=$(grep -o '<tr id="t-' "$f" | wc -l)
  [ "$rows" = "$total" ] || fail "HTML has $rows test rows, the record $total tests"
  expect_in "$f" "data-total=\"$total\""
  expect_in "$f" 'data-fail="2"'   # BEARER-ALG-NONE and JWT-ALG-NONE-VARIANTS
  expect_in "$f" '<tr id="t-BEARER-ALG-NONE" class="r-fail" data-outcome="fail" data-area="bearer-format">'
  expect_in "$f" '<details><summary>status 200, expected 401</summary>'
  expect_in "$f" '<a href="#t-BEARER-ALG-NONE">'
  expect_in "$f" 'FAILED: 2 tests failed'
  expect_not_in "$f" ' src=|<link|@import|url\('
  expect_not_in "$f" "$PASSWORD" "the HTML report (password leak)"
  expect_not_in "$f" 'Bearer ey[A-Za-z0-9_-]{20}' "the HTML report (token leak)"
  ;;
junit-shape)
  # What GitLab reads: unique classname+name over the whole bundled suite, failure text in the
  # element body, system-out inside test cases.
  start_refserver --deviate bearer-alg-none
  run_bundled 1 "$WORK/run" --junit "$WORK/out.xml" --include slow,intrusive --var max_wait=3
  /usr/bin/python3 "$HERE/check_junit_shape.py" "$WORK/out.xml" || fail "JUnit shape"
  ;;
profiles)
  start_refserver
  run_ac 0 --target "$TARGET" "$HERE/profiles.yaml"
  expect_in "$WORK/out.tap" '^    ok 1 - health$'
  run_ac 1 --target "$TARGET" --profile rfc "$HERE/profiles.yaml"
  validate_reports
  expect_in "$WORK/out.tap" '^    not ok 1 - strict-health$'
  expect_in "$WORK/out.tap" '^not ok 1 - E2E-PROFILE-STEPS '
  expect_in "$WORK/out.tap" '^not ok 2 - E2E-PROFILE-EXPECT .*# TODO should'
  ;;
var-typo)
  # A misspelt --var is a usage error found before anything is sent: exit 2, a did-you-mean,
  # and the value (here the password) is never echoed.
  start_refserver
  run_bundled 2 "$WORK/pw" --var "pasword=$PASSWORD"
  expect_in "$WORK/pw.stderr" "^error: --var pasword: .*\(did you mean 'password'\?\)"
  expect_in "$WORK/pw.stderr" 'nothing was sent'
  expect_not_in "$WORK/pw.stderr" "$PASSWORD" "stderr (password leak)"
  run_bundled 2 "$WORK/rw" --var revoke_wiat=3
  expect_in "$WORK/rw.stderr" "^error: --var revoke_wiat: .*\(did you mean 'revoke_wait'\?\)"
  # (run_bundled mints the preset tokens through the admin interface: only those may be logged.)
  ! grep -v ' /_refserver/' "$WORK/server.log" | grep -q . ||
    fail "requests were sent despite an unknown --var: $(cat "$WORK/server.log")"
  # --list and lint refuse it too.
  run_bundled 2 "$WORK/list" --list --var revoke_wiat=3
  "$AC" lint --var pasword=x >"$WORK/lint.out" 2>&1
  [ $? = 2 ] || { cat "$WORK/lint.out"; fail "lint accepted --var pasword"; }
  expect_in "$WORK/lint.out" "did you mean 'password'"
  ;;
var-used)
  # Correct names still work: one the bundled suite declares (and only the filtered-out
  # revocation tests read), and, with --suite none, names only the user's own case file reads:
  # in a fixture's requires and form, inside nested function calls, in a when value, as a run
  # step's command and in its env.
  start_refserver
  run_bundled 0 "$WORK/ok" --tags health --var revoke_wait=3
  expect_not_in "$WORK/ok.stderr" 'warning: |error: '
  cat >"$WORK/own.yaml" <<'YAML'
suite: own
fixtures:
  token:
    requires: [my_user, my_pass]
    request:
      method: POST
      path: apiops/auth/token
      form: { grant_type: client_credentials, client_id: "${my_user}", client_secret: "${my_pass}" }
    expect: { status: 200 }
    capture: { my_token: { json: "$.access_token", secret: true } }
tests:
  - id: OWN-HELLO
    name: hello through a token, with a path built by functions
    requires: [token]
    when: { value: "${lower(my_switch)}", equals: "on" }
    request:
      path: "apiops/test/hello/${urlencode(concat(my_prefix, '2e'))}"
      headers: { Authorization: "Bearer ${my_token}" }
    expect: { status: 200, body: { equals: Hello e2e } }
  - id: OWN-RUN
    name: a command from --var with its own environment
    steps:
      - run: { command: "${my_cmd}", env: { OWN_VALUE: "${my_env_value}" } }
        expect: { exit: 0 }
YAML
  printf 'my_switch: "ON"\n' >"$WORK/own-vars.yaml"
  "$AC" --suite none --target "$TARGET" --tap "$WORK/own.tap" --vars-file "$WORK/own-vars.yaml" \
    --var my_user=alice --var "my_pass=$PASSWORD" --var my_prefix=e --var 'my_cmd=test "$OWN_VALUE" = v' \
    --var my_env_value=v "$WORK/own.yaml" >"$WORK/own.out" 2>"$WORK/own.err"
  got=$?
  [ "$got" = 0 ] || { cat "$WORK/own.err" "$WORK/own.tap"; fail "--suite none with the case file's own variables: exit $got, expected 0"; }
  expect_in "$WORK/own.tap" '^ok 1 - OWN-HELLO '
  expect_in "$WORK/own.tap" '^ok 2 - OWN-RUN '
  expect_not_in "$WORK/own.err" 'warning: |error: '
  ;;
varsfile-typo)
  # A vars file may serve several suites: an entry nothing reads is a warning naming it (file
  # and line, never the value), and the run goes on with its usual exit code.
  start_refserver
  printf 'username: alice\npasword: %s\n' "$PASSWORD" >"$WORK/shared-vars.yaml"
  run_ac 0 --target "$TARGET" --allow-skip E2E-SKIP --vars-file "$WORK/shared-vars.yaml" "$HERE/cases"
  expect_in "$WORK/stderr" "shared-vars\.yaml:2: warning: 'pasword' is set but no loaded case file uses it.*\(did you mean 'password'\?\)"
  expect_not_in "$WORK/stderr" "$PASSWORD" "stderr (password leak)"
  expect_in "$WORK/stderr" 'passed, 0 failed'
  ;;
env-typo)
  # An environment variable with the suite's prefix that nothing reads gets one warning naming
  # it: APINIZER_ for the bundled suite, E2E_ for the e2e suite's own fallbacks, and always
  # AUTHCONFORM_. The exit code stays what the run decides.
  start_refserver
  APINIZER_PASWORD=env-$PASSWORD run_bundled 0 "$WORK/env" --tags health
  expect_in "$WORK/env.stderr" "^warning: environment variable APINIZER_PASWORD \(did you mean 'APINIZER_PASSWORD'\?\) is set, but neither the suite nor authconform reads it"
  [ "$(grep -c 'warning: environment' "$WORK/env.stderr")" = 1 ] || fail "more than one environment warning"
  expect_not_in "$WORK/env.stderr" "$PASSWORD" "stderr (password leak)"
  E2E_PASWORD=x AUTHCONFORM_SUIT=x run_ac 0 --target "$TARGET" --allow-skip E2E-SKIP "$HERE/cases"
  expect_in "$WORK/stderr" "^warning: environment variables AUTHCONFORM_SUIT \(did you mean 'AUTHCONFORM_SUITE'\?\), E2E_PASWORD \(did you mean 'E2E_PASSWORD'\?\) are set"
  # Read ones are quiet: a declared fallback, the tool's own names, and ${env:NAME}.
  printf 'suite: envread\ntests:\n  - id: ENV-READ\n    name: reads the environment\n    request: { path: "${health_path}", query: { x: "${env:APINIZER_EXTRA}" } }\n    expect: { status: 200 }\n' >"$WORK/envread.yaml"
  APINIZER_EXTRA=1 AUTHCONFORM_TOKEN=t run_bundled 0 "$WORK/read" "$WORK/envread.yaml"
  expect_not_in "$WORK/read.stderr" 'warning: '
  ;;
readme-recipes)
  # Every environment variable a README recipe sets is read by someone (authconform warns about
  # APINIZER_* ones nothing reads). The names come from the README itself: export lines, YAML
  # env:/variables: keys, a Jenkins environment block and credential bindings. Then the recipes'
  # command runs with exactly those set, the target taken from the recipes' variable.
  start_refserver
  readme=$TOP/README.md
  set_names=$( { grep -oE '^ *export [A-Z][A-Z0-9_]*=' "$readme" | sed -E 's/^ *export //; s/=$//'
                 grep -oE '^ +[A-Z][A-Z0-9_]*: ' "$readme" | sed -E 's/^ +//; s/: $//'
                 grep -oE 'environment \{ *[A-Z][A-Z0-9_]* *=' "$readme" | sed -E 's/^environment \{ *//; s/ *=$//'
                 grep -oE "^ +[A-Z][A-Z0-9_]* = '" "$readme" | sed -E "s/^ +//; s/ = '\$//"
                 grep -oE "Variable: '[A-Z][A-Z0-9_]*'" "$readme" | sed -E "s/^Variable: '//; s/'\$//"
               } | sort -u)
  # ($URL is the reference server's address in the recipes that docs.recipes runs, not a CI variable.)
  target_vars=$(grep -oE -- '--target "\$(\{\{ vars\.)?[A-Z][A-Z0-9_]*' "$readme" | sed -E 's/.*[$.]//' | grep -vx URL | sort -u)
  note "recipes set: $(echo $set_names); target from: $(echo $target_vars)"
  [ "$(wc -w <<<"$target_vars")" = 1 ] || fail "the recipes take the target from different variables: $(echo $target_vars)"
  for n in APINIZER_USERNAME APINIZER_PASSWORD "$target_vars"; do
    grep -qx "$n" <<<"$set_names" || fail "no recipe sets $n (the extraction from README.md is out of date)"
  done
  assign=()
  for n in $set_names; do
    case $n in
      # The generic suite's names (the README's "any OAuth2 server" example) are the Apinizer
      # suite's aliases for the same account.
      APINIZER_USERNAME|AUTHCONFORM_CLIENT_ID) assign+=("$n=alice") ;;
      APINIZER_PASSWORD|AUTHCONFORM_CLIENT_SECRET) assign+=("$n=$PASSWORD") ;;
      "$target_vars") assign+=("$n=$TARGET/apiops") ;;
      # Anything else takes the value the recipes give it (the first `NAME: value` line).
      *) v=$(grep -m1 -oE "^ +$n: [^ #]+" "$readme" | sed -E "s/^ +$n: //")
         [ -n "$v" ] || fail "no value for $n in the recipes"
         assign+=("$n=$v") ;;
    esac
  done
  mkdir -p "$WORK/recipe"
  ( cd "$WORK/recipe" || exit 1
    for v in $(compgen -e | grep -E '^(APINIZER|AUTHCONFORM)_'); do unset "$v"; done
    # The run writes the events; the always-run step rebuilds the reports from them.
    env "${assign[@]}" bash -c 'mkdir -p out && "$0" --target "${!1}" --events out/events.jsonl --tap none &&
      "$0" report out/events.jsonl --tap out/results.tap --junit out/junit.xml --html out/report.html \
        --json out/run.json' "$AC" "$target_vars"
  ) >"$WORK/recipe.stdout" 2>"$WORK/recipe.stderr"
  got=$?
  [ "$got" = 0 ] || { cat "$WORK/recipe.stderr"; fail "the recipe's command: exit $got, expected 0"; }
  # CI logs hold the console view only: every run in the CI recipes writes TAP to a file (or
  # none), never to stdout. A command is its line and the lines that continue it (up to the next
  # YAML item, key, blank line or code fence).
  no_tap=$(awk '/^## CI recipes/ { on = 1; next } /^## / { on = 0 } !on { next }
      cmd != "" && (/^ *- / || /^ *$/ || /^```/ || /^ *[a-z_]+:/) { if (cmd !~ /--tap /) print cmd; cmd = "" }
      cmd != "" { cmd = cmd " " $0; next }
      /authconform (--target|run )/ { cmd = $0 }
      END { if (cmd != "" && cmd !~ /--tap /) print cmd }' "$readme")
  [ -z "$no_tap" ] || fail "a CI recipe writes TAP to stdout (give it --tap FILE): $no_tap"
  grep -q -- '--events out/events.jsonl --tap none' "$readme" || fail "the README recipes no longer write --events"
  [ "$(grep -c 'authconform report out/events.jsonl' "$readme")" -ge 3 ] ||
    fail "not every README recipe rebuilds the reports with 'authconform report'"
  expect_not_in "$WORK/recipe.stderr" 'warning: environment'
  expect_not_in "$WORK/recipe.stderr" "$PASSWORD" "stderr (password leak)"
  for f in events.jsonl results.tap junit.xml report.html run.json; do
    [ -s "$WORK/recipe/out/$f" ] || fail "the recipe's command wrote no out/$f"
  done
  ;;
terminal)
  # Through a pseudo-terminal (script -qc), as a user sees it: the console view is the output
  # (no TAP on a terminal unless --tap asks), one summary line last, -q, colours, and the live
  # status line of waits and polls, which is erased and never reaches a report.
  command -v script >/dev/null || { echo "SKIP: script (util-linux) is not installed"; exit 77; }
  start_refserver
  cat >"$WORK/term.yaml" <<'EOF'
suite: term
tests:
  - id: T-PASS
    name: health answers
    request: { path: "${health_path}" }
    expect: { status: 200 }
  - id: T-WAIT
    name: a wait step is shown while it lasts
    steps:
      - wait: 1500ms
      - name: after
        request: { path: "${health_path}" }
        expect: { status: 200 }
  - id: T-POLL
    name: a poll that never passes
    severity: should
    steps:
      - name: teapot
        request: { path: "${health_path}" }
        expect: { status: 418 }
        until: { every: 200ms, within: 1500ms }
  - id: T-LAST
    name: health answers again
    request: { path: "${health_path}" }
    expect: { status: 200 }
EOF
  # tty_run NAME [ENV=V...] -- ARGS...: authconform on a pseudo-terminal (stdout and stderr);
  # the raw capture in NAME.raw; in NAME.txt what the screen keeps: no colours, and of a line
  # overwritten after a CR only its last part.
  tty_run() {
    local name=$1; shift
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    { printf 'exec env'; printf ' %q' "${envs[@]}" "$AC" --suite "$HERE/suite.yaml" --target "$TARGET" "$@"; echo; } \
      >"$WORK/$name.sh"
    script -qec "bash $WORK/$name.sh" /dev/null </dev/null >"$WORK/$name.raw" 2>&1
    echo $? >"$WORK/$name.rc"
    sed 's/\x1b\[[0-9;]*[mK]//g; s/\r$//' "$WORK/$name.raw" | awk '{ n = split($0, p, "\r"); print p[n] }' >"$WORK/$name.txt"
  }
  tty_run plain -- "$WORK/term.yaml"
  [ "$(cat "$WORK/plain.rc")" = 0 ] || { cat "$WORK/plain.txt"; fail "terminal run: exit $(cat "$WORK/plain.rc")"; }
  expect_not_in "$WORK/plain.txt" 'TAP version' "a terminal (TAP without --tap)"
  expect_not_in "$WORK/plain.txt" '^ok [0-9]' "a terminal (TAP without --tap)"
  expect_in "$WORK/plain.txt" '^  PASS  T-PASS health answers \([0-9]+ ms\)$'
  expect_in "$WORK/plain.txt" '^  WARN  T-POLL a poll that never passes: .* \([0-9]+ ms\)$'
  tail -n 1 "$WORK/plain.txt" | grep -Eq '^PASS: 4 passed, 0 failed, 0 skipped of 4 tests in [0-9.]+ s; 1 passed with warnings; 3 of 3 must-level tests judged$' ||
    fail "the summary line: $(tail -n 1 "$WORK/plain.txt")"
  [ "$(grep -c 'passed, ' "$WORK/plain.txt")" = 1 ] || fail "more than one line with the counts"
  # colour on a terminal by default; the live line of the wait and of the poll, erased
  grep -q $'\x1b\\[32mPASS' "$WORK/plain.raw" || fail "no colour on a terminal"
  grep -q $'\r\x1b\\[K' "$WORK/plain.raw" || fail "no live status line was erased"
  grep -aoE '\.\.\. \[[0-9]+/4\] T-WAIT: waiting, [0-9]+ s of 1\.5 s' "$WORK/plain.raw" | grep -q . ||
    fail "no live status line for the wait step: $(cat -v "$WORK/plain.raw" | head -c 3000)"
  grep -aoE '\.\.\. \[[0-9]+/4\] T-POLL: polling step teapot, [0-9]+ s of 1\.5 s, [0-9]+ attempts?' "$WORK/plain.raw" |
    grep -q . || fail "no live status line for the poll"
  # every status line was erased: none is left in what the screen keeps
  expect_not_in "$WORK/plain.txt" '\.\.\. ' "the screen (a status line was left behind)"
  # NO_COLOR: no colour; --tap - asks for TAP on the terminal; -q
  tty_run nocolor NO_COLOR=1 -- "$WORK/term.yaml" --tap - -q
  grep -q $'\x1b\\[3[0-9]m' "$WORK/nocolor.raw" && fail "colour with NO_COLOR"
  expect_in "$WORK/nocolor.txt" '^TAP version 14$'
  expect_in "$WORK/nocolor.txt" '^ok 1 - T-PASS'
  expect_not_in "$WORK/nocolor.txt" '\.\.\. ' "TAP on the terminal (a status line was left in it)"
  expect_not_in "$WORK/nocolor.txt" '^  PASS ' "-q"
  expect_in "$WORK/nocolor.txt" '^  WARN  T-POLL '
  tail -n 1 "$WORK/nocolor.txt" | grep -q '^PASS: 4 passed, 0 failed, 0 skipped of 4 tests' || fail "-q: the summary line"
  # --color=never; --tap FILE keeps TAP off the terminal; progress never reaches a report
  tty_run never -- "$WORK/term.yaml" --color=never --tap "$WORK/never.tap" --junit "$WORK/never.xml"
  grep -q $'\x1b\\[3[0-9]m' "$WORK/never.raw" && fail "colour with --color=never"
  expect_not_in "$WORK/never.txt" 'TAP version' "the terminal with --tap FILE"
  expect_in "$WORK/never.tap" '^ok 4 - T-LAST'
  expect_not_in "$WORK/never.tap" 'waiting|polling step' "TAP (progress)"
  expect_not_in "$WORK/never.xml" 'waiting|polling step' "JUnit (progress)"
  # -j 2 on a terminal: how many are done out of how many
  tty_run jobs -- "$WORK/term.yaml" -j 2
  grep -aqE '\.\.\. (\[[0-9]/4\] )?[0-9] of 4 tests done' "$WORK/jobs.raw" || fail "-j 2: no 'N of 4 tests done'"
  # off a terminal: TAP on stdout, no escapes at all; --color=always still colours
  "$AC" --suite "$HERE/suite.yaml" --target "$TARGET" "$WORK/term.yaml" >"$WORK/off.out" 2>"$WORK/off.err"
  expect_in "$WORK/off.out" '^TAP version 14$'
  grep -q $'\x1b' "$WORK/off.err" && fail "escapes off a terminal"
  "$AC" --suite "$HERE/suite.yaml" --target "$TARGET" --id T-PASS --color=always "$WORK/term.yaml" >"$WORK/always.out" 2>"$WORK/always.err"
  grep -q $'\x1b\\[32mPASS' "$WORK/always.err" || fail "--color=always off a terminal"
  expect_in "$WORK/always.out" '^TAP version 14$'
  ;;
progress-plain)
  # Off a terminal a long wait is told as a plain line once it has lasted 10 s, and never in a
  # report.
  start_refserver
  cat >"$WORK/long.yaml" <<'EOF'
suite: long
tests:
  - id: L-WAIT
    name: a long wait
    steps:
      - wait: 11s
      - request: { path: "${health_path}" }
        expect: { status: 200 }
EOF
  run_ac 0 --target "$TARGET" "$WORK/long.yaml"
  [ "$(grep -cE '^  \.\.\. L-WAIT: waiting, 1[01] s of 11 s$' "$WORK/stderr")" = 1 ] ||
    { cat "$WORK/stderr"; fail "not one plain progress line for an 11 s wait"; }
  grep -q $'\x1b' "$WORK/stderr" && fail "escapes off a terminal"
  expect_not_in "$WORK/out.tap" 'waiting' "TAP (progress)"
  ;;
vars)
  # authconform vars: every declared variable, its environment names, where it is set, the
  # tests that need it; never a value that is set, wherever it comes from.
  SECRET_ENV="env-Secret-$$" SECRET_CLI="cli-Secret-$$" SECRET_FILE="file-Secret-$$"
  printf 'greeting: %s\n' "$SECRET_FILE" >"$WORK/v.yaml"
  list_vars() {
    E2E_USERNAME="$SECRET_ENV" E2E_REVOKE_COMMAND="curl -u admin:$SECRET_ENV x" \
      "$AC" "$@" --suite "$HERE/suite.yaml" --var password="$SECRET_CLI" --vars-file "$WORK/v.yaml"
  }
  list_vars vars >"$WORK/vars.out" 2>"$WORK/vars.err" || { cat "$WORK/vars.err"; fail "vars: exit $?"; }
  cat "$WORK/vars.out"
  for s in "$SECRET_ENV" "$SECRET_CLI" "$SECRET_FILE"; do
    expect_not_in "$WORK/vars.out" "$s" "vars output (a set value)"
    expect_not_in "$WORK/vars.err" "$s" "vars stderr (a set value)"
  done
  expect_in "$WORK/vars.out" '^Variables of the suite e2e \(.*suite\.yaml\): 8 declared, 4 set\.'
  expect_in "$WORK/vars.out" '^username$'
  expect_in "$WORK/vars.out" '^  environment: E2E_USERNAME$'
  expect_in "$WORK/vars.out" '^  set: yes, from the environment \(E2E_USERNAME\)$'
  expect_in "$WORK/vars.out" '^password \(secret\)$'
  expect_in "$WORK/vars.out" '^  set: yes, by --var$'
  expect_in "$WORK/vars.out" '^  set: yes, in the vars file .*v\.yaml:1$'
  expect_in "$WORK/vars.out" '^  default: from-default$'
  expect_in "$WORK/vars.out" '^  set: no$'
  expect_in "$WORK/vars.out" '^  set: no \(the default applies\)$'
  expect_in "$WORK/vars.out" '^revoke_command \(a command\)$'
  # who needs what: through a fixture's requires and ${...} (E2E-HELLO needs the token fixture)
  awk '/^password/,/^$/' "$WORK/vars.out" | grep -q 'E2E-HELLO' || fail "password: E2E-HELLO needs it through its fixture"
  awk '/^revoke_command/,/^$/' "$WORK/vars.out" | grep -q 'E2E-REVOKE' || fail "revoke_command: E2E-REVOKE needs it"
  # --list-vars is the same; the bundled suite by default, the generic one with --issuer
  list_vars --list-vars >"$WORK/list.out" 2>/dev/null
  cmp -s "$WORK/vars.out" "$WORK/list.out" || fail "--list-vars differs from vars"
  env -u APINIZER_USERNAME "$AC" vars >"$WORK/bundled.out" || fail "vars of the bundled suite"
  expect_in "$WORK/bundled.out" '^hello_path: '
  expect_in "$WORK/bundled.out" '^  default: test/hello/\$\{hello_name\}$'
  expect_in "$WORK/bundled.out" '^  environment: APINIZER_USERNAME, AUTHCONFORM_CLIENT_ID$'
  awk '/^hello_name/,/^$/' "$WORK/bundled.out" | grep -q 'BEARER-OK' || fail "hello_name: needed through hello_path's default"
  "$AC" vars --issuer https://as.example >"$WORK/generic.out" || fail "vars --issuer"
  expect_in "$WORK/generic.out" '^Variables of the suite oauth2-generic '
  awk '/^issuer/,/^$/' "$WORK/generic.out" | grep -q '^  set: yes, by --issuer$' || fail "issuer: set by --issuer"
  "$AC" vars --suite no-such-suite >/dev/null 2>"$WORK/nosuite.err"; [ $? = 2 ] || fail "vars --suite unknown: exit 2"
  ;;
skip-words)
  # A false `when` reads as its own `reason` in words; in a list, the first false condition's
  # reason counts; without one the operator detail stays. The bundled X-HTTPS against a
  # loopback target says why HTTPS is not required.
  start_refserver
  cat >"$WORK/words.yaml" <<'EOF'
suite: words
tests:
  - id: W-WORDS
    name: a false condition with a reason
    when: { value: "${greeting}", equals: never, reason: "the greeting is not the one this check needs" }
    request: { path: "${health_path}" }
    expect: { status: 200 }
  - id: W-LIST
    name: the first false condition of a list gives the reason
    when:
      - { value: "${greeting}", equals: from-default, reason: "never shown: this one holds" }
      - { value: "${greeting}", equals: other, reason: "the second condition is false" }
    request: { path: "${health_path}" }
    expect: { status: 200 }
  - id: W-PLAIN
    name: a false condition without a reason
    when: { value: "${greeting}", equals: never }
    request: { path: "${health_path}" }
    expect: { status: 200 }
  - id: W-JUDGED
    name: one test is judged, so the run is not vacuous
    request: { path: "${health_path}" }
    expect: { status: 200 }
EOF
  run_ac 0 --target "$TARGET" "$WORK/words.yaml"
  expect_in "$WORK/out.tap" '^ok 1 - W-WORDS .*# SKIP the greeting is not the one this check needs$'
  expect_in "$WORK/out.tap" '^ok 2 - W-LIST .*# SKIP the second condition is false$'
  expect_in "$WORK/out.tap" '^ok 3 - W-PLAIN .*# SKIP condition not met: greeting \(from-default\)'
  run_bundled any "$WORK/https" --id X-HTTPS   # alone, nothing is judged: the exit code is not the point
  expect_in "$WORK/https.tap" '^ok 1 - X-HTTPS .*# SKIP the target is a loopback address; HTTPS is not required there$'
  ;;
hello-name)
  # hello_path's default reads hello_name, so setting the name alone changes the path requested;
  # a full hello_path is still used as given, and with neither the default path stays.
  start_refserver
  run_bundled 0 "$WORK/default" --tags bearer
  expect_in "$WORK/server.log" '/apiops/test/hello/authconform'
  run_bundled 0 "$WORK/name" --tags bearer --var hello_name=zed
  expect_in "$WORK/server.log" '/apiops/test/hello/zed'
  run_bundled 0 "$WORK/path" --tags bearer --var hello_path=test/hello/custom
  expect_in "$WORK/server.log" '/apiops/test/hello/custom'
  expect_not_in "$WORK/server.log" 'hello/\$' "server log (an unexpanded default)"
  ;;
*)
  fail "unknown scenario $SCENARIO"
  ;;
esac
echo "ok - e2e $SCENARIO"
