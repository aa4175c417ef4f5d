"""Fake Tempo: GET /ready ("ready\\n"), GET /api/echo.

state["ready"] = false -> 503 with Tempo's "not Running" text.
"""


def init(state, ctx):
    state["ready"] = True


def handle(req):
    if req.path == "/ready" and req.method in ("GET", "HEAD"):
        if req.state.get("ready", True):
            return req.reply_text("ready\n")
        return req.reply_text("Some services are not Running:\nStarting: 1\nStarting: ingester\n",
                              status=503)
    if req.path == "/api/echo":
        return req.reply_text("echo")
    if req.path == "/api/status/buildinfo":
        return req.reply_json({"version": "2.6.1", "revision": "fake", "branch": "HEAD",
                               "buildUser": "", "buildDate": "", "goVersion": "go1.23.1"})
    return None
