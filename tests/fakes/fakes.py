#!/usr/bin/env python3
"""Fake HTTP backends for the ceres-top sandbox and tests (stdlib only).

    fakes.py --kind KIND --port PORT [--port2 PORT] --state DIR

Loads tests/fakes/kind_<KIND>.py and serves it on 127.0.0.1:PORT (and on
PORT2 when given, e.g. Keycloak's management port).  A kind module provides

    def handle(req) -> (status, headers_dict, body) | None     # None = 404
    def init(state, ctx)                                       # optional

`body` may be bytes, str (UTF-8) or a dict/list (JSON-encoded).  `req` is a
Request (see below); `req.state` is a dict shared by all requests of the
process and reset by POST /__fake/reset.

Control API, served on every port of every kind:
    GET  /__fake/ping                 -> 200 "pong" (readiness)
    POST /__fake/override             {"path": "/ready", "status": 503,
                                       "body": "...", "content_type": "...",
                                       "headers": {...}, "delay": 2.5,
                                       "times": N, "method": "GET",
                                       "prefix": false, "port": 9000,
                                       "close": false}
        Answers the next N (default: all) matching requests with the canned
        status/body.  Without "status" and "body" only the delay is applied
        and the kind answers normally.  "close": true drops the connection
        without an answer.  Newest override wins.
    POST /__fake/reset                drop overrides, re-init the kind state
    POST /__fake/state                JSON object merged into req.state
    GET  /__fake/state                the state as JSON (best effort)
    GET  /__fake/requests[?path=P]    JSON list of recorded requests
    POST /__fake/clear-requests
Requests to /__fake/* are not recorded.  Every request is logged as one
line on stdout.
"""

import argparse
import copy
import importlib.util
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_RECORDED = 2000
MAX_BODY = 16 * 1024 * 1024

HERE = os.path.dirname(os.path.abspath(__file__))


class Request:
    """What a kind's handle() receives."""

    def __init__(self, method, raw_path, headers, body, port, ctx, state):
        self.method = method
        self.raw_path = raw_path
        parts = urllib.parse.urlsplit(raw_path)
        self.path = urllib.parse.unquote(parts.path)
        self.query_string = parts.query
        self.query_all = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        # last value wins; use query_all for repeated keys
        self.query = {k: v[-1] for k, v in self.query_all.items()}
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.port = port
        self.ctx = ctx            # dict: kind, port, port2, state_dir, started
        self.state = state        # shared, mutable; guarded by ctx["lock"]
        self.lock = ctx["lock"]

    # helpers -------------------------------------------------------------
    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        """Parsed JSON body, or raises ValueError."""
        return json.loads(self.body.decode("utf-8"))

    @property
    def is_port2(self):
        return self.ctx.get("port2") is not None and self.port == self.ctx["port2"]

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.port

    def state_file(self, name):
        """Contents (stripped str) of a file in the --state dir, or None."""
        try:
            with open(os.path.join(self.ctx["state_dir"], name), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return None

    @staticmethod
    def reply_json(obj, status=200, headers=None, indent=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        body = json.dumps(obj, indent=indent, ensure_ascii=False)
        if indent:
            body += "\n"
        return status, h, body.encode("utf-8")

    @staticmethod
    def reply_text(text, status=200, headers=None, content_type="text/plain; charset=utf-8"):
        h = {"Content-Type": content_type}
        h.update(headers or {})
        return status, h, text.encode("utf-8") if isinstance(text, str) else text


def load_kind(kind):
    path = os.path.join(HERE, "kind_%s.py" % kind)
    if not os.path.exists(path):
        sys.exit("fakes.py: unknown kind %r (no %s)" % (kind, path))
    spec = importlib.util.spec_from_file_location("kind_%s" % kind, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not hasattr(mod, "handle"):
        sys.exit("fakes.py: %s has no handle(req)" % path)
    return mod


def to_bytes(body):
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class Fake:
    def __init__(self, kind, port, port2, state_dir):
        self.kind = kind
        self.mod = load_kind(kind)
        self.lock = threading.RLock()
        self.ctx = {"kind": kind, "port": port, "port2": port2,
                    "state_dir": state_dir, "started": time.time(), "lock": self.lock}
        self.overrides = []       # newest first
        self.requests = []
        self.seq = 0
        self.state = {}
        self.reset_state()
        self.log_lock = threading.Lock()

    def reset_state(self):
        with self.lock:
            self.state.clear()
            if hasattr(self.mod, "init"):
                self.mod.init(self.state, self.ctx)

    def log(self, line):
        with self.log_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    # control API ---------------------------------------------------------
    def control(self, method, path, query, body):
        def ok(obj=None):
            return 200, {"Content-Type": "application/json"}, to_bytes(obj if obj is not None else {"ok": True})

        def bad(msg):
            return 400, {"Content-Type": "application/json"}, to_bytes({"error": msg})

        if path == "/__fake/ping":
            return 200, {"Content-Type": "text/plain"}, b"pong"
        if path == "/__fake/requests" and method == "GET":
            with self.lock:
                reqs = list(self.requests)
            p = query.get("path")
            if p:
                reqs = [r for r in reqs if r["path"] == p or (p.endswith("*") and r["path"].startswith(p[:-1]))]
            m = query.get("method")
            if m:
                reqs = [r for r in reqs if r["method"] == m.upper()]
            return ok(reqs)
        if path == "/__fake/state" and method == "GET":
            with self.lock:
                return ok(json.loads(json.dumps(self.state, default=str)))
        if method != "POST":
            return 405, {"Content-Type": "application/json"}, to_bytes({"error": "use POST"})
        if path == "/__fake/clear-requests":
            with self.lock:
                self.requests.clear()
            return ok()
        if path == "/__fake/reset":
            with self.lock:
                self.overrides.clear()
            self.reset_state()
            return ok()
        try:
            data = json.loads(body.decode("utf-8") or "{}")
        except ValueError as e:
            return bad("bad JSON: %s" % e)
        if not isinstance(data, dict):
            return bad("expected a JSON object")
        if path == "/__fake/state":
            with self.lock:
                self.state.update(data)
            return ok()
        if path == "/__fake/override":
            if "path" not in data:
                return bad("path is required")
            ov = dict(data)
            ov["remaining"] = ov.get("times")
            with self.lock:
                self.overrides.insert(0, ov)
            return ok()
        return 404, {"Content-Type": "application/json"}, to_bytes({"error": "unknown control endpoint"})

    def match_override(self, method, path, port):
        with self.lock:
            for ov in self.overrides:
                want = ov["path"]
                if ov.get("prefix"):
                    if not path.startswith(want):
                        continue
                elif path != want:
                    continue
                if ov.get("method") and ov["method"].upper() != method:
                    continue
                if ov.get("port") and int(ov["port"]) != port:
                    continue
                if ov["remaining"] is not None:
                    if ov["remaining"] <= 0:
                        continue
                    ov["remaining"] -= 1
                return copy.deepcopy(ov)
        return None

    def record(self, method, raw_path, path, query_all, headers, body, port):
        with self.lock:
            self.seq += 1
            self.requests.append({
                "seq": self.seq,
                "time": time.time(),
                "port": port,
                "method": method,
                "path": path,
                "raw_path": raw_path,
                "query": {k: (v[0] if len(v) == 1 else v) for k, v in query_all.items()},
                "headers": dict(headers),
                "body": body.decode("utf-8", "replace"),
            })
            if len(self.requests) > MAX_RECORDED:
                del self.requests[: len(self.requests) - MAX_RECORDED]


def make_handler(fake, port):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def version_string(self):
            return "ceres-fake/%s" % fake.kind

        def log_message(self, fmt, *args):  # silence default stderr log
            pass

        def _serve(self):
            t0 = time.time()
            method = self.command
            try:
                n = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                n = 0
            if n > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(n) if n > 0 else b""
            req = Request(method, self.path, self.headers, body, port, fake.ctx, fake.state)
            status, headers, out = 500, {}, b""
            closed = False
            try:
                if req.path.startswith("/__fake/"):
                    status, headers, out = fake.control(method, req.path, req.query, body)
                else:
                    fake.record(method, self.path, req.path, req.query_all, self.headers.items(), body, port)
                    ov = fake.match_override(method, req.path, port)
                    result = None
                    if ov is not None:
                        if ov.get("delay"):
                            time.sleep(float(ov["delay"]))
                        if ov.get("close"):
                            closed = True
                            self.close_connection = True
                            self.connection.shutdown(2)
                            result = (0, {}, b"")
                        elif "status" in ov or "body" in ov:
                            h = {"Content-Type": ov.get("content_type", "text/plain; charset=utf-8")}
                            h.update(ov.get("headers") or {})
                            b = ov.get("body", "")
                            if not isinstance(b, str):
                                b = json.dumps(b, ensure_ascii=False)
                                if "content_type" not in ov:
                                    h["Content-Type"] = "application/json"
                            result = (int(ov.get("status", 200)), h, b.encode("utf-8"))
                    if result is None:
                        result = fake.mod.handle(req)
                    if result is None:
                        result = (404, {"Content-Type": "text/plain; charset=utf-8"}, b"404 page not found\n")
                    status, headers, out = result
                    out = to_bytes(out)
            except Exception as e:  # a broken kind must not kill the server
                import traceback
                traceback.print_exc(file=sys.stdout)
                status, headers, out = 500, {"Content-Type": "text/plain"}, ("fake error: %s\n" % e).encode()
            if not closed:
                self.send_response(status)
                lower = {k.lower() for k in headers}
                for k, v in headers.items():
                    self.send_header(k, str(v))
                if "content-length" not in lower and status not in (204, 304):
                    self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                if method != "HEAD" and status not in (204, 304):
                    self.wfile.write(out)
            fake.log("%s %s :%d %s %s -> %s %dB %.1fms" % (
                time.strftime("%Y-%m-%dT%H:%M:%S"), fake.kind, port, method, self.path,
                "closed" if closed else status, len(out), (time.time() - t0) * 1000))

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--port2", type=int)
    ap.add_argument("--state", required=True, help="state directory")
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    os.makedirs(args.state, exist_ok=True)
    fake = Fake(args.kind, args.port, args.port2, os.path.abspath(args.state))
    servers = [Server((args.host, args.port), make_handler(fake, args.port))]
    if args.port2:
        servers.append(Server((args.host, args.port2), make_handler(fake, args.port2)))
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    fake.log("fake %s listening on %s" % (args.kind, ", ".join("%s:%d" % s.server_address for s in servers)))
    import signal
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        servers[0].serve_forever(poll_interval=0.5)
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
