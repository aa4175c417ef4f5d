"""Webhook receivers: a generic JSON receiver and a Slack-compatible one.

Which one answers depends on the path (or on state["mode"]):

  Slack incoming webhook, POST /services/T.../B.../<key> (Slack's URL shape):
       200 text "ok"
       400 text "invalid_payload"   body is not a JSON object (JSON, or form
                                    payload=<json>)
       400 text "no_text"           no text, no blocks, no attachments
       404 text "no_service"        <key> listed in the state file "revoked"
  Generic receiver, any other path:
       POST/PUT/GET/HEAD -> 200 {"ok": true}, whatever the body (lenient, like
       most "send me JSON" endpoints; use /__fake/override for failures)

Every request is recorded by fakes.py (GET /__fake/requests).  Bodies that
parse as JSON are also kept in state["received"] as {"path", "json"}.

State (POST /__fake/state):
  "mode": "auto" | "generic" | "slack"    auto (default): by path, as above
"""

import json
import urllib.parse


def init(state, ctx):
    state["mode"] = "auto"
    state["received"] = []


def _parse(req):
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    raw = req.text
    if ctype == "application/x-www-form-urlencoded" and raw.startswith("payload="):
        raw = urllib.parse.parse_qs(raw).get("payload", [""])[0]
    return json.loads(raw)


def _slack(req):
    if req.method != "POST":
        return req.reply_text("invalid_method", status=405)
    key = req.path.rstrip("/").rsplit("/", 1)[-1]
    revoked = req.state_file("revoked")
    if revoked is not None and key in revoked.split():
        return req.reply_text("no_service", status=404)
    try:
        payload = _parse(req)
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except ValueError:
        return req.reply_text("invalid_payload", status=400)
    if not payload.get("text") and not payload.get("blocks") and not payload.get("attachments"):
        return req.reply_text("no_text", status=400)
    return req.reply_text("ok")


def handle(req):
    if req.method in ("POST", "PUT"):
        try:
            payload = _parse(req)
            with req.lock:
                req.state.setdefault("received", []).append({"path": req.path, "json": payload})
        except ValueError:
            pass
    mode = req.state.get("mode", "auto")
    if mode == "slack" or (mode == "auto" and req.path.startswith("/services/")):
        return _slack(req)
    if req.method in ("POST", "PUT", "GET", "HEAD"):
        return req.reply_json({"ok": True})
    return None
