#!/bin/sh
# jwt_attacks.sh: the JWT attack checks (cases/jwt-attacks.yaml) against authconform-refserver.
#
#   jwt_attacks.sh requests|weak-secret AUTHCONFORM REFSERVER SOURCE_DIR
#
# requests     for each --alg (HS256, RS256, ES256), each JWT-* check alone against a correct
#              server with --log: the requests the server logged for the check itself (all but
#              the shared token fixture's login and the hello_opens control's 200) must equal the
#              count --list states (sixth column) where the check applies, and 0 where it does not;
#              and the run logs in exactly once
# weak-secret  JWT-WEAK-SECRET finds a server started with --signing-key secret (and one with
#              changeme, whose secret no output names), and nothing with the default random key
#              or with RS256 tokens (not applicable); it sends no request of its own
set -u
MODE=$1
AC=$2
RS=$3
SRC=$4
WORK=$(mktemp -d)
trap 'stop; rm -rf "$WORK"' EXIT
# shellcheck source=../lib/server.sh
. "$SRC/tests/lib/server.sh"
PID=
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# start ARGS...: a server with --log $WORK/log; sets URL.
start() {
  : >"$WORK/log"
  start_server URL PID --out "$WORK/out" --err "$WORK/err" -- \
    "$RS" --port 0 --user alice:Alice-Pw-1 --log "$WORK/log" "$@" || fail "the server did not start ($*)"
}

# run ID [ARGS...]: the check alone; the exit status in $RC, outputs in $WORK/run.*
run() {
  id=$1
  shift
  APINIZER_USERNAME=alice APINIZER_PASSWORD=Alice-Pw-1 APINIZER_JWKS_URL="$URL/apiops/auth/jwks.json" \
    "$AC" --suite "$SRC/suite/apinizer.yaml" --target "$URL/apiops" --id "$id" --include attack \
    --no-color --tap "$WORK/run.tap" --json "$WORK/run.json" "$@" >"$WORK/run.out" 2>"$WORK/run.err"
  RC=$?
}

requests() {
  # "ID BOUND": awk, since read would merge the empty controls column with its tabs.
  "$AC" --suite "$SRC/suite/apinizer.yaml" --list --include attack --tags jwt-attack |
    awk -F'\t' '{print $1, $6}' >"$WORK/list" || fail "--list"
  checked=0
  for alg in HS256 RS256 ES256; do
    while read -r id bound; do
      start --alg "$alg"
      run "$id"
      stop
      # A run whose only test does not apply exits 1 (nothing ran): that is the skip below.
      grep -q '^not ok 1 ' "$WORK/run.tap" &&
        fail "$id against a correct $alg server: exit $RC; $(cat "$WORK/run.err")"
      logins=$(grep -c ' POST /apiops/auth/token ' "$WORK/log")
      control=$(grep -c ' GET /apiops/test/hello/[^ ]* 200$' "$WORK/log")
      total=$(wc -l <"$WORK/log" | tr -d ' ')
      own=$((total - logins - control))
      if grep -q '^ok 1 - .* # SKIP' "$WORK/run.tap"; then want=0; else want=$bound; fi
      echo "$alg $id: $own requests (--list: $bound; want $want), $logins login(s)"
      [ "$logins" = 1 ] || fail "$id ($alg): $logins logins, want the shared fixture's one"
      [ "$own" = "$want" ] || fail "$id ($alg): the server logged $own requests of the check, want $want"
      [ "$own" -le "$bound" ] || fail "$id ($alg): $own requests, more than --list's $bound"
      checked=$((checked + 1))
    done <"$WORK/list"
  done
  echo "ok: $checked check runs matched the server's request log"
}

weak_secret() {
  start --signing-key secret
  run JWT-WEAK-SECRET
  stop
  [ "$RC" = 1 ] || fail "--signing-key secret: exit $RC, want 1 (JWT-WEAK-SECRET fails)"
  grep -q '^not ok 1 - JWT-WEAK-SECRET ' "$WORK/run.tap" || fail "--signing-key secret: not found"
  [ "$(wc -l <"$WORK/log" | tr -d ' ')" = 1 ] || fail "requests beyond the login: $(cat "$WORK/log")"
  start --signing-key changeme
  run JWT-WEAK-SECRET -v
  stop
  [ "$RC" = 1 ] || fail "--signing-key changeme: exit $RC, want 1"
  if grep -l 'changeme' "$WORK/run.tap" "$WORK/run.json" "$WORK/run.out" "$WORK/run.err"; then
    fail "a report names the matched secret"
  fi
  start
  run JWT-WEAK-SECRET
  stop
  [ "$RC" = 0 ] || fail "default random key: exit $RC, want 0"
  grep -q '^ok 1 - JWT-WEAK-SECRET ' "$WORK/run.tap" || fail "default key: not a pass"
  start --alg RS256
  run JWT-WEAK-SECRET
  stop
  grep -q '^ok 1 - JWT-WEAK-SECRET .*# SKIP.*HMAC' "$WORK/run.tap" || fail "RS256: not skipped as not HMAC"
  echo "ok: found with --signing-key secret and changeme (never printed), not with a random key, n/a for RS256"
}

case $MODE in
requests) requests ;;
weak-secret) weak_secret ;;
*) fail "unknown mode $MODE" ;;
esac
