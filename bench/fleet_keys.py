#!/usr/bin/env python3
"""Key-to-paint latency of the console: run it on a pseudo-terminal of
200x60, wait WARMUP seconds, then press j (move the selection) COUNT times
and time each press until the terminal receives the repaint that moves the
selection marker ('>').  Prints one millisecond figure per line.

Usage: fleet_keys.py WARMUP COUNT -- COMMAND..."""
import fcntl, os, pty, select, struct, sys, termios, time

warmup, count = float(sys.argv[1]), int(sys.argv[2])
cmd = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))


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
for i in range(count):
    drain(0.3)
    key = b"j" if i % 2 == 0 else b"k"
    t = time.monotonic()
    os.write(fd, key)
    got = b""
    while time.monotonic() - t < 2:
        r, _, _ = select.select([fd], [], [], 2)
        if r:
            got += os.read(fd, 65536)
            if b">" in got:
                break
    print("%.1f" % ((time.monotonic() - t) * 1000), flush=True)
os.write(fd, b"q")
drain(1)
try:
    os.waitpid(pid, 0)
except ChildProcessError:
    pass
