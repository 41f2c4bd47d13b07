#!/bin/sh
# fuzz.replay: replay.sh PROGRAM CORPUS [PROGRAM CORPUS ...] runs each replay program
# (fuzz_replay_TARGET) once over its corpus directory; fails when any of them fails.
set -u
rc=0
while [ $# -ge 2 ]; do
  prog=$1 corpus=$2
  shift 2
  printf '%s: ' "$(basename "$prog")"
  "$prog" "$corpus" || { echo "fuzz.replay: $(basename "$prog") failed on $corpus" >&2; rc=1; }
done
exit $rc
