#!/usr/bin/env python3
"""N HTTP endpoints on consecutive loopback ports, each answering after a
fixed delay.  Usage: slow_http.py BASE_PORT COUNT DELAY_SECONDS"""
import http.server
import socketserver
import sys
import threading
import time

base, count, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        time.sleep(delay)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


servers = [Server(("127.0.0.1", base + i), Handler) for i in range(count)]
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
