#!/usr/bin/env python3
"""bench/massif_heap.py MASSIF_OUT [WARM_S]: the live heap of a run under
valgrind --tool=massif --time-unit=ms (as bench/soak runs it with
SOAK_WRAP), one line per 10 s window: the peak and the least of the useful
heap (mem_heap_B) and of the allocator's overhead (mem_heap_extra_B), and
the growth of the peak from the first window after WARM_S (default 60)
to the last.  This is what the program holds; RSS adds what the allocator
keeps mapped after a free."""
import re
import sys


def snapshots(path):
    snap = {}
    for line in open(path):
        m = re.match(r"(time|mem_heap_B|mem_heap_extra_B)=(\d+)", line)
        if m:
            snap[m.group(1)] = int(m.group(2))
            if m.group(1) == "mem_heap_extra_B":
                yield snap["time"] / 1000.0, snap["mem_heap_B"], snap["mem_heap_extra_B"]
                snap = {}


def main():
    warm = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    win = {}
    for t, heap, extra in snapshots(sys.argv[1]):
        win.setdefault(int(t // 10), []).append((heap, extra))
    if not win:
        print("no snapshots in %s" % sys.argv[1])
        return 2
    print("  %6s %11s %11s %11s" % ("t s", "heap max KiB", "heap min KiB", "extra max KiB"))
    for k in sorted(win):
        h = [a for a, _ in win[k]]
        e = [b for _, b in win[k]]
        print("  %6d %11d %11d %11d" % (k * 10 + 10, max(h) // 1024, min(h) // 1024, max(e) // 1024))
    after = [k for k in sorted(win) if k * 10 >= warm]
    if len(after) >= 2:
        first = max(a for a, _ in win[after[0]])
        last = max(a for a, _ in win[after[-1]])
        print("heap peak %d KiB at %ds, %d KiB at %ds: %+.1f%%" % (
            first // 1024, after[0] * 10 + 10, last // 1024, after[-1] * 10 + 10, 100.0 * (last - first) / first))
    return 0


if __name__ == "__main__":
    sys.exit(main())
