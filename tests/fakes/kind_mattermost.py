"""Fake Mattermost.

  GET  /api/v4/system/ping   {"status":"OK", ...}
  POST /hooks/{key}          incoming webhook: 200 text "ok" (2 bytes, no newline)
     400 JSON AppError web.incoming_webhook.parse.app_error  bad JSON / payload
     400 JSON AppError web.incoming_webhook.text.app_error   empty text and no attachments
     400 JSON AppError web.incoming_webhook.invalid.app_error unknown key
     404 JSON AppError web.incoming_webhook.channel.app_error channel override not in
                                                             state["channels"]
     429 text "limit exceeded" with X-RateLimit-* and Retry-After  (state "rate_limited")
     501 JSON AppError web.incoming_webhook.disabled.app_error     (state "hooks_disabled")
  Accepted keys: lines of the file "hooks" in the --state dir; any key when absent.
  Accepted messages are appended to state["messages"] (GET /__fake/state).

State (POST /__fake/state):
  "status": "OK" | "UNHEALTHY"   ping answer (UNHEALTHY -> 500)
  "hooks_disabled": true         EnableIncomingWebhooks = false
  "rate_limited": N              the next N hook posts get 429
  "retry_after": 30              seconds announced by the 429
  "channels": ["town-square"]    known channels for the "channel" override (null: any)
"""

import json
import re
import urllib.parse
import uuid


def init(state, ctx):
    state["status"] = "OK"
    state["messages"] = []
    state["hooks_disabled"] = False
    state["rate_limited"] = 0
    state["retry_after"] = 30
    state["channels"] = None


def _app_error(req, status, ident, message):
    return req.reply_json({"id": ident, "message": message, "detailed_error": "",
                           "request_id": uuid.uuid4().hex[:26], "status_code": status},
                          status=status)


def handle(req):
    if req.path == "/api/v4/system/ping" and req.method in ("GET", "HEAD"):
        st = req.state.get("status", "OK")
        return req.reply_json({"ActiveSearchBackend": "database", "AndroidLatestVersion": "",
                               "status": st}, status=200 if st == "OK" else 500)
    m = re.fullmatch(r"/hooks/([^/]+)", req.path)
    if m and req.method == "POST":
        if req.state.get("hooks_disabled"):
            return _app_error(req, 501, "web.incoming_webhook.disabled.app_error",
                              "Incoming webhooks have been disabled by the system admin.")
        with req.lock:
            if req.state.get("rate_limited", 0) > 0:
                req.state["rate_limited"] -= 1
                return 429, {"Content-Type": "text/plain; charset=utf-8",
                             "Retry-After": str(req.state.get("retry_after", 30)),
                             "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0",
                             "X-RateLimit-Reset": str(req.state.get("retry_after", 30))}, b"limit exceeded\n"
        keys = req.state_file("hooks")
        if keys is not None and m.group(1) not in keys.split():
            return _app_error(req, 400, "web.incoming_webhook.invalid.app_error", "Invalid webhook")
        ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
        try:
            if ctype == "application/json":
                payload = req.json()
            elif ctype == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(req.text)
                payload = json.loads(form.get("payload", [""])[0])
            else:
                raise ValueError("content type")
            if not isinstance(payload, dict):
                raise ValueError("not an object")
        except ValueError:
            return _app_error(req, 400, "web.incoming_webhook.parse.app_error",
                              "Unable to parse incoming data")
        if not (payload.get("text") or "") and not payload.get("attachments"):
            return _app_error(req, 400, "web.incoming_webhook.text.app_error", "No text specified")
        channels = req.state.get("channels")
        if payload.get("channel") and channels is not None and payload["channel"] not in channels:
            return _app_error(req, 404, "web.incoming_webhook.channel.app_error", "Couldn't find the channel")
        with req.lock:
            req.state.setdefault("messages", []).append({"key": m.group(1), "payload": payload})
        return 200, {"Content-Type": "text/plain"}, b"ok"
    return None
