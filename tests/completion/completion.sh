#!/usr/bin/env bash
# The shell completions (completions/) in bash and zsh, called the way each shell calls them with
# a command line half typed: subcommands, options (exactly the option table, --help-options),
# --profile values, --tags from the suite (also after a comma, and from --suite oauth2's), the
# alternatives of --tap-version, files after --junit. zsh's completion builtins are replaced by
# test doubles that print what would be offered. Skips (77) without zsh unless CI is set.
#   completion.sh AUTHCONFORM SOURCE_DIR
set -u
AC=$1 SRC=$2
fail() { echo "FAIL [completion]: $*" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" && touch report-a.xml report-b.json

OPTS=$("$AC" --help-options | cut -f1 | sort)
[ "$(echo "$OPTS" | wc -l)" -gt 30 ] || fail "--help-options lists too few options: $OPTS"
# --help lists the same options as --help-options
HELP=$("$AC" --help | sed -n '/^Options:/,/^$/p' | grep -oE '^  (-[a-zA-Z], |    )--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort)
[ "$HELP" = "$OPTS" ] || fail "--help and --help-options differ: $(diff <(echo "$HELP") <(echo "$OPTS"))"
TAGS=$("$AC" --list --include slow,intrusive | cut -f3 | tr ',' '\n' | sed '/^$/d' | sort -u)
O2TAGS=$("$AC" --list --include slow,intrusive --suite oauth2 | cut -f3 | tr ',' '\n' | sed '/^$/d' | sort -u)
CMDS=$("$AC" --help | sed -n '1,/^$/ s/^ *\(Usage:\)\{0,1\} *authconform \[\{0,1\}\([a-z][a-z-]*\).*/\2/p' | sort)
for c in run lint merge diff report; do grep -qx "$c" <<<"$CMDS" || fail "--help's usage lacks $c: $CMDS"; done

# check SHELL LABEL GOT WANT: GOT (one per line, sorted) must equal WANT
check() {
  [ "$3" = "$4" ] || fail "$1: $2: offered
$3
expected
$4"
  echo "ok - $1: $2"
}
has() { grep -qx -- "$4" <<<"$3" || fail "$1: $2: '$4' not offered among: $(echo $3)"; echo "ok - $1: $2"; }

# ---- bash ----
bashc() {   # bashc WORD... (the last is the word being completed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _authconform
           printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/completions/authconform.bash" "$AC" "$@" | sort -u
}
check bash "options" "$(bashc --)" "$OPTS"
check bash "--pro" "$(bashc --pro)" "$(printf '%s\n' --profile --proxy)"
check bash "--profile" "$(bashc --profile '')" "$(printf '%s\n' documented rfc)"
check bash "--tags" "$(bashc --tags '')" "$TAGS"
check bash "--tags bearer,ex" "$(bashc --tags bearer,ex)" "bearer,expiry"
check bash "--tags=" "$(bashc --tags = '')" "$TAGS"
check bash "--suite oauth2 --tags" "$(bashc --suite oauth2 --tags '')" "$O2TAGS"
check bash "--tap-version" "$(bashc --tap-version '')" "$(printf '%s\n' 13 14)"
check bash "--junit r" "$(bashc --junit r)" "$(printf '%s\n' report-a.xml report-b.json)"
got=$(bashc '')
for c in $CMDS; do has bash "subcommand $c" "$got" "$c"; done
has bash "--id" "$(bashc --id 'BEARER-')" "BEARER-ALG-NONE"
bash -c "source '$SRC/completions/authconform.bash'; complete -p authconform" | grep -q -- '-F _authconform authconform' \
  || fail "bash: the completion is not registered for authconform"

# ---- zsh ----
if ! command -v zsh >/dev/null; then
  [ -n "${CI:-}" ] && fail "zsh is not installed (scripts/setup --tests installs it)"
  echo "SKIP: zsh is not installed (apt-get install zsh, or scripts/setup --tests)"
  exit 77
fi
zshc() {   # zshc WORD... (the last is the word being completed)
  zsh -f -c '
    fpath=("$1" $fpath); shift
    autoload -Uz _authconform
    compadd() { local -a a; a=("$@"); print -l -- "${(@)a[${a[(i)--]}+1,-1]}" }
    _files() { print -l -- *(N) }
    compset() { [[ $1 == -P && $words[CURRENT] == *,* ]] && print -r -- "PREFIX:${words[CURRENT]%,*},"; return 0 }
    _describe() { local -a d; d=("${(@P)4}"); print -l -- "${(@)d%%:*}" }
    words=("$@"); CURRENT=$#
    _authconform' _ "$SRC/completions" "$AC" "$@" | sort -u
}
has zsh "-j" "$(zshc -)" "-j"
check zsh "options" "$(zshc -- | grep -- '^--')" "$OPTS"
check zsh "--profile" "$(zshc --profile '')" "$(printf '%s\n' documented rfc)"
check zsh "--tags" "$(zshc --tags '')" "$TAGS"
check zsh "--suite oauth2 --tags" "$(zshc --suite oauth2 --tags '')" "$O2TAGS"
check zsh "--tap-version" "$(zshc --tap-version '')" "$(printf '%s\n' 13 14)"
check zsh "--junit" "$(zshc --junit '')" "$(printf '%s\n' report-a.xml report-b.json)"
got=$(zshc '')
for c in $CMDS; do has zsh "subcommand $c" "$got" "$c"; done
echo "ok - completion"
