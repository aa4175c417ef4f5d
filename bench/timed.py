#!/usr/bin/env python3
# bench/timed.py FILE CMD...: run CMD (its stdin, stdout and stderr are
# ours), append "WALL_SECONDS PEAK_RSS_KIB" to FILE, exit with CMD's code.
# Wall time to the microsecond (GNU time's %e has 10 ms steps, 4 % of a
# 250 ms run); the peak RSS is the child's own (wait4), as time's %M.
import os
import sys
import time

if len(sys.argv) < 3:
    sys.exit("usage: timed.py FILE CMD...")
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(sys.argv[1], "a") as f:
    f.write("%.6f %d\n" % (wall, ru.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
