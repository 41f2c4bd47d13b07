#!/bin/sh
# discovery: what --issuer does with metadata it cannot trust, against a fixed-answer server
# (static_server.py, python3). Each scenario checks the exit code, the message and, through the
# server's request log, what was and was not sent.
#
#   discovery.sh AUTHCONFORM SCENARIO
set -u
AC=$1
SCENARIO=$2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
# shellcheck source=../lib/server.sh
. "$HERE/../lib/server.sh"
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL ($SCENARIO): $*" >&2
  [ -f "$WORK/err" ] && sed 's/^/  | /' "$WORK/err" >&2
  [ -f "$WORK/requests" ] && sed 's/^/  request: /' "$WORK/requests" >&2
  exit 1
}
command -v python3 >/dev/null || {
  echo "python3 is missing" >&2
  [ -n "${CI:-}" ] && exit 1
  exit 77
}

# serve ROUTES_JSON: starts the server; sets BASE.
serve() {
  printf '%s\n' "$1" >"$WORK/routes.json"
  : >"$WORK/requests"
  start_server BASE PID --out "$WORK/server.out" --err "$WORK/server.out" -- \
    python3 "$HERE/static_server.py" "$WORK/routes.json" "$WORK/requests" || fail "the test server did not start"
}

# run ARGS...: authconform with a client configured; sets RC.
run() {
  AUTHCONFORM_CLIENT_ID=client AUTHCONFORM_CLIENT_SECRET=Secret-Of-The-Client-1 \
    "$AC" --no-color --tap none "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
}

J='application/json'
case $SCENARIO in
divert)
  # Metadata naming a token endpoint on another host: refused before anything else is sent.
  serve '{"/.well-known/oauth-authorization-server": [200, "'$J'",
    {"issuer": "BASE", "token_endpoint": "https://collector.example/token"}]}'
  run --issuer "$BASE"
  [ "$RC" = 2 ] || fail "exit $RC, expected 2"
  grep -q "token_endpoint https://collector.example/token is on host collector.example, not the issuer's host 127.0.0.1" "$WORK/err" ||
    fail "no message naming the foreign host"
  grep -q -- "--allow-endpoint-host collector.example" "$WORK/err" || fail "the message does not name the option"
  [ "$(grep -cv '^GET /.well-known/oauth-authorization-server$' "$WORK/requests")" = 0 ] ||
    fail "something besides the metadata was requested"
  ;;
divert-allowed)
  # The same, allowed: the run goes on (only the metadata test is selected: nothing goes out).
  serve '{"/.well-known/oauth-authorization-server": [200, "'$J'",
    {"issuer": "BASE", "token_endpoint": "https://collector.example/token"}]}'
  run --issuer "$BASE" --allow-endpoint-host collector.example --id O2-DISC-METADATA,O2-DISC-ISSUER
  [ "$RC" = 0 ] || fail "exit $RC, expected 0"
  grep -q "token_endpoint *https://collector.example/token" "$WORK/err" || fail "the resolved endpoint is not printed"
  ;;
plain-http)
  # A token endpoint over plain http off loopback never gets the secret.
  serve '{"/.well-known/oauth-authorization-server": [200, "'$J'",
    {"issuer": "BASE", "token_endpoint": "http://collector.example/token"}]}'
  run --issuer "$BASE" --allow-endpoint-host collector.example
  [ "$RC" = 2 ] || fail "exit $RC, expected 2"
  grep -q "is not https" "$WORK/err" || fail "no message about plain http"
  ;;
insecure-issuer)
  # An http issuer off loopback: refused before anything is sent (nothing listens there anyway).
  run --issuer http://as.example.invalid/t
  [ "$RC" = 2 ] || fail "exit $RC, expected 2"
  grep -q "an issuer must be an https URL" "$WORK/err" || fail "no message about the issuer's scheme"
  ;;
issuer-mismatch)
  # RFC 8414 3.3 is judged by O2-DISC-ISSUER; the OpenID fallback answers when 8414's does not.
  serve '{"/t/.well-known/openid-configuration": [200, "'$J'",
    {"issuer": "BASE/t/", "token_endpoint": "BASE/t/token"}]}'
  run --issuer "$BASE/t" --id O2-DISC-METADATA,O2-DISC-ISSUER
  [ "$RC" = 1 ] || fail "exit $RC, expected 1 (the issuer differs by a trailing slash)"
  grep -q "FAIL *O2-DISC-ISSUER" "$WORK/err" || fail "O2-DISC-ISSUER did not fail"
  grep -q "PASS *O2-DISC-METADATA" "$WORK/err" || fail "O2-DISC-METADATA did not pass"
  ;;
no-metadata)
  # No metadata at all: a warning, and every test that needs an endpoint is not configured, so
  # nothing was judged (exit 1, never a pass).
  serve '{}'
  run --issuer "$BASE" --id 'O2-DISC-*,O2-TOKEN-BASIC'
  [ "$RC" = 1 ] || fail "exit $RC, expected 1 (no must-level check ran)"
  grep -q "warning: no authorization server metadata for $BASE" "$WORK/err" || fail "no warning"
  grep -q "variable token_endpoint (AUTHCONFORM_TOKEN_ENDPOINT) is not set" "$WORK/err" ||
    fail "the gap does not name token_endpoint"
  ;;
resource-metadata)
  # Only the resource given: its RFC 9728 metadata names the issuer (on the same host).
  serve '{"/.well-known/oauth-protected-resource/api": [200, "'$J'",
      {"resource": "BASE/api", "authorization_servers": ["BASE/as"]}],
    "/.well-known/oauth-authorization-server/as": [200, "'$J'",
      {"issuer": "BASE/as", "token_endpoint": "BASE/as/token"}]}'
  run --suite oauth2 --var resource_url="$BASE/api" --id O2-DISC-METADATA,O2-DISC-ISSUER
  [ "$RC" = 0 ] || fail "exit $RC, expected 0"
  grep -q "names the issuer $BASE/as" "$WORK/err" || fail "the issuer from the resource metadata is not printed"
  ;;
resource-foreign-issuer)
  # A resource must not send the secret to an issuer on another host.
  serve '{"/.well-known/oauth-protected-resource/api": [200, "'$J'",
      {"resource": "BASE/api", "authorization_servers": ["https://collector.example/as"]}]}'
  run --suite oauth2 --var resource_url="$BASE/api"
  [ "$RC" = 2 ] || fail "exit $RC, expected 2"
  grep -q "names the issuer https://collector.example/as on host collector.example" "$WORK/err" || fail "no message"
  ;;
*)
  echo "unknown scenario $SCENARIO" >&2
  exit 2
  ;;
esac
echo "ok $SCENARIO"
