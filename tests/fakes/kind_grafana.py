"""Fake Grafana: GET /api/health.

state["database"]: "ok" (default) or anything else -> 503 with that value,
as Grafana does when its database check fails.
"""

VERSION = "11.4.0"
COMMIT = "0d3c0c7e5b2a9f41b8e6a1c2d3e4f5a6b7c8d9e0"


def init(state, ctx):
    state["database"] = "ok"


def handle(req):
    if req.path == "/api/health" and req.method in ("GET", "HEAD"):
        db = req.state.get("database", "ok")
        body = {"database": db, "version": VERSION, "commit": COMMIT}
        return req.reply_json(body, status=200 if db == "ok" else 503, indent=2)
    if req.path == "/" and req.method == "GET":
        return 302, {"Location": "/login", "Content-Type": "text/html; charset=utf-8"}, \
            b'<a href="/login">Found</a>.\n\n'
    if req.path == "/login" and req.method == "GET":
        return req.reply_text("<!DOCTYPE html><html><head><title>Grafana</title></head>"
                              "<body>Grafana (fake)</body></html>\n",
                              content_type="text/html; charset=utf-8")
    return None
