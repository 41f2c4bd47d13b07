#!/usr/bin/env bash
# Hostile servers: authconform against one mode of hostile-server (see hostile_server.c).
#   hostile.sh AUTHCONFORM HOSTILE_SERVER SOURCE_DIR MODE
# For every mode: the run ends within its --timeout plus slack, the test has the right outcome
# and a clear one-line reason (TAP message, console line), the exit code is right, the TAP
# parses strictly, the JUnit validates, and no report holds a raw control byte.
#
# Exit codes (DESIGN section 8: "3: no HTTP response was ever received from the target"): a
# target that sends nothing (no-response), something that is not HTTP (garbage-status: a status
# line that does not start with "HTTP/" is not an HTTP response), nothing at all before the
# timeout (silent) or a certificate we cannot verify (self-signed) never gave an HTTP response,
# so the run stops with Bail out! and exit 3. Every mode that sends a status line first and
# breaks later (huge, slow, reset, chunked, bytes, headers) did answer: the test errors, exit 1;
# except that a complete status line and header block followed by a reset or a close
# (reset-mid-body, headers-then-reset, headers-then-close, bad-chunked) is judged on its status and
# headers, and only a check that needs the body is an error. A reset before any byte of an
# answer (reset-at-once) is no HTTP response: exit 3.
set -u
AC=$1 HS=$2 TOP=$3 MODE=$4
NAME="hostile.$MODE"
WORK=$(mktemp -d -t ac-hostile.XXXXXX)
# shellcheck source=common.sh
. "$TOP/tests/hostile/common.sh"
trap cleanup EXIT
CASES=$TOP/tests/hostile/cases
TIMEOUT=3            # --timeout for every run
SLACK_MS=2500        # allowed beyond it (process start, TLS, teardown)

# run_mode EXIT CASE [authconform args...]: runs the case against $URL, writes $WORK/out.*
run_mode() {
  local want=$1 case=$2; shift 2
  run_timed "$WORK/ac" "$AC" --suite none --target "$URL" --timeout "$TIMEOUT" -v \
    --tap "$WORK/out.tap" --junit "$WORK/out.xml" "$@" "$CASES/$case.yaml"
  note "$MODE: exit $RC in ${ELAPSED_MS} ms${MAXRSS_KB:+, peak RSS ${MAXRSS_KB} KB}"
  if [ "$RC" != "$want" ]; then
    cat "$WORK/ac.stderr"; cat "$WORK/out.tap" 2>/dev/null
    fail "exit $RC, expected $want"
  fi
  [ "$ELAPSED_MS" -le $((TIMEOUT * 1000 + SLACK_MS)) ] || fail "took ${ELAPSED_MS} ms (timeout ${TIMEOUT} s)"
  [ -s "$WORK/out.xml" ] || fail "no JUnit written"
  validate_tap "$WORK/out.tap"
  validate_junit "$WORK/out.xml"
  for f in "$WORK/out.tap" "$WORK/out.xml" "$WORK/ac.stderr" "$WORK/ac.stdout"; do check_clean_text "$f"; done
}

# expect_error REGEX: the first test is not ok, its TAP message and its console line carry the
# reason, on one line.
expect_reason() {
  local verdict=$1 re=$2
  expect_in "$WORK/out.tap" "^not ok 1 - " "TAP verdict"
  expect_in "$WORK/out.tap" "^  message: \".*$re" "TAP message"
  expect_in "$WORK/ac.stderr" "^  $verdict +HOSTILE-[A-Z-]+ .*: .*$re" "console line"
  expect_in "$WORK/out.xml" "<(error|failure) message=\"[^\"]*$re" "JUnit message"
  # one line: no newline inside the message, nor in the console line's reason
  expect_not_in "$WORK/out.tap" '^  message: ".*\\n' "TAP message (more than one line)"
  expect_not_in "$WORK/out.xml" '<(error|failure) message="[^"]*&#10;' "JUnit message (more than one line)"
}
expect_bail() {
  expect_in "$WORK/out.tap" "^Bail out! target unreachable: .*$1" "TAP bail-out"
  expect_in "$WORK/ac.stderr" "stopped early: target unreachable: .*$1" "console bail-out"
}

start_listener hostile "$HS" --mode "$MODE" --record "$WORK/record" --cert-out "$WORK/cert.pem"

case "$MODE" in
huge-body | huge-body-chunked)
  run_mode 1 get
  expect_reason ERROR 'response body larger than the limit of 1048576 bytes'
  # The body is refused in the write callback: memory stays far below the 100 MiB offered.
  if [ -n "$MAXRSS_KB" ]; then
    [ "$MAXRSS_KB" -lt 40960 ] || fail "peak RSS ${MAXRSS_KB} KB against a 100 MiB body"
  fi
  ;;
slow-body)
  run_mode 1 get
  expect_reason ERROR "timed out after $TIMEOUT s"
  [ "$ELAPSED_MS" -ge $((TIMEOUT * 1000 - 200)) ] || fail "gave up after ${ELAPSED_MS} ms, before the timeout"
  ;;
reset-mid-body)
  # The status line and headers arrived whole: they are judged; the evidence says the body did not.
  run_mode 0 get
  expect_in "$WORK/out.tap" '^ok 1 - HOSTILE-GET ' "TAP verdict"
  run_mode 1 refuse-huge-json
  expect_reason ERROR 'the connection was closed after the headers \(curl: .*(reset|Recv failure).*\); the body cannot be judged'
  ;;
headers-then-reset | headers-then-close)
  [ "$MODE" = headers-then-reset ] && cause='(reset|Recv failure)' || cause='(end of response|[0-9]+ bytes remaining)'
  # (1) status and headers judged: a pass that reports status 431, the cause in the evidence
  run_mode 0 refuse-huge --json "$WORK/out.json"
  expect_in "$WORK/out.tap" '^ok 1 - HOSTILE-REFUSE-HUGE ' "TAP verdict"
  python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tests"][0]; sys.exit(t["statuses"] != [431] or t["outcome"] != "pass")' \
    "$WORK/out.json" || fail "the run record does not show HOSTILE-REFUSE-HUGE passing with status 431"
  expect_in "$WORK/out.xml" "the connection was closed after the headers \(curl: [^)]*$cause" "JUnit evidence (cause)"
  # (2) a json check on that answer: an error naming the cause
  run_mode 1 refuse-huge-json
  expect_reason ERROR "json: the connection was closed after the headers \(curl: [^)]*$cause.*\); the body cannot be judged"
  expect_not_in "$WORK/out.tap" 'body is not JSON' "TAP (a fail instead of an error)"
  ;;
reset-at-once)
  # (3) a reset before any byte of an answer stays what it was: no HTTP response
  run_mode 3 refuse-huge
  expect_reason ERROR 'no HTTP response: .*(reset|Recv failure)'
  expect_bail '(reset|Recv failure)'
  ;;
bad-chunked)
  # Broken chunking after a complete head: the head is judged, a body check is an error.
  run_mode 0 get
  run_mode 1 refuse-huge-json
  expect_reason ERROR 'the connection was closed after the headers \(curl: .*chunk'
  ;;
bad-bytes)
  run_mode 1 bad-bytes
  expect_reason FAIL 'header X-Bad'
  # The bytes are shown, escaped: ESC, NUL and invalid UTF-8 as \x.., markup as text.
  expect_in "$WORK/out.tap" 'esc\[\\\\(x1b|u001b)\[31m\]' "TAP escaped ESC"
  expect_in "$WORK/out.tap" 'nul\[\\\\(x00|u0000)\]' "TAP escaped NUL"
  expect_in "$WORK/out.xml" '<script&gt;|&lt;script&gt;' "JUnit escaped markup"
  expect_in "$WORK/out.xml" ']]&gt;' "JUnit escaped ]]>"
  expect_not_in "$WORK/out.xml" 'CDATA' "JUnit"
  expect_in "$WORK/ac.stderr" 'nul\[\\(x00|u0000)\]' "console escaped NUL"
  ;;
nul-header)
  run_mode 1 get
  expect_reason ERROR 'transfer failed: Nul byte in header'
  ;;
huge-header | many-headers)
  run_mode 1 get
  expect_reason ERROR 'response headers larger than the limit of 65536 bytes'
  ;;
redirect-other-host)
  printf 'token: { value: "hostile-Bearer-Token-%s-abcdefghijklmnop", secret: true }\n' "$$" >"$WORK/vars.yaml"
  run_mode 0 redirect --vars-file "$WORK/vars.yaml"
  expect_in "$WORK/out.tap" '^ok 1 - HOSTILE-REDIRECT ' "TAP verdict"
  expect_in "$WORK/record" '^main GET /start authorization=yes$' "the first request (with the token)"
  expect_in "$WORK/record" '^other GET /landing authorization=no$' "the redirected request"
  expect_not_in "$WORK/record" '^other .*authorization=yes' "the other host's record (token leaked)"
  ;;
redirect-loop)
  run_mode 1 redirect-loop
  expect_reason ERROR 'Maximum \(10\) redirects followed'
  n=$(grep -c '^main GET /loop/' "$WORK/record")
  note "redirect-loop: $n requests for one test"
  [ "$n" -eq 11 ] || fail "$n requests: expected the first and 10 redirects"
  ;;
http10-close)
  run_mode 0 get
  expect_in "$WORK/out.tap" '^ok 1 - HOSTILE-GET ' "TAP verdict"
  ;;
garbage-status)
  run_mode 3 get
  expect_reason ERROR 'no HTTP response: the server answered something that is not HTTP'
  expect_bail 'not HTTP'
  ;;
no-response)
  run_mode 3 get
  expect_reason ERROR 'no HTTP response: the server closed the connection without answering'
  expect_bail 'closed the connection'
  ;;
silent)
  run_mode 3 get
  expect_reason ERROR "timed out after $TIMEOUT s"
  expect_bail 'timed out'
  [ "$ELAPSED_MS" -ge $((TIMEOUT * 1000 - 200)) ] || fail "gave up after ${ELAPSED_MS} ms, before the timeout"
  ;;
echo-secrets)
  tok="hostile-Echo-Token-$$-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  pw="pw \"q\" /+&=%é-$$-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf 'token: { value: "%s", secret: true }\nusername: echo-user\npassword: { value: "%s", secret: true }\n' \
    "$tok" "$(printf '%s' "$pw" | sed 's/"/\\"/g')" >"$WORK/vars.yaml"
  run_mode 1 echo-secrets --vars-file "$WORK/vars.yaml"
  expect_in "$WORK/out.tap" '^not ok 1 - HOSTILE-ECHO-BEARER ' "TAP verdict"
  expect_in "$WORK/out.tap" 'redacted:' "TAP (markers where the secrets were)"
  # Every form of every secret, in every output.
  printf '%s\n' "$tok" >"$WORK/secrets"
  printf '%s\n' "$pw" >>"$WORK/secrets"
  printf 'echo-user:%s\n' "$pw" >"$WORK/basic"
  python3 "$TOP/tests/leak/scan_secrets.py" --secrets "$WORK/secrets" --basic "$WORK/basic" \
    "$WORK/out.tap" "$WORK/out.xml" "$WORK/ac.stderr" "$WORK/ac.stdout" || fail "a secret leaked"
  grep -q 'echo-user:' "$WORK/hostile.err" && fail "unexpected server output"
  # Literals of a case file are secrets of their own test only, under -j 2 as under -j 1.
  for jobs in 1 2; do
    run_mode 1 literal-scope -j "$jobs"
    python3 - "$WORK/out.tap" <<'PY' || fail "literal redaction scope (-j $jobs)"
import re, sys
tap = open(sys.argv[1]).read()
blocks = dict(re.findall(r'^not ok \d+ - (LIT-[A-Z]+) .*?\n(.*?)(?=^(?:not )?ok )', tap, re.S | re.M))
lit = "case-literal-secret-0123"
ok = True
def need(cond, what):
    global ok
    if not cond:
        print("literal-scope: " + what, file=sys.stderr)
        ok = False
need(set(blocks) == {"LIT-STAR", "LIT-LONG", "LIT-LATER"}, "tests missing: %s" % sorted(blocks))
star, long_, later = (blocks.get(k, "") for k in ("LIT-STAR", "LIT-LONG", "LIT-LATER"))
need("client_secret=[redacted:" in star, "LIT-STAR: the literal sent as client_secret is not masked by name")
need(lit not in long_ and "[redacted:" in long_, "LIT-LONG: its own literal is shown")
need(lit in later, "LIT-LATER: another test's literal was redacted")
need("origin=*" in later or "origin=%2A" in later, "LIT-LATER: '*' was redacted")
need("[redacted:" not in later, "LIT-LATER: something was redacted")
sys.exit(0 if ok else 1)
PY
  done
  ;;
self-signed)
  run_mode 3 get
  expect_reason ERROR 'TLS failure: SSL certificate problem: self-signed certificate'
  expect_bail 'TLS failure'
  [ -s "$WORK/cert.pem" ] || fail "the server wrote no certificate"
  run_mode 0 get --cacert "$WORK/cert.pem"
  expect_in "$WORK/out.tap" '^ok 1 - HOSTILE-GET ' "TAP verdict with --cacert"
  ;;
*)
  fail "unknown mode $MODE"
  ;;
esac
echo "ok - $NAME"
