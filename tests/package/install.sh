#!/usr/bin/env bash
# cmake --install into WORK/prefix, move the tree to WORK/moved, and check that the installed
# program finds its bundled suite there (not in the source tree it was built from).
#   install.sh BUILD_DIR SOURCE_DIR WORK
set -u
BUILD=$1 SRC=$2 WORK=$3
fail() { echo "FAIL [package.install]: $*" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK"
cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "cmake --install failed"; }
mv "$WORK/prefix" "$WORK/moved"
P=$WORK/moved
for f in bin/authconform bin/authconform-refserver share/authconform/suite/apinizer.yaml \
         share/authconform/docs/case-format.schema.json share/man/man1/authconform.1.gz \
         share/doc/authconform/README.md share/doc/authconform/run-record.md \
         share/doc/authconform/run-record.schema.json share/doc/authconform/case-format.md \
         share/bash-completion/completions/authconform share/zsh/vendor-completions/_authconform; do
  [ -e "$P/$f" ] || fail "$f is not installed"
done
[ -x "$P/bin/authconform" ] && [ -x "$P/bin/authconform-refserver" ] || fail "the programs are not executable"
for c in "$SRC"/cases/*.yaml; do
  cmp -s "$c" "$P/share/authconform/cases/$(basename "$c")" || fail "cases/$(basename "$c") is not installed as is"
done

run() { env -u AUTHCONFORM_SUITE "$P/bin/authconform" "$@"; }
run --version >"$WORK/version" || fail "--version failed"
grep -q '^authconform [0-9]' "$WORK/version" || fail "--version: $(cat "$WORK/version")"
grep -q '^libcurl [0-9]' "$WORK/version" || fail "--version lacks libcurl's version: $(cat "$WORK/version")"
grep -q '^TLS library ' "$WORK/version" || fail "--version lacks the TLS library: $(cat "$WORK/version")"

# The installed (and moved) program lists the bundled suite ...
run --list >"$WORK/list" 2>"$WORK/list.err" || { cat "$WORK/list.err"; fail "--list failed"; }
want=$(env -u AUTHCONFORM_SUITE "$BUILD/authconform" --list | wc -l)
got=$(wc -l <"$WORK/list")
[ "$got" = "$want" ] && [ "$got" -gt 0 ] || fail "installed --list shows $got tests, the build $want"
run lint >"$WORK/lint" 2>&1 || { cat "$WORK/lint"; fail "lint of the installed suite failed"; }
# ... from its own share/authconform, not from the source tree: a case file removed from the
# installed copy disappears from the list.
rm "$P/share/authconform/cases/health.yaml"
run --list >"$WORK/list2" 2>&1 || { cat "$WORK/list2"; fail "--list failed after removing a case file"; }
! grep -q '^HEALTH-' "$WORK/list2" || fail "the installed program read the source tree's cases"
grep -q '^HEALTH-' "$WORK/list" || fail "the bundled suite has no HEALTH- tests to check with"
echo "ok - package.install ($got tests listed from $P)"
