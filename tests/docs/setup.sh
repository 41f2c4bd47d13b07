#!/usr/bin/env bash
# scripts/setup's failures are visible, its success quiet (issue 12 point 9), through its
# tap-parser step alone (scripts/setup --only tap-parser DIR):
#   1. an npm that works: one "installing" line on stderr, nothing else;
#   2. an npm that fails with its own message: the message, where the log is, and what to check
#      (proxy, CA certificates, registry); exit non-zero;
#   3. the real npm against a registry that does not answer (127.0.0.1:9), when npm is installed.
#   setup.sh SOURCE_DIR WORK_DIR
set -u
SRC=$1 WORK=$2
fail() { echo "FAIL [docs.setup]: $*" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK/bin"
export TMPDIR=$WORK

# 1. quiet when it works
printf '#!/bin/sh\necho "added 12 packages in 1s"\n' >"$WORK/bin/npm"; chmod +x "$WORK/bin/npm"
PATH=$WORK/bin:$PATH bash "$SRC/scripts/setup" --only tap-parser "$WORK/tools" >"$WORK/ok.out" 2>"$WORK/ok.err" \
  || fail "setup --only tap-parser with a working npm exited $?: $(cat "$WORK/ok.err")"
[ "$(cat "$WORK/ok.out" "$WORK/ok.err")" = "setup: installing tap-parser@17 into $WORK/tools/" ] \
  || fail "the quiet path printed more than one line: $(cat "$WORK/ok.out" "$WORK/ok.err")"
! ls "$WORK"/authconform-setup-* >/dev/null 2>&1 || fail "a log was left behind after a success"
echo "ok - a working npm: one line"

# 2. a failing npm: its own error, the log, what to check
cat >"$WORK/bin/npm" <<'SH'
#!/bin/sh
echo "npm ERR! code SELF_SIGNED_CERT_IN_CHAIN" >&2
echo "npm ERR! request to https://registry.npmjs.org/tap-parser failed, reason: self-signed certificate in certificate chain" >&2
exit 1
SH
PATH=$WORK/bin:$PATH bash "$SRC/scripts/setup" --only tap-parser "$WORK/tools" >"$WORK/bad.out" 2>"$WORK/bad.err"
rc=$?
[ $rc != 0 ] || fail "setup succeeded with a failing npm"
for want in "npm install tap-parser@17 failed (exit 1)" "SELF_SIGNED_CERT_IN_CHAIN" \
            "self-signed certificate in certificate chain" "the whole output is in $WORK/authconform-setup-npm." \
            "check the proxy" "CA certificates" "NODE_EXTRA_CA_CERTS" "registry"; do
  grep -qF -- "$want" "$WORK/bad.err" || fail "the failure does not say '$want':
$(cat "$WORK/bad.err")"
done
log=$(sed -n 's/^setup: the whole output is in //p' "$WORK/bad.err")
grep -q SELF_SIGNED "$log" || fail "the log $log does not hold npm's output"
echo "ok - a failing npm: its error, the log and what to check"

# 3. the real npm, a registry that does not answer
if command -v npm >/dev/null; then
  rm -f "$WORK/bin/npm" "$WORK"/authconform-setup-*
  npm_config_registry=http://127.0.0.1:9/ npm_config_fetch_retries=0 npm_config_cache="$WORK/npm-cache" \
    timeout 120 bash "$SRC/scripts/setup" --only tap-parser "$WORK/tools" >"$WORK/real.out" 2>"$WORK/real.err"
  rc=$?
  [ $rc != 0 ] || fail "npm installed from a registry that does not answer?"
  grep -qF "npm install tap-parser@17 failed" "$WORK/real.err" || fail "no failure line: $(cat "$WORK/real.err")"
  grep -qE 'npm (ERR|error)' "$WORK/real.err" || fail "npm's own error is not shown: $(cat "$WORK/real.err")"
  grep -qF "127.0.0.1:9" "$WORK/real.err" || fail "the registry npm tried is not named: $(cat "$WORK/real.err")"
  echo "ok - the real npm against a dead registry: $(grep -m1 -E 'npm (ERR|error)' "$WORK/real.err")"
else
  echo "ok - # SKIP npm is not installed"
fi
