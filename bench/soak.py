#!/usr/bin/env python3
"""The soak driver behind bench/soak (python3 standard library only).

bench/soak starts the sandbox and writes the config; this program runs the
console in tmux and, for SOAK_S seconds, churns alerts and silences in the
real Alertmanagers, streams log lines (some hostile) into the Loki
stand-in, kills and restarts backends, presses keys and takes audited
actions; it samples the console every 10 s and checks the promises of
doc/reliability.md at the end.  Prints a sample table, one "ok"/"not ok"
line per check (TAP) and a verdict; exit 1 when a check failed.
"""

import argparse
import collections
import datetime
import json
import os
import random
import re
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

A = None          # parsed arguments
P = {}            # ports.env
T0 = 0.0          # monotonic start of the soak
STOP = threading.Event()
SCREEN_STOP = threading.Event()
LOG_LOCK = threading.Lock()
ALERT_NAMES = ["HostHighCpuUsage", "HostHighMemoryUsage", "HostDiskSpaceLow", "ServiceDown",
               "ApiLatencyHigh", "DatabaseConnectionPoolExhausted", "BackupTooOld",
               "CertificateExpiry", "QueueBacklog", "LoginFailures"]
HEALTH_ROW = re.compile(r"^│(\S+)\s+(alertmanager 127\.0\.0\.1:\d+|postgres|loki|redis|prometheus)\s")


def el():
    return time.monotonic() - T0


def log(msg):
    with LOG_LOCK:
        print("# %7.1fs %s" % (el(), msg), flush=True)


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def http(method, url, body=None, timeout=5):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (OSError, ValueError):
        return 0, b""


def sh(*cmd, check=False, timeout=60):
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout)


# ------------------------------------------------------------------ tmux ----
class Tmux:
    def __init__(self, sock):
        self.sock = sock
        self.lock = threading.Lock()

    def run(self, *args):
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True)

    def keys(self, *k):
        self.run("send-keys", "-t", "t", *k)

    def screen(self):
        return self.run("capture-pane", "-t", "t", "-p").stdout

    def dead(self):
        return self.run("display", "-p", "-t", "t", "#{pane_dead}").stdout.strip() == "1"

    def wait(self, pred, limit):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            s = self.screen()
            if pred(s):
                return True
            time.sleep(0.02)
        return False


TM = None
LOAD0 = "-"


def console_pid():
    """The ceres-top process: the child of the pane's shell."""
    pane = TM.run("display", "-p", "-t", "t", "#{pane_pid}").stdout.strip()
    if not pane:
        return None
    for task in os.listdir("/proc/%s/task" % pane):
        try:
            kids = open("/proc/%s/task/%s/children" % (pane, task)).read().split()
        except OSError:
            continue
        for k in kids:
            try:
                exe = os.path.basename(os.readlink("/proc/%s/exe" % k))
                # under SOAK_WRAP=valgrind… the process is the tool's (massif-amd64-linux)
                if exe.startswith("ceres-top") or (A.wrap and exe.endswith("-linux")):
                    return int(k)
            except OSError:
                pass
    return None


# ---------------------------------------------------------------- alerts ----
class Alerts(threading.Thread):
    """100 alerts a second created and as many resolved, 5,000 alive, in
    both Alertmanager peers (cluster off: each is sent everything, as
    Prometheus does); every 30 s the whole alive set is sent again."""

    def __init__(self):
        super().__init__(daemon=True)
        self.alive = collections.deque()
        self.lock = threading.Lock()
        self.seq = 0
        self.created = self.resolved = self.post_errors = 0
        self.peers = ["http://127.0.0.1:%s" % P["AM_PORT"], "http://127.0.0.1:%s" % P["AM2_PORT"]]

    def alert(self, i, ends):
        now = time.time()
        return {"labels": {"alertname": ALERT_NAMES[i % 10], "severity": ["critical", "warning"][i % 2],
                           "instance": "host-%06d.soak:9100" % i, "job": "soak", "team": "ops"},
                "annotations": {"summary": "%s on host-%06d" % (ALERT_NAMES[i % 10], i)},
                "startsAt": iso(now - 5), "endsAt": iso(ends)}

    def post(self, batch):
        for p in self.peers:
            st, _ = http("POST", p + "/api/v2/alerts", batch, timeout=10)
            if st != 200:
                self.post_errors += 1

    def resend_all(self):
        with self.lock:
            alive = list(self.alive)
        self.post([self.alert(i, time.time() + 3600) for i in alive])

    def run(self):
        for _ in range(A.alerts_alive):
            self.alive.append(self.seq)
            self.seq += 1
        self.resend_all()
        self.created += len(self.alive)
        last_full = time.monotonic()
        while not STOP.wait(1.0):
            batch = []
            self.lock.acquire()
            for _ in range(A.alerts_rate):
                i = self.alive.popleft()
                batch.append(self.alert(i, time.time() - 1))
                self.resolved += 1
                self.alive.append(self.seq)
                batch.append(self.alert(self.seq, time.time() + 3600))
                self.seq += 1
                self.created += 1
            self.lock.release()
            self.post(batch)
            if time.monotonic() - last_full > 30:
                self.resend_all()
                last_full = time.monotonic()


class Silences(threading.Thread):
    """A silence on a live alert every 5 s; the oldest expired beyond 20."""

    def __init__(self, alerts):
        super().__init__(daemon=True)
        self.alerts = alerts
        self.ids = collections.deque()
        self.added = self.expired = 0

    def run(self):
        am = "http://127.0.0.1:%s" % P["AM_PORT"]
        while not STOP.wait(5.0):
            with self.alerts.lock:
                i = random.choice(self.alerts.alive)
            body = {"matchers": [{"name": "instance", "value": "host-%06d.soak:9100" % i,
                                  "isRegex": False, "isEqual": True}],
                    "startsAt": iso(time.time()), "endsAt": iso(time.time() + 3600),
                    "createdBy": "soak", "comment": "soak churn"}
            st, out = http("POST", am + "/api/v2/silences", body)
            if st == 200:
                self.ids.append(json.loads(out)["silenceID"])
                self.added += 1
            while len(self.ids) > 20:
                if http("DELETE", am + "/api/v2/silence/" + self.ids.popleft())[0] == 200:
                    self.expired += 1


# ------------------------------------------------------------------ logs ----
HOSTILE = [
    "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 title \x1b[2J clear \x1b[?1049l alt",
    "C1 \x9b31m csi \x90dcs\x9c bidi \u202eevil\u202c zero\u200bwidth",
    "NUL \x00 DEL \x7f BEL \x07 BS \x08\x08 CR\rover",
    "lone surrogate \udcff and \ud800 end",
    "wide 漢字漢字 emoji 🦊🦊 combining e\u0301\u0301\u0301",
    "x" * 20000,
    "%s%s%n %p {{ }} \\u0000 \\x1b[31m",
]


class Logs(threading.Thread):
    """2,000 lines a second pushed into the Loki stand-in, 1 in 40 hostile."""

    def __init__(self):
        super().__init__(daemon=True)
        self.pushed = self.hostile = self.errors = 0

    def run(self):
        url = "http://127.0.0.1:%s/__loki/push" % P["LOKI_PORT"]
        per = max(1, A.log_rate // 10)
        n = 0
        nxt = time.monotonic()
        while not STOP.is_set():
            values = []
            for _ in range(per):
                n += 1
                if n % 40 == 0:
                    values.append(["", HOSTILE[(n // 40) % len(HOSTILE)]])
                    self.hostile += 1
                else:
                    values.append(["", "soak line %d level=info msg=\"request handled\" dur=%dms" % (n, n % 97)])
            body = {"streams": [{"stream": {"job": "soak", "app": "soak-%d" % (n % 3)}, "values": values}]}
            st, _ = http("POST", url, body)
            if st == 200:
                self.pushed += per
            else:
                self.errors += 1
            nxt += 0.1
            d = nxt - time.monotonic()
            if d > 0:
                STOP.wait(d)
            else:
                nxt = time.monotonic()


# ---------------------------------------------------------------- screen ----
class Screen(threading.Thread):
    """Reads the screen every 0.1 s; keeps (time, {backend: state word})
    for the frames where the health pane is visible."""

    def __init__(self):
        super().__init__(daemon=True)
        self.frames = collections.deque(maxlen=20000)

    def states(self, s):
        st = {}
        for line in s.splitlines():
            m = HEALTH_ROW.match(line)
            if m:
                name = m.group(2)
                if name.startswith("alertmanager"):
                    name = "alertmanager:" + name.rsplit(":", 1)[1]
                st[name] = m.group(1)
        return st

    def run(self):
        while not SCREEN_STOP.is_set():
            t = el()
            st = self.states(TM.screen())
            if st:
                # when the read began: a busy machine makes reads slow
                self.frames.append((t, st))
            SCREEN_STOP.wait(0.1)

    def seen(self, name, t0, t1, pred):
        for t, st in list(self.frames):
            if t0 <= t <= t1 and name in st and pred(st[name]):
                return t
        return None

    def last_before(self, name, t0, t1, pred):
        """The last read begun in [t0, t1) that showed pred."""
        r = None
        for t, st in list(self.frames):
            if t0 <= t < t1 and name in st and pred(st[name]):
                r = t
        return r


# ----------------------------------------------------------- redis proxy ----
class RedisProxy(threading.Thread):
    """The console reaches Redis through this TCP relay, so that the soak
    can drop its connections: drop() closes every open pair and, for the
    next second, closes new ones as soon as they are accepted."""

    def __init__(self, port, target):
        super().__init__(daemon=True)
        self.target = target
        # the port is in the ephemeral range: an outgoing connection of any
        # process may hold it as its local port for a while
        end = time.monotonic() + 30
        while True:
            try:
                self.srv = socket.create_server(("127.0.0.1", port))
                break
            except OSError as e:
                held = [" ".join(l.split()[3:5]) for l in sh("ss", "-tanH").stdout.splitlines()
                        if len(l.split()) > 3 and l.split()[3].endswith(":%d" % port)]
                log("redis relay port %d: %s; held by: %s" % (port, e.strerror, " | ".join(held[:3]) or "-"))
                if time.monotonic() > end:
                    raise
                time.sleep(2)
        self.pairs = set()
        self.lock = threading.Lock()
        self.refuse_until = 0.0
        self.dropped = 0

    def pump(self, a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for x in (a, b):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def run(self):
        while not SCREEN_STOP.is_set():
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            if time.monotonic() < self.refuse_until:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                c.close()
                self.dropped += 1
                continue
            try:
                u = socket.create_connection(self.target, timeout=2)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.pairs.add((c, u))
            threading.Thread(target=self.serve, args=(c, u), daemon=True).start()

    def serve(self, c, u):
        t = threading.Thread(target=self.pump, args=(u, c), daemon=True)
        t.start()
        self.pump(c, u)
        t.join()
        with self.lock:
            self.pairs.discard((c, u))
        c.close()
        u.close()

    def drop(self, seconds):
        self.refuse_until = time.monotonic() + seconds
        with self.lock:
            pairs = list(self.pairs)
        for c, u in pairs:
            for x in (c, u):
                try:
                    x.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.dropped += 1


PROXY = None


# ---------------------------------------------------------------- faults ----
class Faults(threading.Thread):
    """The outages, on the schedule from plan(); each is recorded as
    (backend, screen name, down_t, up_t) in monotonic soak seconds."""

    def __init__(self, plan_):
        super().__init__(daemon=True)
        self.plan = plan_
        self.outages = []
        self.errors = []
        self.quiet = threading.Event()   # set: keys keep the health pane visible

    def sandbox(self, *args):
        return sh(A.sandbox, *args[:1], A.sbdir, *args[1:], timeout=120)

    def pg_ready(self):
        return sh("pg_isready", "-q", "-h", "127.0.0.1", "-p", P["PG_PORT"], "-t", "1").returncode == 0

    def wait_until(self, pred, limit):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if pred():
                return True
            time.sleep(0.05)
        return False

    def postgres(self, hold):
        pidfile = os.path.join(A.sbdir, "postgres/data/postmaster.pid")
        if not os.path.exists(pidfile):
            self.errors.append("%.0fs: postgres was not running, not killed" % el())
            return
        pid = int(open(pidfile).readline())
        os.kill(pid, 9)
        down = el()
        self.wait_until(lambda: not self.pg_ready(), 5)
        log("postgres killed (-9, pid %d)" % pid)
        data = os.path.realpath(os.path.join(A.sbdir, "postgres/data"))

        def orphans():
            n = 0
            for d in os.listdir("/proc"):
                try:
                    n += d.isdigit() and os.readlink("/proc/%s/cwd" % d) == data
                except OSError:
                    pass
            return n
        STOP.wait(hold)
        self.wait_until(lambda: orphans() == 0, 10)
        self.quiet.set()
        # The port is in the ephemeral range: an outgoing connection (of the
        # console or of this driver) may hold it as its local port for a
        # while, and PostgreSQL cannot bind.  Try for a minute, say who.
        end = time.monotonic() + 60
        while True:
            r = self.sandbox("restart-one", "postgres")
            if r.returncode == 0:
                break
            holders = [l for l in sh("ss", "-tanpH").stdout.splitlines()
                       if len(l.split()) > 3 and l.split()[3].endswith(":" + P["PG_PORT"])]
            if holders:
                log("postgres port held by: " + " | ".join(" ".join(h.split()[3:]) for h in holders[:3]))
            if time.monotonic() > end or STOP.is_set():
                self.errors.append("postgres did not start again: " + r.stderr[-300:])
                break
            time.sleep(1)      # children of the killed postmaster still hold the shared memory
        self.wait_until(self.pg_ready, 30)
        up = el()
        self.outages.append(("postgres", "postgres", down, up))
        log("postgres back after %.1fs" % (up - down))

    def am_peer(self, hold):
        url = "http://127.0.0.1:%s/-/ready" % P["AM2_PORT"]
        self.sandbox("stop-one", "alertmanager2")
        down = el()
        log("alertmanager2 stopped")
        STOP.wait(hold)
        self.quiet.set()
        r = self.sandbox("restart-one", "alertmanager2")
        if r.returncode != 0:
            self.errors.append("alertmanager2 did not start again: " + r.stderr[-300:])
        self.wait_until(lambda: http("GET", url, timeout=1)[0] == 200, 30)
        up = el()
        ALERTS.resend_all()
        self.outages.append(("alertmanager2", "alertmanager:%s" % P["AM2_PORT"], down, up))
        log("alertmanager2 back after %.1fs" % (up - down))

    def loki(self, hold):
        base = "http://127.0.0.1:%s" % P["LOKI_PORT"]
        for path in ("/ready", "/loki/api/v1/"):
            http("POST", base + "/__fake/override",
                 {"path": path, "prefix": True, "status": 500, "body": "soak: injected 500\n"})
        down = el()
        log("loki answers 500")
        STOP.wait(hold)
        self.quiet.set()
        # reset drops the overrides (and the pushed lines: the stream goes on)
        http("POST", base + "/__fake/reset", {})
        up = el()
        self.outages.append(("loki", "loki", down, up))
        log("loki answers again")

    def redis(self, hold):
        # every connection of the console to Redis cut, and new ones for 1 s
        self.quiet.set()
        before = PROXY.dropped
        PROXY.drop(1.0)
        t = el()
        STOP.wait(1.0)
        log("redis: %d connection(s) dropped" % (PROXY.dropped - before))
        self.outages.append(("redis-drop", "redis", t, t + 1.0))

    def run(self):
        for at, kind, hold in self.plan:
            if STOP.wait(max(0, at - el())):
                return
            try:
                getattr(self, kind)(hold)
            except Exception as e:        # noqa: BLE001 - a fault that failed is a finding
                self.errors.append("%s: %r" % (kind, e))
            # let the console see the backend back before keys hide the pane again
            STOP.wait(3)
            self.quiet.clear()


def plan(S):
    """(at, kind, hold) in order.  At 600 s and more: PostgreSQL every
    120 s, an Alertmanager peer every 180 s, Loki 500 for 20 s every
    240 s, Redis drops every 100 s.  Shorter runs scale the periods (and
    holds) down, with every kind at least once; a fault that would not
    end before the last 12 s is left out."""
    k = min(1.0, S / 600.0)
    ev = []

    def every(period, first, kind, hold):
        t = first
        while t < S:
            ev.append((t, kind, hold))
            t += period
    long_run = S >= 600
    every(max(120 * k, 30), 60 if long_run else 0.25 * S, "postgres", max(5 * k, 3))
    every(max(180 * k, 40), 90 if long_run else 0.5 * S, "am_peer", max(5 * k, 3))
    every(max(240 * k, 50), 150 if long_run else 0.1 * S, "loki", max(20 * k, 4))
    every(max(100 * k, 40), 40 if long_run else 0.05 * S, "redis", 0)
    ev.sort()
    cost = {"postgres": 12, "am_peer": 10, "loki": 4, "redis": 3}   # hold not counted
    out, free = [], 0
    for at, kind, hold in ev:
        at = max(at, free)
        if at + hold + cost[kind] < S - 8:
            out.append((at, kind, hold))
            free = at + hold + cost[kind]
    return out


# ------------------------------------------------------------------ keys ----
class Keys(threading.Thread):
    """Keys all along; an audited action every AUDIT_EVERY s; the
    key-to-paint latency of '?' (help) every 2 s."""

    def __init__(self, faults, every):
        super().__init__(daemon=True)
        self.faults = faults
        self.every = every
        self.lat = []           # (t, ms)
        self.lat_fail = 0
        self.pressed = 0
        self.actions = []       # (t, action, confirmed)
        self.problems = []

    def press(self, *k):
        TM.keys(*k)
        self.pressed += len(k)

    def base(self):
        """Back to the five panes, focus Health, nothing open."""
        self.press("Escape", "Escape")
        s = TM.screen()
        if "2 Alerts" not in s:     # a zoomed pane
            self.press("z")
        self.press("1")

    def latency(self):
        t0 = time.monotonic()
        self.press("?")
        if TM.wait(lambda s: "move focus between panes" in s, 5):
            self.lat.append((el(), (time.monotonic() - t0) * 1000))
        else:
            self.lat_fail += 1
        self.press("Escape")
        TM.wait(lambda s: "move focus between panes" not in s, 3)

    def webhook(self):
        self.press("Escape", "w")
        if not TM.wait(lambda s: "Notification routes" in s, 5):
            self.problems.append("%.0fs: webhook menu did not open" % el())
            return
        self.press("Enter")
        if not TM.wait(lambda s: "Send a test message to soak" in s, 5):
            self.problems.append("%.0fs: webhook confirmation did not appear" % el())
            return
        self.press("y", "Enter")
        self.actions.append((el(), "webhook.test"))
        TM.wait(lambda s: "Send a test message" not in s, 5)
        self.press("Escape")

    def ack(self):
        self.base()
        self.press("2", "g", "A")
        if not TM.wait(lambda s: re.search(r"Acknowledge \d+ alerts? for 15 minutes\?|Type yes", s), 8):
            self.problems.append("%.0fs: ack confirmation did not appear" % el())
            self.press("Escape", "Escape")
            return
        s = TM.screen()
        if "Type yes" in s:
            self.press("-l", "yes")
            self.press("Enter")
        else:
            self.press("y", "Enter")
        self.actions.append((el(), "silence.ack"))
        TM.wait(lambda s: "acknowledged:" in s or "failed" in s, 10)
        self.press("Escape")

    def churn(self, r):
        """One random burst of ordinary keys."""
        c = r.randrange(10)
        if c == 0:
            self.press("2", "j", "j", "j", "Space", "k", "+", "-", "PageDown", "g")
        elif c == 1:
            self.press("3", "z")
            time.sleep(0.3)
            self.press("z")
        elif c == 2:
            self.press("2", "/")
            self.press("-l", "Host")
            self.press("Enter", "n", "n", "N", "Escape")
        elif c == 3:
            self.press("3", ":")
            self.press("-l", "filter soak")
            self.press("Enter")
            time.sleep(0.3)
            self.press("F", "Escape")
        elif c == 4:
            self.press("2", "S")
            time.sleep(0.4)
            self.press("Escape")
        elif c == 5:
            self.press(":")
            self.press("-l", "site other")
            self.press("Enter")
            time.sleep(1.0)
            self.press(":")
            self.press("-l", "site sandbox")
            self.press("Enter")
            time.sleep(0.5)
        elif c == 6:
            self.press("Tab", "Tab", "BTab", "4", "j", "5", "l", "h", "j")
        elif c == 7:
            self.press("3", "p")
            time.sleep(0.3)
            self.press("p", "W", "l", "h", "W")
        elif c == 8:
            self.press("1", "Enter")
            time.sleep(0.3)
            self.press("Escape", "r")
        else:
            self.press("3", "/")
            self.press("-l", "soak line [0-9]+")
            self.press("Enter", "n", "Escape")
        self.base()

    def run(self):
        r = random.Random(16)
        nxt_action = self.every * 0.5
        n = 0
        while not STOP.is_set():
            if self.faults.quiet.is_set():
                self.press("1", "j", "k")    # the health pane stays on screen
                STOP.wait(0.3)
                continue
            if el() >= nxt_action:
                (self.webhook if n % 2 == 0 else self.ack)()
                n += 1
                nxt_action += self.every
                self.base()
                continue
            self.latency()
            self.churn(r)
            STOP.wait(1.0)


# --------------------------------------------------------------- sampler ----
def read_heap(path):
    """The console's CERES_TOP_HEAP_STATS file: bytes held on the heap."""
    try:
        with open(path) as f:
            v = int(f.read().split()[1])
        return v if v > 0 else None
    except (OSError, IndexError, ValueError):
        return None


def proc_sample(pid, prev):
    st = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    ticks = int(st[11]) + int(st[12])
    rss = 0
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    fds = socks = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        fds += 1
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                socks += 1
        except OSError:
            pass
    kids = 0
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            kids += len(open("/proc/%d/task/%s/children" % (pid, task)).read().split())
        except OSError:
            pass
    now = time.monotonic()
    cpu = None
    if prev:
        hz = os.sysconf("SC_CLK_TCK")
        cpu = 100.0 * (ticks - prev[0]) / hz / (now - prev[1])
    return {"rss": rss, "fds": fds, "socks": socks, "kids": kids, "cpu": cpu}, (ticks, now)


# ------------------------------------------------------------------ main ----
ALERTS = None


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def psql(sql):
    r = sh("psql", "hostaddr=127.0.0.1 port=%s dbname=ceres_audit user=postgres connect_timeout=3" % P["PG_PORT"],
           "-XAt", "-c", sql)
    return r.returncode, r.stdout.strip()


def main():
    global A, P, T0, TM, ALERTS, PROXY, LOAD0
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--sbdir", required=True)
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--ceres", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--alerts-rate", type=int, default=100)
    ap.add_argument("--alerts-alive", type=int, default=5000)
    ap.add_argument("--log-rate", type=int, default=2000)
    ap.add_argument("--sample", type=float, default=10.0)
    ap.add_argument("--redis-proxy-port", type=int, required=True)
    ap.add_argument("--wrap", default="", help="command line put before the console (valgrind --tool=massif …)")
    A = ap.parse_args()
    LOAD0 = "%.1f %.1f %.1f" % os.getloadavg()
    for line in open(os.path.join(A.sbdir, "ports.env")):
        if "=" in line and not line.startswith("#"):
            k, v = line.strip().split("=", 1)
            P[k] = v
    S = A.seconds
    audit = os.path.join(A.dir, "audit.log")
    TM = Tmux("ceres-soak-%d" % os.getpid())
    heapf = os.path.join(A.dir, "heap")
    env = "env HOME=%s XDG_CONFIG_HOME=%s/xdg/config XDG_STATE_HOME=%s/xdg/state XDG_CACHE_HOME=%s/xdg/cache TERM=tmux-256color" % (
        (shlex.quote(A.dir),) * 4) + " CERES_TOP_HEAP_STATS=" + shlex.quote(heapf)
    wrap = os.path.join(A.dir, "wrap.sh")
    with open(wrap, "w") as f:
        # Two sites in the config (for :site switching): --site opens the
        # console on one of them, not on the sites screen.
        f.write("#!/bin/sh\n%s %s %s -c %s --site sandbox 2>%s/stderr.txt\necho \"exit=$?\" > %s/exit\nstty -a > %s/stty\n" % (
            env, A.wrap, shlex.quote(A.ceres), shlex.quote(A.config), A.dir, A.dir, A.dir))
    os.chmod(wrap, 0o755)

    PROXY = RedisProxy(A.redis_proxy_port, ("127.0.0.1", int(P["REDIS_PORT"])))
    PROXY.start()
    # load first, then the console: it starts with 5,000 alerts
    ALERTS = Alerts()
    T0 = time.monotonic()
    ALERTS.start()
    lg = Logs()
    lg.start()
    time.sleep(2)
    TM.run("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "200", "-y", "60", "-e",
           "TERM=tmux-256color", "sleep 86400")
    TM.run("set", "-t", "t", "remain-on-exit", "on")
    TM.run("respawn-pane", "-k", "-t", "t", "stty sane; exec " + wrap)
    slow = 4 if A.wrap else 1          # valgrind starts slowly
    if not TM.wait(lambda s: "ceres-top │ sandbox" in s, 15 * slow):
        print("Bail out! the console did not start: %s" % TM.screen()[:500])
        STOP.set()
        return 2
    TM.wait(lambda s: re.search(r"│up\s+postgres", s) and re.search(r"│up\s+redis", s), 15 * slow)
    pid = console_pid()
    log("console pid %s" % pid)
    sil = Silences(ALERTS)
    sil.start()
    scr = Screen()
    scr.start()
    pl = plan(S)
    log("plan: " + ", ".join("%s@%.0fs" % (k, at) for at, k, _ in pl))
    flt = Faults(pl)
    flt.start()
    keys = Keys(flt, max(10.0, 60.0 * S / 600.0) if S < 600 else 60.0)
    keys.start()

    samples = []
    prev = None
    nxt = A.sample
    crashed = None
    base_sample, _ = proc_sample(pid, None)
    # A restart takes longer on a busy machine: the soak runs on (up to the
    # soak's length, at most 120 s) until the last planned fault is over,
    # so each is checked; a one-minute run ends within about 3 minutes.
    heap = []               # (t, bytes held): the console rewrites the file once a second
    while el() < S or (flt.is_alive() and el() < S + min(120, S)):
        time.sleep(0.2)
        hb = read_heap(heapf)
        if hb is not None and (not heap or el() - heap[-1][0] >= 0.9):
            heap.append((el(), hb))
        if el() < nxt:
            continue
        nxt += A.sample
        if TM.dead() or not os.path.exists("/proc/%d" % pid):
            crashed = "%.0fs" % el()
            break
        if console_pid() != pid:
            crashed = "restarted at %.0fs" % el()
            break
        s, prev = proc_sample(pid, prev)
        s["t"] = el()
        lw = [ms for t, ms in keys.lat if t > s["t"] - A.sample]
        s["p50"], s["p99"] = pct(lw, 50), pct(lw, 99)
        s["nlat"] = len(lw)
        hw = [b for t, b in heap if t > s["t"] - A.sample]
        s["heap_min"], s["heap_max"] = (min(hw) // 1024, max(hw) // 1024) if hw else (None, None)
        samples.append(s)
        log("rss %d KiB fds %d socks %d kids %d cpu %s%% lat p50 %.0f ms" % (
            s["rss"], s["fds"], s["socks"], s["kids"],
            "%.1f" % s["cpu"] if s["cpu"] is not None else "-", s["p50"]))
    # quiet end: no faults left, loads stop, the console settles
    STOP.set()
    keys.join(10)
    flt.join(min(120, max(30, S / 2)))
    if flt.is_alive():
        flt.errors.append("a fault was still running at the end")
    end_state = None
    end_socks = []
    if crashed is None:
        TM.keys("Escape", "Escape", "1")
        time.sleep(max(3.0, 10 * A.interval))
        # in-flight rounds come and go: the least of five readings
        reads = []
        for _ in range(5):
            reads.append(proc_sample(pid, None)[0])
            time.sleep(0.3)
        end_state = min(reads, key=lambda r: (r["socks"], r["fds"]))
        end_socks = [l for l in sh("ss", "-tanpH").stdout.splitlines() if "pid=%d," % pid in l]

    # ---------------------------------------------------------- checks ----
    results = []

    def check(ok, what):
        results.append((bool(ok), what))

    check(crashed is None, "the console ran the whole soak, same pid %s%s" % (
        pid, "" if crashed is None else " (died: %s)" % crashed))
    # RSS cannot tell a leak from the allocator: glibc keeps freed memory
    # mapped, so RSS climbs to the high-water mark of the largest answer
    # parsed (5,000 alerts: megabytes of JSON held while a round lasts) and
    # stays near it.  What the console holds is the heap count it writes
    # (CERES_TOP_HEAP_STATS, read once a second): a leak raises its median
    # (its least dips when an Alertmanager peer comes back empty), its peak
    # is the largest answer.  Growth
    # compares two windows of equal length: the one after the first minute
    # (the first third of a short run) and the last one.  Without the count
    # (a C library that cannot say) RSS peaks are compared instead.
    warm = min(60.0, S / 3.0)
    win = max(60.0, S / 6.0) if S >= 300 else S / 3.0
    end_t = samples[-1]["t"] if samples else 0
    h0 = [b for t, b in heap if warm <= t < warm + win]
    h1 = [b for t, b in heap if t >= end_t - win]
    first = [s["rss"] for s in samples if warm <= s["t"] < warm + win]
    last = [s["rss"] for s in samples if s["t"] >= end_t - win]
    if len(h0) >= 5 and len(h1) >= 5:
        m0, m1 = statistics.median(h0), statistics.median(h1)
        g_med = 100.0 * (m1 - m0) / m0
        g_peak = 100.0 * (max(h1) - max(h0)) / max(h0)
        check(g_med <= 5.0, "heap held grows by %.1f%% (median %d KiB in %.0f-%.0fs, %d KiB in the last %.0fs; limit 5%%)" % (
            g_med, m0 // 1024, warm, warm + win, m1 // 1024, win))
        check(g_peak <= 10.0, "heap peak grows by %.1f%% (%d KiB in %.0f-%.0fs, %d KiB in the last %.0fs; limit 10%%)" % (
            g_peak, max(h0) // 1024, warm, warm + win, max(h1) // 1024, win))
        if first and last:
            log("RSS peak %d KiB in %.0f-%.0fs, %d KiB in the last %.0fs (%+.1f%%; not checked: the allocator's)" % (
                max(first), warm, warm + win, max(last), win, 100.0 * (max(last) - max(first)) / max(first)))
    elif first and last:
        r0, r1 = max(first), max(last)
        growth = 100.0 * (r1 - r0) / r0
        check(growth <= 5.0, "RSS grows by %.1f%% (no heap count; peak %d KiB in %.0f-%.0fs, %d KiB in the last %.0fs; limit 5%%)" % (
            growth, r0, warm, warm + win, r1, win))
    else:
        check(False, "memory: too few samples")
    if end_state:
        # the baseline is the steady state after the first minute: curl
        # keeps a bounded pool of idle connections, filled in the first rounds
        steady = [s for s in samples if warm <= s["t"] < warm + win] or samples[:1] or [base_sample]
        ref = {"fds": max(s["fds"] for s in steady), "socks": max(s["socks"] for s in steady),
               "t": steady[0].get("t", 0)}
        # The pool is as deep as the most transfers that ever ran at once to
        # one host, and that peak depends on when rounds of different
        # periods coincide: a later coincidence adds one or two idle
        # connections that were not in the window.  A leak is one socket
        # per fault or per round (dozens in a minute), so two over the
        # window's peak is the margin; a socket the peer closed and the
        # console did not (CLOSE-WAIT) is a leak whatever the count.
        slack = 2
        check(end_state["fds"] <= ref["fds"] + slack, "descriptors back to baseline (%d at the end, at most %d+%d in %.0f-%.0fs; %d faults)" % (
            end_state["fds"], ref["fds"], slack, warm, warm + win, len(pl)))
        check(end_state["socks"] <= ref["socks"] + slack, "sockets back to baseline (%d at the end, at most %d+%d in %.0f-%.0fs)" % (
            end_state["socks"], ref["socks"], slack, warm, warm + win))
        half_closed = [l for l in end_socks if l.split()[:1] == ["CLOSE-WAIT"]]
        check(not half_closed, "no socket left half-closed by a peer (%d in CLOSE-WAIT)" % len(half_closed))
        check(end_state["kids"] == 0, "no child process left (%d)" % end_state["kids"])
        if end_state["socks"] > ref["socks"] or half_closed:
            for l in end_socks:
                log("open at the end: " + " ".join(l.split()[:5]))
    else:
        check(False, "descriptors and sockets: the console is gone")
    check(not flt.errors, "every fault was injected and every backend came back%s" % (
        "" if not flt.errors else ": " + "; ".join(flt.errors)))
    check(not keys.problems, "every audited action reached its confirmation%s" % (
        "" if not keys.problems else ": " + "; ".join(keys.problems)))
    check(keys.lat and keys.lat_fail == 0, "every key-to-paint probe painted (%d probes, %d lost)" % (
        len(keys.lat), keys.lat_fail))

    # audit: file and PostgreSQL, exactly once
    lines = [json.loads(l) for l in open(audit)] if os.path.exists(audit) else []
    fids = [l["event_id"] for l in lines]
    wanted = collections.Counter(a for _, a in keys.actions)
    have = collections.Counter(l["action"] for l in lines)
    check(all(have[a] == n for a, n in wanted.items()),
          "every audited action is in the audit file once (%s taken, %s in the file)" % (
              dict(wanted), {a: have[a] for a in wanted}))
    check(len(fids) == len(set(fids)), "no event_id twice in the audit file (%d lines)" % len(fids))
    pg_ids = None
    end = time.monotonic() + 40
    while time.monotonic() < end:
        rc, out = psql("SELECT event_id FROM ceres_audit ORDER BY 1")
        if rc == 0:
            pg_ids = out.split()
            if sorted(pg_ids) == sorted(fids):
                break
        time.sleep(1)
    if pg_ids is None:
        check(False, "PostgreSQL audit table readable")
    else:
        check(len(pg_ids) == len(set(pg_ids)), "no event_id twice in PostgreSQL (%d rows)" % len(pg_ids))
        check(sorted(pg_ids) == sorted(fids), "PostgreSQL holds exactly the audit file's lines (%d rows, %d lines, %d missing, %d extra)" % (
            len(pg_ids), len(fids), len(set(fids) - set(pg_ids)), len(set(pg_ids) - set(fids))))
    spool = audit + ".spool"
    check(not os.path.exists(spool) or os.path.getsize(spool) == 0, "the audit spool is empty at the end")

    # recoveries
    limit = 2 * A.interval
    slack = 0.25            # the backend's answer, the paint, and the screen read every 0.1 s
    recov = []
    for name, row, down, up in flt.outages:
        # a down state painted just before the return is still on screen after it
        d = scr.seen(row, down, up + limit + slack, lambda w: w != "up")
        u = scr.seen(row, d if d is not None and d > up else up, up + 60, lambda w: w == "up")
        rt = None if u is None else u - up
        # the row turned up after the last read that still showed it down
        # began, and before the first read that showed it up: late only
        # when a read begun after the limit still showed it down (on a
        # busy machine reads of the screen come slower than every 0.1 s)
        ld = None if u is None else scr.last_before(row, up, u, lambda w: w != "up")
        late = 0.0 if ld is None else ld - up     # none: the first read after the return showed it up
        recov.append((name, up - down, rt))
        check(d is not None, "%s down at %.0fs: the screen showed it down (first at +%s s)" % (
            name, down, "-" if d is None else "%.1f" % (d - down)))
        check(rt is not None and late <= limit + slack, "%s back at %.0fs: shown up within two intervals (%s; limit %.2f s)" % (
            name, up, "never" if rt is None else "%sup in the read at %.2f s" % ("" if ld is None else "down in the read at %.2f s, " % late, rt),
            limit + slack))
    check(any(o[0] == "postgres" for o in flt.outages) and any(o[0] == "alertmanager2" for o in flt.outages)
          and any(o[0] == "loki" for o in flt.outages) and any(o[0] == "redis-drop" for o in flt.outages),
          "every kind of fault happened at least once")

    # the exit: q, status 0, terminal restored
    TM.keys("Escape", "q")
    TM.wait(lambda s: False, 0) or None
    end = time.monotonic() + (60 if A.wrap else 10)   # valgrind, leak check at exit
    while time.monotonic() < end and not TM.dead():
        time.sleep(0.1)
    ex = open(os.path.join(A.dir, "exit")).read().strip() if os.path.exists(os.path.join(A.dir, "exit")) else "none"
    check(ex == "exit=0", "q quits with status 0 (%s)" % ex)
    stty = open(os.path.join(A.dir, "stty")).read() if os.path.exists(os.path.join(A.dir, "stty")) else ""
    check(re.search(r"(^|\s)icanon(\s|$)", stty) and re.search(r"(^|\s)echo(\s|$)", stty),
          "terminal restored (icanon echo)")
    SCREEN_STOP.set()
    TM.run("kill-server")

    # ---------------------------------------------------------- report ----
    print("\nceres-top soak: %d s, interval %.1f s, %d alerts alive, %d created, %d resolved; "
          "%d silences added, %d expired; %d log lines pushed (%d hostile); %d keys pressed" % (
              S, A.interval, A.alerts_alive, ALERTS.created, ALERTS.resolved, sil.added, sil.expired,
              lg.pushed, lg.hostile, keys.pressed))
    print("\n  %6s %9s %9s %9s %5s %6s %5s %6s %9s %9s %5s" % ("t s", "RSS KiB", "heap min", "heap max", "fds", "socks",
                                                                 "kids", "cpu %", "p50 ms", "p99 ms", "keys"))
    for s in samples:
        print("  %6.0f %9d %9s %9s %5d %6d %5d %6s %9s %9s %5d" % (
            s["t"], s["rss"], "-" if s["heap_min"] is None else s["heap_min"],
            "-" if s["heap_max"] is None else s["heap_max"], s["fds"], s["socks"], s["kids"],
            "-" if s["cpu"] is None else "%.1f" % s["cpu"],
            "-" if s["nlat"] == 0 else "%.0f" % s["p50"], "-" if s["nlat"] == 0 else "%.0f" % s["p99"], s["nlat"]))
    if end_state:
        print("  %6s %9d %9s %9s %5d %6d %5d" % ("end", end_state["rss"], "", "", end_state["fds"], end_state["socks"],
                                               end_state["kids"]))
    allat = [ms for _, ms in keys.lat]
    print("\n  key-to-paint over the run: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d probes)" % (
        pct(allat, 50), pct(allat, 99), max(allat) if allat else float("nan"), len(allat)))
    print("  audit: %d actions taken, %d lines in the file, %s rows in PostgreSQL" % (
        len(keys.actions), len(fids), "-" if pg_ids is None else len(pg_ids)))
    print("  recoveries (outage length, backend back -> shown up):")
    for name, length, rt in recov:
        print("    %-14s down %5.1f s   shown up after %s" % (name, length, "never" if rt is None else "%.2f s" % rt))
    print()
    n_bad = 0
    for i, (ok, what) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
        n_bad += not ok
    print("1..%d" % len(results))
    print("load average at the start %s, at the end %s (%d cores)" % (
        LOAD0, "%.1f %.1f %.1f" % os.getloadavg(), os.cpu_count() or 0))
    if n_bad:
        # what the console said on stderr (sanitizer reports land there)
        err = os.path.join(A.dir, "stderr.txt")
        tail = open(err, errors="replace").read()[-3000:] if os.path.exists(err) else ""
        for l in tail.splitlines()[-40:]:
            print("# stderr: " + l)
    print("\nverdict: %s (%d of %d checks failed)" % ("PASS" if n_bad == 0 else "FAIL", n_bad, len(results)))
    return 0 if n_bad == 0 else 1


def on_term(sig, frame):
    # a timeout (the CI's) ends the soak: the finally below stops tmux and
    # bench/soak's trap stops the sandbox
    print("Bail out! soak ended by signal %d at %.0fs" % (sig, el() if T0 else 0), flush=True)
    sys.exit(3)


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    rc = 3
    try:
        rc = main()
    except Exception:
        import traceback
        traceback.print_exc()
        print("Bail out! soak: %s" % sys.exc_info()[1])
        rc = 2
    finally:
        STOP.set()
        SCREEN_STOP.set()
        if TM is not None:
            TM.run("kill-server")
    sys.exit(rc)
