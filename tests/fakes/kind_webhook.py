"""Generic webhook receiver: answers 200 {"ok":true} to any POST/PUT on any
path (every request is recorded by fakes.py; read them with GET
/__fake/requests).  GET on any path also answers {"ok":true}.

state["mode"] is reserved for later zulip-/slack-style answers.
"""


def init(state, ctx):
    state["mode"] = "generic"


def handle(req):
    if req.method in ("POST", "PUT", "GET", "HEAD"):
        return req.reply_json({"ok": True})
    return None
