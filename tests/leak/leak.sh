#!/usr/bin/env bash
# Redaction everywhere: runs authconform with every secret configured and searches every output
# for every secret in every form (scan_secrets.py). One scenario per invocation:
#   leak.sh AUTHCONFORM REFSERVER HOSTILE_SERVER SOURCE_DIR SCENARIO
# suite    the whole bundled suite, -v, --include slow,intrusive, every variable set (as
#          scripts/main-job does), TAP 14, JUnit (and JSON/HTML/events when the program offers
#          them, and every report `authconform report` rebuilds from the events file), console,
#          against a reference server started with --log FILE --log-tokens: every
#          token it issued is searched for too
# deviant  the same against a reference server with deliberate defects switched on, so that
#          many tests fail and -v prints their transcripts (tokens, altered tokens, Basic
#          credentials, passwords in URLs)
# cluster  the same against a reference cluster (--cluster 3, one --node per node) whose last
#          node signs with its own key, so cluster tests fail per node and the per-node sections
#          (JUnit system-out, TAP nodes:, HTML table, record) carry transcripts of every node
# echo     the same against hostile-server --mode echo-secrets, which answers every request
#          with a 401 echoing its Authorization header, target, body and decoded form fields
#          (raw, JSON-escaped, in headers)
# lint     `lint` on a case file whose error lines hold the configured password and literal
#          credentials; a run whose vars file has a syntax error next to a secret; --var errors
set -u
AC=$1 REF=$2 HS=$3 TOP=$4 SCENARIO=$5
NAME="leak.$SCENARIO"
WORK=$(mktemp -d -t ac-leak.XXXXXX)
# shellcheck source=../hostile/common.sh
. "$TOP/tests/hostile/common.sh"
trap cleanup EXIT
SCAN="$TOP/tests/leak/scan_secrets.py"
command -v python3 >/dev/null || { [ -n "${CI:-}" ] && fail "python3 missing"; echo "SKIP: python3 missing"; exit 77; }

# Passwords with every character an encoder treats specially; random per run, never printed.
rnd() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
MAIN_PW="Main pw \"q\" /+&=%é\\-$(rnd)"
SHORT_PW="Expiry+pw/&=?#-$(rnd)"
THROW_PW="Throw away é%20-$(rnd)"
LIMITED_PW="Limited \"pw\" /+&=%é:-$(rnd)"   # the permission checks' account (no roles)
printf '%s\n' "$MAIN_PW" "$SHORT_PW" "$THROW_PW" "$LIMITED_PW" >"$WORK/secrets"
printf '%s\n' "ci:$MAIN_PW" "ci-expiry:$SHORT_PW" "ci-throwaway:$THROW_PW" "ci-limited:$LIMITED_PW" >"$WORK/basic"
# It comes from a users file (a YAML single-quoted string: the password holds no ').
printf "%s\n" "- { username: ci-limited, password: '$LIMITED_PW', roles: [] }" >"$WORK/users.yaml"

# Extra report formats the program offers (the run record and HTML come from another change).
REPORT_ARGS=(--tap "$WORK/out.tap" --junit "$WORK/out.xml")
OUTPUTS=("$WORK/out.tap" "$WORK/out.xml")
help=$("$AC" --help)
for fmt in json html events; do
  if printf '%s\n' "$help" | grep -Eq -- "--$fmt FILE"; then
    REPORT_ARGS+=(--"$fmt" "$WORK/out.$fmt")
    OUTPUTS+=("$WORK/out.$fmt")
  fi
done

# rebuild: the reports `authconform report` writes from the events file (steps, checks and
# excerpts come back from it: they must come back redacted).
rebuild() {
  [ -f "$WORK/out.events" ] || return 0
  "$AC" report "$WORK/out.events" --tap "$WORK/rb.tap" --junit "$WORK/rb.xml" --json "$WORK/rb.json" \
    --html "$WORK/rb.html" >"$WORK/rb.stdout" 2>"$WORK/rb.stderr"
  local rc=$?
  [ "$rc" = "$RC" ] || { cat "$WORK/rb.stderr"; fail "report exited $rc, the run $RC"; }
  local n
  n=$(grep -c '^{"event":"test",' "$WORK/out.events")
  [ "$n" -ge 10 ] || fail "too few test lines in the events file"
  note "events file: $n test lines; TAP, JUnit, record and HTML rebuilt from it by 'report' (exit $rc)"
  OUTPUTS+=("$WORK/rb.tap" "$WORK/rb.xml" "$WORK/rb.json" "$WORK/rb.html" "$WORK/rb.stdout" "$WORK/rb.stderr")
}

# run_suite EXIT_ALLOWED... : the bundled suite with everything configured against $URL
# (EXTRA_ARGS: more options).
EXTRA_ARGS=()
run_suite() {
  export APINIZER_USERNAME=ci APINIZER_PASSWORD=$MAIN_PW
  export APINIZER_EXPIRY_USERNAME=ci-expiry APINIZER_EXPIRY_PASSWORD=$SHORT_PW
  export APINIZER_THROWAWAY_USERNAME=ci-throwaway APINIZER_THROWAWAY_PASSWORD=$THROW_PW
  export APINIZER_LIMITED_USERNAME=ci-limited APINIZER_LIMITED_PASSWORD=$LIMITED_PW
  export APINIZER_EXPIRED_TOKEN=$EXPIRED APINIZER_REVOKED_TOKEN=$REVOKED
  export APINIZER_REVOKE_COMMAND=$REVOKE_CMD
  run_timed "$WORK/ac" "$AC" --target "$URL/apiops" --include slow,intrusive -v --timeout 10 "${REPORT_ARGS[@]}" "${EXTRA_ARGS[@]}"
  OUTPUTS+=("$WORK/ac.stdout" "$WORK/ac.stderr")
  local ok=0 c
  for c in "$@"; do [ "$RC" = "$c" ] && ok=1; done
  [ $ok = 1 ] || { tail -20 "$WORK/ac.stderr"; fail "exit $RC, expected one of: $*"; }
  note "suite run: exit $RC in ${ELAPSED_MS} ms; $(tail -n 3 "$WORK/ac.stderr" | grep -E '^[A-Z]+: [0-9]+ passed' || true)"
  [ -s "$WORK/out.xml" ] || fail "no JUnit written"
  validate_tap "$WORK/out.tap"
  validate_junit "$WORK/out.xml"
  rebuild
}

start_refserver() {
  start_listener refserver "$REF" --port 0 --admin --log "$WORK/refserver.log" --log-tokens \
    --user "ci:$MAIN_PW" --user "ci-expiry:$SHORT_PW:3" --user "ci-throwaway:$THROW_PW" \
    --users "$WORK/users.yaml" "$@"
  EXPIRED=$("$REF" admin mint --url "$URL" --username ci --kind expired) || fail "mint expired"
  REVOKED=$("$REF" admin mint --url "$URL" --username ci --kind revoked) || fail "mint revoked"
  printf '%s\n' "$EXPIRED" "$REVOKED" >>"$WORK/secrets"
  REVOKE_CMD="'$REF' admin revoke --url $URL"
}

scan() {
  local logarg=()
  [ -f "$WORK/refserver.log" ] && logarg=(--tokens-log "$WORK/refserver.log")
  python3 "$SCAN" --secrets "$WORK/secrets" --basic "$WORK/basic" "${logarg[@]}" "$@" || fail "a secret leaked"
}

case "$SCENARIO" in
suite)
  start_refserver
  run_suite 0 1
  n=$(grep -c 'access_token=' "$WORK/refserver.log")
  [ "$n" -ge 10 ] || fail "the reference server logged only $n tokens"
  scan "${OUTPUTS[@]}"
  ;;
deviant)
  # Defects that make tests fail with tokens, altered tokens and credentials in the transcript.
  want="bearer-alg-none bearer-signature-ignored bearer-truncated-accepted bearer-query-token bearer-scheme-any
        expiry-ignored revocation-ignored token-same-token token-get-any token-error-leak error-stack-trace
        cred-enumeration-body health-requires-auth"
  have=$("$REF" --list-deviations | cut -f1)
  args=()
  for d in $want; do printf '%s\n' "$have" | grep -qx -- "$d" && args+=(--deviate "$d"); done
  [ ${#args[@]} -ge 3 ] || fail "too few of the wanted deviations exist: ${args[*]}"
  note "deviations: ${args[*]}"
  start_refserver "${args[@]}"
  EXTRA_ARGS=(--var revoke_wait=3)   # revocation-ignored: do not poll for the default 30 s
  run_suite 1
  nfail=$(grep -c '^not ok' "$WORK/out.tap")
  note "$nfail tests not ok (their transcripts are in the console, TAP and JUnit)"
  [ "$nfail" -ge 5 ] || fail "only $nfail failing tests: the deviations did not bite"
  scan "${OUTPUTS[@]}"
  ;;
cluster)
  start_refserver --cluster 3 --deviate node-own-key
  specs=$(cluster_nodes "$WORK/refserver.out" 3) || fail "the cluster's nodes: $(cat "$WORK/refserver.out")"
  nodes=()
  for spec in $specs; do nodes+=(--node "$spec"); done
  REVOKE_CMD="'$REF' admin revoke --url \${AUTHCONFORM_NODE_ADDR:+http://}\${AUTHCONFORM_NODE_ADDR:-$URL}"
  EXTRA_ARGS=("${nodes[@]}" --var revoke_wait=3)
  run_suite 1
  grep -q '^== node n3: ' "$WORK/out.xml" || fail "no per-node section in the JUnit report"
  note "$(grep -c '^not ok' "$WORK/out.tap") tests not ok, per-node sections in JUnit: $(grep -c '^== node ' "$WORK/out.xml")"
  scan "${OUTPUTS[@]}"
  ;;
echo)
  start_listener hostile "$HS" --mode echo-secrets
  EXPIRED="eyJhbGciOiJIUzI1NiJ9.eyJleHBpcmVkIjp0cnVlfQ.$(rnd)$(rnd)"
  REVOKED="eyJhbGciOiJIUzI1NiJ9.eyJyZXZva2VkIjp0cnVlfQ.$(rnd)$(rnd)"
  printf '%s\n' "$EXPIRED" "$REVOKED" >>"$WORK/secrets"
  REVOKE_CMD="true"
  URL_BASE=$URL
  URL=$URL_BASE
  run_suite 1
  n=$(grep -c 'redacted:' "$WORK/out.tap")
  note "$n redaction markers in the TAP report"
  [ "$n" -ge 5 ] || fail "too few redaction markers: the echo server's answers were not reported"
  scan "${OUTPUTS[@]}"
  ;;
oauth2)
  # The generic suite through --issuer against the rfc flavour, with defects that make tests
  # fail with -v transcripts: HTTP Basic carries the form-encoded secret (RFC 6749 appendix B),
  # so that encoding inside base64 is searched for too.
  start_refserver --flavor rfc --deviate revoke-noop --deviate introspect-garbage-active \
    --deviate token-pragma-missing --deviate bearer-alg-none
  enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="-._~"))' "$MAIN_PW")
  printf '%s\n' "ci:$enc" "ci-throwaway:$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="-._~"))' "$THROW_PW")" >>"$WORK/basic"
  export AUTHCONFORM_CLIENT_ID=ci AUTHCONFORM_CLIENT_SECRET=$MAIN_PW
  export AUTHCONFORM_SECOND_CLIENT_ID=ci-throwaway AUTHCONFORM_SECOND_CLIENT_SECRET=$THROW_PW
  run_timed "$WORK/ac" "$AC" --issuer "$URL/apiops" --var resource_url="$URL/apiops/test/hello/x" \
    --var revoke_wait=3 -v --timeout 10 "${REPORT_ARGS[@]}"
  OUTPUTS+=("$WORK/ac.stdout" "$WORK/ac.stderr")
  [ "$RC" = 1 ] || { tail -20 "$WORK/ac.stderr"; fail "exit $RC, expected 1"; }
  nfail=$(grep -c '^not ok' "$WORK/out.tap")
  [ "$nfail" -ge 3 ] || fail "only $nfail failing tests: the deviations did not bite"
  note "generic suite: exit $RC, $nfail tests not ok"
  validate_tap "$WORK/out.tap"
  validate_junit "$WORK/out.xml"
  rebuild
  scan "${OUTPUTS[@]}"
  ;;
lint)
  export APINIZER_USERNAME=ci APINIZER_PASSWORD=$MAIN_PW
  tok="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.$(rnd)$(rnd)"
  csec="literal-client-secret-$(rnd)"
  printf '%s\n' "$tok" "$csec" >>"$WORK/secrets"
  esc_pw=$(printf '%s' "$MAIN_PW" | sed 's/\\/\\\\/g; s/"/\\"/g')
  cat >"$WORK/leaky.yaml" <<EOF
suite: leaky
tests:
  - id: LEAK-LINT-1
    name: an error on a line holding a literal Bearer token
    request: { path: x, headers: { Authorization: "Bearer $tok" }, bogus: 1 }
    expect: { status: 200 }
  - id: LEAK-LINT-2
    name: an error on a line holding the configured password and a literal client_secret
    request: { method: POST, path: x, form: { client_secret: "$csec", password: "$esc_pw", x: "\${nope}" } }
    expect: { status: 200, bad: "$esc_pw" }
  - id: LEAK-LINT-3
    name: an error message quoting a value that is the password
    request: { path: x }
    expect: { status: "$esc_pw" }
EOF
  run_timed "$WORK/lint" "$AC" lint "$WORK/leaky.yaml"
  [ "$RC" = 2 ] || { cat "$WORK/lint.stderr"; fail "lint exit $RC, expected 2"; }
  expect_in "$WORK/lint.stderr" 'leaky.yaml:5:[0-9]+: error: unknown key .bogus' "lint output"
  expect_in "$WORK/lint.stderr" "leaky.yaml:9:[0-9]+: error: .*nope" "lint output"
  n=$(grep -c 'error:' "$WORK/lint.stderr")
  note "lint: $n errors reported"
  # The same file in a run (not lint): the same diagnostics, exit 2, nothing sent.
  run_timed "$WORK/run" "$AC" --target http://127.0.0.1:9 "$WORK/leaky.yaml"
  [ "$RC" = 2 ] || { cat "$WORK/run.stderr"; fail "run exit $RC, expected 2"; }
  # A vars file with a syntax error next to a secret (same line and the line after).
  printf 'password: { value: "%s", secret: true } ]]\nthrowaway_password: "%s" "%s"\n' \
    "$esc_pw" "$(printf '%s' "$THROW_PW" | sed 's/"/\\"/g')" "$tok" >"$WORK/vars-broken.yaml"
  run_timed "$WORK/vars" "$AC" --target http://127.0.0.1:9 --vars-file "$WORK/vars-broken.yaml"
  [ "$RC" = 2 ] || { cat "$WORK/vars.stderr"; fail "vars run exit $RC, expected 2"; }
  expect_in "$WORK/vars.stderr" 'vars-broken.yaml:1:[0-9]+: error: ' "vars-file error"
  # A vars file that is valid YAML but wrong, holding secrets.
  printf -- '- "%s"\n- %s\n' "$esc_pw" "$tok" >"$WORK/vars-list.yaml"
  run_timed "$WORK/vars2" "$AC" --target http://127.0.0.1:9 --vars-file "$WORK/vars-list.yaml"
  [ "$RC" = 2 ] || { cat "$WORK/vars2.stderr"; fail "vars-list run exit $RC, expected 2"; }
  # --var with a bad name holding a secret value.
  run_timed "$WORK/var" "$AC" --target http://127.0.0.1:9 --var "bad-name=$tok" --var "=$csec"
  [ "$RC" = 2 ] || { cat "$WORK/var.stderr"; fail "--var run exit $RC, expected 2"; }
  expect_not_in "$WORK/var.stderr" 'literal-' "--var error (quotes the value)"
  scan "$WORK/lint.stdout" "$WORK/lint.stderr" "$WORK/run.stdout" "$WORK/run.stderr" "$WORK/vars.stdout" \
    "$WORK/vars.stderr" "$WORK/vars2.stderr" "$WORK/var.stderr"
  cat "$WORK/lint.stderr" "$WORK/vars.stderr" "$WORK/vars2.stderr" "$WORK/var.stderr" | sed 's/^/    | /' | head -40
  ;;
scanner)
  # The scanner itself: each planted form of a secret is found; a clean file has no hit.
  sec="Scanner \"secret\" /+&é-$(rnd)$(rnd)"
  printf '%s\n' "$sec" >"$WORK/secrets"
  printf '%s\n' "user:$sec" >"$WORK/basic"
  python3 - "$sec" "$WORK" <<'PY' || fail "cannot plant the forms"
import base64, json, sys, urllib.parse
s, w = sys.argv[1], sys.argv[2]
forms = {
    "raw": s,
    "urlencode-lower": urllib.parse.quote(s, safe="").replace("%2F", "%2f").replace("%C3", "%c3"),
    "form-urlencode": urllib.parse.quote_plus(s, safe=""),
    "json-ascii": json.dumps(s)[1:-1],
    "xml": s.replace("&", "&amp;").replace('"', "&quot;"),
    "base64-inside": base64.b64encode(b"xy" + s.encode() + b"z").decode(),
    "basic": "Basic " + base64.b64encode(("user:" + s).encode()).decode(),
    "fragment": "cut: " + s[3:26] + " ...",
}
for name, text in forms.items():
    open("%s/planted-%s.txt" % (w, name), "w", encoding="utf-8").write("before " + text + " after\n")
open(w + "/clean.txt", "w").write("nothing secret here: " + s[:7] + "\n")
PY
  for f in "$WORK"/planted-*.txt; do
    if python3 "$SCAN" --secrets "$WORK/secrets" --basic "$WORK/basic" "$f" >"$WORK/scan.out"; then
      cat "$WORK/scan.out"; fail "the scanner missed $(basename "$f")"
    fi
  done
  python3 "$SCAN" --secrets "$WORK/secrets" --basic "$WORK/basic" "$WORK/clean.txt" || fail "false positive"
  note "the scanner found all $(ls "$WORK"/planted-*.txt | wc -l) planted forms and nothing in a clean file"
  ;;
*)
  fail "unknown scenario $SCENARIO"
  ;;
esac
echo "ok - $NAME"
