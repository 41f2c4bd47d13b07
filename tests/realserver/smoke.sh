#!/usr/bin/env bash
# Smoke test of the real-server harness: glewlwyd and the test resource server started by
# glewlwyd.sh, then checked with curl: tokens by client_secret_basic and client_secret_post,
# the resource's RFC 6750 answers, introspection, and revocation seen by the resource.
#   smoke.sh RESOURCE_BIN
# Exit 77 (skip) when glewlwyd is not installed, unless CI is set: then that is a failure.
# Every process started is stopped on exit, whatever the outcome (KEEP_WORK=1 keeps the logs).
set -u
RES=${1:?usage: smoke.sh RESOURCE_BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/realserver/glewlwyd.sh
. "$HERE/glewlwyd.sh"

WORK=$(mktemp -d)
cleanup() {
  glewlwyd_stop "$WORK"
  if [ -n "${KEEP_WORK:-}" ]; then echo "# work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n=0
fail() {
  echo "not ok $((n + 1)) - $*"
  for f in glewlwyd.log resource.log; do
    [ -s "$WORK/$f" ] && { echo "# --- last lines of $f"; tail -n 10 "$WORK/$f" | sed 's/^/# /'; }
  done
  exit 1
}
pass() { n=$((n + 1)); echo "ok $n - $*"; }

# req NAME CURL_ARGS...: one request; status in $STATUS, headers in $WORK/NAME.h, body $WORK/NAME.b
req() {
  local name=$1; shift
  STATUS=$(curl -sS --max-time 10 -D "$WORK/$name.h" -o "$WORK/$name.b" -w '%{http_code}' "$@") ||
    fail "$name: curl failed (status '$STATUS')"
  tr -d '\r' <"$WORK/$name.h" >"$WORK/$name.h.tmp" && mv "$WORK/$name.h.tmp" "$WORK/$name.h"
}
# want NAME STATUS [HEADER_REGEX [BODY_REGEX]]: case-insensitive regexes (grep -Ei)
want() {
  local name=$1 status=$2 hre=${3:-} bre=${4:-}
  [ "$STATUS" = "$status" ] || fail "$name: status $STATUS, wanted $status; body: $(head -c 300 "$WORK/$name.b")"
  [ -z "$hre" ] || grep -Eiq -- "$hre" "$WORK/$name.h" ||
    fail "$name: no header matching /$hre/ in: $(tr '\n' '|' <"$WORK/$name.h")"
  [ -z "$bre" ] || grep -Eiq -- "$bre" "$WORK/$name.b" ||
    fail "$name: body lacks /$bre/: $(head -c 300 "$WORK/$name.b")"
}
json_str() { sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" "$2"; }
b64url_decode() {
  local s
  s=$(printf %s "$1" | tr '_-' '/+')
  case $((${#s} % 4)) in 2) s="$s==" ;; 3) s="$s=" ;; esac
  printf %s "$s" | base64 -d 2>/dev/null
}

START=$SECONDS
glewlwyd_start "$WORK" "$RES"
rc=$?
if [ $rc = 77 ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: glewlwyd is not installed and CI is set (scripts/setup --tests installs it)"; exit 1; fi
  echo "SKIP: glewlwyd is not installed (scripts/setup --tests installs it)"; exit 77
fi
[ $rc = 0 ] || fail "glewlwyd.sh start failed ($rc)"
# shellcheck source=/dev/null
. "$WORK/env"
pass "glewlwyd at $ISSUER, resource at $RESOURCE_URL (started in $((SECONDS - START)) s)"

req disco "$ISSUER/.well-known/openid-configuration"
want disco 200 '^content-type: application/json' "\"issuer\":\"${ISSUER//./\\.}\""
pass "discovery names the issuer $ISSUER"

# Token by client_secret_basic.
req basic -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials -d "scope=$SCOPE" "$TOKEN_ENDPOINT"
want basic 200 '^content-type: application/json' '"access_token" *: *"'
grep -Eiq '^cache-control: .*no-store' "$WORK/basic.h" || fail "basic: no Cache-Control: no-store"
[ "$(json_str token_type "$WORK/basic.b" | tr '[:upper:]' '[:lower:]')" = bearer ] || fail "basic: token_type is not bearer"
TOKEN=$(json_str access_token "$WORK/basic.b")
[ "$(printf %s "$TOKEN" | tr -cd . | wc -c)" = 2 ] || fail "access token is not a JWS compact JWT: ${TOKEN:0:40}"
JOSE=$(b64url_decode "${TOKEN%%.*}")
printf %s "$JOSE" | grep -q '"alg" *: *"RS256"' || fail "JWT header without alg RS256: $JOSE"
printf %s "$JOSE" | grep -q '"typ" *: *"at+jwt"' || fail "JWT header without typ at+jwt: $JOSE"
pass "client_secret_basic: 200, bearer RS256 JWT with typ at+jwt"

# Token by client_secret_post.
req post -d grant_type=client_credentials -d "scope=$SCOPE" -d "client_id=$CLIENT_ID" \
  --data-urlencode "client_secret=$CLIENT_SECRET" "$TOKEN_ENDPOINT"
want post 200 '^content-type: application/json' '"access_token" *: *"'
pass "client_secret_post: 200 with an access token"

req ok -H "Authorization: Bearer $TOKEN" "$RESOURCE_URL"
want ok 200 '^content-type: application/json' '^\{"ok":true\}$'
pass "resource with the token: 200 {\"ok\":true}"

req none "$RESOURCE_URL"
want none 401 '^www-authenticate: Bearer realm="authconform-test"$'
! grep -Eiq '^www-authenticate:.*error=' "$WORK/none.h" || fail "none: an error code without credentials"
pass "resource without a token: 401 with a Bearer challenge and no error code"

req garbage -H "Authorization: Bearer not-a-token-$RANDOM" "$RESOURCE_URL"
want garbage 401 '^www-authenticate: Bearer .*error="invalid_token"'
pass "resource with a garbage token: 401 invalid_token"

req empty -H "Authorization: Bearer" "$RESOURCE_URL"
want empty 400 '^www-authenticate: Bearer .*error="invalid_request"'
pass "resource with Bearer and no token: 400 invalid_request"

req intro -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode "token=$TOKEN" "$INTROSPECTION_ENDPOINT"
want intro 200 '^content-type: application/json' '"active" *: *true'
[ "$(json_str client_id "$WORK/intro.b")" = "$CLIENT_ID" ] || fail "introspection: client_id is not $CLIENT_ID"
pass "introspection of the live token by $CLIENT_ID: active true, client_id $CLIENT_ID"

req revoke -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode "token=$TOKEN" \
  -d token_type_hint=access_token "$REVOCATION_ENDPOINT"
want revoke 200
pass "revocation (RFC 7009) by $CLIENT_ID: 200"

# The resource must refuse the revoked token within a couple of seconds (it introspects every
# request, so at once in practice); the token itself is valid for $ACCESS_TOKEN_SECONDS s.
refused=""
for _ in $(seq 1 20); do
  req revoked -H "Authorization: Bearer $TOKEN" "$RESOURCE_URL"
  [ "$STATUS" = 401 ] && { refused=1; break; }
  sleep 0.1
done
[ -n "$refused" ] || fail "the resource still accepts the revoked token after 2 s (status $STATUS)"
want revoked 401 '^www-authenticate: Bearer .*error="invalid_token"'
req intro2 -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode "token=$TOKEN" "$INTROSPECTION_ENDPOINT"
want intro2 200 '' '"active" *: *false'
pass "revoked token: resource 401 invalid_token, introspection active false"

# With glewlwyd gone the resource cannot check tokens: 503, never 200.
kill -TERM "$GLEWLWYD_PID" 2>/dev/null
for _ in $(seq 1 50); do kill -0 "$GLEWLWYD_PID" 2>/dev/null || break; sleep 0.1; done
req down -H "Authorization: Bearer $TOKEN" "$RESOURCE_URL"
want down 503
pass "introspection unreachable: resource 503"

echo "1..$n"
echo "# $((SECONDS - START)) s"
