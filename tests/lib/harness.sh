# Shared by the shell test scripts that drive authconform against the reference server (source
# it after setting AC, REF and SCENARIO): a work directory removed on exit, the server started on
# 127.0.0.1 with a port it picks and stopped on exit, and assertions that print what they saw.
# Each script keeps only its scenarios.
# shellcheck source=server.sh
. "$(dirname "${BASH_SOURCE[0]}")/server.sh"
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  stop_servers
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

# start_refserver ARGS...: the reference server with the admin interface, alice:$PASSWORD and a
# request log in $WORK/server.log; sets SERVER_PID, PORT and URL.
start_refserver() {
  start_server URL SERVER_PID --out "$WORK/server.out" --err "$WORK/server.err" -- \
    "$REF" --port 0 --admin --user "alice:$PASSWORD" --log "$WORK/server.log" "$@" || fail "refserver did not start"
  PORT=${URL##*:}
}
