#!/usr/bin/env bash
# The README's shell recipes that are meant to run as they stand, run: every ```sh block after a
# line `<!-- recipe NAME [standalone] -->`. Blocks with the same NAME run in order in one shell
# (`bash -eo pipefail`), in a fresh directory holding build/ (the build tree), cases/ and tests/,
# with authconform, prove, xmllint and npm's tap-parser on PATH. Unless marked standalone, a
# recipe runs against a reference server started here like scripts/main-job starts it (every
# variable of the bundled suite configured), its base URL in $URL; a standalone one gets no
# APINIZER_*/AUTHCONFORM_* variable and no $URL. Then the --help examples that run as written
# (the prove and lint lines) run the same way. Any non-zero exit fails the test.
#   recipes.sh AUTHCONFORM REFSERVER SOURCE_DIR BUILD_DIR WORK_DIR
# Exit 77 (skip) when prove, xmllint or tap-parser is missing and CI is unset.
set -u
AC=$1 REF=$2 SRC=$3 BUILD=$4 WORK=$5
fail() { echo "FAIL [docs.recipes]: $*" >&2; exit 1; }

rm -rf "$WORK"; mkdir -p "$WORK/bin"
ln -s "$AC" "$WORK/bin/authconform"
ln -s "$REF" "$WORK/bin/authconform-refserver"
for t in "$SRC/.tools/node_modules/.bin/tap-parser" "$SRC/tests/node_modules/.bin/tap-parser"; do
  [ -x "$t" ] && { ln -s "$t" "$WORK/bin/tap-parser"; break; }
done
export PATH=$WORK/bin:$PATH
for tool in prove xmllint tap-parser; do
  command -v $tool >/dev/null && continue
  [ -n "${CI:-}" ] && fail "$tool is not installed (scripts/setup --tests)"
  echo "SKIP: $tool is not installed (scripts/setup --tests)"; exit 77
done

# ---- the recipes ----
awk -v dir="$WORK" '
  /^ *<!-- recipe [a-z0-9-]+( standalone| install)? -->$/ { name = $3; mode = ($4 == "-->") ? "server" : $4; want = 1; next }
  want && /^ *```sh *$/ { inblock = 1; want = 0; indent = match($0, /[^ ]/) - 1; n++
                          f = dir "/" name "." mode ".sh"; if (!(f in seen)) { seen[f] = 1; order[++k] = f }
                          printf "# --- README block %d ---\n", n >> f; next }
  inblock && /^ *``` *$/ { inblock = 0; next }
  inblock { print substr($0, indent + 1) >> f; next }
  want && !/^ *$/ { printf "README.md:%d: a recipe marker not followed by a ```sh block\n", NR > "/dev/stderr"; bad = 1; want = 0 }
  END { for (i = 1; i <= k; i++) print order[i] > (dir "/order"); exit bad }
' "$SRC/README.md" || fail "malformed recipe markers"
[ -s "$WORK/order" ] || fail "README.md marks no recipe"

# The --help examples that run as written: the prove and the lint lines (with $URL for the URL).
"$AC" --help | sed -n '/^Examples:/,/^$/p' | grep -E 'prove|authconform lint' \
  | sed -E 's#^ +##; s#http://127\.0\.0\.1:8080/apiops#"$URL"#' >"$WORK/help.server.sh"
grep -q prove "$WORK/help.server.sh" || fail "--help has no prove example"
echo "$WORK/help.server.sh" >>"$WORK/order"

# shellcheck source=../lib/server.sh
. "$SRC/tests/lib/server.sh"
SERVER_PID=""
trap stop_servers EXIT
pw() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
MAIN_PW=$(pw) SHORT_PW=$(pw) THROW_PW=$(pw) LIMITED_PW=$(pw)
# The permission checks' limited account: no roles (a users file: no password in argv).
printf -- '- { username: ci-limited, password: "%s", roles: [] }\n' "$LIMITED_PW" >"$WORK/limited.yaml"
start_server base SERVER_PID --out "$WORK/server.log" --err "$WORK/server.log" -- \
  "$REF" --port 0 --admin --user "ci:$MAIN_PW" --user "ci-expiry:$SHORT_PW:3" --user "ci-throwaway:$THROW_PW" \
  --users "$WORK/limited.yaml" || fail "the reference server did not start"
server_env=(URL="$base/apiops" APINIZER_USERNAME=ci APINIZER_PASSWORD="$MAIN_PW"
  APINIZER_EXPIRY_USERNAME=ci-expiry APINIZER_EXPIRY_PASSWORD="$SHORT_PW"
  APINIZER_THROWAWAY_USERNAME=ci-throwaway APINIZER_THROWAWAY_PASSWORD="$THROW_PW"
  APINIZER_LIMITED_USERNAME=ci-limited APINIZER_LIMITED_PASSWORD="$LIMITED_PW"
  APINIZER_EXPIRED_TOKEN="$("$REF" admin mint --url "$base" --username ci --kind expired)"
  APINIZER_REVOKED_TOKEN="$("$REF" admin mint --url "$base" --username ci --kind revoked)"
  APINIZER_REVOKE_COMMAND="'$REF' admin revoke --url $base")

failed=0 ran=0
while read -r f; do
  name=$(basename "$f" .sh)
  d="$WORK/run-$name"
  mkdir -p "$d"
  ln -s "$BUILD" "$d/build"; ln -s "$SRC/cases" "$d/cases"; ln -s "$SRC/tests" "$d/tests"
  if [ "${name##*.}" = install ]; then
    # An installing recipe runs in the source tree on this build, installing into a temporary
    # prefix instead of /usr/local, sudo being a no-op; then the installed program must work.
    printf '#!/bin/sh\nexec "$@"\n' >"$WORK/bin/sudo"; chmod +x "$WORK/bin/sudo"
    sed -E "s#/usr/local#$d/prefix#g; s#(-B|--build|--install) build( |\$)#\1 $BUILD\2#g" "$f" >"$d/recipe.sh"
    ( cd "$SRC" && timeout 300 bash -eo pipefail "$d/recipe.sh" ) >"$d/stdout" 2>"$d/stderr" </dev/null
    rc=$?
    rm -f "$WORK/bin/sudo"
    if [ $rc = 0 ]; then
      n=$(env -u AUTHCONFORM_SUITE "$d/prefix/bin/authconform" --list 2>>"$d/stderr" | wc -l)
      [ "$n" -gt 0 ] && [ -f "$d/prefix/share/bash-completion/completions/authconform" ] || rc=99
    fi
    ran=$((ran + 1))
    if [ $rc = 0 ]; then echo "ok - $name (into $d/prefix)"; else
      failed=$((failed + 1)); echo "not ok - $name: exit $rc"; sed 's/^/    | /' "$d/recipe.sh"; tail -20 "$d/stderr"; fi
    continue
  fi
  envs=()
  for v in $(compgen -e | grep -E '^(APINIZER|AUTHCONFORM)_|^URL$'); do envs+=(-u "$v"); done
  case $name in *.server) envs+=("${server_env[@]}") ;; esac
  ( cd "$d" && env "${envs[@]}" timeout 300 bash -eo pipefail "$f" ) >"$d/stdout" 2>"$d/stderr" </dev/null
  rc=$?
  ran=$((ran + 1))
  if [ $rc = 0 ]; then
    echo "ok - $name"
  else
    failed=$((failed + 1))
    echo "not ok - $name: exit $rc"
    sed 's/^/    | /' "$f"
    echo "    stderr:"; tail -20 "$d/stderr" | sed 's/^/    > /'
  fi
  ! grep -qF "$MAIN_PW" "$d/stdout" "$d/stderr" || { failed=$((failed + 1)); echo "not ok - $name: the password reached the output"; }
done <"$WORK/order"
echo "docs.recipes: $ran recipes, $failed failed"
[ $failed = 0 ]
