#!/bin/sh
# proof: runs the bundled suite against authconform-refserver and proves that it passes a correct
# server (documented and rfc flavours) and catches every deliberate deviation with the test and at
# the level the deviation table (refserver/deviations.def, --list-deviations) names.
#
#   proof.sh MODE AUTHCONFORM REFSERVER SOURCE_DIR WORK_DIR
#
# MODE:
#   documented  the suite (--include slow,intrusive,attack) against the default server: exit 0, no
#               must-level failure, nothing skipped but the ids in EXPECTED_SKIPS, and at most
#               MAX_MAIN_FAILED_LOGINS failed logins of the main account (the server counts them)
#               and none of the limited account (the permission checks' second real account)
#   rfc         the same against --flavor rfc with --profile rfc
#   oauth2      the generic suite (suite/oauth2.yaml, read through --issuer) against --flavor rfc
#               --alg ES256: exit 0, no must-level failure, nothing skipped but O2-JWT-WEAK-SECRET
#               (HS* only), every must-level test judged
#   cluster     the same against a conformant --cluster 3 with one --node per node, so the
#               cluster checks (cases/cluster.yaml, CLUSTER-THROTTLE-SHARED) run too; once at -j 1
#               and once at -j 8: exit 0 and no cluster test skipped either time
#   deviations  one fresh server per deviation; the named catcher must fail at the named level
#               (must: plain "not ok" and exit 1; should: "not ok ... # TODO"). Prints a matrix.
#               The whole suite runs each time, with --include intrusive, without the slow tests
#               unless the catcher is one, and with revoke_wait=5. PROOF_JOBS runs at a time
#               (default 4); the output does not depend on it.
#   locked      the near-secret tests (CRED-NEAR-*) against a server whose throwaway account is
#               locked, so it refuses every login: each must fail at its control step instead of
#               passing on the refused variant, and the server must count exactly one failed
#               login of that account per test
#   coverage    every test id of the suite catches a deviation or is listed in uncatchable.txt,
#               docs/deviations.md's table is what --list-deviations generates, and the counts
#               README.md and docs/deviations.md state are the suite's (no server needed)
#   one NAME    the deviations mode's work for one deviation (xargs -P runs it; by hand it prints
#               the matrix row and keeps the run in WORK_DIR/NAME)
#
# Needs only POSIX sh, awk, sed, sort, xargs (-P) and the two programs: the server picks a free
# port (--port 0) and the script reads it from the server's "listening on" line.
set -u

die() {
  echo "proof: $*" >&2
  exit 2
}

[ $# -ge 5 ] || die "usage: proof.sh documented|rfc|deviations|locked|coverage AUTHCONFORM REFSERVER SOURCE_DIR WORK_DIR"
MODE=$1
AC=$2
RS=$3
SRC=$4
WORK=$5
shift 5
export AC RS SRC WORK
[ -x "$AC" ] || die "$AC: not executable"
[ -x "$RS" ] || die "$RS: not executable"
SUITE=$SRC/suite/apinizer.yaml
[ -f "$SUITE" ] || die "$SUITE: no such file"
# The generic OAuth2 suite (modes oauth2, and deviation rows of profile oauth2): the server runs
# --flavor rfc and the suite is read through --issuer; O2=1 switches run_suite to it.
SUITE_O2=$SRC/suite/oauth2.yaml
O2=
# Extra catchers in the generic suite for deviations the table assigns to the Apinizer suite:
# "DEVIATION CATCHER LEVEL" per line; deviations mode runs them as rows DEVIATION@CATCHER.
O2_CATCHERS=$SRC/tests/proof/oauth2-catchers.txt
# The JWT attack deviations' algorithms: "DEVIATION ALG..." per line; the first is the base row's
# --alg, each further one a row DEVIATION+ALG.
ALG_ROWS=$SRC/tests/proof/alg-rows.txt

# Ids the documented and rfc runs may skip (the refserver is reached over loopback, which X-HTTPS
# exempts). Anything else skipped means a variable or fixture stopped working.
# The default server signs HS256: the checks for public-key tokens do not apply.
EXPECTED_SKIPS="X-HTTPS JWT-ALG-CONFUSION JWT-PSYCHIC-SIGNATURE"
# The cluster checks need --node: against one server they are not applicable (never a gap).
CLUSTER_IDS="CLUSTER-HEALTH-EVERY-NODE CLUSTER-VERSION-HEADERS CLUSTER-TOKEN-EVERY-NODE CLUSTER-REVOKE-EVERY-NODE
CLUSTER-EXPIRED-EVERY-NODE CLUSTER-BAD-CREDENTIALS-AGREE CLUSTER-THROTTLE-SHARED"
# Deviations of profile cluster: the server runs --cluster 3 (the last node deviates) and the
# suite gets one --node per node (run_suite reads them from the server's listening lines).
CLUSTER_NODES=3
# The accounts every server gets. EXPIRY-WAIT sees a token refused at half its lifetime only when
# that lifetime exceeds 2 * (expiry_leeway + 1): shorty lives 6 s and every run sets
# expiry_leeway=1 (the refserver's clock is the runner's), so token-expires-early (refused from
# 3 s on) is caught, and 6 + 1 stays within the default max_wait of 10 s.
ALICE_PW=Alice-Passw0rd-123
SHORTY_PW=Shorty-Passw0rd-1
SHORTY_LIFETIME=6
THROWAWAY_PW=Throw-Away-Passw0rd-9
# The permission checks' limited account: no role (the refserver's projects/ then answers 403).
LIMITED_PW=Limited-Passw0rd-7
# The generic suite's client: a secret that form-encoding changes (RFC 6749 appendix B: id and
# secret are form-encoded inside HTTP Basic), and a lifetime short enough for the slow expiry
# checks (10 + expiry_leeway 1 within max_wait 20) and long enough for the revocation bound.
CAROL_PW='Carol Secret+%/&=1'
CAROL_LIFETIME=10
MAIN_USER=alice
SUITE_VARS="--var expiry_leeway=1"
# revocation-delayed would keep REVOKE-LIVE polling for the default 30 s.
DEVIATION_VARS="--var revoke_wait=5"
# DESIGN 4.7: failed logins against the real account stay below 3 per run (lock-out policies).
MAX_MAIN_FAILED_LOGINS=2
# How the throwaway account is added: the locked mode makes it --locked-user.
THROWAWAY_AS=--user

# shellcheck source=../lib/server.sh
. "$SRC/tests/lib/server.sh"
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
  fi
}
trap 'stop_server' EXIT
trap 'stop_server; exit 130' INT TERM

# start_refserver DIR [ARGS...]: starts a server, sets URL. Returns 1 when it does not come up.
start_refserver() {
  sdir=$1
  shift
  printf '%s\n' "- { username: limited, password: \"$LIMITED_PW\", roles: [] }" >"$sdir/users.yaml"
  start_server URL SERVER_PID --out "$sdir/server.out" --err "$sdir/server.err" -- \
    "$RS" --port 0 --admin --user "alice:$ALICE_PW" --user "shorty:$SHORTY_PW:$SHORTY_LIFETIME" \
    "$THROWAWAY_AS" "throwaway:$THROWAWAY_PW" --user "carol:$CAROL_PW:$CAROL_LIFETIME" \
    --users "$sdir/users.yaml" --throttle 10 "$@" && return 0
  echo "proof: the server did not start ($*)" >&2
  SERVER_PID=
  return 1
}

# run_suite DIR "SERVER ARGS" [AUTHCONFORM ARGS...]: a fresh server, every variable configured,
# one run of the suite. Leaves DIR/out.tap, DIR/console (the console report), DIR/rc and
# DIR/failed-logins (the server's "NAME<TAB>COUNT" lines after the run).
run_suite() {
  rdir=$1
  sargs=$2
  shift 2
  rm -rf "$rdir"
  mkdir -p "$rdir"
  # shellcheck disable=SC2086 # sargs holds words without blanks inside them
  start_refserver "$rdir" $sargs || {
    echo 99 >"$rdir/rc"
    return 1
  }
  if ! expired=$("$RS" admin mint --url "$URL" --username alice --kind expired) ||
    ! revoked=$("$RS" admin mint --url "$URL" --username alice --kind revoked); then
    echo "proof: admin mint failed against $URL" >&2
    stop_server
    echo 99 >"$rdir/rc"
    return 1
  fi
  # With --cluster each node becomes a --node (n1, n2, ...).
  n_nodes=0
  case " $sargs " in *" --cluster "*) n_nodes=$CLUSTER_NODES ;; esac
  node_args=
  for spec in $(cluster_nodes "$rdir/server.out" "$n_nodes"); do node_args="$node_args --node $spec"; done
  if [ -n "$O2" ]; then
    (
      export AUTHCONFORM_CLIENT_ID=carol AUTHCONFORM_CLIENT_SECRET="$CAROL_PW"
      export AUTHCONFORM_SECOND_CLIENT_ID=throwaway AUTHCONFORM_SECOND_CLIENT_SECRET="$THROWAWAY_PW"
      export AUTHCONFORM_RESOURCE_URL="$URL/apiops/test/hello/authconform"
      # The rfc flavour's resource that needs scope read (carol may be granted read and write).
      export AUTHCONFORM_SCOPED_RESOURCE_URL="$URL/apiops/test/scoped" AUTHCONFORM_REQUIRED_SCOPE=read
      # shellcheck disable=SC2086 # SUITE_VARS holds words without blanks inside them
      exec "$AC" --suite "$SUITE" --issuer "$URL/apiops" --no-color --tap "$rdir/out.tap" \
        --junit "$rdir/out.xml" $SUITE_VARS "$@" >"$rdir/stdout" 2>"$rdir/console"
    )
  else (
    export APINIZER_USERNAME=alice APINIZER_PASSWORD="$ALICE_PW"
    export APINIZER_EXPIRY_USERNAME=shorty APINIZER_EXPIRY_PASSWORD="$SHORTY_PW"
    export APINIZER_THROWAWAY_USERNAME=throwaway APINIZER_THROWAWAY_PASSWORD="$THROWAWAY_PW"
    export APINIZER_LIMITED_USERNAME=limited APINIZER_LIMITED_PASSWORD="$LIMITED_PW"
    export APINIZER_EXPIRED_TOKEN="$expired" APINIZER_REVOKED_TOKEN="$revoked"
    # Through the node the cluster check names (AUTHCONFORM_NODE_ADDR), else the target.
    export APINIZER_REVOKE_COMMAND="'$RS' admin revoke --url \${AUTHCONFORM_NODE_ADDR:+http://}\${AUTHCONFORM_NODE_ADDR:-$URL}"
    # With --alg RS256 or ES256 the server publishes its keys there (HS256: 404, never read).
    export APINIZER_JWKS_URL="$URL/apiops/auth/jwks.json"
    # shellcheck disable=SC2086 # SUITE_VARS holds words without blanks inside them
    # shellcheck disable=SC2086 # node_args holds words without blanks inside them
    exec "$AC" --suite "$SUITE" --target "$URL/apiops" --no-color --tap "$rdir/out.tap" \
      --junit "$rdir/out.xml" $node_args $SUITE_VARS "$@" >"$rdir/stdout" 2>"$rdir/console"
  ) fi
  echo $? >"$rdir/rc"
  "$RS" admin failed-logins --url "$URL" >"$rdir/failed-logins" ||
    echo "proof: admin failed-logins failed against $URL" >&2
  stop_server
  return 0
}

# failed_logins DIR NAME: the failed logins of account NAME in DIR's run (0 when none).
failed_logins() {
  awk -F'\t' -v n="$2" '$1 == n {c = $2} END {print c + 0}' "$1/failed-logins"
}

# results TAP: "ID STATUS" per top-level test point; STATUS is pass, skip, warn (not ok # TODO)
# or fail (not ok). Subtest lines are indented and ignored, and so is the last point, named
# just "coverage" (a test's description is "ID name"): coverage_status reads that one.
results() {
  awk '
    /^(not )?ok [0-9]+ - coverage$/ { next }
    /^(not )?ok [0-9]+ - / {
      notok = ($1 == "not")
      line = $0
      sub(/^(not )?ok [0-9]+ - /, "", line)
      id = line
      sub(/ .*/, "", id)
      if (notok) st = (index(line, " # TODO") ? "warn" : "fail")
      else st = (index(line, " # SKIP") ? "skip" : "pass")
      print id, st
    }' "$1"
}

# coverage_status TAP: "ok" or "not ok", the verdict of the coverage point; "absent" without one.
coverage_status() {
  awk '/^(not )?ok [0-9]+ - coverage$/ { st = ($1 == "not") ? "not ok" : "ok" }
       END { print (st == "" ? "absent" : st) }' "$1"
}

# errored CONSOLE: the ids the console report labels ERROR (TAP does not tell errors from
# failures: a test that could not run has not caught anything).
errored() {
  sed -n 's/^  ERROR *\([^ ]*\) .*/\1/p' "$1"
}

list_ids() {
  "$AC" --suite "$SUITE" --list --include slow,intrusive,attack "$@" | awk -F'\t' '{print $1}'
}

# finish BAD DIR: the end of a mode's checks: exit 1 pointing at DIR's files when BAD is not 0,
# else "ok" and exit 0.
finish() {
  if [ "$1" != 0 ]; then
    echo "see $2 (out.tap, console, server.err)" >&2
    exit 1
  fi
  echo "ok"
  exit 0
}

# check_clean NAME PROFILE-ARGS...: the suite against a correct server.
check_clean() {
  name=$1
  shift
  dir=$WORK/$name
  sargs=
  [ "$name" = rfc ] || [ "$name" = oauth2 ] && sargs="--flavor rfc"
  # The generic suite meets ES256 tokens and a JWK Set (the documented and rfc runs: HS256).
  [ "$name" = oauth2 ] && sargs="$sargs --alg ES256"
  case $name in cluster*) sargs="--cluster $CLUSTER_NODES" ;; esac
  start=$(date +%s)
  run_suite "$dir" "$sargs" --include slow,intrusive,attack "$@" || exit 1
  rc=$(cat "$dir/rc")
  results "$dir/out.tap" >"$dir/results"
  failures=$(awk '$2 == "fail" {print $1}' "$dir/results" | tr '\n' ' ')
  warnings=$(awk '$2 == "warn" {print $1}' "$dir/results" | tr '\n' ' ')
  skips=$(awk '$2 == "skip" {print $1}' "$dir/results" | sort | tr '\n' ' ')
  ran=$(wc -l <"$dir/results" | tr -d ' ')
  planned=$(list_ids "$@" | wc -l | tr -d ' ')
  want_skips=
  [ -n "$EXPECTED_SKIPS" ] && want_skips=$(printf '%s\n' $EXPECTED_SKIPS | sort | tr '\n' ' ')
  main_failed=$(failed_logins "$dir" "$MAIN_USER")
  echo "proof.$name: $ran tests in $(($(date +%s) - start)) s, exit $rc"
  echo "  must failures: ${failures:-none}"
  echo "  warnings:      ${warnings:-none}"
  echo "  skipped:       ${skips:-none}"
  limited_failed=$(failed_logins "$dir" limited)
  echo "  failed logins: main account $main_failed," \
    "throwaway account $(failed_logins "$dir" throwaway), limited account $limited_failed"
  bad=0
  if [ "$main_failed" -gt "$MAX_MAIN_FAILED_LOGINS" ]; then
    echo "FAIL: the run caused $main_failed failed logins of the main account," \
      "more than $MAX_MAIN_FAILED_LOGINS" >&2
    bad=1
  fi
  # The limited account is the user's second real account: its one login must never fail.
  if [ "$limited_failed" != 0 ]; then
    echo "FAIL: the run caused $limited_failed failed logins of the limited account, expected 0" >&2
    bad=1
  fi
  if [ "$rc" != 0 ]; then
    echo "FAIL: authconform exited $rc, expected 0" >&2
    bad=1
  fi
  if [ -n "$failures" ]; then
    echo "FAIL: must-level failures: $failures" >&2
    bad=1
  fi
  if [ "$skips" != "$want_skips" ]; then
    echo "FAIL: skipped [$skips], expected exactly [$want_skips]" >&2
    bad=1
  fi
  if [ "$ran" != "$planned" ]; then
    echo "FAIL: $ran test points in the TAP, $planned tests listed" >&2
    bad=1
  fi
  # Every variable is configured: every must-level test was judged.
  cov=$(coverage_status "$dir/out.tap")
  echo "  coverage:      $cov"
  if [ "$cov" != ok ]; then
    echo "FAIL: the coverage point is $cov, expected ok (a gap in a fully configured run)" >&2
    bad=1
  fi
  finish $bad "$dir"
}

# one NAME: the suite against a server with deviation NAME; writes WORK/NAME/verdict as
# "NAME|PROFILE|LEVEL|CATCHER|RESULT|FAILING IDS".
tables() {
  if [ ! -f "$WORK/deviations.tsv" ] || [ ! -f "$WORK/list.tsv" ] || [ ! -f "$WORK/list-oauth2.tsv" ] ||
    [ ! -f "$WORK/alg-extra.tsv" ]; then
    mkdir -p "$WORK"
    "$RS" --list-deviations >"$WORK/deviations.tsv" || die "--list-deviations failed"
    "$AC" --suite "$SUITE" --list --include slow,intrusive,attack >"$WORK/list.tsv" || die "--list failed"
    "$AC" --suite "$SUITE_O2" --list --include slow,intrusive,attack >"$WORK/list-oauth2.tsv" ||
      die "--list of the generic suite failed"
    sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$O2_CATCHERS" |
      awk '{printf "%s@%s\t%s\toauth2\t(generic suite)\t%s\n", $1, $2, $2, $3}' >"$WORK/oauth2-extra.tsv"
    # DEVIATION+ALG rows: the deviation's own row, under another --alg.
    sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ALG_ROWS" |
      awk -F'\t' 'NR == FNR { split($0, f, " "); for (i = 3; i <= split($0, f, " "); i++) alg[f[1]] = alg[f[1]] " " f[i]; next }
        ($1 in alg) { n = split(alg[$1], a, " "); for (i = 1; i <= n; i++) printf "%s+%s\t%s\t%s\t%s\t%s\n", $1, a[i], $2, $3, $4, $5 }' \
        - "$WORK/deviations.tsv" "$WORK/oauth2-extra.tsv" >"$WORK/alg-extra.tsv"
  fi
}

one() {
  name=$1
  tables # run by hand (not through deviations), the tables are made here
  row=$(awk -F'\t' -v n="$name" '$1 == n' "$WORK/deviations.tsv" "$WORK/oauth2-extra.tsv" \
    "$WORK/alg-extra.tsv")
  [ -n "$row" ] || die "unknown deviation $name"
  catcher=$(printf '%s\n' "$row" | awk -F'\t' '{print $2}')
  profile=$(printf '%s\n' "$row" | awk -F'\t' '{print $3}')
  level=$(printf '%s\n' "$row" | awk -F'\t' '{print $5}')
  dir=$WORK/$name
  base=${name%@*}
  base=${base%+*}
  sargs="--deviate $base"
  # The algorithm: the row's +ALG, else the first of alg-rows.txt's line for the deviation.
  case $name in
  *+*) alg=${name##*+} ;;
  *) alg=$(sed 's/#.*//' "$ALG_ROWS" | awk -v d="$base" '$1 == d {print $2}') ;;
  esac
  [ -n "$alg" ] && sargs="$sargs --alg $alg"
  [ "$profile" = rfc ] || [ "$profile" = oauth2 ] && sargs="$sargs --flavor rfc"
  list=$WORK/list.tsv
  profile_args="--profile $profile"
  if [ "$profile" = cluster ]; then
    sargs="$sargs --cluster $CLUSTER_NODES"
    profile_args="--profile documented"
  fi
  if [ "$profile" = oauth2 ]; then
    O2=1
    SUITE=$SUITE_O2
    list=$WORK/list-oauth2.tsv
    profile_args=
  fi
  # The whole suite, without the slow tests unless the catcher is one of them.
  if awk -F'\t' -v id="$catcher" '$1 == id && $3 ~ /(^|,)slow(,|$)/ {f = 1} END {exit !f}' \
    "$list"; then
    select="--include slow,intrusive,attack"
  else
    select="--include intrusive,attack --skip-tags slow"
  fi
  # shellcheck disable=SC2086 # word splitting wanted
  run_suite "$dir" "$sargs" $profile_args $select $DEVIATION_VARS
  rc=$(cat "$dir/rc")
  if [ "$rc" = 99 ]; then
    result="NO SERVER"
    failing=
  else
    results "$dir/out.tap" >"$dir/results"
    errored "$dir/console" >"$dir/errors"
    status=$(awk -v id="$catcher" '$1 == id {print $2}' "$dir/results")
    [ -n "$status" ] || status=absent
    grep -qx "$catcher" "$dir/errors" && status=error
    failing=$(awk '$2 == "fail" {printf "%s%s", sep, $1; sep = " "}
                   $2 == "warn" {printf "%s%s(w)", sep, $1; sep = " "}' "$dir/results")
    if [ "$level" = must ] && [ "$status" = fail ] && [ "$rc" = 1 ]; then
      result=caught
    elif [ "$level" = should ] && [ "$status" = warn ]; then
      result=caught
    elif [ "$level" = must ] && [ "$status" = fail ]; then
      result="MISSED(exit $rc)"
    else
      result="MISSED($status)"
    fi
  fi
  printf '%s|%s|%s|%s|%s|%s\n' "$name" "$profile" "$level" "$catcher" "$result" "$failing" \
    >"$WORK/$name.verdict"
}

deviations() {
  rm -rf "$WORK"
  mkdir -p "$WORK"
  start=$(date +%s)
  tables
  cat "$WORK/deviations.tsv" "$WORK/oauth2-extra.tsv" "$WORK/alg-extra.tsv" >"$WORK/rows.tsv"
  total=$(wc -l <"$WORK/rows.tsv" | tr -d ' ')
  # Runs mostly sleep (REVOKE-LIVE and the load tests wait on purpose): 4 at a
  # time keep 2 cores far from busy and halve the wall time. PROOF_JOBS overrides.
  jobs=${PROOF_JOBS:-4}
  awk -F'\t' '{print $1}' "$WORK/rows.tsv" |
    xargs -n 1 -P "$jobs" sh "$0" one "$AC" "$RS" "$SRC" "$WORK"
  missed=0
  {
    echo "deviation|profile|level|catcher|result|all failing ids ((w) = warning)"
    awk -F'\t' '{print $1}' "$WORK/rows.tsv" | while read -r name; do
      if [ -f "$WORK/$name.verdict" ]; then
        cat "$WORK/$name.verdict"
      else
        echo "$name|?|?|?|NOT RUN|"
      fi
    done
  } >"$WORK/matrix"
  awk -F'|' '
    { for (i = 1; i <= 5; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
      cell[NR, 6] = $6 }
    END {
      for (r = 1; r <= NR; r++) {
        line = ""
        for (i = 1; i <= 5; i++) line = line sprintf("%-" w[i] "s | ", cell[r, i])
        print line cell[r, 6]
      }
    }' "$WORK/matrix"
  missed=$(awk -F'|' 'NR > 1 && $5 != "caught"' "$WORK/matrix" | wc -l | tr -d ' ')
  echo "proof.deviations: $((total - missed)) of $total deviations caught by their named test at" \
    "their named level, in $(($(date +%s) - start)) s"
  if [ "$missed" != 0 ]; then
    echo "FAIL: $missed deviation(s) not caught as the table says (work dir: $WORK)" >&2
    exit 1
  fi
  exit 0
}

locked() {
  dir=$WORK/locked
  THROWAWAY_AS=--locked-user
  run_suite "$dir" "" --include intrusive --id 'CRED-NEAR-*' || exit 1
  rc=$(cat "$dir/rc")
  results "$dir/out.tap" >"$dir/results"
  ids=$(list_ids --id 'CRED-NEAR-*' | sort | tr '\n' ' ')
  failed=$(awk '$2 == "fail" {print $1}' "$dir/results" | sort | tr '\n' ' ')
  count=$(failed_logins "$dir" throwaway)
  n=$(printf '%s\n' $ids | wc -l | tr -d ' ')
  echo "proof.locked: $n near-secret tests against a locked throwaway account, exit $rc"
  echo "  not ok:        ${failed:-none}"
  echo "  failed logins: throwaway account $count"
  bad=0
  if [ "$failed" != "$ids" ] || [ "$rc" != 1 ]; then
    echo "FAIL: every one of [$ids] must be not ok (its control refused), exit 1" >&2
    bad=1
  fi
  if [ "$count" != "$n" ]; then
    echo "FAIL: $count failed logins of the throwaway account, expected $n (one control each)" >&2
    bad=1
  fi
  finish $bad "$dir"
}

# check_counts: the numbers README.md and docs/deviations.md state, counted again from --list and
# --list-deviations ($WORK/deviations.tsv). Returns 1 (with a message) when one is stale.
check_counts() {
  all=$(list_ids | wc -l | tr -d ' ')
  default=$("$AC" --suite "$SUITE" --list | wc -l | tr -d ' ')
  ndev=$(wc -l <"$WORK/deviations.tsv" | tr -d ' ')
  readme=$(tr '\n' ' ' <"$SRC/README.md" | tr -s ' ')
  docs=$(tr '\n' ' ' <"$SRC/docs/deviations.md" | tr -s ' ')
  rc=0
  o2=$("$AC" --suite "$SUITE_O2" --list --include slow,intrusive,attack | wc -l | tr -d ' ')
  for claim in "the bundled suite: $all tests" "($default run by default; $((all - default)) are tagged" \
    "contract with $ndev switchable" "OAuth2 client-credentials server ($o2 tests" \
    "(\`suite/oauth2.yaml\`, $o2 tests;"; do
    case $readme in
    *"$claim"*) ;;
    *) echo "FAIL: README.md does not say '$claim'" >&2 && rc=1 ;;
    esac
  done
  case $docs in
  *"the default run has $default tests"*) ;;
  *) echo "FAIL: docs/deviations.md does not say 'the default run has $default tests'" >&2 && rc=1 ;;
  esac
  # The table "The suite in numbers": one row per case file, sorted by area, and the total.
  find "$SRC/cases" -name '*.yaml' | sort | while read -r f; do
    area=$(sed -n 's/^suite: *//p' "$f")
    for p in documented rfc; do
      "$AC" --suite "$SUITE" --list --include slow,intrusive,attack --profile $p "$f" |
        awk -F'\t' '{c[$2]++} END {printf " %d %d %d", c["must"], c["should"], c["info"]}'
    done | awk -v a="$area" -v f="$(basename "$f")" \
      '{printf "%s (%s)|%d|%d|%d|%d|%d|%d|%d\n", a, f, $1 + $2 + $3, $1, $2, $3, $4, $5, $6}'
  done | sort >"$WORK/numbers.rows"
  awk -F'|' '
    { printf "| %s | %d | %d | %d | %d | %d | %d | %d |\n", $1, $2, $3, $4, $5, $6, $7, $8
      for (i = 2; i <= 8; i++) t[i] += $i }
    END { printf "| **total** |"; for (i = 2; i <= 8; i++) printf " **%d** |", t[i]; print "" }' \
    "$WORK/numbers.rows" >"$WORK/numbers.want"
  sed -n '/^| area (file) | tests |/,/^$/p' "$SRC/docs/deviations.md" | sed '1,2d;/^$/d' \
    >"$WORK/numbers.have"
  if ! cmp -s "$WORK/numbers.want" "$WORK/numbers.have"; then
    echo "FAIL: docs/deviations.md's numbers table is stale (< counted, > the page):" >&2
    diff "$WORK/numbers.want" "$WORK/numbers.have" >&2
    rc=1
  fi
  return $rc
}

coverage() {
  rm -rf "$WORK"
  mkdir -p "$WORK"
  { list_ids; "$AC" --suite "$SUITE_O2" --list --include slow,intrusive,attack | awk -F'\t' '{print $1}'; } |
    sort >"$WORK/ids"
  tables
  bad=0
  # The table itself: five columns, known profiles and levels, catchers that exist.
  awk -F'\t' 'NF != 5 || ($3 != "documented" && $3 != "rfc" && $3 != "oauth2" && $3 != "cluster") ||
      ($5 != "must" && $5 != "should") {
      print "FAIL: malformed --list-deviations or oauth2-catchers.txt line: " $0; bad = 1 }
    END { exit bad }' "$WORK/deviations.tsv" "$WORK/oauth2-extra.tsv" >&2 || bad=1
  awk -F'\t' '{print $2}' "$WORK/deviations.tsv" "$WORK/oauth2-extra.tsv" | sort -u >"$WORK/catchers"
  stale=$(comm -23 "$WORK/catchers" "$WORK/ids" | tr '\n' ' ')
  if [ -n "$stale" ]; then
    echo "FAIL: deviations name test ids that are not in the suite: $stale" >&2
    bad=1
  fi
  # uncatchable.txt: "ID reason", comments and blank lines ignored.
  unc=$SRC/tests/proof/uncatchable.txt
  sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$unc" >"$WORK/uncatchable"
  noreason=$(awk 'NF < 2 {print $1}' "$WORK/uncatchable" | tr '\n' ' ')
  if [ -n "$noreason" ]; then
    echo "FAIL: uncatchable.txt entries without a reason: $noreason" >&2
    bad=1
  fi
  awk '{print $1}' "$WORK/uncatchable" | sort >"$WORK/uncatchable.ids"
  dup=$(uniq -d "$WORK/uncatchable.ids" | tr '\n' ' ')
  unknown=$(comm -23 "$WORK/uncatchable.ids" "$WORK/ids" | tr '\n' ' ')
  caught_too=$(comm -12 "$WORK/uncatchable.ids" "$WORK/catchers" | tr '\n' ' ')
  if [ -n "$dup$unknown$caught_too" ]; then
    echo "FAIL: uncatchable.txt: duplicates [$dup], not in the suite [$unknown]," \
      "catchers of a deviation after all [$caught_too]" >&2
    bad=1
  fi
  # docs/deviations.md: its table is generated by the command the page shows; it must be current.
  awk -F'\t' '{d=$4; gsub(/\|/,"\\|",d); printf "| `%s` | %s | %s | %s | %s |\n", $1, $3, $5, $2, d}' \
    "$WORK/deviations.tsv" >"$WORK/table.want"
  sed -n '/^| deviation | profile | level | catcher |/,/^$/p' "$SRC/docs/deviations.md" |
    sed '1,2d;/^$/d' >"$WORK/table.have"
  if ! cmp -s "$WORK/table.want" "$WORK/table.have"; then
    echo "FAIL: docs/deviations.md's table differs from --list-deviations (regenerate it with the" \
      "command on that page; < generated, > the page):" >&2
    diff "$WORK/table.want" "$WORK/table.have" >&2
    bad=1
  fi
  check_counts || bad=1
  sort -u "$WORK/catchers" "$WORK/uncatchable.ids" >"$WORK/accounted"
  uncovered=$(comm -23 "$WORK/ids" "$WORK/accounted" | tr '\n' ' ')
  n_ids=$(wc -l <"$WORK/ids" | tr -d ' ')
  n_caught=$(comm -12 "$WORK/ids" "$WORK/catchers" | wc -l | tr -d ' ')
  n_unc=$(wc -l <"$WORK/uncatchable.ids" | tr -d ' ')
  echo "proof.coverage: $n_ids test ids; $n_caught catch at least one of" \
    "$(wc -l <"$WORK/deviations.tsv" | tr -d ' ') deviations; $n_unc listed as uncatchable:"
  sed 's/^/  /' "$WORK/uncatchable"
  if [ -n "$uncovered" ]; then
    echo "FAIL: no deviation catches, and uncatchable.txt does not list: $uncovered" >&2
    bad=1
  fi
  [ $bad = 0 ] && echo "ok"
  exit $bad
}

case $MODE in
documented)
  EXPECTED_SKIPS="$EXPECTED_SKIPS $CLUSTER_IDS"
  check_clean documented
  ;;
rfc)
  EXPECTED_SKIPS="$EXPECTED_SKIPS $CLUSTER_IDS"
  check_clean rfc --profile rfc
  ;;
cluster)
  # finish exits: each run in its own subshell, both always run.
  (check_clean cluster -j 1)
  r1=$?
  (check_clean cluster-j8 -j 8)
  r8=$?
  [ $r1 = 0 ] && [ $r8 = 0 ]
  exit $?
  ;;
oauth2)
  O2=1
  SUITE=$SUITE_O2
  MAIN_USER=carol
  # ES256 tokens: the offline HMAC secret check does not apply.
  EXPECTED_SKIPS="O2-JWT-WEAK-SECRET"
  check_clean oauth2
  ;;
deviations) deviations ;;
locked) locked ;;
coverage) coverage ;;
one)
  [ $# -eq 1 ] || die "one: a deviation name"
  one "$1"
  if [ -t 1 ] || [ -n "${PROOF_PRINT:-}" ]; then
    cat "$WORK/$1.verdict"
  fi
  ;;
*) die "unknown mode $MODE" ;;
esac
