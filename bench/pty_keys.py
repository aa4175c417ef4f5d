#!/usr/bin/env python3
"""Key-to-paint latency of the console on a pseudo-terminal of its own
(no terminal multiplexer in between): run COMMAND on a pty of ROWSxCOLS
(60x200), wait WARMUP seconds, type the SETUP keys (if any) and wait
again, then press j and k in turn COUNT times and time each press until
the terminal receives the repaint that shows it: output holding MARKER
(default '>', the selection marker of the fleet's rows).  Prints one
millisecond figure per line; a press that shows nothing within 2 s
prints 2000 and counts as such.

Usage: pty_keys.py WARMUP COUNT [--marker M] [--setup KEYS] [--size ROWSxCOLS]
                   [--runs N] -- COMMAND...
--runs N: the j/k presses go N at a time one way, then back (default 1:
j, k, j, k...), so a list can be walked without reaching its end."""
import fcntl, os, pty, select, struct, sys, termios, time

args = sys.argv[1:sys.argv.index("--")]
cmd = sys.argv[sys.argv.index("--") + 1:]
warmup, count = float(args[0]), int(args[1])
opts = dict(zip(args[2::2], args[3::2]))
marker = opts.get("--marker", ">").encode()
setup = opts.get("--setup", "").encode()
rows, cols = (int(x) for x in opts.get("--size", "60x200").split("x"))
runs = int(opts.get("--runs", "1"))
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def drain(seconds):
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                return


drain(warmup)
for c in setup:
    os.write(fd, bytes([c]))
    drain(1)
for i in range(count):
    drain(0.02 + (i % 7) * 0.013)	# presses spread over the poll cycle
    key = b"j" if (i // runs) % 2 == 0 else b"k"
    t = time.monotonic()
    os.write(fd, key)
    got = b""
    while time.monotonic() - t < 2:
        r, _, _ = select.select([fd], [], [], 2)
        if r:
            got += os.read(fd, 65536)
            if marker in got:
                break
    print("%.1f" % ((time.monotonic() - t) * 1000), flush=True)
os.write(fd, b"q")
drain(1)
try:
    os.waitpid(pid, 0)
except ChildProcessError:
    pass
