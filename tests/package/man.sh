#!/usr/bin/env bash
# The man page: renders without a groff warning, carries the program's version, and documents
# every option --help lists.
#   man.sh AUTHCONFORM MANPAGE
set -u
AC=$1 PAGE=$2
fail() { echo "FAIL [package.man]: $*" >&2; exit 1; }
if command -v groff >/dev/null; then
  out=$(groff -man -Tutf8 -ww -z "$PAGE" 2>&1) || fail "groff failed: $out"
  [ -z "$out" ] || fail "groff warnings: $out"
elif [ -n "${CI:-}" ]; then fail "groff missing"
else echo "SKIP: groff is not installed"; exit 77; fi
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$PAGE" >/dev/null 2>"$0.err.$$" || { cat "$0.err.$$"; rm -f "$0.err.$$"; fail "man -l failed"; }
  rm -f "$0.err.$$"
fi
version=$("$AC" --version | sed -n '1s/^authconform //p')
grep -q "^\.TH AUTHCONFORM 1 [0-9-]* \"authconform $version\"" "$PAGE" \
  || fail ".TH does not name version $version: $(grep '^\.TH' "$PAGE")"
text=$(groff -man -Tutf8 "$PAGE" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
missing=""
for o in $("$AC" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*'); do
  # as an item of the OPTIONS list: at the start of a line, perhaps after other spellings
  grep -qE -- "^ +((-[a-zA-Z]|--[a-z0-9-]+), )*$o( |,|=|\$)" <<<"$text" || missing="$missing $o"
done
[ -z "$missing" ] || fail "options in --help but not in the man page:$missing"
# ... and the other way: every item of the OPTIONS section names options of the table
# (--help-options), so the page cannot keep an option that is gone.
table=$("$AC" --help-options | cut -f1,2 | tr '\t' '\n' | grep -v '^-$')
extra=""
for o in $(awk '/^\.SH OPTIONS/{o=1;next} /^\.SH/{o=0} o && prev==".TP"{print} {prev=$0}' "$PAGE" \
           | sed 's/\\-/-/g' | grep -oE -- '(^| )--?[a-zA-Z][a-z0-9-]*' | tr -d ' '); do
  grep -qxF -- "$o" <<<"$table" || extra="$extra $o"
done
[ -z "$extra" ] || fail "options in the man page but not in the option table (--help-options):$extra"
echo "ok - package.man"
