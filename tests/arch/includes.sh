#!/bin/sh
# Dependencies point one way (issue 14): the result model (result/) includes nothing of the
# runner or the writers, and the writers (reports/) nothing of the runner. Includes are bare names
# (every folder is an include directory), so this looks each quoted include up by name: one that
# names a header living under runner/ (or, from result/, under reports/) is a wrong-way
# dependency. Prints each with file:line and fails. Usage: includes.sh SOURCE_DIR
set -eu
src=${1:?usage: includes.sh SOURCE_DIR}
cd "$src"
bad=0
check() {   # check DIR FORBIDDEN_DIR...: DIR's files must not include a header of those dirs
    dir=$1; shift
    for f in "$dir"/*.c "$dir"/*.h; do
        [ -e "$f" ] || continue
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r hit; do
            line=${hit%%:*}
            name=$(printf '%s\n' "$hit" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
            for forbidden in "$@"; do
                where=$(find "$forbidden" -name "$(basename "$name")" -type f | head -n 1)
                if [ -n "$where" ]; then
                    echo "$f:$line: includes \"$name\" ($where): $dir/ must not depend on $forbidden/"
                fi
            done
        done
    done
}
out=$(check result runner reports; check reports runner)
if [ -n "$out" ]; then
    printf '%s\n' "$out"
    echo "FAIL: wrong-way includes (see CMakeLists.txt: result <- reports <- runner)"
    exit 1
fi
echo "ok: result/ and reports/ include nothing from runner/, result/ nothing from reports/"
