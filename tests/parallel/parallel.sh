#!/usr/bin/env bash
# Parallel execution tests: the authconform program against the reference server, started here
# on 127.0.0.1 with a port it picks. One scenario per invocation:
#   parallel.sh AUTHCONFORM REFSERVER SCENARIO
# Nothing here asserts on timing: latency only makes overlaps likely, the assertions hold for
# any interleaving. Any failed assertion exits 1.
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
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"; [ -n "${KEEP:-}" ] && echo "kept $WORK"
}
trap cleanup EXIT

fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }

PASSWORD="par-Secret-Passw0rd-$$"
THROW_PASSWORD="par-Throwaway-Passw0rd-$$"
LIMITED_PASSWORD="par-Limited-Passw0rd-$$"   # the permission checks' account (no roles)
# start_refserver [refserver options...]: sets PORT, TARGET (the server root) and API (/apiops)
start_refserver() {
  printf '%s\n' "- { username: limited, password: \"$LIMITED_PASSWORD\", roles: [] }" >"$WORK/users.yaml"
  start_server TARGET SERVER_PID --out "$WORK/server.out" --err "$WORK/server.err" -- \
    "$REF" --port 0 --admin --signing-key "parallel-test-signing-key-0123456789" \
    --user "alice:$PASSWORD" --user "throwaway:$THROW_PASSWORD" --users "$WORK/users.yaml" \
    --log "$WORK/server.log" "$@" || fail "refserver did not start"
  PORT=${TARGET##*:}
  API="$TARGET/apiops"
}

# ac NAME EXPECTED_EXIT ARGS...: runs authconform with TAP/JUnit into $WORK/NAME.{tap,xml}
ac() {
  local name=$1 want=$2; shift 2
  PAR_USERNAME=alice PAR_PASSWORD=$PASSWORD \
    "$AC" --tap "$WORK/$name.tap" --junit "$WORK/$name.xml" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stderr"; cat "$WORK/$name.err"; echo "--- tap"; cat "$WORK/$name.tap" 2>/dev/null
    fail "$name: exit code $got, expected $want (args: $*)"
  fi
}

# The bundled suite with every account configured (like scripts/main-job), against $API.
ac_bundled() {
  local name=$1 want=$2; shift 2
  local mint_expired mint_revoked
  mint_expired=$("$REF" admin mint --url "$TARGET" --username alice --kind expired) || fail "mint"
  mint_revoked=$("$REF" admin mint --url "$TARGET" --username alice --kind revoked) || fail "mint"
  APINIZER_USERNAME=alice APINIZER_PASSWORD=$PASSWORD \
  APINIZER_THROWAWAY_USERNAME=throwaway APINIZER_THROWAWAY_PASSWORD=$THROW_PASSWORD \
  APINIZER_LIMITED_USERNAME=limited APINIZER_LIMITED_PASSWORD=$LIMITED_PASSWORD \
  APINIZER_EXPIRED_TOKEN=$mint_expired APINIZER_REVOKED_TOKEN=$mint_revoked \
  APINIZER_REVOKE_COMMAND="'$REF' admin revoke --url $TARGET" \
    "$AC" --suite "$TOP/suite/apinizer.yaml" --target "$API" --tap "$WORK/$name.tap" --junit "$WORK/$name.xml" \
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "--- stderr"; cat "$WORK/$name.err"; fail "$name: exit code $got, expected $want (args: $*)"
  fi
}

expect_in() {   # FILE REGEX [what]
  grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} lacks /$2/"; }
}
expect_not_in() {
  ! grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} has /$2/"; }
}
count() { grep -Ec -- "$2" "$1"; }

validate_junit() {   # FILE
  local schema="$TOP/../shared/schemas/junit-10.xsd"
  [ -f "$schema" ] || schema="$TOP/tests/schemas/junit-10.xsd"
  if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$schema" "$1" 2>"$WORK/xmllint.err" || { cat "$WORK/xmllint.err"; fail "$1: JUnit invalid"; }
  elif [ -n "${CI:-}" ]; then fail "xmllint missing"; fi
}

# TAP test points must be numbered 1..N in order, with no gap.
check_tap_order() {   # FILE
  local n=0 num
  while read -r num; do
    n=$((n + 1))
    [ "$num" = "$n" ] || fail "$1: test point $num where $n was expected"
  done < <(sed -nE 's/^(not )?ok ([0-9]+) .*/\2/p' "$1")
}

# What may differ between two runs against the same server: times, dates, random names and
# nonces, token fingerprints, timestamps in claims. Everything else must be byte-identical.
normalize() {
  sed -E -e 's/^(\s*)Date: .*/\1Date: X/' \
         -e 's/\[redacted:[0-9a-f]+\]/[redacted]/g' \
         -e 's/-[0-9a-f]{16}\b/-RANDOM/g' \
         -e 's/\b[0-9]{10}\b/EPOCH/g' \
         -e 's/[0-9]+(\.[0-9]+)? (ms|s)\b/T \2/g' "$1"
}

# gen_tests FILE SUITE COUNT TEMPLATE: a case file whose tests come from a shell function
gen_header() {   # FILE SUITE [fixture yes|no]
  {
    echo "suite: $2"
    if [ "${3:-no}" = yes ]; then
      cat <<'EOF'
fixtures:
  token:
    requires: [username, password]
    request:
      method: POST
      path: "${token_path}"
      form: { grant_type: client_credentials, client_id: "${username}", client_secret: "${password}" }
    expect: { status: 200 }
    capture: { access_token: { json: "$.access_token", secret: true } }
EOF
    fi
    echo "tests:"
  } >"$1"
}

case "$SCENARIO" in
same-reports)
  # The bundled suite at -j 1 and -j 8 against one server: the same TAP and JUnit apart from
  # times and run-specific values (AC_REPORT_DETERMINISTIC=1 zeroes the report times).
  start_refserver
  export AC_REPORT_DETERMINISTIC=1
  ac_bundled j1 0 --include intrusive --skip-tags slow -j 1
  ac_bundled j8 0 --include intrusive --skip-tags slow -j 8
  for ext in tap xml; do
    normalize "$WORK/j1.$ext" >"$WORK/j1.n.$ext"
    normalize "$WORK/j8.$ext" >"$WORK/j8.n.$ext"
    diff -u "$WORK/j1.n.$ext" "$WORK/j8.n.$ext" >"$WORK/diff" || { head -60 "$WORK/diff"; fail "-j 1 and -j 8 $ext reports differ"; }
  done
  validate_junit "$WORK/j8.xml"
  check_tap_order "$WORK/j8.tap"
  expect_in "$WORK/j8.tap" '^ok [0-9]+ - LOAD-ISSUE-CONCURRENT '
  expect_in "$WORK/j8.tap" '^ok [0-9]+ - LOAD-USE-CONCURRENT '
  # the bundled load cases really sent their requests: 100 token and 100 hello requests at least
  [ "$(count "$WORK/server.log" 'GET /apiops/test/hello/')" -ge 200 ] || fail "load cases did not send 100 requests each"
  for f in "$WORK"/j1.* "$WORK"/j8.*; do expect_not_in "$f" "$PASSWORD|$THROW_PASSWORD" "$f (password leak)"; done
  ;;
fixture-once)
  # 40 tests need one fixture; with 8 workers and a slow server they all ask for it at once.
  # It must run exactly once, and every test must see its capture.
  start_refserver --latency-ms 100
  f="$WORK/fx.yaml"
  gen_header "$f" fx yes
  for i in $(seq 1 40); do
    cat >>"$f" <<EOF
  - id: FX-$i
    name: test $i uses the shared token
    requires: [token]
    request: { path: "\${hello_path}/t$i", headers: { Authorization: "Bearer \${access_token}" } }
    expect: { status: 200, body: { equals: "Hello t$i" } }
EOF
  done
  ac fx 0 --suite "$HERE/suite.yaml" --target "$TARGET" -j 8 "$f"
  [ "$(count "$WORK/server.log" 'POST /apiops/auth/token')" = 1 ] || { cat "$WORK/server.log"; fail "the fixture ran more than once"; }
  [ "$(count "$WORK/fx.tap" '^ok [0-9]+ - FX-')" = 40 ] || fail "not every test passed"
  expect_in "$WORK/fx.tap" '^ok 41 - coverage$'   # the last point: every must-level test judged
  check_tap_order "$WORK/fx.tap"
  # a fixture that fails is an error for every test that waited for it
  gen_header "$WORK/badfx.yaml" badfx yes
  # (It fails by its path, not by a wrong password: the runner never sends a wrong secret for the
  # configured account before a successful login.)
  sed -i 's|path: "${token_path}"|path: "${token_path}-nope"|' "$WORK/badfx.yaml"
  for i in $(seq 1 12); do
    printf '  - id: BADFX-%s\n    name: test %s\n    requires: [token]\n    request: { path: "${health_path}" }\n    expect: { status: 200 }\n' "$i" "$i" >>"$WORK/badfx.yaml"
  done
  ac badfx 1 --suite "$HERE/suite.yaml" --target "$TARGET" -j 8 "$WORK/badfx.yaml"
  [ "$(count "$WORK/badfx.tap" '^not ok [0-9]+ - BADFX-')" = 12 ] || fail "not every dependent test errored"
  [ "$(count "$WORK/badfx.tap" 'fixture token failed')" -ge 12 ] || fail "the fixture failure is not every test's reason"
  [ "$(count "$WORK/server.log" 'POST /apiops/auth/token')" = 2 ] || fail "the failing fixture ran more than once"
  ;;
captures)
  # 40 multi-step tests capture a variable of the same name with different values at the same
  # time; each must see only its own (steps stay in order inside one worker).
  start_refserver --latency-ms 20
  f="$WORK/cap.yaml"
  gen_header "$f" cap yes
  for i in $(seq 1 40); do
    cat >>"$f" <<EOF
  - id: CAP-$i
    name: test $i sees its own capture
    requires: [token]
    steps:
      - name: first
        request: { path: "\${hello_path}/n$i", headers: { Authorization: "Bearer \${access_token}" } }
        expect: { status: 200 }
        capture: { who: { body: "^Hello (.*)\$" } }
      - name: second
        request: { path: "\${hello_path}/\${who}-again", headers: { Authorization: "Bearer \${access_token}" } }
        expect: { status: 200, body: { equals: "Hello n$i-again" } }
      - name: third
        request: { path: "\${hello_path}/\${who}-last", headers: { Authorization: "Bearer \${access_token}" } }
        expect: { status: 200, body: { equals: "Hello n$i-last" } }
EOF
  done
  ac cap 0 --suite "$HERE/suite.yaml" --target "$TARGET" -j 8 "$f"
  [ "$(count "$WORK/cap.tap" '^ok [0-9]+ - CAP-')" = 40 ] || fail "a test saw another test's capture"
  check_tap_order "$WORK/cap.tap"
  # per test, the server saw first, second, third in that order
  for i in 1 17 40; do
    grep -E "/hello/n$i(-again|-last)? " "$WORK/server.log" | sed -E "s/.*hello\/n$i([a-z-]*) .*/\1/" | tr '\n' ' ' >"$WORK/order"
    [ "$(cat "$WORK/order")" = " -again -last " ] || fail "steps of CAP-$i out of order: $(cat "$WORK/order")"
  done
  ;;
fail-fast)
  # Test 3 of 30 fails; with 4 workers on a slow server, scheduling stops, running tests finish,
  # every started test is reported in plan order (1..k, no gap), then Bail out!.
  start_refserver --latency-ms 100
  f="$WORK/ff.yaml"
  gen_header "$f" ff
  for i in $(seq 1 30); do
    want=200; [ "$i" = 3 ] && want=418
    printf '  - id: FF-%s\n    name: test %s\n    request: { path: "${health_path}" }\n    expect: { status: %s }\n' "$i" "$i" "$want" >>"$f"
  done
  ac ff 1 --suite "$HERE/suite.yaml" --target "$TARGET" -j 4 --fail-fast "$f"
  validate_junit "$WORK/ff.xml"
  check_tap_order "$WORK/ff.tap"
  expect_in "$WORK/ff.tap" '^not ok 3 - FF-3 '
  expect_in "$WORK/ff.tap" '^Bail out! --fail-fast: FF-3 failed'
  n=$(count "$WORK/ff.tap" '^(not )?ok [0-9]+ - FF-')
  expect_in "$WORK/ff.tap" "^ok $((n + 1)) - coverage\$"   # numbered after the last test reported
  [ "$n" -ge 3 ] && [ "$n" -lt 30 ] || fail "$n tests reported: expected the started ones only"
  expect_in "$WORK/ff.xml" 'stopped_early'
  # the same with -j 1: exactly the first three
  ac ff1 1 --suite "$HERE/suite.yaml" --target "$TARGET" -j 1 --fail-fast "$f"
  [ "$(count "$WORK/ff1.tap" '^(not )?ok [0-9]+ - FF-')" = 3 ] || fail "-j 1 --fail-fast reported more than 3 tests"
  # the coverage point, then the bail-out, last
  [ "$(tail -n 2 "$WORK/ff1.tap" | head -n 1)" = '  ...' ] && [ "$(grep -E '^(not )?ok ' "$WORK/ff1.tap" | tail -n 1)" = 'ok 4 - coverage' ] ||
    fail "-j 1 --fail-fast: the coverage point is not the last before Bail out!"
  tail -n 1 "$WORK/ff1.tap" | grep -q '^Bail out! ' || fail "-j 1 --fail-fast: Bail out! is not last"
  ;;
unreachable)
  start_refserver
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
  f="$WORK/un.yaml"
  gen_header "$f" un
  for i in $(seq 1 30); do
    printf '  - id: UN-%s\n    name: test %s\n    request: { path: "${health_path}" }\n    expect: { status: 200 }\n' "$i" "$i" >>"$f"
  done
  ac un 3 --suite "$HERE/suite.yaml" --target "$TARGET" -j 8 "$f"
  validate_junit "$WORK/un.xml"
  check_tap_order "$WORK/un.tap"
  expect_in "$WORK/un.tap" '^Bail out! target unreachable'
  expect_not_in "$WORK/un.tap" '^ok [0-9]+ - UN-'
  ;;
deadline)
  start_refserver --latency-ms 200
  f="$WORK/dl.yaml"
  gen_header "$f" dl
  for i in $(seq 1 40); do
    printf '  - id: DL-%s\n    name: test %s\n    request: { path: "${health_path}" }\n    expect: { status: 200 }\n' "$i" "$i" >>"$f"
  done
  ac dl 1 --suite "$HERE/suite.yaml" --target "$TARGET" -j 4 --run-deadline 0.3 "$f"
  check_tap_order "$WORK/dl.tap"
  validate_junit "$WORK/dl.xml"
  expect_in "$WORK/dl.tap" '^Bail out! run deadline of 0.3 s reached'
  n=$(count "$WORK/dl.tap" '^ok [0-9]+ - DL-')
  [ "$n" -ge 1 ] && [ "$n" -lt 40 ] || fail "$n tests reported"
  ;;
shard)
  # --shard K/N partitions the plan: the union is the whole plan, no test twice, whole files
  # per shard, the same answer every time.
  export APINIZER_USERNAME=x
  "$AC" --list --include slow,intrusive | cut -f1 | sort >"$WORK/all"
  [ -s "$WORK/all" ] || fail "empty plan"
  for n in 1 2 3 4 7; do
    : >"$WORK/union"
    for k in $(seq 1 "$n"); do
      "$AC" --list --include slow,intrusive --shard "$k/$n" | cut -f1 >"$WORK/s$k" || fail "--shard $k/$n failed"
      "$AC" --list --include slow,intrusive --shard "$k/$n" | cut -f1 | cmp -s - "$WORK/s$k" || fail "--shard $k/$n not deterministic"
      [ -s "$WORK/s$k" ] || fail "shard $k/$n is empty"
      cat "$WORK/s$k" >>"$WORK/union"
    done
    sort "$WORK/union" | diff - "$WORK/all" >/dev/null || fail "shards of $n are not a partition of the plan"
  done
  # whole files: every shard of 3 holds all or none of a file's tests
  "$AC" --list --include slow,intrusive --shard 2/3 | cut -f1 >"$WORK/s2"
  for id in ISSUE-OK BEARER-OK HEALTH-OK; do
    if grep -qx "$id" "$WORK/s2"; then
      prefix=${id%%-*}
      [ "$(grep -c "^$prefix-" "$WORK/s2")" = "$(grep -c "^$prefix-" "$WORK/all")" ] || fail "$prefix tests split across shards"
    fi
  done
  # filters apply before sharding, and more shards than files is a usage error
  "$AC" --list --tags health --shard 2/2 >"$WORK/x" 2>"$WORK/x.err"; [ $? = 2 ] || fail "an empty shard is not a usage error"
  expect_in "$WORK/x.err" 'shard 2/2 is empty'
  "$AC" --list --shard 3/2 >/dev/null 2>&1; [ $? = 2 ] || fail "--shard 3/2 accepted"
  "$AC" --list --shard 1/0 >/dev/null 2>&1; [ $? = 2 ] || fail "--shard 1/0 accepted"
  ;;
merge)
  # Shards of the bundled suite run separately, then merged: the merged JUnit validates and holds
  # exactly the test cases of an unsharded run, with re-summed counts.
  start_refserver
  export AC_REPORT_DETERMINISTIC=1
  ac_bundled whole 0 --include intrusive --skip-tags slow --json "$WORK/whole.json"
  for k in 1 2 3; do
    ac_bundled "s$k" 0 --include intrusive --skip-tags slow --shard "$k/3" -j 2 --json "$WORK/s$k.json"
    validate_junit "$WORK/s$k.xml"
  done
  "$AC" merge --junit "$WORK/merged.xml" --json "$WORK/merged.json" "$WORK"/s[123].xml "$WORK"/s[123].json \
    2>"$WORK/merge.err" || { cat "$WORK/merge.err"; fail "merge failed"; }
  validate_junit "$WORK/merged.xml"
  # records give every report through the writers: the merged HTML holds every test and the
  # evidence (the run records' details) of the shards
  "$AC" merge --html "$WORK/merged.html" "$WORK"/s[123].json 2>"$WORK/mh.err" || { cat "$WORK/mh.err"; fail "merge --html"; }
  for id in ISSUE-OK BEARER-OK HEALTH-OK; do expect_in "$WORK/merged.html" "$id"; done
  "$AC" merge --html "$WORK/x.html" "$WORK"/s[123].xml 2>"$WORK/mx.err"; [ $? = 2 ] || fail "merge --html from JUnit only"
  expect_in "$WORK/mx.err" 'need run records'
  # the merged record: valid, the same tests and counts as the unsharded run's
  if python3 -c 'import jsonschema' 2>/dev/null; then
    python3 - "$TOP/docs/run-record.schema.json" "$WORK/merged.json" "$WORK/whole.json" <<'PY' || fail "merged run record"
import json, sys, jsonschema
schema, merged, whole = (json.load(open(p)) for p in sys.argv[1:4])
jsonschema.validate(merged, schema)
assert sorted(t["id"] for t in merged["tests"]) == sorted(t["id"] for t in whole["tests"]), "test ids differ"
for k in ("total", "pass", "fail", "warn", "error", "skip", "not_run", "exit_code"):
    assert merged["summary"][k] == whole["summary"][k], k
assert merged["merged_shards"] == ["1/3", "2/3", "3/3"] and merged["options"]["shard"] is None
PY
  elif [ -n "${CI:-}" ]; then fail "python3 jsonschema missing"; fi
  "$AC" diff "$WORK/whole.json" "$WORK/merged.json" >/dev/null 2>&1 || fail "diff of the merged record against the unsharded one found a new failure"
  "$AC" merge --json "$WORK/m5.json" "$WORK/s1.json" "$WORK/s1.json" 2>"$WORK/m5.err"; [ $? = 2 ] || fail "overlapping records merged"
  grep -o '<testcase classname="[^"]*" name="[^"]*"' "$WORK/whole.xml" | sort >"$WORK/whole.cases"
  grep -o '<testcase classname="[^"]*" name="[^"]*"' "$WORK/merged.xml" | sort >"$WORK/merged.cases"
  diff "$WORK/whole.cases" "$WORK/merged.cases" || fail "merged test cases differ from the unsharded run"
  root() { sed -n 's/.*<testsuites name="authconform" tests="\([0-9]*\)" failures="\([0-9]*\)" errors="\([0-9]*\)".*/\1 \2 \3/p' "$1"; }
  [ "$(root "$WORK/whole.xml")" = "$(root "$WORK/merged.xml")" ] || fail "root counts: $(root "$WORK/merged.xml") vs $(root "$WORK/whole.xml")"
  # each suite's counts equal the unsharded run's
  suites() { grep -o '<testsuite name="[^"]*" tests="[0-9]*" failures="[0-9]*" errors="[0-9]*" skipped="[0-9]*"' "$1" | sort; }
  diff <(suites "$WORK/whole.xml") <(suites "$WORK/merged.xml") || fail "suite counts differ"
  # a failing shard stays failing after the merge; overlapping inputs are refused
  f="$WORK/mf.yaml"; gen_header "$f" mf
  printf '  - id: MF-1\n    name: fails\n    request: { path: "${health_path}" }\n    expect: { status: 418 }\n' >>"$f"
  ac mf 1 --suite "$HERE/suite.yaml" --target "$TARGET" "$f"
  "$AC" merge --junit "$WORK/merged2.xml" "$WORK/s1.xml" "$WORK/mf.xml" 2>/dev/null || fail "merge with a failing shard failed"
  validate_junit "$WORK/merged2.xml"
  expect_in "$WORK/merged2.xml" '<testsuites name="authconform" tests="[0-9]+" failures="1"'
  "$AC" merge --junit "$WORK/merged3.xml" "$WORK/s1.xml" "$WORK/s1.xml" 2>"$WORK/m3.err"; [ $? = 2 ] || fail "overlapping inputs merged"
  expect_in "$WORK/m3.err" 'overlap'
  echo 'not xml' >"$WORK/bad.xml"
  "$AC" merge --junit "$WORK/merged4.xml" "$WORK/bad.xml" 2>/dev/null; [ $? = 2 ] || fail "garbage merged"
  [ ! -e "$WORK/merged4.xml" ] || fail "a failed merge left an output file"
  ;;
throttle)
  # A 429 is a skip quoting Retry-After, never a pass or a failure: lock the throwaway account
  # out (refserver --throttle 1: one failed login locks a client_id for 60 s), then run the
  # bundled load cases, which use that account.
  start_refserver --throttle 1
  f="$WORK/lock.yaml"; gen_header "$f" lock
  printf '  - id: LOCK\n    name: one failed login\n    request: { method: POST, path: "${token_path}", form: { grant_type: client_credentials, client_id: throwaway, client_secret: wrong-password-123 } }\n    expect: { status: 401 }\n' >>"$f"
  ac lock 0 --suite "$HERE/suite.yaml" --target "$TARGET" "$f"
  ac_bundled load 1 --include intrusive --tags load -j 2
  expect_in "$WORK/load.tap" '^ok [0-9]+ - LOAD-ISSUE-CONCURRENT .*# SKIP rate limited \(429\), Retry-After: [0-9]+'
  expect_in "$WORK/load.tap" '^ok [0-9]+ - LOAD-USE-CONCURRENT .*# SKIP fixture throwaway_token: rate limited \(429\), Retry-After: [0-9]+'
  expect_in "$WORK/load.xml" '<skipped message="rate limited \(429\)'
  validate_junit "$WORK/load.xml"
  ;;
*)
  fail "unknown scenario $SCENARIO"
  ;;
esac
echo "ok - parallel $SCENARIO"
