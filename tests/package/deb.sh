#!/usr/bin/env bash
# Builds the .deb with CPack from the build directory and checks its contents, metadata and that
# the packaged program finds its packaged suite.
#   deb.sh BUILD_DIR WORK VERSION
set -u
BUILD=$1 WORK=$2 VERSION=$3
fail() { echo "FAIL [package.deb]: $*" >&2; exit 1; }
if ! command -v dpkg-deb >/dev/null || ! command -v cpack >/dev/null; then
  [ -n "${CI:-}" ] && fail "dpkg-deb or cpack missing"
  echo "SKIP: dpkg-deb or cpack is not installed"; exit 77
fi
rm -rf "$WORK"; mkdir -p "$WORK"
(cd "$BUILD" && cpack -G DEB -B "$WORK" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack failed"; }
deb=$(ls "$WORK"/authconform_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$WORK/cpack.log"; fail "no authconform_*.deb in $WORK"; }
dpkg-deb -c "$deb" | awk '{print $6}' >"$WORK/contents"
for f in ./usr/bin/authconform ./usr/bin/authconform-refserver ./usr/share/authconform/suite/apinizer.yaml \
         ./usr/share/authconform/cases/bearer.yaml ./usr/share/authconform/docs/case-format.schema.json \
         ./usr/share/man/man1/authconform.1.gz ./usr/share/doc/authconform/README.md \
         ./usr/share/doc/authconform/run-record.schema.json \
         ./usr/share/bash-completion/completions/authconform ./usr/share/zsh/vendor-completions/_authconform; do
  grep -qxF "$f" "$WORK/contents" || { cat "$WORK/contents"; fail "$f is not in the package"; }
done
! grep -q '^\./usr/local/' "$WORK/contents" || fail "the package installs under /usr/local"
[ "$(dpkg-deb -f "$deb" Package)" = authconform ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$VERSION" ] || fail "Version: $(dpkg-deb -f "$deb" Version)"
depends=$(dpkg-deb -f "$deb" Depends)
for p in libcurl4 libcjson1 libyaml-0-2 libssl3 libmicrohttpd12; do
  grep -qE "(^|, )$p( |,|$)" <<<"$depends" || fail "Depends lacks $p: $depends"
done
# The packaged program, unpacked anywhere, finds the packaged suite.
dpkg-deb -x "$deb" "$WORK/root"
n=$(env -u AUTHCONFORM_SUITE "$WORK/root/usr/bin/authconform" --list | wc -l)
[ "$n" -gt 0 ] || fail "the packaged program lists no test"
# The packaged bash completion offers the packaged program's options and the suite's tags.
got=$(bash -c 'source "$1"; COMP_WORDS=("$2" --tags ""); COMP_CWORD=2; _authconform; printf "%s\n" "${COMPREPLY[@]}"' _ \
      "$WORK/root/usr/share/bash-completion/completions/authconform" "$WORK/root/usr/bin/authconform")
grep -qx bearer <<<"$got" || fail "the packaged bash completion does not offer --tags bearer: $got"
echo "ok - package.deb: $(basename "$deb"), $(wc -l <"$WORK/contents") entries, Depends: $depends"
