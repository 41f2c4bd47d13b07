#!/usr/bin/env bash
# Editor support: every bundled case file (cases/, at any depth, new files too) starts with
#   # yaml-language-server: $schema=<relative path to docs/case-format.schema.json>
# so YAML editors validate and complete it; the path must lead to the schema from the file's
# directory (../docs/case-format.schema.json for cases/*.yaml).
#   check_schema_comment.sh SOURCE_DIR
set -u
SRC=$(cd "$1" && pwd)
schema="$SRC/docs/case-format.schema.json"
[ -f "$schema" ] || { echo "FAIL: $schema missing"; exit 1; }
n=0 bad=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  first=$(head -n 1 "$f")
  rel=${f#"$SRC/cases/"}
  depth=$(printf '%s' "$rel" | tr -cd '/' | wc -c)
  up=".."; for _ in $(seq 1 "$depth"); do up="$up/.."; done
  want="# yaml-language-server: \$schema=$up/docs/case-format.schema.json"
  if [ "$first" != "$want" ]; then
    echo "FAIL: ${f#"$SRC/"}: first line is '$first', expected '$want'"
    bad=$((bad + 1))
    continue
  fi
  target=$(cd "$(dirname "$f")" && cd "$(dirname "${want#*\$schema=}")" 2>/dev/null && pwd)/case-format.schema.json
  [ "$target" = "$schema" ] || { echo "FAIL: ${f#"$SRC/"}: the schema path does not lead to $schema"; bad=$((bad + 1)); }
done < <(find "$SRC/cases" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0)
[ "$n" -gt 0 ] || { echo "FAIL: no case files under $SRC/cases"; exit 1; }
echo "schema comment: $n case files, $bad without the editor schema line"
[ "$bad" = 0 ]
