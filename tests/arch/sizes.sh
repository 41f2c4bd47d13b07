#!/bin/bash
# arch.sizes: keeps the house easy to change (issue 14). No source file of runner/, result/,
# reports/ or refserver/ over MAX_FILE lines, and no function over MAX_FUNC lines as pmccabe
# counts them (its fifth column). A file or function that grows past the limit is split by
# concept, not by line count; the limits are where a reader stops seeing one job.
# Usage: sizes.sh SOURCE_DIR. Exit 77 (skipped) without pmccabe, unless CI is set.
set -u
SRC=${1:?usage: sizes.sh SOURCE_DIR}
MAX_FILE=${MAX_FILE:-700}
MAX_FUNC=${MAX_FUNC:-120}
cd "$SRC" || exit 1
mapfile -t files < <(find runner result reports refserver -name '*.[ch]' | sort)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no sources found under $SRC" >&2; exit 1; }
rc=0
for f in "${files[@]}"; do
  n=$(wc -l <"$f")
  if [ "$n" -gt "$MAX_FILE" ]; then echo "FAIL: $f has $n lines (limit $MAX_FILE)" >&2; rc=1; fi
done
if ! command -v pmccabe >/dev/null 2>&1; then
  [ -n "${CI:-}" ] && { echo "FAIL: pmccabe is not installed (scripts/setup --tests)" >&2; exit 1; }
  echo "SKIP: pmccabe is not installed (scripts/setup --tests); file sizes checked: rc=$rc" >&2
  [ $rc -ne 0 ] && exit $rc
  exit 77
fi
# pmccabe: modified CC, CC, statements, first line, lines, "file(line): name".
out=$(pmccabe "${files[@]}" 2>/dev/null | sort -u)
[ -n "$out" ] || { echo "FAIL: pmccabe measured no function" >&2; exit 1; }
over=$(awk -v max="$MAX_FUNC" '$5 > max { print "FAIL: " $6 " " $7 " has " $5 " lines (limit " max ")" }' <<<"$out")
if [ -n "$over" ]; then echo "$over" >&2; rc=1; fi
count=$(wc -l <<<"$out")
largest=$(sort -k5 -n -r <<<"$out" | head -1 | awk '{print $7 " in " $6 ", " $5 " lines"}')
echo "arch.sizes: ${#files[@]} files (limit $MAX_FILE lines), $count functions (limit $MAX_FUNC); largest: $largest"
exit $rc
