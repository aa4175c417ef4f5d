#!/usr/bin/env python3
"""A fixed Alertmanager answer, dribbled: GET /api/v2/alerts serves the
bytes of FILE in pieces of CHUNK bytes (each flushed on its own, so the
client reads the answer in many pieces), GET /api/v2/silences serves [],
anything else 404.  /__fake/ping answers "pong".

    python3 tests/fakes/am_answer.py --port PORT --file FILE [--chunk 97]
"""
import argparse
import http.server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--chunk", type=int, default=97)
    args = ap.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def send(self, status, body, pieces=1):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for k in range(0, len(body), pieces):
                    self.wfile.write(body[k:k + pieces])
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass    # the client stopped reading (over its cap)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/api/v2/alerts":
                with open(args.file, "rb") as f:
                    self.send(200, f.read(), args.chunk)
            elif path == "/api/v2/silences":
                self.send(200, b"[]", 2)
            elif path == "/__fake/ping":
                self.send(200, b"pong", 4)
            else:
                self.send(404, b"not found", 9)

        def log_message(self, fmt, *a):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
