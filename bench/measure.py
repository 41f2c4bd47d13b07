#!/usr/bin/env python3
"""measure.py COMMAND [ARGS...]: runs COMMAND (stdout and stderr to /dev/null unless
MEASURE_LOG names a file) and prints "WALL_SECONDS MAX_RSS_KIB EXIT_STATUS" for that process
alone (getrusage of the child through wait4, so nothing else on the machine is counted)."""
import os
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    log = os.environ.get("MEASURE_LOG")
    out = open(log, "ab") if log else subprocess.DEVNULL
    t0 = time.monotonic()
    p = subprocess.Popen(argv[1:], stdout=out, stderr=out)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    print(f"{wall:.4f} {ru.ru_maxrss} {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
