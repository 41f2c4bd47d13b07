#!/usr/bin/env bash
# The generic OAuth2 suite against glewlwyd, a real third-party server, with only the values a
# user sets: the issuer, the client id and secret (environment), the resource URL and the scope
# glewlwyd requires. A second run adds the second client for the one check that needs it. The
# results that are not passes must be exactly the rows of glewlwyd-findings.md: a new finding,
# or one that vanished, fails this test (and the page must be updated with what changed).
#   conformance.sh AUTHCONFORM RESOURCE_BIN
# Exit 77 (skip) when glewlwyd is not installed, unless CI is set: then that is a failure.
set -u
AC=${1:?usage: conformance.sh AUTHCONFORM RESOURCE_BIN}
RES=${2:?usage: conformance.sh AUTHCONFORM RESOURCE_BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/realserver/glewlwyd.sh
. "$HERE/glewlwyd.sh"
FINDINGS=$HERE/glewlwyd-findings.md

WORK=$(mktemp -d)
cleanup() {
  glewlwyd_stop "$WORK"
  if [ -n "${KEEP_WORK:-}" ]; then echo "# work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

glewlwyd_start "$WORK" "$RES"
rc=$?
if [ $rc = 77 ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: glewlwyd is not installed and CI is set (scripts/setup --tests installs it)"; exit 1; fi
  echo "SKIP: glewlwyd is not installed (scripts/setup --tests installs it)"
  exit 77
fi
[ $rc = 0 ] || { echo "FAIL: glewlwyd did not start"; exit 1; }
# shellcheck disable=SC1091
. "$WORK/env"

# results RECORD RUN: "RUN ID OUTCOME" for every test that did not pass or skip, from a run record.
results() {
  python3 - "$1" "$2" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
for t in rec["tests"]:
    if t["outcome"] not in ("pass", "skip"):
        print(sys.argv[2], t["id"], t["outcome"])
PY
}

# Run 1: the four values and the scope; everything, slow tests included (tokens live 10 s). The
# scope checks get the test resource's path that needs scope extra (client1 may have it).
AUTHCONFORM_CLIENT_ID=$CLIENT_ID AUTHCONFORM_CLIENT_SECRET=$CLIENT_SECRET \
  AUTHCONFORM_SCOPED_RESOURCE_URL="$RESOURCE_URL/extra" AUTHCONFORM_REQUIRED_SCOPE=$EXTRA_SCOPE \
  "$AC" --issuer "$ISSUER" --var resource_url="$RESOURCE_URL" --var scope="$SCOPE" \
  --include slow --no-color --tap none --json "$WORK/four.json" 2>"$WORK/four.console"
rc1=$?
# Run 2: with the second client, the check between two clients.
AUTHCONFORM_CLIENT_ID=$CLIENT_ID AUTHCONFORM_CLIENT_SECRET=$CLIENT_SECRET \
  AUTHCONFORM_SECOND_CLIENT_ID=$SECOND_CLIENT_ID AUTHCONFORM_SECOND_CLIENT_SECRET=$SECOND_CLIENT_SECRET \
  "$AC" --issuer "$ISSUER" --var resource_url="$RESOURCE_URL" --var scope="$SCOPE" \
  --id O2-REVOKE-OTHER-CLIENT --no-color --tap none --json "$WORK/second.json" 2>"$WORK/second.console"
rc2=$?
sed 's/^/# /' "$WORK/four.console"
sed 's/^/# /' "$WORK/second.console"

{ results "$WORK/four.json" four; results "$WORK/second.json" second; } | sort >"$WORK/got"
# The page's table rows: | run | test | result | ... (the header and rule rows excluded).
awk -F'|' '/^\| *(four|second) *\|/ { gsub(/ /, "", $2); gsub(/[ `]/, "", $3); gsub(/ /, "", $4);
  print $2, $3, $4 }' "$FINDINGS" | sort >"$WORK/want"
bad=0
if ! cmp -s "$WORK/got" "$WORK/want"; then
  echo "FAIL: the results differ from $FINDINGS (< this run, > the page):"
  diff "$WORK/got" "$WORK/want"
  bad=1
fi
# Exit codes: run 1 has must-level failures (1); run 2 only a warning (0).
[ "$rc1" = 1 ] || { echo "FAIL: the four-value run exited $rc1, expected 1"; bad=1; }
[ "$rc2" = 0 ] || { echo "FAIL: the second-client run exited $rc2, expected 0"; bad=1; }
# The summary line the page quotes.
summary=$(grep -E '^[A-Z]+: [0-9]+ passed, ' "$WORK/four.console" | sed -E 's/ in [0-9.]+ s;/ in N s;/')
if [ -z "$summary" ]; then
  echo "FAIL: no summary line in the four-value run's console"; bad=1
elif ! grep -qF -- "$summary" "$FINDINGS"; then
  echo "FAIL: the page does not quote the summary line: $summary"; bad=1
fi
[ $bad = 0 ] && echo "ok: glewlwyd's results equal $FINDINGS"
exit $bad
