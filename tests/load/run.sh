#!/usr/bin/env bash
# The reference server under load (issue 4, point 5). Starts authconform-refserver on a free port
# and runs wrk (-t2 -c64 by default) against
#   token      POST auth/token with valid client credentials      (token.lua)
#   hello      GET test/hello/load with a valid Bearer token       (hello.lua)
#   malformed  33 malformed requests in rotation: bad form encoding, huge fields, invalid UTF-8,
#              NULs, broken Bearer headers, wrong methods          (malformed.lua)
# twice (round 1 warms the server up, round 2 must not grow it), and checks:
#   - token and hello: only 2xx answers, no socket errors;
#   - malformed: only 4xx answers (never a 2xx, 3xx or 5xx);
#   - the server still answers the health check after each run, and exits 0 on SIGTERM;
#   - memory: VmRSS (/proc/PID/status) at start, after round 1 and after round 2; round 2 may not
#     grow it by more than LOAD_MAX_GROWTH percent (default 20) of the round-1 figure.
# Prints requests/s and latency per run, the status counts and the RSS figures.
#
#   run.sh [--duration SECONDS] [--connections N] [--threads N] [--no-rss-check] [REFSERVER]
# Defaults: 30 s, 64 connections, 2 threads, $BUILD_DIR/refserver/authconform-refserver
# (BUILD_DIR defaults to build). --no-rss-check (for sanitizer builds, whose quarantine keeps
# freed memory) still reports the RSS figures. wrk missing: exit 77 (skip), or 1 when CI is set.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
duration=30 conns=64 threads=2 rss_check=1 ref=""
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-rss-check) rss_check=0; shift ;;
    -*) echo "usage: run.sh [--duration S] [--connections N] [--threads N] [--no-rss-check] [REFSERVER]" >&2; exit 2 ;;
    *) ref=$1; shift ;;
  esac
done
[ -n "$ref" ] || ref="$here/../../${BUILD_DIR:-build}/refserver/authconform-refserver"
max_growth=${LOAD_MAX_GROWTH:-20}

if ! command -v wrk >/dev/null 2>&1; then
  if [ -n "${CI:-}" ]; then
    echo "load: wrk is not installed and CI is set (scripts/setup --tests installs it)" >&2
    exit 1
  fi
  echo "load: wrk is not installed: skipped" >&2
  exit 77
fi
[ -x "$ref" ] || { echo "load: no reference server at $ref (build first)" >&2; exit 2; }

work=$(mktemp -d)
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pass=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
start_server base server --out "$work/server.log" --err "$work/server.log" -- \
  "$ref" --port 0 --user "load:$pass" || { echo "load: the reference server did not start" >&2; server=""; exit 1; }
port=${base##*:}

# One HTTP/1.1 exchange over bash's /dev/tcp (no curl needed): http METHOD PATH [BODY]; prints
# the raw answer.
http() {
  local body=${3:-}
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  if [ -n "$body" ]; then
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s' \
      "$1" "$2" "${#body}" "$body" >&3
  else
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" "$2" >&3
  fi
  timeout 10 cat <&3
  exec 3<&-
}
healthy() {
  local answer
  answer=$(http GET /apiops/test/healthcheck 2>/dev/null) || return 1
  case $answer in "HTTP/1.1 200"*) return 0 ;; *) return 1 ;; esac
}
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server/status"; }

token=$(http POST /apiops/auth/token "grant_type=client_credentials&client_id=load&client_secret=$pass" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "load: could not obtain a token" >&2; exit 1; }

export LOAD_LUA_DIR=$here LOAD_USER=load LOAD_PASS=$pass LOAD_TOKEN=$token LOAD_PREFIX=/apiops
fail=0
# run_wrk ROUND NAME SCRIPT PATH WANT: WANT is the only status class allowed (2xx or 4xx).
run_wrk() {
  local round=$1 name=$2 script=$3 path=$4 want=$5 out="$work/$1-$2.txt"
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency --timeout 10s -s "$here/$script" \
      "$base$path" >"$out" 2>&1
  local rc=$?
  local rps lat p99 total statuses codes sock
  rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$out")
  lat=$(awk '$1 == "Latency" && NF >= 4 { print $2 " avg, " $4 " max"; exit }' "$out")
  p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
  total=$(sed -n 's/^[[:space:]]*\([0-9]*\) requests in.*/\1/p' "$out")
  statuses=$(sed -n 's/^statuses: //p' "$out")
  codes=$(sed -n 's/^codes: //p' "$out")
  sock=$(sed -n 's/^[[:space:]]*Socket errors: //p' "$out")
  printf 'load: round %s %-9s %8s req/s  latency %s, p99 %s  %s requests  [%s]%s\n' \
    "$round" "$name" "${rps:-?}" "${lat:-?}" "${p99:-?}" "${total:-?}" "${codes:-no answers}" \
    "${sock:+  socket errors: $sock}"
  local bad=""
  [ $rc = 0 ] || bad="wrk exited $rc"
  [ -n "$statuses" ] || bad="no status counts (wrk script failed?)"
  [ "${total:-0}" -gt 0 ] 2>/dev/null || bad="no requests completed"
  for cls in 2xx 3xx 4xx 5xx other; do
    [ "$cls" = "$want" ] && continue
    n=$(sed -n "s/.*\b$cls=\([0-9]*\).*/\1/p" <<<"$statuses")
    [ "${n:-0}" = 0 ] || bad="${bad:+$bad; }$n answers $cls (only $want expected)"
  done
  if [ "$want" = 2xx ]; then
    [ -z "$sock" ] || bad="${bad:+$bad; }socket errors: $sock"
    grep -q 'Non-2xx or 3xx responses' "$out" && bad="${bad:+$bad; }$(grep 'Non-2xx' "$out" | sed 's/^ *//')"
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    bad="${bad:+$bad; }the server died"
  elif ! healthy; then
    bad="${bad:+$bad; }the server no longer answers the health check"
  fi
  if [ -n "$bad" ]; then
    echo "load: FAIL round $round $name: $bad" >&2
    cat "$out" >&2
    fail=1
  fi
}

healthy || { echo "load: the health check failed before any load" >&2; exit 1; }
rss0=$(rss_kb)
echo "load: wrk -t$threads -c$conns -d${duration}s against $base (pid $server); VmRSS at start ${rss0} kB"
declare -a rss
for round in 1 2; do
  run_wrk $round token token.lua /apiops/auth/token 2xx
  run_wrk $round hello hello.lua /apiops/test/hello/load 2xx
  run_wrk $round malformed malformed.lua / 4xx
  kill -0 "$server" 2>/dev/null || break
  sleep 1   # let connection threads finish and hand their memory back
  rss[$round]=$(rss_kb)
  echo "load: VmRSS after round $round: ${rss[$round]} kB"
done

if [ -n "${rss[1]:-}" ] && [ -n "${rss[2]:-}" ]; then
  growth=$(awk -v a="${rss[1]}" -v b="${rss[2]}" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
  echo "load: VmRSS start ${rss0} kB, after round 1 ${rss[1]} kB, after round 2 ${rss[2]} kB" \
       "(round 2 growth ${growth} %, limit ${max_growth} %)"
  if [ $rss_check = 1 ] &&
     awk -v g="$growth" -v m="$max_growth" 'BEGIN { exit !(g > m) }'; then
    echo "load: FAIL memory grew by ${growth} % in round 2 (limit ${max_growth} %)" >&2
    fail=1
  fi
fi

if kill -0 "$server" 2>/dev/null; then
  kill -TERM "$server"
  wait "$server"; rc=$?
  server=""
  if [ $rc != 0 ]; then
    echo "load: FAIL the server exited $rc on SIGTERM (expected 0)" >&2
    tail -20 "$work/server.log" >&2
    fail=1
  else
    echo "load: the server exited 0 on SIGTERM"
  fi
else
  echo "load: FAIL the server is gone:" >&2; tail -20 "$work/server.log" >&2; fail=1
fi
if grep -qi 'sanitizer\|runtime error' "$work/server.log"; then
  echo "load: FAIL sanitizer report from the server:" >&2; cat "$work/server.log" >&2; fail=1
fi
[ $fail = 0 ] && echo "load: passed"
exit $fail
