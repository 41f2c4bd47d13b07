#!/usr/bin/env bash
# valgrind.suite: one full integration run under valgrind memcheck. The bundled suite (with the
# slow and intrusive tests, everything configured as scripts/main-job does it: a normal account, a
# short-lived expiry account, a throwaway account, minted expired and revoked tokens, the revoke
# command) runs with authconform under memcheck against the reference server, which runs under
# memcheck too. Passes when neither program has a memcheck error or a definitely lost block
# (--errors-for-leak-kinds=definite), authconform exits 0 and the server exits 0 on SIGTERM.
#
#   suite.sh AUTHCONFORM REFSERVER
#
# valgrind missing: exit 77 (skip), or 1 when CI is set (CI must run it). VALGRIND_CMD="" runs
# the same thing without valgrind (for timing).
set -uo pipefail
ac=$1 ref=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/server.sh
. "$src/tests/lib/server.sh"

if [ -z "${VALGRIND_CMD+x}" ]; then
  if ! command -v valgrind >/dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then
      echo "valgrind.suite: valgrind is not installed and CI is set (scripts/setup --tests installs it)" >&2
      exit 1
    fi
    echo "valgrind.suite: valgrind is not installed: skipped" >&2
    exit 77
  fi
fi

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# memcheck settings shared by both programs; 99 is the error exit code we look for.
vg_common=(--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
           --show-leak-kinds=definite --num-callers=30 --track-fds=no)
if [ -n "${VALGRIND_CMD+x}" ]; then
  read -r -a vg_ac <<<"$VALGRIND_CMD"; vg_ref=("${vg_ac[@]}")
else
  vg_ac=(valgrind "${vg_common[@]}" --log-file="$work/vg-authconform.%p.log" --trace-children=no)
  vg_ref=(valgrind "${vg_common[@]}" --log-file="$work/vg-refserver.log")
fi

pw() { head -c 18 /dev/urandom | base64 | tr -d '/+=' ; }
MAIN_PW=$(pw) SHORT_PW=$(pw) THROW_PW=$(pw) LIMITED_PW=$(pw)
# The permission checks' account (no roles), from a users file.
printf '%s\n' "- { username: ci-limited, password: \"$LIMITED_PW\", roles: [] }" >"$work/users.yaml"

# Under memcheck the server takes seconds to come up: 30 s.
if ! start_server url server --out "$work/server.log" --err "$work/server.log" --timeout 30 -- \
  "${vg_ref[@]}" "$ref" --port 0 --admin --user "ci:$MAIN_PW" --user "ci-expiry:$SHORT_PW:3" \
  --user "ci-throwaway:$THROW_PW" --users "$work/users.yaml"; then
  echo "valgrind.suite: the reference server did not start" >&2
  cat "$work"/vg-*.log >&2 2>/dev/null
  server=""
  exit 1
fi

export APINIZER_USERNAME=ci APINIZER_PASSWORD=$MAIN_PW
export APINIZER_EXPIRY_USERNAME=ci-expiry APINIZER_EXPIRY_PASSWORD=$SHORT_PW
export APINIZER_THROWAWAY_USERNAME=ci-throwaway APINIZER_THROWAWAY_PASSWORD=$THROW_PW
export APINIZER_LIMITED_USERNAME=ci-limited APINIZER_LIMITED_PASSWORD=$LIMITED_PW
APINIZER_EXPIRED_TOKEN=$("$ref" admin mint --url "$url" --username ci --kind expired) || exit 1
APINIZER_REVOKED_TOKEN=$("$ref" admin mint --url "$url" --username ci --kind revoked) || exit 1
export APINIZER_EXPIRED_TOKEN APINIZER_REVOKED_TOKEN
export APINIZER_REVOKE_COMMAND="'$ref' admin revoke --url $url"

fail=0
start=$(date +%s)
(cd "$src" && "${vg_ac[@]}" "$ac" --target "$url/apiops" --include slow,intrusive \
   --tap "$work/results.tap" --junit "$work/junit.xml" >"$work/console.txt" 2>"$work/stderr.txt")
rc=$?
end=$(date +%s)
echo "valgrind.suite: authconform exit $rc after $((end - start)) s" \
     "($(grep -c '^ok ' "$work/results.tap" 2>/dev/null) ok," \
     "$(grep -c '^not ok ' "$work/results.tap" 2>/dev/null) not ok)"
if [ $rc = 99 ]; then
  echo "valgrind.suite: memcheck errors in authconform" >&2; fail=1
elif [ $rc != 0 ]; then
  echo "valgrind.suite: authconform exited $rc (expected 0):" >&2
  grep -A12 '^not ok' "$work/results.tap" >&2
  tail -20 "$work/stderr.txt" >&2; fail=1
fi

kill -TERM "$server"
wait "$server"; src_rc=$?
server=""
echo "valgrind.suite: reference server exit $src_rc on SIGTERM"
if [ $src_rc = 99 ]; then
  echo "valgrind.suite: memcheck errors in the reference server" >&2; fail=1
elif [ $src_rc != 0 ]; then
  echo "valgrind.suite: the reference server exited $src_rc on SIGTERM (expected 0)" >&2
  tail -20 "$work/server.log" >&2; fail=1
fi

# The summaries, and every error report in full when something failed. authconform forks for
# `run` steps (the revoke command); those children exec /bin/sh at once (valgrind does not follow
# them: --trace-children=no), so their logs end before any summary and are only counted.
children=0
for log in "$work"/vg-*.log; do
  [ -e "$log" ] || continue
  name=$(basename "$log" .log)
  if ! grep -q 'HEAP SUMMARY' "$log"; then
    if grep -q '^==[0-9]*== [A-Z].*\(Invalid\|uninitialised\|Mismatched\|overlap\)' "$log"; then
      fail=1; cat "$log" >&2
    fi
    children=$((children + 1)); continue
  fi
  errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
  def=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
  poss=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
  reach=$(sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
  allocs=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' "$log" | tail -1)
  echo "valgrind.suite: ${name%.*}: ${errs:-?} errors; definitely lost ${def:-0} bytes," \
       "possibly lost ${poss:-0}, still reachable ${reach:-0} (${allocs:-?} allocations)"
  if [ "${errs:-x}" != 0 ] || { [ -n "$def" ] && [ "$def" != 0 ]; }; then
    fail=1; cat "$log" >&2
  fi
done
[ $children -gt 0 ] && echo "valgrind.suite: $children forked child(ren) exec'd a command (not followed)"
[ $fail = 0 ] && echo "valgrind.suite: passed"
exit $fail
