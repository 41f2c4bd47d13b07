# Shared by the shell test scripts that drive authconform against the reference server (source
# it after setting AC, REF and SCENARIO): a work directory removed on exit, the server started on
# 127.0.0.1 with a port it picks and stopped on exit, and assertions that print what they saw.
# Each script keeps only its scenarios.
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL [$SCENARIO]: $*" >&2; exit 1; }
expect_in() {   # FILE REGEX [what]
  grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} lacks /$2/"; }
}
expect_not_in() {   # FILE REGEX [what]
  ! grep -Eq -- "$2" "$1" || { echo "--- $1:"; grep -E -- "$2" "$1"; fail "${3:-$1} has /$2/"; }
}

# start_server ARGS...: the reference server with the admin interface, alice:$PASSWORD and a
# request log in $WORK/server.log; sets PORT and URL.
start_server() {
  "$REF" --port 0 --admin --user "alice:$PASSWORD" --log "$WORK/server.log" "$@" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.out")
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  [ -n "$PORT" ] || fail "refserver did not start: $(cat "$WORK/server.err")"
  URL="http://127.0.0.1:$PORT"
}
