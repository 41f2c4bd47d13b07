# Shared helpers for the hostile, limits, leak and local tests (sourced, not run).
# The caller sets AC (the authconform binary), TOP (the source tree), WORK (a scratch directory
# it owns) and NAME (the test's name for messages), and calls cleanup on exit.

fail() { echo "FAIL [$NAME]: $*" >&2; exit 1; }
note() { echo "# $*"; }

# shellcheck source=../lib/server.sh
. "$TOP/tests/lib/server.sh"
SERVER_PIDS=()
cleanup() {
  stop_servers
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}

# start_listener NAME CMD... : starts a server that prints "listening on SCHEME://127.0.0.1:PORT"
# on stdout; sets PORT and URL (scheme://127.0.0.1:PORT) and appends its pid to SERVER_PIDS.
# Output goes to $WORK/NAME.out/.err.
start_listener() {
  local name=$1 pid; shift
  start_server URL pid --out "$WORK/$name.out" --err "$WORK/$name.err" -- "$@" || fail "$name did not start"
  SERVER_PIDS+=("$pid")
  PORT=${URL##*:}
}

# run_timed OUTPREFIX CMD... : runs CMD (bounded by `timeout 120`), stdout/stderr to
# OUTPREFIX.stdout/.stderr; sets RC, ELAPSED_MS and, when /usr/bin/time exists, MAXRSS_KB.
# RUN_TIMEOUT (default 120) bounds it; a timeout counts as a hang, a signal as a crash.
run_timed() {
  local pre=$1; shift
  local t0 t1
  MAXRSS_KB=""
  t0=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    timeout "${RUN_TIMEOUT:-120}" /usr/bin/time -o "$pre.rusage" -f '%M' "$@" >"$pre.stdout" 2>"$pre.stderr"
    RC=$?
    MAXRSS_KB=$(tail -n 1 "$pre.rusage" 2>/dev/null)
  else
    timeout "${RUN_TIMEOUT:-120}" "$@" >"$pre.stdout" 2>"$pre.stderr"
    RC=$?
  fi
  t1=$(date +%s%N)
  ELAPSED_MS=$(( (t1 - t0) / 1000000 ))
  [ "$RC" != 124 ] || fail "timed out (hang) after ${RUN_TIMEOUT:-120} s: $*"
  [ "$RC" -lt 128 ] || fail "killed by signal $((RC - 128)) (crash): $*"
}

expect_in() {   # FILE REGEX [what]
  grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} lacks /$2/"; }
}
expect_not_in() {
  ! grep -Eq -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "${3:-$1} has /$2/"; }
}

# JUnit against junit-10.xsd; TAP 14 with tap-parser --strict (CI set: both tools required).
validate_junit() {
  local f=$1 schema="$TOP/../shared/schemas/junit-10.xsd"
  [ -f "$schema" ] || schema="$TOP/tests/schemas/junit-10.xsd"
  if command -v xmllint >/dev/null; then
    xmllint --noout --schema "$schema" "$f" 2>"$WORK/xmllint.err" || { cat "$WORK/xmllint.err"; fail "$f: JUnit invalid"; }
  elif [ -n "${CI:-}" ]; then fail "xmllint missing (CI is set)"; else note "xmllint missing: JUnit not validated"; fi
}
validate_tap() {
  local f=$1 tp="$TOP/.tools/node_modules/.bin/tap-parser"
  if [ -x "$tp" ] && command -v node >/dev/null; then
    "$tp" --strict -j 0 <"$f" >"$f.json" 2>&1 || true
    [ -s "$f.json" ] || fail "$f: tap-parser wrote nothing"
    ! grep -q '"tapError":"' "$f.json" || { cat "$f"; grep -o '"tapError":"[^"]*"' "$f.json"; fail "$f: TAP invalid"; }
  elif [ -n "${CI:-}" ]; then fail "tap-parser missing (CI is set; run scripts/setup --tests)"
  else note "tap-parser missing: TAP not validated"; fi
}
# Valid UTF-8, no raw C0 (but tab and LF), DEL, CR or C1 control in a report or console file.
check_clean_text() {
  local f=$1
  iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || fail "$f is not valid UTF-8"
  if LC_ALL=C grep -aq "$(printf '[\001-\010\013\014\016-\037\177]')" "$f"; then
    LC_ALL=C grep -an "$(printf '[\001-\010\013\014\016-\037\177]')" "$f" | cat -A | head -5
    fail "$f contains a raw control character"
  fi
  if LC_ALL=C tr -d '\n' <"$f" | LC_ALL=C grep -aq "$(printf '\r')"; then fail "$f contains a raw CR"; fi
  if LC_ALL=C tr -d '\n' <"$f" | LC_ALL=C grep -aq "$(printf '\302[\200-\237]')"; then
    fail "$f contains a raw C1 control character"
  fi
  if [ "$(tr -d -c '\000' <"$f" | wc -c)" != 0 ]; then fail "$f contains a NUL byte"; fi
}
