# bash completion for authconform. Everything comes from the program being completed, so it
# cannot drift from the option table: options from `--help-options`, subcommands from the usage
# lines of `--help`, test ids and tags from `--list` (the suite named by --suite, else the default
# one; with --issuer the generic suite, without fetching its metadata). Installed as
# share/bash-completion/completions/authconform.

# _authconform_candidates PROG PREV CUR CWORD WORDS...: prints the candidates for word CUR (at
# index CWORD of WORDS) after word PREV, one per line, then a last line naming how
# to finish: "words", "files" or "none". Kept apart from the completion function so that tests
# can call it (tests/completion/completion.sh).
_authconform_candidates() {
    local prog=$1 prev=$2 cur=$3 cword=$4
    shift 4
    local -a words=("$@")
    local suite=() w i
    for ((i = 0; i < ${#words[@]}; i++)); do
        w=${words[i]}
        case $w in
            --suite) suite=(--suite "${words[i+1]}") ;;
            --suite=*) suite=(--suite "${w#--suite=}") ;;
            --issuer|--issuer=*) [ ${#suite[@]} -eq 0 ] && suite=(--suite oauth2) ;;
        esac
    done
    local line name short arg help
    if [[ $prev == -* ]]; then
        while IFS=$'\t' read -r name short arg help; do
            [[ $prev == "$name" || $prev == "$short" ]] || continue
            case $name in
                --profile) printf '%s\n' documented rfc; echo words; return ;;
                --suite) printf '%s\n' apinizer oauth2 none; echo files; return ;;
                --tags|--skip-tags|--include|--allow-skip|--id)
                    local col=3 pre=""
                    [ "$name" = --id ] && col=1
                    [[ $cur == *,* ]] && pre=${cur%,*},
                    "$prog" --list --include slow,intrusive "${suite[@]}" 2>/dev/null \
                        | cut -f"$col" | tr ',' '\n' | sort -u | sed "/^\$/d; s/^/$pre/"
                    echo words; return ;;
            esac
            case $arg in
                -) break ;;
                *[A-Z]*) case $arg in *FILE*|*.json*) echo files; return ;; esac
                         echo none; return ;;
                *'|'*) tr '|' '\n' <<<"$arg"; echo words; return ;;
            esac
            echo none; return
        done < <("$prog" --help-options 2>/dev/null)
    fi
    if [[ $cur == -* ]]; then
        "$prog" --help-options 2>/dev/null | cut -f1,2 | tr '\t' '\n' | grep -v '^-$'
        echo words; return
    fi
    if [ "$cword" = 1 ]; then
        "$prog" --help 2>/dev/null | sed -n '1,/^$/ s/^ *\(Usage:\)\{0,1\} *authconform \[\{0,1\}\([a-z][a-z-]*\).*/\2/p'
    fi
    echo files
}

_authconform() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # --opt=value: bash splits at '=' (COMP_WORDBREAKS)
    if [[ $cur == = ]]; then cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then prev=${COMP_WORDS[COMP_CWORD-2]}; fi
    local out how
    out=$(_authconform_candidates "${COMP_WORDS[0]}" "$prev" "$cur" "$COMP_CWORD" "${COMP_WORDS[@]}")
    how=${out##*$'\n'}
    [[ $out == *$'\n'* ]] && out=${out%$'\n'*} || out=""
    COMPREPLY=()
    local IFS=$'\n'
    [ -n "$out" ] && COMPREPLY=($(compgen -W "$out" -- "$cur"))
    if [ "$how" = files ]; then
        COMPREPLY+=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
    [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *, ]] && compopt -o nospace 2>/dev/null
    return 0
}
complete -F _authconform authconform
