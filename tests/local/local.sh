#!/usr/bin/env bash
# Bad local input: every case is a clear error with exit 2 (nothing sent), never a crash, a hang
# (each run is bounded by `timeout 20`) or a command executed. One scenario per invocation:
#   local.sh AUTHCONFORM HOSTILE_SERVER SOURCE_DIR SCENARIO
# missing      missing case file, vars file, manifest and directory; a path through a file
#              (ENOTDIR); a dangling symbolic link named directly and inside a case directory
# unreadable   a case directory and a vars file without read permission (as root, where
#              permissions do not apply, the runs drop to uid 65534 with setpriv)
# special      a FIFO with no writer as case file and as vars file, /dev/zero, a directory as
#              vars file, a UNIX socket in a case directory; a pipe that works (process
#              substitution) as the positive control
# vars-shape   vars files that are a list, a scalar, empty, null, nested, a duplicate key
# encoding     case files in Latin-1, UTF-16 with a BOM, with a NUL byte, and a binary program
# big          a 50 MiB case file, a 50 MiB vars file and a 50 MiB manifest (time, peak RSS)
# bomb         "billion laughs" alias expansion (10^9 nodes) in a case file, a vars file and a
#              manifest; 100,000 levels of nesting (time, peak RSS)
# run-command  run steps whose command comes from a case file (literal, suite default, a
#              command variable with a default, step capture, fixture capture, a function
#              around the real command, ${env:...}, a profile override): exit 2, nothing sent,
#              the command never runs (the marker file it would create never appears); a
#              command from the environment does run (positive control)
set -u
AC=$1 HS=$2 TOP=$3 SCENARIO=$4
NAME="local.$SCENARIO"
WORK=$(mktemp -d -t ac-local.XXXXXX)
# shellcheck source=../hostile/common.sh
. "$TOP/tests/hostile/common.sh"
trap cleanup EXIT
RUN_TIMEOUT=20
CASES=$TOP/tests/local/cases
GOOD=$TOP/tests/hostile/cases/get.yaml

# bad LABEL REGEX ARGS... : authconform ARGS must exit 2 within 20 s with REGEX on stderr; the
# message is printed for the log. Sets the timing figures for the caller.
bad() {
  local label=$1 re=$2; shift 2
  run_timed "$WORK/$label" "$AC" "$@"
  if [ "$RC" != 2 ]; then
    cat "$WORK/$label.stderr"
    fail "$label: exit $RC, expected 2"
  fi
  expect_in "$WORK/$label.stderr" "$re" "$label: stderr"
  check_clean_text "$WORK/$label.stderr"
  printf '# %-22s exit 2 in %5d ms%s: %s\n' "$label" "$ELAPSED_MS" "${MAXRSS_KB:+, peak RSS ${MAXRSS_KB} KB}" \
    "$(grep -m1 -E 'error|authconform:' "$WORK/$label.stderr" | sed "s|$WORK/||g" | cut -c1-150)"
}

case "$SCENARIO" in
missing)
  bad case-file 'nope.yaml: error: cannot read' lint --suite none "$WORK/nope.yaml"
  bad case-file-run 'nope.yaml: error: cannot read' --suite none --target http://127.0.0.1:9 "$WORK/nope.yaml"
  bad vars-file 'nope-vars.yaml: error: cannot read' --target http://127.0.0.1:9 --vars-file "$WORK/nope-vars.yaml"
  bad manifest 'nope-suite.yaml: error: cannot read' --suite "$WORK/nope-suite.yaml" --target http://127.0.0.1:9
  bad directory 'nodir: error: cannot read' lint --suite none "$WORK/nodir"
  printf 'x\n' >"$WORK/plainfile"
  bad not-a-dir 'plainfile/sub.yaml: error: cannot read.*Not a directory' lint --suite none "$WORK/plainfile/sub.yaml"
  bad vars-not-a-dir 'error: cannot read.*Not a directory' --target http://127.0.0.1:9 --vars-file "$WORK/plainfile/v.yaml"
  ln -s "$WORK/gone.yaml" "$WORK/dangling.yaml"
  bad dangling 'dangling.yaml: error: cannot read' lint --suite none "$WORK/dangling.yaml"
  mkdir "$WORK/cases"
  cp "$GOOD" "$WORK/cases/good.yaml"
  ln -s "$WORK/gone.yaml" "$WORK/cases/dangling.yaml"
  bad dangling-in-dir 'dangling.yaml: error: cannot read: .*dangling symbolic link' lint --suite none "$WORK/cases"
  ;;
unreadable)
  mkdir -p "$WORK/locked/inner"
  cp "$GOOD" "$WORK/locked/inner/good.yaml"
  printf 'a: b\n' >"$WORK/vars.yaml"
  chmod 000 "$WORK/locked/inner" "$WORK/vars.yaml"
  chmod 755 "$WORK"
  as=()
  if [ "$(id -u)" = 0 ]; then
    # root reads everything: run as nobody, who is stopped by the permissions
    if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$AC" 2>/dev/null; then
      as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
      note "root without setpriv (or $AC is not reachable as nobody): unreadable paths not testable; skipped"
      echo "ok - $NAME (skipped)"; exit 0
    fi
  fi
  run_timed "$WORK/dir" ${as[@]+"${as[@]}"} "$AC" lint --suite none "$WORK/locked"
  [ "$RC" = 2 ] || { cat "$WORK/dir.stderr"; fail "unreadable dir: exit $RC, expected 2"; }
  expect_in "$WORK/dir.stderr" 'inner: error: cannot open directory: Permission denied' "unreadable dir"
  note "unreadable-dir: exit 2 in ${ELAPSED_MS} ms: $(grep -m1 error "$WORK/dir.stderr" | sed "s|$WORK/||g")"
  run_timed "$WORK/vars" ${as[@]+"${as[@]}"} "$AC" --target http://127.0.0.1:9 --vars-file "$WORK/vars.yaml" --suite none "$GOOD"
  [ "$RC" = 2 ] || { cat "$WORK/vars.stderr"; fail "unreadable vars file: exit $RC, expected 2"; }
  expect_in "$WORK/vars.stderr" 'vars.yaml: error: cannot read.*Permission denied' "unreadable vars file"
  note "unreadable-vars: exit 2 in ${ELAPSED_MS} ms: $(grep -m1 error "$WORK/vars.stderr" | sed "s|$WORK/||g")"
  chmod 755 "$WORK/locked/inner"; chmod 644 "$WORK/vars.yaml"
  ;;
special)
  mkfifo "$WORK/fifo.yaml" "$WORK/fifo-vars.yaml"
  bad fifo-case 'fifo.yaml:.*error: empty' lint --suite none "$WORK/fifo.yaml"
  bad fifo-vars 'fifo-vars.yaml:.*error: ' --target http://127.0.0.1:9 --vars-file "$WORK/fifo-vars.yaml" --suite none "$GOOD"
  bad dev-zero '/dev/zero: error: not a regular file' lint --suite none /dev/zero
  bad dev-zero-vars '/dev/zero: error: not a regular file' --target http://127.0.0.1:9 --vars-file /dev/zero --suite none "$GOOD"
  mkdir "$WORK/vdir"
  bad dir-as-vars 'vdir: error: .*directory' --target http://127.0.0.1:9 --vars-file "$WORK/vdir" --suite none "$GOOD"
  mkdir "$WORK/cases"
  python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$WORK/cases/sock.yaml" 2>/dev/null &&
    bad socket-in-dir 'sock.yaml: error: not a regular file' lint --suite none "$WORK/cases"
  # A pipe is read up to the size limit, never further.
  bad pipe-huge 'error: file too large' --target http://127.0.0.1:9 --suite none "$GOOD" \
    --vars-file <(yes 'a: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' 2>/dev/null | head -c 60000000)
  # A pipe that delivers its content is fine: --vars-file <(...) keeps secrets off the disk.
  run_timed "$WORK/pipe" "$AC" --suite none --vars-file <(printf 'greeting: hello\n') --list "$GOOD"
  [ "$RC" = 0 ] || { cat "$WORK/pipe.stderr"; fail "--vars-file <(...): exit $RC, expected 0"; }
  ;;
vars-shape)
  printf -- '- a\n- b\n' >"$WORK/list.yaml"
  printf 'just a string\n' >"$WORK/scalar.yaml"
  : >"$WORK/empty.yaml"
  printf '~\n' >"$WORK/null.yaml"
  printf 'a: { b: { c: d } }\n' >"$WORK/nested.yaml"
  printf 'a: 1\na: 2\n' >"$WORK/dup.yaml"
  printf 'a: [1, 2]\n' >"$WORK/seqval.yaml"
  for v in list scalar empty null nested dup seqval; do
    bad "vars-$v" "$v.yaml:.*error: " --target http://127.0.0.1:9 --vars-file "$WORK/$v.yaml" --suite none "$GOOD"
  done
  ;;
encoding)
  printf 'suite: latin1\ntests:\n  - id: T1\n    name: "caf\351"\n    request: { path: x }\n' >"$WORK/latin1.yaml"
  bad latin1 'latin1.yaml:4:[0-9]+: error: .*UTF-8' lint --suite none "$WORK/latin1.yaml"
  printf 'suite: x\ntests: []\n' | iconv -f UTF-8 -t UTF-16 >"$WORK/utf16.yaml"
  bad utf16 'utf16.yaml:.*error: ' lint --suite none "$WORK/utf16.yaml"
  printf 'suite: nul\ntests:\n  - id: T1\n    name: "a\000b"\n    request: { path: x }\n' >"$WORK/nul.yaml"
  bad nul 'nul.yaml:.*error: ' lint --suite none "$WORK/nul.yaml"
  cp "$AC" "$WORK/program.yaml"
  bad binary 'program.yaml:.*error: ' lint --suite none "$WORK/program.yaml"
  printf 'greeting: "caf\351"\n' >"$WORK/latin1-vars.yaml"
  bad latin1-vars 'latin1-vars.yaml:.*error: .*UTF-8' --target http://127.0.0.1:9 --vars-file "$WORK/latin1-vars.yaml" --suite none "$GOOD"
  ;;
big)
  python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
line = "  - { id: T%d, name: test number %d, request: { path: x }, expect: { status: 200 } }\n"
with open(w + "/big.yaml", "w") as f:
    f.write("suite: big\ntests:\n")
    i = 0
    while f.tell() < 50 * 1024 * 1024:
        f.write(line % (i, i)); i += 1
with open(w + "/big-vars.yaml", "w") as f:
    i = 0
    while f.tell() < 50 * 1024 * 1024:
        f.write("v%d: value number %d\n" % (i, i)); i += 1
with open(w + "/near-limit.yaml", "w") as f:       # just under the 8 MiB file limit
    f.write("suite: near\ntests:\n")
    i = 0
    while f.tell() < 8 * 1024 * 1024 - 200:
        f.write(line % (i, i)); i += 1
PY
  cp "$WORK/big.yaml" "$WORK/big-suite.yaml"
  bad big-case 'big.yaml: error: file too large' lint --suite none "$WORK/big.yaml"
  bad big-case-run 'big.yaml: error: file too large' --suite none --target http://127.0.0.1:9 "$WORK/big.yaml"
  bad big-vars 'big-vars.yaml: error: file too large' --target http://127.0.0.1:9 --vars-file "$WORK/big-vars.yaml" --suite none "$GOOD"
  bad big-manifest 'big-suite.yaml: error: file too large' --suite "$WORK/big-suite.yaml" --target http://127.0.0.1:9
  big_ms=$ELAPSED_MS big_kb=${MAXRSS_KB:-0}
  bad near-limit 'near-limit.yaml:.*error: ' lint --suite none "$WORK/near-limit.yaml"
  [ "$ELAPSED_MS" -le 10000 ] || fail "an 8 MiB case file took ${ELAPSED_MS} ms"
  [ "$big_ms" -le 2000 ] || fail "a 50 MiB file took ${big_ms} ms to refuse"
  if [ -n "${MAXRSS_KB:-}" ]; then
    [ "$big_kb" -lt 40960 ] || fail "a 50 MiB file: peak RSS ${big_kb} KB"
    [ "$MAXRSS_KB" -lt 512000 ] || fail "an 8 MiB case file: peak RSS ${MAXRSS_KB} KB"
  fi
  ;;
bomb)
  python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
def laughs(prefix):
    out = [prefix + 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        out.append(prefix + "l%d: &l%d [%s]" % (i, i, ", ".join(["*l%d" % (i - 1)] * 10)))
    return out
open(w + "/laughs.yaml", "w").write("\n".join(["suite: bomb"] + laughs("") + ["tests: [*l9]"]) + "\n")
open(w + "/laughs-vars.yaml", "w").write("\n".join(laughs("")) + "\n")
open(w + "/laughs-suite.yaml", "w").write("\n".join(["name: bomb", "cases: []", "variables:"] + laughs("  ")) + "\n")
n = 100000
open(w + "/deep.yaml", "w").write("suite: deep\ntests: " + "[" * n + "]" * n + "\n")
open(w + "/deep-map.yaml", "w").write("suite: deep\ntests: " + "{a: " * n + "b" + "}" * n + "\n")
open(w + "/deep-vars.yaml", "w").write("a: " + "[" * n + "]" * n + "\n")
PY
  bad laughs 'laughs.yaml:.*error: .*(too large|100000 nodes|alias)' lint --suite none "$WORK/laughs.yaml"
  bad laughs-vars 'laughs-vars.yaml:.*error: ' --target http://127.0.0.1:9 --vars-file "$WORK/laughs-vars.yaml" --suite none "$GOOD"
  bad laughs-suite 'laughs-suite.yaml:.*error: ' --suite "$WORK/laughs-suite.yaml" --target http://127.0.0.1:9
  bad deep 'deep.yaml:.*error: .*(nested|depth)' lint --suite none "$WORK/deep.yaml"
  bad deep-map 'deep-map.yaml:.*error: .*(nested|depth)' lint --suite none "$WORK/deep-map.yaml"
  bad deep-vars 'deep-vars.yaml:.*error: ' --target http://127.0.0.1:9 --vars-file "$WORK/deep-vars.yaml" --suite none "$GOOD"
  ;;
run-command)
  # Every run below could reach a live server; the record proves nothing was sent.
  start_listener hostile "$HS" --mode ok --record "$WORK/record"
  export AC_LOCAL_MARKER="$WORK/marker" AC_LOCAL_EVIL="touch \"$WORK/marker\""
  export AC_LOCAL_CMD="touch \"$WORK/marker\""
  # positive control: the command from the environment runs
  run_timed "$WORK/ok" "$AC" --suite "$CASES/manifest.yaml" --target "$URL" --tap none "$CASES/run-ok.yaml"
  [ "$RC" = 0 ] || { cat "$WORK/ok.stderr"; fail "the legitimate command: exit $RC, expected 0"; }
  [ -e "$WORK/marker" ] || fail "the legitimate command did not run: the marker test proves nothing"
  rm -f "$WORK/marker"
  note "positive control: the command from AC_LOCAL_CMD ran"
  for c in run-literal run-default run-step-capture run-fixture-capture run-template run-env run-profile; do
    bad "$c" "$c.yaml:[0-9]+:[0-9]+: error: run command" --suite "$CASES/manifest.yaml" --target "$URL" \
      --profile rfc "$CASES/$c.yaml"
    [ ! -e "$WORK/marker" ] || fail "$c: the command ran"
    bad "$c-lint" "$c.yaml:[0-9]+:[0-9]+: error: run command" lint --suite "$CASES/manifest.yaml" "$CASES/$c.yaml"
    [ ! -e "$WORK/marker" ] || fail "$c (lint): the command ran"
  done
  bad bad-manifest 'manifest-bad.yaml:[0-9]+:[0-9]+: error: variable .bad_cmd. is a command' \
    --suite "$CASES/manifest-bad.yaml" --target "$URL" "$CASES/run-bad-cmd.yaml"
  [ ! -e "$WORK/marker" ] || fail "bad-manifest: the command ran"
  # Even with the variable given on the command line, a case file cannot swap in its own value.
  bad cli-and-capture 'run-step-capture.yaml:[0-9]+:[0-9]+: error: run command' --suite "$CASES/manifest.yaml" \
    --target "$URL" --var "local_cmd=true" "$CASES/run-step-capture.yaml"
  [ ! -e "$WORK/marker" ] || fail "the command ran"
  [ ! -s "$WORK/record" ] || { cat "$WORK/record"; fail "requests were sent despite case-file errors"; }
  ;;
*)
  fail "unknown scenario $SCENARIO"
  ;;
esac
echo "ok - $NAME"
