"""Fake Zulip: the Slack-compatible incoming webhook and the send-message API.

  POST /api/v1/external/slack_incoming?api_key=KEY&stream=S[&topic=T]
       body: JSON (Content-Type: application/json) or form "payload=<json>"
       200 {"result":"success","msg":""}   also when the payload renders to
                                           nothing (then no message is posted)
       400 REQUEST_VARIABLE_MISSING        no payload (form without payload=)
       400 BAD_REQUEST "Malformed JSON"    payload is not JSON / not an object
       400 STREAM_NOT_FOUND                stream not in state["streams"]
       401 INVALID_API_KEY                 api_key missing or not accepted
       429 RATE_LIMIT_HIT                  while state["rate_limited"] > 0, with
                                           Retry-After, X-RateLimit-* and a
                                           "retry-after" float in the body
  POST /api/v1/messages        form type/to/topic/content, HTTP Basic email:key
       200 {"id":N,"msg":"","result":"success"}
  GET  /api/v1/server_settings {"result":"success","zulip_version":"9.2",...}

Accepted keys: lines of the file "api_key" in the --state dir; any non-empty
key when absent.  Errors are {"result":"error","msg":...,"code":...}.

State (POST /__fake/state):
  "streams": ["ops", ...] | null     known streams (null: any)
  "rate_limited": N                  answer the next N webhook posts with 429
  "retry_after": 12.5                the wait announced by a 429
Read back: "messages" (rendered posts: stream, topic, content, payload).
"""

import base64
import json
import re
import urllib.parse


def init(state, ctx):
    state["streams"] = None
    state["rate_limited"] = 0
    state["retry_after"] = 12.5
    state["messages"] = []
    state["next_id"] = 100


def _error(req, status, msg, code, headers=None, **extra):
    body = {"result": "error", "msg": msg, "code": code}
    body.update(extra)
    return req.reply_json(body, status=status, headers=headers)


def _key_ok(req, key):
    if not key:
        return False
    keys = req.state_file("api_key")
    return keys is None or key in keys.split()


def _mrkdwn(s):
    """Slack *bold* becomes Zulip **bold** (what the real integration does)."""
    return re.sub(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])", r"**\1**", s)


def _render(payload):
    """Content of the Zulip message, "" when there is nothing to post."""
    parts = []
    text = payload.get("text")
    if isinstance(text, str) and text:
        parts.append(_mrkdwn(text))
    for att in payload.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        for key in ("pretext", "title", "text"):
            v = att.get(key)
            if isinstance(v, str) and v:
                parts.append(_mrkdwn(v))
        for f in att.get("fields") or []:
            if not isinstance(f, dict):
                continue
            t, v = f.get("title"), f.get("value")
            if t and v:
                parts.append("**%s**: %s" % (t, v))
            elif t or v:
                parts.append(str(t or v))
        if isinstance(att.get("footer"), str) and att["footer"]:
            parts.append(att["footer"])
    return "\n".join(parts)


def _slack_incoming(req):
    if not _key_ok(req, req.query.get("api_key", "")):
        return _error(req, 401, "Invalid API key", "INVALID_API_KEY")
    with req.lock:
        if req.state.get("rate_limited", 0) > 0:
            req.state["rate_limited"] -= 1
            ra = float(req.state.get("retry_after", 12.5))
            return _error(req, 429, "API usage exceeded rate limit", "RATE_LIMIT_HIT",
                          headers={"Retry-After": str(int(ra + 0.999)), "X-RateLimit-Limit": "200",
                                   "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1767436680"},
                          **{"retry-after": ra})
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype == "application/json":
        raw = req.text
    else:
        form = urllib.parse.parse_qs(req.text)
        if "payload" not in form:
            return _error(req, 400, "Missing 'payload' argument", "REQUEST_VARIABLE_MISSING",
                          var_name="payload")
        raw = form["payload"][0]
    try:
        payload = json.loads(raw)
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except ValueError:
        return _error(req, 400, "Malformed JSON", "BAD_REQUEST")
    stream = req.query.get("stream", "")
    streams = req.state.get("streams")
    if streams is not None and stream not in streams:
        return _error(req, 400, "Channel '%s' does not exist" % stream, "STREAM_NOT_FOUND", stream=stream)
    content = _render(payload)
    if content:
        with req.lock:
            req.state.setdefault("messages", []).append(
                {"stream": stream, "topic": req.query.get("topic", "(no topic)"),
                 "content": content, "payload": payload})
    return req.reply_json({"result": "success", "msg": ""})


def _messages(req):
    auth = req.header("authorization", "")
    m = re.fullmatch(r"(?i)basic\s+(\S+)", auth.strip())
    try:
        email, _, key = base64.b64decode(m.group(1)).decode().partition(":") if m else ("", "", "")
    except ValueError:
        email, key = "", ""
    if not email or not _key_ok(req, key):
        return _error(req, 401, "Invalid API key", "INVALID_API_KEY")
    form = {k: v[-1] for k, v in urllib.parse.parse_qs(req.text).items()}
    if not form.get("content"):
        return _error(req, 400, "Missing 'content' argument", "REQUEST_VARIABLE_MISSING", var_name="content")
    streams = req.state.get("streams")
    if form.get("type", "stream") in ("stream", "channel") and streams is not None and form.get("to") not in streams:
        return _error(req, 400, "Channel '%s' does not exist" % form.get("to"), "STREAM_NOT_FOUND",
                      stream=form.get("to"))
    with req.lock:
        req.state["next_id"] = req.state.get("next_id", 100) + 1
        mid = req.state["next_id"]
        req.state.setdefault("messages", []).append(
            {"stream": form.get("to"), "topic": form.get("topic", ""), "content": form["content"],
             "payload": form})
    return req.reply_json({"id": mid, "msg": "", "result": "success"})


def handle(req):
    if req.path == "/api/v1/external/slack_incoming":
        if req.method != "POST":
            return _error(req, 405, "Method Not Allowed", "BAD_REQUEST")
        return _slack_incoming(req)
    if req.path == "/api/v1/messages" and req.method == "POST":
        return _messages(req)
    if req.path == "/api/v1/server_settings" and req.method in ("GET", "HEAD"):
        return req.reply_json({"result": "success", "msg": "", "zulip_version": "9.2",
                               "zulip_feature_level": 278, "realm_name": "Ceres"})
    return None
