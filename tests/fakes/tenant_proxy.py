#!/usr/bin/env python3
"""A stand-in for the gateway of a multi-tenant engine (Mimir, Cortex, Loki):
a reverse proxy that refuses every request without an allowed
X-Scope-OrgID, forwards the others by path prefix, and records what it got.

    tenant_proxy.py --port PORT --control-port PORT2 --tenants berlin,paris \
        --route /prometheus=127.0.0.1:9090 --route /alertmanager=127.0.0.1:9093

With --not-found REGEX (repeatable) a request whose path matches gets the
404 of a route the engine does not have (Mimir's and Cortex's Prometheus
API serves queries but neither /-/ready nor /api/v1/targets).

With --tls-cert/--tls-key it serves HTTPS on PORT, and with --client-ca it
also demands a client certificate signed by that CA (as the auth proxy in
front of a central engine may).  The path is forwarded unchanged (the upstreams run with --web.route-prefix).
HTTP/1.1 with keep-alive, so a client that reuses its connections opens few.

Control, on the control port only (its connections are not counted):
    GET  /__proxy/log     {"connections": N, "requests": [{"method", "path",
                           "org", "conn", "status", "body"}, ...]}
                          N: TCP connections accepted on PORT so far
    POST /__proxy/clear   forget the requests (the connection count stays)
"""

import argparse
import errno
import http.client
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"connections": 0, "requests": []}
MAX_RECORDED = 20000


class Server(ThreadingHTTPServer):
    daemon_threads = True
    counted = True

    def process_request(self, request, client_address):
        if self.counted:
            with LOCK:
                STATE["connections"] += 1
        super().process_request(request, client_address)


class ControlServer(Server):
    counted = False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes = []
    tenants = set()
    not_found = []

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        with LOCK:
            self.conn_id = STATE["connections"]

    def reply(self, status, body, ctype="text/plain"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def control(self):
        if self.path == "/__proxy/log":
            with LOCK:
                out = json.dumps(STATE)
            return self.reply(200, out, "application/json")
        if self.path == "/__proxy/clear" and self.command == "POST":
            with LOCK:
                STATE["requests"] = []
            return self.reply(200, "cleared")
        return self.reply(404, "no such control path")

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        if isinstance(self.server, ControlServer):
            return self.control()
        org = self.headers.get("X-Scope-OrgID")
        rec = {"method": self.command, "path": self.path, "org": org,
               "conn": self.conn_id, "body": body.decode("utf-8", "replace")}
        upstream = None
        for prefix, hostport in self.routes:
            if self.path == prefix or self.path.startswith(prefix + "/"):
                upstream = hostport
        if org not in self.tenants:
            rec["status"] = 401
            self.record(rec)
            return self.reply(401, "no org id\n")
        if upstream is None or any(p.search(self.path) for p in self.not_found):
            rec["status"] = 404
            self.record(rec)
            return self.reply(404, "404 page not found\n")
        host, port = upstream.rsplit(":", 1)
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=20)
            hdrs = {k: v for k, v in self.headers.items()
                    if k.lower() in ("content-type", "accept")}
            c.request(self.command, self.path, body=body or None, headers=hdrs)
            r = c.getresponse()
            data = r.read()
            ctype = r.getheader("Content-Type", "text/plain")
            status = r.status
            c.close()
        except OSError as e:
            status, data, ctype = 502, ("bad gateway: %s\n" % e).encode(), "text/plain"
        rec["status"] = status
        self.record(rec)
        self.reply(status, data, ctype)

    def record(self, rec):
        with LOCK:
            if len(STATE["requests"]) < MAX_RECORDED:
                STATE["requests"].append(rec)

    do_GET = do_POST = do_DELETE = do_PUT = do_HEAD = forward


def bind(cls, port):
    """The port may be held for a moment as the local end of some other
    program's outgoing connection (it is in the ephemeral range): retry."""
    for _ in range(100):
        try:
            return cls(("127.0.0.1", port), Handler)
        except OSError as e:
            if e.errno != errno.EADDRINUSE:
                raise
            time.sleep(0.1)
    return cls(("127.0.0.1", port), Handler)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--control-port", type=int, required=True)
    ap.add_argument("--tenants", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--client-ca")
    ap.add_argument("--route", action="append", default=[])
    ap.add_argument("--not-found", action="append", default=[])
    a = ap.parse_args()
    Handler.not_found = [re.compile(p) for p in a.not_found]
    Handler.tenants = set(t for t in a.tenants.split(",") if t)
    for r in a.route:
        prefix, hostport = r.split("=", 1)
        Handler.routes.append((prefix.rstrip("/"), hostport))
    srv = bind(Server, a.port)
    if a.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        if a.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(a.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    ctl = bind(ControlServer, a.control_port)
    threading.Thread(target=ctl.serve_forever, daemon=True).start()
    print("tenant proxy on 127.0.0.1:%d" % a.port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
