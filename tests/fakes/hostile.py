#!/usr/bin/env python3
"""A hostile HTTP backend for ceres-top tests (python3 stdlib only).

    hostile.py --port P [--other-port P2] [--other-host 127.0.0.2]
               [--tls PORT:CERT:KEY ...] [--ready-file F]

One local server; the first path segment chooses a misbehaviour, the rest
of the path is ignored, so a ceres-top source of any kind can be pointed at
it (`url = http://127.0.0.1:P/drip` makes Grafana's probe GET
/drip/api/health).  The answers are written by hand on the raw socket, so
they can be as broken as real networks and servers get:

    /ok/...              200 healthy JSON (a control)
    /malformed/...       200 application/json, a cut-off JSON document
    /truncated/...       Content-Length: 1 MiB, 1000 bytes sent, then close
    /huge/...            200 MB body with Content-Length, streamed from a
                         generator (never allocated)
    /huge-nolen/...      the same without Content-Length (close-delimited)
    /drip/...            headers at once, then the body at 1 byte/s
    /drip-headers/...    the status line and headers at 1 byte/s
    /redirect-loop/...   302 to itself, forever
    /redirect-other/...  302 to http://127.0.0.1:OTHER/... (another host:
                         the "other" listener records what it receives)
    /redirect-other2/... 302 to http://OTHER_HOST:OTHER/... (127.0.0.2)
    /gzip-bomb/...       Content-Encoding: gzip, ~250 KB that inflates to 256 MiB
    /wrong-type/...      200 text/html login page where JSON was expected
    /binary/...          200 application/json of random bytes
    /escape/...          JSON and a 503 body full of terminal escape sequences
    /ratelimit/N/...     429 with Retry-After: N (seconds)
    /ratelimit-date/N/.. 429 with Retry-After as an HTTP date N s ahead
    /status/CODE/...     that status (500, 502, 503, 504...) with a body
    /reset/...           read the request, then a TCP reset (SO_LINGER 0)
    /close/...           read the request, then close without a byte
    /not-http/...        an SSH banner instead of HTTP
    /huge-header/...     a 1 MB response header line
    /echo-auth/...       503 whose body repeats the request's credentials
                         (a backend that reflects secrets)
    /json-bomb/...       7.98 MB of "[0,0,0,...": 4 million values, under the cap
    /many/N/...          a valid Prometheus targets answer with N targets
                         (default 100000, ~5 MB: under the size cap)

Raw TCP listeners (--raw PORT:MODE) stand in for Redis or PostgreSQL:
    huge      after the first bytes, "$200000000" and an endless stream
    garbage   4 KB of random bytes with CRLFs, then close
    drip      one byte a second, forever
    silent    accept, read, never answer

With --print-config, nothing is served: the [service] sections of a
ceres-top config with one service per case are printed (append them to a
sandbox config), and with --print-expect one line per case,
"name<TAB>source error regex" (or "name<TAB>ok<TAB>detail regex"), for a
test to check `--once --format json` against.

Control (any listener): GET /__hostile/ping, GET /__hostile/requests
(JSON list of {"t", "listener", "path", "headers"}), POST
/__hostile/clear.  The "other" listeners answer every path with a healthy
200 and record everything: a test asserts that no credential reached them.
"""

import argparse
import email.utils
import json
import os
import random
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import zlib

MAX_RECORDED = 5000
HUGE_SIZE = 200 * 1024 * 1024
BOMB_SIZE = 256 * 1024 * 1024
CHUNK = 64 * 1024

LOCK = threading.Lock()
RECORDED = []
BOMB = {"data": None}
ARGS = None

JSON_BOMB = b"[" + b"0," * (4 * 1024 * 1024 - 200000) + b"0]"
HEALTHY = json.dumps({
    "status": "pass", "database": "ok", "version": "hostile",
    "installed": True, "maintenance": False, "needsDbUpgrade": False,
    "projects": [], "heartbeatList": {}, "publicGroupList": [],
    "data": {"activeTargets": []},
}).encode()


def gzip_bomb():
    """~250 KB of gzip that inflates to 256 MiB of zeros, built once, lazily."""
    with LOCK:
        if BOMB["data"] is not None:
            return BOMB["data"]
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [c.compress(zeros) for _ in range(BOMB_SIZE // len(zeros))]
    parts.append(c.flush())
    data = b"".join(parts)
    with LOCK:
        BOMB["data"] = data
    return data


def record(listener, path, headers):
    with LOCK:
        RECORDED.append({"t": time.time(), "listener": listener, "path": path,
                         "headers": headers})
        del RECORDED[:-MAX_RECORDED]


class Handler(socketserver.BaseRequestHandler):
    listener = "main"

    def setup(self):
        self.sock = self.request
        self.sock.settimeout(30)
        if self.server.tls is not None:
            try:
                self.sock = self.server.tls.wrap_socket(self.sock, server_side=True)
            except (ssl.SSLError, OSError):
                # The client refused our certificate: that is the point.
                self.sock = None

    # -- raw I/O ---------------------------------------------------------
    def read_request(self):
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            buf += chunk
            if len(buf) > 65536:
                return None
        head = buf.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 2:
            return None
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip()] = v.strip()
        return parts[0], parts[1], headers

    def send(self, data):
        self.sock.sendall(data)

    def answer(self, status, body=b"", ctype="application/json", extra=None,
               length=True, reason="Hostile"):
        h = ["HTTP/1.1 %d %s" % (status, reason), "Connection: close"]
        if ctype:
            h.append("Content-Type: " + ctype)
        if length:
            h.append("Content-Length: %d" % len(body))
        for k, v in (extra or {}).items():
            h.append("%s: %s" % (k, v))
        self.send(("\r\n".join(h) + "\r\n\r\n").encode("latin-1") + body)

    def handle(self):
        if self.sock is None:
            return
        try:
            req = self.read_request()
            if req is None:
                return
            method, path, headers = req
            if path.startswith("/__hostile/"):
                self.control(method, path)
                return
            record(self.listener, path, headers)
            self.behave(method, path, headers)
        except (OSError, ssl.SSLError):
            pass    # the client gave up on us: expected for most cases
        finally:
            try:
                self.sock.close()
            except OSError:
                pass

    def control(self, method, path):
        if path.startswith("/__hostile/ping"):
            self.answer(200, b"pong", "text/plain")
        elif path.startswith("/__hostile/requests"):
            with LOCK:
                body = json.dumps(RECORDED).encode()
            self.answer(200, body)
        elif path.startswith("/__hostile/clear"):
            with LOCK:
                RECORDED.clear()
            self.answer(200, b"{}")
        else:
            self.answer(404, b"{}")

    # -- behaviours ------------------------------------------------------
    def behave(self, method, path, headers):
        if self.listener != "main":
            self.answer(200, HEALTHY)
            return
        segs = [s for s in path.split("?", 1)[0].split("/") if s]
        what = segs[0] if segs else "ok"
        arg = segs[1] if len(segs) > 1 else ""
        rest = "/".join(segs[1:])
        fn = getattr(self, "b_" + what.replace("-", "_"), None)
        if fn is None:
            self.answer(404, b'{"error":"no such behaviour"}')
            return
        fn(arg, rest, headers)

    def b_ok(self, arg, rest, headers):
        self.answer(200, HEALTHY)

    def b_malformed(self, arg, rest, headers):
        self.answer(200, b'{"status": "pass", "database": "ok", "data": {"activeTargets": [{"labels": {"job"')

    def b_truncated(self, arg, rest, headers):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1048576\r\n\r\n" + b'{"status": "pass", "x": "' + b"a" * 975)
        # close with the promised body 1000 bytes in

    def _stream(self, total):
        block = (b'{"status":"pass","pad":"' + b"z" * (CHUNK - 32) + b'"}\n')[:CHUNK]
        sent = 0
        while total is None or sent < total:
            n = CHUNK if total is None else min(CHUNK, total - sent)
            self.send(block[:n])
            sent += n

    def b_huge(self, arg, rest, headers):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % HUGE_SIZE)
        self._stream(HUGE_SIZE)

    def b_huge_nolen(self, arg, rest, headers):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
        self._stream(HUGE_SIZE)

    def b_drip(self, arg, rest, headers):
        self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n\r\n")
        for _ in range(100000):
            self.send(b" ")
            time.sleep(1)

    def b_drip_headers(self, arg, rest, headers):
        for b in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" * 1000:
            self.send(bytes([b]))
            time.sleep(1)

    def b_redirect_loop(self, arg, rest, headers):
        self.answer(302, b"", None, {"Location": "/redirect-loop/" + rest})

    def b_redirect_other(self, arg, rest, headers):
        self.answer(302, b"", None, {
            "Location": "http://127.0.0.1:%d/%s" % (ARGS.other_port, rest)})

    def b_redirect_other2(self, arg, rest, headers):
        self.answer(302, b"", None, {
            "Location": "http://%s:%d/%s" % (ARGS.other_host, ARGS.other_port, rest)})

    def b_gzip_bomb(self, arg, rest, headers):
        self.answer(200, gzip_bomb(), "application/json", {"Content-Encoding": "gzip"})

    def b_wrong_type(self, arg, rest, headers):
        self.answer(200, b"<!DOCTYPE html><html><head><title>Sign in</title></head>"
                    b"<body><form>login</form></body></html>\n", "text/html; charset=utf-8")

    def b_binary(self, arg, rest, headers):
        rnd = random.Random(len(rest))
        self.answer(200, bytes(rnd.randrange(256) for _ in range(4096)))

    def b_escape(self, arg, rest, headers):
        evil = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x9b1m\u202eevil\x00nul\r\x08"
        if rest.endswith("ready") or arg == "503":
            self.answer(503, ("not ready " + evil + "\n").encode(), "text/plain")
        else:
            self.answer(200, json.dumps({"status": evil, "database": evil,
                                         "version": evil}).encode())

    def b_ratelimit(self, arg, rest, headers):
        self.answer(429, b'{"error":"slow down"}', "application/json",
                    {"Retry-After": str(int(arg or "5"))})

    def b_ratelimit_date(self, arg, rest, headers):
        when = email.utils.formatdate(time.time() + int(arg or "5"), usegmt=True)
        self.answer(429, b'{"error":"slow down"}', "application/json", {"Retry-After": when})

    def b_status(self, arg, rest, headers):
        code = int(arg) if arg.isdigit() and 100 <= int(arg) <= 999 else 500
        self.answer(code, b"<html><body>upstream exploded</body></html>\n", "text/html")

    def b_reset(self, arg, rest, headers):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def b_close(self, arg, rest, headers):
        pass

    def b_not_http(self, arg, rest, headers):
        self.send(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")

    def b_huge_header(self, arg, rest, headers):
        self.send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * (1024 * 1024) + b"\r\n\r\n{}")

    def b_many(self, arg, rest, headers):
        """Valid answers with as many items as fit in the size cap: N
        Prometheus targets (or Kuma monitors) of a few bytes each."""
        n = int(arg) if arg.isdigit() else 100000
        if rest.endswith("-/ready"):
            self.answer(200, b"Prometheus Server is Ready.\n", "text/plain")
            return
        items = b",".join(b'{"labels":{"job":"j","instance":"i%d"},"health":"%s"}'
                          % (i, b"up" if i % 7 else b"down") for i in range(n))
        self.answer(200, b'{"status":"success","data":{"activeTargets":[' + items + b"]}}")

    def b_json_bomb(self, arg, rest, headers):
        """7.98 MB of "[0,0,0,...": 4 million JSON values in a body under
        the 8 MiB size cap (a parsed tree of ~350 MB).  /-/ready answers 200 so a
        Prometheus source goes on to its targets."""
        if rest.endswith("-/ready"):
            self.answer(200, b"Prometheus Server is Ready.\n", "text/plain")
            return
        body = JSON_BOMB
        if "targets" in rest:
            body = b'{"status":"success","data":{"activeTargets":' + body + b"}}"
        self.answer(200, body)

    def b_echo_auth(self, arg, rest, headers):
        seen = " ".join("%s=%s" % (k, v) for k, v in headers.items()
                        if k.lower() in ("authorization", "x-redmine-api-key", "cookie"))
        self.answer(503, ("echo " + seen + "\n").encode("latin-1", "replace"), "text/plain")


# The cases a ceres-top config points at: service name, path, kind, extra
# config lines, and what --once must say (a source error regex, or "ok:"
# and a regex for the service detail).  %(o)d is the other port.
CASES = [
    ("h-malformed", "/malformed", "grafana", [], r"malformed answer, not JSON"),
    ("h-truncated", "/truncated", "grafana", [], r"transfer closed|remaining to read"),
    ("h-huge", "/huge", "grafana", [], r"response larger than \d+ bytes"),
    ("h-huge-nolen", "/huge-nolen", "grafana", [], r"response larger than \d+ bytes"),
    ("h-drip", "/drip", "grafana", [], r"[Tt]imed out"),
    ("h-drip-headers", "/drip-headers", "grafana", [], r"[Tt]imed out"),
    ("h-redirect-loop", "/redirect-loop", "grafana", [], r"too many redirects"),
    ("h-redir-auth", "/redirect-other/a", "http", ["token = HOSTILE-REDIRECT-TOKEN-1"],
     r"refused redirect to another host"),
    ("h-redir-key", "/redirect-other2/b", "http",
     ["token = HOSTILE-REDIRECT-KEY-2", "header = X-Redmine-API-Key"],
     r"refused redirect to another host"),
    ("h-redir-noauth", "/redirect-other/c", "http", [], r"ok:HTTP 200"),
    ("h-gzip-bomb", "/gzip-bomb", "grafana", [], r"response larger than \d+ bytes"),
    ("h-wrong-type", "/wrong-type", "grafana", [], r"not JSON \(Content-Type: text/html"),
    ("h-binary", "/binary", "grafana", [], r"malformed answer, not JSON"),
    ("h-escape", "/escape", "grafana", [], r"ok:database \u241b\]0;pwned\u2407"),
    ("h-ratelimit", "/ratelimit/30", "grafana", [], r"rate limited \(HTTP 429\), retry after 30s"),
    ("h-status-500", "/status/500", "grafana", [], r"HTTP 500"),
    ("h-status-502", "/status/502", "grafana", [], r"HTTP 502"),
    ("h-status-503", "/status/503", "grafana", [], r"HTTP 503"),
    ("h-reset", "/reset", "grafana", [], r"[Rr]eset"),
    ("h-close", "/close", "grafana", [], r"Empty reply"),
    ("h-not-http", "/not-http", "grafana", [], r"HTTP/0\.9"),
    ("h-huge-header", "/huge-header", "grafana", [], r"headers too large"),
    ("h-json-bomb", "/json-bomb", "grafana", [], r"answer too complex|response larger than"),
    ("h-kuma-bomb", "/json-bomb", "uptime_kuma", [], r"answer too complex"),
    ("h-prom-bomb", "/json-bomb", "prometheus", [], r"targets: answer too complex"),
    ("h-prom-many", "/many/50000", "prometheus", [], r"ok:ready, 42857/50000 targets up \(500 rows shown\)"),
]
TLS_CASES = [
    # name, listener ("self" or "expired"), insecure, expectation
    ("h-tls-selfsigned", "self", False, r"SSL certificate problem"),
    ("h-tls-expired", "expired", False, r"SSL certificate problem|certificate has expired"),
    ("h-tls-insecure", "self", True, r"ok:^\[insecure TLS\] database ok"),
]


def print_config(a):
    out = []
    for name, path, kind, extra, _ in CASES:
        if name in a.skip or (a.only and name not in a.only):
            continue
        out += ['[service "%s"]' % name, "kind = " + kind,
                "url = http://127.0.0.1:%d%s" % (a.port, path)] + extra + [""]
    tls = {"self": a.tls_self_port, "expired": a.tls_expired_port}
    for name, which, insecure, _ in TLS_CASES:
        if tls[which] and name not in a.skip and (not a.only or name in a.only):
            out += ['[service "%s"]' % name, "kind = grafana",
                    "url = https://127.0.0.1:%d/ok" % tls[which]]
            out += ["insecure = true"] if insecure else []
            out += [""]
    print("\n".join(out))


def print_expect(a):
    tls = {"self": a.tls_self_port, "expired": a.tls_expired_port}
    rows = [(c[0], c[4]) for c in CASES if c[0] not in a.skip and (not a.only or c[0] in a.only)]
    rows += [(c[0], c[3]) for c in TLS_CASES if tls[c[1]] and c[0] not in a.skip
             and (not a.only or c[0] in a.only)]
    for name, exp in rows:
        if exp.startswith("ok:"):
            print("%s\tok\t%s" % (name, exp[3:]))
        else:
            print("%s\t%s" % (name, exp))


class OtherHandler(Handler):
    listener = "other"


class RawHandler(socketserver.BaseRequestHandler):
    """A non-HTTP peer (Redis, PostgreSQL) that misbehaves."""

    def handle(self):
        sock = self.request
        sock.settimeout(60)
        mode = self.server.mode
        try:
            first = sock.recv(4096)
            record("raw-" + mode, "", {"first_bytes": len(first)})
            if mode == "huge":
                sock.sendall(b"$200000000\r\n")
                block = b"x" * CHUNK
                for _ in range(HUGE_SIZE // CHUNK):
                    sock.sendall(block)
            elif mode == "garbage":
                rnd = random.Random(7)
                sock.sendall(bytes(rnd.randrange(256) for _ in range(4096)) + b"\r\n" * 4)
            elif mode == "drip":
                for _ in range(100000):
                    sock.sendall(b"+")
                    time.sleep(1)
            else:
                while sock.recv(4096):
                    pass
        except OSError:
            pass
        finally:
            sock.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, handler, tls=None, mode=None):
        self.tls = tls
        self.mode = mode
        super().__init__(addr, handler)


def serve(server):
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return t


def main():
    global ARGS
    p = argparse.ArgumentParser(description="hostile HTTP backend")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--other-port", type=int, default=0)
    p.add_argument("--other-host", default="127.0.0.2")
    p.add_argument("--tls", action="append", default=[], metavar="PORT:CERT:KEY")
    p.add_argument("--raw", action="append", default=[], metavar="PORT:MODE")
    p.add_argument("--ready-file")
    p.add_argument("--print-config", action="store_true")
    p.add_argument("--print-expect", action="store_true")
    p.add_argument("--tls-self-port", type=int, default=0, help="with --print-*")
    p.add_argument("--tls-expired-port", type=int, default=0, help="with --print-*")
    p.add_argument("--skip", action="append", default=[], help="with --print-*: leave a case out")
    p.add_argument("--only", action="append", default=[], help="with --print-*: just these cases")
    ARGS = p.parse_args()
    if ARGS.print_config:
        print_config(ARGS)
        return
    if ARGS.print_expect:
        print_expect(ARGS)
        return

    servers = [Server(("127.0.0.1", ARGS.port), Handler)]
    if ARGS.other_port:
        servers.append(Server(("127.0.0.1", ARGS.other_port), OtherHandler))
        try:
            servers.append(Server((ARGS.other_host, ARGS.other_port), OtherHandler))
        except OSError as e:
            print("hostile: cannot listen on %s:%d: %s" % (ARGS.other_host, ARGS.other_port, e),
                  file=sys.stderr)
    for spec in ARGS.tls:
        port, cert, key = spec.split(":", 2)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        servers.append(Server(("127.0.0.1", int(port)), Handler, ctx))
    for spec in ARGS.raw:
        port, mode = spec.split(":", 1)
        if mode not in ("huge", "garbage", "drip", "silent"):
            sys.exit("hostile: unknown raw mode %r" % mode)
        servers.append(Server(("127.0.0.1", int(port)), RawHandler, mode=mode))
    for s in servers:
        serve(s)
    # Build the bomb before saying ready, so no request waits for it.
    gzip_bomb()
    if ARGS.ready_file:
        with open(ARGS.ready_file, "w") as f:
            f.write(str(os.getpid()))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
